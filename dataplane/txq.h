/* Sending on a queue from an engine thread: a few tries, then the rest is a named drop. */
#ifndef VNF_TXQ_H
#define VNF_TXQ_H
#include "io.h"
#include "stats.h"

#define TXQ_RETRIES 4

/* Transmits k frames; the port gets TXQ_RETRIES tries, then the rest is counted as
 * tx_port_full.  Counts the accepted frames as tx on ctr.  Returns how many were accepted. */
static inline uint16_t txq_send(struct io_queue *q, struct dp_counters *ctr, struct pkt *const *txv,
				uint16_t k)
{
	uint16_t sent = 0;

	for (int tries = 0; sent < k && tries < TXQ_RETRIES; tries++)
		sent += q->tx_burst(q, txv + sent, (uint16_t)(k - sent));
	if (sent)
		ctr_add(&ctr->tx, sent);
	if (sent < k)
		ctr_add(&ctr->drops[DROP_TX_PORT_FULL], k - sent);
	return sent;
}

/* Gives buffers back to their pools from a thread that owns `own` (NULL: none) and is the one
 * remote returner of every other pool the buffers come from. */
static inline void txq_release(struct pktpool *own, struct pkt *const *pkts, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct pktpool *pool = pkts[i]->pool;
		if (pool == own)
			pktpool_put_burst(pool, pkts + i, 1);
		else
			pktpool_return_burst_spsc(pool, pkts + i, 1);
	}
}

#endif
