/* Software RSS: table-driven Toeplitz hash, indirection table (RETA) and named key profiles.
 * The queue choice equals what a NIC programmed with the same key and RETA would make:
 * queue = reta[hash & (reta_size - 1)], tuple in network byte order (src ip, dst ip,
 * src port, dst port).  Shared by vnfdp and vnfctl. */
#ifndef VNF_RSS_H
#define VNF_RSS_H
#include "pkt.h"
#include "portable.h"

#define RSS_KEY_MAX   52 /* E810/ice key size; 40 covers the IPv6 4-tuple */
#define RSS_TUPLE_MAX 36 /* IPv6 4-tuple: 16 + 16 + 2 + 2 bytes */
#define RSS_RETA_MAX  512

struct rss {
	/* tab[i][b]: XOR of the 32-bit key windows selected by the set bits of byte value b at
	 * input position i; a hash is the XOR of one lookup per input byte. */
	uint32_t tab[RSS_TUPLE_MAX][256];
	uint16_t reta[RSS_RETA_MAX];
	uint16_t reta_size; /* power of two */
	uint16_t queues;
	uint8_t key[RSS_KEY_MAX];
	uint8_t key_len;
};

struct rss_profile {
	const char *name;
	const char *summary;
	uint8_t key[RSS_KEY_MAX];
	uint8_t key_len;
	uint16_t reta_size; /* the RETA size the profile's queue formula implies */
};

/* Builds the lookup tables for a 40- or 52-byte key and sets a 128-entry RETA that sends
 * everything to queue 0.  -EINVAL for another length. */
int rss_init(struct rss *r, const uint8_t *key, size_t key_len);
/* RETA of reta_size entries (power of two, <= RSS_RETA_MAX) with entry i = i % queues,
 * as `ethtool -X IFACE equal N` programs it.  -EINVAL on bad sizes. */
int rss_reta_set_equal(struct rss *r, uint16_t reta_size, uint16_t queues);

uint32_t rss_hash_bytes(const struct rss *r, const uint8_t *in, size_t len);
/* addrs: src then dst address as in the IP header; ports: src then dst port as in the L4
 * header, or NULL for the 2-tuple. */
uint32_t rss_hash_ipv4(const struct rss *r, const uint8_t *addrs, const uint8_t *ports);
uint32_t rss_hash_ipv6(const struct rss *r, const uint8_t *addrs, const uint8_t *ports);
/* Hash of a parsed frame: 4-tuple for TCP/UDP, 2-tuple for fragments and other IP, 0 for
 * non-IP (callers send non-IP to queue 0). */
uint32_t rss_hash_frame(const struct rss *r, const uint8_t *frame, const struct pkt_meta *m);

static inline uint16_t rss_queue_of(const struct rss *r, uint32_t hash)
{
	return r->reta[hash & (uint32_t)(r->reta_size - 1)];
}

/* Profiles: "default" (0x6d5a repeated, symmetric), "ms" (Microsoft's verification key),
 * "mtcp" (0x05 repeated, mTCP's (hash & 0x7f) % N, i.e. a 128-entry RETA). */
const struct rss_profile *rss_profile_find(const char *name);
extern const struct rss_profile rss_profiles[];
extern const size_t rss_profiles_count;

/* The key of --key HEX, or else of the named profile (NULL: "default"), into key
 * (RSS_KEY_MAX bytes) and *len.  -EINVAL: HEX is not hex bytes; -ENOENT: no such profile.
 * Whether the length suits (40/52, the device's) is the caller's to say. */
int rss_key_resolve(const char *hex, const char *profile, uint8_t *key, size_t *len);

/* Parses "6d5a56da..." or "6d:5a:56:da:..." into key; *len gets the byte count.
 * -EINVAL on bad digits, odd length or more than RSS_KEY_MAX bytes. */
int rss_key_parse_hex(const char *hex, uint8_t *key, size_t *len);

#endif
