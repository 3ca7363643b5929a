/* nic mode's RSS plan (dataplane/nic_rss.c) on described devices, no NIC needed: the table it
 * programs makes the device pick the queue the software RSS predicts for every hash; what a
 * driver lacks is marked, not an error; impossible settings are errors naming both sides.
 * And port.rss_setup in the config. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/ethtool.h>
#include "check.h"
#include "config.h"
#include "nic_rss.h"
#include "rss.h"
#include "xorshift.h"

#define L4 (RXH_IP_SRC | RXH_IP_DST | RXH_L4_B_0_1 | RXH_L4_B_2_3)

static struct nic_rss_dev dev;
static struct nic_rss_plan plan;
static char err[512];

/* virtio-net with RSS as QEMU 7.2 offers it: 40-byte key, 128-entry table, 4 queue pairs, 1
 * in use, IP-only hashing for udp4 */
static void dev_virtio(void)
{
	memset(&dev, 0, sizeof(dev));
	strcpy(dev.ifname, "eth0");
	strcpy(dev.driver, "virtio_net");
	dev.ch = (struct eth_channels){ .max_combined = 4, .combined = 1 };
	dev.rss.key_size = 40;
	dev.rss.indir_size = 128;
	dev.rss.hfunc = 1;
	for (int f = 0; f < ETH_FLOW_MAX; f++)
		dev.fh[f] = L4;
	dev.fh[ETH_FLOW_UDP4] = RXH_IP_SRC | RXH_IP_DST;
}

/* veth: channel counts only (rx/tx, no combined), no RSS at all */
static void dev_veth(void)
{
	memset(&dev, 0, sizeof(dev));
	strcpy(dev.ifname, "veth1");
	strcpy(dev.driver, "veth");
	dev.ch = (struct eth_channels){ .max_rx = 2, .max_tx = 2, .rx = 2, .tx = 2 };
	dev.rss_err = -EOPNOTSUPP;
	for (int f = 0; f < ETH_FLOW_MAX; f++)
		dev.fh_err[f] = -EOPNOTSUPP;
}

static const struct rss_profile *profile(void)
{
	return rss_profile_find("default");
}

/* For random tuples: the device's queue (its table indexed by the hash's low bits) equals the
 * software RSS's queue for the same key, RETA size and worker count. */
static unsigned mismatches(const struct nic_rss_plan *p, uint16_t reta_size, uint16_t queues)
{
	static struct rss r;
	unsigned bad = 0;

	if (rss_init(&r, p->key, p->key_size) || rss_reta_set_equal(&r, reta_size, queues))
		return ~0u;
	for (int i = 0; i < 20000; i++) {
		uint8_t t[12];
		uint32_t h;

		rng_fill(t, sizeof(t));
		h = rss_hash_ipv4(&r, t, t + 8);
		bad += p->indir[h & (p->indir_size - 1)] != rss_queue_of(&r, h);
	}
	return bad;
}

static void test_virtio_plan(void)
{
	const struct rss_profile *pr = profile();

	dev_virtio();
	CHECK_EQ_U(nic_rss_plan(&dev, 4, pr->key, pr->key_len, 128, &plan, err, sizeof(err)), 0);
	CHECK_EQ_U(plan.act[NIC_RSS_CHANNELS], NIC_RSS_SET);
	CHECK_EQ_U(plan.ch.combined, 4);
	CHECK_EQ_U(plan.act[NIC_RSS_KEY], NIC_RSS_SET);
	CHECK_EQ_U(plan.act[NIC_RSS_TABLE], NIC_RSS_SET);
	CHECK_EQ_U(plan.key_size, 40);
	CHECK(memcmp(plan.key, pr->key, 40) == 0);
	CHECK_EQ_U(plan.indir_size, 128);
	for (uint32_t j = 0; j < 128; j++)
		CHECK_EQ_U(plan.indir[j], j % 4);
	/* `ethtool -X equal 4` over 128 entries: the same table */
	CHECK_EQ_U(plan.act[NIC_RSS_HASH + ETH_FLOW_UDP4], NIC_RSS_SET);
	CHECK_EQ_U(plan.act[NIC_RSS_HASH + ETH_FLOW_TCP4], NIC_RSS_KEEP);
	CHECK_EQ_U(plan.fh, L4);
	CHECK_EQ_U(mismatches(&plan, 128, 4), 0);
}

static void test_channels_kept_key_always_written(void)
{
	const struct rss_profile *pr = profile();

	dev_virtio();
	dev.ch.combined = 4;
	memcpy(dev.rss.key, pr->key, 40);
	for (uint32_t j = 0; j < 128; j++)
		dev.rss.indir[j] = j % 4;
	CHECK_EQ_U(nic_rss_plan(&dev, 4, pr->key, pr->key_len, 128, &plan, err, sizeof(err)), 0);
	CHECK_EQ_U(plan.act[NIC_RSS_CHANNELS], NIC_RSS_KEEP);
	/* virtio-net: a queue-count change elsewhere turns RSS off with the key still shown */
	CHECK_EQ_U(plan.act[NIC_RSS_KEY], NIC_RSS_SET);
	CHECK_EQ_U(plan.act[NIC_RSS_TABLE], NIC_RSS_SET);
}

/* A device table larger than the RETA repeats it; one smaller works when the workers divide
 * its size, and is an error naming the sizes otherwise. */
static void test_table_sizes(void)
{
	const struct rss_profile *pr = profile();
	static const struct {
		uint32_t dev_size;
		uint16_t reta, queues;
		int ok;
	} c[] = {
		{ 512, 128, 3, 1 }, { 256, 128, 4, 1 }, { 64, 128, 4, 1 }, { 64, 128, 2, 1 },
		{ 64, 128, 3, 0 },  { 128, 64, 3, 1 },	{ 128, 128, 1, 1 }, { 32, 512, 5, 0 },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int ret;

		dev_virtio();
		dev.ch.max_combined = 8;
		dev.rss.indir_size = c[i].dev_size;
		err[0] = '\0';
		ret = nic_rss_plan(&dev, c[i].queues, pr->key, pr->key_len, c[i].reta, &plan, err,
				   sizeof(err));
		if (c[i].ok) {
			CHECK_EQ_U(ret, 0);
			CHECK_EQ_U(plan.indir_size, c[i].dev_size);
			CHECK_EQ_U(mismatches(&plan, c[i].reta, c[i].queues), 0);
		} else {
			char want[64];

			CHECK(ret == -EINVAL);
			snprintf(want, sizeof(want), "has %u entries", c[i].dev_size);
			CHECK(strstr(err, want) != NULL);
			snprintf(want, sizeof(want), "set rss.reta_size to %u", c[i].dev_size);
			CHECK(strstr(err, want) != NULL);
			CHECK(strstr(err, "eth0 (driver virtio_net)") == err);
		}
	}
	dev_virtio();
	dev.rss.indir_size = 100;
	CHECK(nic_rss_plan(&dev, 4, pr->key, pr->key_len, 128, &plan, err, sizeof(err)) ==
		-EINVAL);
	CHECK(strstr(err, "100 entries, not a power of two") != NULL);
}

static void test_key_size_mismatch(void)
{
	const struct rss_profile *pr = profile();

	dev_virtio();
	dev.rss.key_size = 52;
	CHECK(nic_rss_plan(&dev, 4, pr->key, pr->key_len, 128, &plan, err, sizeof(err)) ==
		-EINVAL);
	CHECK_STR(err, "eth0 (driver virtio_net): the RSS key is 40 bytes, the device's is 52 "
		       "bytes (give rss.key as 52 bytes)");
}

static void test_veth_nothing_but_channels(void)
{
	const struct rss_profile *pr = profile();

	dev_veth();
	CHECK_EQ_U(nic_rss_plan(&dev, 2, pr->key, pr->key_len, 128, &plan, err, sizeof(err)), 0);
	CHECK_EQ_U(plan.act[NIC_RSS_CHANNELS], NIC_RSS_KEEP);
	CHECK_EQ_U(plan.act[NIC_RSS_KEY], NIC_RSS_NOSUP);
	CHECK_EQ_U(plan.act[NIC_RSS_TABLE], NIC_RSS_NOSUP);
	CHECK_STR(plan.why[NIC_RSS_KEY], "not supported by the driver");
	for (int f = 0; f < ETH_FLOW_MAX; f++)
		CHECK_EQ_U(plan.act[NIC_RSS_HASH + f], NIC_RSS_NOSUP);
	/* one queue pair in use of two: rx and tx counts, no combined */
	dev.ch.rx = dev.ch.tx = 1;
	CHECK_EQ_U(nic_rss_plan(&dev, 2, pr->key, pr->key_len, 128, &plan, err, sizeof(err)), 0);
	CHECK_EQ_U(plan.act[NIC_RSS_CHANNELS], NIC_RSS_SET);
	CHECK_EQ_U(plan.ch.rx, 2);
	CHECK_EQ_U(plan.ch.tx, 2);
	CHECK_EQ_U(plan.ch.combined, 0);
}

static void test_too_many_workers(void)
{
	const struct rss_profile *pr = profile();

	dev_virtio();
	dev.ch.combined = 2;
	CHECK_EQ_U(nic_rss_plan(&dev, 8, pr->key, pr->key_len, 128, &plan, err, sizeof(err)), 0);
	CHECK_EQ_U(plan.act[NIC_RSS_CHANNELS], NIC_RSS_NOSUP);
	CHECK_STR(plan.why[NIC_RSS_CHANNELS], "the device has at most 4 queues");
	/* a table over 8 queues on a 2-queue device: the driver would refuse it */
	CHECK_EQ_U(plan.act[NIC_RSS_TABLE], NIC_RSS_NOSUP);
	CHECK_STR(plan.why[NIC_RSS_TABLE], "the device has 2 queues, fewer than the 8 workers");
	CHECK_EQ_U(plan.act[NIC_RSS_KEY], NIC_RSS_SET);
}

static void test_not_toeplitz(void)
{
	const struct rss_profile *pr = profile();

	dev_virtio();
	dev.rss.hfunc = 2; /* ETH_RSS_HASH_XOR */
	CHECK_EQ_U(nic_rss_plan(&dev, 4, pr->key, pr->key_len, 128, &plan, err, sizeof(err)), 0);
	CHECK_EQ_U(plan.act[NIC_RSS_KEY], NIC_RSS_NOSUP);
	CHECK_STR(plan.why[NIC_RSS_KEY], "its hash function is not Toeplitz");
	CHECK_EQ_U(plan.act[NIC_RSS_TABLE], NIC_RSS_NOSUP);
}

static void test_part_names(void)
{
	CHECK_STR(nic_rss_part_name(NIC_RSS_KEY), "RSS key");
	CHECK_STR(nic_rss_part_name(NIC_RSS_HASH + ETH_FLOW_UDP6), "udp6 flow hash");
	CHECK(nic_rss_part_name(NIC_RSS_PARTS) == NULL);
}

static void test_config_rss_setup(void)
{
	static struct dp_config c, c2;
	static const char base[] = "{\"mode\": \"nic\", \"port\": {\"iface\": \"eth0\"%s}}";
	char json[256], *out;

	snprintf(json, sizeof(json), base, "");
	CHECK_EQ_U(config_parse(json, strlen(json), &c, err, sizeof(err)), 0);
	CHECK_EQ_U(c.port.rss_setup, DP_RSS_SETUP_AUTO);
	snprintf(json, sizeof(json), base, ", \"rss_setup\": \"require\"");
	CHECK_EQ_U(config_parse(json, strlen(json), &c, err, sizeof(err)), 0);
	CHECK_EQ_U(c.port.rss_setup, DP_RSS_SETUP_REQUIRE);
	out = config_to_json(&c);
	CHECK(out && strstr(out, "\"rss_setup\"") && strstr(out, "\"require\""));
	CHECK(out && config_parse(out, strlen(out), &c2, err, sizeof(err)) == 0);
	CHECK(memcmp(&c, &c2, sizeof(c)) == 0);
	free(out);
	snprintf(json, sizeof(json), base, ", \"rss_setup\": \"off\"");
	CHECK_EQ_U(config_parse(json, strlen(json), &c, err, sizeof(err)), 0);
	CHECK_EQ_U(c.port.rss_setup, DP_RSS_SETUP_OFF);
	CHECK_STR(config_rss_setup_name(DP_RSS_SETUP_OFF), "off");
	snprintf(json, sizeof(json), base, ", \"rss_setup\": \"always\"");
	CHECK(config_parse(json, strlen(json), &c, err, sizeof(err)) != 0);
	CHECK_STR(err, "port.rss_setup: \"always\" is not an RSS setup policy (accepted: auto, "
		       "require, off)");
}

CHECK_MAIN("nic_rss", TEST(test_virtio_plan), TEST(test_channels_kept_key_always_written),
	   TEST(test_table_sizes), TEST(test_key_size_mismatch),
	   TEST(test_veth_nothing_but_channels), TEST(test_too_many_workers),
	   TEST(test_not_toeplitz), TEST(test_part_names), TEST(test_config_rss_setup))
