/* udp_count: counts the UDP/IPv4 frames that carry a payload magic on one interface, per flow
 * (4-tuple), through an AF_PACKET TPACKET_V3 ring.  The network-namespace tests use it to count
 * what the dataplane echoed back.  Frames the interface sends are ignored.
 *
 * It runs until SIGTERM or SIGINT, until EXPECT frames were counted, until no matching frame
 * arrived for IDLE_MS after the first one, or for MAX_S seconds, whichever comes first.  SIGUSR1
 * says the sender has stopped: it then ends once no matching frame arrived for IDLE_MS (300 ms
 * without -t), so frames still on their way are counted.  At the end it prints one JSON line on
 * stdout:
 *   {"iface": "vethA", "received": n, "bytes": n, "flows": n, "bad_csum": n, "other": n,
 *    "flows_overflow": n, "socket_packets": n, "socket_drops": n, "seconds": x}
 * received counts matching frames, other the rest, bad_csum the matching frames whose IPv4 or
 * UDP checksum is wrong, socket_drops the frames the ring had no room for (PACKET_STATISTICS).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

#define BLOCK_SIZE (1u << 20)
#define BLOCK_NR   32u
#define FRAME_SIZE 2048u
#define FLOW_SLOTS (1u << 17) /* power of two, twice the largest flow count the tests use */
#define MAGIC_MAX  32

struct flow {
	uint32_t saddr, daddr; /* network order */
	uint16_t sport, dport;
	uint64_t packets; /* 0 = empty slot */
};

struct counter {
	const char *iface;
	char magic[MAGIC_MAX];
	size_t magic_len;
	uint64_t expect;
	uint64_t received, bytes, flows, bad_csum, other, flows_overflow;
	uint64_t socket_packets, socket_drops;
	struct flow *flow;
};

static volatile sig_atomic_t stop, finish;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		finish = 1;
	else
		stop = 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Ones' complement sum of n bytes, added to sum. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* 1 when the IPv4 header and the UDP datagram (header + len - 8 bytes) have valid checksums. */
static int csum_ok(const uint8_t *ip, size_t ihl, const uint8_t *udp, size_t len)
{
	uint32_t sum;

	if (csum_fold(csum_add(0, ip, ihl)) != 0xffff)
		return 0;
	if (udp[6] == 0 && udp[7] == 0) /* no UDP checksum */
		return 1;
	sum = csum_add(0, ip + 12, 8); /* source and destination address */
	sum += 17 + len;
	sum = csum_add(sum, udp, len);
	return csum_fold(sum) == 0xffff;
}

static void flow_count(struct counter *c, uint32_t saddr, uint32_t daddr, uint16_t sport,
		       uint16_t dport)
{
	uint32_t h = saddr * 0x9e3779b1u ^ daddr * 0x85ebca6bu ^
		     ((uint32_t)sport << 16 | dport) * 0xc2b2ae35u;
	uint32_t i, n;

	h ^= h >> 15;
	for (n = 0, i = h & (FLOW_SLOTS - 1); n < FLOW_SLOTS; n++, i = (i + 1) & (FLOW_SLOTS - 1)) {
		struct flow *f = &c->flow[i];

		if (!f->packets) {
			if (c->flows >= FLOW_SLOTS / 2) /* keep probes short: count, do not track */
				break;
			f->saddr = saddr;
			f->daddr = daddr;
			f->sport = sport;
			f->dport = dport;
			f->packets = 1;
			c->flows++;
			return;
		}
		if (f->saddr == saddr && f->daddr == daddr && f->sport == sport &&
		    f->dport == dport) {
			f->packets++;
			return;
		}
	}
	c->flows_overflow++;
}

/* Counts one frame; returns 1 when it matched. */
static int frame_count(struct counter *c, const uint8_t *f, size_t len)
{
	const uint8_t *ip, *udp;
	size_t ihl, ip_len, udp_len;
	uint16_t sport, dport;
	uint32_t saddr, daddr;

	if (len < 14 + 20 + 8 || f[12] != 0x08 || f[13] != 0x00)
		goto other;
	ip = f + 14;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	ip_len = (size_t)ip[2] << 8 | ip[3];
	if ((ip[0] >> 4) != 4 || ihl < 20 || ip[9] != 17 || ip_len < ihl + 8 || ip_len > len - 14 ||
	    (ip[6] & 0x3f) || ip[7]) /* fragments do not count */
		goto other;
	udp = ip + ihl;
	udp_len = (size_t)udp[4] << 8 | udp[5];
	if (udp_len < 8 + c->magic_len || udp_len > ip_len - ihl ||
	    memcmp(udp + 8, c->magic, c->magic_len) != 0)
		goto other;
	memcpy(&saddr, ip + 12, 4);
	memcpy(&daddr, ip + 16, 4);
	memcpy(&sport, udp, 2);
	memcpy(&dport, udp + 2, 2);
	c->received++;
	c->bytes += len;
	if (!csum_ok(ip, ihl, udp, udp_len))
		c->bad_csum++;
	flow_count(c, saddr, daddr, sport, dport);
	return 1;
other:
	c->other++;
	return 0;
}

/* Walks one block the kernel handed over; returns the number of matching frames. */
static uint64_t block_count(struct counter *c, struct tpacket_block_desc *bd)
{
	uint8_t *p = (uint8_t *)bd + bd->hdr.bh1.offset_to_first_pkt;
	uint32_t i, n = bd->hdr.bh1.num_pkts;
	uint64_t matched = 0;

	for (i = 0; i < n; i++) {
		struct tpacket3_hdr *h = (struct tpacket3_hdr *)p;
		const struct sockaddr_ll *sll =
			(const struct sockaddr_ll *)(p + TPACKET_ALIGN(sizeof(*h)));

		if (sll->sll_pkttype != PACKET_OUTGOING)
			matched += frame_count(c, p + h->tp_mac, h->tp_snaplen);
		p += h->tp_next_offset;
	}
	return matched;
}

/* Counts every block the kernel handed over, in order; returns the number of matching frames. */
static uint64_t ring_drain(struct counter *c, uint8_t *ring, unsigned *block)
{
	uint64_t matched = 0;

	for (;;) {
		struct tpacket_block_desc *bd =
			(struct tpacket_block_desc *)(ring + (size_t)*block * BLOCK_SIZE);

		if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
		      TP_STATUS_USER))
			return matched;
		matched += block_count(c, bd);
		__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		*block = (*block + 1) % BLOCK_NR;
	}
}

static int socket_open(const char *iface, uint8_t **ring)
{
	struct tpacket_req3 req = {
		.tp_block_size = BLOCK_SIZE,
		.tp_block_nr = BLOCK_NR,
		.tp_frame_size = FRAME_SIZE,
		.tp_frame_nr = BLOCK_SIZE / FRAME_SIZE * BLOCK_NR,
		.tp_retire_blk_tov = 10, /* ms: hand over partly filled blocks quickly */
	};
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	int fd, v3 = TPACKET_V3, one = 1;

	sll.sll_ifindex = (int)if_nametoindex(iface);
	if (!sll.sll_ifindex) {
		fprintf(stderr, "udp_count: %s: %s\n", iface, strerror(errno));
		return -1;
	}
	/* Protocol 0 until bound, so no frame of another interface is queued meanwhile. */
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		fprintf(stderr, "udp_count: socket: %s\n", strerror(errno));
		return -1;
	}
	if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &v3, sizeof(v3)) < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0) {
		fprintf(stderr, "udp_count: %s: RX ring: %s\n", iface, strerror(errno));
		goto close_fd;
	}
	/* Not fatal: frames marked PACKET_OUTGOING are skipped anyway. */
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	*ring = mmap(NULL, (size_t)BLOCK_SIZE * BLOCK_NR, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_LOCKED, fd, 0);
	if (*ring == MAP_FAILED)
		*ring = mmap(NULL, (size_t)BLOCK_SIZE * BLOCK_NR, PROT_READ | PROT_WRITE,
			     MAP_SHARED, fd, 0);
	if (*ring == MAP_FAILED) {
		fprintf(stderr, "udp_count: %s: mmap: %s\n", iface, strerror(errno));
		goto close_fd;
	}
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "udp_count: %s: bind: %s\n", iface, strerror(errno));
		goto unmap;
	}
	return fd;
unmap:
	munmap(*ring, (size_t)BLOCK_SIZE * BLOCK_NR);
close_fd:
	close(fd);
	return -1;
}

static void socket_stats(struct counter *c, int fd)
{
	struct tpacket_stats_v3 st = { 0 };
	socklen_t len = sizeof(st);

	/* Reading resets the kernel's counters, so they add up. */
	if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0) {
		c->socket_packets += st.tp_packets;
		c->socket_drops += st.tp_drops;
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: udp_count -i IFACE [-m MAGIC] [-n EXPECT] [-t IDLE_MS] "
			"[-T MAX_S] [-r READY_FILE]\n"
			"SIGTERM/SIGINT: stop now; SIGUSR1: stop once idle for IDLE_MS (300)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct counter c = { .magic = "VNFDPNS1" };
	const char *ready = NULL;
	double idle_s = 0, max_s = 0, start, last = 0, finish_at = 0;
	unsigned block = 0;
	uint8_t *ring;
	struct sigaction sa = { .sa_handler = on_signal };
	FILE *f;
	int fd, opt;

	while ((opt = getopt(argc, argv, "i:m:n:t:T:r:")) != -1) {
		switch (opt) {
		case 'i':
			c.iface = optarg;
			break;
		case 'm':
			if (strlen(optarg) >= MAGIC_MAX)
				usage();
			strcpy(c.magic, optarg);
			break;
		case 'n':
			c.expect = strtoull(optarg, NULL, 0);
			break;
		case 't':
			idle_s = atof(optarg) / 1000;
			break;
		case 'T':
			max_s = atof(optarg);
			break;
		case 'r':
			ready = optarg;
			break;
		default:
			usage();
		}
	}
	if (!c.iface || optind != argc)
		usage();
	c.magic_len = strlen(c.magic);
	c.flow = calloc(FLOW_SLOTS, sizeof(*c.flow));
	if (!c.flow) {
		fprintf(stderr, "udp_count: %s\n", strerror(errno));
		return 1;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	fd = socket_open(c.iface, &ring);
	if (fd < 0)
		return 1;
	if (ready) {
		f = fopen(ready, "w");
		if (f)
			fclose(f);
	}
	start = now_s();
	while (!stop && !(c.expect && c.received >= c.expect)) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLERR };
		double t;

		if (ring_drain(&c, ring, &block)) {
			last = now_s();
			continue;
		}
		poll(&pfd, 1, 50);
		t = now_s();
		if (finish && !finish_at)
			finish_at = t;
		if ((max_s > 0 && t - start >= max_s) ||
		    (idle_s > 0 && last > 0 && t - last >= idle_s) ||
		    (finish_at &&
		     t - (last > finish_at ? last : finish_at) >= (idle_s > 0 ? idle_s : 0.3)))
			break;
	}
	/* The kernel retires a partly filled block after tp_retire_blk_tov: wait for it. */
	usleep(50000);
	ring_drain(&c, ring, &block);
	socket_stats(&c, fd);
	printf("{\"iface\": \"%s\", \"received\": %llu, \"bytes\": %llu, \"flows\": %llu, "
	       "\"bad_csum\": %llu, \"other\": %llu, \"flows_overflow\": %llu, "
	       "\"socket_packets\": %llu, \"socket_drops\": %llu, \"seconds\": %.3f}\n",
	       c.iface, (unsigned long long)c.received, (unsigned long long)c.bytes,
	       (unsigned long long)c.flows, (unsigned long long)c.bad_csum,
	       (unsigned long long)c.other, (unsigned long long)c.flows_overflow,
	       (unsigned long long)c.socket_packets, (unsigned long long)c.socket_drops,
	       now_s() - start);
	munmap(ring, (size_t)BLOCK_SIZE * BLOCK_NR);
	close(fd);
	free(c.flow);
	return 0;
}
