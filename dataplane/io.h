/* The I/O port boundary: one ops table per backend.  The engine's loops call the queue's
 * rx_burst / tx_burst function pointers and never branch on the backend type. */
#ifndef VNF_IO_H
#define VNF_IO_H
#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "pktbuf.h"

struct io_port;
struct io_queue;

/* Receives up to n frames into buffers taken from q->pool; returns how many. */
typedef uint16_t (*io_rx_burst_fn)(struct io_queue *q, struct pkt **pkts, uint16_t n);
/* Transmits up to n frames, copying them out; returns how many the port accepted (the first
 * ones).  Buffers stay the caller's either way. */
typedef uint16_t (*io_tx_burst_fn)(struct io_queue *q, struct pkt *const *pkts, uint16_t n);

struct io_queue {
	io_rx_burst_fn rx_burst;
	io_tx_burst_fn tx_burst;
	struct pktpool *pool; /* where rx_burst takes buffers; owned by the receiving thread */
	struct io_port *port;
	uint16_t id;
	void *priv;
} __cache_aligned;

struct io_ops {
	const char *name;
	/* Opens the port with port->nqueues queue pairs; queues[i].pool is set by the caller. */
	int (*open)(struct io_port *port, const struct dp_config *cfg, char *err, size_t errlen);
	void (*close)(struct io_port *port);
	/* Optional: frames the port lost before the dataplane received them (a NIC's imissed). */
	uint64_t (*rx_missed)(const struct io_port *port);
	/* Optional: how the port ended up set up ("XDP native, copy mode"), for the log. */
	const char *(*describe)(const struct io_port *port);
};

struct io_port {
	const struct io_ops *ops;
	uint16_t nqueues;
	struct io_queue *queues;
	const struct rss *rss; /* the distribution a multi-queue port imitates (mem backend) */
	uint8_t mac[6];	       /* the port's own MAC, if has_mac (set by open) */
	uint8_t has_mac;
	void *priv;
};

/* Backend ops by config value; NULL if this build lacks the backend. */
const struct io_ops *io_ops_for(enum dp_backend b);

/* Opens cfg->port with nqueues queue pairs, queue i receiving into pools[i]. */
int io_port_open(struct io_port *port, const struct dp_config *cfg, uint16_t nqueues,
		 struct pktpool **pools, const struct rss *rss, char *err, size_t errlen);
void io_port_close(struct io_port *port);
/* Frames lost at the port because the dataplane fell behind; 0 if the backend cannot tell. */
uint64_t io_port_rx_missed(const struct io_port *port);
/* "afxdp (XDP native, copy mode), 2 queues" */
void io_port_describe(const struct io_port *port, char *buf, size_t len);

extern const struct io_ops io_mem_ops;
extern const struct io_ops io_afpacket_ops;
extern const struct io_ops io_afxdp_ops;
#ifdef HAVE_NETMAP
extern const struct io_ops io_netmap_ops;
#endif

/* In-memory backend extras for tests and benchmarks. */
struct io_mem_tx_hook {
	void (*fn)(void *arg, uint16_t queue, const struct pkt *p);
	void *arg;
};
/* Replaces the generator's flows with these frames, replayed in order (cycling). */
int io_mem_load_frames(struct io_port *port, const uint8_t *const *frames, const uint16_t *lens,
		       uint32_t count);
/* Called for every transmitted frame (from the transmitting thread). */
void io_mem_set_tx_hook(struct io_port *port, const struct io_mem_tx_hook *hook);
/* Makes the port refuse every TX while on != 0 (to test tx_port_full). */
void io_mem_set_tx_blocked(struct io_port *port, int on);

#endif
