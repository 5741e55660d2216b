/* SPDX-License-Identifier: MIT */
/*
 * api.h - the control API server (STYLE.md §7): libmicrohttpd in external
 * event-loop mode on the libuv loop, serving /v1/ on a UNIX socket that this
 * module creates. It owns the socket, the MHD daemon, one uv_poll_t on MHD's
 * epoll fd and one uv_timer_t; it authenticates callers by SO_PEERCRED and
 * routes requests to the handlers. Handlers run on the loop thread and must
 * never block. It never interprets the daemon's state itself.
 */
#pragma once

/* util.h before uv.h: sys/param.h (pulled in by uv.h) guards its MIN/MAX, util.h does not. */
#include "util.h"
#include <jansson.h>
#include <uv.h>

/* Server limits. */
#define API_CONN_LIMIT 64	    /* concurrent connections */
#define API_CONN_TIMEOUT_S 10	    /* idle connection timeout */
#define API_CONN_MEMORY (32 * 1024) /* per-connection MHD pool: headers and read buffer */

/**
 * Request handlers, called on the loop thread with the @ctx given to
 * api_new(). Each returns a new JSON reference that the API consumes (sent
 * with 200), or NULL for a 500 "internal_error". A NULL function pointer
 * makes its endpoint answer 404.
 */
struct api_handlers {
	/* GET /v1/status: api_status_encode() output. Later endpoints add members. */
	json_t *(*status)(void *ctx);
	/* GET /v1/dns/names: api_dns_names_encode() output (spec/internal-tld.md). */
	json_t *(*dns_names)(void *ctx);
	/* GET /v1/registrations: AERO registrations (daemon/aero.h, docs/aero.md). */
	json_t *(*registrations)(void *ctx);
	/* GET /v1/neighbors: the neighbor cache (daemon/aero.h). */
	json_t *(*neighbors)(void *ctx);
};

struct api;

/**
 * api_new() - serve the API on the UNIX socket @socket_path.
 *
 * The socket is created with umask 0117 and chmod 0660. An existing socket
 * file is removed only if connect() to it fails with ECONNREFUSED (a stale
 * socket); if another process answers there, api_new() fails with
 * -EADDRINUSE, and a non-socket file there gives -EEXIST. @h is copied;
 * @ctx is borrowed until api_free().
 *
 * Callers are authenticated per connection with SO_PEERCRED: uid 0 and the
 * daemon's own euid may call everything; everyone else gets 401.
 *
 * Return: the server (free with api_free()), or NULL with *@err set to a
 * negative errno (-ENAMETOOLONG, -EADDRINUSE, -EEXIST, -EACCES, -EIO if
 * libmicrohttpd refused to start, or a libuv error).
 */
struct api *api_new(uv_loop_t *loop, const char *socket_path, const struct api_handlers *h,
		    void *ctx, int *err);

/**
 * api_free() - stop serving: closes every open connection, the listening
 * socket and MHD's epoll fd, and removes the socket file. The uv handles are
 * closed with uv_close(); the memory is released from their close callbacks,
 * so the loop must run (uv_run) at least once more afterwards, and before
 * uv_loop_close(). Must not be called from inside a handler. NULL is ignored.
 */
void api_free(struct api *a);
