// SPDX-License-Identifier: MIT
/*
 * aero_ml.c - the multilink path table of one neighbor (spec/omni-aero.md
 * §5.7 NUD, §5.9 path selection): paths learned from the client's RS per
 * underlay, their NUD state machine (REACHABLE -> PROBE -> DOWN, back to
 * REACHABLE on a probe echo, i.e. evidence that the far side hears us on the
 * path), the far side's Interface Attributes per path and the §4.5
 * Preferences bitmap codec, and per-flow path selection by (far pref, far
 * link, own pref, own link, RTT band) with a flow hash that keeps a flow on
 * one path while the path set is stable. Owns no memory beyond struct
 * aero_ml; no clock, no I/O.
 */
#include "aero_ml.h"

#include <errno.h>
#include <string.h>
#include <sodium.h>

#include "aero_timers.h"
#include "cursor.h"

void aero_ml_init(struct aero_ml *m)
{
	memset(m, 0, sizeof(*m));
}

static bool aero_ml_slot_ok(const struct aero_ml *m, int idx)
{
	return idx >= 0 && (size_t)idx < AERO_ML_MAX_PATHS && m->p[idx].used;
}

int aero_ml_find(const struct aero_ml *m, uint8_t if_index)
{
	for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++)
		if (m->p[i].used && m->p[i].if_index == if_index)
			return (int)i;
	return -ENOENT;
}

int aero_ml_find_ep(const struct aero_ml *m, const union sockaddr_any *ep)
{
	for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++)
		if (m->p[i].used && addr_equal(&m->p[i].ep, ep))
			return (int)i;
	return -ENOENT;
}

size_t aero_ml_count(const struct aero_ml *m)
{
	size_t n = 0;

	for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++)
		n += m->p[i].used;
	return n;
}

int aero_ml_update(struct aero_ml *m, uint8_t if_index, uint8_t link, const uint8_t *pref,
		   const union sockaddr_any *ep, uint64_t now_ms)
{
	struct aero_ml_path *p;
	int idx;

	if (if_index == 0 || !ep || (ep->sa.sa_family != AF_INET && ep->sa.sa_family != AF_INET6))
		return -EINVAL;
	idx = aero_ml_find(m, if_index);
	if (idx < 0) {
		for (size_t i = 0; i < AERO_ML_MAX_PATHS && idx < 0; i++)
			if (!m->p[i].used)
				idx = (int)i;
		if (idx < 0)
			return -ENOSPC;
		p = &m->p[idx];
		memset(p, 0, sizeof(*p));
		p->used = true;
		p->if_index = if_index;
		p->state = AERO_ML_REACHABLE;
		p->last_heard_ms = now_ms;
	}
	p = &m->p[idx];
	p->link = link > AERO_ML_LINK_MAX ? AERO_ML_LINK_MAX : link;
	for (size_t d = 0; d < AERO_ML_NDSCP; d++) {
		uint8_t v = pref ? pref[d] : 2;

		p->pref[d] = v > AERO_ML_PREF_MAX ? AERO_ML_PREF_MAX : v;
	}
	if (!addr_equal(&p->ep, ep)) {
		/* a new endpoint is a new path: it starts over (§5.8 item 4, NUD on new paths) */
		p->ep = *ep;
		p->rtt_ms = 0;
		p->slow = false;
	}
	return idx;
}

int aero_ml_remove(struct aero_ml *m, uint8_t if_index)
{
	int idx = aero_ml_find(m, if_index);

	if (idx < 0)
		return idx;
	memset(&m->p[idx], 0, sizeof(m->p[idx]));
	return 0;
}

bool aero_ml_usable(const struct aero_ml *m, int idx)
{
	const struct aero_ml_path *p;

	if (!aero_ml_slot_ok(m, idx))
		return false;
	p = &m->p[idx];
	return p->state != AERO_ML_DOWN && p->link > 0 && (!p->remote || p->r_link > 0);
}

/* Re-rank the RTT bands: slow when above the best usable measured RTT by more than the
 * outer band, fast again when back within the inner band, unchanged in between. */
static void aero_ml_rank(struct aero_ml *m)
{
	uint32_t best = 0;

	for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++)
		if (aero_ml_usable(m, (int)i) && m->p[i].rtt_ms && (!best || m->p[i].rtt_ms < best))
			best = m->p[i].rtt_ms;
	for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++) {
		struct aero_ml_path *p = &m->p[i];
		uint32_t in = best + MAX(AERO_ML_RTT_IN_MS, best / 4);
		uint32_t out = best + MAX(AERO_ML_RTT_OUT_MS, best / 2);

		if (!p->used || !best || !p->rtt_ms)
			p->slow = false;
		else if (p->rtt_ms > out)
			p->slow = true;
		else if (p->rtt_ms <= in)
			p->slow = false;
	}
}

int aero_ml_remote(struct aero_ml *m, int idx, uint8_t r_index, uint8_t r_link,
		   const uint8_t *r_pref)
{
	struct aero_ml_path *p;
	bool was;

	if (!aero_ml_slot_ok(m, idx))
		return -EINVAL;
	was = aero_ml_usable(m, idx);
	p = &m->p[idx];
	p->remote = true;
	p->r_index = r_index;
	p->r_link = r_link > AERO_ML_LINK_MAX ? AERO_ML_LINK_MAX : r_link;
	for (size_t d = 0; d < AERO_ML_NDSCP; d++) {
		uint8_t v = r_pref ? r_pref[d] : AERO_ML_PREF_DEFAULT;

		p->r_pref[d] = v > AERO_ML_PREF_MAX ? AERO_ML_PREF_MAX : v;
	}
	aero_ml_rank(m);
	return was != aero_ml_usable(m, idx);
}

void aero_ml_remote_clear(struct aero_ml *m, int idx)
{
	if (!aero_ml_slot_ok(m, idx))
		return;
	m->p[idx].remote = false;
	m->p[idx].r_index = 0;
	m->p[idx].r_link = 0;
	memset(m->p[idx].r_pref, 0, sizeof(m->p[idx].r_pref));
	aero_ml_rank(m);
}

int aero_ml_heard(struct aero_ml *m, int idx, uint64_t now_ms, uint32_t rtt_ms)
{
	struct aero_ml_path *p;

	if (!aero_ml_slot_ok(m, idx))
		return -EINVAL;
	p = &m->p[idx];
	p->state = AERO_ML_REACHABLE;
	p->probes = 0;
	if (now_ms > p->last_heard_ms)
		p->last_heard_ms = now_ms;
	if (rtt_ms > 0)
		p->rtt_ms = p->rtt_ms ? (uint32_t)(((uint64_t)p->rtt_ms * 7 + rtt_ms) / 8) : rtt_ms;
	aero_ml_rank(m);
	return 0;
}

unsigned aero_ml_tick(struct aero_ml *m, uint64_t now_ms, bool *changed)
{
	unsigned mask = 0;
	bool ch = false;

	for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++) {
		struct aero_ml_path *p = &m->p[i];

		if (!p->used)
			continue;
		if (p->state == AERO_ML_REACHABLE) {
			if (now_ms < p->last_heard_ms + AERO_ML_PROBE_AFTER_MS)
				continue;
			p->state = AERO_ML_PROBE;
			p->probes = 0;
		}
		if (p->probes > 0 && now_ms < p->last_probe_ms + AERO_RETRANS_TIMER_MS)
			continue;
		if (p->state == AERO_ML_PROBE && p->probes >= AERO_ML_MAX_PROBES) {
			p->state = AERO_ML_DOWN;
			ch = true;
		}
		if (p->probes < UINT8_MAX)
			p->probes++;
		p->last_probe_ms = now_ms;
		mask |= 1u << i;
	}
	if (ch)
		aero_ml_rank(m);
	if (changed)
		*changed = ch;
	return mask;
}

int aero_ml_select(const struct aero_ml *m, uint8_t dscp, uint32_t flow_hash)
{
	int best[AERO_ML_MAX_PATHS];
	unsigned best_score = 0, n = 0;

	dscp &= AERO_ML_NDSCP - 1;
	for (size_t i = 0; i < AERO_ML_MAX_PATHS; i++) {
		const struct aero_ml_path *p = &m->p[i];
		unsigned rp = p->remote ? p->r_pref[dscp] : AERO_ML_PREF_DEFAULT;
		unsigned rl = p->remote ? p->r_link : AERO_ML_LINK_DEFAULT;
		unsigned score;

		if (!aero_ml_usable(m, (int)i) || p->pref[dscp] == 0 || rp == 0)
			continue;
		/* (far pref 2 bits, far link 4, own pref 2, own link 4, fast 1) */
		score = rp << 11 | rl << 7 | (unsigned)p->pref[dscp] << 5 | (unsigned)p->link << 1 |
			!p->slow;
		if (score > best_score) {
			best_score = score;
			n = 0;
		}
		if (score == best_score)
			best[n++] = (int)i;
	}
	if (n == 0)
		return -ENETUNREACH;
	return best[flow_hash % n];
}

int aero_ml_prefs_encode(const uint8_t pref[AERO_ML_NDSCP], uint8_t *out, size_t cap)
{
	struct wcur w = wcur_make(out, cap);
	uint8_t bitmap = 0;

	for (unsigned b = 0; b < 8; b++)
		for (unsigned k = 0; k < 8; k++)
			if (pref[b * 8 + k] != AERO_ML_PREF_DEFAULT)
				bitmap = (uint8_t)(bitmap | 0x80u >> b);
	if (!bitmap)
		return 0;
	wcur_u8(&w, bitmap);
	for (unsigned b = 0; b < 8; b++) {
		uint16_t v = 0;

		if (!(bitmap & 0x80u >> b))
			continue;
		for (unsigned k = 0; k < 8; k++)
			v = (uint16_t)(v | (unsigned)(MIN(pref[b * 8 + k], AERO_ML_PREF_MAX) & 3u)
					       << (14 - 2 * k));
		wcur_be16(&w, v);
	}
	if (w.bad)
		return -ENOSPC;
	return (int)(cap - w.left);
}

int aero_ml_prefs_decode(const uint8_t *d, size_t len, uint8_t pref[AERO_ML_NDSCP])
{
	uint8_t tmp[AERO_ML_NDSCP], bitmap = 0;
	struct cur c = cur_make(d, len);

	memset(tmp, AERO_ML_PREF_DEFAULT, sizeof(tmp));
	if (len == 0) {
		memcpy(pref, tmp, sizeof(tmp));
		return 0;
	}
	cur_u8(&c, &bitmap);
	for (unsigned b = 0; b < 8; b++) {
		uint16_t v = 0;

		if (!(bitmap & 0x80u >> b))
			continue;
		if (!cur_be16(&c, &v))
			return -EBADMSG;
		for (unsigned k = 0; k < 8; k++)
			tmp[b * 8 + k] = (uint8_t)(v >> (14 - 2 * k) & 3u);
	}
	if (c.bad || c.left != 0)
		return -EBADMSG;
	memcpy(pref, tmp, sizeof(tmp));
	return 0;
}

int aero_ml_flow_hash(const uint8_t key[16], const uint8_t *pkt, size_t len, uint32_t *hash,
		      uint8_t *dscp)
{
	struct cur c = cur_make(pkt, len);
	struct wcur w;
	uint8_t tuple[1 + 16 + 16 + 1 + 4], out[crypto_shorthash_BYTES];
	uint8_t b0 = 0, b1 = 0, proto = 0, ihl;
	uint32_t ports = 0;
	const uint8_t *a;
	size_t alen;

	if (!cur_u8(&c, &b0))
		return -EINVAL;
	w = wcur_make(tuple, sizeof(tuple));
	wcur_u8(&w, b0 >> 4);
	if (b0 >> 4 == 6) {
		uint32_t vtf = 0;

		c = cur_make(pkt, len);
		cur_be32(&c, &vtf);
		cur_skip(&c, 2);
		cur_u8(&c, &proto);
		cur_skip(&c, 1);
		a = cur_bytes(&c, 32);
		if (c.bad)
			return -EINVAL;
		*dscp = (uint8_t)((vtf >> 22) & 0x3f);
		alen = 32;
		ports = vtf & 0xfffffu; /* Flow Label unless ports follow */
	} else if (b0 >> 4 == 4) {
		ihl = (uint8_t)((b0 & 0xf) * 4);
		cur_u8(&c, &b1);
		cur_skip(&c, 7);
		cur_u8(&c, &proto);
		cur_skip(&c, 2);
		a = cur_bytes(&c, 8);
		if (c.bad || ihl < 20)
			return -EINVAL;
		*dscp = b1 >> 2;
		alen = 8;
		c = cur_make(pkt, len);
		cur_skip(&c, ihl);
	} else {
		return -EINVAL;
	}
	if (proto == 6 || proto == 17 || proto == 132) {
		uint32_t pp = 0;

		if (cur_be32(&c, &pp))
			ports = pp;
	}
	wcur_bytes(&w, a, alen);
	wcur_u8(&w, proto);
	wcur_be32(&w, ports);
	crypto_shorthash(out, tuple, sizeof(tuple) - w.left, key);
	*hash = get_be32(out);
	return 0;
}

void aero_ml_probe_encode(uint8_t type, uint64_t stamp, uint8_t out[CARRIER_ML_PROBE_LEN])
{
	struct wcur w = wcur_make(out, CARRIER_ML_PROBE_LEN);

	wcur_u8(&w, type);
	wcur_u8(&w, 0);
	wcur_be16(&w, 0);
	wcur_be64(&w, stamp);
}

int aero_ml_probe_decode(const uint8_t *d, size_t len, uint8_t *type, uint64_t *stamp)
{
	struct cur c = cur_make(d, len);
	uint8_t t = 0, r0 = 1;
	uint16_t r1 = 1;
	uint64_t s = 0;

	if (len != CARRIER_ML_PROBE_LEN)
		return -EINVAL;
	cur_u8(&c, &t);
	cur_u8(&c, &r0);
	cur_be16(&c, &r1);
	cur_be64(&c, &s);
	if (c.bad || r0 || r1 || (t != CARRIER_ML_PROBE && t != CARRIER_ML_ECHO))
		return -EINVAL;
	*type = t;
	*stamp = s;
	return 0;
}

const char *aero_ml_state_name(enum aero_ml_state s)
{
	switch (s) {
	case AERO_ML_REACHABLE:
		return "reachable";
	case AERO_ML_PROBE:
		return "probe";
	case AERO_ML_DOWN:
		return "down";
	}
	return "?";
}
