#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "io.h"

const struct io_ops *io_ops_for(enum dp_backend b)
{
	switch (b) {
	case DP_BACKEND_MEM:
		return &io_mem_ops;
	case DP_BACKEND_AFPACKET:
		return &io_afpacket_ops;
	case DP_BACKEND_AFXDP:
		return &io_afxdp_ops;
#ifdef HAVE_NETMAP
	case DP_BACKEND_NETMAP:
		return &io_netmap_ops;
#endif
	default:
		return NULL;
	}
}

int io_port_open(struct io_port *port, const struct dp_config *cfg, uint16_t nqueues,
		 struct pktpool **pools, const struct rss *rss, char *err, size_t errlen)
{
	int ret;

	port->ops = io_ops_for(cfg->port.backend);
	port->nqueues = nqueues;
	port->rss = rss;
	port->priv = NULL;
	port->queues = NULL;
	port->has_mac = 0;
	if (!port->ops) {
		if (cfg->port.backend == DP_BACKEND_NETMAP)
			snprintf(err, errlen,
				 "%s: this vnfdp was built without netmap (rebuild with make "
				 "NETMAP_SRC=/path/to/netmap)",
				 cfg->port.iface);
		else
			snprintf(err, errlen, "%s: backend %s is not available in this build",
				 cfg->port.iface, config_backend_name(cfg->port.backend));
		return -ENOTSUP;
	}
	port->queues = zalloc_aligned(nqueues, sizeof(*port->queues));
	if (!port->queues) {
		snprintf(err, errlen, "%s: out of memory", cfg->port.iface);
		return -ENOMEM;
	}
	for (uint16_t i = 0; i < nqueues; i++) {
		port->queues[i].port = port;
		port->queues[i].id = i;
		port->queues[i].pool = pools[i];
	}
	ret = port->ops->open(port, cfg, err, errlen);
	if (ret) {
		free(port->queues);
		port->queues = NULL;
	}
	return ret;
}

void io_port_close(struct io_port *port)
{
	if (port->ops && port->queues)
		port->ops->close(port);
	free(port->queues);
	port->queues = NULL;
}

uint64_t io_port_rx_missed(const struct io_port *port)
{
	if (!port->ops || !port->queues || !port->ops->rx_missed)
		return 0;
	return port->ops->rx_missed(port);
}

void io_port_describe(const struct io_port *port, char *buf, size_t len)
{
	const char *how = port->ops && port->ops->describe ? port->ops->describe(port) : NULL;

	snprintf(buf, len, "%s%s%s%s, %u queue%s", port->ops ? port->ops->name : "none",
		 how ? " (" : "", how ? how : "", how ? ")" : "", port->nqueues,
		 port->nqueues == 1 ? "" : "s");
}
