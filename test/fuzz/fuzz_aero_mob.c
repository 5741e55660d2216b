// SPDX-License-Identifier: MIT
/*
 * fuzz_aero_mob.c - daemon/aero_mob.c: aero_mob_scan() over a buffer of
 * rtnetlink messages as the daemon receives them (TUN at index 9), and
 * aero_mob_relevant() on each whole message alone in a buffer of its own
 * length, which must agree with the scan's count.
 */
#include <linux/netlink.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aero_mob.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[65536] __attribute__((aligned(8)));
	if (size > sizeof(buf))
		return 0;
	memcpy(buf, data, size);
	size_t k = aero_mob_scan(buf, size, 9), again = 0;

	for (size_t off = 0; size - off >= NLMSG_HDRLEN;) {
		struct nlmsghdr h;
		memcpy(&h, data + off, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > size - off)
			break;
		uint8_t *one = malloc(h.nlmsg_len); /* exact size: ASan sees any overread */
		if (!one)
			abort();
		memcpy(one, data + off, h.nlmsg_len);
		again +=
		    aero_mob_relevant((const struct nlmsghdr *)(const void *)one, h.nlmsg_len, 9);
		free(one);
		off += NLMSG_ALIGN((size_t)h.nlmsg_len);
		if (off > size)
			break;
	}
	if (again != k)
		abort();
	return 0;
}
