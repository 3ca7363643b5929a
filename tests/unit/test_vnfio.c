/* The vnfio API on the in-memory backend, driven from the test's own threads: every packet the
 * generator makes reaches a queue once, released packets are consumed, allocated ones are
 * generated, and a packet to a neighbour that never answers is held and then counted at close.
 * Both distribution modes. */
#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "vnfio.h"

#define PACKETS 20000

struct qarg {
	struct vnfio_queue *q;
	unsigned long got, v4; /* written by the queue's thread: read with __atomic */
	int *stop;
};

static void *drain(void *arg)
{
	struct qarg *a = arg;
	struct vnfio_pkt *p[32];

	while (!__atomic_load_n(a->stop, __ATOMIC_ACQUIRE)) {
		uint16_t n = vnfio_rx_burst(a->q, p, 32);
		for (uint16_t i = 0; i < n; i++)
			a->v4 += vnfio_pkt_ip_version(p[i]) == 4 && vnfio_pkt_ip_len(p[i]) >= 28;
		__atomic_store_n(&a->got, a->got + n, __ATOMIC_RELEASE);
		vnfio_rx_release(a->q, p, n);
		if (!n)
			usleep(100);
	}
	return NULL;
}

/* A number from the statistics JSON: key, or key.sub; -1 if absent. */
static long jget(const char *json, const char *key, const char *sub)
{
	json_object *root = json_tokener_parse(json), *v = NULL;
	long r = -1;

	if (root && json_object_object_get_ex(root, key, &v) &&
	    (!sub || json_object_object_get_ex(v, sub, &v)))
		r = (long)json_object_get_int64(v);
	json_object_put(root);
	return r;
}

static char *write_config(const char *mode, unsigned workers)
{
	static char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/tmp/test_vnfio.%d.json", (int)getpid());
	f = fopen(path, "w");
	if (!f)
		return NULL;
	fprintf(f,
		"{\"mode\": \"%s\", \"workers\": %u, \"port\": {\"backend\": \"mem\", \"iface\": "
		"\"m\", \"mem\": {\"packets\": %d, \"flows\": 64, \"rate\": 100000}}, \"addrs\": "
		"[\"198.18.0.1/16\"], "
		"\"mac\": \"02:00:00:00:00:01\"}",
		mode, workers, PACKETS);
	fclose(f);
	return path;
}

static void case_mode(const char *mode)
{
	char err[VNFIO_ERR_LEN], *json, *path = write_config(mode, 2);
	struct vnfio *io;
	struct qarg a[2];
	pthread_t t[2];
	int stop = 0;
	unsigned long total = 0;

	CHECK(path != NULL);
	CHECK(vnfio_open(&io, path, err, sizeof(err)) == 0);
	unlink(path);
	CHECK_EQ_U(vnfio_queue_count(io), 2);
	CHECK(vnfio_queue(io, 2) == NULL);

	/* queue 1 makes a packet to a neighbour nobody answers for: ARP holds it */
	struct vnfio_queue *q1 = vnfio_queue(io, 1);
	struct vnfio_pkt *p;
	CHECK_EQ_U(vnfio_tx_alloc(q1, &p, 1), 1);
	CHECK_EQ_U(vnfio_pkt_ip_version(p), 4);
	uint8_t *ip = vnfio_pkt_ip(p);
	memset(ip, 0, 28);
	ip[0] = 0x45;
	ip[3] = 28;
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, "\xc6\x12\0\x01\xc6\x12\x07\x07", 8);
	CHECK(vnfio_pkt_set_ip_len(p, 28) == 0);
	CHECK(vnfio_pkt_set_ip_len(p, (uint16_t)(vnfio_pkt_ip_room(p) + 1)) != 0);
	vnfio_tx_burst(q1, &p, 1);

	for (int i = 0; i < 2; i++) {
		a[i] = (struct qarg){ vnfio_queue(io, (unsigned)i), 0, 0, &stop };
		pthread_create(&t[i], NULL, drain, &a[i]);
	}
	/* until the port has delivered everything and only the held packet is in flight (sw
	 * mode may drop what a slow queue thread leaves in its ring: counted, not lost) */
	for (int i = 0; i < 3000; i++) {
		json = vnfio_stats(io);
		CHECK(json != NULL);
		long rx = jget(json, "rx", NULL), in_flight = jget(json, "in_flight", NULL);
		free(json);
		if (rx == PACKETS && in_flight == 1)
			break;
		usleep(2000);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < 2; i++) {
		pthread_join(t[i], NULL);
		total += a[i].got;
		CHECK(a[i].got == a[i].v4);
	}
	json = vnfio_close(io);
	CHECK(json != NULL);
	if (json) {
		long ring_full = jget(json, "drops", "worker_ring_full");
		CHECK(strstr(json, "\"conserved\":true") != NULL);
		CHECK_EQ_U(jget(json, "generated", NULL), 1);
		CHECK_EQ_U(jget(json, "rx", NULL), PACKETS);
		/* every packet reached a queue once, or was dropped before it, by name */
		CHECK_EQ_U(total + (unsigned long)ring_full, PACKETS);
		CHECK_EQ_U(jget(json, "consumed", NULL), total);
		CHECK(total > PACKETS / 2);
		CHECK_EQ_U(jget(json, "drops", "arp_unresolved"), 1);
		CHECK(jget(json, "arp", "requests_sent") >= 1);
	}
	free(json);
}

static void t_sw_queues_rx_release_alloc(void)
{
	case_mode("sw");
}

static void t_rtc_queues_rx_release_alloc(void)
{
	case_mode("nic");
}

static void t_open_names_bad_config(void)
{
	char err[VNFIO_ERR_LEN] = "";
	struct vnfio *io = (struct vnfio *)1;

	CHECK(vnfio_open(&io, "/nonexistent/dp.json", err, sizeof(err)) != 0);
	CHECK(io == NULL);
	CHECK(strstr(err, "/nonexistent/dp.json") != NULL);
}

CHECK_MAIN("vnfio", TEST(t_sw_queues_rx_release_alloc), TEST(t_rtc_queues_rx_release_alloc),
	   TEST(t_open_names_bad_config))
