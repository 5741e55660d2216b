// SPDX-License-Identifier: MIT
/*
 * decode_nd.c - "omnictl decode nd [--hex] [--key KEY]": one inner IPv6 ND
 * packet (RS/RA/NS/NA with OMNI options) decoded by common/wire_nd and printed
 * as JSON: the IPv6 header, ICMPv6 type/code/checksum, the fixed part, every
 * ND option and every OMNI sub-option in wire order with its fields, and the
 * Authentication result. The key is the Node Identification key when the
 * message has one, else --key (the inner source's configured key, base64 or
 * hex); without either the result is "unverified". The timestamp window is
 * not applied (offline decoding). Exit 1 for malformed input (the error
 * class and offset on stderr) and, after printing, for a signature that does
 * not verify.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "keys.h"
#include "wire_nd.h"

static json_t *hex_str(const uint8_t *p, size_t n)
{
	static const char dig[] = "0123456789abcdef";
	char buf[2 * 2048 + 1];
	if (n > 2048)
		n = 2048;
	for (size_t i = 0; i < n; i++) {
		buf[2 * i] = dig[p[i] >> 4];
		buf[2 * i + 1] = dig[p[i] & 15];
	}
	buf[2 * n] = 0;
	return json_string(buf);
}

static json_t *addr_str(int af, const void *a)
{
	char buf[INET6_ADDRSTRLEN];
	return json_string(inet_ntop(af, a, buf, sizeof(buf)) ? buf : "?");
}

static const char *sub_name(uint8_t t)
{
	switch (t) {
	case OMNI_SUB_PAD1:
		return "pad1";
	case OMNI_SUB_PADN:
		return "padn";
	case OMNI_SUB_IFATTR:
		return "interface_attributes";
	case OMNI_SUB_ORIGIN:
		return "origin_indication";
	case OMNI_SUB_MS_REGISTER:
		return "ms_register";
	case OMNI_SUB_MS_RELEASE:
		return "ms_release";
	case OMNI_SUB_NODE_ID:
		return "node_identification";
	case OMNI_SUB_AUTH:
		return "authentication";
	default:
		return "unknown";
	}
}

static const char *msg_name(uint8_t t)
{
	return t == ICMP6_TYPE_RS   ? "RS"
	       : t == ICMP6_TYPE_RA ? "RA"
	       : t == ICMP6_TYPE_NS ? "NS"
				    : "NA";
}

static const char *fixed_key(uint8_t t)
{
	return t == ICMP6_TYPE_RS   ? "rs"
	       : t == ICMP6_TYPE_RA ? "ra"
	       : t == ICMP6_TYPE_NS ? "ns"
				    : "na";
}

static json_t *ifattr_json(json_t *o, const struct nd_ifattr *a)
{
	char flags[4] = "", *f = flags;
	if (a->fmt & OMNI_IFATTR_FMT_F)
		*f++ = 'F';
	if (a->fmt & OMNI_IFATTR_FMT_M)
		*f++ = 'M';
	if (a->fmt & OMNI_IFATTR_FMT_T)
		*f++ = 'T';
	*f = 0;
	json_object_set_new(o, "if_index", json_integer(a->if_index));
	json_object_set_new(o, "if_type", json_integer(a->if_type));
	json_object_set_new(o, "provider_id", json_integer(a->provider_id));
	json_object_set_new(o, "link", json_integer(a->link));
	json_object_set_new(o, "r", json_integer(a->r));
	json_object_set_new(o, "api", json_integer(a->api));
	json_object_set_new(o, "srt", json_integer(a->srt));
	json_object_set_new(o, "fmt", json_integer(a->fmt));
	json_object_set_new(o, "fmt_flags", json_string(flags));
	json_object_set_new(o, "reserved", json_integer(a->reserved));
	json_object_set_new(o, "lhs_msid", json_integer(a->lhs_msid));
	if (a->api == OMNI_IFATTR_API_NONE) {
		json_object_set_new(o, "l2addr", json_null());
	} else {
		bool v4 = a->api == OMNI_IFATTR_API_UDP4;
		json_object_set_new(o, "l2addr",
				    json_pack("{s:s, s:o, s:i}", "family", v4 ? "ipv4" : "ipv6",
					      "addr", addr_str(v4 ? AF_INET : AF_INET6, a->addr),
					      "port", (int)a->port));
	}
	json_object_set_new(o, "preferences",
			    a->prefs_len ? hex_str(a->prefs, a->prefs_len) : json_null());
	return o;
}

/* @pkt is the decoded packet (sub-option offsets count from it). */
static json_t *sub_json(const uint8_t *pkt, const struct nd_subopt *s)
{
	json_t *o = json_pack("{s:i, s:i, s:s, s:i}", "option", s->option, "type", s->type, "name",
			      sub_name(s->type), "offset", s->offset);
	if (s->type != OMNI_SUB_PAD1)
		json_object_set_new(o, "sub_length", json_integer(s->sub_length));
	switch (s->type) {
	case OMNI_SUB_PAD1:
	case OMNI_SUB_PADN:
		json_object_set_new(o, "padding", json_true());
		break;
	case OMNI_SUB_IFATTR:
		ifattr_json(o, &s->u.ifattr);
		break;
	case OMNI_SUB_ORIGIN: {
		bool v6 = s->u.origin.v6;
		json_object_set_new(o, "origin_family", json_string(v6 ? "ipv6" : "ipv4"));
		json_object_set_new(o, "origin_port", json_integer(s->u.origin.port));
		json_object_set_new(o, "origin_addr",
				    addr_str(v6 ? AF_INET6 : AF_INET, s->u.origin.addr));
		json_object_set_new(o, "raw", hex_str(pkt + s->offset + 2, s->sub_length));
		break;
	}
	case OMNI_SUB_MS_REGISTER:
	case OMNI_SUB_MS_RELEASE: {
		json_t *a = json_array();
		for (size_t i = 0; i < s->u.msids.n; i++)
			json_array_append_new(a, json_integer(s->u.msids.msid[i]));
		json_object_set_new(o, "msids", a);
		break;
	}
	case OMNI_SUB_NODE_ID:
		json_object_set_new(o, "id_type", json_integer(s->u.node_id.id_type));
		json_object_set_new(o, "node_id", hex_str(s->u.node_id.id, s->u.node_id.id_len));
		break;
	case OMNI_SUB_AUTH:
		json_object_set_new(o, "alg", json_integer(s->u.auth.alg));
		json_object_set_new(o, "reserved", json_integer(s->u.auth.reserved));
		json_object_set_new(o, "key_id", json_integer(s->u.auth.key_id));
		json_object_set_new(o, "timestamp_ms",
				    json_integer((json_int_t)s->u.auth.timestamp_ms));
		json_object_set_new(o,
				    s->u.auth.alg == OMNI_AUTH_ALG_ED25519 ? "signature" : "data",
				    hex_str(s->u.auth.data, s->u.auth.data_len));
		break;
	default:
		json_object_set_new(o, "data", hex_str(s->u.unknown.data, s->u.unknown.len));
		json_object_set_new(o, "skipped", json_true());
		break;
	}
	return o;
}

static json_t *fixed_json(const struct nd_msg *m)
{
	switch (m->type) {
	case ICMP6_TYPE_RA:
		return json_pack(
		    "{s:i, s:i, s:b, s:b, s:i, s:I, s:I}", "cur_hop_limit", m->ra_cur_hop_limit,
		    "flags", m->ra_flags, "m", !!(m->ra_flags & ND_RA_FLAG_M), "o",
		    !!(m->ra_flags & ND_RA_FLAG_O), "router_lifetime", m->ra_router_lifetime,
		    "reachable_time", (json_int_t)m->ra_reachable_time, "retrans_timer",
		    (json_int_t)m->ra_retrans_timer);
	case ICMP6_TYPE_NA:
		return json_pack("{s:b, s:b, s:b, s:I, s:o}", "r", m->na_r, "s", m->na_s, "o",
				 m->na_o, "reserved", (json_int_t)m->reserved, "target",
				 addr_str(AF_INET6, &m->target));
	case ICMP6_TYPE_NS:
		return json_pack("{s:I, s:o}", "reserved", (json_int_t)m->reserved, "target",
				 addr_str(AF_INET6, &m->target));
	default:
		return json_pack("{s:I}", "reserved", (json_int_t)m->reserved);
	}
}

static json_t *auth_json(const uint8_t *p, size_t n, const struct nd_msg *m, const uint8_t *cfg)
{
	if (m->auth_idx < 0)
		return json_pack("{s:s}", "result", "absent");
	const uint8_t *used = NULL;
	enum wire_nd_err ve = WIRE_ND_OK;
	int rc = wire_nd_verify(p, n, m, cfg, 0, 0, &used, &ve);
	const char *src = m->node_key_idx >= 0 ? "node_identification" : "configured";
	if (rc == -ENOKEY)
		return json_pack("{s:s}", "result", "unverified");
	json_t *o =
	    json_pack("{s:s, s:s}", "result",
		      rc == 0	       ? "ok"
		      : rc == -EBADMSG ? (ve == WIRE_ND_EAUTH_ALG ? "unsupported_alg" : "bad")
				       : "error",
		      "key_source", src);
	if (used) {
		json_object_set_new(o, "verify_key", hex_str(used, OMNI_KEY_LEN));
		json_object_set_new(o, "key_id_matches",
				    json_boolean(((uint32_t)used[0] << 24 |
						  (uint32_t)used[1] << 16 | (uint32_t)used[2] << 8 |
						  used[3]) == m->sub[m->auth_idx].u.auth.key_id));
	}
	if (rc)
		json_object_set_new(o, "error", json_string(wire_nd_err_name(ve)));
	json_object_set_new(o, "timestamp_checked", json_false());
	return o;
}

static int parse_key(const char *s, uint8_t key[OMNI_KEY_LEN])
{
	if (strlen(s) == 2 * OMNI_KEY_LEN) {
		for (size_t i = 0; i < OMNI_KEY_LEN; i++) {
			unsigned v;
			if (sscanf(s + 2 * i, "%2x", &v) != 1)
				return -EINVAL;
			key[i] = (uint8_t)v;
		}
		return 0;
	}
	return keys_b64_decode32(s, key);
}

int decode_nd(int argc, char **argv, const struct cli_opts *o)
{
	static uint8_t buf[DECODE_INPUT_MAX];
	static struct nd_msg m;
	uint8_t key[OMNI_KEY_LEN];
	bool hex = false, have_key = false;
	size_t n;
	(void)o;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--hex") == 0) {
			hex = true;
		} else if (strcmp(argv[i], "--key") == 0 && i + 1 < argc) {
			if (parse_key(argv[++i], key) < 0) {
				fprintf(stderr, "omnictl: decode nd: --key wants 32 octets in "
						"base64 or hex\n");
				return CLI_EXIT_FAIL;
			}
			have_key = true;
		} else if (cli_is_help(argv[i])) {
			printf("Usage: omnictl decode nd [--hex] [--key KEY] < packet\n"
			       "Decodes one inner IPv6 ND packet (RS/RA/NS/NA with OMNI options).\n"
			       "  --hex      input is hexadecimal text (default: raw octets)\n"
			       "  --key KEY  verification key of the inner source (base64 or hex)\n"
			       "             when the message has no Node Identification key\n");
			return CLI_EXIT_OK;
		} else {
			fprintf(stderr, "omnictl: decode nd: unknown argument '%s'\n", argv[i]);
			return CLI_EXIT_FAIL;
		}
	}
	if (decode_read_input(hex, buf, sizeof(buf), &n) < 0)
		return CLI_EXIT_FAIL;
	struct nd_err e;
	if (wire_nd_decode(buf, n, &m, &e) < 0) {
		fprintf(stderr, "omnictl: decode nd: malformed ND packet: %s at offset %zu\n",
			wire_nd_err_name(e.code), e.offset);
		return CLI_EXIT_FAIL;
	}

	json_t *root = json_object();
	json_object_set_new(root, "ipv6",
			    json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:o, s:o}", "version", 6,
				      "traffic_class", m.tc, "flow_label", (int)m.flow,
				      "payload_length", m.payload_len, "next_header", ICMP6_NH,
				      "hop_limit", m.hop_limit, "src", addr_str(AF_INET6, &m.src),
				      "dst", addr_str(AF_INET6, &m.dst)));
	json_object_set_new(root, "icmpv6",
			    json_pack("{s:i, s:i, s:s, s:i, s:b}", "type", m.type, "code", m.code,
				      "message", msg_name(m.type), "checksum", m.checksum,
				      "checksum_ok", 1));
	json_object_set_new(root, fixed_key(m.type), fixed_json(&m));
	json_t *opts = json_array(), *omni = json_array(), *subs = json_array();
	for (size_t i = 0, k = 0; i < m.n_opts; i++) {
		json_t *op = json_pack("{s:i, s:i, s:i, s:i}", "type", m.opts[i].type, "offset",
				       m.opts[i].offset, "length", m.opts[i].len, "bytes",
				       m.opts[i].len * 8);
		if (m.opts[i].type == ND_OPT_OMNI) {
			json_object_set_new(op, "omni_index", json_integer((json_int_t)k));
			json_array_append(omni, op);
			k++;
		}
		json_array_append_new(opts, op);
	}
	for (size_t i = 0; i < m.n_sub; i++)
		json_array_append_new(subs, sub_json(buf, &m.sub[i]));
	json_object_set_new(root, "options", opts);
	json_object_set_new(root, "omni_options", omni);
	json_object_set_new(root, "suboptions", subs);
	json_t *auth = auth_json(buf, n, &m, have_key ? key : NULL);
	const char *res = json_string_value(json_object_get(auth, "result"));
	bool bad = strcmp(res, "ok") && strcmp(res, "unverified") && strcmp(res, "absent");
	json_object_set_new(root, "authentication", auth);
	json_dumpf(root, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	json_decref(root);
	if (bad) {
		fprintf(stderr,
			"omnictl: decode nd: the Authentication sub-option does not verify\n");
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}
