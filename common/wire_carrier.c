// SPDX-License-Identifier: MIT
/*
 * wire_carrier.c - seal/open of the type-0x04 secured carrier with libsodium's
 * ChaCha20-Poly1305-IETF, in place, no allocation, no logging (this runs per
 * packet). It holds no keys beyond the call and never chooses counters.
 */
#include "wire_carrier.h"

#include <errno.h>
#include <string.h>
#include <sodium.h>

#include "cursor.h"

void carrier_nonce(uint8_t nonce[CARRIER_NONCE_LEN], uint64_t counter)
{
	/* Spec §5.13 item 4: 4 zero octets, then the counter little-endian (WireGuard, Noise). */
	memset(nonce, 0, 4);
	put_le64(nonce + 4, counter);
}

size_t carrier_seal(const uint8_t key[CARRIER_KEY_LEN], uint32_t receiver_index, uint64_t counter,
		    uint8_t *buf, size_t plain_len)
{
	uint8_t nonce[CARRIER_NONCE_LEN];
	uint8_t *p = buf + CARRIER_HDR_LEN;

	buf[0] = CARRIER_TYPE_DATA;
	buf[1] = buf[2] = buf[3] = 0;
	put_be32(buf + 4, receiver_index);
	put_be64(buf + 8, counter);
	carrier_nonce(nonce, counter);
	/* No associated data: the header is bound through the nonce and the key choice. */
	crypto_aead_chacha20poly1305_ietf_encrypt_detached(p, p + plain_len, NULL, p, plain_len,
							   NULL, 0, NULL, nonce, key);
	return plain_len + CARRIER_OVERHEAD;
}

int carrier_parse_hdr(const uint8_t *buf, size_t len, uint32_t *receiver_index, uint64_t *counter)
{
	struct cur c = cur_make(buf, len);
	uint8_t type = 0;
	const uint8_t *rsv;

	*receiver_index = 0;
	*counter = 0;
	if (len < CARRIER_OVERHEAD)
		return -EBADMSG;
	cur_u8(&c, &type);
	rsv = cur_bytes(&c, 3);
	if (c.bad || type != CARRIER_TYPE_DATA || rsv[0] | rsv[1] | rsv[2])
		return -EBADMSG;
	cur_be32(&c, receiver_index);
	cur_be64(&c, counter);
	return c.bad ? -EBADMSG : 0;
}

int carrier_open(const uint8_t key[CARRIER_KEY_LEN], uint64_t counter, uint8_t *buf, size_t len)
{
	uint8_t nonce[CARRIER_NONCE_LEN];
	uint8_t *p = buf + CARRIER_HDR_LEN;
	size_t clen;

	if (len < CARRIER_OVERHEAD)
		return -EBADMSG;
	clen = len - CARRIER_OVERHEAD;
	carrier_nonce(nonce, counter);
	if (crypto_aead_chacha20poly1305_ietf_decrypt_detached(p, NULL, p, clen, p + clen, NULL, 0,
							       nonce, key) != 0)
		return -EBADMSG;
	return 0;
}
