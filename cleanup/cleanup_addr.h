/* cleanup_addr.h - addresses of an RFC 5322 address-list header value
 * (To:, Cc:, Bcc:), for sendmail -t: "a@x, Name <b@y>, group: c@z;".
 * Comments (nested, with quoted-pairs) are dropped, quoted strings are
 * kept as written, a route "<@r1,@r2:u@d>" is reduced to u@d, group names
 * and display names are skipped, empty addresses (<>) are left out, blank
 * space outside quoted strings is removed. Unbalanced input ends the
 * element where the input ends. Never fails. */
#ifndef POSTERN_CLEANUP_ADDR_H
#define POSTERN_CLEANUP_ADDR_H

#include <stddef.h>

#include "cleanup/cleanup_rewrite.h"

void cleanup_addr_extract(const char *value, size_t len, cleanup_addrs_t *out);

#endif
