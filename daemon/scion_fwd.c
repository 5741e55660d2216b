// SPDX-License-Identifier: MIT
/*
 * scion_fwd.c - the per-packet SCION decisions (see scion_fwd.h): the border
 * router pipeline of spec/scion.md §2.5 on the codec (wire_scion) and the MAC
 * engine (scion_mac), the SCMP messages a node originates (§5.2), and the end
 * host's UDP/SCION encapsulation and receive checks. Pure; owns nothing.
 */
#include "scion_fwd.h"

#include <errno.h>
#include <string.h>
#include "cursor.h"
#include "icmp.h"

/* Absolute offsets for SCMP Parameter Problem pointers (spec §2.1, §1.2). */
#define OFF_DST_IA SCION_CMN_LEN
#define OFF_SRC_IA (SCION_CMN_LEN + 8)

static size_t hop_offset(const struct scion_hdr *h)
{
	const struct scion_path *p = &h->path.scion;

	return SCION_CMN_LEN + scion_addr_len(h) + SCION_META_LEN + SCION_INF_LEN * p->num_inf +
	       (size_t)SCION_HF_LEN * p->curr_hf;
}

static int verdict(struct scion_fwd_result *res, enum scion_fwd_verdict v,
		   enum scion_fwd_reason why)
{
	res->verdict = v;
	res->reason = why;
	return 0;
}

static int param_problem(struct scion_fwd_result *res, enum scion_fwd_reason why, uint8_t code,
			 size_t pointer)
{
	memset(&res->scmp, 0, sizeof(res->scmp));
	res->scmp.type = SCMP_PARAM_PROBLEM;
	res->scmp.code = code;
	res->scmp.u.param.pointer = (uint16_t)pointer;
	return verdict(res, SCION_FWD_ERROR, why);
}

/* Check expiry and the MAC of the current hop (spec §2.5 steps 3 and 7). */
static int check_hop(const struct scion_fwd_router *r, struct scion_fwd_result *res,
		     uint64_t now_ms, bool *ok)
{
	struct scion_hdr *h = &res->hdr;
	int rc;

	*ok = false;
	if (scion_path_current_expired(&h->path.scion, now_ms))
		return param_problem(res, SCION_FWD_expired, 52, hop_offset(h));
	rc = scion_path_verify_current(r->mac, &h->path.scion);
	if (rc == -EBADMSG)
		return param_problem(res, SCION_FWD_bad_mac, 51, hop_offset(h));
	if (rc < 0)
		return rc == -EINVAL ? verdict(res, SCION_FWD_DROP, SCION_FWD_bad_header) : rc;
	*ok = true;
	return 0;
}

static int write_path(struct scion_hdr *h, uint8_t *pkt, size_t len)
{
	size_t off = SCION_CMN_LEN + scion_addr_len(h);
	size_t plen = scion_path_len(&h->path.scion);

	if (off + plen > len)
		return -EINVAL;
	struct wcur w = wcur_make(pkt + off, plen);
	return scion_path_encode(&h->path.scion, &w);
}

int scion_fwd_process(const struct scion_fwd_router *r, uint8_t *pkt, size_t len, uint16_t in_ifid,
		      uint64_t now_ms, struct scion_fwd_result *res)
{
	struct scion_hdr *h = &res->hdr;
	struct scion_path *p = &h->path.scion;
	const char *why = NULL;
	bool ext = in_ifid != 0, ok;
	int rc;

	res->egress = 0;
	if (scion_parse(pkt, len, 0, h, &why) < 0 || h->path_type != SCION_PATH_SCION)
		return verdict(res, SCION_FWD_DROP, SCION_FWD_bad_header);
	/* §2.5 steps 1-2: singleton non-peer segments, peering shape (ParamProblem 48). */
	for (unsigned i = 0; i < p->num_inf; i++) {
		if (p->seg_len[i] == 1 && !(p->inf[i].flags & SCION_INF_P))
			return param_problem(res, SCION_FWD_bad_header, 48,
					     SCION_CMN_LEN + scion_addr_len(h));
	}
	if ((p->inf[p->curr_inf].flags & SCION_INF_P) && !scion_path_peering_ok(p))
		return param_problem(res, SCION_FWD_bad_header, 48,
				     SCION_CMN_LEN + scion_addr_len(h));

	/*
	 * Step 6, done first: the C=0 ingress update is plain arithmetic, and an SCMP
	 * error built from this state then carries the accumulator the reversed path
	 * needs at our hop.
	 */
	scion_acc_ingress(p, ext);
	bool cons = p->inf[p->curr_inf].flags & SCION_INF_C;
	const struct scion_hop *hf = &p->hf[p->curr_hf];
	if (ext) {
		if ((cons ? hf->cons_in : hf->cons_eg) != in_ifid)
			return param_problem(res, SCION_FWD_bad_ingress, cons ? 49 : 50,
					     hop_offset(h));
	} else if (h->src_ia != r->ia) {
		return param_problem(res, SCION_FWD_bad_src, 33, OFF_SRC_IA);
	}
	if ((rc = check_hop(r, res, now_ms, &ok)) < 0 || !ok)
		return rc;

	if (p->curr_hf + 1 == p->num_hf) {
		/* The path ends here: local delivery (step 8). */
		if (h->dst_ia != r->ia)
			return param_problem(res, SCION_FWD_not_local, 34, OFF_DST_IA);
		if (write_path(h, pkt, len) < 0)
			return verdict(res, SCION_FWD_DROP, SCION_FWD_bad_header);
		size_t hl = (size_t)h->hdr_len * 4;
		res->host = h->dst;
		res->port = scion_fwd_host_port(h, pkt + hl, len - hl);
		return verdict(res, SCION_FWD_DELIVER, SCION_FWD_OK);
	}
	/* Step 9: segment switch at the ingress router, then the new hop is checked too. */
	if (ext && !scion_path_is_peer_hop(p) &&
	    scion_path_seg_of(p, p->curr_hf + 1U) != (int)p->curr_inf) {
		if (scion_path_next(p) < 0)
			return verdict(res, SCION_FWD_DROP, SCION_FWD_bad_header);
		if ((rc = check_hop(r, res, now_ms, &ok)) < 0 || !ok)
			return rc;
		cons = p->inf[p->curr_inf].flags & SCION_INF_C;
		hf = &p->hf[p->curr_hf];
	}
	/* Steps 10-12: egress interface, link state, accumulator, next hop. */
	uint16_t eg = cons ? hf->cons_eg : hf->cons_in;
	int st = eg ? r->link_state(r->ctx, eg) : -1;
	if (st < 0)
		return param_problem(res, SCION_FWD_unknown_egress, 50, hop_offset(h));
	if (st == 0) {
		memset(&res->scmp, 0, sizeof(res->scmp));
		res->scmp.type = SCMP_EXT_IF_DOWN;
		res->scmp.u.ext_down.ia = r->ia;
		res->scmp.u.ext_down.ifid = eg;
		return verdict(res, SCION_FWD_ERROR, SCION_FWD_if_down);
	}
	scion_acc_egress(p);
	if (scion_path_next(p) < 0 || write_path(h, pkt, len) < 0)
		return verdict(res, SCION_FWD_DROP, SCION_FWD_bad_header);
	res->egress = eg;
	return verdict(res, SCION_FWD_FORWARD, SCION_FWD_OK);
}

uint16_t scion_fwd_host_port(const struct scion_hdr *h, const uint8_t *payload, size_t len)
{
	struct scion_l4 l4;
	const char *why;

	if (scion_l4_locate(h->next_hdr, payload, len, &l4, &why) < 0 || l4.len < 8)
		return SCION_FWD_DEFAULT_PORT;
	if (l4.proto == SCION_PROTO_UDP)
		return get_be16(l4.data + 2);
	if (l4.proto != SCION_PROTO_SCMP)
		return SCION_FWD_DEFAULT_PORT;
	uint8_t type = l4.data[0];
	if (type == SCMP_ECHO_REPLY || type == SCMP_TRACE_REPLY)
		return get_be16(l4.data + 4);
	if (!scmp_is_error(type))
		return SCION_FWD_DEFAULT_PORT;
	/* An error: the source port of the quoted UDP packet. */
	struct scmp_msg m;
	struct scion_hdr q;
	struct scion_l4 ql4;
	if (scmp_parse(l4.data, l4.len, &m) < 0 ||
	    scion_parse(m.data, m.data_len, SCION_PARSE_PARTIAL, &q, &why) < 0)
		return SCION_FWD_DEFAULT_PORT;
	size_t qh = (size_t)q.hdr_len * 4;
	size_t qn = MIN(m.data_len - qh, (size_t)q.payload_len);
	if (scion_l4_locate(q.next_hdr, m.data + qh, qn, &ql4, &why) < 0 ||
	    ql4.proto != SCION_PROTO_UDP || ql4.len < 2)
		return SCION_FWD_DEFAULT_PORT;
	return get_be16(ql4.data);
}

ssize_t scion_fwd_scmp(struct scion_hdr *h, const struct scmp_msg *m, uint8_t *out, size_t cap)
{
	size_t ml = scmp_len(m), hl;
	struct scmp_msg mm = *m;
	int rc;

	h->next_hdr = SCION_PROTO_SCMP;
	if (scion_hdr_finalize(h, ml) < 0)
		return -EINVAL;
	if ((rc = scion_encode(h, out, cap, &hl)) < 0)
		return rc;
	if (hl + ml > cap)
		return -ENOSPC;
	mm.csum = 0;
	struct wcur w = wcur_make(out + hl, ml);
	if ((rc = scmp_encode(&mm, &w)) < 0)
		return rc;
	put_be16(out + hl + 2, scion_l4_checksum(h, SCION_PROTO_SCMP, out + hl, ml));
	return (ssize_t)(hl + ml);
}

ssize_t scion_fwd_scmp_error(const struct scion_hdr *at, const uint8_t *pkt, size_t len,
			     uint64_t ia, const struct scion_host *src, const struct scmp_msg *m,
			     uint16_t in_ifid, uint8_t *out, size_t cap)
{
	struct scion_hdr h;
	struct scion_l4 l4;
	const char *why;
	size_t hl = (size_t)at->hdr_len * 4;

	if (at->path_type != SCION_PATH_SCION || hl > len)
		return -EINVAL;
	/* Never an error about an error (§5.2). */
	if (scion_l4_locate(at->next_hdr, pkt + hl, len - hl, &l4, &why) == 0 &&
	    l4.proto == SCION_PROTO_SCMP && l4.len > 0 && scmp_is_error(l4.data[0]))
		return -EINVAL;
	h = *at;
	if (scion_hdr_reverse(&h) < 0)
		return -EINVAL;
	h.src_ia = ia;
	h.src = *src;
	if (in_ifid) {
		struct scion_path *p = &h.path.scion;
		const struct scion_hop *hf = &p->hf[p->curr_hf];
		bool cons = p->inf[p->curr_inf].flags & SCION_INF_C;
		/* An error after a segment switch sits on the later segment's hop. */
		if ((cons ? hf->cons_eg : hf->cons_in) != in_ifid) {
			if (scion_path_seg_of(p, p->curr_hf + 1U) == (int)p->curr_inf ||
			    scion_path_next(p) < 0)
				return -EINVAL;
			hf = &p->hf[p->curr_hf];
			cons = p->inf[p->curr_inf].flags & SCION_INF_C;
			if ((cons ? hf->cons_eg : hf->cons_in) != in_ifid)
				return -EINVAL;
		}
		scion_acc_egress(p);
		if (scion_path_next(p) < 0)
			return -EINVAL;
	}
	struct scmp_msg mm = *m;
	mm.data = NULL;
	mm.data_len = 0;
	size_t fixed = scion_hdr_len(&h) + scmp_len(&mm);
	if (fixed < SCMP_ERROR_MAX) {
		mm.data = pkt;
		mm.data_len = MIN(len, SCMP_ERROR_MAX - fixed);
	}
	return scion_fwd_scmp(&h, &mm, out, cap);
}

ssize_t scion_fwd_encap(const struct scion_fwd_ip *e, const uint8_t *ip, size_t len, uint8_t *out,
			size_t cap)
{
	struct scion_hdr h;
	size_t l4 = 8 + len, hl;
	int rc;

	if (!e->path || e->path->num_hf == 0)
		return -EINVAL;
	if (l4 > UINT16_MAX)
		return -EMSGSIZE;
	memset(&h, 0, sizeof(h));
	h.flow = e->flow & 0xfffffU;
	if (h.flow == 0)
		h.flow = 1;
	h.next_hdr = SCION_PROTO_UDP;
	h.path_type = SCION_PATH_SCION;
	h.dst_ia = e->dst_ia;
	h.src_ia = e->src_ia;
	h.dst = e->dst;
	h.src = e->src;
	h.path.scion = *e->path;
	h.path.scion.curr_inf = 0;
	h.path.scion.curr_hf = 0;
	if (scion_hdr_finalize(&h, l4) < 0)
		return -EINVAL;
	rc = scion_encode(&h, out, cap, &hl);
	if (rc == -ENOSPC || (rc == 0 && hl + l4 > cap))
		return -EMSGSIZE;
	if (rc < 0)
		return rc;
	uint8_t *u = out + hl;
	put_be16(u, e->port);
	put_be16(u + 2, e->port);
	put_be16(u + 4, (uint16_t)l4);
	put_be16(u + 6, 0);
	memcpy(u + 8, ip, len);
	uint16_t cs = scion_l4_checksum(&h, SCION_PROTO_UDP, u, l4);
	/* RFC 768: a computed 0 is sent as all ones; 0 means "no checksum", refused here. */
	put_be16(u + 6, cs ? cs : 0xffff);
	return (ssize_t)(hl + l4);
}

ssize_t scion_fwd_too_big(const uint8_t *pkt, size_t len, const uint8_t *src, uint32_t mtu,
			  uint8_t *out, size_t cap)
{
	/* icmp.c builds the unreachable answer with all its no-answer rules; retype it. */
	if (len >= 20 && (pkt[0] >> 4) == 4 && !(get_be16(pkt + 6) & 0x4000))
		return 0;
	int n = icmp_unreach_build(pkt, len, src, out, cap);
	if (n <= 0)
		return n;
	if ((out[0] >> 4) == 6) {
		out[40] = 2; /* Packet Too Big */
		out[41] = 0;
		put_be32(out + 44, mtu);
		if (icmp_finish6(out, (size_t)n) < 0)
			return -EINVAL;
	} else {
		out[20] = 3; /* Destination Unreachable */
		out[21] = 4; /* fragmentation needed and DF set */
		put_be16(out + 22, 0);
		put_be16(out + 24, 0);
		put_be16(out + 26, (uint16_t)MIN(mtu, 0xffffU));
		put_be16(out + 22, icmp_csum(out + 20, (size_t)n - 20, 0));
	}
	return n;
}

static int rx_fail(enum scion_fwd_rx_reason *why, enum scion_fwd_rx_reason r)
{
	*why = r;
	return -EBADMSG;
}

int scion_fwd_host_rx(const uint8_t *pkt, size_t len, uint64_t ia, const struct scion_host *host,
		      uint16_t port, struct scion_fwd_rx *rx, enum scion_fwd_rx_reason *why)
{
	const char *w;
	struct scion_l4 l4;
	struct scion_udp u;

	*why = SCION_FWD_RX_OK;
	if (scion_parse(pkt, len, 0, &rx->h, &w) < 0)
		return rx_fail(why, SCION_FWD_rx_bad_header);
	if (rx->h.dst_ia != ia || rx->h.dst.type != host->type ||
	    memcmp(rx->h.dst.addr, host->addr, host->len) != 0)
		return rx_fail(why, SCION_FWD_rx_not_for_us);
	size_t hl = (size_t)rx->h.hdr_len * 4;
	if (scion_l4_locate(rx->h.next_hdr, pkt + hl, len - hl, &l4, &w) < 0)
		return rx_fail(why, SCION_FWD_rx_bad_header);
	rx->proto = l4.proto;
	switch (l4.proto) {
	case SCION_PROTO_UDP:
		if (scion_udp_parse(l4.data, l4.len, &u) < 0)
			return rx_fail(why, SCION_FWD_rx_bad_header);
		if (u.dport != port)
			return rx_fail(why, SCION_FWD_rx_bad_port);
		if (u.csum == 0 || scion_l4_checksum(&rx->h, SCION_PROTO_UDP, l4.data, l4.len) != 0)
			return rx_fail(why, SCION_FWD_rx_bad_checksum);
		rx->data = u.payload;
		rx->data_len = u.payload_len;
		return 0;
	case SCION_PROTO_SCMP:
		if (scion_l4_checksum(&rx->h, SCION_PROTO_SCMP, l4.data, l4.len) != 0)
			return rx_fail(why, SCION_FWD_rx_bad_checksum);
		if (scmp_parse(l4.data, l4.len, &rx->scmp) < 0)
			return rx_fail(why, SCION_FWD_rx_bad_header);
		rx->data = l4.data;
		rx->data_len = l4.len;
		return 0;
	default:
		return rx_fail(why, SCION_FWD_rx_unknown_proto);
	}
}
