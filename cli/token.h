/* SPDX-License-Identifier: MIT */
/*
 * token.h - the pure half of "omnictl token inspect": decoding a DPoP-bound
 * Agentic JWT (spec/agentic-jwt.md B.2) for a human, checking its signature
 * against one issuer key, and listing the control-API operations its scopes
 * would allow (the B.8.2 table, asked through jws_scope_for()). It explains;
 * it never decides whether omnid would accept a token (that needs the
 * daemon's [issuer]/[agent] config, the DPoP proof and the replay cache).
 * No I/O beyond the FILE * it is given, no clock (callers pass "now").
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "jws.h"
#include "util.h"

#define TOKEN_INPUT_MAX 16384 /* longest token omnictl reads */

/* One control-API operation and the omnictl command that performs it. */
struct token_op {
	const char *method;
	const char *path; /* {id}/{name} stand for one path segment */
	const char *command;
};

/** Every endpoint of the B.8.2 table (static, @n set to the count). */
const struct token_op *token_ops(size_t *n);

/**
 * Map the B.8.2 path pattern @pattern ("/v1/routes/{id}") to a concrete path
 * jws_scope_for() accepts by replacing each {...} with "x", into @out.
 * Returns 0 or -ENAMETOOLONG.
 */
WUR int token_op_path(const char *pattern, char *out, size_t outlen);

enum token_sig {
	TOKEN_SIG_UNCHECKED = 0, /* no issuer key given */
	TOKEN_SIG_VALID,
	TOKEN_SIG_INVALID,
};

/**
 * Check the signature of the compact token @tok (@len bytes), already parsed
 * into @c, with the issuer key @pub (@pub_len: 32 for EdDSA, 65 for ES256,
 * from auth_conf_load_key()) for @alg. The token's "alg" header must name
 * @alg exactly (no algorithm confusion). Returns 0 (valid), -EBADMSG (the
 * signature does not verify or alg differs) or -EINVAL (bad key).
 */
WUR int token_verify(const struct jws_compact *c, const char *tok, size_t len, enum jws_alg alg,
		     const uint8_t *pub, size_t pub_len);

/**
 * The token's "alg" header as a jws_alg: 0 and *@alg, or -ENOTSUP for any
 * other algorithm (RS256, none...) or a missing alg.
 */
WUR int token_alg(const struct jws_compact *c, enum jws_alg *alg);

/**
 * Parse the token's "scope" claim leniently: every known scope name sets its
 * bit in *@mask; unknown names are counted in *@unknown (they grant nothing).
 * Returns 0, or -ENOENT if there is no string scope claim.
 */
WUR int token_scopes(const struct jws_compact *c, uint32_t *mask, size_t *unknown);

/**
 * Format unix time @t relative to @now: "2026-11-28 03:00:00 UTC (5 min ago)"
 * or "(in 4 min 10 s)". Always NUL-terminates @out.
 */
void token_fmt_time(uint64_t t, uint64_t now, char *out, size_t outlen);

/**
 * Write the explanation of @c to @f: header, signature state @sig, each
 * claim with its meaning (times as dates relative to @now, cnf key and its
 * RFC 7638 thumbprint, agent proof, intent, delegation chain), consistency
 * warnings (expired, not yet valid, executed_by != sub, lifetime), the
 * scopes and every operation they allow. Returns the number of warnings
 * printed (>= 0), or -EIO on a write error.
 */
WUR int token_explain(FILE *f, const struct jws_compact *c, uint64_t now, enum token_sig sig);

/**
 * The same information as one JSON object (new reference, never NULL):
 * {"header", "claims", "signature": "unchecked|valid|invalid",
 *  "scopes": [...], "unknown_scopes": N, "allows": [{"method","path","command"}],
 *  "warnings": [...]}.
 */
json_t *token_explain_json(const struct jws_compact *c, uint64_t now, enum token_sig sig);
