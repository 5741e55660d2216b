/* SPDX-License-Identifier: MIT */
/*
 * aero_rt.h - a server's table of routes learned from meshed servers
 * (spec/omni-aero.md §5.4 [P], docs/aero.md "Servers and the mesh"): one
 * entry per client MNP anchored at another server, with the client's key and
 * NAT-mapped origin (so this server can vouch for it, §5.6), the anchor's
 * MSID, the expiry and the last accepted update's timestamp. Updates older
 * than the entry's last one are ignored; a withdrawal (lifetime 0) only
 * removes the entry of the anchor that sends it, and is remembered for
 * AERO_RT_TOMB_MS so that an older update of that anchor delivered after it
 * is ignored too. Owns the entry and withdrawal arrays. Pure:
 * times are passed by the caller, no I/O, no logging. Loop thread only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "aero_nd.h"
#include "util.h"

/* [P] learned routes kept; an update for a new MNP beyond this is refused. */
#define AERO_RT_MAX 4096u
/*
 * [P] how long a withdrawal is remembered (local clock): past the ±30 s
 * signature window on both sides, so an update of the same anchor signed
 * before it and delivered late (reordered) cannot bring the route back.
 */
#define AERO_RT_TOMB_MS 61000u

/* A withdrawal remembered: anchor, client key, MNP and its timestamp. */
struct aero_rt_tomb {
	uint8_t key[32];
	struct prefix mnp;
	uint32_t anchor_msid;
	uint64_t ts_ms;	   /* the withdrawal's timestamp */
	uint64_t until_ms; /* forgotten then */
};

struct aero_rt_ent {
	uint8_t key[32];	   /* the client's key */
	struct prefix mnp;	   /* its MNP */
	union sockaddr_any origin; /* its NAT-mapped underlay address */
	uint32_t anchor_msid;	   /* the server it is registered with */
	uint64_t learned_ms;	   /* first update of this entry */
	uint64_t expires_ms;
	uint64_t last_ts_ms; /* timestamp of the last accepted update */
	uint64_t updates;    /* accepted updates after the first */
};

struct aero_rt {
	struct aero_rt_ent *v; /* owned */
	size_t n, cap;
	struct aero_rt_tomb *tomb; /* owned, at most AERO_RT_MAX (the oldest is reused) */
	size_t n_tomb, cap_tomb;
	uint64_t learned, refreshed, moved, withdrawn, expired, stale, full;
};

enum aero_rt_result {
	AERO_RT_NEW,	   /* a new route: install it */
	AERO_RT_REFRESHED, /* same anchor and origin: lifetime renewed */
	AERO_RT_MOVED,	   /* the client's origin or anchor changed: tell its Report List */
	AERO_RT_WITHDRAWN, /* lifetime 0 from its anchor: the entry is gone */
	AERO_RT_IGNORED,   /* older than the last update, a withdrawal of nothing, or full */
};

void aero_rt_init(struct aero_rt *t);
void aero_rt_deinit(struct aero_rt *t);
/**
 * Apply the authenticated route update @ru (from the anchor its
 * anchor_msid names) at @now_ms. The entry is the one with the same MNP or
 * the same key (a client whose MNP changed). On NEW, REFRESHED and MOVED
 * *@out (may be NULL) points at the entry; on WITHDRAWN @gone (may be NULL)
 * receives a copy of the removed entry. An update not newer than a
 * remembered withdrawal of the same anchor for the same MNP or key is
 * IGNORED (stale). The routes do not change on IGNORED (a withdrawal of
 * nothing is still remembered).
 */
enum aero_rt_result aero_rt_update(struct aero_rt *t, const struct aero_ru *ru, uint64_t now_ms,
				   struct aero_rt_ent **out, struct aero_rt_ent *gone) WUR;
/** The entry whose MNP holds the 16-octet IPv6 address @addr (longest), or NULL. */
struct aero_rt_ent *aero_rt_lookup(struct aero_rt *t, const uint8_t addr[16]);
/** The entry of client @key, or NULL. */
struct aero_rt_ent *aero_rt_find_key(struct aero_rt *t, const uint8_t key[32]);
/**
 * Remove the entries expired by @now_ms, or every entry of anchor
 * @anchor_msid when it is not 0 (that server left the mesh), copying each
 * into @gone (up to @cap; the rest stay for the next call). Returns how many.
 */
size_t aero_rt_expire(struct aero_rt *t, uint64_t now_ms, uint32_t anchor_msid,
		      struct aero_rt_ent *gone, size_t cap) WUR;
/** Earliest expiry in the table (UINT64_MAX: empty). */
uint64_t aero_rt_deadline(const struct aero_rt *t);
