/* test_client.c - smtpd_client_lookup(): a socket without an IP peer
 * gives unknown[unknown]; a TCP peer on 127.0.0.1 gives its address and
 * port, "unknown" without lookups, and with lookups either a name whose
 * forward lookup confirmed it or "unknown". */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "smtpd_client.h"

static void test_unix_socket(void **state)
{
    smtpd_client_t c;
    int sv[2];

    (void) state;
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    smtpd_client_lookup(sv[0], true, &c);
    assert_string_equal(c.name, "unknown");
    assert_string_equal(c.addr, "unknown");
    assert_false(c.name_verified);
    close(sv[0]);
    close(sv[1]);
    smtpd_client_lookup(-1, true, &c);
    assert_string_equal(c.addr, "unknown");
}

/* A connected pair over 127.0.0.1: *server is the accepted side. */
static void tcp_pair(int *client, int *server, int *client_port)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof(sin);
    int lfd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(lfd >= 0);
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(lfd, (struct sockaddr *) &sin, sizeof(sin)), 0);
    assert_int_equal(listen(lfd, 1), 0);
    assert_int_equal(getsockname(lfd, (struct sockaddr *) &sin, &len), 0);
    *client = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(*client >= 0);
    assert_int_equal(connect(*client, (struct sockaddr *) &sin, sizeof(sin)), 0);
    *server = accept(lfd, NULL, NULL);
    assert_true(*server >= 0);
    len = sizeof(sin);
    assert_int_equal(getsockname(*client, (struct sockaddr *) &sin, &len), 0);
    *client_port = ntohs(sin.sin_port);
    close(lfd);
}

static void test_tcp_peer(void **state)
{
    smtpd_client_t c;
    char port[16];
    int cfd, sfd, cport;

    (void) state;
    tcp_pair(&cfd, &sfd, &cport);
    snprintf(port, sizeof(port), "%d", cport);
    smtpd_client_lookup(sfd, false, &c);
    assert_string_equal(c.addr, "127.0.0.1");
    assert_string_equal(c.port, port);
    assert_string_equal(c.name, "unknown");
    assert_false(c.name_verified);
    smtpd_client_lookup(sfd, true, &c);
    assert_string_equal(c.addr, "127.0.0.1");
    if (c.name_verified)
        assert_string_not_equal(c.name, "unknown");
    else
        assert_string_equal(c.name, "unknown");
    close(cfd);
    close(sfd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unix_socket),
        cmocka_unit_test(test_tcp_peer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
