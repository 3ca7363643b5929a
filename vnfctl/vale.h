/* VALE switches and netmap's module parameters, through netmap's control ioctl: every
 * operation is one ioctl(/dev/netmap, NIOCCTRL, struct nmreq_header) with nr_reqtype
 * NETMAP_REQ_VALE_* or NETMAP_REQ_PORT_INFO_GET (netmap API 14).  No vale-ctl, no libnetmap.
 *
 * netmap's headers are not packaged: the ioctls are compiled with HAVE_NETMAP (make
 * NETMAP_SRC=/path/to/netmap).  Without them every operation still checks /dev/netmap first,
 * so a host without the module hears that, and a host with it hears how to rebuild.
 *
 * Library code: 0 or -errno, a message in err (the reason only; the caller names the object
 * and the action).  Nothing here prints. */
#ifndef VNFCTL_VALE_H
#define VNFCTL_VALE_H
#include <stddef.h>

#define VALE_DEV	    "/dev/netmap"
#define VALE_PARAMS_DIR	    "/sys/module/netmap/parameters" /* $VNFCTL_NETMAP_PARAMS */
#define VALE_NAME_MAX	    64				    /* NETMAP_REQ_IFNAMSIZ */
#define VALE_IFNAME_MAX	    15				    /* IFNAMSIZ - 1 */
#define VALE_RINGS_MAX	    16				    /* NM_BDG_MAXRINGS */
#define VALE_SLOTS_MAX	    4096			    /* NM_BDG_MAXSLOTS */
#define VALE_SLOTS_DEFAULT  1024			    /* NM_BRIDGE_RINGSIZE */
#define VALE_EXTRA_BUFS_MAX (128 * 4096)		    /* netmap clamps above */
#define VALE_MODULE_MISSING "netmap module is not loaded"

/* ---- names (pure) ---------------------------------------------------------------------- */

/* A character netmap takes in switch names (nm_is_id_char): letters, digits, _. */
static inline int vale_id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

/* A persistent VALE port's own name (vale create): 1..15 of [A-Za-z0-9_], not starting with
 * "vale" (netmap refuses that: the prefix names switches).  strict = 0 (vale delete) accepts
 * any interface name, since vale-ctl may have made others. */
int vale_check_name(const char *name, int strict, char *err, size_t errlen);
/* SWITCH:NAME: a switch "vale" + [A-Za-z0-9_]* of at most 15 characters (netmap's
 * nm_bdg_name_validate), then an interface name.  sw and port (VALE_NAME_MAX each) get the
 * two parts. */
int vale_check_spec(const char *spec, char *sw, char *port, char *err, size_t errlen);

/* ---- the switch ------------------------------------------------------------------------ */

struct vale_port_info {
	unsigned tx_rings, rx_rings, tx_slots, rx_slots;
	unsigned mem_id;	    /* netmap's memory allocator */
	unsigned long long memsize; /* bytes of that allocator */
};

/* 0 when /dev/netmap exists and the ioctls are compiled in; -ENOENT (module not loaded),
 * -ENOSYS (built without netmap headers) or another -errno otherwise. */
int vale_available(char *err, size_t errlen);

/* NETMAP_REQ_VALE_NEWIF: a persistent VALE port (an interface named name, outliving the
 * process), rings ring pairs of slots slots (0: netmap's defaults, 1 and 1024).  NEWIF has no
 * extra-buffer field: with extra_bufs, priv_buf_num is raised for the creation so that the
 * port's private memory holds extra_bufs more buffers, then put back; *buf_num_set (may be
 * NULL) gets the value used, or 0 when none was needed.  info gets what netmap made. */
int vale_create(const char *name, unsigned rings, unsigned slots, unsigned long extra_bufs,
		struct vale_port_info *info, unsigned long *buf_num_set, char *err, size_t errlen);
/* NETMAP_REQ_VALE_DELIF. */
int vale_delete(const char *name, char *err, size_t errlen);
/* NETMAP_REQ_VALE_ATTACH of SWITCH:NAME: NAME is a persistent VALE port or a NIC (host: its
 * host stack too, NR_REG_NIC_SW).  Refuses a port attached anywhere already.  *port_index
 * gets the switch port. */
int vale_attach(const char *spec, int host, unsigned *port_index, char *err, size_t errlen);
/* NETMAP_REQ_VALE_DETACH. */
int vale_detach(const char *spec, unsigned *port_index, char *err, size_t errlen);

struct vale_entry {
	char name[VALE_NAME_MAX]; /* SWITCH:PORT as netmap names it (a NIC's host stack: ^) */
	char sw[VALE_NAME_MAX];	  /* the switch ("" if unknown), and the port */
	char port[VALE_NAME_MAX];
	/* netmap renamed the port to its bare interface name when a program opened it
	 * (netmap_update_config), and DETACH no longer finds SWITCH:PORT (luigirizzo/netmap
	 * issue 882): the switch comes from another port of the same bridge index, if any */
	int renamed;
	unsigned bridge_idx, port_idx;
	int has_info; /* info read with PORT_INFO_GET */
	struct vale_port_info info;
};
/* NETMAP_REQ_VALE_LIST over every switch; *out (free it) gets *n entries. */
int vale_list(struct vale_entry **out, size_t *n, char *err, size_t errlen);
/* NETMAP_REQ_PORT_INFO_GET of a port (an interface name, or SWITCH:NAME). */
int vale_port_info(const char *name, struct vale_port_info *info, char *err, size_t errlen);
/* NETMAP_REQ_VALE_POLLING_ENABLE (on) / _DISABLE: kernel threads polling a NIC attached to a
 * switch.  ncpus 1: one thread on CPU first polls every ring; ncpus > 1: rings first ..
 * first+ncpus-1, one thread each on the CPU of the same number. */
int vale_poll(const char *spec, int on, unsigned first, unsigned ncpus, char *err, size_t errlen);

/* ---- module parameters ----------------------------------------------------------------- */

/* $VNFCTL_NETMAP_PARAMS or VALE_PARAMS_DIR. */
const char *vale_params_dir(void);
/* 0 when the parameter directory exists (the module is loaded); -errno otherwise. */
int vale_params_present(char *err, size_t errlen);
int vale_param_get(const char *name, unsigned long *value, char *err, size_t errlen);
/* Writes and reads back. */
int vale_param_set(const char *name, unsigned long value, char *err, size_t errlen);

#endif
