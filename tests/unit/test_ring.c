/* SPSC burst ring: order, bounds, wrap-around of the free-running indices, and a two-thread
 * stress run that checks every element arrives once and in order. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include "ring.h"

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define STRESS_ITEMS 300000u
#else
#define STRESS_ITEMS 5000000u
#endif

static void t_fill_and_drain(void)
{
	void *slots[8], *out[16], *in[16];
	struct ring r;

	ring_init(&r, slots, 8);
	for (uintptr_t i = 0; i < 16; i++)
		in[i] = (void *)(i + 1);
	CHECK_EQ_U(ring_enqueue_burst_spsc(&r, in, 5), 5);
	CHECK_EQ_U(ring_count(&r), 5);
	CHECK_EQ_U(ring_enqueue_burst_spsc(&r, in + 5, 5), 3); /* only 3 slots left */
	CHECK_EQ_U(ring_enqueue_burst_spsc(&r, in, 1), 0);
	CHECK_EQ_U(ring_dequeue_burst_spsc(&r, out, 16), 8);
	for (uintptr_t i = 0; i < 8; i++)
		CHECK(out[i] == (void *)(i + 1));
	CHECK_EQ_U(ring_dequeue_burst_spsc(&r, out, 16), 0);
	CHECK_EQ_U(ring_count(&r), 0);
}

static void t_index_wraparound(void)
{
	void *slots[4], *out[4], *in[3] = { (void *)1, (void *)2, (void *)3 };
	struct ring r;

	ring_init(&r, slots, 4);
	/* Start just below 2^32 so both indices wrap during the test. */
	r.prod.tail = r.prod.head_cache = r.cons.head = r.cons.tail_cache = UINT32_MAX - 1;
	for (int round = 0; round < 10; round++) {
		CHECK_EQ_U(ring_enqueue_burst_spsc(&r, in, 3), 3);
		CHECK_EQ_U(ring_count(&r), 3);
		CHECK_EQ_U(ring_dequeue_burst_spsc(&r, out, 4), 3);
		CHECK(out[0] == (void *)1 && out[1] == (void *)2 && out[2] == (void *)3);
	}
}

struct stress {
	struct ring r;
	void *slots[256];
	uint64_t errors;
};

static void *stress_consumer(void *arg)
{
	struct stress *s = arg;
	uintptr_t expect = 1;
	void *out[32];
	unsigned seed = 7;

	while (expect <= STRESS_ITEMS) {
		uint32_t n = ring_dequeue_burst_spsc(&s->r, out, 1 + rand_r(&seed) % 32);
		for (uint32_t i = 0; i < n; i++, expect++)
			if (out[i] != (void *)expect)
				s->errors++;
		if (!n)
			sched_yield();
	}
	return NULL;
}

static void t_two_thread_stress(void)
{
	struct stress *s = calloc(1, sizeof(*s));
	void *in[32];
	uintptr_t next = 1;
	unsigned seed = 3;
	pthread_t t;

	ring_init(&s->r, s->slots, 256);
	pthread_create(&t, NULL, stress_consumer, s);
	while (next <= STRESS_ITEMS) {
		uint32_t n = 1 + rand_r(&seed) % 32;
		if (next + n > STRESS_ITEMS + 1)
			n = (uint32_t)(STRESS_ITEMS + 1 - next);
		for (uint32_t i = 0; i < n; i++)
			in[i] = (void *)(next + i);
		uint32_t k = ring_enqueue_burst_spsc(&s->r, in, n);
		next += k;
		if (!k)
			sched_yield();
	}
	pthread_join(t, NULL);
	CHECK_EQ_U(s->errors, 0);
	CHECK_EQ_U(ring_count(&s->r), 0);
	free(s);
}

CHECK_MAIN("ring", TEST(t_fill_and_drain), TEST(t_index_wraparound), TEST(t_two_thread_stress))
