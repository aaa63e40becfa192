/* auth_main.c - the auth daemon: the server side of the Dovecot
 * authentication client protocol on a master.cf unix service
 * (private/auth), for smtpd (smtpd_sasl_type = dovecot) and later pop3d
 * and imapd. SERVER_EVENT: one process serves many clients from the
 * event loop; failed logins wait auth_failure_delay on a timer, not in a
 * sleep. A password hash is computed inline (a few ms for SHA512-CRYPT,
 * tens of ms for bcrypt/yescrypt), which delays this process's other
 * clients by that much; master.cf's maxproc lets master start further
 * auth processes while every one has clients, which spreads them out.
 *
 * Parameters (Postern extensions): auth_passwd_file, auth_mechanisms,
 * auth_failure_delay. An unreadable passwd-file at start or no usable
 * mechanism is fatal. */
#include "auth/auth_client.h"
#include "auth/auth_sasl.h"
#include "config/config.h"
#include "passdb/passdb.h"
#include "server/server.h"
#include "util/mem.h"
#include "util/msg.h"

static passdb_t *passdb;

static void auth_post_init(const struct server_context *ctx)
{
    struct auth_client_settings settings;
    char **mechanisms;
    char *err = NULL;

    (void) ctx;
    passdb = passdb_open(cfg_str("auth_passwd_file"), &err);
    if (passdb == NULL)
        msg_fatal("%s", err);
    mechanisms = cfg_list("auth_mechanisms");
    if (auth_sasl_init(passdb, cfg_str("myhostname"), mechanisms, &err) < 0)
        msg_fatal("%s", err);
    cfg_list_free(mechanisms);
    settings.failure_delay_ms = cfg_time("auth_failure_delay") * 1000;
    auth_client_configure(&settings);
}

static void auth_service(int fd, const struct server_context *ctx)
{
    (void) ctx;
    auth_client_start(fd);
}

static void auth_pre_exit(const struct server_context *ctx)
{
    (void) ctx;
    auth_sasl_done();
    passdb_close(passdb);
    passdb = NULL;
}

int main(int argc, char **argv)
{
    struct server_callbacks cb = {0};

    cb.kind = SERVER_EVENT;
    cb.post_init = auth_post_init;
    cb.service = auth_service;
    cb.pre_exit = auth_pre_exit;
    return server_main(argc, argv, &cb);
}
