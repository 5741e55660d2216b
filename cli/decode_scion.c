// SPDX-License-Identifier: MIT
/*
 * decode_scion.c - "omnictl decode scion [--hex]": one SCION packet decoded
 * by common/wire_scion and printed as JSON: every common-header and
 * address-header field, the path (PathMeta, info and hop fields, OneHop or
 * EPIC fields, the path expiry), the extension headers, and a summary of the
 * UDP or SCMP payload with the checksum check. SCMP errors show the quoted
 * packet's headers. Malformed input is an error message and exit 1.
 */
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cursor.h"
#include "decode.h"
#include "scion_mac.h"
#include "wire_scion.h"

static json_t *hex_str(const uint8_t *p, size_t n)
{
	char buf[2 * 64 + 1];
	n = MIN(n, (size_t)64);
	for (size_t i = 0; i < n; i++)
		snprintf(buf + 2 * i, 3, "%02x", p[i]);
	buf[2 * n] = 0;
	return json_string(buf);
}

static json_t *ia_str(uint64_t ia)
{
	char buf[40];
	scion_ia_format(ia, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *host_json(const struct scion_host *h)
{
	char buf[INET6_ADDRSTRLEN];
	json_t *o = json_object();
	switch (h->type) {
	case SCION_HOST_IPV4:
		json_object_set_new(o, "type", json_string("ipv4"));
		inet_ntop(AF_INET, h->addr, buf, sizeof(buf));
		json_object_set_new(o, "addr", json_string(buf));
		break;
	case SCION_HOST_IPV6:
		json_object_set_new(o, "type", json_string("ipv6"));
		inet_ntop(AF_INET6, h->addr, buf, sizeof(buf));
		json_object_set_new(o, "addr", json_string(buf));
		break;
	default: {
		uint16_t svc = get_be16(h->addr);
		const char *name = svc == SCION_SVC_DS	       ? "DS"
				   : svc == SCION_SVC_CS       ? "CS"
				   : svc == SCION_SVC_WILDCARD ? "Wildcard"
							       : "unknown";
		json_object_set_new(o, "type", json_string("svc"));
		json_object_set_new(o, "svc", json_integer(svc));
		json_object_set_new(o, "svc_name", json_string(name));
		json_object_set_new(o, "multicast", json_boolean(svc & SCION_SVC_MULTICAST));
		break;
	}
	}
	return o;
}

static json_t *info_json(const struct scion_info *inf)
{
	json_t *o = json_object();
	json_object_set_new(o, "cons_dir", json_boolean(inf->flags & SCION_INF_C));
	json_object_set_new(o, "peer", json_boolean(inf->flags & SCION_INF_P));
	json_object_set_new(o, "flags", json_integer(inf->flags));
	json_object_set_new(o, "acc", json_integer(inf->acc));
	json_object_set_new(o, "timestamp", json_integer(inf->ts));
	return o;
}

static json_t *hop_json(const struct scion_hop *hf)
{
	json_t *o = json_object();
	json_object_set_new(o, "ingress_alert", json_boolean(hf->flags & SCION_HF_I));
	json_object_set_new(o, "egress_alert", json_boolean(hf->flags & SCION_HF_E));
	json_object_set_new(o, "flags", json_integer(hf->flags));
	json_object_set_new(o, "exp_time", json_integer(hf->exp));
	json_object_set_new(o, "cons_ingress", json_integer(hf->cons_in));
	json_object_set_new(o, "cons_egress", json_integer(hf->cons_eg));
	json_object_set_new(o, "mac", hex_str(hf->mac, SCION_MAC_LEN));
	return o;
}

static json_t *path_json(const struct scion_path *p)
{
	json_t *o = json_object(), *infs = json_array(), *hops = json_array(), *seg = json_array();
	json_object_set_new(o, "curr_inf", json_integer(p->curr_inf));
	json_object_set_new(o, "curr_hf", json_integer(p->curr_hf));
	json_object_set_new(o, "rsv", json_integer(p->rsv));
	for (unsigned int i = 0; i < SCION_MAX_INF; i++)
		json_array_append_new(seg, json_integer(p->seg_len[i]));
	json_object_set_new(o, "seg_len", seg);
	for (unsigned int i = 0; i < p->num_inf; i++)
		json_array_append_new(infs, info_json(&p->inf[i]));
	json_object_set_new(o, "info_fields", infs);
	for (unsigned int i = 0; i < p->num_hf; i++)
		json_array_append_new(hops, hop_json(&p->hf[i]));
	json_object_set_new(o, "hop_fields", hops);
	uint64_t exp = scion_path_expiry_ms(p);
	json_object_set_new(o, "expiry_ms", json_integer((json_int_t)exp));
	json_object_set_new(o, "current_is_peering_hop", json_boolean(scion_path_is_peer_hop(p)));
	return o;
}

static const char *path_type_name(uint8_t t)
{
	switch (t) {
	case SCION_PATH_EMPTY:
		return "empty";
	case SCION_PATH_SCION:
		return "scion";
	case SCION_PATH_ONEHOP:
		return "onehop";
	case SCION_PATH_EPIC:
		return "epic";
	default:
		return "unknown";
	}
}

static json_t *hdr_json(const struct scion_hdr *h)
{
	json_t *o = json_object(), *c = json_object(), *a = json_object();
	json_object_set_new(c, "version", json_integer(h->version));
	json_object_set_new(c, "traffic_class", json_integer(h->tc));
	json_object_set_new(c, "flow_id", json_integer(h->flow));
	json_object_set_new(c, "next_hdr", json_integer(h->next_hdr));
	json_object_set_new(c, "hdr_len", json_integer(h->hdr_len));
	json_object_set_new(c, "hdr_len_bytes", json_integer(h->hdr_len * 4));
	json_object_set_new(c, "payload_len", json_integer(h->payload_len));
	json_object_set_new(c, "path_type", json_integer(h->path_type));
	json_object_set_new(c, "path_type_name", json_string(path_type_name(h->path_type)));
	json_object_set_new(c, "rsv", json_integer(h->rsv));
	json_object_set_new(o, "common", c);
	json_object_set_new(a, "dst_ia", ia_str(h->dst_ia));
	json_object_set_new(a, "src_ia", ia_str(h->src_ia));
	json_object_set_new(a, "dst", host_json(&h->dst));
	json_object_set_new(a, "src", host_json(&h->src));
	json_object_set_new(o, "address", a);
	switch (h->path_type) {
	case SCION_PATH_SCION:
		json_object_set_new(o, "path", path_json(&h->path.scion));
		break;
	case SCION_PATH_ONEHOP: {
		json_t *p = json_object(), *hops = json_array();
		json_object_set_new(p, "info_field", info_json(&h->path.onehop.inf));
		json_array_append_new(hops, hop_json(&h->path.onehop.hf[0]));
		json_array_append_new(hops, hop_json(&h->path.onehop.hf[1]));
		json_object_set_new(p, "hop_fields", hops);
		json_object_set_new(o, "path", p);
		break;
	}
	case SCION_PATH_EPIC: {
		const struct scion_epic *e = &h->path.epic;
		json_t *p = json_object();
		json_object_set_new(p, "epic_ts", json_integer(e->epic_ts));
		json_object_set_new(p, "counter", json_integer(e->counter));
		json_object_set_new(p, "phvf", hex_str(e->phvf, 4));
		json_object_set_new(p, "lhvf", hex_str(e->lhvf, 4));
		json_object_set_new(p, "scion_path", path_json(&e->path));
		json_object_set_new(o, "path", p);
		break;
	}
	default:
		json_object_set_new(o, "path", json_null());
		break;
	}
	return o;
}

static json_t *scmp_json(const struct scion_hdr *h, const uint8_t *l4, size_t len)
{
	struct scmp_msg m;
	json_t *o = json_object();
	if (scmp_parse(l4, len, &m)) {
		json_object_set_new(o, "error", json_string("SCMP message truncated"));
		return o;
	}
	json_object_set_new(o, "type", json_integer(m.type));
	json_object_set_new(o, "code", json_integer(m.code));
	json_object_set_new(o, "checksum", json_integer(m.csum));
	json_object_set_new(o, "checksum_ok",
			    json_boolean(scion_l4_checksum(h, SCION_PROTO_SCMP, l4, len) == 0));
	switch (m.type) {
	case SCMP_DEST_UNREACH:
		json_object_set_new(o, "name", json_string("destination_unreachable"));
		break;
	case SCMP_PKT_TOO_BIG:
		json_object_set_new(o, "name", json_string("packet_too_big"));
		json_object_set_new(o, "mtu", json_integer(m.u.too_big.mtu));
		break;
	case SCMP_PARAM_PROBLEM:
		json_object_set_new(o, "name", json_string("parameter_problem"));
		json_object_set_new(o, "pointer", json_integer(m.u.param.pointer));
		break;
	case SCMP_EXT_IF_DOWN:
		json_object_set_new(o, "name", json_string("external_interface_down"));
		json_object_set_new(o, "ia", ia_str(m.u.ext_down.ia));
		json_object_set_new(o, "interface", json_integer((json_int_t)m.u.ext_down.ifid));
		break;
	case SCMP_INT_CONN_DOWN:
		json_object_set_new(o, "name", json_string("internal_connectivity_down"));
		json_object_set_new(o, "ia", ia_str(m.u.int_down.ia));
		json_object_set_new(o, "ingress", json_integer((json_int_t)m.u.int_down.ingress));
		json_object_set_new(o, "egress", json_integer((json_int_t)m.u.int_down.egress));
		break;
	case SCMP_ECHO_REQUEST:
	case SCMP_ECHO_REPLY:
		json_object_set_new(
		    o, "name",
		    json_string(m.type == SCMP_ECHO_REQUEST ? "echo_request" : "echo_reply"));
		json_object_set_new(o, "id", json_integer(m.u.echo.id));
		json_object_set_new(o, "seq", json_integer(m.u.echo.seq));
		break;
	case SCMP_TRACE_REQUEST:
	case SCMP_TRACE_REPLY:
		json_object_set_new(o, "name",
				    json_string(m.type == SCMP_TRACE_REQUEST ? "traceroute_request"
									     : "traceroute_reply"));
		json_object_set_new(o, "id", json_integer(m.u.trace.id));
		json_object_set_new(o, "seq", json_integer(m.u.trace.seq));
		json_object_set_new(o, "ia", ia_str(m.u.trace.ia));
		json_object_set_new(o, "interface", json_integer((json_int_t)m.u.trace.ifid));
		break;
	default:
		json_object_set_new(o, "name", json_string("unknown"));
		break;
	}
	json_object_set_new(o, "data_len", json_integer((json_int_t)m.data_len));
	if (scmp_is_error(m.type) && m.data_len) {
		struct scion_hdr q;
		const char *why = NULL;
		if (scion_parse(m.data, m.data_len, SCION_PARSE_PARTIAL, &q, &why) == 0)
			json_object_set_new(o, "quoted", hdr_json(&q));
		else
			json_object_set_new(o, "quoted_error",
					    json_string(why ? why : "malformed"));
	}
	return o;
}

static json_t *payload_json(const struct scion_hdr *h, const uint8_t *pl, size_t len,
			    const char **why)
{
	struct scion_l4 l4;
	if (scion_l4_locate(h->next_hdr, pl, len, &l4, why))
		return NULL;
	json_t *o = json_object(), *exts = json_array();
	for (size_t i = 0; i < l4.n_ext; i++) {
		json_t *e = json_object();
		json_object_set_new(e, "type",
				    json_string(l4.ext[i].type == SCION_PROTO_HBH ? "hbh" : "e2e"));
		json_object_set_new(e, "next_hdr", json_integer(l4.ext[i].next_hdr));
		json_object_set_new(e, "ext_len", json_integer(l4.ext[i].ext_len));
		json_object_set_new(e, "options", hex_str(l4.ext[i].opts, l4.ext[i].opts_len));
		json_array_append_new(exts, e);
	}
	json_object_set_new(o, "extensions", exts);
	json_object_set_new(o, "protocol", json_integer(l4.proto));
	json_object_set_new(o, "length", json_integer((json_int_t)l4.len));
	if (l4.proto == SCION_PROTO_UDP) {
		struct scion_udp u;
		json_t *uj = json_object();
		if (scion_udp_parse(l4.data, l4.len, &u) == 0) {
			json_object_set_new(uj, "src_port", json_integer(u.sport));
			json_object_set_new(uj, "dst_port", json_integer(u.dport));
			json_object_set_new(uj, "length", json_integer(u.len));
			json_object_set_new(uj, "checksum", json_integer(u.csum));
			bool ok = scion_l4_checksum(h, SCION_PROTO_UDP, l4.data, l4.len) == 0;
			json_object_set_new(uj, "checksum_ok", json_boolean(ok));
			json_object_set_new(uj, "payload_len",
					    json_integer((json_int_t)u.payload_len));
		} else {
			json_object_set_new(uj, "error",
					    json_string("UDP header or length invalid"));
		}
		json_object_set_new(o, "udp", uj);
	} else if (l4.proto == SCION_PROTO_SCMP) {
		json_object_set_new(o, "scmp", scmp_json(h, l4.data, l4.len));
	}
	return o;
}

int decode_scion(int argc, char **argv, const struct cli_opts *o)
{
	static uint8_t buf[DECODE_INPUT_MAX];
	static struct scion_hdr h;
	bool hex = false;
	size_t n;
	(void)o;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--hex") == 0) {
			hex = true;
		} else if (cli_is_help(argv[i])) {
			printf("Usage: omnictl decode scion [--hex] < packet\n"
			       "Decodes one SCION packet: common and address headers, path,\n"
			       "extension headers and the UDP or SCMP payload.\n"
			       "  --hex  input is hexadecimal text (default: raw octets)\n");
			return CLI_EXIT_OK;
		} else {
			fprintf(stderr, "omnictl: decode scion: unknown option '%s'\n", argv[i]);
			return CLI_EXIT_FAIL;
		}
	}
	if (decode_read_input(hex, buf, sizeof(buf), &n))
		return CLI_EXIT_FAIL;
	const char *why = NULL;
	int rc = scion_parse(buf, n, 0, &h, &why);
	if (rc) {
		fprintf(stderr, "omnictl: decode scion: malformed SCION packet: %s\n",
			why ? why : "invalid");
		return CLI_EXIT_FAIL;
	}
	json_t *root = hdr_json(&h);
	size_t hl = (size_t)h.hdr_len * 4;
	json_t *pl = payload_json(&h, buf + hl, n - hl, &why);
	if (!pl) {
		json_decref(root);
		fprintf(stderr, "omnictl: decode scion: malformed extension header: %s\n",
			why ? why : "invalid");
		return CLI_EXIT_FAIL;
	}
	json_object_set_new(root, "payload", pl);
	json_dumpf(root, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	json_decref(root);
	return CLI_EXIT_OK;
}
