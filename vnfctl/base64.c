#include "base64.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void base64_encode(const uint8_t *in, size_t len, char *out)
{
	size_t i = 0;

	for (; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		*out++ = alphabet[v >> 18];
		*out++ = alphabet[(v >> 12) & 63];
		*out++ = alphabet[(v >> 6) & 63];
		*out++ = alphabet[v & 63];
	}
	if (i < len) {
		uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < len ? (uint32_t)in[i + 1] << 8 : 0);
		*out++ = alphabet[v >> 18];
		*out++ = alphabet[(v >> 12) & 63];
		*out++ = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
		*out++ = '=';
	}
	*out = '\0';
}

static int value_of(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long base64_decode(const char *text, size_t len, uint8_t *out)
{
	uint32_t acc = 0;
	int n = 0, pad = 0;
	long w = 0;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		int v;

		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		if (c == '=') {
			/* only at the end of a group's third or fourth place */
			if (n < 2)
				return -1;
			pad++;
			acc <<= 6;
			if (++n == 4)
				goto group;
			continue;
		}
		if (pad || (v = value_of(c)) < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		if (++n < 4)
			continue;
	group:
		out[w++] = (uint8_t)(acc >> 16);
		if (pad < 2)
			out[w++] = (uint8_t)(acc >> 8);
		if (pad < 1)
			out[w++] = (uint8_t)acc;
		if (pad) {
			/* nothing but whitespace may follow padding */
			for (i++; i < len; i++)
				if (text[i] != ' ' && text[i] != '\n' && text[i] != '\r' &&
				    text[i] != '\t')
					return -1;
			return w;
		}
		acc = 0;
		n = 0;
	}
	return n ? -1 : w;
}
