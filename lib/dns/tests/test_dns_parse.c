/* test_dns_parse.c - unit tests of lib/dns without a server: the reply
 * parser (hostile messages: short, pointer loops, counts past the end,
 * bad rdata, NUL bytes, upper case), CNAME selection, and the parsers of
 * dns_nameservers, inet_protocols, smtp_host_lookup and
 * smtp_address_preference. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "dns/dns.h"
#include "dns/dns_reply.h"
#include "util/mem.h"

typedef struct msg {
    unsigned char b[1024];
    size_t len;
} msg_t;

static void put(msg_t *m, const void *p, size_t n)
{
    assert_true(m->len + n <= sizeof(m->b));
    memcpy(m->b + m->len, p, n);
    m->len += n;
}

static void put16(msg_t *m, unsigned v)
{
    unsigned char b[2] = {(unsigned char) (v >> 8), (unsigned char) v};
    put(m, b, 2);
}

static void put_name(msg_t *m, const char *name)
{
    while (*name) {
        const char *dot = strchr(name, '.');
        size_t n = dot ? (size_t) (dot - name) : strlen(name);
        unsigned char len = (unsigned char) n;
        put(m, &len, 1);
        put(m, name, n);
        name += n + (dot ? 1 : 0);
    }
    put(m, "", 1);
}

static void header(msg_t *m, unsigned flags, unsigned qd, unsigned an)
{
    m->len = 0;
    put16(m, 0x1234);
    put16(m, flags);
    put16(m, qd);
    put16(m, an);
    put16(m, 0);
    put16(m, 0);
}

static void question(msg_t *m, const char *name, unsigned type)
{
    put_name(m, name);
    put16(m, type);
    put16(m, 1);
}

static void rr_head(msg_t *m, const char *name, unsigned type, unsigned rdlen)
{
    put_name(m, name);
    put16(m, type);
    put16(m, 1);
    put16(m, 0);
    put16(m, 60);
    put16(m, rdlen);
}

static void test_parse_mx_and_cname(void **state)
{
    msg_t m;
    dns_reply_t r;
    char *err = NULL;
    buf_t canon = BUF_INIT;
    int links;
    size_t n;

    (void) state;
    header(&m, 0x8180, 1, 3);
    question(&m, "Alias.Test", DNS_TYPE_MX);
    rr_head(&m, "ALIAS.test", DNS_TYPE_CNAME, 11);
    put_name(&m, "real.test");                 /* 11 bytes */
    rr_head(&m, "real.test", DNS_TYPE_MX, 2 + 2);
    put16(&m, 10);
    put16(&m, 0xC000 | 12);                    /* pointer to "alias.test" */
    rr_head(&m, "real.test", DNS_TYPE_MX, 3);
    put16(&m, 0);
    put(&m, "", 1);                             /* null MX */
    assert_int_equal(dns_reply_parse(m.b, m.len, &r, &err), 0);
    assert_int_equal(r.count, 3);
    assert_string_equal(r.answers[0].name, "alias.test");
    const dns_rr_t **sel = dns_reply_select(&r, "alias.test", DNS_TYPE_MX, 5, &canon,
                                            &links, &n);
    assert_int_equal(links, 1);
    assert_string_equal(buf_str(&canon), "real.test");
    assert_int_equal(n, 2);
    assert_int_equal(sel[0]->pref, 10);
    assert_string_equal(sel[0]->target, "alias.test");
    assert_string_equal(sel[1]->target, "");
    xfree(sel);
    dns_reply_dispose(&r);
    buf_dispose(&canon);
}

static void test_parse_txt_with_nul(void **state)
{
    msg_t m;
    dns_reply_t r;
    char *err = NULL;

    (void) state;
    header(&m, 0x8400, 1, 1);
    question(&m, "t.test", DNS_TYPE_TXT);
    rr_head(&m, "t.test", DNS_TYPE_TXT, 4 + 1 + 3);
    put(&m, "\003a\0b", 4);
    put(&m, "\000", 1);
    put(&m, "\002cd", 3);
    assert_int_equal(dns_reply_parse(m.b, m.len, &r, &err), 0);
    assert_int_equal(r.count, 1);
    assert_int_equal(r.answers[0].data.len, 5);
    assert_memory_equal(r.answers[0].data.data, "a\0bcd", 5);
    assert_true(r.authoritative);
    dns_reply_dispose(&r);
}

static void expect_malformed(const msg_t *m)
{
    dns_reply_t r;
    char *err = NULL;

    assert_int_equal(dns_reply_parse(m->b, m->len, &r, &err), -1);
    assert_non_null(err);
    xfree(err);
}

static void test_parse_hostile(void **state)
{
    msg_t m;

    (void) state;
    header(&m, 0x8180, 0, 0);
    m.len = 11;
    expect_malformed(&m);                      /* short header */
    header(&m, 0x0100, 0, 0);
    expect_malformed(&m);                      /* a query, not a reply */
    header(&m, 0x8180, 0, 5000);
    expect_malformed(&m);                      /* huge answer count */
    header(&m, 0x8180, 1, 0);
    put16(&m, 0xC000 | 12);                    /* pointer to itself */
    put16(&m, 1);
    put16(&m, 1);
    expect_malformed(&m);
    header(&m, 0x8180, 1, 0);
    put(&m, "\005ab", 3);                      /* label past the end */
    expect_malformed(&m);
    header(&m, 0x8180, 0, 1);
    rr_head(&m, "a.test", DNS_TYPE_A, 5);      /* A with 5 bytes */
    put(&m, "12345", 5);
    expect_malformed(&m);
    header(&m, 0x8180, 0, 1);
    rr_head(&m, "a.test", DNS_TYPE_A, 10);     /* rdata past the end */
    put(&m, "1234", 4);
    expect_malformed(&m);
    header(&m, 0x8180, 0, 1);
    rr_head(&m, "a.test", DNS_TYPE_TXT, 3);    /* string past rdata */
    put(&m, "\005ab", 3);
    expect_malformed(&m);
    header(&m, 0x8180, 0, 1);
    rr_head(&m, "a.test", DNS_TYPE_MX, 6);     /* name shorter than rdata */
    put16(&m, 1);
    put_name(&m, "x");
    put16(&m, 0);
    expect_malformed(&m);
    header(&m, 0x8180, 0, 1);
    put(&m, "\100", 1);                        /* label type 01 */
    expect_malformed(&m);
}

static void test_parse_long_name(void **state)
{
    msg_t m;
    char name[400];

    (void) state;
    for (int i = 0; i < 130; i++)              /* 130 labels "a": 261 bytes */
        memcpy(name + 2 * i, "a.", 2);
    name[259] = '\0';
    header(&m, 0x8180, 1, 0);
    question(&m, name, 1);
    expect_malformed(&m);
}

static void test_parse_escapes_and_skips(void **state)
{
    msg_t m;
    dns_reply_t r;
    char *err = NULL;

    (void) state;
    header(&m, 0x8180, 0, 2);
    put(&m, "\003a.\001\004test\000", 10);     /* label "a.<01>" */
    put16(&m, DNS_TYPE_A);
    put16(&m, 1);
    put16(&m, 0);
    put16(&m, 0);
    put16(&m, 4);
    put(&m, "\177\0\0\1", 4);
    rr_head(&m, "x.test", 99, 2);              /* unknown type: skipped */
    put16(&m, 0);
    assert_int_equal(dns_reply_parse(m.b, m.len, &r, &err), 0);
    assert_int_equal(r.count, 1);
    assert_string_equal(r.answers[0].name, "a\\046\\001.test");
    dns_reply_dispose(&r);
}

static void test_select_loop(void **state)
{
    msg_t m;
    dns_reply_t r;
    char *err = NULL;
    buf_t canon = BUF_INIT;
    int links;
    size_t n;

    (void) state;
    header(&m, 0x8180, 0, 2);
    rr_head(&m, "a.test", DNS_TYPE_CNAME, 8);
    put_name(&m, "b.test");
    rr_head(&m, "b.test", DNS_TYPE_CNAME, 8);
    put_name(&m, "a.test");
    assert_int_equal(dns_reply_parse(m.b, m.len, &r, &err), 0);
    const dns_rr_t **sel = dns_reply_select(&r, "a.test", DNS_TYPE_A, 10, &canon,
                                            &links, &n);
    assert_int_equal(links, 10);
    assert_int_equal(n, 0);
    xfree(sel);
    dns_reply_dispose(&r);
    buf_dispose(&canon);
}

static void test_nameservers(void **state)
{
    dns_server_addr_t s[DNS_MAX_NAMESERVERS];
    char *err = NULL;

    (void) state;
    assert_int_equal(dns_parse_nameservers("", s, 8, &err), 0);
    assert_int_equal(dns_parse_nameservers("127.0.0.1:5353 [::1]:5354, 10.0.0.1 ::1 [::2]",
                                           s, 8, &err), 5);
    assert_int_equal(s[0].family, AF_INET);
    assert_int_equal(s[0].port, 5353);
    assert_int_equal(s[1].family, AF_INET6);
    assert_int_equal(s[1].port, 5354);
    assert_int_equal(s[2].port, 53);
    assert_int_equal(s[3].family, AF_INET6);
    assert_int_equal(s[4].port, 53);
    static const char *bad[] = {"localhost", "127.0.0.1:0", "127.0.0.1:65536",
                                "[::1", "[::1]x", "[127.0.0.1:53", "1.2.3.4:",
                                "1.2.3.4:53x", "[]:53",
                                ("1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4 5.5.5.5 6.6.6.6 "
                                 "7.7.7.7 8.8.8.8 9.9.9.9"),
                                "[0000000000000000000000000000000000000000000000000000000000000000000::1]"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err = NULL;
        assert_int_equal(dns_parse_nameservers(bad[i], s, 8, &err), -1);
        assert_non_null(err);
        xfree(err);
    }
}

static const char *param_value(const char *name)
{
    if (strcmp(name, "inet_protocols") == 0)
        return "IPv4";
    if (strcmp(name, "smtp_host_lookup") == 0)
        return "dns, native";
    if (strcmp(name, "smtp_address_preference") == 0)
        return "ipv6";
    if (strcmp(name, "disable_dns_lookups") == 0)
        return "no";
    if (strcmp(name, "dns_nameservers") == 0)
        return "127.0.0.1:53";
    return "";
}

static void test_options(void **state)
{
    dns_options_t o;
    dns_addr_pref_t pref;
    char *err = NULL;
    int bits;

    (void) state;
    dns_options_init(&o);
    assert_int_equal(dns_options_from_params(&o, param_value, &err), 0);
    assert_int_equal(o.inet_protocols, DNS_INET_IPV4);
    assert_int_equal(o.host_lookup, DNS_HOST_LOOKUP_DNS | DNS_HOST_LOOKUP_NATIVE);
    assert_int_equal(o.address_preference, DNS_PREF_IPV6);
    assert_true(o.mx_lookups);
    assert_string_equal(o.nameservers, "127.0.0.1:53");
    dns_options_dispose(&o);
    assert_int_equal(dns_parse_inet_protocols("all", &bits, &err), 0);
    assert_int_equal(bits, DNS_INET_IPV4 | DNS_INET_IPV6);
    assert_int_equal(dns_parse_inet_protocols("ipv4,ipv6", &bits, &err), 0);
    assert_int_equal(bits, DNS_INET_IPV4 | DNS_INET_IPV6);
    static const char *bad_protocols[] = {"", " , ", "ipv5", "ipv4 x"};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(dns_parse_inet_protocols(bad_protocols[i], &bits, &err), -1);
        xfree(err);
    }
    assert_int_equal(dns_parse_host_lookup("NATIVE", &bits, &err), 0);
    assert_int_equal(bits, DNS_HOST_LOOKUP_NATIVE);
    assert_int_equal(dns_parse_host_lookup("nis", &bits, &err), -1);
    xfree(err);
    assert_int_equal(dns_parse_address_preference(" any ", &pref, &err), 0);
    assert_int_equal(pref, DNS_PREF_ANY);
    assert_int_equal(dns_parse_address_preference("both", &pref, &err), -1);
    xfree(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_mx_and_cname),
        cmocka_unit_test(test_parse_txt_with_nul),
        cmocka_unit_test(test_parse_hostile),
        cmocka_unit_test(test_parse_long_name),
        cmocka_unit_test(test_parse_escapes_and_skips),
        cmocka_unit_test(test_select_loop),
        cmocka_unit_test(test_nameservers),
        cmocka_unit_test(test_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
