/* SPDX-License-Identifier: MIT */
/*
 * aero_ml.h - a neighbor's multilink path table (spec/omni-aero.md §5.7 NUD,
 * §5.9 multilink path selection). One Noise session per neighbor, up to
 * AERO_ML_MAX_PATHS paths, each named by the sender's ifIndex (omIndex, §4.5
 * Interface Attributes) and carrying its Link quality, per-DSCP preferences,
 * remote endpoint, NUD state, last-heard time and RTT. Owns nothing but the
 * fixed array inside struct aero_ml. Pure: the caller passes the clock in and
 * sends the probes that aero_ml_tick() asks for.
 */
#ifndef OMNI_AERO_ML_H
#define OMNI_AERO_ML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "omni_wire.h"
#include "util.h"

/* [P] paths per neighbor. */
#define AERO_ML_MAX_PATHS 4u
/* §4.5: 64 DSCPs, preference 0 (disabled) .. 3 (high). */
#define AERO_ML_NDSCP 64u
#define AERO_ML_PREF_MAX 3u
/* §4.5: Link quality 0 (down) .. 15 (best). */
#define AERO_ML_LINK_MAX 15u
/* [P] what a path is assumed to offer before (or without) the far side's Interface
 * Attributes: every DSCP medium, link 8 (the link_quality default). */
#define AERO_ML_PREF_DEFAULT 2u
#define AERO_ML_LINK_DEFAULT 8u
/* §4.5 Preferences: Bitmap(8) + two octets per block of 8 DSCPs present. */
#define AERO_ML_PREFS_MAX (1u + 16u)
/*
 * [P] RTT tolerance band with hysteresis (§5.9 -rtt): a path counts as "slow" once its
 * RTT exceeds the best path's by more than max(AERO_ML_RTT_OUT_MS, best/2), and as fast
 * again only once it is within max(AERO_ML_RTT_IN_MS, best/4). Paths in the same band
 * share flows, so RTT noise does not move them.
 */
#define AERO_ML_RTT_IN_MS 5u
#define AERO_ML_RTT_OUT_MS 10u

enum aero_ml_state {
	AERO_ML_REACHABLE, /* heard within AERO_ML_PROBE_AFTER_MS */
	AERO_ML_PROBE,	   /* quiet: being probed, still used for traffic */
	AERO_ML_DOWN,	   /* AERO_ML_MAX_PROBES went unanswered: no traffic */
};

struct aero_ml_path {
	bool used;
	uint8_t if_index;	     /* omIndex, 1..255 */
	uint8_t link;		     /* 0..15, 0 = unusable */
	uint8_t pref[AERO_ML_NDSCP]; /* 0..3 per DSCP */
	union sockaddr_any ep;	     /* where carrier packets for this path go */
	enum aero_ml_state state;
	uint8_t probes;		/* probes sent since last heard */
	uint64_t last_heard_ms; /* last confirmation: the far side hears us (probe echo) */
	uint64_t last_probe_ms;
	uint32_t rtt_ms; /* smoothed (7/8 old + 1/8 new); 0 = not measured */
	bool slow;	 /* RTT outside the best path's band (AERO_ML_RTT_*) */
	/* the far side's Interface Attributes for its end of this path (§5.9: the receiver's
	 * advertised values rank the ways to reach it) */
	bool remote;
	uint8_t r_index; /* its ifIndex */
	uint8_t r_link;	 /* 0 = it says the interface is down */
	uint8_t r_pref[AERO_ML_NDSCP];
};

struct aero_ml {
	struct aero_ml_path p[AERO_ML_MAX_PATHS];
};

/* Empties the table. */
void aero_ml_init(struct aero_ml *m);

/*
 * Adds or updates the path @if_index (from an RS / Interface Attributes): @link is
 * clamped to 15, @pref (AERO_ML_NDSCP entries, each clamped to 3) may be NULL for "every
 * DSCP medium" (2). A new path starts REACHABLE, heard at @now_ms. Returns the slot (>= 0),
 * -EINVAL for if_index 0 or a NULL/unspecified endpoint, -ENOSPC when all slots are taken.
 */
int aero_ml_update(struct aero_ml *m, uint8_t if_index, uint8_t link, const uint8_t *pref,
		   const union sockaddr_any *ep, uint64_t now_ms) WUR;

/* Removes path @if_index. Returns 0 or -ENOENT. */
int aero_ml_remove(struct aero_ml *m, uint8_t if_index) WUR;

/* The slot of path @if_index, or -ENOENT. */
int aero_ml_find(const struct aero_ml *m, uint8_t if_index) WUR;

/* The slot whose endpoint equals @ep, or -ENOENT. */
int aero_ml_find_ep(const struct aero_ml *m, const union sockaddr_any *ep) WUR;

/* Number of paths in use. */
size_t aero_ml_count(const struct aero_ml *m);

/*
 * Confirmation that the far side hears us on slot @idx (a probe echo carried back on the
 * path; a packet that merely arrives on it proves only the other direction): the slot
 * becomes REACHABLE, its probe count resets. @rtt_ms > 0 also feeds the RTT and re-ranks
 * the RTT bands. Returns 0, or -EINVAL for a bad or unused slot.
 */
int aero_ml_heard(struct aero_ml *m, int idx, uint64_t now_ms, uint32_t rtt_ms) WUR;

/*
 * Runs NUD at @now_ms. A path quiet for AERO_ML_PROBE_AFTER_MS goes PROBE; a probing path
 * is probed every AERO_RETRANS_TIMER_MS, and after AERO_ML_MAX_PROBES unanswered probes goes
 * DOWN (a DOWN path keeps being probed at the same rate so it can come back). Returns the
 * bitmask of slots the caller must send a probe on now; *@changed (may be NULL) is set when
 * some path changed between usable and DOWN (flows must be re-placed).
 */
unsigned aero_ml_tick(struct aero_ml *m, uint64_t now_ms, bool *changed);

/*
 * §5.9 [P]: candidates are paths not DOWN with link > 0 and pref[@dscp & 63] > 0, on both
 * ends when the far side advertised its attributes. The score is lexicographic: the far
 * side's (pref, link) (the receiver's advertised values), then our own (pref, link) (our
 * egress policy), then the RTT band (not slow first). Among equal-best paths @flow_hash
 * picks one, so a flow stays on its path while the set does not change. Returns the slot,
 * or -ENETUNREACH.
 */
int aero_ml_select(const struct aero_ml *m, uint8_t dscp, uint32_t flow_hash) WUR;

/*
 * Flow hash of an inner IPv6 or IPv4 packet: SipHash (crypto_shorthash, @key 16 bytes) over
 * (version, src, dst, next header / protocol, and TCP/UDP/SCTP ports when the first header
 * carries them, else the IPv6 Flow Label). *@dscp gets the DSCP. Returns 0, or -EINVAL for
 * a packet too short or not IPv4/IPv6.
 */
int aero_ml_flow_hash(const uint8_t key[16], const uint8_t *pkt, size_t len, uint32_t *hash,
		      uint8_t *dscp) WUR;

/*
 * The far side's Interface Attributes for slot @idx: its ifIndex @r_index, Link @r_link
 * (clamped to 15; 0 = the interface is down: no traffic at once) and @r_pref (NULL: every
 * DSCP AERO_ML_PREF_DEFAULT). Returns 1 when the slot's usability changed (flows must be
 * re-placed), 0 when not, -EINVAL for a bad or unused slot.
 */
int aero_ml_remote(struct aero_ml *m, int idx, uint8_t r_index, uint8_t r_link,
		   const uint8_t *r_pref) WUR;

/* Forget the far side's attributes of slot @idx (the path falls back to the defaults). */
void aero_ml_remote_clear(struct aero_ml *m, int idx);

/* True when slot @idx can carry traffic at all (not DOWN, link > 0 on both ends). */
bool aero_ml_usable(const struct aero_ml *m, int idx);

/*
 * §4.5 Preferences after the L2ADDR of an Interface Attributes: Bitmap(8), bit (0x80 >> b)
 * set when block b (DSCPs 8b..8b+7) follows as two octets, DSCP 8b in the top two bits of
 * the first. Blocks equal to all-AERO_ML_PREF_DEFAULT are left out; all default encodes
 * to nothing. Returns the length (0..AERO_ML_PREFS_MAX) or -ENOSPC.
 */
int aero_ml_prefs_encode(const uint8_t pref[AERO_ML_NDSCP], uint8_t *out, size_t cap) WUR;

/*
 * Decode @len octets of Preferences into @pref (64 entries): 0 octets = every DSCP
 * AERO_ML_PREF_DEFAULT; otherwise exactly 1 + 2 * popcount(Bitmap) octets. Returns 0, or
 * -EBADMSG (too short or too long for the Bitmap) and leaves @pref untouched.
 */
int aero_ml_prefs_decode(const uint8_t *d, size_t len, uint8_t pref[AERO_ML_NDSCP]) WUR;

/* Encode a path probe (CARRIER_ML_PROBE or CARRIER_ML_ECHO) stamped @stamp into @out. */
void aero_ml_probe_encode(uint8_t type, uint64_t stamp, uint8_t out[CARRIER_ML_PROBE_LEN]);

/*
 * Decode a sealed payload as a path probe: exactly CARRIER_ML_PROBE_LEN octets, a known
 * Type, zero reserved octets. Returns 0 with *@type and *@stamp, or -EINVAL (not one).
 */
int aero_ml_probe_decode(const uint8_t *d, size_t len, uint8_t *type, uint64_t *stamp) WUR;

/* Name of a state: "reachable", "probe", "down". */
const char *aero_ml_state_name(enum aero_ml_state s);

#endif
