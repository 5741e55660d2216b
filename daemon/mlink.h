/* SPDX-License-Identifier: MIT */
/*
 * mlink.h - multilink in the daemon (spec/omni-aero.md §5.7, §5.9; docs/aero.md
 * "Multilink"): with [aero] multilink = yes, each neighbor keeps up to
 * AERO_ML_MAX_PATHS paths (local underlay + remote endpoint) in a struct
 * aero_ml, learned from the underlays of a configured endpoint and from where
 * authenticated packets arrive; every inner packet is placed on one path by
 * its flow hash, quiet paths are probed with keepalives (NUD) and a path that
 * misses them goes down, moving its flows. Owns the struct mlink_peer inside
 * each struct peer. Loop thread only.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "aero_ml.h"

struct node;
struct peer;

struct mlink_peer {
	struct aero_ml t;
	int ul[AERO_ML_MAX_PATHS];	     /* local underlay index per slot */
	uint64_t tx[AERO_ML_MAX_PATHS];	     /* inner packets placed on the slot */
	uint64_t rx[AERO_ML_MAX_PATHS];	     /* authenticated datagrams received on it */
	uint64_t down_at[AERO_ML_MAX_PATHS]; /* when it last went down, 0 never */
	uint64_t tx_ms[AERO_ML_MAX_PATHS];   /* when we last sent on it */
};

/*
 * An authenticated datagram from @p arrived on underlay @ul from @from: confirms (or
 * learns) that path. Returns true when multilink is on (the caller then leaves
 * p->endpoint alone: mlink owns it), false to let the caller roam as without multilink.
 */
bool mlink_rx(struct node *n, struct peer *p, int ul, const union sockaddr_any *from, uint64_t now);

/* Before an inner packet (@pkt, @len) goes to @p: points p->endpoint / p->underlay at the
 * path its flow is placed on. No-op without multilink or without a usable path. */
void mlink_place(struct node *n, struct peer *p, const uint8_t *pkt, size_t len);

/* Every tick: creates the paths of configured endpoints, runs NUD, sends the probes. */
void mlink_tick(struct node *n, uint64_t now);

/* The paths of @p as a JSON array (new reference): underlay, endpoint, state, rtt_ms,
 * last_heard_ms_ago, tx, rx. */
json_t *mlink_paths_json(const struct node *n, const struct peer *p, uint64_t now);
