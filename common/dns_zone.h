/* SPDX-License-Identifier: MIT */
/*
 * dns_zone.h - the name table of one overlay zone, <overlay>.internal
 * (spec/internal-tld.md §2.1), and the pure answer builder of the
 * authoritative-only responder (§2.2). The zone owns its entries: one per
 * node name, each with up to DNS_ZONE_ADDRS_MAX addresses, an optional
 * 8-octet Node ID (the stable name <hex>.id.<zone>), where it came from
 * (this node, a configured neighbor, an AERO registration) and an optional
 * expiry. dns_zone_answer() turns one query into one response in a caller
 * buffer; it never recurses, never allocates and reads the query through
 * wire_dns. No I/O, no clock: callers pass the time in milliseconds.
 *
 * Answers:
 *  - <name>.<zone> and <id>.id.<zone>: A / AAAA (ANY gives both); other
 *    types NODATA. TTL = [dns] ttl, or the time left on the entry if less.
 *  - <zone> (apex): SOA, NS (the SOA MNAME: this node's name); ANY: both.
 *  - id.<zone> while any entry has an ID: NODATA (empty non-terminal).
 *  - other names inside the zone: NXDOMAIN; NODATA and NXDOMAIN carry the
 *    SOA in the authority section (RFC 2308 §3), TTL = [dns] ttl.
 *  - PTR for the exact reverse name (ip6.arpa / in-addr.arpa) of an address
 *    in the table; every other name, class, AXFR and IXFR: REFUSED.
 *  - opcode other than QUERY: NOTIMP; EDNS version > 0: BADVERS.
 *  - AA on every answer from the zone, RA never, RD and CD copied.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util.h"
#include "wire_dns.h"

#define DNS_ZONE_TLD "internal"
#define DNS_ZONE_ID_LABEL "id"
#define DNS_ZONE_ID_LEN 8	       /* octets of a Node ID: the first 8 of the Ed25519 key */
#define DNS_ZONE_ADDRS_MAX 32	       /* addresses per name */
#define DNS_ZONE_ENTRIES_MAX 65536     /* names per zone */
#define DNS_ZONE_LIFETIME_MAX 31536000 /* a year: keeps expiry arithmetic far from overflow */
/* SOA timers (RFC 1035 §3.3.13); nothing transfers this zone, they are informative. */
#define DNS_ZONE_SOA_REFRESH 3600
#define DNS_ZONE_SOA_RETRY 600
#define DNS_ZONE_SOA_EXPIRE 86400

enum dns_zone_src {
	DNS_ZONE_SRC_SELF,	   /* this node ([node] name, [omni] address) */
	DNS_ZONE_SRC_CONFIG,	   /* a configured neighbor ([peer.NAME]) */
	DNS_ZONE_SRC_REGISTRATION, /* an AERO client's registration (Node Identification FQDN) */
};

struct dns_zone_addr {
	int family; /* AF_INET or AF_INET6 */
	uint8_t addr[16];
};

struct dns_zone_entry {
	char name[DNS_LABEL_MAX + 1]; /* one lower-case LDH label */
	uint8_t id[DNS_ZONE_ID_LEN];
	bool has_id;
	struct dns_zone_addr addrs[DNS_ZONE_ADDRS_MAX];
	size_t n_addrs;
	enum dns_zone_src src;
	uint64_t expires_ms; /* 0: never */
};

/* What dns_zone_answer() did, for counters and logs. */
struct dns_answer_info {
	uint8_t rcode; /* the full RCODE (BADVERS = 16) */
	bool aa;
	bool truncated;
	bool edns;
	uint16_t qtype;
	uint16_t answers; /* records in the answer section */
};

struct dns_zone;

/**
 * dns_zone_new() - an empty zone <@overlay>.internal with answer TTL @ttl
 * seconds and SOA serial @serial. @overlay must be one LDH label (it is
 * lower-cased). Return: the zone (dns_zone_free()) or NULL if @overlay is
 * not a label.
 */
struct dns_zone *dns_zone_new(const char *overlay, uint32_t ttl, uint32_t serial);
void dns_zone_free(struct dns_zone *z);
/** Change the TTL of answers (and the SOA minimum). Bumps the serial. */
void dns_zone_set_ttl(struct dns_zone *z, uint32_t ttl);
/** The zone's name in text, "<overlay>.internal" (no trailing dot). */
const char *dns_zone_origin(const struct dns_zone *z);
uint32_t dns_zone_ttl(const struct dns_zone *z);
uint32_t dns_zone_serial(const struct dns_zone *z);

/**
 * dns_zone_add() - add or refresh the name @name: one LDH label, or the
 * FQDN "<label>.<zone>" (any case, optional final dot), as an AERO
 * registration carries it. @id (DNS_ZONE_ID_LEN octets, may be NULL) gives
 * the stable name <hex>.id.<zone>. @addrs: @n addresses (0 is allowed: the
 * name exists without data); duplicates are stored once. @lifetime_s = 0
 * keeps the name until removed, else it expires @lifetime_s seconds after
 * @now_ms and answers never outlive it.
 *
 * Collisions (first come, §2.1): a live entry of the same name is replaced
 * only if it has the same @src and the same ID (or both have none); an
 * entry of the same @src and ID under another name is renamed (replaced).
 * Expired entries never collide.
 * Return: 0, -EINVAL (@name not a label or not inside the zone, @n or
 * @lifetime_s too large, an address family not AF_INET/AF_INET6), -EEXIST
 * (the name or the ID is held by another entry), -ENOSPC (zone full).
 */
int dns_zone_add(struct dns_zone *z, const char *name, const uint8_t *id,
		 const struct dns_zone_addr *addrs, size_t n, enum dns_zone_src src,
		 uint32_t lifetime_s, uint64_t now_ms) WUR;
/** Remove the name @name (label or FQDN as for dns_zone_add). Return: 0 or -ENOENT. */
int dns_zone_remove(struct dns_zone *z, const char *name) WUR;
/** Remove every entry from @src. Returns how many were removed. */
size_t dns_zone_remove_src(struct dns_zone *z, enum dns_zone_src src);
/** Remove entries whose expiry is at or before @now_ms. Returns how many. */
size_t dns_zone_expire(struct dns_zone *z, uint64_t now_ms);

/** Entries in insertion order (expired ones included until dns_zone_expire()). */
size_t dns_zone_count(const struct dns_zone *z);
const struct dns_zone_entry *dns_zone_get(const struct dns_zone *z, size_t i);
/**
 * dns_zone_entry_ttl() - the TTL an answer about @e carries at @now_ms, or
 * -1 if @e has expired.
 */
int64_t dns_zone_entry_ttl(const struct dns_zone *z, const struct dns_zone_entry *e,
			   uint64_t now_ms);

/**
 * dns_zone_answer() - answer the query @q (@qlen octets) as described at
 * the top of this file. The response is limited to 65535 octets over TCP
 * (@tcp), otherwise to 512 without EDNS and to the requestor's EDNS size
 * clamped to 512..DNS_UDP_EDNS_MAX with it, and always to @cap. If the
 * answer does not fit, the response holds the question (and OPT) with TC
 * set. @cap must be at least DNS_UDP_PLAIN_MAX.
 * Return: 0 with *@out_len octets in @out and @info filled, or a negative
 * errno from wire_dns_query_decode() (-EMSGSIZE, -EPROTO, -EBADMSG): the
 * input is not a query to answer and must be dropped.
 */
int dns_zone_answer(const struct dns_zone *z, const uint8_t *q, size_t qlen, bool tcp,
		    uint64_t now_ms, uint8_t *out, size_t cap, size_t *out_len,
		    struct dns_answer_info *info) WUR;
