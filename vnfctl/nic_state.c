#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nic_state.h"

int nic_parse_cidr(const char *s, uint8_t ip[4], uint8_t *plen)
{
	char buf[32], *slash, *end;
	long l;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	l = strtol(slash + 1, &end, 10);
	if (!slash[1] || *end || l < 0 || l > 32 || inet_pton(AF_INET, buf, ip) != 1)
		return -EINVAL;
	*plen = (uint8_t)l;
	return 0;
}

void nic_state_read(const char *ifname, struct nic_state *s)
{
	memset(s, 0, sizeof(*s));
	s->has_ch = ethtool_channels_get(ifname, &s->ch) == 0;
	s->has_rings = ethtool_rings_get(ifname, &s->rings) == 0;
	s->has_rss = ethtool_rss_get(ifname, &s->rss) == 0 && s->rss.indir_size;
	for (int f = 0; f < ETH_FLOW_MAX; f++)
		s->has_fh[f] = ethtool_flow_hash_get(ifname, (enum eth_flow)f, &s->fh[f]) == 0;
	s->has_off = ethtool_offloads_get(ifname, &s->off) == 0;
	s->up = rtnl_link_is_up(ifname);
	s->has_up = s->up >= 0;
}

static int part_fail(char *err, size_t errlen, int ret, const char *what)
{
	snprintf(err, errlen, "%s: %s", what,
		 ret == -EOPNOTSUPP ? "not supported by the driver" : strerror(-ret));
	return ret;
}

static int apply_channels(const char *ifname, const struct nic_state *w, char *err, size_t errlen)
{
	struct eth_channels now;
	int ret = ethtool_channels_set(ifname, &w->ch);

	if (!ret)
		ret = ethtool_channels_get(ifname, &now);
	if (!ret && (now.rx != w->ch.rx || now.tx != w->ch.tx || now.combined != w->ch.combined))
		ret = -EIO;
	return ret ? part_fail(err, errlen, ret, "queues") : 0;
}

static int apply_rss(const char *ifname, const struct nic_state *w, char *err, size_t errlen)
{
	struct eth_rss *now = malloc(sizeof(*now));
	int ret = now ? 0 : -ENOMEM;

	if (!ret)
		ret = ethtool_rss_set(ifname, w->rss.key_size ? w->rss.key : NULL, w->rss.key_size,
				      w->rss.indir, w->rss.indir_size);
	if (!ret)
		ret = ethtool_rss_get(ifname, now);
	if (!ret &&
	    (now->key_size != w->rss.key_size || memcmp(now->key, w->rss.key, w->rss.key_size) ||
	     now->indir_size != w->rss.indir_size ||
	     memcmp(now->indir, w->rss.indir, w->rss.indir_size * sizeof(uint32_t))))
		ret = -EIO;
	free(now);
	return ret ? part_fail(err, errlen, ret, "RSS key and table") : 0;
}

int nic_state_apply(const char *ifname, const struct nic_state *w, char *err, size_t errlen)
{
	struct nic_state now;
	struct eth_channels cur;
	int ret, rss_first = 0;

	/* The kernel refuses fewer queues than the indirection table points at (EINVAL): when
	 * the queues go down, the table (which fits the new count) goes first as well; when they
	 * go up, the queues must exist before a table can point at them. */
	if (w->has_ch && w->has_rss && !ethtool_channels_get(ifname, &cur))
		rss_first = w->ch.combined + w->ch.rx < cur.combined + cur.rx;
	if (rss_first && (ret = apply_rss(ifname, w, err, errlen)))
		return ret;
	if (w->has_ch && (ret = apply_channels(ifname, w, err, errlen)))
		return ret;
	if (w->has_rings) {
		ret = ethtool_rings_set(ifname, w->rings.rx, w->rings.tx);
		if (!ret)
			ret = ethtool_rings_get(ifname, &now.rings);
		if (!ret && (now.rings.rx != w->rings.rx || now.rings.tx != w->rings.tx))
			ret = -EIO;
		if (ret)
			return part_fail(err, errlen, ret, "ring sizes");
	}
	for (int f = 0; f < ETH_FLOW_MAX; f++) {
		if (!w->has_fh[f])
			continue;
		ret = ethtool_flow_hash_set(ifname, (enum eth_flow)f, w->fh[f]);
		if (!ret && (ethtool_flow_hash_get(ifname, (enum eth_flow)f, &now.fh[f]) ||
			     now.fh[f] != w->fh[f]))
			ret = -EIO;
		if (ret)
			return part_fail(err, errlen, ret, ethtool_flow_name((enum eth_flow)f));
	}
	/* the table and key go after the flow hash too: QEMU's virtio-net (7.2, software RSS,
	 * Linux 6.1 guest) steered every flow to one queue after a change of queues and of the
	 * flow hash until the key and table were set again (tests/vm/rss.sh: spread) */
	if (w->has_rss && (ret = apply_rss(ifname, w, err, errlen)))
		return ret;
	if (w->has_off) {
		ret = ethtool_offloads_set(ifname, w->off.on);
		if (ret >= 0) /* > 0: the kernel adjusted dependent features; read what it did */
			ret = ethtool_offloads_get(ifname, &now.off);
		for (int k = 0; !ret && k < ETH_OFF_MAX; k++)
			if (w->off.on[k] >= 0 && !w->off.fixed[k] &&
			    now.off.on[k] != w->off.on[k]) {
				snprintf(err, errlen, "offload %s: asked %s, the driver kept it %s",
					 ethtool_offload_name((enum eth_offload)k),
					 w->off.on[k] ? "on" : "off", now.off.on[k] ? "on" : "off");
				return -EIO;
			}
		if (ret)
			return part_fail(err, errlen, ret, "offloads");
	}
	if (w->has_up) {
		ret = rtnl_link_up(if_nametoindex(ifname), w->up);
		if (!ret && rtnl_link_is_up(ifname) != w->up)
			ret = -EIO;
		if (ret)
			return part_fail(err, errlen, ret, w->up ? "link up" : "link down");
	}
	return 0;
}

char *nic_state_to_json(const struct nic_state *s)
{
	json_object *o = json_object_new_object(), *v;
	char hex[2 * ETHTOOL_KEY_MAX + 1];
	char *out;

	if (s->has_ch) {
		v = json_object_new_object();
		json_object_object_add(v, "rx", json_object_new_int64(s->ch.rx));
		json_object_object_add(v, "tx", json_object_new_int64(s->ch.tx));
		json_object_object_add(v, "other", json_object_new_int64(s->ch.other));
		json_object_object_add(v, "combined", json_object_new_int64(s->ch.combined));
		json_object_object_add(o, "channels", v);
	}
	if (s->has_rings) {
		v = json_object_new_object();
		json_object_object_add(v, "rx", json_object_new_int64(s->rings.rx));
		json_object_object_add(v, "tx", json_object_new_int64(s->rings.tx));
		json_object_object_add(o, "rings", v);
	}
	if (s->has_rss) {
		json_object *t = json_object_new_array();
		v = json_object_new_object();
		for (uint32_t i = 0; i < s->rss.key_size; i++)
			snprintf(hex + 2 * i, 3, "%02x", s->rss.key[i]);
		hex[2 * s->rss.key_size] = '\0';
		json_object_object_add(v, "key", json_object_new_string(hex));
		for (uint32_t i = 0; i < s->rss.indir_size; i++)
			json_object_array_add(t, json_object_new_int64(s->rss.indir[i]));
		json_object_object_add(v, "indir", t);
		json_object_object_add(o, "rss", v);
	}
	v = json_object_new_object();
	for (int f = 0; f < ETH_FLOW_MAX; f++)
		if (s->has_fh[f])
			json_object_object_add(v, ethtool_flow_name((enum eth_flow)f),
					       json_object_new_int64((int64_t)s->fh[f]));
	json_object_object_add(o, "flow_hash", v);
	if (s->has_off) {
		v = json_object_new_object();
		for (int k = 0; k < ETH_OFF_MAX; k++)
			if (s->off.on[k] >= 0 && !s->off.fixed[k])
				json_object_object_add(v, ethtool_offload_name((enum eth_offload)k),
						       json_object_new_boolean(s->off.on[k]));
		json_object_object_add(o, "offloads", v);
	}
	if (s->has_up)
		json_object_object_add(o, "up", json_object_new_boolean(s->up));
	if (s->n_added) {
		v = json_object_new_array();
		for (unsigned i = 0; i < s->n_added; i++) {
			const uint8_t *a = s->added[i].ip;
			snprintf(hex, sizeof(hex), "%u.%u.%u.%u/%u", a[0], a[1], a[2], a[3],
				 s->added[i].len);
			json_object_array_add(v, json_object_new_string(hex));
		}
		json_object_object_add(o, "addrs_added", v);
	}
	out = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
	json_object_put(o);
	return out;
}

static uint32_t u32_of(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) ? (uint32_t)json_object_get_int64(v) : 0;
}

int nic_state_from_json(const char *text, struct nic_state *s)
{
	json_object *o = json_tokener_parse(text), *v, *x;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return -EINVAL;
	}
	if (json_object_object_get_ex(o, "channels", &v)) {
		s->has_ch = 1;
		s->ch.rx = u32_of(v, "rx");
		s->ch.tx = u32_of(v, "tx");
		s->ch.other = u32_of(v, "other");
		s->ch.combined = u32_of(v, "combined");
	}
	if (json_object_object_get_ex(o, "rings", &v)) {
		s->has_rings = 1;
		s->rings.rx = u32_of(v, "rx");
		s->rings.tx = u32_of(v, "tx");
	}
	if (json_object_object_get_ex(o, "rss", &v)) {
		const char *hex = json_object_get_string(json_object_object_get(v, "key"));
		size_t n = hex ? strlen(hex) / 2 : 0;
		x = json_object_object_get(v, "indir");
		if (!hex || n > ETHTOOL_KEY_MAX || !json_object_is_type(x, json_type_array) ||
		    json_object_array_length(x) > ETHTOOL_INDIR_MAX) {
			ret = -EINVAL;
			goto out;
		}
		s->has_rss = 1;
		s->rss.key_size = (uint32_t)n;
		for (size_t i = 0; i < n; i++) {
			unsigned b;
			if (sscanf(hex + 2 * i, "%2x", &b) != 1) {
				ret = -EINVAL;
				goto out;
			}
			s->rss.key[i] = (uint8_t)b;
		}
		s->rss.indir_size = (uint32_t)json_object_array_length(x);
		for (uint32_t i = 0; i < s->rss.indir_size; i++)
			s->rss.indir[i] =
				(uint32_t)json_object_get_int64(json_object_array_get_idx(x, i));
	}
	if (json_object_object_get_ex(o, "flow_hash", &v))
		for (int f = 0; f < ETH_FLOW_MAX; f++)
			if (json_object_object_get_ex(v, ethtool_flow_name((enum eth_flow)f), &x)) {
				s->has_fh[f] = 1;
				s->fh[f] = (uint64_t)json_object_get_int64(x);
			}
	if (json_object_object_get_ex(o, "offloads", &v)) {
		s->has_off = 1;
		for (int k = 0; k < ETH_OFF_MAX; k++) {
			s->off.on[k] = -1;
			if (json_object_object_get_ex(v, ethtool_offload_name((enum eth_offload)k),
						      &x))
				s->off.on[k] = (int8_t)json_object_get_boolean(x);
		}
	}
	if (json_object_object_get_ex(o, "addrs_added", &v)) {
		size_t n = json_object_array_length(v);
		for (size_t i = 0; i < n && i < NIC_ADDRS_MAX; i++) {
			const char *c = json_object_get_string(json_object_array_get_idx(v, i));
			if (!c || nic_parse_cidr(c, s->added[i].ip, &s->added[i].len)) {
				ret = -EINVAL;
				goto out;
			}
		}
		s->n_added = n < NIC_ADDRS_MAX ? (unsigned)n : NIC_ADDRS_MAX;
	}
	if (json_object_object_get_ex(o, "up", &v)) {
		s->has_up = 1;
		s->up = json_object_get_boolean(v);
	}
out:
	json_object_put(o);
	return ret;
}
