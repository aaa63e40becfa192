/* policy_networks.c - the mynetworks list: parsing the value (networks,
 * files, tables, negation), the mynetworks_style computation from the
 * interface addresses, and matching a client address (see
 * policy_networks.h). */
#include "policy/policy_networks.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "config/config.h"
#include "dict/dict.h"
#include "dict/dict_cidr.h"
#include "util/array_grow.h"
#include "util/mem.h"
#include "util/strutil.h"

#define MAX_FILE_DEPTH 8
#define MAX_FILE_SIZE (4 * 1024 * 1024)

struct network_entry {
    bool negate;
    dict_t *table;            /* NULL: net is used */
    struct cidr_net net;
};

struct policy_networks {
    struct network_entry *entries;
    size_t count;
};

static char *errorf(const char *fmt, const char *a, const char *b)
{
    buf_t b2 = BUF_INIT;

    buf_init(&b2);
    buf_printf(&b2, fmt, a, b);
    return buf_detach(&b2);
}

static struct network_entry *add_entry(policy_networks_t *n, bool negate)
{
    struct network_entry *e;

    n->entries = array_grow(n->entries, n->count, n->count + 1, sizeof(*n->entries));
    e = &n->entries[n->count++];
    memset(e, 0, sizeof(*e));
    e->negate = negate;
    return e;
}

static int add_words(policy_networks_t *n, const char *text, int depth, char **err);

static int read_file_words(const char *path, buf_t *text, char **err)
{
    FILE *fp = fopen(path, "r");
    char chunk[4096];
    size_t got;

    if (fp == NULL) {
        *err = errorf("open %s: %s", path, strerror(errno));
        return -1;
    }
    while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
        if (text->len + got > MAX_FILE_SIZE) {
            fclose(fp);
            *err = errorf("%s: file too large%s", path, "");
            return -1;
        }
        buf_append(text, chunk, got);
    }
    fclose(fp);
    return 0;
}

/* Blanks out # comments (to the end of the line) so the words remain. */
static void drop_comments(buf_t *text)
{
    bool in_comment = false;

    for (size_t i = 0; i < text->len; i++) {
        if (text->data[i] == '\n')
            in_comment = false;
        else if (text->data[i] == '#')
            in_comment = true;
        if (in_comment || text->data[i] == '\0')
            text->data[i] = ' ';
    }
}

static int add_file(policy_networks_t *n, const char *path, int depth, char **err)
{
    buf_t text = BUF_INIT;
    int rc;

    if (depth >= MAX_FILE_DEPTH) {
        *err = errorf("%s: files nested too deeply%s", path, "");
        return -1;
    }
    buf_init(&text);
    if (read_file_words(path, &text, err) < 0) {
        buf_dispose(&text);
        return -1;
    }
    drop_comments(&text);
    rc = add_words(n, text.data, depth + 1, err);
    buf_dispose(&text);
    return rc;
}

/* "type:name": letters before the ':', at least one of them not a hex
 * digit (so that "fe80::1" or "dead:beef::" stay addresses). */
static bool looks_like_table(const char *word)
{
    const char *colon = strchr(word, ':');
    bool non_hex = false;

    if (colon == NULL || colon == word)
        return false;
    for (const char *c = word; c < colon; c++) {
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
            return false;
        if (strchr("abcdefABCDEF", *c) == NULL)
            non_hex = true;
    }
    return non_hex;
}

static int add_word(policy_networks_t *n, const char *word, int depth, char **err)
{
    bool negate = false;
    char *why = NULL;

    while (*word == '!') {
        negate = !negate;
        word++;
    }
    if (*word == '/')
        return negate ? (*err = errorf("\"!%s\": negated files are not supported%s", word, ""), -1)
                      : add_file(n, word, depth, err);
    if (looks_like_table(word)) {
        dict_t *d = dict_open(word, O_RDONLY, DICT_FLAG_FOLD_KEYS, err);

        if (d == NULL)
            return -1;
        add_entry(n, negate)->table = d;
        return 0;
    }
    {
        struct cidr_net net;

        if (cidr_parse_pattern(word, &net, &why) < 0) {
            *err = errorf("mynetworks: %s%s", why, "");
            xfree(why);
            return -1;
        }
        add_entry(n, negate)->net = net;
    }
    return 0;
}

static int add_words(policy_networks_t *n, const char *text, int depth, char **err)
{
    char **words = cfg_split_list(text);
    int rc = 0;

    for (size_t i = 0; words[i] != NULL && rc == 0; i++)
        rc = add_word(n, words[i], depth, err);
    cfg_list_free(words);
    return rc;
}

policy_networks_t *policy_networks_new(const char *value, char **err)
{
    policy_networks_t *n = xcalloc(1, sizeof(*n));

    if (add_words(n, value, 0, err) < 0) {
        policy_networks_free(n);
        return NULL;
    }
    return n;
}

void policy_networks_free(policy_networks_t *n)
{
    if (n == NULL)
        return;
    for (size_t i = 0; i < n->count; i++)
        if (n->entries[i].table != NULL)
            dict_close(n->entries[i].table);
    xfree(n->entries);
    xfree(n);
}

bool policy_networks_changed(const policy_networks_t *n)
{
    for (size_t i = 0; n != NULL && i < n->count; i++)
        if (n->entries[i].table != NULL && dict_changed(n->entries[i].table))
            return true;
    return false;
}

/* ::ffff:a.b.c.d as IPv4; false when addr is not IPv4-mapped. */
static bool unmap_v4(const struct cidr_net *addr, struct cidr_net *v4)
{
    static const unsigned char prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

    if (addr->family != AF_INET6 || memcmp(addr->addr, prefix, 12) != 0)
        return false;
    memset(v4, 0, sizeof(*v4));
    v4->family = AF_INET;
    v4->bits = 32;
    memcpy(v4->addr, addr->addr + 12, 4);
    return true;
}

static int entry_matches(const struct network_entry *e, const char *text,
                         const struct cidr_net *addr, const struct cidr_net *v4,
                         char **err)
{
    buf_t value = BUF_INIT;
    int rc;

    if (e->table == NULL)
        return cidr_contains(&e->net, addr) || (v4 != NULL && cidr_contains(&e->net, v4));
    buf_init(&value);
    rc = dict_lookup(e->table, text, &value, err);
    buf_dispose(&value);
    return rc == DICT_FOUND ? 1 : rc == DICT_NOTFOUND ? 0 : -1;
}

int policy_networks_match(const policy_networks_t *n, const char *addr, char **err)
{
    struct cidr_net parsed, v4;
    bool mapped;
    int rc;

    if (n == NULL || addr == NULL)
        return 0;
    if (cidr_parse_address(addr, &parsed) < 0) {
        *err = errorf("bad client address: \"%s\"%s", addr, "");
        return -1;
    }
    mapped = unmap_v4(&parsed, &v4);
    for (size_t i = 0; i < n->count; i++) {
        rc = entry_matches(&n->entries[i], addr, &parsed, mapped ? &v4 : NULL, err);
        if (rc < 0)
            return -1;
        if (rc > 0)
            return n->entries[i].negate ? 0 : 1;
    }
    return 0;
}

/* --- mynetworks_style ---------------------------------------------------- */

static int prefix_of(const unsigned char *mask, int len)
{
    int bits = 0;

    for (int i = 0; i < len; i++)
        for (int b = 7; b >= 0 && (mask[i] >> b & 1); b--)
            bits++;
    return bits;
}

static void append_net(buf_t *out, int family, const unsigned char *addr, int bits)
{
    unsigned char masked[16];
    char text[INET6_ADDRSTRLEN];
    int len = family == AF_INET ? 4 : 16;

    for (int i = 0; i < len; i++) {
        int keep = bits - 8 * i;
        masked[i] = addr[i] & (keep >= 8 ? 0xff : keep <= 0 ? 0 : (unsigned char) (0xff << (8 - keep)));
    }
    if (inet_ntop(family, masked, text, sizeof(text)) == NULL)
        return;
    if (out->len > 0)
        buf_putc(out, ' ');
    if (family == AF_INET)
        buf_printf(out, "%s/%d", text, bits);
    else
        buf_printf(out, "[%s]/%d", text, bits);
}

static int style_bits(const char *style, int family, const unsigned char *addr, int subnet)
{
    if (strcmp(style, "host") == 0)
        return family == AF_INET ? 32 : 128;
    if (strcmp(style, "class") == 0 && family == AF_INET)
        return addr[0] < 128 ? 8 : addr[0] < 192 ? 16 : addr[0] < 224 ? 24 : -1;
    return subnet;
}

static void add_interface(buf_t *out, const char *style, const struct ifaddrs *ifa)
{
    int family = ifa->ifa_addr->sa_family, len = family == AF_INET ? 4 : 16, bits;
    const unsigned char *addr, *mask = NULL;

    if (family == AF_INET) {
        addr = (const unsigned char *) &((const struct sockaddr_in *) (const void *) ifa->ifa_addr)->sin_addr;
        if (ifa->ifa_netmask != NULL)
            mask = (const unsigned char *) &((const struct sockaddr_in *) (const void *) ifa->ifa_netmask)->sin_addr;
        if (addr[0] == 127)
            return;                         /* loopback: listed already */
    } else {
        const struct in6_addr *a6 = &((const struct sockaddr_in6 *) (const void *) ifa->ifa_addr)->sin6_addr;
        addr = a6->s6_addr;
        if (IN6_IS_ADDR_LOOPBACK(a6) || IN6_IS_ADDR_LINKLOCAL(a6))
            return;                         /* scoped or listed already */
        if (ifa->ifa_netmask != NULL)
            mask = ((const struct sockaddr_in6 *) (const void *) ifa->ifa_netmask)->sin6_addr.s6_addr;
    }
    bits = style_bits(style, family, addr, mask ? prefix_of(mask, len) : len * 8);
    if (bits >= 0)
        append_net(out, family, addr, bits);
}

int policy_networks_style_text(const char *style, buf_t *out, char **err)
{
    struct ifaddrs *list, *ifa;

    if (strcmp(style, "host") != 0 && strcmp(style, "subnet") != 0
        && strcmp(style, "class") != 0) {
        *err = errorf("unknown mynetworks_style value: \"%s\"%s", style, "");
        return -1;
    }
    if (out->len > 0)
        buf_putc(out, ' ');
    buf_puts(out, "127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128");
    if (getifaddrs(&list) < 0) {
        *err = errorf("getifaddrs: %s%s", strerror(errno), "");
        return -1;
    }
    for (ifa = list; ifa != NULL; ifa = ifa->ifa_next)
        if (ifa->ifa_addr != NULL && (ifa->ifa_flags & IFF_UP)
            && (ifa->ifa_addr->sa_family == AF_INET || ifa->ifa_addr->sa_family == AF_INET6))
            add_interface(out, style, ifa);
    freeifaddrs(list);
    return 0;
}

policy_networks_t *policy_networks_from_style(const char *style, char **err)
{
    buf_t text = BUF_INIT;
    policy_networks_t *n;

    buf_init(&text);
    if (policy_networks_style_text(style, &text, err) < 0) {
        buf_dispose(&text);
        return NULL;
    }
    n = policy_networks_new(text.data, err);
    buf_dispose(&text);
    return n;
}
