/* test_base64.c - unit tests for base64 encoding and strict decoding:
 * RFC 4648 test vectors, binary data with NUL bytes, and the inputs a
 * hostile client sends (bad length, white space, padding in the middle,
 * stray bits, bytes beyond ASCII). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/base64.h"

static const struct { const char *plain, *encoded; } vectors[] = {
    {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
};

static void test_vectors(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        buf_t enc = BUF_INIT, dec = BUF_INIT;

        buf_init(&enc);
        buf_init(&dec);
        base64_encode(&enc, vectors[i].plain, strlen(vectors[i].plain));
        assert_string_equal(enc.data, vectors[i].encoded);
        assert_int_equal(base64_decode(&dec, vectors[i].encoded, strlen(vectors[i].encoded)), 0);
        assert_string_equal(dec.data, vectors[i].plain);
        buf_dispose(&enc);
        buf_dispose(&dec);
    }
}

static void test_binary_round_trip(void **state)
{
    unsigned char all[256];
    buf_t enc = BUF_INIT, dec = BUF_INIT;

    (void) state;
    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char) i;
    buf_init(&enc);
    buf_init(&dec);
    for (size_t n = 0; n <= sizeof(all); n += 37) {
        buf_reset(&enc);
        buf_reset(&dec);
        base64_encode(&enc, all, n);
        assert_int_equal(base64_decode(&dec, enc.data, enc.len), 0);
        assert_int_equal(dec.len, n);
        assert_memory_equal(dec.data, all, n);
    }
    /* SASL PLAIN: NUL separated */
    buf_reset(&dec);
    assert_int_equal(base64_decode(&dec, "AGpvZQBzZWNyZXQ=", 16), 0);
    assert_int_equal(dec.len, 11);
    assert_memory_equal(dec.data, "\0joe\0secret", 11);
    buf_dispose(&enc);
    buf_dispose(&dec);
}

static void test_rejects_bad_input(void **state)
{
    static const char *const bad[] = {
        "Zg", "Zg=", "Zm9vY", "Zm 9v", "Zm9v\r\n", "Zg==Zg==", "Z===", "====",
        "=Zm9", "Zh==", "Zm9=", "Zm-v", "Zm_v", "ZM9v====",
    };
    buf_t out = BUF_INIT;

    (void) state;
    buf_init(&out);
    buf_puts(&out, "keep");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(base64_decode(&out, bad[i], strlen(bad[i])), -1);
        assert_string_equal(out.data, "keep");
    }
    /* bytes beyond ASCII */
    assert_int_equal(base64_decode(&out, "Zm9v\xc3\xa9==", 8), -1);
    assert_string_equal(out.data, "keep");
    /* a NUL byte inside the text */
    assert_int_equal(base64_decode(&out, "Zm\0v", 4), -1);
    assert_string_equal(out.data, "keep");
    buf_dispose(&out);
}

static void test_appends(void **state)
{
    buf_t out = BUF_INIT;

    (void) state;
    buf_init(&out);
    buf_puts(&out, "x:");
    base64_encode(&out, "foo", 3);
    assert_string_equal(out.data, "x:Zm9v");
    assert_int_equal(base64_decode(&out, "YmFy", 4), 0);
    assert_string_equal(out.data, "x:Zm9vbar");
    buf_dispose(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_binary_round_trip),
        cmocka_unit_test(test_rejects_bad_input),
        cmocka_unit_test(test_appends),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
