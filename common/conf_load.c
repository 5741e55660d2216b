// SPDX-License-Identifier: MIT
/*
 * conf_load.c - reads omnid.conf and conf.d/ *.conf (scandir + alphasort)
 * and feeds them through Debian's libinih (ini_parse_stream with our own
 * line reader) into conf_apply(). The reader is where libinih's traps
 * (STYLE.md §8) are closed: it counts lines for `file:line:` errors, rejects
 * over-long lines (libinih would truncate them), indented lines (silent
 * continuation values), trailing comments and control characters, and keeps
 * the full section name (libinih truncates it to 49 characters). Owns only
 * the file buffers it reads; never touches the model except through
 * conf_apply().
 */
#include "conf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A config file is a few KiB; anything this large is a mistake. */
#define CONF_FILE_MAX (1024 * 1024)

struct load_state {
	struct conf *c;
	struct conf_err *err;
	const char *text;
	size_t len, pos;
	unsigned lineno;
	bool failed;
	char section[CONF_LINE_MAX + 1];
};

static int lfail(struct load_state *st, const char *fmt, ...) PRINTF(2, 3);

static int lfail(struct load_state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->err->msg, sizeof(st->err->msg), fmt, ap);
	va_end(ap);
	st->err->line = st->lineno;
	st->failed = true;
	return -EINVAL;
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Characters of a key or section name: what libinih splits on is excluded. */
static bool is_name_char(char ch)
{
	return (unsigned char)ch > ' ' && (unsigned char)ch < 0x7f && ch != '=' && ch != ':' &&
	       ch != ';' && ch != '#' && ch != '[' && ch != ']';
}

static int check_section(struct load_state *st, const char *s, size_t n)
{
	size_t i = 1;

	while (i < n && is_name_char(s[i]))
		i++;
	if (i >= n || s[i] != ']' || i == 1)
		return lfail(st, "malformed section header: expected [name] or [name.NAME]");
	for (size_t j = i + 1; j < n; j++) {
		if (!is_blank(s[j]))
			return lfail(st, "text after a section header: comments must be on their "
					 "own line");
	}
	memcpy(st->section, s + 1, i - 1);
	st->section[i - 1] = '\0';
	if (conf_apply(st->c, st->section, NULL, NULL, st->err) < 0) {
		st->err->line = st->lineno;
		st->failed = true;
		return -EINVAL;
	}
	return 0;
}

static int check_key_line(struct load_state *st, const char *s, size_t n)
{
	size_t i = 0, vstart, vend;

	while (i < n && is_name_char(s[i]))
		i++;
	size_t klen = i;
	while (i < n && is_blank(s[i]))
		i++;
	if (klen == 0 || i >= n || s[i] != '=')
		return lfail(st, "expected 'key = value', a [section] or a comment");
	vstart = i + 1;
	for (size_t j = vstart; j < n; j++) {
		/*
		 * libinih would cut the value at " ;"; a " #" is a comment in intent, and
		 * so is either one right after the '=' ("key =#x" would mean "#x" while
		 * "key = #x" is refused: no value takes that form, see conf_section_values).
		 */
		if ((s[j] == ';' || s[j] == '#') && (j == vstart || is_blank(s[j - 1])))
			return lfail(st,
				     "comment after a value: comments must be on their own line");
	}
	while (vstart < n && is_blank(s[vstart]))
		vstart++;
	vend = n;
	while (vend > vstart && is_blank(s[vend - 1]))
		vend--;
	if (vend - vstart > CONF_VALUE_MAX)
		return lfail(st, "value longer than %d characters", CONF_VALUE_MAX);
	return 0;
}

/* Validate one line (without its LF) before libinih sees it. */
static int check_line(struct load_state *st, const char *s, size_t n)
{
	if (n && s[n - 1] == '\r')
		n--;
	if (n > CONF_LINE_MAX)
		return lfail(st, "line longer than %d characters", CONF_LINE_MAX);
	/* libinih skips a UTF-8 byte order mark on the first line; so do we. */
	if (st->lineno == 1 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
		s += 3;
		n -= 3;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch < ' ' && ch != '\t') || ch == 0x7f)
			return lfail(st, "control character 0x%02x", ch);
	}
	size_t i = 0;
	while (i < n && is_blank(s[i]))
		i++;
	if (i == n)
		return 0;
	if (i > 0)
		return lfail(st, "indented line: keys, sections and comments must start in the "
				 "first column");
	if (s[0] == '#' || s[0] == ';')
		return 0;
	if (s[0] == '[')
		return check_section(st, s, n);
	return check_key_line(st, s, n);
}

/* ini_reader: hands libinih one validated line at a time; NULL ends parsing. */
static char *reader(char *str, int num, void *stream)
{
	struct load_state *st = stream;
	const char *line, *nl;
	size_t n;

	if (st->failed || st->pos >= st->len)
		return NULL;
	line = st->text + st->pos;
	nl = memchr(line, '\n', st->len - st->pos);
	n = nl ? (size_t)(nl - line) : st->len - st->pos;
	st->pos += n + (nl ? 1 : 0);
	st->lineno++;
	conf_set_origin(st->c, NULL, st->lineno);
	if (check_line(st, line, n) < 0)
		return NULL;
	/* Room for the line, LF and NUL; check_line bounds n well below libinih's 200. */
	if (num < 0 || n + 2 > (size_t)num) {
		lfail(st, "line longer than %d characters", num - 3);
		return NULL;
	}
	memcpy(str, line, n);
	str[n] = '\n';
	str[n + 1] = '\0';
	return str;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct load_state *st = user;

	/* libinih truncates section names to 49 characters: use the reader's copy. */
	(void)section;
	if (st->failed)
		return 0;
	if (conf_apply(st->c, st->section, name, value, st->err) < 0) {
		st->err->line = st->lineno;
		st->failed = true;
		return 0;
	}
	return 1;
}

/* Copy @path into @err->file, truncated if need be. */
static void set_file(struct conf_err *err, const char *path)
{
	size_t n = strnlen(path, sizeof(err->file) - 1);

	memcpy(err->file, path, n);
	err->file[n] = '\0';
}

static int io_fail(struct conf_err *err, const char *path, int rc, const char *what)
{
	set_file(err, path);
	err->line = 0;
	snprintf(err->msg, sizeof(err->msg), "%s", what ? what : strerror(-rc));
	return rc;
}

static int parse_text(struct conf *c, const char *text, size_t len, const char *name,
		      struct conf_err *err)
{
	struct load_state st = {.c = c, .err = err, .text = text, .len = len};
	int rc;

	set_file(err, name);
	err->line = 0;
	err->msg[0] = '\0';
	conf_file_begin(c);
	conf_set_origin(c, name, 0);
	rc = ini_parse_stream(reader, &st, handler, &st);
	if (st.failed)
		return -EINVAL;
	if (rc != 0) {
		/* The reader validates every line, so this is a libinih surprise. */
		err->line = rc > 0 ? (unsigned)rc : 0;
		snprintf(err->msg, sizeof(err->msg), "syntax error");
		return -EINVAL;
	}
	return 0;
}

int conf_parse_string(struct conf *c, const char *text, const char *name, struct conf_err *err)
{
	return parse_text(c, text, strlen(text), name, err);
}

int conf_load_string(struct conf *c, const char *text, const char *name, struct conf_err *err)
{
	int rc = conf_parse_string(c, text, name, err);

	if (rc == 0)
		rc = conf_finish(c, err);
	return rc;
}

static int read_file(const char *path, char **out, size_t *len, struct conf_err *err)
{
	struct stat st;
	char *buf = NULL;
	size_t n = 0;
	int fd, rc = 0;

	/* O_NONBLOCK: a FIFO named *.conf must not hang the loader. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return io_fail(err, path, -errno, NULL);
	if (fstat(fd, &st) < 0) {
		rc = io_fail(err, path, -errno, NULL);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = io_fail(err, path, -EINVAL, "not a regular file");
		goto out;
	}
	if (st.st_size > CONF_FILE_MAX) {
		rc = io_fail(err, path, -EINVAL, "file larger than 1 MiB");
		goto out;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	for (;;) {
		ssize_t r = read(fd, buf + n, (size_t)st.st_size + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = io_fail(err, path, -errno, NULL);
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > (size_t)st.st_size) {
			rc = io_fail(err, path, -EINVAL, "file grew while being read");
			goto out;
		}
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return rc;
}

static int load_file(struct conf *c, const char *path, struct conf_err *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc = read_file(path, &text, &len, err);

	if (rc == 0)
		rc = parse_text(c, text, len, path, err);
	free(text);
	return rc;
}

static int conf_d_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".conf") == 0;
}

/* Load @dir/@name, or parse @text under that name when @text is set. */
static int load_in(struct conf *c, const char *dir, const char *name, const char *text,
		   struct conf_err *err)
{
	char file[PATH_MAX];
	int w = snprintf(file, sizeof(file), "%s/%s", dir, name);

	if (w < 0 || (size_t)w >= sizeof(file))
		return io_fail(err, dir, -ENAMETOOLONG, NULL);
	return text ? parse_text(c, text, strlen(text), file, err) : load_file(c, file, err);
}

/* conf_load(), with the conf.d file @ov_name (if set) read from @ov_text instead of the disk. */
static int load_all(struct conf *c, const char *path, const char *ov_name, const char *ov_text,
		    struct conf_err *err)
{
	char dir[PATH_MAX];
	struct dirent **list = NULL;
	const char *slash;
	bool ov_done = !ov_name;
	int rc, n;

	memset(err, 0, sizeof(*err));
	rc = load_file(c, path, err);
	if (rc < 0)
		return rc;

	slash = strrchr(path, '/');
	if (!slash)
		rc = snprintf(dir, sizeof(dir), "conf.d");
	else
		rc = snprintf(dir, sizeof(dir), "%.*s/conf.d", (int)(slash - path), path);
	if (rc < 0 || (size_t)rc >= sizeof(dir))
		return io_fail(err, path, -ENAMETOOLONG, NULL);

	n = scandir(dir, &list, conf_d_filter, alphasort);
	if (n < 0) {
		if (errno != ENOENT)
			return io_fail(err, dir, -errno, NULL);
		n = 0;
	}
	rc = 0;
	for (int i = 0; i < n; i++) {
		int cmp = ov_done ? 1 : strcmp(ov_name, list[i]->d_name);

		if (rc == 0 && cmp <= 0) {
			rc = load_in(c, dir, ov_name, ov_text, err);
			ov_done = true;
		}
		if (rc == 0 && cmp != 0)
			rc = load_in(c, dir, list[i]->d_name, NULL, err);
		free(list[i]);
	}
	free(list);
	if (rc == 0 && !ov_done)
		rc = load_in(c, dir, ov_name, ov_text, err);
	if (rc < 0)
		return rc;
	memset(err, 0, sizeof(*err));
	rc = conf_finish(c, err);
	if (rc < 0 && err->file[0] == '\0')
		set_file(err, path);
	return rc;
}

int conf_load(struct conf *c, const char *path, struct conf_err *err)
{
	return load_all(c, path, NULL, NULL, err);
}

int conf_load_override(struct conf *c, const char *path, const char *name, const char *text,
		       struct conf_err *err)
{
	return load_all(c, path, name, text, err);
}
