/* vnfio: the dataplane as a library for applications that bring their own packet processing
 * and threads, such as a user-space TCP stack (docs/vnfio.md shows how mTCP's I/O module maps
 * onto it).  What the seed's get_buffer_rx / syncbufrx / get_buffer_tx / syncbuftx gave mTCP,
 * with the Ethernet layer done by the dataplane:
 *
 *   vnfio_open         the port, pools, ARP, ICMP and (sw mode) the I/O threads of one
 *                      vnfdp configuration; no app thread is started
 *   vnfio_rx_burst     on queue q's thread: received IP packets (ARP and pings to our
 *                      addresses never show up: the dataplane answers them)
 *   vnfio_rx_release   gives received packets back
 *   vnfio_tx_alloc     empty buffers for packets of the application's making
 *   vnfio_tx_burst     sends IPv4 packets, received or allocated: the dataplane finds each
 *                      next hop's MAC through ARP (holding the packet meanwhile) and writes the
 *                      Ethernet header
 *
 * Threads: queue i belongs to one thread at a time (the caller's "core i"); different queues
 * may run in parallel.  Call vnfio_rx_burst on every queue regularly, even one that expects
 * nothing: in vale/nic mode queue 0 also runs ARP's timers and answers for the others.
 * Packets: every packet an application gets (rx or alloc) goes back exactly once, through
 * vnfio_rx_release or vnfio_tx_burst, before vnfio_close; the statistics count each. */
#ifndef VNF_VNFIO_H
#define VNF_VNFIO_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vnfio;
struct vnfio_queue;
struct vnfio_pkt; /* a packet buffer; look inside only through the functions below */

#define VNFIO_ERR_LEN 256

/* Opens the dataplane a vnfdp configuration file describes (its "app" is ignored: this
 * program is the app).  0, or a negative errno with err (VNFIO_ERR_LEN bytes) saying why. */
int vnfio_open(struct vnfio **out, const char *config_path, char *err, size_t errlen);
/* Stops the dataplane and frees it.  Returns the final statistics as JSON (vnfdp's format;
 * the caller frees it), NULL if out of memory. */
char *vnfio_close(struct vnfio *io);

/* The statistics now, as JSON (vnfdp's format: rx, tx, consumed, generated, drops by reason,
 * in_flight, per-thread counters, ARP); the caller frees it.  NULL if out of memory. */
char *vnfio_stats(struct vnfio *io);

/* Queues: as many as the configuration's workers. */
unsigned vnfio_queue_count(const struct vnfio *io);
struct vnfio_queue *vnfio_queue(struct vnfio *io, unsigned i);

/* Up to n received packets. */
uint16_t vnfio_rx_burst(struct vnfio_queue *q, struct vnfio_pkt **pkts, uint16_t n);
/* Gives n packets back unsent. */
void vnfio_rx_release(struct vnfio_queue *q, struct vnfio_pkt **pkts, uint16_t n);
/* Up to n empty buffers; write an IPv4 packet at vnfio_pkt_ip and set its length. */
uint16_t vnfio_tx_alloc(struct vnfio_queue *q, struct vnfio_pkt **pkts, uint16_t n);
/* Sends n IPv4 packets, each to its next hop (vnfio_pkt_set_nexthop; by default the
 * packet's own destination, which must then be on one of the dataplane's subnets).  Takes
 * every packet: what cannot be sent is counted as a named drop. */
void vnfio_tx_burst(struct vnfio_queue *q, struct vnfio_pkt **pkts, uint16_t n);

/* The IP header (IPv4 or IPv6), the IP packet's length, and the room there is for one. */
uint8_t *vnfio_pkt_ip(struct vnfio_pkt *p);
uint16_t vnfio_pkt_ip_len(const struct vnfio_pkt *p);
uint16_t vnfio_pkt_ip_room(const struct vnfio_pkt *p);
/* 4 or 6 for a received packet; 4 for an allocated one. */
int vnfio_pkt_ip_version(const struct vnfio_pkt *p);
/* After writing an IP packet of len bytes at vnfio_pkt_ip: 0, or -EINVAL past the room. */
int vnfio_pkt_set_ip_len(struct vnfio_pkt *p, uint16_t len);
/* The neighbour to send to (network order), instead of the destination address. */
void vnfio_pkt_set_nexthop(struct vnfio_pkt *p, const uint8_t ip[4]);

#ifdef __cplusplus
}
#endif
#endif
