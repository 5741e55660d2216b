/* SPDX-License-Identifier: MIT */
/*
 * pbuf.h - packet buffers with declared headroom, drawn from fixed-size pools
 * (STYLE.md §2). The data path never mallocs per packet: a pool grows lazily
 * up to its cap and then reports exhaustion (the caller drops and counts).
 * Crossing a buffer bound in push/pull/put/trim is a programmer bug and
 * aborts. A pbuf has exactly one owner; functions that take ownership say
 * "Consumes". Pools are not thread-safe: one pool per thread.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include "util.h"

struct pbuf_pool;

struct pbuf {
	uint8_t *head;           /* first byte of data */
	size_t len;              /* bytes of data */
	struct pbuf *next;       /* free list / caller's queue link */
	struct pbuf_pool *pool;  /* owner pool */
	void *meta;              /* caller's scratch pointer, cleared by pbuf_pool_get */
	uint64_t meta_u64;       /* caller's scratch value, cleared by pbuf_pool_get */
	size_t size;             /* bytes of storage */
	uint8_t storage[];
};

struct pbuf_pool_stats {
	size_t bufsize, headroom;
	size_t allocated; /* buffers created so far */
	size_t in_use;
	size_t max;
	uint64_t exhausted; /* pbuf_pool_get calls that returned NULL */
};

/**
 * Create a pool of buffers with @bufsize bytes of storage each, of which the
 * first @headroom are left in front of the data by pbuf_pool_get. At most
 * @max buffers ever exist; they are created on demand and kept.
 */
struct pbuf_pool *pbuf_pool_new(size_t bufsize, size_t headroom, size_t max);
/** Free the pool and every buffer it created. All buffers must be back. */
void pbuf_pool_free(struct pbuf_pool *pool);
/** A buffer with len 0 and head at the pool's headroom, or NULL when exhausted. */
struct pbuf *pbuf_pool_get(struct pbuf_pool *pool);
void pbuf_pool_stats(const struct pbuf_pool *pool, struct pbuf_pool_stats *out);

/** Return @b to its pool. Consumes @b. NULL is ignored. */
void pbuf_free(struct pbuf *b);

static inline size_t pbuf_headroom(const struct pbuf *b)
{
	return (size_t)(b->head - b->storage);
}

static inline size_t pbuf_tailroom(const struct pbuf *b)
{
	return b->size - pbuf_headroom(b) - b->len;
}

/** Set head to @headroom bytes into the storage and len to 0. */
void pbuf_reset(struct pbuf *b, size_t headroom);
/** Prepend @n bytes; returns the new head. Aborts if headroom is short. */
uint8_t *pbuf_push(struct pbuf *b, size_t n);
/** Remove @n bytes from the front; returns the new head. Aborts if len < n. */
uint8_t *pbuf_pull(struct pbuf *b, size_t n);
/** Append @n bytes; returns a pointer to them. Aborts if tailroom is short. */
uint8_t *pbuf_put(struct pbuf *b, size_t n);
/** Remove @n bytes from the end. Aborts if len < n. */
void pbuf_trim(struct pbuf *b, size_t n);
