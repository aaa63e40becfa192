/* test_policy_access.c - the access(5) result parser (every action word,
 * case, codes with and without enhanced status, all-digit results,
 * malformed results, blanks, NUL-free but hostile input) and the host
 * name syntax checks behind the helo and fqdn restrictions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "policy/policy_access.h"
#include "policy/policy_impl.h"

struct access_case {
    const char *value;
    access_action_t action;
    int code;
    const char *dsn;
    const char *text;
};

static const struct access_case cases[] = {
    {"OK", ACCESS_OK, 0, "", ""},
    {"ok", ACCESS_OK, 0, "", ""},
    {"  OK", ACCESS_OK, 0, "", ""},
    {"12345", ACCESS_OK, 0, "", ""},
    {"550", ACCESS_OK, 0, "", ""},
    {"DUNNO", ACCESS_DUNNO, 0, "", ""},
    {"REJECT", ACCESS_REJECT, 0, "", ""},
    {"REJECT go away", ACCESS_REJECT, 0, "", "go away"},
    {"reject\t\ttabs", ACCESS_REJECT, 0, "", "tabs"},
    {"DEFER", ACCESS_DEFER, 0, "", ""},
    {"DEFER later", ACCESS_DEFER, 0, "", "later"},
    {"DEFER_IF_REJECT x", ACCESS_DEFER_IF_REJECT, 0, "", "x"},
    {"DEFER_IF_PERMIT y", ACCESS_DEFER_IF_PERMIT, 0, "", "y"},
    {"550 no thanks", ACCESS_CODE, 550, "", "no thanks"},
    {"450 4.7.1 later", ACCESS_CODE, 450, "4.7.1", "later"},
    {"554 5.7.1", ACCESS_CODE, 554, "5.7.1", ""},
    {"550 5.1.10 long detail", ACCESS_CODE, 550, "5.1.10", "long detail"},
    {"550 5.1234.1 not a dsn", ACCESS_CODE, 550, "", "5.1234.1 not a dsn"},
    {"550 5.7.1x not a dsn", ACCESS_CODE, 550, "", "5.7.1x not a dsn"},
    {"550 3.7.1 not a dsn", ACCESS_CODE, 550, "", "3.7.1 not a dsn"},
    {"250 fine", ACCESS_BAD, 250, "", ""},
    {"354 go on", ACCESS_BAD, 354, "", ""},
    {"HOLD", ACCESS_HOLD, 0, "", ""},
    {"HOLD look", ACCESS_HOLD, 0, "", "look"},
    {"DISCARD", ACCESS_DISCARD, 0, "", ""},
    {"PREPEND X-A: b", ACCESS_PREPEND, 0, "", "X-A: b"},
    {"PREPEND", ACCESS_BAD, 0, "", ""},
    {"WARN odd", ACCESS_WARN, 0, "", "odd"},
    {"WARN", ACCESS_BAD, 0, "", ""},
    {"INFO note", ACCESS_INFO, 0, "", "note"},
    {"FILTER smtp:x", ACCESS_UNSUPPORTED, 0, "", "smtp:x"},
    {"REDIRECT a@b", ACCESS_UNSUPPORTED, 0, "", "a@b"},
    {"BCC a@b", ACCESS_UNSUPPORTED, 0, "", "a@b"},
    {"OKAY", ACCESS_RESTRICTIONS, 0, "", "OKAY"},
    {"permit_mynetworks, reject", ACCESS_RESTRICTIONS, 0, "", "permit_mynetworks, reject"},
    {"strict_class", ACCESS_RESTRICTIONS, 0, "", "strict_class"},
    {"", ACCESS_RESTRICTIONS, 0, "", ""},
    {"55 short", ACCESS_RESTRICTIONS, 0, "", "55 short"},
    {"5500 long", ACCESS_RESTRICTIONS, 0, "", "5500 long"},
};

static void test_parse(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct access_case *c = &cases[i];
        access_result_t r;

        policy_access_parse(c->value, &r);
        if (r.action != c->action)
            fail_msg("\"%s\": got action %d, want %d", c->value, (int) r.action, (int) c->action);
        if (c->action == ACCESS_CODE || c->action == ACCESS_BAD)
            assert_int_equal(r.code, c->code);
        if (strcmp(r.dsn, c->dsn) != 0)
            fail_msg("\"%s\": got dsn \"%s\", want \"%s\"", c->value, r.dsn, c->dsn);
        if (c->action != ACCESS_BAD && strcmp(r.text, c->text) != 0)
            fail_msg("\"%s\": got text \"%s\", want \"%s\"", c->value, r.text, c->text);
        if (c->action == ACCESS_BAD || c->action == ACCESS_UNSUPPORTED)
            assert_non_null(r.why);
    }
}

static void test_long_value(void **state)
{
    static char value[70000];
    access_result_t r;

    (void) state;
    memset(value, 'A', sizeof(value) - 1);
    memcpy(value, "REJECT ", 7);
    policy_access_parse(value, &r);
    assert_int_equal(r.action, ACCESS_REJECT);
    assert_int_equal(strlen(r.text), sizeof(value) - 8);
}

static void test_fix_dsn(void **state)
{
    static const struct {
        const char *in;
        int code;
        policy_list_id_t list;
        const char *want;
    } cases_dsn[] = {
        {"5.1.1", 550, POLICY_LIST_SENDER, "5.1.7"},
        {"5.1.2", 550, POLICY_LIST_SENDER, "5.1.8"},
        {"5.1.7", 550, POLICY_LIST_RECIPIENT, "5.1.1"},
        {"4.1.8", 450, POLICY_LIST_RELAY, "4.1.2"},
        {"4.1.1", 554, POLICY_LIST_CLIENT, "5.0.0"},
        {"5.1.1", 550, POLICY_LIST_HELO, "5.0.0"},
        {"5.7.1", 450, POLICY_LIST_CLIENT, "4.7.1"},
        {"", 421, POLICY_LIST_DATA, "4.0.0"},
        {"5.1.1", 550, POLICY_LIST_RECIPIENT, "5.1.1"},
    };

    (void) state;
    for (size_t i = 0; i < sizeof(cases_dsn) / sizeof(cases_dsn[0]); i++) {
        char dsn[16];

        strcpy(dsn, cases_dsn[i].in);
        policy_fix_dsn(dsn, sizeof(dsn), cases_dsn[i].code, cases_dsn[i].list);
        if (strcmp(dsn, cases_dsn[i].want) != 0)
            fail_msg("%s/%d: got %s, want %s", cases_dsn[i].in, cases_dsn[i].code, dsn, cases_dsn[i].want);
    }
}

static void test_hostnames(void **state)
{
    static const struct {
        const char *name;
        bool valid, literal, fqdn;
    } names[] = {
        {"mail.example.com", true, false, true},
        {"MAIL.Example.COM", true, false, true},
        {"localhost", true, false, false},
        {"host_name.example", true, false, true},
        {"a.example.", true, false, true},
        {"-a.example", false, false, true},
        {"a-.example", false, false, true},
        {"a..example", false, false, true},
        {".example", false, false, false},
        {"bad!host", false, false, false},
        {"123", false, false, false},
        {"1.2.3.4", false, true, true},
        {"[1.2.3.4]", false, true, true},
        {"[IPv6:2001:db8::1]", false, true, true},
        {"[2001:db8::1]", false, true, true},
        {"[1.2.3]", false, false, true},
        {"", false, false, false},
        {"a.b c", false, false, true},
    };
    char long_label[80];

    (void) state;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (policy_valid_hostname(names[i].name) != names[i].valid)
            fail_msg("valid(%s) != %d", names[i].name, names[i].valid);
        if (policy_valid_address_literal(names[i].name) != names[i].literal)
            fail_msg("literal(%s) != %d", names[i].name, names[i].literal);
        if (policy_fqdn_hostname(names[i].name) != names[i].fqdn)
            fail_msg("fqdn(%s) != %d", names[i].name, names[i].fqdn);
    }
    memset(long_label, 'a', 64);
    strcpy(long_label + 64, ".example");
    assert_false(policy_valid_hostname(long_label));
    assert_true(policy_fqdn_address("joe@example.com"));
    assert_true(policy_fqdn_address("joe@[192.0.2.1]"));
    assert_false(policy_fqdn_address("joe@localhost"));
    assert_false(policy_fqdn_address("joe"));
    assert_false(policy_fqdn_address("joe@"));
}

static void test_unquote(void **state)
{
    static const char *const pairs[][2] = {
        {"\"a@b\"@c.example", "a@b@c.example"},
        {"\"a b\"@c.example", "a b@c.example"},
        {"a\\@b@c.example", "a@b@c.example"},
        {"\"a\\\"q\"@c.example", "a\"q@c.example"},
        {"plain@c.example", "plain@c.example"},
        {"\"unterminated@c.example", "unterminated@c.example"},
        {"trailing\\", "trailing\\"},
        {"", ""},
    };
    buf_t out = BUF_INIT;

    (void) state;
    buf_init(&out);
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        policy_unquote_address(pairs[i][0], &out);
        assert_string_equal(out.data, pairs[i][1]);
    }
    buf_dispose(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_long_value),
        cmocka_unit_test(test_fix_dsn),
        cmocka_unit_test(test_hostnames),
        cmocka_unit_test(test_unquote),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
