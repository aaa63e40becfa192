/* fuzz_dns.c - fuzz target for what lib/dns parses itself. The first
 * byte picks the parser, the rest is its input:
 *   0: a DNS reply message (dns_reply_parse, then dns_reply_select for
 *      each record type from a fixed question name and from the first
 *      answer's owner); invariants: selected records have the asked type,
 *      owner names fit in 255*4 bytes of presentation text
 *   1: a dns_nameservers value (at most DNS_MAX_NAMESERVERS, ports in
 *      1..65535, families AF_INET/AF_INET6)
 *   2: inet_protocols, smtp_host_lookup, smtp_address_preference values
 *      and the query-name and host-name checks (a name accepted for a
 *      query is at most 253 bytes).
 * Any violation aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_impl.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int types[] = {DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_MX, DNS_TYPE_TXT,
                            DNS_TYPE_PTR, DNS_TYPE_CNAME};

static void check_select(const dns_reply_t *r, const char *qname)
{
    buf_t canon = BUF_INIT;

    for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
        int links;
        size_t n;
        const dns_rr_t **sel = dns_reply_select(r, qname, types[t], DNS_CNAME_LIMIT,
                                                &canon, &links, &n);
        if (links < 0 || links > DNS_CNAME_LIMIT || n > r->count)
            abort();
        for (size_t i = 0; i < n; i++)
            if (sel[i]->type != types[t])
                abort();
        xfree(sel);
    }
    buf_dispose(&canon);
}

static void fuzz_reply(const uint8_t *data, size_t size)
{
    dns_reply_t r;
    char *err = NULL;

    if (dns_reply_parse(data, size, &r, &err) < 0) {
        if (err == NULL)
            abort();
        xfree(err);
        return;
    }
    for (size_t i = 0; i < r.count; i++) {
        if (strlen(r.answers[i].name) > 255 * 4)
            abort();
        if ((r.answers[i].type == DNS_TYPE_A && r.answers[i].data.len != 4)
            || (r.answers[i].type == DNS_TYPE_AAAA && r.answers[i].data.len != 16))
            abort();
    }
    check_select(&r, "example.com");
    if (r.count > 0)
        check_select(&r, r.answers[0].name);
    dns_reply_dispose(&r);
}

static void fuzz_servers(const char *text)
{
    dns_server_addr_t s[DNS_MAX_NAMESERVERS];
    char *err = NULL;
    int n = dns_parse_nameservers(text, s, DNS_MAX_NAMESERVERS, &err);

    if (n < 0) {
        if (err == NULL)
            abort();
        xfree(err);
        return;
    }
    if (n > DNS_MAX_NAMESERVERS)
        abort();
    for (int i = 0; i < n; i++)
        if (s[i].port < 1 || s[i].port > 65535
            || (s[i].family != AF_INET && s[i].family != AF_INET6))
            abort();
}

static void fuzz_values(const char *text)
{
    dns_addr_pref_t pref;
    buf_t name = BUF_INIT;
    char *err = NULL;
    int bits;

    if (dns_parse_inet_protocols(text, &bits, &err) == 0) {
        if (bits == 0 || (bits & ~(DNS_INET_IPV4 | DNS_INET_IPV6)))
            abort();
    } else {
        xfree(err);
    }
    if (dns_parse_host_lookup(text, &bits, &err) == 0) {
        if (bits == 0)
            abort();
    } else {
        xfree(err);
    }
    if (dns_parse_address_preference(text, &pref, &err) < 0)
        xfree(err);
    if (dns_query_name(text, &name) && (name.len == 0 || name.len > 253))
        abort();
    if (dns_valid_hostname(text) && !dns_query_name(text, &name))
        abort();
    buf_dispose(&name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text;

    if (size == 0)
        return 0;
    if (data[0] % 3 == 0) {
        fuzz_reply(data + 1, size - 1);
        return 0;
    }
    text = xstrndup((const char *) data + 1, size - 1);
    if (data[0] % 3 == 1)
        fuzz_servers(text);
    else
        fuzz_values(text);
    xfree(text);
    return 0;
}
