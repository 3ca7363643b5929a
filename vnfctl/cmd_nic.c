/* vnfctl nic show: what the kernel's ethtool interface says about a NIC. */
#include <errno.h>
#include <json-c/json.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <linux/ethtool.h>
#include "cli.h"
#include "../dataplane/ethtool.h"

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
