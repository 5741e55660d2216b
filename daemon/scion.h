/* SPDX-License-Identifier: MIT */
/*
 * scion.h - omnid's SCION roles on the event loop (docs/scion.md): the end
 * host (IP-in-SCION for the [scion.route.NAME] prefixes over the path that
 * common/scion_paths selects, decapsulation to the TUN, SCMP echo probes
 * feeding the path store, failover on SCMP External Interface Down) and the
 * border router (one UDP socket per [scion.link.NAME] plus the internal one,
 * the scion_fwd pipeline, rate-limited SCMP errors). It owns its sockets, poll
 * handles, probe timer, MAC context and path store; it borrows the node for
 * the TUN, the clock and the configuration. Loop thread only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "api_schema.h"
#include "pbuf.h"
#include "util.h"

struct node;
struct scion;

/* Upper bound of the counters scion_counters_export() writes. */
#define SCION_MAX_COUNTERS 96

/**
 * Start the role configured in @n->conf [scion]. *@out is NULL when SCION is off.
 * Returns 0 or a negative errno after logging the cause (bad path file, socket
 * errors, MAC set-up); nothing is left open on failure.
 */
int scion_start(struct node *n, struct scion **out) WUR;
/**
 * Apply @n->conf after a reload (the node already swapped it in): routes, path file
 * and policy (a new path store; probe history restarts), forwarding key, link remote
 * addresses and up/down. A bad path file keeps the old store. Returns 0 or -errno.
 */
int scion_reload(struct scion *s) WUR;
/**
 * A TUN packet (@b, the IP packet at b->head) to @dst of family @fam: when it lies in
 * a [scion.route.NAME] prefix, encapsulate and send it (or drop and count) and return
 * true, having consumed @b; false leaves @b to the caller.
 */
bool scion_tun_packet(struct scion *s, struct pbuf *b, int fam, const uint8_t *dst);
/** Close the handles (the loop must run again before scion_free). NULL is fine. */
void scion_stop(struct scion *s);
void scion_free(struct scion *s);
/** Write at most @max counters ("scion_*") into @out; returns the number written. */
size_t scion_counters_export(const struct scion *s, struct api_counter *out, size_t max);
/** GET /v1/paths: every destination's paths, health, RTT and the active one. */
json_t *scion_paths_status(struct scion *s);
