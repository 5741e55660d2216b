/* SPDX-License-Identifier: MIT */
/*
 * api.h - the control API server (STYLE.md §7, spec/agentic-jwt.md B.8):
 * libmicrohttpd in external event-loop mode on the libuv loop, serving /v1/
 * on a UNIX socket that this module creates and, when [api] listen_tcp is
 * set, on a loopback TCP listener. It owns the sockets, the MHD daemons and
 * their uv handles, the per-connection peer credentials, the token verifier
 * context and replay cache, the audit log and the 90-api.conf entries
 * (persist.h). It decides who may call what (SO_PEERCRED + groups, or a
 * DPoP-bound agentic JWT), routes each request through the route table of
 * api_ops.c and audits every mutating request and every refusal. Handlers
 * run on the loop thread and must never block.
 */
#pragma once

/* util.h before uv.h: sys/param.h (pulled in by uv.h) guards its MIN/MAX, util.h does not. */
#include "util.h"
#include <jansson.h>
#include <stdbool.h>
#include <uv.h>

#include "conf.h"

/* Server limits. */
#define API_CONN_LIMIT 64	    /* concurrent connections per listener */
#define API_CONN_TIMEOUT_S 10	    /* idle connection timeout */
#define API_CONN_MEMORY (32 * 1024) /* per-connection MHD pool: headers and read buffer */
#define API_REPLAY_TICK_MS 10000    /* replay-cache expiry timer */

/**
 * Callbacks into the node for the documents it builds itself. Each returns a
 * new JSON reference, or NULL for a 500. A NULL pointer makes its endpoint 404.
 */
struct api_handlers {
	/* GET /v1/status: api_status_encode() output. */
	json_t *(*status)(void *ctx);
	/* GET /v1/dns/names: api_dns_names_encode() output (spec/internal-tld.md). */
	json_t *(*dns_names)(void *ctx);
	/* GET /v1/paths: the SCION path store (daemon/scion.c, docs/scion.md). */
	json_t *(*paths)(void *ctx);
	/* GET /v1/registrations: AERO registrations (daemon/aero.h, docs/aero.md). */
	json_t *(*registrations)(void *ctx);
	/* GET /v1/neighbors: the neighbor cache (daemon/aero.h). */
	json_t *(*neighbors)(void *ctx);
};

struct api;
struct persist;

/** One request as a handler sees it, and its answer. */
struct api_call {
	struct api *api;
	void *ctx;	    /* the node (api_new()'s @ctx) */
	const char *method; /* as received */
	const char *path;   /* as received, not percent-decoded, no query */
	char param[256];    /* the decoded {id}/{name} segment of the route, "" if none */
	const json_t *body; /* the parsed JSON object, or NULL without a body */
	const void *conn;   /* opaque, for api_call_query() */
	/* Answer: exactly one of @resp (JSON, consumed), @text or an error. */
	unsigned status;
	json_t *resp;
	char *text; /* malloc'd, consumed; @text_type its Content-Type */
	const char *text_type;
	const char *err_code; /* API_ERR_* */
	char err_msg[512];
	int err_errno;
};

/** One row of the route table: a path pattern ("{}" = one segment), a method, a handler. */
struct api_route {
	const char *pattern;
	const char *method;
	/* Fill the answer of @c. Return: 0 (answer set) or -errno (500 unless an error is set). */
	int (*fn)(struct api_call *c);
};

/* The table (api_ops.c). The scope of each row comes from jws_scope_for(). */
extern const struct api_route api_routes[];
extern const size_t api_n_routes;

/**
 * api_call_error() - set an error answer: @status, API_ERR_* @code and a
 * printf-style message. Return: 0 (so handlers can `return api_call_error(...)`).
 */
int api_call_error(struct api_call *c, unsigned status, const char *code, const char *fmt, ...)
    PRINTF(4, 5);
/** A query argument of the request ("limit"), raw, or NULL. */
const char *api_call_query(const struct api_call *c, const char *key);
/** The context's handlers given to api_new(). */
const struct api_handlers *api_get_handlers(const struct api *a);
/** The 90-api.conf entries the API owns (persist.h). */
struct persist *api_persist(struct api *a);
/** GET /v1/audit: see audit_tail(). */
int api_audit_tail(struct api *a, size_t limit, json_t **out) WUR;
/** Stop the daemon (SIGTERM to itself) shortly after the current answer has gone out. */
void api_schedule_shutdown(struct api *a);

/**
 * api_new() - serve the API as @conf's [api] section says: the UNIX socket
 * (umask 0117, chmod 0660, group socket_group when that group exists) and the
 * optional loopback TCP listener; open the audit log; build the verifier from
 * the [issuer.*] and [agent.*] sections; read conf.d/90-api.conf next to
 * @config_path. An existing socket file is removed only if connect() to it
 * fails with ECONNREFUSED; if another process answers there, api_new() fails
 * with -EADDRINUSE, and a non-socket file there gives -EEXIST. @h is copied;
 * @ctx and @conf are borrowed until api_free() / the next api_conf_changed().
 *
 * Return: the server (free with api_free()), or NULL with *@err set to a
 * negative errno (-ENAMETOOLONG, -EADDRINUSE, -EEXIST, -EACCES, -EINVAL for a
 * bad issuer key, -EIO if libmicrohttpd refused to start, or a libuv error).
 */
struct api *api_new(uv_loop_t *loop, const struct conf *conf, const char *config_path,
		    const struct api_handlers *h, void *ctx, int *err);

/**
 * api_conf_changed() - the node's configuration was replaced by @conf
 * (reload): rebuild the verifier and the group lookups from it, and reopen
 * the audit log (the old one is kept if @conf's cannot be opened). The
 * listeners and the replay cache stay. On an unusable issuer key every token is refused
 * until the next good reload. Return: 0 or -errno (logged).
 */
int api_conf_changed(struct api *a, const struct conf *conf) WUR;

/**
 * api_free() - stop serving: closes every open connection, the listening
 * sockets and MHD's epoll fds, and removes the socket file. The uv handles are
 * closed with uv_close(); the memory is released from their close callbacks,
 * so the loop must run (uv_run) at least once more afterwards, and before
 * uv_loop_close(). Must not be called from inside a handler. NULL is ignored.
 */
void api_free(struct api *a);
