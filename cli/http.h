/* SPDX-License-Identifier: MIT */
/*
 * http.h - omnictl's transport to the control API: one libcurl request over
 * the daemon's UNIX socket (http://localhost/v1/...), with a timeout, no
 * redirects, HTTP only and a response size cap. Owns nothing across calls;
 * never interprets the documents it carries beyond the error object.
 */
#pragma once

#include <stdio.h>

#include <jansson.h>
#include <stddef.h>
#include "cmd.h"
#include "util.h"

#define HTTP_TIMEOUT_MS 5000

struct http_resp {
	long status; /* HTTP status code */
	char *body;  /* NUL-terminated, owned: http_resp_free() */
	size_t len;
};

/**
 * http_request() - send @method @path (e.g. "/v1/status") with an optional
 * JSON @body to the daemon at @socket_path.
 * Return: 0 with @out filled (any HTTP status), or -1 with a one-line reason
 * in @err (connection refused, timeout, response over API_RESPONSE_MAX...).
 */
int http_request(const char *socket_path, const char *method, const char *path, const char *body,
		 size_t body_len, struct http_resp *out, char *err, size_t errlen) WUR;
void http_resp_free(struct http_resp *r);

/**
 * http_call_json() - http_request() plus the CLI's error policy: prints a
 * message to stderr and returns CLI_EXIT_FAIL if the daemon cannot be
 * reached at o->socket or the answer is not JSON, CLI_EXIT_DAEMON with the
 * daemon's message for a non-2xx answer, or CLI_EXIT_OK with *@out a new
 * JSON reference (json_decref()) and *@raw (if not NULL) the response
 * (http_resp_free()).
 */
int http_call_json(const struct cli_opts *o, const char *method, const char *path, const char *body,
		   size_t body_len, json_t **out, struct http_resp *raw);

/**
 * The common shape of a read-only subcommand "omnictl NAME [--json]":
 * parse --json / --help (printing @usage), GET @path, and with --json print
 * the daemon's document as it came. Returns a CLI_EXIT_* code; *@out is a
 * document for the caller to decode and render (and json_decref) only when
 * the return is CLI_EXIT_OK and *@out is not NULL.
 */
int http_read_view(int argc, char **argv, const struct cli_opts *o, const char *path,
		   void (*usage)(FILE *f), json_t **out);

/**
 * http_call_doc() - one API call with a JSON @body (borrowed, may be NULL
 * for no body) and the CLI's output policy: with @json the daemon's answer
 * is printed as it came and *@out is NULL; otherwise *@out is the answer
 * for the caller to render (json_decref()). Returns a CLI_EXIT_* code as
 * http_call_json() does.
 */
int http_call_doc(const struct cli_opts *o, const char *method, const char *path,
		  const json_t *body, bool json, json_t **out);

/**
 * http_call_text() - GET @path and print a non-JSON answer (metrics) to
 * stdout as it came; an error answer is reported like http_call_json().
 * Returns a CLI_EXIT_* code.
 */
int http_call_text(const struct cli_opts *o, const char *path);
