/* policy_impl.h - the parsed form of the restriction lists and the
 * evaluation context shared by the files of lib/policy. Not for callers
 * outside lib/policy (tests and the fuzz target excepted). */
#ifndef POSTERN_POLICY_POLICY_IMPL_H
#define POSTERN_POLICY_POLICY_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "dict/access.h"
#include "dict/dict.h"
#include "policy/policy.h"
#include "policy/policy_access.h"
#include "policy/policy_networks.h"

typedef enum restriction_op {
    R_PERMIT,
    R_REJECT,
    R_DEFER,
    R_WARN_IF_REJECT,
    R_DEFER_IF_PERMIT,
    R_DEFER_IF_REJECT,
    R_PERMIT_MYNETWORKS,
    R_PERMIT_SASL_AUTHENTICATED,
    R_CHECK_CLIENT_ACCESS,
    R_CHECK_HELO_ACCESS,
    R_CHECK_SENDER_ACCESS,
    R_CHECK_RECIPIENT_ACCESS,
    R_REJECT_INVALID_HELO,
    R_REJECT_NON_FQDN_HELO,
    R_REJECT_NON_FQDN_SENDER,
    R_REJECT_NON_FQDN_RECIPIENT,
    R_REJECT_UNAUTH_DESTINATION,
    R_DEFER_UNAUTH_DESTINATION,
    R_PERMIT_AUTH_DESTINATION,
    R_REJECT_UNAUTH_PIPELINING,
    R_REJECT_UNLISTED_RECIPIENT,
    R_REJECT_UNLISTED_SENDER,
    R_REJECT_UNKNOWN_CLIENT,
    R_REJECT_UNKNOWN_REVERSE_CLIENT,
    R_PERMIT_INET_INTERFACES,
    R_REJECT_SENDER_LOGIN_MISMATCH,
    R_REJECT_AUTH_SENDER_LOGIN_MISMATCH,
    R_REJECT_KNOWN_SENDER_LOGIN_MISMATCH,
    R_REJECT_UNAUTH_SENDER_LOGIN_MISMATCH,
    R_CLASS,           /* a name from smtpd_restriction_classes */
    R_BROKEN,          /* unknown or malformed: 451 4.3.5 at run time */
} restriction_op_t;

/* An opened table, shared by every restriction that names it. dict is
 * NULL when the open failed (error says why). */
typedef struct policy_table {
    char *name;
    dict_t *dict;
    char *error;
} policy_table_t;

typedef struct restriction {
    restriction_op_t op;
    char *name;               /* as written; R_BROKEN: why */
    policy_table_t *table;    /* check_*_access */
    size_t class_index;       /* R_CLASS */
} restriction_t;

typedef struct restriction_list {
    restriction_t *items;
    size_t count;
} restriction_list_t;

typedef struct restriction_class {
    char *name;
    restriction_list_t list;
} restriction_class_t;

typedef struct policy_table_cache {
    policy_table_t **tables;
    size_t count;
    bool no_open;         /* fuzz target: never open a table */
} policy_table_cache_t;

/* The tables of a *_maps parameter, searched in order. */
typedef struct policy_maps {
    policy_table_t **tables;
    size_t count;
} policy_maps_t;

struct policy {
    const resolve_config_t *resolve;
    restriction_list_t lists[POLICY_LIST_COUNT];
    restriction_class_t *classes;
    size_t class_count;
    policy_table_cache_t *cache;    /* every table opened (mutable: a
                                     * table result may name a new one) */
    policy_networks_t *mynetworks;
    policy_maps_t local_recipient_maps;
    policy_maps_t virtual_alias_maps;
    policy_maps_t virtual_mailbox_maps;
    policy_maps_t relay_recipient_maps;
    policy_maps_t sender_login_maps;
    struct access_options access_opts;
    char *null_access_key;
    bool delay_reject;
    bool helo_required;
    bool reject_unlisted_recipient;
    bool reject_unlisted_sender;
    int reject_code, defer_code;
    int access_map_reject_code, access_map_defer_code;
    int relay_domains_reject_code;
    int non_fqdn_reject_code, invalid_hostname_reject_code;
    int unknown_local_recipient_reject_code;
    int unknown_virtual_alias_reject_code;
    int unknown_virtual_mailbox_reject_code;
    int unknown_relay_recipient_reject_code;
    int unknown_client_reject_code;
};

/* --- policy_parse.c ------------------------------------------------------ */

/* Looks a table up in the cache, opening it (read-only, folded keys)
 * when new; a "proxy:" prefix is dropped (Postern has no proxymap).
 * Never NULL; a failed open gives a table with dict NULL. */
policy_table_t *policy_table_get(policy_table_cache_t *cache, const char *name);
void policy_table_cache_free(policy_table_cache_t *cache);
/* Parses a restriction list value. Unknown names become R_BROKEN
 * entries (name holds the warning text) and are reported through
 * warnings (one line each, appended; may be NULL). param names the
 * parameter for the warnings. */
void policy_list_parse(const policy_t *p, const char *param, const char *value,
                       restriction_list_t *out, buf_t *warnings);
void policy_list_free(restriction_list_t *list);
/* The restriction name table, for the fuzz target: returns the op of a
 * known name, -1 when unknown; *takes_table: needs a type:name argument. */
int policy_restriction_op(const char *name, bool *takes_table);
/* Index of a restriction class by name, or -1. */
long policy_class_find(const policy_t *p, const char *name);

/* --- policy_eval.c ------------------------------------------------------- */

typedef enum { EVAL_DUNNO, EVAL_PERMIT, EVAL_REFUSE } eval_result_t;

/* A deferral remembered by defer_if_permit / defer_if_reject. */
struct saved_reply {
    bool active;
    int code;
    char dsn[16];
    buf_t text;
};

typedef struct eval_ctx {
    const policy_t *p;
    const policy_session_t *s;
    policy_decision_t *d;
    policy_event_t event;
    policy_list_id_t list;    /* the list being evaluated (reply class) */
    bool warn_if_reject;      /* the next restriction only warns */
    struct saved_reply dir;   /* a later reject answers this instead */
    struct saved_reply dip;   /* a final permit answers this instead */
    bool rcpt_maps_checked;
    bool sender_maps_checked;
    int depth;
} eval_ctx_t;

void eval_ctx_init(eval_ctx_t *c, const policy_t *p, const policy_session_t *s,
                   policy_decision_t *d, policy_event_t event);
void eval_ctx_dispose(eval_ctx_t *c);
eval_result_t eval_list(eval_ctx_t *c, policy_list_id_t id, const restriction_list_t *list);

/* --- policy_reply.c ------------------------------------------------------ */

/* The name shown in a reply for the list being evaluated ("name[addr]",
 * the helo name, the address ...) and the class ("Client host" ...). */
const char *policy_reply_name(const eval_ctx_t *c, buf_t *scratch);
const char *policy_reply_class(policy_list_id_t id);
/* Refuses with code, dsn and text (printf), honouring warn_if_reject
 * (log only: returns EVAL_DUNNO) and defer_if_reject. */
eval_result_t policy_refuse(eval_ctx_t *c, int code, const char *dsn,
                            const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The same for errors that warn_if_reject and defer_if_reject leave
 * alone (configuration and table failures). */
eval_result_t policy_fail(eval_ctx_t *c, int code, const char *dsn,
                          const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* 451 4.3.5 Server configuration error, with a warning naming why. */
eval_result_t policy_config_error(eval_ctx_t *c, const char *why);
/* Fixes an enhanced status code for the reply class (Postfix's rules:
 * sender/recipient address codes swapped, address codes in non-address
 * replies become X.0.0) and makes its class digit match code. */
void policy_fix_dsn(char *dsn, size_t size, int code, policy_list_id_t id);
/* Logs a non-refusal event (warn, hold, discard) in Postfix's shape. */
void policy_log_event(const eval_ctx_t *c, const char *what, const char *text);

/* --- policy_rcpt.c ------------------------------------------------------- */

/* Unquotes an address as written in MAIL/RCPT ("\"a@b\"@c" -> "a@b@c"). */
void policy_unquote_address(const char *addr, buf_t *out);
eval_result_t policy_check_unauth_destination(eval_ctx_t *c, bool defer, bool permit_mode);
eval_result_t policy_check_unlisted(eval_ctx_t *c, const char *addr, bool sender);

/* Looks the sender up in smtpd_sender_login_maps: 1 with the owners,
 * 0 none, -1 after answering 451 (*res set). */
int policy_find_owner(eval_ctx_t *c, const char *sender, buf_t *owners, eval_result_t *res);

/* --- policy_login.c ------------------------------------------------------ */

eval_result_t policy_check_client_name(eval_ctx_t *c, bool reverse);
eval_result_t policy_check_inet_interfaces(eval_ctx_t *c);
eval_result_t policy_check_sender_login(eval_ctx_t *c, bool check_authenticated,
                                        bool check_unauthenticated, bool known_only);

/* --- policy_hostname.c --------------------------------------------------- */

bool policy_valid_hostname(const char *name);
bool policy_valid_address_literal(const char *name);  /* [addr] or addr */
bool policy_fqdn_hostname(const char *name);
bool policy_fqdn_address(const char *addr);             /* unquoted form */

#endif
