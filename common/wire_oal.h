/* SPDX-License-Identifier: MIT */
/*
 * wire_oal.h - the OMNI Adaptation Layer (OAL) fragment codec, the Fletcher-16
 * trailer (spec/omni-aero.md §3.2-3.4) and the sender's fragmentation rule of
 * the omnid profile (§3.5, vectors/omni 07a-07d). Pure functions: no state,
 * no allocation, no logging; decoded structs point into the caller's bytes.
 * Reassembly lives in oal_reasm.h.
 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "omni_wire.h"
#include "util.h"

/** One decoded OAL fragment: IPv6 header (NH 44) + Fragment header + data. */
struct oal_frag {
	uint8_t tc;    /* IPv6 Traffic Class */
	uint32_t flow; /* 20-bit Flow Label */
	uint8_t hop_limit;
	struct in6_addr src, dst;
	uint8_t nh;	     /* Fragment header Next Header: 41 or 4 */
	uint16_t offset;     /* in octets (wire value << 3) */
	bool more;	     /* M flag */
	uint32_t id;	     /* Identification */
	const uint8_t *data; /* fragment data (points into the decoded input) */
	size_t data_len;
};

/** An atomic fragment (RFC 6946): offset 0 and M clear; it bypasses reassembly. */
static inline bool oal_frag_is_atomic(const struct oal_frag *f)
{
	return f->offset == 0 && !f->more;
}

/**
 * Decode the OAL fragment in @p (@n bytes, the whole UDP payload of a plain
 * carrier or the plaintext of a secured one) into @out. @out->data points
 * into @p.
 * Checks: Version 6, Next Header 44, Payload Length == @n - 40 exactly (the
 * field is never trusted beyond @n), at least one data octet.
 * The Fragment header's Reserved octet and its two Res bits are accepted and
 * ignored, as RFC 8200 §4.5 requires of receivers. The hop limit is reported,
 * not judged (a forwarder drops at 0, the final OAL destination does not care).
 * Returns 0, -EBADMSG (malformed) or -EPROTO (Fragment Next Header not 41/4).
 */
int wire_oal_decode(const uint8_t *p, size_t n, struct oal_frag *out) WUR;

/**
 * Write the 48-octet OAL IPv6 + Fragment header for @f into @out. Payload
 * Length is 8 + @f->data_len; @f->data is not read. The Flow Label is masked
 * to 20 bits; Reserved and Res are written as 0. @f->offset must be a
 * multiple of 8 and 8 + data_len must fit 16 bits (programmer errors abort).
 */
void wire_oal_encode_hdr(uint8_t out[OAL_HDR_LEN], const struct oal_frag *f);

/**
 * Fletcher-16 (RFC 1146 8-bit Fletcher, spec §3.4 [P]) of @p: A = sum of the
 * octets mod 255, B = sum of the running A values mod 255, both in 0..254.
 * Returns (B << 8) | A, sent big-endian as the OAL trailer. Bit-identical to
 * the per-octet definition (all-0xff input gives 0x0000, vector 08d).
 */
uint16_t oal_fletcher16(const uint8_t *p, size_t n);

/*
 * Fragmentation, omnid profile (spec §3.5, oal_frag.c).
 *
 * The fragmentable part ("payload") is the inner packet followed by the
 * 2-octet big-endian Fletcher-16 trailer when @checksum is set ([omni]
 * oal_checksum = yes, the default), or the inner packet alone when it is not.
 * If 48 + payload <= oal_max the packet goes as one atomic fragment (offset 0,
 * M 0). Otherwise every fragment but the last carries exactly
 * F = round_down_8(oal_max - 48) octets and the last the rest. @oal_max is the
 * largest whole OAL fragment (header included) the path allows: the carrier
 * payload budget on plain paths, budget - 32 on secured ones. Values above
 * 40 + 65535 are treated as 40 + 65535 (the Payload Length field limit).
 */

/** What the sender knows about one OAL packet (all fragments share it). */
struct oal_tx {
	struct in6_addr src, dst; /* OAL source / destination (ULAs) */
	uint8_t tc, hop_limit;
	uint8_t nh;    /* 41 (inner IPv6) or 4 (inner IPv4) */
	uint32_t flow; /* 20-bit Flow Label */
	uint32_t id;   /* Identification: the caller's per-(src, dst) counter */
	bool checksum; /* append the Fletcher-16 trailer (oal_checksum) */
};

/** F for @oal_max: round_down_8(oal_max - 48), 0 when oal_max < 56. */
size_t oal_frag_data_max(size_t oal_max);

/**
 * Number of fragments for an inner packet of @inner_len octets (payload =
 * @inner_len + 2 when @checksum). Returns 0 when the packet cannot be sent:
 * @inner_len is 0, it needs fragmenting but F is below the 256-octet minimum
 * a receiver accepts for non-final fragments (OAL_MIN_NONFINAL_FRAG, §3.5),
 * or the last fragment's offset would not fit the 13-bit Offset field.
 */
size_t oal_frag_count(size_t inner_len, bool checksum, size_t oal_max);

/**
 * Write fragment @idx (0-based) of the packet into @out (@cap octets): the
 * 48-octet header from @tx plus the matching slice of (inner || trailer_be16).
 * @trailer is the caller's oal_fletcher16(inner, inner_len) and is ignored
 * when !@tx->checksum. Reads @inner, never writes it.
 * Returns the fragment length, -EINVAL (@idx >= oal_frag_count(), or the
 * count is 0) or -ENOSPC (@cap too small).
 */
ssize_t oal_frag_build(const struct oal_tx *tx, const uint8_t *inner, size_t inner_len,
		       uint16_t trailer, size_t oal_max, size_t idx, uint8_t *out, size_t cap) WUR;
