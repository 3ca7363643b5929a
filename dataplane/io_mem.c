/* In-memory backend: a packet generator on RX and a counting sink on TX.  With several queues
 * it spreads flows over them by the configured RSS, as a NIC or the VALE switch would, so the
 * run-to-completion engine sees what it would see on real multi-queue hardware. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "io.h"
#include "rss.h"

struct mem_queue {
	uint32_t *flows; /* template indices that land on this queue */
	uint32_t n_flows;
	uint32_t cursor;
	uint64_t limit;	    /* this queue's share of port.mem.packets; 0 = unlimited */
	uint64_t rate;	    /* this queue's share of port.mem.rate (frames/s); 0 = unpaced */
	uint64_t start_ns;  /* first receive, for pacing */
	uint64_t generated; /* frames offered (received + missed); writer: the queue's RX thread */
	uint64_t missed;    /* frames lost because the reader fell behind; same writer */
	uint64_t tx;
} __cache_aligned;

struct mem_port {
	uint8_t *tmpl; /* n_tmpl templates, stride bytes apart */
	uint16_t *tmpl_len;
	uint32_t n_tmpl;
	uint32_t stride;
	uint64_t limit;	     /* 0 = unlimited; read-only */
	uint64_t rate;	     /* 0 = unpaced; read-only */
	uint32_t ring_slots; /* the RX ring a paced queue imitates (port.rx_slots) */
	int tx_blocked;	     /* set by tests, read by TX */
	struct io_mem_tx_hook hook;
	struct mem_queue *q;
};

static uint16_t ip_checksum(const uint8_t *h, unsigned len)
{
	uint32_t s = 0;
	for (unsigned i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Flow f: UDP 10.0.x.y:sport -> 10.1.0.1:9, frame of `size` bytes. */
static void mem_build_udp(uint8_t *f, uint16_t size, uint32_t flow)
{
	static const uint8_t dst_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t src_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	uint16_t ip_len = (uint16_t)(size - 14);
	uint16_t sport = (uint16_t)(1024 + flow % 50000);
	uint32_t host = flow / 50000;

	memset(f, 0, size);
	memcpy(f, dst_mac, 6);
	memcpy(f + 6, src_mac, 6);
	f[12] = 0x08;
	uint8_t *ip = f + 14;
	ip[0] = 0x45;
	ip[2] = (uint8_t)(ip_len >> 8);
	ip[3] = (uint8_t)ip_len;
	ip[8] = 64;
	ip[9] = 17;
	ip[12] = 10;
	ip[13] = (uint8_t)(host >> 8);
	ip[14] = (uint8_t)host;
	ip[15] = (uint8_t)(1 + flow % 250);
	ip[16] = 10;
	ip[17] = 1;
	ip[19] = 1;
	uint16_t cs = ip_checksum(ip, 20);
	ip[10] = (uint8_t)(cs >> 8);
	ip[11] = (uint8_t)cs;
	uint8_t *udp = ip + 20;
	udp[0] = (uint8_t)(sport >> 8);
	udp[1] = (uint8_t)sport;
	udp[3] = 9;
	udp[4] = (uint8_t)((ip_len - 20) >> 8);
	udp[5] = (uint8_t)(ip_len - 20);
}

/* Frames this queue may have sent by now at its rate, like a wire that delivers at a fixed
 * pace whether or not the reader keeps up. */
static uint64_t mem_paced_due(struct mem_queue *mq)
{
	uint64_t now = clock_now_ns();
	if (!mq->start_ns)
		mq->start_ns = now;
	return (uint64_t)((double)(now - mq->start_ns) * (double)mq->rate / 1e9) + 1;
}

static uint16_t mem_rx_burst(struct io_queue *q, struct pkt **pkts, uint16_t n)
{
	struct mem_port *mp = q->port->priv;
	struct mem_queue *mq = q->priv;

	if (unlikely(mq->n_flows == 0))
		return 0;
	if (mp->limit) {
		if (mq->generated >= mq->limit)
			return 0;
		n = (uint16_t)MIN((uint64_t)n, mq->limit - mq->generated);
	}
	if (mq->rate) {
		uint64_t due = mem_paced_due(mq);
		if (mp->limit)
			due = MIN(due, mq->limit);
		if (due <= mq->generated)
			return 0;
		/* A NIC holds at most its ring; what arrives beyond it while the reader is late is
		 * lost (and counted), not delivered later at full speed. */
		if (due - mq->generated > mp->ring_slots) {
			uint64_t lost = due - mq->generated - mp->ring_slots;
			__atomic_store_n(&mq->missed, mq->missed + lost, __ATOMIC_RELEASE);
			__atomic_store_n(&mq->generated, mq->generated + lost, __ATOMIC_RELEASE);
		}
		n = (uint16_t)MIN((uint64_t)n, due - mq->generated);
	}
	uint16_t got = (uint16_t)pktpool_get_burst(q->pool, pkts, n);
	__atomic_store_n(&mq->generated, mq->generated + got, __ATOMIC_RELEASE);

	uint32_t cur = mq->cursor;
	for (uint16_t i = 0; i < got; i++) {
		uint32_t t = mq->flows[cur];
		memcpy(pkts[i]->data, mp->tmpl + (size_t)t * mp->stride, mp->tmpl_len[t]);
		pkts[i]->len = mp->tmpl_len[t];
		if (++cur == mq->n_flows)
			cur = 0;
	}
	mq->cursor = cur;
	return got;
}

static uint16_t mem_tx_burst(struct io_queue *q, struct pkt *const *pkts, uint16_t n)
{
	struct mem_port *mp = q->port->priv;
	struct mem_queue *mq = q->priv;

	if (unlikely(__atomic_load_n(&mp->tx_blocked, __ATOMIC_RELAXED)))
		return 0;
	if (mp->hook.fn)
		for (uint16_t i = 0; i < n; i++)
			mp->hook.fn(mp->hook.arg, q->id, pkts[i]);
	mq->tx += n;
	return n;
}

/* Assigns each template to the queue the port's RSS picks for it. */
static int mem_assign_flows(struct io_port *port)
{
	struct mem_port *mp = port->priv;
	uint32_t *count = calloc(port->nqueues, sizeof(*count));
	uint16_t *dest = malloc((size_t)mp->n_tmpl * sizeof(*dest));
	int ret = -ENOMEM;

	if (!count || !dest)
		goto out;
	for (uint32_t t = 0; t < mp->n_tmpl; t++) {
		const uint8_t *f = mp->tmpl + (size_t)t * mp->stride;
		struct pkt_meta m;
		uint16_t qid = 0;
		if (port->nqueues > 1 && pkt_parse(f, mp->tmpl_len[t], &m) == DROP_NONE &&
		    (m.l3 == PKT_L3_IPV4 || m.l3 == PKT_L3_IPV6))
			qid = rss_queue_of(port->rss, rss_hash_frame(port->rss, f, &m)) %
			      port->nqueues;
		dest[t] = qid;
		count[qid]++;
	}
	for (uint16_t i = 0; i < port->nqueues; i++) {
		struct mem_queue *mq = &mp->q[i];
		free(mq->flows);
		mq->flows = malloc((size_t)MAX(count[i], 1) * sizeof(*mq->flows));
		if (!mq->flows)
			goto out;
		mq->n_flows = 0;
		mq->cursor = 0;
	}
	for (uint32_t t = 0; t < mp->n_tmpl; t++) {
		struct mem_queue *mq = &mp->q[dest[t]];
		mq->flows[mq->n_flows++] = t;
	}
	/* Each queue gets the packet budget of its flows, so every flow is sent equally often
	 * whichever queue starts first (cumulative rounding keeps the sum exact). */
	uint64_t cum = 0;
	for (uint16_t i = 0; i < port->nqueues; i++) {
		uint64_t lo = mp->limit * cum / mp->n_tmpl;
		cum += mp->q[i].n_flows;
		mp->q[i].limit = mp->limit * cum / mp->n_tmpl - lo;
		mp->q[i].rate = mp->rate ? MAX(mp->rate * mp->q[i].n_flows / mp->n_tmpl, 1) : 0;
		mp->q[i].start_ns = 0;
		mp->q[i].generated = 0;
		mp->q[i].missed = 0;
	}
	ret = 0;
out:
	free(count);
	free(dest);
	return ret;
}

static int mem_set_templates(struct mem_port *mp, uint32_t n, uint32_t stride)
{
	uint8_t *t = calloc(n, stride);
	uint16_t *l = calloc(n, sizeof(*l));
	if (!t || !l) {
		free(t);
		free(l);
		return -ENOMEM;
	}
	free(mp->tmpl);
	free(mp->tmpl_len);
	mp->tmpl = t;
	mp->tmpl_len = l;
	mp->n_tmpl = n;
	mp->stride = stride;
	return 0;
}

static void mem_close(struct io_port *port)
{
	struct mem_port *mp = port->priv;
	if (!mp)
		return;
	if (mp->q)
		for (uint16_t i = 0; i < port->nqueues; i++)
			free(mp->q[i].flows);
	free(mp->q);
	free(mp->tmpl);
	free(mp->tmpl_len);
	free(mp);
	port->priv = NULL;
}

static int mem_open(struct io_port *port, const struct dp_config *cfg, char *err, size_t errlen)
{
	const struct dp_mem_gen *g = &cfg->port.mem;
	uint32_t stride = (uint32_t)((g->size + CACHE_LINE - 1) & ~(CACHE_LINE - 1));
	struct mem_port *mp = calloc(1, sizeof(*mp));
	int ret = -ENOMEM;

	if (!mp)
		goto err;
	port->priv = mp;
	/* the generator's frames are addressed to 02:00:00:00:00:01 */
	memcpy(port->mac, "\x02\0\0\0\0\x01", 6);
	port->has_mac = 1;
	mp->limit = g->packets;
	mp->rate = g->rate;
	mp->ring_slots = cfg->port.rx_slots;
	mp->q = zalloc_aligned(port->nqueues, sizeof(*mp->q));
	if (!mp->q || mem_set_templates(mp, g->flows, stride))
		goto err;
	for (uint32_t f = 0; f < g->flows; f++) {
		mem_build_udp(mp->tmpl + (size_t)f * stride, g->size, f);
		mp->tmpl_len[f] = g->size;
	}
	for (uint16_t i = 0; i < port->nqueues; i++) {
		port->queues[i].rx_burst = mem_rx_burst;
		port->queues[i].tx_burst = mem_tx_burst;
		port->queues[i].priv = &mp->q[i];
	}
	ret = mem_assign_flows(port);
	if (ret)
		goto err;
	return 0;
err:
	snprintf(err, errlen, "%s: mem: cannot set up the generator: %s", cfg->port.iface,
		 strerror(-ret));
	mem_close(port);
	return ret;
}

int io_mem_load_frames(struct io_port *port, const uint8_t *const *frames, const uint16_t *lens,
		       uint32_t count)
{
	struct mem_port *mp = port->priv;
	int ret;

	if (port->ops != &io_mem_ops || count == 0)
		return -EINVAL;
	for (uint32_t i = 0; i < count; i++)
		if (lens[i] > PKT_DATA_MAX)
			return -EINVAL;
	ret = mem_set_templates(mp, count, PKT_DATA_MAX);
	if (ret)
		return ret;
	for (uint32_t i = 0; i < count; i++) {
		memcpy(mp->tmpl + (size_t)i * PKT_DATA_MAX, frames[i], lens[i]);
		mp->tmpl_len[i] = lens[i];
	}
	return mem_assign_flows(port);
}

void io_mem_set_tx_hook(struct io_port *port, const struct io_mem_tx_hook *hook)
{
	struct mem_port *mp = port->priv;
	mp->hook = *hook;
}

static uint64_t mem_rx_missed(const struct io_port *port)
{
	const struct mem_port *mp = port->priv;
	uint64_t m = 0;
	for (uint16_t i = 0; i < port->nqueues; i++)
		m += __atomic_load_n(&mp->q[i].missed, __ATOMIC_ACQUIRE);
	return m;
}

void io_mem_set_tx_blocked(struct io_port *port, int on)
{
	struct mem_port *mp = port->priv;
	__atomic_store_n(&mp->tx_blocked, on, __ATOMIC_RELAXED);
}

const struct io_ops io_mem_ops = {
	.name = "mem",
	.open = mem_open,
	.close = mem_close,
	.rx_missed = mem_rx_missed,
};
