/* dns_host.c - addresses of a host (A/AAAA through the DNS and/or
 * getaddrinfo, as smtp_host_lookup says; filtered by inet_protocols,
 * ordered by smtp_address_preference) and the destination lookup of the
 * smtp client: MX hosts or the implicit MX, each with its addresses.
 * Failures are a status and a reason text; nothing is logged. */
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dns/dns_impl.h"
#include "util/mem.h"

#define NOT_FOUND_PREFIX "Host or domain name not found. "

static bool family_enabled(const dns_resolver_t *r, int family)
{
    int bit = family == AF_INET ? DNS_INET_IPV4 : DNS_INET_IPV6;

    return (r->opts.inet_protocols & bit) != 0;
}

/* Appends a unless the list holds it already. */
static void add_addr(dns_addr_list_t *l, const dns_addr_t *a)
{
    for (size_t i = 0; i < l->count; i++)
        if (l->items[i].family == a->family && memcmp(l->items[i].bytes, a->bytes, 16) == 0)
            return;
    l->items = xreallocarray(l->items, l->count + 1, sizeof(dns_addr_t));
    l->items[l->count++] = *a;
}

static void add_bytes(dns_addr_list_t *l, int family, const void *bytes)
{
    dns_addr_t a;

    memset(&a, 0, sizeof(a));
    a.family = family;
    memcpy(a.bytes, bytes, family == AF_INET ? 4 : 16);
    inet_ntop(family, a.bytes, a.text, sizeof(a.text));
    add_addr(l, &a);
}

/* Keeps the worse of two failures: temporary beats malformed beats not found. */
static int failure_rank(dns_status_t st)
{
    return st == DNS_TEMPFAIL ? 3 : st == DNS_MALFORMED ? 2 : st == DNS_NOTFOUND ? 1 : 0;
}

static void keep_failure(dns_status_t st, char *why, dns_status_t *worst, char **worst_why)
{
    if (failure_rank(st) > failure_rank(*worst) || *worst_why == NULL) {
        xfree(*worst_why);
        *worst_why = why;
        *worst = st;
    } else {
        xfree(why);
    }
}

static dns_status_t lookup_dns(dns_resolver_t *r, const char *host,
                               dns_addr_list_t *out, char **why)
{
    static const int types[] = {DNS_TYPE_A, DNS_TYPE_AAAA};
    dns_status_t worst = DNS_NOTFOUND;
    long long deadline = dns_deadline(r);

    *why = NULL;
    for (size_t t = 0; t < 2; t++) {
        int family = types[t] == DNS_TYPE_A ? AF_INET : AF_INET6;
        dns_answer_t ans;
        char *err = NULL;
        bool nx;

        if (!family_enabled(r, family))
            continue;
        dns_status_t st = dns_query(r, host, types[t], deadline, &ans, &nx, &err);
        for (size_t i = 0; st == DNS_OK && i < ans.count; i++)
            add_bytes(out, family, ans.rrs[i]->data.data);
        dns_answer_dispose(&ans);
        if (st != DNS_OK)
            keep_failure(st, err, &worst, why);
        if (nx)
            break;   /* the name does not exist: no use asking for AAAA */
    }
    if (out->count > 0) {
        xfree(*why);
        *why = NULL;
        return DNS_OK;
    }
    return worst;
}

static dns_status_t lookup_native(dns_resolver_t *r, const char *host,
                                  dns_addr_list_t *out, char **why)
{
    struct addrinfo hints, *res = NULL;
    buf_t text = BUF_INIT;
    int rc;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = r->opts.inet_protocols == DNS_INET_IPV4 ? AF_INET
                      : r->opts.inet_protocols == DNS_INET_IPV6 ? AF_INET6 : AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc == 0) {
        for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
            if (ai->ai_family == AF_INET)
                add_bytes(out, AF_INET, &((struct sockaddr_in *) ai->ai_addr)->sin_addr);
            else if (ai->ai_family == AF_INET6)
                add_bytes(out, AF_INET6, &((struct sockaddr_in6 *) ai->ai_addr)->sin6_addr);
        }
        freeaddrinfo(res);
        if (out->count > 0)
            return DNS_OK;
    }
    buf_printf(&text, "Name service error for name=%s: %s", host,
               rc == 0 ? "no usable address" : gai_strerror(rc));
    *why = buf_detach(&text);
    return rc == EAI_AGAIN || rc == EAI_SYSTEM || rc == EAI_MEMORY ? DNS_TEMPFAIL
                                                                     : DNS_NOTFOUND;
}

/* Orders addresses: one family first, or at random. */
static void order_addrs(dns_resolver_t *r, dns_addr_list_t *l)
{
    int first;
    size_t next = 0;

    if (r->opts.address_preference == DNS_PREF_ANY) {
        for (size_t i = l->count; i > 1; i--) {
            size_t j = dns_random((unsigned) i);
            dns_addr_t tmp = l->items[i - 1];
            l->items[i - 1] = l->items[j];
            l->items[j] = tmp;
        }
        return;
    }
    first = r->opts.address_preference == DNS_PREF_IPV4 ? AF_INET : AF_INET6;
    for (size_t i = 0; i < l->count; i++) {
        if (l->items[i].family != first)
            continue;
        dns_addr_t moved = l->items[i];
        memmove(&l->items[next + 1], &l->items[next], (i - next) * sizeof(dns_addr_t));
        l->items[next++] = moved;
    }
}

dns_status_t dns_lookup_host(dns_resolver_t *r, const char *host,
                             dns_addr_list_t *out, char **why)
{
    dns_status_t st = DNS_NOTFOUND;
    dns_addr_t literal;

    memset(out, 0, sizeof(*out));
    *why = NULL;
    if (dns_parse_addr(host, &literal)) {
        if (family_enabled(r, literal.family)) {
            add_addr(out, &literal);
            return DNS_OK;
        }
        *why = dns_error_text(host, literal.family == AF_INET ? DNS_TYPE_A : DNS_TYPE_AAAA,
                              "address family not enabled by inet_protocols");
        return DNS_NOTFOUND;
    }
    if (r->opts.host_lookup & DNS_HOST_LOOKUP_DNS)
        st = lookup_dns(r, host, out, why);
    if (st != DNS_OK && (r->opts.host_lookup & DNS_HOST_LOOKUP_NATIVE)) {
        char *native_why = NULL;
        dns_status_t nst = lookup_native(r, host, out, &native_why);
        if (nst == DNS_OK || *why == NULL) {
            xfree(*why);
            *why = native_why;
            st = nst;
        } else {
            xfree(native_why);
        }
    }
    if (st == DNS_OK)
        order_addrs(r, out);
    return st;
}

/* --- destinations ------------------------------------------------------------- */

static char *prefixed(const char *why)
{
    buf_t b = BUF_INIT;

    buf_printf(&b, NOT_FOUND_PREFIX "%s", why);
    return buf_detach(&b);
}

static void add_host(dns_dest_t *d, const char *name, unsigned pref)
{
    d->hosts = xreallocarray(d->hosts, d->count + 1, sizeof(dns_host_t));
    memset(&d->hosts[d->count], 0, sizeof(dns_host_t));
    d->hosts[d->count].name = xstrdup(name);
    d->hosts[d->count++].pref = pref;
}

/* The MX step: fills d->hosts, or returns a final failure. */
static dns_status_t mx_hosts(dns_resolver_t *r, const char *domain, dns_dest_t *d,
                             char **why)
{
    dns_mx_list_t mx;
    char *err = NULL;
    buf_t b = BUF_INIT;
    dns_status_t st = dns_lookup_mx(r, domain, &mx, &err);

    switch (st) {
    case DNS_OK:
        for (size_t i = 0; i < mx.count; i++)
            add_host(d, mx.items[i].host, mx.items[i].pref);
        dns_mx_list_dispose(&mx);
        return DNS_OK;
    case DNS_NOTFOUND:
        xfree(err);
        d->implicit_mx = true;
        add_host(d, domain, 0);
        return DNS_OK;
    case DNS_NULLMX:
        xfree(err);
        buf_printf(&b, "Domain %s does not accept mail (nullMX)", domain);
        *why = buf_detach(&b);
        return st;
    default:
        *why = prefixed(err);
        xfree(err);
        return st;
    }
}

dns_status_t dns_lookup_mx_hosts(dns_resolver_t *r, const char *domain, bool mx,
                                 dns_dest_t *out, char **why)
{
    dns_status_t st, worst = DNS_NOTFOUND;
    size_t usable = 0, worst_at = 0;

    memset(out, 0, sizeof(*out));
    *why = NULL;
    if (mx && r->opts.mx_lookups) {
        if ((st = mx_hosts(r, domain, out, why)) != DNS_OK)
            return st;
    } else {
        add_host(out, domain, 0);
    }
    for (size_t i = 0; i < out->count; i++) {
        dns_host_t *h = &out->hosts[i];
        h->status = dns_lookup_host(r, h->name, &h->addrs, &h->why);
        if (h->status == DNS_OK)
            usable++;
        else if (failure_rank(h->status) > failure_rank(worst) || i == 0) {
            worst = h->status;
            worst_at = i;
        }
    }
    if (usable > 0)
        return DNS_OK;
    *why = prefixed(out->hosts[worst_at].why ? out->hosts[worst_at].why : "no address");
    return worst;
}

void dns_dest_dispose(dns_dest_t *d)
{
    for (size_t i = 0; i < d->count; i++) {
        xfree(d->hosts[i].name);
        xfree(d->hosts[i].why);
        dns_addr_list_dispose(&d->hosts[i].addrs);
    }
    xfree(d->hosts);
    memset(d, 0, sizeof(*d));
}
