/* test_anvil_proto.c - unit tests for the anvil protocol handler: every
 * request, strict attribute checking, bad idents, and a peer that goes
 * away ending its connections. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "anvil_proto.h"
#include "ipc/attr_names.h"

typedef struct fixture {
    anvil_table_t *t;
    anvil_peer_t *peer;
    attr_list_t *req, *resp;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));

    f->t = anvil_table_new(60);
    f->peer = anvil_peer_new();
    f->req = attr_list_new();
    f->resp = attr_list_new();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;

    anvil_peer_close(f->peer, f->t, 0);
    anvil_table_free(f->t);
    attr_list_free(f->req);
    attr_list_free(f->resp);
    free(f);
    return 0;
}

/* Sends request op for ident; returns the status. */
static int ask(fixture_t *f, const char *op, const char *ident)
{
    int status = -99;

    attr_list_reset(f->req);
    if (op)
        attr_put_str(f->req, ATTR_REQUEST, op);
    if (ident)
        attr_put_str(f->req, ATTR_IDENT, ident);
    anvil_proto_handle(f->t, f->peer, f->req, 100, f->resp);
    assert_int_equal(attr_get_int(f->resp, ATTR_STATUS, &status), 0);
    return status;
}

static int get_int(fixture_t *f, const char *name)
{
    int v = -1;

    assert_int_equal(attr_get_int(f->resp, name, &v), 0);
    return v;
}

static void test_connect_disconnect(void **state)
{
    fixture_t *f = *state;
    long count = 0;

    assert_int_equal(ask(f, "connect", "smtp:192.0.2.1"), 0);
    assert_int_equal(attr_get_long(f->resp, ATTR_COUNT, &count), 0);
    assert_int_equal(count, 1);
    assert_int_equal(get_int(f, ATTR_RATE), 1);
    assert_int_equal(ask(f, "connect", "smtp:192.0.2.1"), 0);
    assert_int_equal(attr_get_long(f->resp, ATTR_COUNT, &count), 0);
    assert_int_equal(count, 2);
    assert_int_equal(ask(f, "disconnect", "smtp:192.0.2.1"), 0);
    assert_int_equal(ask(f, "disconnect", "smtp:192.0.2.1"), 0);
    /* a third disconnect is answered but changes nothing */
    assert_int_equal(ask(f, "disconnect", "smtp:192.0.2.1"), 0);
    assert_int_equal(ask(f, "connect", "smtp:192.0.2.1"), 0);
    assert_int_equal(attr_get_long(f->resp, ATTR_COUNT, &count), 0);
    assert_int_equal(count, 1);
}

static void test_peer_close_ends_its_connections(void **state)
{
    fixture_t *f = *state;
    anvil_peer_t *other = anvil_peer_new();
    int count, rate;

    assert_int_equal(ask(f, "connect", "smtp:a"), 0);
    /* another peer cannot end this peer's connection */
    attr_list_reset(f->req);
    attr_put_str(f->req, ATTR_REQUEST, "disconnect");
    attr_put_str(f->req, ATTR_IDENT, "smtp:a");
    anvil_proto_handle(f->t, other, f->req, 100, f->resp);
    anvil_peer_close(other, f->t, 100);
    anvil_table_connect(f->t, "smtp:a", 100, &count, &rate);
    assert_int_equal(count, 2);
    assert_true(anvil_table_disconnect(f->t, "smtp:a", 100));
    /* the peer goes away without disconnecting */
    anvil_peer_close(f->peer, f->t, 100);
    f->peer = anvil_peer_new();
    anvil_table_connect(f->t, "smtp:a", 100, &count, &rate);
    assert_int_equal(count, 1);
}

static void test_events(void **state)
{
    fixture_t *f = *state;

    assert_int_equal(ask(f, "message", "smtp:a"), 0);
    assert_int_equal(get_int(f, ATTR_RATE), 1);
    assert_int_equal(ask(f, "message", "smtp:a"), 0);
    assert_int_equal(get_int(f, ATTR_RATE), 2);
    assert_int_equal(ask(f, "recipient", "smtp:a"), 0);
    assert_int_equal(get_int(f, ATTR_RATE), 1);
    assert_int_equal(ask(f, "newtls", "smtp:a"), 0);
    assert_int_equal(get_int(f, ATTR_RATE), 1);
    assert_int_equal(ask(f, "auth", "smtp:a"), 0);
    assert_int_equal(get_int(f, ATTR_RATE), 1);
    assert_int_equal(get_int(f, ATTR_FAILURES), 0);
}

static int report_failure(fixture_t *f, const char *ident, long window, int limit, long lockout)
{
    attr_list_reset(f->req);
    attr_put_str(f->req, ATTR_REQUEST, "auth_failure");
    attr_put_str(f->req, ATTR_IDENT, ident);
    attr_put_long(f->req, ATTR_WINDOW, window);
    attr_put_int(f->req, ATTR_LOCKOUT_LIMIT, limit);
    attr_put_long(f->req, ATTR_LOCKOUT_TIME, lockout);
    anvil_proto_handle(f->t, f->peer, f->req, 100, f->resp);
    return get_int(f, ATTR_STATUS);
}

static void test_auth_failures(void **state)
{
    fixture_t *f = *state;
    long left = -1;

    assert_int_equal(report_failure(f, "sub:a", 600, 2, 300), 0);
    assert_int_equal(get_int(f, ATTR_FAILURES), 1);
    assert_int_equal(get_int(f, ATTR_STARTED), 0);
    assert_int_equal(report_failure(f, "sub:a", 600, 2, 300), 0);
    assert_int_equal(get_int(f, ATTR_STARTED), 1);
    assert_int_equal(attr_get_long(f->resp, ATTR_LOCKOUT, &left), 0);
    assert_int_equal(left, 300);
    assert_int_equal(ask(f, "auth", "sub:a"), 0);
    assert_int_equal(get_int(f, ATTR_FAILURES), 2);
    assert_int_equal(attr_get_long(f->resp, ATTR_LOCKOUT, &left), 0);
    assert_int_equal(left, 300);
    assert_int_equal(ask(f, "auth", "sub:b"), 0);
    assert_int_equal(attr_get_long(f->resp, ATTR_LOCKOUT, &left), 0);
    assert_int_equal(left, 0);
    /* a bad policy is refused */
    assert_int_equal(report_failure(f, "sub:a", 0, 2, 300), 1);
    assert_int_equal(report_failure(f, "sub:a", 600, -1, 300), 1);
    assert_int_equal(report_failure(f, "sub:a", 600, 1, -5), 1);
    assert_int_equal(report_failure(f, "sub:a", 600, 1, ANVIL_TIME_MAX + 1), 1);
    assert_int_equal(report_failure(f, "sub:a", ANVIL_TIME_MAX + 1, 1, 5), 1);
}

static void test_bad_requests(void **state)
{
    fixture_t *f = *state;
    char longident[ANVIL_IDENT_MAX + 2];

    assert_int_equal(ask(f, NULL, "smtp:a"), 1);
    assert_int_equal(ask(f, "CONNECT", "smtp:a"), 1);
    assert_int_equal(ask(f, "frobnicate", "smtp:a"), 1);
    assert_int_equal(ask(f, "connect", NULL), 1);
    assert_int_equal(ask(f, "connect", ""), 1);
    memset(longident, 'x', sizeof(longident) - 1);
    longident[sizeof(longident) - 1] = 0;
    assert_int_equal(ask(f, "connect", longident), 1);
    longident[ANVIL_IDENT_MAX] = 0;
    assert_int_equal(ask(f, "connect", longident), 0);
    /* an unexpected attribute */
    attr_list_reset(f->req);
    attr_put_str(f->req, ATTR_REQUEST, "message");
    attr_put_str(f->req, ATTR_IDENT, "smtp:a");
    attr_put_str(f->req, ATTR_NAME, "extra");
    anvil_proto_handle(f->t, f->peer, f->req, 100, f->resp);
    assert_int_equal(get_int(f, ATTR_STATUS), 1);
    /* a value with a NUL byte is not a string */
    attr_list_reset(f->req);
    attr_put_str(f->req, ATTR_REQUEST, "message");
    attr_put_data(f->req, ATTR_IDENT, "smtp\0a", 6);
    anvil_proto_handle(f->t, f->peer, f->req, 100, f->resp);
    assert_int_equal(get_int(f, ATTR_STATUS), 1);
    /* a number where a string is expected is fine as text, junk in a number is not */
    attr_list_reset(f->req);
    attr_put_str(f->req, ATTR_REQUEST, "auth_failure");
    attr_put_str(f->req, ATTR_IDENT, "smtp:a");
    attr_put_str(f->req, ATTR_WINDOW, "60s");
    attr_put_int(f->req, ATTR_LOCKOUT_LIMIT, 1);
    attr_put_long(f->req, ATTR_LOCKOUT_TIME, 1);
    anvil_proto_handle(f->t, f->peer, f->req, 100, f->resp);
    assert_int_equal(get_int(f, ATTR_STATUS), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_connect_disconnect, setup, teardown),
        cmocka_unit_test_setup_teardown(test_peer_close_ends_its_connections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_auth_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_requests, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
