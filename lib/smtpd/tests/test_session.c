/* test_session.c - scripted whole-session tests of the smtpd engine
 * against an in-memory sink: the happy path, pipelining rules, SMTP
 * smuggling, bare LF policies, limits, BDAT, VRFY, timeouts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "script.h"
#include "smtp/reply.h"
#include "util/mem.h"
#include "util/msg.h"

struct sink {
    buf_t from, rcpts, content, message;
    int queued, aborts;
};

static int sink_mail(void *ctx, const smtp_mail_args_t *mail, buf_t *reply)
{
    struct sink *k = ctx;

    (void) reply;
    buf_set(&k->from, mail->sender.addr.data);
    buf_reset(&k->rcpts);
    buf_reset(&k->content);
    return 0;
}

static int sink_rcpt(void *ctx, const smtp_rcpt_args_t *rcpt, buf_t *reply)
{
    struct sink *k = ctx;

    if (strncmp(rcpt->rcpt.addr.data, "reject", 6) == 0) {
        smtp_reply_add(reply, 550, "5.1.1", "<%s>: Recipient address rejected: "
                       "User unknown in local recipient table", rcpt->rcpt.addr.data);
        return -1;
    }
    buf_printf(&k->rcpts, "%s,", rcpt->rcpt.addr.data);
    return 0;
}

static int sink_line(void *ctx, const char *text, size_t len, unsigned flags)
{
    struct sink *k = ctx;

    buf_append(&k->content, text, len);
    if (!(flags & SMTP_DATA_PARTIAL))
        buf_putc(&k->content, '\n');
    return 0;
}

static int sink_end(void *ctx, buf_t *queue_id, buf_t *reply)
{
    struct sink *k = ctx;

    if (strstr(k->content.data, "FAILQUEUE")) {
        smtp_reply_std(reply, SMTP_R_QUEUE_ERROR, NULL);
        return -1;
    }
    buf_set(&k->message, k->content.data);
    buf_printf(queue_id, "Q%d", ++k->queued);
    return 0;
}

static void sink_abort(void *ctx)
{
    struct sink *k = ctx;

    k->aborts++;
    buf_reset(&k->content);
}

static int sink_vrfy(void *ctx, const mail_addr_t *addr, buf_t *reply)
{
    (void) ctx;
    if (strncmp(addr->addr.data, "nobody", 6) == 0) {
        smtp_reply_add(reply, 550, "5.1.1", "<%s>: Recipient address rejected", addr->addr.data);
        return -1;
    }
    return 0;
}

static void no_sleep(int ms)
{
    (void) ms;
}

struct fixture {
    struct sink sink;
    smtpd_config_t cfg;
    smtpd_sink_t callbacks;
    buf_t counts;
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));

    buf_init(&f->sink.from);
    buf_init(&f->sink.rcpts);
    buf_init(&f->sink.content);
    buf_init(&f->sink.message);
    buf_init(&f->counts);
    smtpd_config_defaults(&f->cfg);
    f->cfg.myhostname = "mx.example";
    f->cfg.banner = "mx.example ESMTP Postern";
    f->cfg.client_name = "client.example";
    f->cfg.client_addr = "192.0.2.1";
    f->cfg.sleep = no_sleep;
    f->callbacks = (smtpd_sink_t) {&f->sink, sink_mail, sink_rcpt, sink_line, sink_end,
                                   sink_abort, sink_vrfy, NULL, NULL, NULL};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    buf_dispose(&f->sink.from);
    buf_dispose(&f->sink.rcpts);
    buf_dispose(&f->sink.content);
    buf_dispose(&f->sink.message);
    buf_dispose(&f->counts);
    xfree(f);
    return 0;
}

#define RUN(f, want_end, ...) run_script((f), (want_end), \
    (const char *const[]) {__VA_ARGS__}, sizeof((const char *const[]) {__VA_ARGS__}) / sizeof(char *))

static void run_script(struct fixture *f, enum smtpd_end want_end, const char *const *steps,
                       size_t n)
{
    smtpd_session_t *s = smtpd_session_new(&f->cfg, &f->callbacks);
    enum smtpd_end end;
    char *why = NULL;

    if (smtp_script_run(s, steps, NULL, n, &end, &why) < 0)
        fail_msg("%s", why);
    if (end != want_end)
        fail_msg("session ended with %d, want %d", end, want_end);
    smtpd_session_counts(s, &f->counts);
    smtpd_session_free(s);
}

#define GREETING "S: 220 mx.example ESMTP Postern"
#define EHLO_REPLY "S: 250-mx.example", "S: 250-PIPELINING", "S: 250-SIZE 10240000", \
    "S: 250-VRFY", "S: 250-ENHANCEDSTATUSCODES", "S: 250-8BITMIME", "S: 250-DSN", \
    "S: 250-SMTPUTF8", "S: 250 CHUNKING"

static void test_happy_path(void **state)
{
    struct fixture *f = *state;

    RUN(f, SMTPD_END_QUIT, GREETING, "C: EHLO client.example", EHLO_REPLY,
        "C: MAIL FROM:<sender@example.org> SIZE=100 BODY=8BITMIME", "S: 250 2.1.0 Ok",
        "C: RCPT TO:<rcpt@example.com>", "S: 250 2.1.5 Ok",
        "C: DATA", "S: 354 End data with <CR><LF>.<CR><LF>",
        "C: Subject: hello", "C: ", "C: ..body", "C: .", "S: 250 2.0.0 Ok: queued as Q1",
        "C: QUIT", "S: 221 2.0.0 Bye");
    assert_string_equal(f->sink.from.data, "sender@example.org");
    assert_string_equal(f->sink.rcpts.data, "rcpt@example.com,");
    assert_string_equal(f->sink.message.data, "Subject: hello\n\n.body\n");
    assert_string_equal(f->counts.data, "ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5");
}

static void test_pipelined_transaction(void **state)
{
    struct fixture *f = *state;

    RUN(f, SMTPD_END_QUIT, GREETING, "C: EHLO c", EHLO_REPLY,
        "C: MAIL FROM:<a@b>", "C: RCPT TO:<x@y>", "C: RCPT TO:<reject@y>", "C: DATA",
        "S: 250 2.1.0 Ok", "S: 250 2.1.5 Ok",
        "S: 550 5.1.1 <reject@y>: Recipient address rejected: User unknown in local "
        "recipient table", "S: 354 End data with <CR><LF>.<CR><LF>",
        "C: hi", "C: .", "C: QUIT", "S: 250 2.0.0 Ok: queued as Q1", "S: 221 2.0.0 Bye");
    assert_string_equal(f->counts.data, "ehlo=1 mail=1 rcpt=1/2 data=1 quit=1 commands=5/6");
}

static void test_unauth_pipelining(void **state)
{
    struct fixture *f = *state;

    /* content sent together with DATA: refused before 354 */
    RUN(f, SMTPD_END_PROTOCOL, GREETING, "C: EHLO c", EHLO_REPLY,
        "C: MAIL FROM:<a@b>", "C: RCPT TO:<x@y>", "S: 250 2.1.0 Ok", "S: 250 2.1.5 Ok",
        "C: DATA", "C: Subject: smuggled", "C: .",
        "S: 554 5.5.0 Error: SMTP protocol synchronization");
    assert_int_equal(f->sink.queued, 0);
    assert_int_equal(f->sink.aborts, 1);
    /* EHLO followed by MAIL in one packet */
    RUN(f, SMTPD_END_PROTOCOL, GREETING, "C: EHLO c", "C: MAIL FROM:<a@b>",
        "S: 554 5.5.0 Error: SMTP protocol synchronization");
    /* HELO clients may not pipeline at all */
    RUN(f, SMTPD_END_PROTOCOL, GREETING, "C: HELO c", "S: 250 mx.example",
        "C: MAIL FROM:<a@b>", "C: RCPT TO:<x@y>", "S: 554 5.5.0 Error: SMTP protocol synchronization");
    /* allowed when the check is off */
    f->cfg.forbid_unauth_pipelining = false;
    RUN(f, SMTPD_END_QUIT, GREETING, "C: HELO c", "C: MAIL FROM:<a@b>", "C: QUIT",
        "S: 250 mx.example", "S: 250 2.1.0 Ok", "S: 221 2.0.0 Bye");
}

static void test_smuggling_is_one_message(void **state)
{
    struct fixture *f = *state;

    RUN(f, SMTPD_END_QUIT, GREETING, "C: EHLO c", EHLO_REPLY,
        "C: MAIL FROM:<a@b>", "C: RCPT TO:<x@y>", "C: DATA", "S: 250 2.1.0 Ok",
        "S: 250 2.1.5 Ok", "S: 354 End data with <CR><LF>.<CR><LF>",
        "R: From: a@b\r\n\r\nhi\n.\nMAIL FROM:<ceo@b>\r\nRCPT TO:<x@y>\r\nDATA\r\n"
        "From: ceo@b\r\n\r\nforged\r\n.\r\n",
        "S: 250 2.0.0 Ok: queued as Q1", "C: QUIT", "S: 221 2.0.0 Bye");
    assert_int_equal(f->sink.queued, 1);
    assert_string_equal(f->sink.message.data, "From: a@b\n\nhi\n.\nMAIL FROM:<ceo@b>\n"
                        "RCPT TO:<x@y>\nDATA\nFrom: ceo@b\n\nforged\n");
    /* <LF>.<CR><LF> and <CR>.<CR> do not end it either */
    RUN(f, SMTPD_END_QUIT, GREETING, "C: EHLO c", EHLO_REPLY,
        "C: MAIL FROM:<a@b>", "C: RCPT TO:<x@y>", "C: DATA", "S: 250 2.1.0 Ok",
        "S: 250 2.1.5 Ok", "S: 354 End data with <CR><LF>.<CR><LF>",
        "R: x\n.\r\nQUIT\r\ny\r.\rQUIT\r\n.\r\n", "S: 250 2.0.0 Ok: queued as Q2",
        "C: QUIT", "S: 221 2.0.0 Bye");
    assert_string_equal(f->sink.message.data, "x\n.\nQUIT\ny\r.\rQUIT\n");
}

static void test_bare_lf_reject(void **state)
{
    struct fixture *f = *state;

    f->cfg.bare_lf = SMTP_BARE_LF_REJECT;
    RUN(f, SMTPD_END_QUIT, GREETING, "R: EHLO c\n", "S: 550 5.5.2 Error: bare <LF> received",
        "C: EHLO c", EHLO_REPLY, "C: MAIL FROM:<a@b>", "C: RCPT TO:<x@y>", "C: DATA",
        "S: 250 2.1.0 Ok", "S: 250 2.1.5 Ok", "S: 354 End data with <CR><LF>.<CR><LF>",
        "R: a\nb\r\n.\r\n", "S: 550 5.5.2 Error: bare <LF> received", "C: QUIT",
        "S: 221 2.0.0 Bye");
    assert_int_equal(f->sink.queued, 0);
    assert_int_equal(f->sink.aborts, 1);
}

static void test_sequence_errors(void **state)
{
    struct fixture *f = *state;

    RUN(f, SMTPD_END_QUIT, GREETING, "C: RCPT TO:<x@y>", "S: 503 5.5.1 Error: need MAIL command",
        "C: DATA", "S: 503 5.5.1 Error: need RCPT command",
        "C: MAIL FROM:<a@b>", "S: 250 2.1.0 Ok",
        "C: MAIL FROM:<a@b>", "S: 503 5.5.1 Error: nested MAIL command",
        "C: DATA", "S: 554 5.5.1 Error: no valid recipients",
        "C: RSET", "S: 250 2.0.0 Ok", "C: RSET x", "S: 501 5.5.4 Syntax: RSET",
        "C: NOOP", "S: 250 2.0.0 Ok",
        "C: HELP", "S: 502 5.5.2 Error: command not recognized",
        "C: ", "S: 500 5.5.2 Error: bad syntax",
        "C: EHLO", "S: 501 5.5.4 Syntax: EHLO hostname",
        "C: HELO", "S: 501 5.5.4 Syntax: HELO hostname",
        "C: MAIL FROM:<a@b> SIZE=10", "S: 555 5.5.4 Unsupported option: SIZE=10",
        "C: MAIL TO:<a@b>", "S: 501 5.5.4 Syntax: MAIL FROM:<address>",
        "C: MAIL FROM:<<a@b>>", "S: 501 5.1.7 Bad sender address syntax",
        "R: MAIL FROM:<\xff@b>\r\n", "S: 500 5.5.2 Error: bad UTF-8 syntax",
        "C: QUIT", "S: 221 2.0.0 Bye");
    assert_int_equal(f->sink.aborts, 1);
    assert_string_equal(f->counts.data, "helo=0/1 ehlo=0/1 mail=1/5 rcpt=0/1 data=0/2 "
                        "rset=1/2 noop=1 quit=1 unknown=0/3 commands=4/17");
}

static void test_helo_required_and_strict(void **state)
{
    struct fixture *f = *state;

    f->cfg.helo_required = true;
    f->cfg.strict_rfc821_envelopes = true;
    RUN(f, SMTPD_END_QUIT, GREETING, "C: MAIL FROM:<a@b>", "S: 503 5.5.1 Error: send HELO/EHLO first",
        "C: HELO c", "S: 250 mx.example",
        "C: MAIL FROM:a@b", "S: 501 5.1.7 Bad sender address syntax",
        "C: MAIL FROM:<a@b>", "S: 250 2.1.0 Ok", "C: QUIT", "S: 221 2.0.0 Bye");
}

static void test_error_limit(void **state)
{
    struct fixture *f = *state;

    f->cfg.hard_error_limit = 3;
    RUN(f, SMTPD_END_ERRORS, GREETING, "C: FOO", "S: 502 5.5.2 Error: command not recognized",
        "C: BAR", "S: 502 5.5.2 Error: command not recognized",
        "C: RCPT TO:<a@b>", "S: 503 5.5.1 Error: need MAIL command",
        "S: 421 4.7.0 mx.example Error: too many errors");
}

static int sleeps;

static void count_sleep(int ms)
{
    assert_int_equal(ms, 1000);
    sleeps++;
}

static void test_soft_error_limit(void **state)
{
    struct fixture *f = *state;

    f->cfg.soft_error_limit = 2;
    f->cfg.sleep = count_sleep;
    sleeps = 0;
    RUN(f, SMTPD_END_QUIT, GREETING, "C: X1", "S: 502 5.5.2 Error: command not recognized",
        "C: X2", "S: 502 5.5.2 Error: command not recognized",
        "C: X3", "S: 502 5.5.2 Error: command not recognized",
        "C: X4", "S: 502 5.5.2 Error: command not recognized",
        "C: QUIT", "S: 221 2.0.0 Bye");
    assert_int_equal(sleeps, 2);            /* before X4 and before QUIT */
}

static void test_limits(void **state)
{
    struct fixture *f = *state;

    f->cfg.recipient_limit = 2;
    f->cfg.message_size_limit = 100;
    RUN(f, SMTPD_END_QUIT, GREETING, "C: EHLO c", "S: 250-mx.example", "S: 250-PIPELINING",
        "S: 250-SIZE 100", "S* 250-", "S* 250-", "S* 250-", "S* 250-", "S* 250-",
        "S: 250 CHUNKING",
        "C: MAIL FROM:<a@b> SIZE=101", "S: 552 5.3.4 Message size exceeds fixed limit",
        "C: MAIL FROM:<a@b> SIZE=100", "S: 250 2.1.0 Ok",
        "C: RCPT TO:<1@y>", "S: 250 2.1.5 Ok", "C: RCPT TO:<2@y>", "S: 250 2.1.5 Ok",
        "C: RCPT TO:<3@y>", "S: 452 4.5.3 Error: too many recipients",
        "C: DATA", "S: 354 End data with <CR><LF>.<CR><LF>",
        "R: 0123456789012345678901234567890123456789\r\n"
        "0123456789012345678901234567890123456789\r\n"
        "0123456789012345678901234567890123456789\r\n.\r\n",
        "S: 552 5.3.4 Message size exceeds fixed limit",
        "C: QUIT", "S: 221 2.0.0 Bye");
    assert_int_equal(f->sink.queued, 0);
}

static void test_long_command_line(void **state)
{
    struct fixture *f = *state;
    buf_t big = BUF_INIT;

    f->cfg.line_limit = 100;
    buf_puts(&big, "R: NOOP ");
    for (int i = 0; i < 500; i++)
        buf_putc(&big, 'x');
    buf_puts(&big, "\r\n");
    RUN(f, SMTPD_END_QUIT, GREETING, big.data, "S: 500 5.5.2 Error: line too long",
        "C: NOOP", "S: 250 2.0.0 Ok", "C: QUIT", "S: 221 2.0.0 Bye");
    buf_dispose(&big);
}

static void test_long_content_lines(void **state)
{
    struct fixture *f = *state;
    buf_t step = BUF_INIT, want = BUF_INIT;

    /* 5000 bytes: passed to the sink in line_length_limit pieces */
    buf_puts(&step, "R: ");
    for (int i = 0; i < 5000; i++)
        buf_putc(&want, (char) ('a' + i % 26));
    buf_append(&step, want.data, want.len);
    buf_puts(&step, "\r\n.\r\n");
    buf_putc(&want, '\n');
    RUN(f, SMTPD_END_QUIT, GREETING, "C: EHLO c", EHLO_REPLY, "C: MAIL FROM:<a@b>",
        "C: RCPT TO:<x@y>", "C: DATA", "S: 250 2.1.0 Ok", "S: 250 2.1.5 Ok",
        "S: 354 End data with <CR><LF>.<CR><LF>", step.data,
        "S: 250 2.0.0 Ok: queued as Q1", "C: QUIT", "S: 221 2.0.0 Bye");
    assert_string_equal(f->sink.message.data, want.data);
    /* beyond 1 MB in one line: refused, and the session stays in step */
    f->cfg.message_size_limit = 0;
    buf_reset(&step);
    buf_puts(&step, "R: ");
    for (int i = 0; i < (1 << 20) + 10; i++)
        buf_putc(&step, 'z');
    buf_puts(&step, "\r\n.\r\n");
    RUN(f, SMTPD_END_QUIT, GREETING, "C: EHLO c", "S* 250-", "S* 250-", "S: 250-SIZE",
        "S* 250-", "S* 250-", "S* 250-", "S* 250-", "S* 250-", "S: 250 CHUNKING",
        "C: MAIL FROM:<a@b>", "C: RCPT TO:<x@y>", "C: DATA", "S: 250 2.1.0 Ok", "S: 250 2.1.5 Ok",
        "S: 354 End data with <CR><LF>.<CR><LF>", step.data,
        "S: 500 5.5.2 Error: line too long", "C: QUIT", "S: 221 2.0.0 Bye");
    assert_int_equal(f->sink.queued, 1);
    buf_dispose(&step);
    buf_dispose(&want);
}

static void test_vrfy(void **state)
{
    struct fixture *f = *state;

    RUN(f, SMTPD_END_QUIT, GREETING, "C: VRFY user@example.com", "S: 252 2.0.0 user@example.com",
        "C: VRFY <user@example.com>", "S: 252 2.0.0 user@example.com",
        "C: VRFY nobody@example.com", "S: 550 5.1.1 <nobody@example.com>: Recipient address rejected",
        "C: VRFY", "S: 501 5.5.4 Syntax: VRFY address",
        "C: VRFY <<x>>", "S: 501 5.1.3 Bad recipient address syntax",
        "C: QUIT", "S: 221 2.0.0 Bye");
    f->cfg.disable_vrfy = true;
    RUN(f, SMTPD_END_QUIT, GREETING, "C: VRFY user", "S: 502 5.5.1 VRFY command is disabled",
        "C: QUIT", "S: 221 2.0.0 Bye");
}

static void test_bdat(void **state)
{
    struct fixture *f = *state;

    RUN(f, SMTPD_END_QUIT, GREETING, "C: EHLO c", EHLO_REPLY,
        "C: MAIL FROM:<a@b>", "C: RCPT TO:<x@y>", "R: BDAT 12\r\nSubject: hi\r",
        "R: BDAT 9 LAST\r\n\n\r\nbody\r\n",
        "S: 250 2.1.0 Ok", "S: 250 2.1.5 Ok", "S: 250 2.0.0 Ok: 12 bytes",
        "S: 250 2.0.0 Ok: 21 bytes queued as Q1",
        "C: DATA", "S: 503 5.5.1 Error: need RCPT command",
        "C: QUIT", "S: 221 2.0.0 Bye");
    assert_string_equal(f->sink.message.data, "Subject: hi\n\nbody\n");
}

static void test_bdat_errors(void **state)
{
    struct fixture *f = *state;

    f->cfg.message_size_limit = 10;
    RUN(f, SMTPD_END_PROTOCOL, GREETING, "C: EHLO c", "S* 250-mx", "S* 250-", "S: 250-SIZE 10",
        "S* 250-", "S* 250-", "S* 250-", "S* 250-", "S* 250-", "S: 250 CHUNKING",
        "R: BDAT 3\r\nabc", "S: 503 5.5.1 Error: need RCPT command",
        "C: MAIL FROM:<a@b>", "C: RCPT TO:<x@y>", "R: BDAT 8\r\n12345678",
        "R: BDAT 5\r\n12345", "R: BDAT 2 LAST\r\nxy", "C: MAIL FROM:<a@b>",
        "S: 250 2.1.0 Ok", "S: 250 2.1.5 Ok", "S: 250 2.0.0 Ok: 8 bytes",
        "S: 552 5.3.4 Chunk exceeds message size limit",
        "S: 552 5.3.4 Chunk exceeds message size limit", "S: 250 2.1.0 Ok",
        "C: RCPT TO:<x@y>", "S: 250 2.1.5 Ok",
        "C: BDAT 1 FIRST", "S: 521 5.5.4 Syntax: BDAT count [LAST]");
    assert_int_equal(f->sink.queued, 0);
    /* HELO session: no CHUNKING; the chunk is skipped */
    RUN(f, SMTPD_END_QUIT, GREETING, "C: HELO c", "S: 250 mx.example",
        "R: BDAT 4 LAST\r\nQUIT", "S: 502 5.5.1 Error: command not implemented",
        "C: QUIT", "S: 221 2.0.0 Bye");
}

/* smtpd_data_restrictions: refused before 354 / before the chunk. */
static int sink_data_start(void *ctx, buf_t *reply)
{
    struct sink *k = ctx;

    if (strstr(k->rcpts.data ? k->rcpts.data : "", "refuse") == NULL)
        return 0;
    smtp_reply_add(reply, 554, "5.7.1", "<DATA>: Data command rejected: test");
    return -1;
}

static void test_data_start_refusal(void **state)
{
    struct fixture *f = *state;

    f->callbacks.data_start = sink_data_start;
    RUN(f, SMTPD_END_QUIT, GREETING, "C: EHLO c", EHLO_REPLY,
        "C: MAIL FROM:<a@b>", "S: 250 2.1.0 Ok", "C: RCPT TO:<refuse@y>", "S: 250 2.1.5 Ok",
        "C: DATA", "S: 554 5.7.1 <DATA>: Data command rejected: test",
        "C: RSET", "S: 250 2.0.0 Ok",
        "C: MAIL FROM:<a@b>", "S: 250 2.1.0 Ok", "C: RCPT TO:<refuse@y>", "S: 250 2.1.5 Ok",
        "R: BDAT 5\r\nhello", "S: 554 5.7.1 <DATA>: Data command rejected: test",
        "R: BDAT 3 LAST\r\nabc", "S: 554 5.7.1 <DATA>: Data command rejected: test",
        "C: QUIT", "S: 221 2.0.0 Bye");
    assert_int_equal(f->sink.queued, 0);
    /* accepted when the sink says so: the content follows as usual */
    RUN(f, SMTPD_END_QUIT, GREETING, "C: HELO c", "S: 250 mx.example",
        "C: MAIL FROM:<a@b>", "S: 250 2.1.0 Ok", "C: RCPT TO:<ok@y>", "S: 250 2.1.5 Ok",
        "C: DATA", "S* 354 ", "C: hi", "C: .", "S: 250 2.0.0 Ok: queued as Q1",
        "C: QUIT", "S: 221 2.0.0 Bye");
}

static void test_queue_failure_and_reset(void **state)
{
    struct fixture *f = *state;

    RUN(f, SMTPD_END_QUIT, GREETING, "C: EHLO c", EHLO_REPLY,
        "C: MAIL FROM:<a@b>", "C: RCPT TO:<x@y>", "C: DATA", "S: 250 2.1.0 Ok",
        "S: 250 2.1.5 Ok", "S: 354 End data with <CR><LF>.<CR><LF>",
        "C: FAILQUEUE", "C: .", "S: 451 4.3.0 Error: queue file write error",
        "C: MAIL FROM:<a@b>", "S: 250 2.1.0 Ok", "C: QUIT", "S: 221 2.0.0 Bye");
    assert_int_equal(f->sink.queued, 0);
    assert_true(f->sink.aborts >= 2);
}

static void test_lost_connection(void **state)
{
    struct fixture *f = *state;

    RUN(f, SMTPD_END_LOST, GREETING, "C: EHLO c", EHLO_REPLY,
        "C: MAIL FROM:<a@b>", "C: RCPT TO:<x@y>", "C: DATA", "S: 250 2.1.0 Ok",
        "S: 250 2.1.5 Ok", "S: 354 End data with <CR><LF>.<CR><LF>", "C: partial");
    assert_int_equal(f->sink.aborts, 1);
    assert_int_equal(f->sink.queued, 0);
    RUN(f, SMTPD_END_LOST, GREETING, "R: NOOP");
}

static void test_smtputf8(void **state)
{
    struct fixture *f = *state;

    RUN(f, SMTPD_END_QUIT, GREETING, "C: EHLO c", EHLO_REPLY,
        "C: MAIL FROM:<j\xc3\xb6rg@b\xc3\xbc" "cher.example>",
        "S: 553 5.6.7 Must declare SMTPUTF8 to send unicode address",
        "C: MAIL FROM:<j\xc3\xb6rg@b\xc3\xbc" "cher.example> SMTPUTF8", "S: 250 2.1.0 Ok",
        "C: RCPT TO:<\xc3\xa9@x>", "S: 250 2.1.5 Ok", "C: QUIT", "S: 221 2.0.0 Bye");
    assert_string_equal(f->sink.rcpts.data, "\xc3\xa9@x,");
}

static void test_timeout(void **state)
{
    struct fixture *f = *state;
    smtpd_session_t *s;
    stream_t *st;
    int sv[2];
    char got[512];
    ssize_t n, total = 0;

    f->cfg.timeout_ms = 200;
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_int_equal(write(sv[1], "NOOP\r\n", 6), 6);
    s = smtpd_session_new(&f->cfg, &f->callbacks);
    st = stream_open_fd(sv[0], STREAM_CLOSE_FD);
    assert_int_equal(smtpd_session_run(s, st), SMTPD_END_TIMEOUT);
    stream_close(st);
    smtpd_session_free(s);
    while ((n = read(sv[1], got + total, sizeof(got) - 1 - (size_t) total)) > 0)
        total += n;
    got[total] = '\0';
    assert_string_equal(got, "220 mx.example ESMTP Postern\r\n250 2.0.0 Ok\r\n"
                        "421 4.4.2 mx.example Error: timeout exceeded\r\n");
    close(sv[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_happy_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pipelined_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unauth_pipelining, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smuggling_is_one_message, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bare_lf_reject, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sequence_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_helo_required_and_strict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_soft_error_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_command_line, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_content_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vrfy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bdat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bdat_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_data_start_refusal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_queue_failure_and_reset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lost_connection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_smtputf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timeout, setup, teardown),
    };

    msg_init("test_session", 0);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
