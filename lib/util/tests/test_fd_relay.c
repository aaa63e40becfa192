/* test_fd_relay.c - unit tests for the socket relay in front of two pipes:
 * both directions, end of input passed on, output complete after wait,
 * a large transfer in both directions at once. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/fd_relay.h"
#include "util/mem.h"

/* Reads until end of input; returns the byte count. */
static size_t read_all(int fd, char *out, size_t cap)
{
    size_t got = 0;
    ssize_t n;

    while (got < cap && (n = read(fd, out + got, cap - got)) > 0)
        got += (size_t) n;
    return got;
}

static void test_both_directions_and_end(void **state)
{
    int in[2], out[2], sock;
    pid_t pid;
    char *err = NULL;
    char back[64];

    (void) state;
    assert_int_equal(pipe(in), 0);
    assert_int_equal(pipe(out), 0);
    sock = fd_relay_start(in[0], out[1], &pid, &err);
    assert_true(sock >= 0);
    close(in[0]);
    close(out[1]);
    assert_int_equal(write(in[1], "EHLO x\r\n", 8), 8);
    close(in[1]);
    assert_int_equal(read_all(sock, back, sizeof(back)), 8);
    assert_memory_equal(back, "EHLO x\r\n", 8);
    assert_int_equal(write(sock, "250 ok\r\n", 8), 8);
    close(sock);
    assert_int_equal(fd_relay_wait(pid), 0);
    assert_int_equal(read_all(out[0], back, sizeof(back)), 8);
    assert_memory_equal(back, "250 ok\r\n", 8);
    close(out[0]);
}

/* 1 MB each way at once: a writer child feeds the input pipe, a reader
 * child checks the output pipe, the test echoes through the socket. */
static pid_t spawn_writer(int fd, int sock, const char *data, size_t size)
{
    pid_t pid = fork();
    size_t done = 0;

    assert_true(pid >= 0);
    if (pid > 0)
        return pid;
    close(sock);
    while (done < size) {
        ssize_t n = write(fd, data + done, size - done);
        if (n <= 0)
            _exit(1);
        done += (size_t) n;
    }
    _exit(0);
}

static pid_t spawn_checker(int fd, int sock, const char *data, size_t size)
{
    pid_t pid = fork();
    char *back;

    assert_true(pid >= 0);
    if (pid > 0)
        return pid;
    close(sock);
    back = xmalloc(size + 1);
    _exit(read_all(fd, back, size + 1) == size && memcmp(back, data, size) == 0 ? 0 : 1);
}

static void test_large_transfer(void **state)
{
    enum { SIZE = 1 << 20 };
    int in[2], out[2], sock;
    pid_t pid, writer, checker;
    char *err = NULL;
    char *data = xmalloc(SIZE), piece[65536];
    size_t got = 0;
    ssize_t n;

    (void) state;
    for (size_t i = 0; i < SIZE; i++)
        data[i] = (char) ('a' + i % 26);
    assert_int_equal(pipe(in), 0);
    assert_int_equal(pipe(out), 0);
    sock = fd_relay_start(in[0], out[1], &pid, &err);
    assert_true(sock >= 0);
    close(in[0]);
    close(out[1]);
    writer = spawn_writer(in[1], sock, data, SIZE);
    close(in[1]);
    checker = spawn_checker(out[0], sock, data, SIZE);
    close(out[0]);
    while (got < SIZE && (n = read(sock, piece, sizeof(piece))) > 0) {
        assert_int_equal(write(sock, piece, (size_t) n), n);
        got += (size_t) n;
    }
    assert_int_equal(got, SIZE);
    close(sock);
    assert_int_equal(fd_relay_wait(pid), 0);
    assert_int_equal(fd_relay_wait(writer), 0);
    assert_int_equal(fd_relay_wait(checker), 0);
    xfree(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_both_directions_and_end),
        cmocka_unit_test(test_large_transfer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
