// SPDX-License-Identifier: MIT
/*
 * fuzz_scion_paths.c - libFuzzer target for the JSON path-file loader of
 * common/scion_paths.c. Every input is loaded into a fresh store; a file
 * that loads is then exercised: each destination is selected at a few
 * times, probes and interface-down events are applied, and the selected
 * path must always be usable and belong to the destination. A failed load
 * must leave the store empty and set a message. Any violation aborts.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scion_paths.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_select(struct scion_paths *s, uint64_t dst, uint64_t now)
{
	const struct scion_path_entry *e = scion_paths_select(s, dst, now);
	if (e &&
	    (e->dst_ia != dst || !scion_paths_usable(s, e, now) || scion_paths_get(s, e->id) != e))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scion_paths *s = scion_paths_new();
	char err[256];
	int r = scion_paths_load_json(s, (const char *)data, size, err, sizeof(err));
	if (r) {
		if (r != -EBADMSG && r != -EMSGSIZE && r != -EEXIST && r != -ENOSPC)
			abort();
		if (!err[0] || !memchr(err, 0, sizeof(err)))
			abort();
		goto out;
	}
	/* ids are dense from 1: walk them to find every destination */
	for (uint32_t id = 1; scion_paths_get(s, id); id++) {
		const struct scion_path_entry *e = scion_paths_get(s, id);
		uint64_t dst = e->dst_ia;
		if (scion_paths_count(s, dst) == 0 || e->meta.n_ifaces % 2)
			abort();
		check_select(s, dst, 0);
		if (scion_paths_on_probe(s, id, (int32_t)(id * 7 % 50), 1000) ||
		    scion_paths_on_probe(s, id, SCION_PATHS_LOST, 2000))
			abort();
		if (e->meta.n_ifaces &&
		    scion_paths_on_scmp_ifdown(s, e->meta.ifaces[0].ia, e->meta.ifaces[0].ifid,
					       3000) < 1)
			abort();
		if (e->meta.n_ifaces >= 2 &&
		    scion_paths_on_scmp_intdown(s, e->meta.ifaces[0].ia, e->meta.ifaces[0].ifid,
						e->meta.ifaces[0].ifid, 3000) < 1)
			abort();
		check_select(s, dst, 3000);
		check_select(s, dst, 100000);
		check_select(s, dst, UINT64_MAX / 2);
	}
	/* loading the same file again adds unnamed paths or clashes, never half-way */
	r = scion_paths_load_json(s, (const char *)data, size, err, sizeof(err));
	if (r && r != -EEXIST && r != -ENOSPC)
		abort();
out:
	scion_paths_free(s);
	return 0;
}
