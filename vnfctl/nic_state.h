/* A NIC's settings as vnfctl nic setup changes them: read, applied, saved (the original, so
 * that nic restore can put it back) and loaded again. */
#ifndef VNFCTL_NIC_STATE_H
#define VNFCTL_NIC_STATE_H
#include <stddef.h>
#include "../dataplane/ethtool.h"
#include "../dataplane/rtnl.h"

#define NIC_ADDRS_MAX 16

/* "a.b.c.d/len": 0 or -EINVAL. */
int nic_parse_cidr(const char *s, uint8_t ip[4], uint8_t *len);

struct nic_state {
	int has_ch, has_rings, has_rss, has_fh[ETH_FLOW_MAX], has_off;
	struct eth_channels ch;
	struct eth_rings rings;
	struct eth_rss rss;
	uint64_t fh[ETH_FLOW_MAX];
	struct eth_offloads off;
	int has_up, up; /* the link's administrative state */
	/* Kept state only: the IPv4 addresses nic setup added, which nic restore removes. */
	unsigned n_added;
	struct nic_addr {
		uint8_t ip[4]; /* network order */
		uint8_t len;
	} added[NIC_ADDRS_MAX];
};

/* Reads what the driver reports; a part it lacks is left out (has_* 0). */
void nic_state_read(const char *ifname, struct nic_state *s);
/* Applies the parts of want that are present, in the order the kernel needs (queues, rings,
 * RSS, flow hash, offloads), and checks each by reading it back.  0, or -errno with err
 * naming the part; then the parts already applied are as want says, the rest untouched. */
int nic_state_apply(const char *ifname, const struct nic_state *want, char *err, size_t errlen);
/* JSON text of s (caller frees) / s from JSON text: 0 or -EINVAL. */
char *nic_state_to_json(const struct nic_state *s);
int nic_state_from_json(const char *text, struct nic_state *s);

#endif
