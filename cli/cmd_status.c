// SPDX-License-Identifier: MIT
/*
 * cmd_status.c - "omnictl status [--json]": GET /v1/status, then either the
 * daemon's JSON pretty-printed or a human summary in the spirit of wg show
 * (a node block, its non-zero counters, one block per peer). Owns only the
 * rendering; the document is decoded by common/api_schema.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api_schema.h"
#include "cmd.h"
#include "http.h"

static void fmt_duration(uint64_t s, char *buf, size_t len)
{
	static const struct {
		const char *unit;
		uint64_t secs;
	} units[] = {{"day", 86400}, {"hour", 3600}, {"minute", 60}, {"second", 1}};
	size_t off = 0;

	buf[0] = '\0';
	if (s == 0) {
		snprintf(buf, len, "0 seconds");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(units) && off < len; i++) {
		uint64_t v = s / units[i].secs;
		int w;

		if (!v)
			continue;
		s %= units[i].secs;
		w = snprintf(buf + off, len - off, "%s%" PRIu64 " %s%s", off ? ", " : "", v,
			     units[i].unit, v == 1 ? "" : "s");
		if (w < 0)
			break;
		off += (size_t)w;
	}
}

static void fmt_bytes(uint64_t b, char *buf, size_t len)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	double v = (double)b;
	size_t i = 0;

	if (b < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", b);
		return;
	}
	v /= 1024;
	while (v >= 1024 && i + 1 < ARRAY_SIZE(units)) {
		v /= 1024;
		i++;
	}
	snprintf(buf, len, "%.2f %s", v, units[i]);
}

static void print_counters(const struct api_counter *c, size_t n)
{
	bool header = false;

	for (size_t i = 0; i < n; i++) {
		if (!c[i].value)
			continue;
		if (!header)
			printf("  counters:\n");
		header = true;
		printf("    %s: %" PRIu64 "\n", c[i].name, c[i].value);
	}
}

static void print_peer(const struct api_peer_status *p, time_t now)
{
	char dur[96], rx[32], tx[32];

	printf("\npeer: %s\n", p->name);
	if (p->public_key[0])
		printf("  public key: %s\n", p->public_key);
	if (p->endpoint[0])
		printf("  endpoint: %s\n", p->endpoint);
	if (p->oal_addr[0])
		printf("  oal address: %s\n", p->oal_addr);
	printf("  state: %s\n", p->state);
	if (p->last_handshake > 0) {
		int64_t ago = (int64_t)now - p->last_handshake;

		fmt_duration(ago > 0 ? (uint64_t)ago : 0, dur, sizeof(dur));
		printf("  latest handshake: %s ago\n", dur);
	} else {
		printf("  latest handshake: never\n");
	}
	if (p->last_rx_ms_ago >= 0)
		printf("  last received: %" PRId64 " ms ago\n", p->last_rx_ms_ago);
	else
		printf("  last received: never\n");
	fmt_bytes(p->rx_bytes, rx, sizeof(rx));
	fmt_bytes(p->tx_bytes, tx, sizeof(tx));
	printf("  transfer: %s received (%" PRIu64 " packets), %s sent (%" PRIu64 " packets)\n", rx,
	       p->rx_packets, tx, p->tx_packets);
	if (p->n_prefixes) {
		printf("  prefixes: ");
		for (size_t i = 0; i < p->n_prefixes; i++)
			printf("%s%s", i ? ", " : "", p->prefixes[i]);
		printf("\n");
	}
	print_counters(p->counters, p->n_counters);
}

static void print_status(const struct api_status *s)
{
	time_t now = time(NULL);
	char dur[96];

	printf("node: %s\n", s->node);
	printf("  version: %s\n", s->version);
	printf("  public key: %s\n", s->public_key);
	printf("  tun: %s (mtu %" PRIu32 ")\n", s->tun, s->mtu);
	if (s->oal_addr[0])
		printf("  oal address: %s\n", s->oal_addr);
	fmt_duration(s->uptime_s, dur, sizeof(dur));
	printf("  pid: %d, up %s\n", s->pid, dur);
	for (size_t i = 0; i < s->n_underlays; i++)
		printf("  underlay: %s\n", s->underlays[i]);
	print_counters(s->counters, s->n_counters);
	for (size_t i = 0; i < s->n_peers; i++)
		print_peer(&s->peers[i], now);
}

static void status_usage(FILE *f)
{
	fprintf(f, "Usage: omnictl [--socket PATH] status [--json]\n"
		   "Shows the node, its non-zero counters and one block per peer;\n"
		   "--json prints the daemon's full document (all counters).\n");
}

int cmd_status(int argc, char **argv, const struct cli_opts *o)
{
	struct api_status st;
	char err[256];
	json_t *j;
	int ret = http_read_view(argc, argv, o, API_PATH_STATUS, status_usage, &j);

	if (ret != CLI_EXIT_OK || !j)
		return ret;
	if (api_status_decode(j, &st, err, sizeof(err)) < 0) {
		fprintf(stderr, "omnictl: bad status document from omnid: %s\n", err);
		json_decref(j);
		return CLI_EXIT_FAIL;
	}
	json_decref(j);
	print_status(&st);
	api_status_free(&st);
	return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}
