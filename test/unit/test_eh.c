// SPDX-License-Identifier: MIT
/*
 * test_eh.c - common/eh.c: one named test for every edge case of
 * spec/eh-removal.md A.7 and every policy row of A.6, the rewrite (Next
 * Header re-linking, Payload Length, gaps closed by moving the front), the
 * counters, the ICMPv6 errors, and property tests over generated chains
 * (same upper layer, Payload Length = length - 40, identical upper-layer
 * bytes, checksums verified by an independent routine, idempotence), plus
 * truncation and bit-flip sweeps.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define EHP_WITH_EH
#include "eh_pkt.h"

static struct eh_limits L;
static struct eh_rules R;
static struct eh_policy pol_in, pol_ex, pol_custom;
static struct ehp P;

/* The result of one eh_filter() run over a copy of a packet. */
static struct {
	int rc;
	size_t cut, len;
	struct eh_chain ch;
	struct eh_stats st;
	uint8_t buf[EHP_MAX];
	const uint8_t *pkt;
} X;

static void setup(void)
{
	eh_policy_default(&pol_in, EH_DIR_ENTRY);
	eh_policy_default(&pol_ex, EH_DIR_EXIT);
	ehp_init(&P);
}

TestSuite(eh, .init = setup);

/* Start a custom policy from the defaults of direction @d. */
static void base(enum eh_dir d)
{
	eh_limits_default(&L);
	eh_rules_default(&R);
	if (d == EH_DIR_EXIT) {
		struct eh_rules x = {.enable = true, .has_enable = true};
		eh_rules_inherit(&x, &R);
		R = x;
	}
}

static const struct eh_policy *custom(void)
{
	eh_policy_init(&pol_custom, &L, &R);
	return &pol_custom;
}

static void run_buf(const struct eh_policy *pol, const uint8_t *pkt, size_t len)
{
	memset(&X, 0, sizeof(X));
	memcpy(X.buf, pkt, len);
	X.rc = eh_filter(pol, &X.st, X.buf, len, &X.ch, &X.cut);
	X.pkt = X.buf + X.cut;
	X.len = len - X.cut;
}

static void run(const struct eh_policy *pol, const struct ehp *p)
{
	run_buf(pol, p->b, p->len);
}

static void check_forwarded(const struct eh_policy *pol, const uint8_t *in, size_t len)
{
	cr_assert_eq(X.rc, 0, "dropped: %s (kind %d, ptr %u)", eh_reason_name(X.ch.reason),
		     X.ch.bad_kind, X.ch.ptr);
	const char *why = ehp_check_forwarded(pol, in, len, X.pkt, X.cut, &X.ch);
	cr_assert_null(why, "%s", why);
	cr_assert_eq(X.st.v[EH_ST_pkts], 1);
	cr_assert_eq(X.st.v[EH_ST_pkts_dropped], 0);
}

static void expect_keep(const struct eh_policy *pol, const struct ehp *p)
{
	run(pol, p);
	check_forwarded(pol, p->b, p->len);
	cr_assert_eq(X.cut, 0, "stripped %zu octets", X.cut);
	cr_assert_arr_eq(X.buf, p->b, p->len);
	cr_assert_eq(X.st.v[EH_ST_pkts_stripped], 0);
}

static void expect_strip(const struct eh_policy *pol, const struct ehp *p, size_t removed)
{
	run(pol, p);
	check_forwarded(pol, p->b, p->len);
	cr_assert_eq(X.cut, removed, "stripped %zu octets, want %zu", X.cut, removed);
	cr_assert_eq(X.st.v[EH_ST_pkts_stripped], 1);
	cr_assert_eq(X.st.v[EH_ST_bytes_stripped], removed);
}

/* Dropped for @reason, blamed on @kind (-2: do not check), packet untouched. */
static void expect_drop_buf(const struct eh_policy *pol, const uint8_t *pkt, size_t len,
			    enum eh_reason reason, int kind)
{
	run_buf(pol, pkt, len);
	cr_assert_lt(X.rc, 0, "forwarded, want a drop for %s", eh_reason_name(reason));
	cr_assert_eq(X.ch.reason, reason, "reason %s, want %s", eh_reason_name(X.ch.reason),
		     eh_reason_name(reason));
	if (kind != -2)
		cr_assert_eq(X.ch.bad_kind, kind, "blamed kind %d, want %d", X.ch.bad_kind, kind);
	cr_assert_eq(X.cut, 0);
	cr_assert_arr_eq(X.buf, pkt, len);
	cr_assert_eq(X.st.v[EH_ST_pkts_dropped], 1);
	cr_assert_eq(X.st.v[EH_ST_drop_malformed + reason - EH_R_MALFORMED], 1);
	cr_assert_eq(X.rc, reason == EH_R_POLICY || reason == EH_R_AH_CONFLICT ? -EPERM
			   : (reason >= EH_R_TOO_MANY && reason <= EH_R_PAD)   ? -E2BIG
									       : -EBADMSG);
}

static void expect_drop(const struct eh_policy *pol, const struct ehp *p, enum eh_reason reason,
			int kind)
{
	expect_drop_buf(pol, p->b, p->len, reason, kind);
}

/* Set the Payload Length and NH 59 for a packet built without an upper layer. */
static void end_none(struct ehp *p)
{
	p->b[p->nh_at] = 59;
	ehp_set_plen(p);
}

/* ---- fixed header and lengths ---- */

Test(eh, truncated_ipv6_header)
{
	ehp_udp(&P, 4);
	for (size_t n = 0; n < 40; n++) {
		struct eh_chain ch;
		cr_assert_eq(eh_parse(P.b, n, &pol_in.lim, &ch), -EBADMSG, "length %zu", n);
		cr_assert_eq(ch.reason, EH_R_MALFORMED);
		cr_assert_not(eh_wants(&pol_in, P.b, n));
	}
}

Test(eh, payload_length_over_bytes_read)
{
	ehp_hbh_pad(&P);
	ehp_udp(&P, 10);
	expect_drop_buf(&pol_in, P.b, P.len - 1, EH_R_MALFORMED, -1);
	cr_assert_eq(X.ch.ptr, 4);
}

Test(eh, payload_length_under_bytes_read)
{
	/* Trailing octets after Payload Length: dropped, as ipv6_inner_len() does. */
	ehp_hbh_pad(&P);
	ehp_udp(&P, 10);
	expect_drop_buf(&pol_in, P.b, P.len + 4, EH_R_MALFORMED, -1);
	cr_assert_eq(X.ch.ptr, 4);
}

Test(eh, payload_length_zero_without_jumbo)
{
	P.b[6] = 59;
	expect_drop(&pol_in, &P, EH_R_JUMBO, -1);
	cr_assert_eq(X.ch.ptr, 4);
	ehp_hbh_pad(&P);
	ehp_udp(&P, 8);
	P.b[4] = P.b[5] = 0;
	expect_drop(&pol_ex, &P, EH_R_JUMBO, -1);
}

Test(eh, payload_length_zero_with_jumbo)
{
	/* RFC 2675: Jumbo Payload at 4n+2, Payload Length 0. */
	const uint8_t jumbo[] = {0xc2, 4, 0, 1, 0, 0};
	ehp_opts(&P, 0, jumbo, sizeof(jumbo));
	ehp_udp(&P, 8);
	P.b[4] = P.b[5] = 0;
	expect_drop(&pol_in, &P, EH_R_JUMBO, -1);
}

Test(eh, jumbo_option_with_payload_length)
{
	const uint8_t jumbo[] = {0xc2, 4, 0, 1, 0, 0};
	ehp_opts(&P, 0, jumbo, sizeof(jumbo));
	ehp_udp(&P, 8);
	expect_drop(&pol_in, &P, EH_R_JUMBO, EH_K_HBH);
	cr_assert_eq(X.ch.ptr, 42);
	cr_assert_eq(X.st.v[EH_ST_hbh_drop], 1);
}

Test(eh, eh_length_runs_past_end)
{
	uint8_t *h = ehp_do(&P);
	h[1] = 5;
	end_none(&P);
	expect_drop(&pol_in, &P, EH_R_MALFORMED, EH_K_DST);
	cr_assert_eq(X.st.v[EH_ST_dst_drop], 1);
}

Test(eh, eh_cut_after_two_bytes)
{
	P.b[6] = 0;
	P.b[40] = 17;
	P.b[41] = 0;
	P.len = 42;
	ehp_set_plen(&P);
	expect_drop(&pol_in, &P, EH_R_MALFORMED, EH_K_HBH);
	/* And cut after one octet. */
	P.len = 41;
	ehp_set_plen(&P);
	expect_drop(&pol_in, &P, EH_R_MALFORMED, EH_K_HBH);
}

Test(eh, ah_length_overflows_packet)
{
	uint8_t *h = ehp_ah(&P, 12);
	ehp_udp(&P, 8);
	h[1] = 200;
	expect_drop(&pol_in, &P, EH_R_MALFORMED, EH_K_AH);
	cr_assert_eq(X.st.v[EH_ST_ah_drop], 1);
}

Test(eh, ah_payload_len_below_one)
{
	uint8_t *h = ehp_ah(&P, 12);
	ehp_udp(&P, 8);
	h[1] = 0;
	expect_drop(&pol_in, &P, EH_R_MALFORMED, EH_K_AH);
	cr_assert_eq(X.ch.ptr, 41);
}

Test(eh, ah_length_not_multiple_of_8)
{
	/* RFC 4302 §2.2: in IPv6 the AH is a multiple of 8 octets. */
	uint8_t *h = ehp_ah(&P, 12);
	ehp_udp(&P, 8);
	h[1] = 5; /* 28 octets */
	expect_drop(&pol_in, &P, EH_R_MALFORMED, EH_K_AH);
}

/* ---- order and occurrence ---- */

Test(eh, hbh_after_do)
{
	ehp_do(&P);
	ehp_hbh_pad(&P);
	ehp_udp(&P, 8);
	expect_drop(&pol_in, &P, EH_R_ORDER, EH_K_HBH);
	cr_assert_eq(X.ch.ptr, 40); /* the Next Header octet that names it */
}

Test(eh, hbh_after_rh)
{
	ehp_srh(&P, 1, 2, 0);
	ehp_hbh_pad(&P);
	ehp_udp(&P, 8);
	expect_drop(&pol_ex, &P, EH_R_ORDER, EH_K_HBH);
}

Test(eh, hbh_after_fh)
{
	ehp_frag(&P, 0, false, 7);
	ehp_hbh_pad(&P);
	ehp_udp(&P, 8);
	expect_drop(&pol_in, &P, EH_R_ORDER, EH_K_HBH);
}

Test(eh, two_hbh_headers)
{
	ehp_hbh_pad(&P);
	ehp_hbh_pad(&P);
	ehp_udp(&P, 8);
	expect_drop(&pol_in, &P, EH_R_ORDER, EH_K_HBH);
	cr_assert_eq(X.ch.ptr, 40);
}

Test(eh, three_do_headers)
{
	ehp_do(&P);
	ehp_srh(&P, 1, 2, 0);
	ehp_do(&P);
	ehp_do(&P);
	ehp_udp(&P, 8);
	expect_drop(&pol_in, &P, EH_R_DST, EH_K_DST);
	/* Even when the count allows it, the second DO must be the last header. */
	base(EH_DIR_ENTRY);
	L.max_dst_hdrs = 3;
	expect_drop(custom(), &P, EH_R_DST, EH_K_DST);
}

Test(eh, two_do_headers_in_legal_positions)
{
	ehp_do(&P);
	ehp_srh(&P, 1, 2, 0);
	ehp_do(&P);
	ehp_udp(&P, 8);
	expect_keep(&pol_in, &P);
	cr_assert_eq(X.st.v[EH_ST_dst_keep], 2);
	expect_keep(&pol_ex, &P);
	/* Two in a row (the RH gone, e.g. stripped upstream) is still legal. */
	ehp_init(&P);
	ehp_do(&P);
	ehp_do(&P);
	ehp_tcp(&P, 4);
	expect_keep(&pol_ex, &P);
}

Test(eh, do_after_upper_layer_position)
{
	/* The final DO sits before the upper layer; another header after it is refused. */
	ehp_do(&P);
	ehp_srh(&P, 1, 2, 0);
	ehp_do(&P);
	ehp_frag(&P, 0, false, 1);
	ehp_udp(&P, 8);
	expect_drop(&pol_in, &P, EH_R_DST, EH_K_DST);
}

Test(eh, max_dst_hdrs_limits)
{
	ehp_do(&P);
	ehp_udp(&P, 8);
	base(EH_DIR_ENTRY);
	L.max_dst_hdrs = 0;
	expect_drop(custom(), &P, EH_R_DST, EH_K_DST);
	L.max_dst_hdrs = 1;
	expect_keep(custom(), &P);
}

Test(eh, dstopt_drop_knob)
{
	ehp_do(&P);
	ehp_udp(&P, 8);
	base(EH_DIR_ENTRY);
	R.dstopt = EH_DROP;
	expect_drop(custom(), &P, EH_R_POLICY, EH_K_DST);
	cr_assert_eq(X.st.v[EH_ST_dst_drop], 1);
}

Test(eh, rh_after_fh_is_kept)
{
	/*
	 * Legal but recommended against. Decision: headers after the Fragment
	 * header belong to the fragmentable part and are never stripped (the
	 * offsets of the other fragments would no longer fit); drop rows still
	 * apply to them.
	 */
	ehp_hbh_pad(&P);
	ehp_frag(&P, 0, false, 9);
	ehp_srh(&P, 0, 1, 0);
	ehp_udp(&P, 8);
	expect_strip(&pol_ex, &P, 8);
	cr_assert_eq(X.st.v[EH_ST_hbh_strip], 1);
	cr_assert_eq(X.st.v[EH_ST_rh_keep], 1);
	cr_assert_eq(X.st.v[EH_ST_rh_strip], 0);
	cr_assert_eq(X.ch.h[2].flags & EH_F_AFTER_FRAG, EH_F_AFTER_FRAG);
	ehp_init(&P);
	ehp_frag(&P, 0, false, 9);
	ehp_rh(&P, 0, 0, 8);
	ehp_udp(&P, 8);
	expect_drop(&pol_ex, &P, EH_R_POLICY, EH_K_RH);
}

Test(eh, second_routing_header)
{
	ehp_srh(&P, 1, 2, 0);
	ehp_rh2(&P, 1);
	ehp_udp(&P, 8);
	expect_drop(&pol_in, &P, EH_R_ORDER, EH_K_RH);
}

Test(eh, second_fragment_header)
{
	ehp_frag(&P, 0, false, 1);
	ehp_frag(&P, 0, false, 2);
	ehp_udp(&P, 8);
	expect_drop(&pol_in, &P, EH_R_ORDER, EH_K_FRAG);
}

/* ---- long chains ---- */

/* HBH, DO, SRH(SL 1), FH, AH, MOB, HIP, SHIM6 (8), then MOB, HIP, SHIM6, DO (12). */
static void long_chain(struct ehp *p, size_t n)
{
	static const uint8_t ext[] = {135, 139, 140};
	size_t k = 0;

	ehp_init(p);
	ehp_hbh_pad(p), k++;
	ehp_do(p), k++;
	ehp_srh(p, 1, 1, 0), k++;
	ehp_frag(p, 0, false, 3), k++;
	ehp_ah(p, 12), k++;
	for (size_t i = 0; k < n - (n >= 12 ? 1 : 0); i++, k++)
		ehp_ext(p, ext[i % 3], 8);
	if (n >= 12)
		ehp_do(p), k++;
	ehp_udp(p, 16);
}

Test(eh, chain_of_8_headers)
{
	long_chain(&P, 8);
	expect_keep(&pol_in, &P); /* the AH keeps the padding-only HBH */
	cr_assert_eq(X.ch.n, 8);
	cr_assert_eq(X.st.v[EH_ST_hbh_keep], 1);
}

Test(eh, chain_of_12_headers)
{
	long_chain(&P, 12);
	expect_drop(&pol_in, &P, EH_R_TOO_MANY, EH_K_MOB);
	cr_assert_eq(X.ch.n, 8);
	base(EH_DIR_ENTRY);
	L.max_eh_count = 12;
	expect_keep(custom(), &P);
	cr_assert_eq(X.ch.n, 12);
}

Test(eh, chain_of_13_headers)
{
	long_chain(&P, 13);
	base(EH_DIR_ENTRY);
	L.max_eh_count = 12;
	expect_drop(custom(), &P, EH_R_TOO_MANY, EH_K_DST);
	/* The ceiling holds even if a caller asks for more. */
	L.max_eh_count = 1000;
	expect_drop(custom(), &P, EH_R_TOO_MANY, EH_K_DST);
}

Test(eh, do_bomb_182_headers)
{
	/* A 1500-octet packet of 182 eight-octet DO headers (each a 6-octet PadN). */
	for (int i = 0; i < 182; i++)
		ehp_opts(&P, 60, NULL, 0);
	end_none(&P);
	cr_assert_eq(P.len, 40 + 182 * 8);
	expect_drop(&pol_in, &P, EH_R_DST, EH_K_DST);
	cr_assert_leq(X.ch.n, 2);
	/* Generous limits do not help: the second DO must be the last header. */
	base(EH_DIR_ENTRY);
	L.max_dst_hdrs = 1000;
	L.max_eh_chain_bytes = 65535;
	L.parse_window = 65535;
	expect_drop(custom(), &P, EH_R_DST, EH_K_DST);
	/* The same bomb of Mobility headers stops at the header count. */
	ehp_init(&P);
	for (int i = 0; i < 182; i++)
		ehp_ext(&P, 135, 8);
	end_none(&P);
	expect_drop(custom(), &P, EH_R_TOO_MANY, EH_K_MOB);
	cr_assert_eq(X.ch.n, 8);
	expect_drop(&pol_in, &P, EH_R_TOO_MANY, EH_K_MOB);
}

Test(eh, alternating_do_rh)
{
	for (int i = 0; i < 6; i++) {
		ehp_do(&P);
		ehp_rh(&P, 9, 0, 8);
	}
	ehp_udp(&P, 8);
	run(&pol_in, &P);
	cr_assert_lt(X.rc, 0);
	cr_assert(X.ch.reason == EH_R_ORDER || X.ch.reason == EH_R_DST);
	cr_assert_leq(X.ch.n, 3);
}

Test(eh, chain_exactly_at_parse_window)
{
	/* 40 + 8 (HBH) + 80 (DO) = 128: the chain ends at the window's last octet. */
	ehp_hbh_ra(&P);
	uint8_t *h = ehp_ext(&P, 60, 80);
	h[2] = 1;
	h[3] = 4; /* PadN 6 octets, then 72 octets of options... */
	for (size_t o = 8; o < 80; o += 8) {
		h[o] = 0x1f; /* unknown, skip (00) */
		h[o + 1] = 6;
	}
	ehp_tcp(&P, 8);
	base(EH_DIR_ENTRY);
	L.parse_window = 128;
	L.max_opts_per_hdr = 9;
	expect_keep(custom(), &P);
	cr_assert_eq(X.ch.upper_off, 128);
}

Test(eh, chain_one_byte_over_parse_window)
{
	ehp_hbh_ra(&P);
	uint8_t *h = ehp_ext(&P, 60, 80);
	h[2] = 1;
	h[3] = 4;
	for (size_t o = 8; o < 80; o += 8) {
		h[o] = 0x1f;
		h[o + 1] = 6;
	}
	ehp_tcp(&P, 8);
	base(EH_DIR_ENTRY);
	L.parse_window = 127;
	L.max_opts_per_hdr = 9;
	expect_drop(custom(), &P, EH_R_WINDOW, EH_K_DST);
	cr_assert_eq(X.ch.ptr, 48);
}

Test(eh, chain_bytes_limit)
{
	ehp_hbh_ra(&P);
	ehp_srh(&P, 1, 3, 0); /* 56 */
	ehp_do(&P);
	ehp_udp(&P, 8);
	base(EH_DIR_ENTRY);
	L.max_eh_chain_bytes = 72;
	expect_keep(custom(), &P);
	L.max_eh_chain_bytes = 71;
	expect_drop(custom(), &P, EH_R_CHAIN_BYTES, EH_K_DST);
}

Test(eh, chain_straddling_first_fragment_end)
{
	ehp_hbh_pad(&P);
	ehp_frag(&P, 0, true, 5);
	uint8_t *h = ehp_ext(&P, 60, 16);
	h[1] = 3; /* claims 32 octets; the first fragment ends after 16 */
	end_none(&P);
	expect_drop(&pol_in, &P, EH_R_FRAG_CHAIN, EH_K_DST);
	cr_assert_eq(X.ch.ptr, 0);
}

/* ---- No Next Header, unknown protocols ---- */

Test(eh, nh59_with_trailing_bytes)
{
	ehp_hbh_pad(&P);
	ehp_raw(&P, 59, 13);
	expect_strip(&pol_in, &P, 8);
	cr_assert_eq(X.pkt[6], 59);
	cr_assert_arr_eq(X.pkt + 40, P.b + 48, 13);
	ehp_init(&P);
	ehp_raw(&P, 59, 13);
	cr_assert_not(eh_wants(&pol_in, P.b, P.len));
	expect_keep(&pol_in, &P);
}

Test(eh, strip_never_leaves_payload_length_zero)
{
	/* HBH + No Next Header and nothing after: removing it would leave a bare header. */
	ehp_hbh_pad(&P);
	ehp_raw(&P, 59, 0);
	expect_keep(&pol_in, &P);
	cr_assert_eq(X.st.v[EH_ST_hbh_keep], 1);
	ehp_init(&P);
	ehp_hbh_pad(&P);
	ehp_raw(&P, 59, 1);
	expect_strip(&pol_in, &P, 8);
}

Test(eh, unknown_upper_layer_nh)
{
	ehp_hbh_pad(&P);
	ehp_raw(&P, 200, 16);
	expect_strip(&pol_in, &P, 8);
	cr_assert_eq(X.st.v[EH_ST_unknown_nh_keep], 1);
	base(EH_DIR_ENTRY);
	R.unknown_nh = EH_DROP;
	expect_drop(custom(), &P, EH_R_POLICY, EH_K_UNKNOWN_NH);
	cr_assert_eq(X.st.v[EH_ST_unknown_nh_drop], 1);
	/* Directly after the fixed header the fast path only looks when asked to. */
	ehp_init(&P);
	ehp_raw(&P, 200, 16);
	cr_assert_not(eh_wants(&pol_in, P.b, P.len));
	cr_assert(eh_wants(custom(), P.b, P.len));
	expect_drop(custom(), &P, EH_R_POLICY, EH_K_UNKNOWN_NH);
	/* Assigned protocols are never "unknown". */
	ehp_init(&P);
	ehp_raw(&P, 132, 16); /* SCTP */
	cr_assert_not(eh_wants(custom(), P.b, P.len));
	expect_keep(custom(), &P);
}

Test(eh, nh253_as_protocol_and_as_eh)
{
	/*
	 * 253/254 may be an experimental header or a protocol (RFC 4727): omnid
	 * cannot tell, so it treats them as opaque: dropped by default
	 * (exp_eh = drop, RFC 9288), passed unchanged with exp_eh = keep.
	 */
	ehp_raw(&P, 253, 24); /* as a protocol */
	cr_assert(eh_wants(&pol_in, P.b, P.len));
	expect_drop(&pol_in, &P, EH_R_POLICY, EH_K_EXP);
	cr_assert_eq(X.st.v[EH_ST_exp_drop], 1);
	base(EH_DIR_ENTRY);
	R.exp_eh = EH_KEEP;
	expect_keep(custom(), &P);
	cr_assert_eq(X.st.v[EH_ST_exp_keep], 1);
	/* As an RFC 6564 header followed by UDP, behind a padding HBH. */
	ehp_init(&P);
	ehp_hbh_pad(&P);
	ehp_ext(&P, 254, 8);
	ehp_udp(&P, 8);
	expect_strip(custom(), &P, 8);
	cr_assert_eq(X.pkt[6], 254);
	expect_drop(&pol_ex, &P, EH_R_POLICY, EH_K_EXP);
}

/* ---- options ---- */

static void hbh_body(struct ehp *p, const uint8_t *body, size_t n)
{
	uint8_t *h = ehp_ext(p, 0, n + 2);
	memcpy(h + 2, body, n);
}

Test(eh, pad1_run_of_7)
{
	const uint8_t b[14] = {0, 0, 0, 0, 0, 0, 0, 5, 2, 0, 0, 1, 1, 0};
	hbh_body(&P, b, sizeof(b));
	ehp_udp(&P, 8);
	expect_keep(&pol_in, &P);
	expect_strip(&pol_ex, &P, 16);
}

Test(eh, pad1_run_of_8)
{
	const uint8_t b[14] = {0, 0, 0, 0, 0, 0, 0, 0, 5, 2, 0, 0, 1, 0};
	hbh_body(&P, b, sizeof(b));
	ehp_udp(&P, 8);
	expect_drop(&pol_in, &P, EH_R_PAD, EH_K_HBH);
	cr_assert_eq(X.ch.ptr, 40 + 2 + 7);
	base(EH_DIR_ENTRY);
	L.max_pad_run = 8;
	expect_keep(custom(), &P);
}

Test(eh, padn_data_5)
{
	const uint8_t b[14] = {1, 5, 0, 0, 0, 0, 0, 5, 2, 0, 0, 1, 1, 0};
	hbh_body(&P, b, sizeof(b));
	ehp_udp(&P, 8);
	expect_keep(&pol_in, &P);
}

Test(eh, padn_data_6)
{
	const uint8_t b[14] = {1, 6, 0, 0, 0, 0, 0, 0, 5, 2, 0, 0, 1, 0};
	hbh_body(&P, b, sizeof(b));
	ehp_udp(&P, 8);
	expect_drop(&pol_in, &P, EH_R_PAD, EH_K_HBH);
}

Test(eh, padn_nonzero_content)
{
	/* Decision: strict, like Linux: PadN data must be zero (RFC 8200 §4.2), else drop. */
	uint8_t *h = ehp_hbh_pad(&P);
	h[5] = 0x80;
	ehp_udp(&P, 8);
	expect_drop(&pol_in, &P, EH_R_PAD, EH_K_HBH);
	cr_assert_eq(X.ch.ptr, 45);
}

Test(eh, option_overruns_header)
{
	const uint8_t b[6] = {5, 10, 0, 0, 0, 0};
	hbh_body(&P, b, sizeof(b));
	ehp_udp(&P, 8);
	expect_drop(&pol_in, &P, EH_R_MALFORMED, EH_K_HBH);
	cr_assert_eq(X.ch.ptr, 42);
}

Test(eh, option_ends_exactly_at_header_end)
{
	const uint8_t b[6] = {0x1f, 4, 1, 2, 3, 4};
	hbh_body(&P, b, sizeof(b));
	ehp_udp(&P, 8);
	expect_keep(&pol_in, &P);
	expect_strip(&pol_ex, &P, 8);
}

Test(eh, header_ends_partway_through_tlv)
{
	const uint8_t b[6] = {1, 3, 0, 0, 0, 0x1f};
	hbh_body(&P, b, sizeof(b));
	ehp_udp(&P, 8);
	expect_drop(&pol_in, &P, EH_R_MALFORMED, EH_K_HBH);
	cr_assert_eq(X.ch.ptr, 47);
}

Test(eh, unknown_option_action_bits)
{
	/*
	 * omnid does not process HBH options (RFC 9673: a router may skip the
	 * header), so the action bits of an unknown option never change the
	 * decision: kept inside the overlay, stripped at the exit, for 00, 01,
	 * 10 and 11 alike, and for 11 with a multicast destination too.
	 */
	static const uint8_t types[] = {0x1f, 0x5f, 0x9f, 0xdf};
	for (int mc = 0; mc < 2; mc++) {
		for (size_t i = 0; i < sizeof(types); i++) {
			const uint8_t opt[] = {types[i], 2, 0xab, 0xcd};
			if (mc && types[i] != 0xdf)
				continue;
			ehp_init(&P);
			if (mc) {
				P.b[24] = 0xff;
				P.b[25] = 0x02;
				memcpy(P.final, P.b + 24, 16);
			}
			ehp_opts(&P, 0, opt, sizeof(opt));
			ehp_udp(&P, 8);
			expect_keep(&pol_in, &P);
			cr_assert_eq(X.st.v[EH_ST_hbh_keep], 1);
			expect_strip(&pol_ex, &P, 8);
			cr_assert_eq(X.st.v[EH_ST_hbh_strip], 1);
		}
	}
}

Test(eh, eight_vs_nine_options)
{
	uint8_t b[30] = {0};
	for (int i = 0; i < 8; i++)
		b[2 * i] = 0x1f;
	hbh_body(&P, b, 22); /* 8 options, 6 octets of padding (Pad1 x6) */
	ehp_udp(&P, 8);
	expect_keep(&pol_in, &P);
	cr_assert_eq(X.ch.h[0].nopts, 8);
	ehp_init(&P);
	for (int i = 0; i < 9; i++)
		b[2 * i] = 0x1f;
	b[18] = 1;
	b[19] = 2; /* PadN 4 octets: 18 + 4 = 22 */
	hbh_body(&P, b, 22);
	ehp_udp(&P, 8);
	expect_drop(&pol_in, &P, EH_R_OPTS, EH_K_HBH);
	cr_assert_eq(X.ch.ptr, 42 + 16);
	/* The same limit applies to DO. */
	ehp_init(&P);
	uint8_t *h = ehp_ext(&P, 60, 24);
	memcpy(h + 2, b, 22);
	ehp_udp(&P, 8);
	expect_drop(&pol_in, &P, EH_R_OPTS, EH_K_DST);
}

Test(eh, router_alert)
{
	ehp_hbh_ra(&P);
	ehp_icmp6(&P, 143, 20); /* an MLDv2 report */
	expect_keep(&pol_in, &P);
	expect_strip(&pol_ex, &P, 8);
	cr_assert_eq(X.pkt[6], 58);
	base(EH_DIR_EXIT);
	R.hbh_keep_types[0] = 1U << 5; /* hbh_keep_types = 5 */
	expect_keep(custom(), &P);
	R.hbh = EH_DROP;
	expect_keep(custom(), &P); /* a listed type forces keep */
	memset(R.hbh_keep_types, 0, sizeof(R.hbh_keep_types));
	expect_drop(custom(), &P, EH_R_POLICY, EH_K_HBH);
}

Test(eh, jumbo_misaligned)
{
	const uint8_t jumbo[] = {0, 0xc2, 4, 0, 1, 0, 0}; /* at 4n+3 */
	ehp_opts(&P, 0, jumbo, sizeof(jumbo));
	ehp_udp(&P, 8);
	expect_drop(&pol_in, &P, EH_R_JUMBO, EH_K_HBH);
}

Test(eh, jumbo_with_fragment_header)
{
	const uint8_t jumbo[] = {0xc2, 4, 0, 1, 0, 0};
	ehp_opts(&P, 0, jumbo, sizeof(jumbo));
	ehp_frag(&P, 0, false, 4);
	ehp_udp(&P, 8);
	P.b[4] = P.b[5] = 0;
	expect_drop(&pol_in, &P, EH_R_JUMBO, -1);
	ehp_set_plen(&P);
	expect_drop(&pol_in, &P, EH_R_JUMBO, EH_K_HBH);
}

Test(eh, hbh_pad_knob)
{
	ehp_hbh_pad(&P);
	ehp_tcp(&P, 8);
	expect_strip(&pol_in, &P, 8);
	expect_strip(&pol_ex, &P, 8);
	base(EH_DIR_ENTRY);
	R.hbh_pad = EH_KEEP;
	expect_keep(custom(), &P);
	R.hbh_pad = EH_DROP;
	expect_drop(custom(), &P, EH_R_POLICY, EH_K_HBH);
}

Test(eh, hbh_knob)
{
	ehp_hbh_ra(&P);
	ehp_tcp(&P, 8);
	base(EH_DIR_ENTRY);
	R.hbh = EH_STRIP;
	expect_strip(custom(), &P, 8);
	R.hbh = EH_DROP;
	expect_drop(custom(), &P, EH_R_POLICY, EH_K_HBH);
}

Test(eh, opt_iterator)
{
	const uint8_t body[] = {0, 1, 1, 0, 5, 2, 0xaa, 0xbb, 0x1f, 0};
	struct cur c = cur_make(body, sizeof(body));
	struct eh_opt o;
	cr_assert(eh_opt_next(&c, body, &o));
	cr_assert_eq(o.type, 0);
	cr_assert_eq(o.off, 0);
	cr_assert(eh_opt_next(&c, body, &o));
	cr_assert_eq(o.type, 1);
	cr_assert_eq(o.len, 1);
	cr_assert(eh_opt_next(&c, body, &o));
	cr_assert_eq(o.type, 5);
	cr_assert_eq(o.off, 4);
	cr_assert_eq(o.data[1], 0xbb);
	cr_assert(eh_opt_next(&c, body, &o));
	cr_assert_eq(o.type, 0x1f);
	cr_assert_eq(o.len, 0);
	cr_assert_not(eh_opt_next(&c, body, &o));
	cr_assert_not(c.bad);
	c = cur_make(body, 5); /* cut inside Router Alert */
	while (eh_opt_next(&c, body, &o))
		;
	cr_assert(c.bad);
}

/* ---- Routing headers ---- */

Test(eh, rh0_sl0_and_sl2)
{
	for (uint8_t sl = 0; sl <= 2; sl += 2) {
		ehp_init(&P);
		ehp_rh(&P, 0, sl, 40);
		ehp_udp(&P, 8);
		expect_drop(&pol_in, &P, EH_R_POLICY, EH_K_RH);
		cr_assert_eq(X.ch.ptr, 42); /* Routing Type */
		expect_drop(&pol_ex, &P, EH_R_POLICY, EH_K_RH);
		cr_assert_eq(X.st.v[EH_ST_rh_drop], 1);
	}
	/* Not even an empty rh_drop_types lets RH0 through (RFC 5095). */
	base(EH_DIR_EXIT);
	memset(R.rh_drop_types, 0, sizeof(R.rh_drop_types));
	expect_drop(custom(), &P, EH_R_POLICY, EH_K_RH);
}

Test(eh, rh0_odd_hdr_ext_len)
{
	ehp_rh(&P, 0, 0, 16);
	P.b[41] = 1;
	ehp_udp(&P, 8);
	expect_drop(&pol_in, &P, EH_R_MALFORMED, EH_K_RH);
	cr_assert_eq(X.ch.ptr, 41);
}

Test(eh, rh2_sl1)
{
	ehp_rh2(&P, 1);
	ehp_tcp(&P, 8);
	expect_keep(&pol_in, &P);
	expect_keep(&pol_ex, &P);
	cr_assert_eq(X.st.v[EH_ST_rh_keep], 1);
	base(EH_DIR_EXIT);
	R.rh2 = EH_DROP;
	expect_drop(custom(), &P, EH_R_POLICY, EH_K_RH);
	/* RFC 6275 §6.4: exactly one address. */
	P.b[41] = 4;
	expect_drop(&pol_in, &P, EH_R_MALFORMED, EH_K_RH);
}

Test(eh, srh_sl0)
{
	ehp_srh(&P, 0, 2, 0);
	ehp_tcp(&P, 8);
	expect_keep(&pol_in, &P);
	expect_strip(&pol_ex, &P, 40);
	cr_assert_eq(X.pkt[6], 6);
	cr_assert_eq(X.st.v[EH_ST_rh_strip], 1);
	base(EH_DIR_EXIT);
	R.rh_sl0 = EH_KEEP;
	expect_keep(custom(), &P);
}

Test(eh, srh_sl1)
{
	ehp_srh(&P, 1, 2, 0);
	ehp_tcp(&P, 8);
	expect_keep(&pol_in, &P);
	expect_keep(&pol_ex, &P); /* never stripped: the checksum's destination is segment 0 */
	base(EH_DIR_EXIT);
	R.rh_slnz = EH_DROP;
	expect_drop(custom(), &P, EH_R_POLICY, EH_K_RH);
	/* A policy asking to strip SL > 0 is refused by eh_policy_init. */
	R.rh_slnz = EH_STRIP;
	expect_keep(custom(), &P);
}

Test(eh, srh_sl_above_last_entry)
{
	ehp_srh(&P, 3, 2, 0); /* Last Entry 1: SL may be at most 2 */
	ehp_tcp(&P, 8);
	expect_drop(&pol_ex, &P, EH_R_MALFORMED, EH_K_RH);
	cr_assert_eq(X.ch.ptr, 43);
	ehp_init(&P);
	ehp_srh(&P, 2, 2, 0);
	ehp_tcp(&P, 8);
	expect_keep(&pol_ex, &P);
	/* Segment list longer than the header. */
	P.b[44] = 5;
	expect_drop(&pol_ex, &P, EH_R_MALFORMED, EH_K_RH);
}

Test(eh, srh_with_hmac_tlv)
{
	/* RFC 8754 §2.1.2: HMAC TLV, type 5, length 38 (reserved, key id, 32-octet HMAC). */
	uint8_t *h = ehp_srh(&P, 0, 1, 40);
	h[24] = 5;
	h[25] = 38;
	h[29] = 1;
	ehp_udp(&P, 8);
	expect_keep(&pol_in, &P);
	expect_strip(&pol_ex, &P, 64);
	h[25] = 39; /* overruns the header */
	ehp_fix_csum(&P, 17);
	expect_drop(&pol_ex, &P, EH_R_MALFORMED, EH_K_RH);
}

Test(eh, crh16_and_crh32)
{
	for (uint8_t type = 5; type <= 6; type++) {
		size_t sid = type == 5 ? 2 : 4;
		ehp_init(&P);
		ehp_rh(&P, type, 0, 16);
		ehp_udp(&P, 8);
		expect_keep(&pol_in, &P);
		expect_strip(&pol_ex, &P, 16);
		ehp_init(&P);
		ehp_rh(&P, type, 2, 16);
		ehp_udp(&P, 8);
		expect_keep(&pol_ex, &P);
		base(EH_DIR_EXIT);
		R.rh_slnz = EH_DROP;
		expect_drop(custom(), &P, EH_R_POLICY, EH_K_RH);
		/* SL beyond the SID list: (16 - 4) / sid SIDs fit. */
		P.b[43] = (uint8_t)(12 / sid + 1);
		expect_drop(&pol_ex, &P, EH_R_MALFORMED, EH_K_RH);
		P.b[43] = (uint8_t)(12 / sid);
		expect_keep(&pol_ex, &P);
	}
}

Test(eh, unknown_rh_type)
{
	ehp_rh(&P, 9, 0, 8);
	ehp_udp(&P, 8);
	expect_keep(&pol_in, &P);
	expect_keep(&pol_ex, &P);
	base(EH_DIR_EXIT);
	R.rh_unknown_sl0 = EH_STRIP;
	expect_strip(custom(), &P, 8);
	ehp_init(&P);
	ehp_rh(&P, 9, 3, 8);
	ehp_udp(&P, 8);
	expect_keep(&pol_in, &P);
	expect_keep(&pol_ex, &P);
	R.rh_unknown_slnz = EH_DROP;
	expect_drop(custom(), &P, EH_R_POLICY, EH_K_RH);
}

Test(eh, rh_drop_types)
{
	static const uint8_t dropped[] = {1, 3, 253, 254};
	for (size_t i = 0; i < sizeof(dropped); i++) {
		ehp_init(&P);
		ehp_rh(&P, dropped[i], 0, 8);
		ehp_udp(&P, 8);
		expect_drop(&pol_in, &P, EH_R_POLICY, EH_K_RH);
		expect_drop(&pol_ex, &P, EH_R_POLICY, EH_K_RH);
	}
	/* rh_drop_types = 1 253 254: RH3 becomes an unknown type. */
	ehp_init(&P);
	ehp_rh(&P, 3, 0, 8);
	ehp_udp(&P, 8);
	base(EH_DIR_ENTRY);
	R.rh_drop_types[0] = 1U << 1;
	expect_keep(custom(), &P);
	/* ... and a listed SRH is dropped whatever its SL. */
	R.rh_drop_types[0] |= 1U << 4;
	ehp_init(&P);
	ehp_srh(&P, 0, 1, 0);
	ehp_udp(&P, 8);
	expect_drop(custom(), &P, EH_R_POLICY, EH_K_RH);
}

/* ---- fragments ---- */

Test(eh, first_fragment_full_chain)
{
	ehp_hbh_pad(&P);
	ehp_frag(&P, 0, true, 11);
	ehp_udp(&P, 16); /* 24 octets: a multiple of 8 */
	expect_strip(&pol_in, &P, 8);
	cr_assert_eq(X.pkt[6], 44);
	cr_assert_eq(X.st.v[EH_ST_frag_keep], 1);
	cr_assert(X.ch.frag && X.ch.frag_more && X.ch.frag_offset == 0);
}

Test(eh, first_fragment_chain_into_second_fragment)
{
	ehp_frag(&P, 0, true, 12);
	uint8_t *t = ehp_add(&P, 6, 8); /* 8 of the 20 TCP header octets */
	t[0] = 1;
	ehp_set_plen(&P);
	expect_drop(&pol_in, &P, EH_R_FRAG_CHAIN, -1);
	cr_assert_eq(X.ch.ptr, 0);
	cr_assert_eq(X.st.v[EH_ST_drop_frag_chain], 1);
}

Test(eh, nonfirst_fragment_with_hbh)
{
	/* Stateless: the unfragmentable HBH gets the first fragment's decision. */
	ehp_hbh_pad(&P);
	ehp_frag(&P, 100, true, 11);
	ehp_raw(&P, 17, 32);
	expect_strip(&pol_in, &P, 8);
	cr_assert(X.ch.opaque);
	cr_assert_eq(X.ch.upper, 17);
	cr_assert_eq(X.ch.upper_off, 56);
	expect_strip(&pol_ex, &P, 8);
	/* Whatever the fragment data looks like, it is not parsed. */
	memset(P.b + 56, 0, 32);
	P.b[48] = 0; /* FH Next Header says HBH: only meaningful after reassembly */
	expect_strip(&pol_in, &P, 8);
}

Test(eh, atomic_fragment)
{
	ehp_frag(&P, 0, false, 13);
	ehp_udp(&P, 5);
	expect_keep(&pol_in, &P);
	cr_assert_eq(X.st.v[EH_ST_frag_keep], 1);
	ehp_init(&P);
	ehp_hbh_pad(&P);
	ehp_frag(&P, 0, false, 13);
	ehp_udp(&P, 5);
	expect_strip(&pol_in, &P, 8);
}

Test(eh, tiny_fragments)
{
	/* A first fragment of 8 data octets cannot hold a TCP header. */
	ehp_frag(&P, 0, true, 14);
	ehp_add(&P, 6, 8);
	ehp_set_plen(&P);
	expect_drop(&pol_in, &P, EH_R_FRAG_CHAIN, -1);
	/* A last fragment of 3 octets is fine. */
	ehp_init(&P);
	ehp_frag(&P, 7, false, 14);
	ehp_raw(&P, 6, 3);
	expect_keep(&pol_in, &P);
	/* A non-final fragment of 4 octets is not a multiple of 8. */
	ehp_init(&P);
	ehp_frag(&P, 7, true, 14);
	ehp_raw(&P, 6, 4);
	expect_drop(&pol_in, &P, EH_R_MALFORMED, EH_K_FRAG);
}

Test(eh, overlapping_fragments_are_stateless)
{
	/*
	 * omnid never reassembles inner fragments: overlap (RFC 5722) is the
	 * destination's business. Each fragment is judged alone, the same way.
	 */
	for (uint16_t off = 0; off < 2; off++) {
		ehp_init(&P);
		ehp_hbh_pad(&P);
		ehp_frag(&P, off, true, 15);
		if (off == 0) {
			ehp_udp(&P, 16);
		} else {
			ehp_raw(&P, 17, 24);
		}
		expect_strip(&pol_in, &P, 8);
	}
}

Test(eh, fragment_m1_length_not_multiple_of_8)
{
	ehp_frag(&P, 0, true, 16);
	ehp_udp(&P, 9);
	expect_drop(&pol_in, &P, EH_R_MALFORMED, EH_K_FRAG);
	cr_assert_eq(X.ch.ptr, 4); /* RFC 8200 §4.5: points at Payload Length */
}

Test(eh, fragment_offset_overflow)
{
	ehp_frag(&P, 8191, false, 17);
	ehp_raw(&P, 17, 16);
	expect_drop(&pol_in, &P, EH_R_MALFORMED, EH_K_FRAG);
	cr_assert_eq(X.ch.ptr, 42);
}

/* ---- AH and ESP ---- */

Test(eh, hbh_and_ah)
{
	ehp_hbh_pad(&P);
	ehp_ah(&P, 12);
	ehp_udp(&P, 8);
	expect_keep(&pol_in, &P);
	cr_assert_eq(X.st.v[EH_ST_hbh_keep], 1);
	cr_assert_eq(X.st.v[EH_ST_ah_keep], 1);
	base(EH_DIR_ENTRY);
	L.ah_conflict = EH_DROP;
	expect_drop(custom(), &P, EH_R_AH_CONFLICT, EH_K_HBH);
	cr_assert_eq(X.st.v[EH_ST_drop_ah_conflict], 1);
	/* No conflict without a header to strip. */
	ehp_init(&P);
	ehp_hbh_ra(&P);
	ehp_ah(&P, 12);
	ehp_udp(&P, 8);
	expect_keep(custom(), &P);
}

Test(eh, ah_protects_headers_after_it_too)
{
	/*
	 * RFC 4302 §3.3.3: the ICV also covers what follows the AH, so an SRH
	 * (SL 0) behind it stays too (stricter than "before it" in A.6).
	 */
	ehp_ah(&P, 12);
	ehp_srh(&P, 0, 1, 0);
	ehp_udp(&P, 8);
	expect_keep(&pol_ex, &P);
	base(EH_DIR_EXIT);
	L.ah_conflict = EH_DROP;
	expect_drop(custom(), &P, EH_R_AH_CONFLICT, EH_K_RH);
}

Test(eh, hbh_and_esp)
{
	ehp_hbh_pad(&P);
	ehp_raw(&P, 50, 64);
	expect_strip(&pol_in, &P, 8);
	cr_assert_eq(X.pkt[6], 50);
	cr_assert_arr_eq(X.pkt + 40, P.b + 48, 64);
	cr_assert_eq(X.st.v[EH_ST_esp_keep], 1);
	cr_assert(X.ch.opaque);
}

Test(eh, rh_sl0_and_esp)
{
	ehp_srh(&P, 0, 1, 0);
	ehp_raw(&P, 50, 40);
	expect_keep(&pol_in, &P);
	expect_strip(&pol_ex, &P, 24);
	cr_assert_eq(X.pkt[6], 50);
	cr_assert_arr_eq(X.pkt + 40, P.b + 64, 40);
}

Test(eh, esp_after_final_do_is_refused)
{
	ehp_do(&P);
	ehp_rh(&P, 9, 0, 8);
	ehp_do(&P);
	ehp_raw(&P, 50, 16);
	expect_drop(&pol_in, &P, EH_R_DST, EH_K_DST);
}

/* ---- other headers, rewrite, fast path ---- */

Test(eh, mobility_hip_shim6_kept)
{
	static const uint8_t nh[] = {135, 139, 140};
	static const int st[] = {EH_ST_mob_keep, EH_ST_hip_keep, EH_ST_shim6_keep};
	for (size_t i = 0; i < 3; i++) {
		ehp_init(&P);
		ehp_hbh_pad(&P);
		uint8_t *h = ehp_ext(&P, nh[i], 16);
		h[2] = 0x77;
		ehp_udp(&P, 8);
		expect_strip(&pol_in, &P, 8);
		cr_assert_eq(X.st.v[st[i]], 1);
		cr_assert_eq(X.pkt[6], nh[i]);
		cr_assert_arr_eq(X.pkt + 40, P.b + 48, 16);
	}
}

Test(eh, strip_relinks_nonadjacent_headers)
{
	ehp_hbh_pad(&P);
	ehp_do(&P);
	ehp_srh(&P, 0, 2, 0);
	ehp_udp(&P, 20);
	expect_strip(&pol_ex, &P, 48);
	cr_assert_eq(X.pkt[6], 60);
	cr_assert_eq(X.pkt[40], 17);
	cr_assert_arr_eq(X.pkt + 41, P.b + 49, 7); /* the DO body is intact */
	cr_assert_eq(X.pkt + 48, X.buf + 96);	   /* the UDP header did not move */
	cr_assert_eq(get_be16(X.pkt + 4), 8 + 28);
	cr_assert_eq(X.st.v[EH_ST_hbh_strip], 1);
	cr_assert_eq(X.st.v[EH_ST_dst_keep], 1);
	cr_assert_eq(X.st.v[EH_ST_rh_strip], 1);
}

Test(eh, strip_rh_behind_kept_hbh)
{
	ehp_hbh_ra(&P);
	ehp_srh(&P, 0, 1, 0);
	ehp_tcp(&P, 4);
	base(EH_DIR_EXIT);
	R.hbh = EH_KEEP;
	expect_strip(custom(), &P, 24);
	cr_assert_eq(X.pkt[6], 0);
	cr_assert_eq(X.pkt[40], 6);
	cr_assert_eq(X.pkt[42], 5); /* Router Alert still first */
}

Test(eh, strip_direct_call)
{
	struct eh_chain ch;
	ehp_hbh_pad(&P);
	ehp_srh(&P, 0, 1, 0);
	ehp_udp(&P, 8);
	uint8_t b[EHP_MAX];
	memcpy(b, P.b, P.len);
	cr_assert_eq(eh_parse(b, P.len, &pol_ex.lim, &ch), 0);
	cr_assert_eq(eh_decide(&pol_ex, b, &ch), EH_STRIP);
	cr_assert_eq(ch.h[0].action, EH_STRIP);
	cr_assert_eq(ch.h[1].action, EH_STRIP);
	cr_assert_eq(eh_strip(b, &ch), 32);
	cr_assert_eq(b[32 + 6], 17);
	cr_assert_arr_eq(b + 32 + 8, P.b + 8, 32);
	/* Nothing marked: nothing moves. */
	cr_assert_eq(eh_parse(P.b, P.len, &pol_in.lim, &ch), 0);
	cr_assert_eq(eh_decide(&pol_in, P.b, &ch), EH_STRIP);
	ch.h[0].action = EH_KEEP;
	cr_assert_eq(eh_strip(P.b, &ch), 0);
}

Test(eh, ipv4_passes_untouched)
{
	uint8_t v4[40] = {0x45, 0, 0, 40, [8] = 64, [9] = 0 /* IPv4 "HBH" = HOPOPT */};
	cr_assert_not(eh_wants(&pol_in, v4, sizeof(v4)));
	cr_assert_not(eh_wants(&pol_ex, v4, sizeof(v4)));
	v4[6] = 0;
	cr_assert_not(eh_wants(&pol_in, v4, sizeof(v4)));
}

Test(eh, wants_fast_path)
{
	static const uint8_t ext[] = {0, 43, 44, 50, 51, 60, 135, 139, 140, 253, 254};
	static const uint8_t plain[] = {6, 17, 58, 59, 41, 4, 132, 1, 200, 255};
	for (size_t i = 0; i < sizeof(ext); i++) {
		P.b[6] = ext[i];
		cr_assert(eh_wants(&pol_in, P.b, 40), "nh %u", ext[i]);
	}
	for (size_t i = 0; i < sizeof(plain); i++) {
		P.b[6] = plain[i];
		cr_assert_not(eh_wants(&pol_in, P.b, 40), "nh %u", plain[i]);
	}
	P.b[6] = 0;
	base(EH_DIR_ENTRY);
	R.enable = false;
	cr_assert_not(eh_wants(custom(), P.b, 40));
	cr_assert_not(eh_wants(&pol_in, P.b, 39));
}

Test(eh, counters_per_kind_and_action)
{
	struct eh_stats st = {0};
	struct eh_chain ch;
	size_t cut;
	uint8_t b[EHP_MAX];

	ehp_hbh_pad(&P);
	ehp_srh(&P, 0, 1, 0);
	ehp_do(&P);
	ehp_udp(&P, 8);
	for (int i = 0; i < 3; i++) {
		memcpy(b, P.b, P.len);
		cr_assert_eq(eh_filter(&pol_ex, &st, b, P.len, &ch, &cut), 0);
	}
	ehp_init(&P);
	ehp_rh(&P, 0, 0, 8);
	ehp_udp(&P, 8);
	memcpy(b, P.b, P.len);
	cr_assert_eq(eh_filter(&pol_ex, &st, b, P.len, &ch, &cut), -EPERM);
	cr_assert_eq(st.v[EH_ST_pkts], 4);
	cr_assert_eq(st.v[EH_ST_pkts_stripped], 3);
	cr_assert_eq(st.v[EH_ST_pkts_dropped], 1);
	cr_assert_eq(st.v[EH_ST_bytes_stripped], 3 * 32);
	cr_assert_eq(st.v[EH_ST_hbh_strip], 3);
	cr_assert_eq(st.v[EH_ST_rh_strip], 3);
	cr_assert_eq(st.v[EH_ST_dst_keep], 3);
	cr_assert_eq(st.v[EH_ST_rh_drop], 1);
	cr_assert_eq(st.v[EH_ST_drop_policy], 1);
	uint64_t sum = 0;
	for (size_t i = 0; i < EH_ST__COUNT; i++)
		sum += st.v[i];
	cr_assert_eq(sum, 4 + 3 + 1 + 96 + 3 + 3 + 3 + 1 + 1);
	/* NULL stats are allowed. */
	memcpy(b, P.b, P.len);
	cr_assert_eq(eh_filter(&pol_ex, NULL, b, P.len, &ch, &cut), -EPERM);
}

Test(eh, names)
{
	cr_assert_str_eq(eh_stat_name(EH_DIR_ENTRY, EH_ST_hbh_strip), "eh_entry_hbh_strip");
	cr_assert_str_eq(eh_stat_name(EH_DIR_EXIT, EH_ST_drop_policy), "eh_exit_drop_policy");
	for (size_t d = 0; d < EH_DIR__COUNT; d++)
		for (size_t i = 0; i < EH_ST__COUNT; i++)
			for (size_t j = 0; j < i; j++)
				cr_assert_str_neq(eh_stat_name(d, i), eh_stat_name(d, j));
	for (int r = EH_R_MALFORMED; r < EH_R__COUNT; r++) {
		char want[64];
		snprintf(want, sizeof(want), "eh_entry_drop_%s", eh_reason_name(r));
		cr_assert_str_eq(eh_stat_name(EH_DIR_ENTRY, EH_ST_drop_malformed + r - 1), want);
	}
	cr_assert_str_eq(eh_kind_name(EH_K_UNKNOWN_NH), "unknown_nh");
	cr_assert_str_eq(eh_kind_name(EH_K__COUNT), "?");
	cr_assert_str_eq(eh_action_name(EH_STRIP), "strip");
	cr_assert_str_eq(eh_action_name(EH_UNSET), "unset");
	cr_assert_str_eq(eh_reason_name(EH_R_FRAG_CHAIN), "frag_chain");
	cr_assert_eq(eh_kind_of(0), EH_K_HBH);
	cr_assert_eq(eh_kind_of(59), -1);
	cr_assert_eq(eh_kind_of(6), -1);
	cr_assert_eq(eh_kind_of(145), -1);
	cr_assert_eq(eh_kind_of(146), EH_K_UNKNOWN_NH);
	cr_assert_eq(eh_kind_of(253), EH_K_EXP);
	cr_assert_eq(eh_kind_of(255), EH_K_UNKNOWN_NH);
}

Test(eh, rules_inherit_and_policy_init)
{
	struct eh_rules e, x = {0};
	eh_rules_default(&e);
	e.dstopt = EH_DROP;
	e.hbh = EH_DROP;
	e.hbh_keep_types[0] = 1U << 5;
	x.rh_slnz = EH_DROP;
	eh_rules_inherit(&x, &e);
	cr_assert_not(x.enable);
	cr_assert_eq(x.hbh, EH_STRIP); /* the exit value, not [ehfilter]'s */
	cr_assert_eq(x.rh_sl0, EH_STRIP);
	cr_assert_eq(x.dstopt, EH_DROP); /* from [ehfilter] */
	cr_assert_eq(x.hbh_pad, EH_STRIP);
	cr_assert_eq(x.exp_eh, EH_DROP);
	cr_assert_eq(x.rh_slnz, EH_DROP); /* set in [ehfilter.exit] */
	cr_assert_arr_eq(x.hbh_keep_types, e.hbh_keep_types, 32);
	cr_assert_arr_eq(x.rh_drop_types, e.rh_drop_types, 32);

	struct eh_policy p;
	struct eh_limits l;
	struct eh_rules r = {0};
	eh_limits_default(&l);
	l.max_eh_count = 99;
	l.ah_conflict = EH_STRIP;
	r.dstopt = EH_STRIP;
	r.rh_slnz = EH_STRIP;
	r.rh_unknown_slnz = EH_STRIP;
	r.rh2 = 7;
	eh_policy_init(&p, &l, &r);
	cr_assert_eq(p.lim.max_eh_count, EH_MAX_HDRS);
	cr_assert_eq(p.lim.ah_conflict, EH_KEEP);
	cr_assert_eq(p.r.dstopt, EH_KEEP);
	cr_assert_eq(p.r.rh_slnz, EH_KEEP);
	cr_assert_eq(p.r.rh_unknown_slnz, EH_KEEP);
	cr_assert_eq(p.r.rh2, EH_KEEP);
	cr_assert_eq(p.r.hbh_pad, EH_STRIP); /* unset: the default */
	cr_assert_eq(p.r.exp_eh, EH_DROP);
	cr_assert_not(p.keep_types_any);
	cr_assert(pol_ex.r.enable && pol_in.r.enable);
	cr_assert_eq(pol_in.r.hbh, EH_KEEP);
	cr_assert_eq(pol_ex.r.hbh, EH_STRIP);
}

/* ---- ICMPv6 errors ---- */

static void icmp_check(const uint8_t *out, int n, const uint8_t *in, size_t len, uint8_t type,
		       uint8_t code, uint32_t ptr)
{
	static const uint8_t me[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x0b, [15] = 1};
	cr_assert_eq(n, (int)(48 + MIN(len, 1232U)));
	cr_assert_eq(out[0], 0x60);
	cr_assert_eq(get_be16(out + 4), n - 40);
	cr_assert_eq(out[6], 58);
	cr_assert_arr_eq(out + 8, me, 16);
	cr_assert_arr_eq(out + 24, in + 8, 16);
	cr_assert_eq(out[40], type);
	cr_assert_eq(out[41], code);
	cr_assert_eq(get_be32(out + 44), ptr);
	cr_assert_arr_eq(out + 48, in, MIN(len, 1232U));
	cr_assert_eq(ehp_l4_sum(out + 8, out + 24, 58, out + 40, (size_t)n - 40), 0xffff);
}

static int icmp_for(const struct eh_policy *pol, const struct ehp *p, uint8_t *out, size_t cap)
{
	static const uint8_t me[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x0b, [15] = 1};
	run(pol, p);
	cr_assert_lt(X.rc, 0);
	return eh_icmp_build(p->b, p->len, &X.ch, me, out, cap);
}

Test(eh, icmp_codes_and_pointers)
{
	uint8_t out[1400];
	int n;

	ehp_do(&P);
	ehp_hbh_pad(&P);
	ehp_udp(&P, 8);
	n = icmp_for(&pol_in, &P, out, sizeof(out));
	icmp_check(out, n, P.b, P.len, 4, 1, 40);

	ehp_init(&P);
	ehp_rh(&P, 0, 0, 8);
	ehp_udp(&P, 8);
	n = icmp_for(&pol_in, &P, out, sizeof(out));
	icmp_check(out, n, P.b, P.len, 1, 1, 0);

	ehp_init(&P);
	ehp_frag(&P, 0, true, 1);
	ehp_add(&P, 6, 8);
	ehp_set_plen(&P);
	n = icmp_for(&pol_in, &P, out, sizeof(out));
	icmp_check(out, n, P.b, P.len, 4, 3, 0);

	long_chain(&P, 12);
	n = icmp_for(&pol_in, &P, out, sizeof(out));
	icmp_check(out, n, P.b, P.len, 4, 8, X.ch.h[7].off + X.ch.h[7].len);

	ehp_init(&P);
	ehp_hbh_ra(&P);
	ehp_srh(&P, 1, 3, 0);
	ehp_udp(&P, 8);
	base(EH_DIR_ENTRY);
	L.max_eh_chain_bytes = 16;
	n = icmp_for(custom(), &P, out, sizeof(out));
	icmp_check(out, n, P.b, P.len, 4, 7, 48);
	L.max_eh_chain_bytes = 256;
	L.parse_window = 64;
	n = icmp_for(custom(), &P, out, sizeof(out));
	icmp_check(out, n, P.b, P.len, 1, 8, 0);

	ehp_init(&P);
	uint8_t b[22] = {0};
	for (int i = 0; i < 9; i++)
		b[2 * i] = 0x1f;
	b[18] = 1;
	b[19] = 2;
	hbh_body(&P, b, 22);
	ehp_udp(&P, 8);
	n = icmp_for(&pol_in, &P, out, sizeof(out));
	icmp_check(out, n, P.b, P.len, 4, 9, 58);

	ehp_init(&P);
	uint8_t *h = ehp_do(&P);
	h[1] = 9;
	end_none(&P);
	n = icmp_for(&pol_in, &P, out, sizeof(out));
	icmp_check(out, n, P.b, P.len, 4, 0, 41);

	/* A long packet is quoted up to the minimum MTU. */
	ehp_init(&P);
	ehp_rh(&P, 0, 0, 8);
	ehp_udp(&P, 1500);
	n = icmp_for(&pol_in, &P, out, sizeof(out));
	icmp_check(out, n, P.b, P.len, 1, 1, 0);
	cr_assert_eq(n, 1280);
	cr_assert_eq(icmp_for(&pol_in, &P, out, 1279), -ENOSPC);
}

Test(eh, icmp_not_sent)
{
	uint8_t out[1400];

	/* To a multicast destination (the 11 action bits change nothing for omnid). */
	P.b[24] = 0xff;
	ehp_rh(&P, 0, 0, 8);
	ehp_udp(&P, 8);
	cr_assert_eq(icmp_for(&pol_in, &P, out, sizeof(out)), 0);
	/* From the unspecified or a multicast source. */
	ehp_init(&P);
	memset(P.b + 8, 0, 16);
	ehp_rh(&P, 0, 0, 8);
	ehp_udp(&P, 8);
	cr_assert_eq(icmp_for(&pol_in, &P, out, sizeof(out)), 0);
	P.b[8] = 0xff;
	cr_assert_eq(icmp_for(&pol_in, &P, out, sizeof(out)), 0);
	/* About an ICMPv6 error; but an echo request gets one. */
	ehp_init(&P);
	ehp_rh(&P, 0, 0, 8);
	ehp_icmp6(&P, 1, 16);
	cr_assert_eq(icmp_for(&pol_in, &P, out, sizeof(out)), 0);
	ehp_init(&P);
	ehp_rh(&P, 0, 0, 8);
	ehp_icmp6(&P, 128, 16);
	cr_assert_gt(icmp_for(&pol_in, &P, out, sizeof(out)), 0);
	/* Nothing to report. */
	struct eh_chain ch = {.reason = EH_R_NONE};
	cr_assert_eq(eh_icmp_build(P.b, P.len, &ch, P.b, out, sizeof(out)), 0);
}

/* ---- property tests ---- */

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

/* A random chain of up to 7 headers, in any order, and a random upper layer. */
static void random_packet(struct ehp *p)
{
	ehp_init(p);
	if (rnd(8) == 0) {
		p->b[24] = 0xff; /* multicast */
		memcpy(p->final, p->b + 24, 16);
	}
	size_t k = rnd(8);
	for (size_t i = 0; i < k; i++) {
		switch (rnd(14)) {
		case 0:
			ehp_hbh_pad(p);
			break;
		case 1:
			ehp_hbh_ra(p);
			break;
		case 2: {
			const uint8_t opt[] = {(uint8_t)(0x1f | rnd(4) << 6), 1, 9};
			ehp_opts(p, 0, opt, sizeof(opt));
			break;
		}
		case 3:
			ehp_do(p);
			break;
		case 4:
			ehp_srh(p, (uint8_t)rnd(3), 2, rnd(2) ? 8 : 0);
			break;
		case 5:
			ehp_rh2(p, (uint8_t)rnd(2));
			break;
		case 6:
			ehp_rh(p, (uint8_t)(5 + rnd(2)), (uint8_t)rnd(2), 8);
			break;
		case 7:
			ehp_rh(p, (uint8_t)rnd(12), 0, 8 * (1 + rnd(2)));
			break;
		case 8:
			ehp_frag(p, 0, false, rnd(1000));
			break;
		case 9:
			ehp_ah(p, 12);
			break;
		case 10:
			ehp_ext(p, (uint8_t)(rnd(3) == 0 ? 135 : rnd(2) ? 139 : 140), 8);
			break;
		case 11:
			ehp_ext(p, 253, 8);
			break;
		default:
			ehp_opts(p, 0, NULL, 0);
			break;
		}
	}
	switch (rnd(7)) {
	case 0:
		ehp_tcp(p, rnd(64));
		break;
	case 1:
		ehp_udp(p, rnd(64));
		break;
	case 2:
		ehp_icmp6(p, (uint8_t)(rnd(2) ? 128 : 1), rnd(40));
		break;
	case 3:
		ehp_raw(p, 59, rnd(9));
		break;
	case 4:
		ehp_raw(p, 50, 8 + rnd(32));
		break;
	case 5:
		ehp_raw(p, (uint8_t)(146 + rnd(100)), rnd(16));
		break;
	default:
		ehp_udp(p, 100 + rnd(200));
		break;
	}
}

static void random_policy(void)
{
	base(rnd(2) ? EH_DIR_EXIT : EH_DIR_ENTRY);
	if (rnd(2)) {
		R.hbh_pad = (uint8_t)(1 + rnd(3));
		R.hbh = (uint8_t)(1 + rnd(3));
		R.rh_sl0 = (uint8_t)(1 + rnd(2));
		R.rh_unknown_sl0 = (uint8_t)(1 + rnd(2));
		R.rh_slnz = rnd(4) ? EH_KEEP : EH_DROP;
		R.exp_eh = rnd(2) ? EH_KEEP : EH_DROP;
		R.unknown_nh = rnd(4) ? EH_KEEP : EH_DROP;
		L.ah_conflict = rnd(2) ? EH_KEEP : EH_DROP;
		L.max_eh_count = 1 + rnd(12);
		if (rnd(4) == 0)
			R.hbh_keep_types[0] = 1U << 5;
	}
}

Test(eh, property_random_chains, .timeout = 120)
{
	unsigned fwd = 0, stripped = 0, dropped = 0;

	rng_state = 0x9e3779b97f4a7c15ULL;
	for (int it = 0; it < 200000; it++) {
		random_packet(&P);
		random_policy();
		const struct eh_policy *pol = custom();
		cr_assert(ehp_csum_ok(P.b, P.len), "generator produced a bad checksum");
		run(pol, &P);
		if (X.rc < 0) {
			dropped++;
			cr_assert_arr_eq(X.buf, P.b, P.len);
			cr_assert_neq(X.ch.reason, EH_R_NONE);
			continue;
		}
		fwd++;
		stripped += X.cut > 0;
		const char *why = ehp_check_forwarded(pol, P.b, P.len, X.pkt, X.cut, &X.ch);
		cr_assert_null(why, "iteration %d: %s", it, why);
		if (X.cut) {
			/* Stripping keeps the final destination's checksum valid. */
			cr_assert(ehp_csum_ok(X.pkt, X.len), "iteration %d", it);
		}
	}
	cr_assert_gt(stripped, 7500, "only %u stripped", stripped);
	cr_log_info("forwarded %u (stripped %u), dropped %u", fwd, stripped, dropped);
	cr_assert_gt(fwd - stripped, 15000);
	cr_assert_gt(dropped, 15000);
}

/* A packet with most kinds of header: HBH(RA), DO, SRH(SL 0), FH(atomic), AH, DO, UDP. */
static void rich_packet(struct ehp *p, bool ah)
{
	ehp_init(p);
	ehp_hbh_ra(p);
	ehp_do(p);
	ehp_srh(p, 0, 2, 8);
	ehp_frag(p, 0, false, 77);
	if (ah)
		ehp_ah(p, 12);
	ehp_do(p);
	ehp_udp(p, 40);
}

Test(eh, truncation_at_every_offset)
{
	for (int ah = 0; ah < 2; ah++) {
		rich_packet(&P, ah);
		struct ehp t = P;
		for (size_t n = 0; n < P.len; n++) {
			for (int fix = 0; fix < 2; fix++) {
				if (fix && n >= 40) {
					t.b[4] = (uint8_t)((n - 40) >> 8);
					t.b[5] = (uint8_t)(n - 40);
				}
				for (int d = 0; d < 2; d++) {
					const struct eh_policy *pol = d ? &pol_ex : &pol_in;
					run_buf(pol, t.b, n);
					if (X.rc < 0)
						continue;
					const char *why =
					    ehp_check_forwarded(pol, t.b, n, X.pkt, X.cut, &X.ch);
					cr_assert_null(why, "length %zu: %s", n, why);
				}
				memcpy(t.b, P.b, P.len);
			}
		}
		/* Only the whole packet is a valid one. */
		run(&pol_ex, &P);
		cr_assert_eq(X.rc, 0);
	}
}

Test(eh, bit_flips, .timeout = 60)
{
	unsigned accepted = 0;
	for (int ah = 0; ah < 2; ah++) {
		rich_packet(&P, ah);
		struct ehp t = P;
		for (size_t bit = 0; bit < P.len * 8; bit++) {
			t.b[bit / 8] ^= (uint8_t)(1U << (bit % 8));
			for (int d = 0; d < 2; d++) {
				const struct eh_policy *pol = d ? &pol_ex : &pol_in;
				run_buf(pol, t.b, P.len);
				if (X.rc < 0)
					continue;
				accepted++;
				const char *why =
				    ehp_check_forwarded(pol, t.b, P.len, X.pkt, X.cut, &X.ch);
				cr_assert_null(why, "bit %zu: %s", bit, why);
			}
			t.b[bit / 8] ^= (uint8_t)(1U << (bit % 8));
		}
	}
	cr_assert_gt(accepted, 100);
}
