/* SPDX-License-Identifier: MIT */
/*
 * jws.h - the control-API verifier for DPoP-bound Agentic JWTs
 * (spec/agentic-jwt.md B.8): JWS compact parsing (libsodium base64url, jansson
 * with duplicate keys rejected), EdDSA and ES256 signatures pinned per issuer key,
 * the claim, agent, intent and scope checks, the RFC 9449 proof checks, the RFC 7638
 * thumbprint, the B.8.2 scope table, and a bounded jti replay cache.
 * Pure: no I/O, no clock (callers pass "now"), no globals, no logging of tokens.
 * It never trims a token's rights and never falls back to anything: every check
 * fails closed with one specific reason code.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "util.h"

/* B.8.3 size limits. */
#define JWS_PROOF_MAX 2048	  /* DPoP header value */
#define JWS_HEADER_JSON_MAX 1024  /* decoded JOSE header */
#define JWS_PAYLOAD_JSON_MAX 4096 /* decoded claims */
#define JWS_JSON_DEPTH_MAX 8
#define JWS_JSON_MEMBERS_MAX 64
#define JWS_JTI_MIN 16
#define JWS_JTI_MAX 128
#define JWS_INTENT_STR_MAX 128
#define JWS_TIME_MAX (1ULL << 53)

enum jws_alg {
	JWS_ALG_EDDSA = 1,
	JWS_ALG_ES256 = 2,
};

/* B.8.2 scopes, one bit each, deny by default, no wildcards. */
enum jws_scope {
	JWS_SCOPE_STATUS_READ = 1U << 0,
	JWS_SCOPE_NEIGHBOR_READ = 1U << 1,
	JWS_SCOPE_ROUTE_READ = 1U << 2,
	JWS_SCOPE_ROUTE_WRITE = 1U << 3,
	JWS_SCOPE_PEER_READ = 1U << 4,
	JWS_SCOPE_PEER_WRITE = 1U << 5,
	JWS_SCOPE_EHFILTER_READ = 1U << 6,
	JWS_SCOPE_EHFILTER_WRITE = 1U << 7,
	JWS_SCOPE_LOG_READ = 1U << 8,
	JWS_SCOPE_LOG_WRITE = 1U << 9,
	JWS_SCOPE_CONFIG_RELOAD = 1U << 10,
	JWS_SCOPE_METRICS_READ = 1U << 11,
	JWS_SCOPE_AUDIT_READ = 1U << 12,
	JWS_SCOPE_PATH_READ = 1U << 13,
	JWS_SCOPE_DNS_READ = 1U << 14,
	JWS_SCOPE_DNS_WRITE = 1U << 15,
	JWS_SCOPE_ADMIN_SHUTDOWN = 1U << 16,
};

/** One configured issuer key ([issuer.NAME]). Borrowed by jws_ctx_new(). */
struct jws_issuer {
	const char *iss;  /* exact "iss" value */
	const char *kid;  /* NULL: no kid configured */
	enum jws_alg alg; /* pinned */
	uint8_t pub[65];  /* EdDSA: 32-byte key; ES256: 04 || x || y */
	size_t pub_len;	  /* 32 or 65 */
};

/** One configured agent ([agent.NAME]). Borrowed by jws_ctx_new(). */
struct jws_agent {
	const char *sub;
	const uint8_t (*checksums)[32]; /* decoded allowlist */
	size_t n_checksums;
	uint32_t max_scopes;		     /* JWS_SCOPE_* mask */
	const char *const *registration_ids; /* NULL/0: any */
	size_t n_registration_ids;
	const char *const *revoked_registration_ids;
	size_t n_revoked_registration_ids;
	const char *const *workflow_ids; /* NULL/0: any */
	size_t n_workflow_ids;
	bool has_peer_uid;
	uint32_t peer_uid;
};

/** The [api] verifier settings plus the issuers and agents. Borrowed by jws_ctx_new(). */
struct jws_config {
	const char *audience;
	uint32_t clock_skew;	     /* seconds */
	uint32_t max_token_lifetime; /* seconds, exp - iat */
	uint32_t max_token_bytes;
	bool single_use_writes;
	const struct jws_issuer *issuers;
	size_t n_issuers;
	const struct jws_agent *agents;
	size_t n_agents;
};

struct jws_ctx;
struct jws_replay;

/**
 * The parts of one HTTP request the verifier needs. All strings are borrowed,
 * NUL-terminated and may be NULL when absent. @n_authorization and @n_dpop count
 * how many such headers the request carried (RFC 9449 §4.3: exactly one each).
 * @origin is the listener's fixed origin ("http://localhost" for the UNIX socket,
 * "http://127.0.0.1:<port>" for TCP), never the Host header; @path is the request
 * path without query.
 */
struct jws_request {
	const char *method;
	const char *origin;
	const char *path;
	const char *authorization;
	unsigned n_authorization;
	const char *dpop;
	unsigned n_dpop;
	bool unix_socket;
	bool has_peer_uid;
	uint32_t peer_uid;
};

/** What an accepted request may be recorded as (audit log); copies, no token bytes. */
struct jws_result {
	size_t issuer;	   /* index into jws_config.issuers */
	size_t agent;	   /* index into jws_config.agents */
	uint32_t scopes;   /* granted token scope mask */
	uint32_t op_scope; /* the scope the operation needed */
	bool write;
	char iss[256];
	char sub[129];
	char jti[JWS_JTI_MAX + 1];
	char checksum12[13];
	char workflow_id[JWS_INTENT_STR_MAX + 1];
	char workflow_step[JWS_INTENT_STR_MAX + 1];
	char delegation_chain[17];
	char step_sequence_hash[17];
	char jkt[44];
};

/** A parsed JWS compact serialisation; owns @header and @payload. */
struct jws_compact {
	json_t *header;
	json_t *payload;
	size_t signing_input_len; /* bytes of "header.payload" at the start of the input */
	uint8_t sig[72];
	size_t sig_len;
};

/**
 * Build a verifier from @cfg. @cfg and everything it points to are borrowed and
 * must outlive the context. ES256 keys are imported and point-checked here.
 * Returns 0 and *@out, -EINVAL for a bad key, alg, duplicate kid or empty audience.
 */
WUR int jws_ctx_new(const struct jws_config *cfg, struct jws_ctx **out);
void jws_ctx_free(struct jws_ctx *ctx);

/**
 * A replay cache of at most @capacity entries (token jtis keyed by (iss, jti)
 * until exp + skew, proof jtis keyed by (jkt, jti) until iat + skew), hash table
 * plus expiry min-heap. Never grows, never evicts an unexpired entry. NULL on a
 * zero or huge capacity; out of memory aborts.
 */
struct jws_replay *jws_replay_new(size_t capacity);
void jws_replay_free(struct jws_replay *r);
/** Drop every entry whose expiry is < @now; returns how many (call from a timer). */
size_t jws_replay_expire(struct jws_replay *r, uint64_t now);
size_t jws_replay_count(const struct jws_replay *r);
/**
 * Record the opaque @key (domain-separated by the caller) until @expiry. Expires old
 * entries first. 0 = newly recorded, -EEXIST = present and unexpired, -ENOSPC = full.
 */
WUR int jws_replay_insert(struct jws_replay *r, const void *key, size_t key_len, uint64_t expiry,
			  uint64_t now);

/**
 * Verify one request (B.8.3 steps 0-8) at unix time @now. On success returns 0,
 * fills *@out and records the jtis in @replay. On failure returns -EACCES (401:
 * bad token or proof), -EPERM (403: the operation's scope is not granted), -ENOENT
 * (method/path not in the scope table) or -ENOSPC (replay cache full, 503), sets
 * *@err_code to a static detailed reason (log and audit only; see jws_err_class())
 * and leaves @replay unchanged; *@out is zeroed, except after -EPERM, where the
 * token and proof verified and *@out names the caller (for the audit record).
 * Never logs.
 * Order: B.8.3 steps 0-7, except that a token which is valid but lacks the
 * operation's scope is refused (insufficient_scope) only after its proof verified,
 * so a 403 is never given to someone who does not hold the bound key. Scope
 * escalation (token scope beyond the agent's max_scopes) is step 6, an
 * invalid_token. A token jti is recorded once per (iss, jti): the same token with a
 * fresh proof is accepted again (RFC 9449 reuse), a different token under a
 * recorded jti is "token_replay", and with single_use_writes a second write is too.
 * @req->path must be the path as received (not percent-decoded): the proof htu is
 * compared with @req->origin + @req->path after RFC 3986 §6.2.2 normalisation.
 */
WUR int jws_verify_request(const struct jws_ctx *ctx, struct jws_replay *replay,
			   const struct jws_request *req, uint64_t now, struct jws_result *out,
			   const char **err_code);

/**
 * The generic RFC 9449/6750 error for a detailed @err_code: "invalid_token",
 * "invalid_dpop_proof", "insufficient_scope", or "not_found"/"unavailable".
 */
const char *jws_err_class(const char *err_code);

/**
 * Split and decode a compact JWS of @len bytes (no NUL needed) of at most @max
 * bytes: shape (two dots, three non-empty base64url segments), canonical unpadded
 * base64url, decoded header <= 1 KiB and payload <= 4 KiB, JSON objects with
 * duplicate keys, invalid UTF-8 and NUL refused, depth and member limits.
 * Does not verify anything. On success the caller owns @out (jws_compact_deinit()).
 * 0, or -EINVAL with *@err_code one of "token_size", "token_shape", "token_base64",
 * "token_json", "token_json_limits".
 */
WUR int jws_compact_parse(const char *tok, size_t len, size_t max, struct jws_compact *out,
			  const char **err_code);
void jws_compact_deinit(struct jws_compact *c);

/**
 * Check the signature of @c, parsed from the compact token @tok (the first
 * @c->signing_input_len bytes of @tok are signed), with the public key @pub for
 * @alg: EdDSA a 32-byte Ed25519 key, ES256 a 65-byte uncompressed P-256 point
 * (04 || x || y, imported and point-checked per call). ES256 wants the raw
 * RFC 7518 §3.4 r || s, each in [1, n-1]; DER and other lengths are refused.
 * Does not look at the header's "alg" (the caller pins it). Borrows everything.
 * 0 valid, -EBADMSG the signature does not verify, -EINVAL bad key or @alg.
 */
WUR int jws_compact_verify(const struct jws_compact *c, const char *tok, enum jws_alg alg,
			   const uint8_t *pub, size_t pub_len);

/**
 * RFC 7638 thumbprint of a public JWK object (OKP/Ed25519 or EC/P-256; a "d"
 * member is refused) as 43 base64url characters plus NUL in @out.
 * 0 or -EINVAL.
 */
WUR int jws_jwk_thumbprint(const json_t *jwk, char out[44]);

/**
 * Parse a space-separated scope list (single spaces, no empty or duplicate or
 * unknown names) into a JWS_SCOPE_* mask. 0 or -EINVAL.
 */
WUR int jws_scope_parse(const char *s, size_t len, uint32_t *mask);
/** The name of one scope bit, or NULL. */
const char *jws_scope_name(uint32_t bit);
/** Every *.read scope (what readonly_group members get). */
uint32_t jws_scope_read_mask(void);
/**
 * The scope @method @path needs from the fixed B.8.2 table ({id}/{name} match one
 * non-empty segment). 0 and *@scope, or -ENOENT.
 */
WUR int jws_scope_for(const char *method, const char *path, uint32_t *scope);
