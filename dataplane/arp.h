/* ARP (RFC 826) as a pure state machine: frames and the time come in as arguments, frames to
 * send and held packets to release come out in a caller-owned struct arp_out.  No threads,
 * no I/O, no clock, no global state.
 *
 * Threads: one writer calls everything but arp_lookup and arp_counter_get (sw mode: the RX
 * thread's ARP input and the TX thread's resolution must then be the same thread, or hand
 * their work to one); arp_lookup and arp_counter_get may run on any thread at any time.
 *
 * Entries: pending (a request is outstanding; up to hold_len packets wait), reachable
 * (confirmed within reachable_ns), stale (learned from a request for us and not confirmed
 * yet, as Linux does, or confirmed longer ago: still used, re-validated by a unicast request
 * when used, removed when unused for stale_ns more or when the table needs room, the oldest
 * first — so a flood of senders churns these and never locks out a new neighbour),
 * static (from the configuration: never aged, evicted or changed by ARP frames).  Packets
 * are opaque handles: the state machine never frees one, it hands every held packet back.
 */
#ifndef VNF_ARP_H
#define VNF_ARP_H
#include <stdint.h>

#include "pkt.h"

#define ARP_ADDRS_MAX	 16	    /* our IPv4 addresses */
#define ARP_CAPACITY_MAX (1u << 20) /* entries */
#define ARP_HOLD_MAX	 64	    /* held packets per pending destination */
#define ARP_FRAME_LEN	 60	    /* every frame built: minimum Ethernet frame, no FCS */
#define ARP_OUT_FRAMES	 16	    /* frames one call may produce (arp_tick: then it stops) */

/* Outcome of one frame given to arp_input: exactly one of these per call. */
// clang-format off
#define ARP_RX_OUTCOMES(X)                                                                         \
	X(RX_REQUEST, "rx_request")		/* request for one of our IPs: reply built */      \
	X(RX_REPLY, "rx_reply")			/* reply from a known sender: entry confirmed */   \
	X(RX_UPDATE, "rx_update")		/* request not for us from a known sender */       \
	X(RX_GRATUITOUS, "rx_gratuitous")	/* gratuitous ARP updated a known sender */        \
	X(IGN_NOT_ARP, "ign_not_arp")		/* metadata says the frame is not ARP */           \
	X(IGN_TRUNCATED, "ign_truncated")	/* < 28 bytes of ARP */                            \
	X(IGN_BAD_HTYPE, "ign_bad_htype")	/* hardware type != Ethernet */                    \
	X(IGN_BAD_PTYPE, "ign_bad_ptype")	/* protocol type != IPv4 */                        \
	X(IGN_BAD_ADDR_LEN, "ign_bad_addr_len") /* hlen != 6 or plen != 4 */                       \
	X(IGN_BAD_OP, "ign_bad_op")		/* opcode not request/reply */                     \
	X(IGN_BAD_SHA, "ign_bad_sha")		/* sender MAC zero, multicast or broadcast */      \
	X(IGN_SHA_MISMATCH, "ign_sha_mismatch") /* Ethernet source != sender MAC */                \
	X(IGN_BAD_SPA, "ign_bad_spa")		/* sender IP 0 (unless probing us), multicast... */\
	X(IGN_SENDER_OURS, "ign_sender_ours")	/* sender IP is ours: an address conflict */       \
	X(IGN_TARGET_NOT_OURS, "ign_target_not_ours") /* request not for us, sender unknown */     \
	X(IGN_GRATUITOUS_UNKNOWN, "ign_gratuitous_unknown") /* never creates an entry */           \
	X(IGN_REPLY_UNSOLICITED, "ign_reply_unsolicited")   /* reply from an unknown sender */     \
	X(IGN_STATIC, "ign_static")		/* would change a static entry */

/* Events, counted besides the outcomes. */
#define ARP_EVENTS(X)                                                                              \
	X(LEARNED, "learned")			/* entry created by a request for us */            \
	X(RESOLVED, "resolved")			/* pending entry got its MAC */                    \
	X(REQUESTS_SENT, "requests_sent")	/* request frames built (first, retries, probes) */\
	X(TABLE_FULL, "table_full")		/* entry needed, none free, nothing evictable */   \
	X(EVICTED, "evicted")			/* stale entry removed to make room */             \
	X(AGED, "aged")				/* reachable -> stale */                           \
	X(EXPIRED, "expired")			/* stale entry unused for stale_ns: removed */     \
	X(PROBE_FAILED, "probe_failed")		/* stale entry unanswered retry_limit times */     \
	X(RESOLVE_FAILED, "resolve_failed")	/* pending entry unanswered retry_limit times */   \
	X(HOLD_FULL, "hold_full")		/* arp_resolve refused: hold queue full */         \
	X(HELD_DROPPED, "held_dropped")		/* held packets handed back to drop */             \
	X(RESOLVE_BAD_IP, "resolve_bad_ip")	/* arp_resolve of 0/broadcast/multicast/ours */    \
	X(STATIC_CONFLICT, "static_conflict")	/* a frame claimed a static IP with another MAC */
// clang-format on

/* Outcomes first: [0, ARP_CNT_RX_END) are the outcomes, [ARP_CNT_RX_END, ARP_CNT_MAX) the
 * events (ARP_CNT_RX_END == ARP_CNT_LEARNED). */
enum arp_counter {
#define ARP_CNT_ENUM(id, name) ARP_CNT_##id,
	ARP_RX_OUTCOMES(ARP_CNT_ENUM) ARP_EVENTS(ARP_CNT_ENUM) ARP_CNT_MAX,
#undef ARP_CNT_ENUM
	ARP_CNT_RX_END = ARP_CNT_LEARNED,
};

/* "rx_request" etc.; NULL out of range. */
const char *arp_counter_name(enum arp_counter c);

struct arp_addr {
	uint8_t ip[4]; /* network order */
	uint8_t prefix_len;
};

struct arp_params {
	uint8_t mac[6];
	uint8_t n_addrs; /* 1..ARP_ADDRS_MAX */
	struct arp_addr addrs[ARP_ADDRS_MAX];
	uint32_t capacity;     /* entries, static ones included: 1..ARP_CAPACITY_MAX */
	uint32_t hold_len;     /* held packets per pending destination: 1..ARP_HOLD_MAX */
	uint32_t retry_limit;  /* requests per resolution or probe, the first included: 1..255 */
	uint64_t retry_ns;     /* between two requests for one address: > 0 */
	uint64_t reachable_ns; /* reachable -> stale: > 0 */
	uint64_t stale_ns;     /* stale and unused this long -> removed: > 0 */
	uint32_t hash_seed;    /* any value; random keeps floods from aiming at one bucket */
};

/* 1024 entries, 16 held packets, 16 requests 1 s apart, reachable 30 s, stale 60 s; mac
 * and addrs left to the caller. */
void arp_params_default(struct arp_params *p);

/* What one call produced.  Every call that takes an arp_out overwrites all of it. */
enum arp_pkts_fate {
	ARP_PKTS_NONE = 0,
	ARP_PKTS_SEND, /* resolved: send pkt[] in order, to mac */
	ARP_PKTS_DROP, /* resolution failed: drop pkt[] */
};

struct arp_out {
	uint32_t n_frames; /* frames to send: frame[i], ARP_FRAME_LEN bytes each */
	uint8_t frame[ARP_OUT_FRAMES][ARP_FRAME_LEN];
	enum arp_pkts_fate fate; /* of pkt[]; one destination per call */
	uint32_t n_pkts;
	void *pkt[ARP_HOLD_MAX];
	uint8_t ip[4];	/* the destination pkt[] were held for */
	uint8_t mac[6]; /* its MAC if fate is ARP_PKTS_SEND */
};

struct arp;

/* 0, -EINVAL (a parameter out of range), -ENOMEM. */
int arp_create(struct arp **out, const struct arp_params *p);
/* Held packets are not freed: arp_flush them first. */
void arp_destroy(struct arp *a);

/* A permanent entry.  0; -EINVAL (ip 0/broadcast/multicast/ours, mac zero/multicast);
 * -EBUSY (ip pending resolution); -ENOSPC (table full).  Replaces a dynamic entry. */
int arp_add_static(struct arp *a, const uint8_t ip[4], const uint8_t mac[6]);

/* Consumes one received frame whose pkt_parse metadata is m (m->l3 == PKT_L3_ARP).  May
 * build a reply in out->frame[0] and release the packets held for the sender.  Bumps exactly
 * one ARP_RX_OUTCOMES counter. */
void arp_input(struct arp *a, const uint8_t *frame, uint32_t len, const struct pkt_meta *m,
	       uint64_t now_ns, struct arp_out *out);

enum arp_lookup_result {
	ARP_LOOKUP_MISS = 0,
	ARP_LOOKUP_HIT,	  /* reachable or static */
	ARP_LOOKUP_STALE, /* mac usable; tell the writer (arp_resolve) so it re-validates */
};

/* Any thread: changes whenever an entry's MAC or state changes or an entry goes (not when
 * one is added).  A HIT copied while it had one value stays right while it has it. */
uint32_t arp_generation(const struct arp *a);

/* Any thread, lock-free, concurrently with the writer.  Fills mac unless MISS. */
enum arp_lookup_result arp_lookup(const struct arp *a, const uint8_t ip[4], uint8_t mac[6]);

enum arp_resolve_result {
	ARP_RESOLVED = 0, /* mac filled: send pkt now (it is not kept) */
	ARP_HELD,	  /* pkt kept until resolution; out may hold a request */
	ARP_REFUSED,	  /* pkt not kept (hold queue or table full, bad ip): drop it */
};

/* Writer.  pkt NULL only asks for resolution (a reader saw a miss or a stale entry): then
 * HELD means "pending", nothing kept. */
enum arp_resolve_result arp_resolve(struct arp *a, const uint8_t ip[4], void *pkt, uint64_t now_ns,
				    uint8_t mac[6], struct arp_out *out);

/* Writer, every few retry_ns/10: retries, failed resolutions (their packets handed back with
 * ARP_PKTS_DROP), probes, aging.  Returns 1 if it stopped because out is full (call again
 * with the same now), 0 when done. */
int arp_tick(struct arp *a, uint64_t now_ns, struct arp_out *out);

/* Writer, at shutdown: hands back one destination's held packets (ARP_PKTS_DROP) and makes
 * it a plain pending entry.  Returns 1 if it did, 0 when nothing is held. */
int arp_flush(struct arp *a, struct arp_out *out);

/* Any thread. */
uint64_t arp_counter_get(const struct arp *a, enum arp_counter c);
/* Any thread: entries in use (static included), and static entries. */
uint32_t arp_count(const struct arp *a);
uint32_t arp_count_static(const struct arp *a);

#endif
