/* echo: reflect every frame to its sender by swapping source and destination at L2, L3 and
 * L4.  Swapping the two addresses or ports keeps the IPv4, TCP and UDP checksums valid, since
 * a ones' complement sum does not depend on the order of its words. */
#include <string.h>
#include "app.h"

static inline void swap_bytes(uint8_t *a, uint8_t *b, size_t n)
{
	uint8_t t[16];
	memcpy(t, a, n);
	memcpy(a, b, n);
	memcpy(b, t, n);
}

void app_reflect(struct pkt *p)
{
	uint8_t *f = p->data;
	const struct pkt_meta *m = &p->meta;
	uint8_t mac[6];

	memcpy(mac, f, 6);
	memcpy(f, f + 6, 6);
	memcpy(f + 6, mac, 6);
	if (m->l3 == PKT_L3_IPV4) {
		uint32_t a, b;
		memcpy(&a, f + m->l3_off + 12, 4);
		memcpy(&b, f + m->l3_off + 16, 4);
		memcpy(f + m->l3_off + 12, &b, 4);
		memcpy(f + m->l3_off + 16, &a, 4);
	} else if (m->l3 == PKT_L3_IPV6) {
		swap_bytes(f + m->l3_off + 8, f + m->l3_off + 24, 16);
	}
	if (m->flags & PKT_F_PORTS) {
		uint16_t s, d;
		memcpy(&s, f + m->l4_off, 2);
		memcpy(&d, f + m->l4_off + 2, 2);
		memcpy(f + m->l4_off, &d, 2);
		memcpy(f + m->l4_off + 2, &s, 2);
	}
	p->verdict = PKT_VERDICT_TX;
}

static void echo_process_burst(struct app_ctx *ctx, struct pkt **pkts, uint16_t n)
{
	for (uint16_t i = 0; i < n; i++)
		app_reflect(pkts[i]);
}

const struct app_ops app_echo_ops = {
	.name = "echo",
	.summary = "swap L2/L3/L4 source and destination and send the frame back",
	.process_burst = echo_process_burst,
};
