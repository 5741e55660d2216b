/* SPDX-License-Identifier: MIT */
/*
 * eh.h - the egress IPv6 extension-header policy of spec/eh-removal.md A.6:
 * parse the whole extension-header chain of one inner IPv6 packet once,
 * within configurable limits (eh_parse); decide keep / strip / drop for each
 * header from a compiled policy (eh_decide); remove the stripped headers in
 * place by moving the fixed header and the earlier headers forward, never
 * copying the payload and never touching upper-layer checksums (eh_strip);
 * count every action per header kind (struct eh_stats); and build the
 * optional ICMPv6 error for a drop (eh_icmp_build). eh_filter() does all of
 * it for the data path. Pure: no allocation, no logging, no globals; the
 * caller owns every buffer and the policy and counter structures.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cursor.h"
#include "util.h"

struct conf;

/* Protocol numbers (IANA "Assigned Internet Protocol Numbers"; RFC 8200 §4). */
#define EH_NH_HBH 0
#define EH_NH_TCP 6
#define EH_NH_UDP 17
#define EH_NH_ROUTING 43
#define EH_NH_FRAGMENT 44
#define EH_NH_ESP 50
#define EH_NH_AH 51
#define EH_NH_ICMPV6 58
#define EH_NH_NONE 59
#define EH_NH_DSTOPT 60
#define EH_NH_MOBILITY 135 /* RFC 6275 */
#define EH_NH_HIP 139	   /* RFC 7401 */
#define EH_NH_SHIM6 140	   /* RFC 5533 */
#define EH_NH_EXP1 253	   /* RFC 3692 / RFC 4727 experimentation */
#define EH_NH_EXP2 254
/* Protocol numbers 146..252 are unassigned and 255 is reserved: "unknown" for unknown_nh. */
#define EH_NH_UNASSIGNED_FIRST 146

/* Option types inside HBH / DO (RFC 8200 §4.2, RFC 2711, RFC 2675). */
#define EH_OPT_PAD1 0x00
#define EH_OPT_PADN 0x01
#define EH_OPT_ROUTER_ALERT 0x05
#define EH_OPT_JUMBO 0xc2

/* Routing types (IANA "Routing Types"; RFC 5095, RFC 6275, RFC 6554, RFC 8754, RFC 9631). */
#define EH_RH_TYPE0 0
#define EH_RH_NIMROD 1
#define EH_RH_MIP6 2
#define EH_RH_RPL 3
#define EH_RH_SRH 4
#define EH_RH_CRH16 5
#define EH_RH_CRH32 6

/* Hard ceiling on headers per chain, as Linux's IP6_MAX_EXT_HDRS_CNT (spec A.5). */
#define EH_MAX_HDRS 12
#define EH_IPV6_HDR_LEN 40

/* Defaults of spec A.6. */
#define EH_DEF_MAX_EH_COUNT 8
#define EH_DEF_MAX_CHAIN_BYTES 256
#define EH_DEF_PARSE_WINDOW 512
#define EH_DEF_MAX_DST_HDRS 2
#define EH_DEF_MAX_OPTS 8
#define EH_DEF_MAX_PAD_RUN 7

enum eh_dir { EH_DIR_ENTRY, EH_DIR_EXIT, EH_DIR__COUNT };

/* EH_UNSET marks a key of [ehfilter.exit] that takes its value from [ehfilter]. */
enum eh_action { EH_UNSET = 0, EH_KEEP = 1, EH_STRIP = 2, EH_DROP = 3 };
#define EH_ACT_BIT(a) (1U << (a))

/* What a header is, for the policy rows and the counters. */
enum eh_kind {
	EH_K_HBH,
	EH_K_DST,
	EH_K_RH,
	EH_K_FRAG,
	EH_K_AH,
	EH_K_ESP,
	EH_K_MOB,
	EH_K_HIP,
	EH_K_SHIM6,
	EH_K_EXP,
	EH_K_UNKNOWN_NH, /* the upper-layer position holds an unassigned protocol number */
	EH_K__COUNT
};

/* Why a packet was dropped (same order as the drop_* counters). */
enum eh_reason {
	EH_R_NONE,
	EH_R_MALFORMED,	  /* bad or truncated header, length mismatch, TLV overrun */
	EH_R_JUMBO,	  /* Jumbo Payload option or Payload Length 0 */
	EH_R_ORDER,	  /* HBH not first, a second RH or Fragment header */
	EH_R_DST,	  /* more than max_dst_hdrs DO headers, or a second DO not last */
	EH_R_TOO_MANY,	  /* more than max_eh_count headers */
	EH_R_CHAIN_BYTES, /* more than max_eh_chain_bytes of headers */
	EH_R_WINDOW,	  /* the chain ends beyond parse_window */
	EH_R_OPTS,	  /* more than max_opts_per_hdr non-padding options */
	EH_R_PAD,	  /* a padding run over max_pad_run, or PadN with non-zero data */
	EH_R_FRAG_CHAIN,  /* first fragment without the whole chain (RFC 7112) */
	EH_R_AH_CONFLICT, /* a header before an AH should be stripped and ah_conflict = drop */
	EH_R_POLICY,	  /* a policy row or knob says drop */
	EH_R__COUNT
};

/* Limits and global knobs of [ehfilter]; they apply to both directions. */
struct eh_limits {
	uint32_t max_eh_count;	     /* 1..EH_MAX_HDRS */
	uint32_t max_eh_chain_bytes; /* sum of the EH lengths (ESP counts 0) */
	uint32_t parse_window;	     /* the chain must end within this many octets */
	uint32_t max_dst_hdrs;	     /* 0..2 */
	uint32_t max_opts_per_hdr;   /* non-padding options per HBH / DO */
	uint32_t max_pad_run;	     /* octets of consecutive Pad1 / PadN */
	uint8_t ah_conflict;	     /* EH_KEEP or EH_DROP */
	bool icmp_errors;
};

/*
 * The policy keys of one direction (spec A.6 table). Every uint8_t is an
 * enum eh_action; the type lists are 256-bit maps (bit t of byte t / 8).
 * In [ehfilter.exit] a zero field (EH_UNSET, has_* false) inherits.
 */
struct eh_rules {
	bool enable, has_enable;
	uint8_t hbh_pad, hbh, dstopt, rh2, rh_sl0, rh_slnz, rh_unknown_sl0, rh_unknown_slnz;
	uint8_t exp_eh, unknown_nh;
	uint8_t hbh_keep_types[32]; /* HBH option types that force keep */
	uint8_t rh_drop_types[32];  /* routing types always dropped (besides type 0) */
	bool has_hbh_keep_types, has_rh_drop_types;
};

/* One direction's compiled policy, built by eh_policy_init(). */
struct eh_policy {
	struct eh_limits lim;
	struct eh_rules r;
	bool keep_types_any; /* hbh_keep_types is not empty */
	uint8_t slow[32];    /* fixed-header Next Header values that need eh_filter() */
};

/* Flags of a parsed header. */
#define EH_F_PAD_ONLY (1U << 0)	  /* HBH / DO holding only Pad1 / PadN */
#define EH_F_AFTER_FRAG (1U << 1) /* in the fragmentable part: never stripped */
#define EH_F_AH (1U << 2)	  /* in a chain with an AH, whose ICV covers it: never stripped */

struct eh_hdr {
	uint16_t off;	     /* first octet of the header */
	uint16_t len;	     /* its length in octets (ESP, experimental: up to the end) */
	uint16_t nh_off;     /* the Next Header octet that names this header */
	uint8_t proto;	     /* its protocol number */
	uint8_t kind;	     /* enum eh_kind */
	uint8_t flags;	     /* EH_F_* */
	uint8_t action;	     /* enum eh_action, set by eh_decide() */
	uint8_t rh_type, sl; /* Routing headers */
	uint8_t nopts;	     /* HBH / DO: non-padding options */
};

/* The parsed chain of one packet. */
struct eh_chain {
	struct eh_hdr h[EH_MAX_HDRS];
	uint8_t n;	      /* headers parsed */
	uint8_t upper;	      /* the protocol after the last header */
	uint16_t upper_off;   /* where it starts */
	bool upper_known;     /* the parse reached the end of the chain */
	bool opaque;	      /* stopped at ESP, an experimental header or a non-first fragment */
	bool frag;	      /* a Fragment header is present */
	uint16_t frag_offset; /* its offset field, in 8-octet units */
	bool frag_more;	      /* its M flag */
	uint16_t plen;	      /* IPv6 Payload Length */
	uint16_t chain_bytes; /* octets of extension headers (ESP counts 0) */
	/* When the packet is dropped: */
	uint8_t reason;	 /* enum eh_reason */
	int8_t bad_kind; /* enum eh_kind of the header at fault, -1 for the fixed header */
	uint16_t ptr;	 /* offset of the offending octet (the ICMPv6 Pointer) */
};

/* Per-direction counters, exported as eh_<dir>_<name>. */
#define EH_STATS(X)                                                                                \
	X(pkts)                                                                                    \
	X(pkts_stripped)                                                                           \
	X(pkts_dropped)                                                                            \
	X(bytes_stripped)                                                                          \
	X(icmp_tx)                                                                                 \
	X(hbh_keep)                                                                                \
	X(hbh_strip)                                                                               \
	X(hbh_drop)                                                                                \
	X(dst_keep)                                                                                \
	X(dst_drop)                                                                                \
	X(rh_keep)                                                                                 \
	X(rh_strip)                                                                                \
	X(rh_drop)                                                                                 \
	X(frag_keep)                                                                               \
	X(frag_drop)                                                                               \
	X(ah_keep)                                                                                 \
	X(ah_drop)                                                                                 \
	X(esp_keep)                                                                                \
	X(esp_drop)                                                                                \
	X(mob_keep)                                                                                \
	X(mob_drop)                                                                                \
	X(hip_keep)                                                                                \
	X(hip_drop)                                                                                \
	X(shim6_keep)                                                                              \
	X(shim6_drop)                                                                              \
	X(exp_keep)                                                                                \
	X(exp_drop)                                                                                \
	X(unknown_nh_keep)                                                                         \
	X(unknown_nh_drop)                                                                         \
	X(drop_malformed)                                                                          \
	X(drop_jumbo)                                                                              \
	X(drop_order)                                                                              \
	X(drop_dst)                                                                                \
	X(drop_too_many)                                                                           \
	X(drop_chain_bytes)                                                                        \
	X(drop_window)                                                                             \
	X(drop_opts)                                                                               \
	X(drop_pad)                                                                                \
	X(drop_frag_chain)                                                                         \
	X(drop_ah_conflict)                                                                        \
	X(drop_policy)

enum eh_stat {
#define X(n) EH_ST_##n,
	EH_STATS(X)
#undef X
	    EH_ST__COUNT
};

struct eh_stats {
	uint64_t v[EH_ST__COUNT];
};

/** Fill @l with the defaults of spec A.6. */
void eh_limits_default(struct eh_limits *l);
/**
 * Fill @r with the [ehfilter] defaults ("inside the overlay" values,
 * enable = yes, rh_drop_types = 1 3 253 254, no hbh_keep_types).
 */
void eh_rules_default(struct eh_rules *r);
/**
 * Resolve the unset keys of [ehfilter.exit] @x (spec A.6): hbh and rh_sl0
 * become strip (the "overlay exit" values), enable becomes no (yes on a
 * server, once servers exist), every other key takes its value in @entry.
 */
void eh_rules_inherit(struct eh_rules *x, const struct eh_rules *entry);

/** Compile @lim and @r (no EH_UNSET left) into @p. */
void eh_policy_init(struct eh_policy *p, const struct eh_limits *lim, const struct eh_rules *r);
/** The built-in policy of direction @d with enable = yes (tests, tools, benchmarks). */
void eh_policy_default(struct eh_policy *p, enum eh_dir d);
/** Both directions' policies from a finished config (conf_finish() resolved the exit keys). */
void eh_policy_from_conf(struct eh_policy p[EH_DIR__COUNT], const struct conf *c);

/**
 * True if @pkt (@len octets) must go through eh_filter(): the policy is
 * enabled, it is IPv6, and the fixed header's Next Header is an extension
 * header (or an unknown protocol while unknown_nh = drop). The data path's
 * cheap test: one table lookup for the common no-EH packet.
 */
static inline bool eh_wants(const struct eh_policy *p, const uint8_t *pkt, size_t len)
{
	return p->r.enable && len >= EH_IPV6_HDR_LEN && (pkt[0] >> 4) == 6 &&
	       ((p->slow[pkt[6] >> 3] >> (pkt[6] & 7)) & 1);
}

/**
 * Parse the IPv6 packet @pkt (@len octets) and its whole extension-header
 * chain into @ch, enforcing @lim and the structural rules of RFC 8200
 * (HBH first, at most one RH and one Fragment header, DO count and position,
 * option TLVs and padding, Payload Length = @len - 40 and not 0, no Jumbo
 * Payload, the first fragment holds the whole chain). Stops at the upper
 * layer, No Next Header, ESP, an experimental header (253/254) or after the
 * Fragment header of a non-first fragment. Reads only @pkt[0 .. @len).
 * Returns 0, or -EBADMSG (malformed / structural) or -E2BIG (a limit) with
 * @ch->reason, ->bad and ->ptr set.
 */
int eh_parse(const uint8_t *pkt, size_t len, const struct eh_limits *lim, struct eh_chain *ch) WUR;

/**
 * Decide every header of a chain that eh_parse() accepted (@pkt is the same
 * packet) with @p: sets each ->action, applying the AH pre-check and never
 * stripping a header after a Fragment header. Returns EH_KEEP (nothing to
 * remove), EH_STRIP (at least one header to remove) or EH_DROP (with
 * ->reason, ->bad and ->ptr set).
 */
enum eh_action eh_decide(const struct eh_policy *p, const uint8_t *pkt, struct eh_chain *ch);

/**
 * Remove the headers of @ch marked EH_STRIP from @pkt in place: fix the Next
 * Header chain and the Payload Length, then move the fixed header and the
 * kept headers in front of the last removed one forward. The upper layer and
 * everything after the last removed header stay where they are. Returns the
 * number of octets removed: the packet now starts at @pkt + that value. @ch
 * describes the old layout afterwards.
 */
size_t eh_strip(uint8_t *pkt, const struct eh_chain *ch);

/**
 * The data-path entry: parse, decide and strip @pkt (@len octets) under @p,
 * counting into @st (may be NULL). @ch is caller scratch (left describing
 * the packet as it came in). Returns 0 (forward the packet, which now
 * starts *@cut octets later and is *@cut octets shorter), or -EPERM (policy
 * or AH conflict), -EBADMSG or -E2BIG: drop it.
 */
int eh_filter(const struct eh_policy *p, struct eh_stats *st, uint8_t *pkt, size_t len,
	      struct eh_chain *ch, size_t *cut) WUR;

/**
 * Build the RFC 4443 / RFC 8883 ICMPv6 error for a packet eh_filter()
 * dropped (@pkt, @len as it came in, @ch its chain) from @src (16 octets)
 * into @out (@cap octets; 1280 always suffices): Parameter Problem with the
 * code and pointer of @ch->reason, or Destination Unreachable code 1
 * (policy) / code 8 (parse_window). Returns the length, 0 when no error may
 * be sent (the source is unspecified or multicast, the destination is
 * multicast, or the packet is itself an ICMPv6 error), or -ENOSPC.
 */
int eh_icmp_build(const uint8_t *pkt, size_t len, const struct eh_chain *ch, const uint8_t *src,
		  uint8_t *out, size_t cap) WUR;

/** One option of an HBH / DO header. */
struct eh_opt {
	uint8_t type, len; /* len: octets of data (0 for Pad1) */
	const uint8_t *data;
	size_t off; /* offset of the type octet from the cursor's start */
};

/**
 * Read the next option from @c (positioned over an HBH / DO body, after
 * the first two octets; @start is that body's first octet, for ->off).
 * Returns false at the end of the body, or with @c->bad set when an option
 * runs past it.
 */
bool eh_opt_next(struct cur *c, const uint8_t *start, struct eh_opt *o);

/** Names for counters, JSON and logs ("hbh", "strip", "policy", ...). */
const char *eh_kind_name(enum eh_kind k);
const char *eh_action_name(enum eh_action a);
const char *eh_reason_name(enum eh_reason r);
/** The status counter name of stat @i in direction @d ("eh_entry_hbh_strip"). */
const char *eh_stat_name(enum eh_dir d, size_t i);
/** The kind of protocol number @nh: an EH kind, EH_K_UNKNOWN_NH, or -1 for a known upper layer. */
int eh_kind_of(uint8_t nh);
