// SPDX-License-Identifier: MIT
/*
 * oal_reasm.c - OAL reassembly, omnid profile (spec/omni-aero.md §3.5).
 * Owns the preallocated entry table, the hash buckets, the global and
 * per-neighbor age lists and one pool buffer per pending datagram. Every
 * bound on peer-controlled numbers is checked before any byte is copied;
 * nothing here allocates after oal_reasm_new, logs, or reads a clock.
 */
#include "oal_reasm.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>
#include "cursor.h"
#include "ipv6.h"

#define UNIT 8		       /* Fragment Offset granularity */
#define MAX_ENTRIES (1U << 20) /* sanity cap on the preallocated table */

struct oal_reasm_entry {
	struct oal_reasm_entry *hnext, **hpprev; /* hash chain */
	struct oal_reasm_entry *prev, *next;	 /* global age list; free list uses next */
	struct oal_reasm_entry *pprev, *pnext;	 /* per-acct age list */
	struct oal_reasm_acct *acct;
	struct pbuf *buf;
	uint64_t deadline_ms;
	struct in6_addr src, dst;
	uint32_t id;
	uint32_t total;	   /* payload length once the final fragment is in, else 0 */
	uint32_t max_end;  /* largest fragment end seen */
	uint32_t received; /* octets stored (fragments never overlap) */
	uint8_t nh;
	/* covered[bm_words] then starts[bm_words], one bit per 8-octet unit */
	uint64_t bm[];
};

struct oal_reasm {
	struct oal_reasm_cfg cfg;
	struct pbuf_pool *pool;
	size_t limit;	 /* largest payload: mtu + trailer */
	size_t units;	 /* 8-octet units in limit, rounded up */
	size_t bm_words; /* 64-bit words per bitmap */
	size_t charge;	 /* octets charged per pending datagram */
	size_t stride;	 /* bytes per entry in the table */
	size_t nentries;
	uint8_t *table;
	struct oal_reasm_entry *free_list;
	struct oal_reasm_entry **buckets;
	size_t bucket_mask;
	struct oal_reasm_entry *oldest, *newest;
	size_t mem, pending;
	unsigned char hash_key[crypto_shorthash_KEYBYTES];
	struct oal_reasm_stats st;
};

struct oal_reasm *oal_reasm_new(const struct oal_reasm_cfg *cfg, struct pbuf_pool *pool)
{
	struct pbuf_pool_stats ps;
	struct oal_reasm *r;
	size_t nb;

	OMNI_ASSERT(cfg->mtu > 0 && cfg->mtu <= 0xffff);
	pbuf_pool_stats(pool, &ps);
	r = xcalloc(1, sizeof(*r));
	r->cfg = *cfg;
	r->pool = pool;
	r->limit = cfg->mtu + (cfg->checksum ? OAL_TRAILER_LEN : 0);
	OMNI_ASSERT(ps.bufsize - ps.headroom >= r->limit);
	r->units = (r->limit + UNIT - 1) / UNIT;
	r->bm_words = (r->units + 63) / 64;
	r->charge = ps.bufsize;
	r->stride = sizeof(struct oal_reasm_entry) + 2 * r->bm_words * sizeof(uint64_t);
	r->stride = (r->stride + _Alignof(struct oal_reasm_entry) - 1) &
		    ~(_Alignof(struct oal_reasm_entry) - 1);
	r->nentries = MIN(cfg->mem_total / r->charge, (size_t)MAX_ENTRIES);
	if (r->nentries) {
		r->table = xcalloc(r->nentries, r->stride);
		for (size_t i = r->nentries; i-- > 0;) {
			struct oal_reasm_entry *e = (void *)(r->table + i * r->stride);

			e->next = r->free_list;
			r->free_list = e;
		}
	}
	for (nb = 16; nb < r->nentries; nb <<= 1)
		;
	r->buckets = xcalloc(nb, sizeof(*r->buckets));
	r->bucket_mask = nb - 1;
	/* Identifications and addresses are peer-chosen: a keyed hash keeps
	 * an attacker from piling every datagram into one chain. */
	OMNI_ASSERT(sodium_init() >= 0);
	crypto_shorthash_keygen(r->hash_key);
	return r;
}

void oal_reasm_free(struct oal_reasm *r)
{
	if (!r)
		return;
	for (struct oal_reasm_entry *e = r->oldest; e; e = e->next)
		pbuf_free(e->buf);
	free(r->table);
	free(r->buckets);
	free(r);
}

static size_t bucket_of(const struct oal_reasm *r, const struct in6_addr *src,
			const struct in6_addr *dst, uint32_t id)
{
	uint8_t key[36], h[crypto_shorthash_BYTES];

	memcpy(key, src, 16);
	memcpy(key + 16, dst, 16);
	put_be32(key + 32, id);
	crypto_shorthash(h, key, sizeof(key), r->hash_key);
	return (size_t)get_be64(h) & r->bucket_mask;
}

static struct oal_reasm_entry *lookup(const struct oal_reasm *r, size_t b, const struct oal_frag *f)
{
	for (struct oal_reasm_entry *e = r->buckets[b]; e; e = e->hnext) {
		if (e->id == f->id && !memcmp(&e->src, &f->src, sizeof(e->src)) &&
		    !memcmp(&e->dst, &f->dst, sizeof(e->dst)))
			return e;
	}
	return NULL;
}

/* Unlink @e from every list, uncharge it, return its buffer and the entry. */
static void entry_drop(struct oal_reasm *r, struct oal_reasm_entry *e)
{
	struct oal_reasm_acct *a = e->acct;

	pbuf_free(e->buf);
	e->buf = NULL;
	*e->hpprev = e->hnext;
	if (e->hnext)
		e->hnext->hpprev = e->hpprev;
	if (e->prev)
		e->prev->next = e->next;
	else
		r->oldest = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		r->newest = e->prev;
	if (e->pprev)
		e->pprev->pnext = e->pnext;
	else
		a->oldest = e->pnext;
	if (e->pnext)
		e->pnext->pprev = e->pprev;
	else
		a->newest = e->pprev;
	a->mem -= r->charge;
	a->entries--;
	r->mem -= r->charge;
	r->pending--;
	e->next = r->free_list;
	r->free_list = e;
}

static void evict(struct oal_reasm *r, struct oal_reasm_entry *e, uint64_t *counter)
{
	(*counter)++;
	entry_drop(r, e);
}

static void expire_head(struct oal_reasm *r, uint64_t now_ms)
{
	/* Entries join the tail with deadline = now + timeout, so with a
	 * monotonic clock the list is in deadline order. */
	while (r->oldest && r->oldest->deadline_ms <= now_ms)
		evict(r, r->oldest, &r->st.timeout);
}

static int entry_new(struct oal_reasm *r, struct oal_reasm_acct *acct, size_t b,
		     const struct oal_frag *f, uint64_t now_ms, struct oal_reasm_entry **out)
{
	struct oal_reasm_entry *e;
	struct pbuf *buf;

	if (r->charge > r->cfg.mem_peer) {
		r->st.mem_peer_drop++;
		return -ENOBUFS;
	}
	if (r->nentries == 0) {
		r->st.mem_total_drop++;
		return -ENOBUFS;
	}
	/* §3.5: on pressure drop the oldest entry: this neighbor's oldest for
	 * its own cap, the globally oldest for the total cap. */
	while (acct->mem + r->charge > r->cfg.mem_peer)
		evict(r, acct->oldest, &r->st.mem_peer_drop);
	while (r->mem + r->charge > r->cfg.mem_total || !r->free_list)
		evict(r, r->oldest, &r->st.mem_total_drop);
	buf = pbuf_pool_get(r->pool);
	if (!buf) {
		r->st.no_buffer++;
		return -ENOBUFS;
	}

	e = r->free_list;
	r->free_list = e->next;
	memset(e, 0, r->stride);
	e->buf = buf;
	e->acct = acct;
	e->src = f->src;
	e->dst = f->dst;
	e->id = f->id;
	e->deadline_ms = now_ms + r->cfg.timeout_ms;

	e->hnext = r->buckets[b];
	if (e->hnext)
		e->hnext->hpprev = &e->hnext;
	r->buckets[b] = e;
	e->hpprev = &r->buckets[b];

	e->prev = r->newest;
	if (r->newest)
		r->newest->next = e;
	else
		r->oldest = e;
	r->newest = e;

	e->pprev = acct->newest;
	if (acct->newest)
		acct->newest->pnext = e;
	else
		acct->oldest = e;
	acct->newest = e;

	acct->mem += r->charge;
	acct->entries++;
	r->mem += r->charge;
	r->pending++;
	*out = e;
	return 0;
}

/* Bit ranges [s, e) over an array of 64-bit words. */
static uint64_t word_mask(size_t w, size_t s, size_t e)
{
	uint64_t m = ~(uint64_t)0;

	if (w == s / 64)
		m &= ~(uint64_t)0 << (s % 64);
	if (w == (e - 1) / 64)
		m &= ~(uint64_t)0 >> (63 - (e - 1) % 64);
	return m;
}

static bool bm_any(const uint64_t *bm, size_t s, size_t e)
{
	for (size_t w = s / 64; s < e && w <= (e - 1) / 64; w++) {
		if (bm[w] & word_mask(w, s, e))
			return true;
	}
	return false;
}

static bool bm_all(const uint64_t *bm, size_t s, size_t e)
{
	for (size_t w = s / 64; s < e && w <= (e - 1) / 64; w++) {
		uint64_t m = word_mask(w, s, e);

		if ((bm[w] & m) != m)
			return false;
	}
	return true;
}

static void bm_set(uint64_t *bm, size_t s, size_t e)
{
	for (size_t w = s / 64; s < e && w <= (e - 1) / 64; w++)
		bm[w] |= word_mask(w, s, e);
}

static bool bm_test(const uint64_t *bm, size_t i)
{
	return bm[i / 64] >> (i % 64) & 1;
}

/*
 * Stored fragments never overlap, and every one but the final ends on a unit
 * boundary, so the stored fragment that starts at unit @s runs until the
 * first unit that is uncovered or starts another fragment. The new fragment
 * [s, eu) is an exact duplicate iff that run is exactly [s, eu). (A final
 * and a non-final fragment over the same units were already told apart by
 * the end checks in oal_reasm_input.)
 */
static bool exact_dup(const struct oal_reasm *r, const struct oal_reasm_entry *e, size_t s,
		      size_t eu)
{
	const uint64_t *cov = e->bm, *start = e->bm + r->bm_words;

	if (!bm_test(start, s) || bm_any(start, s + 1, eu) || !bm_all(cov, s, eu))
		return false;
	return eu >= r->units || !bm_test(cov, eu) || bm_test(start, eu);
}

/* §3.5: check the trailer, strip it, check the inner packet's own length. */
static int check_payload(const uint8_t *p, size_t n, bool checksum, uint8_t nh, size_t *inner_len)
{
	size_t tl = checksum ? OAL_TRAILER_LEN : 0;
	uint8_t inner_nh;

	if (n <= tl)
		return -EBADMSG;
	n -= tl;
	if (checksum && oal_fletcher16(p, n) != get_be16(p + n))
		return -EILSEQ;
	if (ipv6_inner_len(p, n, &inner_nh) < 0 || inner_nh != nh)
		return -EBADMSG;
	*inner_len = n;
	return 0;
}

static void count_check(struct oal_reasm *r, int err)
{
	if (err == -EILSEQ)
		r->st.bad_checksum++;
	else if (err == -EBADMSG)
		r->st.bad_inner_len++;
}

int oal_atomic_check(const struct oal_frag *f, bool checksum, size_t *inner_len)
{
	if (!oal_frag_is_atomic(f))
		return -EINVAL;
	return check_payload(f->data, f->data_len, checksum, f->nh, inner_len);
}

int oal_reasm_atomic(struct oal_reasm *r, const struct oal_frag *f, size_t *inner_len)
{
	int err = oal_atomic_check(f, r->cfg.checksum, inner_len);

	if (err == 0)
		r->st.atomic++;
	else
		count_check(r, err);
	return err;
}

static int complete(struct oal_reasm *r, struct oal_reasm_entry *e, struct pbuf **out)
{
	struct pbuf *buf = e->buf;
	size_t total = e->total, inner_len;
	uint8_t nh = e->nh;
	int err;

	e->buf = NULL;
	entry_drop(r, e);
	pbuf_put(buf, total);
	err = check_payload(buf->head, total, r->cfg.checksum, nh, &inner_len);
	if (err < 0) {
		count_check(r, err);
		pbuf_free(buf);
		return err;
	}
	pbuf_trim(buf, total - inner_len);
	buf->meta_u64 = nh;
	r->st.complete++;
	*out = buf;
	return 0;
}

int oal_reasm_input(struct oal_reasm *r, struct oal_reasm_acct *acct, const struct oal_frag *f,
		    uint64_t now_ms, struct pbuf **out)
{
	size_t off = f->offset, len = f->data_len, end = off + len, b, s, eu;
	struct oal_reasm_entry *e;
	int err;

	*out = NULL;
	if (oal_frag_is_atomic(f))
		return -EINVAL;
	expire_head(r, now_ms);

	/* §3.5: non-final fragments carry a multiple of 8 octets, at least 256. */
	if (len == 0 || (f->more && (len % UNIT || len < OAL_MIN_NONFINAL_FRAG))) {
		r->st.bad_size++;
		return -EBADMSG;
	}
	/* §3.5: nothing may end beyond mtu + 2; a non-final fragment ending at
	 * the limit leaves no room for the final one. */
	if (end > r->limit || (f->more && end == r->limit)) {
		r->st.too_big++;
		return -EMSGSIZE;
	}

	b = bucket_of(r, &f->src, &f->dst, f->id);
	e = lookup(r, b, f);
	if (!e) {
		err = entry_new(r, acct, b, f, now_ms, &e);
		if (err < 0)
			return err;
	}

	/* Ends must agree with the final fragment (RFC 8200 §4.5). */
	if (e->total ? (f->more ? end >= e->total : end != e->total)
		     : (!f->more && end <= e->max_end)) {
		evict(r, e, &r->st.bad_size);
		return -EBADMSG;
	}

	s = off / UNIT;
	eu = (end + UNIT - 1) / UNIT;
	if (bm_any(e->bm, s, eu)) {
		if (exact_dup(r, e, s, eu)) {
			r->st.dup++;
			return 0;
		}
		/* RFC 5722: any other overlap discards the whole datagram. */
		evict(r, e, &r->st.overlap);
		return -EBADMSG;
	}

	memcpy(e->buf->head + off, f->data, len);
	bm_set(e->bm, s, eu);
	bm_set(e->bm + r->bm_words, s, s + 1);
	e->received += (uint32_t)len;
	if (end > e->max_end)
		e->max_end = (uint32_t)end;
	if (!f->more)
		e->total = (uint32_t)end;
	if (off == 0)
		e->nh = f->nh;
	if (e->total && e->received == e->total)
		return complete(r, e, out);
	return 0;
}

void oal_reasm_expire(struct oal_reasm *r, uint64_t now_ms)
{
	expire_head(r, now_ms);
}

void oal_reasm_flush_acct(struct oal_reasm *r, struct oal_reasm_acct *acct)
{
	while (acct->oldest)
		evict(r, acct->oldest, &r->st.flushed);
}

void oal_reasm_stats(const struct oal_reasm *r, struct oal_reasm_stats *out)
{
	*out = r->st;
}

size_t oal_reasm_pending(const struct oal_reasm *r)
{
	return r->pending;
}

size_t oal_reasm_mem(const struct oal_reasm *r)
{
	return r->mem;
}

size_t oal_reasm_charge(const struct oal_reasm *r)
{
	return r->charge;
}
