// SPDX-License-Identifier: MIT
/*
 * test_api_persist.c - daemon/persist (the 90-api.conf entries: edit, render,
 * atomic write, read back with libinih, no temporary file left) and
 * daemon/audit (one JSON line per record, "time" added, tail with a limit,
 * torn last line skipped, disabled log records nothing).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "conf.h"
#include "persist.h"

static char dir[64];

static void mkdirs(void)
{
	snprintf(dir, sizeof(dir), "/tmp/omnid-persist.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void rmdirs(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 65536);

	cr_assert_not_null(f);
	cr_assert_not_null(buf);
	cr_assert_lt(fread(buf, 1, 65535, f), 65535);
	fclose(f);
	return buf;
}

TestSuite(persist, .init = mkdirs, .fini = rmdirs);

Test(persist, edit_render_write_load)
{
	struct persist p, q, c;
	char conf[128], path[160], *text;

	snprintf(conf, sizeof(conf), "%s/omnid.conf", dir);
	cr_assert_eq(persist_load(&p, conf), 0); /* no conf.d yet: empty */
	snprintf(path, sizeof(path), "%s/conf.d/" PERSIST_FILE, dir);
	cr_assert_str_eq(p.path, path);
	cr_assert_eq(p.n, 0);

	persist_add(&p, "peer.g", "public_key", "K");
	persist_add(&p, "peer.g", "mnp", "2001:db8::/48");
	persist_set(&p, "node", "log_level", "info");
	persist_add(&p, "peer.b", "allowed_prefix", "10.0.0.0/8");
	persist_add(&p, "peer.g", "endpoint", "1.2.3.4:5");
	persist_set(&p, "node", "log_level", "debug"); /* replaces, keeps position */
	cr_assert_eq(p.n, 5);
	cr_assert_str_eq(persist_get(&p, "node", "log_level"), "debug");
	cr_assert(persist_has(&p, "peer.b", "allowed_prefix", "10.0.0.0/8"));
	cr_assert(!persist_has(&p, "peer.b", "allowed_prefix", "10.0.0.0/9"));
	cr_assert(persist_has(&p, "peer.g", NULL, NULL));
	cr_assert(!persist_has(&p, "peer.x", NULL, NULL));

	text = persist_render(&p);
	cr_assert_not_null(strstr(text, "\n[peer.g]\npublic_key = K\nmnp = 2001:db8::/48\n"
					"endpoint = 1.2.3.4:5\n\n[node]\nlog_level = debug\n\n"
					"[peer.b]\nallowed_prefix = 10.0.0.0/8\n"),
			  "%s", text);
	cr_assert_eq(text[0], '#');
	free(text);

	cr_assert_eq(persist_write(&p), 0); /* creates conf.d */
	snprintf(path, sizeof(path), "%s/conf.d/" PERSIST_FILE ".tmp", dir);
	cr_assert_eq(access(path, F_OK), -1); /* renamed away */
	cr_assert_eq(persist_load(&q, conf), 0);
	cr_assert_eq(q.n, p.n);
	{
		/* Read back grouped by section: the same file text. */
		char *t1 = persist_render(&p), *t2 = persist_render(&q);

		cr_assert_str_eq(t1, t2);
		free(t1);
		free(t2);
	}

	/* Copy is deep; removal by section and by entry. */
	persist_copy(&c, &q);
	cr_assert_eq(persist_remove_section(&c, "peer.g"), 3);
	cr_assert_eq(persist_remove(&c, "peer.b", "allowed_prefix", "10.0.0.0/8"), 1);
	cr_assert_eq(persist_remove(&c, "peer.b", "allowed_prefix", "10.0.0.0/8"), 0);
	cr_assert_eq(c.n, 1);
	cr_assert_eq(q.n, 5);
	persist_swap(&c, &q);
	cr_assert_eq(q.n, 1);
	cr_assert_eq(c.n, 5);
	persist_clear(&c);
	persist_clear(&q);
	persist_clear(&p);
	cr_assert_null(p.v);
}

Test(persist, unparsable_file_refused)
{
	struct persist p;
	char conf[128], path[160];
	FILE *f;

	snprintf(conf, sizeof(conf), "%s/omnid.conf", dir);
	snprintf(path, sizeof(path), "%s/conf.d", dir);
	cr_assert_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/conf.d/" PERSIST_FILE, dir);
	f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("[peer.g\nkey value without equals\n", f);
	fclose(f);
	cr_assert_eq(persist_load(&p, conf), -EINVAL);
	cr_assert_eq(p.n, 0);
}

Test(persist, write_fails_cleanly)
{
	struct persist p;
	char conf[128], path[160];

	snprintf(conf, sizeof(conf), "%s/omnid.conf", dir);
	cr_assert_eq(persist_load(&p, conf), 0);
	/* conf.d is a file: the directory cannot be created. */
	snprintf(path, sizeof(path), "%s/conf.d", dir);
	close(open(path, O_CREAT | O_WRONLY, 0644));
	persist_add(&p, "node", "log_level", "info");
	cr_assert_lt(persist_write(&p), 0);
	persist_clear(&p);
}

TestSuite(audit, .init = mkdirs, .fini = rmdirs);

Test(audit, append_and_tail)
{
	char path[128], *text;
	struct audit *a;
	json_t *out, *rec;
	int err = 0;

	snprintf(path, sizeof(path), "%s/audit.log", dir);
	a = audit_open(path, &err);
	cr_assert_not_null(a);
	for (int i = 0; i < 5; i++) {
		rec = json_pack("{s:i,s:s}", "n", i, "decision", "allow");
		cr_assert_eq(audit_append(a, rec), 0);
		json_decref(rec);
	}
	text = slurp(path);
	/* Five lines, each a JSON object with the time added. */
	size_t lines = 0;
	for (char *s = text; *s; s++)
		lines += *s == '\n';
	cr_assert_eq(lines, 5);
	cr_assert_not_null(strstr(text, "{\"n\":0,\"decision\":\"allow\",\"time\":\"20"));
	free(text);

	cr_assert_eq(audit_tail(a, 3, &out), 0);
	cr_assert_eq(json_array_size(json_object_get(out, "records")), 3);
	cr_assert_eq(json_integer_value(json_object_get(
			 json_array_get(json_object_get(out, "records"), 0), "n")),
		     2);
	json_decref(out);
	cr_assert_eq(audit_tail(a, 1000, &out), 0);
	cr_assert_eq(json_array_size(json_object_get(out, "records")), 5);
	json_decref(out);

	/* A torn last line (a crash mid-write) and a garbage line are skipped. */
	FILE *f = fopen(path, "a");
	fputs("not json\n{\"n\":99,\"decis", f);
	fclose(f);
	cr_assert_eq(audit_tail(a, 2, &out), 0);
	rec = json_object_get(out, "records");
	cr_assert_eq(json_array_size(rec), 2, "%zu", json_array_size(rec));
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(rec, 0), "n")), 3);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(rec, 1), "n")), 4);
	json_decref(out);
	audit_close(a);
}

Test(audit, disabled_and_unopenable)
{
	struct audit *a;
	json_t *rec = json_object(), *out;
	int err = 0;

	a = audit_open("", &err);
	cr_assert_not_null(a);
	cr_assert_eq(audit_append(a, rec), 0);
	cr_assert_eq(audit_tail(a, 10, &out), 0);
	cr_assert_eq(json_array_size(json_object_get(out, "records")), 0);
	json_decref(out);
	audit_close(a);
	cr_assert_null(audit_open("/nonexistent-dir/x/audit.log", &err));
	cr_assert_eq(err, -ENOENT);
	json_decref(rec);
}

/* conf_load_override(): the API checks a candidate 90-api.conf in its sorted place. */
static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

#define PK1 "N+T3FEOjg5sZ7u3PbOgpRPrf8l5VTb73RDND4HtLe+A="
#define PK2 "qn2mZDRnTRSL1puHibKsxbRbiPozsT6IJSaXTbYvyc8="

Test(persist, conf_load_override_order)
{
	char conf[128], path[192];
	struct conf c;
	struct conf_err e;

	snprintf(conf, sizeof(conf), "%s/omnid.conf", dir);
	write_file(conf, "[node]\nname = t\nprivate_key_file = /nonexistent\n"
			 "[omni]\nmnp = 2001:db8:a::/48\n[underlay.u0]\nlisten = 127.0.0.1:8060\n");
	/* No conf.d at all: the override alone. */
	conf_init(&c);
	cr_assert_eq(conf_load_override(&c, conf, PERSIST_FILE,
					"[peer.g]\npublic_key = " PK1 "\nmnp = 2001:db8:70::/48\n", &e),
		     0, "%s", e.msg);
	cr_assert_eq(c.n_peers, 1);
	cr_assert_str_eq(c.peers[0].name, "g");
	conf_free(&c);

	snprintf(path, sizeof(path), "%s/conf.d", dir);
	cr_assert_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/conf.d/50-a.conf", dir);
	write_file(path, "[omni]\nmtu = 1400\n");
	snprintf(path, sizeof(path), "%s/conf.d/95-z.conf", dir);
	write_file(path, "[omni]\nmtu = 1300\n");
	snprintf(path, sizeof(path), "%s/conf.d/" PERSIST_FILE, dir);
	write_file(path, "[peer.old]\npublic_key = " PK2 "\nmnp = 2001:db8:71::/48\n");

	/* The override replaces the file on disk and sits between 50- and 95-. */
	conf_init(&c);
	cr_assert_eq(conf_load_override(&c, conf, PERSIST_FILE, "[omni]\nmtu = 1350\n", &e), 0,
		     "%s", e.msg);
	cr_assert_eq(c.n_peers, 0); /* peer.old is not read */
	cr_assert_eq(c.omni.mtu, 1300); /* 95-z.conf still wins */
	conf_free(&c);
	snprintf(path, sizeof(path), "%s/conf.d/95-z.conf", dir);
	cr_assert_eq(unlink(path), 0);
	conf_init(&c);
	cr_assert_eq(conf_load_override(&c, conf, PERSIST_FILE, "[omni]\nmtu = 1350\n", &e), 0);
	cr_assert_eq(c.omni.mtu, 1350); /* after 50-a.conf */
	conf_free(&c);

	/* An error in the override names it as the conf.d file it stands for. */
	conf_init(&c);
	cr_assert_eq(conf_load_override(&c, conf, PERSIST_FILE, "[omni]\nmtu = 1\n", &e), -EINVAL);
	cr_assert_not_null(strstr(e.file, "conf.d/" PERSIST_FILE), "%s", e.file);
	cr_assert_eq(e.line, 2);
	conf_free(&c);
	/* A cross-file conflict (overlapping prefixes) is found too. */
	conf_init(&c);
	cr_assert_eq(conf_load_override(&c, conf, PERSIST_FILE,
					"[peer.g]\npublic_key = " PK1 "\nmnp = 2001:db8:a::/56\n", &e),
		     -EINVAL);
	conf_free(&c);
	/* The plain loader still reads the file on disk. */
	conf_init(&c);
	cr_assert_eq(conf_load(&c, conf, &e), 0, "%s", e.msg);
	cr_assert_eq(c.n_peers, 1);
	cr_assert_str_eq(c.peers[0].name, "old");
	conf_free(&c);
}

/*
 * A file or symlink already at the temporary name (a crash, or somebody with
 * write access to conf.d) is never written through: the temporary file is
 * created fresh (O_EXCL | O_NOFOLLOW), the symlink's target keeps its text.
 */
Test(persist, stale_tmp_symlink_not_followed)
{
	struct persist p, q;
	char conf[128], path[160], tmp[sizeof(p.path) + 8], victim[160], *text;
	struct stat st;

	snprintf(conf, sizeof(conf), "%s/omnid.conf", dir);
	snprintf(path, sizeof(path), "%s/conf.d", dir);
	cr_assert_eq(mkdir(path, 0755), 0);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	write_file(victim, "precious\n");
	cr_assert_eq(persist_load(&p, conf), 0);
	snprintf(tmp, sizeof(tmp), "%s.tmp", p.path);
	cr_assert_eq(symlink(victim, tmp), 0);
	persist_add(&p, "node", "log_level", "debug");
	cr_assert_eq(persist_write(&p), 0);
	text = slurp(victim);
	cr_assert_str_eq(text, "precious\n");
	free(text);
	cr_assert_eq(lstat(p.path, &st), 0);
	cr_assert(S_ISREG(st.st_mode));
	cr_assert_eq(st.st_mode & 0027, 0, "mode %o", st.st_mode & 0777);
	cr_assert_eq(lstat(tmp, &st), -1, "the temporary name is gone after the rename");
	cr_assert_eq(persist_load(&q, conf), 0);
	cr_assert_str_eq(persist_get(&q, "node", "log_level"), "debug");
	persist_clear(&q);
	persist_clear(&p);
}
