/* libFuzzer target: arbitrary bytes as the guest agent's replies, through vnfctl's socket
 * transport (agent_sock.c: stream parsing, 0xFF delimiters, id matching, resync) and the
 * commands on top (agent.c: member checks, base64 output).  The replies are written into a
 * socketpair before the calls and the peer's end is then shut, so every read ends in data or
 * EOF and nothing waits.
 *
 * Byte 0 picks the operation (a plain call, a file write, a process run); the rest is records
 * [ctl][len][len bytes] that build the stream.  ctl & 3: raw bytes, a return, an error, a
 * 0xFF delimiter + raw bytes; (ctl >> 2) & 3: the id a reply carries: the next one the client
 * will use, the previous one (stale), one from the payload, none; (ctl >> 4) & 3: the return
 * value: the raw payload, {"pid": N}, {"exited": true, "exitcode": N, "out-data": base64 of the
 * payload}, {"count": N}.  The transport's and agent.c's own sources are included so that
 * the stream can start in step, as after a resync, with no Makefile rule of its own.  Properties, trapped when violated: no crash, no leak (ASan), a
 * failed call always leaves a message, a successful exec's output is NUL-terminated. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../vnfctl/agent.c"
#include "../../vnfctl/agent_sock.c"
#include "../../vnfctl/base64.c"

#define REQUIRE(cond)                                                                              \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

static size_t put(char *out, size_t cap, size_t n, const void *p, size_t len)
{
	if (n + len > cap)
		len = cap - n;
	memcpy(out + n, p, len);
	return n + len;
}

/* The reply stream described by the records. */
static size_t build(const uint8_t *d, size_t size, char *out, size_t cap)
{
	size_t n = 0, i = 0;
	int64_t next = 1;
	char tmp[8192];

	while (i + 2 <= size && n < cap) {
		uint8_t ctl = d[i], len = d[i + 1];
		const uint8_t *p = d + i + 2;
		char val[4096], idtxt[32] = "";
		int64_t id = -1;

		if (i + 2 + len > size)
			len = (uint8_t)(size - i - 2);
		i += 2 + (size_t)len;
		switch (ctl & 3) {
		case 0:
			n = put(out, cap, n, p, len);
			continue;
		case 3:
			n = put(out, cap, n, "\xff", 1);
			n = put(out, cap, n, p, len);
			continue;
		}
		switch ((ctl >> 2) & 3) {
		case 0:
			id = next++;
			break;
		case 1:
			id = next - 1;
			break;
		case 2:
			id = len ? p[0] : 0;
			break;
		}
		if (id >= 0)
			snprintf(idtxt, sizeof(idtxt), ", \"id\": %lld", (long long)id);
		switch ((ctl >> 4) & 3) {
		case 0:
			snprintf(val, sizeof(val), "%.*s", (int)len, (const char *)p);
			break;
		case 1:
			snprintf(val, sizeof(val), "{\"pid\": %d}", len ? p[0] : 0);
			break;
		case 2: {
			char b64[base64_encoded_len(255) + 1];
			base64_encode(p, len, b64);
			snprintf(val, sizeof(val),
				 "{\"exited\": true, \"exitcode\": %d, \"out-data\": \"%s\"}",
				 len ? p[0] - 128 : 0, b64);
			break;
		}
		default:
			snprintf(val, sizeof(val), "{\"count\": %d}", len ? p[0] : 0);
		}
		if ((ctl & 3) == 1)
			snprintf(tmp, sizeof(tmp), "{\"return\": %s%s}\n", val, idtxt);
		else
			snprintf(tmp, sizeof(tmp),
				 "{\"error\": {\"class\": \"GenericError\", \"desc\": \"%s\"}%s}\n",
				 (ctl >> 6) & 1 ? "Command guest-exec has been disabled" : "no",
				 idtxt);
		n = put(out, cap, n, tmp, strlen(tmp));
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char stream[64 << 10];
	struct agent a = { .timeout_ms = 200 };
	struct agent_sock *s;
	char err[512] = "";
	size_t n, off = 0;
	int sv[2], rc;

	if (size < 1)
		return 0;
	n = build(data + 1, size - 1, stream, sizeof(stream));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv))
		return 0;
	/* the client's end: as agent_sock_open makes it, but already in step */
	s = calloc(1, sizeof(*s));
	s->tok = json_tokener_new_ex(64);
	json_tokener_set_flags(s->tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS);
	s->fd = sv[0];
	s->next_id = 1;
	s->path[0] = '\0'; /* a reconnect fails at once */
	a.t.call = sock_call;
	a.t.close = sock_close;
	a.t.ctx = s;
	while (off < n) {
		ssize_t w = write(sv[1], stream + off, n - off);
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	shutdown(sv[1], SHUT_WR);

	switch (data[0] % 3) {
	case 0: {
		json_object *ret = NULL;
		rc = agent_call(&a, "guest-ping", NULL, &ret, err, sizeof(err));
		REQUIRE(!rc || err[0]);
		json_object_put(ret);
		/* a second call after whatever the first left in the stream */
		rc = agent_call(&a, "guest-info", NULL, NULL, err, sizeof(err));
		REQUIRE(!rc || err[0]);
		break;
	}
	case 1: {
		static const char body[] = "0123456789abcdef";
		err[0] = '\0';
		rc = agent_file_write(&a, "/tmp/x", body, data[0] & 0x80 ? sizeof(body) - 1 : 0,
				      NULL, NULL, err, sizeof(err));
		REQUIRE(!rc || err[0]);
		break;
	}
	default: {
		const char *argv[] = { "sh", "-c", "true", NULL };
		struct agent_exec_result r;
		rc = agent_exec(&a, argv, data[0] & 0x80 ? "input" : NULL, 0, &r, err, sizeof(err));
		REQUIRE(!rc || err[0]);
		if (!rc && r.exited) {
			REQUIRE(r.out && r.out[r.out_len] == '\0');
			REQUIRE(r.errout && r.errout[r.errout_len] == '\0');
		}
		if (!rc)
			agent_exec_free(&r);
		break;
	}
	}
	agent_close(&a);
	close(sv[1]);
	return 0;
}
