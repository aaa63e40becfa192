/* policy_hostname.c - the syntax checks behind reject_invalid_helo_hostname
 * and the reject_non_fqdn_* restrictions: valid host names (letters,
 * digits, '-' and '_', labels of 1..63 bytes not starting or ending with
 * '-', 255 bytes at most, a trailing dot allowed, not all numeric),
 * address literals, fully-qualified names and addresses. Pure functions. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "policy/policy_impl.h"

#define MAX_HOSTNAME 255
#define MAX_LABEL 63

static bool label_char(int c)
{
    return isalnum(c) || c == '-' || c == '_';
}

bool policy_valid_hostname(const char *name)
{
    size_t len = strlen(name), label = 0;
    bool non_numeric = false;

    if (len == 0 || len > MAX_HOSTNAME || name[0] == '.')
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char) name[i];

        if (c == '.') {
            if (label == 0 || name[i - 1] == '-')
                return false;
            label = 0;
            continue;
        }
        if (!label_char(c) || (label == 0 && c == '-') || ++label > MAX_LABEL)
            return false;
        if (!isdigit(c))
            non_numeric = true;
    }
    if (label > 0 && name[len - 1] == '-')
        return false;
    return non_numeric;
}

static bool bare_address(const char *text, size_t len)
{
    char copy[64];
    unsigned char out[16];

    if (len == 0 || len >= sizeof(copy))
        return false;
    memcpy(copy, text, len);
    copy[len] = '\0';
    if (strncasecmp(copy, "ipv6:", 5) == 0)
        return inet_pton(AF_INET6, copy + 5, out) == 1;
    return inet_pton(AF_INET, copy, out) == 1 || inet_pton(AF_INET6, copy, out) == 1;
}

bool policy_valid_address_literal(const char *name)
{
    size_t len = strlen(name);

    if (len >= 2 && name[0] == '[' && name[len - 1] == ']')
        return bare_address(name + 1, len - 2);
    return strchr(name, ':') == NULL && bare_address(name, len);
}

bool policy_fqdn_hostname(const char *name)
{
    const char *dot = strchr(name, '.');

    if (policy_valid_address_literal(name))
        return true;
    return dot != NULL && dot != name && dot[1] != '\0';
}

bool policy_fqdn_address(const char *addr)
{
    const char *at = strrchr(addr, '@');

    if (at == NULL || at[1] == '\0')
        return false;
    return policy_fqdn_hostname(at + 1);
}
