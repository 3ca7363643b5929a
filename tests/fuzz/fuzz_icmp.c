/* libFuzzer target: the ICMP echo responder on arbitrary frames.  Our address is taken from
 * the frame itself half of the time, so the reply path is reached often.  Properties: a frame
 * not answered is left untouched; an answered one is a valid echo reply (both checksums verify,
 * type 0, from our address to the request's source) of the same length.  Violations trap. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "csum.h"
#include "icmp.h"
#include "pkt.h"

#define REQUIRE(cond)                                                                              \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t frame[2048], orig[2048];
	struct dp_addr addrs[2] = { { { 10, 0, 0, 2 }, 24 }, { { 192, 168, 7, 1 }, 32 } };
	struct pkt_meta m;

	if (size < 1 || size > sizeof(frame))
		return 0;
	memcpy(frame, data + 1, size - 1);
	size--;
	if (pkt_parse(frame, (uint32_t)size, &m) != DROP_NONE)
		return 0;
	if ((data[0] & 1) && m.l3 == PKT_L3_IPV4)
		memcpy(addrs[0].ip, frame + m.l3_off + 16, 4);
	memcpy(orig, frame, size);

	enum icmp_result r = icmp_echo_reply(frame, &m, addrs, 2);
	if (r != ICMP_REPLIED) {
		REQUIRE(r == ICMP_NOT_OURS || r == ICMP_BAD);
		REQUIRE(memcmp(frame, orig, size) == 0);
		return 0;
	}
	const uint8_t *ip = frame + m.l3_off, *ic = frame + m.l4_off;
	uint32_t ihl = (uint32_t)(ip[0] & 0xf) * 4, icmp_len = m.l3_len - ihl;
	REQUIRE(m.l3 == PKT_L3_IPV4 && m.l4_proto == 1);
	REQUIRE(csum_fold(csum_add(0, ip, ihl)) == 0);
	REQUIRE(csum_fold(csum_add(0, ic, icmp_len)) == 0);
	REQUIRE(ic[0] == 0 && ic[1] == 0);
	REQUIRE(icmp_is_our_ip(ip + 12, addrs, 2));
	REQUIRE(memcmp(ip + 16, orig + m.l3_off + 12, 4) == 0);
	REQUIRE(memcmp(frame, orig + 6, 6) == 0 && memcmp(frame + 6, orig, 6) == 0);
	REQUIRE(memcmp(ic + 4, orig + m.l4_off + 4, icmp_len - 4) == 0);
	/* the reply parses as what it is */
	struct pkt_meta m2;
	REQUIRE(pkt_parse(frame, (uint32_t)size, &m2) == DROP_NONE);
	REQUIRE(m2.l3 == PKT_L3_IPV4 && m2.l4_proto == 1 && m2.l3_len == m.l3_len);
	return 0;
}
