/* session_data.c - DATA and BDAT: reading message content through the
 * smtp/data.h decoder into the sink, size and bare-LF outcomes, and the
 * final reply with the queue id. */
#include "session_impl.h"

#include <inttypes.h>

#include "smtp/cmd.h"

#define READ_PIECE 65536
#define CONTENT_LINE_MAX (1 << 20)

static int discard_line(void *ctx, const char *text, size_t len, unsigned flags)
{
    (void) ctx;
    (void) text;
    (void) len;
    (void) flags;
    return 0;
}

static void start_content(smtpd_session_t *s, enum smtp_data_mode mode)
{
    smtp_data_init(&s->data, mode, s->cfg.bare_lf, s->cfg.line_limit,
                   s->cfg.message_size_limit,
                   s->sink.data_line ? s->sink.data_line : discard_line, s->sink.ctx);
    s->data_active = true;
}

/* No MAIL / no accepted RCPT: the reply DATA and BDAT give. */
static enum smtp_reply_id missing_recipients(const smtpd_session_t *s)
{
    return s->in_mail ? SMTP_R_NO_VALID_RCPT : SMTP_R_NEED_RCPT;
}

/* After the content: reply and end the transaction. bdat_bytes is the
 * BDAT total for the reply, or -1 for DATA. */
static int finish_message(smtpd_session_t *s, int64_t bdat_bytes)
{
    enum smtp_data_result result = smtp_data_result(&s->data);
    buf_t qid = BUF_INIT;
    int rc = -1;

    s->bare_lf_seen += s->data.bare_lf;
    if (s->content_too_long)
        smtpd_reply_std(s, SMTP_R_LINE_TOO_LONG);
    else if (result == SMTP_DATA_BARE_LF)
        smtpd_reply_std(s, SMTP_R_BARE_LF);
    else if (result == SMTP_DATA_TOO_BIG)
        smtpd_reply_std(s, SMTP_R_SIZE_FIXED);
    else if (result == SMTP_DATA_SINK_ERROR)
        smtpd_reply_std(s, SMTP_R_QUEUE_ERROR);
    else if (s->sink.data_end && s->sink.data_end(s->sink.ctx, &qid, &s->reply) < 0)
        smtpd_reply_sink(s);
    else
        rc = 0;
    if (rc < 0) {
        smtpd_reset_transaction(s);
        buf_dispose(&qid);
        return -1;
    }
    if (qid.len == 0)
        buf_puts(&qid, "NOQUEUE");
    if (bdat_bytes < 0)
        smtp_reply_add(&s->out, 250, "2.0.0", "Ok: queued as %s", qid.data);
    else
        smtp_reply_add(&s->out, 250, "2.0.0", "Ok: %" PRId64 " bytes queued as %s",
                       bdat_bytes, qid.data);
    smtpd_send_out(s);
    buf_dispose(&qid);
    buf_reset(&s->reply);
    s->queued++;
    s->errors = 0;              /* as Postfix: delivering mail forgives */
    s->in_mail = false;         /* delivered: no abort */
    smtpd_reset_transaction(s);
    return 0;
}

/* Reads the content line by line, so that the decoder is fed exactly up
 * to the end of each line and never past the end of the data (the bytes
 * after it are the next command). The decoder still sees every byte and
 * its original line end. A line longer than CONTENT_LINE_MAX cannot be
 * kept whole: the message is then refused (content_too_long). */
static int read_dot_content(smtpd_session_t *s)
{
    stream_line_end_t end;

    while (!s->data.done) {
        int rc = stream_read_line(s->st, &s->line, CONTENT_LINE_MAX, 0, &end);

        if (rc <= 0 || end == STREAM_END_EOF)
            return -1;
        if (end == STREAM_END_TOOLONG)
            s->content_too_long = true;
        (void) smtp_data_feed(&s->data, s->line.data, s->line.len);
        if (end == STREAM_END_LF)
            (void) smtp_data_feed(&s->data, "\n", 1);
        else
            (void) smtp_data_feed(&s->data, "\r\n", 2);
    }
    return 0;
}

static int fail(smtpd_session_t *s, enum smtp_reply_id id)
{
    smtpd_reply_std(s, id);
    return -1;
}

int smtpd_cmd_data(smtpd_session_t *s, const char *args, size_t len)
{
    (void) args;
    if (len != 0)
        return fail(s, SMTP_R_SYNTAX_DATA);
    if (s->bdat_active)
        return fail(s, SMTP_R_DATA_AFTER_BDAT);
    if (!s->in_mail || s->rcpt_count == 0)
        return fail(s, missing_recipients(s));
    if (s->sink.data_start && s->sink.data_start(s->sink.ctx, &s->reply) < 0) {
        smtpd_reply_sink(s);
        return -1;
    }
    smtpd_reply_std(s, SMTP_R_DATA_GO);
    if (stream_flush(s->st) < 0) {
        smtpd_reset_transaction(s);
        s->closing = true;
        s->end = SMTPD_END_IO_ERROR;
        return -1;
    }
    start_content(s, SMTP_DATA_DOT);
    s->content_too_long = false;
    if (read_dot_content(s) < 0) {
        smtpd_reset_transaction(s);
        smtpd_read_failed(s);
        return -1;
    }
    return finish_message(s, -1);
}

/* Reads count bytes into the decoder, or skips them (feed false). */
static int read_chunk(smtpd_session_t *s, uint64_t count, bool feed)
{
    char piece[READ_PIECE];

    while (count > 0) {
        size_t n = count > sizeof(piece) ? sizeof(piece) : (size_t) count;
        ssize_t got = feed ? stream_read_exact(s->st, piece, n) : stream_skip(s->st, n);

        if (got < 0 || (size_t) got != n)
            return -1;
        if (feed)
            (void) smtp_data_feed(&s->data, piece, n);
        count -= n;
    }
    return 0;
}

/* Refuses a chunk whose syntax was fine: skip its bytes, then reply. */
static int refuse_chunk(smtpd_session_t *s, uint64_t count, bool last, enum smtp_reply_id id)
{
    if (read_chunk(s, count, false) < 0) {
        smtpd_reset_transaction(s);
        smtpd_read_failed(s);
        return -1;
    }
    if (s->bdat_failed && s->bdat_error.len) {
        buf_append(&s->out, s->bdat_error.data, s->bdat_error.len);
        smtpd_send_out(s);
    } else {
        smtpd_reply_std(s, id);
    }
    if (last || !s->bdat_active)
        smtpd_reset_transaction(s);
    return -1;
}

static bool chunk_too_big(const smtpd_session_t *s, uint64_t count)
{
    uint64_t limit = s->cfg.message_size_limit;

    return limit && (s->bdat_total > limit || count > limit - s->bdat_total);
}

int smtpd_cmd_bdat(smtpd_session_t *s, const char *args, size_t len)
{
    uint64_t count;
    bool last;

    if (smtp_bdat_parse(args, len, &count, &last, &s->out) < 0) {
        smtpd_send_out(s);          /* 521: the chunk length is unknown */
        smtpd_reset_transaction(s);
        s->closing = true;
        s->end = SMTPD_END_PROTOCOL;
        return -1;
    }
    if (!(smtpd_ext(s) & SMTP_EXT_CHUNKING))
        return refuse_chunk(s, count, last, SMTP_R_NOT_IMPLEMENTED);
    if (s->bdat_failed)
        return refuse_chunk(s, count, last, SMTP_R_CHUNK_SIZE);
    if (!s->in_mail || s->rcpt_count == 0)
        return refuse_chunk(s, count, last, missing_recipients(s));
    if (chunk_too_big(s, count)) {
        s->bdat_active = true;
        s->bdat_failed = true;
        smtp_reply_std(&s->bdat_error, SMTP_R_CHUNK_SIZE, NULL);
        return refuse_chunk(s, count, last, SMTP_R_CHUNK_SIZE);
    }
    if (!s->bdat_active && s->sink.data_start
        && s->sink.data_start(s->sink.ctx, &s->reply) < 0) {
        s->bdat_active = true;
        s->bdat_failed = true;
        smtpd_reply_sink_to(s, &s->bdat_error);
        return refuse_chunk(s, count, last, SMTP_R_CHUNK_SIZE);
    }
    if (!s->bdat_active) {
        start_content(s, SMTP_DATA_RAW);
        s->bdat_active = true;
    }
    if (read_chunk(s, count, true) < 0) {
        smtpd_reset_transaction(s);
        smtpd_read_failed(s);
        return -1;
    }
    s->bdat_total += count;
    if (!last) {
        smtp_reply_add(&s->out, 250, "2.0.0", "Ok: %" PRIu64 " bytes", count);
        smtpd_send_out(s);
        return 0;
    }
    smtp_data_flush(&s->data);
    return finish_message(s, (int64_t) s->bdat_total);
}
