/* vnfctl netmap tune: netmap's pool parameters for a topology (netmap_tune.c computes them),
 * written to /sys/module/netmap/parameters and read back (vale.c), each explained. */
#include <errno.h>
#include <unistd.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "cli.h"
#include "files.h"
#include "netmap_tune.h"
#include "vale.h"

#define NETMAP_STATE_DEFAULT "/var/lib/vnfctl/netmap"

/* Where the first tune keeps the values it found, for netmap restore. */
static void netmap_original_path(char *path, size_t len)
{
	snprintf(path, len, "%s/netmap-params.json", state_dir(NETMAP_STATE_DEFAULT));
}

/* Keeps the parameters' values before the first tune that changes them (a kept record is
 * never overwritten: it is the original). */
static int netmap_original_keep(const struct netmap_tune *t, const long long *current, char *err,
				size_t errlen)
{
	char path[512];
	json_object *o;
	int ret;

	netmap_original_path(path, sizeof(path));
	if (access(path, F_OK) == 0)
		return 0;
	ret = state_mkdir(state_dir(NETMAP_STATE_DEFAULT), err, errlen);
	if (ret)
		return ret;
	o = json_object_new_object();
	for (int i = 0; i < NT_NPARAMS; i++)
		if (current[i] >= 0)
			json_object_object_add(o, t->p[i].name, json_object_new_int64(current[i]));
	{
		const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);

		ret = file_write_atomic(path, text, strlen(text), 0600, err, errlen);
	}
	json_object_put(o);
	return ret;
}

static int tune_parse_num(const struct vnfctl_cmd *c, const char *opt, const char *v,
			  unsigned long min, unsigned long max, unsigned *out)
{
	char *end;
	unsigned long x;

	errno = 0;
	x = strtoul(v, &end, 10);
	if (!*v || *v == '-' || *end || errno || x < min || x > max)
		return cli_usage_fail(c, "%s \"%s\": not a number in %lu..%lu", opt, v, min, max);
	*out = (unsigned)x;
	return 0;
}

/* current[i]: the module's value, or -1 when unknown (module not loaded, unreadable). */
static void tune_read_current(const struct netmap_tune *t, long long *current)
{
	char err[VNFCTL_ERR_LEN];
	unsigned long v;

	for (int i = 0; i < NT_NPARAMS; i++)
		current[i] = vale_param_get(t->p[i].name, &v, err, sizeof(err)) ? -1 : (long long)v;
}

/* Writes what differs; on a failure puts back what was written.  *written counts them. */
static int tune_apply(const struct netmap_tune *t, const long long *current, int *written,
		      char *err, size_t errlen)
{
	char uerr[200];
	int ret = 0, i;

	*written = 0;
	for (i = 0; i < NT_NPARAMS && !ret; i++) {
		if (current[i] == (long long)t->p[i].value)
			continue;
		ret = vale_param_set(t->p[i].name, t->p[i].value, err, errlen);
		if (!ret)
			(*written)++;
	}
	if (!ret)
		return 0;
	for (int k = i - 2; k >= 0; k--) /* i - 1 failed */
		if (current[k] >= 0 && current[k] != (long long)t->p[k].value &&
		    vale_param_set(t->p[k].name, (unsigned long)current[k], uerr, sizeof(uerr))) {
			size_t n = strlen(err);
			snprintf(err + n, errlen - n, "; putting back %s failed too: %.180s",
				 t->p[k].name, uerr);
			return ret;
		}
	if (*written) {
		size_t n = strlen(err);
		snprintf(err + n, errlen - n, "; the %d written before were put back", *written);
	}
	*written = 0;
	return ret;
}

static void tune_json(const struct netmap_tune_req *r, const struct netmap_tune *t,
		      const long long *current, int loaded, int dry_run, int written)
{
	json_object *o = json_object_new_object(), *q = json_object_new_object(),
		    *ps = json_object_new_object(), *m = json_object_new_object();

	json_object_object_add(q, "slots", json_object_new_int64(r->slots));
	json_object_object_add(q, "rings", json_object_new_int64(r->rings));
	json_object_object_add(q, "pipes", json_object_new_int64(r->pipes));
	json_object_object_add(q, "extra_bufs", json_object_new_int64(r->extra_bufs));
	json_object_object_add(q, "ports", json_object_new_int64(r->ports));
	json_object_object_add(o, "request", q);
	for (int i = 0; i < NT_NPARAMS; i++) {
		const struct netmap_tune_param *p = &t->p[i];
		json_object *e = json_object_new_object();
		json_object_object_add(e, "value", json_object_new_int64((int64_t)p->value));
		json_object_object_add(e, "current",
				       current[i] < 0 ? NULL : json_object_new_int64(current[i]));
		json_object_object_add(e, "default", json_object_new_int64((int64_t)p->dflt));
		json_object_object_add(e, "need", json_object_new_int64((int64_t)p->need));
		json_object_object_add(e, "why", json_object_new_string(p->why));
		json_object_object_add(ps, p->name, e);
	}
	json_object_object_add(o, "parameters", ps);
	json_object_object_add(m, "global_bytes", json_object_new_int64((int64_t)t->global_bytes));
	json_object_object_add(m, "vale_port_bytes", json_object_new_int64((int64_t)t->port_bytes));
	json_object_object_add(o, "memory", m);
	json_object_object_add(o, "module_loaded", json_object_new_boolean(loaded));
	json_object_object_add(o, "dry_run", json_object_new_boolean(dry_run));
	json_object_object_add(o, "written", json_object_new_int(written));
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
	json_object_put(o);
}

static void tune_text(const struct netmap_tune_req *r, const struct netmap_tune *t,
		      const long long *current, int loaded, int dry_run, int written)
{
	int nondefault = 0;

	printf("netmap tune: %u %s; per port %u ring %s of %u slots, %u %s, %u extra "
	       "buffers\n",
	       r->ports, r->ports == 1 ? "port" : "ports", r->rings,
	       r->rings == 1 ? "pair" : "pairs", r->slots, r->pipes,
	       r->pipes == 1 ? "pipe" : "pipes", r->extra_bufs);
	for (int i = 0; i < NT_NPARAMS; i++) {
		const struct netmap_tune_param *p = &t->p[i];
		char cur[24];
		if (i == NT_RING_SIZE)
			printf("global allocator (NICs in netmap mode, and their pipes):\n");
		else if (i == NT_PRIV_RING_SIZE)
			printf("VALE ports (each its own allocator; these are floors under "
			       "netmap's "
			       "own sizing of the port):\n");
		if (current[i] >= 0)
			snprintf(cur, sizeof(cur), "%lld", current[i]);
		else
			snprintf(cur, sizeof(cur), "%s", loaded ? "unreadable" : "not loaded");
		printf("  %-15s %7lu  current %-10s  %s\n", p->name, p->value, cur, p->why);
		nondefault += p->value != p->dflt;
	}
	printf("memory: global allocator %.1f MiB; each VALE port at least %.1f MiB\n",
	       t->global_bytes / 1048576.0, t->port_bytes / 1048576.0);
	if (r->slots > NETMAP_TUNE_VALE_SLOTS)
		printf("note: VALE ports and pipes take at most %d slots per ring; %u fits NIC "
		       "rings only\n",
		       NETMAP_TUNE_VALE_SLOTS, r->slots);
	if (dry_run)
		printf("dry run: nothing written\n");
	else
		printf("set: %d %s written to %s and read back, the others had their value "
		       "already\n",
		       written, written == 1 ? "parameter" : "parameters", vale_params_dir());
	printf("netmap reads these when it configures an allocator: the global one when the "
	       "first port\n"
	       "opens on it with no other open (values written while a NIC is in netmap mode "
	       "wait until\n"
	       "none is), a VALE port's when the port is made.  NICs behind an IOMMU get an "
	       "allocator\n"
	       "copied from the values the module was loaded with; to cover them load it with");
	if (!nondefault)
		printf(" the\nsame values (here: netmap's defaults).\n");
	else {
		printf(":\n  modprobe netmap");
		for (int i = 0; i < NT_NPARAMS; i++)
			if (t->p[i].value != t->p[i].dflt)
				printf(" %s=%lu", t->p[i].name, t->p[i].value);
		printf("\n(or an \"options netmap ...\" line in /etc/modprobe.d/netmap.conf).\n");
	}
}

int cmd_netmap_tune(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "slots", required_argument, 0, 's' }, { "rings", required_argument, 0, 'r' },
		{ "pipes", required_argument, 0, 'p' }, { "extra-bufs", required_argument, 0, 'e' },
		{ "ports", required_argument, 0, 'P' }, { "dry-run", no_argument, 0, 'n' },
		{ "json", no_argument, 0, 'j' },	{ 0, 0, 0, 0 },
	};
	const struct vnfctl_cmd *c = cli_find("netmap", "tune");
	struct netmap_tune_req r = NETMAP_TUNE_REQ_DEFAULT;
	struct netmap_tune *t;
	long long current[NT_NPARAMS];
	char err[VNFCTL_ERR_LEN];
	int ch, rc = 0, dry_run = 0, json = ctx->json, loaded, written = 0;

	optind = 1;
	opterr = 0;
	while (!rc && (ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 's':
			rc = tune_parse_num(c, "--slots", optarg, 1, NETMAP_TUNE_SLOTS_MAX,
					    &r.slots);
			break;
		case 'r':
			rc = tune_parse_num(c, "--rings", optarg, 1, NETMAP_TUNE_RINGS_MAX,
					    &r.rings);
			break;
		case 'p':
			rc = tune_parse_num(c, "--pipes", optarg, 0, NETMAP_TUNE_PIPES_MAX,
					    &r.pipes);
			break;
		case 'e':
			rc = tune_parse_num(c, "--extra-bufs", optarg, 0, NETMAP_TUNE_EXTRA_MAX,
					    &r.extra_bufs);
			break;
		case 'P':
			rc = tune_parse_num(c, "--ports", optarg, 1, NETMAP_TUNE_PORTS_MAX,
					    &r.ports);
			break;
		case 'n':
			dry_run = 1;
			break;
		case 'j':
			json = 1;
			break;
		default:
			return cli_usage_fail(c, "unknown option or missing value: \"%s\"",
					      argv[optind - 1]);
		}
	}
	if (rc)
		return rc;
	if (optind != argc)
		return cli_usage_fail(c, "no arguments expected, got \"%s\"", argv[optind]);
	t = calloc(1, sizeof(*t));
	if (!t)
		return cli_fail("netmap tune: out of memory");
	if (netmap_tune_compute(&r, t, err, sizeof(err))) {
		free(t);
		return cli_fail("netmap tune: %s", err);
	}
	loaded = vale_params_present(err, sizeof(err)) == 0;
	if (!dry_run && !loaded) {
		free(t);
		return cli_fail("netmap tune: cannot set: %s (--dry-run shows the values without "
				"it)",
				err);
	}
	for (int i = 0; i < NT_NPARAMS; i++)
		current[i] = -1;
	if (loaded)
		tune_read_current(t, current);
	if (!dry_run) {
		if (netmap_original_keep(t, current, err, sizeof(err))) {
			free(t);
			return cli_fail("netmap tune: cannot keep the current values for netmap "
					"restore: %s", err);
		}
		if (tune_apply(t, current, &written, err, sizeof(err))) {
			free(t);
			return cli_fail("netmap tune: cannot set: %s", err);
		}
		tune_read_current(t, current);
	}
	if (json)
		tune_json(&r, t, current, loaded, dry_run, written);
	else
		tune_text(&r, t, current, loaded, dry_run, written);
	free(t);
	return EXIT_OK;
}

int cmd_netmap_restore(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	static const struct option lo[] = { { "dry-run", no_argument, 0, 'n' }, { 0, 0, 0, 0 } };
	const struct vnfctl_cmd *c = cli_find("netmap", "restore");
	char path[512], err[VNFCTL_ERR_LEN], *text = NULL;
	json_object *o;
	size_t len;
	int ch, dry_run = 0, written = 0, ret = 0;

	(void)ctx;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (ch != 'n')
			return cli_usage_fail(c, "unknown option: \"%s\"", argv[optind - 1]);
		dry_run = 1;
	}
	if (optind != argc)
		return cli_usage_fail(c, "no arguments expected, got \"%s\"", argv[optind]);
	netmap_original_path(path, sizeof(path));
	if (access(path, F_OK)) {
		printf("netmap restore: nothing to restore (no netmap tune changed the parameters)\n");
		return EXIT_OK;
	}
	if (file_read_all(path, &text, &len, err, sizeof(err)))
		return cli_fail("netmap restore: %s", err);
	o = json_tokener_parse(text);
	free(text);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return cli_fail("netmap restore: %s: not a JSON object", path);
	}
	if (!dry_run && vale_params_present(err, sizeof(err))) {
		json_object_put(o);
		return cli_fail("netmap restore: cannot set: %s", err);
	}
	json_object_object_foreach(o, name, v)
	{
		unsigned long now;
		unsigned long want = (unsigned long)json_object_get_int64(v);

		if (dry_run) {
			printf("  %-15s would be %lu\n", name, want);
			continue;
		}
		if (vale_param_get(name, &now, err, sizeof(err)) == 0 && now == want)
			continue;
		ret = vale_param_set(name, want, err, sizeof(err));
		if (ret)
			break;
		written++;
	}
	json_object_put(o);
	if (ret)
		return cli_fail("netmap restore: cannot set: %s (the record stays in %s)", err, path);
	if (dry_run) {
		printf("dry run: nothing written (the values netmap tune found, from %s)\n", path);
		return EXIT_OK;
	}
	if (unlink(path))
		return cli_fail("netmap restore: put back, but cannot remove %s: %s", path,
				strerror(errno));
	printf("netmap restore: %d %s put back and read back; the record is removed\n", written,
	       written == 1 ? "parameter" : "parameters");
	return EXIT_OK;
}
