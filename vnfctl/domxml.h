/* Domain XML transforms: give a libvirt domain a fast vNIC and take it away again.  Pure
 * functions over libxml2 trees: no libvirt, no files, no printing.
 *
 * What attach adds it records in the domain's <metadata> under its own namespace
 * (DOMXML_NS), so detach removes exactly that and restores what attach replaced:
 *   ptnet    <qemu:commandline> arguments -device ptnet-pci,mac=M,netdev=ID and
 *            -netdev netmap,ifname=PORT,passthrough=on,id=ID (the qemu namespace found by its
 *            URI, whatever its prefix; declared when missing), and optionally the emulator,
 *            machine type and CPU model the netmap QEMU needs;
 *   virtio   a stock <interface> (type ethernet/bridge/network) with model virtio and
 *            <driver queues='N'/>;
 *   hostdev  <interface type='hostdev' managed='yes'> with the VF's PCI address.
 * Every vNIC gets the guest-agent channel org.qemu.guest_agent.0 if the domain lacks one.
 * Attaching the same vNIC again changes nothing; whitespace, comments and foreign metadata
 * outside the edit are left as they are. */
#ifndef VNFCTL_DOMXML_H
#define VNFCTL_DOMXML_H
#include <stddef.h>
#include <libxml/tree.h>

#define DOMXML_NS	 "https://vnfctl.dev/xmlns/domain/1"
#define DOMXML_QEMU_NS	 "http://libvirt.org/schemas/domain/qemu/1.0"
#define DOMXML_AGENT	 "org.qemu.guest_agent.0"
#define DOMXML_ID_MAX	 32 /* with the NUL */
#define DOMXML_PORT_MAX	 64 /* netmap's NETMAP_REQ_IFNAMSIZ, with the NUL */
#define DOMXML_NAME_MAX	 256
#define DOMXML_VNICS_MAX 64

enum domxml_vnic { DOMXML_VNIC_PTNET = 0, DOMXML_VNIC_VIRTIO, DOMXML_VNIC_HOSTDEV };
enum domxml_source { DOMXML_SRC_TAP = 0, DOMXML_SRC_BRIDGE, DOMXML_SRC_NETWORK };

struct domxml_vnic_spec {
	enum domxml_vnic kind;
	char id[DOMXML_ID_MAX]; /* "" at attach: the first free "vnfN" */
	char mac[18];		/* "" at attach: derived from the domain's uuid (or name) and id */
	char port[2 * DOMXML_PORT_MAX]; /* ptnet: valeX:Y or netmap:IFACE (checked: < 64) */
	enum domxml_source source;	/* virtio */
	char source_name[DOMXML_NAME_MAX];
	unsigned queues; /* virtio: 0 = libvirt's default (1) */
	char pci[16];	 /* hostdev: DDDD:BB:SS.F */
};

struct domxml_attach_opts {
	struct domxml_vnic_spec vnic;
	/* ptnet: replacements for what the netmap QEMU needs; NULL keeps the domain's. */
	const char *emulator, *machine, *cpu_model;
};

/* Parses domain XML from memory without network access or entity expansion.  NULL with err
 * on failure (the first libxml2 message, with its line). */
xmlDocPtr domxml_parse(const char *xml, size_t len, char *err, size_t errlen);
/* The document as text (caller frees with xmlFree), NULL if out of memory. */
char *domxml_dump(xmlDocPtr doc, int *len);

/* 0; -EINVAL with err naming the bad value (id, MAC, port, PCI address, a clash with what
 * the domain already has); -ENOMEM.  On error the document is unchanged. */
int domxml_attach(xmlDocPtr doc, const struct domxml_attach_opts *o, char *err, size_t errlen);
/* Removes the vNIC id (NULL: all of vnfctl's) and, with the last one, everything attach added
 * around them, restoring what it replaced.  0; -ENOENT (no such vNIC); -EINVAL (a record that
 * does not match the domain: err says what).  On error the document is unchanged. */
int domxml_detach(xmlDocPtr doc, const char *id, char *err, size_t errlen);
/* The vNICs vnfctl manages in doc: up to max into out; returns how many there are, or -EINVAL
 * for a malformed record. */
int domxml_list(xmlDocPtr doc, struct domxml_vnic_spec *out, unsigned max, char *err,
		size_t errlen);

/* What `vnfctl domain new` changes in a template. */
struct domxml_new_opts {
	const char *name;		       /* required */
	unsigned memory_mib;		       /* 0: the template's */
	unsigned vcpus;			       /* 0: the template's */
	const char *disk;		       /* the first disk's source file; "none": no disks */
	const char *accel;		       /* "kvm" or "tcg" (QEMU emulation); NULL: the template's */
	const char *bridge;		       /* for the template's virtio vNICs on a bridge */
	const char *kernel, *initrd, *cmdline; /* direct kernel boot */
	const char *port; /* the template's one ptnet vNIC goes to this netmap port */
};

/* Makes a template a new domain: its name (the UUID goes, libvirt picks one), the options
 * given, and new MACs for vnfctl's vNICs, derived from the new name.  0 or -EINVAL with err;
 * on error the document is unchanged. */
int domxml_instantiate(xmlDocPtr doc, const struct domxml_new_opts *o, char *err, size_t errlen);

/* The document as text with what libvirt only shows with VIR_DOMAIN_XML_SECURE left out
 * (passwd attributes: the graphics' passwords), for showing (caller frees with xmlFree). */
char *domxml_dump_public(xmlDocPtr doc);

/* Checks one value the way attach would; 0 or -EINVAL with err. */
int domxml_check_mac(const char *mac, char *err, size_t errlen);
int domxml_check_port(const char *port, char *err, size_t errlen);
int domxml_check_id(const char *id, char *err, size_t errlen);
int domxml_check_pci(const char *pci, char *err, size_t errlen);

const char *domxml_vnic_name(enum domxml_vnic k);
const char *domxml_source_name(enum domxml_source s);

#endif
