/* vnfdp: the guest dataplane.  The command table is data; usage text comes from it. */
#include <stdio.h>
#include <string.h>
#include "cli.h"

#define VNFDP_VERSION "0.1.0"

struct command {
	const char *name;
	int (*handler)(int argc, char **argv);
	const char *synopsis;
	const char *help;
};

static const struct command commands[] = {
	{ "run", cli_run, "CONFIG.json",
	  "run the dataplane until SIGINT/SIGTERM (or the mem generator ends)" },
	{ "check", cli_check, "CONFIG.json",
	  "validate a configuration and print it with defaults filled in" },
	{ "stats", cli_stats, "[--socket PATH] [--pretty]",
	  "print a running dataplane's statistics as JSON" },
	{ "rss", cli_rss,
	  "[--key HEX | --profile NAME] [--queues N] [--reta-size N] SRC DST [SPORT DPORT]",
	  "print the RSS hash and queue of a tuple" },
	{ "bench", cli_bench, "[--mode sw|rtc] [--workers N] [--io-cores 1|2] [--packets N] ...",
	  "in-memory generator -> engine -> TX sink; Mpps, cycles and conservation" },
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vnfdp COMMAND [ARGS]   (vnfdp COMMAND --help for details)\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-6s %s\n         %s\n", commands[i].name, commands[i].synopsis,
			commands[i].help);
	fprintf(f, "\nvnfdp --version prints the version.  Man page: vnfdp(8).\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("vnfdp %s\n", VNFDP_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].handler(argc - 1, argv + 1);
	fprintf(stderr, "vnfdp: %s: unknown command (accepted:", argv[1]);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(stderr, "%s %s", i ? "," : "", commands[i].name);
	fprintf(stderr, ")\n");
	return 2;
}
