/* cleanup_content.h - the message content as cleanup writes it: chunks
 * split into lines, the header section inspected, missing headers added.
 *
 * Input: chunks of the message as the client received it (lines ended by
 * LF; a chunk may end anywhere, even between CR and LF). A CR right before
 * LF is dropped; NUL bytes and other CRs are kept. Output: through the
 * callbacks, one call per line without its line end (line), or a piece of
 * a line that is longer than CLEANUP_LINE_CHUNK (partial, continued by the
 * next partial/line call).
 *
 * Header section (up to the first empty line, or the first line that is
 * neither a header "Name:" nor a continuation starting with space/tab):
 * headers are written as received (folding kept) except Return-Path:,
 * which is removed, and what edit_header changes. With add_missing, Message-ID:, Date: and From: are
 * appended at the end of the header section when absent. A header section
 * that ends with a non-header line gets an empty line before that line.
 * A header (with its continuation lines) larger than header_limit ends
 * header processing: it and the rest are written unchanged as body.
 *
 * Size: every input line counts its bytes plus one for the LF. When the
 * total passes size_limit (0 = none) nothing more is written and
 * cleanup_content_too_big() turns true; input is still consumed.
 * Nothing here fails otherwise. */
#ifndef POSTERN_CLEANUP_CONTENT_H
#define POSTERN_CLEANUP_CONTENT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/buf.h"

#define CLEANUP_LINE_CHUNK 65536

typedef struct cleanup_content_out {
    void (*line)(void *ctx, const char *data, size_t len);
    void (*partial)(void *ctx, const char *data, size_t len);
    void *ctx;
} cleanup_content_out_t;

typedef struct cleanup_content_opts {
    bool add_missing;          /* local submission / always_add_missing_headers */
    const char *queue_id;      /* for Message-ID */
    const char *myhostname;    /* for Message-ID */
    const char *sender;        /* for From: ("" -> MAILER-DAEMON) */
    const char *full_name;     /* for From:, NULL or "" = none */
    time_t now;                /* for Date: and Message-ID */
    long long size_limit;      /* 0 = unlimited */
    size_t header_limit;       /* 0 = 102400 */
    /* Optional: sees each complete header (folded lines joined by '\n')
     * before it is written and may change it in place. */
    void (*edit_header)(void *ctx, buf_t *header);
    void *edit_ctx;
} cleanup_content_opts_t;

typedef struct cleanup_content cleanup_content_t;

/* opts strings are copied. */
cleanup_content_t *cleanup_content_new(const cleanup_content_opts_t *opts,
                                       const cleanup_content_out_t *out);
void cleanup_content_feed(cleanup_content_t *c, const void *data, size_t len);
/* End of input: flushes a last line without LF and the header section. */
void cleanup_content_end(cleanup_content_t *c);
bool cleanup_content_too_big(const cleanup_content_t *c);
long long cleanup_content_size(const cleanup_content_t *c);
/* The Message-ID value (as received, unfolded and trimmed, or as added);
 * "" when there is none. */
const char *cleanup_content_message_id(const cleanup_content_t *c);
void cleanup_content_free(cleanup_content_t *c);

/* Formats the headers cleanup adds (exposed for tests). */
void cleanup_format_date(time_t now, char *out, size_t size);
void cleanup_format_message_id(time_t now, const char *queue_id,
                               const char *myhostname, char *out, size_t size);

#endif
