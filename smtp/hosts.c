/* hosts.c - next hop to a list of addresses through lib/dns (see
 * hosts.h). */
#include "smtp/hosts.h"
#include "util/errstr.h"
#include "util/mem.h"

#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The port number of a numeric or named port; 0 when unknown. */
static unsigned port_number(const char *port)
{
    char *end;
    unsigned long v = strtoul(port, &end, 10);
    struct servent *se;

    if (*port && *end == '\0')
        return v > 0 && v < 65536 ? (unsigned) v : 0;
    se = getservbyname(port, "tcp");
    return se ? ntohs((unsigned short) se->s_port) : 0;
}

static void add_host(smtp_hosts_t *h, const char *name, const dns_addr_t *a, unsigned port)
{
    smtp_host_t *e;

    h->v = xrealloc(h->v, (h->n + 1) * sizeof(*h->v));
    e = &h->v[h->n++];
    memset(e, 0, sizeof(*e));
    e->name = xstrdup(name);
    snprintf(e->addr, sizeof(e->addr), "%s", a->text);
    if (a->family == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *) &e->sa;

        sin->sin_family = AF_INET;
        sin->sin_port = htons((unsigned short) port);
        memcpy(&sin->sin_addr, a->bytes, 4);
        e->sa_len = sizeof(*sin);
    } else {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) &e->sa;

        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((unsigned short) port);
        memcpy(&sin6->sin6_addr, a->bytes, 16);
        e->sa_len = sizeof(*sin6);
    }
}

static void failure(dns_status_t st, const char *domain, char *why, char dsn[16], char **err)
{
    switch (st) {
    case DNS_NULLMX:
        snprintf(dsn, 16, "5.1.10");
        break;
    case DNS_NOTFOUND:
        snprintf(dsn, 16, "5.4.4");
        break;
    default:
        snprintf(dsn, 16, "4.4.3");
        break;
    }
    errstr_set(err, "%s", why ? why : domain);
}

int smtp_hosts_lookup(dns_resolver_t *r, const smtp_nexthop_t *hop, int address_limit,
                      smtp_hosts_t *out, char dsn[16], char **err)
{
    unsigned port = port_number(hop->port);
    dns_dest_t d;
    dns_status_t st;
    char *why = NULL;

    memset(out, 0, sizeof(*out));
    if (port == 0) {
        snprintf(dsn, 16, "4.3.5");
        errstr_set(err, "unknown service \"%s\" in next hop", hop->port);
        return -1;
    }
    memset(&d, 0, sizeof(d));
    st = dns_lookup_mx_hosts(r, hop->host, !hop->no_mx, &d, &why);
    if (st != DNS_OK) {
        failure(st, hop->host, why, dsn, err);
        xfree(why);
        dns_dest_dispose(&d);
        return -1;
    }
    for (size_t i = 0; i < d.count; i++) {
        const dns_host_t *h = &d.hosts[i];

        for (size_t j = 0; h->status == DNS_OK && j < h->addrs.count; j++)
            if (address_limit == 0 || out->n < (size_t) address_limit)
                add_host(out, h->name, &h->addrs.items[j], port);
    }
    xfree(why);
    dns_dest_dispose(&d);
    {
        char num[16];

        snprintf(num, sizeof(num), "%u", port);
        out->port = xstrdup(num);
    }
    return 0;
}

void smtp_hosts_free(smtp_hosts_t *h)
{
    for (size_t i = 0; i < h->n; i++)
        xfree(h->v[i].name);
    xfree(h->v);
    xfree(h->port);
    memset(h, 0, sizeof(*h));
}
