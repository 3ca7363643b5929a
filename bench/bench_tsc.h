/* Timing helpers shared by the benchmarks: fenced TSC reads around the timed region, and a
 * comparison for sorting samples to take medians. */
#ifndef VNF_BENCH_TSC_H
#define VNF_BENCH_TSC_H
#include <stdint.h>
#include <x86intrin.h>

/* lfence first: nothing before the region may still be executing when the clock is read. */
static inline uint64_t tsc_start(void)
{
	_mm_lfence();
	return __rdtsc();
}

/* rdtscp waits for the region's instructions; lfence keeps later ones from starting early. */
static inline uint64_t tsc_stop(void)
{
	unsigned aux;
	uint64_t t = __rdtscp(&aux);

	_mm_lfence();
	return t;
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

#endif
