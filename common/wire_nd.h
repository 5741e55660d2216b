/* SPDX-License-Identifier: MIT */
/*
 * wire_nd.h - the IPv6 Neighbor Discovery codec (RS, RA, NS, NA; RFC 4861)
 * with the OMNI option and its sub-options (spec/omni-aero.md §4.2-4.6) and
 * the omnid Authentication sub-option (§4.5, §5.13 item 2; coverage as in
 * vectors/omni VECTORS.md §2.2). The codec owns the whole inner ND packet:
 * IPv6 header, ICMPv6 checksum, fixed part, options. Decoding is
 * validate-then-parse into a plain struct nd_msg (bounded arrays, no
 * allocation; variable data points into the caller's bytes); encoding builds,
 * pads every OMNI option on its own, signs (Ed25519, libsodium) and
 * checksums. Pure functions: no state, no logging, no clock (callers pass
 * the time), no globals.
 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "omni_wire.h"
#include "util.h"

#define ND_SUBOPT_MAX 64	    /* sub-options (padding included) kept per message */
#define ND_OPT_MAX 16		    /* ND options (OMNI and others) kept per message */
#define ND_MSID_MAX 32		    /* MSIDs per MS-Register / MS-Release */
#define ND_MSG_MAX OMNI_MTU_DEFAULT /* largest inner ND packet handled */

/*
 * Decode error classes (VECTORS.md §2.3 names plus omnid's own). Each one is
 * distinct so the caller can count it; the function still returns -EBADMSG.
 */
enum wire_nd_err {
	WIRE_ND_OK = 0,
	WIRE_ND_EIPV6,		 /* not version 6 / Next Header 58, length mismatch, too big */
	WIRE_ND_ECHECKSUM,	 /* ICMPv6 checksum does not verify */
	WIRE_ND_EHOPLIMIT,	 /* inner hop limit is not 255 */
	WIRE_ND_ETYPE,		 /* ICMPv6 type is not RS/RA/NS/NA */
	WIRE_ND_EFIXED,		 /* code not 0, or the fixed part is short */
	WIRE_ND_EOPTLEN_ZERO,	 /* an ND option with Length 0 */
	WIRE_ND_EOPT_OVERRUN,	 /* option Length runs past the message (or a short tail) */
	WIRE_ND_ESUBLEN_OVERRUN, /* sub-option header/Sub-Length past its option's end */
	WIRE_ND_ESUBOPT_LEN,	 /* a known sub-option's Sub-Length does not fit its layout */
	WIRE_ND_EAUTH_NOT_LAST,	 /* a non-padding sub-option follows Authentication */
	WIRE_ND_EDUP,		 /* a duplicate critical sub-option (§4.6) */
	WIRE_ND_ELIMIT,		 /* more options/sub-options/MSIDs than this codec keeps */
	WIRE_ND_EAUTH_MISSING,	 /* verify: no Authentication sub-option */
	WIRE_ND_EAUTH_ALG,	 /* verify: Alg not implemented (only 1) */
	WIRE_ND_EAUTH_BADSIG,	 /* verify: the Ed25519 signature does not verify */
	WIRE_ND_EAUTH_STALE,	 /* verify: timestamp outside the caller's window */
	WIRE_ND_ERR_COUNT
};

/** Upper-case label of @e ("ECHECKSUM", ...), never NULL. */
const char *wire_nd_err_name(enum wire_nd_err e);

/** Where and why a decode failed. */
struct nd_err {
	enum wire_nd_err code;
	size_t offset; /* octet offset from the inner IPv6 header of the defect */
};

/** Interface Attributes (type 3), spec §4.5 / VECTORS.md §2.2. */
struct nd_ifattr {
	uint8_t if_index, if_type, provider_id;
	uint8_t link; /* 4 bits */
	uint8_t r;    /* 1 bit */
	uint8_t api;  /* 3 bits: OMNI_IFATTR_API_* */
	uint8_t srt;  /* 5 bits */
	uint8_t fmt;  /* 3 bits: OMNI_IFATTR_FMT_* */
	uint8_t reserved;
	uint32_t lhs_msid;
	uint16_t port;	      /* L2ADDR UDP port (API 1, 2) */
	uint8_t addr[16];     /* L2ADDR IPv4 (4 octets) or IPv6 (16) */
	const uint8_t *prefs; /* octets after the L2ADDR (preference bitmap), or NULL */
	size_t prefs_len;
};

/** Origin Indication (type 5), stored de-obfuscated. */
struct nd_origin {
	bool v6;	  /* Sub-Length 18 (IPv6) rather than 6 (IPv4) */
	uint16_t port;	  /* clear port */
	uint8_t addr[16]; /* clear address, 4 or 16 octets */
};

/** MS-Register / MS-Release (types 6, 7). */
struct nd_msids {
	uint8_t n;
	uint32_t msid[ND_MSID_MAX];
};

/** Node Identification (type 14). @id points into the decoded / caller's bytes. */
struct nd_node_id {
	uint8_t id_type;
	const uint8_t *id;
	size_t id_len;
};

/** Authentication (type 28). */
struct nd_auth {
	uint8_t alg, reserved;
	uint32_t key_id;
	uint64_t timestamp_ms;
	const uint8_t *data; /* Alg-specific data (signature), points into the packet */
	size_t data_len;
};

/** Any other sub-option: skipped, kept as raw data. */
struct nd_unknown {
	const uint8_t *data;
	size_t len;
};

struct nd_subopt {
	uint8_t type;	     /* OMNI_SUB_* (0..31) */
	uint8_t option;	     /* index of the OMNI option holding it (0-based) */
	uint16_t sub_length; /* data octets (0 for Pad1) */
	uint16_t offset;     /* from the inner IPv6 header (decode only) */
	bool known;	     /* a type this codec parses (false: skipped) */
	union {
		struct nd_ifattr ifattr;
		struct nd_origin origin;
		struct nd_msids msids;
		struct nd_node_id node_id;
		struct nd_auth auth;
		struct nd_unknown unknown; /* also PadN content */
	} u;
};

/** One ND option as found on the wire (decode only). */
struct nd_opt {
	uint8_t type;
	uint8_t len;	 /* in 8-octet units */
	uint16_t offset; /* from the inner IPv6 header */
};

struct nd_msg {
	/* inner IPv6 header */
	uint8_t tc;
	uint32_t flow;	      /* 20 bits */
	uint16_t payload_len; /* decode only; the encoder computes it */
	uint8_t hop_limit;
	struct in6_addr src, dst;
	/* ICMPv6 */
	uint8_t type, code;
	uint16_t checksum; /* decode only */
	/* fixed parts (RFC 4861 §4.1-4.4), by type */
	uint32_t reserved; /* RS, NS: the reserved word; NA: the 29 low bits of the flag word */
	uint8_t ra_cur_hop_limit, ra_flags;
	uint16_t ra_router_lifetime;
	uint32_t ra_reachable_time, ra_retrans_timer;
	bool na_r, na_s, na_o;
	struct in6_addr target; /* NS, NA */
	/* options (decode only; the encoder emits OMNI options only) */
	uint8_t n_opts;
	struct nd_opt opts[ND_OPT_MAX];
	uint8_t n_omni; /* OMNI options seen */
	/* sub-options of all OMNI options, in wire order, padding included */
	uint16_t n_sub;
	struct nd_subopt sub[ND_SUBOPT_MAX];
	int auth_idx;	  /* index in sub[] of Authentication, -1 if none (decode) */
	int node_key_idx; /* index of Node Identification ID-Type 253, -1 if none (decode) */
};

/**
 * Decode the inner ND packet @p (@n octets, from the IPv6 header) into @out.
 * Checks in the order of VECTORS.md §2.3: IPv6 header (version 6, Next
 * Header 58, Payload Length == @n - 40, @n <= ND_MSG_MAX), ICMPv6 checksum,
 * hop limit 255, type RS/RA/NS/NA with code 0 and its fixed part, every ND
 * option (Length non-zero and within the message; non-OMNI options skipped),
 * each OMNI option's sub-options (Sub-Length within the option, known layouts,
 * skip unknown types), Authentication last, duplicates (§4.6). The signature
 * is not checked here: see wire_nd_verify(). Pointers in @out point into @p.
 * Returns 0, or -EBADMSG with @err (may be NULL) set to the class and offset.
 */
int wire_nd_decode(const uint8_t *p, size_t n, struct nd_msg *out, struct nd_err *err) WUR;

/**
 * Check the Authentication sub-option of @m, decoded from @p/@n by
 * wire_nd_decode(). The key is the Node Identification ID-Type 253 key when
 * @m carries one, else @cfg_key (the caller's configured key for the inner
 * source, 32 octets, may be NULL). *@used_key (may be NULL) is set to the key
 * checked, so the caller can authorize it. The timestamp must lie within
 * @window_ms of @now_ms (both in ms since 1970); @window_ms 0 skips the
 * timestamp check (offline decoding only).
 * Returns 0; -ENOKEY when no key is available; -EBADMSG with @err set to
 * EAUTH_MISSING, EAUTH_ALG, EAUTH_BADSIG or EAUTH_STALE; -EIO when libsodium
 * cannot initialise.
 */
int wire_nd_verify(const uint8_t *p, size_t n, const struct nd_msg *m, const uint8_t *cfg_key,
		   uint64_t now_ms, uint32_t window_ms, const uint8_t **used_key,
		   enum wire_nd_err *err) WUR;

/**
 * Build the inner ND packet for @m into @out (@cap octets): IPv6 header
 * (Payload Length computed), ICMPv6 fixed part for @m->type, then
 * max(sub[].option) + 1 OMNI options holding @m->sub[0 .. n_sub) in order.
 * Padding entries (Pad1/PadN) in @m->sub are ignored: every OMNI option is
 * padded on its own with the fewest octets (none, Pad1, or one PadN). For an
 * Alg 1 Authentication sub-option: with @sign_sk (libsodium's 64-octet
 * Ed25519 secret key) the signature is computed over the VECTORS.md §2.2
 * coverage; without it, auth.data (64 octets) is written as given. The Key
 * ID and timestamp are taken from @m. The ICMPv6 checksum comes last.
 * Unknown types are written from u.unknown.
 * Returns the packet length, -EINVAL (unsupported type, a sub-option whose
 * fields do not fit its layout, Authentication not last, option index
 * out of order), -EMSGSIZE (an OMNI option over 2040 octets, or the
 * packet over ND_MSG_MAX), -ENOSPC (@cap too small) or -EIO (libsodium).
 */
ssize_t wire_nd_encode(const struct nd_msg *m, const uint8_t *sign_sk_or_null, uint8_t *out,
		       size_t cap) WUR;
