#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "dist.h"
#include "pktbuf.h"
#include "stats.h"
#include "vnfio.h"

#define ETH_HDR	      14
#define ETH_MIN_FRAME 60

struct vnfio_queue {
	struct vnfio *io;
	uint16_t id;
};

struct vnfio {
	struct dist *d;
	unsigned n_queues;
	struct vnfio_queue q[DP_WORKERS_MAX];
};

static struct pkt *P(struct vnfio_pkt *p)
{
	return (struct pkt *)p;
}

static const struct pkt *CP(const struct vnfio_pkt *p)
{
	return (const struct pkt *)p;
}

int vnfio_open(struct vnfio **out, const char *config_path, char *err, size_t errlen)
{
	struct dp_config *cfg = malloc(sizeof(*cfg));
	struct vnfio *io = calloc(1, sizeof(*io));
	char why[VNFIO_ERR_LEN];
	int ret = -ENOMEM;

	*out = NULL;
	if (!cfg || !io) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	ret = config_load_file(config_path, cfg, why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "%s: %s", config_path, why);
		goto fail;
	}
	ret = dist_create(&io->d, cfg, &dist_app_external, err, errlen);
	if (!ret)
		ret = dist_start(io->d, err, errlen);
	if (ret)
		goto fail;
	io->n_queues = dist_workers(io->d);
	for (unsigned i = 0; i < io->n_queues; i++)
		io->q[i] = (struct vnfio_queue){ io, (uint16_t)i };
	free(cfg);
	*out = io;
	return 0;
fail:
	if (io)
		dist_destroy(io->d);
	free(io);
	free(cfg);
	return ret;
}

char *vnfio_close(struct vnfio *io)
{
	struct stats_snapshot s;
	char *json;

	if (!io)
		return NULL;
	dist_stop(io->d);
	dist_snapshot(io->d, &s);
	json = stats_to_json(&s, 0);
	dist_destroy(io->d);
	free(io);
	return json;
}

char *vnfio_stats(struct vnfio *io)
{
	struct stats_snapshot s;

	dist_snapshot(io->d, &s);
	return stats_to_json(&s, 0);
}

unsigned vnfio_queue_count(const struct vnfio *io)
{
	return io->n_queues;
}

struct vnfio_queue *vnfio_queue(struct vnfio *io, unsigned i)
{
	return i < io->n_queues ? &io->q[i] : NULL;
}

uint16_t vnfio_rx_burst(struct vnfio_queue *q, struct vnfio_pkt **pkts, uint16_t n)
{
	uint16_t got = dist_worker_rx(q->io->d, q->id, (struct pkt **)pkts, n);

	for (uint16_t i = 0; i < got; i++)
		memset(P(pkts[i])->nexthop, 0, 4);
	return got;
}

void vnfio_rx_release(struct vnfio_queue *q, struct vnfio_pkt **pkts, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++)
		P(pkts[i])->verdict = PKT_VERDICT_CONSUMED;
	dist_worker_tx(q->io->d, q->id, (struct pkt **)pkts, n);
}

uint16_t vnfio_tx_alloc(struct vnfio_queue *q, struct vnfio_pkt **pkts, uint16_t n)
{
	uint16_t got = dist_worker_alloc(q->io->d, q->id, (struct pkt **)pkts, n);

	for (uint16_t i = 0; i < got; i++) {
		struct pkt *p = P(pkts[i]);
		/* the MACs are the dataplane's to write; the type says IPv4 */
		memset(p->data, 0, 12);
		p->data[12] = 0x08;
		p->data[13] = 0x00;
		p->len = ETH_HDR;
		p->hash = 0;
		p->meta = (struct pkt_meta){ .ethertype = 0x0800,
					     .l3_off = ETH_HDR,
					     .l3 = PKT_L3_IPV4 };
		memset(p->nexthop, 0, 4);
	}
	return got;
}

void vnfio_tx_burst(struct vnfio_queue *q, struct vnfio_pkt **pkts, uint16_t n)
{
	static const uint8_t none[4];

	for (uint16_t i = 0; i < n; i++) {
		struct pkt *p = P(pkts[i]);
		if (p->meta.l3 != PKT_L3_IPV4) {
			/* no IPv6 neighbour discovery here: it cannot be addressed */
			p->verdict = PKT_VERDICT_DROP;
			p->drop = DROP_ARP_UNRESOLVED;
			continue;
		}
		if (memcmp(p->nexthop, none, 4) == 0)
			memcpy(p->nexthop, p->data + p->meta.l3_off + 16, 4);
		p->verdict = PKT_VERDICT_NEXTHOP;
	}
	dist_worker_tx(q->io->d, q->id, (struct pkt **)pkts, n);
}

uint8_t *vnfio_pkt_ip(struct vnfio_pkt *p)
{
	return P(p)->data + P(p)->meta.l3_off;
}

uint16_t vnfio_pkt_ip_len(const struct vnfio_pkt *p)
{
	return CP(p)->meta.l3_len;
}

uint16_t vnfio_pkt_ip_room(const struct vnfio_pkt *p)
{
	return (uint16_t)(PKT_DATA_MAX - CP(p)->meta.l3_off);
}

int vnfio_pkt_ip_version(const struct vnfio_pkt *p)
{
	return CP(p)->meta.l3 == PKT_L3_IPV4 ? 4 : CP(p)->meta.l3 == PKT_L3_IPV6 ? 6 : 0;
}

int vnfio_pkt_set_ip_len(struct vnfio_pkt *vp, uint16_t len)
{
	struct pkt *p = P(vp);
	uint32_t end = (uint32_t)p->meta.l3_off + len;

	if (len > vnfio_pkt_ip_room(vp))
		return -EINVAL;
	p->meta.l3_len = len;
	if (end < ETH_MIN_FRAME) {
		memset(p->data + end, 0, ETH_MIN_FRAME - end);
		end = ETH_MIN_FRAME;
	}
	p->len = (uint16_t)end;
	return 0;
}

void vnfio_pkt_set_nexthop(struct vnfio_pkt *p, const uint8_t ip[4])
{
	memcpy(P(p)->nexthop, ip, 4);
}
