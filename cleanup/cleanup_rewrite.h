/* cleanup_rewrite.h - envelope address rewriting in cleanup: append
 * @myorigin to unqualified addresses (local submissions), canonical(5)
 * mapping (canonical_maps with sender_/recipient_canonical_maps) and
 * virtual(5) alias expansion of recipients.
 *
 * Lookup order for an address user@domain in canonical and virtual
 * tables (fixed-string tables; pattern tables get the full address
 * only): "user@domain", then "user" when domain is local (mydestination,
 * plain names only), then "@domain". A result "@other" means the same
 * user in domain "other". Canonical mapping is one step per table list
 * (sender_/recipient_canonical_maps first, then canonical_maps).
 *
 * Virtual alias expansion is recursive: each result address is expanded
 * again; an address that appears among its own ancestors (including one
 * mapping to itself) is kept as it is; duplicates are dropped. More than
 * recursion_limit levels or more than expansion_limit addresses from one
 * original recipient fail the message with 4.6.0 (as Postfix defers it).
 * Recipient delimiters / address extensions are not handled.
 *
 * Errors: a table lookup error returns -1 with *err (the message is
 * deferred with 4.3.0); limits return -2 with *err. */
#ifndef POSTERN_CLEANUP_REWRITE_H
#define POSTERN_CLEANUP_REWRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "dict/dict.h"
#include "util/buf.h"

typedef struct cleanup_maps {
    dict_t **tables;
    size_t count;
} cleanup_maps_t;

/* Opens every "type:name" of a list value (comma/space separated).
 * On error nothing stays open. */
int cleanup_maps_open(cleanup_maps_t *m, const char *list, char **err);
void cleanup_maps_close(cleanup_maps_t *m);
/* First table with a value for the address (order above).
 * DICT_FOUND / DICT_NOTFOUND / DICT_ERROR. */
int cleanup_maps_find_address(const cleanup_maps_t *m, const char *address,
                              char *const *local_domains, buf_t *value,
                              char **err);

typedef struct cleanup_rewrite {
    cleanup_maps_t canonical;
    cleanup_maps_t sender_canonical;
    cleanup_maps_t recipient_canonical;
    cleanup_maps_t virtual_alias;
    char **local_domains;      /* NULL-terminated; mydestination */
    char *myorigin;
    int recursion_limit;
    int expansion_limit;
} cleanup_rewrite_t;

/* A list of addresses (expansion result). */
typedef struct cleanup_addrs {
    char **items;
    size_t count;
} cleanup_addrs_t;

void cleanup_addrs_add(cleanup_addrs_t *a, const char *address);
bool cleanup_addrs_has(const cleanup_addrs_t *a, const char *address);
void cleanup_addrs_free(cleanup_addrs_t *a);

/* addr@myorigin for a non-empty address without '@'; else a copy. */
void cleanup_qualify(const cleanup_rewrite_t *rw, const char *address, buf_t *out);
/* Result in out (the address unchanged when no table matches). 0 or -1. */
int cleanup_canon_sender(const cleanup_rewrite_t *rw, const char *address,
                         buf_t *out, char **err);
int cleanup_canon_recipient(const cleanup_rewrite_t *rw, const char *address,
                            buf_t *out, char **err);
/* Appends the expansion of address to out (without duplicates already
 * in out). 0, -1 (table error) or -2 (limit). */
int cleanup_virtual_expand(const cleanup_rewrite_t *rw, const char *address,
                           cleanup_addrs_t *out, char **err);

#endif
