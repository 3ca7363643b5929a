/* vnfio_echo: a UDP echo server on the vnfio API (dataplane/vnfio.h), one thread per queue.
 *
 *   vnfio_echo CONFIG.json [PORT]
 *
 * CONFIG.json is a vnfdp configuration with at least one address ("addrs"); the server
 * answers UDP datagrams to those addresses on PORT (default 7) until SIGINT or SIGTERM, then
 * prints the dataplane's final statistics as JSON.  Each reply is built in a fresh buffer
 * (vnfio_tx_alloc), the way a TCP stack builds its segments, and the request is given back
 * (vnfio_rx_release); the dataplane answers ARP and ping and finds the client's MAC itself.
 * Exit status: 0 when every packet was accounted for, 1 otherwise, 2 for a usage error. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "vnfio.h"

#define BURST 32

static volatile sig_atomic_t stopping;
static uint16_t udp_port = 7;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* RFC 1071 sum of len bytes added to sum. */
static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	for (; len > 1; p += 2, len -= 2)
		sum += get16(p);
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The datagram's UDP header and payload length, or NULL if it is not an unfragmented UDP
 * datagram to our port. */
static const uint8_t *udp_request(struct vnfio_pkt *p, uint16_t *udp_len)
{
	const uint8_t *ip = vnfio_pkt_ip(p), *udp;
	unsigned ihl;

	if (vnfio_pkt_ip_version(p) != 4 || ip[9] != 17 || (get16(ip + 6) & 0x3fff))
		return NULL;
	ihl = (ip[0] & 0xfu) * 4;
	if (vnfio_pkt_ip_len(p) < ihl + 8)
		return NULL;
	udp = ip + ihl;
	*udp_len = get16(udp + 4);
	if (get16(udp + 2) != udp_port || *udp_len < 8 || *udp_len > vnfio_pkt_ip_len(p) - ihl)
		return NULL;
	return udp;
}

/* Writes the reply to the request (ip, udp) into the empty buffer r. */
static int build_reply(struct vnfio_pkt *r, const uint8_t *ip, const uint8_t *udp, uint16_t udp_len)
{
	uint8_t *o = vnfio_pkt_ip(r), *u = o + 20;
	uint32_t sum;

	if (20u + udp_len > vnfio_pkt_ip_room(r))
		return -1;
	memset(o, 0, 20);
	o[0] = 0x45;
	put16(o + 2, (uint16_t)(20 + udp_len));
	o[8] = 64;
	o[9] = 17;
	memcpy(o + 12, ip + 16, 4); /* from the address it was sent to */
	memcpy(o + 16, ip + 12, 4);
	put16(o + 10, fold(sum16(0, o, 20)));
	put16(u, get16(udp + 2));
	put16(u + 2, get16(udp));
	put16(u + 4, udp_len);
	put16(u + 6, 0);
	memcpy(u + 8, udp + 8, udp_len - 8u);
	/* pseudo-header: addresses, protocol, UDP length */
	sum = sum16(0, o + 12, 8) + 17 + udp_len;
	sum = fold(sum16(sum, u, udp_len));
	put16(u + 6, sum ? (uint16_t)sum : 0xffff);
	return vnfio_pkt_set_ip_len(r, (uint16_t)(20 + udp_len));
}

static void *queue_main(void *arg)
{
	struct vnfio_queue *q = arg;
	struct vnfio_pkt *rx[BURST], *tx[BURST], *done[BURST];
	const struct timespec nap = { 0, 50000 };

	while (!stopping) {
		uint16_t n = vnfio_rx_burst(q, rx, BURST), nt = 0, nd = 0;

		if (n == 0) {
			nanosleep(&nap, NULL); /* a real server would spin or block here */
			continue;
		}
		for (uint16_t i = 0; i < n; i++) {
			const uint8_t *udp;
			uint16_t udp_len;
			struct vnfio_pkt *r;

			done[nd++] = rx[i];
			udp = udp_request(rx[i], &udp_len);
			if (!udp || vnfio_tx_alloc(q, &r, 1) != 1)
				continue;
			if (build_reply(r, vnfio_pkt_ip(rx[i]), udp, udp_len) == 0)
				tx[nt++] = r;
			else
				vnfio_rx_release(q, &r, 1);
		}
		vnfio_tx_burst(q, tx, nt);
		vnfio_rx_release(q, done, nd);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	char err[VNFIO_ERR_LEN], *stats;
	struct vnfio *io;
	pthread_t t[64];
	unsigned n, started = 0;
	int ret;

	if (argc < 2 || argc > 3 || !strcmp(argv[1], "--help")) {
		fprintf(argc < 2 || argc > 3 ? stderr : stdout,
			"usage: vnfio_echo CONFIG.json [PORT]\n"
			"A UDP echo server on the vnfio API: answers datagrams to the config's "
			"addrs on PORT (7).\n");
		return argc < 2 || argc > 3 ? 2 : 0;
	}
	if (argc == 3) {
		char *end;
		long port = strtol(argv[2], &end, 10);
		if (*end || port < 1 || port > 65535) {
			fprintf(stderr, "vnfio_echo: port \"%s\": not a number in 1..65535\n",
				argv[2]);
			return 2;
		}
		udp_port = (uint16_t)port;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	ret = vnfio_open(&io, argv[1], err, sizeof(err));
	if (ret) {
		fprintf(stderr, "vnfio_echo: %s\n", err);
		return 1;
	}
	n = vnfio_queue_count(io);
	for (unsigned i = 0; i < n && i < 64; i++) {
		ret = pthread_create(&t[i], NULL, queue_main, vnfio_queue(io, i));
		if (ret) {
			fprintf(stderr, "vnfio_echo: queue %u: cannot start a thread: %s\n", i,
				strerror(ret));
			stopping = 1;
			break;
		}
		started++;
	}
	fprintf(stderr, "vnfio_echo: %u queues, UDP port %u\n", n, udp_port);
	for (unsigned i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	stats = vnfio_close(io);
	if (!stats) {
		fprintf(stderr, "vnfio_echo: out of memory\n");
		return 1;
	}
	printf("%s\n", stats);
	ret = strstr(stats, "\"conserved\":true") ? 0 : 1;
	free(stats);
	return ret;
}
