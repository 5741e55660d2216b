// SPDX-License-Identifier: MIT
/*
 * jws_bench.c - control-API verifier throughput: full jws_verify_request() calls
 * (token signature + proof signature + claims + thumbprint + replay cache) per
 * second on one core, for an EdDSA token with an EdDSA proof and for an ES256
 * token with an ES256 proof. Proofs are minted up front, each with its own jti.
 * Usage: jws_bench [seconds per algorithm, default 2]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jws.h"
#include "../test/unit/jws_mint.h"

#define IAT 1767225600ULL
#define NOW (IAT + 100)
#define NPROOF 2000

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run(const char *name, struct jws_ctx *ctx, const struct mint_key *iss,
		const char *iss_name, const char *kid, const struct mint_key *pk, double secs)
{
	json_t *th = json_pack("{s:s}", "alg", iss->alg == JWS_ALG_EDDSA ? "EdDSA" : "ES256");
	json_t *tp, *ph, *pp;
	char jkt[44], ath[44], *tok, *auth, **proofs = calloc(NPROOF, sizeof(*proofs));
	struct jws_request req = {.method = "GET",
				  .origin = "http://localhost",
				  .path = "/v1/routes",
				  .n_authorization = 1,
				  .n_dpop = 1,
				  .unix_socket = true};
	struct jws_result res;
	const char *code;
	unsigned long n = 0;
	double t0, t;

	if (kid)
		json_object_set_new(th, "kid", json_string(kid));
	mint_thumb(pk, jkt);
	tp = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:{s:s}, s:{s:s, s:s, s:s, s:s, s:s},"
		       " s:{s:s}}",
		       "iss", iss_name, "aud", "urn:omnid:node:bench", "sub", "agent-bench", "iat",
		       (json_int_t)IAT, "exp", (json_int_t)(IAT + 300), "jti",
		       "bench-token-jti-0001", "scope", "route.read", "cnf", "jkt", jkt, "intent",
		       "workflow_id", "wf", "workflow_step", "s", "executed_by", "agent-bench",
		       "delegation_chain", "0123456789abcdef", "step_sequence_hash",
		       "0123456789abcdef", "agent_proof", "agent_checksum",
		       "242d2f23a194483a0aea19c60f86ca2fb887d97edfd2cdfdcf4e2d650a2f79f3");
	tok = mint_sign(th, tp, iss);
	if (!tok || !(auth = malloc(strlen(tok) + 6))) {
		fprintf(stderr, "jws_bench: cannot mint the token\n");
		exit(1);
	}
	snprintf(auth, strlen(tok) + 6, "DPoP %s", tok);
	mint_ath(tok, ath);
	ph = json_pack("{s:s, s:s, s:o}", "typ", "dpop+jwt", "alg",
		       pk->alg == JWS_ALG_EDDSA ? "EdDSA" : "ES256", "jwk", mint_jwk(pk));
	for (int i = 0; i < NPROOF; i++) {
		char jti[40];

		snprintf(jti, sizeof(jti), "bench-proof-%08d", i);
		pp = json_pack("{s:s, s:s, s:s, s:I, s:s}", "jti", jti, "htm", "GET", "htu",
			       "http://localhost/v1/routes", "iat", (json_int_t)NOW, "ath", ath);
		proofs[i] = mint_sign(ph, pp, pk);
		json_decref(pp);
	}
	req.authorization = auth;
	t0 = mono();
	do {
		struct jws_replay *rp = jws_replay_new(2 * NPROOF + 2);

		for (int i = 0; i < NPROOF; i++) {
			req.dpop = proofs[i];
			if (jws_verify_request(ctx, rp, &req, NOW, &res, &code)) {
				fprintf(stderr, "%s: rejected: %s\n", name, code);
				exit(1);
			}
		}
		n += NPROOF;
		jws_replay_free(rp);
		t = mono() - t0;
	} while (t < secs);
	printf(
	    "%-6s token + %-6s proof: %8.0f requests/s on one core (%.1f us each, %lu requests)\n",
	    name, name, (double)n / t, t / (double)n * 1e6, n);
	for (int i = 0; i < NPROOF; i++)
		free(proofs[i]);
	free(proofs);
	free(tok);
	free(auth);
	json_decref(th);
	json_decref(tp);
	json_decref(ph);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0;
	struct mint_key ed, ec, ped, pec;
	uint8_t seed[32], sum[32];
	struct jws_issuer is[2] = {0};
	struct jws_agent ag = {0};
	struct jws_config cfg = {0};
	struct jws_ctx *ctx;

	if (sodium_init() < 0)
		return 1;
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)i;
	mint_key_ed(&ed, seed);
	seed[0] = 0xaa;
	mint_key_ed(&ped, seed);
	mint_key_ec(&ec);
	mint_key_ec(&pec);
	crypto_hash_sha256(sum, (const uint8_t *)"patcher", 7);
	is[0] =
	    (struct jws_issuer){.iss = "https://ed.example", .alg = JWS_ALG_EDDSA, .pub_len = 32};
	memcpy(is[0].pub, ed.pub, 32);
	is[1] = (struct jws_issuer){
	    .iss = "https://ec.example", .kid = "ec-1", .alg = JWS_ALG_ES256, .pub_len = 65};
	memcpy(is[1].pub, ec.pub, 65);
	ag = (struct jws_agent){.sub = "agent-bench",
				.checksums = (const uint8_t(*)[32])sum,
				.n_checksums = 1,
				.max_scopes = JWS_SCOPE_ROUTE_READ};
	cfg = (struct jws_config){.audience = "urn:omnid:node:bench",
				  .clock_skew = 60,
				  .max_token_lifetime = 600,
				  .max_token_bytes = 8192,
				  .issuers = is,
				  .n_issuers = 2,
				  .agents = &ag,
				  .n_agents = 1};
	if (jws_ctx_new(&cfg, &ctx))
		return 1;
	run("EdDSA", ctx, &ed, "https://ed.example", NULL, &ped, secs);
	run("ES256", ctx, &ec, "https://ec.example", "ec-1", &pec, secs);
	jws_ctx_free(ctx);
	EVP_PKEY_free(ec.pk);
	EVP_PKEY_free(pec.pk);
	return 0;
}
