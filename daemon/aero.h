/* SPDX-License-Identifier: MIT */
/*
 * aero.h - AERO registration in the daemon (spec/omni-aero.md §5.3,
 * docs/aero.md): on a client, one registration per [server.NAME] (RS over
 * the secured carrier, RA checked against the configured server key, default
 * or [aero] msp routes via the server while registered, MS-Release at
 * shutdown); on a server, the table of registered [client.NAME]s (MNP routes
 * installed while registered, withdrawn on release or expiry); and route
 * optimization (§5.6): clients resolve destinations on the default path
 * through their server (NS/NA with a vouched key) and add direct neighbors,
 * the server answers for its registered clients. Owns struct aero (hung off
 * struct node), the route-optimized neighbors it adds to the peer table and
 * the routes it installs; the pure logic is common/aero_reg.c and
 * common/aero_nd.c. Loop thread only.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "addr.h"
#include "util.h"

struct node;
struct peer;
struct aero;
struct conf;

/** Set up AERO for @n after its peers exist; NULL when the node takes no part (no role work). */
struct aero *aero_new(struct node *n);
void aero_free(struct aero *a);
/** Timer work: RS schedule, expiry. Cheap when nothing is due. */
void aero_tick(struct node *n, uint64_t now_ms);
/**
 * An authenticated inner packet from @p that aero_nd_is_nd() accepted: an RS
 * (server), an RA (client), anything else is counted and dropped. Never
 * delivered to the TUN.
 */
void aero_input(struct node *n, struct peer *p, const uint8_t *pkt, size_t len, uint64_t now_ms);
/**
 * Outbound hook for a packet whose LPM chose @p (not a static [peer]): on a
 * client, traffic via the server triggers route optimization of the
 * destination's /64 (NS(AR), §5.6), and a route-optimized neighbor whose
 * direct session is not up yields the server instead. Returns the peer to
 * send to.
 */
struct peer *aero_egress(struct node *n, struct peer *p, int fam, const uint8_t *dst,
			 uint64_t now_ms) WUR;
/**
 * A packet from route-optimized neighbor @p arrived through the server: the
 * other side gave up the direct path, so do we (after a grace period for the
 * packets still in flight when it came up).
 */
void aero_relayed(struct node *n, struct peer *p, uint64_t now_ms);
/**
 * Reload, before the peers that left the config are removed (@nc is the new config, not in
 * force yet): MS-Release to each [server.NAME] that went (its routes withdrawn), start
 * registering with each new one.
 */
void aero_reload(struct node *n, const struct conf *nc, uint64_t now_ms);
/** Reload: keep @p, a route-optimized neighbor whose entry is still alive (not in the config). */
bool aero_keeps(struct node *n, const struct peer *p, uint64_t now_ms);
/** Shutdown: send MS-Release to every server we are registered with (queued, flushed by node). */
void aero_stop(struct node *n);
/**
 * Replace @p's prefixes by @v[0..@k) (masked copies), rebuild the trie and
 * withdraw / install the kernel routes (the server mesh sets a meshed
 * server's prefixes with it, daemon/aero_mesh.c).
 */
void aero_set_prefixes(struct node *n, struct peer *p, const struct prefix *v, size_t k);
/** GET /v1/registrations: the node's role, its registrations and the refusal counters. */
json_t *aero_registrations_json(struct node *n);
/** GET /v1/neighbors: the neighbor cache (every peer with its kind, prefixes, endpoint, session). */
json_t *aero_neighbors_json(struct node *n);
