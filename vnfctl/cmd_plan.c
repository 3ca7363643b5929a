/* vnfctl up | down PLAN: a plan's steps are vnfctl commands (plan.c), run here in-process
 * through the same dispatcher as the command line, so there is one implementation of each
 * action.  What up made is recorded step by step ($STATE/plan-NAME/made.json) so that a
 * failure rolls back exactly that, and down undoes exactly what up made. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "agent.h"
#include "cli.h"
#include "clock.h"
#include "deploy.h"
#include "domxml.h"
#include "files.h"
#include "plan.h"
#include "sha256.h"
#include "status_view.h"
#include "netmap_tune.h"
#include "vale.h"
#include "vale_hash.h"
#include "virt.h"

#define PLAN_STATE_DEFAULT "/var/lib/vnfctl"

struct made {
	json_object *list; /* [{"what", "undo": [argv...]}...] in the order made */
};

static void state_paths(const struct plan *p, char *dir, size_t dlen, char *made, size_t mlen)
{
	snprintf(dir, dlen, "%.3000s/plan-%s", state_dir(PLAN_STATE_DEFAULT), p->name);
	snprintf(made, mlen, "%.3100s/made.json", dir);
}

static int made_load(const char *path, struct made *m)
{
	char *text = NULL, err[128];
	size_t len;

	m->list = NULL;
	if (!file_read_all(path, &text, &len, err, sizeof(err))) {
		m->list = json_tokener_parse(text);
		free(text);
	}
	if (!json_object_is_type(m->list, json_type_array)) {
		json_object_put(m->list);
		m->list = json_object_new_array();
	}
	return 0;
}

static int made_save(const char *path, const struct made *m, char *err, size_t errlen)
{
	const char *t = json_object_to_json_string_ext(
		m->list, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	return file_write_atomic(path, t, strlen(t), 0600, err, errlen);
}

static int made_has(const struct made *m, const char *what)
{
	for (size_t i = 0; i < json_object_array_length(m->list); i++) {
		json_object *w;
		if (json_object_object_get_ex(json_object_array_get_idx(m->list, i), "what", &w) &&
		    !strcmp(json_object_get_string(w), what))
			return 1;
	}
	return 0;
}

static void made_add(struct made *m, const struct plan_step *s)
{
	json_object *o = json_object_new_object(), *u = json_object_new_array();

	for (int k = 0; s->undo[k]; k++)
		json_object_array_add(u, json_object_new_string(s->undo[k]));
	json_object_object_add(o, "what", json_object_new_string(s->what));
	json_object_object_add(o, "undo", u);
	json_object_array_add(m->list, o);
}

/* Runs vnfctl ARGV in this process with its output kept aside; on failure the first line of
 * what it printed on stderr goes to msg. */
static int run_quiet(const struct vnfctl_ctx *ctx, char *const *argv, char *msg, size_t mlen)
{
	char tmpl[] = "/tmp/vnfctl-step.XXXXXX";
	int argc = 0, fd = mkstemp(tmpl), so, se, rc;
	char *args[PLAN_ARGS_MAX];

	msg[0] = '\0';
	for (; argv[argc]; argc++)
		args[argc] = argv[argc];
	args[argc] = NULL;
	if (fd < 0)
		return cli_dispatch(ctx, argc, args);
	unlink(tmpl);
	fflush(stdout);
	fflush(stderr);
	so = dup(1);
	se = dup(2);
	dup2(fd, 1);
	dup2(fd, 2);
	rc = cli_dispatch(ctx, argc, args);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	if (rc) {
		/* the last "vnfctl: ..." line is the error: read the end of what it printed */
		char buf[8192];
		off_t size = lseek(fd, 0, SEEK_END);
		off_t from = size > (off_t)sizeof(buf) - 1 ? size - (off_t)sizeof(buf) + 1 : 0;
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, from);
		char *line = NULL, *p;
		buf[n > 0 ? n : 0] = '\0';
		for (p = strtok(buf, "\n"); p; p = strtok(NULL, "\n"))
			if (!strncmp(p, "vnfctl", 6) || !line)
				line = p;
		snprintf(msg, mlen, "%s", line ? line : "failed without a message");
	}
	close(fd);
	return rc;
}

/* ---- probes: is a step's effect there already? ------------------------------------------- */

static int probe_vnic(struct virt *v, const char *dom, const char *id)
{
	struct domxml_vnic_spec have[DOMXML_VNICS_MAX];
	char *xml = NULL, uuid[37], err[256];
	xmlDocPtr doc;
	int n, found = 0;

	if (virt_domain_xml(v, dom, 0, &xml, uuid, err, sizeof(err)))
		return 0;
	doc = domxml_parse(xml, strlen(xml), err, sizeof(err));
	n = doc ? domxml_list(doc, have, DOMXML_VNICS_MAX, err, sizeof(err)) : 0;
	for (int i = 0; i < n && i < DOMXML_VNICS_MAX; i++)
		found |= !strcmp(have[i].id, id);
	if (doc)
		xmlFreeDoc(doc);
	free(xml);
	return found;
}

static int probe_deployed(const struct plan_step *s, const char *dom)
{
	char want_bin[PATH_MAX] = "", have_bin[65], have_cfg[65], sha[65], err[128];
	const char *cfg = NULL;
	char *text = NULL;
	size_t len;
	int same = 0;

	for (int k = 0; s->argv[k] && s->argv[k + 1]; k++) {
		if (!strcmp(s->argv[k], "--config"))
			cfg = s->argv[k + 1];
		if (!strcmp(s->argv[k], "--binary"))
			snprintf(want_bin, sizeof(want_bin), "%s", s->argv[k + 1]);
	}
	if (!cfg || deploy_record_digests(dom, have_bin, have_cfg) ||
	    (!*want_bin && file_beside_self("vnfdp", want_bin, sizeof(want_bin))))
		return 0;
	if (!file_read_all(cfg, &text, &len, err, sizeof(err))) {
		sha256_hex(text, len, sha);
		same = !strcmp(sha, have_cfg);
		free(text);
	}
	if (same && !file_read_all(want_bin, &text, &len, err, sizeof(err))) {
		sha256_hex(text, len, sha);
		same = !strcmp(sha, have_bin);
		free(text);
	} else {
		same = 0;
	}
	return same;
}

static int probe_dataplane(struct virt *v, const char *dom)
{
	struct agent a = { .timeout_ms = 5000 };
	struct deploy_paths p;
	json_object *st = NULL;
	char err[256];
	int pid = 0, rc;

	deploy_paths_default(&p);
	if (deploy_record_load(dom, &p, err, sizeof(err)) ||
	    virt_agent_open(v, dom, &a, err, sizeof(err)))
		return 0;
	rc = deploy_stats(&a, &p, &st, &pid, err, sizeof(err));
	json_object_put(st);
	agent_close(&a);
	return rc == 0;
}

/* netmap tune's request (0: its default) against the module's parameters now. */
static int probe_netmap(const char *req_text)
{
	struct netmap_tune_req r = NETMAP_TUNE_REQ_DEFAULT;
	long v[5];
	struct netmap_tune *t;
	char err[200];
	int same = 0;

	if (sscanf(req_text, "%ld %ld %ld %ld %ld", &v[0], &v[1], &v[2], &v[3], &v[4]) != 5 ||
	    !(t = calloc(1, sizeof(*t))))
		return 0;
	r.slots = v[0] ? (unsigned)v[0] : r.slots;
	r.rings = v[1] ? (unsigned)v[1] : r.rings;
	r.pipes = (unsigned)v[2];
	r.extra_bufs = (unsigned)v[3];
	r.ports = v[4] ? (unsigned)v[4] : r.ports;
	if (netmap_tune_compute(&r, t, err, sizeof(err)) == 0) {
		same = 1;
		for (int i = 0; same && i < NT_NPARAMS; i++) {
			unsigned long now;

			same = vale_param_get(t->p[i].name, &now, err, sizeof(err)) == 0 &&
			       now == t->p[i].value;
		}
	}
	free(t);
	return same;
}

static int probe(struct virt *v, const struct made *m, const struct plan_step *s)
{
	int running = 0;

	switch (s->probe) {
	case PROBE_NONE:
		return 0;
	case PROBE_IFACE:
		return if_nametoindex(s->probe_arg) != 0;
	case PROBE_VALE_PORT: {
		struct vale_entry *e = NULL;
		size_t n = 0;
		char err[128];
		int found = 0;
		if (vale_list(&e, &n, err, sizeof(err)))
			return 0;
		for (size_t i = 0; i < n; i++)
			found |= !strcmp(e[i].name, s->probe_arg);
		free(e);
		return found;
	}
	case PROBE_NIC: {
		/* set up by this plan and not restored since (restore removes the record) */
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/nic-%s.json", state_dir("/var/lib/vnfctl/nics"),
			 s->probe_arg);
		return made_has(m, s->what) && access(path, F_OK) == 0;
	}
	case PROBE_DOMAIN:
		return v && virt_domain_state(v, s->probe_arg, &running, (char[64]){ 0 }, 64) == 0;
	case PROBE_VNIC:
		return v && probe_vnic(v, s->probe_arg, s->probe_arg2);
	case PROBE_RUNNING:
		return v && !virt_domain_state(v, s->probe_arg, &running, (char[64]){ 0 }, 64) &&
		       running;
	case PROBE_DEPLOYED:
		return probe_deployed(s, s->probe_arg);
	case PROBE_DATAPLANE:
		return v && probe_dataplane(v, s->probe_arg);
	case PROBE_NETMAP:
		return probe_netmap(s->probe_arg);
	case PROBE_VALE_HASH: {
		struct vale_hash_state st;
		char err[128], have[256];

		if (vale_hash_read(&st, err, sizeof(err)) || !st.loaded)
			return 0;
		snprintf(have, sizeof(have), "%s %u", st.key, st.rings);
		return !strcmp(st.active, s->probe_arg2) && !strcmp(have, s->probe_arg);
	}
	}
	return 0;
}

/* ---- up, down ------------------------------------------------------------------------------ */

static int parse_plan_args(const struct vnfctl_cmd *c, int argc, char **argv, const char **file,
			   int *dry)
{
	static const struct option lo[] = { { "dry-run", no_argument, 0, 'n' }, { 0, 0, 0, 0 } };
	int ch;

	*dry = 0;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (ch != 'n')
			return cli_usage_fail(c, "unknown option \"%s\"", argv[optind - 1]);
		*dry = 1;
	}
	if (optind != argc - 1)
		return cli_usage_fail(c, "exactly one PLAN file is required");
	*file = argv[optind];
	return 0;
}

static int load_plan(const char *file, struct plan *p)
{
	char *text = NULL, err[VNFCTL_ERR_LEN];
	size_t len;
	int rc;

	if (file_read_all(file, &text, &len, err, sizeof(err)))
		return cli_fail("%s: %s", file, err);
	rc = plan_parse(text, len, state_dir(PLAN_STATE_DEFAULT), p, err, sizeof(err));
	free(text);
	return rc ? cli_fail("%s: %s", file, err) : 0;
}

/* The VMs' dataplane configs, where the deploy steps read them. */
static int write_configs(const struct plan *p, const char *dir, char *err, size_t errlen)
{
	int rc = state_mkdir(dir, err, errlen);

	for (unsigned i = 0; !rc && i < p->n_vms; i++) {
		char path[PATH_MAX], *text = plan_vm_dataplane(p, i);
		plan_vm_config_path(p, state_dir(PLAN_STATE_DEFAULT), i, path, sizeof(path));
		rc = text ? file_write_atomic(path, text, strlen(text), 0600, err, errlen)
			  : -ENOMEM;
		free(text);
	}
	return rc;
}

/* Forgets the plan's state: its VMs' configs and the record of what up made. */
static void state_remove(const struct plan *p, const char *dir, const char *made_path)
{
	char cfg[PATH_MAX];

	for (unsigned i = 0; i < p->n_vms; i++) {
		plan_vm_config_path(p, state_dir(PLAN_STATE_DEFAULT), i, cfg, sizeof(cfg));
		unlink(cfg);
	}
	unlink(made_path);
	rmdir(dir);
}

static double secs_since(int64_t t0)
{
	return (double)(now_ms() - t0) / 1000;
}

/* Undoes the entries of m from the last down to index from; their entries go. */
static int undo_from(const struct vnfctl_ctx *ctx, struct made *m, size_t from, const char *tag,
		     const char *made_path)
{
	char msg[512], line[1024], err[256];
	int failed = 0;

	for (size_t i = json_object_array_length(m->list); i-- > from;) {
		json_object *e = json_object_array_get_idx(m->list, i), *w, *u;
		char *argv[PLAN_ARGS_MAX];
		int64_t t0 = now_ms();
		size_t n = 0;
		int rc = 0;

		json_object_object_get_ex(e, "what", &w);
		json_object_object_get_ex(e, "undo", &u);
		for (; u && n < json_object_array_length(u) && n < PLAN_ARGS_MAX - 1; n++)
			argv[n] = (char *)json_object_get_string(json_object_array_get_idx(u, n));
		argv[n] = NULL;
		if (n) {
			plan_argv_line(argv, line, sizeof(line));
			rc = run_quiet(ctx, argv, msg, sizeof(msg));
			printf("%s: undo %-32s %s (%.1f s)%s%s\n", tag, json_object_get_string(w),
			       rc ? "FAILED" : "ok", secs_since(t0), rc ? ": " : "", rc ? msg : "");
		}
		if (rc) {
			failed = 1;
			continue; /* keep it recorded: down can try again */
		}
		json_object_array_del_idx(m->list, i, 1);
		made_save(made_path, m, err, sizeof(err));
		fflush(stdout);
	}
	return failed;
}

/* What up and down share: --help, the arguments, the plan, the connection for its steps and
 * the record of what up made.  0, -1 after --help, or an exit code. */
static int plan_open(const struct vnfctl_ctx *ctx, const char *name, int argc, char **argv,
		     struct vnfctl_ctx *sub, struct plan *p, const char **file, int *dry,
		     char dir[PATH_MAX], char made_path[PATH_MAX], struct made *m)
{
	const struct vnfctl_cmd *c = cli_find(name, "");
	int rc;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			cli_usage(stdout, c);
			return -1;
		}
	if ((rc = parse_plan_args(c, argc, argv, file, dry)) || (rc = load_plan(*file, p)))
		return rc;
	*sub = *ctx;
	if (p->uri[0])
		sub->uri = p->uri;
	sub->json = 0;
	state_paths(p, dir, PATH_MAX, made_path, PATH_MAX);
	made_load(made_path, m);
	return 0;
}

int cmd_up(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	struct vnfctl_ctx sub;
	struct plan p;
	struct made m = { NULL };
	struct virt *v = NULL;
	char dir[PATH_MAX], made_path[PATH_MAX], err[VNFCTL_ERR_LEN], msg[512], line[1024];
	const char *file, *fail_at = getenv("VNFCTL_TEST_FAIL_STEP");
	size_t before;
	int dry, rc, ran = 0, skipped = 0, w = 1, vm_changed[1024] = { 0 };

	rc = plan_open(ctx, "up", argc, argv, &sub, &p, &file, &dry, dir, made_path, &m);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	before = json_object_array_length(m.list);
	if (p.n_vms && virt_open(&v, sub.uri, err, sizeof(err))) {
		rc = cli_fail("%s: %s", sub.uri, err);
		goto out;
	}
	if (!dry && write_configs(&p, dir, err, sizeof(err))) {
		rc = cli_fail("%s: %s", dir, err);
		goto out;
	}
	for (unsigned n = p.n_steps; n >= 10; n /= 10)
		w++;
	for (unsigned i = 0; i < p.n_steps; i++) {
		struct plan_step *s = &p.steps[i];
		int64_t t0 = now_ms();
		int vm = s->vm >= 0 && s->vm < 1024 ? s->vm : -1;

		fflush(stdout);
		/* once a step of a VM ran, what comes after it for that VM is not probed: a new
		 * domain needs its deploy even if an old record says the files are there */
		if (!(vm >= 0 && vm_changed[vm]) && probe(v, &m, s)) {
			printf("[%*u/%u] %-36s already done\n", w, i + 1, p.n_steps, s->what);
			skipped++;
			continue;
		}
		plan_argv_line(s->argv, line, sizeof(line));
		if (dry) {
			printf("[%*u/%u] %-36s would run: vnfctl %s\n", w, i + 1, p.n_steps,
			       s->what, line);
			if (vm >= 0)
				vm_changed[vm] = 1;
			continue;
		}
		if (fail_at && (unsigned)atoi(fail_at) == i + 1) {
			rc = -1;
			snprintf(msg, sizeof(msg), "failure injected by VNFCTL_TEST_FAIL_STEP");
		} else {
			rc = run_quiet(&sub, s->argv, msg, sizeof(msg));
		}
		printf("[%*u/%u] %-36s %s (%.1f s)%s%s\n", w, i + 1, p.n_steps, s->what,
		       rc ? "FAILED" : "ok", secs_since(t0), rc ? ": " : "", rc ? msg : "");
		if (rc) {
			size_t n = json_object_array_length(m.list) - before;
			printf("up: rolling back the %zu step%s this run made\n", n,
			       n == 1 ? "" : "s");
			fflush(stdout);
			if (undo_from(&sub, &m, before, "up", made_path))
				rc = cli_fail(
					"%s: step %u (%s) failed and rolling back failed too: "
					"run vnfctl down %s",
					file, i + 1, s->what, file);
			else
				rc = cli_fail("%s: step %u (%s) failed; the steps before it were "
					      "undone",
					      file, i + 1, s->what);
			if (!json_object_array_length(m.list))
				state_remove(&p, dir, made_path);
			goto out;
		}
		ran++;
		if (vm >= 0)
			vm_changed[vm] = 1;
		if (s->undo[0] && !made_has(&m, s->what))
			made_add(&m, s);
		if (made_save(made_path, &m, err, sizeof(err))) {
			rc = cli_fail("%s: %s", made_path, err);
			goto out;
		}
	}
	if (dry)
		printf("up (dry run): %u step%s would run, %d already done; nothing changed\n",
		       p.n_steps - skipped, p.n_steps - skipped == 1 ? "" : "s", skipped);
	else if (!ran)
		printf("up: nothing to change (%d steps already done)\n", skipped);
	else
		printf("up: %d step%s made, %d already done\n", ran, ran == 1 ? "" : "s", skipped);
out:
	json_object_put(m.list);
	virt_close(v);
	plan_free(&p);
	return rc;
}

int cmd_down(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	struct vnfctl_ctx sub;
	struct plan p;
	struct made m = { NULL };
	char dir[PATH_MAX], made_path[PATH_MAX], line[1024];
	const char *file;
	size_t n;
	int dry, rc;

	rc = plan_open(ctx, "down", argc, argv, &sub, &p, &file, &dry, dir, made_path, &m);
	if (rc)
		return rc < 0 ? EXIT_OK : rc;
	n = json_object_array_length(m.list);
	if (!n) {
		printf("down: nothing to undo (no record of vnfctl up %s)\n", file);
	} else if (dry) {
		for (size_t i = n; i-- > 0;) {
			json_object *e = json_object_array_get_idx(m.list, i), *w, *u;
			char *args[PLAN_ARGS_MAX];
			size_t k = 0;
			json_object_object_get_ex(e, "what", &w);
			json_object_object_get_ex(e, "undo", &u);
			for (; u && k < json_object_array_length(u) && k < PLAN_ARGS_MAX - 1; k++)
				args[k] = (char *)json_object_get_string(
					json_object_array_get_idx(u, k));
			args[k] = NULL;
			plan_argv_line(args, line, sizeof(line));
			printf("down (dry run): undo %-32s would run: vnfctl %s\n",
			       json_object_get_string(w), line);
		}
	} else if (undo_from(&sub, &m, 0, "down", made_path)) {
		rc = cli_fail("%s: some steps could not be undone (they stay recorded: run vnfctl "
			      "down again)",
			      file);
	} else {
		state_remove(&p, dir, made_path);
		printf("down: %zu step%s undone\n", n, n == 1 ? "" : "s");
	}
	json_object_put(m.list);
	plan_free(&p);
	return rc;
}

/* ---- status PLAN ---------------------------------------------------------------------------- */

struct vm_reading {
	struct agent a;
	struct deploy_paths p;
	json_object *prev, *cur;
	int pid, open;
	char err[256];
};

static void vm_read(struct vm_reading *r, json_object **into)
{
	if (r->open && !r->err[0] &&
	    deploy_stats(&r->a, &r->p, into, &r->pid, r->err, sizeof(r->err)))
		*into = NULL;
}

int plan_status(const struct vnfctl_ctx *ctx, const char *file, int interval_ms)
{
	struct vnfctl_ctx sub = *ctx;
	struct vm_reading *r = NULL;
	struct virt *v = NULL;
	struct plan p;
	json_object *all = NULL;
	char err[VNFCTL_ERR_LEN];
	int rc = load_plan(file, &p);

	if (rc)
		return rc;
	if (p.uri[0])
		sub.uri = p.uri;
	r = calloc(p.n_vms ? p.n_vms : 1, sizeof(*r));
	if (!r || virt_open(&v, sub.uri, err, sizeof(err))) {
		rc = cli_fail("%s: %s", sub.uri, r ? err : "out of memory");
		goto out;
	}
	for (unsigned i = 0; i < p.n_vms; i++) {
		const char *dom = plan_vm_name(&p, i);
		deploy_paths_default(&r[i].p);
		r[i].a.timeout_ms = AGENT_TIMEOUT_MS;
		if (deploy_record_load(dom, &r[i].p, r[i].err, sizeof(r[i].err)) == -ENOENT)
			snprintf(r[i].err, sizeof(r[i].err), "nothing deployed");
		else if (!r[i].err[0] &&
			 !virt_agent_open(v, dom, &r[i].a, r[i].err, sizeof(r[i].err)))
			r[i].open = 1;
		vm_read(&r[i], &r[i].prev);
	}
	sleep_ms(interval_ms);
	all = json_object_new_array();
	if (!ctx->json)
		printf("%-24s %7s %-5s %7s %12s %12s %9s %8s %s\n", "vm", "pid", "mode", "workers",
		       "rx", "tx", "drops", "rx Mpps", "conserved");
	for (unsigned i = 0; i < p.n_vms; i++) {
		const char *dom = plan_vm_name(&p, i);
		json_object *view, *total, *x;
		int workers = 0;

		vm_read(&r[i], &r[i].cur);
		if (!r[i].cur) {
			if (ctx->json) {
				view = json_object_new_object();
				json_object_object_add(view, "domain", json_object_new_string(dom));
				json_object_object_add(view, "error",
						       json_object_new_string(r[i].err));
				json_object_array_add(all, view);
			} else {
				printf("%-24s %7s %s\n", dom, "-", r[i].err);
			}
			continue;
		}
		view = status_view_json(dom, r[i].pid, r[i].prev, r[i].cur);
		json_object_object_get_ex(view, "total", &total);
		json_object_object_get_ex(view, "threads", &x);
		for (size_t k = 0; k < json_object_array_length(x); k++) {
			json_object *role;
			json_object_object_get_ex(json_object_array_get_idx(x, k), "role", &role);
			workers += !strcmp(json_object_get_string(role), "worker");
		}
		if (!ctx->json) {
			json_object *rx, *tx, *dr, *mp, *cons, *mode;
			json_object_object_get_ex(total, "rx", &rx);
			json_object_object_get_ex(total, "tx", &tx);
			json_object_object_get_ex(total, "drops", &dr);
			json_object_object_get_ex(total, "rx_mpps", &mp);
			json_object_object_get_ex(view, "conserved", &cons);
			json_object_object_get_ex(view, "mode", &mode);
			printf("%-24s %7d %-5s %7d %12s %12s %9s %8.3f %s\n", dom, r[i].pid,
			       json_object_get_string(mode), workers, json_object_get_string(rx),
			       json_object_get_string(tx), json_object_get_string(dr),
			       json_object_get_double(mp),
			       json_object_get_boolean(cons) ? "yes" : "NO");
		}
		json_object_array_add(all, view);
	}
	if (ctx->json)
		printf("%s\n", json_object_to_json_string_ext(all, JSON_C_TO_STRING_PLAIN));
out:
	for (unsigned i = 0; r && i < p.n_vms; i++) {
		if (r[i].open)
			agent_close(&r[i].a);
		json_object_put(r[i].prev);
		json_object_put(r[i].cur);
	}
	free(r);
	json_object_put(all);
	virt_close(v);
	plan_free(&p);
	return rc;
}
