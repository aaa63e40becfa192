/* test_auth_proto.c - unit tests for the Dovecot auth protocol reader:
 * line taking (bare LF, CRLF, no newline, overlong), command parsing
 * (good commands, nasty input: NUL, missing tabs, unknown commands, huge
 * ids, signs, bad escaping, resp= last) and tab-escaping both ways. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "auth/auth_proto.h"
#include "util/mem.h"

static void test_line_take(void **state)
{
    buf_t in = BUF_INIT, line = BUF_INIT;

    (void) state;
    buf_init(&in);
    buf_init(&line);
    buf_puts(&in, "VERSION\t1\t2\r\nCPID\t7\nAUTH");
    assert_int_equal(auth_line_take(&in, &line, 100), 1);
    assert_string_equal(line.data, "VERSION\t1\t2");
    assert_int_equal(auth_line_take(&in, &line, 100), 1);
    assert_string_equal(line.data, "CPID\t7");
    assert_int_equal(auth_line_take(&in, &line, 100), 0);
    assert_string_equal(in.data, "AUTH");
    buf_puts(&in, "\n\n\r\n");
    assert_int_equal(auth_line_take(&in, &line, 100), 1);
    assert_string_equal(line.data, "AUTH");
    assert_int_equal(auth_line_take(&in, &line, 100), 1);
    assert_int_equal(line.len, 0);
    assert_int_equal(auth_line_take(&in, &line, 100), 1);
    assert_int_equal(line.len, 0);
    assert_int_equal(in.len, 0);
    /* overlong: with and without a line end */
    for (int i = 0; i < 101; i++)
        buf_putc(&in, 'x');
    assert_int_equal(auth_line_take(&in, &line, 100), -1);
    buf_putc(&in, '\n');
    assert_int_equal(auth_line_take(&in, &line, 100), -1);
    buf_reset(&in);
    for (int i = 0; i < 100; i++)
        buf_putc(&in, 'x');
    assert_int_equal(auth_line_take(&in, &line, 100), 0);
    buf_puts(&in, "\n");
    assert_int_equal(auth_line_take(&in, &line, 100), 1);
    assert_int_equal(line.len, 100);
    /* NUL is kept for the parser to refuse */
    buf_append(&in, "a\0b\n", 4);
    assert_int_equal(auth_line_take(&in, &line, 100), 1);
    assert_int_equal(line.len, 3);
    buf_dispose(&in);
    buf_dispose(&line);
}

static struct auth_cmd parse_ok(const char *text)
{
    struct auth_cmd c;
    char *err = NULL;

    if (auth_cmd_parse(text, strlen(text), &c, &err) != 0)
        fail_msg("\"%s\": %s", text, err);
    return c;
}

static void test_commands(void **state)
{
    struct auth_cmd c;

    (void) state;
    c = parse_ok("VERSION\t1\t2");
    assert_int_equal(c.type, AUTH_CMD_VERSION);
    assert_int_equal(c.major, 1);
    assert_int_equal(c.minor, 2);
    auth_cmd_free(&c);
    c = parse_ok("CPID\t12345");
    assert_int_equal(c.type, AUTH_CMD_CPID);
    assert_int_equal(c.pid, 12345);
    auth_cmd_free(&c);
    c = parse_ok("AUTH\t4294967295\tPLAIN\tservice=smtp\tnologin\tlip=127.0.0.1"
                 "\trip=192.0.2.1\tsecured\tunknown=x\tresp=AGEAYg==\tservice=evil");
    assert_int_equal(c.type, AUTH_CMD_AUTH);
    assert_int_equal(c.id, 4294967295UL);
    assert_string_equal(c.mech, "PLAIN");
    assert_string_equal(c.service, "smtp");
    assert_string_equal(c.rip, "192.0.2.1");
    assert_string_equal(c.lip, "127.0.0.1");
    assert_true(c.secured);
    assert_true(c.nologin);
    assert_true(c.has_resp);
    assert_string_equal(c.data, "AGEAYg==");
    auth_cmd_free(&c);
    c = parse_ok("AUTH\t1\tLOGIN\tservice=imap\tresp=");
    assert_true(c.has_resp);
    assert_string_equal(c.data, "");
    assert_false(c.secured);
    assert_null(c.rip);
    auth_cmd_free(&c);
    c = parse_ok("AUTH\t1\tLOGIN\tservice=imap");
    assert_false(c.has_resp);
    auth_cmd_free(&c);
    c = parse_ok("AUTH\t2\tPLAIN\tservice=a\001tb");
    assert_string_equal(c.service, "a\tb");
    auth_cmd_free(&c);
    c = parse_ok("CONT\t9\t");
    assert_int_equal(c.type, AUTH_CMD_CONT);
    assert_int_equal(c.id, 9);
    assert_string_equal(c.data, "");
    auth_cmd_free(&c);
    c = parse_ok("REQUEST\t1\t2");
    assert_int_equal(c.type, AUTH_CMD_UNKNOWN);
    assert_string_equal(c.name, "REQUEST");
    auth_cmd_free(&c);
    c = parse_ok("AUTH 1 PLAIN service=smtp");
    assert_int_equal(c.type, AUTH_CMD_UNKNOWN);
    auth_cmd_free(&c);
    c = parse_ok("auth\t1\tPLAIN\tservice=smtp");
    assert_int_equal(c.type, AUTH_CMD_UNKNOWN);
    auth_cmd_free(&c);
}

static void test_bad_commands(void **state)
{
    static const char *const bad[] = {
        "", "VERSION", "VERSION\t1", "VERSION\tx\t1", "VERSION\t-1\t0",
        "VERSION\t99999999999\t0", "CPID", "CPID\t", "CPID\t+5",
        "AUTH", "AUTH\t1", "AUTH\t1\tPLAIN", "AUTH\t\tPLAIN\tservice=smtp",
        "AUTH\t4294967296\tPLAIN\tservice=smtp", "AUTH\t1\t\tservice=smtp",
        "AUTH\t 1\tPLAIN\tservice=smtp", "AUTH\t1\tPLAIN\tservice=",
        "AUTH\t1\tPLAIN\tresp=AA==\tservice=smtp",
        "AUTH\t1\tPLAIN\tservice=smtp\001", "AUTH\t1\tPLAIN\tservice=a\0010b",
        "AUTH\t00000000001\tPLAIN\tservice=smtp",
        "CONT", "CONT\t1", "CONT\tx\tAA==",
    };
    struct auth_cmd c;

    (void) state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *err = NULL;

        if (auth_cmd_parse(bad[i], strlen(bad[i]), &c, &err) != -1)
            fail_msg("accepted \"%s\"", bad[i]);
        assert_non_null(err);
        xfree(err);
    }
    {
        char *err = NULL;

        assert_int_equal(auth_cmd_parse("CPID\t1\0", 7, &c, &err), -1);
        assert_string_equal(err, "NUL byte in line");
        xfree(err);
    }
}

static void test_escape(void **state)
{
    buf_t b = BUF_INIT, back = BUF_INIT;
    const char raw[] = "a\tb\nc\rd\001e\0f";

    (void) state;
    buf_init(&b);
    buf_init(&back);
    auth_tab_escape(&b, raw, sizeof(raw) - 1);
    assert_null(memchr(b.data, '\t', b.len));
    assert_null(memchr(b.data, '\n', b.len));
    assert_null(memchr(b.data, '\0', b.len));
    assert_int_equal(auth_tab_unescape(&back, b.data, b.len), 0);
    assert_int_equal(back.len, sizeof(raw) - 1);
    assert_memory_equal(back.data, raw, back.len);
    buf_reset(&back);
    assert_int_equal(auth_tab_unescape(&back, "x\001l\001z", 5), 0);
    assert_string_equal(back.data, "x\nz");
    assert_int_equal(auth_tab_unescape(&back, "x\001", 2), -1);
    buf_dispose(&b);
    buf_dispose(&back);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_take),
        cmocka_unit_test(test_commands),
        cmocka_unit_test(test_bad_commands),
        cmocka_unit_test(test_escape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
