/* auth_sasl.c - libsasl2 server glue of the auth service (see
 * auth_sasl.h): global init with our callbacks and auxprop plugin, the
 * announced mechanism list, and one sasl_conn_t per authentication. */
#include <stdio.h>
#include <string.h>

#include <sasl/sasl.h>
#include <sasl/saslplug.h>
#include <sasl/saslutil.h>

#include "auth/auth_sasl.h"
#include "util/errstr.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/strutil.h"

#define PLUGIN_NAME "postern"

struct mech_info {
    const char *name;
    const char *flags;      /* Dovecot protocol MECH flags */
    bool needs_secret;      /* needs the password itself */
};

static const struct mech_info mechs[] = {
    {"PLAIN", "plaintext", false},
    {"LOGIN", "plaintext", false},
    {"CRAM-MD5", "dictionary\tactive", true},
    {"SCRAM-SHA-1", "mutual-auth\tdictionary", true},
    {"SCRAM-SHA-256", "mutual-auth\tdictionary", true},
};

#define MECH_COUNT (sizeof(mechs) / sizeof(mechs[0]))

struct auth_sasl_session {
    sasl_conn_t *conn;
    char *tried_user;
    char *user;
};

static passdb_t *passdb;
static char *server_fqdn;               /* NULL would make libsasl2 ask DNS */
static bool wanted_mech[MECH_COUNT];
static bool available_mech[MECH_COUNT];
static char *mech_list_option;
static auth_sasl_session_t *current;    /* the session inside a step */

static void remember_user(const char *user)
{
    if (current == NULL || user == NULL)
        return;
    xfree(current->tried_user);
    current->tried_user = xstrdup(user);
}

static int on_log(void *context, int level, const char *message)
{
    (void) context;
    if (level <= SASL_LOG_ERR)
        msg_warn("SASL: %s", message);
    else if (msg_verbose)
        msg_info("SASL: %s", message);
    return SASL_OK;
}

static int on_getopt(void *context, const char *plugin, const char *option,
                     const char **result, unsigned *len)
{
    const char *value = NULL;

    (void) context;
    (void) plugin;
    if (strcmp(option, "auxprop_plugin") == 0)
        value = PLUGIN_NAME;
    else if (strcmp(option, "pwcheck_method") == 0)
        value = "auxprop";
    else if (strcmp(option, "mech_list") == 0)
        value = mech_list_option;
    else if (strcmp(option, "log_level") == 0)
        value = msg_verbose > 1 ? "5" : "1";
    if (value == NULL)
        return SASL_FAIL;
    *result = value;
    if (len != NULL)
        *len = (unsigned) strlen(value);
    return SASL_OK;
}

static int on_checkpass(sasl_conn_t *conn, void *context, const char *user,
                        const char *pass, unsigned passlen,
                        struct propctx *propctx)
{
    (void) conn;
    (void) context;
    (void) propctx;
    remember_user(user);
    return passdb_verify(passdb, user, pass, passlen) == 1 ? SASL_OK : SASL_BADAUTH;
}

/* The auxprop plugin: the {PLAIN} password as userPassword. */
static int auxprop_lookup(void *glob, sasl_server_params_t *sparams,
                          unsigned flags, const char *user, unsigned ulen)
{
    const struct propval *props;
    const struct passwd_entry *e;
    char *name;

    (void) glob;
    if (flags & SASL_AUXPROP_AUTHZID)
        return SASL_OK;
    name = xstrndup(user, ulen);
    remember_user(name);
    e = passdb_lookup(passdb, name);
    xfree(name);
    if (e == NULL)
        return SASL_NOUSER;
    if (e->scheme != PW_SCHEME_PLAIN)
        return SASL_OK;
    props = sparams->utils->prop_get(sparams->propctx);
    for (; props != NULL && props->name != NULL; props++) {
        if (strcmp(props->name, SASL_AUX_PASSWORD) != 0)
            continue;
        if (props->values != NULL) {
            if (!(flags & SASL_AUXPROP_OVERRIDE))
                continue;
            sparams->utils->prop_erase(sparams->propctx, props->name);
        }
        sparams->utils->prop_set(sparams->propctx, props->name, e->hash,
                                 (int) strlen(e->hash));
    }
    return SASL_OK;
}

static sasl_auxprop_plug_t auxprop_plugin = {
    0, 0, NULL, NULL, auxprop_lookup, (char *) PLUGIN_NAME, NULL,
};

static int auxprop_init(const sasl_utils_t *utils, int max_version,
                        int *out_version, sasl_auxprop_plug_t **plug,
                        const char *plugname)
{
    (void) utils;
    (void) plugname;
    if (max_version < SASL_AUXPROP_PLUG_VERSION)
        return SASL_BADVERS;
    *out_version = SASL_AUXPROP_PLUG_VERSION;
    *plug = &auxprop_plugin;
    return SASL_OK;
}

/* libsasl2 stores every callback as int (*)(void); going through
 * void (*)(void) is the cast compilers accept for that. */
#define SASL_CB_FN(fn) ((sasl_callback_ft) (void (*)(void)) (fn))

static const sasl_callback_t callbacks[] = {
    {SASL_CB_LOG, SASL_CB_FN(on_log), NULL},
    {SASL_CB_GETOPT, SASL_CB_FN(on_getopt), NULL},
    {SASL_CB_SERVER_USERDB_CHECKPASS, SASL_CB_FN(on_checkpass), NULL},
    {SASL_CB_LIST_END, NULL, NULL},
};

static int mech_index(const char *name)
{
    for (size_t i = 0; i < MECH_COUNT; i++)
        if (str_case_eq(mechs[i].name, name))
            return (int) i;
    return -1;
}

static void choose_wanted(char **wanted)
{
    buf_t list = BUF_INIT;

    buf_init(&list);
    for (size_t i = 0; wanted[i] != NULL; i++) {
        int m = mech_index(wanted[i]);

        if (m < 0) {
            msg_warn("auth_mechanisms: unsupported mechanism %s ignored", wanted[i]);
            continue;
        }
        wanted_mech[m] = true;
        buf_printf(&list, "%s%s", list.len ? " " : "", mechs[m].name);
    }
    xfree(mech_list_option);
    mech_list_option = buf_detach(&list);
}

/* Which wanted mechanisms libsasl2 actually has. */
static int find_available(char **err)
{
    const char *list = NULL;
    bool any = false;
    sasl_conn_t *conn = NULL;

    if (sasl_server_new("postern", server_fqdn, NULL, NULL, NULL, NULL, 0, &conn) != SASL_OK
        || sasl_listmech(conn, NULL, " ", " ", " ", &list, NULL, NULL) != SASL_OK) {
        if (conn != NULL)
            sasl_dispose(&conn);
        errstr_set(err, "libsasl2 has none of the mechanisms in auth_mechanisms"
                   " (is libsasl2-modules installed?)");
        return -1;
    }
    for (size_t i = 0; i < MECH_COUNT; i++) {
        char word[64];

        snprintf(word, sizeof(word), " %s ", mechs[i].name);
        available_mech[i] = wanted_mech[i] && strstr(list, word) != NULL;
        if (wanted_mech[i] && !available_mech[i])
            msg_warn("SASL mechanism %s is not available in libsasl2", mechs[i].name);
        any |= available_mech[i];
    }
    sasl_dispose(&conn);
    if (!any) {
        errstr_set(err, "libsasl2 has none of the mechanisms in auth_mechanisms");
        return -1;
    }
    return 0;
}

int auth_sasl_init(passdb_t *db, const char *hostname, char **wanted,
                   char **err)
{
    int rc;

    passdb = db;
    xfree(server_fqdn);
    server_fqdn = xstrdup(hostname);
    choose_wanted(wanted);
    if (mech_list_option[0] == '\0') {
        errstr_set(err, "auth_mechanisms names no supported mechanism");
        return -1;
    }
    rc = sasl_auxprop_add_plugin(PLUGIN_NAME, auxprop_init);
    if (rc != SASL_OK) {
        errstr_set(err, "sasl_auxprop_add_plugin: %s", sasl_errstring(rc, NULL, NULL));
        return -1;
    }
    rc = sasl_server_init(callbacks, "postern-auth");
    if (rc != SASL_OK) {
        errstr_set(err, "sasl_server_init: %s", sasl_errstring(rc, NULL, NULL));
        return -1;
    }
    return find_available(err);
}

void auth_sasl_done(void)
{
    sasl_server_done();
    xfree(mech_list_option);
    mech_list_option = NULL;
    xfree(server_fqdn);
    server_fqdn = NULL;
}

static bool servable(size_t i)
{
    if (!available_mech[i])
        return false;
    return !mechs[i].needs_secret || passdb_plain_count(passdb) > 0;
}

void auth_sasl_announce(buf_t *out)
{
    passdb_refresh(passdb);
    for (size_t i = 0; i < MECH_COUNT; i++)
        if (servable(i))
            buf_printf(out, "MECH\t%s\t%s\n", mechs[i].name, mechs[i].flags);
}

bool auth_sasl_offered(const char *mech, const char **canonical)
{
    int m = mech_index(mech);

    if (m < 0 || !servable((size_t) m))
        return false;
    *canonical = mechs[m].name;
    return true;
}

/* A service name as given by the client, if it looks like one. */
static const char *service_name(const char *service)
{
    size_t n = strlen(service);

    if (n == 0 || n > 32 || strspn(service, "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
        return "smtp";
    return service;
}

auth_sasl_session_t *auth_sasl_new(const char *service, char **err)
{
    auth_sasl_session_t *s = xcalloc(1, sizeof(*s));
    sasl_security_properties_t props;
    int rc;

    rc = sasl_server_new(service_name(service), server_fqdn, NULL, NULL, NULL, NULL, 0,
                         &s->conn);
    if (rc != SASL_OK) {
        errstr_set(err, "sasl_server_new: %s", sasl_errstring(rc, NULL, NULL));
        xfree(s);
        return NULL;
    }
    memset(&props, 0, sizeof(props));
    props.security_flags = SASL_SEC_NOANONYMOUS;
    rc = sasl_setprop(s->conn, SASL_SEC_PROPS, &props);
    if (rc != SASL_OK) {
        errstr_set(err, "sasl_setprop: %s", sasl_errstring(rc, NULL, NULL));
        auth_sasl_free(s);
        return NULL;
    }
    return s;
}

void auth_sasl_free(auth_sasl_session_t *s)
{
    if (s == NULL)
        return;
    sasl_dispose(&s->conn);
    xfree(s->tried_user);
    xfree(s->user);
    xfree(s);
}

static auth_sasl_result_t finish_step(auth_sasl_session_t *s, int rc,
                                      const char *out, unsigned outlen,
                                      buf_t *challenge, const char **reason)
{
    const void *user = NULL;

    current = NULL;
    buf_reset(challenge);
    if (rc == SASL_CONTINUE) {
        buf_append(challenge, out, outlen);
        return AUTH_SASL_CONTINUE;
    }
    if (rc == SASL_OK && sasl_getprop(s->conn, SASL_USERNAME, &user) == SASL_OK
        && user != NULL) {
        xfree(s->user);
        s->user = xstrdup(user);
        return AUTH_SASL_OK;
    }
    if (msg_verbose)
        msg_info("SASL step: %s", sasl_errdetail(s->conn));
    *reason = rc == SASL_BADPROT || rc == SASL_BADPARAM
        ? "Invalid authentication data" : "Authentication failed";
    return AUTH_SASL_FAIL;
}

auth_sasl_result_t auth_sasl_start(auth_sasl_session_t *s, const char *mech,
                                   const char *initial, size_t len,
                                   buf_t *challenge, const char **reason)
{
    const char *out = NULL;
    unsigned outlen = 0;
    int rc;

    current = s;
    rc = sasl_server_start(s->conn, mech, initial, (unsigned) len, &out, &outlen);
    return finish_step(s, rc, out, outlen, challenge, reason);
}

auth_sasl_result_t auth_sasl_step(auth_sasl_session_t *s, const char *in,
                                  size_t len, buf_t *challenge,
                                  const char **reason)
{
    const char *out = NULL;
    unsigned outlen = 0;
    int rc;

    current = s;
    rc = sasl_server_step(s->conn, in, (unsigned) len, &out, &outlen);
    return finish_step(s, rc, out, outlen, challenge, reason);
}

const char *auth_sasl_user(const auth_sasl_session_t *s)
{
    return s->user ? s->user : s->tried_user;
}

int auth_base64_decode(const char *in, size_t len, buf_t *out)
{
    unsigned outlen = 0;
    size_t room = len / 4 * 3 + 3;

    buf_reset(out);
    buf_reserve(out, room + 1);
    if (len == 0)
        return 0;
    if (sasl_decode64(in, (unsigned) len, out->data, (unsigned) room + 1, &outlen) != SASL_OK)
        return -1;
    buf_truncate(out, 0);
    out->len = outlen;
    out->data[outlen] = '\0';
    return 0;
}

void auth_base64_encode(const char *in, size_t len, buf_t *out)
{
    unsigned outlen = 0;
    size_t room = (len + 2) / 3 * 4 + 1;

    buf_reserve(out, room);
    if (sasl_encode64(in, (unsigned) len, out->data + out->len, (unsigned) room, &outlen) != SASL_OK)
        msg_panic("sasl_encode64: output buffer too small");
    out->len += outlen;
    out->data[out->len] = '\0';
}
