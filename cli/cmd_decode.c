// SPDX-License-Identifier: MIT
/*
 * cmd_decode.c - "omnictl decode ipv6 [--config PATH | --defaults] [HEX...]":
 * reads one IPv6 packet as hex (arguments, or stdin), prints its
 * extension-header chain (every header, its options, routing and fragment
 * fields) and what the configured [ehfilter] / [ehfilter.exit] policy
 * (spec/eh-removal.md A.6) would do to it in each direction, as JSON. Works
 * offline: the policy comes from the config file, not from the daemon. Owns
 * only the rendering; parsing and decisions are common/eh.c's.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "cmd.h"
#include "decode.h"
#include "conf.h"
#include "cursor.h"
#include "eh.h"

#define DECODE_DEFAULT_CONFIG "/etc/omnid/omnid.conf"
#define DECODE_MAX (65535 + 40)

static void decode_usage(FILE *f)
{
	fprintf(f, "Usage: omnictl decode ipv6 [--config PATH | --defaults] [HEX...]\n"
		   "Decodes one IPv6 packet given as hex (arguments, or stdin when none or\n"
		   "'-'; spaces, ':' and newlines are ignored) and prints, as JSON, its\n"
		   "extension-header chain and what the [ehfilter] policy would do to it when\n"
		   "entering and when leaving the overlay. The policy is read from PATH\n"
		   "(default " DECODE_DEFAULT_CONFIG " and its conf.d/, or the built-in\n"
		   "defaults when that file does not exist; --defaults forces them).\n");
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Append the hex digits of @s to @out (@n octets so far, @half a pending nibble). */
static int add_hex(const char *s, uint8_t *out, size_t *n, int *half)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == ':')
			continue;
		int v = hexval((unsigned char)*s);
		if (v < 0)
			return -EINVAL;
		if (*half < 0) {
			*half = v;
			continue;
		}
		if (*n >= DECODE_MAX)
			return -E2BIG;
		out[(*n)++] = (uint8_t)(*half << 4 | v);
		*half = -1;
	}
	return 0;
}

static const char *proto_name(uint8_t nh)
{
	switch (nh) {
	case EH_NH_HBH:
		return "hbh";
	case EH_NH_TCP:
		return "tcp";
	case EH_NH_UDP:
		return "udp";
	case EH_NH_ROUTING:
		return "routing";
	case EH_NH_FRAGMENT:
		return "fragment";
	case EH_NH_ESP:
		return "esp";
	case EH_NH_AH:
		return "ah";
	case EH_NH_ICMPV6:
		return "icmpv6";
	case EH_NH_NONE:
		return "none";
	case EH_NH_DSTOPT:
		return "dstopts";
	case EH_NH_MOBILITY:
		return "mobility";
	case EH_NH_HIP:
		return "hip";
	case EH_NH_SHIM6:
		return "shim6";
	case EH_NH_EXP1:
	case EH_NH_EXP2:
		return "experimental";
	default:
		return eh_kind_of(nh) == EH_K_UNKNOWN_NH ? "unassigned" : NULL;
	}
}

static json_t *opt_json(const struct eh_opt *o, size_t base)
{
	static const char *const actions[] = {"skip", "discard", "discard_icmp",
					      "discard_icmp_unicast"};
	const char *name = NULL;

	switch (o->type) {
	case EH_OPT_PAD1:
		name = "pad1";
		break;
	case EH_OPT_PADN:
		name = "padn";
		break;
	case EH_OPT_ROUTER_ALERT:
		name = "router_alert";
		break;
	case EH_OPT_JUMBO:
		name = "jumbo";
		break;
	case 0x04:
		name = "tunnel_encap_limit";
		break;
	case 0xc9:
		name = "home_address";
		break;
	default:
		break;
	}
	json_t *j = json_pack("{s:i, s:i, s:i}", "type", o->type, "length", o->len, "offset",
			      (json_int_t)(base + o->off));
	json_object_set_new(j, "name", name ? json_string(name) : json_null());
	/* RFC 8200 §4.2: the two high bits say what to do if unrecognised, the third "may change".
	 */
	json_object_set_new(j, "unknown_action", json_string(actions[o->type >> 6]));
	json_object_set_new(j, "may_change", json_boolean(o->type & 0x20));
	return j;
}

static json_t *hdr_json(const uint8_t *pkt, size_t len, const struct eh_hdr *h)
{
	const uint8_t *p = pkt + h->off;
	json_t *j = json_pack("{s:s, s:i, s:i, s:i}", "type", eh_kind_name(h->kind), "protocol",
			      h->proto, "offset", h->off, "length", h->len);

	if (h->kind == EH_K_ESP || h->kind == EH_K_EXP) {
		json_object_set_new(j, "opaque", json_true());
		if (h->kind == EH_K_ESP && (size_t)h->off + 8 <= len) {
			json_object_set_new(j, "spi", json_integer(get_be32(p)));
			json_object_set_new(j, "sequence", json_integer(get_be32(p + 4)));
		}
		return j;
	}
	json_object_set_new(j, "next_header", json_integer(p[0]));
	switch ((enum eh_kind)h->kind) {
	case EH_K_HBH:
	case EH_K_DST: {
		json_t *opts = json_array();
		struct cur c = cur_make(p + 2, (size_t)h->len - 2);
		struct eh_opt o;
		while (eh_opt_next(&c, p + 2, &o))
			json_array_append_new(opts, opt_json(&o, (size_t)h->off + 2));
		json_object_set_new(j, "options", opts);
		break;
	}
	case EH_K_RH:
		json_object_set_new(j, "routing_type", json_integer(h->rh_type));
		json_object_set_new(j, "segments_left", json_integer(h->sl));
		if (h->rh_type == EH_RH_SRH)
			json_object_set_new(j, "last_entry", json_integer(p[4]));
		break;
	case EH_K_FRAG: {
		uint16_t fo = get_be16(p + 2);
		json_object_set_new(j, "fragment_offset", json_integer(fo >> 3));
		json_object_set_new(j, "more", json_boolean(fo & 1));
		json_object_set_new(j, "id", json_integer(get_be32(p + 4)));
		break;
	}
	case EH_K_AH:
		json_object_set_new(j, "spi", json_integer(get_be32(p + 4)));
		break;
	case EH_K_ESP:
	case EH_K_MOB:
	case EH_K_HIP:
	case EH_K_SHIM6:
	case EH_K_EXP:
	case EH_K_UNKNOWN_NH:
	case EH_K__COUNT:
		break;
	}
	return j;
}

/* What the enabled policy @pol does to @pkt. */
static json_t *eval_json(const struct eh_policy *pol, const uint8_t *pkt, size_t len)
{
	static uint8_t buf[DECODE_MAX];
	struct eh_chain ch;
	size_t cut = 0;
	json_t *j = json_object();

	if (!eh_wants(pol, pkt, len) && len >= 40 && (pkt[0] >> 4) == 6) {
		/* The data path's fast path: no extension header, nothing to do. */
		json_object_set_new(j, "verdict", json_string("keep"));
		json_object_set_new(j, "fast_path", json_true());
		json_object_set_new(j, "actions", json_array());
		return j;
	}
	memcpy(buf, pkt, len);
	int r = eh_filter(pol, NULL, buf, len, &ch, &cut);
	json_t *acts = json_array();
	/* Per header: its action, or for a dropped packet "drop" at the culprit, "-" elsewhere. */
	for (size_t i = 0; i < ch.n; i++)
		json_array_append_new(acts, json_string(r == 0 ? eh_action_name(ch.h[i].action)
							: ch.h[i].action == EH_DROP ? "drop"
										    : "-"));
	json_object_set_new(j, "verdict", json_string(r < 0 ? "drop" : cut ? "strip" : "keep"));
	json_object_set_new(j, "fast_path", json_false());
	if (r < 0) {
		json_object_set_new(j, "reason", json_string(eh_reason_name(ch.reason)));
		json_object_set_new(j, "pointer", json_integer(ch.ptr));
		json_object_set_new(j, "at",
				    ch.bad_kind >= 0 ? json_string(eh_kind_name(ch.bad_kind))
						     : json_null());
	} else {
		json_object_set_new(j, "removed", json_integer((json_int_t)cut));
		json_object_set_new(j, "result_length", json_integer((json_int_t)(len - cut)));
	}
	json_object_set_new(j, "actions", acts);
	return j;
}

/* One direction: its verdict, or for a disabled one "keep" and what it would do if enabled. */
static json_t *verdict_json(const struct eh_policy *pol, const uint8_t *pkt, size_t len)
{
	if (pol->r.enable) {
		json_t *j = eval_json(pol, pkt, len);
		json_object_set_new(j, "enabled", json_true());
		return j;
	}
	struct eh_policy on = *pol;
	on.r.enable = true;
	return json_pack("{s:b, s:s, s:o}", "enabled", 0, "verdict", "keep", "if_enabled",
			 eval_json(&on, pkt, len));
}

static json_t *decode_json(const uint8_t *pkt, size_t len, const struct eh_policy pol[2],
			   const char *source)
{
	json_t *j = json_object(), *hdrs = json_array(), *pj;
	struct eh_chain ch;

	json_object_set_new(j, "length", json_integer((json_int_t)len));
	if (len < 1 || (pkt[0] >> 4) != 6) {
		json_object_set_new(j, "version", len ? json_integer(pkt[0] >> 4) : json_null());
		json_object_set_new(j, "note",
				    json_string(len && (pkt[0] >> 4) == 4 ? "IPv4 passes untouched"
									  : "not an IPv6 packet"));
		return j;
	}
	json_object_set_new(j, "version", json_integer(6));
	int r = eh_parse(pkt, len, &pol[EH_DIR_ENTRY].lim, &ch);
	if (len >= 40) {
		json_object_set_new(j, "payload_length", json_integer(get_be16(pkt + 4)));
		json_object_set_new(j, "next_header", json_integer(pkt[6]));
	}
	for (size_t i = 0; i < ch.n; i++)
		json_array_append_new(hdrs, hdr_json(pkt, len, &ch.h[i]));
	json_object_set_new(j, "headers", hdrs);
	if (r == 0) {
		const char *name = proto_name(ch.upper);
		json_object_set_new(
		    j, "upper_layer",
		    json_pack("{s:i, s:i}", "protocol", ch.upper, "offset", ch.upper_off));
		json_object_set_new(json_object_get(j, "upper_layer"), "name",
				    name ? json_string(name) : json_null());
		json_object_set_new(j, "chain_bytes", json_integer(ch.chain_bytes));
		json_object_set_new(j, "parse", json_pack("{s:b}", "ok", 1));
	} else {
		json_object_set_new(j, "upper_layer", json_null());
		pj = json_pack("{s:b, s:s, s:i}", "ok", 0, "reason", eh_reason_name(ch.reason),
			       "pointer", ch.ptr);
		json_object_set_new(pj, "at",
				    ch.bad_kind >= 0 ? json_string(eh_kind_name(ch.bad_kind))
						     : json_null());
		json_object_set_new(j, "parse", pj);
	}
	pj = json_object();
	json_object_set_new(pj, "source", json_string(source));
	json_object_set_new(pj, "entry", verdict_json(&pol[EH_DIR_ENTRY], pkt, len));
	json_object_set_new(pj, "exit", verdict_json(&pol[EH_DIR_EXIT], pkt, len));
	json_object_set_new(j, "policy", pj);
	return j;
}

/* The policy of @path, or the built-in one; returns 0 or a CLI exit code. */
static int load_policy(const char *path, bool defaults, struct eh_policy pol[2],
		       const char **source)
{
	struct conf c;
	struct conf_err e = {0};
	char msg[700];

	if (defaults || (!path && access(DECODE_DEFAULT_CONFIG, F_OK) != 0)) {
		conf_init(&c);
		if (conf_finish(&c, NULL) < 0) {
			/* No identity: expected. The [ehfilter] keys are resolved first. */
		}
		eh_policy_from_conf(pol, &c);
		conf_free(&c);
		*source = "defaults";
		return 0;
	}
	conf_init(&c);
	int r = conf_load(&c, path ? path : DECODE_DEFAULT_CONFIG, &e);
	if (r < 0) {
		fprintf(stderr, "omnictl: decode: %s (use --defaults for the built-in policy)\n",
			conf_err_format(&e, msg, sizeof(msg)));
		conf_free(&c);
		return CLI_EXIT_FAIL;
	}
	eh_policy_from_conf(pol, &c);
	conf_free(&c);
	*source = path ? path : DECODE_DEFAULT_CONFIG;
	return 0;
}

/* "omnictl decode ipv6 ...": argv[0] is "decode", argv[1] "ipv6" (see decode.c). */
int decode_ipv6(int argc, char **argv, const struct cli_opts *o)
{
	static uint8_t pkt[DECODE_MAX];
	struct eh_policy pol[EH_DIR__COUNT];
	const char *path = NULL, *source = NULL;
	bool defaults = false, from_stdin = true;
	size_t n = 0;
	int half = -1, r;

	(void)o;
	if (argc < 2 || cli_is_help(argv[1])) {
		decode_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "ipv6") != 0) {
		fprintf(stderr, "omnictl: decode: unknown format '%s' (only ipv6)\n", argv[1]);
		return CLI_EXIT_FAIL;
	}
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			path = argv[++i];
		} else if (strcmp(argv[i], "--defaults") == 0) {
			defaults = true;
		} else if (cli_is_help(argv[i])) {
			decode_usage(stdout);
			return CLI_EXIT_OK;
		} else if (strcmp(argv[i], "-") == 0) {
			from_stdin = true;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "omnictl: decode: unknown option '%s'\n", argv[i]);
			decode_usage(stderr);
			return CLI_EXIT_FAIL;
		} else {
			from_stdin = false;
			if ((r = add_hex(argv[i], pkt, &n, &half)) < 0)
				goto bad_hex;
		}
	}
	if (path && defaults) {
		fprintf(stderr, "omnictl: decode: --config and --defaults exclude each other\n");
		return CLI_EXIT_FAIL;
	}
	if (from_stdin && n == 0) {
		char line[4096];
		while (fgets(line, sizeof(line), stdin))
			if ((r = add_hex(line, pkt, &n, &half)) < 0)
				goto bad_hex;
	}
	if (half >= 0 || n == 0) {
		r = -EINVAL;
		goto bad_hex;
	}
	if ((r = load_policy(path, defaults, pol, &source)) != 0)
		return r;
	json_t *j = decode_json(pkt, n, pol, source);
	r = json_dumpf(j, stdout, JSON_INDENT(2)) == 0 && fputc('\n', stdout) != EOF
		? CLI_EXIT_OK
		: CLI_EXIT_FAIL;
	json_decref(j);
	return r;
bad_hex:
	fprintf(stderr, "omnictl: decode: %s\n",
		r == -E2BIG ? "packet longer than 65575 octets"
			    : "expected an even number of hex digits (0-9, a-f)");
	return CLI_EXIT_FAIL;
}
