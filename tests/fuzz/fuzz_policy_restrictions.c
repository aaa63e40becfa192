/* fuzz_policy_restrictions.c - fuzz target for the restriction-list
 * parser and the access(5) result parser of lib/policy. The input's first
 * line (cut at '\n' or NUL) is parsed as an access table result; the rest
 * is parsed as a restriction list (tables are named but never opened) and
 * evaluated for a RCPT command under a small fixed configuration, with
 * two restriction classes, one of them recursive. Invariants: parsed
 * codes are 4xx/5xx, result texts point into the input, table
 * restrictions carry a table, a refusal has a complete reply whose code
 * matches the verdict. Any violation aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_impl.h"
#include "util/mem.h"
#include "util/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_access(const char *value)
{
    access_result_t r;
    size_t len = strlen(value);

    policy_access_parse(value, &r);
    if (r.text < value || r.text > value + len)
        abort();
    if (r.action == ACCESS_CODE && (r.code < 400 || r.code > 599))
        abort();
    if ((r.action == ACCESS_BAD || r.action == ACCESS_UNSUPPORTED) && r.why == NULL)
        abort();
    if (strlen(r.dsn) >= sizeof(r.dsn))
        abort();
}

static policy_t *fixture(void)
{
    static policy_t p;
    static resolve_config_t cfg;
    static restriction_class_t classes[2];
    static const char *const local_addresses[] = {"127.0.0.1", NULL};

    if (p.cache != NULL)
        return &p;
    msg_set_sinks(0);
    cfg.myhostname = "mail.example.com";
    cfg.mydestination = resolve_domains_new("mail.example.com localhost", false, NULL, NULL, NULL);
    cfg.relay_domains = resolve_domains_new("relay.example", true, NULL, NULL, NULL);
    cfg.local_addresses = local_addresses;
    cfg.default_transport = "smtp";
    cfg.relay_transport = "relay";
    cfg.local_transport = "local";
    cfg.virtual_transport = "virtual";
    cfg.recipient_delimiter = "+";
    cfg.allow_percent_hack = true;
    cfg.swap_bangpath = true;
    p.resolve = &cfg;
    p.cache = xcalloc(1, sizeof(*p.cache));
    p.cache->no_open = true;
    p.mynetworks = policy_networks_new("127.0.0.0/8 [::1]/128", NULL);
    p.delay_reject = true;
    p.reject_code = p.access_map_reject_code = p.relay_domains_reject_code = 554;
    p.defer_code = p.access_map_defer_code = 450;
    p.non_fqdn_reject_code = 504;
    p.invalid_hostname_reject_code = 501;
    p.unknown_local_recipient_reject_code = p.unknown_virtual_alias_reject_code = 550;
    p.unknown_virtual_mailbox_reject_code = p.unknown_relay_recipient_reject_code = 550;
    p.unknown_client_reject_code = 450;
    classes[0].name = xstrdup("loop");
    classes[1].name = xstrdup("easy");
    p.classes = classes;
    p.class_count = 2;
    policy_list_parse(&p, "loop", "permit_auth_destination loop", &classes[0].list, NULL);
    policy_list_parse(&p, "easy", "permit_mynetworks", &classes[1].list, NULL);
    return &p;
}

static void check_list(policy_t *p, const char *value)
{
    restriction_list_t list;
    policy_session_t s;
    policy_decision_t d;
    eval_ctx_t c;
    eval_result_t rc;

    policy_list_parse(p, "fuzz", value, &list, NULL);
    for (size_t i = 0; i < list.count; i++) {
        bool takes_table = false;
        if (list.items[i].op != R_BROKEN && list.items[i].op != R_CLASS
            && (policy_restriction_op(list.items[i].name, &takes_table) < 0
                || takes_table != (list.items[i].table != NULL)))
            abort();
    }
    memset(&s, 0, sizeof(s));
    s.client_name = "client.example";
    s.client_addr = "198.51.100.7";
    s.helo_name = "helo";
    s.sender = "a@b";
    s.recipient = "u%v@mail.example.com";
    s.in_mynetworks = -1;
    policy_decision_init(&d);
    eval_ctx_init(&c, p, &s, &d, POLICY_AT_RCPT);
    rc = eval_list(&c, POLICY_LIST_RECIPIENT, &list);
    if (rc == EVAL_REFUSE && (d.code < 400 || d.code > 599 || d.reply.len == 0
                              || (d.verdict == POLICY_REJECT) != (d.code >= 500)))
        abort();
    eval_ctx_dispose(&c);
    policy_decision_dispose(&d);
    policy_list_free(&list);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = xstrndup((const char *) data, size);
    char *newline = strchr(text, '\n');
    policy_t *p = fixture();

    if (newline != NULL)
        *newline = '\0';
    check_access(text);
    if (newline != NULL)
        check_list(p, newline + 1);
    xfree(text);
    return 0;
}
