// SPDX-License-Identifier: MIT
/*
 * test_vnet.c - TUN offloads (common/vnet.c): virtio_net_hdr validation,
 * segmentation of TCP/UDP over IPv4/IPv6 super-packets built here the way the
 * kernel hands them over (partial pseudo-header checksum), every segment
 * checked with the test's own byte-wise RFC 1071 routine; NEEDS_CSUM
 * completion; malformed headers, truncation and bit flips; GRO round trips
 * (segments -> coalesced super-packet -> the very same segments) and every
 * case GRO must refuse.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "vnet.h"

#define P_TCP 6
#define P_UDP 17
#define MAXPKT (VNET_HDR_LEN + 65535)
#define MAXSEGS 4200

/* Cheap in loops: no criterion event unless it fails. */
#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			cr_assert_fail(__VA_ARGS__);                                               \
	} while (0)

/* ---- independent checksum (byte-wise RFC 1071) ---- */

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

static uint32_t t_pseudo(const uint8_t *ip, uint8_t proto, size_t l4len)
{
	uint32_t s = (ip[0] >> 4) == 4 ? t_sum(ip + 12, 8, 0) : t_sum(ip + 8, 32, 0);
	return s + proto + (uint32_t)l4len;
}

/* Does the TCP/UDP checksum of the IP packet @ip verify? */
static bool t_l4_ok(const uint8_t *ip, size_t len, size_t l4off, uint8_t proto)
{
	return t_fold(t_pseudo(ip, proto, len - l4off) + t_sum(ip + l4off, len - l4off, 0)) ==
	       0xffff;
}

static bool t_ip4_ok(const uint8_t *ip)
{
	return t_fold(t_sum(ip, (size_t)(ip[0] & 15) * 4, 0)) == 0xffff;
}

/* ---- packet builder: what a TUN read with offloads looks like ---- */

struct spec {
	int ver;	   /* 4 or 6 */
	uint8_t proto;	   /* P_TCP or P_UDP */
	size_t payload;	   /* L4 payload octets */
	uint16_t gso_size; /* 0: no GSO */
	bool csum;	   /* NEEDS_CSUM (always with GSO) */
	uint8_t tcp_flags;
	size_t tcp_opts; /* octets, multiple of 4 (12 = NOP NOP timestamps) */
	size_t ip_opts;	 /* IPv4 options (x4) or IPv6 Destination Options (x8) octets */
	uint16_t ipid;
	uint32_t seq;
	uint8_t tos, ttl;
	uint16_t sport;
	uint8_t pat; /* payload pattern seed */
};

static struct spec base(int ver, uint8_t proto, size_t payload, uint16_t gso)
{
	return (struct spec){.ver = ver,
			     .proto = proto,
			     .payload = payload,
			     .gso_size = gso,
			     .csum = true,
			     .tcp_flags = 0x18, /* ACK|PSH, as a sender's last write */
			     .ipid = 0x1234,
			     .seq = 0x10000000,
			     .ttl = 64,
			     .sport = 40000};
}

static uint8_t pat_at(const struct spec *s, size_t i)
{
	return (uint8_t)(i * 31 + 7 + (i >> 8) + s->pat);
}

static size_t l3_len(const struct spec *s)
{
	return (s->ver == 4 ? 20 : 40) + s->ip_opts;
}

static size_t hdr_len(const struct spec *s)
{
	return l3_len(s) + (s->proto == P_TCP ? 20 + s->tcp_opts : 8);
}

/* Write vnet header + packet into @buf; returns the total length. */
static size_t mk(uint8_t *buf, const struct spec *s)
{
	uint8_t *p = buf + VNET_HDR_LEN;
	size_t l3 = l3_len(s), hdr = hdr_len(s), len = hdr + s->payload, l4len = len - l3;

	memset(p, 0, hdr);
	if (s->ver == 4) {
		p[0] = (uint8_t)(0x40 | l3 / 4);
		p[1] = s->tos;
		put_be16(p + 2, (uint16_t)len);
		put_be16(p + 4, s->ipid);
		p[6] = 0x40; /* DF */
		p[8] = s->ttl;
		p[9] = s->proto;
		memcpy(p + 12, (uint8_t[]){192, 0, 2, 1, 198, 51, 100, 7}, 8);
		memset(p + 20, 1, s->ip_opts); /* NOPs */
		put_be16(p + 10, (uint16_t)~t_fold(t_sum(p, l3, 0)));
	} else {
		p[0] = (uint8_t)(0x60 | s->tos >> 4);
		p[1] = (uint8_t)(s->tos << 4 | 0x0a);
		p[2] = 0xbc;
		p[3] = 0xde; /* flow label */
		put_be16(p + 4, (uint16_t)(len - 40));
		p[6] = s->ip_opts ? 60 : s->proto;
		p[7] = s->ttl;
		memcpy(p + 8, (uint8_t[]){0x20, 1, 0xd, 0xb8, [15] = 1}, 16);
		memcpy(p + 24, (uint8_t[]){0x20, 1, 0xd, 0xb8, 0, 5, [15] = 9}, 16);
		if (s->ip_opts) {
			p[40] = s->proto;
			p[41] = (uint8_t)(s->ip_opts / 8 - 1);
			p[42] = 1; /* PadN */
			p[43] = (uint8_t)(s->ip_opts - 4);
		}
	}
	uint8_t *l4 = p + l3;
	put_be16(l4, s->sport);
	if (s->proto == P_TCP) {
		put_be16(l4 + 2, 443);
		put_be32(l4 + 4, s->seq);
		put_be32(l4 + 8, 0x01020304);
		l4[12] = (uint8_t)((20 + s->tcp_opts) / 4 << 4);
		l4[13] = s->tcp_flags;
		put_be16(l4 + 14, 0xfaf0);
		if (s->tcp_opts >= 12) {
			memcpy(l4 + 20,
			       (uint8_t[]){1, 1, 8, 10, 0, 0, 0x11, 0x22, 0, 0, 0x33, 0x44}, 12);
			memset(l4 + 32, 1, s->tcp_opts - 12);
		} else {
			memset(l4 + 20, 1, s->tcp_opts);
		}
	} else {
		put_be16(l4 + 2, 4789);
		put_be16(l4 + 4, (uint16_t)l4len);
	}
	for (size_t i = 0; i < s->payload; i++)
		p[hdr + i] = pat_at(s, i);

	size_t co = s->proto == P_TCP ? 16 : 6;
	if (s->csum) /* CHECKSUM_PARTIAL: the folded pseudo-header sum, not complemented */
		put_be16(l4 + co, t_fold(t_pseudo(p, s->proto, l4len)));
	else
		put_be16(l4 + co,
			 (uint16_t)~t_fold(t_pseudo(p, s->proto, l4len) + t_sum(l4, l4len, 0)));

	uint8_t *h = buf;
	memset(h, 0, VNET_HDR_LEN);
	if (s->csum) {
		h[0] = VNET_F_NEEDS_CSUM;
		h[6] = (uint8_t)l3;
		h[7] = (uint8_t)(l3 >> 8);
		h[8] = (uint8_t)co;
	}
	if (s->gso_size) {
		h[1] = s->proto == P_UDP ? VNET_GSO_UDP_L4
		       : s->ver == 4	 ? VNET_GSO_TCPV4
					 : VNET_GSO_TCPV6;
		h[2] = (uint8_t)hdr;
		h[3] = (uint8_t)(hdr >> 8);
		h[4] = (uint8_t)s->gso_size;
		h[5] = (uint8_t)(s->gso_size >> 8);
	}
	return VNET_HDR_LEN + len;
}

static void set_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* ---- storage for the segments of one super-packet ---- */

static uint8_t *segbuf; /* all segments back to back */
static size_t segoff[MAXSEGS + 1];
static size_t nsegs;
static uint8_t *pktbuf, *outbuf, *grobuf;

static void setup(void)
{
	segbuf = malloc(8u << 20);
	pktbuf = malloc(MAXPKT);
	outbuf = malloc(MAXPKT);
	grobuf = malloc(VNET_GRO_BUF_LEN);
	cr_assert(segbuf && pktbuf && outbuf && grobuf);
}

static void teardown(void)
{
	free(segbuf);
	free(pktbuf);
	free(outbuf);
	free(grobuf);
}

TestSuite(vnet, .init = setup, .fini = teardown);

/*
 * Parse the super-packet of @s, cut it for @mtu, check every segment
 * independently, keep them in segbuf. Returns the segment count.
 */
static size_t cut_and_check(const struct spec *s, size_t mtu)
{
	size_t n = mk(pktbuf, s), hdr = hdr_len(s), l3 = l3_len(s);
	struct vnet_pkt v;

	cr_assert_eq(vnet_hdr_parse(pktbuf, n, &v), 0, "v%d p%u len %zu", s->ver, s->proto, n);
	cr_assert_eq(v.len, n - VNET_HDR_LEN);
	cr_assert_eq(v.hdr_len, hdr);
	cr_assert_eq(v.l4_off, l3);

	size_t seg = s->proto == P_TCP ? (mtu > hdr ? MIN((size_t)s->gso_size, mtu - hdr) : 0)
		     : hdr + s->gso_size <= mtu ? s->gso_size
						: 0;
	size_t count = vnet_seg_count(&v, mtu);
	if (!seg) {
		cr_assert_eq(count, 0);
		cr_assert_eq(vnet_seg_build(&v, mtu, 0, outbuf, MAXPKT), -EINVAL);
		nsegs = 0;
		return 0;
	}
	cr_assert_eq(count, (s->payload + seg - 1) / seg, "payload %zu seg %zu", s->payload, seg);
	cr_assert(count <= MAXSEGS);
	cr_assert_eq(vnet_seg_build(&v, mtu, count, outbuf, MAXPKT), -EINVAL);

	size_t off = 0, at = 0;
	for (size_t i = 0; i < count; i++) {
		uint8_t *o = segbuf + at;
		ssize_t r = vnet_seg_build(&v, mtu, i, o, MAXPKT);
		CHECK(r > 0, "build %zu: %zd", i, r);
		size_t len = (size_t)r, slice = len - hdr;
		bool last = i == count - 1;
		CHECK(len <= mtu, "segment %zu: %zu > mtu %zu", i, len, mtu);
		CHECK(last ? slice == s->payload - off : slice == seg, "slice %zu at %zu", slice,
		      i);
		if (s->ver == 4) {
			CHECK(get_be16(o + 2) == len, "ip len");
			CHECK(get_be16(o + 4) == (uint16_t)(s->ipid + i), "ip id %zu", i);
			CHECK(t_ip4_ok(o), "ip4 checksum %zu", i);
			CHECK(o[6] == 0x40 && o[8] == s->ttl && o[1] == s->tos, "ip4 fields");
		} else {
			CHECK(get_be16(o + 4) == len - 40, "ip6 payload len");
		}
		const uint8_t *l4 = o + l3;
		if (s->proto == P_TCP) {
			uint8_t f = s->tcp_flags;
			if (!last)
				f &= (uint8_t) ~(0x01 | 0x08);
			if (i)
				f &= (uint8_t)~0x80;
			CHECK(get_be32(l4 + 4) == (uint32_t)(s->seq + off), "seq %zu", i);
			CHECK(l4[13] == f, "flags %02x != %02x at %zu", l4[13], f, i);
			CHECK(get_be32(l4 + 8) == 0x01020304 && get_be16(l4 + 14) == 0xfaf0,
			      "ack/win");
		} else {
			CHECK(get_be16(l4 + 4) == len - l3, "udp len");
			CHECK(get_be16(l4 + 6) != 0, "udp checksum 0");
		}
		CHECK(t_l4_ok(o, len, l3, s->proto), "l4 checksum of segment %zu", i);
		for (size_t j = 0; j < slice; j++)
			CHECK(o[hdr + j] == pat_at(s, off + j), "payload %zu+%zu", off, j);
		/* Headers other than the rewritten fields equal the original's. */
		CHECK(!memcmp(o + 12, pktbuf + VNET_HDR_LEN + 12, s->ver == 4 ? 8 : 28), "addrs");
		segoff[i] = at;
		at += len;
		off += slice;
	}
	segoff[count] = at;
	cr_assert_eq(off, s->payload);
	nsegs = count;
	return count;
}

/* Compare the GRO output @w (@n octets) against the original segments from *@next on. */
static size_t check_gro_write(const uint8_t *w, size_t n, size_t mtu, size_t *next)
{
	struct vnet_pkt v;

	cr_assert_eq(vnet_hdr_parse(w, n, &v), 0, "GRO output does not parse");
	size_t count = vnet_seg_count(&v, mtu);
	cr_assert(count >= 1);
	if (v.gso_type == VNET_GSO_NONE) {
		cr_assert_eq(v.flags, 0);
		cr_assert(*next < nsegs);
		cr_assert_eq(n - VNET_HDR_LEN, segoff[*next + 1] - segoff[*next]);
		cr_assert_arr_eq(w + VNET_HDR_LEN, segbuf + segoff[*next], n - VNET_HDR_LEN);
		(*next)++;
		return 1;
	}
	cr_assert(count >= 2, "a super-packet of one segment");
	for (size_t i = 0; i < count; i++) {
		ssize_t r = vnet_seg_build(&v, mtu, i, outbuf, MAXPKT);
		cr_assert(*next < nsegs);
		cr_assert_eq((size_t)r, segoff[*next + 1] - segoff[*next], "re-cut %zu", i);
		cr_assert_arr_eq(outbuf, segbuf + segoff[*next], (size_t)r, "re-cut segment %zu",
				 i);
		(*next)++;
	}
	return count;
}

/* Feed the stored segments through GRO as the daemon would; returns the number of TUN writes. */
static size_t gro_roundtrip(size_t mtu, unsigned flags)
{
	struct vnet_gro g;
	const uint8_t *w;
	size_t next = 0, writes = 0, n;

	vnet_gro_init(&g, grobuf, VNET_GRO_BUF_LEN, flags);
	for (size_t i = 0; i < nsegs; i++) {
		const uint8_t *sp = segbuf + segoff[i];
		size_t sl = segoff[i + 1] - segoff[i];
		if (vnet_gro_add(&g, sp, sl))
			continue;
		if ((n = vnet_gro_take(&g, &w))) {
			check_gro_write(w, n, mtu, &next);
			writes++;
		}
		if (!vnet_gro_add(&g, sp, sl)) {
			cr_assert_eq(next, i);
			next++;
			writes++;
		}
	}
	if ((n = vnet_gro_take(&g, &w))) {
		check_gro_write(w, n, mtu, &next);
		writes++;
	}
	cr_assert_eq(vnet_gro_take(&g, &w), 0);
	cr_assert_null(w);
	cr_assert_eq(next, nsegs, "GRO lost or invented segments");
	return writes;
}

/* Writes GRO should need for @nsegs equal segments of @seg payload (+ a smaller last). */
static size_t expect_writes(size_t hdr, size_t seg)
{
	size_t per = MIN((size_t)VNET_GRO_MAX_SEGS, (65535 - hdr) / seg);
	return per ? (nsegs + per - 1) / per : nsegs;
}

/* ---- checksum primitive ---- */

Test(vnet, csum_partial_matches_bytewise)
{
	uint8_t b[700];
	for (size_t i = 0; i < sizeof(b); i++)
		b[i] = (uint8_t)(rand() & 0xff);
	for (size_t off = 0; off < 16; off += 1)
		for (size_t n = 0; n + off <= sizeof(b) && n < 600; n++) {
			uint16_t seed = (uint16_t)(n * 977);
			uint16_t want = t_fold(t_sum(b + off, n, seed));
			CHECK(vnet_csum_partial(b + off, n, seed) == want, "off %zu n %zu", off, n);
		}
	/* RFC 1071 §3 example: 0001 f203 f4f5 f6f7 sums to ddf2. */
	const uint8_t r[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	cr_assert_eq(vnet_csum_partial(r, sizeof(r), 0), 0xddf2);
	/* Chained at even lengths == one pass. */
	cr_assert_eq(vnet_csum_partial(b + 100, 300, vnet_csum_partial(b, 100, 0)),
		     vnet_csum_partial(b, 400, 0));
	/* All ones stays 0xffff, all zeros 0. */
	memset(b, 0xff, sizeof(b));
	cr_assert_eq(vnet_csum_partial(b, sizeof(b), 0), 0xffff);
	memset(b, 0, sizeof(b));
	cr_assert_eq(vnet_csum_partial(b, sizeof(b), 0), 0);
}

/* ---- segmentation ---- */

static void matrix(uint8_t proto)
{
	static const size_t pays[] = {1, 2, 99, 1448, 1449, 2896, 8000, 9100, 9141, 30001};
	static const uint16_t gsos[] = {536, 1448, 8960, 9140, 65000};
	static const size_t mtus[] = {1280, 1500, 9180};

	for (int ver = 4; ver <= 6; ver += 2)
		for (size_t a = 0; a < ARRAY_SIZE(pays); a++)
			for (size_t b = 0; b < ARRAY_SIZE(gsos); b++)
				for (size_t c = 0; c < ARRAY_SIZE(mtus); c++) {
					struct spec s = base(ver, proto, pays[a], gsos[b]);
					s.tcp_opts = proto == P_TCP ? 12 : 0;
					s.pat = (uint8_t)(a + b);
					size_t count = cut_and_check(&s, mtus[c]);
					if (!count)
						continue;
					size_t writes =
					    gro_roundtrip(mtus[c], VNET_GRO_TCP | VNET_GRO_UDP);
					size_t seg = (segoff[1] - segoff[0]) - hdr_len(&s);
					if (count == 1 && proto == P_TCP)
						cr_assert_eq(writes, 1);
					else
						cr_assert_eq(
						    writes, expect_writes(hdr_len(&s), seg),
						    "v%d p%zu g%u m%zu: %zu writes for %zu segs",
						    ver, pays[a], (unsigned)gsos[b], mtus[c],
						    writes, count);
				}
}

Test(vnet, tcp_segmentation_matrix_and_gro_roundtrip)
{
	matrix(P_TCP);
}

Test(vnet, udp_segmentation_matrix_and_gro_roundtrip)
{
	matrix(P_UDP);
}

Test(vnet, largest_super_packets)
{
	for (int ver = 4; ver <= 6; ver += 2) {
		/* 65535 octets of IP in all */
		struct spec s = base(ver, P_TCP, 65535 - (ver == 4 ? 40 : 60), 1448);
		cr_assert_eq(cut_and_check(&s, 1500), (s.payload + 1447) / 1448);
		/* it all fits one TUN write again */
		cr_assert_eq(gro_roundtrip(1500, VNET_GRO_TCP), 1);
		s = base(ver, P_UDP, 65535 - (ver == 4 ? 28 : 48), 8000);
		cr_assert_eq(cut_and_check(&s, 9180), 9);
		cr_assert_eq(gro_roundtrip(9180, VNET_GRO_UDP), 1);
	}
}

Test(vnet, tiny_gso_size_many_segments)
{
	/* gso_size 1: one payload octet per segment; GRO stops at 64 per batch. */
	struct spec s = base(4, P_TCP, 200, 1);
	cr_assert_eq(cut_and_check(&s, 1500), 200);
	cr_assert_eq(gro_roundtrip(1500, VNET_GRO_TCP), 4); /* 64 + 64 + 64 + 8 */
	s = base(6, P_UDP, 130, 1);
	cr_assert_eq(cut_and_check(&s, 1500), 130);
	cr_assert_eq(gro_roundtrip(1500, VNET_GRO_UDP), 3);
}

Test(vnet, flags_fin_psh_last_cwr_first)
{
	struct spec s = base(4, P_TCP, 5000, 1000);
	s.tcp_flags = 0x80 | 0x10 | 0x08 | 0x01; /* CWR ACK PSH FIN */
	mk(pktbuf, &s);
	pktbuf[1] |= VNET_GSO_ECN;
	struct vnet_pkt v;
	cr_assert_eq(vnet_hdr_parse(pktbuf, VNET_HDR_LEN + hdr_len(&s) + 5000, &v), 0);
	cr_assert(v.gso_ecn);
	cr_assert_eq(vnet_seg_count(&v, 9180), 5);
	for (size_t i = 0; i < 5; i++) {
		ssize_t r = vnet_seg_build(&v, 9180, i, outbuf, MAXPKT);
		cr_assert_eq(r, 40 + 1000);
		uint8_t want = i == 0 ? 0x90 : i == 4 ? 0x19 : 0x10;
		cr_assert_eq(outbuf[33], want, "segment %zu flags %02x", i, outbuf[33]);
		cr_assert(t_l4_ok(outbuf, (size_t)r, 20, P_TCP));
	}
	/* Through GRO: CWR first and FIN last are written alone, the middle three merge. */
	cut_and_check(&s, 9180);
	cr_assert_eq(gro_roundtrip(9180, VNET_GRO_TCP), 3);
}

Test(vnet, ipid_and_seq_wrap)
{
	struct spec s = base(4, P_TCP, 4000, 1000);
	s.ipid = 0xfffe;
	s.seq = 0xfffffc00;
	cr_assert_eq(cut_and_check(&s, 1500), 4); /* checks id 0xfffe, 0xffff, 0, 1 and seq */
	cr_assert_eq(get_be16(segbuf + segoff[2] + 4), 0);
	cr_assert_eq(get_be32(segbuf + segoff[1] + 24), 0xfffffc00u + 1000);
	cr_assert_eq(get_be32(segbuf + segoff[2] + 24), 0x3d0);
	cr_assert_eq(gro_roundtrip(1500, VNET_GRO_TCP), 1);
}

Test(vnet, ip_options_and_v6_dstopts_pass_through)
{
	struct spec s = base(4, P_TCP, 6000, 1400);
	s.ip_opts = 8;
	cr_assert_eq(cut_and_check(&s, 1500), 5);
	cr_assert_eq(segbuf[0], 0x47);
	/* GRO takes no IPv4 options: every segment goes alone. */
	cr_assert_eq(gro_roundtrip(1500, VNET_GRO_TCP), 5);

	s = base(6, P_UDP, 3000, 1000);
	s.ip_opts = 16;
	cr_assert_eq(cut_and_check(&s, 1500), 3);
	cr_assert_eq(segbuf[6], 60);
	cr_assert_eq(gro_roundtrip(1500, VNET_GRO_UDP), 3);
	s.proto = P_TCP;
	cr_assert_eq(cut_and_check(&s, 1500), 3);
}

Test(vnet, count_zero_when_mtu_too_small)
{
	struct spec s = base(6, P_TCP, 3000, 1000);
	struct vnet_pkt v;
	size_t n = mk(pktbuf, &s);
	cr_assert_eq(vnet_hdr_parse(pktbuf, n, &v), 0);
	cr_assert_eq(vnet_seg_count(&v, 60), 0);
	cr_assert_eq(vnet_seg_count(&v, 61), 3000);
	cr_assert_eq(vnet_seg_build(&v, 60, 0, outbuf, MAXPKT), -EINVAL);
	/* UDP datagrams are never split below gso_size. */
	s = base(4, P_UDP, 3000, 1000);
	n = mk(pktbuf, &s);
	cr_assert_eq(vnet_hdr_parse(pktbuf, n, &v), 0);
	cr_assert_eq(vnet_seg_count(&v, 1027), 0);
	cr_assert_eq(vnet_seg_count(&v, 1028), 3);
}

Test(vnet, build_enospc_and_finish_in_place)
{
	struct spec s = base(4, P_TCP, 3000, 1000);
	struct vnet_pkt v;
	size_t n = mk(pktbuf, &s);
	cr_assert_eq(vnet_hdr_parse(pktbuf, n, &v), 0);
	cr_assert_eq(vnet_seg_build(&v, 1500, 0, outbuf, 1039), -ENOSPC);
	cr_assert_eq(vnet_seg_build(&v, 1500, 0, outbuf, 1040), 1040);
	cr_assert_eq(vnet_pkt_finish(&v, 1500, pktbuf + VNET_HDR_LEN), -EINVAL);

	/* A GSO packet that already fits: in place == built. */
	for (int ver = 4; ver <= 6; ver += 2)
		for (uint8_t proto = P_TCP; proto <= P_UDP; proto = (uint8_t)(proto + 11)) {
			s = base(ver, proto, 900, 1000);
			n = mk(pktbuf, &s);
			cr_assert_eq(vnet_hdr_parse(pktbuf, n, &v), 0);
			cr_assert_eq(vnet_seg_count(&v, 1500), 1);
			ssize_t r = vnet_seg_build(&v, 1500, 0, outbuf, MAXPKT);
			cr_assert_eq((size_t)r, n - VNET_HDR_LEN);
			cr_assert_eq(vnet_pkt_finish(&v, 1500, pktbuf + VNET_HDR_LEN), 0);
			cr_assert_arr_eq(outbuf, pktbuf + VNET_HDR_LEN, (size_t)r);
			cr_assert(t_l4_ok(outbuf, (size_t)r, ver == 4 ? 20 : 40, proto));
			/* the last (only) segment keeps PSH */
			if (proto == P_TCP)
				cr_assert_eq(outbuf[(ver == 4 ? 20 : 40) + 13], 0x18);
		}
}

/* ---- NEEDS_CSUM without GSO ---- */

Test(vnet, needs_csum_completion)
{
	for (int ver = 4; ver <= 6; ver += 2)
		for (uint8_t proto = P_TCP; proto <= P_UDP; proto = (uint8_t)(proto + 11))
			for (size_t pay = 0; pay < 40; pay += 7) {
				struct spec s = base(ver, proto, pay * 50, 0);
				size_t n = mk(pktbuf, &s), l3 = l3_len(&s);
				struct vnet_pkt v;
				cr_assert_eq(vnet_hdr_parse(pktbuf, n, &v), 0);
				cr_assert_eq(v.gso_type, VNET_GSO_NONE);
				cr_assert_eq(v.l4, proto == P_TCP ? VNET_L4_TCP : VNET_L4_UDP);
				cr_assert_eq(vnet_seg_count(&v, 576), 1); /* not GSO: never cut */
				cr_assert(
				    !t_l4_ok(pktbuf + VNET_HDR_LEN, n - VNET_HDR_LEN, l3, proto) ||
				    pay == 0);
				ssize_t r = vnet_seg_build(&v, 576, 0, outbuf, MAXPKT);
				cr_assert_eq((size_t)r, n - VNET_HDR_LEN);
				cr_assert(t_l4_ok(outbuf, (size_t)r, l3, proto));
				/* Only the checksum field changed. */
				size_t co = l3 + (proto == P_TCP ? 16 : 6);
				cr_assert_arr_eq(outbuf, pktbuf + VNET_HDR_LEN, co);
				cr_assert_arr_eq(outbuf + co + 2, pktbuf + VNET_HDR_LEN + co + 2,
						 (size_t)r - co - 2);
				cr_assert_eq(vnet_pkt_finish(&v, 576, pktbuf + VNET_HDR_LEN), 0);
				cr_assert_arr_eq(outbuf, pktbuf + VNET_HDR_LEN, (size_t)r);
			}
}

Test(vnet, udp_checksum_zero_becomes_ffff)
{
	for (int ver = 4; ver <= 6; ver += 2)
		for (int gso = 0; gso <= 1; gso++) {
			struct spec s = base(ver, P_UDP, 100, gso ? 200 : 0);
			size_t n = mk(pktbuf, &s), l3 = l3_len(&s);
			uint8_t *p = pktbuf + VNET_HDR_LEN;
			/* Make the full sum 0xffff: the last payload word absorbs the rest. */
			put_be16(p + n - VNET_HDR_LEN - 2, 0);
			uint32_t sum = t_pseudo(p, P_UDP, n - VNET_HDR_LEN - l3) +
				       t_sum(p + l3, 6, 0) +
				       t_sum(p + l3 + 8, n - VNET_HDR_LEN - l3 - 8, 0);
			put_be16(p + n - VNET_HDR_LEN - 2, (uint16_t)~t_fold(sum));
			struct vnet_pkt v;
			cr_assert_eq(vnet_hdr_parse(pktbuf, n, &v), 0);
			ssize_t r = vnet_seg_build(&v, 1500, 0, outbuf, MAXPKT);
			cr_assert_eq((size_t)r, n - VNET_HDR_LEN);
			cr_assert_eq(get_be16(outbuf + l3 + 6), 0xffff, "v%d gso %d", ver, gso);
			cr_assert(t_l4_ok(outbuf, (size_t)r, l3, P_UDP));
		}
}

Test(vnet, generic_completion_for_a_tunnel_inner_header)
{
	/* IPv4/UDP (outer, checksum already filled) carrying IPv4/TCP with a partial checksum
	 * at an inner csum_start: completed over csum_start..end like skb_checksum_help. */
	struct spec in = base(4, P_TCP, 300, 0);
	size_t in_len = mk(outbuf, &in) - VNET_HDR_LEN;
	uint8_t *p = pktbuf + VNET_HDR_LEN;
	size_t len = 20 + 8 + 8 + in_len;
	memset(pktbuf, 0, VNET_HDR_LEN + 36);
	p[0] = 0x45;
	put_be16(p + 2, (uint16_t)len);
	p[8] = 64;
	p[9] = P_UDP;
	memcpy(p + 12, (uint8_t[]){10, 0, 0, 1, 10, 0, 0, 2}, 8);
	put_be16(p + 10, (uint16_t)~t_fold(t_sum(p, 20, 0)));
	put_be16(p + 20, 1234);
	put_be16(p + 22, 4789);
	put_be16(p + 24, (uint16_t)(len - 20));
	memcpy(p + 36, outbuf + VNET_HDR_LEN, in_len);
	pktbuf[0] = VNET_F_NEEDS_CSUM;
	set_le16(pktbuf + 6, 36 + 20);
	set_le16(pktbuf + 8, 16);
	struct vnet_pkt v;
	cr_assert_eq(vnet_hdr_parse(pktbuf, VNET_HDR_LEN + len, &v), 0);
	cr_assert_eq(v.l4, VNET_L4_NONE);
	cr_assert_eq(vnet_pkt_finish(&v, 1500, p), 0);
	cr_assert(t_l4_ok(p + 36, in_len, 20, P_TCP));
}

Test(vnet, plain_and_data_valid_pass_through)
{
	uint8_t b[VNET_HDR_LEN + 5] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'a', 'b', 'c', 'd', 'e'};
	struct vnet_pkt v;
	cr_assert_eq(vnet_hdr_parse(b, sizeof(b), &v), 0);
	cr_assert_eq(v.len, 5);
	cr_assert_eq(v.pkt, b + VNET_HDR_LEN);
	cr_assert_eq(vnet_seg_count(&v, 3), 1);
	cr_assert_eq(vnet_seg_build(&v, 3, 0, outbuf, 5), 5);
	cr_assert_eq(vnet_seg_build(&v, 3, 0, outbuf, 4), -ENOSPC);
	cr_assert_arr_eq(outbuf, "abcde", 5);
	b[0] = VNET_F_DATA_VALID;
	cr_assert_eq(vnet_hdr_parse(b, sizeof(b), &v), 0);
	cr_assert_eq(vnet_hdr_parse(b, VNET_HDR_LEN, &v), -EBADMSG); /* no packet */
	cr_assert_eq(vnet_hdr_parse(b, VNET_HDR_LEN + 1, &v), 0);
	cr_assert_eq(v.len, 1);
	uint8_t z[VNET_HDR_LEN];
	memset(z, 0xaa, sizeof(z));
	vnet_hdr_none(z);
	cr_assert_arr_eq(z, ((uint8_t[VNET_HDR_LEN]){0}), VNET_HDR_LEN);
}

/* ---- malformed headers ---- */

static int parse_mut(const struct spec *s, void (*mut)(uint8_t *b, size_t *n))
{
	size_t n = mk(pktbuf, s);
	struct vnet_pkt v;
	mut(pktbuf, &n);
	return vnet_hdr_parse(pktbuf, n, &v);
}

#define MUT(name, body)                                                                            \
	static void name(uint8_t *b, size_t *n)                                                    \
	{                                                                                          \
		(void)b;                                                                           \
		(void)n;                                                                           \
		body;                                                                              \
	}

MUT(m_none, {})
MUT(m_short_hdr, *n = 9)
MUT(m_flag_unknown, b[0] |= 0x04)
MUT(m_gso_ufo, b[1] = VNET_GSO_UDP)
MUT(m_gso_2, b[1] = 2)
MUT(m_gso_6, b[1] = 6)
MUT(m_no_needs_csum, b[0] = 0)
MUT(m_csum_start_beyond, set_le16(b + 6, (uint16_t)(*n - VNET_HDR_LEN + 1)))
MUT(m_csum_field_beyond, set_le16(b + 8, (uint16_t)(*n - VNET_HDR_LEN)))
MUT(m_csum_start_in_ip, set_le16(b + 6, 12))
MUT(m_csum_start_off_by_4, set_le16(b + 6, (uint16_t)(b[6] + 4)))
MUT(m_csum_offset_wrong, set_le16(b + 8, 18))
MUT(m_hdr_len_too_small, set_le16(b + 2, (uint16_t)(b[2] - 1)))
MUT(m_hdr_len_too_large, set_le16(b + 2, (uint16_t)(*n - VNET_HDR_LEN + 1)))
MUT(m_hdr_len_zero, set_le16(b + 2, 0))
MUT(m_hdr_len_whole_pkt, set_le16(b + 2, (uint16_t)(*n - VNET_HDR_LEN)))
MUT(m_gso_size_0, set_le16(b + 4, 0))
MUT(m_tcpv6_on_v4, b[1] = VNET_GSO_TCPV6)
MUT(m_tcpv4_on_v6, b[1] = VNET_GSO_TCPV4)
MUT(m_udp_on_tcp, {
	b[1] = VNET_GSO_UDP_L4;
	set_le16(b + 8, 6);
})
MUT(m_ecn_on_udp, b[1] |= VNET_GSO_ECN)
MUT(m_ecn_on_none, { b[1] = VNET_GSO_ECN; })
MUT(m_ip_len_mismatch, *n -= 1)
MUT(m_ip_version_5, b[VNET_HDR_LEN] = (uint8_t)(0x50 | (b[VNET_HDR_LEN] & 15)))
MUT(m_ip4_ihl_4, b[VNET_HDR_LEN] = 0x44)
MUT(m_ip4_mf, b[VNET_HDR_LEN + 6] |= 0x20)
MUT(m_ip4_frag_off, b[VNET_HDR_LEN + 7] = 1)
MUT(m_tcp_doff_4, b[VNET_HDR_LEN + 20 + 12] = 0x40)
MUT(m_tcp_doff_15, b[VNET_HDR_LEN + 20 + 12] = 0xf0)

Test(vnet, malformed_headers_rejected)
{
	struct spec t4 = base(4, P_TCP, 100, 50), t6 = base(6, P_TCP, 100, 50);
	struct spec u4 = base(4, P_UDP, 100, 50);

	cr_assert_eq(parse_mut(&t4, m_none), 0);
	/* hdr_len is a hint: the forwarding path's whole first segment, or short (never used) */
	cr_assert_eq(parse_mut(&t4, m_hdr_len_whole_pkt), 0);
	cr_assert_eq(parse_mut(&t4, m_hdr_len_too_small), 0);
	cr_assert_eq(parse_mut(&t4, m_hdr_len_zero), 0);
	cr_assert_eq(parse_mut(&t4, m_ip4_mf), -EBADMSG);
	void (*bad4[])(uint8_t *, size_t *) = {
	    m_short_hdr,
	    m_flag_unknown,
	    m_gso_ufo,
	    m_gso_2,
	    m_gso_6,
	    m_no_needs_csum,
	    m_csum_start_beyond,
	    m_csum_field_beyond,
	    m_csum_start_in_ip,
	    m_csum_start_off_by_4,
	    m_csum_offset_wrong,
	    m_hdr_len_too_large,
	    m_gso_size_0,
	    m_tcpv6_on_v4,
	    m_udp_on_tcp,
	    m_ip_len_mismatch,
	    m_ip_version_5,
	    m_ip4_ihl_4,
	    m_ip4_mf,
	    m_ip4_frag_off,
	    m_tcp_doff_4,
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad4); i++)
		cr_assert_eq(parse_mut(&t4, bad4[i]), -EBADMSG, "TCPv4 mutation %zu accepted", i);
	void (*bad6[])(uint8_t *, size_t *) = {m_tcpv4_on_v6, m_ip_len_mismatch, m_gso_size_0,
					       m_hdr_len_too_large, m_csum_start_in_ip};
	for (size_t i = 0; i < ARRAY_SIZE(bad6); i++)
		cr_assert_eq(parse_mut(&t6, bad6[i]), -EBADMSG, "TCPv6 mutation %zu accepted", i);
	/* data offset 15 (60 octets) in a 20 + 30 octet segment */
	struct spec t4s = base(4, P_TCP, 30, 10);
	cr_assert_eq(parse_mut(&t4s, m_none), 0);
	cr_assert_eq(parse_mut(&t4s, m_tcp_doff_15), -EBADMSG);
	cr_assert_eq(parse_mut(&u4, m_none), 0);
	cr_assert_eq(parse_mut(&u4, m_ecn_on_udp), -EBADMSG);
	cr_assert_eq(parse_mut(&u4, m_ecn_on_none), -EBADMSG);
}

Test(vnet, gso_truncated_transport_header)
{
	/* IPv4 + 18 octets of TCP (the checksum field fits, the header does not). */
	uint8_t b[VNET_HDR_LEN + 38] = {
	    VNET_F_NEEDS_CSUM, VNET_GSO_TCPV4, 38, 0, 100, 0, 20, 0, 16};
	uint8_t *p = b + VNET_HDR_LEN;
	p[0] = 0x45;
	put_be16(p + 2, 38);
	p[9] = P_TCP;
	p[32] = 0x50;
	struct vnet_pkt v;
	cr_assert_eq(vnet_hdr_parse(b, sizeof(b), &v), -EBADMSG);
	/* A TCP header that claims options beyond the end. */
	struct spec s = base(4, P_TCP, 4, 2);
	s.tcp_opts = 0;
	size_t n = mk(pktbuf, &s);
	pktbuf[VNET_HDR_LEN + 32] = 0x70; /* 28 octets of TCP header in 24 */
	cr_assert_eq(vnet_hdr_parse(pktbuf, n, &v), -EBADMSG);
	/* UDP GSO with only the UDP header (no payload). */
	s = base(6, P_UDP, 0, 100);
	n = mk(pktbuf, &s);
	cr_assert_eq(vnet_hdr_parse(pktbuf, n, &v), -EBADMSG);
	/* Non-GSO NEEDS_CSUM with a TCP header cut short: csum field fits, header does not. */
	s = base(4, P_TCP, 0, 0);
	n = mk(pktbuf, &s);
	pktbuf[VNET_HDR_LEN + 32] = 0x60;
	cr_assert_eq(vnet_hdr_parse(pktbuf, n, &v), -EBADMSG);
}

Test(vnet, ipv6_extension_headers)
{
	struct spec s = base(6, P_TCP, 500, 100);
	s.ip_opts = 8;
	size_t n = mk(pktbuf, &s);
	struct vnet_pkt v;
	cr_assert_eq(vnet_hdr_parse(pktbuf, n, &v), 0);
	cr_assert_eq(v.l4_off, 48);
	/* A Routing header instead: GSO refused (its pseudo-header would need the final hop). */
	pktbuf[VNET_HDR_LEN + 6] = 43;
	cr_assert_eq(vnet_hdr_parse(pktbuf, n, &v), -EBADMSG);
	/* A Fragment header: refused too. */
	pktbuf[VNET_HDR_LEN + 6] = 44;
	cr_assert_eq(vnet_hdr_parse(pktbuf, n, &v), -EBADMSG);
	/* Destination Options claiming more than the packet holds. */
	pktbuf[VNET_HDR_LEN + 6] = 60;
	pktbuf[VNET_HDR_LEN + 41] = 200;
	cr_assert_eq(vnet_hdr_parse(pktbuf, n, &v), -EBADMSG);
	/* Hop-by-Hop is only walked first; twice is not TCP. */
	s.ip_opts = 16;
	n = mk(pktbuf, &s);
	pktbuf[VNET_HDR_LEN + 6] = 0;
	pktbuf[VNET_HDR_LEN + 40] = 0;
	pktbuf[VNET_HDR_LEN + 41] = 0;
	pktbuf[VNET_HDR_LEN + 42] = 1;
	pktbuf[VNET_HDR_LEN + 43] = 4;
	pktbuf[VNET_HDR_LEN + 48] = P_TCP;
	pktbuf[VNET_HDR_LEN + 49] = 0;
	pktbuf[VNET_HDR_LEN + 50] = 1;
	pktbuf[VNET_HDR_LEN + 51] = 4;
	cr_assert_eq(vnet_hdr_parse(pktbuf, n, &v), -EBADMSG);
	pktbuf[VNET_HDR_LEN + 40] = 60; /* HBH then DSTOPTS: fine */
	cr_assert_eq(vnet_hdr_parse(pktbuf, n, &v), 0);
	cr_assert_eq(v.l4_off, 56);
}

Test(vnet, truncation_at_every_offset)
{
	static const struct {
		int ver;
		uint8_t proto;
		uint16_t gso;
	} k[] = {{4, P_TCP, 100}, {6, P_TCP, 100}, {4, P_UDP, 100}, {6, P_UDP, 0}};
	for (size_t i = 0; i < ARRAY_SIZE(k); i++) {
		struct spec s = base(k[i].ver, k[i].proto, 333, k[i].gso);
		size_t n = mk(pktbuf, &s);
		struct vnet_pkt v;
		cr_assert_eq(vnet_hdr_parse(pktbuf, n, &v), 0);
		for (size_t m = 0; m < n; m++) {
			/* A copy of exactly m octets, so ASan sees any read beyond. */
			uint8_t *c = malloc(m ? m : 1);
			memcpy(c, pktbuf, m);
			CHECK(vnet_hdr_parse(c, m, &v) == -EBADMSG, "case %zu: %zu of %zu accepted",
			      i, m, n);
			free(c);
		}
	}
}

Test(vnet, bit_flips_never_break_invariants)
{
	struct spec specs[] = {base(4, P_TCP, 700, 200), base(6, P_UDP, 700, 200),
			       base(6, P_TCP, 700, 0)};
	specs[0].tcp_opts = 12;
	for (size_t k = 0; k < ARRAY_SIZE(specs); k++) {
		size_t n = mk(pktbuf, &specs[k]);
		size_t hdrs = VNET_HDR_LEN + hdr_len(&specs[k]);
		size_t accepted = 0;
		for (size_t bit = 0; bit < hdrs * 8; bit++) {
			uint8_t *c = malloc(n);
			memcpy(c, pktbuf, n);
			c[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			struct vnet_pkt v;
			if (vnet_hdr_parse(c, n, &v) == 0) {
				accepted++;
				size_t cnt = vnet_seg_count(&v, 576);
				for (size_t i = 0; i < cnt; i++) {
					ssize_t r = vnet_seg_build(&v, 576, i, outbuf, MAXPKT);
					CHECK(r > 0, "bit %zu seg %zu", bit, i);
					if (v.gso_type != VNET_GSO_NONE) {
						CHECK((size_t)r <= 576, "bit %zu: %zd", bit, r);
						CHECK(t_l4_ok(outbuf, (size_t)r, v.l4_off,
							      v.l4 == VNET_L4_TCP ? P_TCP : P_UDP),
						      "bit %zu seg %zu checksum", bit, i);
					}
				}
			}
			free(c);
		}
		cr_assert(accepted > 0 && accepted < hdrs * 8);
	}
}

/* ---- GRO ---- */

static struct vnet_gro G;

/* Segments of a fresh TCP/UDP flow: @count full segments of @seg octets, ACK only. */
static void flow(int ver, uint8_t proto, size_t count, size_t seg)
{
	struct spec s = base(ver, proto, count * seg, (uint16_t)seg);
	s.tcp_flags = 0x10;
	s.tcp_opts = proto == P_TCP ? 12 : 0;
	cr_assert_eq(cut_and_check(&s, 9180), count);
	vnet_gro_init(&G, grobuf, VNET_GRO_BUF_LEN, VNET_GRO_TCP | VNET_GRO_UDP);
}

static uint8_t *seg_at(size_t i)
{
	return segbuf + segoff[i];
}

static size_t seg_len(size_t i)
{
	return segoff[i + 1] - segoff[i];
}

static bool add(size_t i)
{
	return vnet_gro_add(&G, seg_at(i), seg_len(i));
}

/* A modified copy of segment @i (the L4 checksum is redone unless @keep_csum). */
static uint8_t tmp[MAXPKT];
static size_t mod(size_t i, void (*f)(uint8_t *p, size_t l3), bool keep_csum)
{
	size_t len = seg_len(i), l3 = (seg_at(i)[0] >> 4) == 4 ? 20 : 40;
	uint8_t proto = seg_at(i)[(seg_at(i)[0] >> 4) == 4 ? 9 : 6];
	memcpy(tmp, seg_at(i), len);
	f(tmp, l3);
	if ((tmp[0] >> 4) == 4) {
		put_be16(tmp + 10, 0);
		put_be16(tmp + 10, (uint16_t)~t_fold(t_sum(tmp, (size_t)(tmp[0] & 15) * 4, 0)));
		l3 = (size_t)(tmp[0] & 15) * 4;
	}
	if (!keep_csum) {
		size_t co = l3 + (proto == P_TCP ? 16 : 6);
		put_be16(tmp + co, 0);
		put_be16(tmp + co, (uint16_t)~t_fold(t_pseudo(tmp, proto, len - l3) +
						     t_sum(tmp + l3, len - l3, 0)));
	}
	return len;
}

static bool add_mod(size_t i, void (*f)(uint8_t *p, size_t l3), bool keep_csum)
{
	size_t len = mod(i, f, keep_csum);
	return vnet_gro_add(&G, tmp, len);
}

static void f_sport(uint8_t *p, size_t l3)
{
	p[l3 + 1] ^= 1;
}
static void f_seq(uint8_t *p, size_t l3)
{
	put_be32(p + l3 + 4, get_be32(p + l3 + 4) + 1);
}
static void f_psh(uint8_t *p, size_t l3)
{
	p[l3 + 13] |= 0x08;
}
static void f_ece(uint8_t *p, size_t l3)
{
	p[l3 + 13] |= 0x40;
}
static void f_urg(uint8_t *p, size_t l3)
{
	p[l3 + 13] |= 0x20;
}
static void f_ack(uint8_t *p, size_t l3)
{
	p[l3 + 11]++;
}
static void f_win(uint8_t *p, size_t l3)
{
	p[l3 + 15]++;
}
static void f_tsval(uint8_t *p, size_t l3)
{
	p[l3 + 27]++;
}
static void f_payload(uint8_t *p, size_t l3)
{
	p[l3 + 40] ^= 0x40;
}
static void f_ttl(uint8_t *p, size_t l3)
{
	(void)l3;
	p[(p[0] >> 4) == 4 ? 8 : 7]--;
}
static void f_ce(uint8_t *p, size_t l3)
{
	(void)l3;
	if ((p[0] >> 4) == 4)
		p[1] |= 3;
	else
		p[1] |= 0x30;
}
static void f_flowlabel(uint8_t *p, size_t l3)
{
	(void)l3;
	p[3] ^= 1;
}
static void f_ipid(uint8_t *p, size_t l3)
{
	(void)l3;
	p[5]++;
}
static void f_mf(uint8_t *p, size_t l3)
{
	(void)l3;
	p[6] |= 0x20;
}
static void f_nodf(uint8_t *p, size_t l3)
{
	(void)l3;
	p[6] &= (uint8_t)~0x40;
}
static void f_ip4_csum(uint8_t *p, size_t l3)
{
	(void)p;
	(void)l3;
}
static void f_udp_zero(uint8_t *p, size_t l3)
{
	put_be16(p + l3 + 6, 0);
}
static void f_udp_len(uint8_t *p, size_t l3)
{
	put_be16(p + l3 + 4, (uint16_t)(get_be16(p + l3 + 4) - 1));
}

Test(vnet, gro_super_packet_header)
{
	for (int ver = 4; ver <= 6; ver += 2)
		for (uint8_t proto = P_TCP; proto <= P_UDP; proto = (uint8_t)(proto + 11)) {
			flow(ver, proto, 3, 1000);
			cr_assert(add(0) && add(1) && add(2));
			cr_assert(vnet_gro_pending(&G));
			const uint8_t *w;
			size_t n = vnet_gro_take(&G, &w);
			size_t l3 = ver == 4 ? 20 : 40, hdr = l3 + (proto == P_TCP ? 32 : 8);
			cr_assert_eq(n, VNET_HDR_LEN + hdr + 3000);
			cr_assert_eq(w[0], VNET_F_NEEDS_CSUM);
			cr_assert_eq(w[1], proto == P_UDP ? VNET_GSO_UDP_L4
					   : ver == 4	  ? VNET_GSO_TCPV4
							  : VNET_GSO_TCPV6);
			cr_assert_eq((size_t)(w[2] | w[3] << 8), hdr);
			cr_assert_eq(w[4] | w[5] << 8, 1000);
			cr_assert_eq((size_t)(w[6] | w[7] << 8), l3);
			cr_assert_eq(w[8] | w[9] << 8, proto == P_TCP ? 16 : 6);
			const uint8_t *p = w + VNET_HDR_LEN;
			size_t len = n - VNET_HDR_LEN;
			if (ver == 4) {
				cr_assert_eq(get_be16(p + 2), len);
				cr_assert(t_ip4_ok(p));
				cr_assert_eq(get_be16(p + 4), 0x1234);
			} else {
				cr_assert_eq(get_be16(p + 4), len - 40);
			}
			if (proto == P_UDP)
				cr_assert_eq(get_be16(p + l3 + 4), len - l3);
			else
				cr_assert_eq(get_be32(p + l3 + 4), 0x10000000);
			/* Partial checksum = pseudo-header sum over the whole L4 length. */
			cr_assert_eq(get_be16(p + l3 + (proto == P_TCP ? 16 : 6)),
				     t_fold(t_pseudo(p, proto, len - l3)));
			for (size_t j = 0; j < 3000; j++)
				CHECK(p[hdr + j] == pat_at(&(struct spec){0}, j), "payload %zu", j);
			cr_assert(!vnet_gro_pending(&G));
		}
}

Test(vnet, gro_single_packet_is_plain)
{
	flow(4, P_TCP, 2, 1000);
	cr_assert(add(0));
	const uint8_t *w;
	size_t n = vnet_gro_take(&G, &w);
	cr_assert_eq(n, VNET_HDR_LEN + seg_len(0));
	cr_assert_arr_eq(w, ((uint8_t[VNET_HDR_LEN]){0}), VNET_HDR_LEN);
	cr_assert_arr_eq(w + VNET_HDR_LEN, seg_at(0), seg_len(0));
	cr_assert_eq(vnet_gro_take(&G, &w), 0);
}

Test(vnet, gro_refuses_other_flows_and_fields)
{
	static const struct {
		void (*f)(uint8_t *, size_t);
		const char *what;
		int ver; /* 0: both */
	} cases[] = {
	    {f_sport, "port", 0},     {f_seq, "seq gap", 0}, {f_ece, "ECE", 0},
	    {f_urg, "URG", 0},	      {f_ack, "ack", 0},     {f_win, "window", 0},
	    {f_tsval, "options", 0},  {f_ttl, "ttl", 0},     {f_ce, "ECN CE", 0},
	    {f_flowlabel, "flow", 6}, {f_ipid, "ip id", 4},  {f_nodf, "DF", 4},
	    {f_mf, "fragment", 4},
	};
	for (int ver = 4; ver <= 6; ver += 2)
		for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
			if (cases[i].ver && cases[i].ver != ver)
				continue;
			flow(ver, P_TCP, 3, 1000);
			cr_assert(add(0));
			cr_assert_not(add_mod(1, cases[i].f, false), "v%d %s merged", ver,
				      cases[i].what);
			cr_assert(add(1), "v%d %s: pending state damaged", ver, cases[i].what);
			cr_assert_eq(G.nseg, 2);
		}
}

Test(vnet, gro_ip_fragment_and_options_never_start)
{
	flow(4, P_UDP, 2, 1000);
	cr_assert_not(add_mod(0, f_mf, false));
	cr_assert(!vnet_gro_pending(&G));
	/* DF clear but not a fragment: may start and merge with its kind. */
	size_t l = mod(0, f_nodf, false);
	cr_assert(vnet_gro_add(&G, tmp, l));
	/* IPv4 with options */
	vnet_gro_init(&G, grobuf, VNET_GRO_BUF_LEN, VNET_GRO_UDP);
	struct spec s = base(4, P_UDP, 100, 0);
	s.ip_opts = 4;
	s.csum = false;
	size_t n = mk(pktbuf, &s);
	cr_assert(t_l4_ok(pktbuf + VNET_HDR_LEN, n - VNET_HDR_LEN, 24, P_UDP));
	cr_assert_not(vnet_gro_add(&G, pktbuf + VNET_HDR_LEN, n - VNET_HDR_LEN));
	s.ip_opts = 0;
	n = mk(pktbuf, &s);
	cr_assert(vnet_gro_add(&G, pktbuf + VNET_HDR_LEN, n - VNET_HDR_LEN));
}

Test(vnet, gro_ipv6_extension_header_never_starts)
{
	vnet_gro_init(&G, grobuf, VNET_GRO_BUF_LEN, VNET_GRO_TCP | VNET_GRO_UDP);
	struct spec s = base(6, P_TCP, 100, 0);
	s.ip_opts = 8;
	s.csum = false;
	s.tcp_flags = 0x10;
	size_t n = mk(pktbuf, &s);
	cr_assert(t_l4_ok(pktbuf + VNET_HDR_LEN, n - VNET_HDR_LEN, 48, P_TCP));
	cr_assert_not(vnet_gro_add(&G, pktbuf + VNET_HDR_LEN, n - VNET_HDR_LEN));
	s.ip_opts = 0;
	n = mk(pktbuf, &s);
	cr_assert(vnet_gro_add(&G, pktbuf + VNET_HDR_LEN, n - VNET_HDR_LEN));
}

Test(vnet, gro_psh_closes_batch)
{
	flow(6, P_TCP, 4, 1000);
	cr_assert(add(0));
	cr_assert(add_mod(1, f_psh, false)); /* PSH joins as the last one ... */
	cr_assert_not(add(2));		     /* ... and closes */
	const uint8_t *w;
	size_t n = vnet_gro_take(&G, &w);
	cr_assert_eq(n, VNET_HDR_LEN + 40 + 32 + 2000);
	cr_assert_eq(w[VNET_HDR_LEN + 40 + 13], 0x18);
	/* Re-cut: PSH only on the second segment. */
	struct vnet_pkt v;
	cr_assert_eq(vnet_hdr_parse(w, n, &v), 0);
	cr_assert_eq(vnet_seg_build(&v, 9180, 0, outbuf, MAXPKT), (ssize_t)seg_len(0));
	cr_assert_arr_eq(outbuf, seg_at(0), seg_len(0));
	cr_assert_eq(vnet_seg_build(&v, 9180, 1, outbuf, MAXPKT), (ssize_t)seg_len(1));
	size_t l = mod(1, f_psh, false);
	cr_assert_arr_eq(outbuf, tmp, l);
	/* A PSH packet with nothing pending is written alone. */
	cr_assert_not(add_mod(2, f_psh, false));
	cr_assert(!vnet_gro_pending(&G));
	cr_assert(add(2) && add(3));
}

Test(vnet, gro_size_change)
{
	/* segments 0,1 of 1000, then a 600-octet one closes; a larger one never joins */
	struct spec s = base(4, P_TCP, 2600, 1000);
	s.tcp_flags = 0x10;
	cr_assert_eq(cut_and_check(&s, 9180), 3);
	vnet_gro_init(&G, grobuf, VNET_GRO_BUF_LEN, VNET_GRO_TCP);
	cr_assert(add(0) && add(1) && add(2));
	cr_assert_eq(G.nseg, 3);
	const uint8_t *w;
	cr_assert(vnet_gro_take(&G, &w) > 0);
	/* smaller first, larger second: refused */
	cr_assert(add(2));
	struct spec s2 = base(4, P_TCP, 1000, 0);
	s2.csum = false;
	s2.tcp_flags = 0x10;
	s2.seq = 0x10000000 + 2600;
	s2.ipid = 0x1234 + 3;
	size_t n = mk(pktbuf, &s2);
	cr_assert_not(vnet_gro_add(&G, pktbuf + VNET_HDR_LEN, n - VNET_HDR_LEN));
	/* the same packet after a flush starts a batch */
	cr_assert(vnet_gro_take(&G, &w) > 0);
	cr_assert(vnet_gro_add(&G, pktbuf + VNET_HDR_LEN, n - VNET_HDR_LEN));
	/* after a smaller one the batch is closed even for a correct follow-up */
	flow(6, P_UDP, 4, 1000);
	cr_assert(add(0));
	struct spec s3 = base(6, P_UDP, 500, 0);
	s3.csum = false;
	n = mk(pktbuf, &s3);
	cr_assert(vnet_gro_add(&G, pktbuf + VNET_HDR_LEN, n - VNET_HDR_LEN));
	cr_assert_not(add(2));
}

Test(vnet, gro_bad_checksum_not_merged)
{
	for (int ver = 4; ver <= 6; ver += 2)
		for (uint8_t proto = P_TCP; proto <= P_UDP; proto = (uint8_t)(proto + 11)) {
			flow(ver, proto, 3, 1000);
			cr_assert(add(0));
			cr_assert_not(add_mod(1, f_payload, true));
			cr_assert_eq(G.bad_csum, 1);
			cr_assert_eq(G.nseg, 1);
			/* flushed, retried: still refused, written alone by the caller */
			const uint8_t *w;
			cr_assert(vnet_gro_take(&G, &w) > 0);
			cr_assert_not(add_mod(1, f_payload, true));
			cr_assert(!vnet_gro_pending(&G));
			cr_assert_eq(G.bad_csum, 2);
		}
	/* a bad IPv4 header checksum is refused as well */
	flow(4, P_UDP, 2, 1000);
	size_t l = mod(0, f_ip4_csum, false);
	tmp[10] ^= 1;
	cr_assert_not(vnet_gro_add(&G, tmp, l));
}

Test(vnet, gro_udp_specifics)
{
	flow(4, P_UDP, 3, 1000);
	cr_assert_not(add_mod(0, f_udp_zero, true)); /* no checksum: never coalesced */
	cr_assert_not(add_mod(0, f_udp_len, false)); /* UDP length != datagram */
	cr_assert(add(0));
	cr_assert_not(add_mod(1, f_sport, false));
	cr_assert(add(1));
	/* UDP disabled (no USO on this kernel): nothing UDP merges */
	vnet_gro_init(&G, grobuf, VNET_GRO_BUF_LEN, VNET_GRO_TCP);
	cr_assert_not(add(0));
	flow(4, P_TCP, 1, 1000);
	vnet_gro_init(&G, grobuf, VNET_GRO_BUF_LEN, VNET_GRO_UDP);
	cr_assert_not(add(0));
}

Test(vnet, gro_pure_ack_and_junk)
{
	vnet_gro_init(&G, grobuf, VNET_GRO_BUF_LEN, VNET_GRO_TCP | VNET_GRO_UDP);
	struct spec s = base(4, P_TCP, 0, 0);
	s.csum = false;
	s.tcp_flags = 0x10;
	size_t n = mk(pktbuf, &s);
	cr_assert_not(vnet_gro_add(&G, pktbuf + VNET_HDR_LEN, n - VNET_HDR_LEN));
	for (size_t m = 0; m < n - VNET_HDR_LEN; m++)
		cr_assert_not(vnet_gro_add(&G, pktbuf + VNET_HDR_LEN, m));
	uint8_t junk[64] = {0x55};
	cr_assert_not(vnet_gro_add(&G, junk, sizeof(junk)));
	cr_assert(!vnet_gro_pending(&G));
}

Test(vnet, gro_65th_segment_and_length_limits)
{
	flow(4, P_TCP, 70, 500);
	for (size_t i = 0; i < 64; i++)
		cr_assert(add(i), "segment %zu", i);
	cr_assert_not(add(64));
	cr_assert_eq(G.nseg, 64);
	/* 65535 IP octets: 1448-octet segments fit 45 (20+32+45*1448 = 65212). The flow comes
	 * from two super-packets: 44 segments, then 2 more continuing its sequence and IDs. */
	static uint8_t first[44 * 1500];
	size_t firstoff[45];
	flow(4, P_TCP, 44, 1448);
	memcpy(first, segbuf, segoff[44]);
	memcpy(firstoff, segoff, sizeof(firstoff));
	struct spec s = base(4, P_TCP, 2 * 1448, 1448);
	s.tcp_flags = 0x10;
	s.tcp_opts = 12;
	s.seq += 44 * 1448;
	s.ipid = (uint16_t)(s.ipid + 44);
	cr_assert_eq(cut_and_check(&s, 9180), 2);
	for (size_t i = 0; i < 44; i++)
		cr_assert(vnet_gro_add(&G, first + firstoff[i], firstoff[i + 1] - firstoff[i]));
	cr_assert(add(0));
	cr_assert_not(add(1));
	const uint8_t *w;
	cr_assert_eq(vnet_gro_take(&G, &w), VNET_HDR_LEN + 52 + 45 * 1448);
}

Test(vnet, gro_buffer_full)
{
	flow(6, P_TCP, 5, 1000);
	vnet_gro_init(&G, grobuf, VNET_HDR_LEN + 72 + 2500, VNET_GRO_TCP);
	cr_assert(add(0) && add(1));
	cr_assert_not(add(2));
	const uint8_t *w;
	cr_assert_eq(vnet_gro_take(&G, &w), VNET_HDR_LEN + 72 + 2000);
	/* a packet larger than the whole buffer is refused even as a first one */
	vnet_gro_init(&G, grobuf, VNET_HDR_LEN + 1000, VNET_GRO_TCP);
	cr_assert_not(add(0));
}

Test(vnet, gro_abort_on_tiny_buffer, .signal = SIGABRT)
{
	vnet_gro_init(&G, grobuf, VNET_HDR_LEN, VNET_GRO_TCP);
}

Test(vnet, gro_interleaved_flows_keep_order)
{
	/* Two flows alternating: nothing merges, but every packet comes out in order. */
	struct spec a = base(4, P_TCP, 3000, 1000), b = base(4, P_TCP, 3000, 1000);
	a.tcp_flags = b.tcp_flags = 0x10;
	b.sport = 40001;
	b.ipid = 0x4000;
	static uint8_t segs[6][1100];
	size_t lens[6];
	for (int f = 0; f < 2; f++) {
		cut_and_check(f ? &b : &a, 1500);
		for (size_t i = 0; i < 3; i++) {
			lens[i * 2 + (size_t)f] = seg_len(i);
			memcpy(segs[i * 2 + (size_t)f], seg_at(i), seg_len(i));
		}
	}
	vnet_gro_init(&G, grobuf, VNET_GRO_BUF_LEN, VNET_GRO_TCP);
	size_t out = 0;
	const uint8_t *w;
	for (size_t i = 0; i < 6; i++) {
		if (vnet_gro_add(&G, segs[i], lens[i]))
			continue;
		size_t n = vnet_gro_take(&G, &w);
		cr_assert_eq(n, VNET_HDR_LEN + lens[out]);
		cr_assert_arr_eq(w + VNET_HDR_LEN, segs[out], lens[out]);
		out++;
		cr_assert(vnet_gro_add(&G, segs[i], lens[i]));
	}
	cr_assert_eq(vnet_gro_take(&G, &w), VNET_HDR_LEN + lens[5]);
	cr_assert_eq(out, 5);
}
