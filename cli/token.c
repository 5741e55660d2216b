// SPDX-License-Identifier: MIT
/*
 * token.c - explains an Agentic JWT for "omnictl token inspect": the claims of
 * spec/agentic-jwt.md B.2 in words, the operations of the B.8.2 scope table
 * its scopes reach (the table itself stays in common/jws.c; this file only
 * lists the endpoints and asks jws_scope_for()), and an optional signature
 * check against one issuer key (by jws_compact_verify(), the daemon's own
 * verifier). Never prints the signature or a private key.
 */
#include "token.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The B.8.2 endpoints, in the order of the table. */
static const struct token_op ops[] = {
    {"GET", "/v1/status", "omnictl status"},
    {"GET", "/v1/interfaces", "omnictl interfaces"},
    {"GET", "/v1/stats", "omnictl stats"},
    {"GET", "/v1/neighbors", "omnictl neighbors"},
    {"GET", "/v1/registrations", "omnictl registrations"},
    {"GET", "/v1/routes", "omnictl routes list"},
    {"POST", "/v1/routes", "omnictl routes add"},
    {"DELETE", "/v1/routes/{id}", "omnictl routes del"},
    {"GET", "/v1/peers", "omnictl peers list"},
    {"GET", "/v1/peers/{name}", "omnictl peers show"},
    {"GET", "/v1/servers", "omnictl servers"},
    {"POST", "/v1/peers", "omnictl peers add"},
    {"DELETE", "/v1/peers/{name}", "omnictl peers del"},
    {"POST", "/v1/peers/{name}/rekey", "omnictl peers rekey"},
    {"POST", "/v1/servers", "(no command yet)"},
    {"DELETE", "/v1/servers/{name}", "(no command yet)"},
    {"GET", "/v1/ehfilter", "omnictl ehfilter show"},
    {"PUT", "/v1/ehfilter", "omnictl ehfilter set"},
    {"GET", "/v1/log", "omnictl log show"},
    {"PUT", "/v1/log", "omnictl log set"},
    {"POST", "/v1/reload", "omnictl reload"},
    {"GET", "/v1/metrics", "omnictl metrics"},
    {"GET", "/v1/audit", "omnictl audit"},
    {"GET", "/v1/paths", "omnictl paths"},
    {"GET", "/v1/dns/names", "omnictl dns names"},
    {"PUT", "/v1/dns/names/{name}", "(no command yet)"},
    {"DELETE", "/v1/dns/names/{name}", "(no command yet)"},
    {"POST", "/v1/shutdown", "omnictl shutdown"},
};

const struct token_op *token_ops(size_t *n)
{
	*n = ARRAY_SIZE(ops);
	return ops;
}

int token_op_path(const char *pattern, char *out, size_t outlen)
{
	size_t o = 0;

	for (const char *p = pattern; *p; p++) {
		char ch = *p;

		if (ch == '{') {
			const char *end = strchr(p, '}');

			if (!end)
				return -EINVAL;
			p = end;
			ch = 'x';
		}
		if (o + 1 >= outlen)
			return -ENAMETOOLONG;
		out[o++] = ch;
	}
	if (o >= outlen)
		return -ENAMETOOLONG;
	out[o] = '\0';
	return 0;
}

int token_alg(const struct jws_compact *c, enum jws_alg *alg)
{
	const char *a = json_string_value(json_object_get(c->header, "alg"));

	if (a && strcmp(a, "EdDSA") == 0)
		*alg = JWS_ALG_EDDSA;
	else if (a && strcmp(a, "ES256") == 0)
		*alg = JWS_ALG_ES256;
	else
		return -ENOTSUP;
	return 0;
}

int token_verify(const struct jws_compact *c, const char *tok, size_t len, enum jws_alg alg,
		 const uint8_t *pub, size_t pub_len)
{
	enum jws_alg talg;

	if (c->signing_input_len > len)
		return -EINVAL;
	if (token_alg(c, &talg) < 0 || talg != alg)
		return -EBADMSG;
	return jws_compact_verify(c, tok, alg, pub, pub_len);
}

/* Whether a token with the scopes @mask reaches the endpoint @op (B.8.2 table). */
static bool op_allowed(const struct token_op *op, uint32_t mask)
{
	char path[128];
	uint32_t need;

	return token_op_path(op->path, path, sizeof(path)) == 0 &&
	       jws_scope_for(op->method, path, &need) == 0 && (mask & need);
}

int token_scopes(const struct jws_compact *c, uint32_t *mask, size_t *unknown)
{
	const char *s = json_string_value(json_object_get(c->payload, "scope"));

	*mask = 0;
	*unknown = 0;
	if (!s)
		return -ENOENT;
	while (*s) {
		size_t n = strcspn(s, " ");
		uint32_t bit;

		if (n > 0) {
			if (jws_scope_parse(s, n, &bit) == 0)
				*mask |= bit;
			else
				(*unknown)++;
		}
		s += n;
		s += strspn(s, " ");
	}
	return 0;
}

static void fmt_span(uint64_t d, char *out, size_t outlen)
{
	if (d < 60)
		snprintf(out, outlen, "%" PRIu64 " s", d);
	else if (d < 3600)
		snprintf(out, outlen, "%" PRIu64 " min %" PRIu64 " s", d / 60, d % 60);
	else if (d < 86400)
		snprintf(out, outlen, "%" PRIu64 " h %" PRIu64 " min", d / 3600, d % 3600 / 60);
	else
		snprintf(out, outlen, "%" PRIu64 " d %" PRIu64 " h", d / 86400, d % 86400 / 3600);
}

void token_fmt_time(uint64_t t, uint64_t now, char *out, size_t outlen)
{
	char date[40] = "?", span[48];
	struct tm tm;
	time_t tt = (time_t)t;

	if (t < JWS_TIME_MAX && gmtime_r(&tt, &tm))
		strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S UTC", &tm);
	if (t == now) {
		snprintf(out, outlen, "%s (now)", date);
	} else if (t < now) {
		fmt_span(now - t, span, sizeof(span));
		snprintf(out, outlen, "%s (%s ago)", date, span);
	} else {
		fmt_span(t - now, span, sizeof(span));
		snprintf(out, outlen, "%s (in %s)", date, span);
	}
}

static bool claim_time(const json_t *o, const char *k, uint64_t *v)
{
	const json_t *j = json_object_get(o, k);

	if (!json_is_integer(j) || json_integer_value(j) < 0)
		return false;
	*v = (uint64_t)json_integer_value(j);
	return *v < JWS_TIME_MAX;
}

static const char *sig_name(enum token_sig sig)
{
	switch (sig) {
	case TOKEN_SIG_UNCHECKED:
		return "unchecked";
	case TOKEN_SIG_VALID:
		return "valid";
	case TOKEN_SIG_INVALID:
		return "invalid";
	}
	return "?";
}

/* Consistency findings, in a fixed order; each one a static or @buf-built line. */
static json_t *warnings(const struct jws_compact *c, uint64_t now)
{
	const json_t *p = c->payload, *intent = json_object_get(p, "intent");
	const json_t *cnf = json_object_get(p, "cnf");
	const char *sub = json_string_value(json_object_get(p, "sub"));
	const char *by = json_string_value(json_object_get(intent, "executed_by"));
	json_t *w = json_array();
	uint64_t exp = 0, iat = 0;
	bool has_exp = claim_time(p, "exp", &exp), has_iat = claim_time(p, "iat", &iat);
	char buf[160];

	for (size_t i = 0; i < 5; i++) {
		static const char *const req[] = {"iss", "sub", "aud", "jti", "scope"};

		if (!json_object_get(p, req[i])) {
			snprintf(buf, sizeof(buf), "required claim '%s' is missing", req[i]);
			json_array_append_new(w, json_string(buf));
		}
	}
	if (!has_exp)
		json_array_append_new(w, json_string("no valid 'exp' (omnid requires one)"));
	if (!has_iat)
		json_array_append_new(w, json_string("no valid 'iat' (omnid requires one)"));
	if (has_exp && exp <= now)
		json_array_append_new(w, json_string("expired"));
	if (has_iat && iat > now)
		json_array_append_new(w, json_string("issued in the future (iat > now)"));
	if (has_exp && has_iat && exp <= iat)
		json_array_append_new(w, json_string("exp is not after iat"));
	if (!json_is_object(cnf) || (!json_object_get(cnf, "jkt") && !json_object_get(cnf, "jwk")))
		json_array_append_new(w, json_string("no cnf.jkt or cnf.jwk: not bound to a DPoP "
						     "key, omnid refuses it"));
	if (!json_is_object(json_object_get(p, "agent_proof")))
		json_array_append_new(w, json_string("no agent_proof: omnid refuses it"));
	if (!json_is_object(intent))
		json_array_append_new(w, json_string("no intent claim: omnid refuses it"));
	else if (sub && by && strcmp(sub, by) != 0)
		json_array_append_new(w, json_string("intent.executed_by differs from sub"));
	if (json_object_get(c->header, "jwk") || json_object_get(c->header, "jku") ||
	    json_object_get(c->header, "x5u") || json_object_get(c->header, "x5c"))
		json_array_append_new(
		    w, json_string("header carries its own key (jwk/jku/x5u/x5c): "
				   "omnid ignores it and uses the pinned issuer key"));
	return w;
}

static const char *const claim_help[][2] = {
    {"iss", "issuer: must equal the iss of one [issuer.NAME]"},
    {"sub", "agent id: must equal the sub of one [agent.NAME]"},
    {"aud", "audience: must contain this node's [api] audience"},
    {"jti", "token id: recorded against replay"},
    {"scope", "granted scopes (see below); capped by the agent's max_scopes"},
};

static const char *const sub_help[][3] = {
    {"cnf", "jkt", "RFC 7638 thumbprint of the key that must sign each DPoP proof"},
    {"agent_proof", "agent_checksum", "checksum the issuer verified: in [agent] checksum"},
    {"agent_proof", "registration_id", "agent registration: [agent] registration_id lists"},
    {"intent", "workflow_id", "workflow: in [agent] workflow_id when listed"},
    {"intent", "workflow_step", "current workflow step"},
    {"intent", "executed_by", "agent executing the step (should equal sub)"},
    {"intent", "delegation_chain", "SHA-256 over the |-joined agent ids, 16 hex digits"},
    {"intent", "step_sequence_hash", "SHA-256 over the completed step ids, 16 hex digits"},
};

/* Token text is attacker-controlled: control characters never reach the terminal. */
static void put_clean(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

static void print_value(FILE *f, const json_t *v)
{
	if (json_is_string(v)) {
		put_clean(f, json_string_value(v));
	} else {
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

		put_clean(f, s ? s : "?");
		free(s);
	}
}

static const char *help_for(const char *k)
{
	for (size_t i = 0; i < ARRAY_SIZE(claim_help); i++) {
		if (strcmp(claim_help[i][0], k) == 0)
			return claim_help[i][1];
	}
	return NULL;
}

static const char *sub_help_for(const char *obj, const char *k)
{
	for (size_t i = 0; i < ARRAY_SIZE(sub_help); i++) {
		if (strcmp(sub_help[i][0], obj) == 0 && strcmp(sub_help[i][1], k) == 0)
			return sub_help[i][2];
	}
	return NULL;
}

static const char *crv_of(const json_t *jwk)
{
	const char *crv = json_string_value(json_object_get(jwk, "crv"));

	return crv ? crv : "?";
}

static void explain_claims(FILE *f, const json_t *p, uint64_t now)
{
	const char *k;
	json_t *v;

	fprintf(f, "claims:\n");
	json_object_foreach((json_t *)(uintptr_t)p, k, v)
	{
		char when[96];
		uint64_t t;

		if (strcmp(k, "exp") == 0 || strcmp(k, "iat") == 0 || strcmp(k, "nbf") == 0) {
			if (claim_time(p, k, &t)) {
				token_fmt_time(t, now, when, sizeof(when));
				fprintf(f, "  %s: %s%s\n", k, when,
					strcmp(k, "exp") == 0 && t <= now ? " EXPIRED" : "");
			} else {
				fprintf(f, "  %s: ", k);
				print_value(f, v);
				fprintf(f, " (not a valid time)\n");
			}
			continue;
		}
		if (json_is_object(v)) {
			const char *sk;
			json_t *sv;

			json_object_foreach(v, sk, sv)
			{
				const char *h = sub_help_for(k, sk);

				fprintf(f, "  ");
				put_clean(f, k);
				fputc('.', f);
				put_clean(f, sk);
				fprintf(f, ": ");
				if (strcmp(k, "cnf") == 0 && strcmp(sk, "jwk") == 0) {
					char thumb[44];

					if (jws_jwk_thumbprint(sv, thumb) == 0)
						fprintf(f, "%s key, thumbprint %s\n", crv_of(sv),
							thumb);
					else
						fprintf(f,
							"unusable JWK (not a public OKP/Ed25519 or "
							"EC/P-256 key)\n");
					continue;
				}
				print_value(f, sv);
				if (h)
					fprintf(f, "\n      %s", h);
				fprintf(f, "\n");
			}
			continue;
		}
		fprintf(f, "  ");
		put_clean(f, k);
		fprintf(f, ": ");
		print_value(f, v);
		if (help_for(k))
			fprintf(f, "\n      %s", help_for(k));
		fprintf(f, "\n");
	}
	{
		uint64_t exp, iat;

		if (claim_time(p, "exp", &exp) && claim_time(p, "iat", &iat) && exp > iat)
			fprintf(f,
				"  lifetime: %" PRIu64 " s (omnid caps it at [api] "
				"max_token_lifetime)\n",
				exp - iat);
	}
}

int token_explain(FILE *f, const struct jws_compact *c, uint64_t now, enum token_sig sig)
{
	json_t *w = warnings(c, now);
	const char *alg = json_string_value(json_object_get(c->header, "alg"));
	const char *kid = json_string_value(json_object_get(c->header, "kid"));
	const char *typ = json_string_value(json_object_get(c->header, "typ"));
	enum jws_alg a;
	uint32_t mask = 0;
	size_t unknown = 0, n_ops, n_w = json_array_size(w);
	const struct token_op *all = token_ops(&n_ops);
	bool any = false;
	int ret;

	fprintf(f, "header:\n  alg: ");
	put_clean(f, alg ? alg : "(none)");
	fprintf(f, "%s\n", token_alg(c, &a) == 0 ? "" : " (omnid accepts only EdDSA and ES256)");
	if (kid) {
		fprintf(f, "  kid: ");
		put_clean(f, kid);
		fputc('\n', f);
	}
	if (typ) {
		fprintf(f, "  typ: ");
		put_clean(f, typ);
		fputc('\n', f);
	}
	switch (sig) {
	case TOKEN_SIG_UNCHECKED:
		fprintf(f, "signature: not checked (give --issuer-key FILE to verify it)\n");
		break;
	case TOKEN_SIG_VALID:
		fprintf(f, "signature: valid for the given issuer key\n");
		break;
	case TOKEN_SIG_INVALID:
		fprintf(f, "signature: INVALID for the given issuer key\n");
		break;
	}
	explain_claims(f, c->payload, now);

	if (token_scopes(c, &mask, &unknown) < 0)
		fprintf(f, "scopes: none (no scope claim)\n");
	else
		fprintf(f, "scopes:%s", mask ? "" : " none known");
	for (uint32_t bit = 1; bit && bit <= mask; bit <<= 1) {
		if (mask & bit)
			fprintf(f, " %s", jws_scope_name(bit));
	}
	if (json_object_get(c->payload, "scope"))
		fprintf(f, "\n");
	if (unknown)
		fprintf(f, "  %zu unknown scope name%s (grant nothing)\n", unknown,
			unknown == 1 ? "" : "s");
	fprintf(f, "allows:\n");
	for (size_t i = 0; i < n_ops; i++) {
		if (!op_allowed(&all[i], mask))
			continue;
		any = true;
		fprintf(f, "  %-6s %-26s %s\n", all[i].method, all[i].path, all[i].command);
	}
	if (!any)
		fprintf(f, "  nothing\n");
	for (size_t i = 0; i < n_w; i++)
		fprintf(f, "warning: %s\n", json_string_value(json_array_get(w, i)));
	json_decref(w);
	ret = ferror(f) ? -EIO : (int)n_w;
	return ret;
}

json_t *token_explain_json(const struct jws_compact *c, uint64_t now, enum token_sig sig)
{
	json_t *o = json_object(), *scopes = json_array(), *allows = json_array();
	uint32_t mask = 0;
	size_t unknown = 0, n_ops;
	const struct token_op *all = token_ops(&n_ops);

	if (token_scopes(c, &mask, &unknown) < 0)
		mask = 0;
	for (uint32_t bit = 1; bit && bit <= mask; bit <<= 1) {
		if (mask & bit)
			json_array_append_new(scopes, json_string(jws_scope_name(bit)));
	}
	for (size_t i = 0; i < n_ops; i++) {
		if (!op_allowed(&all[i], mask))
			continue;
		json_array_append_new(allows,
				      json_pack("{s:s, s:s, s:s}", "method", all[i].method, "path",
						all[i].path, "command", all[i].command));
	}
	json_object_set(o, "header", c->header);
	json_object_set(o, "claims", c->payload);
	json_object_set_new(o, "signature", json_string(sig_name(sig)));
	json_object_set_new(o, "scopes", scopes);
	json_object_set_new(o, "unknown_scopes", json_integer((json_int_t)unknown));
	json_object_set_new(o, "allows", allows);
	json_object_set_new(o, "warnings", warnings(c, now));
	return o;
}
