/* SPDX-License-Identifier: MIT */
/*
 * replay.h - the sliding anti-replay window for secured carrier counters
 * (spec §5.13 item 4), laid out as RFC 6479 §2 describes: a ring of 64-bit
 * blocks, advanced by zeroing whole blocks, so sliding is O(blocks moved) and
 * a lookup is O(1) with no division. Owns nothing but the embedded bitmap; it
 * never sees keys. Callers check, verify the tag, and only then update.
 *
 * Window semantics: with window W (after rounding), counter c is accepted when
 * it is greater than every counter seen so far, or when top - c < W and c was
 * not seen before (top = the greatest counter accepted). Counter 0 is a normal
 * counter. W is clamped to [REPLAY_WINDOW_MIN, REPLAY_WINDOW_MAX] and rounded
 * up to a multiple of 64; the ring has W / 64 + 1 blocks (the extra block is
 * the RFC's "redundant" block that absorbs the partly filled top block).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include "omni_wire.h"

#define REPLAY_BLOCK_BITS 64
#define REPLAY_BLOCKS_MAX (REPLAY_WINDOW_MAX / REPLAY_BLOCK_BITS + 1)

struct replay {
	uint64_t top;	  /* greatest counter accepted (0 before any) */
	uint32_t window;  /* W after clamping and rounding */
	uint32_t nblocks; /* W / 64 + 1 ring blocks in use */
	uint32_t pos;	  /* ring slot of the block that holds top */
	uint64_t bitmap[REPLAY_BLOCKS_MAX];
};

/**
 * Reset @r to "nothing seen" with a window of @window counters, clamped to
 * REPLAY_WINDOW_MIN..REPLAY_WINDOW_MAX and rounded up to a multiple of 64.
 * @r is embedded storage owned by the caller.
 */
void replay_init(struct replay *r, uint32_t window);

/** True when replay_update(@r, @counter) would accept. Changes nothing. */
bool replay_check(const struct replay *r, uint64_t counter);

/**
 * Accept @counter and record it: returns true when it is new and inside the
 * window (or ahead of it), false for a duplicate or a counter too far behind
 * (the window is then unchanged). Call only after the packet's tag verified.
 */
bool replay_update(struct replay *r, uint64_t counter);
