/* A QEMU guest agent client: files in and processes run inside a guest, with no guest
 * networking.  Two transports carry the commands: libvirt (virDomainQemuAgentCommand, in
 * virt.c) and a direct unix socket to qemu-ga (agent_sock.c), for QEMU started without
 * libvirt and for tests against `qemu-ga -m unix-listen`.
 *
 * Every reply is untrusted input: it is parsed with a size limit, and a reply that is not the
 * answer to the command just sent fails the call.  Errors: -errno with a message, among them
 * -ETIMEDOUT (no answer in time), -EPROTO (a reply that is not a valid answer), -ENOTSUP (the
 * guest disabled or lacks the command), -ENODEV (no agent channel), -ESRCH (guest not
 * running). */
#ifndef VNFCTL_AGENT_H
#define VNFCTL_AGENT_H
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#define AGENT_REPLY_MAX (24u << 20) /* bytes of one reply: 16 MiB of output, in base64 */
/* Bytes of file data per guest-file-write.  Measured with libvirt 9.0, QEMU 7.2 and qemu-ga
 * 7.2 in a guest: writes of 160 KiB went through, 180 KiB made libvirt drop the agent
 * ("Guest agent not available for now") until it reconnected; 48 KiB stays far below. */
#define AGENT_CHUNK	   (48u << 10)
#define AGENT_TIMEOUT_MS   10000
#define AGENT_OUTPUT_LIMIT (16u << 20) /* qemu-ga's own cap on captured output */

struct agent_transport {
	/* Sends cmd ({"execute": ..., "arguments": ...}) and returns the reply object (the
	 * caller puts it).  The transport makes sure the reply answers cmd: after a timeout or a
	 * garbled reply it resynchronises before the next command. */
	int (*call)(void *ctx, json_object *cmd, int timeout_ms, json_object **reply, char *err,
		    size_t errlen);
	void (*close)(void *ctx);
	void *ctx;
};

struct agent {
	struct agent_transport t;
	int timeout_ms; /* each call */
};

/* Runs one command; *ret gets the "return" member (the caller puts it; may be NULL to drop
 * it).  args is taken over (put), may be NULL. */
int agent_call(struct agent *a, const char *execute, json_object *args, json_object **ret,
	       char *err, size_t errlen);
void agent_close(struct agent *a);

/* Writes len bytes to path in the guest (created or truncated), in chunks of AGENT_CHUNK,
 * checking the count of every write.  progress (may be NULL) gets the bytes written so far. */
int agent_file_write(struct agent *a, const char *path, const void *buf, size_t len,
		     void (*progress)(void *arg, size_t done, size_t total), void *arg, char *err,
		     size_t errlen);

struct agent_exec_result {
	int exited;	    /* 0: still running when the wait ended */
	int exitcode;	    /* when exited normally; -1 after a signal */
	int signal;	    /* the signal that ended it, or 0 */
	char *out, *errout; /* captured, NUL-terminated (caller frees; agent_exec_free) */
	size_t out_len, errout_len;
	int truncated; /* qemu-ga cut the output at its limit */
};

/* Runs argv[0] (looked up in the guest's PATH) with argv, input on its stdin (may be NULL),
 * capturing its output, and waits up to wait_ms for it to end. */
int agent_exec(struct agent *a, const char *const *argv, const char *input, int wait_ms,
	       struct agent_exec_result *res, char *err, size_t errlen);
void agent_exec_free(struct agent_exec_result *res);

#endif
