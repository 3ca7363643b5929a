/* The ARP table's concurrent index: IPv4 address -> (MAC, flags), one writer, any number of
 * lock-free readers, fixed memory.  arp.c keeps the state machine; this file only places
 * entry ids in slots and publishes what readers may see.
 *
 * Why not ck_ht: its SPMC mode is safe for readers, but removal leaves tombstones that only
 * ck_ht_gc/ck_ht_grow clear, and growing frees the old array, so every reader thread would
 * need a ck_epoch record and the writer an epoch barrier.  A bounded table does not need to
 * grow, so this one never frees or moves anything while readers run:
 *  - slots: open addressing, each slot one 64-bit word (IP << 32 | ref), written atomically.
 *    An address lives within ARP_TABLE_WINDOW slots of its hash; a slot goes EMPTY -> used
 *    -> TOMB -> used ... and never back to EMPTY, so a reader may stop at the first EMPTY and
 *    otherwise probes at most the window.  Tombstones therefore cost nothing to keep.
 *  - records: each entry id owns two records {seq, ip, mac|flags}; the writer rewrites the
 *    one that is not published, then publishes it by storing the slot word.  A record is
 *    never written while a slot names it, so a reader that finds a record mid-write (odd
 *    seq) or changed under it (seq moved, slot moved) has seen the writer make progress and
 *    starts the slot over: readers never wait for the writer, and a MAC they return was
 *    written whole, for that address.
 */
#ifndef VNF_ARP_TABLE_H
#define VNF_ARP_TABLE_H
#include <stdint.h>

#define ARP_TABLE_WINDOW 16 /* slots probed per address */

#define ARP_REC_VALID 0x1 /* the MAC may be used (not a pending resolution) */
#define ARP_REC_STALE 0x2 /* usable, but the writer should re-validate it */

struct arp_rec {
	uint32_t seq;  /* writer: odd while being written; readers: load */
	uint32_t ip;   /* host order */
	uint64_t macw; /* MAC in the low 48 bits, ARP_REC_* flags above */
};

struct arp_table {
	uint64_t *slot; /* writer stores, readers load (acquire) */
	/* writer: +1 after every change of a published MAC or flags, or a removal; readers: load
	 * (acquire), so a copy taken while it had one value is still right while it has it */
	uint32_t gen;
	struct arp_rec *rec; /* 2 per id; writer stores, readers load */
	/* Writer only: */
	uint32_t *slot_of; /* id -> slot index */
	uint8_t *cur;	   /* id -> record published (0/1) */
	uint32_t mask;	   /* slots - 1 */
	uint32_t window;
	uint32_t ids;
	uint32_t seed;
};

/* ids: entries the table can hold; slots are the next power of two >= 4 * ids. */
int arp_table_init(struct arp_table *t, uint32_t ids, uint32_t seed);
void arp_table_fini(struct arp_table *t);

/* Any thread.  Returns the ARP_REC_* flags (0: not found or not usable) and fills mac. */
unsigned int arp_table_lookup(const struct arp_table *t, uint32_t ip, uint8_t mac[6]);

/* Any thread: the generation (see gen). */
static inline uint32_t arp_table_gen(const struct arp_table *t)
{
	return __atomic_load_n(&t->gen, __ATOMIC_ACQUIRE);
}

/* Writer only.  Returns the id holding ip, or -1. */
int64_t arp_table_find(const struct arp_table *t, uint32_t ip);
/* Writer only: places id (not in the table) for ip (not in the table) and publishes it with
 * mac/flags.  -ENOSPC: no free slot within ip's window (see arp_table_window). */
int arp_table_insert(struct arp_table *t, uint32_t ip, uint32_t id, const uint8_t mac[6],
		     unsigned int flags);
/* Writer only: republishes id's MAC and flags. */
void arp_table_update(struct arp_table *t, uint32_t id, const uint8_t mac[6], unsigned int flags);
/* Writer only: removes id. */
void arp_table_remove(struct arp_table *t, uint32_t id);
/* Writer only: the ids in ip's window (at most ARP_TABLE_WINDOW); returns how many. */
uint32_t arp_table_window(const struct arp_table *t, uint32_t ip, uint32_t *ids);

#endif
