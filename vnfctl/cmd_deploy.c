/* vnfctl deploy | start | stop | status | logs: the dataplane in a guest, through its agent. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "clock.h"
#include "agent.h"
#include "agent_sock.h"
#include "cli.h"
#include "deploy.h"
#include "files.h"
#include "sha256.h"
#include "status_view.h"
#include "virt.h"

/* What every one of these commands takes. */
struct guest_opts {
	const char *domain;
	const char *agent_socket; /* talk to qemu-ga here instead of through libvirt */
	int timeout_ms;		  /* per agent call */
	const char *bin_path;	  /* --path: where the binary lives in the guest */
};

struct guest {
	struct virt *virt;
	struct agent agent;
};

static int guest_open(const struct vnfctl_ctx *ctx, const struct guest_opts *o, struct guest *g,
		      char *err, size_t errlen)
{
	int rc;

	memset(g, 0, sizeof(*g));
	g->agent.timeout_ms = o->timeout_ms;
	if (o->agent_socket)
		return agent_sock_open(&g->agent, o->agent_socket, err, errlen);
	rc = virt_open(&g->virt, ctx->uri, err, errlen);
	if (!rc)
		rc = virt_agent_open(g->virt, o->domain, &g->agent, err, errlen);
	return rc;
}

static void guest_close(struct guest *g)
{
	agent_close(&g->agent); /* before the connection its domain belongs to */
	virt_close(g->virt);
}

/* The options every agent command has; the rest go to more (returns its letter, 0 at the
 * end, '?' on a usage error already printed).  Returns the DOMAIN in o. */
static const struct option common_lo[] = {
	{ "agent-socket", required_argument, 0, 'A' },
	{ "timeout", required_argument, 0, 'T' },
	{ "path", required_argument, 0, 'P' },
};

static int parse_seconds(const struct vnfctl_cmd *c, const char *opt, const char *v, int max,
			 int *ms)
{
	char *end;
	double s = strtod(v, &end);

	if (!*v || *end || !(s > 0) || s > max)
		return cli_usage_fail(c, "%s \"%s\": not a number of seconds in (0, %d]", opt, v,
				      max);
	*ms = (int)(s * 1000);
	return 0;
}

/* getopt over common_lo + extra; calls each extra option back.  0 or an exit code. */
static int parse_opts(const struct vnfctl_cmd *c, int argc, char **argv, const struct option *extra,
		      size_t n_extra, struct guest_opts *o,
		      int (*on_opt)(const struct vnfctl_cmd *c, int ch, const char *arg, void *u),
		      void *u)
{
	struct option lo[32];
	size_t n = 0;
	int ch, rc;

	for (size_t i = 0; i < sizeof(common_lo) / sizeof(common_lo[0]); i++)
		lo[n++] = common_lo[i];
	for (size_t i = 0; i < n_extra && n < 31; i++)
		lo[n++] = extra[i];
	memset(&lo[n], 0, sizeof(lo[n]));
	o->timeout_ms = AGENT_TIMEOUT_MS;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'A':
			o->agent_socket = optarg;
			break;
		case 'T':
			if ((rc = parse_seconds(c, "--timeout", optarg, 3600, &o->timeout_ms)))
				return rc;
			break;
		case 'P':
			if (deploy_path_check(optarg))
				return cli_usage_fail(
					c,
					"--path \"%s\": must be an absolute guest path "
					"of plain characters",
					optarg);
			o->bin_path = optarg;
			break;
		case '?':
			return cli_usage_fail(c, "unknown option or missing value: \"%s\"",
					      argv[optind - 1]);
		default:
			if (!on_opt)
				return cli_usage_fail(c, "unknown option \"%s\"", argv[optind - 1]);
			if ((rc = on_opt(c, ch, optarg, u)))
				return rc;
		}
	}
	if (optind != argc - 1)
		return cli_usage_fail(c, "exactly one DOMAIN is required");
	o->domain = argv[optind];
	return 0;
}

/* Verbless commands get their own --help. */
static int help_asked(const struct vnfctl_cmd *c, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			cli_usage(stdout, c);
			return 1;
		}
	return 0;
}

/* The guest paths: defaults, then what deploy recorded, then --path. */
static int paths_for(const struct guest_opts *o, struct deploy_paths *p, int need_record)
{
	char err[VNFCTL_ERR_LEN];
	int rc;

	deploy_paths_default(p);
	rc = deploy_record_load(o->domain, p, err, sizeof(err));
	if (rc && (rc != -ENOENT || need_record))
		return cli_fail("%s: %s%s", o->domain, err,
				rc == -ENOENT ? " (nothing deployed by vnfctl: run vnfctl deploy)"
					      : "");
	if (o->bin_path)
		snprintf(p->bin, sizeof(p->bin), "%s", o->bin_path);
	return 0;
}

/* ---- deploy ---------------------------------------------------------------------------- */

struct deploy_cli {
	const char *config, *binary, *config_path, *run_dir;
	int dry_run;
};

static int deploy_opt(const struct vnfctl_cmd *c, int ch, const char *arg, void *u)
{
	struct deploy_cli *d = u;

	switch (ch) {
	case 'c':
		d->config = arg;
		return 0;
	case 'b':
		d->binary = arg;
		return 0;
	case 'C':
		if (deploy_path_check(arg))
			return cli_usage_fail(c,
					      "--config-path \"%s\": must be an absolute guest "
					      "path of plain characters",
					      arg);
		d->config_path = arg;
		return 0;
	case 'n':
		d->dry_run = 1;
		return 0;
	case 'r':
		if (deploy_path_check(arg) || strlen(arg) > DEPLOY_PATH_MAX - 32)
			return cli_usage_fail(c,
					      "--run-dir \"%s\": must be an absolute guest "
					      "path of plain characters",
					      arg);
		d->run_dir = arg;
		return 0;
	}
	return cli_usage_fail(c, "unknown option");
}

static void progress_step(void *arg, const char *what)
{
	fprintf(stderr, "deploy %s: %s\n", (const char *)arg, what);
}

static void progress_bytes(void *arg, size_t done, size_t total)
{
	(void)arg;
	if (isatty(2))
		fprintf(stderr, "\r  %zu / %zu KiB (%zu%%)%s", done >> 10, total >> 10,
			total ? done * 100 / total : 100, done == total ? "\n" : "");
	else if (done == total)
		fprintf(stderr, "  %zu KiB sent\n", total >> 10);
}

int cmd_deploy(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "config", required_argument, 0, 'c' },
		{ "binary", required_argument, 0, 'b' },
		{ "config-path", required_argument, 0, 'C' },
		{ "dry-run", no_argument, 0, 'n' },
		{ "run-dir", required_argument, 0, 'r' },
	};
	const struct vnfctl_cmd *c = cli_find("deploy", "");
	struct guest_opts o = { 0 };
	struct deploy_cli d = { 0 };
	struct deploy_paths p;
	struct deploy_progress pr = { progress_step, progress_bytes, NULL };
	struct guest g = { 0 };
	char err[VNFCTL_ERR_LEN], binpath[PATH_MAX], sha[2 * SHA256_LEN + 1];
	char sock_default[DEPLOY_PATH_MAX], cfg_sha[2 * SHA256_LEN + 1];
	char *bin = NULL, *cfg = NULL, *cfg_out = NULL;
	size_t bin_len = 0, cfg_len = 0;
	int rc = help_asked(c, argc, argv)
			 ? -1
			 : parse_opts(c, argc, argv, lo, sizeof(lo) / sizeof(lo[0]), &o, deploy_opt,
				      &d);

	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	if (!d.config)
		return cli_usage_fail(c, "--config FILE is required");
	if ((rc = paths_for(&o, &p, 0)))
		return rc;
	if (d.config_path)
		snprintf(p.cfg, sizeof(p.cfg), "%s", d.config_path);
	if (d.run_dir) {
		snprintf(p.log, sizeof(p.log), "%.200s/vnfdp.log", d.run_dir);
		snprintf(p.pid, sizeof(p.pid), "%.200s/vnfdp.pid", d.run_dir);
		snprintf(p.socket, sizeof(p.socket), "%.200s/vnfdp.sock", d.run_dir);
	}
	if (d.binary)
		snprintf(binpath, sizeof(binpath), "%s", d.binary);
	else if (file_beside_self("vnfdp", binpath, sizeof(binpath)))
		return cli_fail("deploy: no vnfdp beside this vnfctl: give --binary PATH");
	if (file_read_all(binpath, &bin, &bin_len, err, sizeof(err))) {
		rc = cli_fail("%s: %s", binpath, err);
		goto out;
	}
	if (bin_len < 4 || memcmp(bin,
				  "\x7f"
				  "ELF",
				  4)) {
		rc = cli_fail("%s: not an executable (ELF) file", binpath);
		goto out;
	}
	snprintf(sock_default, sizeof(sock_default), "%s", p.socket);
	if (file_read_all(d.config, &cfg, &cfg_len, err, sizeof(err)) ||
	    deploy_config_prepare(cfg, cfg_len, sock_default, &cfg_out, p.socket, err,
				  sizeof(err))) {
		rc = cli_fail("%s: %s", d.config, err);
		goto out;
	}
	sha256_hex(bin, bin_len, sha);
	if (d.dry_run) {
		printf("would install %s (%zu bytes, sha256 %s) as %s\n", binpath, bin_len, sha,
		       p.bin);
		printf("would install %s as %s (stats.socket %s), checked by the new binary "
		       "first\n",
		       d.config, p.cfg, p.socket);
		printf("its log would be %s, its pid file %s\n", p.log, p.pid);
		printf("in %s, through %s\n", o.domain,
		       o.agent_socket ? o.agent_socket : "libvirt's guest agent channel");
		goto out;
	}
	if ((rc = guest_open(ctx, &o, &g, err, sizeof(err)))) {
		rc = cli_fail("%s: %s", o.domain, err);
		goto out;
	}
	pr.arg = (void *)o.domain;
	rc = deploy_push(&g.agent, &p, bin, bin_len, cfg_out, strlen(cfg_out), &pr, err,
			 sizeof(err));
	if (rc) {
		rc = cli_fail("%s: deploy failed: %s%s", o.domain, err,
			      rc == -EUCLEAN ? "" : " (the installed dataplane is unchanged)");
		goto out;
	}
	sha256_hex(cfg, cfg_len, cfg_sha);
	if (deploy_record_save(o.domain, &p, sha, cfg_sha, err, sizeof(err))) {
		rc = cli_fail("%s: installed, but the record for start/status could not be saved: "
			      "%s",
			      o.domain, err);
		goto out;
	}
	printf("%s: installed %s (sha256 %.16s…) and %s\n", o.domain, p.bin, sha, p.cfg);
out:
	if (g.agent.t.ctx || g.virt)
		guest_close(&g);
	free(bin);
	free(cfg);
	free(cfg_out);
	return rc;
}

/* ---- start, stop, logs ------------------------------------------------------------------ */

/* What start, stop, logs and status share: --help, the options, the paths deploy recorded and
 * the guest opened; then run(g, o, p, u) does the command's own part.  An exit code. */
struct guest_cmd {
	const char *name;
	const struct option *lo;
	size_t n_lo;
	int (*on_opt)(const struct vnfctl_cmd *c, int ch, const char *arg, void *u);
	int (*run)(struct guest *g, const struct guest_opts *o, const struct deploy_paths *p,
		   void *u);
};

static int guest_cmd_main(const struct vnfctl_ctx *ctx, const struct guest_cmd *gc, int argc,
			  char **argv, void *u)
{
	const struct vnfctl_cmd *c = cli_find(gc->name, "");
	struct guest_opts o = { 0 };
	struct deploy_paths p;
	struct guest g;
	char err[VNFCTL_ERR_LEN];
	int rc;

	if (help_asked(c, argc, argv))
		return EXIT_OK;
	if ((rc = parse_opts(c, argc, argv, gc->lo, gc->n_lo, &o, gc->on_opt, u)) ||
	    (rc = paths_for(&o, &p, 0)))
		return rc;
	if (guest_open(ctx, &o, &g, err, sizeof(err)))
		rc = cli_fail("%s: %s", o.domain, err);
	else
		rc = gc->run(&g, &o, &p, u);
	guest_close(&g);
	return rc;
}

static int wait_opt(const struct vnfctl_cmd *c, int ch, const char *arg, void *u)
{
	if (ch == 'w')
		return parse_seconds(c, "--wait", arg, 3600, u);
	if (ch == 'l') {
		char *end;
		long n = strtol(arg, &end, 10);
		if (!*arg || *end || n < 1 || n > 100000)
			return cli_usage_fail(c, "--lines \"%s\": not a number in 1..100000", arg);
		*(int *)u = (int)n;
		return 0;
	}
	return cli_usage_fail(c, "unknown option");
}

static const struct option wait_lo[] = { { "wait", required_argument, 0, 'w' } };

static int start_run(struct guest *g, const struct guest_opts *o, const struct deploy_paths *p,
		     void *u)
{
	char err[VNFCTL_ERR_LEN];
	int pid = 0;

	if (deploy_start(&g->agent, p, *(int *)u, &pid, err, sizeof(err)))
		return cli_fail("%s: start: %s", o->domain, err);
	printf("%s: dataplane running (pid %d), statistics on %s\n", o->domain, pid, p->socket);
	return EXIT_OK;
}

int cmd_start(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	static const struct guest_cmd gc = { "start", wait_lo, 1, wait_opt, start_run };
	int wait_ms = 10000;
	return guest_cmd_main(ctx, &gc, argc, argv, &wait_ms);
}

static int stop_run(struct guest *g, const struct guest_opts *o, const struct deploy_paths *p,
		    void *u)
{
	char err[VNFCTL_ERR_LEN];
	int wait_ms = *(int *)u, pid = 0, forced = 0;

	if (deploy_stop(&g->agent, p, wait_ms, &pid, &forced, err, sizeof(err)))
		return cli_fail("%s: stop: %s", o->domain, err);
	if (forced)
		printf("%s: dataplane (pid %d) killed: it did not end within %d s of SIGTERM\n",
		       o->domain, pid, wait_ms / 1000);
	else
		printf("%s: dataplane (pid %d) stopped; its final statistics are in %s\n",
		       o->domain, pid, p->log);
	return EXIT_OK;
}

int cmd_stop(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	static const struct guest_cmd gc = { "stop", wait_lo, 1, wait_opt, stop_run };
	int wait_ms = 10000;
	return guest_cmd_main(ctx, &gc, argc, argv, &wait_ms);
}

static int logs_run(struct guest *g, const struct guest_opts *o, const struct deploy_paths *p,
		    void *u)
{
	char err[VNFCTL_ERR_LEN], *text = NULL;
	size_t len = 0;

	if (deploy_logs(&g->agent, p, *(int *)u, &text, &len, err, sizeof(err)))
		return cli_fail("%s: logs: %s", o->domain, err);
	fwrite(text, 1, len, stdout);
	free(text);
	return EXIT_OK;
}

int cmd_logs(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	static const struct option lo[] = { { "lines", required_argument, 0, 'l' } };
	static const struct guest_cmd gc = { "logs", lo, 1, wait_opt, logs_run };
	int lines = 50;
	return guest_cmd_main(ctx, &gc, argc, argv, &lines);
}

/* ---- status --------------------------------------------------------------------------- */

struct status_cli {
	int interval_ms, watch_ms, count;
};

static int status_opt(const struct vnfctl_cmd *c, int ch, const char *arg, void *u)
{
	struct status_cli *s = u;
	char *end;
	long n;

	switch (ch) {
	case 'i':
		return parse_seconds(c, "--interval", arg, 3600, &s->interval_ms);
	case 'w':
		return parse_seconds(c, "--watch", arg, 3600, &s->watch_ms);
	case 'n':
		n = strtol(arg, &end, 10);
		if (!*arg || *end || n < 1 || n > 1000000)
			return cli_usage_fail(c, "--count \"%s\": not a number in 1..1000000", arg);
		s->count = (int)n;
		return 0;
	}
	return cli_usage_fail(c, "unknown option");
}

static volatile sig_atomic_t status_stop;

static void on_sigint(int sig)
{
	(void)sig;
	status_stop = 1;
}

struct status_run {
	struct status_cli opt;
	int json;
};

static int status_run(struct guest *g, const struct guest_opts *o, const struct deploy_paths *p,
		      void *u)
{
	struct status_run *sr = u;
	const struct status_cli *s = &sr->opt;
	json_object *prev = NULL, *cur = NULL;
	char err[VNFCTL_ERR_LEN];
	int pid = 0, shown = 0, tty = isatty(1), rc = EXIT_OK;

	signal(SIGINT, on_sigint);
	/* rates need two readings: the first one is taken an interval before the first table */
	if (deploy_stats(&g->agent, p, &prev, &pid, err, sizeof(err)))
		return cli_fail("%s: status: %s", o->domain, err);
	while (!status_stop) {
		sleep_ms(shown ? s->watch_ms : s->interval_ms);
		if (status_stop)
			break;
		if (deploy_stats(&g->agent, p, &cur, &pid, err, sizeof(err))) {
			rc = cli_fail("%s: status: %s", o->domain, err);
			break;
		}
		if (sr->json) {
			json_object *v = status_view_json(o->domain, pid, prev, cur);
			printf("%s\n", json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
			json_object_put(v);
		} else {
			if (tty && s->watch_ms)
				fputs("\033[H\033[2J", stdout);
			status_view_print(stdout, o->domain, pid, prev, cur);
		}
		fflush(stdout);
		shown++;
		json_object_put(prev);
		prev = cur;
		cur = NULL;
		if (!s->watch_ms || (s->count && shown >= s->count))
			break;
	}
	json_object_put(prev);
	json_object_put(cur);
	return rc;
}

static int status_opt_of(const struct vnfctl_cmd *c, int ch, const char *arg, void *u)
{
	return status_opt(c, ch, arg, &((struct status_run *)u)->opt);
}

int cmd_status(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "interval", required_argument, 0, 'i' },
		{ "watch", required_argument, 0, 'w' },
		{ "count", required_argument, 0, 'n' },
	};
	static const struct guest_cmd gc = { "status", lo, sizeof(lo) / sizeof(lo[0]),
					     status_opt_of, status_run };
	struct status_run sr = { { 1000, 0, 0 }, ctx->json };
	const char *last = argc > 1 ? argv[argc - 1] : "";
	size_t n = strlen(last);
	struct stat st;

	/* status PLAN.json: every VM of a plan in one table */
	if (n > 5 && !strcmp(last + n - 5, ".json") && !stat(last, &st) && S_ISREG(st.st_mode) &&
	    !help_asked(cli_find("status", ""), argc, argv)) {
		int rc = 0;
		for (int i = 1; !rc && i < argc - 1; i++) {
			if (strcmp(argv[i], "--interval") || i + 1 >= argc - 1)
				return cli_usage_fail(cli_find("status", ""),
						      "with a PLAN only --interval S is accepted");
			rc = parse_seconds(cli_find("status", ""), "--interval", argv[++i], 3600,
					   &sr.opt.interval_ms);
		}
		return rc ? rc : plan_status(ctx, last, sr.opt.interval_ms);
	}
	return guest_cmd_main(ctx, &gc, argc, argv, &sr);
}
