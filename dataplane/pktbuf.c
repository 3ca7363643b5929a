#include <errno.h>
#include <stdlib.h>
#include "pktbuf.h"

int pktpool_create(struct pktpool *p, uint32_t n)
{
	uint32_t ring_size = pow2_at_least(n);
	p->mem = NULL;
	p->stack = NULL;
	p->ret_slots = NULL;
	/* Zeroing touches every page now: a page fault in the packet path stalls the RX thread
	 * for microseconds, long enough for a burst to overrun a worker. */
	p->mem = zalloc_aligned(n, sizeof(*p->mem));
	if (!p->mem)
		goto err_nomem;
	p->stack = malloc((size_t)n * sizeof(*p->stack));
	p->ret_slots = malloc((size_t)ring_size * sizeof(*p->ret_slots));
	if (!p->stack || !p->ret_slots)
		goto err_nomem;
	ring_init(&p->ret, p->ret_slots, ring_size);
	p->size = n;
	p->n_free = n;
	for (uint32_t i = 0; i < n; i++) {
		p->mem[i].pool = p;
		p->mem[i].data = p->mem[i].buf + PKT_HEADROOM;
		p->stack[i] = &p->mem[n - 1 - i];
	}
	return 0;
err_nomem:
	pktpool_destroy(p);
	return -ENOMEM;
}

void pktpool_destroy(struct pktpool *p)
{
	free(p->mem);
	free(p->stack);
	free(p->ret_slots);
	p->mem = NULL;
	p->stack = NULL;
	p->ret_slots = NULL;
	p->size = p->n_free = 0;
}

uint32_t pktpool_count_free(struct pktpool *p)
{
	return p->n_free + ring_count(&p->ret);
}
