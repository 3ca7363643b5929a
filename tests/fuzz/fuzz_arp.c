/* libFuzzer target: the ARP state machine driven by a decoded script of operations (raw
 * frames, well-formed frames from a small cast of hosts, resolve, tick with fuzzed time
 * steps, static entries).  Properties: every frame ends in exactly one outcome counter,
 * every frame built is a well-formed ARP frame from us, every held packet comes back once
 * (in order, or from arp_flush at the end), the table never exceeds its capacity.
 * Violations trap so libFuzzer keeps the input.
 *
 * Script: a sequence of [op byte][operands]; op % 5 picks:
 *   0 raw frame:      len byte, then len bytes (metadata from pkt_parse, else a forced
 *                     PKT_L3_ARP at offset 14 + 4 * ((op >> 3) & 3))
 *   1 resolve:        ip byte, flags byte (bit 0: no packet)
 *   2 tick:           two bytes of milliseconds to advance (little endian)
 *   3 static:         ip byte, mac byte
 *   4 cast frame:     op/eth byte, sender ip byte, target ip byte, sha byte, tags byte
 * An ip byte names 10.0.0.(b & 31), or our addresses, 0.0.0.0, broadcast, multicast. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arp.h"
#include "common.h"
#include "pkt.h"

#define REQUIRE(cond)                                                                              \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

#define PKTS_MAX 4096 /* more than one packet per input byte */

static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t our_ips[2][4] = { { 10, 0, 0, 1 }, { 10, 0, 0, 2 } };

struct run {
	struct arp *a;
	uint64_t now;
	uint64_t frames_in;
	uintptr_t next_pkt;	/* ids handed out: 1.. */
	uint8_t held[PKTS_MAX]; /* 1 while the state machine holds the packet */
	uint64_t n_held, dropped;
};

static void ip_of(uint8_t b, uint8_t ip[4])
{
	static const uint8_t special[8][4] = {
		{ 10, 0, 0, 1 },  { 10, 0, 0, 2 },  { 0, 0, 0, 0 },	{ 255, 255, 255, 255 },
		{ 224, 0, 0, 1 }, { 127, 0, 0, 1 }, { 192, 168, 1, 1 }, { 10, 0, 1, 9 },
	};

	if (b & 0x80) {
		memcpy(ip, special[b & 7], 4);
		return;
	}
	ip[0] = 10;
	ip[1] = 0;
	ip[2] = 0;
	ip[3] = (uint8_t)(3 + (b & 31));
}

static void mac_of(uint8_t b, uint8_t mac[6])
{
	static const uint8_t odd[4][6] = {
		{ 0 },
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		{ 0x01, 0, 0x5e, 0, 0, 1 },
		{ 0x02, 0, 0, 0, 0, 0x01 }, /* ours */
	};

	if ((b & 0xc0) == 0xc0) {
		memcpy(mac, odd[b & 3], 6);
		return;
	}
	const uint8_t m[6] = { 0x02, 0xaa, 0, 0, 0, (uint8_t)(b & 0x3f) };
	memcpy(mac, m, 6);
}

/* Every frame the state machine builds: an ARP frame from us that pkt_parse accepts. */
static void check_frames(const struct arp_out *out)
{
	REQUIRE(out->n_frames <= ARP_OUT_FRAMES);
	for (uint32_t i = 0; i < out->n_frames; i++) {
		const uint8_t *f = out->frame[i];
		struct pkt_meta m;

		REQUIRE(pkt_parse(f, ARP_FRAME_LEN, &m) == DROP_NONE);
		REQUIRE(m.l3 == PKT_L3_ARP);
		REQUIRE(memcmp(f + 6, our_mac, 6) == 0);
		REQUIRE(memcmp(f + m.l3_off + 8, our_mac, 6) == 0);
		REQUIRE(memcmp(f + m.l3_off + 14, our_ips[0], 4) == 0 ||
			memcmp(f + m.l3_off + 14, our_ips[1], 4) == 0);
	}
}

/* Packets handed back: each was held, once, and one destination's come oldest first. */
static void check_pkts(struct run *r, const struct arp_out *out)
{
	uintptr_t last = 0;

	REQUIRE(out->n_pkts <= ARP_HOLD_MAX);
	REQUIRE((out->n_pkts == 0) == (out->fate == ARP_PKTS_NONE));
	for (uint32_t i = 0; i < out->n_pkts; i++) {
		uintptr_t id = (uintptr_t)out->pkt[i];

		REQUIRE(id > last && id < PKTS_MAX && r->held[id]);
		r->held[id] = 0;
		r->n_held--;
		last = id;
	}
	if (out->fate == ARP_PKTS_DROP)
		r->dropped += out->n_pkts;
	if (out->fate == ARP_PKTS_SEND)
		REQUIRE(!(out->mac[0] & 1));
}

static void check_out(struct run *r, const struct arp_out *out)
{
	check_frames(out);
	check_pkts(r, out);
	REQUIRE(arp_count(r->a) <= 8);
}

static void do_input(struct run *r, const uint8_t *f, uint32_t len, const struct pkt_meta *m)
{
	struct arp_out out;
	uint64_t sum = 0;

	arp_input(r->a, f, len, m, r->now, &out);
	r->frames_in++;
	for (int c = 0; c < ARP_CNT_RX_END; c++)
		sum += arp_counter_get(r->a, c);
	REQUIRE(sum == r->frames_in);
	REQUIRE(out.n_frames <= 1);
	REQUIRE(out.fate != ARP_PKTS_DROP);
	check_out(r, &out);
}

static size_t op_raw(struct run *r, uint8_t op, const uint8_t *d, size_t n)
{
	uint8_t f[256];
	struct pkt_meta m;
	size_t len;

	if (n < 1)
		return n;
	len = MIN((size_t)d[0], n - 1);
	memcpy(f, d + 1, len);
	if (pkt_parse(f, (uint32_t)len, &m) != DROP_NONE)
		m = (struct pkt_meta){ .l3 = PKT_L3_ARP, .l3_off = 14 + 4 * ((op >> 3) & 3) };
	do_input(r, f, (uint32_t)len, &m);
	return 1 + len;
}

static size_t op_cast(struct run *r, const uint8_t *d, size_t n)
{
	uint8_t f[64] = { 0 }, sha[6], eth[6], spa[4], tpa[4], *h;
	struct pkt_meta m;
	unsigned int tags;

	if (n < 5)
		return n;
	ip_of(d[1], spa);
	ip_of(d[2], tpa);
	mac_of(d[3], sha);
	/* op bit 0: request/reply; bit 1: Ethernet source differs; bit 2: gratuitous. */
	memcpy(eth, sha, 6);
	if (d[0] & 2)
		eth[5] ^= 0x40;
	if (d[0] & 4)
		memcpy(tpa, spa, 4);
	tags = d[4] % 3;
	memset(f, 0xff, 6);
	memcpy(f + 6, eth, 6);
	for (unsigned int i = 0; i < tags; i++) {
		f[12 + 4 * i] = 0x81;
		f[15 + 4 * i] = (uint8_t)i;
	}
	f[12 + 4 * tags] = 0x08;
	f[13 + 4 * tags] = 0x06;
	h = f + 14 + 4 * tags;
	const uint8_t hdr[8] = { 0, 1, 8, 0, 6, 4, 0, (uint8_t)(1 + (d[0] & 1)) };
	memcpy(h, hdr, 8);
	memcpy(h + 8, sha, 6);
	memcpy(h + 14, spa, 4);
	memcpy(h + 24, tpa, 4);
	REQUIRE(pkt_parse(f, 60, &m) == DROP_NONE && m.l3 == PKT_L3_ARP);
	do_input(r, f, 60, &m);
	return 5;
}

static size_t op_resolve(struct run *r, const uint8_t *d, size_t n)
{
	struct arp_out out;
	uint8_t ip[4], mac[6];
	uintptr_t id = 0;
	enum arp_resolve_result res;

	if (n < 2)
		return n;
	ip_of(d[0], ip);
	if (!(d[1] & 1) && r->next_pkt + 1 < PKTS_MAX)
		id = ++r->next_pkt;
	res = arp_resolve(r->a, ip, (void *)id, r->now, mac, &out);
	REQUIRE(res == ARP_RESOLVED || res == ARP_HELD || res == ARP_REFUSED);
	REQUIRE(out.n_frames <= 1 && out.n_pkts == 0);
	if (res == ARP_RESOLVED)
		REQUIRE(!(mac[0] & 1) && arp_lookup(r->a, ip, mac) != ARP_LOOKUP_MISS);
	if (res == ARP_HELD && id) {
		r->held[id] = 1;
		r->n_held++;
	}
	check_out(r, &out);
	return 2;
}

static size_t op_tick(struct run *r, const uint8_t *d, size_t n)
{
	struct arp_out out;
	int more, calls = 0;

	if (n < 2)
		return n;
	r->now += (uint64_t)(d[0] | d[1] << 8) * 1000000ull;
	do {
		more = arp_tick(r->a, r->now, &out);
		check_out(r, &out);
		REQUIRE(++calls <= 16); /* 8 entries: at most one stop each */
	} while (more);
	return 2;
}

static size_t op_static(struct run *r, const uint8_t *d, size_t n)
{
	uint8_t ip[4], mac[6], got[6];
	int err;

	if (n < 2)
		return n;
	ip_of(d[0], ip);
	mac_of(d[1], mac);
	err = arp_add_static(r->a, ip, mac);
	REQUIRE(err == 0 || err == -EINVAL || err == -EBUSY || err == -ENOSPC);
	if (!err)
		REQUIRE(arp_lookup(r->a, ip, got) == ARP_LOOKUP_HIT && memcmp(got, mac, 6) == 0);
	return 2;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run r; /* large; reset below */
	struct arp_params p;
	struct arp_out out;
	size_t i = 0;

	memset(&r, 0, sizeof(r));
	arp_params_default(&p);
	memcpy(p.mac, our_mac, 6);
	p.n_addrs = 2;
	memcpy(p.addrs[0].ip, our_ips[0], 4);
	memcpy(p.addrs[1].ip, our_ips[1], 4);
	p.addrs[0].prefix_len = p.addrs[1].prefix_len = 24;
	p.capacity = 8;
	p.hold_len = 3;
	p.retry_limit = 3;
	p.retry_ns = 10000000ull;
	p.reachable_ns = 100000000ull;
	p.stale_ns = 200000000ull;
	REQUIRE(arp_create(&r.a, &p) == 0);

	while (i < size) {
		uint8_t op = data[i++];
		const uint8_t *d = data + i;
		size_t n = size - i;

		switch (op % 5) {
		case 0:
			i += op_raw(&r, op, d, n);
			break;
		case 1:
			i += op_resolve(&r, d, n);
			break;
		case 2:
			i += op_tick(&r, d, n);
			break;
		case 3:
			i += op_static(&r, d, n);
			break;
		default:
			i += op_cast(&r, d, n);
			break;
		}
	}
	while (arp_flush(r.a, &out))
		check_out(&r, &out);
	REQUIRE(r.n_held == 0);
	REQUIRE(arp_counter_get(r.a, ARP_CNT_HELD_DROPPED) == r.dropped);
	arp_destroy(r.a);
	return 0;
}
