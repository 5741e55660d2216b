// SPDX-License-Identifier: MIT
/*
 * wire_oal.c - OAL fragment header decode/encode and the Fletcher-16 trailer
 * (spec/omni-aero.md §3.2-3.4). Pure: reads only [p, p + n), writes only the
 * caller's output, keeps no state. Fragmentation is in oal_frag.c.
 */
#include "wire_oal.h"

#include <errno.h>
#include <string.h>
#include "cursor.h"

int wire_oal_decode(const uint8_t *p, size_t n, struct oal_frag *out)
{
	struct cur c = cur_make(p, n);
	struct oal_frag f;
	uint32_t vtf;
	uint16_t plen, offw;
	uint8_t nh, res;

	cur_be32(&c, &vtf);
	cur_be16(&c, &plen);
	cur_u8(&c, &nh);
	cur_u8(&c, &f.hop_limit);
	cur_copy(&c, &f.src, sizeof(f.src));
	cur_copy(&c, &f.dst, sizeof(f.dst));
	cur_u8(&c, &f.nh);
	/* Reserved octet and the Res bits: ignored on reception (RFC 8200 §4.5). */
	cur_u8(&c, &res);
	cur_be16(&c, &offw);
	cur_be32(&c, &f.id);
	if (c.bad)
		return -EBADMSG;
	/* §3.2: version 6, NH 44 (a Fragment header is always present). The
	 * Payload Length must describe exactly the bytes we hold. */
	if (vtf >> 28 != 6 || nh != OAL_NH_FRAGMENT || (size_t)plen != n - OAL_IPV6_HDR_LEN ||
	    c.left == 0)
		return -EBADMSG;
	if (f.nh != OAL_NH_IPV6 && f.nh != OAL_NH_IPV4)
		return -EPROTO;
	(void)res;
	f.tc = (uint8_t)(vtf >> 20);
	f.flow = vtf & 0xfffff;
	f.offset = (uint16_t)(offw & 0xfff8);
	f.more = offw & 1;
	f.data_len = c.left;
	f.data = cur_bytes(&c, c.left);
	*out = f;
	return 0;
}

void wire_oal_encode_hdr(uint8_t out[OAL_HDR_LEN], const struct oal_frag *f)
{
	OMNI_ASSERT((f->offset & 7) == 0);
	OMNI_ASSERT(f->data_len <= 0xffff - OAL_FRAG_HDR_LEN);
	put_be32(out, 6U << 28 | (uint32_t)f->tc << 20 | (f->flow & 0xfffff));
	put_be16(out + 4, (uint16_t)(OAL_FRAG_HDR_LEN + f->data_len));
	out[6] = OAL_NH_FRAGMENT;
	out[7] = f->hop_limit;
	memcpy(out + 8, &f->src, 16);
	memcpy(out + 24, &f->dst, 16);
	out[40] = f->nh;
	out[41] = 0;
	put_be16(out + 42, (uint16_t)(f->offset | (f->more ? 1 : 0)));
	put_be32(out + 44, f->id);
}

/*
 * Fletcher-16 with deferred reduction. For a run of L octets d_0..d_{L-1}
 * entered with sums (a0, b0), the per-octet definition ends with
 *   A = a0 + sum(d_i),   B = b0 + L*a0 + sum((L - i) * d_i)   (both mod 255),
 * and reducing only at the end gives the same residues. The run is cut into
 * blocks of FL_BLK octets with one column sum per position j:
 *   sa[j] = sum over blocks m of d[FL_BLK*m + j]
 *   sp[j] = sum over blocks m of (the sa[j] value before block m was added)
 *         = sum over m of (M - 1 - m) * d[FL_BLK*m + j]        (M blocks)
 * so sum((L - i) * d_i) = FL_BLK * (sum sp + sum sa) - sum(j * sa[j]).
 * The columns are independent, which lets the compiler vectorize the loop
 * instead of following the serial A -> B dependency of the textbook form.
 *
 * Overflow: with M <= FL_CHUNK_BLOCKS = 4096, sa[j] <= 255 * 4096 and
 * sp[j] <= 255 * 4096 * 4095 / 2 = 2138572800 < 2^32, so 32-bit columns are
 * safe; the combination is done in 64 bits (at most ~6e11). A whole OAL
 * packet (<= 65535 octets) is a single chunk.
 */
#define FL_BLK 16
#define FL_CHUNK_BLOCKS 4096

uint16_t oal_fletcher16(const uint8_t *p, size_t n)
{
	uint32_t a = 0, b = 0; /* reduced mod 255 between chunks */

	while (n >= FL_BLK) {
		size_t blocks = MIN(n / FL_BLK, (size_t)FL_CHUNK_BLOCKS);
		size_t len = blocks * FL_BLK;
		uint32_t sa[FL_BLK] = {0}, sp[FL_BLK] = {0};
		uint64_t ta = 0, tp = 0, tw = 0;

		for (size_t m = 0; m < blocks; m++, p += FL_BLK) {
			for (size_t j = 0; j < FL_BLK; j++) {
				sp[j] += sa[j];
				sa[j] += p[j];
			}
		}
		for (size_t j = 0; j < FL_BLK; j++) {
			ta += sa[j];
			tp += sp[j];
			tw += j * sa[j];
		}
		b = (uint32_t)(((uint64_t)b + (uint64_t)len * a + FL_BLK * (tp + ta) - tw) % 255);
		a = (uint32_t)((a + ta) % 255);
		n -= len;
	}
	/* Tail < FL_BLK octets: a < 255 * 16, b < 255 * 17 * 16, no overflow. */
	for (; n; n--) {
		a += *p++;
		b += a;
	}
	a %= 255;
	b %= 255;
	return (uint16_t)(b << 8 | a);
}
