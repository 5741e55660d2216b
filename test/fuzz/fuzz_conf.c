// SPDX-License-Identifier: MIT
/*
 * fuzz_conf.c - libFuzzer target for the config loader (conf_load.c through
 * libinih into conf_apply, then conf_finish). The input is loaded as one
 * file; if it contains a form feed, the text before it is a first file and
 * the rest a drop-in stacked on top (override / append / repeated-key
 * paths), and the two results are compared with conf_needs_restart.
 * Asserts: the loader returns 0 or -EINVAL, an error always has a message,
 * and nothing leaks or crashes (ASan/UBSan). Whatever parses (before
 * conf_finish) must round-trip through conf_section_values(): every unnamed
 * section rendered, parsed again and rendered again gives the same text.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int rc, const struct conf_err *err)
{
	if (rc != 0 && (rc != -EINVAL || err->msg[0] == '\0'))
		abort();
}

struct text {
	char *buf;
	size_t cap, len;
};

static int add_line(void *arg, const char *key, const char *value)
{
	struct text *t = arg;
	int n = snprintf(t->buf + t->len, t->cap - t->len, "%s = %s\n", key, value);

	if (n < 0 || (size_t)n >= t->cap - t->len)
		abort(); /* the capacity covers every line growing 4 times, plus the scalars */
	t->len += (size_t)n;
	return 0;
}

static void render(const struct conf *c, const char *section, struct text *t)
{
	t->len = (size_t)snprintf(t->buf, t->cap, "[%s]\n", section);
	if (conf_section_values(c, section, add_line, t) != 0)
		abort();
}

/* Render @section of @c, parse it into a fresh conf, render again: the same text. */
static void round_trip_one(const struct conf *c, const char *section, struct text *a,
			   struct text *b)
{
	struct conf_err err;
	struct conf d;

	render(c, section, a);
	conf_init(&d);
	if (conf_parse_string(&d, a->buf, "rendered.conf", &err) != 0)
		abort();
	render(&d, section, b);
	if (a->len != b->len || memcmp(a->buf, b->buf, a->len) != 0)
		abort();
	conf_free(&d);
}

/* format(parse(x)) parses to the same value, for every section and named object of @c. */
static void round_trip(const struct conf *c, size_t size)
{
	static const char *const secs[] = { "node", "omni", "secure", "api", "dns",
					    "ehfilter", "ehfilter.exit", "scion" };
	struct text a = { .cap = 4 * size + 16384 }, b = { .cap = 4 * size + 16384 };
	char name[CONF_NAME_MAX + 16];

	a.buf = malloc(a.cap);
	b.buf = malloc(b.cap);
	if (!a.buf || !b.buf)
		abort();
	for (size_t i = 0; i < sizeof(secs) / sizeof(secs[0]); i++)
		round_trip_one(c, secs[i], &a, &b);
#define EACH(kind, arr, n)                                                                         \
	for (size_t i = 0; i < c->n; i++) {                                                        \
		snprintf(name, sizeof(name), kind ".%s", c->arr[i].name);                          \
		round_trip_one(c, name, &a, &b);                                                   \
	}
	EACH("underlay", underlays, n_underlays)
	/* a [server.NAME] or [client.NAME] is a peer too, under its own section name */
	for (size_t i = 0; i < c->n_peers; i++) {
		const struct conf_peer *p = &c->peers[i];
		snprintf(name, sizeof(name), "%s.%s",
			 p->kind == CONF_PEER_SERVER   ? "server"
			 : p->kind == CONF_PEER_CLIENT ? "client"
						       : "peer",
			 p->name);
		round_trip_one(c, name, &a, &b);
	}
	EACH("issuer", issuers, n_issuers)
	EACH("agent", agents, n_agents)
	EACH("scion.route", scion_routes, n_scion_routes)
	EACH("scion.link", scion_links, n_scion_links)
#undef EACH
	free(a.buf);
	free(b.buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf a, b;
	struct conf_err err;
	char *text, *ff;
	int rc;

	if (size > 65536)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	conf_init(&a);
	if (conf_parse_string(&a, text, "fuzz.conf", &err) == 0)
		round_trip(&a, size);
	conf_free(&a);
	conf_init(&a);
	rc = conf_load_string(&a, text, "fuzz.conf", &err);
	check(rc, &err);
	if (rc == 0)
		round_trip(&a, size);

	ff = strchr(text, '\f');
	if (ff) {
		*ff = '\0';
		conf_init(&b);
		rc = conf_parse_string(&b, text, "10-first.conf", &err);
		check(rc, &err);
		if (rc == 0) {
			rc = conf_load_string(&b, ff + 1, "20-second.conf", &err);
			check(rc, &err);
		}
		if (rc == 0)
			(void)conf_needs_restart(&a, &b);
		conf_free(&b);
	}
	conf_free(&a);
	free(text);
	return 0;
}
