/* ICMP echo replies for the VNF's own addresses, so `ping` works without a kernel.  Pure: a
 * frame and our addresses in, the frame rewritten in place into its reply (or left alone). */
#ifndef VNF_ICMP_H
#define VNF_ICMP_H
#include <stdint.h>
#include "config.h"
#include "pkt.h"

enum icmp_result {
	ICMP_NOT_OURS = 0, /* not an ICMP echo request to one of our addresses: untouched */
	ICMP_REPLIED,	   /* rewritten into the echo reply; send it back out of the port */
	ICMP_BAD,	   /* an echo request to us we must not answer (see icmp.c): drop it */
};

/* m must be pkt_parse's result for frame.  addrs: our IPv4 addresses. */
enum icmp_result icmp_echo_reply(uint8_t *frame, const struct pkt_meta *m,
				 const struct dp_addr *addrs, unsigned n_addrs);

/* Whether ip (network order) is one of addrs. */
int icmp_is_our_ip(const uint8_t ip[4], const struct dp_addr *addrs, unsigned n_addrs);

#endif
