/* test_server_watch.c - retirement requests: a watched file that is
 * rewritten, replaced, removed or created counts as changed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "server/server.h"

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void test_watch(void **state)
{
    char dir[] = "/tmp/postern-watch-XXXXXX";
    char table[300], later[300], tmp[300];

    (void) state;
    assert_non_null(mkdtemp(dir));
    snprintf(table, sizeof(table), "%s/table", dir);
    snprintf(later, sizeof(later), "%s/later", dir);
    snprintf(tmp, sizeof(tmp), "%s/table.tmp", dir);
    write_file(table, "a 1\n");
    server_watch_path(table);
    server_watch_path(later);   /* missing for now */
    assert_false(server_watched_paths_changed());
    /* Atomic replacement, as postmap does: new inode. */
    write_file(tmp, "a 1\n");
    assert_int_equal(rename(tmp, table), 0);
    assert_true(server_watched_paths_changed());
    assert_false(server_retire_requested());
    server_retire();
    assert_true(server_retire_requested());
    unlink(table);
    unlink(later);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_watch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
