/* test_buf.c - unit tests for the growable buffer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/buf.h"
#include "util/mem.h"

static void test_append_keeps_nul_and_binary(void **state)
{
    buf_t b;

    (void) state;
    buf_init(&b);
    buf_append(&b, "a\0b", 3);
    assert_int_equal(b.len, 3);
    assert_memory_equal(b.data, "a\0b", 3);
    assert_int_equal(b.data[3], '\0');
    buf_dispose(&b);
}

static void test_grows_past_many_doublings(void **state)
{
    buf_t *b = buf_new(0);

    (void) state;
    for (int i = 0; i < 100000; i++)
        buf_putc(b, 'x');
    assert_int_equal(b->len, 100000);
    assert_int_equal(strspn(b->data, "x"), 100000);
    buf_free(b);
}

static void test_printf_long_output(void **state)
{
    buf_t b = BUF_INIT;
    char big[5000];

    (void) state;
    memset(big, 'y', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    buf_puts(&b, "<");
    buf_printf(&b, "%s|%d", big, 42);
    assert_int_equal(b.len, 1 + 4999 + 3);
    assert_string_equal(b.data + b.len - 3, "|42");
    buf_dispose(&b);
}

static void test_truncate_and_detach(void **state)
{
    buf_t b = BUF_INIT;
    char *s;

    (void) state;
    buf_set(&b, "hello world");
    buf_truncate(&b, 5);
    assert_string_equal(buf_str(&b), "hello");
    buf_truncate(&b, 50);
    assert_int_equal(b.len, 5);
    s = buf_detach(&b);
    assert_string_equal(s, "hello");
    assert_int_equal(b.len, 0);
    assert_null(b.data);
    xfree(s);
    buf_puts(&b, "again");      /* reusable after detach */
    assert_string_equal(buf_str(&b), "again");
    buf_dispose(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_keeps_nul_and_binary),
        cmocka_unit_test(test_grows_past_many_doublings),
        cmocka_unit_test(test_printf_long_output),
        cmocka_unit_test(test_truncate_and_detach),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
