/* policy_eval.c - evaluates restriction lists for one SMTP event: each
 * restriction in order until one permits or refuses; access(5) table
 * results; restriction classes (nested at most MAX_DEPTH deep);
 * warn_if_reject, defer_if_permit and defer_if_reject; and the order of
 * lists per event with smtpd_delay_reject. */
#include <stdio.h>
#include <string.h>

#include "dict/access.h"
#include "policy/policy_impl.h"
#include "util/mem.h"
#include "util/msg.h"

#define MAX_DEPTH 100

void eval_ctx_init(eval_ctx_t *c, const policy_t *p, const policy_session_t *s,
                   policy_decision_t *d, policy_event_t event)
{
    memset(c, 0, sizeof(*c));
    c->p = p;
    c->s = s;
    c->d = d;
    c->event = event;
    buf_init(&c->dip.text);
    buf_init(&c->dir.text);
}

void eval_ctx_dispose(eval_ctx_t *c)
{
    buf_dispose(&c->dip.text);
    buf_dispose(&c->dir.text);
}

/* Remembers a deferral for defer_if_permit / defer_if_reject. */
static void remember(eval_ctx_t *c, struct saved_reply *r, int code, const char *dsn,
                     const char *detail)
{
    buf_t name = BUF_INIT;

    buf_init(&name);
    r->active = true;
    r->code = code;
    snprintf(r->dsn, sizeof(r->dsn), "%s", dsn);
    policy_fix_dsn(r->dsn, sizeof(r->dsn), code, c->list);
    buf_reset(&r->text);
    buf_printf(&r->text, "<%s>: %s rejected: %s", policy_reply_name(c, &name),
               policy_reply_class(c->list), detail);
    buf_dispose(&name);
}

static eval_result_t refuse_with(eval_ctx_t *c, int code, const char *dsn, const char *detail)
{
    buf_t name = BUF_INIT;
    eval_result_t rc;

    buf_init(&name);
    rc = policy_refuse(c, code, dsn, "<%s>: %s rejected: %s", policy_reply_name(c, &name),
                       policy_reply_class(c->list), detail);
    buf_dispose(&name);
    return rc;
}

static void add_prepend(policy_decision_t *d, const char *text)
{
    d->prepend = xreallocarray(d->prepend, d->prepend_count + 1, sizeof(*d->prepend));
    d->prepend[d->prepend_count++] = xstrdup(text);
}

static void note(eval_ctx_t *c, const char *what, const char *text, const char *dflt)
{
    buf_t name = BUF_INIT, line = BUF_INIT;

    buf_init(&name);
    buf_init(&line);
    buf_printf(&line, "<%s>: %s %s", policy_reply_name(c, &name),
               policy_reply_class(c->list), *text ? text : dflt);
    policy_log_event(c, what, line.data);
    buf_dispose(&name);
    buf_dispose(&line);
}

static eval_result_t eval_value_list(eval_ctx_t *c, const char *value, const char *table)
{
    restriction_list_t list;
    buf_t param = BUF_INIT;
    eval_result_t rc;

    buf_init(&param);
    buf_printf(&param, "%s result", table);
    policy_list_parse(c->p, param.data, value, &list, NULL);
    buf_dispose(&param);
    rc = eval_list(c, c->list, &list);
    policy_list_free(&list);
    return rc;
}

static eval_result_t access_result(eval_ctx_t *c, const char *value, const char *table)
{
    const policy_t *p = c->p;
    access_result_t a;
    char dsn[16];
    buf_t why = BUF_INIT;
    eval_result_t rc;

    policy_access_parse(value, &a);
    switch (a.action) {
    case ACCESS_OK:
        return EVAL_PERMIT;
    case ACCESS_DUNNO:
        return EVAL_DUNNO;
    case ACCESS_REJECT:
        return refuse_with(c, p->access_map_reject_code, "5.7.1", *a.text ? a.text : "Access denied");
    case ACCESS_DEFER:
        return refuse_with(c, p->access_map_defer_code, "4.7.1", *a.text ? a.text : "Access denied");
    case ACCESS_DEFER_IF_REJECT:
        remember(c, &c->dir, p->access_map_defer_code, "4.7.1", *a.text ? a.text : "Service unavailable");
        return EVAL_DUNNO;
    case ACCESS_DEFER_IF_PERMIT:
        remember(c, &c->dip, p->access_map_defer_code, "4.7.1", *a.text ? a.text : "Service unavailable");
        return EVAL_DUNNO;
    case ACCESS_CODE:
        snprintf(dsn, sizeof(dsn), "%s", *a.dsn ? a.dsn : a.code >= 500 ? "5.7.1" : "4.7.1");
        return refuse_with(c, a.code, dsn, *a.text ? a.text : "Access denied");
    case ACCESS_HOLD:
        c->d->hold = true;
        buf_set(&c->d->hold_reason, a.text);
        note(c, "hold", a.text, "triggers HOLD action");
        return EVAL_DUNNO;
    case ACCESS_DISCARD:
        c->d->discard = true;
        buf_set(&c->d->discard_reason, a.text);
        note(c, "discard", a.text, "triggers DISCARD action");
        return EVAL_PERMIT;
    case ACCESS_PREPEND:
        add_prepend(c->d, a.text);
        return EVAL_DUNNO;
    case ACCESS_WARN:
    case ACCESS_INFO:
        note(c, a.action == ACCESS_WARN ? "warn" : "info", a.text, "");
        return EVAL_DUNNO;
    case ACCESS_RESTRICTIONS:
        return eval_value_list(c, a.text, table);
    case ACCESS_UNSUPPORTED:
    case ACCESS_BAD:
        break;
    }
    buf_init(&why);
    buf_printf(&why, "table %s: result \"%s\": %s", table, value, a.why);
    rc = policy_config_error(c, why.data);
    buf_dispose(&why);
    return rc;
}

/* The check_*_access restrictions. */
static eval_result_t check_access(eval_ctx_t *c, const restriction_t *r)
{
    const policy_session_t *s = c->s;
    const policy_table_t *t = r->table;
    const struct access_options *opts = &c->p->access_opts;
    buf_t value = BUF_INIT, internal = BUF_INIT, why = BUF_INIT;
    char *err = NULL;
    int rc = DICT_NOTFOUND;
    eval_result_t res = EVAL_DUNNO;

    if (t->dict == NULL) {
        buf_init(&why);
        buf_printf(&why, "table %s is unavailable: %s", t->name, t->error);
        res = policy_config_error(c, why.data);
        buf_dispose(&why);
        return res;
    }
    buf_init(&value);
    buf_init(&internal);
    switch (r->op) {
    case R_CHECK_CLIENT_ACCESS:
        if (s->client_addr != NULL)
            rc = access_search_client(t->dict, s->client_name ? s->client_name : "unknown",
                                      s->client_addr, opts, &value, NULL, &err);
        break;
    case R_CHECK_HELO_ACCESS:
        if (s->helo_name != NULL)
            rc = access_search_domain(t->dict, s->helo_name, opts, &value, NULL, &err);
        break;
    case R_CHECK_SENDER_ACCESS:
    case R_CHECK_RECIPIENT_ACCESS: {
        const char *addr = r->op == R_CHECK_SENDER_ACCESS ? s->sender : s->recipient;

        if (addr != NULL) {
            policy_unquote_address(addr, &internal);
            rc = access_search_address(t->dict, internal.data, opts, &value, NULL, &err);
        }
        break;
    }
    default:
        msg_panic("check_access: unexpected restriction %d", (int) r->op);
    }
    if (rc == DICT_FOUND)
        res = access_result(c, value.data, t->name);
    else if (rc == DICT_ERROR) {
        buf_t name = BUF_INIT;

        buf_init(&name);
        msg_warn("%s: table lookup failed: %s", t->name, err ? err : "unknown error");
        res = policy_fail(c, 451, "4.3.0", "<%s>: Temporary lookup failure",
                          policy_reply_name(c, &name));
        buf_dispose(&name);
    }
    xfree(err);
    buf_dispose(&value);
    buf_dispose(&internal);
    return res;
}

static int in_mynetworks(eval_ctx_t *c)
{
    if (c->s->in_mynetworks >= 0)
        return c->s->in_mynetworks;
    return policy_mynetworks_match(c->p, c->s->client_addr);
}

static eval_result_t hostname_checks(eval_ctx_t *c, restriction_op_t op)
{
    const policy_session_t *s = c->s;
    const policy_t *p = c->p;
    buf_t internal = BUF_INIT;
    bool bad = false;
    eval_result_t rc;

    switch (op) {
    case R_REJECT_INVALID_HELO:
        if (s->helo_name == NULL || policy_valid_hostname(s->helo_name)
            || policy_valid_address_literal(s->helo_name))
            return EVAL_DUNNO;
        return refuse_with(c, p->invalid_hostname_reject_code, "5.5.2", "Invalid name");
    case R_REJECT_NON_FQDN_HELO:
        if (s->helo_name == NULL || policy_fqdn_hostname(s->helo_name))
            return EVAL_DUNNO;
        return refuse_with(c, p->non_fqdn_reject_code, "5.5.2", "need fully-qualified hostname");
    default:
        break;
    }
    {
        const char *addr = op == R_REJECT_NON_FQDN_SENDER ? s->sender : s->recipient;

        if (addr == NULL || *addr == '\0')
            return EVAL_DUNNO;
        buf_init(&internal);
        policy_unquote_address(addr, &internal);
        bad = !policy_fqdn_address(internal.data);
        buf_dispose(&internal);
    }
    if (!bad)
        return EVAL_DUNNO;
    rc = refuse_with(c, p->non_fqdn_reject_code, "5.5.2", "need fully-qualified address");
    return rc;
}

/* The list whose name and class a typed restriction replies with. */
static policy_list_id_t reply_list_of(restriction_op_t op, policy_list_id_t current)
{
    switch (op) {
    case R_CHECK_CLIENT_ACCESS:
    case R_REJECT_UNKNOWN_CLIENT:
    case R_REJECT_UNKNOWN_REVERSE_CLIENT:
        return POLICY_LIST_CLIENT;
    case R_CHECK_HELO_ACCESS:
    case R_REJECT_INVALID_HELO:
    case R_REJECT_NON_FQDN_HELO:
        return POLICY_LIST_HELO;
    case R_CHECK_SENDER_ACCESS:
    case R_REJECT_NON_FQDN_SENDER:
    case R_REJECT_SENDER_LOGIN_MISMATCH:
    case R_REJECT_AUTH_SENDER_LOGIN_MISMATCH:
    case R_REJECT_KNOWN_SENDER_LOGIN_MISMATCH:
    case R_REJECT_UNAUTH_SENDER_LOGIN_MISMATCH:
        return POLICY_LIST_SENDER;
    case R_CHECK_RECIPIENT_ACCESS:
    case R_REJECT_NON_FQDN_RECIPIENT:
    case R_REJECT_UNAUTH_DESTINATION:
    case R_DEFER_UNAUTH_DESTINATION:
        return POLICY_LIST_RECIPIENT;
    default:
        return current;
    }
}

static eval_result_t eval_simple(eval_ctx_t *c, const restriction_t *r)
{
    const policy_t *p = c->p;
    int in;

    switch (r->op) {
    case R_PERMIT:
        return EVAL_PERMIT;
    case R_REJECT:
        return refuse_with(c, p->reject_code, "5.7.1", "Access denied");
    case R_DEFER:
        return refuse_with(c, p->defer_code, "4.3.2", "Try again later");
    case R_WARN_IF_REJECT:
        c->warn_if_reject = true;
        return EVAL_DUNNO;
    case R_DEFER_IF_PERMIT:
        remember(c, &c->dip, p->defer_code, "4.7.0", "defer_if_permit requested");
        return EVAL_DUNNO;
    case R_DEFER_IF_REJECT:
        remember(c, &c->dir, p->defer_code, "4.7.0", "defer_if_reject requested");
        return EVAL_DUNNO;
    case R_PERMIT_MYNETWORKS:
        if ((in = in_mynetworks(c)) < 0)
            return policy_fail(c, 451, "4.3.0", "<%s>: Temporary lookup failure",
                               c->s->client_addr ? c->s->client_addr : "unknown");
        return in ? EVAL_PERMIT : EVAL_DUNNO;
    case R_PERMIT_SASL_AUTHENTICATED:
        return c->s->sasl_username != NULL && *c->s->sasl_username ? EVAL_PERMIT : EVAL_DUNNO;
    case R_REJECT_UNAUTH_PIPELINING:
        if (!c->s->pipelined_improperly)
            return EVAL_DUNNO;
        return refuse_with(c, 503, "5.5.0", "Improper use of SMTP command pipelining");
    default:
        break;
    }
    msg_panic("eval_simple: unexpected restriction %d", (int) r->op);
}

static eval_result_t eval_one(eval_ctx_t *c, const restriction_t *r)
{
    switch (r->op) {
    case R_CHECK_CLIENT_ACCESS:
    case R_CHECK_HELO_ACCESS:
    case R_CHECK_SENDER_ACCESS:
    case R_CHECK_RECIPIENT_ACCESS:
        return check_access(c, r);
    case R_REJECT_INVALID_HELO:
    case R_REJECT_NON_FQDN_HELO:
    case R_REJECT_NON_FQDN_SENDER:
    case R_REJECT_NON_FQDN_RECIPIENT:
        return hostname_checks(c, r->op);
    case R_REJECT_UNAUTH_DESTINATION:
    case R_DEFER_UNAUTH_DESTINATION:
    case R_PERMIT_AUTH_DESTINATION:
        return policy_check_unauth_destination(c, r->op == R_DEFER_UNAUTH_DESTINATION,
                                               r->op == R_PERMIT_AUTH_DESTINATION);
    case R_REJECT_UNLISTED_RECIPIENT:
        c->rcpt_maps_checked = c->s->recipient != NULL;
        return policy_check_unlisted(c, c->s->recipient, false);
    case R_REJECT_UNLISTED_SENDER:
        c->sender_maps_checked = c->s->sender != NULL;
        return policy_check_unlisted(c, c->s->sender, true);
    case R_REJECT_UNKNOWN_CLIENT:
    case R_REJECT_UNKNOWN_REVERSE_CLIENT:
        return policy_check_client_name(c, r->op == R_REJECT_UNKNOWN_REVERSE_CLIENT);
    case R_PERMIT_INET_INTERFACES:
        return policy_check_inet_interfaces(c);
    case R_REJECT_SENDER_LOGIN_MISMATCH:
        return policy_check_sender_login(c, true, true, false);
    case R_REJECT_AUTH_SENDER_LOGIN_MISMATCH:
        return policy_check_sender_login(c, true, false, false);
    case R_REJECT_KNOWN_SENDER_LOGIN_MISMATCH:
        return policy_check_sender_login(c, true, true, true);
    case R_REJECT_UNAUTH_SENDER_LOGIN_MISMATCH:
        return policy_check_sender_login(c, false, true, false);
    case R_CLASS:
        if (c->depth >= MAX_DEPTH)
            return policy_config_error(c, "restriction classes nested too deeply");
        return eval_list(c, c->list, &c->p->classes[r->class_index].list);
    case R_BROKEN:
        return policy_config_error(c, r->name);
    default:
        return eval_simple(c, r);
    }
}

eval_result_t eval_list(eval_ctx_t *c, policy_list_id_t id, const restriction_list_t *list)
{
    policy_list_id_t saved = c->list;
    eval_result_t rc = EVAL_DUNNO;

    if (++c->depth > MAX_DEPTH) {
        c->depth--;
        return policy_config_error(c, "restriction classes or table results nested too deeply");
    }
    for (size_t i = 0; i < list->count && rc == EVAL_DUNNO; i++) {
        const restriction_t *r = &list->items[i];
        bool warn_before = c->warn_if_reject;

        c->list = reply_list_of(r->op, id);
        rc = eval_one(c, r);
        c->list = id;
        if (warn_before && r->op != R_WARN_IF_REJECT)
            c->warn_if_reject = false;
    }
    c->list = saved;
    c->depth--;
    return rc;
}
