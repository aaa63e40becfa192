/* tls_config.c - TLS parameters from the configuration (see
 * tls_config.h). */
#include "tls_config.h"

#include "config/config.h"
#include "util/errstr.h"

int tls_server_level_from_config(enum tls_level *level, char **err)
{
    const char *text = cfg_str("smtpd_tls_security_level");

    if (*text == 0) {
        *level = cfg_bool("smtpd_enforce_tls") ? TLS_LEV_ENCRYPT
            : cfg_bool("smtpd_use_tls") ? TLS_LEV_MAY : TLS_LEV_NONE;
        return 0;
    }
    if (tls_level_parse(text, level, err) < 0)
        return -1;
    if (*level > TLS_LEV_ENCRYPT) {
        errstr_set(err, "smtpd_tls_security_level = %s: the SMTP server knows none, may, encrypt",
                   text);
        return -1;
    }
    return 0;
}

void tls_server_params_from_config(bool mandatory, tls_server_params_t *p, buf_t *key_path)
{
    p->cert_file = cfg_str("smtpd_tls_cert_file");
    p->key_file = cfg_str("smtpd_tls_key_file");
    p->chain_files = cfg_str("smtpd_tls_chain_files");
    p->protocols = cfg_str(mandatory ? "smtpd_tls_mandatory_protocols" : "smtpd_tls_protocols");
    p->cipher_grade = cfg_str(mandatory ? "smtpd_tls_mandatory_ciphers" : "smtpd_tls_ciphers");
    p->high_cipherlist = cfg_str("tls_high_cipherlist");
    p->medium_cipherlist = cfg_str("tls_medium_cipherlist");
    p->null_cipherlist = cfg_str("tls_null_cipherlist");
    p->loglevel = (int) cfg_int("smtpd_tls_loglevel");
    p->session_timeout = cfg_time("smtpd_tls_session_cache_timeout");
    buf_reset(key_path);
    if (*cfg_str("data_directory"))
        buf_printf(key_path, "%s/smtpd_tls_ticket.key", cfg_str("data_directory"));
    p->ticket_key_file = key_path->len ? key_path->data : NULL;
}

void tls_client_params_from_config(tls_client_params_t *p)
{
    p->CAfile = cfg_str("smtp_tls_CAfile");
    p->CApath = cfg_str("smtp_tls_CApath");
    p->protocols = cfg_str("smtp_tls_protocols");
    p->mandatory_protocols = cfg_str("smtp_tls_mandatory_protocols");
    p->cipher_grade = cfg_str("smtp_tls_ciphers");
    p->mandatory_cipher_grade = cfg_str("smtp_tls_mandatory_ciphers");
    p->high_cipherlist = cfg_str("tls_high_cipherlist");
    p->medium_cipherlist = cfg_str("tls_medium_cipherlist");
    p->null_cipherlist = cfg_str("tls_null_cipherlist");
    p->loglevel = (int) cfg_int("smtp_tls_loglevel");
}
