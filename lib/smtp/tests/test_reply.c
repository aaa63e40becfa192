/* test_reply.c - unit tests for the reply builder, the standard reply
 * table and reply line parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "smtp/reply.h"
#include "util/buf.h"

static void test_single_and_multi(void **state)
{
    buf_t b = BUF_INIT;
    const char *ehlo[] = {"mail.example.com", "PIPELINING", "SIZE 10240000", "8BITMIME"};

    (void) state;
    smtp_reply_add(&b, 250, "2.1.0", "Ok");
    assert_string_equal(b.data, "250 2.1.0 Ok\r\n");
    buf_reset(&b);
    smtp_reply_add(&b, 550, "5.1.1", "<%s>: Recipient address rejected\nsecond line", "u@x");
    assert_string_equal(b.data, "550-5.1.1 <u@x>: Recipient address rejected\r\n"
                        "550 5.1.1 second line\r\n");
    buf_reset(&b);
    smtp_reply_lines(&b, 250, NULL, ehlo, 4);
    assert_string_equal(b.data, "250-mail.example.com\r\n250-PIPELINING\r\n"
                        "250-SIZE 10240000\r\n250 8BITMIME\r\n");
    buf_reset(&b);
    smtp_reply_add(&b, 220, NULL, "host ESMTP");
    assert_string_equal(b.data, "220 host ESMTP\r\n");
    buf_reset(&b);
    smtp_reply_add(&b, 250, "2.0.0", "%s", "");
    assert_string_equal(b.data, "250 2.0.0\r\n");
    buf_dispose(&b);
}

static void test_sanitise_and_cut(void **state)
{
    buf_t b = BUF_INIT;
    char big[2000];

    (void) state;
    smtp_reply_add(&b, 555, "5.5.4", "Unsupported option: a\rb\tc\x7f" "d");
    assert_string_equal(b.data, "555 5.5.4 Unsupported option: a?b?c?d\r\n");
    buf_reset(&b);
    memset(big, 'z', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    smtp_reply_add(&b, 250, "2.0.0", "%s\n%s", big, big);
    /* two lines, each exactly 512 bytes with CRLF */
    assert_int_equal(b.len, 2 * SMTP_REPLY_LINE_MAX);
    assert_memory_equal(b.data + SMTP_REPLY_LINE_MAX - 2, "\r\n250 2.0.0 zz", 14);
    buf_dispose(&b);
}

static void test_std_table(void **state)
{
    buf_t b = BUF_INIT;

    (void) state;
    for (int id = 0; id < SMTP_R_COUNT; id++) {
        smtp_reply_line_t line;
        size_t len;

        buf_reset(&b);
        smtp_reply_std(&b, (enum smtp_reply_id) id, "mx.example");
        len = b.len;
        assert_true(len > 6);
        assert_memory_equal(b.data + len - 2, "\r\n", 2);
        assert_int_equal(smtp_reply_parse_line(b.data, len - 2, &line), 0);
        assert_int_equal(line.code, smtp_reply_std_code((enum smtp_reply_id) id));
        assert_false(line.more);
        if (line.code != 354)
            assert_non_null(line.enh);
    }
    buf_reset(&b);
    smtp_reply_std(&b, SMTP_R_TIMEOUT, "mx.example");
    assert_string_equal(b.data, "421 4.4.2 mx.example Error: timeout exceeded\r\n");
    buf_reset(&b);
    smtp_reply_std(&b, SMTP_R_DATA_GO, NULL);
    assert_string_equal(b.data, "354 End data with <CR><LF>.<CR><LF>\r\n");
    buf_reset(&b);
    smtp_reply_std(&b, SMTP_R_BARE_LF, NULL);
    assert_string_equal(b.data, "550 5.5.2 Error: bare <LF> received\r\n");
    buf_dispose(&b);
}

static void test_enh_valid(void **state)
{
    (void) state;
    assert_true(smtp_enh_valid(250, "2.1.0", 5));
    assert_true(smtp_enh_valid(550, "5.1.10", 6));
    assert_true(smtp_enh_valid(451, "4.123.456", 9));
    assert_false(smtp_enh_valid(250, "5.1.0", 5));
    assert_false(smtp_enh_valid(354, "3.0.0", 5));
    assert_false(smtp_enh_valid(550, "5.1", 3));
    assert_false(smtp_enh_valid(550, "5.1.1000", 8));
    assert_false(smtp_enh_valid(550, "5..1", 4));
    assert_false(smtp_enh_valid(550, "5.1.x", 5));
}

static void test_parse_line(void **state)
{
    smtp_reply_line_t l;

    (void) state;
    assert_int_equal(smtp_reply_parse_line("250-PIPELINING", 14, &l), 0);
    assert_int_equal(l.code, 250);
    assert_true(l.more);
    assert_null(l.enh);
    assert_int_equal(l.text_len, 10);
    assert_int_equal(smtp_reply_parse_line("550 5.7.1 Relay access denied", 29, &l), 0);
    assert_false(l.more);
    assert_int_equal(l.enh_len, 5);
    assert_memory_equal(l.enh, "5.7.1", 5);
    assert_memory_equal(l.text, "Relay access denied", l.text_len);
    assert_int_equal(smtp_reply_parse_line("250 4.0.0 odd", 13, &l), 0);
    assert_null(l.enh);                          /* class mismatch: plain text */
    assert_int_equal(smtp_reply_parse_line("250", 3, &l), 0);
    assert_int_equal(l.text_len, 0);
    assert_int_equal(smtp_reply_parse_line("250 2.0.0", 9, &l), 0);
    assert_non_null(l.enh);
    assert_int_equal(l.text_len, 0);
    assert_int_equal(smtp_reply_parse_line("25", 2, &l), -1);
    assert_int_equal(smtp_reply_parse_line("abc def", 7, &l), -1);
    assert_int_equal(smtp_reply_parse_line("250x", 4, &l), -1);
    assert_int_equal(smtp_reply_parse_line("199 x", 5, &l), -1);
    assert_int_equal(smtp_reply_parse_line("600 x", 5, &l), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_and_multi),
        cmocka_unit_test(test_sanitise_and_cut),
        cmocka_unit_test(test_std_table),
        cmocka_unit_test(test_enh_valid),
        cmocka_unit_test(test_parse_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
