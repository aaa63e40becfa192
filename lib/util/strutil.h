/* strutil.h - small string helpers used across the tree.
 * All functions work on NUL-terminated C strings in place where noted and
 * never allocate unless the name says "dup". ASCII-only case folding, as
 * mail protocols want (no locale). */
#ifndef POSTERN_UTIL_STRUTIL_H
#define POSTERN_UTIL_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>

char *str_lower(char *s);                 /* in place, returns s */
char *str_trim(char *s);                  /* strips leading+trailing blanks */
bool str_case_eq(const char *a, const char *b);
bool str_has_prefix(const char *s, const char *prefix);
bool str_case_has_suffix(const char *s, const char *suffix);
/* Splits off the next token delimited by any of the bytes in sep, skipping
 * leading separators; advances *cursor. Returns NULL at the end. Modifies
 * the string (like Postfix's mystrtok). */
char *str_token(char **cursor, const char *sep);
/* Like str_token, but a separator inside "{...}" (nested) does not end the
 * token, so a list of tables keeps "inline:{ a=b, c=d }" as one word. */
char *str_token_braced(char **cursor, const char *sep);
/* Parses a decimal integer in [min, max]; returns false on junk/overflow. */
bool str_to_long(const char *s, long min, long max, long *out);
/* Parses "yes"/"no" (also "true"/"false", "1"/"0"); false on junk. */
bool str_to_bool(const char *s, bool *out);

#endif
