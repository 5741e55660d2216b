// SPDX-License-Identifier: MIT
/*
 * fuzz_api_schema.c - libFuzzer target for the control-API schema
 * (api_schema.[ch]): the input is a response body for api_json_parse(); a
 * parsed document goes through api_status_decode() and api_error_decode().
 * A decoded status is re-encoded with api_status_encode(), serialised,
 * parsed and decoded again, and must come back equal member for member; a
 * decoded error object is re-encoded with api_error_encode() and must decode
 * to the same code. Failures must leave the output zeroed with a message.
 */
#include <errno.h>
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

static void check_counters(const struct api_counter *a, size_t na, const struct api_counter *b,
			   size_t nb)
{
	check(na == nb);
	/* Encoding goes through a JSON object: compare as sets of names. */
	for (size_t i = 0; i < na; i++) {
		bool found = false;
		for (size_t k = 0; k < nb && !found; k++) {
			if (strcmp(a[i].name, b[k].name) == 0) {
				check(a[i].value == b[k].value);
				found = true;
			}
		}
		check(found);
	}
}

static void check_strlist(char *const *a, size_t na, char *const *b, size_t nb)
{
	check(na == nb);
	for (size_t i = 0; i < na; i++)
		check(strcmp(a[i], b[i]) == 0);
}

static void check_status_eq(const struct api_status *a, const struct api_status *b)
{
	check(strcmp(a->node, b->node) == 0);
	check(strcmp(a->version, b->version) == 0);
	check(strcmp(a->public_key, b->public_key) == 0);
	check(strcmp(a->tun, b->tun) == 0);
	check(strcmp(a->oal_addr, b->oal_addr) == 0);
	check(a->mtu == b->mtu);
	check(a->uptime_s == b->uptime_s);
	check(a->pid == b->pid);
	check_counters(a->counters, a->n_counters, b->counters, b->n_counters);
	check_strlist(a->underlays, a->n_underlays, b->underlays, b->n_underlays);
	check(a->n_peers == b->n_peers);
	for (size_t i = 0; i < a->n_peers; i++) {
		const struct api_peer_status *p = &a->peers[i], *q = &b->peers[i];
		check(strcmp(p->name, q->name) == 0);
		check(strcmp(p->public_key, q->public_key) == 0);
		check(strcmp(p->endpoint, q->endpoint) == 0);
		check(strcmp(p->oal_addr, q->oal_addr) == 0);
		check(strcmp(p->state, q->state) == 0);
		check(p->last_handshake == q->last_handshake);
		check(p->last_rx_ms_ago == q->last_rx_ms_ago);
		check(p->rx_packets == q->rx_packets && p->rx_bytes == q->rx_bytes);
		check(p->tx_packets == q->tx_packets && p->tx_bytes == q->tx_bytes);
		check_counters(p->counters, p->n_counters, q->counters, q->n_counters);
		check_strlist(p->prefixes, p->n_prefixes, q->prefixes, q->n_prefixes);
	}
}

static void status_round_trip(const struct api_status *st)
{
	struct api_status st2, st3;
	char err[256];
	json_t *enc, *again;
	char *text;

	enc = api_status_encode(st);
	check(enc != NULL);
	check(api_status_decode(enc, &st2, err, sizeof(err)) == 0);
	check_status_eq(st, &st2);
	api_status_free(&st2);
	check(sodium_is_zero((const uint8_t *)&st2, sizeof(st2)));

	/* Through text, as omnictl would see it. */
	text = json_dumps(enc, JSON_COMPACT);
	check(text != NULL);
	check(api_json_parse(text, strlen(text), &again, err, sizeof(err)) == 0);
	check(api_status_decode(again, &st3, err, sizeof(err)) == 0);
	check_status_eq(st, &st3);
	api_status_free(&st3);
	json_decref(again);
	free(text);
	json_decref(enc);
}

static void error_round_trip(const json_t *j)
{
	char code[API_ERROR_CODE_MAX], msg[128], code2[API_ERROR_CODE_MAX], msg2[128];
	char tiny[8];
	int rc;

	rc = api_error_decode(j, code, sizeof(code), msg, sizeof(msg));
	check(rc == 0 || rc == -EBADMSG);
	/* Smaller buffers: the code must fit or fail; the message is only truncated. */
	int rc_tiny = api_error_decode(j, tiny, sizeof(tiny), msg2, 1);
	if (rc_tiny == 0) {
		check(rc == 0);
		check(strlen(tiny) < sizeof(tiny) && strcmp(tiny, code) == 0);
		check(msg2[0] == '\0');
	}
	check(api_error_decode(j, code2, 0, msg2, sizeof(msg2)) == -EBADMSG);
	if (rc != 0)
		return;
	check(code[0] != '\0');
	check(strlen(code) < sizeof(code));
	check(strlen(msg) < sizeof(msg));

	json_t *enc = api_error_encode(code, msg, -EIO);
	check(enc != NULL);
	check(api_error_decode(enc, code2, sizeof(code2), msg2, sizeof(msg2)) == 0);
	check(strcmp(code, code2) == 0);
	/* A message cut inside a UTF-8 sequence is re-encoded with '?'; a whole one is equal. */
	if (strlen(msg) < sizeof(msg) - 4)
		check(strcmp(msg, msg2) == 0);
	json_t *e = json_object_get(json_object_get(enc, "error"), "errno");
	check(json_is_integer(e) && json_integer_value(e) == EIO);
	json_decref(enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct api_status st;
	char err[256];
	json_t *j = (json_t *)1;
	int rc;

	err[0] = '\0';
	rc = api_json_parse((const char *)data, size, &j, err, sizeof(err));
	if (rc != 0) {
		check(rc == -EBADMSG || rc == -EMSGSIZE);
		check(j == NULL);
		check(err[0] != '\0');
		return 0;
	}
	check(j != NULL);

	memset(&st, 0x5a, sizeof(st));
	rc = api_status_decode(j, &st, err, sizeof(err));
	if (rc == 0) {
		status_round_trip(&st);
		api_status_free(&st);
		check(sodium_is_zero((const uint8_t *)&st, sizeof(st)));
	} else {
		check(rc == -EBADMSG);
		check(err[0] != '\0');
		check(sodium_is_zero((const uint8_t *)&st, sizeof(st)));
	}
	/* Decoding without an error buffer takes the same path. */
	rc = api_status_decode(j, &st, NULL, 0);
	if (rc == 0)
		api_status_free(&st);

	error_round_trip(j);
	json_decref(j);
	return 0;
}
