// SPDX-License-Identifier: MIT
/*
 * wire_dns.c - DNS header, name, record and query codec (wire_dns.h).
 * Reads only through struct cur and writes only through struct wcur; a
 * compression pointer is followed only backwards (strictly before the label
 * sequence that holds it) and at most DNS_PTR_HOPS_MAX times, so decoding a
 * name is bounded by the message, never by its content. No state, no I/O.
 */
#include "wire_dns.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* A name has at most 127 labels; more pointers than that cannot be honest. */
#define DNS_PTR_HOPS_MAX 127

bool wire_dns_header_read(struct cur *c, struct dns_header *h)
{
	cur_be16(c, &h->id);
	cur_be16(c, &h->flags);
	cur_be16(c, &h->qdcount);
	cur_be16(c, &h->ancount);
	cur_be16(c, &h->nscount);
	cur_be16(c, &h->arcount);
	return !c->bad;
}

bool wire_dns_header_write(struct wcur *w, const struct dns_header *h)
{
	wcur_be16(w, h->id);
	wcur_be16(w, h->flags);
	wcur_be16(w, h->qdcount);
	wcur_be16(w, h->ancount);
	wcur_be16(w, h->nscount);
	wcur_be16(w, h->arcount);
	return !w->bad;
}

int wire_dns_name_read(struct cur *c, const uint8_t *msg, size_t msg_len, uint8_t out[DNS_NAME_MAX],
		       size_t *out_len)
{
	struct cur r = *c;
	size_t n = 0, seq_start, hops = 0;
	bool jumped = false;

	*out_len = 0;
	if (c->bad || c->p < msg || (size_t)(c->p - msg) > msg_len ||
	    c->left > msg_len - (size_t)(c->p - msg))
		goto bad;
	seq_start = (size_t)(c->p - msg);
	for (;;) {
		uint8_t l, lo;
		const uint8_t *p;

		if (!cur_u8(&r, &l))
			goto bad;
		if ((l & DNS_PTR_MASK) == DNS_PTR_MASK) {
			size_t target;

			if (!cur_u8(&r, &lo))
				goto bad;
			target = (size_t)(l & 0x3f) << 8 | lo;
			/* Strictly backwards: every hop lowers seq_start, so no loop. */
			if (target >= seq_start || ++hops > DNS_PTR_HOPS_MAX)
				goto bad;
			if (!jumped) {
				c->p = r.p;
				c->left = r.left;
				jumped = true;
			}
			seq_start = target;
			r = cur_make(msg + target, msg_len - target);
			continue;
		}
		if (l & DNS_PTR_MASK) /* 0x40 (extended) and 0x80: not defined */
			goto bad;
		if (n + 1 + l > DNS_NAME_MAX)
			goto bad;
		out[n++] = l;
		if (l == 0)
			break;
		p = cur_bytes(&r, l);
		if (!p)
			goto bad;
		memcpy(out + n, p, l);
		n += l;
	}
	if (!jumped) {
		c->p = r.p;
		c->left = r.left;
	}
	*out_len = n;
	return 0;
bad:
	c->bad = true;
	*out_len = 0;
	return -EBADMSG;
}

int wire_dns_rr_read(struct cur *c, const uint8_t *msg, size_t msg_len, struct dns_rr *rr)
{
	if (wire_dns_name_read(c, msg, msg_len, rr->name, &rr->name_len) < 0)
		return -EBADMSG;
	cur_be16(c, &rr->type);
	cur_be16(c, &rr->rclass);
	cur_be32(c, &rr->ttl);
	cur_be16(c, &rr->rdlen);
	rr->rdata = cur_bytes(c, rr->rdlen);
	if (c->bad || (rr->rdlen && !rr->rdata)) {
		c->bad = true;
		return -EBADMSG;
	}
	rr->rdata_off = rr->rdlen ? (size_t)(rr->rdata - msg) : 0;
	return 0;
}

/* EDNS options (RFC 6891 §6.1.2): code, length, data; they must fill rdata exactly. */
static bool opt_options_ok(const uint8_t *p, uint16_t len)
{
	struct cur o = cur_make(p, len);

	while (o.left && !o.bad) {
		uint16_t code, olen;

		cur_be16(&o, &code);
		cur_be16(&o, &olen);
		cur_skip(&o, olen);
	}
	return !o.bad;
}

int wire_dns_query_decode(const uint8_t *msg, size_t len, struct dns_query *q)
{
	struct cur c = cur_make(msg, len);
	uint64_t need;

	memset(q, 0, sizeof(*q));
	if (len < DNS_HDR_LEN) {
		if (len >= 2)
			q->hdr.id = get_be16(msg);
		return -EMSGSIZE;
	}
	wire_dns_header_read(&c, &q->hdr);
	if (len > DNS_QUERY_MAX)
		return -EMSGSIZE;
	if (q->hdr.flags & DNS_FLAG_QR)
		return -EPROTO;
	q->opcode = (uint8_t)((q->hdr.flags & DNS_OPCODE_MASK) >> DNS_OPCODE_SHIFT);
	if (q->opcode != DNS_OPCODE_QUERY)
		return 0;

	/* The counts must fit the octets left before anything is read. */
	need = (uint64_t)q->hdr.qdcount * DNS_QUESTION_MIN +
	       ((uint64_t)q->hdr.ancount + q->hdr.nscount + q->hdr.arcount) * DNS_RR_MIN;
	if (need > c.left)
		return -EBADMSG;
	if (q->hdr.qdcount != 1 || q->hdr.ancount || q->hdr.nscount || q->hdr.arcount > 1)
		return -EBADMSG;

	if (wire_dns_name_read(&c, msg, len, q->qname, &q->qname_len) < 0)
		return -EBADMSG;
	cur_be16(&c, &q->qtype);
	cur_be16(&c, &q->qclass);
	if (c.bad || q->qtype == DNS_TYPE_OPT)
		return -EBADMSG;

	if (q->hdr.arcount) {
		struct dns_rr rr;

		if (wire_dns_rr_read(&c, msg, len, &rr) < 0)
			return -EBADMSG;
		/* RFC 6891 §6.1.1: the OPT owner is the root; no other record is accepted. */
		if (rr.type != DNS_TYPE_OPT || rr.name_len != 1 ||
		    !opt_options_ok(rr.rdata, rr.rdlen))
			return -EBADMSG;
		q->has_edns = true;
		q->edns_udp_size = rr.rclass;
		q->edns_version = (uint8_t)(rr.ttl >> 16);
		q->edns_do = (rr.ttl & DNS_EDNS_DO) != 0;
	}
	if (c.left)
		return -EBADMSG;
	return 0;
}

bool wire_dns_name_write(struct wcur *w, const uint8_t *name, size_t len)
{
	return wcur_bytes(w, name, len);
}

bool wire_dns_ptr_write(struct wcur *w, uint16_t off)
{
	OMNI_ASSERT(off < 0x4000);
	return wcur_be16(w, (uint16_t)(0xc000 | off));
}

bool wire_dns_rr_fixed_write(struct wcur *w, uint16_t type, uint16_t rclass, uint32_t ttl,
			     uint16_t rdlen)
{
	wcur_be16(w, type);
	wcur_be16(w, rclass);
	wcur_be32(w, ttl);
	wcur_be16(w, rdlen);
	return !w->bad;
}

bool wire_dns_opt_write(struct wcur *w, uint16_t udp_size, uint8_t ext_rcode, bool do_bit)
{
	uint8_t *p = wcur_reserve(w, DNS_RR_MIN);

	if (!p)
		return false;
	p[0] = 0; /* root owner */
	put_be16(p + 1, DNS_TYPE_OPT);
	put_be16(p + 3, udp_size);
	put_be32(p + 5, (uint32_t)ext_rcode << 24 | (do_bit ? DNS_EDNS_DO : 0));
	put_be16(p + 9, 0);
	return true;
}

/* ---- names ---- */

int dns_name_from_text(const char *text, uint8_t out[DNS_NAME_MAX], size_t *out_len)
{
	const char *s = text;
	size_t n = 0;

	*out_len = 0;
	if (s[0] == '.' && s[1] == '\0')
		s++;
	while (*s) {
		const char *dot = strchr(s, '.');
		size_t l = dot ? (size_t)(dot - s) : strlen(s);

		if (l == 0 || l > DNS_LABEL_MAX || n + 1 + l + 1 > DNS_NAME_MAX)
			return -EINVAL;
		for (size_t i = 0; i < l; i++) {
			if (s[i] < '!' || s[i] > '~' || s[i] == '\\')
				return -EINVAL;
		}
		out[n++] = (uint8_t)l;
		memcpy(out + n, s, l);
		n += l;
		s += l;
		if (*s == '.')
			s++;
	}
	out[n++] = 0;
	*out_len = n;
	return 0;
}

/* Walk a wire name; false unless it is exactly @len octets ending in the root label. */
static bool name_ok(const uint8_t *name, size_t len)
{
	size_t i = 0;

	if (len == 0 || len > DNS_NAME_MAX)
		return false;
	while (i < len) {
		uint8_t l = name[i];

		if (l == 0)
			return i + 1 == len;
		if (l > DNS_LABEL_MAX)
			return false;
		i += 1 + (size_t)l;
	}
	return false;
}

int dns_name_to_text(const uint8_t *name, size_t len, char *out, size_t cap)
{
	size_t o = 0, i = 0;

	if (cap == 0)
		return -ENOSPC;
	out[0] = '\0';
	if (!name_ok(name, len))
		return -EINVAL;
	if (len == 1) {
		if (cap < 2)
			return -ENOSPC;
		memcpy(out, ".", 2);
		return 0;
	}
	while (name[i]) {
		uint8_t l = name[i++];

		if (i > 1) {
			if (o + 1 >= cap)
				goto nospace;
			out[o++] = '.';
		}
		for (uint8_t k = 0; k < l; k++, i++) {
			uint8_t ch = name[i];

			if (ch > ' ' && ch <= '~' && ch != '.' && ch != '\\') {
				if (o + 1 >= cap)
					goto nospace;
				out[o++] = (char)ch;
			} else {
				if (o + 4 >= cap)
					goto nospace;
				snprintf(out + o, 5, "\\%03u", ch);
				o += 4;
			}
		}
	}
	out[o] = '\0';
	return 0;
nospace:
	out[o] = '\0';
	return -ENOSPC;
}

static uint8_t lower(uint8_t ch)
{
	return ch >= 'A' && ch <= 'Z' ? (uint8_t)(ch - 'A' + 'a') : ch;
}

void dns_name_lower(uint8_t *name, size_t len)
{
	/* Length octets are at most 63, below 'A', so they are left alone. */
	for (size_t i = 0; i < len; i++)
		name[i] = lower(name[i]);
}

size_t dns_name_labels(const uint8_t *name, size_t len)
{
	size_t i = 0, n = 0;

	while (i < len && name[i]) {
		i += 1 + (size_t)name[i];
		n++;
	}
	return n;
}

static bool eq_nocase(const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (lower(a[i]) != lower(b[i]))
			return false;
	}
	return true;
}

bool dns_name_is_under(const uint8_t *name, size_t len, const uint8_t *suffix, size_t slen,
		       size_t *prefix_len)
{
	size_t i = 0;

	if (slen == 0 || slen > len)
		return false;
	for (;;) {
		if (len - i == slen && eq_nocase(name + i, suffix, slen)) {
			if (prefix_len)
				*prefix_len = i;
			return true;
		}
		if (i >= len || name[i] == 0 || len - i < slen)
			return false;
		i += 1 + (size_t)name[i];
		if (i > len)
			return false;
	}
}

bool dns_name_is_ldh(const uint8_t *name, size_t len)
{
	size_t i = 0;

	while (i < len && name[i]) {
		uint8_t l = name[i];

		if (i + 1 + l > len)
			return false;
		for (size_t k = 1; k <= l; k++) {
			uint8_t ch = lower(name[i + k]);
			bool edge = k == 1 || k == l;

			if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
			      (ch == '-' && !edge)))
				return false;
		}
		i += 1 + (size_t)l;
	}
	return i < len;
}
