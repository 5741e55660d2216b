// SPDX-License-Identifier: MIT
/*
 * pbuf.c - pool allocation and bound-checked head/tail moves for struct pbuf.
 * Owns the buffer memory of each pool; never hands out a buffer twice.
 */
#include "pbuf.h"

#include <stdlib.h>
#include <string.h>

struct pbuf_pool {
	size_t bufsize, headroom, max, allocated, in_use;
	uint64_t exhausted;
	struct pbuf *free_list;
	struct pbuf **all; /* every buffer created, for pbuf_pool_free */
};

struct pbuf_pool *pbuf_pool_new(size_t bufsize, size_t headroom, size_t max)
{
	OMNI_ASSERT(headroom <= bufsize && max > 0);
	struct pbuf_pool *p = xcalloc(1, sizeof(*p));
	p->bufsize = bufsize;
	p->headroom = headroom;
	p->max = max;
	p->all = xcalloc(max, sizeof(*p->all));
	return p;
}

void pbuf_pool_free(struct pbuf_pool *pool)
{
	if (!pool)
		return;
	OMNI_ASSERT(pool->in_use == 0);
	for (size_t i = 0; i < pool->allocated; i++)
		free(pool->all[i]);
	free(pool->all);
	free(pool);
}

struct pbuf *pbuf_pool_get(struct pbuf_pool *pool)
{
	struct pbuf *b = pool->free_list;
	if (b) {
		pool->free_list = b->next;
	} else if (pool->allocated < pool->max) {
		/* Cache-line aligned so data copies and crypto run on aligned blocks. */
		size_t sz = (sizeof(*b) + pool->bufsize + 63) & ~(size_t)63;
		b = aligned_alloc(64, sz);
		if (!b) {
			pool->exhausted++;
			return NULL;
		}
		b->pool = pool;
		b->size = pool->bufsize;
		pool->all[pool->allocated++] = b;
	} else {
		pool->exhausted++;
		return NULL;
	}
	pool->in_use++;
	b->next = NULL;
	b->meta = NULL;
	b->meta_u64 = 0;
	b->head = b->storage + pool->headroom;
	b->len = 0;
	return b;
}

void pbuf_pool_stats(const struct pbuf_pool *pool, struct pbuf_pool_stats *out)
{
	*out = (struct pbuf_pool_stats){ .bufsize = pool->bufsize,
					 .headroom = pool->headroom,
					 .allocated = pool->allocated,
					 .in_use = pool->in_use,
					 .max = pool->max,
					 .exhausted = pool->exhausted };
}

void pbuf_free(struct pbuf *b)
{
	if (!b)
		return;
	struct pbuf_pool *pool = b->pool;
	OMNI_ASSERT(pool->in_use > 0);
	pool->in_use--;
	b->next = pool->free_list;
	pool->free_list = b;
}

void pbuf_reset(struct pbuf *b, size_t headroom)
{
	OMNI_ASSERT(headroom <= b->size);
	b->head = b->storage + headroom;
	b->len = 0;
}

uint8_t *pbuf_push(struct pbuf *b, size_t n)
{
	OMNI_ASSERT(n <= pbuf_headroom(b));
	b->head -= n;
	b->len += n;
	return b->head;
}

uint8_t *pbuf_pull(struct pbuf *b, size_t n)
{
	OMNI_ASSERT(n <= b->len);
	b->head += n;
	b->len -= n;
	return b->head;
}

uint8_t *pbuf_put(struct pbuf *b, size_t n)
{
	OMNI_ASSERT(n <= pbuf_tailroom(b));
	uint8_t *p = b->head + b->len;
	b->len += n;
	return p;
}

void pbuf_trim(struct pbuf *b, size_t n)
{
	OMNI_ASSERT(n <= b->len);
	b->len -= n;
}
