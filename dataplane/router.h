/* The IPv4 router's forwarding decision, pure: a frame, its metadata and the time in; the
 * frame rewritten in place (TTL and checksum, or turned into an ICMP error) and the next hop
 * out.  The routes are the connected subnets of our addresses plus the configured ones, in a
 * DIR-24-8 table (lpm.h) built once and shared read-only by every worker.  Ethernet addresses
 * are not its business: the engine writes them once ARP knows the next hop (PKT_VERDICT_NEXTHOP).
 *
 * Follows RFC 1812: header checksum checked (5.2.2), TTL decremented with an incremental
 * checksum update (5.3.1), time-exceeded and destination-unreachable errors (4.3.3.1) carrying
 * the original header and 8 bytes, never about an ICMP error, a non-first fragment, or a
 * packet whose source or destination is not a unicast host (4.3.2.7); errors are
 * rate-limited per worker by a token bucket. */
#ifndef VNF_ROUTER_H
#define VNF_ROUTER_H
#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "drop.h"
#include "pkt.h"

#define ROUTER_ICMP_TTL 64
/* ICMP error bucket: a burst of this many, refilled at icmp_rate per second. */
#define ROUTER_ICMP_BURST 50

struct lpm;

/* What to do with one packet. */
enum router_action {
	ROUTER_FORWARD = 0, /* send to nexthop (TTL already decremented) */
	ROUTER_ICMP_ERROR,  /* the frame is now an ICMP error for the source: send to nexthop */
	ROUTER_DROP,	    /* drop; the reason says why */
};

struct router_nexthop {
	uint8_t ip[4]; /* 0.0.0.0: a connected subnet: the destination itself */
};

struct router {
	struct lpm *lpm;		    /* value: index into nh[] */
	struct router_nexthop *nh;	    /* nh[0] is "connected" */
	uint32_t n_nh;			    /* distinct next hops, "connected" included */
	struct dp_addr addrs[DP_ADDRS_MAX]; /* ours */
	uint8_t n_addrs;
	uint32_t n_routes;	   /* configured + connected */
	uint64_t icmp_interval_ns; /* one token per interval; 0 = no ICMP errors */
};

/* Per-worker state (the worker's own: no sharing). */
struct router_bucket {
	uint64_t tokens_at_ns; /* time at which the bucket was last full-or-refilled */
	uint32_t tokens;
};

/* Builds the table from c->addrs (connected routes) and c->app.routes.  0; -EINVAL with err
 * naming the field (no addrs; a route the table refuses); -ENOMEM. */
int router_create(struct router **out, const struct dp_config *c, char *err, size_t errlen);
void router_free(struct router *r);
void router_bucket_init(struct router_bucket *b, uint64_t now_ns);

/* Decides for one frame (m: pkt_parse's result; *len its length, which an ICMP error
 * changes).  FORWARD and ICMP_ERROR fill nexthop; DROP fills *why. */
enum router_action router_process(const struct router *r, struct router_bucket *b, uint8_t *frame,
				  uint16_t *len, const struct pkt_meta *m, uint64_t now_ns,
				  uint8_t nexthop[4], enum drop_reason *why);

#endif
