// SPDX-License-Identifier: MIT
/*
 * wire_scion.c - the SCION data-plane codec (see wire_scion.h): common and
 * address headers, path types Empty / SCION / OneHop / EPIC-HP, path
 * reversal, the extension-header walk, UDP, SCMP and the pseudo-header
 * checksum. Pure: every read goes through a bounded struct cur, nothing
 * allocates, and the structs keep raw flag and reserved bits so that the
 * encoders reproduce the input byte for byte.
 */
#include "wire_scion.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define WHY(msg)                                                                                   \
	do {                                                                                       \
		if (why)                                                                           \
			*why = (msg);                                                              \
	} while (0)

size_t scion_host_len(uint8_t type)
{
	switch (type) {
	case SCION_HOST_IPV4:
	case SCION_HOST_SVC:
		return 4;
	case SCION_HOST_IPV6:
		return 16;
	default:
		return 0;
	}
}

size_t scion_addr_len(const struct scion_hdr *h)
{
	return SCION_ADDR_FIXED_LEN + h->dst.len + h->src.len;
}

/* SegLens -> NumINF / NumHF; false on a gap, an empty path or more than 64 hops. */
static bool seglens_valid(const uint8_t seg[SCION_MAX_INF], uint8_t *num_inf, uint8_t *num_hf)
{
	unsigned int ninf = 0, nhf = 0;
	for (unsigned int i = 0; i < SCION_MAX_INF; i++) {
		if (seg[i] > 63)
			return false;
		if (seg[i] == 0)
			continue;
		if (ninf != i)
			return false; /* a zero SegLen before a non-zero one */
		ninf = i + 1;
		nhf += seg[i];
	}
	if (ninf == 0 || nhf > SCION_MAX_HF)
		return false;
	*num_inf = (uint8_t)ninf;
	*num_hf = (uint8_t)nhf;
	return true;
}

int scion_path_seg_of(const struct scion_path *p, unsigned int hf)
{
	unsigned int end = 0;
	for (unsigned int i = 0; i < p->num_inf && i < SCION_MAX_INF; i++) {
		end += p->seg_len[i];
		if (hf < end)
			return (int)i;
	}
	return -1;
}

/* Full consistency of a struct scion_path (used before encode and reverse). */
static bool path_valid(const struct scion_path *p, const char **why)
{
	uint8_t ninf, nhf;
	if (!seglens_valid(p->seg_len, &ninf, &nhf)) {
		WHY("invalid SegLen combination");
		return false;
	}
	if (ninf != p->num_inf || nhf != p->num_hf) {
		WHY("NumINF/NumHF do not match the SegLens");
		return false;
	}
	if (p->rsv > 63) {
		WHY("PathMeta RSV wider than 6 bits");
		return false;
	}
	if (p->curr_inf >= ninf || p->curr_hf >= nhf) {
		WHY("CurrINF/CurrHF outside the path");
		return false;
	}
	if (scion_path_seg_of(p, p->curr_hf) != p->curr_inf) {
		WHY("CurrHF not in segment CurrINF");
		return false;
	}
	return true;
}

size_t scion_path_len(const struct scion_path *p)
{
	return SCION_META_LEN + (size_t)p->num_inf * SCION_INF_LEN +
	       (size_t)p->num_hf * SCION_HF_LEN;
}

static void info_read(struct cur *c, struct scion_info *inf)
{
	cur_u8(c, &inf->flags);
	cur_u8(c, &inf->rsv);
	cur_be16(c, &inf->acc);
	cur_be32(c, &inf->ts);
}

static void hop_read(struct cur *c, struct scion_hop *hf)
{
	cur_u8(c, &hf->flags);
	cur_u8(c, &hf->exp);
	cur_be16(c, &hf->cons_in);
	cur_be16(c, &hf->cons_eg);
	cur_copy(c, hf->mac, SCION_MAC_LEN);
}

static void info_write(struct wcur *w, const struct scion_info *inf)
{
	wcur_u8(w, inf->flags);
	wcur_u8(w, inf->rsv);
	wcur_be16(w, inf->acc);
	wcur_be32(w, inf->ts);
}

static void hop_write(struct wcur *w, const struct scion_hop *hf)
{
	wcur_u8(w, hf->flags);
	wcur_u8(w, hf->exp);
	wcur_be16(w, hf->cons_in);
	wcur_be16(w, hf->cons_eg);
	wcur_bytes(w, hf->mac, SCION_MAC_LEN);
}

int scion_path_parse(const uint8_t *buf, size_t len, struct scion_path *p, const char **why)
{
	struct cur c = cur_make(buf, len);
	uint32_t meta;
	memset(p, 0, sizeof(*p));
	if (!cur_be32(&c, &meta)) {
		WHY("path shorter than PathMeta");
		return -EBADMSG;
	}
	p->curr_inf = (uint8_t)(meta >> 30);
	p->curr_hf = (uint8_t)((meta >> 24) & 0x3f);
	p->rsv = (uint8_t)((meta >> 18) & 0x3f);
	p->seg_len[0] = (uint8_t)((meta >> 12) & 0x3f);
	p->seg_len[1] = (uint8_t)((meta >> 6) & 0x3f);
	p->seg_len[2] = (uint8_t)(meta & 0x3f);
	if (!seglens_valid(p->seg_len, &p->num_inf, &p->num_hf)) {
		WHY("invalid SegLen combination (empty, gap or more than 64 hops)");
		return -EBADMSG;
	}
	if (len != scion_path_len(p)) {
		WHY("path length does not match the SegLens");
		return -EBADMSG;
	}
	for (unsigned int i = 0; i < p->num_inf; i++)
		info_read(&c, &p->inf[i]);
	for (unsigned int i = 0; i < p->num_hf; i++)
		hop_read(&c, &p->hf[i]);
	if (c.bad || c.left) {
		WHY("path length does not match the SegLens");
		return -EBADMSG;
	}
	if (!path_valid(p, why))
		return -EBADMSG;
	return 0;
}

int scion_path_encode(const struct scion_path *p, struct wcur *w)
{
	if (!path_valid(p, NULL))
		return -EINVAL;
	uint32_t meta = (uint32_t)p->curr_inf << 30 | (uint32_t)p->curr_hf << 24 |
			(uint32_t)p->rsv << 18 | (uint32_t)p->seg_len[0] << 12 |
			(uint32_t)p->seg_len[1] << 6 | p->seg_len[2];
	if (w->left < scion_path_len(p)) {
		w->bad = true;
		return -ENOSPC;
	}
	wcur_be32(w, meta);
	for (unsigned int i = 0; i < p->num_inf; i++)
		info_write(w, &p->inf[i]);
	for (unsigned int i = 0; i < p->num_hf; i++)
		hop_write(w, &p->hf[i]);
	return w->bad ? -ENOSPC : 0;
}

int scion_onehop_parse(const uint8_t *buf, size_t len, struct scion_onehop *o)
{
	struct cur c = cur_make(buf, len);
	memset(o, 0, sizeof(*o));
	if (len != SCION_ONEHOP_LEN)
		return -EBADMSG;
	info_read(&c, &o->inf);
	hop_read(&c, &o->hf[0]);
	hop_read(&c, &o->hf[1]);
	return c.bad ? -EBADMSG : 0;
}

int scion_onehop_encode(const struct scion_onehop *o, struct wcur *w)
{
	if (w->left < SCION_ONEHOP_LEN) {
		w->bad = true;
		return -ENOSPC;
	}
	info_write(w, &o->inf);
	hop_write(w, &o->hf[0]);
	hop_write(w, &o->hf[1]);
	return w->bad ? -ENOSPC : 0;
}

int scion_epic_parse(const uint8_t *buf, size_t len, struct scion_epic *e, const char **why)
{
	struct cur c = cur_make(buf, len);
	memset(e, 0, sizeof(*e));
	cur_be32(&c, &e->epic_ts);
	cur_be32(&c, &e->counter);
	cur_copy(&c, e->phvf, 4);
	cur_copy(&c, e->lhvf, 4);
	if (c.bad) {
		WHY("EPIC path shorter than its 16-octet header");
		return -EBADMSG;
	}
	return scion_path_parse(c.p, c.left, &e->path, why);
}

int scion_epic_encode(const struct scion_epic *e, struct wcur *w)
{
	if (w->left < SCION_EPIC_HDR_LEN) {
		w->bad = true;
		return -ENOSPC;
	}
	wcur_be32(w, e->epic_ts);
	wcur_be32(w, e->counter);
	wcur_bytes(w, e->phvf, 4);
	wcur_bytes(w, e->lhvf, 4);
	return scion_path_encode(&e->path, w);
}

int scion_path_reverse(struct scion_path *p)
{
	if (!path_valid(p, NULL))
		return -EINVAL;
	unsigned int ninf = p->num_inf, nhf = p->num_hf;
	for (unsigned int i = 0; i < ninf / 2; i++) {
		struct scion_info t = p->inf[i];
		p->inf[i] = p->inf[ninf - 1 - i];
		p->inf[ninf - 1 - i] = t;
		uint8_t s = p->seg_len[i];
		p->seg_len[i] = p->seg_len[ninf - 1 - i];
		p->seg_len[ninf - 1 - i] = s;
	}
	for (unsigned int i = 0; i < ninf; i++)
		p->inf[i].flags ^= SCION_INF_C;
	for (unsigned int i = 0; i < nhf / 2; i++) {
		struct scion_hop t = p->hf[i];
		p->hf[i] = p->hf[nhf - 1 - i];
		p->hf[nhf - 1 - i] = t;
	}
	p->curr_inf = (uint8_t)(ninf - 1 - p->curr_inf);
	p->curr_hf = (uint8_t)(nhf - 1 - p->curr_hf);
	return 0;
}

void scion_onehop_to_path(const struct scion_onehop *o, struct scion_path *p)
{
	memset(p, 0, sizeof(*p));
	p->seg_len[0] = 2;
	p->num_inf = 1;
	p->num_hf = 2;
	p->curr_hf = 1;
	p->inf[0] = o->inf;
	p->hf[0] = o->hf[0];
	p->hf[1] = o->hf[1];
}

int scion_path_next(struct scion_path *p)
{
	if (p->curr_hf + 1U >= p->num_hf)
		return -ERANGE;
	int seg = scion_path_seg_of(p, p->curr_hf + 1U);
	if (seg < 0)
		return -ERANGE;
	p->curr_hf++;
	p->curr_inf = (uint8_t)seg;
	return 0;
}

size_t scion_hdr_path_len(const struct scion_hdr *h)
{
	switch (h->path_type) {
	case SCION_PATH_EMPTY:
		return 0;
	case SCION_PATH_SCION:
		return scion_path_len(&h->path.scion);
	case SCION_PATH_ONEHOP:
		return SCION_ONEHOP_LEN;
	case SCION_PATH_EPIC:
		return SCION_EPIC_HDR_LEN + scion_path_len(&h->path.epic.path);
	default:
		return 0;
	}
}

size_t scion_hdr_len(const struct scion_hdr *h)
{
	return SCION_CMN_LEN + scion_addr_len(h) + scion_hdr_path_len(h);
}

static int host_read(struct cur *c, uint8_t type, struct scion_host *host)
{
	size_t n = scion_host_len(type);
	host->type = type;
	host->len = (uint8_t)n;
	if (!n)
		return -EBADMSG;
	cur_copy(c, host->addr, n);
	return c->bad ? -EBADMSG : 0;
}

int scion_parse(const uint8_t *pkt, size_t len, unsigned int flags, struct scion_hdr *h,
		const char **why)
{
	struct cur c = cur_make(pkt, len);
	uint32_t w0;
	uint8_t at;
	memset(h, 0, sizeof(*h));
	cur_be32(&c, &w0);
	cur_u8(&c, &h->next_hdr);
	cur_u8(&c, &h->hdr_len);
	cur_be16(&c, &h->payload_len);
	cur_u8(&c, &h->path_type);
	cur_u8(&c, &at);
	cur_be16(&c, &h->rsv);
	if (c.bad) {
		WHY("shorter than the 12-octet common header");
		return -EBADMSG;
	}
	h->version = (uint8_t)(w0 >> 28);
	h->tc = (uint8_t)(w0 >> 20);
	h->flow = w0 & 0xfffff;
	if (h->version != 0) {
		WHY("version is not 0");
		return -EBADMSG;
	}
	size_t hlen = (size_t)h->hdr_len * 4;
	if (hlen > len) {
		WHY("HdrLen beyond the end of the packet");
		return -EBADMSG;
	}
	if (hlen < SCION_CMN_LEN + SCION_ADDR_FIXED_LEN) {
		WHY("HdrLen shorter than common + address header");
		return -EBADMSG;
	}
	struct cur hc = cur_make(pkt + SCION_CMN_LEN, hlen - SCION_CMN_LEN);
	cur_be64(&hc, &h->dst_ia);
	cur_be64(&hc, &h->src_ia);
	if (host_read(&hc, at >> 4, &h->dst) || host_read(&hc, at & 0xf, &h->src)) {
		WHY(hc.bad ? "address header longer than HdrLen" : "unknown address type/length");
		return -EBADMSG;
	}
	size_t plen = hc.left;
	int rc = 0;
	switch (h->path_type) {
	case SCION_PATH_EMPTY:
		if (plen) {
			WHY("HdrLen leaves path octets for an empty path");
			return -EBADMSG;
		}
		break;
	case SCION_PATH_SCION:
		rc = scion_path_parse(hc.p, plen, &h->path.scion, why);
		break;
	case SCION_PATH_ONEHOP:
		rc = scion_onehop_parse(hc.p, plen, &h->path.onehop);
		if (rc)
			WHY("OneHop path is not 32 octets");
		break;
	case SCION_PATH_EPIC:
		rc = scion_epic_parse(hc.p, plen, &h->path.epic, why);
		break;
	default:
		WHY("unsupported path type");
		return -EPROTONOSUPPORT;
	}
	if (rc)
		return rc;
	size_t rest = len - hlen;
	if (h->payload_len > rest || (!(flags & SCION_PARSE_PARTIAL) && h->payload_len != rest)) {
		WHY("PayloadLen does not match the octets after the header");
		return -EBADMSG;
	}
	return 0;
}

int scion_hdr_finalize(struct scion_hdr *h, size_t payload_len)
{
	size_t hl = scion_hdr_len(h);
	if (hl % 4 || hl > SCION_MAX_HDR_LEN || payload_len > UINT16_MAX)
		return -EINVAL;
	h->hdr_len = (uint8_t)(hl / 4);
	h->payload_len = (uint16_t)payload_len;
	return 0;
}

int scion_encode(const struct scion_hdr *h, uint8_t *buf, size_t cap, size_t *out_len)
{
	size_t dl = scion_host_len(h->dst.type), sl = scion_host_len(h->src.type);
	if (h->version > 15 || h->flow > 0xfffff || !dl || !sl || dl != h->dst.len ||
	    sl != h->src.len)
		return -EINVAL;
	size_t hl = scion_hdr_len(h);
	if ((size_t)h->hdr_len * 4 != hl)
		return -EINVAL;
	if (cap < hl)
		return -ENOSPC;
	struct wcur w = wcur_make(buf, cap);
	wcur_be32(&w, (uint32_t)h->version << 28 | (uint32_t)h->tc << 20 | h->flow);
	wcur_u8(&w, h->next_hdr);
	wcur_u8(&w, h->hdr_len);
	wcur_be16(&w, h->payload_len);
	wcur_u8(&w, h->path_type);
	wcur_u8(&w, (uint8_t)(h->dst.type << 4 | h->src.type));
	wcur_be16(&w, h->rsv);
	wcur_be64(&w, h->dst_ia);
	wcur_be64(&w, h->src_ia);
	wcur_bytes(&w, h->dst.addr, dl);
	wcur_bytes(&w, h->src.addr, sl);
	int rc = 0;
	switch (h->path_type) {
	case SCION_PATH_EMPTY:
		break;
	case SCION_PATH_SCION:
		rc = scion_path_encode(&h->path.scion, &w);
		break;
	case SCION_PATH_ONEHOP:
		rc = scion_onehop_encode(&h->path.onehop, &w);
		break;
	case SCION_PATH_EPIC:
		rc = scion_epic_encode(&h->path.epic, &w);
		break;
	default:
		return -EINVAL;
	}
	if (rc)
		return rc;
	if (w.bad)
		return -ENOSPC;
	*out_len = hl;
	return 0;
}

int scion_hdr_reverse(struct scion_hdr *h)
{
	int rc = 0;
	switch (h->path_type) {
	case SCION_PATH_EMPTY:
		break;
	case SCION_PATH_SCION:
		rc = scion_path_reverse(&h->path.scion);
		break;
	case SCION_PATH_ONEHOP: {
		struct scion_path p;
		scion_onehop_to_path(&h->path.onehop, &p);
		h->path.scion = p;
		h->path_type = SCION_PATH_SCION;
		rc = scion_path_reverse(&h->path.scion);
		break;
	}
	case SCION_PATH_EPIC:
		rc = scion_path_reverse(&h->path.epic.path);
		break;
	default:
		return -EINVAL;
	}
	if (rc)
		return rc;
	uint64_t ia = h->dst_ia;
	h->dst_ia = h->src_ia;
	h->src_ia = ia;
	struct scion_host t = h->dst;
	h->dst = h->src;
	h->src = t;
	size_t hl = scion_hdr_len(h);
	h->hdr_len = (uint8_t)(hl / 4);
	return 0;
}

int scion_l4_locate(uint8_t next_hdr, const uint8_t *payload, size_t len, struct scion_l4 *l4,
		    const char **why)
{
	struct cur c = cur_make(payload, len);
	memset(l4, 0, sizeof(*l4));
	uint8_t nh = next_hdr;
	bool seen_e2e = false;
	while (nh == SCION_PROTO_HBH || nh == SCION_PROTO_E2E) {
		if (nh == SCION_PROTO_HBH && (seen_e2e || l4->n_ext)) {
			WHY("HBH extension not first");
			return -EBADMSG;
		}
		if (nh == SCION_PROTO_E2E && seen_e2e) {
			WHY("repeated E2E extension");
			return -EBADMSG;
		}
		struct scion_ext *e = &l4->ext[l4->n_ext];
		e->type = nh;
		cur_u8(&c, &e->next_hdr);
		cur_u8(&c, &e->ext_len);
		size_t olen = ((size_t)e->ext_len + 1) * 4 - 2;
		e->opts = cur_bytes(&c, olen);
		e->opts_len = olen;
		if (c.bad) {
			WHY("extension header beyond the payload");
			return -EBADMSG;
		}
		seen_e2e = nh == SCION_PROTO_E2E;
		l4->n_ext++;
		nh = e->next_hdr;
	}
	l4->proto = nh;
	l4->data = c.p;
	l4->len = c.left;
	return 0;
}

int scion_udp_parse(const uint8_t *buf, size_t len, struct scion_udp *u)
{
	struct cur c = cur_make(buf, len);
	cur_be16(&c, &u->sport);
	cur_be16(&c, &u->dport);
	cur_be16(&c, &u->len);
	cur_be16(&c, &u->csum);
	if (c.bad || u->len != len)
		return -EBADMSG;
	u->payload = c.p;
	u->payload_len = c.left;
	return 0;
}

/* Fixed InfoBlock size of an SCMP type, or -1 for an unknown type. */
static int scmp_info_len(uint8_t type)
{
	switch (type) {
	case SCMP_DEST_UNREACH:
	case SCMP_PKT_TOO_BIG:
	case SCMP_PARAM_PROBLEM:
	case SCMP_ECHO_REQUEST:
	case SCMP_ECHO_REPLY:
		return 4;
	case SCMP_EXT_IF_DOWN:
		return 16;
	case SCMP_INT_CONN_DOWN:
		return 24;
	case SCMP_TRACE_REQUEST:
	case SCMP_TRACE_REPLY:
		return 20;
	default:
		return -1;
	}
}

int scmp_parse(const uint8_t *buf, size_t len, struct scmp_msg *m)
{
	struct cur c = cur_make(buf, len);
	memset(m, 0, sizeof(*m));
	cur_u8(&c, &m->type);
	cur_u8(&c, &m->code);
	cur_be16(&c, &m->csum);
	switch (m->type) {
	case SCMP_DEST_UNREACH:
		cur_be32(&c, &m->u.dest_unreach.unused);
		break;
	case SCMP_PKT_TOO_BIG:
		cur_be16(&c, &m->u.too_big.rsv);
		cur_be16(&c, &m->u.too_big.mtu);
		break;
	case SCMP_PARAM_PROBLEM:
		cur_be16(&c, &m->u.param.rsv);
		cur_be16(&c, &m->u.param.pointer);
		break;
	case SCMP_EXT_IF_DOWN:
		cur_be64(&c, &m->u.ext_down.ia);
		cur_be64(&c, &m->u.ext_down.ifid);
		break;
	case SCMP_INT_CONN_DOWN:
		cur_be64(&c, &m->u.int_down.ia);
		cur_be64(&c, &m->u.int_down.ingress);
		cur_be64(&c, &m->u.int_down.egress);
		break;
	case SCMP_ECHO_REQUEST:
	case SCMP_ECHO_REPLY:
		cur_be16(&c, &m->u.echo.id);
		cur_be16(&c, &m->u.echo.seq);
		break;
	case SCMP_TRACE_REQUEST:
	case SCMP_TRACE_REPLY:
		cur_be16(&c, &m->u.trace.id);
		cur_be16(&c, &m->u.trace.seq);
		cur_be64(&c, &m->u.trace.ia);
		cur_be64(&c, &m->u.trace.ifid);
		break;
	default:
		break;
	}
	if (c.bad)
		return -EBADMSG;
	m->data = c.p;
	m->data_len = c.left;
	return 0;
}

size_t scmp_len(const struct scmp_msg *m)
{
	int il = scmp_info_len(m->type);
	return 4 + (size_t)(il < 0 ? 0 : il) + m->data_len;
}

int scmp_encode(const struct scmp_msg *m, struct wcur *w)
{
	if (m->data_len && !m->data)
		return -EINVAL;
	if (w->left < scmp_len(m)) {
		w->bad = true;
		return -ENOSPC;
	}
	wcur_u8(w, m->type);
	wcur_u8(w, m->code);
	wcur_be16(w, m->csum);
	switch (m->type) {
	case SCMP_DEST_UNREACH:
		wcur_be32(w, m->u.dest_unreach.unused);
		break;
	case SCMP_PKT_TOO_BIG:
		wcur_be16(w, m->u.too_big.rsv);
		wcur_be16(w, m->u.too_big.mtu);
		break;
	case SCMP_PARAM_PROBLEM:
		wcur_be16(w, m->u.param.rsv);
		wcur_be16(w, m->u.param.pointer);
		break;
	case SCMP_EXT_IF_DOWN:
		wcur_be64(w, m->u.ext_down.ia);
		wcur_be64(w, m->u.ext_down.ifid);
		break;
	case SCMP_INT_CONN_DOWN:
		wcur_be64(w, m->u.int_down.ia);
		wcur_be64(w, m->u.int_down.ingress);
		wcur_be64(w, m->u.int_down.egress);
		break;
	case SCMP_ECHO_REQUEST:
	case SCMP_ECHO_REPLY:
		wcur_be16(w, m->u.echo.id);
		wcur_be16(w, m->u.echo.seq);
		break;
	case SCMP_TRACE_REQUEST:
	case SCMP_TRACE_REPLY:
		wcur_be16(w, m->u.trace.id);
		wcur_be16(w, m->u.trace.seq);
		wcur_be64(w, m->u.trace.ia);
		wcur_be64(w, m->u.trace.ifid);
		break;
	default:
		break;
	}
	if (m->data_len)
		wcur_bytes(w, m->data, m->data_len);
	return w->bad ? -ENOSPC : 0;
}

static uint32_t sum16(uint32_t s, const uint8_t *p, size_t n)
{
	size_t i;
	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (i < n)
		s += (uint32_t)p[i] << 8;
	return s;
}

uint16_t scion_l4_checksum(const struct scion_hdr *h, uint8_t proto, const uint8_t *l4, size_t len)
{
	uint8_t ph[16 + 32 + 8];
	size_t n = 0;
	put_be64(ph, h->dst_ia);
	put_be64(ph + 8, h->src_ia);
	n = 16;
	memcpy(ph + n, h->dst.addr, MIN(h->dst.len, 16));
	n += MIN(h->dst.len, 16);
	memcpy(ph + n, h->src.addr, MIN(h->src.len, 16));
	n += MIN(h->src.len, 16);
	put_be32(ph + n, (uint32_t)len);
	ph[n + 4] = ph[n + 5] = ph[n + 6] = 0;
	ph[n + 7] = proto;
	n += 8;
	uint32_t s = sum16(0, ph, n);
	/* Fold as we go so long inputs never overflow. */
	while (len) {
		size_t k = MIN(len, (size_t)65536);
		s = sum16(s, l4, k);
		s = (s & 0xffff) + (s >> 16);
		l4 += k;
		len -= k;
	}
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

void scion_ia_format(uint64_t ia, char *buf, size_t cap)
{
	unsigned int isd = (unsigned int)(ia >> 48);
	uint64_t as = ia & 0xffffffffffffULL;
	if (as <= 0xffffffffULL)
		snprintf(buf, cap, "%u-%" PRIu64, isd, as);
	else
		snprintf(buf, cap, "%u-%" PRIx64 ":%" PRIx64 ":%" PRIx64, isd, as >> 32,
			 (as >> 16) & 0xffff, as & 0xffff);
}
