// SPDX-License-Identifier: MIT
/*
 * dns_zone.c - the zone's name table and the answer builder (dns_zone.h).
 * Entries live in one array kept in insertion order (the order `omnictl
 * hosts` prints); lookups are linear, which is fine for the few thousand
 * names an overlay has. Answers are written through a struct wcur limited
 * to the transport's size, so an answer that does not fit becomes a TC
 * response instead of an overrun. Owner names of answers are compression
 * pointers to the question, which is always written uncompressed at offset
 * 12. Pure: no I/O, no clock, no globals.
 */
#include "dns_zone.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>

struct dns_zone {
	char origin_text[DNS_TEXT_MAX];
	uint8_t origin[DNS_NAME_MAX]; /* lower-case wire form */
	size_t origin_len;
	uint32_t ttl;
	uint32_t serial;
	struct dns_zone_entry *v;
	size_t n, cap;
};

static bool is_label(const char *s, size_t n)
{
	if (n == 0 || n > DNS_LABEL_MAX || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'))
			return false;
	}
	return true;
}

static char lower_c(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

struct dns_zone *dns_zone_new(const char *overlay, uint32_t ttl, uint32_t serial)
{
	char label[DNS_LABEL_MAX + 1];
	struct dns_zone *z;
	size_t n = strlen(overlay);
	int rc;

	if (n > DNS_LABEL_MAX)
		return NULL;
	for (size_t i = 0; i <= n; i++)
		label[i] = lower_c(overlay[i]);
	if (!is_label(label, n))
		return NULL;
	z = xcalloc(1, sizeof(*z));
	snprintf(z->origin_text, sizeof(z->origin_text), "%s." DNS_ZONE_TLD, label);
	rc = dns_name_from_text(z->origin_text, z->origin, &z->origin_len);
	OMNI_ASSERT(rc == 0);
	z->ttl = ttl;
	z->serial = serial;
	return z;
}

void dns_zone_free(struct dns_zone *z)
{
	if (!z)
		return;
	free(z->v);
	free(z);
}

void dns_zone_set_ttl(struct dns_zone *z, uint32_t ttl)
{
	if (z->ttl != ttl)
		z->serial++;
	z->ttl = ttl;
}

const char *dns_zone_origin(const struct dns_zone *z)
{
	return z->origin_text;
}

uint32_t dns_zone_ttl(const struct dns_zone *z)
{
	return z->ttl;
}

uint32_t dns_zone_serial(const struct dns_zone *z)
{
	return z->serial;
}

/* @name as a label or "<label>.<zone>[.]" to the lower-case label in @out. */
static int norm_name(const struct dns_zone *z, const char *name, char out[DNS_LABEL_MAX + 1])
{
	char buf[DNS_TEXT_MAX + 1];
	size_t n = strlen(name), ol = strlen(z->origin_text);

	if (n && name[n - 1] == '.')
		n--;
	if (n == 0 || n > DNS_TEXT_MAX - 1)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		buf[i] = lower_c(name[i]);
	buf[n] = '\0';
	if (n > ol + 1 && buf[n - ol - 1] == '.' && memcmp(buf + n - ol, z->origin_text, ol) == 0)
		n -= ol + 1;
	if (!is_label(buf, n))
		return -EINVAL;
	memcpy(out, buf, n);
	out[n] = '\0';
	return 0;
}

static bool expired(const struct dns_zone_entry *e, uint64_t now_ms)
{
	return e->expires_ms && e->expires_ms <= now_ms;
}

static bool same_id(const struct dns_zone_entry *e, const uint8_t *id)
{
	if (!id)
		return !e->has_id;
	return e->has_id && memcmp(e->id, id, DNS_ZONE_ID_LEN) == 0;
}

static struct dns_zone_entry *find_name(const struct dns_zone *z, const char *label)
{
	for (size_t i = 0; i < z->n; i++) {
		if (strcmp(z->v[i].name, label) == 0)
			return &z->v[i];
	}
	return NULL;
}

static void remove_at(struct dns_zone *z, size_t i)
{
	memmove(&z->v[i], &z->v[i + 1], (z->n - i - 1) * sizeof(z->v[0]));
	z->n--;
}

int dns_zone_add(struct dns_zone *z, const char *name, const uint8_t *id,
		 const struct dns_zone_addr *addrs, size_t n, enum dns_zone_src src,
		 uint32_t lifetime_s, uint64_t now_ms)
{
	char label[DNS_LABEL_MAX + 1];
	struct dns_zone_entry *e;
	ssize_t rename = -1;

	if (n > DNS_ZONE_ADDRS_MAX || lifetime_s > DNS_ZONE_LIFETIME_MAX ||
	    norm_name(z, name, label) < 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (addrs[i].family != AF_INET && addrs[i].family != AF_INET6)
			return -EINVAL;
	}
	e = find_name(z, label);
	if (e && !expired(e, now_ms) && !(e->src == src && same_id(e, id)))
		return -EEXIST;
	if (id) {
		for (size_t i = 0; i < z->n; i++) {
			const struct dns_zone_entry *o = &z->v[i];

			if (o == e || !o->has_id || memcmp(o->id, id, DNS_ZONE_ID_LEN) != 0 ||
			    expired(o, now_ms))
				continue;
			if (o->src != src)
				return -EEXIST;
			rename = (ssize_t)i;
		}
	}
	if (rename >= 0) {
		remove_at(z, (size_t)rename);
		e = find_name(z, label);
	}
	if (!e) {
		if (z->n >= DNS_ZONE_ENTRIES_MAX)
			return -ENOSPC;
		if (z->n == z->cap) {
			z->cap = z->cap ? z->cap * 2 : 8;
			z->v = xrealloc(z->v, z->cap * sizeof(z->v[0]));
		}
		e = &z->v[z->n++];
	}
	memset(e, 0, sizeof(*e));
	memcpy(e->name, label, sizeof(e->name));
	if (id) {
		memcpy(e->id, id, DNS_ZONE_ID_LEN);
		e->has_id = true;
	}
	for (size_t i = 0; i < n; i++) {
		const struct dns_zone_addr *a = &addrs[i];
		size_t alen = a->family == AF_INET ? 4 : 16;
		bool dup = false;

		for (size_t k = 0; k < e->n_addrs && !dup; k++)
			dup = e->addrs[k].family == a->family &&
			      memcmp(e->addrs[k].addr, a->addr, alen) == 0;
		if (dup)
			continue;
		e->addrs[e->n_addrs].family = a->family;
		memcpy(e->addrs[e->n_addrs].addr, a->addr, alen);
		e->n_addrs++;
	}
	e->src = src;
	e->expires_ms = lifetime_s ? now_ms + (uint64_t)lifetime_s * 1000 : 0;
	z->serial++;
	return 0;
}

int dns_zone_remove(struct dns_zone *z, const char *name)
{
	char label[DNS_LABEL_MAX + 1];
	struct dns_zone_entry *e;

	if (norm_name(z, name, label) < 0 || !(e = find_name(z, label)))
		return -ENOENT;
	remove_at(z, (size_t)(e - z->v));
	z->serial++;
	return 0;
}

static size_t remove_if(struct dns_zone *z, bool (*pred)(const struct dns_zone_entry *, uint64_t),
			uint64_t arg)
{
	size_t k = 0, removed;

	for (size_t i = 0; i < z->n; i++) {
		if (!pred(&z->v[i], arg))
			z->v[k++] = z->v[i];
	}
	removed = z->n - k;
	z->n = k;
	if (removed)
		z->serial++;
	return removed;
}

static bool src_is(const struct dns_zone_entry *e, uint64_t src)
{
	return (uint64_t)e->src == src;
}

size_t dns_zone_remove_src(struct dns_zone *z, enum dns_zone_src src)
{
	return remove_if(z, src_is, (uint64_t)src);
}

size_t dns_zone_expire(struct dns_zone *z, uint64_t now_ms)
{
	return remove_if(z, expired, now_ms);
}

size_t dns_zone_count(const struct dns_zone *z)
{
	return z->n;
}

const struct dns_zone_entry *dns_zone_get(const struct dns_zone *z, size_t i)
{
	return i < z->n ? &z->v[i] : NULL;
}

int64_t dns_zone_entry_ttl(const struct dns_zone *z, const struct dns_zone_entry *e,
			   uint64_t now_ms)
{
	uint64_t left;

	if (!e->expires_ms)
		return z->ttl;
	if (e->expires_ms <= now_ms)
		return -1;
	left = (e->expires_ms - now_ms) / 1000;
	return left < z->ttl ? (int64_t)left : (int64_t)z->ttl;
}

/* ---- answers ---- */

struct ans {
	const struct dns_zone *z;
	const struct dns_query *q;
	uint8_t lq[DNS_NAME_MAX]; /* the question name in lower case */
	uint64_t now_ms;
	struct wcur w;
	uint16_t an, ns;
	bool aa;
};

static bool hexval(uint8_t ch, uint8_t *v)
{
	if (ch >= '0' && ch <= '9')
		*v = (uint8_t)(ch - '0');
	else if (ch >= 'a' && ch <= 'f')
		*v = (uint8_t)(ch - 'a' + 10);
	else
		return false;
	return true;
}

/* The entry named by the @plen octets before the zone in @lq; *@ent for id.<zone>. */
static const struct dns_zone_entry *lookup(const struct ans *a, size_t plen, bool *ent)
{
	const struct dns_zone *z = a->z;
	const uint8_t *p = a->lq;
	size_t labels = dns_name_labels(p, plen); /* the labels before the zone's */

	*ent = false;
	if (labels == 1) {
		for (size_t i = 0; i < z->n; i++) {
			const struct dns_zone_entry *e = &z->v[i];

			if (!expired(e, a->now_ms) && strlen(e->name) == p[0] &&
			    memcmp(e->name, p + 1, p[0]) == 0)
				return e;
		}
		if (p[0] == 2 && memcmp(p + 1, DNS_ZONE_ID_LABEL, 2) == 0) {
			for (size_t i = 0; i < z->n; i++)
				*ent |= z->v[i].has_id && !expired(&z->v[i], a->now_ms);
		}
		return NULL;
	}
	if (labels == 2 && p[0] == 2 * DNS_ZONE_ID_LEN && p[17] == 2 &&
	    memcmp(p + 18, DNS_ZONE_ID_LABEL, 2) == 0) {
		uint8_t id[DNS_ZONE_ID_LEN];

		for (size_t i = 0; i < DNS_ZONE_ID_LEN; i++) {
			uint8_t hi, lo;

			if (!hexval(p[1 + 2 * i], &hi) || !hexval(p[2 + 2 * i], &lo))
				return NULL;
			id[i] = (uint8_t)(hi << 4 | lo);
		}
		for (size_t i = 0; i < z->n; i++) {
			const struct dns_zone_entry *e = &z->v[i];

			if (e->has_id && !expired(e, a->now_ms) &&
			    memcmp(e->id, id, DNS_ZONE_ID_LEN) == 0)
				return e;
		}
	}
	return NULL;
}

/* "<label>.<zone>." in wire form. */
static size_t entry_fqdn(const struct dns_zone *z, const char *label, uint8_t *out)
{
	size_t l = strlen(label);

	out[0] = (uint8_t)l;
	memcpy(out + 1, label, l);
	memcpy(out + 1 + l, z->origin, z->origin_len);
	return 1 + l + z->origin_len;
}

/* The SOA MNAME: this node's own name, or the apex if there is none. */
static size_t mname(const struct dns_zone *z, uint8_t *out)
{
	for (size_t i = 0; i < z->n; i++) {
		if (z->v[i].src == DNS_ZONE_SRC_SELF)
			return entry_fqdn(z, z->v[i].name, out);
	}
	memcpy(out, z->origin, z->origin_len);
	return z->origin_len;
}

static void put_soa(struct ans *a, uint16_t owner_off)
{
	const struct dns_zone *z = a->z;
	uint8_t mn[DNS_NAME_MAX], rn[DNS_NAME_MAX];
	size_t mlen = mname(z, mn), rlen = entry_fqdn(z, "hostmaster", rn);

	wire_dns_ptr_write(&a->w, owner_off);
	wire_dns_rr_fixed_write(&a->w, DNS_TYPE_SOA, DNS_CLASS_IN, z->ttl,
				(uint16_t)(mlen + rlen + 20));
	wire_dns_name_write(&a->w, mn, mlen);
	wire_dns_name_write(&a->w, rn, rlen);
	wcur_be32(&a->w, z->serial);
	wcur_be32(&a->w, DNS_ZONE_SOA_REFRESH);
	wcur_be32(&a->w, DNS_ZONE_SOA_RETRY);
	wcur_be32(&a->w, DNS_ZONE_SOA_EXPIRE);
	wcur_be32(&a->w, z->ttl); /* negative-caching TTL (RFC 2308 §4) */
}

static void put_ns(struct ans *a, uint16_t owner_off)
{
	uint8_t mn[DNS_NAME_MAX];
	size_t mlen = mname(a->z, mn);

	wire_dns_ptr_write(&a->w, owner_off);
	wire_dns_rr_fixed_write(&a->w, DNS_TYPE_NS, DNS_CLASS_IN, a->z->ttl, (uint16_t)mlen);
	wire_dns_name_write(&a->w, mn, mlen);
}

static void put_addrs(struct ans *a, const struct dns_zone_entry *e)
{
	uint16_t qt = a->q->qtype;
	uint32_t ttl = (uint32_t)dns_zone_entry_ttl(a->z, e, a->now_ms);

	for (size_t i = 0; i < e->n_addrs; i++) {
		const struct dns_zone_addr *ad = &e->addrs[i];
		bool v4 = ad->family == AF_INET;

		if (!(qt == DNS_TYPE_ANY || (v4 && qt == DNS_TYPE_A) ||
		      (!v4 && qt == DNS_TYPE_AAAA)))
			continue;
		wire_dns_ptr_write(&a->w, DNS_HDR_LEN);
		wire_dns_rr_fixed_write(&a->w, v4 ? DNS_TYPE_A : DNS_TYPE_AAAA, DNS_CLASS_IN, ttl,
					v4 ? 4 : 16);
		wcur_bytes(&a->w, ad->addr, v4 ? 4 : 16);
		a->an++;
	}
}

/*
 * An exact reverse name: 32 nibble labels + ip6.arpa, or 4 decimal labels +
 * in-addr.arpa (RFC 3596 §2.5, RFC 1035 §3.5). False for anything else.
 */
static bool parse_reverse(const uint8_t *n, size_t len, struct dns_zone_addr *out)
{
	static const uint8_t ip6[] = "\3ip6\4arpa"; /* + the implicit NUL: root */
	static const uint8_t ip4[] = "\7in-addr\4arpa";
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	if (len == 64 + sizeof(ip6) && memcmp(n + 64, ip6, sizeof(ip6)) == 0) {
		for (int k = 0; k < 32; k++, i += 2) {
			uint8_t v;

			if (n[i] != 1 || !hexval(n[i + 1], &v))
				return false;
			out->addr[15 - k / 2] |= (uint8_t)(k % 2 ? v << 4 : v);
		}
		out->family = AF_INET6;
		return true;
	}
	if (dns_name_labels(n, len) != 6 || !dns_name_is_under(n, len, ip4, sizeof(ip4), &i) ||
	    i == 0)
		return false;
	i = 0;
	for (int k = 0; k < 4; k++) {
		uint8_t l = n[i];
		unsigned v = 0;

		if (l == 0 || l > 3 || (l > 1 && n[i + 1] == '0'))
			return false;
		for (uint8_t d = 1; d <= l; d++) {
			if (n[i + d] < '0' || n[i + d] > '9')
				return false;
			v = v * 10 + (unsigned)(n[i + d] - '0');
		}
		if (v > 255)
			return false;
		out->addr[3 - k] = (uint8_t)v;
		i += 1 + (size_t)l;
	}
	out->family = AF_INET;
	return true;
}

static uint8_t answer_reverse(struct ans *a)
{
	struct dns_zone_addr r;

	if (!parse_reverse(a->lq, a->q->qname_len, &r))
		return DNS_RCODE_REFUSED;
	for (size_t i = 0; i < a->z->n; i++) {
		const struct dns_zone_entry *e = &a->z->v[i];

		if (expired(e, a->now_ms))
			continue;
		for (size_t k = 0; k < e->n_addrs; k++) {
			uint8_t t[DNS_NAME_MAX];
			size_t tlen;

			if (e->addrs[k].family != r.family ||
			    memcmp(e->addrs[k].addr, r.addr, r.family == AF_INET ? 4 : 16) != 0)
				continue;
			a->aa = true;
			if (a->q->qtype != DNS_TYPE_PTR && a->q->qtype != DNS_TYPE_ANY)
				return DNS_RCODE_NOERROR; /* NODATA; no SOA: no zone cut here */
			tlen = entry_fqdn(a->z, e->name, t);
			wire_dns_ptr_write(&a->w, DNS_HDR_LEN);
			wire_dns_rr_fixed_write(&a->w, DNS_TYPE_PTR, DNS_CLASS_IN,
						(uint32_t)dns_zone_entry_ttl(a->z, e, a->now_ms),
						(uint16_t)tlen);
			wire_dns_name_write(&a->w, t, tlen);
			a->an++;
			return DNS_RCODE_NOERROR;
		}
	}
	return DNS_RCODE_REFUSED;
}

static uint8_t resolve(struct ans *a)
{
	const struct dns_query *q = a->q;
	const struct dns_zone_entry *e;
	size_t plen;
	uint16_t apex;
	bool ent;

	if (q->qclass != DNS_CLASS_IN && q->qclass != DNS_CLASS_ANY)
		return DNS_RCODE_REFUSED;
	if (!dns_name_is_under(a->lq, q->qname_len, a->z->origin, a->z->origin_len, &plen))
		return answer_reverse(a);
	if (q->qtype == DNS_TYPE_AXFR || q->qtype == DNS_TYPE_IXFR)
		return DNS_RCODE_REFUSED; /* no zone transfers */
	a->aa = true;
	apex = (uint16_t)(DNS_HDR_LEN + plen);
	if (plen == 0) {
		if (q->qtype == DNS_TYPE_SOA || q->qtype == DNS_TYPE_ANY) {
			put_soa(a, apex);
			a->an++;
		}
		if (q->qtype == DNS_TYPE_NS || q->qtype == DNS_TYPE_ANY) {
			put_ns(a, apex);
			a->an++;
		}
		if (!a->an) {
			put_soa(a, apex);
			a->ns++;
		}
		return DNS_RCODE_NOERROR;
	}
	e = lookup(a, plen, &ent);
	if (e)
		put_addrs(a, e);
	if (!a->an) {
		put_soa(a, apex);
		a->ns++;
	}
	return e || ent ? DNS_RCODE_NOERROR : DNS_RCODE_NXDOMAIN;
}

int dns_zone_answer(const struct dns_zone *z, const uint8_t *in, size_t qlen, bool tcp,
		    uint64_t now_ms, uint8_t *out, size_t cap, size_t *out_len,
		    struct dns_answer_info *info)
{
	struct dns_query q;
	struct ans a = {.z = z, .q = &q, .now_ms = now_ms};
	size_t limit, opt_len, q_end, used;
	uint16_t flags;
	uint8_t rcode;
	int rc;

	memset(info, 0, sizeof(*info));
	*out_len = 0;
	rc = wire_dns_query_decode(in, qlen, &q);
	if (rc < 0)
		return rc;
	OMNI_ASSERT(cap >= DNS_UDP_PLAIN_MAX);
	info->qtype = q.qtype;
	info->edns = q.has_edns;
	flags = DNS_FLAG_QR | (q.hdr.flags & (DNS_OPCODE_MASK | DNS_FLAG_RD | DNS_FLAG_CD));

	if (q.opcode != DNS_OPCODE_QUERY) {
		struct dns_header h = {.id = q.hdr.id, .flags = flags | DNS_RCODE_NOTIMP};
		struct wcur w = wcur_make(out, cap);

		wire_dns_header_write(&w, &h);
		info->rcode = DNS_RCODE_NOTIMP;
		info->edns = false;
		*out_len = DNS_HDR_LEN;
		return 0;
	}

	if (tcp)
		limit = DNS_TCP_MAX;
	else if (q.has_edns)
		limit = MIN(MAX(q.edns_udp_size, DNS_UDP_PLAIN_MAX), DNS_UDP_EDNS_MAX);
	else
		limit = DNS_UDP_PLAIN_MAX;
	limit = MIN(limit, cap);
	opt_len = q.has_edns ? DNS_RR_MIN : 0;
	q_end = DNS_HDR_LEN + q.qname_len + 4;
	/* A question (at most 271 octets) and an OPT always fit 512. */
	a.w = wcur_make(out, limit - opt_len);
	wcur_zero(&a.w, DNS_HDR_LEN);
	wire_dns_name_write(&a.w, q.qname, q.qname_len);
	wcur_be16(&a.w, q.qtype);
	wcur_be16(&a.w, q.qclass);
	OMNI_ASSERT(!a.w.bad);
	memcpy(a.lq, q.qname, q.qname_len);
	dns_name_lower(a.lq, q.qname_len);

	if (q.has_edns && q.edns_version != 0)
		rcode = DNS_RCODE_BADVERS; /* RFC 6891 §6.1.3 */
	else
		rcode = resolve(&a);
	if (a.w.bad) {
		info->truncated = true;
		a.an = a.ns = 0;
		a.w = wcur_make(out + q_end, limit - opt_len - q_end);
	}
	used = (size_t)(a.w.p - out);
	if (q.has_edns) {
		struct wcur o = wcur_make(out + used, opt_len);

		wire_dns_opt_write(&o, DNS_UDP_EDNS_MAX, (uint8_t)(rcode >> 4), q.edns_do);
		used += opt_len;
	}
	flags |= (uint16_t)(rcode & DNS_RCODE_MASK);
	if (a.aa)
		flags |= DNS_FLAG_AA;
	if (info->truncated)
		flags |= DNS_FLAG_TC;
	put_be16(out, q.hdr.id);
	put_be16(out + 2, flags);
	put_be16(out + 4, 1);
	put_be16(out + 6, a.an);
	put_be16(out + 8, a.ns);
	put_be16(out + 10, q.has_edns ? 1 : 0);
	info->rcode = rcode;
	info->aa = a.aa;
	info->answers = a.an;
	*out_len = used;
	return 0;
}
