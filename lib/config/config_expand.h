/* config_expand.h - $name expansion in main.cf values, Postfix style.
 *
 * Forms: $name, ${name}, $(name); ${name?text} (text when $name is
 * non-empty), ${name:text} (text when $name is empty or undefined); the
 * Postfix 3.0 forms ${name?{text}}, ${name:{text}} and
 * ${name?{text1}:{text2}}; the comparisons
 * ${{text1} OP {text2} ? {value1} : {value2}} with OP one of == != < <= > >=
 * (numbers when both sides are decimal digits, else strings) or the same
 * followed by "level" (compatibility levels "major[.minor[.patch]]"), with
 * "? text", "? {value1}" or no '?' at all ("true" or nothing); $$ is a
 * literal '$'. A name is letters, digits and '_'.
 * Referenced values and the text of the conditional forms are expanded
 * recursively; an undefined name expands to nothing.
 *
 * Errors (return -1, *err allocated): a loop ("$a -> $b -> $a"),
 * nesting deeper than CFG_EXPAND_MAX_DEPTH, a missing closing brace or
 * parenthesis, a '$' followed by no name (as in Postfix; "$$" is the
 * literal), a bad name inside ${...}, a bad operator or level. */
#ifndef POSTERN_CONFIG_CONFIG_EXPAND_H
#define POSTERN_CONFIG_CONFIG_EXPAND_H

#include "util/buf.h"

#define CFG_EXPAND_MAX_DEPTH 100

/* Returns the raw (unexpanded) value of name, or NULL when undefined. */
typedef const char *(*cfg_lookup_fn)(const char *name, void *ctx);

/* Appends the expansion of text to out. */
int cfg_expand(const char *text, cfg_lookup_fn lookup, void *ctx, buf_t *out, char **err);

/* Appends the expanded value of the parameter name itself (so that
 * "a = $a" is reported as a loop); nothing when it is undefined. */
int cfg_expand_param(const char *name, cfg_lookup_fn lookup, void *ctx, buf_t *out,
                     char **err);

/* Calls fn for each name that text refers to with $name, ${name...} or
 * $(name...), without expanding anything (used to find parameters that
 * are set but never used). */
void cfg_references(const char *text, void (*fn)(const char *name, void *ctx), void *ctx);

#endif
