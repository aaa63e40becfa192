/* postern_route.c - "postern route ADDRESS...": where mail for each
 * address would go. First the recipient resolution as qmgr does it
 * (lib/mail/resolve with main.cf's transport_maps, relayhost, domain
 * lists): class, transport, next hop and the recipient after resolution.
 * Then, when the transport is run by the smtp program (master.cf; without
 * master.cf: the transports "smtp" and "relay"), the MX hosts and
 * addresses in the order the smtp client would try them, or the null-MX /
 * not-found / temporary-failure answer, with lib/dns and the parameters
 * inet_protocols, smtp_host_lookup, smtp_address_preference,
 * disable_dns_lookups and dns_nameservers (main.cf values, overridden by
 * "-o name=value" options of the transport's master.cf service).
 *
 * Output on stdout, one block per address:
 *   user@example.com: class=default transport=smtp nexthop=example.com
 *       recipient=user@example.com
 *     1. mx1.example.com[192.0.2.1]:25 (MX 10)
 *     -  mx2.example.com (MX 20): Host or domain name not found. ...
 *     ...
 * Exit status: 0 when every address has a usable route, 1 when one is
 * refused or fails (resolver or DNS failure, null MX, no address),
 * 2 for usage errors. Unusable configuration (tables that cannot be
 * opened, bad parameter values) is fatal. */
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "config/master_cf.h"
#include "dns/dns.h"
#include "mail/resolve.h"
#include "mail/resolve_dict.h"
#include "mail/resolve_setup.h"
#include "postern.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

static const char *class_name(resolve_class_t k)
{
    switch (k) {
    case RESOLVE_CLASS_LOCAL: return "local";
    case RESOLVE_CLASS_ALIAS: return "alias";
    case RESOLVE_CLASS_VIRTUAL: return "virtual";
    case RESOLVE_CLASS_RELAY: return "relay";
    case RESOLVE_CLASS_DEFAULT: return "default";
    }
    return "unknown";
}

/* The master.cf service of the transport when it is run by the smtp
 * program; NULL otherwise (and *smtp says whether it is an smtp
 * transport: without master.cf, "smtp" and "relay" are). */
static const master_entry_t *smtp_service(const master_cf_t *cf, const char *transport,
                                          bool *smtp)
{
    const master_entry_t *e;
    const char *base;

    *smtp = false;
    if (cf == NULL) {
        *smtp = strcmp(transport, "smtp") == 0 || strcmp(transport, "relay") == 0;
        return NULL;
    }
    if ((e = master_cf_find(cf, transport, MASTER_UNIX)) == NULL)
        return NULL;
    base = strrchr(e->command, '/') ? strrchr(e->command, '/') + 1 : e->command;
    *smtp = strcmp(base, "smtp") == 0;
    return *smtp ? e : NULL;
}

/* Parameter values for lib/dns: the service's -o option (expanded) when
 * it has one, else main.cf's. dns_options_from_params() uses each value
 * before asking for the next, so one buffer suffices. */
static const master_entry_t *param_service;
static buf_t param_value;

static const char *service_param(const char *name)
{
    const char *raw = param_service ? master_entry_opt(param_service, name) : NULL;
    char *err = NULL;

    if (raw == NULL)
        return cfg_str(name);
    if (config_expand_text(raw, false, &param_value, &err) < 0)
        msg_fatal("master.cf: service %s: -o %s=%s: %s", param_service->service, name,
                  raw, err);
    return buf_str(&param_value);
}

static dns_resolver_t *service_resolver(const master_entry_t *service)
{
    dns_options_t opts;
    dns_resolver_t *dns;
    char *err = NULL;

    param_service = service;
    dns_options_init(&opts);
    if (dns_options_from_params(&opts, service_param, &err) < 0)
        msg_fatal("%s", err);
    if ((dns = dns_resolver_new(&opts, &err)) == NULL)
        msg_fatal("%s", err);
    dns_options_dispose(&opts);
    param_service = NULL;
    return dns;
}

static void print_host(const dns_host_t *h, bool implicit, bool mx, const char *port,
                       int *n)
{
    buf_t how = BUF_INIT;

    if (implicit)
        buf_puts(&how, "implicit MX");
    else if (mx)
        buf_printf(&how, "MX %u", h->pref);
    else
        buf_puts(&how, "no MX lookup");
    if (h->status != DNS_OK)
        printf("  -  %s (%s): %s\n", h->name, buf_str(&how), h->why);
    for (size_t i = 0; h->status == DNS_OK && i < h->addrs.count; i++)
        printf("  %d. %s[%s]:%s (%s)\n", ++*n, h->name, h->addrs.items[i].text, port,
               buf_str(&how));
    buf_dispose(&how);
}

/* Prints the hosts for an smtp next hop; returns 0 when one is usable. */
static int show_smtp(dns_resolver_t *dns, const char *nexthop)
{
    buf_t host = BUF_INIT, port = BUF_INIT;
    char *err = NULL, *why = NULL;
    dns_dest_t d;
    bool no_mx;
    int n = 0, ret;

    if (resolve_parse_nexthop(nexthop, &host, &port, &no_mx, &err) < 0) {
        printf("  bad next hop: %s\n", err);
        xfree(err);
        buf_dispose(&host);
        buf_dispose(&port);
        return 1;
    }
    if (port.len == 0)
        buf_set(&port, "25");
    bool mx = !no_mx && dns_resolver_options(dns)->mx_lookups;
    dns_status_t st = dns_lookup_mx_hosts(dns, buf_str(&host), mx, &d, &why);
    for (size_t i = 0; i < d.count; i++)
        print_host(&d.hosts[i], d.implicit_mx, mx, buf_str(&port), &n);
    if (st != DNS_OK)
        printf("  %s: %s\n", st == DNS_TEMPFAIL || st == DNS_MALFORMED ? "deferred"
               : "bounced", why);
    ret = st == DNS_OK ? 0 : 1;
    xfree(why);
    dns_dest_dispose(&d);
    buf_dispose(&host);
    buf_dispose(&port);
    return ret;
}

static int show_address(const resolve_config_t *cfg, const master_cf_t *cf,
                        const char *addr)
{
    const master_entry_t *service;
    resolve_result_t r;
    int ret = 0;
    bool smtp;

    resolve_result_init(&r);
    resolve_address(cfg, addr, &r);
    if (r.flags & RESOLVE_FLAG_FAIL) {
        printf("%s: deferred: address resolver failure: %s\n", addr,
               r.error ? r.error : "unknown error");
        resolve_result_dispose(&r);
        return 1;
    }
    printf("%s: class=%s transport=%s nexthop=%s recipient=%s%s%s\n", addr,
           class_name(r.klass), buf_str(&r.transport), buf_str(&r.nexthop),
           buf_str(&r.recipient), r.flags & RESOLVE_FLAG_ROUTED ? " routed" : "",
           r.flags & RESOLVE_FLAG_ERROR ? " bad-domain" : "");
    if (strcmp(buf_str(&r.transport), "error") == 0)
        ret = 1;
    else if ((service = smtp_service(cf, buf_str(&r.transport), &smtp)) != NULL || smtp) {
        dns_resolver_t *dns = service_resolver(service);
        ret = show_smtp(dns, buf_str(&r.nexthop));
        dns_resolver_free(dns);
    }
    resolve_result_dispose(&r);
    return ret;
}

static master_cf_t *load_master_cf(void)
{
    master_cf_t *cf = NULL;
    char *err = NULL;
    buf_t path = BUF_INIT;

    buf_printf(&path, "%s/master.cf", config_dir());
    if (master_cf_load(buf_str(&path), &cf, &err) < 0) {
        msg_warn("%s; taking smtp and relay as the smtp transports", err);
        xfree(err);
        cf = NULL;
    }
    buf_dispose(&path);
    return cf;
}

int postern_route(int argc, char **argv)
{
    resolve_setup_t *rs;
    master_cf_t *cf;
    char *err = NULL;
    int ret = 0;

    if (argc < 1) {
        fprintf(stderr, "usage: postern [-c config_dir] route address...\n");
        return 2;
    }
    if ((rs = resolve_setup_new(cfg_str, resolve_open_dict, NULL, &err)) == NULL)
        msg_fatal("address resolver: %s", err);
    dns_resolver_free(service_resolver(NULL));   /* bad DNS settings: fail now */
    cf = load_master_cf();
    for (int i = 0; i < argc; i++)
        ret |= show_address(resolve_setup_config(rs), cf, argv[i]);
    master_cf_free(cf);
    resolve_setup_free(rs);
    buf_dispose(&param_value);
    return ret;
}
