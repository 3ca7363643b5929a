/* vnfdp's configuration file: JSON text (json-c) to struct dp_config, and back.
 *
 * Members are read in schema order, not document order: the first error reported then does not
 * depend on how the user ordered keys, and a cross-field check (cpus.workers against workers,
 * io_cores against mode, rss.reta_size against workers) can rely on the field it depends on
 * having been read already.  Every message names the full field path, because the operator
 * reads it next to a file, not next to this code. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include "common.h"
#include "config.h"

#define CFG_PATH_LEN 48 /* longest path: "app.routes[4095].dst" */
#define CFG_REPR_LEN 72 /* user values quoted in messages are cut to fit this */
#define CFG_LIST_LEN 192
#define CFG_FILE_MAX (1 << 20) /* far above any sane config (256 ARP entries fit in 20 KiB) */
/* RETA size when an explicit key replaces a profile: the size most NICs and `ethtool -X` use,
 * and the one mTCP's (hash & 0x7f) assumes. */
#define CFG_RETA_DEFAULT 128
/* JSON numbers are doubles to most tools; larger packet counts would not survive them. */
#define CFG_PACKETS_MAX	 (1ULL << 53)
#define CFG_KEY_ACCEPTED "40 or 52 bytes as hex digits, optionally ':' between bytes"
#define CFG_MAC_ACCEPTED "a unicast, non-zero MAC address like 02:00:00:00:00:01"

static const char *const mode_names[] = {
	[DP_MODE_SW] = "sw",
	[DP_MODE_VALE] = "vale",
	[DP_MODE_NIC] = "nic",
};

static const char *const backend_names[] = {
	[DP_BACKEND_MEM] = "mem",
	[DP_BACKEND_AFPACKET] = "afpacket",
	[DP_BACKEND_AFXDP] = "afxdp",
	[DP_BACKEND_NETMAP] = "netmap",
};

static const char *const xdp_attach_names[] = {
	[DP_XDP_ATTACH_AUTO] = "auto",
	[DP_XDP_ATTACH_NATIVE] = "native",
	[DP_XDP_ATTACH_SKB] = "skb",
};

static const char *const xdp_bind_names[] = {
	[DP_XDP_BIND_AUTO] = "auto",
	[DP_XDP_BIND_COPY] = "copy",
	[DP_XDP_BIND_ZEROCOPY] = "zerocopy",
};

static const char *const fanout_names[] = {
	[DP_FANOUT_HASH] = "hash",
	[DP_FANOUT_QM] = "qm",
};

static const char *const rss_setup_names[] = {
	[DP_RSS_SETUP_AUTO] = "auto",
	[DP_RSS_SETUP_REQUIRE] = "require",
	[DP_RSS_SETUP_OFF] = "off",
};

/* Built-in applications, the one list "app.name" accepts.  An app that grows its own settings
 * adds its keys to app_keys and a parser for them here. */
static const char *const app_names[] = {
	"echo",
	"sink",
	"udp-echo",
	"router",
};

static const char *const top_keys[] = {
	"mode", "port", "workers", "io_cores", "cpus", "burst", "rings",
	"rss",	"mac",	"addrs",   "arp",      "app",  "stats",
};
static const char *const port_keys[] = { "backend", "iface",    "rx_slots", "tx_slots",
					 "mem",	    "afxdp",    "afpacket", "rss_setup" };
static const char *const afxdp_keys[] = { "attach", "bind", "queue" };
static const char *const afpacket_keys[] = { "fanout" };
static const char *const mem_keys[] = { "packets", "flows", "size", "rate" };
static const char *const cpus_keys[] = { "io", "workers" };
static const char *const burst_keys[] = { "rx", "tx" };
static const char *const rings_keys[] = { "worker", "overflow" };
static const char *const rss_keys[] = { "profile", "key", "reta_size" };
static const char *const arp_keys[] = { "ip", "mac" };
static const char *const app_keys[] = { "name", "port", "routes", "icmp_rate" };
static const char *const route_keys[] = { "dst", "via" };
static const char *const stats_keys[] = { "socket", "flows" };

struct cfg_ctx {
	struct dp_config *c;
	char *err;
	size_t errlen;
};

static const char *cfg_enum_name(const char *const *names, size_t n, unsigned v)
{
	return v < n ? names[v] : NULL;
}

const char *config_mode_name(enum dp_mode m)
{
	return cfg_enum_name(mode_names, ARRAY_SIZE(mode_names), (unsigned)m);
}

const char *config_backend_name(enum dp_backend b)
{
	return cfg_enum_name(backend_names, ARRAY_SIZE(backend_names), (unsigned)b);
}

const char *config_xdp_attach_name(enum dp_xdp_attach a)
{
	return cfg_enum_name(xdp_attach_names, ARRAY_SIZE(xdp_attach_names), (unsigned)a);
}

const char *config_xdp_bind_name(enum dp_xdp_bind b)
{
	return cfg_enum_name(xdp_bind_names, ARRAY_SIZE(xdp_bind_names), (unsigned)b);
}

const char *config_fanout_name(enum dp_fanout f)
{
	return cfg_enum_name(fanout_names, ARRAY_SIZE(fanout_names), (unsigned)f);
}

const char *config_rss_setup_name(enum dp_rss_setup r)
{
	return cfg_enum_name(rss_setup_names, ARRAY_SIZE(rss_setup_names), (unsigned)r);
}

static void cfg_set_profile(struct dp_config *c, const struct rss_profile *p)
{
	memset(c->rss.key, 0, sizeof(c->rss.key));
	memcpy(c->rss.key, p->key, p->key_len);
	c->rss.key_len = p->key_len;
	snprintf(c->rss.profile, sizeof(c->rss.profile), "%s", p->name);
	c->rss.reta_size = p->reta_size;
}

void config_set_defaults(struct dp_config *c)
{
	const struct rss_profile *p = rss_profile_find("default");

	/* Zeroing first keeps unused array slots and padding identical between two configs with
	 * the same settings, so they compare equal with memcmp. */
	memset(c, 0, sizeof(*c));
	c->mode = DP_MODE_SW;
	c->port.backend = DP_BACKEND_AFPACKET;
	c->port.rx_slots = 1024;
	c->port.tx_slots = 1024;
	c->port.mem.packets = 0;
	c->port.mem.rate = 0;
	c->port.mem.flows = 1024;
	c->port.mem.size = 64;
	c->workers = 1;
	c->io_cores = 1;
	for (size_t i = 0; i < ARRAY_SIZE(c->cpus.io); i++)
		c->cpus.io[i] = -1;
	for (size_t i = 0; i < ARRAY_SIZE(c->cpus.workers); i++)
		c->cpus.workers[i] = -1;
	c->rx_burst = 32;
	c->tx_burst = 32;
	c->worker_ring = 2048;
	c->overflow = 1024;
	if (p)
		cfg_set_profile(c, p);
	else
		c->rss.reta_size = CFG_RETA_DEFAULT;
	snprintf(c->app.name, sizeof(c->app.name), "%s", app_names[0]);
	c->app.port = 7;
	c->app.icmp_rate = 1000;
}

/* ---- error messages ---- */

__attribute__((format(printf, 3, 4))) static int cfg_err(struct cfg_ctx *x, const char *path,
							 const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (!x->err || !x->errlen)
		return -EINVAL;
	if (path && *path)
		n = snprintf(x->err, x->errlen, "%s: ", path);
	if (n >= 0 && (size_t)n < x->errlen) {
		va_start(ap, fmt);
		vsnprintf(x->err + n, x->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Quotes s as a JSON string for a message: escapes keep the message on one line, and a long
 * value is cut (at a UTF-8 character boundary) so the "accepted" part still fits. */
static const char *cfg_quote(const char *s, size_t len, char *buf, size_t size)
{
	size_t o = 0, i;

	buf[o++] = '"';
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		char esc[8];
		size_t n = 1;

		esc[0] = (char)ch;
		if (ch == '"' || ch == '\\') {
			esc[0] = '\\';
			esc[1] = (char)ch;
			n = 2;
		} else if (ch < 0x20 || ch == 0x7f) {
			n = (size_t)snprintf(esc, sizeof(esc), "\\u%04x", ch);
		}
		if (o + n + 5 > size) /* room for `..."` and the NUL */
			break;
		memcpy(buf + o, esc, n);
		o += n;
	}
	if (i < len) {
		if (((unsigned char)s[i] & 0xc0) == 0x80) {
			while (o > 1 && ((unsigned char)buf[o - 1] & 0xc0) == 0x80)
				o--;
			if (o > 1 && (unsigned char)buf[o - 1] >= 0xc0)
				o--;
		}
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

/* The value as the user wrote it, for "X is out of range" messages.  json-c keeps the source
 * text of doubles, so 1.5 and 1e3 come back as written. */
static const char *cfg_repr(struct json_object *v, char *buf, size_t size)
{
	const char *s;

	if (json_object_is_type(v, json_type_string))
		return cfg_quote(json_object_get_string(v), (size_t)json_object_get_string_len(v),
				 buf, size);
	s = json_object_to_json_string_ext(v,
					   JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	snprintf(buf, size, "%s", s ? s : "?");
	return buf;
}

static const char *cfg_type_name(struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null:
		return "null";
	case json_type_boolean:
		return "boolean";
	case json_type_double:
	case json_type_int:
		return "number";
	case json_type_object:
		return "object";
	case json_type_array:
		return "array";
	case json_type_string:
		return "string";
	}
	return "unknown";
}

static const char *cfg_join(const char *const *names, size_t n, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o < size; i++) {
		int w = snprintf(buf + o, size - o, "%s%s", i ? ", " : "", names[i]);

		if (w < 0)
			break;
		o += (size_t)w;
	}
	return buf;
}

/* The schema bounds paths ("app.routes[4095].dst" is the longest), so a cut path cannot happen. */
static const char *cfg_path(char *buf, const char *parent, const char *key)
{
	size_t lp = strnlen(parent, CFG_PATH_LEN - 1), lk = strlen(key);

	if (lp)
		memcpy(buf, parent, lp);
	if (lp)
		buf[lp++] = '.';
	lk = MIN(lk, CFG_PATH_LEN - 1 - MIN(lp, CFG_PATH_LEN - 1));
	memcpy(buf + lp, key, lk);
	buf[lp + lk] = '\0';
	return buf;
}

static const char *cfg_path_index(char *buf, const char *parent, size_t i)
{
	snprintf(buf, CFG_PATH_LEN, "%s[%zu]", parent, i);
	return buf;
}

/* ---- typed readers ---- */

/* Checks that v is an object whose keys all appear in keys[]. */
static int cfg_object(struct cfg_ctx *x, const char *path, struct json_object *v,
		      const char *const *keys, size_t n)
{
	struct json_object_iterator it, end;
	char list[CFG_LIST_LEN], repr[CFG_REPR_LEN];

	if (!json_object_is_type(v, json_type_object))
		return cfg_err(x, path, "expected an object, got %s", cfg_type_name(v));
	it = json_object_iter_begin(v);
	end = json_object_iter_end(v);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		const char *k = json_object_iter_peek_name(&it);
		size_t i;

		for (i = 0; i < n; i++)
			if (strcmp(k, keys[i]) == 0)
				break;
		if (i == n)
			return cfg_err(x, path, "unknown key %s (accepted: %s)",
				       cfg_quote(k, strlen(k), repr, sizeof(repr)),
				       cfg_join(keys, n, list, sizeof(list)));
	}
	return 0;
}

/* Returns whether obj has key; *v is then its value, NULL for a JSON null. */
static int cfg_has(struct json_object *obj, const char *key, struct json_object **v)
{
	return json_object_object_get_ex(obj, key, v);
}

/* Integers only: json-c reads 1.5, 1e3 and NaN as doubles, and a count or a size is never one.
 * Values past 64 bits arrive clamped to INT64_MIN/UINT64_MAX, still outside every range. */
static int cfg_int(struct cfg_ctx *x, const char *path, struct json_object *v, int64_t min,
		   int64_t max, int pow2, int64_t *out)
{
	char repr[CFG_REPR_LEN], accepted[64];
	int64_t val;

	if (pow2)
		snprintf(accepted, sizeof(accepted), "a power of two in %lld..%lld", (long long)min,
			 (long long)max);
	else
		snprintf(accepted, sizeof(accepted), "%lld..%lld", (long long)min, (long long)max);
	if (json_object_is_type(v, json_type_double))
		return cfg_err(x, path, "%s is not an integer (accepted: %s)",
			       cfg_repr(v, repr, sizeof(repr)), accepted);
	if (!json_object_is_type(v, json_type_int))
		return cfg_err(x, path, "expected an integer, got %s", cfg_type_name(v));
	val = json_object_get_int64(v);
	if (pow2 && (val < min || val > max || !is_pow2((uint64_t)val)))
		return cfg_err(x, path, "%s is not %s", cfg_repr(v, repr, sizeof(repr)), accepted);
	if (val < min || val > max)
		return cfg_err(x, path, "%s is out of range (accepted: %s)",
			       cfg_repr(v, repr, sizeof(repr)), accepted);
	*out = val;
	return 0;
}

/* Reads obj.key into an integer field of any width when present. */
#define CFG_INT(x, parent, obj, key, min, max, pow2, field)                                        \
	({                                                                                         \
		struct json_object *v_;                                                            \
		char p_[CFG_PATH_LEN];                                                             \
		int64_t n_ = 0;                                                                    \
		int rc_ = 0;                                                                       \
		if (cfg_has(obj, key, &v_)) {                                                      \
			rc_ = cfg_int(x, cfg_path(p_, parent, key), v_, min, max, pow2, &n_);      \
			if (!rc_)                                                                  \
				(field) = (__typeof__(field))n_;                                   \
		}                                                                                  \
		rc_;                                                                               \
	})

static int cfg_string(struct cfg_ctx *x, const char *path, struct json_object *v, const char **s,
		      size_t *len)
{
	if (!json_object_is_type(v, json_type_string))
		return cfg_err(x, path, "expected a string, got %s", cfg_type_name(v));
	*s = json_object_get_string(v);
	*len = (size_t)json_object_get_string_len(v);
	/* "\u0000" is valid JSON but would silently cut a C string short. */
	if (strlen(*s) != *len)
		return cfg_err(x, path, "contains a NUL character");
	return 0;
}

/* A string of 0..max characters copied into dst (dst has room for max + 1). */
static int cfg_string_copy(struct cfg_ctx *x, const char *path, struct json_object *v, size_t min,
			   size_t max, char *dst)
{
	char repr[CFG_REPR_LEN];
	const char *s;
	size_t len;
	int rc;

	rc = cfg_string(x, path, v, &s, &len);
	if (rc)
		return rc;
	if (len < min || len > max)
		return cfg_err(x, path, "%s is %zu characters long (accepted: %zu..%zu characters)",
			       cfg_quote(s, len, repr, sizeof(repr)), len, min, max);
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 0;
}

static int cfg_enum(struct cfg_ctx *x, const char *path, struct json_object *v,
		    const char *const *names, size_t n, const char *what, size_t *idx)
{
	char repr[CFG_REPR_LEN], list[CFG_LIST_LEN];
	const char *s;
	size_t len;
	int rc;

	rc = cfg_string(x, path, v, &s, &len);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(s, names[i]) == 0) {
			*idx = i;
			return 0;
		}
	}
	return cfg_err(x, path, "%s is not %s (accepted: %s)",
		       cfg_quote(s, len, repr, sizeof(repr)), what,
		       cfg_join(names, n, list, sizeof(list)));
}

static int cfg_array(struct cfg_ctx *x, const char *path, struct json_object *v, size_t *n)
{
	if (!json_object_is_type(v, json_type_array))
		return cfg_err(x, path, "expected an array, got %s", cfg_type_name(v));
	*n = json_object_array_length(v);
	return 0;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static int cfg_mac(struct cfg_ctx *x, const char *path, struct json_object *v, uint8_t mac[6])
{
	char repr[CFG_REPR_LEN];
	const char *s;
	size_t len;
	int rc;

	rc = cfg_string(x, path, v, &s, &len);
	if (rc)
		return rc;
	if (len != 17)
		goto bad;
	for (size_t i = 0; i < 6; i++) {
		int hi = hex_digit(s[3 * i]), lo = hex_digit(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':'))
			goto bad;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	if (mac[0] & 1)
		return cfg_err(x, path, "%s is a multicast address (accepted: %s)",
			       cfg_quote(s, len, repr, sizeof(repr)), CFG_MAC_ACCEPTED);
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return cfg_err(x, path, "%s is all zeros (accepted: %s)",
			       cfg_quote(s, len, repr, sizeof(repr)), CFG_MAC_ACCEPTED);
	return 0;
bad:
	return cfg_err(x, path, "%s is not a MAC address (accepted: %s)",
		       cfg_quote(s, len, repr, sizeof(repr)), CFG_MAC_ACCEPTED);
}

/* Decimal without sign or leading zeros (inet_aton would read "010" as octal 8), at most
 * max; returns the first byte after it, or NULL. */
static const char *cfg_decimal(const char *s, unsigned max, unsigned *out)
{
	unsigned val = 0;
	const char *p = s;

	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
		return NULL;
	for (; *p >= '0' && *p <= '9'; p++) {
		val = val * 10 + (unsigned)(*p - '0');
		if (val > max)
			return NULL;
	}
	*out = val;
	return p;
}

static const char *cfg_ipv4(const char *s, uint8_t ip[4])
{
	for (size_t i = 0; i < 4; i++) {
		unsigned octet;

		s = cfg_decimal(s, 255, &octet);
		if (!s || (i < 3 && *s++ != '.'))
			return NULL;
		ip[i] = (uint8_t)octet;
	}
	return s;
}

/* 0.0.0.0, multicast, class E and broadcast never name one host. */
static int cfg_ipv4_unicast(const uint8_t ip[4])
{
	return (ip[0] | ip[1] | ip[2] | ip[3]) && ip[0] < 224;
}

static int cfg_addr(struct cfg_ctx *x, const char *path, struct json_object *v, struct dp_addr *a)
{
	char repr[CFG_REPR_LEN];
	const char *s, *p;
	unsigned plen;
	size_t len;
	int rc;

	rc = cfg_string(x, path, v, &s, &len);
	if (rc)
		return rc;
	p = cfg_ipv4(s, a->ip);
	if (!p || *p++ != '/' || !(p = cfg_decimal(p, 32, &plen)) || *p)
		return cfg_err(
			x, path,
			"%s is not an IPv4 address with prefix length (accepted: a.b.c.d/0..32)",
			cfg_quote(s, len, repr, sizeof(repr)));
	if (!cfg_ipv4_unicast(a->ip))
		return cfg_err(x, path, "%s is not a unicast address",
			       cfg_quote(s, len, repr, sizeof(repr)));
	a->prefix_len = (uint8_t)plen;
	return 0;
}

static int cfg_ip(struct cfg_ctx *x, const char *path, struct json_object *v, uint8_t ip[4])
{
	char repr[CFG_REPR_LEN];
	const char *s, *p;
	size_t len;
	int rc;

	rc = cfg_string(x, path, v, &s, &len);
	if (rc)
		return rc;
	p = cfg_ipv4(s, ip);
	if (!p || *p)
		return cfg_err(x, path, "%s is not an IPv4 address (accepted: a.b.c.d)",
			       cfg_quote(s, len, repr, sizeof(repr)));
	if (!cfg_ipv4_unicast(ip))
		return cfg_err(x, path, "%s is not a unicast address",
			       cfg_quote(s, len, repr, sizeof(repr)));
	return 0;
}

/* ---- sections, in schema order ---- */

static int cfg_port_mem(struct cfg_ctx *x, const char *path, struct json_object *v)
{
	struct dp_mem_gen *m = &x->c->port.mem;
	int rc;

	rc = cfg_object(x, path, v, mem_keys, ARRAY_SIZE(mem_keys));
	if (!rc)
		rc = CFG_INT(x, path, v, "packets", 0, (int64_t)CFG_PACKETS_MAX, 0, m->packets);
	if (!rc)
		rc = CFG_INT(x, path, v, "flows", 1, 1048576, 0, m->flows);
	if (!rc)
		rc = CFG_INT(x, path, v, "size", 60, 2048, 0, m->size);
	if (!rc)
		rc = CFG_INT(x, path, v, "rate", 0, 1000000000, 0, m->rate);
	return rc;
}

/* An optional enum member KEY of object OBJ at PARENT into *field. */
static int cfg_enum_member(struct cfg_ctx *x, const char *parent, struct json_object *obj,
			   const char *key, const char *const *names, size_t n, const char *what,
			   size_t *field)
{
	char p[CFG_PATH_LEN];
	struct json_object *v;

	if (!cfg_has(obj, key, &v))
		return 0;
	return cfg_enum(x, cfg_path(p, parent, key), v, names, n, what, field);
}

static int cfg_port_afxdp(struct cfg_ctx *x, const char *path, struct json_object *v)
{
	size_t attach = x->c->port.afxdp.attach, bind = x->c->port.afxdp.bind;
	int rc;

	rc = cfg_object(x, path, v, afxdp_keys, ARRAY_SIZE(afxdp_keys));
	if (!rc)
		rc = cfg_enum_member(x, path, v, "attach", xdp_attach_names,
				     ARRAY_SIZE(xdp_attach_names), "an XDP attach mode", &attach);
	if (!rc)
		rc = cfg_enum_member(x, path, v, "bind", xdp_bind_names, ARRAY_SIZE(xdp_bind_names),
				     "an AF_XDP bind mode", &bind);
	if (!rc)
		rc = CFG_INT(x, path, v, "queue", 0, 4095, 0, x->c->port.afxdp.queue);
	x->c->port.afxdp.attach = (enum dp_xdp_attach)attach;
	x->c->port.afxdp.bind = (enum dp_xdp_bind)bind;
	return rc;
}

static int cfg_port_afpacket(struct cfg_ctx *x, const char *path, struct json_object *v)
{
	size_t fanout = x->c->port.afpacket.fanout;
	int rc;

	rc = cfg_object(x, path, v, afpacket_keys, ARRAY_SIZE(afpacket_keys));
	if (!rc)
		rc = cfg_enum_member(x, path, v, "fanout", fanout_names, ARRAY_SIZE(fanout_names),
				     "a fanout mode", &fanout);
	x->c->port.afpacket.fanout = (enum dp_fanout)fanout;
	return rc;
}

static int cfg_port(struct cfg_ctx *x, struct json_object *v)
{
	const char *path = "port";
	char p[CFG_PATH_LEN];
	struct json_object *m;
	size_t idx = 0;
	int rc;

	rc = cfg_object(x, path, v, port_keys, ARRAY_SIZE(port_keys));
	if (rc)
		return rc;
	if (cfg_has(v, "backend", &m)) {
		rc = cfg_enum(x, cfg_path(p, path, "backend"), m, backend_names,
			      ARRAY_SIZE(backend_names), "a backend", &idx);
		if (rc)
			return rc;
		x->c->port.backend = (enum dp_backend)idx;
	}
	if (!cfg_has(v, "iface", &m))
		return cfg_err(x, "port.iface", "required field missing");
	rc = cfg_string_copy(x, cfg_path(p, path, "iface"), m, 1, DP_IFNAME_MAX - 1,
			     x->c->port.iface);
	if (!rc)
		rc = CFG_INT(x, path, v, "rx_slots", 64, 16384, 1, x->c->port.rx_slots);
	if (!rc)
		rc = CFG_INT(x, path, v, "tx_slots", 64, 16384, 1, x->c->port.tx_slots);
	if (!rc && cfg_has(v, "mem", &m))
		rc = cfg_port_mem(x, cfg_path(p, path, "mem"), m);
	if (!rc && cfg_has(v, "afxdp", &m))
		rc = cfg_port_afxdp(x, cfg_path(p, path, "afxdp"), m);
	if (!rc && cfg_has(v, "afpacket", &m))
		rc = cfg_port_afpacket(x, cfg_path(p, path, "afpacket"), m);
	if (!rc) {
		size_t rs = x->c->port.rss_setup;
		rc = cfg_enum_member(x, path, v, "rss_setup", rss_setup_names,
				     ARRAY_SIZE(rss_setup_names), "an RSS setup policy", &rs);
		x->c->port.rss_setup = (enum dp_rss_setup)rs;
	}
	return rc;
}

static int cfg_io_cores(struct cfg_ctx *x, struct json_object *v)
{
	int64_t n = 0;
	int rc;

	rc = cfg_int(x, "io_cores", v, 1, 2, 0, &n);
	if (rc)
		return rc;
	/* vale and nic run each worker to completion on its own queue: there is no I/O thread. */
	if (n == 2 && x->c->mode != DP_MODE_SW)
		return cfg_err(x, "io_cores", "2 applies only to mode sw (mode is %s)",
			       config_mode_name(x->c->mode));
	x->c->io_cores = (uint8_t)n;
	return 0;
}

/* A list of CPU ids, at most max long; limit names the setting that bounds it. */
static int cfg_cpu_list(struct cfg_ctx *x, const char *path, struct json_object *v, int16_t *cpus,
			size_t max, const char *limit)
{
	char p[CFG_PATH_LEN];
	size_t n = 0;
	int rc;

	rc = cfg_array(x, path, v, &n);
	if (rc)
		return rc;
	if (n > max)
		return cfg_err(x, path, "%zu entries, more than %s (%zu)", n, limit, max);
	for (size_t i = 0; i < n; i++) {
		int64_t cpu = 0;

		rc = cfg_int(x, cfg_path_index(p, path, i), json_object_array_get_idx(v, i), 0,
			     1023, 0, &cpu);
		if (rc)
			return rc;
		cpus[i] = (int16_t)cpu;
	}
	return 0;
}

static int cfg_cpus(struct cfg_ctx *x, struct json_object *v)
{
	struct dp_config *c = x->c;
	struct json_object *m;
	int rc;

	rc = cfg_object(x, "cpus", v, cpus_keys, ARRAY_SIZE(cpus_keys));
	if (!rc && cfg_has(v, "io", &m))
		rc = cfg_cpu_list(x, "cpus.io", m, c->cpus.io, c->io_cores, "io_cores");
	if (!rc && cfg_has(v, "workers", &m))
		rc = cfg_cpu_list(x, "cpus.workers", m, c->cpus.workers, c->workers, "workers");
	return rc;
}

static int cfg_burst(struct cfg_ctx *x, struct json_object *v)
{
	int rc;

	rc = cfg_object(x, "burst", v, burst_keys, ARRAY_SIZE(burst_keys));
	if (!rc)
		rc = CFG_INT(x, "burst", v, "rx", 1, 256, 0, x->c->rx_burst);
	if (!rc)
		rc = CFG_INT(x, "burst", v, "tx", 1, 256, 0, x->c->tx_burst);
	return rc;
}

static int cfg_rings(struct cfg_ctx *x, struct json_object *v)
{
	int rc;

	rc = cfg_object(x, "rings", v, rings_keys, ARRAY_SIZE(rings_keys));
	if (!rc)
		rc = CFG_INT(x, "rings", v, "worker", 64, 65536, 1, x->c->worker_ring);
	if (!rc)
		rc = CFG_INT(x, "rings", v, "overflow", 0, 65536, 0, x->c->overflow);
	return rc;
}

static int cfg_rss_profile(struct cfg_ctx *x, struct json_object *v)
{
	char repr[CFG_REPR_LEN], list[CFG_LIST_LEN];
	const struct rss_profile *p;
	const char *s;
	size_t len, o = 0;
	int rc;

	rc = cfg_string(x, "rss.profile", v, &s, &len);
	if (rc)
		return rc;
	p = rss_profile_find(s);
	if (p) {
		cfg_set_profile(x->c, p);
		return 0;
	}
	/* The accepted names come from rss.c's table so a new profile needs no change here. */
	list[0] = '\0';
	for (size_t i = 0; i < rss_profiles_count && o < sizeof(list); i++) {
		int w = snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "",
				 rss_profiles[i].name);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	return cfg_err(x, "rss.profile", "%s is not an RSS profile (accepted: %s)",
		       cfg_quote(s, len, repr, sizeof(repr)), list);
}

static int cfg_rss_key(struct cfg_ctx *x, struct json_object *v)
{
	struct dp_config *c = x->c;
	const char *s;
	size_t len, digits = 0, key_len = 0;
	int rc;

	rc = cfg_string(x, "rss.key", v, &s, &len);
	if (rc)
		return rc;
	/* Diagnose before rss_key_parse_hex so the message says what is wrong, not just "bad". */
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (hex_digit((char)ch) >= 0) {
			digits++;
		} else if (ch != ':') {
			if (ch > 0x20 && ch < 0x7f)
				return cfg_err(
					x, "rss.key",
					"'%c' at position %zu is not a hex digit (accepted: %s)",
					ch, i + 1, CFG_KEY_ACCEPTED);
			return cfg_err(
				x, "rss.key",
				"byte 0x%02x at position %zu is not a hex digit (accepted: %s)", ch,
				i + 1, CFG_KEY_ACCEPTED);
		}
	}
	if (digits % 2)
		return cfg_err(x, "rss.key", "odd number of hex digits (%zu) (accepted: %s)",
			       digits, CFG_KEY_ACCEPTED);
	if (digits / 2 != 40 && digits / 2 != 52)
		return cfg_err(x, "rss.key", "%zu bytes (accepted: %s)", digits / 2,
			       CFG_KEY_ACCEPTED);
	memset(c->rss.key, 0, sizeof(c->rss.key));
	if (rss_key_parse_hex(s, c->rss.key, &key_len) || (key_len != 40 && key_len != 52))
		return cfg_err(x, "rss.key", "':' must separate every byte or none (accepted: %s)",
			       CFG_KEY_ACCEPTED);
	c->rss.key_len = (uint8_t)key_len;
	c->rss.profile[0] = '\0';
	c->rss.reta_size = CFG_RETA_DEFAULT;
	return 0;
}

static int cfg_rss(struct cfg_ctx *x, struct json_object *v)
{
	struct dp_config *c = x->c;
	struct json_object *m;
	int rc;

	rc = cfg_object(x, "rss", v, rss_keys, ARRAY_SIZE(rss_keys));
	if (rc)
		return rc;
	if (cfg_has(v, "profile", &m) && cfg_has(v, "key", NULL))
		return cfg_err(x, "rss",
			       "\"profile\" and \"key\" exclude each other (accepted: one "
			       "of them)");
	if (cfg_has(v, "profile", &m))
		rc = cfg_rss_profile(x, m);
	if (!rc && cfg_has(v, "key", &m))
		rc = cfg_rss_key(x, m);
	if (!rc)
		rc = CFG_INT(x, "rss", v, "reta_size", 1, RSS_RETA_MAX, 1, c->rss.reta_size);
	if (rc)
		return rc;
	/* A table smaller than the number of workers would leave some workers without traffic. */
	if (c->rss.reta_size < c->workers)
		return cfg_err(x, "rss.reta_size", "%u is smaller than workers (%u)",
			       c->rss.reta_size, c->workers);
	return 0;
}

static int cfg_addrs(struct cfg_ctx *x, struct json_object *v)
{
	struct dp_config *c = x->c;
	char p[CFG_PATH_LEN];
	size_t n = 0;
	int rc;

	rc = cfg_array(x, "addrs", v, &n);
	if (rc)
		return rc;
	if (n > DP_ADDRS_MAX)
		return cfg_err(x, "addrs", "%zu entries (accepted: at most %d)", n, DP_ADDRS_MAX);
	for (size_t i = 0; i < n; i++) {
		rc = cfg_addr(x, cfg_path_index(p, "addrs", i), json_object_array_get_idx(v, i),
			      &c->addrs[i]);
		if (rc)
			return rc;
	}
	c->n_addrs = (uint8_t)n;
	return 0;
}

static int cfg_arp(struct cfg_ctx *x, struct json_object *v)
{
	struct dp_config *c = x->c;
	char p[CFG_PATH_LEN], pf[CFG_PATH_LEN];
	size_t n = 0;
	int rc;

	rc = cfg_array(x, "arp", v, &n);
	if (rc)
		return rc;
	if (n > DP_ARP_STATIC_MAX)
		return cfg_err(x, "arp", "%zu entries (accepted: at most %d)", n,
			       DP_ARP_STATIC_MAX);
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(v, i), *m;
		struct dp_arp_entry *a = &c->arp[i];

		cfg_path_index(p, "arp", i);
		rc = cfg_object(x, p, e, arp_keys, ARRAY_SIZE(arp_keys));
		if (rc)
			return rc;
		if (!cfg_has(e, "ip", &m))
			return cfg_err(x, cfg_path(pf, p, "ip"), "required field missing");
		rc = cfg_ip(x, cfg_path(pf, p, "ip"), m, a->ip);
		if (rc)
			return rc;
		if (!cfg_has(e, "mac", &m))
			return cfg_err(x, cfg_path(pf, p, "mac"), "required field missing");
		rc = cfg_mac(x, cfg_path(pf, p, "mac"), m, a->mac);
		if (rc)
			return rc;
		/* Two entries for one address: whichever the table kept would surprise someone. */
		for (size_t j = 0; j < i; j++)
			if (memcmp(c->arp[j].ip, a->ip, 4) == 0)
				return cfg_err(x, cfg_path(pf, p, "ip"),
					       "%u.%u.%u.%u is already in arp[%zu]", a->ip[0],
					       a->ip[1], a->ip[2], a->ip[3], j);
	}
	c->n_arp = (uint16_t)n;
	return 0;
}

/* "a.b.c.d/len" with no bits set past len (as `ip route` insists). */
static int cfg_prefix(struct cfg_ctx *x, const char *path, struct json_object *v,
		      struct dp_route *r)
{
	char repr[CFG_REPR_LEN];
	const char *s, *p;
	unsigned plen;
	size_t len;
	uint32_t ip, mask;
	int rc;

	rc = cfg_string(x, path, v, &s, &len);
	if (rc)
		return rc;
	p = cfg_ipv4(s, r->dst);
	if (!p || *p++ != '/' || !(p = cfg_decimal(p, 32, &plen)) || *p)
		return cfg_err(x, path,
			       "%s is not an IPv4 prefix (accepted: a.b.c.d/0..32, e.g. "
			       "10.2.0.0/16 or 0.0.0.0/0)",
			       cfg_quote(s, len, repr, sizeof(repr)));
	ip = load_be32(r->dst);
	mask = plen ? ~0u << (32 - plen) : 0;
	if (ip & ~mask)
		return cfg_err(x, path, "%s has bits set past /%u (accepted: %u.%u.%u.%u/%u)",
			       cfg_quote(s, len, repr, sizeof(repr)), plen, (ip & mask) >> 24,
			       (ip & mask) >> 16 & 0xff, (ip & mask) >> 8 & 0xff, ip & mask & 0xff,
			       plen);
	r->prefix_len = (uint8_t)plen;
	return 0;
}

static int cfg_routes(struct cfg_ctx *x, struct json_object *v)
{
	struct dp_config *c = x->c;
	char p[CFG_PATH_LEN], pf[CFG_PATH_LEN];
	size_t n = 0;
	int rc;

	rc = cfg_array(x, "app.routes", v, &n);
	if (rc)
		return rc;
	if (n > DP_ROUTES_MAX)
		return cfg_err(x, "app.routes", "%zu entries (accepted: at most %d)", n,
			       DP_ROUTES_MAX);
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(v, i), *m;
		struct dp_route *r = &c->app.routes[i];

		cfg_path_index(p, "app.routes", i);
		rc = cfg_object(x, p, e, route_keys, ARRAY_SIZE(route_keys));
		if (rc)
			return rc;
		if (!cfg_has(e, "dst", &m))
			return cfg_err(x, cfg_path(pf, p, "dst"), "required field missing");
		rc = cfg_prefix(x, cfg_path(pf, p, "dst"), m, r);
		if (rc)
			return rc;
		if (!cfg_has(e, "via", &m))
			return cfg_err(x, cfg_path(pf, p, "via"), "required field missing");
		rc = cfg_ip(x, cfg_path(pf, p, "via"), m, r->via);
		if (rc)
			return rc;
		for (size_t j = 0; j < i; j++)
			if (memcmp(c->app.routes[j].dst, r->dst, 4) == 0 &&
			    c->app.routes[j].prefix_len == r->prefix_len)
				return cfg_err(x, cfg_path(pf, p, "dst"),
					       "%u.%u.%u.%u/%u is already in app.routes[%zu]",
					       r->dst[0], r->dst[1], r->dst[2], r->dst[3],
					       r->prefix_len, j);
	}
	c->app.n_routes = (uint16_t)n;
	return 0;
}

/* A gateway must be a neighbour: on the subnet of one of our addresses, and not one of them. */
static int cfg_routes_check(struct cfg_ctx *x)
{
	const struct dp_config *c = x->c;
	char pf[CFG_PATH_LEN], p[CFG_PATH_LEN];

	if (c->app.n_routes && strcmp(c->app.name, "router") != 0)
		return cfg_err(x, "app.routes", "only the router app uses routes (app.name is %s)",
			       c->app.name);
	if (strcmp(c->app.name, "router") == 0 && c->n_addrs == 0)
		return cfg_err(x, "addrs",
			       "the router app needs at least one address (its connected subnets "
			       "and the source of its ICMP errors)");
	for (size_t i = 0; i < c->app.n_routes; i++) {
		const uint8_t *via = c->app.routes[i].via;
		uint32_t g = load_be32(via);
		int on_link = 0;

		cfg_path(pf, cfg_path_index(p, "app.routes", i), "via");
		for (unsigned k = 0; k < c->n_addrs; k++) {
			uint32_t a = load_be32(c->addrs[k].ip);
			uint32_t mask =
				c->addrs[k].prefix_len ? ~0u << (32 - c->addrs[k].prefix_len) : 0;
			if (a == g)
				return cfg_err(x, pf, "%u.%u.%u.%u is one of our addrs", via[0],
					       via[1], via[2], via[3]);
			on_link |= (a & mask) == (g & mask);
		}
		if (!on_link)
			return cfg_err(x, pf,
				       "%u.%u.%u.%u is not on the subnet of any of addrs (a "
				       "gateway must be a neighbour)",
				       via[0], via[1], via[2], via[3]);
	}
	return 0;
}

static int cfg_app(struct cfg_ctx *x, struct json_object *v)
{
	struct json_object *m;
	size_t idx = 0;
	int rc;

	rc = cfg_object(x, "app", v, app_keys, ARRAY_SIZE(app_keys));
	if (!rc && cfg_has(v, "name", &m)) {
		rc = cfg_enum(x, "app.name", m, app_names, ARRAY_SIZE(app_names), "an app", &idx);
		if (!rc)
			snprintf(x->c->app.name, sizeof(x->c->app.name), "%s", app_names[idx]);
	}
	if (!rc)
		rc = CFG_INT(x, "app", v, "port", 1, 65535, 0, x->c->app.port);
	if (!rc)
		rc = CFG_INT(x, "app", v, "icmp_rate", 0, 1000000, 0, x->c->app.icmp_rate);
	if (!rc && cfg_has(v, "routes", &m))
		rc = cfg_routes(x, m);
	return rc;
}

static int cfg_stats(struct cfg_ctx *x, struct json_object *v)
{
	struct json_object *m;
	int rc;

	rc = cfg_object(x, "stats", v, stats_keys, ARRAY_SIZE(stats_keys));
	if (!rc && cfg_has(v, "socket", &m))
		rc = cfg_string_copy(x, "stats.socket", m, 0, DP_PATH_MAX - 1, x->c->stats.socket);
	if (!rc)
		rc = CFG_INT(x, "stats", v, "flows", 0, 65536, 0, x->c->stats.flows);
	return rc;
}

static int cfg_root(struct cfg_ctx *x, struct json_object *root)
{
	struct dp_config *c = x->c;
	struct json_object *m;
	size_t idx = 0;
	int rc;

	rc = cfg_object(x, "", root, top_keys, ARRAY_SIZE(top_keys));
	if (rc)
		return rc;
	if (cfg_has(root, "mode", &m)) {
		rc = cfg_enum(x, "mode", m, mode_names, ARRAY_SIZE(mode_names), "a mode", &idx);
		if (rc)
			return rc;
		c->mode = (enum dp_mode)idx;
	}
	if (!cfg_has(root, "port", &m))
		return cfg_err(x, "port", "required field missing");
	rc = cfg_port(x, m);
	if (!rc)
		rc = CFG_INT(x, "", root, "workers", 1, DP_WORKERS_MAX, 0, c->workers);
	if (!rc && cfg_has(root, "io_cores", &m))
		rc = cfg_io_cores(x, m);
	if (!rc && cfg_has(root, "cpus", &m))
		rc = cfg_cpus(x, m);
	if (!rc && cfg_has(root, "burst", &m))
		rc = cfg_burst(x, m);
	if (!rc && cfg_has(root, "rings", &m))
		rc = cfg_rings(x, m);
	if (!rc && cfg_has(root, "rss", &m))
		rc = cfg_rss(x, m);
	if (!rc && cfg_has(root, "mac", &m)) {
		rc = cfg_mac(x, "mac", m, c->mac);
		c->has_mac = !rc;
	}
	if (!rc && cfg_has(root, "addrs", &m))
		rc = cfg_addrs(x, m);
	if (!rc && cfg_has(root, "arp", &m))
		rc = cfg_arp(x, m);
	if (!rc && cfg_has(root, "app", &m))
		rc = cfg_app(x, m);
	if (!rc && cfg_has(root, "stats", &m))
		rc = cfg_stats(x, m);
	if (!rc)
		rc = cfg_routes_check(x);
	return rc;
}

/* ---- entry points ---- */

static int cfg_syntax_err(struct cfg_ctx *x, const char *text, size_t len, size_t off,
			  const char *what)
{
	size_t line = 1, col = 1;

	for (size_t i = 0; i < off && i < len; i++) {
		if (text[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	return cfg_err(x, NULL, "JSON syntax error at line %zu, column %zu: %s", line, col, what);
}

int config_parse(const char *json, size_t len, struct dp_config *c, char *err, size_t errlen)
{
	struct cfg_ctx x = { .c = c, .err = err, .errlen = errlen };
	struct json_tokener *tok;
	struct json_object *root;
	enum json_tokener_error jerr;
	size_t end;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	config_set_defaults(c);
	if (!json)
		json = "";
	if (len > INT_MAX - 1)
		return cfg_err(&x, NULL, "configuration text is %zu bytes (accepted: at most %d)",
			       len, INT_MAX - 1);
	tok = json_tokener_new();
	if (!tok) {
		cfg_err(&x, NULL, "out of memory");
		rc = -ENOMEM;
		goto out;
	}
	/* Strict: no trailing commas, no trailing garbage; UTF-8 checked so messages that quote
	 * user strings stay valid text. */
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, json, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue) {
		/* json-c keeps waiting for input until it sees a NUL: a bare number or a truncated
		 * object is only complete or broken once the end is known. */
		root = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		end = len;
	}
	if (jerr != json_tokener_success) {
		rc = cfg_syntax_err(&x, json, len, end, json_tokener_error_desc(jerr));
		goto free_tok;
	}
	/* json-c stops at a NUL byte and reports success; whatever follows is still garbage. */
	for (size_t i = end; i < len; i++) {
		if (!strchr(" \t\r\n", json[i]) || !json[i]) {
			rc = cfg_syntax_err(
				&x, json, len, i,
				json_tokener_error_desc(json_tokener_error_parse_unexpected));
			goto put_root;
		}
	}
	rc = cfg_root(&x, root);
put_root:
	json_object_put(root);
free_tok:
	json_tokener_free(tok);
out:
	return rc;
}

/* Reads to EOF rather than trusting st_size, so /dev/stdin and pipes work too. */
static int cfg_read_fd(int fd, char **out, size_t *out_len)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc = 0;

	for (;;) {
		ssize_t got;

		if (len == cap) {
			char *nbuf;

			cap = cap ? 2 * cap : 4096;
			nbuf = realloc(buf, cap);
			if (!nbuf) {
				rc = -ENOMEM;
				goto free_buf;
			}
			buf = nbuf;
		}
		got = read(fd, buf + len, cap - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -errno;
			goto free_buf;
		}
		if (got == 0)
			break;
		len += (size_t)got;
		if (len > CFG_FILE_MAX) {
			rc = -EFBIG;
			goto free_buf;
		}
	}
	*out = buf;
	*out_len = len;
	return 0;
free_buf:
	free(buf);
	return rc;
}

int config_load_file(const char *path, struct dp_config *c, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		goto report;
	}
	rc = cfg_read_fd(fd, &buf, &len);
	close(fd);
	if (rc)
		goto report;
	rc = config_parse(buf, len, c, err, errlen);
	free(buf);
	goto out;
report:
	/* The caller names the file (it prints "vnfdp CMD: PATH: ..."), as for parse errors. */
	config_set_defaults(c);
	if (err && errlen && rc == -EFBIG)
		snprintf(err, errlen, "larger than %d bytes", CFG_FILE_MAX);
	else if (err && errlen)
		snprintf(err, errlen, "%s", strerror(-rc));
out:
	return rc;
}

/* ---- writing ---- */

/* Accumulates allocation failures so config_to_json checks once at the end. */
struct cfg_out {
	int failed;
};

static struct json_object *out_put(struct cfg_out *o, struct json_object *obj, const char *key,
				   struct json_object *val)
{
	/* json-c leaves val with the caller when the add fails. */
	if (!obj || !val || json_object_object_add(obj, key, val)) {
		json_object_put(val);
		o->failed = 1;
		return NULL;
	}
	return val;
}

static void out_push(struct cfg_out *o, struct json_object *arr, struct json_object *val)
{
	if (!arr || !val || json_object_array_add(arr, val)) {
		json_object_put(val);
		o->failed = 1;
	}
}

static struct json_object *out_str(const char *s)
{
	return json_object_new_string(s);
}

static struct json_object *out_int(int64_t v)
{
	return json_object_new_int64(v);
}

/* The pinned prefix of a CPU list; parsing only ever fills a prefix. */
static void out_cpus(struct cfg_out *o, struct json_object *cpus, const char *key,
		     const int16_t *list, size_t n)
{
	struct json_object *arr = out_put(o, cpus, key, json_object_new_array());

	while (n && list[n - 1] < 0)
		n--;
	for (size_t i = 0; i < n; i++)
		out_push(o, arr, out_int(list[i]));
}

static struct json_object *out_mac(const uint8_t m[6])
{
	char s[18];

	snprintf(s, sizeof(s), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return out_str(s);
}

char *config_to_json(const struct dp_config *c)
{
	struct cfg_out o = { 0 };
	struct json_object *root, *port, *mem, *cpus, *sec, *arr;
	const char *mode = config_mode_name(c->mode),
		   *backend = config_backend_name(c->port.backend);
	const char *xdp_attach = config_xdp_attach_name(c->port.afxdp.attach),
		   *xdp_bind = config_xdp_bind_name(c->port.afxdp.bind),
		   *fanout = config_fanout_name(c->port.afpacket.fanout),
		   *rss_setup = config_rss_setup_name(c->port.rss_setup);
	const char *text;
	char *res = NULL, buf[2 * RSS_KEY_MAX + 1];

	if (!mode || !backend || !xdp_attach || !xdp_bind || !fanout || !rss_setup ||
	    c->rss.key_len > RSS_KEY_MAX || c->n_addrs > DP_ADDRS_MAX ||
	    c->n_arp > DP_ARP_STATIC_MAX || c->app.n_routes > DP_ROUTES_MAX ||
	    c->workers > DP_WORKERS_MAX || c->io_cores > 2) {
		errno = EINVAL;
		goto out;
	}
	root = json_object_new_object();
	if (!root) {
		errno = ENOMEM;
		goto out;
	}
	out_put(&o, root, "mode", out_str(mode));
	port = out_put(&o, root, "port", json_object_new_object());
	out_put(&o, port, "backend", out_str(backend));
	out_put(&o, port, "iface",
		json_object_new_string_len(c->port.iface,
					   (int)strnlen(c->port.iface, DP_IFNAME_MAX - 1)));
	out_put(&o, port, "rx_slots", out_int(c->port.rx_slots));
	out_put(&o, port, "tx_slots", out_int(c->port.tx_slots));
	mem = out_put(&o, port, "mem", json_object_new_object());
	out_put(&o, mem, "packets", out_int((int64_t)c->port.mem.packets));
	out_put(&o, mem, "flows", out_int(c->port.mem.flows));
	out_put(&o, mem, "size", out_int(c->port.mem.size));
	out_put(&o, mem, "rate", out_int((int64_t)c->port.mem.rate));
	sec = out_put(&o, port, "afxdp", json_object_new_object());
	out_put(&o, sec, "attach", out_str(xdp_attach));
	out_put(&o, sec, "bind", out_str(xdp_bind));
	out_put(&o, sec, "queue", out_int(c->port.afxdp.queue));
	sec = out_put(&o, port, "afpacket", json_object_new_object());
	out_put(&o, sec, "fanout", out_str(fanout));
	out_put(&o, port, "rss_setup", out_str(rss_setup));
	out_put(&o, root, "workers", out_int(c->workers));
	out_put(&o, root, "io_cores", out_int(c->io_cores));
	cpus = out_put(&o, root, "cpus", json_object_new_object());
	out_cpus(&o, cpus, "io", c->cpus.io, c->io_cores);
	out_cpus(&o, cpus, "workers", c->cpus.workers, c->workers);
	sec = out_put(&o, root, "burst", json_object_new_object());
	out_put(&o, sec, "rx", out_int(c->rx_burst));
	out_put(&o, sec, "tx", out_int(c->tx_burst));
	sec = out_put(&o, root, "rings", json_object_new_object());
	out_put(&o, sec, "worker", out_int(c->worker_ring));
	out_put(&o, sec, "overflow", out_int(c->overflow));
	sec = out_put(&o, root, "rss", json_object_new_object());
	if (c->rss.profile[0]) {
		out_put(&o, sec, "profile", out_str(c->rss.profile));
	} else {
		for (size_t i = 0; i < c->rss.key_len; i++)
			snprintf(buf + 2 * i, 3, "%02x", c->rss.key[i]);
		buf[2 * c->rss.key_len] = '\0';
		out_put(&o, sec, "key", out_str(buf));
	}
	out_put(&o, sec, "reta_size", out_int(c->rss.reta_size));
	if (c->has_mac)
		out_put(&o, root, "mac", out_mac(c->mac));
	arr = out_put(&o, root, "addrs", json_object_new_array());
	for (size_t i = 0; i < c->n_addrs; i++) {
		const struct dp_addr *a = &c->addrs[i];

		snprintf(buf, sizeof(buf), "%u.%u.%u.%u/%u", a->ip[0], a->ip[1], a->ip[2], a->ip[3],
			 a->prefix_len);
		out_push(&o, arr, out_str(buf));
	}
	arr = out_put(&o, root, "arp", json_object_new_array());
	for (size_t i = 0; i < c->n_arp; i++) {
		const struct dp_arp_entry *a = &c->arp[i];
		struct json_object *e = json_object_new_object();

		snprintf(buf, sizeof(buf), "%u.%u.%u.%u", a->ip[0], a->ip[1], a->ip[2], a->ip[3]);
		out_put(&o, e, "ip", out_str(buf));
		out_put(&o, e, "mac", out_mac(a->mac));
		out_push(&o, arr, e);
	}
	sec = out_put(&o, root, "app", json_object_new_object());
	out_put(&o, sec, "name", out_str(c->app.name));
	out_put(&o, sec, "port", out_int(c->app.port));
	if (strcmp(c->app.name, "router") == 0) {
		out_put(&o, sec, "icmp_rate", out_int(c->app.icmp_rate));
		arr = out_put(&o, sec, "routes", json_object_new_array());
		for (size_t i = 0; i < c->app.n_routes; i++) {
			const struct dp_route *r = &c->app.routes[i];
			struct json_object *e = json_object_new_object();

			snprintf(buf, sizeof(buf), "%u.%u.%u.%u/%u", r->dst[0], r->dst[1],
				 r->dst[2], r->dst[3], r->prefix_len);
			out_put(&o, e, "dst", out_str(buf));
			snprintf(buf, sizeof(buf), "%u.%u.%u.%u", r->via[0], r->via[1], r->via[2],
				 r->via[3]);
			out_put(&o, e, "via", out_str(buf));
			out_push(&o, arr, e);
		}
	}
	sec = out_put(&o, root, "stats", json_object_new_object());
	out_put(&o, sec, "socket", out_str(c->stats.socket));
	out_put(&o, sec, "flows", out_int(c->stats.flows));
	if (o.failed) {
		errno = ENOMEM;
		goto put_root;
	}
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
							    JSON_C_TO_STRING_SPACED |
							    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text) {
		errno = ENOMEM;
		goto put_root;
	}
	res = strdup(text);
put_root:
	json_object_put(root);
out:
	return res;
}
