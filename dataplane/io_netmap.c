/* netmap backend (API 14).  Built only with `make NETMAP_SRC=/path/to/netmap`: netmap's user
 * headers are not packaged, and we talk to the kernel module directly (NIOCCTRL + mmap) instead
 * of linking libnetmap, so the binary needs nothing but /dev/netmap at run time.
 *
 * Each queue is one file descriptor on /dev/netmap registered to the port.  With one queue
 * (sw mode, or a single worker) the fd binds every hardware ring pair (NR_REG_ALL_NIC), or the
 * one pair the spec names ("netmap:eth0-2"); with N queues (run-to-completion) fd i binds ring
 * pair i (NR_REG_ONE_NIC), so the NIC's RSS or the VALE switch picks the worker.  All fds of a
 * port share one memory region (same nr_mem_id), which is mapped once.
 *
 * RX and TX of a queue may run on two threads at once (sw mode with io_cores 2).  That is safe
 * because they touch disjoint state: RX reads only RX rings and calls NIOCRXSYNC, TX writes only
 * TX rings and calls NIOCTXSYNC.  In netmap's kernel (sys/dev/netmap/netmap.c, netmap_ioctl) each
 * sync walks only the krings of its own direction, each guarded by its own nr_busy flag
 * (nm_kr_tryget), and the user-visible ring fields (head, cur, tail) are per ring.  We never
 * call poll(), which would sync both directions from one thread.
 *
 * The kernel updates a ring's tail only inside a sync call made on our own fd, from the calling
 * thread, so plain loads and stores of head/cur/tail need no atomics. */
#ifdef HAVE_NETMAP
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>
#include <net/netmap.h>
#include <net/netmap_user.h>
#include "io.h"
#include "nm_spec.h"

_Static_assert(NM_SPEC_NAME_MAX == NETMAP_REQ_IFNAMSIZ, "nm_spec's name size is netmap's");

struct nm_queue {
	int fd;			/* set by open; read by the RX and TX threads */
	struct netmap_if *nifp; /* likewise */
	struct {
		uint16_t first, n, cur; /* bound RX rings first..first+n-1; next to read */
		uint64_t skipped; /* frames too long for a pkt; writer: RX thread, reader: stats */
	} rx __cache_aligned;	  /* the receiving thread's */
	struct {
		uint16_t first, n, cur; /* bound TX rings; the one being filled */
	} tx __cache_aligned;		/* the transmitting thread's */
};

struct nm_port {
	struct nm_queue *q;
	uint16_t n; /* queues opened so far (what close undoes) */
	void *mem;  /* the shared region, mapped by the first queue */
	size_t mem_len;
	uint16_t mem_id;
	char desc[128];
};

/* Copies one ring's frames into pool buffers.  A frame longer than a pkt buffer, including a
 * multi-slot one (NS_MOREFRAG, VALE ports with large MTU), is skipped whole and counted. */
static uint16_t nm_rx_ring(struct nm_queue *nq, struct pktpool *pool, struct netmap_ring *r,
			   struct pkt **pkts, uint16_t n)
{
	uint32_t head = r->head, tail = r->tail;
	uint32_t bufs = pktpool_get_burst(pool, pkts, MIN((uint32_t)n, nm_ring_space(r)));
	uint32_t used = 0, skipped = 0;

	while (head != tail && used < bufs) {
		struct netmap_slot *s = &r->slot[head];

		head = nm_ring_next(r, head);
		if (unlikely(s->flags & NS_MOREFRAG)) {
			/* netmap publishes a frame's slots together; stop at tail regardless */
			while (head != tail && (r->slot[head].flags & NS_MOREFRAG))
				head = nm_ring_next(r, head);
			if (head != tail)
				head = nm_ring_next(r, head);
			skipped++;
			continue;
		}
		if (unlikely(s->len > PKT_DATA_MAX)) {
			skipped++;
			continue;
		}
		memcpy(pkts[used]->data, NETMAP_BUF(r, s->buf_idx), s->len);
		pkts[used++]->len = s->len;
	}
	/* Consumed slots go back to the kernel at the next NIOCRXSYNC. */
	r->head = r->cur = head;
	if (used < bufs)
		pktpool_put_burst(pool, pkts + used, bufs - used);
	if (skipped)
		__atomic_store_n(&nq->rx.skipped, nq->rx.skipped + skipped, __ATOMIC_RELAXED);
	return (uint16_t)used;
}

static uint16_t nm_rx_burst(struct io_queue *q, struct pkt **pkts, uint16_t n)
{
	struct nm_queue *nq = q->priv;
	uint16_t got = 0;

	/* Read what the rings hold; only when every bound ring is empty ask the kernel for more
	 * (one syscall per ring's worth of frames, not per burst). */
	for (int pass = 0; pass < 2 && !got; pass++) {
		if (pass)
			(void)ioctl(nq->fd, NIOCRXSYNC, NULL);
		for (uint16_t i = 0; i < nq->rx.n && got < n; i++) {
			uint16_t ri = (uint16_t)(nq->rx.first + (nq->rx.cur + i) % nq->rx.n);
			got += nm_rx_ring(nq, q->pool, NETMAP_RXRING(nq->nifp, ri), pkts + got,
					  (uint16_t)(n - got));
		}
	}
	/* Start at the next ring next time, so one busy ring cannot starve the others. */
	if (nq->rx.n > 1)
		nq->rx.cur = (uint16_t)((nq->rx.cur + 1) % nq->rx.n);
	return got;
}

static uint16_t nm_tx_ring(struct netmap_ring *r, struct pkt *const *pkts, uint16_t n)
{
	uint32_t head = r->head;
	uint16_t k = (uint16_t)MIN((uint32_t)n, nm_ring_space(r));

	for (uint16_t i = 0; i < k; i++) {
		struct netmap_slot *s = &r->slot[head];

		/* open checked nr_buf_size >= PKT_DATA_MAX, so a frame always fits one slot */
		memcpy(NETMAP_BUF(r, s->buf_idx), pkts[i]->data, pkts[i]->len);
		s->len = pkts[i]->len;
		s->flags = 0;
		head = nm_ring_next(r, head);
	}
	r->head = r->cur = head;
	return k;
}

static uint16_t nm_tx_burst(struct io_queue *q, struct pkt *const *pkts, uint16_t n)
{
	struct nm_queue *nq = q->priv;
	uint16_t sent = 0;

	/* Fill the current ring, then the next ones; if all are full, one TXSYNC reclaims the
	 * slots the port has sent meanwhile.  A ring is kept until full so a flow is reordered
	 * only when it spills over to another ring. */
	for (int pass = 0; pass < 2 && sent < n; pass++) {
		if (pass)
			(void)ioctl(nq->fd, NIOCTXSYNC, NULL);
		for (uint16_t i = 0; i < nq->tx.n && sent < n; i++) {
			struct netmap_ring *r = NETMAP_TXRING(nq->nifp, nq->tx.first + nq->tx.cur);
			sent += nm_tx_ring(r, pkts + sent, (uint16_t)(n - sent));
			if (sent < n)
				nq->tx.cur = (uint16_t)((nq->tx.cur + 1) % nq->tx.n);
		}
	}
	/* Frames queued in a TX ring go nowhere until a sync pushes them (for VALE ports the
	 * switch forwards them inside this call). */
	if (sent)
		(void)ioctl(nq->fd, NIOCTXSYNC, NULL);
	return sent;
}

static void nm_close(struct io_port *port)
{
	struct nm_port *np = port->priv;

	if (!np)
		return;
	for (uint16_t i = 0; i < np->n; i++)
		if (np->q[i].fd >= 0)
			close(np->q[i].fd);
	if (np->mem)
		munmap(np->mem, np->mem_len);
	free(np->q);
	free(np);
	port->priv = NULL;
}

/* "@conf:rings=2,slots=1024" (libnetmap's syntax; '-' and '_' alike in keys): the sizes a
 * port gets if this registration creates it (VALE ports, pipes). */
static int nm_errno_msg(const char *iface, const char *what, int e, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s: %s", iface, what, strerror(e));
	return -e;
}

/* Opens queue qid: its own fd, registered to ring pair qid (or all of them if it is the only
 * queue), sharing the port's mapping. */
static int nm_queue_open(struct io_port *port, const char *iface, const struct nm_spec *s,
			 uint16_t qid, char *err, size_t errlen)
{
	struct nm_port *np = port->priv;
	struct nm_queue *nq = &np->q[qid];
	struct nmreq_register reg = { 0 };
	struct nmreq_header hdr = { 0 };
	int one = port->nqueues == 1 && s->ring < 0;
	uint16_t pairs;

	nq->fd = open("/dev/netmap", O_RDWR | O_CLOEXEC);
	if (nq->fd < 0) {
		int e = errno;

		if (e == ENOENT || e == ENODEV || e == ENXIO) {
			snprintf(err, errlen,
				 "%s: /dev/netmap is missing: the netmap module is not loaded",
				 iface);
			return -e;
		}
		return nm_errno_msg(iface, "cannot open /dev/netmap", e, err, errlen);
	}
	hdr.nr_version = NETMAP_API;
	hdr.nr_reqtype = NETMAP_REQ_REGISTER;
	hdr.nr_body = (uintptr_t)&reg;
	memcpy(hdr.nr_name, s->name, sizeof(hdr.nr_name));
	reg.nr_mode = one ? NR_REG_ALL_NIC : NR_REG_ONE_NIC;
	reg.nr_ringid = (uint16_t)(port->nqueues > 1 ? qid : one ? 0 : s->ring);
	reg.nr_tx_rings = s->tx_rings;
	reg.nr_rx_rings = s->rx_rings;
	reg.nr_tx_slots = s->tx_slots;
	reg.nr_rx_slots = s->rx_slots;
	if (ioctl(nq->fd, NIOCCTRL, &hdr) < 0) {
		int e = errno;

		if (e == ENXIO) {
			snprintf(err, errlen, "%s: no such interface", iface);
			return -e;
		}
		if (e == EINVAL)
			return nm_errno_msg(iface,
					    "cannot register (no such ring pair, or an @conf: "
					    "value netmap refuses)",
					    e, err, errlen);
		if (e == EBUSY)
			return nm_errno_msg(iface,
					    "cannot register (another program holds it "
					    "exclusively, or a bridge uses it)",
					    e, err, errlen);
		if (e == EPROTO || e == EOPNOTSUPP) {
			snprintf(
				err, errlen,
				"%s: cannot register: %s (the module does not speak netmap API %d, "
				"which vnfdp was built with)",
				iface, strerror(e), NETMAP_API);
			return -e;
		}
		return nm_errno_msg(iface, "cannot register", e, err, errlen);
	}
	/* The first registration tells the port's shape; the others only have to agree. */
	pairs = MIN(reg.nr_tx_rings, reg.nr_rx_rings);
	if (qid == 0 && port->nqueues > pairs) {
		snprintf(err, errlen, "%s: has %u ring pair%s, %u workers need %u", iface, pairs,
			 pairs == 1 ? "" : "s", port->nqueues, port->nqueues);
		return -EINVAL;
	}
	if (!np->mem) {
		void *m = mmap(NULL, reg.nr_memsize, PROT_READ | PROT_WRITE, MAP_SHARED, nq->fd, 0);

		if (m == MAP_FAILED)
			return nm_errno_msg(iface, "cannot map netmap memory", errno, err, errlen);
		np->mem = m;
		np->mem_len = reg.nr_memsize;
		np->mem_id = reg.nr_mem_id;
	} else if (reg.nr_mem_id != np->mem_id) {
		snprintf(err, errlen, "%s: queue %u got memory region %u, queue 0 had %u", iface,
			 qid, reg.nr_mem_id, np->mem_id);
		return -EINVAL;
	}
	nq->nifp = NETMAP_IF(np->mem, reg.nr_offset);
	nq->rx.first = nq->tx.first = one ? 0 : reg.nr_ringid;
	nq->rx.n = one ? (uint16_t)reg.nr_rx_rings : 1;
	nq->tx.n = one ? (uint16_t)reg.nr_tx_rings : 1;
	/* TX copies a frame into one slot, so a buffer must hold the largest pkt. */
	if (NETMAP_TXRING(nq->nifp, nq->tx.first)->nr_buf_size < PKT_DATA_MAX) {
		snprintf(err, errlen,
			 "%s: netmap buffers are %u bytes, vnfdp needs %u (module parameters "
			 "buf_size, priv_buf_size)",
			 iface, NETMAP_TXRING(nq->nifp, nq->tx.first)->nr_buf_size, PKT_DATA_MAX);
		return -EINVAL;
	}
	if (qid == 0) {
		char bound[48];

		if (one)
			snprintf(bound, sizeof(bound), "all %u ring pair%s", pairs,
				 pairs == 1 ? "" : "s");
		else if (port->nqueues > 1)
			snprintf(bound, sizeof(bound), "ring pairs 0-%u of %u, one per queue",
				 port->nqueues - 1, pairs);
		else
			snprintf(bound, sizeof(bound), "ring pair %d of %u", s->ring, pairs);
		snprintf(np->desc, sizeof(np->desc), "%s, %u RX / %u TX slots, %u-byte buffers",
			 bound, reg.nr_rx_slots, reg.nr_tx_slots,
			 NETMAP_TXRING(nq->nifp, nq->tx.first)->nr_buf_size);
	}
	return 0;
}

static int nm_open(struct io_port *port, const struct dp_config *cfg, char *err, size_t errlen)
{
	const char *iface = cfg->port.iface;
	struct nm_port *np;
	struct nm_spec s;
	int ret;

	ret = nm_spec_parse(iface, &s, err, errlen);
	if (ret)
		return ret;
	if (s.ring >= 0 && port->nqueues > 1) {
		snprintf(err, errlen,
			 "%s: names one ring pair, %u workers need %u (name the port without -%d)",
			 iface, port->nqueues, port->nqueues, s.ring);
		return -EINVAL;
	}
	np = calloc(1, sizeof(*np));
	if (!np || !(np->q = zalloc_aligned(port->nqueues, sizeof(*np->q)))) {
		free(np);
		snprintf(err, errlen, "%s: out of memory", iface);
		return -ENOMEM;
	}
	port->priv = np;
	for (uint16_t i = 0; i < port->nqueues; i++) {
		np->n = (uint16_t)(i + 1);
		ret = nm_queue_open(port, iface, &s, i, err, errlen);
		if (ret)
			goto err_close;
		port->queues[i].rx_burst = nm_rx_burst;
		port->queues[i].tx_burst = nm_tx_burst;
		port->queues[i].priv = &np->q[i];
	}
	return 0;
err_close:
	nm_close(port);
	return ret;
}

/* netmap keeps no drop counters a user can read (a full VALE destination ring drops silently;
 * Linux's emulated adapter counts nothing), so this is what the backend itself had to skip. */
static uint64_t nm_rx_missed(const struct io_port *port)
{
	const struct nm_port *np = port->priv;
	uint64_t m = 0;

	for (uint16_t i = 0; i < np->n; i++)
		m += __atomic_load_n(&np->q[i].rx.skipped, __ATOMIC_RELAXED);
	return m;
}

static const char *nm_describe(const struct io_port *port)
{
	const struct nm_port *np = port->priv;
	return np->desc;
}

const struct io_ops io_netmap_ops = {
	.name = "netmap",
	.open = nm_open,
	.close = nm_close,
	.rx_missed = nm_rx_missed,
	.describe = nm_describe,
};
#endif /* HAVE_NETMAP */
