/* SPDX-License-Identifier: MIT */
/*
 * aero_report.h - the server's Report Lists (spec/omni-aero.md §5.6 item 3,
 * §5.8 item 3): which clients (each a Route Optimization Source, ROS) were
 * told a target client's endpoint in an NA(AR), so that a target that moves
 * can be announced to them again with an unsolicited NA. Owns nothing beyond
 * the fixed array inside struct aero_report. Pure: no clock, no I/O.
 */
#ifndef OMNI_AERO_REPORT_H
#define OMNI_AERO_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* [P] (target, ROS) pairs kept by a server; when full the entry closest to expiry goes. */
#define AERO_REPORT_MAX 256u

struct aero_report_ent {
	uint8_t target[32]; /* the client whose endpoint was reported */
	uint8_t ros[32];    /* the client it was reported to */
	uint64_t expires_ms;
};

struct aero_report {
	struct aero_report_ent v[AERO_REPORT_MAX];
	size_t n;
	uint64_t evicted; /* entries pushed out by a full table */
};

/** Empty @r. */
void aero_report_init(struct aero_report *r);
/**
 * Record that @ros was told @target's endpoint, until @expires_ms (a later
 * call for the same pair only moves the expiry). A pair with target == ros
 * is refused (-EINVAL). When full, the entry closest to expiry is replaced
 * (counted in r->evicted). Returns 0 or -EINVAL.
 */
int aero_report_add(struct aero_report *r, const uint8_t target[32], const uint8_t ros[32],
		    uint64_t expires_ms) WUR;
/**
 * Copy into @out (up to @cap keys) the ROS keys of @target's Report List
 * whose entries are still valid at @now_ms. Returns how many were copied.
 */
size_t aero_report_list(const struct aero_report *r, const uint8_t target[32], uint64_t now_ms,
			uint8_t (*out)[32], size_t cap) WUR;
/** Remove every entry naming @key as target or ROS (deregistered). Returns how many went. */
size_t aero_report_forget(struct aero_report *r, const uint8_t key[32]);
/** Remove the entries that expired by @now_ms. Returns how many went. */
size_t aero_report_expire(struct aero_report *r, uint64_t now_ms);

#endif
