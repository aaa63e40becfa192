/* test_regexp.c - unit tests for the regexp: table (POSIX back-end) and the
 * grammar it shares with pcre: substitution, flags, delimiters, if/endif,
 * broken rules skipped with a warning, and the nasty file cases. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_pattern_util.h"

static dict_t *open_text(const char *name, const char *text)
{
    return tp_open("regexp", tp_write(name, text, strlen(text)), DICT_FLAG_FOLD_KEYS);
}

static void test_substitution(void **state)
{
    dict_t *d;
    static const struct tp_case cases[] = {
        {"aabb", "got aa and bb and aa $ end"},
        {"tenabcdefghij", "j-j-a"},
        {"sx", "xx"},
        {"opty", "[]"},                /* unset group: empty */
        {"CAPS", "keep S"},            /* keys are not folded, $N keeps case */
        {"emptygroup", NULL},          /* empty expansion counts as not found */
    };

    (void) state;
    tp_log_clear();
    d = open_text("subst.re",
                  "/^(a+)(b+)$/ got $1 and ${2} and $(1) $$ end\n"
                  "/^ten(.)(.)(.)(.)(.)(.)(.)(.)(.)(.)$/ $10-${10}-$1\n"
                  "/^s(.)$/ $1$1\n"
                  "/^opt(x)?y$/ [$1]\n"
                  "/^CAP(S)$/ keep $1\n"
                  "/^emptygroup()$/ $1\n");
    tp_expect_all(d, cases, TP_N(cases));
    assert_false(tp_log_has("warning"));
    assert_true(dict_flags(d) & DICT_FLAG_PATTERN);
    assert_false(dict_flags(d) & DICT_FLAG_FOLD_KEYS);
    dict_close(d);
}

struct broken_case {
    const char *line;
    const char *warning;
};

static void test_broken_rules_are_skipped(void **state)
{
    static const struct broken_case cases[] = {
        {"/[unclosed/ x", "line 1: "},
        {"/a(/ x", "skipping this rule"},
        {"/^x(.)/ $2", "out of range replacement index \"2\": skipping this rule"},
        {"/^x/ $1", "out of range replacement index \"1\""},
        {"/^x(.)/ $0", "out of range replacement index \"0\""},
        {"/^x(.)(.)(.)(.)(.)(.)(.)(.)(.)/ $10", "out of range replacement index \"10\""},
        {"/^x(.)/ $99999999999999999999999", "out of range replacement index"},
        {"/^x(.)/ $1st", "non-numeric replacement index \"1st\""},
        {"/^x(.)/ ${1x}", "non-numeric replacement index \"1x\""},
        {"/^x(.)/ ${1", "missing '}' in replacement text"},
        {"/^x(.)/ a $ b", "empty macro name"},
        {"!/^x(.)/ $1", "$number found in negative match replacement text"},
        {"/^x/q x", "unknown regexp option \"q\""},
        {"/abc", "no closing regexp delimiter \"/\": skipping this rule"},
        {"a/^i/a x", "ignoring unrecognized request"},
        {"endif", "ignoring ENDIF without matching IF"},
    };

    (void) state;
    for (size_t i = 0; i < TP_N(cases); i++) {
        buf_t text = BUF_INIT;
        dict_t *d;

        buf_printf(&text, "%s\n/./ fallback\n", cases[i].line);
        tp_log_clear();
        d = open_text("broken.re", text.data);
        if (!tp_log_has(cases[i].warning))
            fail_msg("line \"%s\": want warning \"%s\"", cases[i].line, cases[i].warning);
        if (!tp_log_has("regexp map ") || !tp_log_has("broken.re, line 1: "))
            fail_msg("line \"%s\": warning without \"regexp map FILE, line 1\"", cases[i].line);
        tp_expect(d, "xab", "fallback");
        tp_expect(d, "iab", "fallback");
        dict_close(d);
        buf_dispose(&text);
    }
}

static void test_flags_and_delimiters(void **state)
{
    dict_t *d;
    static const struct tp_case cases[] = {
        {"CASE", "insensitive"},
        {"case", "insensitive"},
        {"Sens", "sensitive"},
        {"sens", NULL},
        {"pipefoo", "pipe foo"},
        {"slash/x", "escaped"},
        {"a b", "spaced"},
        {"exttt", NULL},               /* x: basic syntax, + is literal */
        {"ext+", "basic"},
        {"m\nl", "multi"},
        {"q\nr", NULL},
    };

    (void) state;
    tp_log_clear();
    d = open_text("flags.re",
                  "/^case$/ insensitive\n"
                  "/^Sens$/i sensitive\n"
                  "|^pipe(.*)$| pipe $1\n"
                  "/^slash\\/x$/ escaped\n"
                  "/^a b$/ spaced\n"
                  "/^ext+$/x basic\n"
                  "/^l$/m multi\n"
                  "#^q# comment, not a rule\n");
    tp_expect_all(d, cases, TP_N(cases));
    assert_false(tp_log_has("warning"));
    dict_close(d);
}

static void test_if_endif(void **state)
{
    dict_t *d;
    static const struct tp_case cases[] = {
        {"ab", "ab"},
        {"inside1", "inner 1"},
        {"inner", NULL},
        {"rr", "rmatch"},
        {"qr", NULL},
        {"cd", "cd"},
        {"jk", "jk"},
        {"-x", "nonletter"},
        {"jz", NULL},
    };

    (void) state;
    tp_log_clear();
    d = open_text("if.re",
                  "IF /^a/\n"
                  "/^ab$/ ab\n"
                  "ENDIF\n"
                  "if /^in/\n"
                  "if /^inside/\n"
                  "/^inside(.*)/ inner $1\n"
                  "endif\n"
                  "endif\n"
                  "if !/^q/\n"
                  "/^r/ rmatch\n"
                  "endif\n"
                  "if /^c/ junk\n"
                  "/^cd$/ cd\n"
                  "endif trailing\n"
                  "endif junk\n"
                  "!/^[a-z]/ nonletter\n"
                  "if /^j/\n"
                  "/^jk$/ jk\n");
    tp_expect_all(d, cases, TP_N(cases));
    assert_true(tp_log_has("if.re, line 12: ignoring extra text after IF statement: \"junk\""));
    assert_true(tp_log_has("if.re, line 14: ignoring extra text after ENDIF"));
    assert_true(tp_log_has("if.re, line 15: ignoring ENDIF without matching IF"));
    assert_true(tp_log_has("if.re, line 17: IF has no matching ENDIF"));
    dict_close(d);
}

static void test_file_format_edges(void **state)
{
    static const char crlf[] = "/^a(.)$/ crlf $1 \r\n/^b$/ last";
    static const char nul[] = "/^a/ x\0y\n/^b/ after\n";
    static const char cont[] = "/^a/ first\n  continued\n/^b/\n two\n";
    dict_t *d;

    (void) state;
    d = tp_open("regexp", tp_write("crlf.re", crlf, sizeof(crlf) - 1), 0);
    tp_expect(d, "ax", "crlf x");
    tp_expect(d, "b", "last");
    dict_close(d);

    tp_log_clear();
    d = tp_open("regexp", tp_write("nul.re", nul, sizeof(nul) - 1), 0);
    assert_true(tp_log_has("nul.re, line 1: NUL byte in line"));
    tp_expect(d, "a", NULL);
    tp_expect(d, "b", "after");
    dict_close(d);

    d = tp_open("regexp", tp_write("cont.re", cont, sizeof(cont) - 1), 0);
    tp_expect(d, "a", "first  continued");
    tp_expect(d, "b", "two");
    dict_close(d);

    tp_log_clear();
    d = tp_open("regexp", tp_write("noresult.re", "/^a/\n", 5), 0);
    assert_true(tp_log_has("noresult.re, line 1: no replacement text: using empty string"));
    tp_expect(d, "a", NULL);
    dict_close(d);
}

static void test_overlong_and_inline(void **state)
{
    size_t big = 1024 * 1024 + 1;
    char *text = xmalloc(big + 64);
    dict_t *d;

    (void) state;
    text[0] = '/';
    memset(text + 1, 'a', big);
    strcpy(text + 1 + big, "/ x\n/^b$/ short");
    tp_log_clear();
    d = tp_open("regexp", tp_write("long.re", text, strlen(text)), 0);
    assert_true(tp_log_has("long.re, line 1: line too long: skipping this rule"));
    tp_expect(d, "b", "short");
    dict_close(d);
    xfree(text);

    d = tp_open("regexp", "{ { /^a(.*)$/ got $1 }, { !/^a/ other } }", 0);
    tp_expect(d, "abc", "got bc");
    tp_expect(d, "zzz", "other");
    dict_close(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_substitution),
        cmocka_unit_test(test_broken_rules_are_skipped),
        cmocka_unit_test(test_flags_and_delimiters),
        cmocka_unit_test(test_if_endif),
        cmocka_unit_test(test_file_format_edges),
        cmocka_unit_test(test_overlong_and_inline),
    };

    return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
