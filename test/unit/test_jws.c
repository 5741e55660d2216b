// SPDX-License-Identifier: MIT
/*
 * test_jws.c - the control-API verifier (common/jws.c): known-answer tokens and
 * proofs minted by an independent implementation (data/mint_jwt.py: PyJWT +
 * cryptography), valid EdDSA/ES256 tokens and proofs minted here, every attack of
 * spec/agentic-jwt.md B.8.4 that the pure verifier owns (items 1-21) with its
 * specific reason code, clock-skew boundaries, the scope table, truncation and
 * bit flips of a valid token, and the replay cache under load against a model.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "jws.h"
#include "jws_mint.h"

#define IAT 1767225600ULL
#define NOW (IAT + 100)
#define ISS_A "https://idp.example.internal"
#define ISS_B "https://idp2.example.internal"
#define ISS_C "https://other.example"
#define AUD "urn:omnid:node:test"
#define SUB "agent-patcher-01"
#define CHECKSUM "242d2f23a194483a0aea19c60f86ca2fb887d97edfd2cdfdcf4e2d650a2f79f3"

#include "jws_kat.h"

static struct mint_key k_a, k_b1, k_b2, k_c, k_pe, k_pc, k_px;
static uint8_t sums[3][32];
static struct jws_issuer issuers[4];
static struct jws_agent agents[3];
static struct jws_config cfg;
static struct jws_ctx *ctx;
static struct jws_replay *rp;
static struct jws_result res;
static const char *const wf_ids[] = {"wf-patch", "wf-other"};
static const char *const reg_ids[] = {"reg_agent-patcher-01_1767225600", "reg_agent-patcher-01_1"};
static const char *const revoked[] = {"reg_agent-patcher-01_1"};
static unsigned proof_seq;

static void seed(uint8_t s[32], uint8_t base)
{
	for (int i = 0; i < 32; i++)
		s[i] = (uint8_t)(base + i);
}

static void setup(void)
{
	uint8_t s[32];

	cr_assert_geq(sodium_init(), 0);
	seed(s, 0);
	mint_key_ed(&k_a, s); /* the same seed as mint_jwt.py's issuer */
	seed(s, 32);
	mint_key_ed(&k_pe, s); /* the same seed as mint_jwt.py's proof key */
	seed(s, 64);
	mint_key_ed(&k_c, s);
	seed(s, 96);
	mint_key_ed(&k_px, s);
	mint_key_ec(&k_b1);
	mint_key_ec(&k_b2);
	mint_key_ec(&k_pc);
	crypto_hash_sha256(sums[0], (const uint8_t *)"patcher", 7);
	crypto_hash_sha256(sums[1], (const uint8_t *)"other", 5);
	crypto_hash_sha256(sums[2], (const uint8_t *)"uid", 3);

	issuers[0] = (struct jws_issuer){.iss = ISS_A, .alg = JWS_ALG_EDDSA, .pub_len = 32};
	memcpy(issuers[0].pub, k_a.pub, 32);
	issuers[1] =
	    (struct jws_issuer){.iss = ISS_B, .kid = "b-es-1", .alg = JWS_ALG_ES256, .pub_len = 65};
	memcpy(issuers[1].pub, k_b1.pub, 65);
	issuers[2] =
	    (struct jws_issuer){.iss = ISS_B, .kid = "b-es-2", .alg = JWS_ALG_ES256, .pub_len = 65};
	memcpy(issuers[2].pub, k_b2.pub, 65);
	issuers[3] =
	    (struct jws_issuer){.iss = ISS_C, .kid = "c-ed-1", .alg = JWS_ALG_EDDSA, .pub_len = 32};
	memcpy(issuers[3].pub, k_c.pub, 32);

	agents[0] = (struct jws_agent){
	    .sub = SUB,
	    .checksums = (const uint8_t(*)[32])sums[0],
	    .n_checksums = 1,
	    .max_scopes = JWS_SCOPE_ROUTE_READ | JWS_SCOPE_PEER_READ | JWS_SCOPE_STATUS_READ |
			  JWS_SCOPE_ROUTE_WRITE,
	    .registration_ids = reg_ids,
	    .n_registration_ids = 2,
	    .revoked_registration_ids = revoked,
	    .n_revoked_registration_ids = 1,
	    .workflow_ids = wf_ids,
	    .n_workflow_ids = 2,
	};
	agents[1] = (struct jws_agent){.sub = "agent-other",
				       .checksums = (const uint8_t(*)[32])sums[1],
				       .n_checksums = 1,
				       .max_scopes = JWS_SCOPE_ROUTE_READ};
	agents[2] = (struct jws_agent){.sub = "agent-uid",
				       .checksums = (const uint8_t(*)[32])sums[2],
				       .n_checksums = 1,
				       .max_scopes = JWS_SCOPE_ROUTE_READ,
				       .has_peer_uid = true,
				       .peer_uid = 1001};
	cfg = (struct jws_config){.audience = AUD,
				  .clock_skew = 60,
				  .max_token_lifetime = 600,
				  .max_token_bytes = 8192,
				  .issuers = issuers,
				  .n_issuers = 4,
				  .agents = agents,
				  .n_agents = 3};
	cr_assert_eq(jws_ctx_new(&cfg, &ctx), 0);
	rp = jws_replay_new(1024);
	cr_assert_not_null(rp);
}

static void teardown(void)
{
	jws_ctx_free(ctx);
	jws_replay_free(rp);
	EVP_PKEY_free(k_b1.pk);
	EVP_PKEY_free(k_b2.pk);
	EVP_PKEY_free(k_pc.pk);
}

TestSuite(jws, .init = setup, .fini = teardown);

/* ------------------------------------------------------------ request minting */

struct m {
	json_t *th, *tp, *ph, *pp;
	const struct mint_key *tk, *pk;
	char *tok, *proof, *auth;
	bool keep_ath;
	struct jws_request req;
};

static json_t *intent_default(const char *sub)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "workflow_id", "wf-patch", "workflow_step",
			 "scan", "executed_by", sub, "delegation_chain", "0123456789abcdef",
			 "step_sequence_hash", "fedcba9876543210");
}

static void m_init(struct m *m)
{
	char jkt[44], pj[40], tj[40];

	memset(m, 0, sizeof(*m));
	m->tk = &k_a;
	m->pk = &k_pe;
	mint_thumb(&k_pe, jkt);
	snprintf(tj, sizeof(tj), "tok-%012u-abcdef", proof_seq);
	m->th = json_pack("{s:s, s:s}", "alg", "EdDSA", "typ", "JWT");
	m->tp =
	    json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:{s:s}, s:o, s:{s:s, s:s}}", "iss",
		      ISS_A, "aud", AUD, "sub", SUB, "iat", (json_int_t)IAT, "exp",
		      (json_int_t)(IAT + 300), "jti", tj, "scope", "route.read peer.read", "cnf",
		      "jkt", jkt, "intent", intent_default(SUB), "agent_proof", "agent_checksum",
		      "sha256:" CHECKSUM, "registration_id", "reg_agent-patcher-01_1767225600");
	snprintf(pj, sizeof(pj), "prf-%012u-abcdef", proof_seq++);
	m->ph =
	    json_pack("{s:s, s:s, s:o}", "typ", "dpop+jwt", "alg", "EdDSA", "jwk", mint_jwk(&k_pe));
	m->pp = json_pack("{s:s, s:s, s:s, s:I}", "jti", pj, "htm", "GET", "htu",
			  "http://localhost/v1/routes", "iat", (json_int_t)NOW);
	cr_assert(m->th && m->tp && m->ph && m->pp);
	m->req = (struct jws_request){.method = "GET",
				      .origin = "http://localhost",
				      .path = "/v1/routes",
				      .n_authorization = 1,
				      .n_dpop = 1,
				      .unix_socket = true,
				      .has_peer_uid = true,
				      .peer_uid = 1000};
}

static void m_free(struct m *m)
{
	json_decref(m->th);
	json_decref(m->tp);
	json_decref(m->ph);
	json_decref(m->pp);
	free(m->tok);
	free(m->proof);
	free(m->auth);
}

/* Use @tok (taken) as the token; re-sign the proof over its ath. */
static void m_set_tok(struct m *m, char *tok)
{
	char ath[44];

	free(m->tok);
	free(m->proof);
	free(m->auth);
	m->tok = tok;
	if (!m->keep_ath) {
		mint_ath(tok, ath);
		json_object_set_new(m->pp, "ath", json_string(ath));
	}
	m->proof = mint_sign(m->ph, m->pp, m->pk);
	m->auth = xmalloc(strlen(tok) + 6);
	sprintf(m->auth, "DPoP %s", tok);
	m->req.authorization = m->auth;
	m->req.dpop = m->proof;
}

static void m_build(struct m *m)
{
	m_set_tok(m, mint_sign(m->th, m->tp, m->tk));
}

static int m_verify(struct m *m, uint64_t now, const char **code)
{
	return jws_verify_request(ctx, rp, &m->req, now, &res, code);
}

#define CHECK_AT(mm, now, rc_want, code_want)                                                      \
	do {                                                                                       \
		const char *c_ = NULL;                                                             \
		int r_ = m_verify((mm), (now), &c_);                                               \
		cr_assert_eq(r_, (rc_want), "rc %d (%s), want %d (%s)", r_, c_ ? c_ : "-",         \
			     (rc_want), (code_want) ? (const char *)(code_want) : "-");            \
		if (code_want)                                                                     \
			cr_assert_str_eq(c_, (const char *)(code_want));                           \
		else                                                                               \
			cr_assert_null(c_);                                                        \
	} while (0)
#define CHECK(mm, rc_want, code_want) CHECK_AT(mm, NOW, rc_want, code_want)

/* Build with the defaults changed by @stmt, expect @code. */
#define ATTACK(code, stmt)                                                                         \
	do {                                                                                       \
		struct m m_;                                                                       \
		m_init(&m_);                                                                       \
		{                                                                                  \
			struct m *m = &m_;                                                         \
			(void)m;                                                                   \
			stmt;                                                                      \
		}                                                                                  \
		if (!m_.tok)                                                                       \
			m_build(&m_);                                                              \
		CHECK(&m_, -EACCES, code);                                                         \
		m_free(&m_);                                                                       \
	} while (0)

static char *replace_sig(const char *tok, const uint8_t *sig, size_t n)
{
	const char *dot = strrchr(tok, '.');
	char *s = mint_b64u(sig, n), *out = xmalloc(strlen(tok) + strlen(s) + 2);

	memcpy(out, tok, (size_t)(dot - tok) + 1);
	strcpy(out + (dot - tok) + 1, s);
	free(s);
	return out;
}

/* ------------------------------------------------------------ accepted */

Test(jws, valid_eddsa_token_eddsa_proof)
{
	struct m m;

	m_init(&m);
	m_build(&m);
	CHECK(&m, 0, NULL);
	cr_assert_str_eq(res.sub, SUB);
	cr_assert_str_eq(res.iss, ISS_A);
	cr_assert_str_eq(res.jti, json_string_value(json_object_get(m.tp, "jti")));
	cr_assert_str_eq(res.checksum12, "242d2f23a194");
	cr_assert_str_eq(res.workflow_id, "wf-patch");
	cr_assert_str_eq(res.workflow_step, "scan");
	cr_assert_str_eq(res.delegation_chain, "0123456789abcdef");
	cr_assert_eq(res.scopes, JWS_SCOPE_ROUTE_READ | JWS_SCOPE_PEER_READ);
	cr_assert_eq(res.op_scope, JWS_SCOPE_ROUTE_READ);
	cr_assert_not(res.write);
	cr_assert_eq(res.issuer, 0);
	cr_assert_eq(res.agent, 0);
	cr_assert_eq(jws_replay_count(rp), 2);
	m_free(&m);
}

Test(jws, valid_es256_token_es256_proof_cnf_jwk)
{
	struct m m;

	m_init(&m);
	m.tk = &k_b2;
	m.pk = &k_pc;
	json_object_set_new(m.th, "alg", json_string("ES256"));
	json_object_set_new(m.th, "kid", json_string("b-es-2"));
	json_object_set_new(m.tp, "iss", json_string(ISS_B));
	json_object_set_new(m.tp, "cnf", json_pack("{s:o}", "jwk", mint_jwk(&k_pc)));
	json_object_set_new(m.ph, "alg", json_string("ES256"));
	json_object_set_new(m.ph, "jwk", mint_jwk(&k_pc));
	m_build(&m);
	CHECK(&m, 0, NULL);
	cr_assert_eq(res.issuer, 2);
	m_free(&m);
}

Test(jws, valid_mixed_algs_and_string_aud_and_plain_checksum)
{
	struct m m;

	m_init(&m);
	m.pk = &k_pc;
	json_object_set_new(m.ph, "alg", json_string("ES256"));
	json_object_set_new(m.ph, "jwk", mint_jwk(&k_pc));
	{
		char jkt[44];

		mint_thumb(&k_pc, jkt);
		json_object_set_new(m.tp, "cnf", json_pack("{s:s}", "jkt", jkt));
	}
	json_object_set_new(m.tp, "aud", json_pack("[s,s]", "x", AUD));
	json_object_set_new(json_object_get(m.tp, "agent_proof"), "agent_checksum",
			    json_string(CHECKSUM));
	json_object_set_new(m.th, "typ", json_string("at+jwt"));
	m_build(&m);
	CHECK(&m, 0, NULL);
	m_free(&m);
}

static void kat_ctx(const char *pubhex, enum jws_alg alg, const char *kid, struct jws_ctx **c,
		    struct jws_issuer *is, struct jws_config *kc)
{
	memset(is, 0, sizeof(*is));
	is->iss = ISS_A;
	is->kid = kid;
	is->alg = alg;
	cr_assert_eq(sodium_hex2bin(is->pub, sizeof(is->pub), pubhex, strlen(pubhex), NULL,
				    &is->pub_len, NULL),
		     0);
	*kc = cfg;
	kc->issuers = is;
	kc->n_issuers = 1;
	cr_assert_eq(jws_ctx_new(kc, c), 0);
}

Test(jws, known_answer_pyjwt_eddsa)
{
	struct jws_ctx *c;
	struct jws_issuer is;
	struct jws_config kc;
	struct jws_request rq = {.method = "GET",
				 .origin = "http://localhost",
				 .path = "/v1/routes",
				 .n_authorization = 1,
				 .n_dpop = 1,
				 .dpop = kat_ed_proof,
				 .unix_socket = true};
	char auth[2048];
	const char *code = NULL;
	json_t *jwk;
	char th[44];

	cr_assert_eq(memcmp(k_a.pub, (uint8_t[32]){0x03, 0xa1, 0x07, 0xbf}, 4), 0);
	kat_ctx(kat_iss_ed_pub, JWS_ALG_EDDSA, NULL, &c, &is, &kc);
	snprintf(auth, sizeof(auth), "DPoP %s", kat_ed_token);
	rq.authorization = auth;
	/* The thumbprint of the same key computed by both implementations. */
	jwk = mint_jwk(&k_pe);
	cr_assert_eq(jws_jwk_thumbprint(jwk, th), 0);
	cr_assert_str_eq(th, kat_ed_jkt);
	json_decref(jwk);
	cr_assert_eq(jws_verify_request(c, rp, &rq, IAT + 20, &res, &code), 0, "%s", code);
	cr_assert_str_eq(res.jkt, kat_ed_jkt);
	/* The same pair again is a replay; at a time too far from the proof iat it is stale. */
	cr_assert_eq(jws_verify_request(c, rp, &rq, IAT + 20, &res, &code), -EACCES);
	cr_assert_str_eq(code, "proof_replay");
	cr_assert_eq(jws_verify_request(c, rp, &rq, IAT + 71, &res, &code), -EACCES);
	cr_assert_str_eq(code, "proof_iat");
	jws_ctx_free(c);
}

Test(jws, known_answer_pyjwt_es256_kid_cnf_jwk_tcp)
{
	struct jws_ctx *c;
	struct jws_issuer is;
	struct jws_config kc;
	struct jws_request rq = {.method = "GET",
				 .origin = "http://127.0.0.1:7411",
				 .path = "/v1/peers",
				 .n_authorization = 1,
				 .n_dpop = 1,
				 .dpop = kat_ec_proof};
	char auth[2048];
	const char *code = NULL;

	kat_ctx(kat_iss_ec_pub, JWS_ALG_ES256, "corp-es-1", &c, &is, &kc);
	snprintf(auth, sizeof(auth), "dpop %s", kat_ec_token);
	rq.authorization = auth;
	cr_assert_eq(jws_verify_request(c, rp, &rq, IAT + 10, &res, &code), 0, "%s", code);
	cr_assert_str_eq(res.jkt, kat_ec_jkt);
	cr_assert_eq(res.op_scope, JWS_SCOPE_PEER_READ);
	/* The same proof on the UNIX socket origin: wrong htu (B.8.4 item 11). */
	rq.origin = "http://localhost";
	cr_assert_eq(jws_verify_request(c, rp, &rq, IAT + 10, &res, &code), -EACCES);
	cr_assert_str_eq(code, "proof_htu");
	jws_ctx_free(c);
}

/* jws_compact_verify(), the one signature check the daemon and omnictl share. */
static void kat_parse(const char *tok, const char *pubhex, struct jws_compact *c, uint8_t *pub,
		      size_t pub_cap, size_t *pub_len)
{
	const char *code = NULL;

	cr_assert_eq(jws_compact_parse(tok, strlen(tok), 4096, c, &code), 0, "%s", code);
	cr_assert_eq(sodium_hex2bin(pub, pub_cap, pubhex, strlen(pubhex), NULL, pub_len, NULL), 0);
}

/* Every single bit flip of the signature is refused; @c is restored after. */
static void flip_every_sig_bit(struct jws_compact *c, const char *tok, enum jws_alg alg,
			       const uint8_t *pub, size_t pub_len)
{
	for (size_t i = 0; i < c->sig_len; i++) {
		for (int b = 0; b < 8; b++) {
			c->sig[i] ^= (uint8_t)(1U << b);
			cr_assert_eq(jws_compact_verify(c, tok, alg, pub, pub_len), -EBADMSG,
				     "flip %zu/%d accepted", i, b);
			c->sig[i] ^= (uint8_t)(1U << b);
		}
	}
	cr_assert_eq(jws_compact_verify(c, tok, alg, pub, pub_len), 0);
}

Test(jws, compact_verify_eddsa_known_answer)
{
	struct jws_compact c;
	uint8_t pub[32], wrong[32];
	size_t pl;

	kat_parse(kat_ed_token, kat_iss_ed_pub, &c, pub, sizeof(pub), &pl);
	cr_assert_eq(pl, 32);
	cr_assert_eq(jws_compact_verify(&c, kat_ed_token, JWS_ALG_EDDSA, pub, 32), 0);
	flip_every_sig_bit(&c, kat_ed_token, JWS_ALG_EDDSA, pub, 32);
	/* A different key (another valid Ed25519 key: the proof key). */
	cr_assert_eq(jws_compact_verify(&c, kat_ed_token, JWS_ALG_EDDSA, k_pe.pub, 32), -EBADMSG);
	memcpy(wrong, pub, 32);
	wrong[7] ^= 0x10;
	cr_assert_eq(jws_compact_verify(&c, kat_ed_token, JWS_ALG_EDDSA, wrong, 32), -EBADMSG);
	/* A flipped byte of the signing input. */
	{
		char *t = xstrdup(kat_ed_token);

		t[3] ^= 0x01;
		cr_assert_eq(jws_compact_verify(&c, t, JWS_ALG_EDDSA, pub, 32), -EBADMSG);
		free(t);
	}
	/* Short signature, bad key length, unknown algorithm. */
	c.sig_len = 63;
	cr_assert_eq(jws_compact_verify(&c, kat_ed_token, JWS_ALG_EDDSA, pub, 32), -EBADMSG);
	c.sig_len = 64;
	cr_assert_eq(jws_compact_verify(&c, kat_ed_token, JWS_ALG_EDDSA, pub, 31), -EINVAL);
	cr_assert_eq(jws_compact_verify(&c, kat_ed_token, JWS_ALG_EDDSA, pub, 65), -EINVAL);
	cr_assert_eq(jws_compact_verify(&c, kat_ed_token, (enum jws_alg)0, pub, 32), -EINVAL);
	cr_assert_eq(jws_compact_verify(&c, kat_ed_token, JWS_ALG_EDDSA, pub, 32), 0);
	jws_compact_deinit(&c);
}

Test(jws, compact_verify_es256_known_answer_and_ranges)
{
	static const uint8_t n_order[32] = {
	    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17,
	    0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
	};
	struct jws_compact c;
	uint8_t pub[65], good[64];
	size_t pl;

	kat_parse(kat_ec_token, kat_iss_ec_pub, &c, pub, sizeof(pub), &pl);
	cr_assert_eq(pl, 65);
	cr_assert_eq(c.sig_len, 64);
	cr_assert_eq(jws_compact_verify(&c, kat_ec_token, JWS_ALG_ES256, pub, 65), 0);
	memcpy(good, c.sig, 64);
	flip_every_sig_bit(&c, kat_ec_token, JWS_ALG_ES256, pub, 65);
	/* Another valid P-256 key. */
	cr_assert_eq(jws_compact_verify(&c, kat_ec_token, JWS_ALG_ES256, k_b1.pub, 65), -EBADMSG);
	/* r or s out of [1, n-1]: zero, n, all ones; s + n is the same residue as s. */
	for (int k = 0; k < 6; k++) {
		memcpy(c.sig, good, 64);
		if (k == 0)
			memset(c.sig, 0, 32);
		if (k == 1)
			memset(c.sig + 32, 0, 32);
		if (k == 2)
			memcpy(c.sig, n_order, 32);
		if (k == 3)
			memcpy(c.sig + 32, n_order, 32);
		if (k == 4)
			memset(c.sig, 0xff, 32);
		if (k == 5)
			memset(c.sig, 0, 64);
		cr_assert_eq(jws_compact_verify(&c, kat_ec_token, JWS_ALG_ES256, pub, 65), -EBADMSG,
			     "range case %d accepted", k);
	}
	memcpy(c.sig, good, 64);
	/* Not raw r || s (a 63 or 72-byte signature, e.g. DER). */
	c.sig_len = 63;
	cr_assert_eq(jws_compact_verify(&c, kat_ec_token, JWS_ALG_ES256, pub, 65), -EBADMSG);
	c.sig_len = 64;
	/* Bad keys: length, compressed tag, off the curve, an Ed25519 key. */
	cr_assert_eq(jws_compact_verify(&c, kat_ec_token, JWS_ALG_ES256, pub, 64), -EINVAL);
	pub[0] = 0x02;
	cr_assert_eq(jws_compact_verify(&c, kat_ec_token, JWS_ALG_ES256, pub, 65), -EINVAL);
	pub[0] = 0x04;
	pub[64] ^= 1;
	cr_assert_eq(jws_compact_verify(&c, kat_ec_token, JWS_ALG_ES256, pub, 65), -EINVAL);
	pub[64] ^= 1;
	cr_assert_eq(jws_compact_verify(&c, kat_ec_token, JWS_ALG_ES256, k_a.pub, 32), -EINVAL);
	/* Algorithm confusion: the ES256 token under the EdDSA issuer key. */
	cr_assert_eq(jws_compact_verify(&c, kat_ec_token, JWS_ALG_EDDSA, k_a.pub, 32), -EBADMSG);
	cr_assert_eq(jws_compact_verify(&c, kat_ec_token, JWS_ALG_ES256, pub, 65), 0);
	jws_compact_deinit(&c);
}

/* ------------------------------------------------------------ B.8.4 items 1-6 */

Test(jws, attack_alg_none)
{
	static const char none_hdr[] = "{\"alg\":\"none\"}";
	struct m m;
	char *t, *h, *dot;

	m_init(&m);
	m_build(&m);
	h = mint_b64u(none_hdr, strlen(none_hdr));
	dot = strchr(m.tok, '.');
	t = xmalloc(strlen(m.tok) + strlen(h) + 1);
	sprintf(t, "%s%s", h, dot); /* none header, original payload and signature */
	m_set_tok(&m, t);
	CHECK(&m, -EACCES, "token_alg");
	t = strdup(m.tok);
	*strrchr(t, '.') = '\0';
	strcat(t, "."); /* no signature segment */
	m_set_tok(&m, t);
	CHECK(&m, -EACCES, "token_shape");
	t = strdup(m.tok);
	*strrchr(t, '.') = '\0';
	m_set_tok(&m, t);
	CHECK(&m, -EACCES, "token_shape");
	free(h);
	m_free(&m);
}

Test(jws, attack_alg_confusion_hs256)
{
	struct m m;
	uint8_t mac[crypto_auth_hmacsha256_BYTES];
	const uint8_t empty[32] = {0};
	char *t;

	m_init(&m);
	json_object_set_new(m.th, "alg", json_string("HS256"));
	m_build(&m);
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, k_a.pub, 32);
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)m.tok,
				      (size_t)(strrchr(m.tok, '.') - m.tok));
	crypto_auth_hmacsha256_final(&st, mac);
	t = replace_sig(m.tok, mac, sizeof(mac));
	m_set_tok(&m, t);
	CHECK(&m, -EACCES, "token_alg");
	crypto_auth_hmacsha256_init(&st, empty, 0);
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)m.tok,
				      (size_t)(strrchr(m.tok, '.') - m.tok));
	crypto_auth_hmacsha256_final(&st, mac);
	m_set_tok(&m, replace_sig(m.tok, mac, sizeof(mac)));
	CHECK(&m, -EACCES, "token_alg");
	m_free(&m);
}

Test(jws, attack_rs_ps_and_mismatched_alg)
{
	ATTACK("token_alg", json_object_set_new(m->th, "alg", json_string("RS256")));
	ATTACK("token_alg", json_object_set_new(m->th, "alg", json_string("PS256")));
	ATTACK("token_alg", json_object_set_new(m->th, "alg", json_string("eddsa")));
	ATTACK("token_alg", json_object_del(m->th, "alg"));
	ATTACK("token_alg", json_object_set_new(m->th, "alg", json_integer(1)));
	/* ES256 named for the EdDSA-pinned issuer (signature made with an EC key). */
	ATTACK("token_alg", {
		m->tk = &k_b1;
		json_object_set_new(m->th, "alg", json_string("ES256"));
	});
	/* EdDSA named for an ES256-pinned issuer key. */
	ATTACK("token_alg", {
		json_object_set_new(m->th, "kid", json_string("b-es-1"));
		json_object_set_new(m->tp, "iss", json_string(ISS_B));
	});
}

static void es256_base(struct m *m)
{
	m->tk = &k_b1;
	json_object_set_new(m->th, "alg", json_string("ES256"));
	json_object_set_new(m->th, "kid", json_string("b-es-1"));
	json_object_set_new(m->tp, "iss", json_string(ISS_B));
}

Test(jws, attack_es256_der_and_length)
{
	struct m m;
	uint8_t sig[64], der[80], *dp = der;
	const char *dot;
	size_t n;
	ECDSA_SIG *es = ECDSA_SIG_new();

	m_init(&m);
	es256_base(&m);
	m_build(&m);
	CHECK(&m, 0, NULL); /* the base is valid */
	m_free(&m);

	m_init(&m);
	es256_base(&m);
	m_build(&m);
	dot = strrchr(m.tok, '.');
	cr_assert_eq(sodium_base642bin(sig, sizeof(sig), dot + 1, strlen(dot + 1), NULL, &n, NULL,
				       sodium_base64_VARIANT_URLSAFE_NO_PADDING),
		     0);
	cr_assert_eq(ECDSA_SIG_set0(es, BN_bin2bn(sig, 32, NULL), BN_bin2bn(sig + 32, 32, NULL)),
		     1);
	n = (size_t)i2d_ECDSA_SIG(es, &dp);
	m_set_tok(&m, replace_sig(m.tok, der, n));
	CHECK(&m, -EACCES, "token_signature");
	m_set_tok(&m, replace_sig(m.tok, sig, 63));
	CHECK(&m, -EACCES, "token_signature");
	ECDSA_SIG_free(es);
	m_free(&m);
}

Test(jws, attack_es256_scalar_range)
{
	static const uint8_t n_order[32] = {
	    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17,
	    0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
	};
	uint8_t good[64], bad[64];
	struct m m;
	size_t n;
	const char *dot;

	m_init(&m);
	es256_base(&m);
	m_build(&m);
	dot = strrchr(m.tok, '.');
	cr_assert_eq(sodium_base642bin(good, sizeof(good), dot + 1, strlen(dot + 1), NULL, &n, NULL,
				       sodium_base64_VARIANT_URLSAFE_NO_PADDING),
		     0);
	/* r = s = 0 ("psychic signature"), r = 0, s = 0, r = n, s = n, r = s = 0xff.. */
	for (int c = 0; c < 6; c++) {
		memcpy(bad, good, 64);
		if (c == 0)
			memset(bad, 0, 64);
		if (c == 1)
			memset(bad, 0, 32);
		if (c == 2)
			memset(bad + 32, 0, 32);
		if (c == 3)
			memcpy(bad, n_order, 32);
		if (c == 4)
			memcpy(bad + 32, n_order, 32);
		if (c == 5)
			memset(bad, 0xff, 64);
		m_set_tok(&m, replace_sig(m.tok, bad, 64));
		CHECK(&m, -EACCES, "token_signature");
	}
	m_free(&m);
}

Test(jws, attack_eddsa_sig_length_and_flip)
{
	struct m m;
	uint8_t sig[65] = {0};
	size_t n;
	const char *dot;

	m_init(&m);
	m_build(&m);
	dot = strrchr(m.tok, '.');
	cr_assert_eq(sodium_base642bin(sig, sizeof(sig), dot + 1, strlen(dot + 1), NULL, &n, NULL,
				       sodium_base64_VARIANT_URLSAFE_NO_PADDING),
		     0);
	cr_assert_eq(n, 64);
	m_set_tok(&m, replace_sig(m.tok, sig, 63));
	CHECK(&m, -EACCES, "token_signature");
	m_set_tok(&m, replace_sig(m.tok, sig, 65));
	CHECK(&m, -EACCES, "token_signature");
	sig[10] ^= 1;
	m_set_tok(&m, replace_sig(m.tok, sig, 64));
	CHECK(&m, -EACCES, "token_signature");
	m_free(&m);
}

/* ------------------------------------------------------------ items 7-10 */

Test(jws, attack_header_keys_and_kid)
{
	ATTACK("token_header_key", json_object_set_new(m->th, "jwk", mint_jwk(&k_a)));
	ATTACK("token_header_key",
	       json_object_set_new(m->th, "jku", json_string("https://evil.example/jwks")));
	ATTACK("token_header_key", json_object_set_new(m->th, "x5u", json_string("https://e/x")));
	ATTACK("token_header_key", json_object_set_new(m->th, "x5c", json_array()));
	ATTACK("token_header_key", json_object_set_new(m->th, "crit", json_pack("[s]", "exp")));
	ATTACK("token_typ", json_object_set_new(m->th, "typ", json_string("dpop+jwt")));
	ATTACK("token_typ", json_object_set_new(m->th, "typ", json_integer(3)));
	/* Unknown kid; a kid of another issuer; no kid where the issuer has two keys. */
	ATTACK("token_kid", json_object_set_new(m->th, "kid", json_string("nope")));
	ATTACK("token_kid", json_object_set_new(m->th, "kid", json_string("c-ed-1")));
	ATTACK("token_kid", {
		es256_base(m);
		json_object_del(m->th, "kid");
	});
	ATTACK("token_kid", json_object_set_new(m->th, "kid", json_integer(7)));
	/* Signed by issuer C's key, claiming issuer A. */
	ATTACK("token_signature", m->tk = &k_c);
	/* kid b-es-1 named, signed with b-es-2. */
	ATTACK("token_signature", {
		es256_base(m);
		m->tk = &k_b2;
	});
}

Test(jws, attack_times)
{
	ATTACK("token_expired", {
		json_object_set_new(m->tp, "iat", json_integer((json_int_t)(NOW - 400)));
		json_object_set_new(m->tp, "exp", json_integer((json_int_t)(NOW - 60)));
	});
	ATTACK("token_iat_future", {
		json_object_set_new(m->tp, "iat", json_integer((json_int_t)(NOW + 61)));
		json_object_set_new(m->tp, "exp", json_integer((json_int_t)(NOW + 300)));
	});
	ATTACK("token_not_yet_valid",
	       json_object_set_new(m->tp, "nbf", json_integer((json_int_t)(NOW + 61))));
	ATTACK("token_lifetime",
	       json_object_set_new(m->tp, "exp", json_integer((json_int_t)(IAT + 601))));
	ATTACK("token_lifetime", {
		json_object_set_new(m->tp, "iat", json_integer((json_int_t)(IAT + 150)));
		json_object_set_new(m->tp, "exp", json_integer((json_int_t)(IAT + 149)));
	});
	ATTACK("token_time_claim", json_object_set_new(m->tp, "exp", json_real(1767225900.5)));
	ATTACK("token_time_claim", json_object_set_new(m->tp, "exp", json_string("1767225900")));
	ATTACK("token_time_claim", json_object_set_new(m->tp, "exp", json_real(1e300)));
	ATTACK("token_time_claim", json_object_set_new(m->tp, "exp", json_integer(-1)));
	ATTACK("token_time_claim",
	       json_object_set_new(m->tp, "exp", json_integer((json_int_t)(1ULL << 53) + 1)));
	ATTACK("token_time_claim", json_object_del(m->tp, "exp"));
	ATTACK("token_time_claim", json_object_del(m->tp, "iat"));
	ATTACK("token_time_claim", json_object_set_new(m->tp, "nbf", json_real(1.0)));
	ATTACK("token_jti", json_object_del(m->tp, "jti"));
	ATTACK("token_jti", json_object_set_new(m->tp, "jti", json_string("short")));
	ATTACK("token_jti", json_object_set_new(m->tp, "jti", json_string("0123456789abcde\n")));
}

Test(jws, attack_exp_as_1e300_text)
{
	/* A literal exponent in the JSON text, as an attacker would write it. */
	struct m m;
	char *pl;

	m_init(&m);
	json_object_del(m.tp, "exp");
	pl = json_dumps(m.tp, JSON_COMPACT);
	pl[strlen(pl) - 1] = '\0';
	{
		static char p2[4096];
		char *h = json_dumps(m.th, JSON_COMPACT);

		snprintf(p2, sizeof(p2), "%s,\"exp\":1e300}", pl);
		m_set_tok(&m, mint_sign_raw(h, strlen(h), p2, strlen(p2), &k_a));
		free(h);
	}
	CHECK(&m, -EACCES, "token_time_claim");
	free(pl);
	m_free(&m);
}

Test(jws, clock_skew_boundaries)
{
	uint64_t exp = IAT + 300;
	struct m m;

	/* exp: accepted while now < exp + skew. */
	m_init(&m);
	json_object_set_new(m.pp, "iat", json_integer((json_int_t)(exp + 59)));
	m_build(&m);
	CHECK_AT(&m, exp + 59, 0, NULL);
	m_free(&m);
	m_init(&m);
	json_object_set_new(m.pp, "iat", json_integer((json_int_t)(exp + 60)));
	m_build(&m);
	CHECK_AT(&m, exp + 60, -EACCES, "token_expired");
	m_free(&m);
	/* iat: accepted up to now + skew. */
	m_init(&m);
	json_object_set_new(m.pp, "iat", json_integer((json_int_t)(IAT - 60)));
	m_build(&m);
	CHECK_AT(&m, IAT - 60, 0, NULL);
	m_free(&m);
	m_init(&m);
	json_object_set_new(m.pp, "iat", json_integer((json_int_t)(IAT - 61)));
	m_build(&m);
	CHECK_AT(&m, IAT - 61, -EACCES, "token_iat_future");
	m_free(&m);
	/* nbf: accepted from nbf - skew. */
	m_init(&m);
	json_object_set_new(m.tp, "nbf", json_integer((json_int_t)(NOW + 60)));
	m_build(&m);
	CHECK(&m, 0, NULL);
	m_free(&m);
	/* lifetime exactly max_token_lifetime is allowed. */
	m_init(&m);
	json_object_set_new(m.tp, "exp", json_integer((json_int_t)(IAT + 600)));
	m_build(&m);
	CHECK(&m, 0, NULL);
	m_free(&m);
	/* proof iat within +-skew, inclusive. */
	for (int d = -61; d <= 61; d++) {
		bool ok = d >= -60 && d <= 60;

		m_init(&m);
		json_object_set_new(m.pp, "iat", json_integer((json_int_t)NOW + d));
		m_build(&m);
		CHECK(&m, ok ? 0 : -EACCES, ok ? NULL : "proof_iat");
		m_free(&m);
	}
}

Test(jws, attack_iss_aud)
{
	ATTACK("token_iss", json_object_set_new(m->tp, "iss", json_string("https://evil")));
	ATTACK("token_iss", json_object_del(m->tp, "iss"));
	ATTACK("token_iss", json_object_set_new(m->tp, "iss", json_integer(1)));
	ATTACK("token_aud", json_object_set_new(m->tp, "aud", json_string("urn:omnid:node:x")));
	ATTACK("token_aud", json_object_set_new(m->tp, "aud", json_pack("[s,s]", "a", "b")));
	ATTACK("token_aud", json_object_set_new(m->tp, "aud", json_array()));
	ATTACK("token_aud", json_object_set_new(m->tp, "aud", json_integer(5)));
	ATTACK("token_aud", json_object_set_new(m->tp, "aud", json_pack("[s,i]", AUD, 1)));
	ATTACK("token_aud", json_object_set_new(m->tp, "aud", json_pack("{s:s}", "a", AUD)));
	ATTACK("token_aud", json_object_del(m->tp, "aud"));
}

/* ------------------------------------------------------------ item 11 */

Test(jws, attack_replay)
{
	struct m m, m2;
	char *t;

	m_init(&m);
	m_build(&m);
	CHECK(&m, 0, NULL);
	CHECK(&m, -EACCES, "proof_replay"); /* the same token and proof twice */
	/* The same token with a fresh proof is a normal reuse for reads. */
	m_init(&m2);
	t = strdup(m.tok);
	m_set_tok(&m2, t);
	CHECK(&m2, 0, NULL);
	m_free(&m2);
	/* Another token under the same (iss, jti) is a replayed jti. */
	m_init(&m2);
	json_object_set(m2.tp, "jti", json_object_get(m.tp, "jti"));
	json_object_set_new(m2.tp, "scope", json_string("route.read"));
	m_build(&m2);
	CHECK(&m2, -EACCES, "token_replay");
	m_free(&m2);
	m_free(&m);
}

Test(jws, attack_replay_single_use_writes)
{
	struct m m, m2;
	struct jws_ctx *c2;
	struct jws_config c = cfg;
	const char *code;

	c.single_use_writes = true;
	cr_assert_eq(jws_ctx_new(&c, &c2), 0);
	m_init(&m);
	json_object_set_new(m.tp, "scope", json_string("route.write route.read"));
	json_object_set_new(m.pp, "htm", json_string("POST"));
	m.req.method = "POST";
	m_build(&m);
	cr_assert_eq(jws_verify_request(c2, rp, &m.req, NOW, &res, &code), 0);
	cr_assert(res.write);
	m_init(&m2);
	json_object_set_new(m2.pp, "htm", json_string("POST"));
	m2.req.method = "POST";
	m_set_tok(&m2, strdup(m.tok));
	cr_assert_eq(jws_verify_request(c2, rp, &m2.req, NOW, &res, &code), -EACCES);
	cr_assert_str_eq(code, "token_replay");
	/* Reads with it remain allowed. */
	json_object_set_new(m2.pp, "htm", json_string("GET"));
	json_object_set_new(m2.pp, "jti", json_string("another-proof-jti-0001"));
	m2.req.method = "GET";
	m_set_tok(&m2, strdup(m.tok));
	cr_assert_eq(jws_verify_request(c2, rp, &m2.req, NOW, &res, &code), 0);
	m_free(&m2);
	m_free(&m);
	jws_ctx_free(c2);
}

Test(jws, attack_proof_claims)
{
	/* A GET proof sent with POST. */
	ATTACK("proof_htm", {
		json_object_set_new(m->tp, "scope", json_string("route.write"));
		m->req.method = "POST";
	});
	ATTACK("proof_htm", json_object_del(m->pp, "htm"));
	ATTACK("proof_htu",
	       json_object_set_new(m->pp, "htu", json_string("http://localhost/v1/peers")));
	ATTACK("proof_htu",
	       json_object_set_new(m->pp, "htu", json_string("http://localhost/v1/routes?a=1")));
	ATTACK("proof_htu",
	       json_object_set_new(m->pp, "htu", json_string("http://localhost/v1/routes#f")));
	ATTACK("proof_htu",
	       json_object_set_new(m->pp, "htu", json_string("http://127.0.0.1:7411/v1/routes")));
	ATTACK("proof_htu",
	       json_object_set_new(m->pp, "htu", json_string("http://u@localhost/v1/routes")));
	ATTACK("proof_htu", json_object_set_new(m->pp, "htu", json_string("localhost/v1/routes")));
	ATTACK("proof_htu",
	       json_object_set_new(m->pp, "htu", json_string("https://localhost/v1/routes")));
	ATTACK("proof_htu",
	       json_object_set_new(m->pp, "htu", json_string("http://localhost/v1/route%")));
	ATTACK("proof_htu", json_object_del(m->pp, "htu"));
	ATTACK("proof_iat", json_object_set_new(m->pp, "iat", json_integer(NOW - 61)));
	ATTACK("proof_iat", json_object_set_new(m->pp, "iat", json_integer(NOW + 61)));
	ATTACK("proof_iat", json_object_set_new(m->pp, "iat", json_real(1767225700.0)));
	ATTACK("proof_iat", json_object_del(m->pp, "iat"));
	ATTACK("proof_ath", {
		m->keep_ath = true;
		json_object_set_new(m->pp, "ath",
				    json_string("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"));
	});
	ATTACK("proof_ath", m->keep_ath = true);
	ATTACK("proof_jti", json_object_del(m->pp, "jti"));
	ATTACK("proof_jti", json_object_set_new(m->pp, "jti", json_string("x")));
	ATTACK("proof_typ", json_object_set_new(m->ph, "typ", json_string("JWT")));
	ATTACK("proof_typ", json_object_del(m->ph, "typ"));
	ATTACK("proof_alg", json_object_set_new(m->ph, "alg", json_string("HS256")));
	ATTACK("proof_header_key", json_object_set_new(m->ph, "jku", json_string("https://x/")));
	ATTACK("proof_jwk", json_object_del(m->ph, "jwk"));
	ATTACK("proof_jwk", json_object_set_new(m->ph, "alg", json_string("ES256")));
	ATTACK("proof_signature", m->pk = &k_px); /* jwk of k_pe, signed by k_px */
}

Test(jws, htu_normalisation_accepts)
{
	static const char *const ok[] = {
	    "HTTP://LOCALHOST/v1/routes",
	    "http://localhost:80/v1/routes",
	    "http://localhost:/v1/routes",
	    "http://localhost/v1/%72outes",
	};
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		struct m m;

		m_init(&m);
		json_object_set_new(m.pp, "htu", json_string(ok[i]));
		m_build(&m);
		CHECK(&m, 0, NULL);
		m_free(&m);
	}
	{
		struct m m;

		m_init(&m);
		m.req.origin = "http://[::1]:7411";
		m.req.unix_socket = false;
		json_object_set_new(m.pp, "htu", json_string("http://[::1]:7411/v1/routes"));
		m_build(&m);
		CHECK(&m, 0, NULL);
		m_free(&m);
	}
}

/* ------------------------------------------------------------ items 12-14 */

Test(jws, attack_pop_binding)
{
	/* Proof signed (validly) by a key other than the one cnf.jkt names. */
	ATTACK("proof_key_binding", {
		m->pk = &k_px;
		json_object_set_new(m->ph, "jwk", mint_jwk(&k_px));
	});
	/* cnf.jwk form naming another key. */
	ATTACK("proof_key_binding",
	       json_object_set_new(m->tp, "cnf", json_pack("{s:o}", "jwk", mint_jwk(&k_px))));
	ATTACK("proof_jwk", {
		json_t *j = mint_jwk(&k_pe);

		json_object_set_new(j, "d", json_string("AAAA"));
		json_object_set_new(m->ph, "jwk", j);
	});
	ATTACK("proof_jwk", {
		json_t *j = mint_jwk(&k_pe);

		json_object_set_new(j, "crv", json_string("X25519"));
		json_object_set_new(m->ph, "jwk", j);
	});
	ATTACK("token_cnf", json_object_del(m->tp, "cnf"));
	ATTACK("token_cnf", json_object_set_new(m->tp, "cnf", json_string("x")));
	ATTACK("token_cnf", json_object_set_new(m->tp, "cnf", json_pack("{s:s}", "jkt", "AAA")));
	ATTACK("token_cnf", json_object_set_new(m->tp, "cnf", json_object()));
	ATTACK("token_cnf", {
		json_t *j = mint_jwk(&k_pe);

		json_object_set_new(j, "d", json_string("AAAA"));
		json_object_set_new(m->tp, "cnf", json_pack("{s:o}", "jwk", j));
	});
	ATTACK("token_cnf",
	       json_object_set_new(json_object_get(m->tp, "cnf"), "jwk", mint_jwk(&k_pe)));
}

static void set_checksum(struct m *m, const char *v)
{
	json_object_set_new(json_object_get(m->tp, "agent_proof"), "agent_checksum",
			    json_string(v));
}

Test(jws, attack_agent_binding)
{
	char upper[80], other[65];

	snprintf(upper, sizeof(upper), "sha256:%s", CHECKSUM);
	for (char *p = upper + 7; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p -= 32;
	sodium_bin2hex(other, sizeof(other), sums[1], 32);
	ATTACK("agent_checksum_mismatch", set_checksum(m, other)); /* another agent's checksum */
	ATTACK("agent_checksum_mismatch",
	       set_checksum(m, "0000000000000000000000000000000000000000000000000000000000000000"));
	ATTACK("agent_checksum_format", set_checksum(m, upper));
	ATTACK("agent_checksum_format", set_checksum(m, "sha256:" CHECKSUM "0"));
	ATTACK("agent_checksum_format", set_checksum(m, CHECKSUM + 1));
	ATTACK("agent_checksum_format", set_checksum(m, "sha512:" CHECKSUM));
	ATTACK("agent_checksum_format", json_object_del(m->tp, "agent_proof"));
	ATTACK("token_unknown_agent", json_object_set_new(m->tp, "sub", json_string("nobody")));
	ATTACK("token_unknown_agent", json_object_del(m->tp, "sub"));
	ATTACK("registration_id",
	       json_object_set_new(json_object_get(m->tp, "agent_proof"), "registration_id",
				   json_string("reg_agent-patcher-01_1")));
	ATTACK("registration_id",
	       json_object_set_new(json_object_get(m->tp, "agent_proof"), "registration_id",
				   json_string("reg_unknown")));
	ATTACK("registration_id",
	       json_object_del(json_object_get(m->tp, "agent_proof"), "registration_id"));
	ATTACK("intent_missing", json_object_del(m->tp, "intent"));
	ATTACK("intent_missing", json_object_set_new(m->tp, "intent", json_string("x")));
	ATTACK("intent_missing",
	       json_object_del(json_object_get(m->tp, "intent"), "step_sequence_hash"));
	ATTACK("intent_executed_by",
	       json_object_set_new(json_object_get(m->tp, "intent"), "executed_by",
				   json_string("agent-other")));
	ATTACK("intent_workflow", json_object_set_new(json_object_get(m->tp, "intent"),
						      "workflow_id", json_string("wf-evil")));
	ATTACK("intent_workflow", json_object_set_new(json_object_get(m->tp, "intent"),
						      "workflow_step", json_string("")));
	ATTACK("intent_hash_format",
	       json_object_set_new(json_object_get(m->tp, "intent"), "delegation_chain",
				   json_string("0123456789ABCDEF")));
	ATTACK("intent_hash_format",
	       json_object_set_new(json_object_get(m->tp, "intent"), "step_sequence_hash",
				   json_string("0123")));
}

static void as_uid_agent(struct m *m)
{
	uint8_t h[32];
	char hex[65];

	memcpy(h, sums[2], 32);
	sodium_bin2hex(hex, sizeof(hex), h, 32);
	json_object_set_new(m->tp, "sub", json_string("agent-uid"));
	json_object_set_new(m->tp, "scope", json_string("route.read"));
	json_object_set_new(m->tp, "intent", intent_default("agent-uid"));
	set_checksum(m, hex);
}

Test(jws, peer_uid_match_accepted)
{
	struct m m;

	m_init(&m);
	as_uid_agent(&m);
	m.req.peer_uid = 1001;
	m_build(&m);
	CHECK(&m, 0, NULL);
	m_free(&m);
}

Test(jws, attack_peer_uid)
{
	ATTACK("peer_uid", as_uid_agent(m)); /* uid 1000 */
	ATTACK("peer_uid", {
		as_uid_agent(m);
		m->req.peer_uid = 1001;
		m->req.unix_socket = false;
	});
	ATTACK("peer_uid", {
		as_uid_agent(m);
		m->req.peer_uid = 1001;
		m->req.has_peer_uid = false;
	});
}

Test(jws, attack_scope)
{
	ATTACK("scope_escalation",
	       json_object_set_new(m->tp, "scope", json_string("route.read peer.write")));
	ATTACK("scope_escalation",
	       json_object_set_new(m->tp, "scope", json_string("route.read admin.*")));
	ATTACK("scope_escalation", json_object_set_new(m->tp, "scope", json_string("*")));
	ATTACK("scope_syntax",
	       json_object_set_new(m->tp, "scope", json_string("route.read\tpeer.read")));
	ATTACK("scope_syntax",
	       json_object_set_new(m->tp, "scope", json_string("route.read  peer.read")));
	ATTACK("scope_syntax", json_object_set_new(m->tp, "scope", json_string(" route.read")));
	ATTACK("scope_syntax", json_object_set_new(m->tp, "scope", json_string("route.read ")));
	ATTACK("scope_syntax",
	       json_object_set_new(m->tp, "scope", json_string("route.read route.read")));
	ATTACK("scope_syntax", json_object_set_new(m->tp, "scope", json_string("")));
	ATTACK("scope_syntax", json_object_del(m->tp, "scope"));
}

Test(jws, scope_missing_for_operation)
{
	struct m m;

	/* route.read used for a write: 403 insufficient_scope. */
	m_init(&m);
	json_object_set_new(m.pp, "htm", json_string("POST"));
	m.req.method = "POST";
	m_build(&m);
	CHECK(&m, -EPERM, "insufficient_scope");
	/* The caller verified: the result names it for the audit record. */
	cr_assert_str_eq(res.sub, agents[0].sub);
	cr_assert_neq(res.jti[0], '\0');
	cr_assert_eq(strlen(res.checksum12), 12);
	cr_assert_str_eq(jws_err_class("insufficient_scope"), "insufficient_scope");
	cr_assert_eq(jws_replay_count(rp), 0); /* nothing recorded on failure */
	m_free(&m);
	/* Unknown endpoint. */
	m_init(&m);
	m.req.path = "/v1/nothing";
	m_build(&m);
	CHECK(&m, -ENOENT, "unknown_endpoint");
	m_free(&m);
}

/* ------------------------------------------------------------ items 15-21 */

static char *b64_of(const char *s)
{
	return mint_b64u(s, strlen(s));
}

/* Token with raw header and payload texts, signed by k_a. */
static void raw_token(struct m *m, const char *hdr, const char *pl)
{
	m_set_tok(m, mint_sign_raw(hdr, strlen(hdr), pl, strlen(pl), &k_a));
}

Test(jws, attack_sizes_and_json_limits)
{
	struct m m;
	char *big, *pl, *h = NULL;
	size_t n;

	/* 8 KiB + 1 token. */
	m_init(&m);
	big = xmalloc(9000);
	memset(big, 'a', 8193);
	big[8193] = '\0';
	json_object_set_new(m.tp, "pad", json_string(big));
	m_build(&m);
	CHECK(&m, -EACCES, "token_size");
	free(big);
	m_free(&m);
	m_init(&m);
	m_build(&m);
	h = json_dumps(m.th, JSON_COMPACT);
	/* Deeply nested JSON (depth 9). */
	raw_token(&m, h, "{\"a\":[[[[[[[[1]]]]]]]]}");
	CHECK(&m, -EACCES, "token_json_limits");
	/* 65 members. */
	pl = xmalloc(4096);
	n = (size_t)sprintf(pl, "{");
	for (int i = 0; i < 65; i++)
		n += (size_t)sprintf(pl + n, "%s\"m%d\":0", i ? "," : "", i);
	strcpy(pl + n, "}");
	raw_token(&m, h, pl);
	CHECK(&m, -EACCES, "token_json_limits");
	/* 10^5 members can only arrive as an oversized token. */
	big = xmalloc(1200000);
	n = (size_t)sprintf(big, "{");
	for (int i = 0; i < 100000; i++)
		n += (size_t)sprintf(big + n, "%s\"%d\":0", i ? "," : "", i);
	strcpy(big + n, "}");
	raw_token(&m, h, big);
	CHECK(&m, -EACCES, "token_size");
	free(big);
	/* Payload > 4 KiB decoded but the token < 8 KiB. */
	big = xmalloc(5000);
	memset(big, ' ', 4200);
	big[0] = '{';
	strcpy(big + 4199, "}");
	raw_token(&m, h, big);
	CHECK(&m, -EACCES, "token_size");
	free(big);
	/* A header > 1 KiB. */
	{
		static char hb[1200];

		n = (size_t)snprintf(hb, sizeof(hb), "{\"alg\":\"EdDSA\",\"x\":\"");
		memset(hb + n, 'x', 1100);
		memcpy(hb + n + 1100, "\"}", 3);
		raw_token(&m, hb, "{}");
		CHECK(&m, -EACCES, "token_size");
	}
	free(pl);
	free(h);
	m_free(&m);
}

static char *splice(const char *tok, size_t at, const char *ins, size_t drop)
{
	char *t = xmalloc(strlen(tok) + strlen(ins) + 1);

	memcpy(t, tok, at);
	strcpy(t + at, ins);
	strcat(t, tok + at + drop);
	return t;
}

/* Mint a fresh valid token, edit it with splice(), expect @code. */
static void edit_check(size_t (*where)(const char *), const char *ins, size_t drop,
		       const char *code)
{
	struct m m;

	m_init(&m);
	m_build(&m);
	m_set_tok(&m, splice(m.tok, where(m.tok), ins, drop));
	CHECK(&m, -EACCES, code);
	m_free(&m);
}

static size_t at_dot1(const char *t)
{
	return (size_t)(strchr(t, '.') - t);
}

static size_t at_dot2(const char *t)
{
	return (size_t)(strrchr(t, '.') - t);
}

static size_t at_end(const char *t)
{
	return strlen(t);
}

static size_t at_start(const char *t)
{
	(void)t;
	return 0;
}

Test(jws, attack_base64_and_shape)
{
	static const char *const shape_bad[] = {"=", "==", "+", "/", " ", "\t", ".", "%"};

	for (size_t i = 0; i < ARRAY_SIZE(shape_bad); i++) {
		edit_check(at_dot1, shape_bad[i], 0, "token_shape");
		edit_check(at_dot2, shape_bad[i], 0, "token_shape");
		edit_check(at_end, shape_bad[i], 0, "token_shape");
	}
	edit_check(at_dot1, ".", 0, "token_shape");  /* extra dot */
	edit_check(at_dot1, "", 1, "token_shape");   /* missing dot */
	edit_check(at_start, ".", 0, "token_shape"); /* empty header */
	edit_check(at_dot1, ".", 0, "token_shape");
	edit_check(at_end, ".", 0, "token_shape");
	{
		/* Empty payload; a one-character signature; non-canonical trailing bits. */
		struct m m;
		char *t;
		size_t d1, d2;
		const char *alpha =
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		char *last;
		int v;

		m_init(&m);
		m_build(&m);
		d1 = at_dot1(m.tok);
		d2 = at_dot2(m.tok);
		m_set_tok(&m, splice(m.tok, d1 + 1, "", d2 - d1 - 1));
		CHECK(&m, -EACCES, "token_shape");
		m_free(&m);

		m_init(&m);
		m_build(&m);
		d2 = at_dot2(m.tok);
		t = strdup(m.tok);
		strcpy(t + d2 + 1, "A");
		m_set_tok(&m, t);
		CHECK(&m, -EACCES, "token_base64");
		m_free(&m);

		/* 64 bytes = 86 characters: the last one carries 4 unused bits. */
		m_init(&m);
		m_build(&m);
		t = strdup(m.tok);
		last = t + strlen(t) - 1;
		v = (int)(strchr(alpha, *last) - alpha);
		cr_assert_eq(v & 15, 0);
		*last = alpha[v | 1];
		m_set_tok(&m, t);
		CHECK(&m, -EACCES, "token_base64");
		m_free(&m);
	}
}

Test(jws, attack_json_text)
{
	struct m m;
	static const char hdr[] = "{\"alg\":\"EdDSA\"}";
	char *pl, *p2;

	m_init(&m);
	pl = json_dumps(m.tp, JSON_COMPACT);
	p2 = xmalloc(strlen(pl) + 64);
	/* Duplicate key: {"aud":"x", ..., "aud":"ours"}. */
	sprintf(p2, "{\"aud\":\"x\",%s", pl + 1);
	raw_token(&m, hdr, p2);
	CHECK(&m, -EACCES, "token_json");
	/* Duplicate key in the header. */
	raw_token(&m, "{\"alg\":\"none\",\"alg\":\"EdDSA\"}", pl);
	CHECK(&m, -EACCES, "token_json");
	/* Invalid UTF-8. */
	sprintf(p2, "{\"x\":\"\xc3\x28\",%s", pl + 1);
	raw_token(&m, hdr, p2);
	CHECK(&m, -EACCES, "token_json");
	/* NUL inside a string. */
	sprintf(p2, "{\"x\":\"a\\u0000b\",%s", pl + 1);
	raw_token(&m, hdr, p2);
	CHECK(&m, -EACCES, "token_json");
	/* BOM. */
	sprintf(p2, "\xef\xbb\xbf%s", pl);
	raw_token(&m, hdr, p2);
	CHECK(&m, -EACCES, "token_json");
	/* Trailing garbage, a non-object. */
	sprintf(p2, "%s{}", pl);
	raw_token(&m, hdr, p2);
	CHECK(&m, -EACCES, "token_json");
	raw_token(&m, hdr, "[1]");
	CHECK(&m, -EACCES, "token_json");
	raw_token(&m, "\"EdDSA\"", pl);
	CHECK(&m, -EACCES, "token_json");
	/* The same text is accepted. */
	raw_token(&m, hdr, pl);
	CHECK(&m, 0, NULL);
	free(p2);
	free(pl);
	m_free(&m);
}

Test(jws, attack_reencoded_header)
{
	struct m m;
	char *h1 = b64_of("{\"alg\":\"EdDSA\"}"), *h2 = b64_of("{ \"alg\": \"EdDSA\" }");
	char *t;

	m_init(&m);
	m_build(&m);
	/* Keep payload and signature (made over the compact header), swap the header text. */
	t = xmalloc(strlen(m.tok) + strlen(h2) + 1);
	sprintf(t, "%s%s", h2, strchr(m.tok, '.'));
	m_set_tok(&m, t);
	CHECK(&m, -EACCES, "token_signature");
	free(h1);
	free(h2);
	m_free(&m);
}

Test(jws, attack_http_framing)
{
	ATTACK("authorization_scheme", {
		m_build(m);
		m->auth = xrealloc(m->auth, strlen(m->tok) + 8);
		sprintf(m->auth, "Bearer %s", m->tok);
		m->req.authorization = m->auth;
	});
	ATTACK("authorization_scheme", {
		m_build(m);
		sprintf(m->auth, "DPoP\t%s", m->tok);
	});
	ATTACK("token_shape", {
		m_build(m);
		m->auth = xrealloc(m->auth, strlen(m->tok) + 8);
		sprintf(m->auth, "DPoP  %s", m->tok);
		m->req.authorization = m->auth;
	});
	ATTACK("proof_missing", {
		m_build(m);
		m->req.dpop = NULL;
		m->req.n_dpop = 0;
	});
	ATTACK("authorization_missing", {
		m_build(m);
		m->req.authorization = NULL;
		m->req.n_authorization = 0;
	});
	ATTACK("authorization_multiple", {
		m_build(m);
		m->req.n_authorization = 2;
	});
	ATTACK("proof_multiple", {
		m_build(m);
		m->req.n_dpop = 2;
	});
	/* The proof in the Authorization slot (and the token as the proof). */
	ATTACK("token_header_key", {
		m_build(m);
		m->auth = xrealloc(m->auth, strlen(m->proof) + 8);
		sprintf(m->auth, "DPoP %s", m->proof);
		m->req.authorization = m->auth;
	});
	ATTACK("proof_typ", {
		m_build(m);
		m->req.dpop = m->tok;
	});
	ATTACK("proof_size", {
		m_build(m);
		m->proof = xrealloc(m->proof, JWS_PROOF_MAX + 2);
		memset(m->proof, 'A', JWS_PROOF_MAX + 1);
		m->proof[JWS_PROOF_MAX + 1] = '\0';
		m->req.dpop = m->proof;
	});
	ATTACK("proof_shape", {
		m_build(m);
		m->req.dpop = "a.b";
	});
	cr_assert_str_eq(jws_err_class("proof_shape"), "invalid_dpop_proof");
	cr_assert_str_eq(jws_err_class("token_alg"), "invalid_token");
	cr_assert_str_eq(jws_err_class("authorization_scheme"), "invalid_token");
}

/* ------------------------------------------------------------ sweeps */

Test(jws, truncation_and_bit_flips_rejected)
{
	struct m m;
	char *base;
	size_t n;

	m_init(&m);
	m_build(&m);
	base = strdup(m.tok);
	n = strlen(base);
	for (size_t i = 0; i < n; i++) {
		const char *code;

		m_set_tok(&m, strndup(base, i));
		cr_assert_eq(m_verify(&m, NOW, &code), -EACCES, "len %zu", i);
	}
	for (size_t i = 0; i < n; i += 3) {
		const char *code;
		char *t = strdup(base);

		t[i] ^= 0x01;
		m_set_tok(&m, t);
		cr_assert_eq(m_verify(&m, NOW, &code), -EACCES, "flip at %zu", i);
	}
	cr_assert_eq(jws_replay_count(rp), 0);
	free(base);
	m_free(&m);
}

/* ------------------------------------------------------------ helpers and tables */

Test(jws, scope_table)
{
	uint32_t s, mask;

	cr_assert_eq(jws_scope_for("GET", "/v1/routes", &s), 0);
	cr_assert_eq(s, JWS_SCOPE_ROUTE_READ);
	cr_assert_eq(jws_scope_for("DELETE", "/v1/routes/42", &s), 0);
	cr_assert_eq(s, JWS_SCOPE_ROUTE_WRITE);
	cr_assert_eq(jws_scope_for("POST", "/v1/peers/beta/rekey", &s), 0);
	cr_assert_eq(s, JWS_SCOPE_PEER_WRITE);
	cr_assert_eq(jws_scope_for("PUT", "/v1/dns/names/host1", &s), 0);
	cr_assert_eq(s, JWS_SCOPE_DNS_WRITE);
	cr_assert_eq(jws_scope_for("POST", "/v1/shutdown", &s), 0);
	cr_assert_eq(s, JWS_SCOPE_ADMIN_SHUTDOWN);
	cr_assert_eq(jws_scope_for("DELETE", "/v1/routes/", &s), -ENOENT);
	cr_assert_eq(jws_scope_for("DELETE", "/v1/routes/a/b", &s), -ENOENT);
	cr_assert_eq(jws_scope_for("get", "/v1/routes", &s), -ENOENT);
	cr_assert_eq(jws_scope_for("GET", "/v1/routes/", &s), -ENOENT);
	cr_assert_eq(jws_scope_for("OPTIONS", "/v1/routes", &s), -ENOENT);
	cr_assert_eq(jws_scope_parse("route.read peer.write", 21, &mask), 0);
	cr_assert_eq(mask, JWS_SCOPE_ROUTE_READ | JWS_SCOPE_PEER_WRITE);
	cr_assert_eq(jws_scope_parse("route.*", 7, &mask), -EINVAL);
	cr_assert_eq(jws_scope_parse("", 0, &mask), -EINVAL);
	cr_assert_str_eq(jws_scope_name(JWS_SCOPE_METRICS_READ), "metrics.read");
	cr_assert_null(jws_scope_name(3));
	cr_assert_eq(jws_scope_read_mask(), JWS_SCOPE_STATUS_READ | JWS_SCOPE_NEIGHBOR_READ |
						JWS_SCOPE_ROUTE_READ | JWS_SCOPE_PEER_READ |
						JWS_SCOPE_EHFILTER_READ | JWS_SCOPE_LOG_READ |
						JWS_SCOPE_METRICS_READ | JWS_SCOPE_AUDIT_READ |
						JWS_SCOPE_PATH_READ | JWS_SCOPE_DNS_READ);
}

Test(jws, thumbprint_rfc7638_example_and_ec)
{
	/* RFC 8037 appendix A.3: the Ed25519 example key and its thumbprint. */
	json_t *j = json_pack("{s:s, s:s, s:s}", "kty", "OKP", "crv", "Ed25519", "x",
			      "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
	char t[44];

	cr_assert_eq(jws_jwk_thumbprint(j, t), 0);
	cr_assert_str_eq(t, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
	json_object_set_new(j, "d", json_string("x"));
	cr_assert_eq(jws_jwk_thumbprint(j, t), -EINVAL);
	json_decref(j);
	j = json_pack("{s:s, s:s, s:s}", "kty", "OKP", "crv", "Ed25519", "x", "short");
	cr_assert_eq(jws_jwk_thumbprint(j, t), -EINVAL);
	json_decref(j);
	mint_thumb(&k_pc, t);
	cr_assert_eq(strlen(t), 43);
}

Test(jws, ctx_rejects_bad_config)
{
	struct jws_ctx *c = NULL;
	struct jws_config bad = cfg;
	struct jws_issuer is[2];

	bad.audience = "";
	cr_assert_eq(jws_ctx_new(&bad, &c), -EINVAL);
	bad = cfg;
	is[0] = issuers[1];
	is[0].pub[10] ^= 1; /* not on the curve */
	bad.issuers = is;
	bad.n_issuers = 1;
	cr_assert_eq(jws_ctx_new(&bad, &c), -EINVAL);
	is[0] = issuers[0];
	is[0].alg = JWS_ALG_ES256; /* a 32-byte key pinned to ES256 */
	cr_assert_eq(jws_ctx_new(&bad, &c), -EINVAL);
	is[0] = issuers[1];
	is[1] = issuers[1]; /* duplicate (iss, kid) */
	bad.n_issuers = 2;
	cr_assert_eq(jws_ctx_new(&bad, &c), -EINVAL);
	is[1].kid = NULL; /* kid-less key beside a kid'ed one of the same issuer */
	cr_assert_eq(jws_ctx_new(&bad, &c), -EINVAL);
}

/* ------------------------------------------------------------ replay cache */

Test(jws, replay_cache_full_rejects)
{
	struct jws_replay *small = jws_replay_new(1), *saved = rp;
	struct m m;

	cr_assert_null(jws_replay_new(0));
	rp = small;
	m_init(&m);
	m_build(&m);
	CHECK(&m, -ENOSPC, "replay_cache_full"); /* needs two entries */
	cr_assert_eq(jws_replay_count(small), 0);
	cr_assert_str_eq(jws_err_class("replay_cache_full"), "unavailable");
	rp = saved;
	jws_replay_free(small);
	m_free(&m);
}

Test(jws, replay_cache_eviction_under_load)
{
	enum { CAP = 1024, KEYS = 6000 };
	struct jws_replay *r = jws_replay_new(CAP);
	static uint64_t model[KEYS]; /* expiry, 0 = absent */
	uint64_t now = 1000;
	uint32_t x = 12345;

	for (int round = 0; round < 200000; round++) {
		uint32_t k;
		uint64_t exp;
		size_t live = 0;
		int rc, want;

		x = x * 1103515245U + 12345U;
		k = (x >> 8) % KEYS;
		if ((x & 0xff) == 0)
			now += 1 + (x >> 28);
		exp = now + ((x >> 12) & 63);
		/* Model: drop every entry with expiry < now, then decide. */
		for (int i = 0; i < KEYS; i++) {
			if (model[i] && model[i] < now)
				model[i] = 0;
			live += model[i] != 0;
		}
		if (model[k])
			want = -EEXIST;
		else if (live >= CAP)
			want = -ENOSPC;
		else
			want = 0;
		rc = jws_replay_insert(r, &k, sizeof(k), exp, now);
		cr_assert_eq(rc, want, "round %d key %u: %d vs %d", round, k, rc, want);
		if (!rc)
			model[k] = exp;
		cr_assert_eq(jws_replay_count(r), live + (rc == 0), "round %d", round);
		if (round == 30000)
			break;
	}
	/* Everything drains once every expiry has passed. */
	{
		size_t before = jws_replay_count(r);

		cr_assert_gt(before, 0);
		cr_assert_eq(jws_replay_expire(r, now + 100), before);
		cr_assert_eq(jws_replay_count(r), 0);
	}
	jws_replay_free(r);
}

Test(jws, replay_cache_fill_then_drain)
{
	enum { CAP = 10000 };
	struct jws_replay *r = jws_replay_new(CAP);
	uint32_t k;

	for (k = 0; k < CAP; k++)
		cr_assert_eq(jws_replay_insert(r, &k, sizeof(k), 100 + k % 50, 10), 0);
	cr_assert_eq(jws_replay_insert(r, &k, sizeof(k), 200, 10), -ENOSPC);
	k = 5;
	cr_assert_eq(jws_replay_insert(r, &k, sizeof(k), 200, 10), -EEXIST);
	/* Expire keys with expiry 100..109 (k % 50 < 10): 2000 entries. */
	cr_assert_eq(jws_replay_expire(r, 110), 2000);
	cr_assert_eq(jws_replay_count(r), CAP - 2000);
	for (k = 0; k < CAP; k++)
		cr_assert_eq(jws_replay_insert(r, &k, sizeof(k), 500, 110),
			     k % 50 < 10 ? 0 : -EEXIST, "k %u", k);
	cr_assert_eq(jws_replay_count(r), CAP);
	cr_assert_eq(jws_replay_expire(r, 501), CAP);
	cr_assert_eq(jws_replay_count(r), 0);
	jws_replay_free(r);
}
