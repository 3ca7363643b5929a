#include <errno.h>
#include <stdlib.h>
#include "flowtrack.h"

int flowtrack_init(struct flowtrack *t, uint32_t max)
{
	uint32_t slots;

	memset(t, 0, sizeof(*t));
	if (max == 0 || max > 65536)
		return -EINVAL;
	slots = pow2_at_least(2 * max);
	t->key = calloc(slots, sizeof(*t->key));
	t->count = calloc(slots, sizeof(*t->count));
	if (!t->key || !t->count) {
		flowtrack_free(t);
		return -ENOMEM;
	}
	t->mask = slots - 1;
	t->max = max;
	return 0;
}

void flowtrack_free(struct flowtrack *t)
{
	free(t->key);
	free(t->count);
	memset(t, 0, sizeof(*t));
}
