/* dict.h - the one lookup-table interface, opened by "type:name".
 *
 * CONTRACT (implemented in lib/dict/): a registry maps a type name (hash,
 * btree, gdbm, texthash, inline, static, cidr, regexp, pcre, unix) to an
 * implementation in its own file dict_TYPE.c. Keys are case-folded
 * (lower-cased) on lookup unless the table says otherwise (regexp/pcre
 * match case-insensitively by default, as in Postfix).
 *
 * Results: lookups return DICT_FOUND with the value in *value, DICT_NOTFOUND,
 * or DICT_ERROR (table unreadable, I/O error) with a message in *err, so a
 * caller can answer "451 4.3.0" instead of treating an error as absence. */
#ifndef POSTERN_DICT_DICT_H
#define POSTERN_DICT_DICT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

typedef struct dict dict_t;

enum { DICT_ERROR = -1, DICT_NOTFOUND = 0, DICT_FOUND = 1 };

/* dict_flags */
#define DICT_FLAG_NONE        0
#define DICT_FLAG_FOLD_KEYS   (1 << 0)  /* lower-case keys (default for files) */
#define DICT_FLAG_DUP_WARN    (1 << 1)  /* warn about duplicate keys on update */
#define DICT_FLAG_DUP_IGNORE  (1 << 2)  /* keep first value of a duplicate key */
#define DICT_FLAG_DUP_REPLACE (1 << 3)  /* keep last value of a duplicate key */
#define DICT_FLAG_NUL_KEY     (1 << 4)  /* key/value stored with trailing NUL (postmap -N) */
#define DICT_FLAG_NO_NUL_KEY  (1 << 5)  /* stored without trailing NUL (postmap -n) */
#define DICT_FLAG_LOCK        (1 << 6)  /* take a lock around each access */
#define DICT_FLAG_PATTERN     (1 << 7)  /* set by the table: keys are patterns */
#define DICT_FLAG_FIXED       (1 << 8)  /* set by the table: exact-match keys */

/* open_flags: O_RDONLY for lookups; O_RDWR|O_CREAT(|O_TRUNC) for postmap. */
dict_t *dict_open(const char *type_name, int open_flags, int dict_flags, char **err);
int dict_lookup(dict_t *d, const char *key, buf_t *value, char **err);
int dict_update(dict_t *d, const char *key, const char *value, char **err);
int dict_delete(dict_t *d, const char *key, char **err);  /* FOUND/NOTFOUND/ERROR */
/* Iteration: first=true restarts. Returns DICT_FOUND with key/value set,
 * DICT_NOTFOUND at the end. Not every type iterates (DICT_ERROR then). */
int dict_sequence(dict_t *d, bool first, buf_t *key, buf_t *value, char **err);
/* True when the file behind the table changed since it was opened (the
 * daemon finishes its client and exits so that a fresh process reopens). */
bool dict_changed(dict_t *d);
const char *dict_name(const dict_t *d);   /* "type:name" as opened */
int dict_flags(const dict_t *d);
void dict_close(dict_t *d);

#endif
