/* SPDX-License-Identifier: MIT */
/*
 * auth_conf.h - turns the [api], [issuer.NAME] and [agent.NAME] sections of a
 * struct conf (spec/agentic-jwt.md B.8.2) into the struct jws_config the
 * verifier (jws.h) takes, reading each issuer's public key file: a PEM
 * SubjectPublicKeyInfo (OpenSSL), a public JWK (OKP/Ed25519 or EC/P-256), or
 * the base64 of a raw 32-octet Ed25519 key. Owns the issuer and agent arrays
 * it builds; the strings and lists they point to are borrowed from the
 * struct conf. No globals, no logging; reads files only in auth_conf_build()
 * and auth_conf_load_key().
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include "conf.h"
#include "jws.h"
#include "util.h"

#define AUTH_CONF_KEY_FILE_MAX 8192 /* larger key files are refused */

/** A verifier configuration; @cfg points into @issuers and @agents. */
struct auth_conf {
	struct jws_config cfg;
	struct jws_issuer *issuers;
	struct jws_agent *agents;
};

/**
 * Fill @out from @c (after conf_finish()): the [api] verifier settings, every
 * issuer with its key file loaded for its pinned alg, and every agent.
 * @out borrows strings and lists from @c, so @c must outlive it and must not
 * change. The keys are not point-checked here: jws_ctx_new() does that.
 * Returns 0, -EINVAL for a key file in the wrong form or for another alg, or
 * -errno when the file cannot be read; on error @err says which [issuer.NAME]
 * (file/line of its header) and why, and @out is left empty.
 * Free with auth_conf_free().
 */
WUR int auth_conf_build(const struct conf *c, struct auth_conf *out, struct conf_err *err);
/** Release the arrays of @ac (borrowed data untouched); @ac is left empty. */
void auth_conf_free(struct auth_conf *ac);

/**
 * Decode the public key text @text (@len bytes, surrounding white space
 * ignored) for @alg into @pub (EdDSA: 32 octets; ES256: 65 octets 04 || x || y)
 * and *@pub_len. A JWK must be public (no "d"), and its kty/crv must match
 * @alg. Returns 0 or -EINVAL with a reason in @why (static string).
 */
WUR int auth_conf_parse_key(const char *text, size_t len, enum jws_alg alg, uint8_t pub[65],
			    size_t *pub_len, const char **why);

/**
 * Read @path (at most AUTH_CONF_KEY_FILE_MAX octets) and decode it with
 * auth_conf_parse_key(). Returns 0, -EINVAL (@why set) or -errno (@why NULL).
 */
WUR int auth_conf_load_key(const char *path, enum jws_alg alg, uint8_t pub[65], size_t *pub_len,
			   const char **why);
