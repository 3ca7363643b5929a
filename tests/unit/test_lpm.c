/* IPv4 LPM: against a naive reference (a list of routes, linear longest match) over random
 * overlapping routes with adds and deletes interleaved; prefix edges, the default route, host
 * routes, tbl8 and route-table exhaustion, replacement, deletes that must bring back a
 * covering route, and lookups racing a writer. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include "check.h"
#include "common.h"
#include "xorshift.h"
#include "lpm.h"

#ifndef __has_feature
#define __has_feature(x) 0
#endif
#if defined(__SANITIZE_THREAD__) || __has_feature(thread_sanitizer)
#define SCALE 32 /* every table store is instrumented: about 10x ASan's cost */
#elif defined(__SANITIZE_ADDRESS__)
#define SCALE 8
#else
#define SCALE 1
#endif

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* ---- reference: every route in an array, the longest covering one wins ------------------- */

#define REF_MAX 1024

struct ref {
	uint32_t prefix[REF_MAX], nh[REF_MAX];
	uint8_t depth[REF_MAX];
	unsigned n;
};

static uint32_t mask_of(unsigned depth)
{
	return depth ? ~0u << (32 - depth) : 0;
}

static int ref_find(const struct ref *r, uint32_t prefix, unsigned depth)
{
	for (unsigned i = 0; i < r->n; i++)
		if (r->depth[i] == depth && r->prefix[i] == (prefix & mask_of(depth)))
			return (int)i;
	return -1;
}

static void ref_add(struct ref *r, uint32_t prefix, unsigned depth, uint32_t nh)
{
	int i = ref_find(r, prefix, depth);

	if (i < 0) {
		i = (int)r->n++;
		r->prefix[i] = prefix & mask_of(depth);
		r->depth[i] = (uint8_t)depth;
	}
	r->nh[i] = nh;
}

static void ref_delete(struct ref *r, unsigned i)
{
	r->n--;
	r->prefix[i] = r->prefix[r->n];
	r->depth[i] = r->depth[r->n];
	r->nh[i] = r->nh[r->n];
}

static uint32_t ref_lookup(const struct ref *r, uint32_t ip)
{
	int best = -1;

	for (unsigned i = 0; i < r->n; i++)
		if ((ip & mask_of(r->depth[i])) == r->prefix[i] &&
		    (best < 0 || r->depth[i] > r->depth[best]))
			best = (int)i;
	return best < 0 ? LPM_NO_ROUTE : r->nh[best];
}

static uint32_t lpm_get(const struct lpm *l, uint32_t ip)
{
	uint32_t nh = 0xdeadbeef;
	int rc = lpm_lookup(l, ip, &nh);

	return rc == 0 ? nh : rc == -ENOENT ? LPM_NO_ROUTE : 0xbad0bad0u;
}

static struct lpm *lpm_new(uint32_t max_routes, uint32_t max_tbl8)
{
	struct lpm *l = NULL;

	CHECK_EQ_U(lpm_create(&l, max_routes, max_tbl8), 0);
	CHECK(l != NULL);
	return l;
}

#define PROBES 512

/* Compares single and burst lookups with the reference on: every route's first and last
 * address and the addresses just outside them, random addresses inside each route, and
 * random addresses anywhere.  Returns the number of mismatches (each also fails a CHECK). */
static unsigned check_against_ref(const struct lpm *l, const struct ref *r, unsigned random_n)
{
	uint32_t ips[PROBES], hops[PROBES], want[PROBES];
	unsigned n = 0, bad = 0, route = 0, extra = 0;
	int done = 0;

	while (!done) {
		/* Fill a batch, then check it both ways. */
		n = 0;
		while (n + 5 <= PROBES) {
			if (route < r->n) {
				uint32_t p = r->prefix[route], last = p | ~mask_of(r->depth[route]);

				ips[n++] = p;
				ips[n++] = last;
				ips[n++] = p - 1;
				ips[n++] = last + 1;
				ips[n++] = p | ((uint32_t)rng() & ~mask_of(r->depth[route]));
				route++;
			} else if (extra < random_n) {
				ips[n++] = (uint32_t)rng();
				extra++;
			} else {
				done = 1;
				break;
			}
		}
		lpm_lookup_burst(l, ips, hops, n);
		for (unsigned i = 0; i < n; i++) {
			want[i] = ref_lookup(r, ips[i]);
			if (lpm_get(l, ips[i]) != want[i] || hops[i] != want[i]) {
				if (bad < 5)
					fprintf(stderr,
						"  ip 0x%08x: lookup 0x%x burst 0x%x want 0x%x\n",
						ips[i], lpm_get(l, ips[i]), hops[i], want[i]);
				bad++;
			}
		}
	}
	CHECK_EQ_U(bad, 0);
	return bad;
}

/* A cheap fingerprint of everything readers can see. */
static uint64_t lpm_fingerprint(const struct lpm *l)
{
	uint64_t h = 1469598103934665603ull;

	for (uint32_t i = 0; i < 1u << 24; i++)
		h = (h ^ l->tbl24[i]) * 1099511628211ull;
	for (uint32_t i = 0; i < l->max_tbl8 * 256; i++)
		h = (h ^ l->tbl8[i]) * 1099511628211ull;
	return h;
}

/* ---- tests ------------------------------------------------------------------------------- */

static void test_create_errors(void)
{
	struct lpm *l = (struct lpm *)1;

	CHECK_EQ_U(lpm_create(&l, 0, 16), -EINVAL);
	CHECK(l == NULL);
	CHECK_EQ_U(lpm_create(&l, 16, LPM_TBL8_MAX + 1), -EINVAL);
	CHECK_EQ_U(lpm_create(NULL, 16, 16), -EINVAL);
	lpm_free(NULL);
}

static void test_basic_depths(void)
{
	struct lpm *l = lpm_new(64, 16);
	uint32_t nh = 0;

	if (!l)
		return;
	CHECK_EQ_U(lpm_lookup(l, IP(10, 1, 2, 3), &nh), -ENOENT);
	CHECK_EQ_U(lpm_add(l, IP(10, 0, 0, 0), 8, 1), 0);
	CHECK_EQ_U(lpm_add(l, IP(10, 1, 0, 0), 16, 2), 0);
	CHECK_EQ_U(lpm_add(l, IP(10, 1, 2, 0), 24, 3), 0);
	CHECK_EQ_U(lpm_add(l, IP(10, 1, 2, 0), 25, 4), 0);
	CHECK_EQ_U(lpm_add(l, IP(10, 1, 2, 3), 32, 5), 0);
	CHECK_EQ_U(lpm_lookup(l, IP(10, 1, 2, 3), &nh), 0);
	CHECK_EQ_U(nh, 5);
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 2, 2)), 4);
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 2, 127)), 4); /* last address of the /25 */
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 2, 128)), 3); /* first after it: the /24 */
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 2, 255)), 3);
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 3, 0)), 2);
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 1, 255)), 2);
	CHECK_EQ_U(lpm_get(l, IP(10, 2, 0, 0)), 1);
	CHECK_EQ_U(lpm_get(l, IP(10, 255, 255, 255)), 1);
	CHECK_EQ_U(lpm_get(l, IP(11, 0, 0, 0)), LPM_NO_ROUTE);
	CHECK_EQ_U(lpm_get(l, IP(9, 255, 255, 255)), LPM_NO_ROUTE);
	CHECK_EQ_U(lpm_route_count(l), 5);
	CHECK_EQ_U(lpm_tbl8_count(l), 1);
	/* Host bits of the prefix are ignored, as the route's own bits say. */
	CHECK_EQ_U(lpm_add(l, IP(10, 1, 2, 200), 26, 6), 0);
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 2, 192)), 6);
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 2, 191)), 3);
	CHECK_EQ_U(lpm_delete(l, IP(10, 1, 2, 255), 26), 0);
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 2, 192)), 3);
	lpm_free(l);
}

static void test_default_and_edges(void)
{
	struct lpm *l = lpm_new(64, 16);

	if (!l)
		return;
	CHECK_EQ_U(lpm_add(l, 0, 0, 7), 0);
	CHECK_EQ_U(lpm_get(l, 0), 7);
	CHECK_EQ_U(lpm_get(l, 0xffffffff), 7);
	CHECK_EQ_U(lpm_get(l, IP(192, 168, 1, 1)), 7);
	CHECK_EQ_U(lpm_add(l, 0, 32, 8), 0);
	CHECK_EQ_U(lpm_add(l, 0xffffffff, 32, 9), 0);
	CHECK_EQ_U(lpm_add(l, IP(128, 0, 0, 0), 1, 10), 0);
	CHECK_EQ_U(lpm_get(l, 0), 8);
	CHECK_EQ_U(lpm_get(l, 1), 7);
	CHECK_EQ_U(lpm_get(l, 0xffffffff), 9);
	CHECK_EQ_U(lpm_get(l, 0xfffffffe), 10);
	CHECK_EQ_U(lpm_get(l, 0x7fffffff), 7);
	CHECK_EQ_U(lpm_get(l, 0x80000000), 10);
	CHECK_EQ_U(lpm_add(l, 0, 0, LPM_NEXT_HOP_MAX), 0); /* replace, largest next hop */
	CHECK_EQ_U(lpm_get(l, 1), LPM_NEXT_HOP_MAX);
	CHECK_EQ_U(lpm_delete(l, 0, 0), 0);
	CHECK_EQ_U(lpm_get(l, 1), LPM_NO_ROUTE);
	CHECK_EQ_U(lpm_get(l, 0), 8);
	CHECK_EQ_U(lpm_get(l, 0xfffffffe), 10);
	CHECK_EQ_U(lpm_delete(l, 0xffffffff, 32), 0);
	CHECK_EQ_U(lpm_get(l, 0xffffffff), 10);
	CHECK_EQ_U(lpm_delete(l, 0, 32), 0);
	CHECK_EQ_U(lpm_get(l, 0), LPM_NO_ROUTE);
	CHECK_EQ_U(lpm_tbl8_count(l), 0);
	lpm_free(l);
}

static void test_errors(void)
{
	struct lpm *l = lpm_new(64, 16);

	if (!l)
		return;
	CHECK_EQ_U(lpm_add(l, IP(10, 0, 0, 0), 33, 1), -EINVAL);
	CHECK_EQ_U(lpm_add(l, IP(10, 0, 0, 0), 8, LPM_NEXT_HOP_MAX + 1), -EINVAL);
	CHECK_EQ_U(lpm_add(NULL, IP(10, 0, 0, 0), 8, 1), -EINVAL);
	CHECK_EQ_U(lpm_delete(l, IP(10, 0, 0, 0), 33), -EINVAL);
	CHECK_EQ_U(lpm_delete(l, IP(10, 0, 0, 0), 8), -ENOENT);
	CHECK_EQ_U(lpm_add(l, IP(10, 0, 0, 0), 8, 1), 0);
	CHECK_EQ_U(lpm_delete(l, IP(10, 0, 0, 0), 9), -ENOENT); /* same prefix, other depth */
	CHECK_EQ_U(lpm_delete(l, IP(10, 0, 0, 0), 7), -ENOENT);
	CHECK_EQ_U(lpm_delete(l, IP(11, 0, 0, 0), 8), -ENOENT);
	CHECK_EQ_U(lpm_delete(l, IP(10, 0, 0, 0), 8), 0);
	CHECK_EQ_U(lpm_delete(l, IP(10, 0, 0, 0), 8), -ENOENT); /* twice */
	CHECK_EQ_U(lpm_route_count(l), 0);
	lpm_free(l);
}

static void test_replace(void)
{
	struct lpm *l = lpm_new(64, 16);

	if (!l)
		return;
	CHECK_EQ_U(lpm_add(l, IP(10, 1, 0, 0), 16, 1), 0);
	CHECK_EQ_U(lpm_add(l, IP(10, 1, 7, 0), 24, 2), 0);
	CHECK_EQ_U(lpm_add(l, IP(10, 1, 7, 8), 29, 3), 0);
	CHECK_EQ_U(lpm_add(l, IP(10, 1, 0, 0), 16, 11), 0);
	CHECK_EQ_U(lpm_add(l, IP(10, 1, 7, 8), 29, 13), 0);
	CHECK_EQ_U(lpm_route_count(l), 3);
	CHECK_EQ_U(lpm_tbl8_count(l), 1);
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 0, 1)), 11);
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 7, 1)), 2); /* the longer /24 is untouched */
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 7, 15)), 13);
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 7, 16)), 2);
	/* Replacing the /24 under the /29 changes the group's other entries. */
	CHECK_EQ_U(lpm_add(l, IP(10, 1, 7, 0), 24, 12), 0);
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 7, 16)), 12);
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 7, 9)), 13);
	/* The deleted /29's addresses go to the replaced /24, not the old next hop. */
	CHECK_EQ_U(lpm_delete(l, IP(10, 1, 7, 8), 29), 0);
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 7, 9)), 12);
	lpm_free(l);
}

/* Deleting a route gives its addresses to the longest remaining shorter route covering them,
 * in every order, across the /24 boundary and inside tbl8 groups. */
static void test_delete_restores_cover(void)
{
	static const struct {
		uint32_t prefix;
		uint8_t depth;
	} routes[] = {
		{ IP(10, 0, 0, 0), 8 },	  { IP(10, 1, 0, 0), 16 },   { IP(10, 1, 2, 0), 23 },
		{ IP(10, 1, 2, 0), 24 },  { IP(10, 1, 2, 0), 25 },   { IP(10, 1, 2, 64), 26 },
		{ IP(10, 1, 2, 64), 32 }, { IP(10, 1, 3, 128), 25 },
	};
	const unsigned n = ARRAY_SIZE(routes);

	/* Every deletion order of a random subset would be slow; 200 random orders cover it. */
	for (int round = 0; round < 200 / SCALE; round++) {
		struct lpm *l = lpm_new(64, 8);
		static struct ref r;
		unsigned order[ARRAY_SIZE(routes)];

		if (!l)
			return;
		r.n = 0;
		for (unsigned i = 0; i < n; i++) {
			order[i] = i;
			CHECK_EQ_U(lpm_add(l, routes[i].prefix, routes[i].depth, 100 + i), 0);
			ref_add(&r, routes[i].prefix, routes[i].depth, 100 + i);
		}
		for (unsigned i = n - 1; i > 0; i--) {
			unsigned j = (unsigned)(rng() % (i + 1)), t = order[i];

			order[i] = order[j];
			order[j] = t;
		}
		for (unsigned k = 0; k < n; k++) {
			unsigned i = order[k];
			int ri = ref_find(&r, routes[i].prefix, routes[i].depth);

			CHECK_EQ_U(lpm_delete(l, routes[i].prefix, routes[i].depth), 0);
			if (ri >= 0)
				ref_delete(&r, (unsigned)ri);
			for (uint32_t ip = IP(10, 1, 1, 250); ip != IP(10, 1, 4, 5); ip++)
				if (lpm_get(l, ip) != ref_lookup(&r, ip)) {
					CHECK_EQ_U(lpm_get(l, ip), ref_lookup(&r, ip));
					break;
				}
		}
		CHECK_EQ_U(lpm_tbl8_count(l), 0);
		CHECK_EQ_U(lpm_get(l, IP(10, 1, 2, 64)), LPM_NO_ROUTE);
		lpm_free(l);
		if (check_failed_in_test)
			return;
	}
}

static void test_tbl8_exhaustion(void)
{
	struct lpm *l = lpm_new(64, 2);
	uint64_t before;

	if (!l)
		return;
	CHECK_EQ_U(lpm_add(l, IP(10, 1, 0, 0), 16, 1), 0);
	CHECK_EQ_U(lpm_add(l, IP(10, 1, 1, 0), 25, 2), 0);
	CHECK_EQ_U(lpm_add(l, IP(10, 1, 2, 0), 26, 3), 0);
	CHECK_EQ_U(lpm_tbl8_count(l), 2);
	before = lpm_fingerprint(l);
	CHECK_EQ_U(lpm_add(l, IP(10, 1, 3, 0), 25, 4), -ENOSPC);
	CHECK_EQ_U(lpm_fingerprint(l), before);
	CHECK_EQ_U(lpm_route_count(l), 3);
	CHECK_EQ_U(lpm_delete(l, IP(10, 1, 3, 0), 25), -ENOENT); /* not half added */
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 3, 1)), 1);
	/* Groups that exist take more routes; short routes need none. */
	CHECK_EQ_U(lpm_add(l, IP(10, 1, 1, 128), 25, 5), 0);
	CHECK_EQ_U(lpm_add(l, IP(10, 1, 2, 77), 32, 6), 0);
	CHECK_EQ_U(lpm_add(l, IP(10, 1, 3, 0), 24, 7), 0);
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 1, 200)), 5);
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 2, 77)), 6);
	/* A freed group waits for lpm_reclaim. */
	CHECK_EQ_U(lpm_delete(l, IP(10, 1, 1, 0), 25), 0);
	CHECK_EQ_U(lpm_delete(l, IP(10, 1, 1, 128), 25), 0);
	CHECK_EQ_U(lpm_tbl8_count(l), 1);
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 1, 200)), 1);
	CHECK_EQ_U(lpm_add(l, IP(10, 1, 3, 0), 25, 4), -ENOSPC);
	lpm_reclaim(l);
	CHECK_EQ_U(lpm_add(l, IP(10, 1, 3, 0), 25, 4), 0);
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 3, 1)), 4);
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 3, 129)), 7);
	CHECK_EQ_U(lpm_get(l, IP(10, 1, 1, 1)), 1);
	lpm_free(l);
}

static void test_route_capacity(void)
{
	struct lpm *l = lpm_new(4, 4);

	if (!l)
		return;
	for (uint32_t i = 0; i < 4; i++)
		CHECK_EQ_U(lpm_add(l, IP(10, i, 0, 0), 16, i), 0);
	CHECK_EQ_U(lpm_add(l, IP(10, 9, 0, 0), 16, 9), -ENOSPC);
	CHECK_EQ_U(lpm_get(l, IP(10, 9, 0, 0)), LPM_NO_ROUTE);
	CHECK_EQ_U(lpm_add(l, IP(10, 2, 0, 0), 16, 22), 0); /* a replacement needs no room */
	CHECK_EQ_U(lpm_get(l, IP(10, 2, 3, 4)), 22);
	CHECK_EQ_U(lpm_delete(l, IP(10, 0, 0, 0), 16), 0);
	CHECK_EQ_U(lpm_add(l, IP(10, 9, 0, 0), 16, 9), 0);
	CHECK_EQ_U(lpm_route_count(l), 4);
	lpm_free(l);
}

static void test_burst_sizes(void)
{
	struct lpm *l = lpm_new(64, 4);
	uint32_t ips[37], hops[38];

	if (!l)
		return;
	CHECK_EQ_U(lpm_add(l, IP(10, 1, 0, 0), 16, 1), 0);
	CHECK_EQ_U(lpm_add(l, IP(10, 1, 5, 9), 32, 2), 0);
	for (unsigned n = 0; n <= 37; n++) {
		for (unsigned i = 0; i < n; i++)
			ips[i] = i % 3 == 0 ? IP(10, 1, 5, 9) : i % 3 == 1 ? IP(10, 1, i, 1) : i;
		hops[n] = 0x5a5a5a5a;
		lpm_lookup_burst(l, ips, hops, n);
		for (unsigned i = 0; i < n; i++)
			CHECK_EQ_U(hops[i], i % 3 == 0 ? 2 : i % 3 == 1 ? 1 : LPM_NO_ROUTE);
		CHECK_EQ_U(hops[n], 0x5a5a5a5a); /* writes n, no more */
	}
	lpm_free(l);
}

/* Random routes around a few anchors, so that they nest and overlap at every depth; adds,
 * replacements and deletes interleaved, each batch checked against the reference. */
static void test_random_vs_ref(void)
{
	static struct ref r;
	const uint32_t anchors[] = { IP(10, 1, 2, 3),	  IP(10, 1, 130, 77),
				     IP(192, 168, 0, 1),  IP(172, 16, 255, 255),
				     IP(0, 0, 0, 0),	  IP(255, 255, 255, 255),
				     IP(100, 64, 0, 128), IP(8, 8, 8, 8) };
	const unsigned rounds = 60 / SCALE, ops = 40;
	struct lpm *l = lpm_new(400, 24);
	unsigned nospc = 0, deletes = 0;

	if (!l)
		return;
	r.n = 0;
	for (unsigned round = 0; round < rounds; round++) {
		for (unsigned op = 0; op < ops; op++) {
			uint64_t x = rng();
			unsigned depth;
			uint32_t prefix, nh;
			int rc;

			if (r.n && ((x & 3) == 0 || r.n > 300)) {
				/* Delete an existing route, or try one that does not exist. */
				unsigned i = (unsigned)((x >> 8) % r.n);

				if ((x >> 4 & 7) == 0) {
					prefix = r.prefix[i] ^ 1u << 31;
					if (ref_find(&r, prefix, r.depth[i]) < 0)
						CHECK_EQ_U(lpm_delete(l, prefix, r.depth[i]),
							   -ENOENT);
					continue;
				}
				CHECK_EQ_U(lpm_delete(l, r.prefix[i], r.depth[i]), 0);
				ref_delete(&r, i);
				deletes++;
				continue;
			}
			/* Depths: mostly 8..32, rarely shorter (each /n < 8 rewrites 2^(24-n)
			 * entries). */
			depth = (x >> 8 & 63) == 0 ? (unsigned)(x >> 14 & 7)
						   : 8 + (unsigned)((x >> 17) % 25);
			prefix = anchors[(x >> 22) % ARRAY_SIZE(anchors)];
			/* Flip a few bits below the prefix's own depth's neighbourhood, so routes
			 * of one depth differ but still nest. */
			if (x >> 25 & 1)
				prefix ^= (uint32_t)(x >> 32) & ~mask_of(depth > 4 ? depth - 4 : 0);
			nh = (uint32_t)(x >> 40) & LPM_NEXT_HOP_MAX;
			rc = lpm_add(l, prefix, (uint8_t)depth, nh);
			if (rc == -ENOSPC) {
				nospc++;
				continue;
			}
			CHECK_EQ_U(rc, 0);
			ref_add(&r, prefix, depth, nh);
		}
		/* Single-threaded: no reader can be in a freed group. */
		if (round & 1)
			lpm_reclaim(l);
		if (check_against_ref(l, &r, 2000))
			break;
		CHECK_EQ_U(lpm_route_count(l), r.n);
	}
	CHECK(deletes > 100 / SCALE);
	if (nospc)
		fprintf(stderr, "  (%u adds hit -ENOSPC, as allowed)\n", nospc);
	/* Everything out again: the tables must be empty. */
	while (r.n) {
		CHECK_EQ_U(lpm_delete(l, r.prefix[r.n - 1], r.depth[r.n - 1]), 0);
		r.n--;
	}
	CHECK_EQ_U(lpm_tbl8_count(l), 0);
	check_against_ref(l, &r, 2000);
	lpm_free(l);
}

/* A reader on another thread while the writer adds and deletes routes under a fixed /24
 * and, through the same two tbl8 groups, under another /24: every answer must be one the
 * table held at some point for that address, and freed groups are reclaimed only after the
 * reader has finished a full pass (the grace period). */
struct race {
	struct lpm *l;
	unsigned long gen; /* reader's completed passes; written by the reader */
	int stop;	   /* written by the writer */
	unsigned long bad;
};

static int allowed(uint32_t ip, uint32_t nh)
{
	unsigned lo = ip & 0xff;

	if ((ip >> 8) == IP(10, 1, 2, 0) >> 8)
		return nh == 1 || (lo < 128 && nh == 2) || (lo >= 64 && lo < 128 && nh == 3);
	return nh == 4 || (lo < 128 && nh == 5);
}

static void *race_reader(void *arg)
{
	struct race *rc = arg;

	while (!__atomic_load_n(&rc->stop, __ATOMIC_ACQUIRE)) {
		uint32_t ips[64], hops[64];

		for (uint32_t base = IP(10, 1, 2, 0); base < IP(10, 1, 4, 0); base += 64) {
			for (unsigned i = 0; i < 64; i++)
				ips[i] = base + i;
			lpm_lookup_burst(rc->l, ips, hops, 64);
			for (unsigned i = 0; i < 64; i++)
				rc->bad += !allowed(ips[i], hops[i]) ||
					   !allowed(ips[i], lpm_get(rc->l, ips[i]));
		}
		__atomic_add_fetch(&rc->gen, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void race_grace(struct race *rc)
{
	unsigned long g0 = __atomic_load_n(&rc->gen, __ATOMIC_ACQUIRE);

	/* The pass in progress at the delete ends at g0 + 1. */
	while (__atomic_load_n(&rc->gen, __ATOMIC_ACQUIRE) < g0 + 1)
		sched_yield();
	lpm_reclaim(rc->l);
}

static void test_concurrent_reader(void)
{
	struct race rc = { .l = lpm_new(16, 2) };
	pthread_t t;

	if (!rc.l)
		return;
	CHECK_EQ_U(lpm_add(rc.l, IP(10, 1, 2, 0), 24, 1), 0);
	CHECK_EQ_U(lpm_add(rc.l, IP(10, 1, 3, 0), 24, 4), 0);
	CHECK_EQ_U(pthread_create(&t, NULL, race_reader, &rc), 0);
	for (int i = 0; i < 3000 / SCALE; i++) {
		CHECK_EQ_U(lpm_add(rc.l, IP(10, 1, 2, 0), 25, 2), 0);
		CHECK_EQ_U(lpm_add(rc.l, IP(10, 1, 2, 64), 26, 3), 0);
		CHECK_EQ_U(lpm_add(rc.l, IP(10, 1, 3, 0), 25, 5), 0);
		CHECK_EQ_U(lpm_delete(rc.l, IP(10, 1, 2, 64), 26), 0);
		CHECK_EQ_U(lpm_delete(rc.l, IP(10, 1, 2, 0), 25), 0);
		CHECK_EQ_U(lpm_delete(rc.l, IP(10, 1, 3, 0), 25), 0);
		race_grace(&rc);
		if (check_failed_in_test)
			break;
	}
	__atomic_store_n(&rc.stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	CHECK_EQ_U(rc.bad, 0);
	CHECK(rc.gen > 0);
	lpm_free(rc.l);
}

CHECK_MAIN("lpm", TEST(test_create_errors), TEST(test_basic_depths), TEST(test_default_and_edges),
	   TEST(test_errors), TEST(test_replace), TEST(test_delete_restores_cover),
	   TEST(test_tbl8_exhaustion), TEST(test_route_capacity), TEST(test_burst_sizes),
	   TEST(test_random_vs_ref), TEST(test_concurrent_reader))
