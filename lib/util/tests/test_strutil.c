/* test_strutil.c - unit tests for the small string helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <string.h>

#include "util/strutil.h"

static void test_lower_and_trim(void **state)
{
    char a[] = "  MiXeD\tCase \r\n";

    (void) state;
    assert_string_equal(str_lower(str_trim(a)), "mixed\tcase");
    char empty[] = "   ";
    assert_string_equal(str_trim(empty), "");
}

static void test_token(void **state)
{
    char s[] = " a, b ,,c ";
    char *cur = s;

    (void) state;
    assert_string_equal(str_token(&cur, ", "), "a");
    assert_string_equal(str_token(&cur, ", "), "b");
    assert_string_equal(str_token(&cur, ", "), "c");
    assert_null(str_token(&cur, ", "));
    assert_null(str_token(&cur, ", "));
}

static void test_token_braced(void **state)
{
    char s[] = "hash:/a, inline:{ x=1, y={2 3} } ,static:{a b}, {unclosed, z";
    char *cur = s;

    (void) state;
    assert_string_equal(str_token_braced(&cur, ", "), "hash:/a");
    assert_string_equal(str_token_braced(&cur, ", "), "inline:{ x=1, y={2 3} }");
    assert_string_equal(str_token_braced(&cur, ", "), "static:{a b}");
    /* an unclosed brace takes the rest of the text */
    assert_string_equal(str_token_braced(&cur, ", "), "{unclosed, z");
    assert_null(str_token_braced(&cur, ", "));
    assert_null(str_token_braced(&cur, ", "));
}

static void test_to_long_rejects_junk(void **state)
{
    long v = 0;

    (void) state;
    assert_true(str_to_long("42", 0, 100, &v));
    assert_int_equal(v, 42);
    assert_false(str_to_long("", 0, 100, &v));
    assert_false(str_to_long(" 1", 0, 100, &v));
    assert_false(str_to_long("1x", 0, 100, &v));
    assert_false(str_to_long("101", 0, 100, &v));
    assert_false(str_to_long("99999999999999999999999", 0, LONG_MAX, &v));
}

static void test_case_helpers(void **state)
{
    bool b;

    (void) state;
    assert_true(str_case_eq("Example.COM", "example.com"));
    assert_false(str_case_eq("example.co", "example.com"));
    assert_true(str_case_has_suffix("mail.Example.com", ".example.COM"));
    assert_false(str_case_has_suffix("com", ".example.com"));
    assert_true(str_to_bool("Yes", &b) && b);
    assert_true(str_to_bool("no", &b) && !b);
    assert_false(str_to_bool("maybe", &b));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lower_and_trim),
        cmocka_unit_test(test_token),
        cmocka_unit_test(test_token_braced),
        cmocka_unit_test(test_to_long_rejects_junk),
        cmocka_unit_test(test_case_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
