/* nic mode's own RSS setup: plan (pure) and apply through ethtool.h, each part read back. */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/ethtool.h>
#include "common.h"
#include "nic_rss.h"

#define NIC_RSS_FIELDS (RXH_IP_SRC | RXH_IP_DST | RXH_L4_B_0_1 | RXH_L4_B_2_3)
/* ETH_RSS_HASH_TOP (bit 0 of ethtool_rxfh.hfunc); the kernel's uapi header keeps the names
 * of the hash functions to itself on older systems */
#define NIC_RSS_HFUNC_TOP 0x1u

const char *nic_rss_part_name(enum nic_rss_part p)
{
	static const char *const n[NIC_RSS_PARTS] = {
		[NIC_RSS_CHANNELS] = "queue count",
		[NIC_RSS_KEY] = "RSS key",
		[NIC_RSS_TABLE] = "RSS indirection table",
		[NIC_RSS_HASH + ETH_FLOW_TCP4] = "tcp4 flow hash",
		[NIC_RSS_HASH + ETH_FLOW_UDP4] = "udp4 flow hash",
		[NIC_RSS_HASH + ETH_FLOW_TCP6] = "tcp6 flow hash",
		[NIC_RSS_HASH + ETH_FLOW_UDP6] = "udp6 flow hash",
	};
	return (unsigned)p < NIC_RSS_PARTS ? n[p] : NULL;
}

static const char *nic_rss_errstr(int ret)
{
	return ret == -EOPNOTSUPP ? "not supported by the driver" : strerror(-ret);
}

__attribute__((format(printf, 3, 4))) static void
nosup(struct nic_rss_plan *p, enum nic_rss_part part, const char *fmt, ...)
{
	va_list ap;

	p->act[part] = NIC_RSS_NOSUP;
	va_start(ap, fmt);
	vsnprintf(p->why[part], sizeof(p->why[part]), fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 4, 5))) static int dev_err(const struct nic_rss_dev *dev, char *err,
							 size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s (driver %s): ", dev->ifname, dev->driver);

	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Queues the device has now per its channel counts, 0 when unknown. */
static uint32_t dev_queues(const struct nic_rss_dev *dev)
{
	if (dev->ch_err)
		return 0;
	if (dev->ch.max_combined)
		return dev->ch.combined;
	return MIN(dev->ch.rx, dev->ch.tx);
}

static void plan_channels(const struct nic_rss_dev *dev, struct nic_rss_plan *p)
{
	const struct eth_channels *c = &dev->ch;
	uint16_t q = p->queues;

	p->ch = *c;
	if (dev->ch_err) {
		nosup(p, NIC_RSS_CHANNELS, "%s", nic_rss_errstr(dev->ch_err));
	} else if (c->max_combined) {
		if (q > c->max_combined)
			nosup(p, NIC_RSS_CHANNELS, "the device has at most %u queues",
			      c->max_combined);
		else if (c->combined == q)
			p->act[NIC_RSS_CHANNELS] = NIC_RSS_KEEP;
		p->ch.combined = q;
	} else if (c->max_rx && c->max_tx) {
		if (q > c->max_rx || q > c->max_tx)
			nosup(p, NIC_RSS_CHANNELS, "the device has at most %u RX and %u TX queues",
			      c->max_rx, c->max_tx);
		else if (c->rx == q && c->tx == q)
			p->act[NIC_RSS_CHANNELS] = NIC_RSS_KEEP;
		p->ch.rx = p->ch.tx = q;
	} else {
		nosup(p, NIC_RSS_CHANNELS, "the driver reports no queue maximum");
	}
}

/* Key and table: always written (not kept when equal), because on virtio-net a change of the
 * queue count, by us or anyone, turns the device's RSS off until the next RSS write while
 * the driver still reports the old key and table. */
static int plan_rss(const struct nic_rss_dev *dev, const uint8_t *key, size_t key_len,
		    uint16_t reta_size, struct nic_rss_plan *p, char *err, size_t errlen)
{
	const struct eth_rss *r = &dev->rss;
	uint32_t have = dev_queues(dev), d = r->indir_size, q = p->queues;

	if (dev->rss_err) {
		nosup(p, NIC_RSS_KEY, "%s", nic_rss_errstr(dev->rss_err));
		nosup(p, NIC_RSS_TABLE, "%s", nic_rss_errstr(dev->rss_err));
		return 0;
	}
	if (r->hfunc && !(r->hfunc & NIC_RSS_HFUNC_TOP)) {
		/* another hash (XOR, CRC32): no key makes it agree with the software Toeplitz */
		nosup(p, NIC_RSS_KEY, "its hash function is not Toeplitz");
		nosup(p, NIC_RSS_TABLE, "its hash function is not Toeplitz");
		return 0;
	}
	if (!r->key_size)
		nosup(p, NIC_RSS_KEY, "the driver has no RSS key to set");
	else if (key_len != r->key_size)
		return dev_err(dev, err, errlen,
			       "the RSS key is %zu bytes, the device's is %u bytes (give rss.key "
			       "as %u bytes)",
			       key_len, r->key_size, r->key_size);
	else
		memcpy(p->key, key, key_len);
	p->key_size = r->key_size;

	p->indir_size = d;
	if (!d) {
		nosup(p, NIC_RSS_TABLE, "the driver has no indirection table to set");
		return 0;
	}
	if (d & (d - 1))
		return dev_err(dev, err, errlen,
			       "its indirection table has %u entries, not a power of two: the "
			       "software RSS cannot model it",
			       d);
	/* The NIC indexes its table with the hash's low bits as the software indexes its RETA:
	 * a larger device table repeats the RETA; a smaller one works only when the RETA
	 * repeats with the device table's period, i.e. when the workers divide its size. */
	if (d < reta_size && d % q)
		return dev_err(dev, err, errlen,
			       "its indirection table has %u entries: it cannot hold rss.reta_size "
			       "%u spread over %u workers (set rss.reta_size to %u)",
			       d, reta_size, q, d);
	for (uint32_t j = 0; j < d; j++)
		p->indir[j] = (j & (uint32_t)(reta_size - 1)) % q;
	if (p->act[NIC_RSS_CHANNELS] == NIC_RSS_NOSUP && have && have < q)
		nosup(p, NIC_RSS_TABLE, "the device has %u queues, fewer than the %u workers", have,
		      q);
	return 0;
}

int nic_rss_plan(const struct nic_rss_dev *dev, uint16_t queues, const uint8_t *key, size_t key_len,
		 uint16_t reta_size, struct nic_rss_plan *p, char *err, size_t errlen)
{
	int ret;

	memset(p, 0, sizeof(*p));
	if (!queues || !reta_size || (reta_size & (reta_size - 1)) || queues > reta_size) {
		snprintf(err, errlen, "%s: %u workers over a %u-entry RETA", dev->ifname, queues,
			 reta_size);
		return -EINVAL;
	}
	p->queues = queues;
	plan_channels(dev, p);
	ret = plan_rss(dev, key, key_len, reta_size, p, err, errlen);
	if (ret)
		return ret;
	p->fh = NIC_RSS_FIELDS;
	for (int f = 0; f < ETH_FLOW_MAX; f++) {
		enum nic_rss_part part = (enum nic_rss_part)(NIC_RSS_HASH + f);

		if (dev->fh_err[f])
			nosup(p, part, "%s", nic_rss_errstr(dev->fh_err[f]));
		else if (dev->fh[f] == NIC_RSS_FIELDS)
			p->act[part] = NIC_RSS_KEEP;
	}
	return 0;
}

int nic_rss_dev_read(const char *ifname, struct nic_rss_dev *dev)
{
	memset(dev, 0, sizeof(*dev));
	snprintf(dev->ifname, sizeof(dev->ifname), "%s", ifname);
	if (strlen(ifname) >= IFNAMSIZ || !if_nametoindex(ifname))
		return -ENODEV;
	if (ethtool_driver_get(ifname, dev->driver, sizeof(dev->driver)))
		snprintf(dev->driver, sizeof(dev->driver), "?");
	dev->ch_err = ethtool_channels_get(ifname, &dev->ch);
	dev->rss_err = ethtool_rss_get(ifname, &dev->rss);
	for (int f = 0; f < ETH_FLOW_MAX; f++)
		dev->fh_err[f] = ethtool_flow_hash_get(ifname, (enum eth_flow)f, &dev->fh[f]);
	return 0;
}

/* ---- apply ----------------------------------------------------------------------------- */

/* A part the driver refused: a warning under auto, an error under require. */
static int refused(const struct nic_rss_dev *dev, enum dp_rss_setup policy, struct nic_rss_plan *p,
		   enum nic_rss_part part, int ret, char *err, size_t errlen)
{
	if (policy == DP_RSS_SETUP_REQUIRE || (ret != -EOPNOTSUPP && ret != -EINVAL)) {
		snprintf(err, errlen, "%s (driver %s) cannot set the %s: %s", dev->ifname,
			 dev->driver, nic_rss_part_name(part), nic_rss_errstr(ret));
		return ret;
	}
	nosup(p, part, "%s", nic_rss_errstr(ret));
	return 0;
}

static int set_channels(const struct nic_rss_dev *dev, enum dp_rss_setup policy,
			struct nic_rss_plan *p, char *err, size_t errlen)
{
	struct eth_channels now;
	int ret = ethtool_channels_set(dev->ifname, &p->ch);

	if (ret)
		return refused(dev, policy, p, NIC_RSS_CHANNELS, ret, err, errlen);
	ret = ethtool_channels_get(dev->ifname, &now);
	if (!ret && (now.max_combined ? now.combined != p->queues
				      : now.rx != p->queues || now.tx != p->queues))
		ret = -EIO;
	if (ret)
		snprintf(err, errlen, "%s (driver %s): %u queues set, but %s", dev->ifname,
			 dev->driver, p->queues,
			 ret == -EIO ? "another count was read back" : strerror(-ret));
	return ret;
}

static int set_rss(const struct nic_rss_dev *dev, enum dp_rss_setup policy, struct nic_rss_plan *p,
		   char *err, size_t errlen)
{
	int set_key = p->act[NIC_RSS_KEY] == NIC_RSS_SET;
	int set_table = p->act[NIC_RSS_TABLE] == NIC_RSS_SET;
	struct eth_rss now;
	int ret;

	if (!set_key && !set_table)
		return 0;
	ret = ethtool_rss_set(dev->ifname, set_key ? p->key : NULL, p->key_size,
			      set_table ? p->indir : NULL, p->indir_size);
	if (ret) {
		enum nic_rss_part part = set_key ? NIC_RSS_KEY : NIC_RSS_TABLE;

		ret = refused(dev, policy, p, part, ret, err, errlen);
		if (!ret && set_key && set_table)
			nosup(p, NIC_RSS_TABLE, "%s", p->why[NIC_RSS_KEY]);
		return ret;
	}
	ret = ethtool_rss_get(dev->ifname, &now);
	if (ret) {
		snprintf(err, errlen, "%s (driver %s): RSS set, but reading it back failed: %s",
			 dev->ifname, dev->driver, strerror(-ret));
		return ret;
	}
	if (set_key && (now.key_size != p->key_size || memcmp(now.key, p->key, p->key_size))) {
		snprintf(err, errlen,
			 "%s (driver %s): the RSS key read back differs from the one set",
			 dev->ifname, dev->driver);
		return -EIO;
	}
	if (set_table && (now.indir_size != p->indir_size ||
			  memcmp(now.indir, p->indir, p->indir_size * sizeof(p->indir[0])))) {
		snprintf(err, errlen,
			 "%s (driver %s): the indirection table read back differs from the one set",
			 dev->ifname, dev->driver);
		return -EIO;
	}
	return 0;
}

static int set_flow_hash(const struct nic_rss_dev *dev, enum dp_rss_setup policy,
			 struct nic_rss_plan *p, enum eth_flow f, char *err, size_t errlen)
{
	enum nic_rss_part part = (enum nic_rss_part)(NIC_RSS_HASH + f);
	uint64_t now = 0;
	int ret;

	if (p->act[part] != NIC_RSS_SET)
		return 0;
	ret = ethtool_flow_hash_set(dev->ifname, f, p->fh);
	if (ret)
		return refused(dev, policy, p, part, ret, err, errlen);
	ret = ethtool_flow_hash_get(dev->ifname, f, &now);
	if (!ret && now != p->fh)
		ret = -EIO;
	if (ret)
		snprintf(err, errlen, "%s (driver %s): the %s set, but %s", dev->ifname,
			 dev->driver, nic_rss_part_name(part),
			 ret == -EIO ? "other fields were read back" : strerror(-ret));
	return ret;
}

/* One warning per reason, naming every part it left as it was. */
static void report_warnings(const struct nic_rss_dev *dev, const struct nic_rss_plan *p,
			    struct nic_rss_report *rep)
{
	uint8_t told[NIC_RSS_PARTS] = { 0 };

	for (int i = 0; i < NIC_RSS_PARTS; i++) {
		char *w = rep->warn[rep->n_warn];
		size_t len = sizeof(rep->warn[0]), n;
		int parts = 0;

		if (p->act[i] != NIC_RSS_NOSUP || told[i])
			continue;
		n = (size_t)snprintf(w, len, "%s (driver %s) cannot set the ", dev->ifname,
				     dev->driver);
		for (int j = i; j < NIC_RSS_PARTS && n < len; j++) {
			if (p->act[j] != NIC_RSS_NOSUP || strcmp(p->why[i], p->why[j]))
				continue;
			told[j] = 1;
			n += (size_t)snprintf(w + n, len - n, "%s%s", parts ? ", " : "",
					      nic_rss_part_name((enum nic_rss_part)j));
			parts++;
		}
		if (n < len)
			snprintf(w + n, len - n, ": %s", p->why[i]);
		rep->n_warn++;
	}
}

static const char *act_word(uint8_t a)
{
	return a == NIC_RSS_SET ? "set" : a == NIC_RSS_KEEP ? "kept" : "-";
}

static void report_summary(const struct nic_rss_plan *p, struct nic_rss_report *rep)
{
	snprintf(rep->summary, sizeof(rep->summary),
		 "RSS for %u workers (read back): queues %s, key %s, table %s (%u entries), "
		 "4-tuple hash tcp4 %s udp4 %s tcp6 %s udp6 %s",
		 p->queues, act_word(p->act[NIC_RSS_CHANNELS]), act_word(p->act[NIC_RSS_KEY]),
		 act_word(p->act[NIC_RSS_TABLE]), p->indir_size,
		 act_word(p->act[NIC_RSS_HASH + ETH_FLOW_TCP4]),
		 act_word(p->act[NIC_RSS_HASH + ETH_FLOW_UDP4]),
		 act_word(p->act[NIC_RSS_HASH + ETH_FLOW_TCP6]),
		 act_word(p->act[NIC_RSS_HASH + ETH_FLOW_UDP6]));
}

int nic_rss_setup(const char *ifname, enum dp_rss_setup policy, uint16_t queues, const uint8_t *key,
		  size_t key_len, uint16_t reta_size, struct nic_rss_report *rep, char *err,
		  size_t errlen)
{
	static struct nic_rss_dev dev; /* ~17 KiB each: not on the stack, run once at start */
	static struct nic_rss_plan p, p2;
	int ret;

	memset(rep, 0, sizeof(*rep));
	if (policy == DP_RSS_SETUP_OFF) {
		snprintf(rep->summary, sizeof(rep->summary),
			 "RSS left as it is (port.rss_setup off)");
		return 0;
	}
	ret = nic_rss_dev_read(ifname, &dev);
	if (ret) {
		snprintf(err, errlen, "%s: no such interface", ifname);
		return ret;
	}
	snprintf(rep->driver, sizeof(rep->driver), "%s", dev.driver);
	ret = nic_rss_plan(&dev, queues, key, key_len, reta_size, &p, err, errlen);
	if (ret)
		return ret;
	if (policy == DP_RSS_SETUP_REQUIRE)
		for (int i = 0; i < NIC_RSS_PARTS; i++)
			if (p.act[i] == NIC_RSS_NOSUP) {
				snprintf(err, errlen, "%s (driver %s) cannot set the %s: %s",
					 ifname, dev.driver,
					 nic_rss_part_name((enum nic_rss_part)i), p.why[i]);
				return -EOPNOTSUPP;
			}
	if (p.act[NIC_RSS_CHANNELS] == NIC_RSS_SET) {
		/* Fewer queues than now: the kernel refuses a count below a queue that a table
		 * set by the user still names, so the new table (it names only queues below the
		 * new count) goes first; it is written again after the count changed. */
		if (p.act[NIC_RSS_TABLE] == NIC_RSS_SET && dev_queues(&dev) > queues)
			(void)ethtool_rss_set(ifname, NULL, 0, p.indir, p.indir_size);
		ret = set_channels(&dev, policy, &p, err, errlen);
		if (ret)
			return ret;
		/* a new queue count may come with a new table size (some drivers): plan the
		 * key and table again on what the device has now */
		if (p.act[NIC_RSS_CHANNELS] == NIC_RSS_SET) {
			dev.ch_err = ethtool_channels_get(ifname, &dev.ch);
			dev.rss_err = ethtool_rss_get(ifname, &dev.rss);
			ret = nic_rss_plan(&dev, queues, key, key_len, reta_size, &p2, err, errlen);
			if (ret)
				return ret;
			for (int i = NIC_RSS_KEY; i <= NIC_RSS_TABLE; i++) {
				p.act[i] = p2.act[i];
				memcpy(p.why[i], p2.why[i], sizeof(p.why[i]));
			}
			p.key_size = p2.key_size;
			p.indir_size = p2.indir_size;
			memcpy(p.key, p2.key, sizeof(p.key));
			memcpy(p.indir, p2.indir, sizeof(p.indir));
		}
	}
	/* the flow hash before the key and table: QEMU's virtio-net (7.2, software RSS, Linux
	 * 6.1 guest) steered every flow to one queue when the flow hash changed after them
	 * (tests/vm/rss.sh: spread) */
	ret = 0;
	for (int f = 0; !ret && f < ETH_FLOW_MAX; f++)
		ret = set_flow_hash(&dev, policy, &p, (enum eth_flow)f, err, errlen);
	if (!ret)
		ret = set_rss(&dev, policy, &p, err, errlen);
	if (ret)
		return ret;
	memcpy(rep->done, p.act, sizeof(rep->done));
	rep->queues = ethtool_channels_get(ifname, &dev.ch) ? 0 : (uint16_t)dev_queues(&dev);
	report_warnings(&dev, &p, rep);
	report_summary(&p, rep);
	return 0;
}
