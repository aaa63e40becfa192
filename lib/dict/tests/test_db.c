/* test_db.c - hash: and btree: (Berkeley DB) tables: build, NUL forms,
 * duplicates, update/delete/iterate, rebuild under a reader, and reading
 * files written by libdb directly (the way Postfix writes them). */
#include "test_db_cases.h"

#include <db.h>

/* Writes one raw entry with libdb, with or without the trailing NULs. */
static void raw_put(const char *path, DBTYPE type, const char *key,
                    const char *value, bool nul)
{
    DB *db;
    DBT k, v;

    assert_int_equal(db_create(&db, NULL, 0), 0);
    assert_int_equal(db->open(db, NULL, path, NULL, type, DB_CREATE, 0644), 0);
    memset(&k, 0, sizeof(k));
    memset(&v, 0, sizeof(v));
    k.data = (void *) key;
    k.size = (u_int32_t) strlen(key) + nul;
    v.data = (void *) value;
    v.size = (u_int32_t) strlen(value) + nul;
    assert_int_equal(db->put(db, NULL, &k, &v, 0), 0);
    assert_int_equal(db->close(db, 0), 0);
}

static void test_raw_files(void **state)
{
    struct fixture *f = *state;
    DBTYPE type = strcmp(table_type, "hash") == 0 ? DB_HASH : DB_BTREE;
    char *path = dict_file_index_path(table_type, f->name);
    dict_t *d;

    raw_put(path, type, "withnul", "v1", true);
    raw_put(path, type, "nonul", "v2", false);
    d = open_ro(f, DICT_FLAG_FOLD_KEYS);
    expect(d, "withnul", "v1");
    dict_close(d);
    d = open_ro(f, DICT_FLAG_FOLD_KEYS);
    expect(d, "NoNul", "v2");
    dict_close(d);
    xfree(path);
}

static int use_hash(void **state)
{
    (void) state;
    table_type = "hash";
    return 0;
}

static int use_btree(void **state)
{
    (void) state;
    table_type = "btree";
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        DB_CASES,
        cmocka_unit_test_setup_teardown(test_raw_files, setup, teardown),
    };
    int failed = cmocka_run_group_tests_name("hash", tests, use_hash, NULL);

    return failed + cmocka_run_group_tests_name("btree", tests, use_btree, NULL);
}
