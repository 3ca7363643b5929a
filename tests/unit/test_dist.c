/* The distribution engine on the in-memory backend: conservation, flow affinity, overload,
 * a stalled worker, shutdown drain, per-reason parse drops, TX refusal, both modes. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "check.h"
#include "dist.h"
#include "arp.h"
#include "csum.h"
#include "flowtrack.h"
#include "stats.h"
#include "rss.h"

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define SCALE 10
#else
#define SCALE 1
#endif

#define FLOWS 512 /* mem generator flows: sport = 1024 + flow */

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void mem_config(struct dp_config *c, enum dp_mode mode, uint16_t workers, uint64_t packets)
{
	config_set_defaults(c);
	c->mode = mode;
	c->port.backend = DP_BACKEND_MEM;
	strcpy(c->port.iface, "test");
	c->port.mem.packets = packets;
	c->port.mem.flows = FLOWS;
	c->port.mem.size = 64;
	c->workers = workers;
}

/* Runs until the generator's budget is fully accounted for (or a timeout), then stops. */
static int run_to_completion(struct dist *d, uint64_t packets, struct stats_snapshot *s)
{
	double t0 = now_s();
	while (now_s() - t0 < 60) {
		if (dist_offered(d) >= packets) {
			dist_snapshot(d, s);
			if (s->in_flight == 0)
				break;
		}
		sleep_ms(1);
	}
	dist_stop(d);
	dist_snapshot(d, s);
	return s->final && s->conserved ? 0 : -1;
}

static uint64_t worker_packets(const struct stats_snapshot *s, int id)
{
	for (uint16_t i = 0; i < s->n_threads; i++)
		if (!strcmp(s->t[i].role, "worker") && s->t[i].id == id)
			return s->t[i].handled;
	return UINT64_MAX;
}

/* The dataplane's address in these tests: 10.1.0.1/24. */
static void our_addr(struct dp_config *c)
{
	c->n_addrs = 1;
	memcpy(c->addrs[0].ip, "\x0a\x01\0\x01", 4);
	c->addrs[0].prefix_len = 24;
}

/* Runs the engine for c on n frames (replayed once, c's packet budget being n), each
 * transmitted one passed to hook, until every packet is accounted for; s is the final
 * snapshot.  The caller destroys the engine. */
static struct dist *run_frames(const struct dp_config *c, const uint8_t *const *frames,
			       const uint16_t *lens, uint32_t n, struct io_mem_tx_hook *hook,
			       struct stats_snapshot *s)
{
	struct dist *d;
	char err[256];

	CHECK(dist_create(&d, c, NULL, err, sizeof(err)) == 0);
	CHECK(io_mem_load_frames(dist_port(d), frames, lens, n) == 0);
	io_mem_set_tx_hook(dist_port(d), hook);
	CHECK(dist_start(d, err, sizeof(err)) == 0);
	CHECK(run_to_completion(d, n, s) == 0);
	return d;
}

/* ---- a test app that records which worker saw which flow ------------------------------ */

static uint32_t seen[8][FLOWS];	   /* [worker][flow], each row written only by its worker */
static volatile int stall_worker0; /* set by the test; worker 0 waits while it is 1 */
static unsigned app_spin;	   /* busy loop per packet */
static double app_pps;		   /* if set, each worker handles at most this many per second */
static double app_t0[8];	   /* [worker]: first burst, written only by that worker */
static uint64_t app_done[8];
static enum pkt_verdict app_verdict = PKT_VERDICT_CONSUMED;

static void rec_process(struct app_ctx *ctx, struct pkt **pkts, uint16_t n)
{
	while (ctx->worker == 0 && __atomic_load_n(&stall_worker0, __ATOMIC_ACQUIRE))
		sleep_ms(1);
	if (app_pps > 0 && ctx->worker < 8) {
		/* A worker of fixed capacity, whatever the machine's speed. */
		if (app_t0[ctx->worker] == 0)
			app_t0[ctx->worker] = now_s();
		while ((double)(app_done[ctx->worker] + n) >
		       (now_s() - app_t0[ctx->worker]) * app_pps)
			sleep_ms(1);
		app_done[ctx->worker] += n;
	}
	for (uint16_t i = 0; i < n; i++) {
		const uint8_t *f = pkts[i]->data;
		unsigned flow = (unsigned)((f[34] << 8 | f[35]) - 1024);
		if (flow < FLOWS && ctx->worker < 8)
			seen[ctx->worker][flow]++;
		for (volatile unsigned k = 0; k < app_spin; k++)
			;
		pkts[i]->verdict = app_verdict;
	}
}

static const struct app_ops rec_app = { .name = "record", .process_burst = rec_process };

static void rec_reset(void)
{
	memset(seen, 0, sizeof(seen));
	stall_worker0 = 0;
	app_spin = 0;
	app_pps = 0;
	memset(app_t0, 0, sizeof(app_t0));
	memset(app_done, 0, sizeof(app_done));
	app_verdict = PKT_VERDICT_CONSUMED;
}

/* The RSS hash of the generator's flow f, and the queue it gives the flow among n workers. */
static uint32_t flow_hash(const struct dp_config *c, unsigned f, uint16_t n, uint16_t *queue)
{
	static struct rss r;
	uint8_t addrs[8] = { 10, 0, 0, (uint8_t)(1 + f % 250), 10, 1, 0, 1 };
	uint8_t ports[4] = { (uint8_t)((1024 + f) >> 8), (uint8_t)(1024 + f), 0, 9 };
	rss_init(&r, c->rss.key, c->rss.key_len);
	rss_reta_set_equal(&r, c->rss.reta_size, n);
	uint32_t h = rss_hash_ipv4(&r, addrs, ports);
	*queue = rss_queue_of(&r, h);
	return h;
}

static uint16_t flow_queue(const struct dp_config *c, unsigned f, uint16_t n)
{
	uint16_t q;
	flow_hash(c, f, n, &q);
	return q;
}

/* Packets the final statistics' flow table of worker w holds for hash h. */
static uint64_t tracked(const struct stats_snapshot *s, int w, uint32_t h)
{
	for (uint16_t i = 0; i < s->n_threads; i++) {
		const struct flowtrack *t = s->t[i].flows;
		if (strcmp(s->t[i].role, "worker") || s->t[i].id != w || !t)
			continue;
		for (uint32_t k = 0; k <= t->mask; k++)
			if (t->count[k] && t->key[k] == h)
				return t->count[k];
	}
	return 0;
}

/* ---- tests ----------------------------------------------------------------------------- */

static void conservation_case(enum dp_mode mode, uint8_t io_cores, uint16_t workers,
			      const char *app)
{
	struct dp_config c;
	struct stats_snapshot s;
	struct dist *d;
	char err[256];
	uint64_t packets = 400000 / SCALE;

	mem_config(&c, mode, workers, packets);
	c.io_cores = io_cores;
	strcpy(c.app.name, app);
	CHECK(dist_create(&d, &c, NULL, err, sizeof(err)) == 0);
	CHECK(dist_start(d, err, sizeof(err)) == 0);
	CHECK(run_to_completion(d, packets, &s) == 0);
	CHECK_EQ_U(s.rx, packets);
	CHECK_EQ_U(s.rx, s.tx + s.consumed + s.drops_total);
	CHECK_EQ_U(s.in_flight, 0);
	CHECK(s.conserved);
	dist_destroy(d);
}

static void t_sw_conservation_echo(void)
{
	conservation_case(DP_MODE_SW, 1, 2, "echo");
}

static void t_sw_conservation_two_io_cores(void)
{
	conservation_case(DP_MODE_SW, 2, 2, "echo");
}

static void t_sw_conservation_sink(void)
{
	conservation_case(DP_MODE_SW, 1, 3, "sink");
}

static void t_rtc_conservation(void)
{
	conservation_case(DP_MODE_NIC, 1, 2, "echo");
}

static void affinity_case(enum dp_mode mode, uint16_t workers)
{
	struct dp_config c;
	struct stats_snapshot s;
	struct dist *d;
	char err[256];
	uint64_t packets = FLOWS * 64;
	unsigned wrong = 0, split = 0;

	rec_reset();
	mem_config(&c, mode, workers, packets);
	c.overflow = 65536; /* no drops: every packet must be seen */
	c.stats.flows = FLOWS;
	CHECK(dist_create(&d, &c, &rec_app, err, sizeof(err)) == 0);
	CHECK(dist_start(d, err, sizeof(err)) == 0);
	CHECK(run_to_completion(d, packets, &s) == 0);
	CHECK_EQ_U(s.consumed, packets);
	for (unsigned f = 0; f < FLOWS; f++) {
		unsigned holders = 0;
		uint16_t q = flow_queue(&c, f, workers);
		for (uint16_t w = 0; w < workers; w++)
			if (seen[w][f]) {
				holders++;
				wrong += w != q;
			}
		split += holders != 1;
	}
	CHECK_EQ_U(split, 0); /* every flow reached exactly one worker */
	CHECK_EQ_U(wrong, 0); /* and it is the one RSS names */

	/* The statistics' flow tables tell the same story: each hash's packets under the worker
	 * RSS names, and under no other.  Flows may share a hash (the symmetric key hashes the
	 * XOR of the tuple's 16-bit words), so expect 64 packets per flow with that hash. */
	static uint32_t hash[FLOWS];
	static uint16_t queue[FLOWS];
	unsigned misplaced = 0;
	for (unsigned f = 0; f < FLOWS; f++)
		hash[f] = flow_hash(&c, f, workers, &queue[f]);
	for (unsigned f = 0; f < FLOWS; f++) {
		uint64_t expect = 0;
		for (unsigned g = 0; g < FLOWS; g++)
			expect += hash[g] == hash[f] ? 64 : 0;
		for (uint16_t w = 0; w < workers; w++)
			misplaced += tracked(&s, w, hash[f]) != (w == queue[f] ? expect : 0);
	}
	CHECK_EQ_U(misplaced, 0);
	char *json = stats_to_json(&s, 0);
	CHECK(json && strstr(json, "\"flows_untracked\":0"));
	free(json);
	for (uint16_t w = 0; w < workers; w++)
		CHECK(worker_packets(&s, w) > 0);
	dist_destroy(d);
}

static void t_sw_flow_affinity(void)
{
	affinity_case(DP_MODE_SW, 4);
}

static void t_rtc_flow_affinity(void)
{
	affinity_case(DP_MODE_VALE, 3);
}

/* 2x overload: the port offers twice what the workers can take.  Drops happen, all of them
 * named, about half the traffic gets through, and live snapshots never show a packet
 * unaccounted for. */
static void t_sw_overload_conservation(void)
{
	struct dp_config c;
	struct stats_snapshot s;
	struct dist *d;
	char err[256];
	double offered = 200000.0 / SCALE;	  /* packets per second */
	uint64_t packets = (uint64_t)offered / 2; /* half a second of traffic */
	unsigned live = 0, bad_live = 0;
	double t0;

	rec_reset();
	app_pps = offered / 2 / 2; /* two workers, half the offered load together */
	mem_config(&c, DP_MODE_SW, 2, packets);
	c.port.mem.rate = (uint64_t)offered;
	c.worker_ring = 256;
	c.overflow = 128;
	CHECK(dist_create(&d, &c, &rec_app, err, sizeof(err)) == 0);
	CHECK(dist_start(d, err, sizeof(err)) == 0);
	t0 = now_s();
	while (dist_offered(d) < packets && now_s() - t0 < 60) {
		dist_snapshot(d, &s);
		live++;
		if (!s.conserved || s.in_flight < 0)
			fprintf(stderr,
				"BAD in_flight=%ld max=%lu rx=%lu tx=%lu cons=%lu drops=%lu\n",
				(long)s.in_flight, (unsigned long)s.in_flight_max,
				(unsigned long)s.rx, (unsigned long)s.tx, (unsigned long)s.consumed,
				(unsigned long)s.drops_total);
		bad_live += !s.conserved || s.in_flight < 0;
		sleep_ms(2);
	}
	CHECK(live > 0);
	CHECK_EQ_U(bad_live, 0);
	CHECK(run_to_completion(d, packets, &s) == 0);
	CHECK(s.drops[DROP_WORKER_RING_FULL] > 0);
	CHECK_EQ_U(s.drops_total, s.drops[DROP_WORKER_RING_FULL]);
	CHECK_EQ_U(s.rx, s.consumed + s.drops_total);
	CHECK_EQ_U(s.rx + s.rx_missed, packets);
	/* About half of what arrived gets through (plus what the rings held when the offer
	 * ended); wide bounds, since a loaded machine may deschedule any thread. */
	CHECK(s.consumed >= s.rx * 3 / 10 && s.consumed <= s.rx * 3 / 4);
	dist_destroy(d);
}

/* Worker 0 stops consuming for the whole run.  The RX thread still receives every frame (it
 * never waits for worker 0), worker 1 gets every packet of its flows, and all drops are worker
 * 0's.  Sizes make this independent of scheduling: worker 1's share fits in its ring and
 * overflow queue even if it never ran until the end, worker 0's share does not. */
static void t_sw_stalled_worker_isolated(void)
{
	struct dp_config c;
	struct stats_snapshot s;
	struct dist *d;
	char err[256];
	uint64_t per_flow = 16, packets = FLOWS * per_flow, expect1 = 0, room;
	double t0;

	rec_reset();
	stall_worker0 = 1;
	mem_config(&c, DP_MODE_SW, 2, packets);
	c.worker_ring = 2048;
	c.overflow = 2048;
	room = c.worker_ring + c.overflow;
	for (unsigned f = 0; f < FLOWS; f++)
		expect1 += flow_queue(&c, f, 2) == 1 ? per_flow : 0;
	CHECK(expect1 <= room);			      /* worker 1 cannot overflow */
	CHECK(packets - expect1 > room + c.rx_burst); /* worker 0 must */
	CHECK(dist_create(&d, &c, &rec_app, err, sizeof(err)) == 0);
	CHECK(dist_start(d, err, sizeof(err)) == 0);
	t0 = now_s();
	do {
		sleep_ms(5);
		dist_snapshot(d, &s);
	} while ((dist_offered(d) < packets || worker_packets(&s, 1) < expect1) &&
		 now_s() - t0 < 30);
	/* Still stalled: everything was received, and worker 1 is done with its share. */
	CHECK_EQ_U(s.rx, packets);
	CHECK_EQ_U(worker_packets(&s, 1), expect1);
	CHECK(s.drops[DROP_WORKER_RING_FULL] > 0);
	__atomic_store_n(&stall_worker0, 0, __ATOMIC_RELEASE);
	CHECK(run_to_completion(d, packets, &s) == 0);
	CHECK_EQ_U(worker_packets(&s, 1), expect1);
	CHECK_EQ_U(worker_packets(&s, 0) + s.drops[DROP_WORKER_RING_FULL], packets - expect1);
	CHECK_EQ_U(s.drops_total, s.drops[DROP_WORKER_RING_FULL]);
	dist_destroy(d);
}

/* Stop while traffic runs without end: everything drains, nothing is left in flight, and it
 * takes well under the 2 s the CLI promises. */
static void shutdown_case(enum dp_mode mode, uint8_t io_cores)
{
	struct dp_config c;
	struct stats_snapshot s;
	struct dist *d;
	char err[256];
	double t0;

	rec_reset();
	app_spin = 50;
	app_verdict = PKT_VERDICT_TX;
	mem_config(&c, mode, 2, 0);
	c.io_cores = io_cores;
	CHECK(dist_create(&d, &c, &rec_app, err, sizeof(err)) == 0);
	CHECK(dist_start(d, err, sizeof(err)) == 0);
	sleep_ms(150);
	t0 = now_s();
	dist_stop(d);
	CHECK(now_s() - t0 < 2.0);
	dist_snapshot(d, &s);
	CHECK(s.final);
	CHECK(s.rx > 0);
	CHECK_EQ_U(s.in_flight, 0);
	CHECK(s.conserved);
	CHECK_EQ_U(s.drops[DROP_SHUTDOWN_TIMEOUT], 0);
	dist_destroy(d);
}

static void t_sw_shutdown_drains(void)
{
	shutdown_case(DP_MODE_SW, 1);
}

static void t_sw2_shutdown_drains(void)
{
	shutdown_case(DP_MODE_SW, 2);
}

static void t_rtc_shutdown_drains(void)
{
	shutdown_case(DP_MODE_NIC, 1);
}

/* Malformed frames through the engine: each bumps its own counter and nothing else. */
static void t_parse_drops_named(void)
{
	static uint8_t good[60], runt[10], bad_ihl[60], bad_tot[60];
	const uint8_t *frames[4] = { good, runt, bad_ihl, bad_tot };
	const uint16_t lens[4] = { 60, 10, 60, 60 };
	struct dp_config c;
	struct stats_snapshot s;
	struct dist *d;
	char err[256];
	uint64_t packets = 4000;

	/* A valid IPv4/UDP frame and two broken copies of it. */
	memset(good, 0, sizeof(good));
	good[12] = 0x08;
	good[14] = 0x45;
	good[17] = 28; /* total length 28: 20 IP + 8 UDP */
	good[23] = 17;
	good[26] = 10, good[29] = 1, good[30] = 10, good[33] = 2;
	good[34] = 0x04, good[37] = 9, good[39] = 8;
	memcpy(bad_ihl, good, 60);
	bad_ihl[14] = 0x44; /* IHL 4 */
	memcpy(bad_tot, good, 60);
	bad_tot[16] = 0x01; /* total length 284 > frame */
	memset(runt, 0xff, sizeof(runt));

	mem_config(&c, DP_MODE_SW, 2, packets);
	strcpy(c.app.name, "echo");
	CHECK(dist_create(&d, &c, NULL, err, sizeof(err)) == 0);
	CHECK(io_mem_load_frames(dist_port(d), frames, lens, 4) == 0);
	CHECK(dist_start(d, err, sizeof(err)) == 0);
	CHECK(run_to_completion(d, packets, &s) == 0);
	CHECK_EQ_U(s.tx, packets / 4);
	CHECK_EQ_U(s.drops[DROP_ETH_RUNT], packets / 4);
	CHECK_EQ_U(s.drops[DROP_IPV4_BAD_IHL], packets / 4);
	CHECK_EQ_U(s.drops[DROP_IPV4_TOTLEN_OVER_FRAME], packets / 4);
	CHECK_EQ_U(s.drops_total, 3 * packets / 4);
	dist_destroy(d);
}

/* A port that refuses to send: every frame meant for TX ends as tx_port_full (in sw mode
 * the rest of the overload goes to worker_ring_full). */
static void tx_port_full_case(enum dp_mode mode)
{
	struct dp_config c;
	struct stats_snapshot s;
	struct dist *d;
	char err[256];
	uint64_t packets = 20000;

	mem_config(&c, mode, 1, packets);
	strcpy(c.app.name, "echo");
	CHECK(dist_create(&d, &c, NULL, err, sizeof(err)) == 0);
	io_mem_set_tx_blocked(dist_port(d), 1);
	CHECK(dist_start(d, err, sizeof(err)) == 0);
	CHECK(run_to_completion(d, packets, &s) == 0);
	CHECK_EQ_U(s.tx, 0);
	CHECK(s.drops[DROP_TX_PORT_FULL] > 0);
	CHECK_EQ_U(s.drops[DROP_TX_PORT_FULL] + s.drops[DROP_WORKER_RING_FULL], packets);
	if (mode != DP_MODE_SW)
		CHECK_EQ_U(s.drops[DROP_TX_PORT_FULL], packets);
	CHECK_EQ_U(s.drops_total, packets);
	dist_destroy(d);
}

static void t_sw_tx_port_full_counted(void)
{
	tx_port_full_case(DP_MODE_SW);
}

static void t_rtc_tx_port_full_counted(void)
{
	tx_port_full_case(DP_MODE_NIC);
}

/* echo reflects at L2, L3 and L4. */
static uint8_t echoed[64];
static void capture_one(void *arg, uint16_t q, const struct pkt *p)
{
	memcpy(echoed, p->data, 64);
}

static void t_echo_reflects(void)
{
	struct dp_config c;
	struct stats_snapshot s;
	struct dist *d;
	struct io_mem_tx_hook hook = { capture_one, NULL };
	char err[256];

	mem_config(&c, DP_MODE_NIC, 1, 1);
	c.port.mem.flows = 1;
	strcpy(c.app.name, "echo");
	CHECK(dist_create(&d, &c, NULL, err, sizeof(err)) == 0);
	io_mem_set_tx_hook(dist_port(d), &hook);
	CHECK(dist_start(d, err, sizeof(err)) == 0);
	CHECK(run_to_completion(d, 1, &s) == 0);
	CHECK_EQ_U(s.tx, 1);
	/* generator: 02:..:02 -> 02:..:01, 10.0.0.1:1024 -> 10.1.0.1:9 */
	CHECK(echoed[5] == 0x02 && echoed[11] == 0x01);
	CHECK(echoed[26] == 10 && echoed[27] == 1 && echoed[29] == 1);
	CHECK(echoed[30] == 10 && echoed[31] == 0 && echoed[33] == 1);
	CHECK(echoed[34] == 0 && echoed[35] == 9);
	CHECK(echoed[36] == 0x04 && echoed[37] == 0x00);
	dist_destroy(d);
}

/* ---- the dataplane's own addresses: ICMP echo answered before the app; udp-echo ------ */

static uint8_t local_frames[5][64];
static uint16_t local_tx_kind[8]; /* per transmitted frame: IP protocol << 8 | ICMP type */
static unsigned local_n_tx;

static void capture_kind(void *arg, uint16_t q, const struct pkt *p)
{
	if (local_n_tx < 8)
		local_tx_kind[local_n_tx++] = (uint16_t)(p->data[23] << 8 | p->data[34]);
}

/* 64-byte IPv4 frame 10.0.0.1 -> 10.1.0.x: ICMP echo request (proto 1) or UDP (17) to dport. */
static void local_frame(uint8_t *f, uint8_t proto, uint8_t dst_last, uint16_t dport)
{
	uint8_t *ip = f + 14, *l4 = ip + 20;

	memset(f, 0, 64);
	memcpy(f, "\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00", 14);
	ip[0] = 0x45;
	store_be16(ip + 2, 50);
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, "\x0a\0\0\x01\x0a\x01\0", 7);
	ip[19] = dst_last;
	store_be16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	if (proto == 1) {
		l4[0] = 8;
		store_be16(l4 + 2, csum_fold(csum_add(0, l4, 30)));
	} else {
		store_be16(l4, 5555);
		store_be16(l4 + 2, dport);
		store_be16(l4 + 4, 30);
	}
}

static void local_case(enum dp_mode mode)
{
	const uint8_t *frames[5];
	uint16_t lens[5];
	struct dp_config c;
	struct stats_snapshot s;
	struct dist *d;
	struct io_mem_tx_hook hook = { capture_kind, NULL };

	local_frame(local_frames[0], 1, 1, 0);	 /* ping to us: answered */
	local_frame(local_frames[1], 17, 1, 9);	 /* udp-echo's port: echoed */
	local_frame(local_frames[2], 17, 1, 10); /* another port: app_drop */
	local_frame(local_frames[3], 1, 9, 0);	 /* ping to someone else: the app drops it */
	local_frame(local_frames[4], 1, 1, 0);
	local_frames[4][14 + 20 + 2] ^= 0xff; /* ping to us, bad checksum: icmp_unanswered */
	for (int i = 0; i < 5; i++) {
		frames[i] = local_frames[i];
		lens[i] = 64;
	}
	local_n_tx = 0;
	mem_config(&c, mode, 1, 5);
	strcpy(c.app.name, "udp-echo");
	c.app.port = 9;
	our_addr(&c);
	d = run_frames(&c, frames, lens, 5, &hook, &s);
	CHECK_EQ_U(s.rx, 5);
	CHECK_EQ_U(s.tx, 2);
	CHECK_EQ_U(s.drops[DROP_APP_DROP], 2);
	CHECK_EQ_U(s.drops[DROP_ICMP_UNANSWERED], 1);
	CHECK_EQ_U(local_n_tx, 2);
	/* an echo reply (ICMP type 0) and the echoed datagram (byte 34 is now the source port's
	 * high byte: 9 after the swap, so 0) */
	CHECK((local_tx_kind[0] == 0x0100 && local_tx_kind[1] == 0x1100) ||
	      (local_tx_kind[1] == 0x0100 && local_tx_kind[0] == 0x1100));
	dist_destroy(d);
}

/* A 60-byte ARP request from 02:..:02 / 10.0.0.1 for tip. */
static void arp_request(uint8_t *f, uint8_t tip_last)
{
	memset(f, 0, 64);
	memset(f, 0xff, 6);
	memcpy(f + 6, "\x02\0\0\0\0\x02\x08\x06\0\x01\x08\0\x06\x04\0\x01", 16);
	memcpy(f + 22, "\x02\0\0\0\0\x02\x0a\0\0\x01", 10);
	memcpy(f + 38, "\x0a\x01\0", 3);
	f[41] = tip_last;
}

static uint8_t arp_tx[4][64];
static unsigned arp_n_tx;

static void capture_arp(void *arg, uint16_t q, const struct pkt *p)
{
	if (arp_n_tx < 4)
		memcpy(arp_tx[arp_n_tx++], p->data, 64);
}

/* ARP with addrs: worker 0 answers a request for our address (the reply leaves the port) and
 * absorbs one for another address (consumed); the statistics carry ARP's counters. */
static void arp_case(enum dp_mode mode, uint16_t workers)
{
	uint8_t f[2][64];
	const uint8_t *frames[2] = { f[0], f[1] };
	uint16_t lens[2] = { 60, 60 };
	struct dp_config c;
	struct stats_snapshot s;
	struct dist *d;
	struct io_mem_tx_hook hook = { capture_arp, NULL };

	arp_request(f[0], 1); /* for us */
	arp_request(f[1], 7); /* for someone else: updates the known asker, no reply */
	arp_n_tx = 0;
	mem_config(&c, mode, workers, 2);
	our_addr(&c);
	d = run_frames(&c, frames, lens, 2, &hook, &s);
	CHECK_EQ_U(s.rx, 2);
	CHECK_EQ_U(s.tx, 1);
	CHECK_EQ_U(s.consumed, 1);
	CHECK_EQ_U(s.drops_total, 0);
	CHECK_EQ_U(arp_n_tx, 1);
	/* the reply: to the asker, from the port's MAC, opcode 2, 10.1.0.1 is-at that MAC */
	CHECK(memcmp(arp_tx[0], "\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x06", 14) == 0);
	CHECK(arp_tx[0][21] == 2);
	CHECK(memcmp(arp_tx[0] + 22, "\x02\0\0\0\0\x01\x0a\x01\0\x01", 10) == 0);
	CHECK(memcmp(arp_tx[0] + 32, "\x02\0\0\0\0\x02\x0a\0\0\x01", 10) == 0);
	CHECK(s.has_arp);
	CHECK_EQ_U(s.arp[ARP_CNT_RX_REQUEST], 1);
	CHECK_EQ_U(s.arp[ARP_CNT_RX_UPDATE], 1); /* the asker is known by now: merge rule */
	char *json = stats_to_json(&s, 0);
	CHECK(json && strstr(json, "\"arp\":{") && strstr(json, "\"rx_request\":1"));
	free(json);
	dist_destroy(d);
}

static void t_sw_arp_answered(void)
{
	arp_case(DP_MODE_SW, 2);
}

static void t_rtc_arp_answered(void)
{
	arp_case(DP_MODE_NIC, 1);
}

static void t_sw_local_icmp_and_udp_echo(void)
{
	local_case(DP_MODE_SW);
}

static void t_rtc_local_icmp_and_udp_echo(void)
{
	local_case(DP_MODE_NIC);
}

/* ---- router: next hops resolved through ARP ------------------------------------------- */

/* UDP 10.1.0.2 -> dst with ttl, from 02:..:0a to the port (02:..:01), checksum right. */
static void routed_udp(uint8_t *f, const char *dst, uint8_t ttl)
{
	memset(f, 0, 64);
	memcpy(f, "\x02\0\0\0\0\x01\x02\0\0\0\0\x0a\x08\x00", 14);
	memcpy(f + 14, "\x45\0\0\x20\0\x01\0\0", 8);
	f[22] = ttl;
	f[23] = 17;
	memcpy(f + 26, "\x0a\x01\0\x02", 4);
	memcpy(f + 30, dst, 4);
	store_be16(f + 24, csum_fold(csum_add(0, f + 14, 20)));
	memcpy(f + 34,
	       "\x30\x39\x00\x07\x00\x0c\x00\x00"
	       "ping",
	       12);
}

/* An ARP reply to us (10.1.0.1, 02:..:01) saying ip is at mac. */
static void arp_reply(uint8_t *f, const char *ip, const char *mac)
{
	memset(f, 0, 64);
	memcpy(f, "\x02\0\0\0\0\x01", 6);
	memcpy(f + 6, mac, 6);
	memcpy(f + 12, "\x08\x06\0\x01\x08\0\x06\x04\0\x02", 10);
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, ip, 4);
	memcpy(f + 32, "\x02\0\0\0\0\x01\x0a\x01\0\x01", 10);
}

static uint8_t rt_tx[8][64];
static uint16_t rt_len[8];
static unsigned rt_n_tx;

static void capture_routed(void *arg, uint16_t q, const struct pkt *p)
{
	if (rt_n_tx < 8) {
		memcpy(rt_tx[rt_n_tx], p->data, 64);
		rt_len[rt_n_tx++] = p->len;
	}
}

static int is_arp_request_for(const uint8_t *f, const char *ip)
{
	return memcmp(f, "\xff\xff\xff\xff\xff\xff\x02\0\0\0\0\x01\x08\x06", 14) == 0 &&
	       f[21] == 1 && memcmp(f + 28, "\x0a\x01\0\x01", 4) == 0 && memcmp(f + 38, ip, 4) == 0;
}

/* One worker and bursts of one, so the order is fixed: two packets wait for their next hops (a
 * gateway, a host on the connected subnet) while the writer asks for them; the replies release them
 * with the learned MACs; a third packet finds its gateway in the table; a TTL-1 packet becomes an
 * ICMP error to its source, a static entry.  The requests are ARP's own frames: not in tx. */
static void router_case(enum dp_mode mode, uint8_t io_cores)
{
	uint8_t f[6][64];
	const uint8_t *frames[6] = { f[0], f[1], f[2], f[3], f[4], f[5] };
	uint16_t lens[6] = { 60, 60, 60, 60, 60, 60 };
	struct dp_config c;
	struct stats_snapshot s;
	struct dist *d;
	struct io_mem_tx_hook hook = { capture_routed, NULL };

	routed_udp(f[0], "\x0a\x02\0\x05", 64); /* via 10.1.0.254 */
	routed_udp(f[1], "\x0a\x01\0\x09", 64); /* connected */
	arp_reply(f[2], "\x0a\x01\0\xfe", "\x02\0\0\0\0\xfe");
	arp_reply(f[3], "\x0a\x01\0\x09", "\x02\0\0\0\0\x09");
	routed_udp(f[4], "\x0a\x02\0\x05", 64);
	routed_udp(f[5], "\x0a\x02\0\x05", 1);
	rt_n_tx = 0;
	mem_config(&c, mode, 1, 6);
	c.io_cores = io_cores;
	/* one packet per burst everywhere, so each step sees the one before it done */
	c.rx_burst = c.tx_burst = 1;
	strcpy(c.app.name, "router");
	our_addr(&c);
	memcpy(c.app.routes[0].dst, "\x0a\x02\0\0", 4);
	c.app.routes[0].prefix_len = 16;
	memcpy(c.app.routes[0].via, "\x0a\x01\0\xfe", 4);
	c.app.n_routes = 1;
	c.n_arp = 1;
	memcpy(c.arp[0].ip, "\x0a\x01\0\x02", 4);
	memcpy(c.arp[0].mac, "\x02\0\0\0\0\x0a", 6);
	d = run_frames(&c, frames, lens, 6, &hook, &s);
	CHECK_EQ_U(s.rx, 6);
	CHECK_EQ_U(s.tx, 4);
	CHECK_EQ_U(s.consumed, 2);
	CHECK_EQ_U(s.drops_total, 0);
	CHECK_EQ_U(s.arp[ARP_CNT_RESOLVED], 2);
	CHECK_EQ_U(s.arp[ARP_CNT_REQUESTS_SENT], 2);
	CHECK_EQ_U(s.arp_held, 0);
	CHECK_EQ_U(rt_n_tx, 6);
	CHECK(is_arp_request_for(rt_tx[0], "\x0a\x01\0\xfe"));
	CHECK(is_arp_request_for(rt_tx[1], "\x0a\x01\0\x09"));
	/* released in order, to the learned MACs, from ours, TTL 63 */
	CHECK(memcmp(rt_tx[2], "\x02\0\0\0\0\xfe\x02\0\0\0\0\x01", 12) == 0);
	CHECK(memcmp(rt_tx[2] + 30, "\x0a\x02\0\x05", 4) == 0 && rt_tx[2][22] == 63);
	CHECK_EQ_U(csum_fold(csum_add(0, rt_tx[2] + 14, 20)), 0);
	CHECK(memcmp(rt_tx[3], "\x02\0\0\0\0\x09\x02\0\0\0\0\x01", 12) == 0);
	CHECK(memcmp(rt_tx[3] + 30, "\x0a\x01\0\x09", 4) == 0 && rt_tx[3][22] == 63);
	CHECK(memcmp(rt_tx[4], "\x02\0\0\0\0\xfe\x02\0\0\0\0\x01", 12) == 0);
	/* time exceeded, from 10.1.0.1 to the source at its static MAC */
	CHECK(memcmp(rt_tx[5], "\x02\0\0\0\0\x0a\x02\0\0\0\0\x01", 12) == 0);
	CHECK(rt_tx[5][23] == 1 && rt_tx[5][34] == 11);
	CHECK(memcmp(rt_tx[5] + 26, "\x0a\x01\0\x01\x0a\x01\0\x02", 8) == 0);
	CHECK_EQ_U(rt_len[5], 14 + 20 + 8 + 28);
	dist_destroy(d);
}

static void t_sw_router_resolves_next_hops(void)
{
	router_case(DP_MODE_SW, 1);
}

static void t_sw2_router_resolves_next_hops(void)
{
	router_case(DP_MODE_SW, 2);
}

static void t_rtc_router_resolves_next_hops(void)
{
	router_case(DP_MODE_NIC, 1);
}

/* A next hop whose MAC changes (a reply from a new NIC): the packets after the change go to
 * the new MAC, though the worker had the old one cached.  Run to completion only: there worker
 * 0 is the ARP writer and takes the reply before the next packet; in sw mode the TX side
 * takes it whenever it drains, so the next packet may still go to the old MAC. */
static void mac_change_case(enum dp_mode mode)
{
	uint8_t f[5][64];
	const uint8_t *frames[5] = { f[0], f[1], f[2], f[3], f[4] };
	uint16_t lens[5] = { 60, 60, 60, 60, 60 };
	struct dp_config c;
	struct stats_snapshot s;
	struct dist *d;
	struct io_mem_tx_hook hook = { capture_routed, NULL };

	routed_udp(f[0], "\x0a\x02\0\x05", 64);
	arp_reply(f[1], "\x0a\x01\0\xfe", "\x02\0\0\0\0\xfe");
	routed_udp(f[2], "\x0a\x02\0\x06", 64);
	arp_reply(f[3], "\x0a\x01\0\xfe", "\x02\0\0\0\0\xef");
	routed_udp(f[4], "\x0a\x02\0\x07", 64);
	rt_n_tx = 0;
	mem_config(&c, mode, 1, 5);
	c.rx_burst = c.tx_burst = 1;
	strcpy(c.app.name, "router");
	our_addr(&c);
	memcpy(c.app.routes[0].dst, "\x0a\x02\0\0", 4);
	c.app.routes[0].prefix_len = 16;
	memcpy(c.app.routes[0].via, "\x0a\x01\0\xfe", 4);
	c.app.n_routes = 1;
	d = run_frames(&c, frames, lens, 5, &hook, &s);
	CHECK_EQ_U(s.tx, 3);
	CHECK_EQ_U(rt_n_tx, 4); /* the request, then the three packets */
	CHECK(memcmp(rt_tx[1], "\x02\0\0\0\0\xfe", 6) == 0);
	CHECK(memcmp(rt_tx[2], "\x02\0\0\0\0\xfe", 6) == 0);
	CHECK(memcmp(rt_tx[3], "\x02\0\0\0\0\xef", 6) == 0);
	CHECK(memcmp(rt_tx[3] + 30, "\x0a\x02\0\x07", 4) == 0);
	dist_destroy(d);
}

static void t_rtc_router_next_hop_mac_change(void)
{
	mac_change_case(DP_MODE_NIC);
}

/* A next hop that never answers: its packets wait, the writer retries, and at shutdown they
 * are dropped as arp_unresolved, so nothing is lost unaccounted. */
static void unresolved_case(enum dp_mode mode, uint16_t workers)
{
	uint8_t f[64];
	const uint8_t *frames[1] = { f };
	uint16_t lens[1] = { 60 };
	struct dp_config c;
	struct stats_snapshot s;
	struct dist *d;
	char err[256];
	double t0;

	routed_udp(f, "\x0a\x01\0\x63", 64);
	mem_config(&c, mode, workers, 5);
	strcpy(c.app.name, "router");
	our_addr(&c);
	CHECK(dist_create(&d, &c, NULL, err, sizeof(err)) == 0);
	CHECK(io_mem_load_frames(dist_port(d), frames, lens, 1) == 0);
	CHECK(dist_start(d, err, sizeof(err)) == 0);
	t0 = now_s();
	do {
		sleep_ms(2);
		dist_snapshot(d, &s);
	} while (s.arp_held < 5 && now_s() - t0 < 10);
	CHECK_EQ_U(s.arp_held, 5);
	CHECK_EQ_U(s.in_flight, 5);
	CHECK(s.conserved);
	dist_stop(d);
	dist_snapshot(d, &s);
	CHECK(s.final && s.conserved);
	CHECK_EQ_U(s.drops[DROP_ARP_UNRESOLVED], 5);
	CHECK_EQ_U(s.tx, 0);
	CHECK_EQ_U(s.arp_held, 0);
	dist_destroy(d);
}

static void t_sw_router_unresolved_dropped_at_stop(void)
{
	unresolved_case(DP_MODE_SW, 2);
}

static void t_rtc_router_unresolved_dropped_at_stop(void)
{
	unresolved_case(DP_MODE_NIC, 2);
}

static void t_create_rejects_unknown_app(void)
{
	struct dp_config c;
	struct dist *d;
	char err[256] = "";

	mem_config(&c, DP_MODE_SW, 1, 1);
	strcpy(c.app.name, "nope");
	CHECK(dist_create(&d, &c, NULL, err, sizeof(err)) != 0);
	CHECK(d == NULL);
	CHECK(strstr(err, "nope") != NULL);
}

/* An app whose set-up fails on worker 1: dist_create fails with the app's message, and only
 * the worker whose init succeeded gets fini. */
static int inits, finis;
static int failing_init(struct app_ctx *ctx, char *err, size_t errlen)
{
	if (ctx->worker == 1) {
		snprintf(err, errlen, "app: worker 1: no table");
		return -ENOMEM;
	}
	inits++;
	return 0;
}
static void counting_fini(struct app_ctx *ctx)
{
	finis++;
}
static const struct app_ops failing_app = {
	.name = "failing", .init = failing_init, .fini = counting_fini, .process_burst = rec_process
};

static void t_create_app_init_failure_cleans_up(void)
{
	struct dp_config c;
	struct dist *d = (struct dist *)1;
	char err[256] = "";

	inits = finis = 0;
	mem_config(&c, DP_MODE_SW, 3, 1);
	CHECK(dist_create(&d, &c, &failing_app, err, sizeof(err)) == -ENOMEM);
	CHECK(d == NULL);
	CHECK_STR(err, "app: worker 1: no table");
	CHECK_EQ_U(inits, 1);
	CHECK_EQ_U(finis, 1);
}

static void t_flowtrack_full_counts_untracked(void)
{
	struct flowtrack t;

	CHECK(flowtrack_init(&t, 0) == -EINVAL);
	CHECK(flowtrack_init(&t, 65537) == -EINVAL);
	CHECK(flowtrack_init(&t, 3) == 0);
	for (uint32_t h = 0; h < 5; h++)
		for (uint32_t k = 0; k <= h; k++)
			flowtrack_add(&t, h * 0x10000u); /* same low bits: collisions on purpose */
	CHECK_EQ_U(t.n, 3);
	CHECK_EQ_U(t.untracked, 4 + 5); /* flows 3 and 4 found the table full */
	uint64_t sum = 0;
	for (uint32_t k = 0; k <= t.mask; k++)
		sum += t.count[k];
	CHECK_EQ_U(sum, 1 + 2 + 3);
	flowtrack_free(&t);
}

CHECK_MAIN("dist", TEST(t_sw_conservation_echo), TEST(t_sw_conservation_two_io_cores),
	   TEST(t_sw_conservation_sink), TEST(t_rtc_conservation), TEST(t_sw_flow_affinity),
	   TEST(t_rtc_flow_affinity), TEST(t_sw_overload_conservation),
	   TEST(t_sw_stalled_worker_isolated), TEST(t_sw_shutdown_drains),
	   TEST(t_sw2_shutdown_drains), TEST(t_rtc_shutdown_drains), TEST(t_parse_drops_named),
	   TEST(t_sw_tx_port_full_counted), TEST(t_rtc_tx_port_full_counted), TEST(t_echo_reflects),
	   TEST(t_sw_arp_answered), TEST(t_rtc_arp_answered), TEST(t_sw_local_icmp_and_udp_echo),
	   TEST(t_rtc_local_icmp_and_udp_echo), TEST(t_create_rejects_unknown_app),
	   TEST(t_sw_router_resolves_next_hops), TEST(t_sw2_router_resolves_next_hops),
	   TEST(t_rtc_router_resolves_next_hops), TEST(t_rtc_router_next_hop_mac_change),
	   TEST(t_sw_router_unresolved_dropped_at_stop),
	   TEST(t_rtc_router_unresolved_dropped_at_stop), TEST(t_create_app_init_failure_cleans_up),
	   TEST(t_flowtrack_full_counts_untracked))
