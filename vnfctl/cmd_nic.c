/* vnfctl nic show: what the kernel's ethtool interface says about a NIC. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <linux/ethtool.h>
#include "cli.h"
#include "../dataplane/ethtool.h"
#include "../dataplane/rss.h"
#include "files.h"
#include "nic_state.h"

/* RXH_* bits as ethtool -n names them. */
static const struct {
	uint64_t bit;
	const char *name;
} rxh_names[] = {
	{ RXH_L2DA, "l2-dst" },	      { RXH_VLAN, "vlan" },	{ RXH_L3_PROTO, "l3-proto" },
	{ RXH_IP_SRC, "src-ip" },     { RXH_IP_DST, "dst-ip" }, { RXH_L4_B_0_1, "src-port" },
	{ RXH_L4_B_2_3, "dst-port" },
};

static const char *why(int ret)
{
	return ret == -EOPNOTSUPP ? "not supported by the driver" : strerror(-ret);
}

static json_object *nic_json(const char *ifname)
{
	json_object *o = json_object_new_object(), *v;
	struct eth_channels ch;
	struct eth_rings rg;
	struct eth_offloads off;
	struct eth_rss *rss = calloc(1, sizeof(*rss));
	char drv[64], hex[2 * ETHTOOL_KEY_MAX + 1];
	uint64_t f;
	int ret;

	json_object_object_add(o, "iface", json_object_new_string(ifname));
	ret = ethtool_driver_get(ifname, drv, sizeof(drv));
	json_object_object_add(o, "driver", ret ? NULL : json_object_new_string(drv));
	if (!(ret = ethtool_channels_get(ifname, &ch))) {
		v = json_object_new_object();
		json_object_object_add(v, "rx", json_object_new_int64(ch.rx));
		json_object_object_add(v, "tx", json_object_new_int64(ch.tx));
		json_object_object_add(v, "combined", json_object_new_int64(ch.combined));
		json_object_object_add(v, "max_rx", json_object_new_int64(ch.max_rx));
		json_object_object_add(v, "max_tx", json_object_new_int64(ch.max_tx));
		json_object_object_add(v, "max_combined", json_object_new_int64(ch.max_combined));
		json_object_object_add(o, "channels", v);
	} else {
		json_object_object_add(o, "channels", json_object_new_string(why(ret)));
	}
	if (!(ret = ethtool_rings_get(ifname, &rg))) {
		v = json_object_new_object();
		json_object_object_add(v, "rx", json_object_new_int64(rg.rx));
		json_object_object_add(v, "tx", json_object_new_int64(rg.tx));
		json_object_object_add(v, "rx_max", json_object_new_int64(rg.rx_max));
		json_object_object_add(v, "tx_max", json_object_new_int64(rg.tx_max));
		json_object_object_add(o, "rings", v);
	} else {
		json_object_object_add(o, "rings", json_object_new_string(why(ret)));
	}
	if (rss && !(ret = ethtool_rss_get(ifname, rss))) {
		json_object *t = json_object_new_array();
		v = json_object_new_object();
		for (uint32_t i = 0; i < rss->key_size; i++)
			snprintf(hex + 2 * i, 3, "%02x", rss->key[i]);
		hex[2 * rss->key_size] = '\0';
		json_object_object_add(v, "key", json_object_new_string(hex));
		for (uint32_t i = 0; i < rss->indir_size; i++)
			json_object_array_add(t, json_object_new_int64(rss->indir[i]));
		json_object_object_add(v, "indir", t);
		json_object_object_add(o, "rss", v);
	} else {
		json_object_object_add(o, "rss",
				       json_object_new_string(rss ? why(ret) : "out of memory"));
	}
	v = json_object_new_object();
	for (int k = 0; k < ETH_FLOW_MAX; k++) {
		ret = ethtool_flow_hash_get(ifname, (enum eth_flow)k, &f);
		if (ret) {
			json_object_object_add(v, ethtool_flow_name((enum eth_flow)k),
					       json_object_new_string(why(ret)));
			continue;
		}
		json_object *a = json_object_new_array();
		for (size_t i = 0; i < sizeof(rxh_names) / sizeof(rxh_names[0]); i++)
			if (f & rxh_names[i].bit)
				json_object_array_add(a, json_object_new_string(rxh_names[i].name));
		json_object_object_add(v, ethtool_flow_name((enum eth_flow)k), a);
	}
	json_object_object_add(o, "flow_hash", v);
	if (!(ret = ethtool_offloads_get(ifname, &off))) {
		v = json_object_new_object();
		for (int k = 0; k < ETH_OFF_MAX; k++)
			json_object_object_add(v, ethtool_offload_name((enum eth_offload)k),
					       off.on[k] < 0 ? NULL
							     : json_object_new_boolean(off.on[k]));
		json_object_object_add(o, "offloads", v);
	} else {
		json_object_object_add(o, "offloads", json_object_new_string(why(ret)));
	}
	free(rss);
	return o;
}

static void print_text(json_object *o)
{
	json_object *v, *x;
	const char *ifname = json_object_get_string(json_object_object_get(o, "iface"));

	json_object_object_get_ex(o, "driver", &v);
	printf("%s (driver %s)\n", ifname, v ? json_object_get_string(v) : "?");
	json_object_object_get_ex(o, "channels", &v);
	if (json_object_is_type(v, json_type_object))
		printf("  channels:  rx %ld/%ld  tx %ld/%ld  combined %ld/%ld  (now/max)\n",
		       (long)json_object_get_int64(json_object_object_get(v, "rx")),
		       (long)json_object_get_int64(json_object_object_get(v, "max_rx")),
		       (long)json_object_get_int64(json_object_object_get(v, "tx")),
		       (long)json_object_get_int64(json_object_object_get(v, "max_tx")),
		       (long)json_object_get_int64(json_object_object_get(v, "combined")),
		       (long)json_object_get_int64(json_object_object_get(v, "max_combined")));
	else
		printf("  channels:  %s\n", json_object_get_string(v));
	json_object_object_get_ex(o, "rings", &v);
	if (json_object_is_type(v, json_type_object))
		printf("  rings:     rx %ld/%ld  tx %ld/%ld  (now/max)\n",
		       (long)json_object_get_int64(json_object_object_get(v, "rx")),
		       (long)json_object_get_int64(json_object_object_get(v, "rx_max")),
		       (long)json_object_get_int64(json_object_object_get(v, "tx")),
		       (long)json_object_get_int64(json_object_object_get(v, "tx_max")));
	else
		printf("  rings:     %s\n", json_object_get_string(v));
	json_object_object_get_ex(o, "rss", &v);
	if (json_object_is_type(v, json_type_object)) {
		x = json_object_object_get(v, "indir");
		printf("  rss key:   %s\n",
		       json_object_get_string(json_object_object_get(v, "key")));
		printf("  rss table: %zu entries:", json_object_array_length(x));
		for (size_t i = 0; i < json_object_array_length(x); i++)
			printf("%s%d", i % 16 ? " " : "\n    ",
			       json_object_get_int(json_object_array_get_idx(x, i)));
		printf("\n");
	} else {
		printf("  rss:       %s\n", json_object_get_string(v));
	}
	json_object_object_get_ex(o, "flow_hash", &v);
	json_object_object_foreach(v, flow, fields)
	{
		printf("  hash %s: ", flow);
		if (json_object_is_type(fields, json_type_array)) {
			for (size_t i = 0; i < json_object_array_length(fields); i++)
				printf("%s%s", i ? " " : "",
				       json_object_get_string(
					       json_object_array_get_idx(fields, i)));
			printf("\n");
		} else {
			printf("%s\n", json_object_get_string(fields));
		}
	}
	json_object_object_get_ex(o, "offloads", &v);
	if (json_object_is_type(v, json_type_object)) {
		printf("  offloads: ");
		json_object_object_foreach(v, name, on)
		{
			printf(" %s %s", name,
			       on ? (json_object_get_boolean(on) ? "on" : "off") : "-");
		}
		printf("\n");
	} else {
		printf("  offloads:  %s\n", json_object_get_string(v));
	}
}

int cmd_nic_show(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	const struct vnfctl_cmd *c = cli_find("nic", "show");
	json_object *o;

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage_fail(c, "exactly one IFACE is required");
	if (strlen(argv[1]) >= IFNAMSIZ || !if_nametoindex(argv[1]))
		return cli_fail("%s: no such interface", argv[1]);
	o = nic_json(argv[1]);
	if (ctx->json)
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	else
		print_text(o);
	json_object_put(o);
	return EXIT_OK;
}

/* ---- setup and restore ---------------------------------------------------------------- */

#define NIC_STATE_DEFAULT "/var/lib/vnfctl/nics"

static void nic_state_path(const char *ifname, char *path, size_t len)
{
	snprintf(path, len, "%s/nic-%s.json", state_dir(NIC_STATE_DEFAULT), ifname);
}

static int nic_state_write(const char *path, const struct nic_state *s, char *err, size_t errlen)
{
	char *text = nic_state_to_json(s);
	int ret = text ? file_write_atomic(path, text, strlen(text), 0600, err, errlen) : -ENOMEM;

	if (!text)
		snprintf(err, errlen, "out of memory");
	free(text);
	return ret;
}

/* The original settings, written once: the first change keeps them until nic restore. */
static int nic_save_original(const char *ifname, const struct nic_state *orig, char *err,
			     size_t errlen)
{
	char path[PATH_MAX];
	int ret;

	nic_state_path(ifname, path, sizeof(path));
	if (access(path, F_OK) == 0)
		return 0;
	ret = state_mkdir(state_dir(NIC_STATE_DEFAULT), err, errlen);
	return ret ? ret : nic_state_write(path, orig, err, errlen);
}

/* The kept state. */
static int nic_state_load(const char *path, struct nic_state *s, char *err, size_t errlen)
{
	char *text;
	size_t len;
	int ret = file_read_all(path, &text, &len, err, errlen);

	if (ret)
		return ret;
	ret = nic_state_from_json(text, s);
	if (ret)
		snprintf(err, errlen, "not a kept NIC state");
	free(text);
	return ret;
}

/* Adds ip/len to the addresses the kept state says vnfctl added (restore removes them). */
static int state_note_addr(const char *ifname, const uint8_t ip[4], uint8_t len, char *err,
			   size_t errlen)
{
	char path[PATH_MAX];
	struct nic_state s;
	int ret;

	nic_state_path(ifname, path, sizeof(path));
	ret = nic_state_load(path, &s, err, errlen);
	if (ret)
		return ret;
	if (s.n_added >= NIC_ADDRS_MAX) {
		snprintf(err, errlen, "more than %d addresses added", NIC_ADDRS_MAX);
		return -ENOSPC;
	}
	memcpy(s.added[s.n_added].ip, ip, 4);
	s.added[s.n_added++].len = len;
	return nic_state_write(path, &s, err, errlen);
}

struct nic_setup_opts {
	long queues, rx_slots, tx_slots; /* -1: not asked */
	const char *key_hex, *profile;
	uint8_t key[RSS_KEY_MAX]; /* what key_hex or profile gives; key_len 0: neither */
	size_t key_len;
	int reta_equal, flow_hash; /* flow_hash: 0 none, 3 l3, 4 l4 */
	int offloads;		   /* -1 none, 0 off, 1 on */
	int dry_run;
	const char *addr; /* --addr CIDR: added (if missing), and the link up */
	uint8_t ip[4], plen;
};

static int parse_count(const struct vnfctl_cmd *c, const char *opt, const char *v, long max,
		       long *out)
{
	char *end;
	long x = strtol(v, &end, 10);

	if (!*v || *end || x < 1 || x > max)
		return cli_usage_fail(c, "%s \"%s\": not a number in 1..%ld", opt, v, max);
	*out = x;
	return 0;
}

/* What to ask the driver for, from what it has now; a part it lacks is an error. */
static int nic_plan(const char *ifname, const char *drv, const struct nic_setup_opts *o,
		    const struct nic_state *cur, struct nic_state *want)
{
	memset(want, 0, sizeof(*want));
	if (o->queues > 0) {
		if (!cur->has_ch)
			return cli_fail(
				"%s (driver %s) cannot set the queue count: not supported by "
				"the driver",
				ifname, drv);
		want->has_ch = 1;
		want->ch = cur->ch;
		if (cur->ch.max_combined) {
			if (o->queues > (long)cur->ch.max_combined)
				return cli_fail(
					"%s (driver %s): --queues %ld: the device has at most "
					"%u",
					ifname, drv, o->queues, cur->ch.max_combined);
			want->ch.combined = (uint32_t)o->queues;
		} else {
			if (o->queues > (long)cur->ch.max_rx || o->queues > (long)cur->ch.max_tx)
				return cli_fail(
					"%s (driver %s): --queues %ld: the device has at most "
					"%u RX and %u TX queues",
					ifname, drv, o->queues, cur->ch.max_rx, cur->ch.max_tx);
			want->ch.rx = want->ch.tx = (uint32_t)o->queues;
		}
	}
	if (o->rx_slots > 0 || o->tx_slots > 0) {
		if (!cur->has_rings)
			return cli_fail(
				"%s (driver %s) cannot set ring sizes: not supported by the "
				"driver",
				ifname, drv);
		want->has_rings = 1;
		want->rings = cur->rings;
		if (o->rx_slots > 0)
			want->rings.rx = (uint32_t)o->rx_slots;
		if (o->tx_slots > 0)
			want->rings.tx = (uint32_t)o->tx_slots;
		if (want->rings.rx > cur->rings.rx_max || want->rings.tx > cur->rings.tx_max)
			return cli_fail(
				"%s (driver %s): ring sizes %u/%u: the device allows at most "
				"%u/%u",
				ifname, drv, want->rings.rx, want->rings.tx, cur->rings.rx_max,
				cur->rings.tx_max);
	}
	if (o->key_len || o->reta_equal) {
		if (!cur->has_rss)
			return cli_fail(
				"%s (driver %s) cannot set the RSS key or table: not supported "
				"by the driver",
				ifname, drv);
		want->has_rss = 1;
		want->rss = cur->rss;
		if (o->key_len && o->key_len != cur->rss.key_size)
			return cli_fail(
				"%s (driver %s): the RSS key is %zu bytes, the device's is %u",
				ifname, drv, o->key_len, cur->rss.key_size);
		if (o->key_len)
			memcpy(want->rss.key, o->key, o->key_len);
		if (o->reta_equal) {
			uint32_t n = want->has_ch
					     ? (want->ch.combined ? want->ch.combined : want->ch.rx)
					     : (cur->ch.combined ? cur->ch.combined : cur->ch.rx);
			for (uint32_t i = 0; i < want->rss.indir_size; i++)
				want->rss.indir[i] = i % (n ? n : 1);
		}
	}
	if (o->flow_hash) {
		uint64_t f = RXH_IP_SRC | RXH_IP_DST;
		if (o->flow_hash == 4)
			f |= RXH_L4_B_0_1 | RXH_L4_B_2_3;
		for (int k = 0; k < ETH_FLOW_MAX; k++) {
			if (!cur->has_fh[k])
				return cli_fail("%s (driver %s) cannot set the %s flow hash: not "
						"supported by the driver",
						ifname, drv, ethtool_flow_name((enum eth_flow)k));
			want->has_fh[k] = 1;
			want->fh[k] = f;
		}
	}
	if (o->addr) {
		want->has_up = 1;
		want->up = 1;
	}
	if (o->offloads >= 0) {
		if (!cur->has_off)
			return cli_fail("%s (driver %s) cannot set offloads: not supported by the "
					"driver",
					ifname, drv);
		want->has_off = 1;
		want->off = cur->off;
		for (int k = 0; k < ETH_OFF_MAX; k++)
			if (cur->off.on[k] >= 0 && !cur->off.fixed[k])
				want->off.on[k] = (int8_t)o->offloads;
			else
				want->off.on[k] = -1;
	}
	return 0;
}

/* The parts want changes, with the values they have now, for undoing a failed setup. */
static void nic_undo_of(const struct nic_state *cur, const struct nic_state *want,
			struct nic_state *undo)
{
	*undo = *cur;
	undo->has_ch = want->has_ch && cur->has_ch;
	undo->has_rings = want->has_rings && cur->has_rings;
	undo->has_rss = want->has_rss && cur->has_rss;
	for (int k = 0; k < ETH_FLOW_MAX; k++)
		undo->has_fh[k] = want->has_fh[k] && cur->has_fh[k];
	undo->has_off = want->has_off && cur->has_off;
	undo->has_up = want->has_up && cur->has_up;
	for (int k = 0; k < ETH_OFF_MAX; k++)
		if (cur->off.fixed[k])
			undo->off.on[k] = -1;
}

int cmd_nic_setup(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "queues", required_argument, 0, 'q' },
		{ "rx-slots", required_argument, 0, 'r' },
		{ "tx-slots", required_argument, 0, 't' },
		{ "rss-key", required_argument, 0, 'k' },
		{ "rss-profile", required_argument, 0, 'p' },
		{ "reta", required_argument, 0, 'R' },
		{ "flow-hash", required_argument, 0, 'f' },
		{ "offloads", required_argument, 0, 'o' },
		{ "dry-run", no_argument, 0, 'n' },
		{ "addr", required_argument, 0, 'a' },
		{ 0, 0, 0, 0 },
	};
	const struct vnfctl_cmd *c = cli_find("nic", "setup");
	struct nic_setup_opts o = { .queues = -1, .rx_slots = -1, .tx_slots = -1, .offloads = -1 };
	struct nic_state cur, want, undo;
	char drv[64] = "?", err[VNFCTL_ERR_LEN], uerr[VNFCTL_ERR_LEN], *text;
	const char *ifname;
	int ch, rc = 0;

	(void)ctx;
	optind = 1;
	opterr = 0;
	while (!rc && (ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'q':
			rc = parse_count(c, "--queues", optarg, 4096, &o.queues);
			break;
		case 'r':
			rc = parse_count(c, "--rx-slots", optarg, 1 << 20, &o.rx_slots);
			break;
		case 't':
			rc = parse_count(c, "--tx-slots", optarg, 1 << 20, &o.tx_slots);
			break;
		case 'k':
			o.key_hex = optarg;
			break;
		case 'p':
			o.profile = optarg;
			break;
		case 'R':
			if (strcmp(optarg, "equal"))
				return cli_usage_fail(c, "--reta \"%s\": accepted: equal", optarg);
			o.reta_equal = 1;
			break;
		case 'f':
			if (strcmp(optarg, "l4") && strcmp(optarg, "l3"))
				return cli_usage_fail(c, "--flow-hash \"%s\": accepted: l4, l3",
						      optarg);
			o.flow_hash = optarg[1] == '4' ? 4 : 3;
			break;
		case 'o':
			if (strcmp(optarg, "off") && strcmp(optarg, "on"))
				return cli_usage_fail(c, "--offloads \"%s\": accepted: off, on",
						      optarg);
			o.offloads = optarg[1] == 'n';
			break;
		case 'n':
			o.dry_run = 1;
			break;
		case 'a':
			o.addr = optarg;
			if (nic_parse_cidr(optarg, o.ip, &o.plen))
				return cli_usage_fail(
					c,
					"--addr \"%s\": not an IPv4 address with prefix "
					"length (a.b.c.d/0..32)",
					optarg);
			break;
		default:
			return cli_usage_fail(c, "unknown option or missing value: \"%s\"",
					      argv[optind - 1]);
		}
	}
	if (rc)
		return rc;
	if (optind != argc - 1)
		return cli_usage_fail(c, "exactly one IFACE is required");
	if (o.key_hex && o.profile)
		return cli_usage_fail(c, "--rss-key and --rss-profile exclude each other");
	/* a misspelt key or profile is a usage error, whatever the driver can do */
	if (o.key_hex || o.profile) {
		int r = rss_key_resolve(o.key_hex, o.profile, o.key, &o.key_len);

		if (r == -ENOENT)
			return cli_usage_fail(c, "--rss-profile \"%s\": unknown (default, ms, mtcp)",
					      o.profile);
		if (r)
			return cli_usage_fail(c, "--rss-key \"%s\": not hex bytes", o.key_hex);
	}
	ifname = argv[optind];
	if (strlen(ifname) >= IFNAMSIZ || !if_nametoindex(ifname))
		return cli_fail("%s: no such interface", ifname);
	ethtool_driver_get(ifname, drv, sizeof(drv));
	nic_state_read(ifname, &cur);
	rc = nic_plan(ifname, drv, &o, &cur, &want);
	if (rc)
		return rc;
	if (o.dry_run) {
		text = nic_state_to_json(&want);
		printf("%s: would set (read back after each step):\n%s\n", ifname,
		       text ? text : "?");
		free(text);
		return EXIT_OK;
	}
	if (nic_save_original(ifname, &cur, err, sizeof(err)))
		return cli_fail("%s: %s; nothing changed", ifname, err);
	if (nic_state_apply(ifname, &want, err, sizeof(err))) {
		nic_undo_of(&cur, &want, &undo);
		if (nic_state_apply(ifname, &undo, uerr, sizeof(uerr)))
			return cli_fail("%s (driver %s): cannot set %s; undoing failed too (%s): "
					"run vnfctl nic restore %s",
					ifname, drv, err, uerr, ifname);
		return cli_fail("%s (driver %s): cannot set %s; the rest was put back", ifname, drv,
				err);
	}
	if (o.addr) {
		unsigned idx = if_nametoindex(ifname);
		int has = rtnl_addr_has(idx, o.ip, o.plen), ret = 0;
		if (has == 0 && !(ret = rtnl_addr(idx, o.ip, o.plen, 1)))
			ret = state_note_addr(ifname, o.ip, o.plen, err, sizeof(err));
		else if (has < 0)
			ret = has;
		if (ret == 0 && rtnl_addr_has(idx, o.ip, o.plen) != 1)
			ret = -EIO;
		if (ret)
			return cli_fail("%s (driver %s): cannot add the address %s: %s", ifname,
					drv, o.addr, ret == -EIO && *err ? err : strerror(-ret));
	}
	printf("%s: set and read back\n", ifname);
	return EXIT_OK;
}

int cmd_nic_restore(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	const struct vnfctl_cmd *c = cli_find("nic", "restore");
	char path[PATH_MAX], err[VNFCTL_ERR_LEN];
	struct nic_state orig;
	unsigned idx;
	int ret;

	(void)ctx;
	if (argc != 2 || argv[1][0] == '-')
		return cli_usage_fail(c, "exactly one IFACE is required");
	nic_state_path(argv[1], path, sizeof(path));
	if (access(path, F_OK) && errno == ENOENT) {
		printf("%s: nothing to restore\n", argv[1]);
		return EXIT_OK;
	}
	if (nic_state_load(path, &orig, err, sizeof(err)))
		return cli_fail("%s: %s: %s", argv[1], path, err);
	idx = if_nametoindex(argv[1]);
	if (!idx)
		return cli_fail("%s: no such interface", argv[1]);
	for (unsigned i = 0; i < orig.n_added; i++) {
		const uint8_t *a = orig.added[i].ip;
		ret = rtnl_addr(idx, a, orig.added[i].len, 0);
		if (ret && ret != -EADDRNOTAVAIL)
			return cli_fail("%s: restore: cannot remove the address %u.%u.%u.%u/%u: %s",
					argv[1], a[0], a[1], a[2], a[3], orig.added[i].len,
					strerror(-ret));
	}
	if (nic_state_apply(argv[1], &orig, err, sizeof(err)))
		return cli_fail("%s: restore: %s (the saved state stays in %s)", argv[1], err,
				path);
	unlink(path);
	printf("%s: original settings restored\n", argv[1]);
	return EXIT_OK;
}
