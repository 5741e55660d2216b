// SPDX-License-Identifier: MIT
/*
 * main.c - omnictl entry point: global options (--socket anywhere before
 * "--", --version, --help), the subcommand table, and libcurl's process-wide
 * initialisation. Owns no protocol knowledge; every subcommand does its own
 * argument parsing and output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

#include "cmd.h"

static const struct cli_cmd commands[] = {
    {"status", cmd_status, "[--json]", "show the node, its counters and its peers"},
    {"hosts", cmd_hosts, "[--json]", "print the overlay's .internal names as a hosts block"},
    {"interfaces", cmd_view, "[--json]", "the TUN and the underlay sockets"},
    {"stats", cmd_view, "[--json]", "the global counters"},
    {"routes", cmd_routes, "[list|add P via PEER|del ID]", "prefixes routed to neighbors"},
    {"peers", cmd_peers, "[list|show|add|del|rekey]", "configured peers (see peers --help)"},
    {"servers", cmd_view, "[--json]", "AERO servers"},
    {"ehfilter", cmd_ehfilter, "[show|set K=V...]", "the extension-header policy"},
    {"log", cmd_log, "[show|set LEVEL] [--debug G]", "log level and per-group debug"},
    {"reload", cmd_reload, "[--check]", "re-read the config (--check: validate only)"},
    {"metrics", cmd_metrics, "", "Prometheus metrics (text)"},
    {"audit", cmd_audit, "[--limit N] [--json]", "the newest control-API audit records"},
    {"dns", cmd_dns, "names [--json]", "the overlay zone's names"},
    {"shutdown", cmd_shutdown, "", "stop omnid"},
    {"token", cmd_token, "inspect JWT|-", "explain an Agentic JWT (local, no daemon)"},
    {"paths", cmd_paths, "[--json]", "show the SCION paths per destination, the active one"},
    {"registrations", cmd_registrations, "[--json]", "AERO registrations (server or client)"},
    {"neighbors", cmd_neighbors, "[--json]", "the neighbor cache: peers, servers, clients, direct"},
    {"genkey", cmd_genkey, "", "print a new private key (base64 Ed25519 seed)"},
    {"pubkey", cmd_pubkey, "", "read a private key on stdin, print its public key"},
    {"decode", cmd_decode, "ipv6 [HEX]", "an IPv6 packet's extension headers and policy (JSON)"},
    {"help", NULL, "[COMMAND]", "show this help"},
};

bool cli_is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: omnictl [--socket PATH] COMMAND [ARGS]\n"
		   "       omnictl --version\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		char left[40];

		snprintf(left, sizeof(left), "%s %s", commands[i].name, commands[i].args);
		fprintf(f, "  %-38s %s\n", left, commands[i].help);
	}
	fprintf(f, "\nOptions (before or after COMMAND):\n"
		   "  --socket PATH      control-API socket (default " CLI_DEFAULT_SOCKET ")\n"
		   "  --json             print the daemon's JSON answer instead of a table\n"
		   "\nExit status: 0 success, 1 usage or local failure, 2 the daemon reported an "
		   "error.\n");
}

static const struct cli_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct cli_opts o = {.socket = CLI_DEFAULT_SOCKET};
	const struct cli_cmd *cmd;
	char **args = xcalloc((size_t)argc + 1, sizeof(*args));
	bool after_dashdash = false;
	int n = 0, ret;

	/* Pull the global options out of argv, wherever they appear before "--". */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!after_dashdash && strcmp(a, "--") == 0) {
			after_dashdash = true;
			args[n++] = argv[i];
		} else if (!after_dashdash && strcmp(a, "--socket") == 0) {
			if (i + 1 >= argc || !argv[i + 1][0]) {
				fprintf(stderr, "omnictl: --socket needs a path\n");
				ret = CLI_EXIT_FAIL;
				goto out;
			}
			o.socket = argv[++i];
		} else if (!after_dashdash && strncmp(a, "--socket=", 9) == 0) {
			if (!a[9]) {
				fprintf(stderr, "omnictl: --socket needs a path\n");
				ret = CLI_EXIT_FAIL;
				goto out;
			}
			o.socket = a + 9;
		} else {
			args[n++] = argv[i];
		}
	}

	if (n == 0) {
		usage(stderr);
		ret = CLI_EXIT_FAIL;
		goto out;
	}
	if (strcmp(args[0], "--version") == 0 || strcmp(args[0], "-V") == 0) {
		printf("omnictl %s\n", OMNID_VERSION);
		ret = CLI_EXIT_OK;
		goto out;
	}
	if (cli_is_help(args[0]) || strcmp(args[0], "help") == 0) {
		if (n > 1 && !find_cmd(args[1])) {
			fprintf(stderr, "omnictl: unknown command '%s'\n", args[1]);
			ret = CLI_EXIT_FAIL;
			goto out;
		}
		if (n > 1 && find_cmd(args[1])->fn) {
			/* "help COMMAND" is "COMMAND --help": each command owns its usage text. */
			char *sub[] = {args[1], "--help", NULL};

			ret = find_cmd(args[1])->fn(2, sub, &o);
			goto out;
		}
		usage(stdout);
		ret = CLI_EXIT_OK;
		goto out;
	}
	cmd = find_cmd(args[0]);
	if (!cmd || !cmd->fn) {
		fprintf(stderr, "omnictl: unknown %s '%s'\n",
			args[0][0] == '-' ? "option" : "command", args[0]);
		usage(stderr);
		ret = CLI_EXIT_FAIL;
		goto out;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "omnictl: cannot initialise libcurl\n");
		ret = CLI_EXIT_FAIL;
		goto out;
	}
	ret = cmd->fn(n, args, &o);
	curl_global_cleanup();
out:
	free(args);
	return ret;
}
