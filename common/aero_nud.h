/* SPDX-License-Identifier: MIT */
/*
 * aero_nud.h - a client's Neighbor Unreachability Detection towards one of its
 * servers (spec/omni-aero.md §5.7 NUD, applied to the client-server link of
 * §5.3; timers §5.12), and the choice of the Hub among the servers. Pure: the
 * caller passes the clock, reports what it sent and heard, and sends the
 * probes (RS, which the server answers with an RA) that aero_nud_tick() asks
 * for. Owns nothing. Loop thread only.
 *
 * REACHABLE: nothing sent that went unanswered for AERO_NUD_DELAY_MS. Sending
 * and then hearing nothing authenticated for that long moves to PROBE: a probe
 * every AERO_NUD_PROBE_INTERVAL_MS; AERO_NUD_MAX_PROBES unanswered ones make the
 * server UNREACHABLE (no more probes; the registration is treated as lost and
 * retried on its own schedule). Anything authenticated heard from the server
 * makes it REACHABLE again. A client that sends nothing never probes.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "aero_timers.h"

enum aero_nud_state {
	AERO_NUD_REACHABLE,
	AERO_NUD_PROBE,
	AERO_NUD_UNREACHABLE,
};

#define AERO_NUD_SEND_PROBE (1U << 0) /* send one probe (an RS) now */
#define AERO_NUD_LOST (1U << 1)	      /* the server just became UNREACHABLE */

struct aero_nud {
	enum aero_nud_state state;
	unsigned probes;	   /* probes sent since last heard */
	bool waiting;		   /* something sent is not answered yet */
	uint64_t waiting_since_ms; /* ... since then */
	uint64_t next_probe_ms;	   /* PROBE: when the next probe (or the verdict) is due */
	uint64_t last_heard_ms;
	uint64_t probes_tx, lost, recovered; /* counters */
};

/** REACHABLE, heard at @now_ms, nothing waiting. */
void aero_nud_init(struct aero_nud *u, uint64_t now_ms);
/**
 * Something authenticated came from the server at @now_ms (any carrier packet:
 * data, keepalive, RA). REACHABLE again. Returns true if it was UNREACHABLE.
 */
bool aero_nud_heard(struct aero_nud *u, uint64_t now_ms);
/** We sent the server something at @now_ms (data or a keepalive) that should get an answer. */
void aero_nud_sent(struct aero_nud *u, uint64_t now_ms);
/** Timer event: AERO_NUD_* flags. */
unsigned aero_nud_tick(struct aero_nud *u, uint64_t now_ms);
/** When aero_nud_tick() must next run (UINT64_MAX: nothing pending). */
uint64_t aero_nud_deadline(const struct aero_nud *u);
/** "reachable", "probe" or "unreachable". */
const char *aero_nud_state_name(enum aero_nud_state s);

/**
 * The Hub among @n servers, @usable[i] telling whether server i is registered
 * and not UNREACHABLE, @cur the current Hub (-1 none). While @sticky is false
 * (no failover yet) the first usable server in configuration order; once
 * sticky, the current Hub stays while usable (a server that comes back does not
 * take the routes back: no flapping), and only its failure moves them to the
 * first usable one. Returns the index, or -1 if none is usable.
 */
int aero_nud_pick_hub(const bool *usable, size_t n, int cur, bool sticky);
