/* policy_parse.c - turns a restriction list value ("permit_mynetworks,
 * check_sender_access hash:/etc/postern/access, reject") into an array of
 * restrictions, opening each table once through a shared cache. Names
 * Postern does not know, names it knows but does not implement (DNS
 * lookups, policy services) and a missing table argument become broken
 * entries: the list then answers 451 4.3.5 at run time. */
#include <fcntl.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "policy/policy_impl.h"
#include "util/array_grow.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/strutil.h"

static const struct {
    const char *name;
    restriction_op_t op;
    bool takes_table;
} known[] = {
    {"permit", R_PERMIT, false},
    {"reject", R_REJECT, false},
    {"defer", R_DEFER, false},
    {"warn_if_reject", R_WARN_IF_REJECT, false},
    {"defer_if_permit", R_DEFER_IF_PERMIT, false},
    {"defer_if_reject", R_DEFER_IF_REJECT, false},
    {"permit_mynetworks", R_PERMIT_MYNETWORKS, false},
    {"permit_sasl_authenticated", R_PERMIT_SASL_AUTHENTICATED, false},
    {"check_client_access", R_CHECK_CLIENT_ACCESS, true},
    {"check_helo_access", R_CHECK_HELO_ACCESS, true},
    {"check_sender_access", R_CHECK_SENDER_ACCESS, true},
    {"check_recipient_access", R_CHECK_RECIPIENT_ACCESS, true},
    {"reject_invalid_helo_hostname", R_REJECT_INVALID_HELO, false},
    {"reject_invalid_hostname", R_REJECT_INVALID_HELO, false},
    {"reject_non_fqdn_helo_hostname", R_REJECT_NON_FQDN_HELO, false},
    {"reject_non_fqdn_hostname", R_REJECT_NON_FQDN_HELO, false},
    {"reject_non_fqdn_sender", R_REJECT_NON_FQDN_SENDER, false},
    {"reject_non_fqdn_recipient", R_REJECT_NON_FQDN_RECIPIENT, false},
    {"reject_unauth_destination", R_REJECT_UNAUTH_DESTINATION, false},
    {"defer_unauth_destination", R_DEFER_UNAUTH_DESTINATION, false},
    {"permit_auth_destination", R_PERMIT_AUTH_DESTINATION, false},
    {"reject_unauth_pipelining", R_REJECT_UNAUTH_PIPELINING, false},
    {"reject_unlisted_recipient", R_REJECT_UNLISTED_RECIPIENT, false},
    {"check_recipient_maps", R_REJECT_UNLISTED_RECIPIENT, false},
    {"reject_unlisted_sender", R_REJECT_UNLISTED_SENDER, false},
    {"reject_unknown_client_hostname", R_REJECT_UNKNOWN_CLIENT, false},
    {"reject_unknown_client", R_REJECT_UNKNOWN_CLIENT, false},
    {"reject_unknown_reverse_client_hostname", R_REJECT_UNKNOWN_REVERSE_CLIENT, false},
    {"permit_inet_interfaces", R_PERMIT_INET_INTERFACES, false},
    {"reject_sender_login_mismatch", R_REJECT_SENDER_LOGIN_MISMATCH, false},
    {"reject_authenticated_sender_login_mismatch", R_REJECT_AUTH_SENDER_LOGIN_MISMATCH, false},
    {"reject_known_sender_login_mismatch", R_REJECT_KNOWN_SENDER_LOGIN_MISMATCH, false},
    {"reject_unauthenticated_sender_login_mismatch", R_REJECT_UNAUTH_SENDER_LOGIN_MISMATCH, false},
};

/* Postfix restrictions Postern does not implement (yet); those marked
 * take an argument, which is skipped so it is not reported on its own. */
static const struct {
    const char *name;
    bool takes_arg;
} absent[] = {
    {"reject_unknown_sender_domain", false},
    {"reject_unknown_recipient_domain", false},
    {"reject_unknown_helo_hostname", false},
    {"reject_unknown_hostname", false},
    {"reject_unverified_sender", false},
    {"reject_unverified_recipient", false},
    {"reject_rbl_client", true},
    {"reject_rhsbl_client", true},
    {"reject_rhsbl_reverse_client", true},
    {"reject_rhsbl_helo", true},
    {"reject_rhsbl_sender", true},
    {"reject_rhsbl_recipient", true},
    {"permit_dnswl_client", true},
    {"permit_rhswl_client", true},
    {"check_policy_service", true},
    {"check_client_mx_access", true},
    {"check_client_ns_access", true},
    {"check_client_a_access", true},
    {"check_reverse_client_hostname_access", true},
    {"check_reverse_client_hostname_mx_access", true},
    {"check_reverse_client_hostname_ns_access", true},
    {"check_reverse_client_hostname_a_access", true},
    {"check_helo_mx_access", true},
    {"check_helo_ns_access", true},
    {"check_helo_a_access", true},
    {"check_sender_mx_access", true},
    {"check_sender_ns_access", true},
    {"check_sender_a_access", true},
    {"check_recipient_mx_access", true},
    {"check_recipient_ns_access", true},
    {"check_recipient_a_access", true},
    {"check_ccert_access", true},
    {"check_sasl_access", true},
    {"permit_tls_clientcerts", false},
    {"permit_tls_all_clientcerts", false},
    {"reject_unlisted_sender_login_mismatch", false},
    {"permit_mx_backup", false},
    {"reject_plaintext_session", false},
    {"reject_multi_recipient_bounce", false},
    {"sleep", true},
};

int policy_restriction_op(const char *name, bool *takes_table)
{
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (strcasecmp(known[i].name, name) == 0) {
            *takes_table = known[i].takes_table;
            return (int) known[i].op;
        }
    }
    return -1;
}

long policy_class_find(const policy_t *p, const char *name)
{
    for (size_t i = 0; i < p->class_count; i++)
        if (strcmp(p->classes[i].name, name) == 0)
            return (long) i;
    return -1;
}

policy_table_t *policy_table_get(policy_table_cache_t *cache, const char *name)
{
    policy_table_t *t;
    char *err = NULL;

    while (strncmp(name, "proxy:", 6) == 0)
        name += 6;
    for (size_t i = 0; i < cache->count; i++)
        if (strcmp(cache->tables[i]->name, name) == 0)
            return cache->tables[i];
    t = xcalloc(1, sizeof(*t));
    t->name = xstrdup(name);
    if (cache->no_open)
        err = xstrdup("tables are not opened here");
    else
        t->dict = dict_open(name, O_RDONLY, DICT_FLAG_FOLD_KEYS, &err);
    if (t->dict == NULL) {
        t->error = err != NULL ? err : xstrdup("cannot open table");
        if (!cache->no_open)
            msg_warn("%s is unavailable: %s", name, t->error);
    }
    cache->tables = array_grow(cache->tables, cache->count, cache->count + 1,
                               sizeof(*cache->tables));
    cache->tables[cache->count++] = t;
    return t;
}

void policy_table_cache_free(policy_table_cache_t *cache)
{
    if (cache == NULL)
        return;
    for (size_t i = 0; i < cache->count; i++) {
        if (cache->tables[i]->dict != NULL)
            dict_close(cache->tables[i]->dict);
        xfree(cache->tables[i]->error);
        xfree(cache->tables[i]->name);
        xfree(cache->tables[i]);
    }
    xfree(cache->tables);
    xfree(cache);
}

static restriction_t *add_item(restriction_list_t *out, restriction_op_t op, const char *name)
{
    restriction_t *r;

    out->items = array_grow(out->items, out->count, out->count + 1, sizeof(*out->items));
    r = &out->items[out->count++];
    memset(r, 0, sizeof(*r));
    r->op = op;
    r->name = xstrdup(name);
    return r;
}

static void add_broken(restriction_list_t *out, const char *param, buf_t *warnings,
                       const char *fmt, const char *name)
{
    buf_t why = BUF_INIT;

    buf_init(&why);
    buf_printf(&why, fmt, name);
    if (warnings != NULL)
        buf_printf(warnings, "%s: %s\n", param, why.data);
    add_item(out, R_BROKEN, why.data);
    buf_dispose(&why);
}

/* Returns how many words were used (1 or 2). */
static size_t parse_word(const policy_t *p, const char *param, char **words, size_t i,
                         restriction_list_t *out, buf_t *warnings)
{
    const char *name = words[i];
    bool takes_table = false;
    int op = policy_restriction_op(name, &takes_table);
    long cls;

    if (op >= 0 && takes_table) {
        if (words[i + 1] == NULL || strchr(words[i + 1], ':') == NULL) {
            add_broken(out, param, warnings, "missing table name after \"%s\"", name);
            return 1;
        }
        add_item(out, (restriction_op_t) op, name)->table = policy_table_get(p->cache, words[i + 1]);
        return 2;
    }
    if (op >= 0) {
        add_item(out, (restriction_op_t) op, name);
        return 1;
    }
    if ((cls = policy_class_find(p, name)) >= 0) {
        add_item(out, R_CLASS, name)->class_index = (size_t) cls;
        return 1;
    }
    for (size_t k = 0; k < sizeof(absent) / sizeof(absent[0]); k++) {
        if (strcasecmp(absent[k].name, name) == 0) {
            add_broken(out, param, warnings,
                       "smtpd restriction \"%s\" is not implemented in Postern", name);
            return absent[k].takes_arg && words[i + 1] != NULL ? 2 : 1;
        }
    }
    add_broken(out, param, warnings, "unknown smtpd restriction: \"%s\"", name);
    return 1;
}

void policy_list_parse(const policy_t *p, const char *param, const char *value,
                       restriction_list_t *out, buf_t *warnings)
{
    char **words = cfg_split_list(value);

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; words[i] != NULL;)
        i += parse_word(p, param, words, i, out, warnings);
    cfg_list_free(words);
}

void policy_list_free(restriction_list_t *list)
{
    for (size_t i = 0; i < list->count; i++)
        xfree(list->items[i].name);
    xfree(list->items);
    list->items = NULL;
    list->count = 0;
}
