/* test_qlog.c - per-message delivery logs: append/read round trip, value
 * sanitizing, missing logs, and the parser's nasty inputs (CRLF, NUL, no
 * final newline, lines without '=', unknown names, huge numbers). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "qtest_util.h"
#include "queue/qlog.h"

static void test_append_and_read(void **state)
{
    char dir[256], *err = NULL;
    queue_t *q = qt_queue(dir, sizeof(dir), NULL, 1);
    const char *id = "3ZK8aB0bHW4Kd";
    qlog_entry_t e = {"a@example.com", "A@example.com", "rfc822;a@example.com", 243,
                      "4.4.1", "delayed", "connect to x[192.0.2.1]:25:\r\nrefused\x01"};
    qlog_list_t list;

    (void) state;
    assert_int_equal(qlog_read(q, QUEUE_DEFER, id, &list, &err), 0);   /* no log yet */
    assert_int_equal(list.count, 0);
    assert_int_equal(qlog_append(q, QUEUE_DEFER, id, &e, true, &err), 0);
    e.recipient = "b@example.com";
    e.orig_rcpt = e.dsn_orcpt = NULL;
    e.offset = -1;
    e.reason = "second";
    assert_int_equal(qlog_append(q, QUEUE_DEFER, id, &e, false, &err), 0);
    e.recipient = "a@example.com";
    e.reason = "newer";
    assert_int_equal(qlog_append(q, QUEUE_DEFER, id, &e, false, &err), 0);
    assert_int_equal(qlog_read(q, QUEUE_DEFER, id, &list, &err), 0);
    assert_int_equal(list.count, 3);
    assert_string_equal(list.items[0].recipient, "a@example.com");
    assert_string_equal(list.items[0].orig_rcpt, "A@example.com");
    assert_string_equal(list.items[0].dsn_orcpt, "rfc822;a@example.com");
    assert_int_equal(list.items[0].offset, 243);
    assert_string_equal(list.items[0].status, "4.4.1");
    assert_string_equal(list.items[0].action, "delayed");
    assert_string_equal(list.items[0].reason, "connect to x[192.0.2.1]:25:  refused ");
    assert_null(list.items[1].orig_rcpt);
    assert_int_equal(list.items[1].offset, -1);
    assert_string_equal(qlog_reason(&list, "a@example.com"), "newer");
    assert_string_equal(qlog_reason(&list, "b@example.com"), "second");
    assert_null(qlog_reason(&list, "c@example.com"));
    qlog_list_free(&list);
    /* refused names */
    assert_int_equal(qlog_append(q, QUEUE_ACTIVE, id, &e, false, &err), -1);
    xfree(err);
    assert_int_equal(qlog_append(q, QUEUE_DEFER, "../x", &e, false, &err), -1);
    xfree(err);
    assert_int_equal(qlog_read(q, QUEUE_INCOMING, id, &list, &err), -1);
    xfree(err);
    /* removed like a queue file */
    assert_int_equal(queue_remove(q, QUEUE_DEFER, id, false, &err), 1);
    qt_rm_rf(dir);
    queue_free(q);
}

static void test_parse_nasty(void **state)
{
    static const char text[] =
        "recipient=a@b\r\nreason=crlf\r\n\r\n"      /* CRLF */
        "reason=no recipient\n\n"                   /* dropped */
        "recipient=c@d\nnonsense line\nzz=unknown\noffset=12x\nreason=r\0x\n\n"
        "recipient=e@f\noffset=99999999999999999999\nreason=last";  /* no final NL */
    qlog_list_t list;

    (void) state;
    qlog_parse(text, sizeof(text) - 1, &list);
    assert_int_equal(list.count, 3);
    assert_string_equal(list.items[0].recipient, "a@b");
    assert_string_equal(list.items[0].reason, "crlf");
    assert_string_equal(list.items[1].recipient, "c@d");
    assert_int_equal(list.items[1].offset, -1);
    assert_null(list.items[1].reason);              /* line with NUL ignored */
    assert_string_equal(list.items[2].reason, "last");
    assert_int_equal(list.items[2].offset, -1);      /* overlong number */
    qlog_list_free(&list);
    qlog_parse("", 0, &list);
    assert_int_equal(list.count, 0);
    qlog_parse("\n\n\n=\n==\nrecipient=", 18, &list);
    assert_int_equal(list.count, 1);
    assert_string_equal(list.items[0].recipient, "");
    qlog_list_free(&list);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_and_read),
        cmocka_unit_test(test_parse_nasty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
