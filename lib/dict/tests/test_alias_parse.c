/* test_alias_parse.c - aliases(5) entry parsing and value normal form,
 * checked against what Postfix 3.7's postalias stores. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "dict/dict_alias.h"

static void check(const char *line, const char *key, const char *value)
{
    buf_t k = BUF_INIT, v = BUF_INIT;
    const char *why = NULL;

    assert_int_equal(dict_alias_parse_entry(line, &k, &v, &why), 0);
    assert_string_equal(k.data, key);
    assert_string_equal(v.data, value);
    buf_dispose(&k);
    buf_dispose(&v);
}

static void check_bad(const char *line, const char *want)
{
    buf_t k = BUF_INIT, v = BUF_INIT;
    const char *why = NULL;

    assert_int_equal(dict_alias_parse_entry(line, &k, &v, &why), -1);
    assert_string_equal(why, want);
    buf_dispose(&k);
    buf_dispose(&v);
}

static void test_names(void **state)
{
    (void) state;
    check("Root: Admin", "Root", "Admin");  /* folding is the table's job */
    check("postmaster:root", "postmaster", "root");
    check("\"Quoted Name\": x", "Quoted Name", "x");
    check("h : sp", "h", "sp");
    check("first.last: x", "first.last", "x");
    check_bad("user@dom: x", "name must be local");
    check("\"user@dom\": x", "user@dom", "x");
    check_bad("bad line", "need name:value pair");
    check_bad("empty:", "need name:value pair");
    check_bad("empty:   \t", "need name:value pair");
    check_bad(": x", "need name:value pair");
}

static void test_values(void **state)
{
    (void) state;
    check("a: x,y", "a", "x, y");
    check("b: p   q , r", "b", "p q, r");
    check("c: <foo@bar>, Foo Bar <f@b>", "c", "<foo@bar>, Foo Bar <f@b>");
    check("c: Foo Bar<f@b>,a@ dom", "c", "Foo Bar <f@b>, a@dom");
    check("d: x (comment) , y", "d", "x (comment), y");
    check("e: \"quoted local\"@dom, \\\\user", "e",
          "\"quoted local\"@dom, \"\\\\user\"");
    check("e: \\root, x", "e", "root, x");
    check("f: x,,y,", "f", "x, , y, ");
    check("g:   spaced   ", "g", "spaced");
    check("i: :include:/etc/list", "i", ":include:/etc/list");
    check("j: \"|/bin/cmd arg\", /var/file", "j",
          "\"|/bin/cmd arg\", /var/file");
    check("k: |/bin/cmd arg", "k", "|/bin/cmd arg");
    check("l: x\r", "l", "x");
    check("m: x  n@dom", "m", "x n@dom");
}

static void test_unterminated(void **state)
{
    buf_t out = BUF_INIT;

    (void) state;
    dict_alias_normalize_value("\"open quote", &out);
    assert_string_equal(out.data, "\"open quote\"");
    dict_alias_normalize_value("x (open (nested", &out);
    assert_string_equal(out.data, "x (open (nested))");
    dict_alias_normalize_value("[1.2.3.4", &out);
    assert_string_equal(out.data, "[1.2.3.4]");
    dict_alias_normalize_value("trailing\\", &out);
    assert_string_equal(out.data, "\"trailing\\\\\"");
    buf_dispose(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_unterminated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
