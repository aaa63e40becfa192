/* resolve_setup.c - resolve_config_t from parameter values, with owned
 * domain lists, tables and local addresses (see resolve_setup.h).
 * Failures are reported through *err; nothing is logged here. */
#include "mail/resolve_setup.h"
#include "util/errstr.h"
#include "util/mem.h"
#include "util/strutil.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#define LIST_SEPARATORS ", \t\r\n"
#define NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:%"

struct resolve_setup {
    resolve_config_t cfg;
    resolve_domains_t *lists[4];     /* mydestination, alias, mailbox, relay */
    resolve_table_t *maps;
    size_t nmaps;
    char **addresses;                /* NULL-terminated */
    size_t naddresses;
    char *strings[7];                /* copies of the string parameters */
};

/* A parameter's value; "" for a getter that knows no value. */
static const char *get(resolve_param_fn param, const char *name)
{
    const char *value = param(name);

    return value != NULL ? value : "";
}

static const char *keep(resolve_setup_t *rs, int slot, resolve_param_fn param,
                        const char *name)
{
    rs->strings[slot] = xstrdup(get(param, name));
    return rs->strings[slot];
}

/* --- local addresses ------------------------------------------------------ */

static void add_address(resolve_setup_t *rs, const struct sockaddr *sa)
{
    char text[INET6_ADDRSTRLEN];
    const void *bytes;

    if (sa == NULL || (sa->sa_family != AF_INET && sa->sa_family != AF_INET6))
        return;
    bytes = sa->sa_family == AF_INET
        ? (const void *) &((const struct sockaddr_in *) sa)->sin_addr
        : (const void *) &((const struct sockaddr_in6 *) sa)->sin6_addr;
    if (inet_ntop(sa->sa_family, bytes, text, sizeof(text)) == NULL)
        return;
    rs->addresses = xreallocarray(rs->addresses, rs->naddresses + 2, sizeof(char *));
    rs->addresses[rs->naddresses++] = xstrdup(text);
    rs->addresses[rs->naddresses] = NULL;
}

static int add_interface_addresses(resolve_setup_t *rs, char **err)
{
    struct ifaddrs *list, *ifa;

    if (getifaddrs(&list) < 0) {
        errstr_set(err, "inet_interfaces = all: getifaddrs: %s", strerror(errno));
        return -1;
    }
    for (ifa = list; ifa != NULL; ifa = ifa->ifa_next)
        add_address(rs, ifa->ifa_addr);
    freeifaddrs(list);
    return 0;
}

/* One word of inet_interfaces or proxy_interfaces. */
static int add_interface_word(resolve_setup_t *rs, const char *param, char *word,
                              char **err)
{
    struct addrinfo hints, *res, *ai;
    size_t len = strlen(word);
    int gai;

    if (strcmp(word, "all") == 0)
        return add_interface_addresses(rs, err);
    if (strcmp(word, "loopback-only") == 0) {
        rs->addresses = xreallocarray(rs->addresses, rs->naddresses + 3, sizeof(char *));
        rs->addresses[rs->naddresses++] = xstrdup("127.0.0.1");
        rs->addresses[rs->naddresses++] = xstrdup("::1");
        rs->addresses[rs->naddresses] = NULL;
        return 0;
    }
    if (len > 2 && word[0] == '[' && word[len - 1] == ']') {
        word[len - 1] = '\0';
        word++;
    }
    if (word[0] == '\0' || strspn(word, NAME_CHARS) != strlen(word)) {
        errstr_set(err, "%s: bad interface address or name \"%s\"", param, word);
        return -1;
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if ((gai = getaddrinfo(word, NULL, &hints, &res)) != 0) {
        errstr_set(err, "%s: %s: %s", param, word, gai_strerror(gai));
        return -1;
    }
    for (ai = res; ai != NULL; ai = ai->ai_next)
        add_address(rs, ai->ai_addr);
    freeaddrinfo(res);
    return 0;
}

static int add_interfaces(resolve_setup_t *rs, resolve_param_fn param,
                          const char *name, char **err)
{
    char *copy = xstrdup(get(param, name)), *cursor = copy, *word;
    int rc = 0;

    while (rc == 0 && (word = str_token(&cursor, LIST_SEPARATORS)) != NULL)
        rc = add_interface_word(rs, name, word, err);
    xfree(copy);
    return rc;
}

/* --- lists, tables, flags ------------------------------------------------- */

static bool parent_style(resolve_param_fn param, const char *name)
{
    char *copy = xstrdup(get(param, "parent_domain_matches_subdomains"));
    char *cursor = copy, *word;
    bool found = false;

    while (!found && (word = str_token(&cursor, LIST_SEPARATORS)) != NULL)
        found = strcmp(word, name) == 0;
    xfree(copy);
    return found;
}

static int open_list(resolve_setup_t *rs, int slot, resolve_param_fn param,
                     const char *name, bool subdomains, resolve_open_table_fn open_table,
                     void *open_ctx, char **err)
{
    char *why = NULL;

    rs->lists[slot] = resolve_domains_new(get(param, name), subdomains, open_table, open_ctx, &why);
    if (rs->lists[slot] == NULL) {
        errstr_set(err, "%s: %s", name, why);
        xfree(why);
        return -1;
    }
    return 0;
}

static int open_transport_maps(resolve_setup_t *rs, resolve_param_fn param,
                               resolve_open_table_fn open_table, void *open_ctx,
                               char **err)
{
    char *copy = xstrdup(get(param, "transport_maps")), *cursor = copy, *word, *why = NULL;
    int rc = 0;

    while (rc == 0 && (word = str_token_braced(&cursor, LIST_SEPARATORS)) != NULL) {
        rs->maps = xreallocarray(rs->maps, rs->nmaps + 1, sizeof(*rs->maps));
        if (open_table == NULL) {
            errstr_set(err, "transport_maps: cannot open %s here", word);
            rc = -1;
        } else if (open_table(open_ctx, word, &rs->maps[rs->nmaps], &why) < 0) {
            errstr_set(err, "transport_maps: %s", why);
            xfree(why);
            rc = -1;
        } else {
            rs->nmaps++;
        }
    }
    xfree(copy);
    return rc;
}

static int get_bool(resolve_param_fn param, const char *name, bool *out, char **err)
{
    const char *value = get(param, name);

    if (!str_to_bool(value, out)) {
        errstr_set(err, "%s: bad yes/no value \"%s\"", name, value);
        return -1;
    }
    return 0;
}

/* --- the setup ----------------------------------------------------------- */

static int load(resolve_setup_t *rs, resolve_param_fn param,
                resolve_open_table_fn open_table, void *open_ctx, char **err)
{
    resolve_config_t *c = &rs->cfg;

    if (open_list(rs, 0, param, "mydestination", parent_style(param, "mydestination"),
                  open_table, open_ctx, err) < 0
        || open_list(rs, 1, param, "virtual_alias_domains", false, open_table, open_ctx, err) < 0
        || open_list(rs, 2, param, "virtual_mailbox_domains", false, open_table, open_ctx, err) < 0
        || open_list(rs, 3, param, "relay_domains", parent_style(param, "relay_domains"),
                     open_table, open_ctx, err) < 0
        || add_interfaces(rs, param, "inet_interfaces", err) < 0
        || add_interfaces(rs, param, "proxy_interfaces", err) < 0
        || open_transport_maps(rs, param, open_table, open_ctx, err) < 0
        || get_bool(param, "allow_percent_hack", &c->allow_percent_hack, err) < 0
        || get_bool(param, "swap_bangpath", &c->swap_bangpath, err) < 0)
        return -1;
    c->myhostname = keep(rs, 0, param, "myhostname");
    c->relayhost = keep(rs, 1, param, "relayhost");
    c->default_transport = keep(rs, 2, param, "default_transport");
    c->relay_transport = keep(rs, 3, param, "relay_transport");
    c->local_transport = keep(rs, 4, param, "local_transport");
    c->virtual_transport = keep(rs, 5, param, "virtual_transport");
    c->recipient_delimiter = keep(rs, 6, param, "recipient_delimiter");
    c->mydestination = rs->lists[0];
    c->virtual_alias_domains = rs->lists[1];
    c->virtual_mailbox_domains = rs->lists[2];
    c->relay_domains = rs->lists[3];
    c->local_addresses = (const char *const *) rs->addresses;
    c->transport_maps = rs->maps;
    c->transport_maps_count = rs->nmaps;
    c->show_user_unknown_table_name = true;
    return 0;
}

resolve_setup_t *resolve_setup_new(resolve_param_fn param,
                                   resolve_open_table_fn open_table,
                                   void *open_ctx, char **err)
{
    resolve_setup_t *rs = xcalloc(1, sizeof(*rs));

    if (load(rs, param, open_table, open_ctx, err) < 0) {
        resolve_setup_free(rs);
        return NULL;
    }
    return rs;
}

const resolve_config_t *resolve_setup_config(const resolve_setup_t *rs)
{
    return &rs->cfg;
}

bool resolve_setup_changed(const resolve_setup_t *rs)
{
    for (size_t i = 0; i < 4; i++)
        if (resolve_domains_changed(rs->lists[i]))
            return true;
    for (size_t i = 0; i < rs->nmaps; i++)
        if (rs->maps[i].changed != NULL && rs->maps[i].changed(rs->maps[i].ctx))
            return true;
    return false;
}

void resolve_setup_free(resolve_setup_t *rs)
{
    if (rs == NULL)
        return;
    for (size_t i = 0; i < 4; i++)
        resolve_domains_free(rs->lists[i]);
    for (size_t i = 0; i < rs->nmaps; i++)
        if (rs->maps[i].close != NULL)
            rs->maps[i].close(rs->maps[i].ctx);
    xfree(rs->maps);
    for (size_t i = 0; i < rs->naddresses; i++)
        xfree(rs->addresses[i]);
    xfree(rs->addresses);
    for (size_t i = 0; i < sizeof(rs->strings) / sizeof(rs->strings[0]); i++)
        xfree(rs->strings[i]);
    xfree(rs);
}
