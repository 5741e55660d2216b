// SPDX-License-Identifier: MIT
/*
 * cmd_token.c - "omnictl token inspect [--json] [--issuer-key FILE] JWT|-":
 * reads a token from the command line or stdin, parses it with
 * jws_compact_parse() (the daemon's own parser and limits), optionally checks
 * its signature with one issuer key (auth_conf_load_key(): PEM, JWK or raw
 * base64), and prints token_explain(). Local only: never contacts omnid.
 * Exit 0 for a well-formed token (and a valid signature when a key is given),
 * 1 for a usage error, a malformed token, an unusable key or a bad signature.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth_conf.h"
#include "cmd.h"
#include "token.h"

static void token_usage(FILE *f)
{
	fprintf(f,
		"Usage: omnictl token inspect [--json] [--issuer-key FILE] JWT|-\n"
		"Decodes an Agentic JWT (\"-\" reads it from stdin; an \"Authorization: DPoP\"\n"
		"or \"DPoP \" prefix is ignored), explains each claim and lists the control-API\n"
		"operations its scopes allow. Without --issuer-key the signature is NOT\n"
		"checked; with it (PEM, JWK or base64 Ed25519 key), it must verify.\n"
		"Exit status: 0 decoded (and verified), 1 usage error, malformed token,\n"
		"unusable key or bad signature.\n");
}

static char *read_stdin(size_t *len)
{
	char *buf = xmalloc(TOKEN_INPUT_MAX + 1);
	size_t n = fread(buf, 1, TOKEN_INPUT_MAX + 1, stdin);

	if (ferror(stdin) || n > TOKEN_INPUT_MAX) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Trims white space and an "Authorization:", "DPoP" or "Bearer" prefix. */
static const char *trim_token(char *s, size_t *len)
{
	static const char *const prefixes[] = {"Authorization:", "DPoP", "Bearer"};
	char *e;

	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
		size_t pl = strlen(prefixes[i]);

		s += strspn(s, " \t\r\n");
		if (strncasecmp(s, prefixes[i], pl) == 0 && (s[pl] == ' ' || s[pl] == '\t'))
			s += pl;
	}
	s += strspn(s, " \t\r\n");
	e = s + strlen(s);
	while (e > s && strchr(" \t\r\n", e[-1]))
		e--;
	*e = '\0';
	*len = (size_t)(e - s);
	return s;
}

static int inspect(int argc, char **argv)
{
	const char *key_file = NULL, *arg = NULL, *tok, *why = NULL, *perr = NULL;
	struct jws_compact c = {0};
	enum token_sig sig = TOKEN_SIG_UNCHECKED;
	bool json = false, parsed = false;
	char *buf = NULL;
	size_t len;
	int ret = CLI_EXIT_FAIL, e;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--issuer-key") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "omnictl: token: --issuer-key needs a file\n");
				return CLI_EXIT_FAIL;
			}
			key_file = argv[++i];
		} else if (cli_is_help(argv[i])) {
			token_usage(stdout);
			return CLI_EXIT_OK;
		} else if (!arg && (argv[i][0] != '-' || strcmp(argv[i], "-") == 0)) {
			arg = argv[i];
		} else {
			fprintf(stderr, "omnictl: token: unexpected argument '%s'\n", argv[i]);
			token_usage(stderr);
			return CLI_EXIT_FAIL;
		}
	}
	if (!arg) {
		fprintf(stderr, "omnictl: token inspect: no token given (use - for stdin)\n");
		token_usage(stderr);
		return CLI_EXIT_FAIL;
	}
	if (strcmp(arg, "-") == 0) {
		buf = read_stdin(&len);
		if (!buf) {
			fprintf(stderr,
				"omnictl: token: cannot read stdin or longer than %d "
				"octets\n",
				TOKEN_INPUT_MAX);
			goto out;
		}
	} else {
		buf = xstrdup(arg);
	}
	tok = trim_token(buf, &len);
	if (jws_compact_parse(tok, len, TOKEN_INPUT_MAX, &c, &perr) < 0) {
		fprintf(stderr, "omnictl: token: malformed token (%s)\n", perr ? perr : "?");
		goto out;
	}
	parsed = true;
	if (!json_is_object(c.header) || !json_is_object(c.payload)) {
		fprintf(stderr, "omnictl: token: malformed token (header or claims not a JSON "
				"object)\n");
		goto out;
	}
	if (key_file) {
		uint8_t pub[65];
		size_t pub_len;
		enum jws_alg alg;

		if (token_alg(&c, &alg) < 0) {
			fprintf(stderr,
				"omnictl: token: cannot verify alg '%s' (only EdDSA and "
				"ES256)\n",
				json_string_value(json_object_get(c.header, "alg"))
				    ? json_string_value(json_object_get(c.header, "alg"))
				    : "");
			goto out;
		}
		e = auth_conf_load_key(key_file, alg, pub, &pub_len, &why);
		if (e < 0) {
			fprintf(stderr, "omnictl: token: issuer key '%s': %s\n", key_file,
				why ? why : strerror(-e));
			goto out;
		}
		e = token_verify(&c, tok, len, alg, pub, pub_len);
		if (e == -EINVAL) {
			fprintf(stderr, "omnictl: token: issuer key '%s' is not a usable %s key\n",
				key_file, alg == JWS_ALG_EDDSA ? "Ed25519" : "P-256");
			goto out;
		}
		sig = e == 0 ? TOKEN_SIG_VALID : TOKEN_SIG_INVALID;
	}
	if (json) {
		json_t *o = token_explain_json(&c, (uint64_t)time(NULL), sig);

		e = json_dumpf(o, stdout, JSON_INDENT(2));
		json_decref(o);
		if (e < 0 || fputc('\n', stdout) == EOF)
			goto out;
	} else if (token_explain(stdout, &c, (uint64_t)time(NULL), sig) < 0) {
		goto out;
	}
	if (sig == TOKEN_SIG_INVALID) {
		fprintf(stderr, "omnictl: token: the signature does not verify with '%s'\n",
			key_file);
		goto out;
	}
	ret = fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
out:
	if (parsed)
		jws_compact_deinit(&c);
	free(buf);
	return ret;
}

int cmd_token(int argc, char **argv, const struct cli_opts *o)
{
	(void)o;
	if (argc >= 2 && cli_is_help(argv[1])) {
		token_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "inspect") != 0) {
		fprintf(stderr, "omnictl: token: %s\n",
			argc < 2 ? "missing subcommand" : "unknown subcommand");
		token_usage(stderr);
		return CLI_EXIT_FAIL;
	}
	return inspect(argc, argv);
}
