/* smtp_config.c - read the smtp agent's parameters (see smtp_config.h). */
#include "smtp/smtp_config.h"
#include "config/config.h"
#include "tls/tls_config.h"
#include "util/errstr.h"
#include "util/mem.h"

#include <limits.h>
#include <string.h>

static int seconds(const char *name)
{
    long v = cfg_time(name);

    return v > INT_MAX / 1000 ? INT_MAX / 1000 : (int) v;
}

static int load_dns(smtp_config_t *c, char **err)
{
    dns_options_t o;

    dns_options_init(&o);
    if (dns_options_from_params(&o, cfg_str, err) == 0)
        c->dns = dns_resolver_new(&o, err);
    dns_options_dispose(&o);
    return c->dns ? 0 : -1;
}

static int load_tls(smtp_config_t *c, char **err)
{
    tls_client_params_t p;

    if (tls_level_parse(cfg_str("smtp_tls_security_level"), &c->tls_level, err) < 0)
        return -1;
    if (c->tls_level == TLS_LEV_NONE)
        return 0;
    tls_client_params_from_config(&p);
    c->tls = tls_client_ctx_new(&p, err);
    return c->tls ? 0 : -1;
}

int smtp_config_load(smtp_config_t *c, char **err)
{
    memset(c, 0, sizeof(*c));
    c->helo_name = xstrdup(cfg_str("smtp_helo_name"));
    c->session.helo_name = c->helo_name;
    c->session.t.helo = seconds("smtp_helo_timeout");
    c->session.t.mail = seconds("smtp_mail_timeout");
    c->session.t.rcpt = seconds("smtp_rcpt_timeout");
    c->session.t.data_init = seconds("smtp_data_init_timeout");
    c->session.t.data_xfer = seconds("smtp_data_xfer_timeout");
    c->session.t.data_done = seconds("smtp_data_done_timeout");
    c->session.t.quit = seconds("smtp_quit_timeout");
    c->session.t.starttls = seconds("smtp_starttls_timeout");
    c->session.skip_5xx_greeting = cfg_bool("smtp_skip_5xx_greeting");
    c->session.never_send_ehlo = cfg_bool("smtp_never_send_ehlo");
    c->connect_timeout = seconds("smtp_connect_timeout");
    c->tcp_port = xstrdup(cfg_str("smtp_tcp_port"));
    c->mx_address_limit = (int) cfg_int("smtp_mx_address_limit");
    c->mx_session_limit = (int) cfg_int("smtp_mx_session_limit");
    c->cache = cfg_bool("smtp_connection_cache_on_demand");
    c->cache_time_limit = seconds("smtp_connection_cache_time_limit");
    c->reuse_time_limit = seconds("smtp_connection_reuse_time_limit");
    c->reuse_count_limit = (int) cfg_int("smtp_connection_reuse_count_limit");
    if (load_dns(c, err) < 0) {
        smtp_config_dispose(c);
        return -1;
    }
    if (load_tls(c, err) < 0 || smtp_sasl_load(&c->sasl, err) < 0) {
        smtp_config_dispose(c);
        return -1;
    }
    if (c->helo_name[0] == '\0' || strpbrk(c->helo_name, " \t\r\n") != NULL) {
        errstr_set(err, "bad smtp_helo_name value \"%s\"", c->helo_name);
        smtp_config_dispose(c);
        return -1;
    }
    return 0;
}

void smtp_config_dispose(smtp_config_t *c)
{
    xfree(c->helo_name);
    xfree(c->tcp_port);
    c->helo_name = c->tcp_port = NULL;
    tls_ctx_free(c->tls);
    c->tls = NULL;
    dns_resolver_free(c->dns);
    c->dns = NULL;
    smtp_sasl_dispose(&c->sasl);
}
