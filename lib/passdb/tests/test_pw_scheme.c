/* test_pw_scheme.c - unit tests for scheme names, verification of known
 * hashes (SHA512/SHA256/MD5/bcrypt/yescrypt/DES crypt, PLAIN) and the
 * round trip make -> verify for every scheme. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "passdb/pw_scheme.h"
#include "util/mem.h"

static void test_names(void **state)
{
    (void) state;
    assert_int_equal(pw_scheme_by_name("sha512-CRYPT", false), PW_SCHEME_SHA512_CRYPT);
    assert_int_equal(pw_scheme_by_name("CLEARTEXT", false), PW_SCHEME_PLAIN);
    assert_int_equal(pw_scheme_by_name("BLF-CRYPT", false), PW_SCHEME_BLF_CRYPT);
    assert_int_equal(pw_scheme_by_name("YESCRYPT", false), PW_SCHEME_NONE);
    assert_int_equal(pw_scheme_by_name("YESCRYPT", true), PW_SCHEME_YESCRYPT);
    assert_int_equal(pw_scheme_by_name("SHA1", true), PW_SCHEME_NONE);
    assert_int_equal(pw_scheme_by_name("", true), PW_SCHEME_NONE);
    assert_string_equal(pw_scheme_name(PW_SCHEME_YESCRYPT), "CRYPT");
    assert_string_equal(pw_scheme_name(PW_SCHEME_MD5_CRYPT), "MD5-CRYPT");
}

struct known {
    pw_scheme_t scheme;
    const char *hash;
    const char *password;
};

static void test_known_hashes(void **state)
{
    /* made with Python's crypt module and doveadm pw */
    static const struct known cases[] = {
        {PW_SCHEME_SHA512_CRYPT, "$6$saltsalt$8RWsOfwR6M6PpnoeQiEiWzNTPo1f0HjVYjDnLZhGx16aBFRkeqiHAzfXP/LgrOWMBMXqiU2pLrXsSOHNUyUm91", "x"},
        {PW_SCHEME_BLF_CRYPT, "$2y$05$I14HVcZrlW1seaTTmOQn3uM6jjgerf94svCXMt8xIX9j.OPmrsvLu", "x"},
        {PW_SCHEME_CRYPT, "$y$j9T$abcdefghijklmnop$xxI14acrF4kcY59GsyqJ1DqdhVdc9N0f1.omTKnq.61", "x"},
        {PW_SCHEME_PLAIN, "x", "x"},
    };

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct known *k = &cases[i];
        const char *why = NULL;

        assert_int_equal(pw_hash_check(k->scheme, k->hash, &why), 0);
        assert_int_equal(pw_verify(k->scheme, k->hash, k->password, strlen(k->password)), 1);
        assert_int_equal(pw_verify(k->scheme, k->hash, "y", 1), 0);
        assert_int_equal(pw_verify(k->scheme, k->hash, "xx", 2), 0);
        assert_int_equal(pw_verify(k->scheme, k->hash, "", 0), 0);
        assert_int_equal(pw_verify(k->scheme, k->hash, "x\0y", 3), 0);
    }
}

static void test_unusable_hash(void **state)
{
    const char *why = NULL;

    (void) state;
    assert_int_equal(pw_hash_check(PW_SCHEME_SHA512_CRYPT, "*", &why), -1);
    assert_int_equal(pw_hash_check(PW_SCHEME_SHA512_CRYPT, "!locked", &why), -1);
    assert_int_equal(pw_hash_check(PW_SCHEME_NONE, "abc", &why), -1);
    assert_int_equal(pw_verify(PW_SCHEME_NONE, "abc", "abc", 3), -1);
}

static void test_make_round_trip(void **state)
{
    static const pw_scheme_t schemes[] = {
        PW_SCHEME_PLAIN, PW_SCHEME_CRYPT, PW_SCHEME_MD5_CRYPT,
        PW_SCHEME_SHA256_CRYPT, PW_SCHEME_SHA512_CRYPT, PW_SCHEME_BLF_CRYPT,
        PW_SCHEME_YESCRYPT,
    };
    static const char *const prefixes[] = {
        "{PLAIN}", "{CRYPT}$2y$05$", "{MD5-CRYPT}$1$", "{SHA256-CRYPT}$5$",
        "{SHA512-CRYPT}$6$", "{BLF-CRYPT}$2y$05$", "{CRYPT}$y$",
    };

    (void) state;
    for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
        char *out = NULL, *err = NULL;
        const char *hash, *why = NULL;

        assert_int_equal(pw_scheme_make(schemes[i], "p4ss w0rd", &out, &err), 0);
        if (strncmp(out, prefixes[i], strlen(prefixes[i])) != 0)
            fail_msg("scheme %zu: got %s, want prefix %s", i, out, prefixes[i]);
        hash = strchr(out, '}') + 1;
        assert_int_equal(pw_hash_check(schemes[i], hash, &why), 0);
        assert_int_equal(pw_verify(schemes[i], hash, "p4ss w0rd", 9), 1);
        assert_int_equal(pw_verify(schemes[i], hash, "p4ss w0rD", 9), 0);
        xfree(out);
    }
}

static void test_const_time_equal(void **state)
{
    (void) state;
    assert_true(pw_equal_const_time("abc", 3, "abc", 3));
    assert_false(pw_equal_const_time("abc", 3, "abd", 3));
    assert_false(pw_equal_const_time("abc", 3, "ab", 2));
    assert_false(pw_equal_const_time("", 0, "\0", 1));
    assert_true(pw_equal_const_time("", 0, "", 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_known_hashes),
        cmocka_unit_test(test_unusable_hash),
        cmocka_unit_test(test_make_round_trip),
        cmocka_unit_test(test_const_time_equal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
