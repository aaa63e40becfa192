/* test_anvil_table.c - unit tests for the anvil counters: connection
 * counts, fixed rate windows, AUTH failure windows and lockouts, expiry. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>

#include "anvil_table.h"

static void test_connection_count_and_rate(void **state)
{
    anvil_table_t *t = anvil_table_new(60);
    int count = 0, rate = 0;

    (void) state;
    anvil_table_connect(t, "smtp:192.0.2.1", 1000, &count, &rate);
    assert_int_equal(count, 1);
    assert_int_equal(rate, 1);
    anvil_table_connect(t, "smtp:192.0.2.1", 1010, &count, &rate);
    assert_int_equal(count, 2);
    assert_int_equal(rate, 2);
    /* another service, another address: separate counters */
    anvil_table_connect(t, "submission:192.0.2.1", 1010, &count, &rate);
    assert_int_equal(count, 1);
    anvil_table_connect(t, "smtp:192.0.2.2", 1010, &count, &rate);
    assert_int_equal(count, 1);
    assert_true(anvil_table_disconnect(t, "smtp:192.0.2.1", 1020));
    assert_true(anvil_table_disconnect(t, "smtp:192.0.2.1", 1020));
    assert_false(anvil_table_disconnect(t, "smtp:192.0.2.1", 1020));
    assert_false(anvil_table_disconnect(t, "smtp:never", 1020));
    /* the window started at 1000: at 1059 it still runs, at 1060 a new one starts */
    anvil_table_connect(t, "smtp:192.0.2.1", 1059, &count, &rate);
    assert_int_equal(count, 1);
    assert_int_equal(rate, 3);
    anvil_table_connect(t, "smtp:192.0.2.1", 1060, &count, &rate);
    assert_int_equal(count, 2);
    assert_int_equal(rate, 1);
    assert_int_equal(anvil_table_peaks(t)->count.value, 2);
    assert_string_equal(anvil_table_peaks(t)->conn_rate.ident, "smtp:192.0.2.1");
    anvil_table_free(t);
}

static void test_event_rates_are_separate(void **state)
{
    anvil_table_t *t = anvil_table_new(10);

    (void) state;
    assert_int_equal(anvil_table_event(t, "smtp:a", ANVIL_EV_MESSAGE, 0), 1);
    assert_int_equal(anvil_table_event(t, "smtp:a", ANVIL_EV_MESSAGE, 5), 2);
    assert_int_equal(anvil_table_event(t, "smtp:a", ANVIL_EV_RECIPIENT, 5), 1);
    assert_int_equal(anvil_table_event(t, "smtp:a", ANVIL_EV_AUTH, 5), 1);
    assert_int_equal(anvil_table_event(t, "smtp:a", ANVIL_EV_NEWTLS, 5), 1);
    assert_int_equal(anvil_table_event(t, "smtp:a", ANVIL_EV_MESSAGE, 10), 1);
    assert_int_equal(anvil_table_event(t, "smtp:a", ANVIL_EV_COUNT, 10), 0);
    assert_int_equal(anvil_table_event(t, "smtp:a", (anvil_event_t) -1, 10), 0);
    anvil_table_free(t);
}

static void test_failures_lockout_and_reset(void **state)
{
    anvil_table_t *t = anvil_table_new(60);
    anvil_fail_policy_t p = {.window = 100, .lockout_limit = 3, .lockout_time = 50};
    anvil_auth_state_t st;

    (void) state;
    anvil_table_auth_state(t, "sub:x", 0, &st);
    assert_int_equal(st.failures, 0);
    assert_int_equal(st.lockout_left, 0);
    assert_int_equal(anvil_table_size(t), 0);   /* a query creates nothing */
    anvil_table_auth_failure(t, "sub:x", 0, &p, &st);
    assert_int_equal(st.failures, 1);
    assert_false(st.lockout_started);
    anvil_table_auth_failure(t, "sub:x", 10, &p, &st);
    assert_int_equal(st.failures, 2);
    anvil_table_auth_failure(t, "sub:x", 20, &p, &st);
    assert_int_equal(st.failures, 3);
    assert_true(st.lockout_started);
    assert_int_equal(st.lockout_left, 50);
    /* more failures during the lockout do not extend or restart it */
    anvil_table_auth_failure(t, "sub:x", 30, &p, &st);
    assert_false(st.lockout_started);
    assert_int_equal(st.lockout_left, 40);
    anvil_table_auth_state(t, "sub:x", 69, &st);
    assert_int_equal(st.lockout_left, 1);
    /* the other address is untouched */
    anvil_table_auth_state(t, "sub:y", 30, &st);
    assert_int_equal(st.failures, 0);
    assert_int_equal(st.lockout_left, 0);
    /* after the lockout: a fresh start */
    anvil_table_auth_state(t, "sub:x", 70, &st);
    assert_int_equal(st.failures, 0);
    assert_int_equal(st.lockout_left, 0);
    anvil_table_free(t);
}

static void test_failure_window_expires(void **state)
{
    anvil_table_t *t = anvil_table_new(60);
    anvil_fail_policy_t p = {.window = 100, .lockout_limit = 0, .lockout_time = 50};
    anvil_auth_state_t st;

    (void) state;
    for (int i = 0; i < 50; i++)
        anvil_table_auth_failure(t, "sub:x", i, &p, &st);
    assert_int_equal(st.failures, 50);
    assert_int_equal(st.lockout_left, 0);       /* lockout_limit 0: never */
    anvil_table_auth_state(t, "sub:x", 99, &st);
    assert_int_equal(st.failures, 50);
    anvil_table_auth_state(t, "sub:x", 100, &st);
    assert_int_equal(st.failures, 0);
    anvil_table_auth_failure(t, "sub:x", 101, &p, &st);
    assert_int_equal(st.failures, 1);
    anvil_table_free(t);
}

static void test_expire_keeps_what_matters(void **state)
{
    anvil_table_t *t = anvil_table_new(60);
    anvil_fail_policy_t p = {.window = 1000, .lockout_limit = 1, .lockout_time = 500};
    anvil_auth_state_t st;
    int count, rate;

    (void) state;
    anvil_table_connect(t, "smtp:open", 0, &count, &rate);
    anvil_table_connect(t, "smtp:closed", 0, &count, &rate);
    assert_true(anvil_table_disconnect(t, "smtp:closed", 1));
    (void) anvil_table_event(t, "smtp:mail", ANVIL_EV_MESSAGE, 0);
    anvil_table_auth_failure(t, "smtp:locked", 0, &p, &st);
    assert_int_equal(anvil_table_expire(t, 30), 4);     /* windows still run */
    assert_int_equal(anvil_table_expire(t, 60), 2);     /* open + locked */
    assert_int_equal(anvil_table_expire(t, 500), 1);    /* lockout over */
    assert_true(anvil_table_disconnect(t, "smtp:open", 500));
    assert_int_equal(anvil_table_expire(t, 500), 0);
    assert_int_equal(anvil_table_peaks(t)->cache_size, 4);
    anvil_table_free(t);
}

static void test_many_idents(void **state)
{
    anvil_table_t *t = anvil_table_new(1);
    char ident[64];
    int count, rate;

    (void) state;
    for (int i = 0; i < 20000; i++) {
        snprintf(ident, sizeof(ident), "smtp:10.%d.%d.%d", i >> 16, (i >> 8) & 255, i & 255);
        anvil_table_connect(t, ident, 0, &count, &rate);
        assert_true(anvil_table_disconnect(t, ident, 0));
    }
    assert_int_equal(anvil_table_size(t), 20000);
    assert_int_equal(anvil_table_expire(t, 1), 0);
    anvil_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_connection_count_and_rate),
        cmocka_unit_test(test_event_rates_are_separate),
        cmocka_unit_test(test_failures_lockout_and_reset),
        cmocka_unit_test(test_failure_window_expires),
        cmocka_unit_test(test_expire_keeps_what_matters),
        cmocka_unit_test(test_many_idents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
