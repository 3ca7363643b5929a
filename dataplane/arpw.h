/* The ARP writer: the one engine thread that owns the ARP table (rtc: worker 0; sw: the
 * thread that transmits).  Other threads look neighbours up without locks (arp_lookup) and
 * hand this one what they cannot finish themselves: received ARP frames, and packets whose
 * next hop misses or is stale.  It answers, learns, holds packets while it resolves, sends
 * them when the reply comes, retries and ages on arpw_poll, and accounts for every packet it
 * takes: tx, consumed, or one named drop. */
#ifndef VNF_ARPW_H
#define VNF_ARPW_H
#include <stdint.h>
#include "arp.h"
#include "io.h"
#include "stats.h"

struct arpw {
	struct arp *arp;
	struct io_queue *q;	 /* where it sends */
	struct pktpool *own;	 /* the pool its thread owns, NULL if none */
	struct dp_counters *ctr; /* its thread's counters */
	struct pkt *frame;	 /* scratch buffer for the frames ARP builds */
	uint8_t mac[6];		 /* ours: the source of every frame sent to a next hop */
	uint32_t held;		 /* packets held now; any thread reads it (arpw_held) */
	uint32_t hold_max;	 /* held at most, over all destinations */
	uint64_t next_tick_tsc;
	struct arp_out out;
};

/* 0 or -ENOMEM.  hold_max bounds the buffers taken out of their pools while held. */
int arpw_init(struct arpw *w, struct arp *arp, const uint8_t mac[6], uint32_t hold_max);
/* The thread that will call the rest: its queue, its own pool and its counters. */
void arpw_bind(struct arpw *w, struct io_queue *q, struct pktpool *own, struct dp_counters *ctr);
void arpw_fini(struct arpw *w);

/* Takes one packet for good: an ARP frame (meta.l3 ARP), or one with verdict
 * PKT_VERDICT_NEXTHOP. */
void arpw_take(struct arpw *w, struct pkt *p, uint64_t now_ns);
/* Retries, ages and gives up on unanswered resolutions, when due (cheap when not). */
void arpw_poll(struct arpw *w);
/* At shutdown, with the other threads stopped: drops every held packet (arp_unresolved). */
void arpw_flush(struct arpw *w);
/* Any thread. */
uint32_t arpw_held(const struct arpw *w);

/* Writes the next hop's and our MAC into the frame's Ethernet header and makes it TX. */
static inline void arpw_set_macs(struct pkt *p, const uint8_t dst[6], const uint8_t src[6])
{
	__builtin_memcpy(p->data, dst, 6);
	__builtin_memcpy(p->data + 6, src, 6);
	p->verdict = 0; /* PKT_VERDICT_TX */
}

#endif
