/* fuzz_smtp_session.c - fuzz target for the whole smtpd session engine:
 * the input is everything a client sends, read through an in-memory
 * stream in small chunks; the first byte picks configuration switches.
 * Invariants: the session ends (input runs out), every reply line is
 * CRLF-terminated with a valid code, nothing leaks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtp/reply.h"
#include "smtpd/smtpd_session.h"
#include "util/buf.h"
#include "util/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int accept_line(void *ctx, const char *text, size_t len, unsigned flags)
{
    size_t *total = ctx;

    (void) text;
    (void) flags;
    *total += len;
    return 0;
}

static int queue_it(void *ctx, buf_t *queue_id, buf_t *reply)
{
    size_t *total = ctx;

    if (*total % 7 == 3) {
        smtp_reply_std(reply, SMTP_R_QUEUE_ERROR, NULL);
        return -1;
    }
    buf_puts(queue_id, "ABC123");
    return 0;
}

static void no_sleep(int ms)
{
    (void) ms;
}

static void check_output(const buf_t *out)
{
    size_t start = 0;
    smtp_reply_line_t line;

    for (size_t i = 0; i + 1 < out->len; i++) {
        if (out->data[i] == '\r' && out->data[i + 1] == '\n') {
            if (smtp_reply_parse_line(out->data + start, i - start, &line) < 0)
                abort();
            start = i + 2;
        }
    }
    if (start != out->len)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum smtp_bare_lf policies[] = {SMTP_BARE_LF_NO, SMTP_BARE_LF_NORMALIZE,
                                                 SMTP_BARE_LF_NOTE, SMTP_BARE_LF_REJECT};
    smtpd_config_t cfg;
    smtpd_sink_t sink;
    size_t total = 0;
    buf_t out = BUF_INIT;
    smtpd_session_t *s;
    stream_t *st;

    if (size < 2)
        return 0;
    msg_init("fuzz_smtp_session", 0);
    smtpd_config_defaults(&cfg);
    cfg.sleep = no_sleep;
    cfg.forbid_unauth_pipelining = (data[0] & 1) != 0;
    cfg.bare_lf = policies[(data[0] >> 1) & 3];
    cfg.strict_rfc821_envelopes = (data[0] & 8) != 0;
    cfg.helo_required = (data[0] & 16) != 0;
    cfg.disable_vrfy = (data[0] & 32) != 0;
    if (data[0] & 64) {
        cfg.message_size_limit = 200;
        cfg.recipient_limit = 2;
        cfg.line_limit = 64;
    }
    memset(&sink, 0, sizeof(sink));
    sink.ctx = &total;
    sink.data_line = accept_line;
    sink.data_end = queue_it;
    buf_init(&out);
    s = smtpd_session_new(&cfg, &sink);
    st = stream_open_memory(data + 2, size - 2, 1 + data[1] % 17, &out);
    (void) smtpd_session_run(s, st);
    stream_close(st);
    smtpd_session_free(s);
    check_output(&out);
    buf_dispose(&out);
    return 0;
}
