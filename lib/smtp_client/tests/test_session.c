/* test_session.c - the SMTP client session and mail transaction against
 * scripted servers over socketpairs: pipelining, lock-step, EHLO -> HELO,
 * SIZE refusal, DSN parameters and "relayed", rejections at each stage,
 * broken and silent servers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "scripted_server.h"
#include "smtp_client/smtpc_session.h"
#include "smtp_client/smtpc_xact.h"
#include "util/mem.h"

static const smtpc_params_t params = {
    .helo_name = "client.example",
    .t = {2, 2, 2, 2, 2, 2, 2, 2},
    .skip_5xx_greeting = true,
};

static const char *body_text;

static int body_producer(sink_t *out, void *ctx, char **err)
{
    (void) ctx;
    (void) err;
    return sink_write(out, body_text, strlen(body_text));
}

typedef struct run {
    script_server_t srv;
    smtpc_session_t ss;
    smtpc_outcome_t start;
    smtpc_rcpt_t rcpts[3];
    smtpc_message_t m;
    buf_t transcript;
} run_t;

static void run_begin(run_t *r, const script_step_t *steps, size_t n,
                      const smtpc_params_t *p)
{
    memset(r, 0, sizeof(*r));
    script_start(&r->srv, steps, n);
    smtpc_session_init(&r->ss, stream_open_fd(r->srv.client_fd, STREAM_CLOSE_FD),
                       p ? p : &params, "mx.test", "192.0.2.1", "25");
    smtpc_outcome_init(&r->start);
    static const char *const addrs[] = {"a@x.test", "b@x.test", "c@x.test"};
    for (size_t i = 0; i < 3; i++) {
        r->rcpts[i].addr = addrs[i];
        smtpc_outcome_init(&r->rcpts[i].result);
    }
    r->m.sender = "s@y.test";
    r->m.rcpts = r->rcpts;
    r->m.rcpt_count = 2;
    r->m.size = 40;
    r->m.body = body_producer;
    body_text = "Subject: t\n\n.dot line\nbody\n";
}

/* Ends the session, checks the server's verdict, keeps its transcript. */
static void run_end(run_t *r)
{
    smtpc_session_dispose(&r->ss);
    assert_int_equal(script_finish(&r->srv, &r->transcript), 0);
}

static void run_free(run_t *r)
{
    for (size_t i = 0; i < 3; i++)
        smtpc_outcome_dispose(&r->rcpts[i].result);
    smtpc_outcome_dispose(&r->start);
    buf_dispose(&r->transcript);
}

static void test_pipelined(void **state)
{
    static const script_step_t steps[] = {
        {NULL, "220 mx.test ESMTP\r\n"},
        {"EHLO client.example\r\n", "250-mx.test\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250 8BITMIME\r\n"},
        /* all three arrive before any reply: pipelining */
        {"MAIL FROM:<s@y.test> SIZE=40\r\n", NULL},
        {"RCPT TO:<a@x.test>\r\n", NULL},
        {"RCPT TO:<b@x.test>\r\n", NULL},
        {"DATA\r\n", "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 <b@x.test>: Recipient address rejected\r\n354 go\r\n"},
        {SCRIPT_DATA, "250 2.0.0 Ok: queued as ABC\r\n"},
        {"RSET\r\n", "250 2.0.0 Ok\r\n"},
        {"QUIT\r\n", "221 2.0.0 Bye\r\n"},
    };
    run_t r;

    (void) state;
    run_begin(&r, steps, sizeof(steps) / sizeof(steps[0]), NULL);
    assert_int_equal(smtpc_session_start(&r.ss, &r.start), 0);
    assert_true(r.ss.esmtp);
    assert_int_equal(smtpc_transaction(&r.ss, &r.m), 0);
    assert_int_equal(r.rcpts[0].result.cls, 2);
    assert_string_equal(r.rcpts[0].result.dsn, "2.0.0");
    assert_string_equal(r.rcpts[0].result.text.data, "250 2.0.0 Ok: queued as ABC");
    assert_int_equal(r.rcpts[1].result.cls, 5);
    assert_string_equal(r.rcpts[1].result.dsn, "5.1.1");
    assert_string_equal(r.rcpts[1].result.text.data,
                        "host mx.test[192.0.2.1] said: 550 5.1.1 <b@x.test>: Recipient "
                        "address rejected (in reply to RCPT TO command)");
    assert_int_equal(smtpc_session_rset(&r.ss), 0);
    smtpc_session_quit(&r.ss);
    run_end(&r);
    assert_non_null(strstr(r.transcript.data, "Subject: t\r\n\r\n..dot line\r\nbody\r\n.\r\n"));
    run_free(&r);
}

static void test_helo_fallback_lock_step(void **state)
{
    static const script_step_t steps[] = {
        {NULL, "220-mx.test\r\n220 ESMTP\r\n"},
        {"EHLO client.example\r\n", "502 5.5.2 Error: command not recognized\r\n"},
        {"HELO client.example\r\n", "250 mx.test\r\n"},
        {"MAIL FROM:<s@y.test>\r\n", "250 Ok\r\n"},
        {"RCPT TO:<a@x.test>\r\n", "250 Ok\r\n"},
        {"RCPT TO:<b@x.test>\r\n", "250 Ok\r\n"},
        {"DATA\r\n", "354 go\r\n"},
        {SCRIPT_DATA, "451 4.3.0 try later\r\n"},
    };
    run_t r;

    (void) state;
    run_begin(&r, steps, sizeof(steps) / sizeof(steps[0]), NULL);
    body_text = "no newline at end";
    assert_int_equal(smtpc_session_start(&r.ss, &r.start), 0);
    assert_false(r.ss.esmtp);
    assert_int_equal(smtpc_transaction(&r.ss, &r.m), 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(r.rcpts[i].result.cls, 4);
        assert_string_equal(r.rcpts[i].result.dsn, "4.3.0");
        assert_string_equal(r.rcpts[i].result.text.data,
                            "host mx.test[192.0.2.1] said: 451 4.3.0 try later "
                            "(in reply to end of DATA command)");
    }
    run_end(&r);
    assert_non_null(strstr(r.transcript.data, "no newline at end\r\n.\r\n"));
    run_free(&r);
}

static void test_size_refused(void **state)
{
    static const script_step_t steps[] = {
        {NULL, "220 mx.test ESMTP\r\n"},
        {"EHLO", "250-mx.test\r\n250 SIZE 10\r\n"},
        {"QUIT\r\n", "221 Bye\r\n"},
    };
    run_t r;

    (void) state;
    run_begin(&r, steps, sizeof(steps) / sizeof(steps[0]), NULL);
    assert_int_equal(smtpc_session_start(&r.ss, &r.start), 0);
    assert_int_equal(smtpc_transaction(&r.ss, &r.m), 0);
    assert_int_equal(r.rcpts[1].result.cls, 5);
    assert_string_equal(r.rcpts[1].result.dsn, "5.3.4");
    assert_string_equal(r.rcpts[1].result.text.data,
                        "message size 40 exceeds size limit 10 of server mx.test[192.0.2.1]");
    smtpc_session_quit(&r.ss);
    run_end(&r);
    assert_null(strstr(r.transcript.data, "MAIL"));
    run_free(&r);
}

static void test_dsn_params(void **state)
{
    static const script_step_t steps[] = {
        {NULL, "220 mx.test ESMTP\r\n"},
        {"EHLO", "250-mx.test\r\n250-DSN\r\n250-8BITMIME\r\n250 PIPELINING\r\n"},
        {"MAIL FROM:<s@y.test> BODY=8BITMIME RET=HDRS ENVID=id+2Bx\r\n", NULL},
        {"RCPT TO:<a@x.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;A+3Dq@x.test\r\n", NULL},
        {"RCPT TO:<b@x.test> NOTIFY=NEVER\r\n", NULL},
        {"DATA\r\n", "250 Ok\r\n250 Ok\r\n250 Ok\r\n354 go\r\n"},
        {SCRIPT_DATA, "250 Ok\r\n"},
    };
    run_t r;

    (void) state;
    run_begin(&r, steps, sizeof(steps) / sizeof(steps[0]), NULL);
    r.m.eight_bit = true;
    r.m.ret = SMTP_RET_HDRS;
    r.m.envid = "id+x";
    r.rcpts[0].notify = SMTP_NOTIFY_SUCCESS | SMTP_NOTIFY_FAILURE;
    r.rcpts[0].orcpt = "rfc822;A=q@x.test";
    r.rcpts[1].notify = SMTP_NOTIFY_NEVER;
    assert_int_equal(smtpc_session_start(&r.ss, &r.start), 0);
    assert_int_equal(smtpc_transaction(&r.ss, &r.m), 0);
    assert_int_equal(r.rcpts[0].result.cls, 2);
    assert_false(r.rcpts[0].result.relayed);
    assert_true(r.rcpts[0].result.passed);
    assert_string_equal(r.rcpts[0].result.text.data, "250 Ok");
    run_end(&r);
    run_free(&r);
}

static void test_relayed_without_dsn(void **state)
{
    static const script_step_t steps[] = {
        {NULL, "220 mx.test ESMTP\r\n"},
        {"EHLO", "250 mx.test\r\n"},
        {"MAIL FROM:<s@y.test>\r\n", "250 Ok\r\n"},
        {"RCPT TO:<a@x.test>\r\n", "250 Ok\r\n"},
        {"RCPT TO:<b@x.test>\r\n", "250 Ok\r\n"},
        {"DATA\r\n", "354 go\r\n"},
        {SCRIPT_DATA, "250 Ok\r\n"},
    };
    run_t r;

    (void) state;
    run_begin(&r, steps, sizeof(steps) / sizeof(steps[0]), NULL);
    r.rcpts[0].notify = SMTP_NOTIFY_SUCCESS;
    r.m.eight_bit = true;
    assert_int_equal(smtpc_session_start(&r.ss, &r.start), 0);
    assert_int_equal(smtpc_transaction(&r.ss, &r.m), 0);
    assert_true(r.rcpts[0].result.relayed);
    assert_false(r.rcpts[1].result.relayed);
    assert_false(r.rcpts[0].result.passed);
    assert_int_equal(r.rcpts[1].result.cls, 2);
    run_end(&r);
    run_free(&r);
}

static void test_mail_rejected_pipelined(void **state)
{
    static const script_step_t steps[] = {
        {NULL, "220 mx.test ESMTP\r\n"},
        {"EHLO", "250-mx.test\r\n250 PIPELINING\r\n"},
        {"MAIL", NULL},
        {"RCPT", NULL},
        {"RCPT", NULL},
        {"DATA\r\n", "553 5.7.1 <s@y.test>: Sender address rejected\r\n"
                     "503 5.5.1 need MAIL\r\n503 5.5.1 need MAIL\r\n354 go ahead anyway\r\n"},
        {".\r\n", "554 5.5.1 no valid recipients\r\n"},
        {"QUIT", "221 Bye\r\n"},
    };
    run_t r;

    (void) state;
    run_begin(&r, steps, sizeof(steps) / sizeof(steps[0]), NULL);
    assert_int_equal(smtpc_session_start(&r.ss, &r.start), 0);
    assert_int_equal(smtpc_transaction(&r.ss, &r.m), 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(r.rcpts[i].result.cls, 5);
        assert_string_equal(r.rcpts[i].result.dsn, "5.7.1");
        assert_non_null(strstr(r.rcpts[i].result.text.data, "(in reply to MAIL FROM command)"));
    }
    smtpc_session_quit(&r.ss);
    run_end(&r);
    run_free(&r);
}

static void test_greeting_refused(void **state)
{
    static const script_step_t steps[] = {
        {NULL, "554 5.7.1 go away\r\n"},
    };
    smtpc_params_t strict = params;
    run_t r;

    (void) state;
    run_begin(&r, steps, 1, NULL);
    assert_int_equal(smtpc_session_start(&r.ss, &r.start), -1);
    assert_int_equal(r.start.cls, 4);
    assert_true(r.start.try_next);
    assert_string_equal(r.start.text.data,
                        "host mx.test[192.0.2.1] refused to talk to me: 554 5.7.1 go away");
    run_end(&r);
    run_free(&r);
    strict.skip_5xx_greeting = false;
    run_begin(&r, steps, 1, &strict);
    assert_int_equal(smtpc_session_start(&r.ss, &r.start), -1);
    assert_int_equal(r.start.cls, 5);
    assert_string_equal(r.start.dsn, "5.7.1");
    run_end(&r);
    run_free(&r);
}

static void test_broken_servers(void **state)
{
    static const script_step_t silent[] = {{"EHLO", NULL}};
    static const script_step_t lost[] = {
        {NULL, "220 mx.test\r\n"},
        {"EHLO", "250 mx.test\r\n"},
        {"MAIL", "250 Ok\r\n"},
        {"RCPT", "250 Ok\r\n"},
        {"RCPT", SCRIPT_CLOSE},
    };
    static const script_step_t garbage[] = {
        {NULL, "220 mx.test\r\n"},
        {"EHLO", "hello there\r\n"},
    };
    smtpc_params_t quick = params;
    run_t r;

    (void) state;
    quick.t.helo = 1;
    /* the server never greets: timeout (the script then sees no EHLO) */
    run_begin(&r, silent, 1, &quick);
    assert_int_equal(smtpc_session_start(&r.ss, &r.start), -1);
    assert_string_equal(r.start.dsn, "4.4.2");
    assert_string_equal(r.start.text.data, "conversation with mx.test[192.0.2.1] timed out "
                        "while receiving the initial server greeting");
    smtpc_session_dispose(&r.ss);
    assert_int_equal(script_finish(&r.srv, &r.transcript), 1);
    run_free(&r);
    /* the connection drops after the first RCPT */
    run_begin(&r, lost, sizeof(lost) / sizeof(lost[0]), NULL);
    assert_int_equal(smtpc_session_start(&r.ss, &r.start), 0);
    assert_int_equal(smtpc_transaction(&r.ss, &r.m), -1);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(r.rcpts[i].result.cls, 4);
        assert_string_equal(r.rcpts[i].result.text.data,
                            "lost connection with mx.test[192.0.2.1] while sending RCPT TO");
    }
    run_end(&r);
    run_free(&r);
    /* a reply without a code */
    run_begin(&r, garbage, 2, NULL);
    assert_int_equal(smtpc_session_start(&r.ss, &r.start), -1);
    assert_string_equal(r.start.dsn, "4.5.0");
    assert_non_null(strstr(r.start.text.data, "remote protocol error with mx.test[192.0.2.1] "
                                              "while performing the EHLO handshake"));
    run_end(&r);
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pipelined),
        cmocka_unit_test(test_helo_fallback_lock_step),
        cmocka_unit_test(test_size_refused),
        cmocka_unit_test(test_dsn_params),
        cmocka_unit_test(test_relayed_without_dsn),
        cmocka_unit_test(test_mail_rejected_pipelined),
        cmocka_unit_test(test_greeting_refused),
        cmocka_unit_test(test_broken_servers),
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
