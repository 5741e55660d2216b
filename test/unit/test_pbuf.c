// SPDX-License-Identifier: MIT
/*
 * test_pbuf.c - pbuf.[ch]: the pool cap and its exhaustion counter, lazy
 * growth, reuse after free without ever handing a buffer out twice, the
 * push/pull/put/trim arithmetic with headroom and tailroom, reset, the
 * scratch fields cleared on get, and every misuse that must abort.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "pbuf.h"

static struct pbuf_pool_stats stats(const struct pbuf_pool *p)
{
	struct pbuf_pool_stats s;

	pbuf_pool_stats(p, &s);
	return s;
}

Test(pbuf, new_pool_is_empty)
{
	struct pbuf_pool *p = pbuf_pool_new(2048, 128, 4);
	struct pbuf_pool_stats s = stats(p);

	cr_assert_eq(s.bufsize, 2048);
	cr_assert_eq(s.headroom, 128);
	cr_assert_eq(s.max, 4);
	cr_assert_eq(s.allocated, 0, "buffers are created lazily");
	cr_assert_eq(s.in_use, 0);
	cr_assert_eq(s.exhausted, 0);
	pbuf_pool_free(p);
	pbuf_pool_free(NULL);
}

Test(pbuf, get_fresh_buffer)
{
	struct pbuf_pool *p = pbuf_pool_new(1500, 100, 2);
	struct pbuf *b = pbuf_pool_get(p);

	cr_assert_not_null(b);
	cr_assert_eq(b->len, 0);
	cr_assert_eq(b->size, 1500);
	cr_assert_eq(b->pool, p);
	cr_assert_null(b->next);
	cr_assert_null(b->meta);
	cr_assert_eq(b->meta_u64, 0);
	cr_assert_eq(b->head, b->storage + 100);
	cr_assert_eq(pbuf_headroom(b), 100);
	cr_assert_eq(pbuf_tailroom(b), 1400);
	cr_assert_eq((uintptr_t)b % 64, 0, "buffers are cache-line aligned");
	/* The whole storage is writable (ASan checks the allocation size). */
	memset(b->storage, 0xa5, b->size);
	struct pbuf_pool_stats s = stats(p);
	cr_assert_eq(s.allocated, 1);
	cr_assert_eq(s.in_use, 1);
	pbuf_free(b);
	s = stats(p);
	cr_assert_eq(s.in_use, 0);
	cr_assert_eq(s.allocated, 1, "freed buffers are kept");
	pbuf_pool_free(p);
}

Test(pbuf, cap_and_exhaustion)
{
	enum { MAX = 8 };
	struct pbuf_pool *p = pbuf_pool_new(256, 32, MAX);
	struct pbuf *b[MAX];

	for (int i = 0; i < MAX; i++) {
		b[i] = pbuf_pool_get(p);
		cr_assert_not_null(b[i], "buffer %d", i);
		struct pbuf_pool_stats s = stats(p);
		cr_assert_eq(s.allocated, (size_t)i + 1, "grows one at a time");
		cr_assert_eq(s.in_use, (size_t)i + 1);
	}
	for (int i = 0; i < 5; i++)
		cr_assert_null(pbuf_pool_get(p));
	struct pbuf_pool_stats s = stats(p);
	cr_assert_eq(s.exhausted, 5);
	cr_assert_eq(s.allocated, MAX);
	cr_assert_eq(s.in_use, MAX);

	/* One back: one more get succeeds and hands out exactly that buffer. */
	pbuf_free(b[3]);
	struct pbuf *again = pbuf_pool_get(p);
	cr_assert_eq(again, b[3]);
	cr_assert_null(pbuf_pool_get(p));
	cr_assert_eq(stats(p).exhausted, 6);
	cr_assert_eq(stats(p).allocated, MAX, "no growth beyond max");

	for (int i = 0; i < MAX; i++)
		pbuf_free(b[i]);
	cr_assert_eq(stats(p).in_use, 0);
	pbuf_pool_free(p);
}

/* Get all, all distinct; free in a scrambled order, get all again: the same set, distinct. */
Test(pbuf, reuse_never_hands_out_twice)
{
	enum { MAX = 64 };
	struct pbuf_pool *p = pbuf_pool_new(128, 0, MAX);
	struct pbuf *b[MAX], *first[MAX];

	for (int round = 0; round < 4; round++) {
		for (int i = 0; i < MAX; i++) {
			b[i] = pbuf_pool_get(p);
			cr_assert_not_null(b[i]);
			/* Fill, so that an aliased buffer would be caught below. */
			memset(b[i]->storage, i, b[i]->size);
			b[i]->meta = &b[i];
			b[i]->meta_u64 = (uint64_t)i;
		}
		cr_assert_null(pbuf_pool_get(p));
		for (int i = 0; i < MAX; i++) {
			for (int j = i + 1; j < MAX; j++)
				cr_assert_neq(b[i], b[j], "round %d: %d and %d alias", round, i, j);
			for (size_t k = 0; k < b[i]->size; k++)
				cr_assert_eq(b[i]->storage[k], (uint8_t)i);
		}
		if (round == 0) {
			memcpy(first, b, sizeof(b));
		} else {
			/* The pool recycles its own buffers: every one is from the first round. */
			for (int i = 0; i < MAX; i++) {
				bool found = false;
				for (int j = 0; j < MAX; j++)
					found |= b[i] == first[j];
				cr_assert(found);
			}
		}
		for (int i = 0; i < MAX; i++) {
			int k = (i * 37 + round * 11) % MAX; /* 37 is coprime with 64 */
			pbuf_free(b[k]);
		}
		cr_assert_eq(stats(p).in_use, 0);
		cr_assert_eq(stats(p).allocated, MAX);
	}
	pbuf_pool_free(p);
}

/* A recycled buffer comes back reset: len 0, head at the headroom, scratch cleared. */
Test(pbuf, reuse_resets_state)
{
	struct pbuf_pool *p = pbuf_pool_new(512, 64, 1);
	struct pbuf *b = pbuf_pool_get(p), *b2;

	pbuf_put(b, 100);
	pbuf_push(b, 20);
	b->meta = p;
	b->meta_u64 = 42;
	b->next = b;
	pbuf_free(b);
	b2 = pbuf_pool_get(p);
	cr_assert_eq(b2, b);
	cr_assert_eq(b2->len, 0);
	cr_assert_eq(pbuf_headroom(b2), 64);
	cr_assert_eq(pbuf_tailroom(b2), 448);
	cr_assert_null(b2->meta);
	cr_assert_eq(b2->meta_u64, 0);
	cr_assert_null(b2->next);
	pbuf_free(b2);
	pbuf_free(NULL);
	pbuf_pool_free(p);
}

Test(pbuf, push_pull_put_trim)
{
	struct pbuf_pool *p = pbuf_pool_new(1000, 100, 1);
	struct pbuf *b = pbuf_pool_get(p);
	uint8_t *base = b->storage;

	uint8_t *d = pbuf_put(b, 50);
	cr_assert_eq(d, base + 100);
	cr_assert_eq(b->len, 50);
	cr_assert_eq(pbuf_headroom(b), 100);
	cr_assert_eq(pbuf_tailroom(b), 850);
	memset(d, 'P', 50);

	d = pbuf_put(b, 10);
	cr_assert_eq(d, base + 150, "put returns the appended area");
	cr_assert_eq(b->len, 60);
	cr_assert_eq(pbuf_tailroom(b), 840);

	uint8_t *h = pbuf_push(b, 40);
	cr_assert_eq(h, base + 60);
	cr_assert_eq(b->head, h);
	cr_assert_eq(b->len, 100);
	cr_assert_eq(pbuf_headroom(b), 60);
	cr_assert_eq(pbuf_tailroom(b), 840, "push leaves the tail alone");
	memset(h, 'H', 40);

	h = pbuf_pull(b, 40);
	cr_assert_eq(h, base + 100);
	cr_assert_eq(b->len, 60);
	cr_assert_eq(h[0], 'P', "pull exposes the old payload");
	cr_assert_eq(pbuf_headroom(b), 100);

	pbuf_trim(b, 10);
	cr_assert_eq(b->len, 50);
	cr_assert_eq(b->head, base + 100);
	cr_assert_eq(pbuf_tailroom(b), 850);

	/* Zero-length moves are no-ops. */
	cr_assert_eq(pbuf_push(b, 0), base + 100);
	cr_assert_eq(pbuf_pull(b, 0), base + 100);
	cr_assert_eq(pbuf_put(b, 0), base + 150);
	pbuf_trim(b, 0);
	cr_assert_eq(b->len, 50);

	/* Invariant: headroom + len + tailroom == size, at the edges too. */
	pbuf_push(b, 100);
	cr_assert_eq(pbuf_headroom(b), 0);
	pbuf_put(b, pbuf_tailroom(b));
	cr_assert_eq(pbuf_tailroom(b), 0);
	cr_assert_eq(b->len, 1000);
	memset(b->head, 0, b->len);
	pbuf_pull(b, 1000);
	cr_assert_eq(b->len, 0);
	cr_assert_eq(pbuf_headroom(b), 1000);
	cr_assert_eq(pbuf_tailroom(b), 0);

	pbuf_reset(b, 10);
	cr_assert_eq(b->len, 0);
	cr_assert_eq(pbuf_headroom(b), 10);
	cr_assert_eq(pbuf_tailroom(b), 990);
	pbuf_reset(b, 1000);
	cr_assert_eq(pbuf_tailroom(b), 0);
	pbuf_reset(b, 0);
	cr_assert_eq(pbuf_tailroom(b), 1000);

	pbuf_free(b);
	pbuf_pool_free(p);
}

/* Random move sequences keep headroom + len + tailroom == size and never abort. */
Test(pbuf, arithmetic_invariant)
{
	struct pbuf_pool *p = pbuf_pool_new(300, 50, 1);
	struct pbuf *b = pbuf_pool_get(p);
	uint32_t x = 12345;

	for (int i = 0; i < 20000; i++) {
		x = x * 1103515245u + 12345u;
		size_t r = (x >> 8) % 64;
		switch ((x >> 20) % 4) {
		case 0:
			if (r <= pbuf_headroom(b))
				pbuf_push(b, r);
			break;
		case 1:
			if (r <= b->len)
				pbuf_pull(b, r);
			break;
		case 2:
			if (r <= pbuf_tailroom(b))
				memset(pbuf_put(b, r), 0x5a, r);
			break;
		default:
			if (r <= b->len)
				pbuf_trim(b, r);
			break;
		}
		cr_assert_eq(pbuf_headroom(b) + b->len + pbuf_tailroom(b), 300);
		cr_assert_geq(b->head, b->storage);
		cr_assert_leq(b->head + b->len, b->storage + 300);
	}
	pbuf_free(b);
	pbuf_pool_free(p);
}

/* Several pools at once stay separate and a buffer goes back to its own pool. */
Test(pbuf, pools_independent)
{
	struct pbuf_pool *a = pbuf_pool_new(64, 0, 1), *c = pbuf_pool_new(128, 16, 1);
	struct pbuf *ba = pbuf_pool_get(a), *bc = pbuf_pool_get(c);

	cr_assert_eq(ba->pool, a);
	cr_assert_eq(bc->pool, c);
	cr_assert_eq(bc->size, 128);
	cr_assert_null(pbuf_pool_get(a));
	cr_assert_null(pbuf_pool_get(c));
	pbuf_free(ba);
	cr_assert_eq(stats(a).in_use, 0);
	cr_assert_eq(stats(c).in_use, 1);
	cr_assert_eq(stats(a).exhausted, 1);
	cr_assert_eq(stats(c).exhausted, 1);
	pbuf_free(bc);
	pbuf_pool_free(a);
	pbuf_pool_free(c);
}

/* Zero headroom and headroom == bufsize are legal extremes. */
Test(pbuf, headroom_extremes)
{
	struct pbuf_pool *p = pbuf_pool_new(64, 64, 1);
	struct pbuf *b = pbuf_pool_get(p);

	cr_assert_eq(pbuf_headroom(b), 64);
	cr_assert_eq(pbuf_tailroom(b), 0);
	pbuf_push(b, 64);
	cr_assert_eq(b->head, b->storage);
	pbuf_free(b);
	pbuf_pool_free(p);
}

/* Misuse: crossing a bound is a programmer bug and aborts. */

static struct pbuf *one(size_t size, size_t headroom)
{
	struct pbuf_pool *p = pbuf_pool_new(size, headroom, 1);
	return pbuf_pool_get(p);
}

Test(pbuf, push_past_headroom, .signal = SIGABRT)
{
	struct pbuf *b = one(100, 10);
	pbuf_push(b, 10);
	pbuf_push(b, 1);
}

Test(pbuf, put_past_tailroom, .signal = SIGABRT)
{
	struct pbuf *b = one(100, 10);
	pbuf_put(b, 90);
	pbuf_put(b, 1);
}

Test(pbuf, put_huge, .signal = SIGABRT)
{
	struct pbuf *b = one(100, 10);
	pbuf_put(b, SIZE_MAX);
}

Test(pbuf, pull_past_len, .signal = SIGABRT)
{
	struct pbuf *b = one(100, 10);
	pbuf_put(b, 5);
	pbuf_pull(b, 6);
}

Test(pbuf, pull_empty, .signal = SIGABRT)
{
	struct pbuf *b = one(100, 10);
	pbuf_pull(b, 1);
}

Test(pbuf, trim_past_len, .signal = SIGABRT)
{
	struct pbuf *b = one(100, 10);
	pbuf_put(b, 5);
	pbuf_trim(b, 6);
}

Test(pbuf, reset_past_size, .signal = SIGABRT)
{
	struct pbuf *b = one(100, 10);
	pbuf_reset(b, 101);
}

Test(pbuf, pool_free_with_buffers_in_use, .signal = SIGABRT)
{
	struct pbuf_pool *p = pbuf_pool_new(100, 10, 2);
	struct pbuf *b = pbuf_pool_get(p);
	struct pbuf *b2 = pbuf_pool_get(p);

	pbuf_free(b);
	cr_assert_not_null(b2);
	pbuf_pool_free(p);
}

Test(pbuf, pool_headroom_above_size, .signal = SIGABRT)
{
	(void)pbuf_pool_new(100, 101, 1);
}

Test(pbuf, pool_max_zero, .signal = SIGABRT)
{
	(void)pbuf_pool_new(100, 0, 0);
}

Test(pbuf, free_more_than_got, .signal = SIGABRT)
{
	struct pbuf_pool *p = pbuf_pool_new(100, 10, 2);
	struct pbuf *b = pbuf_pool_get(p);

	pbuf_free(b);
	pbuf_free(b);
}
