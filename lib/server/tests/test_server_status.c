/* test_server_status.c - the status channel: records from several
 * senders arrive whole, an empty channel reads as "nothing", a record of
 * the wrong size is rejected, and a child sees end of file when master's
 * end is closed. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "server/server_status.h"

static void test_records(void **state)
{
    int ends[2];
    struct server_status st;
    pid_t pid;
    int status, got = 0;

    (void) state;
    assert_int_equal(server_status_pair(ends), 0);
    assert_int_equal(server_status_receive(ends[0], &st), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(server_status_send(ends[1], SERVER_STATUS_BUSY) == 0
              && server_status_send(ends[1], SERVER_STATUS_IDLE) == 0 ? 0 : 1);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(server_status_send(ends[1], SERVER_STATUS_IDLE), 0);
    while (server_status_receive(ends[0], &st) == 1) {
        if (got < 2)
            assert_int_equal(st.pid, pid);
        else
            assert_int_equal(st.pid, getpid());
        assert_int_equal(st.state, got == 0 ? SERVER_STATUS_BUSY : SERVER_STATUS_IDLE);
        got++;
    }
    assert_int_equal(got, 3);
    close(ends[0]);
    close(ends[1]);
}

static void test_wrong_size(void **state)
{
    int ends[2];
    struct server_status st;
    char junk[3] = "abc";

    (void) state;
    assert_int_equal(server_status_pair(ends), 0);
    assert_int_equal(send(ends[1], junk, sizeof(junk), 0), 3);
    assert_int_equal(server_status_receive(ends[0], &st), -1);
    /* The next record is read normally. */
    assert_int_equal(server_status_send(ends[1], SERVER_STATUS_BUSY), 0);
    assert_int_equal(server_status_receive(ends[0], &st), 1);
    close(ends[0]);
    close(ends[1]);
}

static void test_master_gone(void **state)
{
    int ends[2];
    struct pollfd p;
    char c;

    (void) state;
    assert_int_equal(server_status_pair(ends), 0);
    close(ends[0]);
    p = (struct pollfd) {ends[1], POLLIN, 0};
    assert_int_equal(poll(&p, 1, 1000), 1);
    assert_int_equal(recv(ends[1], &c, 1, MSG_DONTWAIT), 0);
    assert_int_equal(server_status_send(ends[1], SERVER_STATUS_IDLE), -1);
    close(ends[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_wrong_size),
        cmocka_unit_test(test_master_gone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
