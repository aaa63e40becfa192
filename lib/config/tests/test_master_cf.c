/* test_master_cf.c - unit tests for the master.cf reader. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/master_cf.h"
#include "util/mem.h"

static master_cf_t *parse_ok(const char *text)
{
    master_cf_t *cf = NULL;
    char *err = NULL;

    if (master_cf_parse(text, strlen(text), "master.cf", &cf, &err) != 0)
        fail_msg("unexpected error: %s", err);
    assert_non_null(cf);
    return cf;
}

static char *parse_err(const char *text, size_t len)
{
    master_cf_t *cf = NULL;
    char *err = NULL;

    assert_int_equal(master_cf_parse(text, len, "master.cf", &cf, &err), -1);
    assert_null(cf);
    assert_non_null(err);
    return err;
}

static void test_stock_lines_and_defaults(void **state)
{
    master_cf_t *cf = parse_ok(
        "# comment\n"
        "smtp      inet  n       -       y       -       -       smtpd\n"
        "pickup    unix  n       -       y       60      1       pickup\n"
        "flush     unix  n       -       n       1000?   0       flush\n"
        "cleanup   unix  -       -       -       -       -       cleanup\n");
    const master_entry_t *e;

    (void) state;
    assert_int_equal(cf->count, 4);
    e = master_cf_find(cf, "smtp", MASTER_INET);
    assert_non_null(e);
    assert_false(e->is_private);
    assert_true(e->unpriv);
    assert_true(e->chroot);
    assert_int_equal(e->wakeup, 0);
    assert_int_equal(e->maxproc, MASTER_MAXPROC_DEFAULT);
    assert_string_equal(e->command, "smtpd");
    assert_int_equal(e->nargs, 0);
    assert_null(e->args[0]);
    assert_int_equal(e->line, 2);
    e = master_cf_find(cf, "pickup", MASTER_UNIX);
    assert_int_equal(e->wakeup, 60);
    assert_false(e->wakeup_if_used);
    assert_int_equal(e->maxproc, 1);
    e = master_cf_find(cf, "flush", MASTER_UNIX);
    assert_int_equal(e->wakeup, 1000);
    assert_true(e->wakeup_if_used);
    assert_int_equal(e->maxproc, 0);
    e = master_cf_find(cf, "cleanup", MASTER_UNIX);
    assert_true(e->is_private);     /* '-' defaults: y, y, n */
    assert_true(e->unpriv);
    assert_false(e->chroot);
    assert_string_equal(e->column[2], "-");
    assert_null(master_cf_find(cf, "cleanup", MASTER_INET));
    assert_null(cf->warnings);
    config_reset();
    assert_int_equal(master_entry_maxproc(e), 100);
    master_cf_free(cf);
}

static void test_options_continuation_and_braces(void **state)
{
    master_cf_t *cf = parse_ok(
        "submission inet n - n - - smtpd\n"
        "  -o syslog_name=postfix/submission\n"
        "\t-o { smtpd_tls_security_level = encrypt }\n"
        "# a comment inside the entry\n"
        "  -o {smtpd_recipient_restrictions = permit_sasl_authenticated, reject }\n"
        "  -v -v -D -o smtpd_banner={ a b }\n");
    const master_entry_t *e = &cf->entries[0];

    (void) state;
    assert_int_equal(cf->count, 1);
    assert_int_equal(e->nopts, 4);
    assert_string_equal(e->opts[0].name, "syslog_name");
    assert_string_equal(e->opts[0].value, "postfix/submission");
    assert_string_equal(e->opts[1].name, "smtpd_tls_security_level");
    assert_string_equal(e->opts[1].value, "encrypt");
    assert_string_equal(e->opts[2].value, "permit_sasl_authenticated, reject");
    assert_string_equal(e->opts[3].name, "smtpd_banner");
    assert_string_equal(e->opts[3].value, "{ a b }");
    assert_string_equal(master_entry_opt(e, "smtpd_tls_security_level"), "encrypt");
    assert_null(master_entry_opt(e, "nope"));
    assert_int_equal(e->verbose, 2);
    assert_true(e->debug);
    assert_int_equal(e->nrest, 0);
    assert_string_equal(e->args[0], "-o");
    assert_string_equal(e->args[1], "syslog_name=postfix/submission");
    assert_string_equal(e->args[3], "smtpd_tls_security_level=encrypt");
    master_cf_free(cf);
}

static void test_pipe_arguments_are_not_options(void **state)
{
    master_cf_t *cf = parse_ok(
        "maildrop unix - n n - - pipe\n"
        "  flags=DRXhu user=vmail argv=/usr/bin/maildrop -o x -d ${recipient}\n"
        "ex unix - n n - - pipe -ofoo=bar -n name { a  b }\n");
    const master_entry_t *e = &cf->entries[0];

    (void) state;
    assert_int_equal(e->nopts, 0);
    assert_int_equal(e->nrest, 7);
    assert_string_equal(e->rest[0], "flags=DRXhu");
    assert_string_equal(e->rest[3], "-o");
    assert_string_equal(e->rest[6], "${recipient}");
    e = &cf->entries[1];
    assert_int_equal(e->nopts, 1);
    assert_string_equal(e->opts[0].value, "bar");
    assert_int_equal(e->nrest, 1);
    assert_string_equal(e->rest[0], "a  b");
    master_cf_free(cf);
}

static void test_duplicate_service_last_wins(void **state)
{
    master_cf_t *cf = parse_ok(
        "smtp inet n - n - - smtpd\n"
        "smtp unix - - n - - smtp\n"
        "smtp inet n - n - 5 smtpd -o a=b\n");
    const master_entry_t *e = master_cf_find(cf, "smtp", MASTER_INET);

    (void) state;
    assert_int_equal(cf->count, 2);
    assert_int_equal(e->maxproc, 5);
    assert_int_equal(e->line, 3);
    assert_int_equal(cf->nwarnings, 1);
    assert_non_null(strstr(cf->warnings[0], "master.cf, line 3: duplicate service smtp/inet"));
    assert_string_equal(cf->entries[1].service, "smtp");
    assert_int_equal(cf->entries[1].type, MASTER_INET);
    master_cf_free(cf);
}

static void test_errors_name_file_and_line(void **state)
{
    static const struct {
        const char *text;
        const char *want;
    } cases[] = {
        {"smtp inet n - n - -\n", "master.cf, line 1: bad field count"},
        {"\n\nsmtp tcp n - n - - smtpd\n", "master.cf, line 3: type column: unknown service type: \"tcp\""},
        {"smtp inet yes - n - - smtpd\n", "master.cf, line 1: private column: bad value: \"yes\""},
        {"smtp inet n Y n - - smtpd\n", "master.cf, line 1: unpriv column"},
        {"smtp inet n - n 1x - smtpd\n", "master.cf, line 1: wakeup column"},
        {"smtp inet n - n ? - smtpd\n", "master.cf, line 1: wakeup column"},
        {"smtp inet n - n - 99999999999 smtpd\n", "master.cf, line 1: maxproc column"},
        {"smtp inet n - n - -1 smtpd\n", "master.cf, line 1: maxproc column"},
        {"smtp inet n - n - - smtpd -o\n", "master.cf, line 1: option without its value"},
        {"smtp inet n - n - - smtpd -o novalue\n", "master.cf, line 1: -o needs name=value"},
        {"smtp inet n - n - - smtpd -o { = x }\n", "master.cf, line 1: -o needs name=value"},
        {"smtp inet n - n - - smtpd -o { a = b\n", "master.cf, line 1: missing '}'"},
        {"smtp inet n - n - - smtpd -o {a=b}c\n", "master.cf, line 1: text after '}'"},
        {"smtp inet n - n - - smtpd x={\n", "master.cf, line 1: missing '}'"},
    };

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *err = parse_err(cases[i].text, strlen(cases[i].text));
        if (strstr(err, cases[i].want) == NULL)
            fail_msg("case %zu: got \"%s\", want \"%s\"", i, err, cases[i].want);
        xfree(err);
    }
}

static void test_nasty_input(void **state)
{
    static const char with_nul[] = "a inet n - n - - smtpd\nb unix - - n - - x\0y\n";
    master_cf_t *cf;
    char *err = parse_err(with_nul, sizeof(with_nul) - 1);
    buf_t big;

    (void) state;
    assert_string_equal(err, "master.cf, line 2: NUL byte in line");
    xfree(err);
    /* CRLF, no final newline, upper case kept as written */
    cf = parse_ok("SMTP inet n - n - - smtpd\r\n  -o A=B\r\nx unix - - n - - X");
    assert_int_equal(cf->count, 2);
    assert_string_equal(cf->entries[0].service, "SMTP");
    assert_string_equal(cf->entries[0].opts[0].value, "B");
    assert_string_equal(cf->entries[1].command, "X");
    master_cf_free(cf);
    /* an orphan continuation line is a warning, not an error */
    cf = parse_ok("   -o a=b\nsmtp inet n - n - - smtpd\n");
    assert_int_equal(cf->count, 1);
    assert_int_equal(cf->nwarnings, 1);
    master_cf_free(cf);
    /* a very long line with many arguments */
    buf_init(&big);
    buf_puts(&big, "smtp inet n - n - - smtpd");
    for (int i = 0; i < 20000; i++)
        buf_printf(&big, " -o p%d=%d", i, i);
    cf = parse_ok(buf_str(&big));
    assert_int_equal(cf->entries[0].nopts, 20000);
    assert_string_equal(cf->entries[0].opts[19999].name, "p19999");
    master_cf_free(cf);
    buf_dispose(&big);
    /* empty input */
    cf = parse_ok("");
    assert_int_equal(cf->count, 0);
    master_cf_free(cf);
}

static void test_load_missing_file(void **state)
{
    master_cf_t *cf = NULL;
    char *err = NULL;

    (void) state;
    assert_int_equal(master_cf_load("/nonexistent/master.cf", &cf, &err), -1);
    assert_non_null(strstr(err, "/nonexistent/master.cf"));
    xfree(err);
}

static void test_type_names(void **state)
{
    master_type_t t;

    (void) state;
    assert_true(master_type_parse("unix-dgram", &t));
    assert_int_equal(t, MASTER_UNIX_DGRAM);
    assert_string_equal(master_type_name(MASTER_PASS), "pass");
    assert_string_equal(master_type_name(MASTER_FIFO), "fifo");
    assert_false(master_type_parse("INET", &t));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stock_lines_and_defaults),
        cmocka_unit_test(test_options_continuation_and_braces),
        cmocka_unit_test(test_pipe_arguments_are_not_options),
        cmocka_unit_test(test_duplicate_service_last_wins),
        cmocka_unit_test(test_errors_name_file_and_line),
        cmocka_unit_test(test_nasty_input),
        cmocka_unit_test(test_load_missing_file),
        cmocka_unit_test(test_type_names),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    config_reset();
    return rc;
}
