// SPDX-License-Identifier: MIT
/*
 * test_aero_nd.c - common/aero_nd.[ch]: RS and RA built for fixed keys and
 * clock decode to the intended fields (round trip through the checks), the
 * checks refuse a foreign signing key, a stale timestamp, a missing Node
 * Identification, wrong inner addresses, every truncation and every single
 * bit flip; aero_nd_is_nd classifies packets.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <sodium.h>
#include <string.h>

#include "aero_nd.h"
#include "cursor.h"
#include "keys.h"
#include "wire_nd.h"

#define NOW 1790000000000ULL /* ms since 1970 */

static struct keys_identity cli_id, srv_id, bad_id;
static struct prefix mnp;

static void setup(void)
{
	uint8_t seed[32];
	cr_assert_eq(sodium_init() >= 0, true);
	memset(seed, 1, 32);
	cr_assert_eq(keys_identity_from_seed(seed, &cli_id), 0);
	memset(seed, 2, 32);
	cr_assert_eq(keys_identity_from_seed(seed, &srv_id), 0);
	memset(seed, 3, 32);
	cr_assert_eq(keys_identity_from_seed(seed, &bad_id), 0);
	cr_assert_eq(addr_parse_prefix("2001:db8:1000:2000::/56", &mnp), 0);
}

static void teardown(void)
{
	keys_identity_free(&cli_id);
	keys_identity_free(&srv_id);
	keys_identity_free(&bad_id);
}

TestSuite(aero_nd, .init = setup, .fini = teardown);

static ssize_t rs(const struct keys_identity *id, bool release, uint64_t t, uint8_t *out,
		  size_t cap)
{
	union sockaddr_any l2;
	cr_assert_eq(addr_parse_endpoint("192.0.2.1:8060", 8060, &l2), 0);
	struct aero_nd_client c = {.mnp = &mnp,
				   .ed_pk = id->ed_pk,
				   .ed_sk = id->ed_sk,
				   .l2 = &l2,
				   .if_index = 1,
				   .server_msid = 7};
	return aero_nd_build_rs(&c, release, t, out, cap);
}

Test(aero_nd, rs_round_trip)
{
	uint8_t p[512];
	struct aero_rs r;
	enum aero_refusal why;
	ssize_t n = rs(&cli_id, false, NOW, p, sizeof(p));
	cr_assert_gt(n, 40);
	cr_assert(aero_nd_is_nd(p, (size_t)n));
	cr_assert_eq(aero_nd_check_rs(p, (size_t)n, NOW + 29000, &r, &why), 0);
	cr_assert_arr_eq(r.key, cli_id.ed_pk, 32);
	struct in6_addr lla;
	omni_lla_from_mnp(&mnp, &lla);
	cr_assert_arr_eq(&r.src, &lla, 16);
	cr_assert_eq(r.timestamp_ms, NOW);
	cr_assert(r.has_register);
	cr_assert_eq(r.register_msid, 7);
	cr_assert_not(r.has_release);
	/* the Interface Attributes carry the local L2ADDR and the server's MSID */
	static struct nd_msg m;
	cr_assert_eq(wire_nd_decode(p, (size_t)n, &m, NULL), 0);
	cr_assert_eq(m.hop_limit, 255);
	bool seen = false;
	for (unsigned i = 0; i < m.n_sub; i++) {
		if (m.sub[i].type != OMNI_SUB_IFATTR)
			continue;
		seen = true;
		cr_assert_eq(m.sub[i].u.ifattr.api, OMNI_IFATTR_API_UDP4);
		cr_assert_eq(m.sub[i].u.ifattr.port, 8060);
		cr_assert_eq(m.sub[i].u.ifattr.lhs_msid, 7);
		cr_assert_eq(m.sub[i].u.ifattr.addr[0], 192);
	}
	cr_assert(seen);
	/* the release form */
	n = rs(&cli_id, true, NOW, p, sizeof(p));
	cr_assert_eq(aero_nd_check_rs(p, (size_t)n, NOW, &r, &why), 0);
	cr_assert_not(r.has_register);
	cr_assert(r.has_release);
	cr_assert(r.release_us);
}

Test(aero_nd, rs_stale_and_no_node_id)
{
	uint8_t p[512];
	struct aero_rs r;
	enum aero_refusal why;
	ssize_t n = rs(&cli_id, false, NOW, p, sizeof(p));
	cr_assert_eq(aero_nd_check_rs(p, (size_t)n, NOW + 30001, &r, &why), -EBADMSG);
	cr_assert_eq(why, AERO_REFUSE_stale);
	cr_assert_eq(aero_nd_check_rs(p, (size_t)n, NOW - 30001, &r, &why), -EBADMSG);
	cr_assert_eq(why, AERO_REFUSE_stale);
	/* an RS with only Authentication (no Node Identification) */
	static struct nd_msg m;
	memset(&m, 0, sizeof(m));
	m.hop_limit = 255;
	m.type = ICMP6_TYPE_RS;
	omni_lla_from_mnp(&mnp, &m.src);
	inet_pton(AF_INET6, "ff02::2", &m.dst);
	m.n_sub = 1;
	m.sub[0].type = OMNI_SUB_AUTH;
	m.sub[0].u.auth.alg = 1;
	m.sub[0].u.auth.timestamp_ms = NOW;
	n = wire_nd_encode(&m, cli_id.ed_sk, p, sizeof(p));
	cr_assert_gt(n, 0);
	cr_assert_eq(aero_nd_check_rs(p, (size_t)n, NOW, &r, &why), -EBADMSG);
	cr_assert_eq(why, AERO_REFUSE_auth);
	/* an RA is not an RS */
	struct aero_nd_server s = {.msid = 7, .ed_pk = srv_id.ed_pk, .ed_sk = srv_id.ed_sk};
	n = aero_nd_build_ra(&s, &mnp, NULL, 600, NOW, p, sizeof(p));
	cr_assert_eq(aero_nd_check_rs(p, (size_t)n, NOW, &r, &why), -EBADMSG);
	cr_assert_eq(why, AERO_REFUSE_malformed);
}

Test(aero_nd, rs_every_truncation_and_bit_flip)
{
	uint8_t p[512], q[512];
	struct aero_rs r;
	enum aero_refusal why;
	ssize_t n = rs(&cli_id, false, NOW, p, sizeof(p));
	for (ssize_t k = 0; k < n; k++)
		cr_assert_eq(aero_nd_check_rs(p, (size_t)k, NOW, &r, &why), -EBADMSG, "len %zd", k);
	/* Hop limit, Traffic Class and Flow Label are outside the signature but hop
	 * limit must be 255; a flip anywhere else breaks the checksum or the signature. */
	for (ssize_t i = 0; i < n; i++) {
		for (int b = 0; b < 8; b++) {
			memcpy(q, p, (size_t)n);
			q[i] ^= (uint8_t)(1 << b);
			int rc = aero_nd_check_rs(q, (size_t)n, NOW, &r, &why);
			bool unsigned_bits = i < 4; /* version/TC/flow: version flip is caught */
			if (!unsigned_bits || (i == 0 && b >= 4))
				cr_assert_eq(rc, -EBADMSG, "octet %zd bit %d accepted", i, b);
		}
	}
}

static ssize_t ra(const struct keys_identity *id, uint32_t msid, const union sockaddr_any *o,
		  uint32_t life, uint8_t *out)
{
	struct aero_nd_server s = {.msid = msid, .ed_pk = id->ed_pk, .ed_sk = id->ed_sk};
	return aero_nd_build_ra(&s, &mnp, o, life, NOW, out, 512);
}

Test(aero_nd, ra_round_trip_v4_and_v6_origin)
{
	uint8_t p[512];
	struct aero_ra a;
	union sockaddr_any o4, o6;
	cr_assert_eq(addr_parse_endpoint("198.51.100.7:40000", 0, &o4), 0);
	cr_assert_eq(addr_parse_endpoint("[2001:db8::77]:40001", 0, &o6), 0);
	ssize_t n = ra(&srv_id, 7, &o4, 600, p);
	cr_assert_gt(n, 40);
	cr_assert_eq(aero_nd_check_ra(p, (size_t)n, NOW, srv_id.ed_pk, 7, &mnp, &a), 0);
	cr_assert_eq(a.lifetime_s, 600);
	cr_assert_eq(a.reachable_ms, AERO_REACHABLE_TIME_MS);
	cr_assert_eq(a.retrans_ms, AERO_RETRANS_TIMER_MS);
	cr_assert(a.has_origin);
	cr_assert(addr_equal(&a.origin, &o4));
	n = ra(&srv_id, 7, &o6, 0, p);
	cr_assert_eq(aero_nd_check_ra(p, (size_t)n, NOW, srv_id.ed_pk, 7, &mnp, &a), 0);
	cr_assert_eq(a.lifetime_s, 0);
	cr_assert(addr_equal(&a.origin, &o6));
	n = ra(&srv_id, 7, NULL, 30, p);
	cr_assert_eq(aero_nd_check_ra(p, (size_t)n, NOW, srv_id.ed_pk, 7, &mnp, &a), 0);
	cr_assert_not(a.has_origin);
}

Test(aero_nd, ra_refusals)
{
	uint8_t p[512];
	struct aero_ra a;
	struct prefix other;
	cr_assert_eq(addr_parse_prefix("2001:db8:1000:3000::/56", &other), 0);
	/* signed (validly) by a key that is not the configured server's */
	ssize_t n = ra(&bad_id, 7, NULL, 600, p);
	cr_assert_eq(aero_nd_check_ra(p, (size_t)n, NOW, srv_id.ed_pk, 7, &mnp, &a), -EACCES);
	/* from another MSID's ADM-LLA */
	n = ra(&srv_id, 8, NULL, 600, p);
	cr_assert_eq(aero_nd_check_ra(p, (size_t)n, NOW, srv_id.ed_pk, 7, &mnp, &a), -EACCES);
	/* to another client */
	n = ra(&srv_id, 7, NULL, 600, p);
	cr_assert_eq(aero_nd_check_ra(p, (size_t)n, NOW, srv_id.ed_pk, 7, &other, &a), -EACCES);
	/* stale */
	cr_assert_eq(aero_nd_check_ra(p, (size_t)n, NOW + 31000, srv_id.ed_pk, 7, &mnp, &a),
		     -EACCES);
	/* an RS is not an RA; truncations */
	n = rs(&cli_id, false, NOW, p, sizeof(p));
	cr_assert_eq(aero_nd_check_ra(p, (size_t)n, NOW, srv_id.ed_pk, 7, &mnp, &a), -EBADMSG);
	n = ra(&srv_id, 7, NULL, 600, p);
	for (ssize_t k = 0; k < n; k++)
		cr_assert_lt(aero_nd_check_ra(p, (size_t)k, NOW, srv_id.ed_pk, 7, &mnp, &a), 0);
	/* bit flips past the unsigned first 4 octets */
	for (ssize_t i = 4; i < n; i++) {
		uint8_t q[512];
		memcpy(q, p, (size_t)n);
		q[i] ^= 0x10;
		cr_assert_lt(aero_nd_check_ra(q, (size_t)n, NOW, srv_id.ed_pk, 7, &mnp, &a), 0,
			     "octet %zd", i);
	}
}

Test(aero_nd, is_nd)
{
	uint8_t p[64];
	memset(p, 0, sizeof(p));
	p[0] = 0x60;
	p[6] = 58;
	for (int t = 0; t < 256; t++) {
		p[40] = (uint8_t)t;
		cr_assert_eq(aero_nd_is_nd(p, sizeof(p)), t >= 133 && t <= 136, "type %d", t);
	}
	p[40] = 133;
	cr_assert_not(aero_nd_is_nd(p, 40));
	p[6] = 17;
	cr_assert_not(aero_nd_is_nd(p, sizeof(p)));
	p[6] = 58;
	p[0] = 0x45;
	cr_assert_not(aero_nd_is_nd(p, sizeof(p)));
}

/* ---- route optimization: NS(AR) / NA(AR) ---- */

static const uint8_t target64[8] = {0x20, 0x01, 0x0d, 0xb8, 0x10, 0x00, 0x30, 0x00};

static ssize_t ns(const struct keys_identity *id, uint64_t t, uint8_t *out)
{
	struct aero_nd_client c = {
	    .mnp = &mnp, .ed_pk = id->ed_pk, .ed_sk = id->ed_sk, .if_index = 1, .server_msid = 7};
	return aero_nd_build_ns(&c, target64, t, out, 512);
}

Test(aero_nd, ns_round_trip_and_refusals)
{
	uint8_t p[512];
	struct aero_ns s;
	ssize_t n = ns(&cli_id, NOW, p);
	cr_assert_gt(n, 40);
	cr_assert(aero_nd_is_nd(p, (size_t)n));
	cr_assert_eq(p[40], ICMP6_TYPE_NS);
	cr_assert_eq(aero_nd_check_ns(p, (size_t)n, NOW, &s), 0);
	cr_assert_arr_eq(s.key, cli_id.ed_pk, 32);
	struct in6_addr want;
	cr_assert_eq(inet_pton(AF_INET6, "fe80::2001:db8:1000:3000", &want), 1);
	cr_assert_arr_eq(&s.target, &want, 16);
	omni_lla_from_mnp(&mnp, &want);
	cr_assert_arr_eq(&s.src, &want, 16);
	cr_assert_eq(s.timestamp_ms, NOW);
	cr_assert_eq(aero_nd_check_ns(p, (size_t)n, NOW + 31000, &s), -EBADMSG);
	for (ssize_t k = 0; k < n; k++)
		cr_assert_eq(aero_nd_check_ns(p, (size_t)k, NOW, &s), -EBADMSG);
	for (ssize_t i = 4; i < n; i++) {
		uint8_t q[512];
		memcpy(q, p, (size_t)n);
		q[i] ^= 0x01;
		cr_assert_eq(aero_nd_check_ns(q, (size_t)n, NOW, &s), -EBADMSG, "octet %zd", i);
	}
	/* an RS is not an NS */
	n = rs(&cli_id, false, NOW, p, sizeof(p));
	cr_assert_eq(aero_nd_check_ns(p, (size_t)n, NOW, &s), -EBADMSG);
}

static struct aero_vouch vouch(void)
{
	struct aero_vouch v;
	memset(&v, 0, sizeof(v));
	memcpy(v.key, bad_id.ed_pk, 32); /* the target's key: any key */
	cr_assert_eq(addr_parse_prefix("2001:db8:1000:3000::/56", &v.mnp), 0);
	cr_assert_eq(addr_parse_endpoint("198.51.100.1:8060", 0, &v.l2), 0);
	return v;
}

Test(aero_nd, na_round_trip)
{
	uint8_t p[512];
	struct aero_nd_server s = {.msid = 7, .ed_pk = srv_id.ed_pk, .ed_sk = srv_id.ed_sk};
	struct aero_vouch v = vouch(), got;
	ssize_t n = aero_nd_build_na(&s, &mnp, &v, true, NOW, p, sizeof(p));
	cr_assert_gt(n, 40);
	cr_assert_eq(aero_nd_check_na(p, (size_t)n, NOW, srv_id.ed_pk, 7, &mnp, &got), 0);
	cr_assert_arr_eq(got.key, v.key, 32);
	cr_assert_eq(got.mnp.plen, 56);
	cr_assert_arr_eq(got.mnp.addr, v.mnp.addr, 16);
	cr_assert(addr_equal(&got.l2, &v.l2));
	static struct nd_msg m;
	cr_assert_eq(wire_nd_decode(p, (size_t)n, &m, NULL), 0);
	cr_assert(m.na_r && m.na_s && m.na_o);
	/* the Vouched Key goes out as omni_wire.h's provisional type 27, 49 octets, unparsed
	 * by the generic codec, and carries the key first */
	int vk = -1;
	for (int i = 0; i < m.n_sub; i++)
		if (m.sub[i].type == 27) {
			cr_assert_eq(vk, -1);
			vk = i;
		}
	cr_assert_neq(vk, -1);
	cr_assert_eq(AERO_SUB_VOUCHED_KEY, 27);
	cr_assert_eq(m.sub[vk].sub_length, AERO_VOUCHED_KEY_LEN);
	cr_assert_not(m.sub[vk].known);
	cr_assert_arr_eq(m.sub[vk].u.unknown.data, v.key, 32);
	n = aero_nd_build_na(&s, &mnp, &v, false, NOW, p, sizeof(p));
	cr_assert_eq(wire_nd_decode(p, (size_t)n, &m, NULL), 0);
	cr_assert(m.na_r && !m.na_s && m.na_o);
	cr_assert_eq(aero_nd_check_na(p, (size_t)n, NOW, srv_id.ed_pk, 7, &mnp, &got), 0);
	/* an IPv6 L2ADDR */
	cr_assert_eq(addr_parse_endpoint("[2001:db8::9]:4000", 0, &v.l2), 0);
	n = aero_nd_build_na(&s, &mnp, &v, true, NOW, p, sizeof(p));
	cr_assert_eq(aero_nd_check_na(p, (size_t)n, NOW, srv_id.ed_pk, 7, &mnp, &got), 0);
	cr_assert(addr_equal(&got.l2, &v.l2));
	/* an IPv4 MNP cannot be vouched */
	cr_assert_eq(addr_parse_prefix("192.0.2.0/24", &v.mnp), 0);
	cr_assert_eq(aero_nd_build_na(&s, &mnp, &v, true, NOW, p, sizeof(p)), -EINVAL);
}

Test(aero_nd, na_refusals)
{
	uint8_t p[512];
	struct aero_nd_server s = {.msid = 7, .ed_pk = srv_id.ed_pk, .ed_sk = srv_id.ed_sk};
	struct aero_vouch v = vouch(), got;
	struct prefix other;
	cr_assert_eq(addr_parse_prefix("2001:db8:1000:4000::/56", &other), 0);
	ssize_t n = aero_nd_build_na(&s, &mnp, &v, true, NOW, p, sizeof(p));
	/* vouched by a key that is not our server's */
	cr_assert_eq(aero_nd_check_na(p, (size_t)n, NOW, cli_id.ed_pk, 7, &mnp, &got), -EACCES);
	/* another MSID, another client, stale */
	cr_assert_eq(aero_nd_check_na(p, (size_t)n, NOW, srv_id.ed_pk, 8, &mnp, &got), -EACCES);
	cr_assert_eq(aero_nd_check_na(p, (size_t)n, NOW, srv_id.ed_pk, 7, &other, &got), -EACCES);
	cr_assert_eq(aero_nd_check_na(p, (size_t)n, NOW - 31000, srv_id.ed_pk, 7, &mnp, &got),
		     -EACCES);
	/* signed by another key that carries itself in Node Identification */
	struct aero_nd_server bad = {.msid = 7, .ed_pk = bad_id.ed_pk, .ed_sk = bad_id.ed_sk};
	n = aero_nd_build_na(&bad, &mnp, &v, true, NOW, p, sizeof(p));
	cr_assert_eq(aero_nd_check_na(p, (size_t)n, NOW, srv_id.ed_pk, 7, &mnp, &got), -EACCES);
	/* truncations and bit flips */
	n = aero_nd_build_na(&s, &mnp, &v, true, NOW, p, sizeof(p));
	for (ssize_t k = 0; k < n; k++)
		cr_assert_lt(aero_nd_check_na(p, (size_t)k, NOW, srv_id.ed_pk, 7, &mnp, &got), 0);
	for (ssize_t i = 4; i < n; i++) {
		uint8_t q[512];
		memcpy(q, p, (size_t)n);
		q[i] ^= 0x04;
		cr_assert_lt(aero_nd_check_na(q, (size_t)n, NOW, srv_id.ed_pk, 7, &mnp, &got), 0,
			     "octet %zd", i);
	}
	/* no Vouched Key / no L2ADDR: incomplete */
	static struct nd_msg m;
	memset(&m, 0, sizeof(m));
	m.hop_limit = 255;
	m.type = ICMP6_TYPE_NA;
	omni_lla_adm(7, &m.src);
	omni_lla_from_mnp(&mnp, &m.dst);
	omni_lla_from_mnp(&v.mnp, &m.target);
	m.n_sub = 1;
	m.sub[0].type = OMNI_SUB_AUTH;
	m.sub[0].u.auth.alg = 1;
	m.sub[0].u.auth.timestamp_ms = NOW;
	n = wire_nd_encode(&m, srv_id.ed_sk, p, sizeof(p));
	cr_assert_gt(n, 0);
	cr_assert_eq(aero_nd_check_na(p, (size_t)n, NOW, srv_id.ed_pk, 7, &mnp, &got), -EBADMSG);
}

/* Multilink RS (docs/aero.md Multilink): its own Interface Attributes with Link and
 * Preferences, plus another underlay's Link = 0; every truncation refused. */
static ssize_t rs_ml(const uint8_t *pref, const struct aero_ifattr *extra, size_t n_extra,
		     uint8_t *out, size_t cap)
{
	union sockaddr_any l2;
	cr_assert_eq(addr_parse_endpoint("192.0.2.1:8060", 8060, &l2), 0);
	struct aero_nd_client c = {.mnp = &mnp,
				   .ed_pk = cli_id.ed_pk,
				   .ed_sk = cli_id.ed_sk,
				   .l2 = &l2,
				   .if_index = 2,
				   .link = 12,
				   .pref = pref,
				   .extra = extra,
				   .n_extra = n_extra,
				   .server_msid = 7};
	return aero_nd_build_rs(&c, false, NOW, out, cap);
}

Test(aero_nd, rs_interface_attributes_with_preferences)
{
	uint8_t p[512], pref[64];
	struct aero_rs r;
	struct aero_ifattr x[AERO_ND_MAX_IFS];
	enum aero_refusal why;

	memset(pref, 2, sizeof(pref));
	pref[46] = 3;
	pref[8] = 0;
	memset(x, 0, sizeof(x));
	x[0].if_index = 1;
	x[0].link = 0;
	memset(x[0].pref, 2, sizeof(x[0].pref));
	ssize_t n = rs_ml(pref, x, 1, p, sizeof(p));
	cr_assert_gt(n, 40);
	cr_assert_eq(aero_nd_check_rs(p, (size_t)n, NOW, &r, &why), 0);
	cr_assert_eq(r.n_ifs, 2);
	cr_assert_eq(r.ifs[0].if_index, 2);
	cr_assert_eq(r.ifs[0].link, 12);
	cr_assert_arr_eq(r.ifs[0].pref, pref, 64);
	cr_assert(r.ifs[0].has_l2);
	cr_assert_eq(r.ifs[1].if_index, 1);
	cr_assert_eq(r.ifs[1].link, 0);
	cr_assert_not(r.ifs[1].has_l2);
	cr_assert_eq(r.ifs[1].pref[46], 2); /* no Preferences sent: all medium */
	/* the same through aero_nd_ifattrs() */
	struct aero_ifattr got[AERO_ND_MAX_IFS];
	size_t k;
	cr_assert_eq(aero_nd_ifattrs(p, (size_t)n, got, &k), 0);
	cr_assert_eq(k, 2);
	cr_assert_eq(got[0].pref[8], 0);
	for (ssize_t cut = 0; cut < n; cut++)
		cr_assert_eq(aero_nd_check_rs(p, (size_t)cut, NOW, &r, &why), -EBADMSG, "len %zd",
			     cut);
	/* every bit flip: refused (signature / checksum) or, in the unsigned first octets,
	 * the same attributes */
	for (ssize_t i = 0; i < n; i++)
		for (int b = 0; b < 8; b++) {
			uint8_t q[512];
			memcpy(q, p, (size_t)n);
			q[i] ^= (uint8_t)(1 << b);
			int rc = aero_nd_check_rs(q, (size_t)n, NOW, &r, &why);
			if (rc == 0) {
				cr_assert_lt(i, 4, "octet %zd bit %d accepted", i, b);
				cr_assert_eq(r.ifs[0].pref[46], 3);
			}
		}
	/* too many Interface Attributes to build */
	cr_assert_eq(rs_ml(pref, x, AERO_ND_MAX_IFS, p, sizeof(p)), -EINVAL);
}

/* A correctly signed RS whose Preferences do not match their Bitmap (Sub-Length too short or
 * too long for them) is malformed, and so is a fifth Interface Attributes. */
Test(aero_nd, rs_preferences_sub_length)
{
	static struct nd_msg m;
	uint8_t p[1024];
	struct aero_rs r;
	enum aero_refusal why;
	/* Bitmap 0x81: two blocks, so exactly 5 octets */
	static const uint8_t pb[] = {0x81, 0xaa, 0xaa, 0xff, 0xff, 0x00};
	static const size_t lens[] = {1, 2, 3, 4, 6};

	for (size_t t = 0; t <= ARRAY_SIZE(lens); t++) {
		memset(&m, 0, sizeof(m));
		m.hop_limit = 255;
		m.type = ICMP6_TYPE_RS;
		omni_lla_from_mnp(&mnp, &m.src);
		inet_pton(AF_INET6, "ff02::2", &m.dst);
		m.sub[0].type = OMNI_SUB_NODE_ID;
		m.sub[0].u.node_id.id_type = OMNI_NODE_ID_ED25519;
		m.sub[0].u.node_id.id = cli_id.ed_pk;
		m.sub[0].u.node_id.id_len = 32;
		m.sub[1].type = OMNI_SUB_IFATTR;
		m.sub[1].u.ifattr.if_index = 1;
		m.sub[1].u.ifattr.link = 9;
		m.sub[1].u.ifattr.prefs = pb;
		m.sub[1].u.ifattr.prefs_len = t < ARRAY_SIZE(lens) ? lens[t] : 5;
		m.sub[2].type = OMNI_SUB_AUTH;
		m.sub[2].u.auth.alg = OMNI_AUTH_ALG_ED25519;
		m.sub[2].u.auth.key_id = get_be32(cli_id.ed_pk);
		m.sub[2].u.auth.timestamp_ms = NOW;
		m.n_sub = 3;
		ssize_t n = wire_nd_encode(&m, cli_id.ed_sk, p, sizeof(p));
		cr_assert_gt(n, 0);
		int rc = aero_nd_check_rs(p, (size_t)n, NOW, &r, &why);
		if (t < ARRAY_SIZE(lens)) {
			cr_assert_eq(rc, -EBADMSG, "prefs length %zu accepted", lens[t]);
			cr_assert_eq(why, AERO_REFUSE_malformed);
		} else {
			cr_assert_eq(rc, 0);
			cr_assert_eq(r.ifs[0].pref[0], 2);
			cr_assert_eq(r.ifs[0].pref[56], 3);
			cr_assert_eq(r.ifs[0].pref[63], 3);
			cr_assert_eq(r.ifs[0].link, 9);
		}
	}
	/* five Interface Attributes (distinct ifIndex): more than AERO_ND_MAX_IFS */
	m.sub[6] = m.sub[2];
	for (int i = 0; i < 5; i++) {
		m.sub[1 + i] = m.sub[1];
		m.sub[1 + i].u.ifattr.if_index = (uint8_t)(1 + i);
		m.sub[1 + i].u.ifattr.prefs = NULL;
		m.sub[1 + i].u.ifattr.prefs_len = 0;
	}
	m.n_sub = 7;
	ssize_t n = wire_nd_encode(&m, cli_id.ed_sk, p, sizeof(p));
	cr_assert_gt(n, 0);
	cr_assert_eq(aero_nd_check_rs(p, (size_t)n, NOW, &r, &why), -EBADMSG);
	cr_assert_eq(why, AERO_REFUSE_malformed);
}

/* §5.6 item 3: an NA with one Interface Attributes per current target interface. */
Test(aero_nd, na_one_interface_attributes_per_target_interface)
{
	uint8_t p[1024];
	struct aero_nd_server s = {.msid = 7, .ed_pk = srv_id.ed_pk, .ed_sk = srv_id.ed_sk};
	struct aero_vouch v = vouch(), got;

	v.n_ifs = 2;
	v.ifs[0].if_index = 1;
	v.ifs[0].link = 3;
	memset(v.ifs[0].pref, 2, 64);
	v.ifs[0].pref[46] = 3;
	v.ifs[0].has_l2 = true;
	cr_assert_eq(addr_parse_endpoint("198.51.100.1:8060", 0, &v.ifs[0].l2), 0);
	v.ifs[1].if_index = 2;
	v.ifs[1].link = 0;
	memset(v.ifs[1].pref, 1, 64);
	v.ifs[1].has_l2 = true;
	cr_assert_eq(addr_parse_endpoint("198.51.100.2:8060", 0, &v.ifs[1].l2), 0);
	ssize_t n = aero_nd_build_na(&s, &mnp, &v, false, NOW, p, sizeof(p));
	cr_assert_gt(n, 40);
	cr_assert_eq(aero_nd_check_na(p, (size_t)n, NOW, srv_id.ed_pk, 7, &mnp, &got), 0);
	cr_assert_eq(got.n_ifs, 2);
	cr_assert(addr_equal(&got.l2, &v.ifs[0].l2));
	cr_assert(addr_equal(&got.ifs[1].l2, &v.ifs[1].l2));
	cr_assert_eq(got.ifs[0].link, 3);
	cr_assert_eq(got.ifs[1].link, 0);
	cr_assert_eq(got.ifs[0].pref[46], 3);
	cr_assert_eq(got.ifs[1].pref[46], 1);
	for (ssize_t cut = 0; cut < n; cut++)
		cr_assert_neq(aero_nd_check_na(p, (size_t)cut, NOW, srv_id.ed_pk, 7, &mnp, &got),
			      0);
	v.n_ifs = AERO_ND_MAX_IFS + 1;
	cr_assert_eq(aero_nd_build_na(&s, &mnp, &v, false, NOW, p, sizeof(p)), -EINVAL);
}

/* ---- route updates between meshed servers ---- */

static ssize_t ru(const struct keys_identity *id, uint32_t from, uint32_t to, uint32_t life,
		  uint64_t t, uint8_t *out)
{
	struct aero_nd_server s = {.msid = from, .ed_pk = id->ed_pk, .ed_sk = id->ed_sk};
	struct aero_vouch v = vouch();
	return aero_nd_build_ru(&s, to, &v, life, t, out, 512);
}

Test(aero_nd, ru_round_trip)
{
	uint8_t p[512];
	struct aero_ru got;
	struct aero_vouch v = vouch();
	ssize_t n = ru(&srv_id, 7, 9, 600, NOW, p);
	cr_assert_gt(n, 40);
	cr_assert(aero_nd_is_nd(p, (size_t)n));
	cr_assert_eq(aero_nd_check_ru(p, (size_t)n, NOW + 29000, srv_id.ed_pk, 7, 9, &got), 0);
	cr_assert_arr_eq(got.v.key, v.key, 32);
	cr_assert_eq(got.v.mnp.family, AF_INET6);
	cr_assert_eq(got.v.mnp.plen, 56);
	cr_assert_arr_eq(got.v.mnp.addr, v.mnp.addr, 16);
	cr_assert(addr_equal(&got.v.l2, &v.l2));
	cr_assert_eq(got.anchor_msid, 7);
	cr_assert_eq(got.lifetime_s, 600);
	cr_assert_eq(got.timestamp_ms, NOW);
	/* the fixed fields: a uNA between the servers' ADM-LLAs about the client's MNP-LLA */
	static struct nd_msg m;
	struct in6_addr want;
	cr_assert_eq(wire_nd_decode(p, (size_t)n, &m, NULL), 0);
	cr_assert_eq(m.type, ICMP6_TYPE_NA);
	cr_assert(m.na_r && !m.na_s && m.na_o);
	omni_lla_adm(7, &want);
	cr_assert_arr_eq(&m.src, &want, 16);
	omni_lla_adm(9, &want);
	cr_assert_arr_eq(&m.dst, &want, 16);
	omni_lla_from_mnp(&v.mnp, &want);
	cr_assert_arr_eq(&m.target, &want, 16);
	/* a withdrawal (lifetime 0) and an IPv6 origin */
	struct aero_nd_server s = {.msid = 7, .ed_pk = srv_id.ed_pk, .ed_sk = srv_id.ed_sk};
	cr_assert_eq(addr_parse_endpoint("[2001:db8::9]:4000", 0, &v.l2), 0);
	n = aero_nd_build_ru(&s, 9, &v, 0, NOW, p, sizeof(p));
	cr_assert_eq(aero_nd_check_ru(p, (size_t)n, NOW, srv_id.ed_pk, 7, 9, &got), 0);
	cr_assert_eq(got.lifetime_s, 0);
	cr_assert(addr_equal(&got.v.l2, &v.l2));
	/* only IPv6 MNPs of /64 or shorter are announced */
	cr_assert_eq(addr_parse_prefix("2001:db8:1:2:3::/80", &v.mnp), 0);
	cr_assert_eq(aero_nd_build_ru(&s, 9, &v, 10, NOW, p, sizeof(p)), -EINVAL);
	cr_assert_eq(addr_parse_prefix("192.0.2.0/24", &v.mnp), 0);
	cr_assert_eq(aero_nd_build_ru(&s, 9, &v, 10, NOW, p, sizeof(p)), -EINVAL);
	/* a buffer too small */
	v = vouch();
	cr_assert_lt(aero_nd_build_ru(&s, 9, &v, 10, NOW, p, 60), 0);
}

Test(aero_nd, ru_refusals)
{
	uint8_t p[512];
	struct aero_ru got;
	ssize_t n = ru(&srv_id, 7, 9, 600, NOW, p);
	/* wrong key, wrong anchor MSID, not addressed to us, stale either way */
	cr_assert_eq(aero_nd_check_ru(p, (size_t)n, NOW, bad_id.ed_pk, 7, 9, &got), -EACCES);
	cr_assert_eq(aero_nd_check_ru(p, (size_t)n, NOW, srv_id.ed_pk, 8, 9, &got), -EACCES);
	cr_assert_eq(aero_nd_check_ru(p, (size_t)n, NOW, srv_id.ed_pk, 7, 10, &got), -EACCES);
	cr_assert_eq(aero_nd_check_ru(p, (size_t)n, NOW + 31000, srv_id.ed_pk, 7, 9, &got),
		     -EACCES);
	cr_assert_eq(aero_nd_check_ru(p, (size_t)n, NOW - 31000, srv_id.ed_pk, 7, 9, &got),
		     -EACCES);
	/* nothing is left in @got after a refusal */
	cr_assert_eq(got.lifetime_s, 0);
	cr_assert_eq(got.anchor_msid, 0);
	/* signed by another server that carries its own key in Node Identification */
	n = ru(&bad_id, 7, 9, 600, NOW, p);
	cr_assert_eq(aero_nd_check_ru(p, (size_t)n, NOW, srv_id.ed_pk, 7, 9, &got), -EACCES);
	/* an NA(AR) to a client is not a route update (no Route Update sub-option) */
	struct aero_nd_server s = {.msid = 7, .ed_pk = srv_id.ed_pk, .ed_sk = srv_id.ed_sk};
	struct aero_vouch v = vouch();
	n = aero_nd_build_na(&s, &mnp, &v, false, NOW, p, sizeof(p));
	cr_assert_eq(aero_nd_check_ru(p, (size_t)n, NOW, srv_id.ed_pk, 7, 9, &got), -EBADMSG);
	/* ... and a route update is not an NA(AR) for a client */
	n = ru(&srv_id, 7, 9, 600, NOW, p);
	cr_assert_lt(aero_nd_check_na(p, (size_t)n, NOW, srv_id.ed_pk, 7, &mnp, &v), 0);
	/* an RS is not a route update */
	n = rs(&cli_id, false, NOW, p, sizeof(p));
	cr_assert_eq(aero_nd_check_ru(p, (size_t)n, NOW, cli_id.ed_pk, 7, 9, &got), -EBADMSG);
}

Test(aero_nd, ru_every_truncation_and_bit_flip)
{
	uint8_t p[512], q[512];
	struct aero_ru got;
	ssize_t n = ru(&srv_id, 7, 9, 600, NOW, p);
	for (ssize_t k = 0; k < n; k++)
		cr_assert_lt(aero_nd_check_ru(p, (size_t)k, NOW, srv_id.ed_pk, 7, 9, &got), 0,
			     "len %zd", k);
	/* As for the RS: only Traffic Class and Flow Label lie outside checksum and signature. */
	for (ssize_t i = 0; i < n; i++) {
		for (int b = 0; b < 8; b++) {
			memcpy(q, p, (size_t)n);
			q[i] ^= (uint8_t)(1 << b);
			int rc = aero_nd_check_ru(q, (size_t)n, NOW, srv_id.ed_pk, 7, 9, &got);
			if (i >= 4 || (i == 0 && b >= 4))
				cr_assert_lt(rc, 0, "octet %zd bit %d accepted", i, b);
		}
	}
}

Test(aero_nd, ru_malformed_suboptions)
{
	/* Hand-built route updates, each signed correctly, each missing or garbling one piece. */
	static struct nd_msg m;
	uint8_t p[512], vk[AERO_VOUCHED_KEY_LEN], rub[AERO_ROUTE_UPDATE_LEN + 1];
	struct aero_vouch v = vouch();
	struct aero_ru got;
	memcpy(vk, v.key, 32);
	vk[32] = v.mnp.plen;
	memcpy(vk + 33, v.mnp.addr, 16);
	put_be32(rub, 7);
	put_be32(rub + 4, 600);
	for (int variant = 0; variant < 5; variant++) {
		memset(&m, 0, sizeof(m));
		m.hop_limit = 255;
		m.type = ICMP6_TYPE_NA;
		omni_lla_adm(7, &m.src);
		omni_lla_adm(9, &m.dst);
		omni_lla_from_mnp(&v.mnp, &m.target);
		struct nd_subopt *s = &m.sub[m.n_sub++];
		s->type = OMNI_SUB_IFATTR;
		s->u.ifattr.api = variant == 0 ? OMNI_IFATTR_API_NONE : OMNI_IFATTR_API_UDP4;
		s->u.ifattr.port = 8060;
		s = &m.sub[m.n_sub++];
		s->type = AERO_SUB_VOUCHED_KEY;
		s->u.unknown.data = vk;
		s->u.unknown.len = sizeof(vk);
		if (variant != 1) { /* 1: no Route Update */
			s = &m.sub[m.n_sub++];
			s->type = AERO_SUB_ROUTE_UPDATE;
			s->u.unknown.data = rub;
			s->u.unknown.len =
			    variant == 2 ? AERO_ROUTE_UPDATE_LEN + 1 : AERO_ROUTE_UPDATE_LEN;
		}
		if (variant == 3) { /* two Route Updates */
			s = &m.sub[m.n_sub++];
			s->type = AERO_SUB_ROUTE_UPDATE;
			s->u.unknown.data = rub;
			s->u.unknown.len = AERO_ROUTE_UPDATE_LEN;
		}
		s = &m.sub[m.n_sub++];
		s->type = OMNI_SUB_NODE_ID;
		s->u.node_id.id_type = OMNI_NODE_ID_ED25519;
		s->u.node_id.id = srv_id.ed_pk;
		s->u.node_id.id_len = 32;
		s = &m.sub[m.n_sub++];
		s->type = OMNI_SUB_AUTH;
		s->u.auth.alg = OMNI_AUTH_ALG_ED25519;
		s->u.auth.timestamp_ms = NOW;
		ssize_t n = wire_nd_encode(&m, srv_id.ed_sk, p, sizeof(p));
		cr_assert_gt(n, 0);
		int want = variant == 4 ? 0 : -EBADMSG; /* 4: the well-formed control */
		cr_assert_eq(aero_nd_check_ru(p, (size_t)n, NOW, srv_id.ed_pk, 7, 9, &got), want,
			     "variant %d", variant);
	}
}
