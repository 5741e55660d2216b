// SPDX-License-Identifier: MIT
/*
 * fuzz_aero.c - libFuzzer target for the AERO registration checks
 * (common/aero_nd.c) and the server table (common/aero_reg.c). The first
 * octet is a mode: bit 0 repairs the IPv6 Payload Length and the ICMPv6
 * checksum first (so the fuzzer reaches the options), bit 1 checks the rest
 * as an RA instead of an RS, bit 2 as an NS(AR), bit 3 as an NA(AR), bit 4 as
 * a route update between meshed servers from msid 7 to msid 9 (bit 4 wins
 * over bits 1-3, bits 2 and 3 over bit 1). The clock is fixed at the seeds' signing time
 * (FUZZ_AERO_NOW). Asserts: an accepted RS carries a Node Identification
 * key equal to rs.key and its inner source, and the server table, fed the
 * accepted RS under that key, either refuses it without changing or holds
 * at most one entry; an accepted RA came from the configured key; an
 * accepted route update names anchor 7, a /64-or-shorter IPv6 MNP whose
 * MNP-LLA is the Target, and the learned-route table (common/aero_rt.c) fed
 * it holds at most one entry, none after a withdrawal.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aero_nd.h"
#include "aero_rt.h"
#include "cursor.h"
#include "icmp.h"
#include "keys.h"
#include "wire_nd.h"

#define FUZZ_AERO_NOW 1790000000000ULL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nd_msg m;
	if (size < 1 || size > ND_MSG_MAX + 1)
		return 0;
	uint8_t mode = data[0];
	size_t n = size - 1;
	uint8_t *p = malloc(n ? n : 1);
	memcpy(p, data + 1, n);
	if ((mode & 1) && icmp_finish6(p, n) < 0) {
		/* shorter than the IPv6 and ICMPv6 headers: left as it came */
	}
	struct prefix mnp;
	if (addr_parse_prefix("2001:db8:1000:2000::/56", &mnp) < 0)
		abort();
	if (mode & 16) {
		struct aero_ru ru;
		uint8_t seed[32];
		struct keys_identity id = {0};
		memset(seed, 2, 32);
		if (keys_identity_from_seed(seed, &id) < 0)
			abort();
		if (aero_nd_check_ru(p, n, FUZZ_AERO_NOW, id.ed_pk, 7, 9, &ru) == 0) {
			struct in6_addr t;
			if (wire_nd_decode(p, n, &m, NULL) < 0 || m.type != ICMP6_TYPE_NA ||
			    ru.anchor_msid != 7 || ru.v.mnp.family != AF_INET6 ||
			    ru.v.mnp.plen > 64)
				abort();
			omni_lla_from_mnp(&ru.v.mnp, &t);
			if (memcmp(&t, &m.target, 16) != 0)
				abort();
			struct aero_rt rt;
			aero_rt_init(&rt);
			enum aero_rt_result r = aero_rt_update(&rt, &ru, 0, NULL, NULL);
			if (rt.n > 1 || (ru.lifetime_s == 0) != (r == AERO_RT_IGNORED) ||
			    (r == AERO_RT_NEW) != (rt.n == 1))
				abort();
			aero_rt_deinit(&rt);
		}
		keys_identity_free(&id);
		free(p);
		return 0;
	}
	if (mode & 4) {
		struct aero_ns ns;
		if (aero_nd_check_ns(p, n, FUZZ_AERO_NOW, &ns) == 0) {
			if (wire_nd_decode(p, n, &m, NULL) < 0 || m.type != ICMP6_TYPE_NS ||
			    m.node_key_idx < 0 ||
			    memcmp(m.sub[m.node_key_idx].u.node_id.id, ns.key, 32) != 0)
				abort();
		}
		free(p);
		return 0;
	}
	if (mode & 8) {
		struct aero_vouch v;
		uint8_t seed[32];
		struct keys_identity id = {0};
		memset(seed, 2, 32);
		if (keys_identity_from_seed(seed, &id) < 0)
			abort();
		if (aero_nd_check_na(p, n, FUZZ_AERO_NOW, id.ed_pk, 7, &mnp, &v) == 0) {
			struct in6_addr t;
			if (wire_nd_decode(p, n, &m, NULL) < 0 || m.type != ICMP6_TYPE_NA ||
			    v.mnp.family != AF_INET6 || v.mnp.plen > 64)
				abort();
			omni_lla_from_mnp(&v.mnp, &t);
			if (memcmp(&t, &m.target, 16) != 0)
				abort();
		}
		keys_identity_free(&id);
		free(p);
		return 0;
	}
	if (mode & 2) {
		struct aero_ra ra;
		uint8_t key[32];
		/* the server key of the seeds: Ed25519 seed of 32 octets 0x02 */
		struct keys_identity id = {0};
		uint8_t seed[32];
		memset(seed, 2, 32);
		if (keys_identity_from_seed(seed, &id) < 0)
			abort();
		memcpy(key, id.ed_pk, 32);
		keys_identity_free(&id);
		if (aero_nd_check_ra(p, n, FUZZ_AERO_NOW, key, 7, &mnp, &ra) == 0) {
			if (wire_nd_decode(p, n, &m, NULL) < 0 || m.type != ICMP6_TYPE_RA)
				abort();
			if (ra.lifetime_s != m.ra_router_lifetime)
				abort();
		}
		free(p);
		return 0;
	}
	struct aero_rs rs;
	enum aero_refusal why;
	if (aero_nd_check_rs(p, n, FUZZ_AERO_NOW, &rs, &why) == 0) {
		if (wire_nd_decode(p, n, &m, NULL) < 0 || m.node_key_idx < 0)
			abort();
		if (memcmp(m.sub[m.node_key_idx].u.node_id.id, rs.key, 32) != 0 ||
		    memcmp(&m.src, &rs.src, 16) != 0)
			abort();
		struct aero_srv s;
		union sockaddr_any o;
		memset(&o, 0, sizeof(o));
		o.in4.sin_family = AF_INET;
		aero_srv_init(&s, 7, 600);
		enum aero_srv_result r = aero_srv_rs(&s, "c", rs.key, &mnp, &rs, &o, 0, NULL, &why);
		if ((r == AERO_SRV_REFUSED) != (s.n == 0) || s.n > 1)
			abort();
		aero_srv_deinit(&s);
	} else if ((unsigned)why >= AERO_REFUSE__COUNT) {
		abort();
	}
	free(p);
	return 0;
}
