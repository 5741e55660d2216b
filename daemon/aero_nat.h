/* SPDX-License-Identifier: MIT */
/*
 * aero_nat.h - NAT traversal helpers for AERO route optimization
 * (spec/omni-aero.md §5.10, docs/aero.md): the "bubble", an empty UDP
 * datagram sent from an underlay socket to a neighbor's NAT-mapped origin
 * with a small IP TTL / hop limit, so that it opens our own NAT's mapping
 * towards that origin but expires before it reaches the neighbor's NAT
 * (which would otherwise record an unanswered inbound flow on that port
 * pair and move the neighbor's own outbound mapping to another port). Owns
 * nothing; the socket is the caller's.
 */
#pragma once

#include "addr.h"
#include "util.h"

/* [P] bubble TTL: passes a NAT one or two hops away (home router, then the
 * access router), dies before a NAT at the far end of a path of 3+ hops. */
#define AERO_NAT_BUBBLE_TTL 2

/**
 * aero_nat_bubble() - send an empty datagram on @fd (an AF_INET or AF_INET6
 * UDP socket of the family of @to, or AF_INET6 for a v4-mapped @to) to @to
 * with IP TTL / IPv6 hop limit @ttl (1..255) for this datagram only.
 * Return: 0, -EINVAL for a bad @ttl or family, or the -errno of sendmsg().
 */
int aero_nat_bubble(int fd, const union sockaddr_any *to, int ttl) WUR;
