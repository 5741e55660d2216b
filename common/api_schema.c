// SPDX-License-Identifier: MIT
/*
 * api_schema.c - jansson encoders and decoders for the control API. Scalar
 * members are described once in field tables (name, kind, offset, limits)
 * that drive both directions, so a member added later needs one table row.
 * Owns nothing beyond the documents it builds and the arrays a decoder
 * allocates; never performs I/O and never trusts a length it did not check.
 */
#include "api_schema.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum field_kind { FK_STR, FK_U32, FK_U64, FK_I64, FK_INT };

struct field {
	const char *key;
	enum field_kind kind;
	size_t off;
	size_t cap; /* FK_STR: size of the char array, NUL included */
	int64_t min, max;
};

/* clang-format off */
#define F_STR(T, m) { #m, FK_STR, offsetof(T, m), sizeof(((T *)0)->m), 0, 0 }
#define F_NUM(T, m, k, lo, hi) { #m, k, offsetof(T, m), 0, lo, hi }
/* clang-format on */

static const struct field status_fields[] = {
    F_STR(struct api_status, node),
    F_STR(struct api_status, version),
    F_STR(struct api_status, public_key),
    F_STR(struct api_status, tun),
    F_NUM(struct api_status, mtu, FK_U32, 0, UINT32_MAX),
    F_STR(struct api_status, oal_addr),
    F_NUM(struct api_status, uptime_s, FK_U64, 0, INT64_MAX),
    F_NUM(struct api_status, pid, FK_INT, 0, INT_MAX),
};

static const struct field peer_fields[] = {
    F_STR(struct api_peer_status, name),
    F_STR(struct api_peer_status, public_key),
    F_STR(struct api_peer_status, endpoint),
    F_STR(struct api_peer_status, oal_addr),
    F_STR(struct api_peer_status, state),
    F_NUM(struct api_peer_status, last_handshake, FK_I64, 0, INT64_MAX),
    F_NUM(struct api_peer_status, last_rx_ms_ago, FK_I64, -1, INT64_MAX),
    F_NUM(struct api_peer_status, rx_packets, FK_U64, 0, INT64_MAX),
    F_NUM(struct api_peer_status, rx_bytes, FK_U64, 0, INT64_MAX),
    F_NUM(struct api_peer_status, tx_packets, FK_U64, 0, INT64_MAX),
    F_NUM(struct api_peer_status, tx_bytes, FK_U64, 0, INT64_MAX),
};

static const struct field dns_names_fields[] = {
    F_STR(struct api_dns_names, zone),
    F_NUM(struct api_dns_names, ttl, FK_U32, 0, UINT32_MAX),
    F_NUM(struct api_dns_names, serial, FK_U32, 0, UINT32_MAX),
    F_NUM(struct api_dns_names, listen_port, FK_U32, 0, 65535),
};

static const struct field dns_name_fields[] = {
    F_STR(struct api_dns_name, name),
    F_STR(struct api_dns_name, id),
    F_STR(struct api_dns_name, source),
    F_NUM(struct api_dns_name, ttl, FK_U32, 0, UINT32_MAX),
};

/* Decoder error sink: "<ctx><key>: <message>". */
struct derr {
	char *buf;
	size_t len;
};

PRINTF(4, 5)
static int fail(struct derr *e, const char *ctx, const char *key, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!e->buf || !e->len)
		return -EBADMSG;
	n = snprintf(e->buf, e->len, "%s%s%s", ctx, key, key[0] ? ": " : "");
	if (n >= 0 && (size_t)n < e->len) {
		va_start(ap, fmt);
		vsnprintf(e->buf + n, e->len - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

static void set_new(json_t *obj, const char *key, json_t *v)
{
	OMNI_ASSERT(v != NULL);
	OMNI_ASSERT(json_object_set_new(obj, key, v) == 0);
}

static void append_new(json_t *arr, json_t *v)
{
	OMNI_ASSERT(v != NULL);
	OMNI_ASSERT(json_array_append_new(arr, v) == 0);
}

/* A JSON string of at most @cap octets of @s; invalid UTF-8 octets become '?'. */
static json_t *enc_str(const char *s, size_t cap)
{
	size_t n = s ? strnlen(s, cap) : 0;
	json_t *j = json_stringn(s ? s : "", n);
	char *tmp;

	if (j)
		return j;
	tmp = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		tmp[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
	j = json_stringn(tmp, n);
	free(tmp);
	OMNI_ASSERT(j != NULL);
	return j;
}

static json_t *enc_u64(uint64_t v)
{
	return json_integer(v > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)v);
}

static void encode_fields(json_t *obj, const struct field *f, size_t n, const void *base)
{
	const char *p = base;

	for (size_t i = 0; i < n; i++) {
		const void *m = p + f[i].off;
		json_t *v = NULL;

		switch (f[i].kind) {
		case FK_STR:
			v = enc_str(m, f[i].cap);
			break;
		case FK_U32:
			v = json_integer(*(const uint32_t *)m);
			break;
		case FK_U64:
			v = enc_u64(*(const uint64_t *)m);
			break;
		case FK_I64:
			v = json_integer(*(const int64_t *)m);
			break;
		case FK_INT:
			v = json_integer(*(const int *)m);
			break;
		}
		set_new(obj, f[i].key, v);
	}
}

static json_t *enc_counters(const struct api_counter *c, size_t n)
{
	json_t *obj = json_object();

	OMNI_ASSERT(obj != NULL);
	for (size_t i = 0; i < n; i++)
		set_new(obj, c[i].name, enc_u64(c[i].value));
	return obj;
}

static json_t *enc_strlist(char *const *s, size_t n)
{
	json_t *arr = json_array();

	OMNI_ASSERT(arr != NULL);
	for (size_t i = 0; i < n; i++)
		append_new(arr, enc_str(s[i], SIZE_MAX));
	return arr;
}

json_t *api_status_encode(const struct api_status *s)
{
	json_t *obj = json_object(), *peers;

	OMNI_ASSERT(obj != NULL);
	encode_fields(obj, status_fields, ARRAY_SIZE(status_fields), s);
	set_new(obj, "counters", enc_counters(s->counters, s->n_counters));
	set_new(obj, "underlays", enc_strlist(s->underlays, s->n_underlays));
	peers = json_array();
	OMNI_ASSERT(peers != NULL);
	for (size_t i = 0; i < s->n_peers; i++) {
		const struct api_peer_status *p = &s->peers[i];
		json_t *po = json_object();

		OMNI_ASSERT(po != NULL);
		encode_fields(po, peer_fields, ARRAY_SIZE(peer_fields), p);
		set_new(po, "prefixes", enc_strlist(p->prefixes, p->n_prefixes));
		set_new(po, "counters", enc_counters(p->counters, p->n_counters));
		append_new(peers, po);
	}
	set_new(obj, "peers", peers);
	return obj;
}

/* Copy a JSON string into @dst[@cap]; too long (no room for the NUL) or embedded NUL fails. */
static int dec_str(const json_t *v, char *dst, size_t cap, struct derr *e, const char *ctx,
		   const char *key)
{
	const char *s;
	size_t n;

	if (!json_is_string(v))
		return fail(e, ctx, key, "expected a string");
	s = json_string_value(v);
	n = json_string_length(v);
	if (n >= cap)
		return fail(e, ctx, key, "string too long (%zu octets, max %zu)", n, cap - 1);
	if (memchr(s, '\0', n))
		return fail(e, ctx, key, "string contains NUL");
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

static int dec_int(const json_t *v, int64_t min, int64_t max, int64_t *out, struct derr *e,
		   const char *ctx, const char *key)
{
	json_int_t x;

	if (!json_is_integer(v))
		return fail(e, ctx, key, "expected an integer");
	x = json_integer_value(v);
	if (x < min || x > max)
		return fail(e, ctx, key, "%lld out of range [%" PRId64 ", %" PRId64 "]",
			    (long long)x, min, max);
	*out = x;
	return 0;
}

static int decode_fields(const json_t *obj, const struct field *f, size_t n, void *base,
			 struct derr *e, const char *ctx)
{
	char *p = base;

	for (size_t i = 0; i < n; i++) {
		const json_t *v = json_object_get(obj, f[i].key);
		void *m = p + f[i].off;
		int64_t x = 0;
		int ret;

		if (!v)
			return fail(e, ctx, f[i].key, "missing");
		if (f[i].kind == FK_STR) {
			ret = dec_str(v, m, f[i].cap, e, ctx, f[i].key);
			if (ret < 0)
				return ret;
			continue;
		}
		ret = dec_int(v, f[i].min, f[i].max, &x, e, ctx, f[i].key);
		if (ret < 0)
			return ret;
		switch (f[i].kind) {
		case FK_U32:
			*(uint32_t *)m = (uint32_t)x;
			break;
		case FK_U64:
			*(uint64_t *)m = (uint64_t)x;
			break;
		case FK_I64:
			*(int64_t *)m = x;
			break;
		case FK_INT:
			*(int *)m = (int)x;
			break;
		case FK_STR:
			break;
		}
	}
	return 0;
}

/* Allocates *@out and sets *@n before filling, so a partial result is freeable. */
static int dec_counters(const json_t *obj, struct api_counter **out, size_t *n, struct derr *e,
			const char *ctx)
{
	const json_t *v = json_object_get(obj, "counters");
	size_t i = 0, cnt, klen;
	const char *key;
	json_t *val;

	if (!v)
		return fail(e, ctx, "counters", "missing");
	if (!json_is_object(v))
		return fail(e, ctx, "counters", "expected an object");
	cnt = json_object_size(v);
	if (cnt > API_MAX_COUNTERS)
		return fail(e, ctx, "counters", "too many (%zu, max %d)", cnt, API_MAX_COUNTERS);
	*out = cnt ? xcalloc(cnt, sizeof(**out)) : NULL;
	*n = cnt;
	json_object_keylen_foreach((json_t *)(uintptr_t)v, key, klen, val)
	{
		int64_t x = 0;
		int ret;

		if (i >= cnt)
			break;
		if (klen == 0 || klen >= API_COUNTER_NAME_MAX || strlen(key) != klen)
			return fail(e, ctx, "counters",
				    "bad counter name (empty, NUL or over %d octets)",
				    API_COUNTER_NAME_MAX - 1);
		ret = dec_int(val, 0, INT64_MAX, &x, e, ctx, "counters");
		if (ret < 0)
			return ret;
		(*out)[i].name = xstrdup(key);
		(*out)[i].value = (uint64_t)x;
		i++;
	}
	return 0;
}

/* A required array member @key of at most @max elements; *@cnt gets its size. */
static int dec_array(const json_t *obj, const char *key, size_t max, const json_t **arr,
		     size_t *cnt, struct derr *e)
{
	const json_t *a = json_object_get(obj, key);
	if (!a)
		return fail(e, "", key, "missing");
	if (!json_is_array(a))
		return fail(e, "", key, "expected an array");
	*cnt = json_array_size(a);
	if (*cnt > max)
		return fail(e, "", key, "too many (%zu, max %zu)", *cnt, max);
	*arr = a;
	return 0;
}

static int dec_strlist(const json_t *obj, const char *key, size_t max, char ***out, size_t *n,
		       struct derr *e, const char *ctx)
{
	const json_t *v = json_object_get(obj, key);
	char item[API_LIST_STRING_MAX];
	char ikey[64];
	size_t cnt;

	if (!v)
		return fail(e, ctx, key, "missing");
	if (!json_is_array(v))
		return fail(e, ctx, key, "expected an array");
	cnt = json_array_size(v);
	if (cnt > max)
		return fail(e, ctx, key, "too many elements (%zu, max %zu)", cnt, max);
	*out = cnt ? xcalloc(cnt, sizeof(**out)) : NULL;
	*n = cnt;
	for (size_t i = 0; i < cnt; i++) {
		int ret;

		snprintf(ikey, sizeof(ikey), "%s[%zu]", key, i);
		ret = dec_str(json_array_get(v, i), item, sizeof(item), e, ctx, ikey);
		if (ret < 0)
			return ret;
		(*out)[i] = xstrdup(item);
	}
	return 0;
}

static int dec_peer(const json_t *v, struct api_peer_status *p, struct derr *e, const char *ctx)
{
	int ret;

	if (!json_is_object(v))
		return fail(e, ctx, "", "expected an object");
	ret = decode_fields(v, peer_fields, ARRAY_SIZE(peer_fields), p, e, ctx);
	if (ret == 0)
		ret = dec_strlist(v, "prefixes", API_MAX_PREFIXES, &p->prefixes, &p->n_prefixes, e,
				  ctx);
	if (ret == 0)
		ret = dec_counters(v, &p->counters, &p->n_counters, e, ctx);
	return ret;
}

int api_status_decode(const json_t *j, struct api_status *out, char *err, size_t errlen)
{
	struct derr e = {err, errlen};
	const json_t *peers = NULL;
	char ctx[48];
	size_t cnt = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	if (err && errlen)
		err[0] = '\0';
	if (!json_is_object(j))
		return fail(&e, "", "", "status: expected an object");
	ret = decode_fields(j, status_fields, ARRAY_SIZE(status_fields), out, &e, "");
	if (ret == 0)
		ret = dec_counters(j, &out->counters, &out->n_counters, &e, "");
	if (ret == 0)
		ret = dec_strlist(j, "underlays", API_MAX_UNDERLAYS, &out->underlays,
				  &out->n_underlays, &e, "");
	if (ret < 0)
		goto fail;

	ret = dec_array(j, "peers", API_MAX_PEERS, &peers, &cnt, &e);
	if (ret < 0)
		goto fail;
	out->peers = cnt ? xcalloc(cnt, sizeof(*out->peers)) : NULL;
	out->n_peers = cnt;
	for (size_t i = 0; i < cnt; i++) {
		snprintf(ctx, sizeof(ctx), "peers[%zu].", i);
		ret = dec_peer(json_array_get(peers, i), &out->peers[i], &e, ctx);
		if (ret < 0)
			goto fail;
	}
	return 0;
fail:
	api_status_free(out);
	return ret;
}

static void free_counters(struct api_counter *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((void *)(uintptr_t)c[i].name);
	free(c);
}

static void free_strlist(char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

void api_status_free(struct api_status *s)
{
	free_counters(s->counters, s->n_counters);
	free_strlist(s->underlays, s->n_underlays);
	for (size_t i = 0; i < s->n_peers; i++) {
		free_counters(s->peers[i].counters, s->peers[i].n_counters);
		free_strlist(s->peers[i].prefixes, s->peers[i].n_prefixes);
	}
	free(s->peers);
	memset(s, 0, sizeof(*s));
}

json_t *api_error_encode(const char *code, const char *message, int err)
{
	json_t *obj = json_object(), *inner = json_object();

	OMNI_ASSERT(obj != NULL && inner != NULL);
	set_new(inner, "code", enc_str(code, SIZE_MAX));
	set_new(inner, "message", enc_str(message ? message : "", SIZE_MAX));
	set_new(inner, "errno", json_integer(err < 0 ? -(json_int_t)err : err));
	set_new(obj, "error", inner);
	return obj;
}

int api_error_decode(const json_t *j, char *code, size_t codelen, char *msg, size_t msglen)
{
	const json_t *inner = json_object_get(j, "error"), *c, *m;
	struct derr e = {NULL, 0};

	if (!json_is_object(inner))
		return -EBADMSG;
	c = json_object_get(inner, "code");
	if (!codelen || dec_str(c, code, codelen, &e, "", "code") < 0 || !code[0])
		return -EBADMSG;
	m = json_object_get(inner, "message");
	if (msglen) {
		msg[0] = '\0';
		if (json_is_string(m))
			snprintf(msg, msglen, "%s", json_string_value(m));
		else if (m)
			return -EBADMSG;
	}
	return 0;
}

/* True if @j nests more than @budget containers deep. */
static bool too_deep(const json_t *j, int budget)
{
	const char *k;
	json_t *v;
	size_t i;

	if (!json_is_object(j) && !json_is_array(j))
		return false;
	if (budget == 0)
		return true;
	if (json_is_object(j)) {
		json_object_foreach((json_t *)(uintptr_t)j, k, v)
		{
			if (too_deep(v, budget - 1))
				return true;
		}
		return false;
	}
	json_array_foreach(j, i, v)
	{
		if (too_deep(v, budget - 1))
			return true;
	}
	return false;
}

int api_json_parse(const char *buf, size_t len, json_t **out, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *j;

	*out = NULL;
	if (len > API_RESPONSE_MAX) {
		if (err && errlen)
			snprintf(err, errlen, "document too large (%zu octets)", len);
		return -EMSGSIZE;
	}
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j) {
		if (err && errlen)
			snprintf(err, errlen, "invalid JSON at line %d column %d: %s", jerr.line,
				 jerr.column, jerr.text);
		return -EBADMSG;
	}
	if (too_deep(j, API_JSON_MAX_DEPTH)) {
		json_decref(j);
		if (err && errlen)
			snprintf(err, errlen, "JSON nested deeper than %d levels",
				 API_JSON_MAX_DEPTH);
		return -EBADMSG;
	}
	*out = j;
	return 0;
}

/* ---- GET /v1/dns/names ---- */

json_t *api_dns_names_encode(const struct api_dns_names *d)
{
	json_t *obj = json_object(), *names = json_array();

	OMNI_ASSERT(obj != NULL && names != NULL);
	encode_fields(obj, dns_names_fields, ARRAY_SIZE(dns_names_fields), d);
	set_new(obj, "listen", enc_strlist(d->listen, d->n_listen));
	for (size_t i = 0; i < d->n_names; i++) {
		const struct api_dns_name *n = &d->names[i];
		json_t *no = json_object();

		OMNI_ASSERT(no != NULL);
		encode_fields(no, dns_name_fields, ARRAY_SIZE(dns_name_fields), n);
		set_new(no, "addresses", enc_strlist(n->addresses, n->n_addresses));
		append_new(names, no);
	}
	set_new(obj, "names", names);
	return obj;
}

int api_dns_names_decode(const json_t *j, struct api_dns_names *out, char *err, size_t errlen)
{
	struct derr e = {err, errlen};
	const json_t *names = NULL;
	char ctx[48];
	size_t cnt = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	if (err && errlen)
		err[0] = '\0';
	if (!json_is_object(j))
		return fail(&e, "", "", "dns names: expected an object");
	ret = decode_fields(j, dns_names_fields, ARRAY_SIZE(dns_names_fields), out, &e, "");
	if (ret == 0)
		ret = dec_strlist(j, "listen", API_MAX_DNS_LISTEN, &out->listen, &out->n_listen,
				  &e, "");
	if (ret < 0)
		goto fail;
	ret = dec_array(j, "names", API_MAX_DNS_NAMES, &names, &cnt, &e);
	if (ret < 0)
		goto fail;
	out->names = cnt ? xcalloc(cnt, sizeof(*out->names)) : NULL;
	out->n_names = cnt;
	for (size_t i = 0; i < cnt; i++) {
		const json_t *v = json_array_get(names, i);
		struct api_dns_name *n = &out->names[i];

		snprintf(ctx, sizeof(ctx), "names[%zu].", i);
		if (!json_is_object(v)) {
			ret = fail(&e, ctx, "", "expected an object");
			goto fail;
		}
		ret = decode_fields(v, dns_name_fields, ARRAY_SIZE(dns_name_fields), n, &e, ctx);
		if (ret == 0)
			ret = dec_strlist(v, "addresses", API_MAX_DNS_ADDRS, &n->addresses,
					  &n->n_addresses, &e, ctx);
		if (ret < 0)
			goto fail;
	}
	return 0;
fail:
	api_dns_names_free(out);
	return ret;
}

void api_dns_names_free(struct api_dns_names *d)
{
	free_strlist(d->listen, d->n_listen);
	for (size_t i = 0; i < d->n_names; i++)
		free_strlist(d->names[i].addresses, d->names[i].n_addresses);
	free(d->names);
	memset(d, 0, sizeof(*d));
}

/* ---- request bodies ---- */

/* A config-file-safe string: printable ASCII, no surrounding blanks, fits @cap with its NUL. */
static int dec_cfgstr(const json_t *v, char *dst, size_t cap, struct derr *e, const char *ctx,
		      const char *key)
{
	size_t n;

	if (dec_str(v, dst, cap, e, ctx, key) < 0)
		return -EBADMSG;
	n = strlen(dst);
	if (n == 0)
		return fail(e, ctx, key, "empty");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)dst[i] < 0x20 || (unsigned char)dst[i] > 0x7e)
			return fail(e, ctx, key, "control or non-ASCII character");
	if (dst[0] == ' ' || dst[n - 1] == ' ')
		return fail(e, ctx, key, "leading or trailing blank");
	return 0;
}

/* Every member of @obj must be one of @keys. */
static int only_keys(const json_t *obj, const char *const *keys, size_t n, struct derr *e,
		     const char *ctx)
{
	const char *k;
	const json_t *v;

	json_object_foreach((json_t *)(uintptr_t)obj, k, v) {
		bool ok = false;

		for (size_t i = 0; i < n && !ok; i++)
			ok = strcmp(k, keys[i]) == 0;
		if (!ok)
			return fail(e, ctx, "", "unknown member '%.64s'", k);
	}
	return 0;
}

/* A string or an array of strings into @dst[@max][@cap]. */
static int dec_cfglist(const json_t *v, char *dst, size_t cap, size_t max, size_t *n,
		       struct derr *e, const char *key)
{
	char ctx[64];

	*n = 0;
	if (json_is_string(v)) {
		*n = 1;
		return dec_cfgstr(v, dst, cap, e, "", key);
	}
	if (!json_is_array(v))
		return fail(e, "", key, "expected a string or an array of strings");
	if (json_array_size(v) > max)
		return fail(e, "", key, "too many (%zu, max %zu)", json_array_size(v), max);
	for (size_t i = 0; i < json_array_size(v); i++) {
		snprintf(ctx, sizeof(ctx), "%s[%zu]", key, i);
		if (dec_cfgstr(json_array_get(v, i), dst + i * cap, cap, e, "", ctx) < 0)
			return -EBADMSG;
	}
	*n = json_array_size(v);
	return 0;
}

static const char *const peer_req_keys[] = { "name",	"public_key",	  "endpoint",
					     "mnp",	"msid",		  "allowed_prefix",
					     "persistent_keepalive" };

int api_peer_req_decode(const json_t *j, struct api_peer_req *out, char *err, size_t errlen)
{
	struct derr e = { err, errlen };
	const json_t *v;
	int64_t x = 0;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(j))
		return fail(&e, "", "", "expected an object");
	if (only_keys(j, peer_req_keys, ARRAY_SIZE(peer_req_keys), &e, "") < 0)
		goto bad;
	if (!(v = json_object_get(j, "name"))) {
		fail(&e, "", "name", "missing");
		goto bad;
	}
	if (dec_cfgstr(v, out->name, sizeof(out->name), &e, "", "name") < 0)
		goto bad;
	if (!(v = json_object_get(j, "public_key"))) {
		fail(&e, "", "public_key", "missing");
		goto bad;
	}
	if (dec_cfgstr(v, out->public_key, sizeof(out->public_key), &e, "", "public_key") < 0)
		goto bad;
	if ((v = json_object_get(j, "endpoint")) &&
	    dec_cfglist(v, &out->endpoints[0][0], API_REQ_STR_MAX, API_REQ_MAX_ENDPOINTS,
			&out->n_endpoints, &e, "endpoint") < 0)
		goto bad;
	if ((v = json_object_get(j, "allowed_prefix")) &&
	    dec_cfglist(v, &out->allowed[0][0], API_REQ_STR_MAX, API_REQ_MAX_ALLOWED,
			&out->n_allowed, &e, "allowed_prefix") < 0)
		goto bad;
	if ((v = json_object_get(j, "mnp")) &&
	    dec_cfgstr(v, out->mnp, sizeof(out->mnp), &e, "", "mnp") < 0)
		goto bad;
	if ((v = json_object_get(j, "msid"))) {
		if (dec_int(v, 1, UINT32_MAX, &x, &e, "", "msid") < 0)
			goto bad;
		out->has_msid = true;
		out->msid = (uint32_t)x;
	}
	if (!out->mnp[0] == !out->has_msid) {
		fail(&e, "", "", "exactly one of 'mnp' and 'msid' is required");
		goto bad;
	}
	if ((v = json_object_get(j, "persistent_keepalive"))) {
		if (dec_int(v, 0, 65535, &x, &e, "", "persistent_keepalive") < 0)
			goto bad;
		out->has_keepalive = true;
		out->keepalive = (uint32_t)x;
	}
	return 0;
bad:
	memset(out, 0, sizeof(*out));
	return -EBADMSG;
}

json_t *api_peer_req_encode(const struct api_peer_req *r)
{
	json_t *obj = json_object(), *arr;

	OMNI_ASSERT(obj != NULL);
	set_new(obj, "name", enc_str(r->name, sizeof(r->name)));
	set_new(obj, "public_key", enc_str(r->public_key, sizeof(r->public_key)));
	if (r->n_endpoints) {
		arr = json_array();
		OMNI_ASSERT(arr != NULL);
		for (size_t i = 0; i < r->n_endpoints && i < API_REQ_MAX_ENDPOINTS; i++)
			append_new(arr, enc_str(r->endpoints[i], API_REQ_STR_MAX));
		set_new(obj, "endpoint", arr);
	}
	if (r->mnp[0])
		set_new(obj, "mnp", enc_str(r->mnp, sizeof(r->mnp)));
	if (r->has_msid)
		set_new(obj, "msid", json_integer(r->msid));
	if (r->n_allowed) {
		arr = json_array();
		OMNI_ASSERT(arr != NULL);
		for (size_t i = 0; i < r->n_allowed && i < API_REQ_MAX_ALLOWED; i++)
			append_new(arr, enc_str(r->allowed[i], API_REQ_STR_MAX));
		set_new(obj, "allowed_prefix", arr);
	}
	if (r->has_keepalive)
		set_new(obj, "persistent_keepalive", json_integer(r->keepalive));
	return obj;
}

static const char *const route_req_keys[] = { "prefix", "peer" };

int api_route_req_decode(const json_t *j, struct api_route_req *out, char *err, size_t errlen)
{
	struct derr e = { err, errlen };

	memset(out, 0, sizeof(*out));
	if (!json_is_object(j))
		return fail(&e, "", "", "expected an object");
	if (only_keys(j, route_req_keys, ARRAY_SIZE(route_req_keys), &e, "") < 0 ||
	    dec_cfgstr(json_object_get(j, "prefix"), out->prefix, sizeof(out->prefix), &e, "",
		       "prefix") < 0 ||
	    dec_cfgstr(json_object_get(j, "peer"), out->peer, sizeof(out->peer), &e, "",
		       "peer") < 0) {
		memset(out, 0, sizeof(*out));
		return -EBADMSG;
	}
	return 0;
}

json_t *api_route_req_encode(const struct api_route_req *r)
{
	json_t *obj = json_object();

	OMNI_ASSERT(obj != NULL);
	set_new(obj, "prefix", enc_str(r->prefix, sizeof(r->prefix)));
	set_new(obj, "peer", enc_str(r->peer, sizeof(r->peer)));
	return obj;
}

static const char *const log_req_keys[] = { "level", "debug" };

int api_log_req_decode(const json_t *j, struct api_log_req *out, char *err, size_t errlen)
{
	struct derr e = { err, errlen };
	const json_t *v;
	char ctx[32];

	memset(out, 0, sizeof(*out));
	if (!json_is_object(j))
		return fail(&e, "", "", "expected an object");
	if (only_keys(j, log_req_keys, ARRAY_SIZE(log_req_keys), &e, "") < 0)
		goto bad;
	if ((v = json_object_get(j, "level")) &&
	    dec_cfgstr(v, out->level, sizeof(out->level), &e, "", "level") < 0)
		goto bad;
	if ((v = json_object_get(j, "debug"))) {
		if (!json_is_array(v)) {
			fail(&e, "", "debug", "expected an array of strings");
			goto bad;
		}
		if (json_array_size(v) > API_REQ_MAX_DEBUG) {
			fail(&e, "", "debug", "too many (%zu, max %d)", json_array_size(v),
			     API_REQ_MAX_DEBUG);
			goto bad;
		}
		for (size_t i = 0; i < json_array_size(v); i++) {
			snprintf(ctx, sizeof(ctx), "debug[%zu]", i);
			if (dec_cfgstr(json_array_get(v, i), out->debug[i], sizeof(out->debug[i]),
				       &e, "", ctx) < 0)
				goto bad;
		}
		out->has_debug = true;
		out->n_debug = json_array_size(v);
	}
	if (!out->level[0] && !out->has_debug) {
		fail(&e, "", "", "expected 'level' or 'debug'");
		goto bad;
	}
	return 0;
bad:
	memset(out, 0, sizeof(*out));
	return -EBADMSG;
}

json_t *api_log_req_encode(const struct api_log_req *r)
{
	json_t *obj = json_object(), *arr;

	OMNI_ASSERT(obj != NULL);
	if (r->level[0])
		set_new(obj, "level", enc_str(r->level, sizeof(r->level)));
	if (r->has_debug) {
		arr = json_array();
		OMNI_ASSERT(arr != NULL);
		for (size_t i = 0; i < r->n_debug && i < API_REQ_MAX_DEBUG; i++)
			append_new(arr, enc_str(r->debug[i], sizeof(r->debug[i])));
		set_new(obj, "debug", arr);
	}
	return obj;
}

static const char *const reload_req_keys[] = { "check" };

int api_reload_req_decode(const json_t *j, struct api_reload_req *out, char *err, size_t errlen)
{
	struct derr e = { err, errlen };
	const json_t *v;

	memset(out, 0, sizeof(*out));
	if (!j)
		return 0;
	if (!json_is_object(j))
		return fail(&e, "", "", "expected an object");
	if (only_keys(j, reload_req_keys, ARRAY_SIZE(reload_req_keys), &e, "") < 0)
		return -EBADMSG;
	if ((v = json_object_get(j, "check"))) {
		if (!json_is_boolean(v))
			return fail(&e, "", "check", "expected true or false");
		out->check = json_is_true(v);
	}
	return 0;
}

json_t *api_reload_req_encode(const struct api_reload_req *r)
{
	json_t *obj = json_object();

	OMNI_ASSERT(obj != NULL);
	set_new(obj, "check", json_boolean(r->check));
	return obj;
}

static int dec_ehsec(const json_t *v, struct api_eh_kv *kv, size_t *n, struct derr *e,
		     const char *name)
{
	const char *k;
	const json_t *val;
	char ctx[64];

	*n = 0;
	if (!json_is_object(v))
		return fail(e, "", name, "expected an object");
	if (json_object_size(v) > API_REQ_MAX_EH_KEYS)
		return fail(e, "", name, "too many keys (%zu, max %d)", json_object_size(v),
			    API_REQ_MAX_EH_KEYS);
	json_object_foreach((json_t *)(uintptr_t)v, k, val) {
		size_t kl = strlen(k);

		snprintf(ctx, sizeof(ctx), "%s.%.32s", name, k);
		if (kl == 0 || kl >= sizeof(kv[*n].key) || strspn(k, "abcdefghijklmnopqrstuvwxyz_0123456789") != kl)
			return fail(e, "", ctx, "bad key name");
		memcpy(kv[*n].key, k, kl + 1);
		if (dec_cfgstr(val, kv[*n].value, sizeof(kv[*n].value), e, "", ctx) < 0)
			return -EBADMSG;
		(*n)++;
	}
	return 0;
}

static const char *const eh_req_keys[] = { "ehfilter", "ehfilter_exit" };

int api_ehfilter_req_decode(const json_t *j, struct api_ehfilter_req *out, char *err,
			    size_t errlen)
{
	struct derr e = { err, errlen };
	const json_t *v;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(j))
		return fail(&e, "", "", "expected an object");
	if (only_keys(j, eh_req_keys, ARRAY_SIZE(eh_req_keys), &e, "") < 0)
		goto bad;
	if ((v = json_object_get(j, "ehfilter")) &&
	    dec_ehsec(v, out->entry, &out->n_entry, &e, "ehfilter") < 0)
		goto bad;
	if ((v = json_object_get(j, "ehfilter_exit")) &&
	    dec_ehsec(v, out->exit, &out->n_exit, &e, "ehfilter_exit") < 0)
		goto bad;
	if (!out->n_entry && !out->n_exit) {
		fail(&e, "", "", "no keys to set");
		goto bad;
	}
	return 0;
bad:
	memset(out, 0, sizeof(*out));
	return -EBADMSG;
}

static json_t *enc_ehsec(const struct api_eh_kv *kv, size_t n)
{
	json_t *obj = json_object();

	OMNI_ASSERT(obj != NULL);
	for (size_t i = 0; i < n && i < API_REQ_MAX_EH_KEYS; i++)
		set_new(obj, kv[i].key, enc_str(kv[i].value, sizeof(kv[i].value)));
	return obj;
}

json_t *api_ehfilter_req_encode(const struct api_ehfilter_req *r)
{
	json_t *obj = json_object();

	OMNI_ASSERT(obj != NULL);
	if (r->n_entry)
		set_new(obj, "ehfilter", enc_ehsec(r->entry, r->n_entry));
	if (r->n_exit)
		set_new(obj, "ehfilter_exit", enc_ehsec(r->exit, r->n_exit));
	return obj;
}
