/* SPDX-License-Identifier: MIT */
/*
 * wire_dns.h - the DNS message codec of the .internal responder
 * (spec/internal-tld.md §2.2): header, names (with compression pointers
 * read safely), resource records, the EDNS(0) OPT record, and the decoder of
 * one query. Pure code over caller-owned buffers: every read goes through a
 * bounded struct cur, every write through a struct wcur. A compression
 * pointer must point strictly before the label that holds it, so a name can
 * never loop; a decoded name is at most 255 octets and 127 labels. Section
 * counts are checked against the octets left before anything is read.
 * The module owns no state; the answer logic lives in dns_zone.[ch].
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cursor.h"
#include "util.h"

/* RFC 1035 §4.1.1 header, §2.3.4 size limits. */
#define DNS_HDR_LEN 12
#define DNS_NAME_MAX 255 /* wire octets of a name, root label included */
#define DNS_LABEL_MAX 63
#define DNS_TEXT_MAX 254 /* dotted text of a name: 253 characters + NUL */
#define DNS_RR_FIXED 10	 /* type, class, ttl, rdlength after the owner name */
#define DNS_QUESTION_MIN 5
#define DNS_RR_MIN 11 /* root owner + DNS_RR_FIXED */
#define DNS_PTR_MASK 0xc0

/* Message sizes: RFC 1035 §4.2.1 (512 without EDNS), RFC 6891 §6.2.5. */
#define DNS_UDP_PLAIN_MAX 512
#define DNS_UDP_EDNS_MAX 1232 /* spec/internal-tld.md §2.2: answers capped at 1232 */
#define DNS_TCP_MAX 65535
/* Largest query the responder reads (one question + OPT with a few options). */
#define DNS_QUERY_MAX 4096

/* Header flags (RFC 1035 §4.1.1, RFC 4035 §3.2 for AD/CD). */
#define DNS_FLAG_QR 0x8000
#define DNS_FLAG_AA 0x0400
#define DNS_FLAG_TC 0x0200
#define DNS_FLAG_RD 0x0100
#define DNS_FLAG_RA 0x0080
#define DNS_FLAG_AD 0x0020
#define DNS_FLAG_CD 0x0010
#define DNS_OPCODE_SHIFT 11
#define DNS_OPCODE_MASK 0x7800
#define DNS_RCODE_MASK 0x000f

#define DNS_OPCODE_QUERY 0

/* RCODEs (RFC 1035 §4.1.1, RFC 6891 §9 for BADVERS). */
#define DNS_RCODE_NOERROR 0
#define DNS_RCODE_FORMERR 1
#define DNS_RCODE_SERVFAIL 2
#define DNS_RCODE_NXDOMAIN 3
#define DNS_RCODE_NOTIMP 4
#define DNS_RCODE_REFUSED 5
#define DNS_RCODE_BADVERS 16

/* Types and classes (RFC 1035 §3.2.2, RFC 3596, RFC 6891, RFC 1995, RFC 5936). */
#define DNS_TYPE_A 1
#define DNS_TYPE_NS 2
#define DNS_TYPE_CNAME 5
#define DNS_TYPE_SOA 6
#define DNS_TYPE_PTR 12
#define DNS_TYPE_AAAA 28
#define DNS_TYPE_OPT 41
#define DNS_TYPE_IXFR 251
#define DNS_TYPE_AXFR 252
#define DNS_TYPE_ANY 255
#define DNS_CLASS_IN 1
#define DNS_CLASS_ANY 255

/* EDNS(0) (RFC 6891 §6.1.3): the DO bit in the OPT TTL field. */
#define DNS_EDNS_DO 0x8000

struct dns_header {
	uint16_t id;
	uint16_t flags; /* QR, opcode, AA, TC, RD, RA, Z, AD, CD, RCODE as on the wire */
	uint16_t qdcount, ancount, nscount, arcount;
};

/* One resource record as read: the owner decompressed, rdata borrowed from the message. */
struct dns_rr {
	uint8_t name[DNS_NAME_MAX];
	size_t name_len;
	uint16_t type, rclass;
	uint32_t ttl;
	const uint8_t *rdata;
	uint16_t rdlen;
	size_t rdata_off; /* offset of rdata in the message (to decompress names in it) */
};

/* A decoded query (one question, at most one OPT record). */
struct dns_query {
	struct dns_header hdr;
	uint8_t opcode;
	uint8_t qname[DNS_NAME_MAX]; /* uncompressed wire form, case as received */
	size_t qname_len;
	uint16_t qtype, qclass;
	bool has_edns;
	uint16_t edns_udp_size; /* the requestor's payload size, as sent */
	uint8_t edns_version;
	bool edns_do;
};

/** Read the 12-octet header. False (c->bad) if short. */
bool wire_dns_header_read(struct cur *c, struct dns_header *h);
/** Write the 12-octet header. False (w->bad) if short. */
bool wire_dns_header_write(struct wcur *w, const struct dns_header *h);

/**
 * wire_dns_name_read() - read the name at @c, which points into @msg
 * (@msg_len octets), following compression pointers (RFC 1035 §4.1.4).
 * Writes the uncompressed wire form (case preserved) to @out and its length
 * to *@out_len; advances @c past the name as stored (up to and including the
 * first pointer). Rules: label types 0x40/0x80 are refused; a pointer must
 * point strictly before the start of the label sequence that contains it
 * (so no loop is possible), and inside @msg; the result is at most
 * DNS_NAME_MAX octets. Return: 0 or -EBADMSG (@c is then bad).
 */
int wire_dns_name_read(struct cur *c, const uint8_t *msg, size_t msg_len, uint8_t out[DNS_NAME_MAX],
		       size_t *out_len) WUR;

/**
 * wire_dns_rr_read() - read one resource record at @c (inside @msg). The
 * rdata is bounds-checked against the message but not interpreted.
 * Return: 0 or -EBADMSG.
 */
int wire_dns_rr_read(struct cur *c, const uint8_t *msg, size_t msg_len, struct dns_rr *rr) WUR;

/**
 * wire_dns_query_decode() - validate and decode a query of @len octets.
 * Requirements: QR clear; for opcode QUERY exactly one question, no answer
 * or authority records, and at most one additional record, which must be an
 * OPT with the root owner (RFC 6891 §6.1.1); the counts must fit the octets
 * left (each question >= 5, each record >= 11 octets); nothing may follow
 * the last record. For another opcode only the header is decoded.
 * Return: 0 (query valid; check @q->opcode), -EMSGSIZE (shorter than a
 * header or longer than DNS_QUERY_MAX), -EPROTO (QR set: a response, never
 * answered), -EBADMSG (malformed; @q->hdr is valid).
 */
int wire_dns_query_decode(const uint8_t *msg, size_t len, struct dns_query *q) WUR;

/** Write @name (uncompressed wire form). False if short. */
bool wire_dns_name_write(struct wcur *w, const uint8_t *name, size_t len);
/** Write a compression pointer to message offset @off (< 0x4000). */
bool wire_dns_ptr_write(struct wcur *w, uint16_t off);
/** Write type, class, TTL and rdlength (the owner is written by the caller). */
bool wire_dns_rr_fixed_write(struct wcur *w, uint16_t type, uint16_t rclass, uint32_t ttl,
			     uint16_t rdlen);
/**
 * Write an OPT record (RFC 6891 §6.1.2): root owner, @udp_size in the class
 * field, @ext_rcode (the upper 8 bits of a 12-bit RCODE), version 0, the DO
 * bit if @do_bit, no options. Always DNS_RR_MIN octets.
 */
bool wire_dns_opt_write(struct wcur *w, uint16_t udp_size, uint8_t ext_rcode, bool do_bit);

/* ---- names ---- */

/**
 * dns_name_from_text() - "a.b.c" or "a.b.c." to wire form. Labels must be
 * 1..63 octets of printable ASCII without '\\' (no escapes are read); the
 * empty string and "." give the root name. Return: 0 or -EINVAL.
 */
int dns_name_from_text(const char *text, uint8_t out[DNS_NAME_MAX], size_t *out_len) WUR;
/**
 * dns_name_to_text() - wire form to dotted text without the final dot ("."
 * for the root). Octets outside [!-~] and '.' or '\\' inside a label are
 * written as \DDD (RFC 1035 §5.1), so the text is printable and unambiguous.
 * Return: 0, or -ENOSPC if @cap is too small (the text is then truncated),
 * -EINVAL if @name is not a well-formed uncompressed name of @len octets.
 */
int dns_name_to_text(const uint8_t *name, size_t len, char *out, size_t cap) WUR;
/** Lower-case the ASCII letters of a wire-form name in place (labels only, not lengths). */
void dns_name_lower(uint8_t *name, size_t len);
/** Number of labels of a well-formed wire name (root = 0). */
size_t dns_name_labels(const uint8_t *name, size_t len);
/**
 * dns_name_is_under() - true if the well-formed wire name @name ends in the
 * labels of @suffix (case-insensitive); *@prefix_len (may be NULL) gets the
 * octets before the suffix (0 when equal).
 */
bool dns_name_is_under(const uint8_t *name, size_t len, const uint8_t *suffix, size_t slen,
		       size_t *prefix_len);
/** True if every label of the wire name is an LDH label (RFC 1123 §2.1). */
bool dns_name_is_ldh(const uint8_t *name, size_t len);
