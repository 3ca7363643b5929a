/* Install and run the dataplane in a guest with nothing but the guest agent.  Every guest-side
 * step is one `sh -c SCRIPT sh ARGS...`: paths travel as arguments, never pasted into the
 * script. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "clock.h"
#include "deploy.h"
#include "files.h"
#include "sha256.h"

#define DEPLOY_STATE_DEFAULT "/var/lib/vnfctl/deploy"
#define NEW_SUFFIX	     ".vnfctl-new"
#define EXEC_WAIT_MS	     30000

void deploy_paths_default(struct deploy_paths *p)
{
	snprintf(p->bin, sizeof(p->bin), "/usr/local/bin/vnfdp");
	snprintf(p->cfg, sizeof(p->cfg), "/etc/vnfdp/dp.json");
	snprintf(p->socket, sizeof(p->socket), "/run/vnfdp.sock");
	snprintf(p->log, sizeof(p->log), "/var/log/vnfdp.log");
	snprintf(p->pid, sizeof(p->pid), "/run/vnfdp.pid");
}

int deploy_path_check(const char *path)
{
	size_t n = strlen(path);

	if (path[0] != '/' || n + sizeof(NEW_SUFFIX) > DEPLOY_PATH_MAX || strstr(path, "/../") ||
	    (n >= 3 && !strcmp(path + n - 3, "/..")) || path[n - 1] == '/')
		return -EINVAL;
	for (const char *c = path; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || strchr("/._-+@", *c)))
			return -EINVAL;
	return 0;
}

int deploy_config_prepare(const char *text, size_t len, const char *socket_default, char **out,
			  char socket[DEPLOY_PATH_MAX], char *err, size_t errlen)
{
	json_tokener *tok = json_tokener_new_ex(64);
	json_object *root = NULL, *stats, *sock;
	int rc = 0;

	*out = NULL;
	if (!tok) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	root = json_tokener_parse_ex(tok, text, (int)len);
	if (json_tokener_get_error(tok) == json_tokener_success) {
		size_t end = json_tokener_get_parse_end(tok);
		while (end < len && strchr(" \t\r\n", text[end]))
			end++;
		if (end < len) {
			snprintf(err, errlen, "not valid JSON: text after the object");
			rc = -EINVAL;
			goto out;
		}
	}
	if (json_tokener_get_error(tok) != json_tokener_success) {
		snprintf(err, errlen, "not valid JSON: %s",
			 json_tokener_error_desc(json_tokener_get_error(tok)));
		rc = -EINVAL;
		goto out;
	}
	if (!json_object_is_type(root, json_type_object)) {
		snprintf(err, errlen, "not a JSON object");
		rc = -EINVAL;
		goto out;
	}
	if (!json_object_object_get_ex(root, "stats", &stats)) {
		stats = json_object_new_object();
		json_object_object_add(root, "stats", stats);
	} else if (!json_object_is_type(stats, json_type_object)) {
		snprintf(err, errlen, "stats: must be an object");
		rc = -EINVAL;
		goto out;
	}
	if (!json_object_object_get_ex(stats, "socket", &sock)) {
		json_object_object_add(stats, "socket", json_object_new_string(socket_default));
		snprintf(socket, DEPLOY_PATH_MAX, "%s", socket_default);
	} else if (!json_object_is_type(sock, json_type_string) ||
		   deploy_path_check(json_object_get_string(sock))) {
		snprintf(err, errlen,
			 "stats.socket: must be an absolute path of at most %d "
			 "plain characters",
			 DEPLOY_PATH_MAX - (int)sizeof(NEW_SUFFIX));
		rc = -EINVAL;
		goto out;
	} else {
		snprintf(socket, DEPLOY_PATH_MAX, "%s", json_object_get_string(sock));
	}
	*out = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
								   JSON_C_TO_STRING_NOSLASHESCAPE));
	if (!*out) {
		snprintf(err, errlen, "out of memory");
		rc = -ENOMEM;
	}
out:
	json_object_put(root);
	json_tokener_free(tok);
	return rc;
}

/* sh -c script with args; 0 only when it ran and exited 0.  res is filled either way (the
 * caller frees it). */
static int run_sh(struct agent *a, const char *script, const char *const *args, int wait_ms,
		  struct agent_exec_result *res, char *err, size_t errlen)
{
	const char *argv[16] = { "sh", "-c", script, "sh" };
	int n = 4, rc;

	for (int i = 0; args && args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	rc = agent_exec(a, argv, NULL, wait_ms, res, err, errlen);
	if (rc)
		return rc;
	if (!res->exited) {
		snprintf(err, errlen, "a guest command did not end within %d s", wait_ms / 1000);
		return -ETIMEDOUT;
	}
	return 0;
}

/* The command's own message (stderr, else stdout), trimmed, for an error line. */
static const char *said(const struct agent_exec_result *r)
{
	char *s = r->errout && r->errout_len ? r->errout : r->out ? r->out : "";
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	return *s ? s : "no message";
}

/* Pushes data to path + NEW_SUFFIX and checks its digest there. */
static int push_verified(struct agent *a, const char *path, const void *data, size_t len,
			 const struct deploy_progress *pr, char *err, size_t errlen)
{
	char tmp[DEPLOY_PATH_MAX + sizeof(NEW_SUFFIX)], want[2 * SHA256_LEN + 1];
	const char *args[] = { tmp, NULL };
	struct agent_exec_result r;
	int rc;

	snprintf(tmp, sizeof(tmp), "%s%s", path, NEW_SUFFIX);
	rc = agent_file_write(a, tmp, data, len, pr ? pr->bytes : NULL, pr ? pr->arg : NULL, err,
			      errlen);
	if (rc)
		return rc;
	sha256_hex(data, len, want);
	rc = run_sh(a, "sha256sum \"$1\"", args, EXEC_WAIT_MS, &r, err, errlen);
	if (!rc && r.exitcode != 0) {
		snprintf(err, errlen, "sha256sum %s in the guest failed: %s", tmp, said(&r));
		rc = -EIO;
	} else if (!rc && (r.out_len < 2 * SHA256_LEN || memcmp(r.out, want, 2 * SHA256_LEN))) {
		snprintf(err, errlen,
			 "%s: the copy in the guest is not the file sent (sha256 %.64s, expected "
			 "%s)",
			 tmp, r.out_len >= 64 ? r.out : "unreadable", want);
		rc = -EIO;
	}
	agent_exec_free(&r);
	return rc;
}

/* After the agent failed during the renames (a lost or garbled reply, a timeout, a closed
 * connection), whether they ran is unknown: they may still be running.  Once the config's new
 * file is gone (or 2 s passed: they never started), the guest's sha256 of the installed files
 * decides.  0 when both are the new ones; rc with err kept when neither is; -EUCLEAN when only
 * the binary is or the guest cannot tell us. */
static int install_outcome(struct agent *a, const struct deploy_paths *p, const char *cfg_new,
			   const void *bin, size_t bin_len, const char *cfg, size_t cfg_len, int rc,
			   char *err, size_t errlen)
{
	static const char check_sh[] =
		"i=0; while [ -e \"$3\" ] && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done; "
		"sha256sum \"$1\" \"$2\"";
	const char *args[] = { p->bin, p->cfg, cfg_new, NULL };
	char want_bin[2 * SHA256_LEN + 1], want_cfg[2 * SHA256_LEN + 1], e2[256];
	struct agent_exec_result r;

	sha256_hex(bin, bin_len, want_bin);
	sha256_hex(cfg, cfg_len, want_cfg);
	for (int attempt = 0; attempt < 3; attempt++) {
		const char *nl;

		if (run_sh(a, check_sh, args, EXEC_WAIT_MS, &r, e2, sizeof(e2)))
			continue;
		nl = r.out ? memchr(r.out, '\n', r.out_len) : NULL;
		if (r.exitcode == 0 && nl && r.out_len >= 2 * SHA256_LEN &&
		    (size_t)(r.out + r.out_len - (nl + 1)) >= 2 * SHA256_LEN) {
			int new_bin = !memcmp(r.out, want_bin, 2 * SHA256_LEN);
			int new_cfg = !memcmp(nl + 1, want_cfg, 2 * SHA256_LEN);
			agent_exec_free(&r);
			if (new_bin && !new_cfg) {
				snprintf(err + strlen(err), errlen - strlen(err),
					 "; the outcome is unknown: %s is the new binary but %s is "
					 "not the new config",
					 p->bin, p->cfg);
				return -EUCLEAN;
			}
			return new_bin ? 0 : rc;
		}
		agent_exec_free(&r);
		return rc; /* a file is missing or unreadable: not our install */
	}
	snprintf(err + strlen(err), errlen - strlen(err),
		 "; checking what is installed failed too (%s): the outcome is unknown, check the "
		 "sha256 of %s in the guest",
		 e2, p->bin);
	return -EUCLEAN;
}

static void step(const struct deploy_progress *pr, const char *what)
{
	if (pr && pr->step)
		pr->step(pr->arg, what);
}

int deploy_push(struct agent *a, const struct deploy_paths *p, const void *bin, size_t bin_len,
		const char *cfg, size_t cfg_len, const struct deploy_progress *pr, char *err,
		size_t errlen)
{
	char bin_new[DEPLOY_PATH_MAX + sizeof(NEW_SUFFIX)], cfg_new[sizeof(bin_new)];
	const char *dirs[] = { p->bin, p->cfg, p->log, p->pid, p->socket, NULL };
	const char *check[] = { bin_new, cfg_new, NULL };
	const char *install[] = { bin_new, p->bin, cfg_new, p->cfg, NULL };
	struct agent_exec_result r = { 0 };
	int rc, pushed = 0;

	snprintf(bin_new, sizeof(bin_new), "%s%s", p->bin, NEW_SUFFIX);
	snprintf(cfg_new, sizeof(cfg_new), "%s%s", p->cfg, NEW_SUFFIX);
	step(pr, "creating the directories");
	rc = run_sh(a, "for f; do mkdir -p \"${f%/*}\" || exit 1; done", dirs, EXEC_WAIT_MS, &r,
		    err, errlen);
	if (!rc && r.exitcode) {
		snprintf(err, errlen, "mkdir in the guest failed: %s", said(&r));
		rc = -EIO;
	}
	agent_exec_free(&r);
	if (rc)
		goto out;
	pushed = 1;
	step(pr, "pushing the binary");
	rc = push_verified(a, p->bin, bin, bin_len, pr, err, errlen);
	if (rc)
		goto out;
	step(pr, "pushing the config");
	rc = push_verified(a, p->cfg, cfg, cfg_len, NULL, err, errlen);
	if (rc)
		goto out;
	step(pr, "checking the config with the new binary");
	rc = run_sh(a, "chmod 0755 \"$1\" && exec \"$1\" check \"$2\"", check, EXEC_WAIT_MS, &r,
		    err, errlen);
	if (!rc && r.exitcode) {
		snprintf(err, errlen, "the dataplane rejects the config: %s", said(&r));
		rc = -EINVAL;
	}
	agent_exec_free(&r);
	if (rc)
		goto out;
	step(pr, "installing");
	/* each rename is atomic: the old binary runs until the new one is complete */
	rc = run_sh(a, "chmod 0644 \"$3\" && mv -f \"$1\" \"$2\" && mv -f \"$3\" \"$4\"", install,
		    EXEC_WAIT_MS, &r, err, errlen);
	if (!rc && r.exitcode) {
		snprintf(err, errlen, "installing in the guest failed: %s", said(&r));
		rc = -EIO;
	} else if (rc) {
		/* the agent failed, not the renames: they may have run anyway */
		rc = install_outcome(a, p, cfg_new, bin, bin_len, cfg, cfg_len, rc, err, errlen);
	}
	agent_exec_free(&r);
out:
	if (rc && pushed) {
		/* best effort: the agent may be the thing that failed */
		char e2[128];
		if (!run_sh(a, "rm -f \"$1\" \"$2\"", check, EXEC_WAIT_MS, &r, e2, sizeof(e2)))
			agent_exec_free(&r);
	}
	return rc;
}

/* The running dataplane's pid ("" when none) as the guest sees it: the pid file's process,
 * if it is alive and is `BIN run`. */
static const char running_sh[] =
	"pid=$(cat \"$1\" 2>/dev/null) || exit 0; case $pid in ''|*[!0-9]*) exit 0;; esac; "
	"kill -0 \"$pid\" 2>/dev/null || exit 0; "
	"grep -qF -- \"$2\" /proc/$pid/cmdline 2>/dev/null || exit 0; "
	"echo \"$pid\"";

static int running_pid(struct agent *a, const struct deploy_paths *p, int *pid, char *err,
		       size_t errlen)
{
	const char *args[] = { p->pid, p->bin, NULL };
	struct agent_exec_result r;
	int rc = run_sh(a, running_sh, args, EXEC_WAIT_MS, &r, err, errlen);

	*pid = 0;
	if (!rc && r.exitcode) {
		snprintf(err, errlen, "reading %s in the guest failed: %s", p->pid, said(&r));
		rc = -EIO;
	}
	if (!rc && r.out_len)
		*pid = atoi(r.out);
	agent_exec_free(&r);
	return rc;
}

int deploy_start(struct agent *a, const struct deploy_paths *p, int wait_ms, int *pid, char *err,
		 size_t errlen)
{
	static const char start_sh[] =
		"[ -x \"$1\" ] && [ -r \"$2\" ] || { echo 'nothing installed' >&2; exit 4; }; "
		"echo \"== vnfctl start $(date)\" >> \"$3\"; "
		"setsid \"$1\" run \"$2\" < /dev/null >> \"$3\" 2>&1 & echo $! > \"$4\"; echo $!";
	const char *args[] = { p->bin, p->cfg, p->log, p->pid, NULL };
	const char *probe[] = { p->bin, p->socket, p->log, NULL };
	struct agent_exec_result r;
	int64_t deadline;
	int rc = running_pid(a, p, pid, err, errlen);

	if (rc)
		return rc;
	if (*pid) {
		snprintf(err, errlen, "the dataplane runs already (pid %d)", *pid);
		return -EALREADY;
	}
	rc = run_sh(a, start_sh, args, EXEC_WAIT_MS, &r, err, errlen);
	if (!rc && r.exitcode == 4) {
		snprintf(err, errlen,
			 "no dataplane is installed at %s with a config at %s (run "
			 "vnfctl deploy first)",
			 p->bin, p->cfg);
		rc = -ENOENT;
	} else if (!rc && r.exitcode) {
		snprintf(err, errlen, "starting it in the guest failed: %s", said(&r));
		rc = -EIO;
	}
	if (!rc)
		*pid = atoi(r.out ? r.out : "0");
	agent_exec_free(&r);
	if (rc)
		return rc;
	/* up when it answers on its socket; gone means it refused to start: show why */
	deadline = now_ms() + wait_ms;
	for (;;) {
		static const char probe_sh[] =
			"\"$1\" stats --socket \"$2\" > /dev/null 2>&1 && exit 0; "
			"kill -0 $4 2>/dev/null && exit 3; tail -n 5 \"$3\"; exit 2";
		const char *pa[] = { probe[0], probe[1], probe[2], NULL, NULL };
		char pidtxt[16];

		snprintf(pidtxt, sizeof(pidtxt), "%d", *pid);
		pa[3] = pidtxt;
		rc = run_sh(a, probe_sh, pa, EXEC_WAIT_MS, &r, err, errlen);
		if (rc)
			return rc;
		if (r.exitcode == 0) {
			agent_exec_free(&r);
			return 0;
		}
		if (r.exitcode == 2) {
			snprintf(err, errlen, "the dataplane exited at start: %s", said(&r));
			agent_exec_free(&r);
			return -EIO;
		}
		agent_exec_free(&r);
		if (now_ms() >= deadline) {
			snprintf(err, errlen,
				 "the dataplane (pid %d) runs but does not answer on %s after %d s",
				 *pid, p->socket, wait_ms / 1000);
			return -ETIMEDOUT;
		}
		sleep_ms(200);
	}
}

int deploy_stop(struct agent *a, const struct deploy_paths *p, int wait_ms, int *pid, int *forced,
		char *err, size_t errlen)
{
	char pidtxt[16];
	const char *args[] = { pidtxt, p->pid, NULL };
	struct agent_exec_result r;
	int64_t deadline;
	int rc = running_pid(a, p, pid, err, errlen);

	*forced = 0;
	if (rc)
		return rc;
	if (!*pid) {
		snprintf(err, errlen, "no dataplane runs");
		return -ESRCH;
	}
	snprintf(pidtxt, sizeof(pidtxt), "%d", *pid);
	deadline = now_ms() + wait_ms;
	rc = run_sh(a, "kill -TERM \"$1\"", args, EXEC_WAIT_MS, &r, err, errlen);
	agent_exec_free(&r);
	while (!rc) {
		rc = run_sh(a, "kill -0 \"$1\" 2>/dev/null", args, EXEC_WAIT_MS, &r, err, errlen);
		if (rc)
			break;
		if (r.exitcode != 0) { /* gone */
			agent_exec_free(&r);
			break;
		}
		agent_exec_free(&r);
		if (now_ms() >= deadline) {
			*forced = 1;
			rc = run_sh(a, "kill -KILL \"$1\"; sleep 1", args, EXEC_WAIT_MS, &r, err,
				    errlen);
			agent_exec_free(&r);
			break;
		}
		sleep_ms(200);
	}
	if (!rc) {
		rc = run_sh(a, "rm -f \"$2\"", args, EXEC_WAIT_MS, &r, err, errlen);
		agent_exec_free(&r);
	}
	return rc;
}

int deploy_stats(struct agent *a, const struct deploy_paths *p, json_object **stats, int *pid,
		 char *err, size_t errlen)
{
	const char *args[] = { p->bin, p->socket, NULL };
	struct agent_exec_result r;
	json_tokener *tok;
	int rc = running_pid(a, p, pid, err, errlen);

	*stats = NULL;
	if (rc)
		return rc;
	if (!*pid) {
		snprintf(err, errlen, "no dataplane runs (vnfctl start DOMAIN starts it)");
		return -ESRCH;
	}
	rc = run_sh(a, "exec \"$1\" stats --socket \"$2\"", args, EXEC_WAIT_MS, &r, err, errlen);
	if (!rc && r.exitcode) {
		snprintf(err, errlen, "vnfdp stats in the guest failed: %s", said(&r));
		rc = -EIO;
	}
	if (!rc) {
		tok = json_tokener_new_ex(64);
		*stats = tok ? json_tokener_parse_ex(tok, r.out, (int)r.out_len) : NULL;
		if (!*stats || !json_object_is_type(*stats, json_type_object)) {
			json_object_put(*stats);
			*stats = NULL;
			snprintf(err, errlen, "vnfdp stats printed no JSON object");
			rc = -EPROTO;
		}
		json_tokener_free(tok);
	}
	agent_exec_free(&r);
	return rc;
}

int deploy_logs(struct agent *a, const struct deploy_paths *p, int lines, char **text, size_t *len,
		char *err, size_t errlen)
{
	char n[16];
	const char *args[] = { n, p->log, NULL };
	struct agent_exec_result r;
	int rc;

	snprintf(n, sizeof(n), "%d", lines);
	*text = NULL;
	rc = run_sh(a, "[ -e \"$2\" ] || exit 3; exec tail -n \"$1\" \"$2\"", args, EXEC_WAIT_MS,
		    &r, err, errlen);
	if (!rc && r.exitcode == 3) {
		snprintf(err, errlen, "%s does not exist in the guest (never started?)", p->log);
		rc = -ENOENT;
	} else if (!rc && r.exitcode) {
		snprintf(err, errlen, "tail in the guest failed: %s", said(&r));
		rc = -EIO;
	}
	if (!rc) {
		*text = r.out;
		*len = r.out_len;
		r.out = NULL;
	}
	agent_exec_free(&r);
	return rc;
}

/* ---- the host-side record ------------------------------------------------------------- */

static int record_path(const char *domain, char *path, size_t len, char *err, size_t errlen)
{
	if (!*domain || strchr(domain, '/') || domain[0] == '.' ||
	    snprintf(path, len, "%s/%s.json", state_dir(DEPLOY_STATE_DEFAULT), domain) >=
		    (int)len) {
		snprintf(err, errlen, "%s: not usable as a file name", domain);
		return -EINVAL;
	}
	return 0;
}

int deploy_record_save(const char *domain, const struct deploy_paths *p, const char *bin_sha,
		       const char *cfg_sha, char *err, size_t errlen)
{
	json_object *o = json_object_new_object();
	char path[4096];
	const char *text;
	int rc = record_path(domain, path, sizeof(path), err, errlen);

	if (!rc)
		rc = state_mkdir(state_dir(DEPLOY_STATE_DEFAULT), err, errlen);
	if (rc)
		goto out;
	json_object_object_add(o, "binary", json_object_new_string(p->bin));
	json_object_object_add(o, "config", json_object_new_string(p->cfg));
	json_object_object_add(o, "socket", json_object_new_string(p->socket));
	json_object_object_add(o, "log", json_object_new_string(p->log));
	json_object_object_add(o, "pidfile", json_object_new_string(p->pid));
	json_object_object_add(o, "sha256", json_object_new_string(bin_sha));
	json_object_object_add(o, "config_sha256", json_object_new_string(cfg_sha));
	json_object_object_add(o, "deployed", json_object_new_int64((int64_t)time(NULL)));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							 JSON_C_TO_STRING_NOSLASHESCAPE);
	rc = file_write_atomic(path, text, strlen(text), 0600, err, errlen);
out:
	json_object_put(o);
	return rc;
}

static int record_field(json_object *o, const char *key, char dst[DEPLOY_PATH_MAX])
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string) ||
	    deploy_path_check(json_object_get_string(v)))
		return -EINVAL;
	snprintf(dst, DEPLOY_PATH_MAX, "%s", json_object_get_string(v));
	return 0;
}

int deploy_record_load(const char *domain, struct deploy_paths *p, char *err, size_t errlen)
{
	char path[4096], *text = NULL;
	struct deploy_paths q = *p;
	json_object *o = NULL;
	size_t len;
	int rc = record_path(domain, path, sizeof(path), err, errlen);

	if (rc)
		return rc;
	rc = file_read_all(path, &text, &len, err, errlen);
	if (rc)
		return rc;
	o = json_tokener_parse(text);
	if (!o || record_field(o, "binary", q.bin) || record_field(o, "config", q.cfg) ||
	    record_field(o, "socket", q.socket) || record_field(o, "log", q.log) ||
	    record_field(o, "pidfile", q.pid)) {
		snprintf(err, errlen, "%s: not a deploy record vnfctl wrote", path);
		rc = -EINVAL;
	} else {
		*p = q;
	}
	json_object_put(o);
	free(text);
	return rc;
}

int deploy_record_digests(const char *domain, char bin_sha[65], char cfg_sha[65])
{
	char path[4096], err[64], *text = NULL;
	json_object *o, *b, *c;
	size_t len;
	int rc = record_path(domain, path, sizeof(path), err, sizeof(err));

	if (!rc)
		rc = file_read_all(path, &text, &len, err, sizeof(err));
	if (rc)
		return rc;
	o = json_tokener_parse(text);
	if (json_object_object_get_ex(o, "sha256", &b) &&
	    json_object_object_get_ex(o, "config_sha256", &c) &&
	    json_object_get_string_len(b) == 64 && json_object_get_string_len(c) == 64) {
		memcpy(bin_sha, json_object_get_string(b), 65);
		memcpy(cfg_sha, json_object_get_string(c), 65);
	} else {
		rc = -EINVAL;
	}
	json_object_put(o);
	free(text);
	return rc;
}

int deploy_record_remove(const char *domain)
{
	char path[4096], err[64];
	int rc = record_path(domain, path, sizeof(path), err, sizeof(err));

	if (!rc && unlink(path) && errno != ENOENT)
		rc = -errno;
	return rc;
}
