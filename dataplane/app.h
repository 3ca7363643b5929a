/* Apps are callbacks the engine runs on each worker's bursts.  An app looks at pkt->meta
 * (parsed already), rewrites frames in place and sets each pkt->verdict. */
#ifndef VNF_APP_H
#define VNF_APP_H
#include <stddef.h>
#include <stdint.h>
#include "config.h"
#include "pktbuf.h"

struct app_ctx {
	const struct dp_config *cfg;
	uint16_t worker; /* this worker's index */
	void *state;	 /* the app's, per worker */
	void *shared;	 /* the app's, one for all workers (create) */
};

struct app_ops {
	const char *name;
	const char *summary;
	/* Optional: state every worker reads (read-only while they run), built before any
	 * worker's init and freed after the last fini. */
	int (*create)(const struct dp_config *cfg, void **shared, char *err, size_t errlen);
	void (*destroy)(void *shared);
	/* Optional: per-worker set-up / tear-down, outside the hot loop.  fini runs only for
	 * workers whose init succeeded. */
	int (*init)(struct app_ctx *ctx, char *err, size_t errlen);
	void (*fini)(struct app_ctx *ctx);
	void (*process_burst)(struct app_ctx *ctx, struct pkt **pkts, uint16_t n);
};

/* Built-in app by name, NULL if unknown. */
const struct app_ops *app_find(const char *name);

extern const struct app_ops app_echo_ops;
extern const struct app_ops app_sink_ops;
extern const struct app_ops app_udp_echo_ops;
extern const struct app_ops app_router_ops;

/* Swaps source and destination at L2, L3 and L4 (checksums stay valid: a ones' complement sum
 * does not depend on the order of its words) and sets the verdict to TX. */
void app_reflect(struct pkt *p);

#endif
