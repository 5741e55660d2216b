/* SPDX-License-Identifier: MIT */
/*
 * handshake.h - per-neighbor session state machine for secured carriers (spec
 * §5.13 items 3-4): the pending Noise_IK handshake we initiated, the current,
 * previous and (responder side) next session, the anti-replay windows, the
 * rekey / reject / keepalive / retransmit timers, and the drop counters.
 *
 * It is PURE: events in, actions out. It never does I/O, never reads a clock
 * (the caller passes a monotonic now_ms and, where an initiation may be built,
 * a wall-clock TAI64N), never draws randomness except through struct hs_ops
 * (ephemeral keys, and the daemon's index allocator), never allocates, and
 * never owns the peer table or the index table: the daemon does, and is told
 * through callbacks. All functions run on the loop thread; nothing is locked.
 *
 * Daemon contract, per peer (struct hs_peer is embedded in the daemon's peer):
 *  - Outbound packet: hs_seal(). -ENOTCONN means "no usable session": queue the
 *    packet; hs_seal() has set the peer's deadline to now, so call hs_tick().
 *  - Inbound 0x04: carrier_parse_hdr() for the receiver index, look the index up
 *    in the daemon's index table (index -> struct hs_peer *), then hs_open().
 *    An index nobody holds: hs_local_note_unknown_index() and drop.
 *  - Inbound 0x01/0x02: hs_receive_handshake(); it finds the peer through
 *    hs_ops.peer_by_key / peer_by_index and returns the actions.
 *  - Timer: after EVERY hs_* call on a peer, hs_deadline(peer) may have moved
 *    (earlier only, except hs_tick which recomputes it); (re)arm the peer's timer
 *    for it and call hs_tick() when it is reached (late or early calls are
 *    harmless). UINT64_MAX means nothing is scheduled.
 *  - Actions (struct hs_actions): send act->msg (act->msg_len octets) to the
 *    peer's endpoint (a response goes back to where the initiation came from);
 *    HS_ACT_FLUSH: seal and send the queued packets now, and if the queue turned
 *    out to be empty send a keepalive instead (key confirmation); HS_ACT_KEEPALIVE:
 *    hs_seal() an empty plaintext and send it; HS_ACT_GAVE_UP: the handshake
 *    failed for 90 s, drop the queued packets.
 *  - Roaming: after hs_open() or hs_receive_handshake() returned 0, the source
 *    address of that datagram becomes the peer's endpoint (spec §5.13 item 4).
 *  - Rate-limiting handshake work per source address and globally (spec §5.13
 *    item 3) is the daemon's job, before hs_receive_handshake().
 *
 * Index ownership: every local index comes from hs_ops.index_new (the daemon
 * draws a random 32-bit value not in its table and registers index -> peer)
 * and goes back through hs_ops.index_free exactly once, when the pending
 * handshake or session holding it is dropped. Sessions move between the
 * current/previous/next slots without changing index, so the daemon's table
 * maps an index to the PEER only; hs_open() picks the session.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "noise.h"
#include "omni_wire.h"
#include "replay.h"
#include "util.h"
#include "wire_carrier.h"

/* Timers derived from spec §5.12-5.13 [P] (omnid's choices where it is silent). */
#define HS_REJECT_AFTER_TIME_MS ((uint64_t)SESSION_REJECT_AFTER_TIME_S * 1000)
/* A responder with an unconfirmed session waits this long for the initiator's first packet
 * before it initiates on its own (WireGuard's REKEY_TIMEOUT). */
#define HS_CONFIRM_WAIT_MS 5000
/* The initiator of the current session also rekeys when it RECEIVES on a session this old, so a
 * session that only carries traffic towards it is renewed before it is rejected
 * (180 s - keepalive 10 s - 5 s, WireGuard's rule). */
#define HS_REKEY_ON_RECV_MS                                                                        \
	(HS_REJECT_AFTER_TIME_MS - (uint64_t)SESSION_KEEPALIVE_S * 1000 - HS_RETRANSMIT_MAX_MS)
#define HS_NO_DEADLINE UINT64_MAX

/** Tunables from [secure] (spec §5.14); hs_config_default() fills the defaults. */
struct hs_config {
	uint64_t rekey_after_time_ms; /* 120000 */
	uint64_t rekey_after_packets; /* 2^60 */
	uint64_t keepalive_ms;	      /* 10000 */
	uint32_t replay_window;	      /* 2048 (see replay.h for rounding) */
};

struct hs_peer;

/**
 * Callbacks into the daemon. All are called synchronously from inside hs_*
 * calls with the @ctx given to hs_local_init(); none may call back into hs_*.
 */
struct hs_ops {
	/** Draw a random 32-bit index not in use, register it -> @peer, store it in *@index.
	 *  Returns 0 or a negative errno (the handshake step is then abandoned). */
	int (*index_new)(void *ctx, struct hs_peer *peer, uint32_t *index);
	/** Unregister @index (called exactly once per index_new that returned 0). */
	void (*index_free)(void *ctx, uint32_t index);
	/** The configured neighbor whose static X25519 public key is @x_pk, or NULL. */
	struct hs_peer *(*peer_by_key)(void *ctx, const uint8_t x_pk[NOISE_KEY_LEN]);
	/** The peer that registered @index, or NULL. */
	struct hs_peer *(*peer_by_index)(void *ctx, uint32_t index);
	/** Fill @buf with @len random octets (ephemeral keys). NULL: randombytes_buf. */
	void (*random)(void *ctx, void *buf, size_t len);
};

/** Drops that cannot be attributed to a peer (counted in struct hs_local). */
struct hs_global_stats {
	uint64_t malformed;	/* handshake message of the wrong length/type/reserved */
	uint64_t bad_mac1;	/* mac1 did not verify (no DH was done) */
	uint64_t bad_handshake; /* initiation with a good mac1 that failed DH/decryption */
	uint64_t unknown_key;	/* initiation from a static key that is not a neighbor's */
	uint64_t unknown_index; /* response or data packet for an index nobody holds */
};

/** Per-peer counters, for omnictl status. */
struct hs_peer_stats {
	uint64_t handshakes_initiated; /* pending handshakes started */
	uint64_t initiations_sent;     /* including retransmissions */
	uint64_t responses_sent;
	uint64_t handshakes_completed; /* sessions that became usable (either role) */
	uint64_t handshakes_given_up;  /* 90 s without a response */
	uint64_t handshakes_abandoned; /* ours dropped because we answered theirs (lower key) */
	uint64_t tx_data, tx_keepalive, rx_data, rx_keepalive;
	/* drops by reason */
	uint64_t drop_replayed_ts;	/* initiation timestamp not newer than the last accepted */
	uint64_t drop_ignored_init;	/* theirs while ours is pending and our key is higher */
	uint64_t drop_bad_handshake;	/* response for our pending handshake that failed */
	uint64_t drop_bad_tag;		/* data packet whose tag did not verify */
	uint64_t drop_replayed_counter; /* data counter already seen or left of the window */
	uint64_t drop_unknown_index;	/* data index registered to this peer but no live session */
	uint64_t drop_stale_session;	/* data on a session past its reject time / packet limit */
	uint64_t drop_malformed;	/* data packet shorter than 32 octets or bad header */
	uint64_t init_failures;		/* index_new or noise failure while initiating */
};

/** One set of transport keys (spec §5.13 item 3 Split()). Owned by its hs_peer. */
struct hs_session {
	bool valid;
	bool initiator;	       /* we sent the initiation */
	bool confirmed;	       /* initiator: always; responder: once a packet arrived on it */
	uint32_t local_index;  /* index the peer puts in packets for us */
	uint32_t remote_index; /* index we put in packets for the peer */
	uint64_t created_ms;
	uint64_t send_counter; /* next counter to use */
	uint8_t send_key[NOISE_KEY_LEN];
	uint8_t recv_key[NOISE_KEY_LEN];
	struct replay replay;
};

/** Our own initiation while it waits for a response. */
struct hs_pending {
	bool active;
	struct noise_hs noise; /* noise.local_index is the registered index */
	uint64_t first_sent_ms;
	uint64_t last_sent_ms;
	uint64_t next_retx_ms;
	uint32_t backoff_ms; /* 1000, doubling to 5000 */
};

/** Our identity, the config and the callbacks: one per daemon, shared by all peers. */
struct hs_local {
	struct noise_static id;	      /* X25519 identity (private key borrowed) */
	uint8_t ed_pk[NOISE_KEY_LEN]; /* Ed25519 public key, for the tie-break */
	struct hs_config cfg;	      /* may be changed between calls (reload) */
	const struct hs_ops *ops;
	void *ctx;
	struct hs_global_stats stats;
};

/** Per-neighbor state. Embedded in the daemon's peer (use container_of). */
struct hs_peer {
	struct hs_local *local;		  /* borrowed */
	uint8_t ed_pk[NOISE_KEY_LEN];	  /* the neighbor's Ed25519 public key */
	uint8_t x_pk[NOISE_KEY_LEN];	  /* ... converted to X25519 (peer_by_key looks this up) */
	uint64_t persistent_keepalive_ms; /* 0 = off; may be changed between calls */

	struct hs_pending pending;
	struct hs_session current;  /* the one we send on */
	struct hs_session previous; /* kept for receiving until it expires */
	struct hs_session next;	    /* responder: answered, not yet confirmed */

	uint8_t last_ts[NOISE_TAI64N_LEN];	/* last accepted initiation timestamp from them */
	uint8_t last_sent_ts[NOISE_TAI64N_LEN]; /* last timestamp we sent them */
	uint64_t last_sent_ms;			/* last authenticated packet sealed for them */
	uint64_t last_recv_ms;			/* last authenticated packet/handshake from them */
	uint64_t ka_since_ms;	    /* first data received since we last sent (if ka_pending) */
	bool ka_pending;	    /* received data, sent nothing since */
	bool want_session;	    /* hs_seal() returned -ENOTCONN: packets are queued */
	bool rekey_wanted;	    /* start a new handshake at the next hs_tick() */
	bool has_handshake;	    /* last_handshake_ms is meaningful */
	uint64_t init_retry_ms;	    /* no new initiation before this (set when one failed) */
	uint64_t last_handshake_ms; /* when the current session became usable */
	uint64_t deadline_ms;	    /* see hs_deadline() */
	struct hs_peer_stats stats;
};

#define HS_ACT_ESTABLISHED (1U << 0) /* a new session is usable for sending */
#define HS_ACT_FLUSH (1U << 1)	     /* send the queued packets now (keepalive if none) */
#define HS_ACT_KEEPALIVE (1U << 2)   /* seal and send an empty plaintext now */
#define HS_ACT_GAVE_UP (1U << 3)     /* handshake abandoned after 90 s: drop the queue */

/** What the daemon must do after an event. Filled completely by every call that takes one. */
struct hs_actions {
	struct hs_peer
	    *peer;	/* the peer concerned; NULL if a message was dropped before one was known */
	unsigned flags; /* HS_ACT_* */
	size_t msg_len; /* 0, HS_INIT_LEN or HS_RESP_LEN */
	uint8_t msg[HS_INIT_LEN];
	uint64_t deadline_ms; /* == hs_deadline(peer), or HS_NO_DEADLINE without a peer */
};

/** Snapshot for status output. */
struct hs_status {
	bool established; /* the current session can send now */
	bool handshake_pending;
	bool has_handshake;
	uint64_t last_handshake_ms; /* monotonic ms, valid if has_handshake */
	uint64_t last_sent_ms, last_recv_ms;
	uint64_t session_age_ms; /* of the current session, 0 if none */
	struct hs_peer_stats stats;
};

/** Defaults of spec §5.14 [secure]. */
void hs_config_default(struct hs_config *cfg);

/**
 * Set up @l. @x_sk (32 octets) is borrowed and must outlive @l; @ed_pk and
 * @x_pk are copied; @cfg is copied; @ops and @ctx are borrowed (ops->index_new,
 * index_free, peer_by_key and peer_by_index are required). Returns 0 or -EINVAL.
 */
int hs_local_init(struct hs_local *l, const uint8_t ed_pk[NOISE_KEY_LEN], const uint8_t *x_sk,
		  const uint8_t x_pk[NOISE_KEY_LEN], const struct hs_config *cfg,
		  const struct hs_ops *ops, void *ctx) WUR;

/** Wipe @l (does not touch peers; deinit them first). */
void hs_local_deinit(struct hs_local *l);

/**
 * Set up @p for the neighbor with Ed25519 public key @ed_pk, sharing @l.
 * Converts @ed_pk to X25519 (p->x_pk; index your key table on it). No session,
 * nothing scheduled (hs_deadline() is HS_NO_DEADLINE): call hs_initiate() at
 * start-up for a neighbor with an endpoint, or hs_tick() once so that a
 * persistent keepalive gets scheduled. Returns 0, or -EINVAL when @ed_pk is
 * not a valid point.
 */
int hs_peer_init(struct hs_peer *p, struct hs_local *l, const uint8_t ed_pk[NOISE_KEY_LEN],
		 uint32_t persistent_keepalive_s) WUR;

/** Release every index @p holds (through ops->index_free) and wipe all its keys. */
void hs_peer_deinit(struct hs_peer *p);

/**
 * Seal one packet for @p in place (see carrier_seal() for the @buf layout:
 * CARRIER_HDR_LEN room, @plain_len plaintext, CARRIER_TAG_LEN room). @plain_len
 * 0 makes a keepalive. Returns 0 with *@out_len = total length, or -ENOTCONN
 * when no session may send (none, the responder's session is not confirmed
 * yet, older than 180 s, or at the packet limit): @buf is untouched, the
 * packet should be queued, and the deadline is now. O(1), no allocation, no
 * logging. May schedule a rekey (deadline = now) when the session reaches
 * rekey_after_packets, or rekey_after_time if we initiated it.
 */
int hs_seal(struct hs_peer *p, uint64_t now_ms, uint8_t *buf, size_t plain_len,
	    size_t *out_len) WUR;

/**
 * Authenticate and decrypt one type-0x04 datagram that the daemon's index
 * table attributed to @p (@buf/@len = the whole UDP payload, decrypted in
 * place). Order: header, session by receiver index, age/limit, replay check,
 * tag, then window update (only after the tag verified). Returns 0 with the
 * plaintext at @buf + CARRIER_HDR_LEN and *@plain_len octets long (0 = a
 * keepalive: nothing for the TUN). A packet on the responder's unconfirmed
 * session confirms it (it becomes current). Errors, each counted in p->stats:
 * -EBADMSG short/bad header or bad tag, -ENOENT no session of @p holds the
 * index, -ESTALE session too old or past the packet limit, -EALREADY counter
 * replayed or left of the window. O(1), no allocation, no logging.
 */
int hs_open(struct hs_peer *p, uint64_t now_ms, uint8_t *buf, size_t len, size_t *plain_len) WUR;

/**
 * Process a received handshake message (first octet 0x01 or 0x02; anything
 * else is -EBADMSG). Fills @act completely (act->peer NULL when no peer was
 * identified). Initiation: mac1, DH/decrypt, peer_by_key, timestamp newer than
 * the last accepted, the simultaneous-initiation tie-break, then a response in
 * act->msg and a new unconfirmed session. Response: peer_by_index, pending
 * handshake with that index, mac1, DH/decrypt, then the new current session
 * (act->flags ESTABLISHED plus FLUSH or KEEPALIVE). Returns 0 or: -EBADMSG
 * malformed, -EACCES bad mac1, -EPROTO failed DH/decryption, -ENOKEY unknown
 * static key, -ENOENT unknown receiver index or no pending handshake for it,
 * -EALREADY replayed timestamp, -EBUSY ignored (our initiation is pending and
 * our key is higher), or an errno from ops->index_new / the responder's DH.
 */
int hs_receive_handshake(struct hs_local *l, const uint8_t *msg, size_t len, uint64_t now_ms,
			 struct hs_actions *act) WUR;

/**
 * Timer event for @p: expire sessions older than 180 s, retransmit or give up
 * the pending handshake, start one if needed (a queued packet and no usable
 * session, a rekey, a persistent keepalive with no session), report FLUSH /
 * KEEPALIVE, and compute the next deadline. @ts is the wall-clock TAI64N
 * (noise_tai64n()) used if an initiation is built; it is bumped internally so
 * successive initiations to one peer always carry increasing timestamps.
 * Fills @act completely. Returns 0, or a negative errno when an initiation
 * could not be built (ops->index_new failed; retried 1 s later).
 */
int hs_tick(struct hs_peer *p, uint64_t now_ms, const uint8_t ts[NOISE_TAI64N_LEN],
	    struct hs_actions *act) WUR;

/** Note that packets are queued for @p, then hs_tick(). Same returns. */
int hs_want_session(struct hs_peer *p, uint64_t now_ms, const uint8_t ts[NOISE_TAI64N_LEN],
		    struct hs_actions *act) WUR;

/**
 * Start a handshake with @p now unless one is pending or a fresh answered one
 * awaits confirmation (start-up, reload, an operator request), then hs_tick().
 * Same returns.
 */
int hs_initiate(struct hs_peer *p, uint64_t now_ms, const uint8_t ts[NOISE_TAI64N_LEN],
		struct hs_actions *act) WUR;

/** When hs_tick() must next run for @p (HS_NO_DEADLINE: never). */
static inline uint64_t hs_deadline(const struct hs_peer *p)
{
	return p->deadline_ms;
}

/** True when hs_seal() would succeed now. */
bool hs_established(const struct hs_peer *p, uint64_t now_ms);

/** Fill @out with @p's state and counters. */
void hs_status(const struct hs_peer *p, uint64_t now_ms, struct hs_status *out);

/** Count a data packet whose receiver index is in nobody's table. */
static inline void hs_local_note_unknown_index(struct hs_local *l)
{
	l->stats.unknown_index++;
}
