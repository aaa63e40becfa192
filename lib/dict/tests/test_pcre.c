/* test_pcre.c - unit tests for the pcre: table: PCRE2 syntax and flags on
 * the grammar shared with regexp:, broken patterns skipped with a warning,
 * substitution with PCRE-only constructs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_pattern_util.h"

static dict_t *open_text(const char *name, const char *text)
{
    return tp_open("pcre", tp_write(name, text, strlen(text)), DICT_FLAG_FOLD_KEYS);
}

static void test_pcre_syntax_and_flags(void **state)
{
    dict_t *d;
    static const struct tp_case cases[] = {
        {"user@Example.COM", "domain Example.COM"},
        {"digits123", "num 123"},
        {"Sens", "sensitive"},
        {"sens", NULL},
        {"x\nyz", "dotall"},
        {"aa\nbb", "multi"},
        {"greedy-aaa", "lazy a"},
        {"anchored", "anchor"},
        {"xanchored", NULL},
        {"end\n", NULL},               /* E: $ only at the very end */
        {"spaced", "ext"},
        {"lookahead-ok", "look"},
        {"lookahead-no", NULL},
    };

    (void) state;
    tp_log_clear();
    d = open_text("flags.pcre",
                  "/^[^@]+@(\\S+)$/ domain $1\n"
                  "/^digits(\\d+)$/ num $1\n"
                  "/^Sens$/i sensitive\n"
                  "/^x.yz$/s dotall\n"
                  "/^bb$/m multi\n"
                  "/^greedy-(a+)/U lazy $1\n"
                  "/anchored/A anchor\n"
                  "/^end$/E endonly\n"
                  "/^ s p a c e d $/x ext\n"
                  "/^lookahead-(?=ok)/X look\n");
    tp_expect_all(d, cases, TP_N(cases));
    assert_false(tp_log_has("warning"));
    dict_close(d);
}

static void test_pcre_broken_rules(void **state)
{
    dict_t *d;

    (void) state;
    tp_log_clear();
    d = open_text("broken.pcre",
                  "/(unclosed/ x\n"
                  "/^a(?<name>.)$/ $2\n"
                  "/^a/Z bad flag\n"
                  "!/^(n)/ $1\n"
                  "if /^i/\n"
                  "/^in(.)/ in $1\n"
                  "endif\n"
                  "/./ fallback\n");
    assert_true(tp_log_has("pcre map "));
    assert_true(tp_log_has("broken.pcre, line 1: error in regex at offset"));
    assert_true(tp_log_has("broken.pcre, line 2: out of range replacement index \"2\""));
    assert_true(tp_log_has("broken.pcre, line 3: unknown regexp option \"Z\""));
    assert_true(tp_log_has("broken.pcre, line 4: $number found in negative match"));
    tp_expect(d, "ax", "fallback");
    tp_expect(d, "inx", "in x");
    tp_expect(d, "in", "fallback");
    dict_close(d);
}

static void test_pcre_inline_and_crlf(void **state)
{
    static const char crlf[] = "/^a$/ one\r\n/^b$/ two";
    dict_t *d;

    (void) state;
    d = tp_open("pcre", tp_write("crlf.pcre", crlf, sizeof(crlf) - 1), 0);
    tp_expect(d, "a", "one");
    tp_expect(d, "b", "two");
    dict_close(d);

    d = tp_open("pcre", "{ { /^(\\w+)@/ user $1 } }", 0);
    tp_expect(d, "joe@example.com", "user joe");
    dict_close(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcre_syntax_and_flags),
        cmocka_unit_test(test_pcre_broken_rules),
        cmocka_unit_test(test_pcre_inline_and_crlf),
    };

    return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
