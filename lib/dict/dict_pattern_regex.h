/* dict_pattern_regex.h - the file grammar shared by regexp: (POSIX) and
 * pcre: (PCRE2) tables, with one back-end per regex library.
 *
 * Lines: "[!]DpatternDflags result", "if [!]DpatternDflags", "endif",
 * where D is any character other than a letter, digit or blank (usually
 * '/'); a backslash keeps the next character, the delimiter included, in
 * the pattern. Results may hold $1..$N, ${N} and $(N) (N up to the number
 * of groups in the pattern) and $$ for a dollar. Like Postfix, a broken
 * rule (bad pattern, unknown flag, missing delimiter, reference to an
 * absent group, substitution in a negated rule) is skipped with a warning
 * "TYPE map FILE, line N: ..." and the table still opens; the open fails
 * only when the file cannot be read. Keys are matched as given (not
 * case-folded): the i flag (on by default) makes matching caseless. An
 * expansion that comes out empty is "not found". A table keeps one capture
 * area, so one table must not be searched by two threads at once. */
#ifndef POSTERN_DICT_DICT_PATTERN_REGEX_H
#define POSTERN_DICT_DICT_PATTERN_REGEX_H

#include <stddef.h>

#include "dict/dict_impl.h"

/* Offsets of a match: group g spans [start[g], end[g]), or start[g] < 0
 * when the group did not take part. */
struct regex_captures {
    long *start;
    long *end;
    size_t size;   /* room for groups 0..size-1 */
};

struct regex_backend {
    /* Compiles pattern with the flag letters in flags. Returns the
     * compiled form and the number of groups, or NULL with an allocated
     * reason in *why. */
    void *(*compile)(const char *pattern, const char *flags, size_t *groups, char **why);
    /* 1 on a match (captures filled as far as they fit), 0 on none, -1 on
     * a matching error with *err set. */
    int (*match)(void *re, const char *key, struct regex_captures *caps, char **err);
    void (*free)(void *re);
};

/* Opens d (file or inline rules) with the back-end. */
int regex_table_open(dict_t *d, const struct regex_backend *be, char **err);
/* Builds the table from memory (fuzz target, tests). */
void regex_table_load(dict_t *d, const struct regex_backend *be, const char *data, size_t len);

extern const struct regex_backend regexp_posix_backend;
extern const struct regex_backend regexp_pcre2_backend;

#endif
