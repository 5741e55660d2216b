// SPDX-License-Identifier: MIT
/*
 * fuzz_cli.c - omnictl's pure code (cli/token.c, cli/render.c) on hostile
 * input. First byte selects the mode:
 *   'S' + "header JSON\npayload JSON": both are base64url-encoded into a
 *       token with a dummy signature, so every claim shape reaches
 *       token_explain(), token_explain_json() and token_verify();
 *   'J' + JSON: a daemon answer, through render_doc(), render_table() with and
 *       without a column list, and render_cell() into buffers of 1..64 octets;
 *   anything else: the rest is a token as "omnictl token inspect" reads it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "render.h"
#include "token.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sink(int (*fn)(FILE *, const void *), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	(void)fn(f, arg);
	fclose(f);
	free(buf);
}

static int explain_cb(FILE *f, const void *arg)
{
	return token_explain(f, arg, 1767225600, TOKEN_SIG_UNCHECKED);
}

static void token(const char *tok, size_t len)
{
	static const uint8_t pub[32] = {1};
	struct jws_compact c;
	const char *code;
	json_t *o;

	if (jws_compact_parse(tok, len, TOKEN_INPUT_MAX, &c, &code) < 0)
		return;
	sink(explain_cb, &c);
	o = token_explain_json(&c, 1767225600, TOKEN_SIG_INVALID);
	json_decref(o);
	if (token_verify(&c, tok, len, JWS_ALG_EDDSA, pub, sizeof(pub)) == 0)
		abort(); /* a dummy signature never verifies */
	jws_compact_deinit(&c);
}

static int doc_cb(FILE *f, const void *arg)
{
	static const char *const cols[] = {"name", "id", "", NULL};

	int a = render_table(f, arg, cols, "none"), b = render_table(f, arg, NULL, NULL);

	return a < 0 || b < 0 ? -1 : render_doc(f, arg);
}

static void doc(const uint8_t *p, size_t n)
{
	json_t *j = json_loadb((const char *)p, n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
	char cell[64];

	if (!j)
		return;
	sink(doc_cb, j);
	for (size_t len = 1; len <= sizeof(cell); len++)
		render_cell(j, cell, len);
	json_decref(j);
}

static char *b64u(const uint8_t *p, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *s = malloc(cap);

	if (!s)
		abort();
	sodium_bin2base64(s, cap, p, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t sig[64];

	if (size < 1 || size > TOKEN_INPUT_MAX)
		return 0;
	if (data[0] == 'S') {
		const uint8_t *nl = memchr(data + 1, '\n', size - 1);
		char *h, *p, *s, *tok;
		size_t hl, tl;

		if (!nl)
			return 0;
		hl = (size_t)(nl - data - 1);
		h = b64u(data + 1, hl);
		p = b64u(nl + 1, size - hl - 2);
		s = b64u(sig, sizeof(sig));
		tl = strlen(h) + strlen(p) + strlen(s) + 3;
		tok = malloc(tl);
		if (!tok)
			abort();
		snprintf(tok, tl, "%s.%s.%s", h, p, s);
		token(tok, strlen(tok));
		free(tok);
		free(h);
		free(p);
		free(s);
	} else if (data[0] == 'J') {
		doc(data + 1, size - 1);
	} else {
		token((const char *)data + 1, size - 1);
	}
	return 0;
}
