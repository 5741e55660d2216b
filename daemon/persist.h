/* SPDX-License-Identifier: MIT */
/*
 * persist.h - the configuration the control API owns: the ordered
 * (section, key, value) entries of <confdir>/conf.d/90-api.conf, kept in
 * memory, edited by the API handlers and written back atomically (temporary
 * file in the same directory, fsync, rename, fsync of the directory). Owns
 * the entries' strings and nothing else; never touches the admin's files.
 * The daemon loads 90-api.conf like any conf.d file, so it survives restarts.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include "util.h"

#define PERSIST_FILE "90-api.conf"

struct persist_entry {
	char *section;
	char *key;
	char *value;
};

struct persist {
	char path[4096]; /* <dir of omnid.conf>/conf.d/90-api.conf */
	struct persist_entry *v;
	size_t n;
};

/**
 * persist_load() - set the path from @config_path (the main omnid.conf) and
 * read the existing file, if any, with libinih. A missing file is empty.
 * Return: 0, -ENAMETOOLONG, -EINVAL (not parseable; message logged) or -errno.
 */
int persist_load(struct persist *p, const char *config_path) WUR;
/** Free every entry; @p is left empty (path kept). */
void persist_clear(struct persist *p);
/** Deep copy of @src into @dst (which must be empty or cleared). */
void persist_copy(struct persist *dst, const struct persist *src);
/** Swap the contents of @a and @b. */
void persist_swap(struct persist *a, struct persist *b);

/** Append one entry (copies the strings). */
void persist_add(struct persist *p, const char *section, const char *key, const char *value);
/** Replace every entry of @section/@key by one with @value (appended if none). */
void persist_set(struct persist *p, const char *section, const char *key, const char *value);
/** Remove every entry of @section. Return: how many were removed. */
size_t persist_remove_section(struct persist *p, const char *section);
/** Remove the entries equal to @section/@key/@value. Return: how many. */
size_t persist_remove(struct persist *p, const char *section, const char *key, const char *value);
/** True if some entry belongs to @section (and, when @key is set, has @key and @value). */
bool persist_has(const struct persist *p, const char *section, const char *key,
		 const char *value);
/** Value of the last @section/@key entry, or NULL. */
const char *persist_get(const struct persist *p, const char *section, const char *key);

/**
 * persist_render() - the file text: a header comment, then one [section]
 * block per section in order of first appearance. Return: a malloc'd string.
 */
char *persist_render(const struct persist *p);

/**
 * persist_write() - write persist_render() to the path atomically, creating
 * the conf.d directory (0755) if needed. Return: 0 or -errno.
 */
int persist_write(const struct persist *p) WUR;
