// SPDX-License-Identifier: MIT
/*
 * cmd_log.c - "omnictl log [show] | set [LEVEL] [--debug GROUP[,GROUP]...]":
 * GET and PUT /v1/log (docs/api.md). The level and group names are checked
 * with common/log's own parsers before the request. "--debug none" (or an
 * empty list) turns every group's debug output off.
 */
#include <stdio.h>
#include <string.h>

#include "api_schema.h"
#include "cmd.h"
#include "http.h"
#include "log.h"
#include "render.h"

static void log_usage(FILE *f)
{
	fprintf(f,
		"Usage: omnictl log [show] [--json]\n"
		"       omnictl log set [LEVEL] [--debug GROUP[,GROUP]...|none] [--json]\n"
		"       omnictl log --debug GROUP[,GROUP]...   (same as log set --debug)\n"
		"LEVEL: err, warn, info, debug. GROUP: main tun udp oal nd peer hs scion eh\n"
		"api dns conf nl crypto. --debug replaces the list of groups with debug output.\n");
}

/* Adds the comma-separated groups of @list to @r; false after a usage error. */
static bool add_groups(struct api_log_req *r, const char *list)
{
	char buf[256], *save = NULL;

	r->has_debug = true;
	if (strcmp(list, "none") == 0 || !list[0])
		return true;
	if (!cli_copy(buf, sizeof(buf), list)) {
		cli_usage_err("log", "--debug list too long");
		return false;
	}
	for (char *g = strtok_r(buf, ",", &save); g; g = strtok_r(NULL, ",", &save)) {
		enum log_grp grp;

		if (log_grp_parse(g, &grp) < 0) {
			cli_usage_err("log", "unknown log group '%s'", g);
			return false;
		}
		if (r->n_debug == API_REQ_MAX_DEBUG) {
			cli_usage_err("log", "at most %d debug groups", API_REQ_MAX_DEBUG);
			return false;
		}
		if (!cli_copy(r->debug[r->n_debug++], sizeof(r->debug[0]), log_grp_name(grp)))
			return false;
	}
	return true;
}

static int log_set(const struct cli_opts *o, bool json, int argc, char **argv, int first)
{
	struct api_log_req r = {0}, check;
	json_t *body, *j;
	char err[256];
	int ret;

	for (int i = first; i < argc; i++) {
		enum log_level lvl;

		if (strcmp(argv[i], "--debug") == 0) {
			if (i + 1 >= argc)
				return cli_usage_err("log",
						     "--debug needs GROUP[,GROUP]... or none");
			if (!add_groups(&r, argv[++i]))
				return CLI_EXIT_FAIL;
		} else if (argv[i][0] != '-' && !r.level[0] &&
			   log_level_parse(argv[i], &lvl) == 0 &&
			   cli_copy(r.level, sizeof(r.level), argv[i])) {
			continue;
		} else {
			return cli_usage_err("log", "'%s' is not a level (err, warn, info, debug)",
					     argv[i]);
		}
	}
	if (!r.level[0] && !r.has_debug)
		return cli_usage_err("log", "set needs a LEVEL or --debug");
	body = api_log_req_encode(&r);
	if (api_log_req_decode(body, &check, err, sizeof(err)) < 0) {
		json_decref(body);
		return cli_usage_err("log", "%s", err);
	}
	ret = http_call_doc(o, "PUT", API_PATH_LOG, body, json, &j);
	json_decref(body);
	if (ret == CLI_EXIT_OK && j) {
		ret = render_doc(stdout, j) < 0 || fflush(stdout) ? CLI_EXIT_FAIL : CLI_EXIT_OK;
		json_decref(j);
	}
	return ret;
}

int cmd_log(int argc, char **argv, const struct cli_opts *o)
{
	bool json = cli_take_flag(&argc, argv, "--json");
	json_t *j;
	int ret;

	if (argc > 1 && cli_is_help(argv[1])) {
		log_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (argc > 1 && strcmp(argv[1], "set") == 0)
		return log_set(o, json, argc, argv, 2);
	if (argc > 1 && strcmp(argv[1], "--debug") == 0)
		return log_set(o, json, argc, argv, 1);
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "show") != 0))
		return cli_usage_err("log", "unknown action '%s' (show, set)", argv[1]);
	ret = http_call_doc(o, "GET", API_PATH_LOG, NULL, json, &j);
	if (ret != CLI_EXIT_OK || !j)
		return ret;
	ret = render_doc(stdout, j) < 0 || fflush(stdout) ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	json_decref(j);
	return ret;
}
