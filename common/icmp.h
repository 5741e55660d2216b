/* SPDX-License-Identifier: MIT */
/*
 * icmp.h - builds the ICMP "destination unreachable" answer for an inner
 * packet that no neighbor's prefix covers (spec/omni-aero.md §5.14): ICMPv6
 * type 1 code 0 (RFC 4443 §3.1) or ICMPv4 type 3 code 0 (RFC 792). Pure: reads
 * the invoking packet, writes the answer into the caller's buffer, and
 * decides when no answer may be sent (errors about errors, multicast, ...).
 * Also owns the Internet checksum and the finishing of any ICMPv6 packet the
 * daemon builds (length and checksum over the RFC 8200 §8.1 pseudo-header).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include "util.h"

#define ICMP6_ERR_MAX 1280 /* RFC 4443 §2.4 (c): the error fits the minimum MTU */
#define ICMP4_ERR_MAX 576  /* RFC 1812 §4.3.2.3 */

/**
 * Build an unreachable answer to @pkt (@len octets, a validated inner IPv4 or
 * IPv6 packet) from @src (4 or 16 octets, the family of @pkt) into @out (@cap
 * octets; ICMP6_ERR_MAX is always enough). Returns the answer's length, 0 when
 * RFC 4443 §2.4 (e) / RFC 1122 §3.2.2 forbid an answer (the invoking packet is
 * an ICMP error, or was sent to or from a multicast, broadcast or unspecified
 * address, or is a non-first IPv4 fragment), or -ENOSPC.
 */
int icmp_unreach_build(const uint8_t *pkt, size_t len, const uint8_t *src, uint8_t *out,
		       size_t cap) WUR;

/** The Internet checksum (RFC 1071) of @n octets, folded and complemented, seeded with @sum. */
uint16_t icmp_csum(const uint8_t *p, size_t n, uint32_t sum);

/**
 * Finish an IPv6 packet of @len octets whose fixed header is followed directly by
 * an ICMPv6 message: set the Payload Length to @len - 40 and the ICMPv6 checksum
 * over the RFC 8200 §8.1 pseudo-header (addresses, upper-layer length, next
 * header 58) and the message (RFC 4443 §2.3). Next Header is not checked.
 * Returns 0, or -EINVAL (nothing written) if @len is below 44 or above 40 + 65535.
 */
int icmp_finish6(uint8_t *pkt, size_t len) WUR;
