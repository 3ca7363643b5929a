/* Run-time configuration of vnfdp, loaded from one JSON file (json-c).  Every field but
 * port.iface has a default; docs/config.md documents each field and its range. */
#ifndef VNF_CONFIG_H
#define VNF_CONFIG_H
#include <stddef.h>
#include <stdint.h>
#include "rss.h"

enum dp_mode { DP_MODE_SW = 0, DP_MODE_VALE, DP_MODE_NIC };
enum dp_backend { DP_BACKEND_MEM = 0, DP_BACKEND_AFPACKET, DP_BACKEND_AFXDP, DP_BACKEND_NETMAP };
/* AF_XDP: how the XDP program attaches, and how sockets bind (auto tries the fast one first). */
enum dp_xdp_attach { DP_XDP_ATTACH_AUTO = 0, DP_XDP_ATTACH_NATIVE, DP_XDP_ATTACH_SKB };
enum dp_xdp_bind { DP_XDP_BIND_AUTO = 0, DP_XDP_BIND_COPY, DP_XDP_BIND_ZEROCOPY };
/* AF_PACKET: how run-to-completion workers' sockets share the traffic (PACKET_FANOUT_*). */
enum dp_fanout { DP_FANOUT_HASH = 0, DP_FANOUT_QM };
/* nic mode: what vnfdp run does with the vNIC's RSS (dataplane/nic_rss.h).  auto sets what the
 * driver supports and warns about the rest, require fails unless every part is set, off leaves
 * the NIC alone. */
enum dp_rss_setup { DP_RSS_SETUP_AUTO = 0, DP_RSS_SETUP_REQUIRE, DP_RSS_SETUP_OFF };

#define DP_WORKERS_MAX	  64
#define DP_ADDRS_MAX	  16
#define DP_ARP_STATIC_MAX 256
#define DP_ROUTES_MAX	  4096
#define DP_IFNAME_MAX	  64 /* netmap port specs are longer than IFNAMSIZ */
#define DP_PATH_MAX	  256
#define DP_APP_NAME_MAX	  32

struct dp_addr {
	uint8_t ip[4]; /* network order */
	uint8_t prefix_len;
};

struct dp_route {
	uint8_t dst[4]; /* network order, host bits zero */
	uint8_t prefix_len;
	uint8_t via[4]; /* the gateway: on one of addrs' subnets */
};

struct dp_arp_entry {
	uint8_t ip[4];
	uint8_t mac[6];
};

/* In-memory backend's packet generator (backend "mem"). */
struct dp_mem_gen {
	uint64_t packets; /* 0 = until stopped */
	uint32_t flows;	  /* distinct UDP 4-tuples */
	uint16_t size;	  /* frame bytes without FCS, 60..2048 */
	uint64_t rate;	  /* frames per second over all queues, 0 = as fast as possible */
};

struct dp_config {
	enum dp_mode mode; /* "mode": sw | vale | nic; default sw */
	struct {
		enum dp_backend backend;     /* "port.backend"; default afpacket */
		char iface[DP_IFNAME_MAX];   /* "port.iface": required */
		uint32_t rx_slots, tx_slots; /* "port.rx_slots"/"tx_slots": 64..16384, pow2, 1024 */
		struct dp_mem_gen mem;	     /* "port.mem": {packets, flows, size} */
		struct {
			enum dp_xdp_attach attach; /* "port.afxdp.attach": auto | native | skb */
			enum dp_xdp_bind bind;	   /* "port.afxdp.bind": auto | copy | zerocopy */
			uint16_t queue;		   /* "port.afxdp.queue": first NIC queue, 0 */
		} afxdp;
		struct {
			enum dp_fanout fanout; /* "port.afpacket.fanout": hash | qm */
		} afpacket;
		enum dp_rss_setup rss_setup; /* "port.rss_setup": auto | require | off (nic mode) */
	} port;
	uint16_t workers; /* 1..64, default 1 */
	uint8_t io_cores; /* sw mode: 1 (RX+TX on one core) or 2; default 1 */
	struct {
		int16_t io[2];			 /* "cpus.io": CPU ids, -1 = not pinned */
		int16_t workers[DP_WORKERS_MAX]; /* "cpus.workers" */
	} cpus;
	uint16_t rx_burst, tx_burst; /* "burst.rx"/"burst.tx": 1..256, default 32 */
	uint32_t worker_ring; /* "rings.worker": packets per worker ring, pow2 64..65536, 2048 */
	uint32_t overflow; /* "rings.overflow": packets per worker overflow queue, 0..65536, 1024 */
	struct {
		uint8_t key[RSS_KEY_MAX]; /* "rss.key" (hex) or "rss.profile"; default profile
					     "default" */
		uint8_t key_len;
		char profile[16];   /* name of the profile used, "" if an explicit key */
		uint16_t reta_size; /* "rss.reta_size": pow2 1..512; default from profile (128) */
	} rss;
	uint8_t mac[6]; /* "mac": "aa:bb:..."; has_mac = 0 means the interface's */
	uint8_t has_mac;
	struct dp_addr addrs[DP_ADDRS_MAX]; /* "addrs": ["10.0.0.2/24", ...] */
	uint8_t n_addrs;
	struct dp_arp_entry arp[DP_ARP_STATIC_MAX]; /* "arp": [{"ip": "...", "mac": "..."}] */
	uint16_t n_arp;
	struct {
		char name[DP_APP_NAME_MAX]; /* "app.name": echo | sink | udp-echo | router */
		uint16_t port;		    /* "app.port": udp-echo's UDP port, 1..65535, 7 */
		/* "app.routes": [{"dst": "a.b.c.d/len", "via": "a.b.c.d"}], router only */
		struct dp_route routes[DP_ROUTES_MAX];
		uint16_t n_routes;
		uint32_t icmp_rate; /* "app.icmp_rate": router's ICMP errors/s per worker, 1000 */
	} app;
	struct {
		char socket[DP_PATH_MAX]; /* "stats.socket": unix socket for `vnfdp stats`; "" =
					     none */
		uint32_t flows; /* "stats.flows": flows (RSS hashes) tracked per worker, 0 = off */
	} stats;
};

/* Fills every default. */
void config_set_defaults(struct dp_config *c);
/* Parses JSON text.  On error returns -EINVAL and writes "FIELD: problem (accepted: ...)"
 * into err; *c is then unspecified. */
int config_parse(const char *json, size_t len, struct dp_config *c, char *err, size_t errlen);
/* Reads and parses a file.  Returns -errno for file errors (err: strerror text; -EFBIG past
 * 1 MiB) and -EINVAL for content errors (err as config_parse).  err never names the path: the
 * caller prints "PATH: err", so it is not repeated. */
int config_load_file(const char *path, struct dp_config *c, char *err, size_t errlen);
/* Writes the effective configuration (defaults filled in) as pretty JSON without a trailing
 * newline; it parses back to an identical struct.  Caller frees; NULL with errno ENOMEM, or
 * EINVAL for an out-of-range enum. */
char *config_to_json(const struct dp_config *c);

/* "sw", "afpacket", ...; NULL for a value out of range. */
const char *config_mode_name(enum dp_mode m);
const char *config_backend_name(enum dp_backend b);
const char *config_xdp_attach_name(enum dp_xdp_attach a);
const char *config_xdp_bind_name(enum dp_xdp_bind b);
const char *config_fanout_name(enum dp_fanout f);
const char *config_rss_setup_name(enum dp_rss_setup r);

#endif
