/* test_attr_io.c - the attribute conversation over real sockets: a forked
 * server on a UNIX socket announces itself and answers many requests on
 * one connection; wrong protocol names, a silent server (bounded
 * timeout) and a server that hangs up are reported to the client. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ipc/attr.h"
#include "ipc/attr_names.h"
#include "util/mem.h"
#include "util/sock.h"
#include "util/stream.h"

enum server_mode { SERVE_ECHO, SERVE_SILENT, SERVE_HANGUP_AFTER_ONE };

static char dir[] = "/tmp/test_attr_io.XXXXXX";
static char path[128];

/* Child: accept one client, announce "echo", answer each request with
 * status 0 and the request's "name" as "value"; exits at end of input. */
static void serve(int lfd, enum server_mode mode)
{
    int fd = sock_accept(lfd, NULL);
    attr_list_t *req = attr_list_new(), *resp = attr_list_new();
    stream_t *s;
    const char *name;
    char *err = NULL;

    if (fd < 0)
        _exit(2);
    s = stream_open_fd(fd, STREAM_CLOSE_FD);
    stream_set_timeout(s, 5000, 5000);
    if (mode == SERVE_SILENT) {
        (void) stream_getc(s);          /* wait for the client to leave */
        _exit(0);
    }
    if (attr_announce(s, "echo", &err) < 0)
        _exit(3);
    while (attr_recv(s, req, NULL, &err) == 1) {
        attr_list_reset(resp);
        if (attr_get_str(req, ATTR_NAME, &name) == 0) {
            attr_put_int(resp, ATTR_STATUS, 0);
            attr_put_str(resp, ATTR_VALUE, name);
        } else {
            attr_put_int(resp, ATTR_STATUS, 1);
            attr_put_str(resp, ATTR_REASON, "no name");
        }
        if (attr_send(s, resp, &err) < 0)
            _exit(4);
        if (mode == SERVE_HANGUP_AFTER_ONE)
            break;
    }
    stream_close(s);
    _exit(0);
}

static pid_t start_server(enum server_mode mode)
{
    char *err = NULL;
    int lfd = sock_listen_unix(path, 5, 0600, &err);
    pid_t pid;

    assert_true(lfd >= 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        serve(lfd, mode);
    close(lfd);
    return pid;
}

static void stop_server(pid_t pid)
{
    int status;

    (void) kill(pid, SIGTERM);
    assert_int_equal(waitpid(pid, &status, 0), pid);
}

static int setup(void **state)
{
    (void) state;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(path, sizeof(path), "%s/echo", dir);
    return 0;
}

static int teardown(void **state)
{
    (void) state;
    unlink(path);
    return rmdir(dir);
}

static void test_many_requests_on_one_connection(void **state)
{
    pid_t pid = start_server(SERVE_ECHO);
    attr_list_t *req = attr_list_new(), *resp = attr_list_new();
    char *err = NULL, name[32];
    const char *value;
    int status;
    stream_t *s;

    (void) state;
    s = attr_connect(path, "echo", 2000, &err);
    if (s == NULL)
        fail_msg("connect: %s", err);
    for (int i = 0; i < 200; i++) {
        attr_list_reset(req);
        snprintf(name, sizeof(name), "n%d", i);
        attr_put_str(req, ATTR_REQUEST, "echo");
        attr_put_str(req, ATTR_NAME, name);
        assert_int_equal(attr_request(s, req, resp, NULL, &err), 0);
        assert_int_equal(attr_get_int(resp, ATTR_STATUS, &status), 0);
        assert_int_equal(status, 0);
        assert_int_equal(attr_get_str(resp, ATTR_VALUE, &value), 0);
        assert_string_equal(value, name);
    }
    /* several requests queued before reading the answers (pipelined) */
    attr_list_reset(req);
    attr_put_str(req, ATTR_NAME, "p");
    for (int i = 0; i < 3; i++)
        assert_int_equal(attr_write(s, req), 0);
    assert_int_equal(stream_flush(s), 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(attr_recv(s, resp, NULL, &err), 1);
        assert_int_equal(attr_get_str(resp, ATTR_VALUE, &value), 0);
        assert_string_equal(value, "p");
    }
    attr_list_reset(req);
    assert_int_equal(attr_request(s, req, resp, NULL, &err), 0);
    assert_int_equal(attr_get_int(resp, ATTR_STATUS, &status), 0);
    assert_int_equal(status, 1);
    stream_close(s);
    stop_server(pid);
    attr_list_free(req);
    attr_list_free(resp);
}

static void test_protocol_mismatch(void **state)
{
    pid_t pid = start_server(SERVE_ECHO);
    char *err = NULL;

    (void) state;
    assert_null(attr_connect(path, "cleanup", 2000, &err));
    assert_non_null(strstr(err, "protocol mismatch"));
    xfree(err);
    stop_server(pid);
}

static void test_silent_server_times_out(void **state)
{
    pid_t pid = start_server(SERVE_SILENT);
    struct timespec t0, t1;
    char *err = NULL;
    long ms;

    (void) state;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_null(attr_connect(path, "echo", 200, &err));
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    assert_true(ms >= 150 && ms < 2000);
    assert_non_null(strstr(err, "timeout"));
    xfree(err);
    stop_server(pid);
}

static void test_server_hangs_up(void **state)
{
    pid_t pid = start_server(SERVE_HANGUP_AFTER_ONE);
    attr_list_t *req = attr_list_new(), *resp = attr_list_new();
    char *err = NULL;
    stream_t *s;

    (void) state;
    s = attr_connect(path, "echo", 2000, &err);
    assert_non_null(s);
    attr_put_str(req, ATTR_NAME, "x");
    assert_int_equal(attr_request(s, req, resp, NULL, &err), 0);
    assert_int_equal(attr_request(s, req, resp, NULL, &err), -1);
    assert_non_null(err);
    xfree(err);
    stream_close(s);
    stop_server(pid);
    attr_list_free(req);
    attr_list_free(resp);
}

static void test_no_server(void **state)
{
    char *err = NULL;

    (void) state;
    unlink(path);
    assert_null(attr_connect(path, "echo", 200, &err));
    assert_non_null(err);
    xfree(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_requests_on_one_connection),
        cmocka_unit_test(test_protocol_mismatch),
        cmocka_unit_test(test_silent_server_times_out),
        cmocka_unit_test(test_server_hangs_up),
        cmocka_unit_test(test_no_server),
    };
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, setup, teardown);
}
