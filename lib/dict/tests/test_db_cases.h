/* test_db_cases.h - test cases shared by the indexed table types (hash,
 * btree, gdbm): included by test_db.c and test_gdbm.c, which set
 * table_type. Each case works in a fresh temporary directory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dict/dict.h"
#include "dict/dict_file.h"
#include "util/mem.h"

static const char *table_type;

struct fixture {
    char dir[64];
    char *name;       /* DIR/table */
    char *map;        /* TYPE:DIR/table */
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));
    buf_t b = BUF_INIT;

    strcpy(f->dir, "/tmp/test_dict_XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    buf_printf(&b, "%s/table", f->dir);
    f->name = xstrdup(b.data);
    buf_reset(&b);
    buf_printf(&b, "%s:%s", table_type, f->name);
    f->map = xstrdup(b.data);
    buf_dispose(&b);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    buf_t cmd = BUF_INIT;

    buf_printf(&cmd, "rm -rf '%s'", f->dir);
    if (system(cmd.data) != 0)
        return -1;
    buf_dispose(&cmd);
    xfree(f->name);
    xfree(f->map);
    xfree(f);
    return 0;
}

/* Builds the table from key/value pairs (NULL-terminated list). */
static void build(struct fixture *f, int flags, const char *const *kv)
{
    char *err = NULL;
    dict_build_t *b = dict_build_begin(table_type, f->name, flags, 0640, 0,
                                       &err);

    assert_non_null(b);
    for (; kv[0]; kv += 2)
        assert_true(dict_update(dict_build_dict(b), kv[0], kv[1], &err) >= 0);
    assert_int_equal(dict_build_commit(b, &err), 0);
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

static dict_t *open_ro(struct fixture *f, int flags)
{
    char *err = NULL;
    dict_t *d = dict_open(f->map, O_RDONLY, flags, &err);

    if (d == NULL)
        fail_msg("open %s: %s", f->map, err);
    return d;
}

static void test_build_and_lookup(void **state)
{
    struct fixture *f = *state;
    static const char *const kv[] = {"Foo", "Bar", ".example.com", "dom",
                                     "empty", "", "long", "x y z", NULL};
    struct stat st;
    char *path = dict_file_index_path(table_type, f->name);
    dict_t *d;

    build(f, DICT_FLAG_FOLD_KEYS, kv);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    d = open_ro(f, DICT_FLAG_FOLD_KEYS);
    expect(d, "foo", "Bar");
    expect(d, "FOO", "Bar");             /* upper case folded on lookup */
    expect(d, ".Example.COM", "dom");
    expect(d, "empty", "");
    expect(d, "long", "x y z");
    expect(d, "missing", NULL);
    expect(d, "fo", NULL);
    dict_close(d);
    /* without folding the stored (folded) key only matches in lower case */
    d = open_ro(f, 0);
    expect(d, "FOO", NULL);
    expect(d, "foo", "Bar");
    dict_close(d);
    xfree(path);
}

static void test_nul_forms(void **state)
{
    struct fixture *f = *state;
    static const char *const kv[] = {"k", "v", NULL};
    dict_t *d;

    /* written without the NUL (-n): found by default and with -n, not -N */
    build(f, DICT_FLAG_NO_NUL_KEY, kv);
    d = open_ro(f, 0);
    expect(d, "k", "v");
    dict_close(d);
    d = open_ro(f, DICT_FLAG_NUL_KEY);
    expect(d, "k", NULL);
    dict_close(d);
    /* written with the NUL (default): not found with -n */
    build(f, 0, kv);
    d = open_ro(f, DICT_FLAG_NO_NUL_KEY);
    expect(d, "k", NULL);
    dict_close(d);
    d = open_ro(f, DICT_FLAG_NUL_KEY);
    expect(d, "k", "v");
    dict_close(d);
}

static void test_duplicates(void **state)
{
    struct fixture *f = *state;
    char *err = NULL;
    dict_build_t *b;
    dict_t *d;

    b = dict_build_begin(table_type, f->name, DICT_FLAG_FOLD_KEYS, 0644, 0,
                         &err);
    assert_non_null(b);
    assert_int_equal(dict_update(dict_build_dict(b), "a", "first", &err), 0);
    assert_int_equal(dict_update(dict_build_dict(b), "A", "second", &err),
                     DICT_FOUND);
    assert_int_equal(dict_build_commit(b, &err), 0);
    d = open_ro(f, 0);
    expect(d, "a", "first");
    dict_close(d);

    b = dict_build_begin(table_type, f->name, DICT_FLAG_DUP_REPLACE, 0644, 0,
                         &err);
    assert_non_null(b);
    assert_int_equal(dict_update(dict_build_dict(b), "a", "first", &err), 0);
    assert_int_equal(dict_update(dict_build_dict(b), "a", "second", &err),
                     DICT_FOUND);
    assert_int_equal(dict_build_commit(b, &err), 0);
    d = open_ro(f, 0);
    expect(d, "a", "second");
    dict_close(d);
}

static void test_update_delete_sequence(void **state)
{
    struct fixture *f = *state;
    static const char *const kv[] = {"a", "1", "b", "2", "c", "3", NULL};
    buf_t k = BUF_INIT, v = BUF_INIT, seen = BUF_INIT;
    char *err = NULL;
    dict_t *d;
    int n = 0;

    build(f, 0, kv);
    d = dict_open(f->map, O_RDWR, 0, &err);
    assert_non_null(d);
    assert_int_equal(dict_delete(d, "b", &err), DICT_FOUND);
    assert_int_equal(dict_delete(d, "b", &err), DICT_NOTFOUND);
    assert_int_equal(dict_update(d, "d", "4", &err), 0);
    dict_close(d);

    d = open_ro(f, 0);
    assert_int_equal(dict_update(d, "x", "y", &err), DICT_ERROR);
    xfree(err);
    for (bool first = true; dict_sequence(d, first, &k, &v, &err) == DICT_FOUND;
         first = false) {
        buf_printf(&seen, "%s=%s;", k.data, v.data);
        n++;
    }
    assert_int_equal(n, 3);
    assert_non_null(strstr(seen.data, "a=1;"));
    assert_non_null(strstr(seen.data, "c=3;"));
    assert_non_null(strstr(seen.data, "d=4;"));
    assert_null(strstr(seen.data, "b=2;"));
    dict_close(d);
    buf_dispose(&k);
    buf_dispose(&v);
    buf_dispose(&seen);
}

/* A reader keeps seeing the old table while a new one is being built and
 * after it replaced the old one; dict_changed() then says so, and a fresh
 * open sees the new table. An aborted build leaves the old table. */
static void test_rebuild_while_reading(void **state)
{
    struct fixture *f = *state;
    static const char *const old_kv[] = {"k", "old", "gone", "x", NULL};
    char *err = NULL;
    dict_build_t *b;
    dict_t *reader, *d;

    build(f, 0, old_kv);
    reader = open_ro(f, 0);
    assert_false(dict_changed(reader));

    b = dict_build_begin(table_type, f->name, 0, 0644, 0, &err);
    assert_non_null(b);
    for (int i = 0; i < 2000; i++) {
        char key[32];
        snprintf(key, sizeof(key), "key%d", i);
        assert_int_equal(dict_update(dict_build_dict(b), key, "new", &err), 0);
    }
    assert_int_equal(dict_update(dict_build_dict(b), "k", "new", &err), 0);
    expect(reader, "k", "old");
    d = open_ro(f, 0);                   /* opened mid-build: old table */
    expect(d, "k", "old");
    expect(d, "key5", NULL);
    dict_close(d);
    assert_false(dict_changed(reader));
    assert_int_equal(dict_build_commit(b, &err), 0);

    assert_true(dict_changed(reader));
    expect(reader, "k", "old");          /* still the file it opened */
    expect(reader, "gone", "x");
    dict_close(reader);
    d = open_ro(f, 0);
    expect(d, "k", "new");
    expect(d, "key1999", "new");
    expect(d, "gone", NULL);
    dict_close(d);

    b = dict_build_begin(table_type, f->name, 0, 0644, 0, &err);
    assert_non_null(b);
    assert_int_equal(dict_update(dict_build_dict(b), "k", "aborted", &err), 0);
    dict_build_abort(b);
    d = open_ro(f, 0);
    expect(d, "k", "new");
    dict_close(d);
}

static void test_missing_file(void **state)
{
    struct fixture *f = *state;
    char *err = NULL;

    assert_null(dict_open(f->map, O_RDONLY, 0, &err));
    assert_non_null(err);
    assert_non_null(strstr(err, "No such file"));
    xfree(err);
}

#define DB_CASES \
    cmocka_unit_test_setup_teardown(test_build_and_lookup, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_nul_forms, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_update_delete_sequence, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_rebuild_while_reading, setup, teardown), \
    cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown)
