/* test_passdb.c - unit tests for the reloading password database: a
 * changed file is read again before the next lookup, a vanished or
 * unreadable file keeps the users read before, verification results. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "passdb/passdb.h"
#include "util/mem.h"

static void write_file(const char *path, const char *text)
{
    char tmp[512];
    FILE *f;

    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    f = fopen(tmp, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(rename(tmp, path), 0);
}

static void test_reload(void **state)
{
    char dir[] = "/tmp/passdb-test-XXXXXX";
    char path[512];
    char *err = NULL;
    passdb_t *db;

    (void) state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/passwd", dir);
    assert_null(passdb_open(path, &err));
    assert_non_null(strstr(err, "No such file"));
    xfree(err);

    write_file(path, "a:{PLAIN}one\n");
    db = passdb_open(path, &err);
    assert_non_null(db);
    assert_int_equal(passdb_verify(db, "a", "one", 3), 1);
    assert_int_equal(passdb_verify(db, "a", "two", 3), 0);
    assert_int_equal(passdb_verify(db, "b", "one", 3), 0);
    assert_int_equal(passdb_plain_count(db), 1);

    write_file(path, "a:{PLAIN}two\nb:{PLAIN}three\n");
    assert_int_equal(passdb_verify(db, "a", "two", 3), 1);
    assert_int_equal(passdb_verify(db, "b", "three", 5), 1);

    assert_int_equal(unlink(path), 0);
    assert_int_equal(passdb_verify(db, "a", "two", 3), 1);
    write_file(path, "c::\n");
    assert_int_equal(passdb_verify(db, "a", "two", 3), 0);
    assert_non_null(passdb_lookup(db, "c"));
    assert_int_equal(passdb_verify(db, "c", "", 0), 0);
    passdb_close(db);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reload),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
