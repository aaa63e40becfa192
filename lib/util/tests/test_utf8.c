/* test_utf8.c - unit tests for the strict UTF-8 check. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "util/utf8.h"

struct utf8_case {
    const char *bytes;
    size_t len;
    bool valid;
};

static void test_utf8_table(void **state)
{
    static const struct utf8_case cases[] = {
        {"", 0, true},
        {"plain ascii", 11, true},
        {"caf\xc3\xa9", 5, true},
        {"\xe2\x82\xac", 3, true},              /* euro sign */
        {"\xf0\x9f\x98\x80", 4, true},          /* U+1F600 */
        {"\xf4\x8f\xbf\xbf", 4, true},          /* U+10FFFF */
        {"a\0b", 3, true},                      /* NUL is ASCII */
        {"\xc3", 1, false},                     /* truncated */
        {"\xe2\x82", 2, false},                 /* truncated */
        {"\xc0\xaf", 2, false},                 /* overlong '/' */
        {"\xc1\xbf", 2, false},                 /* overlong */
        {"\xe0\x80\xaf", 3, false},             /* overlong */
        {"\xf0\x80\x80\xaf", 4, false},         /* overlong */
        {"\xed\xa0\x80", 3, false},             /* surrogate U+D800 */
        {"\xf4\x90\x80\x80", 4, false},         /* U+110000 */
        {"\xf5\x80\x80\x80", 4, false},
        {"\x80", 1, false},                     /* lone continuation */
        {"\xff", 1, false},
        {"ok\xc3\xa9\xc3", 5, false},
    };

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (utf8_valid(cases[i].bytes, cases[i].len) != cases[i].valid)
            fail_msg("case %zu: got %d, want %d", i, !cases[i].valid, cases[i].valid);
    }
}

static void test_seq_len(void **state)
{
    (void) state;
    assert_int_equal(utf8_seq_len((const unsigned char *) "a", 1), 1);
    assert_int_equal(utf8_seq_len((const unsigned char *) "\xc3\xa9", 2), 2);
    assert_int_equal(utf8_seq_len((const unsigned char *) "\xc3\xa9", 1), 0);
    assert_int_equal(utf8_seq_len((const unsigned char *) "", 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_table),
        cmocka_unit_test(test_seq_len),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
