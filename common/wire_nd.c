// SPDX-License-Identifier: MIT
/*
 * wire_nd.c - IPv6 ND (RS/RA/NS/NA, RFC 4861) with the OMNI option: decode
 * (validate, then parse into struct nd_msg), Authentication verification and
 * the encoder (pad per option, sign, checksum). Layouts: spec/omni-aero.md
 * §4.2-4.6; coverage and padding rules: vectors/omni VECTORS.md §2.2-2.3.
 */
#include "wire_nd.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>

#include "cursor.h"
#include "icmp.h"

#define IP6_HDR 40
#define ICMP_HDR 4
#define COVER_HDR 34 /* src (16) || dst (16) || Payload Length (2) */

_Static_assert(ND_MSG_MAX <= 0xffff, "offsets and lengths fit 16 bits");

static const char *const err_names[WIRE_ND_ERR_COUNT] = {
    [WIRE_ND_OK] = "OK",
    [WIRE_ND_EIPV6] = "EIPV6",
    [WIRE_ND_ECHECKSUM] = "ECHECKSUM",
    [WIRE_ND_EHOPLIMIT] = "EHOPLIMIT",
    [WIRE_ND_ETYPE] = "ETYPE",
    [WIRE_ND_EFIXED] = "EFIXED",
    [WIRE_ND_EOPTLEN_ZERO] = "EOPTLEN_ZERO",
    [WIRE_ND_EOPT_OVERRUN] = "EOPT_OVERRUN",
    [WIRE_ND_ESUBLEN_OVERRUN] = "ESUBLEN_OVERRUN",
    [WIRE_ND_ESUBOPT_LEN] = "ESUBOPT_LEN",
    [WIRE_ND_EAUTH_NOT_LAST] = "EAUTH_NOT_LAST",
    [WIRE_ND_EDUP] = "EDUP",
    [WIRE_ND_ELIMIT] = "ELIMIT",
    [WIRE_ND_EAUTH_MISSING] = "EAUTH_MISSING",
    [WIRE_ND_EAUTH_ALG] = "EAUTH_ALG",
    [WIRE_ND_EAUTH_BADSIG] = "EAUTH_BADSIG",
    [WIRE_ND_EAUTH_STALE] = "EAUTH_STALE",
};

const char *wire_nd_err_name(enum wire_nd_err e)
{
	if ((unsigned)e >= WIRE_ND_ERR_COUNT)
		return "EUNKNOWN";
	return err_names[e];
}

static int fail(struct nd_err *err, enum wire_nd_err code, size_t off)
{
	if (err) {
		err->code = code;
		err->offset = off;
	}
	return -EBADMSG;
}

/* RFC 4443 §2.3: pseudo-header (src, dst, upper-layer length, NH 58) + message. */
static uint16_t nd_csum(const uint8_t *pkt, size_t icmp_len)
{
	uint32_t s = 0;
	for (size_t i = 8; i < IP6_HDR; i += 2)
		s += get_be16(pkt + i);
	s += (uint32_t)(icmp_len >> 16) + (uint32_t)(icmp_len & 0xffff) + ICMP6_NH;
	return icmp_csum(pkt + IP6_HDR, icmp_len, s);
}

static size_t fixed_len(uint8_t type)
{
	switch (type) {
	case ICMP6_TYPE_RS:
		return 8;
	case ICMP6_TYPE_RA:
		return 16;
	case ICMP6_TYPE_NS:
	case ICMP6_TYPE_NA:
		return 24;
	default:
		return 0;
	}
}

/* Layout check and parse of one sub-option; @d is its data. */
static enum wire_nd_err parse_known(struct nd_subopt *s, const uint8_t *d)
{
	size_t len = s->sub_length;
	switch (s->type) {
	case OMNI_SUB_IFATTR: {
		struct nd_ifattr *a = &s->u.ifattr;
		if (len < OMNI_IFATTR_MIN)
			return WIRE_ND_ESUBOPT_LEN;
		a->if_index = d[0];
		a->if_type = d[1];
		a->provider_id = d[2];
		a->link = d[3] >> 4;
		a->r = d[3] >> 3 & 1;
		a->api = d[3] & 7;
		a->srt = d[4] >> 3;
		a->fmt = d[4] & 7;
		a->reserved = d[5];
		a->lhs_msid = get_be32(d + 6);
		size_t l2 = a->api == OMNI_IFATTR_API_UDP4   ? 6
			    : a->api == OMNI_IFATTR_API_UDP6 ? 18
			    : a->api == OMNI_IFATTR_API_NONE ? 0
							     : SIZE_MAX;
		if (l2 == SIZE_MAX || len < OMNI_IFATTR_MIN + l2)
			return WIRE_ND_ESUBOPT_LEN;
		if (l2) {
			a->port = get_be16(d + 10);
			memcpy(a->addr, d + 12, l2 - 2);
		}
		a->prefs_len = len - OMNI_IFATTR_MIN - l2;
		a->prefs = a->prefs_len ? d + OMNI_IFATTR_MIN + l2 : NULL;
		return WIRE_ND_OK;
	}
	case OMNI_SUB_ORIGIN: {
		struct nd_origin *o = &s->u.origin;
		if (len != 6 && len != 18)
			return WIRE_ND_ESUBOPT_LEN;
		o->v6 = len == 18;
		o->port = (uint16_t)(get_be16(d) ^ 0xffff);
		for (size_t i = 0; i < len - 2; i++)
			o->addr[i] = (uint8_t)(d[2 + i] ^ 0xff);
		return WIRE_ND_OK;
	}
	case OMNI_SUB_MS_REGISTER:
	case OMNI_SUB_MS_RELEASE:
		if (len == 0 || len % 4)
			return WIRE_ND_ESUBOPT_LEN;
		if (len / 4 > ND_MSID_MAX)
			return WIRE_ND_ELIMIT;
		s->u.msids.n = (uint8_t)(len / 4);
		for (size_t i = 0; i < len / 4; i++)
			s->u.msids.msid[i] = get_be32(d + 4 * i);
		return WIRE_ND_OK;
	case OMNI_SUB_NODE_ID:
		if (len == 0 || (d[0] == OMNI_NODE_ID_ED25519 && len != 1 + OMNI_KEY_LEN))
			return WIRE_ND_ESUBOPT_LEN;
		s->u.node_id.id_type = d[0];
		s->u.node_id.id = d + 1;
		s->u.node_id.id_len = len - 1;
		return WIRE_ND_OK;
	case OMNI_SUB_AUTH: {
		struct nd_auth *a = &s->u.auth;
		if (len < OMNI_AUTH_HDR_LEN ||
		    (d[0] == OMNI_AUTH_ALG_ED25519 && len != OMNI_AUTH_ED25519_SUBLEN))
			return WIRE_ND_ESUBOPT_LEN;
		a->alg = d[0];
		a->reserved = d[1];
		a->key_id = get_be32(d + 2);
		a->timestamp_ms = get_be64(d + 6);
		a->data = d + OMNI_AUTH_HDR_LEN;
		a->data_len = len - OMNI_AUTH_HDR_LEN;
		return WIRE_ND_OK;
	}
	default:
		s->known = false;
		s->u.unknown.data = d;
		s->u.unknown.len = len;
		return WIRE_ND_OK;
	}
}

/* Parse the body of OMNI option @oi: @body/@blen, @base its packet offset. */
static int parse_omni(struct nd_msg *m, const uint8_t *body, size_t blen, size_t base, uint8_t oi,
		      struct nd_err *err)
{
	struct cur c = cur_make(body, blen);
	while (c.left) {
		size_t off = base + (blen - c.left);
		uint8_t b0;
		uint16_t w;
		if (m->n_sub >= ND_SUBOPT_MAX)
			return fail(err, WIRE_ND_ELIMIT, off);
		struct nd_subopt *s = &m->sub[m->n_sub];
		memset(s, 0, sizeof(*s));
		s->option = oi;
		s->offset = (uint16_t)off;
		cur_peek_u8(&c, &b0);
		if (b0 == 0) {
			cur_skip(&c, 1);
			s->type = OMNI_SUB_PAD1;
			s->known = true;
			m->n_sub++;
			continue;
		}
		if (!cur_be16(&c, &w))
			return fail(err, WIRE_ND_ESUBLEN_OVERRUN, off);
		s->type = (uint8_t)(w >> 11);
		s->sub_length = w & OMNI_SUBLEN_MAX;
		const uint8_t *d = cur_bytes(&c, s->sub_length);
		if (!d)
			return fail(err, WIRE_ND_ESUBLEN_OVERRUN, off);
		s->known = true;
		if (s->type == OMNI_SUB_PAD1)
			return fail(err, WIRE_ND_ESUBOPT_LEN, off); /* 0x01-0x07: no such Pad1 */
		if (s->type == OMNI_SUB_PADN) {
			s->u.unknown.data = d;
			s->u.unknown.len = s->sub_length;
		} else {
			enum wire_nd_err e = parse_known(s, d);
			if (e != WIRE_ND_OK)
				return fail(err, e, off);
		}
		m->n_sub++;
	}
	return 0;
}

static bool is_pad(uint8_t t)
{
	return t == OMNI_SUB_PAD1 || t == OMNI_SUB_PADN;
}

/* Authentication last, and the §4.6 duplicate rule, over the concatenated list. */
static int check_list(struct nd_msg *m, struct nd_err *err)
{
	for (size_t i = 0; i < m->n_sub; i++) {
		const struct nd_subopt *s = &m->sub[i];
		if (m->auth_idx >= 0 && !is_pad(s->type)) /* reported at the Authentication */
			return fail(err, WIRE_ND_EAUTH_NOT_LAST, m->sub[m->auth_idx].offset);
		for (size_t j = 0; j < i; j++) {
			const struct nd_subopt *t = &m->sub[j];
			if (t->type != s->type)
				continue;
			bool dup = false;
			switch (s->type) {
			case OMNI_SUB_ORIGIN:
			case OMNI_SUB_MS_REGISTER:
			case OMNI_SUB_MS_RELEASE:
			case OMNI_SUB_AUTH:
				dup = true;
				break;
			case OMNI_SUB_NODE_ID:
				dup = t->u.node_id.id_type == s->u.node_id.id_type;
				break;
			case OMNI_SUB_IFATTR:
				dup = t->u.ifattr.if_index == s->u.ifattr.if_index;
				break;
			default:
				break;
			}
			if (dup)
				return fail(err, WIRE_ND_EDUP, s->offset);
		}
		if (s->type == OMNI_SUB_AUTH)
			m->auth_idx = (int)i;
		if (s->type == OMNI_SUB_NODE_ID && s->u.node_id.id_type == OMNI_NODE_ID_ED25519)
			m->node_key_idx = (int)i;
	}
	return 0;
}

int wire_nd_decode(const uint8_t *p, size_t n, struct nd_msg *out, struct nd_err *err)
{
	struct cur c = cur_make(p, n);
	uint32_t w0;
	uint16_t plen, csum;
	uint8_t nh;

	memset(out, 0, offsetof(struct nd_msg, sub));
	out->auth_idx = -1;
	out->node_key_idx = -1;
	if (err) {
		err->code = WIRE_ND_OK;
		err->offset = 0;
	}

	cur_be32(&c, &w0);
	cur_be16(&c, &plen);
	cur_u8(&c, &nh);
	cur_u8(&c, &out->hop_limit);
	cur_copy(&c, &out->src, 16);
	cur_copy(&c, &out->dst, 16);
	if (c.bad || w0 >> 28 != 6)
		return fail(err, WIRE_ND_EIPV6, 0);
	if (nh != ICMP6_NH)
		return fail(err, WIRE_ND_EIPV6, 6);
	if ((size_t)plen != n - IP6_HDR || n > ND_MSG_MAX)
		return fail(err, WIRE_ND_EIPV6, 4);
	out->tc = (uint8_t)(w0 >> 20);
	out->flow = w0 & 0xfffff;
	out->payload_len = plen;

	size_t ilen = plen;
	if (ilen < ICMP_HDR)
		return fail(err, WIRE_ND_EFIXED, IP6_HDR);
	cur_u8(&c, &out->type);
	cur_u8(&c, &out->code);
	cur_be16(&c, &csum);
	out->checksum = csum;
	if (nd_csum(p, ilen) != 0)
		return fail(err, WIRE_ND_ECHECKSUM, IP6_HDR + 2);
	if (out->hop_limit != ND_HOP_LIMIT)
		return fail(err, WIRE_ND_EHOPLIMIT, 7);

	size_t fl = fixed_len(out->type);
	if (!fl)
		return fail(err, WIRE_ND_ETYPE, IP6_HDR);
	if (out->code != 0 || ilen < fl)
		return fail(err, WIRE_ND_EFIXED, IP6_HDR + 1);
	switch (out->type) {
	case ICMP6_TYPE_RA:
		cur_u8(&c, &out->ra_cur_hop_limit);
		cur_u8(&c, &out->ra_flags);
		cur_be16(&c, &out->ra_router_lifetime);
		cur_be32(&c, &out->ra_reachable_time);
		cur_be32(&c, &out->ra_retrans_timer);
		break;
	case ICMP6_TYPE_NA: {
		uint32_t f;
		cur_be32(&c, &f);
		out->na_r = f & ND_NA_FLAG_R;
		out->na_s = f & ND_NA_FLAG_S;
		out->na_o = f & ND_NA_FLAG_O;
		out->reserved = f & 0x1fffffff;
		cur_copy(&c, &out->target, 16);
		break;
	}
	default: /* RS, NS */
		cur_be32(&c, &out->reserved);
		if (out->type == ICMP6_TYPE_NS)
			cur_copy(&c, &out->target, 16);
		break;
	}

	while (c.left) {
		size_t off = n - c.left;
		uint8_t t, l;
		if (c.left < 2)
			return fail(err, WIRE_ND_EOPT_OVERRUN, off);
		cur_u8(&c, &t);
		cur_u8(&c, &l);
		if (l == 0)
			return fail(err, WIRE_ND_EOPTLEN_ZERO, off);
		const uint8_t *body = cur_bytes(&c, (size_t)l * 8 - 2);
		if (!body)
			return fail(err, WIRE_ND_EOPT_OVERRUN, off);
		if (out->n_opts >= ND_OPT_MAX)
			return fail(err, WIRE_ND_ELIMIT, off);
		out->opts[out->n_opts++] =
		    (struct nd_opt){.type = t, .len = l, .offset = (uint16_t)off};
		if (t != ND_OPT_OMNI)
			continue;
		int rc = parse_omni(out, body, (size_t)l * 8 - 2, off + 2, out->n_omni, err);
		if (rc)
			return rc;
		out->n_omni++;
	}
	return check_list(out, err);
}

/* The signed octets (VECTORS.md §2.2) of the packet @p/@n into @buf. */
static size_t coverage(const uint8_t *p, size_t n, size_t sig_off, uint8_t *buf)
{
	memcpy(buf, p + 8, 32);
	memcpy(buf + 32, p + 4, 2);
	memcpy(buf + COVER_HDR, p + IP6_HDR, n - IP6_HDR);
	memset(buf + COVER_HDR + 2, 0, 2);
	memset(buf + COVER_HDR + (sig_off - IP6_HDR), 0, OMNI_AUTH_SIG_LEN);
	return COVER_HDR + n - IP6_HDR;
}

int wire_nd_verify(const uint8_t *p, size_t n, const struct nd_msg *m, const uint8_t *cfg_key,
		   uint64_t now_ms, uint32_t window_ms, const uint8_t **used_key,
		   enum wire_nd_err *err)
{
	uint8_t buf[COVER_HDR + ND_MSG_MAX];
	enum wire_nd_err e = WIRE_ND_OK;
	const uint8_t *key = m->node_key_idx >= 0 ? m->sub[m->node_key_idx].u.node_id.id : cfg_key;

	if (used_key)
		*used_key = key;
	if (m->auth_idx < 0) {
		e = WIRE_ND_EAUTH_MISSING;
		goto bad;
	}
	const struct nd_subopt *s = &m->sub[m->auth_idx];
	if (s->u.auth.alg != OMNI_AUTH_ALG_ED25519) {
		e = WIRE_ND_EAUTH_ALG;
		goto bad;
	}
	if (!key)
		return -ENOKEY;
	if (sodium_init() < 0)
		return -EIO;
	size_t sig_off = (size_t)(s->u.auth.data - p);
	OMNI_ASSERT(n <= ND_MSG_MAX && sig_off + OMNI_AUTH_SIG_LEN <= n);
	size_t cl = coverage(p, n, sig_off, buf);
	if (crypto_sign_verify_detached(s->u.auth.data, buf, cl, key) != 0) {
		e = WIRE_ND_EAUTH_BADSIG;
		goto bad;
	}
	if (window_ms) {
		uint64_t ts = s->u.auth.timestamp_ms;
		uint64_t d = ts > now_ms ? ts - now_ms : now_ms - ts;
		if (d > window_ms) {
			e = WIRE_ND_EAUTH_STALE;
			goto bad;
		}
	}
	if (err)
		*err = WIRE_ND_OK;
	return 0;
bad:
	if (err)
		*err = e;
	return -EBADMSG;
}

/* Data length of @s on the wire, or SIZE_MAX if its fields do not fit its layout. */
static size_t sub_data_len_raw(const struct nd_subopt *s)
{
	switch (s->type) {
	case OMNI_SUB_IFATTR: {
		const struct nd_ifattr *a = &s->u.ifattr;
		size_t l2 = a->api == OMNI_IFATTR_API_UDP4   ? 6
			    : a->api == OMNI_IFATTR_API_UDP6 ? 18
			    : a->api == OMNI_IFATTR_API_NONE ? 0
							     : SIZE_MAX;
		if (l2 == SIZE_MAX || a->link > 15 || a->r > 1 || a->srt > 31 || a->fmt > 7 ||
		    (a->prefs_len && !a->prefs))
			return SIZE_MAX;
		return OMNI_IFATTR_MIN + l2 + a->prefs_len;
	}
	case OMNI_SUB_ORIGIN:
		return s->u.origin.v6 ? 18 : 6;
	case OMNI_SUB_MS_REGISTER:
	case OMNI_SUB_MS_RELEASE:
		if (s->u.msids.n == 0 || s->u.msids.n > ND_MSID_MAX)
			return SIZE_MAX;
		return 4u * s->u.msids.n;
	case OMNI_SUB_NODE_ID:
		if ((s->u.node_id.id_len && !s->u.node_id.id) ||
		    (s->u.node_id.id_type == OMNI_NODE_ID_ED25519 &&
		     s->u.node_id.id_len != OMNI_KEY_LEN))
			return SIZE_MAX;
		return 1 + s->u.node_id.id_len;
	case OMNI_SUB_AUTH:
		if (s->u.auth.alg == OMNI_AUTH_ALG_ED25519)
			return s->u.auth.data && s->u.auth.data_len < OMNI_AUTH_SIG_LEN
				   ? SIZE_MAX
				   : OMNI_AUTH_ED25519_SUBLEN;
		if (s->u.auth.data_len && !s->u.auth.data)
			return SIZE_MAX;
		return OMNI_AUTH_HDR_LEN + s->u.auth.data_len;
	case OMNI_SUB_PAD1:
	case OMNI_SUB_PADN:
		return SIZE_MAX; /* never emitted from the list */
	default:
		if (s->type > 31 || (s->u.unknown.len && !s->u.unknown.data))
			return SIZE_MAX;
		return s->u.unknown.len;
	}
}

static size_t sub_data_len(const struct nd_subopt *s)
{
	size_t l = sub_data_len_raw(s);
	return l > OMNI_SUBLEN_MAX ? SIZE_MAX : l;
}

static void put_sub(struct wcur *w, const struct nd_subopt *s, size_t dl, size_t *sig_off,
		    const uint8_t *base)
{
	wcur_be16(w, (uint16_t)(s->type << 11 | dl));
	switch (s->type) {
	case OMNI_SUB_IFATTR: {
		const struct nd_ifattr *a = &s->u.ifattr;
		wcur_u8(w, a->if_index);
		wcur_u8(w, a->if_type);
		wcur_u8(w, a->provider_id);
		wcur_u8(w, (uint8_t)(a->link << 4 | a->r << 3 | a->api));
		wcur_u8(w, (uint8_t)(a->srt << 3 | a->fmt));
		wcur_u8(w, a->reserved);
		wcur_be32(w, a->lhs_msid);
		if (a->api != OMNI_IFATTR_API_NONE) {
			wcur_be16(w, a->port);
			wcur_bytes(w, a->addr, a->api == OMNI_IFATTR_API_UDP4 ? 4 : 16);
		}
		if (a->prefs_len)
			wcur_bytes(w, a->prefs, a->prefs_len);
		break;
	}
	case OMNI_SUB_ORIGIN:
		wcur_be16(w, (uint16_t)(s->u.origin.port ^ 0xffff));
		for (size_t i = 0; i < (s->u.origin.v6 ? 16u : 4u); i++)
			wcur_u8(w, (uint8_t)(s->u.origin.addr[i] ^ 0xff));
		break;
	case OMNI_SUB_MS_REGISTER:
	case OMNI_SUB_MS_RELEASE:
		for (size_t i = 0; i < s->u.msids.n; i++)
			wcur_be32(w, s->u.msids.msid[i]);
		break;
	case OMNI_SUB_NODE_ID:
		wcur_u8(w, s->u.node_id.id_type);
		if (s->u.node_id.id_len)
			wcur_bytes(w, s->u.node_id.id, s->u.node_id.id_len);
		break;
	case OMNI_SUB_AUTH: {
		const struct nd_auth *a = &s->u.auth;
		wcur_u8(w, a->alg);
		wcur_u8(w, a->reserved);
		wcur_be32(w, a->key_id);
		wcur_be64(w, a->timestamp_ms);
		size_t dlen = dl - OMNI_AUTH_HDR_LEN;
		*sig_off = (size_t)(w->p - base);
		if (a->data && a->data_len >= dlen)
			wcur_bytes(w, a->data, dlen);
		else
			wcur_zero(w, dlen);
		break;
	}
	case OMNI_SUB_PAD1:
	case OMNI_SUB_PADN:
		break;
	default:
		if (s->u.unknown.len)
			wcur_bytes(w, s->u.unknown.data, s->u.unknown.len);
		break;
	}
}

ssize_t wire_nd_encode(const struct nd_msg *m, const uint8_t *sign_sk_or_null, uint8_t *out,
		       size_t cap)
{
	struct wcur w = wcur_make(out, cap);
	size_t fl = fixed_len(m->type), sig_off = 0;
	int n_omni = 0, last = -1;
	bool auth_seen = false, auth_ed = false;

	if (!fl || m->n_sub > ND_SUBOPT_MAX)
		return -EINVAL;
	for (size_t i = 0; i < m->n_sub; i++) {
		const struct nd_subopt *s = &m->sub[i];
		if (is_pad(s->type))
			continue;
		if (s->option < last || auth_seen || sub_data_len(s) == SIZE_MAX)
			return -EINVAL;
		last = s->option;
		if (s->type == OMNI_SUB_AUTH) {
			auth_seen = true;
			auth_ed = s->u.auth.alg == OMNI_AUTH_ALG_ED25519;
		}
	}
	n_omni = last + 1;

	wcur_be32(&w, 6u << 28 | (uint32_t)m->tc << 20 | (m->flow & 0xfffff));
	wcur_be16(&w, 0); /* Payload Length, below */
	wcur_u8(&w, ICMP6_NH);
	wcur_u8(&w, m->hop_limit);
	wcur_bytes(&w, &m->src, 16);
	wcur_bytes(&w, &m->dst, 16);
	wcur_u8(&w, m->type);
	wcur_u8(&w, m->code);
	wcur_be16(&w, 0);
	switch (m->type) {
	case ICMP6_TYPE_RA:
		wcur_u8(&w, m->ra_cur_hop_limit);
		wcur_u8(&w, m->ra_flags);
		wcur_be16(&w, m->ra_router_lifetime);
		wcur_be32(&w, m->ra_reachable_time);
		wcur_be32(&w, m->ra_retrans_timer);
		break;
	case ICMP6_TYPE_NA:
		wcur_be32(&w, (m->na_r ? ND_NA_FLAG_R : 0) | (m->na_s ? ND_NA_FLAG_S : 0) |
				  (m->na_o ? ND_NA_FLAG_O : 0) | (m->reserved & 0x1fffffff));
		wcur_bytes(&w, &m->target, 16);
		break;
	default:
		wcur_be32(&w, m->reserved);
		if (m->type == ICMP6_TYPE_NS)
			wcur_bytes(&w, &m->target, 16);
		break;
	}
	if (w.bad)
		return -ENOSPC;

	for (int oi = 0; oi < n_omni; oi++) {
		uint8_t *ohdr = wcur_reserve(&w, 2);
		if (!ohdr)
			return -ENOSPC;
		size_t olen = 2;
		for (size_t i = 0; i < m->n_sub; i++) {
			const struct nd_subopt *s = &m->sub[i];
			if (is_pad(s->type) || s->option != oi)
				continue;
			size_t dl = sub_data_len(s);
			put_sub(&w, s, dl, &sig_off, out);
			olen += 2 + dl;
		}
		size_t pad = (8 - olen % 8) % 8;
		if (pad == 1) {
			wcur_u8(&w, 0);
		} else if (pad) {
			wcur_be16(&w, (uint16_t)(OMNI_SUB_PADN << 11 | (pad - 2)));
			wcur_zero(&w, pad - 2);
		}
		olen += pad;
		if (w.bad)
			return -ENOSPC;
		if (olen > 255 * 8)
			return -EMSGSIZE;
		ohdr[0] = ND_OPT_OMNI;
		ohdr[1] = (uint8_t)(olen / 8);
	}
	size_t n = cap - w.left;
	if (n > ND_MSG_MAX)
		return -EMSGSIZE;
	put_be16(out + 4, (uint16_t)(n - IP6_HDR));

	if (auth_ed && sign_sk_or_null) {
		uint8_t buf[COVER_HDR + ND_MSG_MAX];
		if (sodium_init() < 0)
			return -EIO;
		size_t cl = coverage(out, n, sig_off, buf);
		crypto_sign_detached(out + sig_off, NULL, buf, cl, sign_sk_or_null);
		sodium_memzero(buf, cl);
	}
	put_be16(out + IP6_HDR + 2, nd_csum(out, n - IP6_HDR));
	return (ssize_t)n;
}
