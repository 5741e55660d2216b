// SPDX-License-Identifier: MIT
/*
 * test_scion_fwd.c - the border-router pipeline and the end-host encapsulation
 * of daemon/scion_fwd.c: the §12 "life of a packet" vector through R1 (AS2),
 * the core router (ingress, segment switch, egress in one BR) and R4 (AS3)
 * must give derived-up-down-udp-at-dest.bin byte for byte; every error branch
 * (bad MAC at each byte, expiry, ingress, source, destination, unknown or down
 * egress) with the packet left unchanged; SCMP errors that travel back through
 * the routers; truncation at every offset; encapsulation round trips.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "icmp.h"
#include "scion_fwd.h"

#define VEC(name) VECTORS_DIR "/scion/" name
#define IA(isd, as) (((uint64_t)(isd) << 48) | (uint64_t)(as))
#define IA_CORE IA(1, 0xff0000000001ULL)
#define IA_A IA(1, 0xff0000000002ULL)
#define IA_B IA(1, 0xff0000000003ULL)
/* vectors/scion §12: within the 6 h of ExpTime 63 after TS 1700000100. */
#define NOW_MS 1700000200000ULL

static const uint8_t K0[16] = "testkey_xxxxxxxx";
static const uint8_t K1[16] = {0x49, 0x0b, 0x3a, 0x8b, 0xd9, 0x1d, 0xc8, 0x4b,
			       0x43, 0x1c, 0x1f, 0x17, 0x6b, 0x69, 0x01, 0xe5};
static const uint8_t K2[16] = {0x33, 0xcb, 0xf5, 0x44, 0x5d, 0x28, 0x6b, 0xf9,
			       0x2d, 0x18, 0xf0, 0x8a, 0x6f, 0xca, 0x52, 0xff};

static uint8_t *read_bin(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "%s", path);
	uint8_t *buf = malloc(4096);
	*len = fread(buf, 1, 4096, f);
	fclose(f);
	return buf;
}

/* Link table of one test router: state per ifid, -1 = absent. */
struct links {
	int state[8];
};

static int link_state(void *ctx, uint16_t ifid)
{
	struct links *l = ctx;
	return ifid < 8 ? l->state[ifid] : -1;
}

struct br {
	struct scion_mac mac;
	struct links links;
	struct scion_fwd_router r;
};

static void br_init(struct br *b, uint64_t ia, const uint8_t key[16], int if1, int if2)
{
	memset(b, 0, sizeof(*b));
	cr_assert_eq(scion_mac_init(&b->mac, key), 0);
	for (int i = 0; i < 8; i++)
		b->links.state[i] = -1;
	if (if1 > 0)
		b->links.state[if1] = 1;
	if (if2 > 0)
		b->links.state[if2] = 1;
	b->r = (struct scion_fwd_router){
	    .ia = ia, .mac = &b->mac, .link_state = link_state, .ctx = &b->links};
}

static struct br r1, rc, r4; /* AS2 (if 1), core (if 2, 3), AS3 (if 4) */
static struct scion_fwd_result res;

static void setup(void)
{
	br_init(&r1, IA_A, K0, 1, 0);
	br_init(&rc, IA_CORE, K1, 2, 3);
	br_init(&r4, IA_B, K2, 4, 0);
}

static void teardown(void)
{
	scion_mac_deinit(&r1.mac);
	scion_mac_deinit(&rc.mac);
	scion_mac_deinit(&r4.mac);
}

TestSuite(scion_fwd, .init = setup, .fini = teardown);

static void run(struct br *b, uint8_t *pkt, size_t len, uint16_t in, enum scion_fwd_verdict want)
{
	cr_assert_eq(scion_fwd_process(&b->r, pkt, len, in, NOW_MS, &res), 0);
	cr_assert_eq(res.verdict, want, "verdict %d reason %d, want %d", res.verdict, res.reason,
		     want);
}

Test(scion_fwd, life_of_a_packet_byte_exact)
{
	size_t len, dlen;
	uint8_t *pkt = read_bin(VEC("derived-up-down-udp.bin"), &len);
	uint8_t *dest = read_bin(VEC("derived-up-down-udp-at-dest.bin"), &dlen);

	cr_assert_eq(len, 124);
	cr_assert_eq(dlen, 124);
	run(&r1, pkt, len, 0, SCION_FWD_FORWARD);
	cr_assert_eq(res.egress, 1);
	cr_assert_eq(pkt[36], 0x01); /* CurrHF 1 */
	run(&rc, pkt, len, 2, SCION_FWD_FORWARD);
	cr_assert_eq(res.egress, 3);
	run(&r4, pkt, len, 4, SCION_FWD_DELIVER);
	cr_assert_arr_eq(pkt, dest, len);
	static const uint8_t b_host[4] = {192, 0, 2, 7};
	cr_assert_eq(res.host.type, SCION_HOST_IPV4);
	cr_assert_arr_eq(res.host.addr, b_host, 4);
	cr_assert_eq(res.port, 443); /* the UDP destination port (spec §6) */
	free(pkt);
	free(dest);
}

Test(scion_fwd, reply_path_verifies_back)
{
	size_t len;
	uint8_t *pkt = read_bin(VEC("derived-up-down-udp-at-dest.bin"), &len);
	struct scion_hdr h;
	const char *why;
	uint8_t out[512];
	size_t olen;

	/* B reverses the received header (§12 reply) and sends an UDP reply to A. */
	cr_assert_eq(scion_parse(pkt, len, 0, &h, &why), 0);
	cr_assert_eq(scion_hdr_reverse(&h), 0);
	cr_assert_eq(scion_encode(&h, out, sizeof(out), &olen), 0);
	memcpy(out + olen, pkt + olen, len - olen);
	run(&r4, out, len, 0, SCION_FWD_FORWARD);
	cr_assert_eq(res.egress, 4);
	run(&rc, out, len, 3, SCION_FWD_FORWARD);
	cr_assert_eq(res.egress, 2);
	run(&r1, out, len, 1, SCION_FWD_DELIVER);
	/* At arrival in AS2 the Acc values are 0x2222 and 0x2dda (§12). */
	cr_assert_eq(get_be16(out + 36 + 4 + 2), 0x2222);
	cr_assert_eq(get_be16(out + 36 + 12 + 2), 0x2dda);
	free(pkt);
}

Test(scion_fwd, bad_mac_every_byte)
{
	size_t len;
	uint8_t *pkt = read_bin(VEC("derived-up-down-udp.bin"), &len);
	uint8_t copy[124];

	/* Hop 0 (AS2's) MAC is at path offset 4 + 2*8 + 6 = 26, packet offset 62. */
	for (size_t i = 0; i < 6; i++) {
		for (unsigned bit = 0; bit < 8; bit++) {
			pkt[62 + i] ^= (uint8_t)(1U << bit);
			memcpy(copy, pkt, len);
			run(&r1, pkt, len, 0, SCION_FWD_ERROR);
			cr_assert_eq(res.reason, SCION_FWD_bad_mac);
			cr_assert_eq(res.scmp.type, SCMP_PARAM_PROBLEM);
			cr_assert_eq(res.scmp.code, 51);
			cr_assert_eq(res.scmp.u.param.pointer, 56); /* the hop field */
			cr_assert_arr_eq(pkt, copy, len);	    /* unchanged */
			pkt[62 + i] ^= (uint8_t)(1U << bit);
		}
	}
	/* Flags and reserved bits never enter the MAC (spec §3). */
	pkt[56] ^= 0x03;
	run(&r1, pkt, len, 0, SCION_FWD_FORWARD);
	free(pkt);
}

Test(scion_fwd, wrong_key_is_bad_mac)
{
	size_t len;
	uint8_t *pkt = read_bin(VEC("derived-up-down-udp.bin"), &len);
	struct br wrong;

	br_init(&wrong, IA_A, K1, 1, 0);
	cr_assert_eq(scion_fwd_process(&wrong.r, pkt, len, 0, NOW_MS, &res), 0);
	cr_assert_eq(res.verdict, SCION_FWD_ERROR);
	cr_assert_eq(res.reason, SCION_FWD_bad_mac);
	scion_mac_deinit(&wrong.mac);
	free(pkt);
}

Test(scion_fwd, error_branches)
{
	size_t len;
	uint8_t *pkt = read_bin(VEC("derived-up-down-udp.bin"), &len);
	uint8_t copy[124];

	memcpy(copy, pkt, len);
	/* Expired: 6 h (ExpTime 63) after TS 1700000000. */
	cr_assert_eq(scion_fwd_process(&r1.r, pkt, len, 0, 1700000000000ULL + 21600001ULL, &res),
		     0);
	cr_assert_eq(res.verdict, SCION_FWD_ERROR);
	cr_assert_eq(res.reason, SCION_FWD_expired);
	cr_assert_eq(res.scmp.code, 52);
	cr_assert_arr_eq(pkt, copy, len);
	/* Just before expiry it passes. */
	cr_assert_eq(scion_fwd_process(&r1.r, pkt, len, 0, 1700000000000ULL + 21599000ULL, &res),
		     0);
	cr_assert_eq(res.verdict, SCION_FWD_FORWARD);
	memcpy(pkt, copy, len);
	/* A foreign source ISD-AS from the internal side. */
	r1.r.ia = IA_B;
	run(&r1, pkt, len, 0, SCION_FWD_ERROR);
	cr_assert_eq(res.reason, SCION_FWD_bad_src);
	cr_assert_eq(res.scmp.code, 33);
	r1.r.ia = IA_A;
	/* Egress interface down, unknown. */
	r1.links.state[1] = 0;
	run(&r1, pkt, len, 0, SCION_FWD_ERROR);
	cr_assert_eq(res.reason, SCION_FWD_if_down);
	cr_assert_eq(res.scmp.type, SCMP_EXT_IF_DOWN);
	cr_assert_eq(res.scmp.u.ext_down.ia, IA_A);
	cr_assert_eq(res.scmp.u.ext_down.ifid, 1);
	r1.links.state[1] = -1;
	run(&r1, pkt, len, 0, SCION_FWD_ERROR);
	cr_assert_eq(res.reason, SCION_FWD_unknown_egress);
	cr_assert_arr_eq(pkt, copy, len);
	r1.links.state[1] = 1;
	run(&r1, pkt, len, 0, SCION_FWD_FORWARD);
	/* Wrong ingress interface at the core (C=0 hop: code 50). */
	memcpy(copy, pkt, len);
	run(&rc, pkt, len, 3, SCION_FWD_ERROR);
	cr_assert_eq(res.reason, SCION_FWD_bad_ingress);
	cr_assert_eq(res.scmp.code, 50);
	cr_assert_arr_eq(pkt, copy, len);
	run(&rc, pkt, len, 2, SCION_FWD_FORWARD);
	/* The last hop in a router of another AS: not local (34). */
	memcpy(copy, pkt, len);
	r4.r.ia = IA_CORE;
	run(&r4, pkt, len, 4, SCION_FWD_ERROR);
	cr_assert_eq(res.reason, SCION_FWD_not_local);
	cr_assert_eq(res.scmp.code, 34);
	cr_assert_arr_eq(pkt, copy, len);
	free(pkt);
}

Test(scion_fwd, truncation_and_garbage)
{
	size_t len;
	uint8_t *pkt = read_bin(VEC("derived-up-down-udp.bin"), &len);
	uint8_t buf[124];

	for (size_t n = 0; n < len; n++) {
		memcpy(buf, pkt, n);
		cr_assert_eq(scion_fwd_process(&r1.r, buf, n, 0, NOW_MS, &res), 0);
		cr_assert_eq(res.verdict, SCION_FWD_DROP, "length %zu", n);
		cr_assert_eq(res.reason, SCION_FWD_bad_header);
		cr_assert_arr_eq(buf, pkt, n);
	}
	/* A singleton non-peering segment (SegLen [1,...]) is refused (spec §2.5 step 1). */
	memcpy(buf, pkt, len);
	buf[38] = 0x10; /* Seg0Len 1, Seg1Len 2 -> one hop less than the packet carries */
	cr_assert_eq(scion_fwd_process(&r1.r, buf, len, 0, NOW_MS, &res), 0);
	cr_assert_eq(res.verdict, SCION_FWD_DROP); /* the lengths no longer add up */
	/* Seg0Len 1, Seg1Len 3: consistent lengths, but a singleton segment: 48 at the path. */
	buf[38] = 0x10;
	buf[39] = 0xc0;
	cr_assert_eq(scion_fwd_process(&r1.r, buf, len, 0, NOW_MS, &res), 0);
	cr_assert_eq(res.verdict, SCION_FWD_ERROR);
	cr_assert_eq(res.reason, SCION_FWD_bad_header);
	cr_assert_eq(res.scmp.code, 48);
	cr_assert_eq(res.scmp.u.param.pointer, 36);
	cr_assert_arr_eq(buf + 40, pkt + 40, len - 40);
	/* Empty path type: not for a border router. */
	size_t elen;
	uint8_t *e = read_bin(VEC("empty-udp.bin"), &elen);
	cr_assert_eq(scion_fwd_process(&r1.r, e, elen, 0, NOW_MS, &res), 0);
	cr_assert_eq(res.verdict, SCION_FWD_DROP);
	cr_assert_eq(res.reason, SCION_FWD_bad_header);
	free(e);
	free(pkt);
}

Test(scion_fwd, scmp_error_travels_back)
{
	size_t len;
	uint8_t *pkt = read_bin(VEC("derived-up-down-udp.bin"), &len);
	static const struct scion_host core_host = {
	    .type = SCION_HOST_IPV4, .len = 4, .addr = {10, 0, 0, 1}};
	uint8_t err[2048];
	struct scion_hdr h;
	struct scmp_msg m;
	const char *why;

	run(&r1, pkt, len, 0, SCION_FWD_FORWARD);
	rc.links.state[3] = 0;
	run(&rc, pkt, len, 2, SCION_FWD_ERROR);
	cr_assert_eq(res.reason, SCION_FWD_if_down);
	ssize_t n = scion_fwd_scmp_error(&res.hdr, pkt, len, IA_CORE, &core_host, &res.scmp, 2, err,
					 sizeof(err));
	cr_assert_gt(n, 0);
	/* Not through an interface the path does not use. */
	cr_assert_eq(scion_fwd_scmp_error(&res.hdr, pkt, len, IA_CORE, &core_host, &res.scmp, 4,
					  err, sizeof(err)),
		     -EINVAL);
	cr_assert_gt(n, 0);
	cr_assert_eq(scion_parse(err, (size_t)n, 0, &h, &why), 0, "%s", why);
	cr_assert_eq(h.next_hdr, SCION_PROTO_SCMP);
	cr_assert_eq(h.src_ia, IA_CORE);
	cr_assert_eq(h.dst_ia, IA_A);
	size_t hl = (size_t)h.hdr_len * 4;
	cr_assert_eq(scion_l4_checksum(&h, SCION_PROTO_SCMP, err + hl, (size_t)n - hl), 0);
	cr_assert_eq(scmp_parse(err + hl, (size_t)n - hl, &m), 0);
	cr_assert_eq(m.type, SCMP_EXT_IF_DOWN);
	cr_assert_eq(m.u.ext_down.ifid, 3);
	cr_assert_eq(m.data_len, len); /* the whole offending packet fits in 1232 octets */
	/* It leaves the core on interface 2 and verifies at AS2, which delivers it to A at
	 * the quoted packet's UDP source port. */
	run(&r1, err, (size_t)n, 1, SCION_FWD_DELIVER);
	static const uint8_t a_host[4] = {203, 0, 113, 6};
	cr_assert_arr_eq(res.host.addr, a_host, 4);
	cr_assert_eq(res.port, 52475);
	/* No error about an error. */
	struct scion_hdr at;
	cr_assert_eq(scion_parse(err, (size_t)n, 0, &at, &why), 0);
	cr_assert_eq(
	    scion_fwd_scmp_error(&at, err, (size_t)n, IA_A, &core_host, &res.scmp, 0, pkt, len),
	    -EINVAL);
	free(pkt);
}

Test(scion_fwd, scmp_error_quote_is_capped)
{
	size_t len;
	uint8_t *pkt = read_bin(VEC("derived-up-down-udp.bin"), &len);
	struct scion_hdr h;
	const char *why;
	uint8_t out[4096];
	static const struct scion_host me = {
	    .type = SCION_HOST_IPV4, .len = 4, .addr = {10, 0, 0, 1}};
	struct scmp_msg m = {.type = SCMP_PARAM_PROBLEM, .code = 51};

	cr_assert_eq(scion_parse(pkt, len, 0, &h, &why), 0);
	/* The offending packet followed by 1900 more octets: only 1232 in all go back. */
	pkt = realloc(pkt, 2048);
	memset(pkt + len, 0xab, 2048 - len);
	ssize_t n = scion_fwd_scmp_error(&h, pkt, 2048, IA_A, &me, &m, 0, out, sizeof(out));
	cr_assert_eq(n, SCMP_ERROR_MAX);
	cr_assert_eq(scion_fwd_scmp_error(&h, pkt, 2048, IA_A, &me, &m, 0, out, 100), -ENOSPC);
	free(pkt);
}

static struct scion_path test_path(void)
{
	size_t len;
	uint8_t *pkt = read_bin(VEC("derived-up-down-udp.bin"), &len);
	struct scion_hdr h;
	const char *why;

	cr_assert_eq(scion_parse(pkt, len, 0, &h, &why), 0);
	free(pkt);
	return h.path.scion;
}

Test(scion_fwd, encap_through_routers_and_decap)
{
	struct scion_path p = test_path();
	struct scion_fwd_ip e = {
	    .src_ia = IA_A, .dst_ia = IA_B, .port = 30041, .flow = 7, .path = &p};
	uint8_t ip[60], out[512];
	struct scion_fwd_rx rx;
	enum scion_fwd_rx_reason why;

	e.src = (struct scion_host){.type = SCION_HOST_IPV4, .len = 4, .addr = {203, 0, 113, 6}};
	e.dst = (struct scion_host){
	    .type = SCION_HOST_IPV6, .len = 16, .addr = {0x20, 0x01, 0x0d, 0xb8, [15] = 7}};
	for (size_t i = 0; i < sizeof(ip); i++)
		ip[i] = (uint8_t)(i * 7);
	ip[0] = 0x45;
	p.curr_hf = 2; /* reset by the encapsulation */
	ssize_t n = scion_fwd_encap(&e, ip, sizeof(ip), out, sizeof(out));
	cr_assert_gt(n, 0);
	run(&r1, out, (size_t)n, 0, SCION_FWD_FORWARD);
	run(&rc, out, (size_t)n, 2, SCION_FWD_FORWARD);
	run(&r4, out, (size_t)n, 4, SCION_FWD_DELIVER);
	cr_assert_eq(res.port, 30041);
	cr_assert_eq(res.host.type, SCION_HOST_IPV6);
	cr_assert_eq(scion_fwd_host_rx(out, (size_t)n, IA_B, &e.dst, 30041, &rx, &why), 0);
	cr_assert_eq(rx.proto, SCION_PROTO_UDP);
	cr_assert_eq(rx.data_len, sizeof(ip));
	cr_assert_arr_eq(rx.data, ip, sizeof(ip));
	cr_assert_eq(rx.h.flow, 7);
	cr_assert_eq(rx.h.src_ia, IA_A);
	/* Receive-side refusals. */
	cr_assert_eq(scion_fwd_host_rx(out, (size_t)n, IA_A, &e.dst, 30041, &rx, &why), -EBADMSG);
	cr_assert_eq(why, SCION_FWD_rx_not_for_us);
	cr_assert_eq(scion_fwd_host_rx(out, (size_t)n, IA_B, &e.src, 30041, &rx, &why), -EBADMSG);
	cr_assert_eq(why, SCION_FWD_rx_not_for_us);
	cr_assert_eq(scion_fwd_host_rx(out, (size_t)n, IA_B, &e.dst, 30042, &rx, &why), -EBADMSG);
	cr_assert_eq(why, SCION_FWD_rx_bad_port);
	for (size_t i = (size_t)n - sizeof(ip) - 8 + 6; i < (size_t)n; i++) {
		out[i] ^= 0x10;
		cr_assert_eq(scion_fwd_host_rx(out, (size_t)n, IA_B, &e.dst, 30041, &rx, &why),
			     -EBADMSG);
		cr_assert_eq(why, SCION_FWD_rx_bad_checksum, "byte %zu", i);
		out[i] ^= 0x10;
	}
	for (size_t k = 0; k < (size_t)n; k++) {
		cr_assert_eq(scion_fwd_host_rx(out, k, IA_B, &e.dst, 30041, &rx, &why), -EBADMSG);
		cr_assert_eq(why, SCION_FWD_rx_bad_header, "length %zu", k);
	}
	/* A zero UDP checksum is refused. */
	size_t ck = (size_t)n - sizeof(ip) - 2;
	out[ck] = out[ck + 1] = 0;
	cr_assert_eq(scion_fwd_host_rx(out, (size_t)n, IA_B, &e.dst, 30041, &rx, &why), -EBADMSG);
	cr_assert_eq(why, SCION_FWD_rx_bad_checksum);
	/* Too small an output buffer. */
	cr_assert_eq(scion_fwd_encap(&e, ip, sizeof(ip), out, 100), -EMSGSIZE);
	cr_assert_eq(scion_fwd_encap(&e, ip, sizeof(ip), out, (size_t)n - 1), -EMSGSIZE);
}

Test(scion_fwd, echo_round_trip_and_ports)
{
	struct scion_path p = test_path();
	struct scion_hdr h;
	uint8_t out[512], data[4] = {0, 0, 0, 9};
	struct scion_fwd_rx rx;
	enum scion_fwd_rx_reason why;
	struct scmp_msg m = {.type = SCMP_ECHO_REQUEST, .data = data, .data_len = 4};

	memset(&h, 0, sizeof(h));
	h.flow = 1;
	h.path_type = SCION_PATH_SCION;
	h.src_ia = IA_A;
	h.dst_ia = IA_B;
	h.src = (struct scion_host){.type = SCION_HOST_IPV4, .len = 4, .addr = {10, 1, 0, 2}};
	h.dst = (struct scion_host){.type = SCION_HOST_IPV4, .len = 4, .addr = {10, 4, 0, 2}};
	h.path.scion = p;
	m.u.echo.id = 31000;
	m.u.echo.seq = 5;
	ssize_t n = scion_fwd_scmp(&h, &m, out, sizeof(out));
	cr_assert_gt(n, 0);
	run(&r1, out, (size_t)n, 0, SCION_FWD_FORWARD);
	run(&rc, out, (size_t)n, 2, SCION_FWD_FORWARD);
	run(&r4, out, (size_t)n, 4, SCION_FWD_DELIVER);
	cr_assert_eq(res.port, SCION_FWD_DEFAULT_PORT); /* requests go to 30041 */
	cr_assert_eq(scion_fwd_host_rx(out, (size_t)n, IA_B, &h.dst, 1, &rx, &why), 0);
	cr_assert_eq(rx.proto, SCION_PROTO_SCMP);
	cr_assert_eq(rx.scmp.u.echo.seq, 5);
	/* The reply on the reversed path goes back to the identifier's port. */
	struct scmp_msg r = rx.scmp;
	r.type = SCMP_ECHO_REPLY;
	cr_assert_eq(scion_hdr_reverse(&rx.h), 0);
	n = scion_fwd_scmp(&rx.h, &r, out, sizeof(out));
	cr_assert_gt(n, 0);
	run(&r4, out, (size_t)n, 0, SCION_FWD_FORWARD);
	run(&rc, out, (size_t)n, 3, SCION_FWD_FORWARD);
	run(&r1, out, (size_t)n, 1, SCION_FWD_DELIVER);
	cr_assert_eq(res.port, 31000);
	cr_assert_eq(scion_fwd_host_rx(out, (size_t)n, IA_A, &h.src, 1, &rx, &why), 0);
	cr_assert_eq(rx.scmp.type, SCMP_ECHO_REPLY);
	cr_assert_arr_eq(rx.scmp.data, data, 4);
	/* A flipped bit anywhere in the SCMP message fails its checksum. */
	size_t hl = (size_t)rx.h.hdr_len * 4;
	for (size_t i = hl; i < (size_t)n; i++) {
		out[i] ^= 0x01;
		cr_assert_eq(scion_fwd_host_rx(out, (size_t)n, IA_A, &h.src, 1, &rx, &why),
			     -EBADMSG);
		cr_assert_eq(why, SCION_FWD_rx_bad_checksum, "byte %zu", i);
		out[i] ^= 0x01;
	}
}

Test(scion_fwd, icmp_too_big)
{
	uint8_t v4[1400] = {0x45, 0,  0x05, 0x78, 0, 1,	 0x40, 0, 64, 1, 0,
			    0,	  10, 101,  0,	  1, 10, 104,  0, 1,  8, 0};
	uint8_t v6[1400] = {0x60, 0,	    0,	  0, 0x05, 0x50, 58, 64, 0x20,	   1,  0x0d,
			    0xb8, [23] = 1, 0x20, 1, 0x0d, 0xb8, 0,  4,	 [39] = 1, 128};
	static const uint8_t src4[4] = {192, 0, 0, 8}, src6[16] = {0xfe, 0x80, [15] = 1};
	uint8_t out[ICMP6_ERR_MAX];

	ssize_t n = scion_fwd_too_big(v4, sizeof(v4), src4, 1308, out, sizeof(out));
	cr_assert_eq(n, ICMP4_ERR_MAX);
	cr_assert_eq(out[20], 3);
	cr_assert_eq(out[21], 4);
	cr_assert_eq(get_be16(out + 26), 1308);
	cr_assert_arr_eq(out + 16, v4 + 12, 4); /* back to the sender */
	cr_assert_eq(icmp_csum(out + 20, (size_t)n - 20, 0), 0);
	cr_assert_eq(icmp_csum(out, 20, 0), 0);
	/* Without DF the packet is just dropped. */
	v4[6] = 0;
	cr_assert_eq(scion_fwd_too_big(v4, sizeof(v4), src4, 1308, out, sizeof(out)), 0);

	n = scion_fwd_too_big(v6, sizeof(v6), src6, 1300, out, sizeof(out));
	cr_assert_eq(n, ICMP6_ERR_MAX);
	cr_assert_eq(out[40], 2);
	cr_assert_eq(get_be32(out + 44), 1300);
	cr_assert_arr_eq(out + 24, v6 + 8, 16);
	uint32_t s = 0;
	for (size_t i = 8; i < 40; i += 2)
		s += get_be16(out + i);
	s += (uint32_t)(n - 40) + 58;
	cr_assert_eq(icmp_csum(out + 40, (size_t)n - 40, s), 0);
	/* Never about an ICMPv6 error. */
	v6[40] = 1;
	cr_assert_eq(scion_fwd_too_big(v6, sizeof(v6), src6, 1300, out, sizeof(out)), 0);
	v6[40] = 128;
	cr_assert_eq(scion_fwd_too_big(v6, sizeof(v6), src6, 1300, out, 100), -ENOSPC);
}
