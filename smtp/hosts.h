/* hosts.h - the servers to try for a next hop, in order, through lib/dns:
 * for "host" and "host:port" the MX hosts by preference (random order
 * among equal preferences), or the host's own A/AAAA records when it has
 * no MX; for "[host]" the host's addresses only. inet_protocols,
 * smtp_host_lookup, smtp_address_preference and dns_nameservers are
 * lib/dns's (dns_options_from_params); smtp_mx_address_limit caps the
 * addresses over all hosts (0: no limit).
 * Failure: -1 with the code and Postfix's text: a null MX (RFC 7505)
 * 5.1.10 "Domain D does not accept mail (nullMX)" (bounced at once), an
 * unknown host 5.4.4 "Host or domain name not found. Name service error
 * for name=H type=MX: Host not found", a temporary or malformed answer
 * 4.4.3 (deferred), an unknown port name 4.3.5. */
#ifndef POSTERN_SMTP_HOSTS_H
#define POSTERN_SMTP_HOSTS_H

#include <stddef.h>
#include <sys/socket.h>

#include "dns/dns.h"
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

int smtp_hosts_lookup(dns_resolver_t *r, const smtp_nexthop_t *hop, int address_limit,
                      smtp_hosts_t *out, char dsn[16], char **err);
void smtp_hosts_free(smtp_hosts_t *h);

#endif
