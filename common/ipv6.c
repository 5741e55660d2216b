// SPDX-License-Identifier: MIT
/*
 * ipv6.c - inner packet length validation and header accessors (ipv6.h).
 * Reads only the bytes the caller hands in; never trusts a length field
 * beyond the buffer it describes.
 */
#include "ipv6.h"

#include <errno.h>
#include <sys/socket.h>
#include "cursor.h"
#include "omni_wire.h"

int ipv6_inner_len(const uint8_t *p, size_t n, uint8_t *oal_nh)
{
	struct cur c = cur_make(p, n);
	uint8_t vb;

	if (!cur_peek_u8(&c, &vb))
		return -EBADMSG;
	switch (vb >> 4) {
	case 4: {
		uint16_t tot;
		size_t ihl = (size_t)(vb & 0x0f) * 4;

		if (ihl < IPV4_HDR_MIN_LEN)
			return -EBADMSG;
		cur_skip(&c, 2);
		cur_be16(&c, &tot);
		if (c.bad || n < ihl || tot != n)
			return -EBADMSG;
		if (oal_nh)
			*oal_nh = OAL_NH_IPV4;
		return 0;
	}
	case 6: {
		uint16_t plen;

		cur_skip(&c, 4);
		cur_be16(&c, &plen);
		cur_skip(&c, IPV6_HDR_LEN - 6);
		/* Payload Length 0 means a Jumbo Payload option (RFC 2675 §3): not carried. */
		if (c.bad || plen == 0 || (size_t)plen != c.left)
			return -EBADMSG;
		if (oal_nh)
			*oal_nh = OAL_NH_IPV6;
		return 0;
	}
	default:
		return -EBADMSG;
	}
}

void ipv6_inner_src(const uint8_t *pkt, int *family, const uint8_t **addr)
{
	if (pkt[0] >> 4 == 4) {
		*family = AF_INET;
		*addr = pkt + 12;
	} else {
		*family = AF_INET6;
		*addr = pkt + 8;
	}
}

void ipv6_inner_dst(const uint8_t *pkt, int *family, const uint8_t **addr)
{
	if (pkt[0] >> 4 == 4) {
		*family = AF_INET;
		*addr = pkt + 16;
	} else {
		*family = AF_INET6;
		*addr = pkt + 24;
	}
}

uint8_t ipv6_inner_tc(const uint8_t *pkt)
{
	if (pkt[0] >> 4 == 4)
		return pkt[1];
	return (uint8_t)((pkt[0] & 0x0f) << 4 | pkt[1] >> 4);
}
