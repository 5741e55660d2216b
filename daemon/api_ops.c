// SPDX-License-Identifier: MIT
/*
 * api_ops.c - the /v1/ route table and its handlers (docs/api.md). Each row is
 * a path pattern, a method and a handler; the scope a row needs comes from
 * jws_scope_for() (spec/agentic-jwt.md B.8.2), so adding an endpoint is one
 * row here plus one in that table. Reads build their documents from the node;
 * writes edit a copy of the 90-api.conf entries (persist.h), write it
 * atomically, check the whole configuration as the next start would load it,
 * and apply it with node_reload(). If either step fails the old file is put
 * back and nothing changes. Owns no state of its own.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>

#include "api.h"
#include "api_schema.h"
#include "datapath.h"
#include "jws.h"
#include "log.h"
#include "node.h"
#include "persist.h"

#define PEER_SECTION_MAX (CONF_NAME_MAX + 8)

static const char *str_or_empty(const char *s)
{
	return s ? s : "";
}

static struct node *node_of(const struct api_call *c)
{
	return c->ctx;
}

static int set_json(struct api_call *c, unsigned status, json_t *j)
{
	c->status = status;
	c->resp = j;
	return 0;
}

/* The node's status document, or NULL after setting a 500. */
static json_t *status_doc(struct api_call *c)
{
	const struct api_handlers *h = api_get_handlers(c->api);
	json_t *j = h->status ? h->status(c->ctx) : NULL;

	if (!j)
		api_call_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, API_ERR_INTERNAL,
			       "no status available");
	return j;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* Where a [peer.NAME] section began: "api" for 90-api.conf, else the file's path. */
static const char *peer_source(const struct node *n, const struct conf_peer *cp)
{
	const char *f;

	if (cp->src_file >= n->conf.n_src_files)
		return "config";
	f = n->conf.src_files[cp->src_file];
	return strcmp(base_name(f), PERSIST_FILE) == 0 ? "api" : f;
}

static const struct conf_peer *conf_peer_by_name(const struct node *n, const char *name)
{
	for (size_t i = 0; i < n->conf.n_peers; i++)
		if (strcmp(n->conf.peers[i].name, name) == 0)
			return &n->conf.peers[i];
	return NULL;
}

static struct peer *peer_by_name(struct node *n, const char *name)
{
	for (size_t i = 0; i < n->peers.n; i++)
		if (strcmp(n->peers.v[i]->name, name) == 0)
			return n->peers.v[i];
	return NULL;
}

/*
 * Make @cand the API's configuration: check the whole config with @cand in
 * place of 90-api.conf (as a restart would load it), then write the file and
 * apply it. A change the config check refuses is never written. If the node
 * refuses the reload, the old file is put back. On failure an error answer
 * is set (c->err_code); returns 0 either way. Consumes @cand's entries.
 */
static int commit(struct api_call *c, struct persist *cand)
{
	struct node *n = node_of(c);
	struct persist *cur = api_persist(c->api);
	struct conf chk;
	struct conf_err e = { 0 };
	char msg[700], *text = persist_render(cand);
	int r, r2;

	conf_init(&chk);
	r = conf_load_override(&chk, n->config_path, PERSIST_FILE, text, &e);
	conf_free(&chk);
	free(text);
	if (r < 0) {
		conf_err_format(&e, msg, sizeof(msg));
		api_call_error(c, MHD_HTTP_BAD_REQUEST, API_ERR_INVALID_REQUEST, "%s", msg);
		persist_clear(cand);
		return 0;
	}
	r = persist_write(cand);
	if (r < 0) {
		api_call_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, API_ERR_INTERNAL,
			       "cannot write %s: %s", cand->path, strerror(-r));
		persist_clear(cand);
		return 0;
	}
	r = node_reload(n);
	if (r < 0) {
		api_call_error(c, MHD_HTTP_BAD_REQUEST, API_ERR_INVALID_REQUEST,
			       "the node refused the change (see its log)");
		persist_clear(cand);
		r2 = persist_write(cur);
		if (r2 < 0)
			log_err(LOG_GRP_API, "cannot restore %s: %s", cur->path, strerror(-r2));
		return 0;
	}
	persist_swap(cur, cand);
	persist_clear(cand);
	return 0;
}

/* Check one key of a section against the config parser, in a scratch conf. */
static int check_keys(struct api_call *c, const char *section, const char *const *keys,
		      const char *const *values, size_t n)
{
	struct conf s;
	struct conf_err e = { 0 };
	int r;

	conf_init(&s);
	r = conf_apply(&s, section, NULL, NULL, &e);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = conf_apply(&s, section, keys[i], values[i], &e);
	conf_free(&s);
	if (r < 0)
		api_call_error(c, MHD_HTTP_BAD_REQUEST, API_ERR_INVALID_REQUEST, "%s", e.msg);
	return r;
}

/* ---- reads ---- */

static int op_status(struct api_call *c)
{
	json_t *j = status_doc(c);

	return j ? set_json(c, MHD_HTTP_OK, j) : 0;
}

static int op_stats(struct api_call *c)
{
	json_t *j = status_doc(c), *out;

	if (!j)
		return 0;
	out = json_object();
	json_object_set(out, "counters", json_object_get(j, "counters"));
	json_decref(j);
	return set_json(c, MHD_HTTP_OK, out);
}

/*
 * The status peers, each with "kind" (peer, server, client, route-optimized) and
 * "established" from the AERO neighbor cache when the node has one.
 */
static int op_neighbors(struct api_call *c)
{
	const struct api_handlers *h = api_get_handlers(c->api);
	json_t *j = status_doc(c), *out, *peers, *cache = NULL, *e, *p;
	size_t i, k;

	if (!j)
		return 0;
	peers = json_object_get(j, "peers");
	if (h->neighbors)
		cache = h->neighbors(c->ctx);
	json_array_foreach(peers, i, p) {
		json_array_foreach(json_object_get(cache, "neighbors"), k, e) {
			if (json_equal(json_object_get(e, "name"), json_object_get(p, "name"))) {
				json_object_set(p, "kind", json_object_get(e, "kind"));
				json_object_set(p, "established", json_object_get(e, "established"));
				if (json_object_get(e, "paths")) /* multilink (mlink.c) */
					json_object_set(p, "paths", json_object_get(e, "paths"));
				break;
			}
		}
	}
	json_decref(cache);
	out = json_object();
	json_object_set(out, "neighbors", peers);
	json_decref(j);
	return set_json(c, MHD_HTTP_OK, out);
}

static int op_interfaces(struct api_call *c)
{
	struct node *n = node_of(c);
	json_t *out = json_object(), *tun = json_object(), *uls = json_array();
	char buf[ADDR_STR_MAX];

	json_object_set_new(tun, "name", json_string(n->tun_name));
	json_object_set_new(tun, "mtu", json_integer(n->conf.omni.mtu));
	json_object_set_new(tun, "ifindex", json_integer(n->tun_ifindex));
	json_object_set_new(tun, "offloads", json_boolean(n->vnet));
	for (size_t i = 0; i < n->n_ul; i++) {
		const struct underlay *u = &n->ul[i];
		json_t *o = json_object();

		json_object_set_new(o, "name", json_string(u->name));
		json_object_set_new(o, "listen", json_string(addr_format_endpoint(&u->listen, buf,
										  sizeof(buf))));
		json_object_set_new(o, "path_mtu",
				    json_integer(i < n->conf.n_underlays
						     ? n->conf.underlays[i].path_mtu
						     : 0));
		json_object_set_new(o, "plain", json_boolean(u->plain));
		json_array_append_new(uls, o);
	}
	json_object_set_new(out, "tun", tun);
	json_object_set_new(out, "underlays", uls);
	return set_json(c, MHD_HTTP_OK, out);
}

/* The status peers, each with its "source". */
static json_t *peers_array(struct api_call *c)
{
	struct node *n = node_of(c);
	json_t *j = status_doc(c), *arr, *p;
	size_t i;

	if (!j)
		return NULL;
	arr = json_incref(json_object_get(j, "peers"));
	json_decref(j);
	json_array_foreach(arr, i, p) {
		const struct conf_peer *cp =
		    conf_peer_by_name(n, str_or_empty(json_string_value(json_object_get(p, "name"))));

		json_object_set_new(p, "source", json_string(cp ? peer_source(n, cp) : "config"));
	}
	return arr;
}

static int op_peers(struct api_call *c)
{
	json_t *arr = peers_array(c), *out;

	if (!arr)
		return 0;
	out = json_object();
	json_object_set_new(out, "peers", arr);
	return set_json(c, MHD_HTTP_OK, out);
}

static int op_peer_get(struct api_call *c)
{
	json_t *arr = peers_array(c), *p, *found = NULL;
	size_t i;

	if (!arr)
		return 0;
	json_array_foreach(arr, i, p) {
		const char *name = json_string_value(json_object_get(p, "name"));

		if (name && strcmp(name, c->param) == 0) {
			found = json_incref(p);
			break;
		}
	}
	json_decref(arr);
	if (!found)
		return api_call_error(c, MHD_HTTP_NOT_FOUND, API_ERR_NOT_FOUND,
				      "no peer named '%s'", c->param);
	return set_json(c, MHD_HTTP_OK, found);
}

/* ---- peers ---- */

static int op_peer_add(struct api_call *c)
{
	struct node *n = node_of(c);
	struct api_peer_req req;
	struct persist cand;
	const struct conf_peer *cp;
	const char *keys[2 + API_REQ_MAX_ENDPOINTS + API_REQ_MAX_ALLOWED + 1];
	const char *vals[ARRAY_SIZE(keys)];
	char section[PEER_SECTION_MAX], msid[16], ka[16], err[256];
	size_t k = 0;

	if (!c->body || api_peer_req_decode(c->body, &req, err, sizeof(err)) < 0)
		return api_call_error(c, MHD_HTTP_BAD_REQUEST, API_ERR_INVALID_REQUEST, "%s",
				      c->body ? err : "a JSON body is required");
	snprintf(section, sizeof(section), "peer.%s", req.name);
	keys[k] = "public_key";
	vals[k++] = req.public_key;
	for (size_t i = 0; i < req.n_endpoints; i++) {
		keys[k] = "endpoint";
		vals[k++] = req.endpoints[i];
	}
	if (req.mnp[0]) {
		keys[k] = "mnp";
		vals[k++] = req.mnp;
	} else {
		snprintf(msid, sizeof(msid), "%" PRIu32, req.msid);
		keys[k] = "msid";
		vals[k++] = msid;
	}
	for (size_t i = 0; i < req.n_allowed; i++) {
		keys[k] = "allowed_prefix";
		vals[k++] = req.allowed[i];
	}
	if (req.has_keepalive) {
		snprintf(ka, sizeof(ka), "%" PRIu32, req.keepalive);
		keys[k] = "persistent_keepalive";
		vals[k++] = ka;
	}
	if (check_keys(c, section, keys, vals, k) < 0)
		return 0;
	cp = conf_peer_by_name(n, req.name);
	if (cp || persist_has(api_persist(c->api), section, NULL, NULL))
		return api_call_error(c, MHD_HTTP_CONFLICT, API_ERR_CONFLICT,
				      "peer '%s' exists (defined in %s)", req.name,
				      cp ? peer_source(n, cp) : PERSIST_FILE);
	persist_copy(&cand, api_persist(c->api));
	for (size_t i = 0; i < k; i++)
		persist_add(&cand, section, keys[i], vals[i]);
	commit(c, &cand);
	if (c->err_code)
		return 0;
	log_info(LOG_GRP_API, "peer '%s' added through the API", req.name);
	snprintf(c->param, sizeof(c->param), "%s", req.name);
	op_peer_get(c);
	c->status = c->err_code ? c->status : MHD_HTTP_CREATED;
	return 0;
}

static int op_peer_del(struct api_call *c)
{
	struct node *n = node_of(c);
	const struct conf_peer *cp = conf_peer_by_name(n, c->param);
	char section[PEER_SECTION_MAX];
	struct persist cand;
	const char *src;

	if (!cp)
		return api_call_error(c, MHD_HTTP_NOT_FOUND, API_ERR_NOT_FOUND,
				      "no peer named '%s'", c->param);
	src = peer_source(n, cp);
	if (strlen(c->param) > CONF_NAME_MAX)
		return api_call_error(c, MHD_HTTP_NOT_FOUND, API_ERR_NOT_FOUND, "no such peer");
	if (strcmp(src, "api") != 0)
		return api_call_error(c, MHD_HTTP_CONFLICT, API_ERR_CONFLICT,
				      "peer '%s' is defined in %s: edit that file and reload",
				      c->param, src);
	snprintf(section, sizeof(section), "peer.%.*s", CONF_NAME_MAX, c->param);
	persist_copy(&cand, api_persist(c->api));
	persist_remove_section(&cand, section);
	commit(c, &cand);
	if (c->err_code)
		return 0;
	log_info(LOG_GRP_API, "peer '%s' deleted through the API", c->param);
	c->resp = json_pack("{s:s}", "deleted", c->param);
	return 0;
}

static int op_peer_rekey(struct api_call *c)
{
	struct node *n = node_of(c);
	struct peer *p = peer_by_name(n, c->param);

	if (!p)
		return api_call_error(c, MHD_HTTP_NOT_FOUND, API_ERR_NOT_FOUND,
				      "no peer named '%s'", c->param);
	datapath_peer_kick(n, p, uv_now(n->loop));
	return set_json(c, MHD_HTTP_ACCEPTED, json_pack("{s:s}", "rekey", c->param));
}

/* ---- routes ---- */

static void route_id(const char *prefix, char *id, size_t cap)
{
	snprintf(id, cap, "%s", prefix);
	for (char *s = id; *s; s++)
		if (*s == '/')
			*s = '_';
}

static json_t *route_obj(const char *prefix, const char *peer, const char *source)
{
	char id[ADDR_STR_MAX];

	route_id(prefix, id, sizeof(id));
	return json_pack("{s:s,s:s,s:s,s:s}", "id", id, "prefix", prefix, "peer", peer, "source",
			 source);
}

/* Call @fn for every route; stops when it returns true. */
static void each_route(struct api_call *c,
		       bool (*fn)(void *arg, const char *prefix, const char *peer, const char *src),
		       void *arg)
{
	struct node *n = node_of(c);
	const struct persist *ps = api_persist(c->api);
	char buf[ADDR_STR_MAX], section[PEER_SECTION_MAX];

	for (size_t i = 0; i < n->conf.n_peers; i++) {
		const struct conf_peer *cp = &n->conf.peers[i];

		snprintf(section, sizeof(section), "peer.%s", cp->name);
		if (cp->has_mnp &&
		    fn(arg, prefix_format(&cp->mnp, buf, sizeof(buf)), cp->name,
		       peer_source(n, cp)))
			return;
		for (size_t k = 0; k < cp->n_allowed; k++) {
			prefix_format(&cp->allowed[k], buf, sizeof(buf));
			if (fn(arg, buf, cp->name,
			       persist_has(ps, section, "allowed_prefix", buf)
				   ? "api"
				   : peer_source(n, cp)))
				return;
		}
	}
	for (size_t i = 0; i < n->conf.omni.n_routes; i++)
		if (fn(arg, prefix_format(&n->conf.omni.routes[i], buf, sizeof(buf)), "",
		       "config"))
			return;
}

static bool add_route_obj(void *arg, const char *prefix, const char *peer, const char *src)
{
	json_array_append_new(arg, route_obj(prefix, peer, src));
	return false;
}

static int op_routes(struct api_call *c)
{
	json_t *arr = json_array();

	each_route(c, add_route_obj, arr);
	return set_json(c, MHD_HTTP_OK, json_pack("{s:o}", "routes", arr));
}

struct route_find {
	const char *prefix;
	char peer[CONF_NAME_MAX + 1];
	char src[256];
	bool mnp;
	bool found;
};

static bool match_route(void *arg, const char *prefix, const char *peer, const char *src)
{
	struct route_find *f = arg;

	if (strcmp(prefix, f->prefix) != 0)
		return false;
	f->found = true;
	snprintf(f->peer, sizeof(f->peer), "%s", peer);
	snprintf(f->src, sizeof(f->src), "%s", src);
	return true;
}

/* "addr/len" as the config formats it, or -EINVAL. */
static int norm_prefix(const char *s, char *out, size_t cap)
{
	struct prefix p;

	if (addr_parse_prefix(s, &p) < 0)
		return -EINVAL;
	prefix_format(&p, out, cap);
	return 0;
}

static int op_route_add(struct api_call *c)
{
	struct node *n = node_of(c);
	struct api_route_req req;
	struct route_find f = { 0 };
	struct persist cand;
	char err[256], norm[ADDR_STR_MAX], section[PEER_SECTION_MAX];

	if (!c->body || api_route_req_decode(c->body, &req, err, sizeof(err)) < 0)
		return api_call_error(c, MHD_HTTP_BAD_REQUEST, API_ERR_INVALID_REQUEST, "%s",
				      c->body ? err : "a JSON body is required");
	if (norm_prefix(req.prefix, norm, sizeof(norm)) < 0)
		return api_call_error(c, MHD_HTTP_BAD_REQUEST, API_ERR_INVALID_REQUEST,
				      "prefix: '%s' is not an address/length", req.prefix);
	if (!conf_peer_by_name(n, req.peer))
		return api_call_error(c, MHD_HTTP_NOT_FOUND, API_ERR_NOT_FOUND,
				      "no peer named '%s'", req.peer);
	f.prefix = norm;
	each_route(c, match_route, &f);
	if (f.found)
		return api_call_error(c, MHD_HTTP_CONFLICT, API_ERR_CONFLICT,
				      "route %s exists (peer '%s', %s)", norm, f.peer, f.src);
	snprintf(section, sizeof(section), "peer.%s", req.peer);
	persist_copy(&cand, api_persist(c->api));
	persist_add(&cand, section, "allowed_prefix", norm);
	commit(c, &cand);
	if (c->err_code)
		return 0;
	return set_json(c, MHD_HTTP_CREATED, route_obj(norm, req.peer, "api"));
}

static int op_route_del(struct api_call *c)
{
	struct route_find f = { 0 };
	struct persist cand;
	char prefix[ADDR_STR_MAX], norm[ADDR_STR_MAX], section[PEER_SECTION_MAX];

	if (strlen(c->param) >= sizeof(prefix))
		return api_call_error(c, MHD_HTTP_NOT_FOUND, API_ERR_NOT_FOUND, "no such route");
	memcpy(prefix, c->param, strlen(c->param) + 1);
	for (char *s = prefix; *s; s++)
		if (*s == '_')
			*s = '/';
	if (norm_prefix(prefix, norm, sizeof(norm)) < 0)
		return api_call_error(c, MHD_HTTP_NOT_FOUND, API_ERR_NOT_FOUND,
				      "no route with id '%s'", c->param);
	f.prefix = norm;
	each_route(c, match_route, &f);
	if (!f.found)
		return api_call_error(c, MHD_HTTP_NOT_FOUND, API_ERR_NOT_FOUND,
				      "no route with id '%s'", c->param);
	snprintf(section, sizeof(section), "peer.%s", f.peer);
	if (strcmp(f.src, "api") != 0 || !f.peer[0] ||
	    !persist_has(api_persist(c->api), section, "allowed_prefix", norm))
		return api_call_error(c, MHD_HTTP_CONFLICT, API_ERR_CONFLICT,
				      "route %s is defined in %s%s%s", norm, f.src,
				      f.peer[0] ? " for peer " : "", f.peer);
	persist_copy(&cand, api_persist(c->api));
	persist_remove(&cand, section, "allowed_prefix", norm);
	commit(c, &cand);
	if (c->err_code)
		return 0;
	c->resp = json_pack("{s:s}", "deleted", c->param);
	return 0;
}

/* ---- AERO servers and DNS names: read-only in this version ---- */

/* The [server.NAME] neighbors of an AERO client (an empty list elsewhere). */
static int op_servers(struct api_call *c)
{
	const struct api_handlers *h = api_get_handlers(c->api);
	json_t *cache = h->neighbors ? h->neighbors(c->ctx) : NULL, *arr = json_array(), *e;
	size_t i;

	json_array_foreach(json_object_get(cache, "neighbors"), i, e) {
		const char *kind = json_string_value(json_object_get(e, "kind"));

		if (kind && strcmp(kind, "server") == 0)
			json_array_append(arr, e);
	}
	json_decref(cache);
	return set_json(c, MHD_HTTP_OK, json_pack("{s:o}", "servers", arr));
}

static int op_registrations(struct api_call *c)
{
	const struct api_handlers *h = api_get_handlers(c->api);
	json_t *j = h->registrations ? h->registrations(c->ctx) : NULL;

	if (!j)
		return api_call_error(c, MHD_HTTP_NOT_FOUND, API_ERR_NOT_FOUND,
				      "AERO is not running on this node");
	return set_json(c, MHD_HTTP_OK, j);
}

static int op_unavailable(struct api_call *c)
{
	return api_call_error(c, MHD_HTTP_NOT_FOUND, API_ERR_NOT_FOUND,
			      "not available in this version");
}

static int op_dns_names(struct api_call *c)
{
	const struct api_handlers *h = api_get_handlers(c->api);
	json_t *j = h->dns_names ? h->dns_names(c->ctx) : NULL;

	if (!j)
		return api_call_error(c, MHD_HTTP_NOT_FOUND, API_ERR_NOT_FOUND,
				      "the DNS responder is not configured");
	return set_json(c, MHD_HTTP_OK, j);
}

static int op_paths(struct api_call *c)
{
	const struct api_handlers *h = api_get_handlers(c->api);
	json_t *j = h->paths ? h->paths(c->ctx) : NULL;

	if (!j)
		return api_call_error(c, MHD_HTTP_NOT_FOUND, API_ERR_NOT_FOUND,
				      "SCION is not configured");
	return set_json(c, MHD_HTTP_OK, j);
}

/* ---- ehfilter ---- */

#define EH_SEC_ENTRY "ehfilter"
#define EH_SEC_EXIT "ehfilter.exit"

static int eh_add_value(void *arg, const char *key, const char *value)
{
	return json_object_set_new(arg, key, json_string(value)) < 0 ? -ENOMEM : 0;
}

/* The effective policy of one section of the running configuration. */
static json_t *eh_effective(const struct node *n, const char *section)
{
	json_t *o = json_object();

	if (conf_section_values(&n->conf, section, eh_add_value, o) < 0)
		log_err(LOG_GRP_API, "cannot render [%s]", section);
	return o;
}

/*
 * The effective [ehfilter] / [ehfilter.exit] keys the data path runs with
 * (defaults, omnid.conf, conf.d and the API's own entries, as resolved by
 * conf_finish), and under set_by_api the entries of 90-api.conf.
 */
static json_t *eh_doc(struct api_call *c)
{
	const struct persist *ps = api_persist(c->api);
	const struct node *n = node_of(c);
	json_t *in = json_object(), *out = json_object();

	for (size_t i = 0; i < ps->n; i++) {
		if (strcmp(ps->v[i].section, EH_SEC_ENTRY) == 0)
			json_object_set_new(in, ps->v[i].key, json_string(ps->v[i].value));
		else if (strcmp(ps->v[i].section, EH_SEC_EXIT) == 0)
			json_object_set_new(out, ps->v[i].key, json_string(ps->v[i].value));
	}
	return json_pack("{s:o,s:o,s:{s:o,s:o}}", "ehfilter", eh_effective(n, EH_SEC_ENTRY),
			 "ehfilter_exit", eh_effective(n, EH_SEC_EXIT), "set_by_api", "ehfilter",
			 in, "ehfilter_exit", out);
}

static int op_eh_get(struct api_call *c)
{
	return set_json(c, MHD_HTTP_OK, eh_doc(c));
}

static int op_eh_put(struct api_call *c)
{
	struct api_ehfilter_req *req = xmalloc(sizeof(*req));
	struct persist cand;
	char err[256];
	int ret = 0;

	if (!c->body || api_ehfilter_req_decode(c->body, req, err, sizeof(err)) < 0) {
		api_call_error(c, MHD_HTTP_BAD_REQUEST, API_ERR_INVALID_REQUEST, "%s",
			       c->body ? err : "a JSON body is required");
		goto out;
	}
	for (size_t i = 0; i < req->n_entry; i++) {
		const char *k = req->entry[i].key, *v = req->entry[i].value;

		if (check_keys(c, EH_SEC_ENTRY, &k, &v, 1) < 0)
			goto out;
	}
	for (size_t i = 0; i < req->n_exit; i++) {
		const char *k = req->exit[i].key, *v = req->exit[i].value;

		if (check_keys(c, EH_SEC_EXIT, &k, &v, 1) < 0)
			goto out;
	}
	persist_copy(&cand, api_persist(c->api));
	for (size_t i = 0; i < req->n_entry; i++)
		persist_set(&cand, EH_SEC_ENTRY, req->entry[i].key, req->entry[i].value);
	for (size_t i = 0; i < req->n_exit; i++)
		persist_set(&cand, EH_SEC_EXIT, req->exit[i].key, req->exit[i].value);
	commit(c, &cand);
	if (!c->err_code)
		set_json(c, MHD_HTTP_OK, eh_doc(c));
out:
	free(req);
	return ret;
}

/* ---- log ---- */

static const char *level_name(enum log_level l)
{
	switch (l) {
	case LOG_LVL_ERR:
		return "err";
	case LOG_LVL_WARN:
		return "warn";
	case LOG_LVL_INFO:
		return "info";
	case LOG_LVL_DEBUG:
		return "debug";
	}
	return "info";
}

static int op_log_get(struct api_call *c)
{
	uint32_t mask = log_get_debug_mask();
	json_t *groups = json_array();

	for (int g = 0; g < LOG_GRP__COUNT; g++)
		if (mask & (1U << g))
			json_array_append_new(groups, json_string(log_grp_name(g)));
	return set_json(c, MHD_HTTP_OK,
			json_pack("{s:s,s:o}", "level", level_name(log_get_level()), "debug",
				  groups));
}

static int op_log_put(struct api_call *c)
{
	struct api_log_req req;
	enum log_level lvl;
	enum log_grp g;
	uint32_t mask = 0;
	struct persist cand;
	char err[256], groups[CONF_VALUE_MAX + 1] = "";
	size_t glen = 0;

	if (!c->body || api_log_req_decode(c->body, &req, err, sizeof(err)) < 0)
		return api_call_error(c, MHD_HTTP_BAD_REQUEST, API_ERR_INVALID_REQUEST, "%s",
				      c->body ? err : "a JSON body is required");
	if (req.level[0] && log_level_parse(req.level, &lvl) < 0)
		return api_call_error(c, MHD_HTTP_BAD_REQUEST, API_ERR_INVALID_REQUEST,
				      "level: '%s' is not err, warn, info or debug", req.level);
	for (size_t i = 0; i < req.n_debug; i++) {
		if (log_grp_parse(req.debug[i], &g) < 0)
			return api_call_error(c, MHD_HTTP_BAD_REQUEST, API_ERR_INVALID_REQUEST,
					      "debug[%zu]: unknown group '%s'", i, req.debug[i]);
		mask |= 1U << g;
	}
	/* [node] debug, in group order; each name at most once, so it fits CONF_VALUE_MAX. */
	for (int i = 0; i < LOG_GRP__COUNT; i++)
		if ((mask >> i) & 1U)
			glen += (size_t)snprintf(groups + glen, sizeof(groups) - glen, "%s%s",
						 glen ? " " : "", log_grp_name((enum log_grp)i));
	if (req.level[0] || req.has_debug) {
		/* Both persist (90-api.conf) and apply through the reload, like any change. */
		persist_copy(&cand, api_persist(c->api));
		if (req.level[0])
			persist_set(&cand, "node", "log_level", req.level);
		if (req.has_debug)
			persist_set(&cand, "node", "debug", glen ? groups : "none");
		commit(c, &cand);
		if (c->err_code)
			return 0;
	}
	return op_log_get(c);
}

/* ---- reload, shutdown ---- */

static int op_reload(struct api_call *c)
{
	struct node *n = node_of(c);
	struct api_reload_req req;
	struct conf chk;
	struct conf_err e = { 0 };
	char err[256], msg[700];
	int r;

	if (api_reload_req_decode(c->body, &req, err, sizeof(err)) < 0)
		return api_call_error(c, MHD_HTTP_BAD_REQUEST, API_ERR_INVALID_REQUEST, "%s", err);
	conf_init(&chk);
	r = conf_load(&chk, n->config_path, &e);
	conf_free(&chk);
	if (r < 0)
		return api_call_error(c, MHD_HTTP_BAD_REQUEST, API_ERR_INVALID_REQUEST, "%s",
				      conf_err_format(&e, msg, sizeof(msg)));
	if (req.check)
		return set_json(c, MHD_HTTP_OK, json_pack("{s:b}", "valid", 1));
	if (node_reload(n) < 0)
		return api_call_error(c, MHD_HTTP_BAD_REQUEST, API_ERR_INVALID_REQUEST,
				      "reload refused (see the daemon log)");
	return set_json(c, MHD_HTTP_OK, json_pack("{s:b}", "reloaded", 1));
}

static int op_shutdown(struct api_call *c)
{
	api_schedule_shutdown(c->api);
	return set_json(c, MHD_HTTP_ACCEPTED, json_pack("{s:b}", "shutting_down", 1));
}

/* ---- metrics, audit ---- */

/* Prometheus text exposition 0.0.4: a metric name is [a-zA-Z_:][a-zA-Z0-9_:]*. */
static bool metric_name_ok(const char *s)
{
	return s[0] && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_:0123456789") ==
			   strlen(s);
}

static int op_metrics(struct api_call *c)
{
	json_t *j = status_doc(c), *v, *p;
	const char *k;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;

	if (!j)
		return 0;
	f = open_memstream(&buf, &len);
	OMNI_ASSERT(f != NULL);
	fprintf(f, "# TYPE omnid_uptime_seconds gauge\nomnid_uptime_seconds %" JSON_INTEGER_FORMAT
		   "\n",
		json_integer_value(json_object_get(j, "uptime_s")));
	fprintf(f, "# TYPE omnid_peers gauge\nomnid_peers %zu\n",
		json_array_size(json_object_get(j, "peers")));
	json_object_foreach(json_object_get(j, "counters"), k, v) {
		if (!metric_name_ok(k))
			continue;
		fprintf(f, "# TYPE omnid_%s_total counter\nomnid_%s_total %" JSON_INTEGER_FORMAT "\n",
			k, k, json_integer_value(v));
	}
	static const char *const peer_stats[] = { "rx_packets", "rx_bytes", "tx_packets",
						  "tx_bytes" };
	for (size_t s = 0; s < ARRAY_SIZE(peer_stats); s++) {
		fprintf(f, "# TYPE omnid_peer_%s_total counter\n", peer_stats[s]);
		json_array_foreach(json_object_get(j, "peers"), i, p)
			fprintf(f, "omnid_peer_%s_total{peer=\"%s\"} %" JSON_INTEGER_FORMAT "\n",
				peer_stats[s], str_or_empty(json_string_value(json_object_get(p, "name"))),
				json_integer_value(json_object_get(p, peer_stats[s])));
	}
	OMNI_ASSERT(fclose(f) == 0);
	json_decref(j);
	c->status = MHD_HTTP_OK;
	c->text = buf;
	c->text_type = "text/plain; version=0.0.4";
	return 0;
}

static int op_audit(struct api_call *c)
{
	const char *q = api_call_query(c, "limit");
	unsigned long limit = 100;
	json_t *out = NULL;
	char *end;
	int r;

	if (q) {
		errno = 0;
		limit = strtoul(q, &end, 10);
		if (errno || end == q || *end || limit < 1 || limit > 1000)
			return api_call_error(c, MHD_HTTP_BAD_REQUEST, API_ERR_INVALID_REQUEST,
					      "limit: expected 1..1000");
	}
	r = api_audit_tail(c->api, limit, &out);
	if (r < 0)
		return api_call_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, API_ERR_INTERNAL,
				      "audit log: %s", strerror(-r));
	return set_json(c, MHD_HTTP_OK, out);
}

#define GET MHD_HTTP_METHOD_GET
#define POST MHD_HTTP_METHOD_POST
#define PUT MHD_HTTP_METHOD_PUT
#define DELETE MHD_HTTP_METHOD_DELETE

const struct api_route api_routes[] = {
    {"/v1/status", GET, op_status},
    {"/v1/interfaces", GET, op_interfaces},
    {"/v1/stats", GET, op_stats},
    {"/v1/neighbors", GET, op_neighbors},
    {"/v1/routes", GET, op_routes},
    {"/v1/routes", POST, op_route_add},
    {"/v1/routes/{}", DELETE, op_route_del},
    {"/v1/peers", GET, op_peers},
    {"/v1/peers", POST, op_peer_add},
    {"/v1/peers/{}", GET, op_peer_get},
    {"/v1/peers/{}", DELETE, op_peer_del},
    {"/v1/peers/{}/rekey", POST, op_peer_rekey},
    {"/v1/servers", GET, op_servers},
    {"/v1/registrations", GET, op_registrations},
    {"/v1/servers", POST, op_unavailable},
    {"/v1/servers/{}", DELETE, op_unavailable},
    {"/v1/ehfilter", GET, op_eh_get},
    {"/v1/ehfilter", PUT, op_eh_put},
    {"/v1/log", GET, op_log_get},
    {"/v1/log", PUT, op_log_put},
    {"/v1/reload", POST, op_reload},
    {"/v1/metrics", GET, op_metrics},
    {"/v1/audit", GET, op_audit},
    {"/v1/dns/names", GET, op_dns_names},
    {"/v1/paths", GET, op_paths},
    {"/v1/dns/names/{}", PUT, op_unavailable},
    {"/v1/dns/names/{}", DELETE, op_unavailable},
    {"/v1/shutdown", POST, op_shutdown},
};
const size_t api_n_routes = ARRAY_SIZE(api_routes);
