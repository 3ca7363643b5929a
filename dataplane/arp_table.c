/* The ARP table's concurrent index; arp_table.h describes the design. */
#include <errno.h>
#include <stdlib.h>

#include "arp_table.h"
#include "common.h"

#define SLOT_EMPTY 0u
#define SLOT_TOMB  1u
#define SLOT_REF0  2u /* first reference to a record */
#define MAC_MASK   0xffffffffffffull

static inline uint32_t slot_ip(uint64_t w)
{
	return (uint32_t)(w >> 32);
}

static inline uint32_t slot_ref(uint64_t w)
{
	return (uint32_t)w;
}

/* Record index (id * 2 + which) of a used slot's reference. */
static inline uint32_t ref_rec(uint32_t ref)
{
	return ref - SLOT_REF0;
}

/* murmur3's finaliser over the seeded address: senders choose their addresses, so the
 * seed keeps them from aiming a flood at one window. */
static uint32_t hash_ip(const struct arp_table *t, uint32_t ip)
{
	uint32_t h = ip ^ t->seed;

	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

static uint64_t mac_pack(const uint8_t mac[6], unsigned int flags)
{
	uint64_t v = 0;

	for (int i = 0; i < 6; i++)
		v = v << 8 | mac[i];
	return v | (uint64_t)flags << 48;
}

static void mac_unpack(uint64_t v, uint8_t mac[6])
{
	for (int i = 5; i >= 0; i--, v >>= 8)
		mac[i] = (uint8_t)v;
}

int arp_table_init(struct arp_table *t, uint32_t ids, uint32_t seed)
{
	uint64_t slots;
	int err = -ENOMEM;

	*t = (struct arp_table){ .seed = seed, .ids = ids };
	if (!ids || ids > (1u << 24))
		return -EINVAL;
	slots = pow2_at_least(4 * ids); /* ids <= 2^24 */
	t->slot = calloc(slots, sizeof(*t->slot));
	t->rec = calloc(2ull * ids, sizeof(*t->rec));
	t->slot_of = calloc(ids, sizeof(*t->slot_of));
	t->cur = calloc(ids, sizeof(*t->cur));
	if (!t->slot || !t->rec || !t->slot_of || !t->cur)
		goto err_free;
	t->mask = (uint32_t)(slots - 1);
	t->window = slots < ARP_TABLE_WINDOW ? (uint32_t)slots : ARP_TABLE_WINDOW;
	return 0;

err_free:
	arp_table_fini(t);
	return err;
}

void arp_table_fini(struct arp_table *t)
{
	free(t->slot);
	free(t->rec);
	free(t->slot_of);
	free(t->cur);
	*t = (struct arp_table){ 0 };
}

/* Reads a record named by slot word w of slot s.  Returns 1 with *macw filled if the record
 * was stable and still published for ip; 0 if the writer moved on (the caller reloads the
 * slot and looks again). */
static int rec_read(const struct arp_table *t, uint32_t s, uint64_t w, uint32_t ip, uint64_t *macw)
{
	const struct arp_rec *r = &t->rec[ref_rec(slot_ref(w))];
	uint32_t seq = __atomic_load_n(&r->seq, __ATOMIC_ACQUIRE);
	uint32_t rip = __atomic_load_n(&r->ip, __ATOMIC_RELAXED);
	uint64_t v = __atomic_load_n(&r->macw, __ATOMIC_RELAXED);

	/* Orders the data loads before the re-checks (the seqlock read side). */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if ((seq & 1) || __atomic_load_n(&r->seq, __ATOMIC_RELAXED) != seq || rip != ip ||
	    __atomic_load_n(&t->slot[s], __ATOMIC_RELAXED) != w)
		return 0;
	*macw = v;
	return 1;
}

unsigned int arp_table_lookup(const struct arp_table *t, uint32_t ip, uint8_t mac[6])
{
	uint32_t h = hash_ip(t, ip);

	for (uint32_t i = 0; i < t->window; i++) {
		uint32_t s = (h + i) & t->mask;
		uint64_t w, v;

		/* Retries only when the writer changed this slot or its record meanwhile. */
		for (;;) {
			w = __atomic_load_n(&t->slot[s], __ATOMIC_ACQUIRE);
			if (slot_ref(w) == SLOT_EMPTY)
				return 0;
			if (slot_ref(w) == SLOT_TOMB || slot_ip(w) != ip)
				break;
			if (rec_read(t, s, w, ip, &v)) {
				unsigned int flags = (unsigned int)(v >> 48);

				if (flags & ARP_REC_VALID)
					mac_unpack(v & MAC_MASK, mac);
				return flags;
			}
		}
	}
	return 0;
}

int64_t arp_table_find(const struct arp_table *t, uint32_t ip)
{
	uint32_t h = hash_ip(t, ip);

	for (uint32_t i = 0; i < t->window; i++) {
		uint64_t w = t->slot[(h + i) & t->mask];

		if (slot_ref(w) == SLOT_EMPTY)
			break;
		if (slot_ref(w) != SLOT_TOMB && slot_ip(w) == ip)
			return ref_rec(slot_ref(w)) / 2;
	}
	return -1;
}

/* Writes record `which` of id (not published: no slot names it). */
static void rec_write(struct arp_table *t, uint32_t id, unsigned int which, uint32_t ip,
		      uint64_t macw)
{
	struct arp_rec *r = &t->rec[2 * id + which];

	__atomic_store_n(&r->seq, r->seq + 1, __ATOMIC_RELAXED);
	/* The odd seq is visible before any data store (the seqlock write side). */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&r->ip, ip, __ATOMIC_RELAXED);
	__atomic_store_n(&r->macw, macw, __ATOMIC_RELAXED);
	__atomic_store_n(&r->seq, r->seq + 1, __ATOMIC_RELEASE);
}

static void slot_publish(struct arp_table *t, uint32_t id, uint32_t ip)
{
	uint64_t w = (uint64_t)ip << 32 | (SLOT_REF0 + 2 * id + t->cur[id]);

	__atomic_store_n(&t->slot[t->slot_of[id]], w, __ATOMIC_RELEASE);
}

int arp_table_insert(struct arp_table *t, uint32_t ip, uint32_t id, const uint8_t mac[6],
		     unsigned int flags)
{
	uint32_t h = hash_ip(t, ip);

	for (uint32_t i = 0; i < t->window; i++) {
		uint32_t s = (h + i) & t->mask;

		if (slot_ref(t->slot[s]) > SLOT_TOMB)
			continue;
		t->slot_of[id] = s;
		t->cur[id] ^= 1;
		rec_write(t, id, t->cur[id], ip, mac_pack(mac, flags));
		slot_publish(t, id, ip);
		return 0;
	}
	return -ENOSPC;
}

void arp_table_update(struct arp_table *t, uint32_t id, const uint8_t mac[6], unsigned int flags)
{
	uint32_t ip = slot_ip(t->slot[t->slot_of[id]]);

	t->cur[id] ^= 1;
	rec_write(t, id, t->cur[id], ip, mac_pack(mac, flags));
	slot_publish(t, id, ip);
	__atomic_store_n(&t->gen, t->gen + 1, __ATOMIC_RELEASE);
}

void arp_table_remove(struct arp_table *t, uint32_t id)
{
	__atomic_store_n(&t->slot[t->slot_of[id]], (uint64_t)SLOT_TOMB, __ATOMIC_RELEASE);
	__atomic_store_n(&t->gen, t->gen + 1, __ATOMIC_RELEASE);
}

uint32_t arp_table_window(const struct arp_table *t, uint32_t ip, uint32_t *ids)
{
	uint32_t h = hash_ip(t, ip), n = 0;

	for (uint32_t i = 0; i < t->window; i++) {
		uint64_t w = t->slot[(h + i) & t->mask];

		if (slot_ref(w) > SLOT_TOMB)
			ids[n++] = ref_rec(slot_ref(w)) / 2;
	}
	return n;
}
