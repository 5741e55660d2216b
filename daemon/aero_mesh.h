/* SPDX-License-Identifier: MIT */
/*
 * aero_mesh.h - the AERO server mesh (spec/omni-aero.md §5.4 [P], §5.6,
 * §5.8; docs/aero.md "Servers and the mesh"): on a server, the [peer.NAME]
 * sections with `mesh = yes` are the other servers. Each registration change
 * of a local client is sent to every meshed server as a signed route update
 * (aero_nd_build_ru()); the routes learned from them (common/aero_rt.c) are
 * installed as prefixes of the anchor's peer, unless a local registration
 * holds the MNP. An NS(AR) for a client anchored elsewhere is answered from
 * the learned route and forwarded to the anchor, which tells its client.
 * Owns struct aero_mesh (hung off struct aero); the Report List and the local
 * registration table stay aero.c's and are passed in. Loop thread only.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "aero_nd.h"
#include "aero_reg.h"
#include "aero_report.h"

struct node;
struct peer;
struct aero_mesh;

/** The mesh of server @n (an empty one without `mesh = yes` peers). */
struct aero_mesh *aero_mesh_new(struct node *n);
void aero_mesh_free(struct aero_mesh *m);
/** True when @p is a meshed server ([peer.NAME] mesh = yes). */
bool aero_mesh_is_server(const struct node *n, const struct peer *p);
/**
 * Local client @e's registration changed (registered, refreshed, moved) or
 * ended (@gone): send the route update to every meshed server.
 */
void aero_mesh_client(struct node *n, struct aero_mesh *m, const struct aero_reg *e, bool gone,
		      uint64_t now_ms);
/**
 * Timer work: learned routes that expired, resending every local route to a
 * meshed server whose session (re)established and periodically, and keeping
 * the anchors' peer prefixes in step with the learned and local routes.
 */
void aero_mesh_tick(struct node *n, struct aero_mesh *m, const struct aero_srv *table,
		    struct aero_report *rep, uint64_t now_ms);
/** An NA from meshed server @p: a route update. */
void aero_mesh_na(struct node *n, struct aero_mesh *m, const struct aero_srv *table,
		  struct aero_report *rep, struct peer *p, const uint8_t *pkt, size_t len,
		  uint64_t now_ms);
/**
 * NS(AR) @ns (@pkt/@len, already authenticated) from local client @src whose
 * target is not registered here: if a meshed server anchors it,
 * answer @src with an NA(AR) vouching the learned route and forward the NS
 * to the anchor. Returns false when no learned route holds the target.
 */
bool aero_mesh_ns_out(struct node *n, struct aero_mesh *m, struct aero_report *rep,
		      const struct aero_reg *src, const struct aero_ns *ns, const uint8_t *pkt,
		      size_t len, uint64_t now_ms);
/**
 * An NS(AR) forwarded by meshed server @p: signed by a client learned from
 * @p, for a target registered here: tell the target about the asker (uNA).
 */
void aero_mesh_ns_in(struct node *n, struct aero_mesh *m, const struct aero_srv *table,
		     struct aero_report *rep, struct peer *p, const uint8_t *pkt, size_t len,
		     uint64_t now_ms);
/**
 * §5.8 for the mesh: local client @e moved; tell it again about the learned
 * clients it was reported to (so it sends a bubble towards them).
 */
void aero_mesh_local_moved(struct node *n, struct aero_mesh *m, struct aero_report *rep,
			   const struct aero_reg *e, uint64_t now_ms);
/**
 * Shutdown: withdraw every local registration at each meshed server whose
 * session is up (the datagrams are flushed before the node exits), so they
 * stop routing to us at once instead of at the routes' expiry.
 */
void aero_mesh_stop(struct node *n, struct aero_mesh *m, const struct aero_srv *table,
		    uint64_t now_ms);
/** The learned routes ("mesh_routes") for /v1/registrations. */
json_t *aero_mesh_routes_json(struct node *n, struct aero_mesh *m, const struct aero_srv *table,
			      uint64_t now_ms);
/** Add the mesh counters (mesh_*) to @ctr. */
void aero_mesh_counters_json(const struct aero_mesh *m, json_t *ctr);
