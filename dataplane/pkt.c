/* Ethernet frame parser for the RX hot path.
 *
 * Every length field read from the frame is checked against the bytes actually present before
 * anything is read through it, and lengths are only ever subtracted from larger values, so a
 * hostile frame can neither make us read past len nor wrap a remaining-length counter.  The
 * only loop is the IPv6 extension-header walk, bounded by PKT_IPV6_EXT_MAX headers.
 *
 * Choices a reader might not expect:
 *  - Frames over 65535 bytes are dropped (eth_giant) so every offset and length fits the 16-bit
 *    fields of pkt_meta and l3_off + l3_len <= len always holds in 16-bit arithmetic.
 *  - 0x9100 is accepted as a tag only in the outermost position, as old QinQ gear used it;
 *    further in it is just an unknown ethertype (PKT_L3_OTHER).
 *  - IPv6 payload length 0 is taken literally.  Jumbograms (RFC 2675) need a link MTU above
 *    65575 and cannot arrive on an Ethernet vNIC, so one shows up as ipv6_ext_truncated (its
 *    hop-by-hop header lies past a zero-length payload); no special case on the hot path.
 *  - The first fragment of a UDP datagram carries the whole datagram's length, so the
 *    "UDP length <= IP payload" check is skipped for fragments; the TCP header, by contrast,
 *    must fit the first fragment (RFC 1858 tiny-fragment rule), so its checks stay.
 *  - A first fragment still gets PKT_F_PORTS (the ports are there and validated); RSS must
 *    look at PKT_F_FRAG to keep all fragments of a datagram on one queue.
 *
 * On a drop, *m holds whatever was parsed so far and must not be used. */
#include "pkt.h"
#include "portable.h"

#define ETH_HLEN       14
#define VLAN_HLEN      4
#define ETH_P_IPV4     0x0800
#define ETH_P_ARP      0x0806
#define ETH_P_IPV6     0x86dd
#define ETH_P_8021Q    0x8100
#define ETH_P_8021AD   0x88a8
#define ETH_P_QINQ_OLD 0x9100

#define ARP_LEN	      28
#define IPV4_MIN_HLEN 20
#define IPV6_HLEN     40
#define IPV6_EXT_MIN  8 /* every extension header we walk is at least 8 bytes */
#define TCP_MIN_HLEN  20
#define UDP_HLEN      8

/* The tag walk below is unrolled for exactly two tags. */
_Static_assert(PKT_VLAN_MAX == 2, "pkt_parse unrolls the VLAN walk for two tags");

static inline int is_tpid_outer(uint16_t t)
{
	return t == ETH_P_8021Q || t == ETH_P_8021AD || t == ETH_P_QINQ_OLD;
}

static inline int is_tpid_inner(uint16_t t)
{
	return t == ETH_P_8021Q || t == ETH_P_8021AD;
}

/* q points at the L4 header; pl is what the IP header says follows it (already checked to be
 * present in the frame). */
static inline enum drop_reason parse_l4(const uint8_t *q, uint32_t pl, struct pkt_meta *m)
{
	uint32_t hl;

	if (m->flags & PKT_F_FRAG_NEXT)
		return DROP_NONE;
	switch (m->l4_proto) {
	case IPPROTO_TCP:
		if (unlikely(pl < TCP_MIN_HLEN))
			return DROP_TCP_TRUNCATED;
		hl = (uint32_t)(q[12] >> 4) * 4;
		if (unlikely(hl < TCP_MIN_HLEN || hl > pl))
			return DROP_TCP_BAD_DOFF;
		break;
	case IPPROTO_UDP:
		if (unlikely(pl < UDP_HLEN))
			return DROP_UDP_TRUNCATED;
		hl = load_be16(q + 4);
		if (unlikely(hl < UDP_HLEN || (hl > pl && !(m->flags & PKT_F_FRAG))))
			return DROP_UDP_BAD_LEN;
		break;
	default:
		return DROP_NONE;
	}
	m->flags |= PKT_F_PORTS;
	return DROP_NONE;
}

static inline enum drop_reason parse_ipv4(const uint8_t *p, uint32_t rem, struct pkt_meta *m)
{
	uint32_t ihl, tot, frag;

	if (unlikely(rem < IPV4_MIN_HLEN))
		return DROP_IPV4_TRUNCATED;
	if (unlikely(p[0] >> 4 != 4))
		return DROP_IPV4_BAD_VERSION;
	ihl = (uint32_t)(p[0] & 0xf) * 4;
	if (unlikely(ihl < IPV4_MIN_HLEN || ihl > rem))
		return DROP_IPV4_BAD_IHL;
	tot = load_be16(p + 2);
	if (unlikely(tot < ihl))
		return DROP_IPV4_BAD_TOTLEN;
	if (unlikely(tot > rem))
		return DROP_IPV4_TOTLEN_OVER_FRAME;

	frag = load_be16(p + 6);
	m->l3 = PKT_L3_IPV4;
	m->l3_len = (uint16_t)tot;
	m->l4_proto = p[9];
	m->l4_off = (uint16_t)(m->l3_off + ihl);
	/* MF or offset: some fragment; offset alone: not the one holding the L4 header. */
	m->flags =
		(uint8_t)((frag & 0x3fff ? PKT_F_FRAG : 0) | (frag & 0x1fff ? PKT_F_FRAG_NEXT : 0));
	return parse_l4(p + ihl, tot - ihl, m);
}

static inline int is_ipv6_ext(uint8_t nh)
{
	switch (nh) {
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_FRAGMENT:
	case IPPROTO_AH:
	case IPPROTO_DSTOPTS:
		return 1;
	default:
		return 0;
	}
}

static inline enum drop_reason parse_ipv6(const uint8_t *p, uint32_t rem, struct pkt_meta *m)
{
	const uint8_t *q;
	uint32_t end, off = IPV6_HLEN, hl;
	uint8_t nh;

	if (unlikely(rem < IPV6_HLEN))
		return DROP_IPV6_TRUNCATED;
	if (unlikely(p[0] >> 4 != 6))
		return DROP_IPV6_BAD_VERSION;
	end = IPV6_HLEN + (uint32_t)load_be16(p + 4);
	if (unlikely(end > rem))
		return DROP_IPV6_PAYLEN_OVER_FRAME;

	m->l3 = PKT_L3_IPV6;
	m->l3_len = (uint16_t)end;
	nh = p[6];
	/* Invariant: off <= end, so end - off never wraps.  A zero-length header still advances
	 * 8 bytes, and the count bound stops self-referencing chains. */
	for (unsigned int n = 0; is_ipv6_ext(nh); n++) {
		if (unlikely(n == PKT_IPV6_EXT_MAX))
			return DROP_IPV6_EXT_LIMIT;
		if (unlikely(end - off < IPV6_EXT_MIN))
			return DROP_IPV6_EXT_TRUNCATED;
		q = p + off;
		if (nh == IPPROTO_FRAGMENT)
			hl = IPV6_EXT_MIN;
		else if (nh == IPPROTO_AH)
			hl = ((uint32_t)q[1] + 2) * 4;
		else
			hl = ((uint32_t)q[1] + 1) * 8;
		if (unlikely(hl > end - off))
			return DROP_IPV6_EXT_TRUNCATED;
		if (nh == IPPROTO_FRAGMENT)
			m->flags |= (uint8_t)(PKT_F_FRAG |
					      (load_be16(q + 2) & 0xfff8 ? PKT_F_FRAG_NEXT : 0));
		nh = q[0];
		off += hl;
		/* Past a non-first fragment header is the middle of a datagram, not headers. */
		if (m->flags & PKT_F_FRAG_NEXT)
			break;
	}
	m->l4_proto = nh;
	m->l4_off = (uint16_t)(m->l3_off + off);
	return parse_l4(p + off, end - off, m);
}

enum drop_reason pkt_parse(const uint8_t *frame, uint32_t len, struct pkt_meta *m)
{
	uint32_t off = ETH_HLEN, rem;
	uint16_t type;

	*m = (struct pkt_meta){ 0 };
	if (unlikely(len < ETH_HLEN))
		return DROP_ETH_RUNT;
	if (unlikely(len > 0xffff))
		return DROP_ETH_GIANT;

	type = load_be16(frame + 12);
	if (is_tpid_outer(type)) {
		if (unlikely(len - off < VLAN_HLEN))
			return DROP_VLAN_TRUNCATED;
		type = load_be16(frame + off + 2);
		off += VLAN_HLEN;
		m->vlans = 1;
		if (is_tpid_inner(type)) {
			if (unlikely(len - off < VLAN_HLEN))
				return DROP_VLAN_TRUNCATED;
			type = load_be16(frame + off + 2);
			off += VLAN_HLEN;
			m->vlans = 2;
			if (unlikely(is_tpid_inner(type)))
				return DROP_VLAN_TOO_DEEP;
		}
	}

	m->ethertype = type;
	m->l3_off = (uint16_t)off;
	rem = len - off;
	switch (type) {
	case ETH_P_IPV4:
		return parse_ipv4(frame + off, rem, m);
	case ETH_P_IPV6:
		return parse_ipv6(frame + off, rem, m);
	case ETH_P_ARP:
		if (unlikely(rem < ARP_LEN))
			return DROP_ARP_TRUNCATED;
		/* htype 1, ptype 0x0800, hlen 6, plen 4 in one compare each. */
		if (unlikely(load_be32(frame + off) != 0x00010800 ||
			     load_be16(frame + off + 4) != 0x0604))
			return DROP_ARP_BAD_FORMAT;
		m->l3 = PKT_L3_ARP;
		m->l3_len = ARP_LEN;
		return DROP_NONE;
	default:
		m->l3 = PKT_L3_OTHER;
		m->l3_len = (uint16_t)rem;
		return DROP_NONE;
	}
}
