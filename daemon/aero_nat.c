// SPDX-License-Identifier: MIT
/*
 * aero_nat.c - NAT traversal helpers (aero_nat.h): the TTL-limited bubble,
 * sent with a per-datagram IP_TTL / IPV6_HOPLIMIT control message so the
 * socket's own TTL is left alone. Owns nothing.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "aero_nat.h"

int aero_nat_bubble(int fd, const union sockaddr_any *to, int ttl)
{
	union {
		struct cmsghdr align;
		uint8_t b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {.iov_base = NULL, .iov_len = 0};
	struct msghdr mh = {.msg_name = (void *)(uintptr_t)&to->sa,
			    .msg_namelen = addr_len(to),
			    .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl.b,
			    .msg_controllen = sizeof(ctl.b)};

	if (ttl < 1 || ttl > 255)
		return -EINVAL;
	memset(&ctl, 0, sizeof(ctl));
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	switch (to->sa.sa_family) {
	case AF_INET:
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_TTL;
		break;
	case AF_INET6:
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_HOPLIMIT;
		break;
	default:
		return -EINVAL;
	}
	memcpy(CMSG_DATA(cm), &ttl, sizeof(int));
	if (sendmsg(fd, &mh, MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}
