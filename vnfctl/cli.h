/* vnfctl's command table and what every command shares.  Only this layer prints: library code
 * returns -errno with an error buffer, and a command prints "vnfctl: OBJECT: WHAT: REASON". */
#ifndef VNFCTL_CLI_H
#define VNFCTL_CLI_H
#include <stdio.h>

#define VNFCTL_ERR_LEN	   512
#define VNFCTL_DEFAULT_URI "qemu:///system"

/* Exit codes. */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct vnfctl_ctx {
	const char *uri; /* --connect */
	int json;	 /* --json */
};

struct vnfctl_cmd {
	const char *group, *verb;
	int (*run)(const struct vnfctl_ctx *ctx, int argc, char **argv);
	const char *synopsis; /* arguments after "vnfctl GROUP VERB" */
	const char *summary;  /* one line */
	const char *help;     /* the rest of --help */
};

extern const struct vnfctl_cmd vnfctl_cmds[];

/* "usage: vnfctl GROUP VERB SYNOPSIS" + summary + help, from the table. */
void cli_usage(FILE *f, const struct vnfctl_cmd *c);
/* Prints "vnfctl: " + the message + newline on stderr; returns EXIT_FAIL. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* For usage errors: the message, then "try: vnfctl GROUP VERB --help"; returns EXIT_USAGE. */
int cli_usage_fail(const struct vnfctl_cmd *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const struct vnfctl_cmd *cli_find(const char *group, const char *verb);
/* Runs "GROUP [VERB] ARGS..." as the command line would (argv[0] is the group). */
int cli_dispatch(const struct vnfctl_ctx *ctx, int argc, char **argv);

int cmd_domain_attach(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_domain_detach(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_domain_show(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_domain_rewrite(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_domain_restore(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_domain_new(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_domain_start(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_domain_stop(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_domain_delete(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_up(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_doctor(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_down(const struct vnfctl_ctx *ctx, int argc, char **argv);
/* vnfctl status PLAN: one row per VM of the plan. */
int plan_status(const struct vnfctl_ctx *ctx, const char *file, int interval_ms);
int cmd_rss(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_nic_show(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_nic_setup(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_nic_restore(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_deploy(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_start(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_stop(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_status(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_logs(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_vale_create(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_vale_delete(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_vale_attach(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_vale_detach(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_vale_list(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_vale_poll(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_vale_hash(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_netmap_tune(const struct vnfctl_ctx *ctx, int argc, char **argv);
int cmd_netmap_restore(const struct vnfctl_ctx *ctx, int argc, char **argv);

#endif
