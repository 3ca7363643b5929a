#include <string.h>
#include "status_view.h"

static json_object *member(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static uint64_t u64(json_object *o, const char *key)
{
	json_object *v = member(o, key);
	return json_object_is_type(v, json_type_int) && json_object_get_int64(v) >= 0
		       ? json_object_get_uint64(v)
		       : 0;
}

static int64_t i64(json_object *o, const char *key, int64_t dflt)
{
	json_object *v = member(o, key);
	return json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : dflt;
}

static double dbl(json_object *o, const char *key)
{
	json_object *v = member(o, key);
	return json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)
		       ? json_object_get_double(v)
		       : 0;
}

/* Only a JSON true is true: json-c would read "no", 1 or 0.5 as true too. */
static int flag(json_object *o, const char *key)
{
	json_object *v = member(o, key);
	return json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

static const char *str(json_object *o, const char *key)
{
	json_object *v = member(o, key);
	return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

/* The sum of a thread's drop counters. */
static uint64_t drops_of(json_object *t)
{
	json_object *d = member(t, "drops");
	uint64_t sum = 0;

	if (!json_object_is_type(d, json_type_object))
		return 0;
	json_object_object_foreach(d, k, v)
	{
		(void)k;
		if (json_object_is_type(v, json_type_int) && json_object_get_int64(v) > 0)
			sum += json_object_get_uint64(v);
	}
	return sum;
}

/* Packets into a thread: a worker's are the packets it handled (from a port in run-to-
 * completion modes, from its ring in sw mode), an I/O thread's those it received. */
static uint64_t in_of(json_object *t)
{
	return member(t, "packets") ? u64(t, "packets") : u64(t, "rx");
}

static double rate(uint64_t now, uint64_t then, double dt)
{
	return dt > 0 && now >= then ? (double)(now - then) / dt / 1e6 : 0;
}

/* Calls back each thread of cur (io threads, then workers) with its match in prev. */
static void each_thread(json_object *prev, json_object *cur,
			void (*fn)(void *u, json_object *t, json_object *was), void *u)
{
	static const char *const groups[] = { "io", "workers" };

	for (int g = 0; g < 2; g++) {
		json_object *a = member(cur, groups[g]), *b = member(prev, groups[g]);
		size_t n =
			json_object_is_type(a, json_type_array) ? json_object_array_length(a) : 0;
		size_t m =
			json_object_is_type(b, json_type_array) ? json_object_array_length(b) : 0;

		for (size_t i = 0; i < n && i < 1024; i++)
			fn(u, json_object_array_get_idx(a, i),
			   i < m ? json_object_array_get_idx(b, i) : NULL);
	}
}

struct view {
	FILE *f;
	json_object *threads;
	double dt;
	double scale; /* of the rate columns: 1 for Mpps, 1000 for kpps */
};

static void thread_label(json_object *t, char *buf, size_t len)
{
	const char *role = str(t, "role");
	int64_t id = i64(t, "id", -1);

	if (id >= 0)
		snprintf(buf, len, "%.12s %lld", *role ? role : "?", (long long)id);
	else
		snprintf(buf, len, "%.16s", *role ? role : "?");
}

/* The rate columns in Mpps, or in kpps when the whole dataplane moves less than 0.1 Mpps
 * (a table of 0.001s says nothing). */
static void print_row(const struct view *v, const char *label, long long cpu, uint64_t in,
		      uint64_t out, uint64_t drops, double in_mpps, double out_mpps)
{
	char c[24] = "-"; /* not pinned */

	if (cpu == -2) /* the totals */
		c[0] = '\0';
	else if (cpu >= 0)
		snprintf(c, sizeof(c), "%lld", cpu);
	fprintf(v->f, "%-12s %4s %14llu %14llu %10llu %9.3f %9.3f\n", label, c,
		(unsigned long long)in, (unsigned long long)out, (unsigned long long)drops,
		in_mpps * v->scale, out_mpps * v->scale);
}

static void print_thread(void *u, json_object *t, json_object *was)
{
	struct view *v = u;
	char label[32];

	thread_label(t, label, sizeof(label));
	print_row(v, label, (long long)i64(t, "cpu", -1), in_of(t), u64(t, "tx"), drops_of(t),
		  rate(in_of(t), in_of(was), v->dt), rate(u64(t, "tx"), u64(was, "tx"), v->dt));
}

void status_view_print(FILE *f, const char *domain, int pid, json_object *prev, json_object *cur)
{
	struct view v = { f, NULL, dbl(cur, "uptime_s") - dbl(prev, "uptime_s"), 1 };
	uint64_t rx = u64(cur, "rx"), tx = u64(cur, "tx"), gen = u64(cur, "generated");
	double rx_rate = rate(rx, u64(prev, "rx"), v.dt), tx_rate = rate(tx, u64(prev, "tx"), v.dt);
	const char *unit = rx_rate < 0.1 && tx_rate < 0.1 ? "kpps" : "Mpps";

	if (*unit == 'k')
		v.scale = 1000;
	fprintf(f, "%s: vnfdp pid %d, mode %s, up %.1f s\n", domain, pid, str(cur, "mode"),
		dbl(cur, "uptime_s"));
	fprintf(f, "%-12s %4s %14s %14s %10s %4s %4s %4s %4s\n", "thread", "cpu", "rx", "tx",
		"drops", "rx", unit, "tx", unit);
	each_thread(prev, cur, print_thread, &v);
	print_row(&v, "total", -2, rx, tx, u64(cur, "drops_total"), rx_rate, tx_rate);
	fprintf(f,
		"conservation: rx %llu%s = tx %llu + consumed %llu + drops %llu + in flight %lld: "
		"%s\n",
		(unsigned long long)rx, gen ? " + generated" : "", (unsigned long long)tx,
		(unsigned long long)u64(cur, "consumed"),
		(unsigned long long)u64(cur, "drops_total"), (long long)i64(cur, "in_flight", 0),
		flag(cur, "conserved") ? "ok" : "NOT CONSERVED");
}

static json_object *thread_json(json_object *t, json_object *was, double dt)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "role", json_object_new_string(str(t, "role")));
	if (i64(t, "id", -1) >= 0)
		json_object_object_add(o, "id", json_object_new_int64(i64(t, "id", -1)));
	json_object_object_add(o, "cpu", json_object_new_int64(i64(t, "cpu", -1)));
	json_object_object_add(o, "rx", json_object_new_uint64(in_of(t)));
	json_object_object_add(o, "tx", json_object_new_uint64(u64(t, "tx")));
	json_object_object_add(o, "drops", json_object_new_uint64(drops_of(t)));
	json_object_object_add(o, "rx_mpps",
			       json_object_new_double(rate(in_of(t), in_of(was), dt)));
	json_object_object_add(o, "tx_mpps",
			       json_object_new_double(rate(u64(t, "tx"), u64(was, "tx"), dt)));
	return o;
}

static void add_thread(void *u, json_object *t, json_object *was)
{
	struct view *v = u;
	json_object_array_add(v->threads, thread_json(t, was, v->dt));
}

json_object *status_view_json(const char *domain, int pid, json_object *prev, json_object *cur)
{
	json_object *o = json_object_new_object();
	struct view v = { NULL, json_object_new_array(),
			  dbl(cur, "uptime_s") - dbl(prev, "uptime_s"), 1 };

	json_object_object_add(o, "domain", json_object_new_string(domain));
	json_object_object_add(o, "pid", json_object_new_int(pid));
	json_object_object_add(o, "mode", json_object_new_string(str(cur, "mode")));
	json_object_object_add(o, "uptime_s", json_object_new_double(dbl(cur, "uptime_s")));
	each_thread(prev, cur, add_thread, &v);
	json_object_object_add(o, "threads", v.threads);
	json_object *total = thread_json(cur, prev, v.dt);
	json_object_object_add(total, "role", json_object_new_string("total"));
	json_object_object_add(o, "total", total);
	json_object_object_add(o, "in_flight", json_object_new_int64(i64(cur, "in_flight", 0)));
	json_object_object_add(o, "conserved", json_object_new_boolean(flag(cur, "conserved")));
	json_object_object_add(o, "stats", json_object_get(cur));
	return o;
}
