// SPDX-License-Identifier: MIT
/*
 * test_cli_token.c - omnictl's token explainer (cli/token.c): signature checks
 * of the known-answer tokens minted by an independent implementation
 * (jws_kat.h), bit flips of every signature octet, algorithm confusion and
 * bad keys, lenient scope parsing, the endpoint list against the B.8.2 scope
 * table, time formatting, and the explanation text and JSON for known tokens.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jws_kat.h"
#include "jws_mint.h"
#include "token.h"

#define IAT 1767225600ULL

static void hex(const char *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(sscanf(s + 2 * i, "%2hhx", &out[i]), 1);
}

static void parse(const char *tok, struct jws_compact *c)
{
	const char *err = NULL;

	cr_assert_eq(jws_compact_parse(tok, strlen(tok), TOKEN_INPUT_MAX, c, &err), 0, "%s", err);
}

static char *explain(const struct jws_compact *c, uint64_t now, enum token_sig sig, int *ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	*ret = token_explain(f, c, now, sig);
	cr_assert_eq(fclose(f), 0);
	return buf;
}

Test(token, verify_known_answer_eddsa_and_every_bit_flip)
{
	struct jws_compact c;
	uint8_t pub[32], other[32];

	hex(kat_iss_ed_pub, pub, sizeof(pub));
	parse(kat_ed_token, &c);
	cr_assert_eq(token_verify(&c, kat_ed_token, strlen(kat_ed_token), JWS_ALG_EDDSA, pub, 32),
		     0);
	for (size_t i = 0; i < c.sig_len; i++) {
		for (int b = 0; b < 8; b++) {
			c.sig[i] ^= (uint8_t)(1U << b);
			cr_assert_eq(token_verify(&c, kat_ed_token, strlen(kat_ed_token),
						  JWS_ALG_EDDSA, pub, 32),
				     -EBADMSG, "flip %zu/%d accepted", i, b);
			c.sig[i] ^= (uint8_t)(1U << b);
		}
	}
	memcpy(other, pub, 32);
	other[5] ^= 1;
	cr_assert_eq(token_verify(&c, kat_ed_token, strlen(kat_ed_token), JWS_ALG_EDDSA, other, 32),
		     -EBADMSG);
	/* Wrong key length, signing input longer than the token. */
	cr_assert_eq(token_verify(&c, kat_ed_token, strlen(kat_ed_token), JWS_ALG_EDDSA, pub, 31),
		     -EINVAL);
	cr_assert_eq(token_verify(&c, kat_ed_token, 10, JWS_ALG_EDDSA, pub, 32), -EINVAL);
	jws_compact_deinit(&c);
}

Test(token, verify_known_answer_es256_and_alg_confusion)
{
	struct jws_compact ec, ed;
	uint8_t pub[65], edpub[32];

	hex(kat_iss_ec_pub, pub, sizeof(pub));
	hex(kat_iss_ed_pub, edpub, sizeof(edpub));
	parse(kat_ec_token, &ec);
	parse(kat_ed_token, &ed);
	cr_assert_eq(token_verify(&ec, kat_ec_token, strlen(kat_ec_token), JWS_ALG_ES256, pub, 65),
		     0);
	for (size_t i = 0; i < ec.sig_len; i++) {
		ec.sig[i] ^= 0x80;
		cr_assert_eq(
		    token_verify(&ec, kat_ec_token, strlen(kat_ec_token), JWS_ALG_ES256, pub, 65),
		    -EBADMSG, "flip of octet %zu accepted", i);
		ec.sig[i] ^= 0x80;
	}
	/* The key's algorithm must be the token's: an EdDSA token never checks against ES256. */
	cr_assert_eq(token_verify(&ed, kat_ed_token, strlen(kat_ed_token), JWS_ALG_ES256, pub, 65),
		     -EBADMSG);
	cr_assert_eq(
	    token_verify(&ec, kat_ec_token, strlen(kat_ec_token), JWS_ALG_EDDSA, edpub, 32),
	    -EBADMSG);
	/* Not an uncompressed point / not on the curve. */
	pub[0] = 0x02;
	cr_assert_eq(token_verify(&ec, kat_ec_token, strlen(kat_ec_token), JWS_ALG_ES256, pub, 65),
		     -EINVAL);
	pub[0] = 0x04;
	pub[64] ^= 1;
	cr_assert_eq(token_verify(&ec, kat_ec_token, strlen(kat_ec_token), JWS_ALG_ES256, pub, 65),
		     -EINVAL);
	jws_compact_deinit(&ec);
	jws_compact_deinit(&ed);
}

Test(token, alg_names)
{
	struct jws_compact c;
	enum jws_alg a;
	struct mint_key k;
	uint8_t seed[32] = {1};
	char *tok;
	json_t *h, *p = json_pack("{s:s}", "iss", "x");

	parse(kat_ed_token, &c);
	cr_assert_eq(token_alg(&c, &a), 0);
	cr_assert_eq(a, JWS_ALG_EDDSA);
	jws_compact_deinit(&c);
	parse(kat_ec_token, &c);
	cr_assert_eq(token_alg(&c, &a), 0);
	cr_assert_eq(a, JWS_ALG_ES256);
	jws_compact_deinit(&c);

	mint_key_ed(&k, seed);
	h = json_pack("{s:s}", "alg", "RS256");
	tok = mint_sign(h, p, &k);
	parse(tok, &c);
	cr_assert_eq(token_alg(&c, &a), -ENOTSUP);
	jws_compact_deinit(&c);
	free(tok);
	json_decref(h);
	h = json_object();
	tok = mint_sign(h, p, &k);
	parse(tok, &c);
	cr_assert_eq(token_alg(&c, &a), -ENOTSUP);
	jws_compact_deinit(&c);
	free(tok);
	json_decref(h);
	json_decref(p);
}

static void scopes_of(const char *scope, uint32_t *mask, size_t *unknown, int *ret)
{
	struct mint_key k;
	uint8_t seed[32] = {2};
	json_t *h = json_pack("{s:s}", "alg", "EdDSA");
	json_t *p = scope ? json_pack("{s:s}", "scope", scope) : json_object();
	struct jws_compact c;
	char *tok;

	mint_key_ed(&k, seed);
	tok = mint_sign(h, p, &k);
	parse(tok, &c);
	*ret = token_scopes(&c, mask, unknown);
	jws_compact_deinit(&c);
	free(tok);
	json_decref(h);
	json_decref(p);
}

Test(token, scopes_lenient)
{
	uint32_t m;
	size_t u;
	int ret;

	scopes_of("route.read peer.read", &m, &u, &ret);
	cr_assert_eq(ret, 0);
	cr_assert_eq(m, JWS_SCOPE_ROUTE_READ | JWS_SCOPE_PEER_READ);
	cr_assert_eq(u, 0);
	scopes_of("  route.write  bogus peer.* admin.shutdown ", &m, &u, &ret);
	cr_assert_eq(ret, 0);
	cr_assert_eq(m, JWS_SCOPE_ROUTE_WRITE | JWS_SCOPE_ADMIN_SHUTDOWN);
	cr_assert_eq(u, 2);
	scopes_of("", &m, &u, &ret);
	cr_assert_eq(ret, 0);
	cr_assert_eq(m, 0);
	cr_assert_eq(u, 0);
	scopes_of(NULL, &m, &u, &ret);
	cr_assert_eq(ret, -ENOENT);
	cr_assert_eq(m, 0);
}

Test(token, ops_cover_the_scope_table)
{
	size_t n;
	const struct token_op *ops = token_ops(&n);
	uint32_t seen = 0;
	char path[128];

	cr_assert_eq(n, 28);
	for (size_t i = 0; i < n; i++) {
		uint32_t s;

		cr_assert_eq(token_op_path(ops[i].path, path, sizeof(path)), 0);
		cr_assert_eq(jws_scope_for(ops[i].method, path, &s), 0, "%s %s not in the table",
			     ops[i].method, ops[i].path);
		seen |= s;
	}
	/* Every scope of B.8.2 is reachable through at least one listed endpoint. */
	for (uint32_t bit = 1; jws_scope_name(bit); bit <<= 1)
		cr_assert(seen & bit, "scope %s has no endpoint", jws_scope_name(bit));
	cr_assert_eq(token_op_path("/v1/peers/{name}/rekey", path, sizeof(path)), 0);
	cr_assert_str_eq(path, "/v1/peers/x/rekey");
	cr_assert_eq(token_op_path("/v1/peers/{name}", path, 11), -ENAMETOOLONG);
	cr_assert_eq(token_op_path("/v1/peers/{name}", path, 12), 0);
	cr_assert_str_eq(path, "/v1/peers/x");
	cr_assert_eq(token_op_path("/v1/{oops", path, sizeof(path)), -EINVAL);
}

Test(token, fmt_time)
{
	char b[96];

	token_fmt_time(IAT, IAT, b, sizeof(b));
	cr_assert_str_eq(b, "2026-01-01 00:00:00 UTC (now)");
	token_fmt_time(IAT, IAT + 10, b, sizeof(b));
	cr_assert_str_eq(b, "2026-01-01 00:00:00 UTC (10 s ago)");
	token_fmt_time(IAT + 300, IAT + 10, b, sizeof(b));
	cr_assert_str_eq(b, "2026-01-01 00:05:00 UTC (in 4 min 50 s)");
	token_fmt_time(IAT, IAT + 7322, b, sizeof(b));
	cr_assert_str_eq(b, "2026-01-01 00:00:00 UTC (2 h 2 min ago)");
	token_fmt_time(IAT + 90000, IAT, b, sizeof(b));
	cr_assert_str_eq(b, "2026-01-02 01:00:00 UTC (in 1 d 1 h)");
	token_fmt_time(IAT, IAT, b, 8);
	cr_assert_eq(strlen(b), 7);
}

Test(token, explain_known_token)
{
	struct jws_compact c;
	int ret;
	char *out;

	parse(kat_ed_token, &c);
	out = explain(&c, IAT + 10, TOKEN_SIG_VALID, &ret);
	cr_assert_eq(ret, 0, "warnings: %s", out);
	cr_assert(strstr(out, "alg: EdDSA\n"));
	cr_assert(strstr(out, "signature: valid for the given issuer key\n"));
	cr_assert(strstr(out, "  iss: https://idp.example.internal\n"));
	cr_assert(strstr(out, "  sub: agent-patcher-01\n"));
	cr_assert(strstr(out, "  aud: [\"urn:omnid:node:test\",\"other\"]\n"));
	cr_assert(strstr(out, "  iat: 2026-01-01 00:00:00 UTC (10 s ago)\n"), "%s", out);
	cr_assert(strstr(out, "  exp: 2026-01-01 00:05:00 UTC (in 4 min 50 s)\n"));
	cr_assert(strstr(out, "  cnf.jkt: AkXIZFzonb59ZmGwyKgi3H3BwMi6amevqdKQiLZhdtc\n"));
	cr_assert(strstr(out, "  intent.workflow_id: wf-patch\n"));
	cr_assert(strstr(out, "  intent.workflow_step: scan\n"));
	cr_assert(strstr(out, "  intent.executed_by: agent-patcher-01\n"));
	cr_assert(strstr(out, "  intent.delegation_chain: 0123456789abcdef\n"));
	cr_assert(strstr(out, "  agent_proof.agent_checksum: sha256:242d2f23"));
	cr_assert(strstr(out, "  agent_proof.registration_id: reg_agent-patcher-01_1767225600\n"));
	cr_assert(strstr(out, "  lifetime: 300 s"));
	cr_assert(strstr(out, "scopes: route.read peer.read\n"));
	cr_assert(strstr(out, "  GET    /v1/routes                 omnictl routes list\n"));
	cr_assert(strstr(out, "  GET    /v1/peers/{name}           omnictl peers show\n"));
	cr_assert(strstr(out, "  GET    /v1/servers"));
	cr_assert_null(strstr(out, "POST"));
	cr_assert_null(strstr(out, "/v1/status"));
	cr_assert_null(strstr(out, "warning"));
	free(out);

	/* One second after exp: expired, and the sig state is reported as given. */
	out = explain(&c, IAT + 301, TOKEN_SIG_INVALID, &ret);
	cr_assert_eq(ret, 1);
	cr_assert(strstr(out, "signature: INVALID"));
	cr_assert(strstr(out, "(1 s ago) EXPIRED\n"));
	cr_assert(strstr(out, "warning: expired\n"));
	free(out);
	out = explain(&c, IAT - 5, TOKEN_SIG_UNCHECKED, &ret);
	cr_assert_eq(ret, 1);
	cr_assert(strstr(out, "signature: not checked"));
	cr_assert(strstr(out, "warning: issued in the future"));
	free(out);
	jws_compact_deinit(&c);
}

Test(token, explain_es256_jwk_binding)
{
	struct jws_compact c;
	int ret;
	char *out;

	parse(kat_ec_token, &c);
	out = explain(&c, IAT + 1, TOKEN_SIG_UNCHECKED, &ret);
	cr_assert_eq(ret, 0, "%s", out);
	cr_assert(strstr(out, "  kid: corp-es-1\n"));
	cr_assert(strstr(out, "  cnf.jwk: P-256 key, thumbprint uJkYOW9RSJluJ5wENxqkKcBgtkdg_"
			      "lUuDTGGzxfozpM\n"),
		  "%s", out);
	cr_assert(strstr(out, "scopes: peer.read\n"));
	free(out);
	jws_compact_deinit(&c);
}

Test(token, explain_bare_token_warns_about_each_gap)
{
	struct mint_key k;
	uint8_t seed[32] = {3};
	json_t *h = json_pack("{s:s, s:{}}", "alg", "HS256", "jwk");
	json_t *p =
	    json_pack("{s:s, s:s, s:I, s:I, s:{s:s}}", "iss", "x", "sub", "a", "iat",
		      (json_int_t)IAT, "exp", (json_int_t)IAT, "intent", "executed_by", "b");
	struct jws_compact c;
	char *tok, *out;
	int ret;

	mint_key_ed(&k, seed);
	tok = mint_sign(h, p, &k);
	parse(tok, &c);
	out = explain(&c, IAT - 1, TOKEN_SIG_UNCHECKED, &ret);
	cr_assert(strstr(out, "alg: HS256 (omnid accepts only EdDSA and ES256)"));
	cr_assert(strstr(out, "warning: required claim 'aud' is missing\n"));
	cr_assert(strstr(out, "warning: required claim 'jti' is missing\n"));
	cr_assert(strstr(out, "warning: required claim 'scope' is missing\n"));
	cr_assert(strstr(out, "warning: exp is not after iat\n"));
	cr_assert(strstr(out, "warning: no cnf.jkt or cnf.jwk"));
	cr_assert(strstr(out, "warning: no agent_proof"));
	cr_assert(strstr(out, "warning: intent.executed_by differs from sub\n"));
	cr_assert(strstr(out, "warning: header carries its own key"));
	cr_assert(strstr(out, "scopes: none (no scope claim)\n"));
	cr_assert(strstr(out, "allows:\n  nothing\n"));
	cr_assert(strstr(out, "warning: issued in the future (iat > now)\n"));
	cr_assert_eq(ret, 9, "%d warnings:\n%s", ret, out);
	free(out);
	jws_compact_deinit(&c);
	free(tok);
	json_decref(h);
	json_decref(p);
}

Test(token, explain_json)
{
	struct jws_compact c;
	json_t *o;

	parse(kat_ed_token, &c);
	o = token_explain_json(&c, IAT + 400, TOKEN_SIG_VALID);
	cr_assert_str_eq(json_string_value(json_object_get(o, "signature")), "valid");
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(o, "claims"), "sub")),
			 "agent-patcher-01");
	cr_assert_eq(json_array_size(json_object_get(o, "scopes")), 2);
	cr_assert_eq(json_array_size(json_object_get(o, "allows")), 4);
	cr_assert_str_eq(json_string_value(json_object_get(
			     json_array_get(json_object_get(o, "allows"), 0), "path")),
			 "/v1/routes");
	cr_assert_eq(json_integer_value(json_object_get(o, "unknown_scopes")), 0);
	cr_assert_eq(json_array_size(json_object_get(o, "warnings")), 1);
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(o, "warnings"), 0)),
			 "expired");
	json_decref(o);
	jws_compact_deinit(&c);
}

Test(token, explain_claims_of_wrong_types)
{
	struct mint_key k;
	uint8_t seed[32] = {4};
	json_t *h = json_pack("{s:s}", "alg", "EdDSA");
	json_t *p =
	    json_pack("{s:s, s:i, s:[i], s:s, s:i, s:i, s:{}, s:{s:[]}, s:{s:s}, s:s}", "exp",
		      "soon", "iat", -5, "cnf", 1, "intent", "x", "agent_proof", 5, "scope", 7,
		      "aud", "cnf2", "jwk", "nested", "k\x1b", "\x1b[2J", "sub\x07", "a\nb");
	struct jws_compact c;
	char *tok, *out;
	json_t *o;
	int ret;

	mint_key_ed(&k, seed);
	tok = mint_sign(h, p, &k);
	parse(tok, &c);
	out = explain(&c, IAT, TOKEN_SIG_UNCHECKED, &ret);
	cr_assert_gt(ret, 0);
	cr_assert(strstr(out, "  exp: soon (not a valid time)\n"), "%s", out);
	cr_assert(strstr(out, "  nested.k?: ?[2J\n"), "%s", out);
	cr_assert(strstr(out, "  sub?: a?b\n"), "%s", out);
	cr_assert(strstr(out, "  cnf: [1]\n"));
	cr_assert(strstr(out, "  cnf2.jwk: []\n"));
	cr_assert_null(strchr(out, '\x1b'));
	cr_assert_null(strchr(out, '\x07'));
	cr_assert(strstr(out, "  iat: -5 (not a valid time)\n"));
	cr_assert(strstr(out, "warning: no valid 'exp'"));
	cr_assert(strstr(out, "warning: no cnf.jkt or cnf.jwk"));
	cr_assert(strstr(out, "warning: no intent claim"));
	cr_assert(strstr(out, "scopes: none (no scope claim)\n"));
	cr_assert(strstr(out, "allows:\n  nothing\n"));
	free(out);
	o = token_explain_json(&c, IAT, TOKEN_SIG_UNCHECKED);
	cr_assert_eq(json_array_size(json_object_get(o, "allows")), 0);
	json_decref(o);
	jws_compact_deinit(&c);
	free(tok);
	json_decref(h);
	json_decref(p);
}
