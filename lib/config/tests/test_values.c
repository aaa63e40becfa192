/* test_values.c - unit tests for typed parameter values and lists. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <string.h>

#include "config/config.h"
#include "config/param_table.h"
#include "util/mem.h"

static int setup(void **state)
{
    (void) state;
    config_reset();
    return 0;
}

static void test_parse_time(void **state)
{
    static const struct {
        const char *text;
        char unit;
        bool ok;
        long want;
    } cases[] = {
        {"300s", 's', true, 300}, {"300", 's', true, 300}, {"5m", 's', true, 300},
        {"2h", 's', true, 7200}, {"5d", 's', true, 432000}, {"1w", 's', true, 604800},
        {"3", 'd', true, 259200}, {"0", 'h', true, 0}, {"0h", 's', true, 0},
        {"", 's', false, 0}, {"s", 's', false, 0}, {"1x", 's', false, 0},
        {"-1s", 's', false, 0}, {" 1s", 's', false, 0}, {"1 s", 's', false, 0},
        {"1S", 's', false, 0}, {"1h30m", 's', false, 0},
        {"99999999999999999999", 's', false, 0}, {"4000000w", 's', false, 0},
        {"2147483647", 's', true, 2147483647L}, {"2147483648", 's', false, 0},
    };

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long got = -1;
        bool ok = cfg_parse_time(cases[i].text, cases[i].unit, &got);
        if (ok != cases[i].ok || (ok && got != cases[i].want))
            fail_msg("\"%s\": got ok=%d %ld, want ok=%d %ld", cases[i].text, ok, got,
                     cases[i].ok, cases[i].want);
    }
}

static void test_parse_bool_int_size(void **state)
{
    bool b = false;
    long l = 0;
    long long ll = 0;

    (void) state;
    assert_true(cfg_parse_bool("yes", &b) && b);
    assert_true(cfg_parse_bool("NO", &b) && !b);
    assert_true(cfg_parse_bool("Yes", &b) && b);
    assert_false(cfg_parse_bool("true", &b));
    assert_false(cfg_parse_bool("", &b));
    assert_false(cfg_parse_bool("yes ", &b));
    assert_true(cfg_parse_int("42", 0, 100, &l) && l == 42);
    assert_false(cfg_parse_int("101", 0, 100, &l));
    assert_false(cfg_parse_int("+1", 0, 100, &l));
    assert_false(cfg_parse_int("1k", 0, 100, &l));
    assert_true(cfg_parse_size("10240000", &ll) && ll == 10240000);
    assert_true(cfg_parse_size("9223372036854775807", &ll) && ll == LLONG_MAX);
    assert_false(cfg_parse_size("9223372036854775808", &ll));
    assert_false(cfg_parse_size("10k", &ll));
    assert_false(cfg_parse_size("-1", &ll));
    assert_false(cfg_parse_size("", &ll));
}

static void test_typed_accessors(void **state)
{
    char *err = NULL;
    long l;
    bool b;
    long long ll;

    (void) state;
    assert_int_equal(cfg_int("default_process_limit"), 100);
    assert_false(cfg_bool("append_dot_mydomain"));
    assert_int_equal(cfg_time("maximal_queue_lifetime"), 5 * 86400);
    assert_int_equal(cfg_size("message_size_limit"), 10240000);
    /* a bare number counts in the unit of the default */
    config_set("maximal_queue_lifetime", "2");
    assert_int_equal(cfg_time("maximal_queue_lifetime"), 2 * 86400);
    config_set("delay_warning_time", "4");
    assert_int_equal(cfg_time("delay_warning_time"), 4 * 3600);
    config_set("max_idle", "$ipc_idle");
    assert_int_equal(cfg_time("max_idle"), 5);
    /* bad values name the parameter */
    config_set("default_process_limit", "0");
    assert_int_equal(cfg_try_int("default_process_limit", &l, &err), -1);
    assert_string_equal(err, "bad numerical configuration: default_process_limit = 0 "
                        "(want an integer from 1 to 2147483647)");
    xfree(err);
    config_set("biff", "maybe");
    assert_int_equal(cfg_try_bool("biff", &b, &err), -1);
    assert_non_null(strstr(err, "bad boolean configuration: biff = maybe"));
    xfree(err);
    config_set("ipc_timeout", "1 hour");
    assert_int_equal(cfg_try_time("ipc_timeout", &l, &err), -1);
    assert_non_null(strstr(err, "bad time configuration: ipc_timeout = 1 hour"));
    xfree(err);
    config_set("message_size_limit", "10M");
    assert_int_equal(cfg_try_size("message_size_limit", &ll, &err), -1);
    assert_non_null(strstr(err, "bad size configuration: message_size_limit = 10M"));
    xfree(err);
    config_set("relay_domains_reject_code", "250");
    assert_int_equal(cfg_try_int("relay_domains_reject_code", &l, &err), -1);
    xfree(err);
    config_set("relayhost", "${oops");
    assert_int_equal(cfg_try_str("relayhost", &(const char *){NULL}, &err), -1);
    xfree(err);
}

static void test_lists(void **state)
{
    char **l = cfg_split_list(" a,b ,, c\td\n e, inline:{ x=1, y=2 }, {f g},h ");
    const char *want[] = {"a", "b", "c", "d", "e", "inline:{ x=1, y=2 }", "{f g}", "h", NULL};

    (void) state;
    for (size_t i = 0; want[i]; i++)
        assert_string_equal(l[i], want[i]);
    assert_null(l[8]);
    cfg_list_free(l);
    l = cfg_split_list("");
    assert_null(l[0]);
    cfg_list_free(l);
    l = cfg_split_list("unbalanced{ a, b");
    assert_string_equal(l[0], "unbalanced{ a, b");
    assert_null(l[1]);
    cfg_list_free(l);
    config_set("myhostname", "mx.example.org");
    l = cfg_list("mydestination");
    assert_string_equal(l[0], "mx.example.org");
    assert_string_equal(l[1], "localhost.example.org");
    cfg_list_free(l);
    cfg_list_free(NULL);
}

static void test_param_table(void **state)
{
    size_t count = 0;
    const param_def_t *const *list = param_list(&count);
    const param_def_t *d;
    size_t tlen = 0;

    (void) state;
    assert_true(count > 250);
    for (size_t i = 1; i < count; i++)
        assert_true(strcmp(list[i - 1]->name, list[i]->name) < 0);
    d = param_find("smtpd_starttls_timeout");
    assert_int_equal(d->type, PARAM_TIME);
    assert_int_equal(d->time_unit, 's');
    assert_false(d->implemented);
    assert_int_equal(param_find("delay_warning_time")->time_unit, 'h');
    assert_true(param_find("alias_maps")->implemented);
    assert_int_equal(param_find("relay_domains_reject_code")->min, 400);
    assert_non_null(param_find("2bounce_notice_recipient"));
    assert_null(param_find("nonexistent"));
    d = param_transport_base("lmtp_destination_recipient_limit", &tlen);
    assert_string_equal(d->name, "default_destination_recipient_limit");
    assert_int_equal(tlen, 4);
    d = param_transport_base("x_recipient_limit", &tlen);
    assert_string_equal(d->name, "default_recipient_limit");
    assert_null(param_transport_base("_recipient_limit", &tlen));
    /* every default of a typed parameter parses (with nothing set) */
    for (size_t i = 0; i < count; i++) {
        char *err = NULL;
        long l;
        bool b;
        long long ll;
        int rc = 0;
        switch (list[i]->type) {
        case PARAM_INT: rc = cfg_try_int(list[i]->name, &l, &err); break;
        case PARAM_BOOL: rc = cfg_try_bool(list[i]->name, &b, &err); break;
        case PARAM_TIME: rc = cfg_try_time(list[i]->name, &l, &err); break;
        case PARAM_SIZE: rc = cfg_try_size(list[i]->name, &ll, &err); break;
        case PARAM_STR: rc = cfg_try_str(list[i]->name, &(const char *){NULL}, &err); break;
        }
        if (rc != 0)
            fail_msg("default of %s: %s", list[i]->name, err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_time),
        cmocka_unit_test(test_parse_bool_int_size),
        cmocka_unit_test_setup(test_typed_accessors, setup),
        cmocka_unit_test_setup(test_lists, setup),
        cmocka_unit_test_setup(test_param_table, setup),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    config_reset();
    return rc;
}
