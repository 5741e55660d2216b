// SPDX-License-Identifier: MIT
/*
 * noise.c - Noise_IK_25519_ChaChaPoly_SHA256 for omnid's carrier handshake
 * (spec §5.13 item 3). The symmetric state (ck, h, k, n) of the Noise spec §5
 * lives in struct noise_hs and on the stack; every stack secret is wiped
 * before return. Only libsodium 1.0.18 primitives are used, since it has no
 * HKDF: Noise §4.3's HKDF is built on crypto_auth_hmacsha256_*.
 */
#include "noise.h"

#include <errno.h>
#include <string.h>
#include <sodium.h>

#include "cursor.h"

#define AEAD_TAG_LEN 16
#define PROLOGUE_LEN (sizeof(HS_PROLOGUE) - 1)

_Static_assert(sizeof(HS_PROTOCOL_NAME) - 1 == NOISE_HASH_LEN,
	       "Noise §5.2: a 32-octet name is used as h directly");
_Static_assert(HS_INIT_OFF_MAC1 + HS_MAC_LEN == HS_INIT_LEN, "initiation layout");
_Static_assert(HS_RESP_OFF_MAC1 + HS_MAC_LEN == HS_RESP_LEN, "response layout");
_Static_assert(HS_INIT_OFF_TS + NOISE_TAI64N_LEN + AEAD_TAG_LEN == HS_INIT_OFF_MAC1, "init ts");
_Static_assert(HS_RESP_OFF_EMPTY + AEAD_TAG_LEN == HS_RESP_OFF_MAC1, "resp payload");

/* The symmetric half of a handshake while a message is processed. */
struct sym {
	uint8_t ck[NOISE_HASH_LEN];
	uint8_t h[NOISE_HASH_LEN];
	uint8_t k[NOISE_KEY_LEN];
	uint64_t n;
};

static void hmac(uint8_t out[NOISE_HASH_LEN], const uint8_t key[NOISE_HASH_LEN], const uint8_t *a,
		 size_t alen, const uint8_t *b, size_t blen)
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, key, NOISE_HASH_LEN);
	if (alen)
		crypto_auth_hmacsha256_update(&st, a, alen);
	if (blen)
		crypto_auth_hmacsha256_update(&st, b, blen);
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof(st));
}

/* Noise §4.3 HKDF with two outputs. @out1 may alias @ck. */
static void hkdf2(const uint8_t ck[NOISE_HASH_LEN], const uint8_t *ikm, size_t ikm_len,
		  uint8_t out1[NOISE_HASH_LEN], uint8_t out2[NOISE_HASH_LEN])
{
	uint8_t temp[NOISE_HASH_LEN], o1[NOISE_HASH_LEN];
	const uint8_t one = 0x01, two = 0x02;

	hmac(temp, ck, ikm, ikm_len, NULL, 0);
	hmac(o1, temp, &one, 1, NULL, 0);
	hmac(out2, temp, o1, sizeof(o1), &two, 1);
	memcpy(out1, o1, sizeof(o1));
	sodium_memzero(temp, sizeof(temp));
	sodium_memzero(o1, sizeof(o1));
}

static void mix_hash(struct sym *s, const uint8_t *data, size_t len)
{
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, s->h, sizeof(s->h));
	crypto_hash_sha256_update(&st, data, len);
	crypto_hash_sha256_final(&st, s->h);
}

static void mix_key(struct sym *s, const uint8_t dh[NOISE_KEY_LEN])
{
	hkdf2(s->ck, dh, NOISE_KEY_LEN, s->ck, s->k);
	s->n = 0;
}

/* Noise's ChaChaPoly nonce: 4 zero octets, then n as 64-bit little-endian. */
static void nonce_of(uint8_t nonce[12], uint64_t n)
{
	memset(nonce, 0, 4);
	put_le64(nonce + 4, n);
}

/* EncryptAndHash: @out gets @len + 16 octets, with h as associated data. */
static void encrypt_and_hash(struct sym *s, const uint8_t *plain, size_t len, uint8_t *out)
{
	uint8_t nonce[12];

	nonce_of(nonce, s->n++);
	crypto_aead_chacha20poly1305_ietf_encrypt(out, NULL, plain, len, s->h, sizeof(s->h), NULL,
						  nonce, s->k);
	mix_hash(s, out, len + AEAD_TAG_LEN);
}

/* DecryptAndHash: @in has @len + 16 octets; @out gets @len. 0 or -EPROTO. */
static int decrypt_and_hash(struct sym *s, const uint8_t *in, size_t len, uint8_t *out)
{
	uint8_t nonce[12];

	nonce_of(nonce, s->n++);
	if (crypto_aead_chacha20poly1305_ietf_decrypt(out, NULL, NULL, in, len + AEAD_TAG_LEN, s->h,
						      sizeof(s->h), nonce, s->k) != 0)
		return -EPROTO;
	mix_hash(s, in, len + AEAD_TAG_LEN);
	return 0;
}

/* DH, with libsodium's all-zero-output failure (low-order point) passed on as -EPROTO. */
static int dh(uint8_t out[NOISE_KEY_LEN], const uint8_t *sk, const uint8_t pk[NOISE_KEY_LEN])
{
	return crypto_scalarmult(out, sk, pk) == 0 ? 0 : -EPROTO;
}

static int dh_mix(struct sym *s, const uint8_t *sk, const uint8_t pk[NOISE_KEY_LEN])
{
	uint8_t shared[NOISE_KEY_LEN];
	int rc = dh(shared, sk, pk);

	if (rc == 0)
		mix_key(s, shared);
	sodium_memzero(shared, sizeof(shared));
	return rc;
}

/* Noise §5.3 Initialize + prologue + the IK pre-message "<- s". */
static void sym_init(struct sym *s, const uint8_t responder_pk[NOISE_KEY_LEN])
{
	memset(s, 0, sizeof(*s));
	memcpy(s->h, HS_PROTOCOL_NAME, NOISE_HASH_LEN);
	memcpy(s->ck, s->h, NOISE_HASH_LEN);
	mix_hash(s, (const uint8_t *)HS_PROLOGUE, PROLOGUE_LEN);
	mix_hash(s, responder_pk, NOISE_KEY_LEN);
}

static void sym_load(struct sym *s, const struct noise_hs *hs)
{
	memcpy(s->ck, hs->ck, sizeof(s->ck));
	memcpy(s->h, hs->h, sizeof(s->h));
	memset(s->k, 0, sizeof(s->k));
	s->n = 0;
}

static void sym_store(struct noise_hs *hs, const struct sym *s)
{
	memcpy(hs->ck, s->ck, sizeof(hs->ck));
	memcpy(hs->h, s->h, sizeof(hs->h));
}

static int ephemeral(struct noise_hs *hs, const uint8_t *e_sk)
{
	if (e_sk)
		memcpy(hs->e_sk, e_sk, NOISE_KEY_LEN);
	else
		randombytes_buf(hs->e_sk, NOISE_KEY_LEN);
	return crypto_scalarmult_base(hs->e_pk, hs->e_sk) == 0 ? 0 : -EPROTO;
}

static void mac1_write(const uint8_t x_pk[NOISE_KEY_LEN], uint8_t *msg, size_t len)
{
	uint8_t key[NOISE_HASH_LEN], full[NOISE_HASH_LEN];

	noise_mac1_key(key, x_pk);
	hmac(full, key, msg, len - HS_MAC_LEN, NULL, 0);
	memcpy(msg + len - HS_MAC_LEN, full, HS_MAC_LEN);
}

/* Type octet, then three zero octets. */
static bool header_ok(const uint8_t *msg, size_t len, size_t want, uint8_t type)
{
	struct cur c = cur_make(msg, len);
	uint8_t t = 0;
	const uint8_t *rsv;

	if (len != want)
		return false;
	cur_u8(&c, &t);
	rsv = cur_bytes(&c, 3);
	return !c.bad && t == type && !(rsv[0] | rsv[1] | rsv[2]);
}

void noise_mac1_key(uint8_t key[NOISE_HASH_LEN], const uint8_t x_pk[NOISE_KEY_LEN])
{
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const uint8_t *)HS_MAC1_LABEL, sizeof(HS_MAC1_LABEL) - 1);
	crypto_hash_sha256_update(&st, x_pk, NOISE_KEY_LEN);
	crypto_hash_sha256_final(&st, key);
}

bool noise_mac1_ok(const uint8_t key[NOISE_HASH_LEN], const uint8_t *msg, size_t len)
{
	uint8_t full[NOISE_HASH_LEN];

	if (len < HS_MAC_LEN)
		return false;
	hmac(full, key, msg, len - HS_MAC_LEN, NULL, 0);
	return sodium_memcmp(full, msg + len - HS_MAC_LEN, HS_MAC_LEN) == 0;
}

void noise_static_init(struct noise_static *s, const uint8_t *x_sk,
		       const uint8_t x_pk[NOISE_KEY_LEN])
{
	s->sk = x_sk;
	memcpy(s->pk, x_pk, NOISE_KEY_LEN);
	noise_mac1_key(s->mac1_key, x_pk);
}

void noise_tai64n(uint8_t out[NOISE_TAI64N_LEN], uint64_t unix_sec, uint32_t nsec)
{
	put_be64(out, (1ULL << 62) + unix_sec);
	put_be32(out + 8, nsec);
}

void noise_hs_wipe(struct noise_hs *hs)
{
	sodium_memzero(hs, sizeof(*hs));
	hs->state = NOISE_HS_EMPTY;
}

int noise_initiation_create(struct noise_hs *hs, const struct noise_static *local,
			    const uint8_t rs[NOISE_KEY_LEN], uint32_t sender_index,
			    const uint8_t ts[NOISE_TAI64N_LEN], const uint8_t *e_sk,
			    uint8_t out[HS_INIT_LEN])
{
	struct sym s;
	int rc;

	noise_hs_wipe(hs);
	hs->initiator = true;
	hs->local_index = sender_index;
	memcpy(hs->rs, rs, NOISE_KEY_LEN);
	sym_init(&s, rs);

	out[0] = CARRIER_TYPE_INIT;
	out[1] = out[2] = out[3] = 0;
	put_be32(out + HS_INIT_OFF_SENDER, sender_index);
	/* -> e, es, s, ss, payload (Noise §7.5, IK). */
	rc = ephemeral(hs, e_sk);
	if (rc)
		goto fail;
	memcpy(out + HS_INIT_OFF_E, hs->e_pk, NOISE_KEY_LEN);
	mix_hash(&s, hs->e_pk, NOISE_KEY_LEN);
	rc = dh_mix(&s, hs->e_sk, rs);
	if (rc)
		goto fail;
	encrypt_and_hash(&s, local->pk, NOISE_KEY_LEN, out + HS_INIT_OFF_S);
	rc = dh_mix(&s, local->sk, rs);
	if (rc)
		goto fail;
	encrypt_and_hash(&s, ts, NOISE_TAI64N_LEN, out + HS_INIT_OFF_TS);
	mac1_write(rs, out, HS_INIT_LEN);

	sym_store(hs, &s);
	hs->state = NOISE_HS_INIT_SENT;
	sodium_memzero(&s, sizeof(s));
	return 0;
fail:
	sodium_memzero(&s, sizeof(s));
	noise_hs_wipe(hs);
	return -EINVAL;
}

int noise_initiation_consume(struct noise_hs *hs, const struct noise_static *local,
			     const uint8_t *msg, size_t len, uint8_t rs_out[NOISE_KEY_LEN],
			     uint8_t ts_out[NOISE_TAI64N_LEN])
{
	struct sym s;
	int rc;

	noise_hs_wipe(hs);
	memset(rs_out, 0, NOISE_KEY_LEN);
	memset(ts_out, 0, NOISE_TAI64N_LEN);
	if (!header_ok(msg, len, HS_INIT_LEN, CARRIER_TYPE_INIT))
		return -EBADMSG;
	/* Spec §5.13 item 3: mac1, in constant time, before any DH. */
	if (!noise_mac1_ok(local->mac1_key, msg, len))
		return -EACCES;

	sym_init(&s, local->pk);
	hs->remote_index = get_be32(msg + HS_INIT_OFF_SENDER);
	memcpy(hs->re, msg + HS_INIT_OFF_E, NOISE_KEY_LEN);
	mix_hash(&s, hs->re, NOISE_KEY_LEN);
	rc = dh_mix(&s, local->sk, hs->re);
	if (!rc)
		rc = decrypt_and_hash(&s, msg + HS_INIT_OFF_S, NOISE_KEY_LEN, hs->rs);
	if (!rc)
		rc = dh_mix(&s, local->sk, hs->rs);
	if (!rc)
		rc = decrypt_and_hash(&s, msg + HS_INIT_OFF_TS, NOISE_TAI64N_LEN, ts_out);
	if (rc) {
		sodium_memzero(&s, sizeof(s));
		noise_hs_wipe(hs);
		memset(ts_out, 0, NOISE_TAI64N_LEN);
		return -EPROTO;
	}
	memcpy(rs_out, hs->rs, NOISE_KEY_LEN);
	sym_store(hs, &s);
	hs->initiator = false;
	hs->state = NOISE_HS_INIT_CONSUMED;
	sodium_memzero(&s, sizeof(s));
	return 0;
}

int noise_response_create(struct noise_hs *hs, uint32_t sender_index, const uint8_t *e_sk,
			  uint8_t out[HS_RESP_LEN])
{
	struct sym s;
	int rc;

	if (hs->state != NOISE_HS_INIT_CONSUMED)
		return -EINVAL;
	sym_load(&s, hs);
	hs->local_index = sender_index;
	out[0] = CARRIER_TYPE_RESP;
	out[1] = out[2] = out[3] = 0;
	put_be32(out + HS_RESP_OFF_SENDER, sender_index);
	put_be32(out + HS_RESP_OFF_RECEIVER, hs->remote_index);
	/* <- e, ee, se, payload (Noise §7.5, IK). */
	rc = ephemeral(hs, e_sk);
	if (rc)
		goto fail;
	memcpy(out + HS_RESP_OFF_E, hs->e_pk, NOISE_KEY_LEN);
	mix_hash(&s, hs->e_pk, NOISE_KEY_LEN);
	rc = dh_mix(&s, hs->e_sk, hs->re);
	if (!rc)
		rc = dh_mix(&s, hs->e_sk, hs->rs);
	if (rc)
		goto fail;
	encrypt_and_hash(&s, NULL, 0, out + HS_RESP_OFF_EMPTY);
	mac1_write(hs->rs, out, HS_RESP_LEN);

	sym_store(hs, &s);
	sodium_memzero(hs->e_sk, sizeof(hs->e_sk));
	hs->state = NOISE_HS_READY;
	sodium_memzero(&s, sizeof(s));
	return 0;
fail:
	sodium_memzero(&s, sizeof(s));
	noise_hs_wipe(hs);
	return -EPROTO;
}

int noise_response_peek(const uint8_t *msg, size_t len, uint32_t *sender_index,
			uint32_t *receiver_index)
{
	*sender_index = 0;
	*receiver_index = 0;
	if (!header_ok(msg, len, HS_RESP_LEN, CARRIER_TYPE_RESP))
		return -EBADMSG;
	*sender_index = get_be32(msg + HS_RESP_OFF_SENDER);
	*receiver_index = get_be32(msg + HS_RESP_OFF_RECEIVER);
	return 0;
}

int noise_response_consume(struct noise_hs *hs, const struct noise_static *local,
			   const uint8_t *msg, size_t len)
{
	struct sym s;
	uint8_t re[NOISE_KEY_LEN];
	uint32_t sender, receiver;
	int rc;

	if (noise_response_peek(msg, len, &sender, &receiver))
		return -EBADMSG;
	if (hs->state != NOISE_HS_INIT_SENT || !hs->initiator)
		return -EINVAL;
	if (receiver != hs->local_index)
		return -ESRCH;
	if (!noise_mac1_ok(local->mac1_key, msg, len))
		return -EACCES;

	/* Work on a copy: a forged response must leave the pending handshake intact. */
	sym_load(&s, hs);
	memcpy(re, msg + HS_RESP_OFF_E, NOISE_KEY_LEN);
	mix_hash(&s, re, NOISE_KEY_LEN);
	rc = dh_mix(&s, hs->e_sk, re);
	if (!rc)
		rc = dh_mix(&s, local->sk, re);
	if (!rc)
		rc = decrypt_and_hash(&s, msg + HS_RESP_OFF_EMPTY, 0, NULL);
	if (rc) {
		sodium_memzero(&s, sizeof(s));
		return -EPROTO;
	}
	memcpy(hs->re, re, NOISE_KEY_LEN);
	hs->remote_index = sender;
	sym_store(hs, &s);
	sodium_memzero(hs->e_sk, sizeof(hs->e_sk));
	hs->state = NOISE_HS_READY;
	sodium_memzero(&s, sizeof(s));
	return 0;
}

int noise_split(struct noise_hs *hs, uint8_t send_key[NOISE_KEY_LEN],
		uint8_t recv_key[NOISE_KEY_LEN])
{
	uint8_t k1[NOISE_KEY_LEN], k2[NOISE_KEY_LEN];

	if (hs->state != NOISE_HS_READY) {
		sodium_memzero(send_key, NOISE_KEY_LEN);
		sodium_memzero(recv_key, NOISE_KEY_LEN);
		noise_hs_wipe(hs);
		return -EINVAL;
	}
	/* Noise §5.2 Split(): HKDF(ck, empty, 2). */
	hkdf2(hs->ck, NULL, 0, k1, k2);
	memcpy(send_key, hs->initiator ? k1 : k2, NOISE_KEY_LEN);
	memcpy(recv_key, hs->initiator ? k2 : k1, NOISE_KEY_LEN);
	sodium_memzero(k1, sizeof(k1));
	sodium_memzero(k2, sizeof(k2));
	noise_hs_wipe(hs);
	return 0;
}
