/* vnfctl vale hash enable|disable|show: the VALE distribution module (vale_hash.c,
 * patches/vale-rss).  enable loads it, or reconfigures it when loaded, and reads back what the
 * switch got; disable unloads it, which gives the switch VALE's own lookup back. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "cli.h"
#include "rss.h"
#include "vale.h"
#include "vale_hash.h"

struct hash_opts {
	const char *verb, *sw, *module, *key_hex, *profile;
	unsigned long rings;
	int dry_run, json;
	uint8_t key[RSS_KEY_MAX];
	size_t key_len;
};

static int hash_parse(const struct vnfctl_cmd *c, const struct vnfctl_ctx *ctx, int argc,
		      char **argv, struct hash_opts *o)
{
	static const struct option lo[] = {
		{ "key", required_argument, 0, 'k' },	  { "rss-profile", required_argument, 0, 'p' },
		{ "rings", required_argument, 0, 'r' },	  { "module", required_argument, 0, 'm' },
		{ "dry-run", no_argument, 0, 'n' },	  { "json", no_argument, 0, 'j' },
		{ 0, 0, 0, 0 },
	};
	char err[VNFCTL_ERR_LEN], *end;
	int ch, rc;

	memset(o, 0, sizeof(*o));
	o->json = ctx->json;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'k': o->key_hex = optarg; break;
		case 'p': o->profile = optarg; break;
		case 'm': o->module = optarg; break;
		case 'n': o->dry_run = 1; break;
		case 'j': o->json = 1; break;
		case 'r':
			errno = 0;
			o->rings = strtoul(optarg, &end, 10);
			if (!*optarg || *optarg == '-' || *end || errno ||
			    o->rings > VALE_HASH_RINGS_MAX)
				return cli_usage_fail(c, "--rings \"%s\": not a number in 0..%d (0: "
						      "each port's RX rings)", optarg,
						      VALE_HASH_RINGS_MAX);
			break;
		default:
			return cli_usage_fail(c, "unknown option or missing value: \"%s\"",
					      argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_fail(c, "enable, disable or show is required");
	o->verb = argv[optind++];
	if (strcmp(o->verb, "show") == 0) {
		if (optind != argc)
			return cli_usage_fail(c, "show takes no SWITCH");
		return 0;
	}
	if (strcmp(o->verb, "enable") && strcmp(o->verb, "disable"))
		return cli_usage_fail(c, "\"%s\": enable, disable or show", o->verb);
	if (optind != argc - 1)
		return cli_usage_fail(c, "exactly one SWITCH is required (vale0)");
	o->sw = argv[optind];
	if (vale_hash_check_switch(o->sw, err, sizeof(err)))
		return cli_usage_fail(c, "%s", err);
	if (strcmp(o->verb, "disable") == 0 && (o->key_hex || o->profile || o->rings || o->module))
		return cli_usage_fail(c, "disable takes only SWITCH and --dry-run");
	if (o->key_hex && o->profile)
		return cli_usage_fail(c, "--key and --rss-profile exclude each other");
	rc = rss_key_resolve(o->key_hex, o->profile, o->key, &o->key_len);
	if (rc == -ENOENT)
		return cli_usage_fail(c, "--rss-profile \"%s\": default, ms or mtcp", o->profile);
	if (rc || (o->key_len != 40 && o->key_len != 52)) /* a profile's key is always 40 */
		return cli_usage_fail(c, "--key \"%s\": 40 or 52 bytes in hex", o->key_hex);
	return 0;
}

static void hash_print_state(const struct vale_hash_state *s, int json)
{
	if (json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "loaded", json_object_new_boolean(s->loaded));
		if (s->loaded) {
			json_object_object_add(o, "switch", json_object_new_string(s->sw));
			json_object_object_add(o, "active", json_object_new_string(s->active));
			json_object_object_add(o, "key", json_object_new_string(s->key));
			json_object_object_add(o, "rings", json_object_new_int(s->rings));
		}
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY));
		json_object_put(o);
	} else if (!s->loaded) {
		printf(VALE_HASH_MODULE " is not loaded: VALE switches use netmap's own lookup\n");
	} else if (!*s->active) {
		printf(VALE_HASH_MODULE " is loaded%s%s but installed on no switch%s\n",
		       *s->sw ? " for " : "", s->sw,
		       *s->sw ? " (the switch lost its last port: vnfctl vale hash enable again)"
			      : "");
	} else if (s->rings) {
		printf("%s: flows spread by 4-tuple over %u rings, key %s\n", s->active, s->rings,
		       s->key);
	} else {
		printf("%s: flows spread by 4-tuple over each port's RX rings, key %s\n", s->active,
		       s->key);
	}
}

static int hash_show(const struct hash_opts *o)
{
	struct vale_hash_state s;
	char err[VNFCTL_ERR_LEN];

	if (vale_hash_read(&s, err, sizeof(err)))
		return cli_fail("VALE hash: cannot read: %s", err);
	hash_print_state(&s, o->json);
	return EXIT_OK;
}

/* Loaded already: key and rings first, then the switch, each applied by the module as it is
 * written; writing the same switch again re-installs a lookup the switch lost. */
static int hash_reconfigure(const struct hash_opts *o, const struct vale_hash_state *s,
			    const char *hex)
{
	char err[VNFCTL_ERR_LEN], rings[16];

	if (*s->active && strcmp(s->active, o->sw))
		return cli_fail("%s: cannot enable: " VALE_HASH_MODULE " spreads %s, and serves "
				"one switch (vnfctl vale hash disable %s first)",
				o->sw, s->active, s->active);
	snprintf(rings, sizeof(rings), "%lu", o->rings);
	if (vale_hash_set("key", hex, o->sw, err, sizeof(err)) ||
	    vale_hash_set("rings", rings, o->sw, err, sizeof(err)) ||
	    vale_hash_set("switch", o->sw, o->sw, err, sizeof(err)))
		return cli_fail("%s: cannot enable: %s", o->sw, err);
	return EXIT_OK;
}

static int hash_enable(const struct hash_opts *o)
{
	struct vale_hash_state s;
	char err[VNFCTL_ERR_LEN], hex[2 * RSS_KEY_MAX + 1], path[512], args[256];
	int rc;

	vale_hash_key_hex(hex, o->key, o->key_len);
	if (vale_hash_module_args(args, sizeof(args), o->sw, o->key, o->key_len,
				  (unsigned)o->rings))
		return cli_fail("%s: cannot enable: module arguments too long", o->sw);
	if (vale_hash_read(&s, err, sizeof(err)))
		return cli_fail("%s: cannot enable: %s", o->sw, err);
	if (o->dry_run) { /* needs neither netmap nor the module file */
		if (s.loaded)
			printf("%s: would set key=%s rings=%lu switch=%s in %s\n", o->sw, hex,
			       o->rings, o->sw, vale_hash_params_dir());
		else if (vale_hash_find_module(o->module, path, sizeof(path), err, sizeof(err)))
			printf("%s: would load " VALE_HASH_MODULE " with %s (%s)\n", o->sw, args,
			       err);
		else
			printf("%s: would load %s with %s\n", o->sw, path, args);
		return EXIT_OK;
	}
	if (vale_params_present(err, sizeof(err)))
		return cli_fail("%s: cannot enable: %s", o->sw, err);
	if (!s.loaded && vale_hash_find_module(o->module, path, sizeof(path), err, sizeof(err)))
		return cli_fail("%s: cannot enable: %s", o->sw, err);
	if (s.loaded)
		rc = hash_reconfigure(o, &s, hex);
	else if (vale_hash_load(path, args, o->sw, err, sizeof(err)))
		rc = cli_fail("%s: cannot enable: %s: %s", o->sw, path, err);
	else
		rc = EXIT_OK;
	if (rc)
		return rc;
	if (vale_hash_read(&s, err, sizeof(err)))
		return cli_fail("%s: enabled, but cannot read it back: %s", o->sw, err);
	if (strcmp(s.active, o->sw) || strcmp(s.key, hex) || s.rings != o->rings)
		return cli_fail("%s: the module reads back switch \"%s\" key %s rings %u", o->sw,
				s.active, s.key, s.rings);
	hash_print_state(&s, o->json);
	return EXIT_OK;
}

static int hash_disable(const struct hash_opts *o)
{
	struct vale_hash_state s;
	char err[VNFCTL_ERR_LEN];

	if (vale_hash_read(&s, err, sizeof(err)))
		return cli_fail("%s: cannot disable: %s", o->sw, err);
	if (!s.loaded) {
		printf("%s: nothing to do: " VALE_HASH_MODULE " is not loaded\n", o->sw);
		return EXIT_OK;
	}
	if (*s.sw && strcmp(s.sw, o->sw))
		return cli_fail("%s: cannot disable: " VALE_HASH_MODULE " is set for %s, not %s",
				o->sw, s.sw, o->sw);
	if (o->dry_run) {
		printf("%s: would unload " VALE_HASH_MODULE " (the switch gets netmap's own "
		       "lookup back)\n", o->sw);
		return EXIT_OK;
	}
	if (vale_hash_unload(err, sizeof(err)))
		return cli_fail("%s: cannot disable: %s", o->sw, err);
	printf("%s: disabled: netmap's own lookup (MAC learning, the source's ring index)\n",
	       o->sw);
	return EXIT_OK;
}

int cmd_vale_hash(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	const struct vnfctl_cmd *c = cli_find("vale", "hash");
	struct hash_opts o;
	int rc = hash_parse(c, ctx, argc, argv, &o);

	if (rc)
		return rc;
	if (strcmp(o.verb, "show") == 0)
		return hash_show(&o);
	return strcmp(o.verb, "enable") == 0 ? hash_enable(&o) : hash_disable(&o);
}
