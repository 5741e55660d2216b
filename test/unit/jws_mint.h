/* SPDX-License-Identifier: MIT */
/*
 * jws_mint.h - test-only JWS minting for test_jws.c, the jws fuzz seeds and
 * bench/jws_bench.c: Ed25519 with libsodium, ES256 with OpenSSL (raw r || s as
 * RFC 7518 §3.4 wants). Header-only static helpers; aborts on any failure.
 * Never linked into omnid.
 */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include <sodium.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>

#include "jws.h"

struct mint_key {
	enum jws_alg alg;
	uint8_t sk[crypto_sign_SECRETKEYBYTES];
	uint8_t pub[65];
	size_t pub_len;
	EVP_PKEY *pk;
};

NORETURN static inline void mint_die(const char *what)
{
	fprintf(stderr, "mint: %s failed\n", what);
	abort();
}

static inline void mint_key_ed(struct mint_key *k, const uint8_t seed[32])
{
	memset(k, 0, sizeof(*k));
	k->alg = JWS_ALG_EDDSA;
	crypto_sign_seed_keypair(k->pub, k->sk, seed);
	k->pub_len = 32;
}

static inline void mint_key_ec(struct mint_key *k)
{
	size_t len = 0;

	memset(k, 0, sizeof(*k));
	k->alg = JWS_ALG_ES256;
	k->pk = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	if (!k->pk ||
	    EVP_PKEY_get_octet_string_param(k->pk, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, k->pub,
					    sizeof(k->pub), &len) != 1 ||
	    len != 65)
		mint_die("ec keygen");
	k->pub_len = 65;
}

static inline char *mint_b64u(const void *p, size_t n)
{
	size_t cap = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *s = malloc(cap);

	if (!s)
		mint_die("malloc");
	sodium_bin2base64(s, cap, p, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return s;
}

/* Raw 64-byte signature (Ed25519, or ES256 r || s) over @msg. */
static inline void mint_raw_sig(const struct mint_key *k, const char *msg, size_t n,
				uint8_t sig[64])
{
	if (k->alg == JWS_ALG_EDDSA) {
		crypto_sign_detached(sig, NULL, (const uint8_t *)msg, n, k->sk);
	} else {
		EVP_MD_CTX *mc = EVP_MD_CTX_new();
		unsigned char der[80];
		const unsigned char *dp = der;
		size_t dl = sizeof(der);
		ECDSA_SIG *es;
		const BIGNUM *r, *s;

		if (!mc ||
		    EVP_DigestSignInit_ex(mc, NULL, "SHA256", NULL, NULL, k->pk, NULL) != 1 ||
		    EVP_DigestSign(mc, der, &dl, (const unsigned char *)msg, n) != 1)
			mint_die("ecdsa sign");
		EVP_MD_CTX_free(mc);
		es = d2i_ECDSA_SIG(NULL, &dp, (long)dl);
		if (!es)
			mint_die("d2i");
		ECDSA_SIG_get0(es, &r, &s);
		BN_bn2binpad(r, sig, 32);
		BN_bn2binpad(s, sig + 32, 32);
		ECDSA_SIG_free(es);
	}
}

/* "b64(hdr).b64(pl).b64(sig)" over the given raw JSON texts; malloc'd. */
static inline char *mint_sign_raw(const char *hdr, size_t hl, const char *pl, size_t pll,
				  const struct mint_key *k)
{
	char *h = mint_b64u(hdr, hl), *p = mint_b64u(pl, pll), *sg, *out;
	size_t n = strlen(h) + strlen(p) + 1;
	uint8_t sig[64];

	out = malloc(n + 100);
	if (!out)
		mint_die("malloc");
	snprintf(out, n + 100, "%s.%s", h, p);
	mint_raw_sig(k, out, n, sig);
	sg = mint_b64u(sig, sizeof(sig));
	strcat(out, ".");
	strcat(out, sg);
	free(h);
	free(p);
	free(sg);
	return out;
}

static inline char *mint_sign(const json_t *hdr, const json_t *pl, const struct mint_key *k)
{
	char *h = json_dumps(hdr, JSON_COMPACT), *p = json_dumps(pl, JSON_COMPACT), *out;

	if (!h || !p)
		mint_die("json_dumps");
	out = mint_sign_raw(h, strlen(h), p, strlen(p), k);
	free(h);
	free(p);
	return out;
}

/* Public JWK of @k (new reference). */
static inline json_t *mint_jwk(const struct mint_key *k)
{
	char *x, *y;
	json_t *j;

	if (k->alg == JWS_ALG_EDDSA) {
		x = mint_b64u(k->pub, 32);
		j = json_pack("{s:s, s:s, s:s}", "kty", "OKP", "crv", "Ed25519", "x", x);
		free(x);
		return j;
	}
	x = mint_b64u(k->pub + 1, 32);
	y = mint_b64u(k->pub + 33, 32);
	j = json_pack("{s:s, s:s, s:s, s:s}", "kty", "EC", "crv", "P-256", "x", x, "y", y);
	free(x);
	free(y);
	return j;
}

static inline void mint_thumb(const struct mint_key *k, char out[44])
{
	json_t *j = mint_jwk(k);

	if (jws_jwk_thumbprint(j, out))
		mint_die("thumbprint");
	json_decref(j);
}

static inline void mint_ath(const char *tok, char out[44])
{
	uint8_t h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const uint8_t *)tok, strlen(tok));
	sodium_bin2base64(out, 44, h, sizeof(h), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}
