/* vnfctl vale create|delete|attach|detach|list|poll: VALE switches through netmap's control
 * ioctl (vale.c).  Arguments are checked first (exit 2), then the module, then the build. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include "cli.h"
#include "netmap_tune.h"
#include "vale.h"

static int vale_parse_num(const struct vnfctl_cmd *c, const char *opt, const char *v,
			  unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long x;

	errno = 0;
	x = strtoul(v, &end, 10);
	if (!*v || *v == '-' || *end || errno || x < min || x > max)
		return cli_usage_fail(c, "%s \"%s\": not a number in %lu..%lu", opt, v, min, max);
	*out = x;
	return 0;
}

static void vale_print_json(json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
	json_object_put(o);
}

static const char *plural(unsigned long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* ---- create ---------------------------------------------------------------------------- */

int cmd_vale_create(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "rings", required_argument, 0, 'r' },
		{ "slots", required_argument, 0, 's' },
		{ "extra-bufs", required_argument, 0, 'e' },
		{ "dry-run", no_argument, 0, 'n' },
		{ "json", no_argument, 0, 'j' },
		{ 0, 0, 0, 0 },
	};
	const struct vnfctl_cmd *c = cli_find("vale", "create");
	unsigned long rings = 1, slots = VALE_SLOTS_DEFAULT, extra = 0, buf_num = 0;
	struct vale_port_info info;
	char err[VNFCTL_ERR_LEN] = "";
	int ch, rc = 0, dry_run = 0, json = ctx->json, ret;
	const char *name;

	optind = 1;
	opterr = 0;
	while (!rc && (ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'r':
			rc = vale_parse_num(c, "--rings", optarg, 1, VALE_RINGS_MAX, &rings);
			break;
		case 's':
			rc = vale_parse_num(c, "--slots", optarg, 1, VALE_SLOTS_MAX, &slots);
			break;
		case 'e':
			rc = vale_parse_num(c, "--extra-bufs", optarg, 0, VALE_EXTRA_BUFS_MAX,
					    &extra);
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
	if (optind != argc - 1)
		return cli_usage_fail(c, "exactly one NAME is required");
	name = argv[optind];
	if (vale_check_name(name, 1, err, sizeof(err)))
		return cli_usage_fail(c, "%s", err);
	if (dry_run) {
		if (json) {
			json_object *o = json_object_new_object();
			json_object_object_add(o, "name", json_object_new_string(name));
			json_object_object_add(o, "rings", json_object_new_int64((int64_t)rings));
			json_object_object_add(o, "slots", json_object_new_int64((int64_t)slots));
			json_object_object_add(o, "extra_bufs",
					       json_object_new_int64((int64_t)extra));
			json_object_object_add(o, "dry_run", json_object_new_boolean(1));
			vale_print_json(o);
		} else {
			printf("%s: would create a persistent VALE port: %lu ring %s of %lu slots"
			       "%s (NETMAP_REQ_VALE_NEWIF)\n",
			       name, rings, plural(rings, "pair", "pairs"), slots,
			       extra ? ", with room for extra buffers" : "");
			if (extra)
				printf("%s: priv_buf_num would be at least %lu during the creation "
				       "(netmap's own sizing + %lu extra buffers)\n",
				       name,
				       netmap_tune_vale_bufs((unsigned)rings, (unsigned)slots,
							     extra),
				       extra);
		}
		return EXIT_OK;
	}
	ret = vale_create(name, (unsigned)rings, (unsigned)slots, extra, &info, &buf_num, err,
			  sizeof(err));
	if (ret)
		return cli_fail("%s: cannot create: %s", name, err);
	if (json) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "tx_rings", json_object_new_int64(info.tx_rings));
		json_object_object_add(o, "rx_rings", json_object_new_int64(info.rx_rings));
		json_object_object_add(o, "tx_slots", json_object_new_int64(info.tx_slots));
		json_object_object_add(o, "rx_slots", json_object_new_int64(info.rx_slots));
		json_object_object_add(o, "mem_id", json_object_new_int64(info.mem_id));
		json_object_object_add(o, "memsize", json_object_new_int64((int64_t)info.memsize));
		json_object_object_add(o, "extra_bufs", json_object_new_int64((int64_t)extra));
		json_object_object_add(o, "priv_buf_num",
				       buf_num ? json_object_new_int64((int64_t)buf_num) : NULL);
		vale_print_json(o);
	} else {
		printf("%s: created: %u/%u TX/RX %s of %u/%u slots, memory allocator %u (%.1f "
		       "MiB)\n",
		       name, info.tx_rings, info.rx_rings, plural(info.rx_rings, "ring", "rings"),
		       info.tx_slots, info.rx_slots, info.mem_id, info.memsize / 1048576.0);
		if (buf_num)
			printf("%s: room for %lu extra buffers (priv_buf_num was %lu for the "
			       "creation)\n",
			       name, extra, buf_num);
		printf("%s: attach it with: vnfctl vale attach vale0:%s\n", name, name);
	}
	if (*err) /* a warning */
		fprintf(stderr, "vnfctl: %s: %s\n", name, err);
	return EXIT_OK;
}

/* ---- delete ---------------------------------------------------------------------------- */

/* For verbs of the form VERB ARG [--dry-run]. */
static int vale_one_arg(const struct vnfctl_cmd *c, int argc, char **argv, const char *what,
			const char **arg, int *dry_run, int *host)
{
	static const struct option lo[] = {
		{ "dry-run", no_argument, 0, 'n' },
		{ "host", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	int ch;

	*dry_run = 0;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (ch == 'n')
			*dry_run = 1;
		else if (ch == 'h' && host)
			*host = 1;
		else
			return cli_usage_fail(c, "unknown option: \"%s\"", argv[optind - 1]);
	}
	if (optind != argc - 1)
		return cli_usage_fail(c, "exactly one %s is required", what);
	*arg = argv[optind];
	return 0;
}

int cmd_vale_delete(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	const struct vnfctl_cmd *c = cli_find("vale", "delete");
	char err[VNFCTL_ERR_LEN];
	const char *name;
	int dry_run, rc = vale_one_arg(c, argc, argv, "NAME", &name, &dry_run, NULL);

	(void)ctx;
	if (rc)
		return rc;
	if (vale_check_name(name, 0, err, sizeof(err)))
		return cli_usage_fail(c, "%s", err);
	if (dry_run) {
		printf("%s: would delete the persistent VALE port (NETMAP_REQ_VALE_DELIF)\n", name);
		return EXIT_OK;
	}
	if (vale_delete(name, err, sizeof(err)))
		return cli_fail("%s: cannot delete: %s", name, err);
	printf("%s: deleted\n", name);
	return EXIT_OK;
}

/* ---- attach, detach -------------------------------------------------------------------- */

int cmd_vale_attach(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	const struct vnfctl_cmd *c = cli_find("vale", "attach");
	char err[VNFCTL_ERR_LEN], sw[VALE_NAME_MAX], port[VALE_NAME_MAX];
	const char *spec;
	unsigned idx;
	int dry_run, host = 0,
		     rc = vale_one_arg(c, argc, argv, "SWITCH:NAME", &spec, &dry_run, &host);

	(void)ctx;
	if (rc)
		return rc;
	if (vale_check_spec(spec, sw, port, err, sizeof(err)))
		return cli_usage_fail(c, "%s", err);
	if (dry_run) {
		printf("%s: would attach %s%s to switch %s (NETMAP_REQ_VALE_ATTACH)\n", spec, port,
		       host ? " and its host stack" : "", sw);
		return EXIT_OK;
	}
	if (vale_attach(spec, host, &idx, err, sizeof(err)))
		return cli_fail("%s: cannot attach: %s", spec, err);
	printf("%s: attached (switch port %u)\n", spec, idx);
	return EXIT_OK;
}

int cmd_vale_detach(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	const struct vnfctl_cmd *c = cli_find("vale", "detach");
	char err[VNFCTL_ERR_LEN], sw[VALE_NAME_MAX], port[VALE_NAME_MAX];
	const char *spec;
	unsigned idx;
	int dry_run, rc = vale_one_arg(c, argc, argv, "SWITCH:NAME", &spec, &dry_run, NULL);

	(void)ctx;
	if (rc)
		return rc;
	if (vale_check_spec(spec, sw, port, err, sizeof(err)))
		return cli_usage_fail(c, "%s", err);
	if (dry_run) {
		printf("%s: would detach %s from switch %s (NETMAP_REQ_VALE_DETACH)\n", spec, port,
		       sw);
		return EXIT_OK;
	}
	if (vale_detach(spec, &idx, err, sizeof(err)))
		return cli_fail("%s: cannot detach: %s", spec, err);
	printf("%s: detached (was switch port %u)\n", spec, idx);
	return EXIT_OK;
}

/* ---- list ------------------------------------------------------------------------------ */

int cmd_vale_list(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	static const struct option lo[] = { { "json", no_argument, 0, 'j' }, { 0, 0, 0, 0 } };
	const struct vnfctl_cmd *c = cli_find("vale", "list");
	struct vale_entry *v;
	char err[VNFCTL_ERR_LEN];
	size_t n;
	int ch, json = ctx->json;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (ch != 'j')
			return cli_usage_fail(c, "unknown option: \"%s\"", argv[optind - 1]);
		json = 1;
	}
	if (optind != argc)
		return cli_usage_fail(c, "no arguments expected, got \"%s\"", argv[optind]);
	if (vale_list(&v, &n, err, sizeof(err)))
		return cli_fail("VALE switches: cannot list: %s", err);
	if (json) {
		json_object *o = json_object_new_object(), *a = json_object_new_array();
		for (size_t i = 0; i < n; i++) {
			json_object *e = json_object_new_object();
			json_object_object_add(e, "name", json_object_new_string(v[i].name));
			json_object_object_add(e, "switch",
					       v[i].sw[0] ? json_object_new_string(v[i].sw) : NULL);
			json_object_object_add(e, "port", json_object_new_string(v[i].port));
			json_object_object_add(e, "renamed_by_netmap",
					       json_object_new_boolean(v[i].renamed));
			json_object_object_add(e, "bridge_index",
					       json_object_new_int64(v[i].bridge_idx));
			json_object_object_add(e, "port_index",
					       json_object_new_int64(v[i].port_idx));
			if (v[i].has_info) {
				const struct vale_port_info *f = &v[i].info;
				json_object_object_add(e, "tx_rings",
						       json_object_new_int64(f->tx_rings));
				json_object_object_add(e, "rx_rings",
						       json_object_new_int64(f->rx_rings));
				json_object_object_add(e, "tx_slots",
						       json_object_new_int64(f->tx_slots));
				json_object_object_add(e, "rx_slots",
						       json_object_new_int64(f->rx_slots));
				json_object_object_add(e, "mem_id",
						       json_object_new_int64(f->mem_id));
				json_object_object_add(e, "memsize",
						       json_object_new_int64((int64_t)f->memsize));
			}
			json_object_array_add(a, e);
		}
		json_object_object_add(o, "ports", a);
		vale_print_json(o);
	} else if (!n) {
		printf("no ports on any VALE switch\n");
	} else {
		int renamed = 0, unasked = 0;
		printf("%-24s %-10s %5s %11s %11s %4s\n", "NAME (netmap's)", "SWITCH", "PORT#",
		       "RINGS TX/RX", "SLOTS TX/RX", "MEM");
		for (size_t i = 0; i < n; i++) {
			char r[24] = "-", s[24] = "-", m[12] = "-", sw[VALE_NAME_MAX + 4];
			if (v[i].has_info) {
				snprintf(r, sizeof(r), "%u/%u", v[i].info.tx_rings,
					 v[i].info.rx_rings);
				snprintf(s, sizeof(s), "%u/%u", v[i].info.tx_slots,
					 v[i].info.rx_slots);
				snprintf(m, sizeof(m), "%u", v[i].info.mem_id);
			}
			if (v[i].sw[0])
				snprintf(sw, sizeof(sw), "%s%s", v[i].sw, v[i].renamed ? "*" : "");
			else
				snprintf(sw, sizeof(sw), "#%u*", v[i].bridge_idx);
			renamed |= v[i].renamed;
			unasked |= !v[i].has_info;
			printf("%-24s %-10s %5u %11s %11s %4s\n", v[i].name, sw, v[i].port_idx, r,
			       s, m);
		}
		if (renamed)
			printf("*: netmap renamed the port to its interface name when a program "
			       "opened it; it cannot be\n"
			       "   detached any more (netmap bug, luigirizzo/netmap issue 882) "
			       "until "
			       "the module is reloaded\n");
		if (unasked)
			printf("-: not asked: asking netmap about an attached persistent port "
			       "renames it (see *)\n");
	}
	free(v);
	return EXIT_OK;
}

/* ---- poll ------------------------------------------------------------------------------ */

int cmd_vale_poll(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "cpu", required_argument, 0, 'c' },
		{ "cpus", required_argument, 0, 'C' },
		{ "dry-run", no_argument, 0, 'n' },
		{ 0, 0, 0, 0 },
	};
	const struct vnfctl_cmd *c = cli_find("vale", "poll");
	char err[VNFCTL_ERR_LEN], sw[VALE_NAME_MAX], port[VALE_NAME_MAX];
	unsigned long cpu = 0, cpus = 1;
	int ch, rc = 0, on, dry_run = 0, cpu_given = 0;
	const char *spec;
	long online;

	(void)ctx;
	optind = 1;
	opterr = 0;
	while (!rc && (ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'c':
			rc = vale_parse_num(c, "--cpu", optarg, 0, 4095, &cpu);
			cpu_given = 1;
			break;
		case 'C':
			rc = vale_parse_num(c, "--cpus", optarg, 1, 4096, &cpus);
			cpu_given = 1;
			break;
		case 'n':
			dry_run = 1;
			break;
		default:
			return cli_usage_fail(c, "unknown option or missing value: \"%s\"",
					      argv[optind - 1]);
		}
	}
	if (rc)
		return rc;
	if (optind != argc - 2)
		return cli_usage_fail(c, "on or off, and one SWITCH:NAME, are required");
	if (strcmp(argv[optind], "on") && strcmp(argv[optind], "off"))
		return cli_usage_fail(c, "\"%s\": on or off expected", argv[optind]);
	on = !strcmp(argv[optind], "on");
	spec = argv[optind + 1];
	if (!on && cpu_given)
		return cli_usage_fail(c, "--cpu and --cpus apply to poll on");
	if (vale_check_spec(spec, sw, port, err, sizeof(err)))
		return cli_usage_fail(c, "%s", err);
	if (dry_run) {
		if (!on)
			printf("%s: would stop its polling threads "
			       "(NETMAP_REQ_VALE_POLLING_DISABLE)\n",
			       spec);
		else if (cpus == 1)
			printf("%s: would poll every ring from one kernel thread on CPU %lu "
			       "(NETMAP_REQ_VALE_POLLING_ENABLE, single-CPU mode)\n",
			       spec, cpu);
		else
			printf("%s: would poll rings %lu..%lu, one kernel thread each on CPUs "
			       "%lu..%lu (NETMAP_REQ_VALE_POLLING_ENABLE, multi-CPU mode)\n",
			       spec, cpu, cpu + cpus - 1, cpu, cpu + cpus - 1);
		return EXIT_OK;
	}
	if (vale_available(err, sizeof(err)))
		return cli_fail("%s: cannot %s polling: %s", spec, on ? "start" : "stop", err);
	online = sysconf(_SC_NPROCESSORS_ONLN);
	if (on && online > 0 && (long)cpus >= online)
		return cli_fail("%s: cannot start polling: --cpus %lu: netmap never takes all %ld "
				"CPUs of this machine",
				spec, cpus, online);
	if (on && online > 0 && (long)(cpu + (cpus > 1 ? cpus - 1 : 0)) >= online)
		return cli_fail("%s: cannot start polling: --cpu %lu: this machine has CPUs "
				"0..%ld",
				spec, cpu, online - 1);
	if (vale_poll(spec, on, (unsigned)cpu, (unsigned)cpus, err, sizeof(err)))
		return cli_fail("%s: cannot %s polling: %s", spec, on ? "start" : "stop", err);
	if (!on)
		printf("%s: polling stopped\n", spec);
	else if (cpus == 1)
		printf("%s: polled by one kernel thread on CPU %lu\n", spec, cpu);
	else
		printf("%s: rings %lu..%lu polled by kernel threads on CPUs %lu..%lu\n", spec, cpu,
		       cpu + cpus - 1, cpu, cpu + cpus - 1);
	return EXIT_OK;
}
