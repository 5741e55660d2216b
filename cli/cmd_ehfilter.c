// SPDX-License-Identifier: MIT
/*
 * cmd_ehfilter.c - "omnictl ehfilter [show] | set KEY=VALUE...": GET and PUT
 * /v1/ehfilter (docs/api.md, docs/ehfilter.md). Keys are the [ehfilter]
 * config keys; "exit.KEY=VALUE" sets a key of [ehfilter.exit]. Values are
 * sent as strings exactly as in the config file; the daemon validates them
 * and refuses the whole request on the first bad one.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "http.h"
#include "render.h"

static void ehfilter_usage(FILE *f)
{
	fprintf(f, "Usage: omnictl ehfilter [show] [--json]\n"
		   "       omnictl ehfilter set KEY=VALUE [exit.KEY=VALUE]... [--json]\n"
		   "KEY is an [ehfilter] config key (docs/ehfilter.md), exit.KEY one of\n"
		   "[ehfilter.exit]; the change is applied live and kept in conf.d/90-api.conf.\n");
}

static int show_doc(json_t *j)
{
	int ret = render_doc(stdout, j);

	json_decref(j);
	return ret < 0 || fflush(stdout) ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

static int ehfilter_set(const struct cli_opts *o, bool json, int argc, char **argv)
{
	json_t *body = json_object(), *entry = json_object(), *exit_ = json_object(), *j;
	int ret = CLI_EXIT_FAIL;

	if (argc < 3) {
		cli_usage_err("ehfilter", "set needs at least one KEY=VALUE");
		goto out;
	}
	for (int i = 2; i < argc; i++) {
		char key[64];
		const char *eq = strchr(argv[i], '='), *k = argv[i];
		json_t *dst = entry;
		size_t kl;

		if (strncmp(k, "exit.", 5) == 0) {
			k += 5;
			dst = exit_;
		}
		kl = eq ? (size_t)(eq - k) : 0;
		if (!eq || eq < k || kl == 0 || kl >= sizeof(key) ||
		    strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789_") != kl || !eq[1]) {
			cli_usage_err("ehfilter", "'%s' is not KEY=VALUE", argv[i]);
			goto out;
		}
		memcpy(key, k, kl);
		key[kl] = '\0';
		if (json_object_get(dst, key)) {
			cli_usage_err("ehfilter", "'%s' given twice", argv[i]);
			goto out;
		}
		json_object_set_new(dst, key, json_string(eq + 1));
	}
	if (json_object_size(entry))
		json_object_set(body, "ehfilter", entry);
	if (json_object_size(exit_))
		json_object_set(body, "ehfilter_exit", exit_);
	ret = http_call_doc(o, "PUT", "/v1/ehfilter", body, json, &j);
	if (ret == CLI_EXIT_OK && j)
		ret = show_doc(j);
out:
	json_decref(body);
	json_decref(entry);
	json_decref(exit_);
	return ret;
}

int cmd_ehfilter(int argc, char **argv, const struct cli_opts *o)
{
	bool json = cli_take_flag(&argc, argv, "--json");
	json_t *j;
	int ret;

	if (argc > 1 && cli_is_help(argv[1])) {
		ehfilter_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (argc > 1 && strcmp(argv[1], "set") == 0)
		return ehfilter_set(o, json, argc, argv);
	if (argc > 2 || (argc == 2 && strcmp(argv[1], "show") != 0))
		return cli_usage_err("ehfilter", "unknown action '%s' (show, set)", argv[1]);
	ret = http_call_doc(o, "GET", "/v1/ehfilter", NULL, json, &j);
	if (ret != CLI_EXIT_OK || !j)
		return ret;
	return show_doc(j);
}
