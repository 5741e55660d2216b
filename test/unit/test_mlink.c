// SPDX-License-Identifier: MIT
/*
 * test_mlink.c - daemon/mlink.c on a minimal node (two IPv4 underlays, no
 * sockets, no session, so probes are not sent): off without [aero]
 * multilink; paths of a configured endpoint, one per underlay with its
 * link_quality; learned paths from arrivals; placement of a flow on the
 * best path and its move when NUD takes that path down; a full table
 * handing the longest-down slot to a new path; learned paths forgotten
 * after being down for ReachableTime while configured ones stay.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <uv.h>

#include "aero_timers.h"
#include "mlink.h"
#include "node.h"
#include "peer.h"

static struct node n;
static struct underlay ul[2];
static struct conf_underlay cu[2];
static struct peer p;
static struct peer *pv[1] = {&p};
static uv_loop_t loop;

static union sockaddr_any ep(const char *s)
{
	union sockaddr_any a;

	cr_assert_eq(addr_parse_endpoint(s, 1, &a), 0);
	return a;
}

static void setup(void)
{
	memset(&n, 0, sizeof(n));
	memset(ul, 0, sizeof(ul));
	memset(cu, 0, sizeof(cu));
	memset(&p, 0, sizeof(p));
	cr_assert_eq(uv_loop_init(&loop), 0);
	n.loop = &loop;
	n.ul = ul;
	n.n_ul = 2;
	n.conf.underlays = cu;
	n.conf.n_underlays = 2;
	n.conf.aero.multilink = true;
	n.peers.v = pv;
	n.peers.n = 1;
	for (int i = 0; i < 2; i++) {
		snprintf(ul[i].name, sizeof(ul[i].name), "u%d", i);
		ul[i].family = AF_INET;
		ul[i].fd = -1;
		cu[i].link_quality = 8;
	}
	cu[1].link_quality = 12;
	snprintf(p.name, sizeof(p.name), "s");
	p.conf_endpoint = ep("10.9.9.9:8060");
	p.has_conf_endpoint = true;
	p.endpoint = p.conf_endpoint;
	p.has_endpoint = true;
	p.underlay = 0;
}

static void teardown(void)
{
	uv_loop_close(&loop);
}

TestSuite(mlink, .init = setup, .fini = teardown);

/* an IPv6 UDP packet from port @sport */
static void pkt(uint8_t b[48], uint16_t sport)
{
	memset(b, 0, 48);
	b[0] = 0x60;
	b[6] = 17;
	b[8] = 0x20, b[23] = 1, b[24] = 0x20, b[39] = 2;
	b[40] = (uint8_t)(sport >> 8), b[41] = (uint8_t)sport, b[43] = 53;
}

Test(mlink, off_without_the_key)
{
	union sockaddr_any f = ep("10.1.0.2:8060");
	uint8_t b[48];

	n.conf.aero.multilink = false;
	cr_assert_not(mlink_rx(&n, &p, 0, &f, 100));
	mlink_tick(&n, 100);
	pkt(b, 1000);
	mlink_place(&n, &p, b, sizeof(b));
	cr_assert_eq(aero_ml_count(&p.ml.t), 0);
	cr_assert_eq(p.underlay, 0);
}

Test(mlink, configured_paths_placement_and_failover)
{
	union sockaddr_any s = ep("10.9.9.9:8060");
	uint8_t b[48];
	uint64_t t = 1000;

	mlink_tick(&n, t);
	cr_assert_eq(aero_ml_count(&p.ml.t), 2);
	cr_assert_eq(p.ml.t.p[0].link, 8);
	cr_assert_eq(p.ml.t.p[1].link, 12);
	cr_assert_eq(p.ml.ul[1], 1);
	json_t *j = mlink_paths_json(&n, &p, t);
	cr_assert_eq(json_array_size(j), 2);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(j, 1), "underlay")),
			 "u1");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(j, 1), "state")),
			 "reachable");
	json_decref(j);
	/* every flow takes u1 (link quality 12) */
	for (uint16_t sp = 1000; sp < 1016; sp++) {
		pkt(b, sp);
		p.underlay = 0;
		mlink_place(&n, &p, b, sizeof(b));
		cr_assert_eq(p.underlay, 1);
		cr_assert(addr_equal(&p.endpoint, &s));
	}
	cr_assert_eq(p.ml.tx[1], 16);
	/* u0 keeps being heard, u1 goes quiet: down after 1 + 3 probes, flows move to u0 */
	for (t = 1000;
	     t <= 1000 + AERO_ML_PROBE_AFTER_MS + AERO_ML_MAX_PROBES * AERO_RETRANS_TIMER_MS;
	     t += 50) {
		cr_assert(mlink_rx(&n, &p, 0, &s, t));
		mlink_tick(&n, t);
	}
	cr_assert_eq(p.ml.t.p[1].state, AERO_ML_DOWN);
	cr_assert_eq(p.ml.down_at[1], t - 50);
	pkt(b, 1000);
	mlink_place(&n, &p, b, sizeof(b));
	cr_assert_eq(p.underlay, 0);
	/* heard again on u1: back, and so is the flow */
	cr_assert(mlink_rx(&n, &p, 1, &s, t));
	cr_assert_eq(p.ml.t.p[1].state, AERO_ML_REACHABLE);
	cr_assert_gt(p.ml.t.p[1].rtt_ms, 0); /* answered a probe */
	mlink_place(&n, &p, b, sizeof(b));
	cr_assert_eq(p.underlay, 1);
	mlink_tick(&n, t);
	cr_assert_eq(p.ml.down_at[1], 0);
}

Test(mlink, learned_paths_full_table_and_forgetting)
{
	union sockaddr_any a[5];
	uint64_t t = 1000;
	char buf[32];

	p.has_conf_endpoint = false;
	p.has_endpoint = false;
	p.underlay = -1;
	for (int i = 0; i < 5; i++) {
		snprintf(buf, sizeof(buf), "10.1.0.%d:8060", i + 1);
		a[i] = ep(buf);
	}
	cr_assert(mlink_rx(&n, &p, 0, &a[0], t));
	/* the first arrival gives the endpoint */
	cr_assert(p.has_endpoint);
	cr_assert(addr_equal(&p.endpoint, &a[0]));
	cr_assert_eq(p.underlay, 0);
	for (int i = 1; i < 4; i++)
		cr_assert(mlink_rx(&n, &p, 0, &a[i], t));
	cr_assert_eq(aero_ml_count(&p.ml.t), 4);
	cr_assert_eq(p.ml.rx[0], 1);
	cr_assert(mlink_rx(&n, &p, 0, &a[0], t));
	cr_assert_eq(p.ml.rx[0], 2);
	cr_assert_eq(aero_ml_count(&p.ml.t), 4);
	/* full, nothing down: a fifth is not learned */
	cr_assert(mlink_rx(&n, &p, 0, &a[4], t));
	cr_assert_eq(aero_ml_find_ep(&p.ml.t, &a[4]), -ENOENT);
	/* a[1..3] keep talking, a[0] goes quiet and down */
	for (; t <= 1000 + AERO_ML_PROBE_AFTER_MS + AERO_ML_MAX_PROBES * AERO_RETRANS_TIMER_MS;
	     t += 50) {
		for (int i = 1; i < 4; i++)
			cr_assert(mlink_rx(&n, &p, 0, &a[i], t));
		mlink_tick(&n, t);
	}
	cr_assert_eq(p.ml.t.p[0].state, AERO_ML_DOWN);
	/* now the fifth takes a[0]'s slot */
	cr_assert(mlink_rx(&n, &p, 0, &a[4], t));
	cr_assert_eq(aero_ml_find_ep(&p.ml.t, &a[4]), 0);
	cr_assert_eq(aero_ml_find_ep(&p.ml.t, &a[0]), -ENOENT);
	cr_assert_eq(p.ml.rx[0], 1);
	/* a[4] goes quiet and down, then is forgotten ReachableTime later */
	uint64_t t0 = t;
	for (; t <= t0 + AERO_ML_PROBE_AFTER_MS + AERO_ML_MAX_PROBES * AERO_RETRANS_TIMER_MS +
			AERO_REACHABLE_TIME_MS + 100;
	     t += 50) {
		for (int i = 1; i < 4; i++)
			cr_assert(mlink_rx(&n, &p, 0, &a[i], t));
		mlink_tick(&n, t);
		if (t < t0 + AERO_REACHABLE_TIME_MS)
			cr_assert_eq(aero_ml_find_ep(&p.ml.t, &a[4]), 0, "t %lu",
				     (unsigned long)(t - t0));
	}
	cr_assert_eq(aero_ml_find_ep(&p.ml.t, &a[4]), -ENOENT);
	cr_assert_eq(aero_ml_count(&p.ml.t), 3);
}

Test(mlink, configured_paths_are_not_forgotten)
{
	uint64_t t = 1000;

	mlink_tick(&n, t);
	cr_assert_eq(aero_ml_count(&p.ml.t), 2);
	for (; t < 1000 + 60000; t += 50)
		mlink_tick(&n, t);
	cr_assert_eq(p.ml.t.p[0].state, AERO_ML_DOWN);
	cr_assert_eq(p.ml.t.p[1].state, AERO_ML_DOWN);
	cr_assert_eq(aero_ml_count(&p.ml.t), 2);
	/* every flow stays on the last path when every path is down */
	uint8_t b[48];
	pkt(b, 7);
	p.underlay = 0;
	mlink_place(&n, &p, b, sizeof(b));
	cr_assert_eq(p.underlay, 0);
}
