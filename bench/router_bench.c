/* router_bench: the router app's throughput on the in-memory source, next to the echo app on the
 * same frames and the same engine settings, in the same process, for bench/run.sh.
 *
 * Table: 1024 distinct random routes inside 16.0.0.0/4, prefix lengths /8../24 (a BGP-like mix:
 * mostly /24, some /16../23, a few /8../15; they nest, so the longest match matters), each via
 * one of 16 gateways 192.168.0.101..116 on the connected subnet of our address 192.168.0.1/24,
 * and a static ARP entry for every gateway, so every packet resolves on the engine's lock-free
 * fast path (no ARP traffic).  Traffic: 1024 UDP flows of 64-byte frames (10.0.x.y:sport ->
 * port 9), each one's destination a random address inside a random route, TTL 64, checksum
 * right.  Fixed seed (tests/unit/xorshift.h): every run sees the same table and frames.
 *
 * Variants: the router app and the echo app (swaps MACs, IPv4 addresses and ports; what
 * `vnfdp bench` runs), in two engine modes: rtc with 1 worker (the forwarding cost proper), and
 * sw with 1 I/O core + 1 worker, lossless (dist_set_lossless).  Both apps get the same config
 * (addrs, routes, static ARP), so router/echo shows what routing adds to the engine's own cost.
 * Each round runs router then echo in each mode (ABAB...); figures are medians over rounds,
 * the ratio is the median of the per-round ratios.  Timing as `vnfdp bench`: TSC and wall clock
 * from dist_start until every packet has left (polled every 200 us), over --packets packets.
 *
 * Checks: before the timed runs, one run of 4096 packets (4 per flow) per mode and app with a
 * TX hook that checks every frame: the router's has TTL 63, a valid IPv4 header checksum, the
 * MAC of the gateway a naive longest-prefix search over the route list picks as destination,
 * the port's MAC as source and the rest of the frame unchanged; echo's is the input with
 * addresses and ports swapped.  After every run (checked and timed) the snapshot must be
 * conserved, rx == tx == packets, no drops, nothing consumed, no ARP request sent.  Exit 1 if
 * anything is wrong (the JSON says what).
 *
 * Usage: router_bench [--packets N] [--rounds N] [--mode rtc|sw|both] [--no-pin] [--json]
 *        router_bench --callgrind --mode rtc|sw --app router|echo --packets N
 * --callgrind: one run of one variant, no checks but the snapshot's, no pinning; prints the
 * fields of `vnfdp bench --json`, so run.sh takes Ir per packet from two packet counts as for
 * `vnfdp bench`. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>
#include "../tests/unit/xorshift.h"
#include "bench_routes.h"
#include "bench_tsc.h"
#include "common.h"
#include "config.h"
#include "csum.h"
#include "dist.h"
#include "io.h"
#include "pktbuf.h"
#include "stats.h"

#define ROUTES	   1024
#define FLOWS	   1024
#define GATEWAYS   16
#define FRAME	   64
#define CHECK_PKTS 4096 /* packets of each checked run: 4 per flow */
#define TIMEOUT_S  120
#define ROUNDS_MAX 101

/* 192.168.0.1/24 is ours; gateway g is 192.168.0.(101 + g) at 02:00:00:47:57:g. */
#define OUR_IP	   0xc0a80001u
#define OUR_PREFIX 24
#define GW_IP(g)   (0xc0a80065u + (uint32_t)(g))
#define DST_NET	   0x10000000u /* 16.0.0.0/4 */
#define DST_LEN	   4
#define SRC_NET	   0x0a000000u /* flow i: 10.0.0.0 + i + 1 */
#define UDP_DPORT  9

static const uint8_t port_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 }; /* the mem port's own */
static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 }; /* the frames' source */

enum app_kind { APP_ROUTER, APP_ECHO, APPS };
enum mode_kind { MODE_RTC, MODE_SW, MODES };
static const char *const app_names[APPS] = { "router", "echo" };
static const char *const mode_names[MODES] = { "rtc", "sw" };

struct route {
	uint32_t prefix;
	uint8_t len;
	uint8_t gw;
};

static struct route routes[ROUTES];
static uint8_t frames[FLOWS][FRAME];
static int8_t flow_gw[FLOWS];	  /* the reference's gateway for each flow */
static struct dp_config cfg_base; /* addrs, routes, static ARP: shared by every variant */

struct opts {
	uint64_t packets;
	unsigned rounds;
	int modes[MODES];
	int json, pin, callgrind;
	enum app_kind cg_app;
	enum mode_kind cg_mode;
};

/* ---- table and frames ------------------------------------------------------------------- */

static uint32_t mask_of(unsigned len)
{
	return len ? ~0u << (32 - len) : 0;
}

/* The reference: a naive longest-prefix search over the route list.  Returns the gateway, -1
 * for the connected subnet, -2 for no route. */
static int reference_gw(uint32_t ip)
{
	int best = -2, best_len = -1;

	if ((ip & mask_of(OUR_PREFIX)) == (OUR_IP & mask_of(OUR_PREFIX))) {
		best = -1;
		best_len = OUR_PREFIX;
	}
	for (unsigned i = 0; i < ROUTES; i++)
		if (routes[i].len > best_len && (ip & mask_of(routes[i].len)) == routes[i].prefix) {
			best = routes[i].gw;
			best_len = routes[i].len;
		}
	return best;
}

static void build_frame(uint8_t *f, uint32_t flow, uint32_t dst)
{
	uint8_t *ip = f + 14, *udp = ip + 20;

	memset(f, 0, FRAME);
	memcpy(f, port_mac, 6);
	memcpy(f + 6, peer_mac, 6);
	f[12] = 0x08;
	ip[0] = 0x45;
	store_be16(ip + 2, FRAME - 14);
	store_be16(ip + 4, (uint16_t)flow); /* id */
	ip[8] = 64;
	ip[9] = 17;
	store_be32(ip + 12, SRC_NET + flow + 1);
	store_be32(ip + 16, dst);
	store_be16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	store_be16(udp, (uint16_t)(1024 + rng() % 60000));
	store_be16(udp + 2, UDP_DPORT);
	store_be16(udp + 4, FRAME - 14 - 20);
	for (unsigned i = 42; i < FRAME; i++)
		f[i] = (uint8_t)(flow + i);
}

struct table_info {
	unsigned len_hist[33];
	unsigned flows_nested; /* flows whose destination more than one route covers */
	unsigned gateways_used;
};

/* Routes, frames, the reference's answer for each flow and the shared config. */
static int build_all(struct table_info *ti, char *err, size_t errlen)
{
	struct dp_config *c = &cfg_base;
	unsigned used[GATEWAYS] = { 0 };

	memset(ti, 0, sizeof(*ti));
	for (unsigned i = 0; i < ROUTES;) {
		uint8_t len = bench_route_depth(rng, 24);
		uint32_t prefix = (DST_NET | ((uint32_t)rng() & ~mask_of(DST_LEN))) & mask_of(len);
		bool dup = false;

		for (unsigned j = 0; j < i && !dup; j++)
			dup = routes[j].prefix == prefix && routes[j].len == len;
		if (dup)
			continue;
		routes[i++] = (struct route){ prefix, len, (uint8_t)(rng() % GATEWAYS) };
		ti->len_hist[len]++;
	}
	for (uint32_t f = 0; f < FLOWS; f++) {
		const struct route *r = &routes[rng() % ROUTES];
		uint32_t dst = r->prefix | ((uint32_t)rng() & ~mask_of(r->len));
		int gw = reference_gw(dst);

		if (gw < 0) {
			snprintf(err, errlen, "flow %u: the reference found no gateway", f);
			return -1;
		}
		flow_gw[f] = (int8_t)gw;
		used[gw]++;
		build_frame(frames[f], f, dst);
		/* Destinations inside more than one route: there the longest match decides. */
		unsigned n = 0;
		for (unsigned i = 0; i < ROUTES; i++)
			n += (dst & mask_of(routes[i].len)) == routes[i].prefix;
		ti->flows_nested += n > 1;
	}
	for (unsigned g = 0; g < GATEWAYS; g++)
		ti->gateways_used += used[g] != 0;

	config_set_defaults(c);
	c->port.backend = DP_BACKEND_MEM;
	snprintf(c->port.iface, sizeof(c->port.iface), "router_bench");
	c->port.mem.flows = FLOWS;
	c->port.mem.size = FRAME;
	c->n_addrs = 1;
	store_be32(c->addrs[0].ip, OUR_IP);
	c->addrs[0].prefix_len = OUR_PREFIX;
	for (unsigned i = 0; i < ROUTES; i++) {
		store_be32(c->app.routes[i].dst, routes[i].prefix);
		c->app.routes[i].prefix_len = routes[i].len;
		store_be32(c->app.routes[i].via, GW_IP(routes[i].gw));
	}
	c->app.n_routes = ROUTES;
	for (unsigned g = 0; g < GATEWAYS; g++) {
		store_be32(c->arp[g].ip, GW_IP(g));
		memcpy(c->arp[g].mac, "\x02\0\0\x47\x57", 5);
		c->arp[g].mac[5] = (uint8_t)g;
	}
	c->n_arp = GATEWAYS;
	return 0;
}

/* ---- the TX hook of the checked runs ---------------------------------------------------- */

struct check {
	enum app_kind app;
	uint64_t seen, bad;
	char first[160];
};

static void check_fail(struct check *k, uint64_t n, const char *what, long flow)
{
	if (!k->bad++)
		snprintf(k->first, sizeof(k->first), "%s, frame %llu (flow %ld): %s",
			 app_names[k->app], (unsigned long long)n, flow, what);
}

static long flow_of(uint32_t src)
{
	uint32_t i = src - SRC_NET - 1;

	return src > SRC_NET && i < FLOWS ? (long)i : -1;
}

/* Runs on the transmitting thread; the main thread reads k after dist_stop (joined). */
static void check_tx(void *arg, uint16_t queue, const struct pkt *p)
{
	struct check *k = arg;
	const uint8_t *f = p->data, *ip = f + 14, *o;
	uint64_t n = k->seen++;
	long flow;

	(void)queue;
	if (p->len != FRAME || f[12] != 0x08 || f[13] != 0 || ip[0] != 0x45) {
		check_fail(k, n, "not the 64-byte IPv4 frame sent", -1);
		return;
	}
	if (csum_fold(csum_add(0, ip, 20)) != 0) {
		check_fail(k, n, "IPv4 header checksum wrong", -1);
		return;
	}
	if (k->app == APP_ECHO) {
		flow = flow_of(load_be32(ip + 16));
		if (flow < 0) {
			check_fail(k, n, "destination is no flow's source", -1);
			return;
		}
		o = frames[flow];
		if (memcmp(f, o + 6, 6) || memcmp(f + 6, o, 6) || memcmp(ip + 12, o + 30, 4) ||
		    memcmp(ip + 16, o + 26, 4) || memcmp(ip + 20, o + 36, 2) ||
		    memcmp(ip + 22, o + 34, 2) || ip[8] != 64 || memcmp(f + 12, o + 12, 14) ||
		    memcmp(f + 38, o + 38, FRAME - 38))
			check_fail(k, n, "not the flow's frame with addresses and ports swapped",
				   flow);
		return;
	}
	flow = flow_of(load_be32(ip + 12));
	if (flow < 0) {
		check_fail(k, n, "source is no flow's", -1);
		return;
	}
	o = frames[flow];
	if (ip[8] != 63)
		check_fail(k, n, "TTL is not 63", flow);
	else if (memcmp(f, cfg_base.arp[flow_gw[flow]].mac, 6))
		check_fail(k, n, "destination MAC is not the reference's gateway's", flow);
	else if (memcmp(f + 6, port_mac, 6))
		check_fail(k, n, "source MAC is not the port's", flow);
	else if (memcmp(f + 12, o + 12, 22 - 12) || f[23] != o[23] ||
		 memcmp(f + 26, o + 26, FRAME - 26))
		check_fail(k, n, "bytes other than MACs, TTL and checksum changed", flow);
}

/* ---- one engine run ------------------------------------------------------------------------ */

struct result {
	double secs, mpps, cycles_per_packet, tsc_hz;
	struct stats_snapshot s;
	bool ok;
	char why[600];
};

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int run_one(enum mode_kind mode, enum app_kind app, uint64_t packets, int pin,
		   struct check *chk, struct result *res)
{
	static struct dp_config c;
	const uint8_t *fr[FLOWS];
	uint16_t lens[FLOWS];
	struct io_mem_tx_hook hook = { check_tx, chk };
	struct dist *d = NULL;
	struct timespec t0, pause = { 0, 200000 };
	uint64_t tsc0, tsc;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char err[400];
	struct stats_snapshot *s = &res->s;

	memset(res, 0, sizeof(*res));
	if (ncpu < 1)
		ncpu = 1;
	c = cfg_base;
	c.mode = mode == MODE_RTC ? DP_MODE_NIC : DP_MODE_SW;
	c.workers = 1;
	c.io_cores = 1;
	c.port.mem.packets = packets;
	snprintf(c.app.name, sizeof(c.app.name), "%s", app_names[app]);
	if (pin) { /* as `vnfdp bench`: I/O cores first, then workers, round-robin */
		unsigned n_io = mode == MODE_RTC ? 0 : 1;
		if (n_io)
			c.cpus.io[0] = 0;
		c.cpus.workers[0] = (int16_t)(n_io % ncpu);
	}
	for (unsigned i = 0; i < FLOWS; i++) {
		fr[i] = frames[i];
		lens[i] = FRAME;
	}
	if (dist_create(&d, &c, NULL, err, sizeof(err))) {
		snprintf(res->why, sizeof(res->why), "dist_create: %s", err);
		return -1;
	}
	if (io_mem_load_frames(dist_port(d), fr, lens, FLOWS)) {
		snprintf(res->why, sizeof(res->why), "io_mem_load_frames failed");
		dist_destroy(d);
		return -1;
	}
	if (chk)
		io_mem_set_tx_hook(dist_port(d), &hook);
	dist_set_lossless(d, mode == MODE_SW);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	tsc0 = tsc_start();
	if (dist_start(d, err, sizeof(err))) {
		snprintf(res->why, sizeof(res->why), "dist_start: %s", err);
		dist_destroy(d);
		return -1;
	}
	for (;;) {
		nanosleep(&pause, NULL);
		if (dist_offered(d) >= packets) {
			dist_snapshot(d, s);
			if (s->in_flight == 0)
				break;
		}
		if (seconds_since(&t0) > TIMEOUT_S) {
			snprintf(res->why, sizeof(res->why), "no progress after %d s", TIMEOUT_S);
			break;
		}
	}
	tsc = tsc_stop() - tsc0;
	res->secs = seconds_since(&t0);
	dist_stop(d);
	dist_snapshot(d, s);
	dist_destroy(d);
	res->mpps = (double)packets / res->secs / 1e6;
	res->cycles_per_packet = (double)tsc / (double)packets;
	res->tsc_hz = (double)tsc / res->secs;
	if (!res->why[0]) {
		if (!s->conserved)
			snprintf(res->why, sizeof(res->why), "not conserved");
		else if (s->rx != packets || s->tx != packets)
			snprintf(res->why, sizeof(res->why), "rx %llu, tx %llu of %llu packets",
				 (unsigned long long)s->rx, (unsigned long long)s->tx,
				 (unsigned long long)packets);
		else if (s->drops_total || s->consumed)
			snprintf(res->why, sizeof(res->why), "%llu drops, %llu consumed",
				 (unsigned long long)s->drops_total,
				 (unsigned long long)s->consumed);
		else if (s->arp[ARP_CNT_REQUESTS_SENT])
			snprintf(res->why, sizeof(res->why), "%llu ARP requests sent",
				 (unsigned long long)s->arp[ARP_CNT_REQUESTS_SENT]);
	}
	res->ok = !res->why[0];
	return res->ok ? 0 : -1;
}

/* ---- options, output ------------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f, "usage: router_bench [--packets N] [--rounds N] [--mode rtc|sw|both] [--no-pin] "
		   "[--json]\n"
		   "       router_bench --callgrind --mode rtc|sw --app router|echo --packets N\n\n"
		   "The router app (1024 routes, 16 gateways with static ARP entries) and the echo "
		   "app\n"
		   "on the same 1024 UDP flows of 64-byte frames, in-memory source, 1 worker: rtc, "
		   "and\n"
		   "sw with 1 I/O core, lossless.  Checks every forwarded frame of a 4096-packet "
		   "run per\n"
		   "variant, then times --rounds rounds of --packets packets per variant (router, "
		   "echo\n"
		   "alternating) and prints medians.  Defaults: 10000000 packets, 5 rounds, both "
		   "modes.\n"
		   "Exit 1 if a check or a run failed.\n");
}

static int parse_u64(const char *opt, const char *v, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	unsigned long long x;

	errno = 0;
	x = strtoull(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || x < lo || x > hi) {
		fprintf(stderr, "router_bench: --%s: \"%s\" is not a number in %llu..%llu\n", opt,
			v, (unsigned long long)lo, (unsigned long long)hi);
		return -1;
	}
	*out = x;
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "packets", required_argument, NULL, 'n' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "mode", required_argument, NULL, 'm' },
		{ "app", required_argument, NULL, 'a' },
		{ "callgrind", no_argument, NULL, 'c' },
		{ "no-pin", no_argument, NULL, 'P' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int ch, mode_set = 0, app_set = 0;

	*o = (struct opts){ .packets = 10000000, .rounds = 5, .modes = { 1, 1 }, .pin = 1 };
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (ch) {
		case 'n':
			if (parse_u64("packets", optarg, 1, 1ull << 36, &v))
				return 2;
			o->packets = v;
			break;
		case 'r':
			if (parse_u64("rounds", optarg, 1, ROUNDS_MAX, &v))
				return 2;
			o->rounds = (unsigned)v;
			break;
		case 'm':
			mode_set = 1;
			o->modes[MODE_RTC] = !strcmp(optarg, "rtc") || !strcmp(optarg, "both");
			o->modes[MODE_SW] = !strcmp(optarg, "sw") || !strcmp(optarg, "both");
			if (!o->modes[MODE_RTC] && !o->modes[MODE_SW]) {
				fprintf(stderr,
					"router_bench: --mode: \"%s\" (accepted: rtc, sw, "
					"both)\n",
					optarg);
				return 2;
			}
			o->cg_mode = o->modes[MODE_RTC] ? MODE_RTC : MODE_SW;
			break;
		case 'a':
			app_set = 1;
			if (!strcmp(optarg, "router"))
				o->cg_app = APP_ROUTER;
			else if (!strcmp(optarg, "echo"))
				o->cg_app = APP_ECHO;
			else {
				fprintf(stderr,
					"router_bench: --app: \"%s\" (accepted: router, "
					"echo)\n",
					optarg);
				return 2;
			}
			break;
		case 'c':
			o->callgrind = 1;
			break;
		case 'P':
			o->pin = 0;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'h':
			usage(stdout);
			return -1;
		default:
			fprintf(stderr, "router_bench: %s: unknown option (see --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "router_bench: %s: unexpected argument\n", argv[optind]);
		return 2;
	}
	if (o->callgrind && (!mode_set || !app_set || (o->modes[MODE_RTC] && o->modes[MODE_SW]))) {
		fprintf(stderr, "router_bench: --callgrind needs --mode rtc|sw and --app "
				"router|echo\n");
		return 2;
	}
	if (!o->callgrind && app_set) {
		fprintf(stderr, "router_bench: --app goes with --callgrind\n");
		return 2;
	}
	return 0;
}

static double median(const double *v, unsigned n)
{
	double t[ROUNDS_MAX];

	memcpy(t, v, n * sizeof(*v));
	qsort(t, n, sizeof(*t), cmp_double);
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

static double vmin(const double *v, unsigned n)
{
	double m = v[0];

	for (unsigned i = 1; i < n; i++)
		m = v[i] < m ? v[i] : m;
	return m;
}

static double vmax(const double *v, unsigned n)
{
	double m = v[0];

	for (unsigned i = 1; i < n; i++)
		m = v[i] > m ? v[i] : m;
	return m;
}

/* For a JSON string: no quotes, backslashes or control characters. */
static void json_safe(char *s)
{
	for (; *s; s++)
		if (*s == '"' || *s == '\\' || (unsigned char)*s < 0x20)
			*s = '\'';
}

/* One variant's result in `vnfdp bench --json`'s fields (the --callgrind output). */
static void print_single(const struct opts *o, const struct result *r)
{
	const struct stats_snapshot *s = &r->s;

	printf("{\"bench\": \"router_bench\", \"mode\": \"%s\", \"app\": \"%s\", \"n_workers\": 1, "
	       "\"io_cores\": %d, \"routes\": %d, \"flows\": %d, \"size\": %d, \"lossless\": %s, "
	       "\"packets\": %llu, \"elapsed_s\": %.6f, \"mpps\": %.4f, "
	       "\"cycles_per_packet\": %.3f, \"tsc_hz\": %.0f, \"rx\": %llu, \"tx\": %llu, "
	       "\"consumed\": %llu, \"drops_total\": %llu, \"conserved\": %s, \"ok\": %s, "
	       "\"why\": \"%s\", \"workers\": [{\"id\": 0, \"packets\": %llu}]}\n",
	       mode_names[o->cg_mode], app_names[o->cg_app], o->cg_mode == MODE_SW ? 1 : 0, ROUTES,
	       FLOWS, FRAME, o->cg_mode == MODE_SW ? "true" : "false",
	       (unsigned long long)o->packets, r->secs, r->mpps, r->cycles_per_packet, r->tsc_hz,
	       (unsigned long long)s->rx, (unsigned long long)s->tx,
	       (unsigned long long)s->consumed, (unsigned long long)s->drops_total,
	       s->conserved ? "true" : "false", r->ok ? "true" : "false", r->why,
	       (unsigned long long)s->rx);
}

int main(int argc, char **argv)
{
	static double mpps[MODES][APPS][ROUNDS_MAX], cyc[MODES][APPS][ROUNDS_MAX];
	static double ratio[MODES][ROUNDS_MAX], added[MODES][ROUNDS_MAX];
	static struct result res;
	struct check chk[MODES][APPS];
	struct table_info ti;
	struct opts o;
	unsigned runs = 0, runs_ok = 0;
	uint64_t checked = 0, check_bad = 0;
	double tsc_hz = 0;
	char err[256], first_fail[800] = "";
	int ret = parse_opts(argc, argv, &o);

	if (ret)
		return ret < 0 ? 0 : ret;
	if (build_all(&ti, err, sizeof(err))) {
		fprintf(stderr, "router_bench: %s\n", err);
		return 1;
	}
	if (o.callgrind) {
		run_one(o.cg_mode, o.cg_app, o.packets, 0, NULL, &res);
		json_safe(res.why);
		print_single(&o, &res);
		if (!res.ok)
			fprintf(stderr, "router_bench: %s %s: %s\n", mode_names[o.cg_mode],
				app_names[o.cg_app], res.why);
		return res.ok ? 0 : 1;
	}

	/* The checked runs (they also warm up the caches and the clock). */
	memset(chk, 0, sizeof(chk));
	for (int m = 0; m < MODES; m++)
		for (int a = 0; a < APPS && o.modes[m]; a++) {
			struct check *k = &chk[m][a];

			k->app = (enum app_kind)a;
			runs++;
			if (run_one((enum mode_kind)m, (enum app_kind)a, CHECK_PKTS, o.pin, k,
				    &res) == 0)
				runs_ok++;
			else if (!first_fail[0])
				snprintf(first_fail, sizeof(first_fail), "%s %s, checked run: %s",
					 mode_names[m], app_names[a], res.why);
			if (k->seen != CHECK_PKTS && !k->bad++)
				snprintf(k->first, sizeof(k->first), "%llu frames seen of %d",
					 (unsigned long long)k->seen, CHECK_PKTS);
			checked += k->seen;
			check_bad += k->bad;
			if (k->bad && !first_fail[0])
				snprintf(first_fail, sizeof(first_fail), "%s: %s", mode_names[m],
					 k->first);
		}

	/* The timed rounds: in each mode, router then echo. */
	for (unsigned r = 0; r < o.rounds; r++)
		for (int m = 0; m < MODES; m++)
			for (int a = 0; a < APPS && o.modes[m]; a++) {
				runs++;
				if (run_one((enum mode_kind)m, (enum app_kind)a, o.packets, o.pin,
					    NULL, &res) == 0)
					runs_ok++;
				else if (!first_fail[0])
					snprintf(first_fail, sizeof(first_fail),
						 "%s %s, round %u: %s", mode_names[m], app_names[a],
						 r + 1, res.why);
				mpps[m][a][r] = res.mpps;
				cyc[m][a][r] = res.cycles_per_packet;
				tsc_hz = res.tsc_hz;
				if (!o.json)
					fprintf(stderr,
						"round %u: %s %-6s %7.2f Mpps %7.1f cycles/pkt\n",
						r + 1, mode_names[m], app_names[a], res.mpps,
						res.cycles_per_packet);
			}
	for (int m = 0; m < MODES; m++)
		for (unsigned r = 0; r < o.rounds && o.modes[m]; r++) {
			ratio[m][r] = mpps[m][APP_ROUTER][r] / mpps[m][APP_ECHO][r];
			added[m][r] = cyc[m][APP_ROUTER][r] - cyc[m][APP_ECHO][r];
		}

	bool ok = runs_ok == runs && check_bad == 0;
	json_safe(first_fail);
	if (!o.json) {
		for (int m = 0; m < MODES; m++) {
			if (!o.modes[m])
				continue;
			printf("%s: router %.2f Mpps (%.1f cycles/pkt), echo %.2f Mpps (%.1f "
			       "cycles/pkt), router/echo %.3f (%.3f-%.3f), routing adds %.1f "
			       "cycles/pkt\n",
			       mode_names[m], median(mpps[m][0], o.rounds),
			       median(cyc[m][0], o.rounds), median(mpps[m][1], o.rounds),
			       median(cyc[m][1], o.rounds), median(ratio[m], o.rounds),
			       vmin(ratio[m], o.rounds), vmax(ratio[m], o.rounds),
			       median(added[m], o.rounds));
		}
		printf("checked %llu frames, %llu wrong; %u/%u runs conserved with tx == packets, "
		       "no drops, no ARP request%s%s\n",
		       (unsigned long long)checked, (unsigned long long)check_bad, runs_ok, runs,
		       first_fail[0] ? "; first problem: " : "", first_fail);
	}
	printf("{\"bench\": \"router_bench\", \"routes\": %d, \"flows\": %d, \"gateways\": %d, "
	       "\"size\": %d, \"packets\": %llu, \"rounds\": %u, \"tsc_hz\": %.0f",
	       ROUTES, FLOWS, GATEWAYS, FRAME, (unsigned long long)o.packets, o.rounds, tsc_hz);
	for (int m = 0; m < MODES; m++) {
		if (!o.modes[m])
			continue;
		for (int a = 0; a < APPS; a++)
			printf(", \"%s_%s_mpps\": %.4f, \"%s_%s_mpps_min\": %.4f, "
			       "\"%s_%s_mpps_max\": %.4f, \"%s_%s_cycles_per_packet\": %.3f",
			       mode_names[m], app_names[a], median(mpps[m][a], o.rounds),
			       mode_names[m], app_names[a], vmin(mpps[m][a], o.rounds),
			       mode_names[m], app_names[a], vmax(mpps[m][a], o.rounds),
			       mode_names[m], app_names[a], median(cyc[m][a], o.rounds));
		printf(", \"%s_ratio\": %.4f, \"%s_ratio_min\": %.4f, \"%s_ratio_max\": %.4f, "
		       "\"%s_added_cycles\": %.3f",
		       mode_names[m], median(ratio[m], o.rounds), mode_names[m],
		       vmin(ratio[m], o.rounds), mode_names[m], vmax(ratio[m], o.rounds),
		       mode_names[m], median(added[m], o.rounds));
	}
	printf(", \"route_lengths\": {");
	for (int l = 0, first = 1; l <= 32; l++)
		if (ti.len_hist[l]) {
			printf("%s\"%d\": %u", first ? "" : ", ", l, ti.len_hist[l]);
			first = 0;
		}
	printf("}, \"flows_nested\": %u, \"gateways_used\": %u, \"checked_frames\": %llu, "
	       "\"check_errors\": %llu, \"runs\": %u, \"runs_ok\": %u, \"first_problem\": \"%s\", "
	       "\"ok\": %s}\n",
	       ti.flows_nested, ti.gateways_used, (unsigned long long)checked,
	       (unsigned long long)check_bad, runs, runs_ok, first_fail, ok ? "true" : "false");
	return ok ? 0 : 1;
}
