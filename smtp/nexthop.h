/* nexthop.h - the next hop qmgr hands the smtp agent, in Postfix's forms:
 * "[host]:port", "[host]", "[1.2.3.4]:port", "[2001:db8::1]" or
 * "[ipv6:2001:db8::1]" (brackets: no MX lookup), "host:port", "host" (MX
 * lookup). The port may be a number or a service name; the default is
 * default_port (smtp_tcp_port). An empty next hop means the domain of the
 * first recipient. Refused (-1 with *err): empty host, unbalanced
 * brackets, an empty or overlong port, control bytes or blanks. */
#ifndef POSTERN_SMTP_NEXTHOP_H
#define POSTERN_SMTP_NEXTHOP_H

#include <stdbool.h>

typedef struct smtp_nexthop {
    char *host;      /* without brackets */
    char *port;
    bool no_mx;      /* was in brackets */
} smtp_nexthop_t;

int smtp_nexthop_parse(const char *text, const char *default_port,
                       smtp_nexthop_t *out, char **err);
void smtp_nexthop_free(smtp_nexthop_t *n);

#endif
