/* The decisions of the VALE lookup, as pure functions on a frame: the destination switch port
 * (MAC learning, with the rules of VALE's own lookup) and the destination ring (the project's
 * Toeplitz hash, tuple and RETA: dataplane/pkt.c and rss.c, the code vnfdp runs).  Built into
 * the kernel module and, in user space, into tests/unit/test_vale_rss.c. */
#ifndef VALE_RSS_CORE_H
#define VALE_RSS_CORE_H
#include "portable.h"
#include "rss.h"

#define VR_PORTS_MAX  254		   /* NM_BDG_MAXPORTS */
#define VR_BROADCAST  VR_PORTS_MAX	   /* NM_BDG_BROADCAST: every port but the source */
#define VR_NOPORT     (VR_PORTS_MAX + 1)   /* NM_BDG_NOPORT: drop */
#define VR_RINGS_MAX  16		   /* NM_BDG_MAXRINGS: the switch indexes 16 per port */
#define VR_LEARN_BITS 10
#define VR_LEARN_SIZE (1u << VR_LEARN_BITS) /* NM_BDG_HASH, as VALE's own table */
#define VR_ETH_HLEN   14

/* Each entry is one 64-bit word, MAC << 16 | (port + 1), 0 when empty: senders on several CPUs
 * write it without a lock (as VALE does), and a reader never sees one port's MAC with another
 * port's number. */
struct vr_learn {
	uint64_t ent[VR_LEARN_SIZE];
};

/* Learns the source MAC (unicast sources only) on src_port, then returns the destination:
 * VR_BROADCAST for group addresses and unknown unicast, the learned port otherwise.  The
 * caller has checked len >= VR_ETH_HLEN. */
uint32_t vr_learn_port(struct vr_learn *t, const uint8_t *frame, uint32_t src_port);
/* Forgets every MAC learned on port (it left the switch). */
void vr_learn_forget(struct vr_learn *t, uint32_t port);
/* The ring of a unicast frame when the destination spreads over rings rings (1..16):
 * IPv4/IPv6 TCP/UDP by 4-tuple, fragments and other IP by 2-tuple, with r's key; the queue is
 * r's RETA when rings == r->queues and an equal RETA of r->reta_size entries otherwise
 * (rss_reta_set_equal), so `vnfctl rss --queues RINGS` predicts it.  Everything else (ARP,
 * frames pkt_parse refuses) goes to ring 0, where vnfdp sends what it cannot hash. */
unsigned vr_ring_of(const struct rss *r, const uint8_t *frame, uint32_t len, unsigned rings);

#endif
