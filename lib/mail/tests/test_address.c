/* test_address.c - unit tests for RFC 5321 path parsing, quoting and the
 * domain syntax checks, including hostile input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "mail/address.h"
#include "mail/address_domain.h"
#include "util/buf.h"
#include "util/mem.h"

#define STRICT MAIL_ADDR_OPT_STRICT
#define UTF8 MAIL_ADDR_OPT_UTF8

struct parse_case {
    const char *in;
    unsigned opts;
    int want_rc;
    const char *want_addr;      /* internal form when ok */
    unsigned want_flags;        /* flags that must be set */
    size_t want_used;           /* 0: whole input */
};

static const struct parse_case parse_cases[] = {
    {"<>", STRICT, 0, "", MAIL_ADDR_F_NULL, 0},
    {"<user@example.com>", STRICT, 0, "user@example.com", 0, 0},
    {"  <user@example.com>", STRICT, 0, "user@example.com", 0, 0},
    {"<User.Name+tag@Example.COM>", STRICT, 0, "User.Name+tag@Example.COM", 0, 0},
    {"<@a.example,@b.example:u@c.example>", STRICT, 0, "u@c.example", MAIL_ADDR_F_ROUTE, 0},
    {"<@a.example:u@c.example>", STRICT, 0, "u@c.example", MAIL_ADDR_F_ROUTE, 0},
    {"<@[1.2.3.4]:u@c.example>", STRICT, 0, "u@c.example", MAIL_ADDR_F_ROUTE, 0},
    {"<\"a b\"@x.example>", STRICT, 0, "a b@x.example", MAIL_ADDR_F_QUOTED, 0},
    {"<\"a\\\"b\\\\c\"@x>", STRICT, 0, "a\"b\\c@x", MAIL_ADDR_F_QUOTED, 0},
    {"<\"a@b\"@c.example>", STRICT, 0, "a@b@c.example", MAIL_ADDR_F_AT_IN_LOCAL, 0},
    {"<\"\"@x.example>", STRICT, 0, "@x.example", MAIL_ADDR_F_QUOTED, 0},
    {"<u@[1.2.3.4]>", STRICT, 0, "u@[1.2.3.4]", MAIL_ADDR_F_LITERAL, 0},
    {"<u@[IPv6:2001:db8::1]>", STRICT, 0, "u@[IPv6:2001:db8::1]", MAIL_ADDR_F_LITERAL, 0},
    {"<u@[ipv6:::1]>", STRICT, 0, "u@[ipv6:::1]", MAIL_ADDR_F_LITERAL, 0},
    {"<u@[x-tag:some.thing]>", STRICT, 0, "u@[x-tag:some.thing]", MAIL_ADDR_F_LITERAL, 0},
    {"<postmaster>", STRICT, 0, "postmaster", MAIL_ADDR_F_NO_DOMAIN, 0},
    {"<user%host@relay.example>", STRICT, 0, "user%host@relay.example", MAIL_ADDR_F_PERCENT, 0},
    {"<host!user@relay.example>", STRICT, 0, "host!user@relay.example", MAIL_ADDR_F_BANG, 0},
    {"<a..b@x>", STRICT, 0, "a..b@x", 0, 0},      /* lenient like Postfix */
    {"<.a.@x>", STRICT, 0, ".a.@x", 0, 0},
    {"<a@b> SIZE=10", STRICT, 0, "a@b", 0, 5},
    {"<a@b>\tBODY=8BITMIME", STRICT, 0, "a@b", 0, 5},
    {"<a@b> junk", STRICT, 0, "a@b", 0, 5},        /* junk left to the caller */
    /* missing brackets */
    {"user@example.com", 0, 0, "user@example.com", MAIL_ADDR_F_NO_BRACKETS, 0},
    {"user@example.com SIZE=5", 0, 0, "user@example.com", MAIL_ADDR_F_NO_BRACKETS, 16},
    {"user@example.com", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"\"a b\"@x", 0, 0, "a b@x", MAIL_ADDR_F_NO_BRACKETS | MAIL_ADDR_F_QUOTED, 0},
    /* UTF-8 */
    {"<j\xc3\xb6rg@b\xc3\xbc" "cher.example>", STRICT | UTF8, 0,
     "j\xc3\xb6rg@b\xc3\xbc" "cher.example", MAIL_ADDR_F_UTF8, 0},
    {"<\"j\xc3\xb6 rg\"@x>", STRICT | UTF8, 0, "j\xc3\xb6 rg@x", MAIL_ADDR_F_UTF8, 0},
    {"<j\xc3\xb6rg@x>", STRICT, MAIL_ADDR_ERR_8BIT, NULL, 0, 0},
    {"<j\xf6rg@x>", STRICT | UTF8, MAIL_ADDR_ERR_UTF8, NULL, 0, 0},
    {"<j\xc0\xafrg@x>", STRICT | UTF8, MAIL_ADDR_ERR_UTF8, NULL, 0, 0},
    /* hostile and broken */
    {"", 0, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"   ", 0, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<a@b", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"a@b>", 0, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<<a@b>>", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<a@b>junk", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<a@b>>", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<a b@c>", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"< a@b>", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<a@>", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<@b>", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<@a,b:u@c>", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<@a:>", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<\"abc@x>", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<\"a\\", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<\"a\rb\"@x>", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<\"a\nb\"@x>", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<a\r\n@b>", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<a@b\r\n>", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<a@[1.2.3.4>", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<a@[1.2.3.400]>", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<a@[IPv6:zz::1]>", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<a@[a[b]>", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<\"a@b\">", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},    /* ambiguous */
    {"\"u/er@?exa\"", 0, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<a@[6::@:1]>", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},   /* '@' in literal */
    {"<a@b(comment)>", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<a@b;c>", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
    {"<a,b@c>", STRICT, MAIL_ADDR_ERR_SYNTAX, NULL, 0, 0},
};

static void test_parse_table(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        const struct parse_case *pc = &parse_cases[i];
        mail_addr_t a;
        char *err = NULL;
        size_t used = 0;
        int rc;

        mail_addr_init(&a);
        rc = mail_addr_parse_path(pc->in, strlen(pc->in), pc->opts, &a, &used, &err);
        if (rc != pc->want_rc)
            fail_msg("case %zu %s: rc %d want %d (%s)", i, pc->in, rc, pc->want_rc,
                     err ? err : "");
        if (rc == 0) {
            size_t want_used = pc->want_used ? pc->want_used : strlen(pc->in);

            if (strcmp(a.addr.data, pc->want_addr) != 0)
                fail_msg("case %zu %s: got '%s' want '%s'", i, pc->in, a.addr.data,
                         pc->want_addr);
            if ((a.flags & pc->want_flags) != pc->want_flags)
                fail_msg("case %zu %s: flags %#x lack %#x", i, pc->in, a.flags,
                         pc->want_flags);
            if (used != want_used)
                fail_msg("case %zu %s: used %zu want %zu", i, pc->in, used, want_used);
            assert_null(err);
        } else {
            assert_non_null(err);
            assert_int_equal(a.addr.len, 0);
        }
        xfree(err);
        mail_addr_dispose(&a);
    }
}

static void test_nul_inside(void **state)
{
    static const char in[] = "<a\0b@c>";
    mail_addr_t a;
    char *err = NULL;

    (void) state;
    mail_addr_init(&a);
    assert_int_equal(mail_addr_parse_path(in, sizeof(in) - 1, 0, &a, NULL, &err),
                     MAIL_ADDR_ERR_SYNTAX);
    xfree(err);
    err = NULL;
    assert_int_equal(mail_addr_parse_path("<\"a\0b\"@c>", 9, 0, &a, NULL, &err),
                     MAIL_ADDR_ERR_SYNTAX);
    xfree(err);
    mail_addr_dispose(&a);
}

static void test_huge_addresses(void **state)
{
    size_t n = 10000;
    char *big = xmalloc(n + 16);
    mail_addr_t a;
    char *err = NULL;

    (void) state;
    mail_addr_init(&a);
    big[0] = '<';
    memset(big + 1, 'a', n);
    memcpy(big + 1 + n, "@b>", 4);
    assert_int_equal(mail_addr_parse_path(big, strlen(big), 0, &a, NULL, &err),
                     MAIL_ADDR_ERR_SYNTAX);
    assert_string_equal(err, "address too long");
    xfree(err);
    err = NULL;

    /* just under the hard limit: accepted, but flagged as too long */
    memset(big + 1, 'a', 2000);
    memcpy(big + 1 + 2000, "@b>", 4);
    assert_int_equal(mail_addr_parse_path(big, strlen(big), 0, &a, NULL, &err), 0);
    assert_true(a.flags & MAIL_ADDR_F_TOO_LONG);
    assert_int_equal(mail_addr_local_len(&a), 2000);

    /* unterminated 10k quoted string */
    big[1] = '"';
    memset(big + 2, 'x', n - 1);
    big[n + 1] = '\0';
    assert_int_equal(mail_addr_parse_path(big, strlen(big), 0, &a, NULL, &err),
                     MAIL_ADDR_ERR_SYNTAX);
    xfree(err);
    xfree(big);
    mail_addr_dispose(&a);
}

static void test_rfc_limits_flag(void **state)
{
    char in[400];
    mail_addr_t a;

    (void) state;
    mail_addr_init(&a);
    snprintf(in, sizeof(in), "<%064d@x>", 0);
    assert_int_equal(mail_addr_parse_path(in, strlen(in), 0, &a, NULL, NULL), 0);
    assert_false(a.flags & MAIL_ADDR_F_TOO_LONG);
    snprintf(in, sizeof(in), "<%065d@x>", 0);
    assert_int_equal(mail_addr_parse_path(in, strlen(in), 0, &a, NULL, NULL), 0);
    assert_true(a.flags & MAIL_ADDR_F_TOO_LONG);
    mail_addr_dispose(&a);
}

static void test_split_and_domain(void **state)
{
    mail_addr_t a;

    (void) state;
    mail_addr_init(&a);
    assert_int_equal(mail_addr_parse_path("<\"x@y\"@z.example>", 17, 0, &a, NULL, NULL), 0);
    assert_int_equal(mail_addr_local_len(&a), 3);
    assert_string_equal(mail_addr_domain(&a), "z.example");
    assert_int_equal(mail_addr_split("a@b@c", 5), 3);
    assert_int_equal(mail_addr_split("abc", 3), 3);
    assert_int_equal(mail_addr_parse_path("<>", 2, 0, &a, NULL, NULL), 0);
    assert_string_equal(mail_addr_domain(&a), "");
    assert_int_equal(mail_addr_local_len(&a), 0);
    mail_addr_dispose(&a);
}

struct quote_case {
    const char *internal;
    const char *quoted;
};

static void test_quote(void **state)
{
    static const struct quote_case cases[] = {
        {"", ""},
        {"user@example.com", "user@example.com"},
        {"a b@x", "\"a b\"@x"},
        {"a\"b\\c@x", "\"a\\\"b\\\\c\"@x"},
        {"a@b@c", "\"a@b\"@c"},
        {"@x", "\"\"@x"},
        {"a..b@x", "\"a..b\"@x"},
        {".a@x", "\".a\"@x"},
        {"postmaster", "postmaster"},
        {"j\xc3\xb6rg@x", "j\xc3\xb6rg@x"},
    };
    buf_t out = BUF_INIT;

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        buf_reset(&out);
        mail_addr_quote(cases[i].internal, strlen(cases[i].internal), &out);
        if (strcmp(out.data, cases[i].quoted) != 0)
            fail_msg("case %zu: got '%s' want '%s'", i, out.data, cases[i].quoted);
    }
    buf_reset(&out);
    mail_addr_quote_path("a b@x", 5, &out);
    assert_string_equal(out.data, "<\"a b\"@x>");
    buf_dispose(&out);
}

/* quote(parse(x)) parses back to the same internal form */
static void test_round_trip(void **state)
{
    static const char *inputs[] = {
        "<\"a b\"@x>", "<\"a\\\"b\"@x>", "<\"a@b\"@c>", "<plain@x.example>", "<\"\"@x>",
        "<\"a..b\"@x>", "<a..b@x>",
    };
    buf_t q = BUF_INIT;
    mail_addr_t a, b;

    (void) state;
    mail_addr_init(&a);
    mail_addr_init(&b);
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        assert_int_equal(mail_addr_parse_path(inputs[i], strlen(inputs[i]), STRICT, &a, NULL,
                                              NULL), 0);
        buf_reset(&q);
        mail_addr_quote_path(a.addr.data, a.addr.len, &q);
        assert_int_equal(mail_addr_parse_path(q.data, q.len, STRICT, &b, NULL, NULL), 0);
        assert_string_equal(a.addr.data, b.addr.data);
    }
    buf_dispose(&q);
    mail_addr_dispose(&a);
    mail_addr_dispose(&b);
}

static void test_dot_string(void **state)
{
    (void) state;
    assert_true(mail_local_is_dot_string("a.b", 3, false));
    assert_false(mail_local_is_dot_string("a..b", 4, false));
    assert_false(mail_local_is_dot_string(".a", 2, false));
    assert_false(mail_local_is_dot_string("a.", 2, false));
    assert_false(mail_local_is_dot_string("", 0, false));
    assert_false(mail_local_is_dot_string("a b", 3, false));
    assert_false(mail_local_is_dot_string("\xc3\xb6", 2, false));
    assert_true(mail_local_is_dot_string("\xc3\xb6", 2, true));
}

struct name_case {
    const char *name;
    bool hostname, helo, fqdn;
};

static void test_domain_checks(void **state)
{
    static const struct name_case cases[] = {
        {"mail.example.com", true, true, true},
        {"mail.example.com.", false, false, true},
        {"localhost", true, true, false},
        {"under_score.example", true, true, true},
        {"-bad.example", false, false, false},
        {"bad-.example", false, false, false},
        {"a..b", false, false, false},
        {".a", false, false, false},
        {"", false, false, false},
        {"1.2.3.4", false, true, false},
        {"::1", false, true, false},
        {"[1.2.3.4]", false, true, true},
        {"[IPv6:::1]", false, true, true},
        {"[1.2.3.4", false, false, false},
        {"[300.1.1.1]", false, false, false},
        {"123", false, false, false},
        {"ex ample.com", false, false, false},
        {"ex\tample.com", false, false, false},
    };

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct name_case *c = &cases[i];
        size_t n = strlen(c->name);

        if (mail_hostname_valid(c->name, n, false) != c->hostname)
            fail_msg("hostname %s: want %d", c->name, c->hostname);
        if (mail_helo_valid(c->name, n, false) != c->helo)
            fail_msg("helo %s: want %d", c->name, c->helo);
        if (mail_domain_is_fqdn(c->name, n, false) != c->fqdn)
            fail_msg("fqdn %s: want %d", c->name, c->fqdn);
    }
}

static void test_hostname_lengths(void **state)
{
    char name[300];

    (void) state;
    memset(name, 'a', 63);
    memcpy(name + 63, ".com", 5);
    assert_true(mail_hostname_valid(name, strlen(name), false));
    memset(name, 'a', 64);
    memcpy(name + 64, ".com", 5);
    assert_false(mail_hostname_valid(name, strlen(name), false));
    /* 256 bytes of short labels */
    for (int i = 0; i < 128; i++)
        memcpy(name + 2 * i, "a.", 2);
    name[255] = 'b';
    name[256] = '\0';
    assert_false(mail_hostname_valid(name, 256, false));
    assert_true(mail_hostname_valid(name + 1 + 0, 0, false) == false);
    name[254] = 'b';                            /* "a.a. ... a.b": 255 bytes */
    assert_true(mail_hostname_valid(name, 255, false));
    assert_true(mail_hostname_valid("b\xc3\xbc" "cher.example", 13, true));
    assert_false(mail_hostname_valid("b\xc3\xbc" "cher.example", 13, false));
    assert_false(mail_hostname_valid("a\0b.com", 7, false));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_nul_inside),
        cmocka_unit_test(test_huge_addresses),
        cmocka_unit_test(test_rfc_limits_flag),
        cmocka_unit_test(test_split_and_domain),
        cmocka_unit_test(test_quote),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_dot_string),
        cmocka_unit_test(test_domain_checks),
        cmocka_unit_test(test_hostname_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
