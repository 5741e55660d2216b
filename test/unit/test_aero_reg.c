// SPDX-License-Identifier: MIT
/*
 * test_aero_reg.c - common/aero_reg.[ch]: the client RS schedule (first-RS
 * delay, 4 s retransmits, backoff doubling to the 60 s cap and retrying for
 * ever, refresh at 1/3 of the lifetime, expiry, lifetime-0 RA, release) and
 * the server table (each refusal reason counted and changing nothing,
 * registration, refresh, replacement on a new origin, replay, release,
 * expiry, removal).
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "aero_reg.h"

Test(aero_cli, backoff_table)
{
	static const uint32_t want[] = {4000, 4000, 8000, 16000, 32000, 60000, 60000, 60000};
	for (unsigned i = 0; i < ARRAY_SIZE(want); i++)
		cr_assert_eq(aero_cli_backoff_ms(i + 1), want[i], "tries %u", i + 1);
	cr_assert_eq(aero_cli_backoff_ms(1000), 60000);
	cr_assert_eq(aero_cli_backoff_ms(UINT32_MAX), 60000);
}

Test(aero_cli, idle_does_nothing)
{
	struct aero_cli c;
	aero_cli_init(&c);
	cr_assert_eq(aero_cli_deadline(&c), UINT64_MAX);
	cr_assert_eq(aero_cli_tick(&c, 1000000), 0);
	cr_assert_eq(aero_cli_ra(&c, 5, 600), 0);
	cr_assert_eq(c.registered, false);
}

Test(aero_cli, unreachable_server_retries_forever_with_backoff)
{
	struct aero_cli c;
	aero_cli_init(&c);
	aero_cli_start(&c, 1000, 5000); /* delay capped at 1 s */
	cr_assert_eq(aero_cli_deadline(&c), 2000);
	cr_assert_eq(aero_cli_tick(&c, 1999), 0);
	cr_assert_eq(aero_cli_tick(&c, 2000), AERO_CLI_SEND_RS);
	uint64_t t = 2000;
	static const uint32_t gaps[] = {4000, 4000, 8000, 16000, 32000, 60000, 60000};
	for (unsigned i = 0; i < ARRAY_SIZE(gaps); i++) {
		cr_assert_eq(aero_cli_deadline(&c), t + gaps[i], "step %u", i);
		cr_assert_eq(aero_cli_tick(&c, t + gaps[i] - 1), 0);
		t += gaps[i];
		cr_assert_eq(aero_cli_tick(&c, t), AERO_CLI_SEND_RS | AERO_CLI_RETRY);
	}
	cr_assert_eq(c.rs_sent, 8);
	cr_assert_eq(c.retransmits, 7);
	cr_assert_eq(c.state, AERO_CLI_SOLICITING);
	/* the server comes back */
	cr_assert_eq(aero_cli_ra(&c, t + 10, 30), 0);
	cr_assert(c.registered);
	cr_assert_eq(c.state, AERO_CLI_REGISTERED);
	cr_assert_eq(c.tries, 0);
	cr_assert_eq(aero_cli_deadline(&c), t + 10 + 10000);
}

Test(aero_cli, refresh_at_a_third_and_expiry)
{
	struct aero_cli c;
	aero_cli_init(&c);
	aero_cli_start(&c, 0, 0);
	cr_assert_eq(aero_cli_tick(&c, 0), AERO_CLI_SEND_RS);
	cr_assert_eq(aero_cli_ra(&c, 100, 9), 0);
	cr_assert_eq(c.expires_ms, 9100);
	cr_assert_eq(c.registered_ms, 100);
	cr_assert_eq(aero_cli_deadline(&c), 3100);
	cr_assert_eq(aero_cli_tick(&c, 3099), 0);
	cr_assert_eq(aero_cli_tick(&c, 3100), AERO_CLI_SEND_RS); /* a refresh, not a retry */
	/* refresh answered: the expiry moves, registered_ms stays */
	cr_assert_eq(aero_cli_ra(&c, 3200, 9), 0);
	cr_assert_eq(c.expires_ms, 12200);
	cr_assert_eq(c.registered_ms, 100);
	/* the next refresh is not answered: retransmits, then the registration lapses */
	cr_assert_eq(aero_cli_tick(&c, 6200), AERO_CLI_SEND_RS);
	cr_assert_eq(aero_cli_deadline(&c), 10200);
	cr_assert_eq(aero_cli_tick(&c, 10200), AERO_CLI_SEND_RS | AERO_CLI_RETRY);
	cr_assert_eq(aero_cli_deadline(&c), 12200); /* expiry before the next RS at 14200 */
	cr_assert_eq(aero_cli_tick(&c, 12200), AERO_CLI_EXPIRED);
	cr_assert_eq(c.registered, false);
	cr_assert_eq(c.state, AERO_CLI_SOLICITING);
	cr_assert_eq(c.expirations, 1);
	cr_assert_eq(aero_cli_tick(&c, 12300), 0); /* reported once */
	cr_assert_eq(aero_cli_deadline(&c), 14200);
	cr_assert_eq(aero_cli_tick(&c, 14200), AERO_CLI_SEND_RS | AERO_CLI_RETRY);
}

Test(aero_cli, expiry_and_rs_at_once)
{
	struct aero_cli c;
	aero_cli_init(&c);
	aero_cli_start(&c, 0, 0);
	(void)aero_cli_tick(&c, 0);
	(void)aero_cli_ra(&c, 0, 3);
	/* a late timer: both the refresh and the expiry are due */
	cr_assert_eq(aero_cli_tick(&c, 50000), AERO_CLI_EXPIRED | AERO_CLI_SEND_RS);
}

Test(aero_cli, lifetime_zero_ends_registration)
{
	struct aero_cli c;
	aero_cli_init(&c);
	aero_cli_start(&c, 0, 0);
	(void)aero_cli_tick(&c, 0);
	cr_assert_eq(aero_cli_ra(&c, 0, 0), 0); /* nothing was registered */
	cr_assert_eq(aero_cli_ra(&c, 10, 600), 0);
	cr_assert_eq(aero_cli_ra(&c, 20, 0), AERO_CLI_EXPIRED);
	cr_assert_eq(c.registered, false);
	cr_assert_eq(aero_cli_deadline(&c), 20 + AERO_RTR_SOLICITATION_INTERVAL_MS);
}

Test(aero_cli, release_stops_everything)
{
	struct aero_cli c;
	aero_cli_init(&c);
	aero_cli_start(&c, 0, 0);
	(void)aero_cli_tick(&c, 0);
	(void)aero_cli_ra(&c, 0, 600);
	aero_cli_release(&c);
	cr_assert_eq(aero_cli_deadline(&c), UINT64_MAX);
	cr_assert_eq(aero_cli_tick(&c, UINT64_MAX - 1), 0);
	cr_assert_eq(aero_cli_ra(&c, 5, 600), 0);
	cr_assert_eq(c.registered, false);
}

/* ---- server ---- */

static const uint8_t key_a[32] = {1, 2, 3};
static const uint8_t key_b[32] = {9, 9, 9};

static bool prefix_eq(const struct prefix *a, const struct prefix *b)
{
	return a->family == b->family && a->plen == b->plen && memcmp(a->addr, b->addr, 16) == 0;
}

static struct prefix pfx(const char *s)
{
	struct prefix p;
	cr_assert_eq(addr_parse_prefix(s, &p), 0);
	return p;
}

static union sockaddr_any ep(const char *s)
{
	union sockaddr_any a;
	cr_assert_eq(addr_parse_endpoint(s, 8060, &a), 0);
	return a;
}

static struct aero_rs rs_for(const uint8_t *key, const char *lla, uint64_t ts, uint32_t msid)
{
	struct aero_rs rs;
	memset(&rs, 0, sizeof(rs));
	memcpy(rs.key, key, 32);
	cr_assert_eq(inet_pton(AF_INET6, lla, &rs.src), 1);
	rs.timestamp_ms = ts;
	rs.has_register = true;
	rs.register_msid = msid;
	return rs;
}

static uint64_t total_refused(const struct aero_srv *s)
{
	uint64_t t = 0;
	for (unsigned i = 0; i < AERO_REFUSE__COUNT; i++)
		t += s->refused[i];
	return t;
}

Test(aero_srv, names)
{
	cr_assert_str_eq(aero_refusal_name(AERO_REFUSE_mnp_not_allowed), "mnp_not_allowed");
	cr_assert_str_eq(aero_refusal_name(AERO_REFUSE_malformed), "malformed");
	cr_assert_str_eq(aero_refusal_name(AERO_REFUSE_unknown_client), "unknown_client");
	cr_assert_str_eq(aero_refusal_name(AERO_REFUSE__COUNT), "unknown");
}

Test(aero_srv, register_refresh_replace_release)
{
	struct aero_srv s;
	struct aero_reg *e;
	enum aero_refusal why;
	struct prefix mnp = pfx("2001:db8:1000:2000::/56");
	union sockaddr_any o1 = ep("192.0.2.1:4000"), o2 = ep("198.51.100.7:5000");

	aero_srv_init(&s, 7, 60);
	struct aero_rs rs = rs_for(key_a, "fe80::2001:db8:1000:2000", 1000, 7);
	cr_assert_eq(aero_srv_rs(&s, "a", key_a, &mnp, &rs, &o1, 500, &e, &why),
		     AERO_SRV_REGISTERED);
	cr_assert_not_null(e);
	cr_assert_str_eq(e->name, "a");
	cr_assert(prefix_eq(&e->mnp, &mnp));
	cr_assert(addr_equal(&e->origin, &o1));
	cr_assert_eq(e->expires_ms, 60500);
	cr_assert_eq(aero_srv_deadline(&s), 60500);
	cr_assert_eq(s.n, 1);
	rs.timestamp_ms = 2000;
	cr_assert_eq(aero_srv_rs(&s, "a", key_a, &mnp, &rs, &o1, 1500, &e, &why),
		     AERO_SRV_REFRESHED);
	cr_assert_eq(e->expires_ms, 61500);
	cr_assert_eq(e->registered_ms, 500);
	rs.timestamp_ms = 3000;
	cr_assert_eq(aero_srv_rs(&s, "a", key_a, &mnp, &rs, &o2, 2500, &e, &why),
		     AERO_SRV_REPLACED);
	cr_assert(addr_equal(&e->origin, &o2));
	cr_assert_eq(s.n, 1);
	cr_assert_eq(s.registered, 1);
	cr_assert_eq(s.refreshed, 1);
	cr_assert_eq(s.replaced, 1);
	/* MS-Release of us */
	rs.timestamp_ms = 4000;
	rs.has_register = false;
	rs.has_release = true;
	rs.release_us = true;
	cr_assert_eq(aero_srv_rs(&s, "a", key_a, &mnp, &rs, &o2, 3000, &e, &why),
		     AERO_SRV_RELEASED);
	cr_assert_null(e);
	cr_assert_eq(s.n, 0);
	cr_assert_eq(s.released, 1);
	cr_assert_eq(aero_srv_deadline(&s), UINT64_MAX);
	/* a release with nothing registered is refused */
	rs.timestamp_ms = 5000;
	cr_assert_eq(aero_srv_rs(&s, "a", key_a, &mnp, &rs, &o2, 3000, &e, &why), AERO_SRV_REFUSED);
	cr_assert_eq(why, AERO_REFUSE_unknown_client);
	cr_assert_eq(total_refused(&s), 1);
	aero_srv_deinit(&s);
}

Test(aero_srv, every_refusal_counted_and_changes_nothing)
{
	struct aero_srv s;
	struct aero_reg *e;
	enum aero_refusal why;
	struct prefix mnp = pfx("2001:db8:1000:2000::/56");
	struct prefix mnp4 = pfx("192.0.2.0/24");
	union sockaddr_any o1 = ep("192.0.2.1:4000");

	aero_srv_init(&s, 7, 60);
	struct aero_rs ok = rs_for(key_a, "fe80::2001:db8:1000:2000", 1000, 7);
	cr_assert_eq(aero_srv_rs(&s, "a", key_a, &mnp, &ok, &o1, 0, &e, &why), AERO_SRV_REGISTERED);
	struct aero_reg before = s.v[0];

	struct {
		const char *name;
		const uint8_t *session;
		const struct prefix *allowed;
		struct aero_rs rs;
		enum aero_refusal want;
	} cases[] = {
	    {NULL, key_a, &mnp, rs_for(key_a, "fe80::2001:db8:1000:2000", 2000, 7),
	     AERO_REFUSE_unknown_client},
	    {"a", key_a, NULL, rs_for(key_a, "fe80::2001:db8:1000:2000", 2000, 7),
	     AERO_REFUSE_unknown_client},
	    {"a", key_a, &mnp, rs_for(key_b, "fe80::2001:db8:1000:2000", 2000, 7),
	     AERO_REFUSE_key_mismatch},
	    {"a", key_a, &mnp, rs_for(key_a, "fe80::2001:db8:1000:2000", 1000, 7),
	     AERO_REFUSE_replay},
	    {"a", key_a, &mnp, rs_for(key_a, "fe80::2001:db8:1000:2000", 999, 7),
	     AERO_REFUSE_replay},
	    {"a", key_a, &mnp, rs_for(key_a, "fe80::2001:db8:1000:3000", 2000, 7),
	     AERO_REFUSE_mnp_not_allowed},
	    {"a", key_a, &mnp4, rs_for(key_a, "fe80::2001:db8:1000:2000", 2000, 7),
	     AERO_REFUSE_mnp_not_allowed},
	    {"a", key_a, &mnp, rs_for(key_a, "fe80::2001:db8:1000:2000", 2000, 8),
	     AERO_REFUSE_not_hub},
	};
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t r0 = s.refused[cases[i].want], t0 = total_refused(&s);
		e = (struct aero_reg *)1;
		cr_assert_eq(aero_srv_rs(&s, cases[i].name, cases[i].session, cases[i].allowed,
					 &cases[i].rs, &o1, 100, &e, &why),
			     AERO_SRV_REFUSED, "case %u", i);
		cr_assert_null(e);
		cr_assert_eq(why, cases[i].want, "case %u: %s", i, aero_refusal_name(why));
		cr_assert_eq(s.refused[cases[i].want], r0 + 1);
		cr_assert_eq(total_refused(&s), t0 + 1);
		cr_assert_eq(s.n, 1);
		cr_assert_eq(memcmp(&s.v[0], &before, sizeof(before)), 0, "case %u changed", i);
	}
	/* a second client whose RS carries no MS-Register registers too */
	struct prefix mnp_b = pfx("2001:db8:1000:3000::/56");
	struct aero_rs rb = rs_for(key_b, "fe80::2001:db8:1000:3000", 10, 0);
	rb.has_register = false;
	cr_assert_eq(aero_srv_rs(&s, "b", key_b, &mnp_b, &rb, &o1, 100, &e, &why),
		     AERO_SRV_REGISTERED);
	cr_assert_eq(s.n, 2);
	cr_assert_not_null(aero_srv_find(&s, key_b));
	cr_assert(aero_srv_remove(&s, key_b));
	cr_assert_not(aero_srv_remove(&s, key_b));
	cr_assert_null(aero_srv_find(&s, key_b));
	aero_srv_refuse(&s, AERO_REFUSE_stale);
	cr_assert_eq(s.refused[AERO_REFUSE_stale], 1);
	aero_srv_deinit(&s);
}

Test(aero_srv, expiry_in_batches)
{
	struct aero_srv s;
	struct aero_reg gone[2];
	enum aero_refusal why;
	union sockaddr_any o = ep("192.0.2.1:4000");

	aero_srv_init(&s, 1, 10);
	uint8_t keys[5][32];
	struct prefix mnps[5];
	for (int i = 0; i < 5; i++) {
		char p[64], lla[64];
		memset(keys[i], i + 1, 32);
		snprintf(p, sizeof(p), "2001:db8:%d::/48", i + 1);
		snprintf(lla, sizeof(lla), "fe80::2001:db8:%d:0", i + 1);
		mnps[i] = pfx(p);
		struct aero_rs rs = rs_for(keys[i], lla, 5, 1);
		cr_assert_eq(aero_srv_rs(&s, "c", keys[i], &mnps[i], &rs, &o, (uint64_t)i * 1000,
					 NULL, &why),
			     AERO_SRV_REGISTERED, "%d", i);
	}
	cr_assert_eq(aero_srv_deadline(&s), 10000);
	cr_assert_eq(aero_srv_expire(&s, 9999, gone, 2), 0);
	cr_assert_eq(aero_srv_expire(&s, 12000, gone, 2), 2);
	cr_assert(prefix_eq(&gone[0].mnp, &mnps[0]));
	cr_assert(prefix_eq(&gone[1].mnp, &mnps[1]));
	cr_assert_eq(aero_srv_expire(&s, 12000, gone, 2), 1); /* the third, left over */
	cr_assert(prefix_eq(&gone[0].mnp, &mnps[2]));
	cr_assert_eq(s.n, 2);
	cr_assert_eq(s.expired, 3);
	cr_assert_eq(aero_srv_deadline(&s), 13000);
	cr_assert_eq(aero_srv_expire(&s, UINT64_MAX, gone, 2), 2);
	cr_assert_eq(s.n, 0);
	aero_srv_deinit(&s);
}

Test(aero_cli, moved_sends_rs_at_once_and_keeps_the_registration)
{
	struct aero_cli c;
	aero_cli_init(&c);
	cr_assert_eq(aero_cli_moved(&c, 10), false); /* idle: nothing to renew */
	cr_assert_eq(aero_cli_deadline(&c), UINT64_MAX);
	aero_cli_start(&c, 0, 0);
	cr_assert_eq(aero_cli_tick(&c, 0), AERO_CLI_SEND_RS);
	cr_assert_eq(aero_cli_ra(&c, 100, 600), 0);
	cr_assert_eq(c.next_rs_ms, 100 + 200000);
	/* the underlay changes at t = 5000: the RS is due now, as a first try */
	cr_assert_eq(aero_cli_moved(&c, 5000), true);
	cr_assert_eq(c.moves, 1);
	cr_assert_eq(aero_cli_deadline(&c), 5000);
	cr_assert_eq(aero_cli_tick(&c, 5000), AERO_CLI_SEND_RS);
	cr_assert(c.registered);
	cr_assert_eq(c.retransmits, 0);
	/* no RA: retransmitted 4 s later (a retry), still registered until the expiry */
	cr_assert_eq(aero_cli_deadline(&c), 9000);
	cr_assert_eq(aero_cli_tick(&c, 9000), AERO_CLI_SEND_RS | AERO_CLI_RETRY);
	cr_assert(c.registered);
	/* the RA for the new origin renews it and puts the refresh back at 1/3 */
	cr_assert_eq(aero_cli_ra(&c, 9100, 600), 0);
	cr_assert_eq(c.next_rs_ms, 9100 + 200000);
	cr_assert_eq(c.tries, 0);
}

Test(aero_cli, moved_while_soliciting_restarts_the_schedule)
{
	struct aero_cli c;
	aero_cli_init(&c);
	aero_cli_start(&c, 0, 0);
	for (uint64_t t = 0; t <= 8000; t += 4000)
		(void)aero_cli_tick(&c, t);
	cr_assert_eq(c.tries, 3);
	cr_assert_eq(aero_cli_moved(&c, 9000), true);
	cr_assert_eq(c.tries, 0);
	cr_assert_eq(aero_cli_tick(&c, 9000), AERO_CLI_SEND_RS);
	cr_assert_eq(aero_cli_deadline(&c), 13000);
}

Test(aero_cli, moved_after_release_does_nothing)
{
	struct aero_cli c;
	aero_cli_init(&c);
	aero_cli_start(&c, 0, 0);
	aero_cli_release(&c);
	cr_assert_eq(aero_cli_moved(&c, 100), false);
	cr_assert_eq(c.moves, 0);
	cr_assert_eq(aero_cli_deadline(&c), UINT64_MAX);
	cr_assert_eq(aero_cli_tick(&c, 100), 0);
}

Test(aero_srv, origin_follows_the_session)
{
	struct aero_srv s;
	struct aero_reg *e;
	enum aero_refusal why;
	struct prefix mnp = pfx("2001:db8:1000:2000::/56");
	union sockaddr_any o1 = ep("192.0.2.1:4000"), o2 = ep("192.0.2.5:4000"),
			   o3 = ep("192.0.2.5:4001");

	aero_srv_init(&s, 7, 60);
	struct aero_rs rs = rs_for(key_a, "fe80::2001:db8:1000:2000", 1000, 7);
	cr_assert_eq(aero_srv_rs(&s, "a", key_a, &mnp, &rs, &o1, 500, &e, &why),
		     AERO_SRV_REGISTERED);
	cr_assert_eq(aero_srv_origin(&s, e, &o1), false, "same origin: nothing");
	cr_assert_eq(e->replaced, 0);
	cr_assert_eq(s.replaced, 0);
	cr_assert_eq(aero_srv_origin(&s, e, &o2), true);
	cr_assert(addr_equal(&e->origin, &o2));
	cr_assert_eq(aero_srv_origin(&s, e, &o3), true, "a port change is a move too");
	cr_assert(addr_equal(&e->origin, &o3));
	cr_assert_eq(e->replaced, 2);
	cr_assert_eq(s.replaced, 2);
	cr_assert_eq(e->expires_ms, 60500, "the lifetime is not extended");
	/* the RS from the origin already recorded is a refresh, not a replacement */
	rs.timestamp_ms = 2000;
	cr_assert_eq(aero_srv_rs(&s, "a", key_a, &mnp, &rs, &o3, 1500, &e, &why),
		     AERO_SRV_REFRESHED);
	cr_assert_eq(s.replaced, 2);
	aero_srv_deinit(&s);
}

/* A multilink client's per-underlay RSs may arrive out of order: the replay check is per
 * ifIndex of the first Interface Attributes, so the later-sent RS of one underlay does
 * not make the earlier one of another a "replay"; a true replay is still refused. */
Test(aero_srv, replay_check_per_underlay)
{
	struct aero_srv s;
	struct aero_reg *e;
	enum aero_refusal why;
	struct prefix mnp = pfx("2001:db8:1000:2000::/56");
	union sockaddr_any o1 = ep("192.0.2.1:4000");
	aero_srv_init(&s, 7, 600);

	struct aero_rs u1 = rs_for(key_a, "fe80::2001:db8:1000:2000", 1001, 7);
	struct aero_rs u0 = rs_for(key_a, "fe80::2001:db8:1000:2000", 1000, 7);
	u1.n_ifs = u0.n_ifs = 1;
	u1.ifs[0].if_index = 2;
	u0.ifs[0].if_index = 1;
	cr_assert_eq(aero_srv_rs(&s, "a", key_a, &mnp, &u1, &o1, 0, &e, &why), AERO_SRV_REGISTERED);
	cr_assert_eq(aero_srv_rs(&s, "a", key_a, &mnp, &u0, &o1, 1, &e, &why), AERO_SRV_REFRESHED,
		     "the other underlay's earlier RS was refused");
	cr_assert_eq(aero_srv_rs(&s, "a", key_a, &mnp, &u0, &o1, 2, &e, &why), AERO_SRV_REFUSED);
	cr_assert_eq(why, AERO_REFUSE_replay);
	cr_assert_eq(aero_srv_rs(&s, "a", key_a, &mnp, &u1, &o1, 2, &e, &why), AERO_SRV_REFUSED);
	cr_assert_eq(why, AERO_REFUSE_replay);
	u1.timestamp_ms = 1002;
	cr_assert_eq(aero_srv_rs(&s, "a", key_a, &mnp, &u1, &o1, 3, &e, &why), AERO_SRV_REFRESHED);
	/* An RS without Interface Attributes has its own sequence (ifIndex 0). */
	struct aero_rs none = rs_for(key_a, "fe80::2001:db8:1000:2000", 900, 7);
	cr_assert_eq(aero_srv_rs(&s, "a", key_a, &mnp, &none, &o1, 4, &e, &why), AERO_SRV_REFRESHED);
	cr_assert_eq(aero_srv_rs(&s, "a", key_a, &mnp, &none, &o1, 5, &e, &why), AERO_SRV_REFUSED);
	/* More underlays than slots: the oldest is forgotten, the newest still checked. */
	for (unsigned i = 0; i < AERO_ND_MAX_IFS + 2; i++) {
		struct aero_rs x = rs_for(key_a, "fe80::2001:db8:1000:2000", 2000 + i, 7);
		x.n_ifs = 1;
		x.ifs[0].if_index = (uint8_t)(10 + i);
		cr_assert_eq(aero_srv_rs(&s, "a", key_a, &mnp, &x, &o1, 6, &e, &why),
			     AERO_SRV_REFRESHED);
		cr_assert_eq(aero_srv_rs(&s, "a", key_a, &mnp, &x, &o1, 6, &e, &why),
			     AERO_SRV_REFUSED);
	}
	aero_srv_deinit(&s);
}
