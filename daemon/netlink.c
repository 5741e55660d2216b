// SPDX-License-Identifier: MIT
/*
 * netlink.c - rtnetlink request/ack exchanges over libmnl for link, address
 * and route configuration. Owns one NETLINK_ROUTE socket per struct nl and a
 * receive buffer; every request is answered (or failed) before the call
 * returns, so no message of an earlier request can be mistaken for a later
 * one. Never subscribes to multicast groups and never caches kernel state.
 */
#include "netlink.h"

#include <errno.h>
#include <net/if.h>
#include <stdalign.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "log.h"

#define NL_BUF_SIZE 16384
#define NL_RECV_TIMEOUT_S 5

struct nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	char errmsg[160];
	alignas(struct nlmsghdr) uint8_t buf[NL_BUF_SIZE];
};

/* Callback for non-ack replies (e.g. RTM_NEWLINK answering RTM_GETLINK). */
typedef int (*nl_reply_cb)(const struct nlmsghdr *nlh, void *data);

struct nl *nl_open(void)
{
	struct timeval tv = {.tv_sec = NL_RECV_TIMEOUT_S};
	struct nl *nl = xcalloc(1, sizeof(*nl));
	int one = 1, saved;

	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl->sock)
		goto fail;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	/* Both are optional: older kernels simply send plain acks. */
	(void)mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	(void)mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	if (setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		goto fail;
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (uint32_t)time(NULL);
	return nl;
fail:
	saved = errno;
	log_errno(LOG_GRP_NL, "rtnetlink socket");
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl);
	errno = saved;
	return NULL;
}

void nl_close(struct nl *nl)
{
	if (!nl)
		return;
	mnl_socket_close(nl->sock);
	free(nl);
}

const char *nl_last_error(const struct nl *nl)
{
	return nl->errmsg;
}

static int extack_attr_cb(const struct nlattr *attr, void *data)
{
	struct nl *nl = data;

	if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
		snprintf(nl->errmsg, sizeof(nl->errmsg), "%s", mnl_attr_get_str(attr));
	return MNL_CB_OK;
}

/* Returns the ack's error code (0 or -errno) and records the extack text. */
static int handle_ack(struct nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err;
	size_t off;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*err))
		return -EPROTO;
	err = mnl_nlmsg_get_payload(nlh);
	if (err->error > 0)
		return -EPROTO;
	if (err->error < 0 && (nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
		/* The TLVs follow the echoed request, which is only its header if capped. */
		off = sizeof(*err);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && err->msg.nlmsg_len >= NLMSG_HDRLEN)
			off += NLMSG_ALIGN(err->msg.nlmsg_len) - NLMSG_HDRLEN;
		if (off <= mnl_nlmsg_get_payload_len(nlh))
			(void)mnl_attr_parse(nlh, (unsigned int)off, extack_attr_cb, nl);
	}
	return err->error;
}

/*
 * Send the request in nl->buf and read until its ack. Replies of other
 * sequence numbers or ports are ignored. A reply callback error is returned
 * once the ack has been consumed, so the socket is never left with a pending
 * answer.
 */
static int nl_request(struct nl *nl, struct nlmsghdr *nlh, nl_reply_cb cb, void *data)
{
	uint32_t seq = ++nl->seq;
	int cb_ret = 0, ret;
	ssize_t n;

	nl->errmsg[0] = '\0';
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;

	for (;;) {
		const struct nlmsghdr *m;
		int len;

		n = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return (errno == EAGAIN || errno == EWOULDBLOCK) ? -ETIMEDOUT : -errno;
		}
		len = (int)n;
		for (m = (const struct nlmsghdr *)(const void *)nl->buf; mnl_nlmsg_ok(m, len);
		     m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_seq != seq || (m->nlmsg_pid && m->nlmsg_pid != nl->portid))
				continue;
			switch (m->nlmsg_type) {
			case NLMSG_ERROR:
				ret = handle_ack(nl, m);
				if (ret < 0 && nl->errmsg[0])
					log_debug(LOG_GRP_NL, "kernel: %s", nl->errmsg);
				return ret < 0 ? ret : cb_ret;
			case NLMSG_DONE:
				return cb_ret;
			case NLMSG_NOOP:
				break;
			case NLMSG_OVERRUN:
				return -EPROTO;
			default:
				if (cb && cb_ret == 0)
					cb_ret = cb(m, data);
				break;
			}
		}
	}
}

static struct nlmsghdr *msg_start(struct nl *nl, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	memset(nl->buf, 0, 256);
	nlh = mnl_nlmsg_put_header(nl->buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	return nlh;
}

static int family_len(const struct prefix *p)
{
	switch (p->family) {
	case AF_INET:
		return p->plen <= 32 ? 4 : -EINVAL;
	case AF_INET6:
		return p->plen <= 128 ? 16 : -EINVAL;
	default:
		return -EAFNOSUPPORT;
	}
}

static int link_index_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi;

	if (nlh->nlmsg_type != RTM_NEWLINK || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return -EPROTO;
	ifi = mnl_nlmsg_get_payload(nlh);
	*(int *)data = ifi->ifi_index;
	return 0;
}

int nl_link_index(struct nl *nl, const char *ifname)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int index = 0, ret;

	if (!ifname[0] || strlen(ifname) >= IFNAMSIZ)
		return -EINVAL;
	nlh = msg_start(nl, RTM_GETLINK, 0);
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	ret = nl_request(nl, nlh, link_index_cb, &index);
	if (ret < 0)
		return ret;
	return index > 0 ? index : -EPROTO;
}

static struct nlmsghdr *link_msg(struct nl *nl, int ifindex, unsigned int flags,
				 unsigned int change)
{
	struct nlmsghdr *nlh = msg_start(nl, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = flags;
	ifi->ifi_change = change;
	return nlh;
}

int nl_link_set_mtu(struct nl *nl, int ifindex, uint32_t mtu)
{
	struct nlmsghdr *nlh = link_msg(nl, ifindex, 0, 0);

	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nl_request(nl, nlh, NULL, NULL);
}

int nl_link_set_up(struct nl *nl, int ifindex, bool up)
{
	struct nlmsghdr *nlh = link_msg(nl, ifindex, up ? IFF_UP : 0, IFF_UP);

	return nl_request(nl, nlh, NULL, NULL);
}

int nl_link_set_addr_gen_mode_none(struct nl *nl, int ifindex)
{
	struct nlmsghdr *nlh = link_msg(nl, ifindex, 0, 0);
	struct nlattr *spec, *inet6;

	spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	inet6 = mnl_attr_nest_start(nlh, AF_INET6);
	mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
	mnl_attr_nest_end(nlh, inet6);
	mnl_attr_nest_end(nlh, spec);
	return nl_request(nl, nlh, NULL, NULL);
}

static int addr_msg(struct nl *nl, uint16_t type, uint16_t flags, int ifindex,
		    const struct prefix *p)
{
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	int alen = family_len(p);

	if (alen < 0)
		return alen;
	if (ifindex <= 0)
		return -EINVAL;
	nlh = msg_start(nl, type, flags);
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)p->family;
	ifa->ifa_prefixlen = p->plen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, (size_t)alen, p->addr);
	mnl_attr_put(nlh, IFA_ADDRESS, (size_t)alen, p->addr);
	if (p->family == AF_INET6 && type == RTM_NEWADDR) {
		/* The TUN has no neighbours to collide with; DAD would only delay use. */
		ifa->ifa_flags = IFA_F_NODAD;
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	}
	return nl_request(nl, nlh, NULL, NULL);
}

int nl_addr_add(struct nl *nl, int ifindex, const struct prefix *p)
{
	return addr_msg(nl, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex, p);
}

int nl_addr_del(struct nl *nl, int ifindex, const struct prefix *p)
{
	return addr_msg(nl, RTM_DELADDR, 0, ifindex, p);
}

/*
 * Routes are tagged RTPROT_STATIC. Deletion matches that protocol too, so
 * omnid never removes a route it did not install (kernel prefix routes have
 * RTPROT_KERNEL).
 */
static int route_msg(struct nl *nl, uint16_t type, uint16_t flags, int ifindex,
		     const struct prefix *dst)
{
	struct prefix masked = *dst;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int alen = family_len(dst);

	if (alen < 0)
		return alen;
	if (ifindex <= 0)
		return -EINVAL;
	prefix_mask(&masked);
	nlh = msg_start(nl, type, flags);
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)dst->family;
	rtm->rtm_dst_len = dst->plen;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_type = RTN_UNICAST;
	if (type == RTM_DELROUTE)
		rtm->rtm_scope = RT_SCOPE_NOWHERE;
	else
		rtm->rtm_scope = dst->family == AF_INET ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	if (dst->plen)
		mnl_attr_put(nlh, RTA_DST, (size_t)alen, masked.addr);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	return nl_request(nl, nlh, NULL, NULL);
}

int nl_route_add(struct nl *nl, int ifindex, const struct prefix *dst)
{
	return route_msg(nl, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, ifindex, dst);
}

int nl_route_del(struct nl *nl, int ifindex, const struct prefix *dst)
{
	return route_msg(nl, RTM_DELROUTE, 0, ifindex, dst);
}
