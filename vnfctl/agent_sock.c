/* The guest agent's protocol spoken directly on a unix socket: qemu-ga's own
 * (`-m unix-listen`) or QEMU's chardev for the guest's virtio-serial port.
 *
 * The stream can be out of step: a reply that came after its command timed out, a half reply,
 * bytes that are not JSON.  Two things keep replies matched to commands: every command
 * carries an id that qemu-ga copies into its reply (replies with another id are stale and
 * skipped), and after any timeout or unreadable reply the next command is preceded by
 * guest-sync-delimited: a 0xFF byte resets qemu-ga's parser, and everything up to its 0xFF
 * delimiter and the reply with our random id is discarded.  A connection the agent closed is
 * opened again by the next command. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "clock.h"
#include "agent.h"
#include "agent_sock.h"

struct agent_sock {
	int fd; /* -1 after the agent closed the connection: the next call reconnects */
	char path[108];
	int need_sync;
	int64_t next_id;
	json_tokener *tok;
	size_t obj_bytes; /* of the object being parsed */
	char buf[65536];
	size_t len, pos; /* bytes in buf, bytes of them consumed */
};

static void sock_discard(struct agent_sock *s)
{
	s->len = s->pos = 0;
	s->obj_bytes = 0;
	json_tokener_reset(s->tok);
}

/* More bytes into buf (which must be empty) before deadline. */
static int sock_fill(struct agent_sock *s, int64_t deadline)
{
	struct pollfd p = { .fd = s->fd, .events = POLLIN };
	ssize_t n;
	int left = (int)(deadline - now_ms()), r;

	if (left <= 0)
		return -ETIMEDOUT;
	r = poll(&p, 1, left);
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	if (r == 0)
		return -ETIMEDOUT;
	n = read(s->fd, s->buf, sizeof(s->buf));
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (n == 0)
		return -ECONNRESET;
	s->len = (size_t)n;
	s->pos = 0;
	return 0;
}

/* The next JSON value on the stream; whitespace and 0xFF delimiters between values are
 * skipped. */
static int sock_next_value(struct agent_sock *s, int64_t deadline, json_object **out)
{
	for (;;) {
		while (s->pos < s->len) {
			char *p = s->buf + s->pos;
			size_t n = s->len - s->pos;
			json_object *o;
			enum json_tokener_error e;

			if (s->obj_bytes == 0 && (*p == ' ' || *p == '\n' || *p == '\r' ||
						  *p == '\t' || (unsigned char)*p == 0xFF)) {
				s->pos++;
				continue;
			}
			o = json_tokener_parse_ex(s->tok, p, (int)n);
			e = json_tokener_get_error(s->tok);
			if (e == json_tokener_continue) {
				s->obj_bytes += n;
				s->pos = s->len;
				if (s->obj_bytes > AGENT_REPLY_MAX)
					return -EMSGSIZE;
				continue;
			}
			if (e != json_tokener_success)
				return -EPROTO;
			s->pos += json_tokener_get_parse_end(s->tok);
			s->obj_bytes = 0;
			json_tokener_reset(s->tok);
			*out = o;
			if (!o)
				continue; /* a bare null: not an answer to anything */
			return 0;
		}
		int rc = sock_fill(s, deadline);
		if (rc)
			return rc;
	}
}

static int sock_write_all(struct agent_sock *s, const char *p, size_t n, int64_t deadline)
{
	while (n) {
		struct pollfd pf = { .fd = s->fd, .events = POLLOUT };
		int left = (int)(deadline - now_ms());
		ssize_t w;

		if (left <= 0 || poll(&pf, 1, left) == 0)
			return -ETIMEDOUT;
		w = send(s->fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int64_t member_id(json_object *o, int *has)
{
	json_object *v;

	*has = json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, "id", &v) &&
	       json_object_is_type(v, json_type_int);
	return *has ? json_object_get_int64(v) : -1;
}

/* guest-sync-delimited: afterwards the stream is in step. */
static int sock_sync(struct agent_sock *s, int64_t deadline)
{
	char req[128];
	int64_t id;
	uint32_t r = 0;
	int rc;

	sock_discard(s);
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = (uint32_t)now_ms() ^ (uint32_t)getpid();
	id = r & 0x3fffffff;
	snprintf(req, sizeof(req),
		 "\xff{\"execute\":\"guest-sync-delimited\",\"arguments\":{\"id\":%lld}}\n",
		 (long long)id);
	rc = sock_write_all(s, req, strlen(req), deadline);
	if (rc)
		return rc;
	/* everything before qemu-ga's 0xFF delimiter is from before the reset */
	for (;;) {
		char *ff;
		if (s->pos >= s->len && (rc = sock_fill(s, deadline)))
			return rc;
		ff = memchr(s->buf + s->pos, 0xFF, s->len - s->pos);
		if (ff) {
			s->pos = (size_t)(ff - s->buf) + 1;
			break;
		}
		s->pos = s->len;
	}
	for (;;) {
		json_object *o = NULL, *v;
		int match;

		rc = sock_next_value(s, deadline, &o);
		if (rc == -EPROTO) { /* garbage after the delimiter: skip it and go on */
			sock_discard(s);
			continue;
		}
		if (rc)
			return rc;
		match = json_object_is_type(o, json_type_object) &&
			json_object_object_get_ex(o, "return", &v) &&
			json_object_is_type(v, json_type_int) && json_object_get_int64(v) == id;
		json_object_put(o);
		if (match) {
			s->need_sync = 0;
			return 0;
		}
	}
}

/* A connection to the agent at s->path. */
static int sock_connect(struct agent_sock *s, char *err, size_t errlen)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", s->path);
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->fd < 0 ||
	    (connect(s->fd, (struct sockaddr *)&addr, sizeof(addr)) && errno != EINPROGRESS)) {
		int rc = -errno;
		snprintf(err, errlen, "%s: cannot connect to the guest agent socket: %s", s->path,
			 strerror(errno));
		if (s->fd >= 0)
			close(s->fd);
		s->fd = -1;
		return rc;
	}
	return 0;
}

static int sock_call(void *ctx, json_object *cmd, int timeout_ms, json_object **reply, char *err,
		     size_t errlen)
{
	struct agent_sock *s = ctx;
	int64_t deadline = now_ms() + timeout_ms, id;
	const char *text;
	char *line = NULL;
	int rc = 0, has;

	*reply = NULL;
	if (s->fd < 0 && (rc = sock_connect(s, err, errlen)))
		return rc;
	if (s->need_sync && (rc = sock_sync(s, deadline))) {
		if (rc == -ECONNRESET || rc == -EPIPE) {
			close(s->fd);
			s->fd = -1;
		}
		snprintf(err, errlen, "the guest agent does not answer guest-sync-delimited: %s",
			 rc == -ETIMEDOUT ? "timed out" : strerror(-rc));
		goto out;
	}
	id = s->next_id++;
	json_object_object_add(cmd, "id", json_object_new_int64(id));
	text = json_object_to_json_string_ext(cmd, JSON_C_TO_STRING_PLAIN);
	if (asprintf(&line, "%s\n", text) < 0) {
		line = NULL;
		rc = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/* from here until its reply is read, the stream holds something of this command */
	s->need_sync = 1;
	rc = sock_write_all(s, line, strlen(line), deadline);
	while (!rc) {
		json_object *o = NULL;
		int64_t got;

		rc = sock_next_value(s, deadline, &o);
		if (rc)
			break;
		got = member_id(o, &has);
		if (has && got == id) {
			*reply = o;
			s->need_sync = 0;
			break;
		}
		json_object_put(o); /* stale: the answer to an earlier command */
	}
	if (rc == -ETIMEDOUT)
		snprintf(err, errlen, "no reply from the guest agent within %d ms", timeout_ms);
	else if (rc == -EPROTO)
		snprintf(err, errlen, "the guest agent's reply is not valid JSON");
	else if (rc == -EMSGSIZE)
		snprintf(err, errlen, "the guest agent's reply is larger than %u bytes",
			 AGENT_REPLY_MAX);
	else if (rc == -ECONNRESET || rc == -EPIPE)
		snprintf(err, errlen, "the guest agent closed the connection");
	else if (rc)
		snprintf(err, errlen, "guest agent socket: %s", strerror(-rc));
	if (rc == -ECONNRESET || rc == -EPIPE) {
		close(s->fd);
		s->fd = -1;
	}
out:
	json_object_object_del(cmd, "id");
	free(line);
	return rc;
}

static void sock_close(void *ctx)
{
	struct agent_sock *s = ctx;

	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	json_tokener_free(s->tok);
	free(s);
}

int agent_sock_open(struct agent *a, const char *path, char *err, size_t errlen)
{
	struct agent_sock *s = calloc(1, sizeof(*s));
	int rc = 0;

	if (!s || !(s->tok = json_tokener_new_ex(64))) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/* one read may hold a stale reply and the next one: strict mode alone would reject the
	 * bytes after the first value */
#ifdef JSON_TOKENER_ALLOW_TRAILING_CHARS
	json_tokener_set_flags(s->tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS);
#else
	json_tokener_set_flags(s->tok, JSON_TOKENER_STRICT);
#endif
	s->fd = -1;
	s->need_sync = 1;
	/* ids of another run of vnfctl on the same agent do not repeat ours */
	if (getrandom(&s->next_id, sizeof(s->next_id), GRND_NONBLOCK) != sizeof(s->next_id))
		s->next_id = now_ms();
	s->next_id = (s->next_id & 0x3fffffffffff) + 1;
	if (strlen(path) >= sizeof(s->path)) {
		snprintf(err, errlen, "%s: the socket path is too long", path);
		rc = -ENAMETOOLONG;
		goto out;
	}
	strcpy(s->path, path);
	if ((rc = sock_connect(s, err, errlen)))
		goto out;
	a->t.call = sock_call;
	a->t.close = sock_close;
	a->t.ctx = s;
	if (!a->timeout_ms)
		a->timeout_ms = AGENT_TIMEOUT_MS;
	return 0;
out:
	sock_close(s);
	return rc;
}
