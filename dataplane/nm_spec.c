#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nm_spec.h"

static int nm_spec_parse_conf(const char *iface, const char *conf, struct nm_spec *s, char *err,
			      size_t errlen)
{
	while (*conf) {
		size_t klen = strcspn(conf, "=,");
		char key[16], *end;
		unsigned long v;

		if (conf[klen] != '=' || klen >= sizeof(key))
			goto bad;
		memcpy(key, conf, klen);
		key[klen] = '\0';
		for (char *c = key; *c; c++)
			if (*c == '-')
				*c = '_';
		errno = 0;
		v = strtoul(conf + klen + 1, &end, 10);
		if (errno || end == conf + klen + 1 || (*end && *end != ',') || v == 0 || v > 65535)
			goto bad;
		if (!strcmp(key, "rings") || !strcmp(key, "tx_rings"))
			s->tx_rings = (uint16_t)v;
		if (!strcmp(key, "rings") || !strcmp(key, "rx_rings"))
			s->rx_rings = (uint16_t)v;
		if (!strcmp(key, "slots") || !strcmp(key, "tx_slots"))
			s->tx_slots = (uint32_t)v;
		if (!strcmp(key, "slots") || !strcmp(key, "rx_slots"))
			s->rx_slots = (uint32_t)v;
		if (strcmp(key, "rings") && strcmp(key, "tx_rings") && strcmp(key, "rx_rings") &&
		    strcmp(key, "slots") && strcmp(key, "tx_slots") && strcmp(key, "rx_slots"))
			goto bad;
		conf = *end ? end + 1 : end;
	}
	return 0;
bad:
	snprintf(err, errlen,
		 "%s: bad @conf: option near \"%s\" (accepted: rings, tx-rings, rx-rings, slots, "
		 "tx-slots, rx-slots = 1..65535, comma separated)",
		 iface, conf);
	return -EINVAL;
}

/* Splits a spec into the kernel's port name and our options.  "netmap:" is libnetmap's prefix
 * for a hardware port and is not part of the kernel's name; "valeX:" is (the kernel routes on
 * it).  Pipe suffixes "{N" / "}N" stay in the name: the kernel parses them. */
int nm_spec_parse(const char *iface, struct nm_spec *s, char *err, size_t errlen)
{
	const char *name = iface, *scan, *end;
	size_t len;

	memset(s, 0, sizeof(*s));
	s->ring = -1;
	if (!strncmp(name, "netmap:", 7))
		name += 7;
	scan = name;
	if (!strncmp(name, NM_SPEC_VALE_PREFIX, strlen(NM_SPEC_VALE_PREFIX)) && strchr(name, ':'))
		scan = strchr(name, ':') + 1;
	end = scan + strcspn(scan, "-*^/@");
	len = (size_t)(end - name);
	if (len == 0 || len >= sizeof(s->name) || end == scan) {
		snprintf(err, errlen,
			 "%s: not a netmap port (expected netmap:IF, netmap:IF-N, "
			 "valeX:PORT, valeX:PORT{N or valeX:PORT}N)",
			 iface);
		return -EINVAL;
	}
	memcpy(s->name, name, len);
	if (*end == '-') {
		char *num_end;
		unsigned long r;

		errno = 0;
		r = strtoul(end + 1, &num_end, 10);
		if (errno || num_end == end + 1 || r >= NM_SPEC_RING_MAX) {
			snprintf(err, errlen, "%s: bad ring number after '-'", iface);
			return -EINVAL;
		}
		s->ring = (int)r;
		end = num_end;
	}
	if (!strncmp(end, "@conf:", 6))
		return nm_spec_parse_conf(iface, end + 6, s, err, errlen);
	if (*end) {
		snprintf(err, errlen,
			 "%s: unsupported suffix \"%s\" (vnfdp accepts -N and @conf:KEY=VALUE,...)",
			 iface, end);
		return -EINVAL;
	}
	return 0;
}
