/* See vale_rss_core.h. */
#include "vale_rss_core.h"
#include "pkt.h"

#ifdef __KERNEL__
#define vr_load(p)     READ_ONCE(*(p))
#define vr_store(p, v) WRITE_ONCE(*(p), (v))
#else
#define vr_load(p)     __atomic_load_n((p), __ATOMIC_RELAXED)
#define vr_store(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#endif

static uint64_t vr_mac(const uint8_t *p)
{
	return (uint64_t)load_be16(p) << 32 | load_be32(p + 2);
}

/* Fibonacci hashing: the top bits of mac * 2^64/phi, spread well for MACs that differ in
 * their last bytes only. */
static unsigned vr_mac_slot(uint64_t mac)
{
	return (unsigned)((mac * 0x9e3779b97f4a7c15ull) >> (64 - VR_LEARN_BITS));
}

uint32_t vr_learn_port(struct vr_learn *t, const uint8_t *frame, uint32_t src_port)
{
	uint64_t dmac = vr_mac(frame), smac = vr_mac(frame + 6);

	if (!(frame[6] & 1) && src_port < VR_PORTS_MAX) {
		uint64_t *e = &t->ent[vr_mac_slot(smac)];
		uint64_t want = smac << 16 | (src_port + 1);

		/* Read first: a flow's every frame would otherwise write the shared line. */
		if (vr_load(e) != want)
			vr_store(e, want);
	}
	if (frame[0] & 1)
		return VR_BROADCAST;
	{
		uint64_t e = vr_load(&t->ent[vr_mac_slot(dmac)]);

		if (e && e >> 16 == dmac)
			return (uint32_t)(e & 0xffff) - 1;
	}
	return VR_BROADCAST;
}

void vr_learn_forget(struct vr_learn *t, uint32_t port)
{
	for (unsigned i = 0; i < VR_LEARN_SIZE; i++) {
		uint64_t e = vr_load(&t->ent[i]);

		if (e && (e & 0xffff) == port + 1)
			vr_store(&t->ent[i], 0);
	}
}

unsigned vr_ring_of(const struct rss *r, const uint8_t *frame, uint32_t len, unsigned rings)
{
	struct pkt_meta m;
	uint32_t h;

	if (rings <= 1 || pkt_parse(frame, len, &m) != DROP_NONE ||
	    (m.l3 != PKT_L3_IPV4 && m.l3 != PKT_L3_IPV6))
		return 0;
	h = rss_hash_frame(r, frame, &m);
	if (rings == r->queues)
		return rss_queue_of(r, h);
	/* rss_reta_set_equal's table, entry i = i % rings, without building one per port. */
	return (h & (uint32_t)(r->reta_size - 1)) % rings;
}
