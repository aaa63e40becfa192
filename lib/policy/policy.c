/* policy.c - builds the policy from main.cf (restriction lists, classes,
 * tables, reply codes, mynetworks, recipient maps), refuses a relay
 * policy that could make an open relay, and runs the lists that belong
 * to each SMTP event (see policy.h). */
#include <string.h>

#include "config/config.h"
#include "policy/policy_impl.h"
#include "util/array_grow.h"
#include "util/mem.h"
#include "util/msg.h"

static const char *const list_params[POLICY_LIST_COUNT] = {
    [POLICY_LIST_CLIENT] = "smtpd_client_restrictions",
    [POLICY_LIST_HELO] = "smtpd_helo_restrictions",
    [POLICY_LIST_SENDER] = "smtpd_sender_restrictions",
    [POLICY_LIST_RELAY] = "smtpd_relay_restrictions",
    [POLICY_LIST_RECIPIENT] = "smtpd_recipient_restrictions",
    [POLICY_LIST_DATA] = "smtpd_data_restrictions",
    [POLICY_LIST_END_OF_DATA] = "smtpd_end_of_data_restrictions",
};

static const struct {
    const char *param;
    size_t offset;
} code_params[] = {
    {"reject_code", offsetof(policy_t, reject_code)},
    {"defer_code", offsetof(policy_t, defer_code)},
    {"access_map_reject_code", offsetof(policy_t, access_map_reject_code)},
    {"access_map_defer_code", offsetof(policy_t, access_map_defer_code)},
    {"relay_domains_reject_code", offsetof(policy_t, relay_domains_reject_code)},
    {"non_fqdn_reject_code", offsetof(policy_t, non_fqdn_reject_code)},
    {"invalid_hostname_reject_code", offsetof(policy_t, invalid_hostname_reject_code)},
    {"unknown_local_recipient_reject_code", offsetof(policy_t, unknown_local_recipient_reject_code)},
    {"unknown_virtual_alias_reject_code", offsetof(policy_t, unknown_virtual_alias_reject_code)},
    {"unknown_virtual_mailbox_reject_code", offsetof(policy_t, unknown_virtual_mailbox_reject_code)},
    {"unknown_relay_recipient_reject_code", offsetof(policy_t, unknown_relay_recipient_reject_code)},
    {"unknown_client_reject_code", offsetof(policy_t, unknown_client_reject_code)},
};

void policy_decision_init(policy_decision_t *d)
{
    memset(d, 0, sizeof(*d));
    buf_init(&d->text);
    buf_init(&d->reply);
    buf_init(&d->hold_reason);
    buf_init(&d->discard_reason);
}

void policy_decision_dispose(policy_decision_t *d)
{
    buf_dispose(&d->text);
    buf_dispose(&d->reply);
    buf_dispose(&d->hold_reason);
    buf_dispose(&d->discard_reason);
    for (size_t i = 0; i < d->prepend_count; i++)
        xfree(d->prepend[i]);
    xfree(d->prepend);
    memset(d, 0, sizeof(*d));
}

void policy_decision_reset(policy_decision_t *d)
{
    policy_decision_dispose(d);
    policy_decision_init(d);
}

/* --- building ------------------------------------------------------------ */

static int read_ints(policy_t *p, char **err)
{
    long v;

    for (size_t i = 0; i < sizeof(code_params) / sizeof(code_params[0]); i++) {
        if (cfg_try_int(code_params[i].param, &v, err) < 0)
            return -1;
        *(int *) (void *) ((char *) p + code_params[i].offset) = (int) v;
    }
    return 0;
}

static int read_bools(policy_t *p, char **err)
{
    if (cfg_try_bool("smtpd_delay_reject", &p->delay_reject, err) < 0
        || cfg_try_bool("smtpd_helo_required", &p->helo_required, err) < 0
        || cfg_try_bool("smtpd_reject_unlisted_recipient", &p->reject_unlisted_recipient, err) < 0
        || cfg_try_bool("smtpd_reject_unlisted_sender", &p->reject_unlisted_sender, err) < 0)
        return -1;
    return 0;
}

static int read_str(const char *name, const char **value, char **err)
{
    return cfg_try_str(name, value, err);
}

static bool mynetworks_is_default(void)
{
    int line;
    const char *raw = config_raw_value("mynetworks");
    const char *dflt = config_default_value("mynetworks");

    return config_file_value("mynetworks", &line) == NULL && raw != NULL && dflt != NULL
        && strcmp(raw, dflt) == 0;
}

static int read_mynetworks(policy_t *p, char **err)
{
    const char *value;

    if (mynetworks_is_default()) {
        if (read_str("mynetworks_style", &value, err) < 0)
            return -1;
        p->mynetworks = policy_networks_from_style(value, err);
    } else {
        if (read_str("mynetworks", &value, err) < 0)
            return -1;
        p->mynetworks = policy_networks_new(value, err);
    }
    return p->mynetworks != NULL ? 0 : -1;
}

static int read_maps(policy_t *p, const char *param, policy_maps_t *m, char **err)
{
    const char *value;
    char **words;

    if (read_str(param, &value, err) < 0)
        return -1;
    words = cfg_split_list(value);
    for (size_t i = 0; words[i] != NULL; i++) {
        if (strchr(words[i], ':') == NULL) {
            msg_warn("%s: \"%s\" is not a type:name table, ignored", param, words[i]);
            continue;
        }
        m->tables = array_grow(m->tables, m->count, m->count + 1, sizeof(*m->tables));
        m->tables[m->count++] = policy_table_get(p->cache, words[i]);
    }
    cfg_list_free(words);
    return 0;
}

static int read_classes(policy_t *p, buf_t *warnings, char **err)
{
    const char *value;
    char **names;
    size_t n = 0;

    if (read_str("smtpd_restriction_classes", &value, err) < 0)
        return -1;
    names = cfg_split_list(value);
    while (names[n] != NULL)
        n++;
    p->classes = xcalloc(n + 1, sizeof(*p->classes));
    for (size_t i = 0; i < n; i++)
        p->classes[i].name = xstrdup(names[i]);
    p->class_count = n;
    cfg_list_free(names);
    for (size_t i = 0; i < n; i++) {
        int rc = cfg_get(p->classes[i].name, &value, err);

        if (rc <= 0) {
            if (rc == 0) {
                buf_t b = BUF_INIT;
                buf_init(&b);
                buf_printf(&b, "restriction class \"%s\" needs a definition", p->classes[i].name);
                *err = buf_detach(&b);
            }
            return -1;
        }
        policy_list_parse(p, p->classes[i].name, value, &p->classes[i].list, warnings);
    }
    return 0;
}

static bool guards_relay(const restriction_list_t *list)
{
    for (size_t i = 0; i < list->count; i++) {
        switch (list->items[i].op) {
        case R_REJECT:
        case R_DEFER:
        case R_DEFER_IF_PERMIT:
        case R_REJECT_UNAUTH_DESTINATION:
        case R_DEFER_UNAUTH_DESTINATION:
            return true;
        default:
            break;
        }
    }
    return false;
}

static int read_lists(policy_t *p, buf_t *warnings, char **err)
{
    const char *value;

    for (int i = 0; i < POLICY_LIST_COUNT; i++) {
        if (read_str(list_params[i], &value, err) < 0)
            return -1;
        policy_list_parse(p, list_params[i], value, &p->lists[i], warnings);
    }
    if (!guards_relay(&p->lists[POLICY_LIST_RELAY])
        && !guards_relay(&p->lists[POLICY_LIST_RECIPIENT])) {
        *err = xstrdup("in parameter smtpd_relay_restrictions or smtpd_recipient_restrictions, "
                       "specify at least one working instance of: reject_unauth_destination, "
                       "defer_unauth_destination, reject, defer or defer_if_permit");
        return -1;
    }
    return 0;
}

static int read_access_options(policy_t *p, char **err)
{
    const char *value;
    char **words;

    if (read_str("parent_domain_matches_subdomains", &value, err) < 0)
        return -1;
    words = cfg_split_list(value);
    for (size_t i = 0; words[i] != NULL; i++)
        if (strcmp(words[i], "smtpd_access_maps") == 0)
            p->access_opts.parent_matches_subdomains = true;
    cfg_list_free(words);
    if (read_str("smtpd_null_access_lookup_key", &value, err) < 0)
        return -1;
    p->null_access_key = xstrdup(value);
    p->access_opts.null_sender_key = p->null_access_key;
    p->access_opts.recipient_delimiter = p->resolve->recipient_delimiter;
    return 0;
}

static void log_warnings(const buf_t *warnings)
{
    char *copy = xstrdup(warnings->data), *line, *save = NULL;

    for (line = strtok_r(copy, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
        msg_warn("%s", line);
    xfree(copy);
}

policy_t *policy_new(const resolve_config_t *resolve, char **err)
{
    policy_t *p = xcalloc(1, sizeof(*p));
    buf_t warnings = BUF_INIT;
    int rc;

    buf_init(&warnings);
    p->resolve = resolve;
    p->cache = xcalloc(1, sizeof(*p->cache));
    rc = (read_ints(p, err) < 0 || read_bools(p, err) < 0 || read_access_options(p, err) < 0
          || read_mynetworks(p, err) < 0
          || read_maps(p, "local_recipient_maps", &p->local_recipient_maps, err) < 0
          || read_maps(p, "virtual_alias_maps", &p->virtual_alias_maps, err) < 0
          || read_maps(p, "virtual_mailbox_maps", &p->virtual_mailbox_maps, err) < 0
          || read_maps(p, "relay_recipient_maps", &p->relay_recipient_maps, err) < 0
          || read_maps(p, "smtpd_sender_login_maps", &p->sender_login_maps, err) < 0
          || read_classes(p, &warnings, err) < 0 || read_lists(p, &warnings, err) < 0) ? -1 : 0;
    log_warnings(&warnings);
    buf_dispose(&warnings);
    if (rc < 0) {
        policy_free(p);
        return NULL;
    }
    return p;
}

static void maps_free(policy_maps_t *m)
{
    xfree(m->tables);
}

void policy_free(policy_t *p)
{
    if (p == NULL)
        return;
    for (int i = 0; i < POLICY_LIST_COUNT; i++)
        policy_list_free(&p->lists[i]);
    for (size_t i = 0; i < p->class_count; i++) {
        policy_list_free(&p->classes[i].list);
        xfree(p->classes[i].name);
    }
    xfree(p->classes);
    maps_free(&p->local_recipient_maps);
    maps_free(&p->virtual_alias_maps);
    maps_free(&p->virtual_mailbox_maps);
    maps_free(&p->relay_recipient_maps);
    maps_free(&p->sender_login_maps);
    policy_networks_free(p->mynetworks);
    policy_table_cache_free(p->cache);
    xfree(p->null_access_key);
    xfree(p);
}

bool policy_changed(const policy_t *p)
{
    for (size_t i = 0; i < p->cache->count; i++)
        if (p->cache->tables[i]->dict != NULL && dict_changed(p->cache->tables[i]->dict))
            return true;
    return policy_networks_changed(p->mynetworks);
}

int policy_mynetworks_match(const policy_t *p, const char *addr)
{
    char *err = NULL;
    int rc = policy_networks_match(p->mynetworks, addr, &err);

    if (rc < 0) {
        msg_warn("mynetworks: %s", err ? err : "lookup failed");
        xfree(err);
    }
    return rc;
}

/* --- evaluation per event ------------------------------------------------ */

static eval_result_t run(eval_ctx_t *c, policy_list_id_t id)
{
    return eval_list(c, id, &c->p->lists[id]);
}

static eval_result_t at_rcpt(eval_ctx_t *c)
{
    const policy_t *p = c->p;
    eval_result_t rc = EVAL_DUNNO;

    if (p->delay_reject) {
        static const policy_list_id_t early[] = {POLICY_LIST_CLIENT, POLICY_LIST_HELO,
                                                 POLICY_LIST_SENDER};
        for (size_t i = 0; i < 3; i++)
            if ((rc = run(c, early[i])) == EVAL_REFUSE)
                return rc;
    }
    if ((rc = run(c, POLICY_LIST_RELAY)) == EVAL_REFUSE)
        return rc;
    if ((rc = run(c, POLICY_LIST_RECIPIENT)) == EVAL_REFUSE)
        return rc;
    c->list = POLICY_LIST_RECIPIENT;
    if (p->reject_unlisted_sender && !c->sender_maps_checked
        && policy_check_unlisted(c, c->s->sender, true) == EVAL_REFUSE)
        return EVAL_REFUSE;
    if (p->reject_unlisted_recipient && !c->rcpt_maps_checked
        && policy_check_unlisted(c, c->s->recipient, false) == EVAL_REFUSE)
        return EVAL_REFUSE;
    return rc;
}

static eval_result_t at_event(eval_ctx_t *c)
{
    const policy_t *p = c->p;

    switch (c->event) {
    case POLICY_AT_CONNECT:
        return p->delay_reject ? EVAL_DUNNO : run(c, POLICY_LIST_CLIENT);
    case POLICY_AT_HELO:
        return p->delay_reject ? EVAL_DUNNO : run(c, POLICY_LIST_HELO);
    case POLICY_AT_MAIL:
        if (p->helo_required && c->s->helo_name == NULL) {
            c->list = POLICY_LIST_SENDER;
            return policy_fail(c, 503, "5.5.1", "Error: send HELO/EHLO first");
        }
        return p->delay_reject ? EVAL_DUNNO : run(c, POLICY_LIST_SENDER);
    case POLICY_AT_RCPT:
        return at_rcpt(c);
    case POLICY_AT_DATA:
        return run(c, POLICY_LIST_DATA);
    case POLICY_AT_END_OF_DATA:
        break;
    }
    return run(c, POLICY_LIST_END_OF_DATA);
}

policy_verdict_t policy_check(const policy_t *p, policy_event_t event,
                              const policy_session_t *s, policy_decision_t *d)
{
    eval_ctx_t c;

    policy_decision_reset(d);
    eval_ctx_init(&c, p, s, d, event);
    if (at_event(&c) != EVAL_REFUSE && c.dip.active) {
        d->verdict = c.dip.code >= 500 ? POLICY_REJECT : POLICY_DEFER;
        d->code = c.dip.code;
        memcpy(d->dsn, c.dip.dsn, sizeof(d->dsn));
        buf_set(&d->text, c.dip.text.data);
        buf_reset(&d->reply);
        buf_printf(&d->reply, "%d %s %s", d->code, d->dsn, d->text.data);
    }
    eval_ctx_dispose(&c);
    return d->verdict;
}
