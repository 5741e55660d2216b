// SPDX-License-Identifier: MIT
/*
 * addr.c - textual address/prefix codecs and the OMNI address derivations.
 * Uses inet_pton/inet_ntop only (no resolver, no locale); never touches
 * memory beyond the caller's buffers.
 */
#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_port(const char *s, uint16_t *out)
{
	if (*s == '\0' || strlen(s) > 5)
		return -EINVAL;
	unsigned v = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (v == 0 || v > 65535)
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

static int parse_endpoint(const char *s, uint16_t default_port, union sockaddr_any *out);

int addr_parse_endpoint(const char *s, uint16_t default_port, union sockaddr_any *out)
{
	int r = parse_endpoint(s, default_port, out);
	if (r < 0)
		memset(out, 0, sizeof(*out));
	return r;
}

static int parse_endpoint(const char *s, uint16_t default_port, union sockaddr_any *out)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *port_s = NULL;
	uint16_t port = default_port;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!s)
		return -EINVAL;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end)
			return -EINVAL;
		n = (size_t)(end - s - 1);
		if (n == 0 || n >= sizeof(host))
			return -EINVAL;
		memcpy(host, s + 1, n);
		host[n] = '\0';
		if (end[1] == ':')
			port_s = end + 2;
		else if (end[1] != '\0')
			return -EINVAL;
		if (port_s && parse_port(port_s, &port) < 0)
			return -EINVAL;
		if (inet_pton(AF_INET6, host, &out->in6.sin6_addr) != 1)
			return -EINVAL;
		out->in6.sin6_family = AF_INET6;
		out->in6.sin6_port = htons(port);
		return port ? 0 : -EINVAL;
	}
	const char *colon = strchr(s, ':');
	if (colon && strchr(colon + 1, ':')) {
		/* Bare IPv6 address without brackets: no port. */
		if (strlen(s) >= sizeof(host) || inet_pton(AF_INET6, s, &out->in6.sin6_addr) != 1)
			return -EINVAL;
		out->in6.sin6_family = AF_INET6;
		out->in6.sin6_port = htons(port);
		return port ? 0 : -EINVAL;
	}
	n = colon ? (size_t)(colon - s) : strlen(s);
	if (n == 0 || n >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, n);
	host[n] = '\0';
	if (colon && parse_port(colon + 1, &port) < 0)
		return -EINVAL;
	if (inet_pton(AF_INET, host, &out->in4.sin_addr) != 1)
		return -EINVAL;
	out->in4.sin_family = AF_INET;
	out->in4.sin_port = htons(port);
	return port ? 0 : -EINVAL;
}

int addr_parse_prefix(const char *s, struct prefix *out)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *slash = s ? strchr(s, '/') : NULL;
	size_t n;
	unsigned len = 0;

	memset(out, 0, sizeof(*out));
	if (!s)
		return -EINVAL;
	n = slash ? (size_t)(slash - s) : strlen(s);
	if (n == 0 || n >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, n);
	host[n] = '\0';
	if (inet_pton(AF_INET6, host, out->addr) == 1)
		out->family = AF_INET6;
	else if (inet_pton(AF_INET, host, out->addr) == 1)
		out->family = AF_INET;
	else
		return -EINVAL;
	unsigned max = out->family == AF_INET ? 32 : 128;
	if (slash) {
		const char *p = slash + 1;
		if (*p == '\0' || strlen(p) > 3)
			return -EINVAL;
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				return -EINVAL;
			len = len * 10 + (unsigned)(*p - '0');
		}
		if (len > max)
			return -EINVAL;
	} else {
		len = max;
	}
	out->plen = (uint8_t)len;
	return 0;
}

void prefix_mask(struct prefix *p)
{
	size_t bytes = p->family == AF_INET ? 4 : 16;
	for (size_t i = 0; i < 16; i++) {
		int bits = (int)p->plen - (int)(i * 8);
		if (i >= bytes || bits <= 0)
			p->addr[i] = 0;
		else if (bits < 8)
			p->addr[i] &= (uint8_t)(0xff << (8 - bits));
	}
}

static bool match_bits(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	size_t full = bits / 8;
	if (memcmp(a, b, full) != 0)
		return false;
	unsigned rest = bits % 8;
	if (rest == 0)
		return true;
	uint8_t m = (uint8_t)(0xff << (8 - rest));
	return (a[full] & m) == (b[full] & m);
}

bool prefix_contains(const struct prefix *p, int family, const uint8_t *addr)
{
	return p->family == family && match_bits(p->addr, addr, p->plen);
}

bool prefix_overlaps(const struct prefix *a, const struct prefix *b)
{
	return a->family == b->family && match_bits(a->addr, b->addr, MIN(a->plen, b->plen));
}

char *prefix_format(const struct prefix *p, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];
	if (!inet_ntop(p->family == AF_INET ? AF_INET : AF_INET6, p->addr, host, sizeof(host)))
		snprintf(host, sizeof(host), "?");
	snprintf(buf, len, "%s/%u", host, p->plen);
	return buf;
}

char *addr_format_endpoint(const union sockaddr_any *a, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];
	if (a->sa.sa_family == AF_INET) {
		inet_ntop(AF_INET, &a->in4.sin_addr, host, sizeof(host));
		snprintf(buf, len, "%s:%u", host, ntohs(a->in4.sin_port));
	} else if (a->sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &a->in6.sin6_addr, host, sizeof(host));
		snprintf(buf, len, "[%s]:%u", host, ntohs(a->in6.sin6_port));
	} else {
		snprintf(buf, len, "(none)");
	}
	return buf;
}

socklen_t addr_len(const union sockaddr_any *a)
{
	return a->sa.sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
}

bool addr_equal(const union sockaddr_any *a, const union sockaddr_any *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->in4.sin_port == b->in4.sin_port &&
		       a->in4.sin_addr.s_addr == b->in4.sin_addr.s_addr;
	if (a->sa.sa_family == AF_INET6)
		return a->in6.sin6_port == b->in6.sin6_port &&
		       memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr, 16) == 0;
	return false;
}

void omni_lla_from_mnp(const struct prefix *mnp, struct in6_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->s6_addr[0] = 0xfe;
	out->s6_addr[1] = 0x80;
	struct prefix m = *mnp;
	prefix_mask(&m);
	memcpy(out->s6_addr + 8, m.addr, 8);
}

void omni_lla_adm(uint32_t msid, struct in6_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->s6_addr[0] = 0xfe;
	out->s6_addr[1] = 0x80;
	out->s6_addr[12] = (uint8_t)(msid >> 24);
	out->s6_addr[13] = (uint8_t)(msid >> 16);
	out->s6_addr[14] = (uint8_t)(msid >> 8);
	out->s6_addr[15] = (uint8_t)msid;
}

static void ula64(const struct prefix *domain, uint16_t link_id, struct in6_addr *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->s6_addr, domain->addr, 6);
	out->s6_addr[6] = (uint8_t)(link_id >> 8);
	out->s6_addr[7] = (uint8_t)link_id;
}

void omni_ula_from_mnp(const struct prefix *domain, uint16_t link_id, const struct prefix *mnp,
		       struct in6_addr *out)
{
	struct prefix m = *mnp;
	prefix_mask(&m);
	ula64(domain, link_id, out);
	memcpy(out->s6_addr + 8, m.addr, 8);
}

void omni_ula_adm(const struct prefix *domain, uint16_t link_id, uint32_t msid,
		  struct in6_addr *out)
{
	ula64(domain, link_id, out);
	out->s6_addr[12] = (uint8_t)(msid >> 24);
	out->s6_addr[13] = (uint8_t)(msid >> 16);
	out->s6_addr[14] = (uint8_t)(msid >> 8);
	out->s6_addr[15] = (uint8_t)msid;
}

void omni_lla_from_ipv4_mnp(const struct prefix *mnp4, struct in6_addr *out)
{
	struct prefix m = *mnp4;
	prefix_mask(&m);
	memset(out, 0, sizeof(*out));
	out->s6_addr[0] = 0xfe;
	out->s6_addr[1] = 0x80;
	out->s6_addr[10] = 0xff;
	out->s6_addr[11] = 0xff;
	memcpy(out->s6_addr + 12, m.addr, 4);
}

void omni_mnp64_from_lla(const struct in6_addr *lla, struct in6_addr *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->s6_addr, lla->s6_addr + 8, 8);
}

bool omni_msid_from_lla(const struct in6_addr *lla, uint32_t *msid)
{
	static const uint8_t pfx[12] = { 0xfe, 0x80 };
	if (memcmp(lla->s6_addr, pfx, 12) != 0)
		return false;
	uint32_t v = (uint32_t)lla->s6_addr[12] << 24 | (uint32_t)lla->s6_addr[13] << 16 |
		     (uint32_t)lla->s6_addr[14] << 8 | lla->s6_addr[15];
	if (v == 0)
		return false;
	*msid = v;
	return true;
}
