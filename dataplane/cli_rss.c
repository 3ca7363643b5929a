/* vnfdp rss: which queue a flow lands on, as a NIC programmed with the same key and an
 * `ethtool -X IFACE equal N` RETA would pick it.  Useful before choosing source ports for
 * clients that must come back on their own core, and to check a NIC against our model. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "common.h"
#include "rss.h"

#define CLI_OK	  0
#define CLI_FAIL  1
#define CLI_USAGE 2

struct cli_rss_opts {
	uint8_t key[RSS_KEY_MAX];
	size_t key_len;
	uint16_t reta_size;
	uint16_t queues;
	int af;
	uint8_t addrs[32]; /* src then dst, 4 or 16 bytes each */
	uint8_t ports[4];  /* src then dst, network order */
	int have_ports;
	int find_ports; /* --find-ports: addrs are dst then src, ports[2..3] the dst port */
	unsigned count; /* --count: ports per queue */
};

/* "vnfdp rss" or "vnfctl rss": both tools run this same command. */
static const char *cli_rss_prog = "vnfdp rss";

static void cli_rss_err(const char *what, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", cli_rss_prog, what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void cli_rss_usage(FILE *f)
{
	fprintf(f,
		"usage: %s [--key HEX | --profile NAME] [--queues N] [--reta-size N]\n"
		"                 SRC_IP DST_IP [SRC_PORT DST_PORT]\n"
		"       %s --find-ports --queues N [--count K] [--key HEX | --profile NAME]\n"
		"                 DST_IP DST_PORT SRC_IP\n"
		"\n"
		"Prints \"hash 0x<hash> queue <q>\": the Toeplitz RSS hash of the flow and\n"
		"the queue a NIC with the same key and the RETA of `ethtool -X IFACE equal N`\n"
		"delivers it to (queue = RETA[hash & (reta size - 1)], RETA[i] = i %% N).\n"
		"With ports the hash covers the TCP/UDP 4-tuple, without them the address\n"
		"2-tuple (other IP, fragments).  Addresses are both IPv4 or both IPv6.\n"
		"\n"
		"  -k, --key HEX        40- or 52-byte key, plain hex or colon-separated\n"
		"  -p, --profile NAME   named key (default: default)\n"
		"  -q, --queues N       queues in the RETA, 1..reta size (default: 1)\n"
		"  -r, --reta-size N    RETA entries, a power of two up to %d\n"
		"                       (default: the profile's, 128 with --key)\n"
		"  -f, --find-ports     for a client at SRC_IP talking to DST_IP:DST_PORT: the\n"
		"                       source ports whose replies (DST_IP:DST_PORT -> "
		"SRC_IP:PORT)\n"
		"                       arrive on each queue, one line per queue:\n"
		"                       \"queue Q: PORT PORT ...\" (ports 1024..65535)\n"
		"  -c, --count K        ports per queue with --find-ports, 1..1024 (default: 8)\n"
		"  -h, --help           this text\n"
		"\n"
		"Profiles:\n",
		cli_rss_prog, cli_rss_prog, RSS_RETA_MAX);
	for (size_t i = 0; i < rss_profiles_count; i++)
		fprintf(f, "  %-8s %s\n", rss_profiles[i].name, rss_profiles[i].summary);
}

static void cli_rss_profile_names(char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < rss_profiles_count && off < size; i++)
		off += (size_t)snprintf(buf + off, size - off, "%s%s", i ? ", " : "",
					rss_profiles[i].name);
}

/* Decimal only, no sign, no spaces: "-1" or " 80" are typos, not ports. */
static int parse_uint(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

/* getopt only reports the unknown character; find the argument it came from so the message
 * names what the user typed.  A short option that is not the last in its group leaves optind
 * on that argument, otherwise optind has moved past it. */
static const char *unknown_arg(int argc, char **argv)
{
	if (optopt == 0 || optind >= argc || argv[optind][0] != '-' ||
	    !strchr(argv[optind] + 1, optopt))
		return argv[optind - 1];
	return argv[optind];
}

static int parse_addr(const char *what, const char *s, uint8_t out[16], int *af)
{
	if (inet_pton(AF_INET, s, out) == 1)
		*af = AF_INET;
	else if (inet_pton(AF_INET6, s, out) == 1)
		*af = AF_INET6;
	else {
		cli_rss_err(what, "\"%s\": not an IPv4 or IPv6 address", s);
		return -EINVAL;
	}
	return 0;
}

/* --find-ports DST_IP DST_PORT SRC_IP: addrs become the replies' source (DST_IP) and
 * destination (SRC_IP), ports[0..1] the replies' source port (DST_PORT). */
static int cli_rss_parse_find(int argc, char **argv, struct cli_rss_opts *o, int pos,
			      int have_queues)
{
	uint8_t a6[2][16];
	unsigned long v;
	int af[2];

	if (!have_queues || o->queues < 2) {
		cli_rss_err("--find-ports", "needs --queues N with N >= 2");
		return -EINVAL;
	}
	if (pos != 3) {
		cli_rss_err("arguments", "expected DST_IP DST_PORT SRC_IP, got %d", pos);
		return -EINVAL;
	}
	if (parse_addr("destination address", argv[optind], a6[0], &af[0]) ||
	    parse_addr("source address", argv[optind + 2], a6[1], &af[1]))
		return -EINVAL;
	if (af[0] != af[1]) {
		cli_rss_err("addresses", "\"%s\" and \"%s\": one is IPv4, the other IPv6",
			    argv[optind], argv[optind + 2]);
		return -EINVAL;
	}
	if (parse_uint(argv[optind + 1], 0, 65535, &v) != 0) {
		cli_rss_err("destination port", "\"%s\": not a number in 0..65535",
			    argv[optind + 1]);
		return -EINVAL;
	}
	o->af = af[0];
	size_t n = o->af == AF_INET ? 4 : 16;
	memcpy(o->addrs, a6[0], n);
	memcpy(o->addrs + n, a6[1], n);
	o->ports[0] = (uint8_t)(v >> 8);
	o->ports[1] = (uint8_t)v;
	o->have_ports = 1;
	return 0;
}

static int cli_rss_parse(int argc, char **argv, struct cli_rss_opts *o, int *help)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "profile", required_argument, NULL, 'p' },
		{ "queues", required_argument, NULL, 'q' },
		{ "reta-size", required_argument, NULL, 'r' },
		{ "find-ports", no_argument, NULL, 'f' },
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key_hex = NULL, *profile_name = NULL, *queues = NULL, *reta_size = NULL,
		   *count = NULL;
	const struct rss_profile *profile;
	unsigned long v;
	uint8_t a6[2][16];
	int c, pos, af[2];

	/* optind = 0 makes glibc start over, so the command can run more than once per process. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:p:q:r:fc:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->find_ports = 1;
			break;
		case 'c':
			count = optarg;
			break;
		case 'k':
			key_hex = optarg;
			break;
		case 'p':
			profile_name = optarg;
			break;
		case 'q':
			queues = optarg;
			break;
		case 'r':
			reta_size = optarg;
			break;
		case 'h':
			*help = 1;
			return 0;
		case ':':
			cli_rss_err("option", "\"%s\" needs a value", argv[optind - 1]);
			return -EINVAL;
		default:
			if (isdigit(optopt))
				cli_rss_err("argument", "\"%s\": not an option; ports are 0..65535",
					    unknown_arg(argc, argv));
			else
				cli_rss_err("option", "\"%s\" is unknown (see %s --help)",
					    unknown_arg(argc, argv), cli_rss_prog);
			return -EINVAL;
		}
	}

	if (key_hex && profile_name) {
		cli_rss_err("--key and --profile", "give one or the other");
		return -EINVAL;
	}
	if (key_hex) {
		if (rss_key_parse_hex(key_hex, o->key, &o->key_len) != 0) {
			cli_rss_err("key",
				    "\"%s\": not hex bytes (plain or colon-separated, at most %d)",
				    key_hex, RSS_KEY_MAX);
			return -EINVAL;
		}
		if (o->key_len != 40 && o->key_len != 52) {
			cli_rss_err("key", "%zu bytes, need 40 or 52", o->key_len);
			return -EINVAL;
		}
		o->reta_size = 128;
	} else {
		profile = rss_profile_find(profile_name ? profile_name : "default");
		if (!profile) {
			char names[128];

			cli_rss_profile_names(names, sizeof(names));
			cli_rss_err("profile", "\"%s\" is unknown; accepted: %s", profile_name,
				    names);
			return -EINVAL;
		}
		memcpy(o->key, profile->key, profile->key_len);
		o->key_len = profile->key_len;
		o->reta_size = profile->reta_size;
	}
	if (reta_size) {
		if (parse_uint(reta_size, 1, RSS_RETA_MAX, &v) != 0 || !is_pow2(v)) {
			cli_rss_err("reta size", "\"%s\": not a power of two in 1..%d", reta_size,
				    RSS_RETA_MAX);
			return -EINVAL;
		}
		o->reta_size = (uint16_t)v;
	}
	o->queues = 1;
	if (queues) {
		if (parse_uint(queues, 1, RSS_RETA_MAX, &v) != 0) {
			cli_rss_err("queues", "\"%s\": not a number in 1..%d", queues,
				    RSS_RETA_MAX);
			return -EINVAL;
		}
		if (v > o->reta_size) {
			cli_rss_err("queues", "%lu: more than the %u RETA entries", v,
				    o->reta_size);
			return -EINVAL;
		}
		o->queues = (uint16_t)v;
	}

	o->count = 8;
	if (count && (!o->find_ports || parse_uint(count, 1, 1024, &v) != 0)) {
		cli_rss_err("count",
			    o->find_ports ? "\"%s\": not a number in 1..1024"
					  : "\"%s\": --count goes with --find-ports",
			    count);
		return -EINVAL;
	}
	if (count)
		o->count = (unsigned)v;
	pos = argc - optind;
	if (o->find_ports)
		return cli_rss_parse_find(argc, argv, o, pos, queues != NULL);
	if (pos != 2 && pos != 4) {
		cli_rss_err("arguments", "expected SRC_IP DST_IP [SRC_PORT DST_PORT], got %d", pos);
		return -EINVAL;
	}
	for (int i = 0; i < 2; i++) {
		const char *s = argv[optind + i];

		if (inet_pton(AF_INET, s, a6[i]) == 1) {
			af[i] = AF_INET;
		} else if (inet_pton(AF_INET6, s, a6[i]) == 1) {
			af[i] = AF_INET6;
		} else {
			cli_rss_err(i ? "destination address" : "source address",
				    "\"%s\": not an IPv4 or IPv6 address", s);
			return -EINVAL;
		}
	}
	if (af[0] != af[1]) {
		cli_rss_err("addresses", "\"%s\" and \"%s\": one is IPv4, the other IPv6",
			    argv[optind], argv[optind + 1]);
		return -EINVAL;
	}
	o->af = af[0];
	if (o->af == AF_INET) {
		memcpy(o->addrs, a6[0], 4);
		memcpy(o->addrs + 4, a6[1], 4);
	} else {
		memcpy(o->addrs, a6[0], 16);
		memcpy(o->addrs + 16, a6[1], 16);
	}
	o->have_ports = pos == 4;
	for (int i = 0; o->have_ports && i < 2; i++) {
		const char *s = argv[optind + 2 + i];

		if (parse_uint(s, 0, 65535, &v) != 0) {
			cli_rss_err(i ? "destination port" : "source port",
				    "\"%s\": not a number in 0..65535", s);
			return -EINVAL;
		}
		o->ports[2 * i] = (uint8_t)(v >> 8);
		o->ports[2 * i + 1] = (uint8_t)v;
	}
	return 0;
}

/* The first o->count client ports per queue, from 1024 up, whose replies land on it. */
static int cli_rss_find(const struct rss *r, const struct cli_rss_opts *o)
{
	uint16_t *found = calloc((size_t)o->queues * o->count, sizeof(*found));
	unsigned *n = calloc(o->queues, sizeof(*n)), full = 0, empty = 0;
	uint8_t ports[4] = { o->ports[0], o->ports[1], 0, 0 };
	int ret = CLI_FAIL;

	if (!found || !n) {
		cli_rss_err("tables", "%s", strerror(ENOMEM));
		goto out;
	}
	for (uint32_t p = 1024; p <= 65535 && full < o->queues; p++) {
		uint32_t h, q;
		ports[2] = (uint8_t)(p >> 8);
		ports[3] = (uint8_t)p;
		h = o->af == AF_INET ? rss_hash_ipv4(r, o->addrs, ports)
				     : rss_hash_ipv6(r, o->addrs, ports);
		q = rss_queue_of(r, h);
		if (n[q] < o->count) {
			found[q * o->count + n[q]++] = (uint16_t)p;
			full += n[q] == o->count;
		}
	}
	for (unsigned q = 0; q < o->queues; q++) {
		printf("queue %u:", q);
		for (unsigned i = 0; i < n[q]; i++)
			printf(" %u", found[q * o->count + i]);
		printf("\n");
		empty += n[q] == 0;
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		cli_rss_err("stdout", "%s", strerror(errno));
	else if (empty)
		cli_rss_err("--find-ports",
			    "no port in 1024..65535 reaches %u of the %u queues with this key and "
			    "RETA",
			    empty, o->queues);
	else
		ret = CLI_OK;
out:
	free(found);
	free(n);
	return ret;
}

static int cli_rss_run(const struct cli_rss_opts *o)
{
	const uint8_t *ports = o->have_ports ? o->ports : NULL;
	struct rss *r;
	uint32_t hash;
	int ret = CLI_FAIL, err;

	/* 38 KiB of tables: too much for the stack of a thread that might call this. */
	r = malloc(sizeof(*r));
	if (!r) {
		cli_rss_err("tables", "%s", strerror(ENOMEM));
		goto out;
	}
	err = rss_init(r, o->key, o->key_len);
	if (!err)
		err = rss_reta_set_equal(r, o->reta_size, o->queues);
	if (err) {
		cli_rss_err("key and RETA", "%s", strerror(-err));
		goto free_rss;
	}
	if (o->find_ports) {
		ret = cli_rss_find(r, o);
		goto free_rss;
	}
	if (o->af == AF_INET)
		hash = rss_hash_ipv4(r, o->addrs, ports);
	else
		hash = rss_hash_ipv6(r, o->addrs, ports);
	printf("hash 0x%08x queue %u\n", hash, rss_queue_of(r, hash));
	if (fflush(stdout) != 0 || ferror(stdout)) {
		cli_rss_err("stdout", "%s", strerror(errno));
		goto free_rss;
	}
	ret = CLI_OK;
free_rss:
	free(r);
out:
	return ret;
}

int cli_rss_main(const char *prog, int argc, char **argv)
{
	struct cli_rss_opts o = { 0 };
	int help = 0;

	cli_rss_prog = prog;
	if (cli_rss_parse(argc, argv, &o, &help) != 0)
		return CLI_USAGE;
	if (help) {
		cli_rss_usage(stdout);
		return CLI_OK;
	}
	return cli_rss_run(&o);
}

int cli_rss(int argc, char **argv)
{
	return cli_rss_main("vnfdp rss", argc, argv);
}
