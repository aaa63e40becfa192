/* resolve.c - resolve_address(): strip local domains and routing
 * operators, classify the recipient domain, choose transport and nexthop
 * (see resolve.h). Never fails silently: a table or configuration problem
 * sets RESOLVE_FLAG_FAIL with a message in r->error. */
#include "mail/resolve.h"
#include "mail/resolve_impl.h"
#include "util/errstr.h"
#include "util/mem.h"
#include "util/strutil.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#define MAX_REWRITES 10

void resolve_result_init(resolve_result_t *r)
{
    memset(r, 0, sizeof(*r));
    buf_init(&r->transport);
    buf_init(&r->nexthop);
    buf_init(&r->recipient);
}

void resolve_result_dispose(resolve_result_t *r)
{
    buf_dispose(&r->transport);
    buf_dispose(&r->nexthop);
    buf_dispose(&r->recipient);
    xfree(r->error);
    r->error = NULL;
}

char *resolve_buf_take(buf_t *b)
{
    char *text = buf_detach(b);

    buf_dispose(b);
    return text;
}

static void fail(resolve_result_t *r, char *why)
{
    r->flags |= RESOLVE_FLAG_FAIL;
    xfree(r->error);
    r->error = why;
}

/* --- domain syntax --------------------------------------------------------- */

static bool valid_hostname(const char *name)
{
    size_t len = strlen(name), label = 0;

    if (len == 0 || len > 255)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (c == '.') {
            if (label == 0 || name[i - 1] == '-')
                return false;
            label = 0;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '-' || c == '_') || (c == '-' && label == 0) || ++label > 63)
            return false;
    }
    return label > 0 && name[len - 1] != '-';
}

/* "[192.0.2.1]" or "[ipv6:2001:db8::1]": the address inside, or NULL. */
static char *literal_address(const char *domain)
{
    size_t len = strlen(domain);
    const char *start = domain + 1;
    unsigned char bin[16];
    char *addr;
    int family = AF_INET;

    if (len < 3 || domain[0] != '[' || domain[len - 1] != ']')
        return NULL;
    if (strncasecmp(start, "ipv6:", 5) == 0) {
        start += 5;
        family = AF_INET6;
    }
    addr = xstrndup(start, (size_t) (domain + len - 1 - start));
    if (inet_pton(family, addr, bin) != 1) {
        xfree(addr);
        return NULL;
    }
    return addr;
}

static bool valid_domain(const char *domain)
{
    char *literal;

    if (domain[0] != '[')
        return valid_hostname(domain);
    literal = literal_address(domain);
    xfree(literal);
    return literal != NULL;
}

/* --- local domains ----------------------------------------------------------- */

/* Binary form of an address text, either family; false if neither. */
static bool address_bytes(const char *text, unsigned char out[16], int *family)
{
    memset(out, 0, 16);
    if (inet_pton(AF_INET, text, out) == 1) {
        *family = AF_INET;
        return true;
    }
    if (inet_pton(AF_INET6, text, out) == 1) {
        *family = AF_INET6;
        return true;
    }
    return false;
}

/* Is the address literal one of ours? Compared in binary, so that
 * "2001:db8::25" and "2001:0db8:0::25" are the same address. */
static bool is_local_literal(const resolve_config_t *cfg, const char *domain)
{
    char *addr = literal_address(domain);
    unsigned char want[16], have[16];
    int want_family, have_family;
    bool found = false;

    if (addr != NULL && cfg->local_addresses != NULL
        && address_bytes(addr, want, &want_family)) {
        for (const char *const *p = cfg->local_addresses; *p && !found; p++)
            found = address_bytes(*p, have, &have_family) && have_family == want_family
                && memcmp(have, want, 16) == 0;
    }
    xfree(addr);
    return found;
}

/* 1 local, 0 not, -1 table failure (r marked). */
static int is_local(const resolve_config_t *cfg, const char *domain, resolve_result_t *r)
{
    char *err = NULL;
    int rc;

    if (domain[0] == '[')
        return is_local_literal(cfg, domain);
    rc = resolve_domains_match(cfg->mydestination, domain, &err);
    if (rc < 0)
        fail(r, err);
    return rc;
}

/* --- stripping local domains and routing operators --------------------- */

/* Rewrites a local part that still routes somewhere else into a new
 * address: "u@h" stays, "u%h" -> "u@h" (rightmost %), "h!u" -> "u@h"
 * (first !). Returns false when the local part is final. */
static bool reroute_local_part(const resolve_config_t *cfg, buf_t *addr,
                               const buf_t *local)
{
    char *p;

    if (memchr(local->data, '@', local->len) != NULL) {
        buf_set(addr, local->data);
        return true;
    }
    if (cfg->allow_percent_hack && (p = strrchr(local->data, '%')) != NULL) {
        buf_set(addr, local->data);
        addr->data[p - local->data] = '@';
        return true;
    }
    if (cfg->swap_bangpath && (p = strchr(local->data, '!')) != NULL) {
        buf_reset(addr);
        buf_puts(addr, p + 1);
        buf_putc(addr, '@');
        buf_append(addr, local->data, (size_t) (p - local->data));
        return true;
    }
    return false;
}

static void strip_trailing_dot(buf_t *domain)
{
    if (domain->len > 1 && domain->data[domain->len - 1] == '.'
        && domain->data[domain->len - 2] != '.')
        buf_truncate(domain, domain->len - 1);
}

/* Leaves the final recipient in r->recipient; returns 1 if it is local,
 * 0 if not, -1 on a table failure. */
static int canonicalize(const resolve_config_t *cfg, const char *input,
                        resolve_result_t *r)
{
    buf_t addr = BUF_INIT, local = BUF_INIT, domain = BUF_INIT, saved = BUF_INIT;
    int rc = -1, rounds;
    bool local_final = false;

    buf_init(&addr);
    buf_init(&local);
    buf_init(&domain);
    buf_init(&saved);
    buf_set(&addr, input);
    if (resolve_strip_source_route(&addr))
        r->flags |= RESOLVE_FLAG_ROUTED;
    for (rounds = 0; rounds < MAX_REWRITES; rounds++) {
        bool has_domain = resolve_split_addr(addr.data, &local, &domain);
        strip_trailing_dot(&domain);
        if (has_domain && domain.len > 0) {
            int loc = is_local(cfg, str_lower(domain.data), r);
            if (loc < 0)
                goto done;
            if (loc == 0)
                break;
            buf_set(&saved, domain.data);
        }
        if (!reroute_local_part(cfg, &addr, &local)) {
            if (local.len == 0)
                buf_set(&local, "MAILER-DAEMON");
            buf_set(&domain, saved.len ? saved.data : cfg->myhostname);
            str_lower(domain.data);
            local_final = true;
            break;
        }
    }
    if (rounds == MAX_REWRITES) {      /* routing loop: give up, keep it sane */
        r->flags |= RESOLVE_FLAG_ERROR;
        if (domain.len == 0)
            buf_set(&domain, cfg->myhostname);
        str_lower(domain.data);
    }
    buf_reset(&r->recipient);
    buf_append(&r->recipient, local.data, local.len);
    buf_putc(&r->recipient, '@');
    buf_append(&r->recipient, domain.data, domain.len);
    rc = local_final ? 1 : 0;
done:
    buf_dispose(&addr);
    buf_dispose(&local);
    buf_dispose(&domain);
    buf_dispose(&saved);
    return rc;
}

/* --- classes, transports, nexthops ------------------------------------- */

static const char *nonnull(const char *s)
{
    return s != NULL ? s : "";
}

/* 1 listed, 0 not, -1 failure (r marked). */
static int listed(const resolve_domains_t *list, const char *domain, resolve_result_t *r)
{
    char *err = NULL;
    int rc = resolve_domains_match(list, domain, &err);

    if (rc < 0)
        fail(r, err);
    return rc;
}

/* Picks the class of a remote domain and its default transport. */
static int classify_remote(const resolve_config_t *cfg, const char *domain,
                           resolve_result_t *r, const char **param, const char **value)
{
    int rc;

    if ((rc = listed(cfg->virtual_alias_domains, domain, r)) != 0) {
        r->klass = RESOLVE_CLASS_ALIAS;
        return rc;
    }
    if ((rc = listed(cfg->virtual_mailbox_domains, domain, r)) != 0) {
        r->klass = RESOLVE_CLASS_VIRTUAL;
        *param = "virtual_transport";
        *value = cfg->virtual_transport;
        return rc;
    }
    if ((rc = listed(cfg->relay_domains, domain, r)) < 0)
        return rc;
    r->klass = rc ? RESOLVE_CLASS_RELAY : RESOLVE_CLASS_DEFAULT;
    *param = rc ? "relay_transport" : "default_transport";
    *value = rc ? cfg->relay_transport : cfg->default_transport;
    return 0;
}

static void alias_class_result(const resolve_config_t *cfg, resolve_result_t *r)
{
    buf_set(&r->transport, "error");
    buf_set(&r->nexthop, cfg->show_user_unknown_table_name
            ? "User unknown in virtual alias table" : "User unknown");
}

void resolve_address(const resolve_config_t *cfg, const char *addr,
                     resolve_result_t *r)
{
    const char *param = "local_transport", *value = cfg->local_transport;
    const char *domain;
    buf_t t = BUF_INIT, n = BUF_INIT;
    char *lower, *err = NULL;
    int local;

    resolve_result_dispose(r);
    resolve_result_init(r);
    if ((local = canonicalize(cfg, addr, r)) < 0)
        return;
    domain = strrchr(r->recipient.data, '@') + 1;
    if (!valid_domain(domain))
        r->flags |= RESOLVE_FLAG_ERROR;
    if (resolve_routing_forms(r->recipient.data) != 0)
        r->flags |= RESOLVE_FLAG_ROUTED;
    r->klass = RESOLVE_CLASS_LOCAL;
    if (!local && classify_remote(cfg, domain, r, &param, &value) < 0)
        return;
    if (r->klass == RESOLVE_CLASS_ALIAS) {
        alias_class_result(cfg, r);
        return;
    }
    buf_init(&t);
    buf_init(&n);
    resolve_split_transport(nonnull(value), &t, &n);
    buf_set(&r->transport, t.data);
    if (n.len > 0)
        buf_set(&r->nexthop, n.data);
    else if ((r->klass == RESOLVE_CLASS_RELAY || r->klass == RESOLVE_CLASS_DEFAULT)
             && cfg->relayhost != NULL && *cfg->relayhost != '\0')
        buf_set(&r->nexthop, cfg->relayhost);
    else
        buf_set(&r->nexthop, domain);
    buf_dispose(&t);
    buf_dispose(&n);
    if (r->transport.len == 0) {
        errstr_set(&err, "parameter %s: null transport is not allowed", param);
        fail(r, err);
        return;
    }
    lower = xstrdup(r->recipient.data);
    str_lower(lower);
    if (resolve_transport_lookup(cfg, lower, domain, &r->transport, &r->nexthop, &err) < 0)
        fail(r, err);
    xfree(lower);
}
