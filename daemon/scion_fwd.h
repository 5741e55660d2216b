/* SPDX-License-Identifier: MIT */
/*
 * scion_fwd.h - the per-packet SCION decisions of omnid's two SCION roles
 * (docs/scion.md, spec/scion.md §2.5, §5.2, §6): the border-router pipeline
 * (ingress interface, expiry, accumulator update, constant-time hop-MAC
 * verification, segment switch, egress interface and link state, local
 * delivery with the dispatcherless underlay port), the SCMP messages a node
 * originates (errors with a reversed path and a quoted packet, echo), and the
 * end host's IP-in-SCION encapsulation (UDP/SCION, one inner IP packet per
 * datagram) and receive checks.
 *
 * Pure: no libuv, no sockets, no logging, no globals; the caller owns every
 * buffer and the MAC context, and does the I/O (daemon/scion.c). Packets are
 * changed in place only when the verdict says so.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "scion_mac.h"
#include "util.h"
#include "wire_scion.h"

/* The end-host underlay port when the L4 header names none (spec/scion.md §6). */
#define SCION_FWD_DEFAULT_PORT 30041

/* Why a packet was not forwarded or delivered; the daemon counts each. */
#define SCION_FWD_REASONS(X)                                                                       \
	X(bad_header)	  /* unparsable, unsupported path type, inconsistent path */               \
	X(bad_mac)	  /* hop-field MAC mismatch (ParamProblem 51) */                           \
	X(expired)	  /* hop field expired (ParamProblem 52) */                                \
	X(bad_ingress)	  /* arrived on another interface than the hop names (49/50) */            \
	X(bad_src)	  /* from a local host with a foreign source ISD-AS (33) */                \
	X(not_local)	  /* the path ends here but the destination is elsewhere (34) */           \
	X(unknown_egress) /* the hop's egress interface is not one of ours (50) */                 \
	X(if_down)	  /* the egress link is down (SCMP 5) */

enum scion_fwd_reason {
	SCION_FWD_OK = 0,
#define X(n) SCION_FWD_##n,
	SCION_FWD_REASONS(X)
#undef X
	    SCION_FWD__COUNT
};

enum scion_fwd_verdict {
	SCION_FWD_DROP = 0, /* drop silently (count the reason) */
	SCION_FWD_FORWARD,  /* send the (updated) packet on link res.egress */
	SCION_FWD_DELIVER,  /* send the (updated) packet to the local host res.host:res.port */
	SCION_FWD_ERROR,    /* drop, count, and answer with the SCMP error in res */
};

/* A border router's view of its AS. */
struct scion_fwd_router {
	uint64_t ia;
	struct scion_mac *mac; /* the AS forwarding key */
	/* State of interface @ifid: 1 up, 0 down, -1 not one of ours. */
	int (*link_state)(void *ctx, uint16_t ifid);
	void *ctx;
};

struct scion_fwd_result {
	enum scion_fwd_verdict verdict;
	enum scion_fwd_reason reason;
	uint16_t egress;	/* FORWARD */
	struct scion_host host; /* DELIVER: the destination host */
	uint16_t port;		/* DELIVER: its underlay UDP port */
	struct scmp_msg scmp;	/* ERROR: type, code and info (no data) */
	struct scion_hdr hdr;	/* the header as processed so far (ERROR: state at the error) */
};

/**
 * Run one packet (@len octets at @pkt) through the border-router pipeline of spec §2.5
 * for a PathType-1 path. @in_ifid is the external interface it arrived on, 0 for the
 * internal side (a local host). @now_ms is Unix time in ms. On FORWARD and DELIVER the
 * path in @pkt is updated in place (accumulator, pointers). Returns 0 (see res->verdict)
 * or -EIO when the MAC engine failed.
 */
int scion_fwd_process(const struct scion_fwd_router *r, uint8_t *pkt, size_t len, uint16_t in_ifid,
		      uint64_t now_ms, struct scion_fwd_result *res) WUR;

/**
 * The underlay port of a local host for a packet addressed to it (spec §6): the UDP
 * destination port; for SCMP the echo/traceroute identifier of a reply or the source
 * port of the quoted UDP packet of an error; else SCION_FWD_DEFAULT_PORT.
 */
uint16_t scion_fwd_host_port(const struct scion_hdr *h, const uint8_t *payload, size_t len);

/**
 * Build a complete SCION/SCMP packet into @out: header @h (addresses and path as given;
 * next_hdr, hdr_len and payload_len are set here) and message @m (its checksum computed
 * here). Returns the length or -EINVAL / -ENOSPC.
 */
ssize_t scion_fwd_scmp(struct scion_hdr *h, const struct scmp_msg *m, uint8_t *out, size_t cap);

/**
 * The SCMP error @m (type, code, info) answering the packet @pkt (@len octets) whose
 * header state at the error is @at: the path reversed from that hop, source @ia / @src,
 * the offending packet quoted up to SCMP_ERROR_MAX octets in all. When the packet came
 * from external interface @in_ifid (0: from the internal side), the reply is advanced
 * past our own hop (across a segment switch if the error came after one, then the
 * egress accumulator step and the next hop) so it can leave on @in_ifid. Returns the
 * length, -EINVAL (no error is sent for an SCMP error, or the path cannot be reversed
 * or does not lead back through @in_ifid) or -ENOSPC.
 */
ssize_t scion_fwd_scmp_error(const struct scion_hdr *at, const uint8_t *pkt, size_t len,
			     uint64_t ia, const struct scion_host *src, const struct scmp_msg *m,
			     uint16_t in_ifid, uint8_t *out, size_t cap);

/* One IP-in-SCION datagram to build (docs/scion.md: UDP/SCION, both ports @port). */
struct scion_fwd_ip {
	uint64_t src_ia, dst_ia;
	struct scion_host src, dst;
	uint16_t port;
	uint32_t flow;		       /* 20-bit flow label, not 0 (spec §1.1) */
	const struct scion_path *path; /* as stored: CurrINF/CurrHF are reset to 0 */
};

/**
 * Encapsulate the IP packet @ip (@len octets) into @out (@cap octets): SCION header,
 * UDP header with the SCION checksum, the packet. Returns the total length, -EINVAL or
 * -EMSGSIZE (does not fit @cap).
 */
ssize_t scion_fwd_encap(const struct scion_fwd_ip *e, const uint8_t *ip, size_t len, uint8_t *out,
			size_t cap) WUR;

/**
 * The ICMP "packet too big" answer (ICMPv6 type 2, RFC 4443 §3.2; ICMPv4 type 3 code 4
 * with the next-hop MTU, RFC 1191 §4) to the inner packet @pkt (@len octets, validated)
 * that does not fit a SCION path: @mtu is the largest inner packet that does, @src the
 * answer's source (4 or 16 octets). Returns the length, 0 when no answer may be sent
 * (errors about errors, multicast, an IPv4 packet without DF), or -ENOSPC.
 */
ssize_t scion_fwd_too_big(const uint8_t *pkt, size_t len, const uint8_t *src, uint32_t mtu,
			  uint8_t *out, size_t cap) WUR;

/* Why an end host refused a received datagram. */
#define SCION_FWD_RX_REASONS(X)                                                                    \
	X(rx_bad_header)    /* unparsable SCION header or L4 */                                    \
	X(rx_not_for_us)    /* destination ISD-AS or host is not ours */                           \
	X(rx_bad_checksum)  /* UDP/SCMP checksum wrong or UDP checksum 0 */                        \
	X(rx_bad_port)	    /* UDP to another port than ours */                                    \
	X(rx_unknown_proto) /* neither UDP nor SCMP */

enum scion_fwd_rx_reason {
	SCION_FWD_RX_OK = 0,
#define X(n) SCION_FWD_##n,
	SCION_FWD_RX_REASONS(X)
#undef X
	    SCION_FWD_RX__COUNT
};

struct scion_fwd_rx {
	struct scion_hdr h;
	uint8_t proto;	     /* SCION_PROTO_UDP or SCION_PROTO_SCMP */
	const uint8_t *data; /* UDP: the inner IP packet */
	size_t data_len;
	struct scmp_msg scmp; /* SCMP */
};

/**
 * Check a datagram received by an end host of @ia with SCION host address @host and
 * data port @port: header valid, addressed to us, UDP to @port with a correct checksum
 * (its payload is the inner packet) or SCMP with a correct checksum. Returns 0 with @rx
 * filled, or -EBADMSG with *@why set.
 */
int scion_fwd_host_rx(const uint8_t *pkt, size_t len, uint64_t ia, const struct scion_host *host,
		      uint16_t port, struct scion_fwd_rx *rx, enum scion_fwd_rx_reason *why) WUR;
