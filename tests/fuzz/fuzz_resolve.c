/* fuzz_resolve.c - fuzz target for recipient address resolution (the
 * address comes from RCPT TO). The input, cut at its first NUL, is
 * resolved under a configuration with local, alias, mailbox and relay
 * domains and a small transport table. Invariants: the recipient has an
 * '@' and a lower-case domain, and unless the result failed, transport
 * and nexthop are not empty. Any violation aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/resolve.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int table_lookup(void *ctx, const char *key, buf_t *value, char **err)
{
    (void) ctx;
    (void) err;
    if (strcmp(key, "example.org") == 0 || strcmp(key, ".example.org") == 0) {
        buf_set(value, "smtp:[mx.example.org]:25");
        return 1;
    }
    if (strcmp(key, "gone.example") == 0) {
        buf_set(value, "error");
        return 1;
    }
    if (strcmp(key, "keep.example") == 0) {
        buf_set(value, ":");
        return 1;
    }
    return 0;
}

static const char *const local_addresses[] = {"127.0.0.1", "::1", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static resolve_domains_t *mydest, *alias, *mailbox, *relay;
    static const resolve_table_t maps[] = {{table_lookup, NULL, NULL, NULL}};
    resolve_config_t cfg;
    resolve_result_t r;
    char *addr = xstrndup((const char *) data, size);
    const char *at;

    if (mydest == NULL) {
        mydest = resolve_domains_new("mail.example.com localhost", false, NULL, NULL, NULL);
        alias = resolve_domains_new("alias.example", false, NULL, NULL, NULL);
        mailbox = resolve_domains_new(".vmail.example vmail.example", false, NULL, NULL, NULL);
        relay = resolve_domains_new("relay.example", true, NULL, NULL, NULL);
    }
    memset(&cfg, 0, sizeof(cfg));
    cfg.myhostname = "mail.example.com";
    cfg.mydestination = mydest;
    cfg.local_addresses = local_addresses;
    cfg.virtual_alias_domains = alias;
    cfg.virtual_mailbox_domains = mailbox;
    cfg.relay_domains = relay;
    cfg.relayhost = size % 2 ? "[smart.example]" : "";
    cfg.default_transport = "smtp";
    cfg.relay_transport = "relay";
    cfg.local_transport = "local:mail.example.com";
    cfg.virtual_transport = "virtual";
    cfg.transport_maps = maps;
    cfg.transport_maps_count = 1;
    cfg.recipient_delimiter = "+-";
    cfg.allow_percent_hack = true;
    cfg.swap_bangpath = true;
    cfg.show_user_unknown_table_name = true;
    resolve_result_init(&r);
    resolve_address(&cfg, addr, &r);
    at = strrchr(r.recipient.data, '@');
    if (!(r.flags & RESOLVE_FLAG_FAIL)) {
        if (at == NULL || r.transport.len == 0 || r.nexthop.len == 0 || r.error != NULL)
            abort();
        for (const char *p = at; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                abort();
    }
    (void) resolve_routing_forms(addr);
    resolve_result_dispose(&r);
    xfree(addr);
    return 0;
}
