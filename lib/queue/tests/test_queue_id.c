/* test_queue_id.c - queue ids: format, round trip, time order, and the
 * refusal of everything that is not a canonical id (user input). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "queue/queue_id.h"

static void test_round_trip(void **state)
{
    struct timespec ts = {1700000000, 123456789};
    char id[QUEUE_ID_SIZE];
    queue_id_parts_t parts;

    (void) state;
    assert_true(queue_id_make(id, &ts, 987654321));
    assert_true(strlen(id) >= QUEUE_ID_MIN_LEN && strlen(id) <= QUEUE_ID_MAX_LEN);
    assert_true(queue_id_parse(id, &parts));
    assert_int_equal(parts.seconds, 1700000000);
    assert_int_equal(parts.microseconds, 123456);
    assert_int_equal(parts.inode, 987654321);
    assert_int_equal(strspn(id, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"),
                     strlen(id));
}

static void test_extremes(void **state)
{
    struct timespec ts = {0, 0}, late = {19770609663LL, 999999000}, over = {19770609664LL, 0};
    char id[QUEUE_ID_SIZE];
    queue_id_parts_t parts;

    (void) state;
    assert_true(queue_id_make(id, &ts, 1));
    assert_string_equal(id, "00000000001");
    assert_true(queue_id_make(id, &late, UINT64_MAX));
    assert_int_equal(strlen(id), QUEUE_ID_MAX_LEN);
    assert_true(queue_id_parse(id, &parts));
    assert_true(parts.inode == UINT64_MAX);
    assert_int_equal(parts.microseconds, 999999);
    assert_false(queue_id_make(id, &over, 1));
    assert_false(queue_id_make(id, &ts, 0));
}

static void test_sorts_by_time(void **state)
{
    struct timespec a = {1700000000, 999999000}, b = {1700000001, 0};
    char ida[QUEUE_ID_SIZE], idb[QUEUE_ID_SIZE];

    (void) state;
    /* a large inode on the older id must not change the order */
    assert_true(queue_id_make(ida, &a, UINT64_MAX));
    assert_true(queue_id_make(idb, &b, 1));
    assert_true(strncmp(ida, idb, QUEUE_ID_TIME_LEN) < 0);
    assert_true(strcmp(ida, idb) < 0);
}

static void test_rejects_non_ids(void **state)
{
    static const char *const bad[] = {
        "", "../../etc/passwd", "..", ".", "/", "0000000000/1",
        "0000000000", "00000000000",                 /* short; inode 0 */
        "000000000001z", "000000000001-", "0000000000q1",
        "00000000000012345678901234567890",         /* overlong */
        "0000000000012",                             /* leading zero inode */
        "000000pppp1", "00000075ge1",                /* usec > 999999 */
        "000000 000001", "00000000001\n", "ABCDEFGHIJ1 ",
        "ZZZZZZZZZZZZZZZZZZZZZZZ", "0000000000pppppppppppp", /* too long/overflow */
        "abcdefghij\xc3\xa9", NULL,
    };

    (void) state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (queue_id_valid(bad[i]))
            fail_msg("accepted bad id \"%s\"", bad[i]);
    }
    assert_true(queue_id_valid("3ZK8aB0bHW4Kd"));
    assert_true(queue_id_valid("0000000000p"));
    assert_true(queue_id_valid("00000075gd1"));   /* usec 999999 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_extremes),
        cmocka_unit_test(test_sorts_by_time),
        cmocka_unit_test(test_rejects_non_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
