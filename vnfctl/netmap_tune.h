/* netmap's memory-pool module parameters for a topology (vnfctl netmap tune).  Pure: inputs in,
 * parameters and a reason for each out; no I/O, so it is unit-tested as is.
 *
 * netmap keeps rings, netmap_if structures and packet buffers in pools (sys/dev/netmap/
 * netmap_mem2.c).  The global allocator (id 1) serves NICs in netmap mode and their pipes; its
 * pools are sized by the module parameters if_size/if_num, ring_size/ring_num and
 * buf_size/buf_num.  Every VALE port gets a private allocator sized by netmap itself for its
 * rings, two pipes and the extra buffers of the request that creates it; the priv_* parameters
 * are floors under that sizing (netmap_mem_private_new takes the larger of the two).
 *
 * The sizing rule is netmap's own, from netmap_mem_private_new(), applied per port:
 *   ring object  256 + 16 * slots bytes (struct netmap_ring + one 16-byte slot per slot),
 *                rounded as netmap rounds pool objects (64 bytes, whole pages per cluster)
 *   rings        2 * (rings + 1) (TX and RX, plus the host ring pair) + 8 per pipe
 *   buffers      2 * slots * (rings + 1 + 4 * pipes) + extra buffers (netmap counts a pipe's
 *                four rings twice), + 2 reserved buffers per allocator
 *   netmap_ifs   one per registration: rings (one per queue, as vnfdp opens them) + 2 + 4 per
 *                pipe; each 56 + 8 bytes per ring (TX and RX, host pair included)
 * A parameter is never set below netmap's default: tune only raises what the topology needs. */
#ifndef VNFCTL_NETMAP_TUNE_H
#define VNFCTL_NETMAP_TUNE_H
#include <stddef.h>

/* Bounds of the request.  The ring pool's largest object is 32 pages: (131072 - 256) / 16. */
#define NETMAP_TUNE_SLOTS_MAX  8176
#define NETMAP_TUNE_RINGS_MAX  256
#define NETMAP_TUNE_PIPES_MAX  64 /* NM_MAXPIPES */
#define NETMAP_TUNE_EXTRA_MAX  1000000
#define NETMAP_TUNE_PORTS_MAX  1024
#define NETMAP_TUNE_VALE_SLOTS 4096 /* NM_BDG_MAXSLOTS, NM_PIPE_MAXSLOTS */

/* The parameters, in the order they are reported. */
enum netmap_tune_idx {
	NT_RING_SIZE,
	NT_RING_NUM,
	NT_BUF_SIZE,
	NT_BUF_NUM,
	NT_IF_SIZE,
	NT_IF_NUM,
	NT_PRIV_RING_SIZE,
	NT_PRIV_RING_NUM,
	NT_PRIV_BUF_SIZE,
	NT_PRIV_BUF_NUM,
	NT_PRIV_IF_SIZE,
	NT_PRIV_IF_NUM,
	NT_NPARAMS
};

struct netmap_tune_req {
	unsigned slots;	     /* per ring */
	unsigned rings;	     /* ring pairs per port */
	unsigned pipes;	     /* netmap pipes per port (name{N / name}N) */
	unsigned extra_bufs; /* per port (nr_extra_bufs) */
	unsigned ports;	     /* ports sharing the global allocator (NICs in netmap mode) */
};
/* What netmap tune asks for when an option is not given. */
#define NETMAP_TUNE_REQ_DEFAULT { .slots = 1024, .rings = 1, .pipes = 0, .extra_bufs = 0, .ports = 1 }

struct netmap_tune_param {
	const char *name;    /* the module parameter: /sys/module/netmap/parameters/NAME */
	unsigned long value; /* what to set: max(dflt, need) */
	unsigned long dflt;  /* netmap's default */
	unsigned long need;  /* what the topology needs */
	char why[240];	     /* one line: how need was computed */
};

struct netmap_tune {
	struct netmap_tune_param p[NT_NPARAMS];
	unsigned long long global_bytes; /* the global allocator's pools with these values */
	unsigned long long port_bytes;	 /* one VALE port's private allocator (at least) */
};

/* Fills out for req.  0, or -EINVAL (a request out of bounds) / -E2BIG (a pool beyond what
 * netmap accepts) with a message in err. */
int netmap_tune_compute(const struct netmap_tune_req *req, struct netmap_tune *out, char *err,
			size_t errlen);

/* Buffers netmap gives a persistent VALE port's private allocator (two pipes, no extra
 * buffers: NETMAP_REQ_VALE_NEWIF carries none), plus extra_bufs: what priv_buf_num must be at
 * creation for the port's memory to hold extra_bufs more.  rings and slots as netmap bounds
 * them (1..16, 1..4096; 0 slots: 1024). */
unsigned long netmap_tune_vale_bufs(unsigned rings, unsigned slots, unsigned long extra_bufs);

/* The pool object size netmap uses for a requested size: rounded up to 64 bytes, then to a
 * size whose objects fill whole pages within a 4 MiB cluster. */
unsigned long netmap_tune_objsize(unsigned long size);

#endif
