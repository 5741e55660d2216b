// SPDX-License-Identifier: MIT
/*
 * test_log.c - log.[ch]: level and group names, level filtering and per-group
 * debug, the exact line format on stderr (captured into a temporary file
 * with dup2), log_errno's suffix and errno preservation, truncation of long
 * lines, the log_remote token bucket (burst, refill, cap, suppressed count)
 * and the "<N>" syslog prefix under JOURNAL_STREAM. Criterion runs every test
 * in its own process, so the sink's process-wide state starts fresh in each.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

struct capture {
	FILE *f;
	int saved;
	char *text;
	size_t len;
};

static void cap_begin(struct capture *c)
{
	memset(c, 0, sizeof(*c));
	c->f = tmpfile();
	cr_assert_not_null(c->f);
	fflush(stderr);
	c->saved = dup(STDERR_FILENO);
	cr_assert_geq(c->saved, 0);
	cr_assert_eq(dup2(fileno(c->f), STDERR_FILENO), STDERR_FILENO);
}

/* Stop capturing; the text (NUL-terminated, may contain anything) is in c->text. */
static void cap_end(struct capture *c)
{
	fflush(stderr);
	cr_assert_eq(dup2(c->saved, STDERR_FILENO), STDERR_FILENO);
	close(c->saved);
	cr_assert_geq(fseek(c->f, 0, SEEK_END), 0);
	long n = ftell(c->f);
	cr_assert_geq(n, 0);
	c->len = (size_t)n;
	c->text = calloc(1, c->len + 1);
	cr_assert_not_null(c->text);
	rewind(c->f);
	cr_assert_eq(fread(c->text, 1, c->len, c->f), c->len);
	fclose(c->f);
}

static size_t count_lines(const struct capture *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->len; i++)
		n += c->text[i] == '\n';
	return n;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

Test(log, level_parse)
{
	enum log_level l = LOG_LVL_INFO;

	cr_assert_eq(log_level_parse("err", &l), 0);
	cr_assert_eq(l, LOG_LVL_ERR);
	cr_assert_eq(log_level_parse("warn", &l), 0);
	cr_assert_eq(l, LOG_LVL_WARN);
	cr_assert_eq(log_level_parse("info", &l), 0);
	cr_assert_eq(l, LOG_LVL_INFO);
	cr_assert_eq(log_level_parse("debug", &l), 0);
	cr_assert_eq(l, LOG_LVL_DEBUG);

	static const char *const bad[] = { "", "ERR", "Info", "error", "warning", "trace",
					   "info ", " info", "debugx", "inf", "notice", "7" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		l = LOG_LVL_WARN;
		cr_assert_eq(log_level_parse(bad[i], &l), -EINVAL, "'%s'", bad[i]);
		cr_assert_eq(l, LOG_LVL_WARN, "output untouched on failure");
	}
}

Test(log, grp_names)
{
	static const char *const names[LOG_GRP__COUNT] = {
		"main", "tun", "udp", "oal", "nd",   "peer", "hs",
		"scion", "eh", "api", "dns", "conf", "nl", "crypto",
	};

	for (int i = 0; i < LOG_GRP__COUNT; i++) {
		enum log_grp g = LOG_GRP__COUNT;
		cr_assert_str_eq(log_grp_name((enum log_grp)i), names[i]);
		cr_assert_eq(log_grp_parse(names[i], &g), 0, "%s", names[i]);
		cr_assert_eq(g, (enum log_grp)i);
	}
	cr_assert_str_eq(log_grp_name(LOG_GRP__COUNT), "?");
	cr_assert_str_eq(log_grp_name((enum log_grp)1000), "?");

	static const char *const bad[] = { "", "PEER", "peers", "pee", "?", "all", " hs", "hs " };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		enum log_grp g = LOG_GRP_DNS;
		cr_assert_eq(log_grp_parse(bad[i], &g), -EINVAL, "'%s'", bad[i]);
		cr_assert_eq(g, LOG_GRP_DNS);
	}
}

Test(log, default_level_is_info)
{
	cr_assert_eq(log_get_level(), LOG_LVL_INFO);
	log_set_level(LOG_LVL_ERR);
	cr_assert_eq(log_get_level(), LOG_LVL_ERR);
}

Test(log, line_format)
{
	struct capture c;

	unsetenv("JOURNAL_STREAM");
	log_set_level(LOG_LVL_DEBUG);
	cap_begin(&c);
	log_err(LOG_GRP_PEER, "peer '%s' gone", "beta");
	log_warn(LOG_GRP_HS, "n=%d", 42);
	log_info(LOG_GRP_CONF, "loaded");
	log_debug(LOG_GRP_CRYPTO, "x");
	log_msg((enum log_level)5, LOG_GRP_MAIN, "notice");
	cap_end(&c);
	cr_assert_str_eq(c.text, "[peer] error: peer 'beta' gone\n"
				 "[hs] warning: n=42\n"
				 "[conf] info: loaded\n"
				 "[crypto] debug: x\n"
				 "[main] log: notice\n");
	free(c.text);
}

/* A control byte in quoted text cannot start a forged line or a terminal escape. */
Test(log, control_bytes_escaped)
{
	struct capture c;

	unsetenv("JOURNAL_STREAM");
	log_set_level(LOG_LVL_INFO);
	cap_begin(&c);
	log_warn(LOG_GRP_API, "path '%s'", "/v1/x\n[api] error: forged\x1b[2J\x7f\r");
	log_info(LOG_GRP_API, "tab\there");
	cap_end(&c);
	cr_assert_str_eq(c.text, "[api] warning: path '/v1/x?[api] error: forged?[2J?" "?'\n"
				 "[api] info: tab?here\n");
	free(c.text);
}

Test(log, level_filtering)
{
	static const enum log_level lv[] = { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO,
					     LOG_LVL_DEBUG };

	unsetenv("JOURNAL_STREAM");
	for (size_t i = 0; i < ARRAY_SIZE(lv); i++) {
		struct capture c;

		log_set_level(lv[i]);
		cap_begin(&c);
		log_err(LOG_GRP_MAIN, "E");
		log_warn(LOG_GRP_MAIN, "W");
		log_info(LOG_GRP_MAIN, "I");
		log_debug(LOG_GRP_MAIN, "D");
		cap_end(&c);
		cr_assert_eq(count_lines(&c), i + 1, "level %d: '%s'", (int)lv[i], c.text);
		cr_assert_eq(strstr(c.text, "error: E") != NULL, true);
		cr_assert_eq(strstr(c.text, "warning: W") != NULL, i >= 1);
		cr_assert_eq(strstr(c.text, "info: I") != NULL, i >= 2);
		cr_assert_eq(strstr(c.text, "debug: D") != NULL, i >= 3);
		free(c.text);
	}
}

Test(log, per_group_debug)
{
	struct capture c;

	unsetenv("JOURNAL_STREAM");
	log_set_level(LOG_LVL_INFO);
	log_set_debug(LOG_GRP_PEER, true);
	log_set_debug(LOG_GRP_CRYPTO, true);
	log_set_debug(LOG_GRP__COUNT, true); /* ignored */
	log_set_debug((enum log_grp)40, true); /* ignored, no undefined shift */
	cap_begin(&c);
	for (int g = 0; g < LOG_GRP__COUNT; g++)
		log_debug((enum log_grp)g, "dbg");
	log_debug(LOG_GRP__COUNT, "dbg");
	cap_end(&c);
	cr_assert_str_eq(c.text, "[peer] debug: dbg\n[crypto] debug: dbg\n");
	free(c.text);

	/* Switched off again; the level threshold still applies to the others. */
	log_set_debug(LOG_GRP_PEER, false);
	log_set_level(LOG_LVL_WARN);
	cap_begin(&c);
	log_debug(LOG_GRP_PEER, "off");
	log_debug(LOG_GRP_CRYPTO, "on");
	log_info(LOG_GRP_CRYPTO, "filtered: group debug does not lower the info level");
	cap_end(&c);
	cr_assert_str_eq(c.text, "[crypto] debug: on\n");
	free(c.text);

	/* Level debug enables every group. */
	log_set_level(LOG_LVL_DEBUG);
	cap_begin(&c);
	for (int g = 0; g < LOG_GRP__COUNT; g++)
		log_debug((enum log_grp)g, "all");
	cap_end(&c);
	cr_assert_eq(count_lines(&c), LOG_GRP__COUNT);
	free(c.text);
}

Test(log, errno_suffix_and_preserved)
{
	struct capture c;

	unsetenv("JOURNAL_STREAM");
	log_set_level(LOG_LVL_INFO);
	cap_begin(&c);
	errno = ENOENT;
	log_errno(LOG_GRP_CONF, "open '%s'", "/nonexistent");
	cr_assert_eq(errno, ENOENT);
	errno = EACCES;
	log_errno(LOG_GRP_TUN, "ioctl");
	cr_assert_eq(errno, EACCES);
	cap_end(&c);
	char want[256];
	snprintf(want, sizeof(want),
		 "[conf] warning: open '/nonexistent': %s\n[tun] warning: ioctl: %s\n",
		 strerror(ENOENT), strerror(EACCES));
	cr_assert_str_eq(c.text, want);
	free(c.text);

	log_set_level(LOG_LVL_ERR);
	cap_begin(&c);
	errno = EPERM;
	log_errno(LOG_GRP_CONF, "filtered");
	cr_assert_eq(errno, EPERM);
	cap_end(&c);
	cr_assert_eq(c.len, 0);
	free(c.text);
}

/*
 * Long messages: whatever the length, one line of at most 1023 octets, ending
 * in the suffix and '\n', with no octet from beyond the line buffer.
 */
static void check_long(bool journal, bool with_errno)
{
	char msg[1200];

	if (journal)
		setenv("JOURNAL_STREAM", "8:1234", 1);
	else
		unsetenv("JOURNAL_STREAM");
	log_set_level(LOG_LVL_INFO);
	const char *suffix = with_errno ? strerror(ENOENT) : "";
	for (size_t mlen = 900; mlen < sizeof(msg); mlen++) {
		struct capture c;

		memset(msg, 'm', mlen);
		msg[mlen] = '\0';
		cap_begin(&c);
		if (with_errno) {
			errno = ENOENT;
			log_errno(LOG_GRP_MAIN, "%s", msg);
		} else {
			log_warn(LOG_GRP_MAIN, "%s", msg);
		}
		cap_end(&c);
		const char *prefix = journal ? "<4>[main] warning: m" : "[main] warning: m";
		cr_assert_eq(strncmp(c.text, prefix, strlen(prefix)), 0, "mlen %zu", mlen);
		cr_assert_leq(c.len, 1023, "mlen %zu: %zu octets", mlen, c.len);
		cr_assert_eq(strlen(c.text), c.len, "mlen %zu: NUL in output", mlen);
		cr_assert_eq(count_lines(&c), 1, "mlen %zu", mlen);
		cr_assert_eq(c.text[c.len - 1], '\n', "mlen %zu", mlen);
		size_t sl = strlen(suffix) + (with_errno ? 2 : 0);
		if (with_errno) {
			cr_assert_eq(memcmp(c.text + c.len - 1 - sl, ": ", 2), 0, "mlen %zu", mlen);
			cr_assert_eq(memcmp(c.text + c.len - 1 - sl + 2, suffix, sl - 2), 0,
				     "mlen %zu", mlen);
		}
		/* Everything between the prefix and the suffix is message. */
		for (size_t i = strlen(prefix) - 1; i < c.len - 1 - sl; i++)
			cr_assert_eq(c.text[i], 'm', "mlen %zu offset %zu", mlen, i);
		size_t shown = c.len - 1 - sl - (strlen(prefix) - 1);
		cr_assert_leq(shown, mlen);
		if (c.len < 1023)
			cr_assert_eq(shown, mlen, "mlen %zu: cut short without need", mlen);
		free(c.text);
	}
}

Test(log, long_lines)
{
	check_long(false, false);
}

Test(log, long_lines_errno)
{
	check_long(false, true);
}

Test(log, long_lines_journal_errno)
{
	check_long(true, true);
}

Test(log, journal_prefix)
{
	struct capture c;

	setenv("JOURNAL_STREAM", "8:12345", 1);
	log_set_level(LOG_LVL_DEBUG);
	cap_begin(&c);
	log_err(LOG_GRP_MAIN, "e");
	log_warn(LOG_GRP_UDP, "w");
	log_info(LOG_GRP_API, "i");
	log_debug(LOG_GRP_DNS, "d");
	errno = EINVAL;
	log_errno(LOG_GRP_NL, "x");
	log_remote(LOG_GRP_ND, "r");
	cap_end(&c);
	char want[256];
	snprintf(want, sizeof(want),
		 "<3>[main] error: e\n<4>[udp] warning: w\n<6>[api] info: i\n<7>[dns] debug: d\n"
		 "<4>[nl] warning: x: %s\n<6>[nd] info: r\n",
		 strerror(EINVAL));
	cr_assert_str_eq(c.text, want);
	free(c.text);
}

Test(log, no_journal_prefix_without_env)
{
	struct capture c;

	unsetenv("JOURNAL_STREAM");
	cap_begin(&c);
	log_err(LOG_GRP_MAIN, "e");
	cap_end(&c);
	cr_assert_str_eq(c.text, "[main] error: e\n");
	free(c.text);
}

Test(log, remote_format)
{
	struct capture c;

	unsetenv("JOURNAL_STREAM");
	log_set_level(LOG_LVL_INFO);
	cap_begin(&c);
	log_remote(LOG_GRP_OAL, "bad fragment from %s", "192.0.2.1:8060");
	cap_end(&c);
	cr_assert_str_eq(c.text, "[oal] info: bad fragment from 192.0.2.1:8060\n");
	cr_assert_eq(log_remote_suppressed(), 0);
	free(c.text);
}

Test(log, remote_rate_limit)
{
	struct capture c;

	unsetenv("JOURNAL_STREAM");
	log_set_level(LOG_LVL_INFO);
	cr_assert_eq(log_remote_suppressed(), 0);

	/* A burst: about the bucket size (20) gets through, the rest is counted. */
	cap_begin(&c);
	for (int i = 0; i < 1000; i++)
		log_remote(LOG_GRP_PEER, "burst %d", i);
	cap_end(&c);
	size_t shown = count_lines(&c);
	uint64_t supp = log_remote_suppressed();
	cr_assert_geq(shown, 20, "shown %zu", shown);
	cr_assert_leq(shown, 22, "shown %zu", shown);
	cr_assert_eq(shown + supp, 1000);
	cr_assert_eq(strncmp(c.text, "[peer] info: burst 0\n", 21), 0, "the first get through");
	free(c.text);

	/* 10 tokens a second: after 500 ms about 5 more. */
	sleep_ms(500);
	cap_begin(&c);
	for (int i = 0; i < 100; i++)
		log_remote(LOG_GRP_PEER, "refill %d", i);
	cap_end(&c);
	shown = count_lines(&c);
	cr_assert_geq(shown, 4, "shown %zu", shown);
	cr_assert_leq(shown, 10, "shown %zu", shown);
	cr_assert_eq(log_remote_suppressed(), supp + 100 - shown);
	supp = log_remote_suppressed();
	free(c.text);

	/* The bucket holds at most 20, however long it was idle. */
	sleep_ms(3000);
	cap_begin(&c);
	for (int i = 0; i < 100; i++)
		log_remote(LOG_GRP_PEER, "cap %d", i);
	cap_end(&c);
	shown = count_lines(&c);
	cr_assert_geq(shown, 20, "shown %zu", shown);
	cr_assert_leq(shown, 22, "shown %zu", shown);
	cr_assert_eq(log_remote_suppressed(), supp + 100 - shown);
	free(c.text);
}

/* The limiter applies (and counts) even when the level hides the messages. */
Test(log, remote_rate_limit_when_filtered)
{
	struct capture c;

	unsetenv("JOURNAL_STREAM");
	log_set_level(LOG_LVL_WARN);
	cap_begin(&c);
	for (int i = 0; i < 1000; i++)
		log_remote(LOG_GRP_PEER, "hidden %d", i);
	cap_end(&c);
	cr_assert_eq(c.len, 0);
	cr_assert_geq(log_remote_suppressed(), 975);
	cr_assert_leq(log_remote_suppressed(), 980);
	free(c.text);
}

Test(log, debug_mask_set_get)
{
	struct capture c;

	unsetenv("JOURNAL_STREAM");
	log_set_level(LOG_LVL_INFO);
	log_set_debug_mask((1U << LOG_GRP_HS) | (1U << LOG_GRP_DNS) | 0x80000000U);
	cr_assert_eq(log_get_debug_mask(), (1U << LOG_GRP_HS) | (1U << LOG_GRP_DNS),
		     "bits beyond the last group are dropped");
	log_set_debug(LOG_GRP_PEER, true);
	cr_assert_eq(log_get_debug_mask(),
		     (1U << LOG_GRP_HS) | (1U << LOG_GRP_DNS) | (1U << LOG_GRP_PEER));
	cap_begin(&c);
	for (int g = 0; g < LOG_GRP__COUNT; g++)
		log_debug((enum log_grp)g, "dbg");
	cap_end(&c);
	cr_assert_str_eq(c.text, "[peer] debug: dbg\n[hs] debug: dbg\n[dns] debug: dbg\n");
	free(c.text);
	log_set_debug_mask(0);
	cr_assert_eq(log_get_debug_mask(), 0);
	cap_begin(&c);
	log_debug(LOG_GRP_HS, "off");
	cap_end(&c);
	cr_assert_str_eq(c.text, "");
	free(c.text);
}
