// SPDX-License-Identifier: MIT
/*
 * fuzz_conf.c - libFuzzer target for the config loader (conf_load.c through
 * libinih into conf_apply, then conf_finish). The input is loaded as one
 * file; if it contains a form feed, the text before it is a first file and
 * the rest a drop-in stacked on top (override / append / repeated-key
 * paths), and the two results are compared with conf_needs_restart.
 * Asserts: the loader returns 0 or -EINVAL, an error always has a message,
 * and nothing leaks or crashes (ASan/UBSan).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int rc, const struct conf_err *err)
{
	if (rc != 0 && (rc != -EINVAL || err->msg[0] == '\0'))
		abort();
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
	rc = conf_load_string(&a, text, "fuzz.conf", &err);
	check(rc, &err);

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
