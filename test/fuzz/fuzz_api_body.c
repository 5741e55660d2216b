// SPDX-License-Identifier: MIT
/*
 * fuzz_api_body.c - libFuzzer target for the control API's request-body
 * decoders (api_schema.h): the first input byte picks the endpoint (peer add,
 * route add, log, reload, ehfilter), the rest is the body for api_json_parse().
 * Every decoder runs on every parsed body; a decoder that accepts must give a
 * struct that re-encodes, re-parses and decodes to the same bytes, and every
 * accepted string must be config-file safe (printable ASCII, no newline), since
 * the daemon writes these values into conf.d/90-api.conf. A rejection must leave
 * the struct zeroed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "api_schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void check_safe(const char *s)
{
	for (; *s; s++)
		check(*s >= 0x20 && *s <= 0x7e);
}

static json_t *reparse(json_t *enc)
{
	char *text = json_dumps(enc, JSON_COMPACT);
	json_t *j = NULL;

	check(text != NULL);
	check(api_json_parse(text, strlen(text), &j, NULL, 0) == 0);
	free(text);
	json_decref(enc);
	return j;
}

static void peer(const json_t *j)
{
	static struct api_peer_req a, b;
	json_t *r;

	if (api_peer_req_decode(j, &a, NULL, 0) < 0) {
		check(sodium_is_zero((const uint8_t *)&a, sizeof(a)));
		return;
	}
	check_safe(a.name);
	check_safe(a.public_key);
	check_safe(a.mnp);
	for (size_t i = 0; i < a.n_endpoints; i++)
		check_safe(a.endpoints[i]);
	for (size_t i = 0; i < a.n_allowed; i++)
		check_safe(a.allowed[i]);
	r = reparse(api_peer_req_encode(&a));
	check(api_peer_req_decode(r, &b, NULL, 0) == 0);
	check(memcmp(&a, &b, sizeof(a)) == 0);
	json_decref(r);
}

static void route(const json_t *j)
{
	struct api_route_req a, b;
	json_t *r;

	if (api_route_req_decode(j, &a, NULL, 0) < 0) {
		check(sodium_is_zero((const uint8_t *)&a, sizeof(a)));
		return;
	}
	check_safe(a.prefix);
	check_safe(a.peer);
	r = reparse(api_route_req_encode(&a));
	check(api_route_req_decode(r, &b, NULL, 0) == 0);
	check(memcmp(&a, &b, sizeof(a)) == 0);
	json_decref(r);
}

static void logreq(const json_t *j)
{
	struct api_log_req a, b;
	json_t *r;

	if (api_log_req_decode(j, &a, NULL, 0) < 0) {
		check(sodium_is_zero((const uint8_t *)&a, sizeof(a)));
		return;
	}
	r = reparse(api_log_req_encode(&a));
	check(api_log_req_decode(r, &b, NULL, 0) == 0);
	check(memcmp(&a, &b, sizeof(a)) == 0);
	json_decref(r);
}

static void reload(const json_t *j)
{
	struct api_reload_req a, b;
	json_t *r;

	if (api_reload_req_decode(j, &a, NULL, 0) < 0)
		return;
	r = reparse(api_reload_req_encode(&a));
	check(api_reload_req_decode(r, &b, NULL, 0) == 0);
	check(a.check == b.check);
	json_decref(r);
}

static void ehfilter(const json_t *j)
{
	static struct api_ehfilter_req a, b;
	json_t *r;

	if (api_ehfilter_req_decode(j, &a, NULL, 0) < 0) {
		check(sodium_is_zero((const uint8_t *)&a, sizeof(a)));
		return;
	}
	for (size_t i = 0; i < a.n_entry; i++)
		check_safe(a.entry[i].value);
	r = reparse(api_ehfilter_req_encode(&a));
	check(api_ehfilter_req_decode(r, &b, NULL, 0) == 0);
	/* JSON objects keep insertion order in jansson: same order back. */
	check(memcmp(&a, &b, sizeof(a)) == 0);
	json_decref(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	json_t *j = NULL;

	if (size < 1)
		return 0;
	if (api_json_parse((const char *)data + 1, size - 1, &j, err, sizeof(err)) < 0)
		return 0;
	switch (data[0] % 5) {
	case 0:
		peer(j);
		break;
	case 1:
		route(j);
		break;
	case 2:
		logreq(j);
		break;
	case 3:
		reload(j);
		break;
	default:
		ehfilter(j);
		break;
	}
	json_decref(j);
	return 0;
}
