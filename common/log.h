/* SPDX-License-Identifier: MIT */
/*
 * log.h - levelled, grouped logging to stderr (STYLE.md §4). Debug output is
 * enabled per group; anything a remote peer can trigger goes through
 * log_remote(), which is token-bucket limited and counts what it suppresses.
 * The sink is process-wide state configured once at start-up (the only
 * mutable global in common/, guarded by being written from the loop thread).
 * Never pass key material or tokens to these functions.
 */
#pragma once

#include <stdint.h>
#include <stdbool.h>
#include "util.h"

enum log_level { LOG_LVL_ERR = 3, LOG_LVL_WARN = 4, LOG_LVL_INFO = 6, LOG_LVL_DEBUG = 7 };

enum log_grp {
	LOG_GRP_MAIN,
	LOG_GRP_TUN,
	LOG_GRP_UDP,
	LOG_GRP_OAL,
	LOG_GRP_ND,
	LOG_GRP_PEER,
	LOG_GRP_HS,
	LOG_GRP_SCION,
	LOG_GRP_EH,
	LOG_GRP_API,
	LOG_GRP_DNS,
	LOG_GRP_CONF,
	LOG_GRP_NL,
	LOG_GRP_CRYPTO,
	LOG_GRP__COUNT
};

/** Set the threshold level (messages above it are dropped, debug needs the group bit too). */
void log_set_level(enum log_level lvl);
enum log_level log_get_level(void);
/** Enable or disable debug output for one group. */
void log_set_debug(enum log_grp grp, bool on);
/** Set every group's debug switch at once from @mask (1U << LOG_GRP_*; [node] debug). */
void log_set_debug_mask(uint32_t mask);
/** The groups with debug output on (1U << LOG_GRP_*). */
uint32_t log_get_debug_mask(void);
/** Parse "err", "warn", "info" or "debug"; returns 0 or -EINVAL. */
int log_level_parse(const char *s, enum log_level *out) WUR;
const char *log_grp_name(enum log_grp grp);
/** Parse a group name ("peer", "hs", ...). Returns 0 or -EINVAL. */
int log_grp_parse(const char *s, enum log_grp *out) WUR;
/** Messages suppressed by the remote rate limiter since start. */
uint64_t log_remote_suppressed(void);

void log_msg(enum log_level lvl, enum log_grp grp, const char *fmt, ...) PRINTF(3, 4);
/** Like log_msg at LOG_LVL_WARN, with ": strerror(errno)" appended. */
void log_errno(enum log_grp grp, const char *fmt, ...) PRINTF(2, 3);
/** Rate-limited (token bucket, 10/s burst 20), for anything a peer can trigger. */
void log_remote(enum log_grp grp, const char *fmt, ...) PRINTF(2, 3);

#define log_err(g, ...) log_msg(LOG_LVL_ERR, (g), __VA_ARGS__)
#define log_warn(g, ...) log_msg(LOG_LVL_WARN, (g), __VA_ARGS__)
#define log_info(g, ...) log_msg(LOG_LVL_INFO, (g), __VA_ARGS__)
#define log_debug(g, ...) log_msg(LOG_LVL_DEBUG, (g), __VA_ARGS__)
