// SPDX-License-Identifier: MIT
/*
 * aero.c - AERO registration glue (aero.h): turns the pure state machines of
 * common/aero_reg.c and the messages of common/aero_nd.c into RS / RA sent
 * over the peers' secured carriers, peer prefixes and kernel routes. Owns
 * struct aero: the client's per-server registrations and the server's table
 * of registered clients, the route-optimization entries, plus the counters
 * of what it refused. The peers (and their sessions) are owned by the peer
 * table; this module sets the prefixes of [server.NAME] / [client.NAME]
 * peers, which the config leaves empty, and adds and removes the
 * route-optimized ("ro-") neighbors (docs/aero.md).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "aero.h"
#include "aero_mesh.h"
#include "aero_mob.h"
#include "aero_nat.h"
#include "aero_nd.h"
#include "aero_nud.h"
#include "aero_reg.h"
#include "aero_report.h"
#include "datapath.h"
#include "dns.h"
#include "keys.h"
#include "log.h"
#include "netlink.h"
#include "node.h"
#include "peer.h"
#include "mlink.h"
#include "ratelimit.h"

#define AERO_ND_BUF 1024 /* our RS / RA are ~250 octets */
/* Server: NS(AR) answered per second (each makes two NAs), all clients together. */
#define AERO_NS_RATE_PER_S 200
#define AERO_NS_RATE_BURST 100
/* [P] client: act on underlay changes once they settled this long (an address
 * replacement is a delete, an add and route changes in a row). */
#define AERO_MOB_SETTLE_MS 100
/* [P] ... but no later than this after the first one (a stream of changes). */
#define AERO_MOB_SETTLE_MAX_MS 1000
/* Server: route-optimized clients told at once when one client moves. */
#define AERO_REPORT_BATCH 32

/* Counters of inbound ND that is not an RS/RA for us (not refusals of an RS). */
#define AERO_COUNTERS(X)                                                                           \
	X(rs_rx)                                                                                   \
	X(ra_rx)                                                                                   \
	X(ra_refused)	   /* RA that failed aero_nd_check_ra(), or from a non-server */           \
	X(nd_ignored)	   /* NS/NA, or RS/RA this role does not take */                           \
	X(send_failed)	   /* an RS/RA could not be built */                                       \
	X(ns_rx)	   /* server: NS(AR) received */                                           \
	X(ns_refused)	   /* server: NS(AR) unsigned, from an unregistered client, no target */   \
	X(ns_rate_limited) /* server: NS(AR) over AERO_NS_RATE_PER_S */                            \
	X(na_tx)	   /* server: NA(AR) sent (solicited and to the target) */                 \
	X(ns_tx)	   /* client: NS(AR) sent */                                               \
	X(na_rx)	   /* client: NA accepted */                                               \
	X(na_refused)	   /* client: NA that failed aero_nd_check_na() or vouched nonsense */     \
	X(ro_up)	   /* client: direct sessions that came up */                              \
	X(ro_failed)	   /* client: direct sessions that did not come up in time */              \
	X(ro_expired)	   /* client: route-optimized neighbors aged out */                        \
	X(ro_abandoned)	   /* client: the other side went back to the server */                    \
	X(moves)	   /* client: underlay changes acted on (§5.8) */                         \
	X(ro_notified)	   /* client: direct neighbors sent a keepalive from the new origin */     \
	X(una_tx)	   /* server: unsolicited NAs about a moved client to its Report List */   \
	X(nat_keepalives)  /* client: keepalives to an idle server ([aero] nat_keepalive) */       \
	X(ro_keepalives)   /* client: keepalives on an idle direct session (nat_keepalive) */      \
	X(bubbles_tx)  /* client: TTL-limited bubbles sent to a new direct neighbor (§5.10) */    \
	X(nud_probes)  /* client: RS sent to probe a silent server (§5.7 NUD) */                  \
	X(nud_lost)    /* client: servers found unreachable by NUD */                              \
	X(hub_changes) /* client: routes moved from one server to another */

struct aero_counters {
#define X(n) uint64_t n;
	AERO_COUNTERS(X)
#undef X
};

/* A client's registration with one [server.NAME]. */
struct aero_server {
	char name[64];
	uint8_t key[32];
	uint32_t msid;
	struct aero_cli cli;
	bool kick_pending; /* RS waits for the session renewed after a retry */
	uint64_t kick_ms;
	bool has_origin;
	union sockaddr_any origin; /* our NAT-mapped address, as the server saw it */
	uint64_t ka_tx_mark;	   /* the server peer's tx_packets when last checked */
	uint64_t ka_due_ms;	   /* NAT keepalive due then unless something is sent */
	uint64_t rs_ts_ms;	   /* Authentication timestamp of our last RS to it */
	struct aero_nud nud;	   /* reachability (all-zero: REACHABLE, nothing waiting) */
	uint64_t nud_tx_mark;	   /* the server peer's tx_packets when NUD last looked */
	uint64_t nud_rx_mark;	   /* ... and its last_rx_ms */
};

/* A route-optimization entry (client side, §5.6): a target /64 being resolved, or a
 * neighbor learned from a server's NA. */
struct aero_ro {
	bool used;
	bool resolved;	   /* a vouched key is known and the neighbor exists */
	bool up;	   /* its direct session came up */
	bool initiator;	   /* we asked (NS); the other side only learned of us */
	uint8_t net64[8];  /* the /64 that triggered it (initiator) */
	uint8_t key[32];   /* the neighbor's key (resolved) */
	struct prefix mnp; /* its MNP (resolved) */
	union sockaddr_any l2;
	unsigned tries;	     /* NS(AR) sent this round */
	uint64_t next_ns_ms; /* next NS(AR) (initiator), UINT64_MAX none */
	uint64_t expires_ms; /* resolved: the neighbor goes; unresolved: hold ends */
	uint64_t deadline_up_ms;
	uint64_t kick_ms;	/* initiator: start the handshake then if the target has not */
	uint64_t unanswered_ms; /* since when we send data on the direct session, hearing nothing */
	uint64_t tx_seen;	/* neighbor's tx_packets at the previous tick */
	uint64_t prev_tick_ms;
	uint64_t tx_mark; /* neighbor's tx_packets at the last refresh decision */
	uint64_t started_ms, up_ms;
	uint64_t ka_tx_mark; /* neighbor's tx_packets when the NAT keepalive was last checked */
	uint64_t ka_due_ms;  /* NAT keepalive due then unless data goes out, 0 not armed */
};

struct aero {
	enum conf_role role;
	struct aero_ro ro[AERO_RO_MAX];
	struct aero_server *srv; /* client: one per [server.NAME] */
	size_t n_srv;
	struct aero_srv table;	   /* server */
	int hub;		   /* client: index of the server our routes point to, -1 none */
	bool hub_sticky;	   /* client: a Hub failed once: keep the new one while it works */
	struct ratelimit ns_rl;	   /* server: NS(AR) processed */
	struct aero_report report; /* server: who was told which client's endpoint */
	struct aero_mesh *mesh;	   /* server: meshed servers and the routes learned from them */
	struct aero_mob *mob;	   /* client: underlay address/route watch, NULL without */
	uint64_t mob_due_ms;	   /* client: act on an underlay change then, 0 none */
	uint64_t mob_first_ms;	   /* client: the first change not acted on yet */
	struct aero_counters c;
};

static void on_underlay_change(void *ctx)
{
	struct node *n = ctx;
	struct aero *a = n->aero;
	uint64_t now = uv_now(n->loop);
	if (!a)
		return;
	if (!a->mob_due_ms)
		a->mob_first_ms = now;
	a->mob_due_ms = MIN(now + AERO_MOB_SETTLE_MS, a->mob_first_ms + AERO_MOB_SETTLE_MAX_MS);
}

static uint64_t wall_ms(const struct node *n, uint64_t now)
{
	return (uint64_t)(n->unix_base_ms + (int64_t)now);
}

static const struct conf_peer *conf_peer_of(const struct node *n, const uint8_t key[32],
					    enum conf_peer_kind kind)
{
	for (size_t i = 0; i < n->conf.n_peers; i++) {
		const struct conf_peer *cp = &n->conf.peers[i];
		if (cp->kind == kind && keys_equal(cp->public_key, key, 32))
			return cp;
	}
	return NULL;
}

/* Another neighbor than @p holds @x too: the kernel route (dev TUN) is shared, keep it. */
static bool prefix_held_elsewhere(const struct node *n, const struct peer *p,
				  const struct prefix *x)
{
	for (size_t i = 0; i < n->peers.n; i++) {
		const struct peer *q = n->peers.v[i];
		for (size_t j = 0; q != p && j < q->n_prefixes; j++)
			if (q->prefixes[j].family == x->family && q->prefixes[j].plen == x->plen &&
			    memcmp(q->prefixes[j].addr, x->addr, 16) == 0)
				return true;
	}
	return false;
}

/* Replace @p's prefixes by @v[0..k) and keep the trie and the kernel routes in step. */
void aero_set_prefixes(struct node *n, struct peer *p, const struct prefix *v, size_t k)
{
	char buf[ADDR_STR_MAX];

	for (size_t i = 0; i < p->n_prefixes; i++)
		if (prefix_held_elsewhere(n, p, &p->prefixes[i]))
			continue;
		else if (nl_route_del(n->nl, n->tun_ifindex, &p->prefixes[i]) < 0)
			log_debug(LOG_GRP_NL, "withdraw route %s: already gone",
				  prefix_format(&p->prefixes[i], buf, sizeof(buf)));
	free(p->prefixes);
	p->prefixes = xcalloc(k ? k : 1, sizeof(*p->prefixes));
	for (size_t i = 0; i < k; i++) {
		p->prefixes[i] = v[i];
		prefix_mask(&p->prefixes[i]);
	}
	p->n_prefixes = k;
	int r = peer_table_rebuild_routes(&n->peers);
	if (r < 0)
		log_err(LOG_GRP_ND, "rebuilding routes: %s", strerror(-r));
	for (size_t i = 0; i < k; i++) {
		r = nl_route_add(n->nl, n->tun_ifindex, &p->prefixes[i]);
		if (r < 0 && r != -EEXIST)
			log_err(LOG_GRP_NL, "route %s dev %s: %s",
				prefix_format(&p->prefixes[i], buf, sizeof(buf)), n->tun_name,
				strerror(-r));
	}
}

static void set_prefixes(struct node *n, struct peer *p, const struct prefix *v, size_t k)
{
	aero_set_prefixes(n, p, v, k);
}

/* Client: starts registering with [server.NAME] @cp (a new entry at the end of a->srv). */
static struct aero_server *add_server(struct aero *a, const struct conf_peer *cp, uint64_t now)
{
	a->srv = xrealloc(a->srv, (a->n_srv + 1) * sizeof(*a->srv));
	struct aero_server *s = &a->srv[a->n_srv++];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", cp->name);
	memcpy(s->key, cp->public_key, 32);
	s->msid = cp->msid;
	aero_cli_init(&s->cli);
	/* §5.12 MAX_RTR_SOLICITATION_DELAY: 0..1 s before the first RS. */
	aero_cli_start(&s->cli, now, randombytes_uniform(AERO_MAX_RTR_SOLICITATION_DELAY_MS + 1));
	return s;
}

struct aero *aero_new(struct node *n)
{
	struct aero *a = xcalloc(1, sizeof(*a));
	uint64_t now = uv_now(n->loop);

	a->role = n->conf.node.role;
	a->hub = -1;
	ratelimit_init(&a->ns_rl, AERO_NS_RATE_PER_S, AERO_NS_RATE_BURST, now);
	aero_srv_init(&a->table, n->conf.omni.msid, n->conf.aero.router_lifetime);
	for (size_t i = 0; i < n->conf.n_peers; i++) {
		const struct conf_peer *cp = &n->conf.peers[i];
		if (cp->kind != CONF_PEER_SERVER)
			continue;
		(void)add_server(a, cp, now);
	}
	aero_report_init(&a->report);
	if (a->role == CONF_ROLE_CLIENT && a->n_srv) {
		a->mob = aero_mob_open(n->loop, n->tun_ifindex, on_underlay_change, n);
		for (size_t i = 0; i < n->n_ul; i++) {
			const union sockaddr_any *l = &n->ul[i].listen;
			bool any = l->sa.sa_family == AF_INET
				       ? l->in4.sin_addr.s_addr == htonl(INADDR_ANY)
				       : IN6_IS_ADDR_UNSPECIFIED(&l->in6.sin6_addr);
			if (!any)
				log_info(LOG_GRP_ND,
					 "underlay %s listens on one address: if it goes, so does "
					 "the underlay (mobility needs a wildcard listen)",
					 n->ul[i].name);
		}
		if (!a->mob)
			log_warn(LOG_GRP_ND,
				 "no underlay change watch (mobility from refreshes only): %s",
				 strerror(errno));
	}
	if (a->role == CONF_ROLE_SERVER)
		a->mesh = aero_mesh_new(n);
	if (a->role == CONF_ROLE_SERVER)
		log_info(LOG_GRP_ND, "AERO server, msid %u, router lifetime %u s",
			 n->conf.omni.msid, n->conf.aero.router_lifetime);
	else if (a->n_srv)
		log_info(LOG_GRP_ND, "AERO client of %zu server(s)", a->n_srv);
	return a;
}

void aero_free(struct aero *a)
{
	if (!a)
		return;
	aero_srv_deinit(&a->table);
	aero_mesh_free(a->mesh);
	aero_mob_free(a->mob);
	free(a->srv);
	free(a);
}

/* ---- client ---- */

/*
 * The Hub among the registered servers (aero_nud_pick_hub()): the first one in
 * configuration order until a Hub is lost (expiry, NUD, release); from then on the
 * current one stays while it is registered, so a server that comes back does not
 * take the routes back. -1 if none is registered.
 */
static int client_pick_hub(struct node *n, struct aero *a)
{
	bool *usable = xcalloc(a->n_srv ? a->n_srv : 1, sizeof(*usable));
	for (size_t i = 0; i < a->n_srv; i++)
		usable[i] = a->srv[i].cli.registered &&
			    peer_table_lookup_key(&n->peers, a->srv[i].key) != NULL;
	if (a->hub >= 0 && (size_t)a->hub < a->n_srv && !usable[a->hub])
		a->hub_sticky = true;
	int hub = aero_nud_pick_hub(usable, a->n_srv, a->hub, a->hub_sticky);
	free(usable);
	return hub;
}

/* Point the routes at the Hub (client_pick_hub()), none if no server is registered. */
static void client_routes(struct node *n, struct aero *a)
{
	int hub = client_pick_hub(n, a);
	if (hub == a->hub)
		return;
	if (a->hub >= 0 && hub >= 0)
		a->c.hub_changes++;
	if (a->hub >= 0) {
		struct peer *p = peer_table_lookup_key(&n->peers, a->srv[a->hub].key);
		if (p)
			set_prefixes(n, p, NULL, 0);
		log_info(LOG_GRP_ND, "routes via server '%s' withdrawn", a->srv[a->hub].name);
	}
	a->hub = hub;
	if (hub < 0)
		return;
	struct peer *p = peer_table_lookup_key(&n->peers, a->srv[hub].key);
	if (n->conf.aero.n_msp) {
		set_prefixes(n, p, n->conf.aero.msp, n->conf.aero.n_msp);
	} else {
		/*
		 * The default route as two halves (OpenVPN's def1): more specific than
		 * the host's own ::/0, which stays in place and is back when they go.
		 */
		struct prefix def[2];
		OMNI_ASSERT(addr_parse_prefix("::/1", &def[0]) == 0);
		OMNI_ASSERT(addr_parse_prefix("8000::/1", &def[1]) == 0);
		set_prefixes(n, p, def, ARRAY_SIZE(def));
	}
	log_info(LOG_GRP_ND, "routes via server '%s' installed", a->srv[hub].name);
}

/* The RS timestamp: the wall clock, but after the last one (the server refuses an RS not
 * newer than the last it accepted, and multilink sends several in the same ms). */
static uint64_t rs_stamp(const struct node *n, struct aero_server *s, uint64_t now)
{
	uint64_t t = wall_ms(n, now);
	s->rs_ts_ms = t > s->rs_ts_ms ? t : s->rs_ts_ms + 1;
	return s->rs_ts_ms;
}

/*
 * Multilink (docs/aero.md): one RS per usable local underlay, sent out of it on its path to
 * the server, each with that underlay's Interface Attributes (ifIndex, Link, Preferences,
 * L2ADDR) and a Link 0 one for every underlay that is down (§5.3 item 1, §5.8 item 1).
 * Returns false when there is no such path (the single RS goes instead).
 */
static bool send_rs_paths(struct node *n, struct aero_server *s, struct peer *p, uint64_t now)
{
	struct aero_ifattr down[AERO_ND_MAX_IFS - 1];
	size_t nd = 0;
	bool sent = false;

	/* a queued packet loses its pin: before the session is up the single RS goes, and
	 * these follow the first RA (client_ra) */
	if (!hs_established(&p->hs, now))
		return false;

	for (size_t u = 0; u < n->n_ul && nd < ARRAY_SIZE(down); u++) {
		if (mlink_conf_slot(n, p, (int)u) < 0 || mlink_ul_link(n, (int)u) > 0)
			continue;
		memset(&down[nd], 0, sizeof(down[nd]));
		down[nd].if_index = (uint8_t)(u + 1);
		memcpy(down[nd].pref, n->conf.underlays[u].dscp_pref, sizeof(down[nd].pref));
		nd++;
	}
	for (size_t u = 0; u < n->n_ul; u++) {
		int slot = mlink_conf_slot(n, p, (int)u);
		uint8_t buf[AERO_ND_BUF];

		if (slot < 0 || mlink_ul_link(n, (int)u) == 0)
			continue;
		struct aero_nd_client c = {.mnp = &n->conf.omni.mnp,
					   .ed_pk = n->id.ed_pk,
					   .ed_sk = n->id.ed_sk,
					   .l2 = &n->ul[u].listen,
					   .if_index = (uint8_t)(u + 1),
					   .link = mlink_ul_link(n, (int)u),
					   .pref = n->conf.underlays[u].dscp_pref,
					   .extra = down,
					   .n_extra = nd,
					   .server_msid = s->msid};
		ssize_t len = aero_nd_build_rs(&c, false, rs_stamp(n, s, now), buf, sizeof(buf));
		if (len < 0) {
			n->aero->c.send_failed++;
			continue;
		}
		mlink_pin(p, slot);
		datapath_send_control(n, p, buf, (size_t)len, now);
		mlink_pin(p, -1);
		sent = true;
	}
	return sent;
}

static void send_rs(struct node *n, struct aero_server *s, struct peer *p, bool release,
		    uint64_t now)
{
	uint8_t buf[AERO_ND_BUF];
	if (!release && send_rs_paths(n, s, p, now))
		return;
	const struct underlay *ul = p->underlay >= 0 ? &n->ul[p->underlay] : NULL;
	struct aero_nd_client c = {.mnp = &n->conf.omni.mnp,
				   .ed_pk = n->id.ed_pk,
				   .ed_sk = n->id.ed_sk,
				   .l2 = ul ? &ul->listen : NULL,
				   .if_index = (uint8_t)(p->underlay >= 0 ? p->underlay + 1 : 0),
				   .link = mlink_ul_link(n, p->underlay),
				   .server_msid = s->msid};
	ssize_t len = aero_nd_build_rs(&c, release, rs_stamp(n, s, now), buf, sizeof(buf));
	if (len < 0) {
		n->aero->c.send_failed++;
		log_remote(LOG_GRP_ND, "cannot build the RS for '%s': %s", s->name,
			   strerror((int)-len));
		return;
	}
	datapath_send_control(n, p, buf, (size_t)len, now);
}

static void ro_moved(struct node *n, struct aero *a, uint64_t now);

/*
 * §5.8: our underlay changed. Re-register with every server at once (the RS
 * goes out below, from the new source), and send each direct neighbor an
 * authenticated keepalive from it so its endpoint follows at once.
 */
static void client_moved(struct node *n, struct aero *a, uint64_t now)
{
	a->c.moves++;
	/* multilink: paths of an underlay that went down are out of use now (§5.8 item 1) */
	(void)mlink_underlays_check(n, now);
	log_info(LOG_GRP_ND, "underlay changed: re-registering");
	for (size_t i = 0; i < a->n_srv; i++)
		(void)aero_cli_moved(&a->srv[i].cli, now);
	ro_moved(n, a, now);
}

/*
 * §5.10 NAT keepalive: a registered client that sent its server nothing for
 * [aero] nat_keepalive seconds sends it an authenticated keepalive, so the
 * NAT mapping the server reaches it through stays open while it is idle.
 */
static void nat_keepalive(struct node *n, struct aero *a, uint64_t now)
{
	uint64_t ka = (uint64_t)n->conf.aero.nat_keepalive * 1000;
	if (!ka)
		return;
	for (size_t i = 0; i < a->n_srv; i++) {
		struct aero_server *s = &a->srv[i];
		struct peer *p = peer_table_lookup_key(&n->peers, s->key);
		if (!p || !s->cli.registered)
			continue;
		if (p->tx_packets != s->ka_tx_mark || !s->ka_due_ms || s->ka_due_ms > now + ka) {
			s->ka_tx_mark = p->tx_packets;
			s->ka_due_ms = now + ka;
		} else if (now >= s->ka_due_ms) {
			s->ka_due_ms = now + ka;
			if (hs_established(&p->hs, now))
				datapath_peer_keepalive(n, p, now);
			else if (!p->hs.pending.active)
				datapath_peer_kick(n, p, now); /* a handshake opens it as well */
			a->c.nat_keepalives++;
			aero_nud_sent(&s->nud, now); /* idle: the keepalive starts NUD (§5.7) */
		}
	}
}

/*
 * §5.7 NUD towards our servers (aero_nud.h): a registered server we sent data (or
 * an idle NAT keepalive) and heard nothing authenticated from for AERO_NUD_DELAY_MS
 * is probed with an RS every RetransTimer; after MaxUnicastSolicit unanswered ones
 * its registration counts as lost (retried on the RS backoff) and the routes move
 * to the next registered server at once.
 */
static void client_nud(struct node *n, struct aero *a, uint64_t now)
{
	bool changed = false;

	for (size_t i = 0; i < a->n_srv; i++) {
		struct aero_server *s = &a->srv[i];
		struct peer *p = peer_table_lookup_key(&n->peers, s->key);
		if (!p)
			continue;
		if (p->last_rx_ms != s->nud_rx_mark) {
			s->nud_rx_mark = p->last_rx_ms;
			if (aero_nud_heard(&s->nud, p->last_rx_ms))
				log_info(LOG_GRP_ND, "server '%s' answers again", s->name);
		}
		if (p->tx_packets != s->nud_tx_mark) {
			s->nud_tx_mark = p->tx_packets;
			if (s->cli.registered)
				aero_nud_sent(&s->nud, now);
		}
		if (!s->cli.registered)
			continue;
		unsigned f = aero_nud_tick(&s->nud, now);
		if (f & AERO_NUD_SEND_PROBE) {
			a->c.nud_probes++;
			send_rs(n, s, p, false, now);
			s->nud_tx_mark = p->tx_packets; /* the probe is not data awaiting an answer */
		}
		if (f & AERO_NUD_LOST) {
			a->c.nud_lost++;
			log_warn(LOG_GRP_ND,
				 "server '%s' unreachable: %u probes unanswered, registration lost",
				 s->name, AERO_NUD_MAX_PROBES);
			(void)aero_cli_lost(&s->cli, now);
			changed = true;
		}
	}
	if (changed)
		client_routes(n, a);
}

static void client_tick(struct node *n, struct aero *a, uint64_t now)
{
	bool changed = false;

	if (a->mob_due_ms && now >= a->mob_due_ms) {
		a->mob_due_ms = 0;
		client_moved(n, a, now);
	}

	for (size_t i = 0; i < a->n_srv; i++) {
		struct aero_server *s = &a->srv[i];
		struct peer *p = peer_table_lookup_key(&n->peers, s->key);
		if (!p)
			continue;
		/* After a retry renewed the session, send the RS at once on the new one. */
		if (s->kick_pending && p->hs.has_handshake &&
		    p->hs.last_handshake_ms >= s->kick_ms && hs_established(&p->hs, now)) {
			s->kick_pending = false;
			send_rs(n, s, p, false, now);
		}
		/* multilink: a path to it came back: register on its underlay too (§5.8 item 1) */
		if (mlink_take_came_up(p))
			(void)aero_cli_moved(&s->cli, now);
		if (aero_cli_deadline(&s->cli) > now)
			continue;
		unsigned f = aero_cli_tick(&s->cli, now);
		if (f & AERO_CLI_EXPIRED) {
			log_warn(LOG_GRP_ND, "registration with server '%s' expired", s->name);
			changed = true;
		}
		if (f & AERO_CLI_RETRY) {
			/* No RA: the server may have lost our session (restart); renew it. */
			s->kick_pending = true;
			s->kick_ms = now;
			datapath_peer_kick(n, p, now);
		}
		if (f & AERO_CLI_SEND_RS)
			send_rs(n, s, p, false, now);
	}
	nat_keepalive(n, a, now);
	client_nud(n, a, now);
	if (changed)
		client_routes(n, a);
}

static void client_ra(struct node *n, struct aero *a, struct peer *p, const uint8_t *pkt,
		      size_t len, uint64_t now)
{
	struct aero_server *s = NULL;
	struct aero_ra ra;

	for (size_t i = 0; i < a->n_srv && !s; i++)
		if (keys_equal(a->srv[i].key, p->ed_pk, 32))
			s = &a->srv[i];
	if (!s || aero_nd_check_ra(pkt, len, wall_ms(n, now), s->key, s->msid, &n->conf.omni.mnp,
				   &ra) < 0) {
		a->c.ra_refused++;
		log_remote(LOG_GRP_ND, "RA from '%s' refused", p->name);
		return;
	}
	bool was = s->cli.registered;
	unsigned f = aero_cli_ra(&s->cli, now, ra.lifetime_s);
	s->kick_pending = false;
	if (ra.has_origin) {
		s->has_origin = true;
		s->origin = ra.origin;
	}
	if (!was && s->cli.registered) {
		/* multilink: now that the session is up, an RS on each underlay (§5.3 item 1) */
		(void)send_rs_paths(n, s, p, now);
		char o[ADDR_STR_MAX];
		log_info(LOG_GRP_ND, "registered with server '%s' for %u s (seen as %s)", s->name,
			 ra.lifetime_s,
			 s->has_origin ? addr_format_endpoint(&s->origin, o, sizeof(o)) : "?");
	}
	if (f & AERO_CLI_EXPIRED)
		log_warn(LOG_GRP_ND, "server '%s' ended our registration", s->name);
	if (was != s->cli.registered)
		client_routes(n, a);
}

/* ---- server ---- */

static void send_ra(struct node *n, struct peer *p, const struct prefix *mnp,
		    const union sockaddr_any *origin, uint32_t lifetime_s, uint64_t now)
{
	uint8_t buf[AERO_ND_BUF];
	struct aero_nd_server s = {
	    .msid = n->conf.omni.msid, .ed_pk = n->id.ed_pk, .ed_sk = n->id.ed_sk};
	ssize_t len =
	    aero_nd_build_ra(&s, mnp, origin, lifetime_s, wall_ms(n, now), buf, sizeof(buf));
	if (len < 0) {
		n->aero->c.send_failed++;
		return;
	}
	datapath_send_control(n, p, buf, (size_t)len, now);
}

/* Unsolicited NA (S=0) to registered client @to about registered client @about. */
static void send_una(struct node *n, struct aero *a, const struct aero_reg *to,
		     const struct aero_reg *about, uint64_t now)
{
	struct aero_nd_server s = {
	    .msid = n->conf.omni.msid, .ed_pk = n->id.ed_pk, .ed_sk = n->id.ed_sk};
	struct aero_vouch v = {.mnp = about->mnp, .l2 = about->origin};
	struct peer *q = peer_table_lookup_key(&n->peers, to->key);
	const struct peer *ap = peer_table_lookup_key(&n->peers, about->key);
	uint8_t buf[AERO_ND_BUF];

	if (!q)
		return;
	if (ap)
		mlink_far_ifattrs(n, ap, v.ifs, &v.n_ifs);
	memcpy(v.key, about->key, 32);
	ssize_t l = aero_nd_build_na(&s, &to->mnp, &v, false, wall_ms(n, now), buf, sizeof(buf));
	if (l < 0) {
		a->c.send_failed++;
		return;
	}
	datapath_send_control(n, q, buf, (size_t)l, now);
	a->c.una_tx++;
}

/*
 * §5.8 item 3: tell each client on @e's Report List where @e is now (uNA, S=0),
 * and @e about each of them at the same time, so that both sides send a bubble
 * towards the other's current origin (§5.10) before the direct traffic resumes.
 */
static void server_report_moved(struct node *n, struct aero *a, const struct aero_reg *e,
				uint64_t now)
{
	uint8_t ros[AERO_REPORT_BATCH][32];
	size_t k = aero_report_list(&a->report, e->key, now, ros, ARRAY_SIZE(ros));

	for (size_t i = 0; i < k; i++) {
		const struct aero_reg *rr = aero_srv_find(&a->table, ros[i]);
		if (!rr)
			continue;
		send_una(n, a, rr, e, now);
		send_una(n, a, e, rr, now);
	}
}

/*
 * Server: a registered client's [client.NAME] is a name of the .internal zone (dns.h)
 * for as long as its registration: <mnp>::1, the node address a client puts on its
 * TUN by default, with the registration's lifetime so it cannot outlive it.
 */
static void server_dns_set(struct node *n, struct aero *a, const struct aero_reg *e)
{
	struct dns_zone_addr za = {.family = AF_INET6};

	if (!n->dns || e->mnp.family != AF_INET6)
		return;
	memcpy(za.addr, e->mnp.addr, 16);
	za.addr[15] |= 1;
	int r = dns_name_set(n->dns, e->name, e->key, &za, 1, a->table.lifetime_s);
	if (r < 0)
		log_remote(LOG_GRP_DNS, "name of client '%s' not added: %s", e->name,
			   r == -EEXIST ? "another node has it" : strerror(-r));
}

/* Only the name this registration added: not a configured one that had it first. */
static void server_dns_remove(struct node *n, const char *name, const uint8_t key[32])
{
	const struct dns_zone *z = n->dns ? dns_get_zone(n->dns) : NULL;

	for (size_t i = 0; z && i < dns_zone_count(z); i++) {
		const struct dns_zone_entry *ze = dns_zone_get(z, i);
		if (ze->src == DNS_ZONE_SRC_REGISTRATION && ze->has_id &&
		    memcmp(ze->id, key, DNS_ZONE_ID_LEN) == 0 && strcasecmp(ze->name, name) == 0) {
			if (dns_name_remove(n->dns, name) < 0)
				log_debug(LOG_GRP_DNS, "name '%s' already gone", name);
			return;
		}
	}
}

static void server_rs(struct node *n, struct aero *a, struct peer *p, const uint8_t *pkt,
		      size_t len, uint64_t now)
{
	struct aero_rs rs;
	enum aero_refusal why;
	struct aero_reg *e;

	if (aero_nd_check_rs(pkt, len, wall_ms(n, now), &rs, &why) < 0) {
		aero_srv_refuse(&a->table, why);
		log_remote(LOG_GRP_ND, "RS from '%s' refused: %s", p->name, aero_refusal_name(why));
		return;
	}
	const struct conf_peer *cp = conf_peer_of(n, p->ed_pk, CONF_PEER_CLIENT);
	const struct aero_reg *old = aero_srv_find(&a->table, p->ed_pk);
	/* multilink: one origin while its path is usable, whichever path the RS took */
	const union sockaddr_any *origin = mlink_origin(n, p, old ? &old->origin : NULL);
	union sockaddr_any o_copy = *origin;
	enum aero_srv_result r = aero_srv_rs(&a->table, cp ? cp->name : NULL, p->ed_pk,
					     cp ? &cp->mnp : NULL, &rs, &o_copy, now, &e, &why);
	char buf[ADDR_STR_MAX];
	switch (r) {
	case AERO_SRV_REFUSED:
		log_remote(LOG_GRP_ND, "RS from '%s' refused: %s", p->name, aero_refusal_name(why));
		return;
	case AERO_SRV_RELEASED:
		log_info(LOG_GRP_ND, "client '%s' released its registration", p->name);
		server_dns_remove(n, cp->name, p->ed_pk);
		set_prefixes(n, p, NULL, 0);
		{
			struct aero_reg gone = {.mnp = cp->mnp, .origin = p->endpoint};
			memcpy(gone.key, p->ed_pk, 32);
			aero_mesh_client(n, a->mesh, &gone, true, now);
		}
		(void)aero_report_forget(&a->report, p->ed_pk);
		send_ra(n, p, &cp->mnp, &p->endpoint, 0, now);
		return;
	case AERO_SRV_REGISTERED:
	case AERO_SRV_REPLACED: {
		char o[ADDR_STR_MAX];
		log_info(LOG_GRP_ND, "client '%s' %s: %s at %s", p->name,
			 r == AERO_SRV_REGISTERED ? "registered" : "moved",
			 prefix_format(&e->mnp, buf, sizeof(buf)),
			 addr_format_endpoint(&e->origin, o, sizeof(o)));
		break;
	}
	case AERO_SRV_REFRESHED:
		break;
	}
	/* §5.9: the client's Interface Attributes per ifIndex rank our paths to it */
	bool far_moved = mlink_far_update(n, p, rs.ifs, rs.n_ifs, true, now);
	/* ... which may move the origin (an interface re-registering from a new address) */
	bool origin_moved = aero_srv_origin(&a->table, e, mlink_origin(n, p, &e->origin));
	if (origin_moved) {
		char o[ADDR_STR_MAX];
		log_info(LOG_GRP_ND, "client '%s' moved: %s", p->name,
			 addr_format_endpoint(&e->origin, o, sizeof(o)));
	}
	if (r == AERO_SRV_REPLACED || far_moved || origin_moved)
		server_report_moved(n, a, e, now);
	if (r == AERO_SRV_REPLACED || origin_moved)
		aero_mesh_local_moved(n, a->mesh, &a->report, e, now);
	aero_mesh_client(n, a->mesh, e, false, now);
	/* (Re)install the MNP route unless it is in place; a reload may have changed the MNP. */
	struct prefix m = e->mnp;
	prefix_mask(&m);
	if (p->n_prefixes != 1 || p->prefixes[0].family != m.family ||
	    p->prefixes[0].plen != m.plen || memcmp(p->prefixes[0].addr, m.addr, 16) != 0)
		set_prefixes(n, p, &m, 1);
	server_dns_set(n, a, e);
	/* multilink: the Origin Indication is where this RS came from (its interface's mapping) */
	const union sockaddr_any *seen = mlink_rx_source(n, p);
	send_ra(n, p, &e->mnp, seen ? seen : &e->origin, a->table.lifetime_s, now);
}

static void server_tick(struct node *n, struct aero *a, uint64_t now)
{
	struct aero_reg gone[8];
	size_t k;

	/* Entries whose [client] section went away in a reload. */
	for (size_t i = 0; i < a->table.n;) {
		if (!peer_table_lookup_key(&n->peers, a->table.v[i].key)) {
			aero_mesh_client(n, a->mesh, &a->table.v[i], true, now);
			server_dns_remove(n, a->table.v[i].name, a->table.v[i].key);
			(void)aero_report_forget(&a->report, a->table.v[i].key);
			(void)aero_srv_remove(&a->table, a->table.v[i].key);
		} else
			i++;
	}
	/* §5.8: a session that roamed (NAT rebinding, or a move we see before its RS). */
	for (size_t i = 0; i < a->table.n; i++) {
		struct aero_reg *e = &a->table.v[i];
		const struct peer *p = peer_table_lookup_key(&n->peers, e->key);
		if (!p || !p->has_endpoint ||
		    !aero_srv_origin(&a->table, e, mlink_origin(n, p, &e->origin)))
			continue;
		char o[ADDR_STR_MAX];
		log_info(LOG_GRP_ND, "client '%s' moved: its session comes from %s", e->name,
			 addr_format_endpoint(&e->origin, o, sizeof(o)));
		server_report_moved(n, a, e, now);
		aero_mesh_local_moved(n, a->mesh, &a->report, e, now);
		aero_mesh_client(n, a->mesh, e, false, now);
	}
	(void)aero_report_expire(&a->report, now);
	aero_mesh_tick(n, a->mesh, &a->table, &a->report, now);
	if (aero_srv_deadline(&a->table) > now)
		return;
	while ((k = aero_srv_expire(&a->table, now, gone, ARRAY_SIZE(gone))) > 0) {
		for (size_t i = 0; i < k; i++) {
			struct peer *p = peer_table_lookup_key(&n->peers, gone[i].key);
			log_warn(LOG_GRP_ND, "registration of client '%s' expired", gone[i].name);
			server_dns_remove(n, gone[i].name, gone[i].key);
			(void)aero_report_forget(&a->report, gone[i].key);
			aero_mesh_client(n, a->mesh, &gone[i], true, now);
			if (p)
				set_prefixes(n, p, NULL, 0);
		}
	}
}

/* ---- route optimization (§5.6, docs/aero.md) ---- */

static struct peer *hub_peer(struct node *n, struct aero *a)
{
	return a->hub >= 0 ? peer_table_lookup_key(&n->peers, a->srv[a->hub].key) : NULL;
}

static void ro_send_ns(struct node *n, struct aero *a, struct aero_ro *r, uint64_t now)
{
	struct peer *hp = hub_peer(n, a);
	uint8_t buf[AERO_ND_BUF];
	if (!hp)
		return;
	const struct aero_server *s = &a->srv[a->hub];
	struct aero_nd_client c = {.mnp = &n->conf.omni.mnp,
				   .ed_pk = n->id.ed_pk,
				   .ed_sk = n->id.ed_sk,
				   .l2 = hp->underlay >= 0 ? &n->ul[hp->underlay].listen : NULL,
				   .if_index = (uint8_t)(hp->underlay + 1),
				   .server_msid = s->msid};
	ssize_t len = aero_nd_build_ns(&c, r->net64, wall_ms(n, now), buf, sizeof(buf));
	if (len < 0) {
		a->c.send_failed++;
		return;
	}
	r->tries++;
	a->c.ns_tx++;
	r->next_ns_ms = now + AERO_RETRANS_TIMER_MS;
	datapath_send_control(n, hp, buf, (size_t)len, now);
}

static void ro_drop(struct node *n, struct aero_ro *r, uint64_t hold_until)
{
	struct peer *p = r->resolved ? peer_table_lookup_key(&n->peers, r->key) : NULL;
	if (p && p->kind == CONF_PEER_RO) {
		set_prefixes(n, p, NULL, 0);
		datapath_peer_forget(n, p);
		peer_table_remove(&n->peers, p);
		peer_free(p);
	}
	bool keep = r->initiator && hold_until;
	uint8_t net64[8];
	memcpy(net64, r->net64, 8);
	memset(r, 0, sizeof(*r));
	if (keep) {
		/* Stay on the default path until the hold ends. */
		r->used = true;
		r->initiator = true;
		memcpy(r->net64, net64, 8);
		r->next_ns_ms = UINT64_MAX;
		r->expires_ms = hold_until;
	}
}

struct peer *aero_egress(struct node *n, struct peer *p, int fam, const uint8_t *dst, uint64_t now)
{
	struct aero *a = n->aero;
	if (!a || a->role != CONF_ROLE_CLIENT)
		return p;
	if (p->kind == CONF_PEER_RO) {
		if (hs_established(&p->hs, now))
			return p;
		/* Never hold traffic back for a direct path that is not up (§5.6 item 6). */
		struct peer *hp = hub_peer(n, a);
		return hp ? hp : p;
	}
	if (p->kind != CONF_PEER_SERVER || fam != AF_INET6)
		return p;
	/* Traffic on the default path: resolve its /64 (§5.6 item 1, the client is the ROS). */
	struct aero_ro *free_slot = NULL, *oldest = NULL;
	for (unsigned i = 0; i < AERO_RO_MAX; i++) {
		struct aero_ro *r = &a->ro[i];
		if (!r->used) {
			if (!free_slot)
				free_slot = r;
			continue;
		}
		if (r->initiator && memcmp(r->net64, dst, 8) == 0)
			return p; /* resolving, held, or resolved with the session coming up */
		if (r->resolved && prefix_contains(&r->mnp, AF_INET6, dst))
			return p;
		/* Only an entry still resolving (or held) gives way to a new one. */
		if (!r->resolved && (!oldest || r->started_ms < oldest->started_ms))
			oldest = r;
	}
	struct aero_ro *r = free_slot ? free_slot : oldest;
	if (!r)
		return p; /* every slot holds a live neighbor: stay on the default path */
	memset(r, 0, sizeof(*r));
	r->used = true;
	r->initiator = true;
	memcpy(r->net64, dst, 8);
	r->started_ms = now;
	r->expires_ms = UINT64_MAX;
	ro_send_ns(n, a, r, now);
	return p;
}

/*
 * §5.10 bubble: open our own NAT towards @q's mapped origin before either side's
 * handshake arrives at the other's NAT (docs/aero.md, NAT traversal).
 */
static void ro_bubble(struct node *n, struct aero *a, const struct peer *q)
{
	if (q->underlay < 0 || n->ul[q->underlay].plain)
		return;
	int r = aero_nat_bubble(n->ul[q->underlay].fd, &q->endpoint, AERO_NAT_BUBBLE_TTL);
	if (r < 0) {
		char b[ADDR_STR_MAX];
		log_debug(LOG_GRP_ND, "bubble to %s: %s",
			  addr_format_endpoint(&q->endpoint, b, sizeof(b)), strerror(-r));
		return;
	}
	a->c.bubbles_tx++;
}

static void client_na(struct node *n, struct aero *a, struct peer *p, const uint8_t *pkt,
		      size_t len, uint64_t now)
{
	const struct aero_server *s = NULL;
	struct aero_vouch v;

	for (size_t i = 0; i < a->n_srv && !s; i++)
		if (keys_equal(a->srv[i].key, p->ed_pk, 32))
			s = &a->srv[i];
	if (!s ||
	    aero_nd_check_na(pkt, len, wall_ms(n, now), s->key, s->msid, &n->conf.omni.mnp, &v) <
		0 ||
	    keys_equal(v.key, n->id.ed_pk, 32) || prefix_overlaps(&v.mnp, &n->conf.omni.mnp)) {
		a->c.na_refused++;
		log_remote(LOG_GRP_ND, "NA from '%s' refused", p->name);
		return;
	}
	struct peer *q = peer_table_lookup_key(&n->peers, v.key);
	if (q && q->kind != CONF_PEER_RO) {
		a->c.na_refused++; /* a configured neighbor: its config wins */
		return;
	}
	/* Nor may a vouched MNP shadow a configured neighbor's prefixes (the servers' default
	 * route aside, which every MNP lies in). */
	for (size_t i = 0; i < n->peers.n; i++) {
		const struct peer *o = n->peers.v[i];
		for (size_t k = 0; o->kind == CONF_PEER_STATIC && k < o->n_prefixes; k++) {
			if (prefix_overlaps(&o->prefixes[k], &v.mnp)) {
				a->c.na_refused++;
				log_remote(LOG_GRP_ND, "NA from '%s': vouched MNP overlaps '%s'",
					   p->name, o->name);
				return;
			}
		}
	}
	a->c.na_rx++;
	struct aero_ro *r = NULL, *free_slot = NULL;
	for (unsigned i = 0; i < AERO_RO_MAX && !r; i++) {
		struct aero_ro *e = &a->ro[i];
		if (!e->used) {
			free_slot = free_slot ? free_slot : e;
			continue;
		}
		if ((e->resolved && keys_equal(e->key, v.key, 32)) ||
		    (!e->resolved && e->initiator && prefix_contains(&v.mnp, AF_INET6, e->net64)))
			r = e;
	}
	if (!r) {
		if (!free_slot)
			return; /* full: stay on the default path */
		r = free_slot;
		memset(r, 0, sizeof(*r));
		r->used = true;
		r->started_ms = now;
		r->next_ns_ms = UINT64_MAX;
	}
	if (!r->resolved) {
		r->resolved = true;
		r->deadline_up_ms = now + AERO_RO_SESSION_WAIT_MS;
	}
	memcpy(r->key, v.key, 32);
	r->mnp = v.mnp;
	r->l2 = v.l2;
	r->tries = 0;
	r->expires_ms = now + AERO_REACHABLE_TIME_MS;
	if (r->initiator)
		r->next_ns_ms = r->expires_ms - AERO_RO_REFRESH_BEFORE_MS;
	if (!q) {
		struct conf_peer cp;
		int err;
		memset(&cp, 0, sizeof(cp));
		snprintf(cp.name, sizeof(cp.name), "ro-%02x%02x%02x%02x", v.key[0], v.key[1],
			 v.key[2], v.key[3]);
		memcpy(cp.public_key, v.key, 32);
		cp.has_public_key = true;
		cp.has_mnp = true;
		cp.mnp = v.mnp;
		cp.endpoints = &r->l2;
		cp.n_endpoints = 1;
		cp.kind = CONF_PEER_RO;
		q = peer_new(&cp, &n->conf, &n->hs, &err);
		if (!q) {
			a->c.na_refused++;
			r->used = false;
			return;
		}
		q->underlay = datapath_underlay_for(n, &q->endpoint);
		peer_table_add(&n->peers, q);
		set_prefixes(n, q, &v.mnp, 1);
		r->tx_mark = q->tx_packets;
		char b1[ADDR_STR_MAX], b2[ADDR_STR_MAX];
		log_info(LOG_GRP_ND, "route optimization: %s at %s (vouched by '%s')",
			 prefix_format(&v.mnp, b1, sizeof(b1)),
			 addr_format_endpoint(&v.l2, b2, sizeof(b2)), s->name);
		/*
		 * Both sides send a bubble at once (opening their own NATs, §5.10); the
		 * target initiates AERO_RO_PUNCH_WAIT_MS later, once the asker's bubble is
		 * out too. We (the asker) only follow if its initiation did not get
		 * through (it may have left before we knew its key). Two initiations at
		 * once would make the higher key ignore the other's and wait a
		 * retransmission for its own.
		 */
		ro_bubble(n, a, q);
		r->kick_ms = now + (r->initiator ? AERO_RO_KICK_DELAY_MS : AERO_RO_PUNCH_WAIT_MS);
	} else {
		if (!addr_equal(&q->endpoint, &v.l2)) {
			q->endpoint = v.l2;
			q->has_endpoint = true;
			q->underlay = datapath_underlay_for(n, &q->endpoint);
		}
		/* Keep our NAT open towards it: either side may have moved (§5.8, §5.10). */
		ro_bubble(n, a, q);
	}
	/* multilink: the target's interfaces as its server sees them (§5.6 item 3) */
	(void)mlink_far_update(n, q, v.ifs, v.n_ifs, false, now);
}

static void ro_tick(struct node *n, struct aero *a, uint64_t now)
{
	for (unsigned i = 0; i < AERO_RO_MAX; i++) {
		struct aero_ro *r = &a->ro[i];
		if (!r->used)
			continue;
		if (!r->resolved) {
			if (now >= r->expires_ms) {
				r->used = false; /* hold over: the next packet tries again */
			} else if (now >= r->next_ns_ms) {
				if (r->tries >= AERO_MAX_UNICAST_SOLICIT) {
					r->next_ns_ms = UINT64_MAX;
					r->expires_ms = now + AERO_RO_HOLD_MS;
				} else {
					ro_send_ns(n, a, r, now);
				}
			}
			continue;
		}
		struct peer *p = peer_table_lookup_key(&n->peers, r->key);
		if (!p) { /* removed by a reload */
			r->used = false;
			continue;
		}
		if (!r->up && hs_established(&p->hs, now)) {
			r->up = true;
			r->up_ms = now;
			r->tx_seen = p->tx_packets;
			r->prev_tick_ms = now;
			a->c.ro_up++;
			log_info(LOG_GRP_ND,
				 "route optimization: direct session with %s up after %llu ms",
				 p->name, (unsigned long long)(now - r->started_ms));
		}
		if (!r->up && r->kick_ms && now >= r->kick_ms) {
			r->kick_ms = 0;
			if (!p->hs.pending.active)
				datapath_peer_kick(n, p, now);
		}
		if (!r->up && now >= r->deadline_up_ms) {
			a->c.ro_failed++;
			log_warn(LOG_GRP_ND, "route optimization: no direct session with %s",
				 p->name);
			ro_drop(n, r, now + AERO_RO_HOLD_MS);
			continue;
		}
		/*
		 * §5.6 item 6: a direct path that stopped answering (the peer sends at
		 * least a keepalive within [secure] keepalive of receiving) goes at once.
		 */
		if (r->up) {
			/* Data went out since the last tick while nothing came in: start waiting.
			 * (Our own keepalives need no answer, so only data counts.) */
			if (p->tx_packets != r->tx_seen && !r->unanswered_ms &&
			    p->hs.last_recv_ms < r->prev_tick_ms)
				r->unanswered_ms = r->prev_tick_ms;
			if (r->unanswered_ms && p->hs.last_recv_ms >= r->unanswered_ms)
				r->unanswered_ms = 0;
			r->tx_seen = p->tx_packets;
			r->prev_tick_ms = now;
			if (r->unanswered_ms &&
			    now - r->unanswered_ms >
				n->hs.cfg.keepalive_ms + AERO_RO_DEAD_SLACK_MS) {
				a->c.ro_failed++;
				log_warn(LOG_GRP_ND, "route optimization: %s stopped answering",
					 p->name);
				ro_drop(n, r, now + AERO_RO_HOLD_MS);
				continue;
			}
		}
		if (now >= r->expires_ms) {
			a->c.ro_expired++;
			log_info(LOG_GRP_ND, "route optimization: %s aged out", p->name);
			ro_drop(n, r, 0);
			continue;
		}
		if (r->initiator && now >= r->next_ns_ms) {
			/* §5.6 item 5: renew only while traffic flows. */
			if (p->tx_packets != r->tx_mark && r->tries < AERO_MAX_UNICAST_SOLICIT) {
				r->tx_mark = p->tx_packets;
				ro_send_ns(n, a, r, now);
			} else {
				r->next_ns_ms = UINT64_MAX;
			}
		}
	}
}

static void ro_moved(struct node *n, struct aero *a, uint64_t now)
{
	for (unsigned i = 0; i < AERO_RO_MAX; i++) {
		struct aero_ro *r = &a->ro[i];
		struct peer *p =
		    r->used && r->resolved ? peer_table_lookup_key(&n->peers, r->key) : NULL;
		if (!p)
			continue;
		if (hs_established(&p->hs, now)) {
			datapath_peer_keepalive(n, p, now);
			a->c.ro_notified++;
		}
	}
}

void aero_relayed(struct node *n, struct peer *p, uint64_t now)
{
	struct aero *a = n->aero;
	if (!a)
		return;
	for (unsigned i = 0; i < AERO_RO_MAX; i++) {
		struct aero_ro *r = &a->ro[i];
		if (!r->used || !r->resolved || !keys_equal(r->key, p->ed_pk, 32))
			continue;
		if (r->up && now - r->up_ms > AERO_RO_RELAY_GRACE_MS) {
			a->c.ro_abandoned++;
			log_info(LOG_GRP_ND, "route optimization: %s went back to the server",
				 p->name);
			ro_drop(n, r, now + AERO_RO_HOLD_MS);
		}
		return;
	}
}

/* Server: NS(AR) from registered client @p: answer for the target, tell the target. */
static void server_ns(struct node *n, struct aero *a, struct peer *p, const uint8_t *pkt,
		      size_t len, uint64_t now)
{
	struct aero_ns ns;
	struct in6_addr lla;
	uint8_t t[16];
	struct aero_reg *src = aero_srv_find(&a->table, p->ed_pk), *dst = NULL;

	a->c.ns_rx++;
	if (!ratelimit_take(&a->ns_rl, now)) {
		a->c.ns_rate_limited++;
		return;
	}
	if (aero_mesh_is_server(n, p)) {
		aero_mesh_ns_in(n, a->mesh, &a->table, &a->report, p, pkt, len, now);
		return;
	}
	if (!src || aero_nd_check_ns(pkt, len, wall_ms(n, now), &ns) < 0 ||
	    !keys_equal(ns.key, p->ed_pk, 32))
		goto refuse;
	omni_lla_from_mnp(&src->mnp, &lla);
	if (memcmp(&lla, &ns.src, 16) != 0)
		goto refuse;
	memset(t, 0, sizeof(t));
	memcpy(t, ns.target.s6_addr + 8, 8);
	for (size_t i = 0; i < a->table.n && !dst; i++)
		if (&a->table.v[i] != src && prefix_contains(&a->table.v[i].mnp, AF_INET6, t))
			dst = &a->table.v[i];
	if (!dst && aero_mesh_ns_out(n, a->mesh, &a->report, src, &ns, pkt, len, now))
		return;
	struct peer *q = dst ? peer_table_lookup_key(&n->peers, dst->key) : NULL;
	if (!q)
		goto refuse;
	struct aero_nd_server s = {
	    .msid = n->conf.omni.msid, .ed_pk = n->id.ed_pk, .ed_sk = n->id.ed_sk};
	struct aero_vouch to_src = {.mnp = dst->mnp, .l2 = dst->origin};
	struct aero_vouch to_dst = {.mnp = src->mnp, .l2 = src->origin};
	memcpy(to_src.key, dst->key, 32);
	memcpy(to_dst.key, src->key, 32);
	mlink_far_ifattrs(n, q, to_src.ifs, &to_src.n_ifs);
	mlink_far_ifattrs(n, p, to_dst.ifs, &to_dst.n_ifs);
	uint8_t buf[AERO_ND_BUF];
	ssize_t l =
	    aero_nd_build_na(&s, &src->mnp, &to_src, true, wall_ms(n, now), buf, sizeof(buf));
	if (l > 0) {
		datapath_send_control(n, p, buf, (size_t)l, now);
		a->c.na_tx++;
	}
	/* The Report List of §5.6 item 3, reduced to telling the target at once. */
	l = aero_nd_build_na(&s, &dst->mnp, &to_dst, false, wall_ms(n, now), buf, sizeof(buf));
	if (l > 0) {
		datapath_send_control(n, q, buf, (size_t)l, now);
		a->c.na_tx++;
	}
	/* Both now hold each other's endpoint: each is on the other's Report List (§5.8). */
	uint64_t until = now + AERO_REACHABLE_TIME_MS;
	if (aero_report_add(&a->report, dst->key, src->key, until) < 0 ||
	    aero_report_add(&a->report, src->key, dst->key, until) < 0)
		log_debug(LOG_GRP_ND, "report list: a client asked for itself");
	return;
refuse:
	a->c.ns_refused++;
	log_remote(LOG_GRP_ND, "NS(AR) from '%s' refused", p->name);
}

/* ---- entry points ---- */

/*
 * §5.10 for direct sessions: a route-optimized neighbor we sent nothing for [aero]
 * nat_keepalive seconds gets an authenticated keepalive while its entry lives, so the
 * NAT mappings of a session between two NATed clients outlast the idle time.
 */
static void ro_keepalive(struct node *n, struct aero *a, uint64_t now)
{
	uint64_t ka = (uint64_t)n->conf.aero.nat_keepalive * 1000;
	if (!ka)
		return;
	for (unsigned i = 0; i < AERO_RO_MAX; i++) {
		struct aero_ro *r = &a->ro[i];
		struct peer *p = r->used && r->up ? peer_table_lookup_key(&n->peers, r->key) : NULL;
		if (!p || !hs_established(&p->hs, now))
			continue;
		if (p->tx_packets != r->ka_tx_mark || !r->ka_due_ms || r->ka_due_ms > now + ka) {
			r->ka_tx_mark = p->tx_packets;
			r->ka_due_ms = now + ka;
		} else if (now >= r->ka_due_ms) {
			r->ka_due_ms = now + ka;
			datapath_peer_keepalive(n, p, now);
			a->c.ro_keepalives++;
		}
	}
}

void aero_tick(struct node *n, uint64_t now)
{
	struct aero *a = n->aero;
	mlink_tick(n, now);
	if (!a)
		return;
	if (a->role == CONF_ROLE_SERVER)
		server_tick(n, a, now);
	else if (a->n_srv) {
		client_tick(n, a, now);
		ro_tick(n, a, now);
		ro_keepalive(n, a, now);
	}
}

void aero_input(struct node *n, struct peer *p, const uint8_t *pkt, size_t len, uint64_t now)
{
	struct aero *a = n->aero;
	if (!a)
		return;
	uint8_t type = pkt[40];
	if (type == ICMP6_TYPE_RS && a->role == CONF_ROLE_SERVER) {
		a->c.rs_rx++;
		server_rs(n, a, p, pkt, len, now);
	} else if (type == ICMP6_TYPE_RA && a->role == CONF_ROLE_CLIENT) {
		a->c.ra_rx++;
		client_ra(n, a, p, pkt, len, now);
	} else if (type == ICMP6_TYPE_NS && a->role == CONF_ROLE_SERVER) {
		server_ns(n, a, p, pkt, len, now);
	} else if (type == ICMP6_TYPE_NA && a->role == CONF_ROLE_CLIENT) {
		client_na(n, a, p, pkt, len, now);
	} else if (type == ICMP6_TYPE_NA && a->role == CONF_ROLE_SERVER &&
		   aero_mesh_is_server(n, p)) {
		aero_mesh_na(n, a->mesh, &a->table, &a->report, p, pkt, len, now);
	} else {
		a->c.nd_ignored++;
	}
}

void aero_stop(struct node *n)
{
	struct aero *a = n->aero;
	if (!a)
		return;
	uint64_t now = uv_now(n->loop);
	if (a->role == CONF_ROLE_SERVER)
		aero_mesh_stop(n, a->mesh, &a->table, now);
	for (size_t i = 0; i < a->n_srv; i++) {
		struct aero_server *s = &a->srv[i];
		struct peer *p = peer_table_lookup_key(&n->peers, s->key);
		if (p && s->cli.registered && hs_established(&p->hs, now)) {
			/* §5.3 item 6: MS-Release; the RA that answers it is not awaited. */
			send_rs(n, s, p, true, now);
			log_info(LOG_GRP_ND, "released the registration with server '%s'", s->name);
		}
		aero_cli_release(&s->cli);
	}
	aero_mob_close(a->mob);
}

/* ---- reload ---- */

static bool conf_has_server(const struct conf *c, const struct aero_server *s)
{
	for (size_t i = 0; i < c->n_peers; i++)
		if (c->peers[i].kind == CONF_PEER_SERVER && c->peers[i].msid == s->msid &&
		    keys_equal(c->peers[i].public_key, s->key, 32))
			return true;
	return false;
}

void aero_reload(struct node *n, const struct conf *nc, uint64_t now)
{
	struct aero *a = n->aero;
	uint8_t hub_key[32];
	bool had_hub = a && a->hub >= 0;
	size_t k = 0;

	if (!a)
		return;
	if (had_hub)
		memcpy(hub_key, a->srv[a->hub].key, 32);
	/* Servers gone from the config: MS-Release now, while their peer still exists. */
	for (size_t i = 0; i < a->n_srv; i++) {
		struct aero_server *s = &a->srv[i];
		struct peer *p = peer_table_lookup_key(&n->peers, s->key);
		if (conf_has_server(nc, s)) {
			a->srv[k++] = *s;
			continue;
		}
		if (had_hub && keys_equal(hub_key, s->key, 32)) {
			if (p)
				set_prefixes(n, p, NULL, 0);
			log_info(LOG_GRP_ND, "routes via server '%s' withdrawn", s->name);
			had_hub = false;
		}
		if (p && s->cli.registered && hs_established(&p->hs, now)) {
			send_rs(n, s, p, true, now);
			log_info(LOG_GRP_ND, "reload: released the registration with server '%s'",
				 s->name);
		} else
			log_info(LOG_GRP_ND, "reload: server '%s' removed", s->name);
		aero_cli_release(&s->cli);
	}
	a->n_srv = k;
	/* New servers: register from now on, as at start. */
	for (size_t i = 0; i < nc->n_peers; i++) {
		const struct conf_peer *cp = &nc->peers[i];
		bool known = false;
		if (cp->kind != CONF_PEER_SERVER)
			continue;
		for (size_t j = 0; j < a->n_srv && !known; j++) {
			known = a->srv[j].msid == cp->msid &&
				keys_equal(a->srv[j].key, cp->public_key, 32);
			if (known)
				snprintf(a->srv[j].name, sizeof(a->srv[j].name), "%s", cp->name);
		}
		if (known)
			continue;
		const struct aero_server *s = add_server(a, cp, now);
		log_info(LOG_GRP_ND, "reload: registering with server '%s'", s->name);
	}
	a->hub = -1;
	for (size_t i = 0; had_hub && i < a->n_srv; i++)
		if (keys_equal(a->srv[i].key, hub_key, 32))
			a->hub = (int)i;
	if (a->role != CONF_ROLE_CLIENT)
		return;
	client_routes(n, a); /* the next registered server takes over from a removed Hub */
	if (a->n_srv && !a->mob)
		a->mob = aero_mob_open(n->loop, n->tun_ifindex, on_underlay_change, n);
}

bool aero_keeps(struct node *n, const struct peer *p, uint64_t now)
{
	struct aero *a = n->aero;

	if (!a || p->kind != CONF_PEER_RO)
		return false;
	for (unsigned i = 0; i < AERO_RO_MAX; i++) {
		const struct aero_ro *r = &a->ro[i];
		if (r->used && r->resolved && r->expires_ms > now &&
		    keys_equal(r->key, p->ed_pk, 32))
			return true;
	}
	return false;
}

/* ---- status ---- */

static json_t *b64key(const uint8_t k[32])
{
	char b[45];
	keys_b64_encode32(k, b);
	return json_string(b);
}

static json_t *endpoint_json(const union sockaddr_any *a)
{
	char b[ADDR_STR_MAX];
	return json_string(addr_format_endpoint(a, b, sizeof(b)));
}

static json_t *remaining(uint64_t at, uint64_t now)
{
	return json_integer(at > now ? (json_int_t)(at - now) : 0);
}

json_t *aero_registrations_json(struct node *n)
{
	struct aero *a = n->aero;
	uint64_t now = uv_now(n->loop);
	char buf[ADDR_STR_MAX];
	json_t *j = json_object(), *regs = json_array(), *srvs = json_array(), *ctr = json_object();

	json_object_set_new(
	    j, "role", json_string(n->conf.node.role == CONF_ROLE_SERVER ? "server" : "client"));
	if (!a) {
		json_object_set_new(j, "registrations", regs);
		json_object_set_new(j, "servers", srvs);
		json_object_set_new(j, "counters", ctr);
		return j;
	}
	if (a->role == CONF_ROLE_SERVER) {
		json_object_set_new(j, "msid", json_integer(n->conf.omni.msid));
		json_object_set_new(j, "router_lifetime", json_integer(a->table.lifetime_s));
	}
	for (size_t i = 0; i < a->table.n; i++) {
		const struct aero_reg *e = &a->table.v[i];
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(e->name));
		json_object_set_new(o, "public_key", b64key(e->key));
		json_object_set_new(o, "mnp",
				    json_string(prefix_format(&e->mnp, buf, sizeof(buf))));
		json_object_set_new(o, "origin", endpoint_json(&e->origin));
		json_object_set_new(o, "age_ms",
				    json_integer((json_int_t)(now - e->registered_ms)));
		json_object_set_new(o, "expires_in_ms", remaining(e->expires_ms, now));
		json_object_set_new(o, "refreshes", json_integer((json_int_t)e->refreshes));
		json_object_set_new(o, "replaced", json_integer((json_int_t)e->replaced));
		json_array_append_new(regs, o);
	}
	static const char *const states[] = {"idle", "soliciting", "registered", "released"};
	for (size_t i = 0; i < a->n_srv; i++) {
		const struct aero_server *s = &a->srv[i];
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(s->name));
		json_object_set_new(o, "msid", json_integer(s->msid));
		json_object_set_new(o, "state", json_string(states[s->cli.state]));
		json_object_set_new(o, "registered", json_boolean(s->cli.registered));
		json_object_set_new(o, "hub", json_boolean(a->hub == (int)i));
		json_object_set_new(o, "reachability",
				    json_string(aero_nud_state_name(s->nud.state)));
		json_object_set_new(o, "nud_probes", json_integer((json_int_t)s->nud.probes_tx));
		json_object_set_new(o, "nud_lost", json_integer((json_int_t)s->cli.lost));
		if (s->cli.registered) {
			json_object_set_new(o, "lifetime", json_integer(s->cli.lifetime_s));
			json_object_set_new(o, "expires_in_ms", remaining(s->cli.expires_ms, now));
		}
		if (s->has_origin)
			json_object_set_new(o, "origin", endpoint_json(&s->origin));
		json_object_set_new(o, "rs_sent", json_integer((json_int_t)s->cli.rs_sent));
		json_object_set_new(o, "retransmits", json_integer((json_int_t)s->cli.retransmits));
		json_object_set_new(o, "ra_accepted", json_integer((json_int_t)s->cli.ra_accepted));
		json_object_set_new(o, "expirations", json_integer((json_int_t)s->cli.expirations));
		json_object_set_new(o, "moves", json_integer((json_int_t)s->cli.moves));
		json_array_append_new(srvs, o);
	}
	json_t *ro = json_array();
	for (unsigned i = 0; i < AERO_RO_MAX; i++) {
		const struct aero_ro *r = &a->ro[i];
		if (!r->used || !r->resolved)
			continue;
		struct peer *p = peer_table_lookup_key(&n->peers, r->key);
		json_t *o = json_object();
		json_object_set_new(o, "neighbor", json_string(p ? p->name : "-"));
		json_object_set_new(o, "public_key", b64key(r->key));
		json_object_set_new(o, "mnp",
				    json_string(prefix_format(&r->mnp, buf, sizeof(buf))));
		json_object_set_new(o, "endpoint", endpoint_json(&r->l2));
		json_object_set_new(o, "initiator", json_boolean(r->initiator));
		json_object_set_new(o, "established", json_boolean(r->up));
		if (r->up)
			json_object_set_new(o, "convergence_ms",
					    json_integer((json_int_t)(r->up_ms - r->started_ms)));
		json_object_set_new(o, "expires_in_ms", remaining(r->expires_ms, now));
		json_array_append_new(ro, o);
	}
	json_object_set_new(j, "route_optimized", ro);
	if (a->mesh)
		json_object_set_new(j, "mesh_routes",
				    aero_mesh_routes_json(n, a->mesh, &a->table, now));
	aero_mesh_counters_json(a->mesh, ctr);
#define X(m) json_object_set_new(ctr, #m, json_integer((json_int_t)a->c.m));
	AERO_COUNTERS(X)
#undef X
	json_object_set_new(ctr, "underlay_events",
			    json_integer((json_int_t)aero_mob_events(a->mob)));
	json_object_set_new(ctr, "report_entries", json_integer((json_int_t)a->report.n));
	json_object_set_new(ctr, "registered", json_integer((json_int_t)a->table.registered));
	json_object_set_new(ctr, "refreshed", json_integer((json_int_t)a->table.refreshed));
	json_object_set_new(ctr, "replaced", json_integer((json_int_t)a->table.replaced));
	json_object_set_new(ctr, "released", json_integer((json_int_t)a->table.released));
	json_object_set_new(ctr, "expired", json_integer((json_int_t)a->table.expired));
	for (unsigned r = 0; r < AERO_REFUSE__COUNT; r++) {
		char k[64];
		snprintf(k, sizeof(k), "refused_%s", aero_refusal_name((enum aero_refusal)r));
		json_object_set_new(ctr, k, json_integer((json_int_t)a->table.refused[r]));
	}
	json_object_set_new(j, "registrations", regs);
	json_object_set_new(j, "servers", srvs);
	json_object_set_new(j, "counters", ctr);
	return j;
}

/* A client's [server.NAME] neighbor: whether it is the Hub, and its NUD state. */
static void server_nud_json(const struct aero *a, const struct peer *p, json_t *o)
{
	for (size_t i = 0; a && i < a->n_srv; i++) {
		const struct aero_server *s = &a->srv[i];
		if (!keys_equal(s->key, p->ed_pk, 32))
			continue;
		json_object_set_new(o, "hub", json_boolean(a->hub == (int)i));
		json_object_set_new(o, "registered", json_boolean(s->cli.registered));
		json_object_set_new(o, "reachability",
				    json_string(aero_nud_state_name(s->nud.state)));
		return;
	}
}

json_t *aero_neighbors_json(struct node *n)
{
	static const char *const kinds[] = {
	    [CONF_PEER_STATIC] = "peer",
	    [CONF_PEER_SERVER] = "server",
	    [CONF_PEER_CLIENT] = "client",
	    [CONF_PEER_RO] = "route-optimized",
	};
	uint64_t now = uv_now(n->loop);
	char buf[ADDR_STR_MAX];
	json_t *j = json_object(), *arr = json_array();

	for (size_t i = 0; i < n->peers.n; i++) {
		const struct peer *p = n->peers.v[i];
		json_t *o = json_object(), *pf = json_array();
		json_object_set_new(o, "name", json_string(p->name));
		json_object_set_new(o, "kind",
				    json_string((unsigned)p->kind < ARRAY_SIZE(kinds)
						    ? kinds[p->kind]
						    : "unknown"));
		json_object_set_new(o, "public_key", b64key(p->ed_pk));
		for (size_t k = 0; k < p->n_prefixes; k++)
			json_array_append_new(
			    pf, json_string(prefix_format(&p->prefixes[k], buf, sizeof(buf))));
		json_object_set_new(o, "prefixes", pf);
		if (p->has_endpoint)
			json_object_set_new(o, "endpoint", endpoint_json(&p->endpoint));
		json_object_set_new(o, "established", json_boolean(hs_established(&p->hs, now)));
		if (n->conf.aero.multilink)
			json_object_set_new(o, "paths", mlink_paths_json(n, p, now));
		if (p->last_rx_ms)
			json_object_set_new(o, "last_rx_ms_ago",
					    json_integer((json_int_t)(now - p->last_rx_ms)));
		if (p->kind == CONF_PEER_SERVER)
			server_nud_json(n->aero, p, o);
		json_array_append_new(arr, o);
	}
	json_object_set_new(j, "neighbors", arr);
	return j;
}
