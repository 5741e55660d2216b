// SPDX-License-Identifier: MIT
/*
 * aero_reg.c - AERO registration state machines (aero_reg.h): the client's
 * RS schedule per server and the server's table of registered clients with
 * its policy checks (spec/omni-aero.md §5.3, timers §5.12). Owns the
 * server table's array; everything else is plain state in the caller's
 * structs. Pure: no clock, no I/O, no logging.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aero_reg.h"
#include "keys.h"

/* ---- client ---- */

void aero_cli_init(struct aero_cli *c)
{
	memset(c, 0, sizeof(*c));
	c->state = AERO_CLI_IDLE;
	c->next_rs_ms = UINT64_MAX;
}

void aero_cli_start(struct aero_cli *c, uint64_t now_ms, uint32_t delay_ms)
{
	c->state = AERO_CLI_SOLICITING;
	c->tries = 0;
	c->next_rs_ms = now_ms + MIN(delay_ms, AERO_MAX_RTR_SOLICITATION_DELAY_MS);
}

uint32_t aero_cli_backoff_ms(unsigned tries)
{
	if (tries <= AERO_MAX_RTR_SOLICITATIONS - 1)
		return AERO_RTR_SOLICITATION_INTERVAL_MS;
	/* RFC 7559 §2: double after MAX_RTR_SOLICITATIONS, up to the cap. */
	unsigned shift = tries - (AERO_MAX_RTR_SOLICITATIONS - 1);
	if (shift >= 5)
		return AERO_RS_BACKOFF_MAX_MS;
	uint64_t v = (uint64_t)AERO_RTR_SOLICITATION_INTERVAL_MS << shift;
	return (uint32_t)MIN(v, (uint64_t)AERO_RS_BACKOFF_MAX_MS);
}

unsigned aero_cli_tick(struct aero_cli *c, uint64_t now_ms)
{
	unsigned f = 0;

	if (c->state == AERO_CLI_IDLE || c->state == AERO_CLI_RELEASED)
		return 0;
	if (c->registered && now_ms >= c->expires_ms) {
		c->registered = false;
		c->state = AERO_CLI_SOLICITING;
		c->expirations++;
		f |= AERO_CLI_EXPIRED;
	}
	if (now_ms >= c->next_rs_ms) {
		f |= AERO_CLI_SEND_RS;
		if (c->tries > 0) {
			f |= AERO_CLI_RETRY;
			c->retransmits++;
		}
		c->tries++;
		c->rs_sent++;
		c->next_rs_ms = now_ms + aero_cli_backoff_ms(c->tries);
	}
	return f;
}

unsigned aero_cli_ra(struct aero_cli *c, uint64_t now_ms, uint32_t lifetime_s)
{
	if (c->state == AERO_CLI_IDLE || c->state == AERO_CLI_RELEASED)
		return 0;
	if (lifetime_s == 0) {
		unsigned f = 0;
		if (c->registered) {
			c->registered = false;
			c->expirations++;
			f = AERO_CLI_EXPIRED;
		}
		c->state = AERO_CLI_SOLICITING;
		c->tries = 0;
		c->next_rs_ms = now_ms + AERO_RTR_SOLICITATION_INTERVAL_MS;
		return f;
	}
	uint64_t life = (uint64_t)lifetime_s * 1000;
	if (!c->registered)
		c->registered_ms = now_ms;
	c->state = AERO_CLI_REGISTERED;
	c->registered = true;
	c->lifetime_s = lifetime_s;
	c->expires_ms = now_ms + life;
	c->tries = 0;
	c->next_rs_ms = now_ms + life / AERO_REFRESH_DIVISOR;
	c->ra_accepted++;
	return 0;
}

bool aero_cli_moved(struct aero_cli *c, uint64_t now_ms)
{
	if (c->state == AERO_CLI_IDLE || c->state == AERO_CLI_RELEASED)
		return false;
	c->tries = 0;
	c->next_rs_ms = now_ms;
	c->moves++;
	return true;
}

bool aero_cli_lost(struct aero_cli *c, uint64_t now_ms)
{
	if (!c->registered || c->state == AERO_CLI_IDLE || c->state == AERO_CLI_RELEASED)
		return false;
	c->registered = false;
	c->state = AERO_CLI_SOLICITING;
	c->tries = 1; /* the next RS is a retransmission: the server may have restarted */
	c->next_rs_ms = now_ms;
	c->lost++;
	return true;
}

void aero_cli_release(struct aero_cli *c)
{
	c->state = AERO_CLI_RELEASED;
	c->registered = false;
	c->next_rs_ms = UINT64_MAX;
}

uint64_t aero_cli_deadline(const struct aero_cli *c)
{
	if (c->state == AERO_CLI_IDLE || c->state == AERO_CLI_RELEASED)
		return UINT64_MAX;
	uint64_t d = c->next_rs_ms;
	if (c->registered && c->expires_ms < d)
		d = c->expires_ms;
	return d;
}

/* ---- server ---- */

static const char *const refusal_names[] = {
#define X(n) #n,
    AERO_REFUSALS(X)
#undef X
};

const char *aero_refusal_name(enum aero_refusal r)
{
	if ((unsigned)r >= ARRAY_SIZE(refusal_names))
		return "unknown";
	return refusal_names[r];
}

void aero_srv_init(struct aero_srv *s, uint32_t msid, uint32_t lifetime_s)
{
	memset(s, 0, sizeof(*s));
	s->msid = msid;
	s->lifetime_s = lifetime_s;
}

void aero_srv_deinit(struct aero_srv *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

struct aero_reg *aero_srv_find(struct aero_srv *s, const uint8_t key[32])
{
	for (size_t i = 0; i < s->n; i++)
		if (keys_equal(s->v[i].key, key, 32))
			return &s->v[i];
	return NULL;
}

static void remove_at(struct aero_srv *s, size_t i)
{
	memmove(&s->v[i], &s->v[i + 1], (s->n - i - 1) * sizeof(*s->v));
	s->n--;
}

static enum aero_srv_result refuse(struct aero_srv *s, enum aero_refusal r, enum aero_refusal *why)
{
	s->refused[r]++;
	if (why)
		*why = r;
	return AERO_SRV_REFUSED;
}

/* The last accepted RS timestamp of @e for ifIndex @ifx, 0 when none is kept. */
static uint64_t seen_ts(const struct aero_reg *e, uint8_t ifx)
{
	for (size_t i = 0; i < ARRAY_SIZE(e->seen); i++)
		if (e->seen[i].used && e->seen[i].if_index == ifx)
			return e->seen[i].ts_ms;
	return 0;
}

/* Records @ts for @ifx: its own slot, else a free one, else the oldest. A forgotten
 * ifIndex is still bounded by the Authentication window (±30 s) and the carrier's
 * own replay protection. */
static void seen_set(struct aero_reg *e, uint8_t ifx, uint64_t ts)
{
	size_t k = 0;
	for (size_t i = 0; i < ARRAY_SIZE(e->seen); i++) {
		if (e->seen[i].used && e->seen[i].if_index == ifx) {
			k = i;
			break;
		}
		if (!e->seen[i].used || (e->seen[k].used && e->seen[i].ts_ms < e->seen[k].ts_ms))
			k = i;
	}
	e->seen[k].used = true;
	e->seen[k].if_index = ifx;
	e->seen[k].ts_ms = ts;
}

enum aero_srv_result aero_srv_rs(struct aero_srv *s, const char *name,
				 const uint8_t session_key[32], const struct prefix *allowed,
				 const struct aero_rs *rs, const union sockaddr_any *origin,
				 uint64_t now_ms, struct aero_reg **out, enum aero_refusal *why)
{
	struct in6_addr lla;

	if (out)
		*out = NULL;
	if (!allowed || !name)
		return refuse(s, AERO_REFUSE_unknown_client, why);
	/* wire_nd trusts the Node Identification key only for the signature. */
	if (!keys_equal(rs->key, session_key, 32))
		return refuse(s, AERO_REFUSE_key_mismatch, why);
	struct aero_reg *e = aero_srv_find(s, session_key);
	uint8_t ifx = rs->n_ifs ? rs->ifs[0].if_index : 0;
	if (e && rs->timestamp_ms <= seen_ts(e, ifx))
		return refuse(s, AERO_REFUSE_replay, why);
	if (allowed->family != AF_INET6)
		return refuse(s, AERO_REFUSE_mnp_not_allowed, why);
	omni_lla_from_mnp(allowed, &lla);
	if (memcmp(&lla, &rs->src, sizeof(lla)) != 0)
		return refuse(s, AERO_REFUSE_mnp_not_allowed, why);
	if (rs->has_release && rs->release_us) {
		if (!e)
			return refuse(s, AERO_REFUSE_unknown_client, why);
		remove_at(s, (size_t)(e - s->v));
		s->released++;
		return AERO_SRV_RELEASED;
	}
	if (rs->has_register && rs->register_msid != s->msid)
		return refuse(s, AERO_REFUSE_not_hub, why);

	enum aero_srv_result res;
	if (!e) {
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 8;
			s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
		}
		e = &s->v[s->n++];
		memset(e, 0, sizeof(*e));
		snprintf(e->name, sizeof(e->name), "%s", name);
		memcpy(e->key, session_key, 32);
		e->registered_ms = now_ms;
		e->origin = *origin;
		s->registered++;
		res = AERO_SRV_REGISTERED;
	} else if (!addr_equal(&e->origin, origin)) {
		e->origin = *origin;
		e->replaced++;
		s->replaced++;
		res = AERO_SRV_REPLACED;
	} else {
		e->refreshes++;
		s->refreshed++;
		res = AERO_SRV_REFRESHED;
	}
	e->mnp = *allowed;
	e->last_ts_ms = MAX(e->last_ts_ms, rs->timestamp_ms);
	seen_set(e, ifx, rs->timestamp_ms);
	e->expires_ms = now_ms + (uint64_t)s->lifetime_s * 1000;
	if (out)
		*out = e;
	return res;
}

size_t aero_srv_expire(struct aero_srv *s, uint64_t now_ms, struct aero_reg *gone, size_t cap)
{
	size_t k = 0;

	for (size_t i = 0; i < s->n && k < cap;) {
		if (s->v[i].expires_ms <= now_ms) {
			gone[k++] = s->v[i];
			remove_at(s, i);
			s->expired++;
		} else {
			i++;
		}
	}
	return k;
}

bool aero_srv_origin(struct aero_srv *s, struct aero_reg *e, const union sockaddr_any *origin)
{
	if (addr_equal(&e->origin, origin))
		return false;
	e->origin = *origin;
	e->replaced++;
	s->replaced++;
	return true;
}

bool aero_srv_remove(struct aero_srv *s, const uint8_t key[32])
{
	struct aero_reg *e = aero_srv_find(s, key);
	if (!e)
		return false;
	remove_at(s, (size_t)(e - s->v));
	return true;
}

uint64_t aero_srv_deadline(const struct aero_srv *s)
{
	uint64_t d = UINT64_MAX;
	for (size_t i = 0; i < s->n; i++)
		d = MIN(d, s->v[i].expires_ms);
	return d;
}
