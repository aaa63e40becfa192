/* smtp_config.h - the smtp agent's main.cf parameters, read once at
 * start: smtp_helo_name, the per-phase timeouts, smtp_tcp_port,
 * the DNS resolver (lib/dns: inet_protocols, smtp_host_lookup,
 * smtp_address_preference, dns_nameservers), smtp_mx_address_limit, smtp_mx_session_limit,
 * smtp_skip_5xx_greeting, smtp_never_send_ehlo and connection reuse
 * (smtp_connection_cache_on_demand, smtp_connection_cache_time_limit,
 * smtp_connection_reuse_time_limit, smtp_connection_reuse_count_limit),
 * and the TLS client context (smtp_tls_security_level, smtp_tls_CAfile,
 * smtp_tls_loglevel and the other smtp_tls_* of lib/tls/tls_config.h).
 * A bad value: -1 with *err (the daemon treats it as fatal). */
#ifndef POSTERN_SMTP_CONFIG_H
#define POSTERN_SMTP_CONFIG_H

#include <stdbool.h>

#include "dns/dns.h"
#include "smtp/sasl_glue.h"
#include "smtp_client/smtpc_session.h"
#include "tls/tls.h"

typedef struct smtp_config {
    smtpc_params_t session;
    char *helo_name;
    int connect_timeout;
    char *tcp_port;
    dns_resolver_t *dns;      /* inet_protocols, smtp_host_lookup, ... */
    int mx_address_limit;     /* 0: none */
    int mx_session_limit;     /* 0: none */
    bool cache;               /* keep an idle session for the next request */
    int cache_time_limit;     /* seconds idle */
    int reuse_time_limit;     /* seconds since connect */
    int reuse_count_limit;    /* transactions; 0: none */
    enum tls_level tls_level; /* smtp_tls_security_level */
    tls_ctx_t *tls;           /* NULL at level none */
    smtp_sasl_t sasl;         /* smtp_sasl_* */
} smtp_config_t;

int smtp_config_load(smtp_config_t *c, char **err);
void smtp_config_dispose(smtp_config_t *c);

#endif
