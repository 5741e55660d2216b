/* SPDX-License-Identifier: MIT */
/*
 * noise.h - the omnid session handshake: Noise_IK_25519_ChaChaPoly_SHA256
 * (Noise Protocol Framework rev. 34) in the two carrier messages of spec
 * §5.13 item 3 (initiation 0x01, 132 octets; response 0x02, 76 octets), each
 * closed by mac1. Built only on libsodium 1.0.18 primitives (X25519, SHA-256,
 * HMAC-SHA256 for Noise's HKDF, ChaCha20-Poly1305-IETF).
 *
 * Owns the transient handshake state (struct noise_hs) and wipes every secret
 * it held. It does not own static private keys (borrowed), does not pick
 * indices or timestamps, does not decide who may talk (the caller checks the
 * returned static key and timestamp), and keeps no state between messages
 * beyond struct noise_hs. No allocation, no logging, no globals.
 *
 * Message layouts (integers big-endian):
 *   initiation: 0x01 | 000000 | sender index(4) | e(32) | enc s(48) | enc TAI64N(28) | mac1(16)
 *   response:   0x02 | 000000 | sender index(4) | receiver index(4) | e(32) | enc empty(16)
 *               | mac1(16)
 * mac1 = HMAC-SHA256(key = SHA-256("omnid mac1" || receiver's static X25519 public key),
 *                    every earlier octet of the message)[0..16).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "omni_wire.h"
#include "util.h"

#define NOISE_KEY_LEN 32
#define NOISE_HASH_LEN 32
#define NOISE_TAI64N_LEN 12

/* Offsets inside the messages (spec §5.13 item 3). */
#define HS_INIT_OFF_SENDER 4
#define HS_INIT_OFF_E 8
#define HS_INIT_OFF_S 40
#define HS_INIT_OFF_TS 88
#define HS_INIT_OFF_MAC1 116
#define HS_RESP_OFF_SENDER 4
#define HS_RESP_OFF_RECEIVER 8
#define HS_RESP_OFF_E 12
#define HS_RESP_OFF_EMPTY 44
#define HS_RESP_OFF_MAC1 60

/**
 * Our static X25519 identity as the handshake sees it. @sk is borrowed (it
 * normally points into sodium_malloc'd memory owned by the key module) and
 * must outlive the struct; @pk and @mac1_key are copies.
 */
struct noise_static {
	const uint8_t *sk;		  /* X25519 private key, 32 octets, borrowed */
	uint8_t pk[NOISE_KEY_LEN];	  /* X25519 public key */
	uint8_t mac1_key[NOISE_HASH_LEN]; /* SHA-256("omnid mac1" || pk): checks what we receive */
};

enum noise_hs_state {
	NOISE_HS_EMPTY = 0,
	NOISE_HS_INIT_SENT,	/* initiator: waiting for the response */
	NOISE_HS_INIT_CONSUMED, /* responder: initiation read, response not yet written */
	NOISE_HS_READY,		/* both: ready for noise_split() */
};

/** Transient state of one handshake. Plain embedded storage; wipe with noise_hs_wipe(). */
struct noise_hs {
	uint8_t ck[NOISE_HASH_LEN];
	uint8_t h[NOISE_HASH_LEN];
	uint8_t e_sk[NOISE_KEY_LEN]; /* our ephemeral (initiator keeps it until the response) */
	uint8_t e_pk[NOISE_KEY_LEN];
	uint8_t re[NOISE_KEY_LEN]; /* remote ephemeral */
	uint8_t rs[NOISE_KEY_LEN]; /* remote static X25519 public key */
	uint32_t local_index;	   /* the sender index we put in our message */
	uint32_t remote_index;	   /* the sender index of the peer's message */
	bool initiator;
	enum noise_hs_state state;
};

/** Fill @s: borrow @x_sk, copy @x_pk and precompute its mac1 key. */
void noise_static_init(struct noise_static *s, const uint8_t *x_sk,
		       const uint8_t x_pk[NOISE_KEY_LEN]);

/** @key = SHA-256("omnid mac1" || @x_pk): the mac1 key of messages sent to @x_pk's owner. */
void noise_mac1_key(uint8_t key[NOISE_HASH_LEN], const uint8_t x_pk[NOISE_KEY_LEN]);

/**
 * Constant-time check of the last HS_MAC_LEN octets of @msg (@len octets, at
 * least HS_MAC_LEN) against HMAC-SHA256(@key, the earlier octets). No DH is
 * involved, so this is the cheap first filter for handshake floods.
 */
bool noise_mac1_ok(const uint8_t key[NOISE_HASH_LEN], const uint8_t *msg, size_t len);

/**
 * TAI64N label for a wall-clock time: 8 octets (2^62 + @unix_sec) then 4
 * octets of @nsec, both big-endian. Like WireGuard, omnid ignores the TAI-UTC
 * offset: only the ordering between one sender's initiations matters.
 */
void noise_tai64n(uint8_t out[NOISE_TAI64N_LEN], uint64_t unix_sec, uint32_t nsec);

/**
 * Initiator: write the 132-octet initiation to @out (caller's buffer) for the
 * responder whose static X25519 public key is @rs, with our @sender_index and
 * the TAI64N @ts. @e_sk injects the ephemeral private key (tests); NULL draws
 * it with randombytes_buf. @hs is (re)initialized and keeps what the response
 * needs. Returns 0, or -EINVAL when a DH result is all zero (@rs is a
 * low-order point); @hs is wiped on error.
 */
int noise_initiation_create(struct noise_hs *hs, const struct noise_static *local,
			    const uint8_t rs[NOISE_KEY_LEN], uint32_t sender_index,
			    const uint8_t ts[NOISE_TAI64N_LEN], const uint8_t *e_sk,
			    uint8_t out[HS_INIT_LEN]) WUR;

/**
 * Responder: read an initiation addressed to @local. Checks length, type,
 * reserved octets and mac1 (constant time, before any DH), then runs the IK
 * tokens. On success returns 0, sets hs->rs (the initiator's static key, also
 * copied to @rs_out), hs->remote_index, and copies the decrypted timestamp to
 * @ts_out. The caller must then check that @rs_out is a known neighbor and
 * that @ts_out is greater than the last one accepted from it, before
 * noise_response_create(). Errors (@hs wiped): -EBADMSG malformed, -EACCES bad
 * mac1, -EPROTO a DH failed or a decryption did not authenticate.
 */
int noise_initiation_consume(struct noise_hs *hs, const struct noise_static *local,
			     const uint8_t *msg, size_t len, uint8_t rs_out[NOISE_KEY_LEN],
			     uint8_t ts_out[NOISE_TAI64N_LEN]) WUR;

/**
 * Responder: write the 76-octet response to @out after a successful
 * noise_initiation_consume(). @e_sk as for noise_initiation_create(). On
 * success @hs is ready for noise_split(). Returns 0, -EINVAL when @hs is not in
 * the right state, or -EPROTO when a DH result is all zero (@hs wiped).
 */
int noise_response_create(struct noise_hs *hs, uint32_t sender_index, const uint8_t *e_sk,
			  uint8_t out[HS_RESP_LEN]) WUR;

/**
 * Read the two indices of a response without any crypto (for the index
 * lookup). Returns 0, or -EBADMSG when the length, type or reserved octets
 * are wrong.
 */
int noise_response_peek(const uint8_t *msg, size_t len, uint32_t *sender_index,
			uint32_t *receiver_index) WUR;

/**
 * Initiator: read the response to the initiation held in @hs. Checks shape,
 * that the receiver index is hs->local_index, mac1 (before any DH), then the
 * IK tokens. On success returns 0, sets hs->remote_index and leaves @hs ready
 * for noise_split(). On error @hs is left untouched (a forged response must
 * not kill a genuine pending handshake): -EBADMSG malformed, -ESRCH wrong
 * receiver index, -EINVAL @hs not waiting for a response, -EACCES bad mac1,
 * -EPROTO DH/decryption failure.
 */
int noise_response_consume(struct noise_hs *hs, const struct noise_static *local,
			   const uint8_t *msg, size_t len) WUR;

/**
 * Noise Split(): derive the transport keys of a finished handshake. The
 * initiator sends with the first key and receives with the second, the
 * responder the reverse (spec §5.13 item 3). Wipes @hs. Returns 0, or
 * -EINVAL (and wipes both outputs) when @hs is not READY.
 */
int noise_split(struct noise_hs *hs, uint8_t send_key[NOISE_KEY_LEN],
		uint8_t recv_key[NOISE_KEY_LEN]) WUR;

/** Wipe every secret in @hs and reset it to EMPTY. */
void noise_hs_wipe(struct noise_hs *hs);
