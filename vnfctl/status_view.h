/* The per-core table of `vnfctl status`, from two readings of `vnfdp stats`.  Pure: JSON in,
 * text or JSON out; the readings are untrusted (they come from the guest), so a missing or
 * mistyped member shows as 0. */
#ifndef VNFCTL_STATUS_VIEW_H
#define VNFCTL_STATUS_VIEW_H
#include <stdio.h>
#include <json-c/json.h>

/* A worker's rx is the packets it handled.  Rates are the counters' change from prev to cur over the dataplane's own uptime change. */
void status_view_print(FILE *f, const char *domain, int pid, json_object *prev, json_object *cur);
/* {"domain", "pid", "mode", "uptime_s", "threads": [{"role", "id", "cpu", "rx", "tx", "drops",
 *  "rx_mpps", "tx_mpps"}...], "total": {...}, "in_flight", "conserved", "stats": cur}. */
json_object *status_view_json(const char *domain, int pid, json_object *prev, json_object *cur);

#endif
