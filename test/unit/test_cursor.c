// SPDX-License-Identifier: MIT
/*
 * test_cursor.c - cursor.[ch]: every reader and writer against known bytes
 * (both byte orders), the sticky error flag (once bad, every later read
 * yields zero/false even when bytes remain), cur_sub bounds, zero-length
 * operations, cursors over no memory at all, writers that refuse to write
 * past the end (and write nothing), and the unchecked get_/put_ helpers.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "cursor.h"

static const uint8_t seq[16] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
				 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10 };

Test(cursor, make)
{
	struct cur c = cur_make(seq, sizeof(seq));
	uint8_t buf[4];
	struct wcur w = wcur_make(buf, sizeof(buf));

	cr_assert_eq(c.p, seq);
	cr_assert_eq(c.left, 16);
	cr_assert_not(c.bad);
	cr_assert_eq(w.p, buf);
	cr_assert_eq(w.left, 4);
	cr_assert_not(w.bad);
}

Test(cursor, readers_big_endian)
{
	struct cur c = cur_make(seq, sizeof(seq));
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	cr_assert(cur_u8(&c, &u8));
	cr_assert_eq(u8, 0x01);
	cr_assert_eq(c.left, 15);
	cr_assert(cur_be16(&c, &u16));
	cr_assert_eq(u16, 0x0203);
	cr_assert_eq(c.left, 13);
	cr_assert(cur_be32(&c, &u32));
	cr_assert_eq(u32, 0x04050607);
	cr_assert_eq(c.left, 9);
	cr_assert(cur_be64(&c, &u64));
	cr_assert_eq(u64, 0x08090a0b0c0d0e0fULL);
	cr_assert_eq(c.left, 1);
	cr_assert_eq(c.p, seq + 15);
	cr_assert_not(c.bad);
}

Test(cursor, readers_little_endian)
{
	struct cur c = cur_make(seq, sizeof(seq));
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	cr_assert(cur_le16(&c, &u16));
	cr_assert_eq(u16, 0x0201);
	cr_assert(cur_le32(&c, &u32));
	cr_assert_eq(u32, 0x06050403);
	cr_assert(cur_le64(&c, &u64));
	cr_assert_eq(u64, 0x0e0d0c0b0a090807ULL);
	cr_assert_eq(c.left, 2);
	cr_assert_not(c.bad);
}

/* High bits set: no sign extension anywhere. */
Test(cursor, readers_high_bits)
{
	static const uint8_t ff[8] = { 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9, 0x80 };
	struct cur c;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	c = cur_make(ff, 8);
	cr_assert(cur_u8(&c, &u8));
	cr_assert_eq(u8, 0xff);
	c = cur_make(ff, 8);
	cr_assert(cur_be16(&c, &u16));
	cr_assert_eq(u16, 0xfffe);
	c = cur_make(ff, 8);
	cr_assert(cur_le16(&c, &u16));
	cr_assert_eq(u16, 0xfeff);
	c = cur_make(ff, 8);
	cr_assert(cur_be32(&c, &u32));
	cr_assert_eq(u32, 0xfffefdfcU);
	c = cur_make(ff, 8);
	cr_assert(cur_le32(&c, &u32));
	cr_assert_eq(u32, 0xfcfdfeffU);
	c = cur_make(ff, 8);
	cr_assert(cur_be64(&c, &u64));
	cr_assert_eq(u64, 0xfffefdfcfbfaf980ULL);
	c = cur_make(ff, 8);
	cr_assert(cur_le64(&c, &u64));
	cr_assert_eq(u64, 0x80f9fafbfcfdfeffULL);
}

/* Unaligned reads: every accessor at every odd offset gives the shifted value. */
Test(cursor, readers_unaligned)
{
	for (size_t off = 0; off < 8; off++) {
		struct cur c = cur_make(seq + off, sizeof(seq) - off);
		uint64_t u64;
		uint32_t u32;
		uint16_t u16;

		cr_assert(cur_be64(&c, &u64));
		cr_assert_eq(u64, get_be64(seq + off));
		c = cur_make(seq + off, sizeof(seq) - off);
		cr_assert(cur_le32(&c, &u32));
		uint32_t want = (uint32_t)seq[off] | (uint32_t)seq[off + 1] << 8 |
				(uint32_t)seq[off + 2] << 16 | (uint32_t)seq[off + 3] << 24;
		cr_assert_eq(u32, want);
		c = cur_make(seq + off, sizeof(seq) - off);
		cr_assert(cur_be16(&c, &u16));
		cr_assert_eq(u16, (uint16_t)(seq[off] << 8 | seq[off + 1]));
	}
}

/* Each reader on a buffer one octet too short: false, *out = 0, bad, nothing consumed. */
Test(cursor, readers_short)
{
	uint8_t u8 = 0xaa;
	uint16_t u16 = 0xaaaa;
	uint32_t u32 = 0xaaaaaaaa;
	uint64_t u64 = 0xaaaaaaaaaaaaaaaaULL;
	struct cur c;

	c = cur_make(seq, 0);
	cr_assert_not(cur_u8(&c, &u8));
	cr_assert_eq(u8, 0);
	cr_assert(c.bad);
	cr_assert_eq(c.left, 0);

	c = cur_make(seq, 1);
	cr_assert_not(cur_be16(&c, &u16));
	cr_assert_eq(u16, 0);
	cr_assert(c.bad);
	cr_assert_eq(c.left, 1);
	cr_assert_eq(c.p, seq);

	u16 = 0xaaaa;
	c = cur_make(seq, 1);
	cr_assert_not(cur_le16(&c, &u16));
	cr_assert_eq(u16, 0);
	cr_assert(c.bad);

	c = cur_make(seq, 3);
	cr_assert_not(cur_be32(&c, &u32));
	cr_assert_eq(u32, 0);
	cr_assert(c.bad);
	cr_assert_eq(c.left, 3);

	u32 = 0xaaaaaaaa;
	c = cur_make(seq, 3);
	cr_assert_not(cur_le32(&c, &u32));
	cr_assert_eq(u32, 0);
	cr_assert(c.bad);

	c = cur_make(seq, 7);
	cr_assert_not(cur_be64(&c, &u64));
	cr_assert_eq(u64, 0);
	cr_assert(c.bad);
	cr_assert_eq(c.left, 7);

	u64 = 0xaaaaaaaaaaaaaaaaULL;
	c = cur_make(seq, 7);
	cr_assert_not(cur_le64(&c, &u64));
	cr_assert_eq(u64, 0);
	cr_assert(c.bad);
}

/* Exactly enough: every reader succeeds and leaves the cursor empty but good. */
Test(cursor, readers_exact)
{
	struct cur c;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	c = cur_make(seq, 1);
	cr_assert(cur_u8(&c, &u8));
	cr_assert(c.left == 0 && !c.bad);
	c = cur_make(seq, 2);
	cr_assert(cur_be16(&c, &u16));
	cr_assert(c.left == 0 && !c.bad);
	c = cur_make(seq, 2);
	cr_assert(cur_le16(&c, &u16));
	cr_assert(c.left == 0 && !c.bad);
	c = cur_make(seq, 4);
	cr_assert(cur_be32(&c, &u32));
	cr_assert(c.left == 0 && !c.bad);
	c = cur_make(seq, 4);
	cr_assert(cur_le32(&c, &u32));
	cr_assert(c.left == 0 && !c.bad);
	c = cur_make(seq, 8);
	cr_assert(cur_be64(&c, &u64));
	cr_assert(c.left == 0 && !c.bad);
	c = cur_make(seq, 8);
	cr_assert(cur_le64(&c, &u64));
	cr_assert(c.left == 0 && !c.bad);
}

/* Once bad, every reader fails and yields zero although 14 octets remain. */
Test(cursor, sticky_error)
{
	struct cur c = cur_make(seq, sizeof(seq));
	uint8_t u8 = 1, copy[2] = { 1, 1 };
	uint16_t u16 = 1;
	uint32_t u32 = 1;
	uint64_t u64 = 1;

	cr_assert(cur_be16(&c, &u16));
	cr_assert_not(cur_skip(&c, 100));
	cr_assert(c.bad);
	cr_assert_eq(c.left, 14, "a failed read must not consume");

	cr_assert_not(cur_u8(&c, &u8));
	cr_assert_eq(u8, 0);
	cr_assert_not(cur_be16(&c, &u16));
	cr_assert_eq(u16, 0);
	cr_assert_not(cur_le16(&c, &u16));
	cr_assert_not(cur_be32(&c, &u32));
	cr_assert_eq(u32, 0);
	u32 = 1;
	cr_assert_not(cur_le32(&c, &u32));
	cr_assert_eq(u32, 0);
	cr_assert_not(cur_be64(&c, &u64));
	cr_assert_eq(u64, 0);
	u64 = 1;
	cr_assert_not(cur_le64(&c, &u64));
	cr_assert_eq(u64, 0);
	cr_assert_not(cur_copy(&c, copy, 2));
	cr_assert_eq(copy[0], 0);
	cr_assert_eq(copy[1], 0);
	cr_assert_null(cur_bytes(&c, 1));
	cr_assert_null(cur_bytes(&c, 0));
	cr_assert_not(cur_skip(&c, 0));
	cr_assert_not(cur_skip(&c, 1));
	u8 = 1;
	cr_assert_not(cur_peek_u8(&c, &u8));
	cr_assert_eq(u8, 0);
	struct cur s = cur_sub(&c, 1);
	cr_assert(s.bad);
	cr_assert_eq(s.left, 0);
	cr_assert_not(cur_u8(&s, &u8));

	cr_assert(c.bad);
	cr_assert_eq(c.left, 14);
	cr_assert_eq(c.p, seq + 2);
}

/* A whole header read straight through, checked once at the end. */
Test(cursor, read_through_then_check)
{
	for (size_t n = 0; n <= 15; n++) {
		struct cur c = cur_make(seq, n);
		uint8_t a;
		uint16_t b;
		uint32_t d;
		uint64_t e;

		cur_u8(&c, &a);
		cur_be16(&c, &b);
		cur_be32(&c, &d);
		cur_be64(&c, &e);
		if (n < 15) {
			cr_assert(c.bad, "n=%zu", n);
			cr_assert_eq(e, 0, "n=%zu", n);
		} else {
			cr_assert_not(c.bad);
			cr_assert_eq(a, 0x01);
			cr_assert_eq(b, 0x0203);
			cr_assert_eq(d, 0x04050607);
			cr_assert_eq(e, 0x08090a0b0c0d0e0fULL);
			cr_assert_eq(c.left, 0);
		}
	}
}

Test(cursor, copy_bytes_skip_peek)
{
	struct cur c = cur_make(seq, sizeof(seq));
	uint8_t out[4] = { 0 }, u8;
	const uint8_t *p;

	cr_assert(cur_peek_u8(&c, &u8));
	cr_assert_eq(u8, 0x01);
	cr_assert_eq(c.left, 16, "peek consumes nothing");
	cr_assert(cur_copy(&c, out, 3));
	cr_assert_arr_eq(out, seq, 3);
	cr_assert_eq(out[3], 0);
	cr_assert_eq(c.left, 13);
	p = cur_bytes(&c, 4);
	cr_assert_eq(p, seq + 3, "cur_bytes points into the buffer, no copy");
	cr_assert_eq(c.left, 9);
	cr_assert(cur_skip(&c, 8));
	cr_assert_eq(c.left, 1);
	cr_assert(cur_peek_u8(&c, &u8));
	cr_assert_eq(u8, 0x10);
	cr_assert(cur_skip(&c, 1));
	cr_assert_not(cur_peek_u8(&c, &u8), "peek at the end");
	cr_assert_eq(u8, 0);
	cr_assert_not(c.bad, "a failed peek does not poison the cursor");
}

Test(cursor, copy_short_zeroes_output)
{
	struct cur c = cur_make(seq, 5);
	uint8_t out[6];

	memset(out, 0x55, sizeof(out));
	cr_assert_not(cur_copy(&c, out, 6));
	for (size_t i = 0; i < 6; i++)
		cr_assert_eq(out[i], 0);
	cr_assert(c.bad);
	cr_assert_eq(c.left, 5);
}

Test(cursor, bytes_short)
{
	struct cur c = cur_make(seq, 5);

	cr_assert_null(cur_bytes(&c, 6));
	cr_assert(c.bad);
	cr_assert_eq(c.left, 5);
	c = cur_make(seq, 5);
	cr_assert_null(cur_bytes(&c, SIZE_MAX), "no wrap-around on huge lengths");
	cr_assert(c.bad);
	c = cur_make(seq, 5);
	cr_assert_not(cur_skip(&c, SIZE_MAX));
	cr_assert(c.bad);
	c = cur_make(seq, 5);
	struct cur s = cur_sub(&c, SIZE_MAX);
	cr_assert(s.bad && c.bad);
}

/* Zero-length operations on a live cursor succeed and change nothing. */
Test(cursor, zero_length)
{
	struct cur c = cur_make(seq, sizeof(seq));
	uint8_t out[1] = { 0x77 };

	cr_assert_eq(cur_bytes(&c, 0), seq);
	cr_assert(cur_skip(&c, 0));
	cr_assert(cur_copy(&c, out, 0));
	cr_assert_eq(out[0], 0x77, "a zero-length copy writes nothing");
	struct cur s = cur_sub(&c, 0);
	cr_assert_not(s.bad);
	cr_assert_eq(s.left, 0);
	cr_assert_eq(c.left, 16);
	cr_assert_eq(c.p, seq);
	cr_assert_not(c.bad);

	/* ... and also at the very end of the buffer. */
	cr_assert(cur_skip(&c, 16));
	cr_assert_not_null(cur_bytes(&c, 0));
	cr_assert(cur_skip(&c, 0));
	cr_assert(cur_copy(&c, out, 0));
	s = cur_sub(&c, 0);
	cr_assert_not(s.bad);
	cr_assert_not(c.bad);
	cr_assert_eq(c.left, 0);
}

/* A cursor over no memory: every non-empty read fails cleanly, nothing is dereferenced. */
Test(cursor, null_buffer)
{
	struct cur c = cur_make(NULL, 0);
	uint8_t u8 = 9, out[2] = { 9, 9 };
	uint16_t u16 = 9;
	uint32_t u32 = 9;
	uint64_t u64 = 9;

	cr_assert_not(cur_peek_u8(&c, &u8));
	cr_assert_eq(u8, 0);
	cr_assert_not(c.bad);
	cr_assert_not(cur_be64(&c, &u64));
	cr_assert_eq(u64, 0);
	cr_assert(c.bad);

	c = cur_make(NULL, 0);
	cr_assert_not(cur_u8(&c, &u8));
	c = cur_make(NULL, 0);
	cr_assert_not(cur_be16(&c, &u16));
	c = cur_make(NULL, 0);
	cr_assert_not(cur_le32(&c, &u32));
	c = cur_make(NULL, 0);
	cr_assert_not(cur_copy(&c, out, 2));
	cr_assert_eq(out[0], 0);
	c = cur_make(NULL, 0);
	cr_assert_null(cur_bytes(&c, 1));
	c = cur_make(NULL, 0);
	struct cur s = cur_sub(&c, 1);
	cr_assert(s.bad && c.bad);
	cr_assert_null(s.p);

	struct wcur w = wcur_make(NULL, 0);
	cr_assert_not(wcur_u8(&w, 1));
	cr_assert(w.bad);
	w = wcur_make(NULL, 0);
	cr_assert_null(wcur_reserve(&w, 1));
	cr_assert(w.bad);
}

/*
 * Zero-length operations on a cursor over no memory should succeed like on any
 * other empty cursor. They do not: cursor.c uses a NULL pointer from take() /
 * wcur_reserve() as the failure signal, and a zero-length take at p == NULL
 * returns NULL, so cur_skip/cur_copy/wcur_bytes/wcur_zero report failure without
 * setting ->bad and cur_sub returns a bad child of a good parent. Reported,
 * not fixed (more than a one-line change); enable once fixed.
 */
Test(cursor, null_buffer_zero_length)
{
	struct cur c = cur_make(NULL, 0);
	struct wcur w = wcur_make(NULL, 0);
	uint8_t out[1];

	cr_assert(cur_skip(&c, 0));
	cr_assert(cur_copy(&c, out, 0));
	struct cur s = cur_sub(&c, 0);
	cr_assert_not(s.bad);
	cr_assert_not(c.bad);
	cr_assert(wcur_bytes(&w, out, 0));
	cr_assert(wcur_zero(&w, 0));
	cr_assert_not(w.bad);
}

Test(cursor, sub_bounds)
{
	struct cur c = cur_make(seq, sizeof(seq));
	uint8_t u8;
	uint32_t u32;

	cr_assert(cur_u8(&c, &u8));
	struct cur s = cur_sub(&c, 5);
	cr_assert_not(s.bad);
	cr_assert_eq(s.p, seq + 1);
	cr_assert_eq(s.left, 5);
	cr_assert_eq(c.p, seq + 6, "parent advanced by n");
	cr_assert_eq(c.left, 10);

	/* The child reads its own 5 octets and no more. */
	cr_assert(cur_be32(&s, &u32));
	cr_assert_eq(u32, 0x02030405);
	cr_assert_not(cur_be16(&s, (uint16_t[]){ 0 }), "child cannot read past its n");
	cr_assert(s.bad);
	cr_assert_eq(s.left, 1);

	/* A bad child does not poison the parent. */
	cr_assert_not(c.bad);
	cr_assert(cur_u8(&c, &u8));
	cr_assert_eq(u8, 0x07);

	/* Nested subs. */
	struct cur s1 = cur_sub(&c, 6);
	struct cur s2 = cur_sub(&s1, 4);
	cr_assert_eq(s1.left, 2);
	cr_assert(cur_be32(&s2, &u32));
	cr_assert_eq(u32, 0x08090a0b);
	cr_assert_eq(s2.left, 0);
	cr_assert_not(cur_u8(&s2, &u8));
	cr_assert_not(s1.bad);
	cr_assert(cur_u8(&s1, &u8));
	cr_assert_eq(u8, 0x0c);
}

Test(cursor, sub_short_marks_both_bad)
{
	struct cur c = cur_make(seq, 4);
	uint8_t u8;

	struct cur s = cur_sub(&c, 5);
	cr_assert(s.bad);
	cr_assert(c.bad);
	cr_assert_eq(s.left, 0);
	cr_assert_eq(c.left, 4, "nothing consumed");
	cr_assert_not(cur_u8(&s, &u8));
	cr_assert_not(cur_u8(&c, &u8));

	/* Exactly the rest is fine. */
	c = cur_make(seq, 4);
	s = cur_sub(&c, 4);
	cr_assert_not(s.bad);
	cr_assert_not(c.bad);
	cr_assert_eq(c.left, 0);
	cr_assert_eq(s.left, 4);
}

Test(cursor, writers_known_bytes)
{
	static const uint8_t want[] = { 0xab, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02,
					0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x08, 0x07, 0x06,
					0x05, 0x04, 0x03, 0x02, 0x01, 'x',  'y',  0x00, 0x00,
					0x00, 0xcc };
	uint8_t buf[sizeof(want) + 4];
	struct wcur w = wcur_make(buf, sizeof(buf));

	memset(buf, 0xee, sizeof(buf));
	cr_assert(wcur_u8(&w, 0xab));
	cr_assert(wcur_be16(&w, 0x1234));
	cr_assert(wcur_be32(&w, 0xdeadbeef));
	cr_assert(wcur_be64(&w, 0x0102030405060708ULL));
	cr_assert(wcur_le64(&w, 0x0102030405060708ULL));
	cr_assert(wcur_bytes(&w, "xy", 2));
	cr_assert(wcur_zero(&w, 3));
	uint8_t *r = wcur_reserve(&w, 1);
	cr_assert_eq(r, buf + sizeof(want) - 1);
	*r = 0xcc;
	cr_assert_not(w.bad);
	cr_assert_eq(w.left, 4);
	cr_assert_eq(w.p, buf + sizeof(want));
	cr_assert_arr_eq(buf, want, sizeof(want));
	for (size_t i = sizeof(want); i < sizeof(buf); i++)
		cr_assert_eq(buf[i], 0xee, "wrote past the cursor at %zu", i);
}

/* Writer round trip through the reader. */
Test(cursor, writer_reader_round_trip)
{
	uint8_t buf[32];
	struct wcur w = wcur_make(buf, sizeof(buf));
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	cr_assert(wcur_u8(&w, 0x9c));
	cr_assert(wcur_be16(&w, 0xfedc));
	cr_assert(wcur_be32(&w, 0x89abcdefU));
	cr_assert(wcur_be64(&w, 0xf0e1d2c3b4a59687ULL));
	cr_assert(wcur_le64(&w, 0x8796a5b4c3d2e1f0ULL));
	size_t used = sizeof(buf) - w.left;
	cr_assert_eq(used, 23);

	struct cur c = cur_make(buf, used);
	cr_assert(cur_u8(&c, &u8) && u8 == 0x9c);
	cr_assert(cur_be16(&c, &u16) && u16 == 0xfedc);
	cr_assert(cur_be32(&c, &u32) && u32 == 0x89abcdefU);
	cr_assert(cur_be64(&c, &u64) && u64 == 0xf0e1d2c3b4a59687ULL);
	cr_assert(cur_le64(&c, &u64) && u64 == 0x8796a5b4c3d2e1f0ULL);
	cr_assert_eq(c.left, 0);
	cr_assert_not(c.bad);
}

/* Each writer with one octet too little room writes nothing, returns false and is bad. */
Test(cursor, writers_refuse_overflow)
{
	static const size_t need[] = { 1, 2, 4, 8, 8, 3, 3, 3 };

	for (size_t k = 0; k < ARRAY_SIZE(need); k++) {
		uint8_t buf[8];
		memset(buf, 0xee, sizeof(buf));
		struct wcur w = wcur_make(buf, need[k] - 1);
		bool ok = true;

		switch (k) {
		case 0:
			ok = wcur_u8(&w, 0);
			break;
		case 1:
			ok = wcur_be16(&w, 0);
			break;
		case 2:
			ok = wcur_be32(&w, 0);
			break;
		case 3:
			ok = wcur_be64(&w, 0);
			break;
		case 4:
			ok = wcur_le64(&w, 0);
			break;
		case 5:
			ok = wcur_bytes(&w, "abc", 3);
			break;
		case 6:
			ok = wcur_zero(&w, 3);
			break;
		case 7:
			ok = wcur_reserve(&w, 3) != NULL;
			break;
		default:
			break;
		}
		cr_assert_not(ok, "writer %zu", k);
		cr_assert(w.bad, "writer %zu", k);
		cr_assert_eq(w.left, need[k] - 1, "writer %zu consumed", k);
		cr_assert_eq(w.p, buf);
		for (size_t i = 0; i < sizeof(buf); i++)
			cr_assert_eq(buf[i], 0xee, "writer %zu wrote octet %zu", k, i);
	}
}

/* Once bad, a writer refuses everything, even writes that would fit. */
Test(cursor, writer_sticky)
{
	uint8_t buf[16];
	memset(buf, 0xee, sizeof(buf));
	struct wcur w = wcur_make(buf, sizeof(buf));

	cr_assert(wcur_be16(&w, 0x0102));
	cr_assert_not(wcur_zero(&w, 15));
	cr_assert(w.bad);
	cr_assert_eq(w.left, 14);
	cr_assert_not(wcur_u8(&w, 1));
	cr_assert_not(wcur_be16(&w, 1));
	cr_assert_not(wcur_be32(&w, 1));
	cr_assert_not(wcur_be64(&w, 1));
	cr_assert_not(wcur_le64(&w, 1));
	cr_assert_not(wcur_bytes(&w, "a", 1));
	cr_assert_not(wcur_bytes(&w, "a", 0));
	cr_assert_not(wcur_zero(&w, 0));
	cr_assert_null(wcur_reserve(&w, 0));
	cr_assert_null(wcur_reserve(&w, 1));
	cr_assert_eq(w.left, 14);
	cr_assert_eq(w.p, buf + 2);
	cr_assert_eq(buf[0], 0x01);
	cr_assert_eq(buf[1], 0x02);
	for (size_t i = 2; i < sizeof(buf); i++)
		cr_assert_eq(buf[i], 0xee);
}

Test(cursor, writer_zero_length_and_exact_fill)
{
	uint8_t buf[8];
	memset(buf, 0xee, sizeof(buf));
	struct wcur w = wcur_make(buf, sizeof(buf));

	cr_assert(wcur_bytes(&w, NULL, 0), "zero-length write needs no source");
	cr_assert(wcur_zero(&w, 0));
	cr_assert_eq(wcur_reserve(&w, 0), buf);
	cr_assert_eq(w.left, 8);
	cr_assert(wcur_be64(&w, 0x1122334455667788ULL));
	cr_assert_eq(w.left, 0);
	cr_assert_not(w.bad);
	cr_assert(wcur_bytes(&w, NULL, 0), "zero-length write at the end");
	cr_assert_not(w.bad);
	cr_assert_not(wcur_u8(&w, 0));
	cr_assert(w.bad);
	cr_assert_eq(get_be64(buf), 0x1122334455667788ULL);
	cr_assert_null(wcur_reserve(&(struct wcur){ .p = buf, .left = 4 }, SIZE_MAX));
}

Test(cursor, get_put_helpers)
{
	uint8_t b[9];

	memset(b, 0, sizeof(b));
	put_be16(b + 1, 0xa1b2);
	cr_assert_eq(b[0], 0);
	cr_assert_eq(b[1], 0xa1);
	cr_assert_eq(b[2], 0xb2);
	cr_assert_eq(get_be16(b + 1), 0xa1b2);

	memset(b, 0, sizeof(b));
	put_be32(b + 1, 0xc1d2e3f4U);
	cr_assert_arr_eq(b, ((uint8_t[]){ 0, 0xc1, 0xd2, 0xe3, 0xf4, 0 }), 6);
	cr_assert_eq(get_be32(b + 1), 0xc1d2e3f4U);

	put_be64(b + 1, 0x8192a3b4c5d6e7f8ULL);
	cr_assert_arr_eq(b + 1, ((uint8_t[]){ 0x81, 0x92, 0xa3, 0xb4, 0xc5, 0xd6, 0xe7, 0xf8 }),
			 8);
	cr_assert_eq(get_be64(b + 1), 0x8192a3b4c5d6e7f8ULL);

	put_le64(b + 1, 0x8192a3b4c5d6e7f8ULL);
	cr_assert_arr_eq(b + 1, ((uint8_t[]){ 0xf8, 0xe7, 0xd6, 0xc5, 0xb4, 0xa3, 0x92, 0x81 }),
			 8);
	struct cur c = cur_make(b + 1, 8);
	uint64_t v;
	cr_assert(cur_le64(&c, &v));
	cr_assert_eq(v, 0x8192a3b4c5d6e7f8ULL);

	cr_assert_eq(get_be16(seq), 0x0102);
	cr_assert_eq(get_be32(seq + 4), 0x05060708U);
	cr_assert_eq(get_be64(seq + 8), 0x090a0b0c0d0e0f10ULL);
	cr_assert_eq(get_be32((const uint8_t[]){ 0xff, 0xff, 0xff, 0xff }), 0xffffffffU);
}

/* Every split point: reading a 15-octet header from a buffer of n octets. */
Test(cursor, truncation_sweep)
{
	for (size_t n = 0; n <= sizeof(seq); n++) {
		struct cur c = cur_make(seq, n);
		size_t reads = 0;
		uint8_t u8;

		while (cur_u8(&c, &u8)) {
			cr_assert_eq(u8, seq[reads]);
			reads++;
		}
		cr_assert_eq(reads, n);
		cr_assert(c.bad);
		cr_assert_eq(c.left, 0);
	}
}
