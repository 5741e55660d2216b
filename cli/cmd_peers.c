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
	int ret = http_call_doc(o, "GET", "/v1/peers", NULL, json, &j);

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
		snprintf(path, sizeof(path), "/v1/peers/%s/rekey", name);
		method = "POST";
	} else {
		snprintf(path, sizeof(path), "/v1/peers/%s", name);
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

/* Builds the POST body from argv[3..]; NULL after printing a usage error. */
static json_t *add_body(int argc, char **argv)
{
	json_t *body = json_pack("{s:s}", "name", argv[2]);
	json_t *eps = json_array(), *pfx = json_array();
	bool has_key = false, has_mnp = false, has_msid = false;

	for (int i = 3; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		union sockaddr_any sa;
		struct prefix p;
		uint8_t key[32];
		unsigned long n;

		if (!val) {
			cli_usage_err("peers", "%s needs a value", opt);
			goto fail;
		}
		i++;
		if (strcmp(opt, "--key") == 0) {
			if (keys_b64_decode32(val, key) < 0) {
				cli_usage_err("peers",
					      "--key '%s' is not a base64 public key (44 "
					      "characters)",
					      val);
				goto fail;
			}
			json_object_set_new(body, "public_key", json_string(val));
			has_key = true;
		} else if (strcmp(opt, "--mnp") == 0) {
			if (has_mnp || addr_parse_prefix(val, &p) < 0) {
				cli_usage_err("peers", "--mnp '%s': one prefix (ADDRESS/LENGTH)",
					      val);
				goto fail;
			}
			json_object_set_new(body, "mnp", json_string(val));
			has_mnp = true;
		} else if (strcmp(opt, "--msid") == 0) {
			if (has_msid || parse_uint(val, 0xffffffffUL, &n) < 0) {
				cli_usage_err("peers", "--msid '%s': one number", val);
				goto fail;
			}
			json_object_set_new(body, "msid", json_integer((json_int_t)n));
			has_msid = true;
		} else if (strcmp(opt, "--endpoint") == 0) {
			if (addr_parse_endpoint(val, 0, &sa) < 0) {
				cli_usage_err("peers", "--endpoint '%s' is not ADDRESS:PORT", val);
				goto fail;
			}
			json_array_append_new(eps, json_string(val));
		} else if (strcmp(opt, "--prefix") == 0) {
			if (addr_parse_prefix(val, &p) < 0) {
				cli_usage_err("peers", "--prefix '%s' is not ADDRESS/LENGTH", val);
				goto fail;
			}
			json_array_append_new(pfx, json_string(val));
		} else if (strcmp(opt, "--keepalive") == 0) {
			if (parse_uint(val, 65535, &n) < 0) {
				cli_usage_err("peers", "--keepalive '%s': seconds, 0..65535", val);
				goto fail;
			}
			json_object_set_new(body, "persistent_keepalive",
					    json_integer((json_int_t)n));
		} else {
			cli_usage_err("peers", "unknown option '%s'", opt);
			goto fail;
		}
	}
	if (!has_key || has_mnp == has_msid) {
		cli_usage_err("peers", "add needs --key and exactly one of --mnp or --msid");
		goto fail;
	}
	if (json_array_size(eps))
		json_object_set(body, "endpoint", eps);
	if (json_array_size(pfx))
		json_object_set(body, "allowed_prefix", pfx);
	json_decref(eps);
	json_decref(pfx);
	return body;
fail:
	json_decref(eps);
	json_decref(pfx);
	json_decref(body);
	return NULL;
}

static int peers_add(const struct cli_opts *o, bool json, int argc, char **argv)
{
	json_t *body, *j;
	int ret;

	if (argc < 3 || argv[2][0] == '-')
		return cli_usage_err("peers", "add needs a NAME first");
	if (!cli_segment_ok(argv[2]))
		return cli_usage_err("peers", "'%s' is not a peer name", argv[2]);
	body = add_body(argc, argv);
	if (!body)
		return CLI_EXIT_FAIL;
	ret = http_call_doc(o, "POST", "/v1/peers", body, json, &j);
	json_decref(body);
	if (ret != CLI_EXIT_OK || !j)
		return ret;
	printf("added peer %s\n", cli_jstr(j, "name", argv[2]));
	json_decref(j);
	return fflush(stdout) ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int cmd_peers(int argc, char **argv, const struct cli_opts *o)
{
	bool json = cli_take_flag(&argc, argv, "--json");

	if (argc > 1 && cli_is_help(argv[1])) {
		peers_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (argc == 1 || (argc == 2 && strcmp(argv[1], "list") == 0))
		return peers_list(o, json);
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
