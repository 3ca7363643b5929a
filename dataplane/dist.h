/* The distribution engine.
 *   sw:  an RX I/O thread parses, hashes (software RSS) and hands bursts to worker i through
 *        SPSC rings; workers run the app and hand results to the TX I/O thread.  io_cores 1
 *        runs RX and TX in one thread, 2 in two.
 *   rtc: (modes vale and nic) worker i owns queue pair i and does RX -> app -> TX itself.
 * Every packet ends in exactly one of: tx, consumed, or one named drop counter. */
#ifndef VNF_DIST_H
#define VNF_DIST_H
#include <stddef.h>
#include "app.h"
#include "config.h"
#include "io.h"
#include "stats.h"

struct dist;

/* Builds the engine (pools, rings, port) for cfg; app NULL means cfg->app.name. */
int dist_create(struct dist **out, const struct dp_config *cfg, const struct app_ops *app,
		char *err, size_t errlen);
/* Starts the threads. */
int dist_start(struct dist *d, char *err, size_t errlen);
/* Stops RX, drains every ring to TX (or named drops once the deadline passes), joins the
 * threads.  Safe to call more than once. */
void dist_stop(struct dist *d);
void dist_destroy(struct dist *d);

/* Counters now; after dist_stop the snapshot is final and exact. */
void dist_snapshot(struct dist *d, struct stats_snapshot *s);
/* Benchmarks of capacity only: before dist_start, make the RX thread wait for a full worker
 * ring (as DPDK's distributor benchmark does) instead of queueing and dropping.  This breaks
 * the promise that one slow worker never slows the others, so `vnfdp run` never sets it. */
void dist_set_lossless(struct dist *d, int on);
/* The port, e.g. for io_mem_load_frames before dist_start. */
struct io_port *dist_port(struct dist *d);
/* Frames the port has seen: received plus missed (cheap; for waiting on a generator). */
uint64_t dist_offered(struct dist *d);

/* An external app (vnfio.h): dist_create with &dist_app_external starts no worker threads;
 * the caller runs each worker's steps from one thread per worker, between dist_start and
 * dist_stop.  sw: dist_start still starts the I/O threads. */
extern const struct app_ops dist_app_external;
/* Worker wi: up to n received packets for the app (parsed; ARP and ICMP echo to our addresses
 * handled already).  rtc worker 0 also runs ARP's timers and the other workers' ARP work. */
uint16_t dist_worker_rx(struct dist *d, uint16_t wi, struct pkt **pkts, uint16_t n);
/* Worker wi: takes packets with their verdict set (TX, NEXTHOP, CONSUMED or DROP), from
 * dist_worker_rx or dist_worker_alloc, and sends or releases them. */
void dist_worker_tx(struct dist *d, uint16_t wi, struct pkt **pkts, uint16_t n);
/* Worker wi: up to n empty buffers (data at the usual headroom), counted as generated. */
uint16_t dist_worker_alloc(struct dist *d, uint16_t wi, struct pkt **pkts, uint16_t n);
uint16_t dist_workers(const struct dist *d);

/* How long dist_stop waits for rings to drain before counting the rest as shutdown drops. */
#define DIST_DRAIN_TIMEOUT_NS 1500000000ull

#endif
