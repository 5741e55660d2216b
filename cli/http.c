// SPDX-License-Identifier: MIT
/*
 * http.c - libcurl easy-handle requests for omnictl. Each call creates and
 * destroys its own handle; curl_global_init() is main.c's job. Enforces the
 * response cap while receiving, so a misbehaving peer on the socket cannot
 * make omnictl allocate without bound.
 */
#include "http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>

#include "api_schema.h"

struct rxbuf {
	char *p;
	size_t len;
	bool overflow;
};

static size_t on_data(char *data, size_t size, size_t nmemb, void *userdata)
{
	struct rxbuf *b = userdata;
	size_t n = size * nmemb;

	if (n > API_RESPONSE_MAX - b->len) {
		b->overflow = true;
		return 0;
	}
	b->p = xrealloc(b->p, b->len + n + 1);
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return n;
}

int http_request(const char *socket_path, const char *method, const char *path, const char *body,
		 size_t body_len, struct http_resp *out, char *err, size_t errlen)
{
	char url[512], curl_err[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdrs = NULL;
	struct rxbuf b = {0};
	CURLcode rc = CURLE_OK;
	CURL *c;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (snprintf(url, sizeof(url), "http://localhost%s", path) >= (int)sizeof(url)) {
		snprintf(err, errlen, "path too long");
		return -1;
	}
	c = curl_easy_init();
	if (!c) {
		snprintf(err, errlen, "cannot initialise libcurl");
		return -1;
	}
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	if (body)
		hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	/* No "Expect: 100-continue" round trip for small local bodies. */
	hdrs = curl_slist_append(hdrs, "Expect:");

#define SETOPT(opt, val)                                                                           \
	do {                                                                                       \
		if (rc == CURLE_OK)                                                                \
			rc = curl_easy_setopt(c, opt, val);                                        \
	} while (0)
	SETOPT(CURLOPT_URL, url);
	SETOPT(CURLOPT_UNIX_SOCKET_PATH, socket_path);
	SETOPT(CURLOPT_PROTOCOLS_STR, "http");
	SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_TIMEOUT_MS, (long)HTTP_TIMEOUT_MS);
	SETOPT(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)API_RESPONSE_MAX);
	SETOPT(CURLOPT_USERAGENT, "omnictl/" OMNID_VERSION);
	SETOPT(CURLOPT_HTTPHEADER, hdrs);
	SETOPT(CURLOPT_WRITEFUNCTION, on_data);
	SETOPT(CURLOPT_WRITEDATA, &b);
	SETOPT(CURLOPT_ERRORBUFFER, curl_err);
	SETOPT(CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		SETOPT(CURLOPT_NOBODY, 1L);
	if (body) {
		SETOPT(CURLOPT_POSTFIELDS, body);
		SETOPT(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
	}
#undef SETOPT
	if (rc == CURLE_OK)
		rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		long os_err = 0;

		if (rc == CURLE_COULDNT_CONNECT)
			curl_easy_getinfo(c, CURLINFO_OS_ERRNO, &os_err);
		if (b.overflow || rc == CURLE_FILESIZE_EXCEEDED)
			snprintf(err, errlen, "response larger than %d octets", API_RESPONSE_MAX);
		else if (os_err > 0)
			/* curl's own text names "localhost port 80", which misleads for a socket.
			 */
			snprintf(err, errlen, "%s", strerror((int)os_err));
		else
			snprintf(err, errlen, "%s",
				 curl_err[0] ? curl_err : curl_easy_strerror(rc));
		free(b.p);
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
	out->body = b.p ? b.p : xstrdup("");
	out->len = b.len;
	ret = 0;
out:
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	return ret;
}

void http_resp_free(struct http_resp *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

int http_call_json(const struct cli_opts *o, const char *method, const char *path, const char *body,
		   size_t body_len, json_t **out, struct http_resp *raw)
{
	char err[256], code[API_ERROR_CODE_MAX], msg[512];
	struct http_resp r;
	json_t *j = NULL;
	int ret;

	*out = NULL;
	if (http_request(o->socket, method, path, body, body_len, &r, err, sizeof(err)) < 0) {
		fprintf(stderr, "omnictl: cannot reach omnid at %s: %s\n", o->socket, err);
		return CLI_EXIT_FAIL;
	}
	ret = api_json_parse(r.body, r.len, &j, err, sizeof(err));
	if (r.status < 200 || r.status > 299) {
		if (ret == 0 && api_error_decode(j, code, sizeof(code), msg, sizeof(msg)) == 0)
			fprintf(stderr, "omnictl: omnid: %s (%s, HTTP %ld)\n", msg[0] ? msg : code,
				code, r.status);
		else
			fprintf(stderr, "omnictl: omnid answered HTTP %ld\n", r.status);
		json_decref(j);
		http_resp_free(&r);
		return CLI_EXIT_DAEMON;
	}
	if (ret < 0) {
		fprintf(stderr, "omnictl: bad answer from omnid at %s: %s\n", o->socket, err);
		http_resp_free(&r);
		return CLI_EXIT_FAIL;
	}
	*out = j;
	if (raw)
		*raw = r;
	else
		http_resp_free(&r);
	return CLI_EXIT_OK;
}

int http_read_view(int argc, char **argv, const struct cli_opts *o, const char *path,
		   void (*usage)(FILE *f), json_t **out)
{
	bool json = false;

	*out = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (cli_is_help(argv[i])) {
			usage(stdout);
			return CLI_EXIT_OK;
		} else {
			fprintf(stderr, "omnictl: %s: unknown argument '%s'\n", argv[0], argv[i]);
			usage(stderr);
			return CLI_EXIT_FAIL;
		}
	}
	return http_call_doc(o, "GET", path, NULL, json, out);
}

int http_call_doc(const struct cli_opts *o, const char *method, const char *path,
		  const json_t *body, bool json, json_t **out)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_t *j;
	int ret;

	*out = NULL;
	if (body && !text) {
		fprintf(stderr, "omnictl: cannot encode the request\n");
		return CLI_EXIT_FAIL;
	}
	ret = http_call_json(o, method, path, text, text ? strlen(text) : 0, &j, NULL);
	free(text);
	if (ret != CLI_EXIT_OK)
		return ret;
	if (!json) {
		*out = j;
		return CLI_EXIT_OK;
	}
	/* The daemon's document as it came, unknown members included. */
	ret = json_dumpf(j, stdout, JSON_INDENT(2)) == 0 && fputc('\n', stdout) != EOF
		  ? CLI_EXIT_OK
		  : CLI_EXIT_FAIL;
	json_decref(j);
	return ret;
}

int http_call_text(const struct cli_opts *o, const char *path)
{
	char err[256], code[API_ERROR_CODE_MAX], msg[512];
	struct http_resp r;
	json_t *j = NULL;
	int ret = CLI_EXIT_OK;

	if (http_request(o->socket, "GET", path, NULL, 0, &r, err, sizeof(err)) < 0) {
		fprintf(stderr, "omnictl: cannot reach omnid at %s: %s\n", o->socket, err);
		return CLI_EXIT_FAIL;
	}
	if (r.status < 200 || r.status > 299) {
		if (api_json_parse(r.body, r.len, &j, err, sizeof(err)) == 0 &&
		    api_error_decode(j, code, sizeof(code), msg, sizeof(msg)) == 0)
			fprintf(stderr, "omnictl: omnid: %s (%s, HTTP %ld)\n", msg[0] ? msg : code,
				code, r.status);
		else
			fprintf(stderr, "omnictl: omnid answered HTTP %ld\n", r.status);
		json_decref(j);
		ret = CLI_EXIT_DAEMON;
	} else if (fwrite(r.body, 1, r.len, stdout) != r.len || fflush(stdout) != 0) {
		ret = CLI_EXIT_FAIL;
	}
	http_resp_free(&r);
	return ret;
}
