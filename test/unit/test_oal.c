// SPDX-License-Identifier: MIT
/*
 * test_oal.c - OAL codec, Fletcher-16, fragmentation and inner-packet
 * helpers: known answers from vectors/omni 07a/07b/07d/08a-d (field values
 * copied from the .json files, bytes read from the .hex files at run time),
 * builder == vector bytes, round trips through oal_reasm in several orders,
 * truncation at every offset and header bit flips.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cursor.h"
#include "ipv6.h"
#include "oal_reasm.h"
#include "pbuf.h"
#include "wire_oal.h"

#define VEC(name) VECTORS_DIR "/omni/" name

#include "vectors.h"

#define read_hex vectors_read_hex

static struct in6_addr in6(const char *s)
{
	struct in6_addr a;
	cr_assert(inet_pton(AF_INET6, s, &a) == 1);
	return a;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
	/* xorshift64*: deterministic, good enough for test data */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint16_t fletcher_naive(const uint8_t *p, size_t n)
{
	unsigned a = 0, b = 0;
	for (size_t i = 0; i < n; i++) {
		a = (a + p[i]) % 255;
		b = (b + a) % 255;
	}
	return (uint16_t)(b << 8 | a);
}

/* Expected fields of one vector fragment, copied from the .json files. */
struct vfrag {
	const char *file;
	size_t length;
	uint8_t tc;
	uint8_t nh;
	uint16_t offset;
	bool more;
	size_t data_len;
};

struct vpkt {
	const char *inner_file;
	size_t inner_len;
	uint8_t inner_tc;
	uint8_t nh;
	uint32_t id;
	uint16_t fletcher;
	size_t budget; /* oal_max used to build; 0 = any (atomic) */
	size_t nfrags;
	struct vfrag frags[3];
};

static const char *OAL_SRC = "fd00:1234:5678:1:2001:db8:1000:2000";
static const char *OAL_DST = "fd00:1234:5678:1::1";

static const struct vpkt v07a = {
    .inner_file = VEC("07a-oal-atomic.inner.hex"),
    .inner_len = 120,
    .inner_tc = 0,
    .nh = 41,
    .id = 1579810817,
    .fletcher = 6048,
    .budget = 0,
    .nfrags = 1,
    .frags = {{VEC("07a-oal-atomic.hex"), 170, 0, 41, 0, false, 122}},
};

static const struct vpkt v07b = {
    .inner_file = VEC("07b-oal-fragmented.inner.hex"),
    .inner_len = 3000,
    .inner_tc = 184,
    .nh = 41,
    .id = 1579810818,
    .fletcher = 8748,
    .budget = 1280,
    .nfrags = 3,
    .frags =
	{
	    {VEC("07b-oal-fragmented.1.hex"), 1280, 184, 41, 0, true, 1232},
	    {VEC("07b-oal-fragmented.2.hex"), 1280, 184, 41, 1232, true, 1232},
	    {VEC("07b-oal-fragmented.3.hex"), 586, 184, 41, 2464, false, 538},
	},
};

static const struct vpkt v07d = {
    .inner_file = VEC("07d-oal-atomic-ipv4-inner.inner.hex"),
    .inner_len = 64,
    .inner_tc = 0,
    .nh = 4,
    .id = 1579810819,
    .fletcher = 5533,
    .budget = 0,
    .nfrags = 1,
    .frags = {{VEC("07d-oal-atomic-ipv4-inner.hex"), 114, 0, 4, 0, false, 66}},
};

static struct pbuf_pool *mkpool(size_t mtu, size_t max)
{
	return pbuf_pool_new(64 + mtu + 2, 64, max);
}

static struct oal_reasm *mkreasm(struct pbuf_pool *pool, size_t mtu, bool checksum)
{
	struct oal_reasm_cfg cfg = {.mtu = mtu,
				    .checksum = checksum,
				    .timeout_ms = 10000,
				    .mem_peer = 4u << 20,
				    .mem_total = 64u << 20};
	return oal_reasm_new(&cfg, pool);
}

static void check_vector(const struct vpkt *v)
{
	size_t inner_len;
	uint8_t *inner = read_hex(v->inner_file, &inner_len);
	struct in6_addr src = in6(OAL_SRC), dst = in6(OAL_DST);
	uint8_t nh;

	cr_assert_eq(inner_len, v->inner_len);
	cr_assert_eq(oal_fletcher16(inner, inner_len), v->fletcher);
	cr_assert_eq(ipv6_inner_len(inner, inner_len, &nh), 0);
	cr_assert_eq(nh, v->nh);
	cr_assert_eq(ipv6_inner_tc(inner), v->inner_tc);

	/* payload = inner || trailer */
	size_t plen = inner_len + 2;
	uint8_t *payload = malloc(plen);
	memcpy(payload, inner, inner_len);
	put_be16(payload + inner_len, v->fletcher);

	struct oal_tx tx = {.src = src,
			    .dst = dst,
			    .tc = v->inner_tc,
			    .hop_limit = 16,
			    .nh = v->nh,
			    .flow = 0,
			    .id = v->id,
			    .checksum = true};
	size_t oal_max = v->budget ? v->budget : 1280;
	cr_assert_eq(oal_frag_count(inner_len, true, oal_max), v->nfrags);

	struct pbuf_pool *pool = mkpool(9180, 8);
	struct oal_reasm *r = mkreasm(pool, 9180, true);
	struct oal_reasm_acct acct = {0};
	struct pbuf *done = NULL;

	for (size_t i = 0; i < v->nfrags; i++) {
		const struct vfrag *vf = &v->frags[i];
		size_t n;
		uint8_t *pkt = read_hex(vf->file, &n);
		struct oal_frag f;

		cr_assert_eq(n, vf->length);
		cr_assert_eq(wire_oal_decode(pkt, n, &f), 0);
		cr_assert_eq(f.tc, vf->tc);
		cr_assert_eq(f.flow, 0);
		cr_assert_eq(f.hop_limit, 16);
		cr_assert_arr_eq(&f.src, &src, 16);
		cr_assert_arr_eq(&f.dst, &dst, 16);
		cr_assert_eq(f.nh, vf->nh);
		cr_assert_eq(f.offset, vf->offset);
		cr_assert_eq(f.more, vf->more);
		cr_assert_eq(f.id, v->id);
		cr_assert_eq(f.data_len, vf->data_len);
		cr_assert_eq(f.data, pkt + 48);
		cr_assert_arr_eq(f.data, payload + vf->offset, vf->data_len);
		/* Payload Length on the wire = 8 + data */
		cr_assert_eq(get_be16(pkt + 4), 8 + vf->data_len);

		/* Building from the same fields gives the same bytes. */
		uint8_t out[2000];
		ssize_t len = oal_frag_build(&tx, inner, inner_len, v->fletcher, oal_max, i, out,
					     sizeof(out));
		cr_assert_eq(len, (ssize_t)n);
		cr_assert_arr_eq(out, pkt, n);
		uint8_t hdr[OAL_HDR_LEN];
		wire_oal_encode_hdr(hdr, &f);
		cr_assert_arr_eq(hdr, pkt, OAL_HDR_LEN);

		/* Truncation at every offset fails cleanly. */
		for (size_t k = 0; k < n; k++) {
			struct oal_frag g;
			cr_assert_eq(wire_oal_decode(pkt, k, &g), -EBADMSG, "len %zu", k);
		}

		if (v->nfrags == 1) {
			size_t il;
			cr_assert_eq(oal_atomic_check(&f, true, &il), 0);
			cr_assert_eq(il, inner_len);
			cr_assert_arr_eq(f.data, inner, inner_len);
		} else {
			struct pbuf *o;
			cr_assert_eq(oal_reasm_input(r, &acct, &f, 0, &o), 0);
			if (i + 1 < v->nfrags)
				cr_assert_null(o);
			else
				done = o;
		}
		free(pkt);
	}
	if (v->nfrags > 1) {
		cr_assert_not_null(done);
		cr_assert_eq(done->len, inner_len);
		cr_assert_arr_eq(done->head, inner, inner_len);
		cr_assert_eq(done->meta_u64, v->nh);
		pbuf_free(done);
		cr_assert_eq(acct.mem, 0);
		cr_assert_eq(acct.entries, 0);
	}
	oal_reasm_free(r);
	pbuf_pool_free(pool);
	free(payload);
	free(inner);
}

Test(oal_vectors, v07a_atomic)
{
	check_vector(&v07a);
}

Test(oal_vectors, v07b_fragmented)
{
	check_vector(&v07b);
	cr_assert_eq(oal_frag_data_max(1280), 1232);
}

Test(oal_vectors, v07d_ipv4_inner)
{
	check_vector(&v07d);
}

Test(oal_vectors, inner_accessors)
{
	size_t n;
	uint8_t *p = read_hex(v07a.inner_file, &n);
	int fam;
	const uint8_t *a;
	struct in6_addr s6 = in6("2001:db8:1000:2001::10"), d6 = in6("2001:db8:1000:3001::20");

	ipv6_inner_src(p, &fam, &a);
	cr_assert_eq(fam, AF_INET6);
	cr_assert_arr_eq(a, &s6, 16);
	ipv6_inner_dst(p, &fam, &a);
	cr_assert_eq(fam, AF_INET6);
	cr_assert_arr_eq(a, &d6, 16);
	free(p);

	p = read_hex(v07d.inner_file, &n);
	struct in_addr s4, d4;
	inet_pton(AF_INET, "10.1.0.5", &s4);
	inet_pton(AF_INET, "10.2.0.9", &d4);
	ipv6_inner_src(p, &fam, &a);
	cr_assert_eq(fam, AF_INET);
	cr_assert_arr_eq(a, &s4, 4);
	ipv6_inner_dst(p, &fam, &a);
	cr_assert_eq(fam, AF_INET);
	cr_assert_arr_eq(a, &d4, 4);
	free(p);

	p = read_hex(v07b.inner_file, &n);
	cr_assert_eq(ipv6_inner_tc(p), 0xb8);
	free(p);

	uint8_t v4[20] = {0x45, 0xa5, 0, 20};
	cr_assert_eq(ipv6_inner_tc(v4), 0xa5);
}

/* ---- Fletcher-16 ---- */

static void check_fletcher_vec(const char *file, size_t len, uint16_t value)
{
	size_t n;
	uint8_t *p = read_hex(file, &n);
	cr_assert_eq(n, len);
	cr_assert_eq(oal_fletcher16(p, n), value);
	cr_assert_eq(fletcher_naive(p, n), value);
	free(p);
}

Test(fletcher, vectors)
{
	check_fletcher_vec(VEC("08a-fletcher-empty.hex"), 0, 0);
	check_fletcher_vec(VEC("08b-fletcher-abcde.hex"), 5, 51440);
	check_fletcher_vec(VEC("08c-fletcher-abcdef.hex"), 6, 8279);
	check_fletcher_vec(VEC("08d-fletcher-ff-1000.hex"), 1000, 0);
	cr_assert_eq(oal_fletcher16(NULL, 0), 0);
}

Test(fletcher, fast_equals_naive)
{
	enum { MAXN = 200000 };
	uint8_t *buf = malloc(MAXN);
	for (size_t i = 0; i < MAXN; i++)
		buf[i] = (uint8_t)rnd();

	/* every length up to 600, then a stride and random lengths up to 20000 */
	for (size_t n = 0; n <= 600; n++)
		cr_assert_eq(oal_fletcher16(buf, n), fletcher_naive(buf, n), "n=%zu", n);
	for (size_t n = 601; n <= 20000; n += 97)
		cr_assert_eq(oal_fletcher16(buf + (n & 7), n), fletcher_naive(buf + (n & 7), n),
			     "n=%zu", n);
	for (int i = 0; i < 300; i++) {
		size_t n = rnd() % 20001, off = rnd() % 64;
		cr_assert_eq(oal_fletcher16(buf + off, n), fletcher_naive(buf + off, n), "n=%zu",
			     n);
	}
	/* several chunks (> 65536 octets) */
	cr_assert_eq(oal_fletcher16(buf, MAXN), fletcher_naive(buf, MAXN));
	cr_assert_eq(oal_fletcher16(buf, 65536), fletcher_naive(buf, 65536));
	cr_assert_eq(oal_fletcher16(buf, 65537 + 15), fletcher_naive(buf, 65537 + 15));

	/* worst case for the deferred sums: all 0xff, and the 0/255 ambiguity */
	memset(buf, 0xff, MAXN);
	for (size_t n = 0; n <= MAXN; n += (n < 1000 ? 1 : 4999))
		cr_assert_eq(oal_fletcher16(buf, n), fletcher_naive(buf, n), "ff n=%zu", n);
	cr_assert_eq(oal_fletcher16(buf, MAXN), fletcher_naive(buf, MAXN));
	memset(buf, 0xfe, MAXN);
	cr_assert_eq(oal_fletcher16(buf, MAXN), fletcher_naive(buf, MAXN));
	cr_assert_eq(oal_fletcher16(buf, 65535), fletcher_naive(buf, 65535));
	memset(buf, 0, MAXN);
	cr_assert_eq(oal_fletcher16(buf, MAXN), 0);
	free(buf);
}

/* ---- decoder details ---- */

static size_t load(const char *file, uint8_t *buf, size_t cap)
{
	size_t n;
	uint8_t *p = read_hex(file, &n);
	cr_assert(n <= cap);
	memcpy(buf, p, n);
	free(p);
	return n;
}

Test(oal_decode, errors)
{
	uint8_t b[2000];
	size_t n = load(VEC("07a-oal-atomic.hex"), b, sizeof(b));
	struct oal_frag f;

	/* no data octet: header only, Payload Length 8 */
	uint8_t h[48];
	memcpy(h, b, 48);
	put_be16(h + 4, 8);
	cr_assert_eq(wire_oal_decode(h, 48, &f), -EBADMSG);

	/* unsupported Fragment Next Header */
	uint8_t c[2000];
	memcpy(c, b, n);
	c[40] = 17;
	cr_assert_eq(wire_oal_decode(c, n, &f), -EPROTO);
	c[40] = 6;
	cr_assert_eq(wire_oal_decode(c, n, &f), -EPROTO);

	/* Payload Length larger / smaller than the bytes held */
	memcpy(c, b, n);
	put_be16(c + 4, (uint16_t)(n - 40 + 1));
	cr_assert_eq(wire_oal_decode(c, n, &f), -EBADMSG);
	put_be16(c + 4, (uint16_t)(n - 40 - 1));
	cr_assert_eq(wire_oal_decode(c, n, &f), -EBADMSG);
	/* trailing garbage after a correct Payload Length */
	put_be16(c + 4, (uint16_t)(n - 40));
	cr_assert_eq(wire_oal_decode(c, n + 1, &f), -EBADMSG);
	/* not NH 44, not version 6 */
	memcpy(c, b, n);
	c[6] = 41;
	cr_assert_eq(wire_oal_decode(c, n, &f), -EBADMSG);
	memcpy(c, b, n);
	c[0] = 0x40;
	cr_assert_eq(wire_oal_decode(c, n, &f), -EBADMSG);

	/* Reserved octet and Res bits are ignored */
	memcpy(c, b, n);
	c[41] = 0xff;
	c[43] |= 0x06;
	cr_assert_eq(wire_oal_decode(c, n, &f), 0);
	cr_assert_eq(f.offset, 0);
	cr_assert_eq(f.more, false);
	cr_assert_eq(f.nh, 41);

	/* largest offset and M flag */
	put_be16(c + 42, 0xffff);
	cr_assert_eq(wire_oal_decode(c, n, &f), 0);
	cr_assert_eq(f.offset, 0xfff8);
	cr_assert_eq(f.more, true);
	cr_assert_eq(wire_oal_decode(NULL, 0, &f), -EBADMSG);
}

Test(oal_decode, header_bit_flips)
{
	uint8_t b[2000], c[2000];
	size_t n = load(VEC("07b-oal-fragmented.2.hex"), b, sizeof(b));
	struct oal_frag ref, f;

	cr_assert_eq(wire_oal_decode(b, n, &ref), 0);
	for (size_t byte = 0; byte < OAL_HDR_LEN; byte++) {
		for (int bit = 0; bit < 8; bit++) {
			memcpy(c, b, n);
			c[byte] ^= (uint8_t)(1u << bit);
			int rc = wire_oal_decode(c, n, &f);
			if (byte == 0 && bit >= 4) /* version */
				cr_assert_eq(rc, -EBADMSG, "byte %zu bit %d", byte, bit);
			else if (byte == 4 || byte == 5 || byte == 6) /* Payload Length, NH */
				cr_assert_eq(rc, -EBADMSG, "byte %zu bit %d", byte, bit);
			else if (byte == 40) /* Fragment NH 41 -> never 4 with one flip */
				cr_assert_eq(rc, -EPROTO, "byte %zu bit %d", byte, bit);
			else {
				cr_assert_eq(rc, 0, "byte %zu bit %d", byte, bit);
				cr_assert_eq(f.data_len, ref.data_len);
				/* the field that holds the bit changed, the rest did not */
				uint8_t hdr[OAL_HDR_LEN];
				wire_oal_encode_hdr(hdr, &f);
				if (byte == 41 || (byte == 43 && (bit == 1 || bit == 2)))
					cr_assert_arr_eq(hdr, b, OAL_HDR_LEN); /* ignored */
				else
					cr_assert_arr_eq(hdr, c, OAL_HDR_LEN);
			}
		}
	}
}

/* ---- inner packet validation ---- */

Test(ipv6_inner, lengths)
{
	uint8_t p[100] = {0};
	uint8_t nh = 0;

	cr_assert_eq(ipv6_inner_len(p, 0, &nh), -EBADMSG);
	/* IPv6, payload 20 */
	p[0] = 0x60;
	put_be16(p + 4, 20);
	cr_assert_eq(ipv6_inner_len(p, 60, &nh), 0);
	cr_assert_eq(nh, 41);
	cr_assert_eq(ipv6_inner_len(p, 60, NULL), 0);
	cr_assert_eq(ipv6_inner_len(p, 59, &nh), -EBADMSG);
	cr_assert_eq(ipv6_inner_len(p, 61, &nh), -EBADMSG);
	for (size_t k = 0; k < 40; k++)
		cr_assert_eq(ipv6_inner_len(p, k, &nh), -EBADMSG);
	put_be16(p + 4, 0); /* jumbogram */
	cr_assert_eq(ipv6_inner_len(p, 40, &nh), -EBADMSG);

	/* IPv4, IHL 5, total 28 */
	memset(p, 0, sizeof(p));
	p[0] = 0x45;
	put_be16(p + 2, 28);
	cr_assert_eq(ipv6_inner_len(p, 28, &nh), 0);
	cr_assert_eq(nh, 4);
	cr_assert_eq(ipv6_inner_len(p, 27, &nh), -EBADMSG);
	cr_assert_eq(ipv6_inner_len(p, 29, &nh), -EBADMSG);
	for (size_t k = 0; k < 28; k++)
		cr_assert_eq(ipv6_inner_len(p, k, &nh), -EBADMSG);
	/* IHL below 5 */
	p[0] = 0x44;
	cr_assert_eq(ipv6_inner_len(p, 28, &nh), -EBADMSG);
	/* IHL 15 (60 octets) larger than the packet */
	p[0] = 0x4f;
	cr_assert_eq(ipv6_inner_len(p, 28, &nh), -EBADMSG);
	put_be16(p + 2, 60);
	cr_assert_eq(ipv6_inner_len(p, 60, &nh), 0);
	/* other versions */
	for (int v = 0; v < 16; v++) {
		if (v == 4 || v == 6)
			continue;
		p[0] = (uint8_t)(v << 4 | 5);
		cr_assert_eq(ipv6_inner_len(p, 60, &nh), -EBADMSG);
	}
}

/* ---- fragmentation ---- */

Test(oal_frag, counts_and_errors)
{
	struct oal_tx tx = {.nh = 41, .hop_limit = 16, .checksum = true};
	uint8_t inner[20000] = {0}, out[10000];

	cr_assert_eq(oal_frag_data_max(55), 0);
	cr_assert_eq(oal_frag_data_max(56), 8);
	cr_assert_eq(oal_frag_data_max(548), 496);
	cr_assert_eq(oal_frag_data_max(1232), 1184);
	cr_assert_eq(oal_frag_data_max(100000), 65520); /* 40 + 65535 - 48, rounded down */

	cr_assert_eq(oal_frag_count(0, true, 1280), 0);
	/* atomic exactly at the budget, one more octet splits */
	cr_assert_eq(oal_frag_count(1280 - 50, true, 1280), 1);
	cr_assert_eq(oal_frag_count(1280 - 49, true, 1280), 2);
	cr_assert_eq(oal_frag_count(1280 - 48, false, 1280), 1);
	cr_assert_eq(oal_frag_count(1280 - 47, false, 1280), 2);
	cr_assert_eq(oal_frag_count(3000, true, 1280), 3);
	cr_assert_eq(oal_frag_count(9180, true, 548), 19);
	/* too small to fragment: F < 256 */
	cr_assert_eq(oal_frag_count(10, true, 60), 1);
	cr_assert_eq(oal_frag_count(300, true, 48 + 255), 0);
	cr_assert_eq(oal_frag_count(300, true, 48 + 263), 2);
	cr_assert_eq(oal_frag_count(400, true, 48 + 256), 2);
	/* 65535-octet inner: fits 13-bit offsets with F = 1232, not with F = 256 */
	cr_assert_eq(oal_frag_count(65535, true, 1280), 54);
	cr_assert_eq(oal_frag_count(65535, true, 48 + 256), 0);
	cr_assert_eq(oal_frag_count(65535, true, 48 + 264), 249);
	cr_assert_eq(oal_frag_count(SIZE_MAX - 1, true, 1280), 0);

	cr_assert_eq(oal_frag_build(&tx, inner, 3000, 0, 1280, 3, out, sizeof(out)), -EINVAL);
	cr_assert_eq(oal_frag_build(&tx, inner, 0, 0, 1280, 0, out, sizeof(out)), -EINVAL);
	cr_assert_eq(oal_frag_build(&tx, inner, 3000, 0, 1280, 0, out, 1279), -ENOSPC);
	cr_assert_eq(oal_frag_build(&tx, inner, 3000, 0, 1280, 0, out, 1280), 1280);
	cr_assert_eq(oal_frag_build(&tx, inner, 3000, 0, 1280, 2, out, 585), -ENOSPC);
	cr_assert_eq(oal_frag_build(&tx, inner, 3000, 0, 1280, 2, out, 586), 586);
	tx.checksum = false;
	cr_assert_eq(oal_frag_build(&tx, inner, 3000, 0, 1280, 2, out, 584), 584);
}

Test(oal_frag, trailer_straddles)
{
	/* payload = 2 * 1232 + 1: the last fragment holds only the trailer's
	 * second octet, the second fragment its first. */
	struct oal_tx tx = {.nh = 41, .hop_limit = 16, .checksum = true};
	uint8_t inner[2463], out[1400];
	struct oal_frag f;

	memset(inner, 0x11, sizeof(inner));
	cr_assert_eq(oal_frag_count(sizeof(inner), true, 1280), 3);
	cr_assert_eq(oal_frag_build(&tx, inner, sizeof(inner), 0xabcd, 1280, 1, out, sizeof(out)),
		     1280);
	cr_assert_eq(out[1279], 0xab);
	cr_assert_eq(out[1278], 0x11);
	cr_assert_eq(oal_frag_build(&tx, inner, sizeof(inner), 0xabcd, 1280, 2, out, sizeof(out)),
		     49);
	cr_assert_eq(wire_oal_decode(out, 49, &f), 0);
	cr_assert_eq(f.data_len, 1);
	cr_assert_eq(f.data[0], 0xcd);
	cr_assert_eq(f.offset, 2464);
	cr_assert_eq(f.more, false);
}

/* ---- round trips ---- */

/* A valid inner packet of @n octets (IPv6 if > 40, IPv4 if >= 20, else junk). */
static void make_inner(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
	if (n > 40) {
		p[0] = 0x60 | (p[0] & 0x0f);
		put_be16(p + 4, (uint16_t)(n - 40));
	} else if (n >= 20) {
		p[0] = 0x45;
		put_be16(p + 2, (uint16_t)n);
	} else if (n > 0) {
		p[0] = 0x10;
	}
}

enum order { ORD_FWD, ORD_REV, ORD_SHUF, ORD_DUP, ORD__COUNT };

static void round_trip(struct oal_reasm *r, struct oal_reasm_acct *acct, size_t n, size_t oal_max,
		       bool checksum, enum order ord, uint32_t id)
{
	static uint8_t inner[9200];
	static uint8_t frags[40][9300];
	static size_t flen[40];
	size_t order[80], no = 0;
	make_inner(inner, n);
	uint8_t nh = n > 40 ? 41 : 4;
	uint16_t tr = oal_fletcher16(inner, n);
	struct oal_tx tx = {.src = in6(OAL_SRC),
			    .dst = in6(OAL_DST),
			    .tc = 0x20,
			    .hop_limit = 16,
			    .nh = nh,
			    .flow = 0x12345,
			    .id = id,
			    .checksum = checksum};
	size_t count = oal_frag_count(n, checksum, oal_max);

	cr_assert(count > 0 && count <= 40, "n=%zu max=%zu count=%zu", n, oal_max, count);
	for (size_t i = 0; i < count; i++) {
		ssize_t l =
		    oal_frag_build(&tx, inner, n, tr, oal_max, i, frags[i], sizeof(frags[i]));
		cr_assert(l > 0 && (size_t)l <= oal_max);
		if (i + 1 < count)
			cr_assert_eq((size_t)l, OAL_HDR_LEN + oal_frag_data_max(oal_max));
		flen[i] = (size_t)l;
	}
	for (size_t i = 0; i < count; i++)
		order[no++] = ord == ORD_REV ? count - 1 - i : i;
	if (ord == ORD_SHUF || ord == ORD_DUP) {
		for (size_t i = no; i > 1; i--) {
			size_t j = rnd() % i, t = order[i - 1];
			order[i - 1] = order[j];
			order[j] = t;
		}
	}
	if (ord == ORD_DUP && count > 1) {
		/* duplicate every fragment but the one that completes */
		size_t last = order[no - 1];
		no--;
		for (size_t i = 0, m = no; i < m; i++)
			order[no++] = order[i];
		order[no++] = last;
	}

	struct pbuf *out = NULL;
	for (size_t k = 0; k < no; k++) {
		struct oal_frag f;
		size_t i = order[k];
		cr_assert_eq(wire_oal_decode(frags[i], flen[i], &f), 0);
		cr_assert_eq(f.flow, 0x12345);
		cr_assert_eq(f.tc, 0x20);
		if (count == 1) {
			size_t il;
			int rc = oal_reasm_atomic(r, &f, &il);
			if (n < 20) {
				cr_assert_eq(rc, -EBADMSG);
				return;
			}
			cr_assert_eq(rc, 0, "n=%zu", n);
			cr_assert_eq(il, n);
			cr_assert_arr_eq(f.data, inner, n);
			return;
		}
		struct pbuf *o;
		cr_assert_eq(oal_reasm_input(r, acct, &f, 1000, &o), 0, "n=%zu k=%zu", n, k);
		if (k + 1 < no)
			cr_assert_null(o, "n=%zu max=%zu k=%zu", n, oal_max, k);
		else
			out = o;
	}
	cr_assert_not_null(out, "n=%zu max=%zu ord=%d", n, oal_max, ord);
	cr_assert_eq(out->len, n);
	cr_assert_arr_eq(out->head, inner, n);
	cr_assert_eq(out->meta_u64, nh);
	pbuf_free(out);
	cr_assert_eq(acct->entries, 0);
	cr_assert_eq(acct->mem, 0);
}

static void round_trips(bool checksum)
{
	static const size_t maxes[] = {576 - 28, 1232, 1280, 1452, 8000};
	struct pbuf_pool *pool = mkpool(9180, 64);
	struct oal_reasm *r = mkreasm(pool, 9180, checksum);
	struct oal_reasm_acct acct = {0};
	uint32_t id = 1;
	size_t runs = 0;

	for (size_t mi = 0; mi < ARRAY_SIZE(maxes); mi++) {
		for (size_t n = 1; n <= 9180; n += (n < 64 ? 1 : n < 9000 ? 131 : 17)) {
			for (int ord = 0; ord < ORD__COUNT; ord++) {
				round_trip(r, &acct, n, maxes[mi], checksum, (enum order)ord, id++);
				runs++;
			}
		}
		/* sizes around each fragment boundary */
		size_t f = oal_frag_data_max(maxes[mi]), tl = checksum ? 2 : 0;
		for (size_t k = 1; k <= 4 && k * f < 9180; k++) {
			for (size_t d = 0; d < 5; d++) {
				size_t n = k * f + d - 2 - tl;
				if (n > 9180 || n < 1)
					continue;
				round_trip(r, &acct, n, maxes[mi], checksum, ORD_SHUF, id++);
			}
		}
		round_trip(r, &acct, 9180, maxes[mi], checksum, ORD_SHUF, id++);
	}
	cr_assert(runs > 1000);
	struct oal_reasm_stats st;
	oal_reasm_stats(r, &st);
	cr_assert_eq(st.overlap + st.bad_size + st.too_big + st.bad_checksum + st.timeout +
			 st.mem_peer_drop + st.mem_total_drop + st.no_buffer,
		     0);
	cr_assert(st.complete > 0 && st.atomic > 0 && st.dup > 0);
	cr_assert_eq(oal_reasm_pending(r), 0);
	oal_reasm_free(r);
	struct pbuf_pool_stats ps;
	pbuf_pool_stats(pool, &ps);
	cr_assert_eq(ps.in_use, 0);
	pbuf_pool_free(pool);
}

Test(oal_roundtrip, checksum_on, .timeout = 60)
{
	round_trips(true);
}

Test(oal_roundtrip, checksum_off, .timeout = 60)
{
	round_trips(false);
}
