/* Cross-core hand-off cost per packet pointer: our burst SPSC ring against Concurrency Kit's
 * ck_ring used one pointer per slot and one burst descriptor per slot.  Producer on CPU 0,
 * consumer on CPU 1; TSC cycles per element, median of 5 runs.  Prints one JSON object. */
#include <ck_ring.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>
#include "ring.h"

#define RING_SIZE 1024
#define BURST	  32
#define ITEMS	  (1u << 24)
#define RUNS	  5

enum kind { OURS, CK_PER_ELEM, CK_BURST_SLOT };

struct burst_desc {
	uint32_t n;
	void *p[BURST];
};

struct bench {
	enum kind kind;
	struct ring r;
	void *slots[RING_SIZE];
	ck_ring_t ck;
	ck_ring_buffer_t ckbuf[RING_SIZE];
	ck_ring_t ck_free; /* empty burst descriptors back to the producer */
	ck_ring_buffer_t ckfreebuf[RING_SIZE];
	struct burst_desc desc[RING_SIZE];
	volatile int go;
	uint64_t sum;
};

static void pin(int cpu)
{
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	pthread_setaffinity_np(pthread_self(), sizeof(s), &s);
}

static void *consumer(void *arg)
{
	struct bench *b = arg;
	void *objs[BURST];
	uint64_t got = 0, sum = 0;

	pin(1);
	while (!b->go)
		;
	while (got < ITEMS) {
		if (b->kind == OURS) {
			uint32_t n = ring_dequeue_burst_spsc(&b->r, objs, BURST);
			for (uint32_t i = 0; i < n; i++)
				sum += (uintptr_t)objs[i];
			got += n;
		} else if (b->kind == CK_PER_ELEM) {
			void *o;
			if (ck_ring_dequeue_spsc(&b->ck, b->ckbuf, &o)) {
				sum += (uintptr_t)o;
				got++;
			}
		} else {
			struct burst_desc *d;
			if (ck_ring_dequeue_spsc(&b->ck, b->ckbuf, &d)) {
				for (uint32_t i = 0; i < d->n; i++)
					sum += (uintptr_t)d->p[i];
				got += d->n;
				while (!ck_ring_enqueue_spsc(&b->ck_free, b->ckfreebuf, d))
					;
			}
		}
	}
	b->sum = sum;
	return NULL;
}

static double run(enum kind kind)
{
	struct bench *b = aligned_alloc(64, sizeof(*b));
	pthread_t t;
	uint64_t sent = 0, t0, t1;
	void *objs[BURST];

	memset(b, 0, sizeof(*b));
	b->kind = kind;
	ring_init(&b->r, b->slots, RING_SIZE);
	ck_ring_init(&b->ck, RING_SIZE);
	ck_ring_init(&b->ck_free, RING_SIZE);
	for (int i = 0; i < RING_SIZE - 1; i++)
		ck_ring_enqueue_spsc(&b->ck_free, b->ckfreebuf, &b->desc[i]);
	pthread_create(&t, NULL, consumer, b);
	pin(0);
	b->go = 1;
	t0 = __rdtsc();
	while (sent < ITEMS) {
		for (uint32_t i = 0; i < BURST; i++)
			objs[i] = (void *)(uintptr_t)(sent + i + 1);
		if (kind == OURS) {
			sent += ring_enqueue_burst_spsc(&b->r, objs, BURST);
		} else if (kind == CK_PER_ELEM) {
			for (uint32_t i = 0; i < BURST;)
				if (ck_ring_enqueue_spsc(&b->ck, b->ckbuf, objs[i]))
					i++;
			sent += BURST;
		} else {
			struct burst_desc *d;
			while (!ck_ring_dequeue_spsc(&b->ck_free, b->ckfreebuf, &d))
				;
			d->n = BURST;
			memcpy(d->p, objs, sizeof(objs));
			while (!ck_ring_enqueue_spsc(&b->ck, b->ckbuf, d))
				;
			sent += BURST;
		}
	}
	pthread_join(t, NULL);
	t1 = __rdtsc();
	free(b);
	return (double)(t1 - t0) / ITEMS;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(enum kind k)
{
	double v[RUNS];
	for (int i = 0; i < RUNS; i++)
		v[i] = run(k);
	qsort(v, RUNS, sizeof(v[0]), cmp);
	return v[RUNS / 2];
}

int main(void)
{
	double ours = median(OURS), per = median(CK_PER_ELEM), slot = median(CK_BURST_SLOT);
	printf("{\"burst\": %d, \"ring_burst_spsc_cycles\": %.2f, \"ck_ring_per_packet_cycles\": "
	       "%.2f, "
	       "\"ck_ring_burst_slot_cycles\": %.2f}\n",
	       BURST, ours, per, slot);
	return 0;
}
