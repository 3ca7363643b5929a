/* The kernel's ethtool interface (SIOCETHTOOL) for one interface: queues, rings, RSS key and
 * indirection table, flow-hash fields, offload features.  Shared by vnfctl (nic show / setup
 * on the host) and the dataplane (its own vNIC's RSS in nic mode).  Calls return 0 or -errno;
 * -EOPNOTSUPP means the driver does not have the operation. */
#ifndef VNF_ETHTOOL_H
#define VNF_ETHTOOL_H
#include <stddef.h>
#include <stdint.h>

#define ETHTOOL_KEY_MAX	  128
#define ETHTOOL_INDIR_MAX 4096

struct eth_channels {
	uint32_t max_rx, max_tx, max_other, max_combined;
	uint32_t rx, tx, other, combined;
};

struct eth_rings {
	uint32_t rx_max, tx_max;
	uint32_t rx, tx;
};

struct eth_rss {
	uint32_t key_size, indir_size;
	uint8_t key[ETHTOOL_KEY_MAX];
	uint32_t indir[ETHTOOL_INDIR_MAX];
	uint8_t hfunc; /* ETH_RSS_HASH_* bit; 0 unknown */
};

/* The flow types nic show reports, in this order. */
enum eth_flow { ETH_FLOW_TCP4 = 0, ETH_FLOW_UDP4, ETH_FLOW_TCP6, ETH_FLOW_UDP6, ETH_FLOW_MAX };

/* The offloads vnfctl cares about (netmap wants them off), by the kernel's feature names. */
enum eth_offload {
	ETH_OFF_TSO = 0, /* tx-tcp-segmentation */
	ETH_OFF_GSO,	 /* tx-generic-segmentation */
	ETH_OFF_GRO,	 /* rx-gro */
	ETH_OFF_LRO,	 /* rx-lro */
	ETH_OFF_RXCSUM,	 /* rx-checksum */
	ETH_OFF_TXCSUM,	 /* tx-checksum-ip-generic (or the IPv4/IPv6 variants) */
	ETH_OFF_MAX
};

struct eth_offloads {
	int8_t on[ETH_OFF_MAX];	   /* 1 on, 0 off, -1 the device has no such feature */
	int8_t fixed[ETH_OFF_MAX]; /* 1: cannot be changed */
};

const char *ethtool_flow_name(enum eth_flow f);	      /* "tcp4" ... */
const char *ethtool_offload_name(enum eth_offload o); /* "tso" ... */

int ethtool_driver_get(const char *ifname, char *driver, size_t len);
int ethtool_channels_get(const char *ifname, struct eth_channels *c);
int ethtool_rings_get(const char *ifname, struct eth_rings *r);
int ethtool_rss_get(const char *ifname, struct eth_rss *r);
/* RXH_* bits (linux/ethtool.h) of the fields the flow type's hash covers. */
int ethtool_flow_hash_get(const char *ifname, enum eth_flow f, uint64_t *fields);
int ethtool_offloads_get(const char *ifname, struct eth_offloads *o);

/* Setters: each changes only what it is given. */
int ethtool_channels_set(const char *ifname, const struct eth_channels *c);
int ethtool_rings_set(const char *ifname, uint32_t rx, uint32_t tx);
/* key NULL / indir NULL: leave that part as it is. */
int ethtool_rss_set(const char *ifname, const uint8_t *key, uint32_t key_size,
		    const uint32_t *indir, uint32_t indir_size);
int ethtool_flow_hash_set(const char *ifname, enum eth_flow f, uint64_t fields);
/* The offloads with want[k] >= 0 are switched to it (0 off, 1 on); -1 leaves one alone. */
int ethtool_offloads_set(const char *ifname, const int8_t want[ETH_OFF_MAX]);

#endif
