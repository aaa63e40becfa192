/* cf_lines.h - logical lines of a Postfix-style configuration file.
 *
 * Shared by the main.cf and master.cf readers and by postconf -e. Rules:
 * a physical line ends at LF (a CR before the LF is dropped; the last line
 * needs no LF); lines that are empty, white space only, or whose first
 * non-white-space byte is '#' are skipped; a line that starts with white
 * space continues the current logical line (joined with one space, leading
 * white space of the continuation dropped). A '#' elsewhere is text.
 *
 * Nothing fails: a physical line holding a NUL byte marks its logical line
 * has_nul (the caller reports and skips it), and a continuation line with
 * no logical line before it is returned with orphan set. */
#ifndef POSTERN_CONFIG_CF_LINES_H
#define POSTERN_CONFIG_CF_LINES_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

typedef struct cf_reader {
    const char *data;
    size_t len;
    size_t pos;
    int lineno;          /* physical lines consumed so far */
} cf_reader_t;

typedef struct cf_line {
    buf_t text;          /* the joined logical line, trimmed at both ends */
    int first_line;      /* 1-based physical line numbers it spans */
    int last_line;
    bool has_nul;
    bool orphan;         /* starts with white space, nothing to continue */
} cf_line_t;

void cf_reader_init(cf_reader_t *r, const char *data, size_t len);
void cf_line_init(cf_line_t *line);
void cf_line_dispose(cf_line_t *line);
/* Reads the next logical line into *line; returns false at end of input. */
bool cf_next_line(cf_reader_t *r, cf_line_t *line);
/* Reads a whole file into out. Returns -1 with *err set ("open PATH: ...")
 * and errno kept from the failing call (ENOENT for a missing file). */
int cf_read_file(const char *path, buf_t *out, char **err);

#endif
