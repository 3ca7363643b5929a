/* vnfdp bench: in-memory generator -> engine -> TX sink, with the real engine and app. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>
#include "cli.h"
#include "config.h"
#include "dist.h"

#define BENCH_TIMEOUT_S 300

struct bench_opts {
	int rtc;
	unsigned workers, io_cores, flows, size, burst;
	unsigned long long packets;
	const char *app;
	int json, pin, lossless;
};

static void bench_usage(FILE *f)
{
	fprintf(f,
		"usage: vnfdp bench [--mode sw|rtc] [--workers N] [--io-cores 1|2] [--packets N]\n"
		"                   [--flows N] [--size BYTES] [--burst N] [--app echo|sink]\n"
		"                   [--lossless] [--no-pin] [--json]\n\n"
		"Runs the engine on the in-memory backend: a generator of --flows UDP flows of "
		"--size\n"
		"byte frames feeds --packets frames, the app (default echo) processes them and the "
		"TX\n"
		"side counts them.  Prints Mpps, TSC cycles per packet (wall-clock TSC / "
		"packets),\n"
		"per-worker packet counts, drops and whether every packet was accounted for.\n"
		"  --mode sw    RX I/O thread + software RSS + workers + TX (default)\n"
		"  --mode rtc   run to completion: worker i owns queue i (modes vale and nic)\n"
		"  --lossless   sw mode: the RX thread waits for a full worker ring instead of\n"
		"               queueing and dropping, to measure capacity as DPDK's distributor\n"
		"               benchmark does (never used by vnfdp run)\n"
		"Defaults: 1 worker, 1 I/O core, 20000000 packets, 1024 flows, 64 bytes, burst "
		"32.\n"
		"Threads are pinned round-robin over the online CPUs unless --no-pin.\n");
}

static int parse_uint(const char *opt, const char *v, unsigned long long lo, unsigned long long hi,
		      unsigned long long *out)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || x < lo || x > hi) {
		fprintf(stderr, "vnfdp bench: --%s: \"%s\" is not a number in %llu..%llu\n", opt, v,
			lo, hi);
		return -1;
	}
	*out = x;
	return 0;
}

static int bench_parse(int argc, char **argv, struct bench_opts *o)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "workers", required_argument, NULL, 'w' },
		{ "io-cores", required_argument, NULL, 'i' },
		{ "packets", required_argument, NULL, 'n' },
		{ "flows", required_argument, NULL, 'f' },
		{ "size", required_argument, NULL, 's' },
		{ "burst", required_argument, NULL, 'b' },
		{ "app", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "no-pin", no_argument, NULL, 'P' },
		{ "lossless", no_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long v;
	int c;

	*o = (struct bench_opts){ .workers = 1,
				  .io_cores = 1,
				  .flows = 1024,
				  .size = 64,
				  .burst = 32,
				  .packets = 20000000ull,
				  .app = "echo",
				  .pin = 1 };
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (strcmp(optarg, "sw") && strcmp(optarg, "rtc")) {
				fprintf(stderr,
					"vnfdp bench: --mode: \"%s\" is not a mode (accepted: sw, "
					"rtc)\n",
					optarg);
				return 2;
			}
			o->rtc = !strcmp(optarg, "rtc");
			break;
		case 'w':
			if (parse_uint("workers", optarg, 1, DP_WORKERS_MAX, &v))
				return 2;
			o->workers = (unsigned)v;
			break;
		case 'i':
			if (parse_uint("io-cores", optarg, 1, 2, &v))
				return 2;
			o->io_cores = (unsigned)v;
			break;
		case 'n':
			if (parse_uint("packets", optarg, 1, 1ull << 40, &v))
				return 2;
			o->packets = v;
			break;
		case 'f':
			if (parse_uint("flows", optarg, 1, 1048576, &v))
				return 2;
			o->flows = (unsigned)v;
			break;
		case 's':
			if (parse_uint("size", optarg, 60, 2048, &v))
				return 2;
			o->size = (unsigned)v;
			break;
		case 'b':
			if (parse_uint("burst", optarg, 1, 256, &v))
				return 2;
			o->burst = (unsigned)v;
			break;
		case 'a':
			if (!app_find(optarg)) {
				fprintf(stderr,
					"vnfdp bench: --app: \"%s\" is not a built-in app "
					"(accepted: echo, sink)\n",
					optarg);
				return 2;
			}
			o->app = optarg;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'P':
			o->pin = 0;
			break;
		case 'L':
			o->lossless = 1;
			break;
		case 'h':
			bench_usage(stdout);
			return -1;
		default:
			fprintf(stderr,
				"vnfdp bench: %s: unknown option (see vnfdp bench --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "vnfdp bench: %s: unexpected argument\n", argv[optind]);
		return 2;
	}
	return 0;
}

static void bench_config(const struct bench_opts *o, struct dp_config *cfg)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned n_io = o->rtc ? 0 : o->io_cores;

	if (ncpu < 1)
		ncpu = 1;
	config_set_defaults(cfg);
	cfg->mode = o->rtc ? DP_MODE_NIC : DP_MODE_SW;
	cfg->port.backend = DP_BACKEND_MEM;
	snprintf(cfg->port.iface, sizeof(cfg->port.iface), "bench");
	cfg->port.mem.packets = o->packets;
	cfg->port.mem.flows = o->flows;
	cfg->port.mem.size = (uint16_t)o->size;
	cfg->workers = (uint16_t)o->workers;
	cfg->io_cores = (uint8_t)(o->rtc ? 1 : o->io_cores);
	cfg->rx_burst = cfg->tx_burst = (uint16_t)o->burst;
	if (cfg->rss.reta_size < o->workers)
		cfg->rss.reta_size = RSS_RETA_MAX;
	snprintf(cfg->app.name, sizeof(cfg->app.name), "%s", o->app);
	if (!o->pin)
		return;
	for (unsigned i = 0; i < n_io; i++)
		cfg->cpus.io[i] = (int16_t)(i % ncpu);
	for (unsigned i = 0; i < o->workers; i++)
		cfg->cpus.workers[i] = (int16_t)((n_io + i) % ncpu);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void bench_print(const struct bench_opts *o, const struct stats_snapshot *s, double secs,
			unsigned long long tsc)
{
	double mpps = (double)o->packets / secs / 1e6;
	double cpp = (double)tsc / (double)o->packets;
	json_object *root, *drops, *workers;

	if (!o->json) {
		printf("mode %s%s, %u worker(s), %u I/O core(s), app %s, %llu packets of %u bytes, "
		       "%u flows, burst %u\n",
		       o->rtc ? "rtc" : "sw", o->lossless ? " (lossless)" : "", o->workers,
		       o->rtc ? 0 : o->io_cores, o->app, o->packets, o->size, o->flows, o->burst);
		printf("%.2f Mpps, %.1f TSC cycles per packet, %.3f s\n", mpps, cpp, secs);
		for (uint16_t i = 0; i < s->n_threads; i++)
			if (!strcmp(s->t[i].role, "worker"))
				printf("worker %d: %llu packets\n", s->t[i].id,
				       (unsigned long long)s->t[i].handled);
		printf("drops %llu", (unsigned long long)s->drops_total);
		for (int r = 1; r < DROP_MAX; r++)
			if (s->drops[r])
				printf(", %s %llu", drop_reason_name(r),
				       (unsigned long long)s->drops[r]);
		printf("\nconservation %s: rx %llu = tx %llu + consumed %llu + drops %llu + in "
		       "flight %lld\n",
		       s->conserved ? "held" : "VIOLATED", (unsigned long long)s->rx,
		       (unsigned long long)s->tx, (unsigned long long)s->consumed,
		       (unsigned long long)s->drops_total, (long long)s->in_flight);
		return;
	}
	root = json_object_new_object();
	drops = json_object_new_object();
	workers = json_object_new_array();
	json_object_object_add(root, "mode", json_object_new_string(o->rtc ? "rtc" : "sw"));
	json_object_object_add(root, "n_workers", json_object_new_int((int)o->workers));
	json_object_object_add(root, "io_cores",
			       json_object_new_int(o->rtc ? 0 : (int)o->io_cores));
	json_object_object_add(root, "app", json_object_new_string(o->app));
	json_object_object_add(root, "size", json_object_new_int((int)o->size));
	json_object_object_add(root, "flows", json_object_new_int((int)o->flows));
	json_object_object_add(root, "burst", json_object_new_int((int)o->burst));
	json_object_object_add(root, "lossless", json_object_new_boolean(o->lossless));
	json_object_object_add(root, "packets", json_object_new_uint64(o->packets));
	json_object_object_add(root, "elapsed_s", json_object_new_double(secs));
	json_object_object_add(root, "mpps", json_object_new_double(mpps));
	json_object_object_add(root, "cycles_per_packet", json_object_new_double(cpp));
	json_object_object_add(root, "tsc_hz", json_object_new_double((double)tsc / secs));
	json_object_object_add(root, "rx", json_object_new_uint64(s->rx));
	json_object_object_add(root, "tx", json_object_new_uint64(s->tx));
	json_object_object_add(root, "consumed", json_object_new_uint64(s->consumed));
	for (int r = 1; r < DROP_MAX; r++)
		json_object_object_add(drops, drop_reason_name(r),
				       json_object_new_uint64(s->drops[r]));
	json_object_object_add(root, "drops", drops);
	json_object_object_add(root, "drops_total", json_object_new_uint64(s->drops_total));
	json_object_object_add(root, "conserved", json_object_new_boolean(s->conserved));
	for (uint16_t i = 0; i < s->n_threads; i++) {
		if (strcmp(s->t[i].role, "worker"))
			continue;
		json_object *w = json_object_new_object();
		json_object_object_add(w, "id", json_object_new_int(s->t[i].id));
		json_object_object_add(w, "cpu", json_object_new_int(s->t[i].cpu));
		json_object_object_add(w, "packets", json_object_new_uint64(s->t[i].handled));
		json_object_array_add(workers, w);
	}
	json_object_object_add(root, "workers", workers);
	printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
}

int cli_bench(int argc, char **argv)
{
	struct bench_opts o;
	struct dp_config cfg;
	struct stats_snapshot s;
	struct dist *d = NULL;
	struct timespec t0, pause = { 0, 200000 };
	unsigned long long tsc0, tsc = 0;
	double secs = 0;
	char err[512];
	int ret = bench_parse(argc, argv, &o);

	if (ret)
		return ret < 0 ? 0 : ret;
	bench_config(&o, &cfg);
	if (dist_create(&d, &cfg, NULL, err, sizeof(err))) {
		fprintf(stderr, "vnfdp bench: %s\n", err);
		return 1;
	}
	dist_set_lossless(d, o.lossless);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	tsc0 = __rdtsc();
	if (dist_start(d, err, sizeof(err))) {
		fprintf(stderr, "vnfdp bench: %s\n", err);
		ret = 1;
		goto out;
	}
	for (;;) {
		nanosleep(&pause, NULL);
		if (dist_offered(d) >= o.packets) {
			dist_snapshot(d, &s);
			if (s.in_flight == 0)
				break;
		}
		if (seconds_since(&t0) > BENCH_TIMEOUT_S) {
			fprintf(stderr, "vnfdp bench: no progress after %d s; stopping\n",
				BENCH_TIMEOUT_S);
			ret = 1;
			break;
		}
	}
	tsc = __rdtsc() - tsc0;
	secs = seconds_since(&t0);
	dist_stop(d);
	dist_snapshot(d, &s);
	bench_print(&o, &s, secs, tsc);
	if (!s.conserved)
		ret = 1;
out:
	dist_destroy(d);
	return ret;
}
