/* The guest agent's commands on top of a transport: replies are checked member by member,
 * since a guest can send anything. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "clock.h"
#include "agent.h"
#include "base64.h"

/* qemu-ga's error classes for a command it does not offer. */
static int error_is_missing_command(const char *cls, const char *desc)
{
	return (cls && !strcmp(cls, "CommandNotFound")) ||
	       (desc && (strstr(desc, "has been disabled") || strstr(desc, "not been found") ||
			 strstr(desc, "not found")));
}

static const char *member_string(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int agent_call(struct agent *a, const char *execute, json_object *args, json_object **ret,
	       char *err, size_t errlen)
{
	json_object *cmd = json_object_new_object(), *reply = NULL, *v;
	int rc;

	if (ret)
		*ret = NULL;
	json_object_object_add(cmd, "execute", json_object_new_string(execute));
	if (args)
		json_object_object_add(cmd, "arguments", args);
	rc = a->t.call(a->t.ctx, cmd, a->timeout_ms, &reply, err, errlen);
	if (rc)
		goto out;
	if (!json_object_is_type(reply, json_type_object)) {
		snprintf(err, errlen, "%s: the guest agent's reply is not a JSON object", execute);
		rc = -EPROTO;
	} else if (json_object_object_get_ex(reply, "error", &v)) {
		const char *cls = member_string(v, "class"), *desc = member_string(v, "desc");
		if (error_is_missing_command(cls, desc)) {
			snprintf(err, errlen,
				 "the guest agent command %s is disabled or unknown in the guest "
				 "(%s; see qemu-ga's --allow-rpcs/--block-rpcs)",
				 execute, desc ? desc : "CommandNotFound");
			rc = -ENOTSUP;
		} else {
			snprintf(err, errlen, "%s: the guest agent says: %s", execute,
				 desc ? desc : "an error without a description");
			rc = -EIO;
		}
	} else if (json_object_object_get_ex(reply, "return", &v)) {
		if (ret)
			*ret = json_object_get(v);
	} else {
		snprintf(err, errlen, "%s: the guest agent's reply has neither return nor error",
			 execute);
		rc = -EPROTO;
	}
out:
	json_object_put(reply);
	json_object_put(cmd);
	return rc;
}

void agent_close(struct agent *a)
{
	if (a && a->t.close)
		a->t.close(a->t.ctx);
}

/* An integer member in range, or -EPROTO. */
static int member_int(json_object *o, const char *key, int64_t min, int64_t max, int64_t *out)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return -EPROTO;
	errno = 0;
	*out = json_object_get_int64(v);
	return errno || *out < min || *out > max ? -EPROTO : 0;
}

static int file_close(struct agent *a, int64_t handle, char *err, size_t errlen)
{
	json_object *args = json_object_new_object();

	json_object_object_add(args, "handle", json_object_new_int64(handle));
	return agent_call(a, "guest-file-close", args, NULL, err, errlen);
}

int agent_file_write(struct agent *a, const char *path, const void *buf, size_t len,
		     void (*progress)(void *arg, size_t done, size_t total), void *arg, char *err,
		     size_t errlen)
{
	json_object *args = json_object_new_object(), *r = NULL;
	char *b64 = malloc(base64_encoded_len(AGENT_CHUNK) + 1), cerr[256];
	int64_t handle = -1, count;
	size_t done = 0;
	int rc;

	if (!b64) {
		json_object_put(args);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	json_object_object_add(args, "path", json_object_new_string(path));
	json_object_object_add(args, "mode", json_object_new_string("w"));
	rc = agent_call(a, "guest-file-open", args, &r, err, errlen);
	if (rc)
		goto out;
	if (!json_object_is_type(r, json_type_int) || (handle = json_object_get_int64(r)) < 0) {
		snprintf(err, errlen, "guest-file-open: the reply is not a file handle");
		rc = -EPROTO;
		handle = -1;
		goto out;
	}
	while (done < len) {
		size_t n = len - done < AGENT_CHUNK ? len - done : AGENT_CHUNK;

		json_object_put(r);
		r = NULL;
		base64_encode((const uint8_t *)buf + done, n, b64);
		args = json_object_new_object();
		json_object_object_add(args, "handle", json_object_new_int64(handle));
		json_object_object_add(args, "buf-b64", json_object_new_string(b64));
		rc = agent_call(a, "guest-file-write", args, &r, err, errlen);
		if (rc)
			goto out;
		if (member_int(r, "count", 0, (int64_t)n, &count) || (size_t)count != n) {
			snprintf(err, errlen,
				 "guest-file-write: %s: the guest did not confirm %zu bytes at "
				 "offset "
				 "%zu (disk full, or a bad reply)",
				 path, n, done);
			rc = -EIO;
			goto out;
		}
		done += n;
		if (progress)
			progress(arg, done, len);
	}
out:
	/* a failed close after the data went in means it may not be on disk: an error too */
	if (handle >= 0) {
		int crc = file_close(a, handle, cerr, sizeof(cerr));
		if (crc && !rc) {
			snprintf(err, errlen, "%s", cerr);
			rc = crc;
		}
	}
	json_object_put(r);
	free(b64);
	return rc;
}

static char *decode_output(json_object *st, const char *key, size_t *len, int *bad)
{
	const char *text = member_string(st, key);
	size_t tl = text ? strlen(text) : 0;
	char *out = malloc(tl * 3 / 4 + 1);
	long n = 0;

	*len = 0;
	if (!out)
		return NULL;
	if (text && (n = base64_decode(text, tl, (uint8_t *)out)) < 0) {
		*bad = 1;
		n = 0;
	}
	out[n] = '\0';
	*len = (size_t)n;
	return out;
}

int agent_exec(struct agent *a, const char *const *argv, const char *input, int wait_ms,
	       struct agent_exec_result *res, char *err, size_t errlen)
{
	json_object *args = json_object_new_object(), *arr, *r = NULL, *st = NULL, *v;
	int64_t pid, deadline = now_ms() + wait_ms, x;
	int rc, pause = 20, bad = 0;

	memset(res, 0, sizeof(*res));
	res->exitcode = -1;
	json_object_object_add(args, "path", json_object_new_string(argv[0]));
	arr = json_object_new_array();
	for (int i = 1; argv[i]; i++)
		json_object_array_add(arr, json_object_new_string(argv[i]));
	json_object_object_add(args, "arg", arr);
	json_object_object_add(args, "capture-output", json_object_new_boolean(1));
	if (input) {
		char *b64 = malloc(base64_encoded_len(strlen(input)) + 1);
		if (!b64) {
			json_object_put(args);
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		base64_encode((const uint8_t *)input, strlen(input), b64);
		json_object_object_add(args, "input-data", json_object_new_string(b64));
		free(b64);
	}
	rc = agent_call(a, "guest-exec", args, &r, err, errlen);
	if (rc)
		goto out;
	if (member_int(r, "pid", 1, INT32_MAX, &pid)) {
		snprintf(err, errlen, "guest-exec: the reply has no valid pid");
		rc = -EPROTO;
		goto out;
	}
	for (;;) {
		args = json_object_new_object();
		json_object_object_add(args, "pid", json_object_new_int64(pid));
		json_object_put(st);
		st = NULL;
		rc = agent_call(a, "guest-exec-status", args, &st, err, errlen);
		if (rc)
			goto out;
		if (!json_object_object_get_ex(st, "exited", &v) ||
		    !json_object_is_type(v, json_type_boolean)) {
			snprintf(err, errlen, "guest-exec-status: the reply has no exited flag");
			rc = -EPROTO;
			goto out;
		}
		if (json_object_get_boolean(v))
			break;
		if (now_ms() >= deadline)
			goto out; /* still running: res->exited stays 0 */
		sleep_ms(pause);
		pause = pause < 200 ? pause * 2 : 200;
	}
	res->exited = 1;
	if (!member_int(st, "exitcode", INT32_MIN, INT32_MAX, &x))
		res->exitcode = (int)x;
	if (!member_int(st, "signal", 0, 255, &x))
		res->signal = (int)x;
	res->out = decode_output(st, "out-data", &res->out_len, &bad);
	res->errout = decode_output(st, "err-data", &res->errout_len, &bad);
	if (!res->out || !res->errout) {
		snprintf(err, errlen, "out of memory");
		rc = -ENOMEM;
	} else if (bad) {
		snprintf(err, errlen, "guest-exec-status: the output is not valid base64");
		rc = -EPROTO;
	}
	res->truncated =
		json_object_object_get_ex(st, "out-truncated", &v) && json_object_get_boolean(v);
out:
	if (rc)
		agent_exec_free(res);
	json_object_put(r);
	json_object_put(st);
	return rc;
}

void agent_exec_free(struct agent_exec_result *res)
{
	free(res->out);
	free(res->errout);
	res->out = res->errout = NULL;
	res->out_len = res->errout_len = 0;
}
