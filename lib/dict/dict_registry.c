/* dict_registry.c - the table of lookup-table types: name -> open function.
 * Adding a type means adding its dict_TYPE.c and one line below. */
#include "dict/dict_impl.h"

#include <string.h>

/* File-based types (built by postmap/postalias). */
#include "dict/dict_file.h"

/* In-memory, pattern and system types. */
#include "dict/dict_builtin.h"

static const struct dict_type dict_types[] = {
    /* file-based types */
    {"hash", dict_hash_open},
    {"btree", dict_btree_open},
    {"gdbm", dict_gdbm_open},
    {"texthash", dict_texthash_open},

    /* in-memory, pattern and system types */
    {"inline", dict_inline_open},
    {"static", dict_static_open},
    {"cidr", dict_cidr_open},
    {"regexp", dict_regexp_open},
    {"pcre", dict_pcre_open},
    {"unix", dict_unix_open},

    {NULL, NULL},
};

const struct dict_type *dict_find_type(const char *type)
{
    for (const struct dict_type *t = dict_types; t->type; t++)
        if (strcmp(t->type, type) == 0)
            return t;
    return NULL;
}
