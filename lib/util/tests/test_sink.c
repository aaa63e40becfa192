/* test_sink.c - unit tests for the byte sink and its fd writer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/sink.h"

static void test_fd_sink_counts_and_flushes(void **state)
{
    char path[] = "/tmp/sinktestXXXXXX";
    int fd = mkstemp(path);
    sink_fd_t s;
    char big[20000];
    char back[30000];

    (void) state;
    assert_true(fd >= 0);
    unlink(path);
    sink_fd_init(&s, fd, 0);
    memset(big, 'x', sizeof(big));
    big[100] = '\n';
    assert_int_equal(sink_puts(&s.base, "a\nb\n"), 0);
    assert_int_equal(sink_write(&s.base, big, sizeof(big)), 0);
    assert_int_equal(sink_printf(&s.base, "%d\n", 42), 0);
    assert_int_equal(sink_fd_flush(&s), 0);
    assert_int_equal(s.written, 4 + 20000 + 3);
    assert_int_equal(s.newlines, 4);
    assert_int_equal(pread(fd, back, sizeof(back), 0), 20007);
    assert_memory_equal(back, "a\nb\n", 4);
    assert_memory_equal(back + 20004, "42\n", 3);
    close(fd);
}

static void test_limit_gives_efbig_and_sticks(void **state)
{
    char path[] = "/tmp/sinktestXXXXXX";
    int fd = mkstemp(path);
    sink_fd_t s;

    (void) state;
    unlink(path);
    sink_fd_init(&s, fd, 10);
    assert_int_equal(sink_puts(&s.base, "0123456789"), 0);
    assert_int_equal(sink_puts(&s.base, "x"), -1);
    assert_int_equal(errno, EFBIG);
    assert_int_equal(s.base.error, EFBIG);
    assert_int_equal(sink_puts(&s.base, ""), -1);
    assert_int_equal(sink_fd_flush(&s), -1);
    close(fd);
}

static void test_deadline_on_full_pipe(void **state)
{
    int p[2];
    sink_fd_t s;
    char chunk[65536];
    int rc = 0;

    (void) state;
    assert_int_equal(pipe(p), 0);
    assert_int_equal(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
    sink_fd_init(&s, p[1], 0);
    sink_fd_set_timeout(&s, 200);
    memset(chunk, 'y', sizeof(chunk));
    for (int i = 0; i < 64 && rc == 0; i++)
        rc = sink_write(&s.base, chunk, sizeof(chunk));
    if (rc == 0)
        rc = sink_fd_flush(&s);
    assert_int_equal(rc, -1);
    assert_int_equal(s.base.error, ETIMEDOUT);
    close(p[0]);
    close(p[1]);
}

static void test_write_error_is_sticky(void **state)
{
    sink_fd_t s;

    (void) state;
    sink_fd_init(&s, -1, 0);
    sink_puts(&s.base, "abc");
    assert_int_equal(sink_fd_flush(&s), -1);
    assert_int_equal(s.base.error, EBADF);
    assert_int_equal(sink_puts(&s.base, "d"), -1);
    assert_int_equal(errno, EBADF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fd_sink_counts_and_flushes),
        cmocka_unit_test(test_limit_gives_efbig_and_sticks),
        cmocka_unit_test(test_deadline_on_full_pipe),
        cmocka_unit_test(test_write_error_is_sticky),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
