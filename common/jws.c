/* SPDX-License-Identifier: MIT */
/*
 * jws.c - the DPoP-bound Agentic JWT verifier of spec/agentic-jwt.md B.8.3, steps
 * 0-8, in that order, stopping at the first failure. Owns the JWS compact parser,
 * the EdDSA (libsodium) and ES256 (OpenSSL 3) signature checks, the claim, agent,
 * intent and scope checks, the RFC 9449 proof checks and the replay cache.
 * It must never accept an algorithm other than the pinned one, take a key from a
 * token header, trim scopes, log a token, or evict an unexpired replay entry.
 */
#include "jws.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sodium.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/params.h>

/* ---------------------------------------------------------------- scope table */

static const char *const scope_names[] = {
    "status.read",   "neighbor.read",  "route.read",	 "route.write", "peer.read",
    "peer.write",    "ehfilter.read",  "ehfilter.write", "log.read",	"log.write",
    "config.reload", "metrics.read",   "audit.read",	 "path.read",	"dns.read",
    "dns.write",     "admin.shutdown",
};

struct scope_route {
	const char *method;
	const char *path; /* "*" segment = one {id}/{name} segment */
	uint32_t scope;
};

/* spec/agentic-jwt.md B.8.2: deny by default, no wildcards in scopes. */
static const struct scope_route scope_routes[] = {
    {"GET", "/v1/status", JWS_SCOPE_STATUS_READ},
    {"GET", "/v1/interfaces", JWS_SCOPE_STATUS_READ},
    {"GET", "/v1/stats", JWS_SCOPE_STATUS_READ},
    {"GET", "/v1/neighbors", JWS_SCOPE_NEIGHBOR_READ},
    {"GET", "/v1/registrations", JWS_SCOPE_NEIGHBOR_READ},
    {"GET", "/v1/routes", JWS_SCOPE_ROUTE_READ},
    {"POST", "/v1/routes", JWS_SCOPE_ROUTE_WRITE},
    {"DELETE", "/v1/routes/*", JWS_SCOPE_ROUTE_WRITE},
    {"GET", "/v1/peers", JWS_SCOPE_PEER_READ},
    {"GET", "/v1/peers/*", JWS_SCOPE_PEER_READ},
    {"GET", "/v1/servers", JWS_SCOPE_PEER_READ},
    {"POST", "/v1/peers", JWS_SCOPE_PEER_WRITE},
    {"DELETE", "/v1/peers/*", JWS_SCOPE_PEER_WRITE},
    {"POST", "/v1/peers/*/rekey", JWS_SCOPE_PEER_WRITE},
    {"POST", "/v1/servers", JWS_SCOPE_PEER_WRITE},
    {"DELETE", "/v1/servers/*", JWS_SCOPE_PEER_WRITE},
    {"GET", "/v1/ehfilter", JWS_SCOPE_EHFILTER_READ},
    {"PUT", "/v1/ehfilter", JWS_SCOPE_EHFILTER_WRITE},
    {"GET", "/v1/log", JWS_SCOPE_LOG_READ},
    {"PUT", "/v1/log", JWS_SCOPE_LOG_WRITE},
    {"POST", "/v1/reload", JWS_SCOPE_CONFIG_RELOAD},
    {"GET", "/v1/metrics", JWS_SCOPE_METRICS_READ},
    {"GET", "/v1/audit", JWS_SCOPE_AUDIT_READ},
    {"GET", "/v1/paths", JWS_SCOPE_PATH_READ},
    {"GET", "/v1/dns/names", JWS_SCOPE_DNS_READ},
    {"PUT", "/v1/dns/names/*", JWS_SCOPE_DNS_WRITE},
    {"DELETE", "/v1/dns/names/*", JWS_SCOPE_DNS_WRITE},
    {"POST", "/v1/shutdown", JWS_SCOPE_ADMIN_SHUTDOWN},
};

const char *jws_scope_name(uint32_t bit)
{
	for (size_t i = 0; i < ARRAY_SIZE(scope_names); i++)
		if (bit == 1U << i)
			return scope_names[i];
	return NULL;
}

uint32_t jws_scope_read_mask(void)
{
	uint32_t m = 0;

	for (size_t i = 0; i < ARRAY_SIZE(scope_names); i++) {
		size_t n = strlen(scope_names[i]);

		if (n > 5 && !strcmp(scope_names[i] + n - 5, ".read"))
			m |= 1U << i;
	}
	return m;
}

/* -EINVAL: syntax (empty token, tab, duplicate); -ENOENT: a name we do not know. */
static int scope_parse(const char *s, size_t len, uint32_t *mask)
{
	uint32_t m = 0;
	bool unknown = false;
	size_t i = 0;

	if (!len)
		return -EINVAL;
	while (i <= len) {
		size_t j = i;
		bool found = false;

		while (j < len && s[j] != ' ')
			j++;
		if (j == i)
			return -EINVAL;
		for (size_t k = i; k < j; k++)
			if (s[k] <= 0x20 || s[k] >= 0x7f)
				return -EINVAL;
		for (size_t b = 0; b < ARRAY_SIZE(scope_names); b++) {
			if (strlen(scope_names[b]) == j - i &&
			    !memcmp(scope_names[b], s + i, j - i)) {
				if (m & (1U << b))
					return -EINVAL;
				m |= 1U << b;
				found = true;
			}
		}
		if (!found)
			unknown = true;
		i = j + 1;
	}
	*mask = m;
	return unknown ? -ENOENT : 0;
}

int jws_scope_parse(const char *s, size_t len, uint32_t *mask)
{
	return scope_parse(s, len, mask) ? -EINVAL : 0;
}

static bool path_match(const char *pat, const char *path)
{
	while (*pat && *path) {
		if (*pat == '*') {
			if (*path == '/')
				return false;
			while (*path && *path != '/')
				path++;
			pat++;
			continue;
		}
		if (*pat++ != *path++)
			return false;
	}
	return !*pat && !*path;
}

int jws_scope_for(const char *method, const char *path, uint32_t *scope)
{
	if (!method || !path)
		return -ENOENT;
	for (size_t i = 0; i < ARRAY_SIZE(scope_routes); i++) {
		if (!strcmp(scope_routes[i].method, method) &&
		    path_match(scope_routes[i].path, path)) {
			*scope = scope_routes[i].scope;
			return 0;
		}
	}
	return -ENOENT;
}

const char *jws_err_class(const char *err_code)
{
	if (!err_code)
		return "invalid_token";
	if (!strncmp(err_code, "proof_", 6))
		return "invalid_dpop_proof";
	if (!strcmp(err_code, "insufficient_scope"))
		return "insufficient_scope";
	if (!strcmp(err_code, "unknown_endpoint"))
		return "not_found";
	if (!strcmp(err_code, "replay_cache_full"))
		return "unavailable";
	return "invalid_token";
}

/* ---------------------------------------------------------------- replay cache */

#define REPLAY_EMPTY UINT32_MAX
#define REPLAY_CAP_MAX (1U << 24)
#define REPLAY_F_WRITE 1U

struct replay_ent {
	uint8_t key[16];
	uint64_t expiry;
	uint8_t val[8]; /* token entries: the first bytes of SHA-256(token) */
	uint32_t flags;
	uint32_t heap_pos;
};

struct jws_replay {
	size_t cap, count, tmask;
	struct replay_ent *ents; /* dense: 0..count-1 */
	uint32_t *table;	 /* linear probing over entry indices */
	uint32_t *heap;		 /* min-heap of entry indices by expiry */
	uint8_t hkey[crypto_generichash_KEYBYTES];
};

struct jws_replay *jws_replay_new(size_t capacity)
{
	struct jws_replay *r;
	size_t t = 1;

	if (!capacity || capacity > REPLAY_CAP_MAX)
		return NULL;
	while (t < capacity * 2)
		t <<= 1;
	r = xcalloc(1, sizeof(*r));
	r->cap = capacity;
	r->tmask = t - 1;
	r->ents = xcalloc(capacity, sizeof(*r->ents));
	r->heap = xcalloc(capacity, sizeof(*r->heap));
	r->table = xmalloc(t * sizeof(*r->table));
	memset(r->table, 0xff, t * sizeof(*r->table));
	/* A per-cache secret key so nobody can aim jtis at one probe chain. */
	randombytes_buf(r->hkey, sizeof(r->hkey));
	return r;
}

void jws_replay_free(struct jws_replay *r)
{
	if (!r)
		return;
	free(r->ents);
	free(r->heap);
	free(r->table);
	free(r);
}

size_t jws_replay_count(const struct jws_replay *r)
{
	return r->count;
}

static size_t replay_home(const struct jws_replay *r, const uint8_t key[16])
{
	uint64_t h;

	memcpy(&h, key, sizeof(h));
	return (size_t)h & r->tmask;
}

/* Table slot holding @key, or the empty slot where it would go. */
static size_t replay_slot(const struct jws_replay *r, const uint8_t key[16])
{
	size_t i = replay_home(r, key);

	while (r->table[i] != REPLAY_EMPTY && memcmp(r->ents[r->table[i]].key, key, 16))
		i = (i + 1) & r->tmask;
	return i;
}

static void heap_swap(struct jws_replay *r, size_t a, size_t b)
{
	uint32_t t = r->heap[a];

	r->heap[a] = r->heap[b];
	r->heap[b] = t;
	r->ents[r->heap[a]].heap_pos = (uint32_t)a;
	r->ents[r->heap[b]].heap_pos = (uint32_t)b;
}

static uint64_t heap_exp(const struct jws_replay *r, size_t i)
{
	return r->ents[r->heap[i]].expiry;
}

static void heap_fix(struct jws_replay *r, size_t i)
{
	while (i > 0 && heap_exp(r, (i - 1) / 2) > heap_exp(r, i)) {
		heap_swap(r, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	for (;;) {
		size_t l = 2 * i + 1, m = i;

		if (l < r->count && heap_exp(r, l) < heap_exp(r, m))
			m = l;
		if (l + 1 < r->count && heap_exp(r, l + 1) < heap_exp(r, m))
			m = l + 1;
		if (m == i)
			break;
		heap_swap(r, i, m);
		i = m;
	}
}

static void replay_remove(struct jws_replay *r, uint32_t e)
{
	size_t i = replay_slot(r, r->ents[e].key), j = i;
	uint32_t last = (uint32_t)(r->count - 1);
	size_t hp = r->ents[e].heap_pos;

	/* Backward-shift deletion keeps every probe chain unbroken. */
	for (;;) {
		size_t k;

		j = (j + 1) & r->tmask;
		if (r->table[j] == REPLAY_EMPTY)
			break;
		k = replay_home(r, r->ents[r->table[j]].key);
		if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
			r->table[i] = r->table[j];
			i = j;
		}
	}
	r->table[i] = REPLAY_EMPTY;

	/* Heap: move the last element into the hole. */
	if (hp != r->count - 1) {
		heap_swap(r, hp, r->count - 1);
		r->count--;
		heap_fix(r, hp);
		r->count++;
	}
	/* Entries stay dense: the last one moves into slot e. */
	if (e != last) {
		size_t ls = replay_slot(r, r->ents[last].key);

		r->ents[e] = r->ents[last];
		r->table[ls] = e;
		r->heap[r->ents[e].heap_pos] = e;
	}
	r->count--;
}

size_t jws_replay_expire(struct jws_replay *r, uint64_t now)
{
	size_t n = 0;

	while (r->count && heap_exp(r, 0) < now) {
		replay_remove(r, r->heap[0]);
		n++;
	}
	return n;
}

static struct replay_ent *replay_find(struct jws_replay *r, const uint8_t key[16])
{
	size_t i = replay_slot(r, key);

	return r->table[i] == REPLAY_EMPTY ? NULL : &r->ents[r->table[i]];
}

static void replay_add(struct jws_replay *r, const uint8_t key[16], uint64_t expiry,
		       const uint8_t val[8], uint32_t flags)
{
	uint32_t e = (uint32_t)r->count;
	struct replay_ent *ent = &r->ents[e];

	OMNI_ASSERT(r->count < r->cap);
	memcpy(ent->key, key, 16);
	ent->expiry = expiry;
	if (val)
		memcpy(ent->val, val, 8);
	else
		memset(ent->val, 0, 8);
	ent->flags = flags;
	ent->heap_pos = e;
	r->heap[e] = e;
	r->table[replay_slot(r, key)] = e;
	r->count++;
	heap_fix(r, e);
}

static void replay_key(const struct jws_replay *r, uint8_t out[16], const void *a, size_t alen,
		       const void *b, size_t blen, char domain)
{
	crypto_generichash_state st;
	uint8_t l[8];

	crypto_generichash_init(&st, r->hkey, sizeof(r->hkey), 16);
	crypto_generichash_update(&st, (const uint8_t *)&domain, 1);
	for (int i = 0; i < 8; i++)
		l[i] = (uint8_t)((uint64_t)alen >> (8 * i));
	crypto_generichash_update(&st, l, sizeof(l));
	crypto_generichash_update(&st, a, alen);
	if (b)
		crypto_generichash_update(&st, b, blen);
	crypto_generichash_final(&st, out, 16);
}

int jws_replay_insert(struct jws_replay *r, const void *key, size_t key_len, uint64_t expiry,
		      uint64_t now)
{
	uint8_t k[16];

	jws_replay_expire(r, now);
	replay_key(r, k, key, key_len, NULL, 0, 'o');
	if (replay_find(r, k))
		return -EEXIST;
	if (r->count >= r->cap)
		return -ENOSPC;
	replay_add(r, k, expiry, NULL, 0);
	return 0;
}

/* ---------------------------------------------------------------- context */

struct jws_ctx {
	const struct jws_config *cfg;
	EVP_PKEY **pkeys; /* ES256 issuers; NULL for EdDSA */
};

static EVP_PKEY *p256_import(const uint8_t pt[65])
{
	uint8_t buf[65];
	char group[] = "P-256";
	OSSL_PARAM params[3];
	EVP_PKEY_CTX *pc = NULL, *cc = NULL;
	EVP_PKEY *pk = NULL;

	if (pt[0] != 0x04)
		return NULL;
	memcpy(buf, pt, sizeof(buf));
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, buf, sizeof(buf));
	params[2] = OSSL_PARAM_construct_end();
	pc = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!pc || EVP_PKEY_fromdata_init(pc) != 1 ||
	    EVP_PKEY_fromdata(pc, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1)
		goto fail;
	cc = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
	if (!cc || EVP_PKEY_public_check(cc) != 1)
		goto fail;
	EVP_PKEY_CTX_free(cc);
	EVP_PKEY_CTX_free(pc);
	return pk;
fail:
	EVP_PKEY_CTX_free(cc);
	EVP_PKEY_CTX_free(pc);
	EVP_PKEY_free(pk);
	return NULL;
}

int jws_ctx_new(const struct jws_config *cfg, struct jws_ctx **out)
{
	struct jws_ctx *c;

	if (!cfg->audience || !*cfg->audience || !cfg->max_token_bytes)
		return -EINVAL;
	c = xcalloc(1, sizeof(*c));
	c->cfg = cfg;
	c->pkeys = xcalloc(cfg->n_issuers ? cfg->n_issuers : 1, sizeof(*c->pkeys));
	for (size_t i = 0; i < cfg->n_issuers; i++) {
		const struct jws_issuer *is = &cfg->issuers[i];

		if (!is->iss || !*is->iss)
			goto fail;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(cfg->issuers[j].iss, is->iss) &&
			    (!is->kid || !cfg->issuers[j].kid ||
			     !strcmp(is->kid, cfg->issuers[j].kid)))
				goto fail;
		switch (is->alg) {
		case JWS_ALG_EDDSA:
			if (is->pub_len != 32 || !crypto_core_ed25519_is_valid_point(is->pub))
				goto fail;
			break;
		case JWS_ALG_ES256:
			if (is->pub_len != 65 || !(c->pkeys[i] = p256_import(is->pub)))
				goto fail;
			break;
		default:
			goto fail;
		}
	}
	*out = c;
	return 0;
fail:
	jws_ctx_free(c);
	return -EINVAL;
}

void jws_ctx_free(struct jws_ctx *ctx)
{
	if (!ctx)
		return;
	for (size_t i = 0; i < ctx->cfg->n_issuers; i++)
		EVP_PKEY_free(ctx->pkeys[i]);
	free(ctx->pkeys);
	free(ctx);
}

/* ---------------------------------------------------------------- JWS compact */

static bool is_b64url(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       ch == '-' || ch == '_';
}

/* Canonical unpadded base64url only: b64_end = NULL makes libsodium refuse the rest. */
static int b64url_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *olen)
{
	for (size_t i = 0; i < n; i++)
		if (!is_b64url(s[i]))
			return -EINVAL;
	if (sodium_base642bin(out, cap, s, n, NULL, olen, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING))
		return -EINVAL;
	return 0;
}

static bool json_within(const json_t *j, int depth, size_t *members)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_object(j)) {
		if (depth >= JWS_JSON_DEPTH_MAX)
			return false;
		json_object_foreach((json_t *)(uintptr_t)j, k, v)
		{
			if (++*members > JWS_JSON_MEMBERS_MAX ||
			    !json_within(v, depth + 1, members))
				return false;
		}
	} else if (json_is_array(j)) {
		if (depth >= JWS_JSON_DEPTH_MAX)
			return false;
		json_array_foreach(j, i, v)
		{
			if (++*members > JWS_JSON_MEMBERS_MAX ||
			    !json_within(v, depth + 1, members))
				return false;
		}
	}
	return true;
}

static json_t *json_part(const char *s, size_t n, size_t max, int *err)
{
	uint8_t buf[JWS_PAYLOAD_JSON_MAX];
	size_t len, members = 0;
	json_error_t je;
	json_t *j;

	/* Decoded size from the unpadded length, before decoding anything. */
	if (n / 4 * 3 + (n % 4 ? n % 4 - 1 : 0) > max) {
		*err = 4;
		return NULL;
	}
	if (b64url_decode(s, n, buf, max, &len)) {
		*err = 1;
		return NULL;
	}
	j = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!j || !json_is_object(j)) {
		json_decref(j);
		*err = 2;
		return NULL;
	}
	if (!json_within(j, 0, &members)) {
		json_decref(j);
		*err = 3;
		return NULL;
	}
	return j;
}

enum { KIND_TOKEN, KIND_PROOF };

static const char *const parse_errs[2][5] = {
    {"token_size", "token_shape", "token_base64", "token_json", "token_json_limits"},
    {"proof_size", "proof_shape", "proof_base64", "proof_json", "proof_json_limits"},
};

static int compact_parse(const char *tok, size_t len, size_t max, struct jws_compact *out,
			 const char **err_code, int kind)
{
	size_t dot[2], nd = 0;
	int e = 0;

	memset(out, 0, sizeof(*out));
	if (len > max) {
		*err_code = parse_errs[kind][0];
		return -EINVAL;
	}
	for (size_t i = 0; i < len; i++) {
		if (tok[i] == '.') {
			if (nd == 2)
				goto shape;
			dot[nd++] = i;
		} else if (!is_b64url(tok[i])) {
			goto shape;
		}
	}
	if (nd != 2 || dot[0] == 0 || dot[1] == dot[0] + 1 || dot[1] + 1 == len)
		goto shape;
	out->header = json_part(tok, dot[0], JWS_HEADER_JSON_MAX, &e);
	if (!e)
		out->payload =
		    json_part(tok + dot[0] + 1, dot[1] - dot[0] - 1, JWS_PAYLOAD_JSON_MAX, &e);
	if (!e && b64url_decode(tok + dot[1] + 1, len - dot[1] - 1, out->sig, sizeof(out->sig),
				&out->sig_len))
		e = 1;
	if (e) {
		*err_code = parse_errs[kind][e == 4 ? 0 : 1 + e];
		jws_compact_deinit(out);
		return -EINVAL;
	}
	out->signing_input_len = dot[1];
	return 0;
shape:
	*err_code = parse_errs[kind][1];
	return -EINVAL;
}

int jws_compact_parse(const char *tok, size_t len, size_t max, struct jws_compact *out,
		      const char **err_code)
{
	return compact_parse(tok, len, max, out, err_code, KIND_TOKEN);
}

void jws_compact_deinit(struct jws_compact *c)
{
	json_decref(c->header);
	json_decref(c->payload);
	c->header = c->payload = NULL;
}

/* ---------------------------------------------------------------- keys */

struct jwk {
	enum jws_alg alg;
	uint8_t pub[65]; /* EdDSA: 32 bytes; ES256: 04 || x || y */
	char thumb[44];
};

static const char *jstr(const json_t *o, const char *k, size_t *len)
{
	const json_t *v = json_object_get(o, k);

	if (!json_is_string(v))
		return NULL;
	if (len)
		*len = json_string_length(v);
	return json_string_value(v);
}

static int jwk_coord(const json_t *jwk, const char *name, uint8_t out[32])
{
	size_t n, ol;
	const char *s = jstr(jwk, name, &n);

	if (!s || n != 43 || b64url_decode(s, n, out, 32, &ol) || ol != 32)
		return -EINVAL;
	return 0;
}

static int jwk_parse(const json_t *jwk, struct jwk *out)
{
	const char *kty, *crv;
	char buf[160];
	uint8_t h[crypto_hash_sha256_BYTES];
	int n;

	if (!json_is_object(jwk) || json_object_get(jwk, "d"))
		return -EINVAL;
	kty = jstr(jwk, "kty", NULL);
	crv = jstr(jwk, "crv", NULL);
	if (!kty || !crv)
		return -EINVAL;
	if (!strcmp(kty, "OKP") && !strcmp(crv, "Ed25519")) {
		/* RFC 8037 §2 / RFC 7638 §3.2: required members crv, kty, x in order. */
		if (json_object_get(jwk, "y") || jwk_coord(jwk, "x", out->pub))
			return -EINVAL;
		out->alg = JWS_ALG_EDDSA;
		n = snprintf(buf, sizeof(buf), "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"%s\"}",
			     jstr(jwk, "x", NULL));
	} else if (!strcmp(kty, "EC") && !strcmp(crv, "P-256")) {
		/* RFC 7638 §3.2: crv, kty, x, y. */
		out->pub[0] = 0x04;
		if (jwk_coord(jwk, "x", out->pub + 1) || jwk_coord(jwk, "y", out->pub + 33))
			return -EINVAL;
		out->alg = JWS_ALG_ES256;
		n = snprintf(buf, sizeof(buf),
			     "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}",
			     jstr(jwk, "x", NULL), jstr(jwk, "y", NULL));
	} else {
		return -EINVAL;
	}
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -EINVAL;
	crypto_hash_sha256(h, (const uint8_t *)buf, (size_t)n);
	sodium_bin2base64(out->thumb, sizeof(out->thumb), h, sizeof(h),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return 0;
}

int jws_jwk_thumbprint(const json_t *jwk, char out[44])
{
	struct jwk k;

	if (jwk_parse(jwk, &k))
		return -EINVAL;
	memcpy(out, k.thumb, sizeof(k.thumb));
	return 0;
}

/* P-256 group order n (SEC 2 §2.4.2). */
static const uint8_t p256_n[32] = {
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
};

static bool scalar_ok(const uint8_t v[32])
{
	static const uint8_t zero[32];

	return memcmp(v, zero, 32) != 0 && memcmp(v, p256_n, 32) < 0;
}

static bool es256_verify(EVP_PKEY *pk, const char *msg, size_t n, const uint8_t *sig,
			 size_t sig_len)
{
	BIGNUM *r = NULL, *s = NULL;
	ECDSA_SIG *es = NULL;
	EVP_MD_CTX *mc = NULL;
	unsigned char *der = NULL;
	int dl;
	bool ok = false;

	/* RFC 7518 §3.4: raw r || s, 32 bytes each; DER and r, s outside [1, n-1] refused. */
	if (sig_len != 64 || !scalar_ok(sig) || !scalar_ok(sig + 32))
		return false;
	r = BN_bin2bn(sig, 32, NULL);
	s = BN_bin2bn(sig + 32, 32, NULL);
	es = ECDSA_SIG_new();
	if (!r || !s || !es || ECDSA_SIG_set0(es, r, s) != 1)
		goto out;
	r = s = NULL;
	dl = i2d_ECDSA_SIG(es, &der);
	if (dl <= 0)
		goto out;
	mc = EVP_MD_CTX_new();
	if (!mc || EVP_DigestVerifyInit_ex(mc, NULL, "SHA256", NULL, NULL, pk, NULL) != 1)
		goto out;
	ok = EVP_DigestVerify(mc, der, (size_t)dl, (const unsigned char *)msg, n) == 1;
out:
	EVP_MD_CTX_free(mc);
	OPENSSL_free(der);
	ECDSA_SIG_free(es);
	BN_free(r);
	BN_free(s);
	return ok;
}

static bool eddsa_verify(const uint8_t pub[32], const char *msg, size_t n, const uint8_t *sig,
			 size_t sig_len)
{
	if (sig_len != crypto_sign_BYTES)
		return false;
	return crypto_sign_verify_detached(sig, (const uint8_t *)msg, n, pub) == 0;
}

int jws_compact_verify(const struct jws_compact *c, const char *tok, enum jws_alg alg,
		       const uint8_t *pub, size_t pub_len)
{
	EVP_PKEY *pk;
	bool ok;

	switch (alg) {
	case JWS_ALG_EDDSA:
		if (pub_len != crypto_sign_PUBLICKEYBYTES)
			return -EINVAL;
		ok = eddsa_verify(pub, tok, c->signing_input_len, c->sig, c->sig_len);
		return ok ? 0 : -EBADMSG;
	case JWS_ALG_ES256:
		pk = pub_len == 65 ? p256_import(pub) : NULL;
		if (!pk)
			return -EINVAL;
		ok = es256_verify(pk, tok, c->signing_input_len, c->sig, c->sig_len);
		EVP_PKEY_free(pk);
		return ok ? 0 : -EBADMSG;
	}
	return -EINVAL;
}

/* ---------------------------------------------------------------- claims */

static bool jint(const json_t *o, const char *k, uint64_t *v)
{
	const json_t *j = json_object_get(o, k);
	json_int_t x;

	/* B.8.3 step 4: JSON integers only; no fractions, exponents, negatives, > 2^53. */
	if (!json_is_integer(j))
		return false;
	x = json_integer_value(j);
	if (x < 0 || (uint64_t)x > JWS_TIME_MAX)
		return false;
	*v = (uint64_t)x;
	return true;
}

static bool printable(const char *s, size_t n, size_t min, size_t max)
{
	if (!s || n < min || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

static bool lowhex(const char *s, size_t n, size_t want)
{
	if (!s || n != want)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

static bool has_key_member(const json_t *hdr, bool allow_jwk)
{
	return json_object_get(hdr, "jku") || json_object_get(hdr, "x5u") ||
	       json_object_get(hdr, "x5c") || json_object_get(hdr, "crit") ||
	       (!allow_jwk && json_object_get(hdr, "jwk"));
}

static int alg_of(const char *s, enum jws_alg *alg)
{
	if (!s)
		return -EINVAL;
	if (!strcmp(s, "EdDSA"))
		*alg = JWS_ALG_EDDSA;
	else if (!strcmp(s, "ES256"))
		*alg = JWS_ALG_ES256;
	else
		return -EINVAL;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool unreserved(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~';
}

/*
 * RFC 3986 §6.2.2 syntax-based normalisation of an http(s) URI without query or
 * fragment: lower-case scheme and host, default port removed, percent-encodings
 * upper-case and unreserved ones decoded, empty path = "/".
 */
static int uri_norm(const char *in, char *out, size_t cap)
{
	size_t o = 0, i = 0;
	bool https;
	const char *p;
	unsigned long port = 0;
	bool has_port = false;

#define PUT(c)                                                                                     \
	do {                                                                                       \
		if (o + 1 >= cap)                                                                  \
			return -EINVAL;                                                            \
		out[o++] = (char)(c);                                                              \
	} while (0)

	for (p = in; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '?' ||
		    *p == '#')
			return -EINVAL;
	if (!strncasecmp(in, "http://", 7)) {
		https = false;
		i = 7;
	} else if (!strncasecmp(in, "https://", 8)) {
		https = true;
		i = 8;
	} else {
		return -EINVAL;
	}
	for (const char *s = https ? "https://" : "http://"; *s; s++)
		PUT(*s);
	if (in[i] == '[') {
		while (in[i] && in[i] != ']') {
			if (in[i] == '/' || in[i] == '@')
				return -EINVAL;
			PUT(in[i] >= 'A' && in[i] <= 'Z' ? in[i] + 32 : in[i]);
			i++;
		}
		if (in[i] != ']')
			return -EINVAL;
		PUT(in[i++]);
	} else {
		size_t h = o;

		while (in[i] && in[i] != ':' && in[i] != '/') {
			if (in[i] == '@' || in[i] == '[' || in[i] == ']' || in[i] == '%')
				return -EINVAL;
			PUT(in[i] >= 'A' && in[i] <= 'Z' ? in[i] + 32 : in[i]);
			i++;
		}
		if (o == h)
			return -EINVAL;
	}
	if (in[i] == ':') {
		i++;
		while (in[i] >= '0' && in[i] <= '9') {
			port = port * 10 + (unsigned long)(in[i++] - '0');
			if (port > 65535)
				return -EINVAL;
			has_port = true;
		}
	}
	if (in[i] && in[i] != '/')
		return -EINVAL;
	if (has_port && port != (https ? 443UL : 80UL)) {
		char pb[8];

		snprintf(pb, sizeof(pb), ":%lu", port);
		for (const char *s = pb; *s; s++)
			PUT(*s);
	}
	if (!in[i])
		PUT('/');
	while (in[i]) {
		if (in[i] == '%') {
			int hi = hexval(in[i + 1]), lo = hi < 0 ? -1 : hexval(in[i + 2]);
			int c;

			if (hi < 0 || lo < 0)
				return -EINVAL;
			c = hi * 16 + lo;
			if (unreserved(c)) {
				PUT(c);
			} else {
				PUT('%');
				PUT("0123456789ABCDEF"[hi]);
				PUT("0123456789ABCDEF"[lo]);
			}
			i += 3;
		} else {
			PUT(in[i++]);
		}
	}
	out[o] = '\0';
	return 0;
#undef PUT
}

/* ---------------------------------------------------------------- the verifier */

#define FAIL(code, e)                                                                              \
	do {                                                                                       \
		*err_code = (code);                                                                \
		rc = (e);                                                                          \
		goto out;                                                                          \
	} while (0)

static bool aud_ok(const json_t *aud, const char *ours)
{
	size_t i;
	const json_t *v;
	bool found = false;

	if (json_is_string(aud))
		return !strcmp(json_string_value(aud), ours);
	if (!json_is_array(aud) || !json_array_size(aud))
		return false;
	json_array_foreach(aud, i, v)
	{
		if (!json_is_string(v))
			return false;
		if (!strcmp(json_string_value(v), ours))
			found = true;
	}
	return found;
}

static bool checksum_ok(const struct jws_agent *ag, const uint8_t sum[32])
{
	bool ok = false;

	/* Walk the whole list so the time does not tell which entry matched. */
	for (size_t i = 0; i < ag->n_checksums; i++)
		ok |= sodium_memcmp(sum, ag->checksums[i], 32) == 0;
	return ok;
}

static const char *auth_scheme_token(const char *v, size_t *len)
{
	/* RFC 9449 §7.1: "DPoP" (case-insensitive), one space, the token. */
	if (strncasecmp(v, "DPoP ", 5))
		return NULL;
	*len = strlen(v + 5);
	return v + 5;
}

int jws_verify_request(const struct jws_ctx *ctx, struct jws_replay *replay,
		       const struct jws_request *req, uint64_t now, struct jws_result *out,
		       const char **err_code)
{
	const struct jws_config *cfg = ctx->cfg;
	struct jws_compact tk = {0}, pf = {0};
	const struct jws_issuer *is = NULL;
	const struct jws_agent *ag = NULL;
	const char *tok, *s, *kid, *iss, *sub, *jti, *pjti;
	const json_t *cnf, *ap, *intent, *hjwk;
	size_t toklen, n, jti_len = 0, pjti_len = 0, is_idx = 0, ag_idx = 0;
	uint64_t exp = 0, iat = 0, nbf = 0, piat = 0;
	uint32_t op_scope, mask = 0;
	enum jws_alg alg;
	struct jwk pkey, ckey;
	char tjkt[44], expect[512], got[512];
	uint8_t sum[32], ath[crypto_hash_sha256_BYTES], tkey[16], pkey16[16];
	char ath_b64[44];
	struct replay_ent *te;
	bool write;
	int rc = 0, r;

	*err_code = NULL;
	memset(out, 0, sizeof(*out));
	if (jws_scope_for(req->method, req->path, &op_scope))
		FAIL("unknown_endpoint", -ENOENT);
	write = !(op_scope & jws_scope_read_mask());

	/* Step 0: framing. */
	if (req->n_authorization == 0 || !req->authorization)
		FAIL("authorization_missing", -EACCES);
	if (req->n_authorization != 1)
		FAIL("authorization_multiple", -EACCES);
	if (strlen(req->authorization) > (size_t)cfg->max_token_bytes + 5)
		FAIL("token_size", -EACCES);
	tok = auth_scheme_token(req->authorization, &toklen);
	if (!tok)
		FAIL("authorization_scheme", -EACCES);
	if (req->n_dpop == 0 || !req->dpop)
		FAIL("proof_missing", -EACCES);
	if (req->n_dpop != 1)
		FAIL("proof_multiple", -EACCES);
	if (strlen(req->dpop) > JWS_PROOF_MAX)
		FAIL("proof_size", -EACCES);

	/* Step 1: size and shape. */
	if (compact_parse(tok, toklen, cfg->max_token_bytes, &tk, err_code, KIND_TOKEN))
		FAIL(*err_code, -EACCES);

	/* Step 2: header. Keys never come from the token. */
	if (has_key_member(tk.header, false))
		FAIL("token_header_key", -EACCES);
	s = jstr(tk.header, "typ", NULL);
	if (json_object_get(tk.header, "typ") && (!s || (strcmp(s, "JWT") && strcmp(s, "at+jwt"))))
		FAIL("token_typ", -EACCES);
	if (alg_of(jstr(tk.header, "alg", NULL), &alg))
		FAIL("token_alg", -EACCES);
	/* The unverified iss only selects the key; it is re-checked after the signature. */
	iss = jstr(tk.payload, "iss", NULL);
	if (!iss)
		FAIL("token_iss", -EACCES);
	kid = jstr(tk.header, "kid", NULL);
	if (json_object_get(tk.header, "kid") && !kid)
		FAIL("token_kid", -EACCES);
	n = 0;
	for (size_t i = 0; i < cfg->n_issuers; i++) {
		const struct jws_issuer *c = &cfg->issuers[i];

		if (strcmp(c->iss, iss))
			continue;
		n++;
		if (!kid || (c->kid && !strcmp(c->kid, kid))) {
			is = c;
			is_idx = i;
		}
	}
	if (!n)
		FAIL("token_iss", -EACCES);
	if (!is || (!kid && n != 1))
		FAIL("token_kid", -EACCES);
	if (alg != is->alg)
		FAIL("token_alg", -EACCES);

	/* Step 3: signature over the received bytes. */
	if (is->alg == JWS_ALG_EDDSA
		? !eddsa_verify(is->pub, tok, tk.signing_input_len, tk.sig, tk.sig_len)
		: !es256_verify(ctx->pkeys[is_idx], tok, tk.signing_input_len, tk.sig, tk.sig_len))
		FAIL("token_signature", -EACCES);

	/* Step 4: claims. */
	if (strcmp(iss, is->iss))
		FAIL("token_iss", -EACCES);
	if (!aud_ok(json_object_get(tk.payload, "aud"), cfg->audience))
		FAIL("token_aud", -EACCES);
	if (!jint(tk.payload, "exp", &exp) || !jint(tk.payload, "iat", &iat))
		FAIL("token_time_claim", -EACCES);
	if (json_object_get(tk.payload, "nbf") && !jint(tk.payload, "nbf", &nbf))
		FAIL("token_time_claim", -EACCES);
	if (now >= exp + cfg->clock_skew)
		FAIL("token_expired", -EACCES);
	if (iat > now + cfg->clock_skew)
		FAIL("token_iat_future", -EACCES);
	if (json_object_get(tk.payload, "nbf") && now + cfg->clock_skew < nbf)
		FAIL("token_not_yet_valid", -EACCES);
	if (exp < iat || exp - iat > cfg->max_token_lifetime)
		FAIL("token_lifetime", -EACCES);
	jti = jstr(tk.payload, "jti", &jti_len);
	if (!printable(jti, jti_len, JWS_JTI_MIN, JWS_JTI_MAX))
		FAIL("token_jti", -EACCES);
	cnf = json_object_get(tk.payload, "cnf");
	if (!json_is_object(cnf))
		FAIL("token_cnf", -EACCES);
	s = jstr(cnf, "jkt", &n);
	if (json_object_get(cnf, "jkt") && json_object_get(cnf, "jwk"))
		FAIL("token_cnf", -EACCES);
	if (s) {
		uint8_t tmp[32];
		size_t tl;

		if (n != 43 || b64url_decode(s, n, tmp, sizeof(tmp), &tl) || tl != 32)
			FAIL("token_cnf", -EACCES);
		memcpy(tjkt, s, 44);
	} else if (jwk_parse(json_object_get(cnf, "jwk"), &ckey)) {
		FAIL("token_cnf", -EACCES);
	} else {
		memcpy(tjkt, ckey.thumb, sizeof(tjkt));
	}

	/* Step 5: agent binding and intent. */
	sub = jstr(tk.payload, "sub", NULL);
	n = 0;
	for (size_t i = 0; sub && i < cfg->n_agents; i++) {
		if (!strcmp(cfg->agents[i].sub, sub)) {
			ag = &cfg->agents[i];
			ag_idx = i;
			n++;
		}
	}
	if (n != 1)
		FAIL("token_unknown_agent", -EACCES);
	ap = json_object_get(tk.payload, "agent_proof");
	s = jstr(ap, "agent_checksum", &n);
	if (s && n == 71 && !strncmp(s, "sha256:", 7)) {
		s += 7;
		n -= 7;
	}
	if (!lowhex(s, n, 64) || sodium_hex2bin(sum, sizeof(sum), s, n, NULL, NULL, NULL))
		FAIL("agent_checksum_format", -EACCES);
	if (!checksum_ok(ag, sum))
		FAIL("agent_checksum_mismatch", -EACCES);
	if (ag->n_registration_ids || ag->n_revoked_registration_ids) {
		const char *reg = jstr(ap, "registration_id", NULL);

		if (!reg ||
		    (ag->n_registration_ids &&
		     !in_list(reg, ag->registration_ids, ag->n_registration_ids)) ||
		    in_list(reg, ag->revoked_registration_ids, ag->n_revoked_registration_ids))
			FAIL("registration_id", -EACCES);
	}
	intent = json_object_get(tk.payload, "intent");
	{
		const char *eb = jstr(intent, "executed_by", NULL);
		size_t wl = 0, stl = 0, dl = 0, hl = 0;
		const char *wf = jstr(intent, "workflow_id", &wl);
		const char *st = jstr(intent, "workflow_step", &stl);
		const char *dc = jstr(intent, "delegation_chain", &dl);
		const char *sh = jstr(intent, "step_sequence_hash", &hl);

		if (!json_is_object(intent) || !eb || !wf || !st || !dc || !sh)
			FAIL("intent_missing", -EACCES);
		if (strcmp(eb, sub))
			FAIL("intent_executed_by", -EACCES);
		if (!printable(wf, wl, 1, JWS_INTENT_STR_MAX) ||
		    !printable(st, stl, 1, JWS_INTENT_STR_MAX) ||
		    (ag->n_workflow_ids && !in_list(wf, ag->workflow_ids, ag->n_workflow_ids)))
			FAIL("intent_workflow", -EACCES);
		if (!lowhex(dc, dl, 16) || !lowhex(sh, hl, 16))
			FAIL("intent_hash_format", -EACCES);
		memcpy(out->workflow_id, wf, wl + 1);
		memcpy(out->workflow_step, st, stl + 1);
		memcpy(out->delegation_chain, dc, 17);
		memcpy(out->step_sequence_hash, sh, 17);
	}
	if (ag->has_peer_uid &&
	    (!req->unix_socket || !req->has_peer_uid || req->peer_uid != ag->peer_uid))
		FAIL("peer_uid", -EACCES);

	/* Step 6: scope; never trimmed. */
	s = jstr(tk.payload, "scope", &n);
	if (!s)
		FAIL("scope_syntax", -EACCES);
	r = scope_parse(s, n, &mask);
	if (r == -EINVAL)
		FAIL("scope_syntax", -EACCES);
	if (r == -ENOENT || (mask & ~ag->max_scopes))
		FAIL("scope_escalation", -EACCES);

	/* Step 7: the DPoP proof. */
	if (compact_parse(req->dpop, strlen(req->dpop), JWS_PROOF_MAX, &pf, err_code, KIND_PROOF))
		FAIL(*err_code, -EACCES);
	s = jstr(pf.header, "typ", NULL);
	if (!s || strcmp(s, "dpop+jwt"))
		FAIL("proof_typ", -EACCES);
	if (has_key_member(pf.header, true))
		FAIL("proof_header_key", -EACCES);
	if (alg_of(jstr(pf.header, "alg", NULL), &alg))
		FAIL("proof_alg", -EACCES);
	hjwk = json_object_get(pf.header, "jwk");
	if (jwk_parse(hjwk, &pkey) || pkey.alg != alg)
		FAIL("proof_jwk", -EACCES);
	switch (jws_compact_verify(&pf, req->dpop, alg, pkey.pub,
				   alg == JWS_ALG_EDDSA ? crypto_sign_PUBLICKEYBYTES : 65)) {
	case 0:
		break;
	case -EBADMSG:
		FAIL("proof_signature", -EACCES);
	default:
		FAIL("proof_jwk", -EACCES);
	}
	if (strcmp(pkey.thumb, tjkt))
		FAIL("proof_key_binding", -EACCES);
	s = jstr(pf.payload, "htm", NULL);
	if (!s || strcmp(s, req->method))
		FAIL("proof_htm", -EACCES);
	s = jstr(pf.payload, "htu", NULL);
	if (!req->origin ||
	    snprintf(got, sizeof(got), "%s%s", req->origin, req->path) >= (int)sizeof(got) ||
	    uri_norm(got, expect, sizeof(expect)) || !s || uri_norm(s, got, sizeof(got)) ||
	    strcmp(got, expect))
		FAIL("proof_htu", -EACCES);
	if (!jint(pf.payload, "iat", &piat) || piat + cfg->clock_skew < now ||
	    piat > now + cfg->clock_skew)
		FAIL("proof_iat", -EACCES);
	crypto_hash_sha256(ath, (const uint8_t *)tok, toklen);
	sodium_bin2base64(ath_b64, sizeof(ath_b64), ath, sizeof(ath),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	s = jstr(pf.payload, "ath", NULL);
	if (!s || strcmp(s, ath_b64))
		FAIL("proof_ath", -EACCES);
	pjti = jstr(pf.payload, "jti", &pjti_len);
	if (!printable(pjti, pjti_len, JWS_JTI_MIN, JWS_JTI_MAX))
		FAIL("proof_jti", -EACCES);

	/* Who this verified caller is, for the audit record (also of a 403). */
	out->issuer = is_idx;
	out->agent = ag_idx;
	out->scopes = mask;
	out->op_scope = op_scope;
	out->write = write;
	snprintf(out->iss, sizeof(out->iss), "%s", is->iss);
	snprintf(out->sub, sizeof(out->sub), "%s", ag->sub);
	memcpy(out->jti, jti, jti_len + 1);
	sodium_bin2hex(expect, sizeof(expect), sum, 6);
	memcpy(out->checksum12, expect, 13);
	memcpy(out->jkt, tjkt, sizeof(out->jkt));

	/* Step 8: replay. Look both up before recording either. */
	if (!(op_scope & mask))
		FAIL("insufficient_scope", -EPERM);
	jws_replay_expire(replay, now);
	replay_key(replay, tkey, is->iss, strlen(is->iss), jti, jti_len, 't');
	replay_key(replay, pkey16, pkey.thumb, 43, pjti, pjti_len, 'p');
	if (replay_find(replay, pkey16))
		FAIL("proof_replay", -EACCES);
	te = replay_find(replay, tkey);
	/* Another token under a jti already seen, or a second write with single_use_writes. */
	if (te && (memcmp(te->val, ath, 8) ||
		   (write && cfg->single_use_writes && (te->flags & REPLAY_F_WRITE))))
		FAIL("token_replay", -EACCES);
	if (replay->cap - replay->count < (te ? 1U : 2U))
		FAIL("replay_cache_full", -ENOSPC);
	if (te)
		te->flags |= write ? REPLAY_F_WRITE : 0;
	else
		replay_add(replay, tkey, exp + cfg->clock_skew, ath, write ? REPLAY_F_WRITE : 0);
	replay_add(replay, pkey16, piat + cfg->clock_skew, NULL, 0);
out:
	jws_compact_deinit(&tk);
	jws_compact_deinit(&pf);
	if (rc && rc != -EPERM)
		memset(out, 0, sizeof(*out));
	return rc;
}
