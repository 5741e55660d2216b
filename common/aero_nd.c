// SPDX-License-Identifier: MIT
/*
 * aero_nd.c - AERO RS / RA construction and checks (aero_nd.h) on the ND
 * codec, spec/omni-aero.md §5.3 and the sub-option layouts of §4.5. Owns
 * nothing: every message is built into or read from the caller's buffer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "aero_ml.h"
#include "aero_nd.h"
#include "cursor.h"
#include "keys.h"
#include "wire_nd.h"

static const struct in6_addr all_routers = {
    .s6_addr = {0xff, 0x02, [15] = 0x02}}; /* ff02::2, RFC 4291 §2.7.1 */

bool aero_nd_is_nd(const uint8_t *pkt, size_t len)
{
	if (len < 41 || (pkt[0] >> 4) != 6 || pkt[6] != ICMP6_NH)
		return false;
	return pkt[40] >= ICMP6_TYPE_RS && pkt[40] <= ICMP6_TYPE_NA;
}

static struct nd_subopt *add(struct nd_msg *m, uint8_t type)
{
	struct nd_subopt *s = &m->sub[m->n_sub++];
	memset(s, 0, sizeof(*s));
	s->type = type;
	return s;
}

static void add_node_id(struct nd_msg *m, const uint8_t *pk)
{
	struct nd_subopt *s = add(m, OMNI_SUB_NODE_ID);
	s->u.node_id.id_type = OMNI_NODE_ID_ED25519;
	s->u.node_id.id = pk;
	s->u.node_id.id_len = 32;
}

static struct nd_ifattr *add_ifattr(struct nd_msg *m, uint8_t if_index,
				    const union sockaddr_any *l2, uint32_t lhs_msid, uint8_t fmt)
{
	struct nd_subopt *s = add(m, OMNI_SUB_IFATTR);
	struct nd_ifattr *a = &s->u.ifattr;
	a->if_index = if_index;
	a->lhs_msid = lhs_msid;
	a->fmt = fmt;
	a->api = OMNI_IFATTR_API_NONE;
	if (l2 && l2->sa.sa_family == AF_INET) {
		a->api = OMNI_IFATTR_API_UDP4;
		a->port = ntohs(l2->in4.sin_port);
		memcpy(a->addr, &l2->in4.sin_addr, 4);
	} else if (l2 && l2->sa.sa_family == AF_INET6) {
		a->api = OMNI_IFATTR_API_UDP6;
		a->port = ntohs(l2->in6.sin6_port);
		memcpy(a->addr, &l2->in6.sin6_addr, 16);
	}
	return a;
}

/* Link and Preferences of @a from @link / @pref (NULL: no Preferences); @buf holds the
 * encoded Preferences until the message is encoded. */
static int set_link_pref(struct nd_ifattr *a, uint8_t link, const uint8_t *pref,
			 uint8_t buf[AERO_ML_PREFS_MAX])
{
	a->link = (uint8_t)(link & 0xf);
	if (!pref)
		return 0;
	int l = aero_ml_prefs_encode(pref, buf, AERO_ML_PREFS_MAX);
	if (l < 0)
		return l;
	a->prefs = l ? buf : NULL;
	a->prefs_len = (size_t)l;
	return 0;
}

static void ifattr_from(const struct nd_ifattr *a, struct aero_ifattr *o)
{
	memset(o, 0, sizeof(*o));
	o->if_index = a->if_index;
	o->link = a->link;
	if (a->api == OMNI_IFATTR_API_UDP4) {
		o->l2.in4.sin_family = AF_INET;
		o->l2.in4.sin_port = htons(a->port);
		memcpy(&o->l2.in4.sin_addr, a->addr, 4);
		o->has_l2 = true;
	} else if (a->api == OMNI_IFATTR_API_UDP6) {
		o->l2.in6.sin6_family = AF_INET6;
		o->l2.in6.sin6_port = htons(a->port);
		memcpy(&o->l2.in6.sin6_addr, a->addr, 16);
		o->has_l2 = true;
	}
}

/* The Interface Attributes of decoded @m into @out (AERO_ND_MAX_IFS). */
static int collect_ifattrs(const struct nd_msg *m, struct aero_ifattr *out, size_t *n_out)
{
	size_t k = 0;

	for (size_t i = 0; i < m->n_sub; i++) {
		const struct nd_ifattr *a = &m->sub[i].u.ifattr;
		if (m->sub[i].type != OMNI_SUB_IFATTR)
			continue;
		if (k == AERO_ND_MAX_IFS)
			return -EBADMSG;
		ifattr_from(a, &out[k]);
		if (aero_ml_prefs_decode(a->prefs, a->prefs_len, out[k].pref) < 0)
			return -EBADMSG;
		k++;
	}
	*n_out = k;
	return 0;
}

int aero_nd_ifattrs(const uint8_t *p, size_t n, struct aero_ifattr *out, size_t *n_out)
{
	struct nd_msg *m = xcalloc(1, sizeof(*m));
	int r = -EBADMSG;

	*n_out = 0;
	if (wire_nd_decode(p, n, m, NULL) == 0)
		r = collect_ifattrs(m, out, n_out);
	free(m);
	return r;
}

static void add_auth(struct nd_msg *m, const uint8_t *pk, uint64_t wall_ms)
{
	struct nd_subopt *s = add(m, OMNI_SUB_AUTH);
	s->u.auth.alg = OMNI_AUTH_ALG_ED25519;
	/* VECTORS.md §2.2: Key ID = the first 4 octets of the signer's key, big-endian. */
	s->u.auth.key_id = get_be32(pk);
	s->u.auth.timestamp_ms = wall_ms;
}

ssize_t aero_nd_build_rs(const struct aero_nd_client *c, bool release, uint64_t wall_ms,
			 uint8_t *out, size_t cap)
{
	struct nd_msg *m = xcalloc(1, sizeof(*m));

	m->hop_limit = ND_HOP_LIMIT;
	m->type = ICMP6_TYPE_RS;
	omni_lla_from_mnp(c->mnp, &m->src);
	m->dst = all_routers;
	add_node_id(m, c->ed_pk);
	uint8_t pb[AERO_ND_MAX_IFS][AERO_ML_PREFS_MAX];
	ssize_t r = -EINVAL;
	if (c->n_extra > AERO_ND_MAX_IFS - 1 ||
	    set_link_pref(add_ifattr(m, c->if_index, c->l2, c->server_msid, 0), c->link, c->pref,
			  pb[0]) < 0)
		goto out;
	for (size_t i = 0; i < c->n_extra; i++) {
		const struct aero_ifattr *x = &c->extra[i];
		if (set_link_pref(
			add_ifattr(m, x->if_index, x->has_l2 ? &x->l2 : NULL, c->server_msid, 0),
			x->link, x->pref, pb[i + 1]) < 0)
			goto out;
	}
	struct nd_subopt *ms = add(m, release ? OMNI_SUB_MS_RELEASE : OMNI_SUB_MS_REGISTER);
	ms->u.msids.n = 1;
	ms->u.msids.msid[0] = c->server_msid;
	add_auth(m, c->ed_pk, wall_ms);
	r = wire_nd_encode(m, c->ed_sk, out, cap);
out:
	free(m);
	return r;
}

int aero_nd_check_rs(const uint8_t *p, size_t n, uint64_t wall_ms, struct aero_rs *rs,
		     enum aero_refusal *why)
{
	struct nd_msg *m = xcalloc(1, sizeof(*m));
	enum wire_nd_err e;
	const uint8_t *key = NULL;
	int r = -EBADMSG;

	memset(rs, 0, sizeof(*rs));
	*why = AERO_REFUSE_malformed;
	if (wire_nd_decode(p, n, m, NULL) < 0 || m->type != ICMP6_TYPE_RS)
		goto out;
	if (m->node_key_idx < 0) {
		*why = AERO_REFUSE_auth; /* §5.3 item 1: Node Identification is required */
		goto out;
	}
	int v = wire_nd_verify(p, n, m, NULL, wall_ms, OMNI_AUTH_WINDOW_MS, &key, &e);
	if (v < 0) {
		*why = e == WIRE_ND_EAUTH_STALE ? AERO_REFUSE_stale : AERO_REFUSE_auth;
		goto out;
	}
	if (collect_ifattrs(m, rs->ifs, &rs->n_ifs) < 0)
		goto out; /* malformed: Preferences not matching their Bitmap, too many */
	memcpy(rs->key, key, 32);
	rs->src = m->src;
	rs->timestamp_ms = m->sub[m->auth_idx].u.auth.timestamp_ms;
	for (size_t i = 0; i < m->n_sub; i++) {
		const struct nd_subopt *s = &m->sub[i];
		if (s->type == OMNI_SUB_MS_REGISTER && !rs->has_register) {
			rs->has_register = true;
			rs->register_msid = s->u.msids.n ? s->u.msids.msid[0] : 0;
		} else if (s->type == OMNI_SUB_MS_RELEASE) {
			rs->has_release = true;
			for (size_t k = 0; k < s->u.msids.n; k++)
				if (s->u.msids.msid[k] != 0)
					rs->release_us = true;
		}
	}
	r = 0;
out:
	free(m);
	return r;
}

ssize_t aero_nd_build_ra(const struct aero_nd_server *s, const struct prefix *mnp,
			 const union sockaddr_any *origin, uint32_t lifetime_s, uint64_t wall_ms,
			 uint8_t *out, size_t cap)
{
	struct nd_msg *m = xcalloc(1, sizeof(*m));

	m->hop_limit = ND_HOP_LIMIT;
	m->type = ICMP6_TYPE_RA;
	omni_lla_adm(s->msid, &m->src);
	omni_lla_from_mnp(mnp, &m->dst);
	m->ra_router_lifetime = (uint16_t)MIN(lifetime_s, 65535u);
	m->ra_reachable_time = AERO_REACHABLE_TIME_MS;
	m->ra_retrans_timer = AERO_RETRANS_TIMER_MS;
	if (origin && (origin->sa.sa_family == AF_INET || origin->sa.sa_family == AF_INET6)) {
		struct nd_subopt *o = add(m, OMNI_SUB_ORIGIN);
		if (origin->sa.sa_family == AF_INET) {
			o->u.origin.port = ntohs(origin->in4.sin_port);
			memcpy(o->u.origin.addr, &origin->in4.sin_addr, 4);
		} else {
			o->u.origin.v6 = true;
			o->u.origin.port = ntohs(origin->in6.sin6_port);
			memcpy(o->u.origin.addr, &origin->in6.sin6_addr, 16);
		}
	}
	add_node_id(m, s->ed_pk);
	add_ifattr(m, 1, NULL, s->msid, OMNI_IFATTR_FMT_F);
	add_auth(m, s->ed_pk, wall_ms);
	ssize_t r = wire_nd_encode(m, s->ed_sk, out, cap);
	free(m);
	return r;
}

int aero_nd_check_ra(const uint8_t *p, size_t n, uint64_t wall_ms, const uint8_t server_key[32],
		     uint32_t msid, const struct prefix *mnp, struct aero_ra *ra)
{
	struct nd_msg *m = xcalloc(1, sizeof(*m));
	struct in6_addr want;
	enum wire_nd_err e;
	const uint8_t *key = NULL;
	int r = -EBADMSG;

	memset(ra, 0, sizeof(*ra));
	if (wire_nd_decode(p, n, m, NULL) < 0 || m->type != ICMP6_TYPE_RA)
		goto out;
	r = -EACCES;
	if (wire_nd_verify(p, n, m, server_key, wall_ms, OMNI_AUTH_WINDOW_MS, &key, &e) < 0)
		goto out;
	/* The carried key only proved the signature: it must be the configured one. */
	if (!keys_equal(key, server_key, 32))
		goto out;
	omni_lla_adm(msid, &want);
	if (memcmp(&want, &m->src, 16) != 0)
		goto out;
	omni_lla_from_mnp(mnp, &want);
	if (memcmp(&want, &m->dst, 16) != 0)
		goto out;
	ra->lifetime_s = m->ra_router_lifetime;
	ra->reachable_ms = m->ra_reachable_time;
	ra->retrans_ms = m->ra_retrans_timer;
	for (size_t i = 0; i < m->n_sub; i++) {
		const struct nd_origin *o = &m->sub[i].u.origin;
		if (m->sub[i].type != OMNI_SUB_ORIGIN || ra->has_origin)
			continue;
		ra->has_origin = true;
		if (o->v6) {
			ra->origin.in6.sin6_family = AF_INET6;
			ra->origin.in6.sin6_port = htons(o->port);
			memcpy(&ra->origin.in6.sin6_addr, o->addr, 16);
		} else {
			ra->origin.in4.sin_family = AF_INET;
			ra->origin.in4.sin_port = htons(o->port);
			memcpy(&ra->origin.in4.sin_addr, o->addr, 4);
		}
	}
	r = 0;
out:
	free(m);
	return r;
}

/* ---- route optimization ---- */

static void lla_from64(const uint8_t *net64, struct in6_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->s6_addr[0] = 0xfe;
	out->s6_addr[1] = 0x80;
	memcpy(out->s6_addr + 8, net64, 8);
}

ssize_t aero_nd_build_ns(const struct aero_nd_client *c, const uint8_t target64[8],
			 uint64_t wall_ms, uint8_t *out, size_t cap)
{
	struct nd_msg *m = xcalloc(1, sizeof(*m));

	m->hop_limit = ND_HOP_LIMIT;
	m->type = ICMP6_TYPE_NS;
	omni_lla_from_mnp(c->mnp, &m->src);
	lla_from64(target64, &m->dst);
	m->target = m->dst;
	add_node_id(m, c->ed_pk);
	add_ifattr(m, c->if_index, c->l2, c->server_msid, 0);
	add_auth(m, c->ed_pk, wall_ms);
	ssize_t r = wire_nd_encode(m, c->ed_sk, out, cap);
	free(m);
	return r;
}

int aero_nd_check_ns(const uint8_t *p, size_t n, uint64_t wall_ms, struct aero_ns *ns)
{
	struct nd_msg *m = xcalloc(1, sizeof(*m));
	enum wire_nd_err e;
	const uint8_t *key = NULL;
	int r = -EBADMSG;

	memset(ns, 0, sizeof(*ns));
	if (wire_nd_decode(p, n, m, NULL) < 0 || m->type != ICMP6_TYPE_NS || m->node_key_idx < 0)
		goto out;
	if (wire_nd_verify(p, n, m, NULL, wall_ms, OMNI_AUTH_WINDOW_MS, &key, &e) < 0)
		goto out;
	memcpy(ns->key, key, 32);
	ns->src = m->src;
	ns->target = m->target;
	ns->timestamp_ms = m->sub[m->auth_idx].u.auth.timestamp_ms;
	r = 0;
out:
	free(m);
	return r;
}

/* An NA (R=1, O=1) from server @msid's ADM-LLA to @dst about @target's MNP-LLA. */
static void na_init(struct nd_msg *m, uint32_t msid, const struct in6_addr *dst,
		    const struct prefix *target)
{
	m->hop_limit = ND_HOP_LIMIT;
	m->type = ICMP6_TYPE_NA;
	omni_lla_adm(msid, &m->src);
	m->dst = *dst;
	omni_lla_from_mnp(target, &m->target);
	m->na_r = true;
	m->na_o = true;
}

/* The Vouched Key sub-option of @v (key, MNP length, MNP), packed into @vk, which must
 * outlive the encoding of @m. */
static void add_vouched_key(struct nd_msg *m, const struct aero_vouch *v,
			    uint8_t vk[AERO_VOUCHED_KEY_LEN])
{
	memcpy(vk, v->key, 32);
	vk[32] = v->mnp.plen;
	memcpy(vk + 33, v->mnp.addr, 16);
	struct nd_subopt *o = add(m, AERO_SUB_VOUCHED_KEY);
	o->u.unknown.data = vk;
	o->u.unknown.len = AERO_VOUCHED_KEY_LEN;
}

ssize_t aero_nd_build_na(const struct aero_nd_server *s, const struct prefix *dst_mnp,
			 const struct aero_vouch *v, bool solicited, uint64_t wall_ms, uint8_t *out,
			 size_t cap)
{
	struct nd_msg *m = xcalloc(1, sizeof(*m));
	uint8_t vk[AERO_VOUCHED_KEY_LEN];

	if (v->mnp.family != AF_INET6) {
		free(m);
		return -EINVAL;
	}
	struct in6_addr dst;
	omni_lla_from_mnp(dst_mnp, &dst);
	na_init(m, s->msid, &dst, &v->mnp);
	m->na_s = solicited;
	uint8_t pb[AERO_ND_MAX_IFS][AERO_ML_PREFS_MAX];
	if (v->n_ifs > AERO_ND_MAX_IFS) {
		free(m);
		return -EINVAL;
	}
	if (!v->n_ifs)
		add_ifattr(m, 1, &v->l2, s->msid, OMNI_IFATTR_FMT_F);
	for (size_t i = 0; i < v->n_ifs; i++) {
		const struct aero_ifattr *x = &v->ifs[i];
		if (set_link_pref(add_ifattr(m, x->if_index, x->has_l2 ? &x->l2 : NULL, s->msid,
					     OMNI_IFATTR_FMT_F),
				  x->link, x->pref, pb[i]) < 0) {
			free(m);
			return -EINVAL;
		}
	}
	add_vouched_key(m, v, vk);
	add_node_id(m, s->ed_pk);
	add_auth(m, s->ed_pk, wall_ms);
	ssize_t r = wire_nd_encode(m, s->ed_sk, out, cap);
	free(m);
	return r;
}

/*
 * The Vouched Key and the first UDP Interface Attributes of @m into @v.
 * Returns -EBADMSG for a second or malformed Vouched Key; *@have_key and
 * *@have_l2 say what was found.
 */
static int parse_vouch(const struct nd_msg *m, struct aero_vouch *v, bool *have_key, bool *have_l2)
{
	*have_key = *have_l2 = false;
	for (size_t i = 0; i < m->n_sub; i++) {
		const struct nd_subopt *s = &m->sub[i];
		if (s->type == AERO_SUB_VOUCHED_KEY) {
			const uint8_t *d = s->u.unknown.data;
			if (*have_key || s->u.unknown.len != AERO_VOUCHED_KEY_LEN || d[32] > 64)
				return -EBADMSG;
			*have_key = true;
			memcpy(v->key, d, 32);
			v->mnp.family = AF_INET6;
			v->mnp.plen = d[32];
			memcpy(v->mnp.addr, d + 33, 16);
			prefix_mask(&v->mnp);
		} else if (s->type == OMNI_SUB_IFATTR && !*have_l2) {
			const struct nd_ifattr *a = &s->u.ifattr;
			if (a->api == OMNI_IFATTR_API_UDP4) {
				v->l2.in4.sin_family = AF_INET;
				v->l2.in4.sin_port = htons(a->port);
				memcpy(&v->l2.in4.sin_addr, a->addr, 4);
				*have_l2 = true;
			} else if (a->api == OMNI_IFATTR_API_UDP6) {
				v->l2.in6.sin6_family = AF_INET6;
				v->l2.in6.sin6_port = htons(a->port);
				memcpy(&v->l2.in6.sin6_addr, a->addr, 16);
				*have_l2 = true;
			}
		}
	}
	return 0;
}

int aero_nd_check_na(const uint8_t *p, size_t n, uint64_t wall_ms, const uint8_t server_key[32],
		     uint32_t msid, const struct prefix *mnp, struct aero_vouch *v)
{
	struct nd_msg *m = xcalloc(1, sizeof(*m));
	struct in6_addr want;
	enum wire_nd_err e;
	const uint8_t *key = NULL;
	bool have_key = false, have_l2 = false;
	int r = -EBADMSG;

	memset(v, 0, sizeof(*v));
	if (wire_nd_decode(p, n, m, NULL) < 0 || m->type != ICMP6_TYPE_NA)
		goto out;
	if (parse_vouch(m, v, &have_key, &have_l2) < 0 || !have_key || !have_l2 ||
	    collect_ifattrs(m, v->ifs, &v->n_ifs) < 0)
		goto out;
	r = -EACCES;
	if (wire_nd_verify(p, n, m, server_key, wall_ms, OMNI_AUTH_WINDOW_MS, &key, &e) < 0 ||
	    !keys_equal(key, server_key, 32))
		goto out;
	omni_lla_adm(msid, &want);
	if (memcmp(&want, &m->src, 16) != 0)
		goto out;
	omni_lla_from_mnp(mnp, &want);
	if (memcmp(&want, &m->dst, 16) != 0)
		goto out;
	omni_lla_from_mnp(&v->mnp, &want);
	if (memcmp(&want, &m->target, 16) != 0)
		goto out;
	r = 0;
out:
	free(m);
	return r;
}

/* ---- route updates ---- */

ssize_t aero_nd_build_ru(const struct aero_nd_server *s, uint32_t to_msid,
			 const struct aero_vouch *v, uint32_t lifetime_s, uint64_t wall_ms,
			 uint8_t *out, size_t cap)
{
	uint8_t vk[AERO_VOUCHED_KEY_LEN], ru[AERO_ROUTE_UPDATE_LEN];

	if (v->mnp.family != AF_INET6 || v->mnp.plen > 64)
		return -EINVAL;
	struct nd_msg *m = xcalloc(1, sizeof(*m));
	struct in6_addr dst;
	omni_lla_adm(to_msid, &dst);
	na_init(m, s->msid, &dst, &v->mnp);
	add_ifattr(m, 1, &v->l2, s->msid, OMNI_IFATTR_FMT_F);
	add_vouched_key(m, v, vk);
	struct nd_subopt *o;
	put_be32(ru, s->msid);
	put_be32(ru + 4, lifetime_s);
	o = add(m, AERO_SUB_ROUTE_UPDATE);
	o->u.unknown.data = ru;
	o->u.unknown.len = sizeof(ru);
	add_node_id(m, s->ed_pk);
	add_auth(m, s->ed_pk, wall_ms);
	ssize_t r = wire_nd_encode(m, s->ed_sk, out, cap);
	free(m);
	return r;
}

int aero_nd_check_ru(const uint8_t *p, size_t n, uint64_t wall_ms, const uint8_t anchor_key[32],
		     uint32_t anchor_msid, uint32_t my_msid, struct aero_ru *ru)
{
	struct nd_msg *m = xcalloc(1, sizeof(*m));
	struct in6_addr want;
	enum wire_nd_err e;
	const uint8_t *key = NULL;
	bool have_key, have_l2, have_ru = false;
	int r = -EBADMSG;

	memset(ru, 0, sizeof(*ru));
	if (wire_nd_decode(p, n, m, NULL) < 0 || m->type != ICMP6_TYPE_NA)
		goto out;
	if (parse_vouch(m, &ru->v, &have_key, &have_l2) < 0 || !have_key || !have_l2)
		goto out;
	for (size_t i = 0; i < m->n_sub; i++) {
		const struct nd_subopt *s = &m->sub[i];
		if (s->type != AERO_SUB_ROUTE_UPDATE)
			continue;
		if (have_ru || s->u.unknown.len != AERO_ROUTE_UPDATE_LEN)
			goto out;
		have_ru = true;
		ru->anchor_msid = get_be32(s->u.unknown.data);
		ru->lifetime_s = get_be32(s->u.unknown.data + 4);
	}
	if (!have_ru)
		goto out;
	r = -EACCES;
	if (wire_nd_verify(p, n, m, anchor_key, wall_ms, OMNI_AUTH_WINDOW_MS, &key, &e) < 0 ||
	    !keys_equal(key, anchor_key, 32))
		goto out;
	if (ru->anchor_msid != anchor_msid)
		goto out;
	omni_lla_adm(anchor_msid, &want);
	if (memcmp(&want, &m->src, 16) != 0)
		goto out;
	omni_lla_adm(my_msid, &want);
	if (memcmp(&want, &m->dst, 16) != 0)
		goto out;
	omni_lla_from_mnp(&ru->v.mnp, &want);
	if (memcmp(&want, &m->target, 16) != 0)
		goto out;
	ru->timestamp_ms = m->sub[m->auth_idx].u.auth.timestamp_ms;
	r = 0;
out:
	if (r < 0)
		memset(ru, 0, sizeof(*ru));
	free(m);
	return r;
}
