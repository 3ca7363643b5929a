#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "ctl.h"

static int ctl_addr(const char *path, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(a->sun_path))
		return -ENAMETOOLONG;
	strcpy(a->sun_path, path);
	return 0;
}

int ctl_listen(const char *path)
{
	struct sockaddr_un a;
	int fd, ret = ctl_addr(path, &a);

	if (ret)
		return ret;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* Replace only a stale socket: one that a live dataplane answers on stays its own. */
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 || errno == EAGAIN) {
		close(fd);
		return -EADDRINUSE;
	}
	close(fd);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 8)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

int ctl_serve_one(int listen_fd, const char *text)
{
	size_t len = strlen(text), off = 0;
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	while (off < len) {
		ssize_t w = send(fd, text + off, len - off, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			ret = -errno;
			break;
		}
		off += (size_t)w;
	}
	close(fd);
	return ret;
}

int ctl_fetch(const char *path, char **text)
{
	struct sockaddr_un a;
	size_t cap = 4096, len = 0;
	char *buf = NULL;
	int fd = -1, ret = ctl_addr(path, &a);

	*text = NULL;
	if (ret)
		return ret;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		ret = -errno;
		goto out;
	}
	buf = malloc(cap);
	for (;;) {
		if (!buf) {
			ret = -ENOMEM;
			goto out;
		}
		ssize_t r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (cap - len < 2) {
			char *nb = realloc(buf, cap * 2);
			if (!nb)
				free(buf);
			buf = nb;
			cap *= 2;
		}
	}
	buf[len] = 0;
	*text = buf;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return ret;
}
