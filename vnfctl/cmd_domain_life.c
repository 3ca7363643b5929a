/* vnfctl domain start | stop | delete: a domain's life, for plans and for users who want to
 * wait until the guest agent answers before deploying. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "agent.h"
#include "cli.h"
#include "clock.h"
#include "deploy.h"
#include "virt.h"

static int parse_secs(const struct vnfctl_cmd *c, const char *opt, const char *v, int *ms)
{
	char *end;
	double s = strtod(v, &end);

	if (!*v || *end || !(s >= 0) || s > 3600)
		return cli_usage_fail(c, "%s \"%s\": not a number of seconds in 0..3600", opt, v);
	*ms = (int)(s * 1000);
	return 0;
}

/* DOMAIN and one seconds option (name, default); 0 or an exit code. */
static int parse_one(const struct vnfctl_cmd *c, int argc, char **argv, const char *opt, int *ms,
		     const char **dom)
{
	const struct option lo[] = { { opt, required_argument, 0, 'w' }, { 0, 0, 0, 0 } };
	char flag[32];
	int ch, rc;

	snprintf(flag, sizeof(flag), "--%s", opt);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (ch != 'w')
			return cli_usage_fail(c, "unknown option or missing value: \"%s\"",
					      argv[optind - 1]);
		if ((rc = parse_secs(c, flag, optarg, ms)))
			return rc;
	}
	if (optind != argc - 1)
		return cli_usage_fail(c, "exactly one DOMAIN is required");
	*dom = argv[optind];
	return 0;
}

/* Until guest-ping succeeds or wait_ms passed. */
static int wait_agent(struct virt *v, const char *dom, int wait_ms, char *err, size_t errlen)
{
	int64_t deadline = now_ms() + wait_ms;
	int rc;

	for (;;) {
		struct agent a = { .timeout_ms = 2000 };
		rc = virt_agent_open(v, dom, &a, err, errlen);
		if (!rc)
			rc = agent_call(&a, "guest-ping", NULL, NULL, err, errlen);
		agent_close(&a);
		if (!rc || rc == -ESRCH || rc == -ENOENT || rc == -ENOTSUP || now_ms() >= deadline)
			return rc;
		sleep_ms(500);
	}
}

int cmd_domain_start(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	const struct vnfctl_cmd *c = cli_find("domain", "start");
	char err[VNFCTL_ERR_LEN];
	struct virt *v = NULL;
	const char *dom;
	int wait_ms = 0, running = 0, rc = parse_one(c, argc, argv, "wait-agent", &wait_ms, &dom);

	if (rc)
		return rc;
	if (virt_open(&v, ctx->uri, err, sizeof(err))) {
		rc = cli_fail("%s: %s", ctx->uri, err);
		goto out;
	}
	if (virt_domain_state(v, dom, &running, err, sizeof(err))) {
		rc = cli_fail("%s: %s", dom, err);
		goto out;
	}
	if (!running && virt_domain_start(v, dom, err, sizeof(err))) {
		rc = cli_fail("%s: %s", dom, err);
		goto out;
	}
	if (wait_ms && wait_agent(v, dom, wait_ms, err, sizeof(err))) {
		rc = cli_fail("%s: started, but its guest agent did not answer within %d s: %s",
			      dom, wait_ms / 1000, err);
		goto out;
	}
	printf("%s: %s%s\n", dom, running ? "runs already" : "started",
	       wait_ms ? "; its guest agent answers" : "");
out:
	virt_close(v);
	return rc;
}

int cmd_domain_stop(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	const struct vnfctl_cmd *c = cli_find("domain", "stop");
	char err[VNFCTL_ERR_LEN];
	struct virt *v = NULL;
	const char *dom;
	int wait_ms = 0, running = 0, forced = 0;
	int rc = parse_one(c, argc, argv, "wait", &wait_ms, &dom);

	if (rc)
		return rc;
	if (virt_open(&v, ctx->uri, err, sizeof(err))) {
		rc = cli_fail("%s: %s", ctx->uri, err);
		goto out;
	}
	if (virt_domain_state(v, dom, &running, err, sizeof(err)) ||
	    (running && virt_domain_stop(v, dom, wait_ms, &forced, err, sizeof(err)))) {
		rc = cli_fail("%s: %s", dom, err);
		goto out;
	}
	printf("%s: %s\n", dom,
	       !running ? "does not run"
	       : forced ? "stopped (destroyed)"
			: "shut down");
out:
	virt_close(v);
	return rc;
}

int cmd_domain_delete(const struct vnfctl_ctx *ctx, int argc, char **argv)
{
	const struct vnfctl_cmd *c = cli_find("domain", "delete");
	char err[VNFCTL_ERR_LEN];
	struct virt *v = NULL;
	int rc = 0;

	if (argc != 2 || argv[1][0] == '-')
		return cli_usage_fail(c, "exactly one DOMAIN is required");
	if (virt_open(&v, ctx->uri, err, sizeof(err)))
		rc = cli_fail("%s: %s", ctx->uri, err);
	else if (virt_domain_undefine(v, argv[1], err, sizeof(err)))
		rc = cli_fail("%s: delete: %s", argv[1], err);
	else if (deploy_record_remove(argv[1]) < 0)
		rc = cli_fail("%s: undefined, but its deploy record stays", argv[1]);
	else
		printf("%s: undefined\n", argv[1]);
	virt_close(v);
	return rc;
}
