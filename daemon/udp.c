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
#include <netinet/udp.h>
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

unsigned udp_offload_probe(int fd, unsigned want)
{
	unsigned on = 0;
	int v = 0;
	socklen_t len = sizeof(v);
	/* Reading UDP_SEGMENT succeeds only on kernels that implement it (4.18+). */
	if ((want & UDP_OFF_GSO) && getsockopt(fd, SOL_UDP, UDP_SEGMENT, &v, &len) == 0)
		on |= UDP_OFF_GSO;
	v = 1;
	if ((want & UDP_OFF_GRO) && setsockopt(fd, SOL_UDP, UDP_GRO, &v, sizeof(v)) == 0)
		on |= UDP_OFF_GRO;
	return on;
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
						      .msg_iovlen = 1,
						      .msg_control = rx->slot[i].cmsg,
						      .msg_controllen = UDP_CMSG_SPACE };
	}
	int n = recvmmsg(fd, rx->msg, UDP_BATCH, MSG_DONTWAIT, NULL);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		struct msghdr *h = &rx->msg[i].msg_hdr;
		rx->slot[i].len = rx->msg[i].msg_len;
		rx->slot[i].truncated = (h->msg_flags & MSG_TRUNC) != 0;
		rx->slot[i].seg = 0;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
			if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO &&
			    c->cmsg_len >= CMSG_LEN(sizeof(int))) {
				int seg;
				memcpy(&seg, CMSG_DATA(c), sizeof(seg));
				if (seg > 0 && (size_t)seg < rx->slot[i].len)
					rx->slot[i].seg = (size_t)seg;
			}
		}
	}
	return n;
}

void udp_txq_init(struct udp_txq *q)
{
	memset(q, 0, sizeof(*q));
}

/* Queue one message: @len bytes at @p (one datagram, or @seg-sized datagrams
 * for UDP_SEGMENT). @owner (may be NULL) is freed once the message is sent. */
static void add(struct udp_txq *q, int fd, struct pbuf *owner, uint8_t *p, size_t len,
		const union sockaddr_any *dst, uint16_t seg)
{
	if (q->n == UDP_BATCH)
		udp_txq_flush(q, fd);
	unsigned i = q->n++;
	q->buf[i] = owner;
	q->dst[i] = *dst;
	q->seg[i] = seg;
	q->iov[i] = (struct iovec){ p, len };
	q->msg[i].msg_hdr = (struct msghdr){ .msg_name = &q->dst[i],
					     .msg_namelen = addr_len(dst),
					     .msg_iov = &q->iov[i],
					     .msg_iovlen = 1 };
	if (seg) {
		struct msghdr *h = &q->msg[i].msg_hdr;
		h->msg_control = q->cmsg[i];
		h->msg_controllen = CMSG_SPACE(sizeof(uint16_t));
		struct cmsghdr *c = CMSG_FIRSTHDR(h);
		c->cmsg_level = SOL_UDP;
		c->cmsg_type = UDP_SEGMENT;
		c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
		memcpy(CMSG_DATA(c), &seg, sizeof(seg));
	}
}

#define RUN_MAX_SEGS 64
#define RUN_MAX_BYTES 60000

static void close_run(struct udp_txq *q, int fd)
{
	struct pbuf *r = q->run;
	if (!r)
		return;
	q->run = NULL;
	add(q, fd, r, r->head, r->len, &q->run_dst, q->run_n > 1 ? q->run_seg : 0);
}

void udp_txq_add(struct udp_txq *q, int fd, struct pbuf *b, const union sockaddr_any *dst)
{
	close_run(q, fd); /* keep datagrams in the order they were queued */
	add(q, fd, b, b->head, b->len, dst, 0);
}

void udp_txq_add_segs(struct udp_txq *q, int fd, struct pbuf *b, const union sockaddr_any *dst,
		      uint16_t seg)
{
	close_run(q, fd);
	if (seg == 0 || b->len <= seg) {
		add(q, fd, b, b->head, b->len, dst, 0);
	} else if (q->gso) {
		add(q, fd, b, b->head, b->len, dst, seg);
	} else {
		/* One message per datagram, all pointing into @b; the last one owns it. */
		for (size_t off = 0; off < b->len; off += seg) {
			size_t n = MIN((size_t)seg, b->len - off);
			add(q, fd, off + n == b->len ? b : NULL, b->head + off, n, dst, 0);
		}
	}
}

void udp_txq_add_coalesce(struct udp_txq *q, int fd, struct pbuf *b,
			  const union sockaddr_any *dst)
{
	if (!q->gso || !q->run_pool || b->len > UINT16_MAX) {
		udp_txq_add(q, fd, b, dst);
		return;
	}
	if (q->run && b->len <= q->run_seg && q->run_n < RUN_MAX_SEGS &&
	    q->run->len + b->len <= RUN_MAX_BYTES && b->len <= pbuf_tailroom(q->run) &&
	    addr_equal(&q->run_dst, dst)) {
		memcpy(pbuf_put(q->run, b->len), b->head, b->len);
		q->run_n++;
		q->coalesced++;
		bool shorter = b->len < q->run_seg;
		pbuf_free(b);
		if (shorter) /* only the last datagram of a run may be shorter */
			close_run(q, fd);
		return;
	}
	close_run(q, fd);
	struct pbuf *r = pbuf_pool_get(q->run_pool);
	if (!r || b->len > pbuf_tailroom(r)) {
		pbuf_free(r);
		udp_txq_add(q, fd, b, dst);
		return;
	}
	memcpy(pbuf_put(r, b->len), b->head, b->len);
	q->run = r;
	q->run_dst = *dst;
	q->run_seg = (uint16_t)b->len;
	q->run_n = 1;
	pbuf_free(b);
}

/* Send GSO message @i datagram by datagram, after the kernel refused the offload. */
static void send_split(struct udp_txq *q, int fd, unsigned i)
{
	const uint8_t *p = q->iov[i].iov_base;
	size_t left = q->iov[i].iov_len, seg = q->seg[i];
	while (left) {
		size_t n = MIN(seg, left);
		if (sendto(fd, p, n, MSG_DONTWAIT, &q->dst[i].sa, addr_len(&q->dst[i])) < 0)
			q->send_errors++;
		else
			q->sent++;
		p += n;
		left -= n;
	}
}

void udp_txq_flush(struct udp_txq *q, int fd)
{
	unsigned done = 0;

	close_run(q, fd);
	while (done < q->n) {
		int r = sendmmsg(fd, q->msg + done, q->n - done, MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (q->seg[done] && (errno == EIO || errno == EINVAL || errno == ENOPROTOOPT)) {
				/* The path refused segmentation offload: stop using it. */
				q->gso = false;
				q->gso_fallbacks++;
				log_warn(LOG_GRP_UDP, "UDP GSO refused (%s): sending datagrams one by one",
					 strerror(errno));
				send_split(q, fd, done);
			} else {
				/* Skip the message the kernel refused (e.g. EMSGSIZE, no route). */
				q->send_errors++;
				log_remote(LOG_GRP_UDP, "sendmmsg: %s", strerror(errno));
			}
			done++;
			continue;
		}
		for (int i = 0; i < r; i++) {
			unsigned m = done + (unsigned)i;
			q->sent += q->seg[m] ? (q->iov[m].iov_len + q->seg[m] - 1) / q->seg[m] : 1;
		}
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
