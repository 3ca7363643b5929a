/* libFuzzer target: pkt_parse on arbitrary frames, then the properties every consumer of
 * pkt_meta relies on (reliability.md §7.1 P3), then the RSS hash of the parsed frame and its
 * symmetry under the default key.  Violations trap so libFuzzer keeps the input. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common.h"
#include "drop.h"
#include "pkt.h"
#include "rss.h"

#define REQUIRE(cond)                                                                              \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

static struct rss rss;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const struct rss_profile *p = rss_profile_find("default");

	(void)argc;
	(void)argv;
	REQUIRE(p != NULL);
	REQUIRE(rss_init(&rss, p->key, p->key_len) == 0);
	REQUIRE(rss_reta_set_equal(&rss, p->reta_size, 4) == 0);
	return 0;
}

static void check_meta(const uint8_t *frame, uint32_t len, const struct pkt_meta *m)
{
	uint32_t l3_end = (uint32_t)m->l3_off + m->l3_len;

	REQUIRE(m->vlans <= PKT_VLAN_MAX);
	REQUIRE(m->l3_off == 14 + 4u * m->vlans);
	REQUIRE(m->ethertype == load_be16(frame + m->l3_off - 2));
	REQUIRE(l3_end <= len);

	switch (m->l3) {
	case PKT_L3_IPV4:
		REQUIRE(m->ethertype == 0x0800);
		REQUIRE(m->l3_len >= 20);
		REQUIRE(m->l4_off >= m->l3_off + 20u && m->l4_off <= l3_end);
		REQUIRE(m->l4_proto == frame[m->l3_off + 9]);
		break;
	case PKT_L3_IPV6:
		REQUIRE(m->ethertype == 0x86dd);
		REQUIRE(m->l3_len >= 40);
		REQUIRE(m->l4_off >= m->l3_off + 40u && m->l4_off <= l3_end);
		break;
	case PKT_L3_ARP:
		REQUIRE(m->ethertype == 0x0806 && m->l3_len == 28);
		REQUIRE(m->l4_off == 0 && m->l4_proto == 0 && m->flags == 0);
		break;
	case PKT_L3_OTHER:
		REQUIRE(m->l4_off == 0 && m->l4_proto == 0 && m->flags == 0);
		break;
	default:
		REQUIRE(0);
	}

	REQUIRE((m->flags & ~(PKT_F_FRAG | PKT_F_FRAG_NEXT | PKT_F_PORTS)) == 0);
	if (m->flags & PKT_F_FRAG_NEXT)
		REQUIRE((m->flags & PKT_F_FRAG) && !(m->flags & PKT_F_PORTS));
	if (m->flags & PKT_F_PORTS) {
		REQUIRE(m->l4_proto == 6 || m->l4_proto == 17);
		REQUIRE(m->l4_off + (m->l4_proto == 6 ? 20u : 8u) <= l3_end);
	}
}

/* The hash must be the one of the tuple the metadata names, and with the symmetric default
 * key the reverse direction of a flow must hash the same. */
static void check_rss(const uint8_t *frame, const struct pkt_meta *m)
{
	uint8_t addrs[32], rev_addrs[32], rev_ports[4];
	const uint8_t *ports = NULL;
	uint32_t h = rss_hash_frame(&rss, frame, m), want, rev;
	size_t alen;

	if (m->l3 != PKT_L3_IPV4 && m->l3 != PKT_L3_IPV6) {
		REQUIRE(h == 0);
		return;
	}
	alen = m->l3 == PKT_L3_IPV4 ? 4 : 16;
	memcpy(addrs, frame + m->l3_off + (m->l3 == PKT_L3_IPV4 ? 12 : 8), 2 * alen);
	memcpy(rev_addrs, addrs + alen, alen);
	memcpy(rev_addrs + alen, addrs, alen);
	if ((m->flags & (PKT_F_PORTS | PKT_F_FRAG)) == PKT_F_PORTS) {
		ports = frame + m->l4_off;
		memcpy(rev_ports, ports + 2, 2);
		memcpy(rev_ports + 2, ports, 2);
	}
	if (m->l3 == PKT_L3_IPV4) {
		want = rss_hash_ipv4(&rss, addrs, ports);
		rev = rss_hash_ipv4(&rss, rev_addrs, ports ? rev_ports : NULL);
	} else {
		want = rss_hash_ipv6(&rss, addrs, ports);
		rev = rss_hash_ipv6(&rss, rev_addrs, ports ? rev_ports : NULL);
	}
	REQUIRE(h == want);
	REQUIRE(h == rev);
	REQUIRE(rss_queue_of(&rss, h) < rss.queues);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkt_meta m;
	enum drop_reason r;

	if (size > UINT32_MAX)
		return 0;
	r = pkt_parse(data, (uint32_t)size, &m);
	REQUIRE(r < DROP_MAX && drop_reason_name(r) != NULL);
	if (r != DROP_NONE)
		return 0;
	check_meta(data, (uint32_t)size, &m);
	check_rss(data, &m);
	return 0;
}
