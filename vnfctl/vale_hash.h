/* The VALE distribution module (patches/vale-rss, vnf_vale_rss.ko): loaded with finit_module(2)
 * and configured through its parameters in /sys/module/vnf_vale_rss/parameters (switch, key,
 * rings; `active` says which switch the lookup is installed on).  No modprobe or insmod needed.
 *
 * Library code: 0 or -errno and a reason in err; nothing here prints. */
#ifndef VNFCTL_VALE_HASH_H
#define VNFCTL_VALE_HASH_H
#include <stddef.h>
#include <stdint.h>

#define VALE_HASH_MODULE    "vnf_vale_rss"
#define VALE_HASH_PARAMS    "/sys/module/" VALE_HASH_MODULE "/parameters" /* $VNFCTL_VALE_HASH_PARAMS */
#define VALE_HASH_SWITCH_MAX 16	 /* "vale" + at most 11 characters, and the NUL */
#define VALE_HASH_RINGS_MAX 16	 /* the switch indexes 16 rings per port */
#define VALE_HASH_KEY_MAX   52

struct vale_hash_state {
	int loaded;			  /* the module's parameter directory exists */
	char sw[VALE_HASH_SWITCH_MAX];	  /* parameter switch ("" none) */
	char active[VALE_HASH_SWITCH_MAX]; /* where the lookup is installed now ("" none) */
	char key[2 * VALE_HASH_KEY_MAX + 1]; /* hex, as given */
	unsigned rings;			  /* 0: each destination port's RX rings */
};

/* $VNFCTL_VALE_HASH_PARAMS or VALE_HASH_PARAMS. */
const char *vale_hash_params_dir(void);
/* A switch name the module accepts: vale + [A-Za-z0-9_]*, at most 15 characters (pure). */
int vale_hash_check_switch(const char *sw, char *err, size_t errlen);
/* "switch=vale0 key=HEX rings=N" for finit_module (pure); -ENOSPC if out is too small. */
int vale_hash_module_args(char *out, size_t outlen, const char *sw, const uint8_t *key,
			  size_t key_len, unsigned rings);
/* Lowercase hex of key, as the module prints it (pure); out holds 2 * key_len + 1. */
static inline void vale_hash_key_hex(char *out, const uint8_t *key, size_t key_len)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < key_len; i++) {
		out[2 * i] = digits[key[i] >> 4];
		out[2 * i + 1] = digits[key[i] & 15];
	}
	out[2 * key_len] = '\0';
}

/* Reads the parameters; s->loaded = 0 (and 0 returned) when the module is not loaded. */
int vale_hash_read(struct vale_hash_state *s, char *err, size_t errlen);
/* The module file: given (--module), else $VNFCTL_VALE_HASH_KO, else
 * /lib/modules/RELEASE/{extra,updates}/vnf_vale_rss.ko.  path gets it. */
int vale_hash_find_module(const char *given, char *path, size_t pathlen, char *err,
			  size_t errlen);
/* finit_module(path, args). */
int vale_hash_load(const char *path, const char *args, const char *sw, char *err, size_t errlen);
/* Writes one parameter (the module applies it at once) and says why the module refused. */
int vale_hash_set(const char *name, const char *value, const char *sw, char *err, size_t errlen);
/* delete_module: the module takes its lookup off the switch as it goes. */
int vale_hash_unload(char *err, size_t errlen);

#endif
