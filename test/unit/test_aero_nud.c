// SPDX-License-Identifier: MIT
/*
 * test_aero_nud.c - common/aero_nud.[ch] with an injected clock: the exact
 * probe schedule and verdict (delay, RetransTimer, MaxUnicastSolicit, §5.12),
 * recovery, no probe while replies flow or while the client sends nothing, a
 * slow answer that does not fail the server, and the Hub choice (first usable,
 * then sticky after a failover); plus aero_cli_lost() of common/aero_reg.c.
 */
#include <criterion/criterion.h>

#include "aero_nud.h"
#include "aero_reg.h"

#define D AERO_NUD_DELAY_MS
#define R AERO_NUD_PROBE_INTERVAL_MS

Test(aero_nud, constants_follow_the_spec)
{
	cr_assert_eq(AERO_NUD_PROBE_INTERVAL_MS, 1000);
	cr_assert_eq(AERO_NUD_MAX_PROBES, 3);
	cr_assert_eq(AERO_NUD_DELAY_MS, 2000);
}

Test(aero_nud, unanswered_send_probes_then_unreachable_exactly)
{
	struct aero_nud u;
	aero_nud_init(&u, 1000);
	cr_assert_eq(aero_nud_deadline(&u), UINT64_MAX);
	aero_nud_sent(&u, 5000);
	aero_nud_sent(&u, 5500); /* later sends do not move the start */
	cr_assert_eq(aero_nud_deadline(&u), 5000 + D);
	cr_assert_eq(aero_nud_tick(&u, 5000 + D - 1), 0);
	cr_assert_eq(u.state, AERO_NUD_REACHABLE);
	uint64_t t = 5000 + D;
	for (unsigned i = 1; i <= AERO_NUD_MAX_PROBES; i++) {
		cr_assert_eq(aero_nud_tick(&u, t), AERO_NUD_SEND_PROBE, "probe %u", i);
		cr_assert_eq(u.state, AERO_NUD_PROBE);
		cr_assert_eq(u.probes, i);
		cr_assert_eq(aero_nud_deadline(&u), t + R);
		cr_assert_eq(aero_nud_tick(&u, t + R - 1), 0);
		t += R;
	}
	cr_assert_eq(aero_nud_tick(&u, t), AERO_NUD_LOST);
	cr_assert_eq(t, 5000 + D + AERO_NUD_MAX_PROBES * R); /* 5 s after the send */
	cr_assert_eq(u.state, AERO_NUD_UNREACHABLE);
	cr_assert_eq(u.lost, 1);
	cr_assert_eq(u.probes_tx, AERO_NUD_MAX_PROBES);
	/* unreachable: no more probes, whatever is sent (the RS retries) */
	aero_nud_sent(&u, t + 1);
	cr_assert_eq(aero_nud_deadline(&u), UINT64_MAX);
	cr_assert_eq(aero_nud_tick(&u, t + 100000), 0);
	/* the server answers again: reachable, reported as recovered once */
	cr_assert(aero_nud_heard(&u, t + 200000));
	cr_assert_eq(u.state, AERO_NUD_REACHABLE);
	cr_assert_eq(u.recovered, 1);
	cr_assert_not(aero_nud_heard(&u, t + 200001));
	cr_assert_eq(u.recovered, 1);
	/* and a new silence is detected again on the same schedule */
	aero_nud_sent(&u, t + 300000);
	cr_assert_eq(aero_nud_tick(&u, t + 300000 + D), AERO_NUD_SEND_PROBE);
}

Test(aero_nud, replies_flowing_never_probe)
{
	struct aero_nud u;
	aero_nud_init(&u, 0);
	/* a 10 ms ping through the server for 10 minutes, ticks every 50 ms */
	for (uint64_t t = 0; t < 600000; t += 50) {
		cr_assert_eq(aero_nud_tick(&u, t), 0, "at %llu", (unsigned long long)t);
		aero_nud_heard(&u, t);
		aero_nud_sent(&u, t);
	}
	cr_assert_eq(u.probes_tx, 0);
	cr_assert_eq(u.state, AERO_NUD_REACHABLE);
}

Test(aero_nud, idle_client_never_probes)
{
	struct aero_nud u;
	aero_nud_init(&u, 0);
	for (uint64_t t = 0; t < 3600000; t += 50)
		cr_assert_eq(aero_nud_tick(&u, t), 0);
	cr_assert_eq(u.state, AERO_NUD_REACHABLE);
	cr_assert_eq(u.probes_tx, 0);
	cr_assert_eq(u.lost, 0);
}

Test(aero_nud, idle_keepalive_answered_by_probe_no_failover)
{
	/* idle: a NAT keepalive every 25 s (unanswered by itself), the probe's RA answers */
	struct aero_nud u;
	aero_nud_init(&u, 0);
	unsigned probes = 0;
	for (uint64_t t = 0; t < 600000; t += 50) {
		if (t % 25000 == 0 && t)
			aero_nud_sent(&u, t);
		unsigned f = aero_nud_tick(&u, t);
		cr_assert_eq(f & AERO_NUD_LOST, 0);
		if (f & AERO_NUD_SEND_PROBE) {
			probes++;
			aero_nud_heard(&u,
				       t + 3); /* RA 3 ms later (delivered before the next tick) */
		}
	}
	cr_assert_eq(u.lost, 0);
	cr_assert_eq(probes, 600000 / 25000 - 1);
}

Test(aero_nud, slow_server_answering_the_last_probe_stays)
{
	struct aero_nud u;
	aero_nud_init(&u, 0);
	aero_nud_sent(&u, 100);
	uint64_t t = 100 + D;
	cr_assert_eq(aero_nud_tick(&u, t), AERO_NUD_SEND_PROBE);
	cr_assert_eq(aero_nud_tick(&u, t + R), AERO_NUD_SEND_PROBE);
	cr_assert_eq(aero_nud_tick(&u, t + 2 * R), AERO_NUD_SEND_PROBE);
	/* the answer to the first probe comes 2.9 s late, before the verdict */
	cr_assert_not(aero_nud_heard(&u, t + 2 * R + 900));
	cr_assert_eq(aero_nud_tick(&u, t + 3 * R), 0);
	cr_assert_eq(u.state, AERO_NUD_REACHABLE);
	cr_assert_eq(u.lost, 0);
	cr_assert_eq(u.probes, 0);
}

Test(aero_nud, one_way_traffic_answered_by_probes)
{
	/* data only goes out (nothing comes back but the probes' RAs): no failover */
	struct aero_nud u;
	aero_nud_init(&u, 0);
	for (uint64_t t = 0; t < 120000; t += 50) {
		aero_nud_sent(&u, t);
		unsigned f = aero_nud_tick(&u, t);
		cr_assert_eq(f & AERO_NUD_LOST, 0);
		if (f & AERO_NUD_SEND_PROBE)
			aero_nud_heard(&u, t + 20);
	}
	cr_assert_eq(u.lost, 0);
	cr_assert(u.probes_tx >= 120000 / (D + 50) - 1 && u.probes_tx <= 120000 / D);
}

Test(aero_nud, names)
{
	cr_assert_str_eq(aero_nud_state_name(AERO_NUD_REACHABLE), "reachable");
	cr_assert_str_eq(aero_nud_state_name(AERO_NUD_PROBE), "probe");
	cr_assert_str_eq(aero_nud_state_name(AERO_NUD_UNREACHABLE), "unreachable");
	cr_assert_str_eq(aero_nud_state_name((enum aero_nud_state)42), "unknown");
}

Test(aero_nud, pick_hub)
{
	bool u[3] = {true, true, true};
	/* not sticky: the first usable in configuration order */
	cr_assert_eq(aero_nud_pick_hub(u, 3, 1, false), 0);
	cr_assert_eq(aero_nud_pick_hub(u, 3, -1, false), 0);
	u[0] = false;
	cr_assert_eq(aero_nud_pick_hub(u, 3, 0, false), 1);
	/* sticky: the current Hub stays while usable, even when an earlier one is back */
	u[0] = true;
	cr_assert_eq(aero_nud_pick_hub(u, 3, 1, true), 1);
	cr_assert_eq(aero_nud_pick_hub(u, 3, 2, true), 2);
	/* ... and moves to the first usable one when it fails */
	u[2] = false;
	cr_assert_eq(aero_nud_pick_hub(u, 3, 2, true), 0);
	cr_assert_eq(aero_nud_pick_hub(u, 3, -1, true), 0);
	cr_assert_eq(aero_nud_pick_hub(u, 3, 7, true), 0); /* out of range: ignored */
	u[0] = u[1] = false;
	cr_assert_eq(aero_nud_pick_hub(u, 3, 1, true), -1);
	cr_assert_eq(aero_nud_pick_hub(u, 0, -1, false), -1);
}

Test(aero_cli, lost_registration_retries_on_the_backoff)
{
	struct aero_cli c;
	aero_cli_init(&c);
	cr_assert_not(aero_cli_lost(&c, 10)); /* idle */
	aero_cli_start(&c, 0, 0);
	cr_assert_not(aero_cli_lost(&c, 10)); /* not registered yet */
	cr_assert_eq(aero_cli_tick(&c, 0), AERO_CLI_SEND_RS);
	cr_assert_eq(aero_cli_ra(&c, 50, 600), 0);
	cr_assert(aero_cli_lost(&c, 100000));
	cr_assert_not(c.registered);
	cr_assert_eq(c.state, AERO_CLI_SOLICITING);
	cr_assert_eq(c.lost, 1);
	cr_assert_eq(aero_cli_deadline(&c), 100000);
	/* the RS goes at once as a retransmission (session renewal first), then backs off */
	cr_assert_eq(aero_cli_tick(&c, 100000), AERO_CLI_SEND_RS | AERO_CLI_RETRY);
	cr_assert_eq(aero_cli_deadline(&c), 100000 + 4000);
	cr_assert_eq(aero_cli_tick(&c, 104000), AERO_CLI_SEND_RS | AERO_CLI_RETRY);
	cr_assert_eq(aero_cli_deadline(&c), 104000 + 8000);
	/* no expiry is reported for the lost registration */
	cr_assert_eq(aero_cli_tick(&c, 700000) & AERO_CLI_EXPIRED, 0);
	cr_assert_eq(c.expirations, 0);
	/* an RA makes it usable again */
	cr_assert_eq(aero_cli_ra(&c, 700100, 600), 0);
	cr_assert(c.registered);
	aero_cli_release(&c);
	cr_assert_not(aero_cli_lost(&c, 800000));
}
