// SPDX-License-Identifier: MIT
/*
 * aero_nud.c - NUD towards a client's servers and the Hub choice (aero_nud.h,
 * spec/omni-aero.md §5.7, §5.3, timers §5.12). Pure: no clock, no I/O.
 */
#include <string.h>

#include "aero_nud.h"

void aero_nud_init(struct aero_nud *u, uint64_t now_ms)
{
	memset(u, 0, sizeof(*u));
	u->state = AERO_NUD_REACHABLE;
	u->last_heard_ms = now_ms;
}

bool aero_nud_heard(struct aero_nud *u, uint64_t now_ms)
{
	bool was = u->state == AERO_NUD_UNREACHABLE;
	u->state = AERO_NUD_REACHABLE;
	u->probes = 0;
	u->waiting = false;
	u->next_probe_ms = 0;
	u->last_heard_ms = now_ms;
	if (was)
		u->recovered++;
	return was;
}

void aero_nud_sent(struct aero_nud *u, uint64_t now_ms)
{
	if (u->state == AERO_NUD_REACHABLE && !u->waiting) {
		u->waiting = true;
		u->waiting_since_ms = now_ms;
	}
}

unsigned aero_nud_tick(struct aero_nud *u, uint64_t now_ms)
{
	switch (u->state) {
	case AERO_NUD_REACHABLE:
		if (!u->waiting || now_ms - u->waiting_since_ms < AERO_NUD_DELAY_MS)
			return 0;
		u->state = AERO_NUD_PROBE;
		u->probes = 0;
		break;
	case AERO_NUD_PROBE:
		if (now_ms < u->next_probe_ms)
			return 0;
		if (u->probes >= AERO_NUD_MAX_PROBES) {
			u->state = AERO_NUD_UNREACHABLE;
			u->waiting = false;
			u->lost++;
			return AERO_NUD_LOST;
		}
		break;
	case AERO_NUD_UNREACHABLE:
	default:
		return 0;
	}
	u->probes++;
	u->probes_tx++;
	u->next_probe_ms = now_ms + AERO_NUD_PROBE_INTERVAL_MS;
	return AERO_NUD_SEND_PROBE;
}

uint64_t aero_nud_deadline(const struct aero_nud *u)
{
	if (u->state == AERO_NUD_PROBE)
		return u->next_probe_ms;
	if (u->state == AERO_NUD_REACHABLE && u->waiting)
		return u->waiting_since_ms + AERO_NUD_DELAY_MS;
	return UINT64_MAX;
}

const char *aero_nud_state_name(enum aero_nud_state s)
{
	switch (s) {
	case AERO_NUD_REACHABLE:
		return "reachable";
	case AERO_NUD_PROBE:
		return "probe";
	case AERO_NUD_UNREACHABLE:
		return "unreachable";
	}
	return "unknown";
}

int aero_nud_pick_hub(const bool *usable, size_t n, int cur, bool sticky)
{
	if (sticky && cur >= 0 && (size_t)cur < n && usable[cur])
		return cur;
	for (size_t i = 0; i < n; i++)
		if (usable[i])
			return (int)i;
	return -1;
}
