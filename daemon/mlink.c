// SPDX-License-Identifier: MIT
/*
 * mlink.c - multilink in the daemon (spec/omni-aero.md §5.7 NUD, §5.8 item 1,
 * §5.9 path selection). The pure parts (path table, NUD state machine,
 * selection, flow hash, Preferences codec, probe format) are
 * common/aero_ml.c; this module binds them to the node: it learns a
 * neighbor's paths (one per local underlay towards a configured endpoint or
 * an advertised interface, plus every (underlay, source) an authenticated
 * packet arrives on), records the far side's Interface Attributes per path,
 * points p->endpoint / p->underlay at the chosen path before each inner
 * packet, probes each path NUD wants probed and echoes the far side's probes
 * (only an echo confirms a path for sending), and marks the paths of a local
 * underlay that went down unusable at once. Owns the struct mlink_peer
 * inside each struct peer and the per-process flow-hash key. Loop thread only.
 */
#include "mlink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sodium.h>
#include <string.h>

#include "aero_reg.h"
#include "datapath.h"
#include "aero_timers.h"
#include "log.h"
#include "node.h"
#include "peer.h"

/* [P] a learned path down for this long is forgotten (AERO_REACHABLE_TIME_MS, §5.12). */
#define MLINK_FORGET_MS AERO_REACHABLE_TIME_MS
/* [P] an echo whose stamp is older than this is not an answer to a live probe. */
#define MLINK_ECHO_MAX_MS 10000u

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

uint8_t mlink_ul_link(const struct node *n, int ul)
{
	if (ul < 0 || (size_t)ul >= n->n_ul || n->ul[ul].ml_down)
		return 0;
	return (uint8_t)n->conf.underlays[ul].link_quality;
}

/* Apply far entry @f to slot @i when their endpoints match. Returns 1 if usability changed. */
static int mlink_far_apply(struct mlink_peer *m, const struct mlink_far *f, int i)
{
	if (!f->if_index || !f->has_ep || !addr_equal(&f->ep, &m->t.p[i].ep))
		return 0;
	return aero_ml_remote(&m->t, i, f->if_index, f->link, f->pref) == 1;
}

static int mlink_add(struct node *n, struct peer *p, int ul, const union sockaddr_any *ep,
		     uint8_t if_index, uint64_t now)
{
	struct mlink_peer *m = &p->ml;
	char a[ADDR_STR_MAX];
	int r;

	if (if_index == 0 || aero_ml_find(&m->t, if_index) >= 0)
		if_index = mlink_free_index(m, (uint8_t)(AERO_ML_MAX_PATHS + 1));
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
	/* §5.9: our own egress policy is the local underlay's link_quality and dscp_pref */
	r = aero_ml_update(&m->t, if_index, mlink_ul_link(n, ul), n->conf.underlays[ul].dscp_pref,
			   ep, now);
	if (r < 0)
		return r;
	m->ul[r] = ul;
	m->tx[r] = m->rx[r] = m->down_at[r] = m->tx_ms[r] = m->rx_ms[r] = m->echo_rx[r] = 0;
	for (size_t f = 0; f < AERO_ML_MAX_PATHS; f++)
		(void)mlink_far_apply(m, &m->far[f], r);
	log_remote(LOG_GRP_PEER, "neighbor '%s': path %u via underlay %s to %s", p->name,
		   (unsigned)if_index, n->ul[ul].name, addr_format_endpoint(ep, a, sizeof(a)));
	return r;
}

/* A sealed probe or echo stamped @stamp on slot @i of @p. */
static void mlink_send_probe(struct node *n, struct peer *p, size_t i, uint8_t type, uint64_t stamp,
			     uint64_t now)
{
	union sockaddr_any keep_ep = p->endpoint;
	int keep_ul = p->underlay;
	bool keep_has = p->has_endpoint;
	uint8_t b[CARRIER_ML_PROBE_LEN];

	aero_ml_probe_encode(type, stamp, b);
	p->endpoint = p->ml.t.p[i].ep;
	p->underlay = p->ml.ul[i];
	p->has_endpoint = true;
	datapath_peer_sealed(n, p, b, sizeof(b), now);
	p->ml.tx_ms[i] = now;
	p->endpoint = keep_ep;
	p->underlay = keep_ul;
	p->has_endpoint = keep_has;
}

bool mlink_rx(struct node *n, struct peer *p, int ul, const union sockaddr_any *from, uint64_t now)
{
	struct mlink_peer *m = &p->ml;
	int i;

	m->rx_slot = -1;
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
	m->rx_slot = i;
	m->rx[i]++;
	m->rx_ms[i] = now;
	return true;
}

bool mlink_control(struct node *n, struct peer *p, const uint8_t *d, size_t len, uint64_t now)
{
	struct mlink_peer *m = &p->ml;
	uint8_t type;
	uint64_t stamp;
	int i = mlink_on(n) ? m->rx_slot : -1;

	if (aero_ml_probe_decode(d, len, &type, &stamp) < 0)
		return false;
	if (type == CARRIER_ML_PROBE) {
		/* back where it came from: the path the probe took, reversed */
		if (i >= 0) {
			mlink_send_probe(n, p, (size_t)i, CARRIER_ML_ECHO, stamp, now);
		} else {
			uint8_t b[CARRIER_ML_PROBE_LEN];

			aero_ml_probe_encode(CARRIER_ML_ECHO, stamp, b);
			datapath_peer_sealed(n, p, b, sizeof(b), now);
		}
		return true;
	}
	if (i < 0 || stamp > now || now - stamp > MLINK_ECHO_MAX_MS)
		return true;
	bool was = aero_ml_usable(&m->t, i);
	m->echo_rx[i]++;
	/* §5.7: the far side heard our probe on this path and answered on it */
	/* a late echo, or the first after the path was down (held in a neighbor queue while
	 * the link came back), confirms but says nothing about the RTT */
	uint32_t rtt = now - stamp < AERO_RETRANS_TIMER_MS && m->t.p[i].state != AERO_ML_DOWN
			   ? (uint32_t)(now - stamp) + 1
			   : 0;
	if (aero_ml_heard(&m->t, i, now, rtt) == 0 && !was && aero_ml_usable(&m->t, i)) {
		char a[ADDR_STR_MAX];

		m->came_up = true;
		log_remote(LOG_GRP_PEER, "neighbor '%s': path %u to %s is up again", p->name,
			   (unsigned)m->t.p[i].if_index,
			   addr_format_endpoint(&m->t.p[i].ep, a, sizeof(a)));
	}
	return true;
}

bool mlink_take_came_up(struct peer *p)
{
	bool r = p->ml.came_up;

	p->ml.came_up = false;
	return r;
}

void mlink_pin(struct peer *p, int slot)
{
	p->ml.pin = slot >= 0 && (size_t)slot < AERO_ML_MAX_PATHS ? slot + 1 : 0;
}

void mlink_place(struct node *n, struct peer *p, const uint8_t *pkt, size_t len)
{
	struct mlink_peer *m = &p->ml;
	uint32_t h;
	uint8_t dscp;
	int i;

	if (!mlink_on(n) || aero_ml_count(&m->t) == 0)
		return;
	if (m->pin && m->t.p[m->pin - 1].used) {
		i = m->pin - 1;
	} else {
		if (!mlink_keyed) {
			randombytes_buf(mlink_key, sizeof(mlink_key));
			mlink_keyed = true;
		}
		if (aero_ml_flow_hash(mlink_key, pkt, len, &h, &dscp) < 0)
			h = 0, dscp = 0;
		i = aero_ml_select(&m->t, dscp, h);
		if (i < 0)
			return; /* every path down: keep the last one, NUD probes go on */
	}
	m->tx[i]++;
	m->tx_ms[i] = uv_now(n->loop);
	p->endpoint = m->t.p[i].ep;
	p->has_endpoint = true;
	p->underlay = m->ul[i];
}

int mlink_conf_slot(const struct node *n, const struct peer *p, int ul)
{
	if (!mlink_on(n) || !p->has_conf_endpoint)
		return -1;
	return mlink_find(&p->ml, ul, &p->conf_endpoint);
}

/* Each local underlay of @ep's family gets a path to @ep. */
static void mlink_paths_to(struct node *n, struct peer *p, const union sockaddr_any *ep,
			   uint8_t first_index, uint64_t now)
{
	for (size_t u = 0; u < n->n_ul; u++) {
		if (n->ul[u].plain || n->ul[u].family != ep->sa.sa_family ||
		    mlink_find(&p->ml, (int)u, ep) >= 0)
			continue;
		if (mlink_add(n, p, (int)u, ep, first_index ? (uint8_t)(first_index + u) : 0, now) <
		    0)
			return;
	}
}

/* Local underlay @u is usable: its listen address is on an interface up and running (a
 * wildcard listen address cannot be checked and counts as usable). */
static bool mlink_ul_up(const struct underlay *ul, const struct ifaddrs *ifa)
{
	const union sockaddr_any *l = &ul->listen;
	bool wild = l->sa.sa_family == AF_INET ? l->in4.sin_addr.s_addr == htonl(INADDR_ANY)
					       : IN6_IS_ADDR_UNSPECIFIED(&l->in6.sin6_addr);

	if (wild)
		return true;
	for (const struct ifaddrs *i = ifa; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != l->sa.sa_family)
			continue;
		bool same =
		    l->sa.sa_family == AF_INET
			? ((const struct sockaddr_in *)(const void *)i->ifa_addr)
				  ->sin_addr.s_addr == l->in4.sin_addr.s_addr
			: memcmp(
			      &((const struct sockaddr_in6 *)(const void *)i->ifa_addr)->sin6_addr,
			      &l->in6.sin6_addr, 16) == 0;
		if (same)
			return (i->ifa_flags & IFF_UP) && (i->ifa_flags & IFF_RUNNING);
	}
	return false;
}

bool mlink_underlays_check(struct node *n, uint64_t now)
{
	struct ifaddrs *ifa = NULL;
	bool changed = false;

	(void)now;
	if (!mlink_on(n) || getifaddrs(&ifa) < 0)
		return false;
	for (size_t u = 0; u < n->n_ul; u++) {
		bool down = !mlink_ul_up(&n->ul[u], ifa);

		if (n->ul[u].plain || down == n->ul[u].ml_down)
			continue;
		n->ul[u].ml_down = down;
		changed = true;
		log_info(LOG_GRP_PEER, "multilink: underlay %s is %s", n->ul[u].name,
			 down ? "down: its paths are out of use" : "up again");
		for (size_t k = 0; k < n->peers.n; k++) {
			struct mlink_peer *m = &n->peers.v[k]->ml;

			for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++)
				if (m->t.p[i].used && m->ul[i] == (int)u)
					m->t.p[i].link = mlink_ul_link(n, (int)u);
		}
	}
	freeifaddrs(ifa);
	return changed;
}

/* The far entry of ifIndex @x in @m (a free one when it has none), or NULL when full. */
static struct mlink_far *mlink_far_slot(struct mlink_peer *m, uint8_t x)
{
	struct mlink_far *free_f = NULL;

	for (size_t f = 0; f < AERO_ML_MAX_PATHS; f++) {
		if (m->far[f].if_index == x)
			return &m->far[f];
		if (!m->far[f].if_index && !free_f)
			free_f = &m->far[f];
	}
	return free_f;
}

bool mlink_far_update(struct node *n, struct peer *p, const struct aero_ifattr *ifs, size_t k,
		      bool from_rx, uint64_t now)
{
	struct mlink_peer *m = &p->ml;
	bool moved = false;

	if (!mlink_on(n))
		return false;
	if (m->rx_slot >= 0 && !m->t.p[m->rx_slot].used)
		m->rx_slot = -1;
	for (size_t j = 0; j < k; j++) {
		const struct aero_ifattr *x = &ifs[j];
		struct mlink_far *f;

		if (!x->if_index || !(f = mlink_far_slot(m, x->if_index)))
			continue;
		struct mlink_far was = *f;
		f->if_index = x->if_index;
		f->link = x->link;
		memcpy(f->pref, x->pref, sizeof(f->pref));
		if (j == 0 && from_rx && m->rx_slot >= 0) {
			/* the RS came in on this path: it is this interface's */
			f->ep = m->t.p[m->rx_slot].ep;
			f->has_ep = true;
		} else if (!from_rx && x->has_l2) {
			f->ep = x->l2;
			f->has_ep = true;
		}
		for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++) {
			struct aero_ml_path *q = &m->t.p[i];
			int r = 0;

			if (!q->used)
				continue;
			if (f->has_ep && addr_equal(&f->ep, &q->ep))
				r = mlink_far_apply(m, f, (int)i);
			else if (q->remote && q->r_index == f->if_index)
				r = aero_ml_remote(&m->t, (int)i, f->if_index, f->link, f->pref);
			if (r == 1) {
				char a[ADDR_STR_MAX];

				moved = true;
				log_remote(
				    LOG_GRP_PEER,
				    "neighbor '%s': its interface %u says link %u: path %u to "
				    "%s %s",
				    p->name, (unsigned)f->if_index, (unsigned)f->link,
				    (unsigned)q->if_index,
				    addr_format_endpoint(&q->ep, a, sizeof(a)),
				    aero_ml_usable(&m->t, (int)i) ? "back in use"
								  : "out of use, flows move");
			}
		}
		/* what the far side says changed: whoever learned it from us must hear it */
		if (was.if_index && ((was.link > 0) != (f->link > 0) ||
				     (was.has_ep && f->has_ep && !addr_equal(&was.ep, &f->ep))))
			moved = true;
		if (f->has_ep && f->link > 0)
			mlink_paths_to(n, p, &f->ep, 0, now);
	}
	return moved;
}

/* Slot of a usable path of @m to @ep, or -1. */
static int mlink_usable_to(const struct mlink_peer *m, const union sockaddr_any *ep)
{
	for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++)
		if (m->t.p[i].used && addr_equal(&m->t.p[i].ep, ep) &&
		    aero_ml_usable(&m->t, (int)i))
			return (int)i;
	return -1;
}

void mlink_far_ifattrs(const struct node *n, const struct peer *p, struct aero_ifattr *out,
		       size_t *k)
{
	const struct mlink_peer *m = &p->ml;

	*k = 0;
	if (!mlink_on(n))
		return;
	/*
	 * The receiver takes the first L2ADDR as the endpoint: first the interfaces up by
	 * their Link that we also reach (our path to them is usable: a one-way cut towards
	 * one is not passed on), then the rest up by their Link, then those at Link 0.
	 */
	for (size_t f = 0; f < 3 * AERO_ML_MAX_PATHS && *k < AERO_ND_MAX_IFS; f++) {
		const struct mlink_far *x = &m->far[f % AERO_ML_MAX_PATHS];

		if (!x->if_index || !x->has_ep)
			continue;
		unsigned rank = x->link == 0 ? 2 : mlink_usable_to(m, &x->ep) >= 0 ? 0 : 1;
		if (rank != f / AERO_ML_MAX_PATHS)
			continue;
		memset(&out[*k], 0, sizeof(out[*k]));
		out[*k].if_index = x->if_index;
		out[*k].link = x->link;
		memcpy(out[*k].pref, x->pref, sizeof(out[*k].pref));
		out[*k].has_l2 = true;
		out[*k].l2 = x->ep;
		(*k)++;
	}
}

const union sockaddr_any *mlink_origin(const struct node *n, const struct peer *p,
				       const union sockaddr_any *prev)
{
	const struct mlink_peer *m = &p->ml;
	const union sockaddr_any *first = NULL;

	if (!mlink_on(n) || aero_ml_count(&m->t) == 0)
		return &p->endpoint;
	/* the interfaces its RS named: keep @prev while it is one of them and usable, else the
	 * first usable one (an interface whose RS came from a new address moved there) */
	for (size_t f = 0; f < AERO_ML_MAX_PATHS; f++) {
		const struct mlink_far *x = &m->far[f];

		if (!x->if_index || !x->has_ep || !x->link || mlink_usable_to(m, &x->ep) < 0)
			continue;
		if (prev && addr_equal(&x->ep, prev))
			return prev;
		if (!first)
			first = &x->ep;
	}
	if (first)
		return first;
	/* nothing advertised (yet): the paths themselves */
	if (prev && mlink_usable_to(m, prev) >= 0)
		return prev;
	if (m->rx_slot >= 0 && (size_t)m->rx_slot < AERO_ML_MAX_PATHS &&
	    aero_ml_usable(&m->t, m->rx_slot))
		return &m->t.p[m->rx_slot].ep;
	for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++)
		if (aero_ml_usable(&m->t, (int)i))
			return &m->t.p[i].ep;
	return prev ? prev : &p->endpoint;
}

const union sockaddr_any *mlink_rx_source(const struct node *n, const struct peer *p)
{
	const struct mlink_peer *m = &p->ml;

	if (!mlink_on(n) || m->rx_slot < 0 || (size_t)m->rx_slot >= AERO_ML_MAX_PATHS ||
	    !m->t.p[m->rx_slot].used)
		return NULL;
	return &m->t.p[m->rx_slot].ep;
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
			mlink_paths_to(n, p, &p->conf_endpoint, 1, now);
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
			if ((mask & (1u << i)) && !n->ul[m->ul[i]].ml_down)
				mlink_send_probe(n, p, i, CARRIER_ML_PROBE, now, now);
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
		json_object_set_new(o, "usable", json_boolean(aero_ml_usable(&m->t, (int)i)));
		json_object_set_new(o, "link_quality", json_integer(q->link));
		if (q->remote) {
			json_t *r = json_object();

			json_object_set_new(r, "if_index", json_integer(q->r_index));
			json_object_set_new(r, "link_quality", json_integer(q->r_link));
			json_object_set_new(o, "remote", r);
		} else {
			json_object_set_new(o, "remote", json_null());
		}
		json_object_set_new(o, "rtt_ms", json_integer(q->rtt_ms));
		json_object_set_new(o, "slow", json_boolean(q->slow));
		json_object_set_new(o, "last_heard_ms_ago",
				    json_integer((json_int_t)(now - q->last_heard_ms)));
		json_object_set_new(o, "tx", json_integer((json_int_t)m->tx[i]));
		json_object_set_new(o, "rx", json_integer((json_int_t)m->rx[i]));
		json_object_set_new(o, "echoes", json_integer((json_int_t)m->echo_rx[i]));
		json_array_append_new(arr, o);
	}
	return arr;
}
