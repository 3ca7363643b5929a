/* SHA-256 (FIPS 180-4), to check inside the guest that a pushed file is the file we sent
 * (the guest's `sha256sum` prints the same hex).  Pure: no I/O. */
#ifndef VNFCTL_SHA256_H
#define VNFCTL_SHA256_H
#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;
	uint8_t block[64];
	size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN]);
/* The digest of buf as 64 lower-case hex digits and a NUL. */
void sha256_hex(const void *buf, size_t len, char hex[2 * SHA256_LEN + 1]);

#endif
