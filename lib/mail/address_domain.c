/* address_domain.c - domain, host name and address literal syntax checks
 * (see address_domain.h). */
#include "mail/address_domain.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "util/utf8.h"

static bool is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Checks one label; sets *numeric to false if it has a non-digit. */
static bool label_valid(const unsigned char *s, size_t len, bool allow_utf8, bool *numeric)
{
    size_t i = 0, n;

    if (len == 0 || len > 63 || s[0] == '-' || s[len - 1] == '-')
        return false;
    while (i < len) {
        if (s[i] >= 0x80) {
            if (!allow_utf8 || (n = utf8_seq_len(s + i, len - i)) == 0)
                return false;
            *numeric = false;
            i += n;
            continue;
        }
        if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_')
            return false;
        if (!(s[i] >= '0' && s[i] <= '9'))
            *numeric = false;
        i++;
    }
    return true;
}

bool mail_hostname_valid(const char *name, size_t len, bool allow_utf8)
{
    const unsigned char *s = (const unsigned char *) name;
    bool numeric = true;
    size_t start = 0;

    if (len == 0 || len > 255)
        return false;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == '.') {
            if (!label_valid(s + start, i - start, allow_utf8, &numeric))
                return false;
            start = i + 1;
        }
    }
    return !numeric;
}

bool mail_ip_addr_valid(const char *s, size_t len)
{
    char tmp[64];
    unsigned char bin[16];

    if (len == 0 || len >= sizeof(tmp) || memchr(s, '\0', len) != NULL)
        return false;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    return inet_pton(AF_INET, tmp, bin) == 1 || inet_pton(AF_INET6, tmp, bin) == 1;
}

static bool ipv4_valid(const char *s, size_t len)
{
    return memchr(s, ':', len) == NULL && mail_ip_addr_valid(s, len);
}

/* RFC 5321 dcontent, minus '@': an '@' inside a literal would break the
 * rule that an address splits at its last '@'. */
static bool dcontent(unsigned char c)
{
    return c >= 33 && c <= 126 && c != '[' && c != '\\' && c != ']' && c != '@';
}

/* General-address-literal: Ldh-str ":" 1*dcontent. */
static bool general_literal_valid(const char *s, size_t len)
{
    const char *colon = memchr(s, ':', len);
    size_t tag_len, i;

    if (colon == NULL || colon == s || (size_t) (colon - s) + 1 >= len)
        return false;
    tag_len = (size_t) (colon - s);
    if (!is_alnum((unsigned char) s[0]) || !is_alnum((unsigned char) s[tag_len - 1]))
        return false;
    for (i = 0; i < tag_len; i++)
        if (!is_alnum((unsigned char) s[i]) && s[i] != '-')
            return false;
    for (i = tag_len + 1; i < len; i++)
        if (!dcontent((unsigned char) s[i]))
            return false;
    return true;
}

static bool numeric_text(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
            return false;
    return true;
}

bool mail_addr_literal_valid(const char *lit, size_t len)
{
    const char *in;
    size_t n;

    if (len < 3 || lit[0] != '[' || lit[len - 1] != ']')
        return false;
    in = lit + 1;
    n = len - 2;
    if (n > 5 && strncasecmp(in, "IPv6:", 5) == 0) {
        char tmp[64];
        unsigned char bin[16];

        if (n - 5 >= sizeof(tmp) || memchr(in + 5, '\0', n - 5) != NULL)
            return false;
        memcpy(tmp, in + 5, n - 5);
        tmp[n - 5] = '\0';
        return inet_pton(AF_INET6, tmp, bin) == 1;
    }
    if (ipv4_valid(in, n))
        return true;
    if (n >= 5 && strncasecmp(in, "IPv6:", 5) == 0)
        return false;
    if (numeric_text(in, n))            /* a bad IPv4 literal */
        return false;
    return general_literal_valid(in, n);
}

bool mail_helo_valid(const char *helo, size_t len, bool allow_utf8)
{
    if (len > 0 && helo[0] == '[')
        return mail_addr_literal_valid(helo, len);
    return mail_hostname_valid(helo, len, allow_utf8) || mail_ip_addr_valid(helo, len);
}

bool mail_domain_is_fqdn(const char *name, size_t len, bool allow_utf8)
{
    if (len > 0 && name[0] == '[')
        return mail_addr_literal_valid(name, len);
    if (len > 1 && name[len - 1] == '.')
        len--;
    return memchr(name, '.', len) != NULL && mail_hostname_valid(name, len, allow_utf8);
}
