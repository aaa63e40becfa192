/* test_stream_timeout.c - stream timeouts and deadlines over real
 * descriptors: a silent peer, a peer that trickles bytes (the deadline
 * holds for the whole line), a full socket buffer on write, and a
 * non-blocking descriptor. Every wait is bounded (well under 2 s). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/stream.h"

static long elapsed_ms(const struct timespec *since)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

/* Forks a child that writes `byte` to fd every interval_ms, count times. */
static pid_t start_trickler(int fd, int close_fd, char byte, int interval_ms, int count)
{
    pid_t pid = fork();

    assert_true(pid >= 0);
    if (pid == 0) {
        struct timespec ts = {0, interval_ms * 1000000L};
        (void) close(close_fd);
        for (int i = 0; i < count; i++) {
            nanosleep(&ts, NULL);
            if (write(fd, &byte, 1) != 1)
                _exit(1);
        }
        _exit(0);
    }
    return pid;
}

static void reap(pid_t pid)
{
    int status;

    (void) kill(pid, SIGTERM);
    assert_int_equal(waitpid(pid, &status, 0), pid);
}

static void test_silent_peer_times_out(void **state)
{
    int fds[2];
    buf_t line = BUF_INIT;
    stream_line_end_t end;
    struct timespec t0;
    stream_t *s;
    long ms;

    (void) state;
    assert_int_equal(pipe(fds), 0);
    s = stream_open_fd(fds[0], STREAM_CLOSE_FD);
    stream_set_timeout(s, 150, 150);
    assert_int_equal(stream_read_timeout(s), 150);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(stream_read_line(s, &line, 100, 0, &end), -1);
    ms = elapsed_ms(&t0);
    assert_true(ms >= 140 && ms < 2000);
    assert_int_equal(stream_error(s), STREAM_ERR_TIMEOUT);
    assert_string_equal(stream_strerror(s), "timeout");
    /* sticky: the next call fails at once even though data is there now */
    assert_int_equal(write(fds[1], "x\n", 2), 2);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(stream_read_line(s, &line, 100, 0, &end), -1);
    assert_true(elapsed_ms(&t0) < 100);
    stream_close(s);
    (void) close(fds[1]);
    buf_dispose(&line);
}

static void test_trickling_peer_hits_the_deadline(void **state)
{
    int fds[2];
    buf_t line = BUF_INIT;
    stream_line_end_t end;
    struct timespec t0;
    stream_t *s;
    pid_t pid;
    long ms;

    (void) state;
    assert_int_equal(pipe(fds), 0);
    pid = start_trickler(fds[1], fds[0], 'a', 20, 100);
    (void) close(fds[1]);
    s = stream_open_fd(fds[0], STREAM_CLOSE_FD);
    stream_set_timeout(s, 300, -1);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(stream_read_line(s, &line, 10000, 0, &end), -1);
    ms = elapsed_ms(&t0);
    assert_true(ms >= 290 && ms < 1500);
    assert_int_equal(stream_error(s), STREAM_ERR_TIMEOUT);
    stream_close(s);
    reap(pid);
    buf_dispose(&line);
}

static void test_write_to_full_socket_times_out(void **state)
{
    int sv[2];
    static char chunk[65536];
    struct timespec t0;
    stream_t *s;
    int i, r = 0;

    (void) state;
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    s = stream_open_fd(sv[0], STREAM_CLOSE_FD);
    stream_set_timeout(s, -1, 150);
    assert_int_equal(stream_write_timeout(s), 150);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (i = 0; i < 1000 && r == 0; i++)
        r = stream_write(s, chunk, sizeof(chunk));
    if (r == 0)
        r = stream_flush(s);
    assert_int_equal(r, -1);
    assert_true(elapsed_ms(&t0) < 2000);
    assert_int_equal(stream_error(s), STREAM_ERR_TIMEOUT);
    stream_close(s);
    (void) close(sv[1]);
}

static void test_nonblocking_descriptor_waits_for_data(void **state)
{
    int sv[2];
    buf_t line = BUF_INIT;
    stream_line_end_t end;
    stream_t *s;
    pid_t pid;

    (void) state;
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_int_equal(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
    pid = start_trickler(sv[1], sv[0], '\n', 50, 2);
    s = stream_open_fd(sv[0], STREAM_CLOSE_FD);
    stream_set_timeout(s, 1500, 1500);
    assert_int_equal(stream_read_line(s, &line, 10, 0, &end), 1);
    assert_int_equal(end, STREAM_END_LF);
    assert_int_equal(line.len, 0);
    assert_int_equal(stream_buffered(s), 0);
    {   /* the second byte comes 50 ms later: seen by poll, not buffered */
        struct timespec pause = {0, 10 * 1000000L};
        int waited = 0;
        while (!stream_input_waiting(s) && waited++ < 150)
            nanosleep(&pause, NULL);
        assert_true(waited < 150);
        assert_int_equal(stream_buffered(s), 0);
    }
    assert_int_equal(stream_read_line(s, &line, 10, 0, &end), 1);
    stream_close(s);
    (void) close(sv[1]);
    reap(pid);
    buf_dispose(&line);
}

static void test_peer_reset_is_io_error(void **state)
{
    int sv[2];
    stream_t *s;
    int r = 0;

    (void) state;
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    (void) close(sv[1]);
    s = stream_open_fd(sv[0], STREAM_CLOSE_FD);
    stream_set_timeout(s, 500, 500);
    r = stream_puts(s, "hello\r\n");
    assert_int_equal(r, 0);
    assert_int_equal(stream_flush(s), -1);
    assert_int_equal(stream_error(s), STREAM_ERR_IO);
    assert_int_equal(stream_errno(s), EPIPE);
    stream_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_silent_peer_times_out),
        cmocka_unit_test(test_trickling_peer_hits_the_deadline),
        cmocka_unit_test(test_write_to_full_socket_times_out),
        cmocka_unit_test(test_nonblocking_descriptor_waits_for_data),
        cmocka_unit_test(test_peer_reset_is_io_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
