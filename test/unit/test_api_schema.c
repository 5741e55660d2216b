// SPDX-License-Identifier: MIT
/*
 * test_api_schema.c - common/api_schema: GET /v1/status encode/decode round
 * trips (through text), the exact JSON shape, tolerance of unknown members,
 * and rejection of every known member with a wrong type, a missing member,
 * over-long strings, out-of-range integers and too many elements; the error
 * object; and api_json_parse()'s strictness (duplicates, depth, size).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_schema.h"

static const char *const top_strings[] = {"node", "version", "public_key", "tun", "oal_addr"};
static const size_t top_caps[] = {64, 32, 45, 16, 64};
static const char *const top_ints[] = {"mtu", "uptime_s", "pid"};
static const char *const peer_strings[] = {"name", "public_key", "endpoint", "oal_addr", "state"};
static const size_t peer_caps[] = {64, 45, 64, 64, 16};
static const char *const peer_ints[] = {"last_handshake", "last_rx_ms_ago", "rx_packets",
					"rx_bytes",	  "tx_packets",	    "tx_bytes"};

static struct api_counter g_ctr[] = {
    {"rx_packets", 12},
    {"drop_no_route", 0},
    {"big", (uint64_t)INT64_MAX},
};
static struct api_counter p0_ctr[] = {{"drop_bad_source", 3}, {"drop_replay", 1}};
static char *p0_pfx[] = {"2001:db8:1000:3000::/56", "10.9.1.0/24"};
static char *underlays[] = {"eth0 0.0.0.0:8060", "wlan0 [::]:8060"};

static void fill_sample(struct api_status *s, struct api_peer_status peers[2])
{
	memset(s, 0, sizeof(*s));
	memset(peers, 0, 2 * sizeof(*peers));
	strcpy(s->node, "alpha");
	strcpy(s->version, "0.1.0");
	strcpy(s->public_key, "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqo=");
	strcpy(s->tun, "omni0");
	s->mtu = 9180;
	strcpy(s->oal_addr, "fd00:6f6d:6e69:1:2001:db8:1000:2000");
	s->uptime_s = 86461;
	s->pid = 4242;
	s->counters = g_ctr;
	s->n_counters = ARRAY_SIZE(g_ctr);
	s->underlays = underlays;
	s->n_underlays = ARRAY_SIZE(underlays);

	strcpy(peers[0].name, "beta");
	strcpy(peers[0].public_key, "Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyMTI=");
	strcpy(peers[0].endpoint, "192.0.2.20:8060");
	strcpy(peers[0].oal_addr, "fd00:6f6d:6e69:1:2001:db8:1000:3000");
	strcpy(peers[0].state, "established");
	peers[0].last_handshake = 1767225600;
	peers[0].last_rx_ms_ago = 120;
	peers[0].rx_packets = 10;
	peers[0].rx_bytes = 1234;
	peers[0].tx_packets = 12;
	peers[0].tx_bytes = 3456;
	peers[0].counters = p0_ctr;
	peers[0].n_counters = ARRAY_SIZE(p0_ctr);
	peers[0].prefixes = p0_pfx;
	peers[0].n_prefixes = ARRAY_SIZE(p0_pfx);

	strcpy(peers[1].name, "gamma");
	strcpy(peers[1].state, "idle");
	peers[1].last_handshake = 0;
	peers[1].last_rx_ms_ago = -1;
	s->peers = peers;
	s->n_peers = 2;
}

static void assert_counters_eq(const struct api_counter *a, size_t na, const struct api_counter *b,
			       size_t nb)
{
	cr_assert_eq(na, nb);
	for (size_t i = 0; i < na; i++) {
		cr_assert_str_eq(a[i].name, b[i].name);
		cr_assert_eq(a[i].value, b[i].value);
	}
}

static void assert_strlist_eq(char *const *a, size_t na, char *const *b, size_t nb)
{
	cr_assert_eq(na, nb);
	for (size_t i = 0; i < na; i++)
		cr_assert_str_eq(a[i], b[i]);
}

static void assert_status_eq(const struct api_status *a, const struct api_status *b)
{
	cr_assert_str_eq(a->node, b->node);
	cr_assert_str_eq(a->version, b->version);
	cr_assert_str_eq(a->public_key, b->public_key);
	cr_assert_str_eq(a->tun, b->tun);
	cr_assert_eq(a->mtu, b->mtu);
	cr_assert_str_eq(a->oal_addr, b->oal_addr);
	cr_assert_eq(a->uptime_s, b->uptime_s);
	cr_assert_eq(a->pid, b->pid);
	assert_counters_eq(a->counters, a->n_counters, b->counters, b->n_counters);
	assert_strlist_eq(a->underlays, a->n_underlays, b->underlays, b->n_underlays);
	cr_assert_eq(a->n_peers, b->n_peers);
	for (size_t i = 0; i < a->n_peers; i++) {
		const struct api_peer_status *p = &a->peers[i], *q = &b->peers[i];

		cr_assert_str_eq(p->name, q->name);
		cr_assert_str_eq(p->public_key, q->public_key);
		cr_assert_str_eq(p->endpoint, q->endpoint);
		cr_assert_str_eq(p->oal_addr, q->oal_addr);
		cr_assert_str_eq(p->state, q->state);
		cr_assert_eq(p->last_handshake, q->last_handshake);
		cr_assert_eq(p->last_rx_ms_ago, q->last_rx_ms_ago);
		cr_assert_eq(p->rx_packets, q->rx_packets);
		cr_assert_eq(p->rx_bytes, q->rx_bytes);
		cr_assert_eq(p->tx_packets, q->tx_packets);
		cr_assert_eq(p->tx_bytes, q->tx_bytes);
		assert_counters_eq(p->counters, p->n_counters, q->counters, q->n_counters);
		assert_strlist_eq(p->prefixes, p->n_prefixes, q->prefixes, q->n_prefixes);
	}
}

static void assert_zeroed(const struct api_status *s)
{
	static const struct api_status zero;

	cr_assert(memcmp(s, &zero, sizeof(zero)) == 0, "decode output not zeroed on failure");
}

/* Encode the sample and parse it back from text, as omnictl sees it. */
static json_t *sample_json(void)
{
	struct api_peer_status peers[2];
	struct api_status s;
	char err[128];
	json_t *j, *back;
	char *text;

	fill_sample(&s, peers);
	j = api_status_encode(&s);
	cr_assert_not_null(j);
	text = json_dumps(j, 0);
	cr_assert_not_null(text);
	json_decref(j);
	cr_assert_eq(api_json_parse(text, strlen(text), &back, err, sizeof(err)), 0, "%s", err);
	free(text);
	return back;
}

/* Decode @j (consumed) and expect -EBADMSG with @needle in the message. */
static void expect_reject(json_t *j, const char *needle)
{
	struct api_status out;
	char err[256] = "";

	cr_assert_eq(api_status_decode(j, &out, err, sizeof(err)), -EBADMSG,
		     "accepted although '%s' was broken", needle);
	cr_assert_not_null(strstr(err, needle), "error '%s' does not mention '%s'", err, needle);
	assert_zeroed(&out);
	json_decref(j);
}

static json_t *peer0(json_t *doc)
{
	return json_array_get(json_object_get(doc, "peers"), 0);
}

Test(api_schema, round_trip)
{
	struct api_peer_status peers[2];
	struct api_status s, out;
	char err[128];
	json_t *j = sample_json();

	fill_sample(&s, peers);
	cr_assert_eq(api_status_decode(j, &out, err, sizeof(err)), 0, "%s", err);
	assert_status_eq(&s, &out);
	api_status_free(&out);
	assert_zeroed(&out);
	json_decref(j);
}

Test(api_schema, round_trip_empty)
{
	struct api_status s = {.mtu = 1280}, out;
	json_t *j = api_status_encode(&s);
	char err[128];

	cr_assert_eq(api_status_decode(j, &out, err, sizeof(err)), 0, "%s", err);
	assert_status_eq(&s, &out);
	cr_assert_null(out.peers);
	cr_assert_null(out.counters);
	cr_assert_null(out.underlays);
	api_status_free(&out);
	json_decref(j);
}

Test(api_schema, round_trip_extremes)
{
	struct api_peer_status peers[2];
	struct api_status s, out;
	char err[128];
	json_t *j;

	fill_sample(&s, peers);
	s.mtu = UINT32_MAX;
	s.pid = INT_MAX;
	s.uptime_s = (uint64_t)INT64_MAX;
	peers[0].last_handshake = INT64_MAX;
	peers[0].rx_bytes = (uint64_t)INT64_MAX;
	memset(s.node, 'n', sizeof(s.node) - 1); /* exactly the longest name */
	memset(s.version, 'v', sizeof(s.version) - 1);
	j = api_status_encode(&s);
	cr_assert_eq(api_status_decode(j, &out, err, sizeof(err)), 0, "%s", err);
	assert_status_eq(&s, &out);
	api_status_free(&out);
	json_decref(j);
}

Test(api_schema, encode_shape)
{
	json_t *j = sample_json(), *p, *c;

	cr_assert_str_eq(json_string_value(json_object_get(j, "node")), "alpha");
	cr_assert_eq(json_integer_value(json_object_get(j, "mtu")), 9180);
	cr_assert_eq(json_integer_value(json_object_get(j, "pid")), 4242);
	c = json_object_get(j, "counters");
	cr_assert(json_is_object(c));
	cr_assert_eq(json_object_size(c), 3);
	cr_assert_eq(json_integer_value(json_object_get(c, "rx_packets")), 12);
	cr_assert_eq(json_integer_value(json_object_get(c, "drop_no_route")), 0);
	cr_assert(json_is_array(json_object_get(j, "underlays")));
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(j, "underlays"), 1)),
			 "wlan0 [::]:8060");
	cr_assert_eq(json_array_size(json_object_get(j, "peers")), 2);
	p = peer0(j);
	cr_assert_str_eq(json_string_value(json_object_get(p, "state")), "established");
	cr_assert_eq(json_integer_value(json_object_get(p, "last_rx_ms_ago")), 120);
	cr_assert_eq(
	    json_integer_value(json_object_get(json_object_get(p, "counters"), "drop_bad_source")),
	    3);
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(p, "prefixes"), 1)),
			 "10.9.1.0/24");
	cr_assert_eq(json_integer_value(json_object_get(
			 json_array_get(json_object_get(j, "peers"), 1), "last_rx_ms_ago")),
		     -1);
	/* 8 scalars + counters, underlays, peers at the top; 11 + prefixes, counters per peer. */
	cr_assert_eq(json_object_size(j), 11);
	cr_assert_eq(json_object_size(p), 13);
	json_decref(j);
}

Test(api_schema, encode_clamps_and_sanitises)
{
	struct api_counter c[] = {{"huge", UINT64_MAX}};
	struct api_status s = {.counters = c, .n_counters = 1};
	json_t *j;

	strcpy(s.node, "ab\xff\xfe"
		       "c");
	memset(s.tun, 'x', sizeof(s.tun)); /* not NUL-terminated: bounded by the array */
	j = api_status_encode(&s);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(j, "counters"), "huge")),
		     INT64_MAX);
	cr_assert_str_eq(json_string_value(json_object_get(j, "node")), "ab??c");
	cr_assert_eq(json_string_length(json_object_get(j, "tun")), sizeof(s.tun));
	json_decref(j);
}

Test(api_schema, tolerant_of_unknown_members)
{
	struct api_peer_status peers[2];
	struct api_status s, out;
	json_t *j = sample_json();
	char err[128];

	json_object_set_new(j, "future_member", json_pack("{s:[i,i]}", "x", 1, 2));
	json_object_set_new(j, "another", json_null());
	json_object_set_new(peer0(j), "rtt_ms", json_real(1.5));
	json_object_set_new(peer0(j), "paths", json_array());
	fill_sample(&s, peers);
	cr_assert_eq(api_status_decode(j, &out, err, sizeof(err)), 0, "%s", err);
	assert_status_eq(&s, &out);
	api_status_free(&out);
	json_decref(j);
}

Test(api_schema, rejects_non_object)
{
	expect_reject(json_array(), "expected an object");
	expect_reject(json_string("status"), "expected an object");
}

Test(api_schema, rejects_wrong_types_top)
{
	for (size_t i = 0; i < ARRAY_SIZE(top_strings); i++) {
		json_t *j = sample_json();

		json_object_set_new(j, top_strings[i], json_integer(1));
		expect_reject(j, top_strings[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(top_ints); i++) {
		json_t *j = sample_json();

		json_object_set_new(j, top_ints[i], json_string("1"));
		expect_reject(j, top_ints[i]);
		j = sample_json();
		json_object_set_new(j, top_ints[i], json_real(1.0));
		expect_reject(j, top_ints[i]);
		j = sample_json();
		json_object_set_new(j, top_ints[i], json_true());
		expect_reject(j, top_ints[i]);
	}
	{
		json_t *j = sample_json();

		json_object_set_new(j, "counters", json_array());
		expect_reject(j, "counters");
		j = sample_json();
		json_object_set_new(j, "underlays", json_object());
		expect_reject(j, "underlays");
		j = sample_json();
		json_object_set_new(j, "peers", json_object());
		expect_reject(j, "peers");
		j = sample_json();
		json_object_set_new(j, "counters", json_pack("{s:s}", "rx", "12"));
		expect_reject(j, "counters");
		j = sample_json();
		json_array_set_new(json_object_get(j, "underlays"), 0, json_integer(3));
		expect_reject(j, "underlays[0]");
		j = sample_json();
		json_array_set_new(json_object_get(j, "peers"), 1, json_string("gamma"));
		expect_reject(j, "peers[1]");
	}
}

Test(api_schema, rejects_wrong_types_peer)
{
	char needle[64];

	for (size_t i = 0; i < ARRAY_SIZE(peer_strings); i++) {
		json_t *j = sample_json();

		json_object_set_new(peer0(j), peer_strings[i], json_false());
		snprintf(needle, sizeof(needle), "peers[0].%s", peer_strings[i]);
		expect_reject(j, needle);
	}
	for (size_t i = 0; i < ARRAY_SIZE(peer_ints); i++) {
		json_t *j = sample_json();

		json_object_set_new(peer0(j), peer_ints[i], json_string("5"));
		snprintf(needle, sizeof(needle), "peers[0].%s", peer_ints[i]);
		expect_reject(j, needle);
	}
	{
		json_t *j = sample_json();

		json_object_set_new(peer0(j), "prefixes", json_string("10.0.0.0/8"));
		expect_reject(j, "peers[0].prefixes");
		j = sample_json();
		json_object_set_new(peer0(j), "counters", json_integer(0));
		expect_reject(j, "peers[0].counters");
	}
}

Test(api_schema, rejects_missing_members)
{
	static const char *const top_all[] = {"node",	  "version",   "public_key", "tun",
					      "mtu",	  "oal_addr",  "uptime_s",   "pid",
					      "counters", "underlays", "peers"};
	static const char *const peer_all[] = {
	    "name",	      "public_key",	"endpoint",   "oal_addr", "state",
	    "last_handshake", "last_rx_ms_ago", "rx_packets", "rx_bytes", "tx_packets",
	    "tx_bytes",	      "prefixes",	"counters",
	};
	char needle[64];

	for (size_t i = 0; i < ARRAY_SIZE(top_all); i++) {
		json_t *j = sample_json();

		json_object_del(j, top_all[i]);
		snprintf(needle, sizeof(needle), "%s: missing", top_all[i]);
		expect_reject(j, needle);
	}
	for (size_t i = 0; i < ARRAY_SIZE(peer_all); i++) {
		json_t *j = sample_json();

		/* The second peer, so the first one's allocations must be freed. */
		json_object_del(json_array_get(json_object_get(j, "peers"), 1), peer_all[i]);
		snprintf(needle, sizeof(needle), "peers[1].%s: missing", peer_all[i]);
		expect_reject(j, needle);
	}
}

Test(api_schema, string_length_limits)
{
	char buf[256], needle[64];

	for (size_t i = 0; i < ARRAY_SIZE(top_strings); i++) {
		struct api_status out;
		json_t *j = sample_json();
		char err[128];

		memset(buf, 'a', top_caps[i] - 1);
		buf[top_caps[i] - 1] = '\0';
		json_object_set_new(j, top_strings[i], json_string(buf));
		cr_assert_eq(api_status_decode(j, &out, err, sizeof(err)), 0, "%s", err);
		{
			json_t *re = api_status_encode(&out);

			cr_assert_str_eq(json_string_value(json_object_get(re, top_strings[i])),
					 buf);
			json_decref(re);
		}
		api_status_free(&out);
		buf[top_caps[i] - 1] = 'a';
		buf[top_caps[i]] = '\0';
		json_object_set_new(j, top_strings[i], json_string(buf));
		snprintf(needle, sizeof(needle), "%s: string too long", top_strings[i]);
		expect_reject(j, needle);
	}
	for (size_t i = 0; i < ARRAY_SIZE(peer_strings); i++) {
		json_t *j = sample_json();

		memset(buf, 'b', peer_caps[i]);
		buf[peer_caps[i]] = '\0';
		json_object_set_new(peer0(j), peer_strings[i], json_string(buf));
		snprintf(needle, sizeof(needle), "peers[0].%s: string too long", peer_strings[i]);
		expect_reject(j, needle);
	}
	{
		json_t *j = sample_json();

		memset(buf, 'c', API_LIST_STRING_MAX);
		buf[API_LIST_STRING_MAX] = '\0';
		json_array_append_new(json_object_get(peer0(j), "prefixes"), json_string(buf));
		expect_reject(j, "peers[0].prefixes[2]: string too long");
		j = sample_json();
		json_object_set_new(j, "node", json_stringn("al\0pha", 6));
		expect_reject(j, "node: string contains NUL");
		j = sample_json();
		memset(buf, 'k', API_COUNTER_NAME_MAX);
		buf[API_COUNTER_NAME_MAX] = '\0';
		json_object_set_new(json_object_get(j, "counters"), buf, json_integer(1));
		expect_reject(j, "bad counter name");
		j = sample_json();
		json_object_set_new(json_object_get(j, "counters"), "", json_integer(1));
		expect_reject(j, "bad counter name");
	}
}

Test(api_schema, integer_ranges)
{
	static const struct {
		bool peer;
		const char *key;
		json_int_t bad, good;
	} cases[] = {
	    {false, "mtu", (json_int_t)UINT32_MAX + 1, UINT32_MAX},
	    {false, "mtu", -1, 0},
	    {false, "pid", -1, 1},
	    {false, "pid", (json_int_t)INT_MAX + 1, INT_MAX},
	    {false, "uptime_s", -1, 0},
	    {true, "last_handshake", -1, 0},
	    {true, "last_rx_ms_ago", -2, -1},
	    {true, "rx_packets", -1, INT64_MAX},
	    {true, "rx_bytes", -1, 0},
	    {true, "tx_packets", INT64_MIN, 0},
	    {true, "tx_bytes", -5, 5},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct api_status out;
		json_t *j = sample_json();
		json_t *o = cases[i].peer ? peer0(j) : j;
		char err[128];

		json_object_set_new(o, cases[i].key, json_integer(cases[i].good));
		cr_assert_eq(api_status_decode(j, &out, err, sizeof(err)), 0, "%s: %s",
			     cases[i].key, err);
		api_status_free(&out);
		json_object_set_new(o, cases[i].key, json_integer(cases[i].bad));
		expect_reject(j, cases[i].key);
	}
}

Test(api_schema, negative_counters)
{
	json_t *j = sample_json();

	json_object_set_new(json_object_get(j, "counters"), "rx_packets", json_integer(-1));
	expect_reject(j, "counters");
	j = sample_json();
	json_object_set_new(json_object_get(peer0(j), "counters"), "drop_replay", json_integer(-7));
	expect_reject(j, "peers[0].counters");
}

Test(api_schema, element_limits)
{
	json_t *j = sample_json(), *c = json_object_get(j, "counters");
	struct api_status out;
	char name[32], err[128];

	json_object_clear(c);
	for (int i = 0; i < API_MAX_COUNTERS; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		json_object_set_new(c, name, json_integer(i));
	}
	cr_assert_eq(api_status_decode(j, &out, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(out.n_counters, API_MAX_COUNTERS);
	cr_assert_str_eq(out.counters[API_MAX_COUNTERS - 1].name, "c1023");
	cr_assert_eq(out.counters[API_MAX_COUNTERS - 1].value, 1023);
	api_status_free(&out);
	json_object_set_new(c, "one_more", json_integer(1));
	expect_reject(j, "counters: too many");

	j = sample_json();
	for (int i = 0; i < API_MAX_UNDERLAYS; i++)
		json_array_append_new(json_object_get(j, "underlays"), json_string("x 1.2.3.4:1"));
	expect_reject(j, "underlays: too many");
}

Test(api_schema, error_object)
{
	char code[API_ERROR_CODE_MAX], msg[16];
	json_t *j = api_error_encode(API_ERR_NOT_FOUND, "no such endpoint at all", -ENOENT);
	json_t *e = json_object_get(j, "error");

	cr_assert_str_eq(json_string_value(json_object_get(e, "code")), "not_found");
	cr_assert_eq(json_integer_value(json_object_get(e, "errno")), ENOENT);
	cr_assert_eq(api_error_decode(j, code, sizeof(code), msg, sizeof(msg)), 0);
	cr_assert_str_eq(code, "not_found");
	cr_assert_str_eq(msg, "no such endpoin"); /* truncated to the buffer */
	json_decref(j);

	j = api_error_encode(API_ERR_INTERNAL, NULL, EIO);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(j, "error"), "errno")),
		     EIO);
	cr_assert_eq(api_error_decode(j, code, sizeof(code), msg, sizeof(msg)), 0);
	cr_assert_str_eq(msg, "");
	json_decref(j);

	j = json_pack("{s:{s:s}}", "error", "code", "busy");
	cr_assert_eq(api_error_decode(j, code, sizeof(code), msg, sizeof(msg)), 0);
	cr_assert_str_eq(code, "busy");
	json_decref(j);

	j = sample_json();
	cr_assert_eq(api_error_decode(j, code, sizeof(code), msg, sizeof(msg)), -EBADMSG);
	json_decref(j);
	j = json_pack("{s:{s:i}}", "error", "code", 1);
	cr_assert_eq(api_error_decode(j, code, sizeof(code), msg, sizeof(msg)), -EBADMSG);
	json_decref(j);
	j = json_pack("{s:{s:s}}", "error", "code", "");
	cr_assert_eq(api_error_decode(j, code, sizeof(code), msg, sizeof(msg)), -EBADMSG);
	json_decref(j);
	j = json_pack("{s:{s:s, s:i}}", "error", "code", "x", "message", 3);
	cr_assert_eq(api_error_decode(j, code, sizeof(code), msg, sizeof(msg)), -EBADMSG);
	json_decref(j);
	j = json_pack("{s:{s:s}}", "error", "code", "a_code_longer_than_eight");
	cr_assert_eq(api_error_decode(j, code, 8, msg, sizeof(msg)), -EBADMSG);
	json_decref(j);
	j = json_pack("{s:s}", "error", "not_found");
	cr_assert_eq(api_error_decode(j, code, sizeof(code), msg, sizeof(msg)), -EBADMSG);
	json_decref(j);
}

static int parse(const char *s, json_t **out)
{
	char err[128];

	return api_json_parse(s, strlen(s), out, err, sizeof(err));
}

Test(api_schema, json_parse_strict)
{
	char deep[2 * (API_JSON_MAX_DEPTH + 1) + 1];
	json_t *j;
	char *big;

	cr_assert_eq(parse("{\"a\":1}", &j), 0);
	json_decref(j);
	cr_assert_eq(parse("{\"a\":1,\"a\":2}", &j), -EBADMSG);
	cr_assert_null(j);
	cr_assert_eq(parse("{\"a\":1} x", &j), -EBADMSG);
	cr_assert_eq(parse("{\"a\":", &j), -EBADMSG);
	cr_assert_eq(parse("", &j), -EBADMSG);
	cr_assert_eq(parse("{\"a\":\"\\u0000\"}", &j), -EBADMSG);

	/* API_JSON_MAX_DEPTH nested arrays pass, one more fails. */
	memset(deep, '[', API_JSON_MAX_DEPTH);
	memset(deep + API_JSON_MAX_DEPTH, ']', API_JSON_MAX_DEPTH);
	deep[2 * API_JSON_MAX_DEPTH] = '\0';
	cr_assert_eq(parse(deep, &j), 0);
	json_decref(j);
	memset(deep, '[', API_JSON_MAX_DEPTH + 1);
	memset(deep + API_JSON_MAX_DEPTH + 1, ']', API_JSON_MAX_DEPTH + 1);
	deep[2 * (API_JSON_MAX_DEPTH + 1)] = '\0';
	cr_assert_eq(parse(deep, &j), -EBADMSG);
	cr_assert_null(j);

	big = calloc(1, API_RESPONSE_MAX + 2);
	cr_assert_not_null(big);
	memset(big, ' ', API_RESPONSE_MAX + 1);
	big[0] = '[';
	big[API_RESPONSE_MAX] = ']';
	cr_assert_eq(api_json_parse(big, API_RESPONSE_MAX + 1, &j, NULL, 0), -EMSGSIZE);
	cr_assert_eq(api_json_parse(big, API_RESPONSE_MAX, &j, NULL, 0), -EBADMSG); /* no ']' */
	big[API_RESPONSE_MAX - 1] = ']';
	cr_assert_eq(api_json_parse(big, API_RESPONSE_MAX, &j, NULL, 0), 0);
	json_decref(j);
	free(big);
}

/* Every truncation of a valid document is either rejected by the parser or by the decoder. */
Test(api_schema, truncated_documents)
{
	json_t *j = sample_json();
	char *text = json_dumps(j, JSON_COMPACT);
	size_t len = strlen(text);

	json_decref(j);
	for (size_t n = 0; n < len; n++) {
		struct api_status out;
		json_t *t;

		if (api_json_parse(text, n, &t, NULL, 0) < 0)
			continue;
		cr_assert_eq(api_status_decode(t, &out, NULL, 0), -EBADMSG, "prefix %zu decoded",
			     n);
		json_decref(t);
	}
	free(text);
}

/* ---- GET /v1/dns/names ---- */

static char *dns_addrs0[] = {"2001:db8:a::1", "10.77.0.1"};
static char *dns_listen[] = {"[2001:db8:a::1]:53", "10.77.0.1:53"};

static void fill_dns(struct api_dns_names *d, struct api_dns_name n[2])
{
	memset(d, 0, sizeof(*d));
	memset(n, 0, 2 * sizeof(*n));
	snprintf(d->zone, sizeof(d->zone), "corp.internal");
	d->ttl = 60;
	d->serial = 4000000000u;
	d->listen_port = 53;
	d->listen = dns_listen;
	d->n_listen = 2;
	snprintf(n[0].name, sizeof(n[0].name), "alpha.corp.internal");
	snprintf(n[0].id, sizeof(n[0].id), "a1a2a3a4a5a6a7a8");
	snprintf(n[0].source, sizeof(n[0].source), "self");
	n[0].ttl = 60;
	n[0].addresses = dns_addrs0;
	n[0].n_addresses = 2;
	snprintf(n[1].name, sizeof(n[1].name), "empty.corp.internal");
	snprintf(n[1].source, sizeof(n[1].source), "registration");
	n[1].ttl = 0;
	d->names = n;
	d->n_names = 2;
}

Test(api_schema, dns_names_round_trip)
{
	struct api_dns_names d, out;
	struct api_dns_name n[2];
	char err[128];
	json_t *j;

	fill_dns(&d, n);
	j = api_dns_names_encode(&d);
	cr_assert_eq(api_dns_names_decode(j, &out, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(out.zone, "corp.internal");
	cr_assert_eq(out.ttl, 60);
	cr_assert_eq(out.serial, 4000000000u);
	cr_assert_eq(out.listen_port, 53);
	cr_assert_eq(out.n_listen, 2);
	cr_assert_str_eq(out.listen[1], "10.77.0.1:53");
	cr_assert_eq(out.n_names, 2);
	cr_assert_str_eq(out.names[0].name, "alpha.corp.internal");
	cr_assert_str_eq(out.names[0].id, "a1a2a3a4a5a6a7a8");
	cr_assert_str_eq(out.names[0].source, "self");
	cr_assert_eq(out.names[0].ttl, 60);
	cr_assert_eq(out.names[0].n_addresses, 2);
	cr_assert_str_eq(out.names[0].addresses[0], "2001:db8:a::1");
	cr_assert_str_eq(out.names[1].id, "");
	cr_assert_eq(out.names[1].n_addresses, 0);
	cr_assert_null(out.names[1].addresses);
	/* Encoding the decoded struct gives the same document. */
	json_t *again = api_dns_names_encode(&out);
	cr_assert(json_equal(j, again));
	json_decref(again);
	api_dns_names_free(&out);
	cr_assert_eq(out.n_names, 0);
	json_decref(j);

	/* Empty table. */
	memset(&d, 0, sizeof(d));
	j = api_dns_names_encode(&d);
	cr_assert_eq(api_dns_names_decode(j, &out, NULL, 0), 0);
	cr_assert_eq(out.n_names + out.n_listen, 0);
	api_dns_names_free(&out);
	json_decref(j);
}

Test(api_schema, dns_names_rejections)
{
	static const struct {
		const char *path, *json, *needle;
	} cases[] = {
	    {NULL, "[]", "expected an object"},
	    {"", "{\"zone\": 1}", "zone"},
	    {"", "{\"listen_port\": 65536}", "listen_port"},
	    {"", "{\"ttl\": -1}", "ttl"},
	    {"", "{\"names\": {}}", "names"},
	    {"", "{\"listen\": [1]}", "listen[0]"},
	    {"n", "{\"id\": \"a1a2a3a4a5a6a7a8a\"}", "names[0].id"},
	    {"n", "{\"source\": \"registration-long\"}", "names[0].source"},
	    {"n", "{\"addresses\": \"10.0.0.1\"}", "names[0].addresses"},
	    {"n", "{\"ttl\": 4294967296}", "names[0].ttl"},
	    {"n", "{\"name\": null}", "names[0].name"},
	};
	struct api_dns_names d, out;
	struct api_dns_name n[2];
	char err[128];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		json_t *j, *patch;

		fill_dns(&d, n);
		j = api_dns_names_encode(&d);
		if (cases[i].path) {
			patch = json_loads(cases[i].json, 0, NULL);
			cr_assert_not_null(patch);
			json_object_update(cases[i].path[0] ? json_array_get(json_object_get(j,
							"names"), 0)
							    : j,
					   patch);
			json_decref(patch);
		} else {
			json_decref(j);
			j = json_loads(cases[i].json, 0, NULL);
		}
		cr_assert_eq(api_dns_names_decode(j, &out, err, sizeof(err)), -EBADMSG, "case %zu",
			     i);
		cr_assert_not_null(strstr(err, cases[i].needle), "case %zu: %s", i, err);
		cr_assert_eq(out.n_names + out.n_listen, 0);
		cr_assert_null(out.names);
		json_decref(j);
	}
	/* Missing members. */
	static const char *const top[] = {"zone", "ttl", "serial", "listen_port", "listen",
					  "names"};
	for (size_t i = 0; i < ARRAY_SIZE(top); i++) {
		json_t *j;

		fill_dns(&d, n);
		j = api_dns_names_encode(&d);
		json_object_del(j, top[i]);
		cr_assert_eq(api_dns_names_decode(j, &out, err, sizeof(err)), -EBADMSG);
		cr_assert_not_null(strstr(err, "missing"), "%s", err);
		json_decref(j);
	}
}

/* ---- request bodies (POST /v1/peers, /v1/routes, PUT /v1/log, /v1/ehfilter, POST /v1/reload) ---- */

static json_t *jparse(const char *s)
{
	json_t *j = NULL;
	char err[128];

	cr_assert_eq(api_json_parse(s, strlen(s), &j, err, sizeof(err)), 0, "%s: %s", s, err);
	return j;
}

#define KEY44 "N+T3FEOjg5sZ7u3PbOgpRPrf8l5VTb73RDND4HtLe+A="

static void peer_reject(const char *s, const char *needle)
{
	struct api_peer_req r;
	char err[256] = "";
	json_t *j = jparse(s);

	cr_assert_eq(api_peer_req_decode(j, &r, err, sizeof(err)), -EBADMSG, "accepted: %s", s);
	cr_assert_not_null(strstr(err, needle), "'%s' lacks '%s' for %s", err, needle, s);
	cr_assert_eq(r.name[0], '\0');
	cr_assert_eq(r.n_endpoints, 0);
	json_decref(j);
}

Test(api_schema, peer_req_round_trip)
{
	struct api_peer_req in = { 0 }, out;
	char err[128];
	json_t *j, *k;
	char *text;

	snprintf(in.name, sizeof(in.name), "gamma");
	snprintf(in.public_key, sizeof(in.public_key), KEY44);
	snprintf(in.endpoints[0], sizeof(in.endpoints[0]), "192.0.2.3:8060");
	snprintf(in.endpoints[1], sizeof(in.endpoints[1]), "[2001:db8::3]:8060");
	in.n_endpoints = 2;
	snprintf(in.mnp, sizeof(in.mnp), "2001:db8:4000::/56");
	snprintf(in.allowed[0], sizeof(in.allowed[0]), "10.9.0.0/24");
	in.n_allowed = 1;
	in.has_keepalive = true;
	in.keepalive = 25;
	j = api_peer_req_encode(&in);
	text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	cr_assert_str_eq(text, "{\"allowed_prefix\":[\"10.9.0.0/24\"],\"endpoint\":[\"192.0.2.3:8060\","
			       "\"[2001:db8::3]:8060\"],\"mnp\":\"2001:db8:4000::/56\",\"name\":\"gamma\","
			       "\"persistent_keepalive\":25,\"public_key\":\"" KEY44 "\"}");
	k = jparse(text);
	cr_assert_eq(api_peer_req_decode(k, &out, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(memcmp(&in, &out, sizeof(in)), 0);
	free(text);
	json_decref(j);
	json_decref(k);

	/* msid instead of mnp; a single endpoint string is a list of one. */
	k = jparse("{\"name\":\"m\",\"public_key\":\"" KEY44 "\",\"msid\":4294967295,"
		   "\"endpoint\":\"10.0.0.1:1\"}");
	cr_assert_eq(api_peer_req_decode(k, &out, err, sizeof(err)), 0, "%s", err);
	cr_assert(out.has_msid);
	cr_assert_eq(out.msid, UINT32_MAX);
	cr_assert_eq(out.n_endpoints, 1);
	cr_assert_str_eq(out.endpoints[0], "10.0.0.1:1");
	cr_assert_str_eq(out.mnp, "");
	json_decref(k);
}

Test(api_schema, peer_req_rejects)
{
	peer_reject("[]", "expected an object");
	peer_reject("{\"public_key\":\"" KEY44 "\",\"mnp\":\"2001:db8::/48\"}", "name: missing");
	peer_reject("{\"name\":\"a\",\"mnp\":\"2001:db8::/48\"}", "public_key: missing");
	peer_reject("{\"name\":\"a\",\"public_key\":\"" KEY44 "\"}", "exactly one of");
	peer_reject("{\"name\":\"a\",\"public_key\":\"" KEY44 "\",\"mnp\":\"2001:db8::/48\","
		    "\"msid\":5}",
		    "exactly one of");
	peer_reject("{\"name\":\"a\",\"public_key\":\"" KEY44 "\",\"mnp\":\"x\",\"bogus\":1}",
		    "unknown member 'bogus'");
	peer_reject("{\"name\":7,\"public_key\":\"k\",\"mnp\":\"x\"}", "name: expected a string");
	peer_reject("{\"name\":\"\",\"public_key\":\"k\",\"mnp\":\"x\"}", "name: empty");
	peer_reject("{\"name\":\"a\\n[api]\",\"public_key\":\"k\",\"mnp\":\"x\"}",
		    "name: control or non-ASCII");
	peer_reject("{\"name\":\"a\",\"public_key\":\"k\\u00e9\",\"mnp\":\"x\"}",
		    "public_key: control or non-ASCII");
	peer_reject("{\"name\":\" a\",\"public_key\":\"k\",\"mnp\":\"x\"}", "leading or trailing");
	peer_reject("{\"name\":\"a\",\"public_key\":\"k\",\"msid\":0}", "msid: 0 out of range");
	peer_reject("{\"name\":\"a\",\"public_key\":\"k\",\"msid\":4294967296}", "out of range");
	peer_reject("{\"name\":\"a\",\"public_key\":\"k\",\"msid\":1.5}", "msid: expected an integer");
	peer_reject("{\"name\":\"a\",\"public_key\":\"k\",\"mnp\":\"x\",\"persistent_keepalive\":65536}",
		    "persistent_keepalive: 65536 out of range");
	peer_reject("{\"name\":\"a\",\"public_key\":\"k\",\"mnp\":\"x\",\"endpoint\":{}}",
		    "endpoint: expected a string or an array");
	peer_reject("{\"name\":\"a\",\"public_key\":\"k\",\"mnp\":\"x\",\"endpoint\":[\"1\",2]}",
		    "endpoint[1]: expected a string");
	peer_reject("{\"name\":\"a\",\"public_key\":\"k\",\"mnp\":\"x\",\"allowed_prefix\":[\"a\\tb\"]}",
		    "allowed_prefix[0]: control");

	/* Length caps: name 63, values 150. */
	char buf[1024], longv[200];

	memset(longv, 'a', sizeof(longv));
	longv[64] = '\0';
	snprintf(buf, sizeof(buf), "{\"name\":\"%s\",\"public_key\":\"k\",\"mnp\":\"x\"}", longv);
	peer_reject(buf, "name: string too long");
	longv[64] = 'a';
	longv[151] = '\0';
	snprintf(buf, sizeof(buf), "{\"name\":\"a\",\"public_key\":\"%s\",\"mnp\":\"x\"}", longv);
	peer_reject(buf, "public_key: string too long");
	longv[150] = '\0';
	snprintf(buf, sizeof(buf), "{\"name\":\"a\",\"public_key\":\"%s\",\"mnp\":\"x\"}", longv);
	{
		struct api_peer_req r;
		json_t *j = jparse(buf);

		cr_assert_eq(api_peer_req_decode(j, &r, NULL, 0), 0);
		cr_assert_eq(strlen(r.public_key), 150);
		json_decref(j);
	}
	/* Element caps. */
	strcpy(buf, "{\"name\":\"a\",\"public_key\":\"k\",\"mnp\":\"x\",\"endpoint\":[");
	for (int i = 0; i <= API_REQ_MAX_ENDPOINTS; i++)
		strcat(buf, i ? ",\"e\"" : "\"e\"");
	strcat(buf, "]}");
	peer_reject(buf, "endpoint: too many (17, max 16)");
}

Test(api_schema, route_log_reload_reqs)
{
	struct api_route_req rr;
	struct api_log_req lr;
	struct api_reload_req rl;
	char err[128];
	json_t *j, *e;

	j = jparse("{\"prefix\":\"2001:db8:9::/48\",\"peer\":\"beta\"}");
	cr_assert_eq(api_route_req_decode(j, &rr, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(rr.prefix, "2001:db8:9::/48");
	cr_assert_str_eq(rr.peer, "beta");
	e = api_route_req_encode(&rr);
	cr_assert(json_equal(e, j));
	json_decref(e);
	json_decref(j);
	j = jparse("{\"prefix\":\"2001:db8:9::/48\"}");
	cr_assert_eq(api_route_req_decode(j, &rr, err, sizeof(err)), -EBADMSG);
	cr_assert_not_null(strstr(err, "peer: expected a string"));
	json_decref(j);
	j = jparse("{\"prefix\":\"p\",\"peer\":\"b\",\"via\":\"x\"}");
	cr_assert_eq(api_route_req_decode(j, &rr, err, sizeof(err)), -EBADMSG);
	json_decref(j);

	j = jparse("{\"level\":\"debug\",\"debug\":[\"api\",\"peer\"]}");
	cr_assert_eq(api_log_req_decode(j, &lr, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(lr.level, "debug");
	cr_assert(lr.has_debug);
	cr_assert_eq(lr.n_debug, 2);
	cr_assert_str_eq(lr.debug[1], "peer");
	e = api_log_req_encode(&lr);
	cr_assert(json_equal(e, j));
	json_decref(e);
	json_decref(j);
	j = jparse("{\"debug\":[]}"); /* turn every group off */
	cr_assert_eq(api_log_req_decode(j, &lr, err, sizeof(err)), 0);
	cr_assert(lr.has_debug);
	cr_assert_eq(lr.n_debug, 0);
	json_decref(j);
	static const char *const bad_log[] = { "{}", "{\"level\":1}", "{\"level\":\"verbose!\"}",
					       "{\"debug\":\"api\"}", "{\"debug\":[1]}",
					       "{\"level\":\"info\",\"x\":1}" };
	for (size_t i = 0; i < sizeof(bad_log) / sizeof(bad_log[0]); i++) {
		j = jparse(bad_log[i]);
		cr_assert_eq(api_log_req_decode(j, &lr, err, sizeof(err)), -EBADMSG, "%s",
			     bad_log[i]);
		json_decref(j);
	}

	cr_assert_eq(api_reload_req_decode(NULL, &rl, err, sizeof(err)), 0);
	cr_assert(!rl.check);
	j = jparse("{\"check\":true}");
	cr_assert_eq(api_reload_req_decode(j, &rl, err, sizeof(err)), 0);
	cr_assert(rl.check);
	e = api_reload_req_encode(&rl);
	cr_assert(json_equal(e, j));
	json_decref(e);
	json_decref(j);
	j = jparse("{\"check\":1}");
	cr_assert_eq(api_reload_req_decode(j, &rl, err, sizeof(err)), -EBADMSG);
	json_decref(j);
	j = jparse("{\"check\":false,\"force\":true}");
	cr_assert_eq(api_reload_req_decode(j, &rl, err, sizeof(err)), -EBADMSG);
	json_decref(j);
}

Test(api_schema, ehfilter_req)
{
	struct api_ehfilter_req *r = calloc(1, sizeof(*r));
	char err[128];
	json_t *j, *e;

	cr_assert_not_null(r);
	j = jparse("{\"ehfilter\":{\"max_eh_count\":\"5\",\"hbh\":\"drop\"},"
		   "\"ehfilter_exit\":{\"hbh\":\"strip\"}}");
	cr_assert_eq(api_ehfilter_req_decode(j, r, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(r->n_entry, 2);
	cr_assert_eq(r->n_exit, 1);
	cr_assert_str_eq(r->exit[0].key, "hbh");
	cr_assert_str_eq(r->exit[0].value, "strip");
	e = api_ehfilter_req_encode(r);
	cr_assert(json_equal(e, j));
	json_decref(e);
	json_decref(j);
	static const char *const bad[] = { "{}", "{\"ehfilter\":{}}", "{\"ehfilter\":[]}",
					   "{\"ehfilter\":{\"Bad-Key\":\"1\"}}",
					   "{\"ehfilter\":{\"k\":1}}", "{\"ehfilter\":{\"k\":\"a\\nb\"}}",
					   "{\"other\":{\"k\":\"v\"}}" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		j = jparse(bad[i]);
		cr_assert_eq(api_ehfilter_req_decode(j, r, err, sizeof(err)), -EBADMSG, "%s",
			     bad[i]);
		cr_assert_eq(r->n_entry + r->n_exit, 0);
		json_decref(j);
	}
	free(r);
}

/* Every prefix of a valid body either fails to parse or fails to decode; one bit flips never crash. */
Test(api_schema, request_truncation_and_flips)
{
	const char *doc = "{\"name\":\"gamma\",\"public_key\":\"" KEY44 "\",\"mnp\":\"2001:db8::/48\","
			  "\"endpoint\":[\"10.0.0.1:1\"],\"persistent_keepalive\":5}";
	size_t len = strlen(doc);
	char *buf = malloc(len + 1);
	struct api_peer_req r;
	size_t ok = 0;

	cr_assert_not_null(buf);
	for (size_t n = 0; n < len; n++) {
		json_t *t;

		if (api_json_parse(doc, n, &t, NULL, 0) < 0)
			continue;
		cr_assert_eq(api_peer_req_decode(t, &r, NULL, 0), -EBADMSG, "prefix %zu", n);
		json_decref(t);
	}
	for (size_t i = 0; i < len * 8; i++) {
		json_t *t;

		memcpy(buf, doc, len + 1);
		buf[i / 8] ^= (char)(1U << (i % 8));
		if (api_json_parse(buf, len, &t, NULL, 0) < 0)
			continue;
		if (api_peer_req_decode(t, &r, NULL, 0) == 0) {
			ok++;
			cr_assert_eq(r.n_endpoints, 1);
		}
		json_decref(t);
	}
	cr_assert_gt(ok, 0); /* flips inside the values still decode */
	free(buf);
}
