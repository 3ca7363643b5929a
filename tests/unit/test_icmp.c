/* ICMP echo replies: the reply's every field and both checksums, and each request we must not
 * answer (not ours, bad checksum, unanswerable source, fragment, too short, non-zero code). */
#include <string.h>
#include "check.h"
#include "csum.h"
#include "icmp.h"
#include "pkt.h"

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const struct dp_addr addrs[2] = { { { 10, 0, 0, 2 }, 24 }, { { 192, 168, 7, 1 }, 32 } };

/* An echo request 10.0.0.1 -> dst with id 0x1234, seq 7 and `data` bytes of payload. */
static uint32_t build_ping(uint8_t *f, const uint8_t dst[4], uint32_t data)
{
	uint8_t *ip = f + 14, *ic = ip + 20;
	uint32_t ip_len = 20 + 8 + data;

	memset(f, 0, 14 + ip_len);
	memcpy(f, our_mac, 6);
	memcpy(f + 6, peer_mac, 6);
	f[12] = 0x08;
	ip[0] = 0x45;
	store_be16(ip + 2, (uint16_t)ip_len);
	store_be16(ip + 4, 0xbeef);
	ip[8] = 3;
	ip[9] = 1;
	memcpy(ip + 12, (uint8_t[]){ 10, 0, 0, 1 }, 4);
	memcpy(ip + 16, dst, 4);
	store_be16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	ic[0] = 8;
	store_be16(ic + 4, 0x1234);
	store_be16(ic + 6, 7);
	for (uint32_t i = 0; i < data; i++)
		ic[8 + i] = (uint8_t)(i * 7 + 1);
	store_be16(ic + 2, csum_fold(csum_add(0, ic, 8 + data)));
	return 14 + ip_len;
}

static enum icmp_result reply(uint8_t *f, uint32_t len)
{
	struct pkt_meta m;
	if (pkt_parse(f, len, &m) != DROP_NONE)
		return (enum icmp_result) - 1;
	return icmp_echo_reply(f, &m, addrs, 2);
}

static void t_reply_fields(void)
{
	uint8_t f[256], orig[256];

	for (int a = 0; a < 2; a++) {
		for (uint32_t data = 0; data < 60; data += 11) { /* odd lengths too */
			uint32_t len = build_ping(f, addrs[a].ip, data);
			uint8_t *ip = f + 14, *ic = ip + 20;

			memcpy(orig, f, len);
			CHECK(reply(f, len) == ICMP_REPLIED);
			CHECK(memcmp(f, peer_mac, 6) == 0 && memcmp(f + 6, our_mac, 6) == 0);
			CHECK(memcmp(ip + 12, addrs[a].ip, 4) == 0);
			CHECK(memcmp(ip + 16, (uint8_t[]){ 10, 0, 0, 1 }, 4) == 0);
			CHECK_EQ_U(ip[8], 64);
			CHECK_EQ_U(load_be16(ip + 4), 0xbeef);
			CHECK_EQ_U(csum_fold(csum_add(0, ip, 20)), 0);
			CHECK_EQ_U(ic[0], 0);
			CHECK_EQ_U(ic[1], 0);
			CHECK_EQ_U(csum_fold(csum_add(0, ic, 8 + data)), 0);
			CHECK(memcmp(ic + 4, orig + 14 + 20 + 4, 4 + data) ==
			      0); /* id, seq, data */
		}
	}
}

static void t_not_ours_untouched(void)
{
	uint8_t f[128], orig[128];
	uint32_t len = build_ping(f, (uint8_t[]){ 10, 0, 0, 3 }, 8);

	memcpy(orig, f, len);
	CHECK(reply(f, len) == ICMP_NOT_OURS);
	CHECK(memcmp(f, orig, len) == 0);
	/* an echo reply (type 0) to us is not a request: left for the app */
	len = build_ping(f, addrs[0].ip, 8);
	f[14 + 20] = 0;
	memcpy(orig, f, len);
	CHECK(reply(f, len) == ICMP_NOT_OURS);
	CHECK(memcmp(f, orig, len) == 0);
	/* UDP to us: not ICMP */
	len = build_ping(f, addrs[0].ip, 8);
	f[14 + 9] = 17;
	store_be16(f + 14 + 20 + 4, 16); /* a valid UDP length */
	CHECK(reply(f, len) == ICMP_NOT_OURS);
}

static void t_unanswerable(void)
{
	static const uint8_t bad_src[][4] = {
		{ 0, 0, 0, 0 }, { 127, 0, 0, 1 }, { 224, 0, 0, 1 }, { 255, 255, 255, 255 }
	};
	uint8_t f[128], orig[128];
	uint32_t len;

	len = build_ping(f, addrs[0].ip, 8);
	f[14 + 20 + 2] ^= 1; /* ICMP checksum */
	memcpy(orig, f, len);
	CHECK(reply(f, len) == ICMP_BAD);
	CHECK(memcmp(f, orig, len) == 0);

	len = build_ping(f, addrs[0].ip, 8);
	f[14 + 20 + 1] = 1; /* code != 0 (checksum left stale on purpose: either is bad) */
	CHECK(reply(f, len) == ICMP_BAD);

	for (size_t i = 0; i < sizeof(bad_src) / sizeof(bad_src[0]); i++) {
		len = build_ping(f, addrs[0].ip, 8);
		memcpy(f + 14 + 12, bad_src[i], 4);
		f[14 + 10] = f[14 + 11] = 0;
		store_be16(f + 14 + 10, csum_fold(csum_add(0, f + 14, 20)));
		CHECK(reply(f, len) == ICMP_BAD);
	}

	len = build_ping(f, addrs[0].ip, 8);
	f[14 + 6] = 0x20; /* MF: a fragment */
	CHECK(reply(f, len) == ICMP_BAD);

	/* 4 bytes of ICMP: shorter than the echo header */
	len = build_ping(f, addrs[0].ip, 0);
	store_be16(f + 14 + 2, 24);
	CHECK(reply(f, len - 4) == ICMP_BAD);
}

static void t_csum_update_matches_full(void)
{
	uint8_t buf[64];
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	for (unsigned w = 0; w + 1 < sizeof(buf); w += 2) {
		uint16_t check = csum_fold(csum_add(0, buf, sizeof(buf)));
		uint16_t old = load_be16(buf + w), new_ = (uint16_t)(old * 3 + 1);
		store_be16(buf + w, new_);
		CHECK_EQ_U(csum_update16(check, old, new_),
			   csum_fold(csum_add(0, buf, sizeof(buf))));
	}
}

/* All-zero identifier, sequence and data: the incremental checksum update would give 0x0000
 * (ones' complement negative zero), which receivers reject; found by fuzz_icmp. */
static void t_reply_all_zero_body(void)
{
	uint8_t f[128];
	uint32_t len = build_ping(f, addrs[0].ip, 7);
	uint8_t *ic = f + 14 + 20;

	memset(ic + 4, 0, 4 + 7);
	ic[2] = ic[3] = 0;
	store_be16(ic + 2, csum_fold(csum_add(0, ic, 15)));
	CHECK(reply(f, len) == ICMP_REPLIED);
	CHECK_EQ_U(csum_fold(csum_add(0, ic, 15)), 0);
	CHECK_EQ_U(load_be16(ic + 2), 0xffff);
}

CHECK_MAIN("icmp", TEST(t_reply_all_zero_body), TEST(t_reply_fields), TEST(t_not_ours_untouched),
	   TEST(t_unanswerable), TEST(t_csum_update_matches_full))
