#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include "ethtool.h"

const char *ethtool_flow_name(enum eth_flow f)
{
	static const char *const n[] = { "tcp4", "udp4", "tcp6", "udp6" };
	return (unsigned)f < ETH_FLOW_MAX ? n[f] : NULL;
}

const char *ethtool_offload_name(enum eth_offload o)
{
	static const char *const n[] = { "tso", "gso", "gro", "lro", "rx-checksum", "tx-checksum" };
	return (unsigned)o < ETH_OFF_MAX ? n[o] : NULL;
}

/* The offload a kernel feature name belongs to, as ethtool(8) groups them (an offload is on
 * when any of its features is, and switching it switches them all), or -1.  Matched by
 * pattern: kernels add variants (tx-tcp-accecn-segmentation, ...). */
static int offload_of(const char *name)
{
	char n[ETH_GSTRING_LEN + 1];

	memcpy(n, name, ETH_GSTRING_LEN);
	n[ETH_GSTRING_LEN] = '\0';
	if (!strncmp(n, "tx-tcp", 6) && strstr(n, "segmentation"))
		return ETH_OFF_TSO;
	if (!strcmp(n, "tx-generic-segmentation"))
		return ETH_OFF_GSO;
	if (!strcmp(n, "rx-gro"))
		return ETH_OFF_GRO;
	if (!strcmp(n, "rx-lro"))
		return ETH_OFF_LRO;
	if (!strcmp(n, "rx-checksum"))
		return ETH_OFF_RXCSUM;
	if (!strncmp(n, "tx-checksum-", 12))
		return ETH_OFF_TXCSUM;
	return -1;
}

/* One SIOCETHTOOL call with cmd's buffer. */
static int eth_ioctl(const char *ifname, void *cmd)
{
	struct ifreq ifr;
	int fd, ret = 0;

	if (strlen(ifname) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	ifr.ifr_data = cmd;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int ethtool_driver_get(const char *ifname, char *driver, size_t len)
{
	struct ethtool_drvinfo d = { .cmd = ETHTOOL_GDRVINFO };
	int ret = eth_ioctl(ifname, &d);

	if (!ret) {
		d.driver[sizeof(d.driver) - 1] = '\0';
		snprintf(driver, len, "%s", d.driver);
	}
	return ret;
}

int ethtool_channels_get(const char *ifname, struct eth_channels *c)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	int ret = eth_ioctl(ifname, &ch);

	if (!ret)
		*c = (struct eth_channels){ ch.max_rx,	     ch.max_tx,	       ch.max_other,
					    ch.max_combined, ch.rx_count,      ch.tx_count,
					    ch.other_count,  ch.combined_count };
	return ret;
}

int ethtool_rings_get(const char *ifname, struct eth_rings *r)
{
	struct ethtool_ringparam rp = { .cmd = ETHTOOL_GRINGPARAM };
	int ret = eth_ioctl(ifname, &rp);

	if (!ret)
		*r = (struct eth_rings){ rp.rx_max_pending, rp.tx_max_pending, rp.rx_pending,
					 rp.tx_pending };
	return ret;
}

int ethtool_rss_get(const char *ifname, struct eth_rss *r)
{
	struct ethtool_rxfh head = { .cmd = ETHTOOL_GRSSH }, *full;
	size_t bytes;
	int ret;

	memset(r, 0, sizeof(*r));
	/* first the sizes, then the table and key */
	ret = eth_ioctl(ifname, &head);
	if (ret)
		return ret;
	if (head.indir_size > ETHTOOL_INDIR_MAX || head.key_size > ETHTOOL_KEY_MAX)
		return -E2BIG;
	bytes = sizeof(*full) + head.indir_size * sizeof(uint32_t) + head.key_size;
	full = calloc(1, bytes);
	if (!full)
		return -ENOMEM;
	full->cmd = ETHTOOL_GRSSH;
	full->indir_size = head.indir_size;
	full->key_size = head.key_size;
	ret = eth_ioctl(ifname, full);
	if (!ret) {
		r->indir_size = full->indir_size;
		r->key_size = full->key_size;
		r->hfunc = full->hfunc;
		memcpy(r->indir, full->rss_config, full->indir_size * sizeof(uint32_t));
		memcpy(r->key, (uint8_t *)(full->rss_config + full->indir_size), full->key_size);
	}
	free(full);
	return ret;
}

int ethtool_flow_hash_get(const char *ifname, enum eth_flow f, uint64_t *fields)
{
	static const uint32_t type[] = { TCP_V4_FLOW, UDP_V4_FLOW, TCP_V6_FLOW, UDP_V6_FLOW };
	struct ethtool_rxnfc n = { .cmd = ETHTOOL_GRXFH };
	int ret;

	if ((unsigned)f >= ETH_FLOW_MAX)
		return -EINVAL;
	n.flow_type = type[f];
	ret = eth_ioctl(ifname, &n);
	if (!ret)
		*fields = n.data;
	return ret;
}

/* The kernel's feature names (ETH_SS_FEATURES) and, per name, bit i of the GFEATURES
 * blocks: the strings' order is the bits' order. */
/* The offload each of the device's features belongs to (offload_of), in the order of the
 * feature bits: *kind gets n entries (caller frees).  0 or -errno. */
static int feature_kinds(const char *ifname, int8_t **kind, uint32_t *n)
{
	struct ethtool_sset_info *info = calloc(1, sizeof(*info) + sizeof(uint32_t));
	struct ethtool_gstrings *names = NULL;
	int ret;

	*kind = NULL;
	*n = 0;
	if (!info)
		return -ENOMEM;
	info->cmd = ETHTOOL_GSSET_INFO;
	info->sset_mask = 1ull << ETH_SS_FEATURES;
	ret = eth_ioctl(ifname, info);
	if (ret)
		goto out;
	*n = info->sset_mask ? info->data[0] : 0;
	names = calloc(1, sizeof(*names) + (size_t)*n * ETH_GSTRING_LEN);
	*kind = calloc(*n ? *n : 1, sizeof(**kind));
	if (!names || !*kind) {
		ret = -ENOMEM;
		goto out;
	}
	names->cmd = ETHTOOL_GSTRINGS;
	names->string_set = ETH_SS_FEATURES;
	names->len = *n;
	ret = eth_ioctl(ifname, names);
	for (uint32_t i = 0; !ret && i < *n; i++)
		(*kind)[i] =
			(int8_t)offload_of((const char *)names->data + (size_t)i * ETH_GSTRING_LEN);
out:
	if (ret) {
		free(*kind);
		*kind = NULL;
	}
	free(info);
	free(names);
	return ret;
}

int ethtool_offloads_get(const char *ifname, struct eth_offloads *o)
{
	struct ethtool_gfeatures *feat = NULL;
	int8_t *kind;
	uint32_t n;
	int ret;

	for (int i = 0; i < ETH_OFF_MAX; i++)
		o->on[i] = -1, o->fixed[i] = 1;
	ret = feature_kinds(ifname, &kind, &n);
	if (ret)
		return ret;
	feat = calloc(1, sizeof(*feat) + (n + 31) / 32 * sizeof(feat->features[0]));
	if (!feat) {
		ret = -ENOMEM;
		goto out;
	}
	feat->cmd = ETHTOOL_GFEATURES;
	feat->size = (n + 31) / 32;
	ret = eth_ioctl(ifname, feat);
	for (uint32_t i = 0; !ret && i < n; i++) {
		const struct ethtool_get_features_block *b = &feat->features[i / 32];
		uint32_t bit = 1u << (i % 32);
		int k = kind[i];
		if (k < 0)
			continue;
		/* several features for one offload: on if any is on, changeable if any can */
		o->on[k] = o->on[k] == 1 || (b->active & bit) ? 1 : 0;
		o->fixed[k] = o->fixed[k] && (!(b->available & bit) || (b->never_changed & bit));
	}
out:
	free(kind);
	free(feat);
	return ret;
}

int ethtool_channels_set(const char *ifname, const struct eth_channels *c)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_SCHANNELS,
				       .rx_count = c->rx,
				       .tx_count = c->tx,
				       .other_count = c->other,
				       .combined_count = c->combined };
	return eth_ioctl(ifname, &ch);
}

int ethtool_rings_set(const char *ifname, uint32_t rx, uint32_t tx)
{
	struct ethtool_ringparam rp = { .cmd = ETHTOOL_GRINGPARAM };
	int ret = eth_ioctl(ifname, &rp);

	if (ret)
		return ret;
	rp.cmd = ETHTOOL_SRINGPARAM;
	rp.rx_pending = rx;
	rp.tx_pending = tx;
	return eth_ioctl(ifname, &rp);
}

int ethtool_rss_set(const char *ifname, const uint8_t *key, uint32_t key_size,
		    const uint32_t *indir, uint32_t indir_size)
{
	size_t n = indir ? indir_size : 0, k = key ? key_size : 0;
	struct ethtool_rxfh *r = calloc(1, sizeof(*r) + n * sizeof(uint32_t) + k);
	int ret;

	if (!r)
		return -ENOMEM;
	r->cmd = ETHTOOL_SRSSH;
	r->indir_size = indir ? indir_size : ETH_RXFH_INDIR_NO_CHANGE;
	r->key_size = (uint32_t)k;
	if (indir)
		memcpy(r->rss_config, indir, n * sizeof(uint32_t));
	if (key)
		memcpy((uint8_t *)(r->rss_config + n), key, k);
	ret = eth_ioctl(ifname, r);
	free(r);
	return ret;
}

int ethtool_flow_hash_set(const char *ifname, enum eth_flow f, uint64_t fields)
{
	static const uint32_t type[] = { TCP_V4_FLOW, UDP_V4_FLOW, TCP_V6_FLOW, UDP_V6_FLOW };
	struct ethtool_rxnfc n = { .cmd = ETHTOOL_SRXFH, .data = fields };

	if ((unsigned)f >= ETH_FLOW_MAX)
		return -EINVAL;
	n.flow_type = type[f];
	return eth_ioctl(ifname, &n);
}

int ethtool_offloads_set(const char *ifname, const int8_t want[ETH_OFF_MAX])
{
	struct ethtool_sfeatures *sf = NULL;
	int8_t *kind;
	uint32_t n;
	int ret = feature_kinds(ifname, &kind, &n);

	if (ret)
		return ret;
	sf = calloc(1, sizeof(*sf) + (n + 31) / 32 * sizeof(sf->features[0]));
	if (!sf) {
		free(kind);
		return -ENOMEM;
	}
	sf->cmd = ETHTOOL_SFEATURES;
	sf->size = (n + 31) / 32;
	for (uint32_t i = 0; i < n; i++) {
		if (kind[i] < 0 || want[kind[i]] < 0)
			continue;
		sf->features[i / 32].valid |= 1u << (i % 32);
		if (want[kind[i]])
			sf->features[i / 32].requested |= 1u << (i % 32);
	}
	/* the kernel answers > 0 when it had to adjust what was asked (a dependent feature):
	 * the caller reads back what it got */
	ret = eth_ioctl(ifname, sf);
	free(kind);
	free(sf);
	return ret;
}
