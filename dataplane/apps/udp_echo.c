/* udp-echo: the seed's sample server.  A UDP datagram to one of our addresses (any address when
 * none is configured) on app.port goes back to its sender with its payload unchanged; anything
 * else is dropped (app_drop), as a host without other listeners would. */
#include <string.h>
#include "app.h"
#include "icmp.h"

static void udp_echo_process_burst(struct app_ctx *ctx, struct pkt **pkts, uint16_t n)
{
	const struct dp_config *c = ctx->cfg;

	for (uint16_t i = 0; i < n; i++) {
		struct pkt *p = pkts[i];
		const struct pkt_meta *m = &p->meta;

		if (m->l3 == PKT_L3_IPV4 && m->l4_proto == 17 && (m->flags & PKT_F_PORTS) &&
		    !(m->flags & PKT_F_FRAG) && load_be16(p->data + m->l4_off + 2) == c->app.port &&
		    (!c->n_addrs || icmp_is_our_ip(p->data + m->l3_off + 16, c->addrs, c->n_addrs)))
			app_reflect(p);
		else
			p->verdict = PKT_VERDICT_DROP;
	}
}

const struct app_ops app_udp_echo_ops = {
	.name = "udp-echo",
	.summary = "answer UDP datagrams to our addresses on app.port with the same payload",
	.process_burst = udp_echo_process_burst,
};
