// SPDX-License-Identifier: MIT
/*
 * decode_oal.c - "omnictl decode oal [--hex]": one OAL fragment (the UDP
 * payload of a plain carrier, or a secured carrier's plaintext) decoded by
 * common/wire_oal and printed as JSON: the OAL IPv6 header, the Fragment
 * header, the data length, whether it is atomic, and for an atomic fragment
 * the Fletcher-16 trailer check and the inner packet's version, length and
 * addresses. A fragment that is not atomic is shown without trailer or inner
 * packet (those need reassembly).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cursor.h"
#include "decode.h"
#include "ipv6.h"
#include "wire_oal.h"

static json_t *addr_str(int af, const void *a)
{
	char buf[INET6_ADDRSTRLEN];
	return json_string(inet_ntop(af, a, buf, sizeof(buf)) ? buf : "?");
}

/* The trailer check and the inner packet of an atomic fragment. */
static json_t *atomic_json(const struct oal_frag *f)
{
	json_t *o = json_object();
	if (f->data_len < OAL_TRAILER_LEN) {
		json_object_set_new(o, "trailer_present", json_false());
		return o;
	}
	size_t il = f->data_len - OAL_TRAILER_LEN;
	uint16_t got = get_be16(f->data + il), want = oal_fletcher16(f->data, il);
	json_object_set_new(o, "trailer", json_integer(got));
	json_object_set_new(o, "fletcher16", json_integer(want));
	json_object_set_new(o, "trailer_ok", json_boolean(got == want));

	uint8_t nh;
	json_t *in = json_object();
	if (ipv6_inner_len(f->data, il, &nh) == 0) {
		int fam;
		const uint8_t *s, *d;
		ipv6_inner_src(f->data, &fam, &s);
		ipv6_inner_dst(f->data, &fam, &d);
		json_object_set_new(in, "valid", json_true());
		json_object_set_new(in, "version", json_integer(fam == AF_INET ? 4 : 6));
		json_object_set_new(in, "length", json_integer((json_int_t)il));
		json_object_set_new(in, "src", addr_str(fam, s));
		json_object_set_new(in, "dst", addr_str(fam, d));
		json_object_set_new(in, "version_matches_next_header", json_boolean(nh == f->nh));
	} else {
		/* Without a valid trailer-less reading, show what the octets claim. */
		json_object_set_new(in, "valid", json_false());
		json_object_set_new(in, "version", json_integer(il ? f->data[0] >> 4 : 0));
		json_object_set_new(in, "length", json_integer((json_int_t)il));
	}
	json_object_set_new(o, "inner", in);
	return o;
}

int decode_oal(int argc, char **argv, const struct cli_opts *o)
{
	static uint8_t buf[DECODE_INPUT_MAX];
	bool hex = false;
	size_t n;
	(void)o;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--hex") == 0) {
			hex = true;
		} else if (cli_is_help(argv[i])) {
			printf("Usage: omnictl decode oal [--hex] < packet\n"
			       "Decodes one OAL fragment (IPv6 header + Fragment header + data).\n"
			       "  --hex  input is hexadecimal text (default: raw octets)\n");
			return CLI_EXIT_OK;
		} else {
			fprintf(stderr, "omnictl: decode oal: unknown argument '%s'\n", argv[i]);
			return CLI_EXIT_FAIL;
		}
	}
	if (decode_read_input(hex, buf, sizeof(buf), &n) < 0)
		return CLI_EXIT_FAIL;
	struct oal_frag f;
	int rc = wire_oal_decode(buf, n, &f);
	if (rc < 0) {
		fprintf(stderr, "omnictl: decode oal: malformed OAL fragment: %s\n",
			rc == -EPROTO ? "Fragment header Next Header is not 41 or 4"
				      : "not an IPv6 header with Next Header 44, Payload Length "
					"matching the input and at least one data octet");
		return CLI_EXIT_FAIL;
	}

	json_t *root = json_object();
	json_object_set_new(root, "ipv6",
			    json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:o, s:o}", "version", 6,
				      "traffic_class", f.tc, "flow_label", (int)f.flow,
				      "payload_length", (int)(n - OAL_IPV6_HDR_LEN), "next_header",
				      OAL_NH_FRAGMENT, "hop_limit", f.hop_limit, "src",
				      addr_str(AF_INET6, &f.src), "dst",
				      addr_str(AF_INET6, &f.dst)));
	json_object_set_new(root, "fragment",
			    json_pack("{s:i, s:i, s:i, s:b, s:I}", "next_header", f.nh, "offset",
				      f.offset, "offset_units", f.offset >> 3, "m", f.more,
				      "identification", (json_int_t)f.id));
	json_object_set_new(root, "data_length", json_integer((json_int_t)f.data_len));
	json_object_set_new(root, "atomic", json_boolean(oal_frag_is_atomic(&f)));
	if (oal_frag_is_atomic(&f))
		json_object_set_new(root, "atomic_fragment", atomic_json(&f));
	json_dumpf(root, stdout, JSON_INDENT(2));
	fputc('\n', stdout);
	json_decref(root);
	return CLI_EXIT_OK;
}
