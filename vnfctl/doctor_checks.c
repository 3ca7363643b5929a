#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "doctor_checks.h"

/* conf without comments: a copy where every '#' up to its line's end is blank (quotes in
 * qemu.conf never hold '#' in the settings read here). */
static char *strip_comments(const char *conf, size_t len)
{
	char *c = malloc(len + 1);
	int comment = 0;

	if (!c)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (conf[i] == '#')
			comment = 1;
		else if (conf[i] == '\n')
			comment = 0;
		c[i] = comment ? ' ' : conf[i];
	}
	c[len] = '\0';
	return c;
}

/* The start of key's value ("key =" at the start of a line), or NULL. */
static const char *find_key(const char *c, const char *key)
{
	size_t kl = strlen(key);

	for (const char *p = c; (p = strstr(p, key)); p += kl) {
		const char *q = p + kl;
		if (p != c && p[-1] != '\n' && !isspace((unsigned char)p[-1]))
			continue;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '=')
			return q + 1;
	}
	return NULL;
}

int doctor_acl_allows(const char *conf, size_t len, const char *dev)
{
	char *c = strip_comments(conf, len);
	const char *v, *end;
	int found = -1;

	if (!c)
		return -1;
	v = find_key(c, "cgroup_device_acl");
	if (v && (v = strchr(v, '[')) && (end = strchr(v, ']'))) {
		size_t dl = strlen(dev);
		found = 0;
		for (const char *q = v; q && q < end; q = strchr(q + 1, '"')) {
			if (*q == '"' && !strncmp(q + 1, dev, dl) && q[1 + dl] == '"') {
				found = 1;
				break;
			}
		}
	}
	free(c);
	return found;
}

int doctor_conf_string(const char *conf, size_t len, const char *key, char *out, size_t outlen)
{
	char *c = strip_comments(conf, len);
	const char *v, *q, *e;
	int rc = -1;

	if (!c)
		return -1;
	v = find_key(c, key);
	if (v && (q = strchr(v, '"')) && (e = strchr(q + 1, '"')) && !memchr(v, '\n', q - v)) {
		snprintf(out, outlen, "%.*s", (int)(e - q - 1), q + 1);
		rc = 0;
	}
	free(c);
	return rc;
}

int doctor_device_listed(const char *help, const char *name)
{
	char want[96];

	snprintf(want, sizeof(want), "name \"%s\"", name);
	return strstr(help, want) != NULL;
}

int doctor_qemu_version(const char *text, unsigned *major, unsigned *minor, unsigned *micro)
{
	const char *p = strstr(text, "version ");

	*micro = 0;
	if (!p || sscanf(p + 8, "%u.%u.%u", major, minor, micro) < 2)
		return -1;
	return 0;
}

const char *doctor_status_name(enum doctor_status s)
{
	return s == DOCTOR_OK ? "ok" : s == DOCTOR_WARNING ? "warning" : "error";
}
