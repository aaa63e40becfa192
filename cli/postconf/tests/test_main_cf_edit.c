/* test_main_cf_edit.c - unit tests for postconf's main.cf editing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "main_cf_edit.h"
#include "util/mem.h"

static void check_edit(const char *in, size_t in_len, const main_cf_change_t *c, size_t n,
                       const char *want, size_t want_len)
{
    buf_t out;

    buf_init(&out);
    main_cf_edit(in, in_len, c, n, &out);
    if (out.len != want_len || memcmp(out.data, want, out.len) != 0)
        fail_msg("got:\n%s\nwant:\n%s", out.data, want);
    buf_dispose(&out);
}

static void edit(const char *in, const main_cf_change_t *c, size_t n, const char *want)
{
    check_edit(in, strlen(in), c, n, want, strlen(want));
}

static void test_replace_keeps_everything_else(void **state)
{
    main_cf_change_t c[] = {{"mydestination", "example.com", false}};

    (void) state;
    edit("# head\nmyhostname = a\nmydestination = $myhostname,\n"
         "    localhost\n# tail\nrelayhost =\n",
         c, 1,
         "# head\nmyhostname = a\nmydestination = example.com\n# tail\nrelayhost =\n");
}

static void test_comment_inside_continuation_is_kept(void **state)
{
    main_cf_change_t c[] = {{"a", "new", false}};

    (void) state;
    edit("a = 1,\n# note\n  2\nb = x\n", c, 1, "a = new\n# note\nb = x\n");
}

static void test_append_and_missing_newline(void **state)
{
    main_cf_change_t c[] = {{"new_one", "v", false}, {"x", "2", false}};

    (void) state;
    edit("x = 1", c, 2, "x = 2\nnew_one = v\n");
    edit("", c, 1, "new_one = v\n");
}

static void test_duplicates_and_last_change_wins(void **state)
{
    main_cf_change_t c[] = {{"a", "first", false}, {"a", "second", false}};

    (void) state;
    edit("a = 1\nb = 2\na = 3\n  more\n", c, 2, "a = second\nb = 2\n");
    edit("b = 2\n", c, 2, "b = 2\na = second\n");
}

static void test_comment_out(void **state)
{
    main_cf_change_t c[] = {{"a", NULL, false}, {"absent", NULL, false}};

    (void) state;
    edit("a = 1,\n  2\nab = 3\na = 4\n", c, 2, "#a = 1,\n#  2\nab = 3\n#a = 4\n");
}

static void test_remove(void **state)
{
    main_cf_change_t c[] = {{"a", NULL, true}};

    (void) state;
    edit("a = 1,\n# kept\n  2\nab = 3\na = 4", c, 1, "# kept\nab = 3\n");
}

static void test_crlf_and_nul(void **state)
{
    main_cf_change_t c[] = {{"a", "x", false}};
    static const char nul_in[] = "b = 1\0z\r\na = 2\r\n";
    static const char nul_out[] = "b = 1\0z\r\na = x\r\n";

    (void) state;
    edit("a = 1\r\n  2\r\nb = 3\r\n", c, 1, "a = x\r\nb = 3\r\n");
    check_edit(nul_in, sizeof(nul_in) - 1, c, 1, nul_out, sizeof(nul_out) - 1);
}

static void test_names_are_case_sensitive(void **state)
{
    main_cf_change_t c[] = {{"myhostname", "low", false}};

    (void) state;
    edit("MYHOSTNAME = up\n", c, 1, "MYHOSTNAME = up\nmyhostname = low\n");
}

static void test_parse_assignment(void **state)
{
    main_cf_change_t c;
    char *storage = NULL;

    (void) state;
    assert_true(main_cf_parse_assignment(" relayhost = [h]:25 ", &c, &storage));
    assert_string_equal(c.name, "relayhost");
    assert_string_equal(c.value, "[h]:25");
    xfree(storage);
    assert_true(main_cf_parse_assignment("a=", &c, &storage));
    assert_string_equal(c.value, "");
    xfree(storage);
    assert_true(main_cf_parse_assignment("a=b=c", &c, &storage));
    assert_string_equal(c.value, "b=c");
    xfree(storage);
    assert_false(main_cf_parse_assignment("novalue", &c, &storage));
    assert_false(main_cf_parse_assignment("=x", &c, &storage));
    assert_false(main_cf_parse_assignment("bad name=x", &c, &storage));
    assert_false(main_cf_parse_assignment("a=x\ny=z", &c, &storage));
}

static void test_write_is_atomic_and_keeps_mode(void **state)
{
    char dir[] = "/tmp/test_postconf_edit.XXXXXX";
    char path[256], buf[64];
    char *err = NULL;
    struct stat st;
    FILE *fp;
    size_t n;

    (void) state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/main.cf", dir);
    assert_int_equal(main_cf_write(path, "a = 1\n", 6, &err), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(main_cf_write(path, "a = 2\n", 6, &err), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    fp = fopen(path, "r");
    assert_non_null(fp);
    n = fread(buf, 1, sizeof(buf), fp);
    fclose(fp);
    assert_int_equal(n, 6);
    assert_memory_equal(buf, "a = 2\n", 6);
    unlink(path);
    assert_int_equal(rmdir(dir), 0);    /* no temporary file left behind */
    snprintf(path, sizeof(path), "%s/none/main.cf", dir);
    assert_int_equal(main_cf_write(path, "x", 1, &err), -1);
    assert_non_null(strstr(err, "create temporary file"));
    xfree(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replace_keeps_everything_else),
        cmocka_unit_test(test_comment_inside_continuation_is_kept),
        cmocka_unit_test(test_append_and_missing_newline),
        cmocka_unit_test(test_duplicates_and_last_change_wins),
        cmocka_unit_test(test_comment_out),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_crlf_and_nul),
        cmocka_unit_test(test_names_are_case_sensitive),
        cmocka_unit_test(test_parse_assignment),
        cmocka_unit_test(test_write_is_atomic_and_keeps_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
