/* arp_flood: sends COUNT ARP requests for one target address, each from a sender nobody has
 * used before, through an AF_PACKET socket bound to one interface.  The network-namespace tests
 * use it to fill the dataplane's ARP table past its capacity.
 *
 * Frame i (0-based) is a broadcast request (opcode 1) for TARGET_IP whose Ethernet source and
 * ARP sender MAC are both 02:fe:ii:ii:ii:ii (i + --first, big-endian: locally administered,
 * unicast), and whose sender IP is the (i + --first)-th address counted from SENDER_NET (default:
 * the target's /16 plus 256, so 10.99.0.2 gives 10.99.1.1, 10.99.1.2, ...), skipping addresses
 * that end in .0 or .255 and the target itself.  Frames are 60 bytes (zero padded).  After every
 * --pace frames (256) it sleeps --sleep microseconds (1000), so the receiver's ring keeps up.
 *
 * Prints one JSON line on stdout: {"iface": "vethA", "sent": n, "first_ip": "a.b.c.d",
 * "last_ip": "a.b.c.d"}.  Exit 0 when all COUNT were sent, 1 on an error (to stderr), 2 on
 * bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "common.h"

#define FRAME_LEN 60
#define ARP_OFF	  14

static void usage(void)
{
	fprintf(stderr,
		"usage: arp_flood IFACE TARGET_IP COUNT [--base SENDER_NET] [--first N] "
		"[--pace FRAMES] [--sleep USEC]\n"
		"sends COUNT ARP requests for TARGET_IP from distinct sender MACs and IPs\n");
	exit(2);
}

static int parse_u32(const char *s, uint32_t *v)
{
	char *end;
	unsigned long long x;

	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || end == s || *end || x > UINT32_MAX || *s == '-')
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static int parse_ip(const char *s, uint32_t *ip)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return -1;
	*ip = ntohl(a.s_addr);
	return 0;
}

static const char *ip_str(uint32_t ip, char *buf)
{
	struct in_addr a = { .s_addr = htonl(ip) };

	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* 0.0.0.0/8, loopback, multicast and class E: no sender uses them. */
static int ip_bad(uint32_t ip)
{
	return (ip >> 24) == 0 || (ip >> 24) == 127 || (ip >> 28) >= 0xe;
}

/* The next usable sender address after ip; 0 when the unicast range runs out. */
static uint32_t ip_next(uint32_t ip, uint32_t target)
{
	do {
		ip++;
		if (ip == 0 || ip_bad(ip))
			return 0;
	} while ((ip & 0xff) == 0 || (ip & 0xff) == 0xff || ip == target);
	return ip;
}

/* Request for target from sender n at sender_ip. */
static void frame_build(uint8_t *f, uint32_t n, uint32_t sender_ip, uint32_t target)
{
	uint8_t *h = f + ARP_OFF;
	uint8_t mac[6] = { 0x02, 0xfe };

	store_be32(mac + 2, n);
	memset(f, 0, FRAME_LEN);
	memset(f, 0xff, 6);
	memcpy(f + 6, mac, 6);
	store_be16(f + 12, ETHERTYPE_ARP);
	store_be16(h, 1); /* Ethernet */
	store_be16(h + 2, ETHERTYPE_IP);
	h[4] = 6;
	h[5] = 4;
	store_be16(h + 6, 1); /* request */
	memcpy(h + 8, mac, 6);
	store_be32(h + 14, sender_ip);
	/* target MAC stays zero */
	store_be32(h + 24, target);
}

static int socket_open(const char *iface)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = 0 };
	int fd;

	sll.sll_ifindex = (int)if_nametoindex(iface);
	if (!sll.sll_ifindex) {
		fprintf(stderr, "arp_flood: %s: %s\n", iface, strerror(errno));
		return -1;
	}
	/* Protocol 0: the socket only sends, it receives nothing. */
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		fprintf(stderr, "arp_flood: socket: %s\n", strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		fprintf(stderr, "arp_flood: %s: bind: %s\n", iface, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Sends one frame, waiting out a full queue (ENOBUFS) for up to a second; 0 or -1. */
static int frame_send(int fd, const uint8_t *f, const char *iface)
{
	for (int tries = 0;; tries++) {
		ssize_t n = send(fd, f, FRAME_LEN, 0);

		if (n == FRAME_LEN)
			return 0;
		if (n < 0 && (errno == ENOBUFS || errno == EAGAIN || errno == EINTR) &&
		    tries < 1000) {
			usleep(1000);
			continue;
		}
		fprintf(stderr, "arp_flood: %s: send: %s\n", iface,
			n < 0 ? strerror(errno) : "short write");
		return -1;
	}
}

int main(int argc, char **argv)
{
	const char *iface;
	uint32_t target, count, base = 0, first = 0, pace = 256, sleep_us = 1000, ip, i;
	uint32_t first_ip = 0, last_ip = 0;
	int have_base = 0, fd;
	uint8_t f[FRAME_LEN];
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	if (argc < 4)
		usage();
	iface = argv[1];
	if (parse_ip(argv[2], &target) || ip_bad(target) || parse_u32(argv[3], &count))
		usage();
	for (int k = 4; k < argc; k += 2) {
		if (k + 1 >= argc)
			usage();
		if (!strcmp(argv[k], "--base")) {
			if (parse_ip(argv[k + 1], &base))
				usage();
			have_base = 1;
		} else if (!strcmp(argv[k], "--first")) {
			if (parse_u32(argv[k + 1], &first))
				usage();
		} else if (!strcmp(argv[k], "--pace")) {
			if (parse_u32(argv[k + 1], &pace) || !pace)
				usage();
		} else if (!strcmp(argv[k], "--sleep")) {
			if (parse_u32(argv[k + 1], &sleep_us))
				usage();
		} else {
			usage();
		}
	}
	if (!have_base)
		base = (target & 0xffff0000u) + 256;
	/* The first sender: the (first + 1)-th usable address after base - 1. */
	ip = base - 1;
	for (i = 0; i <= first && ip; i++)
		ip = ip_next(ip, target);
	if (!ip) {
		fprintf(stderr, "arp_flood: no sender address left after %s\n", ip_str(base, a));
		return 1;
	}
	fd = socket_open(iface);
	if (fd < 0)
		return 1;
	for (i = 0; i < count; i++) {
		if (i) {
			ip = ip_next(ip, target);
			if (!ip) {
				fprintf(stderr, "arp_flood: sender addresses ran out after %u\n",
					i);
				break;
			}
		} else {
			first_ip = ip;
		}
		frame_build(f, first + i, ip, target);
		if (frame_send(fd, f, iface))
			break;
		last_ip = ip;
		if ((i + 1) % pace == 0 && sleep_us)
			usleep(sleep_us);
	}
	close(fd);
	printf("{\"iface\": \"%s\", \"sent\": %u, \"first_ip\": \"%s\", \"last_ip\": \"%s\"}\n",
	       iface, i, i ? ip_str(first_ip, a) : "", i ? ip_str(last_ip, b) : "");
	return i == count ? 0 : 1;
}
