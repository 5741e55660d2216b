// SPDX-License-Identifier: MIT
/*
 * test_dns_zone.c - the zone table and answer builder (common/dns_zone.c):
 * name rules and collisions, expiry and TTLs tied to lifetimes, and the
 * answers (A/AAAA/ANY, NODATA and NXDOMAIN with the SOA, REFUSED outside the
 * zone, apex SOA/NS, stable id names, PTR, NOTIMP, BADVERS, EDNS sizes and
 * TC), every response parsed back through wire_dns; plus truncation and bit
 * flips of queries, which must be dropped or answered within the size limit.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "dns_zone.h"
#include "wire_dns.h"

static const uint8_t ID_A[8] = {0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8};
static const uint8_t ID_B[8] = {0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8};
static const uint8_t ID_R[8] = {1, 2, 3, 4, 5, 6, 7, 8};

static struct dns_zone *z;

static struct dns_zone_addr A(const char *s) {
	struct dns_zone_addr a = {0};

	if (inet_pton(AF_INET6, s, a.addr) == 1)
		a.family = AF_INET6;
	else if (inet_pton(AF_INET, s, a.addr) == 1)
		a.family = AF_INET;
	else
		cr_assert_fail("bad address %s", s);
	return a;
}

static void
setup(void)
{
	struct dns_zone_addr alpha[] = {A("2001:db8:a::1"), A("10.77.0.1")};
	struct dns_zone_addr beta[] = {A("2001:db8:b::1")};
	struct dns_zone_addr many[DNS_ZONE_ADDRS_MAX];

	for (int i = 0; i < DNS_ZONE_ADDRS_MAX; i++) {
		char s[64];
		snprintf(s, sizeof(s), "2001:db8:c::%x", i + 1);
		many[i] = A(s);
	}
	z = dns_zone_new("Corp", 60, 1000);
	cr_assert_not_null(z);
	cr_assert_eq(dns_zone_add(z, "alpha", ID_A, alpha, 2, DNS_ZONE_SRC_SELF, 0, 0), 0);
	cr_assert_eq(dns_zone_add(z, "beta", ID_B, beta, 1, DNS_ZONE_SRC_CONFIG, 0, 0), 0);
	cr_assert_eq(
	    dns_zone_add(z, "many", NULL, many, DNS_ZONE_ADDRS_MAX, DNS_ZONE_SRC_CONFIG, 0, 0), 0);
	cr_assert_eq(dns_zone_add(z, "empty", NULL, NULL, 0, DNS_ZONE_SRC_CONFIG, 0, 0), 0);
}

static void teardown(void)
{
	dns_zone_free(z);
}

TestSuite(dns_zone, .init = setup, .fini = teardown);

/* ---- query builder and response parser ---- */

struct qopt {
	uint16_t id;
	uint16_t flags;	 /* RD, CD, opcode bits */
	uint16_t qclass; /* 0: IN */
	int edns;	 /* 0: none, else the UDP size */
	uint8_t version; /* EDNS version */
	bool do_bit;
};

static size_t mkq(uint8_t *m, const char *name, uint16_t qtype, const struct qopt *o)
{
	struct qopt def = {.id = 0x4242, .flags = DNS_FLAG_RD};
	uint8_t w[DNS_NAME_MAX];
	size_t wl, n = 0;

	if (!o)
		o = &def;
	cr_assert_eq(dns_name_from_text(name, w, &wl), 0, "%s", name);
	put_be16(m, o->id);
	put_be16(m + 2, o->flags);
	put_be16(m + 4, 1);
	put_be16(m + 6, 0);
	put_be16(m + 8, 0);
	put_be16(m + 10, o->edns ? 1 : 0);
	n = DNS_HDR_LEN;
	memcpy(m + n, w, wl);
	n += wl;
	put_be16(m + n, qtype);
	put_be16(m + n + 2, o->qclass ? o->qclass : DNS_CLASS_IN);
	n += 4;
	if (o->edns) {
		m[n] = 0;
		put_be16(m + n + 1, DNS_TYPE_OPT);
		put_be16(m + n + 3, (uint16_t)o->edns);
		put_be32(m + n + 5, (uint32_t)o->version << 16 | (o->do_bit ? DNS_EDNS_DO : 0));
		put_be16(m + n + 9, 0);
		n += DNS_RR_MIN;
	}
	return n;
}

struct resp {
	uint8_t raw[DNS_TCP_MAX];
	size_t len;
	struct dns_header h;
	uint8_t qname[DNS_NAME_MAX];
	size_t qname_len;
	uint16_t qtype, qclass;
	struct dns_rr an[64], ns[4], ar[2];
	struct dns_answer_info info;
};

static struct resp R;

static void parse(struct resp *r)
{
	struct cur c = cur_make(r->raw, r->len);

	cr_assert(wire_dns_header_read(&c, &r->h));
	cr_assert(r->h.flags & DNS_FLAG_QR);
	cr_assert_not(r->h.flags & DNS_FLAG_RA, "never RA");
	cr_assert_leq(r->h.qdcount, 1);
	if (r->h.qdcount) {
		cr_assert_eq(wire_dns_name_read(&c, r->raw, r->len, r->qname, &r->qname_len), 0);
		cur_be16(&c, &r->qtype);
		cur_be16(&c, &r->qclass);
	}
	cr_assert_leq(r->h.ancount, 64);
	cr_assert_leq(r->h.nscount, 4);
	cr_assert_leq(r->h.arcount, 2);
	for (size_t i = 0; i < r->h.ancount; i++)
		cr_assert_eq(wire_dns_rr_read(&c, r->raw, r->len, &r->an[i]), 0);
	for (size_t i = 0; i < r->h.nscount; i++)
		cr_assert_eq(wire_dns_rr_read(&c, r->raw, r->len, &r->ns[i]), 0);
	for (size_t i = 0; i < r->h.arcount; i++)
		cr_assert_eq(wire_dns_rr_read(&c, r->raw, r->len, &r->ar[i]), 0);
	cr_assert_not(c.bad);
	cr_assert_eq(c.left, 0, "no octets after the last record");
}

/* Ask @name/@qtype; returns the RCODE (header bits only). */
static int ask_full(const char *name, uint16_t qtype, const struct qopt *o, bool tcp, uint64_t now)
{
	uint8_t q[512];
	size_t n = mkq(q, name, qtype, o);
	int r = dns_zone_answer(z, q, n, tcp, now, R.raw, sizeof(R.raw), &R.len, &R.info);

	cr_assert_eq(r, 0, "%s: %d", name, r);
	parse(&R);
	cr_assert_eq(R.h.id, o ? o->id : 0x4242);
	cr_assert_eq(R.h.qdcount, 1);
	cr_assert_eq(R.qname_len, n - DNS_HDR_LEN - 4 - (o && o->edns ? DNS_RR_MIN : 0));
	cr_assert_arr_eq(R.qname, q + DNS_HDR_LEN, R.qname_len, "question echoed as sent");
	cr_assert_eq(R.qtype, qtype);
	return R.h.flags & DNS_RCODE_MASK;
}

static int ask(const char *name, uint16_t qtype)
{
	return ask_full(name, qtype, NULL, false, 0);
}

static void name_is(const struct dns_rr *rr, const char *text)
{
	char t[DNS_TEXT_MAX + 8];

	cr_assert_eq(dns_name_to_text(rr->name, rr->name_len, t, sizeof(t)), 0);
	cr_assert_str_eq(t, text);
}

static void rdata_name_is(const struct dns_rr *rr, size_t skip, const char *text)
{
	struct cur c = cur_make(R.raw + rr->rdata_off + skip, rr->rdlen - skip);
	uint8_t w[DNS_NAME_MAX];
	size_t wl;
	char t[DNS_TEXT_MAX + 8];

	cr_assert_eq(wire_dns_name_read(&c, R.raw, R.len, w, &wl), 0);
	cr_assert_eq(dns_name_to_text(w, wl, t, sizeof(t)), 0);
	cr_assert_str_eq(t, text);
}

static void addr_is(const struct dns_rr *rr, const char *s)
{
	struct dns_zone_addr a = A(s);

	cr_assert_eq(rr->type, a.family == AF_INET ? DNS_TYPE_A : DNS_TYPE_AAAA);
	cr_assert_eq(rr->rclass, DNS_CLASS_IN);
	cr_assert_eq(rr->rdlen, a.family == AF_INET ? 4 : 16);
	cr_assert_arr_eq(rr->rdata, a.addr, rr->rdlen);
}

/* The SOA of a negative answer: owner the apex, the fixed fields, minimum = TTL. */
static void soa_ok(const struct dns_rr *rr, uint32_t ttl)
{
	struct cur c;
	uint8_t w[DNS_NAME_MAX];
	size_t wl;
	uint32_t v[5];

	char owner[DNS_TEXT_MAX];

	cr_assert_eq(rr->type, DNS_TYPE_SOA);
	cr_assert_eq(dns_name_to_text(rr->name, rr->name_len, owner, sizeof(owner)), 0);
	cr_assert_eq(strcasecmp(owner, "corp.internal"), 0, "%s", owner);
	cr_assert_eq(rr->ttl, ttl);
	rdata_name_is(rr, 0, "alpha.corp.internal");
	c = cur_make(R.raw + rr->rdata_off, rr->rdlen);
	cr_assert_eq(wire_dns_name_read(&c, R.raw, R.len, w, &wl), 0);
	cr_assert_eq(wire_dns_name_read(&c, R.raw, R.len, w, &wl), 0);
	char t[DNS_TEXT_MAX];
	cr_assert_eq(dns_name_to_text(w, wl, t, sizeof(t)), 0);
	cr_assert_str_eq(t, "hostmaster.corp.internal");
	for (int i = 0; i < 5; i++)
		cur_be32(&c, &v[i]);
	cr_assert_not(c.bad);
	cr_assert_eq(c.left, 0);
	cr_assert_eq(v[0], dns_zone_serial(z));
	cr_assert_eq(v[1], DNS_ZONE_SOA_REFRESH);
	cr_assert_eq(v[2], DNS_ZONE_SOA_RETRY);
	cr_assert_eq(v[3], DNS_ZONE_SOA_EXPIRE);
	cr_assert_eq(v[4], ttl);
}

/* ---- the table ---- */

Test(dns_zone, new_and_origin)
{
	char big[80];

	cr_assert_str_eq(dns_zone_origin(z), "corp.internal");
	cr_assert_eq(dns_zone_ttl(z), 60);
	cr_assert_null(dns_zone_new("a.b", 60, 0));
	cr_assert_null(dns_zone_new("-a", 60, 0));
	cr_assert_null(dns_zone_new("", 60, 0));
	cr_assert_null(dns_zone_new("a_b", 60, 0));
	memset(big, 'x', 64);
	big[64] = '\0';
	cr_assert_null(dns_zone_new(big, 60, 0));
	big[63] = '\0';
	struct dns_zone *t = dns_zone_new(big, 60, 0);
	cr_assert_not_null(t);
	dns_zone_free(t);
	dns_zone_free(NULL);
}

Test(dns_zone, names_and_collisions)
{
	struct dns_zone_addr a = A("2001:db8:d::1"), bad = {.family = AF_UNIX};
	uint32_t s0 = dns_zone_serial(z);

	cr_assert_eq(dns_zone_count(z), 4);
	/* FQDN form, any case, final dot. */
	cr_assert_eq(
	    dns_zone_add(z, "Gamma.CORP.internal.", NULL, &a, 1, DNS_ZONE_SRC_CONFIG, 0, 0), 0);
	cr_assert_str_eq(dns_zone_get(z, 4)->name, "gamma");
	cr_assert_gt(dns_zone_serial(z), s0);
	static const char *const bad_names[] = {
	    "",
	    ".",
	    "a.b",
	    "gamma.other.internal",
	    "a.b.corp.internal",
	    "-x",
	    "x-",
	    "a_b",
	    "corp.internal",
	    ".corp.internal",
	    "x..corp.internal",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad_names); i++)
		cr_assert_eq(dns_zone_add(z, bad_names[i], NULL, &a, 1, DNS_ZONE_SRC_CONFIG, 0, 0),
			     -EINVAL, "%s", bad_names[i]);
	cr_assert_eq(dns_zone_add(z, "d", NULL, &bad, 1, DNS_ZONE_SRC_CONFIG, 0, 0), -EINVAL);
	cr_assert_eq(
	    dns_zone_add(z, "d", NULL, &a, DNS_ZONE_ADDRS_MAX + 1, DNS_ZONE_SRC_CONFIG, 0, 0),
	    -EINVAL);
	cr_assert_eq(dns_zone_add(z, "d", NULL, &a, 1, DNS_ZONE_SRC_REGISTRATION,
				  DNS_ZONE_LIFETIME_MAX + 1, 0),
		     -EINVAL);

	/* Collisions: another source, or another ID, loses (first come). */
	cr_assert_eq(dns_zone_add(z, "beta", ID_B, &a, 1, DNS_ZONE_SRC_REGISTRATION, 60, 0),
		     -EEXIST);
	cr_assert_eq(dns_zone_add(z, "beta", ID_A, &a, 1, DNS_ZONE_SRC_CONFIG, 0, 0), -EEXIST);
	cr_assert_eq(dns_zone_add(z, "beta", NULL, &a, 1, DNS_ZONE_SRC_CONFIG, 0, 0), -EEXIST);
	/* An ID held under another name by another source. */
	cr_assert_eq(dns_zone_add(z, "zeta", ID_A, &a, 1, DNS_ZONE_SRC_REGISTRATION, 60, 0),
		     -EEXIST);
	/* Same source and ID: refreshed in place, addresses replaced, duplicates once. */
	struct dns_zone_addr two[] = {A("2001:db8:b::2"), A("2001:db8:b::2"), A("10.1.1.1")};
	cr_assert_eq(dns_zone_add(z, "BETA", ID_B, two, 3, DNS_ZONE_SRC_CONFIG, 0, 0), 0);
	cr_assert_eq(dns_zone_count(z), 5);
	const struct dns_zone_entry *e = dns_zone_get(z, 1);
	cr_assert_str_eq(e->name, "beta");
	cr_assert_eq(e->n_addrs, 2);
	cr_assert(e->has_id);
	cr_assert_arr_eq(e->id, ID_B, 8);

	/* A registration renamed by its owner: the old name goes. */
	cr_assert_eq(dns_zone_add(z, "r1", ID_R, &a, 1, DNS_ZONE_SRC_REGISTRATION, 60, 0), 0);
	cr_assert_eq(
	    dns_zone_add(z, "r2.corp.internal", ID_R, &a, 1, DNS_ZONE_SRC_REGISTRATION, 60, 0), 0);
	cr_assert_eq(dns_zone_count(z), 6);
	cr_assert_eq(dns_zone_remove(z, "r1"), -ENOENT);
	cr_assert_str_eq(dns_zone_get(z, 5)->name, "r2");
	/* Expired entries never collide. */
	cr_assert_eq(dns_zone_add(z, "tmp", NULL, &a, 1, DNS_ZONE_SRC_REGISTRATION, 1, 0), 0);
	cr_assert_eq(dns_zone_add(z, "tmp", NULL, &a, 1, DNS_ZONE_SRC_CONFIG, 0, 999), -EEXIST);
	cr_assert_eq(dns_zone_add(z, "tmp", NULL, &a, 1, DNS_ZONE_SRC_CONFIG, 0, 1000), 0);
	cr_assert_eq(dns_zone_get(z, 6)->src, DNS_ZONE_SRC_CONFIG);
	cr_assert_eq(dns_zone_get(z, 6)->expires_ms, 0);
	cr_assert_null(dns_zone_get(z, 7));
}

Test(dns_zone, remove_expire_ttl)
{
	struct dns_zone_addr a = A("2001:db8:d::1");

	cr_assert_eq(dns_zone_remove(z, "nope"), -ENOENT);
	cr_assert_eq(dns_zone_remove(z, "bad name"), -ENOENT);
	cr_assert_eq(dns_zone_remove(z, "Empty.corp.internal"), 0);
	cr_assert_eq(dns_zone_count(z), 3);
	cr_assert_eq(dns_zone_add(z, "r", NULL, &a, 1, DNS_ZONE_SRC_REGISTRATION, 30, 1000), 0);
	const struct dns_zone_entry *e = dns_zone_get(z, 3);
	cr_assert_eq(e->expires_ms, 31000);
	cr_assert_eq(dns_zone_entry_ttl(z, e, 1000), 30);
	cr_assert_eq(dns_zone_entry_ttl(z, e, 30500), 0);
	cr_assert_eq(dns_zone_entry_ttl(z, e, 31000), -1);
	cr_assert_eq(dns_zone_entry_ttl(z, dns_zone_get(z, 0), 1ULL << 50), 60);
	dns_zone_set_ttl(z, 10);
	cr_assert_eq(dns_zone_entry_ttl(z, e, 1000), 10);
	cr_assert_eq(dns_zone_expire(z, 30999), 0);
	cr_assert_eq(dns_zone_expire(z, 31000), 1);
	cr_assert_eq(dns_zone_count(z), 3);
	cr_assert_eq(dns_zone_remove_src(z, DNS_ZONE_SRC_CONFIG), 2);
	cr_assert_eq(dns_zone_count(z), 1);
	cr_assert_str_eq(dns_zone_get(z, 0)->name, "alpha");
	cr_assert_eq(dns_zone_remove_src(z, DNS_ZONE_SRC_CONFIG), 0);
}

/* ---- answers ---- */

Test(dns_zone, a_aaaa_any)
{
	cr_assert_eq(ask("alpha.corp.internal", DNS_TYPE_A), DNS_RCODE_NOERROR);
	cr_assert(R.h.flags & DNS_FLAG_AA);
	cr_assert(R.h.flags & DNS_FLAG_RD, "RD copied");
	cr_assert_eq(R.h.ancount, 1);
	cr_assert_eq(R.h.nscount, 0);
	cr_assert_eq(R.h.arcount, 0);
	addr_is(&R.an[0], "10.77.0.1");
	cr_assert_eq(R.an[0].ttl, 60);
	name_is(&R.an[0], "alpha.corp.internal");
	cr_assert_eq(R.info.rcode, 0);
	cr_assert(R.info.aa);
	cr_assert_eq(R.info.answers, 1);
	cr_assert_eq(R.info.qtype, DNS_TYPE_A);

	cr_assert_eq(ask("alpha.corp.internal", DNS_TYPE_AAAA), 0);
	cr_assert_eq(R.h.ancount, 1);
	addr_is(&R.an[0], "2001:db8:a::1");
	cr_assert_eq(ask("alpha.corp.internal", DNS_TYPE_ANY), 0);
	cr_assert_eq(R.h.ancount, 2);
	addr_is(&R.an[0], "2001:db8:a::1");
	addr_is(&R.an[1], "10.77.0.1");
	/* Case of the question is kept in the echo and in the answer owner. */
	cr_assert_eq(ask("ALPHA.Corp.INTERNAL", DNS_TYPE_AAAA), 0);
	name_is(&R.an[0], "ALPHA.Corp.INTERNAL");
	/* class ANY is answered like IN. */
	struct qopt o = {.id = 7, .qclass = DNS_CLASS_ANY};
	cr_assert_eq(ask_full("beta.corp.internal", DNS_TYPE_AAAA, &o, false, 0), 0);
	cr_assert_eq(R.h.ancount, 1);
	cr_assert_not(R.h.flags & DNS_FLAG_RD);
	addr_is(&R.an[0], "2001:db8:b::1");
}

Test(dns_zone, nodata_and_nxdomain_carry_the_soa)
{
	/* A name without IPv4: NODATA. */
	cr_assert_eq(ask("beta.corp.internal", DNS_TYPE_A), DNS_RCODE_NOERROR);
	cr_assert(R.h.flags & DNS_FLAG_AA);
	cr_assert_eq(R.h.ancount, 0);
	cr_assert_eq(R.h.nscount, 1);
	soa_ok(&R.ns[0], 60);
	cr_assert_eq(ask("alpha.corp.internal", 15 /* MX */), 0);
	cr_assert_eq(R.h.ancount, 0);
	soa_ok(&R.ns[0], 60);
	cr_assert_eq(ask("empty.corp.internal", DNS_TYPE_ANY), 0);
	cr_assert_eq(R.h.ancount, 0);
	cr_assert_eq(R.h.nscount, 1);

	static const char *const nx[] = {"nope.corp.internal",
					 "x.alpha.corp.internal",
					 "a.b.c.corp.internal",
					 "ffff.id.corp.internal",
					 "a1a2a3a4a5a6a7a9.id.corp.internal",
					 "a1a2a3a4a5a6a7ag.id.corp.internal"};
	for (size_t i = 0; i < ARRAY_SIZE(nx); i++) {
		cr_assert_eq(ask(nx[i], DNS_TYPE_AAAA), DNS_RCODE_NXDOMAIN, "%s", nx[i]);
		cr_assert(R.h.flags & DNS_FLAG_AA);
		cr_assert_eq(R.h.ancount, 0);
		cr_assert_eq(R.h.nscount, 1);
		soa_ok(&R.ns[0], 60);
	}
	dns_zone_set_ttl(z, 5);
	cr_assert_eq(ask("nope.CORP.internal", DNS_TYPE_A), DNS_RCODE_NXDOMAIN);
	soa_ok(&R.ns[0], 5);
	name_is(&R.ns[0], "CORP.internal"); /* a pointer into the question */
}

Test(dns_zone, refused_outside_and_for_transfers)
{
	static const char *const out[] = {"example.com",	   "internal",	 "other.internal",
					  "corp.internal.example", "alpha.corp", "."};
	for (size_t i = 0; i < ARRAY_SIZE(out); i++) {
		cr_assert_eq(ask(out[i], DNS_TYPE_A), DNS_RCODE_REFUSED, "%s", out[i]);
		cr_assert_not(R.h.flags & DNS_FLAG_AA);
		cr_assert_eq(R.h.ancount + R.h.nscount + R.h.arcount, 0);
	}
	struct qopt ch = {.id = 9, .qclass = 3 /* CH */};
	cr_assert_eq(ask_full("alpha.corp.internal", DNS_TYPE_A, &ch, false, 0), 5);
	cr_assert_eq(ask("corp.internal", DNS_TYPE_AXFR), DNS_RCODE_REFUSED);
	cr_assert_eq(ask("corp.internal", DNS_TYPE_IXFR), DNS_RCODE_REFUSED);
	cr_assert_not(R.h.flags & DNS_FLAG_AA);
}

Test(dns_zone, apex)
{
	cr_assert_eq(ask("corp.internal", DNS_TYPE_SOA), 0);
	cr_assert_eq(R.h.ancount, 1);
	cr_assert_eq(R.h.nscount, 0);
	soa_ok(&R.an[0], 60);
	cr_assert_eq(ask("corp.internal", DNS_TYPE_NS), 0);
	cr_assert_eq(R.h.ancount, 1);
	cr_assert_eq(R.an[0].type, DNS_TYPE_NS);
	name_is(&R.an[0], "corp.internal");
	rdata_name_is(&R.an[0], 0, "alpha.corp.internal");
	cr_assert_eq(ask("corp.internal", DNS_TYPE_ANY), 0);
	cr_assert_eq(R.h.ancount, 2);
	cr_assert_eq(ask("corp.internal", DNS_TYPE_A), 0);
	cr_assert_eq(R.h.ancount, 0);
	cr_assert_eq(R.h.nscount, 1);
	/* Without a SELF entry the MNAME is the apex itself. */
	cr_assert_eq(dns_zone_remove(z, "alpha"), 0);
	cr_assert_eq(ask("corp.internal", DNS_TYPE_NS), 0);
	rdata_name_is(&R.an[0], 0, "corp.internal");
}

Test(dns_zone, stable_id_names)
{
	cr_assert_eq(ask("a1a2a3a4a5a6a7a8.id.corp.internal", DNS_TYPE_A), 0);
	cr_assert_eq(R.h.ancount, 1);
	addr_is(&R.an[0], "10.77.0.1");
	cr_assert_eq(ask("B1B2B3B4B5B6B7B8.ID.corp.internal", DNS_TYPE_AAAA), 0);
	cr_assert_eq(R.h.ancount, 1);
	addr_is(&R.an[0], "2001:db8:b::1");
	/* id.<zone> is an empty non-terminal while IDs exist. */
	cr_assert_eq(ask("id.corp.internal", DNS_TYPE_A), DNS_RCODE_NOERROR);
	cr_assert_eq(R.h.ancount, 0);
	cr_assert_eq(R.h.nscount, 1);
	cr_assert_eq(dns_zone_remove(z, "alpha"), 0);
	cr_assert_eq(dns_zone_remove(z, "beta"), 0);
	cr_assert_eq(ask("id.corp.internal", DNS_TYPE_A), DNS_RCODE_NXDOMAIN);
	/* A node may be called "id" too. */
	struct dns_zone_addr a = A("10.9.9.9");
	cr_assert_eq(dns_zone_add(z, "id", NULL, &a, 1, DNS_ZONE_SRC_CONFIG, 0, 0), 0);
	cr_assert_eq(ask("id.corp.internal", DNS_TYPE_A), 0);
	cr_assert_eq(R.h.ancount, 1);
}

static void reverse6(const char *addr, char *out)
{
	struct dns_zone_addr a = A(addr);
	size_t n = 0;

	for (int i = 15; i >= 0; i--)
		n += (size_t)sprintf(out + n, "%x.%x.", a.addr[i] & 15, a.addr[i] >> 4);
	strcpy(out + n, "ip6.arpa");
}

Test(dns_zone, ptr)
{
	char name[128];

	reverse6("2001:db8:a::1", name);
	cr_assert_eq(ask(name, DNS_TYPE_PTR), 0);
	cr_assert(R.h.flags & DNS_FLAG_AA);
	cr_assert_eq(R.h.ancount, 1);
	cr_assert_eq(R.an[0].type, DNS_TYPE_PTR);
	rdata_name_is(&R.an[0], 0, "alpha.corp.internal");
	cr_assert_eq(ask(name, DNS_TYPE_A), 0, "NODATA");
	cr_assert_eq(R.h.ancount + R.h.nscount, 0);
	for (char *p = name; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	cr_assert_eq(ask(name, DNS_TYPE_PTR), 0);
	cr_assert_eq(R.h.ancount, 1);
	reverse6("2001:db8:a::2", name);
	cr_assert_eq(ask(name, DNS_TYPE_PTR), DNS_RCODE_REFUSED);
	cr_assert_eq(ask("1.0.77.10.in-addr.arpa", DNS_TYPE_PTR), 0);
	rdata_name_is(&R.an[0], 0, "alpha.corp.internal");
	static const char *const refused[] = {
	    "2.0.77.10.in-addr.arpa",
	    "0.77.10.in-addr.arpa",
	    "01.0.77.10.in-addr.arpa",
	    "256.0.77.10.in-addr.arpa",
	    "1.0.77.10.11.in-addr.arpa",
	    "x.0.77.10.in-addr.arpa",
	    "in-addr.arpa",
	    "ip6.arpa",
	    "1.ip6.arpa",
	};
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++)
		cr_assert_eq(ask(refused[i], DNS_TYPE_PTR), DNS_RCODE_REFUSED, "%s", refused[i]);
}

Test(dns_zone, registration_ttl_follows_lifetime)
{
	struct dns_zone_addr a = A("2001:db8:e::1");

	cr_assert_eq(
	    dns_zone_add(z, "reg.corp.internal", ID_R, &a, 1, DNS_ZONE_SRC_REGISTRATION, 30, 1000),
	    0);
	cr_assert_eq(ask_full("reg.corp.internal", DNS_TYPE_AAAA, NULL, false, 1000), 0);
	cr_assert_eq(R.an[0].ttl, 30);
	cr_assert_eq(ask_full("reg.corp.internal", DNS_TYPE_AAAA, NULL, false, 21500), 0);
	cr_assert_eq(R.an[0].ttl, 9);
	cr_assert_eq(ask_full("reg.corp.internal", DNS_TYPE_AAAA, NULL, false, 30999), 0);
	cr_assert_eq(R.an[0].ttl, 0);
	cr_assert_eq(ask_full("reg.corp.internal", DNS_TYPE_AAAA, NULL, false, 31000),
		     DNS_RCODE_NXDOMAIN);
	cr_assert_eq(
	    ask_full("0102030405060708.id.corp.internal", DNS_TYPE_AAAA, NULL, false, 31000),
	    DNS_RCODE_NXDOMAIN);
	dns_zone_set_ttl(z, 20);
	cr_assert_eq(ask_full("reg.corp.internal", DNS_TYPE_AAAA, NULL, false, 1000), 0);
	cr_assert_eq(R.an[0].ttl, 20);
}

Test(dns_zone, notimp_and_badvers)
{
	uint8_t q[512];
	struct qopt o = {.id = 0x99, .flags = (uint16_t)(2 << DNS_OPCODE_SHIFT) | DNS_FLAG_RD};
	size_t n = mkq(q, "alpha.corp.internal", DNS_TYPE_A, &o);

	cr_assert_eq(dns_zone_answer(z, q, n, false, 0, R.raw, sizeof(R.raw), &R.len, &R.info), 0);
	cr_assert_eq(R.len, DNS_HDR_LEN);
	parse(&R);
	cr_assert_eq(R.h.id, 0x99);
	cr_assert_eq(R.h.flags & DNS_RCODE_MASK, DNS_RCODE_NOTIMP);
	cr_assert_eq((R.h.flags & DNS_OPCODE_MASK) >> DNS_OPCODE_SHIFT, 2);
	cr_assert_eq(R.h.qdcount, 0);
	cr_assert_eq(R.info.rcode, DNS_RCODE_NOTIMP);

	struct qopt v = {.id = 5, .edns = 1232, .version = 1};
	cr_assert_eq(ask_full("alpha.corp.internal", DNS_TYPE_A, &v, false, 0), 0);
	cr_assert_eq(R.h.ancount, 0);
	cr_assert_eq(R.h.arcount, 1);
	cr_assert_eq(R.ar[0].type, DNS_TYPE_OPT);
	cr_assert_eq(R.ar[0].ttl >> 24, 1, "extended RCODE 16 = BADVERS");
	cr_assert_eq((R.ar[0].ttl >> 16) & 0xff, 0, "our version");
	cr_assert_eq(R.info.rcode, DNS_RCODE_BADVERS);
}

Test(dns_zone, edns_echo)
{
	struct qopt o = {.id = 1, .flags = DNS_FLAG_CD, .edns = 4096, .do_bit = true};

	cr_assert_eq(ask_full("alpha.corp.internal", DNS_TYPE_A, &o, false, 0), 0);
	cr_assert(R.h.flags & DNS_FLAG_CD);
	cr_assert_not(R.h.flags & DNS_FLAG_RD);
	cr_assert_eq(R.h.ancount, 1);
	cr_assert_eq(R.h.arcount, 1);
	cr_assert_eq(R.ar[0].type, DNS_TYPE_OPT);
	cr_assert_eq(R.ar[0].name_len, 1);
	cr_assert_eq(R.ar[0].rclass, DNS_UDP_EDNS_MAX);
	cr_assert_eq(R.ar[0].ttl, DNS_EDNS_DO);
	cr_assert_eq(R.ar[0].rdlen, 0);
	cr_assert(R.info.edns);
	o.do_bit = false;
	cr_assert_eq(ask_full("nope.corp.internal", DNS_TYPE_A, &o, false, 0), 3);
	cr_assert_eq(R.ar[0].ttl, 0);
	cr_assert_eq(R.h.nscount, 1);
}

Test(dns_zone, truncation)
{
	struct qopt plain = {.id = 1}, e512 = {.id = 1, .edns = 512},
		    big = {.id = 1, .edns = 65000}, tiny = {.id = 1, .edns = 100};

	/* 32 AAAA records (28 octets each) do not fit 512. */
	cr_assert_eq(ask_full("many.corp.internal", DNS_TYPE_AAAA, &plain, false, 0), 0);
	cr_assert(R.h.flags & DNS_FLAG_TC);
	cr_assert(R.h.flags & DNS_FLAG_AA);
	cr_assert_eq(R.h.ancount, 0);
	cr_assert_eq(R.len, DNS_HDR_LEN + 20 + 4);
	cr_assert(R.info.truncated);
	cr_assert_eq(ask_full("many.corp.internal", DNS_TYPE_AAAA, &e512, false, 0), 0);
	cr_assert(R.h.flags & DNS_FLAG_TC);
	cr_assert_eq(R.h.arcount, 1, "the OPT survives truncation");
	cr_assert_eq(ask_full("many.corp.internal", DNS_TYPE_AAAA, &tiny, false, 0), 0);
	cr_assert(R.h.flags & DNS_FLAG_TC, "sizes below 512 count as 512");
	/* A large EDNS size is capped at 1232, which this answer fits. */
	cr_assert_eq(ask_full("many.corp.internal", DNS_TYPE_AAAA, &big, false, 0), 0);
	cr_assert_not(R.h.flags & DNS_FLAG_TC);
	cr_assert_eq(R.h.ancount, 32);
	cr_assert_leq(R.len, DNS_UDP_EDNS_MAX);
	for (int i = 0; i < 32; i++) {
		char s[64];
		snprintf(s, sizeof(s), "2001:db8:c::%x", i + 1);
		addr_is(&R.an[i], s);
	}
	/* TCP carries it whole. */
	cr_assert_eq(ask_full("many.corp.internal", DNS_TYPE_AAAA, &plain, true, 0), 0);
	cr_assert_not(R.h.flags & DNS_FLAG_TC);
	cr_assert_eq(R.h.ancount, 32);
	/* The caller's buffer is a limit too. */
	uint8_t q[512];
	size_t n = mkq(q, "many.corp.internal", DNS_TYPE_AAAA, &plain);
	cr_assert_eq(dns_zone_answer(z, q, n, true, 0, R.raw, 600, &R.len, &R.info), 0);
	cr_assert(R.info.truncated);
	cr_assert_leq(R.len, 600);
}

Test(dns_zone, drops)
{
	uint8_t q[512];
	size_t n = mkq(q, "alpha.corp.internal", DNS_TYPE_A, NULL);

	q[2] |= 0x80;
	cr_assert_eq(dns_zone_answer(z, q, n, false, 0, R.raw, sizeof(R.raw), &R.len, &R.info),
		     -EPROTO);
	cr_assert_eq(R.len, 0);
	q[2] &= 0x7f;
	cr_assert_eq(dns_zone_answer(z, q, 5, false, 0, R.raw, sizeof(R.raw), &R.len, &R.info),
		     -EMSGSIZE);
	q[5] = 2;
	cr_assert_eq(dns_zone_answer(z, q, n, false, 0, R.raw, sizeof(R.raw), &R.len, &R.info),
		     -EBADMSG);
}

/* Every prefix and every single-bit flip of several queries: dropped, or answered within limits. */
Test(dns_zone, truncation_and_bit_flips, .timeout = 60)
{
	static const struct {
		const char *name;
		uint16_t type;
		int edns;
	} qs[] = {
	    {"alpha.corp.internal", DNS_TYPE_A, 0},
	    {"many.corp.internal", DNS_TYPE_AAAA, 0},
	    {"many.corp.internal", DNS_TYPE_ANY, 512},
	    {"nope.corp.internal", DNS_TYPE_A, 1232},
	    {"example.com", DNS_TYPE_A, 0},
	    {"1.0.77.10.in-addr.arpa", DNS_TYPE_PTR, 0},
	};
	uint8_t q[512], m[512];

	for (size_t k = 0; k < ARRAY_SIZE(qs); k++) {
		struct qopt o = {.id = 3, .edns = qs[k].edns};
		size_t n = mkq(q, qs[k].name, qs[k].type, &o);
		size_t limit = qs[k].edns ? (size_t)MAX(qs[k].edns, 512) : 512;

		for (size_t cut = 0; cut < n; cut++)
			cr_assert_lt(dns_zone_answer(z, q, cut, false, 0, R.raw, sizeof(R.raw),
						     &R.len, &R.info),
				     0, "%s cut at %zu", qs[k].name, cut);
		for (size_t bit = 0; bit < n * 8; bit++) {
			int r;

			memcpy(m, q, n);
			m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			r = dns_zone_answer(z, m, n, false, 0, R.raw, sizeof(R.raw), &R.len,
					    &R.info);
			if (r < 0) {
				cr_assert(r == -EBADMSG || r == -EPROTO || r == -EMSGSIZE);
				continue;
			}
			cr_assert_leq(R.len, MAX(limit, (size_t)DNS_UDP_EDNS_MAX));
			if (!qs[k].edns || bit / 8 < n - DNS_RR_MIN)
				cr_assert_leq(R.len, limit, "%s bit %zu", qs[k].name, bit);
			parse(&R);
		}
	}
}
