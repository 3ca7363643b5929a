/* pkt_parse: valid frames field by field, the malformed-length table of reliability.md §7.1
 * (P5), and a prefix sweep.  Every parse runs on an exact-size heap copy so that ASan
 * builds catch any read past len. */
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "common.h"
#include "drop.h"
#include "pkt.h"

#define FRAME_MAX 2048

struct frame {
	uint8_t b[FRAME_MAX];
	uint32_t len;
};

static void put8(struct frame *f, uint8_t v)
{
	if (f->len < FRAME_MAX)
		f->b[f->len++] = v;
}

static void put16(struct frame *f, uint16_t v)
{
	put8(f, (uint8_t)(v >> 8));
	put8(f, (uint8_t)v);
}

static void put32(struct frame *f, uint32_t v)
{
	put16(f, (uint16_t)(v >> 16));
	put16(f, (uint16_t)v);
}

static void putz(struct frame *f, uint32_t n)
{
	while (n--)
		put8(f, 0);
}

static void set8(struct frame *f, uint32_t at, uint8_t v)
{
	f->b[at] = v;
}

static void set16(struct frame *f, uint32_t at, uint16_t v)
{
	f->b[at] = (uint8_t)(v >> 8);
	f->b[at + 1] = (uint8_t)v;
}

/* Resets f to an Ethernet header with the given tags. */
static void eth(struct frame *f, const uint16_t *tpids, unsigned int ntags, uint16_t type)
{
	f->len = 0;
	put32(f, 0x02000000);
	put16(f, 0x0001);
	put32(f, 0x02000000);
	put16(f, 0x0002);
	for (unsigned int i = 0; i < ntags; i++) {
		put16(f, tpids[i]);
		put16(f, (uint16_t)(100 + i));
	}
	put16(f, type);
}

/* IPv4 header of ihl words (NOP options beyond 5); ip4_end fills the total length. */
static uint32_t ip4(struct frame *f, unsigned int ihl, uint8_t proto, uint16_t frag)
{
	uint32_t at = f->len;

	put8(f, (uint8_t)(0x40 | ihl));
	put8(f, 0);
	put16(f, 0);
	put16(f, 0x1234);
	put16(f, frag);
	put8(f, 64);
	put8(f, proto);
	put16(f, 0);
	put32(f, 0x0a000001);
	put32(f, 0x0a000002);
	for (unsigned int i = 5; i < ihl; i++)
		put32(f, 0x01010101);
	return at;
}

static void ip4_end(struct frame *f, uint32_t at)
{
	set16(f, at + 2, (uint16_t)(f->len - at));
}

static uint32_t ip6(struct frame *f, uint8_t nh)
{
	uint32_t at = f->len;

	put32(f, 0x60000000);
	put16(f, 0);
	put8(f, nh);
	put8(f, 64);
	put32(f, 0x20010db8);
	putz(f, 11);
	put8(f, 1);
	put32(f, 0x20010db8);
	putz(f, 11);
	put8(f, 2);
	return at;
}

static void ip6_end(struct frame *f, uint32_t at)
{
	set16(f, at + 4, (uint16_t)(f->len - at - 40));
}

/* Hop-by-hop, routing or destination options header of (units + 1) * 8 bytes. */
static void ext6(struct frame *f, uint8_t nh, uint8_t units)
{
	put8(f, nh);
	put8(f, units);
	putz(f, 6 + units * 8u);
}

static void frag6(struct frame *f, uint8_t nh, uint16_t offset8, int more)
{
	put8(f, nh);
	put8(f, 0);
	put16(f, (uint16_t)(offset8 << 3 | (more ? 1 : 0)));
	put32(f, 0xabcd);
}

static void ah6(struct frame *f, uint8_t nh, uint8_t len)
{
	put8(f, nh);
	put8(f, len);
	putz(f, (len + 2u) * 4 - 2);
}

static void tcp(struct frame *f, uint8_t doff, uint32_t payload)
{
	put16(f, 1234);
	put16(f, 80);
	put32(f, 1);
	put32(f, 0);
	put8(f, (uint8_t)(doff << 4));
	put8(f, 0x02);
	put16(f, 65535);
	put16(f, 0);
	put16(f, 0);
	putz(f, (doff > 5 ? doff - 5u : 0) * 4 + payload);
}

static void udp(struct frame *f, uint32_t payload)
{
	put16(f, 5353);
	put16(f, 53);
	put16(f, (uint16_t)(8 + payload));
	put16(f, 0);
	putz(f, payload);
}

static void icmp(struct frame *f, uint32_t payload)
{
	put8(f, 8);
	putz(f, 7 + payload);
}

static void arp(struct frame *f)
{
	put16(f, 1);
	put16(f, 0x0800);
	put8(f, 6);
	put8(f, 4);
	put16(f, 1);
	put32(f, 0x02000000);
	put16(f, 0x0002);
	put32(f, 0x0a000001);
	putz(f, 6);
	put32(f, 0x0a000002);
}

static enum drop_reason parse(const uint8_t *b, uint32_t len, struct pkt_meta *m)
{
	uint8_t *copy = malloc(len ? len : 1);
	enum drop_reason r;

	if (!copy)
		abort();
	memcpy(copy, b, len);
	r = pkt_parse(copy, len, m);
	free(copy);
	return r;
}

static void meta_check(int line, const struct frame *f, struct pkt_meta want)
{
	int before = check_failed_in_test;
	struct pkt_meta m;

	CHECK_STR(drop_reason_name(parse(f->b, f->len, &m)), "none");
	CHECK_EQ_U(m.l3, want.l3);
	CHECK_EQ_U(m.ethertype, want.ethertype);
	CHECK_EQ_U(m.vlans, want.vlans);
	CHECK_EQ_U(m.l3_off, want.l3_off);
	CHECK_EQ_U(m.l3_len, want.l3_len);
	CHECK_EQ_U(m.l4_proto, want.l4_proto);
	CHECK_EQ_U(m.l4_off, want.l4_off);
	CHECK_EQ_U(m.flags, want.flags);
	if (check_failed_in_test != before)
		fprintf(stderr, "  (expected at line %d)\n", line);
}

static void drop_check(int line, const struct frame *f, enum drop_reason want)
{
	struct pkt_meta m;
	enum drop_reason got = parse(f->b, f->len, &m);

	if (got != want) {
		fprintf(stderr, "  line %d: got %s, want %s\n", line, drop_reason_name(got),
			drop_reason_name(want));
		check_failed_in_test++;
	}
}

#define EXPECT_META(f, ...)  meta_check(__LINE__, f, (struct pkt_meta){ __VA_ARGS__ })
#define EXPECT_DROP(f, want) drop_check(__LINE__, f, DROP_##want)

static const uint16_t tag_q[] = { 0x8100 };
static const uint16_t tag_qinq[] = { 0x88a8, 0x8100 };

/* Valid frames, shared by the field tests and the prefix sweep. */

static void b_ipv4_tcp(struct frame *f)
{
	eth(f, NULL, 0, 0x0800);
	uint32_t at = ip4(f, 5, 6, 0x4000);
	tcp(f, 5, 10);
	ip4_end(f, at);
}

static void b_ipv4_tcp_opts(struct frame *f)
{
	eth(f, NULL, 0, 0x0800);
	uint32_t at = ip4(f, 5, 6, 0);
	tcp(f, 15, 0);
	ip4_end(f, at);
}

static void b_ipv4_udp(struct frame *f)
{
	eth(f, NULL, 0, 0x0800);
	uint32_t at = ip4(f, 5, 17, 0);
	udp(f, 100);
	ip4_end(f, at);
}

static void b_ipv4_icmp(struct frame *f)
{
	eth(f, NULL, 0, 0x0800);
	uint32_t at = ip4(f, 5, 1, 0);
	icmp(f, 56);
	ip4_end(f, at);
}

static void b_ipv4_options(struct frame *f)
{
	eth(f, NULL, 0, 0x0800);
	uint32_t at = ip4(f, 15, 6, 0);
	tcp(f, 5, 0);
	ip4_end(f, at);
}

static void b_vlan(struct frame *f)
{
	eth(f, tag_q, 1, 0x0800);
	uint32_t at = ip4(f, 5, 17, 0);
	udp(f, 4);
	ip4_end(f, at);
}

static void b_qinq(struct frame *f)
{
	eth(f, tag_qinq, 2, 0x0800);
	uint32_t at = ip4(f, 5, 6, 0);
	tcp(f, 5, 0);
	ip4_end(f, at);
}

/* 42-byte UDP frame padded to the 60-byte Ethernet minimum. */
static void b_padded(struct frame *f)
{
	eth(f, NULL, 0, 0x0800);
	uint32_t at = ip4(f, 5, 17, 0);
	udp(f, 0);
	ip4_end(f, at);
	putz(f, 60 - f->len);
}

static void b_ipv6_tcp(struct frame *f)
{
	eth(f, NULL, 0, 0x86dd);
	uint32_t at = ip6(f, 6);
	tcp(f, 5, 20);
	ip6_end(f, at);
}

static void b_ipv6_udp(struct frame *f)
{
	eth(f, tag_q, 1, 0x86dd);
	uint32_t at = ip6(f, 17);
	udp(f, 12);
	ip6_end(f, at);
}

/* HBH + routing + first fragment + TCP. */
static void b_ipv6_chain(struct frame *f)
{
	eth(f, NULL, 0, 0x86dd);
	uint32_t at = ip6(f, 0);
	ext6(f, 43, 0);
	ext6(f, 44, 2);
	frag6(f, 6, 0, 1);
	tcp(f, 5, 16);
	ip6_end(f, at);
}

/* Non-first fragment: what follows the fragment header is data, here too short for TCP. */
static void b_ipv6_frag_next(struct frame *f)
{
	eth(f, NULL, 0, 0x86dd);
	uint32_t at = ip6(f, 60);
	ext6(f, 44, 0);
	frag6(f, 6, 100, 0);
	putz(f, 3);
	ip6_end(f, at);
}

static void b_ipv6_ah(struct frame *f)
{
	eth(f, NULL, 0, 0x86dd);
	uint32_t at = ip6(f, 51);
	ah6(f, 17, 4);
	udp(f, 0);
	ip6_end(f, at);
}

static void b_ipv4_frag_first(struct frame *f)
{
	eth(f, NULL, 0, 0x0800);
	uint32_t at = ip4(f, 5, 17, 0x2000);
	udp(f, 16);
	set16(f, at + 20 + 4, 1000); /* the whole datagram's UDP length */
	ip4_end(f, at);
}

static void b_ipv4_frag_middle(struct frame *f)
{
	eth(f, NULL, 0, 0x0800);
	uint32_t at = ip4(f, 5, 6, 0x2000 | 3);
	putz(f, 3);
	ip4_end(f, at);
}

static void b_ipv4_frag_last(struct frame *f)
{
	eth(f, NULL, 0, 0x0800);
	uint32_t at = ip4(f, 5, 17, 6);
	putz(f, 40);
	ip4_end(f, at);
}

static void b_arp(struct frame *f)
{
	eth(f, NULL, 0, 0x0806);
	arp(f);
	putz(f, 60 - f->len);
}

static void b_lldp(struct frame *f)
{
	eth(f, NULL, 0, 0x88cc);
	putz(f, 46);
}

static void valid_ipv4_tcp(void)
{
	struct frame f;

	b_ipv4_tcp(&f);
	EXPECT_META(&f, .l3 = PKT_L3_IPV4, .ethertype = 0x0800, .l3_off = 14, .l3_len = 50,
		    .l4_proto = 6, .l4_off = 34, .flags = PKT_F_PORTS);
	b_ipv4_tcp_opts(&f);
	EXPECT_META(&f, .l3 = PKT_L3_IPV4, .ethertype = 0x0800, .l3_off = 14, .l3_len = 80,
		    .l4_proto = 6, .l4_off = 34, .flags = PKT_F_PORTS);
}

static void valid_ipv4_udp_icmp(void)
{
	struct frame f;

	b_ipv4_udp(&f);
	EXPECT_META(&f, .l3 = PKT_L3_IPV4, .ethertype = 0x0800, .l3_off = 14, .l3_len = 128,
		    .l4_proto = 17, .l4_off = 34, .flags = PKT_F_PORTS);
	b_ipv4_icmp(&f);
	EXPECT_META(&f, .l3 = PKT_L3_IPV4, .ethertype = 0x0800, .l3_off = 14, .l3_len = 84,
		    .l4_proto = 1, .l4_off = 34);
}

/* Unusual values must not change what is parsed: protocol 0, nested IP with a bad inner
 * header (no recursion into it), unknown protocols. */
static void valid_ipv4_odd_protocols(void)
{
	struct frame f;
	uint8_t protos[] = { 0, 4, 41, 47, 132, 255 };

	for (size_t i = 0; i < ARRAY_SIZE(protos); i++) {
		eth(&f, NULL, 0, 0x0800);
		uint32_t at = ip4(&f, 5, protos[i], 0);
		put8(&f, 0x40); /* inner IPv4 with IHL 0 */
		putz(&f, 19);
		ip4_end(&f, at);
		EXPECT_META(&f, .l3 = PKT_L3_IPV4, .ethertype = 0x0800, .l3_off = 14, .l3_len = 40,
			    .l4_proto = protos[i], .l4_off = 34);
	}
}

static void valid_ipv4_options(void)
{
	struct frame f;

	b_ipv4_options(&f);
	EXPECT_META(&f, .l3 = PKT_L3_IPV4, .ethertype = 0x0800, .l3_off = 14, .l3_len = 80,
		    .l4_proto = 6, .l4_off = 74, .flags = PKT_F_PORTS);
	for (unsigned int ihl = 5; ihl <= 15; ihl++) {
		eth(&f, NULL, 0, 0x0800);
		uint32_t at = ip4(&f, ihl, 17, 0);
		udp(&f, 0);
		ip4_end(&f, at);
		EXPECT_META(&f, .l3 = PKT_L3_IPV4, .ethertype = 0x0800, .l3_off = 14,
			    .l3_len = (uint16_t)(ihl * 4 + 8), .l4_proto = 17,
			    .l4_off = (uint16_t)(14 + ihl * 4), .flags = PKT_F_PORTS);
	}
}

static void valid_vlan(void)
{
	static const uint16_t stacks[][2] = {
		{ 0x88a8, 0x8100 }, { 0x9100, 0x8100 }, { 0x8100, 0x8100 }, { 0x88a8, 0x88a8 }
	};
	struct frame f;

	b_vlan(&f);
	EXPECT_META(&f, .l3 = PKT_L3_IPV4, .ethertype = 0x0800, .vlans = 1, .l3_off = 18,
		    .l3_len = 32, .l4_proto = 17, .l4_off = 38, .flags = PKT_F_PORTS);
	b_qinq(&f);
	EXPECT_META(&f, .l3 = PKT_L3_IPV4, .ethertype = 0x0800, .vlans = 2, .l3_off = 22,
		    .l3_len = 40, .l4_proto = 6, .l4_off = 42, .flags = PKT_F_PORTS);
	for (size_t i = 0; i < ARRAY_SIZE(stacks); i++) {
		eth(&f, stacks[i], 2, 0x86dd);
		uint32_t at = ip6(&f, 17);
		udp(&f, 0);
		ip6_end(&f, at);
		EXPECT_META(&f, .l3 = PKT_L3_IPV6, .ethertype = 0x86dd, .vlans = 2, .l3_off = 22,
			    .l3_len = 48, .l4_proto = 17, .l4_off = 62, .flags = PKT_F_PORTS);
	}
	/* 0x9100 is a tag only in the outer position; inside it is an unknown ethertype. */
	eth(&f, tag_q, 1, 0x9100);
	putz(&f, 42);
	EXPECT_META(&f, .l3 = PKT_L3_OTHER, .ethertype = 0x9100, .vlans = 1, .l3_off = 18,
		    .l3_len = 42);
	/* Tagged ARP. */
	eth(&f, tag_qinq, 2, 0x0806);
	arp(&f);
	EXPECT_META(&f, .l3 = PKT_L3_ARP, .ethertype = 0x0806, .vlans = 2, .l3_off = 22,
		    .l3_len = 28);
}

static void valid_padded(void)
{
	struct frame f;

	b_padded(&f);
	CHECK_EQ_U(f.len, 60);
	EXPECT_META(&f, .l3 = PKT_L3_IPV4, .ethertype = 0x0800, .l3_off = 14, .l3_len = 28,
		    .l4_proto = 17, .l4_off = 34, .flags = PKT_F_PORTS);
	/* Padding that looks like a TCP header must not rescue a short one. */
	eth(&f, NULL, 0, 0x0800);
	uint32_t at = ip4(&f, 5, 6, 0);
	putz(&f, 8);
	ip4_end(&f, at);
	putz(&f, 60 - f.len);
	set8(&f, 34 + 12, 0x50);
	EXPECT_DROP(&f, TCP_TRUNCATED);
}

static void valid_ipv6(void)
{
	struct frame f;

	b_ipv6_tcp(&f);
	EXPECT_META(&f, .l3 = PKT_L3_IPV6, .ethertype = 0x86dd, .l3_off = 14, .l3_len = 80,
		    .l4_proto = 6, .l4_off = 54, .flags = PKT_F_PORTS);
	b_ipv6_udp(&f);
	EXPECT_META(&f, .l3 = PKT_L3_IPV6, .ethertype = 0x86dd, .vlans = 1, .l3_off = 18,
		    .l3_len = 60, .l4_proto = 17, .l4_off = 58, .flags = PKT_F_PORTS);
	/* ICMPv6: no ports. */
	eth(&f, NULL, 0, 0x86dd);
	uint32_t at = ip6(&f, 58);
	icmp(&f, 8);
	ip6_end(&f, at);
	EXPECT_META(&f, .l3 = PKT_L3_IPV6, .ethertype = 0x86dd, .l3_off = 14, .l3_len = 56,
		    .l4_proto = 58, .l4_off = 54);
	/* Empty payload, no next header; padded. */
	eth(&f, NULL, 0, 0x86dd);
	ip6(&f, 59);
	putz(&f, 6);
	EXPECT_META(&f, .l3 = PKT_L3_IPV6, .ethertype = 0x86dd, .l3_off = 14, .l3_len = 40,
		    .l4_proto = 59, .l4_off = 54);
}

static void valid_ipv6_ext(void)
{
	struct frame f;

	b_ipv6_chain(&f);
	EXPECT_META(&f, .l3 = PKT_L3_IPV6, .ethertype = 0x86dd, .l3_off = 14, .l3_len = 116,
		    .l4_proto = 6, .l4_off = 14 + 40 + 8 + 24 + 8,
		    .flags = PKT_F_FRAG | PKT_F_PORTS);
	b_ipv6_frag_next(&f);
	EXPECT_META(&f, .l3 = PKT_L3_IPV6, .ethertype = 0x86dd, .l3_off = 14, .l3_len = 59,
		    .l4_proto = 6, .l4_off = 14 + 40 + 8 + 8,
		    .flags = PKT_F_FRAG | PKT_F_FRAG_NEXT);
	/* Past a later fragment's header is data, even if the header names another header. */
	eth(&f, NULL, 0, 0x86dd);
	uint32_t at = ip6(&f, 44);
	frag6(&f, 60, 50, 1);
	putz(&f, 3);
	ip6_end(&f, at);
	EXPECT_META(&f, .l3 = PKT_L3_IPV6, .ethertype = 0x86dd, .l3_off = 14, .l3_len = 51,
		    .l4_proto = 60, .l4_off = 62, .flags = PKT_F_FRAG | PKT_F_FRAG_NEXT);
	b_ipv6_ah(&f);
	EXPECT_META(&f, .l3 = PKT_L3_IPV6, .ethertype = 0x86dd, .l3_off = 14, .l3_len = 72,
		    .l4_proto = 17, .l4_off = 14 + 40 + 24, .flags = PKT_F_PORTS);
	/* Destination options, then nothing. */
	eth(&f, NULL, 0, 0x86dd);
	at = ip6(&f, 60);
	ext6(&f, 59, 1);
	ip6_end(&f, at);
	EXPECT_META(&f, .l3 = PKT_L3_IPV6, .ethertype = 0x86dd, .l3_off = 14, .l3_len = 56,
		    .l4_proto = 59, .l4_off = 70);
	/* Exactly PKT_IPV6_EXT_MAX headers, each 0-length, is fine. */
	eth(&f, NULL, 0, 0x86dd);
	at = ip6(&f, 60);
	for (int i = 0; i < PKT_IPV6_EXT_MAX; i++)
		ext6(&f, i == PKT_IPV6_EXT_MAX - 1 ? 17 : 60, 0);
	udp(&f, 0);
	ip6_end(&f, at);
	EXPECT_META(&f, .l3 = PKT_L3_IPV6, .ethertype = 0x86dd, .l3_off = 14,
		    .l3_len = 40 + 8 * PKT_IPV6_EXT_MAX + 8, .l4_proto = 17,
		    .l4_off = 54 + 8 * PKT_IPV6_EXT_MAX, .flags = PKT_F_PORTS);
	/* Atomic fragment (offset 0, M 0) counts as a fragment, not a later one. */
	eth(&f, NULL, 0, 0x86dd);
	at = ip6(&f, 44);
	frag6(&f, 17, 0, 0);
	udp(&f, 0);
	ip6_end(&f, at);
	EXPECT_META(&f, .l3 = PKT_L3_IPV6, .ethertype = 0x86dd, .l3_off = 14, .l3_len = 56,
		    .l4_proto = 17, .l4_off = 62, .flags = PKT_F_FRAG | PKT_F_PORTS);
}

static void valid_ipv4_fragments(void)
{
	struct frame f;

	b_ipv4_frag_first(&f);
	EXPECT_META(&f, .l3 = PKT_L3_IPV4, .ethertype = 0x0800, .l3_off = 14, .l3_len = 44,
		    .l4_proto = 17, .l4_off = 34, .flags = PKT_F_FRAG | PKT_F_PORTS);
	b_ipv4_frag_middle(&f);
	EXPECT_META(&f, .l3 = PKT_L3_IPV4, .ethertype = 0x0800, .l3_off = 14, .l3_len = 23,
		    .l4_proto = 6, .l4_off = 34, .flags = PKT_F_FRAG | PKT_F_FRAG_NEXT);
	b_ipv4_frag_last(&f);
	EXPECT_META(&f, .l3 = PKT_L3_IPV4, .ethertype = 0x0800, .l3_off = 14, .l3_len = 60,
		    .l4_proto = 17, .l4_off = 34, .flags = PKT_F_FRAG | PKT_F_FRAG_NEXT);
	/* A first fragment must still hold the whole TCP header (RFC 1858). */
	eth(&f, NULL, 0, 0x0800);
	uint32_t at = ip4(&f, 5, 6, 0x2000);
	putz(&f, 16);
	ip4_end(&f, at);
	EXPECT_DROP(&f, TCP_TRUNCATED);
}

static void valid_arp_lldp(void)
{
	struct frame f;

	b_arp(&f);
	EXPECT_META(&f, .l3 = PKT_L3_ARP, .ethertype = 0x0806, .l3_off = 14, .l3_len = 28);
	b_lldp(&f);
	EXPECT_META(&f, .l3 = PKT_L3_OTHER, .ethertype = 0x88cc, .l3_off = 14, .l3_len = 46);
	/* Bare header of an unknown type: nothing to parse, nothing to drop. */
	eth(&f, NULL, 0, 0x88b5);
	EXPECT_META(&f, .l3 = PKT_L3_OTHER, .ethertype = 0x88b5, .l3_off = 14, .l3_len = 0);
}

/* Offsets and lengths are 16-bit: the largest frame parses, one byte more is dropped. */
static void frame_size_limits(void)
{
	const uint32_t big = 65535;
	uint8_t *b = calloc(big + 1, 1);
	struct pkt_meta m;
	struct frame f;

	if (!b)
		abort();
	eth(&f, NULL, 0, 0x86dd);
	uint32_t at = ip6(&f, 17);
	udp(&f, 0);
	memcpy(b, f.b, f.len);
	b[at + 4] = (uint8_t)((big - at - 40) >> 8);
	b[at + 5] = (uint8_t)(big - at - 40);
	b[at + 40 + 4] = (uint8_t)((big - at - 40) >> 8);
	b[at + 40 + 5] = (uint8_t)(big - at - 40);
	CHECK_STR(drop_reason_name(parse(b, big, &m)), "none");
	CHECK_EQ_U(m.l3_len, big - 14);
	CHECK_EQ_U(m.flags, PKT_F_PORTS);
	CHECK_STR(drop_reason_name(parse(b, big + 1, &m)), "eth_giant");
	free(b);
}

static void bad_eth_vlan(void)
{
	static const uint16_t three[] = { 0x88a8, 0x8100, 0x8100 };
	static const uint16_t three_b[] = { 0x9100, 0x88a8, 0x88a8 };
	struct frame f;

	eth(&f, NULL, 0, 0x0800);
	for (f.len = 0; f.len < 14; f.len++)
		EXPECT_DROP(&f, ETH_RUNT);
	EXPECT_DROP(&f, IPV4_TRUNCATED);

	b_vlan(&f);
	for (f.len = 14; f.len < 18; f.len++)
		EXPECT_DROP(&f, VLAN_TRUNCATED);
	b_qinq(&f);
	for (f.len = 18; f.len < 22; f.len++)
		EXPECT_DROP(&f, VLAN_TRUNCATED);

	eth(&f, three, 3, 0x0800);
	EXPECT_DROP(&f, VLAN_TOO_DEEP);
	f.len = 22; /* cut right after the third TPID: depth is known already */
	EXPECT_DROP(&f, VLAN_TOO_DEEP);
	eth(&f, three_b, 3, 0x0806);
	arp(&f);
	EXPECT_DROP(&f, VLAN_TOO_DEEP);
}

static void bad_arp(void)
{
	struct frame f;

	eth(&f, NULL, 0, 0x0806);
	arp(&f);
	f.len = 14 + 27;
	EXPECT_DROP(&f, ARP_TRUNCATED);
	f.len = 14;
	EXPECT_DROP(&f, ARP_TRUNCATED);
	eth(&f, tag_q, 1, 0x0806);
	arp(&f);
	f.len--;
	EXPECT_DROP(&f, ARP_TRUNCATED);

	static const struct {
		uint32_t at;
		uint8_t v;
	} bad[] = {
		{ 14 + 1, 6 },	  /* htype 6 (IEEE 802) */
		{ 14 + 2, 0x86 }, /* ptype 0x8600 */
		{ 14 + 3, 0xdd }, /* ptype 0x08dd */
		{ 14 + 4, 5 },	  /* hlen 5 */
		{ 14 + 4, 0 },	  /* hlen 0 */
		{ 14 + 5, 16 },	  /* plen 16 */
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		b_arp(&f);
		set8(&f, bad[i].at, bad[i].v);
		EXPECT_DROP(&f, ARP_BAD_FORMAT);
	}
}

static void bad_ipv4_header(void)
{
	struct frame f;

	b_ipv4_tcp(&f);
	f.len = 14 + 19;
	EXPECT_DROP(&f, IPV4_TRUNCATED);

	for (unsigned int v = 0; v < 16; v++) {
		if (v == 4)
			continue;
		b_ipv4_tcp(&f);
		set8(&f, 14, (uint8_t)(v << 4 | 5));
		EXPECT_DROP(&f, IPV4_BAD_VERSION);
	}
	for (unsigned int ihl = 0; ihl < 5; ihl++) {
		b_ipv4_tcp(&f);
		set8(&f, 14, (uint8_t)(0x40 | ihl));
		EXPECT_DROP(&f, IPV4_BAD_IHL);
	}
	/* IHL 15 (60 bytes) with only 40 bytes of IPv4 in the frame. */
	b_ipv4_udp(&f);
	set8(&f, 14, 0x4f);
	f.len = 14 + 40;
	set16(&f, 16, 40);
	EXPECT_DROP(&f, IPV4_BAD_IHL);

	/* Total length below the header length. */
	uint16_t totlens[] = { 0, 1, 19 };
	for (size_t i = 0; i < ARRAY_SIZE(totlens); i++) {
		b_ipv4_tcp(&f);
		set16(&f, 16, totlens[i]);
		EXPECT_DROP(&f, IPV4_BAD_TOTLEN);
	}
	b_ipv4_options(&f);
	set16(&f, 16, 59);
	EXPECT_DROP(&f, IPV4_BAD_TOTLEN);

	/* Total length past the frame. */
	b_ipv4_tcp(&f);
	set16(&f, 16, (uint16_t)(f.len - 14 + 1));
	EXPECT_DROP(&f, IPV4_TOTLEN_OVER_FRAME);
	set16(&f, 16, 0xffff);
	EXPECT_DROP(&f, IPV4_TOTLEN_OVER_FRAME);
	b_qinq(&f);
	f.len--;
	EXPECT_DROP(&f, IPV4_TOTLEN_OVER_FRAME);
}

static void bad_l4(void)
{
	struct frame f;

	for (unsigned int doff = 0; doff < 5; doff++) {
		b_ipv4_tcp(&f);
		set8(&f, 34 + 12, (uint8_t)(doff << 4));
		EXPECT_DROP(&f, TCP_BAD_DOFF);
	}
	/* Data offset past the IP payload (30 bytes here), even though the frame is longer. */
	b_ipv4_tcp(&f);
	putz(&f, 40);
	set8(&f, 34 + 12, 8 << 4);
	EXPECT_DROP(&f, TCP_BAD_DOFF);
	set8(&f, 34 + 12, 15 << 4);
	EXPECT_DROP(&f, TCP_BAD_DOFF);
	set8(&f, 34 + 12, 7 << 4); /* 28 bytes: fits */
	CHECK_STR(drop_reason_name(parse(f.b, f.len, &(struct pkt_meta){ 0 })), "none");

	/* Fewer than 20 bytes of TCP. */
	for (unsigned int n = 0; n < 20; n++) {
		eth(&f, NULL, 0, 0x0800);
		uint32_t at = ip4(&f, 5, 6, 0);
		tcp(&f, 5, 0);
		f.len = at + 20 + n;
		ip4_end(&f, at);
		EXPECT_DROP(&f, TCP_TRUNCATED);
	}

	for (uint16_t ulen = 0; ulen < 8; ulen++) {
		b_ipv4_udp(&f);
		set16(&f, 34 + 4, ulen);
		EXPECT_DROP(&f, UDP_BAD_LEN);
	}
	b_ipv4_udp(&f);
	set16(&f, 34 + 4, 109);
	EXPECT_DROP(&f, UDP_BAD_LEN);
	set16(&f, 34 + 4, 0xffff);
	EXPECT_DROP(&f, UDP_BAD_LEN);
	set16(&f, 34 + 4, 100); /* shorter than the IP payload: accepted */
	CHECK_STR(drop_reason_name(parse(f.b, f.len, &(struct pkt_meta){ 0 })), "none");
	/* Even a fragment's UDP length must cover the UDP header. */
	b_ipv4_frag_first(&f);
	set16(&f, 34 + 4, 7);
	EXPECT_DROP(&f, UDP_BAD_LEN);

	for (unsigned int n = 0; n < 8; n++) {
		eth(&f, NULL, 0, 0x0800);
		uint32_t at = ip4(&f, 5, 17, 0);
		putz(&f, n);
		ip4_end(&f, at);
		putz(&f, 20); /* padding doesn't count */
		EXPECT_DROP(&f, UDP_TRUNCATED);
	}

	/* The same checks behind IPv6 and its extension headers. */
	b_ipv6_tcp(&f);
	set8(&f, 54 + 12, 4 << 4);
	EXPECT_DROP(&f, TCP_BAD_DOFF);
	b_ipv6_tcp(&f);
	set8(&f, 54 + 12, 11 << 4);
	EXPECT_DROP(&f, TCP_BAD_DOFF);
	b_ipv6_chain(&f);
	set16(&f, 18, 8 + 24 + 8 + 19);
	f.len = 14 + 40 + 8 + 24 + 8 + 19;
	EXPECT_DROP(&f, TCP_TRUNCATED);
	b_ipv6_udp(&f);
	set16(&f, 58 + 4, 21);
	EXPECT_DROP(&f, UDP_BAD_LEN);
	b_ipv6_ah(&f);
	set16(&f, 14 + 40 + 24 + 4, 0);
	EXPECT_DROP(&f, UDP_BAD_LEN);
	b_ipv6_ah(&f);
	set16(&f, 18, 24 + 7);
	EXPECT_DROP(&f, UDP_TRUNCATED);
}

static void bad_ipv6(void)
{
	struct frame f;

	b_ipv6_tcp(&f);
	f.len = 14 + 39;
	EXPECT_DROP(&f, IPV6_TRUNCATED);
	f.len = 14;
	EXPECT_DROP(&f, IPV6_TRUNCATED);

	for (unsigned int v = 0; v < 16; v++) {
		if (v == 6)
			continue;
		b_ipv6_tcp(&f);
		set8(&f, 14, (uint8_t)(v << 4));
		EXPECT_DROP(&f, IPV6_BAD_VERSION);
	}

	b_ipv6_tcp(&f);
	set16(&f, 18, (uint16_t)(f.len - 54 + 1));
	EXPECT_DROP(&f, IPV6_PAYLEN_OVER_FRAME);
	set16(&f, 18, 0xffff);
	EXPECT_DROP(&f, IPV6_PAYLEN_OVER_FRAME);
}

static void bad_ipv6_ext(void)
{
	struct frame f;

	/* Header length points past the payload end. */
	b_ipv6_chain(&f);
	set8(&f, 54 + 1, 20);
	EXPECT_DROP(&f, IPV6_EXT_TRUNCATED);
	/* Payload ends inside the fixed 8 bytes of the next header. */
	for (unsigned int n = 0; n < 8; n++) {
		eth(&f, NULL, 0, 0x86dd);
		uint32_t at = ip6(&f, 0);
		ext6(&f, 44, 0);
		frag6(&f, 6, 0, 1);
		f.len = at + 40 + 8 + n;
		ip6_end(&f, at);
		EXPECT_DROP(&f, IPV6_EXT_TRUNCATED);
		putz(&f, 60); /* payload end, not frame end, is the limit */
		EXPECT_DROP(&f, IPV6_EXT_TRUNCATED);
	}
	/* Headers whose length byte is past the end of the frame itself. */
	static const uint8_t lenbyte_types[] = { 0, 43, 51, 60 };
	for (size_t i = 0; i < ARRAY_SIZE(lenbyte_types); i++) {
		for (unsigned int n = 0; n < 2; n++) {
			eth(&f, NULL, 0, 0x86dd);
			uint32_t at = ip6(&f, lenbyte_types[i]);
			putz(&f, n);
			ip6_end(&f, at);
			EXPECT_DROP(&f, IPV6_EXT_TRUNCATED);
		}
	}
	/* AH whose (len + 2) * 4 runs past the payload. */
	b_ipv6_ah(&f);
	set8(&f, 54 + 1, 7);
	EXPECT_DROP(&f, IPV6_EXT_TRUNCATED);
	/* A jumbogram (payload length 0 + hop-by-hop jumbo option) is not supported. */
	eth(&f, NULL, 0, 0x86dd);
	ip6(&f, 0);
	put8(&f, 17);
	put8(&f, 0);
	put8(&f, 0xc2);
	put8(&f, 4);
	put32(&f, 70000);
	udp(&f, 0);
	EXPECT_DROP(&f, IPV6_EXT_TRUNCATED);

	/* One header more than the walk allows, all otherwise valid. */
	eth(&f, NULL, 0, 0x86dd);
	uint32_t at = ip6(&f, 0);
	for (int i = 0; i <= PKT_IPV6_EXT_MAX; i++)
		ext6(&f, i == PKT_IPV6_EXT_MAX ? 6 : 60, 0);
	tcp(&f, 5, 0);
	ip6_end(&f, at);
	EXPECT_DROP(&f, IPV6_EXT_LIMIT);
	/* A header whose next header names its own type forever. */
	eth(&f, NULL, 0, 0x86dd);
	at = ip6(&f, 60);
	for (int i = 0; i < 40; i++)
		ext6(&f, 60, 0);
	ip6_end(&f, at);
	EXPECT_DROP(&f, IPV6_EXT_LIMIT);
}

/* Every strict prefix of a valid frame: no read past len (ASan), and if it parses at all
 * (only when the cut falls in padding or after an unparsed payload) the offsets stay inside. */
static void prefix_sweep(void)
{
	static void (*const builders[])(struct frame *) = {
		b_ipv4_tcp,
		b_ipv4_tcp_opts,
		b_ipv4_udp,
		b_ipv4_icmp,
		b_ipv4_options,
		b_vlan,
		b_qinq,
		b_padded,
		b_ipv6_tcp,
		b_ipv6_udp,
		b_ipv6_chain,
		b_ipv6_frag_next,
		b_ipv6_ah,
		b_ipv4_frag_first,
		b_ipv4_frag_middle,
		b_ipv4_frag_last,
		b_arp,
		b_lldp,
	};
	struct frame f;
	struct pkt_meta m;

	for (size_t i = 0; i < ARRAY_SIZE(builders); i++) {
		builders[i](&f);
		CHECK_STR(drop_reason_name(parse(f.b, f.len, &m)), "none");
		uint32_t full = f.len;
		for (uint32_t len = 0; len < full; len++) {
			if (parse(f.b, len, &m) != DROP_NONE)
				continue;
			CHECK(m.l3_off <= len);
			CHECK((uint32_t)m.l3_off + m.l3_len <= len);
			if (m.flags & PKT_F_PORTS)
				CHECK((uint32_t)m.l4_off + 4 <= len);
			/* Only padding or an opaque payload may be cut without a drop. */
			CHECK(builders[i] == b_padded || builders[i] == b_arp ||
			      builders[i] == b_lldp);
		}
	}
}

static void drop_names(void)
{
	CHECK_STR(drop_reason_name(DROP_NONE), "none");
	CHECK(drop_reason_name(DROP_MAX) == NULL);
	CHECK(drop_reason_name((enum drop_reason) - 1) == NULL);
	for (int i = 0; i < DROP_MAX; i++) {
		const char *a = drop_reason_name((enum drop_reason)i);

		CHECK(a != NULL && a[0] != '\0');
		if (!a)
			continue;
		/* Names are statistics keys: lowercase, digits, underscore. */
		CHECK(strspn(a, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(a));
		for (int j = 0; j < i; j++) {
			const char *b = drop_reason_name((enum drop_reason)j);

			if (b && strcmp(a, b) == 0) {
				fprintf(stderr, "  reasons %d and %d share the name %s\n", j, i, a);
				check_failed_in_test++;
			}
		}
	}
}

CHECK_MAIN("pkt", TEST(valid_ipv4_tcp), TEST(valid_ipv4_udp_icmp), TEST(valid_ipv4_odd_protocols),
	   TEST(valid_ipv4_options), TEST(valid_vlan), TEST(valid_padded), TEST(valid_ipv6),
	   TEST(valid_ipv6_ext), TEST(valid_ipv4_fragments), TEST(valid_arp_lldp),
	   TEST(frame_size_limits), TEST(bad_eth_vlan), TEST(bad_arp), TEST(bad_ipv4_header),
	   TEST(bad_l4), TEST(bad_ipv6), TEST(bad_ipv6_ext), TEST(prefix_sweep), TEST(drop_names))
