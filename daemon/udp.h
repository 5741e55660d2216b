/* SPDX-License-Identifier: MIT */
/*
 * udp.h - underlay UDP sockets with batched I/O: recvmmsg into fixed receive
 * slots and a sendmmsg transmit queue of pool buffers. Owns the socket fds and
 * the slots; knows nothing about carriers or peers. Loop thread only.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include "addr.h"
#include "pbuf.h"
#include "util.h"

#define UDP_BATCH 64

#define UDP_CMSG_SPACE 64

struct udp_rxslot {
	uint8_t *buf;
	size_t len; /* bytes received (valid after udp_recv_batch) */
	size_t seg; /* UDP_GRO: the datagrams are seg bytes each (last may be shorter); 0: one */
	union sockaddr_any from;
	bool truncated;
	_Alignas(struct cmsghdr) uint8_t cmsg[UDP_CMSG_SPACE];
};

struct udp_rx {
	struct udp_rxslot slot[UDP_BATCH];
	struct mmsghdr msg[UDP_BATCH];
	struct iovec iov[UDP_BATCH];
	size_t slot_size;
	uint8_t *storage;
};

struct udp_txq {
	struct mmsghdr msg[UDP_BATCH];
	struct iovec iov[UDP_BATCH];
	struct pbuf *buf[UDP_BATCH];
	union sockaddr_any dst[UDP_BATCH];
	uint16_t seg[UDP_BATCH]; /* UDP_SEGMENT size, 0 = a single datagram */
	_Alignas(struct cmsghdr) uint8_t cmsg[UDP_BATCH][UDP_CMSG_SPACE];
	unsigned n;
	bool gso;                /* the socket accepts UDP_SEGMENT */
	uint64_t sent, send_errors, gso_fallbacks, coalesced;
	/* Open run of equal-sized datagrams to one destination (udp_txq_add_coalesce). */
	struct pbuf_pool *run_pool; /* where run buffers come from; NULL: no coalescing */
	struct pbuf *run;
	union sockaddr_any run_dst;
	uint16_t run_seg;
	unsigned run_n;
};

/* Offload capabilities of a socket, probed by udp_offload_probe(). */
#define UDP_OFF_GSO (1U << 0)
#define UDP_OFF_GRO (1U << 1)

/**
 * Open a non-blocking UDP socket bound to @listen (optionally to device
 * @ifname), with DF always set (IP_PMTUDISC_PROBE / IPV6_DONTFRAG) and large
 * socket buffers. Returns the fd or -errno.
 */
int udp_open(const union sockaddr_any *listen, const char *ifname) WUR;

/**
 * Probe and enable UDP GSO (UDP_SEGMENT, sends) and GRO (UDP_GRO, receives)
 * on @fd, as far as @want (UDP_OFF_*) asks and the kernel allows. Returns the
 * UDP_OFF_* bits that are on.
 */
unsigned udp_offload_probe(int fd, unsigned want);

/** Allocate receive slots of @slot_size bytes each. */
void udp_rx_init(struct udp_rx *rx, size_t slot_size);
void udp_rx_deinit(struct udp_rx *rx);
/** Receive up to UDP_BATCH datagrams. Returns the count (0 when none) or -errno. */
int udp_recv_batch(int fd, struct udp_rx *rx) WUR;

void udp_txq_init(struct udp_txq *q);
/** Queue @b (data = the UDP payload) for @dst; flushes when full. Consumes @b. */
void udp_txq_add(struct udp_txq *q, int fd, struct pbuf *b, const union sockaddr_any *dst);
/**
 * Queue @b holding several datagrams of @seg bytes each (the last may be
 * shorter) for @dst, sent as one UDP_SEGMENT message when q->gso is set and
 * as separate datagrams otherwise. Consumes @b.
 */
void udp_txq_add_segs(struct udp_txq *q, int fd, struct pbuf *b, const union sockaddr_any *dst,
		      uint16_t seg);
/**
 * Queue @b like udp_txq_add(), but when GSO is on, copy it into a run of
 * datagrams of the same size to the same destination, sent as one
 * UDP_SEGMENT message (a run may end with one shorter datagram). Consumes @b.
 */
void udp_txq_add_coalesce(struct udp_txq *q, int fd, struct pbuf *b,
			  const union sockaddr_any *dst);
/** Send everything queued with sendmmsg; unsent datagrams are dropped and counted. */
void udp_txq_flush(struct udp_txq *q, int fd);
/** Send one datagram now (control messages). Returns 0 or -errno. */
int udp_send_one(int fd, const void *buf, size_t len, const union sockaddr_any *dst) WUR;
