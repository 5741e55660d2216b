// SPDX-License-Identifier: MIT
/*
 * cmd_aero.c - "omnictl registrations [--json]": GET /v1/registrations and
 * render AERO registration state (docs/aero.md): on a server the clients it
 * has registered (MNP, NAT-mapped origin, expiry), on a client its servers
 * (state, hub, lifetime, origin) and its route-optimized neighbors, and the
 * refusal counters; and "omnictl neighbors [--json]" (GET /v1/neighbors).
 * --json prints the daemon's document. Owns only the rendering.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api_schema.h"
#include "cmd.h"
#include "http.h"

static void reg_usage(FILE *f)
{
	fprintf(f, "Usage: omnictl [--socket PATH] registrations [--json]\n"
		   "Shows AERO registrations: a server's registered clients (and the routes\n"
		   "learned from meshed servers, marked MESH ANCHOR), or a client's servers,\n"
		   "and the counters of refused registrations.\n");
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "-";
}

static long long num(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static void render(json_t *j)
{
	size_t i;
	json_t *e;
	const char *k;

	printf("role: %s\n", str(j, "role"));
	json_t *regs = json_object_get(j, "registrations");
	if (json_array_size(regs)) {
		printf("%-16s %-28s %-24s %10s\n", "CLIENT", "MNP", "ORIGIN", "EXPIRES");
		json_array_foreach(regs, i, e)
		{
			printf("%-16s %-28s %-24s %9llds\n", str(e, "name"), str(e, "mnp"),
			       str(e, "origin"), num(e, "expires_in_ms") / 1000);
		}
	}
	json_t *srvs = json_object_get(j, "servers");
	if (json_array_size(srvs)) {
		printf("%-16s %10s %-11s %-4s %-11s %-24s %10s\n", "SERVER", "MSID", "STATE", "HUB",
		       "REACH", "SEEN AS", "EXPIRES");
		json_array_foreach(srvs, i, e)
		{
			printf("%-16s %10lld %-11s %-4s %-11s %-24s %9llds\n", str(e, "name"),
			       num(e, "msid"), str(e, "state"),
			       json_is_true(json_object_get(e, "hub")) ? "yes" : "no",
			       str(e, "reachability"), str(e, "origin"),
			       num(e, "expires_in_ms") / 1000);
		}
	}
	json_t *mr = json_object_get(j, "mesh_routes");
	if (json_array_size(mr)) {
		printf("%-16s %-28s %-24s %-9s %10s\n", "MESH ANCHOR", "MNP", "ORIGIN", "INSTALLED",
		       "EXPIRES");
		json_array_foreach(mr, i, e)
		{
			printf("%-16s %-28s %-24s %-9s %9llds\n", str(e, "anchor"), str(e, "mnp"),
			       str(e, "origin"),
			       json_is_true(json_object_get(e, "installed")) ? "yes" : "no",
			       num(e, "expires_in_ms") / 1000);
		}
	}
	json_t *ro = json_object_get(j, "route_optimized");
	if (json_array_size(ro)) {
		printf("%-12s %-28s %-24s %-6s %10s\n", "DIRECT", "MNP", "ENDPOINT", "UP",
		       "EXPIRES");
		json_array_foreach(ro, i, e)
		{
			printf("%-12s %-28s %-24s %-6s %9llds\n", str(e, "neighbor"), str(e, "mnp"),
			       str(e, "endpoint"),
			       json_is_true(json_object_get(e, "established")) ? "yes" : "no",
			       num(e, "expires_in_ms") / 1000);
		}
	}
	json_t *ctr = json_object_get(j, "counters");
	json_object_foreach(ctr, k, e)
	{
		if (json_integer_value(e))
			printf("  %s: %lld\n", k, (long long)json_integer_value(e));
	}
}

int cmd_registrations(int argc, char **argv, const struct cli_opts *o)
{
	json_t *j;
	int ret = http_read_view(argc, argv, o, API_PATH_REGISTRATIONS, reg_usage, &j);

	if (ret != CLI_EXIT_OK || !j)
		return ret;
	if (!json_is_object(j) || !json_is_string(json_object_get(j, "role"))) {
		fprintf(stderr, "omnictl: bad registrations document from omnid\n");
		json_decref(j);
		return CLI_EXIT_FAIL;
	}
	render(j);
	json_decref(j);
	return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

static void nb_usage(FILE *f)
{
	fprintf(f, "Usage: omnictl [--socket PATH] neighbors [--json]\n"
		   "Shows the neighbor cache: every neighbor with its kind (peer, server,\n"
		   "client, route-optimized), prefixes, endpoint and session state.\n");
}

int cmd_neighbors(int argc, char **argv, const struct cli_opts *o)
{
	json_t *j, *e;
	size_t i;
	int ret = http_read_view(argc, argv, o, API_PATH_NEIGHBORS, nb_usage, &j);

	if (ret != CLI_EXIT_OK || !j)
		return ret;
	json_t *arr = json_object_get(j, "neighbors");
	if (!json_is_array(arr)) {
		fprintf(stderr, "omnictl: bad neighbors document from omnid\n");
		json_decref(j);
		return CLI_EXIT_FAIL;
	}
	printf("%-16s %-16s %-24s %-4s %s\n", "NAME", "KIND", "ENDPOINT", "UP", "PREFIXES");
	json_array_foreach(arr, i, e)
	{
		json_t *pf = json_object_get(e, "prefixes"), *x;
		size_t k;
		printf("%-16s %-16s %-24s %-4s", str(e, "name"), str(e, "kind"), str(e, "endpoint"),
		       json_is_true(json_object_get(e, "established")) ? "yes" : "no");
		json_array_foreach(pf, k, x)
		{
			printf(" %s", json_string_value(x) ? json_string_value(x) : "?");
		}
		printf("\n");
		json_array_foreach(json_object_get(e, "paths"), k, x)
		{
			json_t *far = json_object_get(x, "remote");
			char fb[32] = "-";
			if (json_is_object(far))
				snprintf(fb, sizeof(fb),
					 "if %" JSON_INTEGER_FORMAT " link %" JSON_INTEGER_FORMAT,
					 json_integer_value(json_object_get(far, "if_index")),
					 json_integer_value(json_object_get(far, "link_quality")));
			printf("  path %-3" JSON_INTEGER_FORMAT
			       " underlay %-8s %-24s %-9s %-3s link %-2" JSON_INTEGER_FORMAT
			       " far %-14s rtt %" JSON_INTEGER_FORMAT
			       " ms  heard %" JSON_INTEGER_FORMAT " ms ago\n",
			       json_integer_value(json_object_get(x, "if_index")),
			       str(x, "underlay"), str(x, "endpoint"), str(x, "state"),
			       json_is_false(json_object_get(x, "usable")) ? "off" : "on",
			       json_integer_value(json_object_get(x, "link_quality")), fb,
			       json_integer_value(json_object_get(x, "rtt_ms")),
			       json_integer_value(json_object_get(x, "last_heard_ms_ago")));
		}
	}
	json_decref(j);
	return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}
