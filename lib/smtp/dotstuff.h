/* dotstuff.h - the sending side of DATA (RFC 5321 4.5.2), for the smtp
 * client and anything that relays content: each line goes out with a
 * leading '.' doubled and a CRLF appended; the end is ".\r\n".
 * A CR or LF inside a line (which the queue should never hold) is sent
 * as a space, so content can never produce a line break, let alone an
 * end-of-data sequence, that the sender did not mean (no outbound SMTP
 * smuggling). Cannot fail. */
#ifndef POSTERN_SMTP_DOTSTUFF_H
#define POSTERN_SMTP_DOTSTUFF_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

/* Appends one line. partial: more of this logical line follows (a piece
 * from smtp/data.h with SMTP_DATA_PARTIAL): no CRLF yet, and the next
 * piece is not at the start of a line. *at_line_start tracks that; start
 * it as true. */
void smtp_dot_stuff_line(buf_t *out, const char *line, size_t len, bool partial,
                         bool *at_line_start);
/* Appends the end-of-data marker, ending an unfinished line first. */
void smtp_dot_stuff_end(buf_t *out, bool at_line_start);

#endif
