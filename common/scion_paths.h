/* SPDX-License-Identifier: MIT */
/*
 * scion_paths.h - the SCION path store and path-selection policy
 * (spec/scion.md §7, docs/scion-paths.md): paths per destination ISD-AS with
 * their metadata, filled from static config (scion_paths_add) or a JSON path
 * file (scion_paths_load_json); per-destination policies (ranking criteria,
 * ordered name preference, ISD/AS allow and deny lists, minimum MTU);
 * health from SCMP echo probes, SCMP External Interface Down and expiry; and
 * the selector that keeps one active path per destination, fails over at
 * once and returns to a better path only after it has been clean for the
 * hysteresis time.
 *
 * Pure: time is injected as now_ms (the same clock as the expiry values,
 * Unix milliseconds for path files), no I/O, no logging, no globals. The
 * store owns every entry; pointers it returns stay valid until the store is
 * freed (entries are never moved or removed).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util.h"
#include "wire_scion.h"

#define SCION_PATHS_MAX_IFACES 64   /* interfaces per path (an even count) */
#define SCION_PATHS_MAX_PER_DST 32  /* paths per destination */
#define SCION_PATHS_MAX_DST 256	    /* destinations per store */
#define SCION_PATHS_MAX_ACL 16	    /* allow / deny entries per policy */
#define SCION_PATHS_MAX_PREFER 8    /* names in an ordered preference */
#define SCION_PATHS_NAME_MAX 32	    /* path name, NUL included */
#define SCION_PATHS_JSON_MAX 262144 /* largest path file accepted */
#define SCION_PATHS_RTT_SAMPLES 4   /* probe RTTs averaged per path */
#define SCION_PATHS_LOST (-1)	    /* rtt_ms value of a lost probe */
#define SCION_PATHS_MIN_MTU 1232    /* smallest path MTU a file may state (spec §6) */

/* Policy defaults (docs/scion-paths.md). */
#define SCION_PATHS_DEF_HYSTERESIS_MS 30000U
#define SCION_PATHS_DEF_LOSS_THRESHOLD 3U
#define SCION_PATHS_DEF_IFDOWN_HOLD_MS 10000U	/* spec §7: 10 s negative cache */
#define SCION_PATHS_DEF_EXPIRY_MARGIN_MS 10000U /* spec §7: prune ~10 s before expiry */

/* One ranking criterion; a policy applies them in its order. */
enum scion_paths_rank {
	SCION_PATHS_RANK_LATENCY = 0, /* lowest measured RTT, else announced latency */
	SCION_PATHS_RANK_HOPS,	      /* fewest interfaces */
	SCION_PATHS_RANK_MTU,	      /* largest MTU */
	SCION_PATHS_RANK_BANDWIDTH,   /* largest announced bandwidth */
	SCION_PATHS_RANK_COUNT,
};

struct scion_iface {
	uint64_t ia;
	uint64_t ifid;
};

/* What a source knows about one path. */
struct scion_path_meta {
	char name[SCION_PATHS_NAME_MAX]; /* "" = unnamed; unique per destination otherwise */
	size_t n_ifaces;		 /* even, 0..SCION_PATHS_MAX_IFACES */
	struct scion_iface ifaces[SCION_PATHS_MAX_IFACES];
	uint16_t mtu;		 /* 0 = unknown */
	uint64_t expires_ms;	 /* absolute, 0 = never */
	int32_t latency_ms;	 /* announced, -1 = unknown */
	uint32_t bandwidth_kbps; /* announced, 0 = unknown */
	bool has_raw;		 /* raw holds the data-plane path */
	struct scion_path raw;
};

/*
 * One policy. An IA entry in allow/deny matches an IA when its ISD is 0 or
 * equal and its AS is 0 or equal. A path is eligible when its MTU is at least
 * min_mtu (unknown MTU only when min_mtu is 0), no IA on it matches a deny
 * entry and, if n_allow > 0, every IA on it matches an allow entry.
 */
struct scion_policy {
	size_t n_rank;
	enum scion_paths_rank rank[SCION_PATHS_RANK_COUNT];
	size_t n_prefer; /* listed names rank first, in this order */
	char prefer[SCION_PATHS_MAX_PREFER][SCION_PATHS_NAME_MAX];
	size_t n_allow;
	uint64_t allow[SCION_PATHS_MAX_ACL];
	size_t n_deny;
	uint64_t deny[SCION_PATHS_MAX_ACL];
	uint16_t min_mtu;
	uint32_t hysteresis_ms;
	uint32_t loss_threshold; /* consecutive lost probes that mark a path down, >= 1 */
	uint32_t ifdown_hold_ms;
	uint32_t expiry_margin_ms;
};

/* A stored path and its health (read-only for callers). */
struct scion_path_entry {
	uint32_t id; /* unique in the store, never 0 */
	uint64_t dst_ia;
	struct scion_path_meta meta;
	uint32_t rtt[SCION_PATHS_RTT_SAMPLES];
	unsigned int n_rtt, rtt_pos;
	uint32_t loss_streak;
	bool ifdown;		 /* an External Interface Down was received ... */
	uint64_t ifdown_ms;	 /* ... last at this time */
	uint64_t clean_since_ms; /* no loss / no interface-down hold since */
};

struct scion_paths;

/** The default policy values (rank latency then hops, no lists, defaults above). */
void scion_policy_init(struct scion_policy *p);

/** Parse "ISD-AS" (decimal AS or three hex groups a:b:c). Returns 0 or -EINVAL. */
int scion_paths_ia_parse(const char *s, uint64_t *ia) WUR;

/** A new empty store with the default policy. Out of memory aborts. */
struct scion_paths *scion_paths_new(void);
/** Free @s and every entry (NULL is fine). */
void scion_paths_free(struct scion_paths *s);

/**
 * Add a copy of @m as a path to @dst_ia (not 0). Returns the new path id (> 0) or
 * -EINVAL (odd or too many interfaces, dst_ia 0), -EEXIST (name already used for
 * @dst_ia) or -ENOSPC (too many paths or destinations).
 */
int scion_paths_add(struct scion_paths *s, uint64_t dst_ia, const struct scion_path_meta *m) WUR;

/**
 * Set the policy for @dst_ia, or the default policy when @dst_ia is 0 (a per-destination
 * policy replaces the default as a whole). Returns 0, -EINVAL (bad rank entry, count or
 * loss_threshold 0) or -ENOSPC (too many destinations).
 */
int scion_paths_set_policy(struct scion_paths *s, uint64_t dst_ia,
			   const struct scion_policy *p) WUR;

/**
 * Load the JSON path file @text (@len octets; format in docs/scion-paths.md) and add its
 * paths and policies to @s. All or nothing: on error @s is unchanged and @err (if not
 * NULL) holds a message naming the offending member. Returns 0, -EMSGSIZE (larger than
 * SCION_PATHS_JSON_MAX), -EBADMSG (malformed) or the errors of add/set_policy.
 */
int scion_paths_load_json(struct scion_paths *s, const char *text, size_t len, char *err,
			  size_t errlen) WUR;

/**
 * A probe result for path @path_id at @now_ms: @rtt_ms >= 0 is an echo reply,
 * SCION_PATHS_LOST a lost probe. Returns 0 or -ENOENT.
 */
int scion_paths_on_probe(struct scion_paths *s, uint32_t path_id, int32_t rtt_ms,
			 uint64_t now_ms) WUR;

/**
 * An SCMP External Interface Down (type 5) for (@ia, @ifid) at @now_ms: every path
 * through that interface is down for its policy's ifdown_hold_ms. Returns the number of
 * paths marked.
 */
int scion_paths_on_scmp_ifdown(struct scion_paths *s, uint64_t ia, uint64_t ifid, uint64_t now_ms);

/**
 * An SCMP Internal Connectivity Down (type 6) for @ia between @ingress and @egress at
 * @now_ms: every path through both interfaces of @ia (only @egress when @ingress is 0)
 * is down for ifdown_hold_ms. Returns the number of paths marked.
 */
int scion_paths_on_scmp_intdown(struct scion_paths *s, uint64_t ia, uint64_t ingress,
				uint64_t egress, uint64_t now_ms);

/** True when @e is eligible under its policy, not expired and healthy at @now_ms. */
bool scion_paths_usable(const struct scion_paths *s, const struct scion_path_entry *e,
			uint64_t now_ms);

/** The entry with @path_id, or NULL. */
const struct scion_path_entry *scion_paths_get(const struct scion_paths *s, uint32_t path_id);

/** Number of paths stored for @dst_ia. */
size_t scion_paths_count(const struct scion_paths *s, uint64_t dst_ia);

/**
 * The active path to @dst_ia at @now_ms, or NULL when no path is usable. The active
 * path stays until it becomes unusable (then the best usable path takes over at once)
 * or until a better-ranked path has been clean (no loss, no interface-down hold) and
 * seen as the best for the hysteresis time. Call it on every send or timer tick.
 */
const struct scion_path_entry *scion_paths_select(struct scion_paths *s, uint64_t dst_ia,
						  uint64_t now_ms);
