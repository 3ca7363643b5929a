#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "files.h"

const char *state_dir(const char *fallback)
{
	const char *d = getenv("VNFCTL_STATE_DIR");
	return d && *d ? d : fallback;
}

int state_mkdir(const char *dir, char *err, size_t errlen)
{
	char sub[PATH_MAX];

	if (snprintf(sub, sizeof(sub), "%s/", dir) >= (int)sizeof(sub)) {
		snprintf(err, errlen, "state directory %.200s: path too long", dir);
		return -ENAMETOOLONG;
	}
	for (char *p = strchr(sub + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(sub, 0700) && errno != EEXIST) {
			snprintf(err, errlen, "state directory %.200s: %s", sub, strerror(errno));
			return -errno;
		}
		*p = '/';
	}
	return 0;
}

int file_read_all(const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	size_t cap = 65536, n = 0;
	char *b = NULL;
	int ret = 0;

	*buf = NULL;
	if (!f) {
		snprintf(err, errlen, "cannot read: %s", strerror(errno));
		return -errno;
	}
	b = malloc(cap + 1);
	while (b) {
		size_t k = fread(b + n, 1, cap - n, f);
		n += k;
		if (n < cap)
			break;
		if (cap >= FILE_MAX) {
			snprintf(err, errlen, "larger than %d MiB", FILE_MAX >> 20);
			ret = -EFBIG;
			break;
		}
		cap *= 2;
		char *nb = realloc(b, cap + 1);
		if (!nb) {
			free(b);
			b = NULL;
		}
		b = nb;
	}
	if (!b && !ret) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
	} else if (!ret && ferror(f)) {
		snprintf(err, errlen, "cannot read: %s", strerror(errno));
		ret = -EIO;
	}
	if (f != stdin)
		fclose(f);
	if (ret) {
		free(b);
		return ret;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

int file_write_atomic(const char *path, const char *data, size_t len, mode_t mode, char *err,
		      size_t errlen)
{
	char tmp[PATH_MAX];
	int fd, ret = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.vnfctl-XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "path too long");
		return -ENAMETOOLONG;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create a file beside it: %s", strerror(errno));
		return -errno;
	}
	if (fchmod(fd, mode) || write(fd, data, len) != (ssize_t)len || fsync(fd)) {
		ret = -errno;
		snprintf(err, errlen, "cannot write: %s", strerror(errno));
	}
	if (close(fd) && !ret) {
		ret = -errno;
		snprintf(err, errlen, "cannot write: %s", strerror(errno));
	}
	if (!ret && rename(tmp, path)) {
		ret = -errno;
		snprintf(err, errlen, "cannot replace it: %s", strerror(errno));
	}
	if (ret)
		unlink(tmp);
	return ret;
}

int file_beside_self(const char *name, char *out, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0)
		return -ENOENT;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	if (snprintf(out, len, "%s/%s", self, name) >= (int)len)
		return -ENAMETOOLONG;
	return access(out, R_OK) ? -ENOENT : 0;
}
