/* test_headers.c - Delivered-To loop detection and the delivery prefix. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "deliver/headers.h"
#include "util/buf.h"

struct dt_case {
    const char *headers;
    size_t len;  /* 0: strlen */
    bool want;
};

static void test_delivered_to(void **state)
{
    static const struct dt_case cases[] = {
        {"Delivered-To: joe@example.com\n\nbody", 0, true},
        {"DELIVERED-TO:   JOE@Example.COM  \r\nSubject: x\r\n\r\n", 0, true},
        {"Subject: x\nDelivered-To:\n joe@example.com\n\n", 0, true},
        {"Delivered-To: bob@example.com\n\n", 0, false},
        {"Delivered-To: joe@example.com.evil\n\n", 0, false},
        {"X-Delivered-To: joe@example.com\n\n", 0, false},
        {"Subject: x\n\nDelivered-To: joe@example.com\n", 0, false},
        {"Subject: x\r\n\r\nDelivered-To: joe@example.com\r\n", 0, false},
        {"Delivered-To: joe@example.com", 0, true},
        {"Delivered-To", 0, false},
        {"", 0, false},
        {"X: a\0b\nDelivered-To: joe@example.com\n", 37, true},
        {"Delivered-To: joe@exa\0mple.com\n", 31, false},
    };

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].headers);

        if (dlv_has_delivered_to(cases[i].headers, len, "joe@example.com")
            != cases[i].want)
            fail_msg("case %zu: want %d", i, cases[i].want);
    }
}

static void test_overlong_header_line(void **state)
{
    buf_t h = BUF_INIT;

    (void) state;
    buf_puts(&h, "X-Long: ");
    for (int i = 0; i < 200000; i++)
        buf_putc(&h, 'x');
    buf_puts(&h, "\nDelivered-To: joe@example.com\n");
    assert_true(dlv_has_delivered_to(h.data, h.len, "joe@example.com"));
    buf_dispose(&h);
}

struct collector {
    sink_t base;
    buf_t got;
};

static int collect(sink_t *s, const char *data, size_t len)
{
    buf_append(&((struct collector *) s)->got, data, len);
    return 0;
}

static int body(sink_t *out, void *ctx, char **err)
{
    (void) ctx;
    (void) err;
    return sink_puts(out, "Subject: hi\n\nbody\n");
}

static void test_prefix(void **state)
{
    struct collector c = {{collect, 0}, BUF_INIT};
    dlv_prefix_t pre = {"a@b.example", "Joe+X@Here", "Joe@Here", body, NULL};

    (void) state;
    assert_int_equal(dlv_prefixed_producer(&c.base, &pre, NULL), 0);
    assert_string_equal(c.got.data,
                        "Return-Path: <a@b.example>\nX-Original-To: Joe+X@Here\n"
                        "Delivered-To: joe@here\nSubject: hi\n\nbody\n");
    buf_reset(&c.got);
    pre.sender = "";
    pre.original_rcpt = NULL;
    assert_int_equal(dlv_prefixed_producer(&c.base, &pre, NULL), 0);
    assert_string_equal(c.got.data, "Return-Path: <>\nDelivered-To: joe@here\n"
                                    "Subject: hi\n\nbody\n");
    buf_dispose(&c.got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delivered_to),
        cmocka_unit_test(test_overlong_header_line),
        cmocka_unit_test(test_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
