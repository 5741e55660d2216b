// SPDX-License-Identifier: MIT
/*
 * fuzz_handshake.c - libFuzzer target for the session state machine
 * (daemon/handshake.c) and the Noise messages under it. A responder B
 * (server_1) and a genuine initiator A (client_a) run in memory; the input is
 * a script of operations: arbitrary bytes fed to B as handshake messages or
 * data packets, genuine handshakes and data from A (optionally corrupted),
 * replays, and time steps with hs_tick(). Index bookkeeping is checked on
 * every callback and at the end; deadlines must lie in the future after a tick.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "cursor.h"
#include "handshake.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXIDX 64

struct node {
	uint8_t ed_pk[32], ed_sk[64], x_sk[32], x_pk[32];
	struct hs_local l;
	struct hs_ops ops;
	struct hs_peer peer;
	uint32_t idx[MAXIDX];
	int nidx;
	uint64_t rng;
	struct hs_actions act;
};

static struct node A, B;

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* Failures are part of the script; gcc's warn_unused_result ignores a (void) cast. */
static void ignore(int rc)
{
	(void)rc;
}

static uint64_t xs(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static bool has_index(const struct node *n, uint32_t v)
{
	for (int i = 0; i < n->nidx; i++)
		if (n->idx[i] == v)
			return true;
	return false;
}

static int cb_index_new(void *ctx, struct hs_peer *peer, uint32_t *index)
{
	struct node *n = ctx;
	check(peer == &n->peer);
	if (n->nidx == MAXIDX)
		return -ENOSPC;
	uint32_t v;
	do
		v = (uint32_t)xs(&n->rng);
	while (has_index(n, v));
	n->idx[n->nidx++] = v;
	*index = v;
	return 0;
}

static void cb_index_free(void *ctx, uint32_t index)
{
	struct node *n = ctx;
	for (int i = 0; i < n->nidx; i++) {
		if (n->idx[i] == index) {
			n->idx[i] = n->idx[--n->nidx];
			return;
		}
	}
	abort();
}

static struct hs_peer *cb_by_key(void *ctx, const uint8_t x_pk[32])
{
	struct node *n = ctx;
	return memcmp(x_pk, n->peer.x_pk, 32) == 0 ? &n->peer : NULL;
}

static struct hs_peer *cb_by_index(void *ctx, uint32_t index)
{
	struct node *n = ctx;
	return has_index(n, index) ? &n->peer : NULL;
}

static void cb_random(void *ctx, void *buf, size_t len)
{
	struct node *n = ctx;
	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = (uint8_t)xs(&n->rng);
}

static void keys(struct node *n, const char *seed_hex)
{
	uint8_t seed[32];
	size_t len;
	check(sodium_hex2bin(seed, 32, seed_hex, 64, NULL, &len, NULL) == 0);
	check(crypto_sign_seed_keypair(n->ed_pk, n->ed_sk, seed) == 0);
	check(crypto_sign_ed25519_sk_to_curve25519(n->x_sk, n->ed_sk) == 0);
	check(crypto_sign_ed25519_pk_to_curve25519(n->x_pk, n->ed_pk) == 0);
	n->ops = (struct hs_ops){cb_index_new, cb_index_free, cb_by_key, cb_by_index, cb_random};
}

struct script {
	const uint8_t *p;
	size_t left;
};

static uint8_t take8(struct script *s)
{
	if (!s->left)
		return 0;
	s->left--;
	return *s->p++;
}

static size_t take_bytes(struct script *s, uint8_t *out, size_t max)
{
	size_t n = take8(s);
	n = n < max ? n : max;
	n = n < s->left ? n : s->left;
	memcpy(out, s->p, n);
	s->p += n;
	s->left -= n;
	return n;
}

static void ts_at(uint8_t ts[12], uint64_t now)
{
	noise_tai64n(ts, 1767225600 + now / 1000, (uint32_t)(now % 1000) * 1000000);
}

static void tick(struct node *n, uint64_t now)
{
	uint8_t ts[12];
	ts_at(ts, now);
	ignore(hs_tick(&n->peer, now, ts, &n->act));
	check(n->act.deadline_ms > now);
	check(n->act.deadline_ms == hs_deadline(&n->peer));
}

/* Receive at @to as the daemon would. */
static void rx(struct node *to, uint8_t *buf, size_t len, uint64_t now)
{
	uint32_t index;
	uint64_t counter;
	size_t plen;

	if (len && buf[0] != CARRIER_TYPE_DATA) {
		int rc = hs_receive_handshake(&to->l, buf, len, now, &to->act);
		if (rc == 0)
			check(to->act.peer == &to->peer);
		if (to->act.peer)
			check(to->act.deadline_ms == hs_deadline(&to->peer));
		return;
	}
	if (carrier_parse_hdr(buf, len, &index, &counter) < 0)
		return;
	if (!has_index(to, index)) {
		hs_local_note_unknown_index(&to->l);
		return;
	}
	if (hs_open(&to->peer, now, buf, len, &plen) == 0)
		check(plen == len - CARRIER_OVERHEAD);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	struct script s = {data, size};
	uint8_t buf[512], last[512];
	size_t last_len = 0;
	uint64_t now = 1000000;

	if (!ready) {
		check(sodium_init() >= 0);
		keys(&A, "d3d2fe832782c1f317acc1113d4eda6db25e4c019f845bb3676163ad284d4da4");
		keys(&B, "aa726f314a5ee2f0a9332a362000f0d2ff5b4e4f6482d20f77ae145ff7db16d9");
		ready = true;
	}
	A.rng = 1;
	B.rng = 2;
	A.nidx = B.nidx = 0;
	check(hs_local_init(&A.l, A.ed_pk, A.x_sk, A.x_pk, NULL, &A.ops, &A) == 0);
	check(hs_local_init(&B.l, B.ed_pk, B.x_sk, B.x_pk, NULL, &B.ops, &B) == 0);
	check(hs_peer_init(&A.peer, &A.l, B.ed_pk, 0) == 0);
	check(hs_peer_init(&B.peer, &B.l, A.ed_pk, take8(&s) & 1 ? 25 : 0) == 0);

	/* Each genuine handshake costs ~10 X25519 operations: cap them to keep the rate up. */
	int handshakes = 0;
	for (int steps = 0; s.left && steps < 64; steps++) {
		uint8_t op = take8(&s);
		if ((op % 10 == 1 || op % 10 == 7) && ++handshakes > 3)
			continue;
		size_t n;
		uint8_t ts[12];
		switch (op % 10) {
		case 0: /* raw bytes to B */
			n = take_bytes(&s, buf, sizeof(buf));
			memcpy(last, buf, n);
			last_len = n;
			rx(&B, buf, n, now);
			break;
		case 1: /* A starts a handshake and B gets it (maybe corrupted) */
			ts_at(ts, now);
			ignore(hs_initiate(&A.peer, now, ts, &A.act));
			if (A.act.msg_len) {
				memcpy(buf, A.act.msg, A.act.msg_len);
				n = A.act.msg_len;
				uint8_t f = take8(&s);
				if (f & 1)
					buf[(f >> 1) % n] ^= 0x01;
				memcpy(last, buf, n);
				last_len = n;
				rx(&B, buf, n, now);
			}
			break;
		case 2: /* B's response to A, and A's answer (keepalive or queued data) to B */
			if (B.act.msg_len == HS_RESP_LEN) {
				memcpy(buf, B.act.msg, HS_RESP_LEN);
				rx(&A, buf, HS_RESP_LEN, now);
				B.act.msg_len = 0;
				if (A.act.flags & (HS_ACT_KEEPALIVE | HS_ACT_FLUSH)) {
					if (hs_seal(&A.peer, now, buf, 0, &n) == 0) {
						memcpy(last, buf, n);
						last_len = n;
						rx(&B, buf, n, now);
					}
				}
			}
			break;
		case 3: /* A sends data to B, maybe corrupted */
			n = take_bytes(&s, buf + CARRIER_HDR_LEN, sizeof(buf) - CARRIER_OVERHEAD);
			if (hs_seal(&A.peer, now, buf, n, &n) == 0) {
				uint8_t f = take8(&s);
				if (f & 1)
					buf[(f >> 1) % n] ^= (uint8_t)(1U << (f % 8));
				memcpy(last, buf, n);
				last_len = n;
				rx(&B, buf, n, now);
			} else {
				tick(&A, now);
			}
			break;
		case 4: /* B sends data to A */
			n = take_bytes(&s, buf + CARRIER_HDR_LEN, sizeof(buf) - CARRIER_OVERHEAD);
			if (hs_seal(&B.peer, now, buf, n, &n) == 0)
				rx(&A, buf, n, now);
			break;
		case 5: /* replay the last datagram B saw */
			memcpy(buf, last, last_len);
			rx(&B, buf, last_len, now);
			break;
		case 6: /* time passes */
			now += (uint64_t)take8(&s) * 997;
			tick(&B, now);
			tick(&A, now);
			break;
		case 7: /* B initiates (tie-break and responder-side paths at A) */
			ts_at(ts, now);
			ignore(hs_initiate(&B.peer, now, ts, &B.act));
			if (B.act.msg_len == HS_INIT_LEN) {
				memcpy(buf, B.act.msg, HS_INIT_LEN);
				rx(&A, buf, HS_INIT_LEN, now);
				if (A.act.msg_len == HS_RESP_LEN) {
					memcpy(buf, A.act.msg, HS_RESP_LEN);
					rx(&B, buf, HS_RESP_LEN, now);
				}
			}
			break;
		case 8: /* a big time step */
			now += (uint64_t)take8(&s) * 30011;
			tick(&B, now);
			break;
		default: /* data to B with a fuzzed header on a live index */
			n = take_bytes(&s, buf, sizeof(buf));
			if (n >= 8 && B.nidx)
				put_be32(buf + 4, B.idx[buf[1] % B.nidx]);
			if (n >= 1)
				buf[0] = CARRIER_TYPE_DATA;
			rx(&B, buf, n, now);
			break;
		}
		check(A.nidx <= 4 && B.nidx <= 4);
	}
	hs_peer_deinit(&A.peer);
	hs_peer_deinit(&B.peer);
	check(A.nidx == 0 && B.nidx == 0);
	hs_local_deinit(&A.l);
	hs_local_deinit(&B.l);
	return 0;
}
