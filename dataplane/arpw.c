#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>
#include "arpw.h"
#include "txq.h"

/* arp_tick every 2^24 TSC cycles (a few ms): retries are a second apart by default. */
#define ARPW_TICK_TSC (1ull << 24)

int arpw_init(struct arpw *w, struct arp *arp, const uint8_t mac[6], uint32_t hold_max)
{
	memset(w, 0, sizeof(*w));
	w->arp = arp;
	w->hold_max = hold_max;
	memcpy(w->mac, mac, 6);
	w->frame = aligned_alloc(CACHE_LINE, sizeof(*w->frame));
	if (!w->frame)
		return -ENOMEM;
	memset(w->frame, 0, sizeof(*w->frame));
	w->frame->data = w->frame->buf + PKT_HEADROOM;
	return 0;
}

void arpw_bind(struct arpw *w, struct io_queue *q, struct pktpool *own, struct dp_counters *ctr)
{
	w->q = q;
	w->own = own;
	w->ctr = ctr;
}

void arpw_fini(struct arpw *w)
{
	free(w->frame);
	w->frame = NULL;
}

uint32_t arpw_held(const struct arpw *w)
{
	return __atomic_load_n(&w->held, __ATOMIC_RELAXED);
}

static void held_sub(struct arpw *w, uint32_t n)
{
	__atomic_store_n(&w->held, w->held - n, __ATOMIC_RELAXED);
}

static void drop_one(struct arpw *w, struct pkt *p, enum drop_reason r)
{
	ctr_add(&w->ctr->drops[r], 1);
	txq_release(w->own, &p, 1);
}

/* What ARP produced: its own frames (requests, a reply) are not packets anyone received, so
 * they stay out of the tx count; the packets it released are sent or dropped. */
static void arpw_emit(struct arpw *w, struct arp_out *out)
{
	for (uint32_t i = 0; i < out->n_frames; i++) {
		memcpy(w->frame->data, out->frame[i], ARP_FRAME_LEN);
		w->frame->len = ARP_FRAME_LEN;
		for (int tries = 0; tries < TXQ_RETRIES; tries++)
			if (w->q->tx_burst(w->q, &w->frame, 1))
				break;
	}
	if (out->fate == ARP_PKTS_NONE || out->n_pkts == 0)
		return;
	struct pkt **pkts = (struct pkt **)out->pkt;
	held_sub(w, out->n_pkts);
	if (out->fate == ARP_PKTS_SEND) {
		for (uint32_t i = 0; i < out->n_pkts; i++)
			arpw_set_macs(pkts[i], out->mac, w->mac);
		txq_send(w->q, w->ctr, pkts, (uint16_t)out->n_pkts);
	} else {
		ctr_add(&w->ctr->drops[DROP_ARP_UNRESOLVED], out->n_pkts);
	}
	txq_release(w->own, pkts, out->n_pkts);
}

static void arpw_take_frame(struct arpw *w, struct pkt *p, uint64_t now)
{
	struct arp_out *out = &w->out;

	arp_input(w->arp, p->data, p->len, &p->meta, now, out);
	/* A request for us comes back as its reply, in the same buffer. */
	if (out->n_frames) {
		memcpy(p->data, out->frame[0], ARP_FRAME_LEN);
		p->len = ARP_FRAME_LEN;
		txq_send(w->q, w->ctr, &p, 1);
		out->n_frames = 0;
	} else {
		ctr_add(&w->ctr->consumed, 1);
	}
	txq_release(w->own, &p, 1);
	arpw_emit(w, out);
}

static void arpw_take_nexthop(struct arpw *w, struct pkt *p, uint64_t now)
{
	struct arp_out *out = &w->out;
	uint8_t mac[6];
	enum arp_resolve_result r;

	/* Past the budget it still asks, so the neighbour is known once the budget frees up,
	 * but keeps nothing. */
	r = arp_resolve(w->arp, p->nexthop, w->held < w->hold_max ? p : NULL, now, mac, out);
	if (r == ARP_HELD && w->held >= w->hold_max) {
		drop_one(w, p, DROP_ARP_HOLD_FULL);
		arpw_emit(w, out);
		return;
	}
	switch (r) {
	case ARP_RESOLVED:
		arpw_set_macs(p, mac, w->mac);
		txq_send(w->q, w->ctr, &p, 1);
		txq_release(w->own, &p, 1);
		break;
	case ARP_HELD:
		__atomic_store_n(&w->held, w->held + 1, __ATOMIC_RELAXED);
		break;
	case ARP_REFUSED:
		drop_one(w, p, DROP_ARP_REFUSED);
		break;
	}
	arpw_emit(w, out);
}

void arpw_take(struct arpw *w, struct pkt *p, uint64_t now_ns)
{
	if (p->verdict == PKT_VERDICT_NEXTHOP)
		arpw_take_nexthop(w, p, now_ns);
	else
		arpw_take_frame(w, p, now_ns);
}

void arpw_poll(struct arpw *w)
{
	uint64_t tsc = __rdtsc(), now;

	if (tsc < w->next_tick_tsc)
		return;
	w->next_tick_tsc = tsc + ARPW_TICK_TSC;
	now = clock_now_ns();
	for (int more = 1; more;) {
		more = arp_tick(w->arp, now, &w->out);
		arpw_emit(w, &w->out);
	}
}

void arpw_flush(struct arpw *w)
{
	while (arp_flush(w->arp, &w->out))
		arpw_emit(w, &w->out);
}
