/* main_cf_edit.h - postconf -e and -#: edit main.cf text, write it safely.
 *
 * main_cf_edit() works on the text of main.cf and keeps everything it is
 * not asked to change: comments, blank lines, order, line endings.
 * Setting a parameter replaces its first definition (the line and its
 * continuation lines) with "name = value" and removes later definitions of
 * the same name; a parameter not defined yet is appended at the end.
 * Commenting out puts '#' in front of every line of each definition;
 * removing drops those lines (postconf -X).
 * main_cf_write() replaces the file atomically: temporary file in the
 * same directory, fsync, rename over main.cf, fsync of the directory; the
 * old file's permissions are kept (0644 for a new file).
 *
 * Errors: main_cf_write() returns -1 with *err set and leaves the old file
 * untouched. main_cf_edit() cannot fail. */
#ifndef POSTERN_POSTCONF_MAIN_CF_EDIT_H
#define POSTERN_POSTCONF_MAIN_CF_EDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

typedef struct main_cf_change {
    const char *name;
    const char *value;      /* NULL: comment the parameter out (or remove) */
    bool remove;            /* with value NULL: remove instead */
} main_cf_change_t;

void main_cf_edit(const char *text, size_t len, const main_cf_change_t *changes,
                  size_t nchanges, buf_t *out);
/* Splits "name=value" (white space around both trimmed) into the change;
 * returns false for text without '=' or with a bad name. The strings
 * point into *storage (caller frees). */
bool main_cf_parse_assignment(const char *text, main_cf_change_t *change, char **storage);
int main_cf_write(const char *path, const char *text, size_t len, char **err);

#endif
