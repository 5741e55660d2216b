/* SPDX-License-Identifier: MIT */
/*
 * aero_mob.h - underlay change detection for AERO mobility (spec/omni-aero.md
 * §5.8, docs/aero.md): a NETLINK_ROUTE socket subscribed to the IPv4/IPv6
 * address and route groups, polled on the loop, that calls back once per
 * batch of messages that touch an underlay (an address added or removed on
 * any interface but the TUN and loopback, or a main-table route change off
 * the TUN). Owns the socket, its poll handle and nothing else; what a change
 * means is the caller's business (aero.c re-registers and tells its
 * route-optimized neighbors). Loop thread only.
 */
#pragma once

#include <linux/netlink.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "util.h"

struct aero_mob;

/**
 * aero_mob_relevant() - does the rtnetlink message @nlh of @len octets
 * (the whole message, header included) report an underlay change?
 * RTM_NEWADDR / RTM_DELADDR of global or site scope on an interface other
 * than @tun_ifindex, RTM_NEWLINK / RTM_DELLINK of an interface other than
 * @tun_ifindex and loopback (family AF_UNSPEC, up / running / carrier changed;
 * not AF_INET6 device state), or RTM_NEWROUTE / RTM_DELROUTE
 * in the main table whose output interface is not @tun_ifindex and whose
 * destination is not IPv6 link-local. Anything else, and anything truncated,
 * is not. Pure.
 */
bool aero_mob_relevant(const struct nlmsghdr *nlh, size_t len, int tun_ifindex) WUR;

/**
 * aero_mob_scan() - count the messages in the @n octets at @buf (4-aligned,
 * as received from the socket) that aero_mob_relevant() accepts. The walk
 * stops at the first header whose length is below the header size or runs
 * past @n. Pure.
 */
size_t aero_mob_scan(const uint8_t *buf, size_t n, int tun_ifindex) WUR;

/**
 * aero_mob_open() - subscribe on @loop; @on_change(@ctx) runs on the loop
 * after each read that held at least one relevant message (or lost some to a
 * receive-buffer overrun). Return: a handle owned by the caller
 * (aero_mob_close() then aero_mob_free() once the loop ran), or NULL with
 * errno set (socket, bind or poll failure).
 */
struct aero_mob *aero_mob_open(uv_loop_t *loop, int tun_ifindex, void (*on_change)(void *ctx),
			       void *ctx) WUR;
/** Stop polling and start closing the handle (the loop finishes it). NULL is ignored. */
void aero_mob_close(struct aero_mob *m);
/** Close the socket and free @m (after aero_mob_close() and a loop run). NULL is ignored. */
void aero_mob_free(struct aero_mob *m);
/** Relevant messages seen so far (status and tests). */
uint64_t aero_mob_events(const struct aero_mob *m);
