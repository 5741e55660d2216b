// SPDX-License-Identifier: MIT
/*
 * scion_paths.c - the SCION path store and selector (spec/scion.md §7,
 * docs/scion-paths.md). Owns the destinations, their path entries and
 * policies, and the per-destination selector state (active path and the
 * challenger waiting out the hysteresis). The JSON loader parses into a
 * scratch store first so a bad file leaves the store untouched. Pure: no
 * I/O, no clock, no logging.
 */
#include "scion_paths.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct scion_paths_dst {
	uint64_t ia;
	bool has_policy;
	struct scion_policy policy;
	size_t n;
	struct scion_path_entry *paths; /* SCION_PATHS_MAX_PER_DST, allocated on first add */
	int active;			/* index or -1 */
	int challenger;			/* index or -1 */
	uint64_t challenger_ms;		/* first seen as the best */
};

struct scion_paths {
	struct scion_policy def;
	bool def_set; /* set_policy(0) was called */
	size_t n_dst;
	struct scion_paths_dst *dst[SCION_PATHS_MAX_DST];
	uint32_t next_id;
};

void scion_policy_init(struct scion_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->n_rank = 2;
	p->rank[0] = SCION_PATHS_RANK_LATENCY;
	p->rank[1] = SCION_PATHS_RANK_HOPS;
	p->hysteresis_ms = SCION_PATHS_DEF_HYSTERESIS_MS;
	p->loss_threshold = SCION_PATHS_DEF_LOSS_THRESHOLD;
	p->ifdown_hold_ms = SCION_PATHS_DEF_IFDOWN_HOLD_MS;
	p->expiry_margin_ms = SCION_PATHS_DEF_EXPIRY_MARGIN_MS;
}

static int parse_u64(const char *s, size_t n, int base, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (n == 0 || n > 20)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		unsigned int d;
		char c = s[i];
		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			return -EINVAL;
		if (v > (max - d) / (uint64_t)base)
			return -EINVAL;
		v = v * (uint64_t)base + d;
	}
	*out = v;
	return 0;
}

int scion_paths_ia_parse(const char *s, uint64_t *ia)
{
	const char *dash = strchr(s, '-');
	uint64_t isd, as = 0, g;
	if (!dash || parse_u64(s, (size_t)(dash - s), 10, 0xffff, &isd))
		return -EINVAL;
	const char *a = dash + 1;
	if (!strchr(a, ':')) {
		if (parse_u64(a, strlen(a), 10, 0xffffffffULL, &as))
			return -EINVAL;
	} else {
		/* three 16-bit hex groups (spec §1.2 text form) */
		for (int i = 0; i < 3; i++) {
			const char *end = i < 2 ? strchr(a, ':') : a + strlen(a);
			if (!end || end - a > 4 || parse_u64(a, (size_t)(end - a), 16, 0xffff, &g))
				return -EINVAL;
			as = as << 16 | g;
			a = i < 2 ? end + 1 : end;
		}
		if (*a)
			return -EINVAL;
	}
	*ia = isd << 48 | as;
	return 0;
}

struct scion_paths *scion_paths_new(void)
{
	struct scion_paths *s = xcalloc(1, sizeof(*s));
	scion_policy_init(&s->def);
	s->next_id = 1;
	return s;
}

void scion_paths_free(struct scion_paths *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_dst; i++) {
		free(s->dst[i]->paths);
		free(s->dst[i]);
	}
	free(s);
}

static struct scion_paths_dst *dst_find(const struct scion_paths *s, uint64_t ia)
{
	for (size_t i = 0; i < s->n_dst; i++)
		if (s->dst[i]->ia == ia)
			return s->dst[i];
	return NULL;
}

static struct scion_paths_dst *dst_get(struct scion_paths *s, uint64_t ia)
{
	struct scion_paths_dst *d = dst_find(s, ia);
	if (d || s->n_dst >= SCION_PATHS_MAX_DST)
		return d;
	d = xcalloc(1, sizeof(*d));
	d->ia = ia;
	d->active = -1;
	d->challenger = -1;
	s->dst[s->n_dst++] = d;
	return d;
}

static const struct scion_policy *policy_of(const struct scion_paths *s, uint64_t dst_ia)
{
	const struct scion_paths_dst *d = dst_find(s, dst_ia);
	return d && d->has_policy ? &d->policy : &s->def;
}

int scion_paths_add(struct scion_paths *s, uint64_t dst_ia, const struct scion_path_meta *m)
{
	if (!dst_ia || m->n_ifaces > SCION_PATHS_MAX_IFACES || m->n_ifaces % 2 ||
	    !memchr(m->name, 0, sizeof(m->name)))
		return -EINVAL;
	struct scion_paths_dst *d = dst_get(s, dst_ia);
	if (!d || d->n >= SCION_PATHS_MAX_PER_DST || s->next_id > INT32_MAX)
		return -ENOSPC;
	for (size_t i = 0; m->name[0] && i < d->n; i++)
		if (!strcmp(d->paths[i].meta.name, m->name))
			return -EEXIST;
	if (!d->paths)
		d->paths = xcalloc(SCION_PATHS_MAX_PER_DST, sizeof(*d->paths));
	struct scion_path_entry *e = &d->paths[d->n++];
	memset(e, 0, sizeof(*e));
	e->id = s->next_id++;
	e->dst_ia = dst_ia;
	e->meta = *m;
	return (int)e->id;
}

static int policy_check(const struct scion_policy *p)
{
	bool seen[SCION_PATHS_RANK_COUNT] = {0};
	if (p->n_rank > SCION_PATHS_RANK_COUNT || p->n_prefer > SCION_PATHS_MAX_PREFER ||
	    p->n_allow > SCION_PATHS_MAX_ACL || p->n_deny > SCION_PATHS_MAX_ACL ||
	    p->loss_threshold == 0)
		return -EINVAL;
	for (size_t i = 0; i < p->n_rank; i++) {
		if ((unsigned int)p->rank[i] >= SCION_PATHS_RANK_COUNT || seen[p->rank[i]])
			return -EINVAL;
		seen[p->rank[i]] = true;
	}
	for (size_t i = 0; i < p->n_prefer; i++)
		if (!memchr(p->prefer[i], 0, SCION_PATHS_NAME_MAX))
			return -EINVAL;
	return 0;
}

int scion_paths_set_policy(struct scion_paths *s, uint64_t dst_ia, const struct scion_policy *p)
{
	int r = policy_check(p);
	if (r)
		return r;
	if (!dst_ia) {
		s->def = *p;
		s->def_set = true;
		return 0;
	}
	struct scion_paths_dst *d = dst_get(s, dst_ia);
	if (!d)
		return -ENOSPC;
	d->policy = *p;
	d->has_policy = true;
	return 0;
}

static struct scion_path_entry *entry_find(const struct scion_paths *s, uint32_t id)
{
	for (size_t i = 0; i < s->n_dst; i++)
		for (size_t j = 0; j < s->dst[i]->n; j++)
			if (s->dst[i]->paths[j].id == id)
				return &s->dst[i]->paths[j];
	return NULL;
}

const struct scion_path_entry *scion_paths_get(const struct scion_paths *s, uint32_t path_id)
{
	return entry_find(s, path_id);
}

size_t scion_paths_count(const struct scion_paths *s, uint64_t dst_ia)
{
	const struct scion_paths_dst *d = dst_find(s, dst_ia);
	return d ? d->n : 0;
}

int scion_paths_on_probe(struct scion_paths *s, uint32_t path_id, int32_t rtt_ms, uint64_t now_ms)
{
	struct scion_path_entry *e = entry_find(s, path_id);
	if (!e)
		return -ENOENT;
	if (rtt_ms < 0) {
		if (e->loss_streak < UINT32_MAX)
			e->loss_streak++;
		/* any loss restarts the clean period a challenger must serve */
		if (e->clean_since_ms < now_ms)
			e->clean_since_ms = now_ms;
		return 0;
	}
	e->loss_streak = 0;
	e->rtt[e->rtt_pos] = (uint32_t)rtt_ms;
	e->rtt_pos = (e->rtt_pos + 1) % SCION_PATHS_RTT_SAMPLES;
	if (e->n_rtt < SCION_PATHS_RTT_SAMPLES)
		e->n_rtt++;
	return 0;
}

static bool has_iface(const struct scion_path_entry *e, uint64_t ia, uint64_t ifid)
{
	for (size_t k = 0; k < e->meta.n_ifaces; k++)
		if (e->meta.ifaces[k].ia == ia && e->meta.ifaces[k].ifid == ifid)
			return true;
	return false;
}

/* Mark down every path through (@ia, @a) and, when @b is not 0, also through (@ia, @b). */
static int mark_down(struct scion_paths *s, uint64_t ia, uint64_t a, uint64_t b, uint64_t now_ms)
{
	int n = 0;
	for (size_t i = 0; i < s->n_dst; i++) {
		struct scion_paths_dst *d = s->dst[i];
		const struct scion_policy *p = d->has_policy ? &d->policy : &s->def;
		for (size_t j = 0; j < d->n; j++) {
			struct scion_path_entry *e = &d->paths[j];
			if (!has_iface(e, ia, a) || (b && !has_iface(e, ia, b)))
				continue;
			e->ifdown = true;
			e->ifdown_ms = now_ms;
			if (e->clean_since_ms < now_ms + p->ifdown_hold_ms)
				e->clean_since_ms = now_ms + p->ifdown_hold_ms;
			n++;
		}
	}
	return n;
}

int scion_paths_on_scmp_ifdown(struct scion_paths *s, uint64_t ia, uint64_t ifid, uint64_t now_ms)
{
	return mark_down(s, ia, ifid, 0, now_ms);
}

int scion_paths_on_scmp_intdown(struct scion_paths *s, uint64_t ia, uint64_t ingress,
				uint64_t egress, uint64_t now_ms)
{
	/* ingress 0: the AS originated the packet, only the egress side is known */
	return ingress ? mark_down(s, ia, ingress, egress, now_ms)
		       : mark_down(s, ia, egress, 0, now_ms);
}

static bool ia_match(uint64_t rule, uint64_t ia)
{
	uint64_t risd = rule >> 48, ras = rule & 0xffffffffffffULL;
	return (!risd || risd == ia >> 48) && (!ras || ras == (ia & 0xffffffffffffULL));
}

static bool eligible(const struct scion_policy *p, const struct scion_path_entry *e)
{
	if (p->min_mtu && e->meta.mtu < p->min_mtu)
		return false;
	for (size_t i = 0; i < e->meta.n_ifaces; i++) {
		uint64_t ia = e->meta.ifaces[i].ia;
		bool ok = p->n_allow == 0;
		for (size_t j = 0; j < p->n_deny; j++)
			if (ia_match(p->deny[j], ia))
				return false;
		for (size_t j = 0; !ok && j < p->n_allow; j++)
			ok = ia_match(p->allow[j], ia);
		if (!ok)
			return false;
	}
	return true;
}

static bool usable(const struct scion_policy *p, const struct scion_path_entry *e, uint64_t now)
{
	if (!eligible(p, e))
		return false;
	if (e->meta.expires_ms && now + p->expiry_margin_ms >= e->meta.expires_ms)
		return false;
	if (e->ifdown && now < e->ifdown_ms + p->ifdown_hold_ms)
		return false;
	return e->loss_streak < p->loss_threshold;
}

bool scion_paths_usable(const struct scion_paths *s, const struct scion_path_entry *e,
			uint64_t now_ms)
{
	return usable(policy_of(s, e->dst_ia), e, now_ms);
}

static uint64_t latency_key(const struct scion_path_entry *e)
{
	uint64_t sum = 0;
	if (e->n_rtt) {
		for (unsigned int i = 0; i < e->n_rtt; i++)
			sum += e->rtt[i];
		return sum / e->n_rtt;
	}
	return e->meta.latency_ms >= 0 ? (uint64_t)e->meta.latency_ms : UINT64_MAX;
}

static size_t prefer_idx(const struct scion_policy *p, const struct scion_path_entry *e)
{
	for (size_t i = 0; e->meta.name[0] && i < p->n_prefer; i++)
		if (!strcmp(p->prefer[i], e->meta.name))
			return i;
	return p->n_prefer;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

/* < 0 when @a ranks before @b; ties go to the earlier entry (lower id). */
static int rank_cmp(const struct scion_policy *p, const struct scion_path_entry *a,
		    const struct scion_path_entry *b)
{
	int c = cmp_u64(prefer_idx(p, a), prefer_idx(p, b));
	for (size_t i = 0; !c && i < p->n_rank; i++) {
		switch (p->rank[i]) {
		case SCION_PATHS_RANK_LATENCY:
			c = cmp_u64(latency_key(a), latency_key(b));
			break;
		case SCION_PATHS_RANK_HOPS:
			c = cmp_u64(a->meta.n_ifaces, b->meta.n_ifaces);
			break;
		case SCION_PATHS_RANK_MTU:
			c = cmp_u64(b->meta.mtu, a->meta.mtu);
			break;
		case SCION_PATHS_RANK_BANDWIDTH:
			c = cmp_u64(b->meta.bandwidth_kbps, a->meta.bandwidth_kbps);
			break;
		case SCION_PATHS_RANK_COUNT:
			break;
		}
	}
	return c ? c : cmp_u64(a->id, b->id);
}

const struct scion_path_entry *scion_paths_select(struct scion_paths *s, uint64_t dst_ia,
						  uint64_t now_ms)
{
	struct scion_paths_dst *d = dst_find(s, dst_ia);
	if (!d)
		return NULL;
	const struct scion_policy *p = d->has_policy ? &d->policy : &s->def;
	int best = -1;
	for (size_t i = 0; i < d->n; i++) {
		if (!usable(p, &d->paths[i], now_ms))
			continue;
		if (best < 0 || rank_cmp(p, &d->paths[i], &d->paths[best]) < 0)
			best = (int)i;
	}
	if (d->active < 0 || !usable(p, &d->paths[d->active], now_ms)) {
		d->active = best;
		d->challenger = -1;
	} else if (best == d->active) {
		d->challenger = -1;
	} else {
		if (d->challenger != best) {
			d->challenger = best;
			d->challenger_ms = now_ms;
		}
		uint64_t since = MAX(d->challenger_ms, d->paths[best].clean_since_ms);
		if (now_ms >= since + p->hysteresis_ms) {
			d->active = best;
			d->challenger = -1;
		}
	}
	return d->active < 0 ? NULL : &d->paths[d->active];
}

/* ---- JSON path file ---------------------------------------------------------------- */

struct jctx {
	char *err;
	size_t errlen;
};

PRINTF(2, 3) static int jfail(struct jctx *c, const char *fmt, ...)
{
	va_list ap;
	if (c->err && c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err, c->errlen, fmt, ap);
		va_end(ap);
	}
	return -EBADMSG;
}

/* Reject members not in the NULL-terminated @allowed list. */
static int only_keys(struct jctx *c, json_t *o, const char *where, const char *const *allowed)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		size_t i;
		for (i = 0; allowed[i] && strcmp(allowed[i], k); i++)
			;
		if (!allowed[i])
			return jfail(c, "%s: unknown member \"%s\"", where, k);
	}
	return 0;
}

static int get_uint(struct jctx *c, json_t *o, const char *key, const char *where, uint64_t lo,
		    uint64_t hi, uint64_t *out)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return 1;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) < lo || (uint64_t)json_integer_value(v) > hi)
		return jfail(c, "%s.%s: must be an integer %" PRIu64 "..%" PRIu64, where, key, lo,
			     hi);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int get_ia(struct jctx *c, json_t *v, const char *where, bool wildcard, uint64_t *ia)
{
	if (!json_is_string(v) || scion_paths_ia_parse(json_string_value(v), ia))
		return jfail(c, "%s: must be an \"ISD-AS\" string", where);
	if (!wildcard && (!(*ia >> 48) || !(*ia & 0xffffffffffffULL)))
		return jfail(c, "%s: ISD and AS must not be 0", where);
	return 0;
}

static int get_name(struct jctx *c, json_t *v, const char *where, char *out)
{
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) >= SCION_PATHS_NAME_MAX ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return jfail(c, "%s: must be a string of 1..%d characters", where,
			     SCION_PATHS_NAME_MAX - 1);
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static const char *const rank_names[SCION_PATHS_RANK_COUNT] = {
    [SCION_PATHS_RANK_LATENCY] = "latency",
    [SCION_PATHS_RANK_HOPS] = "hops",
    [SCION_PATHS_RANK_MTU] = "mtu",
    [SCION_PATHS_RANK_BANDWIDTH] = "bandwidth",
};

static int ia_list(struct jctx *c, json_t *o, const char *key, const char *where, uint64_t *out,
		   size_t *n)
{
	json_t *a = json_object_get(o, key), *v;
	size_t i;
	char w[160];
	if (!a)
		return 0;
	if (!json_is_array(a) || json_array_size(a) > SCION_PATHS_MAX_ACL)
		return jfail(c, "%s.%s: must be an array of at most %d \"ISD-AS\" strings", where,
			     key, SCION_PATHS_MAX_ACL);
	json_array_foreach(a, i, v)
	{
		snprintf(w, sizeof(w), "%.96s.%s[%zu]", where, key, i);
		if (get_ia(c, v, w, true, &out[i]))
			return -EBADMSG;
	}
	*n = json_array_size(a);
	return 0;
}

static int parse_policy(struct jctx *c, json_t *o, const char *where, struct scion_policy *p)
{
	static const char *const keys[] = {"rank",
					   "prefer",
					   "allow",
					   "deny",
					   "min_mtu",
					   "hysteresis_ms",
					   "loss_threshold",
					   "ifdown_hold_ms",
					   "expiry_margin_ms",
					   NULL};
	json_t *a, *v;
	size_t i;
	uint64_t u = 0;
	int r;
	char w[160];

	scion_policy_init(p);
	if (!json_is_object(o))
		return jfail(c, "%s: must be an object", where);
	if (only_keys(c, o, where, keys))
		return -EBADMSG;
	if ((a = json_object_get(o, "rank"))) {
		if (!json_is_array(a) || json_array_size(a) > SCION_PATHS_RANK_COUNT)
			return jfail(c, "%s.rank: must be an array of at most %d criteria", where,
				     SCION_PATHS_RANK_COUNT);
		p->n_rank = 0;
		json_array_foreach(a, i, v)
		{
			size_t k;
			for (k = 0; k < SCION_PATHS_RANK_COUNT; k++)
				if (json_is_string(v) &&
				    !strcmp(json_string_value(v), rank_names[k]))
					break;
			if (k == SCION_PATHS_RANK_COUNT)
				return jfail(c,
					     "%s.rank[%zu]: must be \"latency\", \"hops\", \"mtu\" "
					     "or \"bandwidth\"",
					     where, i);
			for (size_t j = 0; j < p->n_rank; j++)
				if (p->rank[j] == (enum scion_paths_rank)k)
					return jfail(c, "%s.rank[%zu]: repeated criterion", where,
						     i);
			p->rank[p->n_rank++] = (enum scion_paths_rank)k;
		}
	}
	if ((a = json_object_get(o, "prefer"))) {
		if (!json_is_array(a) || json_array_size(a) > SCION_PATHS_MAX_PREFER)
			return jfail(c, "%s.prefer: must be an array of at most %d path names",
				     where, SCION_PATHS_MAX_PREFER);
		json_array_foreach(a, i, v)
		{
			snprintf(w, sizeof(w), "%.96s.prefer[%zu]", where, i);
			if (get_name(c, v, w, p->prefer[i]))
				return -EBADMSG;
		}
		p->n_prefer = json_array_size(a);
	}
	if (ia_list(c, o, "allow", where, p->allow, &p->n_allow) ||
	    ia_list(c, o, "deny", where, p->deny, &p->n_deny))
		return -EBADMSG;
	if ((r = get_uint(c, o, "min_mtu", where, 0, UINT16_MAX, &u)) < 0)
		return r;
	if (!r)
		p->min_mtu = (uint16_t)u;
	if ((r = get_uint(c, o, "hysteresis_ms", where, 0, 3600000, &u)) < 0)
		return r;
	if (!r)
		p->hysteresis_ms = (uint32_t)u;
	if ((r = get_uint(c, o, "loss_threshold", where, 1, 1000, &u)) < 0)
		return r;
	if (!r)
		p->loss_threshold = (uint32_t)u;
	if ((r = get_uint(c, o, "ifdown_hold_ms", where, 0, 3600000, &u)) < 0)
		return r;
	if (!r)
		p->ifdown_hold_ms = (uint32_t)u;
	if ((r = get_uint(c, o, "expiry_margin_ms", where, 0, 3600000, &u)) < 0)
		return r;
	if (!r)
		p->expiry_margin_ms = (uint32_t)u;
	return 0;
}

static int parse_path(struct jctx *c, json_t *o, const char *where, struct scion_path_meta *m)
{
	static const char *const keys[] = {"name",	 "interfaces",	   "mtu", "expires_ms",
					   "latency_ms", "bandwidth_kbps", "raw", NULL};
	static const char *const ikeys[] = {"ia", "ifid", NULL};
	json_t *a, *v;
	size_t i;
	uint64_t u = 0;
	int r;
	char w[160];

	memset(m, 0, sizeof(*m));
	m->latency_ms = -1;
	if (!json_is_object(o))
		return jfail(c, "%s: must be an object", where);
	if (only_keys(c, o, where, keys))
		return -EBADMSG;
	if ((v = json_object_get(o, "name"))) {
		snprintf(w, sizeof(w), "%.96s.name", where);
		if (get_name(c, v, w, m->name))
			return -EBADMSG;
	}
	a = json_object_get(o, "interfaces");
	if (!json_is_array(a) || json_array_size(a) % 2 ||
	    json_array_size(a) > SCION_PATHS_MAX_IFACES)
		return jfail(c,
			     "%s.interfaces: required, an array of an even number (at most %d) "
			     "of {\"ia\", \"ifid\"} objects",
			     where, SCION_PATHS_MAX_IFACES);
	json_array_foreach(a, i, v)
	{
		snprintf(w, sizeof(w), "%.96s.interfaces[%zu]", where, i);
		if (!json_is_object(v))
			return jfail(c, "%s: must be an object", w);
		if (only_keys(c, v, w, ikeys))
			return -EBADMSG;
		if (!json_object_get(v, "ia") || !json_object_get(v, "ifid"))
			return jfail(c, "%s: needs \"ia\" and \"ifid\"", w);
		char wi[160];
		snprintf(wi, sizeof(wi), "%.96s.ia", w);
		if (get_ia(c, json_object_get(v, "ia"), wi, false, &m->ifaces[i].ia))
			return -EBADMSG;
		if (get_uint(c, v, "ifid", w, 1, INT64_MAX, &m->ifaces[i].ifid))
			return -EBADMSG;
	}
	m->n_ifaces = json_array_size(a);
	if ((r = get_uint(c, o, "mtu", where, SCION_PATHS_MIN_MTU, UINT16_MAX, &u)) < 0)
		return r;
	if (!r)
		m->mtu = (uint16_t)u;
	if ((r = get_uint(c, o, "expires_ms", where, 1, INT64_MAX, &u)) < 0)
		return r;
	if (!r)
		m->expires_ms = u;
	if ((r = get_uint(c, o, "latency_ms", where, 0, INT32_MAX, &u)) < 0)
		return r;
	if (!r)
		m->latency_ms = (int32_t)u;
	if ((r = get_uint(c, o, "bandwidth_kbps", where, 0, UINT32_MAX, &u)) < 0)
		return r;
	if (!r)
		m->bandwidth_kbps = (uint32_t)u;
	if ((v = json_object_get(o, "raw"))) {
		uint8_t bin[SCION_MAX_HDR_LEN];
		size_t n = 0;
		const char *why = NULL;
		if (!json_is_string(v) || json_string_length(v) > 2 * sizeof(bin) ||
		    json_string_length(v) % 2 ||
		    sodium_hex2bin(bin, sizeof(bin), json_string_value(v), json_string_length(v),
				   NULL, &n, NULL) ||
		    n * 2 != json_string_length(v))
			return jfail(c, "%s.raw: must be a hex string of at most %zu octets", where,
				     sizeof(bin));
		if (scion_path_parse(bin, n, &m->raw, &why))
			return jfail(c, "%s.raw: not a valid SCION path (%s)", where,
				     why ? why : "invalid");
		m->has_raw = true;
	}
	return 0;
}

static int load_doc(struct scion_paths *s, struct jctx *c, json_t *root)
{
	static const char *const keys[] = {"version", "default_policy", "destinations", NULL};
	static const char *const dkeys[] = {"ia", "policy", "paths", NULL};
	struct scion_policy pol;
	struct scion_path_meta *m = NULL;
	json_t *v, *dsts, *d;
	size_t i;
	int r = -EBADMSG;
	char w[160];

	if (!json_is_object(root))
		return jfail(c, "top level: must be an object");
	if (only_keys(c, root, "top level", keys))
		return -EBADMSG;
	v = json_object_get(root, "version");
	if (!json_is_integer(v) || json_integer_value(v) != 1)
		return jfail(c, "version: required, must be 1");
	if ((v = json_object_get(root, "default_policy"))) {
		if (parse_policy(c, v, "default_policy", &pol))
			return -EBADMSG;
		if ((r = scion_paths_set_policy(s, 0, &pol)))
			return r;
	}
	dsts = json_object_get(root, "destinations");
	if (!json_is_array(dsts) || json_array_size(dsts) > SCION_PATHS_MAX_DST)
		return jfail(c, "destinations: required, an array of at most %d objects",
			     SCION_PATHS_MAX_DST);
	m = xmalloc(sizeof(*m));
	json_array_foreach(dsts, i, d)
	{
		uint64_t ia;
		json_t *paths, *pv;
		size_t j;
		r = -EBADMSG;
		snprintf(w, sizeof(w), "destinations[%zu]", i);
		if (!json_is_object(d)) {
			r = jfail(c, "%s: must be an object", w);
			goto out;
		}
		if (only_keys(c, d, w, dkeys))
			goto out;
		char wi[160];
		snprintf(wi, sizeof(wi), "%.96s.ia", w);
		if (get_ia(c, json_object_get(d, "ia"), wi, false, &ia))
			goto out;
		if (dst_find(s, ia)) {
			r = jfail(c, "%s.ia: destination listed twice", w);
			goto out;
		}
		if ((v = json_object_get(d, "policy"))) {
			snprintf(wi, sizeof(wi), "%.96s.policy", w);
			if (parse_policy(c, v, wi, &pol))
				goto out;
		}
		paths = json_object_get(d, "paths");
		if (!json_is_array(paths) || json_array_size(paths) > SCION_PATHS_MAX_PER_DST) {
			r = jfail(c, "%s.paths: required, an array of at most %d paths", w,
				  SCION_PATHS_MAX_PER_DST);
			goto out;
		}
		/* creates the destination even when it has no paths yet */
		if ((r = scion_paths_set_policy(s, ia, v ? &pol : &s->def)))
			goto out;
		if (!v)
			dst_find(s, ia)->has_policy = false;
		json_array_foreach(paths, j, pv)
		{
			snprintf(wi, sizeof(wi), "%.96s.paths[%zu]", w, j);
			if (parse_path(c, pv, wi, m)) {
				r = -EBADMSG;
				goto out;
			}
			r = scion_paths_add(s, ia, m);
			if (r == -EEXIST)
				r = jfail(c, "%s.name: name used twice", wi);
			if (r < 0)
				goto out;
			r = -EBADMSG;
		}
	}
	r = 0;
out:
	free(m);
	return r;
}

int scion_paths_load_json(struct scion_paths *s, const char *text, size_t len, char *err,
			  size_t errlen)
{
	struct jctx c = {err, errlen};
	json_error_t je;
	json_t *root;
	struct scion_paths *tmp;
	int r;

	if (err && errlen)
		err[0] = 0;
	if (len > SCION_PATHS_JSON_MAX) {
		jfail(&c, "path file larger than %d octets", SCION_PATHS_JSON_MAX);
		return -EMSGSIZE;
	}
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return jfail(&c, "invalid JSON at line %d column %d: %s", je.line, je.column,
			     je.text);
	tmp = scion_paths_new();
	r = load_doc(tmp, &c, root);
	json_decref(root);
	if (r)
		goto out;
	/* capacity check first so the merge below cannot fail half way */
	size_t new_dst = s->n_dst;
	for (size_t i = 0; i < tmp->n_dst; i++) {
		const struct scion_paths_dst *td = tmp->dst[i], *sd = dst_find(s, td->ia);
		if (!sd)
			new_dst++;
		if ((sd ? sd->n : 0) + td->n > SCION_PATHS_MAX_PER_DST ||
		    new_dst > SCION_PATHS_MAX_DST) {
			jfail(&c, "too many paths or destinations for the store");
			r = -ENOSPC;
			goto out;
		}
		for (size_t j = 0; sd && j < td->n; j++)
			for (size_t k = 0; td->paths[j].meta.name[0] && k < sd->n; k++)
				if (!strcmp(td->paths[j].meta.name, sd->paths[k].meta.name)) {
					jfail(&c, "path name \"%s\" already in the store",
					      sd->paths[k].meta.name);
					r = -EEXIST;
					goto out;
				}
	}
	if (s->next_id + 1ULL + SCION_PATHS_MAX_DST * SCION_PATHS_MAX_PER_DST > INT32_MAX) {
		jfail(&c, "path ids exhausted");
		r = -ENOSPC;
		goto out;
	}
	if (tmp->def_set)
		s->def = tmp->def;
	for (size_t i = 0; i < tmp->n_dst; i++) {
		const struct scion_paths_dst *td = tmp->dst[i];
		if (td->has_policy && scion_paths_set_policy(s, td->ia, &td->policy))
			OMNI_ASSERT(0);
		for (size_t j = 0; j < td->n; j++)
			if (scion_paths_add(s, td->ia, &td->paths[j].meta) < 0)
				OMNI_ASSERT(0);
	}
out:
	scion_paths_free(tmp);
	return r;
}
