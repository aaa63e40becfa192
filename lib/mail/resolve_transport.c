/* resolve_transport.c - transport_maps search for resolve_address():
 * keys in Postfix's order (user+ext@domain, user@domain, domain, each
 * parent as .parent, then "*"), every table in order for each key, and
 * the rules for applying a "transport:nexthop" result. Table failures
 * are returned as -1 with the table's message. */
#include "mail/resolve.h"
#include "mail/resolve_impl.h"
#include "util/mem.h"

#include <string.h>
#include <strings.h>

/* Applies one table result to the transport and nexthop chosen so far:
 *   ":nexthop"   keeps the transport, changes the nexthop if given
 *   ":" / ""     changes nothing
 *   "t" / "t:"   transport t, nexthop reset to the recipient domain (for
 *                the error transport: a generic reason)
 *   "t:n"        both replaced */
static void apply_entry(const char *value, const char *rcpt_domain,
                        buf_t *transport, buf_t *nexthop)
{
    buf_t t = BUF_INIT, n = BUF_INIT;

    buf_init(&t);
    buf_init(&n);
    resolve_split_transport(value, &t, &n);
    if (t.len == 0) {
        if (n.len > 0)
            buf_set(nexthop, n.data);
    } else {
        buf_set(transport, t.data);
        if (n.len > 0)
            buf_set(nexthop, n.data);
        else if (strcmp(t.data, "error") == 0)
            buf_set(nexthop, "Address is undeliverable");
        else
            buf_set(nexthop, rcpt_domain);
    }
    buf_dispose(&t);
    buf_dispose(&n);
}

/* Every table, in order, for one key: 1 found (value set), 0, -1. */
static int lookup_key(const resolve_config_t *cfg, const char *key, buf_t *value,
                      char **err)
{
    for (size_t i = 0; i < cfg->transport_maps_count; i++) {
        const resolve_table_t *t = &cfg->transport_maps[i];
        int rc = t->lookup(t->ctx, key, value, err);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Local parts whose extension is never split off, as in Postfix:
 * postmaster, MAILER-DAEMON, double-bounce, and with '-' among the
 * delimiters owner-* and *-request (owner_request_special = yes). */
static bool never_split(const char *local, size_t len, const char *delimiters)
{
    static const char *const whole[] = {"postmaster", "mailer-daemon", "double-bounce"};

    for (size_t i = 0; i < sizeof(whole) / sizeof(whole[0]); i++)
        if (len == strlen(whole[i]) && strncasecmp(local, whole[i], len) == 0)
            return true;
    if (strchr(delimiters, '-') == NULL)
        return false;
    return (len >= 6 && strncasecmp(local, "owner-", 6) == 0)
        || (len > 8 && strncasecmp(local + len - 8, "-request", 8) == 0);
}

/* user+ext@domain -> user@domain (NULL when there is no extension). */
static char *strip_extension(const char *addr, const char *delimiters)
{
    const char *at = strrchr(addr, '@');
    size_t local_len = (size_t) (at - addr), cut;
    buf_t b = BUF_INIT;

    if (delimiters == NULL || *delimiters == '\0' || never_split(addr, local_len, delimiters))
        return NULL;
    cut = strcspn(addr, delimiters);
    if (cut >= local_len || cut == 0)
        return NULL;
    buf_init(&b);
    buf_append(&b, addr, cut);
    buf_puts(&b, at);
    return resolve_buf_take(&b);
}

int resolve_transport_lookup(const resolve_config_t *cfg, const char *rcpt,
                             const char *rcpt_domain, buf_t *transport,
                             buf_t *nexthop, char **err)
{
    buf_t value = BUF_INIT;
    char *stripped;
    const char *name;
    int rc;

    if (cfg->transport_maps_count == 0)
        return 0;
    buf_init(&value);
    rc = lookup_key(cfg, rcpt, &value, err);
    if (rc == 0 && (stripped = strip_extension(rcpt, cfg->recipient_delimiter)) != NULL) {
        rc = lookup_key(cfg, stripped, &value, err);
        xfree(stripped);
    }
    for (name = rcpt_domain; rc == 0 && name != NULL; name = strchr(name + 1, '.'))
        rc = lookup_key(cfg, name, &value, err);
    if (rc == 0)
        rc = lookup_key(cfg, "*", &value, err);
    if (rc > 0)
        apply_entry(value.data, rcpt_domain, transport, nexthop);
    buf_dispose(&value);
    return rc;
}
