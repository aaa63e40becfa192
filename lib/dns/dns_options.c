/* dns_options.c - the lookup options of lib/dns and their parsers:
 * inet_protocols, smtp_host_lookup, smtp_address_preference,
 * disable_dns_lookups and Postern's dns_nameservers, read through a
 * getter so that lib/dns does not depend on lib/config. Bad values are
 * returned as errors naming the parameter (-1, *err). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/dns_impl.h"
#include "util/errstr.h"
#include "util/mem.h"
#include "util/strutil.h"

#define LIST_SEP ", \t\r\n"

void dns_options_init(dns_options_t *o)
{
    memset(o, 0, sizeof(*o));
    o->nameservers = xstrdup("");
    o->inet_protocols = DNS_INET_IPV4 | DNS_INET_IPV6;
    o->address_preference = DNS_PREF_ANY;
    o->host_lookup = DNS_HOST_LOOKUP_DNS;
    o->mx_lookups = true;
    o->timeout_ms = DNS_DEFAULT_TIMEOUT_MS;
}

void dns_options_dispose(dns_options_t *o)
{
    xfree(o->nameservers);
    o->nameservers = NULL;
}

/* Calls word_fn for each word of a comma/blank separated list; stops at
 * the first failure. Returns the number of words, or -1. */
static int each_word(const char *text, int (*word_fn)(const char *word, int *bits),
                     int *bits)
{
    char *copy = xstrdup(text), *cursor = copy, *word;
    int count = 0;

    while ((word = str_token(&cursor, LIST_SEP)) != NULL) {
        if (word_fn(word, bits) < 0) {
            count = -1;
            break;
        }
        count++;
    }
    xfree(copy);
    return count;
}

static int protocol_word(const char *word, int *bits)
{
    if (str_case_eq(word, "ipv4"))
        *bits |= DNS_INET_IPV4;
    else if (str_case_eq(word, "ipv6"))
        *bits |= DNS_INET_IPV6;
    else if (str_case_eq(word, "all"))
        *bits |= DNS_INET_IPV4 | DNS_INET_IPV6;
    else
        return -1;
    return 0;
}

int dns_parse_inet_protocols(const char *text, int *out, char **err)
{
    int bits = 0;

    if (each_word(text, protocol_word, &bits) <= 0) {
        errstr_set(err, "bad inet_protocols value: \"%s\" (want ipv4, ipv6 or all)", text);
        return -1;
    }
    *out = bits;
    return 0;
}

static int lookup_word(const char *word, int *bits)
{
    if (str_case_eq(word, "dns"))
        *bits |= DNS_HOST_LOOKUP_DNS;
    else if (str_case_eq(word, "native"))
        *bits |= DNS_HOST_LOOKUP_NATIVE;
    else
        return -1;
    return 0;
}

int dns_parse_host_lookup(const char *text, int *out, char **err)
{
    int bits = 0;

    if (each_word(text, lookup_word, &bits) <= 0) {
        errstr_set(err, "bad smtp_host_lookup value: \"%s\" (want dns, native or both)",
                   text);
        return -1;
    }
    *out = bits;
    return 0;
}

int dns_parse_address_preference(const char *text, dns_addr_pref_t *out, char **err)
{
    char *copy = str_trim(xstrdup(text));
    int ret = 0;

    if (str_case_eq(copy, "any"))
        *out = DNS_PREF_ANY;
    else if (str_case_eq(copy, "ipv4"))
        *out = DNS_PREF_IPV4;
    else if (str_case_eq(copy, "ipv6"))
        *out = DNS_PREF_IPV6;
    else {
        errstr_set(err, "bad smtp_address_preference value: \"%s\" (want any, ipv4 or ipv6)",
                   text);
        ret = -1;
    }
    xfree(copy);
    return ret;
}

int dns_options_from_params(dns_options_t *o, dns_param_fn param, char **err)
{
    const char *value;
    bool disable;

    if (dns_parse_inet_protocols(param("inet_protocols"), &o->inet_protocols, err) < 0
        || dns_parse_host_lookup(param("smtp_host_lookup"), &o->host_lookup, err) < 0
        || dns_parse_address_preference(param("smtp_address_preference"),
                                        &o->address_preference, err) < 0)
        return -1;
    value = param("disable_dns_lookups");
    if (!str_to_bool(value, &disable)) {
        errstr_set(err, "bad disable_dns_lookups value: \"%s\" (want yes or no)", value);
        return -1;
    }
    o->mx_lookups = !disable;
    if (disable)
        o->host_lookup = DNS_HOST_LOOKUP_NATIVE;
    value = param("dns_nameservers");
    if (dns_parse_nameservers(value, NULL, 0, err) < 0)
        return -1;
    xfree(o->nameservers);
    o->nameservers = xstrdup(value);
    return 0;
}

/* One "addr", "addr:port", "[addr]" or "[addr]:port" entry. */
static int parse_server(const char *word, dns_server_addr_t *s)
{
    char host[64];
    const char *port = NULL, *close;
    size_t len;
    long n;

    if (word[0] == '[') {
        if ((close = strchr(word, ']')) == NULL)
            return -1;
        len = (size_t) (close - word - 1);
        memcpy(host, word + 1, len < sizeof(host) ? len : 0);
        if (close[1] == ':')
            port = close + 2;
        else if (close[1] != '\0')
            return -1;
    } else {
        const char *colon = strchr(word, ':');
        if (colon != NULL && strchr(colon + 1, ':') == NULL) {
            len = (size_t) (colon - word);
            port = colon + 1;
        } else {
            len = strlen(word);   /* no colon, or a bare IPv6 address */
        }
        memcpy(host, word, len < sizeof(host) ? len : 0);
    }
    if (len == 0 || len >= sizeof(host))
        return -1;
    host[len] = '\0';
    s->port = 53;
    if (port != NULL) {
        if (!str_to_long(port, 1, 65535, &n))
            return -1;
        s->port = (int) n;
    }
    if (inet_pton(AF_INET, host, s->addr) == 1)
        s->family = AF_INET;
    else if (inet_pton(AF_INET6, host, s->addr) == 1)
        s->family = AF_INET6;
    else
        return -1;
    return 0;
}

int dns_parse_nameservers(const char *text, dns_server_addr_t *out, size_t max,
                          char **err)
{
    char *copy = xstrdup(text ? text : ""), *cursor = copy, *word;
    dns_server_addr_t scratch;
    int count = 0;

    while ((word = str_token(&cursor, LIST_SEP)) != NULL) {
        if (count >= DNS_MAX_NAMESERVERS) {
            errstr_set(err, "bad dns_nameservers value: more than %d servers",
                       DNS_MAX_NAMESERVERS);
            count = -1;
            break;
        }
        if (parse_server(word, (size_t) count < max ? &out[count] : &scratch) < 0) {
            errstr_set(err, "bad dns_nameservers entry: \"%s\" (want ADDRESS, "
                       "ADDRESS:PORT or [ADDRESS]:PORT)", word);
            count = -1;
            break;
        }
        count++;
    }
    xfree(copy);
    return count;
}
