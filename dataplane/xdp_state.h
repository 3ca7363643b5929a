/* Which XDP program on an interface belongs to this dataplane, kept in a small state file under
 * /run/vnfdp, so that a run that died without detaching is cleaned up by the next one.  The file
 * is locked with flock while a run uses the interface: the kernel drops the lock when the process
 * dies, so a locked file means a live dataplane and an unlocked one with a program id means a
 * crashed one. */
#ifndef VNF_XDP_STATE_H
#define VNF_XDP_STATE_H
#include <stddef.h>
#include <stdint.h>
#include "io_iface.h"

#define XDP_STATE_DIR "/run/vnfdp"

struct xdp_state {
	char path[128];
	int fd;
	int ifindex;
	uint32_t stale_prog; /* id of the program a crashed run left and acquire detached, or 0 */
};

/* Locks the interface's state file; detaches the program a crashed run left attached.  Fails
 * with -EBUSY when another live dataplane holds the interface. */
int xdp_state_acquire(struct xdp_state *s, const struct io_iface *ifc, char *err, size_t errlen);
/* Records the id of the program just attached. */
int xdp_state_record(struct xdp_state *s, uint32_t prog_id, char *err, size_t errlen);
/* After a clean detach: removes and unlocks the state file. */
void xdp_state_release(struct xdp_state *s);
/* Makes sure a bpffs is mounted at /sys/fs/bpf (libxdp's dispatcher pins programs there); when
 * none can be mounted, tells libxdp to attach without its dispatcher. */
void xdp_bpffs_prepare(void);

#endif
