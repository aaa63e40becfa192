/* test_attr.c - unit tests for attribute lists and the frame codec:
 * round trips with binary values, the exact wire bytes, hostile lengths,
 * truncation at every byte, duplicates, bad names, limits, strict getters
 * and scanning. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "ipc/attr.h"
#include "ipc/attr_names.h"
#include "util/mem.h"
#include "util/stream.h"

static void test_round_trip(void **state)
{
    attr_list_t *a = attr_list_new(), *b = attr_list_new();
    buf_t frame = BUF_INIT;
    const char *s;
    const void *d;
    size_t len;
    int i;
    long v;
    char *err = NULL;

    (void) state;
    attr_put_str(a, ATTR_REQUEST, "rcpt");
    attr_put_int(a, ATTR_STATUS, -5);
    attr_put_long(a, ATTR_SIZE, LONG_MAX);
    attr_put_data(a, ATTR_DATA, "a\0b\r\n", 5);
    attr_put_str(a, ATTR_REASON, "");
    buf_init(&frame);
    attr_encode(a, &frame);
    assert_int_equal(attr_decode(frame.data, frame.len, NULL, b, &err), 0);
    assert_int_equal(attr_count(b), 5);
    assert_string_equal(attr_name_at(b, 0), "request");
    assert_string_equal(attr_name_at(b, 4), "reason");
    assert_int_equal(attr_get_str(b, ATTR_REQUEST, &s), 0);
    assert_string_equal(s, "rcpt");
    assert_int_equal(attr_get_int(b, ATTR_STATUS, &i), 0);
    assert_int_equal(i, -5);
    assert_int_equal(attr_get_long(b, ATTR_SIZE, &v), 0);
    assert_true(v == LONG_MAX);
    assert_int_equal(attr_get_data(b, ATTR_DATA, &d, &len), 0);
    assert_int_equal(len, 5);
    assert_memory_equal(d, "a\0b\r\n", 5);
    assert_int_equal(attr_get_str(b, ATTR_DATA, &s), -1);   /* holds NUL */
    assert_int_equal(attr_get_str(b, ATTR_REASON, &s), 0);
    assert_string_equal(s, "");
    assert_true(attr_has(b, ATTR_SIZE));
    assert_false(attr_has(b, ATTR_COUNT));
    assert_int_equal(attr_get_str(b, ATTR_COUNT, &s), -1);
    buf_dispose(&frame);
    attr_list_free(a);
    attr_list_free(b);
}

static void test_wire_bytes(void **state)
{
    static const unsigned char want[] = {
        0, 0, 0, 19, 0, 0, 0, 1, 0, 0, 0, 6, 's', 't', 'a', 't', 'u', 's',
        0, 0, 0, 1, '0',
    };
    attr_list_t *a = attr_list_new();
    buf_t frame = BUF_INIT;

    (void) state;
    attr_put_int(a, ATTR_STATUS, 0);
    buf_init(&frame);
    attr_encode(a, &frame);
    assert_int_equal(frame.len, sizeof(want));
    assert_memory_equal(frame.data, want, sizeof(want));
    attr_list_reset(a);
    buf_reset(&frame);
    attr_encode(a, &frame);                    /* empty list: count 0 */
    assert_int_equal(frame.len, 8);
    assert_memory_equal(frame.data, "\0\0\0\4\0\0\0\0", 8);
    buf_dispose(&frame);
    attr_list_free(a);
}

static void expect_decode_error(const void *frame, size_t len,
                                const attr_limits_t *limits, const char *what)
{
    attr_list_t *l = attr_list_new();
    char *err = NULL;

    if (attr_decode(frame, len, limits, l, &err) != -1)
        fail_msg("decoded bad frame: %s", what);
    assert_non_null(err);
    assert_int_equal(attr_count(l), 0);
    xfree(err);
    attr_list_free(l);
}

#define BAD(bytes, limits) expect_decode_error(bytes, sizeof(bytes) - 1, limits, #bytes)

static void test_hostile_lengths(void **state)
{
    (void) state;
    BAD("\xff\xff\xff\xf0\0\0\0\0", NULL);                        /* length lies */
    BAD("\0\0\0\4\xff\xff\xff\xff", NULL);                        /* count huge */
    BAD("\0\0\0\x0c\0\0\0\1\xff\xff\xff\xff" "abcd", NULL);        /* name_len huge */
    BAD("\0\0\0\x0d\0\0\0\1\0\0\0\1x\xff\xff\xff\xff", NULL);      /* value_len huge */
    BAD("\0\0\0\x0d\0\0\0\2\0\0\0\1x\0\0\0\0", NULL);              /* count > present */
    BAD("\0\0\0\x0e\0\0\0\1\0\0\0\1x\0\0\0\0J", NULL);             /* junk after */
    BAD("\0\0\0\x0c\0\0\0\1\0\0\0\0\0\0\0\0", NULL);               /* empty name */
    BAD("\0\0\0\x0d\0\0\0\1\0\0\0\1X\0\0\0\0", NULL);              /* upper case */
    BAD("\0\0\0\x0d\0\0\0\1\0\0\0\1\0\0\0\0\0", NULL);             /* NUL name */
    BAD("\0\0\0\x16\0\0\0\2\0\0\0\1x\0\0\0\0\0\0\0\1x\0\0\0\0", NULL); /* duplicate */
    BAD("\0\0\0", NULL);
    BAD("", NULL);
}

static void test_limits(void **state)
{
    attr_limits_t small = {64, 4, 2};
    attr_list_t *a = attr_list_new(), *b = attr_list_new();
    buf_t frame = BUF_INIT;
    char name[ATTR_NAME_MAX + 2];
    char *err = NULL;

    (void) state;
    attr_put_str(a, "x", "12345");                 /* value over 4 */
    buf_init(&frame);
    attr_encode(a, &frame);
    expect_decode_error(frame.data, frame.len, &small, "max_value");
    attr_list_reset(a);
    attr_put_str(a, "x", "1");
    attr_put_str(a, "y", "1");
    attr_put_str(a, "z", "1");                     /* three over 2 */
    buf_reset(&frame);
    attr_encode(a, &frame);
    expect_decode_error(frame.data, frame.len, &small, "max_count");
    attr_list_reset(a);
    attr_put_str(a, "x", "1234");
    attr_put_str(a, "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy", "1");
    buf_reset(&frame);
    attr_encode(a, &frame);                        /* body over 64 */
    expect_decode_error(frame.data, frame.len, &small, "max_message");
    memset(name, 'n', sizeof(name));
    name[ATTR_NAME_MAX] = '\0';
    assert_true(attr_valid_name(name));
    name[ATTR_NAME_MAX] = 'n';
    name[ATTR_NAME_MAX + 1] = '\0';
    assert_false(attr_valid_name(name));
    assert_false(attr_valid_name(""));
    assert_false(attr_valid_name("Status"));
    assert_false(attr_valid_name("a-b"));
    attr_list_reset(a);
    attr_put_str(a, "x", "1234");
    buf_reset(&frame);
    attr_encode(a, &frame);
    assert_int_equal(attr_decode(frame.data, frame.len, &small, b, &err), 0);
    buf_dispose(&frame);
    attr_list_free(a);
    attr_list_free(b);
}

static void test_thousands_of_attributes(void **state)
{
    attr_list_t *a = attr_list_new(), *b = attr_list_new();
    buf_t frame = BUF_INIT;
    char name[32], *err = NULL;
    const char *v;

    (void) state;
    for (int i = 0; i < ATTR_DEFAULT_MAX_COUNT; i++) {
        snprintf(name, sizeof(name), "rcpt_addr_%d", i);
        attr_put_str(a, name, name + 5);
    }
    buf_init(&frame);
    attr_encode(a, &frame);
    assert_int_equal(attr_decode(frame.data, frame.len, NULL, b, &err), 0);
    assert_int_equal(attr_count(b), ATTR_DEFAULT_MAX_COUNT);
    assert_int_equal(attr_get_str(b, "rcpt_addr_4095", &v), 0);
    assert_string_equal(v, "addr_4095");
    assert_false(attr_has(b, "rcpt_addr_4096"));
    /* one more is over the limit */
    attr_put_str(a, "one_more", "x");
    buf_reset(&frame);
    attr_encode(a, &frame);
    expect_decode_error(frame.data, frame.len, NULL, "count over the default limit");
    /* a duplicate of the first name as the last of 1000 attributes */
    attr_list_reset(a);
    for (int i = 0; i < 999; i++) {
        snprintf(name, sizeof(name), "a%d", i);
        attr_put_str(a, name, "v");
    }
    attr_put_str(a, "zz", "x");
    buf_reset(&frame);
    attr_encode(a, &frame);
    assert_int_equal(attr_decode(frame.data, frame.len, NULL, b, &err), 0);
    memcpy(frame.data + frame.len - 1 - 4 - 2, "a0", 2);
    expect_decode_error(frame.data, frame.len, NULL, "duplicate among many");
    buf_dispose(&frame);
    attr_list_free(a);
    attr_list_free(b);
}

static void test_every_truncation_fails(void **state)
{
    attr_list_t *a = attr_list_new(), *b = attr_list_new();
    buf_t frame = BUF_INIT;
    char *err = NULL;

    (void) state;
    attr_put_str(a, ATTR_REQUEST, "lookup");
    attr_put_data(a, ATTR_DATA, "\0\0\0\0", 4);
    buf_init(&frame);
    attr_encode(a, &frame);
    for (size_t cut = 0; cut < frame.len; cut++) {
        stream_t *s = stream_open_memory(frame.data, cut, 3, NULL);
        int r;
        expect_decode_error(frame.data, cut, NULL, "prefix");
        r = attr_recv(s, b, NULL, &err);
        if (r != (cut == 0 ? 0 : -1))
            fail_msg("attr_recv of %zu-byte prefix returned %d", cut, r);
        if (r < 0)
            xfree(err);
        stream_close(s);
    }
    buf_dispose(&frame);
    attr_list_free(a);
    attr_list_free(b);
}

static void test_recv_rejects_huge_length_without_reading(void **state)
{
    static const char in[] = "\x7f\xff\xff\xff" "short";
    attr_list_t *l = attr_list_new();
    stream_t *s = stream_open_memory(in, sizeof(in) - 1, 0, NULL);
    char *err = NULL;

    (void) state;
    assert_int_equal(attr_recv(s, l, NULL, &err), -1);
    assert_non_null(strstr(err, "exceeds the limit"));
    assert_int_equal(stream_buffered(s), 5);     /* the body was not read */
    xfree(err);
    stream_close(s);
    attr_list_free(l);
}

static void test_number_getters_are_strict(void **state)
{
    static const char *const bad[] = {"", " 1", "1 ", "+1", "1x", "0x10", "-",
                                      "2147483648", "-2147483649", "1\0"};
    attr_list_t *l = attr_list_new();
    int i;
    long v;

    (void) state;
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        attr_list_reset(l);
        attr_put_data(l, "n", bad[k], strlen(bad[k]) + (k == 9 ? 1 : 0));
        if (attr_get_int(l, "n", &i) != -1)
            fail_msg("attr_get_int accepted \"%s\"", bad[k]);
    }
    attr_list_reset(l);
    attr_put_str(l, "n", "-2147483648");
    assert_int_equal(attr_get_int(l, "n", &i), 0);
    assert_true(i == INT_MIN);
    attr_list_reset(l);
    attr_put_str(l, "n", "99999999999999999999");
    assert_int_equal(attr_get_long(l, "n", &v), -1);
    attr_list_reset(l);
    attr_put_str(l, "n", "2147483648");
    assert_int_equal(attr_get_long(l, "n", &v), 0);
    assert_true(v == 2147483648L);
    attr_list_free(l);
}

static void test_check_only_and_scan(void **state)
{
    static const char *const allowed[] = {ATTR_STATUS, ATTR_REASON, NULL};
    attr_list_t *l = attr_list_new();
    const char *reason = "unset";
    int status = -1;
    long size = 7;
    attr_data_t data;
    char *err = NULL;
    attr_spec_t specs[] = {
        {ATTR_STATUS, ATTR_TYPE_INT, &status, false},
        {ATTR_REASON, ATTR_TYPE_STR, &reason, true},
        {ATTR_SIZE, ATTR_TYPE_LONG, &size, true},
    };

    (void) state;
    attr_put_int(l, ATTR_STATUS, 4);
    assert_int_equal(attr_check_only(l, allowed, &err), 0);
    assert_int_equal(attr_scan(l, specs, 3, ATTR_SCAN_STRICT, &err), 0);
    assert_int_equal(status, 4);
    assert_string_equal(reason, "unset");
    assert_int_equal(size, 7);
    attr_put_data(l, ATTR_DATA, "zz", 2);
    assert_int_equal(attr_check_only(l, allowed, &err), -1);
    assert_string_equal(err, "unexpected attribute data");
    xfree(err);
    assert_int_equal(attr_scan(l, specs, 3, ATTR_SCAN_STRICT, &err), -1);
    assert_string_equal(err, "unexpected attribute data");
    xfree(err);
    assert_int_equal(attr_scan(l, specs, 3, 0, &err), 0);
    attr_list_reset(l);
    attr_put_str(l, ATTR_STATUS, "ok");
    assert_int_equal(attr_scan(l, specs, 1, 0, &err), -1);
    assert_string_equal(err, "bad value for attribute status");
    xfree(err);
    attr_list_reset(l);
    assert_int_equal(attr_scan(l, specs, 1, 0, &err), -1);
    assert_string_equal(err, "missing attribute status");
    xfree(err);
    attr_put_data(l, ATTR_DATA, "q\0", 2);
    {
        attr_spec_t dspec = {ATTR_DATA, ATTR_TYPE_DATA, &data, false};
        assert_int_equal(attr_scan(l, &dspec, 1, ATTR_SCAN_STRICT, &err), 0);
        assert_int_equal(data.len, 2);
    }
    attr_list_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_wire_bytes),
        cmocka_unit_test(test_hostile_lengths),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_thousands_of_attributes),
        cmocka_unit_test(test_every_truncation_fails),
        cmocka_unit_test(test_recv_rejects_huge_length_without_reading),
        cmocka_unit_test(test_number_getters_are_strict),
        cmocka_unit_test(test_check_only_and_scan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
