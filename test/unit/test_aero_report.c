// SPDX-License-Identifier: MIT
/*
 * test_aero_report.c - common/aero_report.[ch]: the server's Report Lists
 * (add, refresh of the same pair, per-target listing with expiry and the
 * output cap, self-pairs refused, forgetting a client in both roles,
 * expiry, and eviction of the entry closest to expiry when full).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "aero_report.h"

static void key(uint8_t k[32], unsigned i)
{
	memset(k, 0, 32);
	k[0] = (uint8_t)i;
	k[1] = (uint8_t)(i >> 8);
	k[31] = 0xa5;
}

static struct aero_report rep;

Test(aero_report, add_list_refresh)
{
	uint8_t a[32], b[32], c[32], out[4][32];
	key(a, 1);
	key(b, 2);
	key(c, 3);
	aero_report_init(&rep);
	cr_assert_eq(aero_report_add(&rep, a, b, 1000), 0);
	cr_assert_eq(aero_report_add(&rep, a, c, 2000), 0);
	cr_assert_eq(aero_report_add(&rep, b, a, 1000), 0);
	cr_assert_eq(rep.n, 3);
	cr_assert_eq(aero_report_list(&rep, a, 500, out, 4), 2);
	cr_assert_arr_eq(out[0], b, 32);
	cr_assert_arr_eq(out[1], c, 32);
	/* b's entry expired at 1000: only c is left at 1000 */
	cr_assert_eq(aero_report_list(&rep, a, 1000, out, 4), 1);
	cr_assert_arr_eq(out[0], c, 32);
	/* the same pair again only moves its expiry */
	cr_assert_eq(aero_report_add(&rep, a, b, 5000), 0);
	cr_assert_eq(rep.n, 3);
	cr_assert_eq(aero_report_list(&rep, a, 3000, out, 4), 1);
	cr_assert_arr_eq(out[0], b, 32);
	/* the cap holds */
	cr_assert_eq(aero_report_list(&rep, a, 0, out, 1), 1);
	cr_assert_eq(aero_report_list(&rep, a, 0, out, 0), 0);
	/* nobody was told about c */
	cr_assert_eq(aero_report_list(&rep, c, 0, out, 4), 0);
}

Test(aero_report, self_pair_refused)
{
	uint8_t a[32];
	key(a, 7);
	aero_report_init(&rep);
	cr_assert_eq(aero_report_add(&rep, a, a, 1000), -EINVAL);
	cr_assert_eq(rep.n, 0);
}

Test(aero_report, forget_both_roles)
{
	uint8_t a[32], b[32], c[32], out[4][32];
	key(a, 1);
	key(b, 2);
	key(c, 3);
	aero_report_init(&rep);
	cr_assert_eq(aero_report_add(&rep, a, b, 1000), 0);
	cr_assert_eq(aero_report_add(&rep, b, a, 1000), 0);
	cr_assert_eq(aero_report_add(&rep, c, a, 1000), 0);
	cr_assert_eq(aero_report_add(&rep, c, b, 1000), 0);
	cr_assert_eq(aero_report_forget(&rep, a), 3);
	cr_assert_eq(rep.n, 1);
	cr_assert_eq(aero_report_list(&rep, c, 0, out, 4), 1);
	cr_assert_arr_eq(out[0], b, 32);
	cr_assert_eq(aero_report_forget(&rep, a), 0);
}

Test(aero_report, expire)
{
	uint8_t a[32], b[32], c[32], out[4][32];
	key(a, 1);
	key(b, 2);
	key(c, 3);
	aero_report_init(&rep);
	cr_assert_eq(aero_report_add(&rep, a, b, 1000), 0);
	cr_assert_eq(aero_report_add(&rep, a, c, 3000), 0);
	cr_assert_eq(aero_report_expire(&rep, 999), 0);
	cr_assert_eq(aero_report_expire(&rep, 1000), 1);
	cr_assert_eq(rep.n, 1);
	cr_assert_eq(aero_report_list(&rep, a, 0, out, 4), 1);
	cr_assert_arr_eq(out[0], c, 32);
	cr_assert_eq(aero_report_expire(&rep, 10000), 1);
	cr_assert_eq(rep.n, 0);
}

Test(aero_report, full_evicts_soonest)
{
	uint8_t t[32], r[32], out[4][32];
	key(t, 0);
	aero_report_init(&rep);
	for (unsigned i = 0; i < AERO_REPORT_MAX; i++) {
		key(r, i + 1);
		/* entry i+1 expires at 10000 + i, except entry 100 that expires first */
		cr_assert_eq(aero_report_add(&rep, t, r, i == 99 ? 50 : 10000 + i), 0);
	}
	cr_assert_eq(rep.n, AERO_REPORT_MAX);
	cr_assert_eq(rep.evicted, 0);
	uint8_t nw[32];
	key(nw, 9999);
	cr_assert_eq(aero_report_add(&rep, nw, t, 20000), 0);
	cr_assert_eq(rep.n, AERO_REPORT_MAX);
	cr_assert_eq(rep.evicted, 1);
	cr_assert_eq(aero_report_list(&rep, nw, 0, out, 4), 1);
	cr_assert_arr_eq(out[0], t, 32);
	/* the entry with the soonest expiry (ROS 100) is the one that went */
	uint8_t all[AERO_REPORT_MAX][32];
	size_t k = aero_report_list(&rep, t, 0, all, AERO_REPORT_MAX);
	cr_assert_eq(k, AERO_REPORT_MAX - 1);
	key(r, 100);
	for (size_t i = 0; i < k; i++)
		cr_assert(memcmp(all[i], r, 32) != 0);
}
