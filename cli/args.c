// SPDX-License-Identifier: MIT
/*
 * args.c - small argument helpers shared by omnictl's subcommands: pulling a
 * flag such as --json out of argv wherever it appears, and checking that a
 * user-given object name can stand as one URL path segment. Never contacts
 * the daemon; a failed check is a usage error before any request.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

bool cli_take_flag(int *argc, char **argv, const char *flag)
{
	bool seen = false;
	int n = 1;

	for (int i = 1; i < *argc; i++) {
		if (strcmp(argv[i], flag) == 0) {
			seen = true;
			continue;
		}
		argv[n++] = argv[i];
	}
	argv[n] = NULL;
	*argc = n;
	return seen;
}

bool cli_segment_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 128 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	/* RFC 3986 unreserved characters plus ':' (IPv6 route ids) need no escaping. */
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:") ==
	       n;
}

int cli_usage_err(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "omnictl: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see omnictl %s --help)\n", cmd);
	return CLI_EXIT_FAIL;
}

const char *cli_jstr(const json_t *obj, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : dflt;
}

bool cli_copy(char *dst, size_t size, const char *src)
{
	return (size_t)snprintf(dst, size, "%s", src) < size;
}
