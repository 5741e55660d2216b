// SPDX-License-Identifier: MIT
/*
 * test_scion_paths.c - the SCION path store and selector: IA parsing, each
 * ranking criterion, the ordered preference, allow/deny lists, minimum MTU,
 * per-destination overrides, expiry, failover on interface-down, probe loss
 * and expiry, the return to the preferred path after the hysteresis time
 * (and not before), no flapping under alternating probes, and the JSON path
 * file with every kind of bad member.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "scion_paths.h"

#define IA(isd, as) (((uint64_t)(isd) << 48) | (uint64_t)(as))
#define DST IA(1, 0xff0000000110ULL)
#define DST2 IA(2, 0xff0000000220ULL)

/* A path via transit AS @via (ISD @isd) with @hops interface pairs. */
static struct scion_path_meta mk(const char *name, unsigned int isd, uint64_t via,
				 unsigned int pairs, uint16_t mtu, int32_t lat)
{
	struct scion_path_meta m;
	memset(&m, 0, sizeof(m));
	snprintf(m.name, sizeof(m.name), "%s", name);
	m.n_ifaces = 2 * pairs;
	for (unsigned int i = 0; i < m.n_ifaces; i++) {
		m.ifaces[i].ia = i == m.n_ifaces - 1 ? DST : IA(isd, via + i / 2);
		m.ifaces[i].ifid = 100 * via + i + 1;
	}
	m.mtu = mtu;
	m.latency_ms = lat;
	return m;
}

static int add(struct scion_paths *s, uint64_t dst, struct scion_path_meta m)
{
	int id = scion_paths_add(s, dst, &m);
	cr_assert(id > 0, "add %s: %d", m.name, id);
	return id;
}

static uint32_t sel(struct scion_paths *s, uint64_t dst, uint64_t now)
{
	const struct scion_path_entry *e = scion_paths_select(s, dst, now);
	return e ? e->id : 0;
}

static void set_rank(struct scion_paths *s, uint64_t dst, enum scion_paths_rank r0)
{
	struct scion_policy p;
	scion_policy_init(&p);
	p.n_rank = 1;
	p.rank[0] = r0;
	cr_assert_eq(scion_paths_set_policy(s, dst, &p), 0);
}

Test(scion_paths, ia_parse)
{
	uint64_t ia;
	cr_assert_eq(scion_paths_ia_parse("1-ff00:0:110", &ia), 0);
	cr_assert_eq(ia, 0x0001ff0000000110ULL);
	cr_assert_eq(scion_paths_ia_parse("65535-4294967295", &ia), 0);
	cr_assert_eq(ia, 0xffff0000ffffffffULL);
	cr_assert_eq(scion_paths_ia_parse("0-0", &ia), 0);
	cr_assert_eq(ia, 0);
	cr_assert_eq(scion_paths_ia_parse("2-FFFF:ffff:1", &ia), 0);
	cr_assert_eq(ia, 0x0002ffffffff0001ULL);
	static const char *bad[] = {"",
				    "1",
				    "-1",
				    "1-",
				    "65536-1",
				    "1-4294967296",
				    "1-ff00:0",
				    "1-ff00:0:1:2",
				    "1-fffff:0:1",
				    "x-1",
				    "1-ff00::1",
				    "1-1x",
				    "1-ff00:0:",
				    " 1-1",
				    "1--1",
				    "1-g:0:0"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		cr_assert_eq(scion_paths_ia_parse(bad[i], &ia), -EINVAL, "%s", bad[i]);
}

Test(scion_paths, add_errors)
{
	struct scion_paths *s = scion_paths_new();
	struct scion_path_meta m = mk("a", 1, 0x111, 1, 1400, -1);
	cr_assert_eq(scion_paths_add(s, 0, &m), -EINVAL);
	m.n_ifaces = 3;
	cr_assert_eq(scion_paths_add(s, DST, &m), -EINVAL);
	m.n_ifaces = SCION_PATHS_MAX_IFACES + 2;
	cr_assert_eq(scion_paths_add(s, DST, &m), -EINVAL);
	m.n_ifaces = 2;
	cr_assert_eq(scion_paths_add(s, DST, &m), 1);
	cr_assert_eq(scion_paths_add(s, DST, &m), -EEXIST);
	m.name[0] = 0; /* unnamed paths never clash */
	for (int i = 1; i < SCION_PATHS_MAX_PER_DST; i++)
		cr_assert_eq(scion_paths_add(s, DST, &m), i + 1);
	cr_assert_eq(scion_paths_add(s, DST, &m), -ENOSPC);
	cr_assert_eq(scion_paths_count(s, DST), SCION_PATHS_MAX_PER_DST);
	cr_assert_eq(scion_paths_count(s, DST2), 0);
	cr_assert_eq(scion_paths_on_probe(s, 999, 5, 0), -ENOENT);
	cr_assert_null(scion_paths_get(s, 999));
	cr_assert_eq(scion_paths_get(s, 3)->dst_ia, DST);
	cr_assert_null(scion_paths_select(s, DST2, 0));
	scion_paths_free(s);
	scion_paths_free(NULL);
}

Test(scion_paths, policy_errors)
{
	struct scion_paths *s = scion_paths_new();
	struct scion_policy p;
	scion_policy_init(&p);
	p.loss_threshold = 0;
	cr_assert_eq(scion_paths_set_policy(s, 0, &p), -EINVAL);
	scion_policy_init(&p);
	p.n_rank = 2;
	p.rank[1] = SCION_PATHS_RANK_LATENCY; /* repeated */
	cr_assert_eq(scion_paths_set_policy(s, DST, &p), -EINVAL);
	scion_policy_init(&p);
	p.rank[0] = SCION_PATHS_RANK_COUNT;
	cr_assert_eq(scion_paths_set_policy(s, DST, &p), -EINVAL);
	scion_policy_init(&p);
	p.n_allow = SCION_PATHS_MAX_ACL + 1;
	cr_assert_eq(scion_paths_set_policy(s, DST, &p), -EINVAL);
	scion_policy_init(&p);
	p.n_prefer = 1;
	memset(p.prefer[0], 'x', SCION_PATHS_NAME_MAX);
	cr_assert_eq(scion_paths_set_policy(s, DST, &p), -EINVAL);
	scion_policy_init(&p);
	for (uint64_t i = 1; i <= SCION_PATHS_MAX_DST; i++)
		cr_assert_eq(scion_paths_set_policy(s, IA(3, i), &p), 0);
	cr_assert_eq(scion_paths_set_policy(s, IA(4, 1), &p), -ENOSPC);
	struct scion_path_meta m = mk("a", 1, 0x111, 1, 1400, -1);
	cr_assert_eq(scion_paths_add(s, IA(4, 1), &m), -ENOSPC);
	scion_paths_free(s);
}

Test(scion_paths, rank_latency_announced_then_measured)
{
	struct scion_paths *s = scion_paths_new();
	int a = add(s, DST, mk("a", 1, 0x111, 1, 1400, 30));
	int b = add(s, DST, mk("b", 1, 0x121, 2, 1400, 20));
	int c = add(s, DST, mk("c", 1, 0x131, 1, 1400, -1)); /* unknown ranks last */
	set_rank(s, 0, SCION_PATHS_RANK_LATENCY);
	cr_assert_eq(sel(s, DST, 0), (uint32_t)b);
	scion_paths_free(s);

	/* measured RTT beats announced latency; average of the last 4 samples */
	s = scion_paths_new();
	a = add(s, DST, mk("a", 1, 0x111, 1, 1400, 30));
	b = add(s, DST, mk("b", 1, 0x121, 2, 1400, 20));
	c = add(s, DST, mk("c", 1, 0x131, 1, 1400, -1));
	cr_assert_eq(scion_paths_on_probe(s, (uint32_t)c, 10, 0), 0);
	cr_assert_eq(scion_paths_on_probe(s, (uint32_t)c, 14, 0), 0);
	cr_assert_eq(sel(s, DST, 0), (uint32_t)c);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(scion_paths_on_probe(s, (uint32_t)a, 40, 0), 0);
	cr_assert_eq(scion_paths_on_probe(s, (uint32_t)a, 4, 0), 0); /* (40*3+4)/4 = 31 */
	const struct scion_path_entry *e = scion_paths_get(s, (uint32_t)a);
	cr_assert_eq(e->n_rtt, 4);
	scion_paths_free(s);
}

Test(scion_paths, rank_hops_mtu_bandwidth_and_order)
{
	struct scion_paths *s = scion_paths_new();
	struct scion_path_meta ma = mk("a", 1, 0x111, 3, 1300, 5);
	struct scion_path_meta mb = mk("b", 1, 0x121, 2, 1400, 50);
	struct scion_path_meta mc = mk("c", 1, 0x131, 4, 1500, 50);
	ma.bandwidth_kbps = 100;
	mb.bandwidth_kbps = 50;
	mc.bandwidth_kbps = 1000;
	int a = add(s, DST, ma), b = add(s, DST, mb), c = add(s, DST, mc);
	set_rank(s, DST, SCION_PATHS_RANK_HOPS);
	cr_assert_eq(sel(s, DST, 0), (uint32_t)b);
	scion_paths_free(s);

	s = scion_paths_new();
	a = add(s, DST, ma), b = add(s, DST, mb), c = add(s, DST, mc);
	set_rank(s, DST, SCION_PATHS_RANK_MTU);
	cr_assert_eq(sel(s, DST, 0), (uint32_t)c);
	scion_paths_free(s);

	s = scion_paths_new();
	a = add(s, DST, ma), b = add(s, DST, mb), c = add(s, DST, mc);
	set_rank(s, DST, SCION_PATHS_RANK_BANDWIDTH);
	cr_assert_eq(sel(s, DST, 0), (uint32_t)c);
	scion_paths_free(s);

	/* default policy: latency first, then hops */
	s = scion_paths_new();
	a = add(s, DST, ma), b = add(s, DST, mb), c = add(s, DST, mc);
	cr_assert_eq(sel(s, DST, 0), (uint32_t)a);
	scion_paths_free(s);

	/* equal latency: hops break the tie; all equal: the earlier path */
	s = scion_paths_new();
	c = add(s, DST, mc), b = add(s, DST, mb);
	cr_assert_eq(sel(s, DST, 0), (uint32_t)b);
	scion_paths_free(s);
	s = scion_paths_new();
	a = add(s, DST, mk("x", 1, 0x111, 1, 1400, 5));
	b = add(s, DST, mk("y", 1, 0x121, 1, 1400, 5));
	cr_assert_eq(sel(s, DST, 0), (uint32_t)a);
	(void)b;
	scion_paths_free(s);
}

Test(scion_paths, ordered_preference)
{
	struct scion_paths *s = scion_paths_new();
	int a = add(s, DST, mk("fast", 1, 0x111, 1, 1400, 1));
	int b = add(s, DST, mk("second", 1, 0x121, 1, 1400, 50));
	int c = add(s, DST, mk("first", 1, 0x131, 1, 1400, 90));
	struct scion_policy p;
	scion_policy_init(&p);
	p.n_prefer = 2;
	strcpy(p.prefer[0], "first");
	strcpy(p.prefer[1], "second");
	cr_assert_eq(scion_paths_set_policy(s, DST, &p), 0);
	cr_assert_eq(sel(s, DST, 0), (uint32_t)c);
	/* the listed paths fail: the next listed, then the ranked rest */
	cr_assert_eq(scion_paths_on_scmp_ifdown(s, IA(1, 0x131), 0x131 * 100 + 1, 100), 1);
	cr_assert_eq(sel(s, DST, 100), (uint32_t)b);
	cr_assert_eq(scion_paths_on_scmp_ifdown(s, IA(1, 0x121), 0x121 * 100 + 1, 100), 1);
	cr_assert_eq(sel(s, DST, 100), (uint32_t)a);
	scion_paths_free(s);
}

Test(scion_paths, allow_deny_and_min_mtu)
{
	struct scion_paths *s = scion_paths_new();
	int a = add(s, DST, mk("a", 1, 0x111, 2, 1400, 1));  /* via ISD 1 only */
	int b = add(s, DST, mk("b", 2, 0x221, 2, 1300, 10)); /* transits ISD 2 */
	int c = add(s, DST, mk("c", 1, 0x131, 2, 1500, 20));
	struct scion_policy p;

	scion_policy_init(&p);
	p.n_deny = 1;
	p.deny[0] = IA(1, 0x111); /* exactly AS 1-0x111 */
	cr_assert_eq(scion_paths_set_policy(s, DST, &p), 0);
	cr_assert_eq(sel(s, DST, 0), (uint32_t)b);

	struct scion_paths *s2 = scion_paths_new();
	a = add(s2, DST, mk("a", 1, 0x111, 2, 1400, 1));
	b = add(s2, DST, mk("b", 2, 0x221, 2, 1300, 10));
	c = add(s2, DST, mk("c", 1, 0x131, 2, 1500, 20));
	scion_policy_init(&p);
	p.n_allow = 1;
	p.allow[0] = IA(2, 0); /* all of ISD 2: DST itself is in ISD 1, so nothing fits */
	cr_assert_eq(scion_paths_set_policy(s2, DST, &p), 0);
	cr_assert_null(scion_paths_select(s2, DST, 0));
	p.n_allow = 2;
	p.allow[1] = IA(0, 0xff0000000110ULL); /* DST's AS in any ISD */
	cr_assert_eq(scion_paths_set_policy(s2, DST, &p), 0);
	cr_assert_eq(sel(s2, DST, 0), (uint32_t)b);
	/* deny wins over allow */
	p.n_deny = 1;
	p.deny[0] = IA(2, 0x222);
	cr_assert_eq(scion_paths_set_policy(s2, DST, &p), 0);
	cr_assert_null(scion_paths_select(s2, DST, 0));
	scion_paths_free(s2);

	/* min MTU; an unknown MTU fails any minimum */
	s2 = scion_paths_new();
	a = add(s2, DST, mk("a", 1, 0x111, 2, 1400, 1));
	b = add(s2, DST, mk("b", 2, 0x221, 2, 0, 10));
	c = add(s2, DST, mk("c", 1, 0x131, 2, 1500, 20));
	scion_policy_init(&p);
	p.min_mtu = 1450;
	cr_assert_eq(scion_paths_set_policy(s2, 0, &p), 0);
	cr_assert_eq(sel(s2, DST, 0), (uint32_t)c);
	(void)a;
	cr_assert(!scion_paths_usable(s2, scion_paths_get(s2, (uint32_t)b), 0));
	scion_paths_free(s2);
	scion_paths_free(s);
}

Test(scion_paths, per_destination_override)
{
	struct scion_paths *s = scion_paths_new();
	int a1 = add(s, DST, mk("a", 1, 0x111, 3, 1500, 1));
	int b1 = add(s, DST, mk("b", 1, 0x121, 1, 1300, 90));
	int a2 = add(s, DST2, mk("a", 1, 0x111, 3, 1500, 1));
	int b2 = add(s, DST2, mk("b", 1, 0x121, 1, 1300, 90));
	set_rank(s, 0, SCION_PATHS_RANK_HOPS);
	set_rank(s, DST2, SCION_PATHS_RANK_MTU);
	cr_assert_eq(sel(s, DST, 0), (uint32_t)b1);
	cr_assert_eq(sel(s, DST2, 0), (uint32_t)a2);
	(void)a1;
	(void)b2;
	scion_paths_free(s);
}

Test(scion_paths, expiry_failover_and_margin)
{
	struct scion_paths *s = scion_paths_new();
	struct scion_path_meta ma = mk("a", 1, 0x111, 1, 1400, 1);
	ma.expires_ms = 100000;
	int a = add(s, DST, ma);
	int b = add(s, DST, mk("b", 1, 0x121, 1, 1400, 50));
	cr_assert_eq(sel(s, DST, 0), (uint32_t)a);
	/* default margin 10 s: pruned from 90 000 */
	cr_assert_eq(sel(s, DST, 89999), (uint32_t)a);
	cr_assert_eq(sel(s, DST, 90000), (uint32_t)b);
	cr_assert_eq(sel(s, DST, 200000), (uint32_t)b);
	scion_paths_free(s);

	s = scion_paths_new();
	a = add(s, DST, ma);
	cr_assert_eq(sel(s, DST, 90000), 0);
	scion_paths_free(s);
}

Test(scion_paths, failover_ifdown_and_return_after_hysteresis)
{
	struct scion_paths *s = scion_paths_new();
	int a = add(s, DST, mk("a", 1, 0x111, 1, 1400, 1));
	int b = add(s, DST, mk("b", 1, 0x121, 1, 1400, 50));
	const uint64_t hold = SCION_PATHS_DEF_IFDOWN_HOLD_MS, hyst = SCION_PATHS_DEF_HYSTERESIS_MS;
	cr_assert_eq(sel(s, DST, 1000), (uint32_t)a);
	cr_assert_eq(scion_paths_on_scmp_ifdown(s, IA(1, 0x999), 0x111 * 100 + 1, 1000), 0);
	cr_assert_eq(scion_paths_on_scmp_ifdown(s, IA(1, 0x111), 0x111 * 100 + 1, 1000), 1);
	cr_assert_eq(sel(s, DST, 1000), (uint32_t)b);
	cr_assert_eq(sel(s, DST, 1000 + hold - 1), (uint32_t)b);
	/* healthy again at 1000 + hold, but must stay clean for the hysteresis */
	cr_assert(scion_paths_usable(s, scion_paths_get(s, (uint32_t)a), 1000 + hold));
	cr_assert_eq(sel(s, DST, 1000 + hold), (uint32_t)b);
	cr_assert_eq(sel(s, DST, 1000 + hold + hyst - 1), (uint32_t)b);
	cr_assert_eq(sel(s, DST, 1000 + hold + hyst), (uint32_t)a);
	cr_assert_eq(sel(s, DST, 1000 + hold + hyst + 5), (uint32_t)a);
	scion_paths_free(s);
}

Test(scion_paths, failover_probe_loss_and_return)
{
	struct scion_paths *s = scion_paths_new();
	int a = add(s, DST, mk("a", 1, 0x111, 1, 1400, 1));
	int b = add(s, DST, mk("b", 1, 0x121, 1, 1400, 50));
	const uint64_t hyst = SCION_PATHS_DEF_HYSTERESIS_MS;
	cr_assert_eq(sel(s, DST, 0), (uint32_t)a);
	cr_assert_eq(scion_paths_on_probe(s, (uint32_t)a, SCION_PATHS_LOST, 1000), 0);
	cr_assert_eq(scion_paths_on_probe(s, (uint32_t)a, SCION_PATHS_LOST, 2000), 0);
	cr_assert_eq(sel(s, DST, 2000), (uint32_t)a); /* 2 < threshold 3 */
	cr_assert_eq(scion_paths_on_probe(s, (uint32_t)a, SCION_PATHS_LOST, 3000), 0);
	cr_assert_eq(sel(s, DST, 3000), (uint32_t)b);
	cr_assert_eq(scion_paths_on_probe(s, (uint32_t)a, 2, 4000), 0);
	cr_assert_eq(sel(s, DST, 4000), (uint32_t)b);
	/* the hysteresis runs from when it was first seen healthy and best (4000) */
	cr_assert_eq(sel(s, DST, 4000 + hyst - 1), (uint32_t)b);
	cr_assert_eq(sel(s, DST, 4000 + hyst), (uint32_t)a);
	scion_paths_free(s);
}

Test(scion_paths, no_flapping_under_alternating_probes)
{
	struct scion_paths *s = scion_paths_new();
	int a = add(s, DST, mk("a", 1, 0x111, 1, 1400, 1));
	int b = add(s, DST, mk("b", 1, 0x121, 1, 1400, 50));
	/* the active path alternating loss / reply never reaches the loss threshold */
	for (uint64_t t = 0; t < 200000; t += 1000) {
		int32_t r = (t / 1000) % 2 ? SCION_PATHS_LOST : 3;
		cr_assert_eq(scion_paths_on_probe(s, (uint32_t)a, r, t), 0);
		cr_assert_eq(sel(s, DST, t), (uint32_t)a, "t=%lu", (unsigned long)t);
	}
	/* a failed-over-from path alternating 3 losses / 1 reply never gets back */
	for (int i = 0; i < 3; i++)
		cr_assert_eq(scion_paths_on_probe(s, (uint32_t)a, SCION_PATHS_LOST, 200000), 0);
	cr_assert_eq(sel(s, DST, 200000), (uint32_t)b);
	unsigned int switches = 0;
	uint32_t last = (uint32_t)b;
	for (uint64_t t = 201000; t < 600000; t += 1000) {
		int32_t r = (t / 1000) % 4 == 0 ? 3 : SCION_PATHS_LOST;
		cr_assert_eq(scion_paths_on_probe(s, (uint32_t)a, r, t), 0);
		uint32_t now = sel(s, DST, t);
		switches += now != last;
		last = now;
	}
	cr_assert_eq(switches, 0);
	cr_assert_eq(last, (uint32_t)b);
	scion_paths_free(s);
}

Test(scion_paths, better_latency_needs_hysteresis)
{
	struct scion_paths *s = scion_paths_new();
	int a = add(s, DST, mk("a", 1, 0x111, 1, 1400, -1));
	int b = add(s, DST, mk("b", 1, 0x121, 1, 1400, -1));
	const uint64_t hyst = SCION_PATHS_DEF_HYSTERESIS_MS;
	cr_assert_eq(scion_paths_on_probe(s, (uint32_t)a, 10, 0), 0);
	cr_assert_eq(scion_paths_on_probe(s, (uint32_t)b, 20, 0), 0);
	cr_assert_eq(sel(s, DST, 0), (uint32_t)a);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(scion_paths_on_probe(s, (uint32_t)a, 30, 1000), 0);
	cr_assert_eq(sel(s, DST, 1000), (uint32_t)a); /* b is better from now on */
	/* b stops being better before the hysteresis ends: stays on a, timer restarts */
	for (int i = 0; i < 4; i++)
		cr_assert_eq(scion_paths_on_probe(s, (uint32_t)a, 10, 5000), 0);
	cr_assert_eq(sel(s, DST, 5000), (uint32_t)a);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(scion_paths_on_probe(s, (uint32_t)a, 30, 6000), 0);
	cr_assert_eq(sel(s, DST, 6000), (uint32_t)a);
	cr_assert_eq(sel(s, DST, 1000 + hyst), (uint32_t)a);
	cr_assert_eq(sel(s, DST, 6000 + hyst - 1), (uint32_t)a);
	cr_assert_eq(sel(s, DST, 6000 + hyst), (uint32_t)b);
	scion_paths_free(s);
}

Test(scion_paths, nothing_usable)
{
	struct scion_paths *s = scion_paths_new();
	int a = add(s, DST, mk("a", 1, 0x111, 1, 1400, 1));
	cr_assert_eq(scion_paths_on_scmp_ifdown(s, IA(1, 0x111), 0x111 * 100 + 1, 0), 1);
	cr_assert_null(scion_paths_select(s, DST, 0));
	cr_assert_eq(sel(s, DST, SCION_PATHS_DEF_IFDOWN_HOLD_MS), (uint32_t)a);
	scion_paths_free(s);
}

/* ---- JSON ------------------------------------------------------------------------- */

static const char good_json[] =
    "{\"version\": 1,"
    " \"default_policy\": {\"rank\": [\"hops\", \"mtu\"], \"hysteresis_ms\": 5000,"
    "   \"loss_threshold\": 2, \"ifdown_hold_ms\": 1000, \"expiry_margin_ms\": 0,"
    "   \"min_mtu\": 1280, \"deny\": [\"3-0\"], \"allow\": [\"0-0\"]},"
    " \"destinations\": ["
    "  {\"ia\": \"1-ff00:0:110\", \"paths\": ["
    "    {\"name\": \"long\", \"interfaces\": [{\"ia\": \"1-ff00:0:111\", \"ifid\": 1},"
    "       {\"ia\": \"1-ff00:0:112\", \"ifid\": 2}, {\"ia\": \"1-ff00:0:112\", \"ifid\": 3},"
    "       {\"ia\": \"1-ff00:0:110\", \"ifid\": 4}], \"mtu\": 1472,"
    "     \"expires_ms\": 500000, \"latency_ms\": 7, \"bandwidth_kbps\": 1000000},"
    "    {\"name\": \"short\", \"interfaces\": [{\"ia\": \"1-ff00:0:111\", \"ifid\": 5},"
    "       {\"ia\": \"1-ff00:0:110\", \"ifid\": 6}], \"mtu\": 1400,"
    "     \"raw\": \"00002000"
    "0000000000000000"
    "000000000000000000000000"
    "000000000000000000000000\"}]},"
    "  {\"ia\": \"2-ff00:0:220\", \"policy\": {\"rank\": [\"mtu\"], \"prefer\": [\"b\"]},"
    "   \"paths\": []}]}";

Test(scion_paths, json_good)
{
	struct scion_paths *s = scion_paths_new();
	char err[256];
	cr_assert_eq(scion_paths_load_json(s, good_json, strlen(good_json), err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(scion_paths_count(s, DST), 2);
	const struct scion_path_entry *e = scion_paths_select(s, DST, 0);
	cr_assert_not_null(e);
	cr_assert_str_eq(e->meta.name, "short"); /* fewest hops */
	cr_assert(e->meta.has_raw);
	cr_assert_eq(e->meta.raw.num_inf, 1);
	cr_assert_eq(e->meta.raw.num_hf, 2);
	cr_assert_eq(e->meta.ifaces[1].ia, DST);
	cr_assert_eq(e->meta.ifaces[1].ifid, 6);
	cr_assert_eq(e->meta.latency_ms, -1);
	const struct scion_path_entry *l = scion_paths_get(s, e->id - 1);
	cr_assert_str_eq(l->meta.name, "long");
	cr_assert_eq(l->meta.n_ifaces, 4);
	cr_assert_eq(l->meta.mtu, 1472);
	cr_assert_eq(l->meta.expires_ms, 500000);
	cr_assert_eq(l->meta.latency_ms, 7);
	cr_assert_eq(l->meta.bandwidth_kbps, 1000000);
	cr_assert(!l->meta.has_raw);
	/* policy from the file: 2 losses fail over, 1 s hold */
	cr_assert_eq(scion_paths_on_probe(s, e->id, SCION_PATHS_LOST, 0), 0);
	cr_assert_eq(scion_paths_on_probe(s, e->id, SCION_PATHS_LOST, 0), 0);
	cr_assert_eq(scion_paths_select(s, DST, 0), l);
	cr_assert_eq(scion_paths_count(s, DST2), 0);
	/* loading the same names again clashes and changes nothing */
	cr_assert_eq(scion_paths_load_json(s, good_json, strlen(good_json), err, sizeof(err)),
		     -EEXIST);
	cr_assert(strstr(err, "already in the store"), "%s", err);
	cr_assert_eq(scion_paths_count(s, DST), 2);
	scion_paths_free(s);
}

struct bad_case {
	const char *json;
	const char *msg;
};

#define PATH_OK "{\"interfaces\": [{\"ia\": \"1-1\", \"ifid\": 1}, {\"ia\": \"1-2\", \"ifid\": 2}]"
#define DOC(paths) "{\"version\": 1, \"destinations\": [{\"ia\": \"1-2\", \"paths\": [" paths "]}]}"
#define POL(pol) "{\"version\": 1, \"default_policy\": " pol ", \"destinations\": []}"

static const struct bad_case bad_cases[] = {
    {"", "invalid JSON"},
    {"{\"version\": 1, \"version\": 1, \"destinations\": []}", "duplicate"},
    {"[]", "top level: must be an object"},
    {"{\"version\": 1, \"destinations\": [], \"x\": 1}", "unknown member \"x\""},
    {"{\"destinations\": []}", "version"},
    {"{\"version\": 2, \"destinations\": []}", "version"},
    {"{\"version\": \"1\", \"destinations\": []}", "version"},
    {"{\"version\": 1}", "destinations: required"},
    {"{\"version\": 1, \"destinations\": {}}", "destinations: required"},
    {"{\"version\": 1, \"destinations\": [1]}", "destinations[0]: must be an object"},
    {"{\"version\": 1, \"destinations\": [{\"paths\": []}]}", "destinations[0].ia"},
    {"{\"version\": 1, \"destinations\": [{\"ia\": \"1-0\", \"paths\": []}]}", "must not be 0"},
    {"{\"version\": 1, \"destinations\": [{\"ia\": \"bogus\", \"paths\": []}]}", "ISD-AS"},
    {"{\"version\": 1, \"destinations\": [{\"ia\": 5, \"paths\": []}]}", "ISD-AS"},
    {"{\"version\": 1, \"destinations\": [{\"ia\": \"1-2\"}]}", "paths: required"},
    {"{\"version\": 1, \"destinations\": [{\"ia\": \"1-2\", \"paths\": [], \"q\": 0}]}",
     "unknown member \"q\""},
    {"{\"version\": 1, \"destinations\": [{\"ia\": \"1-2\", \"paths\": []},"
     "{\"ia\": \"1-2\", \"paths\": []}]}",
     "listed twice"},
    {DOC("3"), "paths[0]: must be an object"},
    {DOC("{}"), "interfaces: required"},
    {DOC("{\"interfaces\": [{\"ia\": \"1-1\", \"ifid\": 1}]}"), "even number"},
    {DOC("{\"interfaces\": [1, 2]}"), "interfaces[0]: must be an object"},
    {DOC("{\"interfaces\": [{\"ia\": \"1-1\"}, {\"ia\": \"1-2\", \"ifid\": 2}]}"),
     "needs \"ia\" and \"ifid\""},
    {DOC("{\"interfaces\": [{\"ia\": \"1-1\", \"ifid\": 0}, {\"ia\": \"1-2\", \"ifid\": 2}]}"),
     "interfaces[0].ifid"},
    {DOC("{\"interfaces\": [{\"ia\": \"1-1\", \"ifid\": 1, \"z\": 1},"
	 " {\"ia\": \"1-2\", \"ifid\": 2}]}"),
     "unknown member \"z\""},
    {DOC("{\"interfaces\": [{\"ia\": \"0-1\", \"ifid\": 1}, {\"ia\": \"1-2\", \"ifid\": 2}]}"),
     "interfaces[0].ia"},
    {DOC(PATH_OK ", \"mtu\": 1000}"), "mtu: must be an integer 1232..65535"},
    {DOC(PATH_OK ", \"mtu\": 70000}"), "mtu"},
    {DOC(PATH_OK ", \"mtu\": 1400.5}"), "mtu"},
    {DOC(PATH_OK ", \"expires_ms\": -1}"), "expires_ms"},
    {DOC(PATH_OK ", \"expires_ms\": \"soon\"}"), "expires_ms"},
    {DOC(PATH_OK ", \"latency_ms\": -5}"), "latency_ms"},
    {DOC(PATH_OK ", \"bandwidth_kbps\": 4294967296}"), "bandwidth_kbps"},
    {DOC(PATH_OK ", \"name\": \"\"}"), "name: must be a string"},
    {DOC(PATH_OK ", \"name\": \"0123456789012345678901234567890123\"}"), "name"},
    {DOC(PATH_OK ", \"name\": 7}"), "name"},
    {DOC(PATH_OK ", \"name\": \"a\\u0000b\"}"), "invalid JSON"},
    {DOC(PATH_OK ", \"name\": \"a\"}, " PATH_OK ", \"name\": \"a\"}"), "name used twice"},
    {DOC(PATH_OK ", \"raw\": \"zz\"}"), "raw: must be a hex string"},
    {DOC(PATH_OK ", \"raw\": \"000\"}"), "raw: must be a hex string"},
    {DOC(PATH_OK ", \"raw\": 1}"), "raw: must be a hex string"},
    {DOC(PATH_OK ", \"raw\": \"00000000\"}"), "raw: not a valid SCION path"},
    {DOC(PATH_OK ", \"extra\": true}"), "unknown member \"extra\""},
    {POL("[]"), "default_policy: must be an object"},
    {POL("{\"rank\": \"hops\"}"), "rank: must be an array"},
    {POL("{\"rank\": [\"speed\"]}"), "rank[0]: must be"},
    {POL("{\"rank\": [\"hops\", \"hops\"]}"), "repeated"},
    {POL("{\"rank\": [\"hops\", \"mtu\", \"latency\", \"bandwidth\", \"hops\"]}"), "at most 4"},
    {POL("{\"prefer\": \"a\"}"), "prefer: must be an array"},
    {POL("{\"prefer\": [\"\"]}"), "prefer[0]"},
    {POL("{\"allow\": [\"x\"]}"), "allow[0]"},
    {POL("{\"deny\": \"1-0\"}"), "deny: must be an array"},
    {POL("{\"deny\": [\"1-1\",\"1-1\",\"1-1\",\"1-1\",\"1-1\",\"1-1\",\"1-1\",\"1-1\",\"1-1\","
	 "\"1-1\",\"1-1\",\"1-1\",\"1-1\",\"1-1\",\"1-1\",\"1-1\",\"1-1\"]}"),
     "at most 16"},
    {POL("{\"min_mtu\": 65536}"), "min_mtu"},
    {POL("{\"hysteresis_ms\": -1}"), "hysteresis_ms"},
    {POL("{\"hysteresis_ms\": 3600001}"), "hysteresis_ms"},
    {POL("{\"loss_threshold\": 0}"), "loss_threshold"},
    {POL("{\"ifdown_hold_ms\": true}"), "ifdown_hold_ms"},
    {POL("{\"expiry_margin_ms\": null}"), "expiry_margin_ms"},
    {POL("{\"colour\": 1}"), "unknown member \"colour\""},
    {"{\"version\": 1, \"destinations\": [{\"ia\": \"1-2\", \"policy\": {\"rank\": 1},"
     " \"paths\": []}]}",
     "destinations[0].policy.rank"},
    /* an error after a destination whose paths loaded (found by the fuzzer) */
    {"{\"version\": 1, \"destinations\": [{\"ia\": \"1-3\", \"paths\": [" PATH_OK "}]},"
     " {\"ia\": \"1-2\", \"policy\": {\"x\": 1}, \"paths\": []}]}",
     "destinations[1].policy: unknown member \"x\""},
    {"{\"version\": 1, \"destinations\": [{\"ia\": \"1-3\", \"paths\": [" PATH_OK "}]},"
     " 7]}",
     "destinations[1]: must be an object"},
};

Test(scion_paths, json_bad)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		struct scion_paths *s = scion_paths_new();
		char err[256];
		int r = scion_paths_load_json(s, bad_cases[i].json, strlen(bad_cases[i].json), err,
					      sizeof(err));
		cr_assert_eq(r, -EBADMSG, "case %zu: %d", i, r);
		cr_assert(strstr(err, bad_cases[i].msg), "case %zu: \"%s\" lacks \"%s\"", i, err,
			  bad_cases[i].msg);
		cr_assert_eq(scion_paths_count(s, IA(1, 2)), 0);
		cr_assert_eq(scion_paths_count(s, IA(1, 3)), 0);
		/* all or nothing: the default policy is untouched too */
		struct scion_path_meta m = mk("p", 1, 1, 1, 0, -1);
		int id = scion_paths_add(s, IA(1, 2), &m);
		cr_assert(id > 0);
		cr_assert(scion_paths_usable(s, scion_paths_get(s, (uint32_t)id), 0), "case %zu",
			  i);
		scion_paths_free(s);
	}
	/* NULL err is fine */
	struct scion_paths *s = scion_paths_new();
	cr_assert_eq(scion_paths_load_json(s, "{", 1, NULL, 0), -EBADMSG);
	scion_paths_free(s);
}

Test(scion_paths, json_too_large_and_truncated)
{
	struct scion_paths *s = scion_paths_new();
	char err[128];
	static char big[SCION_PATHS_JSON_MAX + 1];
	memset(big, ' ', sizeof(big));
	cr_assert_eq(scion_paths_load_json(s, big, sizeof(big), err, sizeof(err)), -EMSGSIZE);
	cr_assert(strstr(err, "larger than"));
	size_t n = strlen(good_json);
	for (size_t i = 0; i < n; i++)
		cr_assert_neq(scion_paths_load_json(s, good_json, i, err, sizeof(err)), 0, "%zu",
			      i);
	cr_assert_eq(scion_paths_count(s, DST), 0);
	scion_paths_free(s);
}

Test(scion_paths, failover_intdown)
{
	struct scion_paths *s = scion_paths_new();
	/* a: 1-0x111 (if 27301, 27302) -> 1-0x112 (27303) -> DST; b: via 1-0x121 */
	int a = add(s, DST, mk("a", 1, 0x111, 2, 1400, 1));
	int b = add(s, DST, mk("b", 1, 0x121, 2, 1400, 50));
	cr_assert_eq(sel(s, DST, 0), (uint32_t)a);
	/* ingress / egress pair not both on a: nothing */
	cr_assert_eq(scion_paths_on_scmp_intdown(s, IA(1, 0x111), 0x111 * 100 + 1, 99, 0), 0);
	cr_assert_eq(
	    scion_paths_on_scmp_intdown(s, IA(1, 0x111), 0x111 * 100 + 1, 0x111 * 100 + 2, 0), 1);
	cr_assert_eq(sel(s, DST, 0), (uint32_t)b);
	/* ingress 0 matches the egress alone */
	cr_assert_eq(scion_paths_on_scmp_intdown(s, IA(1, 0x121), 0, 0x121 * 100 + 2, 0), 1);
	cr_assert_null(scion_paths_select(s, DST, 0));
	cr_assert_eq(sel(s, DST, SCION_PATHS_DEF_IFDOWN_HOLD_MS), (uint32_t)a);
	scion_paths_free(s);
}
