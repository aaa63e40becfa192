/* policy_rcpt.c - the address checks that need the recipient classifier:
 * reject_unauth_destination / defer_unauth_destination /
 * permit_auth_destination (no relaying for other domains, nor for
 * addresses with routing operators: user%host@, host!user@, source routes,
 * quoted "user@host"@) and reject_unlisted_recipient/_sender (the address
 * must exist in local_recipient_maps, virtual_mailbox_maps,
 * virtual_alias_maps or relay_recipient_maps, depending on its class).
 * Table failures answer 451 4.3.0 (lookup) or 451 4.3.5 (unavailable). */
#include <ctype.h>
#include <string.h>

#include "policy/policy_impl.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/strutil.h"

void policy_unquote_address(const char *addr, buf_t *out)
{
    bool quoted = false;

    buf_reset(out);
    for (; *addr; addr++) {
        if (*addr == '\\' && addr[1] != '\0') {
            buf_putc(out, *++addr);
            continue;
        }
        if (*addr == '"') {
            quoted = !quoted;
            continue;
        }
        buf_putc(out, *addr);
    }
}

/* Resolves addr (as written); -1 after answering 451 when it failed. */
static int resolve_written(eval_ctx_t *c, const char *addr, resolve_result_t *r,
                           buf_t *internal, eval_result_t *res)
{
    policy_unquote_address(addr, internal);
    resolve_address(c->p->resolve, internal->data, r);
    if (r->flags & RESOLVE_FLAG_FAIL) {
        msg_warn("%s: address resolution failed: %s", addr, r->error ? r->error : "unknown error");
        *res = policy_fail(c, 451, "4.3.0", "<%s>: Temporary lookup failure", addr);
        return -1;
    }
    return 0;
}

static bool authorized(const resolve_result_t *r, const char *internal)
{
    if ((r->flags & RESOLVE_FLAG_ROUTED) || resolve_routing_forms(internal) != 0)
        return false;
    return r->klass != RESOLVE_CLASS_DEFAULT;
}

eval_result_t policy_check_unauth_destination(eval_ctx_t *c, bool defer, bool permit_mode)
{
    const char *rcpt = c->s->recipient;
    resolve_result_t r;
    buf_t internal = BUF_INIT;
    eval_result_t res = EVAL_DUNNO;
    bool ok;

    if (rcpt == NULL)
        return EVAL_DUNNO;
    resolve_result_init(&r);
    buf_init(&internal);
    if (resolve_written(c, rcpt, &r, &internal, &res) == 0) {
        ok = authorized(&r, internal.data);
        if (permit_mode)
            res = ok ? EVAL_PERMIT : EVAL_DUNNO;
        else if (!ok)
            res = policy_refuse(c, defer ? c->p->defer_code : c->p->relay_domains_reject_code,
                                defer ? "4.7.1" : "5.7.1", "<%s>: Relay access denied", rcpt);
    }
    resolve_result_dispose(&r);
    buf_dispose(&internal);
    return res;
}

/* --- unlisted addresses -------------------------------------------------- */

/* 1 found, 0 not, -1 lookup failure, -2 table unavailable (*err set). */
static int maps_find_key(const policy_maps_t *m, const char *key, buf_t *value, char **err)
{
    int rc;

    for (size_t i = 0; i < m->count; i++) {
        if (m->tables[i]->dict == NULL) {
            *err = xstrdup(m->tables[i]->name);
            return -2;
        }
        rc = dict_lookup(m->tables[i]->dict, key, value, err);
        if (rc != DICT_NOTFOUND)
            return rc == DICT_FOUND ? 1 : -1;
    }
    return 0;
}

/* Keys in Postfix's order: user+ext@domain, user@domain, then for local
 * domains user+ext and user, then @domain. */
static int maps_find(const policy_maps_t *m, const char *address, bool local_class,
                     const char *delimiters, buf_t *value, char **err)
{
    buf_t local = BUF_INIT, domain = BUF_INIT, key = BUF_INIT;
    size_t base_len;
    int rc = 0, step;

    buf_init(&local);
    buf_init(&domain);
    buf_init(&key);
    resolve_split_addr(address, &local, &domain);
    str_lower(local.data);
    str_lower(domain.data);
    base_len = local.len;
    if (delimiters != NULL && *delimiters && local.len > 0) {
        size_t at = strcspn(local.data + 1, delimiters) + 1;
        base_len = at < local.len ? at : local.len;
    }
    for (step = 0; step < 5 && rc == 0; step++) {
        buf_reset(&key);
        if ((step == 1 || step == 3) && base_len == local.len)
            continue;
        if ((step == 2 || step == 3) && !local_class)
            continue;
        if (step <= 3)
            buf_append(&key, local.data, step % 2 ? base_len : local.len);
        if (step <= 1 || step == 4)
            buf_printf(&key, "@%s", domain.data);
        rc = maps_find_key(m, key.data, value, err);
    }
    buf_dispose(&local);
    buf_dispose(&domain);
    buf_dispose(&key);
    return rc;
}

static eval_result_t table_trouble(eval_ctx_t *c, int rc, const char *addr, char *err)
{
    eval_result_t res;
    buf_t why = BUF_INIT;

    if (rc == -2) {
        buf_init(&why);
        buf_printf(&why, "table %s is unavailable", err);
        res = policy_config_error(c, why.data);
        buf_dispose(&why);
    } else {
        msg_warn("%s: table lookup failed: %s", addr, err ? err : "unknown error");
        res = policy_fail(c, 451, "4.3.0", "<%s>: Temporary lookup failure", addr);
    }
    xfree(err);
    return res;
}

struct unlisted_rule {
    const policy_maps_t *maps;
    int code;
    const char *table;
};

static bool pick_rule(const policy_t *p, resolve_class_t klass, struct unlisted_rule *u)
{
    switch (klass) {
    case RESOLVE_CLASS_LOCAL:
        *u = (struct unlisted_rule) {&p->local_recipient_maps,
                                     p->unknown_local_recipient_reject_code, "local recipient"};
        return p->local_recipient_maps.count > 0;
    case RESOLVE_CLASS_VIRTUAL:
        *u = (struct unlisted_rule) {&p->virtual_mailbox_maps,
                                     p->unknown_virtual_mailbox_reject_code, "virtual mailbox"};
        return true;
    case RESOLVE_CLASS_ALIAS:
        *u = (struct unlisted_rule) {NULL, p->unknown_virtual_alias_reject_code, "virtual alias"};
        return true;
    case RESOLVE_CLASS_RELAY:
        *u = (struct unlisted_rule) {&p->relay_recipient_maps,
                                     p->unknown_relay_recipient_reject_code, "relay recipient"};
        return p->relay_recipient_maps.count > 0;
    case RESOLVE_CLASS_DEFAULT:
        break;
    }
    return false;
}

static eval_result_t check_resolved(eval_ctx_t *c, const char *addr, const resolve_result_t *r,
                                    bool sender)
{
    const policy_t *p = c->p;
    const char *delim = p->resolve->recipient_delimiter;
    struct unlisted_rule u;
    buf_t value = BUF_INIT;
    char *err = NULL;
    int rc;

    if (!pick_rule(p, r->klass, &u))
        return EVAL_DUNNO;
    buf_init(&value);
    rc = maps_find(&p->virtual_alias_maps, r->recipient.data, r->klass == RESOLVE_CLASS_LOCAL,
                   delim, &value, &err);
    if (rc == 0 && u.maps != NULL)
        rc = maps_find(u.maps, r->recipient.data, r->klass == RESOLVE_CLASS_LOCAL, delim, &value,
                       &err);
    buf_dispose(&value);
    if (rc < 0)
        return table_trouble(c, rc, addr, err);
    if (rc > 0)
        return EVAL_DUNNO;
    return policy_refuse(c, u.code, sender ? "5.1.0" : "5.1.1",
                         "<%s>: %s rejected: User unknown in %s table", addr,
                         policy_reply_class(c->list), u.table);
}

eval_result_t policy_check_unlisted(eval_ctx_t *c, const char *addr, bool sender)
{
    resolve_result_t r;
    buf_t internal = BUF_INIT;
    eval_result_t res = EVAL_DUNNO;
    policy_list_id_t saved = c->list;

    if (addr == NULL || *addr == '\0')
        return EVAL_DUNNO;
    c->list = sender ? POLICY_LIST_SENDER : POLICY_LIST_RECIPIENT;
    resolve_result_init(&r);
    buf_init(&internal);
    if (resolve_written(c, addr, &r, &internal, &res) == 0)
        res = check_resolved(c, addr, &r, sender);
    resolve_result_dispose(&r);
    buf_dispose(&internal);
    c->list = saved;
    return res;
}

int policy_find_owner(eval_ctx_t *c, const char *sender, buf_t *owners, eval_result_t *res)
{
    resolve_result_t r;
    buf_t internal = BUF_INIT;
    char *err = NULL;
    int rc = -1;

    resolve_result_init(&r);
    buf_init(&internal);
    if (resolve_written(c, sender, &r, &internal, res) == 0) {
        rc = maps_find(&c->p->sender_login_maps, internal.data, r.klass == RESOLVE_CLASS_LOCAL,
                       c->p->resolve->recipient_delimiter, owners, &err);
        if (rc < 0) {
            *res = table_trouble(c, rc, sender, err);
            rc = -1;
        }
    }
    resolve_result_dispose(&r);
    buf_dispose(&internal);
    return rc;
}
