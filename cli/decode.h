/* SPDX-License-Identifier: MIT */
/*
 * decode.h - "omnictl decode FORMAT ...": one handler per packet format, in
 * a table in decode.c, plus the shared input reader. A handler gets the
 * decode command's argv unchanged (argv[0] "decode", argv[1] the format),
 * prints JSON on stdout, and returns a CLI_EXIT_* code; malformed input is
 * a clear message on stderr and CLI_EXIT_FAIL.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cmd.h"

#define DECODE_INPUT_MAX 65536

/**
 * Read one packet for a decoder: raw octets from stdin, or with @hex (the
 * --hex option) hexadecimal text from stdin (whitespace and a leading 0x
 * ignored). Returns 0 with *@len set, or -EINVAL (bad hex, odd digit count)
 * / -EMSGSIZE (more than @cap octets) / -EIO, with a message on stderr.
 */
int decode_read_input(bool hex, uint8_t *buf, size_t cap, size_t *len);

int decode_ipv6(int argc, char **argv, const struct cli_opts *o);
int decode_nd(int argc, char **argv, const struct cli_opts *o);
int decode_oal(int argc, char **argv, const struct cli_opts *o);
int decode_scion(int argc, char **argv, const struct cli_opts *o);
