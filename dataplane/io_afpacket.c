/* AF_PACKET backend: works on any Linux interface.  Each queue is one socket with a TPACKET_V3
 * RX ring (the kernel fills variable-sized blocks and hands over a whole block at once, so one
 * status check covers hundreds of frames) and an mmap'ed TX ring sent with PACKET_QDISC_BYPASS.
 *
 * In run-to-completion modes the port has one queue per worker: one socket each, joined in one
 * PACKET_FANOUT group.  "hash" (the default) spreads by the kernel's flow hash, which keeps a
 * flow on one worker on any device, single-queue ones included.  "qm" follows the RX queue the
 * NIC chose, so worker i gets NIC queue i and the worker matches the NIC's own RSS (what `nic`
 * mode means) on devices that record it (tests/vm/rss.sh checks it flow by flow).
 *
 * RX and TX of a queue touch different rings, so one thread may receive while another sends. */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include "io.h"
#include "io_iface.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

#define AFP_RX_BLOCK	 (1u << 16) /* 64 KiB: ~450 minimum-size frames per block */
#define AFP_RX_FRAME	 2048u	    /* nominal; V3 packs frames by their real size */
#define AFP_RX_TOV_MS	 1	    /* a partly filled block is handed over after 1 ms */
#define AFP_TX_FRAME	 4096u	    /* header + PKT_DATA_MAX, one frame per page-sized block */
#define AFP_TX_DATA_OFF	 TPACKET_ALIGN(sizeof(struct tpacket3_hdr))
#define AFP_TX_DATA_MAX	 (AFP_TX_FRAME - AFP_TX_DATA_OFF)
#define AFP_FANOUT_GROUP 0xffff

struct afp_queue {
	int fd;
	uint8_t *map;
	size_t map_len;
	/* RX, owned by the receiving thread */
	uint8_t *rx_ring;
	uint32_t rx_blocks, rx_block; /* block count, current block */
	uint32_t rx_left;	      /* frames still to read in the current block */
	struct tpacket3_hdr *rx_next; /* next frame in the current block */
	uint64_t rx_oversize;	      /* frames dropped because they exceed PKT_DATA_MAX */
	/* TX, owned by the transmitting thread */
	uint8_t *tx_ring;
	uint32_t tx_frames, tx_head;
	/* drops the kernel reported; PACKET_STATISTICS resets on read, so they add up here */
	uint64_t kernel_drops;
} __cache_aligned;

struct afp_port {
	struct afp_queue *q;
	uint16_t n;
};

static inline struct tpacket_block_desc *afp_block(struct afp_queue *aq, uint32_t i)
{
	return (struct tpacket_block_desc *)(aq->rx_ring + (size_t)i * AFP_RX_BLOCK);
}

static uint16_t afp_rx_burst(struct io_queue *q, struct pkt **pkts, uint16_t n)
{
	struct afp_queue *aq = q->priv;
	uint16_t got = 0;

	while (got < n) {
		struct tpacket_block_desc *bd = afp_block(aq, aq->rx_block);

		if (!aq->rx_left) {
			if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
			      TP_STATUS_USER))
				break;
			aq->rx_left = bd->hdr.bh1.num_pkts;
			aq->rx_next = (struct tpacket3_hdr *)((uint8_t *)bd +
							      bd->hdr.bh1.offset_to_first_pkt);
			if (!aq->rx_left)
				goto release;
		}
		uint32_t want = MIN((uint32_t)(n - got), aq->rx_left);
		want = pktpool_get_burst(q->pool, pkts + got, want);
		if (!want)
			break;
		uint32_t used = 0;
		for (uint32_t i = 0; i < want; i++) {
			struct tpacket3_hdr *h = aq->rx_next;
			const struct sockaddr_ll *sll =
				(const void *)((uint8_t *)h + TPACKET_ALIGN(sizeof(*h)));

			aq->rx_next = (struct tpacket3_hdr *)((uint8_t *)h + h->tp_next_offset);
			/* Our own transmissions come back to sockets of the same fanout group
			 * on kernels without PACKET_IGNORE_OUTGOING for groups. */
			if (unlikely(sll->sll_pkttype == PACKET_OUTGOING))
				continue;
			if (unlikely(h->tp_snaplen != h->tp_len || h->tp_len > PKT_DATA_MAX)) {
				__atomic_store_n(&aq->rx_oversize, aq->rx_oversize + 1,
						 __ATOMIC_RELAXED);
				continue;
			}
			struct pkt *p = pkts[got + used++];
			memcpy(p->data, (uint8_t *)h + h->tp_mac, h->tp_snaplen);
			p->len = (uint16_t)h->tp_snaplen;
		}
		if (used < want)
			pktpool_put_burst(q->pool, pkts + got + used, want - used);
		got = (uint16_t)(got + used);
		aq->rx_left -= want;
		if (aq->rx_left)
			break; /* n reached */
	release:
		__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		aq->rx_block = aq->rx_block + 1 == aq->rx_blocks ? 0 : aq->rx_block + 1;
	}
	return got;
}

static uint16_t afp_tx_burst(struct io_queue *q, struct pkt *const *pkts, uint16_t n)
{
	struct afp_queue *aq = q->priv;
	uint16_t sent = 0;

	for (; sent < n; sent++) {
		struct tpacket3_hdr *h =
			(struct tpacket3_hdr *)(aq->tx_ring + (size_t)aq->tx_head * AFP_TX_FRAME);
		uint32_t st = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);

		/* AVAILABLE once the kernel sent it; WRONG_FORMAT frames were skipped (PACKET_LOSS)
		 * and the slot is ours again either way. */
		if (st != TP_STATUS_AVAILABLE && st != TP_STATUS_WRONG_FORMAT)
			break;
		const struct pkt *p = pkts[sent];
		uint16_t len = (uint16_t)MIN((uint32_t)p->len, AFP_TX_DATA_MAX);
		memcpy((uint8_t *)h + AFP_TX_DATA_OFF, p->data, len);
		h->tp_len = len;
		h->tp_next_offset = 0;
		__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
		aq->tx_head = aq->tx_head + 1 == aq->tx_frames ? 0 : aq->tx_head + 1;
	}
	/* With qdisc bypass the kernel hands every requested frame to the driver in this call;
	 * frames it cannot send now stay requested and go with the next kick. */
	if (sent)
		(void)sendto(aq->fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
	return sent;
}

static void afp_queue_close(struct afp_queue *aq)
{
	if (aq->map && aq->map != MAP_FAILED)
		munmap(aq->map, aq->map_len);
	if (aq->fd >= 0)
		close(aq->fd);
	aq->map = NULL;
	aq->fd = -1;
}

static void afp_close(struct io_port *port)
{
	struct afp_port *ap = port->priv;

	if (!ap)
		return;
	for (uint16_t i = 0; i < ap->n; i++)
		afp_queue_close(&ap->q[i]);
	free(ap->q);
	free(ap);
	port->priv = NULL;
}

static int afp_setsockopt(int fd, int opt, const void *v, socklen_t len, const char *what,
			  const char *ifname, char *err, size_t errlen)
{
	if (setsockopt(fd, SOL_PACKET, opt, v, len) == 0)
		return 0;
	int e = errno;
	io_iface_errno_msg(ifname, what, e, err, errlen);
	return -e;
}

/* One socket with both rings, bound to the interface, optionally joined to the fanout group. */
static int afp_queue_open(struct afp_queue *aq, const struct io_iface *ifc,
			  const struct dp_config *cfg, int fanout_arg, char *err, size_t errlen)
{
	const char *ifname = ifc->name;
	int one = 1, ver = TPACKET_V3, ret;
	struct tpacket_req3 rx = { 0 }, tx = { 0 };
	struct sockaddr_ll sll = { 0 };

	/* Protocol 0 until bound: the socket receives nothing before its ring and bind exist. */
	aq->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (aq->fd < 0) {
		ret = -errno;
		io_iface_errno_msg(ifname, "cannot open an AF_PACKET socket", errno, err, errlen);
		return ret;
	}
	ret = afp_setsockopt(aq->fd, PACKET_VERSION, &ver, sizeof(ver), "TPACKET_V3", ifname, err,
			     errlen);
	if (!ret)
		ret = afp_setsockopt(aq->fd, PACKET_QDISC_BYPASS, &one, sizeof(one),
				     "PACKET_QDISC_BYPASS", ifname, err, errlen);
	if (!ret)
		ret = afp_setsockopt(aq->fd, PACKET_LOSS, &one, sizeof(one), "PACKET_LOSS", ifname,
				     err, errlen);
	if (ret)
		return ret;
	/* Best effort (Linux 4.20+); rx_burst also skips outgoing frames. */
	(void)setsockopt(aq->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));

	uint32_t rx_bytes = MAX(cfg->port.rx_slots, 64u) * AFP_RX_FRAME;
	rx.tp_block_size = AFP_RX_BLOCK;
	rx.tp_block_nr = pow2_at_least(MAX(rx_bytes / AFP_RX_BLOCK, 4u));
	rx.tp_frame_size = AFP_RX_FRAME;
	rx.tp_frame_nr = rx.tp_block_nr * (AFP_RX_BLOCK / AFP_RX_FRAME);
	rx.tp_retire_blk_tov = AFP_RX_TOV_MS;
	ret = afp_setsockopt(aq->fd, PACKET_RX_RING, &rx, sizeof(rx), "cannot set up the RX ring",
			     ifname, err, errlen);
	if (ret)
		return ret;
	tx.tp_block_size = AFP_TX_FRAME;
	tx.tp_block_nr = cfg->port.tx_slots;
	tx.tp_frame_size = AFP_TX_FRAME;
	tx.tp_frame_nr = cfg->port.tx_slots;
	ret = afp_setsockopt(aq->fd, PACKET_TX_RING, &tx, sizeof(tx), "cannot set up the TX ring",
			     ifname, err, errlen);
	if (ret)
		return ret;
	aq->rx_blocks = rx.tp_block_nr;
	aq->tx_frames = tx.tp_frame_nr;
	aq->map_len = (size_t)rx.tp_block_nr * AFP_RX_BLOCK + (size_t)tx.tp_block_nr * AFP_TX_FRAME;
	aq->map = mmap(NULL, aq->map_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, aq->fd,
		       0);
	if (aq->map == MAP_FAILED) {
		ret = -errno;
		io_iface_errno_msg(ifname, "cannot map the rings", errno, err, errlen);
		return ret;
	}
	aq->rx_ring = aq->map;
	aq->tx_ring = aq->map + (size_t)rx.tp_block_nr * AFP_RX_BLOCK;

	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifc->ifindex;
	if (bind(aq->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		ret = -errno;
		io_iface_errno_msg(ifname, "cannot bind the AF_PACKET socket", errno, err, errlen);
		return ret;
	}
	if (fanout_arg >= 0)
		ret = afp_setsockopt(aq->fd, PACKET_FANOUT, &fanout_arg, sizeof(fanout_arg),
				     "cannot join the PACKET_FANOUT group", ifname, err, errlen);
	return ret;
}

static int afp_open(struct io_port *port, const struct dp_config *cfg, char *err, size_t errlen)
{
	struct io_iface ifc;
	struct afp_port *ap;
	int ret, fanout = -1;

	ret = io_iface_check(cfg->port.iface, &ifc, err, errlen);
	if (ret)
		return ret;
	ap = calloc(1, sizeof(*ap));
	if (!ap || !(ap->q = zalloc_aligned(port->nqueues, sizeof(*ap->q)))) {
		free(ap);
		snprintf(err, errlen, "%s: out of memory", cfg->port.iface);
		return -ENOMEM;
	}
	port->priv = ap;
	memcpy(port->mac, ifc.mac, 6);
	port->has_mac = 1;
	for (uint16_t i = 0; i < port->nqueues; i++)
		ap->q[i].fd = -1;
	if (port->nqueues > 1) {
		/* A group id private to this process and interface: two dataplanes on one host
		 * must not share a group by accident. */
		int id = (int)((getpid() ^ (ifc.ifindex << 8)) & AFP_FANOUT_GROUP);
		int mode = cfg->port.afpacket.fanout == DP_FANOUT_QM ? PACKET_FANOUT_QM
								     : PACKET_FANOUT_HASH;
		fanout = id | mode << 16;
	}
	/* Members are numbered in the order they join.  PACKET_FANOUT_QM sends a frame to member
	 * skb->queue_mapping % members, and a driver records RX queue q as queue_mapping q + 1
	 * (skb_record_rx_queue): joining queue n-1's socket first makes member q + 1 the socket
	 * of queue q, so worker i gets NIC queue i (measured on virtio-net: in join order 0..n-1
	 * worker i got queue i - 1). */
	ap->n = port->nqueues; /* the others are closed (fd -1, no map) until opened */
	for (uint16_t k = 0; k < port->nqueues; k++) {
		uint16_t i = cfg->port.afpacket.fanout == DP_FANOUT_QM
				     ? (uint16_t)((k + port->nqueues - 1) % port->nqueues)
				     : k;

		ret = afp_queue_open(&ap->q[i], &ifc, cfg, fanout, err, errlen);
		if (ret)
			goto err;
		port->queues[i].rx_burst = afp_rx_burst;
		port->queues[i].tx_burst = afp_tx_burst;
		port->queues[i].priv = &ap->q[i];
	}
	return 0;
err:
	afp_close(port);
	return ret;
}

static uint64_t afp_rx_missed(const struct io_port *port)
{
	struct afp_port *ap = port->priv;
	uint64_t m = 0;

	for (uint16_t i = 0; i < ap->n; i++) {
		struct afp_queue *aq = &ap->q[i];
		struct tpacket_stats_v3 st;
		socklen_t len = sizeof(st);

		if (getsockopt(aq->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
			__atomic_add_fetch(&aq->kernel_drops, st.tp_drops, __ATOMIC_RELAXED);
		m += __atomic_load_n(&aq->kernel_drops, __ATOMIC_RELAXED) +
		     __atomic_load_n(&aq->rx_oversize, __ATOMIC_RELAXED);
	}
	return m;
}

const struct io_ops io_afpacket_ops = {
	.name = "afpacket",
	.open = afp_open,
	.close = afp_close,
	.rx_missed = afp_rx_missed,
};
