/* hosts.c - next hop to a list of addresses with getaddrinfo (see
 * hosts.h). */
#include "smtp/hosts.h"
#include "config/config.h"
#include "util/errstr.h"
#include "util/mem.h"
#include "util/sock.h"

#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int smtp_inet_protocols(const char *value)
{
    char **words = cfg_split_list(value);
    int bits = 0;

    for (size_t i = 0; words[i]; i++) {
        if (strcasecmp(words[i], "all") == 0)
            bits |= SMTP_INET_V4 | SMTP_INET_V6;
        else if (strcasecmp(words[i], "ipv4") == 0)
            bits |= SMTP_INET_V4;
        else if (strcasecmp(words[i], "ipv6") == 0)
            bits |= SMTP_INET_V6;
        else {
            bits = 0;
            break;
        }
    }
    cfg_list_free(words);
    return bits;
}

static bool wanted(int family, int protocols)
{
    return (family == AF_INET && (protocols & SMTP_INET_V4))
        || (family == AF_INET6 && (protocols & SMTP_INET_V6));
}

static void add_host(smtp_hosts_t *h, const char *name, const struct addrinfo *ai)
{
    smtp_host_t *e;
    sock_peer_t peer;

    if (sock_addr_to_peer(ai->ai_addr, ai->ai_addrlen, &peer) < 0)
        return;
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(h->v[i].addr, peer.addr) == 0)
            return;
    h->v = xrealloc(h->v, (h->n + 1) * sizeof(*h->v));
    e = &h->v[h->n++];
    memset(e, 0, sizeof(*e));
    e->name = xstrdup(name);
    snprintf(e->addr, sizeof(e->addr), "%s", peer.addr);
    memcpy(&e->sa, ai->ai_addr, ai->ai_addrlen);
    e->sa_len = ai->ai_addrlen;
}

int smtp_hosts_lookup(const smtp_nexthop_t *hop, int protocols, int address_limit,
                      smtp_hosts_t *out, char dsn[16], char **err)
{
    struct addrinfo hints, *res = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(hop->host, hop->port, &hints, &res);
    if (rc == 0) {
        for (const struct addrinfo *ai = res; ai; ai = ai->ai_next)
            if (wanted(ai->ai_family, protocols)
                && (address_limit == 0 || out->n < (size_t) address_limit))
                add_host(out, hop->host, ai);
        freeaddrinfo(res);
        if (out->n > 0) {
            out->port = xstrdup(hop->port);
            return 0;
        }
    }
    if (rc == EAI_SERVICE) {
        snprintf(dsn, 16, "4.3.5");
        errstr_set(err, "unknown service \"%s\" in next hop", hop->port);
    } else if (rc == EAI_AGAIN || rc == EAI_SYSTEM || rc == EAI_FAIL || rc == EAI_MEMORY) {
        snprintf(dsn, 16, "4.4.3");
        errstr_set(err, "Host or domain name not found. Name service error for "
                   "name=%s type=A: Host not found, try again", hop->host);
    } else {
        snprintf(dsn, 16, "5.4.4");
        errstr_set(err, "Host or domain name not found. Name service error for "
                   "name=%s type=A: Host not found", hop->host);
    }
    return -1;
}

void smtp_hosts_free(smtp_hosts_t *h)
{
    for (size_t i = 0; i < h->n; i++)
        xfree(h->v[i].name);
    xfree(h->v);
    xfree(h->port);
    memset(h, 0, sizeof(*h));
}
