// SPDX-License-Identifier: MIT
/*
 * test_noise.c - Noise_IK handshake (common/noise.c): a known-answer
 * transcript cross-checked against the independent Python implementation in
 * test/unit/data/noise_ref.py, full handshakes between the vector identities,
 * wrong keys, every bit flip, truncation, mac1-before-DH, low-order points and
 * state misuse.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sodium.h>

#include "noise.h"
#include "wire_carrier.h"

/* Seeds from vectors/omni/keys.json (VECTORS.md §2.7). */
#define SEED_CLIENT_A "d3d2fe832782c1f317acc1113d4eda6db25e4c019f845bb3676163ad284d4da4"
#define SEED_SERVER_1 "aa726f314a5ee2f0a9332a362000f0d2ff5b4e4f6482d20f77ae145ff7db16d9"
#define SEED_CLIENT_B "226caace5f7b490ea8c956e21479421e067a564442c83d2c3eff1c70deb75f4a"

/*
 * KAT: output of `/usr/bin/python3 test/unit/data/noise_ref.py` (python3-cryptography, no
 * libsodium). Initiator client_a, responder server_1, ephemerals SHA-256 of the labels below,
 * initiator index 0xa1b2c3d4, responder index 0x0badcafe, TAI64N of 1767225600 s + 123456789 ns.
 */
#define KAT_E_I_LABEL "omnid noise kat: initiator ephemeral"
#define KAT_E_R_LABEL "omnid noise kat: responder ephemeral"
#define KAT_IDX_I 0xa1b2c3d4U
#define KAT_IDX_R 0x0badcafeU
#define KAT_INITIATOR_X_PK "f2c2ed3ebf91acd401d43d00245a4e37c00f16037a177af4e8e0dfca2a7e8873"
#define KAT_RESPONDER_X_PK "873d911272d842cfe570af58b5c6dc0a7822c9b462024bf2d283621295bc7575"
#define KAT_TAI64N "400000006955b900075bcd15"
#define KAT_INITIATION                                                                             \
	"01000000a1b2c3d483ff1c32f5f48274778721c878418480dd27971c5f921d568a01ce1323dab92de667db9c" \
	"0aa9c7313687a2f64f3873d80182d64f08f4252528505aa2fa839f645ff49b46155975f22319e8852b1c55ee" \
	"380027608c3dfd21d8dd1835654061ea001f735d3d5d5eea919a2de66346733cb6208ad728608a6aa06385f1"
#define KAT_RESPONSE                                                                               \
	"020000000badcafea1b2c3d4501519c90f7a100b762278a0696586e007032687d6c1347af49496f545916d6d" \
	"f756ce72610802ccf0bc108120d7994ac969fdf20bc2578f14ff8728ec02bb7e"
#define KAT_HANDSHAKE_HASH "c085b12f1a42bc8fa76ec0aeff33d35ad825e72291680a3f35645a042901288b"
#define KAT_I_SEND "5fd1d2ace31ef80fc20727d1a244799f91d084ba64b4a15369b594d763c62f7a"
#define KAT_I_RECV "b05c274d72007aaa2a8b30b7764da0af638275d7ace1d00ce89152912bc98a2b"

struct ident {
	uint8_t ed_pk[32], ed_sk[64];
	uint8_t x_sk[32], x_pk[32];
	struct noise_static st;
};

static struct ident ca, s1, cb;

static void hex(const char *h, uint8_t *out, size_t n)
{
	size_t bin_len = 0;
	cr_assert_eq(strlen(h), 2 * n);
	cr_assert_eq(sodium_hex2bin(out, n, h, strlen(h), NULL, &bin_len, NULL), 0);
	cr_assert_eq(bin_len, n);
}

static void ident_from_seed(struct ident *id, const char *seed_hex)
{
	uint8_t seed[32];

	hex(seed_hex, seed, 32);
	cr_assert_eq(crypto_sign_seed_keypair(id->ed_pk, id->ed_sk, seed), 0);
	cr_assert_eq(crypto_sign_ed25519_sk_to_curve25519(id->x_sk, id->ed_sk), 0);
	cr_assert_eq(crypto_sign_ed25519_pk_to_curve25519(id->x_pk, id->ed_pk), 0);
	noise_static_init(&id->st, id->x_sk, id->x_pk);
}

static void setup(void)
{
	cr_assert_geq(sodium_init(), 0);
	ident_from_seed(&ca, SEED_CLIENT_A);
	ident_from_seed(&s1, SEED_SERVER_1);
	ident_from_seed(&cb, SEED_CLIENT_B);
}

TestSuite(noise, .init = setup);

static const uint8_t TS1[12] = {0x40, 0, 0, 0, 0x69, 0x55, 0xb9, 0, 0, 0, 0, 1};

/* A complete handshake ca -> s1 with random ephemerals. */
static void handshake(struct noise_hs *hi, struct noise_hs *hr, uint8_t init[HS_INIT_LEN],
		      uint8_t resp[HS_RESP_LEN])
{
	uint8_t rs[32], ts[12];

	cr_assert_eq(noise_initiation_create(hi, &ca.st, s1.x_pk, 111, TS1, NULL, init), 0);
	cr_assert_eq(noise_initiation_consume(hr, &s1.st, init, HS_INIT_LEN, rs, ts), 0);
	cr_assert_arr_eq(rs, ca.x_pk, 32);
	cr_assert_arr_eq(ts, TS1, 12);
	cr_assert_eq(hr->remote_index, 111);
	cr_assert_eq(noise_response_create(hr, 222, NULL, resp), 0);
	cr_assert_eq(noise_response_consume(hi, &ca.st, resp, HS_RESP_LEN), 0);
	cr_assert_eq(hi->remote_index, 222);
}

Test(noise, identities_match_reference)
{
	uint8_t x[32];

	/* The Python reference derives X25519 keys without libsodium. */
	hex(KAT_INITIATOR_X_PK, x, 32);
	cr_assert_arr_eq(ca.x_pk, x, 32);
	hex(KAT_RESPONDER_X_PK, x, 32);
	cr_assert_arr_eq(s1.x_pk, x, 32);
	crypto_scalarmult_base(x, ca.x_sk);
	cr_assert_arr_eq(x, ca.x_pk, 32);
}

Test(noise, tai64n_layout)
{
	uint8_t ts[12], want[12];

	noise_tai64n(ts, 1767225600, 123456789);
	hex(KAT_TAI64N, want, 12);
	cr_assert_arr_eq(ts, want, 12);
}

Test(noise, known_answer_python_reference)
{
	struct noise_hs hi, hr;
	uint8_t e_i[32], e_r[32], ts[12], rs[32], ts_out[12];
	uint8_t init[HS_INIT_LEN], resp[HS_RESP_LEN], want_init[HS_INIT_LEN],
	    want_resp[HS_RESP_LEN];
	uint8_t want_hash[32], want_send[32], want_recv[32];
	uint8_t is[32], ir[32], rsend[32], rrecv[32];

	crypto_hash_sha256(e_i, (const uint8_t *)KAT_E_I_LABEL, strlen(KAT_E_I_LABEL));
	crypto_hash_sha256(e_r, (const uint8_t *)KAT_E_R_LABEL, strlen(KAT_E_R_LABEL));
	hex(KAT_TAI64N, ts, 12);
	hex(KAT_INITIATION, want_init, HS_INIT_LEN);
	hex(KAT_RESPONSE, want_resp, HS_RESP_LEN);
	hex(KAT_HANDSHAKE_HASH, want_hash, 32);
	hex(KAT_I_SEND, want_send, 32);
	hex(KAT_I_RECV, want_recv, 32);

	cr_assert_eq(noise_initiation_create(&hi, &ca.st, s1.x_pk, KAT_IDX_I, ts, e_i, init), 0);
	cr_assert_arr_eq(init, want_init, HS_INIT_LEN);
	cr_assert_eq(noise_initiation_consume(&hr, &s1.st, init, HS_INIT_LEN, rs, ts_out), 0);
	cr_assert_arr_eq(rs, ca.x_pk, 32);
	cr_assert_arr_eq(ts_out, ts, 12);
	cr_assert_eq(noise_response_create(&hr, KAT_IDX_R, e_r, resp), 0);
	cr_assert_arr_eq(resp, want_resp, HS_RESP_LEN);
	cr_assert_eq(noise_response_consume(&hi, &ca.st, resp, HS_RESP_LEN), 0);
	cr_assert_arr_eq(hi.h, want_hash, 32);
	cr_assert_arr_eq(hr.h, want_hash, 32);
	cr_assert_eq(noise_split(&hi, is, ir), 0);
	cr_assert_eq(noise_split(&hr, rsend, rrecv), 0);
	cr_assert_arr_eq(is, want_send, 32);
	cr_assert_arr_eq(ir, want_recv, 32);
	cr_assert_arr_eq(rsend, want_recv, 32);
	cr_assert_arr_eq(rrecv, want_send, 32);
}

Test(noise, full_handshake_keys_match_and_carry_data)
{
	struct noise_hs hi, hr;
	uint8_t init[HS_INIT_LEN], resp[HS_RESP_LEN];
	uint8_t is[32], ir[32], rsend[32], rrecv[32], zero[32] = {0};
	uint8_t buf[64];

	handshake(&hi, &hr, init, resp);
	cr_assert_eq(hi.state, NOISE_HS_READY);
	cr_assert_eq(hr.state, NOISE_HS_READY);
	cr_assert_eq(noise_split(&hi, is, ir), 0);
	cr_assert_eq(noise_split(&hr, rsend, rrecv), 0);
	cr_assert_arr_eq(is, rrecv, 32);
	cr_assert_arr_eq(ir, rsend, 32);
	cr_assert_arr_neq(is, ir, 32);
	/* Split wipes the handshake. */
	cr_assert_eq(hi.state, NOISE_HS_EMPTY);
	cr_assert_arr_eq(hi.ck, zero, 32);
	cr_assert_arr_eq(hi.e_sk, zero, 32);

	memcpy(buf + CARRIER_HDR_LEN, "hello", 5);
	size_t n = carrier_seal(is, 222, 0, buf, 5);
	cr_assert_eq(carrier_open(rrecv, 0, buf, n), 0);
	cr_assert_arr_eq(buf + CARRIER_HDR_LEN, "hello", 5);
}

Test(noise, two_handshakes_differ)
{
	struct noise_hs hi, hr;
	uint8_t init1[HS_INIT_LEN], resp1[HS_RESP_LEN], init2[HS_INIT_LEN], resp2[HS_RESP_LEN];
	uint8_t k1[32], k2[32], j1[32], j2[32];

	handshake(&hi, &hr, init1, resp1);
	cr_assert_eq(noise_split(&hi, k1, k2), 0);
	noise_hs_wipe(&hr);
	handshake(&hi, &hr, init2, resp2);
	cr_assert_eq(noise_split(&hi, j1, j2), 0);
	cr_assert_arr_neq(init1, init2, HS_INIT_LEN);
	cr_assert_arr_neq(k1, j1, 32);
}

Test(noise, wrong_responder_key)
{
	struct noise_hs hi, hr;
	uint8_t init[HS_INIT_LEN], rs[32], ts[12], zero[12] = {0};

	/* Built for client_b but delivered to server_1: mac1 is keyed to client_b. */
	cr_assert_eq(noise_initiation_create(&hi, &ca.st, cb.x_pk, 1, TS1, NULL, init), 0);
	cr_assert_eq(noise_initiation_consume(&hr, &s1.st, init, HS_INIT_LEN, rs, ts), -EACCES);
	cr_assert_eq(hr.state, NOISE_HS_EMPTY);
	/* Even with a mac1 valid for server_1 the Noise layer rejects it. */
	uint8_t k[32], full[32];
	noise_mac1_key(k, s1.x_pk);
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, k, 32);
	crypto_auth_hmacsha256_update(&st, init, HS_INIT_OFF_MAC1);
	crypto_auth_hmacsha256_final(&st, full);
	memcpy(init + HS_INIT_OFF_MAC1, full, HS_MAC_LEN);
	cr_assert(noise_mac1_ok(s1.st.mac1_key, init, HS_INIT_LEN));
	cr_assert_eq(noise_initiation_consume(&hr, &s1.st, init, HS_INIT_LEN, rs, ts), -EPROTO);
	cr_assert_arr_eq(ts, zero, 12);
	cr_assert_eq(hr.state, NOISE_HS_EMPTY);
}

Test(noise, response_from_wrong_responder)
{
	struct noise_hs hi, hr;
	uint8_t init[HS_INIT_LEN], resp[HS_RESP_LEN], rs[32], ts[12];

	/* client_b pretends to be server_1 but lacks its private key: it cannot even read the
	 * initiation, and a response built from a session with a different static fails. */
	cr_assert_eq(noise_initiation_create(&hi, &ca.st, s1.x_pk, 5, TS1, NULL, init), 0);
	struct noise_static fake = cb.st;
	memcpy(fake.pk, s1.x_pk, 32);
	memcpy(fake.mac1_key, s1.st.mac1_key, 32);
	cr_assert_eq(noise_initiation_consume(&hr, &fake, init, HS_INIT_LEN, rs, ts), -EPROTO);

	/* A genuine response from another handshake with the same index does not fit either. */
	struct noise_hs hi2, hr2;
	uint8_t init2[HS_INIT_LEN];
	cr_assert_eq(noise_initiation_create(&hi2, &ca.st, s1.x_pk, 5, TS1, NULL, init2), 0);
	cr_assert_eq(noise_initiation_consume(&hr2, &s1.st, init2, HS_INIT_LEN, rs, ts), 0);
	cr_assert_eq(noise_response_create(&hr2, 9, NULL, resp), 0);
	cr_assert_eq(noise_response_consume(&hi, &ca.st, resp, HS_RESP_LEN), -EPROTO);
	cr_assert_eq(hi.state, NOISE_HS_INIT_SENT, "a failed response leaves the state intact");
	cr_assert_eq(noise_response_consume(&hi2, &ca.st, resp, HS_RESP_LEN), 0);
}

static void fix_mac1(const uint8_t *receiver_x_pk, uint8_t *msg, size_t len)
{
	uint8_t k[32], full[32];
	crypto_auth_hmacsha256_state st;

	noise_mac1_key(k, receiver_x_pk);
	crypto_auth_hmacsha256_init(&st, k, 32);
	crypto_auth_hmacsha256_update(&st, msg, len - HS_MAC_LEN);
	crypto_auth_hmacsha256_final(&st, full);
	memcpy(msg + len - HS_MAC_LEN, full, HS_MAC_LEN);
}

Test(noise, initiation_every_bit_flip)
{
	struct noise_hs hi, hr;
	uint8_t init[HS_INIT_LEN], m[HS_INIT_LEN], rs[32], ts[12];

	cr_assert_eq(noise_initiation_create(&hi, &ca.st, s1.x_pk, 77, TS1, NULL, init), 0);
	for (size_t i = 0; i < HS_INIT_LEN; i++) {
		for (int b = 0; b < 8; b++) {
			memcpy(m, init, sizeof(m));
			m[i] ^= (uint8_t)(1U << b);
			int rc = noise_initiation_consume(&hr, &s1.st, m, sizeof(m), rs, ts);
			if (i < 4)
				cr_assert_eq(rc, -EBADMSG, "byte %zu bit %d", i, b);
			else
				cr_assert_eq(rc, -EACCES, "byte %zu bit %d", i, b);
			/* With mac1 recomputed (anyone knowing the receiver's public key can),
			 * Noise itself must catch every flip except in the sender index, which
			 * only mac1 covers (a changed index merely misroutes the response). */
			if (i >= HS_INIT_OFF_MAC1 || i < 4)
				continue;
			fix_mac1(s1.x_pk, m, sizeof(m));
			rc = noise_initiation_consume(&hr, &s1.st, m, sizeof(m), rs, ts);
			if (i < HS_INIT_OFF_E)
				cr_assert_eq(rc, 0, "byte %zu bit %d", i, b);
			else
				cr_assert_eq(rc, -EPROTO, "byte %zu bit %d", i, b);
		}
	}
}

Test(noise, response_every_bit_flip)
{
	struct noise_hs hi, hr, save;
	uint8_t init[HS_INIT_LEN], resp[HS_RESP_LEN], m[HS_RESP_LEN], rs[32], ts[12];

	cr_assert_eq(noise_initiation_create(&hi, &ca.st, s1.x_pk, 0x01020304, TS1, NULL, init), 0);
	cr_assert_eq(noise_initiation_consume(&hr, &s1.st, init, HS_INIT_LEN, rs, ts), 0);
	cr_assert_eq(noise_response_create(&hr, 42, NULL, resp), 0);
	save = hi;
	for (size_t i = 0; i < HS_RESP_LEN; i++) {
		for (int b = 0; b < 8; b++) {
			memcpy(m, resp, sizeof(m));
			m[i] ^= (uint8_t)(1U << b);
			int rc = noise_response_consume(&hi, &ca.st, m, sizeof(m));
			if (i < 4)
				cr_assert_eq(rc, -EBADMSG, "byte %zu bit %d", i, b);
			else if (i >= HS_RESP_OFF_RECEIVER && i < HS_RESP_OFF_E)
				cr_assert_eq(rc, -ESRCH, "byte %zu bit %d", i, b);
			else
				cr_assert_eq(rc, -EACCES, "byte %zu bit %d", i, b);
			cr_assert_eq(memcmp(&hi, &save, sizeof(hi)), 0, "state changed");
			if (i < HS_RESP_OFF_E || i >= HS_RESP_OFF_MAC1)
				continue;
			fix_mac1(ca.x_pk, m, sizeof(m));
			cr_assert_eq(noise_response_consume(&hi, &ca.st, m, sizeof(m)), -EPROTO,
				     "byte %zu bit %d", i, b);
			cr_assert_eq(memcmp(&hi, &save, sizeof(hi)), 0, "state changed");
		}
	}
	/* Sender index flips pass Noise with a fixed mac1 (it is only a routing hint). */
	memcpy(m, resp, sizeof(m));
	m[HS_RESP_OFF_SENDER] ^= 1;
	fix_mac1(ca.x_pk, m, sizeof(m));
	cr_assert_eq(noise_response_consume(&hi, &ca.st, m, sizeof(m)), 0);
	cr_assert_eq(hi.remote_index, 42 ^ 0x01000000);
	hi = save;
	cr_assert_eq(noise_response_consume(&hi, &ca.st, resp, sizeof(resp)), 0);
	cr_assert_eq(hi.remote_index, 42);
}

Test(noise, truncation_and_extension)
{
	struct noise_hs hi, hr;
	uint8_t init[HS_INIT_LEN + 1], resp[HS_RESP_LEN + 1], rs[32], ts[12];
	uint32_t a, b;

	cr_assert_eq(noise_initiation_create(&hi, &ca.st, s1.x_pk, 1, TS1, NULL, init), 0);
	init[HS_INIT_LEN] = 0;
	for (size_t n = 0; n <= HS_INIT_LEN + 1; n++) {
		if (n == HS_INIT_LEN)
			continue;
		cr_assert_eq(noise_initiation_consume(&hr, &s1.st, init, n, rs, ts), -EBADMSG);
	}
	cr_assert_eq(noise_initiation_consume(&hr, &s1.st, init, HS_INIT_LEN, rs, ts), 0);
	cr_assert_eq(noise_response_create(&hr, 2, NULL, resp), 0);
	resp[HS_RESP_LEN] = 0;
	for (size_t n = 0; n <= HS_RESP_LEN + 1; n++) {
		if (n == HS_RESP_LEN)
			continue;
		cr_assert_eq(noise_response_peek(resp, n, &a, &b), -EBADMSG);
		cr_assert_eq(noise_response_consume(&hi, &ca.st, resp, n), -EBADMSG);
	}
	cr_assert_eq(noise_response_peek(resp, HS_RESP_LEN, &a, &b), 0);
	cr_assert_eq(a, 2);
	cr_assert_eq(b, 1);
	cr_assert_eq(noise_response_consume(&hi, &ca.st, resp, HS_RESP_LEN), 0);
}

/* With the private key pointer NULL, any DH would crash: a bad mac1 must return first. */
Test(noise, bad_mac1_rejected_before_dh)
{
	struct noise_hs hi, hr;
	uint8_t init[HS_INIT_LEN], resp[HS_RESP_LEN], rs[32], ts[12];

	cr_assert_eq(noise_initiation_create(&hi, &ca.st, s1.x_pk, 1, TS1, NULL, init), 0);
	struct noise_static no_sk = s1.st;
	no_sk.sk = NULL;
	init[HS_INIT_OFF_MAC1 + 3] ^= 0x80;
	cr_assert_eq(noise_initiation_consume(&hr, &no_sk, init, HS_INIT_LEN, rs, ts), -EACCES);
	init[HS_INIT_OFF_MAC1 + 3] ^= 0x80;
	cr_assert_eq(noise_initiation_consume(&hr, &s1.st, init, HS_INIT_LEN, rs, ts), 0);
	cr_assert_eq(noise_response_create(&hr, 2, NULL, resp), 0);
	struct noise_static ca_no_sk = ca.st;
	ca_no_sk.sk = NULL;
	resp[HS_RESP_OFF_MAC1] ^= 1;
	cr_assert_eq(noise_response_consume(&hi, &ca_no_sk, resp, HS_RESP_LEN), -EACCES);
	/* A mac1 keyed to the wrong receiver is just as bad. */
	resp[HS_RESP_OFF_MAC1] ^= 1;
	fix_mac1(s1.x_pk, resp, HS_RESP_LEN);
	cr_assert_eq(noise_response_consume(&hi, &ca_no_sk, resp, HS_RESP_LEN), -EACCES);
}

Test(noise, mac1_check_function)
{
	uint8_t msg[40] = {1, 2, 3}, k[32];

	noise_mac1_key(k, s1.x_pk);
	fix_mac1(s1.x_pk, msg, sizeof(msg));
	cr_assert(noise_mac1_ok(k, msg, sizeof(msg)));
	cr_assert_not(noise_mac1_ok(k, msg, sizeof(msg) - 1));
	cr_assert_not(noise_mac1_ok(k, msg, HS_MAC_LEN - 1));
	msg[0] ^= 1;
	cr_assert_not(noise_mac1_ok(k, msg, sizeof(msg)));
	/* The key is SHA-256("omnid mac1" || pk). */
	uint8_t pre[10 + 32], want[32];
	memcpy(pre, "omnid mac1", 10);
	memcpy(pre + 10, s1.x_pk, 32);
	crypto_hash_sha256(want, pre, sizeof(pre));
	cr_assert_arr_eq(k, want, 32);
	cr_assert_arr_eq(s1.st.mac1_key, want, 32);
}

Test(noise, low_order_points)
{
	struct noise_hs hi, hr;
	uint8_t init[HS_INIT_LEN], rs[32], ts[12], zero[32] = {0};

	/* Responder static of order 1: every DH with it is all-zero. */
	cr_assert_eq(noise_initiation_create(&hi, &ca.st, zero, 1, TS1, NULL, init), -EINVAL);
	cr_assert_eq(hi.state, NOISE_HS_EMPTY);
	/* Initiation whose ephemeral is the zero point, with a valid mac1. */
	cr_assert_eq(noise_initiation_create(&hi, &ca.st, s1.x_pk, 1, TS1, NULL, init), 0);
	memset(init + HS_INIT_OFF_E, 0, 32);
	fix_mac1(s1.x_pk, init, HS_INIT_LEN);
	cr_assert_eq(noise_initiation_consume(&hr, &s1.st, init, HS_INIT_LEN, rs, ts), -EPROTO);
	cr_assert_arr_eq(rs, zero, 32);
}

Test(noise, state_misuse)
{
	struct noise_hs hi, hr;
	uint8_t init[HS_INIT_LEN], resp[HS_RESP_LEN], k1[32], k2[32], zero[32] = {0};

	noise_hs_wipe(&hr);
	cr_assert_eq(noise_response_create(&hr, 1, NULL, resp), -EINVAL);
	memset(k1, 0xaa, 32);
	memset(k2, 0xaa, 32);
	cr_assert_eq(noise_split(&hr, k1, k2), -EINVAL);
	cr_assert_arr_eq(k1, zero, 32);
	cr_assert_arr_eq(k2, zero, 32);
	/* An initiator that has not got a response cannot split. */
	cr_assert_eq(noise_initiation_create(&hi, &ca.st, s1.x_pk, 1, TS1, NULL, init), 0);
	cr_assert_eq(noise_split(&hi, k1, k2), -EINVAL);
	/* A responder cannot consume a response. */
	uint8_t rs[32], ts[12];
	cr_assert_eq(noise_initiation_create(&hi, &ca.st, s1.x_pk, 1, TS1, NULL, init), 0);
	cr_assert_eq(noise_initiation_consume(&hr, &s1.st, init, HS_INIT_LEN, rs, ts), 0);
	cr_assert_eq(noise_response_create(&hr, 2, NULL, resp), 0);
	struct noise_hs copy = hr;
	copy.local_index = 1;
	cr_assert_eq(noise_response_consume(&copy, &s1.st, resp, HS_RESP_LEN), -EINVAL);
	/* A response consumed twice. */
	cr_assert_eq(noise_response_consume(&hi, &ca.st, resp, HS_RESP_LEN), 0);
	cr_assert_eq(noise_response_consume(&hi, &ca.st, resp, HS_RESP_LEN), -EINVAL);
	/* Creating a second response from the same consumed initiation is refused. */
	cr_assert_eq(noise_response_create(&hr, 3, NULL, resp), -EINVAL);
}
