// SPDX-License-Identifier: MIT
/*
 * mlink.c - multilink in the daemon (spec/omni-aero.md §5.7 NUD, §5.9 path
 * selection). The pure parts (path table, NUD state machine, selection, flow
 * hash) are common/aero_ml.c; this module binds them to the node: it learns
 * a neighbor's paths (one per local underlay towards a configured endpoint,
 * plus every (underlay, source) an authenticated packet arrives on), points
 * p->endpoint / p->underlay at the chosen path before each inner packet,
 * and sends a keepalive on each path NUD wants probed. Owns the struct
 * mlink_peer inside each struct peer and the per-process flow-hash key.
 * Loop thread only.
 */
#include "mlink.h"

#include <errno.h>
#include <sodium.h>
#include <string.h>

#include "datapath.h"
#include "aero_timers.h"
#include "log.h"
#include "node.h"
#include "peer.h"

/* [P] a learned path that stayed down this long is forgotten (AERO_REACHABLE_TIME_MS, §5.12). */
#define MLINK_FORGET_MS AERO_REACHABLE_TIME_MS

static uint8_t mlink_key[16];
static bool mlink_keyed;

static bool mlink_on(const struct node *n)
{
	return n->conf.aero.multilink;
}

static int mlink_find(const struct mlink_peer *m, int ul, const union sockaddr_any *ep)
{
	for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++)
		if (m->t.p[i].used && m->ul[i] == ul && addr_equal(&m->t.p[i].ep, ep))
			return (int)i;
	return -1;
}

/* The first ifIndex (1..255) no path of @m uses. */
static uint8_t mlink_free_index(const struct mlink_peer *m, uint8_t from)
{
	for (unsigned v = from; v <= 255; v++)
		if (aero_ml_find(&m->t, (uint8_t)v) < 0)
			return (uint8_t)v;
	return 0;
}

static int mlink_add(struct node *n, struct peer *p, int ul, const union sockaddr_any *ep,
		     uint8_t if_index, uint64_t now)
{
	struct mlink_peer *m = &p->ml;
	char a[ADDR_STR_MAX];
	int r;

	if (if_index == 0 || aero_ml_find(&m->t, if_index) >= 0)
		if_index = mlink_free_index(m, (uint8_t)(AERO_ML_MAX_PATHS + 1));
	/* §5.9: our own egress policy, the local underlay's configured link quality (the far
	 * side's Interface Attributes are not read yet) */
	if (aero_ml_count(&m->t) == AERO_ML_MAX_PATHS) {
		/* full: a new path takes the place of the path down longest */
		int old = -1;

		for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++)
			if (m->t.p[i].state == AERO_ML_DOWN &&
			    (old < 0 || m->down_at[i] < m->down_at[old]))
				old = (int)i;
		if (old >= 0 && aero_ml_remove(&m->t, m->t.p[old].if_index) < 0)
			return -ENOSPC;
	}
	r = aero_ml_update(&m->t, if_index, (uint8_t)n->conf.underlays[ul].link_quality, NULL, ep,
			   now);
	if (r < 0)
		return r;
	m->ul[r] = ul;
	m->tx[r] = m->rx[r] = m->down_at[r] = 0;
	log_remote(LOG_GRP_PEER, "neighbor '%s': path %u via underlay %s to %s", p->name,
		   (unsigned)if_index, n->ul[ul].name, addr_format_endpoint(ep, a, sizeof(a)));
	return r;
}

/* A keepalive on slot @i of @p (a NUD probe, or the answer to one). */
static void mlink_send_probe(struct node *n, struct peer *p, size_t i, uint64_t now)
{
	union sockaddr_any keep_ep = p->endpoint;
	int keep_ul = p->underlay;
	bool keep_has = p->has_endpoint;

	p->endpoint = p->ml.t.p[i].ep;
	p->underlay = p->ml.ul[i];
	p->has_endpoint = true;
	datapath_peer_keepalive(n, p, now);
	p->ml.tx_ms[i] = now;
	p->endpoint = keep_ep;
	p->underlay = keep_ul;
	p->has_endpoint = keep_has;
}

bool mlink_rx(struct node *n, struct peer *p, int ul, const union sockaddr_any *from, uint64_t now)
{
	struct mlink_peer *m = &p->ml;
	int i;

	if (!mlink_on(n))
		return false;
	i = mlink_find(m, ul, from);
	if (i < 0)
		i = mlink_add(n, p, ul, from, 0, now);
	if (!p->has_endpoint) {
		p->endpoint = *from;
		p->has_endpoint = true;
		p->underlay = ul;
	}
	if (i < 0)
		return true;
	m->rx[i]++;
	/* §5.7: an answer to our probe gives the RTT */
	uint32_t rtt = 0;
	if (m->t.p[i].probes > 0 && now >= m->t.p[i].last_probe_ms)
		rtt = (uint32_t)(now - m->t.p[i].last_probe_ms) + 1;
	if (aero_ml_heard(&m->t, i, now, rtt) < 0)
		return true;
	/* the other side hears us on this path only if we send on it: answer its probe
	 * unless we sent on the path lately (which also ends the exchange) */
	if (now >= m->tx_ms[i] + AERO_RETRANS_TIMER_MS / 2)
		mlink_send_probe(n, p, (size_t)i, now);
	return true;
}

void mlink_place(struct node *n, struct peer *p, const uint8_t *pkt, size_t len)
{
	struct mlink_peer *m = &p->ml;
	uint32_t h;
	uint8_t dscp;
	int i;

	if (!mlink_on(n) || aero_ml_count(&m->t) == 0)
		return;
	if (!mlink_keyed) {
		randombytes_buf(mlink_key, sizeof(mlink_key));
		mlink_keyed = true;
	}
	if (aero_ml_flow_hash(mlink_key, pkt, len, &h, &dscp) < 0)
		h = 0, dscp = 0;
	i = aero_ml_select(&m->t, dscp, h);
	if (i < 0)
		return; /* every path down: keep the last one, NUD probes go on */
	m->tx[i]++;
	m->tx_ms[i] = uv_now(n->loop);
	p->endpoint = m->t.p[i].ep;
	p->has_endpoint = true;
	p->underlay = m->ul[i];
}

/* A configured endpoint gets one path per local underlay of its family. */
static void mlink_conf_paths(struct node *n, struct peer *p, uint64_t now)
{
	for (size_t u = 0; u < n->n_ul; u++) {
		if (n->ul[u].plain || n->ul[u].family != p->conf_endpoint.sa.sa_family ||
		    mlink_find(&p->ml, (int)u, &p->conf_endpoint) >= 0)
			continue;
		if (mlink_add(n, p, (int)u, &p->conf_endpoint, (uint8_t)(u + 1), now) < 0)
			return;
	}
}

void mlink_tick(struct node *n, uint64_t now)
{
	if (!mlink_on(n))
		return;
	for (size_t k = 0; k < n->peers.n; k++) {
		struct peer *p = n->peers.v[k];
		struct mlink_peer *m = &p->ml;
		bool changed;
		unsigned mask;

		if (p->has_conf_endpoint)
			mlink_conf_paths(n, p, now);
		mask = aero_ml_tick(&m->t, now, &changed);
		if (changed)
			for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++)
				if (m->t.p[i].used && m->t.p[i].state == AERO_ML_DOWN &&
				    !m->down_at[i]) {
					char a[ADDR_STR_MAX];

					m->down_at[i] = now;
					log_remote(
					    LOG_GRP_PEER,
					    "neighbor '%s': path %u to %s is down, its flows "
					    "move",
					    p->name, (unsigned)m->t.p[i].if_index,
					    addr_format_endpoint(&m->t.p[i].ep, a, sizeof(a)));
				}
		for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++) {
			struct aero_ml_path *q = &m->t.p[i];

			if (q->used && q->state != AERO_ML_DOWN)
				m->down_at[i] = 0;
			/* a learned path down this long is gone (the far side moved, §5.8); the
			 * paths of a configured endpoint stay and keep being probed */
			if (q->used && m->down_at[i] && now >= m->down_at[i] + MLINK_FORGET_MS &&
			    !(p->has_conf_endpoint && addr_equal(&q->ep, &p->conf_endpoint)) &&
			    aero_ml_remove(&m->t, q->if_index) == 0)
				m->down_at[i] = 0;
		}
		for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++)
			if (mask & (1u << i))
				mlink_send_probe(n, p, i, now);
	}
}

json_t *mlink_paths_json(const struct node *n, const struct peer *p, uint64_t now)
{
	const struct mlink_peer *m = &p->ml;
	json_t *arr = json_array();
	char a[ADDR_STR_MAX];

	for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++) {
		const struct aero_ml_path *q = &m->t.p[i];
		json_t *o;

		if (!q->used)
			continue;
		o = json_object();
		json_object_set_new(o, "if_index", json_integer(q->if_index));
		json_object_set_new(o, "underlay",
				    json_string(m->ul[i] >= 0 && (size_t)m->ul[i] < n->n_ul
						    ? n->ul[m->ul[i]].name
						    : "?"));
		json_object_set_new(o, "endpoint",
				    json_string(addr_format_endpoint(&q->ep, a, sizeof(a))));
		json_object_set_new(o, "state", json_string(aero_ml_state_name(q->state)));
		json_object_set_new(o, "link_quality", json_integer(q->link));
		json_object_set_new(o, "rtt_ms", json_integer(q->rtt_ms));
		json_object_set_new(o, "last_heard_ms_ago",
				    json_integer((json_int_t)(now - q->last_heard_ms)));
		json_object_set_new(o, "tx", json_integer((json_int_t)m->tx[i]));
		json_object_set_new(o, "rx", json_integer((json_int_t)m->rx[i]));
		json_array_append_new(arr, o);
	}
	return arr;
}
