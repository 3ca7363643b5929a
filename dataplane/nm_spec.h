/* netmap port specs ("netmap:eth0-2", "vale0:p{1", "vale0:p@conf:rings=2"), parsed without
 * netmap's headers so that the parser is built and tested everywhere, with or without netmap. */
#ifndef VNF_NM_SPEC_H
#define VNF_NM_SPEC_H
#include <stddef.h>
#include <stdint.h>

#define NM_SPEC_NAME_MAX    64	   /* NETMAP_REQ_IFNAMSIZ in netmap API 14 */
#define NM_SPEC_VALE_PREFIX "vale" /* NM_BDG_NAME: ports of a VALE switch */
#define NM_SPEC_RING_MAX    0x0fff /* NETMAP_RING_MASK: ring numbers are below it */

/* What a port spec asks for, after taking its suffixes off. */
struct nm_spec {
	char name[NM_SPEC_NAME_MAX]; /* as the kernel wants it: "eth0", "vale0:p", "vale0:x{1" */
	int ring;		     /* "-N": this ring pair only; -1 = all */
	uint16_t tx_rings, rx_rings; /* "@conf:": sizes for a port created now; 0 = default */
	uint32_t tx_slots, rx_slots;
};

/* Splits SPEC into the kernel's port name and our options.  On error returns -EINVAL and
 * writes "SPEC: problem (accepted forms)" into err. */
int nm_spec_parse(const char *spec, struct nm_spec *s, char *err, size_t errlen);

#endif
