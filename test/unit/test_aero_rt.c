// SPDX-License-Identifier: MIT
/*
 * test_aero_rt.c - common/aero_rt.[ch], the routes a server learned from
 * meshed servers: new, refreshed, moved (origin, anchor, key), withdrawn
 * only by its own anchor, older updates ignored, expiry in order, removal of
 * one anchor's routes, longest-prefix lookup and the size limit.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <string.h>

#include "aero_rt.h"

static struct aero_ru mk(uint8_t key, const char *mnp, const char *origin, uint32_t anchor,
			 uint32_t life, uint64_t ts)
{
	struct aero_ru ru;
	memset(&ru, 0, sizeof(ru));
	memset(ru.v.key, key, 32);
	cr_assert_eq(addr_parse_prefix(mnp, &ru.v.mnp), 0);
	cr_assert_eq(addr_parse_endpoint(origin, 0, &ru.v.l2), 0);
	ru.anchor_msid = anchor;
	ru.lifetime_s = life;
	ru.timestamp_ms = ts;
	return ru;
}

static void addr_of(const char *s, uint8_t out[16])
{
	struct prefix p;
	cr_assert_eq(addr_parse_prefix(s, &p), 0);
	memcpy(out, p.addr, 16);
}

Test(aero_rt, learn_refresh_move_withdraw)
{
	struct aero_rt t;
	struct aero_rt_ent *e, gone;
	aero_rt_init(&t);
	struct aero_ru ru = mk(1, "2001:db8:b::/48", "198.51.100.1:8060", 2, 6, 1000);
	cr_assert_eq(aero_rt_update(&t, &ru, 100, &e, &gone), AERO_RT_NEW);
	cr_assert_not_null(e);
	cr_assert_eq(e->expires_ms, 6100);
	cr_assert_eq(e->anchor_msid, 2);
	cr_assert_eq(t.n, 1);
	/* the same again, later: refreshed, expiry moved */
	ru.timestamp_ms = 2000;
	cr_assert_eq(aero_rt_update(&t, &ru, 1100, &e, &gone), AERO_RT_REFRESHED);
	cr_assert_eq(e->expires_ms, 7100);
	cr_assert_eq(e->updates, 1);
	/* an older update changes nothing */
	struct aero_ru old = mk(1, "2001:db8:b::/48", "203.0.113.9:1", 2, 60, 1500);
	cr_assert_eq(aero_rt_update(&t, &old, 1200, &e, &gone), AERO_RT_IGNORED);
	cr_assert_null(e);
	cr_assert_eq(t.v[0].expires_ms, 7100);
	cr_assert_eq(t.stale, 1);
	/* a new origin: moved */
	ru = mk(1, "2001:db8:b::/48", "198.51.100.7:8060", 2, 6, 3000);
	cr_assert_eq(aero_rt_update(&t, &ru, 1300, &e, &gone), AERO_RT_MOVED);
	cr_assert_eq(ntohs(e->origin.in4.sin_port), 8060);
	cr_assert_eq(t.moved, 1);
	/* a withdrawal from another anchor is ignored, from its anchor removes it */
	struct aero_ru w = mk(1, "2001:db8:b::/48", "198.51.100.7:8060", 3, 0, 4000);
	cr_assert_eq(aero_rt_update(&t, &w, 1400, &e, &gone), AERO_RT_IGNORED);
	cr_assert_eq(t.n, 1);
	w.anchor_msid = 2;
	cr_assert_eq(aero_rt_update(&t, &w, 1400, &e, &gone), AERO_RT_WITHDRAWN);
	cr_assert_eq(t.n, 0);
	cr_assert_eq(gone.anchor_msid, 2);
	cr_assert_eq(gone.key[0], 1);
	/* a withdrawal of nothing */
	cr_assert_eq(aero_rt_update(&t, &w, 1500, &e, &gone), AERO_RT_IGNORED);
	cr_assert_eq(t.learned, 1);
	cr_assert_eq(t.withdrawn, 1);
	aero_rt_deinit(&t);
}

Test(aero_rt, anchor_change_and_key_match)
{
	struct aero_rt t;
	struct aero_rt_ent *e;
	aero_rt_init(&t);
	struct aero_ru ru = mk(1, "2001:db8:c::/48", "100.64.1.1:8060", 1, 6, 1000);
	cr_assert_eq(aero_rt_update(&t, &ru, 0, &e, NULL), AERO_RT_NEW);
	/* the client moved to another anchor: the same entry, moved */
	ru = mk(1, "2001:db8:c::/48", "100.64.1.1:8060", 2, 6, 2000);
	cr_assert_eq(aero_rt_update(&t, &ru, 0, &e, NULL), AERO_RT_MOVED);
	cr_assert_eq(e->anchor_msid, 2);
	/* the old anchor's late withdrawal does not remove it */
	ru = mk(1, "2001:db8:c::/48", "100.64.1.1:8060", 1, 0, 3000);
	cr_assert_eq(aero_rt_update(&t, &ru, 0, &e, NULL), AERO_RT_IGNORED);
	cr_assert_eq(t.n, 1);
	/* the same key with another MNP (a reload at the anchor) replaces the entry */
	ru = mk(1, "2001:db8:d::/48", "100.64.1.1:8060", 2, 6, 4000);
	cr_assert_eq(aero_rt_update(&t, &ru, 0, &e, NULL), AERO_RT_MOVED);
	cr_assert_eq(t.n, 1);
	uint8_t a[16];
	addr_of("2001:db8:d::1/128", a);
	cr_assert_eq(aero_rt_lookup(&t, a), &t.v[0]);
	addr_of("2001:db8:c::1/128", a);
	cr_assert_null(aero_rt_lookup(&t, a));
	uint8_t k[32];
	memset(k, 1, 32);
	cr_assert_eq(aero_rt_find_key(&t, k), &t.v[0]);
	memset(k, 2, 32);
	cr_assert_null(aero_rt_find_key(&t, k));
	aero_rt_deinit(&t);
}

Test(aero_rt, lookup_expiry_and_anchor_removal)
{
	struct aero_rt t;
	struct aero_rt_ent gone[4];
	aero_rt_init(&t);
	struct aero_ru r1 = mk(1, "2001:db8::/32", "192.0.2.1:1", 2, 10, 1);
	struct aero_ru r2 = mk(2, "2001:db8:5::/48", "192.0.2.2:1", 3, 5, 1);
	struct aero_ru r3 = mk(3, "2001:db8:6::/48", "192.0.2.3:1", 2, 20, 1);
	cr_assert_eq(aero_rt_update(&t, &r1, 0, NULL, NULL), AERO_RT_NEW);
	cr_assert_eq(aero_rt_update(&t, &r2, 0, NULL, NULL), AERO_RT_NEW);
	cr_assert_eq(aero_rt_update(&t, &r3, 0, NULL, NULL), AERO_RT_NEW);
	uint8_t a[16];
	addr_of("2001:db8:5::9/128", a);
	cr_assert_eq(aero_rt_lookup(&t, a)->key[0], 2, "the longest prefix wins");
	addr_of("2001:db8:7::9/128", a);
	cr_assert_eq(aero_rt_lookup(&t, a)->key[0], 1);
	addr_of("2001:db9::1/128", a);
	cr_assert_null(aero_rt_lookup(&t, a));
	cr_assert_eq(aero_rt_deadline(&t), 5000);
	cr_assert_eq(aero_rt_expire(&t, 4999, 0, gone, 4), 0);
	cr_assert_eq(aero_rt_expire(&t, 5000, 0, gone, 4), 1);
	cr_assert_eq(gone[0].key[0], 2);
	cr_assert_eq(t.expired, 1);
	cr_assert_eq(aero_rt_deadline(&t), 10000);
	/* anchor 2 leaves the mesh: both of its routes go, not counted as expired */
	cr_assert_eq(aero_rt_expire(&t, 0, 2, gone, 1), 1, "at most @cap per call");
	cr_assert_eq(aero_rt_expire(&t, 0, 2, gone, 4), 1);
	cr_assert_eq(t.n, 0);
	cr_assert_eq(t.expired, 1);
	cr_assert_eq(aero_rt_deadline(&t), UINT64_MAX);
	aero_rt_deinit(&t);
}

Test(aero_rt, full_table_refuses_new_routes)
{
	struct aero_rt t;
	aero_rt_init(&t);
	for (unsigned i = 0; i < AERO_RT_MAX; i++) {
		struct aero_ru r = mk(0, "2001:db8::/64", "192.0.2.1:1", 2, 10, 1);
		memcpy(r.v.key, &i, sizeof(i));
		r.v.key[31] = 0x55;
		r.v.mnp.addr[4] = (uint8_t)(i >> 8);
		r.v.mnp.addr[5] = (uint8_t)i;
		cr_assert_eq(aero_rt_update(&t, &r, 0, NULL, NULL), AERO_RT_NEW, "route %u", i);
	}
	struct aero_ru r = mk(9, "2001:db9::/48", "192.0.2.1:1", 2, 10, 1);
	cr_assert_eq(aero_rt_update(&t, &r, 0, NULL, NULL), AERO_RT_IGNORED);
	cr_assert_eq(t.full, 1);
	cr_assert_eq(t.n, AERO_RT_MAX);
	/* an existing route is still refreshed */
	struct aero_ru again = mk(0, "2001:db8::/64", "192.0.2.1:1", 2, 10, 2);
	memcpy(again.v.key, t.v[0].key, 32);
	again.v.mnp = t.v[0].mnp;
	cr_assert_eq(aero_rt_update(&t, &again, 0, NULL, NULL), AERO_RT_REFRESHED);
	aero_rt_deinit(&t);
}

/*
 * Route updates travel as datagrams on a session whose anti-replay window
 * accepts reordering, and each passes the ±30 s signature window: an update
 * overtaken by its anchor's later withdrawal must not bring the route back,
 * whether the withdrawal removed the entry or arrived first (nothing to remove).
 */
Test(aero_rt, older_update_after_withdrawal_is_ignored)
{
	struct aero_rt t;
	aero_rt_init(&t);
	struct aero_ru up = mk(1, "2001:db8:b::/48", "198.51.100.1:8060", 2, 600, 1000);
	struct aero_ru w = mk(1, "2001:db8:b::/48", "198.51.100.1:8060", 2, 0, 2000);
	cr_assert_eq(aero_rt_update(&t, &up, 100, NULL, NULL), AERO_RT_NEW);
	cr_assert_eq(aero_rt_update(&t, &w, 200, NULL, NULL), AERO_RT_WITHDRAWN);
	/* the update sent before the withdrawal, delivered late */
	struct aero_ru late = mk(1, "2001:db8:b::/48", "198.51.100.1:8060", 2, 600, 1500);
	cr_assert_eq(aero_rt_update(&t, &late, 300, NULL, NULL), AERO_RT_IGNORED);
	cr_assert_eq(t.n, 0);
	cr_assert_eq(t.stale, 1);
	/* the same MNP under the client's key from a replayed-older update: also stale */
	struct aero_ru late2 = mk(1, "2001:db8:e::/48", "198.51.100.1:8060", 2, 600, 1900);
	cr_assert_eq(aero_rt_update(&t, &late2, 300, NULL, NULL), AERO_RT_IGNORED);
	cr_assert_eq(t.n, 0);
	/* a newer update from the anchor (the client registered again) is a new route */
	up.timestamp_ms = 2500;
	cr_assert_eq(aero_rt_update(&t, &up, 400, NULL, NULL), AERO_RT_NEW);
	cr_assert_eq(t.n, 1);

	/* the withdrawal overtakes the update: nothing to remove, yet the update stays out */
	struct aero_ru w2 = mk(3, "2001:db8:f::/48", "198.51.100.3:8060", 4, 0, 5000);
	struct aero_ru up2 = mk(3, "2001:db8:f::/48", "198.51.100.3:8060", 4, 600, 4000);
	cr_assert_eq(aero_rt_update(&t, &w2, 500, NULL, NULL), AERO_RT_IGNORED);
	cr_assert_eq(aero_rt_update(&t, &up2, 600, NULL, NULL), AERO_RT_IGNORED);
	cr_assert_eq(t.n, 1);
	/* another anchor's older clock is not bound by that anchor's withdrawal (a move) */
	struct aero_ru other = mk(3, "2001:db8:f::/48", "198.51.100.9:8060", 5, 600, 4500);
	cr_assert_eq(aero_rt_update(&t, &other, 700, NULL, NULL), AERO_RT_NEW);
	cr_assert_eq(t.n, 2);
	/* a withdrawal is remembered only for a bounded time (past the ±30 s window) */
	struct aero_ru w3 = mk(6, "2001:db8:a::/48", "198.51.100.6:8060", 4, 0, 9000);
	struct aero_ru up3 = mk(6, "2001:db8:a::/48", "198.51.100.6:8060", 4, 600, 8000);
	cr_assert_eq(aero_rt_update(&t, &w3, 1000, NULL, NULL), AERO_RT_IGNORED);
	cr_assert_eq(aero_rt_update(&t, &up3, 1000 + 61000, NULL, NULL), AERO_RT_NEW);
	aero_rt_deinit(&t);
}

/* Many withdrawals: the memory stays bounded, the most recent ones are kept. */
Test(aero_rt, remembered_withdrawals_are_bounded)
{
	struct aero_rt t;
	aero_rt_init(&t);
	for (unsigned i = 0; i < AERO_RT_MAX + 100; i++) {
		struct aero_ru w = mk(0, "2001:db8::/64", "192.0.2.1:1", 2, 0, 10000 + i);
		memcpy(w.v.key, &i, sizeof(i));
		w.v.mnp.addr[4] = (uint8_t)(i >> 8);
		w.v.mnp.addr[5] = (uint8_t)i;
		cr_assert_eq(aero_rt_update(&t, &w, i, NULL, NULL), AERO_RT_IGNORED);
	}
	cr_assert_eq(t.n_tomb, AERO_RT_MAX);
	cr_assert_leq(t.cap_tomb, AERO_RT_MAX);
	/* the last withdrawal still hides its older update */
	unsigned i = AERO_RT_MAX + 99;
	struct aero_ru up = mk(0, "2001:db8::/64", "192.0.2.1:1", 2, 60, 9000);
	memcpy(up.v.key, &i, sizeof(i));
	up.v.mnp.addr[4] = (uint8_t)(i >> 8);
	up.v.mnp.addr[5] = (uint8_t)i;
	cr_assert_eq(aero_rt_update(&t, &up, i, NULL, NULL), AERO_RT_IGNORED);
	cr_assert_eq(t.n, 0);
	aero_rt_deinit(&t);
}
