/* vnfctl domain attach | detach | show | rewrite | restore. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli.h"
#include "domxml.h"
#include "files.h"
#include "virt.h"

#define STATE_DIR_DEFAULT "/var/lib/vnfctl/domains"

struct domain_edit_opts {
	int detach;
	struct domxml_attach_opts attach;
	const char *id; /* detach: NULL with all */
	int all, dry_run;
};

static const struct vnfctl_cmd *cmd_of(const char *verb)
{
	return cli_find("domain", verb);
}

static int copy_opt(const struct vnfctl_cmd *c, const char *opt, const char *val, char *dst,
		    size_t len)
{
	if (strlen(val) >= len)
		return cli_usage_fail(c, "%s \"%s\": at most %zu characters", opt, val, len - 1);
	snprintf(dst, len, "%s", val);
	return 0;
}

/* Parses attach or detach options from argv[optind...]; positional args are left at
 * argv[optind] for the caller.  with_dry_run: whether --dry-run is accepted. */
static int parse_edit(const struct vnfctl_cmd *c, int detach, int argc, char **argv,
		      int with_dry_run, struct domain_edit_opts *o)
{
	static const struct option lo[] = {
		{ "vnic", required_argument, 0, 'k' },
		{ "port", required_argument, 0, 'p' },
		{ "mac", required_argument, 0, 'm' },
		{ "id", required_argument, 0, 'i' },
		{ "emulator", required_argument, 0, 'e' },
		{ "machine", required_argument, 0, 'M' },
		{ "cpu-model", required_argument, 0, 'c' },
		{ "tap", required_argument, 0, 't' },
		{ "bridge", required_argument, 0, 'b' },
		{ "network", required_argument, 0, 'n' },
		{ "queues", required_argument, 0, 'q' },
		{ "pci", required_argument, 0, 'P' },
		{ "all", no_argument, 0, 'a' },
		{ "dry-run", no_argument, 0, 'd' },
		{ 0, 0, 0, 0 },
	};
	struct domxml_vnic_spec *v = &o->attach.vnic;
	int ch, have_kind = 0, sources = 0, rc = 0;
	char *end;

	memset(o, 0, sizeof(*o));
	o->detach = detach;
	opterr = 0;
	while (!rc && (ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		const char *name = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
		int attach_only = strchr("kpmeMctbnqP", ch) != NULL;
		if (ch == '?' || ch == ':')
			return cli_usage_fail(c, "unknown option or missing value: \"%s\"", name);
		if (detach && attach_only)
			return cli_usage_fail(c, "%s belongs to attach, not detach", name);
		if (!detach && ch == 'a')
			return cli_usage_fail(c, "--all belongs to detach");
		if (!with_dry_run && ch == 'd')
			return cli_usage_fail(c, "--dry-run does not apply here: rewrite never "
						 "changes a domain");
		switch (ch) {
		case 'k':
			have_kind = 1;
			if (!strcmp(optarg, "ptnet"))
				v->kind = DOMXML_VNIC_PTNET;
			else if (!strcmp(optarg, "virtio"))
				v->kind = DOMXML_VNIC_VIRTIO;
			else if (!strcmp(optarg, "hostdev"))
				v->kind = DOMXML_VNIC_HOSTDEV;
			else
				return cli_usage_fail(c,
						      "--vnic \"%s\": not a vNIC kind (accepted: "
						      "ptnet, virtio, hostdev)",
						      optarg);
			break;
		case 'p':
			rc = copy_opt(c, "--port", optarg, v->port, sizeof(v->port));
			break;
		case 'm':
			rc = copy_opt(c, "--mac", optarg, v->mac, sizeof(v->mac));
			break;
		case 'i':
			if (detach)
				o->id = optarg;
			else
				rc = copy_opt(c, "--id", optarg, v->id, sizeof(v->id));
			break;
		case 'e':
			o->attach.emulator = optarg;
			break;
		case 'M':
			o->attach.machine = optarg;
			break;
		case 'c':
			o->attach.cpu_model = optarg;
			break;
		case 't':
		case 'b':
		case 'n':
			sources++;
			v->source = ch == 't'	? DOMXML_SRC_TAP
				    : ch == 'b' ? DOMXML_SRC_BRIDGE
						: DOMXML_SRC_NETWORK;
			rc = copy_opt(c, name, optarg, v->source_name, sizeof(v->source_name));
			break;
		case 'q':
			v->queues = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !*optarg || optarg[0] == '-' || v->queues < 1 ||
			    v->queues > 256)
				return cli_usage_fail(c, "--queues \"%s\": not a number in 1..256",
						      optarg);
			break;
		case 'P':
			rc = copy_opt(c, "--pci", optarg, v->pci, sizeof(v->pci));
			break;
		case 'a':
			o->all = 1;
			break;
		case 'd':
			o->dry_run = 1;
			break;
		}
	}
	if (rc)
		return rc;
	if (detach) {
		if (!!o->id == !!o->all)
			return cli_usage_fail(c, "give exactly one of --id ID and --all");
		return 0;
	}
	if (!have_kind)
		return cli_usage_fail(c, "--vnic is required (ptnet, virtio or hostdev)");
	if (v->kind == DOMXML_VNIC_PTNET && !v->port[0])
		return cli_usage_fail(c, "--vnic ptnet needs --port (e.g. vale0:vm1)");
	if (v->kind == DOMXML_VNIC_VIRTIO && sources != 1)
		return cli_usage_fail(c, "--vnic virtio needs one of --tap, --bridge, --network");
	if (v->kind != DOMXML_VNIC_VIRTIO && (sources || v->queues))
		return cli_usage_fail(c, "--tap, --bridge, --network and --queues go with --vnic "
					 "virtio");
	if (v->kind == DOMXML_VNIC_HOSTDEV && !v->pci[0])
		return cli_usage_fail(c, "--vnic hostdev needs --pci DDDD:BB:SS.F");
	if (v->kind != DOMXML_VNIC_HOSTDEV && v->pci[0])
		return cli_usage_fail(c, "--pci goes with --vnic hostdev");
	if (v->kind != DOMXML_VNIC_PTNET && v->port[0])
		return cli_usage_fail(c, "--port goes with --vnic ptnet");
	return 0;
}

/* Applies the edit to xml; *out is the new text (xmlFree).  With before, *before is xml
 * written out the same way without the edit, so the two compare and diff line by line (libvirt
 * writes attributes in single quotes, libxml2 in double).  0 or -errno with err. */
static int edit_apply(const struct domain_edit_opts *o, const char *xml, size_t len, char **out,
		      char **before, char *err, size_t errlen)
{
	xmlDocPtr doc = domxml_parse(xml, len, err, errlen);
	int ret;

	*out = NULL;
	if (!doc)
		return -EINVAL;
	if (before && !(*before = domxml_dump(doc, NULL))) {
		xmlFreeDoc(doc);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ret = o->detach ? domxml_detach(doc, o->all ? NULL : o->id, err, errlen)
			: domxml_attach(doc, &o->attach, err, errlen);
	if (!ret && !(*out = domxml_dump(doc, NULL))) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
	}
	xmlFreeDoc(doc);
	if (ret && before) {
		xmlFree(*before);
		*before = NULL;
	}
	return ret;
}

/* Prints a unified diff of before and after, labelled with name, using diff(1). */
static int print_diff(const char *name, const char *before, const char *after)
{
	char a[] = "/tmp/vnfctl-a-XXXXXX", b[] = "/tmp/vnfctl-b-XXXXXX", la[300], lb[300];
	int fa = mkstemp(a), fb = mkstemp(b), st = -1;
	pid_t pid;

	if (fa < 0 || fb < 0 || write(fa, before, strlen(before)) < 0 ||
	    write(fb, after, strlen(after)) < 0)
		goto out;
	snprintf(la, sizeof(la), "%s (now)", name);
	snprintf(lb, sizeof(lb), "%s (after)", name);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execlp("diff", "diff", "-u", "--label", la, "--label", lb, a, b, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &st, 0);
out:
	if (fa >= 0)
		close(fa), unlink(a);
	if (fb >= 0)
		close(fb), unlink(b);
	return WIFEXITED(st) && WEXITSTATUS(st) <= 1 ? 0 : -1;
}

static json_object *vnic_json(const struct domxml_vnic_spec *v)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_string(v->id));
	json_object_object_add(o, "kind", json_object_new_string(domxml_vnic_name(v->kind)));
	json_object_object_add(o, "mac", json_object_new_string(v->mac));
	if (v->kind == DOMXML_VNIC_PTNET)
		json_object_object_add(o, "port", json_object_new_string(v->port));
	if (v->kind == DOMXML_VNIC_VIRTIO) {
		json_object_object_add(o, domxml_source_name(v->source),
				       json_object_new_string(v->source_name));
		json_object_object_add(o, "queues", json_object_new_int((int)v->queues));
	}
	if (v->kind == DOMXML_VNIC_HOSTDEV)
		json_object_object_add(o, "pci", json_object_new_string(v->pci));
	return o;
}

static void vnic_line(FILE *f, const struct domxml_vnic_spec *v)
{
	fprintf(f, "%-8s %-8s %s  ", v->id, domxml_vnic_name(v->kind), v->mac);
	if (v->kind == DOMXML_VNIC_PTNET)
		fprintf(f, "port %s\n", v->port);
	else if (v->kind == DOMXML_VNIC_VIRTIO)
		fprintf(f, "%s %s, %u queue%s\n", domxml_source_name(v->source), v->source_name,
			v->queues ? v->queues : 1, v->queues > 1 ? "s" : "");
	else
		fprintf(f, "pci %s\n", v->pci);
}

/* Lists the vNICs of xml on stdout. */
static int show_xml(const struct vnfctl_ctx *ctx, const char *object, const char *xml, size_t len)
{
	struct domxml_vnic_spec v[DOMXML_VNICS_MAX];
	char err[VNFCTL_ERR_LEN];
	xmlDocPtr doc = domxml_parse(xml, len, err, sizeof(err));
	int n;

	if (!doc)
		return cli_fail("%s: show: %s", object, err);
	n = domxml_list(doc, v, DOMXML_VNICS_MAX, err, sizeof(err));
	xmlFreeDoc(doc);
	if (n < 0)
		return cli_fail("%s: show: %s", object, err);
	if (n > DOMXML_VNICS_MAX)
		n = DOMXML_VNICS_MAX;
	if (ctx->json) {
		json_object *arr = json_object_new_array();
		for (int i = 0; i < n; i++)
			json_object_array_add(arr, vnic_json(&v[i]));
		printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN));
		json_object_put(arr);
	} else {
		for (int i = 0; i < n; i++)
			vnic_line(stdout, &v[i]);
	}
	return EXIT_OK;
}

/* ---- rewrite: offline ------------------------------------------------------------------ */

int cmd_domain_rewrite(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	const struct vnfctl_cmd *c = cmd_of("rewrite");
	const char *in = NULL, *out = NULL, *sub;
	struct domain_edit_opts o;
	char err[VNFCTL_ERR_LEN], *xml = NULL, *res = NULL;
	size_t len = 0;
	int i = 1, rc;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--in") && i + 1 < argc)
			in = argv[++i];
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else
			return cli_usage_fail(c, "unknown option or missing value: \"%s\"",
					      argv[i]);
	}
	if (!in)
		return cli_usage_fail(c, "--in FILE is required");
	if (i >= argc)
		return cli_usage_fail(c, "attach, detach or show is required after the options");
	sub = argv[i];
	if (strcmp(sub, "attach") && strcmp(sub, "detach") && strcmp(sub, "show"))
		return cli_usage_fail(c, "\"%s\": not attach, detach or show", sub);
	if (strcmp(sub, "show")) {
		optind = 1;
		rc = parse_edit(c, !strcmp(sub, "detach"), argc - i, argv + i, 0, &o);
		if (rc)
			return rc;
		if (optind < argc - i)
			return cli_usage_fail(c, "unexpected argument \"%s\"", argv[i + optind]);
	} else if (i + 1 < argc) {
		return cli_usage_fail(c, "show takes no arguments");
	}
	if (file_read_all(in, &xml, &len, err, sizeof(err)))
		return cli_fail("%s: %s", in, err);
	if (!strcmp(sub, "show")) {
		rc = show_xml(ctx, in, xml, len);
		free(xml);
		return rc;
	}
	rc = edit_apply(&o, xml, len, &res, NULL, err, sizeof(err));
	free(xml);
	if (rc)
		return cli_fail("%s: %s: %s", in, sub, err);
	if (out)
		rc = file_write_atomic(out, res, strlen(res), 0644, err, sizeof(err));
	else
		rc = fputs(res, stdout) < 0 || fflush(stdout) ? -EIO : 0;
	xmlFree(res);
	if (rc)
		return cli_fail("%s: %s", out ? out : "standard output",
				out ? err : "cannot write");
	return EXIT_OK;
}

/* ---- live: through libvirt ------------------------------------------------------------- */

/* Keeps xml as the domain's original, the first time only (0600: it holds secrets). */
static int backup_keep(const char *uuid, const char *xml, char *path, size_t plen, char *err,
		       size_t errlen)
{
	const char *dir = state_dir(STATE_DIR_DEFAULT);
	struct stat st;
	int ret;

	snprintf(path, plen, "%s/%s.xml", dir, uuid);
	if (stat(path, &st) == 0)
		return 0;
	ret = state_mkdir(dir, err, errlen);
	return ret ? ret : file_write_atomic(path, xml, strlen(xml), 0600, err, errlen);
}

/* Test hook: a command run between computing the change and defining it, to prove that a
 * concurrent edit is caught. */
static void test_hook(void)
{
	const char *cmd = getenv("VNFCTL_TEST_BEFORE_DEFINE");
	if (cmd && *cmd && system(cmd) != 0)
		fprintf(stderr, "vnfctl: test hook failed: %s\n", cmd);
}

/* A diff of two definitions with their secrets left out (both hold them). */
static int diff_public(const char *name, const char *a, const char *b)
{
	char err[VNFCTL_ERR_LEN], *pa = NULL, *pb = NULL;
	xmlDocPtr da = domxml_parse(a, strlen(a), err, sizeof(err));
	xmlDocPtr db = da ? domxml_parse(b, strlen(b), err, sizeof(err)) : NULL;
	int rc;

	if (!db)
		rc = cli_fail("%s: %s", name, err);
	else if (!(pa = domxml_dump_public(da)) || !(pb = domxml_dump_public(db)))
		rc = cli_fail("%s: out of memory", name);
	else
		rc = print_diff(name, pa, pb) ? cli_fail("%s: cannot run diff", name) : EXIT_OK;
	xmlFree(pa);
	xmlFree(pb);
	xmlFreeDoc(da);
	xmlFreeDoc(db);
	return rc;
}

/* --dry-run: the same edit on the definition without its secrets (graphics passwords and
 * the like must not reach a terminal or a log through the diff's context lines). */
static int dry_run_diff(struct virt *vt, const char *name, const struct domain_edit_opts *o)
{
	char err[VNFCTL_ERR_LEN], uuid[37], *pub = NULL, *before = NULL, *after = NULL;
	int rc;

	if (virt_domain_xml(vt, name, 0, &pub, uuid, err, sizeof(err)))
		rc = cli_fail("%s: %s", name, err);
	else if (edit_apply(o, pub, strlen(pub), &after, &before, err, sizeof(err)))
		rc = cli_fail("%s: %s: %s", name, o->detach ? "detach" : "attach", err);
	else
		rc = print_diff(name, before, after) ? cli_fail("%s: cannot run diff", name)
						     : EXIT_OK;
	free(pub);
	xmlFree(before);
	xmlFree(after);
	return rc;
}

/* Reads the domain, applies the edit, shows or defines it, checks the result. */
static int live_edit(const struct vnfctl_ctx *ctx, const char *name,
		     const struct domain_edit_opts *o)
{
	char err[VNFCTL_ERR_LEN], uuid[37], backup[PATH_MAX];
	char *xml = NULL, *res = NULL, *back = NULL, *norm = NULL;
	const char *what = o->detach ? "detach" : "attach";
	struct domxml_vnic_spec v[DOMXML_VNICS_MAX];
	struct virt *vt = NULL;
	int rc = EXIT_FAIL, n;

	if (virt_open(&vt, ctx->uri, err, sizeof(err))) {
		cli_fail("%s: %s", ctx->uri, err);
		goto out;
	}
	if (virt_domain_xml(vt, name, 1, &xml, uuid, err, sizeof(err))) {
		cli_fail("%s: %s", name, err);
		goto out;
	}
	if (edit_apply(o, xml, strlen(xml), &res, &norm, err, sizeof(err))) {
		cli_fail("%s: %s: %s", name, what, err);
		goto out;
	}
	if (strcmp(norm, res) == 0) {
		printf("%s: unchanged\n", name);
		rc = EXIT_OK;
		goto out;
	}
	if (o->dry_run) {
		rc = dry_run_diff(vt, name, o);
		goto out;
	}
	if (backup_keep(uuid, xml, backup, sizeof(backup), err, sizeof(err))) {
		cli_fail("%s: %s: nothing changed", name, err);
		goto out;
	}
	test_hook();
	if (virt_domain_define(vt, name, xml, res, &back, err, sizeof(err))) {
		cli_fail("%s: %s: %s", name, what, err);
		goto out;
	}
	/* read back: the change must be what libvirt now holds */
	{
		xmlDocPtr d = domxml_parse(back, strlen(back), err, sizeof(err));
		n = d ? domxml_list(d, v, DOMXML_VNICS_MAX, err, sizeof(err)) : -EINVAL;
		xmlFreeDoc(d);
	}
	if (n < 0) {
		cli_fail("%s: %s: the definition libvirt holds now is not readable: %s", name, what,
			 err);
		goto out;
	}
	if (o->detach) {
		for (int i = 0; i < n && i < DOMXML_VNICS_MAX; i++)
			if (o->all || !strcmp(v[i].id, o->id)) {
				cli_fail("%s: detach: libvirt still holds vNIC %s", name, v[i].id);
				goto out;
			}
		printf("%s: detached %s\n", name, o->all ? "every vNIC" : o->id);
	} else {
		const struct domxml_vnic_spec *got = NULL;
		for (int i = 0; i < n && i < DOMXML_VNICS_MAX; i++)
			if ((!o->attach.vnic.id[0] || !strcmp(v[i].id, o->attach.vnic.id)) &&
			    v[i].kind == o->attach.vnic.kind)
				got = &v[i];
		if (!got) {
			cli_fail("%s: attach: libvirt dropped the change (its definition has no "
				 "record of the vNIC)",
				 name);
			goto out;
		}
		if (ctx->json) {
			json_object *j = vnic_json(got);
			printf("%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
			json_object_put(j);
		} else {
			printf("%s: attached ", name);
			vnic_line(stdout, got);
		}
	}
	rc = EXIT_OK;
out:
	free(xml);
	xmlFree(res);
	xmlFree(norm);
	free(back);
	virt_close(vt);
	return rc;
}

static int live_cmd(const struct vnfctl_ctx *ctx, const char *verb, int argc, char **argv)
{
	const struct vnfctl_cmd *c = cmd_of(verb);
	struct domain_edit_opts o;
	int rc;

	optind = 1;
	rc = parse_edit(c, !strcmp(verb, "detach"), argc, argv, 1, &o);
	if (rc)
		return rc;
	if (optind != argc - 1)
		return cli_usage_fail(c,
				      optind >= argc ? "DOMAIN is required"
						     : "one DOMAIN only (got \"%s\" too)",
				      optind + 1 < argc ? argv[optind + 1] : "");
	return live_edit(ctx, argv[optind], &o);
}

int cmd_domain_attach(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	return live_cmd(ctx, "attach", argc, argv);
}

int cmd_domain_detach(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	return live_cmd(ctx, "detach", argc, argv);
}

int cmd_domain_show(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	const struct vnfctl_cmd *c = cmd_of("show");
	char err[VNFCTL_ERR_LEN], uuid[37], *xml = NULL;
	struct virt *vt = NULL;
	int rc = EXIT_FAIL;

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage_fail(c, "exactly one DOMAIN is required");
	if (virt_open(&vt, ctx->uri, err, sizeof(err)))
		rc = cli_fail("%s: %s", ctx->uri, err);
	else if (virt_domain_xml(vt, argv[1], 0, &xml, uuid, err, sizeof(err)))
		rc = cli_fail("%s: %s", argv[1], err);
	else
		rc = show_xml(ctx, argv[1], xml, strlen(xml));
	free(xml);
	virt_close(vt);
	return rc;
}

int cmd_domain_restore(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	const struct vnfctl_cmd *c = cmd_of("restore");
	char err[VNFCTL_ERR_LEN], uuid[37], path[PATH_MAX], *xml = NULL, *orig = NULL, *back = NULL;
	const char *name;
	struct virt *vt = NULL;
	size_t len;
	int rc = EXIT_FAIL, dry = 0, i = 1;

	name = NULL;
	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--dry-run"))
			dry = 1;
		else if (argv[i][0] == '-')
			return cli_usage_fail(c, "unknown option \"%s\"", argv[i]);
		else if (name)
			return cli_usage_fail(c, "exactly one DOMAIN is required");
		else
			name = argv[i];
	}
	if (!name)
		return cli_usage_fail(c, "exactly one DOMAIN is required");
	if (virt_open(&vt, ctx->uri, err, sizeof(err))) {
		rc = cli_fail("%s: %s", ctx->uri, err);
		goto out;
	}
	if (virt_domain_xml(vt, name, 1, &xml, uuid, err, sizeof(err))) {
		rc = cli_fail("%s: %s", name, err);
		goto out;
	}
	snprintf(path, sizeof(path), "%s/%s.xml", state_dir(STATE_DIR_DEFAULT), uuid);
	if (file_read_all(path, &orig, &len, err, sizeof(err))) {
		rc = cli_fail("%s: restore: no original kept (%s: %s)", name, path, err);
		goto out;
	}
	if (strcmp(orig, xml) == 0) {
		printf("%s: unchanged\n", name);
		rc = EXIT_OK;
	} else if (dry) {
		rc = diff_public(name, xml, orig);
	} else if (test_hook(), virt_domain_define(vt, name, xml, orig, &back, err, sizeof(err))) {
		rc = cli_fail("%s: restore: %s", name, err);
	} else {
		printf("%s: restored the definition kept in %s\n", name, path);
		rc = EXIT_OK;
	}
out:
	free(xml);
	free(orig);
	free(back);
	virt_close(vt);
	return rc;
}

/* ---- new: a domain from a template ------------------------------------------------------ */

/* A template given by name is templates/domain-NAME.xml: in $VNFCTL_TEMPLATE_DIR, the
 * installed share directory, or the source tree beside the binary. */
static int template_path(const char *t, char *path, size_t len)
{
	char exe[PATH_MAX], *slash;
	const char *dirs[3] = { getenv("VNFCTL_TEMPLATE_DIR"), "/usr/share/vnfctl/templates",
				NULL };
	ssize_t n;

	if (strchr(t, '/') || strstr(t, ".xml")) {
		snprintf(path, len, "%s", t);
		return access(path, R_OK) == 0 ? 0 : -errno;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 32);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			strcpy(slash, "/../templates");
			dirs[2] = exe;
		}
	}
	for (int i = 0; i < 3; i++) {
		if (!dirs[i] || !*dirs[i])
			continue;
		char cand[PATH_MAX];
		if (snprintf(cand, sizeof(cand), "%s/domain-%s.xml", dirs[i], t) <
			    (int)sizeof(cand) &&
		    access(cand, R_OK) == 0 && realpath(cand, exe))
			return snprintf(path, len, "%s", exe) < (int)len ? 0 : -ENAMETOOLONG;
	}
	return -ENOENT;
}

static int parse_uint_opt(const struct vnfctl_cmd *c, const char *opt, const char *v, unsigned lo,
			  unsigned hi, unsigned *out)
{
	char *end;
	unsigned long x = strtoul(v, &end, 10);

	if (!*v || *end || v[0] == '-' || x < lo || x > hi)
		return cli_usage_fail(c, "%s \"%s\": not a number in %u..%u", opt, v, lo, hi);
	*out = (unsigned)x;
	return 0;
}

int cmd_domain_new(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "template", required_argument, 0, 't' }, { "memory", required_argument, 0, 'm' },
		{ "vcpus", required_argument, 0, 'v' },	   { "disk", required_argument, 0, 'd' },
		{ "kernel", required_argument, 0, 'k' },   { "initrd", required_argument, 0, 'i' },
		{ "cmdline", required_argument, 0, 'c' },  { "port", required_argument, 0, 'p' },
		{ "dry-run", no_argument, 0, 'n' },	   { "accel", required_argument, 0, 'a' },
		{ "bridge", required_argument, 0, 'b' },   { 0, 0, 0, 0 },
	};
	const struct vnfctl_cmd *c = cmd_of("new");
	struct domxml_new_opts o = { 0 };
	const char *tmpl = NULL;
	char err[VNFCTL_ERR_LEN], path[PATH_MAX], *xml = NULL, *res = NULL;
	struct virt *vt = NULL;
	xmlDocPtr doc = NULL;
	size_t len;
	int ch, dry = 0, rc = 0;

	optind = 1;
	opterr = 0;
	while (!rc && (ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 't':
			tmpl = optarg;
			break;
		case 'm':
			rc = parse_uint_opt(c, "--memory", optarg, 16, 16u << 20, &o.memory_mib);
			break;
		case 'v':
			rc = parse_uint_opt(c, "--vcpus", optarg, 1, 4096, &o.vcpus);
			break;
		case 'd':
			o.disk = optarg;
			break;
		case 'k':
			o.kernel = optarg;
			break;
		case 'i':
			o.initrd = optarg;
			break;
		case 'c':
			o.cmdline = optarg;
			break;
		case 'p':
			o.port = optarg;
			break;
		case 'n':
			dry = 1;
			break;
		case 'a':
			if (strcmp(optarg, "kvm") && strcmp(optarg, "tcg"))
				return cli_usage_fail(c, "--accel \"%s\": accepted: kvm, tcg", optarg);
			o.accel = optarg;
			break;
		case 'b':
			if (!*optarg || strlen(optarg) >= 16 || strchr(optarg, '/'))
				return cli_usage_fail(c, "--bridge \"%s\": not an interface name",
						      optarg);
			o.bridge = optarg;
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
	if (!tmpl)
		return cli_usage_fail(c, "--template is required (ptnet-vale, ptnet-nic, virtio or "
					 "a file)");
	o.name = argv[optind];
	if (template_path(tmpl, path, sizeof(path)))
		return cli_fail("template \"%s\": not found (a name: domain-%s.xml in "
				"$VNFCTL_TEMPLATE_DIR, /usr/share/vnfctl/templates or the source "
				"tree; or a path)",
				tmpl, tmpl);
	if (file_read_all(path, &xml, &len, err, sizeof(err)))
		return cli_fail("%s: %s", path, err);
	doc = domxml_parse(xml, len, err, sizeof(err));
	if (!doc) {
		rc = cli_fail("%s: %s", path, err);
		goto out;
	}
	if (domxml_instantiate(doc, &o, err, sizeof(err))) {
		rc = cli_fail("%s: new: %s", o.name, err);
		goto out;
	}
	res = domxml_dump(doc, NULL);
	if (!res) {
		rc = cli_fail("%s: out of memory", o.name);
		goto out;
	}
	if (dry) {
		fputs(res, stdout);
		goto out;
	}
	if (virt_open(&vt, ctx->uri, err, sizeof(err)))
		rc = cli_fail("%s: %s", ctx->uri, err);
	else if (virt_domain_define_new(vt, o.name, res, err, sizeof(err)))
		rc = cli_fail("%s: new: %s", o.name, err);
	else
		printf("%s: defined from %s\n", o.name, path);
out:
	xmlFree(res);
	xmlFreeDoc(doc);
	free(xml);
	virt_close(vt);
	return rc;
}
