/* The named RSS keys (user space only: the kernel module takes a key in hex). */
#include <errno.h>
#include <string.h>
#include "rss.h"

/* Profile keys are spelled out rather than generated so `vnfdp rss --profile` and the tables
 * printed by tools agree byte for byte with what is programmed into a NIC. */
#define REP2_20(a, b)                                                                              \
	a, b, a, b, a, b, a, b, a, b, a, b, a, b, a, b, a, b, a, b, a, b, a, b, a, b, a, b, a, b,  \
		a, b, a, b, a, b, a, b, a, b

const struct rss_profile rss_profiles[] = {
	{
		.name = "default",
		.summary = "0x6d5a repeated (symmetric, spreads well), 128-entry RETA",
		.key = { REP2_20(0x6d, 0x5a) },
		.key_len = 40,
		.reta_size = 128,
	},
	{
		.name = "ms",
		.summary = "Microsoft's RSS verification key (not symmetric), 128-entry RETA",
		.key = { 0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
			 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
			 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
			 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa },
		.key_len = 40,
		.reta_size = 128,
	},
	{
		/* mTCP picks (hash & 0x7f) % N: the same as a 128-entry RETA filled i % N. */
		.name = "mtcp",
		.summary = "0x05 repeated as in mTCP (symmetric, only 64 distinct hashes), "
			   "(hash & 0x7f) % N",
		.key = { REP2_20(0x05, 0x05) },
		.key_len = 40,
		.reta_size = 128,
	},
};

#undef REP2_20

const size_t rss_profiles_count = ARRAY_SIZE(rss_profiles);

const struct rss_profile *rss_profile_find(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(rss_profiles); i++)
		if (strcmp(rss_profiles[i].name, name) == 0)
			return &rss_profiles[i];
	errno = ENOENT;
	return NULL;
}

int rss_key_resolve(const char *hex, const char *profile, uint8_t *key, size_t *len)
{
	const struct rss_profile *p;

	if (hex)
		return rss_key_parse_hex(hex, key, len) ? -EINVAL : 0;
	p = rss_profile_find(profile ? profile : "default");
	if (!p)
		return -ENOENT;
	memcpy(key, p->key, p->key_len);
	*len = p->key_len;
	return 0;
}
