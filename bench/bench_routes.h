/* Route tables for the benchmarks: prefix lengths drawn like a BGP table's (about 60 % /24). */
#ifndef VNF_BENCH_ROUTES_H
#define VNF_BENCH_ROUTES_H
#include <stdint.h>

/* A prefix length up to max_depth (24: no routes longer than /24) from the caller's
 * generator. */
static inline uint8_t bench_route_depth(uint64_t (*next)(void), uint8_t max_depth)
{
	unsigned p = (unsigned)(next() % 100);

	if (p < 5)
		return (uint8_t)(8 + next() % 8); /* /8../15 */
	if (p < 20)
		return 16;
	if (p < 40)
		return (uint8_t)(17 + next() % 7); /* /17../23 */
	if (p < 85 || max_depth <= 24)
		return 24;
	return (uint8_t)(25 + next() % (uint64_t)(max_depth - 24)); /* /25../max */
}

#endif
