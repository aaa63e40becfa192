/* smtpd_client.c - the SMTP client's address and forward-confirmed name
 * (see smtpd_client.h). Lookup failures only leave the name "unknown". */
#include "smtpd_client.h"

#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* IPv4-mapped IPv6 addresses are logged as plain IPv4, as Postfix does. */
static void unmap_v4(char *addr)
{
    if (strncmp(addr, "::ffff:", 7) == 0 && strchr(addr + 7, ':') == NULL)
        memmove(addr, addr + 7, strlen(addr + 7) + 1);
}

/* True when some address of name equals addr. */
static bool forward_confirms(const char *name, const char *addr, bool *tempfail)
{
    struct addrinfo hints, *res = NULL;
    bool found = false;
    int rc;

    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(name, NULL, &hints, &res);
    if (rc != 0) {
        if (rc == EAI_AGAIN)
            *tempfail = true;
        return false;
    }
    for (struct addrinfo *ai = res; ai != NULL && !found; ai = ai->ai_next) {
        char text[64];

        if (getnameinfo(ai->ai_addr, ai->ai_addrlen, text, sizeof(text), NULL, 0,
                        NI_NUMERICHOST) != 0)
            continue;
        unmap_v4(text);
        found = strcmp(text, addr) == 0;
    }
    freeaddrinfo(res);
    return found;
}

void smtpd_client_lookup(int fd, bool lookup, smtpd_client_t *c)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int rc;

    memset(c, 0, sizeof(*c));
    snprintf(c->name, sizeof(c->name), "unknown");
    snprintf(c->reverse_name, sizeof(c->reverse_name), "unknown");
    snprintf(c->addr, sizeof(c->addr), "unknown");
    snprintf(c->port, sizeof(c->port), "unknown");
    if (getpeername(fd, (struct sockaddr *) &ss, &len) != 0
        || (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
        || getnameinfo((struct sockaddr *) &ss, len, c->addr, sizeof(c->addr), c->port,
                       sizeof(c->port), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        snprintf(c->addr, sizeof(c->addr), "unknown");
        return;
    }
    unmap_v4(c->addr);
    if (!lookup)
        return;
    rc = getnameinfo((struct sockaddr *) &ss, len, c->reverse_name, sizeof(c->reverse_name),
                     NULL, 0, NI_NAMEREQD);
    if (rc != 0) {
        c->name_tempfail = rc == EAI_AGAIN;
        snprintf(c->reverse_name, sizeof(c->reverse_name), "unknown");
        return;
    }
    if (forward_confirms(c->reverse_name, c->addr, &c->name_tempfail)) {
        snprintf(c->name, sizeof(c->name), "%s", c->reverse_name);
        c->name_verified = true;
    }
}
