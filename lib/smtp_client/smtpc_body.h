/* smtpc_body.h - message content on its way to an SMTP server: a sink
 * that takes the message as LF-terminated lines (what the queue file
 * producer writes) and writes it dot-stuffed with CRLF line ends to a
 * stream (lib/smtp/dotstuff), and a scan that tells whether content has
 * 8-bit bytes (for BODY=8BITMIME).
 * A write to the stream that fails (timeout, lost connection) makes the
 * sink fail (sticky, errno EIO); the stream says why. */
#ifndef POSTERN_SMTP_CLIENT_BODY_H
#define POSTERN_SMTP_CLIENT_BODY_H

#include <stdbool.h>

#include "util/buf.h"
#include "util/sink.h"
#include "util/stream.h"

#define SMTPC_BODY_PIECE 4096   /* a longer line goes out in pieces */

typedef struct smtpc_body_sink {
    sink_t base;
    stream_t *s;
    buf_t line;
    buf_t out;
    bool at_line_start;
} smtpc_body_sink_t;

void smtpc_body_sink_init(smtpc_body_sink_t *b, stream_t *s);
/* Writes an unfinished last line and the end-of-data ".", and flushes
 * the stream. 0 or -1. */
int smtpc_body_sink_finish(smtpc_body_sink_t *b);
void smtpc_body_sink_dispose(smtpc_body_sink_t *b);

/* Runs producer into a scanning sink: *eight_bit true when any byte is
 * >= 0x80. 0, or -1 with *err from the producer. */
int smtpc_body_is_8bit(sink_producer_fn producer, void *ctx, bool *eight_bit,
                       char **err);

#endif
