// SPDX-License-Identifier: MIT
/*
 * render.c - tables and key/value blocks for omnictl's human output. Owns no
 * knowledge of any endpoint: the subcommands pick the member and the
 * columns; this file only lays out what it is given and neutralises
 * control characters in daemon-supplied text.
 */
#include "render.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void sanitize(char *s)
{
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
	}
}

static void cut(char *buf, size_t len, size_t used)
{
	/* Mark truncation so a cut value is never mistaken for a whole one. */
	if (used >= len && len > 4)
		memcpy(buf + len - 4, "...", 4);
}

static bool is_scalar(const json_t *v)
{
	return !json_is_object(v) && !json_is_array(v);
}

static size_t scalar(const json_t *v, char *buf, size_t len)
{
	int n;

	switch (json_typeof(v)) {
	case JSON_STRING:
		n = snprintf(buf, len, "%s", json_string_value(v));
		break;
	case JSON_INTEGER:
		n = snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		n = snprintf(buf, len, "%g", json_real_value(v));
		break;
	case JSON_TRUE:
		n = snprintf(buf, len, "yes");
		break;
	case JSON_FALSE:
		n = snprintf(buf, len, "no");
		break;
	case JSON_NULL:
		n = snprintf(buf, len, "-");
		break;
	case JSON_OBJECT:
	case JSON_ARRAY:
	default:
		n = 0;
		buf[0] = '\0';
		break;
	}
	return n < 0 ? 0 : (size_t)n;
}

static bool flat_array(const json_t *v)
{
	size_t i;
	json_t *e;

	json_array_foreach(v, i, e)
	{
		if (!is_scalar(e))
			return false;
	}
	return true;
}

void render_cell(const json_t *v, char *buf, size_t len)
{
	size_t used = 0;

	if (!len)
		return;
	buf[0] = '\0';
	if (!v || (json_is_array(v) && json_array_size(v) == 0)) {
		snprintf(buf, len, "-");
	} else if (is_scalar(v)) {
		used = scalar(v, buf, len);
	} else if (json_is_array(v) && flat_array(v)) {
		char one[RENDER_CELL_MAX];
		size_t i;
		json_t *e;

		json_array_foreach(v, i, e)
		{
			int w;

			scalar(e, one, sizeof(one));
			w = snprintf(buf + used, len - used, "%s%s", i ? "," : "", one);
			if (w < 0 || (size_t)w >= len - used) {
				used = len;
				break;
			}
			used += (size_t)w;
		}
	} else {
		char *s = json_dumps(v, JSON_COMPACT);
		int w = snprintf(buf, len, "%s", s ? s : "?");

		free(s);
		used = w < 0 ? 0 : (size_t)w;
	}
	cut(buf, len, used);
	sanitize(buf);
}

/* Column names: the given list, or every member of the row objects in first-seen order. */
static size_t columns(const json_t *rows, const char *const *cols, const char ***out)
{
	size_t n = 0, i;
	json_t *row;

	if (cols) {
		while (cols[n])
			n++;
		*out = xcalloc(n ? n : 1, sizeof(**out));
		memcpy(*out, cols, n * sizeof(**out));
		return n;
	}
	*out = NULL;
	json_array_foreach(rows, i, row)
	{
		const char *k;
		json_t *v;

		if (!json_is_object(row))
			continue;
		json_object_foreach(row, k, v)
		{
			bool seen = false;

			for (size_t c = 0; c < n && !seen; c++)
				seen = strcmp((*out)[c], k) == 0;
			if (seen)
				continue;
			*out = xrealloc(*out, (n + 1) * sizeof(**out));
			(*out)[n++] = k;
		}
	}
	return n;
}

static void put_cell(FILE *f, const char *s, size_t width, bool last)
{
	if (last)
		fprintf(f, "%s\n", s);
	else
		fprintf(f, "%-*s  ", (int)width, s);
}

int render_table(FILE *f, const json_t *rows, const char *const *cols, const char *empty)
{
	const char **names = NULL;
	size_t ncol, *width, i, printed = 0;
	char cell[RENDER_CELL_MAX];
	json_t *row;

	if (!json_is_array(rows))
		return 0;
	ncol = columns(rows, cols, &names);
	if (json_array_size(rows) == 0 || ncol == 0) {
		if (empty)
			fprintf(f, "%s\n", empty);
		free(names);
		return ferror(f) ? -EIO : 0;
	}
	width = xcalloc(ncol, sizeof(*width));
	for (size_t c = 0; c < ncol; c++)
		width[c] = strlen(names[c]);
	json_array_foreach(rows, i, row)
	{
		if (!json_is_object(row))
			continue;
		for (size_t c = 0; c < ncol; c++) {
			render_cell(json_object_get(row, names[c]), cell, sizeof(cell));
			if (strlen(cell) > width[c])
				width[c] = strlen(cell);
		}
	}
	for (size_t c = 0; c < ncol; c++) {
		char head[RENDER_CELL_MAX];
		size_t k;

		snprintf(head, sizeof(head), "%s", names[c]);
		for (k = 0; head[k]; k++)
			head[k] = (char)toupper((unsigned char)head[k]);
		sanitize(head);
		put_cell(f, head, width[c], c + 1 == ncol);
	}
	json_array_foreach(rows, i, row)
	{
		if (!json_is_object(row))
			continue;
		printed++;
		for (size_t c = 0; c < ncol; c++) {
			render_cell(json_object_get(row, names[c]), cell, sizeof(cell));
			put_cell(f, cell, width[c], c + 1 == ncol);
		}
	}
	free(width);
	free(names);
	return ferror(f) ? -EIO : (int)printed;
}

static bool array_of_objects(const json_t *v)
{
	return json_is_array(v) && json_array_size(v) > 0 && json_is_object(json_array_get(v, 0));
}

static void doc_object(FILE *f, const json_t *o, int indent)
{
	char cell[RENDER_CELL_MAX], key[RENDER_CELL_MAX];
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)(uintptr_t)o, k, v)
	{
		snprintf(key, sizeof(key), "%s", k);
		sanitize(key);
		if (json_is_object(v) && json_object_size(v) > 0) {
			fprintf(f, "%*s%s:\n", indent, "", key);
			doc_object(f, v, indent + 2);
		} else if (array_of_objects(v)) {
			fprintf(f, "%*s%s:\n", indent, "", key);
			if (indent == 0) {
				if (render_table(f, v, NULL, NULL) < 0)
					return;
			} else {
				size_t i;
				json_t *e;

				json_array_foreach(v, i, e)
				{
					render_cell(e, cell, sizeof(cell));
					fprintf(f, "%*s- %s\n", indent + 2, "", cell);
				}
			}
		} else {
			render_cell(v, cell, sizeof(cell));
			fprintf(f, "%*s%s: %s\n", indent, "", key, cell);
		}
	}
}

int render_doc(FILE *f, const json_t *doc)
{
	char cell[RENDER_CELL_MAX];

	if (json_is_object(doc)) {
		doc_object(f, doc, 0);
	} else if (json_is_array(doc)) {
		if (render_table(f, doc, NULL, "(empty)") < 0)
			return -EIO;
	} else {
		render_cell(doc, cell, sizeof(cell));
		fprintf(f, "%s\n", cell);
	}
	return ferror(f) ? -EIO : 0;
}
