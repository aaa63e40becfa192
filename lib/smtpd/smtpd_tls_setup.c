/* smtpd_tls_setup.c - the smtpd daemon's TLS context and settings from
 * the configuration (see smtpd_tls_setup.h). */
#include "smtpd_tls_setup.h"

#include "config/config.h"
#include "tls/tls.h"
#include "tls/tls_config.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

static tls_ctx_t *server_ctx;
static enum tls_level level;
static bool wrapper;

static tls_ctx_t *make_context(bool mandatory)
{
    tls_server_params_t p;
    buf_t key_path = BUF_INIT;
    char *warning = NULL, *err = NULL;
    tls_ctx_t *ctx;

    tls_server_params_from_config(mandatory, &p, &key_path);
    ctx = tls_server_ctx_new(&p, &warning, &err);
    if (ctx == NULL) {
        msg_warn("%s: disabling TLS support", err);
        xfree(err);
    } else if (warning) {
        msg_warn("%s", warning);
        xfree(warning);
    }
    buf_dispose(&key_path);
    return ctx;
}

void smtpd_tls_setup(void)
{
    char *err = NULL;

    if (tls_server_level_from_config(&level, &err) < 0)
        msg_fatal("%s", err);
    wrapper = cfg_bool("smtpd_tls_wrappermode");
    if (level == TLS_LEV_NONE && !wrapper)
        return;
    server_ctx = make_context(level == TLS_LEV_ENCRYPT);
    if (server_ctx == NULL && level == TLS_LEV_MAY)
        level = TLS_LEV_NONE;
}

void smtpd_tls_apply(smtpd_config_t *cfg, smtpd_glue_config_t *glue)
{
    cfg->tls_ctx = server_ctx;
    cfg->tls_level = (int) level;
    cfg->tls_wrapper = wrapper;
    glue->tls_received_header = cfg_bool("smtpd_tls_received_header");
}

void smtpd_tls_cleanup(void)
{
    tls_ctx_free(server_ctx);
    server_ctx = NULL;
}
