// SPDX-License-Identifier: MIT
/*
 * audit.c - the append-only JSON-lines audit log of the control API. Owns one
 * O_APPEND descriptor; every record goes out in one write(2), so concurrent
 * readers (and a crash) see whole lines only, except for a torn last line,
 * which audit_tail() skips.
 */
#include "audit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define AUDIT_LINE_MAX (64 * 1024)

struct audit {
	int fd; /* -1: disabled */
	char *path;
};

struct audit *audit_open(const char *path, int *err)
{
	struct audit *a = xcalloc(1, sizeof(*a));

	a->fd = -1;
	if (path && path[0]) {
		a->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (a->fd < 0) {
			*err = -errno;
			free(a);
			return NULL;
		}
		a->path = xstrdup(path);
	}
	return a;
}

void audit_close(struct audit *a)
{
	if (!a)
		return;
	if (a->fd >= 0)
		close(a->fd);
	free(a->path);
	free(a);
}

int audit_append(struct audit *a, json_t *rec)
{
	char ts[32];
	struct tm tm;
	time_t now = time(NULL);
	char *s;
	size_t n;
	ssize_t w;
	int ret = 0;

	if (!a || a->fd < 0)
		return 0;
	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_set_new(rec, "time", json_string(ts));
	s = json_dumps(rec, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (s && strlen(s) >= AUDIT_LINE_MAX) {
		free(s);
		json_object_set_new(rec, "args", json_string("(too large)"));
		s = json_dumps(rec, JSON_COMPACT | JSON_ENSURE_ASCII);
		if (s && strlen(s) >= AUDIT_LINE_MAX) {
			free(s);
			return -EMSGSIZE;
		}
	}
	if (!s)
		return -ENOMEM;
	n = strlen(s);
	s[n] = '\n'; /* json_dumps NUL-terminates; the NUL becomes the newline */
	w = write(a->fd, s, n + 1);
	if (w < 0)
		ret = -errno;
	else if ((size_t)w != n + 1)
		ret = -EIO;
	free(s);
	return ret;
}

int audit_tail(const struct audit *a, size_t limit, json_t **out)
{
	json_t *recs = json_array(), *doc;
	char *buf = NULL, *line, *end;
	size_t start = 0, len;
	struct stat st;
	off_t off;
	ssize_t r;
	int fd, ret = 0;

	if (limit < 1)
		limit = 1;
	if (limit > AUDIT_TAIL_MAX)
		limit = AUDIT_TAIL_MAX;
	if (!a || !a->path)
		goto done;
	fd = open(a->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		goto fail;
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		close(fd);
		goto fail;
	}
	off = st.st_size > AUDIT_READ_MAX ? st.st_size - AUDIT_READ_MAX : 0;
	len = (size_t)(st.st_size - off);
	buf = xmalloc(len + 1);
	r = pread(fd, buf, len, off);
	close(fd);
	if (r < 0) {
		ret = -errno;
		goto fail;
	}
	len = (size_t)r;
	buf[len] = '\0';
	if (off > 0) { /* the first line is probably cut */
		end = memchr(buf, '\n', len);
		start = end ? (size_t)(end - buf) + 1 : len;
	}
	/* Walk back over complete lines until @limit records are found. */
	end = buf + len;
	if (end > buf + start && end[-1] != '\n') { /* torn last line */
		while (end > buf + start && end[-1] != '\n')
			end--;
	}
	while (end > buf + start && json_array_size(recs) < limit) {
		json_t *j;

		line = end - 1; /* the '\n' ending this line */
		while (line > buf + start && line[-1] != '\n')
			line--;
		j = json_loadb(line, (size_t)(end - 1 - line), JSON_REJECT_DUPLICATES, NULL);
		if (json_is_object(j))
			json_array_insert_new(recs, 0, j);
		else
			json_decref(j);
		end = line;
	}
done:
	free(buf);
	doc = json_object();
	json_object_set_new(doc, "records", recs);
	*out = doc;
	return 0;
fail:
	free(buf);
	json_decref(recs);
	return ret;
}
