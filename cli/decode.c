// SPDX-License-Identifier: MIT
/*
 * decode.c - the "omnictl decode" dispatcher and the shared input reader.
 * Each format's handler lives in its own file (decode.h).
 */
#include "decode.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv, const struct cli_opts *o);
	const char *help;
} formats[] = {
	{ "ipv6", decode_ipv6, "IPv6 extension-header chain and the EH policy's verdict" },
	{ "nd", decode_nd, "inner IPv6 ND packet with OMNI options, and its signature" },
	{ "oal", decode_oal, "OAL fragment: headers, atomic trailer check, inner packet" },
	{ "scion", decode_scion, "SCION packet: headers, path, UDP or SCMP payload" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: omnictl decode FORMAT [options]   (prints JSON)\n");
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		fprintf(f, "  %-8s %s\n", formats[i].name, formats[i].help);
	fprintf(f, "Run 'omnictl decode FORMAT --help' for a format's options.\n");
}

int cmd_decode(int argc, char **argv, const struct cli_opts *o)
{
	if (argc < 2 || cli_is_help(argv[1])) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(argv[1], formats[i].name) == 0)
			return formats[i].fn(argc, argv, o);
	fprintf(stderr, "omnictl: decode: unknown format '%s'\n", argv[1]);
	usage(stderr);
	return CLI_EXIT_FAIL;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int decode_read_input(bool hex, uint8_t *buf, size_t cap, size_t *len)
{
	size_t n = 0;
	if (!hex) {
		n = fread(buf, 1, cap, stdin);
		if (ferror(stdin)) {
			fprintf(stderr, "omnictl: decode: reading stdin: %s\n", strerror(errno));
			return -EIO;
		}
		if (n == cap && fgetc(stdin) != EOF) {
			fprintf(stderr, "omnictl: decode: input longer than %zu octets\n", cap);
			return -EMSGSIZE;
		}
		*len = n;
		return 0;
	}
	int c, prev = -1, hi = -1;
	while ((c = fgetc(stdin)) != EOF) {
		if (isspace(c) || c == ':') {
			prev = c;
			continue;
		}
		/* A "0x" prefix at the start of a token. */
		if ((c == 'x' || c == 'X') && hi == 0 && (prev == '0')) {
			hi = -1;
			prev = c;
			continue;
		}
		int v = hexval(c);
		if (v < 0) {
			fprintf(stderr, "omnictl: decode: '%c' is not a hex digit\n", c);
			return -EINVAL;
		}
		prev = c;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n == cap) {
			fprintf(stderr, "omnictl: decode: input longer than %zu octets\n", cap);
			return -EMSGSIZE;
		}
		buf[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0) {
		fprintf(stderr, "omnictl: decode: odd number of hex digits\n");
		return -EINVAL;
	}
	*len = n;
	return 0;
}
