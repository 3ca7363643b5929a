/* dist_peer_bench: a same-work DPDK peer of `vnfdp bench --mode sw --lossless --workers 1
 * --io-cores 1`, built from DPDK's own pieces (Debian's libdpdk), for bench/run.sh.
 *
 *   lcore 0 (distributor + I/O): rte_pktmbuf_alloc_bulk a burst from an rte_mempool, copy our
 *     generator's 64-byte UDP frames into it (rte_memcpy, flows cycling as io_mem does), parse
 *     them with rte_ether_hdr / rte_ipv4_hdr / rte_udp_hdr and the checks pkt_parse makes on
 *     that path, rte_softrss (the default profile's key, 0x6d5a repeated) into hash.usr,
 *     rte_distributor_process (burst algorithm) to the one worker, rte_distributor_returned_pkts,
 *     then "transmit": count and rte_pktmbuf_free_bulk (our mem backend's TX only counts).
 *   lcore 1 (worker): rte_distributor_get_pkt, the echo swap (MACs, IPv4 addresses, L4 ports:
 *     it writes every frame), hand the frames back with the next get_pkt.
 *
 * The frames are the ones our in-memory generator builds: the program opens an io_mem port of
 * libvnfdp and reads one frame per flow from it before EAL starts.  It also checks that
 * rte_softrss gives our rss_hash_frame value for every flow and that the echo swap is right.
 * Timing: a warm-up, then --packets frames from the first allocation to the last free, in TSC
 * cycles and wall-clock seconds.  One JSON line with the fields of `vnfdp bench --json`, plus
 * the peer's own accounting (sent == returned == freed, the worker's count, the mempool full
 * again at the end, and a checksum over the echoed ports that proves every frame was written).
 *
 * Usage: dist_peer_bench [EAL args --] [--packets N] [--warmup N] [--flows N] [--size B]
 *                        [--burst N] [--mbufs N] [--hash softrss|softrss_be|ours] [--json]
 * Without "--" it starts EAL with --no-huge -m 1024 --no-pci -l 0-1 --no-telemetry and a file
 * prefix of its own.  Exit codes: 0 ok, 1 failure or packets unaccounted for, 2 usage, 77 built
 * without DPDK (the Makefile adds -DHAVE_DPDK only when pkg-config finds libdpdk; 77 is the
 * automake "skipped" code, which bench/run.sh reports as n/a). */
#include <stdio.h>

#ifndef HAVE_DPDK
int main(void)
{
	fprintf(stderr,
		"dist_peer_bench: built without DPDK (pkg-config found no libdpdk); install "
		"dpdk-dev (make deps-bench) and rebuild\n");
	return 77;
}
#else

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
/* DPDK's headers are not written for -Wextra -Wshadow. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_distributor.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_mempool.h>
#include <rte_prefetch.h>
#include <rte_tcp.h>
#include <rte_thash.h>
#include <rte_udp.h>
#pragma GCC diagnostic pop

#include "common.h"
#include "config.h"
#include "io.h"
#include "pkt.h"
#include "pktbuf.h"
#include "rss.h"

/* rte_distributor keeps returned mbufs in a 128-entry circular buffer and overwrites the oldest
 * when it is full: one process call must not bring back more than that (a burst plus up to about
 * 3 cache lines of 8 already in flight), or mbufs leak. */
#define BURST_MAX     64
#define RETURNS_MAX   256 /* more than the distributor's returns ring (128) */
#define START_TIMEOUT 10  /* seconds without progress before giving up */
#define WORKER_BUFS   8	  /* rte_distributor_get_pkt hands over up to 8 (one cache line) */

enum hash_fn { HASH_SOFTRSS, HASH_SOFTRSS_BE, HASH_OURS };
static const char *const hash_names[] = { "rte_softrss", "rte_softrss_be", "ours" };

struct opts {
	uint64_t packets, warmup;
	unsigned flows, size, burst, mbufs;
	enum hash_fn hash;
	int json;
};

struct peer {
	struct opts o;
	struct rte_mempool *pool;
	struct rte_distributor *d;
	struct rss rss; /* ours: the reference hash (and the hash for --hash ours) */
	uint8_t key[RSS_KEY_MAX] __rte_aligned(8);
	uint32_t key_be[RSS_KEY_MAX / 4]; /* rte_convert_rss_key(key), for rte_softrss_be */
	uint8_t *tmpl;			  /* flows frames, stride bytes apart */
	uint32_t stride;
	uint32_t cursor;

	/* Distributor lcore only. */
	uint64_t generated; /* frames copied into mbufs */
	uint64_t dropped;   /* failed the parse (freed at once) */
	uint64_t sent;	    /* accepted by rte_distributor_process */
	uint64_t returned;  /* came back from rte_distributor_returned_pkts */
	uint64_t tx;	    /* "transmitted": counted, then freed */
	uint64_t freed;
	uint64_t alloc_fail;

	/* Worker lcore: written before it sets done (release). */
	uint64_t w_handled;
	uint64_t w_check; /* sum of the echoed port words */
	int quit;	  /* writer: distributor lcore; reader: worker */
	int done;	  /* writer: worker; reader: distributor lcore */
	unsigned worker_lcore;
};

/* ---- the frames: our generator's ----------------------------------------------------- */

/* Reads one frame per flow from a libvnfdp io_mem port configured as `vnfdp bench` configures
 * it, so the peer copies exactly the bytes our RX thread copies. */
static int load_frames(struct peer *p, char *err, size_t errlen)
{
	struct dp_config cfg;
	struct io_port port = { 0 };
	struct pktpool pool = { 0 };
	struct pktpool *pools[1] = { &pool };
	struct pkt *pkts[32];
	uint32_t got = 0;
	int ret;

	config_set_defaults(&cfg);
	cfg.mode = DP_MODE_SW;
	cfg.port.backend = DP_BACKEND_MEM;
	snprintf(cfg.port.iface, sizeof(cfg.port.iface), "dist_peer");
	cfg.port.mem.packets = p->o.flows;
	cfg.port.mem.flows = p->o.flows;
	cfg.port.mem.size = (uint16_t)p->o.size;
	memcpy(p->key, cfg.rss.key, sizeof(p->key));
	if (cfg.rss.key_len != 40 || rss_init(&p->rss, cfg.rss.key, cfg.rss.key_len)) {
		snprintf(err, errlen, "the default RSS profile is not a 40-byte key");
		return -EINVAL;
	}
	rte_convert_rss_key((const uint32_t *)p->key, p->key_be, 40);
	p->stride = (p->o.size + 63u) & ~63u;
	p->tmpl = calloc(p->o.flows, p->stride);
	if (!p->tmpl || pktpool_create(&pool, 64)) {
		snprintf(err, errlen, "out of memory for %u frames", p->o.flows);
		ret = -ENOMEM;
		goto out;
	}
	ret = io_port_open(&port, &cfg, 1, pools, &p->rss, err, errlen);
	if (ret)
		goto out;
	while (got < p->o.flows) {
		uint16_t n = port.queues[0].rx_burst(&port.queues[0], pkts, 32);
		if (n == 0)
			break;
		for (uint16_t i = 0; i < n; i++) {
			if (pkts[i]->len != p->o.size) {
				snprintf(err, errlen, "generator frame of %u bytes, expected %u",
					 pkts[i]->len, p->o.size);
				ret = -EINVAL;
			}
			memcpy(p->tmpl + (size_t)(got + i) * p->stride, pkts[i]->data, p->o.size);
		}
		got += n;
		pktpool_put_burst(&pool, pkts, n);
	}
	if (!ret && got != p->o.flows) {
		snprintf(err, errlen, "the generator gave %u frames for %u flows", got, p->o.flows);
		ret = -EIO;
	}
	io_port_close(&port);
out:
	pktpool_destroy(&pool);
	return ret;
}

/* ---- distributor lcore: generate, parse, hash -------------------------------------------- */

/* Parses as a DPDK application does it by hand, with the checks our pkt_parse makes on the
 * Ethernet / VLAN / IPv4 / UDP or TCP path: Ethernet length, up to two VLAN tags, IPv4
 * version, IHL, total length against IHL and against the frame, fragment bits, the L4 header
 * against the IP payload.  Fills l2_len, l3_len and packet_type; returns 0 for a good frame
 * (non-IPv4 frames are good and get hash 0, as non-IP frames do in our sw mode). */
static inline int peer_parse(struct rte_mbuf *m)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m), off = sizeof(struct rte_ether_hdr), rem;
	uint16_t type = ((const struct rte_ether_hdr *)f)->ether_type;
	uint32_t ptype = RTE_PTYPE_L2_ETHER;

	if (unlikely(len < off))
		return -1;
	if (unlikely(type == RTE_BE16(RTE_ETHER_TYPE_VLAN) ||
		     type == RTE_BE16(RTE_ETHER_TYPE_QINQ) ||
		     type == RTE_BE16(RTE_ETHER_TYPE_QINQ1))) {
		for (int tags = 0; tags < 2; tags++) {
			if (len - off < sizeof(struct rte_vlan_hdr))
				return -1;
			type = ((const struct rte_vlan_hdr *)(f + off))->eth_proto;
			off += sizeof(struct rte_vlan_hdr);
			if (type != RTE_BE16(RTE_ETHER_TYPE_VLAN) &&
			    type != RTE_BE16(RTE_ETHER_TYPE_QINQ))
				break;
			if (tags == 1)
				return -1;
		}
		ptype = RTE_PTYPE_L2_ETHER_VLAN;
	}
	m->l2_len = off;
	if (type != RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
		m->packet_type = ptype;
		return 0;
	}

	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(f + off);
	uint32_t ihl, tot, pl, frag;

	rem = len - off;
	if (unlikely(rem < sizeof(*ip) || ip->version_ihl >> 4 != 4))
		return -1;
	ihl = (uint32_t)(ip->version_ihl & RTE_IPV4_HDR_IHL_MASK) * RTE_IPV4_IHL_MULTIPLIER;
	if (unlikely(ihl < sizeof(*ip) || ihl > rem))
		return -1;
	tot = rte_be_to_cpu_16(ip->total_length);
	if (unlikely(tot < ihl || tot > rem))
		return -1;
	m->l3_len = ihl;
	ptype |= ihl == sizeof(*ip) ? RTE_PTYPE_L3_IPV4 : RTE_PTYPE_L3_IPV4_EXT;
	frag = rte_be_to_cpu_16(ip->fragment_offset) &
	       (RTE_IPV4_HDR_OFFSET_MASK | RTE_IPV4_HDR_MF_FLAG);
	pl = tot - ihl;
	if (unlikely(frag)) {
		m->packet_type = ptype | RTE_PTYPE_L4_FRAG;
		return 0;
	}
	if (ip->next_proto_id == IPPROTO_UDP) {
		const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)(f + off + ihl);
		uint32_t ulen;

		if (unlikely(pl < sizeof(*udp)))
			return -1;
		ulen = rte_be_to_cpu_16(udp->dgram_len);
		if (unlikely(ulen < sizeof(*udp) || ulen > pl))
			return -1;
		ptype |= RTE_PTYPE_L4_UDP;
	} else if (ip->next_proto_id == IPPROTO_TCP) {
		const struct rte_tcp_hdr *tcp = (const struct rte_tcp_hdr *)(f + off + ihl);
		uint32_t doff;

		if (unlikely(pl < sizeof(*tcp)))
			return -1;
		doff = (uint32_t)(tcp->data_off >> 4) * 4;
		if (unlikely(doff < sizeof(*tcp) || doff > pl))
			return -1;
		ptype |= RTE_PTYPE_L4_TCP;
	} else {
		ptype |= RTE_PTYPE_L4_NONFRAG;
	}
	m->packet_type = ptype;
	return 0;
}

static inline int has_ports(uint32_t ptype)
{
	uint32_t l4 = ptype & RTE_PTYPE_L4_MASK;

	return l4 == RTE_PTYPE_L4_UDP || l4 == RTE_PTYPE_L4_TCP;
}

/* The Toeplitz hash over the IPv4 4-tuple (2-tuple without ports), 0 for non-IPv4. */
static inline uint32_t peer_hash(const struct peer *p, struct rte_mbuf *m)
{
	union rte_thash_tuple t;
	uint32_t words = RTE_THASH_V4_L3_LEN;

	if (!RTE_ETH_IS_IPV4_HDR(m->packet_type))
		return 0;
	const struct rte_ipv4_hdr *ip =
		rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *, m->l2_len);
	const struct rte_udp_hdr *l4 =
		rte_pktmbuf_mtod_offset(m, const struct rte_udp_hdr *, m->l2_len + m->l3_len);
	if (p->o.hash == HASH_OURS)
		return rss_hash_ipv4(&p->rss, (const uint8_t *)&ip->src_addr,
				     has_ports(m->packet_type) ? (const uint8_t *)l4 : NULL);
	t.v4.src_addr = rte_be_to_cpu_32(ip->src_addr);
	t.v4.dst_addr = rte_be_to_cpu_32(ip->dst_addr);
	if (has_ports(m->packet_type)) {
		/* TCP and UDP both start with the port pair. */
		t.v4.sport = rte_be_to_cpu_16(l4->src_port);
		t.v4.dport = rte_be_to_cpu_16(l4->dst_port);
		words = RTE_THASH_V4_L4_LEN;
	}
	if (p->o.hash == HASH_SOFTRSS_BE)
		return rte_softrss_be((uint32_t *)&t, words, (const uint8_t *)p->key_be);
	return rte_softrss((uint32_t *)&t, words, p->key);
}

/* ---- worker lcore: echo ------------------------------------------------------------------ */

/* Swaps MACs, IPv4 addresses and L4 ports (the checksums stay valid).  Returns the port word
 * after the swap, for the checksum that proves the write happened. */
static inline uint32_t peer_echo(struct rte_mbuf *m)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ether_addr mac;
	uint32_t ports = 0;

	rte_ether_addr_copy(&eth->dst_addr, &mac);
	rte_ether_addr_copy(&eth->src_addr, &eth->dst_addr);
	rte_ether_addr_copy(&mac, &eth->src_addr);
	if (RTE_ETH_IS_IPV4_HDR(m->packet_type)) {
		struct rte_ipv4_hdr *ip =
			rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, m->l2_len);
		rte_be32_t a = ip->src_addr;

		ip->src_addr = ip->dst_addr;
		ip->dst_addr = a;
		if (has_ports(m->packet_type)) {
			struct rte_udp_hdr *l4 = rte_pktmbuf_mtod_offset(m, struct rte_udp_hdr *,
									 m->l2_len + m->l3_len);
			rte_be16_t s = l4->src_port;

			l4->src_port = l4->dst_port;
			l4->dst_port = s;
			memcpy(&ports, l4, 4);
		}
	}
	return ports;
}

static int worker_main(void *arg)
{
	struct peer *p = arg;
	struct rte_mbuf *bufs[WORKER_BUFS] __rte_cache_aligned;
	uint64_t handled = 0, check = 0;
	unsigned n = 0;

	for (;;) {
		/* Hands back the previous frames and waits for the next cache line of them. */
		n = (unsigned)rte_distributor_get_pkt(p->d, 0, bufs, bufs, n);
		for (unsigned i = 0; i < n; i++)
			rte_prefetch0(rte_pktmbuf_mtod(bufs[i], void *));
		for (unsigned i = 0; i < n; i++)
			check += peer_echo(bufs[i]);
		handled += n;
		if (__atomic_load_n(&p->quit, __ATOMIC_ACQUIRE))
			break;
	}
	rte_distributor_return_pkt(p->d, 0, bufs, (int)n);
	p->w_handled = handled;
	p->w_check = check;
	__atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
	return 0;
}

/* ---- distributor lcore: the loop ----------------------------------------------------------- */

/* Takes what the worker handed back and "transmits" it: counts, then frees to the mempool. */
static inline void collect_returns(struct peer *p)
{
	struct rte_mbuf *r[RETURNS_MAX];
	int k;

	while ((k = rte_distributor_returned_pkts(p->d, r, RETURNS_MAX)) > 0) {
		p->returned += (unsigned)k;
		p->tx += (unsigned)k;
		rte_pktmbuf_free_bulk(r, (unsigned)k);
		p->freed += (unsigned)k;
	}
}

/* Whether the distributor has taken nothing for START_TIMEOUT seconds since *since (0: now). */
static int stalled(uint64_t *since)
{
	uint64_t now = rte_rdtsc();

	if (!*since)
		*since = now;
	return now - *since > (uint64_t)START_TIMEOUT * rte_get_tsc_hz();
}

/* Runs n frames through the pipeline; returns 0, or -1 if the worker stopped taking them. */
static int run_packets(struct peer *p, uint64_t n)
{
	struct rte_mbuf *m[BURST_MAX];
	uint64_t done = 0, since = 0;
	const uint32_t len = p->o.size;

	while (done < n) {
		unsigned want = (unsigned)MIN((uint64_t)p->o.burst, n - done), good = 0;

		if (unlikely(rte_pktmbuf_alloc_bulk(p->pool, m, want))) {
			/* Only if the worker holds more than the pool: take its returns. */
			p->alloc_fail++;
			rte_distributor_process(p->d, NULL, 0);
			collect_returns(p);
			continue;
		}
		/* RX: our generator's frames, flows cycling. */
		uint32_t cur = p->cursor;
		for (unsigned i = 0; i < want; i++) {
			rte_memcpy(rte_pktmbuf_mtod(m[i], void *),
				   p->tmpl + (size_t)cur * p->stride, len);
			m[i]->data_len = (uint16_t)len;
			m[i]->pkt_len = len;
			if (++cur == p->o.flows)
				cur = 0;
		}
		p->cursor = cur;
		p->generated += want;
		/* Parse and hash; bad frames are freed and counted. */
		for (unsigned i = 0; i < want; i++) {
			if (likely(peer_parse(m[i]) == 0)) {
				m[i]->hash.usr = peer_hash(p, m[i]);
				m[good++] = m[i];
			} else {
				p->dropped++;
				rte_pktmbuf_free(m[i]);
				p->freed++;
			}
		}
		/* Hand-off: process waits for the worker whenever its cache line is full; it
		 * takes nothing while no worker has asked for packets yet. */
		for (unsigned k = 0; k < good;) {
			int acc = rte_distributor_process(p->d, m + k, good - k);
			k += (unsigned)acc;
			p->sent += (unsigned)acc;
			collect_returns(p);
			if (acc)
				since = 0;
			else if (stalled(&since))
				return -1;
		}
		done += want;
	}
	return 0;
}

/* Until every frame handed to the distributor has come back and been transmitted. */
static int drain(struct peer *p)
{
	uint64_t since = 0, before;

	while (p->returned < p->sent) {
		before = p->returned;
		rte_distributor_process(p->d, NULL, 0);
		collect_returns(p);
		if (p->returned != before)
			since = 0;
		else if (stalled(&since))
			return -1;
	}
	return 0;
}

/* Before anything is timed: the hash equals ours for every flow, the echo is right. */
static int self_test(struct peer *p, unsigned *hash_ok, int *echo_ok)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(p->pool);

	if (!m)
		return -ENOMEM;
	*hash_ok = 0;
	*echo_ok = 1;
	for (unsigned f = 0; f < p->o.flows; f++) {
		const uint8_t *t = p->tmpl + (size_t)f * p->stride;
		struct pkt_meta meta;
		uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);

		memcpy(d, t, p->o.size);
		m->data_len = (uint16_t)p->o.size;
		m->pkt_len = p->o.size;
		if (peer_parse(m) || pkt_parse(t, p->o.size, &meta) != DROP_NONE) {
			*echo_ok = 0;
			continue;
		}
		*hash_ok += peer_hash(p, m) == rss_hash_frame(&p->rss, t, &meta);
		peer_echo(m);
		/* dst MAC <-> src MAC, src IP <-> dst IP, src port <-> dst port */
		uint32_t l3 = meta.l3_off, l4 = meta.l4_off;
		if (memcmp(d, t + 6, 6) || memcmp(d + 6, t, 6) ||
		    memcmp(d + l3 + 12, t + l3 + 16, 4) || memcmp(d + l3 + 16, t + l3 + 12, 4) ||
		    memcmp(d + l4, t + l4 + 2, 2) || memcmp(d + l4 + 2, t + l4, 2) ||
		    memcmp(d + 12, t + 12, l3) ||
		    memcmp(d + l4 + 4, t + l4 + 4, p->o.size - l4 - 4))
			*echo_ok = 0;
	}
	rte_pktmbuf_free(m);
	return 0;
}

/* What the worker's checksum must be after `total` frames: frame i is flow i % flows, and the
 * echoed port word is the template's with the two ports exchanged. */
static uint64_t expected_check(const struct peer *p, uint64_t total)
{
	uint64_t sum = 0;

	for (unsigned f = 0; f < p->o.flows; f++) {
		const uint8_t *t = p->tmpl + (size_t)f * p->stride;
		struct pkt_meta meta;
		uint8_t w[4];
		uint32_t v;

		if (pkt_parse(t, p->o.size, &meta) != DROP_NONE || !(meta.flags & PKT_F_PORTS) ||
		    (meta.flags & PKT_F_FRAG))
			continue;
		memcpy(w, t + meta.l4_off + 2, 2);
		memcpy(w + 2, t + meta.l4_off, 2);
		memcpy(&v, w, 4);
		sum += (uint64_t)v * (total / p->o.flows + (f < total % p->o.flows));
	}
	return sum;
}

/* ---- command line ---------------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: dist_peer_bench [EAL args --] [--packets N] [--warmup N] [--flows N]\n"
		"                       [--size BYTES] [--burst N] [--mbufs N]\n"
		"                       [--hash softrss|softrss_be|ours] [--json]\n\n"
		"The same pipeline as `vnfdp bench --mode sw --lossless --workers 1 --io-cores 1`\n"
		"on DPDK: lcore 0 allocates mbufs, copies our generator's frames, parses, hashes\n"
		"(rte_softrss, default key 0x6d5a...), rte_distributor_process (burst) to one "
		"worker\n"
		"on lcore 1 that swaps MACs, IPs and ports, and frees what comes back.\n"
		"Defaults: 20000000 packets after a 1000000-packet warm-up, 1024 flows, 64 bytes,\n"
		"burst 32, 8191 mbufs (cache 256), --hash softrss.  Without \"--\" EAL gets\n"
		"--no-huge -m 1024 --no-pci -l 0-1 --no-telemetry and its own file prefix.\n");
}

static int parse_num(const char *opt, const char *v, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	unsigned long long x;

	errno = 0;
	x = strtoull(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || x < lo || x > hi) {
		fprintf(stderr, "dist_peer_bench: --%s: \"%s\" is not a number in %llu..%llu\n",
			opt, v, (unsigned long long)lo, (unsigned long long)hi);
		return -1;
	}
	*out = x;
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
		{ "packets", required_argument, NULL, 'n' },
		{ "warmup", required_argument, NULL, 'W' },
		{ "flows", required_argument, NULL, 'f' },
		{ "size", required_argument, NULL, 's' },
		{ "burst", required_argument, NULL, 'b' },
		{ "mbufs", required_argument, NULL, 'M' },
		{ "hash", required_argument, NULL, 'H' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c;

	*o = (struct opts){ .packets = 20000000,
			    .warmup = 1000000,
			    .flows = 1024,
			    .size = 64,
			    .burst = 32,
			    .mbufs = 8191,
			    .hash = HASH_SOFTRSS };
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (parse_num("packets", optarg, 1, 1ull << 40, &o->packets))
				return 2;
			break;
		case 'W':
			if (parse_num("warmup", optarg, 0, 1ull << 40, &o->warmup))
				return 2;
			break;
		case 'f':
			if (parse_num("flows", optarg, 1, 1048576, &v))
				return 2;
			o->flows = (unsigned)v;
			break;
		case 's':
			/* The mbuf's data room (RTE_MBUF_DEFAULT_DATAROOM) bounds the frame. */
			if (parse_num("size", optarg, 60, RTE_MBUF_DEFAULT_DATAROOM, &v))
				return 2;
			o->size = (unsigned)v;
			break;
		case 'b':
			if (parse_num("burst", optarg, 1, BURST_MAX, &v))
				return 2;
			o->burst = (unsigned)v;
			break;
		case 'M':
			if (parse_num("mbufs", optarg, 2 * BURST_MAX, 1u << 20, &v))
				return 2;
			o->mbufs = (unsigned)v;
			break;
		case 'H':
			for (v = 0; v < ARRAY_SIZE(hash_names); v++)
				if (!strcmp(optarg, hash_names[v]) ||
				    !strcmp(optarg, hash_names[v] + (v < 2 ? 4 : 0)))
					break;
			if (v == ARRAY_SIZE(hash_names)) {
				fprintf(stderr,
					"dist_peer_bench: --hash: \"%s\" is not one of softrss, "
					"softrss_be, ours\n",
					optarg);
				return 2;
			}
			o->hash = (enum hash_fn)v;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			fprintf(stderr, "dist_peer_bench: %s: unknown option (see --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "dist_peer_bench: %s: unexpected argument\n", argv[optind]);
		return 2;
	}
	return 0;
}

/* ---- output ----------------------------------------------------------------------------- */

static void print_result(const struct peer *p, uint64_t rx, uint64_t tx, uint64_t drops,
			 double secs, uint64_t tsc, bool conserved, unsigned hash_ok, int echo_ok,
			 uint64_t check_expected, unsigned avail_end)
{
	const struct opts *o = &p->o;
	double mpps = (double)o->packets / secs / 1e6;
	double cpp = (double)tsc / (double)o->packets;

	if (!o->json) {
		printf("rte_distributor (burst) same-work peer: 1 worker, %llu packets of %u "
		       "bytes, "
		       "%u flows, burst %u, hash %s, warm-up %llu\n",
		       (unsigned long long)o->packets, o->size, o->flows, o->burst,
		       hash_names[o->hash], (unsigned long long)o->warmup);
		printf("%.2f Mpps, %.1f TSC cycles per packet, %.3f s\n", mpps, cpp, secs);
		printf("sent %llu = returned %llu = transmitted %llu; worker handled %llu; mbufs "
		       "free at the end %u of %u; hash equals ours for %u/%u flows; echo %s; "
		       "checksum %s\n",
		       (unsigned long long)p->sent, (unsigned long long)p->returned,
		       (unsigned long long)p->tx, (unsigned long long)p->w_handled, avail_end,
		       o->mbufs, hash_ok, o->flows, echo_ok ? "right" : "WRONG",
		       p->w_check == check_expected ? "right" : "WRONG");
		printf("conservation %s\n", conserved ? "held" : "VIOLATED");
		return;
	}
	printf("{\"mode\": \"dist_peer\", \"peer\": \"rte_distributor burst\", \"n_workers\": 1, "
	       "\"io_cores\": 1, \"app\": \"echo\", \"size\": %u, \"flows\": %u, \"burst\": %u, "
	       "\"lossless\": true, \"hash\": \"%s\", \"packets\": %llu, \"warmup\": %llu, "
	       "\"elapsed_s\": %.6f, \"mpps\": %.4f, \"cycles_per_packet\": %.3f, "
	       "\"tsc_hz\": %.0f, \"rte_tsc_hz\": %llu, \"rx\": %llu, \"tx\": %llu, "
	       "\"consumed\": 0, \"drops\": {\"parse\": %llu}, \"drops_total\": %llu, "
	       "\"conserved\": %s, \"workers\": [{\"id\": 0, \"cpu\": %u, \"packets\": %llu}], "
	       "\"total_generated\": %llu, \"total_sent\": %llu, \"total_returned\": %llu, "
	       "\"total_transmitted\": %llu, \"total_freed\": %llu, \"worker_handled\": %llu, "
	       "\"mbufs\": %u, \"mbufs_free_at_end\": %u, \"alloc_failures\": %llu, "
	       "\"hash_matches_ours\": %u, \"hash_checked_flows\": %u, \"echo_selftest\": %s, "
	       "\"echo_checksum_ok\": %s}\n",
	       o->size, o->flows, o->burst, hash_names[o->hash], (unsigned long long)o->packets,
	       (unsigned long long)o->warmup, secs, mpps, cpp, (double)tsc / secs,
	       (unsigned long long)rte_get_tsc_hz(), (unsigned long long)rx, (unsigned long long)tx,
	       (unsigned long long)drops, (unsigned long long)drops, conserved ? "true" : "false",
	       p->worker_lcore, (unsigned long long)p->w_handled, (unsigned long long)p->generated,
	       (unsigned long long)p->sent, (unsigned long long)p->returned,
	       (unsigned long long)p->tx, (unsigned long long)p->freed,
	       (unsigned long long)p->w_handled, o->mbufs, avail_end,
	       (unsigned long long)p->alloc_fail, hash_ok, o->flows, echo_ok ? "true" : "false",
	       p->w_check == check_expected ? "true" : "false");
}

/* ---- main --------------------------------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static struct peer peer;
	struct peer *p = &peer;
	char prefix[64], err[256], **eal_argv = NULL;
	int eal_argc = 0, app_argc, ret, dashes = -1;
	char **app_argv;
	unsigned hash_ok = 0;
	int echo_ok = 0;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			dashes = i;
			break;
		}
	if (dashes >= 0) {
		eal_argc = dashes;
		eal_argv = argv;
		app_argc = argc - dashes;
		app_argv = argv + dashes;
		app_argv[0] = argv[0];
	} else {
		static char *defaults[] = { NULL,
					    "--no-huge",
					    "-m",
					    "1024",
					    "--no-pci",
					    "-l",
					    "0-1",
					    "--no-telemetry",
					    "--log-level",
					    "lib.eal:error",
					    "--file-prefix",
					    NULL };
		snprintf(prefix, sizeof(prefix), "dist_peer_%d", (int)getpid());
		defaults[0] = argv[0];
		defaults[ARRAY_SIZE(defaults) - 1] = prefix;
		eal_argv = defaults;
		eal_argc = ARRAY_SIZE(defaults);
		app_argc = argc;
		app_argv = argv;
	}
	ret = parse_opts(app_argc, app_argv, &p->o);
	if (ret)
		return ret < 0 ? 0 : ret;
	if (load_frames(p, err, sizeof(err))) {
		fprintf(stderr, "dist_peer_bench: frames: %s\n", err);
		return 1;
	}

	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		fprintf(stderr, "dist_peer_bench: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	ret = 1;
	p->worker_lcore = rte_get_next_lcore(-1, 1, 0);
	if (p->worker_lcore >= RTE_MAX_LCORE) {
		fprintf(stderr, "dist_peer_bench: needs 2 lcores (-l 0-1)\n");
		goto out_eal;
	}
	p->pool = rte_pktmbuf_pool_create("dist_peer_pool", p->o.mbufs, 256, 0,
					  RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	if (!p->pool) {
		fprintf(stderr, "dist_peer_bench: mempool: %s\n", rte_strerror(rte_errno));
		goto out_eal;
	}
	p->d = rte_distributor_create("dist_peer", rte_socket_id(), 1, RTE_DIST_ALG_BURST);
	if (!p->d) {
		fprintf(stderr, "dist_peer_bench: distributor: %s\n", rte_strerror(rte_errno));
		goto out_pool;
	}
	if (self_test(p, &hash_ok, &echo_ok)) {
		fprintf(stderr, "dist_peer_bench: self-test: no mbuf\n");
		goto out_pool;
	}
	rte_eal_remote_launch(worker_main, p, p->worker_lcore);

	/* Warm-up, then the timed run from the first allocation to the last free. */
	if (run_packets(p, p->o.warmup) || drain(p)) {
		/* The worker may still be in the distributor: leave without tearing down. */
		fprintf(stderr,
			"dist_peer_bench: warm-up: no progress for %d s (sent %llu, returned "
			"%llu)\n",
			START_TIMEOUT, (unsigned long long)p->sent,
			(unsigned long long)p->returned);
		return 1;
	}
	uint64_t gen0 = p->generated, tx0 = p->tx, drop0 = p->dropped;
	double t0 = now_s();
	uint64_t tsc0 = rte_rdtsc_precise();
	int run_ok = run_packets(p, p->o.packets) == 0 && drain(p) == 0;
	uint64_t tsc = rte_rdtsc_precise() - tsc0;
	double secs = now_s() - t0;
	if (!run_ok) {
		fprintf(stderr,
			"dist_peer_bench: no progress for %d s (sent %llu, returned %llu)\n",
			START_TIMEOUT, (unsigned long long)p->sent,
			(unsigned long long)p->returned);
		return 1;
	}

	/* Stop the worker: it sees quit when its next get_pkt returns (an empty flush). */
	__atomic_store_n(&p->quit, 1, __ATOMIC_RELEASE);
	while (!__atomic_load_n(&p->done, __ATOMIC_ACQUIRE)) {
		rte_distributor_process(p->d, NULL, 0);
		collect_returns(p);
	}
	rte_eal_wait_lcore(p->worker_lcore);
	rte_distributor_process(p->d, NULL, 0);
	collect_returns(p);

	unsigned avail = rte_mempool_avail_count(p->pool);
	uint64_t total = p->generated;
	uint64_t check_expected = expected_check(p, total);
	bool conserved = p->generated == p->sent + p->dropped && p->sent == p->returned &&
			 p->returned == p->tx && p->freed == p->tx + p->dropped &&
			 p->w_handled == p->sent && avail == p->o.mbufs;
	bool ok = conserved && hash_ok == p->o.flows && echo_ok && p->w_check == check_expected;

	print_result(p, p->generated - gen0, p->tx - tx0, p->dropped - drop0, secs, tsc, conserved,
		     hash_ok, echo_ok, check_expected, avail);
	ret = ok ? 0 : 1;
out_pool:
	rte_mempool_free(p->pool);
out_eal:
	if (ret == 0)
		rte_eal_cleanup();
	free(p->tmpl);
	return ret;
}
#endif
