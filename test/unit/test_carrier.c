// SPDX-License-Identifier: MIT
/*
 * test_carrier.c - secured carrier codec (common/wire_carrier.c): the vector
 * 09 known answer both ways, header parsing, every single-bit flip, and
 * truncation at every length.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "wire_carrier.h"

static size_t load_hex(const char *name, uint8_t *out, size_t cap)
{
	char path[512], c[2];
	size_t n = 0;
	int hi = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/omni/%s", VECTORS_DIR, name);
	f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s", path);
	while (fread(c, 1, 1, f) == 1) {
		int v;
		if (c[0] >= '0' && c[0] <= '9')
			v = c[0] - '0';
		else if (c[0] >= 'a' && c[0] <= 'f')
			v = c[0] - 'a' + 10;
		else if (c[0] >= 'A' && c[0] <= 'F')
			v = c[0] - 'A' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			cr_assert_lt(n, cap);
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	fclose(f);
	cr_assert_eq(hi, -1, "odd number of hex digits in %s", name);
	return n;
}

static uint8_t key42[32];
static uint8_t plain[4096], wire[4096];
static size_t plain_len, wire_len;

static void setup(void)
{
	cr_assert_geq(sodium_init(), 0);
	memset(key42, 0x42, sizeof(key42));
	plain_len = load_hex("07a-oal-atomic.hex", plain, sizeof(plain));
	wire_len = load_hex("09-secured-carrier.hex", wire, sizeof(wire));
	cr_assert_eq(plain_len, 170);
	cr_assert_eq(wire_len, 202);
}

TestSuite(carrier, .init = setup);

Test(carrier, nonce_layout)
{
	uint8_t n[CARRIER_NONCE_LEN];
	const uint8_t want[] = {0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0};
	const uint8_t want2[] = {0, 0, 0, 0, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01};

	carrier_nonce(n, 7);
	cr_assert_arr_eq(n, want, sizeof(want));
	carrier_nonce(n, 0x0102030405060708ULL);
	cr_assert_arr_eq(n, want2, sizeof(want2));
}

Test(carrier, seal_known_answer)
{
	uint8_t buf[4096];

	memset(buf, 0xee, sizeof(buf));
	memcpy(buf + CARRIER_HDR_LEN, plain, plain_len);
	size_t n = carrier_seal(key42, 16909060, 7, buf, plain_len);
	cr_assert_eq(n, wire_len);
	cr_assert_eq(n, plain_len + CARRIER_OVERHEAD);
	cr_assert_arr_eq(buf, wire, wire_len);
	cr_assert_eq(buf[wire_len], 0xee, "wrote past the tag");
}

Test(carrier, open_known_answer)
{
	uint8_t buf[4096];
	uint32_t idx;
	uint64_t ctr;

	memcpy(buf, wire, wire_len);
	cr_assert_eq(carrier_parse_hdr(buf, wire_len, &idx, &ctr), 0);
	cr_assert_eq(idx, 16909060);
	cr_assert_eq(idx, 0x01020304);
	cr_assert_eq(ctr, 7);
	cr_assert_eq(carrier_open(key42, ctr, buf, wire_len), 0);
	cr_assert_arr_eq(buf + CARRIER_HDR_LEN, plain, plain_len);
}

Test(carrier, keepalive_round_trip)
{
	uint8_t buf[CARRIER_OVERHEAD];
	uint32_t idx;
	uint64_t ctr;

	cr_assert_eq(carrier_seal(key42, 0xdeadbeef, UINT64_MAX - 1, buf, 0), CARRIER_OVERHEAD);
	cr_assert_eq(carrier_parse_hdr(buf, sizeof(buf), &idx, &ctr), 0);
	cr_assert_eq(idx, 0xdeadbeef);
	cr_assert_eq(ctr, UINT64_MAX - 1);
	cr_assert_eq(carrier_open(key42, ctr, buf, sizeof(buf)), 0);
}

Test(carrier, wrong_key_or_counter)
{
	uint8_t buf[4096], k2[32];

	memcpy(buf, wire, wire_len);
	cr_assert_eq(carrier_open(key42, 8, buf, wire_len), -EBADMSG);
	memcpy(buf, wire, wire_len);
	memset(k2, 0x42, sizeof(k2));
	k2[31] ^= 1;
	cr_assert_eq(carrier_open(k2, 7, buf, wire_len), -EBADMSG);
}

Test(carrier, parse_hdr_errors)
{
	uint8_t buf[4096];
	uint32_t idx = 1;
	uint64_t ctr = 1;

	memcpy(buf, wire, wire_len);
	buf[0] = CARRIER_TYPE_INIT;
	cr_assert_eq(carrier_parse_hdr(buf, wire_len, &idx, &ctr), -EBADMSG);
	cr_assert_eq(idx, 0);
	cr_assert_eq(ctr, 0);
	for (int i = 1; i < 4; i++) {
		memcpy(buf, wire, wire_len);
		buf[i] = 0x01;
		cr_assert_eq(carrier_parse_hdr(buf, wire_len, &idx, &ctr), -EBADMSG);
	}
	/* Exactly the overhead parses (a keepalive); one less does not. */
	cr_assert_eq(carrier_parse_hdr(wire, CARRIER_OVERHEAD, &idx, &ctr), 0);
	cr_assert_eq(carrier_parse_hdr(wire, CARRIER_OVERHEAD - 1, &idx, &ctr), -EBADMSG);
}

Test(carrier, every_bit_flip_fails)
{
	uint8_t buf[4096];
	uint32_t idx;
	uint64_t ctr;

	/* The ciphertext and the tag are authenticated, the counter through the nonce; the type,
	 * the reserved octets and the index are checked by the parser or select the key. */
	for (size_t i = 0; i < wire_len; i++) {
		for (int b = 0; b < 8; b++) {
			memcpy(buf, wire, wire_len);
			buf[i] ^= (uint8_t)(1U << b);
			int rc = carrier_parse_hdr(buf, wire_len, &idx, &ctr);
			if (i < 4) {
				cr_assert_eq(rc, -EBADMSG, "flip %zu/%d parsed", i, b);
				continue;
			}
			cr_assert_eq(rc, 0);
			if (i < 8) {
				cr_assert_neq(idx, 16909060);
				continue;
			}
			cr_assert_eq(carrier_open(key42, ctr, buf, wire_len), -EBADMSG,
				     "flip %zu/%d opened", i, b);
		}
	}
}

Test(carrier, truncation_every_length)
{
	uint8_t buf[4096];
	uint32_t idx;
	uint64_t ctr;

	for (size_t n = 0; n < wire_len; n++) {
		memcpy(buf, wire, n);
		int rc = carrier_parse_hdr(buf, n, &idx, &ctr);
		if (n < CARRIER_OVERHEAD) {
			cr_assert_eq(rc, -EBADMSG, "len %zu parsed", n);
			cr_assert_eq(carrier_open(key42, 7, buf, n), -EBADMSG);
			continue;
		}
		cr_assert_eq(rc, 0);
		cr_assert_eq(carrier_open(key42, ctr, buf, n), -EBADMSG, "len %zu opened", n);
	}
	/* Extra octets also fail (the tag moves). */
	memcpy(buf, wire, wire_len);
	buf[wire_len] = 0;
	cr_assert_eq(carrier_open(key42, 7, buf, wire_len + 1), -EBADMSG);
}

Test(carrier, round_trip_sizes)
{
	uint8_t buf[2048], ref[2048];

	for (size_t n = 0; n < 1500; n += 37) {
		for (size_t i = 0; i < n; i++)
			ref[i] = (uint8_t)(i * 7 + n);
		memcpy(buf + CARRIER_HDR_LEN, ref, n);
		cr_assert_eq(carrier_seal(key42, (uint32_t)n, n * 3, buf, n), n + CARRIER_OVERHEAD);
		cr_assert_eq(carrier_open(key42, n * 3, buf, n + CARRIER_OVERHEAD), 0);
		cr_assert_arr_eq(buf + CARRIER_HDR_LEN, ref, n);
	}
}
