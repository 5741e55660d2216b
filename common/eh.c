// SPDX-License-Identifier: MIT
/*
 * eh.c - the extension-header policy of eh.h: the chain parser with its
 * limits, the policy rows of spec/eh-removal.md A.6, the in-place rewrite
 * (A.6 "How to rewrite a packet"), the counters and the ICMPv6 errors.
 * Pure; every read goes through a bounds-checked cursor, and the rewrite
 * writes only inside the packet it was given.
 */
#include "eh.h"

#include <errno.h>
#include <string.h>
#include "conf.h"
#include "icmp.h"

/* ---- names ---- */

static const char *const kind_names[EH_K__COUNT] = {
    [EH_K_HBH] = "hbh",
    [EH_K_DST] = "dst",
    [EH_K_RH] = "rh",
    [EH_K_FRAG] = "frag",
    [EH_K_AH] = "ah",
    [EH_K_ESP] = "esp",
    [EH_K_MOB] = "mob",
    [EH_K_HIP] = "hip",
    [EH_K_SHIM6] = "shim6",
    [EH_K_EXP] = "exp",
    [EH_K_UNKNOWN_NH] = "unknown_nh",
};

static const char *const reason_names[EH_R__COUNT] = {
    [EH_R_NONE] = "none",
    [EH_R_MALFORMED] = "malformed",
    [EH_R_JUMBO] = "jumbo",
    [EH_R_ORDER] = "order",
    [EH_R_DST] = "dst",
    [EH_R_TOO_MANY] = "too_many",
    [EH_R_CHAIN_BYTES] = "chain_bytes",
    [EH_R_WINDOW] = "window",
    [EH_R_OPTS] = "opts",
    [EH_R_PAD] = "pad",
    [EH_R_FRAG_CHAIN] = "frag_chain",
    [EH_R_AH_CONFLICT] = "ah_conflict",
    [EH_R_POLICY] = "policy",
};

static const char *const stat_names[EH_DIR__COUNT][EH_ST__COUNT] = {
    [EH_DIR_ENTRY] =
	{
#define X(n) "eh_entry_" #n,
	    EH_STATS(X)
#undef X
	},
    [EH_DIR_EXIT] =
	{
#define X(n) "eh_exit_" #n,
	    EH_STATS(X)
#undef X
	},
};

/* The drop_* counters follow enum eh_reason. */
_Static_assert(EH_ST_drop_policy - EH_ST_drop_malformed == EH_R_POLICY - EH_R_MALFORMED,
	       "drop counters and reasons out of step");

/* Counter of (kind, action); -1 where the combination cannot happen. */
static const int8_t kind_stat[EH_K__COUNT][4] = {
    [EH_K_HBH] = {-1, EH_ST_hbh_keep, EH_ST_hbh_strip, EH_ST_hbh_drop},
    [EH_K_DST] = {-1, EH_ST_dst_keep, -1, EH_ST_dst_drop},
    [EH_K_RH] = {-1, EH_ST_rh_keep, EH_ST_rh_strip, EH_ST_rh_drop},
    [EH_K_FRAG] = {-1, EH_ST_frag_keep, -1, EH_ST_frag_drop},
    [EH_K_AH] = {-1, EH_ST_ah_keep, -1, EH_ST_ah_drop},
    [EH_K_ESP] = {-1, EH_ST_esp_keep, -1, EH_ST_esp_drop},
    [EH_K_MOB] = {-1, EH_ST_mob_keep, -1, EH_ST_mob_drop},
    [EH_K_HIP] = {-1, EH_ST_hip_keep, -1, EH_ST_hip_drop},
    [EH_K_SHIM6] = {-1, EH_ST_shim6_keep, -1, EH_ST_shim6_drop},
    [EH_K_EXP] = {-1, EH_ST_exp_keep, -1, EH_ST_exp_drop},
    [EH_K_UNKNOWN_NH] = {-1, EH_ST_unknown_nh_keep, -1, EH_ST_unknown_nh_drop},
};

const char *eh_kind_name(enum eh_kind k)
{
	return (unsigned)k < EH_K__COUNT ? kind_names[k] : "?";
}

const char *eh_action_name(enum eh_action a)
{
	switch (a) {
	case EH_KEEP:
		return "keep";
	case EH_STRIP:
		return "strip";
	case EH_DROP:
		return "drop";
	case EH_UNSET:
		break;
	}
	return "unset";
}

const char *eh_reason_name(enum eh_reason r)
{
	return (unsigned)r < EH_R__COUNT ? reason_names[r] : "?";
}

const char *eh_stat_name(enum eh_dir d, size_t i)
{
	OMNI_ASSERT((unsigned)d < EH_DIR__COUNT && i < EH_ST__COUNT);
	return stat_names[d][i];
}

int eh_kind_of(uint8_t nh)
{
	switch (nh) {
	case EH_NH_HBH:
		return EH_K_HBH;
	case EH_NH_ROUTING:
		return EH_K_RH;
	case EH_NH_FRAGMENT:
		return EH_K_FRAG;
	case EH_NH_ESP:
		return EH_K_ESP;
	case EH_NH_AH:
		return EH_K_AH;
	case EH_NH_DSTOPT:
		return EH_K_DST;
	case EH_NH_MOBILITY:
		return EH_K_MOB;
	case EH_NH_HIP:
		return EH_K_HIP;
	case EH_NH_SHIM6:
		return EH_K_SHIM6;
	case EH_NH_EXP1:
	case EH_NH_EXP2:
		return EH_K_EXP;
	default:
		return nh >= EH_NH_UNASSIGNED_FIRST ? EH_K_UNKNOWN_NH : -1;
	}
}

static bool bit_get(const uint8_t map[32], uint8_t i)
{
	return (map[i >> 3] >> (i & 7)) & 1;
}

static void bit_set(uint8_t map[32], uint8_t i)
{
	map[i >> 3] = (uint8_t)(map[i >> 3] | (1U << (i & 7)));
}

/* ---- policy ---- */

void eh_limits_default(struct eh_limits *l)
{
	memset(l, 0, sizeof(*l)); /* padding too: the config tests compare with memcmp */
	l->max_eh_count = EH_DEF_MAX_EH_COUNT;
	l->max_eh_chain_bytes = EH_DEF_MAX_CHAIN_BYTES;
	l->parse_window = EH_DEF_PARSE_WINDOW;
	l->max_dst_hdrs = EH_DEF_MAX_DST_HDRS;
	l->max_opts_per_hdr = EH_DEF_MAX_OPTS;
	l->max_pad_run = EH_DEF_MAX_PAD_RUN;
	l->ah_conflict = EH_KEEP;
	l->icmp_errors = false;
}

void eh_rules_default(struct eh_rules *r)
{
	memset(r, 0, sizeof(*r));
	r->enable = true;
	r->hbh_pad = EH_STRIP;
	r->hbh = EH_KEEP;
	r->dstopt = EH_KEEP;
	r->rh2 = EH_KEEP;
	r->rh_sl0 = EH_KEEP;
	r->rh_slnz = EH_KEEP;
	r->rh_unknown_sl0 = EH_KEEP;
	r->rh_unknown_slnz = EH_KEEP;
	r->exp_eh = EH_DROP;
	r->unknown_nh = EH_KEEP;
	/* RFC 9288 §3.4.4 defaults: Nimrod, RPL and the experimental types. */
	bit_set(r->rh_drop_types, EH_RH_NIMROD);
	bit_set(r->rh_drop_types, EH_RH_RPL);
	bit_set(r->rh_drop_types, 253);
	bit_set(r->rh_drop_types, 254);
}

void eh_rules_inherit(struct eh_rules *x, const struct eh_rules *e)
{
	if (!x->has_enable)
		x->enable = false;
	if (x->hbh == EH_UNSET)
		x->hbh = EH_STRIP;
	if (x->rh_sl0 == EH_UNSET)
		x->rh_sl0 = EH_STRIP;
#define INHERIT(f)                                                                                 \
	do {                                                                                       \
		if (x->f == EH_UNSET)                                                              \
			x->f = e->f;                                                               \
	} while (0)
	INHERIT(hbh_pad);
	INHERIT(dstopt);
	INHERIT(rh2);
	INHERIT(rh_slnz);
	INHERIT(rh_unknown_sl0);
	INHERIT(rh_unknown_slnz);
	INHERIT(exp_eh);
	INHERIT(unknown_nh);
#undef INHERIT
	if (!x->has_hbh_keep_types)
		memcpy(x->hbh_keep_types, e->hbh_keep_types, sizeof(x->hbh_keep_types));
	if (!x->has_rh_drop_types)
		memcpy(x->rh_drop_types, e->rh_drop_types, sizeof(x->rh_drop_types));
}

/* Clamp @v to the actions @allowed (EH_ACT_BIT mask); anything else becomes @dflt. */
static uint8_t only(uint8_t v, unsigned allowed, uint8_t dflt)
{
	return v <= EH_DROP && (allowed & EH_ACT_BIT(v)) ? v : dflt;
}

void eh_policy_init(struct eh_policy *p, const struct eh_limits *lim, const struct eh_rules *r)
{
	const unsigned ksd = EH_ACT_BIT(EH_KEEP) | EH_ACT_BIT(EH_STRIP) | EH_ACT_BIT(EH_DROP);
	const unsigned ks = EH_ACT_BIT(EH_KEEP) | EH_ACT_BIT(EH_STRIP);
	const unsigned kd = EH_ACT_BIT(EH_KEEP) | EH_ACT_BIT(EH_DROP);
	static const uint8_t ext[] = {EH_NH_HBH,   EH_NH_ROUTING, EH_NH_FRAGMENT, EH_NH_ESP,
				      EH_NH_AH,	   EH_NH_DSTOPT,  EH_NH_MOBILITY, EH_NH_HIP,
				      EH_NH_SHIM6, EH_NH_EXP1,	  EH_NH_EXP2};

	memset(p, 0, sizeof(*p));
	p->lim = *lim;
	p->lim.max_eh_count = MIN(p->lim.max_eh_count, (uint32_t)EH_MAX_HDRS);
	p->lim.ah_conflict = only(lim->ah_conflict, kd, EH_KEEP);
	p->r = *r;
	/* Only the rows the spec lets strip may strip; SL > 0 is never stripped. */
	p->r.hbh_pad = only(r->hbh_pad, ksd, EH_STRIP);
	p->r.hbh = only(r->hbh, ksd, EH_KEEP);
	p->r.dstopt = only(r->dstopt, kd, EH_KEEP);
	p->r.rh2 = only(r->rh2, kd, EH_KEEP);
	p->r.rh_sl0 = only(r->rh_sl0, ks, EH_KEEP);
	p->r.rh_slnz = only(r->rh_slnz, kd, EH_KEEP);
	p->r.rh_unknown_sl0 = only(r->rh_unknown_sl0, ks, EH_KEEP);
	p->r.rh_unknown_slnz = only(r->rh_unknown_slnz, kd, EH_KEEP);
	p->r.exp_eh = only(r->exp_eh, kd, EH_DROP);
	p->r.unknown_nh = only(r->unknown_nh, kd, EH_KEEP);
	for (size_t i = 0; i < sizeof(p->r.hbh_keep_types); i++)
		p->keep_types_any |= p->r.hbh_keep_types[i] != 0;
	for (size_t i = 0; i < ARRAY_SIZE(ext); i++)
		bit_set(p->slow, ext[i]);
	if (p->r.unknown_nh == EH_DROP)
		for (unsigned nh = EH_NH_UNASSIGNED_FIRST; nh <= 255; nh++)
			bit_set(p->slow, (uint8_t)nh);
}

void eh_policy_default(struct eh_policy *p, enum eh_dir d)
{
	struct eh_limits l;
	struct eh_rules r, x;

	eh_limits_default(&l);
	eh_rules_default(&r);
	if (d == EH_DIR_EXIT) {
		memset(&x, 0, sizeof(x));
		x.enable = true;
		x.has_enable = true;
		eh_rules_inherit(&x, &r);
		r = x;
	}
	eh_policy_init(p, &l, &r);
}

void eh_policy_from_conf(struct eh_policy p[EH_DIR__COUNT], const struct conf *c)
{
	eh_policy_init(&p[EH_DIR_ENTRY], &c->ehfilter.lim, &c->ehfilter.rules);
	eh_policy_init(&p[EH_DIR_EXIT], &c->ehfilter.lim, &c->ehfilter_exit.rules);
}

/* ---- parser ---- */

bool eh_opt_next(struct cur *c, const uint8_t *start, struct eh_opt *o)
{
	if (c->bad || c->left == 0)
		return false;
	o->off = (size_t)(c->p - start);
	cur_u8(c, &o->type);
	o->len = 0;
	o->data = NULL;
	if (o->type == EH_OPT_PAD1)
		return true;
	cur_u8(c, &o->len);
	o->data = cur_bytes(c, o->len);
	return !c->bad;
}

static int fail(struct eh_chain *ch, enum eh_reason r, int kind, size_t ptr)
{
	ch->reason = (uint8_t)r;
	ch->bad_kind = (int8_t)kind;
	ch->ptr = (uint16_t)ptr;
	switch (r) {
	case EH_R_TOO_MANY:
	case EH_R_CHAIN_BYTES:
	case EH_R_WINDOW:
	case EH_R_OPTS:
	case EH_R_PAD:
		return -E2BIG;
	case EH_R_AH_CONFLICT:
	case EH_R_POLICY:
		return -EPERM;
	case EH_R_NONE:
	case EH_R_MALFORMED:
	case EH_R_JUMBO:
	case EH_R_ORDER:
	case EH_R_DST:
	case EH_R_FRAG_CHAIN:
	case EH_R__COUNT:
		break;
	}
	return -EBADMSG;
}

/* Options of the HBH / DO header @h of @hlen octets at packet offset @off. */
static int parse_opts(struct eh_chain *ch, struct eh_hdr *h, const uint8_t *hdr, size_t hlen,
		      const struct eh_limits *lim)
{
	struct cur c = cur_make(hdr + 2, hlen - 2);
	struct eh_opt o = {0};
	uint32_t run = 0, nopts = 0;
	size_t base = (size_t)h->off + 2;
	bool hbh = h->kind == EH_K_HBH;

	while (eh_opt_next(&c, hdr + 2, &o)) {
		if (o.type == EH_OPT_PAD1 || o.type == EH_OPT_PADN) {
			/* RFC 8504 §5.3: at most 7 octets of padding in a row. */
			run += o.type == EH_OPT_PAD1 ? 1U : o.len + 2U;
			if (run > lim->max_pad_run)
				return fail(ch, EH_R_PAD, h->kind, base + o.off);
			/* RFC 8200 §4.2: PadN data is zero; anything else is a covert channel. */
			for (size_t i = 0; i < o.len; i++)
				if (o.data[i])
					return fail(ch, EH_R_PAD, h->kind, base + o.off + 2 + i);
			continue;
		}
		run = 0;
		if (++nopts > lim->max_opts_per_hdr)
			return fail(ch, EH_R_OPTS, h->kind, base + o.off);
		/* RFC 2675: a jumbogram loses its length with the HBH; TUN cannot carry one. */
		if (hbh && o.type == EH_OPT_JUMBO)
			return fail(ch, EH_R_JUMBO, h->kind, base + o.off);
	}
	if (c.bad)
		return fail(ch, EH_R_MALFORMED, h->kind, base + o.off);
	h->nopts = (uint8_t)MIN(nopts, 255U);
	if (nopts == 0)
		h->flags |= EH_F_PAD_ONLY;
	return 0;
}

/* Type-specific checks of a Routing header (@hdr, @hlen octets at @off). */
static int parse_rh(struct eh_chain *ch, const struct eh_hdr *h, const uint8_t *hdr, size_t hlen)
{
	size_t off = h->off;
	uint8_t sl = hdr[3];

	switch (hdr[2]) {
	case EH_RH_TYPE0:
		/* RFC 2460 §4.4: Hdr Ext Len is twice the number of addresses. */
		if ((hdr[1] & 1) || sl > hdr[1] / 2)
			return fail(ch, EH_R_MALFORMED, EH_K_RH, off + ((hdr[1] & 1) ? 1 : 3));
		return 0;
	case EH_RH_MIP6:
		/* RFC 6275 §6.4: one home address, Segments Left 1 (0 once processed). */
		if (hdr[1] != 2 || sl > 1)
			return fail(ch, EH_R_MALFORMED, EH_K_RH, off + (hdr[1] != 2 ? 1 : 3));
		return 0;
	case EH_RH_SRH: {
		/* RFC 8754 §2: Last Entry at octet 4, 16-octet segments from octet 8, TLVs after.
		 */
		size_t segs = 16 * ((size_t)hdr[4] + 1);
		if (hlen < 8 + segs)
			return fail(ch, EH_R_MALFORMED, EH_K_RH, off + 4);
		if (sl > (size_t)hdr[4] + 1)
			return fail(ch, EH_R_MALFORMED, EH_K_RH, off + 3);
		struct cur c = cur_make(hdr + 8 + segs, hlen - 8 - segs);
		struct eh_opt o = {0};
		while (eh_opt_next(&c, hdr, &o))
			;
		if (c.bad)
			return fail(ch, EH_R_MALFORMED, EH_K_RH, off + o.off);
		return 0;
	}
	case EH_RH_CRH16:
	case EH_RH_CRH32: {
		/* RFC 9631 §3: SIDs of 2 or 4 octets from octet 4; SL cannot exceed their number.
		 */
		size_t sid = hdr[2] == EH_RH_CRH16 ? 2 : 4;
		if (sl > (hlen - 4) / sid)
			return fail(ch, EH_R_MALFORMED, EH_K_RH, off + 3);
		return 0;
	}
	default:
		return 0;
	}
}

/* Shortest upper-layer header a first fragment must carry (RFC 7112; Linux's choice). */
static size_t upper_min(uint8_t nh)
{
	switch (nh) {
	case EH_NH_TCP:
		return 20;
	case EH_NH_UDP:
	case EH_NH_ICMPV6:
	case EH_NH_ESP:
		return 8;
	case EH_NH_NONE:
		return 0;
	default:
		return 1;
	}
}

int eh_parse(const uint8_t *pkt, size_t len, const struct eh_limits *lim, struct eh_chain *ch)
{
	struct cur c = cur_make(pkt, len);
	const uint8_t *fixed = cur_bytes(&c, EH_IPV6_HDR_LEN);
	uint32_t max_count = MIN(lim->max_eh_count, (uint32_t)EH_MAX_HDRS);
	/* Offsets are 16-bit: the chain never reaches past 64 KiB. */
	size_t window = MIN((size_t)lim->parse_window, (size_t)0xffff);
	uint32_t ndst = 0;
	bool seen_rh = false, dst_last = false, seen_ah = false;

	ch->n = 0;
	ch->upper = 0;
	ch->upper_off = 0;
	ch->upper_known = false;
	ch->opaque = false;
	ch->frag = false;
	ch->frag_offset = 0;
	ch->frag_more = false;
	ch->plen = 0;
	ch->chain_bytes = 0;
	ch->reason = EH_R_NONE;
	ch->bad_kind = -1;
	ch->ptr = 0;

	if (!fixed || (fixed[0] >> 4) != 6 || len > 0xffff + EH_IPV6_HDR_LEN)
		return fail(ch, EH_R_MALFORMED, -1, 0);
	ch->plen = get_be16(fixed + 4);
	/* RFC 2675 §3: Payload Length 0 announces a jumbogram. */
	if (ch->plen == 0)
		return fail(ch, EH_R_JUMBO, -1, 4);
	if ((size_t)ch->plen != c.left)
		return fail(ch, EH_R_MALFORMED, -1, 4);

	uint8_t nh = fixed[6];
	size_t nh_off = 6, off = EH_IPV6_HDR_LEN;
	for (;;) {
		int kind = eh_kind_of(nh);
		if (kind < 0 || kind == EH_K_UNKNOWN_NH)
			break;
		if (dst_last)
			return fail(ch, EH_R_DST, EH_K_DST, nh_off);
		if (ch->n >= max_count)
			return fail(ch, EH_R_TOO_MANY, kind, off);

		struct eh_hdr *h = &ch->h[ch->n];
		*h = (struct eh_hdr){
		    .off = (uint16_t)off,
		    .nh_off = (uint16_t)nh_off,
		    .proto = nh,
		    .kind = (uint8_t)kind,
		    .flags = (uint8_t)((ch->frag ? EH_F_AFTER_FRAG : 0) | (seen_ah ? EH_F_AH : 0))};
		if (kind == EH_K_ESP || kind == EH_K_EXP) {
			/* Opaque from here: ESP payload, or a 253/254 that may be a protocol. */
			h->len = (uint16_t)(len - off);
			ch->n++;
			ch->opaque = true;
			break;
		}

		/* The first octets: Next Header and the length (the Fragment header is fixed). */
		size_t want = kind == EH_K_FRAG ? 8 : kind == EH_K_RH ? 4 : 2;
		const uint8_t *hdr = c.left >= want ? c.p : NULL;
		size_t hlen = 0;
		if (hdr) {
			if (kind == EH_K_FRAG)
				hlen = 8;
			else if (kind == EH_K_AH)
				hlen = ((size_t)hdr[1] + 2) * 4; /* RFC 4302 §2.2 */
			else
				hlen = ((size_t)hdr[1] + 1) * 8; /* RFC 8200 §4.3-4.6, RFC 6564 */
			if (kind == EH_K_AH && (hdr[1] < 1 || hlen % 8))
				return fail(ch, EH_R_MALFORMED, kind, off + 1);
		}
		if (!hdr || !cur_skip(&c, hlen)) {
			/* RFC 7112: a first fragment must hold the whole chain. */
			if (ch->frag && ch->frag_offset == 0 && ch->frag_more)
				return fail(ch, EH_R_FRAG_CHAIN, kind, 0);
			return fail(ch, EH_R_MALFORMED, kind, hdr ? off + 1 : off);
		}
		h->len = (uint16_t)hlen;
		if (off + hlen > window)
			return fail(ch, EH_R_WINDOW, kind, off);
		if ((size_t)ch->chain_bytes + hlen > lim->max_eh_chain_bytes)
			return fail(ch, EH_R_CHAIN_BYTES, kind, off);
		ch->chain_bytes = (uint16_t)(ch->chain_bytes + hlen);

		int r = 0;
		switch (kind) {
		case EH_K_HBH:
			/* RFC 8200 §4.3: only directly after the IPv6 header. */
			if (ch->n != 0)
				return fail(ch, EH_R_ORDER, kind, nh_off);
			r = parse_opts(ch, h, hdr, hlen, lim);
			break;
		case EH_K_DST:
			/* RFC 8200 §4.1: once before an RH, once before the upper layer. */
			if (++ndst > lim->max_dst_hdrs)
				return fail(ch, EH_R_DST, kind, nh_off);
			dst_last = ndst == 2;
			r = parse_opts(ch, h, hdr, hlen, lim);
			break;
		case EH_K_RH:
			if (seen_rh)
				return fail(ch, EH_R_ORDER, kind, nh_off);
			seen_rh = true;
			h->rh_type = hdr[2];
			h->sl = hdr[3];
			r = parse_rh(ch, h, hdr, hlen);
			break;
		case EH_K_FRAG: {
			if (ch->frag)
				return fail(ch, EH_R_ORDER, kind, nh_off);
			uint16_t fo = get_be16(hdr + 2);
			size_t data = len - off - 8;
			ch->frag = true;
			ch->frag_offset = fo >> 3;
			ch->frag_more = fo & 1;
			/* RFC 8200 §4.5: non-final fragments are multiples of 8 octets. */
			if (ch->frag_more && data % 8)
				return fail(ch, EH_R_MALFORMED, kind, 4);
			if ((size_t)ch->frag_offset * 8 + data > 0xffff)
				return fail(ch, EH_R_MALFORMED, kind, off + 2);
			break;
		}
		case EH_K_AH:
			/*
			 * RFC 4302 §3.3.3: the ICV covers the headers before the AH and,
			 * as its payload, everything after it.
			 */
			seen_ah = true;
			for (size_t i = 0; i <= ch->n; i++)
				ch->h[i].flags |= EH_F_AH;
			break;
		default:
			break;
		}
		if (r < 0)
			return r;
		ch->n++;
		nh_off = off;
		nh = hdr[0];
		off += hlen;
		/* A non-first fragment: what follows is fragment data. */
		if (kind == EH_K_FRAG && ch->frag_offset != 0) {
			ch->opaque = true;
			break;
		}
	}
	/* ESP and 253/254 stop before advancing, so nh/off name them; a fragment points past. */
	ch->upper = nh;
	ch->upper_off = (uint16_t)off;
	ch->upper_known = true;
	if (ch->frag && ch->frag_offset == 0 && ch->frag_more &&
	    (size_t)ch->upper_off + upper_min(ch->upper) > len)
		return fail(ch, EH_R_FRAG_CHAIN, -1, 0);
	return 0;
}

/* ---- policy rows ---- */

static uint8_t rh_action(const struct eh_rules *r, const struct eh_hdr *h)
{
	/* RFC 5095: RH0 is always dropped; RFC 9288 §3.4.4 for the listed types. */
	if (h->rh_type == EH_RH_TYPE0 || bit_get(r->rh_drop_types, h->rh_type))
		return EH_DROP;
	switch (h->rh_type) {
	case EH_RH_MIP6:
		return r->rh2;
	case EH_RH_SRH:
	case EH_RH_CRH16:
	case EH_RH_CRH32:
		return h->sl == 0 ? r->rh_sl0 : r->rh_slnz;
	default:
		return h->sl == 0 ? r->rh_unknown_sl0 : r->rh_unknown_slnz;
	}
}

static bool has_keep_type(const struct eh_policy *p, const uint8_t *pkt, const struct eh_hdr *h)
{
	struct cur c = cur_make(pkt + h->off + 2, (size_t)h->len - 2);
	struct eh_opt o;

	while (eh_opt_next(&c, pkt, &o))
		if (bit_get(p->r.hbh_keep_types, o.type))
			return true;
	return false;
}

enum eh_action eh_decide(const struct eh_policy *p, const uint8_t *pkt, struct eh_chain *ch)
{
	const struct eh_rules *r = &p->r;
	enum eh_action overall = EH_KEEP;

	for (size_t i = 0; i < ch->n; i++) {
		struct eh_hdr *h = &ch->h[i];
		uint8_t a;

		switch ((enum eh_kind)h->kind) {
		case EH_K_HBH:
			if (h->flags & EH_F_PAD_ONLY)
				a = r->hbh_pad;
			else if (p->keep_types_any && has_keep_type(p, pkt, h))
				a = EH_KEEP;
			else
				a = r->hbh;
			break;
		case EH_K_DST:
			a = r->dstopt;
			break;
		case EH_K_RH:
			a = rh_action(r, h);
			break;
		case EH_K_EXP:
			a = r->exp_eh;
			break;
		case EH_K_FRAG:
		case EH_K_AH:
		case EH_K_ESP:
		case EH_K_MOB:
		case EH_K_HIP:
		case EH_K_SHIM6:
		case EH_K_UNKNOWN_NH:
		case EH_K__COUNT:
		default:
			a = EH_KEEP;
			break;
		}
		if (a == EH_STRIP && (h->flags & EH_F_AFTER_FRAG)) {
			/* Fragment offsets count from the fragmentable part: it must not shrink. */
			a = EH_KEEP;
		} else if (a == EH_STRIP && (h->flags & EH_F_AH)) {
			/* The AH pre-check of A.6: the ICV would no longer verify. */
			if (p->lim.ah_conflict == EH_DROP) {
				h->action = EH_DROP;
				fail(ch, EH_R_AH_CONFLICT, h->kind, h->off);
				return EH_DROP;
			}
			a = EH_KEEP;
		}
		h->action = a;
		if (a == EH_DROP) {
			fail(ch, EH_R_POLICY, h->kind, h->kind == EH_K_RH ? h->off + 2U : h->off);
			return EH_DROP;
		}
		if (a == EH_STRIP)
			overall = EH_STRIP;
	}
	if (overall == EH_STRIP) {
		/*
		 * Stripping the whole payload (e.g. HBH + No Next Header, nothing
		 * after) would leave Payload Length 0, a jumbogram's mark: keep.
		 */
		size_t removed = 0;
		for (size_t i = 0; i < ch->n; i++)
			removed += ch->h[i].action == EH_STRIP ? ch->h[i].len : 0;
		if (removed == ch->plen) {
			for (size_t i = 0; i < ch->n; i++)
				if (ch->h[i].action == EH_STRIP)
					ch->h[i].action = EH_KEEP;
			overall = EH_KEEP;
		}
	}
	if (eh_kind_of(ch->upper) == EH_K_UNKNOWN_NH && r->unknown_nh == EH_DROP) {
		fail(ch, EH_R_POLICY, EH_K_UNKNOWN_NH, ch->n ? ch->h[ch->n - 1].off : 6U);
		return EH_DROP;
	}
	return overall;
}

/* ---- rewrite ---- */

size_t eh_strip(uint8_t *pkt, const struct eh_chain *ch)
{
	int last = -1;
	size_t removed = 0;

	for (size_t i = 0; i < ch->n; i++) {
		if (ch->h[i].action == EH_STRIP) {
			last = (int)i;
			removed += ch->h[i].len;
		}
	}
	if (last < 0)
		return 0;

	/* Re-link: each kept header names the next kept one (or what followed the last removed). */
	const struct eh_hdr *lh = &ch->h[last];
	uint8_t next = pkt[lh->off];
	for (int i = last; i >= 0; i--) {
		const struct eh_hdr *h = &ch->h[i];
		if (h->action == EH_STRIP)
			continue;
		pkt[h->off] = next;
		next = h->proto;
	}
	pkt[6] = next;
	put_be16(pkt + 4, (uint16_t)(ch->plen - removed));

	/* Close the gaps by moving what lies in front of them towards the payload. */
	size_t dst = (size_t)lh->off + lh->len;
	for (int i = last; i >= 0; i--) {
		const struct eh_hdr *h = &ch->h[i];
		if (h->action == EH_STRIP)
			continue;
		dst -= h->len;
		memmove(pkt + dst, pkt + h->off, h->len);
	}
	dst -= EH_IPV6_HDR_LEN;
	memmove(pkt + dst, pkt, EH_IPV6_HDR_LEN);
	OMNI_ASSERT(dst == removed);
	return removed;
}

static void count(struct eh_stats *st, int kind, uint8_t action)
{
	if (!st || kind < 0 || kind >= EH_K__COUNT || action > EH_DROP)
		return;
	int idx = kind_stat[kind][action];
	if (idx >= 0)
		st->v[idx]++;
}

int eh_filter(const struct eh_policy *p, struct eh_stats *st, uint8_t *pkt, size_t len,
	      struct eh_chain *ch, size_t *cut)
{
	enum eh_action a;
	int r;

	*cut = 0;
	r = eh_parse(pkt, len, &p->lim, ch);
	a = r < 0 ? EH_DROP : eh_decide(p, pkt, ch);
	if (st)
		st->v[EH_ST_pkts]++;
	if (a == EH_DROP) {
		if (st) {
			st->v[EH_ST_pkts_dropped]++;
			if (ch->reason > EH_R_NONE && ch->reason < EH_R__COUNT)
				st->v[EH_ST_drop_malformed + ch->reason - EH_R_MALFORMED]++;
			count(st, ch->bad_kind, EH_DROP);
		}
		return r < 0 ? r : -EPERM;
	}
	if (st) {
		for (size_t i = 0; i < ch->n; i++)
			count(st, ch->h[i].kind, ch->h[i].action);
		if (eh_kind_of(ch->upper) == EH_K_UNKNOWN_NH)
			count(st, EH_K_UNKNOWN_NH, EH_KEEP);
	}
	if (a != EH_STRIP)
		return 0;
	*cut = eh_strip(pkt, ch);
	if (st) {
		st->v[EH_ST_pkts_stripped]++;
		st->v[EH_ST_bytes_stripped] += *cut;
	}
#ifndef NDEBUG
	/* A.6 step 5: the result must parse, end at the same upper layer and need no more work. */
	struct eh_chain chk;
	OMNI_ASSERT(eh_parse(pkt + *cut, len - *cut, &p->lim, &chk) == 0);
	OMNI_ASSERT(chk.upper == ch->upper && chk.n <= ch->n);
#endif
	return 0;
}

/* ---- ICMPv6 errors ---- */

#define ICMP6_DST_UNREACH 1
#define ICMP6_PARAM_PROB 4

static bool no_answer_addr(const uint8_t *a)
{
	static const uint8_t zero[16];
	return a[0] == 0xff || memcmp(a, zero, 16) == 0;
}

int eh_icmp_build(const uint8_t *pkt, size_t len, const struct eh_chain *ch, const uint8_t *src,
		  uint8_t *out, size_t cap)
{
	uint8_t type = ICMP6_PARAM_PROB, code = 0;
	uint32_t ptr = ch->ptr;

	/* RFC 4443 §2.4 (e): not about multicast, unspecified sources or ICMPv6 errors. */
	if (len < EH_IPV6_HDR_LEN || (pkt[0] >> 4) != 6 || no_answer_addr(pkt + 8) ||
	    pkt[24] == 0xff || ch->reason == EH_R_NONE)
		return 0;
	if (ch->upper_known && !ch->opaque && ch->upper == EH_NH_ICMPV6 &&
	    (ch->upper_off >= len || pkt[ch->upper_off] < 128))
		return 0;
	switch ((enum eh_reason)ch->reason) {
	case EH_R_ORDER:
		code = 1; /* unrecognized Next Header (RFC 8200 §4.3) */
		break;
	case EH_R_FRAG_CHAIN:
		code = 3; /* RFC 7112 */
		ptr = 0;
		break;
	case EH_R_CHAIN_BYTES:
		code = 7; /* RFC 8883 §4.2: extension header chain too long */
		break;
	case EH_R_TOO_MANY:
		code = 8; /* RFC 8883 §4.2: too many extension headers */
		break;
	case EH_R_OPTS:
		code = 9; /* RFC 8883 §4.2: too many options in extension header */
		break;
	case EH_R_WINDOW:
		type = ICMP6_DST_UNREACH;
		code = 8; /* RFC 8883 §4.1: headers too long */
		ptr = 0;
		break;
	case EH_R_AH_CONFLICT:
	case EH_R_POLICY:
		type = ICMP6_DST_UNREACH;
		code = 1; /* administratively prohibited (RFC 4443 §3.1) */
		ptr = 0;
		break;
	case EH_R_MALFORMED:
	case EH_R_JUMBO:
	case EH_R_DST:
	case EH_R_PAD:
	case EH_R_NONE:
	case EH_R__COUNT:
		break;
	}
	size_t quote = MIN(len, (size_t)ICMP6_ERR_MAX - 48);
	size_t total = 48 + quote;
	if (cap < total)
		return -ENOSPC;
	memset(out, 0, 48);
	out[0] = 0x60;
	put_be16(out + 4, (uint16_t)(total - 40));
	out[6] = EH_NH_ICMPV6;
	out[7] = 64;
	memcpy(out + 8, src, 16);
	memcpy(out + 24, pkt + 8, 16);
	out[40] = type;
	out[41] = code;
	put_be32(out + 44, ptr);
	memcpy(out + 48, pkt, quote);
	return icmp_finish6(out, total) < 0 ? -EINVAL : (int)total;
}
