/* SPDX-License-Identifier: MIT */
/*
 * netlink.h - synchronous rtnetlink requests through libmnl: interface index,
 * MTU, up/down, IPv6 address generation mode, addresses and device routes.
 * Each call sends one request with NLM_F_ACK on a private NETLINK_ROUTE socket
 * and waits for the kernel's answer, so it may only be used where a short
 * blocking system call is acceptable (start-up, reload, control-API
 * handlers); the kernel answers these requests without sleeping on I/O.
 * Changing links, addresses and routes needs CAP_NET_ADMIN. The module owns
 * the socket and nothing else: it never opens devices and keeps no record of
 * what it configured.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include "addr.h"
#include "util.h"

struct nl;

/**
 * nl_open() - open and bind a NETLINK_ROUTE socket (close-on-exec, extended
 * acks requested). Return: a handle owned by the caller (nl_close()), or NULL
 * with errno set.
 */
struct nl *nl_open(void);
/** Close the socket and free @nl. NULL is ignored. */
void nl_close(struct nl *nl);

/**
 * The functions below return 0 (or the index) on success and the kernel's
 * -errno from the ack otherwise, e.g. -ENODEV (no such interface), -EEXIST
 * (address already present), -EADDRNOTAVAIL / -ESRCH (nothing to delete),
 * -EPERM (no CAP_NET_ADMIN), -EINVAL (bad argument), plus -EMSGSIZE if the
 * request does not fit and -EPROTO / -ETIMEDOUT for a broken exchange.
 * The kernel's extended-ack text, if any, is logged at debug level and kept
 * for nl_last_error().
 */

/** Interface index of @ifname (> 0), -ENODEV if absent, -EINVAL if too long. */
int nl_link_index(struct nl *nl, const char *ifname);
int nl_link_set_mtu(struct nl *nl, int ifindex, uint32_t mtu) WUR;
int nl_link_set_up(struct nl *nl, int ifindex, bool up) WUR;
/**
 * Set IFLA_INET6_ADDR_GEN_MODE to IN6_ADDR_GEN_MODE_NONE so the kernel adds no
 * link-local address of its own; call before the link goes up. -EAFNOSUPPORT
 * when IPv6 is disabled.
 */
int nl_link_set_addr_gen_mode_none(struct nl *nl, int ifindex) WUR;
/**
 * Add @p (address with its prefix length; host bits are the address) to the
 * interface. IPv6 addresses get IFA_F_NODAD. -EEXIST if present (callers
 * usually tolerate it).
 */
int nl_addr_add(struct nl *nl, int ifindex, const struct prefix *p) WUR;
int nl_addr_del(struct nl *nl, int ifindex, const struct prefix *p) WUR;
/**
 * Add or replace (NLM_F_REPLACE) a unicast device route to @dst through the
 * interface in the main table. Host bits of @dst are ignored.
 */
int nl_route_add(struct nl *nl, int ifindex, const struct prefix *dst) WUR;
/** Delete the device route to @dst through the interface (-ESRCH if absent). */
int nl_route_del(struct nl *nl, int ifindex, const struct prefix *dst) WUR;

/**
 * The kernel's extended-ack message for the last failed request on @nl, or ""
 * if it sent none. Valid until the next request.
 */
const char *nl_last_error(const struct nl *nl);
