/* SPDX-License-Identifier: MIT */
/*
 * render.h - omnictl's human rendering of control-API documents: a JSON
 * array of objects becomes an aligned table, an object becomes "key: value"
 * lines (nested objects indented, arrays of objects as tables). Generic on
 * purpose, so a member added to a /v1/ document within v1 shows up without a
 * CLI change. Pure: writes only to the FILE * it is given.
 */
#pragma once

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>
#include "util.h"

#define RENDER_CELL_MAX 256 /* a cell longer than this is cut and ends in "..." */

/**
 * render_cell() - one JSON value as table text into @buf (always
 * NUL-terminated): strings as they are, numbers and booleans (yes/no),
 * null as "-", arrays of scalars joined with ",", other arrays and objects
 * as compact JSON. Control characters become '?', so a daemon-supplied
 * string cannot move the terminal cursor.
 */
void render_cell(const json_t *v, char *buf, size_t len);

/**
 * render_table() - print the array @rows (objects; other elements are
 * skipped) as a table with a header line of upper-cased column names.
 * @cols is a NULL-terminated list of member names; NULL takes every member
 * of the rows in first-seen order. A missing member prints "-". An empty
 * array prints @empty (e.g. "no routes") if not NULL.
 * Returns the number of rows printed, or -EIO on a write error.
 */
WUR int render_table(FILE *f, const json_t *rows, const char *const *cols, const char *empty);

/**
 * render_doc() - print any JSON document: an object as "key: value" lines
 * (nested objects as an indented block, arrays of objects as tables below a
 * "key:" line), an array as render_table(), a scalar as render_cell().
 * Returns 0 or -EIO.
 */
WUR int render_doc(FILE *f, const json_t *doc);
