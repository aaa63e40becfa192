/* test_sasl_setup.c - unit test of the loopback test behind Postern's
 * rule that plaintext mechanisms are offered without TLS only to local
 * clients: IPv4 127/8, IPv6 ::1 and v4-mapped 127/8, nothing else
 * (including junk and look-alikes). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "smtpd_sasl_setup.h"

static void test_loopback(void **state)
{
    static const char *const yes[] = {"127.0.0.1", "127.1.2.3", "127.255.255.255", "::1",
                                      "::ffff:127.0.0.1", "0:0:0:0:0:0:0:1"};
    static const char *const no[] = {"192.0.2.1", "10.0.0.1", "128.0.0.1", "126.255.255.255",
                                     "::2", "::ffff:192.0.2.1", "2001:db8::1", "unknown", "",
                                     "127.0.0.1 ", "127.0.0", "localhost", "fe80::1"};

    (void) state;
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        assert_true(smtpd_sasl_loopback(yes[i]));
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        assert_false(smtpd_sasl_loopback(no[i]));
    assert_false(smtpd_sasl_loopback(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loopback),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
