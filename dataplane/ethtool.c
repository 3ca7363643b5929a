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
int ethtool_offloads_get(const char *ifname, struct eth_offloads *o)
{
	static const char *const want[ETH_OFF_MAX][3] = {
		{ "tx-tcp-segmentation" },
		{ "tx-generic-segmentation" },
		{ "rx-gro" },
		{ "rx-lro" },
		{ "rx-checksum" },
		{ "tx-checksum-ip-generic", "tx-checksum-ipv4", "tx-checksum-ipv6" },
	};
	struct ethtool_sset_info *info = NULL;
	struct ethtool_gstrings *names = NULL;
	struct ethtool_gfeatures *feat = NULL;
	uint32_t n = 0, blocks;
	int ret;

	for (int i = 0; i < ETH_OFF_MAX; i++)
		o->on[i] = -1, o->fixed[i] = 1;
	info = calloc(1, sizeof(*info) + sizeof(uint32_t));
	if (!info)
		return -ENOMEM;
	info->cmd = ETHTOOL_GSSET_INFO;
	info->sset_mask = 1ull << ETH_SS_FEATURES;
	ret = eth_ioctl(ifname, info);
	if (ret)
		goto out;
	n = info->sset_mask ? info->data[0] : 0;
	blocks = (n + 31) / 32;
	names = calloc(1, sizeof(*names) + (size_t)n * ETH_GSTRING_LEN);
	feat = calloc(1, sizeof(*feat) + blocks * sizeof(feat->features[0]));
	if (!names || !feat) {
		ret = -ENOMEM;
		goto out;
	}
	names->cmd = ETHTOOL_GSTRINGS;
	names->string_set = ETH_SS_FEATURES;
	names->len = n;
	feat->cmd = ETHTOOL_GFEATURES;
	feat->size = blocks;
	ret = eth_ioctl(ifname, names);
	if (!ret)
		ret = eth_ioctl(ifname, feat);
	if (ret)
		goto out;
	for (uint32_t i = 0; i < n; i++) {
		const char *name = (const char *)names->data + (size_t)i * ETH_GSTRING_LEN;
		const struct ethtool_get_features_block *b = &feat->features[i / 32];
		uint32_t bit = 1u << (i % 32);
		for (int k = 0; k < ETH_OFF_MAX; k++)
			for (int j = 0; j < 3 && want[k][j]; j++) {
				if (strncmp(name, want[k][j], ETH_GSTRING_LEN))
					continue;
				/* several names for one offload: on if any is on, changeable if
				 * any can change */
				o->on[k] = o->on[k] == 1 || (b->active & bit) ? 1 : 0;
				o->fixed[k] = o->fixed[k] &&
					      (!(b->available & bit) || (b->never_changed & bit));
			}
	}
out:
	free(info);
	free(names);
	free(feat);
	return ret;
}
