/* test_inline_compat.c - compares inline:, static: and unix: tables with
 * Postfix's postmap -q (skipped when Postfix is not installed): the same
 * values for the same keys, and an open error exactly where postmap
 * refuses the table name. One deliberate difference is not compared:
 * an empty value ("static:{}", "inline:{ a= }") is "not found" here,
 * where postmap warns and prints an empty result. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_pattern_util.h"

static const char *good_names[] = {
    "inline:{ a=b, { c = d e } }",
    "inline:{a=b}",
    "inline:{ a=b c=d }",
    "inline:{ a=b, a=c }",
    "inline:{ {a=b} }",
    "inline:{ a={b, c} }",
    "static:{ a  b }",
    "static:foo bar",
    "static:x",
    "inline:{ =b }",
    "unix:passwd.byname",
    "unix:group.byname",
};

static const char *keys[] = {"a", "b", "c", "root", "nosuchkey", "x"};

static const char *bad_names[] = {
    "inline:{ a }", "inline:{ a = b ,c=d}", "inline:{}", "inline:{ }", "inline:a=b",
    "inline:{a=b", "inline:{a=b}x", "inline:{ {a}=b }", "inline:{ { a = b }x }",
    "static:{a}x", "unix:foo", "inline:{ b = x }", "static:",
};

static void test_values_like_postmap(void **state)
{
    (void) state;
    if (!tp_postmap_ready())
        skip();
    for (size_t i = 0; i < TP_N(good_names); i++) {
        char *err = NULL;
        dict_t *d = dict_open(good_names[i], O_RDONLY, DICT_FLAG_FOLD_KEYS, &err);

        if (d == NULL)
            fail_msg("%s: %s", good_names[i], err);
        for (size_t k = 0; k < TP_N(keys); k++)
            tp_compare_postmap(d, good_names[i], keys[k]);
        dict_close(d);
    }
}

static void test_errors_like_postmap(void **state)
{
    (void) state;
    if (!tp_postmap_ready())
        skip();
    for (size_t i = 0; i < TP_N(bad_names); i++) {
        buf_t out = BUF_INIT;
        char *err = NULL;
        dict_t *d = dict_open(bad_names[i], O_RDONLY, DICT_FLAG_FOLD_KEYS, &err);

        if (tp_postmap_query(bad_names[i], "a", &out))
            fail_msg("%s: postmap accepts it (\"%s\"); the test table is wrong", bad_names[i],
                     out.data);
        if (d != NULL)
            fail_msg("%s: opened, but postmap refuses it", bad_names[i]);
        xfree(err);
        buf_dispose(&out);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_like_postmap),
        cmocka_unit_test(test_errors_like_postmap),
    };

    return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
