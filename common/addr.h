/* SPDX-License-Identifier: MIT */
/*
 * addr.h - socket-address and prefix parsing/formatting, and the OMNI address
 * derivations of spec/omni-aero.md §2.2-2.5 (MNP-LLA, ADM-LLA, ULA-MNP,
 * ULA-ADM and their inverses). Pure functions over caller-owned storage.
 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include "util.h"

struct prefix {
	int family;        /* AF_INET or AF_INET6 */
	uint8_t addr[16];  /* network order; IPv4 in the first 4 octets */
	uint8_t plen;
};

union sockaddr_any {
	struct sockaddr sa;
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
	struct sockaddr_storage ss;
};

#define ADDR_STR_MAX 64 /* fits "[v6%scope]:port" and "v6/128" */

/**
 * Parse "a.b.c.d:port", "[v6]:port", "a.b.c.d" or "[v6]"/"v6" (port defaults
 * to @default_port). Returns 0 or -EINVAL.
 */
int addr_parse_endpoint(const char *s, uint16_t default_port, union sockaddr_any *out) WUR;
/** Parse "addr/len" (or a bare address, len = 32/128). Host bits are kept. Returns 0 or -EINVAL. */
int addr_parse_prefix(const char *s, struct prefix *out) WUR;
/** Zero the host bits of @p. */
void prefix_mask(struct prefix *p);
/** True if @addr (family @family, 4 or 16 octets) lies in @p. */
bool prefix_contains(const struct prefix *p, int family, const uint8_t *addr);
/** True if prefixes @a and @b overlap (one contains the other). */
bool prefix_overlaps(const struct prefix *a, const struct prefix *b);
/** Format into @buf (ADDR_STR_MAX): "addr/len". Returns @buf. */
char *prefix_format(const struct prefix *p, char *buf, size_t len);
/** Format "a.b.c.d:port" or "[v6]:port". Returns @buf. */
char *addr_format_endpoint(const union sockaddr_any *a, char *buf, size_t len);
socklen_t addr_len(const union sockaddr_any *a);
/** Same address family, address and port. */
bool addr_equal(const union sockaddr_any *a, const union sockaddr_any *b);

/* OMNI derivations (spec §2.2-2.3). @mnp must be IPv6 with plen <= 64. */
void omni_lla_from_mnp(const struct prefix *mnp, struct in6_addr *out);
void omni_lla_adm(uint32_t msid, struct in6_addr *out);
/** ULA /64 = @domain (a /48) + 16-bit @link_id, then the MNP's upper 64 bits. */
void omni_ula_from_mnp(const struct prefix *domain, uint16_t link_id, const struct prefix *mnp,
		       struct in6_addr *out);
void omni_ula_adm(const struct prefix *domain, uint16_t link_id, uint32_t msid,
		  struct in6_addr *out);
/** IPv4 MNP LLA: fe80::ffff:a.b.c.d. */
void omni_lla_from_ipv4_mnp(const struct prefix *mnp4, struct in6_addr *out);
/** Inverse of omni_lla_from_mnp: the upper 64 bits of the MNP, lower zero. */
void omni_mnp64_from_lla(const struct in6_addr *lla, struct in6_addr *out);
/** Inverse of omni_lla_adm: returns false if @lla is not fe80::/96 + MSID (non-zero). */
bool omni_msid_from_lla(const struct in6_addr *lla, uint32_t *msid);
