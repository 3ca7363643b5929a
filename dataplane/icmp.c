/* Echo replies (RFC 792, RFC 1122 §3.2.2.6).  Requests we do not answer: fragments (the reply
 * would need reassembly), a bad ICMP checksum, a source that is broadcast, multicast, zero or
 * loopback (never answer those: they are how smurf-style amplification starts), and anything
 * shorter than the 8-byte echo header.  The reply keeps identifier, sequence and data, and
 * goes back to the MAC the request came from, so no ARP lookup is needed. */
#include <string.h>
#include "csum.h"
#include "icmp.h"

#define ICMP_ECHO_REPLY	  0
#define ICMP_ECHO_REQUEST 8
#define ICMP_HDR_LEN	  8
#define IPPROTO_ICMP_	  1
#define REPLY_TTL	  64

int icmp_is_our_ip(const uint8_t ip[4], const struct dp_addr *addrs, unsigned n_addrs)
{
	for (unsigned i = 0; i < n_addrs; i++)
		if (memcmp(ip, addrs[i].ip, 4) == 0)
			return 1;
	return 0;
}

static int icmp_src_unanswerable(const uint8_t *ip)
{
	return ip[0] == 0 || ip[0] == 127 || ip[0] >= 224 ||
	       (ip[0] == 255 && ip[1] == 255 && ip[2] == 255 && ip[3] == 255);
}

enum icmp_result icmp_echo_reply(uint8_t *frame, const struct pkt_meta *m,
				 const struct dp_addr *addrs, unsigned n_addrs)
{
	uint8_t *ip = frame + m->l3_off, *icmp = frame + m->l4_off, mac[6], a[4];
	uint32_t icmp_len;

	if (m->l3 != PKT_L3_IPV4 || m->l4_proto != IPPROTO_ICMP_ ||
	    !icmp_is_our_ip(ip + 16, addrs, n_addrs))
		return ICMP_NOT_OURS;
	if (m->flags & (PKT_F_FRAG | PKT_F_FRAG_NEXT))
		return ICMP_BAD;
	icmp_len = (uint32_t)m->l3_len - (m->l4_off - m->l3_off);
	if (icmp_len < ICMP_HDR_LEN)
		return ICMP_BAD;
	if (icmp[0] != ICMP_ECHO_REQUEST)
		return ICMP_NOT_OURS; /* other ICMP to us: the app may want it */
	if (icmp[1] != 0 || csum_fold(csum_add(0, icmp, icmp_len)) != 0 ||
	    icmp_src_unanswerable(ip + 12))
		return ICMP_BAD;

	memcpy(mac, frame, 6);
	memcpy(frame, frame + 6, 6);
	memcpy(frame + 6, mac, 6);
	memcpy(a, ip + 12, 4);
	memcpy(ip + 12, ip + 16, 4);
	memcpy(ip + 16, a, 4);
	ip[8] = REPLY_TTL;
	ip[10] = ip[11] = 0;
	store_be16(ip + 10, csum_fold(csum_add(0, ip, (uint32_t)(ip[0] & 0xf) * 4)));
	/* Recomputed, not updated incrementally: for a request whose other words are all zero
	 * the RFC 1624 update yields 0x0000, the "negative zero" a receiver rejects. */
	icmp[0] = ICMP_ECHO_REPLY;
	icmp[2] = icmp[3] = 0;
	store_be16(icmp + 2, csum_fold(csum_add(0, icmp, icmp_len)));
	return ICMP_REPLIED;
}
