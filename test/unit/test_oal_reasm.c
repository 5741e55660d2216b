// SPDX-License-Identifier: MIT
/*
 * test_oal_reasm.c - OAL reassembly rules (spec/omni-aero.md §3.5 omnid
 * profile): duplicates, overlaps (RFC 5722), fragment size rules, the MTU
 * bound, inconsistent ends, timeouts on an injected clock, per-neighbor and
 * global memory caps with oldest-first eviction, trailer and inner-length
 * checks, pool exhaustion, flush per neighbor, and exact counters.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "oal_reasm.h"
#include "pbuf.h"
#include "wire_oal.h"

#define MTU 9180
#define HEADROOM 64

struct env {
	struct pbuf_pool *pool;
	struct oal_reasm *r;
	struct oal_reasm_acct a, b;
	struct oal_reasm_cfg cfg;
};

static uint8_t payload[65536 + 64]; /* room for out-of-range test fragments */

static void env_init(struct env *e, size_t pool_max, size_t mem_peer, size_t mem_total,
		     bool checksum)
{
	memset(e, 0, sizeof(*e));
	e->pool = pbuf_pool_new(HEADROOM + MTU + 2, HEADROOM, pool_max);
	e->cfg = (struct oal_reasm_cfg){.mtu = MTU,
					.checksum = checksum,
					.timeout_ms = 10000,
					.mem_peer = mem_peer,
					.mem_total = mem_total};
	e->r = oal_reasm_new(&e->cfg, e->pool);
}

static void env_fini(struct env *e)
{
	struct pbuf_pool_stats ps;

	oal_reasm_flush_acct(e->r, &e->a);
	oal_reasm_flush_acct(e->r, &e->b);
	cr_assert_eq(e->a.mem, 0);
	cr_assert_eq(e->b.mem, 0);
	cr_assert_eq(e->a.entries, 0);
	cr_assert_eq(oal_reasm_mem(e->r), 0);
	cr_assert_eq(oal_reasm_pending(e->r), 0);
	oal_reasm_free(e->r);
	pbuf_pool_stats(e->pool, &ps);
	cr_assert_eq(ps.in_use, 0);
	pbuf_pool_free(e->pool);
}

static struct oal_reasm_stats stats(const struct env *e)
{
	struct oal_reasm_stats st;
	oal_reasm_stats(e->r, &st);
	return st;
}

/* Sum of all drop counters (everything but complete, atomic, dup). */
static uint64_t drops(const struct env *e)
{
	struct oal_reasm_stats s = stats(e);
	return s.timeout + s.overlap + s.bad_size + s.too_big + s.mem_peer_drop + s.mem_total_drop +
	       s.bad_checksum + s.bad_inner_len + s.no_buffer + s.flushed;
}

/* payload = IPv6 inner packet of @inner_len octets [+ Fletcher trailer]; returns its length. */
static size_t make_payload(size_t inner_len, bool checksum)
{
	for (size_t i = 0; i < inner_len; i++)
		payload[i] = (uint8_t)(i * 7 + 3);
	payload[0] = 0x60;
	put_be16(payload + 4, (uint16_t)(inner_len - 40));
	if (!checksum)
		return inner_len;
	put_be16(payload + inner_len, oal_fletcher16(payload, inner_len));
	return inner_len + 2;
}

static struct oal_frag frag(uint32_t id, size_t off, size_t len, bool more)
{
	struct oal_frag f = {.nh = 41,
			     .hop_limit = 16,
			     .offset = (uint16_t)off,
			     .more = more,
			     .id = id,
			     .data = payload + off,
			     .data_len = len};
	f.src.s6_addr[0] = 0xfd;
	f.src.s6_addr[15] = 1;
	f.dst.s6_addr[0] = 0xfd;
	f.dst.s6_addr[15] = 2;
	return f;
}

static int feed(struct env *e, struct oal_reasm_acct *acct, struct oal_frag f, uint64_t now,
		struct pbuf **out)
{
	return oal_reasm_input(e->r, acct, &f, now, out);
}

/* Feed and expect "stored" (0, no output). */
static void store(struct env *e, struct oal_reasm_acct *acct, struct oal_frag f, uint64_t now)
{
	struct pbuf *o = (void *)1;
	cr_assert_eq(feed(e, acct, f, now, &o), 0, "id %u off %u", f.id, f.offset);
	cr_assert_null(o);
}

/* Feed the completing fragment and check the delivered packet. */
static void finish(struct env *e, struct oal_reasm_acct *acct, struct oal_frag f, uint64_t now,
		   size_t inner_len)
{
	struct pbuf *o = NULL;
	cr_assert_eq(feed(e, acct, f, now, &o), 0);
	cr_assert_not_null(o);
	cr_assert_eq(o->len, inner_len);
	cr_assert_arr_eq(o->head, payload, inner_len);
	cr_assert_eq(o->meta_u64, 41);
	pbuf_free(o);
}

#define ENV_DEFAULT(e) env_init(e, 64, 4u << 20, 64u << 20, true)

Test(oal_reasm, in_order_and_nh_of_first)
{
	struct env e;
	ENV_DEFAULT(&e);
	make_payload(2998, true); /* 3000 octets of payload */
	struct oal_frag f1 = frag(7, 0, 1232, true), f2 = frag(7, 1232, 1232, true),
			f3 = frag(7, 2464, 536, false);
	f2.nh = 4; /* ignored: only the offset-0 fragment's NH counts */
	f3.nh = 4;
	store(&e, &e.a, f1, 0);
	cr_assert_eq(e.a.entries, 1);
	cr_assert_eq(e.a.mem, oal_reasm_charge(e.r));
	cr_assert_eq(oal_reasm_charge(e.r), HEADROOM + MTU + 2);
	store(&e, &e.a, f2, 1);
	finish(&e, &e.a, f3, 2, 2998);
	cr_assert_eq(stats(&e).complete, 1);
	cr_assert_eq(drops(&e), 0);
	env_fini(&e);
}

Test(oal_reasm, first_fragment_last)
{
	struct env e;
	ENV_DEFAULT(&e);
	make_payload(2998, true);
	struct oal_frag f1 = frag(7, 0, 1232, true);
	f1.nh = 41;
	store(&e, &e.a, frag(7, 2464, 536, false), 0);
	store(&e, &e.a, frag(7, 1232, 1232, true), 0);
	finish(&e, &e.a, f1, 0, 2998);
	env_fini(&e);
}

Test(oal_reasm, atomic_rejected_by_input)
{
	struct env e;
	ENV_DEFAULT(&e);
	make_payload(100, true);
	struct pbuf *o = (void *)1;
	cr_assert_eq(feed(&e, &e.a, frag(1, 0, 102, false), 0, &o), -EINVAL);
	cr_assert_null(o);
	cr_assert_eq(drops(&e), 0);
	cr_assert_eq(oal_reasm_pending(e.r), 0);
	env_fini(&e);
}

Test(oal_reasm, exact_duplicates_ignored)
{
	struct env e;
	ENV_DEFAULT(&e);
	make_payload(2998, true);
	store(&e, &e.a, frag(7, 1232, 1232, true), 0);
	store(&e, &e.a, frag(7, 1232, 1232, true), 0);
	store(&e, &e.a, frag(7, 2464, 536, false), 0);
	store(&e, &e.a, frag(7, 2464, 536, false), 0);
	store(&e, &e.a, frag(7, 1232, 1232, true), 0);
	cr_assert_eq(stats(&e).dup, 3);
	finish(&e, &e.a, frag(7, 0, 1232, true), 0, 2998);
	/* after completion a straggler duplicate opens a new datagram (it times out) */
	store(&e, &e.a, frag(7, 1232, 1232, true), 0);
	cr_assert_eq(oal_reasm_pending(e.r), 1);
	cr_assert_eq(drops(&e), 0);
	env_fini(&e);
	/* flushed by env_fini: exactly one datagram */
}

Test(oal_reasm, duplicate_adjacent_to_neighbors)
{
	/* contiguous neighbours on both sides must not confuse duplicate detection */
	struct env e;
	ENV_DEFAULT(&e);
	make_payload(2998, true);
	store(&e, &e.a, frag(9, 0, 512, true), 0);
	store(&e, &e.a, frag(9, 512, 512, true), 0);
	store(&e, &e.a, frag(9, 1024, 512, true), 0);
	store(&e, &e.a, frag(9, 512, 512, true), 0);
	cr_assert_eq(stats(&e).dup, 1);
	/* same start, covers two stored fragments: overlap */
	struct pbuf *o;
	cr_assert_eq(feed(&e, &e.a, frag(9, 512, 1024, true), 0, &o), -EBADMSG);
	cr_assert_eq(stats(&e).overlap, 1);
	cr_assert_eq(oal_reasm_pending(e.r), 0);
	env_fini(&e);
}

static void overlap_case(size_t o1, size_t l1, bool m1, size_t o2, size_t l2, bool m2)
{
	struct env e;
	struct pbuf *o;
	ENV_DEFAULT(&e);
	make_payload(2998, true);
	store(&e, &e.a, frag(3, o1, l1, m1), 0);
	cr_assert_eq(feed(&e, &e.a, frag(3, o2, l2, m2), 0, &o), -EBADMSG, "%zu+%zu / %zu+%zu", o1,
		     l1, o2, l2);
	cr_assert_null(o);
	cr_assert_eq(stats(&e).overlap, 1);
	cr_assert_eq(drops(&e), 1);
	cr_assert_eq(oal_reasm_pending(e.r), 0);
	cr_assert_eq(e.a.mem, 0);
	/* the whole datagram is gone: a complete fresh set reassembles */
	store(&e, &e.a, frag(3, 0, 1232, true), 0);
	store(&e, &e.a, frag(3, 1232, 1232, true), 0);
	finish(&e, &e.a, frag(3, 2464, 536, false), 0, 2998);
	env_fini(&e);
}

Test(oal_reasm, overlaps_discard_datagram)
{
	overlap_case(0, 1232, true, 1224, 1232, true);	   /* tail overlap */
	overlap_case(1224, 1232, true, 0, 1232, true);	   /* head overlap */
	overlap_case(0, 1232, true, 0, 256, true);	   /* same start, shorter */
	overlap_case(0, 256, true, 0, 1232, true);	   /* same start, longer */
	overlap_case(0, 1232, true, 256, 512, true);	   /* inside */
	overlap_case(256, 512, true, 0, 1232, true);	   /* covering */
	overlap_case(2464, 536, false, 2456, 256, true);   /* into the final */
	overlap_case(1232, 1232, true, 2000, 1000, false); /* final into a non-final */
}

Test(oal_reasm, fragment_size_rules)
{
	struct env e;
	struct pbuf *o;
	ENV_DEFAULT(&e);
	make_payload(2998, true);
	/* non-final under 256 octets */
	cr_assert_eq(feed(&e, &e.a, frag(1, 0, 248, true), 0, &o), -EBADMSG);
	/* non-final not a multiple of 8 */
	cr_assert_eq(feed(&e, &e.a, frag(1, 0, 257, true), 0, &o), -EBADMSG);
	cr_assert_eq(feed(&e, &e.a, frag(1, 0, 1231, true), 0, &o), -EBADMSG);
	cr_assert_eq(stats(&e).bad_size, 3);
	/* nothing was stored for them */
	cr_assert_eq(oal_reasm_pending(e.r), 0);
	/* the smallest allowed non-final and a 1-octet final are fine */
	store(&e, &e.a, frag(1, 0, 256, true), 0);
	store(&e, &e.a, frag(1, 2999, 1, false), 0);
	cr_assert_eq(drops(&e), 3);
	env_fini(&e);
}

Test(oal_reasm, beyond_mtu)
{
	struct env e;
	struct pbuf *o;
	ENV_DEFAULT(&e);
	make_payload(MTU, true); /* MTU + 2 octets: the largest allowed */
	cr_assert_eq(feed(&e, &e.a, frag(1, MTU - 4, 7, false), 0, &o), -EMSGSIZE);
	cr_assert_eq(feed(&e, &e.a, frag(1, 8 * 1200, 8 * 100, true), 0, &o), -EMSGSIZE);
	/* a non-final fragment ending exactly at the limit leaves no room for the final */
	cr_assert_eq(feed(&e, &e.a, frag(1, MTU + 2 - 264, 264, true), 0, &o), -EMSGSIZE);
	cr_assert_eq(stats(&e).too_big, 3);
	cr_assert_eq(oal_reasm_pending(e.r), 0);
	/* exactly mtu + 2 reassembles */
	size_t f = 1232;
	for (size_t off = 0; off + f < MTU + 2; off += f)
		store(&e, &e.a, frag(2, off, f, true), 0);
	finish(&e, &e.a, frag(2, (MTU + 2) / f * f, (MTU + 2) % f, false), 0, MTU);
	cr_assert_eq(drops(&e), 3);
	env_fini(&e);
}

Test(oal_reasm, checksum_off_limit_is_mtu)
{
	struct env e;
	struct pbuf *o;
	env_init(&e, 8, 4u << 20, 64u << 20, false);
	make_payload(MTU, false);
	cr_assert_eq(feed(&e, &e.a, frag(1, MTU - 7, 8, false), 0, &o), -EMSGSIZE);
	store(&e, &e.a, frag(1, 0, 4096, true), 0);
	store(&e, &e.a, frag(1, 4096, 4096, true), 0);
	finish(&e, &e.a, frag(1, 8192, MTU - 8192, false), 0, MTU);
	env_fini(&e);
}

Test(oal_reasm, inconsistent_ends)
{
	struct env e;
	struct pbuf *o;
	ENV_DEFAULT(&e);
	make_payload(2998, true);
	/* a second final fragment with another end */
	store(&e, &e.a, frag(1, 2464, 536, false), 0);
	cr_assert_eq(feed(&e, &e.a, frag(1, 1232, 500, false), 0, &o), -EBADMSG);
	cr_assert_eq(stats(&e).bad_size, 1);
	cr_assert_eq(oal_reasm_pending(e.r), 0);
	/* a non-final fragment reaching the known end */
	store(&e, &e.a, frag(2, 2464, 536, false), 0);
	cr_assert_eq(feed(&e, &e.a, frag(2, 3000 - 256, 256, true), 0, &o), -EBADMSG);
	cr_assert_eq(stats(&e).bad_size, 2);
	/* a non-final fragment beyond the known end */
	store(&e, &e.a, frag(3, 1000, 1, false), 0);
	cr_assert_eq(feed(&e, &e.a, frag(3, 1232, 256, true), 0, &o), -EBADMSG);
	cr_assert_eq(stats(&e).bad_size, 3);
	/* a final fragment ending before data already stored */
	store(&e, &e.a, frag(4, 1232, 1232, true), 0);
	cr_assert_eq(feed(&e, &e.a, frag(4, 256, 744, false), 0, &o), -EBADMSG);
	cr_assert_eq(stats(&e).bad_size, 4);
	/* a final fragment with the same range as a stored non-final one */
	store(&e, &e.a, frag(5, 1232, 1232, true), 0);
	cr_assert_eq(feed(&e, &e.a, frag(5, 1232, 1232, false), 0, &o), -EBADMSG);
	cr_assert_eq(stats(&e).bad_size, 5);
	/* and the reverse */
	store(&e, &e.a, frag(6, 1232, 1232, false), 0);
	cr_assert_eq(feed(&e, &e.a, frag(6, 1232, 1232, true), 0, &o), -EBADMSG);
	cr_assert_eq(stats(&e).bad_size, 6);
	cr_assert_eq(drops(&e), 6);
	cr_assert_eq(oal_reasm_pending(e.r), 0);
	env_fini(&e);
}

Test(oal_reasm, timeout_injected_clock)
{
	struct env e;
	ENV_DEFAULT(&e);
	make_payload(2998, true);
	store(&e, &e.a, frag(1, 0, 1232, true), 1000);
	store(&e, &e.a, frag(2, 0, 1232, true), 5000);
	/* later fragments do not extend the deadline */
	store(&e, &e.a, frag(1, 1232, 1232, true), 9000);
	oal_reasm_expire(e.r, 10999);
	cr_assert_eq(oal_reasm_pending(e.r), 2);
	oal_reasm_expire(e.r, 11000);
	cr_assert_eq(oal_reasm_pending(e.r), 1);
	cr_assert_eq(stats(&e).timeout, 1);
	cr_assert_eq(e.a.entries, 1);
	/* a late fragment of id 1 starts a new datagram that cannot complete alone */
	store(&e, &e.a, frag(1, 2464, 536, false), 11000);
	cr_assert_eq(oal_reasm_pending(e.r), 2);
	/* input expires lazily too: id 2 is due at 15000 */
	store(&e, &e.a, frag(3, 0, 1232, true), 15000);
	cr_assert_eq(stats(&e).timeout, 2);
	cr_assert_eq(oal_reasm_pending(e.r), 2);
	/* the fragments of id 1 that arrived before the timeout are gone */
	store(&e, &e.a, frag(1, 0, 1232, true), 15000);
	finish(&e, &e.a, frag(1, 1232, 1232, true), 15001, 2998);
	oal_reasm_expire(e.r, UINT64_MAX);
	cr_assert_eq(stats(&e).timeout, 3);
	cr_assert_eq(drops(&e), 3);
	env_fini(&e);
}

Test(oal_reasm, per_peer_cap_drops_oldest)
{
	struct env e;
	env_init(&e, 64, 0, 64u << 20, true);
	oal_reasm_free(e.r);
	size_t charge = HEADROOM + MTU + 2;
	e.cfg.mem_peer = 4 * charge;
	e.r = oal_reasm_new(&e.cfg, e.pool);
	make_payload(2998, true);

	for (uint32_t id = 0; id < 100; id++) {
		store(&e, &e.a, frag(id, 0, 1232, true), id);
		cr_assert(e.a.mem <= 4 * charge);
		cr_assert(e.a.entries <= 4);
	}
	cr_assert_eq(e.a.entries, 4);
	cr_assert_eq(stats(&e).mem_peer_drop, 96);
	/* another neighbor is not affected by A's flood */
	store(&e, &e.b, frag(500, 0, 1232, true), 100);
	cr_assert_eq(e.b.entries, 1);
	cr_assert_eq(stats(&e).mem_peer_drop, 96);
	/* the newest of A (96..99) survive, the oldest were dropped */
	store(&e, &e.a, frag(99, 1232, 1232, true), 101);
	finish(&e, &e.a, frag(99, 2464, 536, false), 101, 2998);
	cr_assert_eq(e.a.entries, 3);
	store(&e, &e.a, frag(0, 1232, 1232, true), 102); /* id 0 gone: new entry */
	cr_assert_eq(e.a.entries, 4);
	store(&e, &e.a, frag(1, 1232, 1232, true), 103); /* evicts 96 */
	cr_assert_eq(stats(&e).mem_peer_drop, 97);
	store(&e, &e.a, frag(97, 1232, 1232, true), 104);
	finish(&e, &e.a, frag(97, 2464, 536, false), 104, 2998);
	cr_assert_eq(stats(&e).complete, 2);
	cr_assert_eq(drops(&e), 97);
	env_fini(&e);
}

Test(oal_reasm, global_cap_drops_oldest)
{
	struct env e;
	size_t charge = HEADROOM + MTU + 2;
	env_init(&e, 64, 1u << 30, 6 * charge + charge / 2, true);
	make_payload(2998, true);

	/* alternate neighbors; the table holds 6 datagrams */
	for (uint32_t id = 0; id < 1000; id++) {
		store(&e, id & 1 ? &e.b : &e.a, frag(id, 0, 1232, true), id);
		cr_assert(oal_reasm_mem(e.r) <= 6 * charge);
		cr_assert_eq(oal_reasm_mem(e.r), e.a.mem + e.b.mem);
	}
	cr_assert_eq(oal_reasm_pending(e.r), 6);
	cr_assert_eq(stats(&e).mem_total_drop, 994);
	cr_assert_eq(e.a.entries, 3);
	cr_assert_eq(e.b.entries, 3);
	/* survivors are the six newest (994..999) */
	for (uint32_t id = 994; id < 1000; id++) {
		struct oal_reasm_acct *ac = id & 1 ? &e.b : &e.a;
		store(&e, ac, frag(id, 1232, 1232, true), 2000);
		finish(&e, ac, frag(id, 2464, 536, false), 2000, 2998);
	}
	cr_assert_eq(oal_reasm_pending(e.r), 0);
	cr_assert_eq(stats(&e).complete, 6);
	cr_assert_eq(drops(&e), 994);
	env_fini(&e);
}

Test(oal_reasm, caps_smaller_than_one_buffer)
{
	struct env e;
	struct pbuf *o;
	size_t charge = HEADROOM + MTU + 2;
	env_init(&e, 8, charge - 1, 64u << 20, true);
	make_payload(2998, true);
	cr_assert_eq(feed(&e, &e.a, frag(1, 0, 1232, true), 0, &o), -ENOBUFS);
	cr_assert_eq(stats(&e).mem_peer_drop, 1);
	env_fini(&e);

	env_init(&e, 8, 64u << 20, charge - 1, true);
	cr_assert_eq(feed(&e, &e.a, frag(1, 0, 1232, true), 0, &o), -ENOBUFS);
	cr_assert_eq(stats(&e).mem_total_drop, 1);
	cr_assert_eq(drops(&e), 1);
	env_fini(&e);
}

Test(oal_reasm, bad_trailer)
{
	struct env e;
	struct pbuf *o = (void *)1;
	ENV_DEFAULT(&e);
	make_payload(2998, true);
	payload[1500] ^= 0x01;
	store(&e, &e.a, frag(1, 0, 1232, true), 0);
	store(&e, &e.a, frag(1, 1232, 1232, true), 0);
	cr_assert_eq(feed(&e, &e.a, frag(1, 2464, 536, false), 0, &o), -EILSEQ);
	cr_assert_null(o);
	cr_assert_eq(stats(&e).bad_checksum, 1);
	cr_assert_eq(drops(&e), 1);
	cr_assert_eq(oal_reasm_pending(e.r), 0);
	/* the trailer itself corrupted */
	make_payload(2998, true);
	payload[2999] ^= 0x80;
	store(&e, &e.a, frag(2, 0, 1232, true), 0);
	store(&e, &e.a, frag(2, 2464, 536, false), 0);
	cr_assert_eq(feed(&e, &e.a, frag(2, 1232, 1232, true), 0, &o), -EILSEQ);
	cr_assert_eq(stats(&e).bad_checksum, 2);
	env_fini(&e);
}

Test(oal_reasm, bad_inner_length)
{
	struct env e;
	struct pbuf *o = (void *)1;
	ENV_DEFAULT(&e);
	/* Payload Length off by one, trailer recomputed so only the length is wrong */
	make_payload(2998, true);
	put_be16(payload + 4, 2998 - 40 + 1);
	put_be16(payload + 2998, oal_fletcher16(payload, 2998));
	store(&e, &e.a, frag(1, 0, 1232, true), 0);
	store(&e, &e.a, frag(1, 1232, 1232, true), 0);
	cr_assert_eq(feed(&e, &e.a, frag(1, 2464, 536, false), 0, &o), -EBADMSG);
	cr_assert_null(o);
	cr_assert_eq(stats(&e).bad_inner_len, 1);
	/* IPv6 inner packet but the offset-0 fragment says 4 (IPv4) */
	make_payload(2998, true);
	struct oal_frag f0 = frag(2, 0, 1232, true);
	f0.nh = 4;
	store(&e, &e.a, f0, 0);
	store(&e, &e.a, frag(2, 1232, 1232, true), 0);
	cr_assert_eq(feed(&e, &e.a, frag(2, 2464, 536, false), 0, &o), -EBADMSG);
	cr_assert_eq(stats(&e).bad_inner_len, 2);
	cr_assert_eq(drops(&e), 2);
	env_fini(&e);
}

Test(oal_reasm, pool_exhaustion)
{
	struct env e;
	struct pbuf *o;
	env_init(&e, 2, 4u << 20, 64u << 20, true);
	make_payload(2998, true);
	store(&e, &e.a, frag(1, 0, 1232, true), 0);
	store(&e, &e.a, frag(2, 0, 1232, true), 0);
	cr_assert_eq(feed(&e, &e.a, frag(3, 0, 1232, true), 0, &o), -ENOBUFS);
	cr_assert_null(o);
	cr_assert_eq(stats(&e).no_buffer, 1);
	cr_assert_eq(oal_reasm_pending(e.r), 2);
	cr_assert_eq(e.a.entries, 2);
	/* fragments of pending datagrams still go in, and completion frees a buffer */
	store(&e, &e.a, frag(1, 1232, 1232, true), 0);
	struct pbuf *done = NULL;
	cr_assert_eq(feed(&e, &e.a, frag(1, 2464, 536, false), 0, &done), 0);
	cr_assert_not_null(done);
	/* the delivered packet holds a pool buffer: still exhausted */
	cr_assert_eq(feed(&e, &e.a, frag(3, 0, 1232, true), 0, &o), -ENOBUFS);
	cr_assert_eq(stats(&e).no_buffer, 2);
	pbuf_free(done);
	store(&e, &e.a, frag(3, 0, 1232, true), 0);
	cr_assert_eq(drops(&e), 2);
	env_fini(&e);
}

Test(oal_reasm, flush_acct)
{
	struct env e;
	ENV_DEFAULT(&e);
	make_payload(2998, true);
	for (uint32_t id = 0; id < 10; id++)
		store(&e, id % 3 ? &e.a : &e.b, frag(id, 0, 1232, true), id);
	cr_assert_eq(e.a.entries, 6);
	cr_assert_eq(e.b.entries, 4);
	oal_reasm_flush_acct(e.r, &e.a);
	cr_assert_eq(e.a.entries, 0);
	cr_assert_eq(e.a.mem, 0);
	cr_assert_null(e.a.oldest);
	cr_assert_eq(stats(&e).flushed, 6);
	cr_assert_eq(e.b.entries, 4);
	cr_assert_eq(oal_reasm_pending(e.r), 4);
	cr_assert_eq(oal_reasm_mem(e.r), e.b.mem);
	/* B's datagrams still complete */
	store(&e, &e.b, frag(3, 1232, 1232, true), 20);
	finish(&e, &e.b, frag(3, 2464, 536, false), 20, 2998);
	/* flushing an empty acct is a no-op */
	oal_reasm_flush_acct(e.r, &e.a);
	cr_assert_eq(stats(&e).flushed, 6);
	env_fini(&e);
	/* env_fini flushed B's remaining 3 */
}

Test(oal_reasm, many_interleaved_datagrams)
{
	/* 2000 datagrams pending at once, completed in shuffled order: the hash
	 * table and the lists stay consistent. */
	enum { N = 2000 };
	struct env e;
	static uint32_t ids[N];
	env_init(&e, N + 8, 64u << 20, 64u << 20, true);
	make_payload(2998, true);
	for (uint32_t i = 0; i < N; i++) {
		ids[i] = i * 2654435761u;
		store(&e, &e.a, frag(ids[i], 2464, 536, false), 0);
	}
	cr_assert_eq(oal_reasm_pending(e.r), N);
	uint64_t x = 88172645463325252ULL;
	for (uint32_t i = N; i > 1; i--) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		uint32_t j = (uint32_t)(x % i), t = ids[i - 1];
		ids[i - 1] = ids[j];
		ids[j] = t;
	}
	for (uint32_t i = 0; i < N; i++) {
		store(&e, &e.a, frag(ids[i], 0, 1232, true), 1);
		finish(&e, &e.a, frag(ids[i], 1232, 1232, true), 1, 2998);
	}
	cr_assert_eq(stats(&e).complete, N);
	cr_assert_eq(drops(&e), 0);
	env_fini(&e);
}

Test(oal_reasm, keys_distinguish_src_dst_id)
{
	struct env e;
	ENV_DEFAULT(&e);
	make_payload(2998, true);
	struct oal_frag f = frag(5, 0, 1232, true);
	store(&e, &e.a, f, 0);
	f.src.s6_addr[15] = 9;
	store(&e, &e.a, f, 0); /* other src: no overlap */
	f = frag(5, 0, 1232, true);
	f.dst.s6_addr[15] = 9;
	store(&e, &e.a, f, 0); /* other dst */
	store(&e, &e.a, frag(6, 0, 1232, true), 0);
	cr_assert_eq(oal_reasm_pending(e.r), 4);
	cr_assert_eq(drops(&e), 0);
	cr_assert_eq(stats(&e).dup, 0);
	env_fini(&e);
}

Test(oal_reasm, atomic_path)
{
	struct env e;
	size_t il = 0;
	ENV_DEFAULT(&e);
	size_t n = make_payload(100, true);
	struct oal_frag f = frag(1, 0, n, false);
	cr_assert_eq(oal_reasm_atomic(e.r, &f, &il), 0);
	cr_assert_eq(il, 100);
	cr_assert_eq(oal_atomic_check(&f, true, &il), 0);
	/* same bytes without the checksum option: the trailer is junk after the packet */
	cr_assert_eq(oal_atomic_check(&f, false, &il), -EBADMSG);
	f.data_len = 100;
	cr_assert_eq(oal_atomic_check(&f, false, &il), 0);
	f.data_len = n;
	payload[50] ^= 1;
	cr_assert_eq(oal_reasm_atomic(e.r, &f, &il), -EILSEQ);
	payload[50] ^= 1;
	f.nh = 4;
	cr_assert_eq(oal_reasm_atomic(e.r, &f, &il), -EBADMSG);
	f.nh = 41;
	f.data_len = 2;
	cr_assert_eq(oal_reasm_atomic(e.r, &f, &il), -EBADMSG);
	f.data_len = 1;
	cr_assert_eq(oal_reasm_atomic(e.r, &f, &il), -EBADMSG);
	f = frag(1, 0, n, true);
	cr_assert_eq(oal_reasm_atomic(e.r, &f, &il), -EINVAL);
	struct oal_reasm_stats st = stats(&e);
	cr_assert_eq(st.atomic, 1);
	cr_assert_eq(st.bad_checksum, 1);
	cr_assert_eq(st.bad_inner_len, 3);
	cr_assert_eq(drops(&e), 4);
	env_fini(&e);
}

Test(oal_reasm, free_with_pending_returns_buffers)
{
	struct env e;
	struct pbuf_pool_stats ps;
	ENV_DEFAULT(&e);
	make_payload(2998, true);
	for (uint32_t id = 0; id < 5; id++)
		store(&e, id & 1 ? &e.a : &e.b, frag(id, 0, 1232, true), 0);
	pbuf_pool_stats(e.pool, &ps);
	cr_assert_eq(ps.in_use, 5);
	oal_reasm_free(e.r);
	pbuf_pool_stats(e.pool, &ps);
	cr_assert_eq(ps.in_use, 0);
	pbuf_pool_free(e.pool);
	oal_reasm_free(NULL);
}
