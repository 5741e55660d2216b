/* SPDX-License-Identifier: MIT */
/*
 * ptrie.h - longest-prefix-match table from IPv4/IPv6 prefixes to opaque
 * values (the neighbor of spec/omni-aero.md §5.14 "outbound lookup"). A
 * path-compressed binary trie with one root per family. Lookups never
 * allocate and never write, so they are safe on the per-packet path; inserts
 * allocate with xmalloc (control plane). The trie never owns or frees values.
 * Not thread-safe: one writer, and no lookups concurrent with a write.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "util.h"

struct ptrie;

/** A new, empty table. Aborts on out-of-memory; never returns NULL. */
struct ptrie *ptrie_new(void);
/** Free the table and its nodes (not the values). NULL is a no-op. */
void ptrie_free(struct ptrie *t);
/**
 * Map @p (AF_INET or AF_INET6; host bits are ignored) to @value, which must
 * not be NULL. Returns 0, -EEXIST if the same prefix is already mapped (the
 * old value stays), or -EINVAL (bad family, length or NULL value).
 */
int ptrie_insert(struct ptrie *t, const struct prefix *p, void *value) WUR;
/** Remove the exact prefix @p (host bits ignored). Returns 0, -ENOENT or -EINVAL. */
int ptrie_remove(struct ptrie *t, const struct prefix *p) WUR;
/**
 * Longest-prefix match of @addr (4 octets for AF_INET, 16 for AF_INET6, in
 * network order). Returns the value, or NULL if no prefix contains @addr or
 * @family is neither AF_INET nor AF_INET6.
 */
void *ptrie_lookup(const struct ptrie *t, int family, const uint8_t *addr);
/** The value of exactly @p (host bits ignored), or NULL. */
void *ptrie_get_exact(const struct ptrie *t, const struct prefix *p);
/** Remove every entry. */
void ptrie_clear(struct ptrie *t);
/** Number of prefixes in the table. */
size_t ptrie_count(const struct ptrie *t);
/**
 * Call @fn for every entry, IPv4 first, each family in address order with a
 * prefix before the prefixes it contains. @fn must not modify the table.
 */
void ptrie_walk(const struct ptrie *t, void (*fn)(const struct prefix *p, void *value, void *ctx),
		void *ctx);
