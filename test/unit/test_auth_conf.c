// SPDX-License-Identifier: MIT
/*
 * test_auth_conf.c - common/auth_conf.c: issuer key files in every accepted
 * form (raw base64, OKP and EC JWKs, PEM via OpenSSL) and every refused one,
 * building the verifier configuration from a parsed config, its errors with
 * file:line, and end to end: a jws_ctx built from a config file accepts the
 * known-answer EdDSA and ES256 tokens of test_jws.c.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>

#include "auth_conf.h"
#include "conf.h"
#include "jws.h"
#include "keys.h"

#define IAT 1767225600ULL
#define NODE "[omni]\nmnp = 2001:db8:a::/48\n[underlay.u]\nlisten = 192.0.2.1:8060\n"
#define SUM "242d2f23a194483a0aea19c60f86ca2fb887d97edfd2cdfdcf4e2d650a2f79f3"

/* The known-answer tokens of test_jws.c. */
#include "jws_kat.h"

static char tmpdir[64];
static struct conf c;
static struct conf_err err;

static void setup(void)
{
	cr_assert_geq(sodium_init(), 0);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_auth_conf.XXXXXX");
	cr_assert_not_null(mkdtemp(tmpdir));
	conf_init(&c);
	memset(&err, 0, sizeof(err));
}

static void teardown(void)
{
	char cmd[128];

	conf_free(&c);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(auth_conf, .init = setup, .fini = teardown);

/* Write @text to @name in the temporary directory; returns the path (static buffer). */
static const char *write_key(const char *name, const char *text, size_t len)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(text, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
	return path;
}

static void hex(const char *h, uint8_t *out, size_t len)
{
	size_t n = 0;
	cr_assert_eq(sodium_hex2bin(out, len, h, strlen(h), NULL, &n, NULL), 0);
	cr_assert_eq(n, len);
}

static char *b64u(const uint8_t *p, size_t n)
{
	static char buf[4][64];
	static int k;
	char *s = buf[k++ & 3];
	sodium_bin2base64(s, 64, p, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return s;
}

static void okp_jwk(const uint8_t pub[32], char *out, size_t len)
{
	snprintf(out, len, "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\"}", b64u(pub, 32));
}

static void ec_jwk(const uint8_t pub[65], char *out, size_t len)
{
	snprintf(out, len, "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"}",
		 b64u(pub + 1, 32), b64u(pub + 33, 32));
}

static char *pem_of(EVP_PKEY *pk)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *out;
	long n;

	cr_assert_eq(PEM_write_bio_PUBKEY(b, pk), 1);
	n = BIO_get_mem_data(b, &data);
	out = strndup(data, (size_t)n);
	BIO_free(b);
	return out;
}

static void expect_key(const char *text, enum jws_alg alg, const uint8_t *want, size_t wlen)
{
	uint8_t pub[65];
	size_t n = 0;
	const char *why = NULL;
	int rc = auth_conf_parse_key(text, strlen(text), alg, pub, &n, &why);

	cr_assert_eq(rc, 0, "%s: %s", text, why);
	cr_assert_eq(n, wlen);
	cr_assert_arr_eq(pub, want, wlen);
}

static void expect_bad(const char *text, enum jws_alg alg, const char *needle)
{
	uint8_t pub[65];
	size_t n = 0;
	const char *why = NULL;
	int rc = auth_conf_parse_key(text, strlen(text), alg, pub, &n, &why);

	cr_assert_eq(rc, -EINVAL, "accepted: %s", text);
	cr_assert_not_null(why);
	cr_assert_not_null(strstr(why, needle), "'%s' lacks '%s' (%s)", why, needle, text);
}

/* ---- key forms ---- */

Test(auth_conf, ed25519_raw_base64_and_jwk)
{
	uint8_t pub[32];
	char b64[45], text[256];

	hex(kat_iss_ed_pub, pub, 32);
	keys_b64_encode32(pub, b64);
	expect_key(b64, JWS_ALG_EDDSA, pub, 32);
	snprintf(text, sizeof(text), "\n  %s\r\n\n", b64);
	expect_key(text, JWS_ALG_EDDSA, pub, 32);
	okp_jwk(pub, text, sizeof(text));
	expect_key(text, JWS_ALG_EDDSA, pub, 32);
	/* Extra public members (kid, use, alg) are fine. */
	snprintf(text, sizeof(text),
		 "{\"kid\":\"corp\",\"use\":\"sig\",\"alg\":\"EdDSA\",\"kty\":\"OKP\","
		 "\"crv\":\"Ed25519\",\"x\":\"%s\"}\n",
		 b64u(pub, 32));
	expect_key(text, JWS_ALG_EDDSA, pub, 32);
}

Test(auth_conf, ed25519_bad_forms)
{
	uint8_t pub[32];
	char b64[45], text[256], *x;

	hex(kat_iss_ed_pub, pub, 32);
	keys_b64_encode32(pub, b64);
	x = b64u(pub, 32);
	expect_bad("", JWS_ALG_EDDSA, "empty");
	expect_bad(" \n\t", JWS_ALG_EDDSA, "empty");
	/* Raw base64: wrong length, wrong alphabet, trailing bits. */
	expect_bad("AAAA", JWS_ALG_EDDSA, "44 characters");
	b64[43] = 'B'; /* '=' -> 'B': 45 bits of data, bad padding */
	expect_bad(b64, JWS_ALG_EDDSA, "44 characters");
	expect_bad(x, JWS_ALG_EDDSA, "44 characters"); /* base64url without padding */
	/* A raw key for ES256. */
	keys_b64_encode32(pub, b64);
	expect_bad(b64, JWS_ALG_ES256, "ES256 needs");
	/* JWK: private, wrong kty / crv, bad x, duplicate members, not an object. */
	snprintf(text, sizeof(text),
		 "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\",\"d\":\"%s\"}", x, x);
	expect_bad(text, JWS_ALG_EDDSA, "private");
	snprintf(text, sizeof(text), "{\"kty\":\"OKP\",\"crv\":\"Ed448\",\"x\":\"%s\"}", x);
	expect_bad(text, JWS_ALG_EDDSA, "crv Ed25519");
	snprintf(text, sizeof(text), "{\"kty\":\"EC\",\"crv\":\"Ed25519\",\"x\":\"%s\"}", x);
	expect_bad(text, JWS_ALG_EDDSA, "kty OKP");
	snprintf(text, sizeof(text), "{\"crv\":\"Ed25519\",\"x\":\"%s\"}", x);
	expect_bad(text, JWS_ALG_EDDSA, "kty OKP");
	expect_bad("{\"kty\":\"OKP\",\"crv\":\"Ed25519\"}", JWS_ALG_EDDSA, "\"x\"");
	expect_bad("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":7}", JWS_ALG_EDDSA, "\"x\"");
	snprintf(text, sizeof(text), "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s=\"}", x);
	expect_bad(text, JWS_ALG_EDDSA, "\"x\"");
	snprintf(text, sizeof(text), "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%.42s\"}", x);
	expect_bad(text, JWS_ALG_EDDSA, "\"x\"");
	/* 43 characters whose last one carries non-zero trailing bits (its index + 1). */
	{
		static const char abc[] =
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		const char *at = strchr(abc, x[42]);
		cr_assert_not_null(at);
		cr_assert_eq((at - abc) % 4, 0);
		snprintf(text, sizeof(text),
			 "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%.42s%c\"}", x, at[1]);
		expect_bad(text, JWS_ALG_EDDSA, "\"x\"");
	}
	snprintf(text, sizeof(text),
		 "{\"kty\":\"OKP\",\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\"}", x);
	expect_bad(text, JWS_ALG_EDDSA, "JSON object");
	expect_bad("{\"kty\":", JWS_ALG_EDDSA, "JSON object");
	expect_bad("[1]", JWS_ALG_EDDSA, "44 characters");
	/* An OKP JWK for ES256. */
	okp_jwk(pub, text, sizeof(text));
	expect_bad(text, JWS_ALG_ES256, "kty EC");
	/* NUL inside. */
	{
		uint8_t p[65];
		size_t n;
		const char *why;
		cr_assert_eq(auth_conf_parse_key("ab\0cd", 5, JWS_ALG_EDDSA, p, &n, &why), -EINVAL);
		cr_assert_not_null(strstr(why, "NUL"));
		cr_assert_eq(auth_conf_parse_key(b64, 44, (enum jws_alg)3, p, &n, &why), -EINVAL);
	}
}

Test(auth_conf, es256_jwk)
{
	uint8_t pub[65];
	char text[256];

	hex(kat_iss_ec_pub, pub, 65);
	ec_jwk(pub, text, sizeof(text));
	expect_key(text, JWS_ALG_ES256, pub, 65);
	/* Wrong curve / kty / alg, a missing or short coordinate, a private key. */
	snprintf(text, sizeof(text), "{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"%s\",\"y\":\"%s\"}",
		 b64u(pub + 1, 32), b64u(pub + 33, 32));
	expect_bad(text, JWS_ALG_ES256, "crv P-256");
	snprintf(text, sizeof(text),
		 "{\"kty\":\"OKP\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"}", b64u(pub + 1, 32),
		 b64u(pub + 33, 32));
	expect_bad(text, JWS_ALG_ES256, "kty EC");
	snprintf(text, sizeof(text), "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"}",
		 b64u(pub + 1, 32), b64u(pub + 33, 32));
	expect_bad(text, JWS_ALG_EDDSA, "kty OKP");
	snprintf(text, sizeof(text), "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\"}",
		 b64u(pub + 1, 32));
	expect_bad(text, JWS_ALG_ES256, "\"y\"");
	snprintf(text, sizeof(text), "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"}",
		 b64u(pub + 1, 31), b64u(pub + 33, 32));
	expect_bad(text, JWS_ALG_ES256, "\"x\"");
	snprintf(text, sizeof(text),
		 "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\",\"d\":\"%s\"}",
		 b64u(pub + 1, 32), b64u(pub + 33, 32), b64u(pub + 1, 32));
	expect_bad(text, JWS_ALG_ES256, "private");
}

Test(auth_conf, pem_forms)
{
	uint8_t ed[32], ec[65];
	size_t n = 0;
	EVP_PKEY *pk;
	char *pem;

	/* Ed25519 from the known-answer public key. */
	hex(kat_iss_ed_pub, ed, 32);
	pk = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, ed, 32);
	cr_assert_not_null(pk);
	pem = pem_of(pk);
	expect_key(pem, JWS_ALG_EDDSA, ed, 32);
	expect_bad(pem, JWS_ALG_ES256, "P-256");
	free(pem);
	EVP_PKEY_free(pk);

	/* A fresh P-256 key. */
	pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	cr_assert_not_null(pk);
	cr_assert_eq(EVP_PKEY_get_octet_string_param(pk, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, ec,
						     sizeof(ec), &n),
		     1);
	cr_assert_eq(n, 65);
	pem = pem_of(pk);
	expect_key(pem, JWS_ALG_ES256, ec, 65);
	expect_bad(pem, JWS_ALG_EDDSA, "Ed25519 public key");
	/* Truncated PEM and a PEM private key are refused. */
	pem[strlen(pem) / 2] = '\0';
	expect_bad(pem, JWS_ALG_ES256, "not a PEM public key");
	free(pem);
	{
		BIO *b = BIO_new(BIO_s_mem());
		char *data;
		long len;
		cr_assert_eq(PEM_write_bio_PrivateKey(b, pk, NULL, NULL, 0, NULL, NULL), 1);
		len = BIO_get_mem_data(b, &data);
		pem = strndup(data, (size_t)len);
		BIO_free(b);
		expect_bad(pem, JWS_ALG_ES256, "not a PEM public key");
		free(pem);
	}
	EVP_PKEY_free(pk);

	/* Another curve for ES256, Ed448 for EdDSA. */
	pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	cr_assert_not_null(pk);
	pem = pem_of(pk);
	expect_bad(pem, JWS_ALG_ES256, "P-256");
	free(pem);
	EVP_PKEY_free(pk);
	pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED448");
	cr_assert_not_null(pk);
	pem = pem_of(pk);
	expect_bad(pem, JWS_ALG_EDDSA, "Ed25519");
	free(pem);
	EVP_PKEY_free(pk);
	expect_bad("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", JWS_ALG_EDDSA,
		   "not a PEM public key");
}

Test(auth_conf, load_key_file)
{
	uint8_t pub[32], out[65];
	char b64[45], big[AUTH_CONF_KEY_FILE_MAX + 2];
	const char *why, *path;
	size_t n = 0;

	hex(kat_iss_ed_pub, pub, 32);
	keys_b64_encode32(pub, b64);
	path = write_key("k", b64, 44);
	cr_assert_eq(auth_conf_load_key(path, JWS_ALG_EDDSA, out, &n, &why), 0);
	cr_assert_arr_eq(out, pub, 32);
	/* At the size limit (padded with white space) and one past it. */
	memset(big, ' ', sizeof(big));
	memcpy(big, b64, 44);
	path = write_key("full", big, AUTH_CONF_KEY_FILE_MAX);
	cr_assert_eq(auth_conf_load_key(path, JWS_ALG_EDDSA, out, &n, &why), 0);
	path = write_key("big", big, AUTH_CONF_KEY_FILE_MAX + 1);
	cr_assert_eq(auth_conf_load_key(path, JWS_ALG_EDDSA, out, &n, &why), -EINVAL);
	cr_assert_not_null(strstr(why, "8192"));
	snprintf(big, sizeof(big), "%s/missing", tmpdir);
	cr_assert_eq(auth_conf_load_key(big, JWS_ALG_EDDSA, out, &n, &why), -ENOENT);
	cr_assert_null(why);
	cr_assert_eq(auth_conf_load_key(tmpdir, JWS_ALG_EDDSA, out, &n, &why), -EISDIR);
}

/* ---- building from a config ---- */

static char ed_path[128], ec_path[128];

static void write_kat_keys(void)
{
	uint8_t ed[32], ec[65];
	char b64[45], jwk[256];

	hex(kat_iss_ed_pub, ed, 32);
	keys_b64_encode32(ed, b64);
	snprintf(ed_path, sizeof(ed_path), "%s", write_key("corp.key", b64, 44));
	hex(kat_iss_ec_pub, ec, 65);
	ec_jwk(ec, jwk, sizeof(jwk));
	snprintf(ec_path, sizeof(ec_path), "%s", write_key("corp-es.jwk", jwk, strlen(jwk)));
}

static int load(const char *fmt, ...) PRINTF(1, 2);

static int load(const char *fmt, ...)
{
	char text[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	conf_free(&c);
	conf_init(&c);
	return conf_load_string(&c, text, "test.conf", &err);
}

#define KAT_CONF                                                                                   \
	NODE "[api]\naudience = urn:omnid:node:test\n"                                             \
	     "[issuer.corp]\niss = https://idp.example.internal\nkey_file = %s\nalg = %s\n%s"      \
	     "[issuer.other]\niss = https://other.example\nkey_file = %s\nalg = EdDSA\n"           \
	     "[agent.patcher]\nsub = agent-patcher-01\nchecksum = " SUM "\n"                       \
	     "max_scopes = route.read peer.read status.read\n"                                     \
	     "registration_id = reg_agent-patcher-01_1767225600\nworkflow_id = wf-patch\n"         \
	     "[agent.other]\nsub = agent-other\nchecksum = " SUM "\nmax_scopes = dns.read\n"       \
	     "peer_uid = 1001\n"

Test(auth_conf, build_and_verify_known_answers)
{
	struct auth_conf ac;
	struct jws_ctx *ctx;
	struct jws_replay *rp;
	struct jws_result res;
	char auth[2048];
	const char *code = NULL;
	uint8_t ed[32];

	write_kat_keys();
	cr_assert_eq(load(KAT_CONF, ed_path, "EdDSA", "", ed_path), 0, "%s:%u: %s", err.file,
		     err.line, err.msg);
	cr_assert_eq(auth_conf_build(&c, &ac, &err), 0, "%s", err.msg);
	cr_assert_str_eq(ac.cfg.audience, "urn:omnid:node:test");
	cr_assert_eq(ac.cfg.clock_skew, 60);
	cr_assert_eq(ac.cfg.max_token_lifetime, 600);
	cr_assert_eq(ac.cfg.max_token_bytes, 8192);
	cr_assert_not(ac.cfg.single_use_writes);
	cr_assert_eq(ac.cfg.n_issuers, 2);
	hex(kat_iss_ed_pub, ed, 32);
	cr_assert_eq(ac.cfg.issuers[0].pub_len, 32);
	cr_assert_arr_eq(ac.cfg.issuers[0].pub, ed, 32);
	cr_assert_null(ac.cfg.issuers[0].kid);
	cr_assert_eq(ac.cfg.issuers[0].alg, JWS_ALG_EDDSA);
	cr_assert_str_eq(ac.cfg.issuers[1].iss, "https://other.example");
	cr_assert_eq(ac.cfg.n_agents, 2);
	cr_assert_str_eq(ac.cfg.agents[0].sub, "agent-patcher-01");
	cr_assert_eq(ac.cfg.agents[0].n_checksums, 1);
	cr_assert_eq(ac.cfg.agents[0].checksums[0][0], 0x24);
	cr_assert_str_eq(ac.cfg.agents[0].registration_ids[0], "reg_agent-patcher-01_1767225600");
	cr_assert_eq(ac.cfg.agents[0].n_workflow_ids, 1);
	cr_assert_eq(ac.cfg.agents[0].n_revoked_registration_ids, 0);
	cr_assert_not(ac.cfg.agents[0].has_peer_uid);
	cr_assert(ac.cfg.agents[1].has_peer_uid);
	cr_assert_eq(ac.cfg.agents[1].peer_uid, 1001);
	cr_assert_eq(ac.cfg.agents[1].max_scopes, JWS_SCOPE_DNS_READ);

	cr_assert_eq(jws_ctx_new(&ac.cfg, &ctx), 0);
	rp = jws_replay_new(c.api.replay_cache_size);
	cr_assert_not_null(rp);
	{
		struct jws_request rq = {.method = "GET",
					 .origin = "http://localhost",
					 .path = "/v1/routes",
					 .n_authorization = 1,
					 .authorization = auth,
					 .n_dpop = 1,
					 .dpop = kat_ed_proof,
					 .unix_socket = true};
		snprintf(auth, sizeof(auth), "DPoP %s", kat_ed_token);
		cr_assert_eq(jws_verify_request(ctx, rp, &rq, IAT + 20, &res, &code), 0, "%s",
			     code);
		cr_assert_str_eq(res.jkt, kat_ed_jkt);
		cr_assert_eq(res.issuer, 0);
		cr_assert_eq(res.agent, 0);
		cr_assert_eq(res.op_scope, JWS_SCOPE_ROUTE_READ);
	}
	jws_replay_free(rp);
	jws_ctx_free(ctx);
	auth_conf_free(&ac);

	/* The ES256 issuer as a JWK with a kid. */
	cr_assert_eq(load(KAT_CONF, ec_path, "ES256", "kid = corp-es-1\n", ed_path), 0, "%s",
		     err.msg);
	cr_assert_eq(auth_conf_build(&c, &ac, &err), 0, "%s", err.msg);
	cr_assert_str_eq(ac.cfg.issuers[0].kid, "corp-es-1");
	cr_assert_eq(ac.cfg.issuers[0].pub_len, 65);
	cr_assert_eq(jws_ctx_new(&ac.cfg, &ctx), 0);
	rp = jws_replay_new(c.api.replay_cache_size);
	{
		struct jws_request rq = {.method = "GET",
					 .origin = "http://127.0.0.1:7411",
					 .path = "/v1/peers",
					 .n_authorization = 1,
					 .authorization = auth,
					 .n_dpop = 1,
					 .dpop = kat_ec_proof};
		snprintf(auth, sizeof(auth), "DPoP %s", kat_ec_token);
		cr_assert_eq(jws_verify_request(ctx, rp, &rq, IAT + 10, &res, &code), 0, "%s",
			     code);
		cr_assert_str_eq(res.jkt, kat_ec_jkt);
		cr_assert_eq(res.issuer, 0);
	}
	jws_replay_free(rp);
	jws_ctx_free(ctx);
	auth_conf_free(&ac);
	cr_assert_null(ac.issuers);
	cr_assert_eq(ac.cfg.n_issuers, 0);
}

Test(auth_conf, config_changes_what_is_accepted)
{
	struct auth_conf ac;
	struct jws_ctx *ctx;
	struct jws_replay *rp;
	struct jws_result res;
	char auth[2048], text[4096];
	const char *code = NULL;
	struct jws_request rq = {.method = "GET",
				 .origin = "http://localhost",
				 .path = "/v1/routes",
				 .n_authorization = 1,
				 .authorization = auth,
				 .n_dpop = 1,
				 .dpop = kat_ed_proof,
				 .unix_socket = true};
	static const struct {
		const char *extra;
		int rc;
	} cases[] = {
	    {"", 0},
	    /* A drop-in appends to list keys: the allowed workflow stays. */
	    {"[agent.patcher]\nworkflow_id = wf-other\n", 0},
	    {"[agent.patcher]\nmax_scopes = route.read peer.read\n", 0},
	    /* Another audience, a revoked registration, a scope cut, a uid pin, a short
	     * lifetime (the token lives 300 s), another sub. */
	    {"[api]\naudience = urn:omnid:node:other\n", -EACCES},
	    {"[agent.patcher]\nrevoked_registration_id = reg_agent-patcher-01_1767225600\n",
	     -EACCES},
	    {"[agent.patcher]\nmax_scopes = route.read\n", -EACCES},
	    {"[agent.patcher]\npeer_uid = 1\n", -EACCES},
	    {"[api]\nmax_token_lifetime = 299\n", -EACCES},
	    /* 903 octets: fits the smallest limit. */
	    {"[api]\nmax_token_bytes = 1024\n", 0},
	    /* The proof is 10 s old: stale without skew. */
	    {"[api]\nclock_skew = 0\n", -EACCES},
	    {"[agent.patcher]\nsub = agent-patcher-02\n", -EACCES},
	};

	snprintf(auth, sizeof(auth), "DPoP %s", kat_ed_token);
	write_kat_keys();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct conf_err e;
		snprintf(text, sizeof(text), KAT_CONF, ed_path, "EdDSA", "", ed_path);
		conf_free(&c);
		conf_init(&c);
		cr_assert_eq(conf_parse_string(&c, text, "a.conf", &e), 0, "%s", e.msg);
		cr_assert_eq(conf_load_string(&c, cases[i].extra, "b.conf", &e), 0, "%s", e.msg);
		cr_assert_eq(auth_conf_build(&c, &ac, &err), 0);
		cr_assert_eq(jws_ctx_new(&ac.cfg, &ctx), 0);
		rp = jws_replay_new(1024);
		cr_assert_eq(jws_verify_request(ctx, rp, &rq, IAT + 20, &res, &code), cases[i].rc,
			     "case %zu: %s", i, code ? code : "accepted");
		jws_replay_free(rp);
		jws_ctx_free(ctx);
		auth_conf_free(&ac);
	}
}

Test(auth_conf, build_errors_name_the_issuer)
{
	struct auth_conf ac;
	char buf[512];
	uint8_t ec[65];
	char jwk[256];

	write_kat_keys();
	/* A missing key file: -ENOENT, at the [issuer.NAME] header. */
	cr_assert_eq(
	    load(NODE "\n[issuer.gone]\niss = x\nkey_file = %s/nope\nalg = EdDSA\n", tmpdir), 0,
	    "%s", err.msg);
	memset(&err, 0, sizeof(err));
	cr_assert_eq(auth_conf_build(&c, &ac, &err), -ENOENT);
	cr_assert_str_eq(err.file, "test.conf");
	cr_assert_eq(err.line, 6);
	conf_err_format(&err, buf, sizeof(buf));
	cr_assert_not_null(strstr(buf, "test.conf:6: [issuer.gone] key_file: "), "%s", buf);
	cr_assert_not_null(strstr(buf, "No such file"), "%s", buf);
	cr_assert_null(ac.issuers);
	cr_assert_null(ac.agents);

	/* A key of the other alg: -EINVAL with the reason; earlier issuers are freed. */
	cr_assert_eq(load(NODE "[agent.a]\nsub = s\nchecksum = " SUM "\nmax_scopes = route.read\n"
			       "[issuer.ok]\niss = x\nkey_file = %s\nalg = EdDSA\n"
			       "[issuer.bad]\niss = y\nkey_file = %s\nalg = EdDSA\n",
			  ed_path, ec_path),
		     0, "%s", err.msg);
	cr_assert_eq(auth_conf_build(&c, &ac, &err), -EINVAL);
	cr_assert_eq(err.line, 13);
	cr_assert_not_null(strstr(err.msg, "[issuer.bad] key_file"), "%s", err.msg);
	cr_assert_not_null(strstr(err.msg, "kty OKP"), "%s", err.msg);
	cr_assert_null(ac.issuers);

	/* A point not on P-256 loads but jws_ctx_new refuses it. */
	hex(kat_iss_ec_pub, ec, 65);
	ec[64] ^= 1;
	ec_jwk(ec, jwk, sizeof(jwk));
	cr_assert_eq(load(NODE "[issuer.es]\niss = x\nkey_file = %s\nalg = ES256\n",
			  write_key("off.jwk", jwk, strlen(jwk))),
		     0);
	cr_assert_eq(auth_conf_build(&c, &ac, &err), 0);
	{
		struct jws_ctx *ctx = NULL;
		cr_assert_eq(jws_ctx_new(&ac.cfg, &ctx), -EINVAL);
	}
	auth_conf_free(&ac);

	/* No issuers and no agents: an empty but valid configuration. */
	cr_assert_eq(load(NODE), 0);
	cr_assert_eq(auth_conf_build(&c, &ac, &err), 0);
	cr_assert_eq(ac.cfg.n_issuers, 0);
	cr_assert_eq(ac.cfg.n_agents, 0);
	cr_assert_str_eq(ac.cfg.audience, c.api.audience);
	auth_conf_free(&ac);
}
