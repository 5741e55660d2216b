// SPDX-License-Identifier: MIT
/*
 * vnet.c - TUN offloads (vnet.h): virtio_net_hdr parsing, software GSO of
 * TCP/UDP super-packets and GRO-style coalescing for TUN writes.
 *
 * This module owns the rules that keep both directions lossless: a
 * super-packet is cut exactly as the kernel's own GSO would cut it (IPv4 ID
 * + k, sequence numbers, FIN/PSH on the last and CWR on the first segment,
 * full checksums), and only packets that the kernel would re-segment into the
 * very same bytes are ever coalesced. Checksums are computed, never trusted:
 * segmentation recomputes every TCP/UDP checksum from scratch, and GRO
 * verifies each input packet before its payload joins a super-packet whose
 * partial checksum the kernel will believe.
 *
 * Reading is bounded throughout: headers are parsed through struct cur, and
 * the writers touch only offsets the parser has validated against the length.
 */
#include "vnet.h"

#include <errno.h>
#include <string.h>
#include "cursor.h"

#define PROTO_TCP 6 /* IANA protocol numbers */
#define PROTO_UDP 17
#define V6_HOPOPTS 0 /* RFC 8200 §4.3 */
#define V6_DSTOPTS 60
#define V6_EXT_MAX 8	/* extension headers walked before giving up */
#define TCP_CSUM_OFF 16 /* RFC 9293 §3.1 */
#define UDP_CSUM_OFF 6	/* RFC 768 */
#define TCP_F_FIN 0x01
#define TCP_F_PSH 0x08
#define TCP_F_ACK 0x10
#define TCP_F_CWR 0x80

/*
 * RFC 1071 one's complement sum, 64 bits at a time: words are added in native
 * byte order with an end-around carry (§2(B): the sum is byte-order
 * independent), folded to 16 bits and swapped to network order at the end.
 */
static inline uint64_t add_c(uint64_t a, uint64_t b)
{
	uint64_t r = a + b;
	return r + (r < a);
}

static uint64_t csum_acc(const uint8_t *p, size_t n, uint64_t acc)
{
	uint64_t a1 = 0, a2 = 0, a3 = 0;

	for (; n >= 32; p += 32, n -= 32) {
		uint64_t w[4];
		memcpy(w, p, sizeof(w));
		acc = add_c(acc, w[0]);
		a1 = add_c(a1, w[1]);
		a2 = add_c(a2, w[2]);
		a3 = add_c(a3, w[3]);
	}
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		acc = add_c(acc, w);
	}
	if (n) {
		/* The tail keeps its memory position inside a zeroed word: an odd last octet is the
		 * high half of its 16-bit word, padded with zero as RFC 1071 requires. */
		uint64_t w = 0;
		memcpy(&w, p, n);
		acc = add_c(acc, w);
	}
	return add_c(add_c(acc, a1), add_c(a2, a3));
}

/* Native 16-bit lane <-> big-endian number (an involution). */
static inline uint16_t lane16(uint16_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap16(v);
#else
	return v;
#endif
}

/* Fold to 16 bits (never 0 unless everything was 0), as a big-endian number. */
static uint16_t csum_fold(uint64_t a)
{
	a = (a & 0xffffffffu) + (a >> 32);
	a = (a & 0xffffffffu) + (a >> 32);
	a = (a & 0xffffu) + (a >> 16);
	a = (a & 0xffffu) + (a >> 16);
	return lane16((uint16_t)a);
}

uint16_t vnet_csum_partial(const void *p, size_t n, uint16_t sum)
{
	return csum_fold(csum_acc(p, n, lane16(sum)));
}

/* Pseudo-header (RFC 768, RFC 9293 §3.1, RFC 8200 §8.1) of the IP packet @ip. */
static uint64_t pseudo_acc(const uint8_t *ip, uint8_t ver, uint8_t proto, size_t l4len)
{
	const uint8_t tail[4] = {0, proto, (uint8_t)(l4len >> 8), (uint8_t)l4len};
	uint64_t a = ver == 4 ? csum_acc(ip + 12, 8, 0) : csum_acc(ip + 8, 32, 0);
	return csum_acc(tail, sizeof(tail), a);
}

static inline uint8_t l4_proto(enum vnet_l4 l4)
{
	return l4 == VNET_L4_UDP ? PROTO_UDP : PROTO_TCP;
}

static inline size_t l4_csum_off(enum vnet_l4 l4)
{
	return l4 == VNET_L4_UDP ? UDP_CSUM_OFF : TCP_CSUM_OFF;
}

static void ipv4_hdr_csum(uint8_t *ip)
{
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
	put_be16(ip + 10, 0);
	put_be16(ip + 10, (uint16_t)~vnet_csum_partial(ip, ihl, 0));
}

void vnet_hdr_none(uint8_t out[VNET_HDR_LEN])
{
	memset(out, 0, VNET_HDR_LEN);
}

/* What the IP header of a packet says, validated against its length. */
struct l3 {
	uint8_t ver;
	uint8_t proto; /* upper-layer protocol found at l4_off (an unwalked IPv6 header type) */
	bool frag;     /* IPv4 MF or offset != 0 */
	size_t l4_off;
};

static int l3_parse(const uint8_t *p, size_t n, struct l3 *l)
{
	struct cur c = cur_make(p, n);
	uint8_t b0, nh;
	uint16_t u16;

	if (!cur_peek_u8(&c, &b0))
		return -EBADMSG;
	l->ver = b0 >> 4;
	if (l->ver == 4) {
		size_t ihl = (size_t)(b0 & 0x0f) * 4;
		cur_skip(&c, 2);
		cur_be16(&c, &u16); /* Total Length */
		if (c.bad || ihl < 20 || ihl > n || u16 != n)
			return -EBADMSG;
		cur_skip(&c, 2);
		cur_be16(&c, &u16); /* flags + fragment offset */
		l->frag = (u16 & 0x3fff) != 0;
		cur_skip(&c, 1);
		cur_u8(&c, &l->proto);
		l->l4_off = ihl;
		return c.bad ? -EBADMSG : 0;
	}
	if (l->ver != 6)
		return -EBADMSG;
	cur_skip(&c, 4);
	cur_be16(&c, &u16); /* Payload Length */
	cur_u8(&c, &nh);
	cur_skip(&c, 33); /* Hop Limit, addresses */
	if (c.bad || (size_t)u16 + 40 != n)
		return -EBADMSG;
	l->frag = false;
	/* Walk Hop-by-Hop (first only) and Destination Options; stop at anything else. */
	for (int i = 0; i < V6_EXT_MAX && (nh == V6_DSTOPTS || (nh == V6_HOPOPTS && i == 0)); i++) {
		uint8_t next, hl;
		cur_u8(&c, &next);
		cur_u8(&c, &hl);
		cur_skip(&c, (size_t)hl * 8 + 6);
		if (c.bad)
			return -EBADMSG;
		nh = next;
	}
	l->proto = nh;
	l->l4_off = n - c.left;
	return 0;
}

/* The TCP or UDP header at @off: its length, or 0 when truncated / invalid. */
static size_t l4_hdr_len(const uint8_t *p, size_t n, size_t off, enum vnet_l4 l4)
{
	struct cur c = cur_make(p, n);
	uint8_t doff;

	cur_skip(&c, off);
	if (l4 == VNET_L4_UDP)
		return cur_skip(&c, 8) ? 8 : 0;
	cur_skip(&c, 12);
	cur_u8(&c, &doff);
	size_t thl = (size_t)(doff >> 4) * 4;
	if (c.bad || thl < 20 || !cur_skip(&c, thl - 13))
		return 0;
	return thl;
}

static enum vnet_l4 l4_of(uint8_t proto)
{
	return proto == PROTO_TCP ? VNET_L4_TCP : proto == PROTO_UDP ? VNET_L4_UDP : VNET_L4_NONE;
}

int vnet_hdr_parse(const uint8_t *p, size_t n, struct vnet_pkt *out)
{
	struct cur c = cur_make(p, n);
	uint8_t gso;
	struct l3 l;

	memset(out, 0, sizeof(*out));
	cur_u8(&c, &out->flags);
	cur_u8(&c, &gso);
	cur_le16(&c, &out->hdr_len_hint);
	cur_le16(&c, &out->gso_size);
	cur_le16(&c, &out->csum_start);
	cur_le16(&c, &out->csum_offset);
	if (c.bad || !c.left)
		return -EBADMSG;
	out->pkt = c.p;
	out->len = c.left;
	out->gso_ecn = gso & VNET_GSO_ECN;
	out->gso_type = gso & (uint8_t)~VNET_GSO_ECN;

	if (out->flags & ~(VNET_F_NEEDS_CSUM | VNET_F_DATA_VALID))
		return -EBADMSG;
	if (out->hdr_len_hint > out->len)
		return -EBADMSG;
	switch (out->gso_type) {
	case VNET_GSO_NONE:
		if (out->gso_ecn)
			return -EBADMSG;
		break;
	case VNET_GSO_TCPV4:
	case VNET_GSO_TCPV6:
		break;
	case VNET_GSO_UDP_L4:
		if (out->gso_ecn)
			return -EBADMSG;
		break;
	default:
		return -EBADMSG;
	}
	if (!(out->flags & VNET_F_NEEDS_CSUM)) {
		/* GSO without a partial checksum would leave us nothing to locate L4 by. */
		return out->gso_type == VNET_GSO_NONE ? 0 : -EBADMSG;
	}
	if (l3_parse(out->pkt, out->len, &l) < 0)
		return -EBADMSG;
	out->ip_version = l.ver;
	if (out->csum_start < l.l4_off || (size_t)out->csum_start + out->csum_offset + 2 > out->len)
		return -EBADMSG;

	enum vnet_l4 l4 = l.frag ? VNET_L4_NONE : l4_of(l.proto);
	if (out->gso_type == VNET_GSO_NONE) {
		if (l4 == VNET_L4_NONE || out->csum_start != l.l4_off)
			return 0; /* another protocol's (e.g. a tunnel's inner) partial checksum */
		if (out->csum_offset != l4_csum_off(l4) ||
		    !l4_hdr_len(out->pkt, out->len, l.l4_off, l4))
			return -EBADMSG;
		out->l4 = l4;
		out->l4_off = l.l4_off;
		return 0;
	}

	enum vnet_l4 want = out->gso_type == VNET_GSO_UDP_L4 ? VNET_L4_UDP : VNET_L4_TCP;
	if ((out->gso_type == VNET_GSO_TCPV4 && l.ver != 4) ||
	    (out->gso_type == VNET_GSO_TCPV6 && l.ver != 6))
		return -EBADMSG;
	if (l4 != want || out->csum_start != l.l4_off || out->csum_offset != l4_csum_off(l4) ||
	    out->gso_size == 0)
		return -EBADMSG;
	size_t thl = l4_hdr_len(out->pkt, out->len, l.l4_off, l4);
	if (!thl)
		return -EBADMSG;
	out->l4 = l4;
	out->l4_off = l.l4_off;
	out->hdr_len = l.l4_off + thl;
	if (out->hdr_len >= out->len)
		return -EBADMSG;
	return 0;
}

/* Payload octets per segment, 0 when @mtu leaves no legal cut. */
static size_t seg_payload(const struct vnet_pkt *v, size_t mtu)
{
	if (mtu <= v->hdr_len)
		return 0;
	size_t room = mtu - v->hdr_len;
	if (v->l4 == VNET_L4_UDP)
		return v->gso_size <= room ? v->gso_size : 0;
	return MIN((size_t)v->gso_size, room);
}

size_t vnet_seg_count(const struct vnet_pkt *v, size_t mtu)
{
	if (v->gso_type == VNET_GSO_NONE)
		return 1;
	size_t seg = seg_payload(v, mtu);
	if (!seg)
		return 0;
	return (v->len - v->hdr_len + seg - 1) / seg;
}

/*
 * Turn the segment laid out at @s (the original headers, then the slice that
 * starts @off octets into the payload; @len octets in all) into packet @idx.
 */
static void seg_fix(const struct vnet_pkt *v, uint8_t *s, size_t len, size_t idx, size_t off,
		    bool last)
{
	size_t l4 = v->l4_off, l4len = len - l4;

	if (v->ip_version == 4) {
		put_be16(s + 2, (uint16_t)len);
		put_be16(s + 4, (uint16_t)(get_be16(s + 4) + idx));
		ipv4_hdr_csum(s);
	} else {
		put_be16(s + 4, (uint16_t)(len - 40));
	}
	if (v->l4 == VNET_L4_TCP) {
		put_be32(s + l4 + 4, (uint32_t)(get_be32(s + l4 + 4) + off));
		if (!last)
			s[l4 + 13] &= (uint8_t) ~(TCP_F_FIN | TCP_F_PSH);
		if (idx)
			s[l4 + 13] &= (uint8_t)~TCP_F_CWR;
	} else {
		put_be16(s + l4 + 4, (uint16_t)l4len);
	}
	size_t co = l4 + l4_csum_off(v->l4);
	put_be16(s + co, 0);
	uint64_t a = pseudo_acc(s, v->ip_version, l4_proto(v->l4), l4len);
	uint16_t ck = (uint16_t)~csum_fold(csum_acc(s + l4, l4len, a));
	if (ck == 0 && v->l4 == VNET_L4_UDP)
		ck = 0xffff; /* RFC 768: 0 means "no checksum" */
	put_be16(s + co, ck);
}

/* Complete a partial checksum as skb_checksum_help does: sum from csum_start to the end. */
static void csum_complete(const struct vnet_pkt *v, uint8_t *s)
{
	uint16_t ck = (uint16_t)~vnet_csum_partial(s + v->csum_start, v->len - v->csum_start, 0);
	put_be16(s + v->csum_start + v->csum_offset, ck ? ck : 0xffff);
}

ssize_t vnet_seg_build(const struct vnet_pkt *v, size_t mtu, size_t idx, uint8_t *out, size_t cap)
{
	size_t count = vnet_seg_count(v, mtu);

	if (idx >= count)
		return -EINVAL;
	if (v->gso_type == VNET_GSO_NONE) {
		if (cap < v->len)
			return -ENOSPC;
		memcpy(out, v->pkt, v->len);
		if (v->flags & VNET_F_NEEDS_CSUM)
			csum_complete(v, out);
		return (ssize_t)v->len;
	}
	size_t seg = seg_payload(v, mtu), off = idx * seg;
	size_t slice = MIN(seg, v->len - v->hdr_len - off), len = v->hdr_len + slice;
	if (cap < len)
		return -ENOSPC;
	memcpy(out, v->pkt, v->hdr_len);
	memcpy(out + v->hdr_len, v->pkt + v->hdr_len + off, slice);
	seg_fix(v, out, len, idx, off, idx == count - 1);
	return (ssize_t)len;
}

int vnet_pkt_finish(const struct vnet_pkt *v, size_t mtu, uint8_t *pkt)
{
	OMNI_ASSERT(pkt == v->pkt);
	if (vnet_seg_count(v, mtu) != 1)
		return -EINVAL;
	if (v->gso_type != VNET_GSO_NONE)
		seg_fix(v, pkt, v->len, 0, 0, true);
	else if (v->flags & VNET_F_NEEDS_CSUM)
		csum_complete(v, pkt);
	return 0;
}

/*
 * GRO.
 */
void vnet_gro_init(struct vnet_gro *g, uint8_t *buf, size_t cap, unsigned flags)
{
	OMNI_ASSERT(cap > VNET_HDR_LEN);
	memset(g, 0, sizeof(*g));
	g->buf = buf;
	g->cap = cap;
	g->flags = flags;
}

/* A packet GRO could take, as far as it alone is concerned. */
struct gro_pkt {
	uint8_t ver;
	enum vnet_l4 l4;
	uint8_t tcp_flags;
	uint16_t id;
	uint32_t seq;
	size_t l4_off, hdr, payload;
};

static bool gro_classify(const uint8_t *p, size_t len, struct gro_pkt *k)
{
	struct cur c = cur_make(p, len);
	uint8_t b0, u8, proto;
	uint16_t u16;

	memset(k, 0, sizeof(*k));
	if (len > VNET_MAX_PKT || !cur_u8(&c, &b0))
		return false;
	k->ver = b0 >> 4;
	if (b0 == 0x45) { /* IPv4 without options */
		cur_skip(&c, 1);
		cur_be16(&c, &u16);
		if (u16 != len)
			return false;
		cur_be16(&c, &k->id);
		cur_be16(&c, &u16);
		if (u16 & 0xbfff) /* reserved bit, MF or an offset: only DF may be set */
			return false;
		cur_skip(&c, 1);
		cur_u8(&c, &proto);
		cur_skip(&c, 10);
		if (c.bad || vnet_csum_partial(p, 20, 0) != 0xffff)
			return false;
		k->l4_off = 20;
	} else if (k->ver == 6) {
		cur_skip(&c, 3);
		cur_be16(&c, &u16);
		cur_u8(&c, &proto); /* no extension headers: TCP or UDP right away */
		cur_skip(&c, 33);
		if (c.bad || (size_t)u16 + 40 != len)
			return false;
		k->l4_off = 40;
	} else {
		return false;
	}
	k->l4 = l4_of(proto);
	if (k->l4 == VNET_L4_TCP) {
		cur_skip(&c, 4);
		cur_be32(&c, &k->seq);
		cur_skip(&c, 4);
		cur_u8(&c, &u8);
		cur_u8(&c, &k->tcp_flags);
		size_t thl = (size_t)(u8 >> 4) * 4;
		if (c.bad || thl < 20 || !cur_skip(&c, thl - 14))
			return false;
		if (k->tcp_flags != TCP_F_ACK && k->tcp_flags != (TCP_F_ACK | TCP_F_PSH))
			return false;
		k->hdr = k->l4_off + thl;
	} else if (k->l4 == VNET_L4_UDP) {
		uint16_t ulen, uck;
		cur_skip(&c, 4);
		cur_be16(&c, &ulen);
		cur_be16(&c, &uck);
		if (c.bad || ulen != len - k->l4_off || uck == 0)
			return false;
		k->hdr = k->l4_off + 8;
	} else {
		return false;
	}
	k->payload = c.left;
	return k->payload > 0;
}

static bool l4_csum_ok(const uint8_t *p, size_t len, const struct gro_pkt *k)
{
	uint64_t a = pseudo_acc(p, k->ver, l4_proto(k->l4), len - k->l4_off);
	return csum_fold(csum_acc(p + k->l4_off, len - k->l4_off, a)) == 0xffff;
}

/* Do the fields that must be equal in every merged packet match the first one at @f? */
static bool gro_same_flow(const uint8_t *f, const uint8_t *p, const struct gro_pkt *k)
{
	size_t l4 = k->l4_off;

	if (k->ver == 4) {
		/* version/IHL/TOS, flags/TTL/protocol, addresses */
		if (memcmp(p, f, 2) || memcmp(p + 6, f + 6, 4) || memcmp(p + 12, f + 12, 8))
			return false;
	} else {
		/* version/traffic class/flow label, next header/hop limit, addresses */
		if (memcmp(p, f, 4) || memcmp(p + 6, f + 6, 34))
			return false;
	}
	if (memcmp(p + l4, f + l4, 4)) /* ports */
		return false;
	if (k->l4 == VNET_L4_UDP)
		return true;
	/* ACK number and data offset octet, window, urgent pointer and options */
	return !memcmp(p + l4 + 8, f + l4 + 8, 5) && !memcmp(p + l4 + 14, f + l4 + 14, 2) &&
	       !memcmp(p + l4 + 18, f + l4 + 18, k->hdr - l4 - 18);
}

bool vnet_gro_add(struct vnet_gro *g, const uint8_t *pkt, size_t len)
{
	struct gro_pkt k;
	uint8_t *f = g->buf + VNET_HDR_LEN;

	if (!gro_classify(pkt, len, &k))
		return false;
	if (!(g->flags & (k.l4 == VNET_L4_TCP ? VNET_GRO_TCP : VNET_GRO_UDP)))
		return false;
	bool psh = k.tcp_flags & TCP_F_PSH;

	if (!g->len) {
		/* A packet that would close its own batch is cheaper written alone. */
		if (psh || VNET_HDR_LEN + len > g->cap)
			return false;
		if (!l4_csum_ok(pkt, len, &k)) {
			g->bad_csum++;
			return false;
		}
		memcpy(f, pkt, len);
		g->len = len;
		g->l4_off = k.l4_off;
		g->hdr = k.hdr;
		g->seg = k.payload;
		g->nseg = 1;
		g->l4 = k.l4;
		g->closed = false;
		g->psh = false;
		g->next_seq = k.seq + (uint32_t)k.payload;
		g->next_id = (uint16_t)(k.id + 1);
		return true;
	}
	if (g->closed || k.l4 != g->l4 || k.hdr != g->hdr || (f[0] >> 4) != k.ver)
		return false;
	if (!gro_same_flow(f, pkt, &k))
		return false;
	if (k.payload > g->seg || g->nseg >= VNET_GRO_MAX_SEGS)
		return false;
	if (g->len + k.payload > VNET_MAX_PKT || VNET_HDR_LEN + g->len + k.payload > g->cap)
		return false;
	if ((k.ver == 4 && k.id != g->next_id) || (k.l4 == VNET_L4_TCP && k.seq != g->next_seq))
		return false;
	if (!l4_csum_ok(pkt, len, &k)) {
		g->bad_csum++;
		return false;
	}
	memcpy(f + g->len, pkt + k.hdr, k.payload);
	g->len += k.payload;
	g->nseg++;
	g->next_seq += (uint32_t)k.payload;
	g->next_id++;
	g->closed = psh || k.payload < g->seg;
	g->psh = psh;
	g->merged++;
	return true;
}

static void wr_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

size_t vnet_gro_take(struct vnet_gro *g, const uint8_t **out)
{
	uint8_t *h = g->buf, *s = g->buf + VNET_HDR_LEN;
	size_t n = VNET_HDR_LEN + g->len;

	if (!g->len) {
		*out = NULL;
		return 0;
	}
	if (g->nseg == 1) {
		vnet_hdr_none(h);
	} else {
		uint8_t ver = s[0] >> 4;
		size_t l4 = g->l4_off, l4len = g->len - l4;
		if (ver == 4) {
			put_be16(s + 2, (uint16_t)g->len);
			ipv4_hdr_csum(s);
		} else {
			put_be16(s + 4, (uint16_t)(g->len - 40));
		}
		if (g->l4 == VNET_L4_TCP) {
			if (g->psh)
				s[l4 + 13] |= TCP_F_PSH;
		} else {
			put_be16(s + l4 + 4, (uint16_t)l4len);
		}
		/* CHECKSUM_PARTIAL convention: the folded pseudo-header sum, not complemented. */
		put_be16(s + l4 + l4_csum_off(g->l4),
			 csum_fold(pseudo_acc(s, ver, l4_proto(g->l4), l4len)));
		h[0] = VNET_F_NEEDS_CSUM;
		h[1] = g->l4 == VNET_L4_UDP ? VNET_GSO_UDP_L4
		       : ver == 4	    ? VNET_GSO_TCPV4
					    : VNET_GSO_TCPV6;
		wr_le16(h + 2, (uint16_t)g->hdr);
		wr_le16(h + 4, (uint16_t)g->seg);
		wr_le16(h + 6, (uint16_t)l4);
		wr_le16(h + 8, (uint16_t)l4_csum_off(g->l4));
	}
	*out = g->buf;
	g->len = 0;
	g->nseg = 0;
	g->closed = false;
	g->psh = false;
	return n;
}
