/* The statistics socket: a unix stream socket where every connection gets one JSON snapshot
 * and is closed.  `vnfdp stats` is its client. */
#ifndef VNF_CTL_H
#define VNF_CTL_H
#include <stddef.h>

/* Listens on path (replacing a stale socket file).  Returns the fd or -errno. */
int ctl_listen(const char *path);
/* Accepts one pending connection and writes text to it.  -errno on failure. */
int ctl_serve_one(int listen_fd, const char *text);
/* Connects to path and reads the whole reply into a malloc'd string.  -errno on failure. */
int ctl_fetch(const char *path, char **text);

#endif
