/* data.c - DATA/BDAT content decoder state machine (see data.h). */
#include "smtp/data.h"

#include <string.h>

#include "util/strutil.h"

enum line_end { END_CRLF, END_BARE_LF };

int smtp_bare_lf_parse(const char *value, enum smtp_bare_lf *out)
{
    if (str_case_eq(value, "no"))
        *out = SMTP_BARE_LF_NO;
    else if (str_case_eq(value, "normalize") || str_case_eq(value, "yes"))
        *out = SMTP_BARE_LF_NORMALIZE;
    else if (str_case_eq(value, "note"))
        *out = SMTP_BARE_LF_NOTE;
    else if (str_case_eq(value, "reject"))
        *out = SMTP_BARE_LF_REJECT;
    else
        return -1;
    return 0;
}

void smtp_data_init(smtp_data_t *d, enum smtp_data_mode mode, enum smtp_bare_lf policy,
                    size_t line_limit, uint64_t size_limit,
                    smtp_data_line_fn fn, void *ctx)
{
    memset(d, 0, sizeof(*d));
    d->mode = mode;
    d->bare_lf_policy = policy;
    d->line_limit = line_limit ? line_limit : SMTP_LINE_LIMIT_DEFAULT;
    d->size_limit = size_limit;
    d->line_fn = fn;
    d->ctx = ctx;
    d->line_start = true;
    d->prev_crlf = true;        /* the DATA command's own CRLF */
    d->in_header = true;
    buf_init(&d->line);
}

void smtp_data_dispose(smtp_data_t *d)
{
    buf_dispose(&d->line);
}

static bool sink_active(const smtp_data_t *d)
{
    return !d->sink_failed && !d->too_big && !d->bare_lf_refused;
}

static void count_size(smtp_data_t *d, size_t n)
{
    d->size += n;
    if (d->size_limit && d->size > d->size_limit)
        d->too_big = true;
}

static void emit(smtp_data_t *d, unsigned flags)
{
    if (d->in_header)
        flags |= SMTP_DATA_HEADER;
    if (sink_active(d) && d->line_fn(d->ctx, d->line.data, d->line.len, flags) < 0)
        d->sink_failed = true;
    buf_reset(&d->line);
}

static void append(smtp_data_t *d, const char *p, size_t n)
{
    buf_append(&d->line, p, n);
    count_size(d, n);
    if (d->line.len >= d->line_limit) {
        emit(d, SMTP_DATA_PARTIAL);
        d->continued = true;
    }
}

/* One content byte that is not a line terminator. */
static void put_byte(smtp_data_t *d, char c)
{
    if (c == '\0')
        d->nul_bytes++;
    if (d->line_start) {
        d->line_start = false;
        if (d->mode == SMTP_DATA_DOT && c == '.') {
            d->dot_pending = true;              /* stuffed dot or the end */
            return;
        }
    }
    d->dot_pending = false;                     /* ".x" -> "x" */
    append(d, &c, 1);
}

static void end_line(smtp_data_t *d, enum line_end how)
{
    bool crlf_like = how == END_CRLF || d->bare_lf_policy == SMTP_BARE_LF_NO;

    if (d->dot_pending && d->line.len == 0 && !d->continued) {
        if (crlf_like && d->prev_crlf) {
            d->done = true;
            return;
        }
        append(d, ".", 1);                      /* lone dot kept as content */
    }
    if (d->in_header && d->line.len == 0 && !d->continued)
        d->in_header = false;
    emit(d, 0);
    count_size(d, 2);
    d->lines++;
    d->prev_crlf = crlf_like;
    d->line_start = true;
    d->dot_pending = false;
    d->continued = false;
}

static void bare_lf(smtp_data_t *d)
{
    d->bare_lf++;
    if (d->bare_lf_policy == SMTP_BARE_LF_REJECT)
        d->bare_lf_refused = true;
    end_line(d, END_BARE_LF);
}

/* Copies a run of ordinary bytes in the middle of a line at once. */
static size_t fast_run(smtp_data_t *d, const char *p, size_t len)
{
    size_t n = 0, room = d->line_limit - d->line.len;

    if (d->line_start || d->dot_pending || d->cr_pending)
        return 0;
    while (n < len && n < room && p[n] != '\r' && p[n] != '\n' && p[n] != '\0')
        n++;
    if (n > 0)
        append(d, p, n);
    return n;
}

size_t smtp_data_feed(smtp_data_t *d, const char *data, size_t len)
{
    size_t i = 0, n;

    while (i < len && !d->done) {
        char c = data[i];

        if ((n = fast_run(d, data + i, len - i)) > 0) {
            i += n;
            continue;
        }
        i++;
        if (d->cr_pending) {
            d->cr_pending = false;
            if (c == '\n') {
                end_line(d, END_CRLF);
                continue;
            }
            d->bare_cr++;
            put_byte(d, '\r');                  /* bare CR is content */
        }
        if (c == '\r')
            d->cr_pending = true;
        else if (c == '\n')
            bare_lf(d);
        else
            put_byte(d, c);
    }
    return i;
}

void smtp_data_flush(smtp_data_t *d)
{
    if (d->cr_pending) {
        d->cr_pending = false;
        d->bare_cr++;
        put_byte(d, '\r');
    }
    if (d->line.len > 0 || d->continued || d->dot_pending) {
        if (d->dot_pending && d->line.len == 0)
            append(d, ".", 1);
        emit(d, 0);
        d->lines++;
    }
    d->line_start = true;
    d->dot_pending = false;
    d->continued = false;
}

enum smtp_data_result smtp_data_result(const smtp_data_t *d)
{
    if (d->bare_lf_refused)
        return SMTP_DATA_BARE_LF;
    if (d->too_big)
        return SMTP_DATA_TOO_BIG;
    if (d->sink_failed)
        return SMTP_DATA_SINK_ERROR;
    return SMTP_DATA_OK;
}
