/* nexthop.c - parse "[host]:port" and friends (see nexthop.h). */
#include "smtp/nexthop.h"
#include "util/errstr.h"
#include "util/mem.h"

#include <string.h>
#include <strings.h>

#define PORT_MAX_LEN 32

static bool clean(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) p[i];

        if (c <= ' ' || c == 127 || c == '[' || c == ']')
            return false;
    }
    return true;
}

static int bad(char **err, const char *text)
{
    errstr_set(err, "bad next hop \"%s\"", text);
    return -1;
}

int smtp_nexthop_parse(const char *text, const char *default_port,
                       smtp_nexthop_t *out, char **err)
{
    const char *host = text, *host_end, *port = NULL;

    memset(out, 0, sizeof(*out));
    if (text[0] == '[') {
        host = text + 1;
        if ((host_end = strchr(host, ']')) == NULL)
            return bad(err, text);
        if (host_end[1] == ':')
            port = host_end + 2;
        else if (host_end[1] != '\0')
            return bad(err, text);
        if (strncasecmp(host, "ipv6:", 5) == 0)
            host += 5;
        out->no_mx = true;
    } else {
        host_end = strchr(text, ':');
        if (host_end)
            port = host_end + 1;
        else
            host_end = text + strlen(text);
    }
    if (host_end == host || !clean(host, (size_t) (host_end - host))
        || (port && (port[0] == '\0' || strlen(port) > PORT_MAX_LEN
                     || !clean(port, strlen(port)) || strchr(port, ':'))))
        return bad(err, text);
    out->host = xstrndup(host, (size_t) (host_end - host));
    out->port = xstrdup(port ? port : default_port);
    return 0;
}

void smtp_nexthop_free(smtp_nexthop_t *n)
{
    xfree(n->host);
    xfree(n->port);
    n->host = n->port = NULL;
}
