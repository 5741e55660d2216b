// SPDX-License-Identifier: MIT
/*
 * cmd_reload.c - "omnictl reload [--check]" (POST /v1/reload; --check only
 * validates the files, the running config is kept either way on an error)
 * and "omnictl shutdown" (POST /v1/shutdown). The daemon's file:line
 * message of a config error goes to stderr with exit status 2.
 */
#include <stdio.h>
#include <string.h>

#include "api_schema.h"
#include "cmd.h"
#include "http.h"

int cmd_reload(int argc, char **argv, const struct cli_opts *o)
{
	bool json = cli_take_flag(&argc, argv, "--json");
	bool check = cli_take_flag(&argc, argv, "--check");
	struct api_reload_req r = {.check = check};
	json_t *body, *j;
	int ret;

	if (argc > 1 && cli_is_help(argv[1])) {
		printf("Usage: omnictl reload [--check] [--json]\n"
		       "Re-reads omnid.conf and conf.d/*.conf and applies the difference; with\n"
		       "--check only validates them. On an error the running config is kept and\n"
		       "the first error (file:line: message) is printed; exit status 2.\n");
		return CLI_EXIT_OK;
	}
	if (argc > 1)
		return cli_usage_err("reload", "unexpected argument '%s'", argv[1]);
	body = api_reload_req_encode(&r);
	ret = http_call_doc(o, "POST", API_PATH_RELOAD, body, json, &j);
	json_decref(body);
	if (ret != CLI_EXIT_OK || !j)
		return ret;
	printf("%s\n", check ? "configuration is valid" : "configuration reloaded");
	json_decref(j);
	return fflush(stdout) ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int cmd_shutdown(int argc, char **argv, const struct cli_opts *o)
{
	bool json = cli_take_flag(&argc, argv, "--json");
	json_t *j;
	int ret;

	if (argc > 1 && cli_is_help(argv[1])) {
		printf("Usage: omnictl shutdown [--json]\nStops omnid as SIGTERM does.\n");
		return CLI_EXIT_OK;
	}
	if (argc > 1)
		return cli_usage_err("shutdown", "unexpected argument '%s'", argv[1]);
	ret = http_call_doc(o, "POST", API_PATH_SHUTDOWN, NULL, json, &j);
	if (ret != CLI_EXIT_OK || !j)
		return ret;
	printf("omnid is shutting down\n");
	json_decref(j);
	return fflush(stdout) ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
