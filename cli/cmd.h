/* SPDX-License-Identifier: MIT */
/*
 * cmd.h - omnictl's subcommand table entries and the options every
 * subcommand shares (wireguard-tools' subcommands.h pattern). Each
 * subcommand lives in its own cmd_<group>.c, parses its own arguments and
 * returns the process exit code. Rendering for humans lives with the
 * subcommand, never in common/api_schema.
 */
#pragma once

#include <jansson.h>
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
int cmd_paths(int argc, char **argv, const struct cli_opts *o);
int cmd_decode(int argc, char **argv, const struct cli_opts *o);
int cmd_registrations(int argc, char **argv, const struct cli_opts *o);
int cmd_neighbors(int argc, char **argv, const struct cli_opts *o);

int cmd_token(int argc, char **argv, const struct cli_opts *o);
int cmd_view(int argc, char **argv, const struct cli_opts *o);
int cmd_metrics(int argc, char **argv, const struct cli_opts *o);
int cmd_audit(int argc, char **argv, const struct cli_opts *o);
int cmd_dns(int argc, char **argv, const struct cli_opts *o);
int cmd_routes(int argc, char **argv, const struct cli_opts *o);
int cmd_peers(int argc, char **argv, const struct cli_opts *o);
int cmd_ehfilter(int argc, char **argv, const struct cli_opts *o);
int cmd_log(int argc, char **argv, const struct cli_opts *o);
int cmd_reload(int argc, char **argv, const struct cli_opts *o);
int cmd_shutdown(int argc, char **argv, const struct cli_opts *o);

/** True if @arg is "-h" or "--help". */
bool cli_is_help(const char *arg);

/**
 * Remove every @flag from @argv[1..] (argv[0], the subcommand, stays) and
 * shrink *@argc; @argv stays NULL-terminated. True if it was there.
 */
bool cli_take_flag(int *argc, char **argv, const char *flag);

/**
 * Print "omnictl: @cmd: <message>" and a pointer to the help to stderr, for
 * a usage error found before any request. Returns CLI_EXIT_FAIL.
 */
int cli_usage_err(const char *cmd, const char *fmt, ...) PRINTF(2, 3);

/** The string member @key of @obj, or @dflt if absent or not a string. */
const char *cli_jstr(const json_t *obj, const char *key, const char *dflt);

/** Copy @src into @dst of @size octets; false (and @dst cut) if it does not fit. */
bool cli_copy(char *dst, size_t size, const char *src);

/** True if @s can be one URL path segment as it is (1-128 unreserved characters or ':'). */
bool cli_segment_ok(const char *s);
