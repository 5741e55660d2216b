// SPDX-License-Identifier: MIT
/*
 * test_aero_nat.c - daemon/aero_nat.c: the bubble is an empty datagram that
 * arrives with exactly the TTL / hop limit asked for (IPv4 and IPv6 over
 * loopback, read back with IP_RECVTTL / IPV6_RECVHOPLIMIT), leaves the
 * socket's own TTL alone, and bad TTLs, families and sockets are refused.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "aero_nat.h"

/* A UDP socket on the loopback address of @fam, its address in *@a. */
static int bound(int fam, union sockaddr_any *a)
{
	int fd = socket(fam, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	cr_assert(fd >= 0);
	memset(a, 0, sizeof(*a));
	a->sa.sa_family = (sa_family_t)fam;
	if (fam == AF_INET)
		a->in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else
		a->in6.sin6_addr = in6addr_loopback;
	if (bind(fd, &a->sa, addr_len(a)) < 0) {
		close(fd);
		return -1;
	}
	socklen_t l = sizeof(*a);
	cr_assert_eq(getsockname(fd, &a->sa, &l), 0);
	return fd;
}

/* Receive one datagram on @fd: its length, and its TTL / hop limit in *@ttl. */
static ssize_t recv_ttl(int fd, int *ttl)
{
	uint8_t data[16];
	union {
		struct cmsghdr align;
		uint8_t b[CMSG_SPACE(sizeof(int)) * 2];
	} ctl;
	struct iovec iov = {.iov_base = data, .iov_len = sizeof(data)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl.b,
			    .msg_controllen = sizeof(ctl.b)};
	ssize_t n = recvmsg(fd, &mh, 0);
	*ttl = -1;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
		if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
		    (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT))
			memcpy(ttl, CMSG_DATA(c), sizeof(int));
	return n;
}

static void round_trip(int fam)
{
	union sockaddr_any ra, sa;
	int rx = bound(fam, &ra);
	if (rx < 0) {
		cr_log_warn("no loopback for family %d: not tested", fam);
		return;
	}
	int one = 1, ttl;
	if (fam == AF_INET)
		cr_assert_eq(setsockopt(rx, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one)), 0);
	else
		cr_assert_eq(setsockopt(rx, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one)), 0);
	int tx = bound(fam, &sa);
	cr_assert(tx >= 0);
	static const int ttls[] = {1, 2, 64, 255};
	for (unsigned i = 0; i < ARRAY_SIZE(ttls); i++) {
		cr_assert_eq(aero_nat_bubble(tx, &ra, ttls[i]), 0);
		cr_assert_eq(recv_ttl(rx, &ttl), 0, "an empty datagram");
		cr_assert_eq(ttl, ttls[i], "family %d ttl %d", fam, ttls[i]);
	}
	/* the socket's own TTL is untouched: a plain send keeps the default (64 on Linux) */
	cr_assert_eq(sendto(tx, "x", 1, 0, &ra.sa, addr_len(&ra)), 1);
	cr_assert_eq(recv_ttl(rx, &ttl), 1);
	cr_assert_neq(ttl, 255);
	cr_assert(ttl > 1);
	close(tx);
	close(rx);
}

Test(aero_nat, bubble_ipv4)
{
	round_trip(AF_INET);
}

Test(aero_nat, bubble_ipv6)
{
	round_trip(AF_INET6);
}

Test(aero_nat, refusals)
{
	union sockaddr_any ra, un;
	int rx = bound(AF_INET, &ra);
	cr_assert(rx >= 0);
	int tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	cr_assert(tx >= 0);
	cr_assert_eq(aero_nat_bubble(tx, &ra, 0), -EINVAL);
	cr_assert_eq(aero_nat_bubble(tx, &ra, 256), -EINVAL);
	cr_assert_eq(aero_nat_bubble(tx, &ra, -1), -EINVAL);
	memset(&un, 0, sizeof(un));
	un.sa.sa_family = AF_UNIX;
	cr_assert_eq(aero_nat_bubble(tx, &un, 2), -EINVAL);
	close(tx);
	cr_assert_eq(aero_nat_bubble(tx, &ra, 2), -EBADF);
	/* nothing arrived from any of these */
	char b[4];
	cr_assert_eq(recv(rx, b, sizeof(b), MSG_DONTWAIT), -1);
	cr_assert_eq(errno, EAGAIN);
	close(rx);
}
