/* test_passwd_file.c - unit tests for the passwd-file parser: good lines
 * of every shape and the nasty ones (each skipped and reported with
 * FILE:LINE, never a login). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "passdb/passwd_file.h"
#include "util/buf.h"
#include "util/mem.h"

#define SHA512_X "$6$saltsalt$8RWsOfwR6M6PpnoeQiEiWzNTPo1f0HjVYjDnLZhGx16aBFRkeqiHAzfXP/LgrOWMBMXqiU2pLrXsSOHNUyUm91"

static void collect(const char *text, void *ctx)
{
    buf_t *b = ctx;

    buf_puts(b, text);
    buf_putc(b, '\n');
}

static passwd_table_t *parse(const char *text, size_t len, buf_t *reports)
{
    buf_reset(reports);
    return passwd_file_parse(text, len, "pw", collect, reports);
}

static void test_good_lines(void **state)
{
    const char *text =
        "# comment\n"
        "\n"
        "   \t\n"
        "alice:{PLAIN}secret\n"
        "bob@example.org:{sha512-crypt}" SHA512_X ":1000:100::/home/bob:/bin/sh:userdb_quota=1G\r\n"
        "carol:" SHA512_X "\n"
        "dave::::\n"
        "erin:{CLEAR}pass word :5:6\n"
        "frank:{plain}last";
    buf_t r = BUF_INIT;
    passwd_table_t *t;
    const struct passwd_entry *e;

    (void) state;
    buf_init(&r);
    t = parse(text, strlen(text), &r);
    assert_string_equal(r.data, "");
    assert_int_equal(passwd_table_count(t), 6);
    assert_int_equal(passwd_table_plain_count(t), 3);
    e = passwd_table_find(t, "alice");
    assert_non_null(e);
    assert_int_equal(e->scheme, PW_SCHEME_PLAIN);
    assert_string_equal(e->hash, "secret");
    assert_int_equal(e->uid, -1);
    e = passwd_table_find(t, "bob@example.org");
    assert_non_null(e);
    assert_int_equal(e->scheme, PW_SCHEME_SHA512_CRYPT);
    assert_string_equal(e->hash, SHA512_X);
    assert_int_equal(e->uid, 1000);
    assert_int_equal(e->gid, 100);
    assert_string_equal(e->home, "/home/bob");
    assert_string_equal(e->extra, "userdb_quota=1G");
    e = passwd_table_find(t, "carol");
    assert_int_equal(e->scheme, PW_SCHEME_CRYPT);
    e = passwd_table_find(t, "dave");
    assert_int_equal(e->scheme, PW_SCHEME_NONE);
    e = passwd_table_find(t, "erin");
    assert_string_equal(e->hash, "pass word ");
    assert_string_equal(passwd_table_find(t, "frank")->hash, "last");
    assert_null(passwd_table_find(t, "Alice"));
    assert_null(passwd_table_find(t, "bob"));
    passwd_table_free(t);
    buf_dispose(&r);
}

struct bad_case {
    const char *text;
    size_t len;         /* 0: strlen */
    const char *report;
    size_t users;       /* users left in the table */
};

static void test_bad_lines(void **state)
{
    static const struct bad_case cases[] = {
        {"nocolon\n", 0, "pw:1: missing ':' after the user name\n", 0},
        {":{PLAIN}x\n", 0, "pw:1: empty user name\n", 0},
        {"u:{SHA1}abc\n", 0, "pw:1: unsupported password scheme\n", 0},
        {"u:{YESCRYPT}$y$j9T$abc\n", 0, "pw:1: unsupported password scheme\n", 0},
        {"u:{SHA512-CRYPT}nonsense\n", 0, "pw:1: not a crypt(3) hash\n", 0},
        {"u:plaintext-without-scheme\n", 0, "pw:1: not a crypt(3) hash\n", 0},
        {"u:{PLAIN}x:abc:1\n", 0, "pw:1: bad uid or gid\n", 0},
        {"u:{PLAIN}x:1:-5\n", 0, "pw:1: bad uid or gid\n", 0},
        {"u:{PLAIN}x:99999999999999999999\n", 0, "pw:1: bad uid or gid\n", 0},
        {"u:{PLAIN}a\x00" "b\n", 12, "pw:1: NUL byte in line\n", 0},
        {"# ok\nu:{PLAIN}a\nu:{PLAIN}b\n", 0, "pw:3: duplicate user, first entry kept\n", 1},
        {"\n\nx\n", 0, "pw:3: missing ':' after the user name\n", 0},
        {"u:{PLAIN\n", 0, "pw:1: not a crypt(3) hash\n", 0},
    };

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        buf_t r = BUF_INIT;
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);
        passwd_table_t *t;

        buf_init(&r);
        t = parse(cases[i].text, len, &r);
        if (strcmp(r.data, cases[i].report) != 0)
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, r.data, cases[i].report);
        assert_int_equal(passwd_table_count(t), cases[i].users);
        passwd_table_free(t);
        buf_dispose(&r);
    }
}

static void test_duplicate_keeps_first(void **state)
{
    const char *text = "u:{PLAIN}a\nu:{PLAIN}b\n";
    buf_t r = BUF_INIT;
    passwd_table_t *t;

    (void) state;
    buf_init(&r);
    t = parse(text, strlen(text), &r);
    assert_string_equal(passwd_table_find(t, "u")->hash, "a");
    assert_int_equal(passwd_table_plain_count(t), 1);
    passwd_table_free(t);
    buf_dispose(&r);
}

static void test_overlong_line(void **state)
{
    size_t n = PASSWD_FILE_LINE_MAX + 100;
    char *text = xmalloc(n + 20);
    buf_t r = BUF_INIT;
    passwd_table_t *t;

    (void) state;
    memcpy(text, "u:{PLAIN}", 9);
    memset(text + 9, 'a', n - 9);
    memcpy(text + n, "\nv:{PLAIN}ok", 12);
    buf_init(&r);
    t = parse(text, n + 12, &r);
    assert_string_equal(r.data, "pw:1: line too long\n");
    assert_null(passwd_table_find(t, "u"));
    assert_non_null(passwd_table_find(t, "v"));
    passwd_table_free(t);
    buf_dispose(&r);
    xfree(text);
}

static void test_empty_and_unterminated(void **state)
{
    buf_t r = BUF_INIT;
    passwd_table_t *t;

    (void) state;
    buf_init(&r);
    t = parse("", 0, &r);
    assert_int_equal(passwd_table_count(t), 0);
    passwd_table_free(t);
    t = parse("\r\n\r\n", 4, &r);
    assert_int_equal(passwd_table_count(t), 0);
    assert_string_equal(r.data, "");
    passwd_table_free(t);
    t = parse("a:{PLAIN}b\r", 11, &r);
    assert_string_equal(passwd_table_find(t, "a")->hash, "b");
    passwd_table_free(t);
    buf_dispose(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_lines),
        cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_duplicate_keeps_first),
        cmocka_unit_test(test_overlong_line),
        cmocka_unit_test(test_empty_and_unterminated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
