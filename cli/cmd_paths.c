// SPDX-License-Identifier: MIT
/*
 * cmd_paths.c - "omnictl paths [--json]": GET /v1/paths, the SCION path
 * store of an end host (docs/scion.md): per destination each path's name,
 * interfaces as ISD-AS#IfID hops, MTU, expiry, health, mean probe RTT and
 * which one is active. --json prints the daemon's document. Owns only the
 * rendering; every member is checked before use, and a document of the wrong
 * shape is an error, never a crash.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "http.h"

#define PATHS_API "/v1/paths"

static void paths_usage(FILE *f)
{
	fprintf(f, "Usage: omnictl [--socket PATH] paths [--json]\n"
		   "Shows the SCION paths of this end host per destination ISD-AS: hops\n"
		   "(ISD-AS#interface), MTU, expiry, health, probe RTT; '*' marks the active\n"
		   "path. --json prints the daemon's document.\n");
}

static const char *str_or(json_t *o, const char *k, const char *def)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : def;
}

static long long int_or(json_t *o, const char *k, long long def)
{
	json_t *v = json_object_get(o, k);
	return json_is_integer(v) ? (long long)json_integer_value(v) : def;
}

static int print_path(json_t *p)
{
	json_t *ifs = json_object_get(p, "interfaces");
	char hops[512] = "", exp[32] = "never", rtt[16] = "-";
	size_t n = 0, i;
	json_t *it;

	if (!json_is_object(p) || !json_is_array(ifs))
		return -1;
	const char *prev = NULL;
	/* One "ISD-AS#in,out" group per AS on the path, in order. */
	json_array_foreach(ifs, i, it)
	{
		const char *ia = str_or(it, "ia", "?");
		bool same = prev && strcmp(prev, ia) == 0;
		n += (size_t)snprintf(hops + n, sizeof(hops) - n, "%s%s%s%lld",
				      same ? ","
				      : i  ? " "
					   : "",
				      same ? "" : ia, same ? "" : "#", int_or(it, "ifid", 0));
		if (n >= sizeof(hops)) {
			n = sizeof(hops) - 1;
			break;
		}
		prev = ia;
	}
	long long e = int_or(p, "expires_ms", 0);
	if (e > 0) {
		time_t t = (time_t)(e / 1000);
		struct tm tm;
		if (gmtime_r(&t, &tm))
			strftime(exp, sizeof(exp), "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	if (json_is_integer(json_object_get(p, "rtt_ms")))
		snprintf(rtt, sizeof(rtt), "%lld ms", int_or(p, "rtt_ms", 0));
	printf("  %s %-12s mtu %-5lld %-15s rtt %-8s expires %s\n    %s\n",
	       json_is_true(json_object_get(p, "active")) ? "*" : " ", str_or(p, "name", "-"),
	       int_or(p, "mtu", 0), str_or(p, "health", "?"), rtt, exp, hops);
	return 0;
}

int cmd_paths(int argc, char **argv, const struct cli_opts *o)
{
	json_t *j, *dsts, *d, *paths, *p;
	size_t i, k;
	int ret = http_read_view(argc, argv, o, PATHS_API, paths_usage, &j);

	if (ret != CLI_EXIT_OK || !j)
		return ret;
	dsts = json_object_get(j, "destinations");
	if (!json_is_array(dsts))
		goto bad;
	if (json_array_size(dsts) == 0)
		printf("no SCION destinations (not a SCION end host)\n");
	json_array_foreach(dsts, i, d)
	{
		paths = json_object_get(d, "paths");
		if (!json_is_object(d) || !json_is_array(paths))
			goto bad;
		printf("%s (route %s): %zu paths\n", str_or(d, "isd_as", "?"),
		       str_or(d, "route", "?"), json_array_size(paths));
		json_array_foreach(paths, k, p)
		{
			if (print_path(p) < 0)
				goto bad;
		}
	}
	json_decref(j);
	return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
bad:
	fprintf(stderr, "omnictl: bad path document from omnid\n");
	json_decref(j);
	return CLI_EXIT_FAIL;
}
