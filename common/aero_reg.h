/* SPDX-License-Identifier: MIT */
/*
 * aero_reg.h - the two AERO registration state machines of spec/omni-aero.md
 * §5.3, pure (no clock, no I/O, no allocation but the server table's array):
 *  - struct aero_cli: a client's registration with one server: when to send
 *    the next RS (first RS delay, retransmit every 4 s three times, then
 *    exponential backoff capped at 60 s, and keep trying), refresh at 1/3 of
 *    the Router Lifetime, expiry when no RA renewed it, release at shutdown.
 *  - struct aero_srv: a server's table of registered clients (key, MNP,
 *    NAT-mapped origin, expiry), the policy checks of §5.3 item 2 on an
 *    already authenticated RS, replacement, release and expiry, and one
 *    counter per refusal reason.
 * Times are monotonic milliseconds passed by the caller. Loop thread only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "aero_timers.h"
#include "util.h"

/* [P] Interface Attributes kept per message (one per underlay, AERO_ML_MAX_PATHS). */
#define AERO_ND_MAX_IFS 4

/** One Interface Attributes as the AERO messages use it (§4.5). */
struct aero_ifattr {
	uint8_t if_index; /* 1..255 */
	uint8_t link;	  /* 0 = down .. 15 */
	uint8_t pref[64]; /* per DSCP 0..3 (decoded; all 2 when the message had none) */
	bool has_l2;
	union sockaddr_any l2; /* L2ADDR */
};

/* ---- client ---- */

enum aero_cli_state {
	AERO_CLI_IDLE,	     /* not started */
	AERO_CLI_SOLICITING, /* RS sent, no RA yet (or the registration lapsed) */
	AERO_CLI_REGISTERED, /* an RA accepted; refresh scheduled */
	AERO_CLI_RELEASED,   /* shut down: nothing scheduled */
};

#define AERO_CLI_SEND_RS (1U << 0) /* build and send an RS now */
#define AERO_CLI_RETRY (1U << 1)   /* ... and it is a retransmission: renew the session first */
#define AERO_CLI_EXPIRED (1U << 2) /* the registration lapsed: withdraw its routes */

struct aero_cli {
	enum aero_cli_state state;
	bool registered;     /* a registration is valid until expires_ms */
	unsigned tries;	     /* RS sent since the last accepted RA */
	uint64_t next_rs_ms; /* when the next RS is due (UINT64_MAX: none) */
	uint64_t expires_ms; /* end of the current registration (if registered) */
	uint32_t lifetime_s; /* Router Lifetime of the last RA */
	uint64_t registered_ms;
	uint64_t rs_sent, retransmits, ra_accepted, expirations;
	uint64_t moves; /* underlay changes that sent an RS at once (aero_cli_moved()) */
	uint64_t lost;	/* registrations given up because the server was unreachable */
};

/** Reset @c to IDLE (nothing scheduled). */
void aero_cli_init(struct aero_cli *c);
/** Start soliciting: the first RS is due at @now_ms + @delay_ms (0..1000, the caller draws it). */
void aero_cli_start(struct aero_cli *c, uint64_t now_ms, uint32_t delay_ms);
/**
 * Timer event: returns AERO_CLI_* flags. With SEND_RS the RS counts as sent
 * now and the next one is scheduled (retransmit / backoff); EXPIRED is
 * reported once when a registration reaches its end without a fresh RA.
 */
unsigned aero_cli_tick(struct aero_cli *c, uint64_t now_ms);
/**
 * An authenticated RA with Router Lifetime @lifetime_s arrived. Lifetime 0
 * means the server ended the registration (returns AERO_CLI_EXPIRED if one
 * was valid, and solicits again); otherwise registered until now + lifetime,
 * refresh due at now + lifetime / 3. Ignored (returns 0) unless started.
 */
unsigned aero_cli_ra(struct aero_cli *c, uint64_t now_ms, uint32_t lifetime_s);
/**
 * Our underlay moved (§5.8 item 1): while started (soliciting or registered),
 * make an RS due at @now_ms as a fresh first try (not a retransmission), so the
 * server learns the new origin at once; a registration stays valid until its
 * expiry meanwhile, and without an RA the RS is retransmitted on the usual
 * schedule. Returns true if an RS was scheduled (false: idle or released).
 */
bool aero_cli_moved(struct aero_cli *c, uint64_t now_ms);
/**
 * The server stopped answering (NUD, aero_nud.h): a valid registration counts as
 * lost at @now_ms (SOLICITING, not registered) and an RS is due at once as a
 * retransmission (AERO_CLI_RETRY: renew the session first), then on the usual
 * backoff until an RA arrives. Returns true if a registration was valid.
 */
bool aero_cli_lost(struct aero_cli *c, uint64_t now_ms);
/** Stop for good (shutdown, after the release RS went out): nothing scheduled. */
void aero_cli_release(struct aero_cli *c);
/** When aero_cli_tick() must next run (UINT64_MAX: never). */
uint64_t aero_cli_deadline(const struct aero_cli *c);
/** The retransmit interval after @tries unanswered RS (1-based): 4, 4, 8, 16, 32, 60, 60 s. */
uint32_t aero_cli_backoff_ms(unsigned tries);

/* ---- server ---- */

/* Refusal reasons of an RS, one counter each (aero_srv.refused[]). */
#define AERO_REFUSALS(X)                                                                           \
	X(malformed)	   /* ND decode failed, or not an RS */                                    \
	X(auth)		   /* Authentication missing, bad signature or algorithm */                \
	X(stale)	   /* timestamp outside ±30 s */                                          \
	X(replay)	   /* timestamp not newer than the last accepted one */                    \
	X(key_mismatch)	   /* the signing key is not the session's (vouched) key */                \
	X(mnp_not_allowed) /* the inner source is not the MNP-LLA of the allowed MNP */            \
	X(not_hub)	   /* MS-Register does not name this server's MSID */                      \
	X(unknown_client)  /* no [client.NAME] for the session's key */

enum aero_refusal {
#define X(n) AERO_REFUSE_##n,
	AERO_REFUSALS(X)
#undef X
	    AERO_REFUSE__COUNT
};

/** Label of @r ("mnp_not_allowed", ...), never NULL. */
const char *aero_refusal_name(enum aero_refusal r);

/** One registered client. */
struct aero_reg {
	char name[64];		   /* the [client.NAME] */
	uint8_t key[32];	   /* its Ed25519 key */
	struct prefix mnp;	   /* the registered MNP */
	union sockaddr_any origin; /* observed (NAT-mapped) source of the RS */
	uint64_t registered_ms;	   /* first registration of this entry */
	uint64_t expires_ms;
	uint64_t last_ts_ms; /* last accepted Authentication timestamp */
	/* Replay check per underlay: the last accepted timestamp for each ifIndex of
	 * an RS's first Interface Attributes (0: an RS without one). A multilink client
	 * sends one RS per underlay, and they may arrive in any order. */
	struct {
		bool used;
		uint8_t if_index;
		uint64_t ts_ms;
	} seen[AERO_ND_MAX_IFS + 1];
	uint64_t refreshes;  /* RS accepted after the first */
	uint64_t replaced;   /* times the origin changed */
};

struct aero_srv {
	struct aero_reg *v; /* owned */
	size_t n, cap;
	uint32_t msid;	     /* ours */
	uint32_t lifetime_s; /* the Router Lifetime we grant */
	uint64_t registered, refreshed, replaced, released, expired;
	uint64_t refused[AERO_REFUSE__COUNT];
};

/** An authenticated RS as the server saw it (filled by aero_nd_check_rs()). */
struct aero_rs {
	uint8_t key[32];       /* the key that signed it (Node Identification) */
	struct in6_addr src;   /* inner source (MNP-LLA) */
	uint64_t timestamp_ms; /* Authentication timestamp */
	bool has_register, has_release;
	uint32_t register_msid;			 /* first MSID of MS-Register (0: none) */
	bool release_us;			 /* MS-Release lists our MSID */
	struct aero_ifattr ifs[AERO_ND_MAX_IFS]; /* its Interface Attributes, in order */
	size_t n_ifs;
};

/* What aero_srv_rs() did. */
enum aero_srv_result {
	AERO_SRV_REGISTERED, /* new entry: install the MNP route */
	AERO_SRV_REFRESHED,  /* same origin, lifetime extended */
	AERO_SRV_REPLACED,   /* same client from a new origin: update its path */
	AERO_SRV_RELEASED,   /* MS-Release: entry gone, withdraw the route */
	AERO_SRV_REFUSED,    /* see *@why; nothing changed */
};

void aero_srv_init(struct aero_srv *s, uint32_t msid, uint32_t lifetime_s);
void aero_srv_deinit(struct aero_srv *s);
/** The entry of client @key, or NULL. */
struct aero_reg *aero_srv_find(struct aero_srv *s, const uint8_t key[32]);
/**
 * Apply the authenticated RS @rs that arrived over the session of the
 * configured client @name with key @session_key, allowed MNP @allowed (NULL:
 * not a configured client), from underlay source @origin. Checks, in order:
 * configured client, signing key == @session_key, timestamp newer than the
 * last accepted one, source == MNP-LLA of @allowed, MS-Register names us
 * (or no MS-Register: a plain refresh). On success *@out (may be NULL)
 * points at the entry (NULL after RELEASED). On REFUSED, *@why is set and
 * counted in s->refused. Never changes the table on a refusal.
 */
enum aero_srv_result aero_srv_rs(struct aero_srv *s, const char *name,
				 const uint8_t session_key[32], const struct prefix *allowed,
				 const struct aero_rs *rs, const union sockaddr_any *origin,
				 uint64_t now_ms, struct aero_reg **out,
				 enum aero_refusal *why) WUR;
/** Count a refusal found before aero_srv_rs() (decode, auth, stale). */
static inline void aero_srv_refuse(struct aero_srv *s, enum aero_refusal why)
{
	s->refused[why]++;
}
/**
 * Remove every entry whose lifetime ended by @now_ms, copying each into
 * @gone (up to @cap; the rest stay for the next call). Returns how many were
 * removed.
 */
size_t aero_srv_expire(struct aero_srv *s, uint64_t now_ms, struct aero_reg *gone, size_t cap) WUR;
/**
 * The session of registered client @e now comes from @origin (an
 * authenticated carrier packet roamed it, §5.8: NAT rebinding or a move
 * noticed before the client's RS). Records it as the origin and counts a
 * replacement (e->replaced, s->replaced) if it differs; the lifetime is not
 * extended. Returns true if the origin changed.
 */
bool aero_srv_origin(struct aero_srv *s, struct aero_reg *e, const union sockaddr_any *origin);
/** Remove client @key's entry (its [client] section went away). Returns true if there was one. */
bool aero_srv_remove(struct aero_srv *s, const uint8_t key[32]);
/** Earliest expiry in the table (UINT64_MAX: empty). */
uint64_t aero_srv_deadline(const struct aero_srv *s);
