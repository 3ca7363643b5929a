/* The dataplane inside a guest, through the guest agent: install, start, stop, statistics,
 * log.  Only POSIX sh and the commands every guest has (mkdir, mv, rm, chmod, kill, cat, tail,
 * sha256sum, setsid) are used in the guest; busybox is enough.  Library code: -errno and a
 * message, no printing. */
#ifndef VNFCTL_DEPLOY_H
#define VNFCTL_DEPLOY_H
#include <stddef.h>
#include <json-c/json.h>
#include "agent.h"

#define DEPLOY_PATH_MAX 256

/* Where things live in the guest. */
struct deploy_paths {
	char bin[DEPLOY_PATH_MAX];    /* /usr/local/bin/vnfdp */
	char cfg[DEPLOY_PATH_MAX];    /* /etc/vnfdp/dp.json */
	char socket[DEPLOY_PATH_MAX]; /* the config's stats.socket */
	char log[DEPLOY_PATH_MAX];    /* /var/log/vnfdp.log: the dataplane's stdout and stderr */
	char pid[DEPLOY_PATH_MAX];    /* /run/vnfdp.pid */
};

void deploy_paths_default(struct deploy_paths *p);
/* A guest path: absolute, no "..", no characters a shell or a reader would trip on. */
int deploy_path_check(const char *path);

/* The config to install: text must be a JSON object; without stats.socket, one is added
 * (socket_default), since status needs it.  *out (caller frees) is the text to push, socket
 * the path the dataplane will answer on.  Pure. */
int deploy_config_prepare(const char *text, size_t len, const char *socket_default, char **out,
			  char socket[DEPLOY_PATH_MAX], char *err, size_t errlen);

struct deploy_progress {
	void (*step)(void *arg, const char *what);	     /* a step begins */
	void (*bytes)(void *arg, size_t done, size_t total); /* a push goes on */
	void *arg;
};

/* Pushes the binary and the config next to their places, checks their sha256 in the guest,
 * has the new binary check the config (its message in err when it rejects it), then renames
 * both into place.  A failure at any point leaves the installed files as they were, except
 * -EUCLEAN: the agent failed while the renames ran and the guest could not say which files
 * are installed (err names what to check). */
int deploy_push(struct agent *a, const struct deploy_paths *p, const void *bin, size_t bin_len,
		const char *cfg, size_t cfg_len, const struct deploy_progress *pr, char *err,
		size_t errlen);

/* Starts `bin run cfg` detached, output appended to the log, and waits up to wait_ms until it
 * answers on its stats socket.  -EALREADY if one runs already (*pid is it), -ENOENT if
 * nothing is installed. */
int deploy_start(struct agent *a, const struct deploy_paths *p, int wait_ms, int *pid, char *err,
		 size_t errlen);
/* SIGTERM, then SIGKILL when it has not ended after wait_ms.  *forced tells which ended it;
 * -ESRCH when none runs. */
int deploy_stop(struct agent *a, const struct deploy_paths *p, int wait_ms, int *pid, int *forced,
		char *err, size_t errlen);
/* The running dataplane's statistics (`bin stats`); *pid is its process.  -ESRCH when none
 * runs. */
int deploy_stats(struct agent *a, const struct deploy_paths *p, json_object **stats, int *pid,
		 char *err, size_t errlen);
/* The last lines of its log (caller frees *text). */
int deploy_logs(struct agent *a, const struct deploy_paths *p, int lines, char **text, size_t *len,
		char *err, size_t errlen);

/* What vnfctl deployed where, kept on the host per domain ($VNFCTL_STATE_DIR or
 * /var/lib/vnfctl/deploy, DOMAIN.json) so that start/stop/status/logs find it. */
int deploy_record_save(const char *domain, const struct deploy_paths *p, const char *bin_sha,
		       const char *cfg_sha, char *err, size_t errlen);
/* The sha256 (hex) of the binary and of the config file (as given to deploy) it recorded. */
/* Forgets domain's record (its domain is gone). */
int deploy_record_remove(const char *domain);
int deploy_record_digests(const char *domain, char bin_sha[65], char cfg_sha[65]);
/* -ENOENT when there is none (p keeps what it had). */
int deploy_record_load(const char *domain, struct deploy_paths *p, char *err, size_t errlen);

#endif
