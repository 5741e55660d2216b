// SPDX-License-Identifier: MIT
/*
 * auth_conf.c - builds the verifier configuration (struct jws_config) from
 * the parsed config model and decodes issuer public key files: PEM
 * SubjectPublicKeyInfo through OpenSSL, public JWKs (RFC 7517 / RFC 8037 for
 * OKP, RFC 7518 §6.2 for EC) through jansson and libsodium's base64url, and
 * the base64 of a raw Ed25519 key through keys.h. Holds no key material
 * beyond the public keys it copies into struct jws_issuer.
 */
#include "auth_conf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sodium.h>
#include "keys.h"

#define PEM_TAG "-----BEGIN "

/* One base64url JWK member of exactly 32 octets, canonical (RFC 7515 §2: no padding). */
static int jwk_coord(const json_t *jwk, const char *name, uint8_t out[32])
{
	const char *s = json_string_value(json_object_get(jwk, name));
	char back[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	size_t n = 0;

	if (!s || strlen(s) != 43 ||
	    sodium_base642bin(out, 32, s, 43, NULL, &n, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    n != 32)
		return -EINVAL;
	/* Refuse non-zero trailing bits: one key, one spelling. */
	sodium_bin2base64(back, sizeof(back), out, 32, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return strcmp(back, s) == 0 ? 0 : -EINVAL;
}

static int parse_jwk(const char *text, size_t len, enum jws_alg alg, uint8_t pub[65],
		     size_t *pub_len, const char **why)
{
	json_error_t jerr;
	json_t *jwk = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	const char *kty, *crv;
	int rc = -EINVAL;

	if (!json_is_object(jwk)) {
		*why = "not a JSON object (JWK)";
		goto out;
	}
	if (json_object_get(jwk, "d")) {
		*why = "the JWK holds a private key (\"d\"); give the public key only";
		goto out;
	}
	kty = json_string_value(json_object_get(jwk, "kty"));
	crv = json_string_value(json_object_get(jwk, "crv"));
	if (alg == JWS_ALG_EDDSA) {
		if (!kty || strcmp(kty, "OKP") != 0 || !crv || strcmp(crv, "Ed25519") != 0) {
			*why = "alg EdDSA needs a JWK with kty OKP and crv Ed25519";
			goto out;
		}
		if (jwk_coord(jwk, "x", pub) < 0) {
			*why = "JWK \"x\" is not 43 characters of base64url (32 octets)";
			goto out;
		}
		*pub_len = 32;
	} else {
		if (!kty || strcmp(kty, "EC") != 0 || !crv || strcmp(crv, "P-256") != 0) {
			*why = "alg ES256 needs a JWK with kty EC and crv P-256";
			goto out;
		}
		pub[0] = 0x04; /* SEC 1 §2.3.3 uncompressed point */
		if (jwk_coord(jwk, "x", pub + 1) < 0 || jwk_coord(jwk, "y", pub + 33) < 0) {
			*why = "JWK \"x\" or \"y\" is not 43 characters of base64url (32 octets)";
			goto out;
		}
		*pub_len = 65;
	}
	rc = 0;
out:
	json_decref(jwk);
	return rc;
}

static int ec_coord(const EVP_PKEY *pk, const char *param, uint8_t out[32])
{
	BIGNUM *bn = NULL;
	int rc = -EINVAL;

	if (EVP_PKEY_get_bn_param(pk, param, &bn) == 1 && BN_num_bytes(bn) <= 32 &&
	    BN_bn2binpad(bn, out, 32) == 32)
		rc = 0;
	BN_free(bn);
	return rc;
}

static int parse_pem(const char *text, size_t len, enum jws_alg alg, uint8_t pub[65],
		     size_t *pub_len, const char **why)
{
	BIO *bio = BIO_new_mem_buf(text, (int)len);
	EVP_PKEY *pk = NULL;
	char group[32] = "";
	size_t n = 32;
	int rc = -EINVAL;

	if (!bio)
		abort(); /* out of memory */
	pk = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	if (!pk) {
		*why = "not a PEM public key (-----BEGIN PUBLIC KEY-----)";
		goto out;
	}
	if (alg == JWS_ALG_EDDSA) {
		if (!EVP_PKEY_is_a(pk, "ED25519")) {
			*why = "alg EdDSA needs an Ed25519 public key";
			goto out;
		}
		if (EVP_PKEY_get_raw_public_key(pk, pub, &n) != 1 || n != 32) {
			*why = "cannot read the Ed25519 public key";
			goto out;
		}
		*pub_len = 32;
	} else {
		if (!EVP_PKEY_is_a(pk, "EC") ||
		    EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group,
						   sizeof(group), NULL) != 1 ||
		    strcmp(group, "prime256v1") != 0) {
			*why = "alg ES256 needs an EC P-256 public key";
			goto out;
		}
		pub[0] = 0x04;
		if (ec_coord(pk, OSSL_PKEY_PARAM_EC_PUB_X, pub + 1) < 0 ||
		    ec_coord(pk, OSSL_PKEY_PARAM_EC_PUB_Y, pub + 33) < 0) {
			*why = "cannot read the P-256 public point";
			goto out;
		}
		*pub_len = 65;
	}
	rc = 0;
out:
	EVP_PKEY_free(pk);
	BIO_free(bio);
	ERR_clear_error();
	return rc;
}

int auth_conf_parse_key(const char *text, size_t len, enum jws_alg alg, uint8_t pub[65],
			size_t *pub_len, const char **why)
{
	uint8_t tmp[65];
	size_t tlen = 0;
	char b64[45];
	int rc;

	*why = NULL;
	while (len && (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')) {
		text++;
		len--;
	}
	while (len && (text[len - 1] == ' ' || text[len - 1] == '\t' || text[len - 1] == '\n' ||
		       text[len - 1] == '\r'))
		len--;
	if (alg != JWS_ALG_EDDSA && alg != JWS_ALG_ES256) {
		*why = "unknown alg";
		return -EINVAL;
	}
	if (len == 0) {
		*why = "empty key file";
		return -EINVAL;
	}
	if (memchr(text, '\0', len)) {
		*why = "NUL octet in key file";
		return -EINVAL;
	}
	if (text[0] == '{') {
		rc = parse_jwk(text, len, alg, tmp, &tlen, why);
	} else if (len > strlen(PEM_TAG) && memcmp(text, PEM_TAG, strlen(PEM_TAG)) == 0) {
		rc = parse_pem(text, len, alg, tmp, &tlen, why);
	} else if (alg == JWS_ALG_EDDSA) {
		rc = -EINVAL;
		if (len == 44) {
			memcpy(b64, text, 44);
			b64[44] = '\0';
			rc = keys_b64_decode32(b64, tmp);
			tlen = 32;
		}
		if (rc < 0)
			*why = "not PEM, a JWK, or 44 characters of base64 (a raw Ed25519 key)";
	} else {
		rc = -EINVAL;
		*why = "alg ES256 needs a PEM public key or an EC P-256 JWK";
	}
	if (rc == 0) {
		memcpy(pub, tmp, tlen);
		*pub_len = tlen;
	}
	return rc;
}

int auth_conf_load_key(const char *path, enum jws_alg alg, uint8_t pub[65], size_t *pub_len,
		       const char **why)
{
	char buf[AUTH_CONF_KEY_FILE_MAX + 1];
	size_t len = 0;
	ssize_t n;
	int fd, rc;

	*why = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	/* Read one octet past the limit to tell a full file from a too large one. */
	while (len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			close(fd);
			return rc;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len > AUTH_CONF_KEY_FILE_MAX) {
		*why = "larger than 8192 octets";
		return -EINVAL;
	}
	return auth_conf_parse_key(buf, len, alg, pub, pub_len, why);
}

static int fail_issuer(const struct conf *c, const struct conf_issuer *is, struct conf_err *err,
		       int rc, const char *why)
{
	if (!err)
		return rc;
	snprintf(err->file, sizeof(err->file), "%s",
		 is->src_file < c->n_src_files ? c->src_files[is->src_file] : "");
	err->line = is->src_line;
	snprintf(err->msg, sizeof(err->msg), "[issuer.%s] key_file: %.100s: %s", is->name,
		 is->key_file, why ? why : strerror(-rc));
	return rc;
}

void auth_conf_free(struct auth_conf *ac)
{
	free(ac->issuers);
	free(ac->agents);
	memset(ac, 0, sizeof(*ac));
}

int auth_conf_build(const struct conf *c, struct auth_conf *out, struct conf_err *err)
{
	const char *why;
	int rc;

	memset(out, 0, sizeof(*out));
	if (c->n_issuers)
		out->issuers = xcalloc(c->n_issuers, sizeof(*out->issuers));
	if (c->n_agents)
		out->agents = xcalloc(c->n_agents, sizeof(*out->agents));
	for (size_t i = 0; i < c->n_issuers; i++) {
		const struct conf_issuer *is = &c->issuers[i];
		struct jws_issuer *ji = &out->issuers[i];

		ji->iss = is->iss;
		ji->kid = is->kid[0] ? is->kid : NULL;
		ji->alg = is->alg;
		rc = auth_conf_load_key(is->key_file, is->alg, ji->pub, &ji->pub_len, &why);
		if (rc < 0) {
			auth_conf_free(out);
			return fail_issuer(c, is, err, rc, why);
		}
	}
	for (size_t i = 0; i < c->n_agents; i++) {
		const struct conf_agent *a = &c->agents[i];

		out->agents[i] = (struct jws_agent){
		    .sub = a->sub,
		    .checksums = (const uint8_t(*)[32])a->checksums,
		    .n_checksums = a->n_checksums,
		    .max_scopes = a->max_scopes,
		    .registration_ids = (const char *const *)a->registration_ids,
		    .n_registration_ids = a->n_registration_ids,
		    .revoked_registration_ids = (const char *const *)a->revoked_registration_ids,
		    .n_revoked_registration_ids = a->n_revoked_registration_ids,
		    .workflow_ids = (const char *const *)a->workflow_ids,
		    .n_workflow_ids = a->n_workflow_ids,
		    .has_peer_uid = a->has_peer_uid,
		    .peer_uid = a->peer_uid,
		};
	}
	out->cfg = (struct jws_config){
	    .audience = c->api.audience,
	    .clock_skew = c->api.clock_skew,
	    .max_token_lifetime = c->api.max_token_lifetime,
	    .max_token_bytes = c->api.max_token_bytes,
	    .single_use_writes = c->api.single_use_writes,
	    .issuers = out->issuers,
	    .n_issuers = c->n_issuers,
	    .agents = out->agents,
	    .n_agents = c->n_agents,
	};
	return 0;
}
