/* test_access.c - the access(5) search order: key lists for addresses,
 * extensions, the null sender, host names, IPv4 and IPv6 client
 * addresses, pattern tables, and searches through real tables. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_pattern_util.h"
#include "dict/access.h"

#define MAX_KEYS 12

enum kind { ADDRESS, DOMAIN, HOSTADDR, CLIENT };

struct order_case {
    enum kind kind;
    const char *input;       /* CLIENT: "hostname|address" */
    bool parent_matches;
    const char *delimiter;
    bool pattern;
    const char *want[MAX_KEYS];
};

static const struct order_case order_cases[] = {
    {ADDRESS, "user@mail.example.com", false, NULL, false,
     {"user@mail.example.com", "mail.example.com", ".example.com", ".com", "user@"}},
    {ADDRESS, "user@mail.example.com", true, NULL, false,
     {"user@mail.example.com", "mail.example.com", "example.com", "com", "user@"}},
    {ADDRESS, "user+foo@example.com", true, "+", false,
     {"user+foo@example.com", "user@example.com", "example.com", "com", "user+foo@", "user@"}},
    {ADDRESS, "user+foo@example.com", true, NULL, false,
     {"user+foo@example.com", "example.com", "com", "user+foo@"}},
    {ADDRESS, "user-foo+bar@example.com", true, "+-", false,
     {"user-foo+bar@example.com", "user@example.com", "example.com", "com", "user-foo+bar@",
      "user@"}},
    {ADDRESS, "+foo@example.com", true, "+", false,   /* no base before the delimiter */
     {"+foo@example.com", "example.com", "com", "+foo@"}},
    {ADDRESS, "user+foo@example.com", true, "+", true, {"user+foo@example.com"}},
    {ADDRESS, "", true, NULL, false, {"<>"}},
    {ADDRESS, "", true, NULL, true, {"<>"}},
    {ADDRESS, "postmaster", true, NULL, false, {"postmaster", "postmaster@"}},
    {ADDRESS, "a@b@example.com", true, NULL, false, {"a@b@example.com", "example.com", "com", "a@b@"}},
    {ADDRESS, "user@[1.2.3.4]", true, NULL, false, {"user@[1.2.3.4]", "[1.2.3.4]", "user@"}},
    {DOMAIN, "a.b.example.com", false, NULL, false,
     {"a.b.example.com", ".b.example.com", ".example.com", ".com"}},
    {DOMAIN, "a.b.example.com", true, NULL, false,
     {"a.b.example.com", "b.example.com", "example.com", "com"}},
    {DOMAIN, "example.com.", true, NULL, false, {"example.com.", "com."}},
    {DOMAIN, "localhost", false, NULL, false, {"localhost"}},
    {DOMAIN, "a.b.example.com", false, NULL, true, {"a.b.example.com"}},
    {HOSTADDR, "1.2.3.4", false, NULL, false, {"1.2.3.4", "1.2.3", "1.2", "1"}},
    {HOSTADDR, "1.2.3.4", false, NULL, true, {"1.2.3.4"}},
    {HOSTADDR, "::ffff:1.2.3.4", false, NULL, false, {"1.2.3.4", "1.2.3", "1.2", "1"}},
    {HOSTADDR, "2001:DB8:0:0:1:2:3:4", false, NULL, false,
     {"2001:db8::1:2:3:4", "2001:db8::1:2:3", "2001:db8::1:2", "2001:db8::1", "2001:db8:",
      "2001:db8", "2001"}},
    {HOSTADDR, "1:2:3:4:5:6:7:8", false, NULL, false,
     {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7", "1:2:3:4:5:6", "1:2:3:4:5", "1:2:3:4", "1:2:3", "1:2",
      "1"}},
    {HOSTADDR, "::1", false, NULL, false, {"::1", ":"}},
    {HOSTADDR, "not-an-address", false, NULL, false, {"not-an-address"}},
    {CLIENT, "mail.example.com|1.2.3.4", true, NULL, false,
     {"mail.example.com", "example.com", "com", "1.2.3.4", "1.2.3", "1.2", "1"}},
    {CLIENT, "unknown|10.0.0.1", true, NULL, false, {"10.0.0.1", "10.0.0", "10.0", "10"}},
    {CLIENT, "mail.example.com|2001:db8::1", false, NULL, true, {"mail.example.com", "2001:db8::1"}},
};

static void keys_for(const struct order_case *c, struct access_keys *keys)
{
    struct access_options opts = {c->parent_matches, c->delimiter, NULL};
    char host[256];
    const char *bar;

    switch (c->kind) {
    case ADDRESS:
        access_keys_address(c->input, &opts, c->pattern, keys);
        break;
    case DOMAIN:
        access_keys_domain(c->input, &opts, c->pattern, keys);
        break;
    case HOSTADDR:
        access_keys_hostaddr(c->input, c->pattern, keys);
        break;
    case CLIENT:
        bar = strchr(c->input, '|');
        snprintf(host, sizeof(host), "%.*s", (int) (bar - c->input), c->input);
        access_keys_client(host, bar + 1, &opts, c->pattern, keys);
        break;
    }
}

static void test_key_order(void **state)
{
    (void) state;
    for (size_t i = 0; i < TP_N(order_cases); i++) {
        const struct order_case *c = &order_cases[i];
        struct access_keys keys = {NULL, 0};
        size_t want_count = 0;

        keys_for(c, &keys);
        while (want_count < MAX_KEYS && c->want[want_count])
            want_count++;
        for (size_t k = 0; k < keys.count || k < want_count; k++) {
            const char *got = k < keys.count ? keys.keys[k] : "(end)";
            const char *want = k < want_count ? c->want[k] : "(end)";

            if (strcmp(got, want) != 0)
                fail_msg("case %zu \"%s\" key %zu: got \"%s\", want \"%s\"", i, c->input, k, got,
                         want);
        }
        access_keys_free(&keys);
    }
}

/* Searches d for address and checks value and matched key. */
static void expect_address(dict_t *d, const struct access_options *opts, const char *address,
                           const char *want_value, const char *want_key)
{
    buf_t value = BUF_INIT, matched = BUF_INIT;
    char *err = NULL;
    int rc = access_search_address(d, address, opts, &value, &matched, &err);

    if (want_value == NULL && rc != DICT_NOTFOUND)
        fail_msg("%s: got rc %d value \"%s\", want not found", address, rc, value.data);
    if (want_value && rc != DICT_FOUND)
        fail_msg("%s: got rc %d, want \"%s\"", address, rc, want_value);
    if (want_value && (strcmp(value.data, want_value) != 0 || strcmp(matched.data, want_key) != 0))
        fail_msg("%s: got \"%s\" via \"%s\", want \"%s\" via \"%s\"", address, value.data,
                 matched.data, want_value, want_key);
    buf_dispose(&value);
    buf_dispose(&matched);
    xfree(err);
}

static void test_search_fixed_table(void **state)
{
    dict_t *d = tp_open("inline", "{ joe@example.com=OK1, example.com=OK2, .example.com=OK3,"
                                  " postmaster@=OK4, <>=NULLSENDER, lists.example.org=OK5 }",
                        DICT_FLAG_FOLD_KEYS);
    struct access_options parent = {true, "+", NULL};
    struct access_options dotted = {false, "+", "<null>"};

    (void) state;
    expect_address(d, &parent, "joe@example.com", "OK1", "joe@example.com");
    expect_address(d, &parent, "Joe+tag@Example.COM", "OK1", "Joe@Example.COM");
    expect_address(d, &parent, "ann@example.com", "OK2", "example.com");
    expect_address(d, &parent, "ann@mail.example.com", "OK2", "example.com");
    expect_address(d, &dotted, "ann@mail.example.com", "OK3", ".example.com");
    expect_address(d, &parent, "postmaster@elsewhere.net", "OK4", "postmaster@");
    expect_address(d, &parent, "postmaster+x@elsewhere.net", "OK4", "postmaster@");
    expect_address(d, &parent, "", "NULLSENDER", "<>");
    expect_address(d, &dotted, "", NULL, NULL);
    expect_address(d, &parent, "ann@sub.lists.example.org", "OK5", "lists.example.org");
    expect_address(d, &dotted, "ann@sub.lists.example.org", NULL, NULL);
    expect_address(d, &parent, "nobody@nowhere.net", NULL, NULL);
    dict_close(d);
}

static void test_search_client(void **state)
{
    dict_t *d = tp_open("inline", "{ 10.1=NET, 2001:db8=NET6, .bad.example=HOST, 192.0.2.1=ONE }",
                        DICT_FLAG_FOLD_KEYS);
    struct access_options dotted = {false, NULL, NULL};
    buf_t value = BUF_INIT, matched = BUF_INIT;
    char *err = NULL;

    (void) state;
    assert_int_equal(access_search_client(d, "unknown", "10.1.2.3", &dotted, &value, &matched, &err),
                     DICT_FOUND);
    assert_string_equal(matched.data, "10.1");
    assert_int_equal(access_search_client(d, "x.bad.example", "10.1.2.3", &dotted, &value,
                                          &matched, &err), DICT_FOUND);
    assert_string_equal(value.data, "HOST");
    assert_int_equal(access_search_hostaddr(d, "2001:db8::7", &value, &matched, &err), DICT_FOUND);
    assert_string_equal(matched.data, "2001:db8");
    assert_int_equal(access_search_hostaddr(d, "::ffff:192.0.2.1", &value, &matched, &err),
                     DICT_FOUND);
    assert_string_equal(value.data, "ONE");
    assert_int_equal(access_search_domain(d, "bad.example", &dotted, &value, &matched, &err),
                     DICT_NOTFOUND);
    buf_dispose(&value);
    buf_dispose(&matched);
    dict_close(d);
}

static void test_search_pattern_tables(void **state)
{
    dict_t *re = tp_open("regexp", "{ {/^example\\.com$/ DOMAIN}, {/^user@/ USER}, "
                                   "{/^[^@]*@example\\.com$/ FULL} }", 0);
    dict_t *cidr = tp_open("cidr", "{ {10.0.0.0/8 TEN} }", 0);
    struct access_options parent = {true, "+", NULL};
    buf_t value = BUF_INIT, matched = BUF_INIT;
    char *err = NULL;

    (void) state;
    /* Only the whole address is tried: no "example.com", no "user@". */
    expect_address(re, &parent, "ann@example.com", "FULL", "ann@example.com");
    expect_address(re, &parent, "user@example.net", "USER", "user@example.net");
    expect_address(re, &parent, "ann@sub.example.com", NULL, NULL);
    assert_int_equal(access_search_client(cidr, "host.example", "10.9.8.7", &parent, &value,
                                          &matched, &err), DICT_FOUND);
    assert_string_equal(matched.data, "10.9.8.7");
    assert_int_equal(access_search_hostaddr(cidr, "11.0.0.1", &value, &matched, &err),
                     DICT_NOTFOUND);
    buf_dispose(&value);
    buf_dispose(&matched);
    dict_close(re);
    dict_close(cidr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_order),
        cmocka_unit_test(test_search_fixed_table),
        cmocka_unit_test(test_search_client),
        cmocka_unit_test(test_search_pattern_tables),
    };

    return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
