// SPDX-License-Identifier: MIT
/*
 * aero_report.c - the server's Report Lists (aero_report.h, spec/omni-aero.md
 * §5.6 item 3 and §5.8 item 3): (target, ROS) pairs with an expiry, in a
 * fixed array owned by struct aero_report; removal swaps the last entry in.
 * Pure: no clock, no I/O, no logging.
 */
#include <errno.h>
#include <string.h>

#include "aero_report.h"
#include "keys.h"

void aero_report_init(struct aero_report *r)
{
	memset(r, 0, sizeof(*r));
}

int aero_report_add(struct aero_report *r, const uint8_t target[32], const uint8_t ros[32],
		    uint64_t expires_ms)
{
	if (keys_equal(target, ros, 32))
		return -EINVAL;
	struct aero_report_ent *soonest = NULL;
	for (size_t i = 0; i < r->n; i++) {
		struct aero_report_ent *e = &r->v[i];
		if (keys_equal(e->target, target, 32) && keys_equal(e->ros, ros, 32)) {
			e->expires_ms = expires_ms;
			return 0;
		}
		if (!soonest || e->expires_ms < soonest->expires_ms)
			soonest = e;
	}
	struct aero_report_ent *e;
	if (r->n < AERO_REPORT_MAX) {
		e = &r->v[r->n++];
	} else {
		e = soonest;
		r->evicted++;
	}
	memcpy(e->target, target, 32);
	memcpy(e->ros, ros, 32);
	e->expires_ms = expires_ms;
	return 0;
}

size_t aero_report_list(const struct aero_report *r, const uint8_t target[32], uint64_t now_ms,
			uint8_t (*out)[32], size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < r->n && k < cap; i++) {
		const struct aero_report_ent *e = &r->v[i];
		if (e->expires_ms > now_ms && keys_equal(e->target, target, 32))
			memcpy(out[k++], e->ros, 32);
	}
	return k;
}

static void remove_at(struct aero_report *r, size_t i)
{
	r->v[i] = r->v[--r->n];
}

size_t aero_report_forget(struct aero_report *r, const uint8_t key[32])
{
	size_t k = 0;
	for (size_t i = 0; i < r->n;) {
		if (keys_equal(r->v[i].target, key, 32) || keys_equal(r->v[i].ros, key, 32)) {
			remove_at(r, i);
			k++;
		} else {
			i++;
		}
	}
	return k;
}

size_t aero_report_expire(struct aero_report *r, uint64_t now_ms)
{
	size_t k = 0;
	for (size_t i = 0; i < r->n;) {
		if (r->v[i].expires_ms <= now_ms) {
			remove_at(r, i);
			k++;
		} else {
			i++;
		}
	}
	return k;
}
