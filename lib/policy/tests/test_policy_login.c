/* test_policy_login.c - table-driven tests for the restrictions that use
 * what the session knows about the client and its login:
 * reject_*sender_login_mismatch with smtpd_sender_login_maps (owners,
 * domain keys, +extensions, anonymous clients, missing maps),
 * reject_unknown_client_hostname and reject_unknown_reverse_client_hostname
 * (unknown, unconfirmed and temporarily failed names, reply codes), and
 * permit_inet_interfaces. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "policy_test.h"

struct login_case {
    const char *label;
    const char *settings[8];
    const char *client_name;     /* NULL: default (confirmed) */
    const char *reverse_name;
    bool unconfirmed;
    bool tempfail;
    const char *client_addr;
    const char *sender;
    const char *sasl;
    const char *want;
};

#define LOGIN_MAPS "smtpd_sender_login_maps", "inline:{ {a@sender.example = joe, ann}, {@team.example = lead} }"
#define SENDER(r) "smtpd_sender_restrictions", r
#define NAMES "smtpd_client_restrictions", "reject_unknown_reverse_client_hostname, reject_unknown_client_hostname"

static const struct login_case cases[] = {
    {"owner", {LOGIN_MAPS, SENDER("reject_sender_login_mismatch")}, NULL, NULL, false, false, NULL, NULL, "ann", ""},
    {"owner upper case", {LOGIN_MAPS, SENDER("reject_sender_login_mismatch")}, NULL, NULL, false, false, NULL, NULL, "JOE", ""},
    {"not the owner", {LOGIN_MAPS, SENDER("reject_sender_login_mismatch")}, NULL, NULL, false, false, NULL, NULL, "bob",
     "553 5.7.1 <a@sender.example>: Sender address rejected: not owned by user bob"},
    {"unlisted sender, logged in", {LOGIN_MAPS, SENDER("reject_sender_login_mismatch")}, NULL, NULL, false, false, NULL,
     "x@sender.example", "bob", "553 5.7.1 <x@sender.example>: Sender address rejected: not owned by user bob"},
    {"known only: unlisted sender", {LOGIN_MAPS, SENDER("reject_known_sender_login_mismatch")}, NULL, NULL, false, false, NULL,
     "x@sender.example", "bob", ""},
    {"known only: not the owner", {LOGIN_MAPS, SENDER("reject_known_sender_login_mismatch")}, NULL, NULL, false, false, NULL,
     NULL, "bob", "553 5.7.1 <a@sender.example>: Sender address rejected: not owned by user bob"},
    {"owned, not logged in", {LOGIN_MAPS, SENDER("reject_sender_login_mismatch")}, NULL, NULL, false, false, NULL, NULL, NULL,
     "553 5.7.1 <a@sender.example>: Sender address rejected: not logged in"},
    {"unowned, not logged in", {LOGIN_MAPS, SENDER("reject_sender_login_mismatch")}, NULL, NULL, false, false, NULL,
     "x@sender.example", NULL, ""},
    {"authenticated only: anonymous", {LOGIN_MAPS, SENDER("reject_authenticated_sender_login_mismatch")}, NULL, NULL, false, false,
     NULL, NULL, NULL, ""},
    {"unauthenticated only: logged in", {LOGIN_MAPS, SENDER("reject_unauthenticated_sender_login_mismatch")}, NULL, NULL, false,
     false, NULL, NULL, "bob", ""},
    {"domain key", {LOGIN_MAPS, SENDER("reject_sender_login_mismatch")}, NULL, NULL, false, false, NULL, "z@team.example", "lead", ""},
    {"domain key, other user", {LOGIN_MAPS, SENDER("reject_sender_login_mismatch")}, NULL, NULL, false, false, NULL,
     "z@team.example", "joe", "553 5.7.1 <z@team.example>: Sender address rejected: not owned by user joe"},
    {"+extension", {LOGIN_MAPS, SENDER("reject_sender_login_mismatch")}, NULL, NULL, false, false, NULL, "a+x@sender.example", "joe", ""},
    {"null sender", {LOGIN_MAPS, SENDER("reject_sender_login_mismatch")}, NULL, NULL, false, false, NULL, "", "bob", ""},
    {"no maps", {SENDER("reject_sender_login_mismatch")}, NULL, NULL, false, false, NULL, NULL, "bob",
     "451 4.3.5 Server configuration error"},
    {"no reverse name", {NAMES}, "unknown", NULL, true, false, NULL, NULL, NULL,
     "450 4.7.1 Client host rejected: cannot find your reverse hostname, [198.51.100.7]"},
    {"reverse name not confirmed", {NAMES}, "unknown", "ptr.example", true, false, NULL, NULL, NULL,
     "450 4.7.25 Client host rejected: cannot find your hostname, [198.51.100.7]"},
    {"confirmed name", {NAMES}, NULL, NULL, false, false, NULL, NULL, NULL, ""},
    {"unknown_client_reject_code", {NAMES, "unknown_client_reject_code", "550"}, "unknown", NULL, true, false, NULL, NULL, NULL,
     "550 5.7.1 Client host rejected: cannot find your reverse hostname, [198.51.100.7]"},
    {"temporary failure stays 450", {NAMES, "unknown_client_reject_code", "550"}, "unknown", NULL, true, true, NULL, NULL, NULL,
     "450 4.7.1 Client host rejected: cannot find your reverse hostname, [198.51.100.7]"},
    {"inet_interfaces", {"smtpd_relay_restrictions", "permit_inet_interfaces, reject"}, NULL, NULL, false, false, "127.0.0.1",
     NULL, NULL, ""},
    {"inet_interfaces ::1", {"smtpd_relay_restrictions", "permit_inet_interfaces, reject"}, NULL, NULL, false, false, "::1",
     NULL, NULL, ""},
    {"not inet_interfaces", {"smtpd_relay_restrictions", "permit_inet_interfaces, reject"}, NULL, NULL, false, false, NULL,
     NULL, NULL, "554 5.7.1 <joe@mail.example.com>: Recipient address rejected: Access denied"},
};

static void run_case(const struct login_case *c)
{
    struct policy_fixture f;
    policy_session_t s = default_session();
    policy_decision_t d;
    const char *got;

    if (fixture_open(&f, c->settings) < 0)
        fail_msg("%s: policy_new: %s", c->label, f.err ? f.err : "?");
    s.client_name_verified = !c->unconfirmed;
    if (c->client_name)
        s.client_name = c->client_name;
    s.reverse_client_name = c->reverse_name;
    s.client_name_tempfail = c->tempfail;
    if (c->client_addr)
        s.client_addr = c->client_addr;
    if (c->sender)
        s.sender = c->sender;
    s.sasl_username = c->sasl;
    s.recipient = "joe@mail.example.com";
    policy_decision_init(&d);
    policy_check(f.p, POLICY_AT_RCPT, &s, &d);
    got = d.verdict == POLICY_ACCEPT ? "" : d.reply.data;
    if (strcmp(got, c->want) != 0)
        fail_msg("%s: got \"%s\", want \"%s\"", c->label, got, c->want);
    policy_decision_dispose(&d);
    fixture_close(&f);
}

static void test_cases(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_case(&cases[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
