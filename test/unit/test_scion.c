// SPDX-License-Identifier: MIT
/*
 * test_scion.c - common/wire_scion.c and common/scion_mac.c against every
 * vector of shared/vectors/scion (VECTORS.md §1-§12, V1-V4): decoded field
 * values hard-coded here, .bin files read at run time, byte-exact re-encoding,
 * path reversal, a mini border-router trace with real MAC verification,
 * checksums, SCMP, plus truncation at every offset, bit flips and
 * inconsistent-length cases.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "scion_mac.h"
#include "wire_scion.h"

#define VEC(name) VECTORS_DIR "/scion/" name
#define PKT_MAX 2048

static size_t load(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	cr_assert(f, "cannot open %s", path);
	size_t n = fread(buf, 1, cap, f);
	fclose(f);
	cr_assert(n > 0 && n < cap, "%s: bad size %zu", path, n);
	return n;
}

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;
	for (; *s; s++) {
		int v;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
			continue;
		}
		cr_assert(n < cap);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	cr_assert(hi < 0);
	return n;
}

static void mac_init_hex(struct scion_mac *m, const char *hex)
{
	uint8_t key[16];
	cr_assert_eq(unhex(hex, key, sizeof(key)), 16);
	cr_assert_eq(scion_mac_init(m, key), 0);
}

static void assert_mac(struct scion_mac *m, uint16_t acc, uint32_t ts, uint8_t exp, uint16_t in,
		       uint16_t eg, const char *want_hex)
{
	struct scion_hop hf = {.exp = exp, .cons_in = in, .cons_eg = eg};
	uint8_t want[6], got[6];
	unhex(want_hex, want, sizeof(want));
	cr_assert_eq(scion_mac_hop(m, acc, ts, &hf, got), 0);
	cr_assert_arr_eq(got, want, 6, "MAC for acc %04x (%u,%u)", acc, in, eg);
	memcpy(hf.mac, want, 6);
	cr_assert_eq(scion_mac_verify(m, acc, ts, &hf), 0);
	hf.mac[5] ^= 1;
	cr_assert_eq(scion_mac_verify(m, acc, ts, &hf), -EBADMSG);
}

/* Parse strictly, re-encode, and compare the header bytes. */
static void parse_roundtrip(const uint8_t *pkt, size_t len, struct scion_hdr *h)
{
	const char *why = NULL;
	int rc = scion_parse(pkt, len, 0, h, &why);
	cr_assert_eq(rc, 0, "parse: %d %s", rc, why ? why : "");
	uint8_t out[SCION_MAX_HDR_LEN];
	size_t olen = 0;
	cr_assert_eq(scion_encode(h, out, sizeof(out), &olen), 0);
	cr_assert_eq(olen, (size_t)h->hdr_len * 4);
	cr_assert_arr_eq(out, pkt, olen);
	/* One octet short fails with -ENOSPC. */
	cr_assert_eq(scion_encode(h, out, olen - 1, &olen), -ENOSPC);
}

static void assert_hop(const struct scion_hop *hf, uint8_t exp, uint16_t in, uint16_t eg,
		       const char *mac_hex)
{
	uint8_t mac[6];
	unhex(mac_hex, mac, sizeof(mac));
	cr_assert_eq(hf->exp, exp);
	cr_assert_eq(hf->cons_in, in);
	cr_assert_eq(hf->cons_eg, eg);
	cr_assert_arr_eq(hf->mac, mac, 6);
}

static void assert_ipv4(const struct scion_host *h, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	const uint8_t want[4] = {a, b, c, d};
	cr_assert_eq(h->type, SCION_HOST_IPV4);
	cr_assert_eq(h->len, 4);
	cr_assert_arr_eq(h->addr, want, 4);
}

#define IA(isd, as) ((uint64_t)(isd) << 48 | (uint64_t)(as))

/* Strict parse fails at every shorter length; partial parse fails below HdrLen. */
static void truncation_sweep(const uint8_t *pkt, size_t len)
{
	struct scion_hdr h;
	cr_assert_eq(scion_parse(pkt, len, 0, &h, NULL), 0);
	size_t hl = (size_t)h.hdr_len * 4;
	for (size_t k = 0; k < len; k++) {
		cr_assert_neq(scion_parse(pkt, k, 0, &h, NULL), 0, "strict parse ok at %zu", k);
		int rc = scion_parse(pkt, k, SCION_PARSE_PARTIAL, &h, NULL);
		if (k < hl)
			cr_assert_neq(rc, 0, "partial parse ok at %zu < %zu", k, hl);
	}
	/* One extra trailing octet also breaks PayloadLen. */
	uint8_t big[PKT_MAX + 1];
	memcpy(big, pkt, len);
	big[len] = 0;
	cr_assert_eq(scion_parse(big, len + 1, 0, &h, NULL), -EBADMSG);
	cr_assert_eq(scion_parse(big, len + 1, SCION_PARSE_PARTIAL, &h, NULL), 0);
}

/* Every single-bit flip either fails to parse or re-encodes to the flipped bytes. */
static void bitflip_sweep(const uint8_t *pkt, size_t len)
{
	uint8_t b[PKT_MAX], out[SCION_MAX_HDR_LEN];
	struct scion_hdr h;
	memcpy(b, pkt, len);
	cr_assert_eq(scion_parse(b, len, 0, &h, NULL), 0);
	size_t hl = (size_t)h.hdr_len * 4;
	for (size_t i = 0; i < hl * 8; i++) {
		b[i / 8] ^= (uint8_t)(0x80 >> (i % 8));
		if (scion_parse(b, len, 0, &h, NULL) == 0) {
			size_t olen;
			cr_assert_eq(scion_encode(&h, out, sizeof(out), &olen), 0);
			cr_assert_arr_eq(out, b, olen, "flip %zu", i);
		}
		b[i / 8] ^= (uint8_t)(0x80 >> (i % 8));
	}
}

static uint16_t udp_cksum_of(const uint8_t *pkt, size_t len, struct scion_hdr *h)
{
	size_t hl = (size_t)h->hdr_len * 4;
	struct scion_l4 l4;
	cr_assert_eq(scion_l4_locate(h->next_hdr, pkt + hl, len - hl, &l4, NULL), 0);
	cr_assert_eq(l4.proto, SCION_PROTO_UDP);
	return scion_l4_checksum(h, SCION_PROTO_UDP, l4.data, l4.len);
}

/* ---- §1 RFC 4493 ---- */
Test(scion_mac, rfc4493_cmac)
{
	struct scion_mac m;
	uint8_t msg[16], want[16], got[16];
	mac_init_hex(&m, "2b7e151628aed2a6abf7158809cf4f3c");
	unhex("6bc1bee22e409f96e93d7e117393172a", msg, 16);
	unhex("070a16b46b4d4144f79bdd9dd04a287c", want, 16);
	cr_assert_eq(scion_mac_cmac(&m, msg, 16, got), 0);
	cr_assert_arr_eq(got, want, 16);
	unhex("bb1d6929e95937287fa37d129b756746", want, 16);
	cr_assert_eq(scion_mac_cmac(&m, NULL, 0, got), 0);
	cr_assert_arr_eq(got, want, 16);
	/* The key schedule is reused: the first block again gives the same answer. */
	unhex("070a16b46b4d4144f79bdd9dd04a287c", want, 16);
	cr_assert_eq(scion_mac_cmac(&m, msg, 16, got), 0);
	cr_assert_arr_eq(got, want, 16);
	scion_mac_deinit(&m);
	scion_mac_deinit(&m); /* idempotent */
	cr_assert_eq(scion_mac_cmac(&m, msg, 16, got), -EIO);
}

/* ---- §2 hop MAC KATs ---- */
#define K0 "746573746b65795f7878787878787878"
#define K1 "490b3a8bd91dc84b431c1f176b6901e5"
#define K2 "33cbf5445d286bf92d18f08a6fca52ff"

Test(scion_mac, hop_mac_m1_m2_m2f)
{
	struct scion_mac m;
	mac_init_hex(&m, K0);
	struct scion_hop hf = {.exp = 63, .cons_in = 1, .cons_eg = 0};
	uint8_t block[16], want[16];
	scion_mac_input(0x0111, 0x100, &hf, block);
	unhex("0000011100000100003f000100000000", want, 16);
	cr_assert_arr_eq(block, want, 16);
	uint8_t full[16];
	cr_assert_eq(scion_mac_cmac(&m, block, 16, full), 0);
	unhex("21f265d4b322edb5f3f8e692a8ecb30a", want, 16);
	cr_assert_arr_eq(full, want, 16);
	assert_mac(&m, 0x0111, 0x100, 63, 1, 0, "21f265d4b322");
	assert_mac(&m, 0x0222, 0x100, 63, 3, 2, "cd2307574c40");
	/* M2f: flags (I, E, reserved) do not enter the MAC. */
	struct scion_hop f = {.flags = 0xff, .exp = 63, .cons_in = 3, .cons_eg = 2};
	unhex("cd2307574c40", f.mac, 6);
	cr_assert_eq(scion_mac_verify(&m, 0x0222, 0x100, &f), 0);
	scion_mac_deinit(&m);
}

/* ---- §3 KDF ---- */
Test(scion_mac, pbkdf2_forwarding_keys)
{
	uint8_t master[16], key[16], want[16];
	unhex("581c2e86379186b03234c42773b7317f", master, 16);
	cr_assert_eq(scion_mac_derive_key(master, 16, key), 0);
	unhex(K1, want, 16);
	cr_assert_arr_eq(key, want, 16);
	unhex("3682ccf1941dc81aa86762e4849744f5", master, 16);
	cr_assert_eq(scion_mac_derive_key(master, 16, key), 0);
	unhex(K2, want, 16);
	cr_assert_arr_eq(key, want, 16);
	cr_assert_eq(scion_mac_derive_key(master, 0, key), -EINVAL);
	cr_assert_eq(scion_mac_derive_key(NULL, 16, key), -EINVAL);
}

/* ---- §4 / V4 chained segment with a peering hop ---- */
Test(scion_mac, chained_segment_and_peering)
{
	struct scion_mac m0, m1, m2;
	uint8_t master[16], k[16];
	mac_init_hex(&m0, K0);
	/* K1 and K2 come from the KDF, as V4 says. */
	unhex("581c2e86379186b03234c42773b7317f", master, 16);
	cr_assert_eq(scion_mac_derive_key(master, 16, k), 0);
	cr_assert_eq(scion_mac_init(&m1, k), 0);
	unhex("3682ccf1941dc81aa86762e4849744f5", master, 16);
	cr_assert_eq(scion_mac_derive_key(master, 16, k), 0);
	cr_assert_eq(scion_mac_init(&m2, k), 0);

	const uint32_t ts = 1700000000;
	uint8_t macs[3][6];
	struct scion_hop h0 = {.exp = 63, .cons_in = 0, .cons_eg = 11};
	struct scion_hop h1 = {.exp = 63, .cons_in = 21, .cons_eg = 22};
	struct scion_hop h2 = {.exp = 63, .cons_in = 31, .cons_eg = 0};
	cr_assert_eq(scion_mac_hop(&m0, 0xbeef, ts, &h0, macs[0]), 0);
	assert_mac(&m0, 0xbeef, ts, 63, 0, 11, "60b0524ff920");
	cr_assert_eq(scion_beta(0xbeef, &macs[0][0], 1), 0xde5f);
	cr_assert_eq(scion_mac_hop(&m1, 0xde5f, ts, &h1, macs[1]), 0);
	assert_mac(&m1, 0xde5f, ts, 63, 21, 22, "cbadd338eaf9");
	uint8_t block[16], want[16], full[16];
	scion_mac_input(0xde5f, ts, &h1, block);
	unhex("0000de5f6553f100003f001500160000", want, 16);
	cr_assert_arr_eq(block, want, 16);
	cr_assert_eq(scion_mac_cmac(&m1, block, 16, full), 0);
	unhex("cbadd338eaf9a22d16b693816ecbe9f0", want, 16);
	cr_assert_arr_eq(full, want, 16);
	cr_assert_eq(scion_beta(0xbeef, &macs[0][0], 2), 0x15f2);
	cr_assert_eq(scion_mac_hop(&m2, 0x15f2, ts, &h2, macs[2]), 0);
	assert_mac(&m2, 0x15f2, ts, 63, 31, 0, "0972564ae017");
	scion_mac_input(0x15f2, ts, &h2, block);
	cr_assert_eq(scion_mac_cmac(&m2, block, 16, full), 0);
	unhex("0972564ae017b05b30f74765e01bd441", want, 16);
	cr_assert_arr_eq(full, want, 16);
	cr_assert_eq(scion_beta(0xbeef, &macs[0][0], 3), 0x1c80);
	/* Peering hop of AS1 (99 -> 22) chains over β2. */
	struct scion_hop ph = {.exp = 63, .cons_in = 99, .cons_eg = 22};
	scion_mac_input(0x15f2, ts, &ph, block);
	unhex("000015f26553f100003f006300160000", want, 16);
	cr_assert_arr_eq(block, want, 16);
	cr_assert_eq(scion_mac_cmac(&m1, block, 16, full), 0);
	unhex("4e6d740b3d43717df8dccab3524f0b84", want, 16);
	cr_assert_arr_eq(full, want, 16);
	assert_mac(&m1, 0x15f2, ts, 63, 99, 22, "4e6d740b3d43");
	scion_mac_deinit(&m0);
	scion_mac_deinit(&m1);
	scion_mac_deinit(&m2);
}

/* ---- §5 one-hop MACs ---- */
Test(scion_mac, onehop_macs)
{
	struct scion_mac a, b;
	mac_init_hex(&a, K0);
	mac_init_hex(&b, K1);
	struct scion_onehop o = {.inf = {.flags = SCION_INF_C, .acc = 0x1234, .ts = 0x6553f100}};
	o.hf[0] = (struct scion_hop){.exp = 63, .cons_in = 0, .cons_eg = 41};
	cr_assert_eq(scion_mac_hop(&a, o.inf.acc, o.inf.ts, &o.hf[0], o.hf[0].mac), 0);
	assert_mac(&a, 0x1234, 0x6553f100, 63, 0, 41, "77c09b23b63a");
	cr_assert_eq(scion_mac_verify(&a, o.inf.acc, o.inf.ts, &o.hf[0]), 0);
	o.inf.acc = scion_acc_step(o.inf.acc, o.hf[0].mac);
	cr_assert_eq(o.inf.acc, 0x65f4);
	o.hf[1] = (struct scion_hop){.exp = o.hf[0].exp, .cons_in = 42, .cons_eg = 0};
	cr_assert_eq(scion_mac_hop(&b, o.inf.acc, o.inf.ts, &o.hf[1], o.hf[1].mac), 0);
	assert_mac(&b, 0x65f4, 0x6553f100, 63, 42, 0, "54e1d2fba52d");

	/* Round trip through the codec and reversal into a PathType-1 path. */
	uint8_t buf[64];
	struct wcur w = wcur_make(buf, sizeof(buf));
	cr_assert_eq(scion_onehop_encode(&o, &w), 0);
	cr_assert_eq(sizeof(buf) - w.left, SCION_ONEHOP_LEN);
	struct scion_onehop o2;
	cr_assert_eq(scion_onehop_parse(buf, SCION_ONEHOP_LEN, &o2), 0);
	cr_assert_arr_eq(&o2, &o, sizeof(o));
	cr_assert_eq(scion_onehop_parse(buf, SCION_ONEHOP_LEN - 1, &o2), -EBADMSG);
	cr_assert_eq(scion_onehop_parse(buf, SCION_ONEHOP_LEN + 1, &o2), -EBADMSG);
	struct wcur ws = wcur_make(buf, 31);
	cr_assert_eq(scion_onehop_encode(&o, &ws), -ENOSPC);
	scion_mac_deinit(&a);
	scion_mac_deinit(&b);
}

/* A whole OneHop packet: parse, re-encode, reverse. */
Test(scion_wire, onehop_packet)
{
	struct scion_hdr h = {.next_hdr = SCION_PROTO_BFD, .path_type = SCION_PATH_ONEHOP};
	h.dst_ia = IA(1, 0xff0000000110ULL);
	h.src_ia = IA(1, 0xff0000000111ULL);
	h.dst = (struct scion_host){.type = SCION_HOST_IPV4, .len = 4, .addr = {10, 0, 0, 1}};
	h.src = (struct scion_host){.type = SCION_HOST_IPV4, .len = 4, .addr = {10, 0, 0, 2}};
	h.path.onehop.inf = (struct scion_info){.flags = SCION_INF_C, .acc = 0x65f4, .ts = 7};
	h.path.onehop.hf[0] =
	    (struct scion_hop){.exp = 63, .cons_eg = 41, .mac = {1, 2, 3, 4, 5, 6}};
	h.path.onehop.hf[1] =
	    (struct scion_hop){.exp = 63, .cons_in = 42, .mac = {7, 8, 9, 10, 11, 12}};
	cr_assert_eq(scion_hdr_finalize(&h, 4), 0);
	cr_assert_eq(h.hdr_len * 4, 12 + 24 + 32);
	uint8_t pkt[128];
	size_t n;
	cr_assert_eq(scion_encode(&h, pkt, sizeof(pkt), &n), 0);
	memset(pkt + n, 0xab, 4);
	struct scion_hdr p;
	parse_roundtrip(pkt, n + 4, &p);
	cr_assert_eq(p.path_type, SCION_PATH_ONEHOP);
	cr_assert_arr_eq(&p.path.onehop, &h.path.onehop, sizeof(h.path.onehop));
	truncation_sweep(pkt, n + 4);
	cr_assert_eq(scion_hdr_reverse(&p), 0);
	cr_assert_eq(p.path_type, SCION_PATH_SCION);
	const struct scion_path *r = &p.path.scion;
	cr_assert_eq(r->seg_len[0], 2);
	cr_assert_eq(r->curr_inf, 0);
	cr_assert_eq(r->curr_hf, 0);
	cr_assert_eq(r->inf[0].flags, 0);
	cr_assert_eq(r->inf[0].acc, 0x65f4);
	cr_assert_eq(r->hf[0].cons_in, 42);
	cr_assert_eq(r->hf[1].cons_eg, 41);
	cr_assert_eq(p.src_ia, h.dst_ia);
	cr_assert_eq(p.hdr_len * 4, 12 + 24 + 4 + 8 + 24);
	cr_assert_eq(scion_encode(&p, pkt, sizeof(pkt), &n), 0);
}

/* ---- §6.1 scion-udp.bin ---- */
static void assert_golden_path(const struct scion_path *p)
{
	cr_assert_eq(p->curr_inf, 0);
	cr_assert_eq(p->curr_hf, 0);
	cr_assert_eq(p->seg_len[0], 2);
	cr_assert_eq(p->seg_len[1], 2);
	cr_assert_eq(p->seg_len[2], 0);
	cr_assert_eq(p->num_inf, 2);
	cr_assert_eq(p->num_hf, 4);
	cr_assert_eq(p->inf[0].flags, 0);
	cr_assert_eq(p->inf[0].acc, 0x0111);
	cr_assert_eq(p->inf[0].ts, 256);
	cr_assert_eq(p->inf[1].flags, SCION_INF_C);
	cr_assert_eq(p->inf[1].acc, 0x0222);
	cr_assert_eq(p->inf[1].ts, 256);
	assert_hop(&p->hf[0], 63, 1, 0, "010203040506");
	assert_hop(&p->hf[1], 63, 3, 2, "010203040506");
	assert_hop(&p->hf[2], 63, 0, 2, "010203040506");
	assert_hop(&p->hf[3], 63, 1, 0, "010203040506");
}

static void assert_golden_addrs(const struct scion_hdr *h, uint64_t src_ia)
{
	const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x68};
	cr_assert_eq(h->version, 0);
	cr_assert_eq(h->tc, 0xb8);
	cr_assert_eq(h->flow, 0xdead);
	cr_assert_eq(h->dst_ia, IA(1, 0xff0000000111ULL));
	cr_assert_eq(h->src_ia, src_ia);
	cr_assert_eq(h->dst.type, SCION_HOST_IPV6);
	cr_assert_arr_eq(h->dst.addr, v6, 16);
	assert_ipv4(&h->src, 10, 0, 0, 100);
}

Test(scion_vec, scion_udp)
{
	uint8_t pkt[PKT_MAX];
	size_t len = load(VEC("scion-udp.bin"), pkt, sizeof(pkt));
	cr_assert_eq(len, 1148);
	struct scion_hdr h;
	parse_roundtrip(pkt, len, &h);
	assert_golden_addrs(&h, IA(2, 0xff0000000222ULL));
	cr_assert_eq(h.next_hdr, 17);
	cr_assert_eq(h.hdr_len, 29);
	cr_assert_eq(h.payload_len, 1032);
	cr_assert_eq(h.path_type, 1);
	assert_golden_path(&h.path.scion);
	struct scion_udp u;
	cr_assert_eq(scion_udp_parse(pkt + 116, len - 116, &u), 0);
	cr_assert_eq(u.sport, 1280);
	cr_assert_eq(u.dport, 80);
	cr_assert_eq(u.len, 1032);
	cr_assert_eq(u.csum, 0xb7d2);
	for (size_t i = 0; i < u.payload_len; i++)
		cr_assert_eq(u.payload[i], (uint8_t)i);
	cr_assert_eq(udp_cksum_of(pkt, len, &h), 0);
	cr_assert_eq(scion_udp_parse(pkt + 116, len - 117, &u), -EBADMSG);
	cr_assert_eq(scion_udp_parse(pkt + 116, 7, &u), -EBADMSG);
	truncation_sweep(pkt, len);
	bitflip_sweep(pkt, len);
}

/* ---- §6.2 empty-udp.bin ---- */
Test(scion_vec, empty_udp)
{
	uint8_t pkt[PKT_MAX];
	size_t len = load(VEC("empty-udp.bin"), pkt, sizeof(pkt));
	cr_assert_eq(len, 1080);
	struct scion_hdr h;
	parse_roundtrip(pkt, len, &h);
	assert_golden_addrs(&h, IA(1, 0xff0000000111ULL));
	cr_assert_eq(h.hdr_len, 12);
	cr_assert_eq(h.path_type, SCION_PATH_EMPTY);
	cr_assert_eq(h.payload_len, 1032);
	struct scion_udp u;
	cr_assert_eq(scion_udp_parse(pkt + 48, len - 48, &u), 0);
	cr_assert_eq(u.csum, 0xb8e4);
	cr_assert_eq(udp_cksum_of(pkt, len, &h), 0);
	truncation_sweep(pkt, len);
	bitflip_sweep(pkt, len);
	/* Reversal of an empty path swaps only the addresses. */
	cr_assert_eq(scion_hdr_reverse(&h), 0);
	cr_assert_eq(h.src.type, SCION_HOST_IPV6);
	cr_assert_eq(h.hdr_len, 12);
}

/* ---- §6.3 scion-udp-extn.bin ---- */
Test(scion_vec, udp_extn)
{
	uint8_t pkt[PKT_MAX];
	size_t len = load(VEC("scion-udp-extn.bin"), pkt, sizeof(pkt));
	cr_assert_eq(len, 1208);
	struct scion_hdr h;
	parse_roundtrip(pkt, len, &h);
	assert_golden_addrs(&h, IA(2, 0xff0000000222ULL));
	cr_assert_eq(h.next_hdr, SCION_PROTO_HBH);
	cr_assert_eq(h.payload_len, 1092);
	assert_golden_path(&h.path.scion);
	struct scion_l4 l4;
	cr_assert_eq(scion_l4_locate(h.next_hdr, pkt + 116, len - 116, &l4, NULL), 0);
	cr_assert_eq(l4.n_ext, 2);
	cr_assert_eq(l4.ext[0].type, SCION_PROTO_HBH);
	cr_assert_eq(l4.ext[0].next_hdr, SCION_PROTO_E2E);
	cr_assert_eq(l4.ext[0].ext_len, 6);
	cr_assert_eq(l4.ext[0].opts_len, 26);
	cr_assert_eq(l4.ext[0].opts[0], 0x1e);
	cr_assert_eq(l4.ext[1].type, SCION_PROTO_E2E);
	cr_assert_eq(l4.ext[1].next_hdr, 17);
	cr_assert_eq(l4.ext[1].ext_len, 7);
	cr_assert_eq(l4.ext[1].opts_len, 30);
	cr_assert_eq(l4.ext[1].opts[0], 0x00); /* Pad1 */
	cr_assert_eq(l4.proto, 17);
	cr_assert_eq(l4.data - pkt, 176);
	struct scion_udp u;
	cr_assert_eq(scion_udp_parse(l4.data, l4.len, &u), 0);
	cr_assert_eq(u.csum, 0xb7d2);
	cr_assert_eq(udp_cksum_of(pkt, len, &h), 0);
	/* Truncated extension chains. */
	for (size_t k = 0; k < 60; k++) {
		const char *why = NULL;
		int rc = scion_l4_locate(h.next_hdr, pkt + 116, k, &l4, &why);
		cr_assert_eq(rc, -EBADMSG, "ext walk ok at %zu", k);
		cr_assert(why);
	}
	/* E2E before HBH and a repeated E2E are refused. */
	uint8_t bad[8] = {SCION_PROTO_HBH, 0, 0, 0, 17, 0, 0, 0};
	cr_assert_eq(scion_l4_locate(SCION_PROTO_E2E, bad, 8, &l4, NULL), -EBADMSG);
	bad[0] = SCION_PROTO_E2E;
	cr_assert_eq(scion_l4_locate(SCION_PROTO_E2E, bad, 8, &l4, NULL), -EBADMSG);
	truncation_sweep(pkt, len);
}

/* ---- §6.4 SCMP golden files and V3 ---- */
static void scmp_file(const char *name, size_t want_len, uint8_t type, uint8_t code,
		      uint16_t real_csum, struct scmp_msg *m, struct scion_hdr *h, uint8_t *pkt)
{
	size_t len = load(name, pkt, PKT_MAX);
	cr_assert_eq(len, want_len);
	parse_roundtrip(pkt, len, h);
	assert_golden_addrs(h, IA(2, 0xff0000000222ULL));
	assert_golden_path(&h->path.scion);
	cr_assert_eq(h->next_hdr, SCION_PROTO_SCMP);
	const uint8_t *s = pkt + 116;
	size_t sl = len - 116;
	cr_assert_eq(scmp_parse(s, sl, m), 0);
	cr_assert_eq(m->type, type);
	cr_assert_eq(m->code, code);
	cr_assert_eq(m->csum, 0);
	cr_assert_eq(m->data_len, 18);
	for (size_t i = 0; i < 18; i++)
		cr_assert_eq(m->data[i], 0xff);
	uint8_t out[256];
	struct wcur w = wcur_make(out, sizeof(out));
	cr_assert_eq(scmp_len(m), sl);
	cr_assert_eq(scmp_encode(m, &w), 0);
	cr_assert_arr_eq(out, s, sl);
	struct wcur ws = wcur_make(out, sl - 1);
	cr_assert_eq(scmp_encode(m, &ws), -ENOSPC);
	cr_assert_eq(scion_l4_checksum(h, SCION_PROTO_SCMP, s, sl), real_csum);
	/* With the real checksum stored, the sum verifies to 0. */
	uint8_t fixed[256];
	memcpy(fixed, s, sl);
	put_be16(fixed + 2, real_csum);
	cr_assert_eq(scion_l4_checksum(h, SCION_PROTO_SCMP, fixed, sl), 0);
	/* Truncated info blocks fail. */
	for (size_t k = 0; k < sl - 18; k++)
		cr_assert_eq(scmp_parse(s, k, m), -EBADMSG, "scmp ok at %zu", k);
	cr_assert_eq(scmp_parse(s, sl, m), 0);
	truncation_sweep(pkt, len);
}

Test(scion_vec, scmp_dest_unreachable)
{
	uint8_t pkt[PKT_MAX];
	struct scmp_msg m;
	struct scion_hdr h;
	scmp_file(VEC("scion-scmp-dest-unreachable.bin"), 142, 1, 6, 0xc458, &m, &h, pkt);
	cr_assert_eq(h.payload_len, 26);
	cr_assert_eq(m.u.dest_unreach.unused, 0);
	cr_assert(scmp_is_error(m.type));
}

Test(scion_vec, scmp_ext_if_down)
{
	uint8_t pkt[PKT_MAX];
	struct scmp_msg m;
	struct scion_hdr h;
	scmp_file(VEC("scion-scmp-ext-int-down.bin"), 154, 5, 0, 0xc03a, &m, &h, pkt);
	cr_assert_eq(h.payload_len, 38);
	cr_assert_eq(m.u.ext_down.ia, IA(1, 0xff0000000111ULL));
	cr_assert_eq(m.u.ext_down.ifid, 5);
}

Test(scion_vec, scmp_int_conn_down_v3)
{
	uint8_t pkt[PKT_MAX];
	struct scmp_msg m;
	struct scion_hdr h;
	scmp_file(VEC("scion-scmp-int-conn-down.bin"), 162, 6, 0, 0xbf23, &m, &h, pkt);
	cr_assert_eq(h.payload_len, 46);
	cr_assert_eq(h.hdr_len, 29);
	cr_assert_eq(m.u.int_down.ia, IA(1, 0xff0000000111ULL));
	cr_assert_eq(m.u.int_down.ingress, 5);
	cr_assert_eq(m.u.int_down.egress, 15);
}

/* ---- §6.5 BFD ---- */
Test(scion_vec, bfd)
{
	uint8_t pkt[PKT_MAX];
	size_t len = load(VEC("scion-bfd.bin"), pkt, sizeof(pkt));
	cr_assert_eq(len, 60);
	struct scion_hdr h;
	parse_roundtrip(pkt, len, &h);
	cr_assert_eq(h.next_hdr, SCION_PROTO_BFD);
	cr_assert_eq(h.hdr_len, 9);
	cr_assert_eq(h.payload_len, 24);
	cr_assert_eq(h.path_type, SCION_PATH_EMPTY);
	cr_assert_eq(h.dst_ia, IA(1, 0xff0000000110ULL));
	cr_assert_eq(h.src_ia, IA(1, 0xff0000000110ULL));
	assert_ipv4(&h.dst, 127, 0, 0, 9);
	assert_ipv4(&h.src, 127, 0, 0, 10);
	const uint8_t *b = pkt + 36;
	cr_assert_eq(b[0] >> 5, 1); /* version */
	cr_assert_eq(b[1] >> 6, 3); /* Up */
	cr_assert_eq(b[2], 3);	    /* DetectMult */
	cr_assert_eq(get_be32(b + 4), 0x5fa1e9cb);
	cr_assert_eq(get_be32(b + 8), 0x7cd1c05d);
	cr_assert_eq(get_be32(b + 12), 200000);
	cr_assert_eq(get_be32(b + 16), 200000);
	truncation_sweep(pkt, len);
	bitflip_sweep(pkt, len);
}

/* ---- §7 byte-level reversal and the index table ---- */
static const char *fwd_path_hex = "00002080 0000011100000100 0100022200000100"
				  "003f00010000010203040506 003f00030002010203040506"
				  "003f00000002010203040506 003f00010000010203040506";
static const char *rev_path_hex = "43002080 0000022200000100 0100011100000100"
				  "003f00010000010203040506 003f00000002010203040506"
				  "003f00030002010203040506 003f00010000010203040506";

Test(scion_wire, reverse_bytes)
{
	uint8_t fwd[128], rev[128], out[128];
	size_t fl = unhex(fwd_path_hex, fwd, sizeof(fwd));
	size_t rl = unhex(rev_path_hex, rev, sizeof(rev));
	cr_assert_eq(fl, 68);
	struct scion_path p;
	cr_assert_eq(scion_path_parse(fwd, fl, &p, NULL), 0);
	assert_golden_path(&p);
	cr_assert_eq(scion_path_reverse(&p), 0);
	struct wcur w = wcur_make(out, sizeof(out));
	cr_assert_eq(scion_path_encode(&p, &w), 0);
	cr_assert_eq(sizeof(out) - w.left, rl);
	cr_assert_arr_eq(out, rev, rl);
	/* Reversing twice is the identity. */
	cr_assert_eq(scion_path_reverse(&p), 0);
	w = wcur_make(out, sizeof(out));
	cr_assert_eq(scion_path_encode(&p, &w), 0);
	cr_assert_arr_eq(out, fwd, fl);
	/* Short writer. */
	w = wcur_make(out, fl - 1);
	cr_assert_eq(scion_path_encode(&p, &w), -ENOSPC);
	/* EPIC with the same embedded path: parse, re-encode, reverse. */
	uint8_t epic[128];
	memcpy(epic, "\x00\x00\x00\x01\x00\x00\x00\x02\xaa\xbb\xcc\xdd\x11\x22\x33\x44", 16);
	memcpy(epic + 16, fwd, fl);
	struct scion_epic e;
	cr_assert_eq(scion_epic_parse(epic, 16 + fl, &e, NULL), 0);
	cr_assert_eq(e.epic_ts, 1);
	cr_assert_eq(e.counter, 2);
	cr_assert_eq(e.lhvf[3], 0x44);
	w = wcur_make(out, sizeof(out));
	cr_assert_eq(scion_epic_encode(&e, &w), 0);
	cr_assert_arr_eq(out, epic, 16 + fl);
	for (size_t k = 0; k < 16 + fl; k++)
		cr_assert_eq(scion_epic_parse(epic, k, &e, NULL), -EBADMSG);
}

/* decoded_test.go pathReverseCases: hop ids and pointer mappings. */
struct rev_case {
	uint8_t seg[3];
	uint8_t cflags[3];
	uint8_t out_cflags[3];
	uint8_t ptr[3][2][2]; /* (inf,hf) -> (inf,hf) */
	size_t nptr;
};

Test(scion_wire, reverse_index_table)
{
	static const struct rev_case cases[] = {
	    {{2, 0, 0}, {1}, {0}, {{{0, 0}, {0, 1}}, {{0, 1}, {0, 0}}}, 2},
	    {{5, 0, 0}, {1}, {0}, {{{0, 0}, {0, 4}}, {{0, 3}, {0, 1}}}, 2},
	    {{2, 3, 0}, {1, 0}, {1, 0}, {{{0, 0}, {1, 4}}, {{1, 2}, {0, 2}}, {{1, 4}, {0, 0}}}, 3},
	    {{2, 4, 3},
	     {1, 0, 0},
	     {1, 1, 0},
	     {{{0, 0}, {2, 8}}, {{1, 2}, {1, 6}}, {{2, 8}, {0, 0}}},
	     3},
	};
	for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
		const struct rev_case *rc = &cases[c];
		for (size_t k = 0; k < rc->nptr; k++) {
			struct scion_path p = {0};
			unsigned int n = 0, ninf = 0;
			for (unsigned int i = 0; i < 3; i++) {
				p.seg_len[i] = rc->seg[i];
				n += rc->seg[i];
				if (rc->seg[i]) {
					ninf = i + 1;
					p.inf[i].flags = rc->cflags[i];
					p.inf[i].acc = (uint16_t)(0x100 + i);
				}
			}
			p.num_inf = (uint8_t)ninf;
			p.num_hf = (uint8_t)n;
			for (unsigned int j = 0; j < n; j++)
				p.hf[j].cons_in = p.hf[j].cons_eg = (uint16_t)(11 + j);
			p.curr_inf = rc->ptr[k][0][0];
			p.curr_hf = rc->ptr[k][0][1];
			cr_assert_eq(scion_path_reverse(&p), 0);
			cr_assert_eq(p.curr_inf, rc->ptr[k][1][0], "case %zu ptr %zu", c, k);
			cr_assert_eq(p.curr_hf, rc->ptr[k][1][1], "case %zu ptr %zu", c, k);
			for (unsigned int j = 0; j < n; j++)
				cr_assert_eq(p.hf[j].cons_in, 11 + n - 1 - j);
			for (unsigned int i = 0; i < ninf; i++) {
				cr_assert_eq(p.inf[i].flags, rc->out_cflags[i]);
				cr_assert_eq(p.seg_len[i], rc->seg[ninf - 1 - i]);
				cr_assert_eq(p.inf[i].acc, 0x100 + ninf - 1 - i);
			}
		}
	}
}

/* ---- §8 and V2: jpan tiny topology ---- */
Test(scion_vec, jpan_ping_pong)
{
	uint8_t cping[PKT_MAX], sping[PKT_MAX], cpong[PKT_MAX], spong[PKT_MAX];
	size_t l1 = load(VEC("jpan-tiny-e2e-client-ping.bin"), cping, PKT_MAX);
	size_t l2 = load(VEC("jpan-tiny-e2e-server-ping.bin"), sping, PKT_MAX);
	size_t l3 = load(VEC("jpan-tiny-e2e-client-pong.bin"), cpong, PKT_MAX);
	size_t l4 = load(VEC("jpan-tiny-e2e-server-pong.bin"), spong, PKT_MAX);
	cr_assert(l1 == 103 && l2 == 103 && l3 == 103 && l4 == 103);
	struct scion_hdr h, hs, hp, hcp;
	parse_roundtrip(cping, l1, &h);
	parse_roundtrip(sping, l2, &hs);
	parse_roundtrip(cpong, l3, &hcp);
	parse_roundtrip(spong, l4, &hp);
	const uint8_t lo6[16] = {[15] = 1};
	/* client ping */
	cr_assert_eq(h.flow, 1);
	cr_assert_eq(h.next_hdr, 17);
	cr_assert_eq(h.hdr_len, 21);
	cr_assert_eq(h.payload_len, 19);
	cr_assert_eq(h.dst_ia, IA(1, 0xff0000000112ULL));
	cr_assert_eq(h.src_ia, IA(1, 0xff0000000110ULL));
	cr_assert_eq(h.dst.type, SCION_HOST_IPV6);
	cr_assert_arr_eq(h.dst.addr, lo6, 16);
	assert_ipv4(&h.src, 127, 0, 0, 1);
	const struct scion_path *p = &h.path.scion;
	cr_assert_eq(p->seg_len[0], 2);
	cr_assert_eq(p->curr_hf, 0);
	cr_assert_eq(p->inf[0].flags, SCION_INF_C);
	cr_assert_eq(p->inf[0].acc, 0x0b10);
	cr_assert_eq(p->inf[0].ts, 1699968687);
	assert_hop(&p->hf[0], 63, 0, 2, "76eb56d25900");
	assert_hop(&p->hf[1], 63, 1, 0, "f8028e194c86");
	struct scion_udp u;
	cr_assert_eq(scion_udp_parse(cping + 84, 19, &u), 0);
	cr_assert_eq(u.sport, 44444);
	cr_assert_eq(u.dport, 8080);
	cr_assert_eq(u.csum, 0x44ae);
	cr_assert_eq(udp_cksum_of(cping, l1, &h), 0);

	/* client ping -> server ping: egress BR of 110, C=1, Acc ^= 76eb after verification. */
	struct scion_hdr t = h;
	scion_acc_egress(&t.path.scion);
	cr_assert_eq(scion_path_next(&t.path.scion), 0);
	uint8_t out[PKT_MAX];
	size_t n;
	cr_assert_eq(scion_encode(&t, out, sizeof(out), &n), 0);
	memcpy(out + n, cping + n, l1 - n);
	cr_assert_arr_eq(out, sping, l2);
	cr_assert_eq(hs.path.scion.inf[0].acc, 0x7dfb);
	cr_assert_eq(udp_cksum_of(sping, l2, &hs), 0);

	/* V2: reversing the server ping (addresses, path, ports) gives the server pong. */
	t = hs;
	cr_assert_eq(scion_hdr_reverse(&t), 0);
	cr_assert_eq(scion_encode(&t, out, sizeof(out), &n), 0);
	cr_assert_eq(n, 84);
	memcpy(out + n, sping + n, l2 - n);
	put_be16(out + n, get_be16(sping + n + 2));
	put_be16(out + n + 2, get_be16(sping + n));
	cr_assert_arr_eq(out, spong, l4);
	const struct scion_path *r = &hp.path.scion;
	cr_assert_eq(hp.dst_ia, IA(1, 0xff0000000110ULL));
	cr_assert_eq(r->curr_inf, 0);
	cr_assert_eq(r->curr_hf, 0);
	cr_assert_eq(r->inf[0].flags, 0);
	cr_assert_eq(r->inf[0].acc, 0x7dfb);
	cr_assert_eq(r->inf[0].ts, 0x655376af);
	assert_hop(&r->hf[0], 63, 1, 0, "f8028e194c86");
	assert_hop(&r->hf[1], 63, 0, 2, "76eb56d25900");
	cr_assert_eq(scion_udp_parse(spong + 84, 19, &u), 0);
	cr_assert_eq(u.sport, 8080);
	cr_assert_eq(u.dport, 44444);
	cr_assert_eq(udp_cksum_of(spong, l4, &hp), 0);

	/* server pong -> client pong: 112's egress (C=0 from local: nothing), CurrHF++, then
	 * 110's ingress BR (C=0 from external: Acc ^= 76eb). */
	t = hp;
	scion_acc_ingress(&t.path.scion, false);
	scion_acc_egress(&t.path.scion);
	cr_assert_eq(scion_path_next(&t.path.scion), 0);
	scion_acc_ingress(&t.path.scion, true);
	cr_assert_eq(scion_path_next(&t.path.scion), -ERANGE);
	cr_assert_eq(scion_encode(&t, out, sizeof(out), &n), 0);
	memcpy(out + n, spong + n, l4 - n);
	cr_assert_arr_eq(out, cpong, l3);
	cr_assert_eq(hcp.path.scion.inf[0].acc, 0x0b10);
	for (size_t i = 0; i < 103; i++)
		if (i != 48 && i != 54 && i != 55)
			cr_assert_eq(cpong[i], spong[i]);
	truncation_sweep(cping, l1);
	bitflip_sweep(spong, l4);
}

/* ---- §9 production SCMP type 5 with a quoted traceroute ---- */
Test(scion_vec, jpan_prod_scmp)
{
	uint8_t pkt[PKT_MAX];
	size_t len = load(VEC("jpan-prod-scmp-extifdown.bin"), pkt, sizeof(pkt));
	cr_assert_eq(len, 300);
	struct scion_hdr h;
	parse_roundtrip(pkt, len, &h);
	cr_assert_eq(h.next_hdr, SCION_PROTO_SCMP);
	cr_assert_eq(h.hdr_len, 32);
	cr_assert_eq(h.payload_len, 172);
	cr_assert_eq(h.src_ia, IA(64, 6730));
	cr_assert_eq(h.dst_ia, IA(64, 0x000200000009ULL));
	assert_ipv4(&h.src, 10, 196, 8, 67);
	assert_ipv4(&h.dst, 129, 132, 230, 73);
	const struct scion_path *p = &h.path.scion;
	cr_assert_eq(p->curr_inf, 1);
	cr_assert_eq(p->curr_hf, 5);
	cr_assert_eq(p->seg_len[0], 4);
	cr_assert_eq(p->seg_len[1], 2);
	cr_assert_eq(p->inf[0].flags, SCION_INF_C);
	cr_assert_eq(p->inf[0].acc, 0x8a66);
	cr_assert_eq(p->inf[0].ts, 1733826915);
	cr_assert_eq(p->inf[1].flags, SCION_INF_C);
	cr_assert_eq(p->inf[1].acc, 0xb9aa);
	cr_assert_eq(p->inf[1].ts, 1733834393);
	assert_hop(&p->hf[0], p->hf[0].exp, 0, 20, "b06a4ce2beaa");
	assert_hop(&p->hf[1], p->hf[1].exp, 12, 16, "1c3ab95f97b5");
	assert_hop(&p->hf[2], p->hf[2].exp, 27, 10, "3547223fa9cb");
	assert_hop(&p->hf[3], p->hf[3].exp, 16, 0, "3fb5bf24741a");
	assert_hop(&p->hf[4], p->hf[4].exp, 0, 5, "b2f72e84b682");
	assert_hop(&p->hf[5], p->hf[5].exp, 1, 0, "8a26c63420e1");
	size_t hl = 128;
	struct scmp_msg m;
	cr_assert_eq(scmp_parse(pkt + hl, len - hl, &m), 0);
	cr_assert_eq(m.type, 5);
	cr_assert_eq(m.code, 0);
	cr_assert_eq(m.csum, 0x1053);
	cr_assert_eq(scion_l4_checksum(&h, SCION_PROTO_SCMP, pkt + hl, len - hl), 0);
	cr_assert_eq(m.u.ext_down.ia, IA(64, 6730));
	cr_assert_eq(m.u.ext_down.ifid, 27);
	cr_assert_eq(m.data_len, 152);
	/* The quoted packet. */
	struct scion_hdr q;
	cr_assert_eq(scion_parse(m.data, m.data_len, SCION_PARSE_PARTIAL, &q, NULL), 0);
	cr_assert_eq(q.src_ia, IA(64, 0x000200000009ULL));
	cr_assert_eq(q.dst_ia, IA(64, 3303));
	assert_ipv4(&q.dst, 1, 2, 3, 4);
	cr_assert_eq(q.next_hdr, SCION_PROTO_SCMP);
	const struct scion_path *qp = &q.path.scion;
	cr_assert_eq(qp->curr_inf, 1);
	cr_assert_eq(qp->curr_hf, 3);
	cr_assert_eq(qp->seg_len[0], 2);
	cr_assert_eq(qp->seg_len[1], 4);
	cr_assert_eq(qp->inf[0].flags, 0);
	cr_assert_eq(qp->inf[0].acc, 0x0b5d);
	cr_assert_eq(qp->inf[1].flags, 0);
	cr_assert_eq(qp->inf[1].acc, 0xbf21);
	cr_assert_eq(qp->hf[3].flags, SCION_HF_I);
	cr_assert_eq(qp->hf[3].cons_in, 27);
	cr_assert_eq(qp->hf[3].cons_eg, 10);
	size_t qhl = (size_t)q.hdr_len * 4;
	struct scmp_msg tr;
	cr_assert_eq(scmp_parse(m.data + qhl, m.data_len - qhl, &tr), 0);
	cr_assert_eq(tr.type, SCMP_TRACE_REQUEST);
	cr_assert_eq(tr.u.trace.id, 0x7918);
	cr_assert_eq(tr.u.trace.seq, 0x0174);
	cr_assert_eq(tr.u.trace.ia, 0);
	cr_assert_eq(tr.u.trace.ifid, 0);
	/* Reversal relations: mirrored SegLens, C flipped, hops reversed, pointer (0,2). */
	struct scion_path rp = *qp;
	cr_assert_eq(scion_path_reverse(&rp), 0);
	cr_assert_eq(rp.seg_len[0], 4);
	cr_assert_eq(rp.seg_len[1], 2);
	cr_assert_eq(rp.curr_inf, 0);
	cr_assert_eq(rp.curr_hf, 2);
	for (unsigned int i = 0; i < 6; i++) {
		cr_assert_eq(rp.hf[i].cons_in, p->hf[i].cons_in);
		cr_assert_eq(rp.hf[i].cons_eg, p->hf[i].cons_eg);
		cr_assert_arr_eq(rp.hf[i].mac, p->hf[i].mac, 6);
	}
	cr_assert_eq(rp.inf[0].flags & SCION_INF_C, SCION_INF_C);
	cr_assert_eq(rp.inf[1].flags & SCION_INF_C, SCION_INF_C);
	/* The reporting router's egress update (C=1): bf21 ^ 3547 = 8a66. */
	scion_acc_egress(&rp);
	cr_assert_eq(rp.inf[0].acc, 0x8a66);
	cr_assert_eq(scion_acc_step(0x0b5d, p->hf[4].mac), 0xb9aa);
	truncation_sweep(pkt, len);
}

/* Real-world 3-segment path (§9, PATH_RAW_UP_CORE_DOWN). */
Test(scion_vec, up_core_down_path)
{
	uint8_t b[128], out[128];
	size_t n =
	    unhex("000020c2 0000212666548645 000099ba665486c0 0100f536665486c0"
		  "003f0001000075d21196f598 003f00000005feccc87ba548 003f001e00004daa5d2aadae"
		  "003f00070005156ba73d7520 003f0000000353bb7ad33a91 003f00000006d2d643457502"
		  "003f0001000055c9146edb5a",
		  b, sizeof(b));
	cr_assert_eq(n, 112);
	struct scion_path p;
	cr_assert_eq(scion_path_parse(b, n, &p, NULL), 0);
	cr_assert_eq(p.seg_len[0], 2);
	cr_assert_eq(p.seg_len[1], 3);
	cr_assert_eq(p.seg_len[2], 2);
	cr_assert_eq(p.num_inf, 3);
	cr_assert_eq(p.num_hf, 7);
	cr_assert_eq(p.inf[0].flags, 0);
	cr_assert_eq(p.inf[1].flags, 0);
	cr_assert_eq(p.inf[2].flags, SCION_INF_C);
	cr_assert_eq(p.inf[0].acc, 0x2126);
	cr_assert_eq(p.inf[1].acc, 0x99ba);
	cr_assert_eq(p.inf[2].acc, 0xf536);
	assert_hop(&p.hf[2], 63, 30, 0, "4daa5d2aadae");
	struct wcur w = wcur_make(out, sizeof(out));
	cr_assert_eq(scion_path_encode(&p, &w), 0);
	cr_assert_arr_eq(out, b, n);
	cr_assert_eq(scion_path_seg_of(&p, 1), 0);
	cr_assert_eq(scion_path_seg_of(&p, 4), 1);
	cr_assert_eq(scion_path_seg_of(&p, 6), 2);
	cr_assert_eq(scion_path_seg_of(&p, 7), -1);
	for (size_t k = 0; k < n; k++)
		cr_assert_eq(scion_path_parse(b, k, &p, NULL), -EBADMSG);
}

/* ---- §10 checksum KATs ---- */
Test(scion_wire, checksum_kats)
{
	struct scion_hdr h = {0};
	h.src_ia = IA(1, 0xff0000000110ULL);
	h.dst_ia = IA(1, 0xff0000000112ULL);
	h.src = (struct scion_host){.type = SCION_HOST_IPV4, .len = 4, .addr = {174, 16, 4, 1}};
	h.dst = (struct scion_host){.type = SCION_HOST_IPV4, .len = 4, .addr = {172, 16, 4, 2}};
	const uint8_t l4[] = {0, 0, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
	cr_assert_eq(scion_l4_checksum(&h, 1, l4, 6), 0x2615);
	cr_assert_eq(scion_l4_checksum(&h, 1, l4, 7), 0x3813);
	h.dst = (struct scion_host){
	    .type = SCION_HOST_IPV6, .len = 16, .addr = {0xde, 0xad, [14] = 0xbe, [15] = 0xef}};
	cr_assert_eq(scion_l4_checksum(&h, 17, l4, 6), 0x387a);
	h.dst = (struct scion_host){.type = SCION_HOST_SVC, .len = 4, .addr = {0, 2, 0, 0}};
	cr_assert_eq(scion_l4_checksum(&h, 223, l4, 6), 0xd547);
	/* SCMP serialize KAT (header only) and with 15 x 0xff. */
	h.src_ia = IA(1, 0xff0000000001ULL);
	h.dst_ia = IA(1, 0xff0000000004ULL);
	h.src = (struct scion_host){.type = SCION_HOST_IPV4, .len = 4, .addr = {172, 16, 4, 3}};
	h.dst = (struct scion_host){.type = SCION_HOST_IPV4, .len = 4, .addr = {174, 16, 4, 1}};
	uint8_t s[19] = {5, 0, 0, 0};
	memset(s + 4, 0xff, 15);
	cr_assert_eq(scion_l4_checksum(&h, SCION_PROTO_SCMP, s, 4), 0x9a03);
	cr_assert_eq(scion_l4_checksum(&h, SCION_PROTO_SCMP, s, 19), 0x9af3);
}

/* ---- §11 address types ---- */
Test(scion_wire, address_types)
{
	cr_assert_eq(scion_host_len(0x0), 4);
	cr_assert_eq(scion_host_len(0x3), 16);
	cr_assert_eq(scion_host_len(0x4), 4);
	for (uint8_t t = 0; t < 16; t++)
		if (t != 0 && t != 3 && t != 4)
			cr_assert_eq(scion_host_len(t), 0, "nibble %u", t);
	uint8_t pkt[PKT_MAX];
	size_t len = load(VEC("scion-bfd.bin"), pkt, sizeof(pkt));
	struct scion_hdr h;
	const char *why = NULL;
	/* Nibble 0b0001 as the destination type: unknown. */
	pkt[9] = 0x10;
	cr_assert_eq(scion_parse(pkt, len, 0, &h, &why), -EBADMSG);
	cr_assert_str_eq(why, "unknown address type/length");
	/* SVC Wildcard as destination (T=1, L=0). */
	pkt[9] = 0x40;
	put_be16(pkt + 28, SCION_SVC_WILDCARD);
	put_be16(pkt + 30, 0);
	cr_assert_eq(scion_parse(pkt, len, 0, &h, NULL), 0);
	cr_assert_eq(h.dst.type, SCION_HOST_SVC);
	cr_assert_eq(get_be16(h.dst.addr), SCION_SVC_WILDCARD);
	char ia[32];
	scion_ia_format(IA(64, 6730), ia, sizeof(ia));
	cr_assert_str_eq(ia, "64-6730");
	scion_ia_format(IA(1, 0xff0000000110ULL), ia, sizeof(ia));
	cr_assert_str_eq(ia, "1-ff00:0:110");
	scion_ia_format(IA(2, 0xffffffffULL), ia, sizeof(ia));
	cr_assert_str_eq(ia, "2-4294967295");
	scion_ia_format(IA(2, 0x100000000ULL), ia, sizeof(ia));
	cr_assert_str_eq(ia, "2-1:0:0");
}

/* ---- §12 / V1: complete packet, router trace with real MACs, reply path ---- */
Test(scion_vec, derived_trace)
{
	uint8_t pkt[PKT_MAX], dest[PKT_MAX], out[PKT_MAX];
	size_t len = load(VEC("derived-up-down-udp.bin"), pkt, sizeof(pkt));
	size_t dl = load(VEC("derived-up-down-udp-at-dest.bin"), dest, sizeof(dest));
	cr_assert_eq(len, 124);
	cr_assert_eq(dl, 124);
	struct scion_hdr h, hd;
	parse_roundtrip(pkt, len, &h);
	parse_roundtrip(dest, dl, &hd);
	cr_assert_eq(h.flow, 0x12345);
	cr_assert_eq(h.next_hdr, 17);
	cr_assert_eq(h.hdr_len, 26);
	cr_assert_eq(h.payload_len, 20);
	cr_assert_eq(h.dst_ia, IA(1, 0xff0000000003ULL));
	cr_assert_eq(h.src_ia, IA(1, 0xff0000000002ULL));
	assert_ipv4(&h.dst, 192, 0, 2, 7);
	assert_ipv4(&h.src, 203, 0, 113, 6);
	struct scion_path *p = &h.path.scion;
	cr_assert_eq(p->inf[0].acc, 0x2dda);
	cr_assert_eq(p->inf[1].acc, 0x2222);
	cr_assert_eq(p->inf[0].ts, 1700000000);
	cr_assert_eq(p->inf[1].ts, 1700000100);
	assert_hop(&p->hf[0], 63, 1, 0, "85ef94fd1b6c");
	assert_hop(&p->hf[1], 63, 0, 2, "3ccb0e98cb2d");
	assert_hop(&p->hf[2], 63, 0, 3, "a3e05dc6021a");
	assert_hop(&p->hf[3], 63, 4, 0, "5519580c475e");
	struct scion_udp u;
	cr_assert_eq(scion_udp_parse(pkt + 104, 20, &u), 0);
	cr_assert_eq(u.sport, 52475);
	cr_assert_eq(u.dport, 443);
	cr_assert_eq(u.csum, 0xa628);
	cr_assert_eq(u.payload_len, 12);
	cr_assert_arr_eq(u.payload, "hello scion\n", 12);
	cr_assert_eq(udp_cksum_of(pkt, len, &h), 0);

	struct scion_mac k0, k1, k2;
	mac_init_hex(&k0, K0);
	mac_init_hex(&k1, K1);
	mac_init_hex(&k2, K2);
	/* Segment construction: β values and MACs of §12. */
	assert_mac(&k1, 0x1111, 1700000000, 63, 0, 2, "3ccb0e98cb2d");
	assert_mac(&k0, 0x2dda, 1700000000, 63, 1, 0, "85ef94fd1b6c");
	assert_mac(&k1, 0x2222, 1700000100, 63, 0, 3, "a3e05dc6021a");
	assert_mac(&k2, 0x81c2, 1700000100, 63, 4, 0, "5519580c475e");
	uint8_t up[1][6];
	unhex("3ccb0e98cb2d", up[0], 6);
	cr_assert_eq(scion_beta(0x1111, &up[0][0], 1), 0x2dda); /* C=0: Acc = β_{n-1} */

	/* R1: AS2, from internal, out i2a. */
	scion_acc_ingress(p, false);
	cr_assert_eq(p->inf[0].acc, 0x2dda);
	cr_assert_eq(scion_path_verify_current(&k0, p), 0);
	scion_acc_egress(p);
	cr_assert_eq(scion_path_next(p), 0);
	cr_assert(p->curr_inf == 0 && p->curr_hf == 1);
	/* R2: core ingress i1a, segment switch, verify the down hop. */
	cr_assert_eq(scion_path_verify_current(&k1, p), -EBADMSG); /* before the update */
	scion_acc_ingress(p, true);
	cr_assert_eq(p->inf[0].acc, 0x1111);
	cr_assert_eq(scion_path_verify_current(&k1, p), 0);
	cr_assert_eq(scion_path_next(p), 0);
	cr_assert(p->curr_inf == 1 && p->curr_hf == 2);
	cr_assert_eq(scion_path_verify_current(&k1, p), 0);
	/* R3: core egress i1b. */
	cr_assert_eq(scion_path_verify_current(&k1, p), 0);
	scion_acc_egress(p);
	cr_assert_eq(p->inf[1].acc, 0x81c2);
	cr_assert_eq(scion_path_next(p), 0);
	/* R4: AS3 ingress i3a, last hop. */
	scion_acc_ingress(p, true);
	cr_assert_eq(p->inf[1].acc, 0x81c2);
	cr_assert_eq(scion_path_verify_current(&k2, p), 0);
	cr_assert_eq(scion_path_next(p), -ERANGE);
	size_t n;
	cr_assert_eq(scion_encode(&h, out, sizeof(out), &n), 0);
	memcpy(out + n, pkt + n, len - n);
	cr_assert_arr_eq(out, dest, dl); /* V1 byte for byte */

	/* V1 decoded values. */
	const struct scion_path *dp = &hd.path.scion;
	cr_assert(dp->curr_inf == 1 && dp->curr_hf == 3);
	cr_assert_eq(dp->inf[0].acc, 0x1111);
	cr_assert_eq(dp->inf[1].acc, 0x81c2);
	cr_assert_eq(udp_cksum_of(dest, dl, &hd), 0);

	/* B's reply path, and it verifies through the same routers in reverse. */
	uint8_t want[128];
	size_t wl = unhex("00002080 000081c26553f164 010011116553f100"
			  "003f000400005519580c475e 003f00000003a3e05dc6021a"
			  "003f000000023ccb0e98cb2d 003f0001000085ef94fd1b6c",
			  want, sizeof(want));
	struct scion_path rp = hd.path.scion;
	cr_assert_eq(scion_path_reverse(&rp), 0);
	struct wcur w = wcur_make(out, sizeof(out));
	cr_assert_eq(scion_path_encode(&rp, &w), 0);
	cr_assert_eq(sizeof(out) - w.left, wl);
	cr_assert_arr_eq(out, want, wl);
	/* AS3 egress (from local, C=0), core ingress, switch, core egress, AS2 ingress. */
	scion_acc_ingress(&rp, false);
	cr_assert_eq(scion_path_verify_current(&k2, &rp), 0);
	cr_assert_eq(scion_path_next(&rp), 0);
	scion_acc_ingress(&rp, true);
	cr_assert_eq(scion_path_verify_current(&k1, &rp), 0);
	cr_assert_eq(scion_path_next(&rp), 0);
	cr_assert_eq(scion_path_verify_current(&k1, &rp), 0);
	scion_acc_egress(&rp);
	cr_assert_eq(scion_path_next(&rp), 0);
	scion_acc_ingress(&rp, true);
	cr_assert_eq(scion_path_verify_current(&k0, &rp), 0);
	cr_assert_eq(rp.inf[0].acc, 0x2222);
	cr_assert_eq(rp.inf[1].acc, 0x2dda);
	truncation_sweep(pkt, len);
	bitflip_sweep(pkt, len);
	scion_mac_deinit(&k0);
	scion_mac_deinit(&k1);
	scion_mac_deinit(&k2);
}

/* ---- peering rules (§2.5, §2.6) ---- */
Test(scion_mac, peering_hops)
{
	struct scion_path p = {.seg_len = {2, 2, 0}, .num_inf = 2, .num_hf = 4};
	p.inf[0] = (struct scion_info){.flags = SCION_INF_P, .acc = 0x15f2};
	p.inf[1] = (struct scion_info){.flags = SCION_INF_P | SCION_INF_C, .acc = 0x15f2};
	for (unsigned int i = 0; i < 4; i++)
		memset(p.hf[i].mac, (int)(0x11 * (i + 1)), 6);
	cr_assert(scion_path_peering_ok(&p));
	cr_assert_not(scion_path_is_peer_hop(&p)); /* hop 0 */
	scion_acc_ingress(&p, true);		   /* C=0, external, not peer: updates */
	cr_assert_eq(p.inf[0].acc, 0x15f2 ^ 0x1111);
	p.inf[0].acc = 0x15f2;
	p.curr_hf = 1;
	cr_assert(scion_path_is_peer_hop(&p));
	scion_acc_ingress(&p, true);
	cr_assert_eq(p.inf[0].acc, 0x15f2);
	p.curr_inf = 1;
	p.curr_hf = 2;
	cr_assert(scion_path_is_peer_hop(&p));
	scion_acc_egress(&p);
	cr_assert_eq(p.inf[1].acc, 0x15f2);
	p.curr_hf = 3;
	cr_assert_not(scion_path_is_peer_hop(&p));
	scion_acc_egress(&p);
	cr_assert_eq(p.inf[1].acc, 0x15f2 ^ 0x4444);
	/* Three segments, or no P flag: never a peer hop. */
	p.curr_hf = 2;
	p.inf[1].flags = SCION_INF_C;
	cr_assert_not(scion_path_is_peer_hop(&p));
	p.seg_len[2] = 1;
	cr_assert_not(scion_path_peering_ok(&p));
	/* C=0 from a local host: no update. */
	struct scion_path q = {.seg_len = {2}, .num_inf = 1, .num_hf = 2};
	q.inf[0].acc = 7;
	q.hf[0].mac[0] = 0xff;
	scion_acc_ingress(&q, false);
	scion_acc_egress(&q);
	cr_assert_eq(q.inf[0].acc, 7);
}

/* ---- expiry ---- */
Test(scion_mac, expiry)
{
	cr_assert_eq(scion_hop_expiry_ms(0, 0), 337500);
	cr_assert_eq(scion_hop_expiry_ms(0, 63), 6ULL * 3600 * 1000);
	cr_assert_eq(scion_hop_expiry_ms(0, 255), 24ULL * 3600 * 1000);
	cr_assert_eq(scion_hop_expiry_ms(UINT32_MAX, 255),
		     (uint64_t)UINT32_MAX * 1000 + 86400000ULL);
	struct scion_path p = {.seg_len = {2, 1, 0}, .num_inf = 2, .num_hf = 3};
	p.inf[0].ts = 1000;
	p.inf[1].ts = 500;
	p.hf[0].exp = 10;
	p.hf[1].exp = 3;
	p.hf[2].exp = 9;
	/* min(1000 s + 4 x 337.5, 500 s + 10 x 337.5) */
	cr_assert_eq(scion_path_expiry_ms(&p), 1000000 + 4 * 337500);
	p.hf[2].exp = 0;
	cr_assert_eq(scion_path_expiry_ms(&p), 500000 + 337500);
	p.curr_hf = 2;
	p.curr_inf = 1;
	cr_assert_not(scion_path_current_expired(&p, 500000 + 337500));
	cr_assert(scion_path_current_expired(&p, 500000 + 337501));
	struct scion_path bad = {0};
	cr_assert_eq(scion_path_expiry_ms(&bad), 0);
}

/* ---- SCMP: every type of §5.2 round-trips ---- */
Test(scion_wire, scmp_all_types)
{
	const uint8_t data[5] = {1, 2, 3, 4, 5};
	struct scmp_msg ms[10] = {0};
	ms[0] = (struct scmp_msg){.type = SCMP_DEST_UNREACH, .code = 4};
	ms[1] = (struct scmp_msg){.type = SCMP_PKT_TOO_BIG, .u.too_big.mtu = 1280};
	ms[2] = (struct scmp_msg){.type = SCMP_PARAM_PROBLEM, .code = 51, .u.param.pointer = 52};
	ms[3] = (struct scmp_msg){.type = SCMP_EXT_IF_DOWN, .u.ext_down = {IA(1, 2), 1ULL << 40}};
	ms[4] = (struct scmp_msg){.type = SCMP_INT_CONN_DOWN, .u.int_down = {IA(1, 3), 4, 5}};
	ms[5] = (struct scmp_msg){.type = SCMP_ECHO_REQUEST, .u.echo = {0x1234, 7}};
	ms[6] = (struct scmp_msg){.type = SCMP_ECHO_REPLY, .u.echo = {0x1234, 8}};
	ms[7] = (struct scmp_msg){.type = SCMP_TRACE_REQUEST, .u.trace = {1, 2, 0, 0}};
	ms[8] = (struct scmp_msg){.type = SCMP_TRACE_REPLY, .u.trace = {1, 2, IA(7, 8), 9}};
	ms[9] = (struct scmp_msg){.type = 200, .code = 1}; /* unknown informational */
	const size_t info[10] = {4, 4, 4, 16, 24, 4, 4, 20, 20, 0};
	for (size_t i = 0; i < ARRAY_SIZE(ms); i++) {
		ms[i].data = data;
		ms[i].data_len = sizeof(data);
		ms[i].csum = 0xbeef;
		uint8_t buf[64];
		struct wcur w = wcur_make(buf, sizeof(buf));
		cr_assert_eq(scmp_len(&ms[i]), 4 + info[i] + 5);
		cr_assert_eq(scmp_encode(&ms[i], &w), 0);
		size_t n = sizeof(buf) - w.left;
		cr_assert_eq(n, scmp_len(&ms[i]));
		struct scmp_msg m;
		cr_assert_eq(scmp_parse(buf, n, &m), 0);
		cr_assert_eq(m.type, ms[i].type);
		cr_assert_eq(m.code, ms[i].code);
		cr_assert_eq(m.csum, 0xbeef);
		cr_assert_arr_eq(&m.u, &ms[i].u, sizeof(m.u));
		cr_assert_eq(m.data_len, 5);
		cr_assert_arr_eq(m.data, data, 5);
		for (size_t k = 0; k < 4 + info[i]; k++)
			cr_assert_eq(scmp_parse(buf, k, &m), -EBADMSG);
		cr_assert_eq(scmp_is_error(ms[i].type), i < 5);
	}
	struct scmp_msg bad = {.type = SCMP_ECHO_REQUEST, .data_len = 3};
	uint8_t buf[16];
	struct wcur w = wcur_make(buf, sizeof(buf));
	cr_assert_eq(scmp_encode(&bad, &w), -EINVAL);
}

/* ---- inconsistent lengths and invalid paths ---- */
static int parse_mod(const uint8_t *src, size_t len, size_t off, uint8_t val, const char **why)
{
	uint8_t b[PKT_MAX];
	struct scion_hdr h;
	memcpy(b, src, len);
	b[off] = val;
	return scion_parse(b, len, 0, &h, why);
}

Test(scion_wire, inconsistent_lengths)
{
	uint8_t pkt[PKT_MAX];
	size_t len = load(VEC("derived-up-down-udp.bin"), pkt, sizeof(pkt));
	const char *why = NULL;
	/* HdrLen 26 -> 25 / 27, PayloadLen 20 -> 19 / 21. */
	cr_assert_eq(parse_mod(pkt, len, 5, 25, &why), -EBADMSG);
	cr_assert_eq(parse_mod(pkt, len, 5, 27, &why), -EBADMSG);
	cr_assert_eq(parse_mod(pkt, len, 5, 6, &why), -EBADMSG);
	cr_assert_str_eq(why, "HdrLen shorter than common + address header");
	cr_assert_eq(parse_mod(pkt, len, 5, 255, &why), -EBADMSG);
	cr_assert_str_eq(why, "HdrLen beyond the end of the packet");
	cr_assert_eq(parse_mod(pkt, len, 7, 19, &why), -EBADMSG);
	cr_assert_str_eq(why, "PayloadLen does not match the octets after the header");
	cr_assert_eq(parse_mod(pkt, len, 7, 21, &why), -EBADMSG);
	/* Version 1. */
	cr_assert_eq(parse_mod(pkt, len, 0, 0x10, &why), -EBADMSG);
	cr_assert_str_eq(why, "version is not 0");
	/* Path types: Empty with path octets, OneHop with 68 octets, COLIBRI, 9. */
	cr_assert_eq(parse_mod(pkt, len, 8, 0, &why), -EBADMSG);
	cr_assert_eq(parse_mod(pkt, len, 8, 2, &why), -EBADMSG);
	cr_assert_eq(parse_mod(pkt, len, 8, 4, &why), -EPROTONOSUPPORT);
	cr_assert_eq(parse_mod(pkt, len, 8, 9, &why), -EPROTONOSUPPORT);
	cr_assert_eq(parse_mod(pkt, len, 8, 3, &why), -EBADMSG); /* EPIC: too short */
	/* Address type IPv6 dst with the same HdrLen: the path no longer fits. */
	cr_assert_eq(parse_mod(pkt, len, 9, 0x30, &why), -EBADMSG);
	/* PathMeta at byte 36: SegLen [2,0,2] (gap), [2,2,2] (length), [0,0,0] (empty). */
	uint8_t b[PKT_MAX];
	struct scion_hdr h;
	memcpy(b, pkt, len);
	put_be32(b + 36, 0x00002002);
	cr_assert_eq(scion_parse(b, len, 0, &h, &why), -EBADMSG);
	put_be32(b + 36, 0x00002082);
	cr_assert_eq(scion_parse(b, len, 0, &h, &why), -EBADMSG);
	cr_assert_str_eq(why, "path length does not match the SegLens");
	put_be32(b + 36, 0);
	cr_assert_eq(scion_parse(b, len, 0, &h, &why), -EBADMSG);
	/* CurrHF outside its segment, CurrINF past NumINF, CurrHF past NumHF. */
	put_be32(b + 36, 0x02002080); /* CurrINF 0, CurrHF 2 */
	cr_assert_eq(scion_parse(b, len, 0, &h, &why), -EBADMSG);
	cr_assert_str_eq(why, "CurrHF not in segment CurrINF");
	put_be32(b + 36, 0x80002080);
	cr_assert_eq(scion_parse(b, len, 0, &h, &why), -EBADMSG);
	put_be32(b + 36, 0x44002080);
	cr_assert_eq(scion_parse(b, len, 0, &h, &why), -EBADMSG);
	/* Valid pointers and RSV bits survive a round trip. */
	put_be32(b + 36, 0x42fc2080);
	cr_assert_eq(scion_parse(b, len, 0, &h, &why), 0);
	cr_assert_eq(h.path.scion.rsv, 0x3f);
	uint8_t out[256];
	size_t n;
	cr_assert_eq(scion_encode(&h, out, sizeof(out), &n), 0);
	cr_assert_arr_eq(out, b, n);
	/* Encoder refuses inconsistent structs. */
	struct scion_hdr e = h;
	e.hdr_len++;
	cr_assert_eq(scion_encode(&e, out, sizeof(out), &n), -EINVAL);
	e = h;
	e.path.scion.seg_len[1] = 3;
	cr_assert_eq(scion_encode(&e, out, sizeof(out), &n), -EINVAL);
	e = h;
	e.flow = 0x100000;
	cr_assert_eq(scion_encode(&e, out, sizeof(out), &n), -EINVAL);
	e = h;
	e.dst.type = 1;
	cr_assert_eq(scion_encode(&e, out, sizeof(out), &n), -EINVAL);
	e = h;
	e.path_type = SCION_PATH_COLIBRI;
	cr_assert_eq(scion_encode(&e, out, sizeof(out), &n), -EINVAL);
	e = h;
	e.path.scion.curr_hf = 0; /* CurrINF is 1 */
	cr_assert_eq(scion_path_reverse(&e.path.scion), -EINVAL);
	cr_assert_eq(scion_hdr_reverse(&e), -EINVAL);
	e.path_type = 9;
	cr_assert_eq(scion_hdr_reverse(&e), -EINVAL);
	/* Finalize: a header longer than 1020 octets is refused. */
	e = h;
	e.path.scion.seg_len[0] = 63;
	e.path.scion.seg_len[1] = 1;
	e.path.scion.num_hf = 64;
	cr_assert_eq(scion_hdr_finalize(&e, 0), 0); /* 12+24+4+16+768 = 824 */
	e.dst = (struct scion_host){.type = SCION_HOST_IPV6, .len = 16};
	e.src = e.dst;
	cr_assert_eq(scion_hdr_finalize(&e, 0), 0);
	cr_assert_eq(scion_hdr_finalize(&e, 65536), -EINVAL);
	/* Sum of SegLens above 64 is refused by the path parser. */
	uint8_t big[4 + 24 + 65 * 12] = {0};
	put_be32(big, 63U << 12 | 1U << 6 | 1U);
	cr_assert_eq(scion_path_parse(big, sizeof(big), &h.path.scion, &why), -EBADMSG);
	cr_assert_eq(scion_path_next(&h.path.scion), -ERANGE);
}
