// SPDX-License-Identifier: MIT
/*
 * node.c - life cycle of a node (node.h): set-up from a validated config
 * (identity, pools, TUN with its addresses and routes, underlay sockets,
 * neighbors, control API), reload with a diff of the neighbor set, the status
 * document, and tear-down. Every privileged call goes through privops.c or
 * netlink.c; per-packet work is in datapath.c.
 */
#include "node.h"
#include "aero.h"
#include "api.h"
#include "api_schema.h"
#include "datapath.h"
#include "dns.h"
#include "log.h"
#include "netlink.h"
#include "omni_wire.h"
#include "privops.h"
#include "scion.h"
#include "tun.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_tun.h>

#define PKT_HEADROOM (CARRIER_HDR_LEN + OAL_HDR_LEN)
#define PKT_TAILROOM (OAL_TRAILER_LEN + CARRIER_TAG_LEN)
#define POOL_PKT_BASE 2048
#define POOL_FRAG_MAX 8192
#define POOL_GSO_MAX 512
#define POOL_RD_MAX 128
#define UDP_SLOT_SIZE 65536
#define TICK_MS 50

static void on_tun(uv_poll_t *h, int status, int events)
{
	struct node *n = h->data;
	(void)events;
	if (status < 0) {
		log_warn(LOG_GRP_TUN, "poll error: %s", uv_strerror(status));
		return;
	}
	datapath_tun_readable(n);
}

static void on_udp(uv_poll_t *h, int status, int events)
{
	struct underlay *ul = h->data;
	(void)events;
	if (status < 0) {
		log_warn(LOG_GRP_UDP, "underlay %s: poll error: %s", ul->name, uv_strerror(status));
		return;
	}
	datapath_udp_readable(ul->node, ul);
}

static void on_tick(uv_timer_t *t)
{
	struct node *n = t->data;
	datapath_tick(n, uv_now(n->loop));
	aero_tick(n, uv_now(n->loop));
}

static int add_route(struct node *n, const struct prefix *p)
{
	struct prefix m = *p;
	char buf[ADDR_STR_MAX];
	prefix_mask(&m);
	int r = nl_route_add(n->nl, n->tun_ifindex, &m);
	if (r < 0)
		log_err(LOG_GRP_NL, "route %s dev %s: %s", prefix_format(&m, buf, sizeof(buf)),
			n->tun_name, strerror(-r));
	return r;
}

static void del_route(struct node *n, const struct prefix *p)
{
	struct prefix m = *p;
	prefix_mask(&m);
	char buf[ADDR_STR_MAX];
	if (nl_route_del(n->nl, n->tun_ifindex, &m) < 0)
		log_debug(LOG_GRP_NL, "withdraw route %s: already gone",
			  prefix_format(&m, buf, sizeof(buf)));
}

static int setup_tun(struct node *n)
{
	const struct conf *c = &n->conf;
	char buf[ADDR_STR_MAX];
	int r;

	r = privops_tun_open_flags(c->omni.tun, c->omni.offload ? TUN_F_VNET_HDR : 0, n->tun_name);
	if (r < 0) {
		log_err(LOG_GRP_TUN, "cannot create TUN device '%s': %s", c->omni.tun, strerror(-r));
		return r;
	}
	n->tun_fd = r;
	if (c->omni.offload) {
		n->vnet = true;
		n->tun_offloads = tun_offload_probe(n->tun_fd);
		unsigned gro = 0;
		if (n->tun_offloads & TUN_F_TSO4)
			gro |= VNET_GRO_TCP;
		if (n->tun_offloads & VNET_TUN_F_USO4)
			gro |= VNET_GRO_UDP;
		n->gro_buf = xmalloc(VNET_GRO_BUF_LEN);
		vnet_gro_init(&n->gro, n->gro_buf, VNET_GRO_BUF_LEN, gro);
		n->pool_rd = pbuf_pool_new(PKT_HEADROOM + VNET_GRO_BUF_LEN + PKT_TAILROOM, PKT_HEADROOM,
					   POOL_RD_MAX);
		log_info(LOG_GRP_TUN, "%s offloads: checksum %s, TSO %s, USO %s", n->tun_name,
			 n->tun_offloads ? "on" : "off", gro & VNET_GRO_TCP ? "on" : "off",
			 gro & VNET_GRO_UDP ? "on" : "off");
	}
	n->nl = nl_open();
	if (!n->nl) {
		log_err(LOG_GRP_NL, "cannot open rtnetlink socket");
		return -EIO;
	}
	n->tun_ifindex = nl_link_index(n->nl, n->tun_name);
	if (n->tun_ifindex < 0)
		return n->tun_ifindex;
	if ((r = nl_link_set_addr_gen_mode_none(n->nl, n->tun_ifindex)) < 0 ||
	    (r = nl_link_set_mtu(n->nl, n->tun_ifindex, c->omni.mtu)) < 0) {
		log_err(LOG_GRP_NL, "configure %s: %s", n->tun_name, strerror(-r));
		return r;
	}
	for (size_t i = 0; i < c->omni.n_addresses; i++) {
		const struct prefix *a = &c->omni.addresses[i];
		if (a->family == AF_INET6 && !n->has_icmp_src6) {
			memcpy(n->icmp_src6, a->addr, 16);
			n->has_icmp_src6 = true;
		}
		r = nl_addr_add(n->nl, n->tun_ifindex, &c->omni.addresses[i]);
		if (r < 0 && r != -EEXIST) {
			log_err(LOG_GRP_NL, "address %s on %s: %s",
				prefix_format(&c->omni.addresses[i], buf, sizeof(buf)), n->tun_name,
				strerror(-r));
			return r;
		}
	}
	if (c->omni.has_mnp && c->omni.mnp.family == AF_INET6) {
		struct prefix lla = { .family = AF_INET6, .plen = 128 };
		struct in6_addr a;
		omni_lla_from_mnp(&c->omni.mnp, &a);
		memcpy(lla.addr, &a, 16);
		r = nl_addr_add(n->nl, n->tun_ifindex, &lla);
		if (r < 0 && r != -EEXIST)
			log_warn(LOG_GRP_NL, "MNP-LLA on %s: %s", n->tun_name, strerror(-r));
	}
	if ((r = nl_link_set_up(n->nl, n->tun_ifindex, true)) < 0) {
		log_err(LOG_GRP_NL, "set %s up: %s", n->tun_name, strerror(-r));
		return r;
	}
	for (size_t i = 0; i < c->omni.n_routes; i++)
		if ((r = add_route(n, &c->omni.routes[i])) < 0)
			return r;
	uv_poll_init(n->loop, &n->tun_poll, n->tun_fd);
	n->tun_poll.data = n;
	n->tun_poll_active = true;
	uv_poll_start(&n->tun_poll, UV_READABLE, on_tun);
	return 0;
}

static int setup_underlays(struct node *n)
{
	const struct conf *c = &n->conf;
	char buf[ADDR_STR_MAX];

	n->ul = xcalloc(c->n_underlays, sizeof(*n->ul));
	for (size_t i = 0; i < c->n_underlays; i++) {
		const struct conf_underlay *cu = &c->underlays[i];
		struct underlay *ul = &n->ul[i];
		ul->node = n;
		ul->fd = -1;
		snprintf(ul->name, sizeof(ul->name), "%s", cu->name);
		ul->listen = cu->listen;
		ul->family = cu->listen.sa.sa_family;
		ul->plain = cu->plain;
		ul->budget = cu->path_mtu - (ul->family == AF_INET ? 20 : 40) - 8;
		int fd = udp_open(&cu->listen, cu->interface);
		if (fd < 0) {
			log_err(LOG_GRP_UDP, "underlay %s: cannot listen on %s: %s", cu->name,
				addr_format_endpoint(&cu->listen, buf, sizeof(buf)), strerror(-fd));
			return fd;
		}
		ul->fd = fd;
		n->n_ul = i + 1;
		udp_rx_init(&ul->rx, UDP_SLOT_SIZE);
		udp_txq_init(&ul->txq);
		unsigned off = cu->offload ? udp_offload_probe(fd, UDP_OFF_GSO | UDP_OFF_GRO) : 0;
		ul->txq.gso = (off & UDP_OFF_GSO) != 0;
		ul->txq.run_pool = n->pool_gso;
		uv_poll_init(n->loop, &ul->poll, fd);
		ul->poll.data = ul;
		ul->poll_active = true;
		uv_poll_start(&ul->poll, UV_READABLE, on_udp);
		log_info(LOG_GRP_UDP, "underlay %s listening on %s (path MTU %u, GSO %s, GRO %s)",
			 cu->name, addr_format_endpoint(&cu->listen, buf, sizeof(buf)), cu->path_mtu,
			 off & UDP_OFF_GSO ? "on" : "off", off & UDP_OFF_GRO ? "on" : "off");
	}
	return 0;
}

/* Add the peers of the current config; used at start. */
static int setup_peers(struct node *n)
{
	for (size_t i = 0; i < n->conf.n_peers; i++) {
		const struct conf_peer *cp = &n->conf.peers[i];
		int err;
		if (keys_equal(cp->public_key, n->id.ed_pk, 32)) {
			log_err(LOG_GRP_CONF, "peer '%s' has this node's own public key", cp->name);
			return -EINVAL;
		}
		struct peer *p = peer_new(cp, &n->conf, &n->hs, &err);
		if (!p) {
			log_err(LOG_GRP_CONF, "peer '%s': unusable public key", cp->name);
			return err;
		}
		p->underlay = p->has_endpoint ? datapath_underlay_for(n, &p->endpoint) : -1;
		peer_table_add(&n->peers, p);
	}
	int r = peer_table_rebuild_routes(&n->peers);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n->peers.n; i++)
		for (size_t k = 0; k < n->peers.v[i]->n_prefixes; k++)
			if ((r = add_route(n, &n->peers.v[i]->prefixes[k])) < 0)
				return r;
	return 0;
}

static json_t *status_cb(void *ctx);

static json_t *paths_cb(void *ctx)
{
	return scion_paths_status(((struct node *)ctx)->scion);
}

static json_t *registrations_cb(void *ctx)
{
	return aero_registrations_json(ctx);
}

static json_t *neighbors_cb(void *ctx)
{
	return aero_neighbors_json(ctx);
}

static json_t *dns_names_cb(void *ctx)
{
	struct node *n = ctx;
	return dns_names_json(n->dns);
}

#define hs_config_from_conf(hc, sec)                                                               \
	do {                                                                                       \
		hs_config_default(hc);                                                             \
		(hc)->rekey_after_time_ms = (uint64_t)(sec)->rekey_after_time * 1000;              \
		(hc)->rekey_after_packets = (sec)->rekey_after_packets;                            \
		(hc)->keepalive_ms = (uint64_t)(sec)->keepalive * 1000;                            \
		(hc)->replay_window = (sec)->replay_window;                                        \
	} while (0)

/* Index table and key lookups for the handshake state machine (handshake.h). */
static int hs_index_new(void *ctx, struct hs_peer *hp, uint32_t *index)
{
	struct node *n = ctx;
	struct peer *p = container_of(hp, struct peer, hs);
	for (int tries = 0; tries < 64; tries++) {
		uint32_t v;
		randombytes_buf(&v, sizeof(v));
		if (v && peer_index_add(&n->peers, v, p) == 0) {
			*index = v;
			return 0;
		}
	}
	return -EAGAIN;
}

static void hs_index_free(void *ctx, uint32_t index)
{
	struct node *n = ctx;
	peer_index_del(&n->peers, index);
}

static struct hs_peer *hs_peer_by_key(void *ctx, const uint8_t x_pk[NOISE_KEY_LEN])
{
	struct node *n = ctx;
	struct peer *p = peer_table_lookup_xkey(&n->peers, x_pk);
	return p ? &p->hs : NULL;
}

static struct hs_peer *hs_peer_by_index(void *ctx, uint32_t index)
{
	struct node *n = ctx;
	struct peer *p = peer_index_lookup(&n->peers, index);
	return p ? &p->hs : NULL;
}

int node_start(struct node *n, uv_loop_t *loop, struct conf *conf, const char *config_path)
{
	char err[512], buf[INET6_ADDRSTRLEN];
	int r;

	n->loop = loop;
	n->tun_fd = -1;
	n->conf = *conf;
	memset(conf, 0, sizeof(*conf));
	eh_policy_from_conf(n->eh, &n->conf);
	ratelimit_init(&n->eh_log_rl, NODE_ICMP_RATE_PER_S, NODE_ICMP_RATE_BURST, uv_now(loop));
	snprintf(n->config_path, sizeof(n->config_path), "%s", config_path);
	peer_table_init(&n->peers);
	n->start_ms = uv_now(loop);
	/*
	 * IPv4 errors come from the RFC 7600 dummy address 192.0.0.8: the kernel
	 * drops packets from its own addresses arriving on the TUN as martians.
	 */
	static const uint8_t dummy4[4] = { 192, 0, 0, 8 };
	memcpy(n->icmp_src4, dummy4, 4);
	n->has_icmp_src4 = true;
	struct timespec rt;
	clock_gettime(CLOCK_REALTIME, &rt);
	/* Fixed offset from the loop's monotonic ms to Unix ms, so reported times are stable. */
	n->unix_base_ms = (int64_t)rt.tv_sec * 1000 + rt.tv_nsec / 1000000 - (int64_t)n->start_ms;

	r = keys_load_private(n->conf.node.private_key_file, &n->id, err, sizeof(err));
	if (r < 0) {
		log_err(LOG_GRP_CONF, "%s", err);
		goto fail;
	}
	keys_b64_encode32(n->id.ed_pk, n->pub_b64);
	const struct conf *c = &n->conf;
	if (c->omni.has_mnp)
		omni_ula_from_mnp(&c->omni.ula_domain, c->omni.link_id, &c->omni.mnp, &n->oal_addr);
	else
		omni_ula_adm(&c->omni.ula_domain, c->omni.link_id, c->omni.msid, &n->oal_addr);

	size_t max_budget = 0;
	for (size_t i = 0; i < c->n_underlays; i++)
		max_budget = MAX(max_budget, (size_t)c->underlays[i].path_mtu);
	size_t pkt_size = PKT_HEADROOM + c->omni.mtu + PKT_TAILROOM;
	n->pool_pkt = pbuf_pool_new(pkt_size, PKT_HEADROOM,
				    POOL_PKT_BASE + c->omni.reassembly_mem_total / pkt_size + 1);
	n->pool_frag = pbuf_pool_new(max_budget + 64, CARRIER_HDR_LEN, POOL_FRAG_MAX);
	n->pool_gso = pbuf_pool_new(UDP_SLOT_SIZE, 0, POOL_GSO_MAX);
	struct oal_reasm_cfg rc = { .mtu = c->omni.mtu,
				    .checksum = c->omni.oal_checksum,
				    .timeout_ms = c->omni.reassembly_timeout * 1000,
				    .mem_peer = c->omni.reassembly_mem_peer,
				    .mem_total = c->omni.reassembly_mem_total };
	n->reasm = oal_reasm_new(&rc, n->pool_pkt);
	struct hs_config hc;
	hs_config_from_conf(&hc, &c->secure);
	n->hs_ops = (struct hs_ops){ .index_new = hs_index_new,
				     .index_free = hs_index_free,
				     .peer_by_key = hs_peer_by_key,
				     .peer_by_index = hs_peer_by_index };
	ratelimit_init(&n->hs_rl, NODE_HS_RATE_PER_S, NODE_HS_RATE_BURST, uv_now(loop));
	ratelimit_init(&n->icmp_rl, NODE_ICMP_RATE_PER_S, NODE_ICMP_RATE_BURST, uv_now(loop));
	if ((r = hs_local_init(&n->hs, n->id.ed_pk, n->id.x_sk, n->id.x_pk, &hc, &n->hs_ops, n)) < 0) {
		log_err(LOG_GRP_HS, "handshake set-up failed: %s", strerror(-r));
		goto fail;
	}
	n->hs_ready = true;

	if ((r = setup_tun(n)) < 0 || (r = setup_underlays(n)) < 0 || (r = setup_peers(n)) < 0)
		goto fail;
	n->aero = aero_new(n);
	/* The TUN and its addresses are up: the responder binds to them (spec/internal-tld.md). */
	n->dns = dns_new(loop, c);
	dns_load_conf(n->dns, c, n->id.ed_pk);
	if ((r = dns_start(n->dns, c, n->tun_name)) < 0)
		goto fail;
	if ((r = scion_start(n, &n->scion)) < 0)
		goto fail;

	struct api_handlers h = { .status = status_cb,
				  .dns_names = dns_names_cb,
				  .paths = paths_cb,
				  .registrations = registrations_cb,
				  .neighbors = neighbors_cb };
	n->api = api_new(loop, c, n->config_path, &h, n, &r);
	if (!n->api) {
		log_err(LOG_GRP_API, "control API on '%s': %s", c->api.socket, strerror(-r));
		goto fail;
	}
	uv_timer_init(loop, &n->timer);
	n->timer.data = n;
	n->timer_active = true;
	uv_timer_start(&n->timer, on_tick, TICK_MS, TICK_MS);

	inet_ntop(AF_INET6, &n->oal_addr, buf, sizeof(buf));
	log_info(LOG_GRP_MAIN, "node '%s' up: %s mtu %u, OAL address %s, %zu neighbors, key %s",
		 c->node.name, n->tun_name, c->omni.mtu, buf, n->peers.n, n->pub_b64);
	for (size_t i = 0; i < n->peers.n; i++)
		datapath_peer_kick(n, n->peers.v[i], uv_now(loop));
	return 0;
fail:
	node_stop(n);
	return r < 0 ? r : -EINVAL;
}

/* Reload: only neighbor, route, log and session-parameter changes are applied live. */
int node_reload(struct node *n)
{
	struct conf nc;
	struct conf_err e;
	char msg[700];
	int r;

	log_info(LOG_GRP_CONF, "reload: reading %s", n->config_path);
	conf_init(&nc);
	r = conf_load(&nc, n->config_path, &e);
	if (r < 0) {
		log_err(LOG_GRP_CONF, "reload refused: %s", conf_err_format(&e, msg, sizeof(msg)));
		goto refuse;
	}
	if (conf_needs_restart(&n->conf, &nc)) {
		log_err(LOG_GRP_CONF, "reload refused: the TUN, MTU, own MNP/MSID, addresses, "
				      "underlays, API socket, key file, overlay or DNS listener "
				      "changed; restart omnid to apply those");
		r = -EINVAL;
		goto refuse;
	}
	for (size_t i = 0; i < nc.n_peers; i++) {
		if (keys_equal(nc.peers[i].public_key, n->id.ed_pk, 32)) {
			log_err(LOG_GRP_CONF, "reload refused: peer '%s' has this node's own key",
				nc.peers[i].name);
			r = -EINVAL;
			goto refuse;
		}
	}

	/* Remember the old routes to withdraw the ones that disappear. */
	size_t n_old = 0;
	for (size_t i = 0; i < n->peers.n; i++)
		n_old += n->peers.v[i]->n_prefixes;
	struct prefix *old = xcalloc(n_old + n->conf.omni.n_routes + 1, sizeof(*old));
	n_old = 0;
	for (size_t i = 0; i < n->peers.n; i++)
		for (size_t k = 0; k < n->peers.v[i]->n_prefixes; k++)
			old[n_old++] = n->peers.v[i]->prefixes[k];
	for (size_t i = 0; i < n->conf.omni.n_routes; i++)
		old[n_old++] = n->conf.omni.routes[i];

	for (size_t i = 0; i < n->peers.n; i++)
		n->peers.v[i]->seen = false;
	struct peer **added = xcalloc(nc.n_peers + 1, sizeof(*added));
	size_t n_added = 0;
	for (size_t i = 0; i < nc.n_peers; i++) {
		const struct conf_peer *cp = &nc.peers[i];
		struct peer *p = peer_table_lookup_key(&n->peers, cp->public_key);
		if (p) {
			snprintf(p->name, sizeof(p->name), "%s", cp->name);
			peer_update(p, cp, &nc);
		} else {
			int err;
			p = peer_new(cp, &nc, &n->hs, &err);
			if (!p)
				continue; /* conf_finish validated the key; cannot happen */
			peer_table_add(&n->peers, p);
			added[n_added++] = p;
		}
		p->underlay = p->has_endpoint ? datapath_underlay_for(n, &p->endpoint) : -1;
		p->seen = true;
	}
	aero_reload(n, &nc, uv_now(n->loop));
	for (size_t i = 0; i < n->peers.n;) {
		struct peer *p = n->peers.v[i];
		if (p->seen || aero_keeps(n, p, uv_now(n->loop))) {
			i++;
			continue;
		}
		log_info(LOG_GRP_PEER, "reload: removing neighbor '%s'", p->name);
		datapath_peer_forget(n, p);
		peer_table_remove(&n->peers, p);
		peer_free(p);
	}
	log_set_level(nc.node.log_level);
	log_set_debug_mask(nc.node.debug);
	hs_config_from_conf(&n->hs.cfg, &nc.secure);
	conf_free(&n->conf);
	n->conf = nc;
	eh_policy_from_conf(n->eh, &n->conf); /* [ehfilter] applies live */
	dns_load_conf(n->dns, &n->conf, n->id.ed_pk);
	if (n->api && api_conf_changed(n->api, &n->conf) < 0)
		log_err(LOG_GRP_API, "reload: tokens are refused until the issuer keys load");
	if (scion_reload(n->scion) < 0)
		n->c.reload_failed++;
	r = peer_table_rebuild_routes(&n->peers);
	if (r < 0)
		log_err(LOG_GRP_CONF, "reload: rebuilding routes: %s", strerror(-r));

	/* Withdraw routes no longer wanted, then (re)install the current ones. */
	for (size_t i = 0; i < n_old; i++) {
		bool keep = false;
		for (size_t j = 0; j < n->peers.n && !keep; j++)
			for (size_t k = 0; k < n->peers.v[j]->n_prefixes && !keep; k++)
				keep = prefix_overlaps(&old[i], &n->peers.v[j]->prefixes[k]) &&
				       old[i].plen == n->peers.v[j]->prefixes[k].plen;
		for (size_t k = 0; k < n->conf.omni.n_routes && !keep; k++)
			keep = prefix_overlaps(&old[i], &n->conf.omni.routes[k]) &&
			       old[i].plen == n->conf.omni.routes[k].plen;
		if (!keep)
			del_route(n, &old[i]);
	}
	free(old);
	for (size_t i = 0; i < n->peers.n; i++)
		for (size_t k = 0; k < n->peers.v[i]->n_prefixes; k++)
			if (add_route(n, &n->peers.v[i]->prefixes[k]) < 0)
				n->c.reload_failed++;
	for (size_t i = 0; i < n->conf.omni.n_routes; i++)
		if (add_route(n, &n->conf.omni.routes[i]) < 0)
			n->c.reload_failed++;
	for (size_t i = 0; i < n_added; i++)
		datapath_peer_kick(n, added[i], uv_now(n->loop));
	free(added);
	n->c.reloads++;
	log_info(LOG_GRP_CONF, "reload done: %zu neighbors", n->peers.n);
	return 0;
refuse:
	n->c.reload_failed++;
	conf_free(&nc);
	return r;
}

static void on_closed(uv_handle_t *h)
{
	(void)h;
}

void node_stop(struct node *n)
{
	if (!n->stopping)
		aero_stop(n);
	n->stopping = true;
	if (n->timer_active) {
		uv_timer_stop(&n->timer);
		uv_close((uv_handle_t *)&n->timer, on_closed);
		n->timer_active = false;
	}
	if (n->api) {
		api_free(n->api);
		n->api = NULL;
	}
	if (n->dns)
		dns_stop(n->dns);
	scion_stop(n->scion);
	if (n->tun_poll_active) {
		uv_poll_stop(&n->tun_poll);
		uv_close((uv_handle_t *)&n->tun_poll, on_closed);
		n->tun_poll_active = false;
	}
	for (size_t i = 0; i < n->n_ul; i++) {
		if (n->ul[i].poll_active) {
			uv_poll_stop(&n->ul[i].poll);
			uv_close((uv_handle_t *)&n->ul[i].poll, on_closed);
			n->ul[i].poll_active = false;
		}
	}
}

void node_free(struct node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->peers.n; i++)
		datapath_peer_forget(n, n->peers.v[i]);
	peer_table_deinit(&n->peers);
	for (size_t i = 0; i < n->n_ul; i++) {
		udp_txq_flush(&n->ul[i].txq, n->ul[i].fd);
		if (n->ul[i].fd >= 0)
			close(n->ul[i].fd);
		udp_rx_deinit(&n->ul[i].rx);
	}
	free(n->ul);
	/* Closing the fd of a non-persistent TUN removes the device with its routes. */
	if (n->tun_fd >= 0)
		close(n->tun_fd);
	if (n->nl)
		nl_close(n->nl);
	oal_reasm_free(n->reasm);
	if (n->hs_ready)
		hs_local_deinit(&n->hs);
	pbuf_pool_free(n->pool_frag);
	pbuf_pool_free(n->pool_gso);
	pbuf_pool_free(n->pool_rd);
	free(n->gro_buf);
	pbuf_pool_free(n->pool_pkt);
	dns_free(n->dns);
	scion_free(n->scion);
	aero_free(n->aero);
	keys_identity_free(&n->id);
	conf_free(&n->conf);
	free(n);
}

/* ---- status ---- */

static const char *const node_counter_names[] = {
#define X(name) #name,
	NODE_COUNTERS(X)
#undef X
};

static const char *const peer_counter_names[] = {
#define X(name) #name,
	PEER_COUNTERS(X)
#undef X
};

static json_t *status_cb(void *ctx)
{
	struct node *n = ctx;
	struct api_status s = { 0 };
	char buf[ADDR_STR_MAX];
	uint64_t now = uv_now(n->loop);

	snprintf(s.node, sizeof(s.node), "%s", n->conf.node.name);
	snprintf(s.version, sizeof(s.version), "%s", OMNID_VERSION);
	memcpy(s.public_key, n->pub_b64, sizeof(s.public_key));
	snprintf(s.tun, sizeof(s.tun), "%s", n->tun_name);
	s.mtu = n->conf.omni.mtu;
	inet_ntop(AF_INET6, &n->oal_addr, s.oal_addr, sizeof(s.oal_addr));
	s.uptime_s = (now - n->start_ms) / 1000;
	s.pid = (int)getpid();

	/* Fold the reassembler's drops into the global counters. */
	struct oal_reasm_stats rs;
	oal_reasm_stats(n->reasm, &rs);
	n->c.drop_reasm = rs.timeout + rs.overlap + rs.bad_size + rs.too_big + rs.mem_peer_drop +
			  rs.mem_total_drop + rs.bad_checksum + rs.bad_inner_len + rs.no_buffer +
			  rs.flushed;
	size_t nc = ARRAY_SIZE(node_counter_names);
	struct api_counter ctr[ARRAY_SIZE(node_counter_names) + 3 + DNS_N_COUNTERS +
			       EH_DIR__COUNT * EH_ST__COUNT + SCION_MAX_COUNTERS];
	const uint64_t *vals = (const uint64_t *)&n->c;
	for (size_t i = 0; i < nc; i++)
		ctr[i] = (struct api_counter){ node_counter_names[i], vals[i] };
	ctr[nc++] = (struct api_counter){ "reasm_complete", rs.complete };
	ctr[nc++] = (struct api_counter){ "reasm_pending", oal_reasm_pending(n->reasm) };
	ctr[nc++] = (struct api_counter){ "log_suppressed", log_remote_suppressed() };
	if (n->dns)
		nc += dns_counters_export(n->dns, ctr + nc, DNS_N_COUNTERS);
	if (n->scion)
		nc += scion_counters_export(n->scion, ctr + nc, SCION_MAX_COUNTERS);
	for (size_t d = 0; d < EH_DIR__COUNT; d++)
		for (size_t i = 0; i < EH_ST__COUNT; i++)
			ctr[nc++] = (struct api_counter){ eh_stat_name(d, i), n->eh_st[d].v[i] };
	s.counters = ctr;
	s.n_counters = nc;

	char **uls = xcalloc(n->n_ul + 1, sizeof(*uls));
	for (size_t i = 0; i < n->n_ul; i++) {
		uls[i] = xmalloc(128);
		snprintf(uls[i], 128, "%s %s", n->ul[i].name,
			 addr_format_endpoint(&n->ul[i].listen, buf, sizeof(buf)));
	}
	s.underlays = uls;
	s.n_underlays = n->n_ul;

	s.peers = xcalloc(n->peers.n + 1, sizeof(*s.peers));
	s.n_peers = n->peers.n;
	size_t npc = ARRAY_SIZE(peer_counter_names);
	struct api_counter *pctr = xcalloc(n->peers.n * npc + 1, sizeof(*pctr));
	for (size_t i = 0; i < n->peers.n; i++) {
		struct peer *p = n->peers.v[i];
		struct api_peer_status *ps = &s.peers[i];
		snprintf(ps->name, sizeof(ps->name), "%s", p->name);
		keys_b64_encode32(p->ed_pk, ps->public_key);
		if (p->has_endpoint)
			addr_format_endpoint(&p->endpoint, ps->endpoint, sizeof(ps->endpoint));
		inet_ntop(AF_INET6, &p->oal_addr, ps->oal_addr, sizeof(ps->oal_addr));
		struct hs_status hi;
		hs_status(&p->hs, now, &hi);
		snprintf(ps->state, sizeof(ps->state), "%s",
			 hi.established ? "established" : hi.handshake_pending ? "handshake" : "idle");
		ps->last_handshake =
			hi.has_handshake ? (n->unix_base_ms + (int64_t)hi.last_handshake_ms) / 1000 : 0;
		ps->last_rx_ms_ago = p->last_rx_ms ? (int64_t)(now - p->last_rx_ms) : -1;
		ps->rx_packets = p->rx_packets;
		ps->rx_bytes = p->rx_bytes;
		ps->tx_packets = p->tx_packets;
		ps->tx_bytes = p->tx_bytes;
		const uint64_t *pv = (const uint64_t *)&p->c;
		ps->counters = &pctr[i * npc];
		ps->n_counters = npc;
		for (size_t k = 0; k < npc; k++)
			ps->counters[k] = (struct api_counter){ peer_counter_names[k], pv[k] };
		ps->prefixes = xcalloc(p->n_prefixes + 1, sizeof(char *));
		ps->n_prefixes = p->n_prefixes;
		for (size_t k = 0; k < p->n_prefixes; k++)
			ps->prefixes[k] = xstrdup(prefix_format(&p->prefixes[k], buf, sizeof(buf)));
	}
	json_t *j = api_status_encode(&s);
	for (size_t i = 0; i < s.n_peers; i++) {
		for (size_t k = 0; k < s.peers[i].n_prefixes; k++)
			free(s.peers[i].prefixes[k]);
		free(s.peers[i].prefixes);
	}
	free(pctr);
	free(s.peers);
	for (size_t i = 0; i < n->n_ul; i++)
		free(uls[i]);
	free(uls);
	return j;
}
