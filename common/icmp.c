// SPDX-License-Identifier: MIT
/*
 * icmp.c - the unreachable answers of icmp.h. Pure; reads only the first
 * @len octets of the invoking packet and writes only @cap octets of @out.
 */
#include "icmp.h"
#include "cursor.h"

#include <errno.h>
#include <string.h>

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum)
{
	for (; n >= 2; p += 2, n -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (n)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

uint16_t icmp_csum(const uint8_t *p, size_t n, uint32_t sum)
{
	sum = sum16(p, n, sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int icmp_finish6(uint8_t *pkt, size_t len)
{
	if (len < 44 || len - 40 > UINT16_MAX)
		return -EINVAL;
	put_be16(pkt + 4, (uint16_t)(len - 40));
	put_be16(pkt + 42, 0);
	/* Pseudo-header: addresses, upper-layer length, next header (RFC 8200 §8.1). */
	uint32_t s = sum16(pkt + 8, 32, 0) + (uint32_t)(len - 40) + 58;
	put_be16(pkt + 42, icmp_csum(pkt + 40, len - 40, s));
	return 0;
}

static bool v6_no_answer_addr(const uint8_t *a)
{
	static const uint8_t zero[16];
	return a[0] == 0xff || memcmp(a, zero, 16) == 0;
}

static int build6(const uint8_t *pkt, size_t len, const uint8_t *src, uint8_t *out, size_t cap)
{
	if (len < 40 || v6_no_answer_addr(pkt + 8) || v6_no_answer_addr(pkt + 24))
		return 0;
	/* RFC 4443 §2.4 (e.1): never answer an ICMPv6 error (types below 128). */
	if (pkt[6] == 58 && (len < 41 || pkt[40] < 128))
		return 0;
	size_t quote = MIN(len, (size_t)ICMP6_ERR_MAX - 48);
	size_t total = 48 + quote;
	if (cap < total)
		return -ENOSPC;
	memset(out, 0, 48);
	out[0] = 0x60;
	out[6] = 58;
	out[7] = 64;
	memcpy(out + 8, src, 16);
	memcpy(out + 24, pkt + 8, 16); /* back to the invoking packet's source */
	out[40] = 1;                   /* Destination Unreachable */
	out[41] = 0;                   /* no route to destination */
	memcpy(out + 48, pkt, quote);
	return icmp_finish6(out, total) < 0 ? -EINVAL : (int)total;
}

static int build4(const uint8_t *pkt, size_t len, const uint8_t *src, uint8_t *out, size_t cap)
{
	if (len < 20)
		return 0;
	size_t ihl = (size_t)(pkt[0] & 0x0f) * 4;
	if (ihl < 20 || ihl > len)
		return 0;
	const uint8_t *s = pkt + 12, *d = pkt + 16;
	/* RFC 1122 §3.2.2: not for multicast/broadcast/unspecified, fragments, or ICMP errors. */
	if (s[0] >= 224 || d[0] >= 224 || (s[0] | s[1] | s[2] | s[3]) == 0)
		return 0;
	if (get_be16(pkt + 6) & 0x1fff)
		return 0;
	if (pkt[9] == 1) {
		if (len < ihl + 1)
			return 0;
		uint8_t t = pkt[ihl];
		if (t != 0 && t != 8 && t != 13 && t != 14 && t != 15 && t != 16 && t != 17 &&
		    t != 18)
			return 0;
	}
	size_t quote = MIN(len, (size_t)ICMP4_ERR_MAX - 28);
	size_t total = 28 + quote;
	if (cap < total)
		return -ENOSPC;
	memset(out, 0, 28);
	out[0] = 0x45;
	put_be16(out + 2, (uint16_t)total);
	out[8] = 64;
	out[9] = 1;
	memcpy(out + 12, src, 4);
	memcpy(out + 16, s, 4);
	put_be16(out + 10, icmp_csum(out, 20, 0));
	out[20] = 3; /* Destination Unreachable */
	out[21] = 0; /* net unreachable */
	memcpy(out + 28, pkt, quote);
	put_be16(out + 22, icmp_csum(out + 20, total - 20, 0));
	return (int)total;
}

int icmp_unreach_build(const uint8_t *pkt, size_t len, const uint8_t *src, uint8_t *out,
		       size_t cap)
{
	if (len < 1)
		return 0;
	switch (pkt[0] >> 4) {
	case 6:
		return build6(pkt, len, src, out, cap);
	case 4:
		return build4(pkt, len, src, out, cap);
	default:
		return 0;
	}
}
