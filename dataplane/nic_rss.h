/* nic mode: the dataplane programs its own vNIC's RSS at start, so the NIC (or QEMU's virtio-net)
 * picks the queue, and with it the worker, that `vnfdp rss --queues N` predicts:
 *   channels   one combined queue (or rx+tx pair) per worker
 *   key        the configured Toeplitz key (profile or rss.key); its size must be the device's
 *   table      the software RETA (entry i = i % workers over rss.reta_size entries) laid over
 *              the device's table size: device entry j = RETA[j & (reta_size - 1)]
 *   flow hash  source and destination address and port for tcp4, udp4, tcp6 and udp6
 * Every part is set through ethtool.h and read back.  The plan is pure (device state in,
 * settings out) and tested without a NIC; nic_rss_setup does the ioctls.  port.rss_setup says
 * what happens to a part the driver lacks (veth has no RSS): auto warns, require fails, off
 * touches nothing. */
#ifndef VNF_NIC_RSS_H
#define VNF_NIC_RSS_H
#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "ethtool.h"

enum nic_rss_part {
	NIC_RSS_CHANNELS = 0,
	NIC_RSS_KEY,
	NIC_RSS_TABLE,
	NIC_RSS_HASH, /* NIC_RSS_HASH + ETH_FLOW_*: one part per flow type */
	NIC_RSS_PARTS = NIC_RSS_HASH + ETH_FLOW_MAX
};

enum nic_rss_act {
	NIC_RSS_SET = 0, /* change it (or write it again) and read it back */
	NIC_RSS_KEEP,	 /* already as wanted */
	NIC_RSS_NOSUP,	 /* the device cannot: why[] says what it lacks */
};

#define NIC_RSS_WHY_LEN 96

/* What the device has now, as ethtool.h reads it; an *_err is that getter's 0 or -errno. */
struct nic_rss_dev {
	char ifname[64];
	char driver[32]; /* "?" when unknown */
	int ch_err;
	struct eth_channels ch;
	int rss_err;
	struct eth_rss rss;
	int fh_err[ETH_FLOW_MAX];
	uint64_t fh[ETH_FLOW_MAX];
};

struct nic_rss_plan {
	uint16_t queues;
	uint8_t act[NIC_RSS_PARTS];
	char why[NIC_RSS_PARTS][NIC_RSS_WHY_LEN]; /* for NIC_RSS_NOSUP */
	struct eth_channels ch;			  /* counts to set (NIC_RSS_CHANNELS) */
	uint32_t key_size, indir_size;
	uint8_t key[ETHTOOL_KEY_MAX];
	uint32_t indir[ETHTOOL_INDIR_MAX];
	uint64_t fh; /* RXH_* bits for every flow type */
};

/* "channels", "key", "table", "tcp4 flow hash", ... */
const char *nic_rss_part_name(enum nic_rss_part p);

/* The settings that make dev spread over queues workers like a software RSS with this key and
 * a reta_size-entry RETA of i % queues (rss_reta_set_equal).  Errors whatever port.rss_setup
 * says, as -EINVAL with "IFACE (driver X): ..." in err: a key of another size than the
 * device's, a device table the software RETA cannot be laid over (not a power of two, or
 * smaller than reta_size and not a multiple of queues).  What the driver lacks is not an
 * error here: those parts are NIC_RSS_NOSUP. */
int nic_rss_plan(const struct nic_rss_dev *dev, uint16_t queues, const uint8_t *key,
		 size_t key_len, uint16_t reta_size, struct nic_rss_plan *p, char *err,
		 size_t errlen);

/* Reads what the plan needs.  Only a missing interface is an error (-ENODEV); the parts the
 * driver lacks come back as their getters' errors. */
int nic_rss_dev_read(const char *ifname, struct nic_rss_dev *dev);

struct nic_rss_report {
	uint8_t done[NIC_RSS_PARTS]; /* enum nic_rss_act: what happened to each part */
	char driver[32];
	uint16_t queues;	   /* queues the device has afterwards (0: unknown) */
	char summary[256];	   /* what was set, one line */
	char warn[NIC_RSS_PARTS][200]; /* auto: one line per part left as it was, "" for none */
	unsigned n_warn;
};

/* Plans and applies: channels first (on virtio-net a queue-count change turns RSS off in the
 * device until the next RSS write), then key and table in one write, then the flow hashes;
 * each read back.  0, or -errno with "IFACE (driver X) cannot set the RSS key: not supported
 * by the driver" and the like in err; on an error nothing is undone (the next run sets it
 * again). */
int nic_rss_setup(const char *ifname, enum dp_rss_setup policy, uint16_t queues,
		  const uint8_t *key, size_t key_len, uint16_t reta_size,
		  struct nic_rss_report *rep, char *err, size_t errlen);

#endif
