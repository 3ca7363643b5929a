/* Base64 (RFC 4648, standard alphabet, padded), as the guest agent carries file and process
 * data.  Pure: no I/O. */
#ifndef VNFCTL_BASE64_H
#define VNFCTL_BASE64_H
#include <stddef.h>
#include <stdint.h>

/* Characters base64_encode writes for len bytes, without the NUL. */
static inline size_t base64_encoded_len(size_t len)
{
	return (len + 2) / 3 * 4;
}
/* Writes the encoding of in and a NUL to out (base64_encoded_len(len) + 1 bytes). */
void base64_encode(const uint8_t *in, size_t len, char *out);
/* Decodes text (whitespace ignored) into out, which has room for len * 3 / 4 bytes; returns
 * the number of bytes, or -1 for a character outside the alphabet, misplaced padding or a
 * length that is not a whole number of groups. */
long base64_decode(const char *text, size_t len, uint8_t *out);

#endif
