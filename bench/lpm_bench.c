/* TSC cycles per IPv4 LPM lookup: ours (lpm_lookup, lpm_lookup_burst) and, when built with
 * -DHAVE_DPDK, DPDK's rte_lpm (rte_lpm_lookup, rte_lpm_lookup_bulk) over the same 1024 routes
 * and the same addresses, in the same process and the same rounds.  Prints one JSON object.
 *
 * Routes: 0.0.0.0/1 and 128.0.0.0/1 (a default route: rte_lpm has no /0) and 1022 random
 * prefixes, mostly /16../24 with some /8../15 and /25../32.  Addresses: 64 Ki per set (in L2),
 * "uniform" (random 32-bit: nearly every lookup is a first-level cache and TLB miss) and
 * "routed" (90 % inside a random non-default route, so the /25../32 groups are hit too).
 * Figures are throughput (independent lookups), median of ROUNDS rounds; every variant runs
 * once per round so that they share the machine's noise.  Both tables are checked to give
 * the same answer for every address.
 *
 * Ours is timed twice: as lpm_create maps it (MADV_HUGEPAGE; THP backs it when the kernel
 * allows), and with MADV_NOHUGEPAGE on 4 KiB pages, as rte_lpm's table is under
 * `--no-huge` (EAL's anonymous memory): the 4 KiB row is the like-for-like comparison.
 *
 * `lpm_bench --callgrind uniform|routed` runs each variant once over one set, for instruction
 * counts: the timed loops are separate functions (lookups_*); Ir per lookup is a function's
 * inclusive Ir / 65536 per call (lookups_ours and lookups_ours_burst are called twice, for
 * the THP and the 4 KiB table). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <x86intrin.h>
#include "common.h"
#include "../tests/unit/xorshift.h"
#include "bench_routes.h"
#include "bench_tsc.h"
#include "lpm.h"

#ifdef HAVE_DPDK
/* DPDK's headers are not written for -Wextra -Wshadow. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <rte_eal.h>
#include <rte_lpm.h>
#pragma GCC diagnostic pop
#endif

#define ROUTES	 1024
#define MAX_TBL8 1024
#define IPS	 (1u << 16)
#define BURST	 32
#define ROUNDS	 7
#define PASSES	 40 /* passes over a set per timed measurement: 2.6 M lookups */

struct route {
	uint32_t prefix;
	uint8_t depth;
	uint32_t nh;
};

static struct route routes[ROUTES];
static uint32_t ips_uniform[IPS], ips_routed[IPS];
static uint32_t out[IPS], out_ref[IPS];

static void make_routes(void)
{
	routes[0] = (struct route){ 0x00000000, 1, 1 };
	routes[1] = (struct route){ 0x80000000, 1, 2 };
	for (unsigned i = 2; i < ROUTES; i++) {
		uint8_t d = bench_route_depth(rng, 32);

		routes[i] = (struct route){ (uint32_t)rng() & ~0u << (32 - d), d, i + 1 };
	}
	for (unsigned i = 0; i < IPS; i++) {
		const struct route *r = &routes[2 + rng() % (ROUTES - 2)];

		ips_uniform[i] = (uint32_t)rng();
		ips_routed[i] = rng() % 10 == 0
					? (uint32_t)rng()
					: r->prefix | ((uint32_t)rng() & ~(~0u << (32 - r->depth)));
	}
}

static struct lpm *ours_build(bool small_pages)
{
	struct lpm *l = NULL;

	if (lpm_create(&l, ROUTES, MAX_TBL8))
		return NULL;
	/* Before any entry is written: no page of the table exists yet. */
	if (small_pages)
		madvise(l->tbl24, (size_t)4 << 24, MADV_NOHUGEPAGE);
	for (unsigned i = 0; i < ROUTES; i++)
		if (lpm_add(l, routes[i].prefix, routes[i].depth, routes[i].nh)) {
			lpm_free(l);
			return NULL;
		}
	return l;
}

/* The timed loops.  noinline: callgrind attributes each one's instructions to it. */
__attribute__((noinline)) static void lookups_ours(const struct lpm *l, const uint32_t *ips)
{
	for (unsigned i = 0; i < IPS; i++) {
		uint32_t nh;

		out[i] = lpm_lookup(l, ips[i], &nh) == 0 ? nh : LPM_NO_ROUTE;
	}
}

__attribute__((noinline)) static void lookups_ours_burst(const struct lpm *l, const uint32_t *ips)
{
	for (unsigned i = 0; i < IPS; i += BURST)
		lpm_lookup_burst(l, ips + i, out + i, BURST);
}

#ifdef HAVE_DPDK
__attribute__((noinline)) static void lookups_rte(const struct rte_lpm *l, const uint32_t *ips)
{
	for (unsigned i = 0; i < IPS; i++) {
		uint32_t nh;

		out[i] = rte_lpm_lookup(l, ips[i], &nh) == 0 ? nh : LPM_NO_ROUTE;
	}
}

/* rte_lpm_lookup_bulk leaves raw entries; the success bit is turned into our convention
 * in the same pass, as a caller of it has to. */
__attribute__((noinline)) static void lookups_rte_bulk(const struct rte_lpm *l, const uint32_t *ips)
{
	for (unsigned i = 0; i < IPS; i += BURST) {
		rte_lpm_lookup_bulk(l, ips + i, out + i, BURST);
		for (unsigned j = i; j < i + BURST; j++)
			out[j] = out[j] & RTE_LPM_LOOKUP_SUCCESS ? out[j] & 0x00ffffff
								 : LPM_NO_ROUTE;
	}
}

static struct rte_lpm *rte_build(void)
{
	struct rte_lpm_config cfg = { .max_rules = ROUTES, .number_tbl8s = MAX_TBL8 };
	struct rte_lpm *l = rte_lpm_create("lpm_bench", SOCKET_ID_ANY, &cfg);

	if (!l)
		return NULL;
	for (unsigned i = 0; i < ROUTES; i++)
		if (rte_lpm_add(l, routes[i].prefix, routes[i].depth, routes[i].nh)) {
			rte_lpm_free(l);
			return NULL;
		}
	return l;
}
#endif

enum variant { OURS, OURS_BURST, OURS4K, OURS4K_BURST, RTE, RTE_BULK, VARIANTS };
static const char *const names[VARIANTS] = { "ours",	      "ours_burst", "ours_4k",
					     "ours_4k_burst", "rte_lpm",    "rte_lpm_bulk" };

struct tables {
	struct lpm *ours, *ours4k;
#ifdef HAVE_DPDK
	struct rte_lpm *rte;
#endif
};

/* One pass of variant v over ips; false if that variant is not available. */
static bool run_pass(const struct tables *t, enum variant v, const uint32_t *ips)
{
	switch (v) {
	case OURS:
		lookups_ours(t->ours, ips);
		return true;
	case OURS_BURST:
		lookups_ours_burst(t->ours, ips);
		return true;
	case OURS4K:
		lookups_ours(t->ours4k, ips);
		return true;
	case OURS4K_BURST:
		lookups_ours_burst(t->ours4k, ips);
		return true;
#ifdef HAVE_DPDK
	case RTE:
		lookups_rte(t->rte, ips);
		return true;
	case RTE_BULK:
		lookups_rte_bulk(t->rte, ips);
		return true;
#endif
	default:
		return false;
	}
}

static double measure(const struct tables *t, enum variant v, const uint32_t *ips)
{
	uint64_t t0, t1;

	if (!run_pass(t, v, ips)) /* also warms the caches for this set */
		return -1;
	t0 = tsc_start();
	for (int p = 0; p < PASSES; p++)
		run_pass(t, v, ips);
	t1 = tsc_stop();
	return (double)(t1 - t0) / ((double)PASSES * IPS);
}

/* Every variant must give the reference's (ours, single lookups) answers. */
static unsigned long mismatches(const struct tables *t, const uint32_t *ips)
{
	unsigned long bad = 0;

	run_pass(t, OURS, ips);
	memcpy(out_ref, out, sizeof(out));
	for (int v = OURS_BURST; v < VARIANTS; v++) {
		if (!run_pass(t, (enum variant)v, ips))
			continue;
		for (unsigned i = 0; i < IPS; i++)
			bad += out[i] != out_ref[i];
	}
	return bad;
}

static long thp_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/smaps_rollup", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "AnonHugePages: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
	return v[n / 2];
}

int main(int argc, char **argv)
{
	static double cyc[2][VARIANTS][ROUNDS];
	const uint32_t *sets[2] = { ips_uniform, ips_routed };
	static const char *const set_names[2] = { "uniform", "routed" };
	int cg_set = argc > 2 && strcmp(argv[1], "--callgrind") == 0
			     ? strcmp(argv[2], "routed") == 0
			     : -1;
	struct tables t = { 0 };
	unsigned long bad = 0;
	int ret = 1;

#ifdef HAVE_DPDK
	char prefix[64];
	char *eal[] = { "lpm_bench", "--no-huge", "-m",		 "256",		"--no-pci",
			"-l",	     "0",	  "--log-level", "lib.*:error", "--file-prefix",
			prefix };

	snprintf(prefix, sizeof(prefix), "vnflpm%d", (int)getpid());
	if (rte_eal_init((int)ARRAY_SIZE(eal), eal) < 0) {
		fprintf(stderr, "lpm_bench: rte_eal_init failed\n");
		return 1;
	}
#endif
	make_routes();
	t.ours = ours_build(false);
	t.ours4k = ours_build(true);
#ifdef HAVE_DPDK
	t.rte = rte_build();
	if (!t.rte) {
		fprintf(stderr, "lpm_bench: rte_lpm setup failed\n");
		goto out;
	}
#endif
	if (!t.ours || !t.ours4k) {
		fprintf(stderr, "lpm_bench: setup failed\n");
		goto out;
	}
	if (cg_set >= 0) {
		/* One pass of each variant over one set, nothing else timed or checked. */
		for (int v = 0; v < VARIANTS; v++)
			run_pass(&t, (enum variant)v, sets[cg_set]);
		printf("{\"callgrind\": \"%s\", \"lookups_per_call\": %u}\n", set_names[cg_set],
		       IPS);
		ret = 0;
		goto out;
	}
	for (int s = 0; s < 2; s++)
		bad += mismatches(&t, sets[s]);
	/* Warm-up (clock, caches, branch predictors), then the rounds. */
	for (int v = 0; v < VARIANTS; v++)
		measure(&t, (enum variant)v, ips_uniform);
	for (int r = 0; r < ROUNDS; r++)
		for (int s = 0; s < 2; s++)
			for (int v = 0; v < VARIANTS; v++)
				cyc[s][v][r] = measure(&t, (enum variant)v, sets[s]);

	printf("{\"routes\": %d, \"addresses\": %u, \"burst\": %d, \"rounds\": %d", ROUTES, IPS,
	       BURST, ROUNDS);
	for (int s = 0; s < 2; s++)
		for (int v = 0; v < VARIANTS; v++) {
			double m = median(cyc[s][v], ROUNDS);

			if (m < 0)
				printf(", \"%s_%s_cycles\": null", names[v], set_names[s]);
			else
				printf(", \"%s_%s_cycles\": %.2f, \"%s_%s_min\": %.2f, "
				       "\"%s_%s_max\": %.2f",
				       names[v], set_names[s], m, names[v], set_names[s],
				       cyc[s][v][0], names[v], set_names[s], cyc[s][v][ROUNDS - 1]);
		}
	printf(", \"ours_tbl8_groups\": %u, \"thp_kib\": %ld, \"mismatches\": %lu, "
	       "\"rte_lpm\": %s}\n",
	       lpm_tbl8_count(t.ours), thp_kib(), bad,
#ifdef HAVE_DPDK
	       "true"
#else
	       "false"
#endif
	);
	ret = bad != 0;
out:
#ifdef HAVE_DPDK
	rte_lpm_free(t.rte);
	rte_eal_cleanup();
#endif
	lpm_free(t.ours);
	lpm_free(t.ours4k);
	return ret;
}
