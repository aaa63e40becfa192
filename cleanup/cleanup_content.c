/* cleanup_content.c - split content chunks into lines, inspect and
 * complete the header section (see cleanup_content.h). Never fails. */
#include "cleanup/cleanup_content.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/mem.h"
#include "util/strutil.h"

#define DEFAULT_HEADER_LIMIT 102400

struct cleanup_content {
    cleanup_content_opts_t opts;
    cleanup_content_out_t out;
    buf_t line;               /* current physical line (no LF yet) */
    bool line_flushed;        /* part of this line already went out as partial */
    bool in_headers;
    buf_t header;             /* pending header: raw lines joined by '\n' */
    bool seen_message_id, seen_date, seen_from;
    buf_t message_id;
    long long size;
    bool too_big;
};

static void count(cleanup_content_t *c, size_t n)
{
    c->size += (long long) n;
    if (c->opts.size_limit > 0 && c->size > c->opts.size_limit)
        c->too_big = true;
}

static void emit_line(cleanup_content_t *c, const char *data, size_t len)
{
    if (!c->too_big)
        c->out.line(c->out.ctx, data, len);
}

static void emit_partial(cleanup_content_t *c, const char *data, size_t len)
{
    if (!c->too_big)
        c->out.partial(c->out.ctx, data, len);
}

static void emit_text(cleanup_content_t *c, const char *text)
{
    emit_line(c, text, strlen(text));
}

/* Writes the pending header's raw lines. */
static void emit_header_raw(cleanup_content_t *c)
{
    const char *p = c->header.data;
    const char *end = p + c->header.len;

    if (c->header.len == 0)
        return;
    while (p <= end) {
        const char *nl = memchr(p, '\n', (size_t) (end - p));
        const char *stop = nl ? nl : end;

        emit_line(c, p, (size_t) (stop - p));
        p = stop + 1;
    }
    buf_reset(&c->header);
}

static bool header_name_is(const buf_t *h, const char *name)
{
    size_t n = strlen(name);

    return h->len > n && h->data[n] == ':' && strncasecmp(h->data, name, n) == 0;
}

/* Unfolded, trimmed value of the pending header. */
static void header_value(const buf_t *h, buf_t *out)
{
    const char *colon = memchr(h->data, ':', h->len);
    size_t i;

    buf_reset(out);
    for (i = (size_t) (colon - h->data) + 1; i < h->len; i++)
        if (h->data[i] != '\n')
            buf_putc(out, h->data[i]);
    /* trim blanks at both ends */
    while (out->len > 0 && (out->data[out->len - 1] == ' ' || out->data[out->len - 1] == '\t'))
        out->len--;
    out->data[out->len] = 0;
    i = strspn(out->data, " \t");
    if (i > 0) {
        memmove(out->data, out->data + i, out->len - i + 1);
        out->len -= i;
    }
}

static void flush_header(cleanup_content_t *c)
{
    if (c->header.len == 0)
        return;
    if (header_name_is(&c->header, "return-path")) {
        buf_reset(&c->header);
        return;
    }
    if (header_name_is(&c->header, "message-id")) {
        if (!c->seen_message_id)
            header_value(&c->header, &c->message_id);
        c->seen_message_id = true;
    } else if (header_name_is(&c->header, "date")) {
        c->seen_date = true;
    } else if (header_name_is(&c->header, "from")) {
        c->seen_from = true;
    }
    if (c->opts.edit_header)
        c->opts.edit_header(c->opts.edit_ctx, &c->header);
    emit_header_raw(c);
}

void cleanup_format_date(time_t now, char *out, size_t size)
{
    struct tm tm;

    localtime_r(&now, &tm);
    if (strftime(out, size, "%a, %e %b %Y %H:%M:%S %z (%Z)", &tm) == 0 && size > 0)
        out[0] = 0;
}

void cleanup_format_message_id(time_t now, const char *queue_id,
                               const char *myhostname, char *out, size_t size)
{
    struct tm tm;
    char stamp[32];

    localtime_r(&now, &tm);
    if (strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm) == 0)
        stamp[0] = 0;
    snprintf(out, size, "<%s.%s@%s>", stamp, queue_id, myhostname);
}

/* A display name that needs quoting as an RFC 5322 quoted-string. */
static void put_display_name(buf_t *b, const char *name)
{
    const char *p;

    if (strpbrk(name, "()<>[]:;@\\,.\"") == NULL) {
        buf_puts(b, name);
        return;
    }
    buf_putc(b, '"');
    for (p = name; *p; p++) {
        if (*p == '"' || *p == '\\')
            buf_putc(b, '\\');
        buf_putc(b, *p);
    }
    buf_putc(b, '"');
}

static void add_missing_headers(cleanup_content_t *c)
{
    char text[512];
    buf_t b = BUF_INIT;

    if (!c->opts.add_missing)
        return;
    if (!c->seen_message_id) {
        cleanup_format_message_id(c->opts.now, c->opts.queue_id, c->opts.myhostname,
                                  text, sizeof(text));
        buf_set(&c->message_id, text);
        buf_printf(&b, "Message-Id: %s", text);
        emit_text(c, buf_str(&b));
        count(c, b.len + 1);
        c->seen_message_id = true;
    }
    if (!c->seen_date) {
        cleanup_format_date(c->opts.now, text, sizeof(text));
        buf_reset(&b);
        buf_printf(&b, "Date: %s", text);
        emit_text(c, buf_str(&b));
        count(c, b.len + 1);
        c->seen_date = true;
    }
    if (!c->seen_from) {
        const char *sender = *c->opts.sender ? c->opts.sender : "MAILER-DAEMON";

        buf_set(&b, "From: ");
        if (c->opts.full_name && *c->opts.full_name) {
            put_display_name(&b, c->opts.full_name);
            buf_printf(&b, " <%s>", sender);
        } else {
            buf_puts(&b, sender);
        }
        emit_line(c, b.data, b.len);
        count(c, b.len + 1);
        c->seen_from = true;
    }
    buf_dispose(&b);
}

static bool is_header_start(const char *data, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char ch = (unsigned char) data[i];

        if (ch == ':')
            return i > 0;
        if (ch < 33 || ch > 126)
            return false;
    }
    return false;
}

static void end_headers(cleanup_content_t *c)
{
    flush_header(c);
    add_missing_headers(c);
    c->in_headers = false;
}

/* Header processing gave up (a header too large): write it as it is. */
static void headers_overflow(cleanup_content_t *c)
{
    emit_header_raw(c);
    add_missing_headers(c);
    c->in_headers = false;
}

static void header_line(cleanup_content_t *c, const char *data, size_t len)
{
    size_t limit = c->opts.header_limit ? c->opts.header_limit : DEFAULT_HEADER_LIMIT;

    if (len > 0 && (data[0] == ' ' || data[0] == '\t') && c->header.len > 0) {
        if (c->header.len + 1 + len > limit) {
            headers_overflow(c);
            emit_line(c, data, len);
            return;
        }
        buf_putc(&c->header, '\n');
        buf_append(&c->header, data, len);
        return;
    }
    flush_header(c);
    if (is_header_start(data, len)) {
        if (len > limit) {
            headers_overflow(c);
            emit_line(c, data, len);
            return;
        }
        buf_append(&c->header, data, len);
        return;
    }
    end_headers(c);
    if (len > 0) {
        emit_line(c, "", 0);
        count(c, 1);
    }
    emit_line(c, data, len);
}

/* One complete input line (without LF and the CR before it). */
static void complete_line(cleanup_content_t *c, const char *data, size_t len)
{
    count(c, len + 1);
    if (c->in_headers)
        header_line(c, data, len);
    else
        emit_line(c, data, len);
}

/* The line buffer grew past what may be held: write what is safe. */
static void flush_long_line(cleanup_content_t *c)
{
    size_t n = c->line.len;

    if (c->in_headers)
        headers_overflow(c);
    if (n > 0 && c->line.data[n - 1] == '\r')
        n--;                       /* may be the CR of a CRLF */
    count(c, n);
    emit_partial(c, c->line.data, n);
    memmove(c->line.data, c->line.data + n, c->line.len - n);
    buf_truncate(&c->line, c->line.len - n);
    c->line_flushed = true;
}

static void finish_line(cleanup_content_t *c)
{
    size_t n = c->line.len;

    if (n > 0 && c->line.data[n - 1] == '\r')
        n--;
    if (c->line_flushed) {
        count(c, n + 1);
        emit_line(c, c->line.data, n);
    } else {
        complete_line(c, c->line.data, n);
    }
    buf_reset(&c->line);
    c->line_flushed = false;
}

void cleanup_content_feed(cleanup_content_t *c, const void *data, size_t len)
{
    const char *p = data;
    const char *end = p + len;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t) (end - p));
        const char *stop = nl ? nl : end;

        buf_append(&c->line, p, (size_t) (stop - p));
        if (c->line.len > CLEANUP_LINE_CHUNK)
            flush_long_line(c);
        if (nl == NULL)
            break;
        finish_line(c);
        p = nl + 1;
    }
}

void cleanup_content_end(cleanup_content_t *c)
{
    if (c->line.len > 0 || c->line_flushed)
        finish_line(c);
    if (c->in_headers)
        end_headers(c);
}

cleanup_content_t *cleanup_content_new(const cleanup_content_opts_t *opts,
                                       const cleanup_content_out_t *out)
{
    cleanup_content_t *c = xcalloc(1, sizeof(*c));

    c->opts = *opts;
    c->opts.queue_id = xstrdup(opts->queue_id ? opts->queue_id : "");
    c->opts.myhostname = xstrdup(opts->myhostname ? opts->myhostname : "localhost");
    c->opts.sender = xstrdup(opts->sender ? opts->sender : "");
    c->opts.full_name = xstrdup(opts->full_name ? opts->full_name : "");
    c->out = *out;
    buf_init(&c->line);
    buf_init(&c->header);
    buf_init(&c->message_id);
    c->in_headers = true;
    return c;
}

bool cleanup_content_too_big(const cleanup_content_t *c)
{
    return c->too_big;
}

long long cleanup_content_size(const cleanup_content_t *c)
{
    return c->size;
}

const char *cleanup_content_message_id(const cleanup_content_t *c)
{
    return buf_str(&c->message_id);
}

void cleanup_content_free(cleanup_content_t *c)
{
    if (c == NULL)
        return;
    xfree((char *) c->opts.queue_id);
    xfree((char *) c->opts.myhostname);
    xfree((char *) c->opts.sender);
    xfree((char *) c->opts.full_name);
    buf_dispose(&c->line);
    buf_dispose(&c->header);
    buf_dispose(&c->message_id);
    xfree(c);
}
