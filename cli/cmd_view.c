// SPDX-License-Identifier: MIT
/*
 * cmd_view.c - omnictl's read-only views of the control API that need no
 * arguments beyond --json: interfaces, stats, neighbors, servers, plus
 * "dns names", "metrics" (Prometheus text, printed as it came) and
 * "audit [--limit N]". A plain view is one row of views[] (and one row in
 * main.c's command table). Owns the choice of member and columns; the
 * layout is render.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "http.h"
#include "render.h"

struct view {
	const char *name;
	const char *path;
	const char *member;	 /* array member shown as a table; NULL: the whole document */
	const char *const *cols; /* NULL: every member */
	const char *empty;
};

static const char *const neighbor_cols[] = {
    "name", "state", "endpoint", "oal_addr", "rx_packets", "tx_packets", "last_rx_ms_ago", NULL};
static const char *const server_cols[] = {
    "name", "hub", "reachability", "registered", "endpoint", "last_rx_ms_ago", NULL};
static const char *const dns_cols[] = {"name", "addresses", "source", "ttl", NULL};
static const char *const audit_cols[] = {"time",   "caller",   "uid",	 "sub",	   "method", "path",
					 "object", "decision", "status", "reason", NULL};

static const struct view views[] = {
    {"interfaces", "/v1/interfaces", NULL, NULL, NULL},
    {"stats", "/v1/stats", NULL, NULL, NULL},
    {"neighbors", "/v1/neighbors", "neighbors", neighbor_cols, "no neighbors"},
    {"servers", "/v1/servers", "servers", server_cols, "no servers"},
    {"dns", "/v1/dns/names", "names", dns_cols, "no names"},
    {"audit", "/v1/audit", "records", audit_cols, "no audit records"},
};

static const struct view *find_view(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(views); i++) {
		if (strcmp(views[i].name, name) == 0)
			return &views[i];
	}
	return NULL;
}

/* Renders @j (consumed) the way @v says. */
static int show(const struct view *v, json_t *j)
{
	const json_t *rows = v->member ? json_object_get(j, v->member) : NULL;
	int ret;

	if (v->member && !json_is_array(rows)) {
		fprintf(stderr, "omnictl: %s: the daemon's answer has no '%s' list\n", v->name,
			v->member);
		json_decref(j);
		return CLI_EXIT_FAIL;
	}
	ret = rows ? render_table(stdout, rows, v->cols, v->empty) : render_doc(stdout, j);
	json_decref(j);
	return ret < 0 || fflush(stdout) != 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int cmd_view(int argc, char **argv, const struct cli_opts *o)
{
	const struct view *v = find_view(argv[0]);
	bool json = cli_take_flag(&argc, argv, "--json");
	json_t *j;
	int ret;

	if (!v)
		return cli_usage_err(argv[0], "%s", "no such view");
	if (argc > 1 && cli_is_help(argv[1])) {
		printf("Usage: omnictl %s [--json]\nGET %s\n", v->name, v->path);
		return CLI_EXIT_OK;
	}
	if (argc > 1)
		return cli_usage_err(v->name, "unexpected argument '%s'", argv[1]);
	ret = http_call_doc(o, "GET", v->path, NULL, json, &j);
	if (ret != CLI_EXIT_OK || !j)
		return ret;
	return show(v, j);
}

int cmd_dns(int argc, char **argv, const struct cli_opts *o)
{
	const struct view *v = find_view("dns");
	bool json = cli_take_flag(&argc, argv, "--json");
	json_t *j;
	int ret;

	if (argc > 1 && cli_is_help(argv[1])) {
		printf("Usage: omnictl dns names [--json]\nGET /v1/dns/names: the overlay zone's "
		       "names (see also omnictl hosts)\n");
		return CLI_EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "names") != 0)
		return cli_usage_err("dns", "expected 'names'%s",
				     argc < 2 ? "" : ", not another word");
	if (argc > 2)
		return cli_usage_err("dns", "unexpected argument '%s'", argv[2]);
	ret = http_call_doc(o, "GET", v->path, NULL, json, &j);
	if (ret != CLI_EXIT_OK || !j)
		return ret;
	if (json_is_string(json_object_get(j, "zone")))
		printf("zone %s\n", json_string_value(json_object_get(j, "zone")));
	return show(v, j);
}

int cmd_audit(int argc, char **argv, const struct cli_opts *o)
{
	const struct view *v = find_view("audit");
	bool json = cli_take_flag(&argc, argv, "--json");
	char path[64];
	long limit = 100;
	json_t *j;
	int ret;

	for (int i = 1; i < argc; i++) {
		char *end;

		if (cli_is_help(argv[i])) {
			printf("Usage: omnictl audit [--limit N] [--json]\nThe newest N (1..1000, "
			       "default 100) audit records, oldest first.\n");
			return CLI_EXIT_OK;
		}
		if (strcmp(argv[i], "--limit") != 0)
			return cli_usage_err("audit", "unexpected argument '%s'", argv[i]);
		if (i + 1 >= argc)
			return cli_usage_err("audit", "%s needs a number", "--limit");
		limit = strtol(argv[++i], &end, 10);
		if (*end || end == argv[i] || limit < 1 || limit > 1000)
			return cli_usage_err("audit", "--limit '%s' is not a number in 1..1000",
					     argv[i]);
	}
	snprintf(path, sizeof(path), "%s?limit=%ld", v->path, limit);
	ret = http_call_doc(o, "GET", path, NULL, json, &j);
	if (ret != CLI_EXIT_OK || !j)
		return ret;
	return show(v, j);
}

int cmd_metrics(int argc, char **argv, const struct cli_opts *o)
{
	if (argc > 1 && cli_is_help(argv[1])) {
		printf("Usage: omnictl metrics\nGET /v1/metrics: Prometheus text exposition "
		       "0.0.4, printed as it came.\n");
		return CLI_EXIT_OK;
	}
	if (argc > 1)
		return cli_usage_err("metrics",
				     "unexpected argument '%s' (the metrics are Prometheus "
				     "text, there is no --json)",
				     argv[1]);
	return http_call_text(o, "/v1/metrics");
}
