/* Table-driven Toeplitz.  Toeplitz is linear over GF(2): the hash of an input is the XOR of the
 * hashes of its bytes taken one at a time, each at its own position.  So one 256-entry table per
 * input position turns 8 conditional XORs per byte into one load, and a 12-byte IPv4 4-tuple
 * costs 12 loads from 12 KiB of tables. */
#include "portable.h"
#include "rss.h"

/* Key windows for input bit n are key bits n..n+31; with the key zero-padded this far every
 * 8-byte read in rss_init and in the bitwise tail stays inside the buffer. */
#define RSS_KEY_PAD (RSS_KEY_MAX + 8)

static uint64_t key_be64(const uint8_t *k)
{
	return (uint64_t)load_be32(k) << 32 | load_be32(k + 4);
}

/* Bits past RSS_TUPLE_MAX bytes have no table; they are rare (no standard tuple is longer) so
 * they take the bitwise path.  Key bits past key_len read as zero. */
static uint32_t rss_hash_tail(const struct rss *r, const uint8_t *in, size_t from, size_t len)
{
	uint8_t key[RSS_KEY_PAD] = { 0 };
	uint32_t h = 0;

	memcpy(key, r->key, r->key_len);
	for (size_t i = from; i < len; i++) {
		uint64_t w;

		/* Positions past the padded key see an all-zero key. */
		if (i + 8 > sizeof(key))
			break;
		w = key_be64(key + i);
		for (int j = 0; j < 8; j++)
			if (in[i] & (0x80 >> j))
				h ^= (uint32_t)(w >> (32 - j));
	}
	return h;
}

int rss_init(struct rss *r, const uint8_t *key, size_t key_len)
{
	uint8_t k[RSS_KEY_PAD] = { 0 };

	if (!r || !key || (key_len != 40 && key_len != 52))
		return -EINVAL;
	memcpy(k, key, key_len);
	memcpy(r->key, key, key_len);
	r->key_len = (uint8_t)key_len;
	for (int i = 0; i < RSS_TUPLE_MAX; i++) {
		uint64_t w = key_be64(k + i);
		uint32_t bit[8];

		for (int j = 0; j < 8; j++)
			bit[j] = (uint32_t)(w >> (32 - j));
		/* Entry b is entry b & (b - 1) plus the window of the lowest set bit of b. */
		r->tab[i][0] = 0;
		for (int b = 1; b < 256; b++) {
			int low = __builtin_ctz((unsigned)b);

			r->tab[i][b] = r->tab[i][b & (b - 1)] ^ bit[7 - low];
		}
	}
	/* Until the caller picks a RETA, every hash maps to queue 0 and rss_queue_of stays in
	 * bounds. */
	return rss_reta_set_equal(r, 128, 1);
}

int rss_reta_set_equal(struct rss *r, uint16_t reta_size, uint16_t queues)
{
	if (!r || !is_pow2(reta_size) || reta_size > RSS_RETA_MAX || queues == 0 ||
	    queues > reta_size)
		return -EINVAL;
	for (unsigned i = 0; i < reta_size; i++)
		r->reta[i] = (uint16_t)(i % queues);
	r->reta_size = reta_size;
	r->queues = queues;
	return 0;
}

uint32_t rss_hash_bytes(const struct rss *r, const uint8_t *in, size_t len)
{
	size_t n = MIN(len, (size_t)RSS_TUPLE_MAX);
	uint32_t h = 0;

	for (size_t i = 0; i < n; i++)
		h ^= r->tab[i][in[i]];
	if (unlikely(len > RSS_TUPLE_MAX))
		h ^= rss_hash_tail(r, in, RSS_TUPLE_MAX, len);
	return h;
}

/* Unrolled by hand: the loop form keeps a loop counter and index arithmetic in the dependency
 * chain and costs about twice as many cycles at these sizes.  Inputs are read a word at a time
 * and split with shifts so each lookup is one load, not two. */
#define LK(pos, w, sh) r->tab[pos][(uint8_t)((w) >> (sh))]
#define LK4(pos, w)    (LK(pos, w, 24) ^ LK(pos + 1, w, 16) ^ LK(pos + 2, w, 8) ^ LK(pos + 3, w, 0))

uint32_t rss_hash_ipv4(const struct rss *r, const uint8_t *addrs, const uint8_t *ports)
{
	uint32_t s = load_be32(addrs), d = load_be32(addrs + 4);
	uint32_t h = LK4(0, s) ^ LK4(4, d);

	if (ports) {
		uint32_t p = load_be32(ports);

		h ^= LK4(8, p);
	}
	return h;
}

uint32_t rss_hash_ipv6(const struct rss *r, const uint8_t *addrs, const uint8_t *ports)
{
	uint32_t w0 = load_be32(addrs), w1 = load_be32(addrs + 4);
	uint32_t w2 = load_be32(addrs + 8), w3 = load_be32(addrs + 12);
	uint32_t w4 = load_be32(addrs + 16), w5 = load_be32(addrs + 20);
	uint32_t w6 = load_be32(addrs + 24), w7 = load_be32(addrs + 28);
	/* Two chains so the XORs of the first half do not wait on the loads of the second. */
	uint32_t a = LK4(0, w0) ^ LK4(4, w1) ^ LK4(8, w2) ^ LK4(12, w3);
	uint32_t b = LK4(16, w4) ^ LK4(20, w5) ^ LK4(24, w6) ^ LK4(28, w7);

	if (ports) {
		uint32_t p = load_be32(ports);

		a ^= LK4(32, p);
	}
	return a ^ b;
}

#undef LK4
#undef LK

uint32_t rss_hash_frame(const struct rss *r, const uint8_t *frame, const struct pkt_meta *m)
{
	/* Fragments, the first one included, hash on the 2-tuple: the first fragment carries ports
	 * but the others do not, and all of them must reach the queue that reassembles them. */
	const uint8_t *ports =
		(m->flags & (PKT_F_PORTS | PKT_F_FRAG)) == PKT_F_PORTS ? frame + m->l4_off : NULL;

	switch (m->l3) {
	case PKT_L3_IPV4:
		return rss_hash_ipv4(r, frame + m->l3_off + 12, ports);
	case PKT_L3_IPV6:
		return rss_hash_ipv6(r, frame + m->l3_off + 8, ports);
	default:
		return 0;
	}
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int rss_key_parse_hex(const char *hex, uint8_t *key, size_t *len)
{
	/* Colons, when present, must separate every byte, as `ethtool -x` prints them; a mix such
	 * as "6d5a:56" is more likely a typo than a key. */
	int colons = hex && strchr(hex, ':') != NULL;
	size_t n = 0;
	const char *p = hex;

	if (!hex || !key || !len || !*hex)
		return -EINVAL;
	for (;;) {
		int hi, lo;

		if (n == RSS_KEY_MAX)
			return -EINVAL;
		hi = hex_nibble(p[0]);
		lo = hi < 0 ? -1 : hex_nibble(p[1]);
		if (lo < 0)
			return -EINVAL;
		key[n++] = (uint8_t)(hi << 4 | lo);
		p += 2;
		if (!*p)
			break;
		if (colons && *p++ != ':')
			return -EINVAL;
	}
	*len = n;
	return 0;
}
