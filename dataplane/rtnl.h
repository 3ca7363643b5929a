/* The few rtnetlink requests vnfctl nic setup needs: an IPv4 address on an interface, and
 * the interface up or down.  0 or -errno (the kernel's answer). */
#ifndef VNF_RTNL_H
#define VNF_RTNL_H
#include <stdint.h>

/* ip: network order.  add 1: RTM_NEWADDR (EEXIST if there), 0: RTM_DELADDR. */
int rtnl_addr(unsigned ifindex, const uint8_t ip[4], uint8_t prefix_len, int add);
/* 1 if ip/prefix_len is on the interface, 0 if not, -errno. */
int rtnl_addr_has(unsigned ifindex, const uint8_t ip[4], uint8_t prefix_len);
int rtnl_link_up(unsigned ifindex, int up);
/* 1 up (IFF_UP), 0 down, -errno. */
int rtnl_link_is_up(const char *ifname);

#endif
