/* cleanup_header.h - address rewriting inside message headers (local
 * submissions only, as Postfix does for clients outside
 * local_header_rewrite_clients): in From:, Sender:, Reply-To:,
 * Errors-To:, Return-Receipt-To: and their Resent- forms the sender
 * rules apply (qualify with @myorigin, sender_canonical_maps,
 * canonical_maps); in To:, Cc:, Bcc:, Apparently-To: and their Resent-
 * forms the recipient rules (qualify, recipient_canonical_maps,
 * canonical_maps). Only an address that is one clean run of text (no
 * comment or blank inside it, no route) is replaced, in place, so display
 * names, comments and folding stay as written.
 *
 * Returns 1 with the new header in out, 0 when nothing changed, -1 on a
 * table lookup error (*err). */
#ifndef POSTERN_CLEANUP_HEADER_H
#define POSTERN_CLEANUP_HEADER_H

#include <stddef.h>

#include "cleanup/cleanup_rewrite.h"
#include "util/buf.h"

/* header: "Name: value" with folded lines joined by '\n'. */
int cleanup_rewrite_header(const cleanup_rewrite_t *rw, const char *header,
                           size_t len, buf_t *out, char **err);

#endif
