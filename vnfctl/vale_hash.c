/* See vale_hash.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "vale.h"
#include "vale_hash.h"

const char *vale_hash_params_dir(void)
{
	const char *d = getenv("VNFCTL_VALE_HASH_PARAMS");

	return d && *d ? d : VALE_HASH_PARAMS;
}

int vale_hash_check_switch(const char *sw, char *err, size_t errlen)
{
	size_t n = strlen(sw);

	if (strncmp(sw, "vale", 4) != 0 || n >= VALE_HASH_SWITCH_MAX) {
		snprintf(err, errlen, "switch \"%s\": a VALE switch is vale followed by at most 11 "
			 "letters, digits or _ (vale0)", sw);
		return -EINVAL;
	}
	for (size_t i = 4; i < n; i++)
		if (!vale_id_char(sw[i])) {
			snprintf(err, errlen, "switch \"%s\": '%c' is not a letter, digit or _", sw,
				 sw[i]);
			return -EINVAL;
		}
	return 0;
}

int vale_hash_module_args(char *out, size_t outlen, const char *sw, const uint8_t *key,
			  size_t key_len, unsigned rings)
{
	char hex[2 * VALE_HASH_KEY_MAX + 1];
	int n;

	if (key_len > VALE_HASH_KEY_MAX)
		return -EINVAL;
	vale_hash_key_hex(hex, key, key_len);
	n = snprintf(out, outlen, "switch=%s key=%s rings=%u", sw, hex, rings);
	return n < 0 || (size_t)n >= outlen ? -ENOSPC : 0;
}

/* One parameter's value without its newline; -errno. */
static int param_read(const char *name, char *out, size_t outlen)
{
	char path[512];
	ssize_t len;
	int fd, e;

	snprintf(path, sizeof(path), "%s/%s", vale_hash_params_dir(), name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, out, outlen - 1);
	e = errno;
	close(fd);
	if (len < 0)
		return -e;
	out[len] = '\0';
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

int vale_hash_read(struct vale_hash_state *s, char *err, size_t errlen)
{
	char rings[16], *end;
	struct stat st;
	int ret;

	memset(s, 0, sizeof(*s));
	if (stat(vale_hash_params_dir(), &st))
		return 0;
	s->loaded = 1;
	if ((ret = param_read("switch", s->sw, sizeof(s->sw))) ||
	    (ret = param_read("active", s->active, sizeof(s->active))) ||
	    (ret = param_read("key", s->key, sizeof(s->key))) ||
	    (ret = param_read("rings", rings, sizeof(rings)))) {
		snprintf(err, errlen, "%s: %s", vale_hash_params_dir(), strerror(-ret));
		return ret;
	}
	s->rings = (unsigned)strtoul(rings, &end, 10);
	if (end == rings || *end) {
		snprintf(err, errlen, "%s/rings: not a number: \"%s\"", vale_hash_params_dir(),
			 rings);
		return -EINVAL;
	}
	return 0;
}

int vale_hash_find_module(const char *given, char *path, size_t pathlen, char *err,
			  size_t errlen)
{
	static const char *const dirs[] = { "extra", "updates" };
	const char *env = getenv("VNFCTL_VALE_HASH_KO");
	struct utsname u;

	if (given || (env && *env)) {
		snprintf(path, pathlen, "%s", given ? given : env);
		if (access(path, R_OK) == 0)
			return 0;
		snprintf(err, errlen, "module file %s: %s", path, strerror(errno));
		return -ENOENT;
	}
	uname(&u);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, pathlen, "/lib/modules/%s/%s/" VALE_HASH_MODULE ".ko", u.release,
			 dirs[i]);
		if (access(path, R_OK) == 0)
			return 0;
	}
	snprintf(err, errlen,
		 "no " VALE_HASH_MODULE ".ko in /lib/modules/%s/extra or updates: build and "
		 "install it (make -C patches/vale-rss NETMAP_SRC=/path/to/netmap install), or "
		 "name it with --module FILE",
		 u.release);
	return -ENOENT;
}

/* What an errno from loading the module or writing its parameters means here. */
static void explain(int e, const char *sw, char *err, size_t errlen)
{
	switch (e) {
	case ENXIO:
		snprintf(err, errlen, "switch %s does not exist: netmap makes a switch when its "
			 "first port attaches (vnfctl vale attach %s:PORT)", sw, sw);
		break;
	case EACCES:
		snprintf(err, errlen, "switch %s is held in exclusive mode by another kernel "
			 "module", sw);
		break;
	case ENOENT:
		snprintf(err, errlen, "the module does not match the loaded netmap (unknown "
			 "symbols, see dmesg): rebuild it against this netmap");
		break;
	case ENOEXEC:
		snprintf(err, errlen, "not a kernel module for this kernel (exec format error): "
			 "rebuild it with KSRC= this kernel's build directory");
		break;
	case EPERM:
		snprintf(err, errlen, "not allowed: loading modules and writing their parameters "
			 "need root (CAP_SYS_MODULE); under Secure Boot lockdown the module must "
			 "be signed");
		break;
	case EINVAL:
		snprintf(err, errlen, "the module refused a parameter (see dmesg)");
		break;
	default:
		snprintf(err, errlen, "%s", strerror(e));
	}
}

int vale_hash_load(const char *path, const char *args, const char *sw, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), e = 0;

	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	if (syscall(SYS_finit_module, fd, args, 0))
		e = errno;
	close(fd);
	if (e) {
		explain(e, sw, err, errlen);
		return -e;
	}
	return 0;
}

int vale_hash_set(const char *name, const char *value, const char *sw, char *err, size_t errlen)
{
	char path[512], back[2 * VALE_HASH_KEY_MAX + 2];
	size_t len = strlen(value);
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s", vale_hash_params_dir(), name);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		explain(-ret, sw, err, errlen);
		return ret;
	}
	errno = EIO; /* a short write sets none */
	if (write(fd, value, len) != (ssize_t)len)
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && (ret = param_read(name, back, sizeof(back))) == 0 && strcmp(back, value)) {
		snprintf(err, errlen, "%s: wrote \"%s\", reads back \"%s\"", path, value, back);
		return -EIO;
	}
	if (ret)
		explain(-ret, sw, err, errlen);
	return ret;
}

int vale_hash_unload(char *err, size_t errlen)
{
	int e;

	if (syscall(SYS_delete_module, VALE_HASH_MODULE, O_NONBLOCK) == 0)
		return 0;
	e = errno;
	if (e == EWOULDBLOCK || e == EBUSY)
		snprintf(err, errlen, VALE_HASH_MODULE " is in use");
	else if (e == ENOENT)
		snprintf(err, errlen, VALE_HASH_MODULE " is not loaded");
	else
		explain(e, "", err, errlen);
	return -e;
}
