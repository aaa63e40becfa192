/* test_cidr.c - unit tests for the cidr: table: address forms, masks,
 * broken rules (skipped with a warning), if/endif, negation, and the
 * nasty file cases (CRLF, NUL bytes, overlong lines, no final newline). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_pattern_util.h"

#include <sys/stat.h>
#include <time.h>

static dict_t *open_text(const char *name, const char *text)
{
    return tp_open("cidr", tp_write(name, text, strlen(text)), DICT_FLAG_NONE);
}

static void test_ipv4_rules(void **state)
{
    dict_t *d;
    static const struct tp_case cases[] = {
        {"1.2.3.4", "host"},
        {"1.2.3.5", "net24"},
        {"1.2.4.5", "net16"},
        {"9.9.9.9", "all4"},
        {"01.2.3.4", NULL},          /* leading zero: not an address */
        {"[1.2.3.4]", NULL},
        {" 1.2.3.4", NULL},
        {"1.2.3", NULL},
        {"example.com", NULL},
        {"", NULL},
        {"::1", NULL},               /* IPv4 rules never match IPv6 keys */
        {"::ffff:1.2.3.4", NULL},
    };

    (void) state;
    d = open_text("v4.cidr",
                  "# comment\n"
                  "1.2.3.4 host\n"
                  "1.2.3.0/24\tnet24\n"
                  "1.2.0.0/016 net16\n"
                  "0.0.0.0/0 all4\n");
    tp_expect_all(d, cases, TP_N(cases));
    assert_true(dict_flags(d) & DICT_FLAG_PATTERN);
    dict_close(d);
}

static void test_ipv6_forms(void **state)
{
    dict_t *d;
    static const struct tp_case cases[] = {
        {"::", "unspecified"},
        {"::1", "loopback"},
        {"0:0:0:0:0:0:0:1", "loopback"},
        {"::ffff:1.2.3.4", "mapped"},
        {"::FFFF:1.2.3.4", "mapped"},
        {"2001:db8::1", "doc"},
        {"2001:DB8:0:0::7", "doc"},
        {"2001:db9::1", "all6"},
        {"fe80::1%eth0", NULL},      /* zone ids are refused */
        {"[::1]", NULL},
        {"1.2.3.4", NULL},
        {"2001:db8::1::2", NULL},
    };

    (void) state;
    tp_log_clear();
    d = open_text("v6.cidr",
                  ":: unspecified\n"
                  "[::1] loopback\n"
                  "::ffff:1.2.3.4 mapped\n"
                  "[2001:DB8::]/32 doc\n"
                  "fe80::1%eth0 zone\n"
                  "::/0 all6\n");
    tp_expect_all(d, cases, TP_N(cases));
    assert_true(tp_log_has("cidr map "));
    assert_true(tp_log_has(", line 5: bad address pattern: \"fe80::1%eth0\": skipping this rule"));
    dict_close(d);
}

struct broken_case {
    const char *line;
    const char *warning;
};

static void test_broken_rules_are_skipped(void **state)
{
    static const struct broken_case cases[] = {
        {"1.2.3.4/33 x", "bad mask length in \"1.2.3.4/33\": skipping this rule"},
        {"::/129 x", "bad mask length in \"::/129\""},
        {"1.2.3.4/ x", "bad mask value in \"1.2.3.4/\""},
        {"1.2.3.4/24/5 x", "bad mask value in \"1.2.3.4/24/5\""},
        {"1.2.3.4/-1 x", "bad mask value"},
        {"1.2.3.4/99999999999999999999 x", "bad mask value"},
        {"1.2.3.4/24 x", "non-null host address bits in \"1.2.3.4/24\", perhaps you should use "
                         "\"1.2.3.0/24\" instead: skipping this rule"},
        {"::ffff:1.2.3.4/120 x", "perhaps you should use \"::ffff:1.2.3.0/120\" instead"},
        {"1.2.3.0/0 x", "perhaps you should use \"0.0.0.0/0\" instead"},
        {"010.0.0.1 x", "bad address pattern: \"010.0.0.1\""},
        {"1.2.3 x", "bad address pattern: \"1.2.3\""},
        {"256.1.1.1 x", "bad address pattern"},
        {"1.2.3.4", "no lookup result: skipping this rule"},
        {"1.2.3.4   ", "no lookup result"},
        {"if 7.0.0.0/8 extra", "bad mask value in \"7.0.0.0/8 extra\""},
        {"endif", "ignoring ENDIF without matching IF"},
        {"endif junk", "garbage after ENDIF: skipping this rule"},
    };

    (void) state;
    for (size_t i = 0; i < TP_N(cases); i++) {
        buf_t text = BUF_INIT;
        dict_t *d;

        buf_printf(&text, "%s\n0.0.0.0/0 fallback\n", cases[i].line);
        tp_log_clear();
        d = open_text("broken.cidr", text.data);
        if (!tp_log_has(cases[i].warning))
            fail_msg("line \"%s\": want warning \"%s\"", cases[i].line, cases[i].warning);
        if (!tp_log_has("broken.cidr, line 1: "))
            fail_msg("line \"%s\": warning without \"FILE, line 1\"", cases[i].line);
        tp_expect(d, "1.2.3.4", "fallback");
        dict_close(d);
        buf_dispose(&text);
    }
}

static void test_if_endif_and_negation(void **state)
{
    dict_t *d;
    static const struct tp_case cases[] = {
        {"10.1.2.3", "ten-one"},
        {"10.2.2.3", "ten-other"},
        {"10.1.9.9", "ten-one"},
    };

    (void) state;
    tp_log_clear();
    d = open_text("if.cidr",
                  "if 10.0.0.0/8\n"
                  "IF 10.1.0.0/16\n"
                  "10.1.0.0/16 ten-one\n"
                  "endif\n"
                  "0.0.0.0/0 ten-other\n"
                  "ENDIF\n"
                  "if !192.168.0.0/16\n"
                  "!1.1.1.1 not-private\n"
                  "endif\n"
                  "192.168.1.1 private\n");
    tp_expect_all(d, cases, TP_N(cases));
    tp_expect(d, "192.168.1.1", "private");
    tp_expect(d, "8.8.8.8", "not-private");
    tp_expect(d, "1.1.1.1", NULL);
    tp_expect(d, "::1", NULL);       /* negated IPv4 rules skip IPv6 keys */
    assert_false(tp_log_has("warning"));
    dict_close(d);
}

static void test_unbalanced_if(void **state)
{
    dict_t *d;

    (void) state;
    tp_log_clear();
    d = open_text("garbage.cidr", "if 1.0.0.0/8\n1.2.3.4 a\nendif junk\n2.2.2.2 z\n");
    assert_true(tp_log_has("garbage.cidr, line 3: garbage after ENDIF: skipping this rule"));
    assert_true(tp_log_has("garbage.cidr, line 1: IF has no matching ENDIF"));
    tp_expect(d, "1.2.3.4", "a");
    tp_expect(d, "2.2.2.2", NULL);     /* still inside the IF, as in Postfix */
    dict_close(d);

    tp_log_clear();
    d = open_text("unbalanced.cidr",
                  "endif\n"
                  "1.0.0.0/8 one\n"
                  "if 9.0.0.0/8\n"
                  "9.9.9.9 nine\n");
    assert_true(tp_log_has("unbalanced.cidr, line 1: ignoring ENDIF without matching IF"));
    assert_true(tp_log_has("unbalanced.cidr, line 3: IF has no matching ENDIF"));
    tp_expect(d, "1.1.1.1", "one");
    tp_expect(d, "9.9.9.9", "nine");
    tp_expect(d, "9.9.9.8", NULL);
    dict_close(d);
}

static void test_file_format_edges(void **state)
{
    static const char crlf[] = "1.2.3.4 crlf  \r\n5.6.7.8 last";
    static const char nul[] = "1.2.3.4 a\0b\n5.6.7.8 after\n";
    static const char cont[] = "1.2.3.0/24 first\n  continued  text\n   # comment\n\n2.0.0.0/8 two\n";
    static const char lead[] = "   1.2.3.4 leading\n5.6.7.8 ok\n";
    dict_t *d;

    (void) state;
    d = tp_open("cidr", tp_write("crlf.cidr", crlf, sizeof(crlf) - 1), 0);
    tp_expect(d, "1.2.3.4", "crlf");
    tp_expect(d, "5.6.7.8", "last");
    dict_close(d);

    tp_log_clear();
    d = tp_open("cidr", tp_write("nul.cidr", nul, sizeof(nul) - 1), 0);
    assert_true(tp_log_has("nul.cidr, line 1: NUL byte in line: skipping this rule"));
    tp_expect(d, "1.2.3.4", NULL);
    tp_expect(d, "5.6.7.8", "after");
    dict_close(d);

    d = tp_open("cidr", tp_write("cont.cidr", cont, sizeof(cont) - 1), 0);
    tp_expect(d, "1.2.3.9", "first  continued  text");
    tp_expect(d, "2.2.2.2", "two");
    dict_close(d);

    tp_log_clear();
    d = tp_open("cidr", tp_write("lead.cidr", lead, sizeof(lead) - 1), 0);
    assert_true(tp_log_has("lead.cidr, line 1: logical line must not start with whitespace"));
    tp_expect(d, "1.2.3.4", NULL);
    tp_expect(d, "5.6.7.8", "ok");
    dict_close(d);

    d = tp_open("cidr", tp_write("empty.cidr", "", 0), 0);
    tp_expect(d, "1.2.3.4", NULL);
    dict_close(d);
}

static void test_overlong_line(void **state)
{
    size_t big = 1024 * 1024 + 100;
    char *text = xmalloc(big + 64);
    dict_t *d;

    (void) state;
    memcpy(text, "1.2.3.4 ", 8);
    memset(text + 8, 'x', big);
    strcpy(text + 8 + big, "\n5.6.7.8 short\n");
    tp_log_clear();
    d = tp_open("cidr", tp_write("long.cidr", text, strlen(text)), 0);
    assert_true(tp_log_has("long.cidr, line 1: line too long: skipping this rule"));
    tp_expect(d, "1.2.3.4", NULL);
    tp_expect(d, "5.6.7.8", "short");
    dict_close(d);
    xfree(text);
}

static void test_open_errors_and_changed(void **state)
{
    char *err = NULL;
    const char *path;
    dict_t *d;
    struct timespec later[2];

    (void) state;
    assert_null(dict_open("cidr:/nonexistent/table", O_RDONLY, 0, &err));
    assert_non_null(strstr(err, "open /nonexistent/table"));
    xfree(err);
    err = NULL;
    assert_null(dict_open("cidr:{ 1.2.3.4 x }", O_RDONLY, 0, &err));
    assert_non_null(err);
    xfree(err);

    path = tp_write("changed.cidr", "1.2.3.4 a\n", 10);
    d = tp_open("cidr", path, 0);
    assert_false(dict_changed(d));
    later[0].tv_sec = later[1].tv_sec = time(NULL) + 100;
    later[0].tv_nsec = later[1].tv_nsec = 0;
    assert_int_equal(utimensat(AT_FDCWD, path, later, 0), 0);
    assert_true(dict_changed(d));
    dict_close(d);

    d = tp_open("cidr", "{ {1.2.3.4 inline one}, { 5.6.0.0/16 two } }", 0);
    tp_expect(d, "1.2.3.4", "inline one");
    tp_expect(d, "5.6.7.8", "two");
    assert_false(dict_changed(d));
    dict_close(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4_rules),
        cmocka_unit_test(test_ipv6_forms),
        cmocka_unit_test(test_broken_rules_are_skipped),
        cmocka_unit_test(test_if_endif_and_negation),
        cmocka_unit_test(test_unbalanced_if),
        cmocka_unit_test(test_file_format_edges),
        cmocka_unit_test(test_overlong_line),
        cmocka_unit_test(test_open_errors_and_changed),
    };

    return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
