/* DIR-24-8 IPv4 longest-prefix match.  The tables hold, for every address, the answer of the
 * longest route covering it; the routes themselves live in a hash table on the side (writer
 * only), which add uses to detect a replacement and delete uses to find the covering shorter
 * route that takes over the deleted one's addresses.
 *
 * Each entry records the depth of the route that wrote it.  That is all add and delete need:
 * add overwrites the entries in its range whose depth is <= its own (a longer route already
 * there keeps its addresses); delete rewrites exactly the entries whose depth equals its own
 * (only this route can have written them: two routes of one depth covering one address are
 * the same route). */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "common.h"
#include "lpm.h"

#define TBL24_ENTRIES (1u << 24)
#define TBL8_ENTRIES  256u
#define HUGE_2M	      (2u << 20)

struct lpm_rule {
	uint32_t prefix; /* host order, host bits clear */
	uint32_t next_hop;
	uint8_t depth;
	uint8_t used;
};

/* Open addressing with linear probing, at most half full; deletion shifts the following
 * entries back, so there are no tombstones and a lookup stops at the first empty slot. */
struct lpm_rules {
	uint32_t mask; /* slots - 1 */
	uint32_t count, max;
	uint32_t depth_count[LPM_MAX_DEPTH + 1]; /* lets the cover search skip empty depths */
	struct lpm_rule slot[];
};

static uint32_t depth_mask(uint8_t depth)
{
	return depth ? ~0u << (32 - depth) : 0;
}

static uint32_t entry_make(uint8_t depth, uint32_t next_hop)
{
	return LPM_ENTRY_VALID | (uint32_t)depth << LPM_ENTRY_DEPTH_SHIFT | next_hop;
}

static uint8_t entry_depth(uint32_t e)
{
	return (uint8_t)((e & LPM_ENTRY_DEPTH_MASK) >> LPM_ENTRY_DEPTH_SHIFT);
}

/* Readers load entries concurrently: every store is one atomic 32-bit store. */
static void entry_store(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELAXED);
}

/* ---- route table (writer only) ---------------------------------------------------------- */

static uint32_t rules_home(const struct lpm_rules *r, uint32_t prefix, uint8_t depth)
{
	uint64_t k = (uint64_t)depth << 32 | prefix;

	return (uint32_t)((k * 0x9e3779b97f4a7c15ull) >> 32) & r->mask;
}

static struct lpm_rule *rules_find(struct lpm_rules *r, uint32_t prefix, uint8_t depth)
{
	for (uint32_t i = rules_home(r, prefix, depth);; i = (i + 1) & r->mask) {
		struct lpm_rule *s = &r->slot[i];

		if (!s->used)
			return NULL;
		if (s->prefix == prefix && s->depth == depth)
			return s;
	}
}

/* The caller has checked that the route is absent and that count < max. */
static void rules_insert(struct lpm_rules *r, uint32_t prefix, uint8_t depth, uint32_t next_hop)
{
	uint32_t i = rules_home(r, prefix, depth);

	while (r->slot[i].used)
		i = (i + 1) & r->mask;
	r->slot[i] = (struct lpm_rule){ prefix, next_hop, depth, 1 };
	r->count++;
	r->depth_count[depth]++;
}

static void rules_remove(struct lpm_rules *r, struct lpm_rule *s)
{
	uint32_t hole = (uint32_t)(s - r->slot), j = hole;

	r->count--;
	r->depth_count[s->depth]--;
	/* Move back every later entry of the probe run whose home is not in (hole, j]. */
	for (;;) {
		uint32_t home;

		j = (j + 1) & r->mask;
		if (!r->slot[j].used)
			break;
		home = rules_home(r, r->slot[j].prefix, r->slot[j].depth);
		if (hole <= j ? (hole < home && home <= j) : (hole < home || home <= j))
			continue;
		r->slot[hole] = r->slot[j];
		hole = j;
	}
	r->slot[hole].used = 0;
}

/* The longest route shorter than depth that covers prefix, or NULL. */
static struct lpm_rule *rules_find_cover(struct lpm_rules *r, uint32_t prefix, uint8_t depth)
{
	for (int d = depth - 1; d >= 0; d--) {
		struct lpm_rule *s;

		if (!r->depth_count[d])
			continue;
		s = rules_find(r, prefix & depth_mask((uint8_t)d), (uint8_t)d);
		if (s)
			return s;
	}
	return NULL;
}

/* ---- memory ------------------------------------------------------------------------------ */

static size_t map_size(size_t bytes)
{
	return (bytes + HUGE_2M - 1) & ~(size_t)(HUGE_2M - 1);
}

/* Zeroed memory on 2 MiB pages if the system has any reserved (MAP_HUGETLB), else on a
 * 2 MiB-aligned range marked MADV_HUGEPAGE, so that transparent huge pages back it when
 * THP is "madvise" or "always".  Random lookups touch the whole first-level table: with 4 KiB
 * pages nearly every one is also a TLB miss. */
static void *lpm_map(size_t bytes, int *huge)
{
	size_t size = map_size(bytes), head;
	uint8_t *p;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1,
		 0);
	if (p != MAP_FAILED) {
		*huge = 1;
		return p;
	}
	*huge = 0;
	p = mmap(NULL, size + HUGE_2M, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	head = (size_t)(-(uintptr_t)p & (HUGE_2M - 1));
	if (head)
		munmap(p, head);
	munmap(p + head + size, HUGE_2M - head);
	p += head;
	madvise(p, size, MADV_HUGEPAGE); /* advice only: EINVAL without THP support is fine */
	return p;
}

static void lpm_unmap(void *p, size_t bytes)
{
	if (p)
		munmap(p, map_size(bytes));
}

int lpm_create(struct lpm **out, uint32_t max_routes, uint32_t max_tbl8)
{
	struct lpm *lpm = NULL;
	uint32_t slots;
	int huge8, ret = -EINVAL;

	if (out)
		*out = NULL;
	if (!out || max_routes == 0 || max_routes > (1u << 30) || max_tbl8 > LPM_TBL8_MAX)
		goto out;
	ret = -ENOMEM;
	slots = pow2_at_least(2 * max_routes);
	lpm = calloc(1, sizeof(*lpm));
	if (!lpm)
		goto out;
	lpm->rules = calloc(1, sizeof(*lpm->rules) + (size_t)slots * sizeof(struct lpm_rule));
	if (!lpm->rules)
		goto free_lpm;
	lpm->rules->mask = slots - 1;
	lpm->rules->max = max_routes;
	lpm->tbl24 = lpm_map((size_t)TBL24_ENTRIES * sizeof(uint32_t), &lpm->tbl24_huge);
	if (!lpm->tbl24)
		goto free_rules;
	if (max_tbl8) {
		lpm->tbl8 = lpm_map((size_t)max_tbl8 * TBL8_ENTRIES * sizeof(uint32_t), &huge8);
		lpm->tbl8_free = malloc((size_t)max_tbl8 * sizeof(uint32_t));
		lpm->tbl8_pending = malloc((size_t)max_tbl8 * sizeof(uint32_t));
		if (!lpm->tbl8 || !lpm->tbl8_free || !lpm->tbl8_pending)
			goto free_tbl8;
	}
	lpm->max_tbl8 = max_tbl8;
	/* A stack: pushed high to low so that group 0 is handed out first. */
	for (uint32_t g = 0; g < max_tbl8; g++)
		lpm->tbl8_free[g] = max_tbl8 - 1 - g;
	lpm->tbl8_free_n = max_tbl8;
	*out = lpm;
	ret = 0;
	goto out;

free_tbl8:
	free(lpm->tbl8_pending);
	free(lpm->tbl8_free);
	lpm_unmap(lpm->tbl8, (size_t)max_tbl8 * TBL8_ENTRIES * sizeof(uint32_t));
	lpm_unmap(lpm->tbl24, (size_t)TBL24_ENTRIES * sizeof(uint32_t));
free_rules:
	free(lpm->rules);
free_lpm:
	free(lpm);
out:
	return ret;
}

void lpm_free(struct lpm *lpm)
{
	if (!lpm)
		return;
	free(lpm->tbl8_pending);
	free(lpm->tbl8_free);
	lpm_unmap(lpm->tbl8, (size_t)lpm->max_tbl8 * TBL8_ENTRIES * sizeof(uint32_t));
	lpm_unmap(lpm->tbl24, (size_t)TBL24_ENTRIES * sizeof(uint32_t));
	free(lpm->rules);
	free(lpm);
}

/* ---- table updates ------------------------------------------------------------------------ */

/* Adding a route of depth `depth`: each of the n entries takes it unless a longer route
 * already covers that entry. */
static void entries_add(uint32_t *e, uint32_t n, uint8_t depth, uint32_t entry)
{
	for (uint32_t j = 0; j < n; j++)
		if (!(e[j] & LPM_ENTRY_VALID) || entry_depth(e[j]) <= depth)
			entry_store(&e[j], entry);
}

/* Deleting a route of depth `depth`: the entries it set go back to repl (the covering route,
 * or invalid). */
static void entries_delete(uint32_t *e, uint32_t n, uint8_t depth, uint32_t repl)
{
	for (uint32_t j = 0; j < n; j++)
		if ((e[j] & LPM_ENTRY_VALID) && entry_depth(e[j]) == depth)
			entry_store(&e[j], repl);
}

/* Depth <= 24: the route spans 2^(24 - depth) first-level entries; where one points to a
 * group, the group's entries are updated instead (the group stays: it exists because of a
 * longer route in that /24, which this one does not remove). */
static void tables_add_short(struct lpm *lpm, uint32_t prefix, uint8_t depth, uint32_t entry)
{
	uint32_t first = prefix >> 8, n = 1u << (24 - depth);

	for (uint32_t i = first; i < first + n; i++) {
		uint32_t e = lpm->tbl24[i];

		if (e & LPM_ENTRY_EXT)
			entries_add(&lpm->tbl8[(e & LPM_ENTRY_NH_MASK) * TBL8_ENTRIES],
				    TBL8_ENTRIES, depth, entry);
		else
			entries_add(&lpm->tbl24[i], 1, depth, entry);
	}
}

/* Depth > 24: the route lives in the group of its /24, created here if needed.  A new group
 * starts as a copy of the first-level entry it replaces, is completed, and only then
 * published by a release store: a reader that sees the pointer sees the whole group. */
static void tables_add_long(struct lpm *lpm, uint32_t prefix, uint8_t depth, uint32_t entry)
{
	uint32_t i = prefix >> 8, e = lpm->tbl24[i];
	uint32_t lo = prefix & 0xff, n = 1u << (32 - depth);
	uint32_t *g;

	if (e & LPM_ENTRY_EXT) {
		entries_add(&lpm->tbl8[(e & LPM_ENTRY_NH_MASK) * TBL8_ENTRIES + lo], n, depth,
			    entry);
		return;
	}
	/* lpm_add checked that a group is free.  No reader can be in it: it was either never
	 * used or came back through lpm_reclaim after a grace period. */
	uint32_t gi = lpm->tbl8_free[--lpm->tbl8_free_n];

	lpm->tbl8_used++;
	g = &lpm->tbl8[gi * TBL8_ENTRIES];
	for (uint32_t j = 0; j < TBL8_ENTRIES; j++)
		entry_store(&g[j], j - lo < n ? entry : e);
	__atomic_store_n(&lpm->tbl24[i], LPM_ENTRY_EXT | gi, __ATOMIC_RELEASE);
}

static void tables_delete_short(struct lpm *lpm, uint32_t prefix, uint8_t depth, uint32_t repl)
{
	uint32_t first = prefix >> 8, n = 1u << (24 - depth);

	for (uint32_t i = first; i < first + n; i++) {
		uint32_t e = lpm->tbl24[i];

		if (e & LPM_ENTRY_EXT)
			entries_delete(&lpm->tbl8[(e & LPM_ENTRY_NH_MASK) * TBL8_ENTRIES],
				       TBL8_ENTRIES, depth, repl);
		else
			entries_delete(&lpm->tbl24[i], 1, depth, repl);
	}
}

/* After the entries go back to repl, a group with no entry deeper than /24 left is uniform
 * (the longest route <= /24 covering a /24 covers all of it), so the first-level entry takes
 * its value and the group waits in "pending" for lpm_reclaim: readers that loaded the old
 * pointer may still be reading it. */
static void tables_delete_long(struct lpm *lpm, uint32_t prefix, uint8_t depth, uint32_t repl)
{
	uint32_t i = prefix >> 8, gi = lpm->tbl24[i] & LPM_ENTRY_NH_MASK;
	uint32_t lo = prefix & 0xff, n = 1u << (32 - depth);
	uint32_t *g = &lpm->tbl8[gi * TBL8_ENTRIES];

	entries_delete(g + lo, n, depth, repl);
	for (uint32_t j = 0; j < TBL8_ENTRIES; j++)
		if ((g[j] & LPM_ENTRY_VALID) && entry_depth(g[j]) > 24)
			return;
	entry_store(&lpm->tbl24[i], g[0]);
	lpm->tbl8_pending[lpm->tbl8_pending_n++] = gi;
	lpm->tbl8_used--;
}

int lpm_add(struct lpm *lpm, uint32_t prefix, uint8_t depth, uint32_t next_hop)
{
	struct lpm_rule *s;

	if (!lpm || depth > LPM_MAX_DEPTH || next_hop > LPM_NEXT_HOP_MAX)
		return -EINVAL;
	prefix &= depth_mask(depth);
	s = rules_find(lpm->rules, prefix, depth);
	if (s) {
		s->next_hop = next_hop;
	} else {
		/* Check every resource before changing anything: a failed add leaves no trace. */
		if (lpm->rules->count >= lpm->rules->max)
			return -ENOSPC;
		if (depth > 24 && !(lpm->tbl24[prefix >> 8] & LPM_ENTRY_EXT) && !lpm->tbl8_free_n)
			return -ENOSPC;
		rules_insert(lpm->rules, prefix, depth, next_hop);
	}
	if (depth <= 24)
		tables_add_short(lpm, prefix, depth, entry_make(depth, next_hop));
	else
		tables_add_long(lpm, prefix, depth, entry_make(depth, next_hop));
	return 0;
}

int lpm_delete(struct lpm *lpm, uint32_t prefix, uint8_t depth)
{
	struct lpm_rule *s, *cover;
	uint32_t repl = 0;

	if (!lpm || depth > LPM_MAX_DEPTH)
		return -EINVAL;
	prefix &= depth_mask(depth);
	s = rules_find(lpm->rules, prefix, depth);
	if (!s)
		return -ENOENT;
	rules_remove(lpm->rules, s);
	cover = rules_find_cover(lpm->rules, prefix, depth);
	if (cover)
		repl = entry_make(cover->depth, cover->next_hop);
	if (depth <= 24)
		tables_delete_short(lpm, prefix, depth, repl);
	else
		tables_delete_long(lpm, prefix, depth, repl);
	return 0;
}

void lpm_reclaim(struct lpm *lpm)
{
	while (lpm->tbl8_pending_n)
		lpm->tbl8_free[lpm->tbl8_free_n++] = lpm->tbl8_pending[--lpm->tbl8_pending_n];
}

uint32_t lpm_route_count(const struct lpm *lpm)
{
	return lpm->rules->count;
}

uint32_t lpm_tbl8_count(const struct lpm *lpm)
{
	return lpm->tbl8_used;
}

/* ---- lookups ------------------------------------------------------------------------------ */

/* A plain loop of independent loads: the out-of-order core keeps many first-level misses in
 * flight by itself.  Software prefetching was measured and lost on this 2-vCPU EPYC (uniform
 * addresses, burst 32, TSC cycles/lookup): 8 ahead 8.1, the whole burst first 10.2, two
 * passes (all tbl24 entries, then the groups) 11.4, this loop 6.6.  See docs/lpm.md. */
void lpm_lookup_burst(const struct lpm *lpm, const uint32_t *ips, uint32_t *hops, unsigned n)
{
	const uint32_t *tbl24 = lpm->tbl24, *tbl8 = lpm->tbl8;

	for (unsigned i = 0; i < n; i++) {
		uint32_t e = lpm_entry_of(tbl24, tbl8, ips[i]);

		hops[i] = e & LPM_ENTRY_VALID ? e & LPM_ENTRY_NH_MASK : LPM_NO_ROUTE;
	}
}
