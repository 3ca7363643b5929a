/* What the kernel-interface backends (AF_PACKET, AF_XDP) need to know about their interface. */
#ifndef VNF_IO_IFACE_H
#define VNF_IO_IFACE_H
#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

struct io_iface {
	char name[IFNAMSIZ];
	int ifindex;
	unsigned mtu;
	uint8_t mac[6];
	char driver[32];    /* "" if the driver does not say */
	uint32_t rx_queues; /* RX + combined channels in use; 0 if the driver does not say */
};

/* Looks NAME up and checks that it exists, is up and has a carrier.  On failure returns -errno
 * and writes "NAME: cause" into err. */
int io_iface_check(const char *name, struct io_iface *out, char *err, size_t errlen);
/* "NAME: WHAT: cause" for a failed system call; permission errors say what is needed. */
void io_iface_errno_msg(const char *name, const char *what, int e, char *err, size_t errlen);

#endif
