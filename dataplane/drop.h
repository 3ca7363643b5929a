/* Named drop reasons.  Every dropped packet bumps exactly one of these counters; the names
 * are what users see in statistics (DPDK xstats style: where_what). */
#ifndef VNF_DROP_H
#define VNF_DROP_H

// clang-format off (one reason per line, comments aligned by hand)
#define DROP_REASONS(X)                                                                            \
	X(ETH_RUNT, "eth_runt")			/* frame < 14 bytes */                             \
	X(ETH_GIANT, "eth_giant")		/* frame > 65535 bytes: pkt_meta is 16-bit */      \
	X(VLAN_TRUNCATED, "vlan_truncated")	/* tag header cut by end of frame */               \
	X(VLAN_TOO_DEEP, "vlan_too_deep")	/* more than 2 stacked tags */                     \
	X(ARP_TRUNCATED, "arp_truncated")	/* ARP payload < 28 bytes */                       \
	X(ARP_BAD_FORMAT, "arp_bad_format")	/* htype/ptype/hlen/plen not Ethernet/IPv4 */      \
	X(IPV4_TRUNCATED, "ipv4_truncated")	/* < 20 bytes of IPv4 header in frame */           \
	X(IPV4_BAD_VERSION, "ipv4_bad_version") /* version != 4 under ethertype 0x0800 */          \
	X(IPV4_BAD_IHL, "ipv4_bad_ihl")		/* IHL < 5, or options cut by frame */             \
	X(IPV4_BAD_TOTLEN, "ipv4_bad_totlen")	/* total length < IHL*4 */                         \
	X(IPV4_TOTLEN_OVER_FRAME, "ipv4_totlen_over_frame") /* total length > bytes present */     \
	X(IPV6_TRUNCATED, "ipv6_truncated")		    /* < 40 bytes of IPv6 header */        \
	X(IPV6_BAD_VERSION, "ipv6_bad_version")                                                    \
	X(IPV6_PAYLEN_OVER_FRAME, "ipv6_paylen_over_frame")                                        \
	X(IPV6_EXT_TRUNCATED, "ipv6_ext_truncated") /* extension header cut by payload end */      \
	X(IPV6_EXT_LIMIT, "ipv6_ext_limit")	    /* too many extension headers */               \
	X(TCP_TRUNCATED, "tcp_truncated")	    /* < 20 bytes of TCP header */                 \
	X(TCP_BAD_DOFF, "tcp_bad_doff")		    /* data offset < 5 or past the IP payload */   \
	X(UDP_TRUNCATED, "udp_truncated")	    /* < 8 bytes of UDP header */                  \
	X(UDP_BAD_LEN, "udp_bad_len")		    /* UDP length < 8 or > IP payload */           \
	X(WORKER_RING_FULL, "worker_ring_full")	    /* worker ring and its overflow queue full */  \
	X(TX_RING_FULL, "tx_ring_full")		    /* worker -> TX ring full at shutdown */       \
	X(TX_PORT_FULL, "tx_port_full")		    /* backend refused the frame after retries */  \
	X(APP_DROP, "app_drop")			    /* the app chose to drop */                    \
	X(ICMP_UNANSWERED, "icmp_unanswered")	    /* echo request to us we must not answer */    \
	X(ARP_QUEUE_FULL, "arp_queue_full")	    /* rtc: for worker 0 (ARP), its queue full */  \
	X(ARP_HOLD_FULL, "arp_hold_full")     /* next hop unresolved, DIST_ARP_HOLD_MAX held */    \
	X(ARP_REFUSED, "arp_refused")	      /* ARP would not hold it (see the arp counters) */   \
	X(ARP_UNRESOLVED, "arp_unresolved")   /* next hop never answered, or no addrs / stop */    \
	X(ROUTER_NOT_IPV4, "router_not_ipv4") /* router: not an IPv4 packet */                     \
	X(IPV4_BAD_CHECKSUM, "ipv4_bad_checksum") /* router: IPv4 header checksum wrong */         \
	X(ROUTER_LOCAL, "router_local")		  /* router: to one of our addrs, not ping/ARP */  \
	X(ROUTER_NOT_UNICAST, "router_not_unicast") /* router: dst broadcast/multicast/0/127 */    \
	X(ROUTER_BAD_SRC, "router_bad_src") /* router: src broadcast/multicast/0/127/ours */       \
	X(ROUTER_TTL_EXPIRED, "router_ttl_expired")   /* TTL ran out; no ICMP error allowed */     \
	X(ROUTER_NO_ROUTE, "router_no_route")	      /* no route; no ICMP error allowed */        \
	X(ROUTER_ICMP_LIMITED, "router_icmp_limited") /* an ICMP error was due: rate limit hit */  \
	X(SHUTDOWN_TIMEOUT, "shutdown_timeout") /* still queued when the drain deadline passed */

// clang-format on

enum drop_reason {
	DROP_NONE = 0,
#define DROP_ENUM(id, name) DROP_##id,
	DROP_REASONS(DROP_ENUM)
#undef DROP_ENUM
		DROP_MAX
};

/* "eth_runt" etc.; "none" for DROP_NONE, NULL out of range. */
const char *drop_reason_name(enum drop_reason r);

#endif
