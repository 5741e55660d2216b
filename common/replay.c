// SPDX-License-Identifier: MIT
/*
 * replay.c - RFC 6479 bitmap-of-blocks anti-replay window. Pure and
 * allocation-free; it runs once per received data packet, so the lookup is a
 * handful of compares and one bit test, and sliding zeroes only the blocks
 * the window moves over (all of them at most once).
 */
#include "replay.h"

#include <string.h>

void replay_init(struct replay *r, uint32_t window)
{
	if (window < REPLAY_WINDOW_MIN)
		window = REPLAY_WINDOW_MIN;
	if (window > REPLAY_WINDOW_MAX)
		window = REPLAY_WINDOW_MAX;
	window = (window + REPLAY_BLOCK_BITS - 1) & ~(uint32_t)(REPLAY_BLOCK_BITS - 1);
	memset(r, 0, sizeof(*r));
	r->window = window;
	r->nblocks = window / REPLAY_BLOCK_BITS + 1;
}

/* Ring slot of the block @back blocks behind the top block (back < nblocks). */
static uint32_t slot_behind(const struct replay *r, uint64_t back)
{
	uint32_t b = (uint32_t)back;
	return r->pos >= b ? r->pos - b : r->pos + r->nblocks - b;
}

bool replay_check(const struct replay *r, uint64_t counter)
{
	if (counter > r->top)
		return true;
	if (r->top - counter >= r->window)
		return false;
	/* top - counter < W, so the block distance is at most W / 64 < nblocks. */
	uint64_t back = (r->top / REPLAY_BLOCK_BITS) - (counter / REPLAY_BLOCK_BITS);
	uint64_t bit = 1ULL << (counter % REPLAY_BLOCK_BITS);
	return !(r->bitmap[slot_behind(r, back)] & bit);
}

bool replay_update(struct replay *r, uint64_t counter)
{
	if (!replay_check(r, counter))
		return false;
	if (counter > r->top) {
		uint64_t ahead = (counter / REPLAY_BLOCK_BITS) - (r->top / REPLAY_BLOCK_BITS);
		if (ahead >= r->nblocks) {
			/* RFC 6479 §2: a jump past the whole ring clears every block. */
			memset(r->bitmap, 0, sizeof(r->bitmap[0]) * r->nblocks);
			r->pos = 0;
		} else {
			for (uint64_t i = 0; i < ahead; i++) {
				if (++r->pos == r->nblocks)
					r->pos = 0;
				r->bitmap[r->pos] = 0;
			}
		}
		r->top = counter;
	}
	uint64_t back = (r->top / REPLAY_BLOCK_BITS) - (counter / REPLAY_BLOCK_BITS);
	r->bitmap[slot_behind(r, back)] |= 1ULL << (counter % REPLAY_BLOCK_BITS);
	return true;
}
