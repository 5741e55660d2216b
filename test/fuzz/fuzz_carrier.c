// SPDX-License-Identifier: MIT
/*
 * fuzz_carrier.c - libFuzzer target for the secured carrier codec and the
 * replay window: parse + open arbitrary datagrams under a fixed key (with the
 * check -> open -> update order of the daemon), a seal/open round trip of the
 * input as plaintext, and the input read as a counter sequence through the
 * replay window with its invariants asserted.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "cursor.h"
#include "replay.h"
#include "wire_carrier.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PLAIN 2048

static void check(bool ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t key[CARRIER_KEY_LEN];
	static bool ready;
	static struct replay r;
	uint8_t buf[MAX_PLAIN + CARRIER_OVERHEAD + 1];
	uint32_t idx;
	uint64_t ctr;

	if (!ready) {
		if (sodium_init() < 0)
			abort();
		memset(key, 0x42, sizeof(key));
		ready = true;
	}
	size_t n = size < sizeof(buf) ? size : sizeof(buf);

	/* 1. The datagram as received. */
	replay_init(&r, size ? data[0] * 256U : 0);
	memcpy(buf, data, n);
	if (carrier_parse_hdr(buf, n, &idx, &ctr) == 0) {
		check(n >= CARRIER_OVERHEAD && buf[0] == CARRIER_TYPE_DATA);
		check(idx == get_be32(data + 4) && ctr == get_be64(data + 8));
		if (replay_check(&r, ctr) && carrier_open(key, ctr, buf, n) == 0)
			check(replay_update(&r, ctr));
	} else {
		check(idx == 0 && ctr == 0);
		if (n < CARRIER_OVERHEAD)
			check(carrier_open(key, 0, buf, n) == -EBADMSG);
	}

	/* 2. Round trip with the input as plaintext, then one flipped bit must fail. */
	size_t plen = size < MAX_PLAIN ? size : MAX_PLAIN;
	uint64_t c = size >= 8 ? get_be64(data) : size;
	memcpy(buf + CARRIER_HDR_LEN, data, plen);
	size_t len = carrier_seal(key, (uint32_t)c, c, buf, plen);
	check(len == plen + CARRIER_OVERHEAD);
	check(carrier_parse_hdr(buf, len, &idx, &ctr) == 0 && idx == (uint32_t)c && ctr == c);
	uint8_t copy[sizeof(buf)];
	memcpy(copy, buf, len);
	check(carrier_open(key, c, buf, len) == 0);
	check(memcmp(buf + CARRIER_HDR_LEN, data, plen) == 0);
	size_t flip = (size_t)(c % (len - CARRIER_HDR_LEN)) + CARRIER_HDR_LEN;
	copy[flip] ^= (uint8_t)(1U << (c % 8));
	check(carrier_open(key, c, copy, len) == -EBADMSG);

	/* 3. Counter sequence: 4-octet steps, forward or backward from the top. */
	replay_init(&r, 2048 + (size ? data[size - 1] : 0) * 64U);
	uint64_t top = 0;
	bool any = false;
	for (size_t i = 0; i + 4 <= size; i += 4) {
		uint32_t v = get_be32(data + i);
		uint64_t cn = (v & 0x80000000U) ? top - (v & 0xffffU) : top + (v & 0x7fffffffU);
		if ((v & 0x40000000U) && !(v & 0x80000000U))
			cn = UINT64_MAX - (v & 0xffffU);
		bool would = replay_check(&r, cn);
		check(replay_update(&r, cn) == would);
		check(!replay_check(&r, cn));
		if (any && cn < top && top - cn >= r.window)
			check(!would);
		if (any && cn > top)
			check(would);
		if (would && (!any || cn > top))
			top = cn;
		any |= would;
	}
	return 0;
}
