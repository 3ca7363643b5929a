/* Byte order and checksum helpers for tests that check the dataplane's packet code, written
 * the plain way and independently of it (dataplane/common.h and csum.h are what is tested). */
#ifndef VNF_TEST_REF_NET_H
#define VNF_TEST_REF_NET_H
#include <stddef.h>
#include <stdint.h>

/* RFC 1071, the plain way: 16-bit big-endian words summed in 32 bits, an odd last byte padded
 * with zero, carries folded, complemented.  0 over data that includes a right checksum. */
static inline uint16_t ref_csum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < n; i += 2)
		sum += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)(~sum & 0xffff);
}

static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The netmask of a prefix length, host order. */
static inline uint32_t mask_of(unsigned len)
{
	return len ? ~0u << (32 - len) : 0;
}

#endif
