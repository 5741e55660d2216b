// SPDX-License-Identifier: MIT
/*
 * test_wire_nd.c - the ND + OMNI option codec against vectors/omni 01-06:
 * every vector decoded to its .json fields (read at run time with jansson),
 * every ok vector rebuilt byte for byte from those fields and the keys.json
 * seeds (signatures included), error classes and offsets, decode/encode
 * round trips, truncation at every offset, every bit flip, oversized
 * Sub-Length, unknown and duplicate sub-options, verification errors
 * (missing, alg, stale, no key) and encoder errors.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "icmp.h"
#include "wire_nd.h"

#define VEC(name) VECTORS_DIR "/omni/" name

static const char *const ok_vectors[] = {"01-rs",
					 "02-ra",
					 "03a-ns-ar",
					 "03b-na-ar",
					 "04-una",
					 "05-rs-split",
					 "06e-unknown-subopt-skipped"};

#include "vectors.h"

#define read_hex vectors_read_hex

static uint8_t *vec_bytes(const char *name, size_t *n)
{
	char path[512];
	snprintf(path, sizeof(path), VECTORS_DIR "/omni/%s.hex", name);
	return read_hex(path, n);
}

static json_t *vec_json(const char *name)
{
	char path[512];
	json_error_t je;
	snprintf(path, sizeof(path), VECTORS_DIR "/omni/%s.json", name);
	json_t *j = json_load_file(path, 0, &je);
	cr_assert(j != NULL, "%s: %s", path, je.text);
	return j;
}

static long long jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	cr_assert(json_is_integer(v), "missing integer %s", k);
	return json_integer_value(v);
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	cr_assert(json_is_string(v), "missing string %s", k);
	return json_string_value(v);
}

static void unhex(const char *s, uint8_t *out, size_t n)
{
	cr_assert_eq(strlen(s), 2 * n, "hex length of %s", s);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		cr_assert(sscanf(s + 2 * i, "%2x", &v) == 1);
		out[i] = (uint8_t)v;
	}
}

static void addr_eq(const void *a, const char *txt, int af)
{
	uint8_t b[16];
	cr_assert_eq(inet_pton(af, txt, b), 1, "%s", txt);
	cr_assert_arr_eq(a, b, af == AF_INET ? 4 : 16, "address %s", txt);
}

static void in6_from(struct in6_addr *a, const char *txt)
{
	cr_assert_eq(inet_pton(AF_INET6, txt, a), 1);
}

/* Ed25519 secret key (libsodium form) of a keys.json entry. */
static void key_of(const char *who, uint8_t sk[64], uint8_t pk[32])
{
	json_error_t je;
	json_t *k = json_load_file(VEC("keys.json"), 0, &je);
	cr_assert(k != NULL);
	json_t *e = json_object_get(k, who);
	cr_assert(e != NULL, "key %s", who);
	uint8_t seed[32], want_pk[32];
	unhex(jstr(e, "seed"), seed, 32);
	unhex(jstr(e, "public_key"), want_pk, 32);
	cr_assert_eq(sodium_init() >= 0, true);
	crypto_sign_seed_keypair(pk, sk, seed);
	cr_assert_arr_eq(pk, want_pk, 32);
	json_decref(k);
}

static void fix_csum(uint8_t *p, size_t n)
{
	uint32_t s = 0;
	p[42] = p[43] = 0;
	for (size_t i = 8; i < 40; i += 2)
		s += get_be16(p + i);
	s += (uint32_t)(n - 40) + 58;
	put_be16(p + 42, icmp_csum(p + 40, n - 40, s));
}

/* Storage for byte strings referenced by a message built from JSON. */
struct blobs {
	uint8_t b[ND_SUBOPT_MAX][128];
};

/* Fill @m from a vector's .json fields alone (no bytes from the .hex). */
static void msg_from_json(json_t *j, struct nd_msg *m, struct blobs *bl)
{
	memset(m, 0, sizeof(*m));
	json_t *ip = json_object_get(j, "ipv6"), *ic = json_object_get(j, "icmpv6");
	m->tc = (uint8_t)jint(ip, "traffic_class");
	m->flow = (uint32_t)jint(ip, "flow_label");
	m->hop_limit = (uint8_t)jint(ip, "hop_limit");
	in6_from(&m->src, jstr(ip, "src"));
	in6_from(&m->dst, jstr(ip, "dst"));
	m->type = (uint8_t)jint(ic, "type");
	m->code = (uint8_t)jint(ic, "code");
	json_t *f;
	if ((f = json_object_get(j, "rs"))) {
		m->reserved = (uint32_t)jint(f, "reserved");
	} else if ((f = json_object_get(j, "ra"))) {
		m->ra_cur_hop_limit = (uint8_t)jint(f, "cur_hop_limit");
		m->ra_flags = (uint8_t)jint(f, "flags");
		m->ra_router_lifetime = (uint16_t)jint(f, "router_lifetime");
		m->ra_reachable_time = (uint32_t)jint(f, "reachable_time");
		m->ra_retrans_timer = (uint32_t)jint(f, "retrans_timer");
	} else if ((f = json_object_get(j, "ns"))) {
		m->reserved = (uint32_t)jint(f, "reserved");
		in6_from(&m->target, jstr(f, "target"));
	} else {
		f = json_object_get(j, "na");
		cr_assert(f != NULL);
		m->na_r = jint(f, "r");
		m->na_s = jint(f, "s");
		m->na_o = jint(f, "o");
		m->reserved = (uint32_t)jint(f, "reserved");
		in6_from(&m->target, jstr(f, "target"));
	}
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(j, "suboptions"), i, s)
	{
		struct nd_subopt *o = &m->sub[m->n_sub++];
		o->type = (uint8_t)jint(s, "type");
		o->option = (uint8_t)jint(s, "option");
		switch (o->type) {
		case OMNI_SUB_IFATTR: {
			struct nd_ifattr *a = &o->u.ifattr;
			a->if_index = (uint8_t)jint(s, "if_index");
			a->if_type = (uint8_t)jint(s, "if_type");
			a->provider_id = (uint8_t)jint(s, "provider_id");
			a->link = (uint8_t)jint(s, "link");
			a->r = (uint8_t)jint(s, "r");
			a->api = (uint8_t)jint(s, "api");
			a->srt = (uint8_t)jint(s, "srt");
			a->fmt = (uint8_t)jint(s, "fmt");
			a->reserved = (uint8_t)jint(s, "reserved");
			a->lhs_msid = (uint32_t)jint(s, "lhs_msid");
			json_t *l2 = json_object_get(s, "l2addr");
			if (json_is_object(l2)) {
				a->port = (uint16_t)jint(l2, "port");
				bool v4 = !strcmp(jstr(l2, "family"), "ipv4");
				cr_assert_eq(
				    inet_pton(v4 ? AF_INET : AF_INET6, jstr(l2, "addr"), a->addr),
				    1);
			}
			break;
		}
		case OMNI_SUB_ORIGIN:
			o->u.origin.v6 = !strcmp(jstr(s, "origin_family"), "ipv6");
			o->u.origin.port = (uint16_t)jint(s, "origin_port");
			cr_assert_eq(inet_pton(o->u.origin.v6 ? AF_INET6 : AF_INET,
					       jstr(s, "origin_addr"), o->u.origin.addr),
				     1);
			break;
		case OMNI_SUB_MS_REGISTER:
		case OMNI_SUB_MS_RELEASE: {
			size_t k;
			json_t *v;
			json_array_foreach(json_object_get(s, "msids"), k, v)
			    o->u.msids.msid[o->u.msids.n++] = (uint32_t)json_integer_value(v);
			break;
		}
		case OMNI_SUB_NODE_ID: {
			const char *h = jstr(s, "node_id");
			o->u.node_id.id_type = (uint8_t)jint(s, "id_type");
			o->u.node_id.id_len = strlen(h) / 2;
			unhex(h, bl->b[i], o->u.node_id.id_len);
			o->u.node_id.id = bl->b[i];
			break;
		}
		case OMNI_SUB_AUTH:
			o->u.auth.alg = (uint8_t)jint(s, "alg");
			o->u.auth.reserved = (uint8_t)jint(s, "reserved");
			o->u.auth.key_id = (uint32_t)jint(s, "key_id");
			o->u.auth.timestamp_ms = (uint64_t)jint(s, "timestamp_ms");
			break;
		case OMNI_SUB_PAD1:
		case OMNI_SUB_PADN:
			break;
		default: {
			const char *h = jstr(s, "data");
			o->u.unknown.len = strlen(h) / 2;
			unhex(h, bl->b[i], o->u.unknown.len);
			o->u.unknown.data = bl->b[i];
			break;
		}
		}
	}
}

/* Compare a decoded message with the vector's .json, field by field. */
static void check_decoded(const char *name, json_t *j, const struct nd_msg *m, size_t n)
{
	json_t *ip = json_object_get(j, "ipv6"), *ic = json_object_get(j, "icmpv6");
	cr_assert_eq(n, (size_t)jint(j, "length"), "%s", name);
	cr_assert_eq(m->tc, jint(ip, "traffic_class"));
	cr_assert_eq(m->flow, jint(ip, "flow_label"));
	cr_assert_eq(m->payload_len, jint(ip, "payload_length"));
	cr_assert_eq(m->hop_limit, jint(ip, "hop_limit"));
	addr_eq(&m->src, jstr(ip, "src"), AF_INET6);
	addr_eq(&m->dst, jstr(ip, "dst"), AF_INET6);
	cr_assert_eq(m->type, jint(ic, "type"));
	cr_assert_eq(m->code, jint(ic, "code"));
	cr_assert_eq(m->checksum, jint(ic, "checksum"));
	json_t *f;
	if ((f = json_object_get(j, "ra"))) {
		cr_assert_eq(m->ra_cur_hop_limit, jint(f, "cur_hop_limit"));
		cr_assert_eq(m->ra_flags, jint(f, "flags"));
		cr_assert_eq(m->ra_router_lifetime, jint(f, "router_lifetime"));
		cr_assert_eq(m->ra_reachable_time, jint(f, "reachable_time"));
		cr_assert_eq(m->ra_retrans_timer, jint(f, "retrans_timer"));
	} else if ((f = json_object_get(j, "na"))) {
		cr_assert_eq(m->na_r, jint(f, "r"));
		cr_assert_eq(m->na_s, jint(f, "s"));
		cr_assert_eq(m->na_o, jint(f, "o"));
		cr_assert_eq(m->reserved, jint(f, "reserved"));
		addr_eq(&m->target, jstr(f, "target"), AF_INET6);
	} else if ((f = json_object_get(j, "ns"))) {
		cr_assert_eq(m->reserved, jint(f, "reserved"));
		addr_eq(&m->target, jstr(f, "target"), AF_INET6);
	} else {
		cr_assert_eq(m->reserved, jint(json_object_get(j, "rs"), "reserved"));
	}
	json_t *opts = json_object_get(j, "omni_options");
	cr_assert_eq(m->n_omni, json_array_size(opts));
	cr_assert_eq(m->n_opts, json_array_size(opts));
	size_t i;
	json_t *o;
	json_array_foreach(opts, i, o)
	{
		cr_assert_eq(m->opts[i].type, ND_OPT_OMNI);
		cr_assert_eq(m->opts[i].offset, jint(o, "offset"));
		cr_assert_eq(m->opts[i].len, jint(o, "length"));
	}
	json_t *subs = json_object_get(j, "suboptions");
	cr_assert_eq(m->n_sub, json_array_size(subs), "%s: %u subs", name, m->n_sub);
	json_array_foreach(subs, i, o)
	{
		const struct nd_subopt *s = &m->sub[i];
		cr_assert_eq(s->type, jint(o, "type"), "%s sub %zu", name, i);
		cr_assert_eq(s->option, jint(o, "option"));
		cr_assert_eq(s->offset, jint(o, "offset"), "%s sub %zu offset", name, i);
		if (s->type != OMNI_SUB_PAD1)
			cr_assert_eq(s->sub_length, jint(o, "sub_length"));
		cr_assert_eq(s->known, !json_is_true(json_object_get(o, "skipped")));
		switch (s->type) {
		case OMNI_SUB_IFATTR: {
			const struct nd_ifattr *a = &s->u.ifattr;
			cr_assert_eq(a->if_index, jint(o, "if_index"));
			cr_assert_eq(a->if_type, jint(o, "if_type"));
			cr_assert_eq(a->provider_id, jint(o, "provider_id"));
			cr_assert_eq(a->link, jint(o, "link"));
			cr_assert_eq(a->r, jint(o, "r"));
			cr_assert_eq(a->api, jint(o, "api"));
			cr_assert_eq(a->srt, jint(o, "srt"));
			cr_assert_eq(a->fmt, jint(o, "fmt"));
			cr_assert_eq(a->reserved, jint(o, "reserved"));
			cr_assert_eq(a->lhs_msid, jint(o, "lhs_msid"));
			cr_assert_eq(a->prefs_len, 0);
			json_t *l2 = json_object_get(o, "l2addr");
			if (json_is_object(l2)) {
				bool v4 = !strcmp(jstr(l2, "family"), "ipv4");
				cr_assert_eq(a->api, v4 ? 1 : 2);
				cr_assert_eq(a->port, jint(l2, "port"));
				addr_eq(a->addr, jstr(l2, "addr"), v4 ? AF_INET : AF_INET6);
			} else {
				cr_assert_eq(a->api, 0);
			}
			break;
		}
		case OMNI_SUB_ORIGIN: {
			bool v6 = !strcmp(jstr(o, "origin_family"), "ipv6");
			cr_assert_eq(s->u.origin.v6, v6);
			cr_assert_eq(s->u.origin.port, jint(o, "origin_port"));
			addr_eq(s->u.origin.addr, jstr(o, "origin_addr"), v6 ? AF_INET6 : AF_INET);
			break;
		}
		case OMNI_SUB_MS_REGISTER:
		case OMNI_SUB_MS_RELEASE: {
			json_t *ms = json_object_get(o, "msids");
			cr_assert_eq(s->u.msids.n, json_array_size(ms));
			for (size_t k = 0; k < s->u.msids.n; k++)
				cr_assert_eq(s->u.msids.msid[k],
					     json_integer_value(json_array_get(ms, k)));
			break;
		}
		case OMNI_SUB_NODE_ID: {
			uint8_t id[32];
			cr_assert_eq(s->u.node_id.id_type, jint(o, "id_type"));
			cr_assert_eq(s->u.node_id.id_len, 32);
			unhex(jstr(o, "node_id"), id, 32);
			cr_assert_arr_eq(s->u.node_id.id, id, 32);
			break;
		}
		case OMNI_SUB_AUTH: {
			uint8_t sig[64];
			cr_assert_eq(s->u.auth.alg, jint(o, "alg"));
			cr_assert_eq(s->u.auth.reserved, jint(o, "reserved"));
			cr_assert_eq(s->u.auth.key_id, jint(o, "key_id"));
			cr_assert_eq(s->u.auth.timestamp_ms, (uint64_t)jint(o, "timestamp_ms"));
			cr_assert_eq(s->u.auth.data_len, 64);
			unhex(jstr(o, "signature"), sig, 64);
			cr_assert_arr_eq(s->u.auth.data, sig, 64);
			cr_assert_eq(m->auth_idx, (int)i);
			break;
		}
		case OMNI_SUB_PAD1:
		case OMNI_SUB_PADN:
			cr_assert(json_is_true(json_object_get(o, "padding")));
			break;
		default: {
			uint8_t d[64];
			size_t l = strlen(jstr(o, "data")) / 2;
			unhex(jstr(o, "data"), d, l);
			cr_assert_eq(s->u.unknown.len, l);
			cr_assert_arr_eq(s->u.unknown.data, d, l);
			break;
		}
		}
	}
}

/* The configured key for a vector without Node Identification: its signer's. */
static void signer_pk(json_t *j, uint8_t pk[32])
{
	unhex(jstr(j, "signer_public_key"), pk, 32);
}

Test(wire_nd, vectors_decode_verify_encode)
{
	for (size_t v = 0; v < ARRAY_SIZE(ok_vectors); v++) {
		const char *name = ok_vectors[v];
		size_t n;
		uint8_t *p = vec_bytes(name, &n);
		json_t *j = vec_json(name);
		static struct nd_msg m, b;
		struct nd_err e;

		cr_assert_eq(wire_nd_decode(p, n, &m, &e), 0, "%s: %s@%zu", name,
			     wire_nd_err_name(e.code), e.offset);
		cr_assert_eq(e.code, WIRE_ND_OK);
		check_decoded(name, j, &m, n);

		/* signature, with the key the vector names */
		json_t *au = json_object_get(j, "authentication");
		uint8_t vk[32], cfg[32];
		unhex(jstr(au, "verify_key"), vk, 32);
		signer_pk(j, cfg);
		bool from_node = !strcmp(jstr(au, "key_source"), "node_identification");
		cr_assert_eq(m.node_key_idx >= 0, from_node, "%s", name);
		const uint8_t *used = NULL;
		enum wire_nd_err ve;
		uint64_t ts = m.sub[m.auth_idx].u.auth.timestamp_ms;
		cr_assert_eq(wire_nd_verify(p, n, &m, from_node ? NULL : cfg, ts + 29999,
					    OMNI_AUTH_WINDOW_MS, &used, &ve),
			     0, "%s: %s", name, wire_nd_err_name(ve));
		cr_assert_arr_eq(used, vk, 32);
		cr_assert_eq(get_be32(vk), m.sub[m.auth_idx].u.auth.key_id);

		/* build the same bytes from the JSON fields and the signer's seed */
		static struct blobs bl;
		uint8_t sk[64], pk[32], out[1024];
		key_of(jstr(j, "signer"), sk, pk);
		msg_from_json(j, &b, &bl);
		ssize_t l = wire_nd_encode(&b, sk, out, sizeof(out));
		cr_assert_eq(l, (ssize_t)n, "%s: encoded %zd", name, l);
		cr_assert_arr_eq(out, p, n, "%s: encoded bytes differ", name);

		/* round trip: decoded struct re-encoded without the key (signature copied) */
		memset(out, 0xaa, sizeof(out));
		cr_assert_eq(wire_nd_encode(&m, NULL, out, sizeof(out)), (ssize_t)n);
		cr_assert_arr_eq(out, p, n, "%s: round trip", name);
		/* and every shorter buffer is -ENOSPC */
		for (size_t cap = 0; cap < n; cap++)
			cr_assert_eq(wire_nd_encode(&m, NULL, out, cap), -ENOSPC);
		json_decref(j);
		free(p);
	}
}

Test(wire_nd, error_vectors)
{
	static const struct {
		const char *name;
		enum wire_nd_err code;
	} ev[] = {
	    {"06a-err-sublen-overrun", WIRE_ND_ESUBLEN_OVERRUN},
	    {"06b-err-optlen-zero", WIRE_ND_EOPTLEN_ZERO},
	    {"06c-err-ifattr-short", WIRE_ND_ESUBOPT_LEN},
	    {"06d-err-auth-not-last", WIRE_ND_EAUTH_NOT_LAST},
	    {"06f-err-opt-overrun", WIRE_ND_EOPT_OVERRUN},
	    {"06g-err-bad-signature", WIRE_ND_EAUTH_BADSIG},
	    {"06h-err-bad-checksum", WIRE_ND_ECHECKSUM},
	    {"06i-err-hop-limit", WIRE_ND_EHOPLIMIT},
	};
	for (size_t v = 0; v < ARRAY_SIZE(ev); v++) {
		size_t n;
		uint8_t *p = vec_bytes(ev[v].name, &n);
		json_t *j = vec_json(ev[v].name);
		json_t *er = json_object_get(j, "error");
		cr_assert_str_eq(jstr(er, "class"), wire_nd_err_name(ev[v].code));
		static struct nd_msg m;
		struct nd_err e;
		int rc = wire_nd_decode(p, n, &m, &e);
		if (ev[v].code == WIRE_ND_EAUTH_BADSIG) {
			cr_assert_eq(rc, 0);
			enum wire_nd_err ve = WIRE_ND_OK;
			cr_assert_eq(wire_nd_verify(p, n, &m, NULL, 0, 0, NULL, &ve), -EBADMSG);
			cr_assert_eq(ve, WIRE_ND_EAUTH_BADSIG);
			cr_assert_eq(m.sub[m.auth_idx].offset, jint(er, "offset"));
		} else {
			cr_assert_eq(rc, -EBADMSG, "%s", ev[v].name);
			cr_assert_eq(e.code, ev[v].code, "%s: got %s", ev[v].name,
				     wire_nd_err_name(e.code));
			cr_assert_eq(e.offset, (size_t)jint(er, "offset"), "%s: offset %zu",
				     ev[v].name, e.offset);
		}
		json_decref(j);
		free(p);
	}
}

/* Every prefix: as is (IPv6 length mismatch), and with Payload Length and
 * checksum fixed so the option walk itself meets the cut. */
Test(wire_nd, truncation_every_offset)
{
	for (size_t v = 0; v < ARRAY_SIZE(ok_vectors); v++) {
		size_t n;
		uint8_t *p = vec_bytes(ok_vectors[v], &n);
		uint8_t q[512];
		static struct nd_msg m;
		struct nd_err e;
		for (size_t k = 0; k < n; k++) {
			cr_assert_eq(wire_nd_decode(p, k, &m, &e), -EBADMSG);
			cr_assert_eq(e.code, WIRE_ND_EIPV6);
			if (k < 44)
				continue;
			memcpy(q, p, k);
			put_be16(q + 4, (uint16_t)(k - 40));
			fix_csum(q, k);
			int rc = wire_nd_decode(q, k, &m, &e);
			if (rc == 0) {
				/* only a cut at an option boundary can parse; then it
				 * must not verify (the signature or the auth is gone) */
				cr_assert_eq(wire_nd_verify(q, k, &m, q, 0, 0, NULL, NULL),
					     -EBADMSG);
			} else {
				cr_assert_eq(rc, -EBADMSG);
				cr_assert(
				    e.code == WIRE_ND_EFIXED || e.code == WIRE_ND_EOPT_OVERRUN,
				    "%s cut %zu: %s", ok_vectors[v], k, wire_nd_err_name(e.code));
			}
		}
		free(p);
	}
}

/* Every single-bit flip: with the original checksum the message is refused
 * (checksum, or a header check before it); with the checksum recomputed it
 * still never verifies, except in the fields the signature does not cover
 * (Traffic Class, Flow Label). */
Test(wire_nd, bit_flips)
{
	for (size_t v = 0; v < ARRAY_SIZE(ok_vectors); v++) {
		size_t n;
		uint8_t *p = vec_bytes(ok_vectors[v], &n);
		uint8_t q[512], cfg[32];
		json_t *j = vec_json(ok_vectors[v]);
		signer_pk(j, cfg);
		static struct nd_msg m;
		struct nd_err e;
		for (size_t bit = 0; bit < n * 8; bit++) {
			size_t byte = bit / 8;
			memcpy(q, p, n);
			q[byte] ^= (uint8_t)(1u << (bit % 8));
			int rc = wire_nd_decode(q, n, &m, &e);
			bool uncovered = byte < 4 && !(byte == 0 && bit % 8 >= 4);
			if (uncovered) {
				/* TC / flow label: decodes and verifies */
				cr_assert_eq(rc, 0);
				cr_assert_eq(wire_nd_verify(q, n, &m, cfg, 0, 0, NULL, NULL), 0);
				continue;
			}
			cr_assert_eq(rc, -EBADMSG, "%s bit %zu", ok_vectors[v], bit);
			if (byte != 7 && byte >= 8)
				cr_assert_eq(e.code, WIRE_ND_ECHECKSUM, "%s bit %zu: %s",
					     ok_vectors[v], bit, wire_nd_err_name(e.code));
			if (byte == 7)
				cr_assert_eq(e.code, WIRE_ND_EHOPLIMIT);
			if (byte < 8 || byte == 42 || byte == 43)
				continue;
			fix_csum(q, n);
			rc = wire_nd_decode(q, n, &m, &e);
			if (rc == 0)
				cr_assert_eq(wire_nd_verify(q, n, &m, cfg, 0, 0, NULL, NULL),
					     -EBADMSG, "%s bit %zu verifies", ok_vectors[v], bit);
		}
		json_decref(j);
		free(p);
	}
}

/* A small valid RS built through the encoder, for hand-made cases. */
static void base_rs(struct nd_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->hop_limit = 255;
	m->type = ICMP6_TYPE_RS;
	in6_from(&m->src, "fe80::2001:db8:1000:2000");
	in6_from(&m->dst, "ff02::2");
}

static struct nd_subopt *add(struct nd_msg *m, uint8_t type, uint8_t option)
{
	struct nd_subopt *s = &m->sub[m->n_sub++];
	memset(s, 0, sizeof(*s));
	s->type = type;
	s->option = option;
	return s;
}

static enum wire_nd_err decode_code(const uint8_t *p, size_t n)
{
	static struct nd_msg m;
	struct nd_err e;
	int rc = wire_nd_decode(p, n, &m, &e);
	cr_assert(rc == 0 || rc == -EBADMSG);
	cr_assert_eq(rc == 0, e.code == WIRE_ND_OK);
	return e.code;
}

Test(wire_nd, oversized_sublength)
{
	size_t n;
	uint8_t *p = vec_bytes("01-rs", &n);
	/* Interface Attributes at 85: Sub-Length 2047, then just past the option */
	for (unsigned sl = 2047; sl >= 106; sl--) { /* data from 87, option ends at 192 */
		uint8_t q[256];
		memcpy(q, p, n);
		put_be16(q + 85, (uint16_t)(OMNI_SUB_IFATTR << 11 | sl));
		fix_csum(q, n);
		cr_assert_eq(decode_code(q, n), WIRE_ND_ESUBLEN_OVERRUN, "sl %u", sl);
	}
	/* a lone sub-option header octet at the end of an option */
	struct nd_msg m;
	base_rs(&m);
	struct nd_subopt *s = add(&m, 20, 0);
	static const uint8_t four[4] = {1, 2, 3, 4};
	s->u.unknown.data = four;
	s->u.unknown.len = 3; /* 2 + 2 + 3 = 7 octets: Pad1 follows */
	uint8_t out[256];
	ssize_t l = wire_nd_encode(&m, NULL, out, sizeof(out));
	cr_assert_eq(l, 56);
	cr_assert_eq(out[55], 0); /* Pad1 */
	out[55] = 0x08;		  /* a PadN header missing its second octet */
	fix_csum(out, 56);
	cr_assert_eq(decode_code(out, 56), WIRE_ND_ESUBLEN_OVERRUN);
	out[55] = 0x05; /* type 0 with length bits: not a Pad1 */
	fix_csum(out, 56);
	cr_assert_eq(decode_code(out, 56), WIRE_ND_ESUBLEN_OVERRUN);
	free(p);
}

Test(wire_nd, unknown_suboptions_and_padding)
{
	struct nd_msg m;
	static struct nd_msg d;
	uint8_t out[512];
	static const uint8_t data[5] = {9, 8, 7, 6, 5};
	base_rs(&m);
	/* each padding length 0..7 is produced and parsed back */
	for (size_t len = 0; len < 8; len++) {
		base_rs(&m);
		struct nd_subopt *s = add(&m, 21, 0);
		s->u.unknown.data = data;
		s->u.unknown.len = len < 5 ? len : 5;
		add(&m, 21, 0)->u.unknown.len = 0; /* unknown types may repeat */
		add(&m, 31, 0)->u.unknown.len = 0;
		ssize_t l = wire_nd_encode(&m, NULL, out, sizeof(out));
		cr_assert_gt(l, 0);
		cr_assert_eq(((size_t)l - 48) % 8, 0);
		struct nd_err e;
		cr_assert_eq(wire_nd_decode(out, (size_t)l, &d, &e), 0, "%s",
			     wire_nd_err_name(e.code));
		cr_assert_eq(d.sub[0].type, 21);
		cr_assert_eq(d.sub[0].known, false);
		cr_assert_eq(d.sub[0].u.unknown.len, s->u.unknown.len);
		cr_assert_eq(d.sub[1].type, 21);
		cr_assert_eq(d.sub[2].type, 31);
		for (size_t i = 3; i < d.n_sub; i++)
			cr_assert(d.sub[i].type == OMNI_SUB_PAD1 || d.sub[i].type == OMNI_SUB_PADN);
	}
	/* another ND option type (not OMNI) is skipped by its Length */
	base_rs(&m);
	ssize_t l = wire_nd_encode(&m, NULL, out, sizeof(out));
	cr_assert_eq(l, 48);
	static const uint8_t slla[8] = {1, 1, 2, 0, 0x5e, 0, 0, 1};
	memcpy(out + 48, slla, 8);
	put_be16(out + 4, 16);
	fix_csum(out, 56);
	cr_assert_eq(wire_nd_decode(out, 56, &d, NULL), 0);
	cr_assert_eq(d.n_opts, 1);
	cr_assert_eq(d.opts[0].type, 1);
	cr_assert_eq(d.n_omni, 0);
	cr_assert_eq(d.n_sub, 0);
}

Test(wire_nd, duplicates)
{
	struct nd_msg m;
	uint8_t out[512];
	static const uint8_t key[32] = {1};
	struct {
		uint8_t t1, t2;
		int a1, a2; /* ifIndex or ID-Type */
		enum wire_nd_err want;
	} cases[] = {
	    {OMNI_SUB_ORIGIN, OMNI_SUB_ORIGIN, 0, 0, WIRE_ND_EDUP},
	    {OMNI_SUB_MS_REGISTER, OMNI_SUB_MS_REGISTER, 0, 0, WIRE_ND_EDUP},
	    {OMNI_SUB_MS_RELEASE, OMNI_SUB_MS_RELEASE, 0, 0, WIRE_ND_EDUP},
	    {OMNI_SUB_MS_REGISTER, OMNI_SUB_MS_RELEASE, 0, 0, WIRE_ND_OK},
	    {OMNI_SUB_IFATTR, OMNI_SUB_IFATTR, 1, 1, WIRE_ND_EDUP},
	    {OMNI_SUB_IFATTR, OMNI_SUB_IFATTR, 1, 2, WIRE_ND_OK},
	    {OMNI_SUB_NODE_ID, OMNI_SUB_NODE_ID, 253, 253, WIRE_ND_EDUP},
	    {OMNI_SUB_NODE_ID, OMNI_SUB_NODE_ID, 4, 253, WIRE_ND_OK},
	    {OMNI_SUB_NODE_ID, OMNI_SUB_NODE_ID, 4, 4, WIRE_ND_EDUP},
	};
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		for (int split = 0; split < 2; split++) {
			base_rs(&m);
			for (int k = 0; k < 2; k++) {
				struct nd_subopt *s =
				    add(&m, k ? cases[c].t2 : cases[c].t1, (uint8_t)(split && k));
				int a = k ? cases[c].a2 : cases[c].a1;
				if (s->type == OMNI_SUB_IFATTR)
					s->u.ifattr.if_index = (uint8_t)a;
				if (s->type == OMNI_SUB_NODE_ID) {
					s->u.node_id.id_type = (uint8_t)a;
					s->u.node_id.id = key;
					s->u.node_id.id_len = a == 253 ? 32 : 5;
				}
				if (s->type == OMNI_SUB_MS_REGISTER ||
				    s->type == OMNI_SUB_MS_RELEASE)
					s->u.msids.n = 1;
			}
			ssize_t l = wire_nd_encode(&m, NULL, out, sizeof(out));
			cr_assert_gt(l, 0);
			cr_assert_eq(decode_code(out, (size_t)l), cases[c].want, "case %zu", c);
		}
	}
	/* two Authentication sub-options: the second one is already "not last" */
	base_rs(&m);
	add(&m, OMNI_SUB_AUTH, 0)->u.auth.alg = 1;
	add(&m, OMNI_SUB_AUTH, 1)->u.auth.alg = 1;
	cr_assert_eq(wire_nd_encode(&m, NULL, out, sizeof(out)), -EINVAL);
}

Test(wire_nd, suboption_layouts)
{
	/* each known type's Sub-Length rule, by patching a unknown placeholder */
	static const struct {
		uint8_t type;
		uint16_t len;
		uint8_t first; /* first data octet (API/ID-Type/Alg) */
		bool ok;
	} cases[] = {
	    {OMNI_SUB_IFATTR, 9, 0, false},	  {OMNI_SUB_IFATTR, 10, 0x00, true},
	    {OMNI_SUB_IFATTR, 15, 0x01, false},	  {OMNI_SUB_IFATTR, 16, 0x01, true},
	    {OMNI_SUB_IFATTR, 27, 0x02, false},	  {OMNI_SUB_IFATTR, 28, 0x02, true},
	    {OMNI_SUB_IFATTR, 40, 0x03, false},	  {OMNI_SUB_IFATTR, 20, 0x01, true},
	    {OMNI_SUB_ORIGIN, 6, 0, true},	  {OMNI_SUB_ORIGIN, 18, 0, true},
	    {OMNI_SUB_ORIGIN, 10, 0, false},	  {OMNI_SUB_MS_REGISTER, 0, 0, false},
	    {OMNI_SUB_MS_REGISTER, 6, 0, false},  {OMNI_SUB_MS_RELEASE, 8, 0, true},
	    {OMNI_SUB_MS_RELEASE, 132, 0, false}, {OMNI_SUB_NODE_ID, 0, 0, false},
	    {OMNI_SUB_NODE_ID, 1, 3, true},	  {OMNI_SUB_NODE_ID, 32, 253, false},
	    {OMNI_SUB_NODE_ID, 33, 253, true},	  {OMNI_SUB_AUTH, 13, 2, false},
	    {OMNI_SUB_AUTH, 14, 2, true},	  {OMNI_SUB_AUTH, 77, 1, false},
	    {OMNI_SUB_AUTH, 78, 1, true},	  {OMNI_SUB_PADN, 0, 0, true},
	    {OMNI_SUB_PAD1, 256, 0, false}, /* octet 0x01: type 0 with length bits */
	};
	static const uint8_t zeros[300];
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		struct nd_msg m;
		uint8_t out[512];
		base_rs(&m);
		struct nd_subopt *s = add(&m, 30, 0);
		s->u.unknown.data = zeros;
		s->u.unknown.len = cases[c].len;
		ssize_t l = wire_nd_encode(&m, NULL, out, sizeof(out));
		cr_assert_gt(l, 0);
		put_be16(out + 50, (uint16_t)(cases[c].type << 11 | cases[c].len));
		/* the octet that selects the layout: API (data octet 3) or ID-Type/Alg (0) */
		if (cases[c].type == OMNI_SUB_IFATTR)
			out[55] = cases[c].first;
		else if (cases[c].len)
			out[52] = cases[c].first;
		fix_csum(out, (size_t)l);
		enum wire_nd_err want = cases[c].ok	      ? WIRE_ND_OK
					: cases[c].len == 132 ? WIRE_ND_ELIMIT
							      : WIRE_ND_ESUBOPT_LEN;
		cr_assert_eq(decode_code(out, (size_t)l), want, "case %zu", c);
	}
}

Test(wire_nd, ipv6_and_fixed_part_errors)
{
	struct nd_msg m;
	uint8_t out[512], q[512];
	base_rs(&m);
	add(&m, OMNI_SUB_ORIGIN, 0);
	ssize_t l = wire_nd_encode(&m, NULL, out, sizeof(out));
	cr_assert_eq(l, 48 + 16); /* option header 2 + Origin 8 + PadN 6 */
	size_t n = (size_t)l;
	cr_assert_eq(decode_code(out, n), WIRE_ND_OK);
	memcpy(q, out, n);
	q[0] = 0x40;
	cr_assert_eq(decode_code(q, n), WIRE_ND_EIPV6);
	memcpy(q, out, n);
	q[6] = 0;
	cr_assert_eq(decode_code(q, n), WIRE_ND_EIPV6);
	memcpy(q, out, n);
	q[40] = 137; /* Redirect is not used */
	fix_csum(q, n);
	cr_assert_eq(decode_code(q, n), WIRE_ND_ETYPE);
	memcpy(q, out, n);
	q[41] = 1;
	fix_csum(q, n);
	cr_assert_eq(decode_code(q, n), WIRE_ND_EFIXED);
	/* an NS needs 24 octets of fixed part */
	memcpy(q, out, n);
	q[40] = ICMP6_TYPE_NS;
	put_be16(q + 4, 20);
	fix_csum(q, 60);
	cr_assert_eq(decode_code(q, 60), WIRE_ND_EFIXED);
	/* a 1-octet tail after the options */
	memcpy(q, out, n);
	q[n] = 0;
	put_be16(q + 4, (uint16_t)(n + 1 - 40));
	fix_csum(q, n + 1);
	cr_assert_eq(decode_code(q, n + 1), WIRE_ND_EOPT_OVERRUN);
	/* each type encodes and decodes */
	static const uint8_t types[] = {ICMP6_TYPE_RS, ICMP6_TYPE_RA, ICMP6_TYPE_NS, ICMP6_TYPE_NA};
	for (size_t t = 0; t < ARRAY_SIZE(types); t++) {
		static struct nd_msg d;
		m.type = types[t];
		m.ra_flags = ND_RA_FLAG_M;
		m.ra_router_lifetime = 7;
		m.na_s = true;
		m.target.s6_addr[15] = 9;
		l = wire_nd_encode(&m, NULL, out, sizeof(out));
		cr_assert_gt(l, 0);
		cr_assert_eq(wire_nd_decode(out, (size_t)l, &d, NULL), 0);
		cr_assert_eq(d.type, types[t]);
		cr_assert_eq(wire_nd_encode(&d, NULL, q, sizeof(q)), l);
		cr_assert_arr_eq(q, out, (size_t)l);
	}
}

Test(wire_nd, verify_errors)
{
	size_t n;
	uint8_t *p = vec_bytes("03b-na-ar", &n);
	static struct nd_msg m;
	uint8_t key[32], wrong[32] = {0};
	enum wire_nd_err e;
	const uint8_t *used = wrong;
	json_t *j = vec_json("03b-na-ar");
	signer_pk(j, key);
	cr_assert_eq(wire_nd_decode(p, n, &m, NULL), 0);
	uint64_t ts = m.sub[m.auth_idx].u.auth.timestamp_ms;
	/* no Node Identification and no configured key */
	cr_assert_eq(wire_nd_verify(p, n, &m, NULL, ts, 1000, &used, &e), -ENOKEY);
	cr_assert_null(used);
	/* the configured key decides */
	cr_assert_eq(wire_nd_verify(p, n, &m, wrong, ts, 1000, NULL, &e), -EBADMSG);
	cr_assert_eq(e, WIRE_ND_EAUTH_BADSIG);
	/* the window, both sides, inclusive */
	cr_assert_eq(wire_nd_verify(p, n, &m, key, ts + 30000, 30000, NULL, &e), 0);
	cr_assert_eq(wire_nd_verify(p, n, &m, key, ts - 30000, 30000, NULL, &e), 0);
	cr_assert_eq(wire_nd_verify(p, n, &m, key, ts + 30001, 30000, NULL, &e), -EBADMSG);
	cr_assert_eq(e, WIRE_ND_EAUTH_STALE);
	cr_assert_eq(wire_nd_verify(p, n, &m, key, ts - 30001, 30000, NULL, &e), -EBADMSG);
	cr_assert_eq(e, WIRE_ND_EAUTH_STALE);
	/* the Node Identification key wins over the configured one */
	uint8_t sk[64], pk[32], out[512];
	key_of("client_a", sk, pk);
	struct nd_msg b = m;
	struct nd_subopt *a = &b.sub[b.auth_idx];
	struct nd_subopt auth = *a;
	*a = (struct nd_subopt){.type = OMNI_SUB_NODE_ID, .option = 0};
	a->u.node_id.id_type = OMNI_NODE_ID_ED25519;
	a->u.node_id.id = pk;
	a->u.node_id.id_len = 32;
	b.sub[b.n_sub++] = auth;
	ssize_t l = wire_nd_encode(&b, sk, out, sizeof(out));
	cr_assert_gt(l, 0);
	static struct nd_msg d;
	cr_assert_eq(wire_nd_decode(out, (size_t)l, &d, NULL), 0);
	cr_assert_eq(wire_nd_verify(out, (size_t)l, &d, key, 0, 0, &used, &e), 0);
	cr_assert_arr_eq(used, pk, 32);
	/* signed by the server but naming client A's key: refused */
	cr_assert_eq(wire_nd_encode(&b, NULL, out, sizeof(out)), l);
	uint8_t pk_server[32];
	key_of("server_1", sk, pk_server);
	cr_assert_eq(wire_nd_encode(&b, sk, out, sizeof(out)), l);
	cr_assert_eq(wire_nd_decode(out, (size_t)l, &d, NULL), 0);
	cr_assert_eq(wire_nd_verify(out, (size_t)l, &d, key, 0, 0, NULL, &e), -EBADMSG);
	cr_assert_eq(e, WIRE_ND_EAUTH_BADSIG);
	/* Alg 2 is refused; no Authentication at all is refused */
	b = m;
	b.sub[b.auth_idx].u.auth.alg = OMNI_AUTH_ALG_MAC;
	b.sub[b.auth_idx].u.auth.data_len = 16;
	l = wire_nd_encode(&b, NULL, out, sizeof(out));
	cr_assert_gt(l, 0);
	cr_assert_eq(wire_nd_decode(out, (size_t)l, &d, NULL), 0);
	cr_assert_eq(wire_nd_verify(out, (size_t)l, &d, key, 0, 0, NULL, &e), -EBADMSG);
	cr_assert_eq(e, WIRE_ND_EAUTH_ALG);
	b = m;
	b.n_sub = (uint16_t)b.auth_idx;
	l = wire_nd_encode(&b, NULL, out, sizeof(out));
	cr_assert_gt(l, 0);
	cr_assert_eq(wire_nd_decode(out, (size_t)l, &d, NULL), 0);
	cr_assert_eq(d.auth_idx, -1);
	cr_assert_eq(wire_nd_verify(out, (size_t)l, &d, key, 0, 0, NULL, &e), -EBADMSG);
	cr_assert_eq(e, WIRE_ND_EAUTH_MISSING);
	json_decref(j);
	free(p);
}

Test(wire_nd, encoder_errors_and_limits)
{
	struct nd_msg m;
	static uint8_t out[2 * ND_MSG_MAX];
	static const uint8_t big[2100];
	base_rs(&m);
	m.type = 137;
	cr_assert_eq(wire_nd_encode(&m, NULL, out, sizeof(out)), -EINVAL);
	base_rs(&m);
	add(&m, OMNI_SUB_AUTH, 0)->u.auth.alg = 1;
	add(&m, OMNI_SUB_ORIGIN, 0);
	cr_assert_eq(wire_nd_encode(&m, NULL, out, sizeof(out)), -EINVAL); /* not last */
	base_rs(&m);
	add(&m, OMNI_SUB_ORIGIN, 1);
	add(&m, OMNI_SUB_MS_REGISTER, 0)->u.msids.n = 1;
	cr_assert_eq(wire_nd_encode(&m, NULL, out, sizeof(out)), -EINVAL); /* option order */
	base_rs(&m);
	add(&m, OMNI_SUB_MS_REGISTER, 0); /* no MSIDs */
	cr_assert_eq(wire_nd_encode(&m, NULL, out, sizeof(out)), -EINVAL);
	base_rs(&m);
	add(&m, OMNI_SUB_IFATTR, 0)->u.ifattr.api = 5;
	cr_assert_eq(wire_nd_encode(&m, NULL, out, sizeof(out)), -EINVAL);
	base_rs(&m);
	add(&m, OMNI_SUB_IFATTR, 0)->u.ifattr.link = 16;
	cr_assert_eq(wire_nd_encode(&m, NULL, out, sizeof(out)), -EINVAL);
	base_rs(&m);
	struct nd_subopt *s = add(&m, 20, 0);
	s->u.unknown.data = big;
	s->u.unknown.len = 2048; /* over the 11-bit Sub-Length */
	cr_assert_eq(wire_nd_encode(&m, NULL, out, sizeof(out)), -EINVAL);
	s->u.unknown.len = 2047; /* fits a sub-option, not an option (2040) */
	cr_assert_eq(wire_nd_encode(&m, NULL, out, sizeof(out)), -EMSGSIZE);
	s->u.unknown.len = 2030; /* 2 + 2 + 2030 + PadN 6 = 2040: the largest option */
	ssize_t l = wire_nd_encode(&m, NULL, out, sizeof(out));
	cr_assert_eq(l, 48 + 2040);
	cr_assert_eq(out[49], 255);
	cr_assert_eq(decode_code(out, (size_t)l), WIRE_ND_OK);
	/* five big options exceed ND_MSG_MAX */
	base_rs(&m);
	for (uint8_t o = 0; o < 5; o++) {
		s = add(&m, 20, o);
		s->u.unknown.data = big;
		s->u.unknown.len = 2030;
	}
	cr_assert_eq(wire_nd_encode(&m, NULL, out, sizeof(out)), -EMSGSIZE);
	/* the decoder's own limits: too many sub-options */
	base_rs(&m);
	for (size_t i = 0; i < ND_SUBOPT_MAX; i++)
		add(&m, 21, (uint8_t)(i / 32));
	l = wire_nd_encode(&m, NULL, out, sizeof(out));
	cr_assert_gt(l, 0);
	cr_assert_eq(decode_code(out, (size_t)l), WIRE_ND_ELIMIT); /* padding counts too */
	/* a message over ND_MSG_MAX is refused before anything else */
	memset(out, 0, sizeof(out));
	out[0] = 0x60;
	put_be16(out + 4, ND_MSG_MAX + 1 - 40);
	out[6] = 58;
	cr_assert_eq(decode_code(out, ND_MSG_MAX + 1), WIRE_ND_EIPV6);
}

Test(wire_nd, error_names)
{
	for (int a = 0; a < WIRE_ND_ERR_COUNT; a++) {
		cr_assert_not_null(wire_nd_err_name((enum wire_nd_err)a));
		for (int b = 0; b < a; b++)
			cr_assert_str_neq(wire_nd_err_name((enum wire_nd_err)a),
					  wire_nd_err_name((enum wire_nd_err)b));
	}
	cr_assert_str_eq(wire_nd_err_name(WIRE_ND_ERR_COUNT), "EUNKNOWN");
}
