/* router: forwards IPv4 between the subnets of our addresses and the configured routes
 * (app.routes), one port in and out (a "router on a stick", as a VNF with one vNIC is).  The
 * decision is router.c's; the engine resolves each next hop's MAC through ARP. */
#include <stdlib.h>
#include "app.h"
#include "router.h"

static int router_app_create(const struct dp_config *cfg, void **shared, char *err, size_t errlen)
{
	return router_create((struct router **)shared, cfg, err, errlen);
}

static void router_app_destroy(void *shared)
{
	router_free(shared);
}

static int router_app_init(struct app_ctx *ctx, char *err, size_t errlen)
{
	struct router_bucket *b = calloc(1, sizeof(*b));

	(void)err;
	(void)errlen;
	if (!b)
		return -1;
	router_bucket_init(b, clock_now_ns());
	ctx->state = b;
	return 0;
}

static void router_app_fini(struct app_ctx *ctx)
{
	free(ctx->state);
}

static void router_process_burst(struct app_ctx *ctx, struct pkt **pkts, uint16_t n)
{
	const struct router *r = ctx->shared;
	uint64_t now = clock_now_ns();

	for (uint16_t i = 0; i < n; i++) {
		struct pkt *p = pkts[i];
		enum drop_reason why = DROP_NONE;

		if (router_process(r, ctx->state, p->data, &p->len, &p->meta, now, p->nexthop,
				   &why) == ROUTER_DROP) {
			p->verdict = PKT_VERDICT_DROP;
			p->drop = (uint8_t)why;
		} else {
			p->verdict = PKT_VERDICT_NEXTHOP;
		}
	}
}

const struct app_ops app_router_ops = {
	.name = "router",
	.summary = "forward IPv4 by longest-prefix match over addrs' subnets and app.routes",
	.create = router_app_create,
	.destroy = router_app_destroy,
	.init = router_app_init,
	.fini = router_app_fini,
	.process_burst = router_process_burst,
};
