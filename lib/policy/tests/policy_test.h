/* policy_test.h - shared set-up for the lib/policy unit tests: a small
 * main.cf (local, alias, mailbox and relay domains, in-memory tables),
 * extra settings per case, and a session to evaluate. Header only. */
#ifndef POSTERN_POLICY_TESTS_POLICY_TEST_H
#define POSTERN_POLICY_TESTS_POLICY_TEST_H

#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "mail/resolve_dict.h"
#include "mail/resolve_setup.h"
#include "policy/policy.h"
#include "util/mem.h"

static const char *const base_settings[] = {
    "myhostname", "mail.example.com",
    "mydomain", "example.com",
    "mydestination", "mail.example.com, localhost",
    "inet_interfaces", "loopback-only",
    "relay_domains", "relay.example",
    "virtual_alias_domains", "alias.example",
    "virtual_mailbox_domains", "vmail.example",
    "virtual_alias_maps", "inline:{info@alias.example=joe, joe@vmail.example=joe}",
    "virtual_mailbox_maps", "inline:{bob@vmail.example=bob/}",
    "local_recipient_maps", "inline:{joe=1, postmaster=1}",
    "alias_maps", "",
    "recipient_delimiter", "+",
    "mynetworks", "127.0.0.0/8 [::1]/128 192.0.2.0/24",
    NULL,
};

struct policy_fixture {
    resolve_setup_t *rs;
    policy_t *p;
    char *err;
};

static void apply(const char *const *settings)
{
    for (size_t i = 0; settings != NULL && settings[i] != NULL; i += 2)
        config_set(settings[i], settings[i + 1]);
}

/* Returns 0, or -1 with f->err (policy_new failed). */
static int fixture_open(struct policy_fixture *f, const char *const *extra)
{
    memset(f, 0, sizeof(*f));
    config_reset();
    apply(base_settings);
    apply(extra);
    f->rs = resolve_setup_new(cfg_str, resolve_open_dict, NULL, &f->err);
    if (f->rs == NULL) {
        fprintf(stderr, "resolve_setup_new: %s\n", f->err);
        return -1;
    }
    f->p = policy_new(resolve_setup_config(f->rs), &f->err);
    return f->p != NULL ? 0 : -1;
}

static void fixture_close(struct policy_fixture *f)
{
    policy_free(f->p);
    resolve_setup_free(f->rs);
    xfree(f->err);
    config_reset();
}

static policy_session_t default_session(void)
{
    policy_session_t s;

    memset(&s, 0, sizeof(s));
    s.client_name = "client.example";
    s.client_addr = "198.51.100.7";
    s.helo_name = "helo.example.net";
    s.sender = "a@sender.example";
    s.esmtp = true;
    s.in_mynetworks = -1;
    return s;
}

#endif
