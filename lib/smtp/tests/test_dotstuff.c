/* test_dotstuff.c - unit tests for outgoing dot-stuffing, including the
 * round trip through the DATA decoder with hostile content. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "smtp/data.h"
#include "smtp/dotstuff.h"
#include "util/buf.h"

static void test_lines(void **state)
{
    buf_t out = BUF_INIT;
    bool start = true;

    (void) state;
    smtp_dot_stuff_line(&out, "Subject: x", 10, false, &start);
    smtp_dot_stuff_line(&out, "", 0, false, &start);
    smtp_dot_stuff_line(&out, ".", 1, false, &start);
    smtp_dot_stuff_line(&out, "..x", 3, false, &start);
    smtp_dot_stuff_line(&out, "a\r\n.\r\nMAIL", 10, false, &start);
    smtp_dot_stuff_line(&out, "0123", 4, true, &start);
    smtp_dot_stuff_line(&out, ".456", 4, false, &start);
    smtp_dot_stuff_end(&out, start);
    assert_string_equal(out.data, "Subject: x\r\n\r\n..\r\n...x\r\na  .  MAIL\r\n0123.456\r\n.\r\n");
    buf_reset(&out);
    start = true;
    smtp_dot_stuff_line(&out, "abc", 3, true, &start);
    smtp_dot_stuff_end(&out, start);
    assert_string_equal(out.data, "abc\r\n.\r\n");
    buf_dispose(&out);
}

static int collect(void *ctx, const char *text, size_t len, unsigned flags)
{
    buf_t *b = ctx;

    buf_append(b, text, len);
    if (!(flags & SMTP_DATA_PARTIAL))
        buf_putc(b, '\n');
    return 0;
}

/* Whatever the lines hold, stuffing then decoding gives them back (with
 * CR/LF inside lines turned into spaces) and ends exactly at the end. */
static void test_round_trip(void **state)
{
    static const char *lines[] = {".", "..", ".x", "", "a\nb", "\r", ".\r", "x\r\n.\r\ny",
                                  "plain", "\n.\n"};
    buf_t wire = BUF_INIT, back = BUF_INIT, want = BUF_INIT;
    bool start = true;
    smtp_data_t d;

    (void) state;
    buf_init(&back);
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        smtp_dot_stuff_line(&wire, lines[i], strlen(lines[i]), false, &start);
        for (const char *p = lines[i]; *p; p++)
            buf_putc(&want, (*p == '\r' || *p == '\n') ? ' ' : *p);
        buf_putc(&want, '\n');
    }
    smtp_dot_stuff_end(&wire, start);
    buf_puts(&wire, "QUIT\r\n");
    smtp_data_init(&d, SMTP_DATA_DOT, SMTP_BARE_LF_NO, 0, 0, collect, &back);
    assert_int_equal(smtp_data_feed(&d, wire.data, wire.len), wire.len - 6);
    assert_true(d.done);
    assert_int_equal(d.bare_lf + d.bare_cr, 0);
    assert_string_equal(back.data, want.data);
    smtp_data_dispose(&d);
    buf_dispose(&wire);
    buf_dispose(&back);
    buf_dispose(&want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
