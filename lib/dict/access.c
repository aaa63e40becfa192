/* access.c - the access(5) key search order (see access.h). */
#include "dict/access.h"
#include "dict/dict_cidr.h"
#include "util/array_grow.h"
#include "util/mem.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

static void add_key(struct access_keys *k, const char *key, size_t len)
{
    if (len == 0)
        return;
    k->keys = array_grow(k->keys, k->count, k->count + 1, sizeof(*k->keys));
    k->keys[k->count++] = xstrndup(key, len);
}

static void add_keyf(struct access_keys *k, const char *a, size_t alen, const char *b)
{
    buf_t key = BUF_INIT;

    buf_append(&key, a, alen);
    buf_puts(&key, b);
    add_key(k, key.data, key.len);
    buf_dispose(&key);
}

void access_keys_free(struct access_keys *keys)
{
    for (size_t i = 0; i < keys->count; i++)
        xfree(keys->keys[i]);
    xfree(keys->keys);
    keys->keys = NULL;
    keys->count = 0;
}

void access_keys_domain(const char *domain, const struct access_options *opts,
                        bool pattern, struct access_keys *out)
{
    const char *dot;

    add_key(out, domain, strlen(domain));
    /* Address literals ("[1.2.3.4]") have no parent domains. */
    if (pattern || domain[0] == '[')
        return;
    for (const char *name = domain; (dot = strchr(name + 1, '.')) != NULL; name = dot) {
        const char *key = opts->parent_matches_subdomains ? dot + 1 : dot;

        /* "example.com." has no parent below the root. */
        if (dot[1] != '\0')
            add_key(out, key, strlen(key));
    }
}

/* Length of the local part without its extension, or the whole length. */
static size_t base_length(const char *local, size_t len, const char *delims)
{
    if (delims == NULL || *delims == '\0')
        return len;
    for (size_t i = 1; i < len; i++)
        if (strchr(delims, local[i]))
            return i;
    return len;
}

void access_keys_address(const char *address, const struct access_options *opts,
                         bool pattern, struct access_keys *out)
{
    const char *at = strrchr(address, '@');
    size_t local_len = at ? (size_t) (at - address) : strlen(address);
    size_t base_len = base_length(address, local_len, opts->recipient_delimiter);
    const char *domain = at ? at + 1 : "";

    if (address[0] == '\0') {
        const char *key = opts->null_sender_key ? opts->null_sender_key : "<>";

        add_key(out, key, strlen(key));
        return;
    }
    add_key(out, address, strlen(address));
    if (pattern)
        return;
    if (base_len < local_len)
        add_keyf(out, address, base_len, at ? at : "");
    if (*domain)
        access_keys_domain(domain, opts, false, out);
    add_keyf(out, address, local_len, "@");
    if (base_len < local_len)
        add_keyf(out, address, base_len, "@");
}

/* Writes the address as Postfix's SMTP server shows a client address:
 * IPv4 dotted quad, or compressed lower-case IPv6; IPv4-mapped IPv6
 * becomes IPv4. Returns false when text is not an address. */
static bool normalise_address(const char *text, char *out, size_t size, int *family)
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    struct cidr_net net;

    if (cidr_parse_address(text, &net) < 0)
        return false;
    if (net.family == AF_INET6 && memcmp(net.addr, mapped, sizeof(mapped)) == 0) {
        memmove(net.addr, net.addr + 12, 4);
        net.family = AF_INET;
    }
    *family = net.family;
    return inet_ntop(net.family, net.addr, out, (socklen_t) size) != NULL;
}

void access_keys_hostaddr(const char *addr, bool pattern, struct access_keys *out)
{
    char text[INET6_ADDRSTRLEN];
    int family;
    char *cut;

    if (!normalise_address(addr, text, sizeof(text), &family)) {
        add_key(out, addr, strlen(addr));
        return;
    }
    add_key(out, text, strlen(text));
    if (pattern)
        return;
    while ((cut = strrchr(text, family == AF_INET ? '.' : ':')) != NULL) {
        *cut = '\0';
        add_key(out, text, strlen(text));
    }
}

void access_keys_client(const char *hostname, const char *addr,
                        const struct access_options *opts, bool pattern,
                        struct access_keys *out)
{
    if (hostname && *hostname && strcmp(hostname, "unknown") != 0)
        access_keys_domain(hostname, opts, pattern, out);
    if (addr && *addr)
        access_keys_hostaddr(addr, pattern, out);
}

int access_search_keys(dict_t *d, const struct access_keys *keys, buf_t *value,
                       buf_t *matched, char **err)
{
    for (size_t i = 0; i < keys->count; i++) {
        int rc = dict_lookup(d, keys->keys[i], value, err);

        if (rc == DICT_FOUND && matched)
            buf_set(matched, keys->keys[i]);
        if (rc != DICT_NOTFOUND)
            return rc;
    }
    return DICT_NOTFOUND;
}

static bool is_pattern(dict_t *d)
{
    return (dict_flags(d) & DICT_FLAG_PATTERN) != 0;
}

static int search_and_free(dict_t *d, struct access_keys *keys, buf_t *value,
                           buf_t *matched, char **err)
{
    int rc = access_search_keys(d, keys, value, matched, err);

    access_keys_free(keys);
    return rc;
}

int access_search_address(dict_t *d, const char *address, const struct access_options *opts,
                          buf_t *value, buf_t *matched, char **err)
{
    struct access_keys keys = {NULL, 0};

    access_keys_address(address, opts, is_pattern(d), &keys);
    return search_and_free(d, &keys, value, matched, err);
}

int access_search_domain(dict_t *d, const char *domain, const struct access_options *opts,
                         buf_t *value, buf_t *matched, char **err)
{
    struct access_keys keys = {NULL, 0};

    access_keys_domain(domain, opts, is_pattern(d), &keys);
    return search_and_free(d, &keys, value, matched, err);
}

int access_search_hostaddr(dict_t *d, const char *addr, buf_t *value, buf_t *matched,
                           char **err)
{
    struct access_keys keys = {NULL, 0};

    access_keys_hostaddr(addr, is_pattern(d), &keys);
    return search_and_free(d, &keys, value, matched, err);
}

int access_search_client(dict_t *d, const char *hostname, const char *addr,
                         const struct access_options *opts, buf_t *value, buf_t *matched,
                         char **err)
{
    struct access_keys keys = {NULL, 0};

    access_keys_client(hostname, addr, opts, is_pattern(d), &keys);
    return search_and_free(d, &keys, value, matched, err);
}
