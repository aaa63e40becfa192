/* resolve_dict.h - adapts a lib/dict table to resolve_table_t, for the
 * programs that resolve addresses with real tables (qmgr, smtpd). Header
 * only, so lib/mail itself does not depend on lib/dict. */
#ifndef POSTERN_MAIL_RESOLVE_DICT_H
#define POSTERN_MAIL_RESOLVE_DICT_H

#include "dict/dict.h"
#include "mail/resolve.h"

static inline int resolve_dict_lookup(void *ctx, const char *key, buf_t *value,
                                      char **err)
{
    int rc = dict_lookup(ctx, key, value, err);

    return rc == DICT_FOUND ? 1 : rc == DICT_NOTFOUND ? 0 : -1;
}

static inline resolve_table_t resolve_table_dict(dict_t *d)
{
    resolve_table_t t = {resolve_dict_lookup, d};

    return t;
}

#endif
