/* fuzz_smtp_cmd.c - fuzz target for command splitting, MAIL/RCPT
 * parameters, BDAT arguments, xtext and reply building/parsing.
 * Invariants: a reply built from any text is well-formed (every line ends
 * in CRLF, no other CR or LF, at most 512 bytes, parses back). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtp/cmd.h"
#include "smtp/mailcmd.h"
#include "smtp/reply.h"
#include "smtp/xtext.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_reply(const buf_t *r)
{
    size_t start = 0;
    smtp_reply_line_t line;

    if (r->len < 2 || memcmp(r->data + r->len - 2, "\r\n", 2) != 0)
        abort();
    for (size_t i = 0; i < r->len; i++) {
        if (r->data[i] == '\n' && (i == 0 || r->data[i - 1] != '\r'))
            abort();
        if (r->data[i] == '\r' && (i + 1 >= r->len || r->data[i + 1] != '\n'))
            abort();
        if (r->data[i] == '\n') {
            if (i + 1 - start > SMTP_REPLY_LINE_MAX)
                abort();
            if (smtp_reply_parse_line(r->data + start, i - 1 - start, &line) < 0)
                abort();
            start = i + 1;
        }
    }
}

static void run_command(const char *text, size_t len, unsigned ext, unsigned opts)
{
    smtp_cmd_t cmd;
    buf_t reply = BUF_INIT;

    if (smtp_cmd_split(text, len, &cmd) == SMTP_CMD_OK) {
        if (smtp_cmd_is(&cmd, "MAIL")) {
            smtp_mail_args_t m;

            smtp_mail_args_init(&m);
            if (smtp_mail_parse(cmd.args, cmd.args_len, ext, opts, &m, &reply) < 0)
                check_reply(&reply);
            smtp_mail_args_dispose(&m);
        } else if (smtp_cmd_is(&cmd, "RCPT")) {
            smtp_rcpt_args_t r;

            smtp_rcpt_args_init(&r);
            if (smtp_rcpt_parse(cmd.args, cmd.args_len, ext, opts, &r, &reply) < 0)
                check_reply(&reply);
            smtp_rcpt_args_dispose(&r);
        } else if (smtp_cmd_is(&cmd, "BDAT")) {
            uint64_t n;
            bool last;

            if (smtp_bdat_parse(cmd.args, cmd.args_len, &n, &last, &reply) < 0)
                check_reply(&reply);
        }
    }
    buf_dispose(&reply);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    buf_t b = BUF_INIT, dec = BUF_INIT;
    smtp_reply_line_t line;
    unsigned ext, opts;

    if (size < 2)
        return 0;
    ext = data[0] | ((unsigned) (data[1] & 1) << 8);
    opts = (data[1] >> 1) & 3;
    data += 2;
    size -= 2;
    run_command((const char *) data, size, ext, opts);
    (void) smtp_reply_parse_line((const char *) data, size, &line);
    if (xtext_decode((const char *) data, size, &dec) == 0) {
        xtext_encode(dec.data, dec.len, &b);
        if (xtext_decode(b.data, b.len, &dec) < 0)
            abort();
        buf_reset(&b);
    }
    smtp_reply_add(&b, 550, "5.0.0", "%.*s", (int) (size > 4000 ? 4000 : size),
                   (const char *) data);
    check_reply(&b);
    buf_dispose(&b);
    buf_dispose(&dec);
    return 0;
}
