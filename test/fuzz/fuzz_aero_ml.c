// SPDX-License-Identifier: MIT
/*
 * fuzz_aero_ml.c - common/aero_ml.c: aero_ml_flow_hash() over the input as an
 * inner packet (copied to an exact-size buffer so ASan sees any overread, and
 * checked to be deterministic), the input as §4.5 Preferences (a decode that
 * succeeds re-encodes and decodes to the same table) and as a path probe (a
 * decode that succeeds re-encodes to the same octets), then the input as a
 * script of path-table operations (update, remove, heard, tick, select, far
 * side's attributes) with the invariants that select only returns usable
 * paths and the table never holds duplicates.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aero_ml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_check(const struct aero_ml *m)
{
	for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++)
		for (size_t j = i + 1; j < AERO_ML_MAX_PATHS; j++)
			if (m->p[i].used && m->p[j].used && m->p[i].if_index == m->p[j].if_index)
				abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[16] = {7};
	uint8_t *one = malloc(size ? size : 1), dscp = 0, d2 = 0;
	uint32_t h = 0, h2 = 0;
	int r;

	if (!one)
		return 0;
	memcpy(one, data, size);
	r = aero_ml_flow_hash(key, one, size, &h, &dscp);
	if (r != 0 && r != -EINVAL)
		abort();
	if (r == 0 && (aero_ml_flow_hash(key, one, size, &h2, &d2) != 0 || h != h2 || d2 != dscp ||
		       dscp > 63))
		abort();
	free(one);

	uint8_t pref[AERO_ML_NDSCP], back[AERO_ML_NDSCP], enc[AERO_ML_PREFS_MAX];
	one = malloc(size ? size : 1);
	if (!one)
		return 0;
	memcpy(one, data, size);
	if (aero_ml_prefs_decode(one, size, pref) == 0) {
		r = aero_ml_prefs_encode(pref, enc, sizeof(enc));
		if (r < 0 || size > AERO_ML_PREFS_MAX ||
		    aero_ml_prefs_decode(enc, (size_t)r, back) != 0 ||
		    memcmp(pref, back, sizeof(pref)))
			abort();
	}
	{
		uint8_t type = 0, pb[CARRIER_ML_PROBE_LEN];
		uint64_t stamp = 0;

		if (aero_ml_probe_decode(one, size, &type, &stamp) == 0) {
			aero_ml_probe_encode(type, stamp, pb);
			if (memcmp(pb, one, sizeof(pb)) != 0)
				abort();
		}
	}
	free(one);

	struct aero_ml m;
	union sockaddr_any ep;
	uint64_t now = 0;

	aero_ml_init(&m);
	memset(&ep, 0, sizeof(ep));
	ep.in4.sin_family = AF_INET;
	for (size_t i = 0; i + 3 <= size; i += 3) {
		uint8_t op = data[i] & 7, a = data[i + 1], b = data[i + 2];

		now += (uint64_t)b * 37;
		switch (op) {
		case 0:
		case 1:
			ep.in4.sin_port = (uint16_t)(a & 3);
			r = aero_ml_update(&m, (uint8_t)(a & 7), b, NULL, &ep, now);
			if (r < -ENOSPC || (r >= 0 && (size_t)r >= AERO_ML_MAX_PATHS))
				abort();
			break;
		case 2:
			if (aero_ml_remove(&m, (uint8_t)(a & 7)) == 0 &&
			    aero_ml_find(&m, (uint8_t)(a & 7)) >= 0)
				abort();
			break;
		case 3:
			if (aero_ml_heard(&m, (int)(a % 6) - 1, now, b) == 0 &&
			    m.p[a % 6 - 1].state != AERO_ML_REACHABLE)
				abort();
			break;
		case 4:
			(void)aero_ml_tick(&m, now, NULL);
			break;
		case 5:
			memset(pref, b & 3, sizeof(pref));
			r = aero_ml_remote(&m, (int)(a % 6) - 1, a, (uint8_t)(b >> 2),
					   (b & 4) ? pref : NULL);
			if (r < -EINVAL || r > 1)
				abort();
			break;
		default:
			r = aero_ml_select(&m, a, (uint32_t)b * 2654435761u);
			if (r != -ENETUNREACH &&
			    (r < 0 || (size_t)r >= AERO_ML_MAX_PATHS || !m.p[r].used ||
			     m.p[r].state == AERO_ML_DOWN || m.p[r].link == 0 ||
			     m.p[r].pref[a & 63] == 0 ||
			     (m.p[r].remote && (m.p[r].r_link == 0 || m.p[r].r_pref[a & 63] == 0))))
				abort();
			break;
		}
		fuzz_check(&m);
	}
	return 0;
}
