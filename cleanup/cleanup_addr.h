/* cleanup_addr.h - addresses of an RFC 5322 address-list header value
 * (To:, Cc:, Bcc:, From: ...): "a@x, Name <b@y>, group: c@z;".
 * Comments (nested, with quoted-pairs) are dropped, quoted strings are
 * kept as written, a route "<@r1,@r2:u@d>" is reduced to u@d, group names
 * and display names are skipped, empty addresses (<>) are left out, blank
 * space outside quoted strings is removed. Unbalanced input ends the
 * element where the input ends. Never fails. */
#ifndef POSTERN_CLEANUP_ADDR_H
#define POSTERN_CLEANUP_ADDR_H

#include <stdbool.h>
#include <stddef.h>

#include "cleanup/cleanup_rewrite.h"

/* Called per address in order. exact: value[start..end) is exactly the
 * address text (so it can be replaced in place); false when blanks,
 * comments or a route were inside it. */
typedef void (*cleanup_addr_fn)(void *ctx, const char *address, size_t start,
                                size_t end, bool exact);
void cleanup_addr_scan(const char *value, size_t len, cleanup_addr_fn fn, void *ctx);

/* The addresses, without duplicates, appended to out. */
void cleanup_addr_extract(const char *value, size_t len, cleanup_addrs_t *out);

#endif
