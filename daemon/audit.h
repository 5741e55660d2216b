/* SPDX-License-Identifier: MIT */
/*
 * audit.h - the control API's audit log (spec/agentic-jwt.md B.8.3 step 9):
 * one JSON object per line, appended with O_APPEND to [api] audit_log before
 * the answer is sent, and read back for GET /v1/audit. Owns the file
 * descriptor. Never records a token or a proof: callers build the record
 * from struct jws_result and the request, never from the raw headers.
 */
#pragma once

#include <jansson.h>
#include <stddef.h>
#include "util.h"

#define AUDIT_TAIL_MAX 1000		/* most records GET /v1/audit returns */
#define AUDIT_READ_MAX (4 * 1024 * 1024) /* bytes read from the end of the file */

struct audit;

/**
 * audit_open() - open (create, mode 0640) @path for appending. An empty
 * @path gives a log that records nothing. Return: the log, or NULL with
 * *@err = -errno.
 */
struct audit *audit_open(const char *path, int *err);
/** Close the file; NULL is ignored. */
void audit_close(struct audit *a);

/**
 * audit_append() - add "time" (UTC, RFC 3339) to @rec (borrowed), and write
 * it as one line with a single write(2) to the O_APPEND descriptor.
 * Return: 0, -EMSGSIZE (over 64 KiB even with "args" dropped) or -errno.
 */
int audit_append(struct audit *a, json_t *rec) WUR;

/**
 * audit_tail() - the newest @limit (1..AUDIT_TAIL_MAX) records of the log,
 * oldest first, from its last AUDIT_READ_MAX bytes. Lines that are not JSON
 * objects are skipped. Return: 0 and *@out = {"records":[...]} (new
 * reference), or -errno.
 */
int audit_tail(const struct audit *a, size_t limit, json_t **out) WUR;
