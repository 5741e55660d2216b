/* SPDX-License-Identifier: MIT */
/*
 * node.h - one running omnid node: its configuration, identity, TUN device,
 * underlay sockets, neighbor table, reassembly state, timers and control API,
 * and the start / reload / stop life cycle. The per-packet work lives in
 * datapath.c; this module owns set-up and tear-down. Loop thread only.
 */
#pragma once

#include <uv.h>
#include "conf.h"
#include "keys.h"
#include "peer.h"
#include "ratelimit.h"
#include "udp.h"
#include "vnet.h"

/* Global counters, exported in status as counters. */
#define NODE_COUNTERS(X)                                                                           \
	X(tun_rx_packets)                                                                          \
	X(tun_rx_bytes)                                                                            \
	X(tun_tx_packets)                                                                          \
	X(tun_tx_bytes)                                                                            \
	X(tun_tx_errors)                                                                           \
	X(tun_tx_writes)                                                                           \
	X(tun_rx_gso)                                                                              \
	X(drop_bad_vnet)                                                                           \
	X(udp_rx_datagrams)                                                                        \
	X(udp_rx_bytes)                                                                            \
	X(udp_tx_datagrams)                                                                        \
	X(udp_tx_errors)                                                                           \
	X(drop_bad_inner)                                                                          \
	X(drop_no_route)                                                                           \
	X(icmp_unreach_tx)                                                                         \
	X(drop_too_big)                                                                            \
	X(drop_pool_empty)                                                                         \
	X(drop_truncated)                                                                          \
	X(drop_short)                                                                              \
	X(drop_unknown_type)                                                                       \
	X(drop_unknown_index)                                                                      \
	X(drop_bad_tag)                                                                            \
	X(drop_replay)                                                                             \
	X(drop_stale_session)                                                                      \
	X(drop_plain_disabled)                                                                     \
	X(drop_plain_unknown_peer)                                                                 \
	X(drop_oal_bad)                                                                            \
	X(drop_oal_addr)                                                                           \
	X(drop_oal_checksum)                                                                       \
	X(drop_inner_src)                                                                          \
	X(drop_reasm)                                                                              \
	X(hs_init_rx)                                                                              \
	X(hs_resp_rx)                                                                              \
	X(hs_init_tx)                                                                              \
	X(hs_resp_tx)                                                                              \
	X(hs_bad_mac1)                                                                             \
	X(hs_unknown_key)                                                                          \
	X(hs_replay)                                                                               \
	X(hs_rate_limited)                                                                         \
	X(hs_failed)                                                                               \
	X(reloads)                                                                                 \
	X(reload_failed)

struct node_counters {
#define X(n) uint64_t n;
	NODE_COUNTERS(X)
#undef X
};

/* Rate limits for peer-triggered work (§5.13 item 3 asks for handshake limits). */
#define NODE_HS_RATE_PER_S 1000
#define NODE_HS_RATE_BURST 200
#define NODE_ICMP_RATE_PER_S 10
#define NODE_ICMP_RATE_BURST 10

struct node;
struct dns;
struct scion;
struct aero;

struct underlay {
	struct node *node;
	char name[64];
	int fd;
	int family;
	union sockaddr_any listen;
	size_t budget; /* largest UDP payload: path_mtu - IP header - 8 */
	bool plain;
	bool ml_down; /* multilink: the interface is down or lost the address (mlink.c) */
	bool poll_active;
	uv_poll_t poll;
	struct udp_rx rx;
	struct udp_txq txq;
};

struct node {
	uv_loop_t *loop;
	struct conf conf;
	char config_path[4096];
	struct keys_identity id;
	char pub_b64[45];
	struct in6_addr oal_addr;
	int tun_fd;
	char tun_name[16];
	int tun_ifindex;
	bool tun_poll_active;
	uv_poll_t tun_poll;
	struct nl *nl;
	struct underlay *ul;
	size_t n_ul;
	struct peer_table peers;
	struct oal_reasm *reasm;
	struct pbuf_pool *pool_pkt;  /* TUN reads and reassembled packets */
	struct pbuf_pool *pool_frag; /* keepalives and control messages */
	struct pbuf_pool *pool_rd;   /* TUN reads with vnet headers (64 KiB super-packets) */
	bool vnet;                   /* the TUN carries virtio_net_hdr (offloads) */
	unsigned tun_offloads;       /* TUN_F_* offloads the kernel accepted */
	struct vnet_gro gro;         /* coalescing of packets written to the TUN */
	uint8_t *gro_buf;
	struct pbuf_pool *pool_gso;  /* runs of outgoing fragments, one buffer per run */
	struct hs_local hs;
	struct hs_ops hs_ops;
	bool hs_ready;
	uint8_t icmp_src6[16], icmp_src4[4]; /* source of ICMP errors: first TUN address */
	bool has_icmp_src6, has_icmp_src4;
	struct ratelimit icmp_rl; /* ICMP unreachable answers */
	struct ratelimit hs_rl;   /* handshake messages processed, globally */
	bool timer_active;
	uv_timer_t timer;
	struct api *api;
	struct dns *dns; /* the .internal zone and responder (dns.h) */
	struct scion *scion; /* SCION end host or border router (scion.h), NULL when off */
	struct aero *aero; /* AERO registration (aero.h) */
	uint64_t start_ms;
	int64_t unix_base_ms; /* Unix time in ms = unix_base_ms + loop ms */
	struct node_counters c;
	struct eh_policy eh[EH_DIR__COUNT]; /* egress EH policy (eh.h), rebuilt on reload */
	struct eh_stats eh_st[EH_DIR__COUNT];
	struct ratelimit eh_log_rl; /* debug messages about EH drops */
	bool stopping;
};

/**
 * Bring the node up from @conf (consumed on success: the node owns it):
 * identity, TUN, addresses and routes, underlay sockets, API. Returns 0 or a
 * negative errno after logging the cause; on failure everything created is
 * removed again.
 */
int node_start(struct node *n, uv_loop_t *loop, struct conf *conf, const char *config_path) WUR;
/** Reload the config file: apply peer/route changes, keep sessions. Returns 0 or -errno. */
int node_reload(struct node *n) WUR;
/** Close every handle; the caller runs the loop until it is empty, then calls node_free. */
void node_stop(struct node *n);
void node_free(struct node *n);
