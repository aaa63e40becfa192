/* dict_alias.h - aliases(5) source syntax for postalias and newaliases.
 *
 * An entry is "name: value, value, ..." (logical lines as in dict_file.h).
 * The name may be quoted ("a b": ...); it is unquoted (case folding is
 * left to the table, DICT_FLAG_FOLD_KEYS) and must be local (no '@'
 * outside quotes). The value is an RFC 822 style list: it is split into
 * words, quoted strings, comments and specials and written back in
 * Postfix's normal form: one space between words, ", " after every comma,
 * no space around '@', '.' or ':', quoted strings re-quoted, backslash
 * escapes outside quotes resolved (\root -> root).
 * So ":include:/path", "|command" and "/file/path" values stay as written. */
#ifndef POSTERN_DICT_DICT_ALIAS_H
#define POSTERN_DICT_DICT_ALIAS_H

#include "util/buf.h"

/* Returns 0 with *key and *value set, or -1 with a reason in *why (static
 * text: "need name:value pair", "name must be local"). */
int dict_alias_parse_entry(const char *line, buf_t *key, buf_t *value,
                           const char **why);

/* Normal form of an aliases value (exposed for tests). */
void dict_alias_normalize_value(const char *text, buf_t *out);

#endif
