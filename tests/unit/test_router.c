/* IPv4 router core (router.c): forwarding by longest prefix (connected subnets, configured
 * routes, default route) with TTL and checksum checked against a full recompute by an RFC 1071
 * reference sum written here; every drop reason with its precondition; ICMP time-exceeded and
 * destination-unreachable errors field by field (header, quote, padding, VLAN tags, next hop);
 * the per-worker token bucket on a fake clock; router_create's errors and 1024 random routes
 * against a naive longest-prefix reference.  Frames are built by hand here. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "common.h"
#include "config.h"
#include "pkt.h"
#include "router.h"
#include "xorshift.h"
#include "ref_net.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define BUF	       2048
#define FILL	       0xee /* what the buffer holds past the datagram: Ethernet padding */
#define T0	       5000000000ull

/* ---- helpers written independently of the code under test -------------------------------- */

/* One IPv4 datagram in an Ethernet frame. */
struct hdr {
	uint32_t src, dst;
	uint8_t ttl, proto, tos;
	uint8_t ihl;	  /* 32-bit words, 5..15; options are opt_byte (NOPs by default) */
	uint8_t opt_byte; /* 0: random option bytes */
	uint8_t vlans;	  /* 0..2 */
	uint8_t icmp_type;
	uint16_t id, frag; /* frag: flags and offset field as on the wire */
	uint16_t payload;  /* bytes after the IPv4 header */
};

static struct hdr hdr_default(uint32_t dst)
{
	return (struct hdr){ .src = IP(10, 0, 0, 9),
			     .dst = dst,
			     .ttl = 64,
			     .proto = 17,
			     .ihl = 5,
			     .opt_byte = 1,
			     .icmp_type = 8,
			     .id = 0x1234,
			     .payload = 30 };
}

static uint16_t l3_off_of(const struct hdr *h)
{
	return (uint16_t)(14 + 4 * h->vlans);
}

/* Writes the frame into f (BUF bytes, FILL past the datagram), checksums right; returns its
 * length: the datagram, padded to 60 bytes when shorter. */
static uint16_t build(uint8_t *f, const struct hdr *h)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
	uint16_t l3 = l3_off_of(h), ihl = (uint16_t)(h->ihl * 4),
		 tot = (uint16_t)(ihl + h->payload);
	uint8_t *ip = f + l3, *l4 = ip + ihl;
	uint16_t len = (uint16_t)(l3 + tot);

	memset(f, FILL, BUF);
	memcpy(f, macs, 12);
	if (h->vlans == 2) {
		put16(f + 12, 0x88a8);
		put16(f + 14, 100);
		put16(f + 16, 0x8100);
		put16(f + 18, 101);
	} else if (h->vlans == 1) {
		put16(f + 12, 0x8100);
		put16(f + 14, 100);
	}
	put16(f + l3 - 2, 0x0800);
	ip[0] = (uint8_t)(0x40 | h->ihl);
	ip[1] = h->tos;
	put16(ip + 2, tot);
	put16(ip + 4, h->id);
	put16(ip + 6, h->frag);
	ip[8] = h->ttl;
	ip[9] = h->proto;
	ip[10] = ip[11] = 0;
	put32(ip + 12, h->src);
	put32(ip + 16, h->dst);
	for (unsigned i = 20; i < ihl; i++)
		ip[i] = h->opt_byte ? h->opt_byte : (uint8_t)(rng() >> 56);
	for (unsigned i = 0; i < h->payload; i++)
		l4[i] = (uint8_t)(i * 7 + 3);
	if (!(h->frag & 0x1fff) && h->proto == 17 && h->payload >= 8) {
		put16(l4, 1234);
		put16(l4 + 2, 53);
		put16(l4 + 4, h->payload);
		put16(l4 + 6, 0);
	} else if (!(h->frag & 0x1fff) && h->proto == 1 && h->payload >= 4) {
		l4[0] = h->icmp_type;
		l4[1] = 0;
		l4[2] = l4[3] = 0;
		put16(l4 + 2, ref_csum(l4, h->payload));
	}
	put16(ip + 10, ref_csum(ip, ihl));
	return len < 60 ? 60 : len;
}

/* ---- routers ----------------------------------------------------------------------------- */

static struct dp_config cfg; /* large (4096 routes): not on the stack */

/* Ours: 10.0.0.2/24, 172.16.0.1/16, 192.168.7.1/32.  Routes: 10.3.0.0/16 via 10.0.0.5,
 * 10.3.5.0/24 via 10.0.0.6, 10.3.5.7/32 via 172.16.9.9, 10.0.0.0/24 (connected, configured
 * again) via 172.16.0.254, and with_default 0.0.0.0/0 via 10.0.0.1. */
static void std_config(int with_default, uint32_t icmp_rate)
{
	static const struct dp_route routes[] = {
		{ { 10, 3, 0, 0 }, 16, { 10, 0, 0, 5 } },
		{ { 10, 3, 5, 0 }, 24, { 10, 0, 0, 6 } },
		{ { 10, 3, 5, 7 }, 32, { 172, 16, 9, 9 } },
		{ { 10, 0, 0, 0 }, 24, { 172, 16, 0, 254 } },
		{ { 0, 0, 0, 0 }, 0, { 10, 0, 0, 1 } },
	};
	static const struct dp_addr addrs[] = { { { 10, 0, 0, 2 }, 24 },
						{ { 172, 16, 0, 1 }, 16 },
						{ { 192, 168, 7, 1 }, 32 } };

	memset(&cfg, 0, sizeof(cfg));
	config_set_defaults(&cfg);
	snprintf(cfg.app.name, sizeof(cfg.app.name), "router");
	memcpy(cfg.addrs, addrs, sizeof(addrs));
	cfg.n_addrs = 3;
	memcpy(cfg.app.routes, routes, sizeof(routes));
	cfg.app.n_routes = with_default ? 5 : 4;
	cfg.app.icmp_rate = icmp_rate;
}

static struct router *new_router(int with_default, uint32_t icmp_rate)
{
	struct router *r = NULL;
	char err[256] = "";

	std_config(with_default, icmp_rate);
	CHECK_EQ_U(router_create(&r, &cfg, err, sizeof(err)), 0);
	if (!r)
		fprintf(stderr, "  router_create: %s\n", err);
	return r;
}

struct out {
	enum router_action act;
	enum drop_reason why;
	uint32_t nh;
	uint16_t len;
};

static const char *act_name(enum router_action a)
{
	return a == ROUTER_FORWARD ? "forward" : a == ROUTER_ICMP_ERROR ? "icmp_error" : "drop";
}

/* pkt_parse, then router_process on f; len is the frame's length. */
static struct out run(const struct router *r, struct router_bucket *b, uint8_t *f, uint16_t len,
		      uint64_t now)
{
	struct pkt_meta m;
	struct out o = { .why = DROP_NONE, .len = len };
	uint8_t nh[4] = { 0xaa, 0xaa, 0xaa, 0xaa };
	enum drop_reason pr = pkt_parse(f, len, &m);

	if (pr != DROP_NONE) {
		fprintf(stderr, "  test frame does not parse: %s\n", drop_reason_name(pr));
		o.act = (enum router_action) - 1;
		return o;
	}
	o.act = router_process(r, b, f, &o.len, &m, now, nh, &o.why);
	o.nh = be32(nh);
	return o;
}

/* The frame is dropped for `want` and left exactly as it was. */
static int expect_drop(const struct router *r, uint8_t *f, uint16_t len, enum drop_reason want,
		       const char *what)
{
	static uint8_t orig[BUF];
	struct router_bucket b;
	struct out o;

	memcpy(orig, f, BUF);
	router_bucket_init(&b, T0);
	o = run(r, &b, f, len, T0);
	if (o.act == ROUTER_DROP && o.why == want && o.len == len && !memcmp(f, orig, BUF))
		return 1;
	fprintf(stderr, "  %s: want drop %s, got %s %s, len %u -> %u, frame %s\n", what,
		drop_reason_name(want), act_name(o.act), drop_reason_name(o.why), len, o.len,
		memcmp(f, orig, BUF) ? "changed" : "unchanged");
	return 0;
}

/* f (len bytes, IPv4 at l3 with an ihl-byte header) is forwarded to want_nh: TTL - 1, the
 * checksum equals a full recompute, nothing else changed. */
static int forward_ok(const struct router *r, uint8_t *f, uint16_t len, uint16_t l3, uint16_t ihl,
		      uint32_t want_nh)
{
	static uint8_t orig[BUF], want[BUF];
	uint8_t *ip = f + l3;
	struct router_bucket b;
	struct out o;
	int ok;

	memcpy(orig, f, BUF);
	router_bucket_init(&b, T0);
	o = run(r, &b, f, len, T0);
	/* what the frame must be: the original with TTL - 1 and a checksum computed afresh */
	memcpy(want, orig, BUF);
	want[l3 + 8]--;
	want[l3 + 10] = want[l3 + 11] = 0;
	put16(want + l3 + 10, ref_csum(want + l3, ihl));
	ok = o.act == ROUTER_FORWARD && o.nh == want_nh && o.len == len &&
	     ip[8] == (uint8_t)(orig[l3 + 8] - 1) && ref_csum(ip, ihl) == 0 &&
	     !memcmp(f, want, BUF);
	if (!ok)
		fprintf(stderr,
			"  %08x -> %08x ttl %u ihl %u csum %04x: want forward to %08x, got %s %s "
			"nh %08x, len %u -> %u, ttl %u, csum %04x (recomputed %04x)%s\n",
			be32(orig + l3 + 12), be32(orig + l3 + 16), orig[l3 + 8], ihl,
			be16(orig + l3 + 10), want_nh, act_name(o.act), drop_reason_name(o.why),
			o.nh, len, o.len, ip[8], be16(ip + 10), be16(want + l3 + 10),
			memcmp(f, want, BUF) ? ", frame differs" : "");
	return ok;
}

static int expect_forward(const struct router *r, uint8_t *f, const struct hdr *h, uint32_t want_nh)
{
	uint16_t len = build(f, h);

	return forward_ok(r, f, len, l3_off_of(h), (uint16_t)(h->ihl * 4), want_nh);
}

/* f (built from h, orig its copy before router_process) is now an ICMP error of `type` from
 * our address `from` to h's source, sent to nexthop want_nh: checks every byte. */
static int check_error(const uint8_t *orig, const uint8_t *f, const struct hdr *h, struct out o,
		       uint8_t type, uint32_t from, uint32_t want_nh)
{
	uint16_t l3 = l3_off_of(h), ihl = (uint16_t)(h->ihl * 4),
		 tot = (uint16_t)(ihl + h->payload);
	uint16_t quote = MIN((uint16_t)(ihl + 8), tot), end = (uint16_t)(l3 + 28 + quote);
	const uint8_t *ip = f + l3, *ic = ip + 20;
	int bad = check_failed_in_test;
	struct pkt_meta m;

	CHECK_EQ_U(o.act, ROUTER_ICMP_ERROR);
	if (o.act != ROUTER_ICMP_ERROR) {
		fprintf(stderr, "  got %s %s\n", act_name(o.act), drop_reason_name(o.why));
		return 0;
	}
	CHECK_EQ_U(o.nh, want_nh);
	CHECK_EQ_U(o.len, end < 60 ? 60 : end);
	CHECK(memcmp(f, orig, l3) == 0); /* MACs, tags, ethertype */
	CHECK_EQ_U(ip[0], 0x45);
	CHECK_EQ_U(ip[1], 0xc0);
	CHECK_EQ_U(be16(ip + 2), 28 + quote);
	CHECK_EQ_U(be16(ip + 4), 0);
	CHECK_EQ_U(be16(ip + 6), 0);
	CHECK_EQ_U(ip[8], ROUTER_ICMP_TTL);
	CHECK_EQ_U(ip[8], 64);
	CHECK_EQ_U(ip[9], 1);
	CHECK_EQ_U(ref_csum(ip, 20), 0);
	CHECK_EQ_U(be32(ip + 12), from);
	CHECK_EQ_U(be32(ip + 16), h->src);
	CHECK_EQ_U(ic[0], type);
	CHECK_EQ_U(ic[1], 0);
	CHECK_EQ_U(be32(ic + 4), 0);
	CHECK_EQ_U(ref_csum(ic, 8u + quote), 0);
	CHECK(memcmp(ic + 8, orig + l3, quote) == 0);
	for (unsigned i = end; i < o.len; i++)
		if (f[i]) {
			fprintf(stderr, "  padding byte %u is 0x%02x\n", i, f[i]);
			CHECK(f[i] == 0);
			break;
		}
	CHECK_EQ_U(pkt_parse(f, o.len, &m), DROP_NONE);
	CHECK_EQ_U(m.l3, PKT_L3_IPV4);
	CHECK_EQ_U(m.l3_off, l3);
	CHECK_EQ_U(m.vlans, h->vlans);
	CHECK_EQ_U(m.l4_proto, 1);
	CHECK_EQ_U(m.l3_len, 28 + quote);
	if (check_failed_in_test != bad)
		fprintf(stderr, "  (error for %08x -> %08x ttl %u ihl %u payload %u vlans %u)\n",
			h->src, h->dst, h->ttl, h->ihl, h->payload, h->vlans);
	return check_failed_in_test == bad;
}

/* Builds h, runs it with a full bucket and checks the ICMP error. */
static int expect_error(const struct router *r, uint8_t *f, const struct hdr *h, uint8_t type,
			uint32_t from, uint32_t want_nh)
{
	static uint8_t orig[BUF];
	uint16_t len = build(f, h);
	struct router_bucket b;

	memcpy(orig, f, BUF);
	router_bucket_init(&b, T0);
	return check_error(orig, f, h, run(r, &b, f, len, T0), type, from, want_nh);
}

/* ---- forwarding -------------------------------------------------------------------------- */

static void t_forward_connected(void)
{
	struct router *r = new_router(1, 1000);
	static uint8_t f[BUF];
	struct hdr h;

	if (!r)
		return;
	/* the next hop of a connected destination is the destination itself */
	for (uint32_t d = IP(10, 0, 0, 1); d <= IP(10, 0, 0, 254); d++) {
		if (d == IP(10, 0, 0, 2) || d == IP(10, 0, 0, 9))
			continue;
		h = hdr_default(d);
		CHECK(expect_forward(r, f, &h, d));
	}
	h = hdr_default(IP(172, 16, 200, 3));
	CHECK(expect_forward(r, f, &h, IP(172, 16, 200, 3)));
	h = hdr_default(IP(172, 16, 0, 2));
	h.src = IP(8, 8, 8, 8); /* from outside, through the default route */
	CHECK(expect_forward(r, f, &h, IP(172, 16, 0, 2)));
	/* 10.0.0.0/24 is also configured via 172.16.0.254: connected still wins */
	h = hdr_default(IP(10, 0, 0, 200));
	h.src = IP(172, 16, 1, 1);
	CHECK(expect_forward(r, f, &h, IP(10, 0, 0, 200)));
	router_free(r);
}

static void t_forward_route_via(void)
{
	struct router *r = new_router(0, 1000);
	static uint8_t f[BUF];
	struct hdr h;

	if (!r)
		return;
	h = hdr_default(IP(10, 3, 1, 1));
	CHECK(expect_forward(r, f, &h, IP(10, 0, 0, 5)));
	h = hdr_default(IP(10, 3, 255, 254));
	h.src = IP(172, 16, 4, 4);
	h.proto = 1;
	CHECK(expect_forward(r, f, &h, IP(10, 0, 0, 5)));
	router_free(r);
}

static void t_forward_longest_prefix(void)
{
	static const struct {
		uint32_t dst, nh;
	} cases[] = {
		{ IP(10, 3, 0, 1), IP(10, 0, 0, 5) },	   /* /16 */
		{ IP(10, 3, 4, 255), IP(10, 0, 0, 5) },	   /* just below the /24 */
		{ IP(10, 3, 5, 1), IP(10, 0, 0, 6) },	   /* /24 */
		{ IP(10, 3, 5, 6), IP(10, 0, 0, 6) },	   /* just below the /32 */
		{ IP(10, 3, 5, 7), IP(172, 16, 9, 9) },	   /* /32 */
		{ IP(10, 3, 5, 8), IP(10, 0, 0, 6) },	   /* just above it */
		{ IP(10, 3, 5, 254), IP(10, 0, 0, 6) },	   /* last host of the /24 */
		{ IP(10, 3, 6, 0), IP(10, 0, 0, 5) },	   /* just above the /24 */
		{ IP(10, 3, 255, 255), IP(10, 0, 0, 5) },  /* last of the /16 */
		{ IP(10, 4, 0, 0), IP(10, 0, 0, 1) },	   /* past the /16: default */
		{ IP(10, 2, 255, 255), IP(10, 0, 0, 1) },  /* before it: default */
		{ IP(192, 168, 7, 2), IP(10, 0, 0, 1) },   /* next to our /32: default */
		{ IP(192, 168, 7, 255), IP(10, 0, 0, 1) }, /* /32: no broadcast address */
		{ IP(192, 168, 7, 0), IP(10, 0, 0, 1) },   /* nor a network address */
	};
	struct router *r = new_router(1, 1000);
	static uint8_t f[BUF];

	if (!r)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct hdr h = hdr_default(cases[i].dst);
		CHECK(expect_forward(r, f, &h, cases[i].nh));
	}
	router_free(r);
}

static void t_forward_default_route(void)
{
	static const uint32_t dsts[] = { IP(8, 8, 8, 8),	 IP(1, 0, 0, 0),
					 IP(223, 255, 255, 255), IP(11, 0, 0, 1),
					 IP(126, 255, 255, 255), IP(128, 0, 0, 1) };
	struct router *r = new_router(1, 1000), *nodef = new_router(0, 1000);
	static uint8_t f[BUF];

	if (!r || !nodef)
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(dsts); i++) {
		struct hdr h = hdr_default(dsts[i]);
		CHECK(expect_forward(r, f, &h, IP(10, 0, 0, 1)));
		/* the same without the default route: no route */
		CHECK(expect_error(nodef, f, &h, 3, IP(10, 0, 0, 2), IP(10, 0, 0, 9)));
	}
out:
	router_free(r);
	router_free(nodef);
}

/* Sets the id field so the header checksum field holds `want`; want 0xffff stands for the
 * other form of zero (the sum of the rest is ~0 mod 0xffff: the computed checksum is 0x0000,
 * 0xffff verifies too).  Returns 0 when the combination cannot be made. */
static int set_csum_to(uint8_t *ip, unsigned ihl, uint16_t want)
{
	uint32_t s;

	put16(ip + 4, 0);
	ip[10] = ip[11] = 0;
	s = (uint16_t)~ref_csum(ip, ihl); /* ones' sum of the rest, folded: 1..0xffff */
	/* need s + id + want == 0xffff (mod 0xffff, ones' complement) */
	s += want;
	s = (s & 0xffff) + (s >> 16);
	put16(ip + 4, (uint16_t)~s);
	put16(ip + 10, want);
	return ref_csum(ip, ihl) == 0;
}

/* A few thousand random headers (IHL 5..15 with random options, random TOS, id, fragment
 * fields, protocol and TTL 2..255, checksums of every shape): TTL - 1, the checksum equals a
 * full recompute, every other byte stays. */
static void t_forward_ttl_checksum_random(void)
{
	static const uint16_t shapes[] = { 0x0000, 0xffff, 0x0001, 0x00ff, 0x0100,
					   0x0101, 0xfeff, 0xfffe, 0x8000, 0x7fff };
	static const uint8_t protos[] = { 17, 1, 47, 50, 132, 0, 255, 17 };
	struct router *r = new_router(1, 1000);
	static uint8_t f[BUF];
	unsigned shaped = 0, bad = 0;

	if (!r)
		return;
	rng_state = 0x1234567887654321ull;
	for (unsigned it = 0; it < 5000; it++) {
		struct hdr h = hdr_default(IP(10, 3, 5, 9));
		uint64_t x = rng();
		uint32_t want;
		uint16_t len;

		h.vlans = (uint8_t)(x % 3);
		h.ihl = (uint8_t)(5 + (x >> 8) % 11);
		h.opt_byte = 0;
		h.tos = (uint8_t)(x >> 16);
		h.ttl = it == 0 ? 2 : it == 1 ? 255 : (uint8_t)(2 + (x >> 24) % 254);
		h.proto = protos[(x >> 32) % ARRAY_SIZE(protos)];
		h.icmp_type = (uint8_t)(x >> 40);
		h.frag = (x >> 48) % 4 == 0   ? (uint16_t)(rng() & 0x3fff)
			 : (x >> 48) % 4 == 1 ? 0x4000
					      : 0;
		h.payload = (uint16_t)((x >> 52) % 200);
		if (h.proto == 17 && h.payload < 8)
			h.payload += 8; /* a UDP header, or pkt_parse refuses the frame */
		h.src = IP(10, 0, 0, 3 + (uint32_t)(rng() % 250));
		/* destinations under each route */
		switch (it % 5) {
		case 0:
			h.dst = IP(10, 3, 5, 7), want = IP(172, 16, 9, 9);
			break;
		case 1:
			h.dst = IP(10, 3, 5, 10 + (uint32_t)(rng() % 200)), want = IP(10, 0, 0, 6);
			break;
		case 2:
			h.dst = IP(10, 3, 6 + (uint32_t)(rng() % 200), 1), want = IP(10, 0, 0, 5);
			break;
		case 3:
			h.dst = IP(172, 16, 1 + (uint32_t)(rng() % 200), 7), want = h.dst;
			break;
		default:
			h.dst = IP(20 + (uint32_t)(rng() % 100), (uint32_t)rng() & 0xff, 1, 1);
			want = IP(10, 0, 0, 1);
			break;
		}
		len = build(f, &h);
		if (it % 2 == 0) {
			/* the id chosen so the checksum field holds one of the edge values */
			shaped += set_csum_to(f + l3_off_of(&h), h.ihl * 4u,
					      shapes[(it / 2) % ARRAY_SIZE(shapes)]);
		}
		if (ref_csum(f + l3_off_of(&h), h.ihl * 4u) != 0) {
			fprintf(stderr, "  it %u: test header checksum wrong\n", it);
			bad++;
			continue;
		}
		if (!forward_ok(r, f, len, l3_off_of(&h), (uint16_t)(h.ihl * 4), want) && bad++ > 5)
			break;
	}
	CHECK_EQ_U(bad, 0);
	CHECK(shaped > 2000); /* the edge shapes were made, not skipped */
	router_free(r);
}

/* ---- drops ------------------------------------------------------------------------------- */

static void t_drop_not_ipv4(void)
{
	static const uint8_t arp[] = { 2,  0, 0, 0, 0, 2, 2, 0, 0, 0, 0,  1, 0x08, 0x06,
				       0,  1, 8, 0, 6, 4, 0, 1, 2, 0, 0,  0, 0,	   1,
				       10, 0, 0, 9, 0, 0, 0, 0, 0, 0, 10, 3, 1,	   1 };
	static const uint8_t lldp[] = { 1, 0x80, 0xc2, 0, 0, 0xe, 2, 0, 0, 0, 0, 1, 0x88, 0xcc,
					2, 7,	 4,    2, 0, 0,	  0, 0, 0, 0, 0, 0, 0,	  0 };
	struct router *r = new_router(1, 1000);
	static uint8_t f[BUF];
	struct pkt_meta m;

	if (!r)
		return;
	memset(f, FILL, BUF);
	memcpy(f, arp, sizeof(arp));
	CHECK(pkt_parse(f, 60, &m) == DROP_NONE && m.l3 == PKT_L3_ARP);
	CHECK(expect_drop(r, f, 60, DROP_ROUTER_NOT_IPV4, "arp"));
	/* IPv6 UDP 2001:db8::1 -> 2001:db8::2, 8 bytes of payload: 14 + 40 + 8 */
	memset(f, 0, BUF);
	memcpy(f, arp, 12);
	put16(f + 12, 0x86dd);
	f[14] = 0x60;
	put16(f + 14 + 4, 8);
	f[14 + 6] = 17;
	f[14 + 7] = 64;
	put32(f + 14 + 8, 0x20010db8);
	f[14 + 23] = 1;
	put32(f + 14 + 24, 0x20010db8);
	f[14 + 39] = 2;
	put16(f + 54, 1234);
	put16(f + 56, 53);
	put16(f + 58, 8);
	CHECK(pkt_parse(f, 62, &m) == DROP_NONE && m.l3 == PKT_L3_IPV6);
	CHECK(expect_drop(r, f, 62, DROP_ROUTER_NOT_IPV4, "ipv6"));
	memset(f, FILL, BUF);
	memcpy(f, lldp, sizeof(lldp));
	CHECK(pkt_parse(f, 60, &m) == DROP_NONE && m.l3 == PKT_L3_OTHER);
	CHECK(expect_drop(r, f, 60, DROP_ROUTER_NOT_IPV4, "lldp"));
	router_free(r);
}

static void t_drop_bad_checksum(void)
{
	struct router *r = new_router(1, 1000);
	static uint8_t f[BUF];
	struct hdr h = hdr_default(IP(10, 3, 1, 1));
	uint16_t len;

	if (!r)
		return;
	/* every single-bit error in the checksum field, and in the TTL */
	for (unsigned bit = 0; bit < 16; bit++) {
		len = build(f, &h);
		f[14 + 10 + bit / 8] ^= (uint8_t)(1u << bit % 8);
		CHECK(expect_drop(r, f, len, DROP_IPV4_BAD_CHECKSUM, "checksum bit"));
	}
	len = build(f, &h);
	f[14 + 8]--; /* TTL decremented without the checksum: as a buggy router upstream */
	CHECK(expect_drop(r, f, len, DROP_IPV4_BAD_CHECKSUM, "stale ttl"));
	/* the checksum covers the options, and a bad one wins over TTL 1 and no route */
	h.ihl = 15;
	len = build(f, &h);
	f[14 + 59] ^= 0x40;
	CHECK(expect_drop(r, f, len, DROP_IPV4_BAD_CHECKSUM, "last option byte"));
	h = hdr_default(IP(10, 3, 1, 1));
	h.ttl = 1;
	h.vlans = 2;
	len = build(f, &h);
	f[22 + 11] ^= 1;
	CHECK(expect_drop(r, f, len, DROP_IPV4_BAD_CHECKSUM, "ttl 1, qinq"));
	/* the payload is not the router's business: a corrupt UDP body still forwards */
	h = hdr_default(IP(10, 3, 1, 1));
	len = build(f, &h);
	f[14 + 20 + 12] ^= 0xff;
	CHECK(forward_ok(r, f, len, 14, 20, IP(10, 0, 0, 5)));
	router_free(r);
}

static void t_drop_local(void)
{
	static const uint32_t ours[] = { IP(10, 0, 0, 2), IP(172, 16, 0, 1), IP(192, 168, 7, 1) };
	struct router *r = new_router(1, 1000);
	static uint8_t f[BUF];

	if (!r)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(ours); i++) {
		struct hdr h = hdr_default(ours[i]);
		CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_LOCAL, "ours"));
		h.ttl = 1; /* for us: no time-exceeded */
		CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_LOCAL, "ours, ttl 1"));
		h.proto = 1; /* ping: icmp.c's, not the router's */
		CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_LOCAL, "ping to us"));
	}
	router_free(r);
}

static void t_drop_not_unicast(void)
{
	static const uint32_t dsts[] = {
		IP(224, 0, 0, 5), IP(239, 255, 255, 250), IP(255, 255, 255, 255),
		IP(240, 0, 0, 1), IP(0, 0, 0, 0),	  IP(0, 1, 2, 3),
		IP(127, 0, 0, 1), IP(127, 255, 0, 9),	  IP(10, 0, 0, 255), /* directed bcast */
		IP(10, 0, 0, 0),  IP(172, 16, 255, 255),  IP(172, 16, 0, 0),
		IP(231, 1, 2, 3), IP(254, 0, 0, 1),
	};
	struct router *r = new_router(1, 1000);
	static uint8_t f[BUF];

	if (!r)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(dsts); i++) {
		struct hdr h = hdr_default(dsts[i]);
		CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_NOT_UNICAST, "dst"));
		h.ttl = 1; /* no error about it either */
		CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_NOT_UNICAST, "dst, ttl 1"));
	}
	router_free(r);

	/* a /30 has a network and a broadcast address; a /31 (RFC 3021) and a /32 have none */
	std_config(0, 1000);
	cfg.addrs[1] = (struct dp_addr){ { 192, 0, 2, 1 }, 30 };
	cfg.addrs[2] = (struct dp_addr){ { 198, 51, 100, 0 }, 31 };
	r = NULL;
	CHECK_EQ_U(router_create(&r, &cfg, (char[64]){ 0 }, 64), 0);
	if (!r)
		return;
	struct hdr h = hdr_default(IP(192, 0, 2, 3));
	CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_NOT_UNICAST, "/30 broadcast"));
	h.dst = IP(192, 0, 2, 0);
	CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_NOT_UNICAST, "/30 network"));
	h.dst = IP(192, 0, 2, 2);
	CHECK(expect_forward(r, f, &h, IP(192, 0, 2, 2)));
	h.dst = IP(198, 51, 100, 1);
	CHECK(expect_forward(r, f, &h, IP(198, 51, 100, 1)));
	h.src = IP(198, 51, 100, 1);
	h.dst = IP(192, 0, 2, 2);
	CHECK(expect_forward(r, f, &h, IP(192, 0, 2, 2)));
	h.src = IP(192, 0, 2, 3);
	CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_BAD_SRC, "/30 broadcast src"));
	router_free(r);
}

static void t_drop_bad_src(void)
{
	static const uint32_t srcs[] = {
		IP(224, 0, 0, 1),      IP(239, 1, 1, 1),   IP(255, 255, 255, 255), IP(240, 1, 1, 1),
		IP(0, 0, 0, 0),	       IP(0, 1, 2, 3),	   IP(127, 0, 0, 1),	   IP(10, 0, 0, 2),
		IP(172, 16, 0, 1),     IP(192, 168, 7, 1), IP(10, 0, 0, 255),	   IP(10, 0, 0, 0),
		IP(172, 16, 255, 255),
	};
	struct router *r = new_router(1, 1000);
	static uint8_t f[BUF];

	if (!r)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(srcs); i++) {
		struct hdr h = hdr_default(IP(10, 3, 1, 1));
		h.src = srcs[i];
		CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_BAD_SRC, "src"));
		h.ttl = 1; /* no error to a source like that */
		CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_BAD_SRC, "src, ttl 1"));
		h.ttl = 64;
		h.dst = IP(8, 8, 8, 8);
		CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_BAD_SRC, "src, default route"));
	}
	router_free(r);
}

static void t_drop_no_route_rate0(void)
{
	struct router *r = new_router(0, 0);
	static uint8_t f[BUF];
	struct hdr h = hdr_default(IP(8, 8, 8, 8));

	if (!r)
		return;
	CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_NO_ROUTE, "rate 0"));
	h.proto = 1;
	CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_NO_ROUTE, "ping, rate 0"));
	h.ttl = 1;
	CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_TTL_EXPIRED, "ttl 1, rate 0"));
	h.ttl = 0;
	h.dst = IP(10, 3, 1, 1);
	CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_TTL_EXPIRED, "ttl 0 routed, rate 0"));
	router_free(r);
}

/* No route back to the source: the error cannot be sent, the datagram is dropped. */
static void t_drop_source_unroutable(void)
{
	struct router *r = new_router(0, 1000);
	static uint8_t f[BUF];
	struct hdr h = hdr_default(IP(8, 8, 8, 8));

	if (!r)
		return;
	h.src = IP(9, 9, 9, 9);
	CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_NO_ROUTE, "no route either way"));
	h.dst = IP(10, 3, 1, 1);
	h.ttl = 1;
	CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_TTL_EXPIRED, "ttl 1, src unroutable"));
	h.ttl = 2; /* routed one way: forwarded all the same */
	CHECK(expect_forward(r, f, &h, IP(10, 0, 0, 5)));
	router_free(r);
}

/* RFC 1812 4.3.2.7: no error about a fragment but the first. */
static void t_drop_ttl_expired_fragment(void)
{
	struct router *r = new_router(0, 1000);
	static uint8_t f[BUF];
	struct hdr h = hdr_default(IP(10, 3, 1, 1));

	if (!r)
		return;
	h.ttl = 1;
	for (unsigned i = 0; i < 4; i++) {
		static const uint16_t frags[] = { 0x0001, 0x2001, 0x1fff, 0x00b9 };
		h.frag = frags[i];
		CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_TTL_EXPIRED, "non-first frag"));
		h.ttl = 0;
		CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_TTL_EXPIRED, "ttl 0 frag"));
		h.ttl = 5;
		h.dst = IP(8, 8, 8, 8);
		CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_NO_ROUTE, "no route frag"));
		h.ttl = 1;
		h.dst = IP(10, 3, 1, 1);
	}
	/* the first fragment (MF, offset 0) does get one */
	h.frag = 0x2000;
	CHECK(expect_error(r, f, &h, 11, IP(10, 0, 0, 2), IP(10, 0, 0, 9)));
	h.frag = 0x6000; /* DF and MF: odd, still the first */
	CHECK(expect_error(r, f, &h, 11, IP(10, 0, 0, 2), IP(10, 0, 0, 9)));
	router_free(r);
}

/* No error about an ICMP error (destination unreachable 3, source quench 4, redirect 5, time
 * exceeded 11, parameter problem 12), nor about an ICMP message too short to have a type;
 * queries (echo 8, echo reply 0, timestamp 13) do get one. */
static void t_no_error_about_error(void)
{
	static const uint8_t errors[] = { 3, 4, 5, 11, 12 }, queries[] = { 0, 8, 13, 17, 9 };
	struct router *r = new_router(0, 1000);
	static uint8_t f[BUF];
	struct hdr h = hdr_default(IP(10, 3, 1, 1));

	if (!r)
		return;
	h.proto = 1;
	for (size_t i = 0; i < ARRAY_SIZE(errors); i++) {
		h.icmp_type = errors[i];
		h.ttl = 1;
		h.dst = IP(10, 3, 1, 1);
		CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_TTL_EXPIRED, "icmp error ttl 1"));
		h.ttl = 0;
		CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_TTL_EXPIRED, "icmp error ttl 0"));
		h.ttl = 64;
		h.dst = IP(8, 8, 8, 8);
		CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_NO_ROUTE, "icmp error no route"));
	}
	for (size_t i = 0; i < ARRAY_SIZE(queries); i++) {
		h.icmp_type = queries[i];
		h.ttl = 1;
		h.dst = IP(10, 3, 1, 1);
		CHECK(expect_error(r, f, &h, 11, IP(10, 0, 0, 2), IP(10, 0, 0, 9)));
		h.ttl = 64;
		h.dst = IP(8, 8, 8, 8);
		CHECK(expect_error(r, f, &h, 3, IP(10, 0, 0, 2), IP(10, 0, 0, 9)));
	}
	/* ICMP with no payload: not known to be a query */
	h.payload = 0;
	h.ttl = 1;
	h.dst = IP(10, 3, 1, 1);
	CHECK(expect_drop(r, f, build(f, &h), DROP_ROUTER_TTL_EXPIRED, "empty icmp"));
	/* an ICMP error inside UDP is just UDP */
	h = hdr_default(IP(10, 3, 1, 1));
	h.ttl = 1;
	h.payload = 40;
	build(f, &h);
	CHECK(expect_error(r, f, &h, 11, IP(10, 0, 0, 2), IP(10, 0, 0, 9)));
	router_free(r);
}

/* ---- ICMP errors ------------------------------------------------------------------------- */

static void t_icmp_time_exceeded(void)
{
	struct router *r = new_router(1, 1000);
	static uint8_t f[BUF];

	if (!r)
		return;
	for (unsigned ttl = 0; ttl <= 1; ttl++) {
		struct hdr h = hdr_default(IP(10, 3, 5, 7));
		h.ttl = (uint8_t)ttl;
		CHECK(expect_error(r, f, &h, 11, IP(10, 0, 0, 2), IP(10, 0, 0, 9)));
		h.dst = IP(8, 8, 8, 8); /* the default route: TTL checked before anything else */
		h.payload = 500;
		CHECK(expect_error(r, f, &h, 11, IP(10, 0, 0, 2), IP(10, 0, 0, 9)));
		/* from behind a route: the error goes back through its gateway, from our address
		 * on the gateway's subnet */
		h.src = IP(10, 3, 5, 7);
		h.dst = IP(172, 16, 3, 3);
		CHECK(expect_error(r, f, &h, 11, IP(172, 16, 0, 1), IP(172, 16, 9, 9)));
		h.src = IP(10, 3, 9, 9);
		CHECK(expect_error(r, f, &h, 11, IP(10, 0, 0, 2), IP(10, 0, 0, 5)));
		/* from a connected host: back to it directly */
		h.src = IP(172, 16, 44, 1);
		h.dst = IP(10, 0, 0, 77);
		CHECK(expect_error(r, f, &h, 11, IP(172, 16, 0, 1), IP(172, 16, 44, 1)));
		/* from the Internet, through the default gateway */
		h.src = IP(198, 51, 100, 7);
		CHECK(expect_error(r, f, &h, 11, IP(10, 0, 0, 2), IP(10, 0, 0, 1)));
	}
	router_free(r);
}

static void t_icmp_unreachable(void)
{
	struct router *r = new_router(0, 1000);
	static uint8_t f[BUF];
	struct hdr h = hdr_default(IP(8, 8, 8, 8));

	if (!r)
		return;
	CHECK(expect_error(r, f, &h, 3, IP(10, 0, 0, 2), IP(10, 0, 0, 9)));
	h.src = IP(172, 16, 8, 8);
	h.dst = IP(11, 0, 0, 1);
	CHECK(expect_error(r, f, &h, 3, IP(172, 16, 0, 1), IP(172, 16, 8, 8)));
	h.src = IP(10, 3, 5, 7);
	h.ttl = 2; /* the last hop's TTL is fine: no route is the error */
	CHECK(expect_error(r, f, &h, 3, IP(172, 16, 0, 1), IP(172, 16, 9, 9)));
	h.src = IP(10, 3, 5, 100);
	h.ttl = 255;
	h.proto = 1;
	CHECK(expect_error(r, f, &h, 3, IP(10, 0, 0, 2), IP(10, 0, 0, 6)));
	router_free(r);
}

/* The quote is the original header with its options and 8 bytes of data, or less when the
 * datagram is shorter; the frame is padded to 60 bytes with zeros, Ethernet padding of the
 * original is neither quoted nor kept. */
static void t_icmp_quote_lengths(void)
{
	struct router *r = new_router(0, 1000);
	static uint8_t f[BUF];
	unsigned n = 0;

	if (!r)
		return;
	for (uint8_t ihl = 5; ihl <= 15; ihl++)
		for (uint16_t payload = 0; payload <= 20; payload++)
			for (uint8_t vlans = 0; vlans <= 2; vlans++) {
				struct hdr h = hdr_default(IP(8, 8, 8, 8));
				h.ihl = ihl;
				h.opt_byte = (uint8_t)(0x80 | payload);
				h.payload = payload;
				h.vlans = vlans;
				h.proto = 254; /* no L4 header for pkt_parse to insist on */
				h.ttl = payload & 1 ? 1 : 64;
				if (expect_error(r, f, &h, payload & 1 ? 11 : 3, IP(10, 0, 0, 2),
						 IP(10, 0, 0, 9)))
					n++;
			}
	CHECK_EQ_U(n, 11 * 21 * 3);
	/* a long datagram in a frame with trailing bytes: exactly 28 + 20 + 8 */
	struct hdr h = hdr_default(IP(8, 8, 8, 8));
	uint16_t len = build(f, &h);
	struct router_bucket b;
	struct out o;
	router_bucket_init(&b, T0);
	o = run(r, &b, f, (uint16_t)(len + 100), T0);
	CHECK_EQ_U(o.act, ROUTER_ICMP_ERROR);
	CHECK_EQ_U(o.len, 14 + 28 + 28);
	router_free(r);
}

/* VLAN-tagged frames keep their tags and l3_off. */
static void t_icmp_vlan(void)
{
	struct router *r = new_router(0, 1000);
	static uint8_t f[BUF];

	if (!r)
		return;
	for (uint8_t vlans = 1; vlans <= 2; vlans++) {
		struct hdr h = hdr_default(IP(8, 8, 8, 8));
		h.vlans = vlans;
		CHECK(expect_error(r, f, &h, 3, IP(10, 0, 0, 2), IP(10, 0, 0, 9)));
		CHECK_EQ_U(be16(f + 12), vlans == 2 ? 0x88a8 : 0x8100);
		CHECK_EQ_U(be16(f + 14), 100);
		if (vlans == 2) {
			CHECK_EQ_U(be16(f + 16), 0x8100);
			CHECK_EQ_U(be16(f + 18), 101);
		}
		CHECK_EQ_U(be16(f + 14 + 4 * vlans - 2), 0x0800);
		h.ttl = 1;
		h.dst = IP(10, 3, 1, 1);
		h.ihl = 7;
		CHECK(expect_error(r, f, &h, 11, IP(10, 0, 0, 2), IP(10, 0, 0, 9)));
		/* and forwarding them touches only TTL and checksum, at the tagged offset */
		h.ttl = 9;
		CHECK(expect_forward(r, f, &h, IP(10, 0, 0, 5)));
	}
	router_free(r);
}

/* ---- rate limit -------------------------------------------------------------------------- */

/* Sends n TTL-1 datagrams at `now`; returns how many got an error (the others must be
 * dropped as rate-limited and left unchanged). */
static unsigned burst(const struct router *r, struct router_bucket *b, uint64_t now, unsigned n)
{
	static uint8_t f[BUF], orig[BUF];
	struct hdr h = hdr_default(IP(10, 3, 1, 1));
	unsigned errors = 0;

	h.ttl = 1;
	for (unsigned i = 0; i < n; i++) {
		uint16_t len = build(f, &h);
		struct out o;

		memcpy(orig, f, BUF);
		o = run(r, b, f, len, now);
		if (o.act == ROUTER_ICMP_ERROR) {
			errors++;
			CHECK(check_error(orig, f, &h, o, 11, IP(10, 0, 0, 2), IP(10, 0, 0, 9)));
		} else {
			CHECK_EQ_U(o.act, ROUTER_DROP);
			CHECK_EQ_U(o.why, DROP_ROUTER_ICMP_LIMITED);
			CHECK_EQ_U(o.len, len);
			CHECK(memcmp(f, orig, BUF) == 0);
		}
	}
	return errors;
}

static void t_rate_limit(void)
{
	const uint64_t iv = 100000000; /* 10/s */
	struct router *r = new_router(1, 10);
	struct router_bucket b, b2;
	static uint8_t f[BUF];

	if (!r)
		return;
	router_bucket_init(&b, T0);
	router_bucket_init(&b2, T0);
	CHECK_EQ_U(burst(r, &b, T0, ROUTER_ICMP_BURST + 10), ROUTER_ICMP_BURST);
	CHECK_EQ_U(burst(r, &b, T0 + iv - 1, 5), 0);
	CHECK_EQ_U(burst(r, &b, T0 + iv, 5), 1);
	CHECK_EQ_U(burst(r, &b, T0 + iv + iv / 2, 5), 0);
	CHECK_EQ_U(burst(r, &b, T0 + 2 * iv, 5), 1);
	CHECK_EQ_U(burst(r, &b, T0 + 7 * iv, 10), 5);	    /* five intervals: five */
	CHECK_EQ_U(burst(r, &b, T0 + 7 * iv - 1000, 3), 0); /* the clock going back: nothing */
	/* time between tokens is not lost: a token at 8.5 intervals, the next at 9 */
	CHECK_EQ_U(burst(r, &b, T0 + 8 * iv + iv / 2, 3), 1);
	CHECK_EQ_U(burst(r, &b, T0 + 9 * iv - 1, 3), 0);
	CHECK_EQ_U(burst(r, &b, T0 + 9 * iv, 3), 1);
	/* forwarding does not need tokens */
	struct hdr h = hdr_default(IP(10, 3, 1, 1));
	uint16_t len = build(f, &h);
	struct out o = run(r, &b, f, len, T0 + 7 * iv);
	CHECK_EQ_U(o.act, ROUTER_FORWARD);
	/* unreachable errors share the bucket */
	h = hdr_default(IP(8, 8, 8, 8));
	h.src = IP(10, 0, 0, 9);
	{
		struct router *nodef = new_router(0, 10);
		if (nodef) {
			struct router_bucket b3;
			router_bucket_init(&b3, T0);
			CHECK_EQ_U(burst(nodef, &b3, T0, ROUTER_ICMP_BURST), ROUTER_ICMP_BURST);
			len = build(f, &h);
			o = run(nodef, &b3, f, len, T0);
			CHECK_EQ_U(o.act, ROUTER_DROP);
			CHECK_EQ_U(o.why, DROP_ROUTER_ICMP_LIMITED);
			router_free(nodef);
		}
	}
	/* a long pause: the burst again, not more */
	CHECK_EQ_U(burst(r, &b, T0 + 3600ull * 1000000000ull, 2 * ROUTER_ICMP_BURST),
		   ROUTER_ICMP_BURST);
	/* a full bucket does not bank time: one error at t, then full again at t + 1.9 intervals;
	 * after those 50 the next token is a whole interval away */
	{
		uint64_t t = T0 + 7200ull * 1000000000ull;
		CHECK_EQ_U(burst(r, &b, t, 1), 1);
		CHECK_EQ_U(burst(r, &b, t + iv + iv * 9 / 10, 2 * ROUTER_ICMP_BURST),
			   ROUTER_ICMP_BURST);
		CHECK_EQ_U(burst(r, &b, t + 2 * iv, 3), 0);
		CHECK_EQ_U(burst(r, &b, t + 2 * iv + iv * 9 / 10 - 1, 3), 0);
		CHECK_EQ_U(burst(r, &b, t + 2 * iv + iv * 9 / 10, 3), 1);
	}
	/* the other worker's bucket was never touched */
	CHECK_EQ_U(burst(r, &b2, T0 + 1, ROUTER_ICMP_BURST + 1), ROUTER_ICMP_BURST);
	router_free(r);

	/* a rate that does not divide a second: 3/s, one token per 333333333.3 ns */
	r = new_router(1, 3);
	if (!r)
		return;
	router_bucket_init(&b, T0);
	CHECK_EQ_U(burst(r, &b, T0, ROUTER_ICMP_BURST + 1), ROUTER_ICMP_BURST);
	CHECK_EQ_U(burst(r, &b, T0 + 333333334, 3), 1);
	CHECK_EQ_U(burst(r, &b, T0 + 1000000000 + 1, 5), 2);
	router_free(r);
	/* rate 1000000 (the config maximum): a token per microsecond */
	r = new_router(1, 1000000);
	if (!r)
		return;
	router_bucket_init(&b, T0);
	CHECK_EQ_U(burst(r, &b, T0, ROUTER_ICMP_BURST + 1), ROUTER_ICMP_BURST);
	CHECK_EQ_U(burst(r, &b, T0 + 999, 2), 0);
	CHECK_EQ_U(burst(r, &b, T0 + 1000, 2), 1);
	CHECK_EQ_U(burst(r, &b, T0 + 1000000, 2 * ROUTER_ICMP_BURST), ROUTER_ICMP_BURST);
	router_free(r);
}

/* ---- router_create ----------------------------------------------------------------------- */

static void t_create_errors(void)
{
	struct router *r = (struct router *)1;
	char err[256] = "";

	std_config(1, 1000);
	cfg.n_addrs = 0;
	CHECK_EQ_U(router_create(&r, &cfg, err, sizeof(err)), -EINVAL);
	CHECK(r == NULL);
	CHECK(strstr(err, "addrs") != NULL);
	router_free(NULL);
	/* the standard one counts its routes: 5 configured, 10.0.0.0/24 shared with a connected
	 * subnet, 2 more connected */
	r = new_router(1, 1000);
	if (r) {
		CHECK_EQ_U(r->n_routes, 7);
		CHECK_EQ_U(r->icmp_interval_ns, 1000000);
		router_free(r);
	}
}

/* A route the table refuses (prefix length 33: config.c never lets one through, the API must
 * still say no): -EINVAL, the route named by its index.  Last in the list: under UBSan it
 * stops the binary when router_create computes the mask of a /33 (a shift by -1). */
static void t_create_bad_prefix_len(void)
{
	struct router *r = (struct router *)1;
	char err[256] = "";

	std_config(1, 1000);
	cfg.app.routes[2].prefix_len = 33;
	CHECK_EQ_U(router_create(&r, &cfg, err, sizeof(err)), -EINVAL);
	CHECK(r == NULL);
	CHECK(strstr(err, "app.routes[2]") != NULL);
}

/* 1024 random routes (every prefix length; those shorter than /12 only in 128.0.0.0/1, so the
 * lower half has holes; one duplicates the connected subnet) and a naive longest-prefix
 * reference over the route list: addresses inside each route and random addresses anywhere
 * forward to the reference's next hop, or get "unreachable" when it has no route. */
#define NR 1024
static void t_create_random_routes(void)
{
	static uint32_t pfx[NR + 1], via[NR + 1];
	static uint8_t plen[NR + 1];
	static uint8_t f[BUF], orig[BUF];
	struct router *r = NULL;
	char err[256] = "";
	unsigned n = 0, checked = 0, bad = 0, unroutable = 0, longer = 0;

	rng_state = 0xfeedface12345678ull;
	memset(&cfg, 0, sizeof(cfg));
	config_set_defaults(&cfg);
	cfg.addrs[0] = (struct dp_addr){ { 10, 0, 0, 2 }, 24 };
	cfg.n_addrs = 1;
	cfg.app.icmp_rate = 1000;
	while (n < NR) {
		uint64_t x = rng();
		unsigned len =
			x % 16 == 0 ? (unsigned)(x >> 8) % 11 + 1 : 12 + (unsigned)(x >> 8) % 21;
		uint32_t p = (uint32_t)(x >> 32), dup = 0;

		if (len < 12)
			p |= 0x80000000u;
		p &= mask_of(len);
		if (n == 5)
			p = IP(10, 0, 0, 0), len = 24; /* the connected subnet, configured again */
		for (unsigned i = 0; i < n; i++)
			dup |= pfx[i] == p && plen[i] == len;
		if (dup)
			continue;
		pfx[n] = p;
		plen[n] = (uint8_t)len;
		via[n] = IP(10, 0, 0, 10 + (uint32_t)(rng() % 240));
		put32(cfg.app.routes[n].dst, p);
		cfg.app.routes[n].prefix_len = (uint8_t)len;
		put32(cfg.app.routes[n].via, via[n]);
		n++;
	}
	cfg.app.n_routes = NR;
	CHECK_EQ_U(router_create(&r, &cfg, err, sizeof(err)), 0);
	if (!r) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	CHECK_EQ_U(r->n_routes, NR); /* the connected /24 was one of them */
	/* the reference: the routes, then the connected subnet (connected wins its own prefix) */
	pfx[NR] = IP(10, 0, 0, 0);
	plen[NR] = 24;
	via[NR] = 0;
	for (unsigned probe = 0; probe < NR * 8 + 20000; probe++) {
		uint32_t ip, want = 0;
		int best = -1;

		if (probe < NR * 8) /* inside each route, its first address included */
			ip = pfx[probe / 8] |
			     (probe % 8 ? (uint32_t)rng() & ~mask_of(plen[probe / 8]) : 1);
		else
			ip = (uint32_t)rng();
		for (unsigned i = 0; i <= NR; i++)
			if ((ip & mask_of(plen[i])) == pfx[i] &&
			    (best < 0 || plen[i] >= plen[best]))
				best = (int)i;
		/* destinations the router refuses before it looks up a route */
		if ((ip >> 24) == 0 || (ip >> 24) == 127 || (ip >> 24) >= 224 ||
		    (ip & 0xffffff00u) == IP(10, 0, 0, 0))
			continue;
		if (best >= 0)
			want = via[best] ? via[best] : ip;
		if (probe < NR * 8 && best != (int)(probe / 8))
			longer++;

		struct hdr h = hdr_default(ip);
		uint16_t len = build(f, &h);
		struct router_bucket b;
		struct out o;
		memcpy(orig, f, BUF);
		router_bucket_init(&b, T0);
		o = run(r, &b, f, len, T0);
		checked++;
		if (best < 0) {
			/* unreachable, back to 10.0.0.9 on the connected subnet */
			unroutable++;
			if (o.act == ROUTER_ICMP_ERROR && o.nh == IP(10, 0, 0, 9) &&
			    f[14 + 20] == 3 && !memcmp(f + 14 + 28, orig + 14, 28))
				continue;
		} else if (o.act == ROUTER_FORWARD && o.nh == want) {
			continue;
		}
		if (bad++ < 5)
			fprintf(stderr, "  %08x: want %s %08x, got %s %s %08x\n", ip,
				best < 0 ? "unreachable" : "forward", want, act_name(o.act),
				drop_reason_name(o.why), o.nh);
	}
	CHECK_EQ_U(bad, 0);
	CHECK(checked > NR * 6);
	CHECK(unroutable > 1000); /* the reference did say "no route" often enough */
	CHECK(longer > 10);	  /* and longer routes inside others were hit */
	router_free(r);
}

CHECK_MAIN("router", TEST(t_forward_connected), TEST(t_forward_route_via),
	   TEST(t_forward_longest_prefix), TEST(t_forward_default_route),
	   TEST(t_forward_ttl_checksum_random), TEST(t_drop_not_ipv4), TEST(t_drop_bad_checksum),
	   TEST(t_drop_local), TEST(t_drop_not_unicast), TEST(t_drop_bad_src),
	   TEST(t_drop_no_route_rate0), TEST(t_drop_source_unroutable),
	   TEST(t_drop_ttl_expired_fragment), TEST(t_no_error_about_error),
	   TEST(t_icmp_time_exceeded), TEST(t_icmp_unreachable), TEST(t_icmp_quote_lengths),
	   TEST(t_icmp_vlan), TEST(t_rate_limit), TEST(t_create_errors),
	   TEST(t_create_random_routes), TEST(t_create_bad_prefix_len))
