/* SPDX-License-Identifier: MIT */
/*
 * util.h - small macros shared by every module: array sizes, container_of,
 * attributes, the two assertion kinds (STYLE.md §3) and the abort-on-OOM
 * allocators for the control plane. No state, no I/O beyond the abort message.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif

#define WUR __attribute__((warn_unused_result))
#define UNUSED __attribute__((unused))
#define PRINTF(f, a) __attribute__((format(printf, f, a)))
#define NORETURN __attribute__((noreturn))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

NORETURN void omni_assert_fail(const char *expr, const char *file, int line);
bool omni_assert_report(const char *expr, const char *file, int line);

/** Always-on invariant check: logs the expression and aborts. */
#define OMNI_ASSERT(x)                                                                             \
	do {                                                                                       \
		if (unlikely(!(x)))                                                                \
			omni_assert_fail(#x, __FILE__, __LINE__);                                  \
	} while (0)

/** Recoverable "can't happen" check: logs and returns true when @x is false. */
#define omni_fails_assert(x) (unlikely(!(x)) ? omni_assert_report(#x, __FILE__, __LINE__) : false)

/* Control-plane allocators: out of memory aborts. */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
