// SPDX-License-Identifier: MIT
/*
 * cmd_routes.c - "omnictl routes [list] | add PREFIX via PEER | del ID|PREFIX":
 * GET, POST and DELETE on /v1/routes (docs/api.md). Checks the arguments
 * (prefix syntax through common/addr, the peer name and id as path-safe
 * words) before any request, so a usage error never reaches the daemon.
 */
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "api_schema.h"
#include "cmd.h"
#include "http.h"
#include "render.h"

static const char *const route_cols[] = {"id", "prefix", "peer", "source", NULL};

static void routes_usage(FILE *f)
{
	fprintf(f, "Usage: omnictl routes [list] [--json]\n"
		   "       omnictl routes add PREFIX via PEER [--json]\n"
		   "       omnictl routes del ID|PREFIX [--json]\n"
		   "A route sends PREFIX to neighbor PEER (an allowed_prefix added through the\n"
		   "API, kept in conf.d/90-api.conf). The ID is the prefix with '/' as '_'.\n");
}

static int routes_list(const struct cli_opts *o, bool json)
{
	json_t *j;
	int ret = http_call_doc(o, "GET", API_PATH_ROUTES, NULL, json, &j);

	if (ret != CLI_EXIT_OK || !j)
		return ret;
	if (!json_is_array(json_object_get(j, "routes"))) {
		fprintf(stderr, "omnictl: routes: the daemon's answer has no 'routes' list\n");
		json_decref(j);
		return CLI_EXIT_FAIL;
	}
	ret = render_table(stdout, json_object_get(j, "routes"), route_cols, "no routes");
	json_decref(j);
	return ret < 0 || fflush(stdout) ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

static int routes_add(const struct cli_opts *o, bool json, const char *prefix, const char *peer)
{
	struct api_route_req r = {0}, check;
	struct prefix p;
	json_t *body, *j;
	char err[256];
	int ret;

	if (addr_parse_prefix(prefix, &p) < 0 || !cli_copy(r.prefix, sizeof(r.prefix), prefix))
		return cli_usage_err("routes", "'%s' is not a prefix (ADDRESS/LENGTH)", prefix);
	if (!cli_segment_ok(peer) || !cli_copy(r.peer, sizeof(r.peer), peer))
		return cli_usage_err("routes", "'%s' is not a peer name", peer);
	body = api_route_req_encode(&r);
	/* The daemon's own decoder first: what it would refuse as a request is a usage error. */
	if (api_route_req_decode(body, &check, err, sizeof(err)) < 0) {
		json_decref(body);
		return cli_usage_err("routes", "%s", err);
	}
	ret = http_call_doc(o, "POST", API_PATH_ROUTES, body, json, &j);
	json_decref(body);
	if (ret != CLI_EXIT_OK || !j)
		return ret;
	printf("added route %s via %s (id %s)\n", cli_jstr(j, "prefix", prefix),
	       cli_jstr(j, "peer", peer), cli_jstr(j, "id", "?"));
	json_decref(j);
	return fflush(stdout) ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* An id is a prefix with its one '/' written as '_' (docs/api.md). */
static bool id_is_prefix(const char *id)
{
	char text[128];
	char *us;
	struct prefix p;

	snprintf(text, sizeof(text), "%s", id);
	us = strrchr(text, '_');
	if (!us)
		return false;
	*us = '/';
	return addr_parse_prefix(text, &p) == 0;
}

static int routes_del(const struct cli_opts *o, bool json, const char *arg)
{
	char id[128], path[192];
	json_t *j;
	int ret;

	/* Accept the prefix itself as well as its id. */
	if (snprintf(id, sizeof(id), "%s", arg) >= (int)sizeof(id))
		return cli_usage_err("routes", "'%s' is too long for a route id", arg);
	for (char *s = id; *s; s++) {
		if (*s == '/')
			*s = '_';
	}
	if (!cli_segment_ok(id) || !id_is_prefix(id))
		return cli_usage_err("routes", "'%s' is not a route id or prefix", arg);
	snprintf(path, sizeof(path), API_PATH_ROUTES "/%s", id);
	ret = http_call_doc(o, "DELETE", path, NULL, json, &j);
	if (ret != CLI_EXIT_OK || !j)
		return ret;
	printf("deleted route %s\n", cli_jstr(j, "deleted", id));
	json_decref(j);
	return fflush(stdout) ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int cmd_routes(int argc, char **argv, const struct cli_opts *o)
{
	bool json = cli_take_flag(&argc, argv, "--json");

	if (argc > 1 && cli_is_help(argv[1])) {
		routes_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (argc == 1 || strcmp(argv[1], "list") == 0) {
		if (argc > 2)
			return cli_usage_err("routes", "unexpected argument '%s'", argv[2]);
		return routes_list(o, json);
	}
	if (strcmp(argv[1], "add") == 0) {
		if (argc != 5 || strcmp(argv[3], "via") != 0)
			return cli_usage_err("routes", "usage: routes add PREFIX via PEER");
		return routes_add(o, json, argv[2], argv[4]);
	}
	if (strcmp(argv[1], "del") == 0 || strcmp(argv[1], "delete") == 0) {
		if (argc != 3)
			return cli_usage_err("routes", "usage: routes del ID|PREFIX");
		return routes_del(o, json, argv[2]);
	}
	return cli_usage_err("routes", "unknown action '%s' (list, add, del)", argv[1]);
}
