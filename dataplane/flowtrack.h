/* Per-worker flow tracking for the statistics: packets per flow, keyed by the flow's 32-bit RSS
 * hash, in a fixed open-addressing table.  It shows which worker handled which flow, so flow
 * affinity can be checked from outside.  One writer (the worker); read after the worker stopped. */
#ifndef VNF_FLOWTRACK_H
#define VNF_FLOWTRACK_H
#include <stdint.h>
#include "common.h"

struct flowtrack {
	uint32_t *key;
	uint64_t *count; /* 0 = empty slot */
	uint32_t mask;	 /* slots - 1; slots = 2 x max, a power of two */
	uint32_t n, max;
	uint64_t untracked; /* packets of flows that found the table full */
};

/* Room for max flows (1..65536).  -ENOMEM on failure. */
int flowtrack_init(struct flowtrack *t, uint32_t max);
void flowtrack_free(struct flowtrack *t);

/* One writer (the worker), readers at any time (the statistics): a slot's key is written
 * before its count becomes non-zero (release), so a reader that sees a count (acquire) sees
 * its key.  On x86 these atomics are plain loads and stores. */
static inline void flowtrack_add(struct flowtrack *t, uint32_t hash)
{
	/* Toeplitz output is well spread, but mixing keeps clustered low bits from piling up. */
	uint32_t i = (hash * 0x9e3779b1u) >> 16;
	uint64_t c;

	for (;; i++) {
		i &= t->mask;
		c = __atomic_load_n(&t->count[i], __ATOMIC_RELAXED);
		if (c && t->key[i] == hash) {
			__atomic_store_n(&t->count[i], c + 1, __ATOMIC_RELAXED);
			return;
		}
		if (!c)
			break;
	}
	if (unlikely(t->n == t->max)) {
		__atomic_store_n(&t->untracked, t->untracked + 1, __ATOMIC_RELAXED);
		return;
	}
	__atomic_store_n(&t->key[i], hash, __ATOMIC_RELAXED);
	__atomic_store_n(&t->count[i], 1, __ATOMIC_RELEASE);
	t->n++;
}

#endif
