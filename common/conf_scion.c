// SPDX-License-Identifier: MIT
/*
 * conf_scion.c - the SCION part of the configuration model: [scion] defaults,
 * the lifetime of the [scion.route.NAME] / [scion.link.NAME] arrays, and the
 * cross-key rules of docs/scion.md (what each role requires, derived values:
 * the host address from listen, the forwarding key from the master key, the
 * route prefixes as [omni] routes). conf.c owns the key tables and calls in.
 */
#include "conf_scion.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "scion_mac.h"

void conf_scion_init(struct conf *c)
{
	c->scion.port = CONF_SCION_DEF_PORT;
	c->scion.probe_interval = CONF_SCION_DEF_PROBE_MS;
	c->scion.scmp_rate_limit = CONF_SCION_DEF_SCMP_RATE;
}

void conf_scion_free(struct conf *c)
{
	for (size_t i = 0; i < c->n_scion_routes; i++)
		free(c->scion_routes[i].prefixes);
	free(c->scion_routes);
	for (size_t i = 0; i < c->scion.n_prefer; i++)
		free(c->scion.prefer[i]);
	free(c->scion.prefer);
	sodium_memzero(c->scion.forwarding_key, sizeof(c->scion.forwarding_key));
	sodium_memzero(c->scion.master_key, sizeof(c->scion.master_key));
	free(c->scion_links);
}

void conf_scion_file_begin(struct conf *c)
{
	c->scion.seen = 0;
	for (size_t i = 0; i < c->n_scion_routes; i++)
		c->scion_routes[i].seen = 0;
	for (size_t i = 0; i < c->n_scion_links; i++)
		c->scion_links[i].seen = 0;
}

int conf_scion_key16(const char *s, uint8_t out[16])
{
	uint8_t buf[16];
	size_t n = 0;

	if (strlen(s) != 24 ||
	    sodium_base642bin(buf, sizeof(buf), s, 24, NULL, &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    n != 16)
		return -EINVAL;
	memcpy(out, buf, 16);
	sodium_memzero(buf, sizeof(buf));
	return 0;
}

static bool same_prefix(const struct prefix *a, const struct prefix *b)
{
	return a->family == b->family && a->plen == b->plen &&
	       memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

/* Install the route prefixes on the TUN like [omni] route (reload keeps them in step). */
static void add_omni_route(struct conf *c, const struct prefix *p)
{
	for (size_t i = 0; i < c->omni.n_routes; i++) {
		if (same_prefix(&c->omni.routes[i], p))
			return;
	}
	c->omni.routes = xrealloc(c->omni.routes, (c->omni.n_routes + 1) * sizeof(*p));
	c->omni.routes[c->omni.n_routes++] = *p;
}

static int finish_routes(struct conf *c, struct conf_err *err)
{
	char b1[ADDR_STR_MAX], b2[ADDR_STR_MAX];

	for (size_t i = 0; i < c->n_scion_routes; i++) {
		const struct conf_scion_route *r = &c->scion_routes[i];
		const char *missing = !r->has_isd_as   ? "'isd_as = <ISD-AS>'"
				      : !r->has_host   ? "'host = <address>'"
				      : !r->n_prefixes ? "'prefix = <prefix>'"
						       : NULL;
		if (missing)
			return conf_fail_at(c, err, r->src_file, r->src_line,
					    "[scion.route.%s]: %s is required", r->name, missing);
		if (r->isd_as == c->scion.isd_as)
			return conf_fail_at(
			    c, err, r->src_file, r->src_line,
			    "[scion.route.%s] isd_as: this node's own ISD-AS (paths "
			    "inside one AS are not supported)",
			    r->name);
		for (size_t k = 0; k < r->n_prefixes; k++) {
			const struct prefix *a = &r->prefixes[k];
			if (c->omni.has_mnp && prefix_overlaps(a, &c->omni.mnp))
				return conf_fail_at(
				    c, err, r->src_file, r->src_line,
				    "[scion.route.%s] prefix: %s overlaps this node's own "
				    "mnp",
				    r->name, prefix_format(a, b1, sizeof(b1)));
			/* A TUN packet goes either over SCION or to a neighbor, never ambiguously.
			 */
			for (size_t j = 0; j < c->n_peers; j++) {
				const struct conf_peer *q = &c->peers[j];
				const struct prefix *pp = NULL;
				if (q->has_mnp && prefix_overlaps(a, &q->mnp))
					pp = &q->mnp;
				for (size_t m = 0; !pp && m < q->n_allowed; m++)
					if (prefix_overlaps(a, &q->allowed[m]))
						pp = &q->allowed[m];
				if (pp)
					return conf_fail_at(
					    c, err, r->src_file, r->src_line,
					    "[scion.route.%s] prefix: %s overlaps %s of "
					    "[peer.%s]",
					    r->name, prefix_format(a, b1, sizeof(b1)),
					    prefix_format(pp, b2, sizeof(b2)), q->name);
			}
			for (size_t j = 0; j <= i; j++) {
				const struct conf_scion_route *q = &c->scion_routes[j];
				for (size_t m = 0; m < (j == i ? k : q->n_prefixes); m++) {
					if (prefix_overlaps(a, &q->prefixes[m]))
						return conf_fail_at(
						    c, err, r->src_file, r->src_line,
						    "[scion.route.%s] prefix: %s overlaps %s of "
						    "[scion.route.%s]",
						    r->name, prefix_format(a, b1, sizeof(b1)),
						    prefix_format(&q->prefixes[m], b2, sizeof(b2)),
						    q->name);
				}
			}
		}
	}
	for (size_t i = 0; i < c->n_scion_routes; i++)
		for (size_t k = 0; k < c->scion_routes[i].n_prefixes; k++)
			add_omni_route(c, &c->scion_routes[i].prefixes[k]);
	return 0;
}

static int finish_links(struct conf *c, struct conf_err *err)
{
	char b1[ADDR_STR_MAX];

	if (c->n_scion_links == 0)
		return conf_fail_at(
		    c, err, 0, 0,
		    "[scion] role = router needs at least one [scion.link.NAME] with "
		    "ifid, local and remote");
	for (size_t i = 0; i < c->n_scion_links; i++) {
		const struct conf_scion_link *l = &c->scion_links[i];
		const char *missing = !l->ifid	       ? "'ifid = <1..65535>'"
				      : !l->has_local  ? "'local = <address>:<port>'"
				      : !l->has_remote ? "'remote = <address>:<port>'"
						       : NULL;
		if (missing)
			return conf_fail_at(c, err, l->src_file, l->src_line,
					    "[scion.link.%s]: %s is required", l->name, missing);
		if (l->local.sa.sa_family != l->remote.sa.sa_family)
			return conf_fail_at(c, err, l->src_file, l->src_line,
					    "[scion.link.%s]: local and remote are of different "
					    "address families",
					    l->name);
		for (size_t j = 0; j < i; j++) {
			const struct conf_scion_link *o = &c->scion_links[j];
			if (o->ifid == l->ifid)
				return conf_fail_at(
				    c, err, l->src_file, l->src_line,
				    "[scion.link.%s] ifid: %u is also [scion.link.%s]'s", l->name,
				    l->ifid, o->name);
			if (addr_equal(&o->local, &l->local))
				return conf_fail_at(
				    c, err, l->src_file, l->src_line,
				    "[scion.link.%s] local: %s is also [scion.link.%s]'s", l->name,
				    addr_format_endpoint(&l->local, b1, sizeof(b1)), o->name);
		}
		if (addr_equal(&c->scion.listen, &l->local))
			return conf_fail_at(c, err, l->src_file, l->src_line,
					    "[scion.link.%s] local: the same as [scion] listen",
					    l->name);
	}
	return 0;
}

int conf_scion_finish(struct conf *c, struct conf_err *err)
{
	struct conf_scion_route *r0 = c->n_scion_routes ? &c->scion_routes[0] : NULL;
	struct conf_scion_link *l0 = c->n_scion_links ? &c->scion_links[0] : NULL;

	if (c->scion.role == CONF_SCION_OFF) {
		if (c->scion.seen || r0 || l0 || c->scion.has_isd_as || c->scion.has_listen)
			return conf_fail_at(c, err,
					    r0	 ? r0->src_file
					    : l0 ? l0->src_file
						 : 0,
					    r0	 ? r0->src_line
					    : l0 ? l0->src_line
						 : 0,
					    "[scion]: 'role = host' or 'role = router' is required "
					    "when SCION is configured");
		return 0;
	}
	if (!c->scion.has_isd_as)
		return conf_fail_at(c, err, 0, 0, "[scion]: 'isd_as = <ISD-AS>' is required");
	if (!c->scion.has_listen)
		return conf_fail_at(c, err, 0, 0,
				    "[scion]: 'listen = <address>:<port>' is required");
	if (!c->scion.has_host) {
		const union sockaddr_any *a = &c->scion.listen;
		struct prefix *h = &c->scion.host;
		memset(h, 0, sizeof(*h));
		h->family = a->sa.sa_family;
		if (h->family == AF_INET) {
			memcpy(h->addr, &a->in4.sin_addr, 4);
			h->plen = 32;
		} else {
			memcpy(h->addr, &a->in6.sin6_addr, 16);
			h->plen = 128;
		}
		static const uint8_t zero[16];
		if (memcmp(h->addr, zero, h->family == AF_INET ? 4 : 16) == 0)
			return conf_fail_at(c, err, 0, 0,
					    "[scion] host: required when listen is the unspecified "
					    "address");
		c->scion.has_host = true;
	}
	if (c->scion.role == CONF_SCION_HOST) {
		if (l0)
			return conf_fail_at(c, err, l0->src_file, l0->src_line,
					    "[scion.link.%s]: links need 'role = router'",
					    l0->name);
		if (c->scion.has_forwarding_key || c->scion.has_master_key)
			return conf_fail_at(
			    c, err, 0, 0,
			    "[scion]: forwarding_key / master_key need 'role = router'");
		if (!c->scion.has_first_hop)
			return conf_fail_at(c, err, 0, 0,
					    "[scion] role = host: 'first_hop = <border router "
					    "address>:<port>' is required");
		if (!c->scion.path_file[0])
			return conf_fail_at(
			    c, err, 0, 0, "[scion] role = host: 'path_file = <path>' is required");
		return finish_routes(c, err);
	}
	if (r0)
		return conf_fail_at(c, err, r0->src_file, r0->src_line,
				    "[scion.route.%s]: routes need 'role = host'", r0->name);
	if (c->scion.has_forwarding_key == c->scion.has_master_key)
		return conf_fail_at(c, err, 0, 0,
				    c->scion.has_master_key
					? "[scion]: set only one of forwarding_key and master_key"
					: "[scion] role = router: 'forwarding_key = <base64>' or "
					  "'master_key = <base64>' is required");
	if (c->scion.has_master_key) {
		if (scion_mac_derive_key(c->scion.master_key, sizeof(c->scion.master_key),
					 c->scion.forwarding_key) < 0)
			return conf_fail_at(c, err, 0, 0,
					    "[scion] master_key: key derivation failed");
		c->scion.has_forwarding_key = true;
	}
	return finish_links(c, err);
}

bool conf_scion_needs_restart(const struct conf *a, const struct conf *b)
{
	if (a->scion.role != b->scion.role || a->scion.isd_as != b->scion.isd_as ||
	    a->scion.has_listen != b->scion.has_listen ||
	    (a->scion.has_listen && !addr_equal(&a->scion.listen, &b->scion.listen)) ||
	    a->n_scion_links != b->n_scion_links)
		return true;
	for (size_t i = 0; i < a->n_scion_links; i++) {
		const struct conf_scion_link *x = &a->scion_links[i], *y = &b->scion_links[i];
		if (x->ifid != y->ifid || !addr_equal(&x->local, &y->local))
			return true;
	}
	return false;
}
