// SPDX-License-Identifier: MIT
/*
 * api.c - libmicrohttpd glue for the control API. Owns the listening sockets
 * (until MHD takes them), one MHD daemon per listener with the uv handles that
 * drive it, the per-connection peer credentials, the per-request state, the
 * token verifier (jws.h) with its replay cache, the audit log (audit.h) and
 * the 90-api.conf entries (persist.h). Who may call (spec/agentic-jwt.md
 * B.8.1) is decided here, once per request, before the body is read; the
 * route table and the handlers live in api_ops.c. Every answer is JSON (except
 * /v1/metrics), errors use the api_schema error object. Never blocks and never
 * calls MHD from outside the loop thread.
 */
#include "api.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>

#include "api_schema.h"
#include "audit.h"
#include "auth_conf.h"
#include "jws.h"
#include "log.h"
#include "persist.h"

#define API_LISTEN_BACKLOG 64
/*
 * libmicrohttpd 0.9.75 accepts a response only right after the headers or
 * after the whole body, so an over-long chunked body is read and dropped up
 * to this much before the connection is cut without an answer.
 */
#define API_DISCARD_MAX (1024 * 1024)
#define API_MAX_GROUPS 1024 /* supplementary groups read with SO_PEERGROUPS */
#define API_SHUTDOWN_DELAY_MS 200
#define API_AUDIT_PATH_MAX 256 /* octets of the request path an audit record keeps */
#define API_AUDIT_METHOD_MAX 16

#define TOO_LARGE_MSG "request body over 65536 octets"
_Static_assert(API_REQUEST_BODY_MAX == 65536, "update TOO_LARGE_MSG");

#define WWW_AUTH_DPOP "DPoP algs=\"EdDSA ES256\""

struct api;

/* One listening socket served by its own MHD daemon. */
struct api_listener {
	struct api *a;
	struct MHD_Daemon *mhd;
	uv_poll_t poll;
	uv_timer_t timer;
	bool tcp;
	char origin[ADDR_STR_MAX + 8]; /* htu origin: fixed per listener, never from Host */
	char hosts[3][ADDR_STR_MAX]; /* accepted Host values (TCP) */
};

struct api {
	uv_loop_t *loop;
	struct api_listener ls[2];
	size_t n_ls;
	uv_timer_t replay_timer;
	uv_timer_t shutdown_timer;
	unsigned int open_handles; /* freed when this drops to 0 after api_free() */
	struct api_handlers h;
	void *ctx;
	char *socket_path;
	char *config_path;
	/* verifier */
	struct auth_conf *auth; /* heap: the verifier context points into it */
	struct jws_ctx *jws;
	struct jws_replay *replay;
	bool have_admin_gid, have_ro_gid, groups_known;
	gid_t admin_gid, ro_gid;
	char admin_group[33], ro_group[33]; /* the names admin_gid / ro_gid came from */
	struct audit *audit;
	struct persist persist;
};

/* Per connection (MHD socket context): the caller's credentials, read once. */
struct api_conn {
	struct ucred cred;
	bool have_cred;
	gid_t *groups; /* supplementary groups (SO_PEERGROUPS) */
	size_t n_groups;
};

enum api_caller { CALLER_NONE, CALLER_ADMIN, CALLER_READER, CALLER_TOKEN };

/* Per request (MHD request context). */
struct api_req {
	char *body;
	size_t len;
	size_t discarded; /* octets dropped after the body went over the limit */
	bool too_large;
	bool responded; /* a response is queued: discard the rest of the body */
	const struct api_route *route;
	char param[256];
	uint32_t op_scope;
	bool write;
	enum api_caller caller;
	struct jws_result tok;
};

PRINTF(2, 0)
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	const struct api *a = cls;
	char buf[256];
	size_t n;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	/* Once running, MHD mostly reports what clients did: rate-limit that. */
	if (a->n_ls)
		log_remote(LOG_GRP_API, "libmicrohttpd: %s", buf);
	else
		log_warn(LOG_GRP_API, "libmicrohttpd: %s", buf);
}

/* Keep the path as received: the htu check needs the raw octets (B.8.3 step 7). */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

static enum MHD_Result queue(struct MHD_Connection *c, unsigned int status, char *s, size_t n,
			     const char *type, const char *hdr, const char *hdr_value)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;

	resp = MHD_create_response_from_buffer(n, s, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(s);
		return MHD_NO;
	}
	if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type) != MHD_YES ||
	    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store") != MHD_YES ||
	    (hdr && MHD_add_response_header(resp, hdr, hdr_value) != MHD_YES)) {
		MHD_destroy_response(resp);
		return MHD_NO;
	}
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Consumes @j. */
static enum MHD_Result send_json(struct MHD_Connection *c, unsigned int status, json_t *j,
				 const char *hdr, const char *hdr_value)
{
	char *s = json_dumps(j, JSON_COMPACT);
	size_t n;

	json_decref(j);
	if (!s)
		return MHD_NO;
	n = strlen(s);
	s = xrealloc(s, n + 2);
	s[n++] = '\n';
	s[n] = '\0';
	return queue(c, status, s, n, "application/json", hdr, hdr_value);
}

static enum MHD_Result send_error(struct MHD_Connection *c, struct api_req *r, unsigned int status,
				  const char *code, const char *msg, int err, const char *hdr,
				  const char *hdr_value)
{
	r->responded = true;
	return send_json(c, status, api_error_encode(code, msg, err), hdr, hdr_value);
}

static struct api_conn *conn_ctx(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

int api_call_error(struct api_call *c, unsigned status, const char *code, const char *fmt, ...)
{
	va_list ap;

	c->status = status;
	c->err_code = code;
	va_start(ap, fmt);
	vsnprintf(c->err_msg, sizeof(c->err_msg), fmt, ap);
	va_end(ap);
	return 0;
}

const char *api_call_query(const struct api_call *c, const char *key)
{
	/* The MHD API takes a non-const connection; the call only reads it. */
	struct MHD_Connection *conn = (struct MHD_Connection *)(uintptr_t)c->conn;

	return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, key);
}

const struct api_handlers *api_get_handlers(const struct api *a)
{
	return &a->h;
}

struct persist *api_persist(struct api *a)
{
	return &a->persist;
}

int api_audit_tail(struct api *a, size_t limit, json_t **out)
{
	return audit_tail(a->audit, limit, out);
}

static void on_shutdown_timer(uv_timer_t *t)
{
	(void)t;
	log_info(LOG_GRP_API, "shutdown requested through the API");
	kill(getpid(), SIGTERM);
}

void api_schedule_shutdown(struct api *a)
{
	uv_timer_start(&a->shutdown_timer, on_shutdown_timer, API_SHUTDOWN_DELAY_MS, 0);
}

/* ---- routing ---- */

/* Match @path against @pattern; "{}" matches one non-empty segment, copied raw to @param. */
static bool route_match(const char *pattern, const char *path, char *param, size_t cap)
{
	const char *p = pattern, *s = path;

	param[0] = '\0';
	while (*p) {
		if (p[0] == '{' && p[1] == '}') {
			size_t n = strcspn(s, "/");

			if (n == 0 || n >= cap)
				return false;
			memcpy(param, s, n);
			param[n] = '\0';
			s += n;
			p += 2;
			continue;
		}
		if (*p != *s)
			return false;
		p++;
		s++;
	}
	return *s == '\0';
}

/*
 * Find the route of @method @path. Returns it, or NULL with *@path_known
 * telling 404 from 405 and @allow listing the path's methods.
 */
static const struct api_route *route_find(const char *method, const char *path, char *param,
					  size_t cap, bool *path_known, char *allow,
					  size_t allow_len)
{
	bool head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;

	*path_known = false;
	allow[0] = '\0';
	for (size_t i = 0; i < api_n_routes; i++) {
		const struct api_route *rt = &api_routes[i];

		if (!route_match(rt->pattern, path, param, cap))
			continue;
		*path_known = true;
		if (strcmp(rt->method, method) == 0 ||
		    (head && strcmp(rt->method, MHD_HTTP_METHOD_GET) == 0))
			return rt;
		if (strlen(allow) + strlen(rt->method) + 3 < allow_len)
			snprintf(allow + strlen(allow), allow_len - strlen(allow), "%s%s",
				 allow[0] ? ", " : "", rt->method);
	}
	return NULL;
}

/* ---- audit ---- */

/* @s as a JSON string; if it is not UTF-8 (a raw path segment), octets over 0x7f become '?'. */
static json_t *ascii_string(const char *s)
{
	json_t *j = json_string(s);
	char *t;

	if (j)
		return j;
	t = xstrdup(s);
	for (char *p = t; *p; p++)
		if ((unsigned char)*p > 0x7f)
			*p = '?';
	j = json_string(t);
	free(t);
	return j;
}

static const char *listener_name(const struct api_listener *l)
{
	return l->tcp ? "tcp" : "unix";
}

/* The record every audit line starts from: who, what, through which listener. */
static json_t *audit_record(const struct api_listener *l, const struct api_conn *ac,
			    const struct api_req *r, const char *method, const char *path)
{
	json_t *rec = json_object(), *v;
	const char *scope = jws_scope_name(r->op_scope);

	json_object_set_new(rec, "listener", json_string(listener_name(l)));
	if (!l->tcp && ac && ac->have_cred) {
		json_object_set_new(rec, "uid", json_integer(ac->cred.uid));
		json_object_set_new(rec, "pid", json_integer(ac->cred.pid));
	}
	/*
	 * Method and raw path may hold any octets: jansson takes valid UTF-8 only.
	 * Both are cut so that a refused caller cannot make one record large.
	 */
	v = json_stringn(method, strnlen(method, API_AUDIT_METHOD_MAX));
	json_object_set_new(rec, "method", v ? v : json_string("(invalid)"));
	v = json_stringn(path, strnlen(path, API_AUDIT_PATH_MAX));
	json_object_set_new(rec, "path", v ? v : json_string("(invalid)"));
	if (scope)
		json_object_set_new(rec, "op", json_string(scope));
	if (r->caller == CALLER_TOKEN) {
		const struct jws_result *t = &r->tok;

		json_object_set_new(rec, "iss", json_string(t->iss));
		json_object_set_new(rec, "sub", json_string(t->sub));
		json_object_set_new(rec, "jti", json_string(t->jti));
		json_object_set_new(rec, "checksum", json_string(t->checksum12));
		json_object_set_new(rec, "workflow_id", json_string(t->workflow_id));
		json_object_set_new(rec, "workflow_step", json_string(t->workflow_step));
		json_object_set_new(rec, "delegation_chain", json_string(t->delegation_chain));
		json_object_set_new(rec, "step_sequence_hash",
				    json_string(t->step_sequence_hash));
	} else if (r->caller == CALLER_ADMIN || r->caller == CALLER_READER) {
		json_object_set_new(rec, "caller",
				    json_string(r->caller == CALLER_ADMIN ? "admin" : "reader"));
	}
	return rec;
}

static void audit_write(struct api *a, json_t *rec)
{
	int ret = audit_append(a->audit, rec);

	if (ret < 0)
		log_remote(LOG_GRP_API, "audit log: %s", strerror(-ret));
	json_decref(rec);
}

/* A refusal: audited, then answered. */
static enum MHD_Result refuse(struct api_listener *l, struct MHD_Connection *c, struct api_req *r,
			      const char *method, const char *url, unsigned int status,
			      const char *code, const char *msg, const char *reason)
{
	json_t *rec = audit_record(l, conn_ctx(c), r, method, url);

	json_object_set_new(rec, "decision", json_string("deny"));
	json_object_set_new(rec, "reason", json_string(reason));
	json_object_set_new(rec, "status", json_integer(status));
	audit_write(l->a, rec);
	log_debug(LOG_GRP_API, "%s %s refused: %s", method, url, reason);
	return send_error(c, r, status, code, msg, 0,
			  status == MHD_HTTP_UNAUTHORIZED ? MHD_HTTP_HEADER_WWW_AUTHENTICATE : NULL,
			  WWW_AUTH_DPOP);
}

/* ---- authentication (B.8.1, B.8.3) ---- */

struct hdr_count {
	unsigned n_auth, n_dpop;
};

static enum MHD_Result count_hdr(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	struct hdr_count *hc = cls;

	(void)kind;
	(void)value;
	if (strcasecmp(key, MHD_HTTP_HEADER_AUTHORIZATION) == 0)
		hc->n_auth++;
	else if (strcasecmp(key, "DPoP") == 0)
		hc->n_dpop++;
	return MHD_YES;
}

static bool in_group(const struct api_conn *ac, gid_t g)
{
	if (ac->cred.gid == g)
		return true;
	for (size_t i = 0; i < ac->n_groups; i++)
		if (ac->groups[i] == g)
			return true;
	return false;
}

static bool host_ok(const struct api_listener *l, const char *host)
{
	if (!host)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(l->hosts); i++)
		if (l->hosts[i][0] && strcasecmp(l->hosts[i], host) == 0)
			return true;
	return false;
}

/*
 * Decide who is calling and whether they may do this, before the body is read.
 * Returns MHD_YES to go on reading the body (r->route set), or the result of
 * queuing a refusal.
 */
static enum MHD_Result admit(struct api_listener *l, struct MHD_Connection *c, const char *url,
			     const char *method, struct api_req *r)
{
	struct api *a = l->a;
	struct api_conn *ac = conn_ctx(c);
	struct hdr_count hc = { 0, 0 };
	const char *scope_method = method;
	uint32_t granted = 0;
	char allow[96];
	bool path_known;
	int ret;

	if (strcmp(method, MHD_HTTP_METHOD_HEAD) == 0)
		scope_method = MHD_HTTP_METHOD_GET;
	if (jws_scope_for(scope_method, url, &r->op_scope) < 0)
		r->op_scope = 0;
	r->write = r->op_scope && !(r->op_scope & jws_scope_read_mask());

	if (l->tcp) {
		/* No CORS: a browser's preflight gets a bare 405 (B.8.1). */
		if (strcmp(method, MHD_HTTP_METHOD_OPTIONS) == 0)
			return refuse(l, c, r, method, url, MHD_HTTP_METHOD_NOT_ALLOWED,
				      API_ERR_METHOD_NOT_ALLOWED, "method not allowed",
				      "options_preflight");
		if (!host_ok(l, MHD_lookup_connection_value(c, MHD_HEADER_KIND,
							    MHD_HTTP_HEADER_HOST)))
			return refuse(l, c, r, method, url, MHD_HTTP_BAD_REQUEST,
				      API_ERR_INVALID_REQUEST, "bad Host header", "bad_host");
	}

	MHD_get_connection_values(c, MHD_HEADER_KIND, count_hdr, &hc);
	if (hc.n_auth || hc.n_dpop) {
		const char *authz = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
								MHD_HTTP_HEADER_AUTHORIZATION);
		struct jws_request jr = {
			.method = method,
			.origin = l->origin,
			.path = url,
			.authorization = authz,
			.n_authorization = hc.n_auth,
			.dpop = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "DPoP"),
			.n_dpop = hc.n_dpop,
			.unix_socket = !l->tcp,
			.has_peer_uid = !l->tcp && ac && ac->have_cred,
			.peer_uid = ac && ac->have_cred ? ac->cred.uid : 0,
		};
		const char *why = "no_issuers";

		if (authz && strncasecmp(authz, "Bearer ", 7) == 0)
			return refuse(l, c, r, method, url, MHD_HTTP_UNAUTHORIZED,
				      API_ERR_INVALID_TOKEN, "DPoP-bound token required", "bearer");
		ret = a->jws ? jws_verify_request(a->jws, a->replay, &jr, (uint64_t)time(NULL),
						  &r->tok, &why)
			     : -EACCES;
		if (ret == -ENOENT)
			goto route; /* not in the scope table: 404 or 405 below */
		if (ret == -EPERM) {
			r->caller = CALLER_TOKEN; /* verified: the record names the agent */
			return refuse(l, c, r, method, url, MHD_HTTP_FORBIDDEN,
				      API_ERR_INSUFFICIENT_SCOPE, "insufficient scope", why);
		}
		if (ret == -ENOSPC)
			return refuse(l, c, r, method, url, MHD_HTTP_SERVICE_UNAVAILABLE,
				      API_ERR_BUSY, "try again later", why);
		if (ret < 0) {
			const char *cls = jws_err_class(why);

			if (strcmp(cls, API_ERR_INVALID_TOKEN) != 0 &&
			    strcmp(cls, "invalid_dpop_proof") != 0)
				cls = API_ERR_INVALID_TOKEN;
			return refuse(l, c, r, method, url, MHD_HTTP_UNAUTHORIZED, cls,
				      "authentication failed", why);
		}
		r->caller = CALLER_TOKEN;
		granted = r->tok.scopes;
	} else if (l->tcp) {
		return refuse(l, c, r, method, url, MHD_HTTP_UNAUTHORIZED, API_ERR_INVALID_TOKEN,
			      "authentication required", "no_token");
	} else if (ac && ac->have_cred &&
		   (ac->cred.uid == 0 || (a->have_admin_gid && in_group(ac, a->admin_gid)))) {
		r->caller = CALLER_ADMIN;
		granted = UINT32_MAX;
	} else if (ac && ac->have_cred && a->have_ro_gid && in_group(ac, a->ro_gid)) {
		r->caller = CALLER_READER;
		granted = jws_scope_read_mask();
	} else {
		return refuse(l, c, r, method, url, MHD_HTTP_UNAUTHORIZED, API_ERR_INVALID_TOKEN,
			      "authentication required", "no_credentials");
	}

route:
	r->route = route_find(method, url, r->param, sizeof(r->param), &path_known, allow,
			      sizeof(allow));
	if (!r->route && !path_known)
		return send_error(c, r, MHD_HTTP_NOT_FOUND, API_ERR_NOT_FOUND, "no such endpoint",
				  0, NULL, NULL);
	if (!r->route)
		return send_error(c, r, MHD_HTTP_METHOD_NOT_ALLOWED, API_ERR_METHOD_NOT_ALLOWED,
				  "method not allowed", 0, MHD_HTTP_HEADER_ALLOW, allow);
	if (r->caller == CALLER_NONE) /* a token for an operation outside the scope table */
		return send_error(c, r, MHD_HTTP_METHOD_NOT_ALLOWED, API_ERR_METHOD_NOT_ALLOWED,
				  "method not allowed with a token", 0, MHD_HTTP_HEADER_ALLOW,
				  allow[0] ? allow : "GET");
	if (r->caller != CALLER_TOKEN && (!r->op_scope || !(granted & r->op_scope)))
		return refuse(l, c, r, method, url, MHD_HTTP_FORBIDDEN, API_ERR_INSUFFICIENT_SCOPE,
			      "insufficient scope", "insufficient_scope");
	return MHD_YES;
}

/* ---- requests ---- */

/* Content-Length larger than the body limit (or unparsable). */
static bool declared_too_large(struct MHD_Connection *c)
{
	const char *cl =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	unsigned long long v;
	char *end;

	if (!cl)
		return false;
	errno = 0;
	v = strtoull(cl, &end, 10);
	return errno || end == cl || v > API_REQUEST_BODY_MAX;
}

static bool content_type_ok(struct MHD_Connection *c)
{
	const char *ct =
	    MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n = strlen("application/json");

	return !ct || (strncasecmp(ct, "application/json", n) == 0 &&
		       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' '));
}

/* Percent-decode @raw into @out; a decoded NUL or '/' is refused. */
static bool decode_param(const char *raw, char *out, size_t cap)
{
	size_t n = strlen(raw);

	if (n >= cap)
		return false;
	memcpy(out, raw, n + 1);
	n = MHD_http_unescape(out);
	out[n] = '\0';
	return strlen(out) == n && !strchr(out, '/') && n > 0;
}

static enum MHD_Result dispatch(struct api_listener *l, struct MHD_Connection *c,
				const char *url, const char *method, struct api_req *r)
{
	struct api *a = l->a;
	struct api_call call = { .api = a, .ctx = a->ctx, .method = method, .path = url,
				 .conn = c };
	json_t *body = NULL, *rec = NULL;
	char perr[160];
	enum MHD_Result mr;
	int ret;

	if (r->write) {
		rec = audit_record(l, conn_ctx(c), r, method, url);
		json_object_set_new(rec, "decision", json_string("allow"));
	}
	if (r->param[0] && !decode_param(r->param, call.param, sizeof(call.param))) {
		api_call_error(&call, MHD_HTTP_BAD_REQUEST, API_ERR_INVALID_REQUEST,
			       "bad path segment");
		goto answer;
	}
	if (r->len) {
		ret = api_json_parse(r->body, r->len, &body, perr, sizeof(perr));
		if (ret < 0 || !json_is_object(body)) {
			api_call_error(&call, MHD_HTTP_BAD_REQUEST, API_ERR_INVALID_REQUEST,
				       "request body: %s", ret < 0 ? perr : "expected an object");
			goto answer;
		}
		call.body = body;
		if (rec)
			json_object_set(rec, "args", body);
	}
	ret = r->route->fn(&call);
	if (ret < 0 && !call.err_code)
		api_call_error(&call, MHD_HTTP_INTERNAL_SERVER_ERROR, API_ERR_INTERNAL, "%s",
			       strerror(-ret));
	if (!call.err_code && !call.resp && !call.text)
		api_call_error(&call, MHD_HTTP_INTERNAL_SERVER_ERROR, API_ERR_INTERNAL,
			       "handler failed");
answer:
	json_decref(body);
	if (!call.status)
		call.status = MHD_HTTP_OK;
	if (rec) {
		if (!call.err_code && call.param[0])
			json_object_set_new(rec, "object", json_string(call.param));
		json_object_set_new(rec, "status", json_integer(call.status));
		json_object_set_new(rec, "result",
				    ascii_string(call.err_code ? call.err_msg : "ok"));
		audit_write(a, rec);
	}
	r->responded = true;
	if (call.err_code) {
		json_decref(call.resp);
		free(call.text);
		return send_json(c, call.status,
				 api_error_encode(call.err_code, call.err_msg, call.err_errno),
				 NULL, NULL);
	}
	if (call.text) {
		mr = queue(c, call.status, call.text, strlen(call.text),
			   call.text_type ? call.text_type : "text/plain", NULL, NULL);
		json_decref(call.resp);
		return mr;
	}
	return send_json(c, call.status, call.resp, NULL, NULL);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_size, void **req_cls)
{
	struct api_listener *l = cls;
	struct api_req *r = *req_cls;

	(void)version;
	if (!r) {
		enum MHD_Result ret;

		r = xcalloc(1, sizeof(*r));
		*req_cls = r;
		ret = admit(l, c, url, method, r);
		if (r->responded || ret != MHD_YES)
			return ret;
		if (declared_too_large(c))
			return send_error(c, r, MHD_HTTP_CONTENT_TOO_LARGE, API_ERR_TOO_LARGE,
					  TOO_LARGE_MSG, 0, NULL, NULL);
		if (!content_type_ok(c))
			return send_error(c, r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
					  API_ERR_UNSUPPORTED_MEDIA,
					  "request body must be application/json", 0, NULL, NULL);
		return MHD_YES;
	}

	if (*upload_size) {
		size_t n = *upload_size;

		*upload_size = 0;
		if (r->responded)
			return MHD_YES;
		if (r->too_large || n > API_REQUEST_BODY_MAX - r->len) {
			/* Only a chunked body gets here: its size was not declared. */
			free(r->body);
			r->body = NULL;
			r->len = 0;
			r->too_large = true;
			r->discarded += n;
			return r->discarded > API_DISCARD_MAX ? MHD_NO : MHD_YES;
		}
		r->body = xrealloc(r->body, r->len + n + 1);
		memcpy(r->body + r->len, upload_data, n);
		r->len += n;
		r->body[r->len] = '\0';
		return MHD_YES;
	}

	if (r->responded)
		return MHD_YES;
	if (r->too_large)
		return send_error(c, r, MHD_HTTP_CONTENT_TOO_LARGE, API_ERR_TOO_LARGE,
				  TOO_LARGE_MSG, 0, NULL, NULL);
	return dispatch(l, c, url, method, r);
}

static void on_request_done(void *cls, struct MHD_Connection *c, void **req_cls,
			    enum MHD_RequestTerminationCode toe)
{
	struct api_req *r = *req_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (r) {
		free(r->body);
		free(r);
		*req_cls = NULL;
	}
}

static void read_groups(struct api_conn *ac, int fd)
{
	socklen_t len = (socklen_t)(API_MAX_GROUPS * sizeof(gid_t));
	gid_t *g = xmalloc(len);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, g, &len) == 0) {
		ac->groups = g;
		ac->n_groups = len / sizeof(gid_t);
		return;
	}
	/* ERANGE (over API_MAX_GROUPS) or an old kernel: primary gid only. */
	log_debug(LOG_GRP_API, "SO_PEERGROUPS: %s", strerror(errno));
	free(g);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
			  enum MHD_ConnectionNotificationCode toe)
{
	const struct api_listener *l = cls;
	const union MHD_ConnectionInfo *ci;
	struct api_conn *ac;
	socklen_t len;

	switch (toe) {
	case MHD_CONNECTION_NOTIFY_STARTED:
		ac = xcalloc(1, sizeof(*ac));
		*socket_ctx = ac;
		if (l->tcp)
			break; /* no peer credentials on TCP: a token is always required */
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		len = sizeof(ac->cred);
		if (ci &&
		    getsockopt(ci->connect_fd, SOL_SOCKET, SO_PEERCRED, &ac->cred, &len) == 0 &&
		    len == sizeof(ac->cred)) {
			ac->have_cred = true;
			read_groups(ac, ci->connect_fd);
		} else {
			log_errno(LOG_GRP_API, "SO_PEERCRED");
		}
		break;
	case MHD_CONNECTION_NOTIFY_CLOSED:
		ac = *socket_ctx;
		if (ac)
			free(ac->groups);
		free(ac);
		*socket_ctx = NULL;
		break;
	}
}

/* ---- the loop ---- */

static void on_timer(uv_timer_t *t);

static unsigned int mhd_connections(struct MHD_Daemon *d)
{
	const union MHD_DaemonInfo *di =
	    MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

	return di ? di->num_connections : 0;
}

/* Let MHD do its work, then re-arm the timer for its next deadline. */
static void run_mhd(struct api_listener *l)
{
	MHD_UNSIGNED_LONG_LONG ms;
	unsigned int before;

	if (!l->mhd)
		return;
	before = mhd_connections(l->mhd);
	if (MHD_run(l->mhd) != MHD_YES)
		log_debug(LOG_GRP_API, "MHD_run failed");
	/*
	 * At the connection limit MHD takes the listening socket out of its
	 * epoll set and puts it back only at the start of a later MHD_run().
	 * If this run closed connections, nothing would wake us for that
	 * (measured with 0.9.75: the server stopped accepting), so run again
	 * right away.
	 */
	if (mhd_connections(l->mhd) < before)
		ms = 0;
	else if (MHD_get_timeout(l->mhd, &ms) != MHD_YES) {
		uv_timer_stop(&l->timer);
		return;
	}
	uv_timer_start(&l->timer, on_timer, (uint64_t)ms, 0);
}

static void on_timer(uv_timer_t *t)
{
	run_mhd(container_of(t, struct api_listener, timer));
}

static void on_poll(uv_poll_t *p, int status, int events)
{
	struct api_listener *l = container_of(p, struct api_listener, poll);

	(void)events;
	if (status < 0)
		log_warn(LOG_GRP_API, "poll: %s", uv_strerror(status));
	run_mhd(l);
}

static void on_replay_timer(uv_timer_t *t)
{
	struct api *a = container_of(t, struct api, replay_timer);

	if (a->replay)
		jws_replay_expire(a->replay, (uint64_t)time(NULL));
}

/* ---- sockets ---- */

static int fill_sun(struct sockaddr_un *sun, const char *path)
{
	size_t n = strlen(path);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (n == 0 || n >= sizeof(sun->sun_path))
		return -ENAMETOOLONG;
	memcpy(sun->sun_path, path, n);
	return 0;
}

/*
 * Something exists at @path. Remove it only if it is a socket nobody answers
 * on (wireguard's ipc-uapi-unix.h rule). Returns 0 if removed.
 */
static int clear_stale(const struct sockaddr_un *sun)
{
	struct stat st;
	int fd, ret;

	if (lstat(sun->sun_path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0) {
		ret = -EADDRINUSE;
	} else if (errno == ECONNREFUSED) {
		ret = unlink(sun->sun_path) < 0 && errno != ENOENT ? -errno : 0;
		if (ret == 0)
			log_info(LOG_GRP_API, "removed stale socket %s", sun->sun_path);
	} else if (errno == EAGAIN) {
		ret = -EADDRINUSE; /* a listener with a full backlog */
	} else {
		ret = -errno;
	}
	close(fd);
	return ret;
}

/* getgrnam_r at start-up and reload only (NSS may block): never per request. */
static bool lookup_group(const char *name, gid_t *out)
{
	struct group gr, *res = NULL;
	char buf[4096];

	if (!name[0])
		return false;
	if (getgrnam_r(name, &gr, buf, sizeof(buf), &res) != 0 || !res)
		return false;
	*out = gr.gr_gid;
	return true;
}

static int listen_unix(const char *path, const char *group, int *out)
{
	struct sockaddr_un sun;
	mode_t old;
	gid_t gid;
	int fd, ret, saved;

	ret = fill_sun(&sun, path);
	if (ret < 0)
		return ret;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	for (int attempt = 0;; attempt++) {
		old = umask(0117);
		ret = bind(fd, (const struct sockaddr *)&sun, sizeof(sun));
		saved = errno;
		umask(old);
		if (ret == 0)
			break;
		if (saved != EADDRINUSE || attempt > 0) {
			ret = -saved;
			goto fail;
		}
		ret = clear_stale(&sun);
		if (ret < 0)
			goto fail;
	}
	if (chmod(path, 0660) < 0 || listen(fd, API_LISTEN_BACKLOG) < 0) {
		ret = -errno;
		unlink(path);
		goto fail;
	}
	if (lookup_group(group, &gid)) {
		if (chown(path, (uid_t)-1, gid) < 0)
			log_warn(LOG_GRP_API, "chown %s to group '%s': %s", path, group,
				 strerror(errno));
	} else if (group[0]) {
		log_info(LOG_GRP_API, "socket group '%s' does not exist: %s keeps its group",
			 group, path);
	}
	*out = fd;
	return 0;
fail:
	close(fd);
	return ret;
}

static int listen_tcp(const union sockaddr_any *sa, int *out)
{
	socklen_t len = sa->sa.sa_family == AF_INET6 ? sizeof(sa->in6) : sizeof(sa->in4);
	int fd, one = 1, ret;

	fd = socket(sa->sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, &sa->sa, len) < 0 || listen(fd, API_LISTEN_BACKLOG) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	*out = fd;
	return 0;
}

static void on_handle_closed(uv_handle_t *h)
{
	struct api *a = h->data;

	if (--a->open_handles == 0) {
		free(a->socket_path);
		free(a->config_path);
		free(a);
	}
}

static int start_timer(struct api *a, uv_timer_t *t)
{
	int ret = uv_timer_init(a->loop, t);

	if (ret < 0)
		return ret;
	t->data = a;
	a->open_handles++;
	return 0;
}

/* Hand @fd (consumed) to a new MHD daemon driven by the loop. */
static int start_listener(struct api *a, struct api_listener *l, int fd)
{
	const union MHD_DaemonInfo *di;
	int ret;

	l->a = a;
	/* MHD_USE_EPOLL without an internal-thread flag: MHD starts no threads. */
	/* The logger goes first so that MHD reports option errors through it. */
	l->mhd = MHD_start_daemon(
	    MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, l,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, a, MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)API_CONN_LIMIT,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)API_CONN_TIMEOUT_S,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)API_CONN_MEMORY,
	    MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL, MHD_OPTION_NOTIFY_CONNECTION,
	    on_connection, l, MHD_OPTION_NOTIFY_COMPLETED, on_request_done, l, MHD_OPTION_END);
	if (!l->mhd) {
		/*
		 * Whether a failed MHD_start_daemon() closed the listen socket
		 * is version dependent; close it only if it is still open.
		 */
		if (fcntl(fd, F_GETFD) >= 0)
			close(fd);
		return -EIO;
	}
	a->n_ls++;
	di = MHD_get_daemon_info(l->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	if (!di || di->epoll_fd < 0)
		return -EIO;
	ret = uv_timer_init(a->loop, &l->timer);
	if (ret < 0)
		return ret;
	l->timer.data = a;
	a->open_handles++;
	ret = uv_poll_init(a->loop, &l->poll, di->epoll_fd);
	if (ret < 0)
		return ret;
	l->poll.data = a;
	a->open_handles++;
	ret = uv_poll_start(&l->poll, UV_READABLE, on_poll);
	if (ret < 0)
		return ret;
	run_mhd(l);
	return 0;
}

static void free_auth(struct api *a)
{
	jws_ctx_free(a->jws);
	a->jws = NULL;
	if (a->auth) {
		auth_conf_free(a->auth);
		free(a->auth);
		a->auth = NULL;
	}
}

/* Build the verifier from @conf into @a (the old one is kept on failure). */
static int build_auth(struct api *a, const struct conf *conf)
{
	struct auth_conf *ac = xcalloc(1, sizeof(*ac));
	struct jws_ctx *ctx = NULL;
	struct conf_err ce = { 0 };
	char msg[600];
	int ret;

	/* Every API write reloads: ask NSS again only when a group name changed. */
	if (!a->groups_known || strcmp(a->admin_group, conf->api.admin_group) != 0 ||
	    strcmp(a->ro_group, conf->api.readonly_group) != 0) {
		a->have_admin_gid = lookup_group(conf->api.admin_group, &a->admin_gid);
		a->have_ro_gid = lookup_group(conf->api.readonly_group, &a->ro_gid);
		if (conf->api.admin_group[0] && !a->have_admin_gid)
			log_warn(LOG_GRP_API, "admin_group '%s' does not exist",
				 conf->api.admin_group);
		if (conf->api.readonly_group[0] && !a->have_ro_gid)
			log_warn(LOG_GRP_API, "readonly_group '%s' does not exist",
				 conf->api.readonly_group);
		snprintf(a->admin_group, sizeof(a->admin_group), "%s", conf->api.admin_group);
		snprintf(a->ro_group, sizeof(a->ro_group), "%s", conf->api.readonly_group);
		a->groups_known = true;
	}

	/* The old context borrows from the old conf, which the caller is replacing. */
	free_auth(a);
	ret = auth_conf_build(conf, ac, &ce);
	if (ret < 0) {
		log_err(LOG_GRP_API, "token verifier: %s", conf_err_format(&ce, msg, sizeof(msg)));
		free(ac);
		return ret;
	}
	ret = jws_ctx_new(&ac->cfg, &ctx);
	if (ret < 0) {
		log_err(LOG_GRP_API, "token verifier: bad issuer key or audience");
		auth_conf_free(ac);
		free(ac);
		return ret;
	}
	a->auth = ac;
	a->jws = ctx;
	return 0;
}

int api_conf_changed(struct api *a, const struct conf *conf)
{
	struct persist fresh;
	struct audit *au;
	int ret;

	/*
	 * Reopen the audit log: a changed audit_log takes effect, and a rotated
	 * file (renamed away, then SIGHUP) is followed. If it cannot be opened
	 * the old descriptor is kept.
	 */
	au = audit_open(conf->api.audit_log, &ret);
	if (au) {
		audit_close(a->audit);
		a->audit = au;
	} else {
		log_err(LOG_GRP_API, "audit log %s: %s: still writing the old one",
			conf->api.audit_log, strerror(-ret));
	}
	/*
	 * The reload has just loaded 90-api.conf: take it as it is on disk, so an
	 * edit made while omnid was stopped or before a SIGHUP is not overwritten
	 * by the next API write.
	 */
	ret = persist_load(&fresh, a->config_path);
	if (ret == 0) {
		persist_swap(&a->persist, &fresh);
		persist_clear(&fresh);
	} else {
		log_warn(LOG_GRP_API, "re-reading " PERSIST_FILE ": %s", strerror(-ret));
	}
	return build_auth(a, conf);
}

struct api *api_new(uv_loop_t *loop, const struct conf *conf, const char *config_path,
		    const struct api_handlers *h, void *ctx, int *err)
{
	const char *socket_path = conf->api.socket;
	struct api *a;
	char buf[ADDR_STR_MAX];
	int fd = -1, ret;

	a = xcalloc(1, sizeof(*a));
	a->loop = loop;
	a->h = *h;
	a->ctx = ctx;
	a->socket_path = xstrdup(socket_path);
	a->config_path = xstrdup(config_path);

	ret = persist_load(&a->persist, config_path);
	if (ret < 0) {
		log_err(LOG_GRP_API, "conf.d/" PERSIST_FILE ": %s", strerror(-ret));
		goto fail_early;
	}
	a->audit = audit_open(conf->api.audit_log, &ret);
	if (!a->audit) {
		/* Not fatal: the node must come up to be fixed; the log says so loudly. */
		log_err(LOG_GRP_API, "audit log %s: %s: API requests are NOT audited",
			conf->api.audit_log, strerror(-ret));
		a->audit = audit_open("", &ret);
	}
	ret = build_auth(a, conf);
	if (ret < 0)
		goto fail_early;
	a->replay = jws_replay_new(conf->api.replay_cache_size);
	if (!a->replay) {
		ret = -EINVAL;
		goto fail_early;
	}
	ret = listen_unix(socket_path, conf->api.socket_group, &fd);
	if (ret < 0) {
		log_err(LOG_GRP_API, "cannot listen on %s: %s", socket_path, strerror(-ret));
		goto fail_early;
	}

	if ((ret = start_timer(a, &a->replay_timer)) < 0 ||
	    (ret = start_timer(a, &a->shutdown_timer)) < 0)
		goto fail;
	uv_timer_start(&a->replay_timer, on_replay_timer, API_REPLAY_TICK_MS, API_REPLAY_TICK_MS);
	uv_unref((uv_handle_t *)&a->shutdown_timer);

	snprintf(a->ls[0].origin, sizeof(a->ls[0].origin), "http://localhost");
	ret = start_listener(a, &a->ls[0], fd);
	if (ret < 0)
		goto fail;
	if (conf->api.has_listen_tcp) {
		const union sockaddr_any *sa = &conf->api.listen_tcp;
		struct api_listener *l = &a->ls[1];
		unsigned port = ntohs(sa->sa.sa_family == AF_INET6 ? sa->in6.sin6_port
								   : sa->in4.sin_port);

		ret = listen_tcp(sa, &fd);
		if (ret < 0) {
			log_err(LOG_GRP_API, "cannot listen on %s: %s",
				addr_format_endpoint(sa, buf, sizeof(buf)), strerror(-ret));
			goto fail;
		}
		l->tcp = true;
		addr_format_endpoint(sa, buf, sizeof(buf));
		snprintf(l->origin, sizeof(l->origin), "http://%s", buf);
		snprintf(l->hosts[0], sizeof(l->hosts[0]), "%s", buf);
		snprintf(l->hosts[1], sizeof(l->hosts[1]), "localhost:%u", port);
		ret = start_listener(a, l, fd);
		if (ret < 0)
			goto fail;
		log_info(LOG_GRP_API, "control API on %s (token required)", buf);
	}
	log_info(LOG_GRP_API, "control API on %s", socket_path);
	return a;
fail:
	log_err(LOG_GRP_API, "control API on %s: %s", socket_path,
		ret == -EIO ? "libmicrohttpd failed to start" : uv_strerror(ret));
	*err = ret;
	api_free(a);
	return NULL;
fail_early:
	*err = ret;
	jws_replay_free(a->replay);
	free_auth(a);
	audit_close(a->audit);
	persist_clear(&a->persist);
	free(a->socket_path);
	free(a->config_path);
	free(a);
	return NULL;
}

static void close_handle(uv_handle_t *h)
{
	if (h->loop && !uv_is_closing(h))
		uv_close(h, on_handle_closed);
}

void api_free(struct api *a)
{
	bool none;

	if (!a)
		return;
	none = a->open_handles == 0;
	for (size_t i = 0; i < ARRAY_SIZE(a->ls); i++) {
		struct api_listener *l = &a->ls[i];

		/* Stop polling the epoll fd before MHD closes it (libuv poll.rst). */
		close_handle((uv_handle_t *)&l->poll);
		close_handle((uv_handle_t *)&l->timer);
		if (l->mhd) {
			MHD_stop_daemon(l->mhd);
			l->mhd = NULL;
		}
	}
	close_handle((uv_handle_t *)&a->replay_timer);
	close_handle((uv_handle_t *)&a->shutdown_timer);
	if (a->socket_path && unlink(a->socket_path) < 0 && errno != ENOENT)
		log_errno(LOG_GRP_API, "unlink %s", a->socket_path);
	jws_replay_free(a->replay);
	a->replay = NULL;
	free_auth(a);
	audit_close(a->audit);
	a->audit = NULL;
	persist_clear(&a->persist);
	if (none) {
		free(a->socket_path);
		free(a->config_path);
		free(a);
	}
}
