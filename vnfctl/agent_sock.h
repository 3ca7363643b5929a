/* The guest agent on a unix socket, without libvirt. */
#ifndef VNFCTL_AGENT_SOCK_H
#define VNFCTL_AGENT_SOCK_H
#include <stddef.h>

struct agent;

/* Connects a to the qemu-ga socket at path.  0 or -errno with err. */
int agent_sock_open(struct agent *a, const char *path, char *err, size_t errlen);

#endif
