/* smtpd_daemon.c - the body of the smtpd(8) daemon, shared with the
 * programs that serve SMTP the same way (submission): master hands it SMTP
 * connections (SERVER_SINGLE); each one runs the session engine (smtpd_session.h)
 * with the glue sink (smtpd_glue.h) that checks the access policy and
 * queues through cleanup. The configuration (smtpd_* parameters, the
 * restriction lists, mynetworks, the recipient classifier) is read once,
 * after privileges are dropped; a broken configuration is fatal, a table
 * that changed on disk makes the process retire after its client. */
#include <limits.h>
#include <string.h>

#include "config/config.h"
#include "mail/resolve_dict.h"
#include "mail/resolve_setup.h"
#include "policy/policy.h"
#include "queue/queue.h"
#include "queue/queue_config.h"
#include "server/server.h"
#include "smtpd_anvil.h"
#include "smtpd_client.h"
#include "smtpd_daemon.h"
#include "smtpd_glue.h"
#include "smtpd_sasl_setup.h"
#include "smtpd_session.h"
#include "smtpd_tls_setup.h"
#include "smtpd_submission.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/stream.h"

static smtpd_config_t session_cfg;
static smtpd_glue_config_t glue_cfg;
static resolve_setup_t *resolve;
static policy_t *policy;
static queue_t *queue;
static char *cleanup_path;
static bool peername_lookup;
static smtpd_sasl_t *sasl;
static const smtpd_profile_t *profile;
static smtpd_sender_login_t *sender_rule;

static unsigned cfg_count(const char *name)
{
    long v = cfg_int(name);

    return v <= 0 ? 0 : v > (long) UINT_MAX ? UINT_MAX : (unsigned) v;
}

static int ms_from_seconds(long seconds)
{
    return seconds > INT_MAX / 1000 ? INT_MAX : (int) (seconds * 1000);
}

static void read_session_config(void)
{
    long long size = cfg_size("message_size_limit");
    long line_limit = cfg_int("line_length_limit");

    smtpd_config_defaults(&session_cfg);
    session_cfg.myhostname = cfg_str("myhostname");
    session_cfg.banner = cfg_str("smtpd_banner");
    session_cfg.message_size_limit = size > 0 ? (uint64_t) size : 0;
    session_cfg.recipient_limit = cfg_count("smtpd_recipient_limit");
    session_cfg.soft_error_limit = cfg_count("smtpd_soft_error_limit");
    session_cfg.hard_error_limit = cfg_count("smtpd_hard_error_limit");
    session_cfg.error_sleep_ms = ms_from_seconds(cfg_time("smtpd_error_sleep_time"));
    session_cfg.disable_vrfy = cfg_bool("disable_vrfy_command");
    session_cfg.helo_required = cfg_bool("smtpd_helo_required");
    session_cfg.strict_rfc821_envelopes = cfg_bool("strict_rfc821_envelopes");
    session_cfg.forbid_unauth_pipelining = cfg_bool("smtpd_forbid_unauth_pipelining");
    if (smtp_bare_lf_parse(cfg_str("smtpd_forbid_bare_newline"), &session_cfg.bare_lf) < 0)
        msg_fatal("bad smtpd_forbid_bare_newline value: %s", cfg_str("smtpd_forbid_bare_newline"));
    if (line_limit > 0)
        session_cfg.line_limit = (size_t) line_limit;
    session_cfg.timeout_ms = ms_from_seconds(cfg_time("smtpd_timeout"));
    peername_lookup = cfg_bool("smtpd_peername_lookup");
    session_cfg.tls_auth_only = cfg_bool("smtpd_tls_auth_only");
    session_cfg.broken_sasl_auth_clients = cfg_bool("broken_sasl_auth_clients");
    session_cfg.sasl_response_limit = cfg_count("smtpd_sasl_response_limit");
}

/* Each wait on the authentication server: ipc_timeout, but never
 * longer than the client may wait for us (smtpd_timeout). */
static int sasl_timeout_ms(void)
{
    long ipc = cfg_time("ipc_timeout"), client = cfg_time("smtpd_timeout");

    return ms_from_seconds(ipc < client ? ipc : client);
}

static void smtpd_pre_init(const struct server_context *ctx)
{
    (void) ctx;
    /* The MSA settings first: the TLS and SASL setups read them. */
    if (profile->submission)
        smtpd_submission_configure();
    smtpd_tls_setup();
}

static void smtpd_post_init(const struct server_context *ctx)
{
    buf_t path = BUF_INIT;
    char *err = NULL;

    read_session_config();
    if ((queue = queue_from_config(&err)) == NULL)
        msg_fatal("%s", err);
    if ((resolve = resolve_setup_new(cfg_str, resolve_open_dict, NULL, &err)) == NULL)
        msg_fatal("%s", err);
    if ((policy = policy_new(resolve_setup_config(resolve), &err)) == NULL)
        msg_fatal("%s", err);
    buf_printf(&path, "%s/public/%s", queue_root(queue), cfg_str("cleanup_service_name"));
    cleanup_path = buf_detach(&path);
    glue_cfg.policy = policy;
    glue_cfg.cleanup_path = cleanup_path;
    glue_cfg.cleanup_timeout_ms = ms_from_seconds(cfg_time("ipc_timeout"));
    glue_cfg.myhostname = session_cfg.myhostname;
    glue_cfg.delay_reject = cfg_bool("smtpd_delay_reject");
    if (profile->submission) {
        sender_rule = smtpd_submission_sender_rule();
        glue_cfg.submission = true;
        glue_cfg.sender_rule = sender_rule;
    }
    buf_reset(&path);
    buf_printf(&path, "%s/private/anvil", queue_root(queue));
    if (smtpd_anvil_setup(path.data, ctx->stand_alone ? "" : ctx->service_name, policy,
                          session_cfg.myhostname, &err) < 0)
        msg_fatal("%s", err);
    buf_dispose(&path);
    smtpd_tls_apply(&session_cfg, &glue_cfg);
    glue_cfg.sasl_authenticated_header = cfg_bool("smtpd_sasl_authenticated_header");
    if (smtpd_sasl_setup(queue_root(queue), sasl_timeout_ms(), &sasl, &err) < 0)
        msg_fatal("SASL: %s", err);
    config_report_unused();
}

static void retire_if_tables_changed(void)
{
    if (policy_changed(policy) || resolve_setup_changed(resolve)) {
        msg_info("table has changed -- restarting");
        server_retire();
    }
}

/* Asked by the skeleton before taking a client too (docs/SMTPD.md). */
static bool smtpd_tables_stale(const struct server_context *ctx)
{
    (void) ctx;
    return policy_changed(policy) || resolve_setup_changed(resolve);
}

static void smtpd_service(int fd, const struct server_context *ctx)
{
    smtpd_client_t client;
    smtpd_config_t cfg = session_cfg;
    smtpd_glue_t *glue;
    smtpd_session_t *session;
    smtpd_sink_t sink;
    smtpd_anvil_t *anvil;
    smtpd_sasl_conn_t *sasl_conn = NULL;
    stream_t *st;

    (void) ctx;
    smtpd_client_lookup(fd, peername_lookup, &client);
    anvil = smtpd_anvil_begin(&client);
    cfg.client_name = client.name;
    cfg.client_addr = client.addr;
    if (sasl != NULL) {
        sasl_conn = smtpd_sasl_conn_new(sasl, &client, fd);
        cfg.auth = smtpd_sasl_conn_auth(sasl_conn);
    }
    glue = smtpd_glue_new(&glue_cfg, &client);
    smtpd_glue_sink(glue, &sink);
    session = smtpd_session_new(&cfg, &sink);
    smtpd_glue_set_session(glue, session);
    smtpd_glue_set_anvil(glue, anvil);
    st = stream_open_fd(fd, 0);
    if (smtpd_anvil_connect(anvil, st) == 0)
        (void) smtpd_session_run(session, st);
    stream_close(st);
    smtpd_anvil_end(anvil);
    smtpd_session_free(session);
    smtpd_glue_free(glue);
    smtpd_sasl_conn_free(sasl_conn);
    retire_if_tables_changed();
}

static void smtpd_pre_exit(const struct server_context *ctx)
{
    (void) ctx;
    smtpd_anvil_shutdown();
    smtpd_sender_login_free(sender_rule);
    policy_free(policy);
    smtpd_sasl_free(sasl);
    resolve_setup_free(resolve);
    queue_free(queue);
    xfree(cleanup_path);
    smtpd_tls_cleanup();
}

int smtpd_daemon_main(int argc, char **argv)
{
    static const smtpd_profile_t mta = {.submission = false};

    return smtpd_daemon_run(argc, argv, &mta);
}

int smtpd_daemon_run(int argc, char **argv, const smtpd_profile_t *which)
{
    struct server_callbacks cb = {
        .kind = SERVER_SINGLE,
        .pre_init = smtpd_pre_init,
        .post_init = smtpd_post_init,
        .service = smtpd_service,
        .pre_exit = smtpd_pre_exit,
        .stale = smtpd_tables_stale,
    };

    profile = which;
    return server_main(argc, argv, &cb);
}
