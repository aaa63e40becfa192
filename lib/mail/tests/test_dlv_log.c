/* test_dlv_log.c - the delivery log line must keep Postfix's shape
 * exactly (pflogsumm parses it). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "mail/dlv_log.h"

static void test_delay_format(void **state)
{
    static const struct { double s; const char *want; } cases[] = {
        {0, "0"}, {0.001, "0"}, {0.05, "0.05"}, {0.123, "0.12"}, {1.26, "1.3"},
        {9.4, "9.4"}, {12.4, "12"}, {4000.2, "4000"},
    };
    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        buf_t b = BUF_INIT;

        dlv_format_delay(&b, cases[i].s);
        assert_string_equal(b.data, cases[i].want);
        buf_dispose(&b);
    }
}

static void test_line_shape(void **state)
{
    dlv_times_t t = {{100, 0}, {100, 500000}, {101, 0}, {101, 0}, {102, 200000}};
    buf_t b = BUF_INIT;

    (void) state;
    dlv_format_line(&b, "3ZK8aB0bHW4Kd", "bob@example.com", "Bob+x@example.com", "local",
                    &t, "2.0.0", "sent", "delivered to maildir");
    assert_string_equal(b.data, "3ZK8aB0bHW4Kd: to=<bob@example.com>, orig_to=<Bob+x@example.com>, "
                        "relay=local, delay=2.2, delays=0.5/0.5/0/1.2, dsn=2.0.0, "
                        "status=sent (delivered to maildir)");
    buf_reset(&b);
    dlv_format_line(&b, NULL, "a@b", "A@B", "none", &t, "5.0.0", "bounced", "x");
    assert_string_equal(b.data, "to=<a@b>, relay=none, delay=2.2, delays=0.5/0.5/0/1.2, "
                        "dsn=5.0.0, status=bounced (x)");
    buf_dispose(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delay_format),
        cmocka_unit_test(test_line_shape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
