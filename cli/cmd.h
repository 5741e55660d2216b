/* SPDX-License-Identifier: MIT */
/*
 * cmd.h - omnictl's subcommand table entries and the options every
 * subcommand shares (wireguard-tools' subcommands.h pattern). Each
 * subcommand lives in its own cmd_<group>.c, parses its own arguments and
 * returns the process exit code. Rendering for humans lives with the
 * subcommand, never in common/api_schema.
 */
#pragma once

#include "util.h"

#define CLI_DEFAULT_SOCKET "/run/omnid/api.sock"

/* Exit codes (STYLE.md §7). */
#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1	  /* usage error or local failure (daemon unreachable, bad input) */
#define CLI_EXIT_DAEMON 2 /* the daemon answered with an error */

/* Options given before or after the subcommand name. */
struct cli_opts {
	const char *socket; /* API socket path */
};

/*
 * A subcommand: @argv[0] is its name, the global options are already
 * removed. Returns a CLI_EXIT_* code and prints its own messages.
 */
struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv, const struct cli_opts *o);
	const char *args;
	const char *help;
};

int cmd_genkey(int argc, char **argv, const struct cli_opts *o);
int cmd_pubkey(int argc, char **argv, const struct cli_opts *o);
int cmd_status(int argc, char **argv, const struct cli_opts *o);
int cmd_hosts(int argc, char **argv, const struct cli_opts *o);
int cmd_decode(int argc, char **argv, const struct cli_opts *o);
int cmd_registrations(int argc, char **argv, const struct cli_opts *o);
int cmd_neighbors(int argc, char **argv, const struct cli_opts *o);

/** True if @arg is "-h" or "--help". */
bool cli_is_help(const char *arg);
