/* test_cmd.c - unit tests for command splitting, MAIL/RCPT parameters,
 * BDAT arguments and xtext. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "smtp/cmd.h"
#include "smtp/mailcmd.h"
#include "smtp/xtext.h"
#include "util/buf.h"
#include "util/mem.h"

struct split_case {
    const char *line;
    size_t len;                 /* 0: strlen */
    int rc;
    const char *verb;
    const char *args;
};

static void test_split(void **state)
{
    static const struct split_case cases[] = {
        {"QUIT", 0, SMTP_CMD_OK, "QUIT", ""},
        {"quit", 0, SMTP_CMD_OK, "QUIT", ""},
        {"  noop  ", 0, SMTP_CMD_OK, "NOOP", ""},
        {"MAIL FROM:<a@b> SIZE=1", 0, SMTP_CMD_OK, "MAIL", "FROM:<a@b> SIZE=1"},
        {"mail\tfrom:<a@b>  \t", 0, SMTP_CMD_OK, "MAIL", "from:<a@b>"},
        {"EHLO  client.example", 0, SMTP_CMD_OK, "EHLO", "client.example"},
        {"X-FOO bar", 0, SMTP_CMD_OK, "X-FOO", "bar"},
        {"", 0, SMTP_CMD_EMPTY, "", ""},
        {"   \t ", 0, SMTP_CMD_EMPTY, "", ""},
        {"MAIL\0FROM", 9, SMTP_CMD_BAD_BYTES, "", ""},
        {"NOOP\r", 0, SMTP_CMD_BAD_BYTES, "", ""},
        {"NO\nOP", 0, SMTP_CMD_BAD_BYTES, "", ""},
        {"MAIL:FROM", 0, SMTP_CMD_BAD_VERB, "", ""},
        {"<a@b>", 0, SMTP_CMD_BAD_VERB, "", ""},
        {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 0, SMTP_CMD_BAD_VERB, "", ""},
        {"\xc3\xa9HLO x", 0, SMTP_CMD_BAD_VERB, "", ""},
    };
    smtp_cmd_t cmd;

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct split_case *c = &cases[i];
        size_t len = c->len ? c->len : strlen(c->line);
        int rc = smtp_cmd_split(c->line, len, &cmd);

        if (rc != c->rc)
            fail_msg("case %zu '%s': rc %d want %d", i, c->line, rc, c->rc);
        if (rc == SMTP_CMD_OK) {
            assert_string_equal(cmd.verb, c->verb);
            assert_int_equal(cmd.args_len, strlen(c->args));
            assert_memory_equal(cmd.args, c->args, cmd.args_len);
        }
    }
    assert_int_equal(smtp_cmd_split("rcpt TO:<x>", 11, &cmd), 0);
    assert_true(smtp_cmd_is(&cmd, "RCPT"));
    assert_true(smtp_cmd_is(&cmd, "rcpt"));
    assert_false(smtp_cmd_is(&cmd, "RCP"));
}

#define ALL_EXT (SMTP_EXT_SIZE | SMTP_EXT_8BITMIME | SMTP_EXT_DSN | SMTP_EXT_SMTPUTF8 \
                 | SMTP_EXT_CHUNKING | SMTP_EXT_AUTH | SMTP_EXT_PIPELINING)

struct mail_case {
    const char *args;
    unsigned ext;
    unsigned opts;
    const char *want_reply;     /* NULL: success */
};

static void test_mail_replies(void **state)
{
    static const struct mail_case cases[] = {
        {"FROM:<a@b>", ALL_EXT, 0, NULL},
        {"from:<>", ALL_EXT, 0, NULL},
        {"FROM: <a@b>", ALL_EXT, 0, NULL},
        {"FROM:a@b", ALL_EXT, 0, NULL},
        {"FROM:a@b", ALL_EXT, SMTP_PARSE_STRICT, "501 5.1.7 Bad sender address syntax\r\n"},
        {"FROM:", ALL_EXT, 0, "501 5.5.4 Syntax: MAIL FROM:<address>\r\n"},
        {"FROM:   ", ALL_EXT, 0, "501 5.5.4 Syntax: MAIL FROM:<address>\r\n"},
        {"<a@b>", ALL_EXT, 0, "501 5.5.4 Syntax: MAIL FROM:<address>\r\n"},
        {"FROM <a@b>", ALL_EXT, 0, "501 5.5.4 Syntax: MAIL FROM:<address>\r\n"},
        {"TO:<a@b>", ALL_EXT, 0, "501 5.5.4 Syntax: MAIL FROM:<address>\r\n"},
        {"FROM:<<a@b>>", ALL_EXT, 0, "501 5.1.7 Bad sender address syntax\r\n"},
        {"FROM:<a@b>junk", ALL_EXT, 0, "501 5.1.7 Bad sender address syntax\r\n"},
        {"FROM:<a@b> junk", ALL_EXT, 0, "555 5.5.4 Unsupported option: junk\r\n"},
        {"FROM:<a@b> SIZE=100", ALL_EXT, 0, NULL},
        {"FROM:<a@b> size=0", ALL_EXT, 0, NULL},
        {"FROM:<a@b> SIZE=", ALL_EXT, 0, "501 5.5.4 Bad message size syntax\r\n"},
        {"FROM:<a@b> SIZE=-1", ALL_EXT, 0, "501 5.5.4 Bad message size syntax\r\n"},
        {"FROM:<a@b> SIZE=1x", ALL_EXT, 0, "501 5.5.4 Bad message size syntax\r\n"},
        {"FROM:<a@b> SIZE=1 SIZE=2", ALL_EXT, 0, "501 5.5.4 Bad message size syntax\r\n"},
        {"FROM:<a@b> SIZE=99999999999999999999", ALL_EXT, 0,
         "552 5.3.4 Message size exceeds file system imposed limit\r\n"},
        {"FROM:<a@b> SIZE=9223372036854775807", ALL_EXT, 0, NULL},
        {"FROM:<a@b> SIZE=9223372036854775808", ALL_EXT, 0,
         "552 5.3.4 Message size exceeds file system imposed limit\r\n"},
        {"FROM:<a@b> SIZE=1", 0, 0, "555 5.5.4 Unsupported option: SIZE=1\r\n"},
        {"FROM:<a@b> BODY=8BITMIME", ALL_EXT, 0, NULL},
        {"FROM:<a@b> BODY=7bit", ALL_EXT, 0, NULL},
        {"FROM:<a@b> BODY=BINARYMIME", ALL_EXT, 0,
         "555 5.5.4 Unsupported option: BODY=BINARYMIME\r\n"},
        {"FROM:<a@b> BODY=BINARYMIME", ALL_EXT | SMTP_EXT_BINARYMIME, 0, NULL},
        {"FROM:<a@b> BODY=9BIT", ALL_EXT, 0, "555 5.5.4 Unsupported option: BODY=9BIT\r\n"},
        {"FROM:<a@b> BODY=7BIT BODY=8BITMIME", ALL_EXT, 0,
         "501 5.5.4 Bad BODY parameter syntax\r\n"},
        {"FROM:<a@b> SMTPUTF8", ALL_EXT, 0, NULL},
        {"FROM:<a@b> SMTPUTF8 SMTPUTF8", ALL_EXT, 0, "501 5.5.4 Bad SMTPUTF8 parameter syntax\r\n"},
        {"FROM:<a@b> SMTPUTF8=yes", ALL_EXT, 0, "555 5.5.4 Unsupported option: SMTPUTF8=yes\r\n"},
        {"FROM:<a@b> SMTPUTF8", 0, 0, "555 5.5.4 Unsupported option: SMTPUTF8\r\n"},
        {"FROM:<j\xc3\xb6rg@b>", ALL_EXT, 0,
         "553 5.6.7 Must declare SMTPUTF8 to send unicode address\r\n"},
        {"FROM:<j\xc3\xb6rg@b> SMTPUTF8", ALL_EXT, 0, NULL},
        {"FROM:<j\xf6rg@b> SMTPUTF8", ALL_EXT, 0, "500 5.5.2 Error: bad UTF-8 syntax\r\n"},
        {"FROM:<a@b> RET=FULL", ALL_EXT, 0, NULL},
        {"FROM:<a@b> RET=hdrs", ALL_EXT, 0, NULL},
        {"FROM:<a@b> RET=ALL", ALL_EXT, 0, "501 5.5.4 Bad RET parameter syntax\r\n"},
        {"FROM:<a@b> RET=FULL RET=HDRS", ALL_EXT, 0, "501 5.5.4 Bad RET parameter syntax\r\n"},
        {"FROM:<a@b> RET=FULL", 0, 0, "501 5.7.1 DSN support is disabled\r\n"},
        {"FROM:<a@b> ENVID=abc+2Bdef", ALL_EXT, 0, NULL},
        {"FROM:<a@b> ENVID=abc+0D+0A", ALL_EXT, 0, "501 5.5.4 Bad ENVID parameter syntax\r\n"},
        {"FROM:<a@b> ENVID=ab+", ALL_EXT, 0, "501 5.5.4 Bad ENVID parameter syntax\r\n"},
        {"FROM:<a@b> ENVID=a ENVID=b", ALL_EXT, 0, "501 5.5.4 Bad ENVID parameter syntax\r\n"},
        {"FROM:<a@b> ENVID=", ALL_EXT, 0, "501 5.5.4 Bad ENVID parameter syntax\r\n"},
        {"FROM:<a@b> AUTH=<>", ALL_EXT, 0, NULL},
        {"FROM:<a@b> AUTH=u+2Bx@b", ALL_EXT, 0, NULL},
        {"FROM:<a@b> AUTH=<> AUTH=x@y", ALL_EXT, 0, "503 5.5.4 Error: multiple AUTH= options\r\n"},
        {"FROM:<a@b> AUTH=+00", ALL_EXT, 0, "501 5.5.4 Bad AUTH parameter syntax\r\n"},
        {"FROM:<a@b> AUTH=<>", 0, 0, "555 5.5.4 Unsupported option: AUTH=<>\r\n"},
        {"FROM:<a@b> FOO=\x01", ALL_EXT, 0, "555 5.5.4 Unsupported option: FOO=?\r\n"},
        {"FROM:<@r1,@r2:a@b>", ALL_EXT, 0, NULL},
    };
    smtp_mail_args_t m;
    buf_t reply = BUF_INIT;

    (void) state;
    smtp_mail_args_init(&m);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct mail_case *c = &cases[i];
        int rc;

        buf_reset(&reply);
        rc = smtp_mail_parse(c->args, strlen(c->args), c->ext, c->opts, &m, &reply);
        if (c->want_reply == NULL && rc != 0)
            fail_msg("case %zu '%s': unexpected reply %s", i, c->args, reply.data);
        if (c->want_reply != NULL && (rc != -1 || strcmp(reply.data, c->want_reply) != 0))
            fail_msg("case %zu '%s': got '%s' want '%s'", i, c->args, reply.data,
                     c->want_reply);
    }
    smtp_mail_args_dispose(&m);
    buf_dispose(&reply);
}

static void test_mail_values(void **state)
{
    static const char args[] = "FROM:<\"a b\"@x> SIZE=12345 BODY=8BITMIME SMTPUTF8 "
        "RET=HDRS ENVID=Q+2BX AUTH=e+3Dmc2@x";
    smtp_mail_args_t m;
    buf_t reply = BUF_INIT;

    (void) state;
    smtp_mail_args_init(&m);
    assert_int_equal(smtp_mail_parse(args, strlen(args), SMTP_EXT_SIZE | SMTP_EXT_8BITMIME
                                     | SMTP_EXT_SMTPUTF8 | SMTP_EXT_DSN | SMTP_EXT_AUTH, 0,
                                     &m, &reply), 0);
    assert_string_equal(m.sender.addr.data, "a b@x");
    assert_true(m.has_size);
    assert_int_equal(m.size, 12345);
    assert_int_equal(m.body, SMTP_BODY_8BITMIME);
    assert_true(m.smtputf8);
    assert_int_equal(m.ret, SMTP_RET_HDRS);
    assert_string_equal(m.envid.data, "Q+X");
    assert_string_equal(m.auth.data, "e=mc2@x");
    /* a second parse starts from a clean state */
    assert_int_equal(smtp_mail_parse("FROM:<>", 7, 0, 0, &m, &reply), 0);
    assert_false(m.has_size);
    assert_false(m.smtputf8);
    assert_int_equal(m.body, SMTP_BODY_NONE);
    assert_true(m.sender.flags & MAIL_ADDR_F_NULL);
    smtp_mail_args_dispose(&m);
    buf_dispose(&reply);
}

static void test_unsupported_echo_is_bounded(void **state)
{
    buf_t args = BUF_INIT, reply = BUF_INIT;
    smtp_mail_args_t m;

    (void) state;
    buf_puts(&args, "FROM:<a@b> X=");
    for (int i = 0; i < 5000; i++)
        buf_putc(&args, 'y');
    smtp_mail_args_init(&m);
    assert_int_equal(smtp_mail_parse(args.data, args.len, ALL_EXT, 0, &m, &reply), -1);
    assert_true(reply.len < 200);
    assert_true(strncmp(reply.data, "555 5.5.4 Unsupported option: X=yyy", 35) == 0);
    smtp_mail_args_dispose(&m);
    buf_dispose(&args);
    buf_dispose(&reply);
}

static void test_rcpt_replies(void **state)
{
    static const struct mail_case cases[] = {
        {"TO:<a@b>", ALL_EXT, 0, NULL},
        {"to: <a@b>", ALL_EXT, 0, NULL},
        {"TO:<postmaster>", ALL_EXT, 0, NULL},
        {"TO:<>", ALL_EXT, 0, "501 5.1.3 Bad recipient address syntax\r\n"},
        {"TO:", ALL_EXT, 0, "501 5.5.4 Syntax: RCPT TO:<address>\r\n"},
        {"FROM:<a@b>", ALL_EXT, 0, "501 5.5.4 Syntax: RCPT TO:<address>\r\n"},
        {"TO:<a@b", ALL_EXT, 0, "501 5.1.3 Bad recipient address syntax\r\n"},
        {"TO:<a@b> NOTIFY=NEVER", ALL_EXT, 0, NULL},
        {"TO:<a@b> NOTIFY=success,FAILURE,delay", ALL_EXT, 0, NULL},
        {"TO:<a@b> NOTIFY=NEVER,SUCCESS", ALL_EXT, 0,
         "501 5.5.4 Error: Bad NOTIFY parameter syntax\r\n"},
        {"TO:<a@b> NOTIFY=SUCCESS,SUCCESS", ALL_EXT, 0,
         "501 5.5.4 Error: Bad NOTIFY parameter syntax\r\n"},
        {"TO:<a@b> NOTIFY=SUCCESS,", ALL_EXT, 0,
         "501 5.5.4 Error: Bad NOTIFY parameter syntax\r\n"},
        {"TO:<a@b> NOTIFY=NEVER NOTIFY=NEVER", ALL_EXT, 0,
         "501 5.5.4 Error: Bad NOTIFY parameter syntax\r\n"},
        {"TO:<a@b> NOTIFY=NEVER", 0, 0, "501 5.7.1 DSN support is disabled\r\n"},
        {"TO:<a@b> ORCPT=rfc822;a+40b", ALL_EXT, 0, NULL},
        {"TO:<a@b> ORCPT=rfc822", ALL_EXT, 0, "501 5.5.4 Error: Bad ORCPT parameter syntax\r\n"},
        {"TO:<a@b> ORCPT=;a@b", ALL_EXT, 0, "501 5.5.4 Error: Bad ORCPT parameter syntax\r\n"},
        {"TO:<a@b> ORCPT=rfc822;", ALL_EXT, 0, "501 5.5.4 Error: Bad ORCPT parameter syntax\r\n"},
        {"TO:<a@b> ORCPT=rfc822;a+0Ab", ALL_EXT, 0,
         "501 5.5.4 Error: Bad ORCPT parameter syntax\r\n"},
        {"TO:<a@b> ORCPT=rfc822;a ORCPT=rfc822;b", ALL_EXT, 0,
         "501 5.5.4 Error: Bad ORCPT parameter syntax\r\n"},
        {"TO:<a@b> SIZE=1", ALL_EXT, 0, "555 5.5.4 Unsupported option: SIZE=1\r\n"},
        {"TO:<\xc3\xa9@b>", ALL_EXT, 0, "553 5.6.7 Must declare SMTPUTF8 to send unicode address\r\n"},
        {"TO:<\xc3\xa9@b>", ALL_EXT, SMTP_PARSE_SMTPUTF8, NULL},
    };
    smtp_rcpt_args_t r;
    buf_t reply = BUF_INIT;

    (void) state;
    smtp_rcpt_args_init(&r);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct mail_case *c = &cases[i];
        int rc;

        buf_reset(&reply);
        rc = smtp_rcpt_parse(c->args, strlen(c->args), c->ext, c->opts, &r, &reply);
        if (c->want_reply == NULL && rc != 0)
            fail_msg("case %zu '%s': unexpected reply %s", i, c->args, reply.data);
        if (c->want_reply != NULL && (rc != -1 || strcmp(reply.data, c->want_reply) != 0))
            fail_msg("case %zu '%s': got '%s' want '%s'", i, c->args, reply.data,
                     c->want_reply);
    }
    assert_int_equal(smtp_rcpt_parse("TO:<a@b> NOTIFY=FAILURE,DELAY ORCPT=rfc822;x+2By@z", 50,
                                     ALL_EXT, 0, &r, &reply), 0);
    assert_int_equal(r.notify, SMTP_NOTIFY_FAILURE | SMTP_NOTIFY_DELAY);
    assert_string_equal(r.orcpt_type.data, "rfc822");
    assert_string_equal(r.orcpt_addr.data, "x+y@z");
    smtp_rcpt_args_dispose(&r);
    buf_dispose(&reply);
}

static void test_bdat(void **state)
{
    buf_t reply = BUF_INIT;
    uint64_t n;
    bool last;

    (void) state;
    assert_int_equal(smtp_bdat_parse("1000", 4, &n, &last, &reply), 0);
    assert_int_equal(n, 1000);
    assert_false(last);
    assert_int_equal(smtp_bdat_parse("0 last", 6, &n, &last, &reply), 0);
    assert_int_equal(n, 0);
    assert_true(last);
    assert_int_equal(smtp_bdat_parse("12 \t LAST", 9, &n, &last, &reply), 0);
    assert_true(last);
    assert_int_equal(smtp_bdat_parse("9223372036854775807", 19, &n, &last, &reply), 0);
    static const char *bad[] = {"", "x", "-1", "1 FIRST", "1 LAST x", "1LAST",
                                "9223372036854775808", "99999999999999999999999", "1 LASTX"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        buf_reset(&reply);
        if (smtp_bdat_parse(bad[i], strlen(bad[i]), &n, &last, &reply) != -1)
            fail_msg("bdat '%s' accepted", bad[i]);
        assert_string_equal(reply.data, "521 5.5.4 Syntax: BDAT count [LAST]\r\n");
    }
    buf_dispose(&reply);
}

static void test_xtext(void **state)
{
    buf_t out = BUF_INIT;

    (void) state;
    assert_int_equal(xtext_decode("a+2Bb+3dc", 9, &out), 0);
    assert_string_equal(out.data, "a+b=c");
    assert_int_equal(xtext_decode("", 0, &out), 0);
    assert_int_equal(out.len, 0);
    assert_int_equal(xtext_decode("+00", 3, &out), 0);
    assert_int_equal(out.len, 1);
    assert_int_equal(out.data[0], '\0');
    assert_int_equal(xtext_decode("+", 1, &out), -1);
    assert_int_equal(xtext_decode("+2", 2, &out), -1);
    assert_int_equal(xtext_decode("+GG", 3, &out), -1);
    assert_int_equal(xtext_decode("a=b", 3, &out), -1);
    assert_int_equal(xtext_decode("a b", 3, &out), -1);
    assert_int_equal(xtext_decode("\xc3\xa9", 2, &out), -1);
    buf_reset(&out);
    xtext_encode("a+b=c d\r\n\xff", 10, &out);
    assert_string_equal(out.data, "a+2Bb+3Dc+20d+0D+0A+FF");
    /* round trip over every byte value */
    {
        char all[256];
        buf_t enc = BUF_INIT;

        for (int i = 0; i < 256; i++)
            all[i] = (char) i;
        xtext_encode(all, 256, &enc);
        assert_int_equal(xtext_decode(enc.data, enc.len, &out), 0);
        assert_int_equal(out.len, 256);
        assert_memory_equal(out.data, all, 256);
        buf_dispose(&enc);
    }
    buf_dispose(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_mail_replies),
        cmocka_unit_test(test_mail_values),
        cmocka_unit_test(test_unsupported_echo_is_bounded),
        cmocka_unit_test(test_rcpt_replies),
        cmocka_unit_test(test_bdat),
        cmocka_unit_test(test_xtext),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
