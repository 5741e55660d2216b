// SPDX-License-Identifier: MIT
/*
 * aero_mesh.c - the AERO server mesh (aero_mesh.h, spec/omni-aero.md §5.4
 * [P], §5.6, §5.8; docs/aero.md "Servers and the mesh"). Owns struct
 * aero_mesh: the meshed servers (from the [peer.NAME] mesh = yes sections,
 * re-read at every tick so a reload applies), the routes learned from them
 * (common/aero_rt.c) and the mesh counters. Learned routes become prefixes of
 * the anchor's peer (trie and kernel), so a server forwards to another
 * server's client through its TUN like to its own. Only local registrations
 * are ever announced: a route learned from one server is never passed on.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "aero.h"
#include "aero_mesh.h"
#include "aero_rt.h"
#include "aero_timers.h"
#include "datapath.h"
#include "keys.h"
#include "log.h"
#include "node.h"
#include "peer.h"

#define MESH_ND_BUF 1024
/* Learned routes removed per round of aero_rt_expire(). */
#define MESH_GONE_BATCH 16
/* [P] a meshed server without a session gets a handshake this often. */
#define MESH_KICK_MS 5000

#define MESH_COUNTERS(X)                                                                           \
	X(ru_tx)	  /* route updates sent */                                                 \
	X(ru_rx)	  /* route updates accepted */                                             \
	X(ru_refused)	  /* route updates that failed the check or the policy */                  \
	X(ru_ignored)	  /* older than the route's last update, or a withdrawal of nothing */     \
	X(resyncs)	  /* every local route resent to a meshed server on a new session */       \
	X(ru_deferred)	  /* route updates not sent for want of a session (the resync follows) */  \
	X(ns_forwarded)	  /* NS(AR) for a learned route answered here and sent to its anchor */    \
	X(ns_fwd_rx)	  /* NS(AR) forwarded by a meshed server for a client of ours */           \
	X(ns_fwd_refused) /* ... whose signer, source or target did not check out */               \
	X(na_tx)	  /* NA(AR) / uNA sent about a learned client */

struct mesh_counters {
#define X(n) uint64_t n;
	MESH_COUNTERS(X)
#undef X
};

/* One meshed server. */
struct mesh_srv {
	char name[64];
	uint8_t key[32];
	uint32_t msid;
	bool hs_known;	       /* hs_last is the session we resynced on */
	uint64_t hs_last;      /* its last_handshake_ms then */
	uint64_t next_kick_ms; /* next handshake while there is no session */
	size_t installed;      /* prefixes we last gave its peer */
};

struct aero_mesh {
	struct mesh_srv *s;
	size_t n_s;
	struct aero_rt rt;
	bool dirty;	       /* the anchors' prefixes must be recomputed */
	uint64_t reloads_seen; /* the node's reload count when they last were */
	struct mesh_counters c;
};

static uint64_t wall(const struct node *n, uint64_t now)
{
	return (uint64_t)(n->unix_base_ms + (int64_t)now);
}

static const struct conf_peer *mesh_conf(const struct node *n, const uint8_t key[32])
{
	for (size_t i = 0; i < n->conf.n_peers; i++) {
		const struct conf_peer *cp = &n->conf.peers[i];
		if (cp->kind == CONF_PEER_STATIC && cp->mesh && keys_equal(cp->public_key, key, 32))
			return cp;
	}
	return NULL;
}

bool aero_mesh_is_server(const struct node *n, const struct peer *p)
{
	return p->kind == CONF_PEER_STATIC && mesh_conf(n, p->ed_pk) != NULL;
}

static struct mesh_srv *by_msid(struct aero_mesh *m, uint32_t msid)
{
	for (size_t i = 0; i < m->n_s; i++)
		if (m->s[i].msid == msid)
			return &m->s[i];
	return NULL;
}

/* Follow the config: keep the state of servers still meshed, drop the routes of the others. */
static void sync_servers(struct node *n, struct aero_mesh *m, struct aero_report *rep)
{
	size_t k = 0;
	for (size_t i = 0; i < n->conf.n_peers; i++)
		k += n->conf.peers[i].kind == CONF_PEER_STATIC && n->conf.peers[i].mesh;
	struct mesh_srv *v = xcalloc(k ? k : 1, sizeof(*v));
	k = 0;
	for (size_t i = 0; i < n->conf.n_peers; i++) {
		const struct conf_peer *cp = &n->conf.peers[i];
		if (cp->kind != CONF_PEER_STATIC || !cp->mesh)
			continue;
		struct mesh_srv *s = &v[k++];
		for (size_t j = 0; j < m->n_s; j++)
			if (keys_equal(m->s[j].key, cp->public_key, 32) && m->s[j].msid == cp->msid)
				*s = m->s[j];
		snprintf(s->name, sizeof(s->name), "%s", cp->name);
		memcpy(s->key, cp->public_key, 32);
		s->msid = cp->msid;
	}
	for (size_t j = 0; j < m->n_s; j++) {
		bool kept = false;
		for (size_t i = 0; i < k && !kept; i++)
			kept = keys_equal(v[i].key, m->s[j].key, 32) && v[i].msid == m->s[j].msid;
		if (kept)
			continue;
		struct aero_rt_ent gone[MESH_GONE_BATCH];
		size_t g;
		while ((g = aero_rt_expire(&m->rt, 0, m->s[j].msid, gone, MESH_GONE_BATCH)) > 0)
			for (size_t i = 0; i < g; i++)
				(void)aero_report_forget(rep, gone[i].key);
		log_info(LOG_GRP_ND, "mesh: server '%s' left the mesh", m->s[j].name);
		m->dirty = true;
	}
	free(m->s);
	m->s = v;
	m->n_s = k;
}

struct aero_mesh *aero_mesh_new(struct node *n)
{
	struct aero_mesh *m = xcalloc(1, sizeof(*m));
	struct aero_report dummy;

	aero_rt_init(&m->rt);
	aero_report_init(&dummy);
	sync_servers(n, m, &dummy);
	if (m->n_s)
		log_info(LOG_GRP_ND, "mesh: %zu meshed server(s)", m->n_s);
	return m;
}

void aero_mesh_free(struct aero_mesh *m)
{
	if (!m)
		return;
	aero_rt_deinit(&m->rt);
	free(m->s);
	free(m);
}

static struct aero_nd_server me(const struct node *n)
{
	struct aero_nd_server s = {
	    .msid = n->conf.omni.msid, .ed_pk = n->id.ed_pk, .ed_sk = n->id.ed_sk};
	return s;
}

static void send_ru(struct node *n, struct aero_mesh *m, const struct mesh_srv *s,
		    const struct aero_vouch *v, uint32_t lifetime_s, uint64_t now)
{
	struct peer *p = peer_table_lookup_key(&n->peers, s->key);
	struct aero_nd_server self = me(n);
	uint8_t buf[MESH_ND_BUF];

	if (!p)
		return;
	/*
	 * Not queued for a session to come: the resync on that session sends the
	 * current state, where a queue would deliver stale updates (and, past
	 * ±30 s, refused ones). aero_mesh_tick() keeps the handshakes going.
	 */
	if (!hs_established(&p->hs, now)) {
		m->c.ru_deferred++;
		return;
	}
	ssize_t l = aero_nd_build_ru(&self, s->msid, v, lifetime_s, wall(n, now), buf, sizeof(buf));
	if (l < 0) {
		log_remote(LOG_GRP_ND, "mesh: cannot build a route update: %s", strerror((int)-l));
		return;
	}
	datapath_send_control(n, p, buf, (size_t)l, now);
	m->c.ru_tx++;
}

static uint32_t remaining_s(const struct aero_reg *e, uint64_t now)
{
	if (e->expires_ms <= now)
		return 1;
	return (uint32_t)MIN((e->expires_ms - now + 999) / 1000, UINT32_MAX);
}

static void vouch_of_reg(const struct aero_reg *e, struct aero_vouch *v)
{
	memset(v, 0, sizeof(*v));
	memcpy(v->key, e->key, 32);
	v->mnp = e->mnp;
	v->l2 = e->origin;
}

static void vouch_of_rt(const struct aero_rt_ent *e, struct aero_vouch *v)
{
	memset(v, 0, sizeof(*v));
	memcpy(v->key, e->key, 32);
	v->mnp = e->mnp;
	v->l2 = e->origin;
}

void aero_mesh_client(struct node *n, struct aero_mesh *m, const struct aero_reg *e, bool gone,
		      uint64_t now)
{
	struct aero_vouch v;

	if (!m)
		return;
	m->dirty = true; /* a local registration shadows a learned route, or stops doing so */
	if (e->mnp.family != AF_INET6)
		return;
	vouch_of_reg(e, &v);
	for (size_t i = 0; i < m->n_s; i++)
		send_ru(n, m, &m->s[i], &v, gone ? 0 : remaining_s(e, now), now);
}

static void resync(struct node *n, struct aero_mesh *m, const struct mesh_srv *s,
		   const struct aero_srv *table, uint64_t now)
{
	struct aero_vouch v;

	for (size_t i = 0; i < table->n; i++) {
		if (table->v[i].mnp.family != AF_INET6)
			continue;
		vouch_of_reg(&table->v[i], &v);
		send_ru(n, m, s, &v, remaining_s(&table->v[i], now), now);
	}
	m->c.resyncs++;
	if (table->n)
		log_info(LOG_GRP_ND, "mesh: sent %zu route(s) to '%s' on a new session", table->n,
			 s->name);
}

void aero_mesh_stop(struct node *n, struct aero_mesh *m, const struct aero_srv *table, uint64_t now)
{
	struct aero_vouch v;

	for (size_t i = 0; m && i < m->n_s; i++) {
		struct peer *p = peer_table_lookup_key(&n->peers, m->s[i].key);
		if (!p || !hs_established(&p->hs, now))
			continue;
		for (size_t k = 0; k < table->n; k++) {
			if (table->v[k].mnp.family != AF_INET6)
				continue;
			vouch_of_reg(&table->v[k], &v);
			send_ru(n, m, &m->s[i], &v, 0, now);
		}
		if (table->n)
			log_info(LOG_GRP_ND, "mesh: withdrew %zu route(s) at '%s'", table->n,
				 m->s[i].name);
	}
}

/* A learned route is installed unless a local registration holds (part of) it. */
static bool shadowed(const struct aero_srv *table, const struct aero_rt_ent *e)
{
	for (size_t i = 0; i < table->n; i++)
		if (prefix_overlaps(&table->v[i].mnp, &e->mnp))
			return true;
	return false;
}

static void install(struct node *n, struct aero_mesh *m, struct mesh_srv *s,
		    const struct aero_srv *table)
{
	struct peer *p = peer_table_lookup_key(&n->peers, s->key);
	const struct conf_peer *cp = mesh_conf(n, s->key);
	if (!p || !cp)
		return;
	size_t k = 0, cap = (cp->has_mnp ? 1 : 0) + cp->n_allowed + m->rt.n;
	struct prefix *v = xcalloc(cap ? cap : 1, sizeof(*v));
	if (cp->has_mnp)
		v[k++] = cp->mnp;
	for (size_t i = 0; i < cp->n_allowed; i++)
		v[k++] = cp->allowed[i];
	for (size_t i = 0; i < m->rt.n; i++)
		if (m->rt.v[i].anchor_msid == s->msid && !shadowed(table, &m->rt.v[i]))
			v[k++] = m->rt.v[i].mnp;
	for (size_t i = 0; i < k; i++)
		prefix_mask(&v[i]);
	bool same = p->n_prefixes == k;
	for (size_t i = 0; same && i < k; i++)
		same = p->prefixes[i].family == v[i].family && p->prefixes[i].plen == v[i].plen &&
		       memcmp(p->prefixes[i].addr, v[i].addr, 16) == 0;
	if (!same)
		aero_set_prefixes(n, p, v, k);
	s->installed = k;
	free(v);
}

void aero_mesh_tick(struct node *n, struct aero_mesh *m, const struct aero_srv *table,
		    struct aero_report *rep, uint64_t now)
{
	struct aero_rt_ent gone[MESH_GONE_BATCH];
	size_t g;
	char b[ADDR_STR_MAX];

	if (!m)
		return;
	sync_servers(n, m, rep);
	/* A reload resets a [peer]'s prefixes to its config (maybe as many as we had set). */
	if (n->c.reloads != m->reloads_seen) {
		m->reloads_seen = n->c.reloads;
		m->dirty = true;
	}
	while (aero_rt_deadline(&m->rt) <= now &&
	       (g = aero_rt_expire(&m->rt, now, 0, gone, MESH_GONE_BATCH)) > 0) {
		for (size_t i = 0; i < g; i++) {
			log_info(LOG_GRP_ND, "mesh: route %s expired",
				 prefix_format(&gone[i].mnp, b, sizeof(b)));
			(void)aero_report_forget(rep, gone[i].key);
		}
		m->dirty = true;
	}
	for (size_t i = 0; i < m->n_s; i++) {
		struct mesh_srv *s = &m->s[i];
		struct peer *p = peer_table_lookup_key(&n->peers, s->key);
		if (!p)
			continue;
		/* A new session: the other server may have restarted and know nothing. */
		if (hs_established(&p->hs, now) && p->hs.has_handshake &&
		    (!s->hs_known || p->hs.last_handshake_ms != s->hs_last)) {
			s->hs_known = true;
			s->hs_last = p->hs.last_handshake_ms;
			resync(n, m, s, table, now);
		} else if (!hs_established(&p->hs, now) && !p->hs.pending.active &&
			   now >= s->next_kick_ms) {
			/* Keep a session with every meshed server, so that one that
			 * restarted hears from us (and we resync) without waiting for
			 * a registration change. */
			s->next_kick_ms = now + MESH_KICK_MS;
			datapath_peer_kick(n, p, now);
		}
		/* A reload resets a [peer]'s prefixes to its config. */
		if (m->dirty || p->n_prefixes != s->installed)
			install(n, m, s, table);
	}
	m->dirty = false;
}

/* uNA / NA(AR) to local client @to about the learned client @about. */
static void send_na(struct node *n, struct aero_mesh *m, const struct aero_reg *to,
		    const struct aero_rt_ent *about, bool solicited, uint64_t now)
{
	struct peer *q = peer_table_lookup_key(&n->peers, to->key);
	struct aero_nd_server self = me(n);
	struct aero_vouch v;
	uint8_t buf[MESH_ND_BUF];

	if (!q)
		return;
	vouch_of_rt(about, &v);
	ssize_t l =
	    aero_nd_build_na(&self, &to->mnp, &v, solicited, wall(n, now), buf, sizeof(buf));
	if (l < 0)
		return;
	datapath_send_control(n, q, buf, (size_t)l, now);
	m->c.na_tx++;
}

/* May the meshed server announce @ru? Not our own key or a configured [peer]'s (a
 * client may be configured here too), nor a [peer]'s prefix, a [client]'s MNP under
 * another key or a [client]'s key with another MNP, and inside [aero] msp when that
 * is set. */
static bool ru_allowed(const struct node *n, const struct aero_ru *ru)
{
	if (keys_equal(ru->v.key, n->id.ed_pk, 32))
		return false;
	if (n->conf.omni.has_mnp && prefix_overlaps(&n->conf.omni.mnp, &ru->v.mnp))
		return false;
	for (size_t i = 0; i < n->conf.n_peers; i++) {
		const struct conf_peer *cp = &n->conf.peers[i];
		/* A [client] configured here too: only with its key and MNP (not another's). */
		if (cp->kind == CONF_PEER_CLIENT && cp->has_mnp) {
			struct prefix a = cp->mnp, b = ru->v.mnp;
			prefix_mask(&a);
			prefix_mask(&b);
			bool same_key = keys_equal(cp->public_key, ru->v.key, 32);
			bool same_mnp = a.family == b.family && a.plen == b.plen &&
					memcmp(a.addr, b.addr, 16) == 0;
			if (same_key ? !same_mnp : prefix_overlaps(&a, &b))
				return false;
			continue;
		}
		if (cp->kind != CONF_PEER_STATIC)
			continue;
		if (keys_equal(cp->public_key, ru->v.key, 32))
			return false;
		if (cp->has_mnp && prefix_overlaps(&cp->mnp, &ru->v.mnp))
			return false;
		for (size_t k = 0; k < cp->n_allowed; k++)
			if (prefix_overlaps(&cp->allowed[k], &ru->v.mnp))
				return false;
	}
	if (!n->conf.aero.n_msp)
		return true;
	for (size_t i = 0; i < n->conf.aero.n_msp; i++) {
		const struct prefix *msp = &n->conf.aero.msp[i];
		if (msp->family == AF_INET6 && msp->plen <= ru->v.mnp.plen &&
		    prefix_contains(msp, AF_INET6, ru->v.mnp.addr))
			return true;
	}
	return false;
}

void aero_mesh_na(struct node *n, struct aero_mesh *m, const struct aero_srv *table,
		  struct aero_report *rep, struct peer *p, const uint8_t *pkt, size_t len,
		  uint64_t now)
{
	const struct conf_peer *cp = mesh_conf(n, p->ed_pk);
	struct aero_ru ru;
	struct aero_rt_ent *e = NULL, gone;
	char b[ADDR_STR_MAX];

	if (!m || !cp ||
	    aero_nd_check_ru(pkt, len, wall(n, now), cp->public_key, cp->msid, n->conf.omni.msid,
			     &ru) < 0) {
		if (m)
			m->c.ru_refused++;
		log_remote(LOG_GRP_ND, "mesh: route update from '%s' refused", p->name);
		return;
	}
	if (!ru_allowed(n, &ru)) {
		m->c.ru_refused++;
		log_remote(LOG_GRP_ND, "mesh: '%s' announced %s, which is not its to announce",
			   p->name, prefix_format(&ru.v.mnp, b, sizeof(b)));
		return;
	}
	m->c.ru_rx++;
	switch (aero_rt_update(&m->rt, &ru, now, &e, &gone)) {
	case AERO_RT_NEW:
		log_info(LOG_GRP_ND, "mesh: learned %s via '%s' for %u s",
			 prefix_format(&e->mnp, b, sizeof(b)), p->name, ru.lifetime_s);
		m->dirty = true;
		break;
	case AERO_RT_MOVED: {
		/* §5.8 across the mesh: the clients we told about it learn where it is now. */
		uint8_t ros[32][32];
		size_t k = aero_report_list(rep, e->key, now, ros, 32);
		for (size_t i = 0; i < k; i++) {
			const struct aero_reg *r = NULL;
			for (size_t j = 0; j < table->n && !r; j++)
				if (keys_equal(table->v[j].key, ros[i], 32))
					r = &table->v[j];
			if (r)
				send_na(n, m, r, e, false, now);
		}
		log_info(LOG_GRP_ND, "mesh: %s moved (via '%s')",
			 prefix_format(&e->mnp, b, sizeof(b)), p->name);
		m->dirty = true;
		break;
	}
	case AERO_RT_WITHDRAWN:
		log_info(LOG_GRP_ND, "mesh: '%s' withdrew %s", p->name,
			 prefix_format(&gone.mnp, b, sizeof(b)));
		(void)aero_report_forget(rep, gone.key);
		m->dirty = true;
		break;
	case AERO_RT_REFRESHED:
		break;
	case AERO_RT_IGNORED:
		m->c.ru_ignored++;
		break;
	}
}

bool aero_mesh_ns_out(struct node *n, struct aero_mesh *m, struct aero_report *rep,
		      const struct aero_reg *src, const struct aero_ns *ns, const uint8_t *pkt,
		      size_t len, uint64_t now)
{
	uint8_t t[16];

	if (!m)
		return false;
	memset(t, 0, sizeof(t));
	memcpy(t, ns->target.s6_addr + 8, 8);
	struct aero_rt_ent *e = aero_rt_lookup(&m->rt, t);
	struct mesh_srv *s = e ? by_msid(m, e->anchor_msid) : NULL;
	struct peer *q = s ? peer_table_lookup_key(&n->peers, s->key) : NULL;
	if (!q || keys_equal(e->key, src->key, 32))
		return false;
	/* We vouch for it to our client (it trusts only us); its anchor tells its own. */
	send_na(n, m, src, e, true, now);
	datapath_send_control(n, q, pkt, len, now);
	m->c.ns_forwarded++;
	if (aero_report_add(rep, e->key, src->key, now + AERO_REACHABLE_TIME_MS) < 0)
		log_debug(LOG_GRP_ND, "report list: a client asked for itself");
	return true;
}

void aero_mesh_ns_in(struct node *n, struct aero_mesh *m, const struct aero_srv *table,
		     struct aero_report *rep, struct peer *p, const uint8_t *pkt, size_t len,
		     uint64_t now)
{
	const struct conf_peer *cp = mesh_conf(n, p->ed_pk);
	struct aero_ns ns;
	struct in6_addr lla;
	uint8_t t[16];

	if (!m || !cp || aero_nd_check_ns(pkt, len, wall(n, now), &ns) < 0)
		goto refuse;
	/* The asker must be a client that server anchors (we learned its key from it)... */
	struct aero_rt_ent *e = aero_rt_find_key(&m->rt, ns.key);
	if (!e || e->anchor_msid != cp->msid)
		goto refuse;
	omni_lla_from_mnp(&e->mnp, &lla);
	if (memcmp(&lla, &ns.src, 16) != 0)
		goto refuse;
	/* ... asking for one registered here. */
	memset(t, 0, sizeof(t));
	memcpy(t, ns.target.s6_addr + 8, 8);
	const struct aero_reg *dst = NULL;
	for (size_t i = 0; i < table->n && !dst; i++)
		if (prefix_contains(&table->v[i].mnp, AF_INET6, t))
			dst = &table->v[i];
	if (!dst || keys_equal(dst->key, e->key, 32))
		goto refuse;
	m->c.ns_fwd_rx++;
	send_na(n, m, dst, e, false, now);
	if (aero_report_add(rep, e->key, dst->key, now + AERO_REACHABLE_TIME_MS) < 0)
		log_debug(LOG_GRP_ND, "report list: a client asked for itself");
	return;
refuse:
	if (m)
		m->c.ns_fwd_refused++;
	log_remote(LOG_GRP_ND, "mesh: NS(AR) forwarded by '%s' refused", p->name);
}

void aero_mesh_local_moved(struct node *n, struct aero_mesh *m, struct aero_report *rep,
			   const struct aero_reg *e, uint64_t now)
{
	uint8_t ros[32][32];

	if (!m)
		return;
	for (size_t i = 0; i < m->rt.n; i++) {
		size_t k = aero_report_list(rep, m->rt.v[i].key, now, ros, 32);
		for (size_t j = 0; j < k; j++)
			if (keys_equal(ros[j], e->key, 32)) {
				send_na(n, m, e, &m->rt.v[i], false, now);
				break;
			}
	}
}

json_t *aero_mesh_routes_json(struct node *n, struct aero_mesh *m, const struct aero_srv *table,
			      uint64_t now)
{
	json_t *arr = json_array();
	char b[ADDR_STR_MAX], k[45];

	(void)n;
	for (size_t i = 0; m && i < m->rt.n; i++) {
		const struct aero_rt_ent *e = &m->rt.v[i];
		const struct mesh_srv *s = by_msid(m, e->anchor_msid);
		json_t *o = json_object();
		json_object_set_new(o, "anchor", json_string(s ? s->name : "-"));
		json_object_set_new(o, "anchor_msid", json_integer(e->anchor_msid));
		json_object_set_new(o, "mnp", json_string(prefix_format(&e->mnp, b, sizeof(b))));
		keys_b64_encode32(e->key, k);
		json_object_set_new(o, "public_key", json_string(k));
		json_object_set_new(o, "origin",
				    json_string(addr_format_endpoint(&e->origin, b, sizeof(b))));
		json_object_set_new(o, "age_ms", json_integer((json_int_t)(now - e->learned_ms)));
		json_object_set_new(
		    o, "expires_in_ms",
		    json_integer(e->expires_ms > now ? (json_int_t)(e->expires_ms - now) : 0));
		json_object_set_new(o, "updates", json_integer((json_int_t)e->updates));
		json_object_set_new(o, "installed", json_boolean(!shadowed(table, e)));
		json_array_append_new(arr, o);
	}
	return arr;
}

void aero_mesh_counters_json(const struct aero_mesh *m, json_t *ctr)
{
	if (!m)
		return;
#define X(k) json_object_set_new(ctr, "mesh_" #k, json_integer((json_int_t)m->c.k));
	MESH_COUNTERS(X)
#undef X
	json_object_set_new(ctr, "mesh_learned", json_integer((json_int_t)m->rt.learned));
	json_object_set_new(ctr, "mesh_withdrawn", json_integer((json_int_t)m->rt.withdrawn));
	json_object_set_new(ctr, "mesh_expired", json_integer((json_int_t)m->rt.expired));
	json_object_set_new(ctr, "mesh_stale", json_integer((json_int_t)m->rt.stale));
	json_object_set_new(ctr, "mesh_routes", json_integer((json_int_t)m->rt.n));
}
