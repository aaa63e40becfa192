/* test_xsasl_client.c - the SMTP client's SASL side on libsasl2: PLAIN
 * and LOGIN with the user and password given, mechanism choice, and the
 * security options (noplaintext rules PLAIN and LOGIN out, unknown words
 * are refused). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <sasl/sasl.h>
#include <string.h>

#include "sasl/xsasl_client.h"
#include "util/mem.h"

static void test_security_flags(void **state)
{
    unsigned f;
    char *err = NULL;

    (void) state;
    assert_int_equal(xsasl_client_security_flags("noplaintext, noanonymous", &f, &err), 0);
    assert_int_equal(f, SASL_SEC_NOPLAINTEXT | SASL_SEC_NOANONYMOUS);
    assert_int_equal(xsasl_client_security_flags("", &f, &err), 0);
    assert_int_equal(f, 0);
    assert_int_equal(xsasl_client_security_flags("NoActive,nodictionary mutual_auth", &f, &err), 0);
    assert_int_equal(f, SASL_SEC_NOACTIVE | SASL_SEC_NODICTIONARY | SASL_SEC_MUTUAL_AUTH);
    assert_int_equal(xsasl_client_security_flags("noanonymous, bogus", &f, &err), -1);
    assert_non_null(err);
    xfree(err);
}

static void test_plain(void **state)
{
    static const char want[] = "relayuser\0relayuser\0s3cret";
    xsasl_client_t *c;
    const char *mech = NULL;
    buf_t initial = BUF_INIT;
    bool has_initial = false;
    char *err = NULL;

    (void) state;
    assert_int_equal(xsasl_client_init(&err), 0);
    c = xsasl_client_new("relay.test", "relayuser", "s3cret", SASL_SEC_NOANONYMOUS, &err);
    assert_non_null(c);
    assert_int_equal(xsasl_client_first(c, "PLAIN", &mech, &initial, &has_initial, &err), 0);
    assert_string_equal(mech, "PLAIN");
    assert_true(has_initial);
    /* authzid may be empty or the user; authcid and password must follow */
    assert_true(initial.len >= 17);
    assert_memory_equal(initial.data + initial.len - 17, want + 9, 17);
    xsasl_client_free(c);
    buf_dispose(&initial);
}

static void test_noplaintext(void **state)
{
    xsasl_client_t *c;
    const char *mech = NULL;
    buf_t initial = BUF_INIT;
    bool has_initial = false;
    char *err = NULL;

    (void) state;
    assert_int_equal(xsasl_client_init(&err), 0);
    c = xsasl_client_new("relay.test", "u", "p", SASL_SEC_NOPLAINTEXT | SASL_SEC_NOANONYMOUS, &err);
    assert_non_null(c);
    assert_int_equal(xsasl_client_first(c, "PLAIN LOGIN", &mech, &initial, &has_initial, &err), -1);
    assert_non_null(err);
    xfree(err);
    xsasl_client_free(c);
    buf_dispose(&initial);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_security_flags),
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_noplaintext),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
