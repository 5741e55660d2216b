// SPDX-License-Identifier: MIT
/*
 * udp.c - underlay socket set-up and the recvmmsg/sendmmsg batches behind
 * udp.h. One syscall per batch in each direction; never blocks (sockets are
 * non-blocking and a full send buffer drops and counts).
 */
#include "udp.h"
#include "log.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define UDP_SOCKBUF (4 * 1024 * 1024)

static void set_buf(int fd, int opt, int force_opt, int size)
{
	/* FORCE works with CAP_NET_ADMIN and ignores rmem_max; fall back quietly. */
	if (setsockopt(fd, SOL_SOCKET, force_opt, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, opt, &size, sizeof(size));
}

int udp_open(const union sockaddr_any *listen, const char *ifname)
{
	int fam = listen->sa.sa_family;
	int fd = socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
	int one = 1, err;
	if (fd < 0)
		return -errno;
	if (fam == AF_INET6) {
		int v6only = 0;
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
		int pmtu = IPV6_PMTUDISC_PROBE;
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu, sizeof(pmtu)) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_DONTFRAG, &one, sizeof(one)) < 0)
			goto fail;
	} else {
		int pmtu = IP_PMTUDISC_PROBE;
		if (setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu)) < 0)
			goto fail;
	}
	if (ifname && ifname[0] &&
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) < 0)
		goto fail;
	set_buf(fd, SO_RCVBUF, SO_RCVBUFFORCE, UDP_SOCKBUF);
	set_buf(fd, SO_SNDBUF, SO_SNDBUFFORCE, UDP_SOCKBUF);
	if (bind(fd, &listen->sa, addr_len(listen)) < 0)
		goto fail;
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

void udp_rx_init(struct udp_rx *rx, size_t slot_size)
{
	memset(rx, 0, sizeof(*rx));
	rx->slot_size = slot_size;
	rx->storage = xmalloc(slot_size * UDP_BATCH);
	for (unsigned i = 0; i < UDP_BATCH; i++)
		rx->slot[i].buf = rx->storage + i * slot_size;
}

void udp_rx_deinit(struct udp_rx *rx)
{
	free(rx->storage);
	rx->storage = NULL;
}

int udp_recv_batch(int fd, struct udp_rx *rx)
{
	for (unsigned i = 0; i < UDP_BATCH; i++) {
		rx->iov[i] = (struct iovec){ rx->slot[i].buf, rx->slot_size };
		rx->msg[i].msg_hdr = (struct msghdr){ .msg_name = &rx->slot[i].from,
						      .msg_namelen = sizeof(rx->slot[i].from),
						      .msg_iov = &rx->iov[i],
						      .msg_iovlen = 1 };
	}
	int n = recvmmsg(fd, rx->msg, UDP_BATCH, MSG_DONTWAIT, NULL);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		rx->slot[i].len = rx->msg[i].msg_len;
		rx->slot[i].truncated = (rx->msg[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
	}
	return n;
}

void udp_txq_init(struct udp_txq *q)
{
	memset(q, 0, sizeof(*q));
}

void udp_txq_add(struct udp_txq *q, int fd, struct pbuf *b, const union sockaddr_any *dst)
{
	if (q->n == UDP_BATCH)
		udp_txq_flush(q, fd);
	unsigned i = q->n++;
	q->buf[i] = b;
	q->dst[i] = *dst;
	q->iov[i] = (struct iovec){ b->head, b->len };
	q->msg[i].msg_hdr = (struct msghdr){ .msg_name = &q->dst[i],
					     .msg_namelen = addr_len(dst),
					     .msg_iov = &q->iov[i],
					     .msg_iovlen = 1 };
}

void udp_txq_flush(struct udp_txq *q, int fd)
{
	unsigned done = 0;
	while (done < q->n) {
		int r = sendmmsg(fd, q->msg + done, q->n - done, MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* Skip the datagram the kernel refused (e.g. EMSGSIZE, no route). */
			q->send_errors++;
			log_remote(LOG_GRP_UDP, "sendmmsg: %s", strerror(errno));
			done++;
			continue;
		}
		q->sent += (unsigned)r;
		done += (unsigned)r;
	}
	for (unsigned i = 0; i < q->n; i++)
		pbuf_free(q->buf[i]);
	q->n = 0;
}

int udp_send_one(int fd, const void *buf, size_t len, const union sockaddr_any *dst)
{
	ssize_t r = sendto(fd, buf, len, MSG_DONTWAIT, &dst->sa, addr_len(dst));
	return r < 0 ? -errno : 0;
}
