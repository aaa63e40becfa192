/* dns_lookup.c - the record lookups of dns.h: MX (sorted, shuffled among
 * equal preferences, deduplicated, null MX), TXT (strings of a record
 * joined) and PTR, on dns_query(). Failures are a status plus a reason
 * text (*why); nothing is logged. Host addresses are in dns_host.c. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/dns_impl.h"
#include "util/mem.h"

static int mx_compare(const void *a, const void *b)
{
    const dns_mx_t *x = a, *y = b;

    return x->pref < y->pref ? -1 : x->pref > y->pref;
}

/* Drops later copies of a host (sorted first, so the lowest preference
 * stays), then shuffles each run of equal preference. */
static void mx_order(dns_mx_list_t *l)
{
    size_t kept = 0;

    qsort(l->items, l->count, sizeof(dns_mx_t), mx_compare);
    for (size_t i = 0; i < l->count; i++) {
        bool dup = false;
        for (size_t j = 0; j < kept && !dup; j++)
            dup = strcasecmp(l->items[j].host, l->items[i].host) == 0;
        if (dup)
            xfree(l->items[i].host);
        else
            l->items[kept++] = l->items[i];
    }
    l->count = kept;
    for (size_t start = 0, end; start < l->count; start = end) {
        for (end = start + 1; end < l->count && l->items[end].pref == l->items[start].pref;)
            end++;
        for (size_t i = end - 1; i > start; i--) {
            size_t j = start + dns_random((unsigned) (i - start + 1));
            dns_mx_t tmp = l->items[i];
            l->items[i] = l->items[j];
            l->items[j] = tmp;
        }
    }
}

dns_status_t dns_mx_from_answer(const dns_answer_t *ans, const char *domain,
                                dns_mx_list_t *out, char **why)
{
    dns_addr_t literal;
    bool null_mx = false;

    memset(out, 0, sizeof(*out));
    out->items = xcalloc(ans->count ? ans->count : 1, sizeof(dns_mx_t));
    for (size_t i = 0; i < ans->count; i++) {
        const char *host = ans->rrs[i]->target;
        if (*host == '\0')
            null_mx = true;
        else if (dns_valid_hostname(host) || dns_parse_addr(host, &literal)) {
            out->items[out->count].host = xstrdup(host);
            out->items[out->count++].pref = ans->rrs[i]->pref;
        }
    }
    if (null_mx || out->count == 0) {
        dns_mx_list_dispose(out);
        *why = dns_error_text(domain, DNS_TYPE_MX, null_mx ? "Null MX (RFC 7505)"
                              : "Malformed or unexpected name server reply");
        return null_mx ? DNS_NULLMX : DNS_MALFORMED;
    }
    mx_order(out);
    return DNS_OK;
}

dns_status_t dns_lookup_mx(dns_resolver_t *r, const char *domain,
                           dns_mx_list_t *out, char **why)
{
    dns_answer_t ans;
    bool nx;
    dns_status_t st;

    memset(out, 0, sizeof(*out));
    st = dns_query(r, domain, DNS_TYPE_MX, dns_deadline(r), &ans, &nx, why);
    if (st == DNS_OK)
        st = dns_mx_from_answer(&ans, domain, out, why);
    dns_answer_dispose(&ans);
    return st;
}

dns_status_t dns_lookup_txt(dns_resolver_t *r, const char *name,
                            dns_txt_list_t *out, char **why)
{
    dns_answer_t ans;
    bool nx;
    dns_status_t st;

    memset(out, 0, sizeof(*out));
    st = dns_query(r, name, DNS_TYPE_TXT, dns_deadline(r), &ans, &nx, why);
    if (st == DNS_OK) {
        out->items = xcalloc(ans.count, sizeof(buf_t));
        for (size_t i = 0; i < ans.count; i++)
            buf_append(&out->items[i], ans.rrs[i]->data.data, ans.rrs[i]->data.len);
        out->count = ans.count;
    }
    dns_answer_dispose(&ans);
    return st;
}

/* "4.3.2.1.in-addr.arpa" or the nibbles of an IPv6 address + ip6.arpa. */
static void reverse_name(const dns_addr_t *a, buf_t *out)
{
    buf_reset(out);
    if (a->family == AF_INET) {
        buf_printf(out, "%u.%u.%u.%u.in-addr.arpa", a->bytes[3], a->bytes[2],
                   a->bytes[1], a->bytes[0]);
        return;
    }
    for (int i = 15; i >= 0; i--)
        buf_printf(out, "%x.%x.", a->bytes[i] & 0xF, a->bytes[i] >> 4);
    buf_puts(out, "ip6.arpa");
}

dns_status_t dns_lookup_ptr(dns_resolver_t *r, const char *addr,
                            dns_name_list_t *out, char **why)
{
    buf_t name = BUF_INIT;
    dns_answer_t ans;
    dns_addr_t a;
    bool nx;
    dns_status_t st;

    memset(out, 0, sizeof(*out));
    if (!dns_parse_addr(addr, &a)) {
        *why = dns_error_text(addr, DNS_TYPE_PTR, "Malformed address");
        return DNS_MALFORMED;
    }
    reverse_name(&a, &name);
    st = dns_query(r, buf_str(&name), DNS_TYPE_PTR, dns_deadline(r), &ans, &nx, why);
    if (st == DNS_OK) {
        out->items = xcalloc(ans.count, sizeof(char *));
        for (size_t i = 0; i < ans.count; i++)
            out->items[out->count++] = xstrdup(ans.rrs[i]->target);
    }
    dns_answer_dispose(&ans);
    buf_dispose(&name);
    return st;
}

void dns_addr_list_dispose(dns_addr_list_t *l)
{
    xfree(l->items);
    memset(l, 0, sizeof(*l));
}

void dns_mx_list_dispose(dns_mx_list_t *l)
{
    for (size_t i = 0; i < l->count; i++)
        xfree(l->items[i].host);
    xfree(l->items);
    memset(l, 0, sizeof(*l));
}

void dns_txt_list_dispose(dns_txt_list_t *l)
{
    for (size_t i = 0; i < l->count; i++)
        buf_dispose(&l->items[i]);
    xfree(l->items);
    memset(l, 0, sizeof(*l));
}

void dns_name_list_dispose(dns_name_list_t *l)
{
    for (size_t i = 0; i < l->count; i++)
        xfree(l->items[i]);
    xfree(l->items);
    memset(l, 0, sizeof(*l));
}
