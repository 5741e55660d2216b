// SPDX-License-Identifier: MIT
/*
 * fuzz_scion.c - libFuzzer target for common/wire_scion.c and the path
 * helpers of common/scion_mac.c: parse a whole SCION packet (strict and
 * partial), re-encode it and require the same header bytes, reverse the
 * header twice and require the original path back, walk extensions, parse
 * UDP / SCMP (re-encoding SCMP byte for byte), compute checksums and expiry.
 * The input is also parsed as a bare PathType-1 path. Any violation aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scion_mac.h"
#include "wire_scion.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_path(const uint8_t *data, size_t size)
{
	struct scion_path p, r;
	uint8_t out[1024];
	if (scion_path_parse(data, size, &p, NULL))
		return;
	struct wcur w = wcur_make(out, sizeof(out));
	if (scion_path_encode(&p, &w) || sizeof(out) - w.left != size || memcmp(out, data, size))
		abort();
	r = p;
	if (scion_path_reverse(&r) || scion_path_reverse(&r) || memcmp(&r, &p, sizeof(p)))
		abort();
	(void)scion_path_expiry_ms(&p);
	(void)scion_path_is_peer_hop(&p);
	while (scion_path_next(&r) == 0) {
		scion_acc_ingress(&r, true);
		scion_acc_egress(&r);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scion_hdr h, h2;
	static uint8_t out[SCION_MAX_HDR_LEN];
	const char *why = NULL;

	check_path(data, size);
	int strict = scion_parse(data, size, 0, &h, &why);
	if (scion_parse(data, size, SCION_PARSE_PARTIAL, &h, &why)) {
		if (strict == 0)
			abort();
		return 0;
	}
	size_t hl = (size_t)h.hdr_len * 4, n = 0;
	if (scion_encode(&h, out, sizeof(out), &n) || n != hl || memcmp(out, data, n))
		abort();
	h2 = h;
	if (scion_hdr_reverse(&h2) == 0 && h.path_type != SCION_PATH_ONEHOP) {
		if (scion_hdr_reverse(&h2) || scion_encode(&h2, out, sizeof(out), &n) || n != hl ||
		    memcmp(out, data, n))
			abort();
	}
	const uint8_t *pl = data + hl;
	size_t plen = h.payload_len;
	struct scion_l4 l4;
	if (scion_l4_locate(h.next_hdr, pl, plen, &l4, NULL))
		return 0;
	(void)scion_l4_checksum(&h, l4.proto, l4.data, l4.len);
	if (l4.proto == SCION_PROTO_UDP) {
		struct scion_udp u;
		if (scion_udp_parse(l4.data, l4.len, &u) == 0 &&
		    u.payload + u.payload_len != l4.data + l4.len)
			abort();
	} else if (l4.proto == SCION_PROTO_SCMP) {
		struct scmp_msg m;
		static uint8_t sb[65536];
		if (scmp_parse(l4.data, l4.len, &m))
			return 0;
		struct wcur w = wcur_make(sb, sizeof(sb));
		if (scmp_encode(&m, &w) || sizeof(sb) - w.left != l4.len ||
		    memcmp(sb, l4.data, l4.len))
			abort();
		if (scmp_is_error(m.type) && m.data_len) {
			static struct scion_hdr q;
			if (scion_parse(m.data, m.data_len, SCION_PARSE_PARTIAL, &q, NULL) == 0 &&
			    (size_t)q.hdr_len * 4 > m.data_len)
				abort();
		}
	}
	return 0;
}
