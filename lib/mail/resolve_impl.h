/* resolve_impl.h - internals shared by the resolve_*.c files. */
#ifndef POSTERN_MAIL_RESOLVE_IMPL_H
#define POSTERN_MAIL_RESOLVE_IMPL_H

#include "mail/resolve.h"

/* Searches transport_maps for rcpt (lower case, user@domain) and applies
 * the entry found to transport/nexthop. 1 found, 0 not, -1 table error. */
int resolve_transport_lookup(const resolve_config_t *cfg, const char *rcpt,
                             const char *rcpt_domain, buf_t *transport,
                             buf_t *nexthop, char **err);
/* Returns the buffer's text (caller frees) and releases the buffer. */
char *resolve_buf_take(buf_t *b);

#endif
