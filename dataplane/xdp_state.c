#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "xdp_state.h"

#define BPFFS_DIR "/sys/fs/bpf"

/* Detaches program prog_id from ifindex if it is still there: attached directly (libxdp without
 * its dispatcher), or as one program inside libxdp's dispatcher. */
static int xdp_detach_stale(int ifindex, uint32_t prog_id)
{
	static const int modes[] = { XDP_FLAGS_DRV_MODE, XDP_FLAGS_SKB_MODE };
	struct xdp_multiprog *mp;
	struct xdp_program *p = NULL;

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		__u32 id = 0;

		if (bpf_xdp_query_id(ifindex, modes[i], &id) || id != prog_id)
			continue;
		/* Replace-if-still-ours, so a program someone attached meanwhile stays. */
		int fd = bpf_prog_get_fd_by_id(prog_id);
		LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = fd);
		int ret = fd < 0 ? -errno
				 : bpf_xdp_detach(ifindex, modes[i] | XDP_FLAGS_REPLACE, &opts);
		if (fd >= 0)
			close(fd);
		return ret == 0;
	}
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	if (!mp || libxdp_get_error(mp))
		return 0;
	while ((p = xdp_multiprog__next_prog(p, mp)))
		if (xdp_program__id(p) == prog_id)
			break;
	int done = p && xdp_program__detach(p, ifindex, xdp_multiprog__attach_mode(mp), 0) == 0;
	xdp_multiprog__close(mp);
	return done;
}

int xdp_state_acquire(struct xdp_state *s, const struct io_iface *ifc, char *err, size_t errlen)
{
	struct stat ns;
	char buf[64] = { 0 };
	unsigned long pid = 0, prog = 0;
	int ret;

	s->fd = -1;
	s->ifindex = ifc->ifindex;
	s->stale_prog = 0;
	/* ifindexes repeat across network namespaces: the namespace is part of the name. */
	if (stat("/proc/self/ns/net", &ns) < 0)
		ns.st_ino = 0;
	snprintf(s->path, sizeof(s->path), XDP_STATE_DIR "/xdp-%lu-%d", (unsigned long)ns.st_ino,
		 ifc->ifindex);
	if (mkdir(XDP_STATE_DIR, 0755) < 0 && errno != EEXIST) {
		ret = -errno;
		io_iface_errno_msg(ifc->name, "cannot create " XDP_STATE_DIR, errno, err, errlen);
		return ret;
	}
	s->fd = open(s->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (s->fd < 0) {
		ret = -errno;
		io_iface_errno_msg(ifc->name, "cannot open the XDP state file", errno, err, errlen);
		return ret;
	}
	ssize_t n = pread(s->fd, buf, sizeof(buf) - 1, 0);
	if (n > 0)
		sscanf(buf, "pid=%lu prog=%lu", &pid, &prog);
	if (flock(s->fd, LOCK_EX | LOCK_NB) < 0) {
		ret = errno == EWOULDBLOCK ? -EBUSY : -errno;
		if (ret == -EBUSY)
			snprintf(err, errlen, "%s: in use by another vnfdp (pid %lu)", ifc->name,
				 pid);
		else
			io_iface_errno_msg(ifc->name, "cannot lock the XDP state file", -ret, err,
					   errlen);
		close(s->fd);
		s->fd = -1;
		return ret;
	}
	/* Unlocked but not empty: the previous run died without detaching its program. */
	s->stale_prog = prog && xdp_detach_stale(ifc->ifindex, (uint32_t)prog) ? (uint32_t)prog : 0;
	if (ftruncate(s->fd, 0) < 0) {
		ret = -errno;
		io_iface_errno_msg(ifc->name, "cannot reset the XDP state file", errno, err,
				   errlen);
		close(s->fd);
		s->fd = -1;
		return ret;
	}
	return 0;
}

int xdp_state_record(struct xdp_state *s, uint32_t prog_id, char *err, size_t errlen)
{
	char buf[64];
	int len = snprintf(buf, sizeof(buf), "pid=%ld prog=%u\n", (long)getpid(), prog_id);

	if (pwrite(s->fd, buf, (size_t)len, 0) != len || fsync(s->fd) < 0) {
		snprintf(err, errlen, "%s: cannot write: %s", s->path,
			 strerror(errno ? errno : EIO));
		return -EIO;
	}
	return 0;
}

void xdp_state_release(struct xdp_state *s)
{
	if (s->fd < 0)
		return;
	unlink(s->path);
	close(s->fd);
	s->fd = -1;
}

void xdp_bpffs_prepare(void)
{
	struct statfs st;

	if (statfs(BPFFS_DIR, &st) == 0 && (unsigned long)st.f_type == BPF_FS_MAGIC)
		return;
	if (mount("bpf", BPFFS_DIR, "bpf", 0, "mode=0700") == 0)
		return;
	setenv("LIBXDP_SKIP_DISPATCHER", "1", 0);
}
