// SPDX-License-Identifier: MIT
/*
 * handshake.c - the per-neighbor secured-carrier state machine behind
 * handshake.h (spec §5.13 items 3-4). Pure: no I/O, no clock, no libuv, no
 * allocation; randomness and index registration go through struct hs_ops.
 * Owns session keys and wipes them when a session is dropped. hs_seal() and
 * hs_open() are the per-packet path: O(1), silent on success.
 */
#include "handshake.h"

#include <errno.h>
#include <string.h>
#include <sodium.h>

#include "log.h"

void hs_config_default(struct hs_config *cfg)
{
	cfg->rekey_after_time_ms = (uint64_t)SESSION_REKEY_AFTER_TIME_S * 1000;
	cfg->rekey_after_packets = SESSION_REKEY_AFTER_PACKETS;
	cfg->keepalive_ms = (uint64_t)SESSION_KEEPALIVE_S * 1000;
	cfg->replay_window = REPLAY_WINDOW_MIN;
}

int hs_local_init(struct hs_local *l, const uint8_t ed_pk[NOISE_KEY_LEN], const uint8_t *x_sk,
		  const uint8_t x_pk[NOISE_KEY_LEN], const struct hs_config *cfg,
		  const struct hs_ops *ops, void *ctx)
{
	if (!x_sk || !ops || !ops->index_new || !ops->index_free || !ops->peer_by_key ||
	    !ops->peer_by_index)
		return -EINVAL;
	memset(l, 0, sizeof(*l));
	noise_static_init(&l->id, x_sk, x_pk);
	memcpy(l->ed_pk, ed_pk, NOISE_KEY_LEN);
	if (cfg)
		l->cfg = *cfg;
	else
		hs_config_default(&l->cfg);
	l->ops = ops;
	l->ctx = ctx;
	return 0;
}

void hs_local_deinit(struct hs_local *l)
{
	sodium_memzero(l, sizeof(*l));
}

/* ---- sessions ---------------------------------------------------------- */

static void session_drop(struct hs_peer *p, struct hs_session *s)
{
	if (s->valid)
		p->local->ops->index_free(p->local->ctx, s->local_index);
	sodium_memzero(s, sizeof(*s));
}

/* Move @from into @to (which must be empty), leaving @from empty. Indices stay registered. */
static void session_move(struct hs_session *to, struct hs_session *from)
{
	*to = *from;
	sodium_memzero(from, sizeof(*from));
}

static bool session_expired(const struct hs_session *s, uint64_t now_ms)
{
	return now_ms - s->created_ms >= HS_REJECT_AFTER_TIME_MS;
}

static bool can_send(const struct hs_session *s, uint64_t now_ms)
{
	/* Spec §5.13 item 3: never send on a session older than 180 s or past the packet limit.
	 * The current slot only ever holds confirmed sessions. */
	return s->valid && !session_expired(s, now_ms) &&
	       s->send_counter < SESSION_REJECT_AFTER_PACKETS;
}

static bool next_fresh(const struct hs_peer *p, uint64_t now_ms)
{
	return p->next.valid && now_ms - p->next.created_ms < HS_CONFIRM_WAIT_MS;
}

static void session_fill(struct hs_peer *p, struct hs_session *s, struct noise_hs *hs,
			 uint64_t now_ms, bool initiator)
{
	s->valid = true;
	s->initiator = initiator;
	s->confirmed = initiator;
	s->local_index = hs->local_index;
	s->remote_index = hs->remote_index;
	s->created_ms = now_ms;
	s->send_counter = 0;
	replay_init(&s->replay, p->local->cfg.replay_window);
	/* Only called with a READY handshake, so split cannot fail. */
	OMNI_ASSERT(noise_split(hs, s->send_key, s->recv_key) == 0);
}

static void became_usable(struct hs_peer *p, uint64_t now_ms)
{
	p->stats.handshakes_completed++;
	p->has_handshake = true;
	p->last_handshake_ms = now_ms;
	p->rekey_wanted = false;
}

/* ---- pending initiation ------------------------------------------------ */

static void pending_drop(struct hs_peer *p)
{
	if (p->pending.active)
		p->local->ops->index_free(p->local->ctx, p->pending.noise.local_index);
	sodium_memzero(&p->pending, sizeof(p->pending));
}

static void draw_random(const struct hs_local *l, uint8_t *buf, size_t len)
{
	if (l->ops->random)
		l->ops->random(l->ctx, buf, len);
	else
		randombytes_buf(buf, len);
}

/* Big-endian increment of a TAI64N label. */
static void ts_bump(uint8_t ts[NOISE_TAI64N_LEN])
{
	for (int i = NOISE_TAI64N_LEN - 1; i >= 0; i--)
		if (++ts[i] != 0)
			break;
}

/*
 * Build and emit an initiation for the pending handshake (a new one when
 * !pending.active). Retransmissions are fresh initiations (new ephemeral, newer
 * timestamp) under the same index: a byte-identical copy would be dropped by
 * the responder as a replayed timestamp if the first one had reached it.
 */
static int send_initiation(struct hs_peer *p, uint64_t now_ms, const uint8_t ts[NOISE_TAI64N_LEN],
			   struct hs_actions *act)
{
	struct hs_local *l = p->local;
	struct hs_pending *pd = &p->pending;
	uint8_t e_sk[NOISE_KEY_LEN], use_ts[NOISE_TAI64N_LEN];
	uint32_t index;
	int rc;

	if (pd->active) {
		index = pd->noise.local_index;
	} else {
		rc = l->ops->index_new(l->ctx, p, &index);
		if (rc < 0) {
			p->stats.init_failures++;
			p->init_retry_ms = now_ms + HS_RETRANSMIT_MS;
			return rc;
		}
	}
	memcpy(use_ts, ts, sizeof(use_ts));
	if (memcmp(use_ts, p->last_sent_ts, sizeof(use_ts)) <= 0) {
		memcpy(use_ts, p->last_sent_ts, sizeof(use_ts));
		ts_bump(use_ts);
	}
	draw_random(l, e_sk, sizeof(e_sk));
	rc = noise_initiation_create(&pd->noise, &l->id, p->x_pk, index, use_ts, e_sk, act->msg);
	sodium_memzero(e_sk, sizeof(e_sk));
	if (rc < 0) {
		/* Only a low-order peer key gets here; noise wiped the state. */
		l->ops->index_free(l->ctx, index);
		sodium_memzero(pd, sizeof(*pd));
		p->stats.init_failures++;
		p->init_retry_ms = now_ms + HS_RETRANSMIT_MS;
		return rc;
	}
	memcpy(p->last_sent_ts, use_ts, sizeof(use_ts));
	act->msg_len = HS_INIT_LEN;
	p->stats.initiations_sent++;
	if (!pd->active) {
		pd->active = true;
		pd->first_sent_ms = now_ms;
		pd->backoff_ms = HS_RETRANSMIT_MS;
		p->stats.handshakes_initiated++;
	} else {
		pd->backoff_ms = MIN(pd->backoff_ms * 2, (uint32_t)HS_RETRANSMIT_MAX_MS);
	}
	pd->last_sent_ms = now_ms;
	pd->next_retx_ms = now_ms + pd->backoff_ms;
	p->rekey_wanted = false;
	return 0;
}

/* ---- timers ------------------------------------------------------------ */

static bool persistent_due(const struct hs_peer *p, uint64_t now_ms)
{
	return p->persistent_keepalive_ms && now_ms - p->last_sent_ms >= p->persistent_keepalive_ms;
}

/* Whether hs_tick() should start a handshake (no pending one exists). */
static bool need_handshake(const struct hs_peer *p, uint64_t now_ms)
{
	if (now_ms < p->init_retry_ms)
		return false;
	/* The peer's own handshake is about to give us a session: wait for its first packet. */
	if (next_fresh(p, now_ms))
		return false;
	if (p->rekey_wanted)
		return true;
	if (can_send(&p->current, now_ms))
		return false;
	return p->want_session || persistent_due(p, now_ms);
}

static uint64_t umin(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The instant at which need_handshake() becomes true if nothing else happens. */
static uint64_t handshake_due(const struct hs_peer *p, uint64_t now_ms, bool sendable)
{
	uint64_t t;

	if (p->pending.active)
		return HS_NO_DEADLINE;
	if (next_fresh(p, now_ms)) {
		if (!p->want_session && !p->rekey_wanted && !p->persistent_keepalive_ms)
			return HS_NO_DEADLINE;
		t = p->next.created_ms + HS_CONFIRM_WAIT_MS;
	} else if (p->rekey_wanted || (!sendable && p->want_session)) {
		t = now_ms;
	} else if (!sendable && p->persistent_keepalive_ms) {
		t = p->last_sent_ms + p->persistent_keepalive_ms;
	} else {
		return HS_NO_DEADLINE;
	}
	return MAX(t, p->init_retry_ms);
}

/*
 * Full deadline computation. Every term is an instant at which hs_tick() acts
 * (and after acting, moves the term past now), so a timer cannot spin.
 */
static uint64_t compute_deadline(const struct hs_peer *p, uint64_t now_ms)
{
	const struct hs_session *const ss[] = {&p->current, &p->previous, &p->next};
	uint64_t d = HS_NO_DEADLINE;
	bool sendable = can_send(&p->current, now_ms);

	for (size_t i = 0; i < ARRAY_SIZE(ss); i++)
		if (ss[i]->valid)
			d = umin(d, ss[i]->created_ms + HS_REJECT_AFTER_TIME_MS);
	if (p->pending.active) {
		d = umin(d, p->pending.next_retx_ms);
		d = umin(d, p->pending.first_sent_ms + HS_GIVE_UP_MS);
	}
	d = umin(d, handshake_due(p, now_ms, sendable));
	if (sendable) {
		if (p->want_session)
			d = umin(d, now_ms);
		if (p->ka_pending)
			d = umin(d, p->ka_since_ms + p->local->cfg.keepalive_ms);
		if (p->persistent_keepalive_ms)
			d = umin(d, p->last_sent_ms + p->persistent_keepalive_ms);
	}
	return d;
}

static void act_clear(struct hs_actions *act, struct hs_peer *p)
{
	act->peer = p;
	act->flags = 0;
	act->msg_len = 0;
	act->deadline_ms = p ? p->deadline_ms : HS_NO_DEADLINE;
}

static void set_deadline(struct hs_peer *p, uint64_t now_ms, struct hs_actions *act)
{
	p->deadline_ms = compute_deadline(p, now_ms);
	if (act)
		act->deadline_ms = p->deadline_ms;
}

int hs_tick(struct hs_peer *p, uint64_t now_ms, const uint8_t ts[NOISE_TAI64N_LEN],
	    struct hs_actions *act)
{
	int rc = 0;

	act_clear(act, p);
	if (p->current.valid && session_expired(&p->current, now_ms))
		session_drop(p, &p->current);
	if (p->previous.valid && session_expired(&p->previous, now_ms))
		session_drop(p, &p->previous);
	if (p->next.valid && session_expired(&p->next, now_ms))
		session_drop(p, &p->next);

	if (p->pending.active) {
		if (now_ms - p->pending.first_sent_ms >= HS_GIVE_UP_MS) {
			pending_drop(p);
			p->stats.handshakes_given_up++;
			p->rekey_wanted = false;
			if (p->want_session) {
				p->want_session = false;
				act->flags |= HS_ACT_GAVE_UP;
			}
			log_remote(LOG_GRP_HS, "handshake gave up after %u s without a response",
				   HS_GIVE_UP_MS / 1000);
		} else if (now_ms >= p->pending.next_retx_ms) {
			rc = send_initiation(p, now_ms, ts, act);
		}
	}
	if (!p->pending.active && !act->msg_len && need_handshake(p, now_ms))
		rc = send_initiation(p, now_ms, ts, act);

	if (can_send(&p->current, now_ms)) {
		if (p->want_session) {
			p->want_session = false;
			act->flags |= HS_ACT_FLUSH;
		} else if ((p->ka_pending &&
			    now_ms - p->ka_since_ms >= p->local->cfg.keepalive_ms) ||
			   persistent_due(p, now_ms)) {
			act->flags |= HS_ACT_KEEPALIVE;
		}
		if (act->flags & (HS_ACT_FLUSH | HS_ACT_KEEPALIVE)) {
			/* Counted as sent even if the daemon has no endpoint, so a timer cannot
			 * spin; hs_seal() sets the same fields again. */
			p->ka_pending = false;
			p->last_sent_ms = now_ms;
		}
	}
	set_deadline(p, now_ms, act);
	return rc;
}

int hs_want_session(struct hs_peer *p, uint64_t now_ms, const uint8_t ts[NOISE_TAI64N_LEN],
		    struct hs_actions *act)
{
	p->want_session = true;
	return hs_tick(p, now_ms, ts, act);
}

int hs_initiate(struct hs_peer *p, uint64_t now_ms, const uint8_t ts[NOISE_TAI64N_LEN],
		struct hs_actions *act)
{
	if (!p->pending.active)
		p->rekey_wanted = true;
	return hs_tick(p, now_ms, ts, act);
}

/* ---- data path --------------------------------------------------------- */

int hs_seal(struct hs_peer *p, uint64_t now_ms, uint8_t *buf, size_t plain_len, size_t *out_len)
{
	struct hs_session *s = &p->current;
	const struct hs_config *cfg = &p->local->cfg;

	if (unlikely(!can_send(s, now_ms))) {
		p->want_session = true;
		p->deadline_ms = now_ms;
		*out_len = 0;
		return -ENOTCONN;
	}
	*out_len = carrier_seal(s->send_key, s->remote_index, s->send_counter++, buf, plain_len);
	p->last_sent_ms = now_ms;
	p->ka_pending = false;
	if (plain_len)
		p->stats.tx_data++;
	else
		p->stats.tx_keepalive++;
	/* Spec §5.13 item 3: rekey when the sending session reaches the packet limit, or the time
	 * limit if we initiated it (the responder's side is renewed by the initiator, or by
	 * initiating itself once the session is rejected). */
	if (unlikely(!p->rekey_wanted && !p->pending.active &&
		     (s->send_counter >= cfg->rekey_after_packets ||
		      (s->initiator && now_ms - s->created_ms >= cfg->rekey_after_time_ms)))) {
		p->rekey_wanted = true;
		p->deadline_ms = now_ms;
	}
	return 0;
}

/* The responder's next session was confirmed by a packet: it becomes current. */
static void promote_next(struct hs_peer *p, uint64_t now_ms)
{
	session_drop(p, &p->previous);
	if (p->current.valid)
		session_move(&p->previous, &p->current);
	p->next.confirmed = true;
	session_move(&p->current, &p->next);
	became_usable(p, now_ms);
	if (p->want_session)
		p->deadline_ms = now_ms;
}

int hs_open(struct hs_peer *p, uint64_t now_ms, uint8_t *buf, size_t len, size_t *plain_len)
{
	struct hs_session *s;
	uint32_t index;
	uint64_t counter;

	*plain_len = 0;
	if (unlikely(carrier_parse_hdr(buf, len, &index, &counter) < 0)) {
		p->stats.drop_malformed++;
		return -EBADMSG;
	}
	if (p->current.valid && p->current.local_index == index)
		s = &p->current;
	else if (p->previous.valid && p->previous.local_index == index)
		s = &p->previous;
	else if (p->next.valid && p->next.local_index == index)
		s = &p->next;
	else {
		p->stats.drop_unknown_index++;
		return -ENOENT;
	}
	if (unlikely(session_expired(s, now_ms) || counter >= SESSION_REJECT_AFTER_PACKETS)) {
		p->stats.drop_stale_session++;
		return -ESTALE;
	}
	if (!replay_check(&s->replay, counter)) {
		p->stats.drop_replayed_counter++;
		return -EALREADY;
	}
	if (carrier_open(s->recv_key, counter, buf, len) < 0) {
		p->stats.drop_bad_tag++;
		return -EBADMSG;
	}
	/* Spec §5.13 item 4: the window moves only after the tag verified. */
	(void)replay_update(&s->replay, counter);
	if (unlikely(s == &p->next)) {
		promote_next(p, now_ms);
		s = &p->current;
	}
	p->last_recv_ms = now_ms;
	*plain_len = len - CARRIER_OVERHEAD;
	if (*plain_len) {
		p->stats.rx_data++;
		/* A keepalive never asks for a keepalive back, or two idle peers would ping-pong.
		 */
		if (!p->ka_pending) {
			p->ka_pending = true;
			p->ka_since_ms = now_ms;
			p->deadline_ms = umin(p->deadline_ms, now_ms + p->local->cfg.keepalive_ms);
		}
	} else {
		p->stats.rx_keepalive++;
	}
	if (unlikely(s == &p->current && s->initiator && !p->rekey_wanted && !p->pending.active &&
		     now_ms - s->created_ms >= HS_REKEY_ON_RECV_MS)) {
		p->rekey_wanted = true;
		p->deadline_ms = now_ms;
	}
	return 0;
}

/* ---- handshake messages ------------------------------------------------ */

static int take_initiation(struct hs_local *l, const uint8_t *msg, size_t len, uint64_t now_ms,
			   struct hs_actions *act)
{
	struct noise_hs hs;
	uint8_t rs[NOISE_KEY_LEN], ts[NOISE_TAI64N_LEN], e_sk[NOISE_KEY_LEN];
	struct hs_peer *p;
	uint32_t index;
	int rc;

	rc = noise_initiation_consume(&hs, &l->id, msg, len, rs, ts);
	if (rc < 0) {
		if (rc == -EACCES)
			l->stats.bad_mac1++;
		else if (rc == -EPROTO)
			l->stats.bad_handshake++;
		else
			l->stats.malformed++;
		log_remote(LOG_GRP_HS, "handshake initiation dropped: %s",
			   rc == -EACCES   ? "bad mac1"
			   : rc == -EPROTO ? "failed"
					   : "malformed");
		return rc;
	}
	p = l->ops->peer_by_key(l->ctx, rs);
	if (!p) {
		l->stats.unknown_key++;
		log_remote(LOG_GRP_HS, "handshake initiation from an unknown key dropped");
		rc = -ENOKEY;
		goto out;
	}
	act->peer = p;
	act->deadline_ms = p->deadline_ms;
	/* Spec §5.13 item 3: drop unless the timestamp is newer than the last accepted one. */
	if (memcmp(ts, p->last_ts, sizeof(ts)) <= 0) {
		p->stats.drop_replayed_ts++;
		log_remote(LOG_GRP_HS, "handshake initiation with a replayed timestamp dropped");
		rc = -EALREADY;
		goto out;
	}
	/* Simultaneous initiation: the lower Ed25519 key answers, the higher one ignores. */
	if (p->pending.active && memcmp(l->ed_pk, p->ed_pk, NOISE_KEY_LEN) >= 0) {
		p->stats.drop_ignored_init++;
		rc = -EBUSY;
		goto out;
	}
	rc = l->ops->index_new(l->ctx, p, &index);
	if (rc < 0)
		goto out;
	draw_random(l, e_sk, sizeof(e_sk));
	rc = noise_response_create(&hs, index, e_sk, act->msg);
	sodium_memzero(e_sk, sizeof(e_sk));
	if (rc < 0) {
		l->ops->index_free(l->ctx, index);
		l->stats.bad_handshake++;
		goto out;
	}
	memcpy(p->last_ts, ts, sizeof(ts));
	p->last_recv_ms = now_ms;
	if (p->pending.active) {
		pending_drop(p);
		p->stats.handshakes_abandoned++;
	}
	session_drop(p, &p->next);
	session_fill(p, &p->next, &hs, now_ms, false);
	act->msg_len = HS_RESP_LEN;
	p->stats.responses_sent++;
	set_deadline(p, now_ms, act);
out:
	noise_hs_wipe(&hs);
	sodium_memzero(ts, sizeof(ts));
	return rc;
}

static int take_response(struct hs_local *l, const uint8_t *msg, size_t len, uint64_t now_ms,
			 struct hs_actions *act)
{
	uint32_t sender, receiver;
	struct hs_peer *p;
	int rc;

	if (noise_response_peek(msg, len, &sender, &receiver) < 0) {
		l->stats.malformed++;
		return -EBADMSG;
	}
	p = l->ops->peer_by_index(l->ctx, receiver);
	if (!p || !p->pending.active || p->pending.noise.local_index != receiver) {
		l->stats.unknown_index++;
		return -ENOENT;
	}
	act->peer = p;
	act->deadline_ms = p->deadline_ms;
	rc = noise_response_consume(&p->pending.noise, &l->id, msg, len);
	if (rc < 0) {
		if (rc == -EACCES)
			l->stats.bad_mac1++;
		else
			p->stats.drop_bad_handshake++;
		log_remote(LOG_GRP_HS, "handshake response dropped: %s",
			   rc == -EACCES ? "bad mac1" : "failed");
		return rc;
	}
	/* The pending index becomes the new session's index: nothing to free. */
	session_drop(p, &p->previous);
	if (p->current.valid)
		session_move(&p->previous, &p->current);
	session_drop(p, &p->next);
	session_fill(p, &p->current, &p->pending.noise, now_ms, true);
	sodium_memzero(&p->pending, sizeof(p->pending));
	became_usable(p, now_ms);
	p->last_recv_ms = now_ms;

	/* Spec §5.13 item 3: the initiator confirms at once, with data or a keepalive. */
	act->flags |= HS_ACT_ESTABLISHED;
	if (p->want_session) {
		p->want_session = false;
		act->flags |= HS_ACT_FLUSH;
	} else {
		act->flags |= HS_ACT_KEEPALIVE;
	}
	p->ka_pending = false;
	p->last_sent_ms = now_ms;
	set_deadline(p, now_ms, act);
	log_debug(LOG_GRP_HS, "session established (initiator)");
	return 0;
}

int hs_receive_handshake(struct hs_local *l, const uint8_t *msg, size_t len, uint64_t now_ms,
			 struct hs_actions *act)
{
	act_clear(act, NULL);
	if (len >= 1 && msg[0] == CARRIER_TYPE_INIT)
		return take_initiation(l, msg, len, now_ms, act);
	if (len >= 1 && msg[0] == CARRIER_TYPE_RESP)
		return take_response(l, msg, len, now_ms, act);
	l->stats.malformed++;
	return -EBADMSG;
}

/* ---- lifecycle and status ---------------------------------------------- */

int hs_peer_init(struct hs_peer *p, struct hs_local *l, const uint8_t ed_pk[NOISE_KEY_LEN],
		 uint32_t persistent_keepalive_s)
{
	memset(p, 0, sizeof(*p));
	if (crypto_sign_ed25519_pk_to_curve25519(p->x_pk, ed_pk) != 0)
		return -EINVAL;
	p->local = l;
	memcpy(p->ed_pk, ed_pk, NOISE_KEY_LEN);
	p->persistent_keepalive_ms = (uint64_t)persistent_keepalive_s * 1000;
	p->deadline_ms = HS_NO_DEADLINE;
	return 0;
}

void hs_peer_deinit(struct hs_peer *p)
{
	if (!p->local)
		return;
	pending_drop(p);
	session_drop(p, &p->current);
	session_drop(p, &p->previous);
	session_drop(p, &p->next);
	sodium_memzero(p, sizeof(*p));
	p->deadline_ms = HS_NO_DEADLINE;
}

bool hs_established(const struct hs_peer *p, uint64_t now_ms)
{
	return can_send(&p->current, now_ms);
}

void hs_status(const struct hs_peer *p, uint64_t now_ms, struct hs_status *out)
{
	memset(out, 0, sizeof(*out));
	out->established = can_send(&p->current, now_ms);
	out->handshake_pending = p->pending.active;
	out->has_handshake = p->has_handshake;
	out->last_handshake_ms = p->last_handshake_ms;
	out->last_sent_ms = p->last_sent_ms;
	out->last_recv_ms = p->last_recv_ms;
	if (p->current.valid)
		out->session_age_ms = now_ms - p->current.created_ms;
	out->stats = p->stats;
}
