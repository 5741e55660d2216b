// SPDX-License-Identifier: MIT
/*
 * test_mlink.c - daemon/mlink.c on a minimal node (two IPv4 underlays, no
 * sockets, no session, so probes are not sent): off without [aero]
 * multilink; paths of a configured endpoint, one per underlay with its
 * link_quality; learned paths from arrivals; placement of a flow on the
 * best path and its move when NUD takes that path down, also when packets
 * still arrive on it but our probes are not echoed (one-way failure); a full
 * table handing the longest-down slot to a new path; learned paths forgotten
 * after being down for ReachableTime while configured ones stay; the far
 * side's Interface Attributes from an RS (rank, Link 0 through another path,
 * per-DSCP preferences), a stable registration origin, and the probe/echo
 * payloads.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <uv.h>

#include "aero_reg.h"
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
		memset(cu[i].dscp_pref, 2, sizeof(cu[i].dscp_pref));
	}
	cu[1].link_quality = 12;
	snprintf(p.name, sizeof(p.name), "s");
	p.conf_endpoint = ep("10.9.9.9:8060");
	p.has_conf_endpoint = true;
	p.endpoint = p.conf_endpoint;
	p.has_endpoint = true;
	p.underlay = 0;
}

/* An echo of a probe we stamped @stamp, arriving on (@u, @from) at @t. */
static void echo(int u, const union sockaddr_any *from, uint64_t stamp, uint64_t t)
{
	uint8_t e[CARRIER_ML_PROBE_LEN];

	cr_assert(mlink_rx(&n, &p, u, from, t));
	aero_ml_probe_encode(CARRIER_ML_ECHO, stamp, e);
	cr_assert(mlink_control(&n, &p, e, sizeof(e), t));
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
	/* u0's probes are echoed; on u1 packets keep arriving but our probes are never echoed
	 * (the far side does not hear us there): down after 1 + 3 probes, flows move to u0 */
	for (t = 1000;
	     t <= 1000 + AERO_ML_PROBE_AFTER_MS + AERO_ML_MAX_PROBES * AERO_RETRANS_TIMER_MS;
	     t += 50) {
		echo(0, &s, t - 5, t);
		cr_assert(mlink_rx(&n, &p, 1, &s, t));
		mlink_tick(&n, t);
		if (t < 1000 + AERO_ML_PROBE_AFTER_MS + AERO_ML_MAX_PROBES * AERO_RETRANS_TIMER_MS)
			cr_assert_neq(p.ml.t.p[1].state, AERO_ML_DOWN, "t %lu", (unsigned long)t);
	}
	cr_assert_eq(p.ml.t.p[1].state, AERO_ML_DOWN);
	cr_assert_gt(p.ml.rx[1], 70);
	cr_assert_eq(p.ml.echo_rx[1], 0);
	cr_assert_eq(p.ml.down_at[1], t - 50);
	pkt(b, 1000);
	mlink_place(&n, &p, b, sizeof(b));
	cr_assert_eq(p.underlay, 0);
	/* an echo on u1: back, and so is the flow; the first echo after down gives no RTT
	 * (it may have waited in a neighbor queue), the next one's age is the RTT */
	cr_assert_not(mlink_take_came_up(&p));
	echo(1, &s, t - 700, t);
	cr_assert_eq(p.ml.t.p[1].state, AERO_ML_REACHABLE);
	cr_assert_eq(p.ml.t.p[1].rtt_ms, 0);
	cr_assert(mlink_take_came_up(&p)); /* once: the client registers again */
	cr_assert_not(mlink_take_came_up(&p));
	echo(1, &s, t - 1000, t); /* too late for an RTT */
	cr_assert_eq(p.ml.t.p[1].rtt_ms, 0);
	echo(1, &s, t - 7, t);
	cr_assert_eq(p.ml.t.p[1].rtt_ms, 8);
	/* stale or future stamps do not confirm */
	p.ml.t.p[1].state = AERO_ML_DOWN;
	echo(1, &s, t + 1, t);
	echo(1, &s, t - 20000, t);
	cr_assert_eq(p.ml.t.p[1].state, AERO_ML_DOWN);
	echo(1, &s, t - 7, t);
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
	/* a[1..3] keep echoing, a[0] goes quiet and down */
	for (; t <= 1000 + AERO_ML_PROBE_AFTER_MS + AERO_ML_MAX_PROBES * AERO_RETRANS_TIMER_MS;
	     t += 50) {
		for (int i = 1; i < 4; i++)
			echo(0, &a[i], t, t);
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
			echo(0, &a[i], t, t);
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

/* §5.9 on the server: the client's RS per underlay carries its Interface Attributes; they
 * outrank the server's own link_quality, per DSCP; a Link 0 for one ifIndex sent through
 * the other path takes that path out at once, an RS on it brings it back; the registration
 * origin stays on one usable path while flows shift. */
Test(mlink, far_attributes_from_rs)
{
	union sockaddr_any c1 = ep("10.1.0.2:8060"), c2 = ep("10.2.0.2:8060");
	struct aero_ifattr x[2];
	uint8_t b[48];
	uint64_t t = 1000;

	p.has_conf_endpoint = false;
	p.has_endpoint = false;
	p.underlay = -1;
	/* our u1 (link 12) is the better egress; the client's two interfaces come in on u0 and
	 * u1 */
	cr_assert(mlink_rx(&n, &p, 1, &c1, t));
	memset(x, 0, sizeof(x));
	x[0].if_index = 1;
	x[0].link = 3;
	memset(x[0].pref, 2, sizeof(x[0].pref));
	x[0].pref[46] = 3; /* EF prefers the client's interface 1 */
	cr_assert_not(mlink_far_update(&n, &p, x, 1, true, t));
	cr_assert(mlink_rx(&n, &p, 0, &c2, t));
	x[0].if_index = 2;
	x[0].link = 14;
	x[0].pref[46] = 2;
	cr_assert_not(mlink_far_update(&n, &p, x, 1, true, t));
	int s1 = aero_ml_find_ep(&p.ml.t, &c1), s2 = aero_ml_find_ep(&p.ml.t, &c2);
	cr_assert(s1 >= 0 && s2 >= 0);
	cr_assert_eq(p.ml.t.p[s1].r_index, 1);
	cr_assert_eq(p.ml.t.p[s2].r_index, 2);
	cr_assert_eq(p.ml.t.p[s2].r_link, 14);
	/* its interface 2 got a path from each of our underlays */
	cr_assert_eq(aero_ml_count(&p.ml.t), 4);
	/* default DSCP follows the client's link 14 (its interface 2), and between our two
	 * paths to it, our own better egress u1 */
	for (uint16_t sp = 1000; sp < 1016; sp++) {
		pkt(b, sp);
		mlink_place(&n, &p, b, sizeof(b));
		cr_assert(addr_equal(&p.endpoint, &c2));
		cr_assert_eq(p.underlay, 1);
	}
	/* EF (TC 0xb8) follows its preference to interface 1 */
	pkt(b, 1000);
	b[0] = 0x6b, b[1] = 0x80;
	mlink_place(&n, &p, b, sizeof(b));
	cr_assert(addr_equal(&p.endpoint, &c1));
	/* what an NA about it carries: both, usable first */
	struct aero_ifattr na[AERO_ND_MAX_IFS];
	size_t k;
	mlink_far_ifattrs(&n, &p, na, &k);
	cr_assert_eq(k, 2);
	cr_assert(na[0].has_l2 && na[1].has_l2);
	/* the origin: the first path, and it stays there while it is usable */
	const union sockaddr_any *o = mlink_origin(&n, &p, NULL);
	union sockaddr_any org = *o;
	cr_assert(mlink_rx(&n, &p, 1, &c1, t));
	cr_assert(addr_equal(mlink_origin(&n, &p, &org), &org));
	cr_assert(mlink_rx(&n, &p, 0, &c2, t));
	cr_assert(addr_equal(mlink_origin(&n, &p, &org), &org));
	/* interface 2 lost: Link 0 for it arrives through interface 1 (an RS on c1 whose first
	 * attributes are interface 1's, then interface 2's with Link 0) */
	cr_assert(mlink_rx(&n, &p, 1, &c1, t));
	x[0].if_index = 1;
	x[0].link = 3;
	x[1].if_index = 2;
	x[1].link = 0;
	memset(x[1].pref, 2, sizeof(x[1].pref));
	cr_assert(mlink_far_update(&n, &p, x, 2, true, t));
	cr_assert_not(aero_ml_usable(&p.ml.t, s2));
	cr_assert(aero_ml_usable(&p.ml.t, s1));
	pkt(b, 1000);
	mlink_place(&n, &p, b, sizeof(b));
	cr_assert(addr_equal(&p.endpoint, &c1), "flows moved at once");
	mlink_far_ifattrs(&n, &p, na, &k);
	cr_assert_eq(k, 2);
	cr_assert_eq(na[0].if_index, 1); /* the usable one first */
	cr_assert_eq(na[1].link, 0);
	cr_assert(addr_equal(mlink_origin(&n, &p, &c2), &c1)); /* its path went out of use */
	/* interface 2 back: its own RS on it, while NUD still has our paths to it down: the
	 * paths stay out of use until confirmed, but the news is reported (Report List) */
	for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++)
		if (addr_equal(&p.ml.t.p[i].ep, &c2))
			p.ml.t.p[i].state = AERO_ML_DOWN;
	cr_assert(mlink_rx(&n, &p, 0, &c2, t));
	x[0].if_index = 2;
	x[0].link = 14;
	cr_assert(mlink_far_update(&n, &p, x, 1, true, t));
	cr_assert_not(aero_ml_usable(&p.ml.t, s2));
	cr_assert_not(mlink_far_update(&n, &p, x, 1, true, t), "the same news twice");
	echo(0, &c2, t, t);
	cr_assert(aero_ml_usable(&p.ml.t, s2));
	/* both interfaces up by their Link, but our paths to interface 1 down (a one-way cut
	 * towards it): an NA names interface 2 first, so route-optimized neighbors are not sent
	 * to an endpoint we cannot reach */
	enum aero_ml_state st[AERO_ML_MAX_PATHS];
	for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++) {
		st[i] = p.ml.t.p[i].state;
		if (addr_equal(&p.ml.t.p[i].ep, &c1))
			p.ml.t.p[i].state = AERO_ML_DOWN;
	}
	mlink_far_ifattrs(&n, &p, na, &k);
	cr_assert_eq(k, 2);
	cr_assert_eq(na[0].if_index, 2);
	cr_assert(addr_equal(&na[0].l2, &c2));
	cr_assert_eq(na[1].if_index, 1);
	for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++)
		p.ml.t.p[i].state = st[i];
	mlink_place(&n, &p, b, sizeof(b));
	cr_assert(addr_equal(&p.endpoint, &c2));
	json_t *j = mlink_paths_json(&n, &p, t);
	json_t *r = json_object_get(json_array_get(j, (size_t)s2), "remote");
	cr_assert(json_is_object(r));
	cr_assert_eq(json_integer_value(json_object_get(r, "link_quality")), 14);
	json_decref(j);
	/* interface 1 re-registers from a new address (it moved, or a client without multilink
	 * roamed): the origin follows at once, though the old path is still usable */
	union sockaddr_any c3 = ep("10.3.0.2:8060");
	cr_assert(addr_equal(mlink_origin(&n, &p, &c1), &c1));
	cr_assert(mlink_rx(&n, &p, 0, &c3, t));
	x[0].if_index = 1;
	x[0].link = 3;
	cr_assert(mlink_far_update(&n, &p, x, 1, true, t));
	cr_assert(aero_ml_usable(&p.ml.t, s1));
	cr_assert(addr_equal(mlink_origin(&n, &p, &c1), &c3));
	/* off: nothing recorded */
	n.conf.aero.multilink = false;
	cr_assert_not(mlink_far_update(&n, &p, x, 1, true, t));
	mlink_far_ifattrs(&n, &p, na, &k);
	cr_assert_eq(k, 0);
}

/* An NA about a multilink target (§5.6 item 3) creates paths to each advertised interface,
 * with its attributes. */
Test(mlink, far_attributes_from_na)
{
	struct aero_ifattr x[2];

	p.has_conf_endpoint = false;
	memset(x, 0, sizeof(x));
	for (int i = 0; i < 2; i++) {
		x[i].if_index = (uint8_t)(i + 1);
		x[i].link = (uint8_t)(5 + i);
		memset(x[i].pref, 2, sizeof(x[i].pref));
		x[i].has_l2 = true;
	}
	x[0].l2 = ep("10.1.0.2:8060");
	x[1].l2 = ep("10.2.0.2:8060");
	(void)mlink_far_update(&n, &p, x, 2, false, 1000);
	/* two local underlays x two interfaces */
	cr_assert_eq(aero_ml_count(&p.ml.t), 4);
	for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++) {
		cr_assert(p.ml.t.p[i].remote);
		cr_assert_eq(p.ml.t.p[i].r_link, addr_equal(&p.ml.t.p[i].ep, &x[0].l2) ? 5 : 6);
	}
	/* a uNA saying interface 2 is down */
	x[1].link = 0;
	cr_assert(mlink_far_update(&n, &p, x, 2, false, 1000));
	for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++)
		cr_assert_eq(aero_ml_usable(&p.ml.t, (int)i),
			     addr_equal(&p.ml.t.p[i].ep, &x[0].l2));
}

/* Probe and echo payloads: exact size, known type, zero reserved octets. */
Test(mlink, probe_payload)
{
	uint8_t b[CARRIER_ML_PROBE_LEN + 1], type;
	uint64_t st;

	aero_ml_probe_encode(CARRIER_ML_PROBE, 0x0102030405060708ull, b);
	cr_assert_eq(aero_ml_probe_decode(b, CARRIER_ML_PROBE_LEN, &type, &st), 0);
	cr_assert_eq(type, CARRIER_ML_PROBE);
	cr_assert_eq(st, 0x0102030405060708ull);
	cr_assert_eq(aero_ml_probe_decode(b, CARRIER_ML_PROBE_LEN - 1, &type, &st), -EINVAL);
	cr_assert_eq(aero_ml_probe_decode(b, CARRIER_ML_PROBE_LEN + 1, &type, &st), -EINVAL);
	b[2] = 1;
	cr_assert_eq(aero_ml_probe_decode(b, CARRIER_ML_PROBE_LEN, &type, &st), -EINVAL);
	b[2] = 0;
	b[0] = 0x60; /* an OAL fragment is never a probe */
	cr_assert_eq(aero_ml_probe_decode(b, CARRIER_ML_PROBE_LEN, &type, &st), -EINVAL);
	cr_assert_not(mlink_control(&n, &p, b, CARRIER_ML_PROBE_LEN, 1));
	/* a probe without a session: consumed, nothing sent (no crash) */
	b[0] = CARRIER_ML_PROBE;
	p.underlay = -1;
	cr_assert(mlink_control(&n, &p, b, CARRIER_ML_PROBE_LEN, 1));
}
