/* lookup.h - virtual(8)'s table search for a recipient, used for
 * virtual_mailbox_maps, virtual_uid_maps and virtual_gid_maps.
 *
 * The address is lower-cased; then every table in order is asked for
 * "user+ext@domain", then every table for "user@domain" (only when
 * recipient_delimiter splits an extension off the local part), then for
 * "@domain". Tables whose keys are patterns (regexp, pcre) are asked for
 * the full address only. The first answer wins.
 *
 * The id lookups turn the answer into a number: a uid below
 * virtual_minimum_uid, a gid of 0 or text that is not a number is a
 * configuration error. Errors come back through a result set to a
 * deferral (4.3.0), as Postfix's virtual agent defers them. */
#ifndef POSTERN_VIRTUAL_LOOKUP_H
#define POSTERN_VIRTUAL_LOOKUP_H

#include <stddef.h>

#include "deliver/result.h"
#include "dict/dict.h"
#include "util/buf.h"

typedef struct virtual_maps {
    const char *param;      /* "virtual_mailbox_maps", for messages */
    dict_t **tables;
    size_t count;
} virtual_maps_t;

/* Fills keys (NULL-terminated, at most 3, allocated) for address in the
 * search order above. */
void virtual_lookup_keys(const char *address, const char *delimiters,
                         char *keys[4]);
void virtual_lookup_keys_free(char *keys[4]);

/* 1 found (value set), 0 not found, -1 table error with *err. */
int virtual_lookup(const virtual_maps_t *maps, const char *address,
                   const char *delimiters, buf_t *value, char **err);

/* The uid (what "uid", min_id = virtual_minimum_uid) or gid (what "gid",
 * min_id = 1) for address.
 * 0, or -1 with res set to 4.3.0 and Postfix's text. */
int virtual_lookup_id(const virtual_maps_t *maps, const char *what,
                      const char *address, const char *delimiters,
                      long min_id, long *id, dlv_result_t *res);

#endif
