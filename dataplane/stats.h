/* Counters and snapshots.  Each counter block has exactly one writer thread; the statistics
 * reader loads them with acquire, writers store with release, so a reader that loads later
 * pipeline stages first never sees a packet leave before it arrived. */
#ifndef VNF_STATS_H
#define VNF_STATS_H
#include <stdint.h>
#include "common.h"
#include "arp.h"
#include "drop.h"
#include "flowtrack.h"

struct dp_counters {
	uint64_t rx;	    /* frames taken from the port */
	uint64_t tx;	    /* frames the port accepted */
	uint64_t handled;   /* frames the app processed (workers) */
	uint64_t consumed;  /* frames the app used up */
	uint64_t generated; /* buffers an external app took to send its own packets (vnfio) */
	uint64_t drops[DROP_MAX];
} __cache_aligned;

/* Writer side: only the owning thread calls these. */
static inline void ctr_add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, *c + n, __ATOMIC_RELEASE);
}

static inline uint64_t ctr_load(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_ACQUIRE);
}

#define STATS_THREADS_MAX 66 /* 64 workers + 2 I/O threads */

struct stats_thread {
	char role[8]; /* "rx", "tx", "rx+tx", "worker" */
	int16_t id;   /* worker index, -1 for I/O threads */
	int16_t cpu;  /* pinned CPU or -1 */
	uint64_t rx, tx, handled, consumed;
	uint64_t generated;	       /* vnfio_tx_alloc: an input, like rx */
	uint64_t ring;		       /* packets waiting in this worker's input ring */
	uint64_t overflow;	       /* packets waiting in this worker's overflow queue */
	const struct flowtrack *flows; /* with stats.flows: the worker's flows, live */
	uint64_t drops[DROP_MAX];
};

struct stats_snapshot {
	const char *mode;
	uint64_t rx, tx, consumed, drops_total;
	uint64_t generated; /* packets an external app made (vnfio): an input besides rx */
	uint64_t drops[DROP_MAX];
	int64_t in_flight;	/* rx + generated - tx - consumed - drops */
	uint64_t in_flight_max; /* what the rings, queues and buffers can hold */
	uint64_t rx_missed;	/* lost at the port before rx (a NIC's imissed): outside the sum */
	uint64_t rx_before; /* live snapshots: rx + generated read before the outcomes (0: same) */
	int conserved;
	int final; /* taken after the engine stopped: in_flight must be 0 */
	double uptime_s;
	uint8_t has_arp;	   /* ARP runs (addrs configured) */
	uint64_t arp[ARP_CNT_MAX]; /* its counters (arp_counter_name) */
	uint32_t arp_entries;	   /* entries in the table now, static ones included */
	uint32_t arp_static;	   /* static entries */
	uint32_t arp_held;	   /* packets waiting for their next hop's MAC */
	uint16_t n_threads;
	struct stats_thread t[STATS_THREADS_MAX];
};

/* Sums the per-thread entries into the totals and decides `conserved`. */
void stats_finish(struct stats_snapshot *s);
/* JSON text of a snapshot (malloc'd, one line unless pretty). */
char *stats_to_json(const struct stats_snapshot *s, int pretty);

#endif
