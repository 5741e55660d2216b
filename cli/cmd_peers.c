// SPDX-License-Identifier: MIT
/*
 * cmd_peers.c - "omnictl peers [list] | show NAME | add NAME ... | del NAME |
 * rekey NAME": the /v1/peers endpoints (docs/api.md). "add" builds the
 * POST body from options that mirror the [peer.NAME] keys and checks what it
 * can locally (key, prefixes, endpoints, name) so that a usage error never
 * reaches the daemon; the daemon still validates everything.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "api_schema.h"
#include "cmd.h"
#include "http.h"
#include "keys.h"
#include "render.h"

static const char *const peer_cols[] = {"name",	      "state",	"endpoint", "prefixes",
					"public_key", "source", NULL};

static void peers_usage(FILE *f)
{
	fprintf(f, "Usage: omnictl peers [list] [--json]\n"
		   "       omnictl peers show NAME [--json]\n"
		   "       omnictl peers add NAME --key KEY (--mnp PREFIX | --msid N)\n"
		   "                [--endpoint ADDR:PORT]... [--prefix PREFIX]...\n"
		   "                [--keepalive SECONDS] [--json]\n"
		   "       omnictl peers del NAME [--json]\n"
		   "       omnictl peers rekey NAME [--json]\n"
		   "--prefix adds an allowed_prefix; peers added here are kept in\n"
		   "conf.d/90-api.conf, peers from the admin's files cannot be deleted here.\n");
}

static int peers_list(const struct cli_opts *o, bool json)
{
	json_t *j;
	int ret = http_call_doc(o, "GET", API_PATH_PEERS, NULL, json, &j);

	if (ret != CLI_EXIT_OK || !j)
		return ret;
	if (!json_is_array(json_object_get(j, "peers"))) {
		fprintf(stderr, "omnictl: peers: the daemon's answer has no 'peers' list\n");
		json_decref(j);
		return CLI_EXIT_FAIL;
	}
	ret = render_table(stdout, json_object_get(j, "peers"), peer_cols, "no peers");
	json_decref(j);
	return ret < 0 || fflush(stdout) ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* show/del/rekey: one named object. */
static int peers_one(const struct cli_opts *o, bool json, const char *action, const char *name)
{
	char path[192];
	const char *method = "GET";
	json_t *j;
	int ret;

	if (!cli_segment_ok(name))
		return cli_usage_err("peers", "'%s' is not a peer name", name);
	if (strcmp(action, "rekey") == 0) {
		snprintf(path, sizeof(path), API_PATH_PEERS "/%s/rekey", name);
		method = "POST";
	} else {
		snprintf(path, sizeof(path), API_PATH_PEERS "/%s", name);
		if (strcmp(action, "show") != 0)
			method = "DELETE";
	}
	ret = http_call_doc(o, method, path, NULL, json, &j);
	if (ret != CLI_EXIT_OK || !j)
		return ret;
	if (strcmp(method, "GET") == 0)
		ret = render_doc(stdout, j) < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	else if (strcmp(method, "DELETE") == 0)
		printf("deleted peer %s\n", cli_jstr(j, "deleted", name));
	else
		printf("rekey of peer %s started\n", cli_jstr(j, "rekey", name));
	json_decref(j);
	return ret != CLI_EXIT_OK || fflush(stdout) ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (!s[0] || s[0] == '-' || s[0] == '+')
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return *end || errno || *out > max ? -EINVAL : 0;
}

/* Fills @r from argv[3..]; false after printing a usage error. */
static bool add_req(int argc, char **argv, struct api_peer_req *r)
{
	bool has_key = false;

	if (!cli_copy(r->name, sizeof(r->name), argv[2]))
		return cli_usage_err("peers", "'%s' is not a peer name", argv[2]), false;
	for (int i = 3; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		union sockaddr_any sa;
		struct prefix p;
		uint8_t key[32];
		unsigned long n;

		if (!val)
			return cli_usage_err("peers", "%s needs a value", opt), false;
		i++;
		if (strcmp(opt, "--key") == 0) {
			if (has_key || keys_b64_decode32(val, key) < 0 ||
			    !cli_copy(r->public_key, sizeof(r->public_key), val))
				return cli_usage_err("peers",
						     "--key '%s': one base64 public key (44 "
						     "characters)",
						     val),
				       false;
			has_key = true;
		} else if (strcmp(opt, "--mnp") == 0) {
			if (r->mnp[0] || addr_parse_prefix(val, &p) < 0 ||
			    !cli_copy(r->mnp, sizeof(r->mnp), val))
				return cli_usage_err(
					   "peers", "--mnp '%s': one prefix (ADDRESS/LENGTH)", val),
				       false;
		} else if (strcmp(opt, "--msid") == 0) {
			if (r->has_msid || parse_uint(val, 0xffffffffUL, &n) < 0 || n == 0)
				return cli_usage_err("peers",
						     "--msid '%s': one number, 1..4294967295", val),
				       false;
			r->has_msid = true;
			r->msid = (uint32_t)n;
		} else if (strcmp(opt, "--endpoint") == 0) {
			if (r->n_endpoints == API_REQ_MAX_ENDPOINTS)
				return cli_usage_err("peers", "at most %d --endpoint",
						     API_REQ_MAX_ENDPOINTS),
				       false;
			if (addr_parse_endpoint(val, 0, &sa) < 0 ||
			    !cli_copy(r->endpoints[r->n_endpoints], API_REQ_STR_MAX, val))
				return cli_usage_err("peers", "--endpoint '%s' is not ADDRESS:PORT",
						     val),
				       false;
			r->n_endpoints++;
		} else if (strcmp(opt, "--prefix") == 0) {
			if (r->n_allowed == API_REQ_MAX_ALLOWED)
				return cli_usage_err("peers", "at most %d --prefix",
						     API_REQ_MAX_ALLOWED),
				       false;
			if (addr_parse_prefix(val, &p) < 0 ||
			    !cli_copy(r->allowed[r->n_allowed], API_REQ_STR_MAX, val))
				return cli_usage_err("peers", "--prefix '%s' is not ADDRESS/LENGTH",
						     val),
				       false;
			r->n_allowed++;
		} else if (strcmp(opt, "--keepalive") == 0) {
			if (r->has_keepalive || parse_uint(val, 65535, &n) < 0)
				return cli_usage_err("peers", "--keepalive '%s': seconds, 0..65535",
						     val),
				       false;
			r->has_keepalive = true;
			r->keepalive = (uint32_t)n;
		} else {
			return cli_usage_err("peers", "unknown option '%s'", opt), false;
		}
	}
	if (!has_key || !!r->mnp[0] == r->has_msid)
		return cli_usage_err("peers", "add needs --key and exactly one of --mnp or --msid"),
		       false;
	return true;
}

static int peers_add(const struct cli_opts *o, bool json, int argc, char **argv)
{
	struct api_peer_req *r, *check;
	json_t *body = NULL, *j;
	char err[256];
	int ret = CLI_EXIT_FAIL;

	if (argc < 3 || argv[2][0] == '-')
		return cli_usage_err("peers", "add needs a NAME first");
	if (!cli_segment_ok(argv[2]))
		return cli_usage_err("peers", "'%s' is not a peer name", argv[2]);
	r = xcalloc(1, sizeof(*r));
	check = xcalloc(1, sizeof(*check));
	if (!add_req(argc, argv, r))
		goto out;
	body = api_peer_req_encode(r);
	/* The daemon's own decoder first: what it would refuse as a request is a usage error. */
	if (api_peer_req_decode(body, check, err, sizeof(err)) < 0) {
		cli_usage_err("peers", "%s", err);
		goto out;
	}
	ret = http_call_doc(o, "POST", API_PATH_PEERS, body, json, &j);
	if (ret == CLI_EXIT_OK && j) {
		printf("added peer %s\n", cli_jstr(j, "name", argv[2]));
		json_decref(j);
		ret = fflush(stdout) ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	}
out:
	json_decref(body);
	free(r);
	free(check);
	return ret;
}

int cmd_peers(int argc, char **argv, const struct cli_opts *o)
{
	bool json = cli_take_flag(&argc, argv, "--json");

	if (argc > 1 && cli_is_help(argv[1])) {
		peers_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (argc == 1 || strcmp(argv[1], "list") == 0) {
		if (argc > 2)
			return cli_usage_err("peers", "unexpected argument '%s'", argv[2]);
		return peers_list(o, json);
	}
	if (strcmp(argv[1], "add") == 0)
		return peers_add(o, json, argc, argv);
	if (strcmp(argv[1], "show") == 0 || strcmp(argv[1], "del") == 0 ||
	    strcmp(argv[1], "delete") == 0 || strcmp(argv[1], "rekey") == 0) {
		if (argc != 3)
			return cli_usage_err("peers", "usage: peers %s NAME", argv[1]);
		return peers_one(o, json, argv[1], argv[2]);
	}
	return cli_usage_err("peers", "unknown action '%s' (list, show, add, del, rekey)", argv[1]);
}
