/* Checks a kernel interface before a backend binds to it, so that every way it can be unusable
 * is one clear line naming the interface and the cause, not a bare errno from a later bind. */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "io_iface.h"

int io_iface_check(const char *name, struct io_iface *out, char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd = -1, ret = 0;

	memset(out, 0, sizeof(*out));
	if (strlen(name) >= IFNAMSIZ) {
		snprintf(err, errlen, "%s: not an interface name (at most %d characters)", name,
			 IFNAMSIZ - 1);
		return -EINVAL;
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot open a control socket: %s", name,
			 strerror(errno));
		goto out;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		ret = -errno;
		if (errno == ENODEV)
			snprintf(err, errlen, "%s: no such interface", name);
		else
			snprintf(err, errlen, "%s: cannot look up the interface: %s", name,
				 strerror(errno));
		goto out;
	}
	out->ifindex = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: cannot read the interface flags: %s", name,
			 strerror(errno));
		goto out;
	}
	/* A port that is down or has no carrier delivers nothing; starting anyway would look like
	 * a dataplane that silently receives no traffic. */
	if (!(ifr.ifr_flags & IFF_UP)) {
		ret = -ENETDOWN;
		snprintf(err, errlen, "%s: interface is down (bring it up: ip link set %s up)",
			 name, name);
		goto out;
	}
	if (!(ifr.ifr_flags & IFF_RUNNING)) {
		ret = -ENETDOWN;
		snprintf(err, errlen, "%s: link is down (no carrier)", name);
		goto out;
	}
	if (ioctl(fd, SIOCGIFMTU, &ifr) == 0)
		out->mtu = (unsigned)ifr.ifr_mtu;
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0)
		memcpy(out->mac, ifr.ifr_hwaddr.sa_data, 6);
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	ifr.ifr_data = (void *)&info;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0)
		snprintf(out->driver, sizeof(out->driver), "%s", info.driver);
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	ifr.ifr_data = (void *)&ch;
	if (ioctl(fd, SIOCETHTOOL, &ifr) == 0)
		out->rx_queues = ch.rx_count + ch.combined_count;
	snprintf(out->name, sizeof(out->name), "%s", name);
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

void io_iface_errno_msg(const char *name, const char *what, int e, char *err, size_t errlen)
{
	if (e == EPERM || e == EACCES)
		snprintf(err, errlen, "%s: %s: permission denied (%s)", name, what,
			 strstr(what, "XDP")
				 ? "AF_XDP needs root, or CAP_NET_ADMIN, CAP_NET_RAW and "
				   "CAP_BPF"
				 : "AF_PACKET needs root or CAP_NET_RAW");
	else
		snprintf(err, errlen, "%s: %s: %s", name, what, strerror(e));
}
