/* SPDX-License-Identifier: MIT */
/*
 * wire_scion.h - the SCION data-plane codec (spec/scion.md §1, §2, §4, §5):
 * the common header, the address header (IPv4 / IPv6 / SVC hosts), the path
 * types Empty, SCION (PathMeta, info fields, hop fields), OneHop and EPIC-HP
 * (parse, encode, reverse the embedded path), path reversal, the HBH/E2E
 * extension-header walk, UDP and every SCMP message of §5.2, and the
 * upper-layer checksum with the SCION pseudo-header.
 *
 * Validate-then-parse into plain structs with fixed bounded arrays: nothing
 * here allocates, logs or keeps state, and every length field is read
 * through a bounded cursor. The encoders reproduce a parsed packet byte for
 * byte (raw flag and reserved bits are kept). Pointers in parsed structs
 * (payload, data) point into the caller's buffer and live as long as it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cursor.h"
#include "util.h"

#define SCION_CMN_LEN 12	/* common header (§1.1) */
#define SCION_ADDR_FIXED_LEN 16 /* DstIA + SrcIA (§1.2) */
#define SCION_MAX_HDR_LEN 1020	/* HdrLen 255 x 4 */
#define SCION_MAX_INF 3
#define SCION_MAX_HF 64
#define SCION_META_LEN 4
#define SCION_INF_LEN 8
#define SCION_HF_LEN 12
#define SCION_MAC_LEN 6
#define SCION_ONEHOP_LEN 32
#define SCION_EPIC_HDR_LEN 16 /* PktID(8) + PHVF(4) + LHVF(4) */

/* PathType (§1.1). */
enum scion_path_type {
	SCION_PATH_EMPTY = 0,
	SCION_PATH_SCION = 1,
	SCION_PATH_ONEHOP = 2,
	SCION_PATH_EPIC = 3,
	SCION_PATH_COLIBRI = 4,
};

/* NextHdr / L4 protocol numbers (§1.1). */
#define SCION_PROTO_TCP 6
#define SCION_PROTO_UDP 17
#define SCION_PROTO_HBH 200
#define SCION_PROTO_E2E 201
#define SCION_PROTO_SCMP 202
#define SCION_PROTO_BFD 203

/* Host address types (T, L) of §1.1: the 4-bit nibble T<<2 | L. */
#define SCION_HOST_IPV4 0x0
#define SCION_HOST_IPV6 0x3
#define SCION_HOST_SVC 0x4

/* SVC numbers (§1.2). */
#define SCION_SVC_DS 0x0001
#define SCION_SVC_CS 0x0002
#define SCION_SVC_WILDCARD 0x0010
#define SCION_SVC_MULTICAST 0x8000

/* InfoField flags (§2.2) and HopField flags (§2.3). */
#define SCION_INF_C 0x01
#define SCION_INF_P 0x02
#define SCION_HF_E 0x01
#define SCION_HF_I 0x02

/* SCMP types (§5.2). */
#define SCMP_DEST_UNREACH 1
#define SCMP_PKT_TOO_BIG 2
#define SCMP_PARAM_PROBLEM 4
#define SCMP_EXT_IF_DOWN 5
#define SCMP_INT_CONN_DOWN 6
#define SCMP_ECHO_REQUEST 128
#define SCMP_ECHO_REPLY 129
#define SCMP_TRACE_REQUEST 130
#define SCMP_TRACE_REPLY 131
/* The quoting limit for SCMP errors (§5.2). */
#define SCMP_ERROR_MAX 1232

/* Parse-flag: the packet may be cut short after the headers (a quoted packet). */
#define SCION_PARSE_PARTIAL (1U << 0)

struct scion_host {
	uint8_t type; /* T<<2 | L nibble */
	uint8_t len;  /* 4, 16 (4 for SVC) */
	uint8_t addr[16];
};

struct scion_info {
	uint8_t flags; /* raw byte 0: RSV | P | C */
	uint8_t rsv;
	uint16_t acc; /* SegID accumulator */
	uint32_t ts;
};

struct scion_hop {
	uint8_t flags; /* raw byte 0: RSV | I | E */
	uint8_t exp;
	uint16_t cons_in;
	uint16_t cons_eg;
	uint8_t mac[SCION_MAC_LEN];
};

/* PathType 1 (§2). num_inf / num_hf follow from seg_len. */
struct scion_path {
	uint8_t curr_inf;
	uint8_t curr_hf;
	uint8_t rsv; /* the 6 RSV bits of PathMeta */
	uint8_t seg_len[SCION_MAX_INF];
	uint8_t num_inf;
	uint8_t num_hf;
	struct scion_info inf[SCION_MAX_INF];
	struct scion_hop hf[SCION_MAX_HF];
};

/* PathType 2 (§4): one info field, two hop fields, no PathMeta. */
struct scion_onehop {
	struct scion_info inf;
	struct scion_hop hf[2];
};

/* PathType 3 (§4): PktID + PHVF + LHVF + a complete SCION path. */
struct scion_epic {
	uint32_t epic_ts;
	uint32_t counter;
	uint8_t phvf[4];
	uint8_t lhvf[4];
	struct scion_path path;
};

/* One parsed SCION header (common + address + path). */
struct scion_hdr {
	uint8_t version;
	uint8_t tc;
	uint32_t flow;
	uint8_t next_hdr;
	uint8_t hdr_len; /* in 4-octet units */
	uint16_t payload_len;
	uint8_t path_type;
	uint16_t rsv;
	uint64_t dst_ia;
	uint64_t src_ia;
	struct scion_host dst;
	struct scion_host src;
	union {
		struct scion_path scion;
		struct scion_onehop onehop;
		struct scion_epic epic;
	} path;
};

/* HBH/E2E extension header (§5.1): options point into the packet. */
struct scion_ext {
	uint8_t type; /* SCION_PROTO_HBH or _E2E */
	uint8_t next_hdr;
	uint8_t ext_len;
	const uint8_t *opts;
	size_t opts_len;
};
#define SCION_MAX_EXT 2

/* Upper layer after the header and any extension headers. */
struct scion_l4 {
	uint8_t proto; /* real L4 protocol */
	size_t n_ext;
	struct scion_ext ext[SCION_MAX_EXT];
	const uint8_t *data; /* L4 header + payload */
	size_t len;
};

struct scion_udp {
	uint16_t sport;
	uint16_t dport;
	uint16_t len;
	uint16_t csum;
	const uint8_t *payload;
	size_t payload_len;
};

struct scmp_msg {
	uint8_t type;
	uint8_t code;
	uint16_t csum;
	union {
		struct {
			uint32_t unused;
		} dest_unreach;
		struct {
			uint16_t rsv;
			uint16_t mtu;
		} too_big;
		struct {
			uint16_t rsv;
			uint16_t pointer;
		} param;
		struct {
			uint64_t ia;
			uint64_t ifid;
		} ext_down;
		struct {
			uint64_t ia;
			uint64_t ingress;
			uint64_t egress;
		} int_down;
		struct {
			uint16_t id;
			uint16_t seq;
		} echo;
		struct {
			uint16_t id;
			uint16_t seq;
			uint64_t ia;
			uint64_t ifid;
		} trace;
	} u;
	/* The data block (quoted packet, echo data), or everything after the 4-octet header
	 * for an unknown type. */
	const uint8_t *data;
	size_t data_len;
};

/** Octets of a host address with type nibble @type, or 0 when (T, L) is unassigned. */
size_t scion_host_len(uint8_t type);
/** Octets of the address header of @h (16 + both hosts). */
size_t scion_addr_len(const struct scion_hdr *h);
/** Octets of a valid PathType-1 path. */
size_t scion_path_len(const struct scion_path *p);
/** Octets of the path of @h for its path_type (0 for an unknown type). */
size_t scion_hdr_path_len(const struct scion_hdr *h);
/** Octets of the whole SCION header computed from the fields (not from hdr_len). */
size_t scion_hdr_len(const struct scion_hdr *h);

/**
 * Parse a PathType-1 path of exactly @len octets into @p: NumINF from the SegLens, no
 * zero SegLen before a non-zero one, sum <= 64, not all zero, CurrINF/CurrHF inside the
 * path and CurrHF inside segment CurrINF. Returns 0 or -EBADMSG (*@why, if not NULL, says
 * what was wrong).
 */
int scion_path_parse(const uint8_t *buf, size_t len, struct scion_path *p, const char **why) WUR;
/** Append @p to @w (fails with ->bad set when short). Returns 0, -EINVAL (invalid
 * SegLens/pointers) or -ENOSPC. */
int scion_path_encode(const struct scion_path *p, struct wcur *w) WUR;
/** Parse a OneHop path of exactly 32 octets. Returns 0 or -EBADMSG. */
int scion_onehop_parse(const uint8_t *buf, size_t len, struct scion_onehop *o) WUR;
int scion_onehop_encode(const struct scion_onehop *o, struct wcur *w) WUR;
/** Parse an EPIC-HP path of exactly @len octets. Returns 0 or -EBADMSG. */
int scion_epic_parse(const uint8_t *buf, size_t len, struct scion_epic *e, const char **why) WUR;
int scion_epic_encode(const struct scion_epic *e, struct wcur *w) WUR;

/**
 * Reverse @p in place (§4): info fields and hop fields in reverse order, C flipped, Acc
 * kept, SegLens mirrored, pointers mirrored (CurrINF' = NumINF-1-CurrINF, CurrHF' =
 * NumHF-1-CurrHF, which is 0/0 for a packet at its destination). Returns 0 or -EINVAL
 * for an invalid path.
 */
int scion_path_reverse(struct scion_path *p) WUR;
/** A OneHop path as the 1-segment PathType-1 path [2,0,0] it stands for (CurrHF 1). */
void scion_onehop_to_path(const struct scion_onehop *o, struct scion_path *p);
/** Index of the segment hop @hf belongs to, or -1 if outside the path. */
int scion_path_seg_of(const struct scion_path *p, unsigned int hf);
/** Move to the next hop: CurrHF++, CurrINF follows the SegLens. 0 or -ERANGE at the end. */
int scion_path_next(struct scion_path *p) WUR;

/**
 * Parse the SCION header at the start of @pkt (@len octets): version 0, known address
 * types, HdrLen covering exactly common + address + path, the path of path_type (COLIBRI
 * and unknown types: -EPROTONOSUPPORT), and PayloadLen equal to the octets after the
 * header (at most those with SCION_PARSE_PARTIAL). Returns 0, -EBADMSG (*@why set) or
 * -EPROTONOSUPPORT.
 */
int scion_parse(const uint8_t *pkt, size_t len, unsigned int flags, struct scion_hdr *h,
		const char **why) WUR;
/** Write the header of @h (hdr_len and payload_len as given; hdr_len must match the
 * fields) into @buf. Returns 0 with *@out_len set, -EINVAL or -ENOSPC. */
int scion_encode(const struct scion_hdr *h, uint8_t *buf, size_t cap, size_t *out_len) WUR;
/** Set hdr_len from the fields and payload_len to @payload_len. -EINVAL if too long. */
int scion_hdr_finalize(struct scion_hdr *h, size_t payload_len) WUR;
/** Reverse a header for a reply: swap addresses and reverse the path (OneHop becomes
 * PathType 1; EPIC keeps its embedded path reversed). Returns 0 or -EINVAL. */
int scion_hdr_reverse(struct scion_hdr *h) WUR;

/**
 * Walk HBH then E2E extension headers (§5.1) of the @len payload octets after the
 * header, first header @next_hdr. Returns 0 with @l4 filled, or -EBADMSG.
 */
int scion_l4_locate(uint8_t next_hdr, const uint8_t *payload, size_t len, struct scion_l4 *l4,
		    const char **why) WUR;

/** UDP header (8 octets) + payload; the length field must equal @len. 0 or -EBADMSG. */
int scion_udp_parse(const uint8_t *buf, size_t len, struct scion_udp *u) WUR;

/** Parse one SCMP message of @len octets (§5.2). Returns 0 or -EBADMSG. */
int scmp_parse(const uint8_t *buf, size_t len, struct scmp_msg *m) WUR;
/** Octets scmp_encode writes for @m. */
size_t scmp_len(const struct scmp_msg *m);
/** Write @m (with m->csum as given) into @w. Returns 0, -EINVAL or -ENOSPC. */
int scmp_encode(const struct scmp_msg *m, struct wcur *w) WUR;
/** True for the error types 0..127. */
static inline bool scmp_is_error(uint8_t type)
{
	return type < 128;
}

/**
 * The upper-layer checksum (§5.3) of the @len L4 octets at @l4 with protocol @proto and
 * the addresses of @h. Over a message whose checksum field is zero this is the value to
 * store; over a message with a correct checksum it is 0.
 */
uint16_t scion_l4_checksum(const struct scion_hdr *h, uint8_t proto, const uint8_t *l4, size_t len);

/** "ISD-AS" text form (§1.2) of @ia into @buf (at least 32 octets). */
void scion_ia_format(uint64_t ia, char *buf, size_t cap);
