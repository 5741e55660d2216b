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
	free(t->tomb);
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

/* Forget the withdrawals older than AERO_RT_TOMB_MS. */
static void tomb_expire(struct aero_rt *t, uint64_t now_ms)
{
	for (size_t i = 0; i < t->n_tomb;)
		if (t->tomb[i].until_ms <= now_ms)
			t->tomb[i] = t->tomb[--t->n_tomb];
		else
			i++;
}

/* Remember withdrawal @ru (the oldest remembered one makes room when full). */
static void tomb_add(struct aero_rt *t, const struct aero_ru *ru, const struct prefix *m,
		     uint64_t now_ms)
{
	struct aero_rt_tomb *b = NULL;
	for (size_t i = 0; i < t->n_tomb && !b; i++)
		if (t->tomb[i].anchor_msid == ru->anchor_msid && prefix_same(&t->tomb[i].mnp, m) &&
		    keys_equal(t->tomb[i].key, ru->v.key, 32))
			b = &t->tomb[i];
	if (b) {
		b->ts_ms = MAX(b->ts_ms, ru->timestamp_ms);
	} else {
		if (t->n_tomb == t->cap_tomb && t->cap_tomb < AERO_RT_MAX) {
			t->cap_tomb = t->cap_tomb ? MIN(t->cap_tomb * 2, AERO_RT_MAX) : 8;
			t->tomb = xrealloc(t->tomb, t->cap_tomb * sizeof(*t->tomb));
		}
		if (t->n_tomb < t->cap_tomb)
			b = &t->tomb[t->n_tomb++];
		else
			for (size_t i = 0; i < t->n_tomb; i++)
				if (!b || t->tomb[i].until_ms < b->until_ms)
					b = &t->tomb[i];
		memcpy(b->key, ru->v.key, 32);
		b->mnp = *m;
		b->anchor_msid = ru->anchor_msid;
		b->ts_ms = ru->timestamp_ms;
	}
	b->until_ms = now_ms + AERO_RT_TOMB_MS;
}

/* Did @ru's anchor withdraw this MNP or key at or after @ru's timestamp? */
static bool tomb_hides(const struct aero_rt *t, const struct aero_ru *ru, const struct prefix *m)
{
	for (size_t i = 0; i < t->n_tomb; i++) {
		const struct aero_rt_tomb *b = &t->tomb[i];
		if (b->anchor_msid == ru->anchor_msid && ru->timestamp_ms <= b->ts_ms &&
		    (prefix_same(&b->mnp, m) || keys_equal(b->key, ru->v.key, 32)))
			return true;
	}
	return false;
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
	tomb_expire(t, now_ms);
	if ((e && ru->timestamp_ms < e->last_ts_ms) || (ru->lifetime_s && tomb_hides(t, ru, &m))) {
		t->stale++;
		return AERO_RT_IGNORED;
	}
	if (ru->lifetime_s == 0) {
		if (e && e->anchor_msid != ru->anchor_msid)
			return AERO_RT_IGNORED;
		tomb_add(t, ru, &m, now_ms);
		if (!e)
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
