/* What the pure cores that also run in the kernel (pkt.c and rss.c: the parser and the hash)
 * need from their environment: fixed-width types, memcpy, errno values, IP protocol numbers,
 * branch hints and big-endian loads.  In user space they come from libc; when
 * patches/vale-rss builds the same two files into netmap's VALE switch (__KERNEL__), from the
 * kernel's headers.  One source for both, so the switch and vnfdp cannot disagree on a ring. */
#ifndef VNF_PORTABLE_H
#define VNF_PORTABLE_H

#ifdef __KERNEL__
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>
#else
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#endif

#ifndef likely
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif

/* One unaligned load and a byte swap (movbe or rol/bswap), not a load and shift per byte. */
static inline uint16_t load_be16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, sizeof(v));
	return __builtin_bswap16(v);
}

static inline uint32_t load_be32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return __builtin_bswap32(v);
}

static inline int is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

#endif
