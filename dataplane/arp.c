/* ARP state machine (arp.h).  The writer-side entry state lives here; arp_table.c holds what
 * readers see.  Every received frame ends in exactly one outcome counter. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arp.h"
#include "arp_table.h"
#include "common.h"

#define ARP_HDR_LEN    28
#define ETH_HDR_LEN    14
#define ETH_TAGS_MAX   8 /* two VLAN tags, copied from a request into its reply */
#define ETH_P_ARP      0x0806
#define ARP_HTYPE_ETH  1
#define ARP_PTYPE_IPV4 0x0800
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY   2
#define NO_ID	       UINT32_MAX

enum arp_state {
	ARP_ST_FREE = 0,
	ARP_ST_PENDING,
	ARP_ST_REACHABLE,
	ARP_ST_STALE,
	ARP_ST_STATIC,
};

/* Writer only. */
struct arp_entry {
	uint32_t ip; /* host order */
	uint8_t mac[6];
	uint8_t state;	       /* enum arp_state */
	uint8_t probes;	       /* requests sent in the current resolution or probe; 0 = none */
	uint64_t confirmed_ns; /* reachable/stale: last confirmation */
	uint64_t next_ns;      /* pending/probing: when to retry or give up */
	uint32_t hold_head, hold_n;
	uint32_t next_free;
};

struct arp {
	struct arp_params p;		/* read-only after arp_create */
	uint32_t our_ip[ARP_ADDRS_MAX]; /* host order */
	uint32_t our_mask[ARP_ADDRS_MAX];
	struct arp_table t;  /* writer; readers through arp_table_lookup */
	struct arp_entry *e; /* writer: capacity entries */
	void **hold;	     /* writer: hold_len per entry */
	uint32_t free_head;  /* writer */
	uint32_t count;	     /* writer; any thread reads it (arp_count) */
	uint32_t n_static;   /* writer; any thread reads it (arp_count_static) */
	uint32_t tick_pos;   /* writer: where a stopped arp_tick resumes */
	/* Written by the writer only, read by any thread (arp_counter_get). */
	uint64_t cnt[ARP_CNT_MAX] __cache_aligned;
};

static const uint8_t mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mac_zero[6];

static const char *const counter_names[ARP_CNT_MAX] = {
#define ARP_CNT_NAME(id, name) [ARP_CNT_##id] = name,
	ARP_RX_OUTCOMES(ARP_CNT_NAME) ARP_EVENTS(ARP_CNT_NAME)
#undef ARP_CNT_NAME
};

const char *arp_counter_name(enum arp_counter c)
{
	return (unsigned int)c < ARP_CNT_MAX ? counter_names[c] : NULL;
}

static void cnt_add(struct arp *a, enum arp_counter c, uint64_t n)
{
	__atomic_store_n(&a->cnt[c], a->cnt[c] + n, __ATOMIC_RELAXED);
}

static void cnt_inc(struct arp *a, enum arp_counter c)
{
	cnt_add(a, c, 1);
}

uint64_t arp_counter_get(const struct arp *a, enum arp_counter c)
{
	return (unsigned int)c < ARP_CNT_MAX ? __atomic_load_n(&a->cnt[c], __ATOMIC_RELAXED) : 0;
}

uint32_t arp_count(const struct arp *a)
{
	return __atomic_load_n(&a->count, __ATOMIC_RELAXED);
}

uint32_t arp_count_static(const struct arp *a)
{
	return __atomic_load_n(&a->n_static, __ATOMIC_RELAXED);
}

static uint64_t add_sat(uint64_t t, uint64_t d)
{
	return t + d < t ? UINT64_MAX : t + d;
}

/* 0.0.0.0/8, loopback, multicast, class E and broadcast are never ARP targets or senders. */
static int ip_bad(uint32_t ip)
{
	return (ip >> 24) == 0 || (ip >> 24) == 127 || (ip >> 28) >= 0xe;
}

static int mac_bad(const uint8_t mac[6])
{
	return (mac[0] & 1) || memcmp(mac, mac_zero, 6) == 0;
}

static int is_ours(const struct arp *a, uint32_t ip)
{
	for (unsigned int i = 0; i < a->p.n_addrs; i++)
		if (a->our_ip[i] == ip)
			return 1;
	return 0;
}

/* Our address on target's subnet, else the first: the sender address of a request. */
static uint32_t source_ip_for(const struct arp *a, uint32_t target)
{
	for (unsigned int i = 0; i < a->p.n_addrs; i++)
		if (((a->our_ip[i] ^ target) & a->our_mask[i]) == 0)
			return a->our_ip[i];
	return a->our_ip[0];
}

void arp_params_default(struct arp_params *p)
{
	*p = (struct arp_params){
		.capacity = 1024,
		.hold_len = 16,
		.retry_limit = 16,
		.retry_ns = 1000000000ull,
		.reachable_ns = 30000000000ull,
		.stale_ns = 60000000000ull,
	};
}

static int params_check(const struct arp_params *p)
{
	if (!p->n_addrs || p->n_addrs > ARP_ADDRS_MAX || mac_bad(p->mac))
		return -EINVAL;
	if (!p->capacity || p->capacity > ARP_CAPACITY_MAX)
		return -EINVAL;
	if (!p->hold_len || p->hold_len > ARP_HOLD_MAX)
		return -EINVAL;
	if (!p->retry_limit || p->retry_limit > 255)
		return -EINVAL;
	if (!p->retry_ns || !p->reachable_ns || !p->stale_ns)
		return -EINVAL;
	for (unsigned int i = 0; i < p->n_addrs; i++)
		if (ip_bad(load_be32(p->addrs[i].ip)) || p->addrs[i].prefix_len > 32)
			return -EINVAL;
	return 0;
}

int arp_create(struct arp **out, const struct arp_params *p)
{
	struct arp *a;
	int err;

	*out = NULL;
	err = params_check(p);
	if (err)
		return err;
	err = -ENOMEM;
	a = zalloc_aligned(1, sizeof(*a));
	if (!a)
		goto err;
	a->p = *p;
	for (unsigned int i = 0; i < p->n_addrs; i++) {
		a->our_ip[i] = load_be32(p->addrs[i].ip);
		a->our_mask[i] = p->addrs[i].prefix_len ? ~0u << (32 - p->addrs[i].prefix_len) : 0;
	}
	a->e = calloc(p->capacity, sizeof(*a->e));
	a->hold = calloc((size_t)p->capacity * p->hold_len, sizeof(*a->hold));
	if (!a->e || !a->hold)
		goto err_free;
	err = arp_table_init(&a->t, p->capacity, p->hash_seed);
	if (err)
		goto err_free;
	for (uint32_t i = 0; i < p->capacity; i++)
		a->e[i].next_free = i + 1 < p->capacity ? i + 1 : NO_ID;
	a->free_head = 0;
	*out = a;
	return 0;

err_free:
	free(a->e);
	free(a->hold);
	free(a);
err:
	return err;
}

void arp_destroy(struct arp *a)
{
	if (!a)
		return;
	arp_table_fini(&a->t);
	free(a->e);
	free(a->hold);
	free(a);
}

static void out_reset(struct arp_out *out)
{
	out->n_frames = 0;
	out->fate = ARP_PKTS_NONE;
	out->n_pkts = 0;
}

/* Next frame buffer of out, zeroed (the padding), or NULL if out is full. */
static uint8_t *out_frame(struct arp_out *out)
{
	uint8_t *f;

	if (out->n_frames >= ARP_OUT_FRAMES)
		return NULL;
	f = out->frame[out->n_frames++];
	memset(f, 0, ARP_FRAME_LEN);
	return f;
}

struct arp_fields {
	uint16_t op;
	const uint8_t *sha, *tha;
	uint32_t spa, tpa;
};

/* An ARP frame: Ethernet header (with tags copied in), ARP header, zero padding. */
static void frame_build(uint8_t *f, const uint8_t *eth_dst, const uint8_t *eth_src,
			const uint8_t *tags, uint32_t tags_len, const struct arp_fields *x)
{
	uint8_t *h = f + 12 + tags_len + 2;

	memcpy(f, eth_dst, 6);
	memcpy(f + 6, eth_src, 6);
	if (tags_len)
		memcpy(f + 12, tags, tags_len);
	store_be16(f + 12 + tags_len, ETH_P_ARP);
	store_be16(h, ARP_HTYPE_ETH);
	store_be16(h + 2, ARP_PTYPE_IPV4);
	h[4] = 6;
	h[5] = 4;
	store_be16(h + 6, x->op);
	memcpy(h + 8, x->sha, 6);
	store_be32(h + 14, x->spa);
	memcpy(h + 18, x->tha, 6);
	store_be32(h + 24, x->tpa);
}

/* A request for e's address, broadcast or (probing a stale entry) to its known MAC.  The
 * caller has checked that out has room. */
static void request_send(struct arp *a, struct arp_entry *e, const uint8_t *dst, uint64_t now,
			 struct arp_out *out)
{
	struct arp_fields x = {
		.op = ARP_OP_REQUEST,
		.sha = a->p.mac,
		.spa = source_ip_for(a, e->ip),
		.tha = mac_zero,
		.tpa = e->ip,
	};

	frame_build(out_frame(out), dst, a->p.mac, NULL, 0, &x);
	e->probes++;
	e->next_ns = add_sat(now, a->p.retry_ns);
	cnt_inc(a, ARP_CNT_REQUESTS_SENT);
}

static unsigned int state_flags(const struct arp_entry *e)
{
	switch (e->state) {
	case ARP_ST_REACHABLE:
	case ARP_ST_STATIC:
		return ARP_REC_VALID;
	case ARP_ST_STALE:
		return ARP_REC_VALID | ARP_REC_STALE;
	default:
		return 0;
	}
}

static void entry_publish(struct arp *a, uint32_t id)
{
	arp_table_update(&a->t, id, a->e[id].mac, state_flags(&a->e[id]));
}

static void entry_free(struct arp *a, uint32_t id)
{
	arp_table_remove(&a->t, id);
	a->e[id] = (struct arp_entry){ .next_free = a->free_head };
	a->free_head = id;
	__atomic_store_n(&a->count, a->count - 1, __ATOMIC_RELAXED);
}

/* The oldest stale entry among ids (all entries if ids is NULL), or NO_ID.  Only stale
 * entries are evictable: static ones never, pending ones hold packets, reachable ones were
 * just confirmed. */
static uint32_t victim_find(const struct arp *a, const uint32_t *ids, uint32_t n)
{
	uint32_t best = NO_ID;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t id = ids ? ids[i] : i;
		const struct arp_entry *e = &a->e[id];

		if (e->state == ARP_ST_STALE &&
		    (best == NO_ID || e->confirmed_ns < a->e[best].confirmed_ns))
			best = id;
	}
	return best;
}

static int evict(struct arp *a, const uint32_t *ids, uint32_t n)
{
	uint32_t victim = victim_find(a, ids, n);

	if (victim == NO_ID)
		return -ENOSPC;
	entry_free(a, victim);
	cnt_inc(a, ARP_CNT_EVICTED);
	return 0;
}

/* A new entry for ip in the given state (published with mac), evicting a stale entry if
 * the table or ip's window is full.  Returns its id, or NO_ID (TABLE_FULL counted). */
static uint32_t entry_alloc(struct arp *a, uint32_t ip, const uint8_t mac[6], uint8_t state,
			    uint64_t now)
{
	struct arp_entry tmp = { .state = state };
	uint32_t ids[ARP_TABLE_WINDOW], id;

	if (a->free_head == NO_ID && evict(a, NULL, a->p.capacity))
		goto full;
	id = a->free_head;
	a->free_head = a->e[id].next_free;
	if (arp_table_insert(&a->t, ip, id, mac, state_flags(&tmp)) == -ENOSPC &&
	    (evict(a, ids, arp_table_window(&a->t, ip, ids)) ||
	     arp_table_insert(&a->t, ip, id, mac, state_flags(&tmp))))
		goto full_push;
	a->e[id] = (struct arp_entry){ .ip = ip, .state = state, .confirmed_ns = now };
	memcpy(a->e[id].mac, mac, 6);
	__atomic_store_n(&a->count, a->count + 1, __ATOMIC_RELAXED);
	return id;

full_push:
	a->e[id].next_free = a->free_head;
	a->free_head = id;
full:
	cnt_inc(a, ARP_CNT_TABLE_FULL);
	return NO_ID;
}

static int hold_push(struct arp *a, uint32_t id, void *pkt)
{
	struct arp_entry *e = &a->e[id];

	if (e->hold_n >= a->p.hold_len)
		return -ENOBUFS;
	a->hold[(size_t)id * a->p.hold_len + (e->hold_head + e->hold_n) % a->p.hold_len] = pkt;
	e->hold_n++;
	return 0;
}

/* Moves id's held packets, oldest first, into out (which holds none yet). */
static void hold_take(struct arp *a, uint32_t id, enum arp_pkts_fate fate, struct arp_out *out)
{
	struct arp_entry *e = &a->e[id];

	for (uint32_t i = 0; i < e->hold_n; i++)
		out->pkt[i] =
			a->hold[(size_t)id * a->p.hold_len + (e->hold_head + i) % a->p.hold_len];
	out->n_pkts = e->hold_n;
	out->fate = fate;
	store_be32(out->ip, e->ip);
	memcpy(out->mac, e->mac, 6);
	if (fate == ARP_PKTS_DROP)
		cnt_add(a, ARP_CNT_HELD_DROPPED, e->hold_n);
	e->hold_head = 0;
	e->hold_n = 0;
}

/* RFC 826's merge: the sender of a frame we accept is confirmed at mac.  Returns 0 if id
 * is static (unchanged). */
static int entry_confirm(struct arp *a, uint32_t id, const uint8_t mac[6], uint64_t now,
			 struct arp_out *out)
{
	struct arp_entry *e = &a->e[id];
	uint8_t was = e->state;

	if (was == ARP_ST_STATIC) {
		if (memcmp(e->mac, mac, 6) != 0)
			cnt_inc(a, ARP_CNT_STATIC_CONFLICT);
		return 0;
	}
	memcpy(e->mac, mac, 6);
	e->state = ARP_ST_REACHABLE;
	e->probes = 0;
	e->confirmed_ns = now;
	entry_publish(a, id);
	if (was == ARP_ST_PENDING)
		cnt_inc(a, ARP_CNT_RESOLVED);
	if (e->hold_n)
		hold_take(a, id, ARP_PKTS_SEND, out);
	return 1;
}

/* The decoded fields of a received frame. */
struct arp_rx {
	const uint8_t *eth_src, *tags;
	uint32_t tags_len;
	struct arp_fields x;
};

/* Format checks; DROP-style outcome or ARP_CNT_MAX if the frame is well formed. */
static enum arp_counter rx_decode(const uint8_t *f, uint32_t len, const struct pkt_meta *m,
				  struct arp_rx *rx)
{
	const uint8_t *h;

	if (!m || m->l3 != PKT_L3_ARP || m->l3_off < ETH_HDR_LEN ||
	    m->l3_off > ETH_HDR_LEN + ETH_TAGS_MAX || (m->l3_off - ETH_HDR_LEN) % 4)
		return ARP_CNT_IGN_NOT_ARP;
	if (len < (uint32_t)m->l3_off + ARP_HDR_LEN)
		return ARP_CNT_IGN_TRUNCATED;
	h = f + m->l3_off;
	if (load_be16(h) != ARP_HTYPE_ETH)
		return ARP_CNT_IGN_BAD_HTYPE;
	if (load_be16(h + 2) != ARP_PTYPE_IPV4)
		return ARP_CNT_IGN_BAD_PTYPE;
	if (h[4] != 6 || h[5] != 4)
		return ARP_CNT_IGN_BAD_ADDR_LEN;
	rx->eth_src = f + 6;
	rx->tags = f + 12;
	rx->tags_len = m->l3_off - ETH_HDR_LEN;
	rx->x = (struct arp_fields){
		.op = load_be16(h + 6),
		.sha = h + 8,
		.spa = load_be32(h + 14),
		.tha = h + 18,
		.tpa = load_be32(h + 24),
	};
	if (rx->x.op != ARP_OP_REQUEST && rx->x.op != ARP_OP_REPLY)
		return ARP_CNT_IGN_BAD_OP;
	if (mac_bad(rx->x.sha))
		return ARP_CNT_IGN_BAD_SHA;
	if (memcmp(rx->eth_src, rx->x.sha, 6) != 0)
		return ARP_CNT_IGN_SHA_MISMATCH;
	return ARP_CNT_MAX;
}

/* The reply to a request for one of our addresses, to the requester, with its tags. */
static void reply_send(struct arp *a, const struct arp_rx *rx, struct arp_out *out)
{
	struct arp_fields x = {
		.op = ARP_OP_REPLY,
		.sha = a->p.mac,
		.spa = rx->x.tpa,
		.tha = rx->x.sha,
		.tpa = rx->x.spa,
	};

	frame_build(out_frame(out), rx->x.sha, a->p.mac, rx->tags, rx->tags_len, &x);
}

/* A request for us: reply, and learn or confirm the sender (RFC 826 creates an entry only
 * in this case).  A probe (sender 0.0.0.0, RFC 5227) is answered, not learned. */
static enum arp_counter rx_request_ours(struct arp *a, const struct arp_rx *rx, uint64_t now,
					struct arp_out *out)
{
	int64_t id;

	reply_send(a, rx, out);
	if (rx->x.spa == 0)
		return ARP_CNT_RX_REQUEST;
	id = arp_table_find(&a->t, rx->x.spa);
	if (id >= 0)
		entry_confirm(a, (uint32_t)id, rx->x.sha, now, out);
	else if (entry_alloc(a, rx->x.spa, rx->x.sha, ARP_ST_STALE, now) != NO_ID)
		cnt_inc(a, ARP_CNT_LEARNED);
	return ARP_CNT_RX_REQUEST;
}

static enum arp_counter rx_handle(struct arp *a, const struct arp_rx *rx, uint64_t now,
				  struct arp_out *out)
{
	const struct arp_fields *x = &rx->x;
	int tpa_ours = is_ours(a, x->tpa);
	int64_t id;

	if (is_ours(a, x->spa))
		return ARP_CNT_IGN_SENDER_OURS;
	if (x->op == ARP_OP_REQUEST && tpa_ours && (x->spa == 0 || !ip_bad(x->spa)))
		return rx_request_ours(a, rx, now, out);
	if (ip_bad(x->spa))
		return ARP_CNT_IGN_BAD_SPA;
	id = arp_table_find(&a->t, x->spa);
	if (x->spa == x->tpa) {
		if (id < 0)
			return ARP_CNT_IGN_GRATUITOUS_UNKNOWN;
		return entry_confirm(a, (uint32_t)id, x->sha, now, out) ? ARP_CNT_RX_GRATUITOUS
									: ARP_CNT_IGN_STATIC;
	}
	if (id < 0)
		return x->op == ARP_OP_REQUEST ? ARP_CNT_IGN_TARGET_NOT_OURS
					       : ARP_CNT_IGN_REPLY_UNSOLICITED;
	if (!entry_confirm(a, (uint32_t)id, x->sha, now, out))
		return ARP_CNT_IGN_STATIC;
	return x->op == ARP_OP_REQUEST ? ARP_CNT_RX_UPDATE : ARP_CNT_RX_REPLY;
}

void arp_input(struct arp *a, const uint8_t *frame, uint32_t len, const struct pkt_meta *m,
	       uint64_t now_ns, struct arp_out *out)
{
	struct arp_rx rx;
	enum arp_counter c;

	out_reset(out);
	c = rx_decode(frame, len, m, &rx);
	if (c == ARP_CNT_MAX)
		c = rx_handle(a, &rx, now_ns, out);
	cnt_inc(a, c);
}

uint32_t arp_generation(const struct arp *a)
{
	return arp_table_gen(&a->t);
}

enum arp_lookup_result arp_lookup(const struct arp *a, const uint8_t ip[4], uint8_t mac[6])
{
	unsigned int flags = arp_table_lookup(&a->t, load_be32(ip), mac);

	if (!(flags & ARP_REC_VALID))
		return ARP_LOOKUP_MISS;
	return flags & ARP_REC_STALE ? ARP_LOOKUP_STALE : ARP_LOOKUP_HIT;
}

/* Resolution of an address with an entry. */
static enum arp_resolve_result resolve_known(struct arp *a, uint32_t id, void *pkt, uint64_t now,
					     uint8_t mac[6], struct arp_out *out)
{
	struct arp_entry *e = &a->e[id];

	switch (e->state) {
	case ARP_ST_STALE:
		/* Used: re-validate with a unicast request (RFC 1122 2.3.2.1), keep using it. */
		if (!e->probes)
			request_send(a, e, e->mac, now, out);
		/* fallthrough */
	case ARP_ST_REACHABLE:
	case ARP_ST_STATIC:
		memcpy(mac, e->mac, 6);
		return ARP_RESOLVED;
	default:
		if (pkt && hold_push(a, id, pkt)) {
			cnt_inc(a, ARP_CNT_HOLD_FULL);
			return ARP_REFUSED;
		}
		return ARP_HELD;
	}
}

enum arp_resolve_result arp_resolve(struct arp *a, const uint8_t ip4[4], void *pkt, uint64_t now_ns,
				    uint8_t mac[6], struct arp_out *out)
{
	uint32_t ip = load_be32(ip4), id;
	int64_t found;

	out_reset(out);
	if (ip_bad(ip) || is_ours(a, ip)) {
		cnt_inc(a, ARP_CNT_RESOLVE_BAD_IP);
		return ARP_REFUSED;
	}
	found = arp_table_find(&a->t, ip);
	if (found >= 0)
		return resolve_known(a, (uint32_t)found, pkt, now_ns, mac, out);
	id = entry_alloc(a, ip, mac_zero, ARP_ST_PENDING, now_ns);
	if (id == NO_ID)
		return ARP_REFUSED;
	if (pkt)
		hold_push(a, id, pkt); /* cannot fail: the queue is empty */
	request_send(a, &a->e[id], mac_bcast, now_ns, out);
	return ARP_HELD;
}

/* A pending entry or a probing stale entry whose retry time came: one more request, or
 * give up.  Returns 1 if out lacks room. */
static int tick_retry(struct arp *a, uint32_t id, uint64_t now, struct arp_out *out)
{
	struct arp_entry *e = &a->e[id];
	int pending = e->state == ARP_ST_PENDING;

	if (now < e->next_ns)
		return 0;
	if (e->probes < a->p.retry_limit) {
		if (out->n_frames >= ARP_OUT_FRAMES)
			return 1;
		request_send(a, e, pending ? mac_bcast : e->mac, now, out);
		return 0;
	}
	if (e->hold_n && out->fate != ARP_PKTS_NONE)
		return 1;
	if (e->hold_n)
		hold_take(a, id, ARP_PKTS_DROP, out);
	cnt_inc(a, pending ? ARP_CNT_RESOLVE_FAILED : ARP_CNT_PROBE_FAILED);
	entry_free(a, id);
	return 0;
}

static int tick_entry(struct arp *a, uint32_t id, uint64_t now, struct arp_out *out)
{
	struct arp_entry *e = &a->e[id];
	uint64_t stale_at = add_sat(e->confirmed_ns, a->p.reachable_ns);

	switch (e->state) {
	case ARP_ST_PENDING:
		return tick_retry(a, id, now, out);
	case ARP_ST_REACHABLE:
		if (now >= stale_at) {
			e->state = ARP_ST_STALE;
			entry_publish(a, id);
			cnt_inc(a, ARP_CNT_AGED);
		}
		return 0;
	case ARP_ST_STALE:
		if (e->probes)
			return tick_retry(a, id, now, out);
		if (now >= add_sat(stale_at, a->p.stale_ns)) {
			cnt_inc(a, ARP_CNT_EXPIRED);
			entry_free(a, id);
		}
		return 0;
	default:
		return 0;
	}
}

int arp_tick(struct arp *a, uint64_t now_ns, struct arp_out *out)
{
	out_reset(out);
	for (; a->tick_pos < a->p.capacity; a->tick_pos++)
		if (tick_entry(a, a->tick_pos, now_ns, out))
			return 1;
	a->tick_pos = 0;
	return 0;
}

int arp_flush(struct arp *a, struct arp_out *out)
{
	out_reset(out);
	for (uint32_t id = 0; id < a->p.capacity; id++) {
		if (a->e[id].hold_n) {
			hold_take(a, id, ARP_PKTS_DROP, out);
			return 1;
		}
	}
	return 0;
}

int arp_add_static(struct arp *a, const uint8_t ip4[4], const uint8_t mac[6])
{
	uint32_t ip = load_be32(ip4);
	int64_t id;

	if (ip_bad(ip) || is_ours(a, ip) || mac_bad(mac))
		return -EINVAL;
	id = arp_table_find(&a->t, ip);
	if (id < 0) {
		if (entry_alloc(a, ip, mac, ARP_ST_STATIC, 0) == NO_ID)
			return -ENOSPC;
		__atomic_store_n(&a->n_static, a->n_static + 1, __ATOMIC_RELAXED);
		return 0;
	}
	if (a->e[id].hold_n)
		return -EBUSY;
	if (a->e[id].state != ARP_ST_STATIC)
		__atomic_store_n(&a->n_static, a->n_static + 1, __ATOMIC_RELAXED);
	a->e[id].state = ARP_ST_STATIC;
	a->e[id].probes = 0;
	memcpy(a->e[id].mac, mac, 6);
	entry_publish(a, (uint32_t)id);
	return 0;
}
