/* brace.h - the "{ ... }" grouping syntax of Postfix-style parameter values
 * (inline:{ a=b, { c = d e } }, static:{text}, regexp:{ {rule}, ... }).
 *
 * brace_unwrap() takes "{ text }" (nothing before '{', nothing after the
 * matching '}') and yields the text with surrounding blanks removed.
 * brace_split() cuts a list into items separated by blanks and commas; an
 * item that starts with '{' runs to its matching '}' and is unwrapped, an
 * item without braces runs to the next separator outside braces.
 * Both return 0, or -1 with an allocated message in *err for unbalanced
 * braces or text after a closing brace. No mail knowledge here. */
#ifndef POSTERN_UTIL_BRACE_H
#define POSTERN_UTIL_BRACE_H

#include <stddef.h>

#include "util/buf.h"

int brace_unwrap(const char *text, buf_t *out, char **err);

/* *items is an allocated array of allocated strings (free with
 * brace_free_items); *braced[i] (if braced != NULL) tells whether item i
 * was written as "{ ... }". */
int brace_split(const char *text, char ***items, unsigned char **braced,
                size_t *count, char **err);
void brace_free_items(char **items, unsigned char *braced, size_t count);

#endif
