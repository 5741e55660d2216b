// SPDX-License-Identifier: MIT
/*
 * oal_frag.c - the OAL source's fragmentation rule of the omnid profile
 * (spec/omni-aero.md §3.5; vectors/omni 07a, 07b, 07d). Pure: computes the
 * fragment layout and writes one fragment at a time into caller memory; it
 * never chooses an Identification or allocates.
 */
#include "wire_oal.h"

#include <errno.h>
#include <string.h>
#include "cursor.h"

/* Payload Length is 16 bits, so no OAL fragment exceeds 40 + 65535 octets. */
#define OAL_FRAG_MAX_TOTAL ((size_t)OAL_IPV6_HDR_LEN + 0xffff)
/* Largest offset the 13-bit Fragment Offset field (8-octet units) can hold. */
#define OAL_OFFSET_MAX 0xfff8U

static size_t clamp_max(size_t oal_max)
{
	return MIN(oal_max, OAL_FRAG_MAX_TOTAL);
}

size_t oal_frag_data_max(size_t oal_max)
{
	oal_max = clamp_max(oal_max);
	if (oal_max < OAL_HDR_LEN + 8)
		return 0;
	return (oal_max - OAL_HDR_LEN) & ~(size_t)7;
}

size_t oal_frag_count(size_t inner_len, bool checksum, size_t oal_max)
{
	size_t payload, f, count;

	/* Anything larger cannot be described by 13-bit offsets anyway; this
	 * also keeps the additions below far from overflow. */
	if (inner_len == 0 || inner_len > 2 * OAL_FRAG_MAX_TOTAL)
		return 0;
	payload = inner_len + (checksum ? OAL_TRAILER_LEN : 0);
	if (OAL_HDR_LEN + payload <= clamp_max(oal_max))
		return 1;
	/* Receivers drop non-final fragments under 256 octets (§3.5), so a
	 * smaller F would produce packets that can never be reassembled. */
	f = oal_frag_data_max(oal_max);
	if (f < OAL_MIN_NONFINAL_FRAG)
		return 0;
	count = (payload + f - 1) / f;
	if ((count - 1) * f > OAL_OFFSET_MAX)
		return 0;
	return count;
}

ssize_t oal_frag_build(const struct oal_tx *tx, const uint8_t *inner, size_t inner_len,
		       uint16_t trailer, size_t oal_max, size_t idx, uint8_t *out, size_t cap)
{
	size_t count = oal_frag_count(inner_len, tx->checksum, oal_max);
	size_t payload = inner_len + (tx->checksum ? OAL_TRAILER_LEN : 0);
	size_t off, len, end;
	uint8_t tb[OAL_TRAILER_LEN];
	uint8_t *d;

	if (idx >= count)
		return -EINVAL;
	if (count == 1) {
		off = 0;
		len = payload;
	} else {
		size_t f = oal_frag_data_max(oal_max);

		off = idx * f;
		len = idx == count - 1 ? payload - off : f;
	}
	if (cap < OAL_HDR_LEN + len)
		return -ENOSPC;

	struct oal_frag hdr = {
	    .tc = tx->tc,
	    .flow = tx->flow,
	    .hop_limit = tx->hop_limit,
	    .src = tx->src,
	    .dst = tx->dst,
	    .nh = tx->nh,
	    .offset = (uint16_t)off,
	    .more = idx + 1 < count,
	    .id = tx->id,
	    .data_len = len,
	};
	wire_oal_encode_hdr(out, &hdr);

	/* The slice [off, off + len) of inner || trailer; the trailer may
	 * straddle two fragments. */
	d = out + OAL_HDR_LEN;
	end = off + len;
	if (off < inner_len) {
		size_t n = MIN(end, inner_len) - off;

		memcpy(d, inner + off, n);
		d += n;
	}
	put_be16(tb, trailer);
	for (size_t i = MAX(off, inner_len); i < end; i++)
		*d++ = tb[i - inner_len];
	return (ssize_t)(OAL_HDR_LEN + len);
}
