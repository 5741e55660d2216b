/* SPDX-License-Identifier: MIT */
/*
 * peer.h - the neighbor table: one struct peer per configured neighbor, the
 * prefix trie that maps inner addresses to neighbors (outbound longest-prefix
 * match and the inbound inner-source check), and the index table that maps
 * the 32-bit receiver indices of secured carriers to (peer, session slot).
 * Owns the peers and both lookup structures; loop thread only.
 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include "addr.h"
#include "conf.h"
#include "handshake.h"
#include "mlink.h"
#include "oal_reasm.h"
#include "pbuf.h"
#include "ptrie.h"
#include "util.h"

/* Per-peer counters, exported in status as peers[].counters. */
#define PEER_COUNTERS(X)                                                                           \
	X(drop_inner_src)                                                                          \
	X(drop_queue_full)                                                                         \
	X(drop_no_endpoint)                                                                        \
	X(drop_oal_addr)                                                                           \
	X(keepalives_rx)                                                                           \
	X(keepalives_tx)                                                                           \
	X(handshakes)                                                                              \
	X(roamed)

struct peer_counters {
#define X(n) uint64_t n;
	PEER_COUNTERS(X)
#undef X
};

#define PEER_QUEUE_MAX 64

struct peer {
	char name[64];
	enum conf_peer_kind kind; /* server / client peers: prefixes set by aero.c */
	uint8_t ed_pk[32];
	struct in6_addr oal_addr;
	struct prefix *prefixes; /* mnp (if any) + allowed_prefix */
	size_t n_prefixes;
	union sockaddr_any endpoint; /* where packets go: configured, then last authenticated */
	bool has_endpoint;
	union sockaddr_any conf_endpoint; /* the configured one, to tell a config change */
	bool has_conf_endpoint;
	int underlay; /* index of the underlay used to reach endpoint, -1 none */
	uint32_t persistent_keepalive;
	uint32_t oal_id; /* next OAL Identification towards this peer */
	struct oal_reasm_acct reasm_acct;
	struct pbuf *q_head, *q_tail; /* inner packets waiting for a session */
	unsigned q_len;
	struct hs_peer hs; /* sessions; hs.x_pk is the X25519 form of ed_pk */
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes; /* inner packets */
	uint64_t last_rx_ms;
	struct peer_counters c;
	struct mlink_peer ml; /* multilink paths (mlink.c) */
	bool seen; /* reload bookkeeping */
};

struct peer_index_entry {
	uint32_t index;
	struct peer *peer; /* NULL: free slot; tombstones use peer == PEER_TOMBSTONE */
};

struct peer_table {
	struct peer **v;
	size_t n;
	struct ptrie *routes;
	struct peer_index_entry *idx;
	size_t idx_cap, idx_used, idx_tomb;
};

void peer_table_init(struct peer_table *t);
/** Free every peer (queued packets back to their pools) and the lookup structures. */
void peer_table_deinit(struct peer_table *t);

/** Create a peer from its config (key, prefixes, endpoint); not yet in the table. */
struct peer *peer_new(const struct conf_peer *cp, const struct conf *c, struct hs_local *l,
		      int *err);
void peer_free(struct peer *p);
/** Update a kept peer from a reloaded config (prefixes, endpoint, keepalive). */
void peer_update(struct peer *p, const struct conf_peer *cp, const struct conf *c);

/** Add @p to the table (takes ownership). */
void peer_table_add(struct peer_table *t, struct peer *p);
/** Remove @p from the table without freeing it. */
void peer_table_remove(struct peer_table *t, struct peer *p);
/** Rebuild the prefix trie from every peer's prefixes. Returns 0 or -errno. */
int peer_table_rebuild_routes(struct peer_table *t) WUR;

struct peer *peer_table_lookup_key(const struct peer_table *t, const uint8_t ed_pk[32]);
struct peer *peer_table_lookup_xkey(const struct peer_table *t, const uint8_t x_pk[32]);
struct peer *peer_table_lookup_name(const struct peer_table *t, const char *name);
struct peer *peer_table_lookup_endpoint(const struct peer_table *t, const union sockaddr_any *a);
/** Longest-prefix match of an inner address (4 or 16 octets). */
static inline struct peer *peer_table_lookup_addr(const struct peer_table *t, int family,
						  const uint8_t *addr)
{
	return ptrie_lookup(t->routes, family, addr);
}

/* Receiver-index table (open addressing, O(1)). */
int peer_index_add(struct peer_table *t, uint32_t index, struct peer *p) WUR; /* -EEXIST */
void peer_index_del(struct peer_table *t, uint32_t index);
struct peer *peer_index_lookup(const struct peer_table *t, uint32_t index);

/** Queue an inner packet until a session exists. Consumes @b (dropped when full). */
void peer_queue_push(struct peer *p, struct pbuf *b);
struct pbuf *peer_queue_pop(struct peer *p);
void peer_queue_clear(struct peer *p);
