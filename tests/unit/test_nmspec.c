/* netmap port specs: the kernel's name, ring selection, @conf: options, and one clear error per
 * malformed spec.  Pure parsing: runs in every build, with or without netmap. */
#include <errno.h>
#include <string.h>
#include "check.h"
#include "nm_spec.h"

struct good {
	const char *spec, *name;
	int ring;
	uint16_t tx_rings, rx_rings;
	uint32_t tx_slots, rx_slots;
};

static const struct good good_cases[] = {
	{ "netmap:eth0", "eth0", -1, 0, 0, 0, 0 },
	{ "eth0", "eth0", -1, 0, 0, 0, 0 },
	{ "netmap:eth0-2", "eth0", 2, 0, 0, 0, 0 },
	{ "netmap:ens1f0-0", "ens1f0", 0, 0, 0, 0, 0 },
	{ "vale0:p", "vale0:p", -1, 0, 0, 0, 0 },
	{ "vale0:vm-1", "vale0:vm", 1, 0, 0, 0, 0 }, /* '-' after the port: a ring number */
	{ "vale0:x{1", "vale0:x{1", -1, 0, 0, 0, 0 },
	{ "vale0:x}1", "vale0:x}1", -1, 0, 0, 0, 0 },
	{ "vale0:dp@conf:rings=2", "vale0:dp", -1, 2, 2, 0, 0 },
	{ "vale0:dp@conf:slots=4096", "vale0:dp", -1, 0, 0, 4096, 4096 },
	{ "vale1:q@conf:tx-rings=1,rx-rings=4,tx-slots=512,rx-slots=2048", "vale1:q", -1, 1, 4, 512,
	  2048 },
	{ "netmap:eth1-3@conf:rx_slots=256", "eth1", 3, 0, 0, 0, 256 },
};

static void t_good_specs(void)
{
	for (size_t i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++) {
		const struct good *g = &good_cases[i];
		struct nm_spec s;
		char err[256] = "";

		CHECK(nm_spec_parse(g->spec, &s, err, sizeof(err)) == 0);
		CHECK_STR(err, "");
		CHECK_STR(s.name, g->name);
		CHECK(s.ring == g->ring);
		CHECK_EQ_U(s.tx_rings, g->tx_rings);
		CHECK_EQ_U(s.rx_rings, g->rx_rings);
		CHECK_EQ_U(s.tx_slots, g->tx_slots);
		CHECK_EQ_U(s.rx_slots, g->rx_slots);
	}
}

struct bad {
	const char *spec, *err;
};

static const struct bad bad_cases[] = {
	{ "netmap:", "netmap:: not a netmap port (expected netmap:IF, netmap:IF-N, valeX:PORT, "
		     "valeX:PORT{N or valeX:PORT}N)" },
	{ "vale0:", "vale0:: not a netmap port (expected netmap:IF, netmap:IF-N, valeX:PORT, "
		    "valeX:PORT{N or valeX:PORT}N)" },
	{ "netmap:eth0-", "netmap:eth0-: bad ring number after '-'" },
	{ "netmap:eth0-x", "netmap:eth0-x: bad ring number after '-'" },
	{ "netmap:eth0-4095", "netmap:eth0-4095: bad ring number after '-'" },
	{ "netmap:eth0*", "netmap:eth0*: unsupported suffix \"*\" (vnfdp accepts -N and "
			  "@conf:KEY=VALUE,...)" },
	{ "netmap:eth0^", "netmap:eth0^: unsupported suffix \"^\" (vnfdp accepts -N and "
			  "@conf:KEY=VALUE,...)" },
	{ "vale0:p@conf:rings=0", "vale0:p@conf:rings=0: bad @conf: option near \"rings=0\" "
				  "(accepted: rings, tx-rings, rx-rings, slots, tx-slots, "
				  "rx-slots = 1..65535, comma separated)" },
	{ "vale0:p@conf:ring=2", "vale0:p@conf:ring=2: bad @conf: option near \"ring=2\" "
				 "(accepted: rings, tx-rings, rx-rings, slots, tx-slots, "
				 "rx-slots = 1..65535, comma separated)" },
	{ "vale0:p@conf:slots", "vale0:p@conf:slots: bad @conf: option near \"slots\" "
				"(accepted: rings, tx-rings, rx-rings, slots, tx-slots, "
				"rx-slots = 1..65535, comma separated)" },
	{ "vale0:p@conf:slots=70000", "vale0:p@conf:slots=70000: bad @conf: option near "
				      "\"slots=70000\" (accepted: rings, tx-rings, rx-rings, "
				      "slots, tx-slots, rx-slots = 1..65535, comma separated)" },
};

static void t_bad_specs(void)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		struct nm_spec s;
		char err[256] = "";

		CHECK(nm_spec_parse(bad_cases[i].spec, &s, err, sizeof(err)) == -EINVAL);
		CHECK_STR(err, bad_cases[i].err);
	}
}

static void t_name_too_long(void)
{
	char spec[NM_SPEC_NAME_MAX + 16], err[256];
	struct nm_spec s;

	memcpy(spec, "netmap:", 7);
	memset(spec + 7, 'a', NM_SPEC_NAME_MAX);
	spec[7 + NM_SPEC_NAME_MAX] = '\0';
	CHECK(nm_spec_parse(spec, &s, err, sizeof(err)) == -EINVAL);
	spec[7 + NM_SPEC_NAME_MAX - 1] = '\0'; /* 63 characters: fits with its NUL */
	CHECK(nm_spec_parse(spec, &s, err, sizeof(err)) == 0);
	CHECK_EQ_U(strlen(s.name), NM_SPEC_NAME_MAX - 1);
}

CHECK_MAIN("nmspec", TEST(t_good_specs), TEST(t_bad_specs), TEST(t_name_too_long))
