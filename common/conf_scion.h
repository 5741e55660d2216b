/* SPDX-License-Identifier: MIT */
/*
 * conf_scion.h - the [scion], [scion.route.NAME] and [scion.link.NAME] part of
 * the configuration model (docs/scion.md): defaults, freeing, the base64
 * 16-octet key parser and the cross-key rules run by conf_finish(). The key
 * tables live in conf.c with the others; this module owns only what is
 * specific to SCION. Pure, no globals, never logs.
 */
#pragma once

#include <stdint.h>
#include "conf.h"
#include "util.h"

#define CONF_SCION_DEF_PORT 30041 /* spec/scion.md §6: the end-host default port */
#define CONF_SCION_DEF_PROBE_MS 1000
#define CONF_SCION_DEF_SCMP_RATE 100 /* SCMP errors per second from a router */

/** Set the [scion] defaults in @c (called by conf_init). */
void conf_scion_init(struct conf *c);
/** Free the [scion.*] arrays of @c (called by conf_free, before it re-inits). */
void conf_scion_free(struct conf *c);
/** Reset the per-file repeated-key masks of the [scion*] sections. */
void conf_scion_file_begin(struct conf *c);
/** Decode exactly 24 characters of padded base64 into 16 octets. Returns 0 or -EINVAL. */
int conf_scion_key16(const char *s, uint8_t out[16]) WUR;
/**
 * Cross-key rules (docs/scion.md): role needs isd_as and listen; host needs first_hop,
 * path_file and complete, non-overlapping routes (whose prefixes join [omni] route);
 * router needs exactly one of forwarding_key / master_key (the forwarding key is derived
 * from the master key here) and complete links with distinct ifid and local addresses.
 * Returns 0 or -EINVAL with @err set like conf_finish().
 */
int conf_scion_finish(struct conf *c, struct conf_err *err) WUR;
/**
 * True if @a and @b differ in what needs the SCION sockets re-created: role, isd_as,
 * listen, or the set of links (ifid, local address). A reload applies the rest: keys,
 * routes, paths, policy, link remote addresses and up/down.
 */
bool conf_scion_needs_restart(const struct conf *a, const struct conf *b);
