/* vale_rss_check: sends flows through a VALE switch and reports, per flow, the ring of the
 * multi-queue port they arrived on, for checking against `vnfctl rss` (check.sh).  Three ports
 * on one switch: TX sends, RX (all its rings opened) receives, SPY must see broadcasts only.
 *
 *   vale_rss_check [-f FLOWS] [-n FRAMES] [-m] RX_PORT TX_PORT SPY_PORT
 *
 * -m sends the broadcasts inside the batches of unicast frames instead, to show what netmap
 * does with them there (see below); the run then fails by design.
 *
 *   vale_rss_check -t IP [-f FLOWS] [-n FRAMES] TX_PORT
 *
 * sends only: it asks for IP by ARP from TX_PORT (so the switch learns where the answering
 * dataplane is), then sends the unicast flows and fragments to the MAC that answered, and
 * prints the flows ("udp4 SRC DST SPORT DPORT sent N", "frag4 SRC DST sent N") for checking
 * against the receiver's own statistics.
 * Broadcasts and ARP are sent after the flows, one frame per TXSYNC: netmap's switch adds the
 * broadcasts of a batch to every (port, ring) the batch's unicast frames go to, so in a batch
 * that also spreads unicast over several rings of a port, a broadcast would arrive once per
 * ring used (nm_vale_flush; VALE's own lookup shows it too, for senders with several rings).
 *
 * Prints one line per flow and kind:
 *   udp4|tcp4|udp6|tcp6 SRC DST SPORT DPORT ring R frames N   (4-tuple flows)
 *   frag4 SRC DST ring R frames N                              (IPv4 fragments, first and later)
 *   bcast ring R frames N / arp ring R frames N
 *   total sent S received R spy P
 * and exits 1 when a flow arrived on more than one ring, anything sent did not arrive, or the
 * spy got more than the broadcasts.
 * Build: cc -O2 -I NETMAP_SRC/sys -o vale_rss_check vale_rss_check.c (or make -C .. check-tool) */
#define NETMAP_WITH_LIBS
#include <arpa/inet.h>
#include <net/netmap_user.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define MAX_RINGS 16
#define MAX_IDS	  4096
#define BATCH	  32

enum kind { K_UDP4, K_TCP4, K_UDP6, K_TCP6, K_FRAG4, K_BCAST, K_ARP, K_KINDS };
static const char *const kind_name[] = { "udp4", "tcp4", "udp6", "tcp6", "frag4", "bcast", "arp" };

struct flow {
	enum kind kind;
	char src[64], dst[64];
	uint16_t sport, dport;
	unsigned sent, got[MAX_RINGS];
};

static struct flow flows[MAX_IDS];
static unsigned nflows, nrings;
static const uint8_t mac_rx[6] = { 0x02, 0x52, 0x53, 0, 0, 1 }, mac_tx[6] = { 0x02, 0x52, 0x53, 0, 0, 2 },
		     mac_spy[6] = { 0x02, 0x52, 0x53, 0, 0, 3 }, mac_bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, (uint16_t)v); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

/* Every frame carries "VRSS" and its flow id in its last 8 bytes. */
static unsigned frame_build(uint8_t *f, unsigned id, int later_fragment)
{
	const struct flow *fl = &flows[id];
	unsigned off = 14, l4 = 0, len;
	int v6 = fl->kind == K_UDP6 || fl->kind == K_TCP6, tcp = fl->kind == K_TCP4 || fl->kind == K_TCP6;

	memset(f, 0, 128);
	memcpy(f, fl->kind == K_BCAST ? mac_bc : mac_rx, 6);
	memcpy(f + 6, mac_tx, 6);
	if (fl->kind == K_ARP) {
		put16(f + 12, 0x0806);
		put16(f + 14, 1); put16(f + 16, 0x0800); f[18] = 6; f[19] = 4; put16(f + 20, 1);
		memcpy(f + 22, mac_tx, 6);
		len = 14 + 28;
		goto tag;
	}
	put16(f + 12, v6 ? 0x86dd : 0x0800);
	if (v6) {
		f[off] = 0x60; f[off + 6] = tcp ? 6 : 17; f[off + 7] = 64;
		inet_pton(AF_INET6, fl->src, f + off + 8);
		inet_pton(AF_INET6, fl->dst, f + off + 24);
		l4 = off + 40;
	} else {
		f[off] = 0x45; f[off + 8] = 64; f[off + 9] = tcp ? 6 : 17;
		inet_pton(AF_INET, fl->src, f + off + 12);
		inet_pton(AF_INET, fl->dst, f + off + 16);
		if (fl->kind == K_FRAG4)
			put16(f + off + 6, later_fragment ? 0x0010 /* offset 128 */ : 0x2000 /* MF */);
		l4 = off + 20;
	}
	if (later_fragment) {
		len = l4 + 16;
	} else {
		put16(f + l4, fl->sport); put16(f + l4 + 2, fl->dport);
		if (tcp)
			f[l4 + 12] = 5 << 4;
		len = l4 + (tcp ? 20 : 8) + 8;
		if (!tcp)
			put16(f + l4 + 4, (uint16_t)(len - l4));
	}
	if (v6)
		put16(f + off + 4, (uint16_t)(len - l4));
	else
		put16(f + off + 2, (uint16_t)(len - off));
tag:
	if (len < 60)
		len = 60;
	memcpy(f + len - 8, "VRSS", 4);
	put32(f + len - 4, id);
	return len;
}

static void flow_add(enum kind k, const char *src, const char *dst, uint16_t sp, uint16_t dp)
{
	struct flow *f = &flows[nflows++];

	f->kind = k;
	snprintf(f->src, sizeof(f->src), "%s", src);
	snprintf(f->dst, sizeof(f->dst), "%s", dst);
	f->sport = sp;
	f->dport = dp;
}

static int send_one(struct nm_desc *d, const uint8_t *buf, unsigned len)
{
	struct netmap_ring *r = NETMAP_TXRING(d->nifp, d->first_tx_ring);

	while (nm_ring_space(r) == 0) {
		ioctl(d->fd, NIOCTXSYNC, NULL);
		usleep(100);
	}
	memcpy(NETMAP_BUF(r, r->slot[r->head].buf_idx), buf, len);
	r->slot[r->head].len = (uint16_t)len;
	r->head = r->cur = nm_ring_next(r, r->head);
	return 0;
}

/* Reads every RX ring of d; counts tagged frames per flow and ring; returns frames read. */
static unsigned drain(struct nm_desc *d, int count)
{
	unsigned n = 0;

	ioctl(d->fd, NIOCRXSYNC, NULL);
	for (unsigned q = d->first_rx_ring; q <= d->last_rx_ring; q++) {
		struct netmap_ring *r = NETMAP_RXRING(d->nifp, q);

		while (!nm_ring_empty(r)) {
			struct netmap_slot *s = &r->slot[r->head];
			const uint8_t *p = (const uint8_t *)NETMAP_BUF(r, s->buf_idx);

			if (count && s->len >= 8 && memcmp(p + s->len - 8, "VRSS", 4) == 0) {
				uint32_t id = get32(p + s->len - 4);

				if (id < nflows && q - d->first_rx_ring < MAX_RINGS)
					flows[id].got[q - d->first_rx_ring]++;
			}
			n++;
			r->head = r->cur = nm_ring_next(r, r->head);
		}
	}
	ioctl(d->fd, NIOCRXSYNC, NULL);
	return n;
}

/* A frame from port d with source mac, to everyone: the switch learns where mac is. */
static void announce(struct nm_desc *d, const uint8_t *mac)
{
	uint8_t f[60] = { 0 };

	memcpy(f, mac_bc, 6);
	memcpy(f + 6, mac, 6);
	put16(f + 12, 0x88b5);
	send_one(d, f, sizeof(f));
	ioctl(d->fd, NIOCTXSYNC, NULL);
}

static void flows_make(unsigned nflow)
{
	for (unsigned i = 0; i < nflow; i++) {
		char s[64], d[64];
		enum kind k = (enum kind)(i % 4);

		if (k == K_UDP6 || k == K_TCP6) {
			snprintf(s, sizeof(s), "2001:db8:%x::%x", i / 256, i % 256 + 1);
			snprintf(d, sizeof(d), "2001:db8:ffff::%x", i % 7 + 1);
		} else {
			snprintf(s, sizeof(s), "10.%u.%u.%u", i / 65536, i / 256 % 256, i % 256);
			snprintf(d, sizeof(d), "192.168.%u.1", i % 7);
		}
		flow_add(k, s, d, (uint16_t)(1024 + i * 7), (uint16_t)(i % 3 ? 80 : 53));
	}
	for (unsigned i = 0; i < nflow / 4; i++) {
		char s[64];

		snprintf(s, sizeof(s), "172.16.%u.%u", i / 256, i % 256);
		flow_add(K_FRAG4, s, "192.168.9.9", 0, 0);
	}
}

/* ARP who-has target from 10.0.0.1 (our MAC mac_tx), and the answer's sender MAC into mac. */
static int arp_resolve(struct nm_desc *d, const char *target, uint8_t *mac)
{
	uint8_t f[60] = { 0 };
	struct netmap_ring *r = NETMAP_RXRING(d->nifp, d->first_rx_ring);

	memcpy(f, mac_bc, 6);
	memcpy(f + 6, mac_tx, 6);
	put16(f + 12, 0x0806);
	put16(f + 14, 1); put16(f + 16, 0x0800); f[18] = 6; f[19] = 4; put16(f + 20, 1);
	memcpy(f + 22, mac_tx, 6);
	inet_pton(AF_INET, "10.0.0.1", f + 28);
	if (inet_pton(AF_INET, target, f + 38) != 1)
		return -1;
	for (int tries = 0; tries < 50; tries++) {
		if (tries % 10 == 0) {
			send_one(d, f, sizeof(f));
			ioctl(d->fd, NIOCTXSYNC, NULL);
		}
		usleep(100000);
		ioctl(d->fd, NIOCRXSYNC, NULL);
		while (!nm_ring_empty(r)) {
			const uint8_t *p = (const uint8_t *)NETMAP_BUF(r, r->slot[r->head].buf_idx);
			unsigned len = r->slot[r->head].len;

			r->head = r->cur = nm_ring_next(r, r->head);
			if (len >= 42 && p[12] == 0x08 && p[13] == 0x06 && p[21] == 2 &&
			    memcmp(p + 28, f + 38, 4) == 0) {
				memcpy(mac, p + 22, 6);
				return 0;
			}
		}
	}
	return -1;
}

static int send_only(const char *target, const char *port, unsigned nflow, unsigned frames,
		     int nargs)
{
	struct nm_desc *tx;
	uint8_t buf[128], mac[6];
	unsigned sent = 0;

	if (nargs != 1 || nflow < 8 || nflow * 2 > MAX_IDS) {
		fprintf(stderr, "usage: vale_rss_check -t IP [-f FLOWS 8..2040] [-n FRAMES] TX\n");
		return 2;
	}
	tx = nm_open(port, NULL, 0, NULL);
	if (!tx) {
		fprintf(stderr, "vale_rss_check: cannot open %s\n", port);
		return 1;
	}
	if (arp_resolve(tx, target, mac)) {
		fprintf(stderr, "vale_rss_check: no ARP answer for %s\n", target);
		return 1;
	}
	fprintf(stderr, "vale_rss_check: %s is at %02x:%02x:%02x:%02x:%02x:%02x\n", target, mac[0],
		mac[1], mac[2], mac[3], mac[4], mac[5]);
	flows_make(nflow);
	for (unsigned round = 0; round < frames; round++) {
		for (unsigned id = 0; id < nflows; id++) {
			unsigned len = frame_build(buf, id, flows[id].kind == K_FRAG4 && (round & 1));

			memcpy(buf, mac, 6);
			send_one(tx, buf, len);
			flows[id].sent++;
			if (++sent % BATCH == 0)
				ioctl(tx->fd, NIOCTXSYNC, NULL);
		}
	}
	ioctl(tx->fd, NIOCTXSYNC, NULL);
	usleep(100000);
	for (unsigned id = 0; id < nflows; id++) {
		const struct flow *f = &flows[id];

		if (f->kind == K_FRAG4)
			printf("frag4 %s %s sent %u\n", f->src, f->dst, f->sent);
		else
			printf("%s %s %s %u %u sent %u\n", kind_name[f->kind], f->src, f->dst,
			       f->sport, f->dport, f->sent);
	}
	printf("total sent %u\n", sent);
	nm_close(tx);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned nflow = 256, frames = 8, sent = 0, got = 0, spy_got = 0, bad = 0;
	int mixed = 0;
	const char *target = NULL;
	struct nm_desc *rx, *tx, *spy;
	uint8_t buf[128];
	int c;

	while ((c = getopt(argc, argv, "f:n:mt:")) != -1) {
		if (c == 't')
			target = optarg;
		else if (c == 'm')
			mixed = 1;
		else if (c == 'f')
			nflow = (unsigned)atoi(optarg);
		else if (c == 'n')
			frames = (unsigned)atoi(optarg);
		else
			return 2;
	}
	if (target)
		return send_only(target, argv[optind], nflow, frames, argc - optind);
	if (argc - optind != 3 || nflow < 8 || nflow * 2 + 8 > MAX_IDS) {
		fprintf(stderr, "usage: vale_rss_check [-f FLOWS 8..2040] [-n FRAMES] [-m] RX TX SPY\n");
		return 2;
	}
	rx = nm_open(argv[optind], NULL, 0, NULL);
	tx = nm_open(argv[optind + 1], NULL, 0, NULL);
	spy = nm_open(argv[optind + 2], NULL, 0, NULL);
	if (!rx || !tx || !spy) {
		fprintf(stderr, "vale_rss_check: cannot open the ports\n");
		return 1;
	}
	nrings = rx->last_rx_ring - rx->first_rx_ring + 1;
	fprintf(stderr, "vale_rss_check: %s has %u RX rings\n", argv[optind], nrings);
	flows_make(nflow);
	flow_add(K_BCAST, "10.9.9.9", "10.255.255.255", 5000, 5000);
	flow_add(K_ARP, "", "", 0, 0);

	announce(rx, mac_rx);
	announce(spy, mac_spy);
	announce(tx, mac_tx);
	usleep(10000);
	drain(rx, 0), drain(spy, 0), drain(tx, 0);

	/* Flows interleaved, a batch at a time, each batch read back before the next so no ring
	 * overflows (VALE drops what does not fit). */
	for (unsigned round = 0; round < frames; round++) {
		for (unsigned id = 0; id < (mixed ? nflows - 1 : nflows - 2); id++) {
			int later = flows[id].kind == K_FRAG4 && (round & 1);

			send_one(tx, buf, frame_build(buf, id, later));
			flows[id].sent++;
			sent++;
			if (sent % BATCH == 0) {
				ioctl(tx->fd, NIOCTXSYNC, NULL);
				got += drain(rx, 1);
				spy_got += drain(spy, 0);
			}
		}
	}
	ioctl(tx->fd, NIOCTXSYNC, NULL);
	/* broadcast and ARP, each frame a batch of its own (see the top) */
	for (unsigned round = 0; round < frames; round++) {
		for (unsigned id = mixed ? nflows - 1 : nflows - 2; id < nflows; id++) {
			send_one(tx, buf, frame_build(buf, id, 0));
			ioctl(tx->fd, NIOCTXSYNC, NULL);
			flows[id].sent++;
			sent++;
		}
		got += drain(rx, 1);
		spy_got += drain(spy, 0);
	}
	ioctl(tx->fd, NIOCTXSYNC, NULL);
	for (int i = 0; i < 50; i++) {
		usleep(2000);
		got += drain(rx, 1);
		spy_got += drain(spy, 0);
	}
	for (unsigned id = 0; id < nflows; id++) {
		const struct flow *f = &flows[id];
		unsigned rings_hit = 0, total = 0;

		for (unsigned q = 0; q < nrings && q < MAX_RINGS; q++) {
			if (!f->got[q])
				continue;
			rings_hit++;
			total += f->got[q];
			if (f->kind <= K_TCP6)
				printf("%s %s %s %u %u ring %u frames %u\n", kind_name[f->kind], f->src,
				       f->dst, f->sport, f->dport, q, f->got[q]);
			else if (f->kind == K_FRAG4)
				printf("frag4 %s %s ring %u frames %u\n", f->src, f->dst, q, f->got[q]);
			else
				printf("%s ring %u frames %u\n", kind_name[f->kind], q, f->got[q]);
		}
		if (rings_hit != 1 || total != f->sent) {
			fprintf(stderr, "vale_rss_check: flow %u (%s %s %s): sent %u, received %u on "
				"%u rings\n", id, kind_name[f->kind], f->src, f->dst, f->sent, total,
				rings_hit);
			bad++;
		}
	}
	printf("total sent %u received %u spy %u\n", sent, got, spy_got);
	/* The spy is no destination of the unicast flows: it sees the broadcasts, nothing else. */
	if (spy_got != flows[nflows - 2].sent) {
		fprintf(stderr, "vale_rss_check: the spy port got %u frames, %u broadcasts were sent\n",
			spy_got, flows[nflows - 2].sent);
		bad++;
	}
	nm_close(rx), nm_close(tx), nm_close(spy);
	return bad || got != sent ? 1 : 0;
}
