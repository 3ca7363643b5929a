/* Packet parsing: a pure function from (frame, length) to metadata or a drop reason.
 * Fields are offsets into the frame so the hash reads addresses and ports in place. */
#ifndef VNF_PKT_H
#define VNF_PKT_H
#include "drop.h"
#include "portable.h"

enum pkt_l3 {
	PKT_L3_OTHER = 0, /* not IP, not ARP (LLDP, unknown ethertypes): delivered to worker 0 */
	PKT_L3_ARP,
	PKT_L3_IPV4,
	PKT_L3_IPV6,
};

#define PKT_F_FRAG	0x01 /* IPv4 MF or offset != 0, or IPv6 fragment header present */
#define PKT_F_FRAG_NEXT 0x02 /* not the first fragment: no L4 header present */
#define PKT_F_PORTS	0x04 /* l4_off points at TCP or UDP ports (validated) */

#define PKT_VLAN_MAX	 2 /* 802.1ad outer + 802.1Q inner */
#define PKT_IPV6_EXT_MAX 8 /* bounded walk over extension headers */

struct pkt_meta {
	uint16_t ethertype; /* after tags, host order */
	uint16_t l3_off;    /* start of ARP/IPv4/IPv6 header */
	uint16_t l4_off;    /* start of L4 header (valid if l4_proto != 0 and not FRAG_NEXT) */
	uint16_t l3_len;  /* IPv4 total length / IPv6 40 + payload length; Ethernet padding excluded
			   */
	uint8_t l3;	  /* enum pkt_l3 */
	uint8_t l4_proto; /* IP protocol / IPv6 upper-layer next header */
	uint8_t vlans;	  /* number of tags */
	uint8_t flags;	  /* PKT_F_* */
};

/* Parses an Ethernet frame.  Returns DROP_NONE and fills *m, or the reason to drop it. */
enum drop_reason pkt_parse(const uint8_t *frame, uint32_t len, struct pkt_meta *m);

#endif
