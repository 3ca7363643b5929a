/* Small helpers shared by every dataplane file. */
#ifndef VNF_COMMON_H
#define VNF_COMMON_H
#include <stdlib.h>
#include <time.h>
#include "portable.h"

#define CACHE_LINE	64
#define __cache_aligned __attribute__((aligned(CACHE_LINE)))

static inline void store_be16(uint8_t *p, uint16_t v)
{
	v = __builtin_bswap16(v);
	memcpy(p, &v, sizeof(v));
}

static inline void store_be32(uint8_t *p, uint32_t v)
{
	v = __builtin_bswap32(v);
	memcpy(p, &v, sizeof(v));
}

/* CLOCK_MONOTONIC in nanoseconds: the engine's one clock (vDSO, no system call). */
static inline uint64_t clock_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Zeroed memory for structures with cache-aligned members (calloc only aligns to 16). */
static inline void *zalloc_aligned(size_t n, size_t size)
{
	void *p = NULL;
	size_t bytes = n * size;
	if (size && bytes / size != n)
		return NULL;
	if (posix_memalign(&p, CACHE_LINE, bytes ? bytes : CACHE_LINE))
		return NULL;
	return memset(p, 0, bytes);
}

/* The smallest power of two >= n, and at least 2 (ring and hash-table sizes); n <= 2^31. */
static inline uint32_t pow2_at_least(uint32_t n)
{
	uint32_t p = 2;
	while (p < n)
		p <<= 1;
	return p;
}

#endif
