/* test_server_args.c - the daemon command line parser: flags as master
 * builds them, clustered and attached forms, and the malformed cases. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "server/server_args.h"
#include "util/mem.h"

#define ARGC(v) ((int) (sizeof(v) / sizeof((v)[0])) - 1)

static void test_master_style(void **state)
{
    char *argv[] = {"smtpd", "-n", "smtp", "-t", "inet", "-u", "-c", "-o",
                    "syslog_name=postern/submission", "-o", "a=b c", "-v", "-v",
                    "--", "extra", NULL};
    struct server_args a;
    char *err = NULL;

    (void) state;
    assert_int_equal(server_args_parse(ARGC(argv), argv, &a, &err), 0);
    assert_string_equal(a.service_name, "smtp");
    assert_string_equal(a.transport, "inet");
    assert_true(a.unprivileged);
    assert_true(a.chroot);
    assert_false(a.stand_alone);
    assert_int_equal(a.verbose, 2);
    assert_int_equal(a.listen_count, 1);
    assert_int_equal(a.override_count, 2);
    assert_string_equal(a.overrides[0], "syslog_name=postern/submission");
    assert_string_equal(a.overrides[1], "a=b c");
    assert_null(a.overrides[2]);
    assert_int_equal(a.rest_argc, 1);
    assert_string_equal(a.rest_argv[0], "extra");
    server_args_free(&a);
}

static void test_clustered_and_attached(void **state)
{
    char *argv[] = {"x", "-ucvS", "-nfoo", "-s3", "-ox=1", "rest1", "-v", NULL};
    struct server_args a;
    char *err = NULL;

    (void) state;
    assert_int_equal(server_args_parse(ARGC(argv), argv, &a, &err), 0);
    assert_true(a.unprivileged && a.chroot && a.stand_alone);
    assert_int_equal(a.verbose, 1);
    assert_string_equal(a.service_name, "foo");
    assert_int_equal(a.listen_count, 3);
    assert_string_equal(a.overrides[0], "x=1");
    /* Flags end at the first non-flag argument. */
    assert_int_equal(a.rest_argc, 2);
    assert_string_equal(a.rest_argv[1], "-v");
    server_args_free(&a);
}

static void test_defaults(void **state)
{
    char *argv[] = {"x", NULL};
    struct server_args a;
    char *err = NULL;

    (void) state;
    assert_int_equal(server_args_parse(ARGC(argv), argv, &a, &err), 0);
    assert_string_equal(a.service_name, "");
    assert_string_equal(a.transport, "");
    assert_int_equal(a.listen_count, 1);
    assert_int_equal(a.override_count, 0);
    assert_int_equal(a.rest_argc, 0);
    server_args_free(&a);
}

static void expect_error(char **argv, int argc, const char *want)
{
    struct server_args a;
    char *err = NULL;

    assert_int_equal(server_args_parse(argc, argv, &a, &err), -1);
    assert_non_null(err);
    if (strstr(err, want) == NULL)
        fail_msg("got \"%s\", want it to contain \"%s\"", err, want);
    xfree(err);
}

static void test_errors(void **state)
{
    char *missing[] = {"x", "-n", NULL};
    char *bad_o[] = {"x", "-o", "novalue", NULL};
    char *empty_name[] = {"x", "-o", "=v", NULL};
    char *bad_s[] = {"x", "-s", "0", NULL};
    char *huge_s[] = {"x", "-s", "99999999999999999999", NULL};
    char *junk_s[] = {"x", "-s", "2x", NULL};
    char *unknown[] = {"x", "-Z", NULL};
    char *upper[] = {"x", "-U", NULL};

    (void) state;
    expect_error(missing, ARGC(missing), "requires a value");
    expect_error(bad_o, ARGC(bad_o), "name=value");
    expect_error(empty_name, ARGC(empty_name), "name=value");
    expect_error(bad_s, ARGC(bad_s), "listener count");
    expect_error(huge_s, ARGC(huge_s), "listener count");
    expect_error(junk_s, ARGC(junk_s), "listener count");
    expect_error(unknown, ARGC(unknown), "invalid option -Z");
    expect_error(upper, ARGC(upper), "invalid option -U");
}

static void test_dash_alone_is_argument(void **state)
{
    char *argv[] = {"x", "-", "-v", NULL};
    struct server_args a;
    char *err = NULL;

    (void) state;
    assert_int_equal(server_args_parse(ARGC(argv), argv, &a, &err), 0);
    assert_int_equal(a.verbose, 0);
    assert_int_equal(a.rest_argc, 2);
    server_args_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_master_style),
        cmocka_unit_test(test_clustered_and_attached),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_dash_alone_is_argument),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
