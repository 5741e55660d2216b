/* SPDX-License-Identifier: MIT */
/*
 * vectors.h - test-only helper: read a shared known-answer vector file
 * (one line of lowercase hex, VECTORS.md §1) into a malloc'd buffer. Fails
 * the running criterion test on any problem. Header-only, for unit tests.
 */
#pragma once

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

static inline uint8_t *vectors_read_hex(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	cr_assert(f != NULL, "cannot open %s", path);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, f);
	fclose(f);
	cr_assert(n >= 0, "empty file %s", path);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	cr_assert(n % 2 == 0, "odd number of hex digits in %s", path);
	uint8_t *out = malloc((size_t)n / 2 + 1);
	cr_assert(out != NULL);
	for (ssize_t i = 0; i < n / 2; i++) {
		unsigned v;
		cr_assert(sscanf(line + 2 * i, "%2x", &v) == 1, "bad hex in %s", path);
		out[i] = (uint8_t)v;
	}
	free(line);
	*len = (size_t)n / 2;
	return out;
}
