// SPDX-License-Identifier: MIT
/*
 * test_tun.c - the packet writers of daemon/tun.c without a TUN device: a
 * packet datagram socket pair stands in for the TUN fd (one write, one whole
 * packet), so what tun_write_packet() hands the kernel is read back exactly:
 * the bare packet, or a no-offload virtio_net_hdr followed by the packet; and
 * the -errno of a full queue and of a bad fd.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tun.h"
#include "vnet.h"

static int sv[2];

static void setup(void)
{
	cr_assert_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv), 0);
}

static void teardown(void)
{
	close(sv[0]);
	close(sv[1]);
}

TestSuite(tun, .init = setup, .fini = teardown);

static const uint8_t pkt[] = {0x60, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3b, 0x40, 0xaa, 0x55};

Test(tun, write_packet_without_vnet_header)
{
	uint8_t got[64];

	cr_assert_eq(tun_write_packet(sv[0], false, pkt, sizeof(pkt)), (int)sizeof(pkt));
	cr_assert_eq(read(sv[1], got, sizeof(got)), (ssize_t)sizeof(pkt));
	cr_assert_arr_eq(got, pkt, sizeof(pkt));
}

Test(tun, write_packet_behind_no_offload_vnet_header)
{
	uint8_t got[64], none[VNET_HDR_LEN];

	memset(got, 0xee, sizeof(got));
	vnet_hdr_none(none);
	cr_assert_eq(tun_write_packet(sv[0], true, pkt, sizeof(pkt)),
		     (int)(VNET_HDR_LEN + sizeof(pkt)));
	cr_assert_eq(read(sv[1], got, sizeof(got)), (ssize_t)(VNET_HDR_LEN + sizeof(pkt)));
	/* The header is all zero: no GSO, no partial checksum. */
	for (size_t i = 0; i < VNET_HDR_LEN; i++)
		cr_assert_eq(got[i], 0, "header octet %zu is %#x", i, got[i]);
	cr_assert_arr_eq(got, none, VNET_HDR_LEN);
	cr_assert_arr_eq(got + VNET_HDR_LEN, pkt, sizeof(pkt));
}

Test(tun, write_packet_errors)
{
	int n = 0, r;

	/* Fill the peer's queue: the next write is -EAGAIN with and without the header. */
	while ((r = tun_write_packet(sv[0], false, pkt, sizeof(pkt))) > 0)
		cr_assert_lt(++n, 1 << 20);
	cr_assert_eq(r, -EAGAIN);
	cr_assert_gt(n, 0);
	cr_assert_eq(tun_write_packet(sv[0], true, pkt, sizeof(pkt)), -EAGAIN);
	/* Not an fd. */
	cr_assert_eq(tun_write_packet(-1, false, pkt, sizeof(pkt)), -EBADF);
	cr_assert_eq(tun_write_packet(-1, true, pkt, sizeof(pkt)), -EBADF);
}
