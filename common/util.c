// SPDX-License-Identifier: MIT
/*
 * util.c - the abort paths behind OMNI_ASSERT and the x-allocators. Owns no
 * state; everything here either returns or terminates the process.
 */
#include "util.h"
#include "log.h"

#include <stdio.h>
#include <string.h>

void omni_assert_fail(const char *expr, const char *file, int line)
{
	fprintf(stderr, "omnid: assertion '%s' failed at %s:%d\n", expr, file, line);
	abort();
}

bool omni_assert_report(const char *expr, const char *file, int line)
{
	log_err(LOG_GRP_MAIN, "recoverable assertion '%s' failed at %s:%d", expr, file, line);
	return true;
}

static void *oom(size_t n)
{
	fprintf(stderr, "omnid: out of memory allocating %zu bytes\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	return p ? p : oom(n);
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	return p ? p : oom(nmemb * size);
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	return q ? q : oom(n);
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);
	return p ? p : oom(strlen(s));
}
