// SPDX-License-Identifier: MIT
/*
 * fuzz_vnet.c - TUN offloads (common/vnet.c). Input: a virtio_net_hdr and the
 * packet behind it, as a TUN read delivers them. For anything
 * vnet_hdr_parse() accepts, and for three MTUs: every segment is built and
 * must fit the MTU, carry the right lengths and a checksum that verifies
 * with this file's own byte-wise routine, and together hold exactly the
 * original payload; the in-place finish must equal the built packet; the
 * segments go through GRO, whose every output must parse again and, when it
 * is a super-packet, re-segment into exactly the packets that went in.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "vnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PEND_CAP (VNET_GRO_MAX_SEGS * 128 + 65536)

static uint8_t seg[65536], recut[65536], grobuf[VNET_GRO_BUF_LEN];
static uint8_t pend[PEND_CAP]; /* the segments GRO holds, back to back */
static size_t pend_off[VNET_GRO_MAX_SEGS + 1], npend;

static uint32_t t_sum(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t t_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void require(int ok)
{
	if (!ok)
		abort();
}

static void check_gso_segment(const struct vnet_pkt *v, const uint8_t *s, size_t len)
{
	size_t l4 = v->l4_off, l4len = len - l4;
	uint8_t proto = v->l4 == VNET_L4_TCP ? 6 : 17;
	uint32_t ps;

	if (v->ip_version == 4) {
		require(get_be16(s + 2) == len);
		require(t_fold(t_sum(s, (size_t)(s[0] & 15) * 4, 0)) == 0xffff);
		ps = t_sum(s + 12, 8, 0);
	} else {
		require(get_be16(s + 4) + 40u == len);
		ps = t_sum(s + 8, 32, 0);
	}
	ps += proto + (uint32_t)l4len;
	require(t_fold(t_sum(s + l4, l4len, ps)) == 0xffff);
	if (v->l4 == VNET_L4_UDP)
		require(get_be16(s + l4 + 4) == l4len && get_be16(s + l4 + 6) != 0);
}

/* Compare GRO output @w (@n octets) with the pending segments. */
static void check_take(const uint8_t *w, size_t n, size_t mtu)
{
	struct vnet_pkt v;

	require(n > VNET_HDR_LEN && npend > 0);
	require(vnet_hdr_parse(w, n, &v) == 0);
	if (v.gso_type == VNET_GSO_NONE) {
		static const uint8_t zero[VNET_HDR_LEN];
		require(npend == 1 && !memcmp(w, zero, VNET_HDR_LEN));
		require(n - VNET_HDR_LEN == pend_off[1] &&
			!memcmp(w + VNET_HDR_LEN, pend, pend_off[1]));
	} else {
		require(vnet_seg_count(&v, mtu) == npend);
		for (size_t i = 0; i < npend; i++) {
			ssize_t r = vnet_seg_build(&v, mtu, i, recut, sizeof(recut));
			require(r > 0 && (size_t)r == pend_off[i + 1] - pend_off[i]);
			require(!memcmp(recut, pend + pend_off[i], (size_t)r));
		}
	}
	npend = 0;
	pend_off[0] = 0;
}

static void pend_push(const uint8_t *s, size_t len)
{
	require(npend < VNET_GRO_MAX_SEGS && pend_off[npend] + len <= PEND_CAP);
	memcpy(pend + pend_off[npend], s, len);
	pend_off[npend + 1] = pend_off[npend] + len;
	npend++;
}

static void gro_feed(struct vnet_gro *g, const uint8_t *s, size_t len, size_t mtu)
{
	const uint8_t *w;
	size_t n;

	if (vnet_gro_add(g, s, len)) {
		pend_push(s, len);
		return;
	}
	if ((n = vnet_gro_take(g, &w)))
		check_take(w, n, mtu);
	require(npend == 0);
	if (vnet_gro_add(g, s, len))
		pend_push(s, len);
}

static void run(const uint8_t *in, size_t size, const struct vnet_pkt *v, size_t mtu)
{
	struct vnet_gro g;
	size_t count = vnet_seg_count(v, mtu), off = 0;
	const uint8_t *w;
	size_t n;

	vnet_gro_init(&g, grobuf, sizeof(grobuf), VNET_GRO_TCP | VNET_GRO_UDP);
	npend = 0;
	pend_off[0] = 0;
	require(vnet_seg_build(v, mtu, count, seg, sizeof(seg)) == -EINVAL);
	for (size_t i = 0; i < count; i++) {
		ssize_t r = vnet_seg_build(v, mtu, i, seg, sizeof(seg));
		require(r > 0);
		size_t len = (size_t)r;
		if (v->gso_type != VNET_GSO_NONE) {
			require(len <= mtu && len > v->hdr_len);
			size_t slice = len - v->hdr_len;
			require(!memcmp(seg + v->hdr_len, v->pkt + v->hdr_len + off, slice));
			off += slice;
			check_gso_segment(v, seg, len);
		} else {
			require(len == v->len);
			if (v->flags & VNET_F_NEEDS_CSUM) {
				size_t co = (size_t)v->csum_start + v->csum_offset;
				require(!memcmp(seg, v->pkt, co) &&
					!memcmp(seg + co + 2, v->pkt + co + 2, len - co - 2));
				if (!(v->csum_offset & 1)) {
					uint16_t f = get_be16(v->pkt + co);
					uint32_t s =
					    t_sum(seg + v->csum_start, len - v->csum_start, f);
					require(t_fold(s) == 0xffff);
				}
			} else {
				require(!memcmp(seg, v->pkt, len));
			}
		}
		if (count == 1) {
			/* The in-place form gives the same bytes. */
			uint8_t *cp = malloc(size);
			struct vnet_pkt v2;
			require(cp != NULL);
			memcpy(cp, in, size);
			require(vnet_hdr_parse(cp, size, &v2) == 0);
			require(vnet_pkt_finish(&v2, mtu, cp + VNET_HDR_LEN) == 0);
			require(!memcmp(cp + VNET_HDR_LEN, seg, len));
			free(cp);
		}
		gro_feed(&g, seg, len, mtu);
	}
	if (v->gso_type != VNET_GSO_NONE && count)
		require(off == v->len - v->hdr_len);
	if ((n = vnet_gro_take(&g, &w)))
		check_take(w, n, mtu);
	require(npend == 0 && vnet_gro_take(&g, &w) == 0 && w == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t mtus[] = {9180, 1280, 576};
	struct vnet_pkt v;

	if (size > VNET_HDR_LEN + 65535)
		return 0;
	/* Copy so the sanitizers see reads past the end of the real input. */
	uint8_t *in = malloc(size ? size : 1);
	if (!in)
		return 0;
	memcpy(in, data, size);
	if (vnet_hdr_parse(in, size, &v) == 0) {
		require(v.pkt == in + VNET_HDR_LEN && v.len == size - VNET_HDR_LEN);
		for (size_t i = 0; i < sizeof(mtus) / sizeof(mtus[0]); i++)
			run(in, size, &v, mtus[i]);
	}
	/* The packet alone, as the overlay would hand it to GRO. */
	if (size > VNET_HDR_LEN) {
		struct vnet_gro g;
		const uint8_t *w;
		vnet_gro_init(&g, grobuf, sizeof(grobuf), VNET_GRO_TCP | VNET_GRO_UDP);
		if (vnet_gro_add(&g, in + VNET_HDR_LEN, size - VNET_HDR_LEN)) {
			size_t n = vnet_gro_take(&g, &w);
			require(n == size &&
				!memcmp(w + VNET_HDR_LEN, in + VNET_HDR_LEN, size - VNET_HDR_LEN));
		}
	}
	free(in);
	return 0;
}
