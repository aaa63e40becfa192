/* dns_names.c - checks of names and addresses given to lib/dns, the
 * status names, and the random numbers used to shuffle MX hosts and
 * addresses. Pure functions; nothing fails except by returning false. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_impl.h"

#define MAX_QUERY_NAME 253
#define MAX_LABEL 63

const char *dns_status_str(dns_status_t status)
{
    switch (status) {
    case DNS_OK: return "OK";
    case DNS_NOTFOUND: return "not found";
    case DNS_TEMPFAIL: return "temporary failure";
    case DNS_MALFORMED: return "malformed";
    case DNS_NULLMX: return "null MX";
    }
    return "unknown";
}

/* Label lengths of name (without a trailing dot) are 1..63. */
static bool labels_ok(const char *name, size_t len)
{
    size_t label = 0;

    for (size_t i = 0; i < len; i++) {
        if (name[i] == '.') {
            if (label == 0)
                return false;
            label = 0;
        } else if (++label > MAX_LABEL) {
            return false;
        }
    }
    return label > 0;
}

bool dns_query_name(const char *name, buf_t *out)
{
    size_t len = strlen(name);

    if (len > 1 && name[len - 1] == '.')
        len--;
    if (len == 0 || len > MAX_QUERY_NAME || !labels_ok(name, len))
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) name[i];
        if (c <= 0x20 || c >= 0x7f || c == '\\')
            return false;
    }
    buf_reset(out);
    buf_append(out, name, len);
    return true;
}

bool dns_valid_hostname(const char *name)
{
    size_t len = strlen(name);

    if (len > 1 && name[len - 1] == '.')
        len--;
    if (len == 0 || len > MAX_QUERY_NAME || !labels_ok(name, len))
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) name[i];
        if (!isalnum(c) && c != '-' && c != '_' && c != '.')
            return false;
    }
    return true;
}

bool dns_parse_addr(const char *text, dns_addr_t *a)
{
    memset(a, 0, sizeof(*a));
    if (inet_pton(AF_INET, text, a->bytes) == 1)
        a->family = AF_INET;
    else if (inet_pton(AF_INET6, text, a->bytes) == 1)
        a->family = AF_INET6;
    else
        return false;
    inet_ntop(a->family, a->bytes, a->text, sizeof(a->text));
    return true;
}

unsigned dns_random(unsigned n)
{
    return n <= 1 ? 0 : arc4random_uniform(n);
}
