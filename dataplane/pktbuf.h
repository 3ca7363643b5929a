/* Packet buffers and their pools.  A pool belongs to the thread that receives into it (the
 * RX I/O thread in sw mode, each worker in run-to-completion mode).  The owner takes and puts
 * buffers without atomics; exactly one other thread (the TX I/O thread when io_cores is 2) may
 * hand buffers back through an SPSC return ring. */
#ifndef VNF_PKTBUF_H
#define VNF_PKTBUF_H
#include <stdint.h>
#include "common.h"
#include "pkt.h"
#include "ring.h"

#define PKT_HEADROOM 64
#define PKT_DATA_MAX 2048

/* What the app decided for a packet (pkt->verdict). */
enum pkt_verdict {
	PKT_VERDICT_TX = 0,   /* send it out of the port */
	PKT_VERDICT_CONSUMED, /* the app used it up (sink, local delivery) */
	PKT_VERDICT_DROP,     /* the app dropped it: counted as app_drop */
	/* Send it to the IPv4 next hop in pkt->nexthop: the engine finds the neighbour's MAC
	 * (ARP, holding the packet meanwhile) and writes both Ethernet addresses. */
	PKT_VERDICT_NEXTHOP,
	PKT_VERDICT_WRITER, /* engine only: for the thread that owns the ARP table */
};

struct pktpool;

struct pkt {
	uint8_t *data;	      /* frame start (Ethernet header) */
	uint16_t len;	      /* frame length */
	uint8_t verdict;      /* enum pkt_verdict, set by the app */
	uint8_t drop;	      /* with PKT_VERDICT_DROP: an enum drop_reason, 0 = app_drop */
	uint32_t hash;	      /* RSS hash, 0 for non-IP */
	struct pkt_meta meta; /* filled by pkt_parse before the app runs */
	uint8_t nexthop[4];   /* PKT_VERDICT_NEXTHOP: the neighbour's IPv4 address */
	struct pktpool *pool;
	uint8_t buf[PKT_HEADROOM + PKT_DATA_MAX] __cache_aligned;
};

struct pktpool {
	struct pkt **stack; /* owner only */
	uint32_t n_free;    /* owner only */
	uint32_t size;
	struct ring ret; /* remote thread -> owner */
	void **ret_slots;
	struct pkt *mem;
};

/* Allocates n buffers.  -ENOMEM on failure. */
int pktpool_create(struct pktpool *p, uint32_t n);
void pktpool_destroy(struct pktpool *p);

/* Owner: up to n buffers (fewer only when the pool is empty). */
static inline uint32_t pktpool_get_burst(struct pktpool *p, struct pkt **pkts, uint32_t n)
{
	if (unlikely(p->n_free < n)) {
		/* Pull back what the remote thread returned; the stack has room for all of it. */
		p->n_free += ring_dequeue_burst_spsc(&p->ret, (void **)p->stack + p->n_free,
						     p->size - p->n_free);
		if (p->n_free < n)
			n = p->n_free;
	}
	p->n_free -= n;
	/* Buffers come back from other cores: claim all their lines at once, so the misses
	 * overlap instead of stalling one packet at a time. */
	for (uint32_t i = 0; i < n; i++) {
		struct pkt *k = p->stack[p->n_free + i];
		__builtin_prefetch(k, 1);
		__builtin_prefetch(k->buf + PKT_HEADROOM, 1);
	}
	for (uint32_t i = 0; i < n; i++) {
		struct pkt *k = p->stack[p->n_free + i];
		k->data = k->buf + PKT_HEADROOM;
		k->verdict = PKT_VERDICT_TX;
		k->drop = 0;
		pkts[i] = k;
	}
	return n;
}

/* Owner: gives buffers back. */
static inline void pktpool_put_burst(struct pktpool *p, struct pkt *const *pkts, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		p->stack[p->n_free + i] = pkts[i];
	p->n_free += n;
}

/* The single remote thread: gives buffers back.  Never fails: the ring holds the whole pool. */
static inline void pktpool_return_burst_spsc(struct pktpool *p, struct pkt *const *pkts, uint32_t n)
{
	ring_enqueue_burst_spsc(&p->ret, (void *const *)pkts, n);
}

/* Owner, when no other thread runs: buffers currently free (stack + return ring). */
uint32_t pktpool_count_free(struct pktpool *p);

#endif
