// SPDX-License-Identifier: MIT
/*
 * scion.c - omnid's SCION roles on the event loop (see scion.h). The packet
 * decisions are scion_fwd.c's; this module owns the sockets (the [scion]
 * listen socket: the end host's data socket or the router's internal side;
 * one socket per router link), their poll handles, the probe timer, the MAC
 * context, the path store and the counters, and moves packets between them
 * and the TUN.
 */
#include "scion.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>
#include "conf.h"
#include "icmp.h"
#include "ipv6.h"
#include "log.h"
#include "node.h"
#include "ratelimit.h"
#include "scion_fwd.h"
#include "scion_mac.h"
#include "scion_paths.h"
#include "tun.h"
#include "udp.h"
#include "vnet.h"

#define SCION_BUF_LEN 65536
#define SCION_SLOT_LEN 9216  /* largest underlay datagram taken (jumbo frames) */
#define SCION_POOL_BUFS 1024 /* transmit buffers queued for sendmmsg */
#define SCION_SCMP_BURST 20

#define SCION_COUNTERS(X)                                                                          \
	X(tx_packets)                                                                              \
	X(tx_bytes)                                                                                \
	X(rx_packets)                                                                              \
	X(rx_bytes)                                                                                \
	X(drop_no_path)                                                                            \
	X(drop_too_big)                                                                            \
	X(icmp_too_big_tx)                                                                         \
	X(drop_encap)                                                                              \
	X(drop_bad_inner)                                                                          \
	X(drop_inner_src)                                                                          \
	X(drop_send)                                                                               \
	X(drop_underlay_src)                                                                       \
	X(drop_truncated)                                                                          \
	X(tun_errors)                                                                              \
	X(scmp_rx_echo_request)                                                                    \
	X(scmp_tx_echo_reply)                                                                      \
	X(scmp_rx_ifdown)                                                                          \
	X(scmp_rx_intdown)                                                                         \
	X(scmp_rx_param)                                                                           \
	X(scmp_rx_other)                                                                           \
	X(probes_tx)                                                                               \
	X(probes_rx)                                                                               \
	X(probes_lost)                                                                             \
	X(path_switches)                                                                           \
	X(br_forwarded)                                                                            \
	X(br_delivered)                                                                            \
	X(scmp_tx)                                                                                 \
	X(keepalive_tx)                                                                            \
	X(keepalive_rx)                                                                            \
	X(link_lost)                                                                               \
	X(scmp_rate_limited)

struct scion_counters {
#define X(n) uint64_t n;
	SCION_COUNTERS(X)
#undef X
	uint64_t br[SCION_FWD__COUNT];	  /* router drops by reason */
	uint64_t rx[SCION_FWD_RX__COUNT]; /* end-host receive drops by reason */
};

struct scion;

struct scion_sock {
	struct scion *s;
	int fd;
	bool poll_active;
	uv_poll_t poll;
	/* A router link; ifid 0 is the listen socket. */
	uint16_t ifid;
	bool up;
	union sockaddr_any remote;
	char name[CONF_NAME_MAX + 1];
	char ctr_name[CONF_NAME_MAX + 24];
	uint64_t tx;
	bool alive;	     /* keepalives (or any datagram) heard within 3 intervals */
	uint64_t last_rx_ms; /* loop time of the last datagram from remote */
	bool io_ready;
	struct udp_rx rx;   /* recvmmsg slots */
	struct udp_txq txq; /* sendmmsg queue, flushed after each receive batch */
};

struct scion_probe {
	uint16_t seq;
	bool pending;
	uint64_t sent_ms;
};

struct scion_active {
	uint64_t ia;
	uint32_t id;
};

struct scion {
	struct node *n;
	enum conf_scion_role role;
	uint64_t ia;
	struct scion_host host;
	uint16_t listen_port;
	struct scion_sock lsock;  /* [scion] listen */
	struct scion_sock *links; /* router */
	size_t n_links;
	struct scion_mac mac;
	bool has_mac;
	struct pbuf_pool *pool;	    /* transmit buffers of the txqs */
	struct scion_paths *paths;  /* end host */
	struct scion_probe *probes; /* by path id */
	size_t n_probes;
	struct scion_active *active; /* last active path per destination */
	size_t n_active;
	uint16_t probe_seq;
	bool timer_active;
	uv_timer_t timer;
	struct ratelimit scmp_rl;
	struct scion_counters c;
	struct scion_fwd_result res; /* the router's scratch result, ~1 KiB */
	uint8_t rx[SCION_BUF_LEN];
	uint8_t tx[SCION_BUF_LEN];
};

static uint64_t now_unix(const struct scion *s)
{
	return (uint64_t)(s->n->unix_base_ms + (int64_t)uv_now(s->n->loop));
}

static void host_from_prefix(const struct prefix *p, struct scion_host *h)
{
	memset(h, 0, sizeof(*h));
	if (p->family == AF_INET) {
		h->type = SCION_HOST_IPV4;
		h->len = 4;
	} else {
		h->type = SCION_HOST_IPV6;
		h->len = 16;
	}
	memcpy(h->addr, p->addr, h->len);
}

static bool host_to_sockaddr(const struct scion_host *h, uint16_t port, union sockaddr_any *a)
{
	memset(a, 0, sizeof(*a));
	if (h->type == SCION_HOST_IPV4) {
		a->in4.sin_family = AF_INET;
		memcpy(&a->in4.sin_addr, h->addr, 4);
		a->in4.sin_port = htons(port);
		return true;
	}
	if (h->type == SCION_HOST_IPV6) {
		a->in6.sin6_family = AF_INET6;
		memcpy(&a->in6.sin6_addr, h->addr, 16);
		a->in6.sin6_port = htons(port);
		return true;
	}
	return false;
}

static uint16_t sockaddr_port(const union sockaddr_any *a)
{
	return ntohs(a->sa.sa_family == AF_INET ? a->in4.sin_port : a->in6.sin6_port);
}

static int send_to(struct scion *s, int fd, const uint8_t *buf, size_t len,
		   const union sockaddr_any *dst)
{
	int r = udp_send_one(fd, buf, len, dst);
	if (r < 0) {
		s->c.drop_send++;
		log_remote(LOG_GRP_SCION, "send: %s", strerror(-r));
	}
	return r;
}

/* Queue a copy of @buf for @dst on @k (sent by flush_all at the end of the batch). */
static void queue(struct scion *s, struct scion_sock *k, const uint8_t *buf, size_t len,
		  const union sockaddr_any *dst)
{
	struct pbuf *b = pbuf_pool_get(s->pool);

	if (!b || pbuf_tailroom(b) < len) {
		if (b)
			pbuf_free(b);
		s->c.drop_send++;
		return;
	}
	memcpy(pbuf_put(b, len), buf, len);
	udp_txq_add(&k->txq, k->fd, b, dst);
}

static void flush_all(struct scion *s)
{
	udp_txq_flush(&s->lsock.txq, s->lsock.fd);
	for (size_t i = 0; i < s->n_links; i++)
		udp_txq_flush(&s->links[i].txq, s->links[i].fd);
}

/* ---- path store ---- */

static int read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	char *buf = xmalloc(SCION_PATHS_JSON_MAX + 2);
	size_t n = fread(buf, 1, SCION_PATHS_JSON_MAX + 1, f);
	int err = ferror(f) ? -EIO : 0;
	fclose(f);
	if (err) {
		free(buf);
		return err;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* The path file plus the [scion] policy keys, which apply to every destination. */
static struct scion_paths *load_paths(const struct conf *c)
{
	char err[256] = "", *text = NULL;
	size_t len = 0;
	int r;

	if ((r = read_file(c->scion.path_file, &text, &len)) < 0) {
		log_err(LOG_GRP_SCION, "path file %s: %s", c->scion.path_file, strerror(-r));
		return NULL;
	}
	struct scion_paths *ps = scion_paths_new();
	r = scion_paths_load_json(ps, text, len, err, sizeof(err));
	free(text);
	if (r < 0) {
		log_err(LOG_GRP_SCION, "path file %s: %s", c->scion.path_file,
			err[0] ? err : strerror(-r));
		scion_paths_free(ps);
		return NULL;
	}
	if (c->scion.n_prefer || c->scion.has_hysteresis || c->scion.has_loss_threshold ||
	    c->scion.has_ifdown_hold) {
		struct scion_policy pol;
		scion_policy_init(&pol);
		pol.n_prefer = MIN(c->scion.n_prefer, (size_t)SCION_PATHS_MAX_PREFER);
		for (size_t i = 0; i < pol.n_prefer; i++)
			snprintf(pol.prefer[i], sizeof(pol.prefer[i]), "%s", c->scion.prefer[i]);
		if (c->scion.has_hysteresis)
			pol.hysteresis_ms = c->scion.hysteresis;
		if (c->scion.has_loss_threshold)
			pol.loss_threshold = c->scion.loss_threshold;
		if (c->scion.has_ifdown_hold)
			pol.ifdown_hold_ms = c->scion.ifdown_hold;
		r = scion_paths_set_policy(ps, 0, &pol);
		for (size_t i = 0; r == 0 && i < c->n_scion_routes; i++)
			r = scion_paths_set_policy(ps, c->scion_routes[i].isd_as, &pol);
		if (r < 0) {
			log_err(LOG_GRP_SCION, "[scion] policy: %s", strerror(-r));
			scion_paths_free(ps);
			return NULL;
		}
	}
	return ps;
}

static const struct conf_scion_route *route_for_ia(const struct conf *c, uint64_t ia)
{
	for (size_t i = 0; i < c->n_scion_routes; i++) {
		if (c->scion_routes[i].isd_as == ia)
			return &c->scion_routes[i];
	}
	return NULL;
}

/* scion_paths_select plus bookkeeping of switches. */
static const struct scion_path_entry *pick(struct scion *s, uint64_t ia, uint64_t now)
{
	const struct scion_path_entry *e = scion_paths_select(s->paths, ia, now);
	uint32_t id = e ? e->id : 0;
	size_t i;

	for (i = 0; i < s->n_active; i++) {
		if (s->active[i].ia == ia)
			break;
	}
	if (i == s->n_active) {
		s->active = xrealloc(s->active, (s->n_active + 1) * sizeof(*s->active));
		s->active[s->n_active++] = (struct scion_active){.ia = ia, .id = 0};
	}
	if (s->active[i].id != id) {
		char buf[32];
		scion_ia_format(ia, buf, sizeof(buf));
		if (s->active[i].id)
			s->c.path_switches++;
		log_info(LOG_GRP_SCION, "path to %s: %s%s%s", buf, e ? "now '" : "none usable",
			 e ? e->meta.name : "", e ? "'" : "");
		s->active[i].id = id;
	}
	return e;
}

/* ---- end host: TUN -> SCION ---- */

/* Tell the sender the inner MTU of the path (rate-limited with the node's ICMP answers). */
static void too_big(struct scion *s, const struct pbuf *b, size_t mtu)
{
	struct node *n = s->n;
	uint8_t out[ICMP6_ERR_MAX];
	bool v6 = (b->head[0] >> 4) == 6;

	if (!(v6 ? n->has_icmp_src6 : n->has_icmp_src4) ||
	    !ratelimit_take(&n->icmp_rl, uv_now(n->loop)))
		return;
	ssize_t len = scion_fwd_too_big(b->head, b->len, v6 ? n->icmp_src6 : n->icmp_src4,
					(uint32_t)mtu, out, sizeof(out));
	if (len > 0 && tun_write_packet(n->tun_fd, n->vnet, out, (size_t)len) > 0)
		s->c.icmp_too_big_tx++;
}

bool scion_tun_packet(struct scion *s, struct pbuf *b, int fam, const uint8_t *dst)
{
	const struct conf *c;
	const struct conf_scion_route *r = NULL;

	if (!s || s->role != CONF_SCION_HOST)
		return false;
	c = &s->n->conf;
	for (size_t i = 0; i < c->n_scion_routes && !r; i++) {
		for (size_t k = 0; k < c->scion_routes[i].n_prefixes; k++) {
			if (prefix_contains(&c->scion_routes[i].prefixes[k], fam, dst)) {
				r = &c->scion_routes[i];
				break;
			}
		}
	}
	if (!r)
		return false;
	const struct scion_path_entry *e = pick(s, r->isd_as, now_unix(s));
	if (!e || !e->meta.has_raw) {
		s->c.drop_no_path++;
		goto out;
	}
	struct scion_fwd_ip en = {.src_ia = s->ia,
				  .dst_ia = r->isd_as,
				  .src = s->host,
				  .port = c->scion.port,
				  .path = &e->meta.raw};
	host_from_prefix(&r->host, &en.dst);
	/* A per-flow label would need the 5-tuple; one label per path keeps order. */
	en.flow = e->id;
	ssize_t len = scion_fwd_encap(&en, b->head, b->len, s->tx, sizeof(s->tx));
	if (len < 0) {
		s->c.drop_encap++;
		goto out;
	}
	if (e->meta.mtu && (size_t)len > e->meta.mtu) {
		s->c.drop_too_big++;
		too_big(s, b, e->meta.mtu - ((size_t)len - b->len));
		goto out;
	}
	if (send_to(s, s->lsock.fd, s->tx, (size_t)len, &c->scion.first_hop) == 0) {
		s->c.tx_packets++;
		s->c.tx_bytes += b->len;
	}
out:
	pbuf_free(b);
	return true;
}

/* ---- end host: received ---- */

static void tun_deliver(struct scion *s, const uint8_t *pkt, size_t len, uint64_t src_ia)
{
	struct node *n = s->n;
	uint8_t nh;
	int fam, r;
	const uint8_t *src;

	if (ipv6_inner_len(pkt, len, &nh) < 0) {
		s->c.drop_bad_inner++;
		return;
	}
	/* Inner-source check: the source must lie in a prefix routed to the sending AS. */
	ipv6_inner_src(pkt, &fam, &src);
	bool ok = false;
	for (size_t i = 0; i < n->conf.n_scion_routes && !ok; i++) {
		const struct conf_scion_route *rt = &n->conf.scion_routes[i];
		for (size_t k = 0; rt->isd_as == src_ia && k < rt->n_prefixes && !ok; k++)
			ok = prefix_contains(&rt->prefixes[k], fam, src);
	}
	if (!ok) {
		s->c.drop_inner_src++;
		return;
	}
	r = tun_write_packet(n->tun_fd, n->vnet, pkt, len);
	if (r < 0) {
		s->c.tun_errors++;
		log_remote(LOG_GRP_SCION, "TUN write: %s", strerror(-r));
		return;
	}
	s->c.rx_packets++;
	s->c.rx_bytes += len;
}

static void echo_reply(struct scion *s, struct scion_fwd_rx *rx, const union sockaddr_any *from)
{
	struct scmp_msg m = rx->scmp;

	if (!ratelimit_take(&s->scmp_rl, uv_now(s->n->loop))) {
		s->c.scmp_rate_limited++;
		return;
	}
	m.type = SCMP_ECHO_REPLY;
	if (scion_hdr_reverse(&rx->h) < 0)
		return;
	ssize_t len = scion_fwd_scmp(&rx->h, &m, s->tx, sizeof(s->tx));
	if (len > 0 && send_to(s, s->lsock.fd, s->tx, (size_t)len, from) == 0)
		s->c.scmp_tx_echo_reply++;
}

static void probe_reply(struct scion *s, const struct scmp_msg *m)
{
	if (m->u.echo.id != s->listen_port || m->data_len < 4)
		return;
	uint32_t id = get_be32(m->data);
	if (id == 0 || id > s->n_probes)
		return;
	struct scion_probe *p = &s->probes[id - 1];
	if (!p->pending || p->seq != m->u.echo.seq)
		return;
	p->pending = false;
	uint64_t now = uv_now(s->n->loop);
	int32_t rtt = (int32_t)MIN(now - p->sent_ms, (uint64_t)INT32_MAX);
	if (scion_paths_on_probe(s->paths, id, rtt, now_unix(s)) == 0)
		s->c.probes_rx++;
}

static void host_input(struct scion *s, const uint8_t *pkt, size_t len,
		       const union sockaddr_any *from)
{
	struct scion_fwd_rx rx;
	enum scion_fwd_rx_reason why;

	if (scion_fwd_host_rx(pkt, len, s->ia, &s->host, s->n->conf.scion.port, &rx, &why) < 0) {
		s->c.rx[why]++;
		return;
	}
	if (rx.proto == SCION_PROTO_UDP) {
		tun_deliver(s, rx.data, rx.data_len, rx.h.src_ia);
		return;
	}
	uint64_t now = now_unix(s);
	switch (rx.scmp.type) {
	case SCMP_ECHO_REQUEST:
		s->c.scmp_rx_echo_request++;
		echo_reply(s, &rx, from);
		break;
	case SCMP_ECHO_REPLY:
		probe_reply(s, &rx.scmp);
		break;
	case SCMP_EXT_IF_DOWN:
		s->c.scmp_rx_ifdown++;
		if (s->paths && scion_paths_on_scmp_ifdown(s->paths, rx.scmp.u.ext_down.ia,
							   rx.scmp.u.ext_down.ifid, now) > 0) {
			char buf[32];
			scion_ia_format(rx.scmp.u.ext_down.ia, buf, sizeof(buf));
			log_remote(LOG_GRP_SCION, "SCMP external interface down: %s#%llu", buf,
				   (unsigned long long)rx.scmp.u.ext_down.ifid);
			pick(s, rx.h.src_ia, now);
		}
		break;
	case SCMP_INT_CONN_DOWN:
		s->c.scmp_rx_intdown++;
		if (s->paths)
			(void)scion_paths_on_scmp_intdown(s->paths, rx.scmp.u.int_down.ia,
							  rx.scmp.u.int_down.ingress,
							  rx.scmp.u.int_down.egress, now);
		break;
	case SCMP_PARAM_PROBLEM:
		s->c.scmp_rx_param++;
		log_remote(LOG_GRP_SCION, "SCMP parameter problem code %u pointer %u", rx.scmp.code,
			   rx.scmp.u.param.pointer);
		break;
	default:
		s->c.scmp_rx_other++;
		break;
	}
}

/* ---- border router ---- */

static int link_state(void *ctx, uint16_t ifid)
{
	struct scion *s = ctx;

	for (size_t i = 0; i < s->n_links; i++) {
		if (s->links[i].ifid == ifid)
			return s->links[i].up && s->links[i].alive ? 1 : 0;
	}
	return -1;
}

static struct scion_sock *link_by_ifid(struct scion *s, uint16_t ifid)
{
	for (size_t i = 0; i < s->n_links; i++) {
		if (s->links[i].ifid == ifid)
			return &s->links[i];
	}
	return NULL;
}

/*
 * The link keepalive between two omnid border routers (docs/scion.md): 8 octets whose
 * first nibble (15) is no SCION version, so it can never be taken for a SCION packet.
 */
static const uint8_t br_keepalive[8] = {0xff, 'O', 'M', 'N', 'I', '-', 'K', 'A'};

static void send_keepalives(struct scion *s)
{
	uint64_t now = uv_now(s->n->loop);
	uint64_t dead = 3ULL * s->n->conf.scion.keepalive;

	for (size_t i = 0; i < s->n_links; i++) {
		struct scion_sock *l = &s->links[i];
		queue(s, l, br_keepalive, sizeof(br_keepalive), &l->remote);
		s->c.keepalive_tx++;
		if (l->alive && now - l->last_rx_ms > dead) {
			l->alive = false;
			s->c.link_lost++;
			log_warn(LOG_GRP_SCION,
				 "link %s (interface %u): no keepalive for %llu ms, answering "
				 "SCMP External Interface Down",
				 l->name, l->ifid, (unsigned long long)dead);
		}
	}
	flush_all(s);
}

static void router_input(struct scion *s, struct scion_sock *in, uint8_t *pkt, size_t len,
			 const union sockaddr_any *from)
{
	struct scion_fwd_router r = {
	    .ia = s->ia, .mac = &s->mac, .link_state = link_state, .ctx = s};
	struct scion_fwd_result *res = &s->res;
	union sockaddr_any to;

	if (in->ifid) {
		if (!addr_equal(from, &in->remote)) {
			s->c.drop_underlay_src++;
			return;
		}
		in->last_rx_ms = uv_now(s->n->loop);
		if (!in->alive) {
			in->alive = true;
			log_info(LOG_GRP_SCION, "link %s (interface %u): neighbor heard again",
				 in->name, in->ifid);
		}
		if (len == sizeof(br_keepalive) && memcmp(pkt, br_keepalive, len) == 0) {
			s->c.keepalive_rx++;
			return;
		}
	}
	if (scion_fwd_process(&r, pkt, len, in->ifid, now_unix(s), res) < 0) {
		s->c.br[SCION_FWD_bad_header]++;
		return;
	}
	switch (res->verdict) {
	case SCION_FWD_FORWARD: {
		struct scion_sock *out = link_by_ifid(s, res->egress);
		if (out) {
			queue(s, out, pkt, len, &out->remote);
			s->c.br_forwarded++;
			out->tx++;
		}
		return;
	}
	case SCION_FWD_DELIVER:
		if (host_to_sockaddr(&res->host, res->port, &to)) {
			queue(s, &s->lsock, pkt, len, &to);
			s->c.br_delivered++;
		}
		return;
	case SCION_FWD_ERROR:
		s->c.br[res->reason]++;
		if (!ratelimit_take(&s->scmp_rl, uv_now(s->n->loop))) {
			s->c.scmp_rate_limited++;
			return;
		}
		ssize_t n = scion_fwd_scmp_error(&res->hdr, pkt, len, s->ia, &s->host, &res->scmp,
						 in->ifid, s->tx, sizeof(s->tx));
		if (n <= 0)
			return;
		to = in->ifid ? in->remote : *from;
		if (!in->ifid) {
			/* To a local host: its port follows the quoted packet (spec §6). */
			const char *why;
			if (scion_parse(s->tx, (size_t)n, 0, &res->hdr, &why) < 0)
				return;
			size_t hl = (size_t)res->hdr.hdr_len * 4;
			uint16_t port = scion_fwd_host_port(&res->hdr, s->tx + hl, (size_t)n - hl);
			if (to.sa.sa_family == AF_INET)
				to.in4.sin_port = htons(port);
			else
				to.in6.sin6_port = htons(port);
		}
		queue(s, in, s->tx, (size_t)n, &to);
		s->c.scmp_tx++;
		return;
	case SCION_FWD_DROP:
		s->c.br[res->reason]++;
		return;
	}
}

/* ---- sockets and timer ---- */

static void on_readable(uv_poll_t *h, int status, int events)
{
	struct scion_sock *k = h->data;
	struct scion *s = k->s;
	(void)events;

	if (status < 0)
		return;
	int n = udp_recv_batch(k->fd, &k->rx);
	if (n < 0)
		log_remote(LOG_GRP_SCION, "recv: %s", strerror(-n));
	for (int i = 0; i < n; i++) {
		struct udp_rxslot *sl = &k->rx.slot[i];
		if (sl->truncated) {
			s->c.drop_truncated++;
			continue;
		}
		if (s->role == CONF_SCION_ROUTER)
			router_input(s, k, sl->buf, sl->len, &sl->from);
		else
			host_input(s, sl->buf, sl->len, &sl->from);
	}
	flush_all(s);
}

static int sock_open(struct scion *s, struct scion_sock *k, const union sockaddr_any *addr)
{
	char buf[ADDR_STR_MAX];
	int fd = udp_open(addr, NULL);

	k->s = s;
	k->fd = fd;
	udp_rx_init(&k->rx, SCION_SLOT_LEN);
	udp_txq_init(&k->txq);
	k->io_ready = true;
	if (fd < 0) {
		log_err(LOG_GRP_SCION, "socket on %s: %s",
			addr_format_endpoint(addr, buf, sizeof(buf)), strerror(-fd));
		return fd;
	}
	int r = uv_poll_init(s->n->loop, &k->poll, fd);
	if (r < 0)
		return r;
	k->poll.data = k;
	k->poll_active = true;
	return uv_poll_start(&k->poll, UV_READABLE, on_readable);
}

static void send_probes(struct scion *s)
{
	const struct conf *c = &s->n->conf;
	uint64_t now = uv_now(s->n->loop), unow = now_unix(s);

	for (uint32_t id = 1;; id++) {
		const struct scion_path_entry *e = scion_paths_get(s->paths, id);
		if (!e)
			break;
		const struct conf_scion_route *r = route_for_ia(c, e->dst_ia);
		if (!r || !e->meta.has_raw)
			continue;
		if (id > s->n_probes) {
			s->probes = xrealloc(s->probes, id * sizeof(*s->probes));
			memset(s->probes + s->n_probes, 0, (id - s->n_probes) * sizeof(*s->probes));
			s->n_probes = id;
		}
		struct scion_probe *p = &s->probes[id - 1];
		if (p->pending) {
			if (scion_paths_on_probe(s->paths, id, SCION_PATHS_LOST, unow) == 0)
				s->c.probes_lost++;
		}
		struct scion_hdr h;
		memset(&h, 0, sizeof(h));
		h.flow = id;
		h.path_type = SCION_PATH_SCION;
		h.dst_ia = r->isd_as;
		h.src_ia = s->ia;
		host_from_prefix(&r->host, &h.dst);
		h.src = s->host;
		h.path.scion = e->meta.raw;
		h.path.scion.curr_inf = h.path.scion.curr_hf = 0;
		uint8_t data[4];
		put_be32(data, id);
		struct scmp_msg m = {.type = SCMP_ECHO_REQUEST, .data = data, .data_len = 4};
		m.u.echo.id = s->listen_port;
		m.u.echo.seq = ++s->probe_seq;
		ssize_t len = scion_fwd_scmp(&h, &m, s->tx, sizeof(s->tx));
		if (len < 0)
			continue;
		p->pending = true;
		p->seq = m.u.echo.seq;
		p->sent_ms = now;
		if (send_to(s, s->lsock.fd, s->tx, (size_t)len, &c->scion.first_hop) == 0)
			s->c.probes_tx++;
	}
	for (size_t i = 0; i < c->n_scion_routes; i++)
		pick(s, c->scion_routes[i].isd_as, unow);
}

static void on_timer(uv_timer_t *t)
{
	struct scion *s = t->data;

	if (s->role == CONF_SCION_ROUTER)
		send_keepalives(s);
	else
		send_probes(s);
}

static void timer_set(struct scion *s, uint32_t interval_ms)
{
	if (s->timer_active)
		uv_timer_stop(&s->timer);
	if (!interval_ms)
		return;
	if (!s->timer_active) {
		uv_timer_init(s->n->loop, &s->timer);
		s->timer.data = s;
		s->timer_active = true;
	}
	uv_timer_start(&s->timer, on_timer, interval_ms, interval_ms);
}

static int apply_conf(struct scion *s)
{
	const struct conf *c = &s->n->conf;

	if (s->role == CONF_SCION_ROUTER) {
		struct scion_mac m;
		if (scion_mac_init(&m, c->scion.forwarding_key) < 0) {
			log_err(LOG_GRP_SCION, "forwarding key: OpenSSL AES-CMAC set-up failed");
			return -EIO;
		}
		if (s->has_mac)
			scion_mac_deinit(&s->mac);
		s->mac = m;
		s->has_mac = true;
		for (size_t i = 0; i < s->n_links && i < c->n_scion_links; i++) {
			const struct conf_scion_link *l = &c->scion_links[i];
			if (s->links[i].up != l->up)
				log_info(LOG_GRP_SCION, "link %s (interface %u) %s", l->name,
					 l->ifid, l->up ? "up" : "down");
			s->links[i].up = l->up;
			s->links[i].remote = l->remote;
			snprintf(s->links[i].name, sizeof(s->links[i].name), "%s", l->name);
			snprintf(s->links[i].ctr_name, sizeof(s->links[i].ctr_name),
				 "scion_link_%s_tx", l->name);
			/* Without keepalives a link is taken as alive; with them it must be heard.
			 */
			if (!c->scion.keepalive || !s->timer_active) {
				s->links[i].alive = true;
				s->links[i].last_rx_ms = uv_now(s->n->loop);
			}
		}
		timer_set(s, c->scion.keepalive);
		return 0;
	}
	struct scion_paths *ps = load_paths(c);
	if (!ps)
		return -EINVAL;
	scion_paths_free(s->paths);
	s->paths = ps;
	free(s->probes);
	s->probes = NULL;
	s->n_probes = 0;
	free(s->active);
	s->active = NULL;
	s->n_active = 0;
	for (size_t i = 0; i < c->n_scion_routes; i++)
		pick(s, c->scion_routes[i].isd_as, now_unix(s));
	timer_set(s, c->scion.probe_interval);
	return 0;
}

int scion_start(struct node *n, struct scion **out)
{
	const struct conf *c = &n->conf;
	int r;

	*out = NULL;
	if (c->scion.role == CONF_SCION_OFF)
		return 0;
	struct scion *s = xcalloc(1, sizeof(*s));
	s->n = n;
	s->role = c->scion.role;
	s->ia = c->scion.isd_as;
	host_from_prefix(&c->scion.host, &s->host);
	s->listen_port = sockaddr_port(&c->scion.listen);
	s->lsock.fd = -1;
	s->pool = pbuf_pool_new(SCION_SLOT_LEN, 0, SCION_POOL_BUFS);
	ratelimit_init(&s->scmp_rl, c->scion.scmp_rate_limit, SCION_SCMP_BURST, uv_now(n->loop));
	if ((r = sock_open(s, &s->lsock, &c->scion.listen)) < 0)
		goto fail;
	if (s->role == CONF_SCION_ROUTER) {
		s->links = xcalloc(c->n_scion_links, sizeof(*s->links));
		s->n_links = c->n_scion_links;
		for (size_t i = 0; i < s->n_links; i++)
			s->links[i].fd = -1;
		for (size_t i = 0; i < s->n_links; i++) {
			s->links[i].ifid = c->scion_links[i].ifid;
			if ((r = sock_open(s, &s->links[i], &c->scion_links[i].local)) < 0)
				goto fail;
		}
	}
	if ((r = apply_conf(s)) < 0)
		goto fail;
	char ia[32], buf[ADDR_STR_MAX];
	scion_ia_format(s->ia, ia, sizeof(ia));
	log_info(LOG_GRP_SCION, "SCION %s of %s on %s, %zu links, %zu routes",
		 s->role == CONF_SCION_ROUTER ? "border router" : "end host", ia,
		 addr_format_endpoint(&c->scion.listen, buf, sizeof(buf)), s->n_links,
		 c->n_scion_routes);
	*out = s;
	return 0;
fail:
	scion_stop(s);
	/* The poll handles are closed but their memory is ours: park it until the loop ran. */
	*out = s;
	return r < 0 ? r : -EINVAL;
}

int scion_reload(struct scion *s)
{
	if (!s)
		return 0;
	return apply_conf(s);
}

static void on_closed(uv_handle_t *h)
{
	(void)h;
}

static void sock_close(struct scion_sock *k)
{
	if (k->poll_active) {
		uv_poll_stop(&k->poll);
		uv_close((uv_handle_t *)&k->poll, on_closed);
		k->poll_active = false;
	}
}

void scion_stop(struct scion *s)
{
	if (!s)
		return;
	if (s->timer_active) {
		uv_timer_stop(&s->timer);
		uv_close((uv_handle_t *)&s->timer, on_closed);
		s->timer_active = false;
	}
	sock_close(&s->lsock);
	for (size_t i = 0; i < s->n_links; i++)
		sock_close(&s->links[i]);
}

static void sock_free(struct scion_sock *k)
{
	if (k->io_ready) {
		if (k->fd >= 0)
			udp_txq_flush(&k->txq, k->fd);
		udp_rx_deinit(&k->rx);
	}
	if (k->fd >= 0)
		close(k->fd);
}

void scion_free(struct scion *s)
{
	if (!s)
		return;
	sock_free(&s->lsock);
	for (size_t i = 0; i < s->n_links; i++)
		sock_free(&s->links[i]);
	free(s->links);
	pbuf_pool_free(s->pool);
	if (s->has_mac)
		scion_mac_deinit(&s->mac);
	scion_paths_free(s->paths);
	free(s->probes);
	free(s->active);
	free(s);
}

/* ---- status ---- */

static const char *const counter_names[] = {
#define X(n) "scion_" #n,
    SCION_COUNTERS(X)
#undef X
};
static const char *const br_names[] = {"scion_br_ok",
#define X(n) "scion_br_" #n,
				       SCION_FWD_REASONS(X)
#undef X
};
static const char *const rx_names[] = {"scion_rx_ok",
#define X(n) "scion_" #n,
				       SCION_FWD_RX_REASONS(X)
#undef X
};

size_t scion_counters_export(const struct scion *s, struct api_counter *out, size_t max)
{
	const uint64_t *v = (const uint64_t *)&s->c;
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(counter_names) && n < max; i++)
		out[n++] = (struct api_counter){counter_names[i], v[i]};
	for (size_t i = 1; i < SCION_FWD__COUNT && n < max; i++)
		out[n++] = (struct api_counter){br_names[i], s->c.br[i]};
	for (size_t i = 1; i < SCION_FWD_RX__COUNT && n < max; i++)
		out[n++] = (struct api_counter){rx_names[i], s->c.rx[i]};
	for (size_t i = 0; i < s->n_links && n < max; i++)
		out[n++] = (struct api_counter){s->links[i].ctr_name, s->links[i].tx};
	uint64_t err = s->lsock.txq.send_errors;
	for (size_t i = 0; i < s->n_links; i++)
		err += s->links[i].txq.send_errors;
	if (n < max)
		out[n++] = (struct api_counter){"scion_tx_errors", err};
	return n;
}

static const char *health(const struct scion *s, const struct scion_path_entry *e, uint64_t now)
{
	if (e->meta.expires_ms && now >= e->meta.expires_ms)
		return "expired";
	if (scion_paths_usable(s->paths, e, now))
		return e->loss_streak ? "lossy" : "ok";
	if (e->ifdown && now < e->clean_since_ms)
		return "interface-down";
	return e->loss_streak ? "lost" : "excluded";
}

json_t *scion_paths_status(struct scion *s)
{
	json_t *dsts = json_array();
	char buf[32];

	if (!s || s->role != CONF_SCION_HOST)
		return json_pack("{s:o}", "destinations", dsts);
	uint64_t now = now_unix(s);
	const struct conf *c = &s->n->conf;
	for (size_t i = 0; i < c->n_scion_routes; i++) {
		const struct conf_scion_route *r = &c->scion_routes[i];
		const struct scion_path_entry *act = pick(s, r->isd_as, now);
		json_t *paths = json_array();
		for (uint32_t id = 1;; id++) {
			const struct scion_path_entry *e = scion_paths_get(s->paths, id);
			if (!e)
				break;
			if (e->dst_ia != r->isd_as)
				continue;
			json_t *hops = json_array();
			for (size_t k = 0; k < e->meta.n_ifaces; k++) {
				scion_ia_format(e->meta.ifaces[k].ia, buf, sizeof(buf));
				json_array_append_new(
				    hops, json_pack("{s:s,s:I}", "ia", buf, "ifid",
						    (json_int_t)e->meta.ifaces[k].ifid));
			}
			json_t *rtt = json_null();
			if (e->n_rtt) {
				uint64_t sum = 0;
				for (unsigned k = 0; k < e->n_rtt; k++)
					sum += e->rtt[k];
				rtt = json_integer((json_int_t)(sum / e->n_rtt));
			}
			json_array_append_new(
			    paths,
			    json_pack("{s:I,s:s,s:b,s:o,s:I,s:I,s:s,s:o,s:I}", "id",
				      (json_int_t)e->id, "name", e->meta.name, "active", act == e,
				      "interfaces", hops, "mtu", (json_int_t)e->meta.mtu,
				      "expires_ms", (json_int_t)e->meta.expires_ms, "health",
				      health(s, e, now), "rtt_ms", rtt, "loss_streak",
				      (json_int_t)e->loss_streak));
		}
		scion_ia_format(r->isd_as, buf, sizeof(buf));
		json_array_append_new(dsts, json_pack("{s:s,s:s,s:o}", "isd_as", buf, "route",
						      r->name, "paths", paths));
	}
	return json_pack("{s:s,s:o}", "role", "host", "destinations", dsts);
}
