// SPDX-License-Identifier: MIT
/*
 * dns.c - the .internal responder on the libuv loop (dns.h). Owns the zone,
 * the per-address UDP and TCP listeners (sockets opened here with
 * IP(V6)_FREEBIND and SO_BINDTODEVICE, then handed to uv_udp_open /
 * uv_tcp_open), the TCP connections with their idle timers, the per-source
 * token buckets, the expiry and hosts-export timers, and the resolvectl
 * children (started side by side, killed after DNS_RESOLVED_TIMEOUT_MS).
 * Every query is answered synchronously by dns_zone_answer() into a scratch
 * buffer and sent with uv_udp_try_send (a full socket buffer drops the
 * answer, counted) or uv_write over TCP. Anything that is not a well-formed
 * query is dropped and counted, never answered.
 */
#include "dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "cursor.h"
#include "log.h"
#include "ratelimit.h"

struct dns_listener {
	struct dns *d;
	union sockaddr_any addr;
	uv_udp_t udp;
	uv_tcp_t tcp;
	bool udp_open, tcp_open;
};

struct dns_conn {
	struct dns *d;
	struct dns_conn *prev, *next;
	uv_tcp_t tcp;
	uv_timer_t timer;
	union sockaddr_any peer;
	unsigned open; /* handles not yet closed */
	bool timer_init, closing;
	size_t len;
	uint8_t buf[2 + DNS_QUERY_MAX];
};

struct dns_wreq {
	uv_write_t req;
	uv_buf_t buf;
	uint8_t data[];
};

struct rl_slot {
	int family;
	uint8_t addr[16];
	struct ratelimit rl;
};

/* A running resolvectl child. */
struct dns_proc {
	struct dns *d;
	struct dns_proc *next;
	uv_process_t p;
	char verb[16];
};

struct dns {
	uv_loop_t *loop;
	struct dns_zone *zone;
	struct dns_counters c;
	struct dns_listener ls[DNS_LISTEN_MAX];
	size_t n_ls;
	uint16_t port;
	char tun[16];
	struct dns_conn *conns;
	size_t n_conns;
	uint32_t rate_limit;
	struct rl_slot rl[DNS_RL_SLOTS];
	char hosts_export[256];
	uv_timer_t expire_timer, export_timer;
	bool timers_init, export_pending;
	/* resolvectl children and the timer that kills them when they hang */
	struct dns_proc *procs;
	uv_timer_t proc_timer;
	bool proc_timer_init, registered;
	unsigned open_handles;
	bool stopped, freed;
	uint8_t rxbuf[DNS_QUERY_MAX + 1];
	uint8_t txbuf[DNS_UDP_EDNS_MAX];
	uint8_t tcpbuf[DNS_TCP_MAX];
};

static const char *const counter_names[] = {
#define X(n) #n,
    DNS_COUNTERS(X)
#undef X
};

static void maybe_free(struct dns *d)
{
	if (!d->freed || d->open_handles)
		return;
	dns_zone_free(d->zone);
	free(d);
}

static void on_handle_closed(uv_handle_t *h)
{
	struct dns *d = h->data;

	d->open_handles--;
	maybe_free(d);
}

static void close_handle(struct dns *d, uv_handle_t *h)
{
	h->data = d;
	uv_close(h, on_handle_closed);
}

/* ---- hosts export ---- */

static void hosts_print(const struct dns *d, FILE *f)
{
	uint64_t now = uv_now(d->loop);
	char a[INET6_ADDRSTRLEN];

	fprintf(f, "# omnid: names of %s (serial %" PRIu32 "); generated, do not edit\n",
		dns_zone_origin(d->zone), dns_zone_serial(d->zone));
	for (size_t i = 0; i < dns_zone_count(d->zone); i++) {
		const struct dns_zone_entry *e = dns_zone_get(d->zone, i);

		if (dns_zone_entry_ttl(d->zone, e, now) < 0)
			continue;
		for (size_t k = 0; k < e->n_addrs; k++) {
			inet_ntop(e->addrs[k].family, e->addrs[k].addr, a, sizeof(a));
			fprintf(f, "%s\t%s.%s\n", a, e->name, dns_zone_origin(d->zone));
		}
	}
}

/* Temp file, fsync, rename, fsync of the directory (spec/internal-tld.md §2.3). */
static int hosts_write(const struct dns *d)
{
	char tmp[300], dir[256];
	const char *path = d->hosts_export, *slash;
	int fd, dfd, r = 0;
	FILE *f;

	if (!path[0])
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		goto fail;
	if (fchmod(fd, 0644) < 0 || !(f = fdopen(fd, "w"))) {
		close(fd);
		goto fail_unlink;
	}
	hosts_print(d, f);
	if (fflush(f) != 0 || fsync(fileno(f)) < 0) {
		fclose(f);
		goto fail_unlink;
	}
	if (fclose(f) != 0 || rename(tmp, path) < 0)
		goto fail_unlink;
	slash = strrchr(path, '/');
	snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	log_debug(LOG_GRP_DNS, "wrote %s", path);
	return 0;
fail_unlink:
	r = -errno;
	unlink(tmp);
	log_warn(LOG_GRP_DNS, "hosts export %s: %s", path, strerror(-r));
	return r;
fail:
	r = -errno;
	log_warn(LOG_GRP_DNS, "hosts export %s: %s", tmp, strerror(-r));
	return r;
}

static void on_export(uv_timer_t *t)
{
	struct dns *d = container_of(t, struct dns, export_timer);

	d->export_pending = false;
	(void)hosts_write(d);
}

static void schedule_export(struct dns *d)
{
	if (!d->hosts_export[0] || d->stopped || !d->timers_init)
		return;
	d->export_pending = true;
	uv_timer_start(&d->export_timer, on_export, DNS_EXPORT_DELAY_MS, 0);
}

static void on_expire(uv_timer_t *t)
{
	struct dns *d = container_of(t, struct dns, expire_timer);
	size_t n = dns_zone_expire(d->zone, uv_now(d->loop));

	if (n) {
		log_info(LOG_GRP_DNS, "%zu registered name%s expired", n, n == 1 ? "" : "s");
		schedule_export(d);
	}
}

/* ---- names ---- */

struct dns *dns_new(uv_loop_t *loop, const struct conf *c)
{
	struct dns *d = xcalloc(1, sizeof(*d));

	d->loop = loop;
	d->zone = dns_zone_new(c->node.overlay, c->dns.ttl, (uint32_t)time(NULL));
	OMNI_ASSERT(d->zone != NULL); /* [node] overlay is an LDH label (conf.c) */
	uv_timer_init(loop, &d->expire_timer);
	uv_timer_init(loop, &d->export_timer);
	d->open_handles += 2;
	d->timers_init = true;
	uv_timer_start(&d->expire_timer, on_expire, DNS_EXPIRE_MS, DNS_EXPIRE_MS);
	uv_unref((uv_handle_t *)&d->expire_timer);
	return d;
}

static void add_name(struct dns *d, const char *name, const uint8_t *id,
		     const struct dns_zone_addr *a, size_t n, enum dns_zone_src src)
{
	int r = dns_zone_add(d->zone, name, id, a, n, src, 0, uv_now(d->loop));

	if (r < 0) {
		d->c.dns_names_rejected++;
		log_warn(LOG_GRP_DNS, "name '%s' not added to %s: %s", name,
			 dns_zone_origin(d->zone),
			 r == -EEXIST ? "another node already has it" : strerror(-r));
	}
}

static bool is_link_local(const struct prefix *p)
{
	return p->family == AF_INET6 && p->addr[0] == 0xfe && (p->addr[1] & 0xc0) == 0x80;
}

void dns_load_conf(struct dns *d, const struct conf *c, const uint8_t self_pk[32])
{
	struct dns_zone_addr a[DNS_ZONE_ADDRS_MAX];
	size_t n = 0;

	dns_zone_set_ttl(d->zone, c->dns.ttl);
	if (d->rate_limit != c->dns.rate_limit)
		memset(d->rl, 0, sizeof(d->rl));
	d->rate_limit = c->dns.rate_limit;
	snprintf(d->hosts_export, sizeof(d->hosts_export), "%s", c->dns.hosts_export);
	dns_zone_remove_src(d->zone, DNS_ZONE_SRC_SELF);
	dns_zone_remove_src(d->zone, DNS_ZONE_SRC_CONFIG);

	for (size_t i = 0; i < c->omni.n_addresses && n < ARRAY_SIZE(a); i++) {
		const struct prefix *p = &c->omni.addresses[i];

		if (is_link_local(p))
			continue;
		a[n].family = p->family;
		memcpy(a[n].addr, p->addr, 16);
		n++;
	}
	add_name(d, c->node.name, self_pk, a, n, DNS_ZONE_SRC_SELF);

	for (size_t i = 0; i < c->n_peers; i++) {
		const struct conf_peer *p = &c->peers[i];

		/* A [client.NAME] is named while it is registered (aero.c). */
		if (p->kind == CONF_PEER_CLIENT)
			continue;
		n = 0;
		if (p->has_mnp) {
			/* <mnp>::1, the address a node puts on its TUN by default (conf_finish). */
			a[n].family = AF_INET6;
			memcpy(a[n].addr, p->mnp.addr, 16);
			a[n].addr[15] |= 1;
			n++;
		}
		for (size_t k = 0; k < p->n_allowed && n < ARRAY_SIZE(a); k++) {
			const struct prefix *ap = &p->allowed[k];

			if (ap->plen != (ap->family == AF_INET ? 32 : 128))
				continue;
			a[n].family = ap->family;
			memcpy(a[n].addr, ap->addr, 16);
			n++;
		}
		add_name(d, p->name, p->public_key, a, n, DNS_ZONE_SRC_CONFIG);
	}
	schedule_export(d);
}

int dns_name_set(struct dns *d, const char *name, const uint8_t id[DNS_ZONE_ID_LEN],
		 const struct dns_zone_addr *addrs, size_t n, uint32_t lifetime_s)
{
	int r = dns_zone_add(d->zone, name, id, addrs, n, DNS_ZONE_SRC_REGISTRATION, lifetime_s,
			     uv_now(d->loop));

	if (r < 0)
		d->c.dns_names_rejected++;
	else
		schedule_export(d);
	return r;
}

int dns_name_remove(struct dns *d, const char *name)
{
	int r = dns_zone_remove(d->zone, name);

	if (r == 0)
		schedule_export(d);
	return r;
}

const struct dns_zone *dns_get_zone(const struct dns *d)
{
	return d->zone;
}

size_t dns_counters_export(const struct dns *d, struct api_counter *out, size_t max)
{
	const uint64_t *v = (const uint64_t *)&d->c;
	size_t n = MIN(max, ARRAY_SIZE(counter_names));

	for (size_t i = 0; i < n; i++)
		out[i] = (struct api_counter){counter_names[i], v[i]};
	return n;
}

json_t *dns_names_json(struct dns *d)
{
	struct api_dns_names doc = {0};
	uint64_t now = uv_now(d->loop);
	char buf[ADDR_STR_MAX];
	size_t cnt = dns_zone_count(d->zone);
	json_t *j;

	snprintf(doc.zone, sizeof(doc.zone), "%s", dns_zone_origin(d->zone));
	doc.ttl = dns_zone_ttl(d->zone);
	doc.serial = dns_zone_serial(d->zone);
	doc.listen_port = d->n_ls ? d->port : 0;
	doc.listen = xcalloc(d->n_ls + 1, sizeof(char *));
	for (size_t i = 0; i < d->n_ls; i++)
		doc.listen[doc.n_listen++] =
		    xstrdup(addr_format_endpoint(&d->ls[i].addr, buf, sizeof(buf)));
	doc.names = xcalloc(cnt + 1, sizeof(*doc.names));
	for (size_t i = 0; i < cnt; i++) {
		const struct dns_zone_entry *e = dns_zone_get(d->zone, i);
		int64_t ttl = dns_zone_entry_ttl(d->zone, e, now);
		struct api_dns_name *an = &doc.names[doc.n_names];
		static const char *const src[] = {"self", "config", "registration"};

		if (ttl < 0)
			continue;
		doc.n_names++;
		snprintf(an->name, sizeof(an->name), "%s.%s", e->name, dns_zone_origin(d->zone));
		if (e->has_id)
			for (size_t k = 0; k < DNS_ZONE_ID_LEN; k++)
				snprintf(an->id + 2 * k, 3, "%02x", e->id[k]);
		snprintf(an->source, sizeof(an->source), "%s", src[e->src]);
		an->ttl = (uint32_t)ttl;
		an->addresses = xcalloc(e->n_addrs + 1, sizeof(char *));
		for (size_t k = 0; k < e->n_addrs; k++) {
			inet_ntop(e->addrs[k].family, e->addrs[k].addr, buf, sizeof(buf));
			an->addresses[an->n_addresses++] = xstrdup(buf);
		}
	}
	j = api_dns_names_encode(&doc);
	api_dns_names_free(&doc); /* same ownership as a decoded document */
	return j;
}

/* ---- queries ---- */

static uint32_t rl_hash(int family, const uint8_t *a, size_t n)
{
	uint32_t h = 2166136261u ^ (uint32_t)family; /* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ a[i]) * 16777619u;
	return h;
}

static bool rl_allow(struct dns *d, const struct sockaddr *sa)
{
	const uint8_t *a;
	struct rl_slot *s;
	size_t n;
	uint64_t now = uv_now(d->loop);

	if (!d->rate_limit)
		return true;
	if (sa->sa_family == AF_INET6) {
		a = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr.s6_addr;
		n = 16;
	} else {
		a = (const uint8_t *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;
		n = 4;
	}
	s = &d->rl[rl_hash(sa->sa_family, a, n) % DNS_RL_SLOTS];
	if (s->family != sa->sa_family || memcmp(s->addr, a, n) != 0) {
		memset(s, 0, sizeof(*s));
		s->family = sa->sa_family;
		memcpy(s->addr, a, n);
		ratelimit_init(&s->rl, d->rate_limit, d->rate_limit, now);
	}
	return ratelimit_take(&s->rl, now);
}

static const char *src_str(const struct sockaddr *sa, char *buf, size_t len)
{
	union sockaddr_any a;

	memset(&a, 0, sizeof(a));
	memcpy(&a, sa, sa->sa_family == AF_INET6 ? sizeof(a.in6) : sizeof(a.in4));
	return addr_format_endpoint(&a, buf, len);
}

/* Answer one query into @out; returns its length, or 0 to send nothing. */
static size_t handle_query(struct dns *d, const uint8_t *q, size_t len, const struct sockaddr *src,
			   bool tcp, uint8_t *out, size_t cap)
{
	struct dns_answer_info info;
	char buf[ADDR_STR_MAX];
	size_t olen;
	int r;

	if (tcp)
		d->c.dns_queries_tcp++;
	else
		d->c.dns_queries_udp++;
	if (!rl_allow(d, src)) {
		d->c.dns_drop_rate_limited++;
		return 0;
	}
	r = dns_zone_answer(d->zone, q, len, tcp, uv_now(d->loop), out, cap, &olen, &info);
	if (r < 0) {
		if (r == -EPROTO)
			d->c.dns_drop_response++;
		else
			d->c.dns_drop_malformed++;
		log_remote(LOG_GRP_DNS, "dropped a %s DNS message (%zu octets) from %s",
			   r == -EPROTO ? "response" : "malformed", len,
			   src_str(src, buf, sizeof(buf)));
		return 0;
	}
	switch (info.rcode) {
	case DNS_RCODE_NOERROR:
		d->c.dns_answers++;
		break;
	case DNS_RCODE_NXDOMAIN:
		d->c.dns_nxdomain++;
		break;
	case DNS_RCODE_REFUSED:
		d->c.dns_refused++;
		break;
	case DNS_RCODE_NOTIMP:
		d->c.dns_notimp++;
		break;
	case DNS_RCODE_BADVERS:
		d->c.dns_badvers++;
		break;
	default:
		break;
	}
	if (info.truncated)
		d->c.dns_truncated++;
	return olen;
}

static void on_udp_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct dns_listener *l = h->data;

	(void)suggested;
	buf->base = (char *)l->d->rxbuf;
	buf->len = sizeof(l->d->rxbuf);
}

static void on_udp_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
			const struct sockaddr *addr, unsigned flags)
{
	struct dns_listener *l = h->data;
	struct dns *d = l->d;
	size_t olen;
	uv_buf_t out;

	(void)buf;
	if (nread < 0) {
		log_debug(LOG_GRP_DNS, "UDP receive: %s", uv_strerror((int)nread));
		return;
	}
	if (!addr || (addr->sa_family != AF_INET && addr->sa_family != AF_INET6))
		return;
	if (flags & UV_UDP_PARTIAL) { /* longer than DNS_QUERY_MAX */
		d->c.dns_queries_udp++;
		d->c.dns_drop_malformed++;
		return;
	}
	olen = handle_query(d, d->rxbuf, (size_t)nread, addr, false, d->txbuf, sizeof(d->txbuf));
	if (!olen)
		return;
	out = uv_buf_init((char *)d->txbuf, (unsigned)olen);
	if (uv_udp_try_send(h, &out, 1, addr) < 0)
		d->c.dns_drop_send++;
}

static void on_conn_closed(uv_handle_t *h)
{
	struct dns_conn *cn = h->data;
	struct dns *d = cn->d;

	d->open_handles--;
	if (--cn->open == 0) {
		if (cn->prev)
			cn->prev->next = cn->next;
		else
			d->conns = cn->next;
		if (cn->next)
			cn->next->prev = cn->prev;
		d->n_conns--;
		free(cn);
	}
	maybe_free(d);
}

static void conn_close(struct dns_conn *cn)
{
	if (cn->closing)
		return;
	cn->closing = true;
	uv_close((uv_handle_t *)&cn->tcp, on_conn_closed);
	if (cn->timer_init)
		uv_close((uv_handle_t *)&cn->timer, on_conn_closed);
}

static void on_conn_idle(uv_timer_t *t)
{
	struct dns_conn *cn = t->data;

	cn->d->c.dns_tcp_timeouts++;
	conn_close(cn);
}

static void on_conn_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct dns_conn *cn = h->data;

	(void)suggested;
	buf->base = (char *)cn->buf + cn->len;
	buf->len = sizeof(cn->buf) - cn->len;
}

static void on_write(uv_write_t *req, int status)
{
	(void)status;
	free(container_of(req, struct dns_wreq, req));
}

static void conn_send(struct dns_conn *cn, const uint8_t *ans, size_t len)
{
	struct dns_wreq *wr = xmalloc(sizeof(*wr) + 2 + len);

	put_be16(wr->data, (uint16_t)len);
	memcpy(wr->data + 2, ans, len);
	wr->buf = uv_buf_init((char *)wr->data, (unsigned)(2 + len));
	if (uv_write(&wr->req, (uv_stream_t *)&cn->tcp, &wr->buf, 1, on_write) < 0) {
		free(wr);
		cn->d->c.dns_drop_send++;
		conn_close(cn);
		return;
	}
	/* A client that does not read its answers is cut off. */
	if (uv_stream_get_write_queue_size((uv_stream_t *)&cn->tcp) > DNS_TCP_WQUEUE_MAX) {
		cn->d->c.dns_drop_send++;
		conn_close(cn);
	}
}

static void on_conn_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	struct dns_conn *cn = s->data;
	struct dns *d = cn->d;
	char a[ADDR_STR_MAX];

	(void)buf;
	if (nread < 0) {
		conn_close(cn);
		return;
	}
	cn->len += (size_t)nread;
	while (cn->len >= 2 && !cn->closing) {
		size_t m = get_be16(cn->buf), olen;

		/* RFC 7766 §8: two-octet length, then the message. */
		if (m < DNS_HDR_LEN || m > DNS_QUERY_MAX) {
			d->c.dns_queries_tcp++;
			d->c.dns_drop_malformed++;
			log_remote(LOG_GRP_DNS, "TCP DNS message of %zu octets from %s: closing", m,
				   addr_format_endpoint(&cn->peer, a, sizeof(a)));
			conn_close(cn);
			return;
		}
		if (cn->len < 2 + m)
			break;
		olen = handle_query(d, cn->buf + 2, m, &cn->peer.sa, true, d->tcpbuf,
				    sizeof(d->tcpbuf));
		if (olen)
			conn_send(cn, d->tcpbuf, olen);
		memmove(cn->buf, cn->buf + 2 + m, cn->len - 2 - m);
		cn->len -= 2 + m;
	}
	if (!cn->closing)
		uv_timer_start(&cn->timer, on_conn_idle, DNS_TCP_IDLE_MS, 0);
}

static void on_tcp_conn(uv_stream_t *srv, int status)
{
	struct dns_listener *l = srv->data;
	struct dns *d = l->d;
	struct dns_conn *cn;
	int len = sizeof(cn->peer);

	if (status < 0) {
		log_debug(LOG_GRP_DNS, "TCP accept: %s", uv_strerror(status));
		return;
	}
	cn = xcalloc(1, sizeof(*cn));
	cn->d = d;
	uv_tcp_init(d->loop, &cn->tcp);
	cn->tcp.data = cn;
	cn->open = 1;
	d->open_handles++;
	cn->next = d->conns;
	if (d->conns)
		d->conns->prev = cn;
	d->conns = cn;
	d->n_conns++;
	if (uv_accept(srv, (uv_stream_t *)&cn->tcp) < 0) {
		conn_close(cn);
		return;
	}
	if (d->n_conns > DNS_TCP_CONNS_MAX ||
	    uv_tcp_getpeername(&cn->tcp, &cn->peer.sa, &len) < 0) {
		d->c.dns_tcp_rejected++;
		conn_close(cn);
		return;
	}
	uv_timer_init(d->loop, &cn->timer);
	cn->timer.data = cn;
	cn->timer_init = true;
	cn->open++;
	d->open_handles++;
	uv_timer_start(&cn->timer, on_conn_idle, DNS_TCP_IDLE_MS, 0);
	if (uv_read_start((uv_stream_t *)&cn->tcp, on_conn_alloc, on_conn_read) < 0) {
		conn_close(cn);
		return;
	}
	d->c.dns_tcp_accepted++;
}

/* ---- listeners ---- */

/* A socket bound to @a on the device @ifname; FREEBIND in case the address is not up yet. */
static int open_sock(const union sockaddr_any *a, int type, const char *ifname)
{
	int fam = a->sa.sa_family, one = 1, fd, err;

	fd = socket(fam, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (fam == AF_INET6 && (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0 ||
				setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof(one)) < 0))
		goto fail;
	if (fam == AF_INET && setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)) < 0)
		goto fail;
	if (type == SOCK_STREAM && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		goto fail;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0 ||
	    bind(fd, &a->sa, addr_len(a)) < 0)
		goto fail;
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

static int listener_open(struct dns *d, struct dns_listener *l)
{
	int fd, r;

	l->d = d;
	fd = open_sock(&l->addr, SOCK_DGRAM, d->tun);
	if (fd < 0)
		return fd;
	uv_udp_init(d->loop, &l->udp);
	l->udp.data = l;
	l->udp_open = true;
	d->open_handles++;
	r = uv_udp_open(&l->udp, fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	r = uv_udp_recv_start(&l->udp, on_udp_alloc, on_udp_recv);
	if (r < 0)
		return r;

	fd = open_sock(&l->addr, SOCK_STREAM, d->tun);
	if (fd < 0)
		return fd;
	uv_tcp_init(d->loop, &l->tcp);
	l->tcp.data = l;
	l->tcp_open = true;
	d->open_handles++;
	r = uv_tcp_open(&l->tcp, fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	return uv_listen((uv_stream_t *)&l->tcp, 16, on_tcp_conn);
}

/* ---- systemd-resolved ---- */

static void on_proc_timeout(uv_timer_t *t)
{
	struct dns *d = container_of(t, struct dns, proc_timer);

	for (struct dns_proc *pr = d->procs; pr; pr = pr->next) {
		if (uv_is_closing((uv_handle_t *)&pr->p))
			continue;
		log_warn(LOG_GRP_DNS, "resolvectl %s did not finish in %d ms: killing it", pr->verb,
			 DNS_RESOLVED_TIMEOUT_MS);
		uv_process_kill(&pr->p, SIGKILL);
	}
}

static void on_proc_closed(uv_handle_t *h)
{
	struct dns_proc *pr = container_of((uv_process_t *)(void *)h, struct dns_proc, p);
	struct dns *d = pr->d;

	for (struct dns_proc **pp = &d->procs; *pp; pp = &(*pp)->next) {
		if (*pp == pr) {
			*pp = pr->next;
			break;
		}
	}
	free(pr);
	d->open_handles--;
	if (!d->procs && d->proc_timer_init) {
		d->proc_timer_init = false;
		close_handle(d, (uv_handle_t *)&d->proc_timer);
	}
	maybe_free(d);
}

static void on_proc_exit(uv_process_t *p, int64_t status, int sig)
{
	struct dns_proc *pr = container_of(p, struct dns_proc, p);

	if (status || sig) {
		pr->d->c.dns_resolved_errors++;
		log_warn(LOG_GRP_DNS, "resolvectl %s failed (exit status %" PRId64 ", signal %d)",
			 pr->verb, status, sig);
	}
	uv_close((uv_handle_t *)p, on_proc_closed);
}

/*
 * Start `resolvectl VERB TUN ARGS...` (@args NULL-terminated) without
 * waiting for it. The calls of one registration run side by side, all
 * started while omnid still holds its start-up capabilities (resolved
 * accepts link changes from CAP_NET_ADMIN; main.c drops the others later).
 */
static void run_resolvectl(struct dns *d, const char *verb, const char *const *args)
{
	uv_stdio_container_t stdio[3] = {
	    {.flags = UV_IGNORE}, {.flags = UV_IGNORE}, {.flags = UV_INHERIT_FD}};
	char *argv[DNS_LISTEN_MAX + 5];
	uv_process_options_t o = {0};
	struct dns_proc *pr;
	size_t argc = 0;
	int r;

	argv[argc++] = xstrdup("resolvectl");
	argv[argc++] = xstrdup(verb);
	argv[argc++] = xstrdup(d->tun);
	for (size_t i = 0; args && args[i] && argc < ARRAY_SIZE(argv) - 1; i++)
		argv[argc++] = xstrdup(args[i]);
	argv[argc] = NULL;
	if (!d->proc_timer_init) {
		uv_timer_init(d->loop, &d->proc_timer);
		d->proc_timer_init = true;
		d->open_handles++;
	}
	pr = xcalloc(1, sizeof(*pr));
	pr->d = d;
	snprintf(pr->verb, sizeof(pr->verb), "%s", verb);
	stdio[2].data.fd = STDERR_FILENO;
	o.file = argv[0];
	o.args = argv;
	o.exit_cb = on_proc_exit;
	o.stdio = stdio;
	o.stdio_count = 3;
	d->c.dns_resolved_calls++;
	log_debug(LOG_GRP_DNS, "running resolvectl %s %s", verb, d->tun);
	r = uv_spawn(d->loop, &pr->p, &o);
	pr->next = d->procs;
	d->procs = pr;
	d->open_handles++;
	if (r < 0) {
		d->c.dns_resolved_errors++;
		log_warn(LOG_GRP_DNS, "cannot run resolvectl %s: %s", verb, uv_strerror(r));
		/* A failed uv_spawn still initialised the handle: close it. */
		uv_close((uv_handle_t *)&pr->p, on_proc_closed);
	} else {
		uv_timer_start(&d->proc_timer, on_proc_timeout, DNS_RESOLVED_TIMEOUT_MS, 0);
	}
	for (size_t i = 0; i < argc; i++)
		free(argv[i]);
}

/*
 * systemd-resolved answers on its varlink socket, and in our network
 * namespace (a test namespace shares /run with the host but not its links).
 */
static bool resolved_here(const char **why)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct stat st, self, init;
	int fd, r;

	*why = "is not running here";
	if (lstat(DNS_RESOLVED_SOCKET, &st) < 0 || !S_ISSOCK(st.st_mode))
		return false;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", DNS_RESOLVED_SOCKET);
	r = connect(fd, (const struct sockaddr *)&sun, sizeof(sun));
	r = r == 0 || errno == EAGAIN ? 0 : -errno;
	close(fd);
	if (r < 0)
		return false;
	/* /proc/1 may be hidden (ProtectProc=invisible): then assume the host's namespace. */
	if (stat("/proc/self/ns/net", &self) == 0 && stat("/proc/1/ns/net", &init) == 0 &&
	    (self.st_ino != init.st_ino || self.st_dev != init.st_dev)) {
		*why = "runs in another network namespace";
		return false;
	}
	return true;
}

static void resolved_register(struct dns *d, enum conf_tristate mode)
{
	char srv[DNS_LISTEN_MAX][ADDR_STR_MAX], dom[DNS_TEXT_MAX + 1];
	const char *args[DNS_LISTEN_MAX + 1] = {0};
	const char *why;

	if (mode == CONF_NO) {
		log_info(LOG_GRP_DNS, "not registering with systemd-resolved "
				      "([dns] register_resolved = no)");
		return;
	}
	if (mode == CONF_AUTO && !resolved_here(&why)) {
		log_info(LOG_GRP_DNS,
			 "systemd-resolved %s: not registering %s (omnictl hosts prints a hosts "
			 "block)",
			 why, dns_zone_origin(d->zone));
		return;
	}
	for (size_t i = 0; i < d->n_ls; i++) {
		char a[INET6_ADDRSTRLEN];
		const union sockaddr_any *s = &d->ls[i].addr;
		bool v6 = s->sa.sa_family == AF_INET6;

		inet_ntop(s->sa.sa_family,
			  v6 ? (const void *)&s->in6.sin6_addr : (const void *)&s->in4.sin_addr, a,
			  sizeof(a));
		if (d->port == 53)
			snprintf(srv[i], sizeof(srv[i]), "%s", a);
		else
			snprintf(srv[i], sizeof(srv[i]), v6 ? "[%s]:%u" : "%s:%u", a, d->port);
		args[i] = srv[i];
	}
	snprintf(dom, sizeof(dom), "~%s", dns_zone_origin(d->zone));
	log_info(LOG_GRP_DNS, "registering %s on %s with systemd-resolved", dom, d->tun);
	d->registered = true;
	run_resolvectl(d, "dns", args);
	run_resolvectl(d, "domain", (const char *const[]){dom, NULL});
	run_resolvectl(d, "default-route", (const char *const[]){"false", NULL});
	run_resolvectl(d, "dnssec", (const char *const[]){"no", NULL});
}

int dns_start(struct dns *d, const struct conf *c, const char *tun_name)
{
	char buf[ADDR_STR_MAX], list[256] = "";
	int r;

	snprintf(d->tun, sizeof(d->tun), "%s", tun_name);
	if (!c->dns.enable) {
		log_info(LOG_GRP_DNS,
			 "responder off ([dns] enable = no); %zu names of %s for omnictl hosts",
			 dns_zone_count(d->zone), dns_zone_origin(d->zone));
		(void)hosts_write(d);
		return 0;
	}
	d->port = c->dns.listen_port;
	for (size_t i = 0; i < c->omni.n_addresses; i++) {
		const struct prefix *p = &c->omni.addresses[i];
		struct dns_listener *l;
		bool dup = false;

		if (is_link_local(p))
			continue;
		for (size_t k = 0; k < d->n_ls && !dup; k++)
			dup = d->ls[k].addr.sa.sa_family == p->family &&
			      memcmp(p->family == AF_INET6
					 ? (const void *)&d->ls[k].addr.in6.sin6_addr
					 : (const void *)&d->ls[k].addr.in4.sin_addr,
				     p->addr, p->family == AF_INET6 ? 16 : 4) == 0;
		if (dup)
			continue;
		if (d->n_ls == DNS_LISTEN_MAX) {
			log_warn(LOG_GRP_DNS, "listening on the first %d addresses only",
				 DNS_LISTEN_MAX);
			break;
		}
		l = &d->ls[d->n_ls++];
		memset(&l->addr, 0, sizeof(l->addr));
		if (p->family == AF_INET6) {
			l->addr.in6.sin6_family = AF_INET6;
			memcpy(&l->addr.in6.sin6_addr, p->addr, 16);
			l->addr.in6.sin6_port = htons(d->port);
		} else {
			l->addr.in4.sin_family = AF_INET;
			memcpy(&l->addr.in4.sin_addr, p->addr, 4);
			l->addr.in4.sin_port = htons(d->port);
		}
		addr_format_endpoint(&l->addr, buf, sizeof(buf));
		r = listener_open(d, l);
		if (r < 0) {
			log_err(
			    LOG_GRP_DNS, "cannot listen on %s: %s%s", buf, uv_strerror(r),
			    r == UV_EACCES && d->port < 1024
				? " (ports below 1024 need CAP_NET_BIND_SERVICE; see docs/dns.md)"
				: "");
			return r;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			 list[0] ? ", " : "", buf);
	}
	if (!d->n_ls) {
		log_err(LOG_GRP_DNS, "no address on %s to listen on ([omni] address)", d->tun);
		return -EADDRNOTAVAIL;
	}
	log_info(LOG_GRP_DNS, "responder for %s on %s (udp+tcp, dev %s), %zu names",
		 dns_zone_origin(d->zone), list, d->tun, dns_zone_count(d->zone));
	(void)hosts_write(d);
	resolved_register(d, c->dns.register_resolved);
	return 0;
}

void dns_stop(struct dns *d)
{
	if (d->stopped)
		return;
	d->stopped = true;
	for (size_t i = 0; i < d->n_ls; i++) {
		struct dns_listener *l = &d->ls[i];

		if (l->udp_open) {
			uv_udp_recv_stop(&l->udp);
			close_handle(d, (uv_handle_t *)&l->udp);
			l->udp_open = false;
		}
		if (l->tcp_open) {
			close_handle(d, (uv_handle_t *)&l->tcp);
			l->tcp_open = false;
		}
	}
	for (struct dns_conn *cn = d->conns; cn; cn = cn->next)
		conn_close(cn);
	if (d->timers_init) {
		if (d->export_pending)
			(void)hosts_write(d);
		d->timers_init = false;
		close_handle(d, (uv_handle_t *)&d->expire_timer);
		close_handle(d, (uv_handle_t *)&d->export_timer);
	}
	if (d->registered) {
		/*
		 * Best effort: without CAP_NET_ADMIN (dropped after start-up) resolved
		 * may refuse; it forgets the link anyway when the TUN device goes.
		 */
		d->registered = false;
		run_resolvectl(d, "revert", NULL);
	}
}

void dns_free(struct dns *d)
{
	if (!d)
		return;
	dns_stop(d);
	d->freed = true;
	maybe_free(d);
}
