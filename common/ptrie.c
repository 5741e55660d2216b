// SPDX-License-Identifier: MIT
/*
 * ptrie.c - path-compressed binary (PATRICIA-style) trie for longest-prefix
 * match. Every node carries its full masked prefix; a node either holds a
 * value or is a branch ("glue") node with two children, so the depth is at
 * most 33 / 129 nodes and lookups are a short pointer walk with byte compares.
 * Owns its nodes only; values belong to the caller.
 */
#include "ptrie.h"

#include <errno.h>
#include <string.h>

struct pnode {
	struct pnode *child[2];
	void *value; /* NULL: branch-only node */
	uint8_t key[16];
	uint8_t plen;
};

struct ptrie {
	struct pnode *root4, *root6;
	size_t count;
};

/* Longest possible path: one node per prefix length 0..128. */
#define PTRIE_MAX_DEPTH 130

static unsigned max_bits(int family)
{
	return family == AF_INET ? 32 : 128;
}

static inline unsigned bit_at(const uint8_t *a, unsigned i)
{
	return (a[i >> 3] >> (7 - (i & 7))) & 1;
}

/* True if the first @bits bits of @a and @b agree. */
static inline bool bits_match(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned full = bits >> 3, rest = bits & 7;

	if (full && memcmp(a, b, full) != 0)
		return false;
	if (!rest)
		return true;
	return ((a[full] ^ b[full]) & (uint8_t)(0xff00 >> rest)) == 0;
}

/* Length of the common leading bits of @a and @b, at most @limit. */
static unsigned common_bits(const uint8_t *a, const uint8_t *b, unsigned limit)
{
	for (unsigned i = 0; i * 8 < limit; i++) {
		unsigned x = a[i] ^ b[i];
		if (x) {
			unsigned n = i * 8 + (unsigned)__builtin_clz(x) - 24;
			return n < limit ? n : limit;
		}
	}
	return limit;
}

static struct pnode **root_of(struct ptrie *t, int family)
{
	if (family == AF_INET)
		return &t->root4;
	if (family == AF_INET6)
		return &t->root6;
	return NULL;
}

static const struct pnode *croot_of(const struct ptrie *t, int family)
{
	return family == AF_INET ? t->root4 : family == AF_INET6 ? t->root6 : NULL;
}

/* Validate @p and copy its masked address into @key. */
static int masked_key(const struct prefix *p, uint8_t key[16])
{
	struct prefix m;

	if (!p || (p->family != AF_INET && p->family != AF_INET6) || p->plen > max_bits(p->family))
		return -EINVAL;
	m = *p;
	prefix_mask(&m);
	memcpy(key, m.addr, 16);
	return 0;
}

static struct pnode *node_new(const uint8_t key[16], unsigned plen, void *value)
{
	struct pnode *n = xcalloc(1, sizeof(*n));
	struct prefix m = {.family = AF_INET6, .plen = (uint8_t)plen};

	memcpy(m.addr, key, 16);
	prefix_mask(&m);
	memcpy(n->key, m.addr, 16);
	n->plen = (uint8_t)plen;
	n->value = value;
	return n;
}

struct ptrie *ptrie_new(void)
{
	return xcalloc(1, sizeof(struct ptrie));
}

static void free_nodes(struct pnode *n)
{
	if (!n)
		return;
	free_nodes(n->child[0]);
	free_nodes(n->child[1]);
	free(n);
}

void ptrie_clear(struct ptrie *t)
{
	free_nodes(t->root4);
	free_nodes(t->root6);
	t->root4 = t->root6 = NULL;
	t->count = 0;
}

void ptrie_free(struct ptrie *t)
{
	if (!t)
		return;
	ptrie_clear(t);
	free(t);
}

size_t ptrie_count(const struct ptrie *t)
{
	return t->count;
}

int ptrie_insert(struct ptrie *t, const struct prefix *p, void *value)
{
	uint8_t key[16];
	struct pnode **link;
	unsigned plen;

	if (!value || masked_key(p, key) < 0)
		return -EINVAL;
	plen = p->plen;
	link = root_of(t, p->family);
	while (*link) {
		struct pnode *n = *link;
		unsigned common = common_bits(n->key, key, MIN((unsigned)n->plen, plen));

		if (common < n->plen) {
			/* @n's prefix is not a prefix of @key: insert above @n. */
			struct pnode *fresh = node_new(key, plen, value);
			if (common == plen) {
				fresh->child[bit_at(n->key, plen)] = n;
				*link = fresh;
			} else {
				struct pnode *glue = node_new(key, common, NULL);
				glue->child[bit_at(n->key, common)] = n;
				glue->child[bit_at(key, common)] = fresh;
				*link = glue;
			}
			t->count++;
			return 0;
		}
		if (n->plen == plen) {
			if (n->value)
				return -EEXIST;
			n->value = value;
			t->count++;
			return 0;
		}
		link = &n->child[bit_at(key, n->plen)];
	}
	*link = node_new(key, plen, value);
	t->count++;
	return 0;
}

int ptrie_remove(struct ptrie *t, const struct prefix *p)
{
	struct pnode **path[PTRIE_MAX_DEPTH];
	size_t depth = 0;
	uint8_t key[16];
	struct pnode **link, *n;

	if (masked_key(p, key) < 0)
		return -EINVAL;
	link = root_of(t, p->family);
	for (;;) {
		n = *link;
		if (!n || n->plen > p->plen || !bits_match(n->key, key, n->plen))
			return -ENOENT;
		path[depth++] = link;
		if (n->plen == p->plen)
			break;
		link = &n->child[bit_at(key, n->plen)];
	}
	if (!n->value)
		return -ENOENT;
	n->value = NULL;
	t->count--;

	/*
	 * Restore the invariant that every valueless node has two children:
	 * splice out @n if it has fewer, then its parent if that became a
	 * one-child branch node.
	 */
	while (depth > 0) {
		link = path[--depth];
		n = *link;
		if (n->value || (n->child[0] && n->child[1]))
			break;
		*link = n->child[0] ? n->child[0] : n->child[1];
		free(n);
	}
	return 0;
}

void *ptrie_lookup(const struct ptrie *t, int family, const uint8_t *addr)
{
	const struct pnode *n = croot_of(t, family);
	unsigned maxb = max_bits(family);
	void *best = NULL;

	while (n && bits_match(n->key, addr, n->plen)) {
		if (n->value)
			best = n->value;
		if (n->plen >= maxb)
			break;
		n = n->child[bit_at(addr, n->plen)];
	}
	return best;
}

void *ptrie_get_exact(const struct ptrie *t, const struct prefix *p)
{
	uint8_t key[16];
	const struct pnode *n;

	if (masked_key(p, key) < 0)
		return NULL;
	n = croot_of(t, p->family);
	while (n && n->plen <= p->plen && bits_match(n->key, key, n->plen)) {
		if (n->plen == p->plen)
			return n->value;
		n = n->child[bit_at(key, n->plen)];
	}
	return NULL;
}

static void walk(const struct pnode *n, int family,
		 void (*fn)(const struct prefix *p, void *value, void *ctx), void *ctx)
{
	if (!n)
		return;
	if (n->value) {
		struct prefix p = {.family = family, .plen = n->plen};
		memcpy(p.addr, n->key, 16);
		fn(&p, n->value, ctx);
	}
	walk(n->child[0], family, fn, ctx);
	walk(n->child[1], family, fn, ctx);
}

void ptrie_walk(const struct ptrie *t, void (*fn)(const struct prefix *p, void *value, void *ctx),
		void *ctx)
{
	walk(t->root4, AF_INET, fn, ctx);
	walk(t->root6, AF_INET6, fn, ctx);
}
