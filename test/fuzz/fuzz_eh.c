// SPDX-License-Identifier: MIT
/*
 * fuzz_eh.c - libFuzzer target for common/eh.c: parse + decide + strip of an
 * arbitrary packet under a policy chosen by the first two input octets, and
 * on every packet it forwards, the invariants of test/unit/eh_pkt.h
 * (ehp_check_forwarded: Payload Length, untouched fixed header and upper
 * layer, same upper layer and final destination, checksum still valid,
 * idempotence). Drops also build the ICMPv6 error. Any violation aborts.
 *
 * Input: [knobs0][knobs1][packet...]. knobs0 bit 7 rewrites Payload Length
 * to the real length and bit 6 recomputes the upper-layer checksum first,
 * so the fuzzer reaches deep chains with valid checksums.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EHP_WITH_EH
#include "../unit/eh_pkt.h"

#define FUZZ_MAX (65535 + 40)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t in[FUZZ_MAX], work[FUZZ_MAX];

static void policy_from(uint8_t k0, uint8_t k1, struct eh_policy *p)
{
	struct eh_limits l;
	struct eh_rules r, x;

	eh_limits_default(&l);
	eh_rules_default(&r);
	if (k0 & 1) {
		memset(&x, 0, sizeof(x));
		x.enable = x.has_enable = true;
		eh_rules_inherit(&x, &r);
		r = x;
	}
	r.hbh_pad = (uint8_t)(1 + (k0 >> 1) % 3);
	r.hbh = (uint8_t)(1 + (k0 >> 3) % 3);
	r.rh_sl0 = (k1 & 1) ? EH_STRIP : EH_KEEP;
	r.rh_unknown_sl0 = (k1 & 2) ? EH_STRIP : EH_KEEP;
	r.rh_slnz = (k1 & 4) ? EH_DROP : EH_KEEP;
	r.exp_eh = (k1 & 8) ? EH_KEEP : EH_DROP;
	r.unknown_nh = (k1 & 16) ? EH_DROP : EH_KEEP;
	l.ah_conflict = (k1 & 32) ? EH_DROP : EH_KEEP;
	if (k1 & 64)
		r.hbh_keep_types[0] = 1U << EH_OPT_ROUTER_ALERT;
	if (k1 & 128) {
		l.max_eh_count = EH_MAX_HDRS;
		l.max_eh_chain_bytes = 65535;
		l.parse_window = 65535;
		l.max_opts_per_hdr = 255;
		l.max_pad_run = 255;
	}
	eh_policy_init(p, &l, &r);
}

/* Recompute the TCP / UDP / ICMPv6 checksum of @b the way the reference walker sees it. */
static void fix_csum(uint8_t *b, size_t len)
{
	uint8_t proto, final[16];
	size_t l4;

	if (!ehp_walk(b, len, &proto, &l4, final) || (proto != 6 && proto != 17 && proto != 58))
		return;
	size_t at = ehp_csum_at(proto);
	if (len - l4 < at + 2)
		return;
	b[l4 + at] = b[l4 + at + 1] = 0;
	uint16_t c = (uint16_t)~ehp_l4_sum(b + 8, final, proto, b + l4, len - l4);
	b[l4 + at] = (uint8_t)(c >> 8);
	b[l4 + at + 1] = (uint8_t)c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eh_policy pol;
	struct eh_chain ch;
	size_t len, cut;

	if (size < 2 || size - 2 > FUZZ_MAX)
		return 0;
	policy_from(data[0], data[1], &pol);
	len = size - 2;
	memcpy(in, data + 2, len);
	if ((data[0] & 0x80) && len >= 40 && len - 40 <= 0xffff) {
		in[4] = (uint8_t)((len - 40) >> 8);
		in[5] = (uint8_t)(len - 40);
	}
	if ((data[0] & 0x40) && len >= 40)
		fix_csum(in, len);

	memcpy(work, in, len);
	int r = eh_filter(&pol, NULL, work, len, &ch, &cut);
	if (r < 0) {
		uint8_t err[1400];
		if (memcmp(work, in, len) != 0)
			abort(); /* a dropped packet is never modified */
		int n = eh_icmp_build(in, len, &ch, EHP_SRC, err, sizeof(err));
		if (n < 0 || n > 1280 ||
		    (n > 0 &&
		     ehp_l4_sum(err + 8, err + 24, 58, err + 40, (size_t)n - 40) != 0xffff))
			abort();
		return 0;
	}
	const char *why = ehp_check_forwarded(&pol, in, len, work + cut, cut, &ch);
	if (why) {
		fprintf(stderr, "eh invariant broken: %s\n", why);
		abort();
	}
	return 0;
}
