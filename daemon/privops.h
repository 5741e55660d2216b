/* SPDX-License-Identifier: MIT */
/*
 * privops.h - every operation that needs privilege (STYLE.md §9): opening the
 * TUN device and shedding capabilities once set-up is done. Keeping them in
 * one file is the seam for a later privilege-separated helper process. The
 * module owns no state; it must never be called from a peer-triggered path.
 */
#pragma once

#include <net/if.h>
#include "util.h"

/**
 * privops_tun_open() - open the TUN device @name (see tun_open()).
 * Return: the fd or -errno (-EPERM without CAP_NET_ADMIN).
 */
int privops_tun_open(const char *name, char actual[IFNAMSIZ]) WUR;
/** privops_tun_open() with TUN_F_* flags (see tun_open_flags()). */
int privops_tun_open_flags(const char *name, unsigned int flags, char actual[IFNAMSIZ]) WUR;

/**
 * privops_drop_caps() - keep at most CAP_NET_ADMIN.
 *
 * Sets PR_SET_NO_NEW_PRIVS, clears the ambient set, then, if CAP_SETPCAP is
 * effective, drops every other capability from the bounding set (EPERM is
 * ignored there), and finally sets permitted = effective = {CAP_NET_ADMIN}
 * if it was permitted before (else empty) and inheritable = {} with capset(2).
 * A process without capabilities gets only NO_NEW_PRIVS and returns 0.
 * Logs what it kept. Call once, from the loop thread, after the TUN is open.
 *
 * Return: 0, or -errno from prctl(PR_SET_NO_NEW_PRIVS)/capget/capset.
 */
int privops_drop_caps(void) WUR;

/**
 * privops_drop_all_caps() - like privops_drop_caps() but keeps nothing, for
 * when the configuration needs no further netlink changes.
 */
int privops_drop_all_caps(void) WUR;
