// SPDX-License-Identifier: MIT
/*
 * test_peer.c - daemon/peer.[ch]: peers built from hand-made struct
 * conf_peer (key, prefixes, endpoint, OAL address from the shared address
 * vectors), the receiver-index hash against a reference model (thousands of
 * indices, add/delete churn with tombstones, growth, removal of a peer), the
 * per-peer packet queue (FIFO, PEER_QUEUE_MAX with drop-oldest and its
 * counter, buffers back to their pool), lookups by key / X25519 key / name /
 * endpoint, and longest-prefix routing across several peers after
 * peer_table_rebuild_routes.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "handshake.h"
#include "pbuf.h"
#include "peer.h"

/* Dummy handshake callbacks: nothing in these tests starts a handshake. */
static int cb_index_new(void *ctx, struct hs_peer *peer, uint32_t *index)
{
	(void)ctx;
	(void)peer;
	(void)index;
	return -ENOSPC;
}

static void cb_index_free(void *ctx, uint32_t index)
{
	(void)ctx;
	(void)index;
	cr_assert_fail("index_free without index_new");
}

static struct hs_peer *cb_peer_by_key(void *ctx, const uint8_t x_pk[32])
{
	(void)ctx;
	(void)x_pk;
	return NULL;
}

static struct hs_peer *cb_peer_by_index(void *ctx, uint32_t index)
{
	(void)ctx;
	(void)index;
	return NULL;
}

static const struct hs_ops ops = {
	.index_new = cb_index_new,
	.index_free = cb_index_free,
	.peer_by_key = cb_peer_by_key,
	.peer_by_index = cb_peer_by_index,
};

static struct hs_local hl;
static uint8_t my_x_sk[32];
static struct conf cf;

static void keypair(uint8_t tag, uint8_t ed_pk[32], uint8_t x_pk[32])
{
	uint8_t seed[32], ed_sk[64];

	memset(seed, tag, sizeof(seed));
	cr_assert_eq(crypto_sign_seed_keypair(ed_pk, ed_sk, seed), 0);
	if (x_pk)
		cr_assert_eq(crypto_sign_ed25519_pk_to_curve25519(x_pk, ed_pk), 0);
}

static void setup(void)
{
	uint8_t ed_pk[32], ed_sk[64], x_pk[32], seed[32];
	struct hs_config hc;

	cr_assert_geq(sodium_init(), 0);
	memset(seed, 0xee, sizeof(seed));
	cr_assert_eq(crypto_sign_seed_keypair(ed_pk, ed_sk, seed), 0);
	cr_assert_eq(crypto_sign_ed25519_sk_to_curve25519(my_x_sk, ed_sk), 0);
	cr_assert_eq(crypto_sign_ed25519_pk_to_curve25519(x_pk, ed_pk), 0);
	hs_config_default(&hc);
	cr_assert_eq(hs_local_init(&hl, ed_pk, my_x_sk, x_pk, &hc, &ops, NULL), 0);
	conf_init(&cf);
	cr_assert_eq(addr_parse_prefix("fd00:1234:5678::/48", &cf.omni.ula_domain), 0);
	cf.omni.link_id = 1;
}

static void teardown(void)
{
	hs_local_deinit(&hl);
	conf_free(&cf);
}

TestSuite(peer, .init = setup, .fini = teardown);

static struct prefix P(const char *s)
{
	struct prefix p;

	cr_assert_eq(addr_parse_prefix(s, &p), 0, "%s", s);
	return p;
}

static union sockaddr_any EP(const char *s)
{
	union sockaddr_any a;

	cr_assert_eq(addr_parse_endpoint(s, 8060, &a), 0, "%s", s);
	return a;
}

/* A hand-built peer config; @mnp NULL means msid; @allowed is a NULL-terminated list. */
struct pcfg {
	struct conf_peer cp;
	struct prefix allowed[8];
	union sockaddr_any ep[2];
};

static void pcfg_make(struct pcfg *pc, const char *name, uint8_t key_tag, const char *mnp,
		      uint32_t msid, const char *endpoint, const char *const *allowed)
{
	memset(pc, 0, sizeof(*pc));
	snprintf(pc->cp.name, sizeof(pc->cp.name), "%s", name);
	keypair(key_tag, pc->cp.public_key, NULL);
	pc->cp.has_public_key = true;
	if (mnp) {
		pc->cp.has_mnp = true;
		pc->cp.mnp = P(mnp);
	} else {
		pc->cp.msid = msid;
	}
	if (endpoint) {
		pc->ep[0] = EP(endpoint);
		pc->cp.endpoints = pc->ep;
		pc->cp.n_endpoints = 1;
	}
	for (size_t i = 0; allowed && allowed[i]; i++) {
		cr_assert_lt(i, ARRAY_SIZE(pc->allowed));
		pc->allowed[i] = P(allowed[i]);
		pc->cp.n_allowed = i + 1;
	}
	pc->cp.allowed = pc->allowed;
}

static struct peer *mk(const char *name, uint8_t key_tag, const char *mnp, uint32_t msid,
		       const char *endpoint, const char *const *allowed)
{
	struct pcfg pc;
	int err = 1;

	pcfg_make(&pc, name, key_tag, mnp, msid, endpoint, allowed);
	struct peer *p = peer_new(&pc.cp, &cf, &hl, &err);
	cr_assert_not_null(p, "peer_new %s: %d", name, err);
	cr_assert_eq(err, 0);
	return p;
}

static void assert_in6(const struct in6_addr *a, const char *want)
{
	char got[INET6_ADDRSTRLEN];

	cr_assert_not_null(inet_ntop(AF_INET6, a, got, sizeof(got)));
	cr_assert_str_eq(got, want);
}

Test(peer, new_from_config)
{
	const char *const allowed[] = { "10.77.0.2/32", "2001:db8:beef::1/48", NULL };
	struct pcfg pc;
	uint8_t x_pk[32];
	int err = 1;

	pcfg_make(&pc, "beta", 1, "2001:db8:1000:3000::/56", 0, "192.0.2.20:8061", allowed);
	pc.cp.persistent_keepalive = 25;
	struct peer *p = peer_new(&pc.cp, &cf, &hl, &err);
	cr_assert_not_null(p);
	cr_assert_eq(err, 0);
	cr_assert_str_eq(p->name, "beta");
	cr_assert_arr_eq(p->ed_pk, pc.cp.public_key, 32);
	keypair(1, (uint8_t[32]){ 0 }, x_pk);
	cr_assert_arr_eq(p->hs.x_pk, x_pk, 32, "X25519 form of the key");
	cr_assert_arr_eq(p->hs.ed_pk, pc.cp.public_key, 32);
	cr_assert_eq(p->hs.local, &hl);
	/* OAL address = ULA-MNP (10-addresses.json, mnp 2001:db8:1000:3000::/56). */
	assert_in6(&p->oal_addr, "fd00:1234:5678:1:2001:db8:1000:3000");
	/* mnp first, then allowed prefixes, host bits cleared. */
	cr_assert_eq(p->n_prefixes, 3);
	char buf[ADDR_STR_MAX];
	cr_assert_str_eq(prefix_format(&p->prefixes[0], buf, sizeof(buf)),
			 "2001:db8:1000:3000::/56");
	cr_assert_str_eq(prefix_format(&p->prefixes[1], buf, sizeof(buf)), "10.77.0.2/32");
	cr_assert_str_eq(prefix_format(&p->prefixes[2], buf, sizeof(buf)), "2001:db8:beef::/48");
	cr_assert(p->has_endpoint);
	cr_assert_str_eq(addr_format_endpoint(&p->endpoint, buf, sizeof(buf)), "192.0.2.20:8061");
	cr_assert_eq(p->underlay, -1);
	cr_assert_eq(p->persistent_keepalive, 25);
	cr_assert_eq(p->hs.persistent_keepalive_ms, 25000);
	cr_assert_eq(p->hs.deadline_ms, HS_NO_DEADLINE);
	cr_assert_eq(p->q_len, 0);
	cr_assert_null(p->q_head);
	cr_assert_null(p->q_tail);
	peer_free(p);
	peer_free(NULL);
}

Test(peer, new_msid_no_endpoint)
{
	struct peer *p = mk("server-1", 2, NULL, 168496141, NULL, NULL);

	/* ULA-ADM (10-addresses.json, msid 168496141). */
	assert_in6(&p->oal_addr, "fd00:1234:5678:1::a0b:c0d");
	cr_assert_eq(p->n_prefixes, 0);
	cr_assert_not_null(p->prefixes, "an empty prefix array is still allocated");
	cr_assert_not(p->has_endpoint);
	cr_assert_eq(p->persistent_keepalive, 0);
	peer_free(p);
}

Test(peer, new_bad_key)
{
	struct pcfg pc;
	int err = 0;

	pcfg_make(&pc, "bad", 3, NULL, 1, NULL, NULL);
	memset(pc.cp.public_key, 0, 32); /* small-order point */
	cr_assert_null(peer_new(&pc.cp, &cf, &hl, &err));
	cr_assert_eq(err, -EINVAL);
	err = 0;
	memset(pc.cp.public_key, 0xff, 32); /* not a canonical encoding */
	cr_assert_null(peer_new(&pc.cp, &cf, &hl, &err));
	cr_assert_eq(err, -EINVAL);
}

Test(peer, update_prefixes_and_endpoint)
{
	const char *const a1[] = { "10.0.0.0/8", NULL };
	const char *const a2[] = { "10.1.0.0/16", "10.2.0.0/16", "2001:db8:9::/48", NULL };
	struct pcfg pc;
	char buf[ADDR_STR_MAX];

	struct peer *p = mk("gamma", 4, "2001:db8:1000:2000::/56", 0, "192.0.2.1:1", a1);
	cr_assert_eq(p->n_prefixes, 2);
	pcfg_make(&pc, "gamma", 4, NULL, 2, "[2001:db8::5]:9", a2);
	pc.cp.persistent_keepalive = 7;
	peer_update(p, &pc.cp, &cf);
	cr_assert_eq(p->n_prefixes, 3);
	cr_assert_str_eq(prefix_format(&p->prefixes[0], buf, sizeof(buf)), "10.1.0.0/16");
	cr_assert_str_eq(prefix_format(&p->prefixes[2], buf, sizeof(buf)), "2001:db8:9::/48");
	assert_in6(&p->oal_addr, "fd00:1234:5678:1::2");
	cr_assert_str_eq(addr_format_endpoint(&p->endpoint, buf, sizeof(buf)),
			 "[2001:db8::5]:9");
	cr_assert_eq(p->persistent_keepalive, 7);
	cr_assert_eq(p->hs.persistent_keepalive_ms, 7000);

	/* A config without endpoint keeps the known one. */
	pcfg_make(&pc, "gamma", 4, NULL, 2, NULL, NULL);
	peer_update(p, &pc.cp, &cf);
	cr_assert(p->has_endpoint);
	cr_assert_str_eq(addr_format_endpoint(&p->endpoint, buf, sizeof(buf)),
			 "[2001:db8::5]:9");
	cr_assert_eq(p->n_prefixes, 0);
	peer_free(p);
}

/*
 * A reload that leaves a peer's configured endpoint unchanged must keep the
 * endpoint the peer roamed to (peer.c: "A configured endpoint wins over a
 * roamed one only when it changed"). It does not: peer_update() compares the
 * roamed endpoint with the configured one, which after a roam always differ,
 * so every reload snaps the peer back to its configured endpoint. Reported
 * (daemon/peer.c is not ours); enable once fixed.
 */
Test(peer, update_keeps_roamed_endpoint)
{
	struct pcfg pc;
	char buf[ADDR_STR_MAX];

	struct peer *p = mk("roamer", 5, NULL, 9, "192.0.2.1:8060", NULL);
	p->endpoint = EP("198.51.100.9:4000"); /* what datapath.c roam() does */
	p->c.roamed++;
	pcfg_make(&pc, "roamer", 5, NULL, 9, "192.0.2.1:8060", NULL);
	peer_update(p, &pc.cp, &cf);
	cr_assert_str_eq(addr_format_endpoint(&p->endpoint, buf, sizeof(buf)),
			 "198.51.100.9:4000");
	/* A changed configured endpoint wins. */
	pcfg_make(&pc, "roamer", 5, NULL, 9, "192.0.2.2:8060", NULL);
	peer_update(p, &pc.cp, &cf);
	cr_assert_str_eq(addr_format_endpoint(&p->endpoint, buf, sizeof(buf)), "192.0.2.2:8060");
	peer_free(p);
}

/* Receiver-index hash. */

static struct peer fake[4]; /* only their addresses are used */

Test(peer, index_basic)
{
	struct peer_table t;

	peer_table_init(&t);
	cr_assert_null(peer_index_lookup(&t, 0));
	cr_assert_null(peer_index_lookup(&t, 12345));
	cr_assert_eq(peer_index_add(&t, 12345, &fake[0]), 0);
	cr_assert_eq(peer_index_add(&t, 0, &fake[1]), 0, "index 0 is a valid index");
	cr_assert_eq(peer_index_add(&t, UINT32_MAX, &fake[2]), 0);
	cr_assert_eq(peer_index_lookup(&t, 12345), &fake[0]);
	cr_assert_eq(peer_index_lookup(&t, 0), &fake[1]);
	cr_assert_eq(peer_index_lookup(&t, UINT32_MAX), &fake[2]);
	cr_assert_null(peer_index_lookup(&t, 12346));
	cr_assert_eq(t.idx_used, 3);

	cr_assert_eq(peer_index_add(&t, 12345, &fake[3]), -EEXIST);
	cr_assert_eq(peer_index_add(&t, 12345, &fake[0]), -EEXIST);
	cr_assert_eq(peer_index_lookup(&t, 12345), &fake[0], "the old mapping stays");
	cr_assert_eq(t.idx_used, 3);

	peer_index_del(&t, 12345);
	cr_assert_null(peer_index_lookup(&t, 12345));
	cr_assert_eq(t.idx_used, 2);
	cr_assert_eq(t.idx_tomb, 1);
	peer_index_del(&t, 12345); /* absent: no-op */
	peer_index_del(&t, 999);
	cr_assert_eq(t.idx_used, 2);
	cr_assert_eq(t.idx_tomb, 1);
	cr_assert_eq(peer_index_add(&t, 12345, &fake[3]), 0, "re-add after delete");
	cr_assert_eq(peer_index_lookup(&t, 12345), &fake[3]);
	cr_assert_eq(t.idx_used, 3);
	peer_table_deinit(&t);
}

/* Indices that collide in the hash: the probe chain passes tombstones. */
Test(peer, index_collisions_and_tombstones)
{
	struct peer_table t;
	uint32_t same[64];
	size_t n = 0;

	peer_table_init(&t);
	size_t cap = t.idx_cap;
	/* Find indices whose home slot is the same as index 1's, by brute force. */
	cr_assert_eq(peer_index_add(&t, 1, &fake[0]), 0);
	size_t home = 0;
	for (size_t s = 0; s < cap; s++)
		if (t.idx[s].peer == &fake[0])
			home = s;
	peer_index_del(&t, 1);
	for (uint32_t v = 2; n < 40; v++) {
		struct peer_table probe;
		peer_table_init(&probe);
		cr_assert_eq(peer_index_add(&probe, v, &fake[1]), 0);
		bool hit = probe.idx[home].peer == &fake[1];
		peer_table_deinit(&probe);
		if (hit)
			same[n++] = v;
	}
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(peer_index_add(&t, same[i], &fake[i % 4]), 0);
	/* Delete every other one, then every lookup is still right. */
	for (size_t i = 0; i < n; i += 2)
		peer_index_del(&t, same[i]);
	for (size_t i = 0; i < n; i++) {
		if (i % 2 == 0)
			cr_assert_null(peer_index_lookup(&t, same[i]), "deleted %zu", i);
		else
			cr_assert_eq(peer_index_lookup(&t, same[i]), &fake[i % 4], "kept %zu", i);
	}
	/* Re-adding reuses tombstones and does not create duplicates. */
	for (size_t i = 0; i < n; i += 2)
		cr_assert_eq(peer_index_add(&t, same[i], &fake[0]), 0);
	for (size_t i = 1; i < n; i += 2)
		cr_assert_eq(peer_index_add(&t, same[i], &fake[0]), -EEXIST);
	size_t live = 0;
	for (size_t s = 0; s < t.idx_cap; s++)
		live += t.idx[s].peer != NULL && (uintptr_t)t.idx[s].peer != 1;
	cr_assert_eq(live, n);
	cr_assert_eq(t.idx_used, n);
	peer_table_deinit(&t);
}

static uint64_t xs64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Check the table's bookkeeping against a full scan. */
static void check_table(const struct peer_table *t)
{
	size_t used = 0, tomb = 0;

	cr_assert_eq(t->idx_cap & (t->idx_cap - 1), 0, "capacity is a power of two");
	for (size_t s = 0; s < t->idx_cap; s++) {
		if ((uintptr_t)t->idx[s].peer == 1)
			tomb++;
		else if (t->idx[s].peer)
			used++;
	}
	cr_assert_eq(used, t->idx_used);
	cr_assert_eq(tomb, t->idx_tomb);
	cr_assert_leq((used + tomb) * 4, t->idx_cap * 3, "load factor");
	cr_assert_lt(used + tomb, t->idx_cap, "always a free slot");
}

Test(peer, index_thousands_random)
{
	enum { N = 6000 };
	static uint32_t idx[N];
	struct peer_table t;
	uint64_t rng = 0x1234567887654321ULL;

	peer_table_init(&t);
	/* Distinct random-looking indices: an odd multiplier is a bijection mod 2^32. */
	for (uint32_t i = 0; i < N; i++)
		idx[i] = (i * 0x2545f491u) ^ 0x5bd1e995u;
	for (uint32_t i = 0; i < N; i++) {
		cr_assert_eq(peer_index_add(&t, idx[i], &fake[i % 4]), 0, "add %u", i);
		if (i % 500 == 0)
			check_table(&t);
	}
	check_table(&t);
	cr_assert_geq(t.idx_cap, (size_t)N * 4 / 3, "grew");
	for (uint32_t i = 0; i < N; i++) {
		cr_assert_eq(peer_index_lookup(&t, idx[i]), &fake[i % 4], "lookup %u", i);
		cr_assert_eq(peer_index_add(&t, idx[i], &fake[0]), -EEXIST);
	}
	/* Random indices not in the set are not found. */
	for (int k = 0; k < 20000; k++) {
		uint32_t v = (uint32_t)xs64(&rng);
		uint32_t i = (v ^ 0x5bd1e995u) * 0x41444c71u; /* inverse of the map above */
		cr_assert_eq(i * 0x2545f491u ^ 0x5bd1e995u, v);
		if (i >= N)
			cr_assert_null(peer_index_lookup(&t, v));
	}
	peer_table_deinit(&t);
}

/* Add/delete churn against a reference model; the table stays small, tombstones get recycled. */
Test(peer, index_churn)
{
	enum { U = 3000 };
	static struct peer *model[U];
	static uint32_t idx[U];
	struct peer_table t;
	uint64_t rng = 42;
	size_t present = 0, max_cap = 0;

	memset(model, 0, sizeof(model));
	peer_table_init(&t);
	for (uint32_t i = 0; i < U; i++)
		idx[i] = (i * 0x9e3779b1u) ^ 0xdeadbeefu; /* collide-prone: the table's own mixer */
	for (int step = 0; step < 300000; step++) {
		uint64_t r = xs64(&rng);
		uint32_t i = (uint32_t)(r % U);
		/* Bias towards ~300 live entries with lots of turnover. */
		bool add = (r >> 32) % 3000 >= present * 5;
		if (add) {
			struct peer *p = &fake[(r >> 40) % 4];
			int rc = peer_index_add(&t, idx[i], p);
			if (model[i]) {
				cr_assert_eq(rc, -EEXIST, "step %d", step);
			} else {
				cr_assert_eq(rc, 0, "step %d", step);
				model[i] = p;
				present++;
			}
		} else {
			peer_index_del(&t, idx[i]);
			if (model[i]) {
				model[i] = NULL;
				present--;
			}
		}
		cr_assert_eq(peer_index_lookup(&t, idx[i]), model[i], "step %d", step);
		cr_assert_eq(t.idx_used, present, "step %d", step);
		if (t.idx_cap > max_cap)
			max_cap = t.idx_cap;
		if (step % 10000 == 0) {
			check_table(&t);
			for (uint32_t k = 0; k < U; k++)
				cr_assert_eq(peer_index_lookup(&t, idx[k]), model[k],
					     "step %d k %u", step, k);
		}
	}
	check_table(&t);
	for (uint32_t k = 0; k < U; k++)
		cr_assert_eq(peer_index_lookup(&t, idx[k]), model[k]);
	/* Churn with ~300 live entries never needs more than a few times that. */
	cr_assert_leq(max_cap, 2048, "capacity %zu: tombstones are not being recycled", max_cap);
	peer_table_deinit(&t);
}

/* peer_table_remove drops every index of that peer and no other. */
Test(peer, index_dropped_on_remove)
{
	struct peer_table t;

	peer_table_init(&t);
	struct peer *a = mk("a", 10, NULL, 1, NULL, NULL);
	struct peer *b = mk("b", 11, NULL, 2, NULL, NULL);
	peer_table_add(&t, a);
	peer_table_add(&t, b);
	for (uint32_t i = 0; i < 300; i++)
		cr_assert_eq(peer_index_add(&t, i * 7919u, i % 3 ? a : b), 0);
	peer_table_remove(&t, a);
	cr_assert_eq(t.n, 1);
	cr_assert_eq(t.v[0], b);
	check_table(&t);
	for (uint32_t i = 0; i < 300; i++)
		cr_assert_eq(peer_index_lookup(&t, i * 7919u), i % 3 ? NULL : b, "index %u", i);
	cr_assert_eq(t.idx_used, 100);
	/* The freed indices can be reused. */
	cr_assert_eq(peer_index_add(&t, 7919u, b), 0);
	peer_free(a);
	peer_table_deinit(&t);
}

/* Queue. */

Test(peer, queue_fifo)
{
	struct pbuf_pool *pool = pbuf_pool_new(256, 64, 64);
	struct peer *p = mk("q", 20, NULL, 1, NULL, NULL);

	cr_assert_null(peer_queue_pop(p));
	for (uint64_t i = 0; i < 10; i++) {
		struct pbuf *b = pbuf_pool_get(pool);
		b->meta_u64 = i;
		b->next = b; /* garbage link: push must reset it */
		peer_queue_push(p, b);
		cr_assert_eq(p->q_len, i + 1);
		cr_assert_eq(p->q_tail, b);
	}
	for (uint64_t i = 0; i < 10; i++) {
		struct pbuf *b = peer_queue_pop(p);
		cr_assert_not_null(b);
		cr_assert_eq(b->meta_u64, i, "FIFO order");
		cr_assert_null(b->next, "popped buffers are unlinked");
		cr_assert_eq(p->q_len, 9 - i);
		pbuf_free(b);
	}
	cr_assert_null(peer_queue_pop(p));
	cr_assert_null(p->q_head);
	cr_assert_null(p->q_tail);
	cr_assert_eq(p->c.drop_queue_full, 0);

	/* Interleaved push/pop keeps head and tail consistent. */
	for (uint64_t i = 0; i < 50; i++) {
		struct pbuf *b = pbuf_pool_get(pool);
		b->meta_u64 = i;
		peer_queue_push(p, b);
		if (i % 3 == 2) {
			pbuf_free(peer_queue_pop(p));
			pbuf_free(peer_queue_pop(p));
		}
	}
	uint64_t last = 0;
	unsigned n = 0;
	struct pbuf *b;
	while ((b = peer_queue_pop(p))) {
		cr_assert(n == 0 || b->meta_u64 > last);
		last = b->meta_u64;
		n++;
		pbuf_free(b);
	}
	cr_assert_eq(n, 50 - 2 * (50 / 3));
	struct pbuf_pool_stats s;
	pbuf_pool_stats(pool, &s);
	cr_assert_eq(s.in_use, 0);
	peer_free(p);
	pbuf_pool_free(pool);
}

Test(peer, queue_full_drops_oldest)
{
	struct pbuf_pool *pool = pbuf_pool_new(128, 0, PEER_QUEUE_MAX + 8);
	struct peer *p = mk("full", 21, NULL, 1, NULL, NULL);
	struct pbuf_pool_stats s;

	for (uint64_t i = 0; i < PEER_QUEUE_MAX + 5; i++) {
		struct pbuf *b = pbuf_pool_get(pool);
		cr_assert_not_null(b);
		b->meta_u64 = i;
		peer_queue_push(p, b);
		cr_assert_leq(p->q_len, PEER_QUEUE_MAX);
	}
	cr_assert_eq(p->q_len, PEER_QUEUE_MAX);
	cr_assert_eq(p->c.drop_queue_full, 5);
	pbuf_pool_stats(pool, &s);
	cr_assert_eq(s.in_use, PEER_QUEUE_MAX, "dropped buffers went back to the pool");
	cr_assert_eq(p->q_head->meta_u64, 5, "the oldest were dropped");
	cr_assert_eq(p->q_tail->meta_u64, PEER_QUEUE_MAX + 4, "the newest was kept");

	struct pbuf *b = peer_queue_pop(p);
	cr_assert_eq(b->meta_u64, 5);
	pbuf_free(b);
	peer_queue_clear(p);
	cr_assert_eq(p->q_len, 0);
	cr_assert_null(p->q_head);
	cr_assert_null(p->q_tail);
	pbuf_pool_stats(pool, &s);
	cr_assert_eq(s.in_use, 0, "clear returns every buffer");
	peer_queue_clear(p); /* empty: no-op */

	/* peer_free returns queued buffers too. */
	for (int i = 0; i < 3; i++)
		peer_queue_push(p, pbuf_pool_get(pool));
	peer_free(p);
	pbuf_pool_stats(pool, &s);
	cr_assert_eq(s.in_use, 0);
	pbuf_pool_free(pool);
}

/* Table lookups. */

Test(peer, table_lookups)
{
	struct peer_table t;
	uint8_t pk[32], x[32];

	peer_table_init(&t);
	struct peer *a = mk("alpha", 30, NULL, 1, "192.0.2.1:8060", NULL);
	struct peer *b = mk("beta", 31, NULL, 2, "[2001:db8::2]:8060", NULL);
	struct peer *c = mk("gamma", 32, NULL, 3, NULL, NULL);
	peer_table_add(&t, a);
	peer_table_add(&t, b);
	peer_table_add(&t, c);
	cr_assert_eq(t.n, 3);

	keypair(31, pk, x);
	cr_assert_eq(peer_table_lookup_key(&t, pk), b);
	cr_assert_eq(peer_table_lookup_xkey(&t, x), b);
	cr_assert_null(peer_table_lookup_key(&t, x), "the X25519 key is not the Ed25519 key");
	keypair(32, pk, x);
	cr_assert_eq(peer_table_lookup_key(&t, pk), c);
	cr_assert_eq(peer_table_lookup_xkey(&t, x), c);
	keypair(33, pk, x);
	cr_assert_null(peer_table_lookup_key(&t, pk));
	cr_assert_null(peer_table_lookup_xkey(&t, x));

	cr_assert_eq(peer_table_lookup_name(&t, "alpha"), a);
	cr_assert_eq(peer_table_lookup_name(&t, "gamma"), c);
	cr_assert_null(peer_table_lookup_name(&t, "alph"));
	cr_assert_null(peer_table_lookup_name(&t, "alphaa"));
	cr_assert_null(peer_table_lookup_name(&t, ""));

	union sockaddr_any e = EP("192.0.2.1:8060");
	cr_assert_eq(peer_table_lookup_endpoint(&t, &e), a);
	e = EP("[2001:db8::2]:8060");
	cr_assert_eq(peer_table_lookup_endpoint(&t, &e), b);
	e = EP("192.0.2.1:8061");
	cr_assert_null(peer_table_lookup_endpoint(&t, &e), "port differs");
	e = EP("[::ffff:192.0.2.1]:8060");
	cr_assert_null(peer_table_lookup_endpoint(&t, &e), "family differs");
	union sockaddr_any zero;
	memset(&zero, 0, sizeof(zero));
	cr_assert_null(peer_table_lookup_endpoint(&t, &zero), "no match for peers without one");

	/* After removal nothing finds b; the others are unaffected. */
	peer_table_remove(&t, b);
	cr_assert_eq(t.n, 2);
	keypair(31, pk, x);
	cr_assert_null(peer_table_lookup_key(&t, pk));
	cr_assert_null(peer_table_lookup_xkey(&t, x));
	cr_assert_null(peer_table_lookup_name(&t, "beta"));
	e = EP("[2001:db8::2]:8060");
	cr_assert_null(peer_table_lookup_endpoint(&t, &e));
	cr_assert_eq(peer_table_lookup_name(&t, "alpha"), a);
	cr_assert_eq(peer_table_lookup_name(&t, "gamma"), c);
	peer_table_remove(&t, b); /* not in the table: no-op */
	cr_assert_eq(t.n, 2);
	peer_free(b);
	peer_table_deinit(&t);
}

static struct peer *route(const struct peer_table *t, const char *addr)
{
	uint8_t a[16] = { 0 };

	if (strchr(addr, ':')) {
		cr_assert_eq(inet_pton(AF_INET6, addr, a), 1);
		return peer_table_lookup_addr(t, AF_INET6, a);
	}
	cr_assert_eq(inet_pton(AF_INET, addr, a), 1);
	return peer_table_lookup_addr(t, AF_INET, a);
}

Test(peer, routes_longest_prefix)
{
	static const char *const a_allowed[] = { "10.0.0.0/8", NULL };
	static const char *const b_allowed[] = { "2001:db8:1000:2000::/64", "10.1.0.0/16", NULL };
	static const char *const c_allowed[] = { "::/0", "0.0.0.0/0", NULL };
	static const char *const d_allowed[] = { "2001:db8:1000:2000::1/128", "10.1.2.3/32", NULL };
	struct peer_table t;

	peer_table_init(&t);
	struct peer *a = mk("a", 40, "2001:db8:1000:2000::/56", 0, NULL, a_allowed);
	struct peer *b = mk("b", 41, NULL, 2, NULL, b_allowed);
	struct peer *c = mk("c", 42, NULL, 3, NULL, c_allowed);
	struct peer *d = mk("d", 43, NULL, 4, NULL, d_allowed);
	peer_table_add(&t, c); /* insertion order must not matter */
	peer_table_add(&t, a);
	peer_table_add(&t, d);
	peer_table_add(&t, b);

	cr_assert_null(route(&t, "2001:db8:1000:2000::1"), "no routes before the rebuild");
	cr_assert_eq(peer_table_rebuild_routes(&t), 0);

	cr_assert_eq(route(&t, "2001:db8:1000:2000::1"), d);
	cr_assert_eq(route(&t, "2001:db8:1000:2000::2"), b);
	cr_assert_eq(route(&t, "2001:db8:1000:2000:ffff:ffff:ffff:ffff"), b);
	cr_assert_eq(route(&t, "2001:db8:1000:2001::1"), a);
	cr_assert_eq(route(&t, "2001:db8:1000:20ff:ffff::"), a);
	cr_assert_eq(route(&t, "2001:db8:1000:2100::"), c);
	cr_assert_eq(route(&t, "::"), c);
	cr_assert_eq(route(&t, "10.1.2.3"), d);
	cr_assert_eq(route(&t, "10.1.2.4"), b);
	cr_assert_eq(route(&t, "10.1.255.255"), b);
	cr_assert_eq(route(&t, "10.2.0.0"), a);
	cr_assert_eq(route(&t, "10.255.255.255"), a);
	cr_assert_eq(route(&t, "11.0.0.0"), c);
	cr_assert_eq(route(&t, "0.0.0.0"), c);

	/* Rebuilding is idempotent. */
	cr_assert_eq(peer_table_rebuild_routes(&t), 0);
	cr_assert_eq(route(&t, "2001:db8:1000:2000::1"), d);

	/* Remove d and the default peer: the next-longest match takes over, else nothing. */
	peer_table_remove(&t, d);
	peer_table_remove(&t, c);
	cr_assert_eq(peer_table_rebuild_routes(&t), 0);
	cr_assert_eq(route(&t, "2001:db8:1000:2000::1"), b);
	cr_assert_eq(route(&t, "10.1.2.3"), b);
	cr_assert_null(route(&t, "2001:db8:1000:2100::"));
	cr_assert_null(route(&t, "11.0.0.0"));

	/* An updated peer's new prefixes count after the next rebuild. */
	static const char *const b_new[] = { "10.1.2.0/24", NULL };
	struct pcfg pc;
	pcfg_make(&pc, "b", 41, NULL, 2, NULL, b_new);
	peer_update(b, &pc.cp, &cf);
	cr_assert_eq(peer_table_rebuild_routes(&t), 0);
	cr_assert_eq(route(&t, "10.1.2.3"), b);
	cr_assert_eq(route(&t, "10.1.3.3"), a);
	cr_assert_eq(route(&t, "2001:db8:1000:2000::1"), a);

	peer_free(c);
	peer_free(d);
	peer_table_deinit(&t);
}

/* Two peers claiming the same prefix: the rebuild succeeds and the first one keeps it. */
Test(peer, routes_duplicate_prefix)
{
	static const char *const same[] = { "192.0.2.0/24", NULL };
	struct peer_table t;

	peer_table_init(&t);
	struct peer *a = mk("a", 50, NULL, 1, NULL, same);
	struct peer *b = mk("b", 51, NULL, 2, NULL, same);
	peer_table_add(&t, a);
	peer_table_add(&t, b);
	cr_assert_eq(peer_table_rebuild_routes(&t), 0);
	cr_assert_eq(route(&t, "192.0.2.7"), a);
	peer_table_remove(&t, a);
	cr_assert_eq(peer_table_rebuild_routes(&t), 0);
	cr_assert_eq(route(&t, "192.0.2.7"), b);
	peer_free(a);
	peer_table_deinit(&t);
}

/* Host bits in configured prefixes are cleared before they reach the trie. */
Test(peer, routes_host_bits)
{
	static const char *const al[] = { "198.51.100.77/24", NULL };
	struct peer_table t;

	peer_table_init(&t);
	struct peer *a = mk("a", 60, "2001:db8:1000:20ff:1::/56", 0, NULL, al);
	peer_table_add(&t, a);
	cr_assert_eq(peer_table_rebuild_routes(&t), 0);
	cr_assert_eq(route(&t, "198.51.100.1"), a);
	cr_assert_eq(route(&t, "2001:db8:1000:2000::"), a);
	assert_in6(&a->oal_addr, "fd00:1234:5678:1:2001:db8:1000:2000");
	peer_table_deinit(&t);
}

/* Many peers: every peer's own /64 routes to it. */
Test(peer, routes_many_peers)
{
	enum { N = 200 };
	struct peer_table t;
	struct peer *ps[N];

	peer_table_init(&t);
	for (int i = 0; i < N; i++) {
		char mnp[64], name[16];
		snprintf(mnp, sizeof(mnp), "2001:db8:%x::/64", i);
		snprintf(name, sizeof(name), "p%d", i);
		ps[i] = mk(name, (uint8_t)(100 + i % 150), mnp, 0, NULL, NULL);
		peer_table_add(&t, ps[i]);
	}
	cr_assert_eq(peer_table_rebuild_routes(&t), 0);
	for (int i = 0; i < N; i++) {
		char a[64], name[16];
		snprintf(a, sizeof(a), "2001:db8:%x::%x", i, i + 1);
		snprintf(name, sizeof(name), "p%d", i);
		cr_assert_eq(route(&t, a), ps[i], "%s", a);
		cr_assert_eq(peer_table_lookup_name(&t, name), ps[i]);
	}
	cr_assert_null(route(&t, "2001:db8:ffff::1"));
	peer_table_deinit(&t);
}
