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

struct udp_rxslot {
	uint8_t *buf;
	size_t len; /* bytes received (valid after udp_recv_batch) */
	union sockaddr_any from;
	bool truncated;
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
	unsigned n;
	uint64_t sent, send_errors;
};

/**
 * Open a non-blocking UDP socket bound to @listen (optionally to device
 * @ifname), with DF always set (IP_PMTUDISC_PROBE / IPV6_DONTFRAG) and large
 * socket buffers. Returns the fd or -errno.
 */
int udp_open(const union sockaddr_any *listen, const char *ifname) WUR;

/** Allocate receive slots of @slot_size bytes each. */
void udp_rx_init(struct udp_rx *rx, size_t slot_size);
void udp_rx_deinit(struct udp_rx *rx);
/** Receive up to UDP_BATCH datagrams. Returns the count (0 when none) or -errno. */
int udp_recv_batch(int fd, struct udp_rx *rx) WUR;

void udp_txq_init(struct udp_txq *q);
/** Queue @b (data = the UDP payload) for @dst; flushes when full. Consumes @b. */
void udp_txq_add(struct udp_txq *q, int fd, struct pbuf *b, const union sockaddr_any *dst);
/** Send everything queued with sendmmsg; unsent datagrams are dropped and counted. */
void udp_txq_flush(struct udp_txq *q, int fd);
/** Send one datagram now (control messages). Returns 0 or -errno. */
int udp_send_one(int fd, const void *buf, size_t len, const union sockaddr_any *dst) WUR;
