/* SPDX-License-Identifier: MIT */
/*
 * eh_pkt.h - test helpers for common/eh.c, shared by test_eh.c, the fuzz
 * target and the benchmark: a builder for IPv6 packets with extension-header
 * chains and a TCP / UDP / ICMPv6 upper layer carrying a correct checksum,
 * and a reference chain walker and checksum verifier written independently
 * of eh.c (no cursor, no eh.h), used to check what eh.c produced.
 * Header-only (static functions); no state beyond what the caller passes.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define EHP_MAX 4096

struct ehp {
	uint8_t b[EHP_MAX];
	size_t len;
	size_t nh_at;	   /* the Next Header octet the next header fills */
	uint8_t final[16]; /* the final destination, for the checksum */
	size_t l4;	   /* where the upper layer starts */
};

static const uint8_t EHP_SRC[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x0a, [15] = 1};
static const uint8_t EHP_DST[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x0b, [15] = 1};

static inline void ehp_init(struct ehp *p)
{
	memset(p, 0, sizeof(*p));
	p->b[0] = 0x60;
	p->b[7] = 64;
	memcpy(p->b + 8, EHP_SRC, 16);
	memcpy(p->b + 24, EHP_DST, 16);
	memcpy(p->final, EHP_DST, 16);
	p->len = 40;
	p->nh_at = 6;
}

static inline void ehp_set_plen(struct ehp *p)
{
	p->b[4] = (uint8_t)((p->len - 40) >> 8);
	p->b[5] = (uint8_t)(p->len - 40);
}

/* Append @len zeroed octets as a header of protocol @proto; returns it. */
static inline uint8_t *ehp_add(struct ehp *p, uint8_t proto, size_t len)
{
	uint8_t *h = p->b + p->len;
	memset(h, 0, len);
	p->b[p->nh_at] = proto;
	p->nh_at = p->len;
	p->len += len;
	return h;
}

/* A header in the RFC 6564 format (Hdr Ext Len in 8-octet units after the first 8). */
static inline uint8_t *ehp_ext(struct ehp *p, uint8_t proto, size_t len)
{
	uint8_t *h = ehp_add(p, proto, len);
	h[1] = (uint8_t)(len / 8 - 1);
	return h;
}

/* HBH (0) or DO (60) holding the options @opts (@n octets), then PadN / Pad1 to 8n. */
static inline uint8_t *ehp_opts(struct ehp *p, uint8_t proto, const uint8_t *opts, size_t n)
{
	size_t len = (2 + n + 7) / 8 * 8, pad = len - 2 - n;
	uint8_t *h = ehp_ext(p, proto, len);
	if (n)
		memcpy(h + 2, opts, n);
	if (pad == 1) {
		h[2 + n] = 0;
	} else if (pad >= 2) {
		h[2 + n] = 1;
		h[3 + n] = (uint8_t)(pad - 2);
	}
	return h;
}

static inline uint8_t *ehp_hbh_pad(struct ehp *p)
{
	return ehp_opts(p, 0, NULL, 0);
}

static inline uint8_t *ehp_hbh_ra(struct ehp *p)
{
	static const uint8_t ra[] = {0x05, 2, 0, 0}; /* RFC 2711 Router Alert, MLD value 0 */
	return ehp_opts(p, 0, ra, sizeof(ra));
}

static inline uint8_t *ehp_do(struct ehp *p)
{
	static const uint8_t tel[] = {0x04, 1, 4}; /* RFC 2473 Tunnel Encapsulation Limit */
	return ehp_opts(p, 60, tel, sizeof(tel));
}

/* A Routing header of @type with @sl and @len octets (no type-specific content). */
static inline uint8_t *ehp_rh(struct ehp *p, uint8_t type, uint8_t sl, size_t len)
{
	uint8_t *h = ehp_ext(p, 43, len);
	h[2] = type;
	h[3] = sl;
	return h;
}

/* An SRH (RFC 8754) with @nseg segments; segment 0 is the final destination. */
static inline uint8_t *ehp_srh(struct ehp *p, uint8_t sl, size_t nseg, size_t tlv_len)
{
	uint8_t *h = ehp_rh(p, 4, sl, 8 + 16 * nseg + tlv_len);
	h[4] = (uint8_t)(nseg - 1);
	for (size_t i = 0; i < nseg; i++) {
		uint8_t *s = h + 8 + 16 * i;
		memcpy(s, EHP_DST, 16);
		s[5] = (uint8_t)(0x50 + i);
	}
	if (sl == 0)
		memcpy(h + 8, p->b + 24, 16); /* at the last segment the DA is segment 0 */
	else
		memcpy(p->final, h + 8, 16);
	return h;
}

/* RH2 (RFC 6275 §6.4) with the home address 2001:db8:c::1. */
static inline uint8_t *ehp_rh2(struct ehp *p, uint8_t sl)
{
	uint8_t *h = ehp_rh(p, 2, sl, 24);
	memcpy(h + 8, EHP_DST, 16);
	h[13] = 0x0c;
	if (sl)
		memcpy(p->final, h + 8, 16);
	return h;
}

static inline uint8_t *ehp_frag(struct ehp *p, uint16_t off8, bool more, uint32_t id)
{
	uint8_t *h = ehp_add(p, 44, 8);
	uint16_t v = (uint16_t)(off8 << 3 | (more ? 1 : 0));
	h[2] = (uint8_t)(v >> 8);
	h[3] = (uint8_t)v;
	h[4] = (uint8_t)(id >> 24);
	h[5] = (uint8_t)(id >> 16);
	h[6] = (uint8_t)(id >> 8);
	h[7] = (uint8_t)id;
	return h;
}

/* AH (RFC 4302) with an @icv-octet ICV; 12 + icv must be a multiple of 8. */
static inline uint8_t *ehp_ah(struct ehp *p, size_t icv)
{
	uint8_t *h = ehp_add(p, 51, 12 + icv);
	h[1] = (uint8_t)((12 + icv) / 4 - 2);
	h[7] = 0x42; /* SPI */
	for (size_t i = 0; i < icv; i++)
		h[12 + i] = (uint8_t)(0xa0 + i);
	return h;
}

static inline void ehp_sum_add(uint32_t *s, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		*s += (uint32_t)b[i] << 8 | b[i + 1];
	if (n & 1)
		*s += (uint32_t)b[n - 1] << 8;
}

/* The upper-layer checksum over the pseudo-header (RFC 8200 §8.1) of @n octets at @l4. */
static inline uint16_t ehp_l4_sum(const uint8_t *src, const uint8_t *final, uint8_t proto,
				  const uint8_t *l4, size_t n)
{
	uint32_t s = 0;
	ehp_sum_add(&s, src, 16);
	ehp_sum_add(&s, final, 16);
	s += (uint32_t)(n >> 16) + (uint32_t)(n & 0xffff) + proto;
	ehp_sum_add(&s, l4, n);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static inline size_t ehp_csum_at(uint8_t proto)
{
	return proto == 6 ? 16 : proto == 17 ? 6 : 2;
}

/* Write the checksum of the upper layer @proto at p->l4 .. p->len. */
static inline void ehp_fix_csum(struct ehp *p, uint8_t proto)
{
	uint8_t *l4 = p->b + p->l4;
	size_t at = ehp_csum_at(proto), n = p->len - p->l4;
	l4[at] = l4[at + 1] = 0;
	uint16_t c = (uint16_t)~ehp_l4_sum(p->b + 8, p->final, proto, l4, n);
	if (proto == 17 && c == 0)
		c = 0xffff;
	l4[at] = (uint8_t)(c >> 8);
	l4[at + 1] = (uint8_t)c;
}

static inline void ehp_payload(uint8_t *d, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		d[i] = (uint8_t)(seed + i * 13);
}

static inline void ehp_udp(struct ehp *p, size_t n)
{
	uint8_t *u = ehp_add(p, 17, 8 + n);
	p->l4 = (size_t)(u - p->b);
	u[0] = 0x30;
	u[1] = 0x39;
	u[2] = 0x00;
	u[3] = 0x35;
	u[4] = (uint8_t)((8 + n) >> 8);
	u[5] = (uint8_t)(8 + n);
	ehp_payload(u + 8, n, 0x11);
	ehp_set_plen(p);
	ehp_fix_csum(p, 17);
}

static inline void ehp_tcp(struct ehp *p, size_t n)
{
	uint8_t *t = ehp_add(p, 6, 20 + n);
	p->l4 = (size_t)(t - p->b);
	t[0] = 0xc0;
	t[1] = 0x01;
	t[2] = 0x01;
	t[3] = 0xbb;
	t[7] = 1;
	t[12] = 5 << 4;
	t[13] = 0x18;
	t[14] = 0xff;
	ehp_payload(t + 20, n, 0x22);
	ehp_set_plen(p);
	ehp_fix_csum(p, 6);
}

static inline void ehp_icmp6(struct ehp *p, uint8_t type, size_t n)
{
	uint8_t *t = ehp_add(p, 58, 8 + n);
	p->l4 = (size_t)(t - p->b);
	t[0] = type;
	t[5] = 7;
	ehp_payload(t + 8, n, 0x33);
	ehp_set_plen(p);
	ehp_fix_csum(p, 58);
}

/* End the chain with @proto (59, ESP, an unknown protocol) and @n opaque octets. */
static inline void ehp_raw(struct ehp *p, uint8_t proto, size_t n)
{
	uint8_t *t = ehp_add(p, proto, n);
	p->l4 = (size_t)(t - p->b);
	ehp_payload(t, n, 0x44);
	ehp_set_plen(p);
}

/*
 * Reference walker: follow the chain of @b (@len octets) to the upper layer
 * without eh.c. Stores its protocol and offset and the final destination
 * (SRH segment 0 or RH2 home address while Segments Left > 0). Returns false
 * if the chain runs past @len.
 */
static inline bool ehp_walk(const uint8_t *b, size_t len, uint8_t *proto, size_t *l4,
			    uint8_t final[16])
{
	uint8_t nh = b[6];
	size_t off = 40;

	memcpy(final, b + 24, 16);
	for (;;) {
		size_t hl;
		if (nh == 0 || nh == 43 || nh == 60 || nh == 135 || nh == 139 || nh == 140) {
			if (off + 2 > len)
				return false;
			hl = ((size_t)b[off + 1] + 1) * 8;
		} else if (nh == 44) {
			hl = 8;
		} else if (nh == 51) {
			if (off + 2 > len)
				return false;
			hl = ((size_t)b[off + 1] + 2) * 4;
		} else {
			break;
		}
		if (off + hl > len)
			return false;
		if (nh == 43 && b[off + 3] > 0 && (b[off + 2] == 4 || b[off + 2] == 2) && hl >= 24)
			memcpy(final, b + off + 8, 16);
		nh = b[off];
		off += hl;
	}
	*proto = nh;
	*l4 = off;
	return true;
}

/* True if the TCP / UDP / ICMPv6 checksum of @b verifies (other upper layers: true). */
static inline bool ehp_csum_ok(const uint8_t *b, size_t len)
{
	uint8_t proto, final[16];
	size_t l4;

	if (!ehp_walk(b, len, &proto, &l4, final))
		return false;
	if (proto != 6 && proto != 17 && proto != 58)
		return true;
	if (len - l4 < ehp_csum_at(proto) + 2)
		return false;
	return ehp_l4_sum(b + 8, final, proto, b + l4, len - l4) == 0xffff;
}

#ifdef EHP_WITH_EH
#include "eh.h"

/*
 * Check what eh_filter() did to a packet it forwarded: @in (@len octets) as
 * it came in, @out (@len - @cut octets) as it left, @ch the chain of @in and
 * @pol the policy used. Returns NULL, or what is wrong:
 *  - Payload Length equals the new length minus 40;
 *  - the fixed header is unchanged but for Payload Length and Next Header;
 *  - the upper layer (from ch->upper_off) is byte-identical and in place;
 *  - the reference walker reaches the same upper layer and final destination;
 *  - the TCP / UDP / ICMPv6 checksum verifies after exactly when it did before;
 *  - the result parses, and filtering it again removes nothing (idempotence).
 */
static inline const char *ehp_check_forwarded(const struct eh_policy *pol, const uint8_t *in,
					      size_t len, const uint8_t *out, size_t cut,
					      const struct eh_chain *ch)
{
	static uint8_t again[65535 + 40];
	size_t olen = len - cut, cut2 = 99;
	struct eh_chain c2;
	uint8_t p0, p1, f0[16], f1[16];
	size_t l0, l1;

	if (olen < 40 || (size_t)(out[4] << 8 | out[5]) != olen - 40)
		return "Payload Length is not the length minus 40";
	if (memcmp(in, out, 4) != 0 || out[7] != in[7] || memcmp(in + 8, out + 8, 32) != 0)
		return "the fixed header changed";
	if (ch->upper_off < cut ||
	    memcmp(in + ch->upper_off, out + (ch->upper_off - cut), len - ch->upper_off) != 0)
		return "the upper-layer bytes changed";
	bool w0 = ehp_walk(in, len, &p0, &l0, f0), w1 = ehp_walk(out, olen, &p1, &l1, f1);
	if (w0 != w1 || (w0 && (p0 != p1 || l0 - cut != l1 || memcmp(f0, f1, 16) != 0)))
		return "the chain reaches another upper layer or final destination";
	if (ehp_csum_ok(in, len) != ehp_csum_ok(out, olen))
		return "the upper-layer checksum no longer verifies";
	if (eh_parse(out, olen, &pol->lim, &c2) != 0 || c2.upper != ch->upper)
		return "the result does not parse to the same upper layer";
	if (olen > sizeof(again))
		return "packet too long for the check";
	memcpy(again, out, olen);
	if (eh_filter(pol, NULL, again, olen, &c2, &cut2) != 0 || cut2 != 0 ||
	    memcmp(again, out, olen) != 0)
		return "stripping twice differs from stripping once";
	return NULL;
}
#endif
