/* The ARP state machine with a fake clock: replies byte by byte, learning and the merge
 * rule, every ignored frame answered by nothing but one named counter, retries and their
 * timing, held packets, aging, a bounded table under a flood, and lock-free readers racing
 * a writer. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "arp.h"
#include "check.h"
#include "common.h"
#include "pkt.h"

#define MS 1000000ull
#define S  1000000000ull

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t our_ip[3][4] = { { 10, 0, 0, 1 }, { 10, 0, 1, 1 }, { 192, 168, 5, 5 } };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t zero6[6];

struct frame {
	uint8_t b[128];
	uint32_t len;
	struct pkt_meta m;
};

static void params(struct arp_params *p, uint32_t capacity)
{
	arp_params_default(p);
	memcpy(p->mac, our_mac, 6);
	p->n_addrs = 3;
	for (int i = 0; i < 3; i++) {
		memcpy(p->addrs[i].ip, our_ip[i], 4);
		p->addrs[i].prefix_len = i == 2 ? 16 : 24;
	}
	p->capacity = capacity;
	p->hold_len = 4;
	p->retry_ns = 100 * MS;
	p->reachable_ns = 10 * S;
	p->stale_ns = 20 * S;
	p->hash_seed = 0x5eed;
}

static struct arp *make(uint32_t capacity)
{
	struct arp_params p;
	struct arp *a = NULL;

	params(&p, capacity);
	CHECK_EQ_U(arp_create(&a, &p), 0);
	return a;
}

static void peer_mac(uint8_t mac[6], uint8_t n)
{
	const uint8_t m[6] = { 0x02, 0, 0, 0, 0x01, n };
	memcpy(mac, m, 6);
}

static void ip4(uint8_t ip[4], uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	ip[0] = a;
	ip[1] = b;
	ip[2] = c;
	ip[3] = d;
}

/* An ARP frame (tags VLAN tags), padded to 60 bytes, with pkt_parse's metadata. */
static void arp_frame(struct frame *f, uint16_t op, const uint8_t eth_src[6], const uint8_t sha[6],
		      const uint8_t spa[4], const uint8_t tha[6], const uint8_t tpa[4], int tags)
{
	uint8_t *p = f->b;

	memset(f, 0, sizeof(*f));
	memcpy(p, op == 1 ? bcast : our_mac, 6);
	memcpy(p + 6, eth_src, 6);
	p += 12;
	for (int i = 0; i < tags; i++, p += 4) {
		p[0] = 0x81;
		p[2] = 0x00;
		p[3] = (uint8_t)(100 + i);
	}
	*p++ = 0x08;
	*p++ = 0x06;
	const uint8_t hdr[8] = { 0, 1, 8, 0, 6, 4, 0, (uint8_t)op };
	memcpy(p, hdr, 8);
	memcpy(p + 8, sha, 6);
	memcpy(p + 14, spa, 4);
	memcpy(p + 18, tha, 6);
	memcpy(p + 24, tpa, 4);
	f->len = MAX((uint32_t)(p + 28 - f->b), 60u);
	CHECK_EQ_U(pkt_parse(f->b, f->len, &f->m), DROP_NONE);
	CHECK_EQ_U(f->m.l3, PKT_L3_ARP);
}

/* The common case: a well-formed frame from peer n (Ethernet source = sha). */
static void peer_frame(struct frame *f, uint16_t op, uint8_t n, const uint8_t spa[4],
		       const uint8_t tpa[4])
{
	uint8_t mac[6];

	peer_mac(mac, n);
	arp_frame(f, op, mac, mac, spa, op == 2 ? our_mac : zero6, tpa, 0);
}

static void check_request(const struct arp_out *out, uint32_t i, const uint8_t *dst,
			  const uint8_t tpa[4]);

static void snap(const struct arp *a, uint64_t c[ARP_CNT_MAX])
{
	for (int i = 0; i < ARP_CNT_MAX; i++)
		c[i] = arp_counter_get(a, i);
}

/* Exactly counter `want` moved since `before`, by one. */
static int only_counter(const struct arp *a, const uint64_t before[ARP_CNT_MAX],
			enum arp_counter want)
{
	int ok = 1;

	for (int i = 0; i < ARP_CNT_MAX; i++) {
		uint64_t d = arp_counter_get(a, i) - before[i];

		if (d != (i == (int)want ? 1u : 0u)) {
			fprintf(stderr, "  counter %s moved by %llu (wanted only %s)\n",
				arp_counter_name(i), (unsigned long long)d, arp_counter_name(want));
			ok = 0;
		}
	}
	return ok;
}

static void test_counter_names(void)
{
	for (int i = 0; i < ARP_CNT_MAX; i++) {
		CHECK(arp_counter_name(i) != NULL);
		for (int j = 0; j < i; j++)
			CHECK(strcmp(arp_counter_name(i), arp_counter_name(j)) != 0);
	}
	CHECK(arp_counter_name(ARP_CNT_MAX) == NULL);
	CHECK_STR(arp_counter_name(ARP_CNT_RX_REQUEST), "rx_request");
	CHECK_STR(arp_counter_name(ARP_CNT_RX_END), "learned");
}

static void test_create_invalid(void)
{
	struct arp_params p;
	struct arp *a = (struct arp *)&p;

	params(&p, 0);
	CHECK(arp_create(&a, &p) == -EINVAL);
	CHECK(a == NULL);
	params(&p, 8);
	p.hold_len = ARP_HOLD_MAX + 1;
	CHECK(arp_create(&a, &p) == -EINVAL);
	params(&p, 8);
	p.retry_limit = 0;
	CHECK(arp_create(&a, &p) == -EINVAL);
	params(&p, 8);
	p.n_addrs = 0;
	CHECK(arp_create(&a, &p) == -EINVAL);
	params(&p, 8);
	p.mac[0] = 0x01;
	CHECK(arp_create(&a, &p) == -EINVAL);
}

/* Every byte of the reply to a request for each of our addresses, untagged and tagged. */
static void test_reply_each_ip(void)
{
	struct arp *a = make(16);
	struct arp_out out;
	struct frame f;
	uint8_t spa[4], mac[6];

	ip4(spa, 10, 0, 0, 9);
	peer_mac(mac, 9);
	for (int tags = 0; tags <= 2; tags++) {
		for (int i = 0; i < 3; i++) {
			uint32_t h = 14 + 4u * tags;
			uint8_t want[ARP_FRAME_LEN] = { 0 };

			arp_frame(&f, 1, mac, mac, spa, zero6, our_ip[i], tags);
			arp_input(a, f.b, f.len, &f.m, 0, &out);
			CHECK_EQ_U(out.n_frames, 1);
			CHECK_EQ_U(out.n_pkts, 0);
			memcpy(want, mac, 6);
			memcpy(want + 6, our_mac, 6);
			memcpy(want + 12, f.b + 12, h - 12); /* tags and ethertype */
			const uint8_t hdr[8] = { 0, 1, 8, 0, 6, 4, 0, 2 };
			memcpy(want + h, hdr, 8);
			memcpy(want + h + 8, our_mac, 6);
			memcpy(want + h + 14, our_ip[i], 4);
			memcpy(want + h + 18, mac, 6);
			memcpy(want + h + 24, spa, 4);
			for (int b = 0; b < ARP_FRAME_LEN; b++)
				if (out.frame[0][b] != want[b]) {
					fprintf(stderr, "  tags %d ip %d byte %d: %02x != %02x\n",
						tags, i, b, out.frame[0][b], want[b]);
					check_failed_in_test++;
				}
		}
	}
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_RX_REQUEST), 9);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_LEARNED), 1);
	arp_destroy(a);
}

static void test_learn_from_request(void)
{
	struct arp *a = make(16);
	struct arp_out out;
	struct frame f;
	uint8_t spa[4], mac[6], got[6];
	uint64_t c[ARP_CNT_MAX];

	ip4(spa, 10, 0, 0, 7);
	peer_mac(mac, 7);
	CHECK_EQ_U(arp_lookup(a, spa, got), ARP_LOOKUP_MISS);
	snap(a, c);
	peer_frame(&f, 1, 7, spa, our_ip[0]);
	arp_input(a, f.b, f.len, &f.m, 5 * S, &out);
	CHECK_EQ_U(out.n_frames, 1);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_RX_REQUEST) - c[ARP_CNT_RX_REQUEST], 1);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_LEARNED) - c[ARP_CNT_LEARNED], 1);
	/* Learned but unconfirmed (as Linux does): usable, evictable, checked on first use. */
	CHECK_EQ_U(arp_lookup(a, spa, got), ARP_LOOKUP_STALE);
	CHECK(memcmp(got, mac, 6) == 0);
	CHECK_EQ_U(arp_count(a), 1);
	/* A resolve sends at once and confirms with one unicast request. */
	CHECK_EQ_U(arp_resolve(a, spa, (void *)1, 5 * S, got, &out), ARP_RESOLVED);
	CHECK_EQ_U(out.n_frames, 1);
	check_request(&out, 0, mac, spa);
	CHECK(memcmp(got, mac, 6) == 0);
	peer_frame(&f, 2, 7, spa, our_ip[0]);
	arp_input(a, f.b, f.len, &f.m, 5 * S + MS, &out);
	CHECK_EQ_U(arp_lookup(a, spa, got), ARP_LOOKUP_HIT);
	CHECK_EQ_U(arp_resolve(a, spa, (void *)1, 5 * S + 2 * MS, got, &out), ARP_RESOLVED);
	CHECK_EQ_U(out.n_frames, 0);
	/* A probe (sender 0.0.0.0) for our address is answered but not learned. */
	ip4(spa, 0, 0, 0, 0);
	peer_frame(&f, 1, 8, spa, our_ip[1]);
	arp_input(a, f.b, f.len, &f.m, 5 * S, &out);
	CHECK_EQ_U(out.n_frames, 1);
	CHECK_EQ_U(arp_count(a), 1);
	arp_destroy(a);
}

struct neg_case {
	const char *name;
	enum arp_counter want;
};

/* Builds negative case i into f; returns 0 past the last case. */
static int neg_build(int i, struct frame *f, struct neg_case *nc)
{
	uint8_t spa[4], mcast[4], other[4], mac[6], mac2[6];

	ip4(spa, 10, 0, 0, 20);
	ip4(mcast, 224, 0, 0, 5);
	ip4(other, 10, 0, 0, 99);
	peer_mac(mac, 20);
	peer_mac(mac2, 21);
	arp_frame(f, 1, mac, mac, spa, zero6, our_ip[0], 0); /* the valid base case */
	switch (i) {
	case 0:
		*nc = (struct neg_case){ "target not ours", ARP_CNT_IGN_TARGET_NOT_OURS };
		arp_frame(f, 1, mac, mac, spa, zero6, other, 0);
		break;
	case 1:
		*nc = (struct neg_case){ "sender is our ip", ARP_CNT_IGN_SENDER_OURS };
		arp_frame(f, 1, mac, mac, our_ip[1], zero6, our_ip[0], 0);
		break;
	case 2:
		*nc = (struct neg_case){ "eth src != sha", ARP_CNT_IGN_SHA_MISMATCH };
		arp_frame(f, 1, mac2, mac, spa, zero6, our_ip[0], 0);
		break;
	case 3:
		*nc = (struct neg_case){ "truncated", ARP_CNT_IGN_TRUNCATED };
		f->len = 14 + 27;
		break;
	case 4:
		*nc = (struct neg_case){ "htype 6", ARP_CNT_IGN_BAD_HTYPE };
		f->b[15] = 6;
		break;
	case 5:
		*nc = (struct neg_case){ "ptype ipv6", ARP_CNT_IGN_BAD_PTYPE };
		f->b[16] = 0x86;
		f->b[17] = 0xdd;
		break;
	case 6:
		*nc = (struct neg_case){ "hlen 8", ARP_CNT_IGN_BAD_ADDR_LEN };
		f->b[18] = 8;
		break;
	case 7:
		*nc = (struct neg_case){ "plen 16", ARP_CNT_IGN_BAD_ADDR_LEN };
		f->b[19] = 16;
		break;
	case 8:
		*nc = (struct neg_case){ "opcode 3", ARP_CNT_IGN_BAD_OP };
		f->b[21] = 3;
		break;
	case 9:
		*nc = (struct neg_case){ "sha broadcast", ARP_CNT_IGN_BAD_SHA };
		arp_frame(f, 1, bcast, bcast, spa, zero6, our_ip[0], 0);
		break;
	case 10:
		*nc = (struct neg_case){ "sha zero", ARP_CNT_IGN_BAD_SHA };
		arp_frame(f, 1, zero6, zero6, spa, zero6, our_ip[0], 0);
		break;
	case 11:
		*nc = (struct neg_case){ "spa multicast", ARP_CNT_IGN_BAD_SPA };
		arp_frame(f, 1, mac, mac, mcast, zero6, our_ip[0], 0);
		break;
	case 12:
		*nc = (struct neg_case){ "probe not for us", ARP_CNT_IGN_BAD_SPA };
		ip4(spa, 0, 0, 0, 0);
		arp_frame(f, 1, mac, mac, spa, zero6, other, 0);
		break;
	case 13:
		*nc = (struct neg_case){ "gratuitous unknown", ARP_CNT_IGN_GRATUITOUS_UNKNOWN };
		arp_frame(f, 1, mac, mac, spa, zero6, spa, 0);
		break;
	case 14:
		*nc = (struct neg_case){ "gratuitous reply unknown",
					 ARP_CNT_IGN_GRATUITOUS_UNKNOWN };
		arp_frame(f, 2, mac, mac, spa, bcast, spa, 0);
		break;
	case 15:
		*nc = (struct neg_case){ "unsolicited reply", ARP_CNT_IGN_REPLY_UNSOLICITED };
		arp_frame(f, 2, mac, mac, spa, our_mac, our_ip[0], 0);
		break;
	case 16:
		*nc = (struct neg_case){ "not arp", ARP_CNT_IGN_NOT_ARP };
		f->m.l3 = PKT_L3_IPV4;
		break;
	default:
		return 0;
	}
	return 1;
}

static void test_negative_cases(void)
{
	struct neg_case nc;
	struct frame f;
	struct arp_out out;
	uint64_t c[ARP_CNT_MAX];
	uint8_t got[6], spa[4];

	ip4(spa, 10, 0, 0, 20);
	for (int i = 0; neg_build(i, &f, &nc); i++) {
		struct arp *a = make(16);

		/* pkt_parse would drop some of these; the state machine checks them itself. */
		f.m = (struct pkt_meta){ .ethertype = 0x0806,
					 .l3_off = 14,
					 .l3_len = 28,
					 .l3 = f.m.l3 == PKT_L3_IPV4 ? PKT_L3_IPV4 : PKT_L3_ARP };
		snap(a, c);
		arp_input(a, f.b, f.len, &f.m, S, &out);
		if (!only_counter(a, c, nc.want) || out.n_frames || out.n_pkts || arp_count(a) ||
		    arp_lookup(a, spa, got) != ARP_LOOKUP_MISS) {
			fprintf(stderr, "  case \"%s\": frames %u pkts %u entries %u\n", nc.name,
				out.n_frames, out.n_pkts, arp_count(a));
			check_failed_in_test++;
		}
		arp_destroy(a);
	}
}

static void test_gratuitous(void)
{
	struct arp *a = make(16);
	struct arp_out out;
	struct frame f;
	uint8_t spa[4], sip[4], mac[6], smac[6], got[6];
	uint64_t c[ARP_CNT_MAX];

	ip4(spa, 10, 0, 0, 30);
	ip4(sip, 10, 0, 0, 31);
	peer_mac(smac, 0x31);
	CHECK_EQ_U(arp_add_static(a, sip, smac), 0);
	/* Unknown sender: nothing. */
	peer_frame(&f, 1, 30, spa, spa);
	arp_input(a, f.b, f.len, &f.m, S, &out);
	CHECK_EQ_U(arp_lookup(a, spa, got), ARP_LOOKUP_MISS);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_IGN_GRATUITOUS_UNKNOWN), 1);
	/* Known sender (learned from a request for us) moves to a new MAC. */
	peer_frame(&f, 1, 30, spa, our_ip[0]);
	arp_input(a, f.b, f.len, &f.m, S, &out);
	peer_mac(mac, 0x77);
	arp_frame(&f, 2, mac, mac, spa, bcast, spa, 0);
	snap(a, c);
	arp_input(a, f.b, f.len, &f.m, 2 * S, &out);
	CHECK(only_counter(a, c, ARP_CNT_RX_GRATUITOUS));
	CHECK_EQ_U(out.n_frames, 0);
	CHECK_EQ_U(arp_lookup(a, spa, got), ARP_LOOKUP_HIT);
	CHECK(memcmp(got, mac, 6) == 0);
	CHECK_EQ_U(arp_count(a), 2);
	/* A static entry is not moved. */
	arp_frame(&f, 1, mac, mac, sip, zero6, sip, 0);
	snap(a, c);
	arp_input(a, f.b, f.len, &f.m, 2 * S, &out);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_IGN_STATIC) - c[ARP_CNT_IGN_STATIC], 1);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_STATIC_CONFLICT) - c[ARP_CNT_STATIC_CONFLICT], 1);
	CHECK_EQ_U(arp_lookup(a, sip, got), ARP_LOOKUP_HIT);
	CHECK(memcmp(got, smac, 6) == 0);
	arp_destroy(a);
}

/* Checks that out.frame[i] is a broadcast request for tpa from our_ip[0]. */
static void check_request(const struct arp_out *out, uint32_t i, const uint8_t *dst,
			  const uint8_t tpa[4])
{
	const uint8_t *f = out->frame[i];

	CHECK(memcmp(f, dst, 6) == 0);
	CHECK(memcmp(f + 6, our_mac, 6) == 0);
	CHECK(f[12] == 0x08 && f[13] == 0x06);
	CHECK(f[20] == 0 && f[21] == 1);
	CHECK(memcmp(f + 22, our_mac, 6) == 0);
	CHECK(memcmp(f + 28, our_ip[0], 4) == 0);
	CHECK(memcmp(f + 32, zero6, 6) == 0);
	CHECK(memcmp(f + 38, tpa, 4) == 0);
}

/* 16 requests retry_ns apart, then the held packets come back to be dropped. */
static void test_retry_then_drop(void)
{
	struct arp *a = make(16);
	struct arp_out out;
	uint8_t ip[4], mac[6];
	uint64_t t0 = 1000 * S, t;
	uint32_t requests = 0;

	ip4(ip, 10, 0, 0, 40);
	CHECK_EQ_U(arp_resolve(a, ip, (void *)11, t0, mac, &out), ARP_HELD);
	CHECK_EQ_U(out.n_frames, 1);
	check_request(&out, 0, bcast, ip);
	requests++;
	CHECK_EQ_U(arp_resolve(a, ip, (void *)12, t0 + 1, mac, &out), ARP_HELD);
	CHECK_EQ_U(out.n_frames, 0); /* the outstanding request covers it */
	CHECK_EQ_U(arp_lookup(a, ip, mac), ARP_LOOKUP_MISS);
	/* Every 10 ms for 1.7 s: a request exactly at t0 + k * 100 ms, k = 1..15. */
	for (t = t0 + 10 * MS; t <= t0 + 1700 * MS; t += 10 * MS) {
		CHECK_EQ_U(arp_tick(a, t, &out), 0);
		if (out.n_frames) {
			CHECK_EQ_U(out.n_frames, 1);
			CHECK_EQ_U((t - t0) % (100 * MS), 0);
			check_request(&out, 0, bcast, ip);
			requests++;
		}
		if (out.n_pkts) {
			CHECK_EQ_U(t, t0 + 1600 * MS);
			CHECK_EQ_U(requests, 16);
			CHECK_EQ_U(out.fate, ARP_PKTS_DROP);
			CHECK_EQ_U(out.n_pkts, 2);
			CHECK(out.pkt[0] == (void *)11 && out.pkt[1] == (void *)12);
			CHECK(memcmp(out.ip, ip, 4) == 0);
		}
	}
	CHECK_EQ_U(requests, 16);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_REQUESTS_SENT), 16);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_RESOLVE_FAILED), 1);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_HELD_DROPPED), 2);
	CHECK_EQ_U(arp_count(a), 0);
	/* The next packet starts over. */
	CHECK_EQ_U(arp_resolve(a, ip, (void *)13, t, mac, &out), ARP_HELD);
	CHECK_EQ_U(out.n_frames, 1);
	arp_destroy(a);
}

static void test_release_in_order(void)
{
	struct arp *a = make(16);
	struct arp_out out;
	struct frame f;
	uint8_t ip[4], mac[6], want[6];

	ip4(ip, 10, 0, 0, 50);
	peer_mac(want, 50);
	for (uintptr_t i = 1; i <= 4; i++)
		CHECK_EQ_U(arp_resolve(a, ip, (void *)i, S, mac, &out), ARP_HELD);
	CHECK_EQ_U(arp_resolve(a, ip, (void *)5, S, mac, &out), ARP_REFUSED);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_HOLD_FULL), 1);
	CHECK_EQ_U(arp_resolve(a, ip, NULL, S, mac, &out), ARP_HELD);
	peer_frame(&f, 2, 50, ip, our_ip[0]);
	arp_input(a, f.b, f.len, &f.m, S + 5 * MS, &out);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_RX_REPLY), 1);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_RESOLVED), 1);
	CHECK_EQ_U(out.n_frames, 0);
	CHECK_EQ_U(out.fate, ARP_PKTS_SEND);
	CHECK_EQ_U(out.n_pkts, 4);
	for (uint32_t i = 0; i < out.n_pkts; i++)
		CHECK(out.pkt[i] == (void *)(uintptr_t)(i + 1));
	CHECK(memcmp(out.mac, want, 6) == 0);
	CHECK(memcmp(out.ip, ip, 4) == 0);
	CHECK_EQ_U(arp_lookup(a, ip, mac), ARP_LOOKUP_HIT);
	CHECK(memcmp(mac, want, 6) == 0);
	CHECK_EQ_U(arp_resolve(a, ip, (void *)6, S + 6 * MS, mac, &out), ARP_RESOLVED);
	/* Resolution asked for without a packet: nothing to release when it completes. */
	ip4(ip, 10, 0, 0, 51);
	CHECK_EQ_U(arp_resolve(a, ip, NULL, S, mac, &out), ARP_HELD);
	CHECK_EQ_U(out.n_frames, 1);
	peer_frame(&f, 2, 51, ip, our_ip[0]);
	arp_input(a, f.b, f.len, &f.m, S + 7 * MS, &out);
	CHECK_EQ_U(out.fate, ARP_PKTS_NONE);
	CHECK_EQ_U(out.n_pkts, 0);
	CHECK_EQ_U(arp_lookup(a, ip, mac), ARP_LOOKUP_HIT);
	/* No retries or drops afterwards. */
	CHECK_EQ_U(arp_tick(a, 3 * S, &out), 0);
	CHECK_EQ_U(out.n_frames + out.n_pkts, 0);
	arp_destroy(a);
}

/* Capacity 4: static, pending and reachable entries are never evicted; stale ones (learned
 * from a request and not confirmed yet, or aged) are, the oldest first. */
static void test_table_full(void)
{
	struct arp *a = make(4);
	struct arp_out out;
	struct frame f;
	uint8_t sip[4], pip[4], r1[4], r2[4], nip[4], n2[4], mac[6];

	ip4(sip, 10, 0, 0, 60);
	ip4(pip, 10, 0, 0, 61);
	ip4(r1, 10, 0, 0, 62);
	ip4(r2, 10, 0, 0, 63);
	ip4(nip, 10, 0, 0, 64);
	ip4(n2, 10, 0, 0, 65);
	peer_mac(mac, 60);
	CHECK_EQ_U(arp_add_static(a, sip, mac), 0);
	CHECK_EQ_U(arp_resolve(a, pip, (void *)1, 0, mac, &out), ARP_HELD);
	peer_frame(&f, 1, 62, r1, our_ip[0]);
	arp_input(a, f.b, f.len, &f.m, 0, &out);
	peer_frame(&f, 1, 63, r2, our_ip[0]);
	arp_input(a, f.b, f.len, &f.m, 1 * MS, &out);
	CHECK_EQ_U(arp_count(a), 4);
	/* r2 confirmed by its reply to our probe: reachable */
	CHECK_EQ_U(arp_resolve(a, r2, NULL, 1 * MS, mac, &out), ARP_RESOLVED);
	peer_frame(&f, 2, 63, r2, our_ip[0]);
	arp_input(a, f.b, f.len, &f.m, 1 * MS, &out);
	CHECK_EQ_U(arp_lookup(a, r2, mac), ARP_LOOKUP_HIT);
	/* room for nip: the unconfirmed r1 goes */
	CHECK_EQ_U(arp_resolve(a, nip, (void *)2, 2 * MS, mac, &out), ARP_HELD);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_EVICTED), 1);
	CHECK_EQ_U(arp_lookup(a, r1, mac), ARP_LOOKUP_MISS);
	/* now static, two pending and a reachable entry: nothing to evict */
	CHECK_EQ_U(arp_resolve(a, n2, (void *)3, 3 * MS, mac, &out), ARP_REFUSED);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_TABLE_FULL), 1);
	CHECK(arp_add_static(a, n2, mac) == -ENOSPC);
	/* A sender that does not fit is still answered. */
	peer_frame(&f, 1, 65, n2, our_ip[0]);
	arp_input(a, f.b, f.len, &f.m, 3 * MS, &out);
	CHECK_EQ_U(out.n_frames, 1);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_TABLE_FULL), 3);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_EVICTED), 1);
	CHECK_EQ_U(arp_lookup(a, sip, mac), ARP_LOOKUP_HIT);
	CHECK_EQ_U(arp_lookup(a, r2, mac), ARP_LOOKUP_HIT);
	CHECK_EQ_U(arp_count(a), 4);
	/* After reachable_ns r2 is stale: it goes when room is needed. */
	while (arp_tick(a, 10 * S + 1 * MS, &out))
		;
	CHECK_EQ_U(arp_lookup(a, r2, mac), ARP_LOOKUP_STALE);
	CHECK_EQ_U(arp_resolve(a, n2, (void *)4, 10 * S + 2 * MS, mac, &out), ARP_HELD);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_EVICTED), 2);
	CHECK_EQ_U(arp_lookup(a, r2, mac), ARP_LOOKUP_MISS);
	/* the held packets were never lost with their entries */
	int flushed = 0;
	while (arp_flush(a, &out)) {
		CHECK_EQ_U(out.fate, ARP_PKTS_DROP);
		flushed += (int)out.n_pkts;
	}
	CHECK_EQ_U(flushed, 3);
	arp_destroy(a);
}

/* 10x capacity distinct senders asking for us, twice: all answered, the table stays bounded,
 * the static entries stay.  Learned entries are unconfirmed, so each newcomer takes the place
 * of the oldest of them: a neighbour that asks after a flood still gets an entry. */
static void test_flood(void)
{
	enum { CAP = 64, N = 10 * CAP, STATICS = 8 };
	struct arp *a = make(CAP);
	struct arp_out out;
	struct frame f;
	uint8_t ip[4], mac[6], got[6];
	uint32_t replies = 0;

	for (int i = 0; i < STATICS; i++) {
		ip4(ip, 10, 9, 0, (uint8_t)i + 1);
		peer_mac(mac, (uint8_t)(200 + i));
		CHECK_EQ_U(arp_add_static(a, ip, mac), 0);
	}
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < N; i++) {
			ip4(ip, 10, (uint8_t)(20 + round), (uint8_t)(i >> 8), (uint8_t)i);
			mac[0] = 0x02;
			mac[1] = 0x0f;
			mac[2] = (uint8_t)round;
			mac[3] = 0;
			mac[4] = (uint8_t)(i >> 8);
			mac[5] = (uint8_t)i;
			arp_frame(&f, 1, mac, mac, ip, zero6, our_ip[0], 0);
			arp_input(a, f.b, f.len, &f.m, round * 15 * S + (uint64_t)i * MS, &out);
			replies += out.n_frames;
			CHECK(arp_count(a) <= CAP);
		}
		while (arp_tick(a, round * 15 * S + 12 * S, &out))
			;
	}
	CHECK_EQ_U(replies, 2 * N);
	CHECK_EQ_U(arp_count(a), CAP);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_LEARNED), 2 * N);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_EVICTED), 2 * N - (CAP - STATICS));
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_TABLE_FULL), 0);
	/* the last sender is in */
	ip4(ip, 10, 21, (uint8_t)((N - 1) >> 8), (uint8_t)(N - 1));
	CHECK_EQ_U(arp_lookup(a, ip, got), ARP_LOOKUP_STALE);
	for (int i = 0; i < STATICS; i++) {
		uint8_t want[6];

		ip4(ip, 10, 9, 0, (uint8_t)i + 1);
		peer_mac(want, (uint8_t)(200 + i));
		CHECK_EQ_U(arp_lookup(a, ip, got), ARP_LOOKUP_HIT);
		CHECK(memcmp(got, want, 6) == 0);
	}
	arp_destroy(a);
}

/* reachable -> stale -> (used) unicast probe -> reachable; stale unused -> expired; a probe
 * that goes unanswered removes the entry. */
static void test_aging(void)
{
	struct arp *a = make(16);
	struct arp_out out;
	struct frame f;
	uint8_t ip[4], ip2[4], mac[6], want[6], got[6];

	ip4(ip, 10, 0, 0, 70);
	ip4(ip2, 10, 0, 0, 71);
	peer_mac(want, 70);
	/* both resolved (asked and answered): reachable */
	CHECK_EQ_U(arp_resolve(a, ip, NULL, 0, mac, &out), ARP_HELD);
	peer_frame(&f, 2, 70, ip, our_ip[0]);
	arp_input(a, f.b, f.len, &f.m, 0, &out);
	CHECK_EQ_U(arp_resolve(a, ip2, NULL, 0, mac, &out), ARP_HELD);
	peer_frame(&f, 2, 71, ip2, our_ip[0]);
	arp_input(a, f.b, f.len, &f.m, 0, &out);
	CHECK_EQ_U(arp_tick(a, 10 * S - 1, &out), 0);
	CHECK_EQ_U(arp_lookup(a, ip, got), ARP_LOOKUP_HIT);
	CHECK_EQ_U(arp_tick(a, 10 * S, &out), 0);
	CHECK_EQ_U(arp_lookup(a, ip, got), ARP_LOOKUP_STALE);
	CHECK(memcmp(got, want, 6) == 0);
	/* Used: still resolves, and one unicast request goes to the known MAC. */
	CHECK_EQ_U(arp_resolve(a, ip, (void *)1, 11 * S, mac, &out), ARP_RESOLVED);
	CHECK(memcmp(mac, want, 6) == 0);
	CHECK_EQ_U(out.n_frames, 1);
	check_request(&out, 0, want, ip);
	CHECK_EQ_U(arp_resolve(a, ip, (void *)2, 11 * S, mac, &out), ARP_RESOLVED);
	CHECK_EQ_U(out.n_frames, 0);
	peer_frame(&f, 2, 70, ip, our_ip[0]);
	arp_input(a, f.b, f.len, &f.m, 11 * S + MS, &out);
	CHECK_EQ_U(arp_lookup(a, ip, got), ARP_LOOKUP_HIT);
	/* ip2 stays unused: gone at 10 s + 20 s. */
	CHECK_EQ_U(arp_tick(a, 30 * S - 1, &out), 0);
	CHECK_EQ_U(arp_lookup(a, ip2, got), ARP_LOOKUP_STALE);
	CHECK_EQ_U(arp_tick(a, 30 * S, &out), 0);
	CHECK_EQ_U(arp_lookup(a, ip2, got), ARP_LOOKUP_MISS);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_EXPIRED), 1);
	/* ip: stale again at 21 s, used, its 16 probes unanswered: removed. */
	CHECK_EQ_U(arp_tick(a, 31 * S, &out), 0);
	CHECK_EQ_U(arp_resolve(a, ip, (void *)3, 31 * S, mac, &out), ARP_RESOLVED);
	for (uint64_t t = 31 * S; t <= 33 * S; t += 100 * MS)
		arp_tick(a, t, &out);
	CHECK_EQ_U(arp_lookup(a, ip, got), ARP_LOOKUP_MISS);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_PROBE_FAILED), 1);
	CHECK_EQ_U(arp_count(a), 0);
	arp_destroy(a);
}

static void test_static(void)
{
	struct arp *a = make(4);
	struct arp_out out;
	struct frame f;
	uint8_t ip[4], mac[6], got[6];

	ip4(ip, 10, 0, 0, 80);
	peer_mac(mac, 80);
	CHECK(arp_add_static(a, our_ip[0], mac) == -EINVAL);
	CHECK(arp_add_static(a, ip, bcast) == -EINVAL);
	CHECK_EQ_U(arp_add_static(a, ip, mac), 0);
	for (int i = 1; i < 10; i++)
		while (arp_tick(a, (uint64_t)i * 100 * S, &out))
			;
	CHECK_EQ_U(arp_lookup(a, ip, got), ARP_LOOKUP_HIT);
	CHECK(memcmp(got, mac, 6) == 0);
	/* A reply claiming it for another MAC changes nothing. */
	peer_frame(&f, 2, 81, ip, our_ip[0]);
	arp_input(a, f.b, f.len, &f.m, 1000 * S, &out);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_IGN_STATIC), 1);
	CHECK_EQ_U(arp_lookup(a, ip, got), ARP_LOOKUP_HIT);
	CHECK(memcmp(got, mac, 6) == 0);
	/* Resolving a pending address with held packets cannot become static under them. */
	ip4(ip, 10, 0, 0, 82);
	CHECK_EQ_U(arp_resolve(a, ip, (void *)1, 0, got, &out), ARP_HELD);
	CHECK(arp_add_static(a, ip, mac) == -EBUSY);
	CHECK_EQ_U(arp_resolve(a, our_ip[2], (void *)1, 0, got, &out), ARP_REFUSED);
	CHECK_EQ_U(arp_counter_get(a, ARP_CNT_RESOLVE_BAD_IP), 1);
	arp_destroy(a);
}

/* More retries due at once than out holds: arp_tick stops and resumes. */
static void test_tick_resumes(void)
{
	struct arp *a = make(64);
	struct arp_out out;
	uint8_t ip[4], mac[6];
	uint32_t frames = 0, calls = 0;

	for (int i = 0; i < 40; i++) {
		ip4(ip, 10, 0, 3, (uint8_t)i + 1);
		CHECK_EQ_U(arp_resolve(a, ip, (void *)(uintptr_t)(i + 1), 0, mac, &out), ARP_HELD);
	}
	do {
		calls++;
		CHECK(calls < 10);
	} while (arp_tick(a, 100 * MS, &out) && (frames += out.n_frames));
	frames += out.n_frames;
	CHECK_EQ_U(frames, 40);
	CHECK_EQ_U(calls, 3);
	/* All 40 fail at once: one destination's packets per call. */
	uint32_t dropped = 0;
	calls = 0;
	for (uint64_t t = 200 * MS; t <= 1600 * MS; t += 100 * MS) {
		while (arp_tick(a, t, &out)) {
			dropped += out.n_pkts;
			calls++;
		}
		dropped += out.n_pkts;
	}
	CHECK_EQ_U(dropped, 40);
	CHECK_EQ_U(arp_count(a), 0);
	CHECK_EQ_U(arp_flush(a, &out), 0);
	arp_destroy(a);
}

/* One writer churns entries (updates, expiry, re-creation in other slots) while readers
 * look them up: a MAC always encodes its IP under a per-update key, so a torn or foreign
 * MAC shows. */
enum { RACE_IPS = 200, RACE_READERS = 3 };

struct race {
	struct arp *a;
	int stop;
	uint64_t hits[RACE_READERS], torn;
};

struct race_reader {
	struct race *r;
	int idx;
};

static void race_ip(uint8_t ip[4], uint32_t i)
{
	ip4(ip, 10, 0, (uint8_t)(i >> 8) + 2, (uint8_t)i);
}

static void *race_read(void *arg)
{
	struct race_reader *rr = arg;
	uint64_t x = 0x9e3779b97f4a7c15ull * (uint64_t)(rr->idx + 1);

	while (!__atomic_load_n(&rr->r->stop, __ATOMIC_ACQUIRE)) {
		uint8_t ip[4], mac[6];

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		race_ip(ip, (uint32_t)(x % RACE_IPS));
		if (arp_lookup(rr->r->a, ip, mac) == ARP_LOOKUP_MISS)
			continue;
		rr->r->hits[rr->idx]++;
		if (mac[0] != 0x02 || mac[2] != (ip[0] ^ mac[1]) || mac[3] != (ip[1] ^ mac[1]) ||
		    mac[4] != (ip[2] ^ mac[1]) || mac[5] != (ip[3] ^ mac[1]))
			__atomic_fetch_add(&rr->r->torn, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void test_concurrent_readers(void)
{
	struct race r = { .a = make(RACE_IPS / 2) };
	struct race_reader rr[RACE_READERS];
	pthread_t th[RACE_READERS];
	struct timespec t0, t1;
	struct arp_out out;
	struct frame f;
	uint64_t now = 0, gen = 0, total = 0;

	for (int i = 0; i < RACE_READERS; i++) {
		rr[i] = (struct race_reader){ &r, i };
		CHECK(pthread_create(&th[i], NULL, race_read, &rr[i]) == 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		/* A round of updates with new MACs from a shifting start, ticks in between (the
		 * older half goes stale and is evicted by the newcomers), and every fourth round
		 * a jump in time that expires everything. */
		for (uint32_t j = 0; j < RACE_IPS; j++, gen++) {
			uint8_t ip[4], mac[6], k = (uint8_t)(gen * 7 + 1);

			race_ip(ip, (uint32_t)((gen / RACE_IPS * 61 + j) % RACE_IPS));
			mac[0] = 0x02;
			mac[1] = k;
			for (int b = 0; b < 4; b++)
				mac[2 + b] = ip[b] ^ k;
			arp_frame(&f, 1, mac, mac, ip, zero6, our_ip[0], 0);
			arp_input(r.a, f.b, f.len, &f.m, now, &out);
			now += 100 * MS;
			if (j % 20 == 0)
				while (arp_tick(r.a, now, &out))
					;
		}
		if (gen / RACE_IPS % 4 == 0)
			now += 60 * S;
		while (arp_tick(r.a, now, &out))
			;
		clock_gettime(CLOCK_MONOTONIC, &t1);
	} while ((t1.tv_sec - t0.tv_sec) * 1000000000ll + (t1.tv_nsec - t0.tv_nsec) < 300000000ll);
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < RACE_READERS; i++) {
		pthread_join(th[i], NULL);
		total += r.hits[i];
	}
	CHECK_EQ_U(r.torn, 0);
	CHECK(total > 1000);
	CHECK(arp_counter_get(r.a, ARP_CNT_EXPIRED) > 0);
	CHECK(arp_counter_get(r.a, ARP_CNT_EVICTED) > 0);
	arp_destroy(r.a);
}

CHECK_MAIN("arp", TEST(test_counter_names), TEST(test_create_invalid), TEST(test_reply_each_ip),
	   TEST(test_learn_from_request), TEST(test_negative_cases), TEST(test_gratuitous),
	   TEST(test_retry_then_drop), TEST(test_release_in_order), TEST(test_table_full),
	   TEST(test_flood), TEST(test_aging), TEST(test_static), TEST(test_tick_resumes),
	   TEST(test_concurrent_readers))
