// SPDX-License-Identifier: MIT
/*
 * aero_mob.c - underlay change detection for AERO mobility (aero_mob.h): a
 * non-blocking NETLINK_ROUTE socket (libmnl) bound to the address and route
 * multicast groups, read on the loop whenever it is readable. Owns the socket
 * and its uv_poll_t; it only filters and reports, the reaction is aero.c's.
 */
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>

#include "aero_mob.h"
#include "log.h"

struct aero_mob {
	struct mnl_socket *sock;
	uv_poll_t poll;
	bool polling;
	int tun_ifindex;
	void (*on_change)(void *ctx);
	void *ctx;
	uint64_t events;
};

struct route_scan {
	int oif;
	bool has_dst;
	uint8_t dst[16];
};

static int route_attr_cb(const struct nlattr *attr, struct route_scan *s)
{
	switch (mnl_attr_get_type(attr)) {
	case RTA_OIF:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			s->oif = (int)mnl_attr_get_u32(attr);
		break;
	case RTA_DST:
		if (mnl_attr_get_payload_len(attr) == 16) {
			memcpy(s->dst, mnl_attr_get_payload(attr), 16);
			s->has_dst = true;
		}
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

bool aero_mob_relevant(const struct nlmsghdr *nlh, size_t len, int tun_ifindex)
{
	if (len < NLMSG_HDRLEN || nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > len)
		return false;
	size_t plen = nlh->nlmsg_len - NLMSG_HDRLEN;
	switch (nlh->nlmsg_type) {
	case RTM_NEWADDR:
	case RTM_DELADDR: {
		if (plen < sizeof(struct ifaddrmsg))
			return false;
		const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
		if ((int)ifa->ifa_index == tun_ifindex)
			return false;
		/* Loopback addresses are host scope, IPv6 fe80:: link scope. */
		return ifa->ifa_scope < RT_SCOPE_LINK;
	}
	case RTM_NEWLINK:
	case RTM_DELLINK: {
		/* an interface going down or up (§5.8 item 1: it disappears or appears); the
		 * kernel drops its IPv4 routes without an RTM_DELROUTE */
		if (plen < sizeof(struct ifinfomsg))
			return false;
		const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
		/* AF_INET6 ones are IPv6 device state (RA, DAD), not the link; a changed flag
		 * other than up / running (promiscuous, ...) is not either (0: carrier) */
		unsigned state = IFF_UP | IFF_RUNNING | IFF_LOWER_UP;
		return ifi->ifi_family == AF_UNSPEC && ifi->ifi_index != tun_ifindex &&
		       !(ifi->ifi_flags & IFF_LOOPBACK) &&
		       (ifi->ifi_change == 0 || (ifi->ifi_change & state) != 0);
	}
	case RTM_NEWROUTE:
	case RTM_DELROUTE: {
		if (plen < sizeof(struct rtmsg))
			return false;
		const struct rtmsg *rt = mnl_nlmsg_get_payload(nlh);
		if (rt->rtm_table != RT_TABLE_MAIN)
			return false;
		struct route_scan s = {.oif = 0};
		/* Walk the attributes inside nlmsg_len only (not up to its aligned tail). */
		const uint8_t *end = (const uint8_t *)nlh + nlh->nlmsg_len;
		const uint8_t *at = (const uint8_t *)nlh + NLMSG_HDRLEN + MNL_ALIGN(sizeof(*rt));
		while (at < end) {
			const struct nlattr *na = (const struct nlattr *)(const void *)at;
			if (!mnl_attr_ok(na, (int)(end - at)))
				return false; /* an attribute that does not fit: malformed */
			(void)route_attr_cb(na, &s);
			at += MNL_ALIGN(na->nla_len);
		}
		if (s.oif == tun_ifindex)
			return false;
		if (rt->rtm_family == AF_INET6 && s.has_dst && s.dst[0] == 0xfe &&
		    (s.dst[1] & 0xc0) == 0x80)
			return false;
		return true;
	}
	default:
		return false;
	}
}

size_t aero_mob_scan(const uint8_t *buf, size_t n, int tun_ifindex)
{
	size_t k = 0;
	/* Own walk: mnl_nlmsg_ok() compares the length as a signed int. */
	for (size_t off = 0; n - off >= NLMSG_HDRLEN;) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)(const void *)(buf + off);
		uint32_t len = nlh->nlmsg_len;
		if (len < NLMSG_HDRLEN || len > n - off)
			break;
		if (aero_mob_relevant(nlh, n - off, tun_ifindex))
			k++;
		off += NLMSG_ALIGN((size_t)len);
		if (off > n)
			break;
	}
	return k;
}

static void on_readable(uv_poll_t *h, int status, int events)
{
	struct aero_mob *m = h->data;
	uint8_t buf[16384] __attribute__((aligned(8)));
	bool changed = false;

	(void)events;
	if (status < 0) {
		log_warn(LOG_GRP_NL, "address watch: poll error: %s", uv_strerror(status));
		return;
	}
	for (unsigned round = 0; round < 64; round++) {
		ssize_t n = mnl_socket_recvfrom(m->sock, buf, sizeof(buf));
		if (n < 0) {
			if (errno == ENOBUFS) { /* overrun: some change was lost */
				changed = true;
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				log_warn(LOG_GRP_NL, "address watch: %s", strerror(errno));
			break;
		}
		size_t k = aero_mob_scan(buf, (size_t)n, m->tun_ifindex);
		m->events += k;
		changed |= k > 0;
	}
	if (changed)
		m->on_change(m->ctx);
}

static void on_closed_free(uv_handle_t *h)
{
	struct aero_mob *m = h->data;
	mnl_socket_close(m->sock);
	free(m);
}

struct aero_mob *aero_mob_open(uv_loop_t *loop, int tun_ifindex, void (*on_change)(void *ctx),
			       void *ctx)
{
	struct aero_mob *m = xcalloc(1, sizeof(*m));
	int e;

	m->tun_ifindex = tun_ifindex;
	m->on_change = on_change;
	m->ctx = ctx;
	m->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!m->sock)
		goto fail;
	if (mnl_socket_bind(m->sock,
			    RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR |
				RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE,
			    MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	if ((e = uv_poll_init(loop, &m->poll, mnl_socket_get_fd(m->sock))) < 0) {
		errno = -e;
		goto fail;
	}
	m->poll.data = m;
	m->polling = true;
	if ((e = uv_poll_start(&m->poll, UV_READABLE, on_readable)) < 0) {
		m->polling = false;
		uv_close((uv_handle_t *)&m->poll, on_closed_free);
		errno = -e;
		return NULL; /* freed when the loop closes the handle */
	}
	return m;
fail:
	e = errno;
	if (m->sock)
		mnl_socket_close(m->sock);
	free(m);
	errno = e;
	return NULL;
}

static void on_closed(uv_handle_t *h)
{
	(void)h;
}

void aero_mob_close(struct aero_mob *m)
{
	if (!m || !m->polling)
		return;
	uv_poll_stop(&m->poll);
	uv_close((uv_handle_t *)&m->poll, on_closed);
	m->polling = false;
}

void aero_mob_free(struct aero_mob *m)
{
	if (!m)
		return;
	OMNI_ASSERT(!m->polling);
	mnl_socket_close(m->sock);
	free(m);
}

uint64_t aero_mob_events(const struct aero_mob *m)
{
	return m ? m->events : 0;
}
