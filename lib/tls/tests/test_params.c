/* test_params.c - unit tests for the TLS parameter parsers: Postfix
 * protocol lists (inclusion, exclusion, bounds, separators, case, and
 * the hostile forms: unknown names, empty operators, overlong words,
 * control bytes, lists that enable nothing), cipher grades and security
 * levels. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "tls/tls_params.h"
#include "util/mem.h"

#define T10 TLS_PROTO_TLSv1
#define T11 TLS_PROTO_TLSv1_1
#define T12 TLS_PROTO_TLSv1_2
#define T13 TLS_PROTO_TLSv1_3
#define ERR 0xffffu

struct proto_case {
    const char *in;
    unsigned want;      /* ERR: must fail */
};

static void test_protocols(void **state)
{
    static const struct proto_case cases[] = {
        {">=TLSv1.2", T12 | T13},
        {"!SSLv2, !SSLv3, !TLSv1, !TLSv1.1", T12 | T13},
        {"!SSLv2,!SSLv3,!TLSv1,!TLSv1.1", T12 | T13},
        {"!SSLv2:!SSLv3:!TLSv1:!TLSv1.1", T12 | T13},
        {"\t!SSLv2 \r\n !SSLv3 ", T10 | T11 | T12 | T13},
        {"", T10 | T11 | T12 | T13},
        {"   ,,, ::", T10 | T11 | T12 | T13},
        {"TLSv1.3", T13},
        {"TLSv1.2 TLSv1.3", T12 | T13},
        {"tlsv1.2", T12},
        {"TLSV1.3", T13},
        {"<=TLSv1.2", T10 | T11 | T12},
        {">=TLSv1 <=TLSv1.1", T10 | T11},
        {">=TLSv1.1 >=TLSv1.3", T13},           /* the stricter bound wins */
        {"TLSv1 TLSv1.3", T10 | T13},           /* a hole */
        {"TLSv1.2 !TLSv1.2 TLSv1.3", T13},
        {"SSLv3 TLSv1", T10},                   /* SSLv3 cannot be spoken */
        {">=SSLv2", T10 | T11 | T12 | T13},
        {"SSLv3", ERR},                         /* nothing usable left */
        {"!TLSv1 !TLSv1.1 !TLSv1.2 !TLSv1.3", ERR},
        {">=TLSv1.3 <=TLSv1.2", ERR},
        {"TLSv1.4", ERR},
        {"!TLSv1.4", ERR},
        {"TLSv1.2x", ERR},
        {"TLSv", ERR},
        {"!", ERR},
        {">=", ERR},
        {"<=", ERR},
        {"=>TLSv1.2", ERR},
        {">TLSv1.2", ERR},
        {"!!TLSv1", ERR},
        {"TLSv1.2;TLSv1.3", ERR},
        {"TLSv1\x01.2", ERR},
        {"TLSv1.2\xff", ERR},
    };

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        unsigned mask = 0x1234;
        char *err = NULL;
        int rc = tls_protocols_parse(cases[i].in, &mask, &err);

        if (cases[i].want == ERR) {
            if (rc != -1 || err == NULL)
                fail_msg("\"%s\": got mask %#x, want an error", cases[i].in, mask);
        } else if (rc != 0 || mask != cases[i].want) {
            fail_msg("\"%s\": got rc %d mask %#x (%s), want %#x", cases[i].in, rc, mask,
                     err ? err : "", cases[i].want);
        }
        xfree(err);
    }
}

static void test_protocols_long(void **state)
{
    size_t n = 200000;
    char *text = xmalloc(n + 1);
    unsigned mask;
    char *err = NULL;

    (void) state;
    /* a huge list of valid words */
    for (size_t i = 0; i + 9 <= n; i += 9)
        memcpy(text + i, "!TLSv1.1,", 9);
    text[n - n % 9] = 0;
    assert_int_equal(tls_protocols_parse(text, &mask, &err), 0);
    assert_int_equal(mask, T10 | T12 | T13);
    /* one huge word: an error whose message stays short */
    memset(text, 'T', n);
    text[n] = 0;
    assert_int_equal(tls_protocols_parse(text, &mask, &err), -1);
    assert_non_null(err);
    assert_true(strlen(err) < 200);
    xfree(err);
    xfree(text);
}

static void test_names(void **state)
{
    (void) state;
    assert_string_equal(tls_protocol_name(T12), "TLSv1.2");
    assert_string_equal(tls_protocol_name(T13), "TLSv1.3");
    assert_null(tls_protocol_name(T12 | T13));
    assert_null(tls_protocol_name(0));
}

static void test_grades(void **state)
{
    static const struct {
        const char *in;
        int want;       /* -1: error */
    } cases[] = {
        {"high", TLS_GRADE_HIGH}, {"HIGH", TLS_GRADE_HIGH}, {"medium", TLS_GRADE_MEDIUM},
        {"Medium", TLS_GRADE_MEDIUM}, {"low", TLS_GRADE_MEDIUM}, {"export", TLS_GRADE_MEDIUM},
        {"null", TLS_GRADE_NULL}, {"", -1}, {"high ", -1}, {" high", -1}, {"hi", -1},
        {"highest", -1}, {"high\r\n", -1}, {"ALL", -1}, {"aNULL:-aNULL:HIGH", -1},
    };

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum tls_cipher_grade g = TLS_GRADE_NULL;
        char *err = NULL;
        int rc = tls_cipher_grade_parse(cases[i].in, &g, &err);

        if (cases[i].want < 0 ? rc != -1 || err == NULL : rc != 0 || (int) g != cases[i].want)
            fail_msg("grade \"%s\": got rc %d grade %d", cases[i].in, rc, (int) g);
        xfree(err);
    }
}

static void test_levels(void **state)
{
    static const struct {
        const char *in;
        int want;
    } cases[] = {
        {"none", TLS_LEV_NONE}, {"may", TLS_LEV_MAY}, {"MAY", TLS_LEV_MAY},
        {"encrypt", TLS_LEV_ENCRYPT}, {"verify", TLS_LEV_VERIFY}, {"secure", TLS_LEV_SECURE},
        {"", -1}, {"dane", -1}, {"may\n", -1}, {"encrypted", -1},
    };

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum tls_level l = TLS_LEV_NONE;
        char *err = NULL;
        int rc = tls_level_parse(cases[i].in, &l, &err);

        if (cases[i].want < 0 ? rc != -1 || err == NULL : rc != 0 || (int) l != cases[i].want)
            fail_msg("level \"%s\": got rc %d level %d", cases[i].in, rc, (int) l);
        xfree(err);
    }
    assert_string_equal(tls_level_name(TLS_LEV_ENCRYPT), "encrypt");
    assert_string_equal(tls_level_name((enum tls_level) 99), "invalid");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_protocols),
        cmocka_unit_test(test_protocols_long),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_grades),
        cmocka_unit_test(test_levels),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
