/* resolve_dict.h - adapts a lib/dict table to resolve_table_t, for the
 * programs that resolve addresses with real tables (qmgr, smtpd). Header
 * only, so lib/mail itself does not depend on lib/dict. */
#ifndef POSTERN_MAIL_RESOLVE_DICT_H
#define POSTERN_MAIL_RESOLVE_DICT_H

#include <fcntl.h>

#include "dict/dict.h"
#include "mail/resolve.h"

static inline int resolve_dict_lookup(void *ctx, const char *key, buf_t *value,
                                      char **err)
{
    int rc = dict_lookup(ctx, key, value, err);

    return rc == DICT_FOUND ? 1 : rc == DICT_NOTFOUND ? 0 : -1;
}

static inline void resolve_dict_close(void *ctx)
{
    dict_close(ctx);
}

static inline bool resolve_dict_changed(void *ctx)
{
    return dict_changed(ctx);
}

/* The table owns d: closing the table closes d. */
static inline resolve_table_t resolve_table_dict(dict_t *d)
{
    resolve_table_t t = {resolve_dict_lookup, d, resolve_dict_close, resolve_dict_changed};

    return t;
}

/* A resolve_open_table_fn that opens "type:name" read-only with lib/dict
 * (keys folded to lower case). ctx is unused. */
static inline int resolve_open_dict(void *ctx, const char *type_name,
                                    resolve_table_t *table, char **err)
{
    dict_t *d = dict_open(type_name, O_RDONLY, DICT_FLAG_FOLD_KEYS, err);

    (void) ctx;
    if (d == NULL)
        return -1;
    *table = resolve_table_dict(d);
    return 0;
}

#endif
