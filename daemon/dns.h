/* SPDX-License-Identifier: MIT */
/*
 * dns.h - the .internal responder of omnid (spec/internal-tld.md §2.2-2.3):
 * the zone <overlay>.internal with this node, its configured neighbors and
 * (later) AERO registrations; authoritative-only UDP and TCP listeners on
 * the OMNI interface's addresses (SO_BINDTODEVICE to the TUN, never the
 * underlay or a wildcard); a per-source answer rate limit; the optional
 * hosts-file export; and the per-link registration with systemd-resolved
 * through resolvectl (uv_spawn, so the loop never waits for it).
 *
 * The module owns the zone, every uv handle it opens (sockets, TCP
 * connections, timers, the resolvectl child) and its counters. The zone
 * exists even with [dns] enable = no, so `omnictl hosts` works without the
 * responder. Loop thread only; nothing here blocks except the small hosts
 * file write (start-up, reload, and at most every DNS_EXPORT_DELAY_MS).
 */
#pragma once

/* util.h before uv.h: sys/param.h (pulled in by uv.h) guards its MIN/MAX, util.h does not. */
#include "util.h"
#include <jansson.h>
#include <uv.h>
#include "api_schema.h"
#include "conf.h"
#include "dns_zone.h"

#define DNS_LISTEN_MAX 8	      /* TUN addresses listened on */
#define DNS_TCP_CONNS_MAX 32	      /* concurrent TCP connections */
#define DNS_TCP_IDLE_MS 10000	      /* RFC 7766 §6.2.3: close idle connections */
#define DNS_TCP_WQUEUE_MAX 262144     /* unsent answer octets before a connection is cut */
#define DNS_RL_SLOTS 256	      /* sources tracked by the rate limiter */
#define DNS_EXPIRE_MS 5000	      /* how often expired registrations are purged */
#define DNS_EXPORT_DELAY_MS 200	      /* hosts export coalescing delay */
#define DNS_RESOLVED_TIMEOUT_MS 10000 /* a resolvectl call is killed after this */
#define DNS_RESOLVED_SOCKET "/run/systemd/resolve/io.systemd.Resolve"

/* Counters, exported in status under these names. */
#define DNS_COUNTERS(X)                                                                            \
	X(dns_queries_udp)                                                                         \
	X(dns_queries_tcp)                                                                         \
	X(dns_answers)                                                                             \
	X(dns_nxdomain)                                                                            \
	X(dns_refused)                                                                             \
	X(dns_notimp)                                                                              \
	X(dns_badvers)                                                                             \
	X(dns_truncated)                                                                           \
	X(dns_drop_malformed)                                                                      \
	X(dns_drop_response)                                                                       \
	X(dns_drop_rate_limited)                                                                   \
	X(dns_drop_send)                                                                           \
	X(dns_tcp_accepted)                                                                        \
	X(dns_tcp_rejected)                                                                        \
	X(dns_tcp_timeouts)                                                                        \
	X(dns_names_rejected)                                                                      \
	X(dns_resolved_calls)                                                                      \
	X(dns_resolved_errors)

struct dns_counters {
#define X(n) uint64_t n;
	DNS_COUNTERS(X)
#undef X
};

enum {
#define X(n) DNS_CTR_##n,
	DNS_COUNTERS(X)
#undef X
	    DNS_N_COUNTERS
};

struct dns;

/**
 * dns_new() - the zone <[node] overlay>.internal, empty, with no sockets.
 * @c is read, not kept. Return: the responder (dns_free()); never NULL for a
 * config that passed conf_finish().
 */
struct dns *dns_new(uv_loop_t *loop, const struct conf *c);

/**
 * dns_load_conf() - (re)build the names that come from the configuration:
 * this node ([node] name, its [omni] addresses except link-local ones, Node
 * ID from @self_pk) and each [peer.NAME] (<mnp>::1, every /32 or /128
 * allowed_prefix, Node ID from its key); registrations are kept. Also
 * applies [dns] ttl, rate_limit and hosts_export. Names that collide are
 * logged and counted in dns_names_rejected. Called at start and on reload.
 */
void dns_load_conf(struct dns *d, const struct conf *c, const uint8_t self_pk[32]);

/**
 * dns_start() - with [dns] enable = yes: open a UDP and a TCP socket on
 * [dns] listen_port at every non-link-local address of @c's [omni] address
 * list (at most DNS_LISTEN_MAX), bound to the device @tun_name, then
 * register them with systemd-resolved as [dns] register_resolved says.
 * Without it, only logs that the responder is off.
 * Return: 0 or -errno (socket, bind: e.g. -EACCES for port 53 without
 * CAP_NET_BIND_SERVICE); what was opened stays until dns_stop().
 */
int dns_start(struct dns *d, const struct conf *c, const char *tun_name) WUR;

/**
 * dns_stop() - close every socket, connection and timer and, if the link
 * was registered with systemd-resolved, start `resolvectl revert` (its
 * child keeps the loop running until it exits or DNS_RESOLVED_TIMEOUT_MS).
 * Idempotent.
 */
void dns_stop(struct dns *d);

/**
 * dns_free() - dns_stop() if needed, then release everything. The memory
 * goes once every handle's close callback ran, so the loop must run again
 * if handles were still open. NULL is ignored.
 */
void dns_free(struct dns *d);

/*
 * The seam for AERO registrations (spec/internal-tld.md §2.1): a server
 * calls dns_name_set() when an authenticated RS carries the client's FQDN
 * and dns_name_remove() when the registration ends. Lifetimes make the
 * name expire by itself; answers never outlive them.
 */

/**
 * dns_name_set() - add or refresh a registered name (see dns_zone_add():
 * @name is "<label>" or "<label>.<overlay>.internal", @id the client's Node
 * ID or NULL, @lifetime_s its registration lifetime, 0 = until removed).
 * Return: 0, -EINVAL, -EEXIST (held by another node), -ENOSPC.
 */
int dns_name_set(struct dns *d, const char *name, const uint8_t id[DNS_ZONE_ID_LEN],
		 const struct dns_zone_addr *addrs, size_t n, uint32_t lifetime_s) WUR;
/** dns_name_remove() - drop a name. Return: 0 or -ENOENT. */
int dns_name_remove(struct dns *d, const char *name) WUR;

/** The zone (read-only use: tests, status). */
const struct dns_zone *dns_get_zone(const struct dns *d);

/**
 * dns_counters_export() - append the counters as (name, value) pairs to
 * @out (room for @max); names are static strings. Returns how many.
 */
size_t dns_counters_export(const struct dns *d, struct api_counter *out, size_t max);

/** The GET /v1/dns/names document (api_dns_names_encode()); a new reference. */
json_t *dns_names_json(struct dns *d);
