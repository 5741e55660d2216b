// SPDX-License-Identifier: MIT
/*
 * cmd_ehfilter.c - "omnictl ehfilter [show] | set KEY=VALUE...": GET and PUT
 * /v1/ehfilter (docs/api.md, docs/ehfilter.md). Keys are the [ehfilter]
 * config keys; "exit.KEY=VALUE" sets a key of [ehfilter.exit]. Values are
 * sent as strings exactly as in the config file; the daemon validates them
 * and refuses the whole request on the first bad one. "show" prints the
 * effective policy as a table: KEY, its ENTRY ([ehfilter]) and EXIT
 * ([ehfilter.exit]) values, and API naming the directions whose value was
 * set through the API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_schema.h"
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

/* One row of the table, for @key, unless one with that key exists already. */
static void add_row(json_t *rows, const char *key, const json_t *doc)
{
	const json_t *api = json_object_get(doc, "set_by_api");
	const json_t *in = json_object_get(doc, "ehfilter"),
		     *ex = json_object_get(doc, "ehfilter_exit");
	bool api_in = json_object_get(json_object_get(api, "ehfilter"), key) != NULL;
	bool api_ex = json_object_get(json_object_get(api, "ehfilter_exit"), key) != NULL;
	size_t i;
	json_t *r;

	json_array_foreach(rows, i, r) {
		if (strcmp(json_string_value(json_object_get(r, "key")), key) == 0)
			return;
	}
	r = json_pack("{s:s}", "key", key);
	if (json_object_get(in, key))
		json_object_set(r, "entry", json_object_get(in, key));
	if (json_object_get(ex, key))
		json_object_set(r, "exit", json_object_get(ex, key));
	if (api_in && api_ex)
		json_object_set_new(r, "api", json_string("entry,exit"));
	else if (api_in || api_ex)
		json_object_set_new(r, "api", json_string(api_in ? "entry" : "exit"));
	json_array_append_new(rows, r);
}

/*
 * The table of the effective policy; a document without it (an older daemon)
 * is printed as it is.
 */
static int show_doc(json_t *j)
{
	static const char *const cols[] = { "key", "entry", "exit", "api", NULL };
	json_t *in = json_object_get(j, "ehfilter"), *ex = json_object_get(j, "ehfilter_exit");
	const char *k;
	json_t *v, *rows;
	int ret;

	if (!json_is_object(in) || !json_is_object(ex) ||
	    !json_is_object(json_object_get(j, "set_by_api"))) {
		ret = render_doc(stdout, j);
		json_decref(j);
		return ret < 0 || fflush(stdout) ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	}
	rows = json_array();
	json_object_foreach(in, k, v) {
		add_row(rows, k, j);
	}
	json_object_foreach(ex, k, v) {
		add_row(rows, k, j);
	}
	ret = render_table(stdout, rows, cols, "no keys");
	json_decref(rows);
	json_decref(j);
	return ret < 0 || fflush(stdout) ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* "[exit.]KEY=VALUE" into @r; false after a usage error. */
static bool add_kv(struct api_ehfilter_req *r, const char *arg)
{
	const char *k = arg, *eq = strchr(arg, '=');
	struct api_eh_kv *list = r->entry;
	size_t *n = &r->n_entry, kl;

	if (strncmp(k, "exit.", 5) == 0) {
		k += 5;
		list = r->exit;
		n = &r->n_exit;
	}
	kl = eq && eq > k ? (size_t)(eq - k) : 0;
	if (!kl || kl >= sizeof(list->key) || !eq[1] ||
	    strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789_") != kl) {
		cli_usage_err("ehfilter", "'%s' is not KEY=VALUE", arg);
		return false;
	}
	for (size_t i = 0; i < *n; i++) {
		if (strlen(list[i].key) == kl && strncmp(list[i].key, k, kl) == 0) {
			cli_usage_err("ehfilter", "'%s' given twice", arg);
			return false;
		}
	}
	if (*n == API_REQ_MAX_EH_KEYS || !cli_copy(list[*n].value, sizeof(list->value), eq + 1)) {
		cli_usage_err("ehfilter", "'%s': too many keys or value too long", arg);
		return false;
	}
	memcpy(list[*n].key, k, kl);
	list[*n].key[kl] = '\0';
	(*n)++;
	return true;
}

static int ehfilter_set(const struct cli_opts *o, bool json, int argc, char **argv)
{
	struct api_ehfilter_req *r = xcalloc(1, sizeof(*r)), *check = xcalloc(1, sizeof(*check));
	json_t *body = NULL, *j;
	char err[256];
	int ret = CLI_EXIT_FAIL;

	if (argc < 3) {
		cli_usage_err("ehfilter", "set needs at least one KEY=VALUE");
		goto out;
	}
	for (int i = 2; i < argc; i++) {
		if (!add_kv(r, argv[i]))
			goto out;
	}
	body = api_ehfilter_req_encode(r);
	if (api_ehfilter_req_decode(body, check, err, sizeof(err)) < 0) {
		cli_usage_err("ehfilter", "%s", err);
		goto out;
	}
	ret = http_call_doc(o, "PUT", API_PATH_EHFILTER, body, json, &j);
	if (ret == CLI_EXIT_OK && j)
		ret = show_doc(j);
out:
	json_decref(body);
	free(r);
	free(check);
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
	ret = http_call_doc(o, "GET", API_PATH_EHFILTER, NULL, json, &j);
	if (ret != CLI_EXIT_OK || !j)
		return ret;
	return show_doc(j);
}
