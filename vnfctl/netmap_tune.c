/* vnfctl netmap tune: the sizing arithmetic (see netmap_tune.h for the rules and where in
 * netmap they come from).  No I/O. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "netmap_tune.h"

#define NM_PAGE	       4096UL
#define NM_CLUSTER_MAX (1UL << 22) /* MAX_CLUSTSIZE in netmap_mem2.c */
#define NM_RING_HDR    256UL	   /* sizeof(struct netmap_ring) */
#define NM_SLOT	       16UL	   /* sizeof(struct netmap_slot) */
#define NM_IF_HDR      56UL	   /* sizeof(struct netmap_if) */
#define NM_RING_OFS    8UL	   /* one ssize_t ring_ofs[] entry per ring */

/* netmap's defaults and limits (netmap_mem2.c: nm_mem, netmap_min_priv_params, nm_blueprint). */
static const struct {
	const char *name;
	unsigned long dflt, min, max; /* max: objmaxsize or nummax */
} nt_defs[NT_NPARAMS] = {
	[NT_RING_SIZE] = { "ring_size", 9 * NM_PAGE, NM_RING_HDR, 32 * NM_PAGE },
	[NT_RING_NUM] = { "ring_num", 200, 2, 1024 },
	[NT_BUF_SIZE] = { "buf_size", 2048, 64, 65536 },
	[NT_BUF_NUM] = { "buf_num", 20 * 4096 * 2, 4, 1000000 },
	[NT_IF_SIZE] = { "if_size", 1024, NM_IF_HDR, 4096 },
	[NT_IF_NUM] = { "if_num", 100, 10, 10000 },
	[NT_PRIV_RING_SIZE] = { "priv_ring_size", 5 * NM_PAGE, NM_RING_HDR, 32 * NM_PAGE },
	[NT_PRIV_RING_NUM] = { "priv_ring_num", 4, 2, 1024 },
	[NT_PRIV_BUF_SIZE] = { "priv_buf_size", 2048, 64, 65536 },
	[NT_PRIV_BUF_NUM] = { "priv_buf_num", 4098, 4, 1000000 },
	[NT_PRIV_IF_SIZE] = { "priv_if_size", 1024, NM_IF_HDR, 4096 },
	[NT_PRIV_IF_NUM] = { "priv_if_num", 2, 1, 100 },
};

unsigned long netmap_tune_objsize(unsigned long size)
{
	size = (size + 63) & ~63UL;
	for (;; size += 64) {
		/* netmap_config_obj_allocator: the smallest count of objects ending on a page */
		for (unsigned long i = 1; i * size <= NM_CLUSTER_MAX; i++)
			if ((i * size) % NM_PAGE == 0)
				return size;
	}
}

/* Per port, by netmap's rule. */
struct nt_port {
	unsigned long ring_obj, rings, bufs, if_obj, ifs;
};

static void nt_port(const struct netmap_tune_req *r, struct nt_port *p)
{
	unsigned long pairs = r->rings + 1UL; /* with the host ring pair */

	p->ring_obj = netmap_tune_objsize(NM_RING_HDR + NM_SLOT * r->slots);
	p->rings = 2 * pairs + 8UL * r->pipes;
	p->bufs = 2UL * r->slots * (pairs + 4UL * r->pipes) + r->extra_bufs;
	p->if_obj = netmap_tune_objsize(NM_IF_HDR + NM_RING_OFS * 2 * pairs);
	p->ifs = r->rings + 2UL + 4UL * r->pipes;
}

unsigned long netmap_tune_vale_bufs(unsigned rings, unsigned slots, unsigned long extra_bufs)
{
	struct netmap_tune_req r = { slots ? slots : 1024, rings ? rings : 1, 2, 0, 1 };
	struct nt_port p;

	if (r.rings > 16)
		r.rings = 16;
	if (r.slots > NETMAP_TUNE_VALE_SLOTS)
		r.slots = NETMAP_TUNE_VALE_SLOTS;
	nt_port(&r, &p);
	return p.bufs + 2 + extra_bufs;
}

/* value = need when it exceeds both the default and what netmap sizes on its own (own: 0
 * for the global pools, which netmap never sizes by itself). */
static void nt_set(struct netmap_tune *t, enum netmap_tune_idx i, unsigned long need,
		   unsigned long own, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void nt_set(struct netmap_tune *t, enum netmap_tune_idx i, unsigned long need,
		   unsigned long own, const char *fmt, ...)
{
	struct netmap_tune_param *p = &t->p[i];
	size_t n;
	va_list ap;

	p->name = nt_defs[i].name;
	p->dflt = nt_defs[i].dflt;
	p->need = need;
	p->value = need > p->dflt && need > own ? need : p->dflt;
	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
	n = strlen(p->why);
	if (need <= own)
		snprintf(p->why + n, sizeof(p->why) - n, "; netmap sizes the port for %lu itself",
			 own);
	else if (need <= p->dflt)
		snprintf(p->why + n, sizeof(p->why) - n, "; the default covers it");
}

static unsigned long long nt_bytes(const struct netmap_tune *t, enum netmap_tune_idx first)
{
	/* pools: ring (size, num), buf (size, num), if (size, num) from first on */
	return (unsigned long long)t->p[first].value * t->p[first + 1].value +
	       (unsigned long long)t->p[first + 2].value * t->p[first + 3].value +
	       (unsigned long long)t->p[first + 4].value * t->p[first + 5].value;
}

int netmap_tune_compute(const struct netmap_tune_req *r, struct netmap_tune *t, char *err,
			size_t errlen)
{
	struct nt_port p, auto_port;
	struct netmap_tune_req auto_req;
	unsigned long n = r->ports;
	unsigned long long port;

	memset(t, 0, sizeof(*t));
	if (r->slots < 1 || r->slots > NETMAP_TUNE_SLOTS_MAX || r->rings < 1 ||
	    r->rings > NETMAP_TUNE_RINGS_MAX || r->pipes > NETMAP_TUNE_PIPES_MAX ||
	    r->extra_bufs > NETMAP_TUNE_EXTRA_MAX || r->ports < 1 ||
	    r->ports > NETMAP_TUNE_PORTS_MAX) {
		snprintf(err, errlen,
			 "out of bounds: slots 1..%d, rings 1..%d, pipes 0..%d, extra buffers "
			 "0..%d, ports 1..%d",
			 NETMAP_TUNE_SLOTS_MAX, NETMAP_TUNE_RINGS_MAX, NETMAP_TUNE_PIPES_MAX,
			 NETMAP_TUNE_EXTRA_MAX, NETMAP_TUNE_PORTS_MAX);
		return -EINVAL;
	}
	nt_port(r, &p);

	nt_set(t, NT_RING_SIZE, p.ring_obj, 0, "a ring of %u slots takes 256 + 16 x %u = %lu bytes",
	       r->slots, r->slots, NM_RING_HDR + NM_SLOT * r->slots);
	if (p.ring_obj != NM_RING_HDR + NM_SLOT * r->slots) {
		size_t k = strlen(t->p[NT_RING_SIZE].why);
		snprintf(t->p[NT_RING_SIZE].why + k, sizeof(t->p[0].why) - k,
			 " (%lu as a pool object)", p.ring_obj);
	}
	nt_set(t, NT_RING_NUM, n * p.rings, 0,
	       "%lu port(s) x (2 x (%u rings + 1 host) + 8 x %u pipes) = %lu rings", n, r->rings,
	       r->pipes, n * p.rings);
	nt_set(t, NT_BUF_SIZE, 2048, 0, "a 1514-byte frame fits one 2048-byte buffer");
	nt_set(t, NT_BUF_NUM, n * p.bufs + 2, 0,
	       "%lu port(s) x (2 x %u slots x (%u + 1 + 4 x %u pipes) + %u extra) + 2 = %lu "
	       "buffers",
	       n, r->slots, r->rings, r->pipes, r->extra_bufs, n * p.bufs + 2);
	nt_set(t, NT_IF_SIZE, p.if_obj, 0,
	       "56 + 8 x 2 x (%u + 1) ring offsets = %lu bytes (%lu as a pool object)", r->rings,
	       NM_IF_HDR + NM_RING_OFS * 2 * (r->rings + 1UL), p.if_obj);
	nt_set(t, NT_IF_NUM, n * p.ifs, 0,
	       "%lu port(s) x (%u queues + 2 + 4 x %u pipes) = %lu registrations", n, r->rings,
	       r->pipes, n * p.ifs);

	/* One VALE port; netmap sizes it for its rings, 2 pipes and its creator's extra
	 * buffers on its own, so a floor matters beyond that only. */
	auto_req = (struct netmap_tune_req){ r->slots, r->rings, 2, 0, 1 };
	nt_port(&auto_req, &auto_port);
	nt_set(t, NT_PRIV_RING_SIZE, p.ring_obj, p.ring_obj,
	       "one VALE port: %u slots = %lu bytes per ring", r->slots, p.ring_obj);
	nt_set(t, NT_PRIV_RING_NUM, p.rings, auto_port.rings,
	       "one VALE port: 2 x (%u + 1) + 8 x %u pipes = %lu rings", r->rings, r->pipes,
	       p.rings);
	nt_set(t, NT_PRIV_BUF_SIZE, 2048, 0, "as buf_size");
	nt_set(t, NT_PRIV_BUF_NUM, p.bufs + 2, auto_port.bufs + 2,
	       "one VALE port: 2 x %u x (%u + 1 + 4 x %u) + %u extra + 2 = %lu buffers", r->slots,
	       r->rings, r->pipes, r->extra_bufs, p.bufs + 2);
	nt_set(t, NT_PRIV_IF_SIZE, p.if_obj, p.if_obj, "one VALE port: %lu bytes", p.if_obj);
	nt_set(t, NT_PRIV_IF_NUM, p.ifs, 10, "one VALE port: %u + 2 + 4 x %u = %lu registrations",
	       r->rings, r->pipes, p.ifs);

	for (int i = 0; i < NT_NPARAMS; i++) {
		if (t->p[i].value > nt_defs[i].max) {
			snprintf(err, errlen,
				 "%s: the topology needs %lu, netmap accepts at most %lu (fewer "
				 "ports, rings, pipes, slots or extra buffers)",
				 t->p[i].name, t->p[i].value, nt_defs[i].max);
			return -E2BIG;
		}
	}
	t->global_bytes = nt_bytes(t, NT_RING_SIZE);
	/* netmap takes the larger of the floor and its own sizing, per pool (its own: two
	 * pipes, 2 + 4 x 2 netmap_ifs) */
	port = (unsigned long long)(t->p[NT_PRIV_RING_SIZE].value > p.ring_obj
					    ? t->p[NT_PRIV_RING_SIZE].value
					    : p.ring_obj) *
	       (t->p[NT_PRIV_RING_NUM].value > auto_port.rings ? t->p[NT_PRIV_RING_NUM].value
							       : auto_port.rings);
	port += (unsigned long long)t->p[NT_PRIV_BUF_SIZE].value *
		(t->p[NT_PRIV_BUF_NUM].value > auto_port.bufs + 2 ? t->p[NT_PRIV_BUF_NUM].value
								  : auto_port.bufs + 2);
	port += (unsigned long long)t->p[NT_PRIV_IF_SIZE].value *
		(t->p[NT_PRIV_IF_NUM].value > 10 ? t->p[NT_PRIV_IF_NUM].value : 10);
	t->port_bytes = port;
	return 0;
}
