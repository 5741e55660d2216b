// SPDX-License-Identifier: MIT
/*
 * fuzz_cursor.c - libFuzzer target for cursor.[ch]. The input is a little
 * program followed by the data it reads:
 *
 *   octet 0      program length L (clamped to what is there)
 *   octet 1      writer buffer size (mod 65)
 *   octets 2..   L program octets: an opcode, then its operands
 *   the rest     the payload the reader cursors walk over
 *
 * Opcodes read u8/be16/be32/be64/le16/le32/le64, copy/bytes/skip n, open a
 * cur_sub child (a stack of up to 8 cursors; ops act on the top), pop back
 * to the parent, peek, and write u8/be16/be32/be64/le64/bytes/zero/reserve
 * into a heap buffer of the writer size plus a sentinel octet (ASan and the
 * sentinel see any overflow).
 * Every op is checked against a reference computed here from the raw bytes:
 * success iff enough octets were left and the cursor was good; on success
 * the value and the advance are exact; on failure nothing moves, outputs are
 * zero, and the cursor is (and stays) bad; left never increases and every
 * cursor stays inside the payload; writers change nothing on failure.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STACK_MAX 8
#define COPY_MAX 256

static void check(bool ok)
{
	if (!ok)
		abort();
}

struct prog {
	const uint8_t *p;
	size_t left;
};

static uint8_t next(struct prog *pr)
{
	if (!pr->left)
		return 0;
	pr->left--;
	return *pr->p++;
}

/* A length operand: 0..127, or (high bit) a huge value near SIZE_MAX. */
static size_t len_arg(struct prog *pr)
{
	uint8_t b = next(pr);

	return (b & 0x80) ? SIZE_MAX - (b & 0x7f) : b;
}

static uint64_t val_arg(struct prog *pr)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | next(pr);
	return v;
}

static uint64_t ref_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static uint64_t ref_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

/* Outcome of a reader op of @n octets on @before, now in @after. */
static void check_read(const struct cur *before, const struct cur *after, bool ok, size_t n)
{
	bool expect = !before->bad && before->left >= n;

	check(ok == expect);
	check(after->left <= before->left);
	if (ok) {
		check(!after->bad);
		check(after->p == before->p + n);
		check(after->left == before->left - n);
	} else {
		check(after->bad);
		check(after->p == before->p);
		check(after->left == before->left);
	}
}

static void do_int_read(struct cur *c, unsigned op)
{
	static const size_t width[] = { 1, 2, 4, 8, 2, 4, 8 };
	struct cur before = *c;
	size_t n = width[op];
	uint64_t got = 0;
	bool ok = false;

	switch (op) {
	case 0: {
		uint8_t v = 0xa5;
		ok = cur_u8(c, &v);
		got = v;
		break;
	}
	case 1: {
		uint16_t v = 0xa5a5;
		ok = cur_be16(c, &v);
		got = v;
		break;
	}
	case 2: {
		uint32_t v = 0xa5a5a5a5;
		ok = cur_be32(c, &v);
		got = v;
		break;
	}
	case 3:
		got = 0xa5;
		ok = cur_be64(c, &got);
		break;
	case 4: {
		uint16_t v = 0xa5a5;
		ok = cur_le16(c, &v);
		got = v;
		break;
	}
	case 5: {
		uint32_t v = 0xa5a5a5a5;
		ok = cur_le32(c, &v);
		got = v;
		break;
	}
	default:
		got = 0xa5;
		ok = cur_le64(c, &got);
		break;
	}
	check_read(&before, c, ok, n);
	if (!ok)
		check(got == 0);
	else if (op <= 3)
		check(got == ref_be(before.p, n));
	else
		check(got == ref_le(before.p, n));
}

static void check_write(const struct wcur *before, const struct wcur *after, bool ok, size_t n,
			const uint8_t *shadow, const uint8_t *wbuf, size_t wsize)
{
	bool expect = !before->bad && before->left >= n;

	check(ok == expect);
	check(after->left <= before->left);
	if (ok) {
		check(!after->bad);
		check(after->p == before->p + n);
		check(after->left == before->left - n);
	} else {
		check(after->bad);
		check(after->p == before->p);
		check(after->left == before->left);
		check(memcmp(shadow, wbuf, wsize) == 0); /* nothing written */
	}
}

static void do_write(struct wcur *w, unsigned op, struct prog *pr, uint8_t *wbuf, size_t wsize,
		     const uint8_t *payload, size_t plen)
{
	uint8_t shadow[64], want[8];
	struct wcur before = *w;
	size_t n = 0, off = (size_t)(w->p - wbuf);
	bool ok = false;
	uint64_t v;

	memcpy(shadow, wbuf, wsize);
	switch (op) {
	case 0:
		v = val_arg(pr);
		n = 1;
		ok = wcur_u8(w, (uint8_t)v);
		want[0] = (uint8_t)v;
		break;
	case 1:
		v = val_arg(pr);
		n = 2;
		ok = wcur_be16(w, (uint16_t)v);
		for (size_t i = 0; i < n; i++)
			want[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
		break;
	case 2:
		v = val_arg(pr);
		n = 4;
		ok = wcur_be32(w, (uint32_t)v);
		for (size_t i = 0; i < n; i++)
			want[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
		break;
	case 3:
		v = val_arg(pr);
		n = 8;
		ok = wcur_be64(w, v);
		for (size_t i = 0; i < n; i++)
			want[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
		break;
	case 4:
		v = val_arg(pr);
		n = 8;
		ok = wcur_le64(w, v);
		for (size_t i = 0; i < n; i++)
			want[i] = (uint8_t)(v >> (8 * i));
		break;
	case 5: {
		/* Source: the payload (clamped to its length; huge lengths always fail). */
		n = len_arg(pr);
		if (n > plen && n < SIZE_MAX - 127)
			n = plen;
		ok = wcur_bytes(w, n ? payload : NULL, n);
		check_write(&before, w, ok, n, shadow, wbuf, wsize);
		if (ok) {
			check(memcmp(wbuf + off, payload, n) == 0);
			check(memcmp(wbuf, shadow, off) == 0);
			check(memcmp(wbuf + off + n, shadow + off + n, wsize - off - n) == 0);
		}
		return;
	}
	case 6:
		n = len_arg(pr);
		ok = wcur_zero(w, n);
		check_write(&before, w, ok, n, shadow, wbuf, wsize);
		if (ok) {
			for (size_t i = 0; i < n; i++)
				check(wbuf[off + i] == 0);
			check(memcmp(wbuf, shadow, off) == 0);
			check(memcmp(wbuf + off + n, shadow + off + n, wsize - off - n) == 0);
		}
		return;
	default: {
		n = len_arg(pr);
		uint8_t *r = wcur_reserve(w, n);
		ok = r != NULL;
		check_write(&before, w, ok, n, shadow, wbuf, wsize);
		if (r) {
			check(r == wbuf + off);
			memset(r, 0x3c, n);
		}
		check(memcmp(wbuf, shadow, off) == 0);
		return;
	}
	}
	check_write(&before, w, ok, n, shadow, wbuf, wsize);
	if (ok) {
		check(memcmp(wbuf + off, want, n) == 0);
		check(memcmp(wbuf, shadow, off) == 0);
		check(memcmp(wbuf + off + n, shadow + off + n, wsize - off - n) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cur stack[STACK_MAX];
	int top = 0;
	uint8_t copy[COPY_MAX];

	if (size < 2)
		return 0;
	size_t plen_prog = data[0] < size - 2 ? data[0] : size - 2;
	size_t wsize = data[1] % 65;
	struct prog pr = { data + 2, plen_prog };
	const uint8_t *payload = data + 2 + plen_prog;
	size_t plen = size - 2 - plen_prog;
	const uint8_t *end = payload + plen;

	/* @wsize octets plus one sentinel (ASan catches anything further). */
	uint8_t *wbuf = malloc(wsize + 1);
	if (!wbuf)
		return 0;
	memset(wbuf, 0xee, wsize);
	wbuf[wsize] = 0x99;
	struct wcur w = wcur_make(wbuf, wsize);

	stack[0] = cur_make(payload, plen);
	while (pr.left) {
		struct cur *c = &stack[top];
		struct cur before = *c;
		unsigned op = next(&pr) % 21;
		size_t n;

		switch (op) {
		case 0:
		case 1:
		case 2:
		case 3:
		case 4:
		case 5:
		case 6:
			do_int_read(c, op);
			break;
		case 7: {
			/* cur_copy's output must hold n octets (zeroed on failure): cap n. */
			size_t cn = len_arg(&pr);
			if (cn > COPY_MAX)
				cn = COPY_MAX;
			memset(copy, 0xa5, sizeof(copy));
			bool ok = cur_copy(c, copy, cn);
			check_read(&before, c, ok, cn);
			if (ok) {
				check(memcmp(copy, before.p, cn) == 0);
			} else {
				for (size_t i = 0; i < cn; i++)
					check(copy[i] == 0);
			}
			break;
		}
		case 8: {
			n = len_arg(&pr);
			const uint8_t *p = cur_bytes(c, n);
			bool ok = p != NULL;
			check_read(&before, c, ok, n);
			if (ok) {
				check(p == before.p);
				if (n)
					check(p >= payload && p + n <= end);
			}
			break;
		}
		case 9: {
			n = len_arg(&pr);
			bool ok = cur_skip(c, n);
			check_read(&before, c, ok, n);
			break;
		}
		case 10: {
			n = len_arg(&pr);
			struct cur child = cur_sub(c, n);
			bool ok = !child.bad;
			check_read(&before, c, ok, n);
			if (ok) {
				check(child.p == before.p);
				check(child.left == n);
			} else {
				check(child.left == 0);
			}
			if (top + 1 < STACK_MAX)
				stack[++top] = child;
			break;
		}
		case 11:
			if (top > 0)
				top--;
			break;
		case 12: {
			uint8_t v = 0xa5;
			bool ok = cur_peek_u8(c, &v);
			check(ok == (!c->bad && c->left >= 1));
			check(ok ? v == c->p[0] : v == 0);
			check(c->p == before.p && c->left == before.left && c->bad == before.bad);
			break;
		}
		default:
			do_write(&w, op - 13, &pr, wbuf, wsize, payload, plen);
			break;
		}
		/* Sticky: a bad cursor stays bad and does not move. */
		if (before.bad)
			check(c->bad && c->p == before.p && c->left == before.left);
		/* Every cursor on the stack stays inside the payload. */
		for (int i = 0; i <= top; i++) {
			if (stack[i].left)
				check(stack[i].p >= payload && stack[i].p + stack[i].left <= end);
			check(stack[i].left <= plen);
		}
		check(w.left <= wsize);
		check(w.p >= wbuf && w.p + w.left == wbuf + wsize);
		check(wbuf[wsize] == 0x99);
	}
	free(wbuf);
	return 0;
}
