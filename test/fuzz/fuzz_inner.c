// SPDX-License-Identifier: MIT
/*
 * fuzz_inner.c - inner (TUN) packet checks and the ICMP unreachable builder:
 * ipv6_inner_len() on arbitrary bytes, then for anything it accepts the
 * address accessors and icmp_unreach_build(), whose answer must fit and
 * carry a verifying checksum.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "icmp.h"
#include "ipv6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t src6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t src4[4] = { 192, 0, 0, 8 };
	uint8_t out[ICMP6_ERR_MAX];
	uint8_t nh;
	int fam;
	const uint8_t *a;

	/* Copy so the sanitizers see reads past the end of the real input. */
	uint8_t *pkt = malloc(size ? size : 1);
	if (!pkt)
		return 0;
	memcpy(pkt, data, size);
	if (ipv6_inner_len(pkt, size, &nh) == 0) {
		ipv6_inner_src(pkt, &fam, &a);
		ipv6_inner_dst(pkt, &fam, &a);
		(void)ipv6_inner_tc(pkt);
		int n = icmp_unreach_build(pkt, size, fam == AF_INET6 ? src6 : src4, out, sizeof(out));
		if (n > (int)sizeof(out))
			abort();
		if (n > 0 && (out[0] >> 4) == 4 && icmp_csum(out, 20, 0) != 0)
			abort();
	}
	/* The builder must also cope with packets the length check refused. */
	int n = icmp_unreach_build(pkt, size, src6, out, sizeof(out));
	if (n > (int)sizeof(out))
		abort();
	free(pkt);
	return 0;
}
