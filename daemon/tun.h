/* SPDX-License-Identifier: MIT */
/*
 * tun.h - the TUN character device: open /dev/net/tun, attach it to a named
 * layer-3 interface (TUNSETIFF) and move whole packets in and out of it.
 * This module owns only the file descriptor plumbing; it never configures
 * addresses or routes (netlink.c) and never polls (the caller wraps the fd in
 * a uv_poll_t). Opening needs CAP_NET_ADMIN, so daemon code calls it through
 * privops_tun_open().
 */
#pragma once

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util.h"

/* Flags for tun_open_flags(); 0 gives a plain IFF_TUN | IFF_NO_PI device. */
#define TUN_F_VNET_HDR (1U << 0)    /* IFF_VNET_HDR: every packet carries a virtio_net_hdr */
#define TUN_F_MULTI_QUEUE (1U << 1) /* IFF_MULTI_QUEUE: open one more queue of the device */

/**
 * tun_open() - open a layer-3 TUN device without packet information headers.
 * @name:   wanted interface name (shorter than IFNAMSIZ), or NULL / "" to let
 *          the kernel pick "tun%d". An existing persistent TUN of that name is
 *          attached to when the caller may do so.
 * @actual: receives the NUL-terminated name the kernel gave the interface.
 *
 * The fd is O_NONBLOCK | O_CLOEXEC and owned by the caller (close() it after
 * stopping any uv_poll_t on it). The interface disappears with the last fd
 * unless it was made persistent elsewhere.
 *
 * Return: the fd (>= 0), -EINVAL for a name that is too long, or the -errno
 * of open()/ioctl() (-EPERM without CAP_NET_ADMIN; -EBUSY or -EINVAL if the
 * name belongs to another kind of device, to a TUN already attached, or to
 * one created with other flags).
 */
int tun_open(const char *name, char actual[IFNAMSIZ]) WUR;

/** tun_open() with TUN_F_* @flags; -EINVAL for unknown flags. */
int tun_open_flags(const char *name, unsigned int flags, char actual[IFNAMSIZ]) WUR;

/**
 * tun_read() - read one packet into @buf (at most @cap octets).
 *
 * Return: the packet length (> 0), -EAGAIN when no packet is queued (also
 * after a spurious uv_poll wakeup), or another -errno. A packet longer than
 * @cap is truncated by the kernel, so size @cap for the interface MTU.
 */
int tun_read(int fd, uint8_t *buf, size_t cap);

/**
 * tun_write() - hand one whole IP packet (@len octets, no header) to the kernel.
 *
 * Return: @len, -EAGAIN when the device queue is full (drop and count), or
 * another -errno (-EINVAL for a packet the kernel rejects, -EIO when the
 * interface is down).
 */
int tun_write(int fd, const uint8_t *buf, size_t len);

/**
 * On a TUN opened with TUN_F_VNET_HDR, enable the richest set of offloads
 * the kernel accepts (TUN_F_CSUM, TSO4/6, USO4/6 from <linux/if_tun.h>).
 * Returns the TUN_F_* offload bits now on (0: none; packets then carry a
 * virtio_net_hdr without GSO or partial checksums).
 */
unsigned tun_offload_probe(int fd);

/** Write @hlen header octets followed by @len packet octets as one packet. Returns the
 *  bytes written or -errno (-EAGAIN when the device queue is full). */
int tun_writev2(int fd, const uint8_t *hdr, size_t hlen, const uint8_t *pkt, size_t len);

/**
 * Write one whole IP packet of @len octets to the TUN @fd; when the TUN was opened
 * with TUN_F_VNET_HDR (@vnet), behind a virtio_net_hdr that asks for no offload
 * (vnet_hdr_none()). Returns what tun_write() / tun_writev2() return: the octets
 * written (@len, or @len + VNET_HDR_LEN with @vnet) or -errno.
 */
int tun_write_packet(int fd, bool vnet, const uint8_t *pkt, size_t len);
