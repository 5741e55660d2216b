// SPDX-License-Identifier: MIT
/* Unit tests for common/icmp.c: unreachable answers and when none is allowed. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "cursor.h"
#include "icmp.h"

static const uint8_t SRC6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0xa, [15] = 1 };
static const uint8_t SRC4[4] = { 10, 77, 0, 1 };

/* An IPv6/UDP packet from 2001:db8:a::1 to 2001:db8:99::5 with @plen payload octets. */
static size_t v6_packet(uint8_t *p, size_t plen, uint8_t nh, uint8_t first)
{
	memset(p, 0, 40 + plen);
	p[0] = 0x60;
	put_be16(p + 4, (uint16_t)plen);
	p[6] = nh;
	p[7] = 64;
	const uint8_t s[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0xa, [15] = 1 };
	const uint8_t d[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x99, [15] = 5 };
	memcpy(p + 8, s, 16);
	memcpy(p + 24, d, 16);
	for (size_t i = 0; i < plen; i++)
		p[40 + i] = (uint8_t)(i * 7);
	if (plen)
		p[40] = first;
	return 40 + plen;
}

static size_t v4_packet(uint8_t *p, size_t plen, uint8_t proto, uint8_t first, uint16_t frag)
{
	memset(p, 0, 20 + plen);
	p[0] = 0x45;
	put_be16(p + 2, (uint16_t)(20 + plen));
	put_be16(p + 6, frag);
	p[8] = 64;
	p[9] = proto;
	const uint8_t s[4] = { 10, 77, 0, 9 }, d[4] = { 10, 99, 0, 1 };
	memcpy(p + 12, s, 4);
	memcpy(p + 16, d, 4);
	if (plen)
		p[20] = first;
	put_be16(p + 10, icmp_csum(p, 20, 0));
	return 20 + plen;
}

Test(icmp, csum_known_answer)
{
	/* RFC 1071 §3 example: sum of 0001 f203 f4f5 f6f7 is ddf2, complement 220d. */
	const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	cr_assert_eq(icmp_csum(b, sizeof(b), 0), 0x220d);
	/* Odd length pads with a zero octet. */
	const uint8_t c[] = { 0x12, 0x34, 0x56 };
	cr_assert_eq(icmp_csum(c, 3, 0), (uint16_t)~(0x1234 + 0x5600));
}

Test(icmp, v6_answer_fields_and_checksum)
{
	uint8_t pkt[200], out[ICMP6_ERR_MAX];
	size_t len = v6_packet(pkt, 100, 17, 0);
	int n = icmp_unreach_build(pkt, len, SRC6, out, sizeof(out));
	cr_assert_eq(n, 48 + (int)len);
	cr_assert_eq(out[0] >> 4, 6);
	cr_assert_eq(get_be16(out + 4), n - 40);
	cr_assert_eq(out[6], 58);
	cr_assert_eq(out[7], 64);
	cr_assert_arr_eq(out + 8, SRC6, 16);
	cr_assert_arr_eq(out + 24, pkt + 8, 16, "destination is the invoking source");
	cr_assert_eq(out[40], 1);
	cr_assert_eq(out[41], 0);
	cr_assert_arr_eq(out + 48, pkt, len, "the invoking packet is quoted");
	/* Verifying over pseudo-header + message gives 0. */
	uint32_t s = 0;
	for (int i = 8; i < 40; i += 2)
		s += get_be16(out + i);
	s += (uint32_t)(n - 40) + 58;
	cr_assert_eq(icmp_csum(out + 40, (size_t)n - 40, s), 0);
}

Test(icmp, v6_quote_is_capped_at_1280)
{
	uint8_t pkt[3000], out[ICMP6_ERR_MAX];
	size_t len = v6_packet(pkt, 2000, 17, 0);
	int n = icmp_unreach_build(pkt, len, SRC6, out, sizeof(out));
	cr_assert_eq(n, ICMP6_ERR_MAX);
	cr_assert_eq(icmp_unreach_build(pkt, len, SRC6, out, 1000), -ENOSPC);
}

Test(icmp, v6_no_answer_cases)
{
	uint8_t pkt[200], out[ICMP6_ERR_MAX];
	size_t len = v6_packet(pkt, 16, 58, 1); /* an ICMPv6 error (type 1) */
	cr_assert_eq(icmp_unreach_build(pkt, len, SRC6, out, sizeof(out)), 0);
	len = v6_packet(pkt, 16, 58, 128); /* echo request: answered */
	cr_assert_gt(icmp_unreach_build(pkt, len, SRC6, out, sizeof(out)), 0);
	len = v6_packet(pkt, 16, 17, 0);
	pkt[24] = 0xff; /* multicast destination */
	cr_assert_eq(icmp_unreach_build(pkt, len, SRC6, out, sizeof(out)), 0);
	len = v6_packet(pkt, 16, 17, 0);
	memset(pkt + 8, 0, 16); /* unspecified source */
	cr_assert_eq(icmp_unreach_build(pkt, len, SRC6, out, sizeof(out)), 0);
	cr_assert_eq(icmp_unreach_build(pkt, 39, SRC6, out, sizeof(out)), 0, "truncated");
	cr_assert_eq(icmp_unreach_build(pkt, 0, SRC6, out, sizeof(out)), 0);
}

Test(icmp, v4_answer_fields_and_checksums)
{
	uint8_t pkt[100], out[ICMP4_ERR_MAX];
	size_t len = v4_packet(pkt, 30, 17, 0, 0);
	int n = icmp_unreach_build(pkt, len, SRC4, out, sizeof(out));
	cr_assert_eq(n, 28 + (int)len);
	cr_assert_eq(out[0], 0x45);
	cr_assert_eq(get_be16(out + 2), n);
	cr_assert_eq(out[9], 1);
	cr_assert_arr_eq(out + 12, SRC4, 4);
	cr_assert_arr_eq(out + 16, pkt + 12, 4);
	cr_assert_eq(icmp_csum(out, 20, 0), 0, "IPv4 header checksum verifies");
	cr_assert_eq(out[20], 3);
	cr_assert_eq(out[21], 0);
	cr_assert_eq(icmp_csum(out + 20, (size_t)n - 20, 0), 0, "ICMP checksum verifies");
	cr_assert_arr_eq(out + 28, pkt, len);
}

Test(icmp, v4_no_answer_cases)
{
	uint8_t pkt[100], out[ICMP4_ERR_MAX];
	size_t len = v4_packet(pkt, 30, 1, 3, 0); /* an ICMP error */
	cr_assert_eq(icmp_unreach_build(pkt, len, SRC4, out, sizeof(out)), 0);
	len = v4_packet(pkt, 30, 1, 8, 0); /* echo request: answered */
	cr_assert_gt(icmp_unreach_build(pkt, len, SRC4, out, sizeof(out)), 0);
	len = v4_packet(pkt, 30, 17, 0, 0x0010); /* non-first fragment */
	cr_assert_eq(icmp_unreach_build(pkt, len, SRC4, out, sizeof(out)), 0);
	len = v4_packet(pkt, 30, 17, 0, 0);
	pkt[16] = 239; /* multicast destination */
	cr_assert_eq(icmp_unreach_build(pkt, len, SRC4, out, sizeof(out)), 0);
	len = v4_packet(pkt, 30, 17, 0, 0);
	pkt[0] = 0x44; /* IHL below 5 */
	cr_assert_eq(icmp_unreach_build(pkt, len, SRC4, out, sizeof(out)), 0);
	cr_assert_eq(icmp_unreach_build(pkt, len, SRC4, out, 10), 0);
	len = v4_packet(pkt, 30, 17, 0, 0);
	cr_assert_eq(icmp_unreach_build(pkt, len, SRC4, out, 20), -ENOSPC);
}

Test(icmp, every_truncation_is_safe)
{
	uint8_t pkt[200], out[ICMP6_ERR_MAX];
	size_t len = v6_packet(pkt, 100, 58, 128);
	for (size_t l = 0; l <= len; l++)
		cr_assert_geq(icmp_unreach_build(pkt, l, SRC6, out, sizeof(out)), 0);
	len = v4_packet(pkt, 60, 1, 8, 0);
	for (size_t l = 0; l <= len; l++)
		cr_assert_geq(icmp_unreach_build(pkt, l, SRC4, out, sizeof(out)), 0);
}

/* icmp_finish6(): known answers computed independently (Python, RFC 1071 sum). */
Test(icmp, finish6_known_answers_and_short_packets)
{
	/* fe80::1 -> ff02::2, RS with an SLLA option: checksum 0xc92b. */
	uint8_t rs[56] = {0x60, 0, 0, 0, 0xde, 0xad, 58, 255, 0xfe, 0x80};
	/* The same addresses, an odd-length echo request: checksum 0xc4ff. */
	uint8_t echo[49] = {0x60, 0, 0, 0, 0, 0, 58, 64, 0xfe, 0x80};
	static const uint8_t rs_msg[16] = {133, 0, 0x55, 0x55, 0, 0, 0, 0,
					   1,	1, 2,	 0,    0x5e, 0, 0x53, 1};
	static const uint8_t echo_msg[9] = {128, 0, 0xff, 0xff, 0x12, 0x34, 0, 1, 0xab};
	uint8_t copy[56];

	rs[23] = 1;
	rs[24] = 0xff;
	rs[25] = 0x02;
	rs[39] = 2;
	memcpy(echo + 8, rs + 8, 32);
	memcpy(rs + 40, rs_msg, sizeof(rs_msg));
	memcpy(echo + 40, echo_msg, sizeof(echo_msg));
	cr_assert_eq(icmp_finish6(rs, sizeof(rs)), 0);
	cr_assert_eq(get_be16(rs + 4), 16, "payload length set");
	cr_assert_eq(get_be16(rs + 42), 0xc92b);
	cr_assert_eq(icmp_finish6(echo, sizeof(echo)), 0);
	cr_assert_eq(get_be16(echo + 4), 9);
	cr_assert_eq(get_be16(echo + 42), 0xc4ff);
	/* Idempotent, and any flipped bit of the addresses or message changes the sum. */
	memcpy(copy, rs, sizeof(rs));
	cr_assert_eq(icmp_finish6(copy, sizeof(copy)), 0);
	cr_assert_arr_eq(copy, rs, sizeof(rs));
	for (size_t i = 8; i < sizeof(rs); i++) {
		if (i == 42 || i == 43)
			continue;
		memcpy(copy, rs, sizeof(rs));
		copy[i] ^= 0x01;
		cr_assert_eq(icmp_finish6(copy, sizeof(copy)), 0);
		cr_assert_neq(get_be16(copy + 42), 0xc92b, "flip at %zu kept the checksum", i);
	}
	/* Too short for an ICMPv6 header: refused, nothing written. */
	for (size_t n = 0; n < 44; n++) {
		memcpy(copy, rs, sizeof(rs));
		cr_assert_eq(icmp_finish6(copy, n), -EINVAL);
		cr_assert_arr_eq(copy, rs, sizeof(rs));
	}
	cr_assert_eq(icmp_finish6(copy, 40 + 65536), -EINVAL);
	cr_assert_arr_eq(copy, rs, sizeof(rs));
}
