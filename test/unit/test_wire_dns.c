// SPDX-License-Identifier: MIT
/*
 * test_wire_dns.c - the DNS codec (common/wire_dns.c): header and OPT
 * encodings, names with and without compression (loops, forward pointers,
 * reserved label types, the 255-octet limit), the query decoder on a known
 * query and on every malformed shape it must refuse, truncation at every
 * offset, every single-bit flip, and the text/wire name helpers.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "wire_dns.h"

/* dig alpha.corp.internal A: RD+AD, EDNS 1232 with an 8-octet client cookie. */
static const uint8_t QUERY[] = {
    0x12, 0x34, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 5,	  'a',	'l',
    'p',  'h',	'a',  4,    'c',  'o',	'r',  'p',  8,	  'i',	'n',  't',  'e',  'r',	'n',
    'a',  'l',	0,    0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x80,
    0x00, 0x00, 0x0c, 0x00, 0x0a, 0x00, 0x08, 1,    2,	  3,	4,    5,    6,	  7,	8,
};

/* The same question without EDNS. */
static const uint8_t QUERY_PLAIN[] = {
    0xab, 0xcd, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 5,
    'A',  'l',	'P',  'h',  'a',  4,	'c',  'o',  'r',  'p',	8,    'i',  'n',
    't',  'e',	'r',  'n',  'a',  'l',	0,    0x00, 0x1c, 0x00, 0x01,
};

static size_t mk(uint8_t *out, const uint8_t *src, size_t n)
{
	memcpy(out, src, n);
	return n;
}

Test(wire_dns, header_round_trip)
{
	struct dns_header h = {0x1234, 0x8583, 1, 2, 3, 4}, g;
	uint8_t b[DNS_HDR_LEN];
	struct wcur w = wcur_make(b, sizeof(b));
	struct cur c;
	static const uint8_t want[] = {0x12, 0x34, 0x85, 0x83, 0, 1, 0, 2, 0, 3, 0, 4};

	cr_assert(wire_dns_header_write(&w, &h));
	cr_assert_arr_eq(b, want, sizeof(want));
	c = cur_make(b, sizeof(b));
	cr_assert(wire_dns_header_read(&c, &g));
	cr_assert_eq(memcmp(&g, &h, sizeof(h)), 0);
	w = wcur_make(b, 11);
	cr_assert_not(wire_dns_header_write(&w, &h));
	c = cur_make(b, 11);
	cr_assert_not(wire_dns_header_read(&c, &g));
}

Test(wire_dns, opt_record_bytes)
{
	uint8_t b[16];
	struct wcur w = wcur_make(b, sizeof(b));
	static const uint8_t want[] = {0, 0, 41, 0x04, 0xd0, 0x01, 0, 0x80, 0, 0, 0};

	cr_assert(wire_dns_opt_write(&w, 1232, 1, true));
	cr_assert_eq(w.left, sizeof(b) - DNS_RR_MIN);
	cr_assert_arr_eq(b, want, sizeof(want));
	w = wcur_make(b, 10);
	cr_assert_not(wire_dns_opt_write(&w, 1232, 0, false));
}

Test(wire_dns, name_plain_and_compressed)
{
	/* "a.b" at 12, then a name "c" + pointer to 12, then a pointer to that one. */
	uint8_t m[64] = {0};
	size_t n = 12, len;
	uint8_t out[DNS_NAME_MAX];
	struct cur c;

	memcpy(m + n, "\1a\1b\0", 5);
	n += 5; /* 17 */
	memcpy(m + n, "\1c\xc0\x0c", 4);
	n += 4; /* 21 */
	memcpy(m + n, "\xc0\x11", 2);
	n += 2; /* 23 */

	c = cur_make(m + 12, n - 12);
	cr_assert_eq(wire_dns_name_read(&c, m, n, out, &len), 0);
	cr_assert_eq(len, 5);
	cr_assert_arr_eq(out, "\1a\1b\0", 5);
	cr_assert_eq(c.left, n - 17);

	c = cur_make(m + 17, n - 17);
	cr_assert_eq(wire_dns_name_read(&c, m, n, out, &len), 0);
	cr_assert_eq(len, 7);
	cr_assert_arr_eq(out, "\1c\1a\1b\0", 7);
	cr_assert_eq(c.left, 2, "the cursor stops after the first pointer");

	c = cur_make(m + 21, 2);
	cr_assert_eq(wire_dns_name_read(&c, m, n, out, &len), 0);
	cr_assert_eq(len, 7);
	cr_assert_eq(c.left, 0);
}

static int read_at(const uint8_t *m, size_t n, size_t off)
{
	uint8_t out[DNS_NAME_MAX];
	size_t len = 99;
	struct cur c = cur_make(m + off, n - off);
	int r = wire_dns_name_read(&c, m, n, out, &len);

	if (r < 0) {
		cr_assert(c.bad);
		cr_assert_eq(len, 0);
	}
	return r;
}

Test(wire_dns, name_pointer_loops_and_bad_labels)
{
	uint8_t m[64] = {0};

	/* A pointer to itself, and two pointers pointing at each other. */
	memcpy(m + 12, "\xc0\x0c", 2);
	cr_assert_eq(read_at(m, 14, 12), -EBADMSG);
	memcpy(m + 12, "\xc0\x0e\xc0\x0c", 4);
	cr_assert_eq(read_at(m, 16, 12), -EBADMSG);
	cr_assert_eq(read_at(m, 16, 14), -EBADMSG);
	/* Forward pointer (even to a valid name). */
	memcpy(m + 12, "\xc0\x0e\1a\0", 5);
	cr_assert_eq(read_at(m, 17, 12), -EBADMSG);
	/* Pointer out of the message. */
	memcpy(m + 20, "\xc0\x3f", 2);
	cr_assert_eq(read_at(m, 22, 20), -EBADMSG);
	/* A label that points back into its own sequence: "\1a" then a pointer to it. */
	memcpy(m + 12, "\1a\xc0\x0c", 4);
	cr_assert_eq(read_at(m, 16, 12), -EBADMSG);
	/* Reserved label types 0x40 and 0x80. */
	memcpy(m + 12, "\x41x\0", 3);
	cr_assert_eq(read_at(m, 15, 12), -EBADMSG);
	memcpy(m + 12, "\x81x\0", 3);
	cr_assert_eq(read_at(m, 15, 12), -EBADMSG);
	/* Truncated label, missing root, truncated pointer. */
	memcpy(m + 12, "\5ab", 3);
	cr_assert_eq(read_at(m, 15, 12), -EBADMSG);
	memcpy(m + 12, "\1a", 2);
	cr_assert_eq(read_at(m, 14, 12), -EBADMSG);
	m[12] = 0xc0;
	cr_assert_eq(read_at(m, 13, 12), -EBADMSG);
	/* A cursor already bad stays bad. */
	struct cur c = cur_make(m, 0);
	uint8_t out[DNS_NAME_MAX];
	size_t len;
	c.bad = true;
	cr_assert_eq(wire_dns_name_read(&c, m, 64, out, &len), -EBADMSG);
}

Test(wire_dns, name_length_limit)
{
	/* 4 labels of 63 = 256 octets with the root: one too many. */
	uint8_t m[400] = {0}, out[DNS_NAME_MAX];
	size_t n = 0, len;
	struct cur c;

	for (int i = 0; i < 4; i++) {
		m[n++] = 63;
		memset(m + n, 'x', 63);
		n += 63;
	}
	m[n++] = 0;
	c = cur_make(m, n);
	cr_assert_eq(wire_dns_name_read(&c, m, n, out, &len), -EBADMSG);
	/* 3 x 63 + 61 = 255 with the root: the largest name. */
	m[192] = 61;
	m[192 + 62] = 0;
	c = cur_make(m, 255);
	cr_assert_eq(wire_dns_name_read(&c, m, 255, out, &len), 0);
	cr_assert_eq(len, 255);
	/* Reaching the limit through pointers counts the same. */
	uint8_t p[300] = {0};
	memset(p, 0, sizeof(p));
	p[0] = 63;
	memset(p + 1, 'y', 63);
	p[64] = 63;
	memset(p + 65, 'y', 63);
	p[128] = 63;
	memset(p + 129, 'y', 63);
	p[192] = 0; /* 193 octets at offset 0 */
	size_t o = 200;
	p[o] = 63;
	memset(p + o + 1, 'z', 63);
	p[o + 64] = 0xc0;
	p[o + 65] = 0;
	c = cur_make(p + o, 66);
	cr_assert_eq(wire_dns_name_read(&c, p, o + 66, out, &len), -EBADMSG);
	p[o] = 61;
	p[o + 62] = 0xc0;
	p[o + 63] = 0;
	c = cur_make(p + o, 64);
	cr_assert_eq(wire_dns_name_read(&c, p, o + 64, out, &len), 0);
	cr_assert_eq(len, 255);
}

Test(wire_dns, long_pointer_chain_is_bounded)
{
	/* 200 pointers, each to the one before: more hops than any name needs. */
	uint8_t m[512] = {0}, out[DNS_NAME_MAX];
	size_t len;
	struct cur c;

	m[12] = 0;
	for (int i = 1; i <= 200; i++) {
		size_t at = 12 + 2 * (size_t)i - 1;
		size_t to = i == 1 ? 12 : at - 2;
		m[at] = (uint8_t)(0xc0 | to >> 8);
		m[at + 1] = (uint8_t)to;
	}
	c = cur_make(m + 13 + 2 * 199, 2);
	cr_assert_eq(wire_dns_name_read(&c, m, 13 + 2 * 200, out, &len), -EBADMSG);
	c = cur_make(m + 13 + 2 * 99, 2);
	cr_assert_eq(wire_dns_name_read(&c, m, 13 + 2 * 200, out, &len), 0);
	cr_assert_eq(len, 1);
}

Test(wire_dns, query_known_answer)
{
	struct dns_query q;

	cr_assert_eq(wire_dns_query_decode(QUERY, sizeof(QUERY), &q), 0);
	cr_assert_eq(q.hdr.id, 0x1234);
	cr_assert_eq(q.opcode, 0);
	cr_assert_eq(q.hdr.flags & DNS_FLAG_RD, DNS_FLAG_RD);
	cr_assert_eq(q.qname_len, 21);
	cr_assert_arr_eq(q.qname, QUERY + 12, 21);
	cr_assert_eq(q.qtype, DNS_TYPE_A);
	cr_assert_eq(q.qclass, DNS_CLASS_IN);
	cr_assert(q.has_edns);
	cr_assert_eq(q.edns_udp_size, 1232);
	cr_assert_eq(q.edns_version, 0);
	cr_assert(q.edns_do);

	cr_assert_eq(wire_dns_query_decode(QUERY_PLAIN, sizeof(QUERY_PLAIN), &q), 0);
	cr_assert_eq(q.hdr.id, 0xabcd);
	cr_assert_eq(q.qtype, DNS_TYPE_AAAA);
	cr_assert_not(q.has_edns);
	cr_assert_eq(q.qname[1], 'A', "case is kept");
}

Test(wire_dns, query_rejections)
{
	uint8_t m[DNS_QUERY_MAX + 16];
	struct dns_query q;
	size_t n;

	/* Short: no header. */
	cr_assert_eq(wire_dns_query_decode(QUERY, 11, &q), -EMSGSIZE);
	cr_assert_eq(wire_dns_query_decode(QUERY, 0, &q), -EMSGSIZE);
	/* Too long. */
	memset(m, 0, sizeof(m));
	cr_assert_eq(wire_dns_query_decode(m, DNS_QUERY_MAX + 1, &q), -EMSGSIZE);
	/* A response. */
	n = mk(m, QUERY, sizeof(QUERY));
	m[2] |= 0x80;
	cr_assert_eq(wire_dns_query_decode(m, n, &q), -EPROTO);
	/* Another opcode: only the header is decoded. */
	n = mk(m, QUERY, sizeof(QUERY));
	m[2] = (uint8_t)(4 << 3); /* NOTIFY */
	cr_assert_eq(wire_dns_query_decode(m, n, &q), 0);
	cr_assert_eq(q.opcode, 4);
	cr_assert_eq(q.qname_len, 0);
	/* Counts. */
	static const struct {
		int off;
		uint8_t v;
	} counts[] = {
	    {5, 0}, {5, 2}, {7, 1}, {9, 1}, {11, 2}, {4, 0xff}, {6, 0xff}, {8, 0xff}, {10, 0xff},
	};
	for (size_t i = 0; i < ARRAY_SIZE(counts); i++) {
		n = mk(m, QUERY, sizeof(QUERY));
		m[counts[i].off] = counts[i].v;
		cr_assert_eq(wire_dns_query_decode(m, n, &q), -EBADMSG, "case %zu", i);
		cr_assert_eq(q.hdr.id, 0x1234, "the header is still valid");
	}
	/* Huge counts against a header-only message. */
	n = mk(m, QUERY, DNS_HDR_LEN);
	memset(m + 4, 0xff, 8);
	cr_assert_eq(wire_dns_query_decode(m, n, &q), -EBADMSG);
	/* The additional record is not an OPT (an A record with the root owner). */
	n = mk(m, QUERY, sizeof(QUERY));
	m[39] = 0x01;
	cr_assert_eq(wire_dns_query_decode(m, n, &q), -EBADMSG);
	/* OPT with a non-root owner. */
	n = mk(m, QUERY, 37);
	memcpy(m + n, "\1x\0\0\x29\4\xd0\0\0\0\0\0\0", 13);
	n += 13;
	cr_assert_eq(wire_dns_query_decode(m, n, &q), -EBADMSG);
	/* OPT options that overrun the rdata. */
	n = mk(m, QUERY, sizeof(QUERY));
	m[51] = 0x10;
	cr_assert_eq(wire_dns_query_decode(m, n, &q), -EBADMSG);
	/* rdlength beyond the message. */
	n = mk(m, QUERY, sizeof(QUERY));
	m[47] = 0x0d;
	cr_assert_eq(wire_dns_query_decode(m, n, &q), -EBADMSG);
	/* Trailing octets. */
	n = mk(m, QUERY, sizeof(QUERY));
	m[n++] = 0;
	cr_assert_eq(wire_dns_query_decode(m, n, &q), -EBADMSG);
	/* QTYPE OPT in the question. */
	n = mk(m, QUERY_PLAIN, sizeof(QUERY_PLAIN));
	m[34] = 41;
	cr_assert_eq(wire_dns_query_decode(m, n, &q), -EBADMSG);
	/* A pointer loop in the question. */
	n = mk(m, QUERY_PLAIN, DNS_HDR_LEN);
	memcpy(m + n, "\xc0\x0c\0\1\0\1", 6);
	n += 6;
	cr_assert_eq(wire_dns_query_decode(m, n, &q), -EBADMSG);
	/* A pointer into the header is followed like any other backwards pointer. */
	n = mk(m, QUERY_PLAIN, DNS_HDR_LEN);
	m[11] = 0; /* arcount low octet: a root label at offset 11 */
	memcpy(m + n, "\xc0\x0b\0\1\0\1", 6);
	n += 6;
	cr_assert_eq(wire_dns_query_decode(m, n, &q), 0);
	cr_assert_eq(q.qname_len, 1);
}

Test(wire_dns, query_truncated_at_every_offset)
{
	struct dns_query q;

	for (size_t n = 0; n < sizeof(QUERY); n++) {
		int r = wire_dns_query_decode(QUERY, n, &q);

		cr_assert(r == -EMSGSIZE || r == -EBADMSG, "length %zu: %d", n, r);
		cr_assert_eq(r == -EMSGSIZE, n < DNS_HDR_LEN, "length %zu", n);
	}
	for (size_t n = 0; n < sizeof(QUERY_PLAIN); n++)
		cr_assert_lt(wire_dns_query_decode(QUERY_PLAIN, n, &q), 0);
}

Test(wire_dns, query_bit_flips)
{
	uint8_t m[sizeof(QUERY)];
	struct dns_query q;
	int ok = 0;

	for (size_t bit = 0; bit < sizeof(QUERY) * 8; bit++) {
		int r;

		memcpy(m, QUERY, sizeof(m));
		m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		r = wire_dns_query_decode(m, sizeof(m), &q);
		cr_assert(r == 0 || r == -EBADMSG || r == -EPROTO, "bit %zu: %d", bit, r);
		if (r == 0) {
			ok++;
			cr_assert_leq(q.qname_len, DNS_NAME_MAX);
		}
		/* QR set is always refused as a response. */
		if (bit == 16 + 7)
			cr_assert_eq(r, -EPROTO);
	}
	cr_assert_gt(ok, 0);
}

Test(wire_dns, rr_read)
{
	/* "x" + A record 10.0.0.1 TTL 300, then a record with a pointer owner. */
	static const uint8_t m[] = {
	    1, 'x', 0,	  0, 1, 0,  1, 0, 0, 1, 0x2c, 0, 4, 10, 0,
	    0, 1,   0xc0, 0, 0, 28, 0, 1, 0, 0, 0,    5, 0, 0,
	};
	struct dns_rr rr;
	struct cur first = cur_make(m, 17);

	cr_assert_eq(wire_dns_rr_read(&first, m, 17, &rr), 0);
	cr_assert_eq(rr.type, 1);
	cr_assert_eq(rr.ttl, 300);
	cr_assert_eq(rr.rdlen, 4);
	cr_assert_eq(rr.rdata_off, 13);
	cr_assert_eq(rr.rdata[0], 10);
	cr_assert_eq(first.left, 0);
	struct cur second = cur_make(m + 17, sizeof(m) - 17);
	cr_assert_eq(wire_dns_rr_read(&second, m, sizeof(m), &rr), 0);
	cr_assert_eq(rr.name_len, 3);
	cr_assert_eq(rr.type, 28);
	cr_assert_eq(rr.rdlen, 0);
	cr_assert_eq(second.left, 0);
	for (size_t n = 0; n < 17; n++) {
		struct cur t = cur_make(m, n);
		cr_assert_eq(wire_dns_rr_read(&t, m, n, &rr), -EBADMSG, "length %zu", n);
	}
}

Test(wire_dns, names_text)
{
	uint8_t w[DNS_NAME_MAX];
	char t[DNS_TEXT_MAX + 16];
	size_t n;

	cr_assert_eq(dns_name_from_text("alpha.Corp.internal", w, &n), 0);
	cr_assert_eq(n, 21);
	cr_assert_arr_eq(w, "\5alpha\4Corp\10internal", 21);
	cr_assert_eq(dns_name_from_text("alpha.corp.internal.", w, &n), 0);
	cr_assert_eq(n, 21);
	cr_assert_eq(dns_name_from_text(".", w, &n), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(dns_name_from_text("", w, &n), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(dns_name_to_text(w, 1, t, sizeof(t)), 0);
	cr_assert_str_eq(t, ".");
	cr_assert_eq(dns_name_from_text("a..b", w, &n), -EINVAL);
	cr_assert_eq(dns_name_from_text(".a", w, &n), -EINVAL);
	cr_assert_eq(dns_name_from_text("a b", w, &n), -EINVAL);
	cr_assert_eq(dns_name_from_text("a\\b", w, &n), -EINVAL);
	char lbl[80];
	memset(lbl, 'a', 64);
	lbl[64] = '\0';
	cr_assert_eq(dns_name_from_text(lbl, w, &n), -EINVAL);
	lbl[63] = '\0';
	cr_assert_eq(dns_name_from_text(lbl, w, &n), 0);
	/* 253 characters is the longest name; 254 is too long. */
	char big[300];
	size_t k = 0;
	for (int i = 0; i < 4; i++) {
		memset(big + k, 'b', 62);
		k += 62;
		big[k++] = '.';
	}
	big[k - 1] = '\0'; /* 4*63-1 = 251 characters */
	cr_assert_eq(dns_name_from_text(big, w, &n), 0);
	cr_assert_eq(n, 253);
	strcat(big, ".c");
	cr_assert_eq(dns_name_from_text(big, w, &n), 0);
	cr_assert_eq(n, 255);
	strcat(big, "d");
	cr_assert_eq(dns_name_from_text(big, w, &n), -EINVAL);

	/* To text: escapes and errors. */
	static const uint8_t odd[] = {3, 'a', '.', 0x01, 2, 'b', '\\', 0};
	cr_assert_eq(dns_name_to_text(odd, sizeof(odd), t, sizeof(t)), 0);
	cr_assert_str_eq(t, "a\\046\\001.b\\092");
	cr_assert_eq(dns_name_to_text(odd, sizeof(odd), t, 5), -ENOSPC);
	cr_assert_eq(strlen(t), 1);
	cr_assert_eq(dns_name_to_text(odd, sizeof(odd) - 1, t, sizeof(t)), -EINVAL);
	cr_assert_eq(dns_name_to_text(odd, 0, t, sizeof(t)), -EINVAL);
	static const uint8_t bad[] = {64, 'a', 0};
	cr_assert_eq(dns_name_to_text(bad, sizeof(bad), t, sizeof(t)), -EINVAL);
	cr_assert_eq(dns_name_from_text("x.Y.z", w, &n), 0);
	cr_assert_eq(dns_name_to_text(w, n, t, sizeof(t)), 0);
	cr_assert_str_eq(t, "x.Y.z");
	cr_assert_eq(dns_name_to_text(w, n, t, 0), -ENOSPC);
}

Test(wire_dns, name_helpers)
{
	uint8_t a[DNS_NAME_MAX], z[DNS_NAME_MAX];
	size_t an, zn, pl;

	cr_assert_eq(dns_name_from_text("Alpha.CORP.internal", a, &an), 0);
	cr_assert_eq(dns_name_from_text("corp.internal", z, &zn), 0);
	cr_assert(dns_name_is_under(a, an, z, zn, &pl));
	cr_assert_eq(pl, 6);
	cr_assert(dns_name_is_under(z, zn, z, zn, &pl));
	cr_assert_eq(pl, 0);
	cr_assert_not(dns_name_is_under(z, zn, a, an, NULL));
	/* "xcorp.internal" is not under "corp.internal": labels, not suffixes. */
	uint8_t x[DNS_NAME_MAX];
	size_t xn;
	cr_assert_eq(dns_name_from_text("xcorp.internal", x, &xn), 0);
	cr_assert_not(dns_name_is_under(x, xn, z, zn, NULL));
	cr_assert_eq(dns_name_labels(a, an), 3);
	cr_assert_eq(dns_name_labels((const uint8_t *)"", 1), 0);
	dns_name_lower(a, an);
	cr_assert_arr_eq(a, "\5alpha\4corp\10internal", an);
	cr_assert(dns_name_is_ldh(a, an));
	cr_assert_eq(dns_name_from_text("a-b.c1", x, &xn), 0);
	cr_assert(dns_name_is_ldh(x, xn));
	cr_assert_eq(dns_name_from_text("-a.c", x, &xn), 0);
	cr_assert_not(dns_name_is_ldh(x, xn));
	cr_assert_eq(dns_name_from_text("a_b", x, &xn), 0);
	cr_assert_not(dns_name_is_ldh(x, xn));
	cr_assert_eq(dns_name_from_text("a-b.c1", x, &xn), 0);
	cr_assert_not(dns_name_is_ldh(x, xn - 1), "no root label");
}
