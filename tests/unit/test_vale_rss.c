/* The VALE module's decisions in user space (patches/vale-rss/vale_rss_core.c, the code the
 * kernel module runs): the ring of a frame against Microsoft's published hashes and the queue
 * formula `vnfdp rss` uses, 2-tuple for fragments, ring 0 for what cannot be hashed; and MAC
 * learning with VALE's rules. */
#include <arpa/inet.h>
#include <stdlib.h>
#include "check.h"
#include "ref_net.h"
#include "rss.h"
#include "rss_vectors.h"
#include "vale_rss_core.h"
#include "xorshift.h"

#define PROTO_TCP 6
#define PROTO_UDP 17

struct frame_spec {
	int af;
	const char *src, *dst;
	uint16_t sport, dport;
	uint8_t proto;
	int vlan;	   /* one 802.1Q tag */
	uint16_t frag;	   /* IPv4 flags+offset word (MF 0x2000); IPv6: a fragment header */
	size_t payload;	   /* bytes after the L4 header */
};

static const uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0, 0x0a }, mac_b[6] = { 0x02, 0, 0, 0, 0, 0x0b };

/* Writes a well-formed frame; returns its length. */
static uint32_t frame_build(uint8_t *f, const struct frame_spec *s)
{
	size_t l4len = (s->proto == PROTO_TCP ? 20 : 8) + s->payload, off = 12, l3;

	memset(f, 0, 256);
	memcpy(f, mac_b, 6);
	memcpy(f + 6, mac_a, 6);
	if (s->vlan) {
		put16(f + off, 0x8100);
		put16(f + off + 2, 100);
		off += 4;
	}
	put16(f + off, s->af == AF_INET ? 0x0800 : 0x86dd);
	l3 = off + 2;
	if (s->af == AF_INET) {
		f[l3] = 0x45;
		put16(f + l3 + 2, (uint16_t)(20 + l4len));
		put16(f + l3 + 6, s->frag);
		f[l3 + 8] = 64;
		f[l3 + 9] = s->proto;
		CHECK(inet_pton(AF_INET, s->src, f + l3 + 12) == 1);
		CHECK(inet_pton(AF_INET, s->dst, f + l3 + 16) == 1);
		off = l3 + 20;
	} else {
		size_t ext = s->frag ? 8 : 0;

		f[l3] = 0x60;
		put16(f + l3 + 4, (uint16_t)(ext + l4len));
		f[l3 + 6] = s->frag ? 44 : s->proto;
		f[l3 + 7] = 64;
		CHECK(inet_pton(AF_INET6, s->src, f + l3 + 8) == 1);
		CHECK(inet_pton(AF_INET6, s->dst, f + l3 + 24) == 1);
		off = l3 + 40;
		if (ext) {
			f[off] = s->proto;
			put16(f + off + 2, s->frag);
			off += 8;
		}
	}
	put16(f + off, s->sport);
	put16(f + off + 2, s->dport);
	if (s->proto == PROTO_TCP)
		f[off + 12] = 5 << 4;
	else
		put16(f + off + 4, (uint16_t)l4len);
	return (uint32_t)(off + l4len);
}

static struct rss *rss_ms(unsigned queues)
{
	struct rss *r = calloc(1, sizeof(*r));

	CHECK(r != NULL);
	if (!r)
		return NULL;
	CHECK_EQ_U(rss_init(r, ms_key, sizeof(ms_key)), 0);
	CHECK_EQ_U(rss_reta_set_equal(r, 128, (uint16_t)queues), 0);
	return r;
}

/* The ring `vnfctl rss --queues N` names for a hash: the equal RETA's entry, written out. */
static unsigned ring_expected(uint32_t hash, unsigned rings)
{
	return (hash & 127) % rings;
}

static void check_vectors(const struct vector *v, size_t n, int af)
{
	for (unsigned rings = 1; rings <= VR_RINGS_MAX; rings++) {
		/* the module's RETA (rings parameter set) and the per-port formula (rings=0) */
		struct rss *own = rss_ms(rings), *auto_reta = rss_ms(1);

		if (!own || !auto_reta)
			return;
		for (size_t i = 0; i < n; i++) {
			uint8_t f[256];
			struct frame_spec s = { af, v[i].src, v[i].dst, v[i].sport, v[i].dport,
						PROTO_TCP, 0, 0, 0 };
			uint32_t len = frame_build(f, &s);
			unsigned want = ring_expected(v[i].hash_4tuple, rings);

			CHECK_EQ_U(vr_ring_of(own, f, len, rings), want);
			CHECK_EQ_U(vr_ring_of(auto_reta, f, len, rings), want);
			s.proto = PROTO_UDP; /* the tuple is the same for UDP */
			len = frame_build(f, &s);
			CHECK_EQ_U(vr_ring_of(own, f, len, rings), want);
			s.vlan = 1; /* a tag moves the headers, not the answer */
			len = frame_build(f, &s);
			CHECK_EQ_U(vr_ring_of(own, f, len, rings), want);
		}
		free(own);
		free(auto_reta);
	}
}

static void test_ms_vectors_ipv4(void)
{
	check_vectors(ms_ipv4, ARRAY_SIZE(ms_ipv4), AF_INET);
}

static void test_ms_vectors_ipv6(void)
{
	check_vectors(ms_ipv6, ARRAY_SIZE(ms_ipv6), AF_INET6);
}

/* Fragments, the first included, go by the 2-tuple so a datagram's pieces meet on one ring. */
static void test_fragments(void)
{
	struct rss *r = rss_ms(4);
	uint8_t f[256];

	if (!r)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(ms_ipv4); i++) {
		const struct vector *v = &ms_ipv4[i];
		struct frame_spec s = { AF_INET, v->src, v->dst, v->sport, v->dport, PROTO_UDP, 0,
					0x2000 /* MF, offset 0 */, 0 };
		uint32_t len = frame_build(f, &s);

		CHECK_EQ_U(vr_ring_of(r, f, len, 4), ring_expected(v->hash_2tuple, 4));
	}
	for (size_t i = 0; i < ARRAY_SIZE(ms_ipv6); i++) {
		const struct vector *v = &ms_ipv6[i];
		struct frame_spec s = { AF_INET6, v->src, v->dst, v->sport, v->dport, PROTO_UDP, 0,
					0x0001 /* M, offset 0 */, 0 };
		uint32_t len = frame_build(f, &s);

		CHECK_EQ_U(vr_ring_of(r, f, len, 4), ring_expected(v->hash_2tuple, 4));
	}
	free(r);
}

/* ARP, unknown ethertypes, frames the parser refuses, and one ring: ring 0. */
static void test_ring_zero(void)
{
	struct rss *r = rss_ms(4);
	uint8_t f[256];
	struct frame_spec s = { AF_INET, "199.92.111.2", "65.69.140.83", 14230, 4739, PROTO_TCP,
				0, 0, 0 };
	uint32_t len;

	if (!r)
		return;
	len = frame_build(f, &s);
	CHECK_EQ_U(vr_ring_of(r, f, len, 4), 2); /* 0xc626b0ea & 127 = 106, 106 % 4 = 2 */
	CHECK_EQ_U(vr_ring_of(r, f, len, 1), 0);
	CHECK_EQ_U(vr_ring_of(r, f, len - 1, 4), 0);  /* TCP header cut: refused */
	CHECK_EQ_U(vr_ring_of(r, f, 20, 4), 0);	      /* IPv4 header cut */
	put16(f + 12, 0x0806);			      /* ARP */
	memset(f + 14, 0, 28);
	put16(f + 14, 1);
	put16(f + 16, 0x0800);
	f[18] = 6;
	f[19] = 4;
	CHECK_EQ_U(vr_ring_of(r, f, 42, 4), 0);
	put16(f + 12, 0x88cc); /* LLDP */
	CHECK_EQ_U(vr_ring_of(r, f, 60, 4), 0);
	free(r);
}

/* Many random flows: the module's ring is the ring the dataplane's own path names
 * (rss_hash_ipv4 and rss_queue_of with an equal RETA), for every ring count. */
static void test_random_flows_match_dataplane(void)
{
	for (unsigned rings = 2; rings <= VR_RINGS_MAX; rings++) {
		struct rss *r = rss_ms(rings);
		unsigned mismatches = 0, used = 0;
		unsigned seen[VR_RINGS_MAX] = { 0 };

		if (!r)
			return;
		for (int i = 0; i < 2000; i++) {
			uint8_t f[256], addrs[8], ports[4];
			char src[16], dst[16];
			uint64_t x = rng();
			struct frame_spec s = { AF_INET, src, dst, (uint16_t)x, (uint16_t)(x >> 16),
						(x >> 32) & 1 ? PROTO_TCP : PROTO_UDP, 0, 0,
						(size_t)(x >> 40) % 64 };
			uint32_t len;
			unsigned ring;

			put32(addrs, (uint32_t)rng());
			put32(addrs + 4, (uint32_t)rng());
			inet_ntop(AF_INET, addrs, src, sizeof(src));
			inet_ntop(AF_INET, addrs + 4, dst, sizeof(dst));
			put16(ports, s.sport);
			put16(ports + 2, s.dport);
			len = frame_build(f, &s);
			ring = vr_ring_of(r, f, len, rings);
			mismatches += ring != rss_queue_of(r, rss_hash_ipv4(r, addrs, ports));
			seen[ring % VR_RINGS_MAX]++;
		}
		CHECK_EQ_U(mismatches, 0);
		for (unsigned q = 0; q < rings; q++)
			used += seen[q] > 0;
		CHECK_EQ_U(used, rings);
		free(r);
	}
}

static void frame_macs(uint8_t *f, const uint8_t *dst, const uint8_t *src)
{
	memset(f, 0, 64);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	put16(f + 12, 0x0800);
}

static void test_learning(void)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	struct vr_learn *t = calloc(1, sizeof(*t));
	uint8_t f[64];

	CHECK(t != NULL);
	if (!t)
		return;
	frame_macs(f, mac_b, mac_a); /* a -> b, b unknown: flooded */
	CHECK_EQ_U(vr_learn_port(t, f, 3), VR_BROADCAST);
	frame_macs(f, mac_a, mac_b); /* b -> a: a was learned on port 3 */
	CHECK_EQ_U(vr_learn_port(t, f, 7), 3);
	frame_macs(f, mac_b, mac_a); /* and b on port 7 */
	CHECK_EQ_U(vr_learn_port(t, f, 3), 7);
	frame_macs(f, mac_b, mac_a); /* a moves to port 5: the next frame to a goes there */
	CHECK_EQ_U(vr_learn_port(t, f, 5), 7);
	frame_macs(f, mac_a, mac_b);
	CHECK_EQ_U(vr_learn_port(t, f, 7), 5);
	frame_macs(f, bcast, mac_a); /* group addresses always flood */
	CHECK_EQ_U(vr_learn_port(t, f, 5), VR_BROADCAST);
	frame_macs(f, mcast, mac_a);
	CHECK_EQ_U(vr_learn_port(t, f, 5), VR_BROADCAST);
	frame_macs(f, mac_a, mcast); /* a group source is not learned */
	CHECK_EQ_U(vr_learn_port(t, f, 9), 5);
	frame_macs(f, mcast, mac_b);
	CHECK_EQ_U(vr_learn_port(t, f, 7), VR_BROADCAST);
	vr_learn_forget(t, 5); /* a's port leaves: a is unknown again, b (port 7) stays */
	frame_macs(f, mac_a, mac_b);
	CHECK_EQ_U(vr_learn_port(t, f, 7), VR_BROADCAST);
	frame_macs(f, mac_b, mac_a);
	CHECK_EQ_U(vr_learn_port(t, f, 3), 7);
	free(t);
}

/* Many stations: each is found on its port unless a later one took its slot (VALE's table has
 * no chains either), and never on another station's port. */
static void test_learning_many(void)
{
	struct vr_learn *t = calloc(1, sizeof(*t));
	uint8_t f[64], me[6] = { 0x02, 0x11, 0, 0, 0, 0 }, peer[6] = { 0x02, 0x22, 0, 0, 0, 1 };
	unsigned found = 0, wrong = 0;

	CHECK(t != NULL);
	if (!t)
		return;
	for (unsigned i = 0; i < 512; i++) {
		put32(me + 2, i);
		frame_macs(f, peer, me);
		vr_learn_port(t, f, i % 200);
	}
	for (unsigned i = 0; i < 512; i++) {
		uint32_t p;

		put32(me + 2, i);
		frame_macs(f, me, peer);
		p = vr_learn_port(t, f, 250);
		found += p == i % 200;
		wrong += p != i % 200 && p != VR_BROADCAST;
	}
	CHECK_EQ_U(wrong, 0);
	CHECK(found > 400); /* 512 MACs in 1024 slots: few collisions */
	free(t);
}

CHECK_MAIN("vale_rss", TEST(test_ms_vectors_ipv4), TEST(test_ms_vectors_ipv6),
	   TEST(test_fragments), TEST(test_ring_zero), TEST(test_random_flows_match_dataplane),
	   TEST(test_learning), TEST(test_learning_many))
