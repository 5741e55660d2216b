// SPDX-License-Identifier: MIT
/*
 * aero_rt.c - routes learned from meshed servers (aero_rt.h): a flat array,
 * removal swaps the last entry in. Pure: no clock, no I/O, no logging.
 */
#include <stdlib.h>
#include <string.h>

#include "aero_rt.h"
#include "keys.h"

void aero_rt_init(struct aero_rt *t)
{
	memset(t, 0, sizeof(*t));
}

void aero_rt_deinit(struct aero_rt *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static bool prefix_same(const struct prefix *a, const struct prefix *b)
{
	return a->family == b->family && a->plen == b->plen && memcmp(a->addr, b->addr, 16) == 0;
}

static void drop(struct aero_rt *t, size_t i)
{
	t->v[i] = t->v[--t->n];
}

enum aero_rt_result aero_rt_update(struct aero_rt *t, const struct aero_ru *ru, uint64_t now_ms,
				   struct aero_rt_ent **out, struct aero_rt_ent *gone)
{
	struct aero_rt_ent *e = NULL;
	struct prefix m = ru->v.mnp;

	if (out)
		*out = NULL;
	prefix_mask(&m);
	for (size_t i = 0; i < t->n && !e; i++)
		if (prefix_same(&t->v[i].mnp, &m) || keys_equal(t->v[i].key, ru->v.key, 32))
			e = &t->v[i];
	if (e && ru->timestamp_ms < e->last_ts_ms) {
		t->stale++;
		return AERO_RT_IGNORED;
	}
	if (ru->lifetime_s == 0) {
		if (!e || e->anchor_msid != ru->anchor_msid)
			return AERO_RT_IGNORED;
		if (gone)
			*gone = *e;
		drop(t, (size_t)(e - t->v));
		t->withdrawn++;
		return AERO_RT_WITHDRAWN;
	}
	enum aero_rt_result r = AERO_RT_REFRESHED;
	if (!e) {
		if (t->n >= AERO_RT_MAX) {
			t->full++;
			return AERO_RT_IGNORED;
		}
		if (t->n == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 8;
			t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
		}
		e = &t->v[t->n++];
		memset(e, 0, sizeof(*e));
		e->learned_ms = now_ms;
		r = AERO_RT_NEW;
		t->learned++;
	} else if (e->anchor_msid != ru->anchor_msid || !addr_equal(&e->origin, &ru->v.l2) ||
		   !keys_equal(e->key, ru->v.key, 32) || !prefix_same(&e->mnp, &m)) {
		r = AERO_RT_MOVED;
		t->moved++;
		e->updates++;
	} else {
		t->refreshed++;
		e->updates++;
	}
	memcpy(e->key, ru->v.key, 32);
	e->mnp = m;
	e->origin = ru->v.l2;
	e->anchor_msid = ru->anchor_msid;
	e->expires_ms = now_ms + (uint64_t)ru->lifetime_s * 1000;
	e->last_ts_ms = ru->timestamp_ms;
	if (out)
		*out = e;
	return r;
}

struct aero_rt_ent *aero_rt_lookup(struct aero_rt *t, const uint8_t addr[16])
{
	struct aero_rt_ent *best = NULL;
	for (size_t i = 0; i < t->n; i++)
		if (prefix_contains(&t->v[i].mnp, AF_INET6, addr) &&
		    (!best || t->v[i].mnp.plen > best->mnp.plen))
			best = &t->v[i];
	return best;
}

struct aero_rt_ent *aero_rt_find_key(struct aero_rt *t, const uint8_t key[32])
{
	for (size_t i = 0; i < t->n; i++)
		if (keys_equal(t->v[i].key, key, 32))
			return &t->v[i];
	return NULL;
}

size_t aero_rt_expire(struct aero_rt *t, uint64_t now_ms, uint32_t anchor_msid,
		      struct aero_rt_ent *gone, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < t->n && k < cap;) {
		bool go =
		    anchor_msid ? t->v[i].anchor_msid == anchor_msid : t->v[i].expires_ms <= now_ms;
		if (!go) {
			i++;
			continue;
		}
		gone[k++] = t->v[i];
		drop(t, i);
		if (!anchor_msid)
			t->expired++;
	}
	return k;
}

uint64_t aero_rt_deadline(const struct aero_rt *t)
{
	uint64_t d = UINT64_MAX;
	for (size_t i = 0; i < t->n; i++)
		d = MIN(d, t->v[i].expires_ms);
	return d;
}
