/* test_gdbm.c - gdbm: tables (NAME.gdbm): the same cases as hash/btree. */
#include "test_db_cases.h"

static int use_gdbm(void **state)
{
    (void) state;
    table_type = "gdbm";
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {DB_CASES};

    return cmocka_run_group_tests_name("gdbm", tests, use_gdbm, NULL);
}
