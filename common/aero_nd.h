/* SPDX-License-Identifier: MIT */
/*
 * aero_nd.h - the AERO registration messages of spec/omni-aero.md §5.3 on
 * top of the ND codec (wire_nd.h): building a client's RS (Node
 * Identification, Interface Attributes, MS-Register or MS-Release,
 * Authentication) and a server's RA (Router Lifetime, Origin Indication,
 * Node Identification, Interface Attributes, Authentication), and checking
 * each on receipt, including that the signing key is the one the receiver
 * vouches for (wire_nd_verify() alone trusts the key the message carries).
 * Pure: the caller passes keys and the wall clock; no state, no logging.
 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "addr.h"
#include "aero_reg.h"
#include "omni_wire.h"
#include "util.h"

/** True when @pkt (@len octets, an inner packet) is IPv6 ICMPv6 of type RS, RA, NS or NA. */
bool aero_nd_is_nd(const uint8_t *pkt, size_t len);

/** A client's identity and its view of one server (for building the RS / checking the RA). */
struct aero_nd_client {
	const struct prefix *mnp;	 /* its MNP: inner source = MNP-LLA */
	const uint8_t *ed_pk;		 /* 32 octets */
	const uint8_t *ed_sk;		 /* libsodium's 64-octet secret key */
	const union sockaddr_any *l2;	 /* local underlay address (NULL: unknown) */
	uint8_t if_index;		 /* the underlay's index, from 1 */
	uint8_t link;			 /* its Link quality (0 = down) */
	const uint8_t *pref;		 /* its 64 per-DSCP preferences, NULL: none sent */
	const struct aero_ifattr *extra; /* more Interface Attributes (another underlay's */
	size_t n_extra;			 /* Link = 0, §5.8 item 1); up to AERO_ND_MAX_IFS - 1 */
	uint32_t server_msid;
};

/**
 * Build the RS to @c->server_msid into @out: MS-Register{msid}, or
 * MS-Release{msid} when @release, signed at @wall_ms (ms since 1970).
 * Returns the length or a negative errno from wire_nd_encode().
 */
ssize_t aero_nd_build_rs(const struct aero_nd_client *c, bool release, uint64_t wall_ms,
			 uint8_t *out, size_t cap) WUR;

/**
 * Decode and authenticate an RS (@p/@n, the inner packet): an RS, signed
 * with the Node Identification key it carries, timestamp within ±30 s of
 * @wall_ms. Fills @rs (the key is copied). Returns 0, or -EBADMSG with
 * *@why = malformed, auth or stale. The caller still checks the key
 * (aero_srv_rs()).
 */
int aero_nd_check_rs(const uint8_t *p, size_t n, uint64_t wall_ms, struct aero_rs *rs,
		     enum aero_refusal *why) WUR;

/**
 * The Interface Attributes of a checked RS or NA (decode order, at most AERO_ND_MAX_IFS;
 * -EBADMSG for more, or for Preferences whose length does not match their Bitmap).
 */
int aero_nd_ifattrs(const uint8_t *p, size_t n, struct aero_ifattr *out, size_t *n_out) WUR;

/** What a server puts in its RA. */
struct aero_nd_server {
	uint32_t msid;
	const uint8_t *ed_pk; /* 32 octets */
	const uint8_t *ed_sk; /* 64 octets */
};

/**
 * Build the RA for the client with MNP @mnp (inner destination = its
 * MNP-LLA) granting @lifetime_s (0: the registration ended), with @origin
 * (may be NULL) as Origin Indication, signed at @wall_ms. Returns the
 * length or a negative errno.
 */
ssize_t aero_nd_build_ra(const struct aero_nd_server *s, const struct prefix *mnp,
			 const union sockaddr_any *origin, uint32_t lifetime_s, uint64_t wall_ms,
			 uint8_t *out, size_t cap) WUR;

/** An accepted RA. */
struct aero_ra {
	uint32_t lifetime_s;
	uint32_t reachable_ms, retrans_ms;
	bool has_origin;
	union sockaddr_any origin; /* the client's NAT-mapped underlay address */
};

/**
 * Check an RA from the server with MSID @msid whose configured key is
 * @server_key: an RA, signed by @server_key within ±30 s of @wall_ms, inner
 * source = ADM-LLA(@msid), inner destination = MNP-LLA(@mnp). Returns 0 with
 * @ra filled; -EBADMSG malformed (or not an RA); -EACCES signature, key,
 * timestamp or addresses wrong.
 */
int aero_nd_check_ra(const uint8_t *p, size_t n, uint64_t wall_ms, const uint8_t server_key[32],
		     uint32_t msid, const struct prefix *mnp, struct aero_ra *ra) WUR;

/* ---- route optimization (spec §5.6, docs/aero.md) ---- */

/**
 * Build NS(AR) from client @c (its key signs) for the /64 whose upper 64
 * bits are @target64 (8 octets): inner destination and Target = that
 * MNP-LLA. Returns the length or a negative errno.
 */
ssize_t aero_nd_build_ns(const struct aero_nd_client *c, const uint8_t target64[8],
			 uint64_t wall_ms, uint8_t *out, size_t cap) WUR;

/** An authenticated NS(AR). */
struct aero_ns {
	uint8_t key[32];	/* the signer (Node Identification) */
	struct in6_addr src;	/* its MNP-LLA */
	struct in6_addr target; /* the MNP-LLA asked for */
	uint64_t timestamp_ms;
};

/**
 * Decode and authenticate an NS(AR) as aero_nd_check_rs() does an RS.
 * Returns 0 or -EBADMSG (malformed, unsigned, stale, no Node Identification).
 */
int aero_nd_check_ns(const uint8_t *p, size_t n, uint64_t wall_ms, struct aero_ns *ns) WUR;

/** What an NA(AR) says about a target client. */
struct aero_vouch {
	uint8_t key[32];       /* the target's key */
	struct prefix mnp;     /* its MNP */
	union sockaddr_any l2; /* its NAT-mapped underlay address */
	/* §5.6 item 3: one Interface Attributes per current target interface (multilink);
	 * n_ifs 0: a single one with l2 */
	struct aero_ifattr ifs[AERO_ND_MAX_IFS];
	size_t n_ifs;
};

/**
 * Build an NA from server @s to the client with MNP @dst_mnp about target
 * @v (Target = MNP-LLA of v->mnp): R=1, O=1, S=@solicited; Interface
 * Attributes with v->l2 (FMT F, LHS MSID = s->msid; or one per v->ifs entry with
 * its ifIndex, Link, Preferences and L2ADDR), Vouched Key, Node Identification
 * and Authentication of the server. Returns the length or
 * a negative errno.
 */
ssize_t aero_nd_build_na(const struct aero_nd_server *s, const struct prefix *dst_mnp,
			 const struct aero_vouch *v, bool solicited, uint64_t wall_ms, uint8_t *out,
			 size_t cap) WUR;

/**
 * Check an NA from the server with MSID @msid and configured key
 * @server_key, addressed to the client with MNP @mnp: signed by exactly that
 * key within ±30 s, source ADM-LLA(@msid), destination MNP-LLA(@mnp), one
 * Vouched Key whose MNP is IPv6 and matches Target, and an Interface
 * Attributes with a UDP L2ADDR (v->l2 = the first; v->ifs = all, aero_nd_ifattrs()).
 * Returns 0 with @v filled, -EBADMSG malformed
 * or incomplete, -EACCES signature, key or addresses wrong.
 */
int aero_nd_check_na(const uint8_t *p, size_t n, uint64_t wall_ms, const uint8_t server_key[32],
		     uint32_t msid, const struct prefix *mnp, struct aero_vouch *v) WUR;

/* ---- route updates between meshed servers (§5.4 [P], docs/aero.md) ---- */

/** What a route update says: a client @v anchored at @anchor_msid, for @lifetime_s. */
struct aero_ru {
	struct aero_vouch v;   /* the client's key, MNP and NAT-mapped origin */
	uint32_t anchor_msid;  /* the server it is registered with */
	uint32_t lifetime_s;   /* 0: withdrawn */
	uint64_t timestamp_ms; /* Authentication timestamp (ms since 1970) */
};

/**
 * Build the route update from anchor @s to the meshed server with MSID
 * @to_msid about client @v: an NA (R=1, S=0, O=1) from ADM-LLA(s->msid) to
 * ADM-LLA(@to_msid), Target = MNP-LLA of v->mnp, Interface Attributes with
 * v->l2 (LHS MSID = s->msid), Vouched Key, Route Update{s->msid, @lifetime_s},
 * Node Identification and Authentication of @s at @wall_ms. Returns the
 * length, -EINVAL (v->mnp not IPv6 or longer than /64) or a negative errno of
 * wire_nd_encode().
 */
ssize_t aero_nd_build_ru(const struct aero_nd_server *s, uint32_t to_msid,
			 const struct aero_vouch *v, uint32_t lifetime_s, uint64_t wall_ms,
			 uint8_t *out, size_t cap) WUR;

/**
 * Check a route update from the meshed server with MSID @anchor_msid and
 * configured key @anchor_key, addressed to us (@my_msid): an NA carrying
 * exactly one Route Update naming @anchor_msid, one Vouched Key (IPv6 MNP,
 * /64 or shorter) and an Interface Attributes with a UDP L2ADDR, signed by
 * exactly @anchor_key within ±30 s of @wall_ms, source ADM-LLA(@anchor_msid),
 * destination ADM-LLA(@my_msid), Target = MNP-LLA of the vouched MNP.
 * Returns 0 with @ru filled, -EBADMSG malformed or incomplete, -EACCES
 * signature, key, timestamp, MSID or addresses wrong.
 */
int aero_nd_check_ru(const uint8_t *p, size_t n, uint64_t wall_ms, const uint8_t anchor_key[32],
		     uint32_t anchor_msid, uint32_t my_msid, struct aero_ru *ru) WUR;
