/* Small helpers shared by every dataplane file. */
#ifndef VNF_COMMON_H
#define VNF_COMMON_H
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_LINE	64
#define __cache_aligned __attribute__((aligned(CACHE_LINE)))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))

static inline uint16_t load_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
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

static inline int is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

#endif
