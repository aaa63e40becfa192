/* test_brace.c - unit tests for the "{ ... }" grouping helpers: unwrap,
 * split into items, and the malformed forms (unbalanced braces, text
 * after '}', NUL-free but odd blanks such as CR and tab). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/brace.h"
#include "util/mem.h"

struct unwrap_case {
    const char *in;
    const char *want;   /* NULL: error */
};

static void test_unwrap(void **state)
{
    static const struct unwrap_case cases[] = {
        {"{a}", "a"},
        {"{ a  b }", "a  b"},
        {"{\t\r\n x \r\n}", "x"},
        {"{}", ""},
        {"{ {x} }", "{x}"},
        {"{a}x", NULL},
        {"{a", NULL},
        {"a}", NULL},
        {" {a}", NULL},
        {"{a}}", NULL},
        {"", NULL},
    };

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        buf_t out = BUF_INIT;
        char *err = NULL;
        int rc = brace_unwrap(cases[i].in, &out, &err);

        if (cases[i].want == NULL && rc == 0)
            fail_msg("\"%s\": got \"%s\", want an error", cases[i].in, out.data);
        if (cases[i].want && (rc != 0 || strcmp(out.data, cases[i].want) != 0))
            fail_msg("\"%s\": got %s, want \"%s\"", cases[i].in, rc ? err : out.data,
                     cases[i].want);
        xfree(err);
        buf_dispose(&out);
    }
}

struct split_case {
    const char *in;
    int ok;
    const char *want[6];
    unsigned char braced[6];
};

static void test_split(void **state)
{
    static const struct split_case cases[] = {
        {"a=b, c=d", 1, {"a=b", "c=d"}, {0, 0}},
        {" ,, a=b ,\t{ c = d e } ", 1, {"a=b", "c = d e"}, {0, 1}},
        {"k={v, w} x", 1, {"k={v, w}", "x"}, {0, 0}},
        {"{ {a}, {b} }", 1, {"{a}, {b}"}, {1}},
        {"", 1, {NULL}, {0}},
        {" , ", 1, {NULL}, {0}},
        {"{a}=b", 0, {NULL}, {0}},
        {"{a", 0, {NULL}, {0}},
        {"a}", 0, {NULL}, {0}},
        {"a={b", 0, {NULL}, {0}},
    };

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char **items = NULL, *err = NULL;
        unsigned char *braced = NULL;
        size_t count = 0, want_count = 0;
        int rc = brace_split(cases[i].in, &items, &braced, &count, &err);

        if ((rc == 0) != cases[i].ok)
            fail_msg("\"%s\": got rc %d (%s), want %s", cases[i].in, rc, err ? err : "",
                     cases[i].ok ? "success" : "an error");
        while (want_count < 6 && cases[i].want[want_count])
            want_count++;
        if (rc == 0 && count != want_count)
            fail_msg("\"%s\": got %zu items, want %zu", cases[i].in, count, want_count);
        for (size_t k = 0; rc == 0 && k < count; k++)
            if (strcmp(items[k], cases[i].want[k]) != 0 || braced[k] != cases[i].braced[k])
                fail_msg("\"%s\" item %zu: got \"%s\" (braced %d), want \"%s\" (braced %d)",
                         cases[i].in, k, items[k], braced[k], cases[i].want[k],
                         cases[i].braced[k]);
        brace_free_items(items, braced, count);
        xfree(err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unwrap),
        cmocka_unit_test(test_split),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
