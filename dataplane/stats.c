#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "stats.h"

void stats_finish(struct stats_snapshot *s)
{
	s->rx = s->tx = s->consumed = s->drops_total = s->generated = 0;
	memset(s->drops, 0, sizeof(s->drops));
	for (uint16_t i = 0; i < s->n_threads; i++) {
		const struct stats_thread *t = &s->t[i];
		s->rx += t->rx;
		s->tx += t->tx;
		s->consumed += t->consumed;
		s->generated += t->generated;
		for (int r = 1; r < DROP_MAX; r++)
			s->drops[r] += t->drops[r];
	}
	for (int r = 1; r < DROP_MAX; r++)
		s->drops_total += s->drops[r];
	s->in_flight = (int64_t)(s->rx + s->generated - s->tx - s->consumed - s->drops_total);
	if (s->final)
		s->conserved = s->in_flight == 0;
	else {
		/* The true in-flight count at the moment the outcomes were read lies between what
		 * the receives read before and after them say. */
		uint64_t in = s->rx + s->generated;
		uint64_t rx_before = s->rx_before ? MIN(s->rx_before, in) : in;
		int64_t low = s->in_flight - (int64_t)(in - rx_before);
		s->conserved = s->in_flight >= 0 && (low < 0 || (uint64_t)low <= s->in_flight_max);
	}
}

static json_object *drops_object(const uint64_t *drops, int only_nonzero)
{
	json_object *o = json_object_new_object();
	for (int r = 1; r < DROP_MAX; r++)
		if (!only_nonzero || drops[r])
			json_object_object_add(o, drop_reason_name(r),
					       json_object_new_uint64(drops[r]));
	return o;
}

static void add_flows(json_object *o, const struct flowtrack *f)
{
	json_object *flows = json_object_new_object();
	char key[16];

	/* while the worker runs: each slot as it is now (see flowtrack_add) */
	for (uint32_t i = 0; i <= f->mask; i++) {
		uint64_t c = __atomic_load_n(&f->count[i], __ATOMIC_ACQUIRE);
		if (!c)
			continue;
		snprintf(key, sizeof(key), "0x%08x", __atomic_load_n(&f->key[i], __ATOMIC_RELAXED));
		json_object_object_add(flows, key, json_object_new_uint64(c));
	}
	json_object_object_add(o, "flows", flows);
	json_object_object_add(o, "flows_untracked",
			       json_object_new_uint64(__atomic_load_n(&f->untracked, __ATOMIC_RELAXED)));
}

char *stats_to_json(const struct stats_snapshot *s, int pretty)
{
	json_object *root = json_object_new_object();
	json_object *io = json_object_new_array();
	json_object *workers = json_object_new_array();
	char *text;

	json_object_object_add(root, "mode", json_object_new_string(s->mode ? s->mode : ""));
	json_object_object_add(root, "uptime_s", json_object_new_double(s->uptime_s));
	json_object_object_add(root, "rx", json_object_new_uint64(s->rx));
	json_object_object_add(root, "tx", json_object_new_uint64(s->tx));
	json_object_object_add(root, "consumed", json_object_new_uint64(s->consumed));
	if (s->generated)
		json_object_object_add(root, "generated", json_object_new_uint64(s->generated));
	json_object_object_add(root, "rx_missed", json_object_new_uint64(s->rx_missed));
	json_object_object_add(root, "drops", drops_object(s->drops, 0));
	json_object_object_add(root, "drops_total", json_object_new_uint64(s->drops_total));
	json_object_object_add(root, "in_flight", json_object_new_int64(s->in_flight));
	json_object_object_add(root, "in_flight_max", json_object_new_uint64(s->in_flight_max));
	json_object_object_add(root, "conserved", json_object_new_boolean(s->conserved));
	json_object_object_add(root, "final", json_object_new_boolean(s->final));
	if (s->has_arp) {
		/* ARP's own counters (frames it answered, learned from or ignored, and why),
		 * the non-zero ones: ARP frames are outside the drops, counted as tx or consumed */
		json_object *arp = json_object_new_object();
		json_object_object_add(arp, "entries", json_object_new_uint64(s->arp_entries));
		json_object_object_add(arp, "static_entries",
				       json_object_new_uint64(s->arp_static));
		json_object_object_add(arp, "held", json_object_new_uint64(s->arp_held));
		for (int i = 0; i < ARP_CNT_MAX; i++)
			if (s->arp[i])
				json_object_object_add(arp, arp_counter_name((enum arp_counter)i),
						       json_object_new_uint64(s->arp[i]));
		json_object_object_add(root, "arp", arp);
	}
	for (uint16_t i = 0; i < s->n_threads; i++) {
		const struct stats_thread *t = &s->t[i];
		json_object *o = json_object_new_object();
		int is_worker = strcmp(t->role, "worker") == 0;
		json_object_object_add(o, "role", json_object_new_string(t->role));
		if (is_worker)
			json_object_object_add(o, "id", json_object_new_int(t->id));
		json_object_object_add(o, "cpu", json_object_new_int(t->cpu));
		json_object_object_add(o, "rx", json_object_new_uint64(t->rx));
		json_object_object_add(o, "tx", json_object_new_uint64(t->tx));
		if (is_worker) {
			json_object_object_add(o, "packets", json_object_new_uint64(t->handled));
			json_object_object_add(o, "consumed", json_object_new_uint64(t->consumed));
			json_object_object_add(o, "ring", json_object_new_uint64(t->ring));
			json_object_object_add(o, "overflow", json_object_new_uint64(t->overflow));
			if (t->flows)
				add_flows(o, t->flows);
		}
		json_object_object_add(o, "drops", drops_object(t->drops, 1));
		json_object_array_add(is_worker ? workers : io, o);
	}
	json_object_object_add(root, "io", io);
	json_object_object_add(root, "workers", workers);
	text = strdup(json_object_to_json_string_ext(root, pretty ? JSON_C_TO_STRING_PRETTY |
									    JSON_C_TO_STRING_SPACED
								  : JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
	return text;
}
