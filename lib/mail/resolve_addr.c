/* resolve_addr.c - address helpers for resolution: split at the last '@',
 * domain case folding, routing-form detection, source-route stripping,
 * "transport:nexthop" and "[host]:port" parsing (see resolve.h). */
#include "mail/resolve.h"
#include "util/errstr.h"

#include <string.h>
#include <strings.h>

bool resolve_split_addr(const char *addr, buf_t *local, buf_t *domain)
{
    const char *at = strrchr(addr, '@');

    buf_reset(local);
    buf_reset(domain);
    if (at == NULL) {
        buf_puts(local, addr);
        return false;
    }
    buf_append(local, addr, (size_t) (at - addr));
    buf_puts(domain, at + 1);
    return true;
}

void resolve_lower_domain(char *addr)
{
    char *p = strrchr(addr, '@');

    if (p == NULL)
        return;
    for (p++; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char) (*p - 'A' + 'a');
}

/* Length of a leading source route "@a,@b:" (0 if none). */
static size_t source_route_len(const char *addr)
{
    const char *colon;

    if (addr[0] != '@' || (colon = strchr(addr, ':')) == NULL)
        return 0;
    return (size_t) (colon - addr) + 1;
}

int resolve_routing_forms(const char *addr)
{
    size_t skip = source_route_len(addr);
    const char *local = addr + skip, *at = strrchr(local, '@');
    size_t len = at ? (size_t) (at - local) : strlen(local);
    int forms = skip ? RESOLVE_ROUTE_SOURCE : 0;

    if (memchr(local, '%', len))
        forms |= RESOLVE_ROUTE_PERCENT;
    if (memchr(local, '!', len))
        forms |= RESOLVE_ROUTE_BANG;
    if (memchr(local, '@', len))
        forms |= RESOLVE_ROUTE_AT;
    return forms;
}

bool resolve_strip_source_route(buf_t *addr)
{
    size_t skip = source_route_len(addr->data);

    if (skip == 0)
        return false;
    memmove(addr->data, addr->data + skip, addr->len - skip + 1);
    addr->len -= skip;
    return true;
}

void resolve_split_transport(const char *value, buf_t *transport, buf_t *nexthop)
{
    const char *colon = strchr(value, ':');

    buf_reset(transport);
    buf_reset(nexthop);
    if (colon == NULL) {
        buf_puts(transport, value);
        return;
    }
    buf_append(transport, value, (size_t) (colon - value));
    buf_puts(nexthop, colon + 1);
}

static bool valid_port(const char *port)
{
    size_t n = strlen(port);

    if (n == 0 || n > 32)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = port[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || c == '-' || c == '_'))
            return false;
    }
    return true;
}

int resolve_parse_nexthop(const char *nexthop, buf_t *host, buf_t *port,
                          bool *no_mx, char **err)
{
    const char *end, *colon;

    buf_reset(host);
    buf_reset(port);
    *no_mx = nexthop[0] == '[';
    if (*no_mx) {
        end = strchr(nexthop, ']');
        if (end == NULL || end == nexthop + 1 || (end[1] != '\0' && end[1] != ':')) {
            errstr_set(err, "bad nexthop \"%s\": expected [host] or [host]:port", nexthop);
            return -1;
        }
        buf_append(host, nexthop + 1, (size_t) (end - nexthop - 1));
        if (strncasecmp(host->data, "ipv6:", 5) == 0) {
            memmove(host->data, host->data + 5, host->len - 5 + 1);
            host->len -= 5;
        }
        colon = end[1] == ':' ? end + 1 : NULL;
    } else {
        colon = strchr(nexthop, ':');
        if (colon != NULL && strchr(colon + 1, ':') != NULL) {
            errstr_set(err, "bad nexthop \"%s\": put an IPv6 address in brackets", nexthop);
            return -1;
        }
        buf_append(host, nexthop, colon ? (size_t) (colon - nexthop) : strlen(nexthop));
        if (host->len == 0) {
            errstr_set(err, "bad nexthop \"%s\": no host", nexthop);
            return -1;
        }
    }
    if (colon != NULL) {
        if (!valid_port(colon + 1)) {
            errstr_set(err, "bad nexthop \"%s\": bad port", nexthop);
            return -1;
        }
        buf_puts(port, colon + 1);
    }
    return 0;
}
