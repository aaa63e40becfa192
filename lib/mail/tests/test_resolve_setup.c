/* test_resolve_setup.c - tests for building the resolver configuration
 * from parameter values: Postfix-like defaults, interface addresses for
 * [literal] destinations, parent-domain matching of relay_domains,
 * transport_maps opened, closed and watched for changes, and the error
 * paths (bad yes/no, table that cannot be opened, unknown host). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "mail/resolve_setup.h"
#include "util/mem.h"

static const char *overrides[32][2];

static const char *const defaults[][2] = {
    {"myhostname", "mail.example.com"},
    {"mydestination", "mail.example.com, localhost.example.com, localhost"},
    {"inet_interfaces", "loopback-only"},
    {"proxy_interfaces", ""},
    {"virtual_alias_domains", ""},
    {"virtual_mailbox_domains", ""},
    {"relay_domains", ""},
    {"parent_domain_matches_subdomains",
     "debug_peer_list,fast_flush_domains,mynetworks,permit_mx_backup_networks,"
     "qmqpd_authorized_clients,relay_domains,smtpd_access_maps"},
    {"relayhost", ""},
    {"default_transport", "smtp"},
    {"relay_transport", "relay"},
    {"local_transport", "local:mail.example.com"},
    {"virtual_transport", "virtual"},
    {"transport_maps", ""},
    {"recipient_delimiter", "+"},
    {"allow_percent_hack", "yes"},
    {"swap_bangpath", "yes"},
    {NULL, NULL},
};

static const char *param(const char *name)
{
    for (size_t i = 0; overrides[i][0] != NULL; i++)
        if (strcmp(overrides[i][0], name) == 0)
            return overrides[i][1];
    for (size_t i = 0; defaults[i][0] != NULL; i++)
        if (strcmp(defaults[i][0], name) == 0)
            return defaults[i][1];
    fail_msg("unexpected parameter %s", name);
    return NULL;
}

static void set(const char *name, const char *value)
{
    size_t i;

    for (i = 0; overrides[i][0] != NULL; i++)
        ;
    overrides[i][0] = name;
    overrides[i][1] = value;
}

static int reset(void **state)
{
    (void) state;
    memset(overrides, 0, sizeof(overrides));
    return 0;
}

/* A fake table type "mem:NAME": "mem:transport" knows one entry. */
static int closed, changed;

static int mem_lookup(void *ctx, const char *key, buf_t *value, char **err)
{
    (void) err;
    if (strcmp(ctx, "transport") == 0 && strcmp(key, "example.org") == 0) {
        buf_set(value, "smtp:[mx.example.org]");
        return 1;
    }
    if (strcmp(ctx, "virtual") == 0 && strcmp(key, "valias.example") == 0) {
        buf_set(value, "x");
        return 1;
    }
    return 0;
}

static void mem_close(void *ctx)
{
    closed++;
    xfree(ctx);
}

static bool mem_changed(void *ctx)
{
    (void) ctx;
    return changed != 0;
}

static int mem_open(void *ctx, const char *type_name, resolve_table_t *table, char **err)
{
    (void) ctx;
    if (strncmp(type_name, "mem:", 4) != 0) {
        *err = xstrdup("unsupported table type");
        return -1;
    }
    *table = (resolve_table_t) {mem_lookup, xstrdup(type_name + 4), mem_close, mem_changed};
    return 0;
}

static void expect(const resolve_config_t *cfg, const char *addr, resolve_class_t klass,
                   const char *transport, const char *nexthop)
{
    resolve_result_t r;

    resolve_result_init(&r);
    resolve_address(cfg, addr, &r);
    if (r.klass != klass || strcmp(r.transport.data, transport) != 0
        || strcmp(r.nexthop.data, nexthop) != 0 || (r.flags & RESOLVE_FLAG_FAIL))
        fail_msg("%s: got class %d %s:%s flags %d, want class %d %s:%s", addr, r.klass,
                 r.transport.data, r.nexthop.data, r.flags, klass, transport, nexthop);
    resolve_result_dispose(&r);
}

static void test_defaults(void **state)
{
    char *err = NULL;
    resolve_setup_t *rs = resolve_setup_new(param, mem_open, NULL, &err);
    const resolve_config_t *cfg;

    (void) state;
    assert_non_null(rs);
    cfg = resolve_setup_config(rs);
    expect(cfg, "joe@localhost", RESOLVE_CLASS_LOCAL, "local", "mail.example.com");
    expect(cfg, "joe@[127.0.0.1]", RESOLVE_CLASS_LOCAL, "local", "mail.example.com");
    expect(cfg, "joe@[IPv6:::1]", RESOLVE_CLASS_LOCAL, "local", "mail.example.com");
    expect(cfg, "joe@[192.0.2.1]", RESOLVE_CLASS_DEFAULT, "smtp", "[192.0.2.1]");
    expect(cfg, "joe@example.org", RESOLVE_CLASS_DEFAULT, "smtp", "example.org");
    assert_false(resolve_setup_changed(rs));
    resolve_setup_free(rs);
}

static void test_site_settings(void **state)
{
    char *err = NULL;
    resolve_setup_t *rs;
    const resolve_config_t *cfg;

    (void) state;
    set("inet_interfaces", "192.0.2.7, [2001:db8::7]");
    set("proxy_interfaces", "198.51.100.9");
    set("relay_domains", "example.net");
    set("virtual_alias_domains", "mem:virtual");
    set("relayhost", "[smart.example]:587");
    set("transport_maps", "mem:transport mem:other");
    set("allow_percent_hack", "no");
    closed = changed = 0;
    rs = resolve_setup_new(param, mem_open, NULL, &err);
    if (rs == NULL)
        fail_msg("setup: %s", err);
    cfg = resolve_setup_config(rs);
    expect(cfg, "a@[192.0.2.7]", RESOLVE_CLASS_LOCAL, "local", "mail.example.com");
    expect(cfg, "a@[IPv6:2001:db8::7]", RESOLVE_CLASS_LOCAL, "local", "mail.example.com");
    expect(cfg, "a@[198.51.100.9]", RESOLVE_CLASS_LOCAL, "local", "mail.example.com");
    expect(cfg, "a@[127.0.0.1]", RESOLVE_CLASS_DEFAULT, "smtp", "[smart.example]:587");
    expect(cfg, "a@sub.example.net", RESOLVE_CLASS_RELAY, "relay", "[smart.example]:587");
    expect(cfg, "a@example.org", RESOLVE_CLASS_DEFAULT, "smtp", "[mx.example.org]");
    expect(cfg, "a@valias.example", RESOLVE_CLASS_ALIAS, "error",
           "User unknown in virtual alias table");
    expect(cfg, "a%b@localhost", RESOLVE_CLASS_LOCAL, "local", "mail.example.com");
    assert_false(resolve_setup_changed(rs));
    changed = 1;
    assert_true(resolve_setup_changed(rs));
    resolve_setup_free(rs);
    assert_int_equal(closed, 3);
}

static void test_relay_domains_without_parent_matching(void **state)
{
    char *err = NULL;
    resolve_setup_t *rs;

    (void) state;
    set("relay_domains", "example.net");
    set("parent_domain_matches_subdomains", "smtpd_access_maps");
    rs = resolve_setup_new(param, mem_open, NULL, &err);
    assert_non_null(rs);
    expect(resolve_setup_config(rs), "a@sub.example.net", RESOLVE_CLASS_DEFAULT, "smtp",
           "sub.example.net");
    expect(resolve_setup_config(rs), "a@example.net", RESOLVE_CLASS_RELAY, "relay",
           "example.net");
    resolve_setup_free(rs);
}

static void test_interface_all_has_loopback(void **state)
{
    char *err = NULL;
    resolve_setup_t *rs;

    (void) state;
    set("inet_interfaces", "all");
    rs = resolve_setup_new(param, mem_open, NULL, &err);
    if (rs == NULL)
        fail_msg("setup: %s", err);
    expect(resolve_setup_config(rs), "a@[127.0.0.1]", RESOLVE_CLASS_LOCAL, "local",
           "mail.example.com");
    resolve_setup_free(rs);
}

/* A table with a comma and spaces inside braces is one table, as
 * transport_maps = inline:{ a=b, c=d } must be. */
static void test_braced_table_is_one_word(void **state)
{
    char *err = NULL;
    resolve_setup_t *rs;
    const resolve_config_t *cfg;

    (void) state;
    set("transport_maps", "mem:other, mem:{ a=b, c=d }");
    set("mydestination", "localhost, mem:{ x, y }");
    rs = resolve_setup_new(param, mem_open, NULL, &err);
    if (rs == NULL)
        fail_msg("setup: %s", err);
    cfg = resolve_setup_config(rs);
    assert_int_equal(cfg->transport_maps_count, 2);
    assert_string_equal((const char *) cfg->transport_maps[1].ctx, "{ a=b, c=d }");
    resolve_setup_free(rs);
}

static void expect_setup_error(const char *name, const char *value, const char *want)
{
    char *err = NULL;

    set(name, value);
    closed = 0;
    assert_null(resolve_setup_new(param, mem_open, NULL, &err));
    if (err == NULL || strstr(err, want) == NULL)
        fail_msg("%s = %s: got error \"%s\", want \"%s\"", name, value, err, want);
    xfree(err);
}

static void test_errors(void **state)
{
    (void) state;
    expect_setup_error("swap_bangpath", "maybe", "swap_bangpath");
    reset(NULL);
    expect_setup_error("transport_maps", "mem:ok hash:/etc/postern/transport",
                       "unsupported table type");
    assert_int_equal(closed, 1);        /* the table opened first is closed */
    reset(NULL);
    expect_setup_error("mydestination", "localhost, btree:/x", "mydestination");
    reset(NULL);
    expect_setup_error("inet_interfaces", "127.0.0.1, bad/name", "bad interface");
    reset(NULL);
    expect_setup_error("proxy_interfaces", "[192.0.2.1", "proxy_interfaces");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_defaults, reset),
        cmocka_unit_test_setup(test_site_settings, reset),
        cmocka_unit_test_setup(test_relay_domains_without_parent_matching, reset),
        cmocka_unit_test_setup(test_interface_all_has_loopback, reset),
        cmocka_unit_test_setup(test_errors, reset),
        cmocka_unit_test_setup(test_braced_table_is_one_word, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
