/* RSS: known answers from Microsoft's "Verifying the RSS Hash Calculation", the table against
 * a literal transcription of Microsoft's pseudocode, symmetry, spread, fragments, profiles. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include "check.h"
#include "common.h"
#include "xorshift.h"
#include "rss.h"
#include "rss_vectors.h"

/* Microsoft's pseudocode as written: keep the left-most 32 key bits in a register, XOR it in
 * for every set input bit, shift the key left one bit per input bit.  Key bits past the end of
 * the key are zero.  Deliberately shares nothing with rss.c. */
static uint32_t key_bit(const uint8_t *key, size_t key_len, size_t n)
{
	return n < 8 * key_len ? key[n / 8] >> (7 - n % 8) & 1 : 0;
}

static uint32_t naive_toeplitz(const uint8_t *key, size_t key_len, const uint8_t *in, size_t len)
{
	uint32_t result = 0, window = 0;
	size_t next = 0; /* next key bit to shift in */

	for (int t = 0; t < 32; t++, next++)
		window = window << 1 | key_bit(key, key_len, next);
	for (size_t n = 0; n < 8 * len; n++, next++) {
		if (in[n / 8] >> (7 - n % 8) & 1)
			result ^= window;
		window = window << 1 | key_bit(key, key_len, next);
	}
	return result;
}

static struct rss *rss_new(const uint8_t *key, size_t key_len)
{
	struct rss *r = calloc(1, sizeof(*r));

	if (r && rss_init(r, key, key_len) != 0) {
		free(r);
		r = NULL;
	}
	CHECK(r != NULL);
	return r;
}

static struct rss *rss_new_profile(const char *name)
{
	const struct rss_profile *p = rss_profile_find(name);

	CHECK(p != NULL);
	if (!p)
		return NULL;
	return rss_new(p->key, p->key_len);
}

/* The tuple as it sits in the packet: src addr, dst addr, src port, dst port. */
static size_t tuple_from_vector(const struct vector *v, int af, uint8_t *t)
{
	size_t alen = af == AF_INET ? 4 : 16;

	CHECK(inet_pton(af, v->src, t) == 1);
	CHECK(inet_pton(af, v->dst, t + alen) == 1);
	t[2 * alen] = (uint8_t)(v->sport >> 8);
	t[2 * alen + 1] = (uint8_t)v->sport;
	t[2 * alen + 2] = (uint8_t)(v->dport >> 8);
	t[2 * alen + 3] = (uint8_t)v->dport;
	return 2 * alen;
}

static void check_vectors(const struct vector *v, size_t n, int af)
{
	struct rss *r = rss_new(ms_key, sizeof(ms_key));

	if (!r)
		return;
	for (size_t i = 0; i < n; i++) {
		uint8_t t[RSS_TUPLE_MAX];
		size_t alen = tuple_from_vector(&v[i], af, t);

		/* The reference must agree with Microsoft, or checks against it mean little. */
		CHECK_EQ_U(naive_toeplitz(ms_key, sizeof(ms_key), t, alen), v[i].hash_2tuple);
		CHECK_EQ_U(naive_toeplitz(ms_key, sizeof(ms_key), t, alen + 4), v[i].hash_4tuple);
		CHECK_EQ_U(rss_hash_bytes(r, t, alen), v[i].hash_2tuple);
		CHECK_EQ_U(rss_hash_bytes(r, t, alen + 4), v[i].hash_4tuple);
		if (af == AF_INET) {
			CHECK_EQ_U(rss_hash_ipv4(r, t, NULL), v[i].hash_2tuple);
			CHECK_EQ_U(rss_hash_ipv4(r, t, t + 8), v[i].hash_4tuple);
		} else {
			CHECK_EQ_U(rss_hash_ipv6(r, t, NULL), v[i].hash_2tuple);
			CHECK_EQ_U(rss_hash_ipv6(r, t, t + 32), v[i].hash_4tuple);
		}
	}
	free(r);
}

static void test_ms_vectors_ipv4(void)
{
	check_vectors(ms_ipv4, ARRAY_SIZE(ms_ipv4), AF_INET);
}

static void test_ms_vectors_ipv6(void)
{
	check_vectors(ms_ipv6, ARRAY_SIZE(ms_ipv6), AF_INET6);
}

/* A 52-byte key whose first 40 bytes are Microsoft's: inputs up to 36 bytes only reach the
 * first 40 key bytes, so the published answers must still hold. */
static void test_ms_vectors_key52(void)
{
	uint8_t key[52];
	struct rss *r;

	memcpy(key, ms_key, sizeof(ms_key));
	rng_fill(key + 40, 12);
	r = rss_new(key, sizeof(key));
	if (!r)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(ms_ipv4); i++) {
		uint8_t t[RSS_TUPLE_MAX];

		tuple_from_vector(&ms_ipv4[i], AF_INET, t);
		CHECK_EQ_U(rss_hash_ipv4(r, t, t + 8), ms_ipv4[i].hash_4tuple);
	}
	for (size_t i = 0; i < ARRAY_SIZE(ms_ipv6); i++) {
		uint8_t t[RSS_TUPLE_MAX];

		tuple_from_vector(&ms_ipv6[i], AF_INET6, t);
		CHECK_EQ_U(rss_hash_ipv6(r, t, t + 32), ms_ipv6[i].hash_4tuple);
	}
	free(r);
}

#define RANDOM_INPUTS 100000

static void check_against_naive(size_t klen)
{
	uint8_t key[RSS_KEY_MAX];
	/* Past RSS_TUPLE_MAX the bitwise tail takes over; go beyond the key's end too. */
	const size_t max_len = klen + 8;
	unsigned mismatches = 0, mismatches_v4 = 0, mismatches_v6 = 0;
	struct rss *r;

	rng_fill(key, klen);
	r = rss_new(key, klen);
	if (!r)
		return;
	for (unsigned it = 0; it < RANDOM_INPUTS; it++) {
		uint8_t in[RSS_KEY_MAX + 8];
		size_t len = it % (max_len + 1);

		rng_fill(in, max_len);
		mismatches += rss_hash_bytes(r, in, len) != naive_toeplitz(key, klen, in, len);
		mismatches_v4 += rss_hash_ipv4(r, in, NULL) != naive_toeplitz(key, klen, in, 8);
		mismatches_v4 += rss_hash_ipv4(r, in, in + 8) != naive_toeplitz(key, klen, in, 12);
		mismatches_v6 += rss_hash_ipv6(r, in, NULL) != naive_toeplitz(key, klen, in, 32);
		mismatches_v6 += rss_hash_ipv6(r, in, in + 32) != naive_toeplitz(key, klen, in, 36);
	}
	CHECK_EQ_U(mismatches, 0);
	CHECK_EQ_U(mismatches_v4, 0);
	CHECK_EQ_U(mismatches_v6, 0);
	free(r);
}

static void test_table_vs_naive_key40(void)
{
	check_against_naive(40);
}

static void test_table_vs_naive_key52(void)
{
	check_against_naive(52);
}

static void check_symmetry(const char *profile, int want_symmetric)
{
	struct rss *r = rss_new_profile(profile);
	unsigned asym4 = 0, asym6 = 0;

	if (!r)
		return;
	for (int it = 0; it < 10000; it++) {
		uint8_t t[36], s[36];

		rng_fill(t, sizeof(t));
		/* IPv4 reversed: dst, src, dport, sport. */
		memcpy(s, t + 4, 4);
		memcpy(s + 4, t, 4);
		memcpy(s + 8, t + 10, 2);
		memcpy(s + 10, t + 8, 2);
		asym4 += rss_hash_ipv4(r, t, t + 8) != rss_hash_ipv4(r, s, s + 8);
		asym4 += rss_hash_ipv4(r, t, NULL) != rss_hash_ipv4(r, s, NULL);
		memcpy(s, t + 16, 16);
		memcpy(s + 16, t, 16);
		memcpy(s + 32, t + 34, 2);
		memcpy(s + 34, t + 32, 2);
		asym6 += rss_hash_ipv6(r, t, t + 32) != rss_hash_ipv6(r, s, s + 32);
		asym6 += rss_hash_ipv6(r, t, NULL) != rss_hash_ipv6(r, s, NULL);
	}
	if (want_symmetric) {
		CHECK_EQ_U(asym4, 0);
		CHECK_EQ_U(asym6, 0);
	} else {
		CHECK(asym4 > 0);
		CHECK(asym6 > 0);
	}
	free(r);
}

static void test_symmetric_default(void)
{
	check_symmetry("default", 1);
}

static void test_symmetric_mtcp(void)
{
	check_symmetry("mtcp", 1);
}

static void test_not_symmetric_ms(void)
{
	struct rss *r = rss_new_profile("ms");
	/* 66.9.149.187:2794 -> 161.142.100.80:1766 and its reply. */
	static const uint8_t fwd[12] = {
		66, 9, 149, 187, 161, 142, 100, 80, 0x0a, 0xea, 0x06, 0xe6
	};
	static const uint8_t rev[12] = {
		161, 142, 100, 80, 66, 9, 149, 187, 0x06, 0xe6, 0x0a, 0xea
	};

	if (!r)
		return;
	CHECK_EQ_U(rss_hash_ipv4(r, fwd, fwd + 8), 0x51ccc178);
	CHECK(rss_hash_ipv4(r, rev, rev + 8) != 0x51ccc178);
	check_symmetry("ms", 0);
	free(r);
}

static void test_spread_default(void)
{
	static const uint16_t queue_counts[] = { 2, 4, 8 };
	struct rss *r = rss_new_profile("default");

	if (!r)
		return;
	for (size_t q = 0; q < ARRAY_SIZE(queue_counts); q++) {
		const unsigned n = 1000000, queues = queue_counts[q];
		unsigned hits[8] = { 0 };

		CHECK_EQ_U(rss_reta_set_equal(r, 128, queue_counts[q]), 0);
		for (unsigned i = 0; i < n; i++) {
			uint8_t t[12];

			rng_fill(t, sizeof(t));
			hits[rss_queue_of(r, rss_hash_ipv4(r, t, t + 8))]++;
		}
		for (unsigned i = 0; i < queues; i++) {
			double share = (double)hits[i] * queues / n;

			if (share < 0.95 || share > 1.05)
				fprintf(stderr, "  %u queues: queue %u got %u of %u\n", queues, i,
					hits[i], n);
			CHECK(share >= 0.95 && share <= 1.05);
		}
	}
	free(r);
}

/* Frames are built by hand so this test does not depend on the parser. */
static void test_fragments(void)
{
	struct rss *r = rss_new_profile("default");
	uint8_t f4[64] = { 0 }, f4b[64] = { 0 }, f6[96] = { 0 };
	const uint8_t addrs4[8] = { 10, 1, 2, 3, 192, 168, 7, 9 };
	const uint8_t ports[4] = { 0x30, 0x39, 0x00, 0x35 };
	struct pkt_meta m4 = {
		.ethertype = 0x0800, .l3_off = 14, .l4_off = 34, .l3 = PKT_L3_IPV4, .l4_proto = 17
	};
	struct pkt_meta m6 = {
		.ethertype = 0x86dd, .l3_off = 14, .l4_off = 62, .l3 = PKT_L3_IPV6, .l4_proto = 17
	};
	struct pkt_meta m;
	uint32_t h2, h4, first, next;

	if (!r)
		return;
	CHECK_EQ_U(rss_reta_set_equal(r, 128, 4), 0);

	memcpy(f4 + 14 + 12, addrs4, 8);
	memcpy(f4 + 34, ports, 4);
	h2 = rss_hash_ipv4(r, addrs4, NULL);
	h4 = rss_hash_ipv4(r, addrs4, ports);
	CHECK(h2 != h4);

	m = m4;
	m.flags = PKT_F_PORTS;
	CHECK_EQ_U(rss_hash_frame(r, f4, &m), h4);

	/* First fragment: ports present, yet the hash is the 2-tuple. */
	m.flags = PKT_F_FRAG | PKT_F_PORTS;
	first = rss_hash_frame(r, f4, &m);
	m.flags = PKT_F_FRAG;
	CHECK_EQ_U(rss_hash_frame(r, f4, &m), first);
	/* A later fragment of the same datagram: payload where the ports were. */
	memcpy(f4b, f4, 34);
	rng_fill(f4b + 34, sizeof(f4b) - 34);
	m.flags = PKT_F_FRAG | PKT_F_FRAG_NEXT;
	next = rss_hash_frame(r, f4b, &m);
	CHECK_EQ_U(first, next);
	CHECK_EQ_U(first, h2);
	CHECK_EQ_U(rss_queue_of(r, first), rss_queue_of(r, next));

	/* IP without ports (ICMP, say): 2-tuple. */
	m = m4;
	m.l4_proto = 1;
	CHECK_EQ_U(rss_hash_frame(r, f4, &m), h2);

	/* IPv6: addresses at l3_off + 8. */
	for (int i = 0; i < 32; i++)
		f6[14 + 8 + i] = (uint8_t)(0x20 + i);
	memcpy(f6 + 62, ports, 4);
	m = m6;
	m.flags = PKT_F_PORTS;
	CHECK_EQ_U(rss_hash_frame(r, f6, &m), rss_hash_ipv6(r, f6 + 22, ports));
	m.flags = PKT_F_FRAG | PKT_F_PORTS;
	first = rss_hash_frame(r, f6, &m);
	CHECK_EQ_U(first, rss_hash_ipv6(r, f6 + 22, NULL));
	memset(f6 + 62, 0xee, 4);
	m.flags = PKT_F_FRAG | PKT_F_FRAG_NEXT;
	CHECK_EQ_U(rss_hash_frame(r, f6, &m), first);

	/* Not IP: 0, i.e. queue 0. */
	m = m4;
	m.l3 = PKT_L3_ARP;
	CHECK_EQ_U(rss_hash_frame(r, f4, &m), 0);
	m.l3 = PKT_L3_OTHER;
	CHECK_EQ_U(rss_hash_frame(r, f4, &m), 0);
	free(r);
}

static void test_init_and_reta_errors(void)
{
	struct rss *r = calloc(1, sizeof(*r));
	uint8_t key[64] = { 0 };

	CHECK(r != NULL);
	if (!r)
		return;
	CHECK_EQ_U(rss_init(r, key, 0), -EINVAL);
	CHECK_EQ_U(rss_init(r, key, 39), -EINVAL);
	CHECK_EQ_U(rss_init(r, key, 41), -EINVAL);
	CHECK_EQ_U(rss_init(r, key, 64), -EINVAL);
	CHECK_EQ_U(rss_init(r, NULL, 40), -EINVAL);
	CHECK_EQ_U(rss_init(NULL, key, 40), -EINVAL);
	CHECK_EQ_U(rss_init(r, key, 52), 0);
	CHECK_EQ_U(r->key_len, 52);

	/* Before any RETA is chosen everything goes to queue 0, and indexing stays in bounds. */
	CHECK_EQ_U(rss_init(r, ms_key, 40), 0);
	CHECK_EQ_U(r->reta_size, 128);
	CHECK_EQ_U(r->queues, 1);
	CHECK_EQ_U(rss_queue_of(r, 0xffffffff), 0);

	CHECK_EQ_U(rss_reta_set_equal(r, 0, 1), -EINVAL);
	CHECK_EQ_U(rss_reta_set_equal(r, 3, 1), -EINVAL);
	CHECK_EQ_U(rss_reta_set_equal(r, 96, 2), -EINVAL);
	CHECK_EQ_U(rss_reta_set_equal(r, 1024, 2), -EINVAL);
	CHECK_EQ_U(rss_reta_set_equal(r, 128, 0), -EINVAL);
	CHECK_EQ_U(rss_reta_set_equal(r, 128, 129), -EINVAL);
	CHECK_EQ_U(rss_reta_set_equal(NULL, 128, 2), -EINVAL);
	/* A failed call leaves the previous RETA in place. */
	CHECK_EQ_U(r->reta_size, 128);
	CHECK_EQ_U(r->queues, 1);

	CHECK_EQ_U(rss_reta_set_equal(r, 1, 1), 0);
	CHECK_EQ_U(rss_queue_of(r, 0xdeadbeef), 0);
	CHECK_EQ_U(rss_reta_set_equal(r, 128, 128), 0);
	CHECK_EQ_U(rss_queue_of(r, 0x12345678), 0x78);
	CHECK_EQ_U(rss_reta_set_equal(r, RSS_RETA_MAX, 7), 0);
	CHECK_EQ_U(r->reta_size, RSS_RETA_MAX);
	CHECK_EQ_U(r->queues, 7);
	for (unsigned i = 0; i < RSS_RETA_MAX; i++)
		CHECK_EQ_U(r->reta[i], i % 7);
	/* The RETA is indexed with the hash's low bits. */
	CHECK_EQ_U(rss_queue_of(r, 0xfffffe00 | 300), 300 % 7);
	free(r);
}

static void test_key_parse_hex(void)
{
	uint8_t key[RSS_KEY_MAX];
	size_t len = 0;
	char buf[3 * (RSS_KEY_MAX + 2)];

	static const char ms_hex[] = "6d5a56da255b0ec24167253d43a38fb0d0ca2bcb"
				     "ae7b30b477cb2da38030f20c6a42b73bbeac01fa";

	CHECK_EQ_U(rss_key_parse_hex(ms_hex, key, &len), 0);
	CHECK_EQ_U(len, 40);
	CHECK(memcmp(key, ms_key, 40) == 0);

	len = 0;
	CHECK_EQ_U(rss_key_parse_hex("6D:5A:56:da:25", key, &len), 0);
	CHECK_EQ_U(len, 5);
	CHECK_EQ_U(key[0], 0x6d);
	CHECK_EQ_U(key[1], 0x5a);
	CHECK_EQ_U(key[4], 0x25);

	CHECK_EQ_U(rss_key_parse_hex("05", key, &len), 0);
	CHECK_EQ_U(len, 1);
	CHECK_EQ_U(key[0], 5);

	/* 52 bytes fit, 53 do not, in either spelling. */
	for (int i = 0; i < 52; i++)
		snprintf(buf + 2 * i, 3, "%02x", i);
	CHECK_EQ_U(rss_key_parse_hex(buf, key, &len), 0);
	CHECK_EQ_U(len, 52);
	CHECK_EQ_U(key[51], 51);
	strcat(buf, "ff");
	CHECK_EQ_U(rss_key_parse_hex(buf, key, &len), -EINVAL);
	for (int i = 0; i < 52; i++)
		snprintf(buf + 3 * i, 4, "%02x:", i);
	buf[3 * 52 - 1] = '\0';
	CHECK_EQ_U(rss_key_parse_hex(buf, key, &len), 0);
	CHECK_EQ_U(len, 52);
	strcat(buf, ":ff");
	CHECK_EQ_U(rss_key_parse_hex(buf, key, &len), -EINVAL);

	len = 77;
	CHECK_EQ_U(rss_key_parse_hex("", key, &len), -EINVAL);
	CHECK_EQ_U(rss_key_parse_hex("6d5", key, &len), -EINVAL);
	CHECK_EQ_U(rss_key_parse_hex("6g", key, &len), -EINVAL);
	CHECK_EQ_U(rss_key_parse_hex("zz", key, &len), -EINVAL);
	CHECK_EQ_U(rss_key_parse_hex("6d:5", key, &len), -EINVAL);
	CHECK_EQ_U(rss_key_parse_hex("6d:", key, &len), -EINVAL);
	CHECK_EQ_U(rss_key_parse_hex(":6d", key, &len), -EINVAL);
	CHECK_EQ_U(rss_key_parse_hex("6d::5a", key, &len), -EINVAL);
	CHECK_EQ_U(rss_key_parse_hex("6d5a:56", key, &len), -EINVAL);
	CHECK_EQ_U(rss_key_parse_hex("6d 5a", key, &len), -EINVAL);
	CHECK_EQ_U(rss_key_parse_hex("0x6d", key, &len), -EINVAL);
	CHECK_EQ_U(rss_key_parse_hex(NULL, key, &len), -EINVAL);
	/* Failures leave *len alone. */
	CHECK_EQ_U(len, 77);
}

static void test_profiles(void)
{
	const struct rss_profile *p;

	CHECK_EQ_U(rss_profiles_count, 3);
	for (size_t i = 0; i < rss_profiles_count; i++) {
		p = &rss_profiles[i];
		CHECK(rss_profile_find(p->name) == p);
		CHECK(p->summary && *p->summary);
		CHECK(p->key_len == 40 || p->key_len == 52);
		CHECK_EQ_U(p->reta_size, 128);
	}

	p = rss_profile_find("default");
	CHECK(p != NULL);
	if (p)
		for (int i = 0; i < 40; i++)
			CHECK_EQ_U(p->key[i], i % 2 ? 0x5a : 0x6d);
	p = rss_profile_find("ms");
	CHECK(p != NULL);
	if (p)
		CHECK(p->key_len == 40 && memcmp(p->key, ms_key, 40) == 0);
	p = rss_profile_find("mtcp");
	CHECK(p != NULL);
	if (p)
		for (int i = 0; i < p->key_len; i++)
			CHECK_EQ_U(p->key[i], 0x05);

	errno = 0;
	CHECK(rss_profile_find("DEFAULT") == NULL);
	CHECK_EQ_U(errno, ENOENT);
	CHECK(rss_profile_find("") == NULL);
	CHECK(rss_profile_find(NULL) == NULL);
}

static void test_mtcp_profile(void)
{
	struct rss *r = rss_new_profile("mtcp");
	static const uint8_t t[12] = { 10, 0, 0, 1, 10, 0, 0, 2, 1234 >> 8, 1234 & 0xff, 0, 80 };

	if (!r)
		return;
	/* Value from seed-and-mtcp.md §2.4. */
	CHECK_EQ_U(rss_hash_ipv4(r, t, t + 8), 0x27272727);
	for (uint16_t n = 2; n <= 8; n++) {
		unsigned mismatches = 0;

		CHECK_EQ_U(rss_reta_set_equal(r, 128, n), 0);
		for (int i = 0; i < 10000; i++) {
			uint8_t u[12];
			uint32_t h;

			rng_fill(u, sizeof(u));
			h = rss_hash_ipv4(r, u, u + 8);
			mismatches += rss_queue_of(r, h) != (h & 0x7f) % n;
		}
		CHECK_EQ_U(mismatches, 0);
	}
	free(r);
}

CHECK_MAIN("rss", TEST(test_ms_vectors_ipv4), TEST(test_ms_vectors_ipv6),
	   TEST(test_ms_vectors_key52), TEST(test_table_vs_naive_key40),
	   TEST(test_table_vs_naive_key52), TEST(test_symmetric_default), TEST(test_symmetric_mtcp),
	   TEST(test_not_symmetric_ms), TEST(test_spread_default), TEST(test_fragments),
	   TEST(test_init_and_reta_errors), TEST(test_key_parse_hex), TEST(test_profiles),
	   TEST(test_mtcp_profile))
