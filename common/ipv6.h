/* SPDX-License-Identifier: MIT */
/*
 * ipv6.h - small accessors for inner (TUN-side, "original") IPv4 and IPv6
 * packets: validate that a packet's own length field matches the bytes we
 * hold, and read its addresses and Traffic Class / TOS octet. Pure functions
 * over caller-owned bytes; nothing here allocates, logs or keeps state.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include "util.h"

#define IPV6_HDR_LEN 40
#define IPV4_HDR_MIN_LEN 20

/**
 * Check that @p (@n bytes) is one complete inner IPv4 or IPv6 packet, chosen
 * by the version nibble: the fixed header is present (IPv4: IHL >= 5 and the
 * whole IHL*4 header), and the packet's own length (IPv4 Total Length, IPv6
 * Payload Length + 40) equals @n exactly. IPv6 Payload Length 0 (a jumbogram,
 * RFC 2675) is rejected. IPv4 options are allowed; the IPv4 header checksum is
 * not verified (the receiving stack does that).
 * On success stores the OAL Fragment header Next Header for this packet in
 * @oal_nh (41 for IPv6, 4 for IPv4; may be NULL).
 * Returns 0, or -EBADMSG for anything else (other versions, short, mismatch).
 */
int ipv6_inner_len(const uint8_t *p, size_t n, uint8_t *oal_nh) WUR;

/*
 * The accessors below expect a packet that ipv6_inner_len() accepted. They
 * set *family to AF_INET or AF_INET6 and *addr to the 4 or 16 address octets
 * inside @pkt (no copy).
 */
void ipv6_inner_src(const uint8_t *pkt, int *family, const uint8_t **addr);
void ipv6_inner_dst(const uint8_t *pkt, int *family, const uint8_t **addr);

/** IPv6 Traffic Class or IPv4 TOS octet (DSCP + ECN) of a validated inner packet. */
uint8_t ipv6_inner_tc(const uint8_t *pkt);
