/* AF_XDP backend (libxdp/libbpf): one XDP socket per queue, each with its own UMEM, so a queue
 * belongs to one thread pair with nothing shared.  The UMEM's first rx_slots frames feed the
 * fill ring (the kernel writes received frames into them); the remaining tx_slots frames carry
 * transmissions and come back through the completion ring.  RX state (RX and fill rings) and TX
 * state (TX and completion rings, TX frame stack) are separate, so one thread may receive while
 * another sends.
 *
 * The XDP program is libxdp's default redirect program, loaded and attached by us (libxdp's
 * automatic load is inhibited) so that we know exactly which program is ours: it is detached on
 * exit, and its id is kept in a state file so that the next run detaches it after a crash. */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include <xdp/xsk.h>
#include "io.h"
#include "io_iface.h"
#include "xdp_state.h"

#define XSK_FRAME  4096u /* room for a 1500-byte MTU frame plus XDP headroom in copy mode */
#define XSK_PROG   "xsk_def_xdp_prog.o"
#define XSK_PROG53 "xsk_def_xdp_prog_5.3.o" /* kernels without redirect-map fallback flags */

struct xsk_queue {
	/* RX side: RX ring and fill ring */
	struct xsk_ring_cons rx;
	struct xsk_ring_prod fq;
	uint64_t rx_oversize; /* frames too long for a pkt; writer: RX thread, reader: stats */
	/* TX side: TX ring, completion ring and the free TX frames */
	struct xsk_ring_prod tx __cache_aligned;
	struct xsk_ring_cons cq;
	uint64_t *tx_free;
	uint32_t n_tx_free;
	/* shared, read-only after open */
	struct xsk_socket *xsk __cache_aligned;
	struct xsk_umem *umem;
	void *area;
	size_t area_len;
	int fd;
} __cache_aligned;

struct xsk_port {
	struct xsk_queue *q;
	uint16_t n;
	struct xdp_program *prog;
	enum xdp_attach_mode attached; /* XDP_MODE_UNSPEC while not attached */
	int ifindex;
	struct xdp_state state;
	int state_held;
	char desc[96];
};

static uint16_t xsk_rx_burst(struct io_queue *q, struct pkt **pkts, uint16_t n)
{
	struct xsk_queue *xq = q->priv;
	uint32_t idx_rx = 0, idx_fq = 0, got;

	got = xsk_ring_cons__peek(&xq->rx, n, &idx_rx);
	if (!got) {
		/* In need_wakeup mode the kernel sleeps until told the fill ring has frames. */
		if (xsk_ring_prod__needs_wakeup(&xq->fq))
			(void)recvfrom(xq->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
		return 0;
	}
	uint32_t have = pktpool_get_burst(q->pool, pkts, got);
	if (unlikely(have < got)) {
		/* Leave what we have no buffers for in the ring (libxdp has no cancel). */
		xq->rx.cached_cons -= got - have;
		got = have;
	}
	/* The fill ring has room for every RX frame, so this never comes up short. */
	(void)xsk_ring_prod__reserve(&xq->fq, got, &idx_fq);
	uint32_t used = 0;
	for (uint32_t i = 0; i < got; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&xq->rx, idx_rx + i);

		*xsk_ring_prod__fill_addr(&xq->fq, idx_fq + i) = xsk_umem__extract_addr(d->addr);
		/* Larger than our buffers (a jumbo MTU in copy mode): lost here, and counted. */
		if (unlikely(d->len > PKT_DATA_MAX)) {
			__atomic_store_n(&xq->rx_oversize, xq->rx_oversize + 1, __ATOMIC_RELAXED);
			continue;
		}
		memcpy(pkts[used]->data, xsk_umem__get_data(xq->area, d->addr), d->len);
		pkts[used++]->len = (uint16_t)d->len;
	}
	xsk_ring_cons__release(&xq->rx, got);
	xsk_ring_prod__submit(&xq->fq, got);
	if (unlikely(used < got))
		pktpool_put_burst(q->pool, pkts + used, got - used);
	return (uint16_t)used;
}

static void xsk_reclaim_tx(struct xsk_queue *xq)
{
	uint32_t idx = 0, done = xsk_ring_cons__peek(&xq->cq, UINT32_MAX, &idx);

	for (uint32_t i = 0; i < done; i++)
		xq->tx_free[xq->n_tx_free++] = *xsk_ring_cons__comp_addr(&xq->cq, idx + i);
	xsk_ring_cons__release(&xq->cq, done);
}

static uint16_t xsk_tx_burst(struct io_queue *q, struct pkt *const *pkts, uint16_t n)
{
	struct xsk_queue *xq = q->priv;
	uint32_t idx = 0, k;

	if (xq->n_tx_free < n)
		xsk_reclaim_tx(xq);
	k = xsk_ring_prod__reserve(&xq->tx, MIN((uint32_t)n, xq->n_tx_free), &idx);
	for (uint32_t i = 0; i < k; i++) {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&xq->tx, idx + i);
		const struct pkt *p = pkts[i];
		uint64_t addr = xq->tx_free[--xq->n_tx_free];

		memcpy(xsk_umem__get_data(xq->area, addr), p->data, p->len);
		d->addr = addr;
		d->len = p->len;
	}
	if (k)
		xsk_ring_prod__submit(&xq->tx, k);
	/* Copy mode always needs the kick; zero-copy drivers say when they do. */
	if (k && xsk_ring_prod__needs_wakeup(&xq->tx))
		(void)sendto(xq->fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
	return (uint16_t)k;
}

static void xsk_queue_close(struct xsk_queue *xq)
{
	if (xq->xsk)
		xsk_socket__delete(xq->xsk);
	if (xq->umem)
		xsk_umem__delete(xq->umem);
	if (xq->area)
		munmap(xq->area, xq->area_len);
	free(xq->tx_free);
	memset(xq, 0, sizeof(*xq));
}

static void xsk_close(struct io_port *port)
{
	struct xsk_port *xp = port->priv;

	if (!xp)
		return;
	for (uint16_t i = 0; i < xp->n; i++)
		xsk_queue_close(&xp->q[i]);
	if (xp->attached != XDP_MODE_UNSPEC)
		xdp_program__detach(xp->prog, xp->ifindex, xp->attached, 0);
	if (xp->prog)
		xdp_program__close(xp->prog);
	if (xp->state_held)
		xdp_state_release(&xp->state);
	free(xp->q);
	free(xp);
	port->priv = NULL;
}

/* libxdp logs to stderr by default; errors reach the user through our own messages. */
static int xsk_libxdp_quiet(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static int xsk_libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static int xsk_load_prog(struct xsk_port *xp, const struct io_iface *ifc,
			 const struct dp_config *cfg, uint32_t max_queue, char *err, size_t errlen)
{
	static const char *const files[] = { XSK_PROG, XSK_PROG53 };
	enum xdp_attach_mode modes[2] = { XDP_MODE_NATIVE, XDP_MODE_SKB };
	int n_modes = 2, ret = -ENOENT;

	if (cfg->port.afxdp.attach == DP_XDP_ATTACH_NATIVE)
		n_modes = 1;
	else if (cfg->port.afxdp.attach == DP_XDP_ATTACH_SKB)
		modes[0] = XDP_MODE_SKB, n_modes = 1;

	for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
		for (int m = 0; m < n_modes; m++) {
			struct bpf_map *map;

			xp->prog = xdp_program__find_file(files[f], NULL, NULL);
			ret = (int)libxdp_get_error(xp->prog);
			if (ret) {
				xp->prog = NULL;
				snprintf(err, errlen,
					 "%s: cannot find libxdp's program %s: %s (is libxdp1 "
					 "installed?)",
					 ifc->name, files[f], strerror(-ret));
				break;
			}
			/* The program redirects by RX queue index: the map needs a slot for the
			 * highest queue we bind. */
			map = bpf_object__find_map_by_name(xdp_program__bpf_obj(xp->prog),
							   "xsks_map");
			if (map && bpf_map__max_entries(map) < max_queue + 1)
				bpf_map__set_max_entries(map, max_queue + 1);
			ret = xdp_program__attach(xp->prog, ifc->ifindex, modes[m], 0);
			if (!ret) {
				xp->attached = modes[m];
				return 0;
			}
			xdp_program__close(xp->prog);
			xp->prog = NULL;
			if (ret == -EPERM || ret == -EACCES) {
				io_iface_errno_msg(ifc->name, "cannot attach the XDP program", -ret,
						   err, errlen);
				return ret;
			}
			if (ret == -EEXIST || ret == -EBUSY) {
				snprintf(err, errlen,
					 "%s: another XDP program is attached and cannot be "
					 "combined with ours: %s",
					 ifc->name, strerror(-ret));
				return ret;
			}
			snprintf(err, errlen, "%s: cannot attach XDP in %s mode%s%s%s: %s%s",
				 ifc->name, modes[m] == XDP_MODE_NATIVE ? "native" : "skb",
				 ifc->driver[0] ? " (driver " : "", ifc->driver,
				 ifc->driver[0] ? ")" : "", strerror(-ret),
				 modes[m] == XDP_MODE_NATIVE && n_modes == 1
					 ? "; port.afxdp.attach \"skb\" works on every interface"
					 : "");
		}
	}
	return ret;
}

static int xsk_queue_open(struct xsk_queue *xq, const struct io_iface *ifc,
			  const struct dp_config *cfg, uint32_t queue_id, int map_fd, char *err,
			  size_t errlen)
{
	uint32_t rx_frames = cfg->port.rx_slots, tx_frames = cfg->port.tx_slots, idx = 0;
	struct xsk_umem_config ucfg = {
		.fill_size = rx_frames,
		.comp_size = tx_frames,
		.frame_size = XSK_FRAME,
		.frame_headroom = 0,
	};
	struct xsk_socket_config scfg = {
		.rx_size = rx_frames,
		.tx_size = tx_frames,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
	};
	uint16_t binds[2] = { XDP_ZEROCOPY, XDP_COPY };
	int n_binds = 2, ret;
	char what[64];

	if (cfg->port.afxdp.bind == DP_XDP_BIND_COPY)
		binds[0] = XDP_COPY, n_binds = 1;
	else if (cfg->port.afxdp.bind == DP_XDP_BIND_ZEROCOPY)
		n_binds = 1;

	xq->fd = -1;
	xq->area_len = (size_t)(rx_frames + tx_frames) * XSK_FRAME;
	xq->area = mmap(NULL, xq->area_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			0);
	xq->tx_free = calloc(tx_frames, sizeof(*xq->tx_free));
	if (xq->area == MAP_FAILED || !xq->tx_free) {
		if (xq->area == MAP_FAILED)
			xq->area = NULL;
		snprintf(err, errlen, "%s: out of memory for the AF_XDP UMEM", ifc->name);
		return -ENOMEM;
	}
	ret = xsk_umem__create(&xq->umem, xq->area, xq->area_len, &xq->fq, &xq->cq, &ucfg);
	if (ret) {
		xq->umem = NULL;
		io_iface_errno_msg(ifc->name, "cannot create the AF_XDP UMEM", -ret, err, errlen);
		return ret;
	}
	for (int b = 0; b < n_binds; b++) {
		scfg.bind_flags = binds[b] | XDP_USE_NEED_WAKEUP;
		ret = xsk_socket__create(&xq->xsk, ifc->name, queue_id, xq->umem, &xq->rx, &xq->tx,
					 &scfg);
		if (!ret)
			break;
		xq->xsk = NULL;
	}
	if (ret) {
		int zc_only = n_binds == 1 && binds[0] == XDP_ZEROCOPY;
		snprintf(what, sizeof(what), "cannot bind an AF_XDP socket to queue %u%s", queue_id,
			 zc_only ? " in zero-copy mode" : "");
		io_iface_errno_msg(ifc->name, what, -ret, err, errlen);
		if (zc_only && ret == -EOPNOTSUPP) {
			size_t used = strlen(err);
			snprintf(err + used, errlen - used,
				 " (the driver%s%s has no zero-copy AF_XDP; use port.afxdp.bind "
				 "\"auto\" or \"copy\")",
				 ifc->driver[0] ? " " : "", ifc->driver);
		}
		return ret;
	}
	xq->fd = xsk_socket__fd(xq->xsk);
	ret = xsk_socket__update_xskmap(xq->xsk, map_fd);
	if (ret) {
		io_iface_errno_msg(ifc->name, "cannot register the socket with the XDP program",
				   -ret, err, errlen);
		return ret;
	}
	/* Hand the kernel every RX frame now; rx_burst gives each back as soon as it is copied. */
	if (xsk_ring_prod__reserve(&xq->fq, rx_frames, &idx) != rx_frames) {
		snprintf(err, errlen, "%s: the AF_XDP fill ring is smaller than %u", ifc->name,
			 rx_frames);
		return -ENOSPC;
	}
	for (uint32_t i = 0; i < rx_frames; i++)
		*xsk_ring_prod__fill_addr(&xq->fq, idx + i) = (uint64_t)i * XSK_FRAME;
	xsk_ring_prod__submit(&xq->fq, rx_frames);
	for (uint32_t i = 0; i < tx_frames; i++)
		xq->tx_free[xq->n_tx_free++] = (uint64_t)(rx_frames + i) * XSK_FRAME;
	return 0;
}

/* Whether libxdp attached through its dispatcher (it falls back to a plain program when the
 * kernel or the sandbox refuses the dispatcher, or no bpffs can be used): then the program the
 * interface runs is not ours. */
static int xsk_has_dispatcher(const struct xsk_port *xp)
{
	int flags = xp->attached == XDP_MODE_NATIVE ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
	__u32 id = 0;

	if (bpf_xdp_query_id(xp->ifindex, flags, &id))
		return 0;
	return id && id != xdp_program__id(xp->prog);
}

/* Whether the bound socket ended up in zero-copy mode. */
static int xsk_is_zerocopy(int fd)
{
	struct xdp_options opts = { 0 };
	socklen_t len = sizeof(opts);

	return getsockopt(fd, SOL_XDP, XDP_OPTIONS, &opts, &len) == 0 &&
	       (opts.flags & XDP_OPTIONS_ZEROCOPY);
}

static int xsk_open(struct io_port *port, const struct dp_config *cfg, char *err, size_t errlen)
{
	uint32_t first = cfg->port.afxdp.queue;
	struct io_iface ifc;
	struct xsk_port *xp;
	int ret, map_fd;

	ret = io_iface_check(cfg->port.iface, &ifc, err, errlen);
	if (ret)
		return ret;
	xp = calloc(1, sizeof(*xp));
	if (!xp || !(xp->q = zalloc_aligned(port->nqueues, sizeof(*xp->q)))) {
		free(xp);
		snprintf(err, errlen, "%s: out of memory", ifc.name);
		return -ENOMEM;
	}
	port->priv = xp;
	memcpy(port->mac, ifc.mac, 6);
	port->has_mac = 1;
	if (ifc.rx_queues && first + port->nqueues > ifc.rx_queues) {
		ret = -EINVAL;
		snprintf(err, errlen,
			 "%s: has %u RX queue%s, but queues %u..%u are needed (%u worker%s from "
			 "port.afxdp.queue %u); add queues with ethtool -L",
			 ifc.name, ifc.rx_queues, ifc.rx_queues == 1 ? "" : "s", first,
			 first + port->nqueues - 1, port->nqueues, port->nqueues == 1 ? "" : "s",
			 first);
		goto err;
	}
	/* XDP passes frames of queues without a socket to the kernel: in sw mode (one port queue)
	 * on a multi-queue device, part of the traffic would silently miss the dataplane. */
	if (cfg->mode == DP_MODE_SW && ifc.rx_queues > 1) {
		ret = -EINVAL;
		snprintf(err, errlen,
			 "%s: has %u RX queues, but sw mode reads one; set one queue first "
			 "(ethtool -L %s combined 1, or rx 1 tx 1)",
			 ifc.name, ifc.rx_queues, ifc.name);
		goto err;
	}
	xp->ifindex = ifc.ifindex;
	xp->attached = XDP_MODE_UNSPEC;
	if (!getenv("VNFDP_DEBUG_XDP")) {
		libxdp_set_print(xsk_libxdp_quiet);
		libbpf_set_print(xsk_libbpf_quiet);
	}

	/* Claim the interface and clear what a crashed run left behind, before attaching. */
	ret = xdp_state_acquire(&xp->state, &ifc, err, errlen);
	if (ret)
		goto err;
	xp->state_held = 1;
	xdp_bpffs_prepare();
	ret = xsk_load_prog(xp, &ifc, cfg, first + port->nqueues - 1, err, errlen);
	if (ret)
		goto err;
	ret = xdp_state_record(&xp->state, xdp_program__id(xp->prog), err, errlen);
	if (ret)
		goto err;
	map_fd = bpf_object__find_map_fd_by_name(xdp_program__bpf_obj(xp->prog), "xsks_map");
	if (map_fd < 0) {
		ret = map_fd;
		snprintf(err, errlen, "%s: libxdp's program has no xsks_map", ifc.name);
		goto err;
	}
	for (uint16_t i = 0; i < port->nqueues; i++) {
		xp->n = (uint16_t)(i + 1);
		ret = xsk_queue_open(&xp->q[i], &ifc, cfg, first + i, map_fd, err, errlen);
		if (ret)
			goto err;
		port->queues[i].rx_burst = xsk_rx_burst;
		port->queues[i].tx_burst = xsk_tx_burst;
		port->queues[i].priv = &xp->q[i];
	}
	snprintf(xp->desc, sizeof(xp->desc), "XDP %s%s, %s%s",
		 xp->attached == XDP_MODE_NATIVE ? "native" : "skb",
		 xsk_has_dispatcher(xp) ? "" : " without libxdp's dispatcher",
		 xsk_is_zerocopy(xp->q[0].fd) ? "zero-copy" : "copy mode",
		 xp->state.stale_prog ? "; detached the program a crashed run left" : "");
	return 0;
err:
	xsk_close(port);
	return ret;
}

static uint64_t xsk_rx_missed(const struct io_port *port)
{
	const struct xsk_port *xp = port->priv;
	uint64_t m = 0;

	for (uint16_t i = 0; i < xp->n; i++) {
		struct xdp_statistics st;
		socklen_t len = sizeof(st);

		if (getsockopt(xp->q[i].fd, SOL_XDP, XDP_STATISTICS, &st, &len) == 0)
			m += st.rx_dropped + st.rx_ring_full;
		m += __atomic_load_n(&xp->q[i].rx_oversize, __ATOMIC_RELAXED);
	}
	return m;
}

static const char *xsk_describe(const struct io_port *port)
{
	const struct xsk_port *xp = port->priv;
	return xp->desc;
}

const struct io_ops io_afxdp_ops = {
	.name = "afxdp",
	.open = xsk_open,
	.close = xsk_close,
	.rx_missed = xsk_rx_missed,
	.describe = xsk_describe,
};
