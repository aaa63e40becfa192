/* test_sock.c - unit tests for sockets: address splitting, inet and UNIX
 * listeners (loopback only, kernel-chosen ports), connect with timeout,
 * accept with peer text, descriptor flags, and descriptor passing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/mem.h"
#include "util/sock.h"

static void test_split_hostport(void **state)
{
    static const struct {
        const char *spec;
        int rc;
        const char *host;
        const char *port;
    } cases[] = {
        {"127.0.0.1:25", 0, "127.0.0.1", "25"},
        {"[::1]:587", 0, "::1", "587"},
        {"mail.example.com:smtp", 0, "mail.example.com", "smtp"},
        {"25", 0, NULL, "25"},
        {"*:25", 0, NULL, "25"},
        {":25", 0, NULL, "25"},
        {"::1:25", -1, NULL, NULL},
        {"[::1]", -1, NULL, NULL},
        {"[::1]:", -1, NULL, NULL},
        {"host:", -1, NULL, NULL},
        {"", -1, NULL, NULL},
        {"[::1", -1, NULL, NULL},
    };
    char *host, *port, *err = NULL;

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc = sock_split_hostport(cases[i].spec, &host, &port, &err);
        if (rc != cases[i].rc)
            fail_msg("\"%s\": got %d, want %d", cases[i].spec, rc, cases[i].rc);
        if (rc < 0) {
            assert_non_null(err);
            xfree(err);
            err = NULL;
            continue;
        }
        if (cases[i].host == NULL)
            assert_null(host);
        else
            assert_string_equal(host, cases[i].host);
        assert_string_equal(port, cases[i].port);
        xfree(host);
        xfree(port);
    }
}

static void exchange_over(const char *listen_spec, const char *connect_host,
                          const char *want_addr)
{
    int lfd, cfd, afd, n;
    sock_peer_t local, peer, client_local;
    char *err = NULL, c;

    n = sock_listen_inet(listen_spec, 5, &lfd, 1, &err);
    if (n < 0)
        fail_msg("listen %s: %s", listen_spec, err);
    assert_int_equal(n, 1);
    assert_int_equal(sock_local_of(lfd, &local), 0);
    assert_string_equal(local.addr, want_addr);
    assert_true(atoi(local.port) > 0);
    assert_true(fcntl(lfd, F_GETFD) & FD_CLOEXEC);
    cfd = sock_connect_inet(connect_host, local.port, 2000, &err);
    if (cfd < 0)
        fail_msg("connect: %s", err);
    assert_false(fcntl(cfd, F_GETFL) & O_NONBLOCK);
    afd = sock_accept(lfd, &peer);
    assert_true(afd >= 0);
    assert_string_equal(peer.addr, want_addr);
    assert_int_equal(sock_local_of(cfd, &client_local), 0);
    assert_string_equal(peer.port, client_local.port);
    assert_int_equal(write(cfd, "z", 1), 1);
    assert_int_equal(read(afd, &c, 1), 1);
    assert_int_equal(c, 'z');
    assert_int_equal(sock_peer_of(afd, &peer), 0);
    assert_string_equal(peer.addr, want_addr);
    close(afd);
    close(cfd);
    close(lfd);
}

static void test_inet_ipv4(void **state)
{
    (void) state;
    exchange_over("127.0.0.1:0", "127.0.0.1", "127.0.0.1");
}

static void test_inet_ipv6(void **state)
{
    int fd, v6only = 0;
    socklen_t len = sizeof(v6only);
    char *err = NULL;

    (void) state;
    if (sock_listen_inet("[::1]:0", 5, &fd, 1, &err) < 0) {
        xfree(err);             /* host without IPv6 loopback */
        skip();
    }
    assert_int_equal(getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &len), 0);
    assert_int_equal(v6only, 1);
    close(fd);
    exchange_over("[::1]:0", "::1", "::1");
}

static void test_listen_errors(void **state)
{
    int fd, fd2, n;
    char *err = NULL, spec[64];
    sock_peer_t local;

    (void) state;
    assert_int_equal(sock_listen_inet("127.0.0.1:no-such-service-x", 5, &fd, 1, &err), -1);
    assert_non_null(err);
    xfree(err);
    n = sock_listen_inet("127.0.0.1:0", 5, &fd, 1, &err);
    assert_int_equal(n, 1);
    assert_int_equal(sock_local_of(fd, &local), 0);
    snprintf(spec, sizeof(spec), "127.0.0.1:%s", local.port);
    assert_int_equal(sock_listen_inet(spec, 5, &fd2, 1, &err), -1);
    assert_non_null(strstr(err, "in use"));
    xfree(err);
    close(fd);
}

static void test_connect_refused_and_timeout_bounds(void **state)
{
    int fd, n;
    char *err = NULL;
    sock_peer_t local;

    (void) state;
    n = sock_listen_inet("127.0.0.1:0", 5, &fd, 1, &err);
    assert_int_equal(n, 1);
    assert_int_equal(sock_local_of(fd, &local), 0);
    close(fd);
    assert_int_equal(sock_connect_inet("127.0.0.1", local.port, 1000, &err), -1);
    assert_int_equal(errno, ECONNREFUSED);
    assert_non_null(strstr(err, "127.0.0.1"));
    xfree(err);
}

static void test_unix_listen_connect_and_stale(void **state)
{
    char dir[] = "/tmp/test_sock.XXXXXX", path[128], file[128];
    int lfd, lfd2, cfd, afd, ffd;
    struct stat st;
    sock_peer_t peer;
    char *err = NULL;

    (void) state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/cleanup", dir);
    lfd = sock_listen_unix(path, 5, 0600, &err);
    assert_true(lfd >= 0);
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0600);
    cfd = sock_connect_unix(path, 1000, &err);
    assert_true(cfd >= 0);
    afd = sock_accept(lfd, &peer);
    assert_true(afd >= 0);
    assert_int_equal(peer.family, AF_UNIX);
    assert_string_equal(peer.addr, "");
    close(afd);
    close(cfd);
    close(lfd);
    /* the socket file is left behind: listening again replaces it */
    lfd2 = sock_listen_unix(path, 5, 0666, &err);
    assert_true(lfd2 >= 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0666);
    close(lfd2);
    unlink(path);
    assert_int_equal(sock_connect_unix(path, 1000, &err), -1);
    assert_int_equal(errno, ENOENT);
    xfree(err);
    snprintf(file, sizeof(file), "%s/plain", dir);
    ffd = open(file, O_CREAT | O_WRONLY, 0600);
    assert_true(ffd >= 0);
    close(ffd);
    assert_int_equal(sock_listen_unix(file, 5, 0600, &err), -1);
    assert_non_null(strstr(err, "not a socket"));
    xfree(err);
    unlink(file);
    rmdir(dir);
}

static void test_flags(void **state)
{
    int fds[2];

    (void) state;
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(sock_set_nonblock(fds[0], true), 0);
    assert_true(fcntl(fds[0], F_GETFL) & O_NONBLOCK);
    assert_int_equal(sock_set_nonblock(fds[0], false), 0);
    assert_false(fcntl(fds[0], F_GETFL) & O_NONBLOCK);
    assert_int_equal(sock_set_cloexec(fds[1], true), 0);
    assert_true(fcntl(fds[1], F_GETFD) & FD_CLOEXEC);
    assert_int_equal(sock_set_cloexec(fds[1], false), 0);
    assert_false(fcntl(fds[1], F_GETFD) & FD_CLOEXEC);
    close(fds[0]);
    close(fds[1]);
    assert_int_equal(sock_set_nonblock(fds[0], true), -1);
}

static void test_fd_passing(void **state)
{
    int sv[2], p[2], got = -2;
    char payload[16], c;
    ssize_t n;

    (void) state;
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_int_equal(pipe(p), 0);
    assert_int_equal(sock_send_fd(sv[0], p[1], "user=joe", 8), 0);
    close(p[1]);
    n = sock_recv_fd(sv[1], &got, payload, sizeof(payload), 1000);
    assert_int_equal(n, 8);
    assert_memory_equal(payload, "user=joe", 8);
    assert_true(got >= 0);
    assert_true(fcntl(got, F_GETFD) & FD_CLOEXEC);
    assert_int_equal(write(got, "!", 1), 1);
    assert_int_equal(read(p[0], &c, 1), 1);
    assert_int_equal(c, '!');
    close(got);
    close(p[0]);

    /* no descriptor */
    assert_int_equal(sock_send_fd(sv[0], -1, "x", 1), 0);
    assert_int_equal(sock_recv_fd(sv[1], &got, payload, sizeof(payload), 1000), 1);
    assert_int_equal(got, -1);

    /* payload larger than the receiver allows: drained, fd closed, in step */
    assert_int_equal(sock_send_fd(sv[0], sv[0], "0123456789abcdef", 16), 0);
    assert_int_equal(sock_send_fd(sv[0], -1, "ok", 2), 0);
    assert_int_equal(sock_recv_fd(sv[1], &got, payload, 4, 1000), -1);
    assert_int_equal(errno, EMSGSIZE);
    assert_int_equal(got, -1);
    assert_int_equal(sock_recv_fd(sv[1], &got, payload, sizeof(payload), 1000), 2);
    assert_memory_equal(payload, "ok", 2);

    /* bad sizes and timeouts */
    assert_int_equal(sock_send_fd(sv[0], -1, "", 0), -1);
    assert_int_equal(errno, EMSGSIZE);
    assert_int_equal(sock_recv_fd(sv[1], &got, payload, sizeof(payload), 100), -1);
    assert_int_equal(errno, ETIMEDOUT);
    assert_int_equal(write(sv[0], "\xff\xff\xff\xff", 4), 4);
    assert_int_equal(sock_recv_fd(sv[1], &got, payload, sizeof(payload), 100), -1);
    assert_int_equal(errno, EPROTO);
    close(sv[0]);
    assert_int_equal(sock_recv_fd(sv[1], &got, payload, sizeof(payload), 100), 0);
    close(sv[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_hostport),
        cmocka_unit_test(test_inet_ipv4),
        cmocka_unit_test(test_inet_ipv6),
        cmocka_unit_test(test_listen_errors),
        cmocka_unit_test(test_connect_refused_and_timeout_bounds),
        cmocka_unit_test(test_unix_listen_connect_and_stale),
        cmocka_unit_test(test_flags),
        cmocka_unit_test(test_fd_passing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
