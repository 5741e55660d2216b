/* SPDX-License-Identifier: MIT */
/*
 * datapath.h - the per-packet glue TUN <-> OAL <-> secured carrier <-> UDP,
 * and the handshake / keepalive timers that feed it. Works on a struct node
 * set up by node.c; never allocates per packet (pbuf pools), never blocks,
 * and drops and counts anything malformed. Loop thread only.
 */
#pragma once

#include "node.h"

/** Drain the TUN device (bounded batch), encapsulate and send. */
void datapath_tun_readable(struct node *n);
/** Drain one underlay socket (bounded batch) and deliver what authenticates. */
void datapath_udp_readable(struct node *n, struct underlay *ul);
/** Periodic work: handshake retransmits, rekeys, keepalives, reassembly expiry. */
void datapath_tick(struct node *n, uint64_t now_ms);
/** Start a handshake with @p now if it has an endpoint (start-up, reload, new peer). */
void datapath_peer_kick(struct node *n, struct peer *p, uint64_t now_ms);
/** Send @p an authenticated keepalive now if its session is up (AERO mobility: the
 * neighbor learns our new underlay source from it); nothing otherwise. */
void datapath_peer_keepalive(struct node *n, struct peer *p, uint64_t now_ms);
/** A sealed carrier with payload @d (@len octets) to @p on p->endpoint / p->underlay, now
 * (a multilink path probe); nothing without an established session. */
void datapath_peer_sealed(struct node *n, struct peer *p, const uint8_t *d, size_t len,
			  uint64_t now_ms);
/** Forget @p's receiver indices and pending reassembly before it is freed. */
void datapath_peer_forget(struct node *n, struct peer *p);
/**
 * Send the inner control packet @pkt (an ND message built by aero.c) to @p
 * over its secured carrier, or queue it until a session exists; copied, so
 * @pkt stays the caller's. Drops and counts when no buffer is free.
 */
void datapath_send_control(struct node *n, struct peer *p, const uint8_t *pkt, size_t len,
			   uint64_t now);
/** The underlay used to reach @a (first of the same family), or -1. */
int datapath_underlay_for(const struct node *n, const union sockaddr_any *a);
