/* SPDX-License-Identifier: MIT */
/*
 * keys.h - node identity keys and their text encoding (spec/omni-aero.md
 * §5.13 item 1, §5.14): 32-octet Ed25519 seeds and public keys in standard
 * padded base64 (44 characters), the private key file with iked-style
 * secrecy checks, the Ed25519 -> X25519 conversion, and constant-time key
 * comparison. Owns the sodium_malloc'd secret key memory of a keys_identity;
 * never logs or formats secret material into messages.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util.h"

#define KEYS_LEN 32	/* Ed25519 seed, Ed25519 public key, X25519 keys */
#define KEYS_B64_LEN 44 /* base64 of 32 octets with padding, without the NUL */

/**
 * Decode a 32-octet key from exactly 44 characters of standard base64 with
 * padding (sodium_base64_VARIANT_ORIGINAL). Trailing whitespace (a newline
 * from a key file) is allowed; anything else, including non-canonical
 * trailing bits, is rejected. @out is untouched on error.
 * Returns 0 or -EINVAL.
 */
int keys_b64_decode32(const char *s, uint8_t out[32]) WUR;
/** Encode 32 octets into @out: 44 base64 characters and a NUL. */
void keys_b64_encode32(const uint8_t in[32], char out[45]);

/**
 * A node's identity. @ed_sk (64 octets, libsodium's seed || public key form)
 * and @x_sk (32 octets) are sodium_malloc'd, read-only after creation, and
 * wiped by keys_identity_free(). The public halves are plain copies.
 */
struct keys_identity {
	uint8_t *ed_sk;
	uint8_t ed_pk[32];
	uint8_t *x_sk;
	uint8_t x_pk[32];
};

/**
 * Read the private key file @path (a base64 seed and an optional newline)
 * and derive the identity into @id (which must be zeroed or freed).
 * Refuses, with -EPERM, anything that is not a regular file owned by root or
 * the effective uid with no group/other permission bits (iked's
 * check_file_secrecy). Returns 0, -EPERM, -EINVAL (malformed content),
 * -ENOMEM, or the -errno of open/read; on error a one-line reason naming
 * @path (never key material) is written to @errbuf (if @errlen > 0).
 */
int keys_load_private(const char *path, struct keys_identity *id, char *errbuf, size_t errlen) WUR;
/**
 * Derive the identity from a 32-octet Ed25519 seed (crypto_sign_seed_keypair,
 * then crypto_sign_ed25519_{sk,pk}_to_curve25519). Returns 0, -ENOMEM or -EIO
 * (libsodium failed to initialise). On error @id holds no memory.
 */
int keys_identity_from_seed(const uint8_t seed[32], struct keys_identity *id) WUR;
/** Wipe and release @id's secret memory and zero the struct. Safe on a zeroed struct. */
void keys_identity_free(struct keys_identity *id);

/** A fresh random seed, base64-encoded into @out. Returns 0 or -EIO. */
int keys_genkey(char out[45]) WUR;
/** The base64 public key of the base64 seed @priv_b64. Returns 0, -EINVAL or -EIO. */
int keys_pubkey(const char *priv_b64, char out[45]) WUR;
/** Constant-time equality of two @n-octet buffers (sodium_memcmp). */
bool keys_equal(const void *a, const void *b, size_t n);
/** Ed25519 public key -> X25519 public key. Returns 0, -EINVAL (not a valid point) or -EIO. */
int keys_ed_pk_to_x(const uint8_t ed_pk[32], uint8_t x_pk[32]) WUR;
