/* The one place vnfctl calls libvirt.  Errors come back as -errno with libvirt's own message
 * in err. */
#ifndef VNFCTL_VIRT_H
#define VNFCTL_VIRT_H
#include <stddef.h>

struct virt;

/* Connects to uri (read-write).  0 or -EIO. */
int virt_open(struct virt **out, const char *uri, char *err, size_t errlen);
void virt_close(struct virt *v);

/* The inactive (persistent) XML of domain name and its UUID.  With secure, secrets (such as
 * graphics passwords) are included, so that defining it back loses nothing; without, for
 * showing.  The caller frees *xml.  -ENOENT for an unknown domain. */
int virt_domain_xml(struct virt *v, const char *name, int secure, char **xml, char uuid[37],
		    char *err, size_t errlen);
/* Defines xml as domain name's new persistent definition with libvirt's validation, but
 * only if its inactive XML is still `expected` (else -EAGAIN: someone changed it since it was
 * read).  On success *readback is the definition libvirt now holds (caller frees). */
int virt_domain_define(struct virt *v, const char *name, const char *expected, const char *xml,
		       char **readback, char *err, size_t errlen);
/* Defines a new domain from xml (its name taken from it).  -EEXIST if that name is taken. */
int virt_domain_define_new(struct virt *v, const char *name, const char *xml, char *err,
			   size_t errlen);

/* *running: whether domain name runs.  -ENOENT when it is not defined. */
int virt_domain_state(struct virt *v, const char *name, int *running, char *err, size_t errlen);
int virt_domain_start(struct virt *v, const char *name, char *err, size_t errlen);
/* ACPI shutdown, waiting up to wait_ms, then destroy (*forced).  wait_ms 0: destroy at once. */
int virt_domain_stop(struct virt *v, const char *name, int wait_ms, int *forced, char *err,
		     size_t errlen);
/* Undefines a domain that does not run (-EBUSY if it does), with its managed save, snapshot
 * metadata and NVRAM. */
int virt_domain_undefine(struct virt *v, const char *name, char *err, size_t errlen);

/* libvirt's version and the hypervisor's (major * 1000000 + minor * 1000 + micro; 0 when
 * the driver has none). */
int virt_versions(struct virt *v, unsigned long *lib, unsigned long *hv, char *err, size_t errlen);

struct agent;
/* Makes a's transport domain name's guest agent, through libvirt.  -ESRCH if the domain is
 * not running; the agent is reached only by the first command. */
int virt_agent_open(struct virt *v, const char *name, struct agent *a, char *err, size_t errlen);

#endif
