/* sasl_glue.c - password lookup, mechanism filter and the libsasl2
 * client behind SMTP AUTH (see sasl_glue.h). */
#include "smtp/sasl_glue.h"
#include "config/config.h"
#include "sasl/xsasl_client.h"
#include "smtp_client/smtpc_auth.h"
#include "util/errstr.h"
#include "util/mem.h"

#include <fcntl.h>
#include <string.h>
#include <strings.h>

int smtp_sasl_load(smtp_sasl_t *s, char **err)
{
    char **names;

    memset(s, 0, sizeof(*s));
    s->enabled = cfg_bool("smtp_sasl_auth_enable");
    s->mech_filter = cfg_list("smtp_sasl_mechanism_filter");
    if (!s->enabled)
        return 0;
    if (xsasl_client_init(err) < 0
        || xsasl_client_security_flags(cfg_str("smtp_sasl_security_options"),
                                       &s->sec_flags, err) < 0
        || xsasl_client_security_flags(cfg_str("smtp_sasl_tls_security_options"),
                                       &s->tls_sec_flags, err) < 0)
        return -1;
    names = cfg_list("smtp_sasl_password_maps");
    for (size_t i = 0; names[i]; i++) {
        char *why = NULL;
        dict_t *d = dict_open(names[i], O_RDONLY, DICT_FLAG_FOLD_KEYS, &why);

        if (d == NULL) {
            errstr_set(err, "smtp_sasl_password_maps: %s", why ? why : names[i]);
            xfree(why);
            cfg_list_free(names);
            return -1;
        }
        s->maps = xrealloc(s->maps, (s->map_count + 1) * sizeof(*s->maps));
        s->maps[s->map_count++] = d;
    }
    cfg_list_free(names);
    return 0;
}

void smtp_sasl_dispose(smtp_sasl_t *s)
{
    for (size_t i = 0; i < s->map_count; i++)
        dict_close(s->maps[i]);
    xfree(s->maps);
    cfg_list_free(s->mech_filter);
    memset(s, 0, sizeof(*s));
}

/* Looks key up in the maps: 1 found, 0 not, -1 error. */
static int lookup(const smtp_sasl_t *s, const char *key, buf_t *value, char **err)
{
    for (size_t i = 0; i < s->map_count; i++) {
        int rc = dict_lookup(s->maps[i], key, value, err);

        if (rc != DICT_NOTFOUND)
            return rc == DICT_FOUND ? 1 : -1;
    }
    return 0;
}

/* The next hop's domain: "[relay.example]:587" -> "relay.example". */
static char *nexthop_domain(const char *nexthop)
{
    const char *p = nexthop[0] == '[' ? nexthop + 1 : nexthop;
    size_t n = strcspn(p, nexthop[0] == '[' ? "]" : ":");

    return xstrndup(p, n);
}

static int find_password(const smtp_sasl_t *s, const char *nexthop, const char *host,
                         buf_t *value, char **err)
{
    char *domain = nexthop_domain(nexthop);
    const char *keys[] = {host, nexthop, domain};   /* Postfix: host, then next hop */
    int rc = 0;

    for (size_t i = 0; i < 3 && rc == 0; i++)
        if (i == 0 || (strcasecmp(keys[i], keys[0]) != 0
                       && (i < 2 || strcasecmp(keys[i], keys[1]) != 0)))
            rc = lookup(s, keys[i], value, err);
    xfree(domain);
    return rc;
}

/* The server's mechanisms that pass the filter, space-separated. */
static void filter_mechs(const smtp_sasl_t *s, const char *offered, buf_t *out)
{
    const char *p = offered;

    buf_set(out, "");
    while (*p) {
        size_t n = strcspn(p, " ");
        bool pass = s->mech_filter[0] == NULL;

        for (size_t i = 0; !pass && s->mech_filter[i]; i++)
            pass = strlen(s->mech_filter[i]) == n && strncasecmp(s->mech_filter[i], p, n) == 0;
        if (pass && n > 0) {
            if (out->len)
                buf_putc(out, ' ');
            buf_append(out, p, n);
        }
        p += n;
        p += strspn(p, " ");
    }
}

static int ops_first(void *ctx, const char *mechs, const char **mech, buf_t *initial,
                     bool *has_initial, char **err)
{
    return xsasl_client_first(ctx, mechs, mech, initial, has_initial, err);
}

static int ops_next(void *ctx, const char *challenge, size_t len, buf_t *response,
                    char **err)
{
    return xsasl_client_next(ctx, challenge, len, response, err);
}

static const smtpc_sasl_ops_t ops = {ops_first, ops_next};

int smtp_sasl_authenticate(const smtp_sasl_t *s, smtpc_session_t *ss, const char *nexthop,
                           const char *server_host, smtpc_outcome_t *out)
{
    buf_t value = BUF_INIT, mechs = BUF_INIT;
    xsasl_client_t *c = NULL;
    char *err = NULL, *colon;
    int rc = 0;

    if (!s->enabled || !(ss->ext.flags & SMTP_EXT_AUTH))
        return 0;
    switch (find_password(s, nexthop, server_host, &value, &err)) {
    case 0:
        goto done;
    case -1:
        smtpc_outcome_set(out, "4.3.0", "smtp_sasl_password_maps lookup error: %s",
                          err ? err : "unknown error");
        rc = -1;
        goto done;
    }
    filter_mechs(s, ss->ext.auth_mechs.data ? ss->ext.auth_mechs.data : "", &mechs);
    colon = strchr(value.data, ':');
    if (colon)
        *colon = '\0';
    c = xsasl_client_new(server_host, value.data, colon ? colon + 1 : "",
                         ss->tls ? s->tls_sec_flags : s->sec_flags, &err);
    if (c == NULL) {
        smtpc_outcome_set(out, "4.7.0", "SASL authentication failed; cannot authenticate "
                          "to server %s: %s", ss->name, err ? err : "unknown error");
        out->try_next = true;
        rc = -1;
        goto done;
    }
    rc = smtpc_session_auth(ss, mechs.data, &ops, c, out);
done:
    xsasl_client_free(c);
    if (value.data)
        memset(value.data, 0, value.len);
    buf_dispose(&value);
    buf_dispose(&mechs);
    xfree(err);
    return rc;
}
