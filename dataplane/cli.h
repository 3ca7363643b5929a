/* vnfdp subcommands: each takes the argv after "vnfdp" (argv[0] is the subcommand name),
 * prints its own messages and returns the exit code (0 ok, 1 failure, 2 usage). */
#ifndef VNF_CLI_H
#define VNF_CLI_H

/* `PROG --help` etc.: vnfdp rss and vnfctl rss are this one command. */
int cli_rss_main(const char *prog, int argc, char **argv);
int cli_rss(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_stats(int argc, char **argv);
int cli_bench(int argc, char **argv);

#endif
