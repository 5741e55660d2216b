// SPDX-License-Identifier: MIT
/*
 * log.c - the stderr sink, syslog-priority prefixes for journald, per-group
 * debug switches and the remote-message token bucket. Owns the only logging
 * state in the process; must never allocate or block beyond one write.
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const grp_names[LOG_GRP__COUNT] = {
	[LOG_GRP_MAIN] = "main", [LOG_GRP_TUN] = "tun",     [LOG_GRP_UDP] = "udp",
	[LOG_GRP_OAL] = "oal",   [LOG_GRP_ND] = "nd",       [LOG_GRP_PEER] = "peer",
	[LOG_GRP_HS] = "hs",     [LOG_GRP_SCION] = "scion", [LOG_GRP_EH] = "eh",
	[LOG_GRP_API] = "api",   [LOG_GRP_DNS] = "dns",     [LOG_GRP_CONF] = "conf",
	[LOG_GRP_NL] = "nl",     [LOG_GRP_CRYPTO] = "crypto",
};

static struct {
	enum log_level level;
	uint32_t debug_mask;
	int journal; /* -1 unknown, 0 no, 1 yes */
	double tokens;
	struct timespec last;
	uint64_t suppressed;
} L = { .level = LOG_LVL_INFO, .journal = -1, .tokens = 20 };

void log_set_level(enum log_level lvl)
{
	L.level = lvl;
}

enum log_level log_get_level(void)
{
	return L.level;
}

void log_set_debug(enum log_grp grp, bool on)
{
	if (grp >= LOG_GRP__COUNT)
		return;
	if (on)
		L.debug_mask |= 1U << grp;
	else
		L.debug_mask &= ~(1U << grp);
}

void log_set_debug_mask(uint32_t mask)
{
	L.debug_mask = mask & ((1U << LOG_GRP__COUNT) - 1);
}

uint32_t log_get_debug_mask(void)
{
	return L.debug_mask;
}

int log_level_parse(const char *s, enum log_level *out)
{
	static const struct {
		const char *n;
		enum log_level l;
	} t[] = { { "err", LOG_LVL_ERR },
		  { "warn", LOG_LVL_WARN },
		  { "info", LOG_LVL_INFO },
		  { "debug", LOG_LVL_DEBUG } };
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		if (strcmp(s, t[i].n) == 0) {
			*out = t[i].l;
			return 0;
		}
	}
	return -EINVAL;
}

const char *log_grp_name(enum log_grp grp)
{
	return grp < LOG_GRP__COUNT ? grp_names[grp] : "?";
}

int log_grp_parse(const char *s, enum log_grp *out)
{
	for (int i = 0; i < LOG_GRP__COUNT; i++) {
		if (strcmp(s, grp_names[i]) == 0) {
			*out = (enum log_grp)i;
			return 0;
		}
	}
	return -EINVAL;
}

uint64_t log_remote_suppressed(void)
{
	return L.suppressed;
}

static bool enabled(enum log_level lvl, enum log_grp grp)
{
	if (lvl == LOG_LVL_DEBUG)
		return L.level >= LOG_LVL_DEBUG || (grp < LOG_GRP__COUNT && (L.debug_mask >> grp) & 1U);
	return lvl <= L.level;
}

__attribute__((format(printf, 4, 0))) static void vemit(enum log_level lvl, enum log_grp grp,
							  const char *suffix, const char *fmt,
							  va_list ap)
{
	char buf[1024];
	int n = 0;

	if (L.journal < 0)
		L.journal = getenv("JOURNAL_STREAM") != NULL;
	if (L.journal)
		n = snprintf(buf, sizeof(buf), "<%d>", (int)lvl);
	static const char *const lvl_names[8] = { [3] = "error", [4] = "warning", [6] = "info",
						  [7] = "debug" };
	n += snprintf(buf + n, sizeof(buf) - (size_t)n, "[%s] %s: ", log_grp_name(grp),
		      lvl_names[lvl & 7] ? lvl_names[lvl & 7] : "log");
	int start = n;

	if (n < (int)sizeof(buf))
		n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	if (n > (int)sizeof(buf) - 2 - (int)strlen(suffix))
		n = (int)sizeof(buf) - 2 - (int)strlen(suffix);
	/*
	 * Messages quote peer- and caller-supplied text (names, paths, config
	 * values): a control byte there must not forge a line, a journald
	 * priority prefix or a terminal escape. One line per call, always.
	 */
	for (int i = start; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
	n += snprintf(buf + n, sizeof(buf) - (size_t)n, "%s\n", suffix);
	fwrite(buf, 1, (size_t)n, stderr);
}

void log_msg(enum log_level lvl, enum log_grp grp, const char *fmt, ...)
{
	if (!enabled(lvl, grp))
		return;
	va_list ap;
	va_start(ap, fmt);
	vemit(lvl, grp, "", fmt, ap);
	va_end(ap);
}

void log_errno(enum log_grp grp, const char *fmt, ...)
{
	int e = errno;
	char suffix[160];
	if (!enabled(LOG_LVL_WARN, grp))
		return;
	snprintf(suffix, sizeof(suffix), ": %s", strerror(e));
	va_list ap;
	va_start(ap, fmt);
	vemit(LOG_LVL_WARN, grp, suffix, fmt, ap);
	va_end(ap);
	errno = e;
}

void log_remote(enum log_grp grp, const char *fmt, ...)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double dt = (double)(now.tv_sec - L.last.tv_sec) + (double)(now.tv_nsec - L.last.tv_nsec) / 1e9;
	L.last = now;
	L.tokens += dt * 10.0;
	if (L.tokens > 20)
		L.tokens = 20;
	if (L.tokens < 1) {
		L.suppressed++;
		return;
	}
	L.tokens -= 1;
	if (!enabled(LOG_LVL_INFO, grp))
		return;
	va_list ap;
	va_start(ap, fmt);
	vemit(LOG_LVL_INFO, grp, "", fmt, ap);
	va_end(ap);
}
