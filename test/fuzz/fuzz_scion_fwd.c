// SPDX-License-Identifier: MIT
/*
 * fuzz_scion_fwd.c - libFuzzer target for daemon/scion_fwd.c. The first octet
 * picks the border router of the vectors/scion §12 topology (AS2 leaf from its
 * internal side, the core on interface 2, AS3 on interface 4, or any router on
 * any interface), the rest is the packet. Requirements: the pipeline never
 * fails except as a verdict; a dropped or refused packet is left unchanged; a
 * forwarded or delivered packet still parses, with the hop pointer advanced
 * (forward) or at the last hop (deliver); every SCMP error built for a refused
 * packet parses, carries a correct checksum and is at most 1232 octets; the
 * end host's receive checks never read outside the input. Any violation aborts.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scion_fwd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW_MS 1700000200000ULL
#define IA_CORE ((1ULL << 48) | 0xff0000000001ULL)
#define IA_A ((1ULL << 48) | 0xff0000000002ULL)
#define IA_B ((1ULL << 48) | 0xff0000000003ULL)

static const uint8_t K0[16] = "testkey_xxxxxxxx";
static const uint8_t K1[16] = {0x49, 0x0b, 0x3a, 0x8b, 0xd9, 0x1d, 0xc8, 0x4b,
			       0x43, 0x1c, 0x1f, 0x17, 0x6b, 0x69, 0x01, 0xe5};
static const uint8_t K2[16] = {0x33, 0xcb, 0xf5, 0x44, 0x5d, 0x28, 0x6b, 0xf9,
			       0x2d, 0x18, 0xf0, 0x8a, 0x6f, 0xca, 0x52, 0xff};

static int links(void *ctx, uint16_t ifid)
{
	(void)ctx;
	/* 1..4 exist; 3 is down on every odd run of the selector. */
	return ifid >= 1 && ifid <= 4 ? 1 : ifid == 5 ? 0 : -1;
}

static uint8_t pkt[65536], copy[65536], err[4096];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scion_mac macs[3];
	static bool ready;
	static struct scion_fwd_result res;
	static struct scion_hdr h;
	static struct scion_fwd_rx rx;
	static const uint64_t ias[3] = {IA_A, IA_CORE, IA_B};
	static const uint16_t ins[3] = {0, 2, 4};
	static const struct scion_host me = {
	    .type = SCION_HOST_IPV4, .len = 4, .addr = {10, 0, 0, 1}};
	const char *why;
	enum scion_fwd_rx_reason rwhy;

	if (!ready) {
		if (scion_mac_init(&macs[0], K0) || scion_mac_init(&macs[1], K1) ||
		    scion_mac_init(&macs[2], K2))
			abort();
		ready = true;
	}
	if (size < 1 || size - 1 > sizeof(pkt))
		return 0;
	unsigned sel = data[0] % 3;
	uint16_t in = data[0] < 3 ? ins[sel] : (uint16_t)(data[0] % 7);
	size_t len = size - 1;
	memcpy(pkt, data + 1, len);
	memcpy(copy, pkt, len);
	struct scion_fwd_router r = {.ia = ias[sel], .mac = &macs[sel], .link_state = links};

	if (scion_fwd_process(&r, pkt, len, in, NOW_MS, &res) < 0)
		abort();
	switch (res.verdict) {
	case SCION_FWD_DROP:
	case SCION_FWD_ERROR:
		if (memcmp(pkt, copy, len))
			abort();
		break;
	case SCION_FWD_FORWARD:
	case SCION_FWD_DELIVER:
		if (scion_parse(pkt, len, 0, &h, &why) || h.path_type != SCION_PATH_SCION)
			abort();
		if (res.verdict == SCION_FWD_DELIVER &&
		    h.path.scion.curr_hf + 1 != h.path.scion.num_hf)
			abort();
		if (res.verdict == SCION_FWD_FORWARD &&
		    (res.egress == 0 || h.path.scion.curr_hf == 0))
			abort();
		break;
	}
	if (res.verdict == SCION_FWD_ERROR) {
		ssize_t n = scion_fwd_scmp_error(&res.hdr, copy, len, r.ia, &me, &res.scmp, in, err,
						 sizeof(err));
		if (n > 0) {
			if ((size_t)n > SCMP_ERROR_MAX || scion_parse(err, (size_t)n, 0, &h, &why))
				abort();
			size_t hl = (size_t)h.hdr_len * 4;
			if (h.next_hdr != SCION_PROTO_SCMP ||
			    scion_l4_checksum(&h, SCION_PROTO_SCMP, err + hl, (size_t)n - hl) != 0)
				abort();
			(void)scion_fwd_host_port(&h, err + hl, (size_t)n - hl);
		} else if (n != -EINVAL && n != -ENOSPC) {
			abort();
		}
	}
	if (scion_fwd_host_rx(copy, len, IA_B, &me, 30041, &rx, &rwhy) == 0 &&
	    (rx.proto != SCION_PROTO_UDP && rx.proto != SCION_PROTO_SCMP))
		abort();
	return 0;
}
