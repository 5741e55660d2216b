// SPDX-License-Identifier: MIT
/*
 * cursor.c - the reader and writer behind cursor.h. Pure; never reads or
 * writes outside [p, p + left).
 */
#include "cursor.h"

#include <string.h>

static const uint8_t *take(struct cur *c, size_t n)
{
	if (c->bad || c->left < n) {
		c->bad = true;
		return NULL;
	}
	const uint8_t *p = c->p;
	if (n) { /* NULL + 0 is undefined in C: a cursor over no memory stays put */
		c->p += n;
		c->left -= n;
	}
	return p;
}

bool cur_u8(struct cur *c, uint8_t *out)
{
	const uint8_t *p = take(c, 1);
	*out = p ? p[0] : 0;
	return p != NULL;
}

bool cur_be16(struct cur *c, uint16_t *out)
{
	const uint8_t *p = take(c, 2);
	*out = p ? get_be16(p) : 0;
	return p != NULL;
}

bool cur_be32(struct cur *c, uint32_t *out)
{
	const uint8_t *p = take(c, 4);
	*out = p ? get_be32(p) : 0;
	return p != NULL;
}

bool cur_be64(struct cur *c, uint64_t *out)
{
	const uint8_t *p = take(c, 8);
	*out = p ? get_be64(p) : 0;
	return p != NULL;
}

bool cur_le16(struct cur *c, uint16_t *out)
{
	const uint8_t *p = take(c, 2);
	*out = p ? (uint16_t)(p[0] | (uint16_t)p[1] << 8) : 0;
	return p != NULL;
}

bool cur_le32(struct cur *c, uint32_t *out)
{
	const uint8_t *p = take(c, 4);
	*out = p ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			   (uint32_t)p[3] << 24
		 : 0;
	return p != NULL;
}

bool cur_le64(struct cur *c, uint64_t *out)
{
	const uint8_t *p = take(c, 8);
	uint64_t v = 0;
	if (p) {
		for (int i = 7; i >= 0; i--)
			v = v << 8 | p[i];
	}
	*out = v;
	return p != NULL;
}

bool cur_copy(struct cur *c, void *out, size_t n)
{
	const uint8_t *p = take(c, n);
	if (c->bad) {
		if (n)
			memset(out, 0, n);
		return false;
	}
	if (n)
		memcpy(out, p, n);
	return true;
}

const uint8_t *cur_bytes(struct cur *c, size_t n)
{
	return take(c, n);
}

struct cur cur_sub(struct cur *c, size_t n)
{
	const uint8_t *p = take(c, n);
	if (c->bad)
		return (struct cur){ .p = NULL, .left = 0, .bad = true };
	return cur_make(p, n);
}

bool cur_skip(struct cur *c, size_t n)
{
	(void)take(c, n);
	return !c->bad;
}

bool cur_peek_u8(const struct cur *c, uint8_t *out)
{
	if (c->bad || c->left < 1) {
		*out = 0;
		return false;
	}
	*out = c->p[0];
	return true;
}

uint8_t *wcur_reserve(struct wcur *w, size_t n)
{
	if (w->bad || w->left < n) {
		w->bad = true;
		return NULL;
	}
	uint8_t *p = w->p;
	if (n) {
		w->p += n;
		w->left -= n;
	}
	return p;
}

bool wcur_u8(struct wcur *w, uint8_t v)
{
	uint8_t *p = wcur_reserve(w, 1);
	if (p)
		p[0] = v;
	return p != NULL;
}

bool wcur_be16(struct wcur *w, uint16_t v)
{
	uint8_t *p = wcur_reserve(w, 2);
	if (p)
		put_be16(p, v);
	return p != NULL;
}

bool wcur_be32(struct wcur *w, uint32_t v)
{
	uint8_t *p = wcur_reserve(w, 4);
	if (p)
		put_be32(p, v);
	return p != NULL;
}

bool wcur_be64(struct wcur *w, uint64_t v)
{
	uint8_t *p = wcur_reserve(w, 8);
	if (p)
		put_be64(p, v);
	return p != NULL;
}

bool wcur_le64(struct wcur *w, uint64_t v)
{
	uint8_t *p = wcur_reserve(w, 8);
	if (p)
		put_le64(p, v);
	return p != NULL;
}

bool wcur_bytes(struct wcur *w, const void *src, size_t n)
{
	uint8_t *p = wcur_reserve(w, n);
	if (w->bad)
		return false;
	if (n)
		memcpy(p, src, n);
	return true;
}

bool wcur_zero(struct wcur *w, size_t n)
{
	uint8_t *p = wcur_reserve(w, n);
	if (w->bad)
		return false;
	if (n)
		memset(p, 0, n);
	return true;
}
