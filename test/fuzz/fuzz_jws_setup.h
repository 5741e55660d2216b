/* SPDX-License-Identifier: MIT */
/*
 * fuzz_jws_setup.h - the fixed verifier configuration shared by fuzz_jws.c and
 * fuzz_dpop.c: one Ed25519 issuer and one ES256 issuer with fixed or per-process
 * keys, one agent, and a request for GET /v1/routes on the UNIX socket origin.
 * Fuzzer-local statics only; common/ stays global-free.
 */
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jws.h"
#include "../unit/jws_mint.h"

#define FZ_IAT 1767225600ULL
#define FZ_NOW (FZ_IAT + 100)
#define FZ_ISS "https://idp.example.internal"
#define FZ_AUD "urn:omnid:node:test"

struct fz {
	struct mint_key iss_ed, iss_ec, proof;
	uint8_t sum[32];
	struct jws_issuer issuers[2];
	struct jws_agent agent;
	struct jws_config cfg;
	struct jws_ctx *ctx;
	char jkt[44];
};

static inline struct fz *fz_get(void)
{
	static struct fz f;
	static int ready;
	uint8_t seed[32];

	if (ready)
		return &f;
	if (sodium_init() < 0)
		abort();
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)i;
	mint_key_ed(&f.iss_ed, seed);
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)(32 + i);
	mint_key_ed(&f.proof, seed);
	mint_key_ec(&f.iss_ec);
	mint_thumb(&f.proof, f.jkt);
	crypto_hash_sha256(f.sum, (const uint8_t *)"patcher", 7);
	f.issuers[0] = (struct jws_issuer){.iss = FZ_ISS, .alg = JWS_ALG_EDDSA, .pub_len = 32};
	memcpy(f.issuers[0].pub, f.iss_ed.pub, 32);
	f.issuers[1] = (struct jws_issuer){
	    .iss = "https://ec.example", .kid = "ec-1", .alg = JWS_ALG_ES256, .pub_len = 65};
	memcpy(f.issuers[1].pub, f.iss_ec.pub, 65);
	f.agent = (struct jws_agent){.sub = "agent-patcher-01",
				     .checksums = (const uint8_t(*)[32])f.sum,
				     .n_checksums = 1,
				     .max_scopes = JWS_SCOPE_ROUTE_READ | JWS_SCOPE_PEER_READ |
						   JWS_SCOPE_ROUTE_WRITE};
	f.cfg = (struct jws_config){.audience = FZ_AUD,
				    .clock_skew = 60,
				    .max_token_lifetime = 600,
				    .max_token_bytes = 8192,
				    .issuers = f.issuers,
				    .n_issuers = 2,
				    .agents = &f.agent,
				    .n_agents = 1};
	if (jws_ctx_new(&f.cfg, &f.ctx))
		abort();
	ready = 1;
	return &f;
}

/* Verify @auth_tok / @proof as GET /v1/routes on the UNIX socket, fresh replay cache. */
static inline void fz_verify(const char *tok, const char *proof, const char *method)
{
	struct fz *f = fz_get();
	struct jws_replay *rp = jws_replay_new(8);
	struct jws_result res;
	const char *code = NULL;
	char *auth = malloc(strlen(tok) + 6);
	struct jws_request req = {.method = method,
				  .origin = "http://localhost",
				  .path = "/v1/routes",
				  .n_authorization = 1,
				  .n_dpop = 1,
				  .dpop = proof,
				  .unix_socket = true};
	int rc;

	if (!auth || !rp)
		abort();
	memcpy(auth, "DPoP ", 5);
	strcpy(auth + 5, tok);
	req.authorization = auth;
	rc = jws_verify_request(f->ctx, rp, &req, FZ_NOW, &res, &code);
#ifdef FZ_TRACE
	fprintf(stderr, "%s: %d %s\n", method, rc, code ? code : "accepted");
#endif
	if (rc && (!code || !*jws_err_class(code)))
		abort();
	if (!rc && (code || jws_replay_count(rp) != 2))
		abort();
	free(auth);
	jws_replay_free(rp);
}

/* Split @data at the first newline into two NUL-terminated texts (malloc'd pair). */
static inline int fz_split(const uint8_t *data, size_t size, char **a, char **b)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t la;

	if (!nl)
		return -1;
	la = (size_t)(nl - data);
	*a = strndup((const char *)data, la);
	*b = strndup((const char *)nl + 1, size - la - 1);
	if (!*a || !*b)
		abort();
	return 0;
}

/* A valid proof of f->proof for @tok, GET http://localhost/v1/routes. */
static inline char *fz_proof_for(const char *tok, const char *jti)
{
	struct fz *f = fz_get();
	char ath[44], *out;
	json_t *h, *p;

	mint_ath(tok, ath);
	h = json_pack("{s:s, s:s, s:o}", "typ", "dpop+jwt", "alg", "EdDSA", "jwk",
		      mint_jwk(&f->proof));
	p = json_pack("{s:s, s:s, s:s, s:I, s:s}", "jti", jti, "htm", "GET", "htu",
		      "http://localhost/v1/routes", "iat", (json_int_t)FZ_NOW, "ath", ath);
	out = mint_sign(h, p, &f->proof);
	json_decref(h);
	json_decref(p);
	return out;
}
