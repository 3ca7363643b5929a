/* Configuration file: defaults, every field, one golden error message per kind of mistake
 * (the messages are what an operator reads, so their exact text is tested), round trip
 * through config_to_json, files and the shipped templates. */
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <unistd.h>
#include "check.h"
#include "common.h"
#include "config.h"

/* Test JSON is written with ' for " so it stays readable; no test needs a literal '. */
static char *unquote(const char *q)
{
	char *s = strdup(q);

	for (char *p = s; p && *p; p++)
		if (*p == '\'')
			*p = '"';
	return s;
}

static int parse_q(const char *q, struct dp_config *c, char *err, size_t errlen)
{
	char *s = unquote(q);
	int rc = config_parse(s, strlen(s), c, err, errlen);

	free(s);
	return rc;
}

#define PORT	"'port': {'iface': 'eth0'}"
#define A16	"aaaaaaaaaaaaaaaa"
#define A63	A16 A16 A16 "aaaaaaaaaaaaaaa"
#define A64	A63 "a"
#define KEY20	"6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a" /* 20 bytes */
#define KEY40	KEY20 KEY20
#define KEY52	KEY40 "050505050505050505050505"
#define KEY_ACC "(accepted: 40 or 52 bytes as hex digits, optionally ':' between bytes)"
#define MAC_ACC "(accepted: a unicast, non-zero MAC address like 02:00:00:00:00:01)"

static void test_minimal_issue_example(void)
{
	const char *json = "{\"mode\": \"sw\", \"port\": {\"backend\": \"afpacket\", \"iface\": "
			   "\"eth0\"}, \"workers\": 2, \"app\": {\"name\": \"echo\"}}";
	struct dp_config c;
	char err[256];

	CHECK(config_parse(json, strlen(json), &c, err, sizeof(err)) == 0);
	CHECK_STR(err, "");
	CHECK(c.mode == DP_MODE_SW);
	CHECK(c.port.backend == DP_BACKEND_AFPACKET);
	CHECK_STR(c.port.iface, "eth0");
	CHECK_EQ_U(c.workers, 2);
	CHECK_STR(c.app.name, "echo");
}

static void test_defaults(void)
{
	const struct rss_profile *p = rss_profile_find("default");
	struct dp_config c, d;
	char err[256];

	CHECK(parse_q("{" PORT "}", &c, err, sizeof(err)) == 0);
	CHECK_STR(err, "");
	CHECK(c.mode == DP_MODE_SW);
	CHECK(c.port.backend == DP_BACKEND_AFPACKET);
	CHECK_STR(c.port.iface, "eth0");
	CHECK_EQ_U(c.port.rx_slots, 1024);
	CHECK_EQ_U(c.port.tx_slots, 1024);
	CHECK_EQ_U(c.port.mem.packets, 0);
	CHECK_EQ_U(c.port.mem.flows, 1024);
	CHECK_EQ_U(c.port.mem.size, 64);
	CHECK_EQ_U(c.port.mem.rate, 0);
	CHECK_EQ_U(c.workers, 1);
	CHECK_EQ_U(c.io_cores, 1);
	CHECK(c.cpus.io[0] == -1 && c.cpus.io[1] == -1);
	for (size_t i = 0; i < DP_WORKERS_MAX; i++)
		CHECK(c.cpus.workers[i] == -1);
	CHECK_EQ_U(c.rx_burst, 32);
	CHECK_EQ_U(c.tx_burst, 32);
	CHECK_EQ_U(c.worker_ring, 2048);
	CHECK_EQ_U(c.overflow, 1024);
	CHECK(p != NULL);
	CHECK_STR(c.rss.profile, "default");
	if (p) {
		CHECK_EQ_U(c.rss.key_len, p->key_len);
		CHECK(memcmp(c.rss.key, p->key, p->key_len) == 0);
	}
	CHECK_EQ_U(c.rss.reta_size, 128);
	CHECK_EQ_U(c.has_mac, 0);
	CHECK_EQ_U(c.n_addrs, 0);
	CHECK_EQ_U(c.n_arp, 0);
	CHECK_STR(c.app.name, "echo");
	CHECK_EQ_U(c.app.port, 7);
	CHECK_STR(c.stats.socket, "");
	CHECK_EQ_U(c.stats.flows, 0);
	CHECK(c.port.afxdp.attach == DP_XDP_ATTACH_AUTO);
	CHECK(c.port.afxdp.bind == DP_XDP_BIND_AUTO);
	CHECK_EQ_U(c.port.afxdp.queue, 0);
	CHECK(c.port.afpacket.fanout == DP_FANOUT_HASH);

	/* config_set_defaults and a minimal file differ only in the required field. */
	config_set_defaults(&d);
	CHECK_STR(d.port.iface, "");
	snprintf(d.port.iface, sizeof(d.port.iface), "eth0");
	CHECK(memcmp(&c, &d, sizeof(c)) == 0);
}

static const char *const full_json =
	"{'mode': 'sw',"
	" 'port': {'backend': 'mem', 'iface': 'vale0:1', 'rx_slots': 2048, 'tx_slots': 512,"
	"          'mem': {'packets': 1000000, 'flows': 4096, 'size': 128, 'rate': 2500000},"
	"          'afxdp': {'attach': 'skb', 'bind': 'zerocopy', 'queue': 3},"
	"          'afpacket': {'fanout': 'qm'}},"
	" 'workers': 4, 'io_cores': 2, 'cpus': {'io': [0, 1], 'workers': [2, 3, 1023]},"
	" 'burst': {'rx': 64, 'tx': 16}, 'rings': {'worker': 4096, 'overflow': 0},"
	" 'rss': {'profile': 'mtcp', 'reta_size': 256}, 'mac': '0A:bb:cc:dd:ee:FF',"
	" 'addrs': ['10.0.0.2/24', '192.168.1.1/32'],"
	" 'arp': [{'ip': '10.0.0.1', 'mac': '02:00:00:00:00:02'},"
	"         {'mac': '02:00:00:00:00:03', 'ip': '10.0.0.3'}],"
	" 'app': {'name': 'udp-echo', 'port': 5001},"
	" 'stats': {'socket': '/run/vnfdp.sock', 'flows': 4096}}";

static void test_every_field(void)
{
	const struct rss_profile *p = rss_profile_find("mtcp");
	struct dp_config c;
	char err[256];

	CHECK(parse_q(full_json, &c, err, sizeof(err)) == 0);
	CHECK_STR(err, "");
	CHECK(c.mode == DP_MODE_SW);
	CHECK(c.port.backend == DP_BACKEND_MEM);
	CHECK_STR(c.port.iface, "vale0:1");
	CHECK_EQ_U(c.port.rx_slots, 2048);
	CHECK_EQ_U(c.port.tx_slots, 512);
	CHECK_EQ_U(c.port.mem.packets, 1000000);
	CHECK_EQ_U(c.port.mem.flows, 4096);
	CHECK_EQ_U(c.port.mem.size, 128);
	CHECK_EQ_U(c.port.mem.rate, 2500000);
	CHECK(c.port.afxdp.attach == DP_XDP_ATTACH_SKB);
	CHECK(c.port.afxdp.bind == DP_XDP_BIND_ZEROCOPY);
	CHECK_EQ_U(c.port.afxdp.queue, 3);
	CHECK(c.port.afpacket.fanout == DP_FANOUT_QM);
	CHECK_EQ_U(c.workers, 4);
	CHECK_EQ_U(c.io_cores, 2);
	CHECK(c.cpus.io[0] == 0 && c.cpus.io[1] == 1);
	CHECK(c.cpus.workers[0] == 2 && c.cpus.workers[1] == 3 && c.cpus.workers[2] == 1023);
	CHECK(c.cpus.workers[3] == -1);
	CHECK_EQ_U(c.rx_burst, 64);
	CHECK_EQ_U(c.tx_burst, 16);
	CHECK_EQ_U(c.worker_ring, 4096);
	CHECK_EQ_U(c.overflow, 0);
	CHECK_STR(c.rss.profile, "mtcp");
	CHECK(p != NULL);
	if (p) {
		CHECK_EQ_U(c.rss.key_len, p->key_len);
		CHECK(memcmp(c.rss.key, p->key, p->key_len) == 0);
	}
	CHECK_EQ_U(c.rss.reta_size, 256);
	CHECK_EQ_U(c.has_mac, 1);
	CHECK(memcmp(c.mac, "\x0a\xbb\xcc\xdd\xee\xff", 6) == 0);
	CHECK_EQ_U(c.n_addrs, 2);
	CHECK(memcmp(c.addrs[0].ip, "\x0a\x00\x00\x02", 4) == 0);
	CHECK_EQ_U(c.addrs[0].prefix_len, 24);
	CHECK(memcmp(c.addrs[1].ip, "\xc0\xa8\x01\x01", 4) == 0);
	CHECK_EQ_U(c.addrs[1].prefix_len, 32);
	CHECK_EQ_U(c.n_arp, 2);
	CHECK(memcmp(c.arp[0].ip, "\x0a\x00\x00\x01", 4) == 0);
	CHECK(memcmp(c.arp[0].mac, "\x02\x00\x00\x00\x00\x02", 6) == 0);
	CHECK(memcmp(c.arp[1].ip, "\x0a\x00\x00\x03", 4) == 0);
	CHECK(memcmp(c.arp[1].mac, "\x02\x00\x00\x00\x00\x03", 6) == 0);
	CHECK_STR(c.app.name, "udp-echo");
	CHECK_EQ_U(c.app.port, 5001);
	CHECK_STR(c.stats.socket, "/run/vnfdp.sock");
	CHECK_EQ_U(c.stats.flows, 4096);
}

static void test_modes_and_backends(void)
{
	static const struct {
		const char *json;
		enum dp_mode mode;
		enum dp_backend backend;
	} cases[] = {
		{ "{'mode': 'vale', 'port': {'iface': 'eth0', 'backend': 'netmap'}}", DP_MODE_VALE,
		  DP_BACKEND_NETMAP },
		{ "{'mode': 'nic', 'port': {'iface': 'eth0', 'backend': 'afxdp'}, 'io_cores': 1}",
		  DP_MODE_NIC, DP_BACKEND_AFXDP },
		{ "{'mode': 'sw', 'port': {'iface': 'eth0', 'backend': 'mem'}}", DP_MODE_SW,
		  DP_BACKEND_MEM },
	};
	struct dp_config c;
	char err[256];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		CHECK(parse_q(cases[i].json, &c, err, sizeof(err)) == 0);
		CHECK_STR(err, "");
		CHECK(c.mode == cases[i].mode);
		CHECK(c.port.backend == cases[i].backend);
	}
	CHECK_STR(config_mode_name(DP_MODE_SW), "sw");
	CHECK_STR(config_mode_name(DP_MODE_VALE), "vale");
	CHECK_STR(config_mode_name(DP_MODE_NIC), "nic");
	CHECK(config_mode_name((enum dp_mode)3) == NULL);
	CHECK_STR(config_backend_name(DP_BACKEND_MEM), "mem");
	CHECK_STR(config_backend_name(DP_BACKEND_AFPACKET), "afpacket");
	CHECK_STR(config_backend_name(DP_BACKEND_AFXDP), "afxdp");
	CHECK_STR(config_backend_name(DP_BACKEND_NETMAP), "netmap");
	CHECK(config_backend_name((enum dp_backend) - 1) == NULL);
}

/* Both ends of every range are accepted. */
static void test_bounds_accepted(void)
{
	static const char *const ok[] = {
		"{" PORT ", 'workers': 1}",
		"{" PORT ", 'workers': 64}",
		"{" PORT ", 'io_cores': 1}",
		"{" PORT ", 'io_cores': 2}",
		"{'port': {'iface': 'e', 'rx_slots': 64, 'tx_slots': 16384}}",
		"{'port': {'iface': '" A63 "'}}",
		"{'port': {'iface': 'eth0', 'mem': {'packets': 0, 'flows': 1, 'size': 60}}}",
		"{'port': {'iface': 'eth0', 'mem': {'packets': 9007199254740992, 'flows': 1048576,"
		" 'size': 2048}}}",
		"{" PORT ", 'io_cores': 2, 'cpus': {'io': [0, 1023], 'workers': [1023]}}",
		"{" PORT ", 'cpus': {'io': [], 'workers': []}}",
		"{" PORT ", 'burst': {'rx': 1, 'tx': 256}}",
		"{" PORT ", 'burst': {'rx': 256, 'tx': 1}}",
		"{" PORT ", 'rings': {'worker': 64, 'overflow': 0}}",
		"{" PORT ", 'rings': {'worker': 65536, 'overflow': 65536}}",
		"{" PORT ", 'rss': {'reta_size': 1}}",
		"{" PORT ", 'rss': {'reta_size': 512}}",
		"{" PORT ", 'workers': 64, 'rss': {'reta_size': 64}}",
		"{" PORT ", 'rss': {'profile': 'ms'}}",
		"{" PORT ", 'rss': {'key': '" KEY40 "'}}",
		"{" PORT ", 'rss': {'key': '" KEY52 "'}}",
		"{" PORT ", 'addrs': ['0.0.0.1/0', '223.255.255.255/32'], 'arp': []}",
		"{" PORT ", 'mac': '02:00:00:00:00:01', 'app': {}, 'stats': {}, 'burst': {}}",
		"{" PORT ", 'stats': {'socket': ''}}",
		"{\"port\":{\"iface\":\"eth0\"}}\n\n \t\r\n",
		/* Schema order, not document order: cpus.workers is checked against workers. */
		"{'cpus': {'workers': [0, 1]}, 'workers': 2, " PORT "}",
		"{'io_cores': 2, 'cpus': {'io': [0, 1]}, 'mode': 'sw', " PORT "}",
	};
	struct dp_config c;
	char err[256], json[512], sock[DP_PATH_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		err[0] = 'x';
		if (parse_q(ok[i], &c, err, sizeof(err)) != 0)
			fprintf(stderr, "  rejected %s: %s\n", ok[i], err);
		CHECK_STR(err, "");
	}
	CHECK(parse_q("{'port': {'iface': 'eth0', 'mem': {'packets': 9007199254740992}}}", &c, err,
		      sizeof(err)) == 0);
	CHECK_EQ_U(c.port.mem.packets, 1ULL << 53);
	CHECK(parse_q("{" PORT ", 'rss': {'key': '" KEY40 "'}}", &c, err, sizeof(err)) == 0);
	CHECK_STR(c.rss.profile, "");
	CHECK_EQ_U(c.rss.key_len, 40);
	CHECK_EQ_U(c.rss.reta_size, 128);
	CHECK(c.rss.key[0] == 0x6d && c.rss.key[1] == 0x5a && c.rss.key[39] == 0x5a);
	CHECK(parse_q("{" PORT ", 'rss': {'key': '" KEY52 "', 'reta_size': 64}}", &c, err,
		      sizeof(err)) == 0);
	CHECK_EQ_U(c.rss.key_len, 52);
	CHECK_EQ_U(c.rss.key[51], 0x05);
	CHECK_EQ_U(c.rss.reta_size, 64);

	memset(sock, 's', DP_PATH_MAX - 1);
	sock[DP_PATH_MAX - 1] = '\0';
	snprintf(json, sizeof(json), "{" PORT ", 'stats': {'socket': '%s'}}", sock);
	CHECK(parse_q(json, &c, err, sizeof(err)) == 0);
	CHECK_STR(c.stats.socket, sock);
}

static void test_colon_key(void)
{
	char json[512];
	struct dp_config c;
	char err[256];
	size_t o;

	o = (size_t)snprintf(json, sizeof(json), "{" PORT ", 'rss': {'key': '");
	for (int i = 0; i < 40; i++)
		o += (size_t)snprintf(json + o, sizeof(json) - o, "%s%02X", i ? ":" : "", i + 1);
	snprintf(json + o, sizeof(json) - o, "'}}");
	CHECK(parse_q(json, &c, err, sizeof(err)) == 0);
	CHECK_STR(err, "");
	CHECK_EQ_U(c.rss.key_len, 40);
	CHECK_EQ_U(c.rss.key[0], 1);
	CHECK_EQ_U(c.rss.key[39], 40);
}

struct bad {
	const char *json; /* ' stands for " */
	const char *err;
};

static const struct bad bad_cases[] = {
	/* unknown keys, one per level */
	{ "{" PORT ", 'wrokers': 2}", "unknown key \"wrokers\" (accepted: mode, port, workers, "
				      "io_cores, cpus, burst, rings, rss, "
				      "mac, addrs, arp, app, stats)" },
	{ "{'port': {'iface': 'eth0', 'speed': 1}}",
	  "port: unknown key \"speed\" (accepted: backend, iface, rx_slots, tx_slots, mem, afxdp, "
	  "afpacket, rss_setup)" },
	{ "{'port': {'iface': 'eth0', 'afxdp': {'mode': 'skb'}}}",
	  "port.afxdp: unknown key \"mode\" (accepted: attach, bind, queue)" },
	{ "{'port': {'iface': 'eth0', 'afxdp': {'attach': 'hw'}}}",
	  "port.afxdp.attach: \"hw\" is not an XDP attach mode (accepted: auto, native, skb)" },
	{ "{'port': {'iface': 'eth0', 'afxdp': {'bind': 'zc'}}}",
	  "port.afxdp.bind: \"zc\" is not an AF_XDP bind mode (accepted: auto, copy, zerocopy)" },
	{ "{'port': {'iface': 'eth0', 'afxdp': {'queue': 4096}}}",
	  "port.afxdp.queue: 4096 is out of range (accepted: 0..4095)" },
	{ "{'port': {'iface': 'eth0', 'afxdp': []}}", "port.afxdp: expected an object, got array" },
	{ "{'port': {'iface': 'eth0', 'afpacket': {'fanout': 'lb'}}}",
	  "port.afpacket.fanout: \"lb\" is not a fanout mode (accepted: hash, qm)" },
	{ "{'port': {'iface': 'eth0', 'afpacket': {'group': 1}}}",
	  "port.afpacket: unknown key \"group\" (accepted: fanout)" },
	{ "{" PORT ", 'stats': {'flows': 65537}}",
	  "stats.flows: 65537 is out of range (accepted: 0..65536)" },
	{ "{" PORT ", 'stats': {'flows': '10'}}", "stats.flows: expected an integer, got string" },
	{ "{'port': {'iface': 'eth0', 'mem': {'pkts': 1}}}",
	  "port.mem: unknown key \"pkts\" (accepted: packets, flows, size, rate)" },
	{ "{" PORT ", 'cpus': {'rx': [0]}}", "cpus: unknown key \"rx\" (accepted: io, workers)" },
	{ "{" PORT ", 'burst': {'rxx': 1}}", "burst: unknown key \"rxx\" (accepted: rx, tx)" },
	{ "{" PORT ", 'rings': {'workers': 64}}",
	  "rings: unknown key \"workers\" (accepted: worker, overflow)" },
	{ "{" PORT ", 'rss': {'hash': 'x'}}",
	  "rss: unknown key \"hash\" (accepted: profile, key, reta_size)" },
	{ "{" PORT ", 'arp': [{'ip': '10.0.0.1', 'mac': '02:00:00:00:00:01', 'dev': 'x'}]}",
	  "arp[0]: unknown key \"dev\" (accepted: ip, mac)" },
	{ "{" PORT ", 'app': {'name': 'echo', 'prot': 7}}",
	  "app: unknown key \"prot\" (accepted: name, port, routes, icmp_rate)" },
	{ "{" PORT ", 'app': {'name': 'udp-echo', 'port': 0}}",
	  "app.port: 0 is out of range (accepted: 1..65535)" },
	{ "{" PORT ", 'app': {'name': 'udp-echo', 'port': 65536}}",
	  "app.port: 65536 is out of range (accepted: 1..65535)" },
	{ "{" PORT ", 'stats': {'path': '/x'}}",
	  "stats: unknown key \"path\" (accepted: socket, flows)" },
	{ "{" PORT ", 'Workers': 2}", "unknown key \"Workers\" (accepted: mode, port, workers, "
				      "io_cores, cpus, burst, rings, rss, "
				      "mac, addrs, arp, app, stats)" },
	{ "{" PORT ", 'a\\nb': 2}",
	  "unknown key \"a\\u000ab\" (accepted: mode, port, workers, io_cores, cpus, burst, rings, "
	  "rss, mac, addrs, arp, app, stats)" },

	/* wrong types */
	{ "[1]", "expected an object, got array" },
	{ "7", "expected an object, got number" },
	{ "{'mode': 1, " PORT "}", "mode: expected a string, got number" },
	{ "{'mode': null, " PORT "}", "mode: expected a string, got null" },
	{ "{'port': 'eth0'}", "port: expected an object, got string" },
	{ "{'port': {'iface': 0}}", "port.iface: expected a string, got number" },
	{ "{'port': {'iface': ['eth0']}}", "port.iface: expected a string, got array" },
	{ "{'port': {'iface': 'eth\\u0000'}}", "port.iface: contains a NUL character" },
	{ "{'port': {'iface': 'eth0', 'backend': true}}",
	  "port.backend: expected a string, got boolean" },
	{ "{'port': {'iface': 'eth0', 'rx_slots': '1024'}}",
	  "port.rx_slots: expected an integer, got string" },
	{ "{'port': {'iface': 'eth0', 'mem': []}}", "port.mem: expected an object, got array" },
	{ "{" PORT ", 'workers': '2'}", "workers: expected an integer, got string" },
	{ "{" PORT ", 'workers': true}", "workers: expected an integer, got boolean" },
	{ "{" PORT ", 'workers': null}", "workers: expected an integer, got null" },
	{ "{" PORT ", 'workers': {}}", "workers: expected an integer, got object" },
	{ "{" PORT ", 'workers': 1.5}", "workers: 1.5 is not an integer (accepted: 1..64)" },
	{ "{" PORT ", 'workers': 2.0}", "workers: 2.0 is not an integer (accepted: 1..64)" },
	{ "{" PORT ", 'workers': 1e1}", "workers: 1e1 is not an integer (accepted: 1..64)" },
	{ "{" PORT ", 'rings': {'worker': 64.5}}",
	  "rings.worker: 64.5 is not an integer (accepted: a power of two in 64..65536)" },
	{ "{" PORT ", 'cpus': []}", "cpus: expected an object, got array" },
	{ "{" PORT ", 'cpus': {'io': 0}}", "cpus.io: expected an array, got number" },
	{ "{" PORT ", 'cpus': {'workers': ['0']}}",
	  "cpus.workers[0]: expected an integer, got string" },
	{ "{" PORT ", 'burst': [32]}", "burst: expected an object, got array" },
	{ "{" PORT ", 'rss': {'profile': 5}}", "rss.profile: expected a string, got number" },
	{ "{" PORT ", 'rss': {'key': [1]}}", "rss.key: expected a string, got array" },
	{ "{" PORT ", 'mac': 2}", "mac: expected a string, got number" },
	{ "{" PORT ", 'addrs': '10.0.0.1/24'}", "addrs: expected an array, got string" },
	{ "{" PORT ", 'addrs': [10]}", "addrs[0]: expected a string, got number" },
	{ "{" PORT ", 'arp': {}}", "arp: expected an array, got object" },
	{ "{" PORT ", 'arp': ['10.0.0.1']}", "arp[0]: expected an object, got string" },
	{ "{" PORT ", 'app': 'echo'}", "app: expected an object, got string" },
	{ "{" PORT ", 'stats': {'socket': false}}",
	  "stats.socket: expected a string, got boolean" },

	/* ranges: just below and just above each bound */
	{ "{" PORT ", 'workers': 0}", "workers: 0 is out of range (accepted: 1..64)" },
	{ "{" PORT ", 'workers': 65}", "workers: 65 is out of range (accepted: 1..64)" },
	{ "{" PORT ", 'workers': -1}", "workers: -1 is out of range (accepted: 1..64)" },
	{ "{" PORT ", 'workers': 18446744073709551616}",
	  "workers: 18446744073709551615 is out of range (accepted: 1..64)" },
	{ "{" PORT ", 'workers': 9223372036854775808}",
	  "workers: 9223372036854775808 is out of range (accepted: 1..64)" },
	{ "{" PORT ", 'workers': -99999999999999999999}",
	  "workers: -9223372036854775808 is out of range (accepted: 1..64)" },
	{ "{" PORT ", 'io_cores': 0}", "io_cores: 0 is out of range (accepted: 1..2)" },
	{ "{" PORT ", 'io_cores': 3}", "io_cores: 3 is out of range (accepted: 1..2)" },
	{ "{'port': {'iface': 'eth0', 'rx_slots': 32}}",
	  "port.rx_slots: 32 is not a power of two in 64..16384" },
	{ "{'port': {'iface': 'eth0', 'rx_slots': 1000}}",
	  "port.rx_slots: 1000 is not a power of two in 64..16384" },
	{ "{'port': {'iface': 'eth0', 'tx_slots': 32768}}",
	  "port.tx_slots: 32768 is not a power of two in 64..16384" },
	{ "{'port': {'iface': 'eth0', 'tx_slots': 0}}",
	  "port.tx_slots: 0 is not a power of two in 64..16384" },
	{ "{'port': {'iface': 'eth0', 'mem': {'packets': -1}}}",
	  "port.mem.packets: -1 is out of range (accepted: 0..9007199254740992)" },
	{ "{'port': {'iface': 'eth0', 'mem': {'packets': 9007199254740993}}}",
	  "port.mem.packets: 9007199254740993 is out of range (accepted: 0..9007199254740992)" },
	{ "{'port': {'iface': 'eth0', 'mem': {'flows': 0}}}",
	  "port.mem.flows: 0 is out of range (accepted: 1..1048576)" },
	{ "{'port': {'iface': 'eth0', 'mem': {'flows': 1048577}}}",
	  "port.mem.flows: 1048577 is out of range (accepted: 1..1048576)" },
	{ "{'port': {'iface': 'eth0', 'mem': {'size': 59}}}",
	  "port.mem.size: 59 is out of range (accepted: 60..2048)" },
	{ "{'port': {'iface': 'eth0', 'mem': {'size': 2049}}}",
	  "port.mem.size: 2049 is out of range (accepted: 60..2048)" },
	{ "{'port': {'iface': 'eth0', 'mem': {'rate': -1}}}",
	  "port.mem.rate: -1 is out of range (accepted: 0..1000000000)" },
	{ "{'port': {'iface': 'eth0', 'mem': {'rate': 1000000001}}}",
	  "port.mem.rate: 1000000001 is out of range (accepted: 0..1000000000)" },
	{ "{'port': {'iface': 'eth0', 'mem': {'rate': 1.5}}}",
	  "port.mem.rate: 1.5 is not an integer (accepted: 0..1000000000)" },
	{ "{'port': {'iface': ''}}",
	  "port.iface: \"\" is 0 characters long (accepted: 1..63 characters)" },
	{ "{'port': {'iface': '" A64 "'}}",
	  "port.iface: \"" A64 "\" is 64 characters long (accepted: 1..63 characters)" },
	{ "{" PORT ", 'cpus': {'io': [-1]}}",
	  "cpus.io[0]: -1 is out of range (accepted: 0..1023)" },
	{ "{" PORT ", 'cpus': {'io': [1024]}}",
	  "cpus.io[0]: 1024 is out of range (accepted: 0..1023)" },
	{ "{" PORT ", 'workers': 2, 'cpus': {'workers': [0, 1024]}}",
	  "cpus.workers[1]: 1024 is out of range (accepted: 0..1023)" },
	{ "{" PORT ", 'burst': {'rx': 0}}", "burst.rx: 0 is out of range (accepted: 1..256)" },
	{ "{" PORT ", 'burst': {'rx': 257}}", "burst.rx: 257 is out of range (accepted: 1..256)" },
	{ "{" PORT ", 'burst': {'tx': 0}}", "burst.tx: 0 is out of range (accepted: 1..256)" },
	{ "{" PORT ", 'burst': {'tx': 257}}", "burst.tx: 257 is out of range (accepted: 1..256)" },
	{ "{" PORT ", 'rings': {'worker': 32}}",
	  "rings.worker: 32 is not a power of two in 64..65536" },
	{ "{" PORT ", 'rings': {'worker': 1000}}",
	  "rings.worker: 1000 is not a power of two in 64..65536" },
	{ "{" PORT ", 'rings': {'worker': 131072}}",
	  "rings.worker: 131072 is not a power of two in 64..65536" },
	{ "{" PORT ", 'rings': {'overflow': -1}}",
	  "rings.overflow: -1 is out of range (accepted: 0..65536)" },
	{ "{" PORT ", 'rings': {'overflow': 65537}}",
	  "rings.overflow: 65537 is out of range (accepted: 0..65536)" },
	{ "{" PORT ", 'rss': {'reta_size': 0}}",
	  "rss.reta_size: 0 is not a power of two in 1..512" },
	{ "{" PORT ", 'rss': {'reta_size': 3}}",
	  "rss.reta_size: 3 is not a power of two in 1..512" },
	{ "{" PORT ", 'rss': {'reta_size': 1024}}",
	  "rss.reta_size: 1024 is not a power of two in 1..512" },
	{ "{" PORT ", 'workers': 8, 'rss': {'reta_size': 4}}",
	  "rss.reta_size: 4 is smaller than workers (8)" },

	/* enumerations */
	{ "{'mode': 'turbo', " PORT "}",
	  "mode: \"turbo\" is not a mode (accepted: sw, vale, nic)" },
	{ "{'mode': 'SW', " PORT "}", "mode: \"SW\" is not a mode (accepted: sw, vale, nic)" },
	{ "{'port': {'iface': 'eth0', 'backend': 'dpdk'}}",
	  "port.backend: \"dpdk\" is not a backend (accepted: mem, afpacket, afxdp, netmap)" },
	{ "{" PORT ", 'rss': {'profile': 'toeplitz'}}",
	  "rss.profile: \"toeplitz\" is not an RSS profile (accepted: default, ms, mtcp)" },
	{ "{" PORT ", 'app': {'name': 'nginx'}}",
	  "app.name: \"nginx\" is not an app (accepted: echo, sink, udp-echo, router)" },

/* router routes */
#define RT "'addrs': ['10.1.0.1/24'], 'app': {'name': 'router', 'routes': "
	{ "{" PORT ", " RT "[{'dst': '10.3.0.1/16', 'via': '10.1.0.254'}]}}",
	  "app.routes[0].dst: \"10.3.0.1/16\" has bits set past /16 (accepted: 10.3.0.0/16)" },
	{ "{" PORT ", " RT "[{'dst': '10.3.0.0/33', 'via': '10.1.0.254'}]}}",
	  "app.routes[0].dst: \"10.3.0.0/33\" is not an IPv4 prefix (accepted: a.b.c.d/0..32, "
	  "e.g. 10.2.0.0/16 or 0.0.0.0/0)" },
	{ "{" PORT ", " RT "[{'dst': '10.3.0.0/16'}]}}",
	  "app.routes[0].via: required field missing" },
	{ "{" PORT ", " RT "[{'dst': '10.3.0.0/16', 'via': '10.9.0.1'}]}}",
	  "app.routes[0].via: 10.9.0.1 is not on the subnet of any of addrs (a gateway must be a "
	  "neighbour)" },
	{ "{" PORT ", " RT "[{'dst': '10.3.0.0/16', 'via': '10.1.0.1'}]}}",
	  "app.routes[0].via: 10.1.0.1 is one of our addrs" },
	{ "{" PORT ", " RT "[{'dst': '0.0.0.0/0', 'via': '10.1.0.2'}, "
	  "{'dst': '0.0.0.0/0', 'via': '10.1.0.3'}]}}",
	  "app.routes[1].dst: 0.0.0.0/0 is already in app.routes[0]" },
	{ "{" PORT ", " RT "[{'dst': '10.3.0.0/16', 'via': '10.1.0.2', 'metric': 1}]}}",
	  "app.routes[0]: unknown key \"metric\" (accepted: dst, via)" },
#undef RT
	{ "{" PORT ", 'app': {'name': 'echo', 'routes': [{'dst': '0.0.0.0/0', 'via': '1.2.3.4'}]}}",
	  "app.routes: only the router app uses routes (app.name is echo)" },
	{ "{" PORT ", 'app': {'name': 'router'}}",
	  "addrs: the router app needs at least one address (its connected subnets and the source "
	  "of its ICMP errors)" },
	{ "{" PORT ", 'addrs': ['10.1.0.1/24'], 'app': {'name': 'router', 'icmp_rate': -1}}",
	  "app.icmp_rate: -1 is out of range (accepted: 0..1000000)" },

	/* RSS key */
	{ "{" PORT ", 'rss': {'profile': 'ms', 'key': '" KEY40 "'}}",
	  "rss: \"profile\" and \"key\" exclude each other (accepted: one of them)" },
	{ "{" PORT ", 'rss': {'key': '" KEY20 "'}}", "rss.key: 20 bytes " KEY_ACC },
	{ "{" PORT ", 'rss': {'key': '" KEY40 "00'}}", "rss.key: 41 bytes " KEY_ACC },
	{ "{" PORT ", 'rss': {'key': '" KEY52 "00'}}", "rss.key: 53 bytes " KEY_ACC },
	{ "{" PORT ", 'rss': {'key': ''}}", "rss.key: 0 bytes " KEY_ACC },
	{ "{" PORT ", 'rss': {'key': '6d5g'}}",
	  "rss.key: 'g' at position 4 is not a hex digit " KEY_ACC },
	{ "{" PORT ", 'rss': {'key': '0x6d5a'}}",
	  "rss.key: 'x' at position 2 is not a hex digit " KEY_ACC },
	{ "{" PORT ", 'rss': {'key': '6d 5a'}}",
	  "rss.key: byte 0x20 at position 3 is not a hex digit " KEY_ACC },
	{ "{" PORT ", 'rss': {'key': '6d5'}}", "rss.key: odd number of hex digits (3) " KEY_ACC },
	{ "{" PORT ", 'rss': {'key': '6d:5a" KEY20 "6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a6d5a'}}",
	  "rss.key: ':' must separate every byte or none " KEY_ACC },

	/* MAC addresses */
	{ "{" PORT ", 'mac': '02:00:00:00:00'}",
	  "mac: \"02:00:00:00:00\" is not a MAC address " MAC_ACC },
	{ "{" PORT ", 'mac': '02-00-00-00-00-01'}",
	  "mac: \"02-00-00-00-00-01\" is not a MAC address " MAC_ACC },
	{ "{" PORT ", 'mac': '02:00:00:00:00:0g'}",
	  "mac: \"02:00:00:00:00:0g\" is not a MAC address " MAC_ACC },
	{ "{" PORT ", 'mac': '02:00:00:00:00:01:'}",
	  "mac: \"02:00:00:00:00:01:\" is not a MAC address " MAC_ACC },
	{ "{" PORT ", 'mac': '01:00:5e:00:00:01'}",
	  "mac: \"01:00:5e:00:00:01\" is a multicast address " MAC_ACC },
	{ "{" PORT ", 'mac': 'ff:ff:ff:ff:ff:ff'}",
	  "mac: \"ff:ff:ff:ff:ff:ff\" is a multicast address " MAC_ACC },
	{ "{" PORT ", 'mac': '00:00:00:00:00:00'}",
	  "mac: \"00:00:00:00:00:00\" is all zeros " MAC_ACC },

	/* addresses */
	{ "{" PORT ", 'addrs': ['10.0.0.2']}",
	  "addrs[0]: \"10.0.0.2\" is not an IPv4 address with prefix length (accepted: "
	  "a.b.c.d/0..32)" },
	{ "{" PORT ", 'addrs': ['10.0.0.2/24', '10.0.0.3/33']}",
	  "addrs[1]: \"10.0.0.3/33\" is not an IPv4 address with prefix length (accepted: "
	  "a.b.c.d/0..32)" },
	{ "{" PORT ", 'addrs': ['10.0.0/24']}",
	  "addrs[0]: \"10.0.0/24\" is not an IPv4 address with prefix length (accepted: "
	  "a.b.c.d/0..32)" },
	{ "{" PORT ", 'addrs': ['256.0.0.1/24']}",
	  "addrs[0]: \"256.0.0.1/24\" is not an IPv4 address with prefix length (accepted: "
	  "a.b.c.d/0..32)" },
	{ "{" PORT ", 'addrs': ['010.0.0.1/24']}",
	  "addrs[0]: \"010.0.0.1/24\" is not an IPv4 address with prefix length (accepted: "
	  "a.b.c.d/0..32)" },
	{ "{" PORT ", 'addrs': ['10.0.0.1/24 ']}",
	  "addrs[0]: \"10.0.0.1/24 \" is not an IPv4 address with prefix length (accepted: "
	  "a.b.c.d/0..32)" },
	{ "{" PORT ", 'addrs': ['10.0.0.1/-1']}",
	  "addrs[0]: \"10.0.0.1/-1\" is not an IPv4 address with prefix length (accepted: "
	  "a.b.c.d/0..32)" },
	{ "{" PORT ", 'addrs': ['224.0.0.1/4']}",
	  "addrs[0]: \"224.0.0.1/4\" is not a unicast address" },
	{ "{" PORT ", 'addrs': ['0.0.0.0/0']}",
	  "addrs[0]: \"0.0.0.0/0\" is not a unicast address" },

	/* static ARP */
	{ "{" PORT ", 'arp': [{'mac': '02:00:00:00:00:01'}]}",
	  "arp[0].ip: required field missing" },
	{ "{" PORT ", 'arp': [{'ip': '10.0.0.1'}]}", "arp[0].mac: required field missing" },
	{ "{" PORT ", 'arp': [{'ip': '10.0.0', 'mac': '02:00:00:00:00:01'}]}",
	  "arp[0].ip: \"10.0.0\" is not an IPv4 address (accepted: a.b.c.d)" },
	{ "{" PORT ", 'arp': [{'ip': '10.0.0.1/32', 'mac': '02:00:00:00:00:01'}]}",
	  "arp[0].ip: \"10.0.0.1/32\" is not an IPv4 address (accepted: a.b.c.d)" },
	{ "{" PORT ", 'arp': [{'ip': '255.255.255.255', 'mac': '02:00:00:00:00:01'}]}",
	  "arp[0].ip: \"255.255.255.255\" is not a unicast address" },
	{ "{" PORT ", 'arp': [{'ip': '10.0.0.1', 'mac': '02:00:00:00:00:01'},"
	  " {'ip': '10.0.0.2', 'mac': '02:00:00:00:00'}]}",
	  "arp[1].mac: \"02:00:00:00:00\" is not a MAC address " MAC_ACC },
	{ "{" PORT ", 'arp': [{'ip': '10.0.0.1', 'mac': '02:00:00:00:00:01'},"
	  " {'ip': '10.0.0.1', 'mac': '02:00:00:00:00:02'}]}",
	  "arp[1].ip: 10.0.0.1 is already in arp[0]" },

	/* list lengths */
	{ "{" PORT ", 'cpus': {'io': [0, 1]}}", "cpus.io: 2 entries, more than io_cores (1)" },
	{ "{" PORT ", 'io_cores': 2, 'cpus': {'io': [0, 1, 2]}}",
	  "cpus.io: 3 entries, more than io_cores (2)" },
	{ "{" PORT ", 'workers': 2, 'cpus': {'workers': [0, 1, 2]}}",
	  "cpus.workers: 3 entries, more than workers (2)" },
	{ "{" PORT ", 'cpus': {'workers': [0, 1]}}",
	  "cpus.workers: 2 entries, more than workers (1)" },

	/* mode-dependent */
	{ "{'mode': 'nic', " PORT ", 'io_cores': 2}",
	  "io_cores: 2 applies only to mode sw (mode is nic)" },
	{ "{'io_cores': 2, " PORT ", 'mode': 'vale'}",
	  "io_cores: 2 applies only to mode sw (mode is vale)" },

	/* required fields */
	{ "{}", "port: required field missing" },
	{ "{'workers': 2}", "port: required field missing" },
	{ "{'port': {}}", "port.iface: required field missing" },
	{ "{'port': {'backend': 'mem'}}", "port.iface: required field missing" },

	/* JSON syntax; columns count bytes from 1 */
	{ "", "JSON syntax error at line 1, column 1: unexpected end of data" },
	{ "  \n", "JSON syntax error at line 2, column 1: unexpected end of data" },
	{ "{'port': {'iface': 'eth0'}",
	  "JSON syntax error at line 1, column 27: unexpected end of data" },
	{ "{'port': {'iface': 'eth0'}} x",
	  "JSON syntax error at line 1, column 29: unexpected character" },
	{ "{'port': {'iface': 'eth0'}}{}",
	  "JSON syntax error at line 1, column 28: unexpected character" },
	{ "{\n  'workers': 2,\n}", "JSON syntax error at line 3, column 1: unexpected character" },
	{ "{\n  'port': {\n    'iface': eth0\n  }\n}",
	  "JSON syntax error at line 3, column 14: unexpected character" },
	{ "{'workers': tru}", "JSON syntax error at line 1, column 16: boolean expected" },
	{ "{'workers': 01}", "JSON syntax error at line 1, column 15: number expected" },
	{ "{workers: 1}",
	  "JSON syntax error at line 1, column 2: quoted object property name expected" },
	{ "{'port': {'iface': 'eth0'}, /* c */ 'workers': 1}",
	  "JSON syntax error at line 1, column 29: quoted object property name expected" },
	{ "{'port': {'iface': '\xff'}}",
	  "JSON syntax error at line 1, column 21: invalid utf-8 string" },
};

static void test_invalid(void)
{
	struct dp_config c;
	char err[512];

	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		int rc;

		err[0] = '\0';
		rc = parse_q(bad_cases[i].json, &c, err, sizeof(err));
		if (rc != -EINVAL)
			fprintf(stderr, "  case %zu (%s): rc %d\n", i, bad_cases[i].json, rc);
		CHECK(rc == -EINVAL);
		CHECK_STR(err, bad_cases[i].err);
		CHECK(strchr(err, '\n') == NULL);
	}
}

/* Lists one entry longer than their cap, built rather than spelled out. */
static void test_too_many(void)
{
	struct dp_config c;
	char json[32768], err[256];
	size_t o;

	o = (size_t)snprintf(json, sizeof(json), "{" PORT ", 'addrs': [");
	for (int i = 0; i <= DP_ADDRS_MAX; i++)
		o += (size_t)snprintf(json + o, sizeof(json) - o, "%s'10.0.%d.1/24'", i ? ", " : "",
				      i);
	snprintf(json + o, sizeof(json) - o, "]}");
	CHECK(parse_q(json, &c, err, sizeof(err)) == -EINVAL);
	CHECK_STR(err, "addrs: 17 entries (accepted: at most 16)");
	/* One fewer fits. */
	strcpy(strrchr(json, ','), "]}");
	CHECK(parse_q(json, &c, err, sizeof(err)) == 0);
	CHECK_EQ_U(c.n_addrs, DP_ADDRS_MAX);

	o = (size_t)snprintf(json, sizeof(json), "{" PORT ", 'arp': [");
	for (int i = 0; i <= DP_ARP_STATIC_MAX; i++)
		o += (size_t)snprintf(json + o, sizeof(json) - o,
				      "%s{'ip': '10.0.%d.%d', 'mac': '02:00:00:00:%02x:%02x'}",
				      i ? ", " : "", i / 200, i % 200 + 1, i / 256, i % 256);
	snprintf(json + o, sizeof(json) - o, "]}");
	CHECK(o < sizeof(json) - 3);
	CHECK(parse_q(json, &c, err, sizeof(err)) == -EINVAL);
	CHECK_STR(err, "arp: 257 entries (accepted: at most 256)");
	strcpy(strrchr(json, '{') - 2, "]}");
	CHECK(parse_q(json, &c, err, sizeof(err)) == 0);
	CHECK_EQ_U(c.n_arp, DP_ARP_STATIC_MAX);
	CHECK_EQ_U(c.arp[255].mac[5], 255);
}

/* Long values are cut in the message so the "accepted" part survives. */
static void test_long_value_cut(void)
{
	char json[1024], want[256], val[300];
	struct dp_config c;
	char err[512];

	memset(val, 'a', 256);
	val[256] = '\0';
	snprintf(json, sizeof(json), "{" PORT ", 'stats': {'socket': '%s'}}", val);
	CHECK(parse_q(json, &c, err, sizeof(err)) == -EINVAL);
	snprintf(want, sizeof(want),
		 "stats.socket: \"%.66s...\" is 256 characters long (accepted: 0..255 characters)",
		 val);
	CHECK_STR(err, want);
	/* The cut never splits a UTF-8 character: after "x", each é is two bytes and the 66th
	 * byte is the first half of one. */
	val[0] = 'x';
	for (int i = 0; i < 40; i++)
		memcpy(val + 1 + 2 * i, "\xc3\xa9", 2);
	val[81] = '\0';
	snprintf(json, sizeof(json), "{'mode': '%s', " PORT "}", val);
	CHECK(parse_q(json, &c, err, sizeof(err)) == -EINVAL);
	snprintf(want, sizeof(want), "mode: \"%.65s...\" is not a mode (accepted: sw, vale, nic)",
		 val);
	CHECK_STR(err, want);
}

static void test_nul_and_trailing(void)
{
	static const char with_nul[] = "{\"port\": {\"iface\": \"eth0\"}}\0 junk";
	static const char only_ws[] = "{\"port\": {\"iface\": \"eth0\"}}  \n";
	struct dp_config c;
	char err[256];

	CHECK(config_parse(with_nul, sizeof(with_nul) - 1, &c, err, sizeof(err)) == -EINVAL);
	CHECK_STR(err, "JSON syntax error at line 1, column 28: unexpected character");
	CHECK(config_parse(only_ws, sizeof(only_ws) - 1, &c, err, sizeof(err)) == 0);
	/* Only the first len bytes count. */
	CHECK(config_parse(only_ws, 10, &c, err, sizeof(err)) == -EINVAL);
	CHECK_STR(err, "JSON syntax error at line 1, column 11: unexpected end of data");
	CHECK(config_parse(NULL, 0, &c, err, sizeof(err)) == -EINVAL);
	CHECK_STR(err, "JSON syntax error at line 1, column 1: unexpected end of data");
}

static void test_err_buffer(void)
{
	struct dp_config c;
	char err[8];

	memset(err, 'x', sizeof(err));
	CHECK(parse_q("{" PORT ", 'workers': 0}", &c, err, sizeof(err)) == -EINVAL);
	CHECK_STR(err, "workers");
	CHECK(parse_q("{" PORT ", 'workers': 0}", &c, NULL, 0) == -EINVAL);
	CHECK(parse_q("{" PORT ", 'workers': 0}", &c, err, 0) == -EINVAL);
	CHECK(parse_q("{" PORT "}", &c, NULL, 0) == 0);
}

static void round_trip(const char *q)
{
	struct dp_config a, b;
	char err[256];
	char *text, *again;

	CHECK(parse_q(q, &a, err, sizeof(err)) == 0);
	text = config_to_json(&a);
	CHECK(text != NULL);
	if (!text)
		return;
	if (config_parse(text, strlen(text), &b, err, sizeof(err)) != 0)
		fprintf(stderr, "  re-parse failed: %s\n%s", err, text);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	again = config_to_json(&b);
	CHECK(again != NULL);
	CHECK_STR(again, text);
	free(again);
	free(text);
}

static void test_round_trip(void)
{
	round_trip("{" PORT "}");
	round_trip(full_json);
	round_trip("{'mode': 'nic', 'port': {'iface': 'eth1', 'backend': 'afxdp'}, 'workers': 64,"
		   " 'cpus': {'io': [1], 'workers': [0, 1, 2]}, 'rss': {'key': '" KEY52 "',"
		   " 'reta_size': 512}, 'addrs': ['10.1.2.3/0']}");
	round_trip(
		"{'port': {'iface': 'a\\\"b\\\\c/\\u00e9', 'mem': {'packets': 9007199254740992}},"
		" 'stats': {'socket': '/tmp/x y'}}");
	round_trip("{" PORT ", 'addrs': ['10.1.0.1/24', '10.2.0.1/16'], 'app': {'name': 'router',"
		   " 'icmp_rate': 0, 'routes': [{'dst': '10.3.0.0/16', 'via': '10.1.0.254'},"
		   " {'dst': '0.0.0.0/0', 'via': '10.2.9.9'}, {'dst': '10.4.5.6/32',"
		   " 'via': '10.1.0.2'}]}}");
}

static void test_to_json_shape(void)
{
	struct dp_config c;
	char *text;

	config_set_defaults(&c);
	snprintf(c.port.iface, sizeof(c.port.iface), "eth0");
	text = config_to_json(&c);
	CHECK(text != NULL);
	if (text) {
		CHECK(strstr(text, "\"mode\": \"sw\"") != NULL);
		CHECK(strstr(text, "\"profile\": \"default\"") != NULL);
		CHECK(strstr(text, "\"reta_size\": 128") != NULL);
		CHECK(strstr(text, "\"mac\"") == NULL);
		CHECK(text[strlen(text) - 1] == '}');
	}
	free(text);
	c.mode = (enum dp_mode)7;
	errno = 0;
	CHECK(config_to_json(&c) == NULL);
	CHECK(errno == EINVAL);
}

static void test_load_file(void)
{
	char path[] = "/tmp/test_config_XXXXXX", err[512];
	const char *bad = "{\"port\": {\"iface\": \"eth0\"}, \"workers\": 0}";
	struct dp_config c;
	int fd;

	CHECK(config_load_file("/nonexistent/dp.json", &c, err, sizeof(err)) == -ENOENT);
	CHECK_STR(err, "No such file or directory");
	CHECK(config_load_file("/tmp", &c, err, sizeof(err)) == -EISDIR);
	CHECK_STR(err, "Is a directory");
	CHECK(config_load_file("/dev/zero", &c, err, sizeof(err)) == -EFBIG);
	CHECK_STR(err, "larger than 1048576 bytes");

	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write(fd, bad, strlen(bad)) == (ssize_t)strlen(bad));
	CHECK(config_load_file(path, &c, err, sizeof(err)) == -EINVAL);
	CHECK_STR(err, "workers: 0 is out of range (accepted: 1..64)");
	CHECK(ftruncate(fd, 0) == 0);
	CHECK(pwrite(fd, "{\"port\": {\"iface\": \"lo\"}}", 25, 0) == 25);
	CHECK(config_load_file(path, &c, err, sizeof(err)) == 0);
	CHECK_STR(err, "");
	CHECK_STR(c.port.iface, "lo");
	close(fd);
	unlink(path);
}

/* Every shipped dataplane template (dp-*.json) loads; tests run from the repository root. */
static void test_templates(void)
{
	glob_t g;
	struct dp_config c;
	char err[512];

	CHECK(glob("templates/dp-*.json", 0, NULL, &g) == 0); /* plans are not dp configs */
	CHECK(g.gl_pathc >= 4);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		if (config_load_file(g.gl_pathv[i], &c, err, sizeof(err)) != 0)
			fprintf(stderr, "  %s\n", err);
		CHECK_STR(err, "");
	}
	globfree(&g);

	CHECK(config_load_file("templates/dp-sw-mem.json", &c, err, sizeof(err)) == 0);
	CHECK(c.mode == DP_MODE_SW && c.port.backend == DP_BACKEND_MEM);
	CHECK_EQ_U(c.workers, 2);
	CHECK_STR(c.app.name, "echo");
	CHECK_EQ_U(c.port.mem.packets, 1000000);
	CHECK_EQ_U(c.port.mem.flows, 1024);
	CHECK(config_load_file("templates/dp-nic-afxdp.json", &c, err, sizeof(err)) == 0);
	CHECK(c.mode == DP_MODE_NIC && c.port.backend == DP_BACKEND_AFXDP);
	CHECK(config_load_file("templates/dp-vale-netmap.json", &c, err, sizeof(err)) == 0);
	CHECK(c.mode == DP_MODE_VALE && c.port.backend == DP_BACKEND_NETMAP);
	CHECK(config_load_file("templates/dp-minimal.json", &c, err, sizeof(err)) == 0);
	CHECK(c.mode == DP_MODE_SW && c.port.backend == DP_BACKEND_AFPACKET);
	CHECK_STR(c.port.iface, "eth0");
	CHECK_EQ_U(c.workers, 2);
}

CHECK_MAIN("config", TEST(test_minimal_issue_example), TEST(test_defaults), TEST(test_every_field),
	   TEST(test_modes_and_backends), TEST(test_bounds_accepted), TEST(test_colon_key),
	   TEST(test_invalid), TEST(test_too_many), TEST(test_long_value_cut),
	   TEST(test_nul_and_trailing), TEST(test_err_buffer), TEST(test_round_trip),
	   TEST(test_to_json_shape), TEST(test_load_file), TEST(test_templates))
