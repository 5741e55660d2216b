// SPDX-License-Identifier: MIT
/*
 * test_handshake.c - the per-peer session state machine (daemon/handshake.c)
 * driven through its API by two in-memory nodes that exchange messages
 * directly, with injected time and deterministic randomness: establishment,
 * key confirmation, rekey, previous-session receive, reject after 180 s,
 * simultaneous initiation, replay of initiations and data, the retransmit
 * schedule, keepalives, wrong keys, and index bookkeeping. After every
 * hs_tick() the harness checks that the deadline lies in the future and that
 * a second tick at the same instant does nothing (no timer can spin).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sodium.h>

#include "cursor.h"
#include "handshake.h"

#define SEED_CLIENT_A "d3d2fe832782c1f317acc1113d4eda6db25e4c019f845bb3676163ad284d4da4"
#define SEED_SERVER_1 "aa726f314a5ee2f0a9332a362000f0d2ff5b4e4f6482d20f77ae145ff7db16d9"
#define SEED_CLIENT_B "226caace5f7b490ea8c956e21479421e067a564442c83d2c3eff1c70deb75f4a"
#define MAXIDX 32
#define T0 1000000ULL

struct node {
	const char *name;
	uint8_t ed_pk[32], ed_sk[64], x_sk[32], x_pk[32];
	struct hs_local l;
	struct hs_ops ops;
	struct hs_peer peer; /* the single neighbor */
	bool knows_peer;     /* peer_by_key finds it */
	uint32_t idx[MAXIDX];
	int nidx;
	int index_news, index_frees;
	uint64_t rng;
	bool fail_index_new;
	struct hs_actions act; /* last actions */
};

static struct node A, B;

static uint64_t xs(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int cb_index_new(void *ctx, struct hs_peer *peer, uint32_t *index)
{
	struct node *n = ctx;
	cr_assert_eq(peer, &n->peer);
	if (n->fail_index_new)
		return -ENOSPC;
	cr_assert_lt(n->nidx, MAXIDX);
	for (;;) {
		uint32_t v = (uint32_t)xs(&n->rng);
		bool dup = false;
		for (int i = 0; i < n->nidx; i++)
			dup |= n->idx[i] == v;
		if (!dup) {
			n->idx[n->nidx++] = v;
			*index = v;
			n->index_news++;
			return 0;
		}
	}
}

static void cb_index_free(void *ctx, uint32_t index)
{
	struct node *n = ctx;
	for (int i = 0; i < n->nidx; i++) {
		if (n->idx[i] == index) {
			n->idx[i] = n->idx[--n->nidx];
			n->index_frees++;
			return;
		}
	}
	cr_assert_fail("%s: index_free(%08x) of an index not registered", n->name, index);
}

static bool has_index(const struct node *n, uint32_t index)
{
	for (int i = 0; i < n->nidx; i++)
		if (n->idx[i] == index)
			return true;
	return false;
}

static struct hs_peer *cb_peer_by_key(void *ctx, const uint8_t x_pk[32])
{
	struct node *n = ctx;
	return n->knows_peer && memcmp(x_pk, n->peer.x_pk, 32) == 0 ? &n->peer : NULL;
}

static struct hs_peer *cb_peer_by_index(void *ctx, uint32_t index)
{
	struct node *n = ctx;
	return has_index(n, index) ? &n->peer : NULL;
}

static void cb_random(void *ctx, void *buf, size_t len)
{
	struct node *n = ctx;
	uint8_t *p = buf;
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)xs(&n->rng);
}

static void keys_from_seed(struct node *n, const char *seed_hex)
{
	uint8_t seed[32];
	size_t len;
	cr_assert_eq(sodium_hex2bin(seed, 32, seed_hex, 64, NULL, &len, NULL), 0);
	cr_assert_eq(crypto_sign_seed_keypair(n->ed_pk, n->ed_sk, seed), 0);
	cr_assert_eq(crypto_sign_ed25519_sk_to_curve25519(n->x_sk, n->ed_sk), 0);
	cr_assert_eq(crypto_sign_ed25519_pk_to_curve25519(n->x_pk, n->ed_pk), 0);
}

static void node_init(struct node *n, const char *name, const char *seed, uint64_t rng,
		      const struct hs_config *cfg)
{
	memset(n, 0, sizeof(*n));
	n->name = name;
	n->rng = rng;
	keys_from_seed(n, seed);
	n->ops = (struct hs_ops){.index_new = cb_index_new,
				 .index_free = cb_index_free,
				 .peer_by_key = cb_peer_by_key,
				 .peer_by_index = cb_peer_by_index,
				 .random = cb_random};
	cr_assert_eq(hs_local_init(&n->l, n->ed_pk, n->x_sk, n->x_pk, cfg, &n->ops, n), 0);
	n->knows_peer = true;
}

static void pair_init(const struct hs_config *cfg)
{
	cr_assert_geq(sodium_init(), 0);
	/* client_a's Ed25519 key (0x1655...) is lower than server_1's (0xd80f...). */
	node_init(&A, "A", SEED_CLIENT_A, 0x1234567ULL, cfg);
	node_init(&B, "B", SEED_SERVER_1, 0x7654321ULL, cfg);
	cr_assert_lt(memcmp(A.ed_pk, B.ed_pk, 32), 0);
	cr_assert_eq(hs_peer_init(&A.peer, &A.l, B.ed_pk, 0), 0);
	cr_assert_eq(hs_peer_init(&B.peer, &B.l, A.ed_pk, 0), 0);
	cr_assert_arr_eq(A.peer.x_pk, B.x_pk, 32);
	cr_assert_eq(hs_deadline(&A.peer), HS_NO_DEADLINE);
}

static void setup(void)
{
	pair_init(NULL);
}

static void teardown(void)
{
	hs_peer_deinit(&A.peer);
	hs_peer_deinit(&B.peer);
	cr_assert_eq(A.nidx, 0, "A leaked %d indices", A.nidx);
	cr_assert_eq(B.nidx, 0, "B leaked %d indices", B.nidx);
	cr_assert_eq(A.index_news, A.index_frees);
	cr_assert_eq(B.index_news, B.index_frees);
	hs_local_deinit(&A.l);
	hs_local_deinit(&B.l);
}

TestSuite(hs, .init = setup, .fini = teardown);

static struct node *other(struct node *n)
{
	return n == &A ? &B : &A;
}

static void ts_at(uint8_t ts[12], uint64_t now)
{
	noise_tai64n(ts, 1767225600 + now / 1000, (uint32_t)(now % 1000) * 1000000);
}

/* hs_tick plus the no-spin invariant. */
static int tick(struct node *n, uint64_t now)
{
	uint8_t ts[12];
	struct hs_actions again;

	ts_at(ts, now);
	int rc = hs_tick(&n->peer, now, ts, &n->act);
	cr_assert_eq(n->act.peer, &n->peer);
	cr_assert_eq(n->act.deadline_ms, hs_deadline(&n->peer));
	cr_assert_gt(n->act.deadline_ms, now, "%s: deadline %lu not after now %lu", n->name,
		     (unsigned long)n->act.deadline_ms, (unsigned long)now);
	/* The state was left as if the actions were carried out: nothing more is due now. */
	struct hs_peer save = n->peer;
	cr_assert_eq(hs_tick(&n->peer, now, ts, &again), 0);
	cr_assert_eq(again.flags, 0, "%s: second tick flags %x", n->name, again.flags);
	cr_assert_eq(again.msg_len, 0);
	cr_assert_eq(again.deadline_ms, n->act.deadline_ms);
	cr_assert_eq(memcmp(&save, &n->peer, sizeof(save)), 0);
	return rc;
}

/* Deliver a handshake message to @to; returns hs_receive_handshake()'s code. */
static int hs_deliver(struct node *to, const uint8_t *msg, size_t len, uint64_t now)
{
	int rc = hs_receive_handshake(&to->l, msg, len, now, &to->act);
	if (to->act.peer)
		cr_assert_eq(to->act.deadline_ms, hs_deadline(to->act.peer));
	return rc;
}

/* Forward the last handshake message @from produced to the other node. */
static int forward(struct node *from, uint64_t now)
{
	uint8_t msg[HS_INIT_LEN];
	size_t len = from->act.msg_len;
	cr_assert(len == HS_INIT_LEN || len == HS_RESP_LEN, "%s has nothing to send", from->name);
	memcpy(msg, from->act.msg, len);
	return hs_deliver(other(from), msg, len, now);
}

struct pkt {
	uint8_t b[256];
	size_t len;
};

/* Seal @text (or a keepalive when NULL) from @n to its peer. */
static int seal(struct node *n, uint64_t now, const char *text, struct pkt *p)
{
	size_t plen = text ? strlen(text) : 0;
	memset(p, 0, sizeof(*p));
	memcpy(p->b + CARRIER_HDR_LEN, text ? text : "", plen);
	return hs_seal(&n->peer, now, p->b, plen, &p->len);
}

/* Receive a data packet at @to the way the daemon does: parse, index table, hs_open. */
static int open_at(struct node *to, uint64_t now, struct pkt p, char *out, size_t *out_len)
{
	uint32_t index;
	uint64_t counter;
	size_t plen = 0;

	if (carrier_parse_hdr(p.b, p.len, &index, &counter) < 0)
		return -EBADMSG;
	if (!has_index(to, index)) {
		hs_local_note_unknown_index(&to->l);
		return -ENXIO;
	}
	int rc = hs_open(&to->peer, now, p.b, p.len, &plen);
	if (rc == 0 && out) {
		memcpy(out, p.b + CARRIER_HDR_LEN, plen);
		out[plen] = 0;
	}
	if (out_len)
		*out_len = plen;
	return rc;
}

static void expect_data(struct node *from, struct node *to, uint64_t now, const char *text)
{
	struct pkt p;
	char got[256];
	size_t n;

	cr_assert_eq(seal(from, now, text, &p), 0, "%s cannot send", from->name);
	cr_assert_eq(p.len, strlen(text) + CARRIER_OVERHEAD);
	cr_assert_eq(open_at(to, now, p, got, &n), 0, "%s cannot receive", to->name);
	cr_assert_eq(n, strlen(text));
	cr_assert_str_eq(got, text);
}

/* A has a packet for B: full handshake, A's queue flushed, B confirmed. Returns nothing. */
static void establish(uint64_t now)
{
	struct pkt p;

	cr_assert_eq(seal(&A, now, "queued", &p), -ENOTCONN);
	cr_assert_eq(hs_deadline(&A.peer), now);
	cr_assert_eq(tick(&A, now), 0);
	cr_assert_eq(A.act.msg_len, HS_INIT_LEN);
	cr_assert_eq(A.act.msg[0], CARRIER_TYPE_INIT);
	cr_assert_eq(forward(&A, now), 0);
	cr_assert_eq(B.act.peer, &B.peer);
	cr_assert_eq(B.act.msg_len, HS_RESP_LEN);
	cr_assert_eq(B.act.flags, 0);
	cr_assert_eq(forward(&B, now), 0);
	cr_assert_eq(A.act.flags, HS_ACT_ESTABLISHED | HS_ACT_FLUSH);
	expect_data(&A, &B, now, "queued");
	expect_data(&B, &A, now, "reply");
}

Test(hs, establish_and_data_both_ways)
{
	establish(T0);
	cr_assert(hs_established(&A.peer, T0));
	cr_assert(hs_established(&B.peer, T0));
	cr_assert_eq(A.nidx, 1);
	cr_assert_eq(B.nidx, 1);
	cr_assert_eq(A.peer.current.local_index, A.idx[0]);
	cr_assert_eq(A.peer.current.remote_index, B.idx[0]);
	cr_assert_arr_eq(A.peer.current.send_key, B.peer.current.recv_key, 32);
	cr_assert_arr_eq(A.peer.current.recv_key, B.peer.current.send_key, 32);
	cr_assert(A.peer.current.initiator);
	cr_assert_not(B.peer.current.initiator);
	for (int i = 0; i < 100; i++) {
		expect_data(&A, &B, T0 + (uint64_t)i, "ping");
		expect_data(&B, &A, T0 + (uint64_t)i, "pong");
	}
	struct hs_status st;
	hs_status(&A.peer, T0 + 500, &st);
	cr_assert(st.established);
	cr_assert(st.has_handshake);
	cr_assert_eq(st.last_handshake_ms, T0);
	cr_assert_eq(st.session_age_ms, 500);
	cr_assert_eq(st.stats.handshakes_initiated, 1);
	cr_assert_eq(st.stats.handshakes_completed, 1);
	cr_assert_eq(st.stats.tx_data, 101);
	cr_assert_eq(st.stats.rx_data, 101);
	hs_status(&B.peer, T0, &st);
	cr_assert_eq(st.stats.responses_sent, 1);
	cr_assert_eq(st.stats.handshakes_completed, 1);
}

Test(hs, responder_waits_for_confirmation)
{
	struct pkt p;
	uint64_t now = T0;
	uint8_t ts[12], resp[HS_RESP_LEN];

	cr_assert_eq(tick(&A, now), 0);
	cr_assert_eq(A.act.msg_len, 0, "nothing to do yet");
	ts_at(ts, now);
	cr_assert_eq(hs_initiate(&A.peer, now, ts, &A.act), 0);
	cr_assert_eq(A.act.msg_len, HS_INIT_LEN);
	cr_assert_eq(forward(&A, now), 0);
	cr_assert_eq(B.act.msg_len, HS_RESP_LEN);
	memcpy(resp, B.act.msg, HS_RESP_LEN);
	/* B answered but must not send before A's first packet arrives. */
	cr_assert(B.peer.next.valid);
	cr_assert_not(B.peer.current.valid);
	cr_assert_not(hs_established(&B.peer, now));
	cr_assert_eq(seal(&B, now, "early", &p), -ENOTCONN);
	cr_assert_eq(tick(&B, now), 0);
	cr_assert_eq(B.act.msg_len, 0, "B must not initiate while its answer is fresh");
	cr_assert_eq(B.act.deadline_ms, now + HS_CONFIRM_WAIT_MS);
	cr_assert_eq(hs_deliver(&A, resp, HS_RESP_LEN, now + 10), 0);
	/* Nothing queued at A: it confirms with a keepalive at once. */
	cr_assert_eq(A.act.flags, HS_ACT_ESTABLISHED | HS_ACT_KEEPALIVE);
	cr_assert_eq(seal(&A, now + 10, NULL, &p), 0);
	cr_assert_eq(p.len, CARRIER_OVERHEAD);
	size_t n = 99;
	cr_assert_eq(open_at(&B, now + 20, p, NULL, &n), 0);
	cr_assert_eq(n, 0, "a keepalive");
	cr_assert(B.peer.current.valid);
	cr_assert(B.peer.current.confirmed);
	cr_assert_not(B.peer.next.valid);
	cr_assert_eq(hs_deadline(&B.peer), now + 20, "B's queue is due now");
	cr_assert_eq(tick(&B, now + 20), 0);
	cr_assert_eq(B.act.flags, HS_ACT_FLUSH);
	expect_data(&B, &A, now + 20, "early");
	cr_assert_eq(B.peer.stats.rx_keepalive, 1);
	cr_assert_eq(B.peer.stats.handshakes_completed, 1);
}

Test(hs, responder_initiates_itself_without_confirmation)
{
	struct pkt p;
	uint8_t ts[12];

	ts_at(ts, T0);
	cr_assert_eq(hs_initiate(&A.peer, T0, ts, &A.act), 0);
	cr_assert_eq(forward(&A, T0), 0);
	/* A's response gets lost. B has data queued. */
	cr_assert_eq(seal(&B, T0 + 100, "stuck", &p), -ENOTCONN);
	cr_assert_eq(tick(&B, T0 + 100), 0);
	cr_assert_eq(B.act.msg_len, 0);
	cr_assert_eq(tick(&B, T0 + HS_CONFIRM_WAIT_MS - 1), 0);
	cr_assert_eq(B.act.msg_len, 0);
	cr_assert_eq(tick(&B, T0 + HS_CONFIRM_WAIT_MS), 0);
	cr_assert_eq(B.act.msg_len, HS_INIT_LEN);
	/* A is pending (lower key): it answers B and abandons its own. */
	cr_assert_eq(forward(&B, T0 + HS_CONFIRM_WAIT_MS), 0);
	cr_assert_eq(A.act.msg_len, HS_RESP_LEN);
	cr_assert_not(A.peer.pending.active);
	cr_assert_eq(A.peer.stats.handshakes_abandoned, 1);
	cr_assert_eq(forward(&A, T0 + HS_CONFIRM_WAIT_MS), 0);
	cr_assert_eq(B.act.flags, HS_ACT_ESTABLISHED | HS_ACT_FLUSH);
	expect_data(&B, &A, T0 + HS_CONFIRM_WAIT_MS, "stuck");
	expect_data(&A, &B, T0 + HS_CONFIRM_WAIT_MS, "ok");
	/* B's unconfirmed session from A's lost handshake was replaced. */
	cr_assert_not(B.peer.next.valid);
	cr_assert_eq(B.nidx, 1);
	cr_assert_eq(A.nidx, 1);
}

Test(hs, rekey_after_time_and_previous_session)
{
	struct pkt late_b, late_a, p;
	char got[64];
	uint64_t t = T0;

	establish(t);
	uint32_t old_a = A.peer.current.local_index;
	/* Just before the rekey time, no rekey. */
	t = T0 + 120000 - 1;
	expect_data(&A, &B, t, "x");
	cr_assert_not(A.peer.rekey_wanted);
	/* The responder never rekeys on time. */
	t = T0 + 120000;
	expect_data(&B, &A, t, "y");
	cr_assert_not(B.peer.rekey_wanted);
	cr_assert_eq(seal(&A, t, "trigger", &p), 0);
	cr_assert(A.peer.rekey_wanted);
	cr_assert_eq(hs_deadline(&A.peer), t);
	cr_assert_eq(open_at(&B, t, p, got, NULL), 0);
	cr_assert_eq(tick(&A, t), 0);
	cr_assert_eq(A.act.msg_len, HS_INIT_LEN);
	cr_assert_eq(A.act.flags, 0);
	/* Packets in flight on the old session both ways. */
	cr_assert_eq(seal(&B, t, "inflight-b", &late_b), 0);
	cr_assert_eq(seal(&A, t, "inflight-a", &late_a), 0);
	cr_assert_eq(forward(&A, t), 0);
	/* B keeps sending on the old session until A confirms the new one. */
	cr_assert(B.peer.next.valid);
	expect_data(&B, &A, t, "still old");
	cr_assert_eq(forward(&B, t + 5), 0);
	cr_assert_eq(A.act.flags, HS_ACT_ESTABLISHED | HS_ACT_KEEPALIVE);
	cr_assert_neq(A.peer.current.local_index, old_a);
	cr_assert_eq(A.peer.previous.local_index, old_a);
	cr_assert_eq(open_at(&A, t + 6, late_b, got, NULL), 0, "previous session still receives");
	cr_assert_str_eq(got, "inflight-b");
	expect_data(&A, &B, t + 7, "new");
	cr_assert(B.peer.previous.valid);
	cr_assert_eq(open_at(&B, t + 8, late_a, got, NULL), 0);
	cr_assert_str_eq(got, "inflight-a");
	expect_data(&B, &A, t + 9, "new too");
	cr_assert_eq(A.nidx, 2);
	cr_assert_eq(B.nidx, 2);
	/* The previous sessions go when they reach 180 s. */
	cr_assert_eq(tick(&A, T0 + 180000), 0);
	cr_assert_not(A.peer.previous.valid);
	cr_assert_eq(A.nidx, 1);
	cr_assert_eq(A.peer.stats.handshakes_completed, 2);
}

Test(hs, reject_after_180s)
{
	struct pkt p, old;
	uint64_t t = T0;
	struct hs_config cfg;

	/* Make the initiator never rekey, to see the hard limit. */
	hs_config_default(&cfg);
	cfg.rekey_after_time_ms = 1000000;
	A.l.cfg = cfg;
	establish(t);
	cr_assert_eq(seal(&A, T0 + 179999, "last", &old), 0);
	cr_assert_eq(seal(&B, T0 + 179999, "last", &p), 0);
	cr_assert_eq(seal(&A, T0 + 180000, "late", &p), -ENOTCONN);
	cr_assert_eq(seal(&B, T0 + 180000, "late", &p), -ENOTCONN);
	cr_assert_not(hs_established(&A.peer, T0 + 180000));
	/* Receiving on it is over too. */
	cr_assert_eq(open_at(&B, T0 + 180000, old, NULL, NULL), -ESTALE);
	cr_assert_eq(B.peer.stats.drop_stale_session, 1);
	/* Tick drops the sessions and, since packets are queued, initiates. */
	cr_assert_eq(tick(&B, T0 + 180000), 0);
	cr_assert_not(B.peer.current.valid);
	cr_assert_eq(B.act.msg_len, HS_INIT_LEN);
	cr_assert_eq(B.nidx, 1, "only the pending index is left");
	cr_assert_eq(open_at(&B, T0 + 180000, old, NULL, NULL), -ENXIO, "index unregistered");
	cr_assert_eq(B.l.stats.unknown_index, 1);
}

Test(hs, rekey_before_reject_by_packets_and_limit)
{
	struct pkt p;
	struct hs_config cfg;

	hs_config_default(&cfg);
	cfg.rekey_after_packets = 5;
	A.l.cfg = cfg;
	B.l.cfg = cfg;
	establish(T0);
	/* B (responder) sent 1 packet; at 5 it wants a rekey too (packets apply to both). */
	for (int i = 0; i < 3; i++)
		expect_data(&B, &A, T0, "b");
	cr_assert_not(B.peer.rekey_wanted);
	expect_data(&B, &A, T0, "b");
	cr_assert(B.peer.rekey_wanted);
	cr_assert_eq(tick(&B, T0), 0);
	cr_assert_eq(B.act.msg_len, HS_INIT_LEN);
	/* Hard packet limit. */
	A.peer.current.send_counter = SESSION_REJECT_AFTER_PACKETS - 1;
	cr_assert_eq(seal(&A, T0, "last", &p), 0);
	cr_assert_eq(seal(&A, T0, "over", &p), -ENOTCONN);
	/* And a received counter at the limit is refused. */
	cr_assert_eq(seal(&B, T0, "x", &p), 0);
	put_be64(p.b + 8, SESSION_REJECT_AFTER_PACKETS);
	cr_assert_eq(open_at(&A, T0, p, NULL, NULL), -ESTALE);
}

Test(hs, passive_initiator_rekeys_on_receive)
{
	uint64_t t = T0 + HS_REKEY_ON_RECV_MS;

	establish(T0);
	expect_data(&B, &A, t - 1, "b");
	cr_assert_not(A.peer.rekey_wanted);
	expect_data(&B, &A, t, "b");
	cr_assert(A.peer.rekey_wanted);
	cr_assert_eq(hs_deadline(&A.peer), t);
	cr_assert_eq(tick(&A, t), 0);
	cr_assert_eq(A.act.msg_len, HS_INIT_LEN);
	cr_assert_eq(A.act.flags, HS_ACT_KEEPALIVE, "data arrived 165 s after a send");
}

static void simultaneous(bool a_first)
{
	struct pkt p;
	uint64_t t = T0;
	uint8_t init_a[HS_INIT_LEN], init_b[HS_INIT_LEN];

	cr_assert_eq(seal(&A, t, "from-a", &p), -ENOTCONN);
	cr_assert_eq(seal(&B, t, "from-b", &p), -ENOTCONN);
	cr_assert_eq(tick(&A, t), 0);
	memcpy(init_a, A.act.msg, HS_INIT_LEN);
	cr_assert_eq(tick(&B, t), 0);
	memcpy(init_b, B.act.msg, HS_INIT_LEN);
	if (a_first) {
		/* B has the higher key and a pending initiation: it ignores A's. */
		cr_assert_eq(hs_deliver(&B, init_a, HS_INIT_LEN, t), -EBUSY);
		cr_assert_eq(B.act.msg_len, 0);
		cr_assert_eq(B.peer.stats.drop_ignored_init, 1);
	}
	/* A has the lower key: it answers B's and abandons its own. */
	cr_assert_eq(hs_deliver(&A, init_b, HS_INIT_LEN, t), 0);
	cr_assert_eq(A.act.msg_len, HS_RESP_LEN);
	cr_assert_not(A.peer.pending.active);
	cr_assert_eq(A.peer.stats.handshakes_abandoned, 1);
	if (!a_first) {
		/* A's initiation arrives late: B is still pending and ignores it. */
		cr_assert_eq(hs_deliver(&B, init_a, HS_INIT_LEN, t), -EBUSY);
	}
	cr_assert_eq(forward(&A, t), 0);
	cr_assert_eq(B.act.flags, HS_ACT_ESTABLISHED | HS_ACT_FLUSH);
	expect_data(&B, &A, t, "from-b");
	/* A's queue is released by B's packet. */
	cr_assert_eq(hs_deadline(&A.peer), t);
	cr_assert_eq(tick(&A, t), 0);
	cr_assert_eq(A.act.flags, HS_ACT_FLUSH);
	cr_assert_eq(A.act.msg_len, 0);
	expect_data(&A, &B, t, "from-a");
	/* Exactly one session on each side, the same keys. */
	cr_assert_eq(A.nidx, 1);
	cr_assert_eq(B.nidx, 1);
	cr_assert_not(A.peer.previous.valid);
	cr_assert_not(B.peer.previous.valid);
	cr_assert_not(A.peer.next.valid);
	cr_assert_arr_eq(A.peer.current.send_key, B.peer.current.recv_key, 32);
	cr_assert_eq(A.peer.current.remote_index, B.peer.current.local_index);
	cr_assert_eq(B.peer.current.remote_index, A.peer.current.local_index);
	/* Neither keeps retransmitting. */
	cr_assert_eq(tick(&A, t + 60000), 0);
	cr_assert_eq(A.act.msg_len, 0);
	cr_assert_eq(tick(&B, t + 60000), 0);
	cr_assert_eq(B.act.msg_len, 0);
}

Test(hs, simultaneous_initiation_a_first)
{
	simultaneous(true);
}

Test(hs, simultaneous_initiation_b_first)
{
	simultaneous(false);
}

Test(hs, replayed_initiation_dropped)
{
	uint8_t init[HS_INIT_LEN];
	uint8_t ts[12];

	ts_at(ts, T0);
	cr_assert_eq(hs_initiate(&A.peer, T0, ts, &A.act), 0);
	memcpy(init, A.act.msg, HS_INIT_LEN);
	cr_assert_eq(hs_deliver(&B, init, HS_INIT_LEN, T0), 0);
	uint32_t next_idx = B.peer.next.local_index;
	cr_assert_eq(hs_deliver(&B, init, HS_INIT_LEN, T0 + 1000), -EALREADY);
	cr_assert_eq(B.act.peer, &B.peer);
	cr_assert_eq(B.act.msg_len, 0);
	cr_assert_eq(B.peer.stats.drop_replayed_ts, 1);
	cr_assert_eq(B.peer.next.local_index, next_idx, "the replay changed nothing");
	cr_assert_eq(B.nidx, 1);
	/* A retransmission carries a newer timestamp, even if the clock did not move. */
	cr_assert_eq(tick(&A, T0 + HS_RETRANSMIT_MS), 0);
	cr_assert_eq(A.act.msg_len, HS_INIT_LEN);
	cr_assert_eq(forward(&A, T0 + HS_RETRANSMIT_MS), 0);
	cr_assert_eq(B.nidx, 1, "the older unconfirmed session was replaced");
}

Test(hs, initiation_timestamp_never_repeats)
{
	uint8_t ts[12];
	uint8_t i1[HS_INIT_LEN];

	/* A wall clock stuck (or stepped back) still yields increasing timestamps. */
	ts_at(ts, T0);
	cr_assert_eq(hs_initiate(&A.peer, T0, ts, &A.act), 0);
	memcpy(i1, A.act.msg, HS_INIT_LEN);
	cr_assert_eq(hs_deliver(&B, i1, HS_INIT_LEN, T0), 0);
	cr_assert_eq(hs_tick(&A.peer, T0 + HS_RETRANSMIT_MS, ts, &A.act), 0);
	cr_assert_eq(A.act.msg_len, HS_INIT_LEN);
	cr_assert_eq(forward(&A, T0 + HS_RETRANSMIT_MS), 0);
	uint8_t old[12] = {0x40, 0, 0, 0, 0x10};
	cr_assert_eq(hs_tick(&A.peer, T0 + 3 * HS_RETRANSMIT_MS, old, &A.act), 0);
	cr_assert_eq(A.act.msg_len, HS_INIT_LEN);
	cr_assert_eq(forward(&A, T0 + 3 * HS_RETRANSMIT_MS), 0);
	cr_assert_eq(B.peer.stats.drop_replayed_ts, 0);
}

Test(hs, retransmit_schedule_and_give_up)
{
	struct pkt p;
	const uint64_t want[] = {1000,	3000,  7000,  12000, 17000, 22000, 27000,
				 32000, 37000, 42000, 47000, 52000, 57000, 62000,
				 67000, 72000, 77000, 82000, 87000};
	uint8_t last[HS_INIT_LEN];

	cr_assert_eq(seal(&A, T0, "lost", &p), -ENOTCONN);
	cr_assert_eq(tick(&A, T0), 0);
	cr_assert_eq(A.act.msg_len, HS_INIT_LEN);
	uint32_t idx = A.peer.pending.noise.local_index;
	cr_assert_eq(A.act.deadline_ms, T0 + 1000);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		uint64_t t = hs_deadline(&A.peer);
		cr_assert_eq(t, T0 + want[i], "retransmission %zu at +%lu", i,
			     (unsigned long)(t - T0));
		/* One millisecond early: nothing. */
		cr_assert_eq(tick(&A, t - 1), 0);
		cr_assert_eq(A.act.msg_len, 0);
		cr_assert_eq(tick(&A, t), 0);
		cr_assert_eq(A.act.msg_len, HS_INIT_LEN);
		cr_assert_eq(get_be32(A.act.msg + HS_INIT_OFF_SENDER), idx, "same index");
		memcpy(last, A.act.msg, HS_INIT_LEN);
	}
	cr_assert_eq(hs_deadline(&A.peer), T0 + HS_GIVE_UP_MS);
	cr_assert_eq(A.peer.stats.initiations_sent, 20);
	cr_assert_eq(A.peer.stats.handshakes_initiated, 1);
	cr_assert_eq(A.nidx, 1);
	cr_assert_eq(tick(&A, T0 + HS_GIVE_UP_MS), 0);
	cr_assert_eq(A.act.flags, HS_ACT_GAVE_UP);
	cr_assert_eq(A.act.msg_len, 0);
	cr_assert_not(A.peer.pending.active);
	cr_assert_eq(A.nidx, 0, "index released");
	cr_assert_eq(A.peer.stats.handshakes_given_up, 1);
	cr_assert_eq(hs_deadline(&A.peer), HS_NO_DEADLINE);
	/* A response to the abandoned handshake is refused. */
	cr_assert_eq(hs_deliver(&B, last, HS_INIT_LEN, T0 + HS_GIVE_UP_MS), 0);
	cr_assert_eq(forward(&B, T0 + HS_GIVE_UP_MS), -ENOENT);
	cr_assert_eq(A.l.stats.unknown_index, 1);
	/* A new packet starts a new handshake. */
	cr_assert_eq(seal(&A, T0 + HS_GIVE_UP_MS + 1, "again", &p), -ENOTCONN);
	cr_assert_eq(tick(&A, T0 + HS_GIVE_UP_MS + 1), 0);
	cr_assert_eq(A.act.msg_len, HS_INIT_LEN);
	cr_assert_eq(A.peer.stats.handshakes_initiated, 2);
}

Test(hs, keepalive_timing)
{
	struct pkt p;
	size_t n;
	uint64_t t = T0;

	establish(t);
	/* establish() ended with B -> A data: A owes B a keepalive from t. */
	cr_assert_eq(hs_deadline(&A.peer), t + 10000);
	expect_data(&A, &B, t + 50, "a0");
	cr_assert_eq(tick(&A, t + 60), 0);
	cr_assert_eq(A.act.flags, 0);
	cr_assert_eq(hs_deadline(&A.peer), t + HS_REJECT_AFTER_TIME_MS, "only the session expiry");
	/* B sends at t+100; A has nothing to say: keepalive at t+100+10 s. */
	expect_data(&B, &A, t + 100, "b1");
	cr_assert_eq(hs_deadline(&A.peer), t + 100 + 10000);
	expect_data(&B, &A, t + 5000, "b2");
	cr_assert_eq(hs_deadline(&A.peer), t + 100 + 10000, "measured from the first unanswered");
	cr_assert_eq(tick(&A, t + 10099), 0);
	cr_assert_eq(A.act.flags, 0);
	cr_assert_eq(tick(&A, t + 10100), 0);
	cr_assert_eq(A.act.flags, HS_ACT_KEEPALIVE);
	cr_assert_eq(seal(&A, t + 10100, NULL, &p), 0);
	cr_assert_eq(open_at(&B, t + 10100, p, NULL, &n), 0);
	cr_assert_eq(n, 0);
	/* A keepalive does not ask for one back. */
	cr_assert_not(B.peer.ka_pending);
	cr_assert_eq(tick(&B, t + 30000), 0);
	cr_assert_eq(B.act.flags, 0);
	/* Data sent before the timer cancels it. */
	expect_data(&B, &A, t + 40000, "b3");
	expect_data(&A, &B, t + 41000, "a");
	cr_assert_eq(tick(&A, t + 50000), 0);
	cr_assert_eq(A.act.flags, 0);
	/* ... but B now owes A one. */
	cr_assert_eq(tick(&B, t + 51000), 0);
	cr_assert_eq(B.act.flags, HS_ACT_KEEPALIVE);
	cr_assert_eq(A.peer.stats.tx_keepalive, 0 + 1);
}

Test(hs, persistent_keepalive)
{
	uint64_t t = T0;
	struct pkt p;

	A.peer.persistent_keepalive_ms = 25000;
	establish(t);
	/* The keepalive owed for B's reply comes first (t + 10 s) ... */
	cr_assert_eq(hs_deadline(&A.peer), t + 10000);
	expect_data(&A, &B, t, "a");
	cr_assert_eq(tick(&A, t), 0);
	/* ... once answered, every 25 s after the last packet sent. */
	cr_assert_eq(hs_deadline(&A.peer), t + 25000);
	for (int i = 1; i <= 4; i++) {
		uint64_t when = t + 25000 * (uint64_t)i;
		cr_assert_eq(tick(&A, when), 0);
		cr_assert_eq(A.act.flags, HS_ACT_KEEPALIVE, "round %d", i);
		cr_assert_eq(seal(&A, when, NULL, &p), 0);
		cr_assert_eq(open_at(&B, when, p, NULL, NULL), 0);
	}
	/* After the session is gone, the persistent keepalive starts a handshake. */
	cr_assert_eq(tick(&A, t + 180000), 0);
	cr_assert_not(A.peer.current.valid);
	cr_assert_eq(A.act.msg_len, HS_INIT_LEN);
}

Test(hs, persistent_keepalive_with_failing_index_allocator)
{
	uint64_t t = T0;

	A.peer.persistent_keepalive_ms = 25000;
	A.fail_index_new = true;
	cr_assert_eq(tick(&A, t + 25000), -ENOSPC);
	cr_assert_eq(A.act.msg_len, 0);
	cr_assert_eq(A.act.deadline_ms, t + 25000 + HS_RETRANSMIT_MS, "retry, do not spin");
	A.fail_index_new = false;
	cr_assert_eq(tick(&A, t + 26000), 0);
	cr_assert_eq(A.act.msg_len, HS_INIT_LEN);
	cr_assert_eq(A.peer.stats.init_failures, 1);
}

Test(hs, replayed_data_dropped)
{
	struct pkt p, q;

	establish(T0);
	cr_assert_eq(seal(&A, T0, "once", &p), 0);
	q = p;
	cr_assert_eq(open_at(&B, T0, p, NULL, NULL), 0);
	cr_assert_eq(open_at(&B, T0, q, NULL, NULL), -EALREADY);
	cr_assert_eq(B.peer.stats.drop_replayed_counter, 1);
	/* Out of order inside the window is fine; too old is not. */
	struct pkt first, second;
	cr_assert_eq(seal(&A, T0, "1", &first), 0);
	cr_assert_eq(seal(&A, T0, "2", &second), 0);
	cr_assert_eq(open_at(&B, T0, second, NULL, NULL), 0);
	cr_assert_eq(open_at(&B, T0, first, NULL, NULL), 0);
	struct pkt old;
	cr_assert_eq(seal(&A, T0, "old", &old), 0);
	for (int i = 0; i < 2100; i++) {
		cr_assert_eq(seal(&A, T0, "n", &p), 0);
		cr_assert_eq(open_at(&B, T0, p, NULL, NULL), 0);
	}
	cr_assert_eq(open_at(&B, T0, old, NULL, NULL), -EALREADY);
	cr_assert_eq(B.peer.stats.drop_replayed_counter, 2);
}

Test(hs, bad_tag_does_not_move_window)
{
	struct pkt p, bad;

	establish(T0);
	cr_assert_eq(seal(&A, T0, "payload", &p), 0);
	bad = p;
	bad.b[CARRIER_HDR_LEN + 2] ^= 0x20;
	cr_assert_eq(open_at(&B, T0, bad, NULL, NULL), -EBADMSG);
	cr_assert_eq(B.peer.stats.drop_bad_tag, 1);
	/* A forged far-ahead counter must not push the window either. */
	bad = p;
	put_be64(bad.b + 8, 1000000);
	cr_assert_eq(open_at(&B, T0, bad, NULL, NULL), -EBADMSG);
	char got[64];
	cr_assert_eq(open_at(&B, T0, p, got, NULL), 0);
	cr_assert_str_eq(got, "payload");
	/* Short and malformed. */
	p.len = CARRIER_OVERHEAD - 1;
	cr_assert_eq(hs_open(&B.peer, T0, p.b, p.len, &(size_t){0}), -EBADMSG);
	cr_assert_eq(B.peer.stats.drop_malformed, 1);
	/* An index registered to the peer but held by no session (a pending handshake). */
	uint8_t ts[12];
	ts_at(ts, T0);
	cr_assert_eq(hs_initiate(&B.peer, T0, ts, &B.act), 0);
	cr_assert_eq(seal(&A, T0, "x", &p), 0);
	put_be32(p.b + 4, B.peer.pending.noise.local_index);
	cr_assert_eq(open_at(&B, T0, p, NULL, NULL), -ENOENT);
	cr_assert_eq(B.peer.stats.drop_unknown_index, 1);
}

Test(hs, unknown_initiator_key)
{
	uint8_t ts[12];

	B.knows_peer = false;
	ts_at(ts, T0);
	cr_assert_eq(hs_initiate(&A.peer, T0, ts, &A.act), 0);
	cr_assert_eq(forward(&A, T0), -ENOKEY);
	cr_assert_null(B.act.peer);
	cr_assert_eq(B.act.msg_len, 0);
	cr_assert_eq(B.act.deadline_ms, HS_NO_DEADLINE);
	cr_assert_eq(B.l.stats.unknown_key, 1);
	cr_assert_eq(B.nidx, 0);
}

Test(hs, wrong_responder_key)
{
	struct node C;
	uint8_t ts[12];

	/* A is configured with client_b's key for its peer, but talks to server_1. */
	node_init(&C, "C", SEED_CLIENT_B, 99, NULL);
	hs_peer_deinit(&A.peer);
	cr_assert_eq(hs_peer_init(&A.peer, &A.l, C.ed_pk, 0), 0);
	ts_at(ts, T0);
	cr_assert_eq(hs_initiate(&A.peer, T0, ts, &A.act), 0);
	cr_assert_eq(forward(&A, T0), -EACCES);
	cr_assert_eq(B.l.stats.bad_mac1, 1);
	cr_assert_eq(B.nidx, 0);
	hs_local_deinit(&C.l);
}

Test(hs, forged_response_keeps_pending)
{
	uint8_t ts[12], resp[HS_RESP_LEN];

	ts_at(ts, T0);
	cr_assert_eq(hs_initiate(&A.peer, T0, ts, &A.act), 0);
	cr_assert_eq(forward(&A, T0), 0);
	memcpy(resp, B.act.msg, HS_RESP_LEN);
	resp[HS_RESP_OFF_E] ^= 1;
	cr_assert_eq(hs_deliver(&A, resp, HS_RESP_LEN, T0), -EACCES);
	cr_assert_eq(A.l.stats.bad_mac1, 1);
	resp[HS_RESP_OFF_E] ^= 1;
	resp[0] = 0x03;
	cr_assert_eq(hs_deliver(&A, resp, HS_RESP_LEN, T0), -EBADMSG);
	resp[0] = CARRIER_TYPE_RESP;
	cr_assert_eq(hs_deliver(&A, resp, HS_RESP_LEN - 1, T0), -EBADMSG);
	cr_assert_eq(A.l.stats.malformed, 2);
	cr_assert(A.peer.pending.active);
	cr_assert_eq(hs_deliver(&A, resp, HS_RESP_LEN, T0), 0);
	cr_assert_eq(A.act.flags, HS_ACT_ESTABLISHED | HS_ACT_KEEPALIVE);
	/* The same response again: no pending handshake holds that index any more. */
	cr_assert_eq(hs_deliver(&A, resp, HS_RESP_LEN, T0), -ENOENT);
	cr_assert_eq(hs_deliver(&A, resp, 0, T0), -EBADMSG);
}

Test(hs, peer_restart_is_accepted)
{
	uint64_t t = T0;

	establish(t);
	/* A restarts: fresh state, same identity, later clock. */
	hs_peer_deinit(&A.peer);
	cr_assert_eq(hs_peer_init(&A.peer, &A.l, B.ed_pk, 0), 0);
	cr_assert_eq(A.nidx, 0);
	struct pkt p;
	cr_assert_eq(seal(&A, t + 30000, "hello again", &p), -ENOTCONN);
	cr_assert_eq(tick(&A, t + 30000), 0);
	cr_assert_eq(forward(&A, t + 30000), 0);
	cr_assert_eq(forward(&B, t + 30000), 0);
	expect_data(&A, &B, t + 30000, "hello again");
	expect_data(&B, &A, t + 30000, "welcome");
	/* B's old session was kept as previous, and its index is still registered until 180 s. */
	cr_assert(B.peer.previous.valid);
	cr_assert_eq(B.nidx, 2);
}

Test(hs, handshake_rejects_garbage_types)
{
	uint8_t m[HS_INIT_LEN] = {0};

	for (int t = 0; t < 256; t++) {
		if (t == CARRIER_TYPE_INIT || t == CARRIER_TYPE_RESP)
			continue;
		m[0] = (uint8_t)t;
		cr_assert_eq(hs_deliver(&B, m, sizeof(m), T0), -EBADMSG);
		cr_assert_null(B.act.peer);
	}
	m[0] = CARRIER_TYPE_INIT;
	cr_assert_eq(hs_deliver(&B, m, sizeof(m), T0), -EACCES);
	cr_assert_eq(B.l.stats.malformed, 254);
	cr_assert_eq(B.l.stats.bad_mac1, 1);
}

Test(hs, local_init_validation)
{
	struct hs_local l;
	struct hs_ops ops = {0};
	uint8_t k[32] = {0};

	cr_assert_eq(hs_local_init(&l, k, k, k, NULL, &ops, NULL), -EINVAL);
	cr_assert_eq(hs_local_init(&l, k, NULL, k, NULL, &A.ops, NULL), -EINVAL);
	cr_assert_eq(hs_local_init(&l, k, k, k, NULL, &A.ops, NULL), 0);
	cr_assert_eq(l.cfg.rekey_after_time_ms, 120000);
	cr_assert_eq(l.cfg.keepalive_ms, 10000);
	cr_assert_eq(l.cfg.replay_window, 2048);
	struct hs_peer p;
	uint8_t bad[32];
	memset(bad, 0xff, sizeof(bad)); /* not a valid Ed25519 point encoding */
	cr_assert_eq(hs_peer_init(&p, &l, bad, 0), -EINVAL);
}
