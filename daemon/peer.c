// SPDX-License-Identifier: MIT
/*
 * peer.c - neighbor objects and their lookup structures (peer.h). Owns every
 * struct peer, the prefix trie and the receiver-index hash; allocates only on
 * configuration changes and handshakes, never per data packet.
 */
#include "peer.h"
#include "keys.h"
#include "log.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PEER_TOMBSTONE ((struct peer *)(uintptr_t)1)

void peer_table_init(struct peer_table *t)
{
	memset(t, 0, sizeof(*t));
	t->routes = ptrie_new();
	t->idx_cap = 256;
	t->idx = xcalloc(t->idx_cap, sizeof(*t->idx));
}

void peer_table_deinit(struct peer_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		peer_free(t->v[i]);
	free(t->v);
	ptrie_free(t->routes);
	free(t->idx);
	memset(t, 0, sizeof(*t));
}

static void set_prefixes(struct peer *p, const struct conf_peer *cp)
{
	free(p->prefixes);
	p->n_prefixes = cp->n_allowed + (cp->has_mnp ? 1 : 0);
	p->prefixes = xcalloc(p->n_prefixes ? p->n_prefixes : 1, sizeof(*p->prefixes));
	size_t k = 0;
	if (cp->has_mnp) {
		p->prefixes[k] = cp->mnp;
		prefix_mask(&p->prefixes[k]);
		k++;
	}
	for (size_t i = 0; i < cp->n_allowed; i++) {
		p->prefixes[k] = cp->allowed[i];
		prefix_mask(&p->prefixes[k]);
		k++;
	}
}

static void set_oal_addr(struct peer *p, const struct conf_peer *cp, const struct conf *c)
{
	if (cp->has_mnp)
		omni_ula_from_mnp(&c->omni.ula_domain, c->omni.link_id, &cp->mnp, &p->oal_addr);
	else
		omni_ula_adm(&c->omni.ula_domain, c->omni.link_id, cp->msid, &p->oal_addr);
}

struct peer *peer_new(const struct conf_peer *cp, const struct conf *c, struct hs_local *l,
		      int *err)
{
	struct peer *p = xcalloc(1, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", cp->name);
	memcpy(p->ed_pk, cp->public_key, 32);
	int r = hs_peer_init(&p->hs, l, p->ed_pk, cp->persistent_keepalive);
	if (r < 0) {
		free(p);
		*err = r;
		return NULL;
	}
	p->underlay = -1;
	randombytes_buf(&p->oal_id, sizeof(p->oal_id));
	peer_update(p, cp, c);
	*err = 0;
	return p;
}

void peer_update(struct peer *p, const struct conf_peer *cp, const struct conf *c)
{
	p->kind = cp->kind;
	if (cp->kind == CONF_PEER_STATIC)
		set_prefixes(p, cp);
	set_oal_addr(p, cp, c);
	p->persistent_keepalive = cp->persistent_keepalive;
	if (cp->n_endpoints > 0) {
		/* A configured endpoint wins over a roamed one only when the config changed it. */
		if (!p->has_conf_endpoint || !addr_equal(&p->conf_endpoint, &cp->endpoints[0]) ||
		    !p->has_endpoint)
			p->endpoint = cp->endpoints[0];
		p->conf_endpoint = cp->endpoints[0];
		p->has_conf_endpoint = true;
		p->has_endpoint = true;
	} else {
		p->has_conf_endpoint = false;
	}
	p->hs.persistent_keepalive_ms = (uint64_t)cp->persistent_keepalive * 1000;
}

void peer_free(struct peer *p)
{
	if (!p)
		return;
	peer_queue_clear(p);
	hs_peer_deinit(&p->hs);
	free(p->prefixes);
	free(p);
}

void peer_table_add(struct peer_table *t, struct peer *p)
{
	t->v = xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
	t->v[t->n++] = p;
}

void peer_table_remove(struct peer_table *t, struct peer *p)
{
	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i] == p) {
			memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof(*t->v));
			t->n--;
			break;
		}
	}
	/* Drop every index that still points at @p. */
	for (size_t i = 0; i < t->idx_cap; i++) {
		if (t->idx[i].peer == p) {
			t->idx[i].peer = PEER_TOMBSTONE;
			t->idx_used--;
			t->idx_tomb++;
		}
	}
}

int peer_table_rebuild_routes(struct peer_table *t)
{
	ptrie_clear(t->routes);
	for (size_t i = 0; i < t->n; i++) {
		struct peer *p = t->v[i];
		for (size_t k = 0; k < p->n_prefixes; k++) {
			int r = ptrie_insert(t->routes, &p->prefixes[k], p);
			if (r < 0 && r != -EEXIST)
				return r;
		}
	}
	return 0;
}

struct peer *peer_table_lookup_key(const struct peer_table *t, const uint8_t ed_pk[32])
{
	for (size_t i = 0; i < t->n; i++)
		if (keys_equal(t->v[i]->ed_pk, ed_pk, 32))
			return t->v[i];
	return NULL;
}

struct peer *peer_table_lookup_xkey(const struct peer_table *t, const uint8_t x_pk[32])
{
	for (size_t i = 0; i < t->n; i++)
		if (keys_equal(t->v[i]->hs.x_pk, x_pk, 32))
			return t->v[i];
	return NULL;
}

struct peer *peer_table_lookup_name(const struct peer_table *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->v[i]->name, name) == 0)
			return t->v[i];
	return NULL;
}

struct peer *peer_table_lookup_endpoint(const struct peer_table *t, const union sockaddr_any *a)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i]->has_endpoint && addr_equal(&t->v[i]->endpoint, a))
			return t->v[i];
	return NULL;
}

static size_t slot_of(uint32_t index, size_t cap)
{
	/* Indices are random, but mix anyway so a chosen pattern cannot cluster. */
	uint32_t h = index * 0x9e3779b1u;
	return (h ^ (h >> 16)) & (cap - 1);
}

static void idx_grow(struct peer_table *t)
{
	struct peer_index_entry *old = t->idx;
	size_t old_cap = t->idx_cap;
	if ((t->idx_used + 1) * 2 > t->idx_cap)
		t->idx_cap *= 2;
	t->idx = xcalloc(t->idx_cap, sizeof(*t->idx));
	t->idx_used = 0;
	t->idx_tomb = 0;
	for (size_t i = 0; i < old_cap; i++) {
		if (old[i].peer && old[i].peer != PEER_TOMBSTONE) {
			size_t s = slot_of(old[i].index, t->idx_cap);
			while (t->idx[s].peer)
				s = (s + 1) & (t->idx_cap - 1);
			t->idx[s] = old[i];
			t->idx_used++;
		}
	}
	free(old);
}

int peer_index_add(struct peer_table *t, uint32_t index, struct peer *p)
{
	if (peer_index_lookup(t, index))
		return -EEXIST;
	if ((t->idx_used + t->idx_tomb + 1) * 4 > t->idx_cap * 3)
		idx_grow(t);
	size_t s = slot_of(index, t->idx_cap);
	while (t->idx[s].peer && t->idx[s].peer != PEER_TOMBSTONE)
		s = (s + 1) & (t->idx_cap - 1);
	if (t->idx[s].peer == PEER_TOMBSTONE)
		t->idx_tomb--;
	t->idx[s] = (struct peer_index_entry){ .index = index, .peer = p };
	t->idx_used++;
	return 0;
}

static struct peer_index_entry *idx_find(const struct peer_table *t, uint32_t index)
{
	size_t s = slot_of(index, t->idx_cap);
	for (size_t n = 0; n < t->idx_cap; n++) {
		struct peer_index_entry *e = &t->idx[s];
		if (!e->peer)
			return NULL;
		if (e->peer != PEER_TOMBSTONE && e->index == index)
			return e;
		s = (s + 1) & (t->idx_cap - 1);
	}
	return NULL;
}

void peer_index_del(struct peer_table *t, uint32_t index)
{
	struct peer_index_entry *e = idx_find(t, index);
	if (e) {
		e->peer = PEER_TOMBSTONE;
		t->idx_used--;
		t->idx_tomb++;
	}
}

struct peer *peer_index_lookup(const struct peer_table *t, uint32_t index)
{
	struct peer_index_entry *e = idx_find(t, index);
	return e ? e->peer : NULL;
}

void peer_queue_push(struct peer *p, struct pbuf *b)
{
	if (p->q_len >= PEER_QUEUE_MAX) {
		/* Keep the newest packets: drop the oldest. */
		pbuf_free(peer_queue_pop(p));
		p->c.drop_queue_full++;
	}
	b->next = NULL;
	if (p->q_tail)
		p->q_tail->next = b;
	else
		p->q_head = b;
	p->q_tail = b;
	p->q_len++;
}

struct pbuf *peer_queue_pop(struct peer *p)
{
	struct pbuf *b = p->q_head;
	if (!b)
		return NULL;
	p->q_head = b->next;
	if (!p->q_head)
		p->q_tail = NULL;
	b->next = NULL;
	p->q_len--;
	return b;
}

void peer_queue_clear(struct peer *p)
{
	struct pbuf *b;
	while ((b = peer_queue_pop(p)))
		pbuf_free(b);
}
