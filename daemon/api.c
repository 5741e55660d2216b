// SPDX-License-Identifier: MIT
/*
 * api.c - libmicrohttpd glue for the control API. Owns the listening UNIX
 * socket (until MHD takes it), the MHD daemon, the uv handles that drive it,
 * the per-connection peer credentials and the per-request body buffers.
 * Routing is a table of (path, method, handler); every answer is JSON, errors
 * use the api_schema error object. Never blocks and never calls MHD from
 * outside the loop thread.
 */
#include "api.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <microhttpd.h>

#include "api_schema.h"
#include "log.h"

#define API_LISTEN_BACKLOG 64
/*
 * libmicrohttpd 0.9.75 accepts a response only right after the headers or
 * after the whole body, so an over-long chunked body is read and dropped up
 * to this much before the connection is cut without an answer.
 */
#define API_DISCARD_MAX (1024 * 1024)

#define TOO_LARGE_MSG "request body over 65536 octets"
_Static_assert(API_REQUEST_BODY_MAX == 65536, "update TOO_LARGE_MSG");

struct api {
	uv_loop_t *loop;
	struct MHD_Daemon *mhd;
	uv_poll_t poll;
	uv_timer_t timer;
	unsigned int open_handles; /* freed when this drops to 0 after api_free() */
	struct api_handlers h;
	void *ctx;
	char *socket_path;
	uid_t euid;
};

/* Per connection (MHD socket context): the caller's credentials, read once. */
struct api_conn {
	struct ucred cred;
	bool have_cred;
};

/* Per request (MHD request context). */
struct api_req {
	char *body;
	size_t len;
	size_t discarded; /* octets dropped after the body went over the limit */
	bool too_large;
	bool responded; /* a response is queued: discard the rest of the body */
};

enum route_id { ROUTE_STATUS, ROUTE_DNS_NAMES, ROUTE_REGISTRATIONS, ROUTE_NEIGHBORS };

static const struct route {
	const char *path;
	const char *method;
	enum route_id id;
} routes[] = {
    {API_PATH_STATUS, MHD_HTTP_METHOD_GET, ROUTE_STATUS},
    {API_PATH_STATUS, MHD_HTTP_METHOD_HEAD, ROUTE_STATUS},
    {API_PATH_DNS_NAMES, MHD_HTTP_METHOD_GET, ROUTE_DNS_NAMES},
    {API_PATH_DNS_NAMES, MHD_HTTP_METHOD_HEAD, ROUTE_DNS_NAMES},
    {API_PATH_REGISTRATIONS, MHD_HTTP_METHOD_GET, ROUTE_REGISTRATIONS},
    {API_PATH_NEIGHBORS, MHD_HTTP_METHOD_GET, ROUTE_NEIGHBORS},
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
	if (a->mhd)
		log_remote(LOG_GRP_API, "libmicrohttpd: %s", buf);
	else
		log_warn(LOG_GRP_API, "libmicrohttpd: %s", buf);
}

/* Consumes @j. */
static enum MHD_Result send_json(struct MHD_Connection *c, unsigned int status, json_t *j,
				 const char *hdr, const char *hdr_value)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char *s = json_dumps(j, JSON_COMPACT);
	size_t n;

	json_decref(j);
	if (!s)
		return MHD_NO;
	n = strlen(s);
	s = xrealloc(s, n + 2);
	s[n++] = '\n';
	s[n] = '\0';
	resp = MHD_create_response_from_buffer(n, s, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(s);
		return MHD_NO;
	}
	if (MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json") !=
		MHD_YES ||
	    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store") != MHD_YES ||
	    (hdr && MHD_add_response_header(resp, hdr, hdr_value) != MHD_YES)) {
		MHD_destroy_response(resp);
		return MHD_NO;
	}
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
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

static bool authorized(const struct api *a, const struct api_conn *ac)
{
	/* Token authentication for other callers is a later addition (spec/agentic-jwt.md B.8). */
	return ac && ac->have_cred && (ac->cred.uid == 0 || ac->cred.uid == a->euid);
}

static enum MHD_Result dispatch(struct api *a, struct MHD_Connection *c, const char *url,
				const char *method, struct api_req *r)
{
	const struct route *rt = NULL;
	char allow[64] = "";
	bool path_known = false;
	json_t *j = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(routes); i++) {
		if (strcmp(routes[i].path, url) != 0)
			continue;
		path_known = true;
		if (strcmp(routes[i].method, method) == 0) {
			rt = &routes[i];
			break;
		}
		if (strlen(allow) + strlen(routes[i].method) + 3 < sizeof(allow))
			snprintf(allow + strlen(allow), sizeof(allow) - strlen(allow), "%s%s",
				 allow[0] ? ", " : "", routes[i].method);
	}
	if (!path_known)
		return send_error(c, r, MHD_HTTP_NOT_FOUND, API_ERR_NOT_FOUND, "no such endpoint",
				  0, NULL, NULL);
	if (!rt)
		return send_error(c, r, MHD_HTTP_METHOD_NOT_ALLOWED, API_ERR_METHOD_NOT_ALLOWED,
				  "method not allowed", 0, MHD_HTTP_HEADER_ALLOW, allow);

	switch (rt->id) {
	case ROUTE_STATUS:
		if (!a->h.status)
			return send_error(c, r, MHD_HTTP_NOT_FOUND, API_ERR_NOT_FOUND,
					  "no such endpoint", 0, NULL, NULL);
		j = a->h.status(a->ctx);
		break;
	case ROUTE_DNS_NAMES:
		if (!a->h.dns_names)
			return send_error(c, r, MHD_HTTP_NOT_FOUND, API_ERR_NOT_FOUND,
					  "no such endpoint", 0, NULL, NULL);
		j = a->h.dns_names(a->ctx);
		break;
	case ROUTE_REGISTRATIONS:
		if (!a->h.registrations)
			return send_error(c, r, MHD_HTTP_NOT_FOUND, API_ERR_NOT_FOUND,
					  "no such endpoint", 0, NULL, NULL);
		j = a->h.registrations(a->ctx);
		break;
	case ROUTE_NEIGHBORS:
		if (!a->h.neighbors)
			return send_error(c, r, MHD_HTTP_NOT_FOUND, API_ERR_NOT_FOUND,
					  "no such endpoint", 0, NULL, NULL);
		j = a->h.neighbors(a->ctx);
		break;
	}
	if (!j)
		return send_error(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR, API_ERR_INTERNAL,
				  "handler failed", 0, NULL, NULL);
	r->responded = true;
	return send_json(c, MHD_HTTP_OK, j, NULL, NULL);
}

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

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_size, void **req_cls)
{
	struct api *a = cls;
	struct api_req *r = *req_cls;

	(void)version;
	if (!r) {
		struct api_conn *ac = conn_ctx(c);

		r = xcalloc(1, sizeof(*r));
		*req_cls = r;
		if (!authorized(a, ac)) {
			log_debug(LOG_GRP_API, "%s %s from uid %ld: not authorized", method, url,
				  ac && ac->have_cred ? (long)ac->cred.uid : -1L);
			return send_error(c, r, MHD_HTTP_UNAUTHORIZED, API_ERR_INVALID_TOKEN,
					  "authentication required", 0,
					  MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					  "DPoP algs=\"EdDSA ES256\"");
		}
		if (declared_too_large(c))
			return send_error(c, r, MHD_HTTP_CONTENT_TOO_LARGE, API_ERR_TOO_LARGE,
					  TOO_LARGE_MSG, 0, NULL, NULL);
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
	return dispatch(a, c, url, method, r);
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

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
			  enum MHD_ConnectionNotificationCode toe)
{
	const union MHD_ConnectionInfo *ci;
	struct api_conn *ac;
	socklen_t len;

	(void)cls;
	switch (toe) {
	case MHD_CONNECTION_NOTIFY_STARTED:
		ac = xcalloc(1, sizeof(*ac));
		*socket_ctx = ac;
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		len = sizeof(ac->cred);
		if (ci &&
		    getsockopt(ci->connect_fd, SOL_SOCKET, SO_PEERCRED, &ac->cred, &len) == 0 &&
		    len == sizeof(ac->cred))
			ac->have_cred = true;
		else
			log_errno(LOG_GRP_API, "SO_PEERCRED");
		break;
	case MHD_CONNECTION_NOTIFY_CLOSED:
		free(*socket_ctx);
		*socket_ctx = NULL;
		break;
	}
}

static void on_timer(uv_timer_t *t);

static unsigned int mhd_connections(struct MHD_Daemon *d)
{
	const union MHD_DaemonInfo *di =
	    MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

	return di ? di->num_connections : 0;
}

/* Let MHD do its work, then re-arm the timer for its next deadline. */
static void run_mhd(struct api *a)
{
	MHD_UNSIGNED_LONG_LONG ms;
	unsigned int before;

	if (!a->mhd)
		return;
	before = mhd_connections(a->mhd);
	if (MHD_run(a->mhd) != MHD_YES)
		log_debug(LOG_GRP_API, "MHD_run failed");
	/*
	 * At the connection limit MHD takes the listening socket out of its
	 * epoll set and puts it back only at the start of a later MHD_run().
	 * If this run closed connections, nothing would wake us for that
	 * (measured with 0.9.75: the server stopped accepting), so run again
	 * right away.
	 */
	if (mhd_connections(a->mhd) < before)
		ms = 0;
	else if (MHD_get_timeout(a->mhd, &ms) != MHD_YES) {
		uv_timer_stop(&a->timer);
		return;
	}
	uv_timer_start(&a->timer, on_timer, (uint64_t)ms, 0);
}

static void on_timer(uv_timer_t *t)
{
	run_mhd(container_of(t, struct api, timer));
}

static void on_poll(uv_poll_t *p, int status, int events)
{
	struct api *a = container_of(p, struct api, poll);

	(void)events;
	if (status < 0)
		log_warn(LOG_GRP_API, "poll: %s", uv_strerror(status));
	run_mhd(a);
}

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

static int listen_unix(const char *path, int *out)
{
	struct sockaddr_un sun;
	mode_t old;
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
	*out = fd;
	return 0;
fail:
	close(fd);
	return ret;
}

static void on_handle_closed(uv_handle_t *h)
{
	struct api *a = h->data;

	if (--a->open_handles == 0) {
		free(a->socket_path);
		free(a);
	}
}

struct api *api_new(uv_loop_t *loop, const char *socket_path, const struct api_handlers *h,
		    void *ctx, int *err)
{
	const union MHD_DaemonInfo *di;
	struct api *a;
	int fd = -1, ret;

	ret = listen_unix(socket_path, &fd);
	if (ret < 0) {
		log_err(LOG_GRP_API, "cannot listen on %s: %s", socket_path, strerror(-ret));
		*err = ret;
		return NULL;
	}

	a = xcalloc(1, sizeof(*a));
	a->loop = loop;
	a->h = *h;
	a->ctx = ctx;
	a->euid = geteuid();
	a->socket_path = xstrdup(socket_path);

	/* MHD_USE_EPOLL without an internal-thread flag: MHD starts no threads. */
	/* The logger goes first so that MHD reports option errors through it. */
	a->mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, a,
				  MHD_OPTION_EXTERNAL_LOGGER, mhd_log, a, MHD_OPTION_LISTEN_SOCKET,
				  fd, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)API_CONN_LIMIT,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)API_CONN_TIMEOUT_S,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)API_CONN_MEMORY,
				  MHD_OPTION_NOTIFY_CONNECTION, on_connection, a,
				  MHD_OPTION_NOTIFY_COMPLETED, on_request_done, a, MHD_OPTION_END);
	if (!a->mhd) {
		/*
		 * Whether a failed MHD_start_daemon() closed the listen socket
		 * is version dependent; close it only if it is still open.
		 */
		if (fcntl(fd, F_GETFD) >= 0)
			close(fd);
		ret = -EIO;
		goto fail;
	}
	di = MHD_get_daemon_info(a->mhd, MHD_DAEMON_INFO_EPOLL_FD);
	if (!di || di->epoll_fd < 0) {
		ret = -EIO;
		goto fail;
	}
	ret = uv_timer_init(loop, &a->timer);
	if (ret < 0)
		goto fail;
	a->timer.data = a;
	a->open_handles++;
	ret = uv_poll_init(loop, &a->poll, di->epoll_fd);
	if (ret < 0)
		goto fail;
	a->poll.data = a;
	a->open_handles++;
	ret = uv_poll_start(&a->poll, UV_READABLE, on_poll);
	if (ret < 0)
		goto fail;
	run_mhd(a);
	log_info(LOG_GRP_API, "control API on %s", socket_path);
	return a;
fail:
	log_err(LOG_GRP_API, "control API on %s: %s", socket_path,
		ret == -EIO ? "libmicrohttpd failed to start" : uv_strerror(ret));
	*err = ret;
	if (a->open_handles) {
		api_free(a);
	} else {
		if (a->mhd)
			MHD_stop_daemon(a->mhd);
		unlink(a->socket_path);
		free(a->socket_path);
		free(a);
	}
	return NULL;
}

void api_free(struct api *a)
{
	if (!a)
		return;
	/* Stop polling the epoll fd before MHD closes it (libuv poll.rst). */
	if (a->poll.loop && !uv_is_closing((uv_handle_t *)&a->poll))
		uv_close((uv_handle_t *)&a->poll, on_handle_closed);
	if (a->timer.loop && !uv_is_closing((uv_handle_t *)&a->timer))
		uv_close((uv_handle_t *)&a->timer, on_handle_closed);
	if (a->mhd) {
		MHD_stop_daemon(a->mhd);
		a->mhd = NULL;
	}
	if (a->socket_path && unlink(a->socket_path) < 0 && errno != ENOENT)
		log_errno(LOG_GRP_API, "unlink %s", a->socket_path);
}
