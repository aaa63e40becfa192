/* test_args.c - sendmail command-line parsing: grouped flags, -oi, -oX
 * ignored, values attached or separate, -N/-R checks, -q forms, --,
 * unknown options and missing values refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "queue/qrec.h"
#include "sendmail_args.h"
#include "util/mem.h"

static int parse(struct sendmail_args *a, char **argv)
{
    int argc = 0;
    char *err = NULL;
    int rc;

    while (argv[argc])
        argc++;
    rc = sendmail_parse_args(argc, argv, a, &err);
    xfree(err);
    return rc;
}

static void test_delivery_flags(void **state)
{
    struct sendmail_args a;

    (void) state;
    assert_int_equal(parse(&a, (char *[]) {"sendmail", "-ti", "-oi", "-oem", "-fme@x",
                                           "-F", "Full Name", "-N", "success,delay",
                                           "-Rhdrs", "-V", "env1", "-c", "/tmp/cf", "-v",
                                           "--", "-r1@x", "r2@x", NULL}), 0);
    assert_int_equal(a.mode, SENDMAIL_DELIVER);
    assert_true(a.extract);
    assert_true(a.ignore_dot);
    assert_string_equal(a.sender, "me@x");
    assert_string_equal(a.full_name, "Full Name");
    assert_int_equal(a.notify, QDSN_NOTIFY_SUCCESS | QDSN_NOTIFY_DELAY);
    assert_int_equal(a.ret, QDSN_RET_HDRS);
    assert_string_equal(a.envid, "env1");
    assert_string_equal(a.config_dir, "/tmp/cf");
    assert_int_equal(a.verbose, 1);
    assert_int_equal(a.recipient_count, 2);
    assert_string_equal(a.recipients[0], "-r1@x");

    assert_int_equal(parse(&a, (char *[]) {"sendmail", "-oem", "r@x", NULL}), 0);
    assert_false(a.ignore_dot);
    assert_int_equal(a.recipient_count, 1);
    assert_int_equal(parse(&a, (char *[]) {"sendmail", "-r", "<>", "-C/etc/x", "r@x", NULL}), 0);
    assert_string_equal(a.sender, "<>");
    assert_string_equal(a.config_dir, "/etc/x");
}

static void test_modes(void **state)
{
    struct sendmail_args a;

    (void) state;
    assert_int_equal(parse(&a, (char *[]) {"sendmail", "-bp", NULL}), 0);
    assert_int_equal(a.mode, SENDMAIL_MAILQ);
    assert_int_equal(parse(&a, (char *[]) {"sendmail", "-bi", NULL}), 0);
    assert_int_equal(a.mode, SENDMAIL_NEWALIASES);
    assert_int_equal(parse(&a, (char *[]) {"sendmail", "-I", NULL}), 0);
    assert_int_equal(a.mode, SENDMAIL_NEWALIASES);
    assert_int_equal(parse(&a, (char *[]) {"sendmail", "-q", NULL}), 0);
    assert_int_equal(a.mode, SENDMAIL_FLUSH);
    assert_int_equal(parse(&a, (char *[]) {"sendmail", "-q30m", NULL}), 0);
    assert_int_equal(a.mode, SENDMAIL_FLUSH);
    assert_int_equal(parse(&a, (char *[]) {"sendmail", "-bm", "x", NULL}), 0);
    assert_int_equal(a.mode, SENDMAIL_DELIVER);
}

static void test_smtp_mode(void **state)
{
    struct sendmail_args a;

    (void) state;
    assert_int_equal(parse(&a, (char *[]) {"sendmail", "-bs", NULL}), 0);
    assert_int_equal(a.mode, SENDMAIL_SMTP);
    assert_int_equal(parse(&a, (char *[]) {"sendmail", "-C", "/etc/x", "-bs", NULL}), 0);
    assert_int_equal(a.mode, SENDMAIL_SMTP);
    assert_string_equal(a.config_dir, "/etc/x");
}

static void test_refused(void **state)
{
    struct sendmail_args a;

    (void) state;
    assert_int_equal(parse(&a, (char *[]) {"sendmail", "-bd", NULL}), -1);
    assert_int_equal(parse(&a, (char *[]) {"sendmail", "-bv", "x", NULL}), -1);
    assert_int_equal(parse(&a, (char *[]) {"sendmail", "-Z", NULL}), -1);
    assert_int_equal(parse(&a, (char *[]) {"sendmail", "-f", NULL}), -1);
    assert_int_equal(parse(&a, (char *[]) {"sendmail", "-N", "never,success", "x", NULL}), -1);
    assert_int_equal(parse(&a, (char *[]) {"sendmail", "-N", "bogus", "x", NULL}), -1);
    assert_int_equal(parse(&a, (char *[]) {"sendmail", "-R", "most", "x", NULL}), -1);
    assert_int_equal(sendmail_parse_notify("NEVER"), QDSN_NOTIFY_NEVER);
    assert_int_equal(sendmail_parse_notify(""), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delivery_flags),
        cmocka_unit_test(test_modes),
        cmocka_unit_test(test_smtp_mode),
        cmocka_unit_test(test_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
