/* data.h - incremental decoder for message content received with DATA
 * (dot-stuffed, ends with <CR><LF>.<CR><LF>) or BDAT (raw chunks, RFC
 * 3030). Works on any chunking of the byte stream, down to one byte.
 *
 * Output: one callback per line piece, without the line terminator
 * (CRLF normalised away). A line longer than line_limit bytes is passed
 * in pieces of line_limit bytes flagged SMTP_DATA_PARTIAL, the last piece
 * without it, as Postfix does with line_length_limit. Lines before the
 * first empty line carry SMTP_DATA_HEADER. A negative return from the
 * callback marks a sink error; the decoder then keeps reading (to stay in
 * step with the client) without calling it again. It also stops calling
 * it once the message is too big or refused for a bare LF.
 *
 * End of DATA is recognised ONLY as <CR><LF>.<CR><LF> (the first CRLF may
 * be the one that ended the DATA command), whatever the bare-newline
 * policy, except with policy "no". Bare-newline policy, following
 * Postfix's smtpd_forbid_bare_newline:
 *   no         a bare <LF> ends a line like <CR><LF>, also in the
 *              end-of-data sequence (Postfix < 3.9; open to SMTP
 *              smuggling; not recommended)
 *   normalize  (default; "yes" is an alias) a bare <LF> ends a content
 *              line, but never takes part in the end-of-data sequence:
 *              <LF>.<LF>, <LF>.<CR><LF> and <CR><LF>.<LF> are content
 *   note       as normalize; the caller logs "notes=bare_lf" from the
 *              bare_lf count
 *   reject     as normalize, and the message is refused at its end with
 *              550 5.5.2 Error: bare <LF> received
 * A bare <CR> (not followed by <LF>) is always kept as a content byte:
 * it never ends a line, so <CR>.<CR> is content too, and ".<CR><CR><LF>"
 * is a line ".<CR>", not the end (Postfix's cleanup_replace_stray_cr_lf
 * later replaces such stray bytes; that is cleanup's job).
 * A lone "." line that does not end the data is kept as "."; any other
 * line starting with '.' loses that first dot (RFC 5321 4.5.2).
 * NUL bytes pass through and are counted.
 *
 * Size is counted as content bytes plus two per line end (the message in
 * canonical CRLF form, what SIZE= declares). */
#ifndef POSTERN_SMTP_DATA_H
#define POSTERN_SMTP_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

enum smtp_bare_lf {
    SMTP_BARE_LF_NO,
    SMTP_BARE_LF_NORMALIZE,
    SMTP_BARE_LF_NOTE,
    SMTP_BARE_LF_REJECT
};

/* Parses a smtpd_forbid_bare_newline value (case-insensitive: no,
 * normalize, yes, note, reject). Returns 0, or -1 if unknown. */
int smtp_bare_lf_parse(const char *value, enum smtp_bare_lf *out);

#define SMTP_DATA_PARTIAL (1u << 0)
#define SMTP_DATA_HEADER (1u << 1)

typedef int (*smtp_data_line_fn)(void *ctx, const char *text, size_t len, unsigned flags);

enum smtp_data_mode { SMTP_DATA_DOT, SMTP_DATA_RAW };

enum smtp_data_result {
    SMTP_DATA_OK,
    SMTP_DATA_BARE_LF,     /* reply 550 5.5.2 Error: bare <LF> received */
    SMTP_DATA_TOO_BIG,     /* reply 552 5.3.4 Message size exceeds fixed limit */
    SMTP_DATA_SINK_ERROR   /* reply 451 4.3.0 Error: queue file write error */
};

#define SMTP_LINE_LIMIT_DEFAULT 2048   /* Postfix line_length_limit */

typedef struct smtp_data {
    /* configuration */
    enum smtp_data_mode mode;
    enum smtp_bare_lf bare_lf_policy;
    size_t line_limit;
    uint64_t size_limit;           /* 0: no limit */
    smtp_data_line_fn line_fn;
    void *ctx;
    /* decoder state */
    bool cr_pending;
    bool line_start;
    bool dot_pending;
    bool continued;
    bool prev_crlf;
    buf_t line;
    /* results */
    bool done;                     /* end of data seen (DOT mode) */
    bool in_header;
    uint64_t size;
    uint64_t lines;
    uint64_t bare_lf;
    uint64_t bare_cr;
    uint64_t nul_bytes;
    bool too_big;
    bool bare_lf_refused;
    bool sink_failed;
} smtp_data_t;

/* line_limit 0 means SMTP_LINE_LIMIT_DEFAULT. */
void smtp_data_init(smtp_data_t *d, enum smtp_data_mode mode, enum smtp_bare_lf policy,
                    size_t line_limit, uint64_t size_limit,
                    smtp_data_line_fn fn, void *ctx);
void smtp_data_dispose(smtp_data_t *d);

/* Consumes bytes; returns how many were used. In DOT mode it stops right
 * after the end-of-data sequence (d->done set): the rest belongs to the
 * next (pipelined) command. In RAW mode all bytes are used. */
size_t smtp_data_feed(smtp_data_t *d, const char *data, size_t len);

/* RAW mode, after the LAST chunk: passes a final unterminated line. */
void smtp_data_flush(smtp_data_t *d);

/* The outcome once done (DOT) or flushed (RAW). */
enum smtp_data_result smtp_data_result(const smtp_data_t *d);

#endif
