/* SPDX-License-Identifier: MIT */
/*
 * wire_carrier.h - the secured carrier codec (UDP payload type 0x04, spec
 * §5.13 item 4, vectors/omni 09): a 16-octet header, the ChaCha20-Poly1305-IETF
 * ciphertext of an unchanged OAL fragment, and a 16-octet tag. Owns only the
 * byte layout and the AEAD call; it never picks keys, counters or sessions
 * (daemon/handshake.c does) and never allocates. Everything works in place.
 *
 * Layout: type(1)=0x04 | reserved(3)=0 | receiver index(4, BE) | counter(8, BE)
 *         | ciphertext | tag(16).
 * Nonce = 4 zero octets || counter as a 64-bit little-endian integer.
 * Associated data: none.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include "omni_wire.h"
#include "util.h"

#define CARRIER_KEY_LEN 32
#define CARRIER_NONCE_LEN 12

/** Build the 12-octet AEAD nonce for @counter (4 zero octets, counter little-endian). */
void carrier_nonce(uint8_t nonce[CARRIER_NONCE_LEN], uint64_t counter);

/**
 * Seal a secured carrier in place.
 * @buf holds CARRIER_HDR_LEN octets of room, then @plain_len plaintext octets,
 * then CARRIER_TAG_LEN octets of room (the caller guarantees the room; @buf is
 * borrowed). Writes the header, encrypts the plaintext in place and appends
 * the tag. Returns the total length, @plain_len + CARRIER_OVERHEAD.
 * The caller must never reuse (@key, @counter).
 */
size_t carrier_seal(const uint8_t key[CARRIER_KEY_LEN], uint32_t receiver_index, uint64_t counter,
		    uint8_t *buf, size_t plain_len);

/**
 * Read the header of a received carrier without touching the payload.
 * Returns 0 and fills @receiver_index and @counter, or -EBADMSG when @len is
 * shorter than CARRIER_OVERHEAD, the type is not 0x04 or the reserved octets
 * are not zero (outputs are then zero).
 */
int carrier_parse_hdr(const uint8_t *buf, size_t len, uint32_t *receiver_index,
		      uint64_t *counter) WUR;

/**
 * Verify and decrypt a received carrier in place. @buf/@len is the whole UDP
 * payload (header included; the header is not re-validated here, call
 * carrier_parse_hdr first). On success returns 0 and the plaintext is at
 * @buf + CARRIER_HDR_LEN with length @len - CARRIER_OVERHEAD. Returns -EBADMSG
 * when @len < CARRIER_OVERHEAD or the tag does not verify; the payload area is
 * then undefined (libsodium wipes it) and must be dropped.
 */
int carrier_open(const uint8_t key[CARRIER_KEY_LEN], uint64_t counter, uint8_t *buf,
		 size_t len) WUR;
