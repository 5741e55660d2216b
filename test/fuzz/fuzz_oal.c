// SPDX-License-Identifier: MIT
/*
 * fuzz_oal.c - libFuzzer target for the OAL codec and reassembler. The whole
 * input is decoded as one OAL fragment; then it is read as a config octet
 * followed by records that feed a small reassembler (tiny memory caps and
 * pool, so eviction and exhaustion paths run): raw fragments, synthesized
 * fragments (encode -> decode -> input, any offset/length/flags), whole
 * datagrams built with oal_frag_build and fed permuted, duplicated, partly
 * dropped or corrupted, and clock/flush events. Asserts: encode/decode agree,
 * delivered packets pass the inner checks, clean datagrams either arrive
 * intact or are accounted as a drop, and all memory is back after flushing.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "ipv6.h"
#include "oal_reasm.h"
#include "pbuf.h"
#include "wire_oal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEADROOM 32

struct fz {
	struct cur in;
	struct oal_reasm *r;
	struct pbuf_pool *pool;
	struct oal_reasm_acct acct[2];
	uint64_t now;
	bool checksum;
	size_t mtu;
};

static uint64_t drop_total(const struct oal_reasm *r)
{
	struct oal_reasm_stats s;
	oal_reasm_stats(r, &s);
	return s.timeout + s.overlap + s.bad_size + s.too_big + s.mem_peer_drop + s.mem_total_drop +
	       s.bad_checksum + s.bad_inner_len + s.no_buffer + s.flushed;
}

enum { FED_NOTHING, FED_MATCH, FED_OTHER };

/* Feed one decoded fragment; FED_MATCH if a packet equal to @want (any
 * packet if @want is NULL) was delivered, FED_OTHER if a different one was. */
static int feed(struct fz *z, const struct oal_frag *f, unsigned who, const uint8_t *want,
		size_t want_len)
{
	struct pbuf *out = NULL;
	size_t il;
	uint8_t nh;

	if (oal_frag_is_atomic(f)) {
		if (oal_reasm_atomic(z->r, f, &il) == 0) {
			OMNI_ASSERT(ipv6_inner_len(f->data, il, &nh) == 0 && nh == f->nh);
			return !want || (il == want_len && !memcmp(f->data, want, il)) ? FED_MATCH
										       : FED_OTHER;
		}
		return FED_NOTHING;
	}
	int rc = oal_reasm_input(z->r, &z->acct[who & 1], f, z->now, &out);
	OMNI_ASSERT(rc != -EINVAL);
	if (!out)
		return FED_NOTHING;
	OMNI_ASSERT(rc == 0);
	OMNI_ASSERT(out->len <= z->mtu);
	OMNI_ASSERT(ipv6_inner_len(out->head, out->len, &nh) == 0 && nh == out->meta_u64);
	bool ok = !want || (out->len == want_len && !memcmp(out->head, want, want_len));
	pbuf_free(out);
	return ok ? FED_MATCH : FED_OTHER;
}

static void rec_raw(struct fz *z)
{
	uint16_t len;
	struct oal_frag f;
	uint8_t who;

	cur_u8(&z->in, &who);
	cur_be16(&z->in, &len);
	size_t l = MIN((size_t)len, z->in.left);
	const uint8_t *p = cur_bytes(&z->in, l);
	if (!p || wire_oal_decode(p, l, &f) < 0)
		return;
	feed(z, &f, who, NULL, 0);
}

static void rec_synth(struct fz *z)
{
	static uint8_t pkt[OAL_HDR_LEN + 0x10000];
	uint8_t flags, id, dt;
	uint16_t off, len;
	struct oal_frag f = {0}, g;

	cur_u8(&z->in, &flags);
	cur_u8(&z->in, &id);
	cur_be16(&z->in, &off);
	cur_be16(&z->in, &len);
	cur_u8(&z->in, &dt);
	if (z->in.bad)
		return;
	z->now += dt;
	f.nh = flags & 2 ? OAL_NH_IPV4 : OAL_NH_IPV6;
	f.more = flags & 1;
	f.offset = (uint16_t)(off & 0xfff8);
	f.id = id;
	f.hop_limit = 16;
	f.src.s6_addr[15] = (uint8_t)(flags >> 4 & 1);
	f.tc = flags;
	f.data_len = MIN((size_t)len % 0x2400 + 1, 0xffffu - OAL_FRAG_HDR_LEN);
	wire_oal_encode_hdr(pkt, &f);
	/* data: input bytes if there are enough, else a pattern */
	const uint8_t *src = z->in.left >= f.data_len ? cur_bytes(&z->in, f.data_len) : NULL;
	for (size_t i = 0; i < f.data_len; i++)
		pkt[OAL_HDR_LEN + i] = src ? src[i] : (uint8_t)(i + id);
	OMNI_ASSERT(wire_oal_decode(pkt, OAL_HDR_LEN + f.data_len, &g) == 0);
	OMNI_ASSERT(g.offset == f.offset && g.more == f.more && g.id == f.id &&
		    g.data_len == f.data_len && g.nh == f.nh && g.tc == f.tc &&
		    !memcmp(&g.src, &f.src, sizeof(g.src)));
	feed(z, &g, flags >> 2, NULL, 0);
}

static void rec_datagram(struct fz *z, uint32_t seq)
{
	static uint8_t inner[OMNI_MTU_DEFAULT];
	static uint8_t frag[64][OAL_HDR_LEN + 0x2400];
	static const size_t maxes[] = {304, 548, 1232, 1280, 1452, 8000, 9300, 100};
	uint16_t ilen;
	uint8_t sel, perm, mask, corrupt, who;
	size_t order[128], no = 0, flen[64];

	cur_be16(&z->in, &ilen);
	cur_u8(&z->in, &sel);
	cur_u8(&z->in, &perm);
	cur_u8(&z->in, &mask);
	cur_u8(&z->in, &corrupt);
	cur_u8(&z->in, &who);
	if (z->in.bad)
		return;
	size_t n = (size_t)ilen % z->mtu + 1, oal_max = maxes[sel & 7];
	bool v4 = n <= 40 || (sel & 8);
	for (size_t i = 0; i < n; i++)
		inner[i] = (uint8_t)(i * 31 + seq);
	if (v4 && n >= 20) {
		inner[0] = 0x45;
		put_be16(inner + 2, (uint16_t)n);
	} else if (!v4) {
		inner[0] = 0x60;
		put_be16(inner + 4, (uint16_t)(n - 40));
	}
	struct oal_tx tx = {.hop_limit = 16,
			    .nh = v4 ? OAL_NH_IPV4 : OAL_NH_IPV6,
			    .id = 0x80000000u | seq,
			    .checksum = z->checksum};
	tx.src.s6_addr[15] = who & 1;
	size_t count = oal_frag_count(n, z->checksum, oal_max);
	if (count == 0 || count > 64)
		return;
	uint16_t tr = oal_fletcher16(inner, n);
	for (size_t i = 0; i < count; i++) {
		ssize_t l = oal_frag_build(&tx, inner, n, tr, oal_max, i, frag[i], sizeof(frag[i]));
		OMNI_ASSERT(l > 0 && (size_t)l <= oal_max);
		flen[i] = (size_t)l;
	}
	/* order: rotate by perm, reverse if bit 7; mask bit k drops every fragment
	 * with i % 8 == k when bit 6 of sel is set, else duplicates it */
	for (size_t i = 0; i < count; i++) {
		size_t k = (i + perm) % count;
		order[no++] = perm & 0x80 ? count - 1 - k : k;
	}
	bool drop = sel & 0x40, clean = !corrupt && !(drop && mask);
	if (!drop) {
		for (size_t i = 0; i < count && no < ARRAY_SIZE(order); i++)
			if (mask >> (i % 8) & 1)
				order[no++] = i;
	}
	if (corrupt) {
		size_t i = corrupt % count;
		frag[i][OAL_HDR_LEN + (corrupt * 7u) % (flen[i] - OAL_HDR_LEN)] ^= corrupt;
	}
	uint64_t before = drop_total(z->r);
	bool got = false, other = false;
	for (size_t k = 0; k < no; k++) {
		struct oal_frag f;
		size_t i = order[k];
		if (drop && mask >> (i % 8) & 1)
			continue;
		if (wire_oal_decode(frag[i], flen[i], &f) < 0)
			continue;
		int rc = feed(z, &f, who, corrupt ? NULL : inner, n);
		got |= rc == FED_MATCH;
		other |= rc == FED_OTHER;
	}
	/* A clean datagram with a unique id arrives intact unless something was
	 * dropped and counted (memory, pool, an interfering raw fragment), or a
	 * raw record planted a fragment under the same key whose data was used
	 * (only then can another packet come out). Inner packets shorter than an
	 * IPv4 header are invalid by construction. */
	if (clean && n >= 20 && !got)
		OMNI_ASSERT(drop_total(z->r) > before || oal_reasm_pending(z->r) > 0 || other);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct oal_frag f;
	struct fz z = {.in = cur_make(data, size)};
	uint8_t cfgb, op;
	size_t il;
	uint32_t seq = 0;

	/* 1. the input as one OAL fragment */
	if (wire_oal_decode(data, size, &f) == 0) {
		OMNI_ASSERT(f.data_len == size - OAL_HDR_LEN && f.data == data + OAL_HDR_LEN);
		uint8_t hdr[OAL_HDR_LEN];
		wire_oal_encode_hdr(hdr, &f);
		OMNI_ASSERT(!memcmp(hdr, data, 41) && !memcmp(hdr + 44, data + 44, 4));
		if (oal_frag_is_atomic(&f) && oal_atomic_check(&f, true, &il) == 0)
			OMNI_ASSERT(il + 2 == f.data_len);
	}

	/* 2. records against a small reassembler */
	if (!cur_u8(&z.in, &cfgb))
		return 0;
	z.checksum = !(cfgb & 1);
	z.mtu = cfgb & 2 ? 1500 : OMNI_MTU_DEFAULT;
	size_t bufsize = HEADROOM + z.mtu + 2;
	z.pool = pbuf_pool_new(bufsize, HEADROOM, 2 + (cfgb >> 2 & 7));
	struct oal_reasm_cfg cfg = {.mtu = z.mtu,
				    .checksum = z.checksum,
				    .timeout_ms = 10000,
				    .mem_peer = bufsize * (1 + (cfgb >> 5 & 3)),
				    .mem_total = bufsize * (1 + (cfgb >> 5 & 7))};
	z.r = oal_reasm_new(&cfg, z.pool);

	while (cur_u8(&z.in, &op)) {
		switch (op & 7) {
		case 0:
		case 1:
			rec_raw(&z);
			break;
		case 2:
		case 3:
			rec_synth(&z);
			break;
		case 4:
		case 5:
			rec_datagram(&z, seq++);
			break;
		case 6:
			z.now += (uint64_t)(op >> 3) * 1000;
			oal_reasm_expire(z.r, z.now);
			break;
		default:
			oal_reasm_flush_acct(z.r, &z.acct[op >> 3 & 1]);
			OMNI_ASSERT(z.acct[op >> 3 & 1].mem == 0);
			break;
		}
		OMNI_ASSERT(oal_reasm_mem(z.r) == z.acct[0].mem + z.acct[1].mem);
		OMNI_ASSERT(oal_reasm_mem(z.r) <= cfg.mem_total);
		OMNI_ASSERT(z.acct[0].mem <= cfg.mem_peer && z.acct[1].mem <= cfg.mem_peer);
	}

	oal_reasm_flush_acct(z.r, &z.acct[0]);
	oal_reasm_flush_acct(z.r, &z.acct[1]);
	OMNI_ASSERT(oal_reasm_mem(z.r) == 0 && oal_reasm_pending(z.r) == 0);
	OMNI_ASSERT(z.acct[0].mem == 0 && z.acct[0].entries == 0);
	OMNI_ASSERT(z.acct[1].mem == 0 && z.acct[1].entries == 0);
	oal_reasm_free(z.r);
	struct pbuf_pool_stats ps;
	pbuf_pool_stats(z.pool, &ps);
	OMNI_ASSERT(ps.in_use == 0);
	pbuf_pool_free(z.pool);
	return 0;
}
