// SPDX-License-Identifier: MIT
/*
 * tun.c - /dev/net/tun open, TUNSETIFF and the read/write wrappers. Owns no
 * state beyond the fd it returns; must never block (the fd is non-blocking)
 * and never touch interface configuration.
 */
#include "tun.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/if_tun.h>

#include "log.h"
#include "vnet.h"

#define TUN_DEV_PATH "/dev/net/tun"

/* UDP segmentation offload bits of <linux/if_tun.h> from Linux 6.2; Debian 12's headers are 6.1. */
#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#endif
#ifndef TUN_F_USO6
#define TUN_F_USO6 0x40
#endif

int tun_open_flags(const char *name, unsigned int flags, char actual[IFNAMSIZ])
{
	struct ifreq ifr;
	int fd, ret;

	if (flags & ~(TUN_F_VNET_HDR | TUN_F_MULTI_QUEUE))
		return -EINVAL;
	if (name && strlen(name) >= IFNAMSIZ)
		return -EINVAL;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	if (flags & TUN_F_VNET_HDR)
		ifr.ifr_flags |= IFF_VNET_HDR;
	if (flags & TUN_F_MULTI_QUEUE)
		ifr.ifr_flags |= IFF_MULTI_QUEUE;
	if (name && name[0])
		memcpy(ifr.ifr_name, name, strlen(name));

	fd = open(TUN_DEV_PATH, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		log_errno(LOG_GRP_TUN, "open %s", TUN_DEV_PATH);
		return ret;
	}
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		ret = -errno;
		log_errno(LOG_GRP_TUN, "TUNSETIFF '%s'", name && name[0] ? name : "tun%d");
		close(fd);
		return ret;
	}
	memcpy(actual, ifr.ifr_name, IFNAMSIZ);
	actual[IFNAMSIZ - 1] = '\0';
	log_debug(LOG_GRP_TUN, "opened TUN %s (fd %d)", actual, fd);
	return fd;
}

int tun_open(const char *name, char actual[IFNAMSIZ])
{
	return tun_open_flags(name, 0, actual);
}

int tun_read(int fd, uint8_t *buf, size_t cap)
{
	ssize_t n;

	do {
		n = read(fd, buf, cap);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (n == 0)
		return -EAGAIN;
	return (int)n;
}

int tun_write(int fd, const uint8_t *buf, size_t len)
{
	ssize_t n;

	do {
		n = write(fd, buf, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return (int)n;
}

unsigned tun_offload_probe(int fd)
{
	/* Most to least capable: USO needs Linux 6.2, TSO and CSUM are old. */
	static const unsigned sets[] = {
		TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_USO4 | TUN_F_USO6,
		TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6,
		TUN_F_CSUM,
	};
	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)sets[i]) == 0)
			return sets[i];
	(void)ioctl(fd, TUNSETOFFLOAD, 0UL);
	return 0;
}

int tun_writev2(int fd, const uint8_t *hdr, size_t hlen, const uint8_t *pkt, size_t len)
{
	struct iovec iov[2] = { { (void *)(uintptr_t)hdr, hlen }, { (void *)(uintptr_t)pkt, len } };
	ssize_t n;

	do {
		n = writev(fd, iov, 2);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return (int)n;
}

int tun_write_packet(int fd, bool vnet, const uint8_t *pkt, size_t len)
{
	uint8_t h[VNET_HDR_LEN];

	if (!vnet)
		return tun_write(fd, pkt, len);
	vnet_hdr_none(h);
	return tun_writev2(fd, h, sizeof(h), pkt, len);
}
