/* Deterministic pseudo-random bytes (xorshift64*) for tests and benchmarks: a failure
 * reproduces, and the same generator serves every program that includes this. */
#ifndef VNF_XORSHIFT_H
#define VNF_XORSHIFT_H
#include <stddef.h>
#include <stdint.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static inline uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static inline void rng_fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(rng() >> 56);
}

#endif
