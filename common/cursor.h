/* SPDX-License-Identifier: MIT */
/*
 * cursor.h - bounds-checked reader (struct cur) and writer (struct wcur) over
 * byte buffers, with a sticky error flag (STYLE.md §2). Every packet parser
 * reads through these; nothing casts a struct over packet bytes. A short read
 * or write sets ->bad, yields zeros / writes nothing, and stays bad, so a
 * whole header can be processed straight through and checked once.
 * The cursors never own the memory they point at.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util.h"

struct cur {
	const uint8_t *p;
	size_t left;
	bool bad;
};

struct wcur {
	uint8_t *p;
	size_t left;
	bool bad;
};

static inline struct cur cur_make(const void *p, size_t n)
{
	return (struct cur){ .p = (const uint8_t *)p, .left = n, .bad = false };
}

static inline struct wcur wcur_make(void *p, size_t n)
{
	return (struct wcur){ .p = (uint8_t *)p, .left = n, .bad = false };
}

/** Reader: each returns false (and sets ->bad, *out = 0) when fewer bytes remain. */
bool cur_u8(struct cur *c, uint8_t *out);
bool cur_be16(struct cur *c, uint16_t *out);
bool cur_be32(struct cur *c, uint32_t *out);
bool cur_be64(struct cur *c, uint64_t *out);
bool cur_le16(struct cur *c, uint16_t *out);
bool cur_le32(struct cur *c, uint32_t *out);
bool cur_le64(struct cur *c, uint64_t *out);
/** Copy @n bytes into @out (zeroed on failure). */
bool cur_copy(struct cur *c, void *out, size_t n);
/** Returns a pointer to the next @n bytes and advances, or NULL (sets ->bad). */
const uint8_t *cur_bytes(struct cur *c, size_t n);
/** A bounded child cursor over the next @n bytes (bad child and parent if short). */
struct cur cur_sub(struct cur *c, size_t n);
bool cur_skip(struct cur *c, size_t n);
/** Look at the next byte without consuming; false if none. */
bool cur_peek_u8(const struct cur *c, uint8_t *out);

/** Writer: each returns false (and sets ->bad, writes nothing) when space is short. */
bool wcur_u8(struct wcur *w, uint8_t v);
bool wcur_be16(struct wcur *w, uint16_t v);
bool wcur_be32(struct wcur *w, uint32_t v);
bool wcur_be64(struct wcur *w, uint64_t v);
bool wcur_le64(struct wcur *w, uint64_t v);
bool wcur_bytes(struct wcur *w, const void *src, size_t n);
bool wcur_zero(struct wcur *w, size_t n);
/** Reserve @n bytes and return a pointer to them (NULL and ->bad if short). */
uint8_t *wcur_reserve(struct wcur *w, size_t n);

/* Unchecked accessors for already-validated fixed offsets (no alignment assumptions). */
static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}
static inline uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}
static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}
static inline void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}
static inline void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
