/* smtpc_reply.c - read and check one multi-line SMTP reply (see
 * smtpc_reply.h). */
#include "smtp_client/smtpc_reply.h"
#include "smtp/reply.h"
#include "util/mem.h"

#include <stdio.h>
#include <string.h>

void smtpc_reply_init(smtpc_reply_t *r)
{
    memset(r, 0, sizeof(*r));
    buf_init(&r->text);
    buf_init(&r->lines);
}

void smtpc_reply_dispose(smtpc_reply_t *r)
{
    buf_dispose(&r->text);
    buf_dispose(&r->lines);
}

static int fail(smtpc_read_error_t *kind, smtpc_read_error_t what, char **err,
                const char *fmt, const char *arg)
{
    buf_t b = BUF_INIT;

    *kind = what;
    buf_printf(&b, fmt, arg);
    *err = buf_detach(&b);
    return -1;
}

/* Appends text with control bytes as '?', up to the text limit. */
static void add_clean(buf_t *out, const char *text, size_t len)
{
    for (size_t i = 0; i < len && out->len < SMTPC_REPLY_TEXT; i++) {
        unsigned char c = (unsigned char) text[i];

        buf_putc(out, c < 32 || c == 127 ? '?' : c);
    }
}

static void keep_line(smtpc_reply_t *r, const buf_t *line,
                      const smtp_reply_line_t *p)
{
    if (r->line_count == 0 && p->enh && p->enh_len < sizeof(r->enh)) {
        memcpy(r->enh, p->enh, p->enh_len);
        r->enh[p->enh_len] = '\0';
    }
    if (r->line_count < SMTPC_REPLY_LINES) {
        if (r->text.len > 0)
            buf_putc(&r->text, ' ');
        add_clean(&r->text, line->data, line->len);
        add_clean(&r->lines, p->text, p->text_len);
        buf_putc(&r->lines, '\n');
    }
    r->line_count++;
}

static int read_error(stream_t *s, smtpc_read_error_t *kind, char **err)
{
    if (stream_error(s) == STREAM_ERR_TIMEOUT)
        return fail(kind, SMTPC_READ_TIMEOUT, err, "%s", "timeout");
    return fail(kind, SMTPC_READ_LOST, err, "%s", stream_strerror(s));
}

int smtpc_reply_read(stream_t *s, smtpc_reply_t *r, smtpc_read_error_t *kind,
                     char **err)
{
    buf_t line = BUF_INIT;
    stream_line_end_t end;
    smtp_reply_line_t p;
    int rc = -1;

    buf_reset(&r->text);
    buf_reset(&r->lines);
    r->code = 0;
    r->enh[0] = '\0';
    r->line_count = 0;
    *kind = SMTPC_READ_OK;
    for (;;) {
        int got = stream_read_line(s, &line, SMTPC_REPLY_LINE_LIMIT, 0, &end);

        if (got < 0) {
            rc = read_error(s, kind, err);
            break;
        }
        if (got == 0 || end == STREAM_END_EOF) {
            rc = fail(kind, SMTPC_READ_LOST, err, "%s", "end of input");
            break;
        }
        if (smtp_reply_parse_line(line.data, line.len, &p) < 0) {
            buf_t clean = BUF_INIT;

            buf_truncate(&line, line.len > 100 ? 100 : line.len);

            add_clean(&clean, line.data, line.len);
            rc = fail(kind, SMTPC_READ_MALFORMED, err,
                      "malformed reply: %s", clean.data);
            buf_dispose(&clean);
            break;
        }
        if (r->line_count > 0 && p.code != r->code) {
            rc = fail(kind, SMTPC_READ_MALFORMED, err, "%s",
                      "malformed reply: reply code changes within a reply");
            break;
        }
        r->code = p.code;
        keep_line(r, &line, &p);
        if (!p.more) {
            rc = 0;
            break;
        }
        if (r->line_count >= SMTPC_REPLY_LINES_MAX) {
            rc = fail(kind, SMTPC_READ_MALFORMED, err, "%s",
                      "malformed reply: too many lines");
            break;
        }
    }
    buf_dispose(&line);
    return rc;
}

const char *smtpc_reply_dsn(const smtpc_reply_t *r, char out[16])
{
    if (r->enh[0])
        snprintf(out, 16, "%s", r->enh);
    else
        snprintf(out, 16, "%d.0.0", r->code / 100 == 3 ? 2 : r->code / 100);
    return out;
}
