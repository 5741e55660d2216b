/* SPDX-License-Identifier: MIT */
/*
 * oal_reasm.h - OAL reassembly at the OAL destination, omnid profile
 * (spec/omni-aero.md §3.5): datagrams keyed by (OAL src, OAL dst,
 * Identification) in a keyed hash table, fragment coverage kept in two
 * fixed-size bitmaps of 8-octet units per datagram, data gathered in one
 * pool pbuf per datagram. Memory is capped per neighbor (struct
 * oal_reasm_acct, embedded by the caller) and globally; under pressure the
 * oldest datagram is dropped. Time is injected (now_ms), so the module is
 * pure and has no timers. Not thread-safe: one reassembler per loop thread.
 * It never mallocs per packet: entries are preallocated by oal_reasm_new.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pbuf.h"
#include "util.h"
#include "wire_oal.h"

struct oal_reasm;
struct oal_reasm_entry;

/**
 * Per-neighbor accounting, embedded in the neighbor by the caller and
 * zero-initialized. @mem and @entries are read-only for the caller; the
 * two pointers are private list links. While @entries > 0 the struct must
 * not move or be freed: call oal_reasm_flush_acct() before removing the
 * neighbor.
 */
struct oal_reasm_acct {
	size_t mem;				 /* octets charged to this neighbor */
	uint32_t entries;			 /* datagrams pending for this neighbor */
	struct oal_reasm_entry *oldest, *newest; /* private */
};

struct oal_reasm_cfg {
	size_t mtu;	     /* OMNI MTU ([omni] mtu): largest inner packet */
	bool checksum;	     /* [omni] oal_checksum: payloads end in a Fletcher-16 trailer */
	uint32_t timeout_ms; /* [omni] reassembly_timeout, counted from the first fragment */
	size_t mem_peer;     /* [omni] reassembly_mem_peer */
	size_t mem_total;    /* [omni] reassembly_mem_total */
};

/*
 * Counters. Every fragment or datagram dropped increments exactly one of
 * them (a discarded datagram counts once, whatever number of fragments it
 * held):
 *   complete       datagrams delivered by oal_reasm_input
 *   atomic         atomic fragments accepted by oal_reasm_atomic
 *   timeout        datagrams expired (timeout_ms after their first fragment)
 *   overlap        datagrams discarded for overlapping fragments (RFC 5722)
 *   bad_size       fragments dropped for a non-final fragment that is not a
 *                  multiple of 8 or under 256 octets; datagrams discarded for
 *                  inconsistent ends (a second, different final fragment,
 *                  data at or beyond the final fragment's end)
 *   too_big        fragments that would end beyond mtu (+ 2 with checksum)
 *   mem_peer_drop  datagrams evicted (or fragments refused) for the per-neighbor cap
 *   mem_total_drop datagrams evicted (or fragments refused) for the global cap
 *   bad_checksum   datagrams / atomic fragments whose Fletcher-16 trailer is wrong
 *   bad_inner_len  datagrams / atomic fragments whose inner packet length or
 *                  version does not match (ipv6_inner_len, Fragment NH)
 *   dup            exact duplicate fragments ignored (not a drop of data)
 *   no_buffer      fragments dropped because the pbuf pool was empty
 *   flushed        datagrams dropped by oal_reasm_flush_acct
 */
struct oal_reasm_stats {
	uint64_t complete, atomic, timeout, overlap, bad_size, too_big, mem_peer_drop,
	    mem_total_drop, bad_checksum, bad_inner_len, dup, no_buffer, flushed;
};

/**
 * Create a reassembler. @pool provides one buffer per pending datagram and the
 * delivered packets; each buffer must hold @cfg->mtu + 2 octets after the
 * pool's headroom (aborts otherwise). Each pending datagram is charged the
 * pool's buffer size against both caps; the entry table is preallocated for
 * mem_total / buffer size datagrams (control-plane allocation, aborts on OOM).
 * The pool is borrowed and must outlive the reassembler.
 */
struct oal_reasm *oal_reasm_new(const struct oal_reasm_cfg *cfg, struct pbuf_pool *pool);

/**
 * Free @r and return every buffer it holds to the pool. Does not touch the
 * accounting structs of pending datagrams (their neighbors may already be
 * gone); they are stale afterwards. NULL is ignored.
 */
void oal_reasm_free(struct oal_reasm *r);

/**
 * Feed one decoded non-atomic fragment @f (from wire_oal_decode; its data is
 * copied, not kept) that arrived from the neighbor owning @acct at @now_ms.
 * Returns:
 *   0 with *@out = NULL: stored, or an exact duplicate that was ignored;
 *   0 with *@out = the complete inner packet: trailer checked and stripped,
 *     inner length verified, meta_u64 = the Fragment NH of the offset-0
 *     fragment (41 or 4). The caller owns the buffer (pbuf_free it);
 *   -EBADMSG: fragment dropped (bad_size) or datagram discarded (overlap,
 *     bad_size, bad_inner_len);
 *   -EILSEQ: datagram discarded for a bad trailer (bad_checksum);
 *   -EMSGSIZE: fragment ends beyond the MTU (too_big);
 *   -ENOBUFS: fragment dropped for memory (mem_peer_drop, mem_total_drop,
 *     no_buffer);
 *   -EINVAL: @f is an atomic fragment (a caller bug; nothing is counted):
 *     use oal_reasm_atomic() for those.
 * Datagrams whose deadline passed are expired first.
 */
int oal_reasm_input(struct oal_reasm *r, struct oal_reasm_acct *acct, const struct oal_frag *f,
		    uint64_t now_ms, struct pbuf **out) WUR;

/**
 * Validate an atomic fragment in place, without copying (RFC 6946: it
 * bypasses reassembly): with @checksum the last two octets must be the
 * Fletcher-16 of the rest; the remaining inner packet must pass
 * ipv6_inner_len() and its version must match @f->nh. On success the inner
 * packet is f->data[0 .. *@inner_len). Pure.
 * Returns 0, -EINVAL (not atomic), -EILSEQ (bad trailer) or -EBADMSG (inner
 * packet empty, length or version mismatch).
 */
int oal_atomic_check(const struct oal_frag *f, bool checksum, size_t *inner_len) WUR;

/** oal_atomic_check() with @r's checksum setting, counting the result in @r's stats. */
int oal_reasm_atomic(struct oal_reasm *r, const struct oal_frag *f, size_t *inner_len) WUR;

/** Drop (and count as timeout) every datagram whose deadline is <= @now_ms. */
void oal_reasm_expire(struct oal_reasm *r, uint64_t now_ms);

/** Drop every pending datagram charged to @acct (count: flushed); @acct ends at 0. */
void oal_reasm_flush_acct(struct oal_reasm *r, struct oal_reasm_acct *acct);

void oal_reasm_stats(const struct oal_reasm *r, struct oal_reasm_stats *out);
/** Number of datagrams pending. */
size_t oal_reasm_pending(const struct oal_reasm *r);
/** Octets currently charged (sum over all neighbors). */
size_t oal_reasm_mem(const struct oal_reasm *r);
/** Octets one pending datagram is charged (the pool's buffer size). */
size_t oal_reasm_charge(const struct oal_reasm *r);
