/* vnfdp run | check | stats */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>
#include <json-c/json.h>
#include "cli.h"
#include "config.h"
#include "ctl.h"
#include "dist.h"
#include "io.h"
#include "nic_rss.h"
#include "nm_spec.h"

#define RUN_POLL_MS 50

static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}

static int load_config(const char *cmd, const char *path, struct dp_config *cfg)
{
	char err[512];
	if (config_load_file(path, cfg, err, sizeof(err))) {
		fprintf(stderr, "vnfdp %s: %s: %s\n", cmd, path, err);
		return -1;
	}
	return 0;
}

/* Polling threads that outnumber the CPUs must share them: it works (idle and lightly loaded
 * threads yield), but throughput under load suffers, so say it once at start. */
static void warn_cpu_sharing(const struct dp_config *cfg)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	long threads = cfg->workers + (cfg->mode == DP_MODE_SW ? cfg->io_cores : 0);

	if (ncpu > 0 && threads > ncpu)
		fprintf(stderr,
			"vnfdp run: warning: %ld polling threads on %ld online CPUs: "
			"they will share CPUs; under load use fewer workers or more CPUs\n",
			threads, ncpu);
}

/* nic mode: the vNIC's queues, RSS key, table and flow hash as the config says (nic_rss.h),
 * before the port opens (AF_XDP binds to queues that must exist; netmap NICs refuse ethtool
 * changes once attached).  -1 when the run must not start. */
static int setup_nic_rss(const struct dp_config *cfg)
{
	struct nic_rss_report rep;
	struct nm_spec spec;
	const char *ifname = cfg->port.iface;
	char err[512];

	if (cfg->mode != DP_MODE_NIC || cfg->port.backend == DP_BACKEND_MEM)
		return 0;
	if (cfg->port.backend == DP_BACKEND_NETMAP) {
		/* "netmap:eth0-1" programs eth0; a VALE port has no NIC RSS */
		if (nm_spec_parse(ifname, &spec, err, sizeof(err)) || strchr(spec.name, ':'))
			return 0;
		ifname = spec.name;
	}
	if (nic_rss_setup(ifname, cfg->port.rss_setup, cfg->workers, cfg->rss.key,
			  cfg->rss.key_len, cfg->rss.reta_size, &rep, err, sizeof(err))) {
		fprintf(stderr, "vnfdp run: %s (port.rss_setup %s)\n", err,
			config_rss_setup_name(cfg->port.rss_setup));
		return -1;
	}
	for (unsigned i = 0; i < rep.n_warn; i++)
		fprintf(stderr,
			"vnfdp run: warning: %s; left as it is (port.rss_setup auto), so the NIC "
			"may pick other workers than `vnfdp rss` predicts\n",
			rep.warn[i]);
	fprintf(stderr, "vnfdp run: %s: %s\n", ifname, rep.summary);
	return 0;
}

/* The mem generator with a packet budget ends by itself: stop once every packet is out. */
static int generator_finished(const struct dp_config *cfg, struct dist *d)
{
	struct stats_snapshot s;

	if (cfg->port.backend != DP_BACKEND_MEM || cfg->port.mem.packets == 0)
		return 0;
	if (dist_offered(d) < cfg->port.mem.packets)
		return 0;
	dist_snapshot(d, &s);
	return s.in_flight == 0;
}

static void serve_stats(struct dist *d, int fd)
{
	struct stats_snapshot s;
	char *json;

	dist_snapshot(d, &s);
	json = stats_to_json(&s, 0);
	if (json)
		ctl_serve_one(fd, json);
	free(json);
}

int cli_run(int argc, char **argv)
{
	struct dp_config cfg;
	struct dist *d = NULL;
	sigset_t sigs;
	char err[512];
	int sfd = -1, lfd = -1, ret = 1;

	if (wants_help(argc, argv)) {
		printf("usage: vnfdp run CONFIG.json\n\n"
		       "Runs the dataplane described by CONFIG.json (see docs/config.md) until "
		       "SIGINT or\n"
		       "SIGTERM, or until the mem backend's generator has sent port.mem.packets "
		       "frames.\n"
		       "On exit it drains the rings (at most 2 s) and prints the final statistics "
		       "as one\n"
		       "JSON object on stdout.  With stats.socket set, `vnfdp stats --socket PATH` "
		       "reads\n"
		       "live statistics.  Exit status: 0 when every packet is accounted for, 1 "
		       "otherwise.\n\n"
		       "port.backend picks the I/O: mem (in-memory generator), afpacket (any "
		       "interface),\n"
		       "afxdp (XDP sockets; detached on exit, and after a crash by the next run) "
		       "or netmap\n"
		       "(builds made with NETMAP_SRC).  Once running it prints on stderr what the "
		       "port got,\n"
		       "e.g. \"eth1: afxdp (XDP native, copy mode), 2 queues\".  See "
		       "docs/backends.md.\n");
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr,
			"vnfdp run: expected one CONFIG.json argument (see vnfdp run --help)\n");
		return 2;
	}
	if (load_config("run", argv[1], &cfg))
		return 1;
	warn_cpu_sharing(&cfg);

	/* Threads inherit the mask, so only this thread ever sees the signals. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (sfd < 0) {
		fprintf(stderr, "vnfdp run: signalfd: %s\n", strerror(errno));
		goto out;
	}
	if (setup_nic_rss(&cfg))
		goto out;
	/* The port first: a run refused for its interface must not touch the statistics socket
	 * of the dataplane that holds it. */
	if (dist_create(&d, &cfg, NULL, err, sizeof(err))) {
		fprintf(stderr, "vnfdp run: %s\n", err);
		goto out;
	}
	if (cfg.stats.socket[0]) {
		lfd = ctl_listen(cfg.stats.socket);
		if (lfd < 0) {
			fprintf(stderr, "vnfdp run: stats.socket: %s: %s\n", cfg.stats.socket,
				lfd == -EADDRINUSE ? "another vnfdp is serving statistics there"
						   : strerror(-lfd));
			goto out;
		}
	}
	if (dist_start(d, err, sizeof(err))) {
		fprintf(stderr, "vnfdp run: %s\n", err);
		goto out;
	}
	io_port_describe(dist_port(d), err, sizeof(err));
	fprintf(stderr, "vnfdp run: %s: %s; mode %s, %u worker%s, app %s\n", cfg.port.iface, err,
		config_mode_name(cfg.mode), cfg.workers, cfg.workers == 1 ? "" : "s", cfg.app.name);
	for (;;) {
		struct pollfd p[2] = { { .fd = sfd, .events = POLLIN },
				       { .fd = lfd, .events = POLLIN } };
		int n = poll(p, lfd >= 0 ? 2 : 1, RUN_POLL_MS);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && (p[0].revents & POLLIN))
			break;
		if (n > 0 && lfd >= 0 && (p[1].revents & POLLIN))
			serve_stats(d, lfd);
		if (generator_finished(&cfg, d))
			break;
	}
	dist_stop(d);
	{
		struct stats_snapshot s;
		char *json;
		dist_snapshot(d, &s);
		json = stats_to_json(&s, 0);
		printf("%s\n", json ? json : "{}");
		free(json);
		ret = s.conserved ? 0 : 1;
	}
out:
	dist_destroy(d);
	if (lfd >= 0) {
		close(lfd);
		unlink(cfg.stats.socket);
	}
	if (sfd >= 0)
		close(sfd);
	return ret;
}

int cli_check(int argc, char **argv)
{
	struct dp_config cfg;
	char *json;

	if (wants_help(argc, argv)) {
		printf("usage: vnfdp check CONFIG.json\n\n"
		       "Validates CONFIG.json and prints the effective configuration (every "
		       "default\n"
		       "filled in) as JSON.  Exit status 0 if valid, 1 with one line naming the "
		       "bad\n"
		       "field otherwise.  Nothing is started.\n");
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "vnfdp check: expected one CONFIG.json argument\n");
		return 2;
	}
	if (load_config("check", argv[1], &cfg))
		return 1;
	json = config_to_json(&cfg);
	if (!json) {
		fprintf(stderr, "vnfdp check: out of memory\n");
		return 1;
	}
	printf("%s\n", json);
	free(json);
	return 0;
}

int cli_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = "/run/vnfdp.sock";
	char *text;
	int c, ret, pretty = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "s:ph", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			path = optarg;
			break;
		case 'p':
			pretty = 1;
			break;
		case 'h':
			printf("usage: vnfdp stats [--socket PATH] [--pretty]\n\n"
			       "Prints one JSON snapshot of a running dataplane's statistics, read "
			       "from the\n"
			       "socket set in its config (stats.socket; default here "
			       "/run/vnfdp.sock).\n");
			return 0;
		default:
			fprintf(stderr,
				"vnfdp stats: %s: unknown option (see vnfdp stats --help)\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "vnfdp stats: %s: unexpected argument\n", argv[optind]);
		return 2;
	}
	ret = ctl_fetch(path, &text);
	if (ret) {
		fprintf(stderr, "vnfdp stats: %s: cannot read statistics: %s\n", path,
			strerror(-ret));
		return 1;
	}
	if (pretty) {
		json_object *o = json_tokener_parse(text);
		if (!o) {
			fprintf(stderr, "vnfdp stats: %s: the reply is not JSON\n", path);
			free(text);
			return 1;
		}
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
									 JSON_C_TO_STRING_SPACED));
		json_object_put(o);
	} else {
		fputs(text, stdout);
	}
	free(text);
	return 0;
}
