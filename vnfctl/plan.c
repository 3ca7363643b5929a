/* Plan files: checked field by field with the path of each field, then turned into the vnfctl
 * commands that bring the plan up, in dependency order: netmap's pools, VALE ports, NICs, then
 * per VM its domain, its start, the dataplane's deploy and start. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../dataplane/config.h"
#include "../dataplane/rss.h"
#include "plan.h"
#include "vale_hash.h"

#define DEFAULT_AGENT_WAIT 120

struct ctx {
	char *err;
	size_t errlen;
	char path[PLAN_ERR_PATH];
};

static int fail(struct ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct ctx *x, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(x->err, x->errlen, "%s: ", x->path);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < x->errlen)
		vsnprintf(x->err + n, x->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* x->path becomes base + suffix (printf-style); returns the old length to restore. */
static size_t path_push(struct ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static size_t path_push(struct ctx *x, const char *fmt, ...)
{
	size_t old = strlen(x->path);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->path + old, sizeof(x->path) - old, fmt, ap);
	va_end(ap);
	if (old == 0 && x->path[0] == '.') /* a top-level field: "name", not ".name" */
		memmove(x->path, x->path + 1, strlen(x->path));
	return old;
}

static void path_pop(struct ctx *x, size_t old)
{
	x->path[old] = '\0';
}

/* Every member of o must be one of keys. */
static int only_keys(struct ctx *x, json_object *o, const char *const *keys)
{
	json_object_object_foreach(o, k, v)
	{
		int known = 0;
		(void)v;
		for (const char *const *q = keys; *q; q++)
			known |= !strcmp(*q, k);
		if (!known) {
			size_t old = path_push(x, ".%s", k);
			int rc = fail(x, "unknown field");
			path_pop(x, old);
			return rc;
		}
	}
	return 0;
}

static int want_object(struct ctx *x, json_object *o)
{
	return json_object_is_type(o, json_type_object) ? 0 : fail(x, "must be an object");
}

/* o.key as a string of 1..max characters from allowed (NULL: any printable), or absent (*out
 * NULL) unless required. */
static int get_string(struct ctx *x, json_object *o, const char *key, int required, size_t max,
		      const char *allowed, const char **out)
{
	json_object *v;
	size_t old = path_push(x, ".%s", key);
	int rc = 0;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v)) {
		if (required)
			rc = fail(x, "required field missing");
	} else if (!json_object_is_type(v, json_type_string)) {
		rc = fail(x, "must be a string");
	} else {
		const char *s = json_object_get_string(v);
		size_t n = strlen(s);
		if (n < 1 || n > max)
			rc = fail(x, "must be 1..%zu characters", max);
		for (size_t i = 0; !rc && i < n; i++)
			if ((allowed && !strchr(allowed, s[i]) &&
			     !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
			       (s[i] >= '0' && s[i] <= '9'))) ||
			    (unsigned char)s[i] < 0x20)
				rc = fail(x, "\"%s\": character '%c' is not allowed", s, s[i]);
		if (!rc)
			*out = s;
	}
	path_pop(x, old);
	return rc;
}

/* o.key as an integer in min..max; absent: *out = dflt (0 means "not given"). */
static int get_uint(struct ctx *x, json_object *o, const char *key, long min, long max, long dflt,
		    long *out)
{
	json_object *v;
	size_t old = path_push(x, ".%s", key);
	int rc = 0;

	*out = dflt;
	if (json_object_object_get_ex(o, key, &v)) {
		if (!json_object_is_type(v, json_type_int))
			rc = fail(x, "must be an integer");
		else if (json_object_get_int64(v) < min || json_object_get_int64(v) > max)
			rc = fail(x, "must be %ld..%ld", min, max);
		else
			*out = (long)json_object_get_int64(v);
	}
	path_pop(x, old);
	return rc;
}

static int one_of(struct ctx *x, const char *key, const char *v, const char *const *accepted)
{
	char list[128] = "";
	size_t old;
	int rc;

	if (!v)
		return 0;
	for (const char *const *a = accepted; *a; a++) {
		if (!strcmp(*a, v))
			return 0;
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			 a == accepted ? "" : ", ", *a);
	}
	old = path_push(x, ".%s", key);
	rc = fail(x, "\"%s\" is not accepted (accepted: %s)", v, list);
	path_pop(x, old);
	return rc;
}

/* ---- steps ------------------------------------------------------------------------------ */

struct builder {
	struct plan *p;
	struct plan_step *cur;
	int n_args, n_undo;
};

static int step_new(struct builder *b, int vm, enum plan_probe probe, const char *a1,
		    const char *a2)
{
	struct plan_step *s;

	if (b->p->n_steps == PLAN_STEPS_MAX)
		return -E2BIG;
	s = &b->p->steps[b->p->n_steps++];
	memset(s, 0, sizeof(*s));
	s->vm = vm;
	s->probe = probe;
	snprintf(s->probe_arg, sizeof(s->probe_arg), "%s", a1 ? a1 : "");
	snprintf(s->probe_arg2, sizeof(s->probe_arg2), "%s", a2 ? a2 : "");
	b->cur = s;
	b->n_args = b->n_undo = 0;
	return 0;
}

static int add(char **list, int *n, const char *s)
{
	if (*n >= PLAN_ARGS_MAX - 1 || !(list[*n] = strdup(s)))
		return -ENOMEM;
	(*n)++;
	return 0;
}

/* arg(b, "vale", "create", NULL): words of the step's command. */
static int arg(struct builder *b, ...)
{
	va_list ap;
	const char *s;
	int rc = 0;

	va_start(ap, b);
	while (!rc && (s = va_arg(ap, const char *)))
		rc = add(b->cur->argv, &b->n_args, s);
	va_end(ap);
	return rc;
}

static int undo(struct builder *b, ...)
{
	va_list ap;
	const char *s;
	int rc = 0;

	va_start(ap, b);
	while (!rc && (s = va_arg(ap, const char *)))
		rc = add(b->cur->undo, &b->n_undo, s);
	va_end(ap);
	return rc;
}

/* --opt VALUE when given (a number). */
static int arg_num(struct builder *b, const char *opt, long v)
{
	char num[24];

	if (!v)
		return 0;
	snprintf(num, sizeof(num), "%ld", v);
	return arg(b, opt, num, NULL);
}

static int arg_str(struct builder *b, const char *opt, const char *v)
{
	return v ? arg(b, opt, v, NULL) : 0;
}

static void step_what(struct builder *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void step_what(struct builder *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->cur->what, sizeof(b->cur->what), fmt, ap);
	va_end(ap);
}

/* ---- sections ----------------------------------------------------------------------------- */

#define NAME_CHARS  "_-."
#define PATH_CHARS  "/_-.+@:,="
#define IFACE_CHARS "_-."

static int parse_host(struct ctx *x, struct plan *p, struct builder *b, json_object *host)
{
	static const char *const keys[] = { "libvirt_uri", "netmap", NULL };
	static const char *const nm_keys[] = { "slots",	     "rings", "pipes",
					       "extra_bufs", "ports", NULL };
	json_object *nm;
	const char *uri;
	long slots, rings, pipes, extra, ports;
	size_t old = path_push(x, "host");
	int rc = want_object(x, host);

	if (!rc)
		rc = only_keys(x, host, keys);
	if (!rc)
		rc = get_string(x, host, "libvirt_uri", 0, sizeof(p->uri) - 1, PATH_CHARS "?&%~",
				&uri);
	if (!rc && uri)
		snprintf(p->uri, sizeof(p->uri), "%s", uri);
	if (!rc && json_object_object_get_ex(host, "netmap", &nm)) {
		size_t o2 = path_push(x, ".netmap");
		rc = want_object(x, nm);
		if (!rc)
			rc = only_keys(x, nm, nm_keys);
		if (!rc)
			rc = get_uint(x, nm, "slots", 1, 8176, 0, &slots) ||
			     get_uint(x, nm, "rings", 1, 256, 0, &rings) ||
			     get_uint(x, nm, "pipes", 0, 64, 0, &pipes) ||
			     get_uint(x, nm, "extra_bufs", 0, 1000000, 0, &extra) ||
			     get_uint(x, nm, "ports", 1, 1024, 0, &ports);
		if (rc)
			rc = -EINVAL;
		if (!rc) {
			char req[96];

			/* the probe computes the request's values (0: the command's default) */
			snprintf(req, sizeof(req), "%ld %ld %ld %ld %ld", slots, rings, pipes, extra,
				 ports);
			rc = step_new(b, -1, PROBE_NETMAP, req, NULL);
		}
		if (!rc) {
			step_what(b, "netmap tune");
			rc = arg(b, "netmap", "tune", NULL) || arg_num(b, "--slots", slots) ||
			     arg_num(b, "--rings", rings) || arg_num(b, "--pipes", pipes) ||
			     arg_num(b, "--extra-bufs", extra) || arg_num(b, "--ports", ports) ||
			     undo(b, "netmap", "restore", NULL);
		}
		path_pop(x, o2);
	}
	path_pop(x, old);
	return rc ? -EINVAL : 0;
}

/* switches[i].hash: vnfctl vale hash enable, after the switch's ports (netmap makes a switch
 * with its first port, and the module needs the switch). */
static int parse_switch_hash(struct ctx *x, struct builder *b, const char *sw, json_object *h,
			     size_t nports)
{
	static const char *const keys[] = { "rss_profile", "rss_key", "rings", NULL };
	const char *prof, *key;
	uint8_t k[RSS_KEY_MAX];
	size_t klen = 0, old = path_push(x, ".hash");
	char hex[2 * RSS_KEY_MAX + 1], want[256];
	long rings;
	int rc = want_object(x, h) || only_keys(x, h, keys) ||
		 get_string(x, h, "rss_profile", 0, 15, "_-", &prof) ||
		 get_string(x, h, "rss_key", 0, 3 * RSS_KEY_MAX, ":", &key) ||
		 get_uint(x, h, "rings", 0, 16, 0, &rings);

	if (!rc && prof && key)
		rc = fail(x, "rss_key and rss_profile exclude each other");
	if (!rc) {
		int r = rss_key_resolve(key, prof, k, &klen);

		if (r || (klen != 40 && klen != 52)) { /* a profile's key is always 40 */
			size_t o = path_push(x, r == -ENOENT ? ".rss_profile" : ".rss_key");

			rc = r == -ENOENT ? fail(x, "\"%s\": default, ms or mtcp", prof)
					  : fail(x, "\"%s\": 40 or 52 bytes in hex", key);
			path_pop(x, o);
		}
	}
	if (!rc && !nports)
		rc = fail(x, "needs a port in ports: netmap makes a switch with its first port");
	if (!rc) {
		vale_hash_key_hex(hex, k, klen);
		snprintf(want, sizeof(want), "%s %ld", hex, rings);
		rc = step_new(b, -1, PROBE_VALE_HASH, want, sw);
	}
	if (!rc) {
		step_what(b, "vale hash enable %s", sw);
		rc = arg(b, "vale", "hash", "enable", sw, NULL) ||
		     arg_str(b, "--rss-profile", prof) || arg_str(b, "--key", key) ||
		     arg_num(b, "--rings", rings) || undo(b, "vale", "hash", "disable", sw, NULL);
	}
	path_pop(x, old);
	return rc;
}

static int parse_switches(struct ctx *x, struct builder *b, json_object *arr)
{
	static const char *const keys[] = { "name", "ports", "hash", NULL };
	static const char *const port_keys[] = { "name", "rings", "slots", "extra_bufs", NULL };
	size_t old = path_push(x, "switches");
	int rc = json_object_is_type(arr, json_type_array) ? 0 : fail(x, "must be an array");

	for (size_t i = 0; !rc && i < json_object_array_length(arr); i++) {
		json_object *sw = json_object_array_get_idx(arr, i), *ports, *hash;
		size_t nports = 0;
		const char *name;
		size_t o1 = path_push(x, "[%zu]", i);

		rc = want_object(x, sw) || only_keys(x, sw, keys) ||
		     get_string(x, sw, "name", 1, 15, "_", &name);
		if (!rc && strncmp(name, "vale", 4)) {
			size_t o2 = path_push(x, ".name");
			rc = fail(x, "\"%s\": a VALE switch's name starts with \"vale\"", name);
			path_pop(x, o2);
		}
		if (!rc && json_object_object_get_ex(sw, "ports", &ports)) {
			size_t o2 = path_push(x, ".ports");
			if (!json_object_is_type(ports, json_type_array))
				rc = fail(x, "must be an array");
			else
				nports = json_object_array_length(ports);
			for (size_t k = 0; !rc && k < json_object_array_length(ports); k++) {
				json_object *pt = json_object_array_get_idx(ports, k);
				const char *pn;
				long rings, slots, extra;
				char spec[40];
				size_t o3 = path_push(x, "[%zu]", k);

				rc = want_object(x, pt) || only_keys(x, pt, port_keys) ||
				     get_string(x, pt, "name", 1, 15, "_", &pn) ||
				     get_uint(x, pt, "rings", 1, 16, 0, &rings) ||
				     get_uint(x, pt, "slots", 1, 4096, 0, &slots) ||
				     get_uint(x, pt, "extra_bufs", 0, 128 * 4096, 0, &extra);
				if (!rc && !strncmp(pn, "vale", 4)) {
					size_t o4 = path_push(x, ".name");
					rc = fail(x,
						  "\"%s\": a port's name must not start with "
						  "\"vale\" (that names switches)",
						  pn);
					path_pop(x, o4);
				}
				if (!rc)
					rc = step_new(b, -1, PROBE_IFACE, pn, NULL);
				if (!rc) {
					step_what(b, "vale create %s", pn);
					rc = arg(b, "vale", "create", pn, NULL) ||
					     arg_num(b, "--rings", rings) ||
					     arg_num(b, "--slots", slots) ||
					     arg_num(b, "--extra-bufs", extra) ||
					     undo(b, "vale", "delete", pn, NULL);
				}
				if (!rc) {
					snprintf(spec, sizeof(spec), "%s:%s", name, pn);
					rc = step_new(b, -1, PROBE_VALE_PORT, spec, NULL);
				}
				if (!rc) {
					step_what(b, "vale attach %s", spec);
					rc = arg(b, "vale", "attach", spec, NULL) ||
					     undo(b, "vale", "detach", spec, NULL);
				}
				path_pop(x, o3);
			}
			path_pop(x, o2);
		}
		if (!rc && json_object_object_get_ex(sw, "hash", &hash))
			rc = parse_switch_hash(x, b, name, hash, nports);
		path_pop(x, o1);
	}
	path_pop(x, old);
	return rc ? -EINVAL : 0;
}

static int parse_nics(struct ctx *x, struct builder *b, json_object *arr)
{
	static const char *const keys[] = { "iface",	"queues",      "rx_slots", "tx_slots",
					    "rss_key",	"rss_profile", "reta",	   "flow_hash",
					    "offloads", "addr",	       NULL };
	static const char *const reta[] = { "equal", NULL };
	static const char *const fh[] = { "l4", "l3", NULL };
	static const char *const off[] = { "off", "on", NULL };
	size_t old = path_push(x, "nics");
	int rc = json_object_is_type(arr, json_type_array) ? 0 : fail(x, "must be an array");

	for (size_t i = 0; !rc && i < json_object_array_length(arr); i++) {
		json_object *n = json_object_array_get_idx(arr, i);
		const char *iface, *key, *prof, *re, *f, *of, *addr;
		long q, rx, tx;
		size_t o1 = path_push(x, "[%zu]", i);

		rc = want_object(x, n) || only_keys(x, n, keys) ||
		     get_string(x, n, "iface", 1, 15, IFACE_CHARS, &iface) ||
		     get_uint(x, n, "queues", 1, 4096, 0, &q) ||
		     get_uint(x, n, "rx_slots", 1, 1 << 20, 0, &rx) ||
		     get_uint(x, n, "tx_slots", 1, 1 << 20, 0, &tx) ||
		     get_string(x, n, "rss_key", 0, 2 * 256, ":", &key) ||
		     get_string(x, n, "rss_profile", 0, 15, "_-", &prof) ||
		     get_string(x, n, "reta", 0, 15, NULL, &re) ||
		     get_string(x, n, "flow_hash", 0, 15, NULL, &f) ||
		     get_string(x, n, "offloads", 0, 15, NULL, &of) ||
		     get_string(x, n, "addr", 0, 18, "./", &addr) || one_of(x, "reta", re, reta) ||
		     one_of(x, "flow_hash", f, fh) || one_of(x, "offloads", of, off);
		if (!rc && key && prof)
			rc = fail(x, "rss_key and rss_profile exclude each other");
		if (!rc)
			rc = step_new(b, -1, PROBE_NIC, iface, NULL);
		if (!rc) {
			step_what(b, "nic setup %s", iface);
			rc = arg(b, "nic", "setup", iface, NULL) || arg_num(b, "--queues", q) ||
			     arg_num(b, "--rx-slots", rx) || arg_num(b, "--tx-slots", tx) ||
			     arg_str(b, "--rss-key", key) || arg_str(b, "--rss-profile", prof) ||
			     arg_str(b, "--reta", re) || arg_str(b, "--flow-hash", f) ||
			     arg_str(b, "--offloads", of) || arg_str(b, "--addr", addr) ||
			     undo(b, "nic", "restore", iface, NULL);
		}
		path_pop(x, o1);
	}
	path_pop(x, old);
	return rc ? -EINVAL : 0;
}

/* The vNIC an existing domain gets (vms[i].vnic). */
static int parse_vnic(struct ctx *x, struct builder *b, int vm, const char *dom, json_object *v)
{
	static const char *const keys[] = { "kind",    "id",	 "port", "tap", "bridge",
					    "network", "queues", "pci",	 "mac", NULL };
	static const char *const kinds[] = { "ptnet", "virtio", "hostdev", NULL };
	const char *kind, *id, *port, *tap, *br, *net, *pci, *mac;
	long q;
	size_t old = path_push(x, ".vnic");
	int rc = want_object(x, v) || only_keys(x, v, keys) ||
		 get_string(x, v, "kind", 1, 15, NULL, &kind) ||
		 get_string(x, v, "id", 0, 31, "_-", &id) ||
		 get_string(x, v, "port", 0, 127, ":{}_-.", &port) ||
		 get_string(x, v, "tap", 0, 15, IFACE_CHARS, &tap) ||
		 get_string(x, v, "bridge", 0, 15, IFACE_CHARS, &br) ||
		 get_string(x, v, "network", 0, 63, NAME_CHARS, &net) ||
		 get_string(x, v, "pci", 0, 15, ":.", &pci) ||
		 get_string(x, v, "mac", 0, 17, ":", &mac) ||
		 get_uint(x, v, "queues", 1, 256, 0, &q);

	if (!rc)
		rc = one_of(x, "kind", kind, kinds);
	if (!rc && !id)
		id = "vnf0";
	if (!rc && !strcmp(kind, "ptnet") && !port)
		rc = fail(x, "a ptnet vNIC needs port (vale0:vm1, netmap:eth0)");
	if (!rc && !strcmp(kind, "virtio") && !!tap + !!br + !!net != 1)
		rc = fail(x, "a virtio vNIC needs exactly one of tap, bridge, network");
	if (!rc && !strcmp(kind, "hostdev") && !pci)
		rc = fail(x, "a hostdev vNIC needs pci (DDDD:BB:SS.F)");
	if (!rc)
		rc = step_new(b, vm, PROBE_VNIC, dom, id);
	if (!rc) {
		step_what(b, "domain attach %s (%s %s)", dom, kind, id);
		rc = arg(b, "domain", "attach", dom, "--vnic", kind, "--id", id, NULL) ||
		     arg_str(b, "--port", port) || arg_str(b, "--tap", tap) ||
		     arg_str(b, "--bridge", br) || arg_str(b, "--network", net) ||
		     arg_num(b, "--queues", q) || arg_str(b, "--pci", pci) ||
		     arg_str(b, "--mac", mac) || undo(b, "domain", "detach", dom, "--id", id, NULL);
	}
	path_pop(x, old);
	return rc ? -EINVAL : 0;
}

static int parse_dataplane(struct ctx *x, json_object *dp)
{
	struct dp_config *cfg = malloc(sizeof(*cfg));
	size_t old = path_push(x, ".dataplane");
	char e[256];
	const char *text;
	int rc = want_object(x, dp);

	if (!rc && !cfg)
		rc = fail(x, "out of memory");
	if (!rc) {
		/* the dataplane's own parser: the same checks vnfdp check makes in the guest */
		text = json_object_to_json_string_ext(dp, JSON_C_TO_STRING_PLAIN);
		if (config_parse(text, strlen(text), cfg, e, sizeof(e))) {
			/* its errors are "FIELD: what", or about the object itself */
			int field = strcspn(e, ": ") < strlen(e) && e[strcspn(e, ": ")] == ':';
			snprintf(x->err, x->errlen, "%s%s%s", x->path, field ? "." : ": ", e);
			rc = -EINVAL;
		}
	}
	free(cfg);
	path_pop(x, old);
	return rc;
}

static int parse_vms(struct ctx *x, struct plan *p, struct builder *b, json_object *arr,
		     const char *state_dir)
{
	static const char *const keys[] = { "name",    "template",   "existing", "memory_mib",
					    "vcpus",   "disk",	     "kernel",	 "initrd",
					    "cmdline", "accel",	     "bridge",	 "port",
					    "vnic",    "agent_wait", "binary",	 "dataplane",
					    NULL };
	static const char *const accel[] = { "kvm", "tcg", NULL };
	size_t old = path_push(x, "vms");
	int rc = json_object_is_type(arr, json_type_array) ? 0 : fail(x, "must be an array");

	for (size_t i = 0; !rc && i < json_object_array_length(arr); i++) {
		json_object *vm = json_object_array_get_idx(arr, i), *v, *vnic = NULL, *dp = NULL;
		const char *name, *tmpl, *disk, *kernel, *initrd, *cmdline, *acc, *br, *port, *bin;
		long mem, vcpus, wait;
		int existing = 0;
		char num[24], cfgpath[512];
		size_t o1 = path_push(x, "[%zu]", i);

		rc = want_object(x, vm) || only_keys(x, vm, keys) ||
		     get_string(x, vm, "name", 1, 63, NAME_CHARS, &name) ||
		     get_string(x, vm, "template", 0, 255, PATH_CHARS, &tmpl) ||
		     get_uint(x, vm, "memory_mib", 16, 16 << 20, 0, &mem) ||
		     get_uint(x, vm, "vcpus", 1, 4096, 0, &vcpus) ||
		     get_string(x, vm, "disk", 0, 255, PATH_CHARS, &disk) ||
		     get_string(x, vm, "kernel", 0, 255, PATH_CHARS, &kernel) ||
		     get_string(x, vm, "initrd", 0, 255, PATH_CHARS, &initrd) ||
		     get_string(x, vm, "cmdline", 0, 1023, PATH_CHARS " ", &cmdline) ||
		     get_string(x, vm, "accel", 0, 15, NULL, &acc) ||
		     get_string(x, vm, "bridge", 0, 15, IFACE_CHARS, &br) ||
		     get_string(x, vm, "port", 0, 127, ":{}_-.", &port) ||
		     get_string(x, vm, "binary", 0, 255, PATH_CHARS, &bin) ||
		     get_uint(x, vm, "agent_wait", 1, 3600, DEFAULT_AGENT_WAIT, &wait) ||
		     one_of(x, "accel", acc, accel);
		if (!rc && json_object_object_get_ex(vm, "existing", &v)) {
			if (!json_object_is_type(v, json_type_boolean)) {
				size_t o2 = path_push(x, ".existing");
				rc = fail(x, "must be true or false");
				path_pop(x, o2);
			} else {
				existing = json_object_get_boolean(v);
			}
		}
		for (unsigned k = 0; !rc && k < i; k++)
			if (!strcmp(plan_vm_name(p, k), name))
				rc = fail(x, "name \"%s\": vms[%u] has it already", name, k);
		if (!rc && !existing && !tmpl)
			rc = fail(x, "either template (a new domain) or \"existing\": true");
		if (!rc && existing &&
		    (tmpl || mem || vcpus || disk || kernel || acc || br || port))
			rc = fail(x, "an existing domain takes only vnic, agent_wait, binary and "
				     "dataplane");
		json_object_object_get_ex(vm, "vnic", &vnic);
		if (!rc && vnic && !existing)
			rc = fail(x, "vnic is for existing domains (a template brings its own: set "
				     "bridge or port)");
		if (!rc && !json_object_object_get_ex(vm, "dataplane", &dp)) {
			size_t o2 = path_push(x, ".dataplane");
			rc = fail(x, "required field missing");
			path_pop(x, o2);
		}
		if (!rc)
			rc = parse_dataplane(x, dp);
		p->n_vms = (unsigned)i + (rc ? 0 : 1);
		if (!rc && !existing && !(rc = step_new(b, (int)i, PROBE_DOMAIN, name, NULL))) {
			step_what(b, "domain new %s", name);
			rc = arg(b, "domain", "new", name, "--template", tmpl, NULL) ||
			     arg_num(b, "--memory", mem) || arg_num(b, "--vcpus", vcpus) ||
			     arg_str(b, "--disk", disk) || arg_str(b, "--kernel", kernel) ||
			     arg_str(b, "--initrd", initrd) || arg_str(b, "--cmdline", cmdline) ||
			     arg_str(b, "--accel", acc) || arg_str(b, "--bridge", br) ||
			     arg_str(b, "--port", port) || undo(b, "domain", "delete", name, NULL);
		}
		if (!rc && vnic)
			rc = parse_vnic(x, b, (int)i, name, vnic);
		snprintf(num, sizeof(num), "%ld", wait);
		if (!rc && !(rc = step_new(b, (int)i, PROBE_RUNNING, name, NULL))) {
			step_what(b, "domain start %s", name);
			rc = arg(b, "domain", "start", name, "--wait-agent", num, NULL) ||
			     undo(b, "domain", "stop", name, NULL);
		}
		plan_vm_config_path(p, state_dir, (unsigned)i, cfgpath, sizeof(cfgpath));
		if (!rc && !(rc = step_new(b, (int)i, PROBE_DEPLOYED, name, NULL))) {
			step_what(b, "deploy %s", name);
			rc = arg(b, "deploy", name, "--config", cfgpath, NULL) ||
			     arg_str(b, "--binary", bin);
		}
		if (!rc && !(rc = step_new(b, (int)i, PROBE_DATAPLANE, name, NULL))) {
			step_what(b, "start %s", name);
			rc = arg(b, "start", name, NULL) || undo(b, "stop", name, NULL);
		}
		path_pop(x, o1);
	}
	path_pop(x, old);
	return rc ? -EINVAL : 0;
}

int plan_parse(const char *text, size_t len, const char *state_dir, struct plan *p, char *err,
	       size_t errlen)
{
	static const char *const keys[] = { "$schema", "name", "host", "switches",
					    "nics",    "vms",  NULL };
	struct ctx x = { err, errlen, "" };
	struct builder b = { p, NULL, 0, 0 };
	json_tokener *tok = json_tokener_new_ex(64);
	json_object *v;
	const char *name;
	int rc = 0;

	memset(p, 0, sizeof(*p));
	p->steps = calloc(PLAN_STEPS_MAX, sizeof(*p->steps));
	if (!tok || !p->steps) {
		json_tokener_free(tok);
		free(p->steps);
		p->steps = NULL;
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	p->root = json_tokener_parse_ex(tok, text, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		snprintf(err, errlen, "not valid JSON: %s",
			 json_tokener_get_error(tok) == json_tokener_continue
				 ? "the text ends inside the document"
				 : json_tokener_error_desc(json_tokener_get_error(tok)));
		rc = -EINVAL;
	} else if (!json_object_is_type(p->root, json_type_object)) {
		snprintf(err, errlen, "the plan must be a JSON object");
		rc = -EINVAL;
	}
	json_tokener_free(tok);
	if (!rc)
		rc = only_keys(&x, p->root, keys);
	if (!rc && !(rc = get_string(&x, p->root, "name", 1, sizeof(p->name) - 1, "_-.", &name)))
		snprintf(p->name, sizeof(p->name), "%s", name);
	if (!rc && json_object_object_get_ex(p->root, "host", &v))
		rc = parse_host(&x, p, &b, v);
	if (!rc && json_object_object_get_ex(p->root, "switches", &v))
		rc = parse_switches(&x, &b, v);
	if (!rc && json_object_object_get_ex(p->root, "nics", &v))
		rc = parse_nics(&x, &b, v);
	if (!rc && json_object_object_get_ex(p->root, "vms", &v))
		rc = parse_vms(&x, p, &b, v, state_dir);
	if (!rc && p->n_steps == PLAN_STEPS_MAX) {
		snprintf(err, errlen, "the plan has more than %d steps", PLAN_STEPS_MAX);
		rc = -E2BIG;
	}
	if (rc)
		plan_free(p);
	return rc;
}

void plan_free(struct plan *p)
{
	for (unsigned i = 0; p->steps && i < p->n_steps; i++)
		for (int k = 0; k < PLAN_ARGS_MAX; k++) {
			free(p->steps[i].argv[k]);
			free(p->steps[i].undo[k]);
		}
	free(p->steps);
	json_object_put(p->root);
	memset(p, 0, sizeof(*p));
}

static json_object *vm_object(const struct plan *p, unsigned i)
{
	json_object *vms;

	if (!json_object_object_get_ex(p->root, "vms", &vms))
		return NULL;
	return json_object_array_get_idx(vms, i);
}

const char *plan_vm_name(const struct plan *p, unsigned i)
{
	json_object *v;

	if (!json_object_object_get_ex(vm_object(p, i), "name", &v))
		return "";
	return json_object_get_string(v);
}

char *plan_vm_dataplane(const struct plan *p, unsigned i)
{
	json_object *v;

	if (!json_object_object_get_ex(vm_object(p, i), "dataplane", &v))
		return NULL;
	return strdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PRETTY |
								JSON_C_TO_STRING_NOSLASHESCAPE));
}

void plan_vm_config_path(const struct plan *p, const char *state_dir, unsigned i, char *out,
			 size_t len)
{
	snprintf(out, len, "%s/plan-%s/%s.dp.json", state_dir, p->name[0] ? p->name : "plan",
		 plan_vm_name(p, i));
}

void plan_argv_line(char *const *argv, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	for (int i = 0; argv[i] && n < len; i++) {
		int quote = strpbrk(argv[i], " \t'\"") != NULL;
		n += (size_t)snprintf(out + n, len - n, quote ? "%s'%s'" : "%s%s", i ? " " : "",
				      argv[i]);
	}
}
