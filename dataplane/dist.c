#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>
#include "arp.h"
#include "arpw.h"
#include "dist.h"
#include "flowtrack.h"
#include "icmp.h"
#include "pkt.h"
#include "rss.h"
#include "txq.h"

#define IDLE_SPINS_BEFORE_YIELD 32
#define IDLE_POLLS_BEFORE_SLEEP 2048
#define IDLE_SLEEP_NS		50000
#define HANDOFF_WAIT_TSC	8192 /* about 3 us at 2.5 GHz */
#define TX_ROUND_BURSTS		4
/* Output ring entries carry the verdict in the pointer's low bits (packets are cache-line
 * aligned), so the TX side never has to pull the packet's header line from the worker. */
#define OUT_TAG_NO_TX  ((uintptr_t)1) /* consumed or dropped: only the buffer goes home */
#define OUT_TAG_WRITER ((uintptr_t)2) /* for the ARP writer (sw: the TX side) */
#define OUT_TAG_MASK   ((uintptr_t)3)

/* rtc with addrs: ARP frames a worker may have waiting for worker 0 (ARP is rare; a burst of
 * more than this is dropped and counted as arp_queue_full). */
#define DIST_ARP_RING 64
/* Packets the ARP writer holds at most while it resolves next hops, over all of them; every
 * pool they can come from has this many buffers more. */
#define DIST_ARP_HOLD_MAX 256
/* sw with an external app: buffers per worker for the packets it makes itself. */
#define DIST_EXT_POOL 1024
/* Next-hop MACs each worker keeps (direct-mapped, a power of two). */
#define DIST_NH_CACHE 64

struct dist_worker {
	struct dp_counters ctr; /* writer: this worker */
	struct ring in;		/* sw: RX thread -> worker */
	struct ring out;	/* sw: worker -> TX thread */
	int done;		/* writer: worker (release); reader: TX side, dist_stop */

	/* RX thread only (sw): staged packets and the overflow FIFO in front of `in`. */
	struct pkt **stage __cache_aligned; /* room for two bursts */
	uint16_t n_stage;
	uint64_t stage_tsc; /* when the oldest staged packet arrived */
	struct pkt **ovf;
	uint32_t ovf_head, ovf_cap;
	uint32_t ovf_count; /* writer: RX thread; reader: statistics */

	/* Worker only. */
	struct pkt **pending __cache_aligned; /* sw: processed, not yet taken by `out` */
	uint16_t n_pending;
	struct app_ctx app;
	struct pktpool pool;	/* rtc: this worker's receive pool; sw with an external app: the
				   buffers it sends its own packets from */
	struct io_queue *q;	/* rtc: this worker's queue pair */
	struct flowtrack flows; /* stats.flows: packets per flow hash; max 0 = off */
	/* Next hops this worker resolved lately, valid while ARP's generation is unchanged: a
	 * router's few gateways then cost a compare, not a table lookup, per packet. */
	struct nh_cache {
		uint32_t ip;  /* host order; 0 = empty */
		uint32_t gen; /* arp_generation when copied */
		uint8_t mac[6];
	} nhc[DIST_NH_CACHE];
	/* ARP (with addrs): in rtc mode worker 0 is the table's one writer, and the other
	 * workers hand it ARP frames and packets whose next hop they cannot resolve through
	 * arp_in. */
	struct ring arp_in; /* rtc, workers 1..: this worker -> worker 0 */
	void **arp_in_slots;
	int is_writer; /* rtc worker 0 with ARP */

	/* Set up before start, read-only after. */
	struct dist *d;
	void **in_slots, **out_slots;
	pthread_t thread;
	int started;
	int app_ready; /* the app's init succeeded: fini is owed */
	uint16_t id;
	int16_t cpu;
};

struct dist_io {
	struct dp_counters ctr; /* writer: this I/O thread */
	pthread_t thread;
	int started;
	int16_t cpu;
	const char *role;
};

struct dist {
	struct dp_config cfg;
	const struct app_ops *app;
	void *app_shared; /* the app's create() */
	int app_created;
	struct rss rss;
	struct io_port port;
	int port_open;
	struct pktpool rx_pool; /* sw: receive pool of the RX thread */
	struct arp *arp;	/* with addrs: ARP for our addresses; NULL without */
	struct arpw arpw;	/* its writer: rtc worker 0, sw the TX side */
	struct dist_worker *w;
	uint16_t n_workers;
	int sw;
	/* sw: io[0] receives (and transmits if io_cores is 1), io[1] transmits */
	struct dist_io io[2];
	uint8_t n_io;
	uint64_t in_flight_max;
	struct timespec started_at;

	int stop;	      /* writer: dist_stop; readers: RX thread, rtc workers */
	int rx_done;	      /* writer: RX thread once nothing more enters worker rings */
	uint64_t deadline_ns; /* writer: dist_stop before setting stop; readers: all threads */
	int stopped;
	int joined;   /* every thread has exited: snapshots are final */
	int lossless; /* set before start; read-only after */
	int ext;      /* external app (vnfio): the caller's threads are the workers */
};

/* Busy-poll while traffic flows; after a while without any, yield, and after longer, sleep,
 * so an idle dataplane (or one sharing too few cores) gives its CPUs away.  Sleeping starts
 * only after thousands of empty polls (about a millisecond), far more than a loaded port is
 * ever idle, so it costs no packets under load. */
static inline void idle_wait(unsigned *idle)
{
	static const struct timespec nap = { 0, IDLE_SLEEP_NS };

	if (++*idle < IDLE_SPINS_BEFORE_YIELD) {
		__builtin_ia32_pause();
	} else if (*idle < IDLE_POLLS_BEFORE_SLEEP) {
		sched_yield();
	} else {
		*idle = IDLE_POLLS_BEFORE_SLEEP; /* keep sleeping until work comes */
		nanosleep(&nap, NULL);
	}
}

/* Accounts for one poll that moved `work` packets.  Only a poll that moved at least a quarter
 * burst counts as load: a thread that keeps finding a packet or two (a lightly loaded port)
 * yields and then naps like an idle one, so it lets a thread sharing its CPU run and lets its
 * next burst fill up, instead of spinning on single packets. */
static inline void poll_done(unsigned *idle, unsigned work, unsigned burst)
{
	if (work * 4 >= burst && work)
		*idle = 0;
	else
		idle_wait(idle);
}

static int past_deadline(struct dist *d)
{
	return clock_now_ns() > __atomic_load_n(&d->deadline_ns, __ATOMIC_ACQUIRE);
}

static struct dist_io *tx_io(struct dist *d)
{
	return &d->io[d->n_io - 1];
}

/* A burst handed over from another core is cold here: ask for all of its lines at once so the
 * misses overlap instead of being paid one packet at a time. */
static void prefetch_burst(struct pkt *const *pkts, uint16_t n)
{
	/* The frame's usual place, not pkts[i]->data: reading the pointer would wait for the
	 * header's miss and serialise the burst.  A frame elsewhere only costs the hint. */
	for (uint16_t i = 0; i < n; i++) {
		__builtin_prefetch(pkts[i], 1);
		__builtin_prefetch(pkts[i]->buf + PKT_HEADROOM, 1);
	}
}

/* Runs the app on parsed packets and counts the verdicts on the worker. */
/* Before the app runs: it may rewrite the addresses the flow is known by. */
static void worker_track_flows(struct dist_worker *w, struct pkt **pkts, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		struct pkt *p = pkts[i];
		if (p->meta.l3 != PKT_L3_IPV4 && p->meta.l3 != PKT_L3_IPV6)
			continue;
		/* sw mode hashed on the RX thread; in rtc mode the port spread the flows. */
		flowtrack_add(&w->flows,
			      w->d->sw ? p->hash : rss_hash_frame(&w->d->rss, p->data, &p->meta));
	}
}

/* Hands p to the ARP writer.  Returns 1 when p is no longer this worker's (rtc), 0 when it
 * stays in the burst with its verdict set (sw: the TX side takes it from the output ring; or
 * dropped because worker 0's queue is full). */
static int worker_to_writer(struct dist_worker *w, struct pkt *p)
{
	if (w->d->sw) {
		if (p->verdict != PKT_VERDICT_NEXTHOP)
			p->verdict = PKT_VERDICT_WRITER;
		return 0;
	}
	if (w->is_writer) {
		arpw_take(&w->d->arpw, p, clock_now_ns());
		return 1;
	}
	if (ring_enqueue_burst_spsc(&w->arp_in, (void *const *)&p, 1))
		return 1;
	p->verdict = PKT_VERDICT_DROP;
	ctr_add(&w->ctr.drops[DROP_ARP_QUEUE_FULL], 1);
	return 0;
}

/* Frames for the dataplane itself are handled here and never reach the app: ICMP echo
 * requests to our addresses, and ARP (for the ARP writer).  Layout afterwards: pkts[0, k) for
 * the app, [k, *kept) with their verdict set here; returns k. */
static uint16_t worker_local_stage(struct dist_worker *w, struct pkt **pkts, uint16_t n,
				   uint16_t *kept)
{
	const struct dp_config *c = &w->d->cfg;
	struct pkt *local[n];
	uint16_t k = 0, m = 0, bad = 0, handed = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct pkt *p = pkts[i];
		enum icmp_result r = ICMP_NOT_OURS;

		if (unlikely(p->meta.l3 == PKT_L3_ARP) && w->d->arp) {
			if (worker_to_writer(w, p))
				handed++;
			else
				local[m++] = p;
			continue;
		}
		if (p->meta.l4_proto == 1 && p->meta.l3 == PKT_L3_IPV4)
			r = icmp_echo_reply(p->data, &p->meta, c->addrs, c->n_addrs);
		if (likely(r == ICMP_NOT_OURS)) {
			pkts[k++] = p;
			continue;
		}
		p->verdict = r == ICMP_REPLIED ? PKT_VERDICT_TX : PKT_VERDICT_DROP;
		bad += r == ICMP_BAD;
		local[m++] = p;
	}
	if (m)
		memcpy(pkts + k, local, m * sizeof(*local));
	if (bad)
		ctr_add(&w->ctr.drops[DROP_ICMP_UNANSWERED], bad);
	*kept = (uint16_t)(n - handed);
	return k;
}

/* Packets the app sent to a next hop: a neighbour every worker can read in the ARP table is
 * written in place; a missing or stale one is the ARP writer's job.  Compacts pkts[0, n)
 * over the packets handed away; returns how many stay. */
static uint16_t worker_nexthops(struct dist_worker *w, struct pkt **pkts, uint16_t n)
{
	struct dist *d = w->d;
	uint16_t kept = 0, unresolved = 0;
	uint32_t gen = d->arp ? arp_generation(d->arp) : 0;

	for (uint16_t i = 0; i < n; i++) {
		struct pkt *p = pkts[i];

		if (p->verdict == PKT_VERDICT_NEXTHOP) {
			uint32_t ip = load_be32(p->nexthop);
			struct nh_cache *c =
				&w->nhc[(ip * 2654435761u) >> 26 & (DIST_NH_CACHE - 1)];

			if (likely(c->ip == ip && c->gen == gen && ip)) {
				arpw_set_macs(p, c->mac, d->arpw.mac);
			} else if (unlikely(!d->arp)) {
				p->verdict = PKT_VERDICT_DROP;
				unresolved++;
			} else if (arp_lookup(d->arp, p->nexthop, c->mac) == ARP_LOOKUP_HIT) {
				/* gen was read before the lookup: a change since shows as a miss */
				c->ip = ip;
				c->gen = gen;
				arpw_set_macs(p, c->mac, d->arpw.mac);
			} else {
				c->ip = 0; /* its mac was just overwritten */
				if (worker_to_writer(w, p))
					continue;
			}
		}
		pkts[kept++] = p;
	}
	if (unresolved)
		ctr_add(&w->ctr.drops[DROP_ARP_UNRESOLVED], unresolved);
	return kept;
}

/* Before the app: flow statistics and the dataplane's own frames.  Returns k: pkts[0, k) are
 * the app's, [k, *kept) have their verdict set here (the rest went to the ARP writer). */
static uint16_t worker_rx_stage(struct dist_worker *w, struct pkt **pkts, uint16_t n,
				uint16_t *kept)
{
	uint16_t k = n;

	*kept = n;
	if (unlikely(w->flows.max))
		worker_track_flows(w, pkts, n);
	if (w->d->cfg.n_addrs)
		k = worker_local_stage(w, pkts, n, kept);
	ctr_add(&w->ctr.handled, n);
	return k;
}

/* After the app: counts what it consumed and dropped among pkts[0, k) and resolves next hops
 * among pkts[0, kept); returns how many are still this worker's, all with their verdict. */
static uint16_t worker_app_done(struct dist_worker *w, struct pkt **pkts, uint16_t k, uint16_t kept)
{
	uint16_t consumed = 0, dropped = 0, nexthops = 0;

	for (uint16_t i = 0; i < k; i++) {
		const struct pkt *p = pkts[i];
		consumed += p->verdict == PKT_VERDICT_CONSUMED;
		nexthops += p->verdict == PKT_VERDICT_NEXTHOP;
		if (p->verdict == PKT_VERDICT_DROP) {
			/* an app may name its reason */
			if (p->drop && p->drop < DROP_MAX)
				ctr_add(&w->ctr.drops[p->drop], 1);
			else
				dropped++;
		}
	}
	if (consumed)
		ctr_add(&w->ctr.consumed, consumed);
	if (dropped)
		ctr_add(&w->ctr.drops[DROP_APP_DROP], dropped);
	if (nexthops)
		kept = worker_nexthops(w, pkts, kept);
	return kept;
}

/* Runs the local stage and the app; returns how many of the n packets are still this
 * worker's (the rest went to the ARP writer), all with their verdict set. */
static uint16_t worker_run_app(struct dist_worker *w, struct pkt **pkts, uint16_t n)
{
	uint16_t kept, k = worker_rx_stage(w, pkts, n, &kept);

	if (k)
		w->d->app->process_burst(&w->app, pkts, k);
	return worker_app_done(w, pkts, k, kept);
}

/* rtc: sends the packets whose verdict is TX and gives every buffer back to the pool. */
static void worker_rtc_emit(struct dist_worker *w, struct pkt **pkts, uint16_t n)
{
	struct pkt *txv[n ? n : 1];
	uint16_t k = 0;

	for (uint16_t i = 0; i < n; i++)
		if (pkts[i]->verdict == PKT_VERDICT_TX)
			txv[k++] = pkts[i];
	if (k)
		txq_send(w->q, &w->ctr, txv, k);
	pktpool_put_burst(&w->pool, pkts, n);
}

/* Parses a burst in place; frames that fail are counted on ctr and returned to the pool.
 * Returns how many good packets remain at the front of pkts. */
static uint16_t parse_burst(struct pktpool *pool, struct dp_counters *ctr, struct pkt **pkts,
			    uint16_t n)
{
	struct pkt *bad[n];
	uint16_t good = 0, n_bad = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct pkt *p = pkts[i];
		enum drop_reason r = pkt_parse(p->data, p->len, &p->meta);
		if (likely(r == DROP_NONE)) {
			pkts[good++] = p;
		} else {
			ctr_add(&ctr->drops[r], 1);
			bad[n_bad++] = p;
		}
	}
	if (n_bad)
		pktpool_put_burst(pool, bad, n_bad);
	return good;
}

/* ---- sw mode: RX side ---------------------------------------------------------------- */

static void ovf_push(struct dist_worker *w, struct pkt *const *pkts, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		w->ovf[(w->ovf_head + w->ovf_count + i) % w->ovf_cap] = pkts[i];
	__atomic_store_n(&w->ovf_count, w->ovf_count + n, __ATOMIC_RELEASE);
}

/* Moves as much of the overflow FIFO into the worker ring as fits.  Returns what is left. */
static uint32_t ovf_flush(struct dist_worker *w)
{
	while (w->ovf_count) {
		uint32_t run = MIN(w->ovf_count, w->ovf_cap - w->ovf_head);
		uint32_t k =
			ring_enqueue_burst_spsc(&w->in, (void *const *)(w->ovf + w->ovf_head), run);
		w->ovf_head = (w->ovf_head + k) % w->ovf_cap;
		__atomic_store_n(&w->ovf_count, w->ovf_count - k, __ATOMIC_RELEASE);
		if (k < run)
			break;
	}
	return w->ovf_count;
}

/* Hands the staged packets to the worker: ring first, then the overflow FIFO behind whatever
 * already waits there (order within a flow is kept), then worker_ring_full. */
static void rx_hand_off(struct dist *d, struct dist_worker *w, struct dp_counters *ctr)
{
	uint32_t n = w->n_stage, k = 0;

	w->n_stage = 0;
	if (w->ovf_count == 0 || ovf_flush(w) == 0)
		k = ring_enqueue_burst_spsc(&w->in, (void *const *)w->stage, n);
	/* Benchmark capacity mode only: wait for the worker instead of queueing or dropping.
	 * The wait yields like any idle loop, so more threads than CPUs still make progress. */
	for (unsigned idle = 0; unlikely(d->lossless) && k < n;) {
		uint32_t more = ring_enqueue_burst_spsc(&w->in, (void *const *)w->stage + k, n - k);
		k += more;
		if (more)
			idle = 0;
		else if (k < n)
			idle_wait(&idle);
	}
	if (k < n) {
		uint32_t room = w->ovf_cap - w->ovf_count;
		uint32_t keep = MIN(room, n - k);
		ovf_push(w, w->stage + k, keep);
		if (k + keep < n) {
			pktpool_put_burst(&d->rx_pool, w->stage + k + keep, n - k - keep);
			ctr_add(&ctr->drops[DROP_WORKER_RING_FULL], n - k - keep);
		}
	}
}

/* Hands a worker its staged packets once they make a full burst, or once the oldest has waited
 * HANDOFF_WAIT_TSC.  Handing over one or two packets at a time would make the worker pay the
 * chain of cross-core misses (ring index, slot, packet) per packet instead of per burst; a few
 * microseconds of batching cost far less. */
static void rx_flush_stages(struct dist *d, struct dp_counters *ctr, uint64_t now, int force)
{
	for (uint16_t i = 0; i < d->n_workers; i++) {
		struct dist_worker *w = &d->w[i];
		if (w->n_stage && (force || w->n_stage >= d->cfg.rx_burst ||
				   now - w->stage_tsc >= HANDOFF_WAIT_TSC))
			rx_hand_off(d, w, ctr);
	}
}

static unsigned rx_step(struct dist *d)
{
	struct io_queue *q = &d->port.queues[0];
	struct dp_counters *ctr = &d->io[0].ctr;
	uint16_t burst = d->cfg.rx_burst;
	struct pkt *pkts[burst];
	uint16_t n, good;
	uint64_t now;

	for (uint16_t i = 0; i < d->n_workers; i++)
		if (d->w[i].ovf_count)
			ovf_flush(&d->w[i]);
	n = q->rx_burst(q, pkts, burst);
	now = __rdtsc();
	if (n == 0) {
		rx_flush_stages(d, ctr, now, 0);
		return 0;
	}
	ctr_add(&ctr->rx, n);
	good = parse_burst(&d->rx_pool, ctr, pkts, n);
	for (uint16_t i = 0; i < good; i++) {
		struct pkt *p = pkts[i];
		uint16_t wi = 0;
		if (likely(p->meta.l3 == PKT_L3_IPV4 || p->meta.l3 == PKT_L3_IPV6)) {
			p->hash = rss_hash_frame(&d->rss, p->data, &p->meta);
			wi = rss_queue_of(&d->rss, p->hash);
		} else {
			p->hash = 0;
		}
		struct dist_worker *w = &d->w[wi];
		if (w->n_stage == 0)
			w->stage_tsc = now;
		w->stage[w->n_stage++] = p;
	}
	rx_flush_stages(d, ctr, now, 0);
	return n;
}

/* ---- sw mode: TX side ---------------------------------------------------------------- */

/* Moves one burst from a worker's output ring to the port and the buffers home. */
static uint16_t tx_one_burst(struct dist *d, struct dist_worker *w, struct dp_counters *ctr)
{
	uint16_t burst = d->cfg.tx_burst, n, k = 0, m = 0, nw = 0;
	struct pkt *pkts[burst], *txv[burst], *wr[burst];

	n = (uint16_t)ring_dequeue_burst_spsc(&w->out, (void **)pkts, burst);
	for (uint16_t i = 0; i < n; i++) {
		uintptr_t tagged = (uintptr_t)pkts[i];
		struct pkt *p = (struct pkt *)(tagged & ~OUT_TAG_MASK);
		if (unlikely(tagged & OUT_TAG_WRITER)) {
			wr[nw++] = p;
			continue;
		}
		if (!(tagged & OUT_TAG_NO_TX))
			txv[k++] = p;
		pkts[m++] = p;
	}
	if (k)
		txq_send(&d->port.queues[0], ctr, txv, k);
	if (unlikely(d->ext)) /* buffers from the workers' own pools too */
		txq_release(d->n_io == 1 ? &d->rx_pool : NULL, pkts, m);
	else if (d->n_io == 1)
		pktpool_put_burst(&d->rx_pool, pkts, m);
	else
		pktpool_return_burst_spsc(&d->rx_pool, pkts, m);
	if (nw) {
		uint64_t now = clock_now_ns();
		for (uint16_t i = 0; i < nw; i++)
			arpw_take(&d->arpw, wr[i], now);
	}
	return n;
}

static unsigned tx_step(struct dist *d)
{
	struct dp_counters *ctr = &tx_io(d)->ctr;
	unsigned total = 0;

	if (d->arp)
		arpw_poll(&d->arpw);
	/* Up to TX_ROUND_BURSTS per worker: the TX side must be able to drain faster than RX
	 * fills, or a momentary lag of one worker would never be caught up. */
	for (uint16_t i = 0; i < d->n_workers; i++) {
		for (int round = 0; round < TX_ROUND_BURSTS; round++) {
			uint16_t n = tx_one_burst(d, &d->w[i], ctr);
			total += n;
			if (n < d->cfg.tx_burst)
				break;
		}
	}
	return total;
}

static int workers_all_done(struct dist *d)
{
	for (uint16_t i = 0; i < d->n_workers; i++)
		if (!__atomic_load_n(&d->w[i].done, __ATOMIC_ACQUIRE) || ring_count(&d->w[i].out))
			return 0;
	return 1;
}

/* After the deadline: whatever still waits in the RX thread's overflow FIFOs is lost. */
static void rx_drop_overflow(struct dist *d, struct dp_counters *ctr)
{
	for (uint16_t i = 0; i < d->n_workers; i++) {
		struct dist_worker *w = &d->w[i];
		while (w->ovf_count) {
			uint32_t run = MIN(w->ovf_count, w->ovf_cap - w->ovf_head);
			pktpool_put_burst(&d->rx_pool, w->ovf + w->ovf_head, run);
			ctr_add(&ctr->drops[DROP_SHUTDOWN_TIMEOUT], run);
			w->ovf_head = (w->ovf_head + run) % w->ovf_cap;
			__atomic_store_n(&w->ovf_count, w->ovf_count - run, __ATOMIC_RELEASE);
		}
	}
}

static int overflow_pending(struct dist *d)
{
	for (uint16_t i = 0; i < d->n_workers; i++)
		if (d->w[i].ovf_count)
			return 1;
	return 0;
}

static void *io_rx_main(void *arg)
{
	struct dist *d = arg;
	int with_tx = d->n_io == 1;
	unsigned idle = 0;

	while (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
		unsigned work = rx_step(d);
		if (with_tx)
			work += tx_step(d);
		poll_done(&idle, work, d->cfg.rx_burst);
	}
	/* Drain: the staged packets and overflow FIFOs go to the workers while they consume. */
	rx_flush_stages(d, &d->io[0].ctr, 0, 1);
	while (overflow_pending(d) && !past_deadline(d)) {
		unsigned work = 0;
		for (uint16_t i = 0; i < d->n_workers; i++) {
			uint32_t before = d->w[i].ovf_count;
			if (before)
				work += before != ovf_flush(&d->w[i]);
		}
		if (with_tx)
			work += tx_step(d);
		if (!work)
			idle_wait(&idle);
	}
	rx_drop_overflow(d, &d->io[0].ctr);
	__atomic_store_n(&d->rx_done, 1, __ATOMIC_RELEASE);
	if (with_tx)
		while (!workers_all_done(d))
			if (!tx_step(d))
				idle_wait(&idle);
	return NULL;
}

static void *io_tx_main(void *arg)
{
	struct dist *d = arg;
	unsigned idle = 0;

	while (!workers_all_done(d))
		poll_done(&idle, tx_step(d), d->cfg.tx_burst);
	return NULL;
}

/* ---- sw mode: workers ------------------------------------------------------------------ */

/* sw: marks each packet's verdict in its output ring entry (see OUT_TAG_*). */
static void out_tag(struct pkt **pkts, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++) {
		uint8_t v = pkts[i]->verdict;
		if (v != PKT_VERDICT_TX)
			pkts[i] =
				(struct pkt *)((uintptr_t)pkts[i] |
					       (v == PKT_VERDICT_NEXTHOP || v == PKT_VERDICT_WRITER
							? OUT_TAG_WRITER
							: OUT_TAG_NO_TX));
	}
}

static void worker_flush_pending(struct dist_worker *w)
{
	uint32_t k = ring_enqueue_burst_spsc(&w->out, (void *const *)w->pending, w->n_pending);
	if (k && k < w->n_pending)
		memmove(w->pending, w->pending + k, (w->n_pending - k) * sizeof(*w->pending));
	w->n_pending = (uint16_t)(w->n_pending - k);
}

static void *worker_sw_main(void *arg)
{
	struct dist_worker *w = arg;
	struct dist *d = w->d;
	uint16_t burst = d->cfg.rx_burst;
	unsigned idle = 0;

	for (;;) {
		if (w->n_pending) {
			/* The TX side always drains, so waiting here is bounded; the RX side
			 * meanwhile parks new packets in the overflow FIFO instead of waiting on
			 * us. */
			worker_flush_pending(w);
			if (w->n_pending) {
				idle_wait(&idle);
				continue;
			}
		}
		uint16_t n = (uint16_t)ring_dequeue_burst_spsc(&w->in, (void **)w->pending, burst);
		if (n == 0) {
			if (__atomic_load_n(&d->rx_done, __ATOMIC_ACQUIRE) &&
			    ring_count(&w->in) == 0)
				break;
			idle_wait(&idle);
			continue;
		}
		poll_done(&idle, n, burst);
		ctr_add(&w->ctr.rx, n);
		prefetch_burst(w->pending, n);
		/* in sw mode nothing leaves the burst: the ARP writer's share is tagged */
		n = worker_run_app(w, w->pending, n);
		out_tag(w->pending, n);
		w->n_pending = n;
		worker_flush_pending(w);
	}
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* ---- rtc mode ------------------------------------------------------------------------ */

static int others_done(struct dist *d)
{
	for (uint16_t i = 1; i < d->n_workers; i++)
		if (!__atomic_load_n(&d->w[i].done, __ATOMIC_ACQUIRE))
			return 0;
	return 1;
}

/* Worker 0: what the other workers handed the ARP writer.  Frames leave through worker 0's
 * queue; the buffers go back to their owner's pool (worker 0 is its one remote returner). */
static unsigned worker0_arp_from_others(struct dist_worker *w0)
{
	struct dist *d = w0->d;
	unsigned total = 0;
	uint64_t now = 0;

	for (uint16_t i = 1; i < d->n_workers; i++) {
		struct pkt *pkts[16];
		uint16_t n = (uint16_t)ring_dequeue_burst_spsc(&d->w[i].arp_in, (void **)pkts, 16);
		if (n && !now)
			now = clock_now_ns();
		for (uint16_t j = 0; j < n; j++)
			arpw_take(&d->arpw, pkts[j], now);
		total += n;
	}
	return total;
}

static void *worker_rtc_main(void *arg)
{
	struct dist_worker *w = arg;
	struct dist *d = w->d;
	struct io_queue *q = w->q;
	uint16_t burst = d->cfg.rx_burst;
	struct pkt *pkts[burst];
	unsigned idle = 0;

	while (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
		uint16_t n = q->rx_burst(q, pkts, burst);
		unsigned arp = 0;
		if (w->is_writer) {
			arpw_poll(&d->arpw);
			arp = d->n_workers > 1 ? worker0_arp_from_others(w) : 0;
		}
		poll_done(&idle, n + arp, burst);
		if (n == 0)
			continue;
		ctr_add(&w->ctr.rx, n);
		uint16_t good = parse_burst(&w->pool, &w->ctr, pkts, n);
		if (good == 0)
			continue;
		worker_rtc_emit(w, pkts, worker_run_app(w, pkts, good));
	}
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	/* Worker 0 takes the others' ARP work until the last of them has stopped. */
	if (w->is_writer && d->n_workers > 1) {
		while (!others_done(d)) {
			if (!worker0_arp_from_others(w))
				idle_wait(&idle);
		}
		worker0_arp_from_others(w);
	}
	return NULL;
}

/* ---- an external app (vnfio.h): the caller's threads are the workers ------------------ */

const struct app_ops dist_app_external = {
	.name = "external",
	.summary = "the caller's own threads drive the workers (vnfio.h)",
};

/* sw: hands packets to the TX side through the output ring, waiting while it is full (the TX
 * side always drains it). */
static void worker_sw_out(struct dist_worker *w, struct pkt **pkts, uint16_t n)
{
	unsigned idle = 0;

	out_tag(pkts, n);
	for (uint32_t k = 0; k < n;) {
		uint32_t more = ring_enqueue_burst_spsc(&w->out, (void *const *)pkts + k, n - k);
		k += more;
		if (more)
			idle = 0;
		else
			idle_wait(&idle);
	}
}

static void worker_emit(struct dist_worker *w, struct pkt **pkts, uint16_t n)
{
	if (w->d->sw)
		worker_sw_out(w, pkts, n);
	else
		worker_rtc_emit(w, pkts, n);
}

uint16_t dist_worker_rx(struct dist *d, uint16_t wi, struct pkt **pkts, uint16_t n)
{
	struct dist_worker *w = &d->w[wi];
	uint16_t got, k, kept;

	if (d->sw) {
		got = (uint16_t)ring_dequeue_burst_spsc(&w->in, (void **)pkts, n);
		if (!got)
			return 0;
		ctr_add(&w->ctr.rx, got);
		prefetch_burst(pkts, got);
	} else {
		if (w->is_writer) {
			arpw_poll(&d->arpw);
			if (d->n_workers > 1)
				worker0_arp_from_others(w);
		}
		got = w->q->rx_burst(w->q, pkts, n);
		if (!got)
			return 0;
		ctr_add(&w->ctr.rx, got);
		got = parse_burst(&w->pool, &w->ctr, pkts, got);
	}
	k = worker_rx_stage(w, pkts, got, &kept);
	if (kept > k)
		worker_emit(w, pkts + k, (uint16_t)(kept - k));
	return k;
}

void dist_worker_tx(struct dist *d, uint16_t wi, struct pkt **pkts, uint16_t n)
{
	struct dist_worker *w = &d->w[wi];

	worker_emit(w, pkts, worker_app_done(w, pkts, n, n));
}

uint16_t dist_worker_alloc(struct dist *d, uint16_t wi, struct pkt **pkts, uint16_t n)
{
	struct dist_worker *w = &d->w[wi];
	uint16_t got = (uint16_t)pktpool_get_burst(&w->pool, pkts, n);

	if (got)
		ctr_add(&w->ctr.generated, got);
	return got;
}

uint16_t dist_workers(const struct dist *d)
{
	return d->n_workers;
}

/* ---- set-up and tear-down ------------------------------------------------------------ */

static int worker_setup_sw(struct dist *d, struct dist_worker *w)
{
	uint32_t ring_size = pow2_at_least(d->cfg.worker_ring);
	/* The output ring only needs to absorb the TX thread's round over all workers; a full
	 * one makes the worker wait, never lose packets. */
	uint32_t out_size = pow2_at_least(MAX(4u * d->cfg.tx_burst, 64u));

	w->in_slots = calloc(ring_size, sizeof(void *));
	w->out_slots = calloc(out_size, sizeof(void *));
	w->stage = calloc(2u * d->cfg.rx_burst, sizeof(*w->stage));
	w->ovf_cap = MAX(d->cfg.overflow, 1u);
	w->ovf = calloc(w->ovf_cap, sizeof(*w->ovf));
	w->pending = calloc(d->cfg.rx_burst, sizeof(*w->pending));
	if (!w->in_slots || !w->out_slots || !w->stage || !w->ovf || !w->pending)
		return -ENOMEM;
	/* overflow 0 means "no overflow queue": keep one slot of storage but admit nothing. */
	if (d->cfg.overflow == 0)
		w->ovf_cap = 0;
	ring_init(&w->in, w->in_slots, ring_size);
	ring_init(&w->out, w->out_slots, out_size);
	/* ring, output ring, overflow FIFO, stage (up to two bursts), pending (one burst) */
	d->in_flight_max += (uint64_t)ring_size + out_size + w->ovf_cap + 3ull * d->cfg.rx_burst;
	return 0;
}

static void worker_free(struct dist_worker *w)
{
	free(w->in_slots);
	free(w->out_slots);
	free(w->stage);
	free(w->ovf);
	free(w->pending);
	pktpool_destroy(&w->pool);
	flowtrack_free(&w->flows);
	free(w->arp_in_slots);
}

/* ARP for our addresses, with the port's MAC unless the config names one; worker 0 owns it. */
static int dist_arp_setup(struct dist *d, char *err, size_t errlen)
{
	const struct dp_config *c = &d->cfg;
	struct arp_params p;
	int ret;

	err[0] = '\0';
	arp_params_default(&p);
	if (c->has_mac)
		memcpy(p.mac, c->mac, 6);
	else if (d->port.has_mac)
		memcpy(p.mac, d->port.mac, 6);
	else {
		snprintf(err, errlen,
			 "mac: required with addrs: port %s has no MAC of its own (a VALE port or "
			 "pipe)",
			 c->port.iface);
		return -EINVAL;
	}
	p.n_addrs = c->n_addrs;
	for (unsigned i = 0; i < c->n_addrs; i++) {
		memcpy(p.addrs[i].ip, c->addrs[i].ip, 4);
		p.addrs[i].prefix_len = c->addrs[i].prefix_len;
	}
	p.hash_seed = (uint32_t)clock_now_ns();
	ret = arp_create(&d->arp, &p);
	if (!ret)
		ret = arpw_init(&d->arpw, d->arp, p.mac, DIST_ARP_HOLD_MAX);
	if (!ret && d->sw)
		arpw_bind(&d->arpw, &d->port.queues[0], d->n_io == 1 ? &d->rx_pool : NULL,
			  &tx_io(d)->ctr);
	else if (!ret) {
		arpw_bind(&d->arpw, d->w[0].q, &d->w[0].pool, &d->w[0].ctr);
		d->w[0].is_writer = 1;
	}
	for (unsigned i = 0; !ret && i < c->n_arp; i++) {
		ret = arp_add_static(d->arp, c->arp[i].ip, c->arp[i].mac);
		if (ret)
			snprintf(err, errlen,
				 "arp[%u]: %u.%u.%u.%u: cannot add the static entry: %s", i,
				 c->arp[i].ip[0], c->arp[i].ip[1], c->arp[i].ip[2], c->arp[i].ip[3],
				 strerror(-ret));
	}
	if (ret && !err[0])
		snprintf(err, errlen, "arp: cannot set up the table: %s", strerror(-ret));
	return ret;
}

int dist_create(struct dist **out, const struct dp_config *cfg, const struct app_ops *app,
		char *err, size_t errlen)
{
	struct dist *d = zalloc_aligned(1, sizeof(*d));
	struct pktpool **pools = NULL;
	uint16_t nq;
	int ret = -ENOMEM;

	*out = NULL;
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	d->cfg = *cfg;
	d->app = app ? app : app_find(cfg->app.name);
	d->ext = d->app == &dist_app_external;
	if (!d->app) {
		snprintf(err, errlen, "app.name: \"%s\" is not a built-in app", cfg->app.name);
		ret = -EINVAL;
		goto err;
	}
	d->sw = cfg->mode == DP_MODE_SW;
	d->n_workers = cfg->workers;
	d->n_io = d->sw ? cfg->io_cores : 0;
	d->io[0].role = d->n_io == 2 ? "rx" : "rx+tx";
	d->io[1].role = "tx";
	d->io[0].cpu = cfg->cpus.io[0];
	d->io[1].cpu = cfg->cpus.io[1];
	nq = d->sw ? 1 : d->n_workers;

	ret = rss_init(&d->rss, cfg->rss.key, cfg->rss.key_len);
	if (!ret)
		ret = rss_reta_set_equal(&d->rss, cfg->rss.reta_size, d->n_workers);
	if (ret) {
		snprintf(err, errlen, "rss: cannot build a table for %u workers and RETA size %u",
			 cfg->workers, cfg->rss.reta_size);
		goto err;
	}
	d->w = zalloc_aligned(d->n_workers, sizeof(*d->w));
	pools = calloc(nq, sizeof(*pools));
	if (!d->w || !pools)
		goto err_nomem;
	for (uint16_t i = 0; i < d->n_workers; i++) {
		struct dist_worker *w = &d->w[i];
		w->d = d;
		w->id = i;
		w->cpu = cfg->cpus.workers[i];
		w->app.cfg = &d->cfg;
		w->app.worker = i;
		if (cfg->stats.flows && flowtrack_init(&w->flows, cfg->stats.flows))
			goto err_nomem;
		if (d->sw) {
			if (worker_setup_sw(d, w))
				goto err_nomem;
			if (d->ext) {
				if (pktpool_create(&w->pool, DIST_EXT_POOL))
					goto err_nomem;
				d->in_flight_max += DIST_EXT_POOL;
			}
		} else {
			uint32_t n = MAX(cfg->port.rx_slots, 4u * cfg->rx_burst);
			/* with ARP, packets the writer holds and frames handed to worker 0 are
			 * out of this pool meanwhile */
			if (cfg->n_addrs) {
				n += DIST_ARP_HOLD_MAX;
				d->in_flight_max += DIST_ARP_HOLD_MAX;
			}
			if (cfg->n_addrs && i > 0) {
				w->arp_in_slots = calloc(DIST_ARP_RING, sizeof(void *));
				if (!w->arp_in_slots)
					goto err_nomem;
				ring_init(&w->arp_in, w->arp_in_slots, DIST_ARP_RING);
				n += DIST_ARP_RING;
				d->in_flight_max += DIST_ARP_RING;
			}
			if (pktpool_create(&w->pool, n))
				goto err_nomem;
			pools[i] = &w->pool;
			d->in_flight_max += cfg->rx_burst;
		}
	}
	if (d->sw) {
		/* Enough buffers for every ring, queue and burst in hand, plus the port's ring, so
		 * a stalled worker can fill its share without starving the others. */
		d->in_flight_max += 2ull * cfg->rx_burst + cfg->tx_burst;
		if (cfg->n_addrs)
			d->in_flight_max += DIST_ARP_HOLD_MAX;
		if (pktpool_create(&d->rx_pool, (uint32_t)d->in_flight_max + cfg->port.rx_slots))
			goto err_nomem;
		pools[0] = &d->rx_pool;
	}
	ret = io_port_open(&d->port, &d->cfg, nq, pools, &d->rss, err, errlen);
	if (ret)
		goto err;
	d->port_open = 1;
	for (uint16_t i = 0; !d->sw && i < d->n_workers; i++)
		d->w[i].q = &d->port.queues[i];
	if (cfg->n_addrs) {
		ret = dist_arp_setup(d, err, errlen);
		if (ret)
			goto err;
	}
	if (d->app->create) {
		ret = d->app->create(&d->cfg, &d->app_shared, err, errlen);
		if (ret)
			goto err;
		d->app_created = 1;
	}
	for (uint16_t i = 0; i < d->n_workers; i++) {
		d->w[i].app.shared = d->app_shared;
		if (d->app->init && (ret = d->app->init(&d->w[i].app, err, errlen)))
			goto err;
		d->w[i].app_ready = 1;
	}
	free(pools);
	*out = d;
	return 0;
err_nomem:
	snprintf(err, errlen, "out of memory for %u workers (rings.worker %u, rings.overflow %u)",
		 cfg->workers, cfg->worker_ring, cfg->overflow);
	ret = -ENOMEM;
err:
	free(pools);
	dist_destroy(d);
	return ret;
}

static int spawn(pthread_t *t, void *(*fn)(void *), void *arg, int cpu, const char *what, char *err,
		 size_t errlen)
{
	pthread_attr_t attr;
	int ret;

	pthread_attr_init(&attr);
	if (cpu >= 0) {
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	}
	ret = pthread_create(t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	if (ret && cpu >= 0)
		snprintf(err, errlen, "%s: cannot start on CPU %d: %s", what, cpu, strerror(ret));
	else if (ret)
		snprintf(err, errlen, "%s: cannot start: %s", what, strerror(ret));
	return -ret;
}

int dist_start(struct dist *d, char *err, size_t errlen)
{
	char what[32];
	int ret = 0;

	clock_gettime(CLOCK_MONOTONIC, &d->started_at);
	__atomic_store_n(&d->deadline_ns, UINT64_MAX, __ATOMIC_RELEASE);
	for (uint16_t i = 0; i < d->n_workers && !ret && !d->ext; i++) {
		snprintf(what, sizeof(what), "worker %u", i);
		ret = spawn(&d->w[i].thread, d->sw ? worker_sw_main : worker_rtc_main, &d->w[i],
			    d->w[i].cpu, what, err, errlen);
		d->w[i].started = !ret;
	}
	if (!ret && d->n_io) {
		ret = spawn(&d->io[0].thread, io_rx_main, d, d->io[0].cpu, "I/O RX thread", err,
			    errlen);
		d->io[0].started = !ret;
	}
	if (!ret && d->n_io == 2) {
		ret = spawn(&d->io[1].thread, io_tx_main, d, d->io[1].cpu, "I/O TX thread", err,
			    errlen);
		d->io[1].started = !ret;
	}
	if (ret)
		dist_stop(d);
	return ret;
}

/* Threads that never started must not hold up the others' drain. */
static void mark_unstarted_done(struct dist *d)
{
	for (uint16_t i = 0; i < d->n_workers; i++)
		if (!d->w[i].started)
			__atomic_store_n(&d->w[i].done, 1, __ATOMIC_RELEASE);
	if (d->n_io && !d->io[0].started)
		__atomic_store_n(&d->rx_done, 1, __ATOMIC_RELEASE);
}

/* Tagged output-ring entries: the app already counted what it consumed or dropped; frames
 * meant for TX are lost at shutdown. */
static void reclaim_tagged(struct dist *d, struct dp_counters *ctr, struct pkt **pkts, uint32_t n)
{
	uint32_t lost = 0;
	for (uint32_t i = 0; i < n; i++) {
		uintptr_t tagged = (uintptr_t)pkts[i];
		lost += !(tagged & OUT_TAG_NO_TX);
		pkts[i] = (struct pkt *)(tagged & ~OUT_TAG_MASK);
	}
	if (lost)
		ctr_add(&ctr->drops[DROP_SHUTDOWN_TIMEOUT], lost);
	for (uint32_t i = 0; i < n; i++) /* an external app's own buffers have their own pool */
		pktpool_put_burst(pkts[i]->pool, pkts + i, 1);
}

/* With the threads joined: anything left in worker rings or pending arrays (only possible
 * past the deadline) is counted as lost at shutdown and its buffers go home. */
static void reclaim_leftovers(struct dist *d)
{
	struct dp_counters *ctr = &d->io[0].ctr;
	struct pkt *pkts[64];
	uint32_t n;

	if (!d->sw)
		return;
	for (uint16_t i = 0; i < d->n_workers; i++) {
		struct dist_worker *w = &d->w[i];
		while ((n = ring_dequeue_burst_spsc(&w->in, (void **)pkts, 64))) {
			ctr_add(&ctr->drops[DROP_SHUTDOWN_TIMEOUT], n);
			pktpool_put_burst(&d->rx_pool, pkts, n);
		}
		while ((n = ring_dequeue_burst_spsc(&w->out, (void **)pkts, 64)))
			reclaim_tagged(d, ctr, pkts, n);
		reclaim_tagged(d, ctr, w->pending, w->n_pending);
		w->n_pending = 0;
	}
}

void dist_stop(struct dist *d)
{
	if (d->stopped)
		return;
	d->stopped = 1;
	__atomic_store_n(&d->deadline_ns, clock_now_ns() + DIST_DRAIN_TIMEOUT_NS, __ATOMIC_RELEASE);
	__atomic_store_n(&d->stop, 1, __ATOMIC_RELEASE);
	mark_unstarted_done(d);
	for (int i = 0; i < d->n_io; i++)
		if (d->io[i].started)
			pthread_join(d->io[i].thread, NULL);
	for (uint16_t i = 0; i < d->n_workers; i++)
		if (d->w[i].started)
			pthread_join(d->w[i].thread, NULL);
	reclaim_leftovers(d);
	if (d->arp) {
		/* rtc: what the other workers handed worker 0 last (an external app's workers
		 * stop without draining); then every held packet */
		struct pkt *p;
		for (uint16_t i = 1; !d->sw && i < d->n_workers; i++)
			while (ring_dequeue_burst_spsc(&d->w[i].arp_in, (void **)&p, 1))
				arpw_take(&d->arpw, p, clock_now_ns());
		arpw_flush(&d->arpw);
	}
	d->joined = 1;
}

void dist_destroy(struct dist *d)
{
	if (!d)
		return;
	dist_stop(d);
	if (d->port_open)
		io_port_close(&d->port);
	for (uint16_t i = 0; d->w && i < d->n_workers; i++) {
		if (d->w[i].app_ready && d->app->fini)
			d->app->fini(&d->w[i].app);
		worker_free(&d->w[i]);
	}
	if (d->app_created && d->app->destroy)
		d->app->destroy(d->app_shared);
	free(d->w);
	pktpool_destroy(&d->rx_pool);
	arpw_fini(&d->arpw);
	arp_destroy(d->arp);
	free(d);
}

/* Everything but rx: the snapshot reads every outcome first and every rx last. */
static void copy_outcomes(struct stats_thread *t, const struct dp_counters *c)
{
	t->tx = ctr_load(&c->tx);
	t->consumed = ctr_load(&c->consumed);
	t->handled = ctr_load(&c->handled);
	for (int r = 1; r < DROP_MAX; r++)
		t->drops[r] = ctr_load(&c->drops[r]);
}

/* Frames taken from the port so far: the RX thread's in sw mode, the workers' in rtc mode. */
static uint64_t dist_rx_total(struct dist *d)
{
	uint64_t rx = 0;

	for (int i = 0; i < d->n_io; i++)
		rx += ctr_load(&d->io[i].ctr.rx);
	for (uint16_t i = 0; i < d->n_workers; i++) {
		if (!d->sw)
			rx += ctr_load(&d->w[i].ctr.rx);
		rx += ctr_load(&d->w[i].ctr.generated);
	}
	return rx;
}

void dist_snapshot(struct dist *d, struct stats_snapshot *s)
{
	struct timespec now;
	uint16_t n = 0;

	memset(s, 0, sizeof(*s));
	s->mode = config_mode_name(d->cfg.mode);
	s->final = d->joined;
	s->in_flight_max = d->in_flight_max;
	clock_gettime(CLOCK_MONOTONIC, &now);
	s->uptime_s = (double)(now.tv_sec - d->started_at.tv_sec) +
		      (double)(now.tv_nsec - d->started_at.tv_nsec) / 1e9;
	/* Outcomes first, later stages before earlier ones (TX, workers, RX), then every rx:
	 * a packet is never seen leaving before it was seen arriving, so in_flight >= 0.  The
	 * receives read before the outcomes bound it from above: had this thread been descheduled
	 * between the two reads, the later rx alone would count packets that arrived and left in
	 * the gap as in flight. */
	s->rx_before = dist_rx_total(d);
	for (int i = d->n_io - 1; i >= 0; i--) {
		struct stats_thread *t = &s->t[n++];
		snprintf(t->role, sizeof(t->role), "%s", d->io[i].role);
		t->id = -1;
		t->cpu = d->io[i].cpu;
		copy_outcomes(t, &d->io[i].ctr);
	}
	for (uint16_t i = 0; i < d->n_workers; i++) {
		struct dist_worker *w = &d->w[i];
		struct stats_thread *t = &s->t[n++];
		snprintf(t->role, sizeof(t->role), "worker");
		t->id = (int16_t)i;
		t->cpu = w->cpu;
		copy_outcomes(t, &w->ctr);
		/* one writer, no lock: the reader sees each slot whole (flowtrack_add) */
		if (w->flows.max)
			t->flows = &w->flows;
		if (d->sw) {
			t->ring = ring_count(&w->in);
			t->overflow = __atomic_load_n(&w->ovf_count, __ATOMIC_ACQUIRE);
		}
	}
	s->n_threads = n;
	if (d->arp) {
		s->has_arp = 1;
		for (int c = 0; c < ARP_CNT_MAX; c++)
			s->arp[c] = arp_counter_get(d->arp, (enum arp_counter)c);
		s->arp_entries = arp_count(d->arp);
		s->arp_static = arp_count_static(d->arp);
		s->arp_held = arpw_held(&d->arpw);
	}
	s->rx_missed = io_port_rx_missed(&d->port);
	for (int i = d->n_io - 1; i >= 0; i--)
		s->t[d->n_io - 1 - i].rx = ctr_load(&d->io[i].ctr.rx);
	/* In sw mode a worker's rx is a hand-off, not a port receive: it stays out of the
	 * totals (the worker's "packets" shows its share). */
	for (uint16_t i = 0; i < d->n_workers; i++) {
		if (!d->sw)
			s->t[d->n_io + i].rx = ctr_load(&d->w[i].ctr.rx);
		s->t[d->n_io + i].generated = ctr_load(&d->w[i].ctr.generated);
	}
	stats_finish(s);
}

void dist_set_lossless(struct dist *d, int on)
{
	d->lossless = on;
}

struct io_port *dist_port(struct dist *d)
{
	return &d->port;
}

uint64_t dist_offered(struct dist *d)
{
	uint64_t rx = io_port_rx_missed(&d->port);
	if (d->sw)
		return rx + ctr_load(&d->io[0].ctr.rx);
	for (uint16_t i = 0; i < d->n_workers; i++)
		rx += ctr_load(&d->w[i].ctr.rx);
	return rx;
}
