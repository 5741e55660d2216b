// SPDX-License-Identifier: MIT
/*
 * test_replay.c - the RFC 6479 anti-replay window (common/replay.c): window
 * rounding, edges, duplicates, jumps, counter 0, reordering, the top of the
 * counter space, and a cross-check against a naive set model.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "replay.h"

Test(replay, init_rounding)
{
	struct replay r;

	replay_init(&r, 0);
	cr_assert_eq(r.window, REPLAY_WINDOW_MIN);
	replay_init(&r, 2049);
	cr_assert_eq(r.window, 2112);
	cr_assert_eq(r.nblocks, 2112 / 64 + 1);
	replay_init(&r, 1U << 20);
	cr_assert_eq(r.window, REPLAY_WINDOW_MAX);
	cr_assert_eq(r.nblocks, REPLAY_BLOCKS_MAX);
	replay_init(&r, 4096);
	cr_assert_eq(r.window, 4096);
}

Test(replay, counter_zero_and_duplicates)
{
	struct replay r;

	replay_init(&r, 2048);
	cr_assert(replay_check(&r, 0));
	cr_assert(replay_update(&r, 0));
	cr_assert_not(replay_check(&r, 0));
	cr_assert_not(replay_update(&r, 0));
	cr_assert(replay_update(&r, 1));
	cr_assert_not(replay_update(&r, 1));
	cr_assert_not(replay_update(&r, 0));
}

Test(replay, zero_after_higher_first)
{
	struct replay r;

	replay_init(&r, 2048);
	cr_assert(replay_update(&r, 5));
	cr_assert(replay_update(&r, 0), "0 was never seen");
	cr_assert_not(replay_update(&r, 0));
	cr_assert_not(replay_update(&r, 5));
}

Test(replay, check_does_not_change)
{
	struct replay r, copy;

	replay_init(&r, 2048);
	cr_assert(replay_update(&r, 100));
	memcpy(&copy, &r, sizeof(r));
	cr_assert(replay_check(&r, 5000));
	cr_assert(replay_check(&r, 99));
	cr_assert_not(replay_check(&r, 100));
	cr_assert_eq(memcmp(&copy, &r, sizeof(r)), 0);
}

Test(replay, window_edges)
{
	const uint32_t windows[] = {2048, 2112, 4096, 65536};

	for (size_t w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
		struct replay r;
		uint64_t top = 1000003;

		replay_init(&r, windows[w]);
		uint32_t W = r.window;
		cr_assert(replay_update(&r, top));
		cr_assert(replay_check(&r, top - (W - 1)), "W-1 behind must pass (W=%u)", W);
		cr_assert_not(replay_check(&r, top - W), "W behind must fail (W=%u)", W);
		cr_assert_not(replay_check(&r, top - W - 1));
		cr_assert_not(replay_update(&r, top - W));
		cr_assert(replay_update(&r, top - (W - 1)));
		cr_assert_not(replay_update(&r, top - (W - 1)));
		/* Moving top by one pushes the old edge out. */
		cr_assert(replay_update(&r, top + 1));
		cr_assert_not(replay_check(&r, top - (W - 1)));
		cr_assert(replay_check(&r, top - (W - 2)));
	}
}

Test(replay, out_of_order_within_window)
{
	struct replay r;

	replay_init(&r, 2048);
	for (uint64_t c = 0; c < 3000; c += 2)
		cr_assert(replay_update(&r, c));
	/* Top is 2998: odd counters more than 2047 behind are gone, the rest are new (2999 moves
	 * the top, after every other check). */
	for (uint64_t c = 1; c < 3000; c += 2)
		cr_assert_eq(replay_update(&r, c), c > 2998 || 2998 - c < 2048, "counter %lu",
			     (unsigned long)c);
	for (uint64_t c = 0; c < 3000; c++)
		cr_assert_not(replay_check(&r, c));
}

Test(replay, big_jumps)
{
	struct replay r;

	replay_init(&r, 2048);
	cr_assert(replay_update(&r, 10));
	cr_assert(replay_update(&r, 1ULL << 40));
	cr_assert_not(replay_check(&r, 10));
	cr_assert(replay_check(&r, (1ULL << 40) - 1));
	cr_assert(replay_check(&r, (1ULL << 40) - 2047));
	/* A jump of exactly the ring size, and of one block less. */
	uint64_t t = 1ULL << 40;
	cr_assert(replay_update(&r, t + 64 * r.nblocks));
	cr_assert(replay_check(&r, t + 64 * r.nblocks - 1));
	cr_assert(replay_update(&r, t + 64 * r.nblocks + 64 * (r.nblocks - 1)));
	cr_assert_not(replay_check(&r, t + 64 * r.nblocks));
}

Test(replay, near_uint64_max)
{
	struct replay r;

	replay_init(&r, 2048);
	cr_assert(replay_update(&r, UINT64_MAX - 5000));
	cr_assert(replay_update(&r, UINT64_MAX - 1));
	cr_assert(replay_update(&r, UINT64_MAX));
	cr_assert_not(replay_update(&r, UINT64_MAX));
	cr_assert_not(replay_update(&r, UINT64_MAX - 1));
	cr_assert(replay_update(&r, UINT64_MAX - 2047));
	cr_assert_not(replay_check(&r, UINT64_MAX - 2048));
	cr_assert_not(replay_check(&r, 0));
}

/* Deterministic pseudo-random cross-check against a naive model. */
static uint64_t rng = 88172645463325252ULL;
static uint64_t xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

Test(replay, model_check)
{
	static bool seen[1 << 18];
	struct replay r;
	uint64_t top = 0;
	bool any = false;

	memset(seen, 0, sizeof(seen));
	replay_init(&r, 2048);
	for (int i = 0; i < 200000; i++) {
		uint64_t c;
		uint64_t x = xorshift();
		if (x % 5 == 0)
			c = top + 1 + (x >> 8) % 3000; /* forward, sometimes past the ring */
		else
			c = top > 2500 ? top - (x >> 8) % 2500 : (x >> 8) % 2500;
		if (c >= (1 << 18))
			break;
		bool expect = !seen[c] && (!any || c > top || top - c < 2048);
		cr_assert_eq(replay_check(&r, c), expect, "step %d counter %lu", i,
			     (unsigned long)c);
		cr_assert_eq(replay_update(&r, c), expect);
		if (expect) {
			seen[c] = true;
			if (!any || c > top)
				top = c;
			any = true;
		}
	}
}
