/* test_dns_live.c - lib/dns against tests/lib/dnsserver.py serving
 * zone.txt (started by run_live.py, which passes DNSTEST_SERVER and
 * DNSTEST_LOG): MX order and shuffling, duplicates, implicit and null MX,
 * NXDOMAIN vs no data vs SERVFAIL vs REFUSED vs timeout, CNAME chains
 * (answered whole, followed by a second query, loops), MX targets that
 * are CNAMEs or IP addresses, TXT joining, TCP after a truncated UDP
 * answer, inet_protocols and smtp_address_preference, smtp_host_lookup
 * (native: localhost from /etc/hosts), PTR, the destination lookup with
 * its Postfix-shaped reasons, and the asynchronous queries. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/dns.h"
#include "dns/dns_async.h"
#include "dns/dns_reply.h"
#include "util/events.h"
#include "util/mem.h"

#define SHUFFLE_TRIES 60

static dns_resolver_t *resolver(int protocols, dns_addr_pref_t pref, int timeout_ms)
{
    dns_options_t o;
    dns_resolver_t *r;
    char *err = NULL;
    const char *server = getenv("DNSTEST_SERVER");

    assert_non_null(server);
    dns_options_init(&o);
    xfree(o.nameservers);
    o.nameservers = xstrdup(server);
    o.inet_protocols = protocols;
    o.address_preference = pref;
    o.timeout_ms = timeout_ms;
    r = dns_resolver_new(&o, &err);
    dns_options_dispose(&o);
    if (r == NULL)
        fail_msg("resolver: %s", err);
    return r;
}

/* An IPv4-only resolver with the given smtp_host_lookup bits. */
static dns_resolver_t *resolver_with_lookup(int host_lookup)
{
    dns_options_t o;
    dns_resolver_t *r;
    char *err = NULL;

    dns_options_init(&o);
    xfree(o.nameservers);
    o.nameservers = xstrdup(getenv("DNSTEST_SERVER"));
    o.inet_protocols = DNS_INET_IPV4;
    o.host_lookup = host_lookup;
    o.timeout_ms = 2000;
    r = dns_resolver_new(&o, &err);
    dns_options_dispose(&o);
    if (r == NULL)
        fail_msg("resolver: %s", err);
    return r;
}

static dns_resolver_t *default_resolver(void)
{
    return resolver(DNS_INET_IPV4 | DNS_INET_IPV6, DNS_PREF_IPV4, 3000);
}

static void test_mx_order_and_shuffle(void **state)
{
    dns_resolver_t *r = default_resolver();
    char first_order[64] = "";
    bool varied = false;

    (void) state;
    for (int i = 0; i < SHUFFLE_TRIES && !varied; i++) {
        dns_mx_list_t mx;
        char *why = NULL, order[64] = "";
        assert_int_equal(dns_lookup_mx(r, "multi.test", &mx, &why), DNS_OK);
        assert_null(why);
        assert_int_equal(mx.count, 5);
        assert_string_equal(mx.items[0].host, "first.multi.test");
        assert_int_equal(mx.items[0].pref, 5);
        for (size_t j = 1; j <= 3; j++) {
            assert_int_equal(mx.items[j].pref, 10);
            assert_int_equal(strlen(mx.items[j].host), strlen("a.multi.test"));
            assert_string_equal(mx.items[j].host + 1, ".multi.test");
            strncat(order, mx.items[j].host, 1);
        }
        assert_string_equal(mx.items[4].host, "last.multi.test");
        assert_true(strchr(order, 'a') && strchr(order, 'b') && strchr(order, 'c'));
        if (i == 0)
            strcpy(first_order, order);
        else
            varied = strcmp(order, first_order) != 0;
        dns_mx_list_dispose(&mx);
    }
    assert_true(varied);
    dns_resolver_free(r);
}

/* why is passed by address: the argument is read after the lookup ran. */
static void expect_status(dns_status_t got, dns_status_t want, char **whyp, const char *text)
{
    char *why = *whyp;

    if (got != want)
        fail_msg("status %s, want %s (%s)", dns_status_str(got), dns_status_str(want),
                 why ? why : "no reason");
    if (text != NULL) {
        assert_non_null(why);
        if (strcmp(why, text) != 0)
            fail_msg("reason \"%s\", want \"%s\"", why, text);
    }
    xfree(why);
    *whyp = NULL;
}

static void test_mx_failures(void **state)
{
    dns_resolver_t *r = resolver(DNS_INET_IPV4 | DNS_INET_IPV6, DNS_PREF_ANY, 1500);
    dns_mx_list_t mx;
    char *why = NULL;
    long long start;

    (void) state;
    expect_status(dns_lookup_mx(r, "null.test", &mx, &why), DNS_NULLMX, &why,
                  "Name service error for name=null.test type=MX: Null MX (RFC 7505)");
    expect_status(dns_lookup_mx(r, "nx.test", &mx, &why), DNS_NOTFOUND, &why,
                  "Name service error for name=nx.test type=MX: Host not found");
    expect_status(dns_lookup_mx(r, "nodata.test", &mx, &why), DNS_NOTFOUND, &why,
                  "Name service error for name=nodata.test type=MX: "
                  "Host found but no data record of requested type");
    expect_status(dns_lookup_mx(r, "servfail.test", &mx, &why), DNS_TEMPFAIL, &why,
                  "Name service error for name=servfail.test type=MX: "
                  "Host not found, try again");
    expect_status(dns_lookup_mx(r, "refused.test", &mx, &why), DNS_TEMPFAIL, &why, NULL);
    start = time(NULL);
    expect_status(dns_lookup_mx(r, "slow.test", &mx, &why), DNS_TEMPFAIL, &why,
                  "Name service error for name=slow.test type=MX: "
                  "Host not found, try again");
    assert_true(time(NULL) - start <= 3);
    expect_status(dns_lookup_mx(r, "bad..name", &mx, &why), DNS_MALFORMED, &why, NULL);
    expect_status(dns_lookup_mx(r, "sp ace.test", &mx, &why), DNS_MALFORMED, &why, NULL);
    dns_resolver_free(r);
}

static void expect_one_addr(dns_resolver_t *r, const char *host, const char *addr)
{
    dns_addr_list_t l;
    char *why = NULL;

    expect_status(dns_lookup_host(r, host, &l, &why), DNS_OK, &why, NULL);
    assert_int_equal(l.count, 1);
    assert_string_equal(l.items[0].text, addr);
    dns_addr_list_dispose(&l);
}

static void test_cname(void **state)
{
    dns_resolver_t *r = default_resolver();
    dns_addr_list_t l;
    dns_mx_list_t mx;
    char *why = NULL;

    (void) state;
    expect_one_addr(r, "alias.test", "127.0.0.20");
    expect_one_addr(r, "lazy.test", "127.0.0.20");
    expect_one_addr(r, "ALIAS.TEST.", "127.0.0.20");
    expect_status(dns_lookup_host(r, "loop1.test", &l, &why), DNS_MALFORMED, &why, NULL);
    expect_status(dns_lookup_host(r, "dangling.test", &l, &why), DNS_NOTFOUND, &why,
                  "Name service error for name=gone.test type=A: Host not found");
    expect_status(dns_lookup_mx(r, "mxcname.test", &mx, &why), DNS_OK, &why, NULL);
    assert_string_equal(mx.items[0].host, "alias.test");
    dns_mx_list_dispose(&mx);
    dns_resolver_free(r);
}

static void test_txt(void **state)
{
    dns_resolver_t *r = default_resolver();
    dns_txt_list_t t;
    char *why = NULL, *log_path = getenv("DNSTEST_LOG"), line[256];
    bool spf = false, second = false, tcp = false;
    FILE *log;

    (void) state;
    expect_status(dns_lookup_txt(r, "txt.test", &t, &why), DNS_OK, &why, NULL);
    assert_int_equal(t.count, 2);
    for (size_t i = 0; i < t.count; i++) {
        spf |= strcmp(buf_str(&t.items[i]), "v=spf1 ip4:127.0.0.1 -all") == 0;
        second |= strcmp(buf_str(&t.items[i]), "second record") == 0;
    }
    assert_true(spf && second);
    dns_txt_list_dispose(&t);
    expect_status(dns_lookup_txt(r, "long.test", &t, &why), DNS_OK, &why, NULL);
    assert_int_equal(t.count, 1);
    assert_int_equal(t.items[0].len, 277);
    dns_txt_list_dispose(&t);
    expect_status(dns_lookup_txt(r, "big.test", &t, &why), DNS_OK, &why, NULL);
    assert_int_equal(t.count, 30);
    dns_txt_list_dispose(&t);
    assert_non_null(log_path);
    assert_non_null(log = fopen(log_path, "r"));
    while (fgets(line, sizeof(line), log))
        tcp |= strcmp(line, "tcp big.test TXT\n") == 0;
    fclose(log);
    assert_true(tcp);
    dns_resolver_free(r);
}

static void test_families(void **state)
{
    dns_resolver_t *v4 = resolver(DNS_INET_IPV4, DNS_PREF_ANY, 3000);
    dns_resolver_t *v6 = resolver(DNS_INET_IPV6, DNS_PREF_ANY, 3000);
    dns_resolver_t *pref4 = resolver(DNS_INET_IPV4 | DNS_INET_IPV6, DNS_PREF_IPV4, 3000);
    dns_resolver_t *pref6 = resolver(DNS_INET_IPV4 | DNS_INET_IPV6, DNS_PREF_IPV6, 3000);
    dns_addr_list_t l;
    char *why = NULL;

    (void) state;
    expect_status(dns_lookup_host(v4, "v6only.test", &l, &why), DNS_NOTFOUND, &why,
                  "Name service error for name=v6only.test type=A: "
                  "Host found but no data record of requested type");
    expect_one_addr(v6, "v6only.test", "::1");
    expect_one_addr(v4, "both.test", "127.0.0.40");
    expect_one_addr(v4, "127.0.0.9", "127.0.0.9");
    expect_status(dns_lookup_host(v4, "::1", &l, &why), DNS_NOTFOUND, &why, NULL);
    expect_status(dns_lookup_host(pref4, "both.test", &l, &why), DNS_OK, &why, NULL);
    assert_int_equal(l.count, 3);
    assert_string_equal(l.items[0].text, "127.0.0.40");
    assert_int_equal(l.items[1].family, AF_INET6);
    dns_addr_list_dispose(&l);
    expect_status(dns_lookup_host(pref6, "both.test", &l, &why), DNS_OK, &why, NULL);
    assert_int_equal(l.count, 3);
    assert_int_equal(l.items[0].family, AF_INET6);
    assert_int_equal(l.items[1].family, AF_INET6);
    assert_string_equal(l.items[2].text, "127.0.0.40");
    dns_addr_list_dispose(&l);
    dns_resolver_free(v4);
    dns_resolver_free(v6);
    dns_resolver_free(pref4);
    dns_resolver_free(pref6);
}

static void test_ptr(void **state)
{
    dns_resolver_t *r = default_resolver();
    dns_name_list_t n;
    char *why = NULL;

    (void) state;
    expect_status(dns_lookup_ptr(r, "127.0.0.20", &n, &why), DNS_OK, &why, NULL);
    assert_int_equal(n.count, 1);
    assert_string_equal(n.items[0], "host.test");
    dns_name_list_dispose(&n);
    expect_status(dns_lookup_ptr(r, "::1", &n, &why), DNS_OK, &why, NULL);
    assert_string_equal(n.items[0], "six.test");
    dns_name_list_dispose(&n);
    expect_status(dns_lookup_ptr(r, "127.0.0.99", &n, &why), DNS_NOTFOUND, &why, NULL);
    expect_status(dns_lookup_ptr(r, "not-an-address", &n, &why), DNS_MALFORMED, &why, NULL);
    dns_resolver_free(r);
}

static void test_destinations(void **state)
{
    dns_resolver_t *r = resolver(DNS_INET_IPV4 | DNS_INET_IPV6, DNS_PREF_IPV4, 1500);
    dns_dest_t d;
    char *why = NULL;

    (void) state;
    expect_status(dns_lookup_mx_hosts(r, "multi.test", true, &d, &why), DNS_OK, &why, NULL);
    assert_int_equal(d.count, 5);
    assert_false(d.implicit_mx);
    assert_string_equal(d.hosts[0].addrs.items[0].text, "127.0.0.4");
    assert_string_equal(d.hosts[4].addrs.items[0].text, "::1");
    dns_dest_dispose(&d);

    expect_status(dns_lookup_mx_hosts(r, "implicit.test", true, &d, &why), DNS_OK, &why, NULL);
    assert_true(d.implicit_mx);
    assert_int_equal(d.count, 1);
    assert_string_equal(d.hosts[0].name, "implicit.test");
    assert_int_equal(d.hosts[0].addrs.count, 2);
    assert_string_equal(d.hosts[0].addrs.items[0].text, "127.0.0.10");
    dns_dest_dispose(&d);

    expect_status(dns_lookup_mx_hosts(r, "multi.test", false, &d, &why), DNS_NOTFOUND, &why,
                  "Host or domain name not found. Name service error for "
                  "name=multi.test type=A: Host found but no data record of requested type");
    dns_dest_dispose(&d);
    expect_status(dns_lookup_mx_hosts(r, "null.test", true, &d, &why), DNS_NULLMX, &why,
                  "Domain null.test does not accept mail (nullMX)");
    dns_dest_dispose(&d);
    expect_status(dns_lookup_mx_hosts(r, "nx.test", true, &d, &why), DNS_NOTFOUND, &why,
                  "Host or domain name not found. Name service error for "
                  "name=nx.test type=A: Host not found");
    dns_dest_dispose(&d);
    expect_status(dns_lookup_mx_hosts(r, "servfail.test", true, &d, &why), DNS_TEMPFAIL, &why,
                  "Host or domain name not found. Name service error for "
                  "name=servfail.test type=MX: Host not found, try again");
    dns_dest_dispose(&d);
    expect_status(dns_lookup_mx_hosts(r, "mxip.test", true, &d, &why), DNS_OK, &why, NULL);
    assert_string_equal(d.hosts[0].addrs.items[0].text, "127.0.0.30");
    dns_dest_dispose(&d);
    expect_status(dns_lookup_mx_hosts(r, "mxcname.test", true, &d, &why), DNS_OK, &why, NULL);
    assert_string_equal(d.hosts[0].addrs.items[0].text, "127.0.0.20");
    dns_dest_dispose(&d);
    expect_status(dns_lookup_mx_hosts(r, "partial.test", true, &d, &why), DNS_OK, &why, NULL);
    assert_int_equal(d.count, 2);
    assert_int_equal(d.hosts[0].status, DNS_TEMPFAIL);
    assert_non_null(d.hosts[0].why);
    assert_string_equal(d.hosts[1].addrs.items[0].text, "127.0.0.50");
    dns_dest_dispose(&d);
    expect_status(dns_lookup_mx_hosts(r, "allbad.test", true, &d, &why), DNS_TEMPFAIL, &why,
                  "Host or domain name not found. Name service error for "
                  "name=broken-mx.test type=A: Host not found, try again");
    dns_dest_dispose(&d);
    dns_resolver_free(r);
}

static void test_native(void **state)
{
    dns_resolver_t *r = resolver(DNS_INET_IPV4, DNS_PREF_ANY, 2000);
    dns_addr_list_t l;
    char *why = NULL;
    bool loopback = false;

    (void) state;
    /* not in the zone (NXDOMAIN); /etc/hosts has it */
    expect_status(dns_lookup_host(r, "localhost", &l, &why), DNS_NOTFOUND, &why, NULL);
    dns_resolver_free(r);
    r = resolver_with_lookup(DNS_HOST_LOOKUP_DNS | DNS_HOST_LOOKUP_NATIVE);
    expect_status(dns_lookup_host(r, "localhost", &l, &why), DNS_OK, &why, NULL);
    for (size_t i = 0; i < l.count; i++)
        loopback |= strcmp(l.items[i].text, "127.0.0.1") == 0;
    assert_true(loopback);
    dns_addr_list_dispose(&l);
    expect_one_addr(r, "host.test", "127.0.0.20");     /* the DNS first */
    dns_resolver_free(r);
    r = resolver_with_lookup(DNS_HOST_LOOKUP_NATIVE);
    expect_status(dns_lookup_host(r, "localhost", &l, &why), DNS_OK, &why, NULL);
    assert_int_equal(l.items[0].family, AF_INET);
    dns_addr_list_dispose(&l);
    dns_resolver_free(r);
}

static void test_no_server(void **state)
{
    dns_options_t o;
    dns_resolver_t *r;
    dns_mx_list_t mx;
    char *why = NULL;

    (void) state;
    dns_options_init(&o);
    xfree(o.nameservers);
    o.nameservers = xstrdup("127.0.0.1:1");     /* nothing listens there */
    o.timeout_ms = 1000;
    r = dns_resolver_new(&o, &why);
    assert_non_null(r);
    dns_options_dispose(&o);
    expect_status(dns_lookup_mx(r, "multi.test", &mx, &why), DNS_TEMPFAIL, &why, NULL);
    dns_resolver_free(r);
}

/* --- asynchronous queries ------------------------------------------------------ */

typedef struct async_seen {
    int done;
    dns_status_t status[8];
    char text[8][128];
} async_seen_t;

static async_seen_t seen;

static void async_record(const dns_async_answer_t *a, void *ctx)
{
    int slot = (int) (intptr_t) ctx;

    seen.done++;
    seen.status[slot] = a->status;
    if (a->status != DNS_OK)
        snprintf(seen.text[slot], sizeof(seen.text[slot]), "%s", a->why);
    else if (a->addrs.count)
        snprintf(seen.text[slot], sizeof(seen.text[slot]), "%s", a->addrs.items[0].text);
    else if (a->mx.count)
        snprintf(seen.text[slot], sizeof(seen.text[slot]), "%s/%zu", a->mx.items[0].host,
                 a->mx.count);
    else if (a->txt.count)
        snprintf(seen.text[slot], sizeof(seen.text[slot]), "%zu", a->txt.count);
    else if (a->names.count)
        snprintf(seen.text[slot], sizeof(seen.text[slot]), "%s", a->names.items[0]);
}

static void test_async(void **state)
{
    dns_resolver_t *r = resolver(DNS_INET_IPV4 | DNS_INET_IPV6, DNS_PREF_ANY, 1000);
    dns_addr_list_t l;
    char *why = NULL;

    (void) state;
    memset(&seen, 0, sizeof(seen));
    dns_async_query(r, "multi.test", DNS_TYPE_MX, async_record, (void *) 0);
    dns_async_query(r, "lazy.test", DNS_TYPE_A, async_record, (void *) 1);
    dns_async_query(r, "slow.test", DNS_TYPE_A, async_record, (void *) 2);
    dns_async_query(r, "big.test", DNS_TYPE_TXT, async_record, (void *) 3);
    dns_async_query(r, "null.test", DNS_TYPE_MX, async_record, (void *) 4);
    dns_async_query(r, "bad..name", DNS_TYPE_A, async_record, (void *) 5);
    dns_async_query(r, "20.0.0.127.in-addr.arpa", DNS_TYPE_PTR, async_record, (void *) 6);
    dns_async_query(r, "nx.test", DNS_TYPE_AAAA, async_record, (void *) 7);
    assert_int_equal(seen.done, 0);            /* never answered from inside */
    assert_int_equal(dns_async_pending(r), 8);
    for (int i = 0; i < 300 && seen.done < 8; i++)
        event_loop_once(50);
    assert_int_equal(seen.done, 8);
    assert_int_equal(dns_async_pending(r), 0);
    assert_int_equal(seen.status[0], DNS_OK);
    assert_string_equal(seen.text[0], "first.multi.test/5");
    assert_int_equal(seen.status[1], DNS_OK);
    assert_string_equal(seen.text[1], "127.0.0.20");
    assert_int_equal(seen.status[2], DNS_TEMPFAIL);
    assert_string_equal(seen.text[2], "Name service error for name=slow.test type=A: "
                        "Host not found, try again");
    assert_int_equal(seen.status[3], DNS_OK);
    assert_string_equal(seen.text[3], "30");
    assert_int_equal(seen.status[4], DNS_NULLMX);
    assert_int_equal(seen.status[5], DNS_MALFORMED);
    assert_int_equal(seen.status[6], DNS_OK);
    assert_string_equal(seen.text[6], "host.test");
    assert_int_equal(seen.status[7], DNS_NOTFOUND);
    /* in flight when the resolver goes: answered with a temporary failure */
    memset(&seen, 0, sizeof(seen));
    dns_async_query(r, "slow.test", DNS_TYPE_TXT, async_record, (void *) 0);
    dns_async_query(r, "bad..name", DNS_TYPE_A, async_record, (void *) 1);
    event_loop_once(10);
    dns_resolver_free(r);
    assert_int_equal(seen.done, 2);
    assert_int_equal(seen.status[0], DNS_TEMPFAIL);
    assert_int_equal(seen.status[1], DNS_MALFORMED);
    assert_int_equal(event_count(), 0);
    /* a fresh resolver works synchronously again */
    r = default_resolver();
    expect_status(dns_lookup_host(r, "host.test", &l, &why), DNS_OK, &why, NULL);
    dns_addr_list_dispose(&l);
    dns_resolver_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mx_order_and_shuffle),
        cmocka_unit_test(test_mx_failures),
        cmocka_unit_test(test_cname),
        cmocka_unit_test(test_txt),
        cmocka_unit_test(test_families),
        cmocka_unit_test(test_ptr),
        cmocka_unit_test(test_destinations),
        cmocka_unit_test(test_native),
        cmocka_unit_test(test_no_server),
        cmocka_unit_test(test_async),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
