/* test_static.c - unit tests for static:value and static:{ text }. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_pattern_util.h"

static void test_static_values(void **state)
{
    struct {
        const char *name;
        const char *want;
    } cases[] = {
        {"static:OK", "OK"},
        {"static:foo bar", "foo bar"},
        {"static:{ a  b }", "a  b"},
        {"static:{x}", "x"},
        {"static:{ {nested} }", "{nested}"},
        {"static:REJECT go away", "REJECT go away"},
        {"static:{}", NULL},
    };

    (void) state;
    for (size_t i = 0; i < TP_N(cases); i++) {
        char *err = NULL;
        dict_t *d = dict_open(cases[i].name, O_RDONLY, DICT_FLAG_FOLD_KEYS, &err);

        if (d == NULL)
            fail_msg("%s: %s", cases[i].name, err);
        tp_expect(d, "anything", cases[i].want);
        tp_expect(d, "", cases[i].want);
        tp_expect(d, "1.2.3.4", cases[i].want);
        dict_close(d);
    }
}

static void test_static_errors(void **state)
{
    const char *bad[] = {"static:", "static:{a}x", "static:{a", "static:{a}}"};

    (void) state;
    for (size_t i = 0; i < TP_N(bad); i++) {
        char *err = NULL;

        if (dict_open(bad[i], O_RDONLY, 0, &err) != NULL)
            fail_msg("%s: opened, want an error", bad[i]);
        assert_non_null(err);
        assert_non_null(strstr(err, "static"));
        xfree(err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_static_values),
        cmocka_unit_test(test_static_errors),
    };

    return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
