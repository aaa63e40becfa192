/* dict_impl.h - what a lookup-table implementation provides to dict.c.
 * Each type lives in its own dict_TYPE.c and exports one open function,
 * listed in dict_registry.c. Not for table users: they include dict.h. */
#ifndef POSTERN_DICT_DICT_IMPL_H
#define POSTERN_DICT_DICT_IMPL_H

#include "dict/dict.h"

struct dict {
    char *type;       /* "hash" */
    char *name;       /* "/etc/postern/aliases" or "{ a=b }" */
    char *type_name;  /* "hash:/etc/postern/aliases" */
    int flags;        /* DICT_FLAG_* */
    /* Operations; a NULL entry means "not supported by this type" and the
     * generic layer answers DICT_ERROR with a message. Keys arrive already
     * case-folded when DICT_FLAG_FOLD_KEYS is set. */
    int (*lookup)(dict_t *d, const char *key, buf_t *value, char **err);
    int (*update)(dict_t *d, const char *key, const char *value, char **err);
    int (*remove)(dict_t *d, const char *key, char **err);
    int (*sequence)(dict_t *d, bool first, buf_t *key, buf_t *value, char **err);
    bool (*changed)(dict_t *d);
    void (*close)(dict_t *d);  /* frees the type's own state, not *d */
    void *priv;               /* the type's own state */
};

/* An open function fills in a dict_t allocated by dict_open() (type, name,
 * type_name and flags already set) and returns 0, or -1 with *err set. */
typedef int (*dict_open_fn)(dict_t *d, int open_flags, char **err);

struct dict_type {
    const char *type;
    dict_open_fn open;
};

/* dict_registry.c */
const struct dict_type *dict_find_type(const char *type);

/* Helper for implementations: formats an allocated error message. */
char *dict_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
