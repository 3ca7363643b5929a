/* VALE control through NIOCCTRL, and netmap's module parameters (see vale.h).
 *
 * What netmap answers, and what we make of it (sys/dev/netmap/netmap_vale.c, netmap_bdg.c):
 *   NEWIF   EEXIST: an interface of that name exists (netmap_vi_create); EINVAL: a name
 *           starting with "vale" or of IFNAMSIZ characters or more
 *   DELIF   ENXIO: no such interface; EINVAL: not a persistent VALE port; EBUSY: attached to
 *           a switch or open (nm_vi_destroy)
 *   ATTACH  EBUSY: already a port of that switch, or owned by a program; EINVAL: no VALE
 *           prefix, or no interface of that name (ATTACH never makes an ephemeral port);
 *           ENOMEM: switch full or no free switch.  A port already on another switch would be
 *           wrapped and attached twice, so we refuse that ourselves, from VALE_LIST.
 *   DETACH  ENXIO: no such switch, or the port is not on it; EBUSY: a NIC with polling
 *           threads
 *   POLLING EOPNOTSUPP: not a NIC (only NICs attached to a switch have a bwrap to poll);
 *           EFAULT: already polling (enable) / not polling (disable); EINVAL: CPUs or rings
 *           out of range (never all CPUs)
 *   LIST    ENOENT past the last port */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef HAVE_NETMAP
#include <net/netmap.h>
#endif
#include "netmap_tune.h"
#include "vale.h"

#ifdef HAVE_NETMAP
_Static_assert(VALE_NAME_MAX == NETMAP_REQ_IFNAMSIZ, "port names are netmap's");
_Static_assert(NETMAP_API == 14, "vale.c speaks netmap API 14");
#endif

/* ---- names ----------------------------------------------------------------------------- */

/* An interface name as Linux takes it (dev_valid_name), minus characters netmap's port
 * syntax gives a meaning: { } pipes, @ options, ^ * suffixes, : switch. */
static int vale_check_ifname(const char *name, const char *what, char *err, size_t errlen)
{
	size_t len = strlen(name);

	if (!len) {
		snprintf(err, errlen, "empty %s", what);
		return -EINVAL;
	}
	if (len > VALE_IFNAME_MAX) {
		snprintf(err, errlen, "%s \"%s\" is longer than %d characters (an interface name)",
			 what, name, VALE_IFNAME_MAX);
		return -EINVAL;
	}
	if (!strcmp(name, ".") || !strcmp(name, "..")) {
		snprintf(err, errlen, "%s \"%s\" is not an interface name", what, name);
		return -EINVAL;
	}
	for (const char *p = name; *p; p++)
		if (!vale_id_char(*p) && *p != '-' && *p != '.') {
			snprintf(err, errlen,
				 "%s \"%s\": '%c' is not allowed (letters, digits, _ - .)", what,
				 name, *p);
			return -EINVAL;
		}
	return 0;
}

int vale_check_name(const char *name, int strict, char *err, size_t errlen)
{
	int ret = vale_check_ifname(name, "port name", err, errlen);

	if (ret || !strict)
		return ret;
	if (!strncmp(name, "vale", 4)) {
		snprintf(err, errlen,
			 "port name \"%s\" starts with \"vale\", which netmap keeps for switch "
			 "names (name the port otherwise, attach it as vale0:NAME)",
			 name);
		return -EINVAL;
	}
	for (const char *p = name; *p; p++)
		if (!vale_id_char(*p)) {
			snprintf(err, errlen,
				 "port name \"%s\": '%c' is not allowed (letters, digits and _)",
				 name, *p);
			return -EINVAL;
		}
	return 0;
}

int vale_check_spec(const char *spec, char *sw, char *port, char *err, size_t errlen)
{
	const char *colon = strchr(spec, ':');
	size_t swlen;

	if (!colon) {
		snprintf(err, errlen, "\"%s\": SWITCH:NAME expected (vale0:v0)", spec);
		return -EINVAL;
	}
	swlen = (size_t)(colon - spec);
	if (swlen < 4 || strncmp(spec, "vale", 4)) {
		snprintf(err, errlen,
			 "\"%s\": a VALE switch name starts with \"vale\" (vale0, vale1, valeA)",
			 spec);
		return -EINVAL;
	}
	if (swlen > VALE_IFNAME_MAX) {
		snprintf(err, errlen, "\"%s\": switch name longer than %d characters", spec,
			 VALE_IFNAME_MAX);
		return -EINVAL;
	}
	for (size_t i = 0; i < swlen; i++)
		if (!vale_id_char(spec[i])) {
			snprintf(err, errlen,
				 "\"%s\": '%c' is not allowed in a switch name (letters, digits "
				 "and _)",
				 spec, spec[i]);
			return -EINVAL;
		}
	if (vale_check_ifname(colon + 1, "port name", err, errlen)) {
		/* name the whole spec too */
		char why[VALE_NAME_MAX * 4];
		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errlen, "\"%s\": %s", spec, why);
		return -EINVAL;
	}
	snprintf(sw, VALE_NAME_MAX, "%.*s", (int)swlen, spec);
	snprintf(port, VALE_NAME_MAX, "%s", colon + 1);
	return 0;
}

/* ---- /dev/netmap ----------------------------------------------------------------------- */

/* The order the user needs: the module first, then the build, then permissions. */
static int vale_open(char *err, size_t errlen)
{
	struct stat st;
	int e;

	if (stat(VALE_DEV, &st)) {
		e = errno;
		if (e == ENOENT)
			snprintf(err, errlen,
				 VALE_MODULE_MISSING " (" VALE_DEV ": %s); load it with `modprobe "
						     "netmap`",
				 strerror(e));
		else
			snprintf(err, errlen, VALE_DEV ": %s", strerror(e));
		return -e;
	}
#ifndef HAVE_NETMAP
	snprintf(err, errlen,
		 "vnfctl was built without netmap headers: rebuild with make "
		 "NETMAP_SRC=/path/to/netmap");
	return -ENOSYS;
#else
	int fd = open(VALE_DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "cannot open " VALE_DEV ": %s%s", strerror(e),
			 e == EACCES || e == EPERM ? " (it needs root)" : "");
		return -e;
	}
	return fd;
#endif
}

int vale_available(char *err, size_t errlen)
{
	int fd = vale_open(err, errlen);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

#ifdef HAVE_NETMAP
/* One NIOCCTRL request on name (in, and out for VALE_LIST). */
static int vale_ctrl(int fd, char name[VALE_NAME_MAX], uint16_t type, void *body)
{
	struct nmreq_header h;
	int ret;

	memset(&h, 0, sizeof(h));
	h.nr_version = NETMAP_API;
	h.nr_reqtype = type;
	memcpy(h.nr_name, name, VALE_NAME_MAX);
	h.nr_name[VALE_NAME_MAX - 1] = '\0';
	h.nr_body = (uintptr_t)body;
	ret = ioctl(fd, NIOCCTRL, &h) ? -errno : 0;
	memcpy(name, h.nr_name, VALE_NAME_MAX);
	return ret;
}

static int vale_info_fd(int fd, const char *name, struct vale_port_info *info)
{
	struct nmreq_port_info_get req;
	char n[VALE_NAME_MAX];
	int ret;

	memset(&req, 0, sizeof(req));
	snprintf(n, sizeof(n), "%s", name);
	ret = vale_ctrl(fd, n, NETMAP_REQ_PORT_INFO_GET, &req);
	if (ret)
		return ret;
	info->tx_rings = req.nr_tx_rings;
	info->rx_rings = req.nr_rx_rings;
	info->tx_slots = req.nr_tx_slots;
	info->rx_slots = req.nr_rx_slots;
	info->mem_id = req.nr_mem_id;
	info->memsize = req.nr_memsize;
	return 0;
}

/* Every switch port, in netmap's order. */
static int vale_list_fd(int fd, struct vale_entry **out, size_t *n)
{
	struct nmreq_vale_list req;
	struct vale_entry *v = NULL, *grown;
	size_t cap = 0;
	char name[VALE_NAME_MAX];
	int ret;

	*n = 0;
	memset(&req, 0, sizeof(req));
	for (;;) {
		memset(name, 0, sizeof(name)); /* empty: enumerate from the indexes */
		ret = vale_ctrl(fd, name, NETMAP_REQ_VALE_LIST, &req);
		if (ret == -ENOENT)
			break;
		if (ret) {
			free(v);
			return ret;
		}
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			grown = realloc(v, cap * sizeof(*v));
			if (!grown) {
				free(v);
				return -ENOMEM;
			}
			v = grown;
		}
		memset(&v[*n], 0, sizeof(v[*n]));
		snprintf(v[*n].name, sizeof(v[*n].name), "%s", name);
		v[*n].bridge_idx = req.nr_bridge_idx;
		v[*n].port_idx = req.nr_port_idx;
		(*n)++;
		req.nr_port_idx++;
	}
	*out = v;
	return 0;
}

/* Splits each name into switch and port; a port netmap renamed to its bare interface name
 * gets the switch of another port with the same bridge index. */
static void vale_resolve(struct vale_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *colon = strchr(v[i].name, ':');
		if (colon) {
			snprintf(v[i].sw, sizeof(v[i].sw), "%.*s", (int)(colon - v[i].name),
				 v[i].name);
			snprintf(v[i].port, sizeof(v[i].port), "%s", colon + 1);
		} else {
			v[i].renamed = 1;
			snprintf(v[i].port, sizeof(v[i].port), "%s", v[i].name);
		}
	}
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; v[i].renamed && !v[i].sw[0] && k < n; k++)
			if (!v[k].renamed && v[k].bridge_idx == v[i].bridge_idx)
				snprintf(v[i].sw, sizeof(v[i].sw), "%s", v[k].sw);
}

/* Where port is attached: sw gets the switch ("" if not attached; "switch #N" when netmap
 * renamed the port and no other port names the switch); *renamed as in vale_entry. */
static void vale_where(int fd, const char *port, char *sw, int *renamed)
{
	struct vale_entry *v = NULL;
	size_t n = 0;

	sw[0] = '\0';
	*renamed = 0;
	if (vale_list_fd(fd, &v, &n))
		return;
	vale_resolve(v, n);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].port, port))
			continue;
		if (v[i].sw[0])
			snprintf(sw, VALE_NAME_MAX, "%s", v[i].sw);
		else
			snprintf(sw, VALE_NAME_MAX, "switch #%u", v[i].bridge_idx);
		*renamed = v[i].renamed;
		break;
	}
	free(v);
}

#define VALE_RENAMED_WHY                                                                           \
	"netmap renamed it to \"%s\" when a program opened it and no longer finds %s:%s to "       \
	"detach (a netmap bug, luigirizzo/netmap issue 882): it stays attached until the netmap "  \
	"module is reloaded"
#endif

int vale_create(const char *name, unsigned rings, unsigned slots, unsigned long extra_bufs,
		struct vale_port_info *info, unsigned long *buf_num_set, char *err, size_t errlen)
{
	int fd, ret = vale_check_name(name, 1, err, errlen);

	if (buf_num_set)
		*buf_num_set = 0;
	memset(info, 0, sizeof(*info));
	if (ret)
		return ret;
	fd = vale_open(err, errlen);
	if (fd < 0)
		return fd;
#ifdef HAVE_NETMAP
	struct nmreq_vale_newif req;
	unsigned long old = 0, need = 0;
	char n[VALE_NAME_MAX], perr[256];
	int raised = 0;

	err[0] = '\0';
	if (extra_bufs) {
		need = netmap_tune_vale_bufs(rings, slots, extra_bufs);
		ret = vale_param_get("priv_buf_num", &old, perr, sizeof(perr));
		if (!ret && old < need) {
			ret = vale_param_set("priv_buf_num", need, perr, sizeof(perr));
			raised = !ret;
		}
		if (ret) {
			snprintf(err, errlen, "--extra-bufs needs priv_buf_num %lu: %s", need,
				 perr);
			goto close_fd;
		}
		if (buf_num_set)
			*buf_num_set = old < need ? need : old;
	}
	memset(&req, 0, sizeof(req));
	req.nr_tx_rings = req.nr_rx_rings = (uint16_t)rings;
	req.nr_tx_slots = req.nr_rx_slots = slots;
	snprintf(n, sizeof(n), "%s", name);
	ret = vale_ctrl(fd, n, NETMAP_REQ_VALE_NEWIF, &req);
	if (raised && vale_param_set("priv_buf_num", old, perr, sizeof(perr)) && !ret)
		snprintf(err, errlen, "warning: priv_buf_num stays %lu, not put back to %lu: %s",
			 need, old, perr);
	switch (ret) {
	case 0:
		info->tx_rings = req.nr_tx_rings;
		info->rx_rings = req.nr_rx_rings;
		info->tx_slots = req.nr_tx_slots;
		info->rx_slots = req.nr_rx_slots;
		info->mem_id = req.nr_mem_id;
		vale_info_fd(fd, name, info); /* adds the memory size */
		break;
	case -EEXIST:
		snprintf(err, errlen,
			 "an interface named %s exists already (vnfctl vale delete %s removes a "
			 "VALE port)",
			 name, name);
		break;
	case -ENOMEM:
		snprintf(err, errlen, "netmap has no memory for its rings: %s", strerror(-ret));
		break;
	default:
		snprintf(err, errlen, "netmap refused it: %s", strerror(-ret));
	}
close_fd:
	close(fd);
	return ret;
#else
	(void)rings, (void)slots, (void)extra_bufs;
	return -ENOSYS;
#endif
}

int vale_delete(const char *name, char *err, size_t errlen)
{
	int fd, ret = vale_check_name(name, 0, err, errlen);

	if (ret)
		return ret;
	fd = vale_open(err, errlen);
	if (fd < 0)
		return fd;
#ifdef HAVE_NETMAP
	char n[VALE_NAME_MAX], sw[VALE_NAME_MAX];
	int renamed;

	snprintf(n, sizeof(n), "%s", name);
	ret = vale_ctrl(fd, n, NETMAP_REQ_VALE_DELIF, NULL);
	switch (ret) {
	case 0:
		break;
	case -ENXIO:
		snprintf(err, errlen, "no such interface");
		break;
	case -EINVAL:
		snprintf(err, errlen,
			 "not a persistent VALE port (only ports made by vnfctl vale create or "
			 "vale-ctl -n can be deleted)");
		break;
	case -EBUSY:
		vale_where(fd, name, sw, &renamed);
		if (*sw && renamed)
			snprintf(err, errlen, "attached to %s; " VALE_RENAMED_WHY, sw, name,
				 strncmp(sw, "switch #", 8) ? sw : "SWITCH", name);
		else if (*sw)
			snprintf(err, errlen, "attached to %s: vnfctl vale detach %s:%s first", sw,
				 sw, name);
		else
			snprintf(err, errlen, "in use: a program has it open");
		break;
	default:
		snprintf(err, errlen, "%s", strerror(-ret));
	}
	close(fd);
	return ret;
#else
	return -ENOSYS;
#endif
}

int vale_attach(const char *spec, int host, unsigned *port_index, char *err, size_t errlen)
{
	char sw[VALE_NAME_MAX], port[VALE_NAME_MAX];
	int fd, ret = vale_check_spec(spec, sw, port, err, errlen);

	*port_index = 0;
	if (ret)
		return ret;
	fd = vale_open(err, errlen);
	if (fd < 0)
		return fd;
#ifdef HAVE_NETMAP
	struct nmreq_vale_attach req;
	char n[VALE_NAME_MAX], where[VALE_NAME_MAX];
	int renamed;

	if (!if_nametoindex(port)) {
		snprintf(err, errlen,
			 "no interface %s (vnfctl vale create %s makes a VALE port; or name a "
			 "NIC)",
			 port, port);
		ret = -ENODEV;
		goto close_fd;
	}
	vale_where(fd, port, where, &renamed);
	if (*where) {
		if (renamed)
			snprintf(err, errlen, "%s is attached to %s already; " VALE_RENAMED_WHY,
				 port, where, port,
				 strncmp(where, "switch #", 8) ? where : "SWITCH", port);
		else if (!strcmp(where, sw))
			snprintf(err, errlen, "%s is attached to %s already", port, sw);
		else
			snprintf(err, errlen,
				 "%s is attached to %s already (vnfctl vale detach %s:%s first)",
				 port, where, where, port);
		ret = -EBUSY;
		goto close_fd;
	}
	memset(&req, 0, sizeof(req));
	req.reg.nr_mode = host ? NR_REG_NIC_SW : NR_REG_ALL_NIC;
	snprintf(n, sizeof(n), "%s", spec);
	ret = vale_ctrl(fd, n, NETMAP_REQ_VALE_ATTACH, &req);
	switch (ret) {
	case 0:
		*port_index = req.port_index;
		break;
	case -EBUSY:
		snprintf(err, errlen, "%s is busy: a program has it open in netmap mode", port);
		break;
	case -ENOMEM:
		snprintf(err, errlen,
			 "the switch is full, or no VALE switch is free, or netmap is out of "
			 "memory");
		break;
	case -EACCES:
		snprintf(err, errlen, "%s belongs to a kernel module (permission denied)", sw);
		break;
	default:
		snprintf(err, errlen, "netmap refused it: %s", strerror(-ret));
	}
close_fd:
	close(fd);
	return ret;
#else
	(void)host;
	return -ENOSYS;
#endif
}

int vale_detach(const char *spec, unsigned *port_index, char *err, size_t errlen)
{
	char sw[VALE_NAME_MAX], port[VALE_NAME_MAX];
	int fd, ret = vale_check_spec(spec, sw, port, err, errlen);

	*port_index = 0;
	if (ret)
		return ret;
	fd = vale_open(err, errlen);
	if (fd < 0)
		return fd;
#ifdef HAVE_NETMAP
	struct nmreq_vale_detach req;
	char n[VALE_NAME_MAX], where[VALE_NAME_MAX];
	int renamed;

	memset(&req, 0, sizeof(req));
	snprintf(n, sizeof(n), "%s", spec);
	ret = vale_ctrl(fd, n, NETMAP_REQ_VALE_DETACH, &req);
	switch (ret) {
	case 0:
		*port_index = req.port_index;
		break;
	case -ENXIO:
		vale_where(fd, port, where, &renamed);
		if (*where && renamed)
			snprintf(err, errlen, "%s is attached to %s, but " VALE_RENAMED_WHY, port,
				 where, port, sw, port);
		else if (*where)
			snprintf(err, errlen, "%s is not attached to %s (it is attached to %s)",
				 port, sw, where);
		else
			snprintf(err, errlen, "%s is not attached to %s", port, sw);
		break;
	case -EBUSY:
		snprintf(err, errlen,
			 "busy: polling threads run on it (vnfctl vale poll off %s first)", spec);
		break;
	case -EINVAL:
		snprintf(err, errlen, "not a VALE switch port");
		break;
	default:
		snprintf(err, errlen, "%s", strerror(-ret));
	}
	close(fd);
	return ret;
#else
	return -ENOSYS;
#endif
}

int vale_list(struct vale_entry **out, size_t *n, char *err, size_t errlen)
{
	int fd = vale_open(err, errlen), ret;

	*out = NULL;
	*n = 0;
	if (fd < 0)
		return fd;
#ifdef HAVE_NETMAP
	ret = vale_list_fd(fd, out, n);
	if (ret)
		snprintf(err, errlen, "%s", strerror(-ret));
	else
		vale_resolve(*out, *n);
	for (size_t i = 0; !ret && i < *n; i++) {
		struct vale_entry *e = &(*out)[i];
		size_t len = strlen(e->name);
		char dev[VALE_NAME_MAX + 32];
		/* a NIC's host stack (NAME^) has no port of its own to ask about */
		if (!len || e->name[len - 1] == '^')
			continue;
		/* Asking about a persistent VALE port makes netmap rename it (see vale_entry),
		 * after which it cannot be detached: ask only about ephemeral ports, NICs (an
		 * interface with a device) and ports renamed already. */
		snprintf(dev, sizeof(dev), "/sys/class/net/%s/device", e->port);
		if (!e->renamed && if_nametoindex(e->port) && access(dev, F_OK))
			continue;
		e->has_info = !vale_info_fd(fd, e->name, &e->info);
	}
	close(fd);
	return ret;
#else
	(void)ret;
	return -ENOSYS;
#endif
}

int vale_port_info(const char *name, struct vale_port_info *info, char *err, size_t errlen)
{
	int fd = vale_open(err, errlen), ret;

	memset(info, 0, sizeof(*info));
	if (fd < 0)
		return fd;
#ifdef HAVE_NETMAP
	ret = vale_info_fd(fd, name, info);
	if (ret)
		snprintf(err, errlen, "%s", strerror(-ret));
	close(fd);
	return ret;
#else
	(void)name, (void)ret;
	return -ENOSYS;
#endif
}

int vale_poll(const char *spec, int on, unsigned first, unsigned ncpus, char *err, size_t errlen)
{
	char sw[VALE_NAME_MAX], port[VALE_NAME_MAX];
	int fd, ret = vale_check_spec(spec, sw, port, err, errlen);

	if (ret)
		return ret;
	fd = vale_open(err, errlen);
	if (fd < 0)
		return fd;
#ifdef HAVE_NETMAP
	struct nmreq_vale_polling req;
	char n[VALE_NAME_MAX];

	memset(&req, 0, sizeof(req));
	if (on) {
		req.nr_mode =
			ncpus > 1 ? NETMAP_POLLING_MODE_MULTI_CPU : NETMAP_POLLING_MODE_SINGLE_CPU;
		req.nr_first_cpu_id = first;
		req.nr_num_polling_cpus = ncpus;
	}
	snprintf(n, sizeof(n), "%s", spec);
	ret = vale_ctrl(
		fd, n, on ? NETMAP_REQ_VALE_POLLING_ENABLE : NETMAP_REQ_VALE_POLLING_DISABLE, &req);
	switch (ret) {
	case 0:
		break;
	case -ENXIO:
		snprintf(err, errlen, "%s is not attached to %s", port, sw);
		break;
	case -EOPNOTSUPP:
		snprintf(err, errlen,
			 "polling threads serve NICs attached to a switch; %s is a VALE port",
			 port);
		break;
	case -EFAULT:
		if (on)
			snprintf(err, errlen, "already polled (vnfctl vale poll off %s first)",
				 spec);
		else
			snprintf(err, errlen, "not being polled");
		break;
	case -EINVAL:
		if (ncpus > 1)
			snprintf(err, errlen,
				 "netmap refused rings and CPUs %u..%u: the NIC must have those "
				 "rings, and netmap never takes all CPUs",
				 first, first + ncpus - 1);
		else
			snprintf(err, errlen,
				 "netmap refused CPU %u (it never takes all CPUs, so one polling "
				 "thread needs two or more)",
				 first);
		break;
	default:
		snprintf(err, errlen, "%s", strerror(-ret));
	}
	close(fd);
	return ret;
#else
	(void)on, (void)first, (void)ncpus;
	return -ENOSYS;
#endif
}

/* ---- module parameters ----------------------------------------------------------------- */

const char *vale_params_dir(void)
{
	const char *d = getenv("VNFCTL_NETMAP_PARAMS");

	return d && *d ? d : VALE_PARAMS_DIR;
}

int vale_params_present(char *err, size_t errlen)
{
	struct stat st;
	int e;

	if (stat(vale_params_dir(), &st) == 0)
		return 0;
	e = errno;
	if (e == ENOENT)
		snprintf(err, errlen,
			 VALE_MODULE_MISSING " (%s: %s); load it with `modprobe netmap`",
			 vale_params_dir(), strerror(e));
	else
		snprintf(err, errlen, "%s: %s", vale_params_dir(), strerror(e));
	return -e;
}

int vale_param_get(const char *name, unsigned long *value, char *err, size_t errlen)
{
	char path[512], buf[64], *end;
	ssize_t len;
	int fd, e;

	snprintf(path, sizeof(path), "%s/%s", vale_params_dir(), name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	len = read(fd, buf, sizeof(buf) - 1);
	e = errno;
	close(fd);
	if (len < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	buf[len] = '\0';
	errno = 0;
	*value = strtoul(buf, &end, 10);
	if (end == buf || errno || (*end && *end != '\n')) {
		snprintf(err, errlen, "%s: not a number: \"%.20s\"", path, buf);
		return -EINVAL;
	}
	return 0;
}

int vale_param_set(const char *name, unsigned long value, char *err, size_t errlen)
{
	char path[512], buf[32];
	unsigned long back;
	int fd, e, len, ret;

	snprintf(path, sizeof(path), "%s/%s", vale_params_dir(), name);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "%s: %s%s", path, strerror(e),
			 e == EACCES || e == EPERM ? " (module parameters need root)" : "");
		return -e;
	}
	len = snprintf(buf, sizeof(buf), "%lu\n", value);
	errno = EIO; /* a short write sets none */
	ret = write(fd, buf, (size_t)len) == len ? 0 : -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (ret) {
		snprintf(err, errlen, "%s: cannot write %lu: %s", path, value, strerror(-ret));
		return ret;
	}
	ret = vale_param_get(name, &back, err, errlen);
	if (ret)
		return ret;
	if (back != value) {
		snprintf(err, errlen, "%s: wrote %lu, reads back %lu", path, value, back);
		return -EIO;
	}
	return 0;
}
