/* test_source_reader.c - the table source reader (logical lines) and the
 * postmap "key whitespace value" parser: comments, continuation, CRLF,
 * missing final newline, NUL bytes, overlong lines, quotes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "dict/dict_file.h"
#include "util/mem.h"

/* Reads all of text; writes "L<line>:<text>|" or "B:<msg>|" per result. */
static void read_all(const char *text, size_t len, size_t max, buf_t *out)
{
    FILE *fp = fmemopen((void *) text, len, "r");
    dict_file_reader_t r;
    buf_t line = BUF_INIT;
    char *err = NULL;
    int rc, lineno;

    assert_non_null(fp);
    buf_init(out);
    dict_file_reader_init(&r, fp, "src", max);
    while ((rc = dict_file_next(&r, &line, &lineno, &err)) != DICT_FILE_EOF) {
        assert_int_not_equal(rc, DICT_FILE_IOERR);
        if (rc == DICT_FILE_BAD) {
            buf_printf(out, "B:%s|", err);
            xfree(err);
        } else {
            buf_printf(out, "L%d:%s|", lineno, line.data);
        }
    }
    buf_dispose(&line);
    dict_file_reader_done(&r);
    fclose(fp);
}

static void check(const char *text, const char *want)
{
    buf_t got;

    read_all(text, strlen(text), 0, &got);
    assert_string_equal(got.data, want);
    buf_dispose(&got);
}

static void test_plain_lines(void **state)
{
    (void) state;
    check("a 1\nb 2\n", "L1:a 1|L2:b 2|");
    check("a 1\nb 2", "L1:a 1|L2:b 2|");          /* no final newline */
    check("", "");
    check("\n\n   \n\t\n", "");
}

static void test_comments(void **state)
{
    (void) state;
    check("# c\na 1\n  # indented\n#\nb 2\n", "L2:a 1|L5:b 2|");
    check("a 1 # not a comment\n", "L1:a 1 # not a comment|");
}

static void test_continuation(void **state)
{
    (void) state;
    check("a first\n  second\n\tthird\nb 2\n",
          "L1:a first  second\tthird|L4:b 2|");
    /* empty and comment lines do not end a logical line */
    check("a x\n\n# c\n  y\n", "L1:a x  y|");
    check("  lead\na 1\n",
          "B:src, line 1: logical line must not start with whitespace: "
          "\"  lead\" -- ignoring this line|L2:a 1|");
}

static void test_crlf(void **state)
{
    (void) state;
    check("a 1\r\nb 2\r\n", "L1:a 1|L2:b 2|");
    check("a 1\r\n  more\r\n", "L1:a 1  more|");
    check("a 1\r", "L1:a 1|");
    check("\r\n\r\n", "");
}

static void test_nul_byte(void **state)
{
    static const char text[] = "a 1\nb\0x 2\n  cont\nc 3\n";
    buf_t got;

    (void) state;
    read_all(text, sizeof(text) - 1, 0, &got);
    assert_string_equal(got.data, "L1:a 1|B:src, line 2: NUL byte in input -- "
                        "ignoring this line|L4:c 3|");
    buf_dispose(&got);
}

static void test_long_lines(void **state)
{
    buf_t text = BUF_INIT, got;

    (void) state;
    buf_puts(&text, "short 1\nlong ");
    for (int i = 0; i < 100; i++)
        buf_puts(&text, "0123456789");
    buf_puts(&text, "\nnext 2\nk v\n  ");
    for (int i = 0; i < 10; i++)
        buf_puts(&text, "0123456789");
    buf_puts(&text, "\nlast 3");
    read_all(text.data, text.len, 64, &got);
    assert_string_equal(got.data,
        "L1:short 1|B:src, line 2: line longer than 64 bytes -- ignoring this "
        "line|L3:next 2|B:src, line 4: line longer than 64 bytes -- ignoring "
        "this line|L6:last 3|");
    buf_dispose(&got);
    buf_dispose(&text);
}

static void check_entry(const char *line, const char *key, const char *value)
{
    char *copy = xstrdup(line), *k, *v;
    const char *why = NULL;

    assert_int_equal(dict_file_parse_entry(copy, &k, &v, &why), 0);
    assert_string_equal(k, key);
    assert_string_equal(v, value);
    xfree(copy);
}

static void check_bad_entry(const char *line, const char *want)
{
    char *copy = xstrdup(line), *k, *v;
    const char *why = NULL;

    assert_int_equal(dict_file_parse_entry(copy, &k, &v, &why), -1);
    assert_string_equal(why, want);
    xfree(copy);
}

static void test_entries(void **state)
{
    (void) state;
    check_entry("Foo   Bar  ", "Foo", "Bar");
    check_entry("k\tv with  inner space\t", "k", "v with  inner space");
    check_entry(".example.com dom", ".example.com", "dom");
    check_entry("\"quoted key\" qv", "\"quoted key\"", "qv");
    check_entry("\"a\\\"b c\" v", "\"a\\\"b c\"", "v");
    check_entry("k \"v\"", "k", "\"v\"");
    check_bad_entry("keyonly", "expected format: key whitespace value");
    check_bad_entry("emptyval   \t", "expected format: key whitespace value");
    check_bad_entry("\"unterminated v", "unbalanced '\"' -- ignoring this line");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_lines),
        cmocka_unit_test(test_comments),
        cmocka_unit_test(test_continuation),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_entries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
