// SPDX-License-Identifier: MIT
/*
 * test_aero_ml.c - common/aero_ml.[ch]: the multilink path table (add,
 * update, refusals, removal), the NUD state machine with exact timings
 * (REACHABLE -> PROBE -> DOWN and back), per-flow selection by (pref, link)
 * with stable flows and failover, and the inner flow hash (known fields,
 * truncation at every offset, bit flips in the tuple vs outside it).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "aero_ml.h"
#include "aero_timers.h"

static union sockaddr_any ep(const char *s)
{
	union sockaddr_any a;

	cr_assert_eq(addr_parse_endpoint(s, 4500, &a), 0);
	return a;
}

static struct aero_ml ml;

Test(aero_ml, add_update_refuse_remove)
{
	union sockaddr_any e1 = ep("10.0.1.2:4500"), e2 = ep("[fd00::2]:4500"), bad;
	uint8_t pref[AERO_ML_NDSCP];

	aero_ml_init(&ml);
	memset(&bad, 0, sizeof(bad));
	cr_assert_eq(aero_ml_update(&ml, 0, 5, NULL, &e1, 0), -EINVAL);
	cr_assert_eq(aero_ml_update(&ml, 1, 5, NULL, NULL, 0), -EINVAL);
	cr_assert_eq(aero_ml_update(&ml, 1, 5, NULL, &bad, 0), -EINVAL);
	cr_assert_eq(aero_ml_count(&ml), 0);
	cr_assert_eq(aero_ml_update(&ml, 7, 20, NULL, &e1, 100), 0);
	cr_assert_eq(ml.p[0].link, 15); /* clamped */
	cr_assert_eq(ml.p[0].pref[0], 2);
	cr_assert_eq(ml.p[0].pref[63], 2);
	cr_assert_eq(ml.p[0].state, AERO_ML_REACHABLE);
	cr_assert_eq(ml.p[0].last_heard_ms, 100);
	memset(pref, 9, sizeof(pref));
	pref[46] = 1;
	cr_assert_eq(aero_ml_update(&ml, 9, 3, pref, &e2, 200), 1);
	cr_assert_eq(ml.p[1].pref[0], 3);
	cr_assert_eq(ml.p[1].pref[46], 1);
	/* same ifIndex: updated in place, same endpoint keeps RTT */
	cr_assert_eq(aero_ml_heard(&ml, 0, 150, 40), 0);
	cr_assert_eq(aero_ml_update(&ml, 7, 4, NULL, &e1, 300), 0);
	cr_assert_eq(ml.p[0].link, 4);
	cr_assert_eq(ml.p[0].rtt_ms, 40);
	/* a new endpoint resets the RTT */
	cr_assert_eq(aero_ml_update(&ml, 7, 4, NULL, &e2, 300), 0);
	cr_assert_eq(ml.p[0].rtt_ms, 0);
	cr_assert_eq(aero_ml_find_ep(&ml, &e2), 0);
	cr_assert_eq(aero_ml_find_ep(&ml, &e1), -ENOENT);
	cr_assert_eq(aero_ml_find(&ml, 9), 1);
	cr_assert_eq(aero_ml_find(&ml, 8), -ENOENT);
	cr_assert_eq(aero_ml_update(&ml, 10, 1, NULL, &e1, 0), 2);
	cr_assert_eq(aero_ml_update(&ml, 11, 1, NULL, &e1, 0), 3);
	cr_assert_eq(aero_ml_update(&ml, 12, 1, NULL, &e1, 0), -ENOSPC);
	cr_assert_eq(aero_ml_count(&ml), 4);
	cr_assert_eq(aero_ml_remove(&ml, 9), 0);
	cr_assert_eq(aero_ml_remove(&ml, 9), -ENOENT);
	cr_assert_eq(aero_ml_count(&ml), 3);
	cr_assert_eq(aero_ml_update(&ml, 12, 1, NULL, &e1, 0), 1); /* freed slot reused */
	cr_assert_eq(aero_ml_heard(&ml, -1, 0, 0), -EINVAL);
	cr_assert_eq(aero_ml_heard(&ml, 4, 0, 0), -EINVAL);
	cr_assert_eq(aero_ml_remove(&ml, 12), 0);
	cr_assert_eq(aero_ml_heard(&ml, 1, 0, 0), -EINVAL);
}

Test(aero_ml, rtt_smoothing)
{
	union sockaddr_any e1 = ep("10.0.1.2:4500");

	aero_ml_init(&ml);
	cr_assert_eq(aero_ml_update(&ml, 1, 5, NULL, &e1, 0), 0);
	cr_assert_eq(aero_ml_heard(&ml, 0, 10, 80), 0);
	cr_assert_eq(ml.p[0].rtt_ms, 80);
	cr_assert_eq(aero_ml_heard(&ml, 0, 20, 0), 0); /* no sample: unchanged */
	cr_assert_eq(ml.p[0].rtt_ms, 80);
	cr_assert_eq(aero_ml_heard(&ml, 0, 30, 160), 0);
	cr_assert_eq(ml.p[0].rtt_ms, 90); /* (7*80+160)/8 */
	cr_assert_eq(ml.p[0].last_heard_ms, 30);
	cr_assert_eq(aero_ml_heard(&ml, 0, 5, 0), 0); /* time never goes back */
	cr_assert_eq(ml.p[0].last_heard_ms, 30);
}

Test(aero_ml, nud_timeline)
{
	union sockaddr_any e1 = ep("10.0.1.2:4500"), e2 = ep("10.0.2.2:4500");
	const uint64_t t0 = 1000, pa = AERO_ML_PROBE_AFTER_MS, rt = AERO_RETRANS_TIMER_MS;
	bool ch = true;

	aero_ml_init(&ml);
	cr_assert_eq(aero_ml_update(&ml, 1, 5, NULL, &e1, t0), 0);
	cr_assert_eq(aero_ml_update(&ml, 2, 5, NULL, &e2, t0), 1);
	cr_assert_eq(aero_ml_tick(&ml, t0 + pa - 1, &ch), 0);
	cr_assert_not(ch);
	cr_assert_eq(ml.p[0].state, AERO_ML_REACHABLE);
	/* path 1 keeps being heard; path 0 goes quiet */
	cr_assert_eq(aero_ml_heard(&ml, 1, t0 + pa - 1, 0), 0);
	cr_assert_eq(aero_ml_tick(&ml, t0 + pa, &ch), 1u);
	cr_assert_eq(ml.p[0].state, AERO_ML_PROBE);
	cr_assert_eq(ml.p[0].probes, 1);
	cr_assert_eq(ml.p[1].state, AERO_ML_REACHABLE);
	cr_assert_not(ch);
	/* no second probe before RetransTimer */
	cr_assert_eq(aero_ml_tick(&ml, t0 + pa + rt - 1, &ch) & 1u, 0);
	cr_assert_eq(aero_ml_heard(&ml, 1, t0 + pa + rt - 1, 0), 0);
	for (unsigned k = 2; k <= AERO_ML_MAX_PROBES; k++) {
		cr_assert_eq(aero_ml_tick(&ml, t0 + pa + (k - 1) * rt, &ch) & 1u, 1u);
		cr_assert_eq(ml.p[0].probes, k);
		cr_assert_eq(ml.p[0].state, AERO_ML_PROBE);
		cr_assert_not(ch);
		cr_assert_eq(aero_ml_heard(&ml, 1, t0 + pa + (k - 1) * rt, 0), 0);
	}
	/* the probe after MAX_PROBES unanswered takes it down, and it keeps being probed */
	cr_assert_eq(aero_ml_heard(&ml, 1, t0 + pa + AERO_ML_MAX_PROBES * rt, 0), 0);
	cr_assert_eq(aero_ml_tick(&ml, t0 + pa + AERO_ML_MAX_PROBES * rt, &ch) & 1u, 1u);
	cr_assert(ch);
	cr_assert_eq(ml.p[0].state, AERO_ML_DOWN);
	cr_assert_eq(ml.p[1].state, AERO_ML_REACHABLE);
	cr_assert_eq(aero_ml_tick(&ml, t0 + pa + AERO_ML_MAX_PROBES * rt + 1, &ch) & 1u, 0);
	cr_assert_not(ch);
	cr_assert_eq(aero_ml_tick(&ml, t0 + pa + (AERO_ML_MAX_PROBES + 1) * rt, &ch) & 1u, 1u);
	cr_assert_not(ch); /* still down: no change */
	cr_assert_eq(ml.p[0].state, AERO_ML_DOWN);
	/* an echo brings it back */
	cr_assert_eq(aero_ml_heard(&ml, 0, t0 + 10000, 12), 0);
	cr_assert_eq(ml.p[0].state, AERO_ML_REACHABLE);
	cr_assert_eq(ml.p[0].probes, 0);
	cr_assert_eq(ml.p[0].rtt_ms, 12);
	/* a probe answered in PROBE state stops the probing */
	cr_assert_eq(aero_ml_heard(&ml, 1, t0 + 10000, 0), 0);
	cr_assert_eq(aero_ml_tick(&ml, t0 + 10000 + pa, NULL), 3u);
	cr_assert_eq(aero_ml_heard(&ml, 0, t0 + 10000 + pa + 5, 5), 0);
	cr_assert_eq(aero_ml_heard(&ml, 1, t0 + 10000 + pa + 5, 5), 0);
	cr_assert_eq(aero_ml_tick(&ml, t0 + 10000 + pa + rt, &ch), 0);
	cr_assert_not(ch);
}

Test(aero_ml, select_score_stable_failover)
{
	union sockaddr_any e1 = ep("10.0.1.2:4500"), e2 = ep("10.0.2.2:4500"),
			   e3 = ep("10.0.3.2:4500");
	uint8_t pref[AERO_ML_NDSCP];
	unsigned on[2] = {0, 0};
	int first[64];

	aero_ml_init(&ml);
	cr_assert_eq(aero_ml_select(&ml, 0, 0), -ENETUNREACH);
	cr_assert_eq(aero_ml_update(&ml, 1, 10, NULL, &e1, 0), 0);
	cr_assert_eq(aero_ml_update(&ml, 2, 10, NULL, &e2, 0), 1);
	/* equal (pref, link): flows spread over both, each stable */
	for (uint32_t h = 0; h < 64; h++) {
		first[h] = aero_ml_select(&ml, 0, h * 2654435761u);
		cr_assert(first[h] == 0 || first[h] == 1);
		on[first[h]]++;
		cr_assert_eq(aero_ml_select(&ml, 0, h * 2654435761u), first[h]);
	}
	cr_assert_gt(on[0], 10);
	cr_assert_gt(on[1], 10);
	/* higher link quality wins all */
	cr_assert_eq(aero_ml_update(&ml, 2, 11, NULL, &e2, 0), 1);
	for (uint32_t h = 0; h < 16; h++)
		cr_assert_eq(aero_ml_select(&ml, 0, h), 1);
	/* preference beats link quality, per DSCP; pref 0 excludes */
	memset(pref, 2, sizeof(pref));
	pref[46] = 3;
	pref[8] = 0;
	cr_assert_eq(aero_ml_update(&ml, 1, 1, pref, &e1, 0), 0);
	cr_assert_eq(aero_ml_select(&ml, 46, 5), 0);
	cr_assert_eq(aero_ml_select(&ml, 46 + 64, 5), 0); /* DSCP masked to 6 bits */
	cr_assert_eq(aero_ml_select(&ml, 0, 5), 1);
	memset(pref, 2, sizeof(pref));
	pref[8] = 0;
	cr_assert_eq(aero_ml_update(&ml, 2, 11, pref, &e2, 0), 1);
	cr_assert_eq(aero_ml_select(&ml, 8, 5), -ENETUNREACH);
	/* link 0 = unusable */
	cr_assert_eq(aero_ml_update(&ml, 2, 0, NULL, &e2, 0), 1);
	cr_assert_eq(aero_ml_select(&ml, 0, 5), 0);
	/* failover: equal paths, then the chosen path goes DOWN; PROBE still carries */
	aero_ml_init(&ml);
	cr_assert_eq(aero_ml_update(&ml, 1, 10, NULL, &e1, 0), 0);
	cr_assert_eq(aero_ml_update(&ml, 2, 10, NULL, &e2, 0), 1);
	cr_assert_eq(aero_ml_update(&ml, 3, 10, NULL, &e3, 0), 2);
	int a = aero_ml_select(&ml, 0, 7);
	ml.p[a].state = AERO_ML_PROBE;
	cr_assert_eq(aero_ml_select(&ml, 0, 7), a);
	ml.p[a].state = AERO_ML_DOWN;
	int b = aero_ml_select(&ml, 0, 7);
	cr_assert(b >= 0 && b != a);
	cr_assert_eq(aero_ml_heard(&ml, a, 1, 0), 0);
	cr_assert_eq(aero_ml_select(&ml, 0, 7), a); /* back when it comes back */
	for (int i = 0; i < 3; i++)
		ml.p[i].state = AERO_ML_DOWN;
	cr_assert_eq(aero_ml_select(&ml, 0, 7), -ENETUNREACH);
}

static const uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

/* IPv6 UDP, TC = 0xb8 (DSCP 46), flow label 0x12345, 2001:db8::1 -> 2001:db8::2, 1000 -> 53 */
static void pkt6(uint8_t p[48])
{
	memset(p, 0, 48);
	p[0] = 0x6b;
	p[1] = 0x81;
	p[2] = 0x23;
	p[3] = 0x45;
	p[5] = 8;
	p[6] = 17;
	p[7] = 64;
	p[8] = 0x20, p[9] = 0x01, p[10] = 0x0d, p[11] = 0xb8, p[23] = 1;
	p[24] = 0x20, p[25] = 0x01, p[26] = 0x0d, p[27] = 0xb8, p[39] = 2;
	p[40] = 0x03, p[41] = 0xe8, p[43] = 53, p[45] = 8;
}

/* IPv4 ICMP, TOS 0x20 (DSCP 8), 10.0.0.1 -> 10.0.0.2, then an echo header */
static void pkt4(uint8_t p[28])
{
	memset(p, 0, 28);
	p[0] = 0x45;
	p[1] = 0x20;
	p[3] = 28;
	p[8] = 64;
	p[9] = 1;
	p[12] = 10, p[15] = 1;
	p[16] = 10, p[19] = 2;
	p[20] = 8;
}

Test(aero_ml, flow_hash_fields)
{
	uint8_t p[48], q[48], dscp = 0;
	uint32_t h, h2;

	pkt6(p);
	cr_assert_eq(aero_ml_flow_hash(key, p, 48, &h, &dscp), 0);
	cr_assert_eq(dscp, 46);
	/* deterministic */
	cr_assert_eq(aero_ml_flow_hash(key, p, 48, &h2, &dscp), 0);
	cr_assert_eq(h, h2);
	/* a byte outside the tuple (hop limit, payload length, UDP length/checksum,
	 * and the flow label since UDP ports are there) does not move the flow */
	size_t outside[] = {3, 4, 5, 7, 44, 45, 46, 47};
	for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
		memcpy(q, p, 48);
		q[outside[i]] ^= 0x01;
		cr_assert_eq(aero_ml_flow_hash(key, q, 48, &h2, &dscp), 0);
		cr_assert_eq(h2, h, "offset %zu", outside[i]);
	}
	/* every bit of addresses, next header and ports moves it */
	for (size_t off = 6; off < 44; off++) {
		if (off == 7)
			continue;
		for (int bit = 0; bit < 8; bit++) {
			memcpy(q, p, 48);
			q[off] ^= (uint8_t)(1u << bit);
			cr_assert_eq(aero_ml_flow_hash(key, q, 48, &h2, &dscp), 0);
			cr_assert_neq(h2, h, "offset %zu bit %d", off, bit);
		}
	}
	/* a different key gives a different hash */
	uint8_t k2[16];
	memcpy(k2, key, 16);
	k2[0] ^= 1;
	cr_assert_eq(aero_ml_flow_hash(k2, p, 48, &h2, &dscp), 0);
	cr_assert_neq(h2, h);
	/* without ports (ICMPv6), the flow label is in the tuple */
	p[6] = 58;
	cr_assert_eq(aero_ml_flow_hash(key, p, 48, &h, &dscp), 0);
	memcpy(q, p, 48);
	q[3] ^= 1;
	cr_assert_eq(aero_ml_flow_hash(key, q, 48, &h2, &dscp), 0);
	cr_assert_neq(h2, h);
	/* truncated: the header alone still hashes (UDP ports missing -> flow label) */
	p[6] = 17;
	for (size_t n = 0; n < 40; n++)
		cr_assert_eq(aero_ml_flow_hash(key, p, n, &h, &dscp), -EINVAL, "len %zu", n);
	for (size_t n = 40; n <= 48; n++)
		cr_assert_eq(aero_ml_flow_hash(key, p, n, &h, &dscp), 0, "len %zu", n);
}

Test(aero_ml, flow_hash_v4_and_bad)
{
	uint8_t p[28], q[28], dscp = 0;
	uint32_t h, h2;

	pkt4(p);
	cr_assert_eq(aero_ml_flow_hash(key, p, 28, &h, &dscp), 0);
	cr_assert_eq(dscp, 8);
	for (size_t n = 0; n < 20; n++)
		cr_assert_eq(aero_ml_flow_hash(key, p, n, &h2, &dscp), -EINVAL, "len %zu", n);
	cr_assert_eq(aero_ml_flow_hash(key, p, 20, &h2, &dscp), 0);
	cr_assert_eq(h2, h); /* ICMP: no ports in the tuple */
	memcpy(q, p, 28);
	q[15] ^= 1;
	cr_assert_eq(aero_ml_flow_hash(key, q, 28, &h2, &dscp), 0);
	cr_assert_neq(h2, h);
	/* UDP ports count, even behind options (IHL 6) */
	uint8_t u[32];
	memset(u, 0, sizeof(u));
	memcpy(u, p, 20);
	u[0] = 0x46;
	u[9] = 17;
	u[24] = 0x12, u[25] = 0x34, u[27] = 53;
	cr_assert_eq(aero_ml_flow_hash(key, u, 32, &h, &dscp), 0);
	u[25] ^= 1;
	cr_assert_eq(aero_ml_flow_hash(key, u, 32, &h2, &dscp), 0);
	cr_assert_neq(h2, h);
	u[20] ^= 1; /* option byte: outside the tuple */
	cr_assert_eq(aero_ml_flow_hash(key, u, 32, &h, &dscp), 0);
	cr_assert_eq(h2, h);
	/* IHL < 5 and versions other than 4/6 */
	memcpy(q, p, 28);
	q[0] = 0x44;
	cr_assert_eq(aero_ml_flow_hash(key, q, 28, &h, &dscp), -EINVAL);
	q[0] = 0x55;
	cr_assert_eq(aero_ml_flow_hash(key, q, 28, &h, &dscp), -EINVAL);
	q[0] = 0x05;
	cr_assert_eq(aero_ml_flow_hash(key, q, 28, &h, &dscp), -EINVAL);
}

Test(aero_ml, state_names)
{
	cr_assert_str_eq(aero_ml_state_name(AERO_ML_REACHABLE), "reachable");
	cr_assert_str_eq(aero_ml_state_name(AERO_ML_PROBE), "probe");
	cr_assert_str_eq(aero_ml_state_name(AERO_ML_DOWN), "down");
}

/* §5.9: the far side's advertised (pref, link) outranks our own egress view; its Link 0
 * takes the path out at once and a later Link > 0 brings it back. */
Test(aero_ml, remote_attributes_rank_first)
{
	union sockaddr_any e1 = ep("10.0.1.2:4500"), e2 = ep("10.0.2.2:4500");
	uint8_t pref[AERO_ML_NDSCP];

	aero_ml_init(&ml);
	cr_assert_eq(aero_ml_update(&ml, 1, 12, NULL, &e1, 0), 0); /* our better egress */
	cr_assert_eq(aero_ml_update(&ml, 2, 8, NULL, &e2, 0), 1);
	cr_assert_eq(aero_ml_select(&ml, 0, 3), 0);
	cr_assert_eq(aero_ml_remote(&ml, 0, 1, 5, NULL), 0);
	cr_assert_eq(aero_ml_remote(&ml, 1, 2, 14, NULL), 0);
	cr_assert_eq(ml.p[1].r_index, 2);
	for (uint32_t h = 0; h < 16; h++)
		cr_assert_eq(aero_ml_select(&ml, 0, h), 1);
	/* per-DSCP: the far side prefers path 0 for EF, forbids path 1 for CS1 */
	memset(pref, 2, sizeof(pref));
	pref[46] = 3;
	cr_assert_eq(aero_ml_remote(&ml, 0, 1, 5, pref), 0);
	memset(pref, 2, sizeof(pref));
	pref[8] = 0;
	cr_assert_eq(aero_ml_remote(&ml, 1, 2, 14, pref), 0);
	cr_assert_eq(aero_ml_select(&ml, 46, 3), 0);
	cr_assert_eq(aero_ml_select(&ml, 0, 3), 1);
	cr_assert_eq(aero_ml_select(&ml, 8, 3), 0);
	/* Link 0 from the far side: unusable now, no NUD wait; usability change reported */
	cr_assert_eq(aero_ml_remote(&ml, 1, 2, 0, NULL), 1);
	cr_assert_not(aero_ml_usable(&ml, 1));
	cr_assert_eq(ml.p[1].state, AERO_ML_REACHABLE);
	cr_assert_eq(aero_ml_select(&ml, 0, 3), 0);
	cr_assert_eq(aero_ml_remote(&ml, 1, 2, 0, NULL), 0); /* no change the second time */
	cr_assert_eq(aero_ml_remote(&ml, 1, 2, 9, NULL), 1);
	cr_assert_eq(aero_ml_select(&ml, 0, 3), 1);
	/* forgotten attributes: back to our own view */
	aero_ml_remote_clear(&ml, 0);
	aero_ml_remote_clear(&ml, 1);
	cr_assert_eq(aero_ml_select(&ml, 0, 3), 0);
	cr_assert_eq(aero_ml_remote(&ml, 3, 1, 1, NULL), -EINVAL);
	cr_assert_eq(aero_ml_remote(&ml, -1, 1, 1, NULL), -EINVAL);
	cr_assert_not(aero_ml_usable(&ml, 3));
}

/* (pref, link, -rtt): RTTs within the band share flows; a clearly slower path loses them,
 * and wins them back only once inside the inner band (hysteresis). */
Test(aero_ml, rtt_band_hysteresis)
{
	union sockaddr_any e1 = ep("10.0.1.2:4500"), e2 = ep("10.0.2.2:4500");
	unsigned on[2];

	aero_ml_init(&ml);
	cr_assert_eq(aero_ml_update(&ml, 1, 8, NULL, &e1, 0), 0);
	cr_assert_eq(aero_ml_update(&ml, 2, 8, NULL, &e2, 0), 1);
	cr_assert_eq(aero_ml_heard(&ml, 0, 1, 10), 0);
	cr_assert_eq(aero_ml_heard(&ml, 1, 1, 18), 0); /* within 10 + 10: same band */
	cr_assert_not(ml.p[0].slow);
	cr_assert_not(ml.p[1].slow);
	on[0] = on[1] = 0;
	for (uint32_t h = 0; h < 64; h++)
		on[aero_ml_select(&ml, 0, h * 2654435761u)]++;
	cr_assert_gt(on[0], 10);
	cr_assert_gt(on[1], 10);
	/* 10 vs 30 (smoothed from 18: 7/8 * 18 + 1/8 * new), set directly for exact values */
	ml.p[1].rtt_ms = 0;
	cr_assert_eq(aero_ml_heard(&ml, 1, 2, 30), 0);
	cr_assert(ml.p[1].slow);
	for (uint32_t h = 0; h < 64; h++)
		cr_assert_eq(aero_ml_select(&ml, 0, h * 2654435761u), 0);
	/* 18: between the inner (15) and outer (20) band: stays slow */
	ml.p[1].rtt_ms = 0;
	cr_assert_eq(aero_ml_heard(&ml, 1, 3, 18), 0);
	cr_assert(ml.p[1].slow);
	/* 14: inside the inner band: fast again, flows spread */
	ml.p[1].rtt_ms = 0;
	cr_assert_eq(aero_ml_heard(&ml, 1, 4, 14), 0);
	cr_assert_not(ml.p[1].slow);
	/* a fast path at 19 (inside the outer band) stays fast */
	ml.p[1].rtt_ms = 0;
	cr_assert_eq(aero_ml_heard(&ml, 1, 5, 19), 0);
	cr_assert_not(ml.p[1].slow);
	/* large RTTs: the band scales (best 200: out at 300, in at 250) */
	ml.p[0].rtt_ms = 0;
	ml.p[1].rtt_ms = 0;
	cr_assert_eq(aero_ml_heard(&ml, 0, 6, 200), 0);
	cr_assert_eq(aero_ml_heard(&ml, 1, 6, 290), 0);
	cr_assert_not(ml.p[1].slow);
	ml.p[1].rtt_ms = 0;
	cr_assert_eq(aero_ml_heard(&ml, 1, 7, 301), 0);
	cr_assert(ml.p[1].slow);
	/* the fast path goes down: the slow one is the best left, so it is fast again */
	ml.p[0].state = AERO_ML_DOWN;
	cr_assert_eq(aero_ml_heard(&ml, 1, 8, 0), 0);
	cr_assert_not(ml.p[1].slow);
	cr_assert_eq(aero_ml_select(&ml, 0, 1), 1);
	/* link beats RTT: the slow path with the better link still wins */
	aero_ml_init(&ml);
	cr_assert_eq(aero_ml_update(&ml, 1, 8, NULL, &e1, 0), 0);
	cr_assert_eq(aero_ml_update(&ml, 2, 9, NULL, &e2, 0), 1);
	cr_assert_eq(aero_ml_heard(&ml, 0, 1, 5), 0);
	cr_assert_eq(aero_ml_heard(&ml, 1, 1, 100), 0);
	cr_assert(ml.p[1].slow);
	cr_assert_eq(aero_ml_select(&ml, 0, 1), 1);
}

/* §4.5 Preferences: round trip, default blocks left out, every truncation and every
 * extension refused, bit flips decode to valid values or an error, never past the end. */
Test(aero_ml, prefs_codec)
{
	uint8_t pref[AERO_ML_NDSCP], back[AERO_ML_NDSCP], buf[AERO_ML_PREFS_MAX + 4];
	int len;

	memset(pref, 2, sizeof(pref));
	cr_assert_eq(aero_ml_prefs_encode(pref, buf, sizeof(buf)), 0);
	memset(back, 9, sizeof(back));
	cr_assert_eq(aero_ml_prefs_decode(buf, 0, back), 0);
	cr_assert_arr_eq(back, pref, sizeof(pref));
	pref[46] = 3; /* EF: block 5 */
	pref[8] = 0;  /* CS1: block 1 */
	pref[0] = 1;  /* block 0 */
	len = aero_ml_prefs_encode(pref, buf, sizeof(buf));
	cr_assert_eq(len, 1 + 3 * 2);
	cr_assert_eq(buf[0], 0x80 | 0x40 | 0x04);
	cr_assert_eq(buf[1], 0x6a); /* P0 = 1, P1..P3 = 2 */
	cr_assert_eq(buf[2], 0xaa);
	cr_assert_eq(aero_ml_prefs_decode(buf, (size_t)len, back), 0);
	cr_assert_arr_eq(back, pref, sizeof(pref));
	/* values above 3 are clamped */
	pref[63] = 7;
	len = aero_ml_prefs_encode(pref, buf, sizeof(buf));
	cr_assert_eq(len, 1 + 4 * 2);
	cr_assert_eq(aero_ml_prefs_decode(buf, (size_t)len, back), 0);
	cr_assert_eq(back[63], 3);
	/* no room */
	cr_assert_eq(aero_ml_prefs_encode(pref, buf, 4), -ENOSPC);
	/* every truncation and one extra octet: refused, output untouched */
	for (int cut = 1; cut < len; cut++) {
		memset(back, 9, sizeof(back));
		cr_assert_eq(aero_ml_prefs_decode(buf, (size_t)cut, back), -EBADMSG, "cut %d", cut);
		cr_assert_eq(back[0], 9);
	}
	buf[len] = 0;
	cr_assert_eq(aero_ml_prefs_decode(buf, (size_t)len + 1, back), -EBADMSG);
	/* every bit flip: either valid (0..3 each) or refused */
	for (int bit = 0; bit < len * 8; bit++) {
		uint8_t f[AERO_ML_PREFS_MAX + 4];
		int r;

		memcpy(f, buf, (size_t)len);
		f[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		memset(back, 9, sizeof(back));
		r = aero_ml_prefs_decode(f, (size_t)len, back);
		if (bit < 8) {
			cr_assert_eq(r, -EBADMSG, "bitmap bit %d", bit); /* count changes */
		} else {
			cr_assert_eq(r, 0);
			for (size_t d = 0; d < AERO_ML_NDSCP; d++)
				cr_assert_leq(back[d], 3);
		}
	}
	/* a full bitmap needs all 17 octets */
	memset(buf, 0xff, sizeof(buf));
	cr_assert_eq(aero_ml_prefs_decode(buf, AERO_ML_PREFS_MAX, back), 0);
	cr_assert_eq(back[0], 3);
	cr_assert_eq(aero_ml_prefs_decode(buf, AERO_ML_PREFS_MAX - 1, back), -EBADMSG);
}
