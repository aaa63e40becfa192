/* test_nexthop.c - unit tests of the next hop parser ("[host]:port" and
 * friends) and the address list of an IP literal next hop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "smtp/hosts.h"
#include "smtp/nexthop.h"
#include "util/mem.h"

static void expect(const char *text, const char *host, const char *port, bool no_mx)
{
    smtp_nexthop_t n;
    char *err = NULL;

    assert_int_equal(smtp_nexthop_parse(text, "smtp", &n, &err), 0);
    assert_string_equal(n.host, host);
    assert_string_equal(n.port, port);
    assert_int_equal(n.no_mx, no_mx);
    smtp_nexthop_free(&n);
}

static void test_good(void **state)
{
    (void) state;
    expect("example.com", "example.com", "smtp", false);
    expect("example.com:2525", "example.com", "2525", false);
    expect("[mail.example.com]", "mail.example.com", "smtp", true);
    expect("[mail.example.com]:587", "mail.example.com", "587", true);
    expect("[192.0.2.1]:25", "192.0.2.1", "25", true);
    expect("[2001:db8::1]:25", "2001:db8::1", "25", true);
    expect("[IPv6:2001:db8::1]", "2001:db8::1", "smtp", true);
    expect("MX.Example.COM:submission", "MX.Example.COM", "submission", false);
}

static void test_bad(void **state)
{
    static const char *const bad[] = {
        "", "[", "[]", "[host", "[host]x", "[host]:", "host:", ":25", "2001:db8::1",
        "ho st", "host\t", "host\r\n", "[a]:25:26", "a:b:c", "[ho]st]", "host:123456789012345678901234567890123",
        "\x01host", "host:2\x7f",
    };
    smtp_nexthop_t n;

    (void) state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *err = NULL;

        assert_int_equal(smtp_nexthop_parse(bad[i], "25", &n, &err), -1);
        assert_non_null(err);
        xfree(err);
    }
}

static void test_lookup_literal(void **state)
{
    smtp_nexthop_t n;
    smtp_hosts_t h;
    dns_options_t o;
    dns_resolver_t *r;
    char dsn[16], *err = NULL;

    (void) state;
    dns_options_init(&o);
    o.inet_protocols = DNS_INET_IPV4;
    r = dns_resolver_new(&o, &err);
    assert_non_null(r);
    assert_int_equal(smtp_nexthop_parse("[127.0.0.1]:2525", "25", &n, &err), 0);
    assert_int_equal(smtp_hosts_lookup(r, &n, 5, &h, dsn, &err), 0);
    assert_int_equal(h.n, 1);
    assert_string_equal(h.v[0].name, "127.0.0.1");
    assert_string_equal(h.v[0].addr, "127.0.0.1");
    assert_string_equal(h.port, "2525");
    smtp_hosts_free(&h);
    smtp_nexthop_free(&n);
    /* a port name becomes its number; an unknown one defers */
    assert_int_equal(smtp_nexthop_parse("[127.0.0.1]:smtp", "25", &n, &err), 0);
    assert_int_equal(smtp_hosts_lookup(r, &n, 5, &h, dsn, &err), 0);
    assert_string_equal(h.port, "25");
    smtp_hosts_free(&h);
    smtp_nexthop_free(&n);
    assert_int_equal(smtp_nexthop_parse("[127.0.0.1]:no-such-service", "25", &n, &err), 0);
    assert_int_equal(smtp_hosts_lookup(r, &n, 5, &h, dsn, &err), -1);
    assert_string_equal(dsn, "4.3.5");
    xfree(err);
    smtp_nexthop_free(&n);
    dns_resolver_free(r);
    dns_options_dispose(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_lookup_literal),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
