/* test_events.c - unit tests for the event loop: fd callbacks, timers,
 * removal from inside a callback. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <unistd.h>

#include "util/events.h"

static int reads, timers_fired;
static int pipefd[2];

static void on_read(int fd, void *ctx)
{
    char c;

    (void) ctx;
    if (read(fd, &c, 1) == 1)
        reads++;
}

static void on_read_remove_self(int fd, void *ctx)
{
    on_read(fd, ctx);
    event_remove(fd);
}

static void on_timer(void *ctx)
{
    (*(int *) ctx)++;
    timers_fired++;
}

static void test_fd_and_timer(void **state)
{
    int count = 0;

    (void) state;
    reads = timers_fired = 0;
    assert_int_equal(pipe(pipefd), 0);
    event_read(pipefd[0], on_read, NULL);
    assert_int_equal(event_loop_once(0), 0);           /* nothing ready */
    assert_int_equal(write(pipefd[1], "ab", 2), 2);
    assert_int_equal(event_loop_once(1000), 1);
    assert_int_equal(reads, 1);
    assert_int_equal(event_loop_once(0), 1);           /* 2nd byte */
    assert_int_equal(reads, 2);
    event_timer(10, on_timer, &count);
    event_timer(10, on_timer, &count);                 /* replaces, not adds */
    assert_int_equal(event_count(), 2);
    while (timers_fired == 0)
        event_loop_once(1000);
    assert_int_equal(count, 1);
    assert_int_equal(event_loop_once(0), 0);           /* nothing left */
    assert_false(event_cancel_timer(on_timer, &count));
    event_remove(pipefd[0]);
    assert_int_equal(event_count(), 0);
    close(pipefd[0]);
    close(pipefd[1]);
    event_reset();
}

static void test_remove_inside_callback_and_zero_delay(void **state)
{
    int count = 0;

    (void) state;
    reads = 0;
    assert_int_equal(pipe(pipefd), 0);
    event_read(pipefd[0], on_read_remove_self, NULL);
    assert_int_equal(write(pipefd[1], "xyz", 3), 3);
    event_loop_once(1000);
    assert_int_equal(reads, 1);
    assert_int_equal(event_loop_once(0), 0);           /* removed itself */
    event_timer(0, on_timer, &count);
    assert_int_equal(event_loop_once(-1), 1);          /* due at once */
    assert_int_equal(count, 1);
    close(pipefd[0]);
    close(pipefd[1]);
    event_reset();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fd_and_timer),
        cmocka_unit_test(test_remove_inside_callback_and_zero_delay),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
