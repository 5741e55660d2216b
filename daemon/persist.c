// SPDX-License-Identifier: MIT
/*
 * persist.c - the entries of conf.d/90-api.conf and their atomic write-back.
 * The file is only ever replaced by rename(2) of a fully written and synced
 * temporary file next to it, so after a crash it holds either the old or the
 * new text, never a mix.
 */
#include "persist.h"

#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static int on_ini(void *user, const char *section, const char *key, const char *value)
{
	struct persist *p = user;

	if (key && value)
		persist_add(p, section, key, value);
	return 1;
}

int persist_load(struct persist *p, const char *config_path)
{
	char tmp[4096], *dir;
	FILE *f;
	int r;

	memset(p, 0, sizeof(*p));
	if (snprintf(tmp, sizeof(tmp), "%s", config_path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	dir = dirname(tmp);
	if (snprintf(p->path, sizeof(p->path), "%s/conf.d/" PERSIST_FILE, dir) >=
	    (int)sizeof(p->path))
		return -ENAMETOOLONG;
	f = fopen(p->path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	r = ini_parse_file(f, on_ini, p);
	fclose(f);
	if (r != 0) {
		log_err(LOG_GRP_API, "%s: line %d: cannot parse", p->path, r);
		persist_clear(p);
		return -EINVAL;
	}
	return 0;
}

void persist_clear(struct persist *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].section);
		free(p->v[i].key);
		free(p->v[i].value);
	}
	free(p->v);
	p->v = NULL;
	p->n = 0;
}

void persist_copy(struct persist *dst, const struct persist *src)
{
	memcpy(dst->path, src->path, sizeof(dst->path));
	dst->v = NULL;
	dst->n = 0;
	for (size_t i = 0; i < src->n; i++)
		persist_add(dst, src->v[i].section, src->v[i].key, src->v[i].value);
}

void persist_swap(struct persist *a, struct persist *b)
{
	struct persist t = *a;

	*a = *b;
	*b = t;
}

void persist_add(struct persist *p, const char *section, const char *key, const char *value)
{
	p->v = xrealloc(p->v, (p->n + 1) * sizeof(*p->v));
	p->v[p->n].section = xstrdup(section);
	p->v[p->n].key = xstrdup(key);
	p->v[p->n].value = xstrdup(value);
	p->n++;
}

static void remove_at(struct persist *p, size_t i)
{
	free(p->v[i].section);
	free(p->v[i].key);
	free(p->v[i].value);
	memmove(&p->v[i], &p->v[i + 1], (p->n - i - 1) * sizeof(*p->v));
	p->n--;
}

void persist_set(struct persist *p, const char *section, const char *key, const char *value)
{
	for (size_t i = 0; i < p->n; i++) {
		if (strcmp(p->v[i].section, section) == 0 && strcmp(p->v[i].key, key) == 0) {
			free(p->v[i].value);
			p->v[i].value = xstrdup(value);
			for (size_t k = p->n; k-- > i + 1;)
				if (strcmp(p->v[k].section, section) == 0 &&
				    strcmp(p->v[k].key, key) == 0)
					remove_at(p, k);
			return;
		}
	}
	persist_add(p, section, key, value);
}

size_t persist_remove_section(struct persist *p, const char *section)
{
	size_t n = 0;

	for (size_t i = p->n; i-- > 0;)
		if (strcmp(p->v[i].section, section) == 0) {
			remove_at(p, i);
			n++;
		}
	return n;
}

size_t persist_remove(struct persist *p, const char *section, const char *key, const char *value)
{
	size_t n = 0;

	for (size_t i = p->n; i-- > 0;)
		if (strcmp(p->v[i].section, section) == 0 && strcmp(p->v[i].key, key) == 0 &&
		    strcmp(p->v[i].value, value) == 0) {
			remove_at(p, i);
			n++;
		}
	return n;
}

bool persist_has(const struct persist *p, const char *section, const char *key,
		 const char *value)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].section, section) == 0 &&
		    (!key || (strcmp(p->v[i].key, key) == 0 && strcmp(p->v[i].value, value) == 0)))
			return true;
	return false;
}

const char *persist_get(const struct persist *p, const char *section, const char *key)
{
	const char *v = NULL;

	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->v[i].section, section) == 0 && strcmp(p->v[i].key, key) == 0)
			v = p->v[i].value;
	return v;
}

char *persist_render(const struct persist *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	OMNI_ASSERT(f != NULL);
	fputs("# Written by omnid: changes made through the control API (docs/api.md).\n"
	      "# A hand edit takes effect (and is kept) after a reload; comments are not kept.\n",
	      f);
	for (size_t i = 0; i < p->n; i++) {
		bool first = true;

		for (size_t k = 0; k < i; k++)
			if (strcmp(p->v[k].section, p->v[i].section) == 0)
				first = false;
		if (!first)
			continue;
		fprintf(f, "\n[%s]\n", p->v[i].section);
		for (size_t k = i; k < p->n; k++)
			if (strcmp(p->v[k].section, p->v[i].section) == 0)
				fprintf(f, "%s = %s\n", p->v[k].key, p->v[k].value);
	}
	OMNI_ASSERT(fclose(f) == 0);
	return buf;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int persist_write(const struct persist *p)
{
	char dirbuf[4096], tmp[4096 + 16], *dir, *text = NULL;
	size_t len, off = 0;
	int fd = -1, ret = 0;

	snprintf(dirbuf, sizeof(dirbuf), "%s", p->path);
	dir = dirname(dirbuf);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -errno;
	snprintf(tmp, sizeof(tmp), "%s.tmp", p->path);
	/*
	 * Never write through what is already at the temporary name (a crash
	 * leftover, or a symlink planted by someone who can write conf.d):
	 * remove it and create the file fresh.
	 */
	if (unlink(tmp) < 0 && errno != ENOENT)
		return -errno;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	text = persist_render(p);
	len = strlen(text);
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd) < 0) {
		ret = -errno;
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		ret = -errno;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, p->path) < 0) {
		ret = -errno;
		goto fail;
	}
	free(text);
	return fsync_dir(dir);
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(text);
	return ret;
}
