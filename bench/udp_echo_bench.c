/* The kernel's own UDP path as a peer for the veth benchmark (bench/kernel_path.sh): N threads,
 * each with its own SO_REUSEPORT UDP socket on one port, pinned to its CPU, receiving with
 * recvmmsg and (with --echo) sending every datagram back to its source with sendmmsg.  The
 * kernel does all the protocol work; this is what an ordinary socket application gets.
 *
 *   udp_echo_bench [--port P] [--threads N] [--cpus C0,C1,..] [--echo] [--batch B]
 *                  [--rcvbuf BYTES] [--ready FILE]
 *
 * Runs until SIGINT or SIGTERM, then prints one JSON object:
 *   {"rx": .., "tx": .., "tx_failed": .., "rx_missed": .., "threads": [{"cpu", "rx", "tx",
 *    "tx_failed", "rx_missed"}, ..]}
 * rx_missed is the sockets' drop count (SK_MEMINFO_DROPS: receive buffer full and the like).
 * Blocking receive (no busy polling): the CPU it uses is the CPU the kernel path needs.
 * Exit status 0, 1 on a setup error, 2 on a usage error. */
#include <errno.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#ifndef SO_MEMINFO
#define SO_MEMINFO 55
#endif

#define MAX_THREADS 64
#define MAX_BATCH   256
#define BUF_SIZE    2048

struct worker {
	pthread_t tid;
	int fd;
	int cpu; /* -1: not pinned */
	/* written by the worker, read by main after join */
	uint64_t rx, tx, tx_failed;
} __attribute__((aligned(64)));

static volatile sig_atomic_t stop;
static int echo, batch = 64;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct mmsghdr *msgs = calloc(MAX_BATCH, sizeof(*msgs));
	struct iovec *iov = calloc(MAX_BATCH, sizeof(*iov));
	struct sockaddr_in *from = calloc(MAX_BATCH, sizeof(*from));
	char(*bufs)[BUF_SIZE] = calloc(MAX_BATCH, BUF_SIZE);

	if (!msgs || !iov || !from || !bufs) {
		fprintf(stderr, "udp_echo_bench: out of memory\n");
		stop = 1;
		goto out;
	}

	if (w->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(w->cpu, &set);
		pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	}
	while (!stop) {
		for (int i = 0; i < batch; i++) {
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = BUF_SIZE;
			msgs[i].msg_hdr = (struct msghdr){ .msg_name = &from[i],
							   .msg_namelen = sizeof(from[i]),
							   .msg_iov = &iov[i],
							   .msg_iovlen = 1 };
		}
		/* Blocks until one datagram is there (or the 100 ms receive timeout), then takes
		 * whatever else is queued, up to the batch. */
		int n = recvmmsg(w->fd, msgs, (unsigned)batch, MSG_WAITFORONE, NULL);
		if (n <= 0)
			continue;
		w->rx += (uint64_t)n;
		if (!echo)
			continue;
		for (int i = 0; i < n; i++) {
			iov[i].iov_len = msgs[i].msg_len;
			msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
		}
		int done = 0;
		while (done < n) {
			int k = sendmmsg(w->fd, msgs + done, (unsigned)(n - done), MSG_DONTWAIT);
			if (k <= 0) {
				/* Socket send buffer full or no route: count and move on, as a
				 * server that does not block on replies would. */
				w->tx_failed += (uint64_t)(n - done);
				break;
			}
			done += k;
			w->tx += (uint64_t)k;
		}
	}
out:
	free(msgs);
	free(iov);
	free(from);
	free(bufs);
	return NULL;
}

static uint64_t sock_drops(int fd)
{
	uint32_t mi[SK_MEMINFO_VARS] = { 0 };
	socklen_t len = sizeof(mi);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mi, &len) != 0 || len <= SK_MEMINFO_DROPS * 4)
		return 0;
	return mi[SK_MEMINFO_DROPS];
}

static int usage(void)
{
	fprintf(stderr, "usage: udp_echo_bench [--port P] [--threads N] [--cpus C0,C1,..] [--echo] "
			"[--batch B] [--rcvbuf BYTES] [--ready FILE]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static struct worker w[MAX_THREADS];
	int port = 9000, nthreads = 1, rcvbuf = 8 << 20, ret = 1, opened = 0;
	int cpus[MAX_THREADS], ncpus = 0;
	const char *ready = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--echo")) {
			echo = 1;
			continue;
		}
		if (!v)
			return usage();
		i++;
		if (!strcmp(a, "--port"))
			port = atoi(v);
		else if (!strcmp(a, "--threads"))
			nthreads = atoi(v);
		else if (!strcmp(a, "--batch"))
			batch = atoi(v);
		else if (!strcmp(a, "--rcvbuf"))
			rcvbuf = atoi(v);
		else if (!strcmp(a, "--ready"))
			ready = v;
		else if (!strcmp(a, "--cpus")) {
			char *s = strdup(v), *tok, *save = NULL;

			for (tok = strtok_r(s, ",", &save); tok && ncpus < MAX_THREADS;
			     tok = strtok_r(NULL, ",", &save))
				cpus[ncpus++] = atoi(tok);
			free(s);
		} else
			return usage();
	}
	if (port < 1 || port > 65535 || nthreads < 1 || nthreads > MAX_THREADS || batch < 1 ||
	    batch > MAX_BATCH || rcvbuf < 0)
		return usage();

	struct sigaction sa = { .sa_handler = on_signal }; /* no SA_RESTART: wake the receives */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	for (int i = 0; i < nthreads; i++) {
		struct sockaddr_in sin = { .sin_family = AF_INET,
					   .sin_port = htons((uint16_t)port),
					   .sin_addr.s_addr = htonl(INADDR_ANY) };
		struct timeval tv = { 0, 100000 };
		int one = 1;

		w[i].cpu = ncpus ? cpus[i % ncpus] : -1;
		w[i].fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (w[i].fd < 0) {
			perror("udp_echo_bench: socket");
			goto out;
		}
		opened = i + 1;
		if (setsockopt(w[i].fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
		    setsockopt(w[i].fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
			perror("udp_echo_bench: setsockopt");
			goto out;
		}
		/* Beyond net.core.rmem_max needs CAP_NET_ADMIN; fall back to the capped size. */
		if (rcvbuf &&
		    setsockopt(w[i].fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) != 0)
			(void)setsockopt(w[i].fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
		if (bind(w[i].fd, (struct sockaddr *)&sin, sizeof(sin))) {
			perror("udp_echo_bench: bind");
			goto out;
		}
	}
	for (int i = 0; i < nthreads; i++) {
		errno = pthread_create(&w[i].tid, NULL, worker_main, &w[i]);
		if (errno) {
			perror("udp_echo_bench: pthread_create");
			stop = 1;
			for (int k = 0; k < i; k++)
				pthread_join(w[k].tid, NULL);
			goto out;
		}
	}
	if (ready) {
		FILE *f = fopen(ready, "w");
		if (f)
			fclose(f);
	}
	for (int i = 0; i < nthreads; i++)
		pthread_join(w[i].tid, NULL);

	uint64_t rx = 0, tx = 0, txf = 0, miss = 0;
	for (int i = 0; i < nthreads; i++) {
		rx += w[i].rx;
		tx += w[i].tx;
		txf += w[i].tx_failed;
		miss += sock_drops(w[i].fd);
	}
	printf("{\"rx\":%llu,\"tx\":%llu,\"tx_failed\":%llu,\"rx_missed\":%llu,\"echo\":%s,"
	       "\"threads\":[",
	       (unsigned long long)rx, (unsigned long long)tx, (unsigned long long)txf,
	       (unsigned long long)miss, echo ? "true" : "false");
	for (int i = 0; i < nthreads; i++)
		printf("%s{\"cpu\":%d,\"rx\":%llu,\"tx\":%llu,\"tx_failed\":%llu,\"rx_missed\":%"
		       "llu}",
		       i ? "," : "", w[i].cpu, (unsigned long long)w[i].rx,
		       (unsigned long long)w[i].tx, (unsigned long long)w[i].tx_failed,
		       (unsigned long long)sock_drops(w[i].fd));
	printf("]}\n");
	ret = 0;
out:
	for (int i = 0; i < opened; i++)
		close(w[i].fd);
	return ret;
}
