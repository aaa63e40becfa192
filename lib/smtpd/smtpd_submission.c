/* smtpd_submission.c - the fixed MSA policy of the submission program
 * (see smtpd_submission.h). */
#include "smtpd_submission.h"

#include <string.h>

#include "config/config.h"
#include "mail/address.h"
#include "smtp/reply.h"
#include "util/buf.h"

void smtpd_submission_configure(void)
{
    config_set("smtpd_sasl_auth_enable", "yes");
    config_set("smtpd_tls_auth_only", "yes");
    if (!cfg_bool("smtpd_tls_wrappermode"))
        config_set("smtpd_tls_security_level", "encrypt");
    config_set("smtpd_client_restrictions", "permit_sasl_authenticated, reject");
    config_set("smtpd_relay_restrictions", "permit_sasl_authenticated, reject");
    if (cfg_str("smtpd_sender_login_maps")[0] != 0) {
        buf_t v = BUF_INIT;

        buf_printf(&v, "reject_sender_login_mismatch, %s", cfg_str("smtpd_sender_restrictions"));
        config_set("smtpd_sender_restrictions", v.data);
        buf_dispose(&v);
    }
}

smtpd_sender_login_t *smtpd_submission_sender_rule(void)
{
    if (cfg_str("smtpd_sender_login_maps")[0] != 0)
        return NULL;
    return smtpd_sender_login_from_config();
}

int smtpd_submission_mail_check(const smtpd_sender_login_t *rule, const char *login,
                                const char *sender, buf_t *reply)
{
    buf_t quoted = BUF_INIT;

    if (login == NULL) {
        smtp_reply_add(reply, 530, "5.7.0", "Authentication required");
        return -1;
    }
    if (rule == NULL || smtpd_sender_login_ok(rule, login, sender))
        return 0;
    mail_addr_quote(sender, strlen(sender), &quoted);
    smtp_reply_add(reply, 553, "5.7.1", "<%s>: Sender address rejected: not owned by user %s",
                   quoted.data, login);
    buf_dispose(&quoted);
    return -1;
}
