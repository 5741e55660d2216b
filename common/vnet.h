/* SPDX-License-Identifier: MIT */
/*
 * vnet.h - TUN offloads (IFF_VNET_HDR): the 10-octet virtio_net_hdr in front
 * of every TUN read and write, software segmentation of the TCP/UDP
 * super-packets the kernel hands us (TSO4/TSO6/USO) into OMNI-MTU-sized
 * packets, and GRO-style coalescing of consecutive inner packets of one flow
 * into one super-packet for a single TUN write. Pure code: no I/O, no
 * allocation, no logging; every function works on caller-owned bytes, and the
 * GRO state lives in a caller-owned struct with a caller-provided buffer.
 *
 * Byte order of the header: the 16-bit fields are read and written
 * little-endian. That is what a TUN device uses by default on little-endian
 * hosts (legacy virtio = native endianness); on any host the daemon can make
 * it so with ioctl(TUNSETVNETLE, 1). The header size must be the default
 * sizeof(struct virtio_net_hdr) = 10 (never raised with TUNSETVNETHDRSZ).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "util.h"

/* struct virtio_net_hdr (<linux/virtio_net.h>, virtio 1.2 §5.1.6) */
#define VNET_HDR_LEN 10
#define VNET_F_NEEDS_CSUM 0x01 /* csum_start/csum_offset: partial checksum to complete */
#define VNET_F_DATA_VALID 0x02 /* the kernel verified the checksum (informational) */
#define VNET_GSO_NONE 0
#define VNET_GSO_TCPV4 1
#define VNET_GSO_UDP 3 /* UFO (IP fragmentation offload): never accepted */
#define VNET_GSO_TCPV6 4
#define VNET_GSO_UDP_L4 5 /* USO, Linux >= 6.2 */
#define VNET_GSO_ECN 0x80 /* TCP super-packet with CWR set */

/* TUNSETOFFLOAD bits of Linux >= 6.2 that Debian 12's <linux/if_tun.h> lacks. */
#define VNET_TUN_F_USO4 0x20
#define VNET_TUN_F_USO6 0x40

#define VNET_MAX_PKT 65535   /* largest IP packet either direction handles */
#define VNET_GRO_MAX_SEGS 64 /* segments per coalesced super-packet */
#define VNET_GRO_BUF_LEN (VNET_HDR_LEN + VNET_MAX_PKT) /* always enough for vnet_gro_init */

enum vnet_l4 {
	VNET_L4_NONE = 0, /* plain packet, or a partial checksum of another protocol */
	VNET_L4_TCP,
	VNET_L4_UDP,
};

/**
 * One parsed TUN read. @pkt points into the caller's bytes (right after the
 * 10-octet header); the struct stays valid as long as those bytes do.
 */
struct vnet_pkt {
	const uint8_t *pkt;    /* the IP packet */
	size_t len;	       /* its length */
	uint8_t flags;	       /* VNET_F_* as read */
	uint8_t gso_type;      /* VNET_GSO_NONE, _TCPV4, _TCPV6 or _UDP_L4 (ECN bit removed) */
	bool gso_ecn;	       /* VNET_GSO_ECN was set */
	uint16_t gso_size;     /* payload octets per segment (GSO only) */
	uint16_t hdr_len_hint; /* hdr_len as the kernel wrote it (a hint, see vnet_hdr_parse) */
	uint16_t csum_start;   /* NEEDS_CSUM: the partial sum covers csum_start..end */
	uint16_t csum_offset;  /* NEEDS_CSUM: the result goes to csum_start + csum_offset */
	uint8_t ip_version;    /* 4 or 6; 0 for a plain packet (not inspected) */
	enum vnet_l4 l4;       /* the transport header at csum_start, if TCP or UDP */
	size_t l4_off;	       /* its offset (== csum_start) when l4 != VNET_L4_NONE */
	size_t hdr_len;	       /* GSO: IP + extension + TCP/UDP header octets, computed */
};

/**
 * Parse and validate the virtio_net_hdr at @p followed by the IP packet
 * (@n octets in all) into @out. Reads nothing beyond @n.
 *
 * - Plain (no NEEDS_CSUM, GSO_NONE): only the header is checked (flags known,
 *   hdr_len <= packet, at least one packet octet); the packet itself is the
 *   caller's to validate.
 * - NEEDS_CSUM without GSO: IPv4/IPv6 header present and its length field
 *   equal to the packet length, csum_start at or after the IP header and
 *   csum_start + csum_offset + 2 within the packet. When the IP protocol (after
 *   IPv6 Hop-by-Hop / Destination Options headers) is TCP or UDP starting at
 *   csum_start, csum_offset must be 16 / 6 and the whole TCP / UDP header must
 *   be present; a partial checksum of anything else (e.g. the inner header of a
 *   tunnel) is completed generically, as the kernel's skb_checksum_help does.
 * - GSO (TCPV4, TCPV6, UDP_L4; ECN only with TCP): NEEDS_CSUM set, gso_size >
 *   0, the IP version matching the type, IPv4 not a fragment, IPv6 without
 *   Routing / Fragment headers, TCP / UDP starting exactly at csum_start with
 *   csum_offset 16 / 6, a complete TCP header (data offset 5..15), at least one
 *   payload octet. The header length is computed (csum_start + TCP/UDP header)
 *   and the kernel's hdr_len is only bounded by the packet length: for a
 *   legacy virtio header it is a hint (skb_headlen(), which on the forwarding
 *   path may span the whole first segment; the kernel's own tun_get_user()
 *   raises a too-small one instead of refusing it), so it is never used.
 * Returns 0 or -EBADMSG (anything malformed, unknown flags or GSO types, UFO).
 */
int vnet_hdr_parse(const uint8_t *p, size_t n, struct vnet_pkt *out) WUR;

/**
 * How many packets @v becomes when no packet may exceed @mtu octets.
 * Not GSO: 1, whatever the size (an oversize packet is the caller's usual
 * too-big case). TCP GSO: ceil(payload / seg) with seg = min(gso_size,
 * @mtu - hdr_len). UDP GSO: ceil(payload / gso_size), since every gso_size
 * slice is an application datagram that must not be split further.
 * Returns 0 when the packet cannot be cut to @mtu (@mtu <= hdr_len, or UDP
 * with hdr_len + gso_size > @mtu): the caller drops it as too big.
 */
size_t vnet_seg_count(const struct vnet_pkt *v, size_t mtu);

/**
 * Write packet @idx (0-based, < vnet_seg_count()) of @v into @out (@cap
 * octets) as a complete IP packet: the headers, then the payload slice; IPv4
 * Total Length, Identification (+ @idx, mod 2^16) and header checksum / IPv6
 * Payload Length; TCP sequence number (+ slice offset), FIN and PSH only on
 * the last segment, CWR only on the first; UDP Length; and the full TCP / UDP
 * checksum (pseudo-header of RFC 768 / RFC 9293 §3.1 / RFC 8200 §8.1), a UDP
 * result of 0 sent as 0xffff. Not GSO: the packet is copied and a partial
 * checksum (NEEDS_CSUM) completed. Never writes the input.
 * Returns the packet length, -EINVAL (@idx out of range, count 0) or -ENOSPC.
 */
ssize_t vnet_seg_build(const struct vnet_pkt *v, size_t mtu, size_t idx, uint8_t *out,
		       size_t cap) WUR;

/**
 * The zero-copy form of vnet_seg_build() for the common single-packet case:
 * when vnet_seg_count(@v, @mtu) == 1, finish the packet in place (complete the
 * checksum, fix the lengths; the bytes then equal what vnet_seg_build() would
 * write for index 0). @pkt must be the writable memory @v->pkt points to.
 * Returns 0, or -EINVAL when the packet needs cutting (count != 1).
 */
int vnet_pkt_finish(const struct vnet_pkt *v, size_t mtu, uint8_t *pkt) WUR;

/** Write the all-zero "no offload" header for a packet written to the TUN on its own. */
void vnet_hdr_none(uint8_t out[VNET_HDR_LEN]);

/**
 * The folded 16-bit one's complement sum (RFC 1071, not complemented) of @n
 * octets at @p added to @sum, as a big-endian number. @p starts a 16-bit word;
 * an odd @n pads with a zero octet, so only the last piece of a chained sum
 * may have odd length. Sums 64-bit words.
 */
uint16_t vnet_csum_partial(const void *p, size_t n, uint16_t sum);

/*
 * GRO: coalescing inner packets (complete, checksummed, as the overlay
 * delivers them) into one super-packet for the TUN.
 *
 * Usage per received batch:
 *	if (!vnet_gro_add(g, pkt, len)) {
 *		if ((n = vnet_gro_take(g, &out)))
 *			write(tun, out, n);
 *		if (!vnet_gro_add(g, pkt, len))
 *			write [vnet_hdr_none() + pkt] alone;
 *	}
 *	... and at the end of the batch: vnet_gro_take() and write.
 * One flow is pending at a time; packets are never reordered.
 *
 * Merged only (each rule keeps the kernel's later re-segmentation identical
 * to the packets we received): IPv4 without options, no fragment (DF either
 * way), a valid header checksum and Identification = first + k; IPv6 without
 * extension headers; Total / Payload Length equal to the packet length; the
 * same version/TOS/traffic class/flow label, TTL/hop limit, DF, addresses and
 * ports. TCP: header length and options identical, flags exactly ACK (ACK|PSH
 * closes the batch), sequence = previous + previous payload, same ACK number,
 * window and urgent pointer, payload > 0. UDP: Length field equal to the
 * datagram, non-zero checksum. Both: every payload as large as the first but
 * a smaller final one (which closes the batch), at most VNET_GRO_MAX_SEGS
 * segments, VNET_MAX_PKT IP octets and the buffer, and a verifying TCP / UDP
 * checksum on every packet: the kernel trusts the partial checksum of what we
 * write, so a corrupted packet is never merged but written alone for the
 * stack to drop.
 */
#define VNET_GRO_TCP (1U << 0) /* coalesce TCP (TSO writes are accepted by every TUN) */
#define VNET_GRO_UDP (1U << 1) /* coalesce UDP: only if TUNSETOFFLOAD took USO4|USO6 */

/** Caller-owned GRO state: private to vnet.c but for the statistics, which the caller reads. */
struct vnet_gro {
	uint8_t *buf; /* [VNET_HDR_LEN][super-packet] */
	size_t cap;
	unsigned flags; /* VNET_GRO_* */
	size_t len;	/* IP octets pending; 0 = nothing pending */
	size_t l4_off;	/* IP header length */
	size_t hdr;	/* l4_off + TCP/UDP header length */
	size_t seg;	/* payload octets of the first packet (the gso_size) */
	unsigned nseg;	/* packets merged */
	enum vnet_l4 l4;
	bool closed;	   /* a smaller or PSH packet ended the batch */
	bool psh;	   /* the last merged TCP packet had PSH */
	uint32_t next_seq; /* TCP sequence number the next packet must have */
	uint16_t next_id;  /* IPv4 Identification the next packet must have */
	uint64_t merged;   /* statistics: packets appended to a pending one */
	uint64_t bad_csum; /* statistics: packets refused for a bad checksum */
};

/**
 * Start with nothing pending. @buf (@cap octets, more than VNET_HDR_LEN, else
 * abort; VNET_GRO_BUF_LEN is always enough) stays the caller's and must
 * outlive @g. @flags: VNET_GRO_TCP and/or VNET_GRO_UDP (0 merges nothing).
 */
void vnet_gro_init(struct vnet_gro *g, uint8_t *buf, size_t cap, unsigned flags);

/**
 * Append the inner IP packet @pkt (@len octets) to the pending super-packet,
 * or start one with it when nothing is pending. Returns true if it was taken
 * (copied: @pkt may be reused at once); false if it cannot join the pending
 * one (flush with vnet_gro_take() and retry) or, with nothing pending, cannot
 * be coalesced at all (write it alone behind vnet_hdr_none()).
 */
bool vnet_gro_add(struct vnet_gro *g, const uint8_t *pkt, size_t len);

/** True when vnet_gro_take() would return something. */
static inline bool vnet_gro_pending(const struct vnet_gro *g)
{
	return g->len != 0;
}

/**
 * Finish the pending super-packet and point *@out at it in the caller's
 * buffer, virtio_net_hdr in front: GSO type TCPV4/TCPV6/UDP_L4, gso_size =
 * the first payload, hdr_len, NEEDS_CSUM with csum_start/csum_offset and the
 * pseudo-header sum in the checksum field, IP (and UDP) lengths updated, PSH
 * of the last packet. A batch of one packet is emitted unchanged behind an
 * all-zero header. Returns the octets to write (0 and *@out = NULL when
 * nothing is pending) and resets @g; *@out stays valid until the next add.
 */
size_t vnet_gro_take(struct vnet_gro *g, const uint8_t **out);
