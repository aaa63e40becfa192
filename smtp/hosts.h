/* hosts.h - the servers to try for a next hop, in order: each a host
 * name, an address and a port. Until lib/dns is part of the tree, a host
 * is looked up with getaddrinfo() (A/AAAA, no MX: a non-bracketed next
 * hop is treated like a bracketed one). Addresses follow inet_protocols
 * ("all", "ipv4", "ipv6"); at most address_limit of them (0: no limit).
 * Failure: -1 with an outcome in Postfix's words: "Host or domain name
 * not found. Name service error for name=HOST type=A: Host not found"
 * (5.4.4, bounced) or "..., try again" (4.4.3, deferred). */
#ifndef POSTERN_SMTP_HOSTS_H
#define POSTERN_SMTP_HOSTS_H

#include <stddef.h>
#include <sys/socket.h>

#include "smtp/nexthop.h"

typedef struct smtp_host {
    char *name;
    char addr[108];
    struct sockaddr_storage sa;
    socklen_t sa_len;
} smtp_host_t;

typedef struct smtp_hosts {
    smtp_host_t *v;
    size_t n;
    char *port;
} smtp_hosts_t;

#define SMTP_INET_V4 1
#define SMTP_INET_V6 2

/* "all", "ipv4", "ipv6", "ipv4, ipv6" -> SMTP_INET_* bits; 0 when bad. */
int smtp_inet_protocols(const char *value);

int smtp_hosts_lookup(const smtp_nexthop_t *hop, int protocols, int address_limit,
                      smtp_hosts_t *out, char dsn[16], char **err);
void smtp_hosts_free(smtp_hosts_t *h);

#endif
