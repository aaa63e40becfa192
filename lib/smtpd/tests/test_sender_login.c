/* test_sender_login.c - unit tests for submission's sender/login rule:
 * null sender, logins with and without '@', case, own domains only,
 * quoted local parts with '@', table entries in mydestination ignored. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "smtpd/smtpd_sender_login.h"

static void test_rules(void **state)
{
    const char *domains[] = {"example.org", "Mail.Example.Org", "hash:/etc/x", "", "/file", NULL};
    smtpd_sender_login_t *r = smtpd_sender_login_new(domains);

    (void) state;
    assert_true(smtpd_sender_login_ok(r, "ann", ""));
    assert_true(smtpd_sender_login_ok(r, "ann", "ann@example.org"));
    assert_true(smtpd_sender_login_ok(r, "ann", "ANN@EXAMPLE.ORG"));
    assert_true(smtpd_sender_login_ok(r, "ann", "ann@mail.example.org"));
    assert_false(smtpd_sender_login_ok(r, "ann", "bob@example.org"));
    assert_false(smtpd_sender_login_ok(r, "ann", "ann@elsewhere.example"));
    assert_false(smtpd_sender_login_ok(r, "ann", "ann"));
    assert_false(smtpd_sender_login_ok(r, "ann", "annie@example.org"));
    assert_false(smtpd_sender_login_ok(r, "ann", "an@example.org"));
    assert_false(smtpd_sender_login_ok(r, "ann", "ann@x/file"));
    assert_false(smtpd_sender_login_ok(r, "ann", "ann@hash:/etc/x"));
    /* a quoted local part holding '@': split at the last '@' */
    assert_false(smtpd_sender_login_ok(r, "ann", "ann@evil@example.org"));
    assert_true(smtpd_sender_login_ok(r, "ann@other.example", "ann@other.example"));
    assert_true(smtpd_sender_login_ok(r, "ann@other.example", "Ann@Other.Example"));
    assert_false(smtpd_sender_login_ok(r, "ann@other.example", "ann@example.org"));
    assert_false(smtpd_sender_login_ok(r, NULL, "ann@example.org"));
    assert_false(smtpd_sender_login_ok(r, "", "ann@example.org"));
    assert_true(smtpd_sender_login_ok(r, NULL, ""));
    smtpd_sender_login_free(r);
}

static void test_no_domains(void **state)
{
    smtpd_sender_login_t *r = smtpd_sender_login_new(NULL);

    (void) state;
    assert_false(smtpd_sender_login_ok(r, "ann", "ann@example.org"));
    assert_true(smtpd_sender_login_ok(r, "ann@example.org", "ann@example.org"));
    smtpd_sender_login_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_no_domains),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
