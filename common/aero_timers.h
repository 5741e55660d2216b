/* SPDX-License-Identifier: MIT */
/*
 * aero_timers.h - every AERO timer and constant omnid uses, in one place
 * (spec/omni-aero.md §5.12, which takes RFC 4861 §10 values unless AERO
 * overrides them). Owns nothing but these numbers; aero_reg.c and
 * daemon/aero.c read them from here only.
 */
#pragma once

#include <stdint.h>

/* §5.12 RTR_SOLICITATION_INTERVAL (RFC 4861 §10): RS retransmit. */
#define AERO_RTR_SOLICITATION_INTERVAL_MS 4000u
/* §5.12 MAX_RTR_SOLICITATIONS (RFC 4861 §10): tries before the backoff starts. */
#define AERO_MAX_RTR_SOLICITATIONS 3u
/* §5.12 / §5.3 item 1: then exponential backoff (RFC 7559 style), capped at 60 s [P]. */
#define AERO_RS_BACKOFF_MAX_MS 60000u
/* §5.12 MAX_RTR_SOLICITATION_DELAY: the first RS waits 0..1 s at random. */
#define AERO_MAX_RTR_SOLICITATION_DELAY_MS 1000u
/* §5.12 Router Lifetime default 600 s (the [aero] router_lifetime default). */
#define AERO_ROUTER_LIFETIME_S 600u
/* §5.12 / §5.3 item 5: the client refreshes at 1/3 of the Router Lifetime [P]. */
#define AERO_REFRESH_DIVISOR 3u
/* §5.12 REACHABLE_TIME and RETRANS_TIMER, advertised in the RA. */
#define AERO_REACHABLE_TIME_MS 30000u
#define AERO_RETRANS_TIMER_MS 1000u
/* §5.12 Auth replay window: ±30 s timestamps (OMNI_AUTH_WINDOW_MS in omni_wire.h). */
/* §5.12 MAX_UNICAST_SOLICIT (RFC 4861 §10): NS(AR) tries per round. */
#define AERO_MAX_UNICAST_SOLICIT 3u
/* §5.6 item 5: refresh NS(AR) at ReachableTime - 3 * RetransTimer while traffic flows. */
#define AERO_RO_REFRESH_BEFORE_MS (3u * AERO_RETRANS_TIMER_MS)
/* [P] after MAX_UNICAST_SOLICIT unanswered NS(AR), or a direct session that did not come
 * up, leave the target on the default path this long before trying again. */
#define AERO_RO_HOLD_MS AERO_REACHABLE_TIME_MS
/* [P] §5.10: the target of a resolution sends its bubble, then initiates this much later,
 * once the asking side's bubble has opened the asking side's NAT too. */
#define AERO_RO_PUNCH_WAIT_MS 50u
/* [P] a direct session must be up this long after the NA, or the path counts as failed. */
#define AERO_RO_SESSION_WAIT_MS 10000u
/* [P] the asking side starts the direct handshake itself only after this (the target,
 * told at the same time, normally initiates first). */
#define AERO_RO_KICK_DELAY_MS 300u
/* [P] a direct session that got nothing back for [secure] keepalive + this, while we
 * were sending on it, has a dead path: back to the server. */
#define AERO_RO_DEAD_SLACK_MS 2000u
/* [P] packets of a route-optimized neighbor relayed by the server this long after the
 * direct session came up mean the neighbor gave the direct path up. */
#define AERO_RO_RELAY_GRACE_MS 2000u
/* [P] route-optimization entries kept per node. */
#define AERO_RO_MAX 64u

/* Multilink (§5.7 NUD, §5.9), constants of common/aero_ml.c. */
/* [P] a path heard from less than this long ago is REACHABLE without a probe; after it the
 * path is probed (RFC 4861 STALE -> PROBE) every AERO_RETRANS_TIMER_MS (§5.12). */
#define AERO_ML_PROBE_AFTER_MS AERO_RETRANS_TIMER_MS
/* §5.12 MAX_UNICAST_SOLICIT unanswered probes take the path DOWN; its flows move (§5.9). */
#define AERO_ML_MAX_PROBES AERO_MAX_UNICAST_SOLICIT

/* NUD towards the client's servers (§5.7 NUD, §5.3 item 5, §5.8), common/aero_nud.c. */
/* [P] data sent to a server and nothing authenticated heard back for this long starts
 * probing (RFC 4861 DELAY_FIRST_PROBE_TIME is 5 s; shorter here so a dead Hub is noticed
 * within a few seconds while traffic flows). Two RetransTimers (§5.12). */
#define AERO_NUD_DELAY_MS (2u * AERO_RETRANS_TIMER_MS)
/* §5.12 RETRANS_TIMER: one probe (an RS, answered by an RA) per this interval. */
#define AERO_NUD_PROBE_INTERVAL_MS AERO_RETRANS_TIMER_MS
/* §5.12 MAX_UNICAST_SOLICIT: unanswered probes before the server is UNREACHABLE. */
#define AERO_NUD_MAX_PROBES AERO_MAX_UNICAST_SOLICIT
