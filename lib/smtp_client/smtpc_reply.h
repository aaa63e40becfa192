/* smtpc_reply.h - reading one SMTP reply from a server (RFC 5321 4.2),
 * the client side of the protocol.
 *
 * smtpc_reply_read() reads lines until the last line of a reply ("250 ..."
 * after any "250-..." lines). Lines may end in CRLF or a bare LF. It is
 * lenient where the peer's intent is clear and strict where it is not:
 *   - a line longer than SMTPC_REPLY_LINE_LIMIT is cut (the rest of it is
 *     read and dropped);
 *   - control bytes (NUL included) in the text are kept as '?', so the
 *     text can go into a log line;
 *   - at most SMTPC_REPLY_LINES lines and SMTPC_REPLY_TEXT bytes of text
 *     are kept; more lines are read and dropped, a reply of more than
 *     SMTPC_REPLY_LINES_MAX lines is a protocol error;
 *   - a line without a three-digit code, a code outside 2xx..5xx (1xx,
 *     6xx), a continuation line with another code than the first line,
 *     or input that ends inside a reply are errors.
 * Returns 0 with the reply, or -1 with an allocated reason in *err and
 * *kind saying what went wrong (so the caller can word "lost connection
 * with ..." or "conversation ... timed out"). */
#ifndef POSTERN_SMTP_CLIENT_REPLY_H
#define POSTERN_SMTP_CLIENT_REPLY_H

#include <stdbool.h>

#include "util/buf.h"
#include "util/stream.h"

#define SMTPC_REPLY_LINE_LIMIT 4096
#define SMTPC_REPLY_LINES 100
#define SMTPC_REPLY_LINES_MAX 10000
#define SMTPC_REPLY_TEXT 8192

typedef struct smtpc_reply {
    int code;            /* 200..599 */
    char enh[16];        /* enhanced status code of the first line, "" if none */
    buf_t text;          /* the whole reply as a log shows it: lines joined
                          * by a space, "550 5.1.1 <a@b>: ..." */
    buf_t lines;         /* the lines' texts after code (and enhanced code),
                          * each ending in '\n' (EHLO keywords) */
    int line_count;
} smtpc_reply_t;

typedef enum smtpc_read_error {
    SMTPC_READ_OK,
    SMTPC_READ_LOST,      /* end of input, or an I/O error */
    SMTPC_READ_TIMEOUT,
    SMTPC_READ_MALFORMED, /* protocol error */
} smtpc_read_error_t;

void smtpc_reply_init(smtpc_reply_t *r);
void smtpc_reply_dispose(smtpc_reply_t *r);

int smtpc_reply_read(stream_t *s, smtpc_reply_t *r, smtpc_read_error_t *kind,
                     char **err);

/* The class digit: 2, 3, 4 or 5. */
static inline int smtpc_reply_class(const smtpc_reply_t *r) { return r->code / 100; }

/* The enhanced status code to report: the reply's own, or "C.0.0" from
 * the reply class (4.0.0, 5.0.0, 2.0.0). */
const char *smtpc_reply_dsn(const smtpc_reply_t *r, char out[16]);

#endif
