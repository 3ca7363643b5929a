/* sink: count and drop.  Frames are "consumed", not dropped: the counter says the app took
 * them, which keeps drop counters meaning "lost". */
#include "app.h"

static void sink_process_burst(struct app_ctx *ctx, struct pkt **pkts, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++)
		pkts[i]->verdict = PKT_VERDICT_CONSUMED;
}

const struct app_ops app_sink_ops = {
	.name = "sink",
	.summary = "count every frame and release it",
	.process_burst = sink_process_burst,
};
