/* test_inline.c - unit tests for inline:{...}: items with and without
 * braces, blanks around '=', duplicates, case folding, iteration, and the
 * malformed forms that make the open fail. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_pattern_util.h"

static void test_inline_values(void **state)
{
    dict_t *d = tp_open("inline", "{ a=b, { c = d e } ,x=y,,{ =empty } dup=1 dup=2 {k={v, w}} }",
                        DICT_FLAG_FOLD_KEYS);
    static const struct tp_case cases[] = {
        {"a", "b"},
        {"A", "b"},
        {"c", "d e"},
        {"x", "y"},
        {"", "empty"},
        {"dup", "2"},
        {"k", "{v, w}"},
        {"b", NULL},
        {"c ", NULL},
    };

    (void) state;
    tp_expect_all(d, cases, TP_N(cases));
    assert_true(dict_flags(d) & DICT_FLAG_FIXED);
    dict_close(d);

    d = tp_open("inline", "{ UPPER=Value }", DICT_FLAG_NONE);
    tp_expect(d, "UPPER", "Value");
    tp_expect(d, "upper", NULL);
    dict_close(d);

    d = tp_open("inline", "{ UPPER=Value }", DICT_FLAG_FOLD_KEYS);
    tp_expect(d, "Upper", "Value");
    dict_close(d);

    d = tp_open("inline", "{ a= }", DICT_FLAG_NONE);
    tp_expect(d, "a", NULL);    /* empty results are "not found" */
    dict_close(d);
}

static void test_inline_sequence(void **state)
{
    dict_t *d = tp_open("inline", "{ one=1, two=2 }", DICT_FLAG_NONE);
    buf_t key = BUF_INIT, value = BUF_INIT;
    char *err = NULL;

    (void) state;
    assert_int_equal(dict_sequence(d, true, &key, &value, &err), DICT_FOUND);
    assert_string_equal(key.data, "one");
    assert_string_equal(value.data, "1");
    assert_int_equal(dict_sequence(d, false, &key, &value, &err), DICT_FOUND);
    assert_string_equal(key.data, "two");
    assert_int_equal(dict_sequence(d, false, &key, &value, &err), DICT_NOTFOUND);
    assert_int_equal(dict_sequence(d, true, &key, &value, &err), DICT_FOUND);
    assert_string_equal(key.data, "one");
    buf_dispose(&key);
    buf_dispose(&value);
    dict_close(d);
}

struct bad_case {
    const char *name;
    const char *message;
};

static void test_inline_errors(void **state)
{
    static const struct bad_case cases[] = {
        {"inline:", "bad syntax"},
        {"inline:a=b", "bad syntax"},
        {"inline:{a=b", "bad syntax"},
        {"inline:{a=b}x", "bad syntax"},
        {"inline:{}", "empty table"},
        {"inline:{ , }", "empty table"},
        {"inline:{ a }", "missing '=' after attribute name"},
        {"inline:{ a = b ,c=d}", "missing '='"},
        {"inline:{ {a}=b }", "syntax error after '}'"},
        {"inline:{ { a = b }x }", "syntax error after '}'"},
        {"inline:{ a={b }", "bad syntax"},
        {"inline:{ a=b} }", "bad syntax"},
    };

    (void) state;
    for (size_t i = 0; i < TP_N(cases); i++) {
        char *err = NULL;
        dict_t *d = dict_open(cases[i].name, O_RDONLY, 0, &err);

        if (d != NULL)
            fail_msg("%s: opened, want error \"%s\"", cases[i].name, cases[i].message);
        if (err == NULL || strstr(err, cases[i].message) == NULL)
            fail_msg("%s: got error \"%s\", want \"%s\"", cases[i].name, err ? err : "(none)",
                     cases[i].message);
        if (strstr(err, cases[i].name) == NULL && strstr(cases[i].message, "syntax error") == NULL)
            fail_msg("%s: error \"%s\" does not name the table", cases[i].name, err);
        xfree(err);
    }
}

static void test_inline_many_items(void **state)
{
    size_t n = 100000;
    buf_t name = BUF_INIT;
    dict_t *d;

    (void) state;
    buf_puts(&name, "{ ");
    for (size_t i = 0; i < n; i++)
        buf_printf(&name, "k%zu=v%zu ", i, i);
    buf_puts(&name, "}");
    d = tp_open("inline", name.data, DICT_FLAG_NONE);
    tp_expect(d, "k0", "v0");
    tp_expect(d, "k99999", "v99999");
    dict_close(d);
    buf_dispose(&name);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inline_values),
        cmocka_unit_test(test_inline_sequence),
        cmocka_unit_test(test_inline_errors),
        cmocka_unit_test(test_inline_many_items),
    };

    return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
