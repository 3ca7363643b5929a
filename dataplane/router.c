#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "csum.h"
#include "lpm.h"
#include "router.h"

#define IPPROTO_ICMP_	    1
#define ICMP_DEST_UNREACH   3
#define ICMP_TIME_EXCEEDED  11
#define ICMP_ERR_HDR	    8
#define IPV4_HDR	    20
#define ICMP_QUOTE_PAYLOAD  8 /* bytes of the offending datagram's data quoted (RFC 792) */
#define ROUTER_NH_CONNECTED 0

static uint32_t prefix_mask(unsigned len)
{
	return len ? ~0u << (32 - len) : 0;
}

/* A unicast host address: not 0/8, 127/8, multicast, class E or the limited broadcast. */
static int ip_unicast(uint32_t ip)
{
	uint8_t top = (uint8_t)(ip >> 24);
	return top != 0 && top != 127 && top < 224;
}

static int ip_ours(const struct router *r, uint32_t ip)
{
	for (unsigned i = 0; i < r->n_addrs; i++)
		if (load_be32(r->addrs[i].ip) == ip)
			return 1;
	return 0;
}

/* The broadcast address of one of our subnets (directed broadcasts are not forwarded,
 * RFC 2644), or its network address. */
static int ip_subnet_special(const struct router *r, uint32_t ip)
{
	for (unsigned i = 0; i < r->n_addrs; i++) {
		unsigned len = r->addrs[i].prefix_len;
		uint32_t mask = prefix_mask(len);
		if (len <= 30 && (ip & mask) == (load_be32(r->addrs[i].ip) & mask) &&
		    ((ip & ~mask) == ~mask || (ip & ~mask) == 0))
			return 1;
	}
	return 0;
}

static int router_add(struct router *r, uint32_t dst, uint8_t len, uint32_t nh, char *err,
		      size_t errlen, const char *what)
{
	int ret = len > 32 ? -EINVAL : lpm_add(r->lpm, dst & prefix_mask(len), len, nh);
	if (ret)
		snprintf(err, errlen, "%s: %u.%u.%u.%u/%u: the route table refused it: %s", what,
			 dst >> 24, dst >> 16 & 0xff, dst >> 8 & 0xff, dst & 0xff, len,
			 strerror(-ret));
	return ret;
}

int router_create(struct router **out, const struct dp_config *c, char *err, size_t errlen)
{
	struct router *r = calloc(1, sizeof(*r));
	uint32_t max = (uint32_t)c->app.n_routes + c->n_addrs + 1;
	char what[32];
	int ret = -ENOMEM;

	*out = NULL;
	if (!r)
		goto nomem;
	if (c->n_addrs == 0) {
		snprintf(err, errlen, "addrs: the router needs at least one address");
		ret = -EINVAL;
		goto fail;
	}
	memcpy(r->addrs, c->addrs, sizeof(r->addrs));
	r->n_addrs = c->n_addrs;
	r->icmp_interval_ns = c->app.icmp_rate ? 1000000000ull / c->app.icmp_rate : 0;
	r->nh = calloc((size_t)c->app.n_routes + 1, sizeof(*r->nh));
	if (!r->nh || lpm_create(&r->lpm, max, max))
		goto nomem;
	r->n_nh = 1; /* nh[0]: connected */
	/* Configured routes first, so a connected subnet configured again stays connected. */
	for (uint16_t i = 0; i < c->app.n_routes; i++) {
		const struct dp_route *rt = &c->app.routes[i];
		memcpy(r->nh[r->n_nh].ip, rt->via, 4);
		snprintf(what, sizeof(what), "app.routes[%u].dst", i);
		ret = router_add(r, load_be32(rt->dst), rt->prefix_len, r->n_nh, err, errlen, what);
		if (ret)
			goto fail;
		r->n_nh++;
	}
	for (unsigned i = 0; i < c->n_addrs; i++) {
		snprintf(what, sizeof(what), "addrs[%u]", i);
		ret = router_add(r, load_be32(c->addrs[i].ip), c->addrs[i].prefix_len,
				 ROUTER_NH_CONNECTED, err, errlen, what);
		if (ret)
			goto fail;
	}
	r->n_routes = lpm_route_count(r->lpm);
	*out = r;
	return 0;
nomem:
	snprintf(err, errlen, "router: out of memory for %u routes", max);
	ret = -ENOMEM;
fail:
	router_free(r);
	return ret;
}

void router_free(struct router *r)
{
	if (!r)
		return;
	lpm_free(r->lpm);
	free(r->nh);
	free(r);
}

void router_bucket_init(struct router_bucket *b, uint64_t now_ns)
{
	b->tokens = ROUTER_ICMP_BURST;
	b->tokens_at_ns = now_ns;
}

static int bucket_take(const struct router *r, struct router_bucket *b, uint64_t now)
{
	if (!r->icmp_interval_ns)
		return 0;
	if (now > b->tokens_at_ns) {
		uint64_t add = (now - b->tokens_at_ns) / r->icmp_interval_ns;
		if (b->tokens + add >= ROUTER_ICMP_BURST) {
			b->tokens = ROUTER_ICMP_BURST;
			b->tokens_at_ns = now;
		} else if (add) {
			b->tokens += (uint32_t)add;
			b->tokens_at_ns += add * r->icmp_interval_ns;
		}
	}
	if (!b->tokens)
		return 0;
	b->tokens--;
	return 1;
}

/* The next hop toward ip, or 0 with no route. */
static int route_of(const struct router *r, uint32_t ip, uint8_t nexthop[4])
{
	uint32_t nh;

	if (lpm_lookup(r->lpm, ip, &nh))
		return 0;
	if (nh == ROUTER_NH_CONNECTED)
		store_be32(nexthop, ip);
	else
		memcpy(nexthop, r->nh[nh].ip, 4);
	return 1;
}

/* Our address toward a neighbour: the one whose subnet holds it, else the first. */
static const uint8_t *our_addr_toward(const struct router *r, const uint8_t nexthop[4])
{
	uint32_t nh = load_be32(nexthop);

	for (unsigned i = 0; i < r->n_addrs; i++) {
		uint32_t mask = prefix_mask(r->addrs[i].prefix_len);
		if ((load_be32(r->addrs[i].ip) & mask) == (nh & mask))
			return r->addrs[i].ip;
	}
	return r->addrs[0].ip;
}

/* RFC 1812 4.3.2.7: no error about an ICMP error or a fragment but the first.  (Sources and
 * destinations that are not unicast hosts never get this far.) */
static int error_allowed(const uint8_t *ip, const struct pkt_meta *m)
{
	if (m->flags & PKT_F_FRAG_NEXT)
		return 0;
	if (m->l4_proto == IPPROTO_ICMP_) {
		uint32_t l4_len = (uint32_t)m->l3_len - (uint32_t)(m->l4_off - m->l3_off);
		uint8_t type = l4_len ? ip[m->l4_off - m->l3_off] : 0;
		/* unreachable, source quench, redirect, time exceeded, parameter problem */
		if (!l4_len || type == 3 || type == 4 || type == 5 || type == 11 || type == 12)
			return 0;
	}
	return 1;
}

/* Turns the frame into an ICMP error about it, in place: the new IPv4 and ICMP headers go
 * where the offending header was, and that header with 8 bytes of its data moves behind them. */
static void build_error(const struct router *r, uint8_t *frame, uint16_t *len,
			const struct pkt_meta *m, uint8_t type, const uint8_t nexthop[4])
{
	uint8_t *ip = frame + m->l3_off, *icmp = ip + IPV4_HDR, src[4];
	uint32_t ihl = (uint32_t)(ip[0] & 0xf) * 4;
	uint32_t quote = MIN(ihl + ICMP_QUOTE_PAYLOAD, (uint32_t)m->l3_len);
	uint32_t total = IPV4_HDR + ICMP_ERR_HDR + quote;

	memcpy(src, ip + 12, 4);
	memmove(icmp + ICMP_ERR_HDR, ip, quote);
	ip[0] = 0x45;
	ip[1] = 0xc0; /* precedence "internetwork control", as routers send errors */
	store_be16(ip + 2, (uint16_t)total);
	memset(ip + 4, 0, 4); /* id 0, no fragment flags */
	ip[8] = ROUTER_ICMP_TTL;
	ip[9] = IPPROTO_ICMP_;
	ip[10] = ip[11] = 0;
	memcpy(ip + 12, our_addr_toward(r, nexthop), 4);
	memcpy(ip + 16, src, 4);
	store_be16(ip + 10, csum_fold(csum_add(0, ip, IPV4_HDR)));
	icmp[0] = type;
	memset(icmp + 1, 0, 7); /* code 0 (net unreachable / TTL exceeded in transit), unused */
	store_be16(icmp + 2, csum_fold(csum_add(0, icmp, ICMP_ERR_HDR + quote)));
	/* at least 14 + 28 + 20 bytes: never under the 60-byte Ethernet minimum */
	*len = (uint16_t)(m->l3_off + total);
}

static enum router_action icmp_error(const struct router *r, struct router_bucket *b,
				     uint8_t *frame, uint16_t *len, const struct pkt_meta *m,
				     uint64_t now, uint8_t type, uint8_t nexthop[4],
				     enum drop_reason *why)
{
	uint8_t *ip = frame + m->l3_off;

	*why = type == ICMP_TIME_EXCEEDED ? DROP_ROUTER_TTL_EXPIRED : DROP_ROUTER_NO_ROUTE;
	/* icmp_rate 0: no error is ever due, so none was limited */
	if (!r->icmp_interval_ns || !error_allowed(ip, m) ||
	    !route_of(r, load_be32(ip + 12), nexthop))
		return ROUTER_DROP;
	if (!bucket_take(r, b, now)) {
		*why = DROP_ROUTER_ICMP_LIMITED;
		return ROUTER_DROP;
	}
	build_error(r, frame, len, m, type, nexthop);
	return ROUTER_ICMP_ERROR;
}

enum router_action router_process(const struct router *r, struct router_bucket *b, uint8_t *frame,
				  uint16_t *len, const struct pkt_meta *m, uint64_t now_ns,
				  uint8_t nexthop[4], enum drop_reason *why)
{
	uint8_t *ip = frame + m->l3_off;
	uint32_t dst, src;

	if (unlikely(m->l3 != PKT_L3_IPV4)) {
		*why = DROP_ROUTER_NOT_IPV4;
		return ROUTER_DROP;
	}
	if (unlikely(csum_fold(csum_add(0, ip, (uint32_t)(ip[0] & 0xf) * 4)) != 0)) {
		*why = DROP_IPV4_BAD_CHECKSUM;
		return ROUTER_DROP;
	}
	dst = load_be32(ip + 16);
	src = load_be32(ip + 12);
	if (unlikely(ip_ours(r, dst))) {
		*why = DROP_ROUTER_LOCAL;
		return ROUTER_DROP;
	}
	if (unlikely(!ip_unicast(dst) || ip_subnet_special(r, dst))) {
		*why = DROP_ROUTER_NOT_UNICAST;
		return ROUTER_DROP;
	}
	if (unlikely(!ip_unicast(src) || ip_ours(r, src) || ip_subnet_special(r, src))) {
		*why = DROP_ROUTER_BAD_SRC;
		return ROUTER_DROP;
	}
	if (unlikely(ip[8] <= 1))
		return icmp_error(r, b, frame, len, m, now_ns, ICMP_TIME_EXCEEDED, nexthop, why);
	if (unlikely(!route_of(r, dst, nexthop)))
		return icmp_error(r, b, frame, len, m, now_ns, ICMP_DEST_UNREACH, nexthop, why);
	/* TTL is the high byte of its word: an incremental update (RFC 1624 eq. 3) of the
	 * checksum the test above found right. */
	ip[8]--;
	store_be16(ip + 10, csum_update16(load_be16(ip + 10), (uint16_t)((ip[8] + 1) << 8 | ip[9]),
					  (uint16_t)(ip[8] << 8 | ip[9])));
	return ROUTER_FORWARD;
}
