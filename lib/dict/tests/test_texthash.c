/* test_texthash.c - texthash: tables read from a postmap source file at
 * open: syntax, case folding, duplicates, iteration, changes, errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dict/dict.h"
#include "util/mem.h"

static char path[] = "/tmp/test_texthash_XXXXXX";

static void write_file(const char *text, size_t len)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static dict_t *open_table(int flags)
{
    char map[64];
    char *err = NULL;
    dict_t *d;

    snprintf(map, sizeof(map), "texthash:%s", path);
    d = dict_open(map, O_RDONLY, flags, &err);
    if (d == NULL)
        fail_msg("%s", err);
    return d;
}

static void expect(dict_t *d, const char *key, const char *want)
{
    buf_t v = BUF_INIT;
    char *err = NULL;
    int rc = dict_lookup(d, key, &v, &err);

    if (want == NULL) {
        assert_int_equal(rc, DICT_NOTFOUND);
    } else {
        assert_int_equal(rc, DICT_FOUND);
        assert_string_equal(v.data, want);
    }
    buf_dispose(&v);
}

static void test_lookup(void **state)
{
    static const char text[] =
        "# comment\r\n"
        "Foo   Bar  \r\n"
        "foo second\n"          /* duplicate: first wins */
        "keyonly\n"             /* malformed: skipped */
        "cont first\n"
        "  second line\n"
        "nul\0byte x\n"
        ".example.com dom\n"
        "last nofinal";
    dict_t *d;

    (void) state;
    write_file(text, sizeof(text) - 1);
    d = open_table(DICT_FLAG_FOLD_KEYS);
    expect(d, "FOO", "Bar");
    expect(d, "cont", "first  second line");
    expect(d, ".EXAMPLE.com", "dom");
    expect(d, "last", "nofinal");
    expect(d, "keyonly", NULL);
    expect(d, "nul", NULL);
    assert_false(dict_changed(d));
    dict_close(d);

    d = open_table(DICT_FLAG_DUP_REPLACE);     /* no folding, last wins */
    expect(d, "foo", "second");
    expect(d, "Foo", "Bar");
    dict_close(d);
}

static void test_iterate_and_change(void **state)
{
    static const char text[] = "a 1\nb 2\n";
    buf_t k = BUF_INIT, v = BUF_INIT;
    char *err = NULL;
    dict_t *d;
    int n = 0;

    (void) state;
    write_file(text, sizeof(text) - 1);
    d = open_table(DICT_FLAG_FOLD_KEYS);
    for (bool first = true; dict_sequence(d, first, &k, &v, &err) == DICT_FOUND;
         first = false)
        n++;
    assert_int_equal(n, 2);
    assert_int_equal(dict_update(d, "c", "3", &err), DICT_ERROR);
    xfree(err);
    write_file("a 1\nb 2\nc 3\n", 12);
    assert_true(dict_changed(d));
    dict_close(d);
    buf_dispose(&k);
    buf_dispose(&v);
}

static void test_errors(void **state)
{
    char *err = NULL;

    (void) state;
    assert_null(dict_open("texthash:/nonexistent/file", O_RDONLY, 0, &err));
    assert_non_null(strstr(err, "No such file"));
    xfree(err);
    write_file("a 1\n", 4);
    {
        char map[64];
        snprintf(map, sizeof(map), "texthash:%s", path);
        assert_null(dict_open(map, O_RDWR | O_CREAT, 0, &err));
        xfree(err);
    }
}

static int setup(void **state)
{
    int fd = mkstemp(path);

    (void) state;
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static int teardown(void **state)
{
    (void) state;
    return unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_iterate_and_change),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
