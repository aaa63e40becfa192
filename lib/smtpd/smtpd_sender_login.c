/* smtpd_sender_login.c - which envelope senders belong to a login when no
 * smtpd_sender_login_maps is set (see smtpd_sender_login.h). */
#include "smtpd_sender_login.h"

#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "util/mem.h"

struct smtpd_sender_login {
    char **domains;
    size_t count;
};

static void add_domain(smtpd_sender_login_t *r, const char *d)
{
    if (d == NULL || d[0] == 0 || strchr(d, '/') != NULL || strchr(d, ':') != NULL)
        return;
    r->domains = xrealloc(r->domains, (r->count + 1) * sizeof(*r->domains));
    r->domains[r->count++] = xstrdup(d);
}

smtpd_sender_login_t *smtpd_sender_login_new(const char *const *domains)
{
    smtpd_sender_login_t *r = xcalloc(1, sizeof(*r));

    for (size_t i = 0; domains != NULL && domains[i] != NULL; i++)
        add_domain(r, domains[i]);
    return r;
}

smtpd_sender_login_t *smtpd_sender_login_from_config(void)
{
    const char *fixed[] = {cfg_str("myorigin"), cfg_str("mydomain"), cfg_str("myhostname"), NULL};
    smtpd_sender_login_t *r = smtpd_sender_login_new(fixed);
    char **dest = cfg_list("mydestination");

    for (size_t i = 0; dest[i] != NULL; i++)
        add_domain(r, dest[i]);
    cfg_list_free(dest);
    return r;
}

void smtpd_sender_login_free(smtpd_sender_login_t *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->count; i++)
        xfree(r->domains[i]);
    xfree(r->domains);
    xfree(r);
}

bool smtpd_sender_login_ok(const smtpd_sender_login_t *r, const char *login,
                           const char *sender)
{
    const char *at;
    size_t local_len;

    if (sender[0] == 0)
        return true;
    if (login == NULL || login[0] == 0)
        return false;
    if (strchr(login, '@') != NULL)
        return strcasecmp(login, sender) == 0;
    if ((at = strrchr(sender, '@')) == NULL)
        return false;
    local_len = (size_t) (at - sender);
    if (local_len != strlen(login) || strncasecmp(sender, login, local_len) != 0)
        return false;
    for (size_t i = 0; i < r->count; i++)
        if (strcasecmp(at + 1, r->domains[i]) == 0)
            return true;
    return false;
}
