/* test_policy_eval.c - table-driven tests of the restriction evaluator:
 * the default relay policy, every access(5) result, evaluation order and
 * smtpd_delay_reject, restriction classes, warn_if_reject and the
 * defer_if_* actions, unknown restrictions (451 4.3.5), the open-relay
 * tricks (percent hack, bang path, source route, quoted local part),
 * unlisted recipients with +extensions, and the reply texts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "policy_test.h"

struct eval_case {
    const char *label;
    const char *settings[12];
    policy_event_t event;
    const char *client_addr;     /* NULL: default */
    const char *helo;            /* NULL: default; "-" none */
    const char *sender;          /* NULL: default */
    const char *recipient;
    const char *sasl;
    bool pipelined;
    const char *want;            /* "" = accepted */
};

#define RCPT POLICY_AT_RCPT

static const struct eval_case cases[] = {
    /* default relay policy: permit_mynetworks, permit_sasl_authenticated,
     * defer_unauth_destination */
    {"default: remote from outside", {NULL}, RCPT, NULL, NULL, NULL, "u@remote.example", NULL, false,
     "450 4.7.1 <u@remote.example>: Relay access denied"},
    {"default: local from outside", {NULL}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false, ""},
    {"default: remote from mynetworks", {NULL}, RCPT, "192.0.2.9", NULL, NULL, "u@remote.example", NULL, false, ""},
    {"default: remote from ::1", {NULL}, RCPT, "::1", NULL, NULL, "u@remote.example", NULL, false, ""},
    {"default: remote when authenticated", {NULL}, RCPT, NULL, NULL, NULL, "u@remote.example", "joe", false, ""},
    {"default: relay domain", {NULL}, RCPT, NULL, NULL, NULL, "x@relay.example", NULL, false, ""},
    {"default: relay subdomain", {NULL}, RCPT, NULL, NULL, NULL, "x@sub.relay.example", NULL, false, ""},
    {"default: upper-case local domain", {NULL}, RCPT, NULL, NULL, NULL, "joe@MAIL.EXAMPLE.COM", NULL, false, ""},
    /* reject_unauth_destination and the routing tricks */
#define STRICT_RELAY "smtpd_relay_restrictions", "permit_mynetworks, reject_unauth_destination"
    {"strict: remote", {STRICT_RELAY}, RCPT, NULL, NULL, NULL, "u@remote.example", NULL, false,
     "554 5.7.1 <u@remote.example>: Relay access denied"},
    {"strict: percent hack", {STRICT_RELAY}, RCPT, NULL, NULL, NULL, "u%remote.example@mail.example.com", NULL, false,
     "554 5.7.1 <u%remote.example@mail.example.com>: Relay access denied"},
    {"strict: percent hack to a local name", {STRICT_RELAY}, RCPT, NULL, NULL, NULL, "joe%localhost@mail.example.com", NULL, false,
     "554 5.7.1 <joe%localhost@mail.example.com>: Relay access denied"},
    {"strict: bang path", {STRICT_RELAY}, RCPT, NULL, NULL, NULL, "remote.example!u@mail.example.com", NULL, false,
     "554 5.7.1 <remote.example!u@mail.example.com>: Relay access denied"},
    {"strict: source route", {STRICT_RELAY}, RCPT, NULL, NULL, NULL, "@mail.example.com:u@remote.example", NULL, false,
     "554 5.7.1 <@mail.example.com:u@remote.example>: Relay access denied"},
    {"strict: source route to us", {STRICT_RELAY}, RCPT, NULL, NULL, NULL, "@remote.example:joe@mail.example.com", NULL, false,
     "554 5.7.1 <@remote.example:joe@mail.example.com>: Relay access denied"},
    {"strict: quoted @ in local part", {STRICT_RELAY}, RCPT, NULL, NULL, NULL, "\"u@remote.example\"@mail.example.com", NULL, false,
     "554 5.7.1 <\"u@remote.example\"@mail.example.com>: Relay access denied"},
    {"strict: quoted percent", {STRICT_RELAY}, RCPT, NULL, NULL, NULL, "\"u%remote.example\"@relay.example", NULL, false,
     "554 5.7.1 <\"u%remote.example\"@relay.example>: Relay access denied"},
    {"strict: escaped @", {STRICT_RELAY}, RCPT, NULL, NULL, NULL, "u\\@remote.example@vmail.example", NULL, false,
     "554 5.7.1 <u\\@remote.example@vmail.example>: Relay access denied"},
    {"strict: two @", {STRICT_RELAY}, RCPT, NULL, NULL, NULL, "u@remote.example@mail.example.com", NULL, false,
     "554 5.7.1 <u@remote.example@mail.example.com>: Relay access denied"},
    {"strict: lookalike domain", {STRICT_RELAY}, RCPT, NULL, NULL, NULL, "u@mail.example.com.remote.example", NULL, false,
     "554 5.7.1 <u@mail.example.com.remote.example>: Relay access denied"},
    {"strict: trailing dot is ours", {STRICT_RELAY}, RCPT, NULL, NULL, NULL, "joe@mail.example.com.", NULL, false, ""},
    {"strict: routed but from mynetworks", {STRICT_RELAY}, RCPT, "192.0.2.1", NULL, NULL, "u%remote.example@mail.example.com", NULL, false, ""},
    {"strict: recipient list only", {"smtpd_relay_restrictions", "", "smtpd_recipient_restrictions", "reject_unauth_destination"},
     RCPT, NULL, NULL, NULL, "u@remote.example", NULL, false, "554 5.7.1 <u@remote.example>: Relay access denied"},
    {"relay_domains_reject_code", {STRICT_RELAY, "relay_domains_reject_code", "550"}, RCPT, NULL, NULL, NULL, "u@remote.example", NULL, false,
     "550 5.7.1 <u@remote.example>: Relay access denied"},
    {"permit_auth_destination", {"smtpd_relay_restrictions", "permit_auth_destination, reject"}, RCPT, NULL, NULL, NULL,
     "joe@mail.example.com", NULL, false, ""},
    {"permit_auth_destination: remote", {"smtpd_relay_restrictions", "permit_auth_destination, reject"}, RCPT, NULL, NULL, NULL,
     "u@remote.example", NULL, false, "554 5.7.1 <u@remote.example>: Recipient address rejected: Access denied"},
    /* unlisted recipients */
    {"unlisted local", {NULL}, RCPT, NULL, NULL, NULL, "nobody@mail.example.com", NULL, false,
     "550 5.1.1 <nobody@mail.example.com>: Recipient address rejected: User unknown in local recipient table"},
    {"unlisted local from mynetworks too", {NULL}, RCPT, "192.0.2.9", NULL, NULL, "nobody@localhost", NULL, false,
     "550 5.1.1 <nobody@localhost>: Recipient address rejected: User unknown in local recipient table"},
    {"local +tag", {NULL}, RCPT, NULL, NULL, NULL, "joe+tag@mail.example.com", NULL, false, ""},
    {"local upper case", {NULL}, RCPT, NULL, NULL, NULL, "JOE@mail.example.com", NULL, false, ""},
    {"local +tag of unknown", {NULL}, RCPT, NULL, NULL, NULL, "nobody+joe@mail.example.com", NULL, false,
     "550 5.1.1 <nobody+joe@mail.example.com>: Recipient address rejected: User unknown in local recipient table"},
    {"no delimiter: +tag unknown", {"recipient_delimiter", ""}, RCPT, NULL, NULL, NULL, "joe+tag@mail.example.com", NULL, false,
     "550 5.1.1 <joe+tag@mail.example.com>: Recipient address rejected: User unknown in local recipient table"},
    {"unknown_local_recipient_reject_code 450", {"unknown_local_recipient_reject_code", "450"}, RCPT, NULL, NULL, NULL,
     "nobody@mail.example.com", NULL, false,
     "450 4.1.1 <nobody@mail.example.com>: Recipient address rejected: User unknown in local recipient table"},
    {"smtpd_reject_unlisted_recipient no", {"smtpd_reject_unlisted_recipient", "no"}, RCPT, NULL, NULL, NULL,
     "nobody@mail.example.com", NULL, false, ""},
    {"explicit reject_unlisted_recipient", {"smtpd_reject_unlisted_recipient", "no", "smtpd_recipient_restrictions", "reject_unlisted_recipient"},
     RCPT, NULL, NULL, NULL, "nobody@mail.example.com", NULL, false,
     "550 5.1.1 <nobody@mail.example.com>: Recipient address rejected: User unknown in local recipient table"},
    {"empty local_recipient_maps: no check", {"local_recipient_maps", ""}, RCPT, NULL, NULL, NULL, "nobody@mail.example.com", NULL, false, ""},
    {"proxy: prefix ignored", {"local_recipient_maps", "proxy:inline:{joe=1}"}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false, ""},
    {"virtual mailbox", {NULL}, RCPT, NULL, NULL, NULL, "bob@vmail.example", NULL, false, ""},
    {"virtual mailbox +tag", {NULL}, RCPT, NULL, NULL, NULL, "bob+x@vmail.example", NULL, false, ""},
    {"virtual mailbox via alias", {NULL}, RCPT, NULL, NULL, NULL, "joe@vmail.example", NULL, false, ""},
    {"virtual mailbox unknown", {NULL}, RCPT, NULL, NULL, NULL, "nobody@vmail.example", NULL, false,
     "550 5.1.1 <nobody@vmail.example>: Recipient address rejected: User unknown in virtual mailbox table"},
    {"virtual alias", {NULL}, RCPT, NULL, NULL, NULL, "info@alias.example", NULL, false, ""},
    {"virtual alias unknown", {NULL}, RCPT, NULL, NULL, NULL, "zed@alias.example", NULL, false,
     "550 5.1.1 <zed@alias.example>: Recipient address rejected: User unknown in virtual alias table"},
    {"relay recipient unknown", {"relay_recipient_maps", "inline:{known@relay.example=x}"}, RCPT, NULL, NULL, NULL,
     "who@relay.example", NULL, false,
     "550 5.1.1 <who@relay.example>: Recipient address rejected: User unknown in relay recipient table"},
    {"relay recipient known", {"relay_recipient_maps", "inline:{known@relay.example=x}"}, RCPT, NULL, NULL, NULL,
     "known@relay.example", NULL, false, ""},
    {"unlisted sender", {"smtpd_reject_unlisted_sender", "yes"}, RCPT, NULL, NULL, "ghost@mail.example.com", "joe@mail.example.com", NULL, false,
     "550 5.1.0 <ghost@mail.example.com>: Sender address rejected: User unknown in local recipient table"},
    {"unlisted sender: null sender", {"smtpd_reject_unlisted_sender", "yes"}, RCPT, NULL, NULL, "", "joe@mail.example.com", NULL, false, ""},
    /* access(5) results through check_sender_access */
#define SENDER_TABLE(v) "smtpd_sender_restrictions", "check_sender_access inline:{ {a@sender.example = " v "} }, reject"
    {"access OK", {SENDER_TABLE("OK")}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false, ""},
    {"access ok lower case", {SENDER_TABLE("ok")}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false, ""},
    {"access all digits", {SENDER_TABLE("12345")}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false, ""},
    {"access DUNNO", {SENDER_TABLE("DUNNO")}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "554 5.7.1 <a@sender.example>: Sender address rejected: Access denied"},
    {"access REJECT", {SENDER_TABLE("REJECT")}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "554 5.7.1 <a@sender.example>: Sender address rejected: Access denied"},
    {"access REJECT text", {SENDER_TABLE("REJECT go away")}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "554 5.7.1 <a@sender.example>: Sender address rejected: go away"},
    {"access_map_reject_code", {SENDER_TABLE("REJECT"), "access_map_reject_code", "550"}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "550 5.7.1 <a@sender.example>: Sender address rejected: Access denied"},
    {"access DEFER", {SENDER_TABLE("DEFER")}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "450 4.7.1 <a@sender.example>: Sender address rejected: Access denied"},
    {"access DEFER text", {SENDER_TABLE("defer later please")}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "450 4.7.1 <a@sender.example>: Sender address rejected: later please"},
    {"access 5NN text", {SENDER_TABLE("550 no thanks")}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "550 5.7.1 <a@sender.example>: Sender address rejected: no thanks"},
    {"access 4NN text", {SENDER_TABLE("421 busy")}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "421 4.7.1 <a@sender.example>: Sender address rejected: busy"},
    {"access 5NN with dsn", {SENDER_TABLE("553 5.7.2 nope")}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "553 5.7.2 <a@sender.example>: Sender address rejected: nope"},
    {"access dsn class follows code", {SENDER_TABLE("551 4.2.0 moved")}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "551 5.2.0 <a@sender.example>: Sender address rejected: moved"},
    {"access recipient dsn made sender dsn", {SENDER_TABLE("550 5.1.1 unknown")}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "550 5.1.7 <a@sender.example>: Sender address rejected: unknown"},
    {"access 3NN is a config error", {SENDER_TABLE("354 what")}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "451 4.3.5 Server configuration error"},
    {"access HOLD goes on", {SENDER_TABLE("HOLD look at it")}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "554 5.7.1 <a@sender.example>: Sender address rejected: Access denied"},
    {"access DISCARD permits", {SENDER_TABLE("DISCARD")}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false, ""},
    {"access PREPEND goes on", {SENDER_TABLE("PREPEND X-Tag: yes")}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "554 5.7.1 <a@sender.example>: Sender address rejected: Access denied"},
    {"access WARN goes on", {SENDER_TABLE("WARN odd sender")}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "554 5.7.1 <a@sender.example>: Sender address rejected: Access denied"},
    {"access FILTER absent", {SENDER_TABLE("FILTER smtp:[127.0.0.1]:10025")}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "451 4.3.5 Server configuration error"},
    {"access REDIRECT absent", {SENDER_TABLE("REDIRECT x@y.example")}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "451 4.3.5 Server configuration error"},
    {"access restriction list", {SENDER_TABLE("permit_mynetworks, permit")}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false, ""},
    {"access restriction list rejects", {SENDER_TABLE("permit_mynetworks reject_unauth_destination")}, RCPT, NULL, NULL, NULL,
     "u@remote.example", NULL, false, "554 5.7.1 <u@remote.example>: Relay access denied"},
    {"access unknown word", {SENDER_TABLE("MAYBE")}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "451 4.3.5 Server configuration error"},
    {"access DEFER_IF_PERMIT then permit", {"smtpd_sender_restrictions", "check_sender_access inline:{ {a@sender.example = DEFER_IF_PERMIT try later} }, permit"},
     RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false, "450 4.7.1 <a@sender.example>: Sender address rejected: try later"},
    {"access DEFER_IF_PERMIT then reject", {"smtpd_sender_restrictions", "check_sender_access inline:{ {a@sender.example = DEFER_IF_PERMIT try later} }, reject"},
     RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false, "554 5.7.1 <a@sender.example>: Sender address rejected: Access denied"},
    {"access DEFER_IF_REJECT then reject", {"smtpd_sender_restrictions", "check_sender_access inline:{ {a@sender.example = DEFER_IF_REJECT maybe} }, reject"},
     RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false, "450 4.7.1 <a@sender.example>: Sender address rejected: maybe"},
    {"access DEFER_IF_REJECT then permit", {"smtpd_sender_restrictions", "check_sender_access inline:{ {a@sender.example = DEFER_IF_REJECT maybe} }, permit"},
     RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false, ""},
    {"null sender key", {"smtpd_sender_restrictions", "check_sender_access inline:{ {<> = REJECT no bounces} }"},
     RCPT, NULL, NULL, "", "joe@mail.example.com", NULL, false, "554 5.7.1 <>: Sender address rejected: no bounces"},
    {"sender domain key", {"smtpd_sender_restrictions", "check_sender_access inline:{ {sender.example = REJECT} }"},
     RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false, "554 5.7.1 <a@sender.example>: Sender address rejected: Access denied"},
    {"sender parent domain key", {"smtpd_sender_restrictions", "check_sender_access inline:{ {example = REJECT} }"},
     RCPT, NULL, NULL, "x@sub.sender.example", "joe@mail.example.com", NULL, false,
     "554 5.7.1 <x@sub.sender.example>: Sender address rejected: Access denied"},
    /* client, helo, recipient tables and checks */
    {"client address key", {"smtpd_client_restrictions", "check_client_access inline:{198.51.100.7=REJECT}"},
     RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "554 5.7.1 <client.example[198.51.100.7]>: Client host rejected: Access denied"},
    {"client network key", {"smtpd_client_restrictions", "check_client_access inline:{198.51.100=REJECT}"},
     RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "554 5.7.1 <client.example[198.51.100.7]>: Client host rejected: Access denied"},
    {"client name key", {"smtpd_client_restrictions", "check_client_access inline:{ {client.example = 550 5.1.1 go away} }"},
     RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "550 5.0.0 <client.example[198.51.100.7]>: Client host rejected: go away"},
    {"client check in recipient list", {"smtpd_recipient_restrictions", "check_client_access inline:{198.51.100.7=REJECT}"},
     RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "554 5.7.1 <client.example[198.51.100.7]>: Client host rejected: Access denied"},
    {"helo table", {"smtpd_helo_restrictions", "check_helo_access inline:{helo.example.net=REJECT}"},
     RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "554 5.7.1 <helo.example.net>: Helo command rejected: Access denied"},
    {"helo non-fqdn", {"smtpd_helo_restrictions", "reject_non_fqdn_helo_hostname"},
     RCPT, NULL, "localhost", NULL, "joe@mail.example.com", NULL, false,
     "504 5.5.2 <localhost>: Helo command rejected: need fully-qualified hostname"},
    {"helo address literal is fqdn", {"smtpd_helo_restrictions", "reject_non_fqdn_helo_hostname, reject_invalid_helo_hostname"},
     RCPT, NULL, "[192.0.2.1]", NULL, "joe@mail.example.com", NULL, false, ""},
    {"helo invalid", {"smtpd_helo_restrictions", "reject_invalid_helo_hostname"},
     RCPT, NULL, "bad!host", NULL, "joe@mail.example.com", NULL, false,
     "501 5.5.2 <bad!host>: Helo command rejected: Invalid name"},
    {"helo invalid label", {"smtpd_helo_restrictions", "reject_invalid_hostname"},
     RCPT, NULL, "-a.example", NULL, "joe@mail.example.com", NULL, false,
     "501 5.5.2 <-a.example>: Helo command rejected: Invalid name"},
    {"helo missing: checks skip", {"smtpd_helo_restrictions", "reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname"},
     RCPT, NULL, "-", NULL, "joe@mail.example.com", NULL, false, ""},
    {"non-fqdn sender", {"smtpd_sender_restrictions", "reject_non_fqdn_sender"},
     RCPT, NULL, NULL, "joe", "joe@mail.example.com", NULL, false,
     "504 5.5.2 <joe>: Sender address rejected: need fully-qualified address"},
    {"non-fqdn sender: null sender ok", {"smtpd_sender_restrictions", "reject_non_fqdn_sender"},
     RCPT, NULL, NULL, "", "joe@mail.example.com", NULL, false, ""},
    {"non-fqdn recipient", {"smtpd_recipient_restrictions", "reject_non_fqdn_recipient"},
     RCPT, NULL, NULL, NULL, "joe@localhost", NULL, false,
     "504 5.5.2 <joe@localhost>: Recipient address rejected: need fully-qualified address"},
    {"recipient table", {"smtpd_recipient_restrictions", "check_recipient_access inline:{ {joe@mail.example.com = 550 5.7.1 closed} }"},
     RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "550 5.7.1 <joe@mail.example.com>: Recipient address rejected: closed"},
    {"recipient table +tag falls back", {"smtpd_recipient_restrictions", "check_recipient_access inline:{joe@mail.example.com=REJECT}"},
     RCPT, NULL, NULL, NULL, "joe+x@mail.example.com", NULL, false,
     "554 5.7.1 <joe+x@mail.example.com>: Recipient address rejected: Access denied"},
    /* evaluation order, delay_reject, permit scope */
    {"order: client before sender", {"smtpd_client_restrictions", "reject", "smtpd_sender_restrictions", "defer"},
     RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "554 5.7.1 <client.example[198.51.100.7]>: Client host rejected: Access denied"},
    {"order: helo before sender", {"smtpd_helo_restrictions", "defer", "smtpd_sender_restrictions", "reject"},
     RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "450 4.3.2 <helo.example.net>: Helo command rejected: Try again later"},
    {"order: relay before recipient", {"smtpd_recipient_restrictions", "reject"},
     RCPT, NULL, NULL, NULL, "u@remote.example", NULL, false, "450 4.7.1 <u@remote.example>: Relay access denied"},
    {"permit ends its list only", {"smtpd_client_restrictions", "permit", "smtpd_sender_restrictions", "reject"},
     RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "554 5.7.1 <a@sender.example>: Sender address rejected: Access denied"},
    {"permit does not open the relay", {"smtpd_client_restrictions", "permit"},
     RCPT, NULL, NULL, NULL, "u@remote.example", NULL, false, "450 4.7.1 <u@remote.example>: Relay access denied"},
    {"delay_reject: nothing at CONNECT", {"smtpd_client_restrictions", "reject"}, POLICY_AT_CONNECT, NULL, NULL, NULL, NULL, NULL, false, ""},
    {"no delay_reject: CONNECT", {"smtpd_delay_reject", "no", "smtpd_client_restrictions", "reject"}, POLICY_AT_CONNECT, NULL, NULL, NULL, NULL, NULL, false,
     "554 5.7.1 <client.example[198.51.100.7]>: Client host rejected: Access denied"},
    {"no delay_reject: HELO", {"smtpd_delay_reject", "no", "smtpd_helo_restrictions", "reject_non_fqdn_helo_hostname"}, POLICY_AT_HELO, NULL, "box", NULL, NULL, NULL, false,
     "504 5.5.2 <box>: Helo command rejected: need fully-qualified hostname"},
    {"no delay_reject: MAIL", {"smtpd_delay_reject", "no", "smtpd_sender_restrictions", "reject"}, POLICY_AT_MAIL, NULL, NULL, NULL, NULL, NULL, false,
     "554 5.7.1 <a@sender.example>: Sender address rejected: Access denied"},
    {"no delay_reject: RCPT skips client", {"smtpd_delay_reject", "no", "smtpd_client_restrictions", "reject"}, RCPT, NULL, NULL, NULL,
     "joe@mail.example.com", NULL, false, ""},
    {"helo required", {"smtpd_helo_required", "yes"}, POLICY_AT_MAIL, NULL, "-", NULL, NULL, NULL, false,
     "503 5.5.1 Error: send HELO/EHLO first"},
    {"helo required and given", {"smtpd_helo_required", "yes"}, POLICY_AT_MAIL, NULL, NULL, NULL, NULL, NULL, false, ""},
    {"unauth pipelining at DATA", {"smtpd_data_restrictions", "reject_unauth_pipelining"}, POLICY_AT_DATA, NULL, NULL, NULL, NULL, NULL, true,
     "503 5.5.0 <DATA>: Data command rejected: Improper use of SMTP command pipelining"},
    {"proper pipelining at DATA", {"smtpd_data_restrictions", "reject_unauth_pipelining"}, POLICY_AT_DATA, NULL, NULL, NULL, NULL, NULL, false, ""},
    {"end-of-data reject", {"smtpd_end_of_data_restrictions", "reject"}, POLICY_AT_END_OF_DATA, NULL, NULL, NULL, NULL, NULL, false,
     "554 5.7.1 <END-OF-MESSAGE>: End-of-data rejected: Access denied"},
    {"reject_code", {"smtpd_client_restrictions", "reject", "reject_code", "550"}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "550 5.7.1 <client.example[198.51.100.7]>: Client host rejected: Access denied"},
    {"defer_code", {"smtpd_client_restrictions", "defer", "defer_code", "451"}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "451 4.3.2 <client.example[198.51.100.7]>: Client host rejected: Try again later"},
    /* warn_if_reject, defer_if_*, classes, configuration errors */
    {"warn_if_reject", {"smtpd_client_restrictions", "warn_if_reject reject"}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false, ""},
    {"warn_if_reject only the next", {"smtpd_client_restrictions", "warn_if_reject reject_non_fqdn_helo_hostname reject"}, RCPT, NULL, NULL, NULL,
     "joe@mail.example.com", NULL, false, "554 5.7.1 <client.example[198.51.100.7]>: Client host rejected: Access denied"},
    {"defer_if_permit", {"smtpd_client_restrictions", "defer_if_permit"}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "450 4.7.0 <client.example[198.51.100.7]>: Client host rejected: defer_if_permit requested"},
    {"defer_if_permit then relay denied", {"smtpd_client_restrictions", "defer_if_permit", STRICT_RELAY}, RCPT, NULL, NULL, NULL,
     "u@remote.example", NULL, false, "554 5.7.1 <u@remote.example>: Relay access denied"},
    {"defer_if_reject", {"smtpd_client_restrictions", "defer_if_reject", "smtpd_sender_restrictions", "reject"}, RCPT, NULL, NULL, NULL,
     "joe@mail.example.com", NULL, false, "450 4.7.0 <client.example[198.51.100.7]>: Client host rejected: defer_if_reject requested"},
    {"class by name", {"smtpd_restriction_classes", "strict", "strict", "reject", "smtpd_sender_restrictions", "strict"}, RCPT, NULL, NULL, NULL,
     "joe@mail.example.com", NULL, false, "554 5.7.1 <a@sender.example>: Sender address rejected: Access denied"},
    {"class from a table", {"smtpd_restriction_classes", "easy strict", "easy", "permit", "strict", "reject_unauth_destination",
                            "smtpd_recipient_restrictions", "check_sender_access inline:{a@sender.example=easy, b@sender.example=strict}"},
     RCPT, NULL, NULL, "b@sender.example", "joe@mail.example.com", NULL, false, ""},
    {"class permit from a table", {"smtpd_restriction_classes", "easy", "easy", "permit_sasl_authenticated, reject",
                            "smtpd_sender_restrictions", "check_sender_access inline:{a@sender.example=easy}"},
     RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false, "554 5.7.1 <a@sender.example>: Sender address rejected: Access denied"},
    {"class recursion", {"smtpd_restriction_classes", "loop", "loop", "loop", "smtpd_client_restrictions", "loop"},
     RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false, "451 4.3.5 Server configuration error"},
    {"unknown restriction", {"smtpd_client_restrictions", "permit_nobody"}, RCPT, NULL, NULL, NULL, "joe@mail.example.com", NULL, false,
     "451 4.3.5 Server configuration error"},
    {"unknown after permit not reached", {"smtpd_client_restrictions", "permit_mynetworks, frob"}, RCPT, "192.0.2.3", NULL, NULL,
     "joe@mail.example.com", NULL, false, ""},
    {"DNS restriction absent", {"smtpd_client_restrictions", "reject_rbl_client zen.example, permit"}, RCPT, NULL, NULL, NULL,
     "joe@mail.example.com", NULL, false, "451 4.3.5 Server configuration error"},
    {"reject_unknown_sender_domain absent", {"smtpd_sender_restrictions", "reject_unknown_sender_domain"}, RCPT, NULL, NULL, NULL,
     "joe@mail.example.com", NULL, false, "451 4.3.5 Server configuration error"},
    {"missing table name", {"smtpd_client_restrictions", "check_client_access"}, RCPT, NULL, NULL, NULL,
     "joe@mail.example.com", NULL, false, "451 4.3.5 Server configuration error"},
    {"table that cannot open", {"smtpd_client_restrictions", "check_client_access hash:/nonexistent/access"}, RCPT, NULL, NULL, NULL,
     "joe@mail.example.com", NULL, false, "451 4.3.5 Server configuration error"},
    {"upper-case restriction names", {"smtpd_client_restrictions", "PERMIT_MYNETWORKS,REJECT"}, RCPT, "192.0.2.4", NULL, NULL,
     "joe@mail.example.com", NULL, false, ""},
    {"sasl not authenticated", {"smtpd_relay_restrictions", "permit_sasl_authenticated, reject"}, RCPT, NULL, NULL, NULL,
     "joe@mail.example.com", "", false, "554 5.7.1 <joe@mail.example.com>: Recipient address rejected: Access denied"},
};

static void run_case(const struct eval_case *c)
{
    struct policy_fixture f;
    policy_session_t s = default_session();
    policy_decision_t d;
    const char *got;

    if (fixture_open(&f, c->settings) < 0)
        fail_msg("%s: policy_new: %s", c->label, f.err ? f.err : "?");
    if (c->client_addr)
        s.client_addr = c->client_addr;
    if (c->helo)
        s.helo_name = strcmp(c->helo, "-") == 0 ? NULL : c->helo;
    if (c->sender)
        s.sender = c->sender;
    s.recipient = c->recipient;
    s.sasl_username = c->sasl;
    s.pipelined_improperly = c->pipelined;
    policy_decision_init(&d);
    policy_check(f.p, c->event, &s, &d);
    got = d.verdict == POLICY_ACCEPT ? "" : d.reply.data;
    if (strcmp(got, c->want) != 0)
        fail_msg("%s: got \"%s\", want \"%s\"", c->label, got, c->want);
    if ((d.verdict == POLICY_REJECT) != (c->want[0] == '5'))
        fail_msg("%s: verdict %d does not match \"%s\"", c->label, (int) d.verdict, c->want);
    policy_decision_dispose(&d);
    fixture_close(&f);
}

static void test_cases(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        run_case(&cases[i]);
}

/* Actions come back in the decision. */
static void test_actions(void **state)
{
    static const char *const settings[] = {
        "smtpd_sender_restrictions",
        "check_sender_access inline:{ {a@sender.example = HOLD check me} }, "
        "check_recipient_access inline:{ {joe@mail.example.com = PREPEND X-Seen: yes} }, "
        "check_client_access inline:{ {198.51.100.7 = DISCARD} }",
        NULL};
    struct policy_fixture f;
    policy_session_t s = default_session();
    policy_decision_t d;

    (void) state;
    assert_int_equal(fixture_open(&f, settings), 0);
    s.recipient = "joe@mail.example.com";
    policy_decision_init(&d);
    assert_int_equal(policy_check(f.p, POLICY_AT_RCPT, &s, &d), POLICY_ACCEPT);
    assert_true(d.hold);
    assert_string_equal(d.hold_reason.data, "check me");
    assert_int_equal(d.prepend_count, 1);
    assert_string_equal(d.prepend[0], "X-Seen: yes");
    assert_true(d.discard);
    policy_decision_dispose(&d);
    fixture_close(&f);
}

/* Configurations that must not start. */
static void test_refused_configs(void **state)
{
    static const char *const open_relay[] = {"smtpd_relay_restrictions", "permit_mynetworks",
                                             "smtpd_recipient_restrictions", "permit", NULL};
    static const char *const no_class_value[] = {"smtpd_restriction_classes", "undefined_class", NULL};
    static const char *const bad_net[] = {"mynetworks", "192.0.2.1/24", NULL};
    static const char *const bad_code[] = {"reject_code", "250", NULL};
    static const char *const bad_bool[] = {"smtpd_delay_reject", "maybe", NULL};
    const char *const *all[] = {open_relay, no_class_value, bad_net, bad_code, bad_bool};
    struct policy_fixture f;

    (void) state;
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        assert_int_equal(fixture_open(&f, all[i]), -1);
        assert_non_null(f.err);
        fixture_close(&f);
    }
    assert_int_equal(fixture_open(&f, open_relay), -1);
    assert_non_null(strstr(f.err, "smtpd_relay_restrictions or smtpd_recipient_restrictions"));
    fixture_close(&f);
}

static void test_log_line(void **state)
{
    policy_session_t s = default_session();
    buf_t out = BUF_INIT;

    (void) state;
    s.recipient = "u@remote.example";
    buf_init(&out);
    policy_log_line(&out, "reject", "RCPT", &s, "554 5.7.1 <u@remote.example>: Relay access denied");
    assert_string_equal(out.data, "NOQUEUE: reject: RCPT from client.example[198.51.100.7]: 554 5.7.1 "
                                  "<u@remote.example>: Relay access denied; from=<a@sender.example> "
                                  "to=<u@remote.example> proto=ESMTP helo=<helo.example.net>");
    buf_dispose(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_actions),
        cmocka_unit_test(test_refused_configs),
        cmocka_unit_test(test_log_line),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
