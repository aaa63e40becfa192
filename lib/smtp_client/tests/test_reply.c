/* test_reply.c - unit tests of the SMTP client's reply reader and EHLO
 * keyword parser with well-formed and hostile server input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "smtp_client/smtpc_ext.h"
#include "smtp_client/smtpc_reply.h"
#include "util/mem.h"

/* Reads one reply from data (chunked by chunk bytes); returns the
 * reader's result, the reply in r and the failure kind in kind. */
static int read_one(const char *data, size_t len, size_t chunk, smtpc_reply_t *r,
                    smtpc_read_error_t *kind)
{
    stream_t *s = stream_open_memory(data, len, chunk, NULL);
    char *err = NULL;
    int rc = smtpc_reply_read(s, r, kind, &err);

    if (rc < 0)
        assert_non_null(err);
    xfree(err);
    stream_close(s);
    return rc;
}

static void test_single_and_multiline(void **state)
{
    static const char multi[] = "250-mx.example Hello\r\n250-PIPELINING\r\n"
                                "250-SIZE 1000\r\n250 8BITMIME\r\n";
    smtpc_reply_t r;
    smtpc_read_error_t kind;
    char dsn[16];

    (void) state;
    smtpc_reply_init(&r);
    for (size_t chunk = 0; chunk < 4; chunk++) {
        assert_int_equal(read_one("250 2.1.0 Ok\r\n", 14, chunk, &r, &kind), 0);
        assert_int_equal(r.code, 250);
        assert_string_equal(r.enh, "2.1.0");
        assert_string_equal(r.text.data, "250 2.1.0 Ok");
        assert_string_equal(smtpc_reply_dsn(&r, dsn), "2.1.0");
        assert_int_equal(read_one(multi, sizeof(multi) - 1, chunk, &r, &kind), 0);
        assert_int_equal(r.line_count, 4);
        assert_string_equal(r.lines.data, "mx.example Hello\nPIPELINING\nSIZE 1000\n8BITMIME\n");
        assert_string_equal(r.text.data,
                            "250-mx.example Hello 250-PIPELINING 250-SIZE 1000 250 8BITMIME");
    }
    /* bare LF, no text, no enhanced code */
    assert_int_equal(read_one("554\n", 4, 0, &r, &kind), 0);
    assert_int_equal(r.code, 554);
    assert_string_equal(smtpc_reply_dsn(&r, dsn), "5.0.0");
    /* an enhanced code of the wrong class is text */
    assert_int_equal(read_one("450 5.1.1 no\r\n", 14, 0, &r, &kind), 0);
    assert_string_equal(r.enh, "");
    assert_string_equal(smtpc_reply_dsn(&r, dsn), "4.0.0");
    /* upper/lower case does not matter for the code; NUL and controls become '?' */
    assert_int_equal(read_one("550 a\0b\x01" "c\r\n", 11, 0, &r, &kind), 0);
    assert_string_equal(r.text.data, "550 a?b?c");
    smtpc_reply_dispose(&r);
}

static void test_malformed(void **state)
{
    static const char *const bad[] = {
        "hello\r\n", "25 Ok\r\n", "150 go on\r\n", "650 what\r\n", "2500 Ok\r\n",
        "250_Ok\r\n", "250-first\r\n550 second\r\n", "\r\n", "abc 250\r\n",
    };
    smtpc_reply_t r;
    smtpc_read_error_t kind;

    (void) state;
    smtpc_reply_init(&r);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(read_one(bad[i], strlen(bad[i]), 0, &r, &kind), -1);
        assert_int_equal(kind, SMTPC_READ_MALFORMED);
    }
    smtpc_reply_dispose(&r);
}

static void test_unterminated(void **state)
{
    static const char *const cut[] = {"", "250 Ok", "250-a\r\n", "250-a\r\n250-b\r\n25"};
    smtpc_reply_t r;
    smtpc_read_error_t kind;

    (void) state;
    smtpc_reply_init(&r);
    for (size_t i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
        assert_int_equal(read_one(cut[i], strlen(cut[i]), 1, &r, &kind), -1);
        assert_int_equal(kind, SMTPC_READ_LOST);
    }
    smtpc_reply_dispose(&r);
}

static void test_overlong_and_many(void **state)
{
    buf_t in = BUF_INIT;
    smtpc_reply_t r;
    smtpc_read_error_t kind;

    (void) state;
    smtpc_reply_init(&r);
    /* a 100 KB line is cut, the reply still parses */
    buf_puts(&in, "250 ");
    for (int i = 0; i < 100000; i++)
        buf_putc(&in, 'x');
    buf_puts(&in, "\r\n");
    assert_int_equal(read_one(in.data, in.len, 0, &r, &kind), 0);
    assert_true(r.text.len <= SMTPC_REPLY_TEXT);
    /* many lines: text kept bounded, reply accepted */
    buf_reset(&in);
    for (int i = 0; i < 5000; i++)
        buf_printf(&in, "250-line %d with some text to fill it up\r\n", i);
    buf_puts(&in, "250 end\r\n");
    assert_int_equal(read_one(in.data, in.len, 0, &r, &kind), 0);
    assert_int_equal(r.line_count, 5001);
    assert_true(r.text.len <= SMTPC_REPLY_TEXT);
    /* endless continuation is refused */
    buf_reset(&in);
    for (int i = 0; i < SMTPC_REPLY_LINES_MAX + 5; i++)
        buf_puts(&in, "250-x\n");
    assert_int_equal(read_one(in.data, in.len, 0, &r, &kind), -1);
    assert_int_equal(kind, SMTPC_READ_MALFORMED);
    buf_dispose(&in);
    smtpc_reply_dispose(&r);
}

static void test_ext(void **state)
{
    smtpc_ext_t e;

    (void) state;
    smtpc_ext_init(&e);
    smtpc_ext_parse(&e, "mx.example greets you\npipelining\nSIZE 10240000\n8BITMIME\n"
                        "AUTH=LOGIN\nAUTH PLAIN login CRAM-MD5\nDSN\nSTARTTLS\nXFOO bar\n");
    assert_true(e.flags & SMTP_EXT_PIPELINING);
    assert_true(e.flags & SMTP_EXT_SIZE);
    assert_true(e.flags & SMTP_EXT_8BITMIME);
    assert_true(e.flags & SMTP_EXT_DSN);
    assert_true(e.flags & SMTP_EXT_STARTTLS);
    assert_true(e.flags & SMTP_EXT_AUTH);
    assert_false(e.flags & SMTP_EXT_SMTPUTF8);
    assert_true(e.size_limit == 10240000);
    assert_string_equal(e.auth_mechs.data, "LOGIN PLAIN CRAM-MD5");
    /* the greeting line is not a keyword; odd SIZE arguments mean no limit */
    smtpc_ext_parse(&e, "PIPELINING\nSIZE\n");
    assert_false(e.flags & SMTP_EXT_PIPELINING);
    assert_true(e.size_limit == 0);
    smtpc_ext_parse(&e, "x\nSIZE 12k\nSIZE 99999999999999999999999\n");
    assert_true(e.flags & SMTP_EXT_SIZE);
    assert_true(e.size_limit == 0);
    smtpc_ext_parse(&e, "");
    assert_int_equal(e.flags, 0);
    smtpc_ext_dispose(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_and_multiline),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_unterminated),
        cmocka_unit_test(test_overlong_and_many),
        cmocka_unit_test(test_ext),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
