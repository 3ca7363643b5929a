/* Internet checksum (RFC 1071) and its incremental update (RFC 1624), for the handlers that
 * rewrite headers in place: ICMP echo replies, the router's TTL decrement. */
#ifndef VNF_CSUM_H
#define VNF_CSUM_H
#include <stdint.h>
#include "common.h"

/* Ones' complement sum of len bytes (big-endian 16-bit words; an odd last byte is padded),
 * added to sum, not folded. */
static inline uint32_t csum_add(uint32_t sum, const uint8_t *p, uint32_t len)
{
	uint64_t s = sum;

	for (; len >= 4; p += 4, len -= 4)
		s += load_be32(p);
	if (len >= 2) {
		s += load_be16(p);
		p += 2;
		len -= 2;
	}
	if (len)
		s += (uint32_t)p[0] << 8;
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

/* Folds a sum to 16 bits and complements it: the value to store in a checksum field. */
static inline uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The checksum field after one 16-bit word of the covered data changed from old to new
 * (RFC 1624 eq. 3: HC' = ~(~HC + ~m + m')). */
static inline uint16_t csum_update16(uint16_t check, uint16_t old, uint16_t new_)
{
	uint32_t s = (uint32_t)(uint16_t)~check + (uint16_t)~old + new_;
	return csum_fold(s);
}

#endif
