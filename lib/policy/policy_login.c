/* policy_login.c - the restrictions that compare the session's SASL
 * login with smtpd_sender_login_maps (reject_sender_login_mismatch and
 * its authenticated/unauthenticated/known variants), the client host
 * name checks that use what the SMTP engine already looked up
 * (reject_unknown_client_hostname, reject_unknown_reverse_client_hostname:
 * no DNS here), and permit_inet_interfaces. A lookup failure answers
 * 451 4.3.0; these restrictions without smtpd_sender_login_maps answer
 * 451 4.3.5 (configuration error). */
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "config/config.h"
#include "dict/dict_cidr.h"
#include "policy/policy_impl.h"
#include "util/mem.h"
#include "util/msg.h"

static bool known_name(const char *name)
{
    return name != NULL && *name != '\0' && strcasecmp(name, "unknown") != 0;
}

eval_result_t policy_check_client_name(eval_ctx_t *c, bool reverse)
{
    const policy_session_t *s = c->s;
    const char *addr = s->client_addr ? s->client_addr : "unknown";
    int code = s->client_name_tempfail ? 450 : c->p->unknown_client_reject_code;

    if (reverse) {
        const char *name = s->reverse_client_name ? s->reverse_client_name : s->client_name;

        if (known_name(name))
            return EVAL_DUNNO;
        return policy_refuse(c, code, "4.7.1",
                             "Client host rejected: cannot find your reverse hostname, [%s]", addr);
    }
    if (known_name(s->client_name) && s->client_name_verified)
        return EVAL_DUNNO;
    return policy_refuse(c, code, "4.7.25", "Client host rejected: cannot find your hostname, [%s]",
                         addr);
}

eval_result_t policy_check_inet_interfaces(eval_ctx_t *c)
{
    const char *const *list = c->p->resolve->local_addresses;
    struct cidr_net client, ours;

    if (c->s->client_addr == NULL || list == NULL
        || cidr_parse_address(c->s->client_addr, &client) < 0)
        return EVAL_DUNNO;
    for (size_t i = 0; list[i] != NULL; i++)
        if (cidr_parse_address(list[i], &ours) == 0 && ours.family == client.family
            && memcmp(ours.addr, client.addr, ours.family == AF_INET ? 4 : 16) == 0)
            return EVAL_PERMIT;
    return EVAL_DUNNO;
}

/* true when login is one of the owners (comma and/or blank separated). */
static bool owned_by(const char *owners, const char *login)
{
    char **names = cfg_split_list(owners);
    bool found = false;

    for (size_t i = 0; names[i] != NULL && !found; i++)
        found = strcasecmp(names[i], login) == 0;
    cfg_list_free(names);
    return found;
}

eval_result_t policy_check_sender_login(eval_ctx_t *c, bool check_authenticated,
                                        bool check_unauthenticated, bool known_only)
{
    const policy_session_t *s = c->s;
    bool authenticated = s->sasl_username != NULL && *s->sasl_username != '\0';
    buf_t owners = BUF_INIT;
    eval_result_t res = EVAL_DUNNO;
    int rc;

    if (s->sender == NULL || *s->sender == '\0')
        return EVAL_DUNNO;
    if (authenticated ? !check_authenticated : !check_unauthenticated)
        return EVAL_DUNNO;
    if (c->p->sender_login_maps.count == 0)
        return policy_config_error(c, "sender login restrictions need smtpd_sender_login_maps");
    buf_init(&owners);
    rc = policy_find_owner(c, s->sender, &owners, &res);
    if (rc >= 0) {
        if (authenticated && (rc > 0 ? !owned_by(owners.data, s->sasl_username) : !known_only))
            res = policy_refuse(c, 553, "5.7.1", "<%s>: Sender address rejected: not owned by user %s",
                                s->sender, s->sasl_username);
        else if (!authenticated && rc > 0)
            res = policy_refuse(c, 553, "5.7.1", "<%s>: Sender address rejected: not logged in",
                                s->sender);
    }
    buf_dispose(&owners);
    return res;
}
