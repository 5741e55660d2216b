/* SPDX-License-Identifier: MIT */
/*
 * scion_mac.h - SCION hop-field authentication (spec/scion.md §2.3-§2.6, §3):
 * AES-128-CMAC over the 16-octet hop input block through OpenSSL's EVP_MAC,
 * truncated to 6 octets and compared in constant time; the reference
 * forwarding-key derivation (PBKDF2-HMAC-SHA256, "Derive OF Key", 1000
 * iterations); the accumulator (SegID) chaining and its update rules with and
 * against construction direction, peering hops; and hop / path expiry.
 * A struct scion_mac owns one OpenSSL MAC context with the key schedule set
 * once; it is not thread-safe. Everything else here is pure.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util.h"
#include "wire_scion.h"

#define SCION_KEY_LEN 16
#define SCION_CMAC_LEN 16
#define SCION_KDF_SALT "Derive OF Key"
#define SCION_KDF_ITER 1000

struct evp_mac_st;
struct evp_mac_ctx_st;

/* One forwarding key: OpenSSL MAC + context with the key schedule loaded. */
struct scion_mac {
	struct evp_mac_st *mac;
	struct evp_mac_ctx_st *ctx;
};

/** Load @key into @m (embedded object). Returns 0 or -EIO (OpenSSL failure). */
int scion_mac_init(struct scion_mac *m, const uint8_t key[SCION_KEY_LEN]) WUR;
/** Free what scion_mac_init allocated; safe on a zeroed or failed object. */
void scion_mac_deinit(struct scion_mac *m);
/** Full AES-CMAC of @len octets (any length, RFC 4493). Returns 0 or -EIO. */
int scion_mac_cmac(struct scion_mac *m, const uint8_t *msg, size_t len,
		   uint8_t out[SCION_CMAC_LEN]) WUR;
/** The 16-octet MAC input block (§3): flags and reserved bits never enter it. */
void scion_mac_input(uint16_t acc, uint32_t ts, const struct scion_hop *hf, uint8_t block[16]);
/** The 6-octet hop MAC of @hf under accumulator @acc and timestamp @ts. 0 or -EIO. */
int scion_mac_hop(struct scion_mac *m, uint16_t acc, uint32_t ts, const struct scion_hop *hf,
		  uint8_t mac[SCION_MAC_LEN]) WUR;
/** Verify hf->mac in constant time. Returns 0, -EBADMSG (mismatch) or -EIO. */
int scion_mac_verify(struct scion_mac *m, uint16_t acc, uint32_t ts,
		     const struct scion_hop *hf) WUR;

/** The reference forwarding key from the raw master key (§3). Returns 0, -EINVAL or -EIO. */
int scion_mac_derive_key(const uint8_t *master, size_t len, uint8_t key[SCION_KEY_LEN]) WUR;

/** Acc XOR MAC[0:2]: one chaining step (β_{i+1} = β_i ⊕ MAC_i[0:2]). */
static inline uint16_t scion_acc_step(uint16_t acc, const uint8_t mac[SCION_MAC_LEN])
{
	return (uint16_t)(acc ^ (uint16_t)(mac[0] << 8 | mac[1]));
}
/** β_i of a beacon: SegID XOR MAC_0[0:2] .. MAC_{i-1}[0:2]; @macs holds @i 6-octet MACs
 * back to back in beacon order. */
uint16_t scion_beta(uint16_t seg_id, const uint8_t *macs, size_t i);

/** True when the current hop of @p is a peering hop (§2.5 step 2). */
bool scion_path_is_peer_hop(const struct scion_path *p);
/** True when the P flags / SegLens of @p form a valid peering path (§2.5 step 2). */
bool scion_path_peering_ok(const struct scion_path *p);

/**
 * Router-side accumulator rules (§2.5). Ingress: C=0, from an external link, not a
 * peering hop -> Acc ^= MAC[0:2] before verification. Egress at the BR owning the
 * external egress interface: C=1, not peering -> Acc ^= MAC[0:2] after verification.
 */
void scion_acc_ingress(struct scion_path *p, bool from_external);
void scion_acc_egress(struct scion_path *p);
/** Verify the current hop of @p with the current Acc. 0, -EBADMSG or -EIO. */
int scion_path_verify_current(struct scion_mac *m, const struct scion_path *p) WUR;

/** Expiry of a hop in milliseconds since the epoch: (TS + (1 + ExpTime) x 337.5 s). */
uint64_t scion_hop_expiry_ms(uint32_t ts, uint8_t exp_time);
/** Minimum hop expiry over the whole path, in ms; 0 for an invalid path. */
uint64_t scion_path_expiry_ms(const struct scion_path *p);
/** True when the current hop of @p has expired at @now_ms. */
bool scion_path_current_expired(const struct scion_path *p, uint64_t now_ms);
