// SPDX-License-Identifier: MIT
/*
 * test_api.c - daemon/api on a real libuv loop and UNIX socket, with a raw
 * HTTP/1.1 client in a second thread: routing (404, 405 with Allow), the
 * error object, body limits (413 declared and chunked), 415, percent-encoded
 * path segments, the tokenless rules (uid 0 = admin; as another uid, 401 with
 * the DPoP challenge), Bearer refused, refusals audited, GET /v1/audit and
 * /v1/log through the route table, the stale-socket rule, and api_free()
 * leaving no handle behind (uv_loop_close() == 0).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "api.h"
#include "conf.h"

static char dir[64], sock_path[96];

struct client {
	const char *req;
	size_t req_len;
	char resp[16384];
	size_t len;
	atomic_bool done;
};

static void *client_main(void *p)
{
	struct client *cl = p;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ssize_t n;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock_path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		size_t off = 0;

		while (off < cl->req_len && (n = write(fd, cl->req + off, cl->req_len - off)) > 0)
			off += (size_t)n;
		while (cl->len < sizeof(cl->resp) - 1 &&
		       (n = read(fd, cl->resp + cl->len, sizeof(cl->resp) - 1 - cl->len)) > 0)
			cl->len += (size_t)n;
	}
	cl->resp[cl->len] = '\0';
	if (fd >= 0)
		close(fd);
	atomic_store(&cl->done, true);
	return NULL;
}

static json_t *status_stub(void *ctx)
{
	(void)ctx;
	return json_pack("{s:s}", "node", "unit");
}

static uv_loop_t loop;
static struct api *api;

static void setup(void)
{
	struct api_handlers h = { .status = status_stub };
	struct conf c;
	char cfg[128];
	int err = 0;

	snprintf(dir, sizeof(dir), "/tmp/omnid-api.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(sock_path, sizeof(sock_path), "%s/api.sock", dir);
	snprintf(cfg, sizeof(cfg), "%s/omnid.conf", dir);
	conf_init(&c);
	snprintf(c.api.socket, sizeof(c.api.socket), "%s", sock_path);
	snprintf(c.api.audit_log, sizeof(c.api.audit_log), "%s/audit.log", dir);
	snprintf(c.api.audience, sizeof(c.api.audience), "urn:omnid:unit");
	c.api.socket_group[0] = '\0';
	cr_assert_eq(uv_loop_init(&loop), 0);
	api = api_new(&loop, &c, cfg, &h, NULL, &err);
	cr_assert_not_null(api, "api_new: %s", strerror(-err));
	conf_free(&c);
}

static void teardown(void)
{
	char cmd[128];

	api_free(api);
	uv_run(&loop, UV_RUN_DEFAULT);
	cr_assert_eq(uv_loop_close(&loop), 0, "a uv handle was left open");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

/* Send @req (Connection: close) and run the loop until the answer is in. */
static const char *roundtrip(struct client *cl, const char *req, size_t len)
{
	pthread_t t;

	memset(cl, 0, sizeof(*cl));
	cl->req = req;
	cl->req_len = len;
	cr_assert_eq(pthread_create(&t, NULL, client_main, cl), 0);
	for (int i = 0; i < 20000 && !atomic_load(&cl->done); i++) {
		uv_run(&loop, UV_RUN_NOWAIT);
		usleep(200);
	}
	pthread_join(t, NULL);
	cr_assert(atomic_load(&cl->done));
	return cl->resp;
}

static const char *req(struct client *cl, const char *text)
{
	return roundtrip(cl, text, strlen(text));
}

static int status_of(const char *resp)
{
	int s = 0;

	if (sscanf(resp, "HTTP/1.1 %d", &s) != 1)
		return -1;
	return s;
}

static const char *body_of(const char *resp)
{
	const char *b = strstr(resp, "\r\n\r\n");

	return b ? b + 4 : "";
}

#define CLOSE "Host: localhost\r\nConnection: close\r\n"

TestSuite(api, .init = setup, .fini = teardown, .timeout = 30);

Test(api, socket_mode)
{
	struct stat st;

	cr_assert_eq(stat(sock_path, &st), 0);
	cr_assert(S_ISSOCK(st.st_mode));
	cr_assert_eq(st.st_mode & 0777, 0660);
}

Test(api, tokenless_by_uid)
{
	struct client cl;
	const char *r = req(&cl, "GET /v1/status HTTP/1.1\r\n" CLOSE "\r\n");

	if (geteuid() != 0) {
		/* Not uid 0 and no admin group configured: a token is required. */
		cr_assert_eq(status_of(r), 401, "%s", r);
		cr_assert_not_null(strstr(r, "WWW-Authenticate: DPoP algs=\"EdDSA ES256\""));
		cr_assert_not_null(strstr(body_of(r), "\"code\":\"invalid_token\""));
		return;
	}
	cr_assert_eq(status_of(r), 200, "%s", r);
	cr_assert_str_eq(body_of(r), "{\"node\":\"unit\"}\n");
	cr_assert_not_null(strstr(r, "Content-Type: application/json"));
	cr_assert_not_null(strstr(r, "Cache-Control: no-store"));
}

Test(api, routing_and_errors)
{
	struct client cl;
	const char *r;

	if (geteuid() != 0)
		cr_skip_test("needs uid 0 (tokenless admin)");
	r = req(&cl, "GET /v1/nothing HTTP/1.1\r\n" CLOSE "\r\n");
	cr_assert_eq(status_of(r), 404, "%s", r);
	cr_assert_str_eq(body_of(r), "{\"error\":{\"code\":\"not_found\",\"message\":\"no such "
				     "endpoint\",\"errno\":0}}\n");
	r = req(&cl, "DELETE /v1/log HTTP/1.1\r\n" CLOSE "\r\n");
	cr_assert_eq(status_of(r), 405, "%s", r);
	cr_assert_not_null(strstr(r, "Allow: GET, PUT\r\n"), "%s", r);
	r = req(&cl, "HEAD /v1/status HTTP/1.1\r\n" CLOSE "\r\n");
	cr_assert_eq(status_of(r), 200, "%s", r);
	cr_assert_str_eq(body_of(r), "");
	r = req(&cl, "GET /v1/servers HTTP/1.1\r\n" CLOSE "\r\n");
	cr_assert_eq(status_of(r), 200);
	cr_assert_str_eq(body_of(r), "{\"servers\":[]}\n");
	r = req(&cl, "GET /v1/log HTTP/1.1\r\n" CLOSE "\r\n");
	cr_assert_eq(status_of(r), 200);
	cr_assert_not_null(strstr(body_of(r), "\"debug\":[]"), "%s", r);
	/* {name} segments: a %2F or NUL inside is refused, not matched across segments. */
	r = req(&cl, "DELETE /v1/dns/names/a%2Fb HTTP/1.1\r\n" CLOSE "\r\n");
	cr_assert_eq(status_of(r), 400, "%s", r);
	r = req(&cl, "DELETE /v1/dns/names/a%00 HTTP/1.1\r\n" CLOSE "\r\n");
	cr_assert_eq(status_of(r), 400, "%s", r);
	r = req(&cl, "DELETE /v1/dns/names/a/b HTTP/1.1\r\n" CLOSE "\r\n");
	cr_assert_eq(status_of(r), 404, "%s", r);
}

Test(api, body_limits)
{
	struct client cl;
	const char *r;
	char *big;
	size_t n;

	if (geteuid() != 0)
		cr_skip_test("needs uid 0 (tokenless admin)");
	r = req(&cl, "PUT /v1/log HTTP/1.1\r\n" CLOSE "Content-Length: 65537\r\n\r\n");
	cr_assert_eq(status_of(r), 413, "%s", r);
	r = req(&cl, "PUT /v1/log HTTP/1.1\r\n" CLOSE "Content-Length: 99999999999999999999999\r\n\r\n");
	cr_assert(status_of(r) == 413 || status_of(r) == 400, "%s", r);
	r = req(&cl, "PUT /v1/log HTTP/1.1\r\n" CLOSE
		     "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}");
	cr_assert_eq(status_of(r), 415, "%s", r);
	r = req(&cl, "PUT /v1/log HTTP/1.1\r\n" CLOSE
		     "Content-Type: application/json\r\nContent-Length: 5\r\n\r\n{\"a\":");
	cr_assert_eq(status_of(r), 400, "%s", r);
	cr_assert_not_null(strstr(body_of(r), "invalid_request"));
	r = req(&cl, "PUT /v1/log HTTP/1.1\r\n" CLOSE
		     "Content-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"level\":\"loud\"}");
	cr_assert_eq(status_of(r), 400, "%s", r);
	cr_assert_not_null(strstr(body_of(r), "level: 'loud'"), "%s", r);

	/* A chunked body over the limit: 413 after it has been read. */
	big = malloc(80000);
	cr_assert_not_null(big);
	n = (size_t)sprintf(big, "PUT /v1/log HTTP/1.1\r\n" CLOSE
				 "Transfer-Encoding: chunked\r\n\r\n%x\r\n", 70000);
	memset(big + n, ' ', 70000);
	n += 70000;
	n += (size_t)sprintf(big + n, "\r\n0\r\n\r\n");
	r = roundtrip(&cl, big, n);
	cr_assert_eq(status_of(r), 413, "%s", r);
	free(big);
}

Test(api, bearer_and_bad_tokens_refused_and_audited)
{
	struct client cl;
	const char *r;
	json_t *j;

	r = req(&cl, "GET /v1/status HTTP/1.1\r\n" CLOSE "Authorization: Bearer abc\r\n\r\n");
	cr_assert_eq(status_of(r), 401, "%s", r);
	cr_assert_not_null(strstr(r, "WWW-Authenticate: DPoP algs=\"EdDSA ES256\""));
	/* uid 0 with a bad token: judged by the token alone (no issuers: refused). */
	r = req(&cl, "GET /v1/status HTTP/1.1\r\n" CLOSE
		     "Authorization: DPoP a.b.c\r\nDPoP: x.y.z\r\n\r\n");
	cr_assert_eq(status_of(r), 401, "%s", r);
	cr_assert_not_null(strstr(body_of(r), "invalid_token"), "%s", r);
	if (geteuid() != 0)
		return;
	r = req(&cl, "GET /v1/audit?limit=2 HTTP/1.1\r\n" CLOSE "\r\n");
	cr_assert_eq(status_of(r), 200, "%s", r);
	j = json_loads(body_of(r), 0, NULL);
	cr_assert_not_null(j);
	cr_assert_eq(json_array_size(json_object_get(j, "records")), 2);
	cr_assert_str_eq(json_string_value(json_object_get(
			     json_array_get(json_object_get(j, "records"), 0), "reason")),
			 "bearer");
	cr_assert_str_eq(json_string_value(json_object_get(
			     json_array_get(json_object_get(j, "records"), 1), "decision")),
			 "deny");
	json_decref(j);
	r = req(&cl, "GET /v1/audit?limit=0 HTTP/1.1\r\n" CLOSE "\r\n");
	cr_assert_eq(status_of(r), 400, "%s", r);
}

Test(api, second_server_refused)
{
	struct api_handlers h = { .status = status_stub };
	struct conf c;
	int err = 0;

	conf_init(&c);
	snprintf(c.api.socket, sizeof(c.api.socket), "%s", sock_path);
	snprintf(c.api.audience, sizeof(c.api.audience), "urn:omnid:unit");
	c.api.audit_log[0] = '\0';
	/* Somebody answers on the socket: it is not stale, so it is not removed. */
	cr_assert_null(api_new(&loop, &c, "/nonexistent/omnid.conf", &h, NULL, &err));
	cr_assert_eq(err, -EADDRINUSE);
	conf_free(&c);
}

/* The last line of the audit log, or NULL. */
static char *audit_last_line(void)
{
	char path[128], *buf = calloc(1, 1 << 20), *nl;
	FILE *f;
	size_t n;

	cr_assert_not_null(buf);
	snprintf(path, sizeof(path), "%s/audit.log", dir);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	n = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	nl = strrchr(buf, '\n');
	if (nl)
		memmove(buf, nl + 1, strlen(nl + 1) + 1);
	return buf;
}

/*
 * An unauthenticated refusal must not let the caller choose how much the
 * audit log grows: a long request path is recorded cut to a bounded length.
 */
Test(api, audit_path_bounded)
{
	struct client cl;
	const char *r;
	char *text = malloc(16384), *line;
	json_t *j;
	size_t n;

	cr_assert_not_null(text);
	n = (size_t)sprintf(text, "GET /v1/");
	memset(text + n, 'x', 12000);
	n += 12000;
	n += (size_t)sprintf(text + n, " HTTP/1.1\r\n" CLOSE "Authorization: Bearer abc\r\n\r\n");
	r = roundtrip(&cl, text, n);
	cr_assert_eq(status_of(r), 401, "%s", r);
	line = audit_last_line();
	cr_assert_lt(strlen(line), 1024, "audit line of %zu octets", strlen(line));
	j = json_loads(line, 0, NULL);
	cr_assert_not_null(j, "%s", line);
	cr_assert_str_eq(json_string_value(json_object_get(j, "reason")), "bearer");
	cr_assert_eq(strncmp(json_string_value(json_object_get(j, "path")), "/v1/xxx", 7), 0);
	json_decref(j);
	free(line);
	free(text);
}

/* A reload reopens the audit log: after a rotation (rename + SIGHUP) records go to the new file. */
Test(api, audit_reopened_on_reload)
{
	struct client cl;
	struct conf c;
	char cur[128], old[128], *line;
	const char *r;
	struct stat st;
	off_t old_size;

	snprintf(cur, sizeof(cur), "%s/audit.log", dir);
	snprintf(old, sizeof(old), "%s/audit.log.1", dir);
	r = req(&cl, "GET /v1/status HTTP/1.1\r\n" CLOSE "Authorization: Bearer one\r\n\r\n");
	cr_assert_eq(status_of(r), 401, "%s", r);
	cr_assert_eq(rename(cur, old), 0);
	cr_assert_eq(stat(old, &st), 0);
	old_size = st.st_size;
	conf_init(&c);
	snprintf(c.api.socket, sizeof(c.api.socket), "%s", sock_path);
	snprintf(c.api.audit_log, sizeof(c.api.audit_log), "%s", cur);
	snprintf(c.api.audience, sizeof(c.api.audience), "urn:omnid:unit");
	c.api.socket_group[0] = '\0';
	cr_assert_eq(api_conf_changed(api, &c), 0);
	r = req(&cl, "GET /v1/stats HTTP/1.1\r\n" CLOSE "Authorization: Bearer two\r\n\r\n");
	cr_assert_eq(status_of(r), 401, "%s", r);
	cr_assert_eq(stat(old, &st), 0);
	cr_assert_eq(st.st_size, old_size, "the rotated file grew");
	line = audit_last_line();
	cr_assert_not_null(strstr(line, "\"path\":\"/v1/stats\""), "%s", line);
	free(line);
	/* An unopenable audit_log on reload: the open one is kept. */
	snprintf(c.api.audit_log, sizeof(c.api.audit_log), "%s/no/such/dir/audit.log", dir);
	cr_assert_eq(api_conf_changed(api, &c), 0);
	r = req(&cl, "GET /v1/interfaces HTTP/1.1\r\n" CLOSE "Authorization: Bearer 3\r\n\r\n");
	cr_assert_eq(status_of(r), 401, "%s", r);
	line = audit_last_line();
	cr_assert_not_null(strstr(line, "\"path\":\"/v1/interfaces\""), "%s", line);
	free(line);
	conf_free(&c);
}
