// SPDX-License-Identifier: MIT
/*
 * fuzz_nd.c - libFuzzer target for the ND + OMNI option codec (wire_nd).
 * The first input octet is a mode: bit 0 set means "repair the IPv6 Payload
 * Length and the ICMPv6 checksum of the rest first", so the fuzzer gets past
 * the checksum into the option and sub-option walk. The rest is one inner
 * ND packet. Asserts: a decoded message re-encodes (padding normalised), the
 * re-encoding decodes to the same sub-options and is a fixed point of
 * encode(decode()), and a re-encoding signed with a test key verifies with
 * that key unless the message names another key in Node Identification.
 */
#include <errno.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>

#include "cursor.h"
#include "icmp.h"
#include "wire_nd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_subs(const struct nd_msg *a, const struct nd_msg *b)
{
	size_t i = 0, j = 0;
	for (;;) {
		while (i < a->n_sub && (a->sub[i].type <= OMNI_SUB_PADN))
			i++;
		while (j < b->n_sub && (b->sub[j].type <= OMNI_SUB_PADN))
			j++;
		if (i == a->n_sub || j == b->n_sub)
			return i == a->n_sub && j == b->n_sub;
		if (a->sub[i].type != b->sub[j].type ||
		    a->sub[i].sub_length != b->sub[j].sub_length)
			return false;
		i++;
		j++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t pkt[ND_MSG_MAX + 1], enc[ND_MSG_MAX], enc2[ND_MSG_MAX];
	static struct nd_msg m, d, d2;
	static uint8_t sk[64], pk[32];
	static bool have_key;
	struct nd_err e;
	enum wire_nd_err ve;

	if (size < 1 || size - 1 > sizeof(pkt))
		return 0;
	if (!have_key) {
		static const uint8_t seed[32] = {'f', 'u', 'z', 'z'};
		OMNI_ASSERT(sodium_init() >= 0);
		crypto_sign_seed_keypair(pk, sk, seed);
		have_key = true;
	}
	size_t n = size - 1;
	memcpy(pkt, data + 1, n);
	if ((data[0] & 1) && icmp_finish6(pkt, n) < 0) {
		/* shorter than the IPv6 and ICMPv6 headers: left as it came */
	}

	int rc = wire_nd_decode(pkt, n, &m, &e);
	OMNI_ASSERT(rc == 0 || rc == -EBADMSG);
	OMNI_ASSERT((rc == 0) == (e.code == WIRE_ND_OK));
	OMNI_ASSERT(e.code < WIRE_ND_ERR_COUNT && (rc == 0 || e.offset <= n));
	if (rc)
		return 0;
	OMNI_ASSERT(m.n_sub <= ND_SUBOPT_MAX && m.n_opts <= ND_OPT_MAX);
	rc = wire_nd_verify(pkt, n, &m, pk, 0, 0, NULL, &ve);
	OMNI_ASSERT(rc == 0 || rc == -EBADMSG);

	/* re-encode without signing: a valid message of at most the same size */
	ssize_t l = wire_nd_encode(&m, NULL, enc, sizeof(enc));
	OMNI_ASSERT(l > 0 && (size_t)l <= n);
	OMNI_ASSERT(wire_nd_decode(enc, (size_t)l, &d, &e) == 0);
	OMNI_ASSERT(same_subs(&m, &d));
	OMNI_ASSERT(d.type == m.type && d.hop_limit == 255 &&
		    (d.auth_idx >= 0) == (m.auth_idx >= 0));
	ssize_t l2 = wire_nd_encode(&d, NULL, enc2, sizeof(enc2));
	OMNI_ASSERT(l2 == l && memcmp(enc, enc2, (size_t)l) == 0);

	/* sign with the test key: verifies unless Node Identification names another key */
	if (m.auth_idx >= 0 && m.sub[m.auth_idx].u.auth.alg == OMNI_AUTH_ALG_ED25519) {
		l = wire_nd_encode(&m, sk, enc, sizeof(enc));
		OMNI_ASSERT(l > 0);
		OMNI_ASSERT(wire_nd_decode(enc, (size_t)l, &d2, &e) == 0);
		rc = wire_nd_verify(enc, (size_t)l, &d2, pk, 0, 0, NULL, &ve);
		if (d2.node_key_idx < 0)
			OMNI_ASSERT(rc == 0);
		else
			OMNI_ASSERT(rc == 0 ? !memcmp(d2.sub[d2.node_key_idx].u.node_id.id, pk, 32)
					    : ve == WIRE_ND_EAUTH_BADSIG);
	}
	return 0;
}
