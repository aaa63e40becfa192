/* test_strmap.c - unit tests for the string-keyed hash map. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "util/mem.h"
#include "util/strmap.h"

static void test_put_get_replace(void **state)
{
    strmap_t *m = strmap_new();
    int a = 1, b = 2;

    (void) state;
    assert_null(strmap_get(m, "x"));
    assert_null(strmap_put(m, "x", &a));
    assert_ptr_equal(strmap_get(m, "x"), &a);
    assert_ptr_equal(strmap_put(m, "x", &b), &a);
    assert_ptr_equal(strmap_get(m, "x"), &b);
    assert_null(strmap_get(m, "X"));
    assert_null(strmap_put(m, "", &a));
    assert_ptr_equal(strmap_get(m, ""), &a);
    assert_int_equal(strmap_count(m), 2);
    strmap_free(m, NULL);
}

static void test_growth_and_iteration(void **state)
{
    strmap_t *m = strmap_new();
    char key[32];
    size_t cursor = 0, seen = 0;
    const char *k;
    void *v;

    (void) state;
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof(key), "key%d", i);
        strmap_put(m, key, xstrdup(key));
    }
    assert_int_equal(strmap_count(m), 5000);
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof(key), "key%d", i);
        assert_string_equal(strmap_get(m, key), key);
    }
    while (strmap_next(m, &cursor, &k, &v)) {
        assert_string_equal(k, v);
        seen++;
    }
    assert_int_equal(seen, 5000);
    strmap_free(m, xfree);
    strmap_free(NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_get_replace),
        cmocka_unit_test(test_growth_and_iteration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
