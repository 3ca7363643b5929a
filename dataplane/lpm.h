/* IPv4 longest-prefix match for the router app: DIR-24-8 (a 2^24-entry first-level table
 * indexed by the top 24 address bits; prefixes longer than /24 live in 256-entry "tbl8"
 * groups), so a lookup is one load, or two for addresses under a /25../32 route.
 *
 * Addresses and prefixes are uint32_t in HOST byte order (10.0.0.1 is 0x0a000001), as
 * rte_lpm takes them: callers convert the packet's daddr once with load_be32().
 *
 * Concurrency: one writer (lpm_add, lpm_delete, lpm_reclaim) and any number of readers
 * (lpm_lookup, lpm_lookup_burst) on other cores, without locks.  Every table entry changes
 * with one atomic 32-bit store, and a tbl8 group is fully written before the release store
 * that makes a first-level entry point at it (readers order their two loads by the address
 * dependency, see lpm_entry_of), so a reader sees for each address either the
 * route before or the route after an update, never a mix.  A tbl8 group freed by lpm_delete
 * is not reused until the writer calls lpm_reclaim(), which it must do only after a grace
 * period: once every reader has finished every lookup it started before that delete returned
 * (in vnfdp: each worker has passed a burst boundary).  Single-threaded users may call
 * lpm_reclaim() at any time.  See docs/lpm.md. */
#ifndef VNF_LPM_H
#define VNF_LPM_H
#include <errno.h>
#include <stdint.h>

#define LPM_MAX_DEPTH	 32
#define LPM_NEXT_HOP_MAX 0x00ffffffu /* 24 bits: an index into the router's next-hop table */
#define LPM_NO_ROUTE	 0xffffffffu /* lpm_lookup_burst's "no route" */
#define LPM_TBL8_MAX	 (1u << 24)

/* Entry layout, tbl24 and tbl8 alike (0 = no route):
 *   bit 31 valid | bit 30 ext (tbl24 only: bits 0..23 are a tbl8 group index)
 *   | bits 24..29 depth of the route that wrote it | bits 0..23 next hop.
 * The depth is only for the writer (which route may overwrite which entry); readers use
 * the valid and ext bits and the low 24 bits. */
#define LPM_ENTRY_VALID	      0x80000000u
#define LPM_ENTRY_EXT	      0x40000000u
#define LPM_ENTRY_DEPTH_SHIFT 24
#define LPM_ENTRY_DEPTH_MASK  0x3f000000u
#define LPM_ENTRY_NH_MASK     0x00ffffffu

struct lpm_rules;

struct lpm {
	/* Read by every lookup; written (entry by entry, atomically) by the writer only. */
	uint32_t *tbl24; /* 1 << 24 entries, mmap'd, 64 MiB */
	uint32_t *tbl8;	 /* max_tbl8 groups of 256 entries */
	/* Writer only. */
	struct lpm_rules *rules;
	uint32_t *tbl8_free;	/* stack of free group indexes */
	uint32_t *tbl8_pending; /* groups freed since the last lpm_reclaim */
	uint32_t tbl8_free_n, tbl8_pending_n, max_tbl8;
	uint32_t tbl8_used; /* groups in use (not free, not pending) */
	int tbl24_huge;	    /* 1 if tbl24 is on MAP_HUGETLB pages */
};

/* Creates an empty table for up to max_routes routes (>= 1) and max_tbl8 groups
 * (<= LPM_TBL8_MAX; each /24 that holds a route longer than /24 takes one, 1 KiB).
 * 0, -EINVAL, -ENOMEM. */
int lpm_create(struct lpm **out, uint32_t max_routes, uint32_t max_tbl8);
void lpm_free(struct lpm *lpm);

/* Adds prefix/depth -> next_hop (host bits of prefix are ignored); an existing route with the
 * same prefix and depth gets the new next hop.  0; -EINVAL for depth > 32 or next_hop >
 * LPM_NEXT_HOP_MAX; -ENOSPC when the route table is full or a tbl8 group is needed and none
 * is free (the table is then unchanged). */
int lpm_add(struct lpm *lpm, uint32_t prefix, uint8_t depth, uint32_t next_hop);
/* Removes the route prefix/depth; addresses it covered fall back to the longest remaining
 * shorter route covering them, or to no route.  0, -EINVAL, -ENOENT. */
int lpm_delete(struct lpm *lpm, uint32_t prefix, uint8_t depth);
/* Makes the tbl8 groups freed by earlier deletes reusable.  Writer only, after a grace
 * period (see above). */
void lpm_reclaim(struct lpm *lpm);
/* Routes and tbl8 groups in use (for stats and tests). */
uint32_t lpm_route_count(const struct lpm *lpm);
uint32_t lpm_tbl8_count(const struct lpm *lpm);

/* The entry that decides ip: a tbl24 entry, or the tbl8 entry it points to.  The second load
 * depends on the first through its address, which orders it after the first on every CPU
 * but Alpha: this is C11's "consume", relied on the way rte_lpm and the Linux kernel's
 * rcu_dereference() rely on it.  (An acquire load would say it in C11 terms, but it stops the
 * compiler from keeping the table pointers in registers across lookups: +1 load each.)  The
 * writer's release store when it publishes a group is the other half. */
static inline uint32_t lpm_entry_of(const uint32_t *tbl24, const uint32_t *tbl8, uint32_t ip)
{
	uint32_t e = __atomic_load_n(&tbl24[ip >> 8], __ATOMIC_RELAXED);

	if (__builtin_expect(!!(e & LPM_ENTRY_EXT), 0))
		e = __atomic_load_n(&tbl8[(e & LPM_ENTRY_NH_MASK) << 8 | (ip & 0xff)],
				    __ATOMIC_RELAXED);
	return e;
}

/* 0 and *next_hop, or -ENOENT when no route covers ip. */
static inline int lpm_lookup(const struct lpm *lpm, uint32_t ip, uint32_t *next_hop)
{
	uint32_t e = __atomic_load_n(&lpm->tbl24[ip >> 8], __ATOMIC_RELAXED);

	/* As lpm_entry_of, but lpm->tbl8 is loaded only when needed. */
	if (__builtin_expect(!!(e & LPM_ENTRY_EXT), 0))
		e = __atomic_load_n(&lpm->tbl8[(e & LPM_ENTRY_NH_MASK) << 8 | (ip & 0xff)],
				    __ATOMIC_RELAXED);

	*next_hop = e & LPM_ENTRY_NH_MASK;
	return e & LPM_ENTRY_VALID ? 0 : -ENOENT;
}

/* hops[i] = next hop of ips[i], or LPM_NO_ROUTE; all n are looked up.  The lookups are
 * independent, so their cache misses overlap (explicit prefetching measured slower). */
void lpm_lookup_burst(const struct lpm *lpm, const uint32_t *ips, uint32_t *hops, unsigned n);

#endif
