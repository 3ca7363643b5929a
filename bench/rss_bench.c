/* TSC cycles per RSS hash: our table-driven Toeplitz against a bitwise one and, when built
 * with -DHAVE_DPDK, DPDK's rte_softrss, plus a bit-exactness check against rte_softrss.
 * Prints one JSON object.  Cycles are throughput (independent hashes over 1024 pre-generated
 * tuples, median of 5 runs), the way a burst of packets is hashed. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>
#include "common.h"
#include "../tests/unit/xorshift.h"
#include "bench_tsc.h"
#include "rss.h"

#ifdef HAVE_DPDK
/* DPDK's headers are not written for -Wextra -Wshadow. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <rte_thash.h>
#pragma GCC diagnostic pop
#endif

#define TUPLES	1024
#define RUNS	5
#define CHECKED 1000000

/* Microsoft's verification key; rte_softrss reads it as 32-bit words. */
static const uint8_t ms_key[52] __attribute__((aligned(8))) = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43,
	0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb,
	0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01,
	0xfa, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc,
};

/* Tuples in wire order: src addr, dst addr, src port, dst port (IPv4 uses the first 12). */
static uint8_t tuples[TUPLES][RSS_TUPLE_MAX];
static volatile uint32_t sink;

/* Bitwise Toeplitz, one conditional XOR and one shift per input bit, as a straightforward
 * implementation of Microsoft's pseudocode would do it. */
static uint32_t naive_toeplitz(const uint8_t *key, const uint8_t *in, size_t len)
{
	uint64_t window = (uint64_t)load_be32(key) << 32 | load_be32(key + 4);
	uint32_t h = 0;

	for (size_t i = 0; i < len; i++) {
		for (int b = 7; b >= 0; b--) {
			if (in[i] >> b & 1)
				h ^= (uint32_t)(window >> 32);
			window <<= 1;
		}
		/* Refill the low byte that has now been shifted up. */
		window |= key[i + 8];
	}
	return h;
}

enum variant {
	V_IPV4_4,
	V_IPV4_2,
	V_IPV6_4,
	V_IPV6_2,
	V_NAIVE_IPV4,
	V_NAIVE_IPV6,
	V_RTE_IPV4,
	V_RTE_IPV6,
};

#ifdef HAVE_DPDK
/* rte_softrss wants the tuple as 32-bit words in host order, i.e. each 4 wire bytes read
 * big-endian (the port pair becomes sport << 16 | dport).  Converted once, outside the timed
 * loop, as a caller that keeps its tuples in that form would. */
static uint32_t rte_tuples[TUPLES][RSS_TUPLE_MAX / 4];

static void to_rte_words(const uint8_t *t, uint32_t *w, size_t words)
{
	for (size_t i = 0; i < words; i++)
		w[i] = load_be32(t + 4 * i);
}
#endif

static double measure(const struct rss *r, enum variant v, unsigned passes)
{
	double runs[RUNS];

	for (int run = 0; run < RUNS; run++) {
		uint32_t acc = 0;
		uint64_t t0 = tsc_start(), t1;

		for (unsigned p = 0; p < passes; p++) {
			for (unsigned i = 0; i < TUPLES; i++) {
				const uint8_t *t = tuples[i];

				switch (v) {
				case V_IPV4_4:
					acc ^= rss_hash_ipv4(r, t, t + 8);
					break;
				case V_IPV4_2:
					acc ^= rss_hash_ipv4(r, t, NULL);
					break;
				case V_IPV6_4:
					acc ^= rss_hash_ipv6(r, t, t + 32);
					break;
				case V_IPV6_2:
					acc ^= rss_hash_ipv6(r, t, NULL);
					break;
				case V_NAIVE_IPV4:
					acc ^= naive_toeplitz(ms_key, t, 12);
					break;
				case V_NAIVE_IPV6:
					acc ^= naive_toeplitz(ms_key, t, 36);
					break;
#ifdef HAVE_DPDK
				case V_RTE_IPV4:
					acc ^= rte_softrss(rte_tuples[i], RTE_THASH_V4_L4_LEN,
							   ms_key);
					break;
				case V_RTE_IPV6:
					acc ^= rte_softrss(rte_tuples[i], RTE_THASH_V6_L4_LEN,
							   ms_key);
					break;
#endif
				default:
					break;
				}
			}
		}
		t1 = tsc_stop();
		sink = acc;
		runs[run] = (double)(t1 - t0) / ((double)passes * TUPLES);
	}
	qsort(runs, RUNS, sizeof(runs[0]), cmp_double);
	return runs[RUNS / 2];
}

int main(void)
{
	struct rss *r40 = malloc(sizeof(*r40)), *r52 = malloc(sizeof(*r52));
	double c4, c4_52, c2, c6, c6_2, n4, n6;
	bool naive_ok = true;
	int ret = 1;

	if (!r40 || !r52 || rss_init(r40, ms_key, 40) || rss_init(r52, ms_key, 52)) {
		fprintf(stderr, "rss_bench: setup failed\n");
		goto out;
	}
	for (int i = 0; i < TUPLES; i++)
		rng_fill(tuples[i], RSS_TUPLE_MAX);

	/* Warm the caches, the branch predictors and the core's clock (about 0.1 s of hashing):
	 * without it the first variant measured here reads up to 70% slower. */
	measure(r40, V_IPV4_4, 4000);
	measure(r40, V_IPV6_4, 1000);
	c4 = measure(r40, V_IPV4_4, 2000);
	c4_52 = measure(r52, V_IPV4_4, 2000);
	c2 = measure(r40, V_IPV4_2, 2000);
	c6 = measure(r40, V_IPV6_4, 1000);
	c6_2 = measure(r40, V_IPV6_2, 1000);
	n4 = measure(r40, V_NAIVE_IPV4, 20);
	n6 = measure(r40, V_NAIVE_IPV6, 10);

	for (int i = 0; i < TUPLES; i++)
		naive_ok &= rss_hash_ipv6(r40, tuples[i], tuples[i] + 32) ==
			    naive_toeplitz(ms_key, tuples[i], 36);

	printf("{\"ipv4_4tuple_cycles\": %.1f, \"ipv4_4tuple_key52_cycles\": %.1f, "
	       "\"ipv4_2tuple_cycles\": %.1f, \"ipv6_4tuple_cycles\": %.1f, "
	       "\"ipv6_2tuple_cycles\": %.1f, \"naive_ipv4_cycles\": %.1f, "
	       "\"naive_ipv6_cycles\": %.1f, \"bitexact_naive\": %s",
	       c4, c4_52, c2, c6, c6_2, n4, n6, naive_ok ? "true" : "false");
#ifdef HAVE_DPDK
	{
		unsigned long mismatches = 0;
		uint32_t w[RSS_TUPLE_MAX / 4];
		uint8_t t[RSS_TUPLE_MAX];

		for (int i = 0; i < TUPLES; i++)
			to_rte_words(tuples[i], rte_tuples[i], RSS_TUPLE_MAX / 4);
		printf(", \"rte_softrss_ipv4_cycles\": %.1f, \"rte_softrss_ipv6_cycles\": %.1f",
		       measure(r40, V_RTE_IPV4, 20), measure(r40, V_RTE_IPV6, 10));
		/* Every tuple kind, and the 52-byte key's tables too. */
		for (unsigned long i = 0; i < CHECKED; i++) {
			rng_fill(t, sizeof(t));
			to_rte_words(t, w, RSS_TUPLE_MAX / 4);
			mismatches += rss_hash_ipv4(r40, t, t + 8) !=
				      rte_softrss(w, RTE_THASH_V4_L4_LEN, ms_key);
			mismatches += rss_hash_ipv4(r52, t, NULL) !=
				      rte_softrss(w, RTE_THASH_V4_L3_LEN, ms_key);
			mismatches += rss_hash_ipv6(r40, t, t + 32) !=
				      rte_softrss(w, RTE_THASH_V6_L4_LEN, ms_key);
			mismatches += rss_hash_ipv6(r52, t, NULL) !=
				      rte_softrss(w, RTE_THASH_V6_L3_LEN, ms_key);
		}
		printf(", \"bitexact_rte_softrss\": %s, \"mismatches\": %lu, "
		       "\"tuples_checked\": %d",
		       mismatches ? "false" : "true", mismatches, CHECKED);
	}
#else
	printf(", \"rte_softrss_ipv4_cycles\": null, \"rte_softrss_ipv6_cycles\": null"
	       ", \"bitexact_rte_softrss\": null, \"tuples_checked\": 0");
#endif
	printf("}\n");
	ret = 0;
out:
	free(r40);
	free(r52);
	return ret;
}
