// SPDX-License-Identifier: MIT
/*
 * test_ptrie.c - ptrie.[ch]: longest-prefix match against a brute-force
 * reference over random prefix sets (insert, lookup, remove), default and
 * host routes of both families, exact get, duplicates, walk order and
 * argument checks.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ptrie.h"

static struct prefix P(const char *s)
{
	struct prefix p;

	cr_assert_eq(addr_parse_prefix(s, &p), 0, "%s", s);
	return p;
}

static void *lookup_str(const struct ptrie *t, const char *addr)
{
	uint8_t a[16] = { 0 };

	if (strchr(addr, ':')) {
		cr_assert_eq(inet_pton(AF_INET6, addr, a), 1);
		return ptrie_lookup(t, AF_INET6, a);
	}
	cr_assert_eq(inet_pton(AF_INET, addr, a), 1);
	return ptrie_lookup(t, AF_INET, a);
}

static int v[16];
#define VAL(i) ((void *)&v[i])

Test(ptrie, empty)
{
	struct ptrie *t = ptrie_new();
	struct prefix p = P("::/0");

	cr_assert_null(lookup_str(t, "::1"));
	cr_assert_null(lookup_str(t, "10.0.0.1"));
	cr_assert_null(ptrie_get_exact(t, &p));
	cr_assert_eq(ptrie_remove(t, &p), -ENOENT);
	cr_assert_eq(ptrie_count(t), 0);
	ptrie_free(t);
	ptrie_free(NULL);
}

Test(ptrie, default_routes_and_host_routes)
{
	struct ptrie *t = ptrie_new();
	struct prefix d6 = P("::/0"), d4 = P("0.0.0.0/0"), h6 = P("2001:db8::1/128"),
		      h4 = P("10.1.2.3/32"), n6 = P("2001:db8::/32"), n4 = P("10.0.0.0/8");

	cr_assert_eq(ptrie_insert(t, &d6, VAL(0)), 0);
	cr_assert_eq(ptrie_insert(t, &d4, VAL(1)), 0);
	cr_assert_eq(lookup_str(t, "2001:db8::1"), VAL(0));
	cr_assert_eq(lookup_str(t, "::"), VAL(0));
	cr_assert_eq(lookup_str(t, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), VAL(0));
	cr_assert_eq(lookup_str(t, "255.255.255.255"), VAL(1));
	cr_assert_eq(lookup_str(t, "0.0.0.0"), VAL(1));

	cr_assert_eq(ptrie_insert(t, &h6, VAL(2)), 0);
	cr_assert_eq(ptrie_insert(t, &h4, VAL(3)), 0);
	cr_assert_eq(ptrie_insert(t, &n6, VAL(4)), 0);
	cr_assert_eq(ptrie_insert(t, &n4, VAL(5)), 0);
	cr_assert_eq(lookup_str(t, "2001:db8::1"), VAL(2));
	cr_assert_eq(lookup_str(t, "2001:db8::2"), VAL(4));
	cr_assert_eq(lookup_str(t, "2001:db9::1"), VAL(0));
	cr_assert_eq(lookup_str(t, "10.1.2.3"), VAL(3));
	cr_assert_eq(lookup_str(t, "10.1.2.4"), VAL(5));
	cr_assert_eq(lookup_str(t, "11.1.2.3"), VAL(1));
	cr_assert_eq(ptrie_count(t), 6);

	/* Families are separate: the IPv4 table does not answer IPv6 and vice versa. */
	cr_assert_eq(ptrie_remove(t, &d4), 0);
	cr_assert_null(lookup_str(t, "11.1.2.3"));
	cr_assert_eq(lookup_str(t, "2001:db9::1"), VAL(0));

	cr_assert_eq(ptrie_remove(t, &h6), 0);
	cr_assert_eq(lookup_str(t, "2001:db8::1"), VAL(4));
	cr_assert_eq(ptrie_remove(t, &h6), -ENOENT);
	cr_assert_eq(ptrie_count(t), 4);
	ptrie_free(t);
}

Test(ptrie, duplicate_and_exact)
{
	struct ptrie *t = ptrie_new();
	struct prefix a = P("2001:db8:1000:2000::/56"), a_host = P("2001:db8:1000:2000::55/56"),
		      shorter = P("2001:db8:1000::/48"), longer = P("2001:db8:1000:2000::/64");

	cr_assert_eq(ptrie_insert(t, &a, VAL(1)), 0);
	cr_assert_eq(ptrie_insert(t, &a, VAL(2)), -EEXIST);
	/* Host bits are ignored: the same prefix. */
	cr_assert_eq(ptrie_insert(t, &a_host, VAL(2)), -EEXIST);
	cr_assert_eq(ptrie_get_exact(t, &a), VAL(1));
	cr_assert_eq(ptrie_get_exact(t, &a_host), VAL(1));
	cr_assert_null(ptrie_get_exact(t, &shorter));
	cr_assert_null(ptrie_get_exact(t, &longer));
	cr_assert_eq(ptrie_remove(t, &shorter), -ENOENT);
	cr_assert_eq(ptrie_remove(t, &longer), -ENOENT);

	/* A branch node created by a split is not an entry. */
	struct prefix b = P("2001:db8:1000:3000::/56"), glue = P("2001:db8:1000:2000::/51");
	cr_assert_eq(ptrie_insert(t, &b, VAL(3)), 0);
	cr_assert_null(ptrie_get_exact(t, &glue));
	cr_assert_eq(ptrie_remove(t, &glue), -ENOENT);
	/* ...but it can become one. */
	cr_assert_eq(ptrie_insert(t, &glue, VAL(4)), 0);
	cr_assert_eq(ptrie_get_exact(t, &glue), VAL(4));
	cr_assert_eq(lookup_str(t, "2001:db8:1000:2010::1"), VAL(1));
	cr_assert_eq(lookup_str(t, "2001:db8:1000:3010::1"), VAL(3));
	cr_assert_eq(lookup_str(t, "2001:db8:1000:2200::1"), VAL(4));
	cr_assert_eq(ptrie_remove(t, &a_host), 0);
	cr_assert_eq(lookup_str(t, "2001:db8:1000:2010::1"), VAL(4));
	cr_assert_eq(ptrie_count(t), 2);

	ptrie_clear(t);
	cr_assert_eq(ptrie_count(t), 0);
	cr_assert_null(lookup_str(t, "2001:db8:1000:3010::1"));
	cr_assert_eq(ptrie_insert(t, &a, VAL(1)), 0);
	ptrie_free(t);
}

Test(ptrie, bad_arguments)
{
	struct ptrie *t = ptrie_new();
	struct prefix p = P("10.0.0.0/8");
	uint8_t a[16] = { 10 };

	cr_assert_eq(ptrie_insert(t, &p, NULL), -EINVAL);
	p.plen = 33;
	cr_assert_eq(ptrie_insert(t, &p, VAL(0)), -EINVAL);
	cr_assert_eq(ptrie_remove(t, &p), -EINVAL);
	cr_assert_null(ptrie_get_exact(t, &p));
	p.plen = 8;
	p.family = AF_UNIX;
	cr_assert_eq(ptrie_insert(t, &p, VAL(0)), -EINVAL);
	p = P("::/0");
	p.plen = 129;
	cr_assert_eq(ptrie_insert(t, &p, VAL(0)), -EINVAL);
	cr_assert_null(ptrie_lookup(t, AF_UNIX, a));
	cr_assert_eq(ptrie_count(t), 0);
	ptrie_free(t);
}

struct walk_ctx {
	char out[16][ADDR_STR_MAX];
	int n;
};

static void walk_cb(const struct prefix *p, void *value, void *ctx)
{
	struct walk_ctx *w = ctx;

	(void)value;
	cr_assert_lt(w->n, 16);
	prefix_format(p, w->out[w->n++], ADDR_STR_MAX);
}

Test(ptrie, walk_order)
{
	const char *in[] = { "2001:db8:b::/48", "10.0.0.0/8", "2001:db8::/32", "::/0",
			     "10.2.0.0/16", "2001:db8:a::/48", "0.0.0.0/0" };
	const char *want[] = { "0.0.0.0/0",	  "10.0.0.0/8",	     "10.2.0.0/16",
			       "::/0",		  "2001:db8::/32",   "2001:db8:a::/48",
			       "2001:db8:b::/48" };
	struct ptrie *t = ptrie_new();
	struct walk_ctx w = { .n = 0 };

	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		struct prefix p = P(in[i]);
		cr_assert_eq(ptrie_insert(t, &p, VAL(i)), 0);
	}
	ptrie_walk(t, walk_cb, &w);
	cr_assert_eq(w.n, 7);
	for (int i = 0; i < 7; i++)
		cr_assert_str_eq(w.out[i], want[i]);
	ptrie_free(t);
}

/* ---- random prefixes against a brute-force reference ---- */

struct ref {
	struct prefix p;
	void *value;
	bool live;
};

static void *ref_lookup(const struct ref *r, size_t n, int family, const uint8_t *addr)
{
	int best = -1;
	void *v_best = NULL;

	for (size_t i = 0; i < n; i++) {
		if (r[i].live && r[i].p.family == family && r[i].p.plen > best &&
		    prefix_contains(&r[i].p, family, addr)) {
			best = r[i].p.plen;
			v_best = r[i].value;
		}
	}
	return v_best;
}

static uint32_t rng_state = 12345;

static uint32_t rnd(void)
{
	/* xorshift32: deterministic, so a failure reproduces. */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void random_prefix(struct prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->family = (rnd() & 1) ? AF_INET6 : AF_INET;
	unsigned max = p->family == AF_INET ? 32 : 128;
	/* Few distinct top bits, so prefixes nest and share paths. */
	for (unsigned i = 0; i < 16; i++)
		p->addr[i] = (uint8_t)rnd();
	p->addr[0] &= 0x0f;
	p->addr[1] &= 0x03;
	p->plen = (uint8_t)(rnd() % (max + 1));
	if (rnd() % 8 == 0)
		p->plen = (uint8_t)max;
	prefix_mask(p);
}

static void random_addr_near(const struct ref *r, size_t n, int *family, uint8_t addr[16])
{
	const struct prefix *p = &r[rnd() % n].p;

	*family = p->family;
	memcpy(addr, p->addr, 16);
	/* Randomise some bits below (and sometimes above) the prefix length. */
	unsigned max = p->family == AF_INET ? 32 : 128;
	unsigned from = rnd() % 4 == 0 ? (p->plen ? p->plen - 1 : 0) : p->plen;
	for (unsigned b = from; b < max; b++) {
		if (rnd() & 1)
			addr[b / 8] ^= (uint8_t)(0x80 >> (b % 8));
	}
}

static void check_all(const struct ptrie *t, const struct ref *r, size_t n, int rounds)
{
	for (int k = 0; k < rounds; k++) {
		uint8_t addr[16];
		int fam;
		random_addr_near(r, n, &fam, addr);
		cr_assert_eq(ptrie_lookup(t, fam, addr), ref_lookup(r, n, fam, addr), "round %d",
			     k);
	}
	for (size_t i = 0; i < n; i++) {
		void *want = NULL;
		for (size_t j = 0; j < n; j++) {
			if (r[j].live && r[j].p.family == r[i].p.family &&
			    r[j].p.plen == r[i].p.plen && memcmp(r[j].p.addr, r[i].p.addr, 16) == 0)
				want = r[j].value;
		}
		cr_assert_eq(ptrie_get_exact(t, &r[i].p), want);
	}
}

Test(ptrie, random_against_reference, .timeout = 60)
{
	enum { N = 1500 };
	static struct ref r[N];
	static int vals[N];
	struct ptrie *t = ptrie_new();
	size_t live = 0;

	for (int round = 0; round < 3; round++) {
		rng_state = 12345 + (uint32_t)round;
		memset(r, 0, sizeof(r));
		for (size_t i = 0; i < N; i++) {
			random_prefix(&r[i].p);
			r[i].value = &vals[i];
			int rc = ptrie_insert(t, &r[i].p, r[i].value);
			bool dup = false;
			for (size_t j = 0; j < i && !dup; j++) {
				if (r[j].live && r[j].p.family == r[i].p.family &&
				    r[j].p.plen == r[i].p.plen &&
				    memcmp(r[j].p.addr, r[i].p.addr, 16) == 0)
					dup = true;
			}
			if (dup) {
				cr_assert_eq(rc, -EEXIST);
				r[i].value = NULL;
			} else {
				cr_assert_eq(rc, 0);
				r[i].live = true;
				live++;
			}
		}
		cr_assert_eq(ptrie_count(t), live);
		check_all(t, r, N, 20000);

		/* Remove a random half and check again, then everything. */
		for (size_t i = 0; i < N; i++) {
			if (r[i].live && (rnd() & 1)) {
				cr_assert_eq(ptrie_remove(t, &r[i].p), 0);
				r[i].live = false;
				live--;
			}
		}
		for (size_t i = 0; i < N; i++) {
			if (!r[i].live)
				r[i].value = NULL;
		}
		cr_assert_eq(ptrie_count(t), live);
		check_all(t, r, N, 20000);
		for (size_t i = 0; i < N; i++) {
			if (r[i].live) {
				cr_assert_eq(ptrie_remove(t, &r[i].p), 0);
				r[i].live = false;
				live--;
			}
		}
		cr_assert_eq(ptrie_count(t), 0);
		check_all(t, r, N, 2000);
	}
	ptrie_free(t);
}

Test(ptrie, every_length_on_one_path)
{
	struct ptrie *t = ptrie_new();
	static int vals[129];
	struct prefix p = P("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff/128");
	uint8_t a[16];

	for (int len = 128; len >= 0; len -= 1) {
		struct prefix q = p;
		q.plen = (uint8_t)len;
		cr_assert_eq(ptrie_insert(t, &q, &vals[len]), 0);
	}
	memcpy(a, p.addr, 16);
	cr_assert_eq(ptrie_lookup(t, AF_INET6, a), &vals[128]);
	/* Flipping bit b leaves the prefix of length b as the best match. */
	for (int b = 0; b < 128; b++) {
		memcpy(a, p.addr, 16);
		a[b / 8] ^= (uint8_t)(0x80 >> (b % 8));
		cr_assert_eq(ptrie_lookup(t, AF_INET6, a), &vals[b], "bit %d", b);
	}
	/* Remove the odd lengths; the even ones still answer. */
	for (int len = 1; len <= 128; len += 2) {
		struct prefix q = p;
		q.plen = (uint8_t)len;
		cr_assert_eq(ptrie_remove(t, &q), 0);
	}
	for (int b = 0; b < 128; b++) {
		memcpy(a, p.addr, 16);
		a[b / 8] ^= (uint8_t)(0x80 >> (b % 8));
		cr_assert_eq(ptrie_lookup(t, AF_INET6, a), &vals[b & ~1], "bit %d", b);
	}
	cr_assert_eq(ptrie_count(t), 65);
	ptrie_free(t);
}
