/* libFuzzer target: the VALE module's decisions (patches/vale-rss/vale_rss_core.c) on arbitrary
 * frames, as the kernel would run them on whatever a VALE port sends.  The first input byte picks
 * the ring count and the sending port; the rest is the frame.  Properties: the ring is below the
 * ring count and is the dataplane's own answer for the frame; the destination is a port, or
 * broadcast for group addresses; a sender's unicast MAC is then found on its port. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pkt.h"
#include "rss.h"
#include "vale_rss_core.h"

#define REQUIRE(cond)                                                                              \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

static struct rss rss;
static struct vr_learn learn;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const struct rss_profile *p = rss_profile_find("default");

	(void)argc;
	(void)argv;
	REQUIRE(p != NULL);
	REQUIRE(rss_init(&rss, p->key, p->key_len) == 0);
	return 0;
}

/* The dataplane's queue for the frame, through its own calls, for comparison. */
static unsigned dataplane_queue(const uint8_t *f, uint32_t len, unsigned rings)
{
	struct pkt_meta m;

	if (rings <= 1 || pkt_parse(f, len, &m) != DROP_NONE ||
	    (m.l3 != PKT_L3_IPV4 && m.l3 != PKT_L3_IPV6))
		return 0;
	return (rss_hash_frame(&rss, f, &m) & 127) % rings;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned rings, port;
	const uint8_t *f;
	uint32_t len, dst;

	if (size < 1 + VR_ETH_HLEN || size > 1 + 9000)
		return 0;
	rings = 1 + data[0] % VR_RINGS_MAX;
	port = data[0] % 8;
	f = data + 1;
	len = (uint32_t)(size - 1);
	REQUIRE(vr_ring_of(&rss, f, len, rings) < rings);
	REQUIRE(vr_ring_of(&rss, f, len, rings) == dataplane_queue(f, len, rings));
	dst = vr_learn_port(&learn, f, port);
	REQUIRE(dst < VR_PORTS_MAX || dst == VR_BROADCAST);
	if (f[0] & 1)
		REQUIRE(dst == VR_BROADCAST);
	if (!(f[6] & 1)) { /* the sender is now known on its port */
		uint8_t back[VR_ETH_HLEN];

		memcpy(back, f + 6, 6);
		memcpy(back + 6, f, 6);
		back[6] |= 1; /* a group source, learned nowhere, so it cannot take the slot */
		memcpy(back + 12, f + 12, 2);
		REQUIRE(vr_learn_port(&learn, back, (port + 1) % 8) == port);
	}
	if (data[0] == 0xff)
		vr_learn_forget(&learn, port);
	return 0;
}
