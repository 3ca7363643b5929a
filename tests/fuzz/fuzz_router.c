/* libFuzzer target: the IPv4 router's decision (router_process) on arbitrary frames that
 * pkt_parse accepts, for a small fixed table, against a reference written here from the spec.
 *
 * Input: byte 0 picks variants so the deep paths are reached (see below), byte 1 picks a
 * destination/source from the tables here, byte 2 the clock; the rest is the frame.
 *   bit 0     recompute the IPv4 header checksum after the changes below (else leave it)
 *   bits 1-2  destination: 0 the frame's, 1 dsts[byte 1], 2 10.3.5.<byte 1>, 3 the frame's
 *   bit 3     source: srcs[byte 1 >> 4]
 *   bits 4-5  TTL: 0 the frame's, 1 -> 0, 2 -> 1, 3 -> 2
 *   bit 6     the table without a default route (so "no route" happens)
 *   bit 7     the worker's ICMP bucket starts empty (then byte 2 says how long it refilled)
 * Properties (violations trap): the action, drop reason and next hop are the reference's;
 * FORWARD: same length, only TTL (-1) and the checksum changed, the checksum verifies; ICMP
 * error: a valid IPv4 + ICMP type 3/11 frame from our address to the original source, quoting
 * the original header + 8 bytes (or the whole shorter datagram), 60 <= length <= l3_off + 96,
 * layer 2 untouched; DROP: frame and length unchanged. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "pkt.h"
#include "router.h"
#include "../unit/ref_net.h"

#define REQUIRE(cond)                                                                              \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))
#define BUF	       2048
#define SLACK	       128 /* an ICMP error may grow a short frame (at most to l3_off + 96) */
#define T0	       1000000000000ull
#define RATE	       1000 /* errors/s: a token per ms */
#define CLK_STEP       250000ull

static const struct dp_addr addrs[] = { { { 10, 0, 0, 2 }, 24 }, { { 172, 16, 0, 1 }, 16 } };
static const struct dp_route routes[] = {
	{ { 10, 3, 0, 0 }, 16, { 10, 0, 0, 5 } },
	{ { 10, 3, 5, 0 }, 24, { 10, 0, 0, 6 } },
	{ { 10, 3, 5, 7 }, 32, { 172, 16, 9, 9 } },
	{ { 0, 0, 0, 0 }, 0, { 10, 0, 0, 1 } }, /* last: left out of the second table */
};
#define N_ADDRS	 2
#define N_ROUTES 4

static const uint32_t dsts[] = {
	IP(10, 0, 0, 77),	IP(10, 3, 1, 1),  IP(10, 3, 5, 7),	 IP(10, 3, 5, 9),
	IP(172, 16, 40, 4),	IP(8, 8, 8, 8),	  IP(10, 0, 0, 2),	 IP(172, 16, 0, 1),
	IP(10, 0, 0, 255),	IP(10, 0, 0, 0),  IP(172, 16, 255, 255), IP(224, 0, 0, 5),
	IP(255, 255, 255, 255), IP(127, 0, 0, 1), IP(0, 0, 0, 0),	 IP(240, 0, 0, 1),
};
static const uint32_t srcs[] = {
	IP(10, 0, 0, 9),   IP(10, 3, 5, 7),   IP(10, 3, 9, 9),	      IP(172, 16, 3, 3),
	IP(8, 8, 4, 4),	   IP(10, 0, 0, 2),   IP(10, 0, 0, 255),      IP(224, 1, 1, 1),
	IP(0, 0, 0, 1),	   IP(127, 1, 1, 1),  IP(255, 255, 255, 255), IP(10, 3, 5, 200),
	IP(172, 16, 0, 0), IP(10, 0, 0, 200), IP(11, 1, 1, 1),	      IP(172, 16, 0, 1),
};

/* ---- reference, from RFC 1812 and router.h, not from router.c ---------------------------- */

/* 1 and *nh (the destination itself on a connected subnet), or 0: no route. */
static int ref_route(int with_default, uint32_t ip, uint32_t *nh)
{
	int best = -1, connected = 0;

	for (int i = 0; i < N_ROUTES - !with_default; i++)
		if ((ip & mask_of(routes[i].prefix_len)) == be32(routes[i].dst) &&
		    (best < 0 || routes[i].prefix_len > best)) {
			best = routes[i].prefix_len;
			*nh = be32(routes[i].via);
		}
	for (int i = 0; i < N_ADDRS; i++) {
		uint32_t m = mask_of(addrs[i].prefix_len);
		if ((ip & m) == (be32(addrs[i].ip) & m) && addrs[i].prefix_len >= best) {
			best = addrs[i].prefix_len;
			connected = 1;
		}
	}
	if (connected)
		*nh = ip;
	return best >= 0;
}

static int ref_ours(uint32_t ip)
{
	for (int i = 0; i < N_ADDRS; i++)
		if (be32(addrs[i].ip) == ip)
			return 1;
	return 0;
}

/* Not a unicast host: 0/8, 127/8, multicast, class E, broadcast, or the network or broadcast
 * address of one of our subnets. */
static int ref_special(uint32_t ip)
{
	if ((ip >> 24) == 0 || (ip >> 24) == 127 || (ip >> 24) >= 224)
		return 1;
	for (int i = 0; i < N_ADDRS; i++) {
		uint32_t m = mask_of(addrs[i].prefix_len);
		if (addrs[i].prefix_len <= 30 && (ip & m) == (be32(addrs[i].ip) & m) &&
		    ((ip & ~m) == 0 || (ip & ~m) == ~m))
			return 1;
	}
	return 0;
}

static uint32_t ref_our_addr_toward(uint32_t nh)
{
	for (int i = 0; i < N_ADDRS; i++) {
		uint32_t m = mask_of(addrs[i].prefix_len);
		if ((nh & m) == (be32(addrs[i].ip) & m))
			return be32(addrs[i].ip);
	}
	return be32(addrs[0].ip);
}

struct ref {
	enum router_action act;
	enum drop_reason why;
	uint8_t type; /* ICMP error */
	uint32_t nh;
};

static struct ref reference(const uint8_t *frame, const struct pkt_meta *m, int with_default,
			    int tokens)
{
	const uint8_t *ip = frame + m->l3_off;
	unsigned ihl = (ip[0] & 0xfu) * 4;
	uint32_t src = be32(ip + 12), dst = be32(ip + 16), nh = 0;
	struct ref r = { .act = ROUTER_DROP };

	if (m->l3 != PKT_L3_IPV4) {
		r.why = DROP_ROUTER_NOT_IPV4;
		return r;
	}
	if (ref_csum(ip, ihl)) {
		r.why = DROP_IPV4_BAD_CHECKSUM;
		return r;
	}
	if (ref_ours(dst)) {
		r.why = DROP_ROUTER_LOCAL;
		return r;
	}
	if (ref_special(dst)) {
		r.why = DROP_ROUTER_NOT_UNICAST;
		return r;
	}
	if (ref_special(src) || ref_ours(src)) {
		r.why = DROP_ROUTER_BAD_SRC;
		return r;
	}
	if (ip[8] > 1 && ref_route(with_default, dst, &nh)) {
		r.act = ROUTER_FORWARD;
		r.nh = nh;
		return r;
	}
	r.type = ip[8] <= 1 ? 11 : 3;
	r.why = r.type == 11 ? DROP_ROUTER_TTL_EXPIRED : DROP_ROUTER_NO_ROUTE;
	/* no error about a non-first fragment or an ICMP error (or an ICMP message without a
	 * type), nor to a source we cannot reach */
	if (m->flags & PKT_F_FRAG_NEXT)
		return r;
	if (ip[9] == 1) {
		unsigned l4 = m->l3_len - ihl;
		uint8_t t = l4 ? ip[ihl] : 0;
		if (!l4 || t == 3 || t == 4 || t == 5 || t == 11 || t == 12)
			return r;
	}
	if (!ref_route(with_default, src, &nh))
		return r;
	if (!tokens) {
		r.why = DROP_ROUTER_ICMP_LIMITED;
		return r;
	}
	r.act = ROUTER_ICMP_ERROR;
	r.nh = nh;
	return r;
}

/* ---- the target -------------------------------------------------------------------------- */

static struct router *table[2]; /* [0] with the default route, [1] without */

static void tables_create(void)
{
	static struct dp_config c;

	for (int t = 0; t < 2; t++) {
		char err[128];
		memset(&c, 0, sizeof(c));
		config_set_defaults(&c);
		memcpy(c.addrs, addrs, sizeof(addrs));
		c.n_addrs = N_ADDRS;
		memcpy(c.app.routes, routes, sizeof(routes));
		c.app.n_routes = (uint16_t)(N_ROUTES - t);
		c.app.icmp_rate = RATE;
		REQUIRE(router_create(&table[t], &c, err, sizeof(err)) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[BUF + SLACK], orig[BUF + SLACK];
	struct router_bucket b;
	struct pkt_meta m;
	enum drop_reason why = DROP_NONE;
	uint8_t nh[4] = { 0 };
	uint16_t len;

	if (!table[0])
		tables_create();
	if (size < 3 || size - 3 > BUF)
		return 0;
	uint8_t v = data[0], sel = data[1], clk = data[2];
	len = (uint16_t)(size - 3);
	memset(frame, 0xa5, sizeof(frame));
	memcpy(frame, data + 3, len);
	if (pkt_parse(frame, len, &m) != DROP_NONE)
		return 0;

	if (m.l3 == PKT_L3_IPV4) {
		uint8_t *ip = frame + m.l3_off;
		unsigned ihl = (ip[0] & 0xfu) * 4;
		switch (v >> 1 & 3) {
		case 1:
			put32(ip + 16, dsts[sel % (sizeof(dsts) / sizeof(dsts[0]))]);
			break;
		case 2:
			put32(ip + 16, IP(10, 3, 5, sel));
			break;
		}
		if (v & 8)
			put32(ip + 12, srcs[sel >> 4]);
		if (v >> 4 & 3)
			ip[8] = (uint8_t)((v >> 4 & 3) - 1);
		if (v & 1) {
			ip[10] = ip[11] = 0;
			uint16_t c = ref_csum(ip, ihl);
			ip[10] = (uint8_t)(c >> 8);
			ip[11] = (uint8_t)c;
		}
	}
	memcpy(orig, frame, sizeof(frame));

	int t = v >> 6 & 1;
	uint64_t now = T0 + clk * CLK_STEP;
	router_bucket_init(&b, T0);
	if (v & 0x80)
		b.tokens = 0;
	int tokens = !(v & 0x80) || clk * CLK_STEP >= 1000000000ull / RATE;
	struct ref want = reference(orig, &m, !t, tokens);

	enum router_action act = router_process(table[t], &b, frame, &len, &m, now, nh, &why);
	REQUIRE(act == want.act);

	if (act == ROUTER_DROP) {
		REQUIRE(why == want.why);
		REQUIRE(why >= DROP_ROUTER_NOT_IPV4 && why <= DROP_ROUTER_ICMP_LIMITED);
		REQUIRE(len == size - 3);
		REQUIRE(memcmp(frame, orig, sizeof(frame)) == 0);
		return 0;
	}
	REQUIRE(be32(nh) == want.nh);

	const uint8_t *ip = frame + m.l3_off, *oip = orig + m.l3_off;
	unsigned ihl = (oip[0] & 0xfu) * 4;
	if (act == ROUTER_FORWARD) {
		REQUIRE(len == size - 3);
		REQUIRE(ip[8] == (uint8_t)(oip[8] - 1));
		REQUIRE(ref_csum(ip, ihl) == 0);
		for (size_t i = 0; i < sizeof(frame); i++)
			REQUIRE(frame[i] == orig[i] || i == m.l3_off + 8u || i == m.l3_off + 10u ||
				i == m.l3_off + 11u);
		return 0;
	}

	/* an ICMP error */
	const uint8_t *ic = ip + 20;
	unsigned quote = ihl + 8 < m.l3_len ? ihl + 8 : m.l3_len, end = m.l3_off + 28u + quote;
	REQUIRE(act == ROUTER_ICMP_ERROR);
	REQUIRE(len == (end < 60 ? 60 : end));
	REQUIRE(len >= 60 && len <= m.l3_off + 96u);
	REQUIRE(memcmp(frame, orig, m.l3_off) == 0);
	REQUIRE(ip[0] == 0x45);
	REQUIRE((unsigned)(ip[2] << 8 | ip[3]) == 28 + quote);
	REQUIRE((ip[6] & 0x3f) == 0 && ip[7] == 0); /* not a fragment */
	REQUIRE(ip[8] == ROUTER_ICMP_TTL && ip[9] == 1);
	REQUIRE(ref_csum(ip, 20) == 0);
	REQUIRE(be32(ip + 12) == ref_our_addr_toward(want.nh));
	REQUIRE(be32(ip + 16) == be32(oip + 12));
	REQUIRE(ic[0] == want.type && ic[1] == 0);
	REQUIRE(ref_csum(ic, 8 + quote) == 0);
	REQUIRE(memcmp(ic + 8, oip, quote) == 0);
	for (unsigned i = end; i < len; i++)
		REQUIRE(frame[i] == 0);
	struct pkt_meta m2;
	REQUIRE(pkt_parse(frame, len, &m2) == DROP_NONE);
	REQUIRE(m2.l3 == PKT_L3_IPV4 && m2.l3_off == m.l3_off && m2.vlans == m.vlans);
	REQUIRE(m2.l4_proto == 1 && m2.l3_len == 28 + quote && !(m2.flags & PKT_F_FRAG));
	return 0;
}
