// SPDX-License-Identifier: MIT
/*
 * fuzz_dns.c - libFuzzer target for the DNS codec and the responder's answer
 * builder: the input is decoded as a query, answered by a fixed zone over
 * UDP and over TCP (the answer must respect the size limits and parse back
 * cleanly with the same codec), and walked as an arbitrary message (every
 * record of every section, names decompressed and printed).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dns_zone.h"
#include "wire_dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static struct dns_zone *zone(void)
{
	static struct dns_zone *z;
	static const uint8_t id[8] = {0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8};
	struct dns_zone_addr a[DNS_ZONE_ADDRS_MAX];

	if (z)
		return z;
	z = dns_zone_new("corp", 60, 1);
	check(z != NULL);
	memset(a, 0, sizeof(a));
	for (int i = 0; i < DNS_ZONE_ADDRS_MAX; i++) {
		a[i].family = i % 4 ? AF_INET6 : AF_INET;
		a[i].addr[0] = i % 4 ? 0x20 : 10;
		a[i].addr[15] = (uint8_t)i;
		a[i].addr[3] = (uint8_t)i;
	}
	check(dns_zone_add(z, "alpha", id, a, 2, DNS_ZONE_SRC_SELF, 0, 0) == 0);
	check(dns_zone_add(z, "many", NULL, a, DNS_ZONE_ADDRS_MAX, DNS_ZONE_SRC_CONFIG, 0, 0) == 0);
	check(dns_zone_add(z, "reg", NULL, a + 5, 1, DNS_ZONE_SRC_REGISTRATION, 30, 0) == 0);
	return z;
}

/* The response must be a well-formed message that ends exactly after its records. */
static void check_response(const uint8_t *m, size_t n)
{
	struct cur c = cur_make(m, n);
	struct dns_header h;
	uint8_t name[DNS_NAME_MAX];
	size_t len;
	struct dns_rr rr;

	check(wire_dns_header_read(&c, &h));
	check(h.flags & DNS_FLAG_QR);
	check(!(h.flags & DNS_FLAG_RA));
	for (unsigned i = 0; i < h.qdcount; i++) {
		check(wire_dns_name_read(&c, m, n, name, &len) == 0);
		check(cur_skip(&c, 4));
	}
	for (unsigned i = 0; i < (unsigned)h.ancount + h.nscount + h.arcount; i++)
		check(wire_dns_rr_read(&c, m, n, &rr) == 0);
	check(!c.bad && c.left == 0);
}

static void walk(const uint8_t *m, size_t n)
{
	struct cur c = cur_make(m, n);
	struct dns_header h;
	uint8_t name[DNS_NAME_MAX];
	char text[DNS_TEXT_MAX * 4 + 8];
	size_t len;
	struct dns_rr rr;

	if (!wire_dns_header_read(&c, &h))
		return;
	for (unsigned i = 0; i < h.qdcount && !c.bad; i++) {
		if (wire_dns_name_read(&c, m, n, name, &len) < 0)
			return;
		check(len >= 1 && len <= DNS_NAME_MAX);
		check(dns_name_to_text(name, len, text, sizeof(text)) == 0);
		cur_skip(&c, 4);
	}
	for (unsigned i = 0; i < (unsigned)h.ancount + h.nscount + h.arcount; i++) {
		if (wire_dns_rr_read(&c, m, n, &rr) < 0)
			return;
		check(rr.rdlen == 0 || rr.rdata_off + rr.rdlen <= n);
		check(dns_name_to_text(rr.name, rr.name_len, text, sizeof(text)) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[DNS_TCP_MAX];
	struct dns_answer_info info;
	struct dns_query q;
	size_t olen;
	int r, rq;

	rq = wire_dns_query_decode(data, size, &q);
	check(rq == 0 || rq == -EMSGSIZE || rq == -EPROTO || rq == -EBADMSG);
	if (rq == 0 && q.opcode == 0) {
		uint8_t low[DNS_NAME_MAX];

		check(q.qname_len >= 1 && q.qname_len <= DNS_NAME_MAX);
		memcpy(low, q.qname, q.qname_len);
		dns_name_lower(low, q.qname_len);
		(void)dns_name_is_ldh(low, q.qname_len);
	}

	for (int tcp = 0; tcp < 2; tcp++) {
		r = dns_zone_answer(zone(), data, size, tcp, 1000, out, sizeof(out), &olen, &info);
		check(r == rq);
		if (r < 0)
			continue;
		check(olen >= DNS_HDR_LEN);
		check(olen <= (tcp ? DNS_TCP_MAX : DNS_UDP_EDNS_MAX));
		if (!tcp && !q.has_edns)
			check(olen <= DNS_UDP_PLAIN_MAX);
		check(get_be16(out) == q.hdr.id);
		check_response(out, olen);
	}
	/* A small buffer is a hard limit as well. */
	r = dns_zone_answer(zone(), data, size, true, 1000, out, DNS_UDP_PLAIN_MAX, &olen, &info);
	check(r == rq && (r < 0 || olen <= DNS_UDP_PLAIN_MAX));
	walk(data, size);
	return 0;
}
