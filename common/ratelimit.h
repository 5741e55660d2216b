/* SPDX-License-Identifier: MIT */
/*
 * ratelimit.h - a token bucket on an injected millisecond clock, for work a
 * remote peer can trigger (handshakes, ICMP errors). Pure and embedded by its
 * user; no state of its own.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct ratelimit {
	double tokens;
	double per_ms; /* refill rate */
	double burst;  /* bucket size */
	uint64_t last_ms;
};

static inline void ratelimit_init(struct ratelimit *r, double per_s, double burst, uint64_t now_ms)
{
	*r = (struct ratelimit){ .tokens = burst, .per_ms = per_s / 1000.0, .burst = burst,
				 .last_ms = now_ms };
}

/** Take one token if there is one; false when over the rate. */
static inline bool ratelimit_take(struct ratelimit *r, uint64_t now_ms)
{
	if (now_ms > r->last_ms) {
		r->tokens += (double)(now_ms - r->last_ms) * r->per_ms;
		if (r->tokens > r->burst)
			r->tokens = r->burst;
		r->last_ms = now_ms;
	}
	if (r->tokens < 1)
		return false;
	r->tokens -= 1;
	return true;
}
