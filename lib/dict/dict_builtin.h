/* dict_builtin.h - open functions of the in-memory, pattern and system
 * table types (inline, static, cidr, regexp, pcre, unix), for the registry
 * in dict_registry.c. Each fills in a dict_t as dict_impl.h describes. */
#ifndef POSTERN_DICT_DICT_BUILTIN_H
#define POSTERN_DICT_DICT_BUILTIN_H

#include "dict/dict_impl.h"

int dict_inline_open(dict_t *d, int open_flags, char **err);
int dict_static_open(dict_t *d, int open_flags, char **err);
int dict_cidr_open(dict_t *d, int open_flags, char **err);
int dict_regexp_open(dict_t *d, int open_flags, char **err);
int dict_pcre_open(dict_t *d, int open_flags, char **err);
int dict_unix_open(dict_t *d, int open_flags, char **err);

#endif
