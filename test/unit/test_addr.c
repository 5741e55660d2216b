// SPDX-License-Identifier: MIT
/*
 * test_addr.c - addr.[ch]: the OMNI address derivations against the shared
 * vectors of /work/shared/vectors/omni/10-addresses.json (expected strings
 * hard-coded below), endpoint and prefix parsing (every accepted form and
 * every error branch), prefix_contains / prefix_overlaps / prefix_mask at the
 * edge lengths of both families, format round trips and addr_equal.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"

static struct prefix P(const char *s)
{
	struct prefix p;

	cr_assert_eq(addr_parse_prefix(s, &p), 0, "parse %s", s);
	return p;
}

static void assert_in6(const struct in6_addr *a, const char *want)
{
	char got[INET6_ADDRSTRLEN];

	cr_assert_not_null(inet_ntop(AF_INET6, a, got, sizeof(got)));
	cr_assert_str_eq(got, want);
}

static struct in6_addr A6(const char *s)
{
	struct in6_addr a;

	cr_assert_eq(inet_pton(AF_INET6, s, &a), 1, "%s", s);
	return a;
}

/* 10-addresses.json "mnp" entries. */
static const struct {
	const char *mnp, *mnp_lla, *ula_domain, *ula_mnp, *mnp64;
	uint16_t link_id;
} mnp_vec[] = {
	{ "2001:db8:1000:2000::/56", "fe80::2001:db8:1000:2000", "fd00:1234:5678::/48",
	  "fd00:1234:5678:1:2001:db8:1000:2000", "2001:db8:1000:2000::", 1 },
	{ "2001:db8:1000:3000::/56", "fe80::2001:db8:1000:3000", "fd00:1234:5678::/48",
	  "fd00:1234:5678:1:2001:db8:1000:3000", "2001:db8:1000:3000::", 1 },
	{ "2001:db8:abcd:ef00::/56", "fe80::2001:db8:abcd:ef00", "fd00:1234:5678::/48",
	  "fd00:1234:5678:1:2001:db8:abcd:ef00", "2001:db8:abcd:ef00::", 1 },
	{ "2001:db8:0:1::/64", "fe80::2001:db8:0:1", "fd00:1234:5678::/48",
	  "fd00:1234:5678:1:2001:db8:0:1", "2001:db8:0:1::", 1 },
};

/* 10-addresses.json "msid" entries (ula_domain fd00:1234:5678::/48, link_id 1). */
static const struct {
	uint32_t msid;
	const char *adm_lla, *ula_adm;
} msid_vec[] = {
	{ 1, "fe80::1", "fd00:1234:5678:1::1" },
	{ 2, "fe80::2", "fd00:1234:5678:1::2" },
	{ 168496141, "fe80::a0b:c0d", "fd00:1234:5678:1::a0b:c0d" },
	{ 4294967295u, "fe80::ffff:ffff", "fd00:1234:5678:1::ffff:ffff" },
};

Test(addr, vectors_mnp)
{
	for (size_t i = 0; i < ARRAY_SIZE(mnp_vec); i++) {
		struct prefix mnp = P(mnp_vec[i].mnp), dom = P(mnp_vec[i].ula_domain);
		struct in6_addr lla, ula, back;

		omni_lla_from_mnp(&mnp, &lla);
		assert_in6(&lla, mnp_vec[i].mnp_lla);
		omni_ula_from_mnp(&dom, mnp_vec[i].link_id, &mnp, &ula);
		assert_in6(&ula, mnp_vec[i].ula_mnp);
		omni_mnp64_from_lla(&lla, &back);
		assert_in6(&back, mnp_vec[i].mnp64);
		/* The MNP-LLA is not an ADM-LLA... unless the MNP's low 32 bits say so. */
		uint32_t msid = 0;
		cr_assert_not(omni_msid_from_lla(&lla, &msid), "%s", mnp_vec[i].mnp_lla);
	}
}

/* Host bits of the MNP do not leak into the derived addresses. */
Test(addr, mnp_host_bits_ignored)
{
	struct prefix mnp = P("2001:db8:1000:20ff:1:2:3:4/56"), dom = P("fd00:1234:5678:ffff::/48");
	struct in6_addr lla, ula;

	omni_lla_from_mnp(&mnp, &lla);
	assert_in6(&lla, "fe80::2001:db8:1000:2000");
	omni_ula_from_mnp(&dom, 1, &mnp, &ula);
	assert_in6(&ula, "fd00:1234:5678:1:2001:db8:1000:2000");
	omni_ula_adm(&dom, 0xabcd, 7, &ula);
	assert_in6(&ula, "fd00:1234:5678:abcd::7");
}

Test(addr, vectors_msid)
{
	struct prefix dom = P("fd00:1234:5678::/48");

	for (size_t i = 0; i < ARRAY_SIZE(msid_vec); i++) {
		struct in6_addr lla, ula;
		uint32_t back = 0;

		omni_lla_adm(msid_vec[i].msid, &lla);
		assert_in6(&lla, msid_vec[i].adm_lla);
		omni_ula_adm(&dom, 1, msid_vec[i].msid, &ula);
		assert_in6(&ula, msid_vec[i].ula_adm);
		cr_assert(omni_msid_from_lla(&lla, &back));
		cr_assert_eq(back, msid_vec[i].msid);
	}
}

Test(addr, vectors_ipv4_mnp)
{
	struct prefix m = P("192.0.2.0/24");
	struct in6_addr lla;

	omni_lla_from_ipv4_mnp(&m, &lla);
	assert_in6(&lla, "fe80::ffff:c000:200");
	m = P("192.0.2.77/24");
	omni_lla_from_ipv4_mnp(&m, &lla);
	assert_in6(&lla, "fe80::ffff:c000:200"); /* host bits are masked */
}

Test(addr, msid_from_lla_rejects)
{
	uint32_t msid = 0xdead;
	struct in6_addr a;

	a = A6("fe80::");
	cr_assert_not(omni_msid_from_lla(&a, &msid), "MSID 0");
	a = A6("fe80::1:0:0:1");
	cr_assert_not(omni_msid_from_lla(&a, &msid), "non-zero bits 64..95");
	a = A6("fe80::1:0:1");
	cr_assert_not(omni_msid_from_lla(&a, &msid));
	a = A6("fe81::1");
	cr_assert_not(omni_msid_from_lla(&a, &msid), "not fe80");
	a = A6("fd00::1");
	cr_assert_not(omni_msid_from_lla(&a, &msid));
	a = A6("fe80::ffff:c000:200");
	cr_assert_not(omni_msid_from_lla(&a, &msid), "IPv4-MNP LLA is not an ADM-LLA");
	cr_assert_eq(msid, 0xdead, "untouched on failure");
}

Test(addr, mnp64_from_lla_clears_low_half)
{
	struct in6_addr lla = A6("fe80::1:2:3:4"), out;

	memset(&out, 0xff, sizeof(out));
	omni_mnp64_from_lla(&lla, &out);
	assert_in6(&out, "1:2:3:4::");
}

/* Endpoints. */

static void ep_ok(const char *s, uint16_t def, int family, const char *formatted)
{
	union sockaddr_any a;
	char buf[ADDR_STR_MAX];

	cr_assert_eq(addr_parse_endpoint(s, def, &a), 0, "'%s'", s);
	cr_assert_eq(a.sa.sa_family, family, "'%s'", s);
	cr_assert_str_eq(addr_format_endpoint(&a, buf, sizeof(buf)), formatted);
	cr_assert_eq(addr_len(&a), family == AF_INET ? sizeof(struct sockaddr_in)
						      : sizeof(struct sockaddr_in6));
	/* Round trip: the formatted form parses back to an equal address. */
	union sockaddr_any b;
	cr_assert_eq(addr_parse_endpoint(buf, 1, &b), 0, "'%s'", buf);
	cr_assert(addr_equal(&a, &b));
}

static void ep_bad(const char *s, uint16_t def)
{
	union sockaddr_any a;

	memset(&a, 0x5a, sizeof(a));
	cr_assert_eq(addr_parse_endpoint(s, def, &a), -EINVAL, "'%s' accepted", s ? s : "(null)");
}

Test(addr, endpoint_good)
{
	ep_ok("192.0.2.1:8060", 1, AF_INET, "192.0.2.1:8060");
	ep_ok("192.0.2.1", 8060, AF_INET, "192.0.2.1:8060");
	ep_ok("0.0.0.0:1", 0, AF_INET, "0.0.0.0:1");
	ep_ok("255.255.255.255:65535", 0, AF_INET, "255.255.255.255:65535");
	ep_ok("10.0.0.1:00080", 0, AF_INET, "10.0.0.1:80");
	ep_ok("[2001:db8::1]:443", 1, AF_INET6, "[2001:db8::1]:443");
	ep_ok("[2001:db8::1]", 8060, AF_INET6, "[2001:db8::1]:8060");
	ep_ok("2001:db8::1", 8060, AF_INET6, "[2001:db8::1]:8060");
	ep_ok("::", 7, AF_INET6, "[::]:7");
	ep_ok("[::ffff:192.0.2.1]:9", 0, AF_INET6, "[::ffff:192.0.2.1]:9");
	ep_ok("[1:2:3:4:5:6:7:8]:65535", 0, AF_INET6, "[1:2:3:4:5:6:7:8]:65535");

	union sockaddr_any a;
	cr_assert_eq(addr_parse_endpoint("192.0.2.1:8061", 1, &a), 0);
	cr_assert_eq(ntohs(a.in4.sin_port), 8061);
	cr_assert_eq(ntohl(a.in4.sin_addr.s_addr), 0xc0000201);
	cr_assert_eq(addr_parse_endpoint("[2001:db8::1]:1", 1, &a), 0);
	cr_assert_eq(ntohs(a.in6.sin6_port), 1);
	cr_assert_eq(a.in6.sin6_flowinfo, 0);
	cr_assert_eq(a.in6.sin6_scope_id, 0);
}

Test(addr, endpoint_bad)
{
	/* Ports. */
	ep_bad("192.0.2.1:0", 1);
	ep_bad("192.0.2.1:65536", 1);
	ep_bad("192.0.2.1:99999", 1);
	ep_bad("192.0.2.1:100000", 1);
	ep_bad("192.0.2.1:abc", 1);
	ep_bad("192.0.2.1:80a", 1);
	ep_bad("192.0.2.1:-1", 1);
	ep_bad("192.0.2.1:+80", 1);
	ep_bad("192.0.2.1: 80", 1);
	ep_bad("192.0.2.1:", 1);
	ep_bad("[2001:db8::1]:0", 1);
	ep_bad("[2001:db8::1]:65536", 1);
	ep_bad("[2001:db8::1]:abc", 1);
	ep_bad("[2001:db8::1]:", 1);
	/* No port and no default. */
	ep_bad("192.0.2.1", 0);
	ep_bad("[2001:db8::1]", 0);
	ep_bad("2001:db8::1", 0);
	/* Brackets. */
	ep_bad("[2001:db8::1", 1);
	ep_bad("2001:db8::1]", 1);
	ep_bad("[]:80", 1);
	ep_bad("[]", 1);
	ep_bad("[192.0.2.1]:80", 1);
	ep_bad("[2001:db8::1]80", 1);
	ep_bad("[2001:db8::1]]:80", 1);
	ep_bad("[[2001:db8::1]]:80", 1);
	/* Garbage and trailing junk. */
	ep_bad("", 1);
	ep_bad(NULL, 1);
	ep_bad(":80", 1);
	ep_bad("host.example:80", 1);
	ep_bad("192.0.2:80", 1);
	ep_bad("192.0.2.256:80", 1);
	ep_bad("192.0.2.1 :80", 1);
	ep_bad(" 192.0.2.1:80", 1);
	ep_bad("192.0.2.1:80 ", 1);
	ep_bad("192.0.2.1:80:81", 1);
	ep_bad("[2001:db8::1]:80x", 1);
	ep_bad("[2001:db8::1]:80:81", 1);
	ep_bad("2001:db8::1:80x", 1);
	ep_bad("2001:db8::g", 1);
	ep_bad("[fe80::1%eth0]:80", 1);
	ep_bad("1.2.3.4/24", 1);
	/* Over-long hosts never overflow the internal buffer. */
	char longs[300];
	memset(longs, '1', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = '\0';
	ep_bad(longs, 1);
	longs[0] = '[';
	longs[200] = ']';
	longs[201] = '\0';
	ep_bad(longs, 1);
	memset(longs, ':', 100);
	longs[100] = '\0';
	ep_bad(longs, 1);
}

Test(addr, endpoint_failure_leaves_zeroed)
{
	union sockaddr_any a, zero;

	memset(&a, 0x5a, sizeof(a));
	memset(&zero, 0, sizeof(zero));
	cr_assert_eq(addr_parse_endpoint("bogus", 1, &a), -EINVAL);
	cr_assert_eq(a.sa.sa_family, AF_UNSPEC);
	char buf[ADDR_STR_MAX];
	cr_assert_str_eq(addr_format_endpoint(&zero, buf, sizeof(buf)), "(none)");
}

Test(addr, format_endpoint_truncates_safely)
{
	union sockaddr_any a;
	char buf[8];

	cr_assert_eq(addr_parse_endpoint("[2001:db8::1]:8060", 1, &a), 0);
	memset(buf, 'x', sizeof(buf));
	addr_format_endpoint(&a, buf, sizeof(buf));
	cr_assert_str_eq(buf, "[2001:d");
	char big[ADDR_STR_MAX];
	cr_assert_eq(addr_parse_endpoint("[ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255]:65535", 1,
					 &a),
		     0);
	addr_format_endpoint(&a, big, sizeof(big));
	cr_assert_str_eq(big, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
	cr_assert_lt(strlen(big), ADDR_STR_MAX);
}

Test(addr, equal)
{
	union sockaddr_any a, b;

	cr_assert_eq(addr_parse_endpoint("192.0.2.1:80", 1, &a), 0);
	cr_assert_eq(addr_parse_endpoint("192.0.2.1:80", 1, &b), 0);
	cr_assert(addr_equal(&a, &b));
	cr_assert_eq(addr_parse_endpoint("192.0.2.1:81", 1, &b), 0);
	cr_assert_not(addr_equal(&a, &b), "port differs");
	cr_assert_eq(addr_parse_endpoint("192.0.2.2:80", 1, &b), 0);
	cr_assert_not(addr_equal(&a, &b), "address differs");
	cr_assert_eq(addr_parse_endpoint("[::ffff:192.0.2.1]:80", 1, &b), 0);
	cr_assert_not(addr_equal(&a, &b), "family differs");
	cr_assert_not(addr_equal(&b, &a));

	cr_assert_eq(addr_parse_endpoint("[2001:db8::1]:80", 1, &a), 0);
	cr_assert_eq(addr_parse_endpoint("2001:db8::1", 80, &b), 0);
	cr_assert(addr_equal(&a, &b));
	cr_assert_eq(addr_parse_endpoint("[2001:db8::2]:80", 1, &b), 0);
	cr_assert_not(addr_equal(&a, &b));
	cr_assert_eq(addr_parse_endpoint("[2001:db8::1]:81", 1, &b), 0);
	cr_assert_not(addr_equal(&a, &b));
	/* Fields that are not part of the address are ignored. */
	cr_assert_eq(addr_parse_endpoint("[2001:db8::1]:80", 1, &b), 0);
	b.in6.sin6_flowinfo = 5;
	cr_assert(addr_equal(&a, &b));

	/* Unknown families are never equal, not even to themselves. */
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	cr_assert_not(addr_equal(&a, &b));
	a.sa.sa_family = AF_UNIX;
	b.sa.sa_family = AF_UNIX;
	cr_assert_not(addr_equal(&a, &b));
}

/* Prefixes. */

static void pfx_ok(const char *s, int family, unsigned plen, const char *formatted)
{
	struct prefix p, q;
	char buf[ADDR_STR_MAX];

	cr_assert_eq(addr_parse_prefix(s, &p), 0, "'%s'", s);
	cr_assert_eq(p.family, family, "'%s'", s);
	cr_assert_eq(p.plen, plen, "'%s'", s);
	cr_assert_str_eq(prefix_format(&p, buf, sizeof(buf)), formatted);
	cr_assert_eq(addr_parse_prefix(buf, &q), 0);
	cr_assert_eq(q.family, p.family);
	cr_assert_eq(q.plen, p.plen);
	cr_assert_arr_eq(q.addr, p.addr, 16);
}

static void pfx_bad(const char *s)
{
	struct prefix p;

	memset(&p, 0x5a, sizeof(p));
	cr_assert_eq(addr_parse_prefix(s, &p), -EINVAL, "'%s' accepted", s ? s : "(null)");
}

Test(addr, prefix_good)
{
	pfx_ok("10.0.0.0/8", AF_INET, 8, "10.0.0.0/8");
	pfx_ok("10.1.2.3/8", AF_INET, 8, "10.1.2.3/8"); /* host bits are kept */
	pfx_ok("0.0.0.0/0", AF_INET, 0, "0.0.0.0/0");
	pfx_ok("192.0.2.1", AF_INET, 32, "192.0.2.1/32");
	pfx_ok("192.0.2.1/32", AF_INET, 32, "192.0.2.1/32");
	pfx_ok("192.0.2.0/024", AF_INET, 24, "192.0.2.0/24");
	pfx_ok("::/0", AF_INET6, 0, "::/0");
	pfx_ok("2001:db8::/32", AF_INET6, 32, "2001:db8::/32");
	pfx_ok("2001:db8::1", AF_INET6, 128, "2001:db8::1/128");
	pfx_ok("2001:db8::1/128", AF_INET6, 128, "2001:db8::1/128");
	pfx_ok("::ffff:192.0.2.1/96", AF_INET6, 96, "::ffff:192.0.2.1/96");

	struct prefix p = P("192.0.2.1/24");
	cr_assert_arr_eq(p.addr, ((uint8_t[]){ 192, 0, 2, 1 }), 4);
	for (int i = 4; i < 16; i++)
		cr_assert_eq(p.addr[i], 0, "IPv4 uses only the first 4 octets");
}

Test(addr, prefix_bad)
{
	pfx_bad("10.0.0.0/33");
	pfx_bad("10.0.0.0/999");
	pfx_bad("10.0.0.0/1000");
	pfx_bad("2001:db8::/129");
	pfx_bad("2001:db8::/200");
	pfx_bad("2001:db8::/0128");
	pfx_bad("10.0.0.0/");
	pfx_bad("10.0.0.0/-1");
	pfx_bad("10.0.0.0/+8");
	pfx_bad("10.0.0.0/8 ");
	pfx_bad("10.0.0.0/ 8");
	pfx_bad("10.0.0.0/8/8");
	pfx_bad("10.0.0.0/a");
	pfx_bad("10.0.0.0//8");
	pfx_bad("/8");
	pfx_bad("/");
	pfx_bad("");
	pfx_bad(NULL);
	pfx_bad("10.0.0/8");
	pfx_bad("10.0.0.0.0/8");
	pfx_bad("2001:db8:::/32");
	pfx_bad("[2001:db8::]/32");
	pfx_bad("2001:db8::%eth0/64");
	pfx_bad("example.net/24");
	pfx_bad(" 10.0.0.0/8");
	char longs[200];
	memset(longs, '1', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = '\0';
	pfx_bad(longs);
	longs[100] = '/';
	pfx_bad(longs);

	struct prefix p;
	memset(&p, 0x5a, sizeof(p));
	cr_assert_eq(addr_parse_prefix("junk", &p), -EINVAL);
	cr_assert_eq(p.family, 0, "zeroed on failure");
	cr_assert_eq(p.plen, 0);
}

/* prefix_mask at the edge lengths. */

static void mask_is(const char *in, const char *out)
{
	struct prefix p = P(in);
	char buf[ADDR_STR_MAX];

	prefix_mask(&p);
	cr_assert_str_eq(prefix_format(&p, buf, sizeof(buf)), out, "mask %s", in);
	for (int i = p.family == AF_INET ? 4 : 16; i < 16; i++)
		cr_assert_eq(p.addr[i], 0);
}

Test(addr, mask_edges)
{
	const char *full6 = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
	char s[ADDR_STR_MAX];

#define M6(len, want)                                                                              \
	do {                                                                                       \
		snprintf(s, sizeof(s), "%s/%d", full6, len);                                       \
		mask_is(s, want);                                                                  \
	} while (0)
	M6(0, "::/0");
	M6(1, "8000::/1");
	M6(7, "fe00::/7");
	M6(63, "ffff:ffff:ffff:fffe::/63");
	M6(64, "ffff:ffff:ffff:ffff::/64");
	M6(65, "ffff:ffff:ffff:ffff:8000::/65");
	M6(127, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127");
	M6(128, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
#undef M6
	mask_is("255.255.255.255/0", "0.0.0.0/0");
	mask_is("255.255.255.255/1", "128.0.0.0/1");
	mask_is("255.255.255.255/31", "255.255.255.254/31");
	mask_is("255.255.255.255/32", "255.255.255.255/32");
	mask_is("192.0.2.77/24", "192.0.2.0/24");
	mask_is("2001:db8:1000:20ff:1:2:3:4/56", "2001:db8:1000:2000::/56");

	/* Masking is idempotent. */
	struct prefix p = P("2001:db8:abcd:ef12::1/57"), q;
	prefix_mask(&p);
	q = p;
	prefix_mask(&q);
	cr_assert_arr_eq(p.addr, q.addr, 16);
	/* Stray octets beyond an IPv4 address are cleared. */
	p = P("10.1.2.3/16");
	memset(p.addr + 4, 0xff, 12);
	prefix_mask(&p);
	cr_assert_arr_eq(p.addr, ((uint8_t[16]){ 10, 1 }), 16);
}

static bool contains(const char *pfx, const char *addr)
{
	struct prefix p = P(pfx);
	uint8_t a[16] = { 0 };
	int fam = strchr(addr, ':') ? AF_INET6 : AF_INET;

	cr_assert_eq(inet_pton(fam, addr, a), 1, "%s", addr);
	return prefix_contains(&p, fam, a);
}

Test(addr, contains_edges)
{
	/* IPv6, plen 0, 1, 63, 64, 127, 128. */
	cr_assert(contains("::/0", "::"));
	cr_assert(contains("::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
	cr_assert_not(contains("::/0", "0.0.0.0"), "family mismatch");
	cr_assert(contains("8000::/1", "8000::"));
	cr_assert(contains("8000::/1", "ffff::1"));
	cr_assert_not(contains("8000::/1", "7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
	cr_assert(contains("2001:db8:0:2::/63", "2001:db8:0:2::"));
	cr_assert(contains("2001:db8:0:2::/63", "2001:db8:0:3:ffff:ffff:ffff:ffff"));
	cr_assert_not(contains("2001:db8:0:2::/63", "2001:db8:0:4::"));
	cr_assert_not(contains("2001:db8:0:2::/63", "2001:db8:0:1:ffff:ffff:ffff:ffff"));
	cr_assert(contains("2001:db8:0:2::/64", "2001:db8:0:2:ffff:ffff:ffff:ffff"));
	cr_assert_not(contains("2001:db8:0:2::/64", "2001:db8:0:3::"));
	cr_assert(contains("2001:db8::/127", "2001:db8::1"));
	cr_assert(contains("2001:db8::/127", "2001:db8::"));
	cr_assert_not(contains("2001:db8::/127", "2001:db8::2"));
	cr_assert(contains("2001:db8::1/128", "2001:db8::1"));
	cr_assert_not(contains("2001:db8::1/128", "2001:db8::"));
	cr_assert_not(contains("2001:db8::1/128", "2001:db8::3"));
	/* Host bits in the prefix do not matter for plen < 128. */
	cr_assert(contains("2001:db8::ffff/64", "2001:db8::1"));
	/* IPv4, plen 0, 31, 32. */
	cr_assert(contains("0.0.0.0/0", "255.255.255.255"));
	cr_assert(contains("0.0.0.0/0", "0.0.0.0"));
	cr_assert_not(contains("0.0.0.0/0", "::"), "family mismatch");
	cr_assert(contains("192.0.2.2/31", "192.0.2.3"));
	cr_assert(contains("192.0.2.2/31", "192.0.2.2"));
	cr_assert_not(contains("192.0.2.2/31", "192.0.2.1"));
	cr_assert_not(contains("192.0.2.2/31", "192.0.2.4"));
	cr_assert(contains("192.0.2.1/32", "192.0.2.1"));
	cr_assert_not(contains("192.0.2.1/32", "192.0.2.0"));
	cr_assert(contains("10.0.0.0/8", "10.255.255.255"));
	cr_assert_not(contains("10.0.0.0/8", "11.0.0.0"));
	cr_assert(contains("10.0.0.0/9", "10.127.0.1"));
	cr_assert_not(contains("10.0.0.0/9", "10.128.0.1"));
}

/* Every IPv6 length: a prefix contains its own first and last address and not the next one. */
Test(addr, contains_every_length)
{
	for (unsigned len = 0; len <= 128; len++) {
		struct prefix p = P("2001:db8:1234:5678:9abc:def0:1357:9bdf");
		uint8_t last[16];
		p.plen = (uint8_t)len;
		prefix_mask(&p);
		cr_assert(prefix_contains(&p, AF_INET6, p.addr), "len %u", len);
		memcpy(last, p.addr, 16);
		for (unsigned b = len; b < 128; b++)
			last[b / 8] |= (uint8_t)(0x80 >> (b % 8));
		cr_assert(prefix_contains(&p, AF_INET6, last), "len %u", len);
		if (len > 0) {
			/* Flip the last prefix bit: outside. */
			uint8_t out[16];
			memcpy(out, p.addr, 16);
			out[(len - 1) / 8] ^= (uint8_t)(0x80 >> ((len - 1) % 8));
			cr_assert_not(prefix_contains(&p, AF_INET6, out), "len %u", len);
		}
	}
	for (unsigned len = 0; len <= 32; len++) {
		struct prefix p = P("198.51.100.77");
		p.plen = (uint8_t)len;
		prefix_mask(&p);
		cr_assert(prefix_contains(&p, AF_INET, p.addr), "v4 len %u", len);
		if (len > 0) {
			uint8_t out[4];
			memcpy(out, p.addr, 4);
			out[(len - 1) / 8] ^= (uint8_t)(0x80 >> ((len - 1) % 8));
			cr_assert_not(prefix_contains(&p, AF_INET, out), "v4 len %u", len);
		}
	}
}

static bool overlaps(const char *a, const char *b)
{
	struct prefix pa = P(a), pb = P(b);
	bool r = prefix_overlaps(&pa, &pb);

	cr_assert_eq(r, prefix_overlaps(&pb, &pa), "overlap not symmetric: %s %s", a, b);
	return r;
}

Test(addr, overlaps_edges)
{
	cr_assert(overlaps("::/0", "2001:db8::1/128"));
	cr_assert(overlaps("::/0", "::/0"));
	cr_assert_not(overlaps("::/0", "0.0.0.0/0"), "families never overlap");
	cr_assert(overlaps("2001:db8::/32", "2001:db8:1::/48"));
	cr_assert_not(overlaps("2001:db8::/32", "2001:db9::/32"));
	cr_assert(overlaps("8000::/1", "ffff::/16"));
	cr_assert_not(overlaps("8000::/1", "::/1"));
	cr_assert(overlaps("2001:db8:0:2::/63", "2001:db8:0:3::/64"));
	cr_assert_not(overlaps("2001:db8:0:2::/63", "2001:db8:0:4::/64"));
	cr_assert(overlaps("2001:db8::/127", "2001:db8::1/128"));
	cr_assert_not(overlaps("2001:db8::/127", "2001:db8::2/127"));
	cr_assert(overlaps("2001:db8::1/128", "2001:db8::1/128"));
	cr_assert_not(overlaps("2001:db8::1/128", "2001:db8::2/128"));
	cr_assert(overlaps("2001:db8:1000:2000::/56", "2001:db8:1000:2000::/64"));
	cr_assert_not(overlaps("2001:db8:1000:2000::/56", "2001:db8:1000:3000::/56"));
	cr_assert(overlaps("0.0.0.0/0", "10.0.0.0/8"));
	cr_assert(overlaps("192.0.2.2/31", "192.0.2.3/32"));
	cr_assert_not(overlaps("192.0.2.2/31", "192.0.2.4/31"));
	cr_assert(overlaps("192.0.2.1/32", "192.0.2.1/32"));
	cr_assert_not(overlaps("192.0.2.1/32", "192.0.2.0/32"));
	cr_assert(overlaps("10.0.0.0/8", "10.200.0.0/16"));
	cr_assert_not(overlaps("10.0.0.0/8", "11.0.0.0/8"));
}

Test(addr, prefix_format_round_trip_all_lengths)
{
	char buf[ADDR_STR_MAX];

	for (unsigned len = 0; len <= 128; len++) {
		struct prefix p = P("fd00:1234:5678:9abc:def0:1234:5678:9abc"), q;
		p.plen = (uint8_t)len;
		prefix_mask(&p);
		prefix_format(&p, buf, sizeof(buf));
		cr_assert_eq(addr_parse_prefix(buf, &q), 0, "%s", buf);
		cr_assert_eq(q.plen, len);
		cr_assert_eq(q.family, AF_INET6);
		cr_assert_arr_eq(q.addr, p.addr, 16, "%s", buf);
	}
	for (unsigned len = 0; len <= 32; len++) {
		struct prefix p = P("203.0.113.255"), q;
		p.plen = (uint8_t)len;
		prefix_mask(&p);
		prefix_format(&p, buf, sizeof(buf));
		cr_assert_eq(addr_parse_prefix(buf, &q), 0, "%s", buf);
		cr_assert_eq(q.plen, len);
		cr_assert_eq(q.family, AF_INET);
		cr_assert_arr_eq(q.addr, p.addr, 16, "%s", buf);
	}
	/* The longest IPv6 prefix string fits ADDR_STR_MAX. */
	struct prefix p = P("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128");
	prefix_format(&p, buf, sizeof(buf));
	cr_assert_str_eq(buf, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128");
	/* A short buffer truncates with a NUL. */
	char small[6];
	prefix_format(&p, small, sizeof(small));
	cr_assert_str_eq(small, "ffff:");
}
