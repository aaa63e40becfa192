/* test_auth.c - scripted sessions of the smtpd engine's SMTP AUTH
 * (RFC 4954) against a fake SASL backend with one user (joe/secret):
 * EHLO keywords (with and without broken_sasl_auth_clients,
 * smtpd_tls_auth_only, no AUTH after HELO or when disabled), PLAIN with
 * an initial response, with "=" and without one, LOGIN challenges,
 * wrong password, "*" abort, bad base64, unknown mechanism, AUTH twice,
 * AUTH inside a transaction, overlong response lines, temporary
 * failures, the MAIL AUTH= parameter and the two throttling hooks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "script.h"
#include "smtp/reply.h"
#include "util/mem.h"

/* --- the fake backend: PLAIN, LOGIN and TEMP ---------------------------- */

struct fake {
    int step;                   /* LOGIN: 1 after the user name */
    char user[64];
    bool done;
    int resets;
};

static int fake_mechs(void *ctx, bool tls, buf_t *out, buf_t *err)
{
    (void) ctx;
    (void) err;
    buf_puts(out, tls ? "PLAIN LOGIN TEMP TLSONLY" : "PLAIN LOGIN TEMP");
    return 0;
}

static smtpd_auth_result_t check(struct fake *f, const char *user, const char *pass,
                                 buf_t *reason)
{
    if (strcmp(user, "joe") == 0 && strcmp(pass, "secret") == 0) {
        f->done = true;
        snprintf(f->user, sizeof(f->user), "%s", user);
        return SMTPD_AUTH_DONE;
    }
    buf_puts(reason, "authentication failure");
    return SMTPD_AUTH_FAIL;
}

static smtpd_auth_result_t plain(struct fake *f, const char *data, size_t len, buf_t *reason)
{
    const char *user, *pass;

    if (len < 3 || data[0] != '\0' || memchr(data + 1, '\0', len - 1) == NULL) {
        buf_puts(reason, "bad PLAIN response");
        return SMTPD_AUTH_FAIL;
    }
    user = data + 1;
    pass = user + strlen(user) + 1;
    return check(f, user, pass, reason);
}

static smtpd_auth_result_t fake_start(void *ctx, bool tls, const char *mech, bool has_initial,
                                      const void *initial, size_t len, buf_t *challenge,
                                      buf_t *reason)
{
    struct fake *f = ctx;

    (void) tls;
    f->step = 0;
    if (strcmp(mech, "PLAIN") == 0) {
        if (!has_initial)
            return SMTPD_AUTH_CONTINUE;     /* empty challenge */
        return plain(f, initial, len, reason);
    }
    if (strcmp(mech, "LOGIN") == 0) {
        buf_puts(challenge, "Username:");
        return SMTPD_AUTH_CONTINUE;
    }
    buf_puts(reason, "backend unavailable");
    return SMTPD_AUTH_TEMP;
}

static smtpd_auth_result_t fake_step(void *ctx, const void *resp, size_t len, buf_t *challenge,
                                     buf_t *reason)
{
    struct fake *f = ctx;

    if (f->user[0] == '\0' && f->step == 0 && len > 0 && ((const char *) resp)[0] == '\0')
        return plain(f, resp, len, reason);
    if (f->step == 0) {
        snprintf(f->user, sizeof(f->user), "%.*s", (int) len, (const char *) resp);
        f->step = 1;
        buf_puts(challenge, "Password:");
        return SMTPD_AUTH_CONTINUE;
    }
    {
        char user[64];
        buf_t pass = BUF_INIT;
        smtpd_auth_result_t r;

        snprintf(user, sizeof(user), "%s", f->user);
        f->user[0] = '\0';
        buf_init(&pass);
        buf_append(&pass, resp, len);
        r = check(f, user, pass.data, reason);
        buf_dispose(&pass);
        return r;
    }
}

static const char *fake_username(void *ctx)
{
    struct fake *f = ctx;

    return f->done ? f->user : NULL;
}

static void fake_reset(void *ctx)
{
    struct fake *f = ctx;

    f->resets++;
    f->done = false;
    f->user[0] = '\0';
}

/* --- fixture ----------------------------------------------------------- */

struct fixture {
    smtpd_config_t cfg;
    smtpd_sink_t sink;
    smtpd_auth_t auth;
    struct fake fake;
    int checks, failures;
    bool refuse_auth;
    buf_t counts, user, method;
    char last_failed_mech[32];
};

static int sink_auth_check(void *ctx, buf_t *reply)
{
    struct fixture *f = ctx;

    f->checks++;
    if (!f->refuse_auth)
        return 0;
    smtp_reply_add(reply, 450, "4.7.1", "Error: too many AUTH commands");
    return -1;
}

static void sink_auth_failed(void *ctx, const char *mech)
{
    struct fixture *f = ctx;

    f->failures++;
    snprintf(f->last_failed_mech, sizeof(f->last_failed_mech), "%s", mech);
}

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));

    buf_init(&f->counts);
    buf_init(&f->user);
    buf_init(&f->method);
    smtpd_config_defaults(&f->cfg);
    f->cfg.myhostname = "mx.example";
    f->cfg.banner = "mx.example ESMTP Postern";
    f->cfg.client_name = "client.example";
    f->cfg.client_addr = "192.0.2.1";
    f->cfg.ext = SMTP_EXT_PIPELINING | SMTP_EXT_ENHANCEDSTATUSCODES;
    f->auth = (smtpd_auth_t) {&f->fake, fake_mechs, fake_start, fake_step, fake_username,
                              fake_reset};
    f->cfg.auth = &f->auth;
    f->sink.ctx = f;
    f->sink.auth_check = sink_auth_check;
    f->sink.auth_failed = sink_auth_failed;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    buf_dispose(&f->counts);
    buf_dispose(&f->user);
    buf_dispose(&f->method);
    xfree(f);
    return 0;
}

#define RUN(f, want_end, ...) run_script((f), (want_end), \
    (const char *const[]) {__VA_ARGS__}, sizeof((const char *const[]) {__VA_ARGS__}) / sizeof(char *))

static void run_script(struct fixture *f, enum smtpd_end want_end, const char *const *steps,
                       size_t n)
{
    smtpd_session_t *s = smtpd_session_new(&f->cfg, &f->sink);
    enum smtpd_end end;
    char *why = NULL;
    const char *user;

    f->fake.done = false;
    f->fake.user[0] = '\0';
    if (smtp_script_run(s, steps, NULL, n, &end, &why) < 0)
        fail_msg("%s", why);
    if (end != want_end)
        fail_msg("session ended with %d, want %d", end, want_end);
    smtpd_session_counts(s, &f->counts);
    user = smtpd_session_sasl_username(s);
    buf_set(&f->user, user ? user : "");
    buf_set(&f->method, user ? smtpd_session_sasl_method(s) : "");
    smtpd_session_free(s);
}

#define GREETING "S: 220 mx.example ESMTP Postern"
#define EHLO_AUTH "S: 250-mx.example", "S: 250-PIPELINING", "S: 250-VRFY", \
    "S: 250-AUTH PLAIN LOGIN TEMP", "S: 250 ENHANCEDSTATUSCODES"
#define EHLO_NOAUTH "S: 250-mx.example", "S: 250-PIPELINING", "S: 250-VRFY", \
    "S: 250 ENHANCEDSTATUSCODES"
/* base64 of "\0joe\0secret" and "\0joe\0wrong" */
#define JOE_OK "AGpvZQBzZWNyZXQ="
#define JOE_BAD "AGpvZQB3cm9uZw=="

static void test_plain_initial_response(void **state)
{
    struct fixture *f = *state;

    RUN(f, SMTPD_END_QUIT, GREETING, "C: EHLO c", EHLO_AUTH,
        "C: AUTH PLAIN " JOE_OK, "S: 235 2.7.0 Authentication successful",
        "C: AUTH PLAIN " JOE_OK, "S: 503 5.5.1 Error: already authenticated",
        "C: MAIL FROM:<joe@example.com> AUTH=<>", "S: 250 2.1.0 Ok",
        "C: QUIT", "S: 221 2.0.0 Bye");
    assert_string_equal(f->user.data, "joe");
    assert_string_equal(f->method.data, "PLAIN");
    assert_string_equal(f->counts.data, "ehlo=1 auth=1/2 mail=1 quit=1 commands=4/5");
    assert_int_equal(f->checks, 1);
    assert_int_equal(f->failures, 0);
}

static void test_plain_without_initial_response(void **state)
{
    struct fixture *f = *state;

    RUN(f, SMTPD_END_QUIT, GREETING, "C: EHLO c", EHLO_AUTH,
        "C: auth plain", "S: 334 ", "C: " JOE_OK, "S: 235 2.7.0 Authentication successful",
        "C: QUIT", "S: 221 2.0.0 Bye");
    assert_string_equal(f->user.data, "joe");
}

static void test_login(void **state)
{
    struct fixture *f = *state;

    RUN(f, SMTPD_END_QUIT, GREETING, "C: EHLO c", EHLO_AUTH,
        "C: AUTH LOGIN", "S: 334 VXNlcm5hbWU6", "C: am9l", "S: 334 UGFzc3dvcmQ6",
        "C: c2VjcmV0", "S: 235 2.7.0 Authentication successful",
        "C: QUIT", "S: 221 2.0.0 Bye");
    assert_string_equal(f->user.data, "joe");
    assert_string_equal(f->method.data, "LOGIN");
}

static void test_wrong_password(void **state)
{
    struct fixture *f = *state;

    RUN(f, SMTPD_END_QUIT, GREETING, "C: EHLO c", EHLO_AUTH,
        "C: AUTH PLAIN " JOE_BAD,
        "S: 535 5.7.8 Error: authentication failed: authentication failure",
        "C: AUTH LOGIN", "S: 334 VXNlcm5hbWU6", "C: am9l", "S: 334 UGFzc3dvcmQ6", "C: eA==",
        "S: 535 5.7.8 Error: authentication failed: authentication failure",
        "C: AUTH PLAIN =", "S: 535 5.7.8 Error: authentication failed: bad PLAIN response",
        "C: MAIL FROM:<a@b>", "S: 250 2.1.0 Ok",
        "C: QUIT", "S: 221 2.0.0 Bye");
    assert_string_equal(f->user.data, "");
    assert_int_equal(f->failures, 3);
    assert_string_equal(f->last_failed_mech, "PLAIN");
    assert_int_equal(f->checks, 3);
}

static void test_abort_and_bad_base64(void **state)
{
    struct fixture *f = *state;

    RUN(f, SMTPD_END_QUIT, GREETING, "C: EHLO c", EHLO_AUTH,
        "C: AUTH LOGIN", "S: 334 VXNlcm5hbWU6", "C: *", "S: 501 5.7.0 Authentication aborted",
        "C: AUTH PLAIN AGpv!", "S: 501 5.5.2 Cannot decode response",
        "C: AUTH PLAIN AGpvZQBzZWNyZXQ", "S: 501 5.5.2 Cannot decode response",
        "C: AUTH LOGIN", "S: 334 VXNlcm5hbWU6", "C: am9l =", "S: 501 5.5.2 Cannot decode response",
        "C: AUTH PLAIN " JOE_OK, "S: 235 2.7.0 Authentication successful",
        "C: QUIT", "S: 221 2.0.0 Bye");
    assert_string_equal(f->user.data, "joe");
    assert_int_equal(f->failures, 0);
}

static void test_refusals(void **state)
{
    struct fixture *f = *state;

    RUN(f, SMTPD_END_QUIT, GREETING, "C: EHLO c", EHLO_AUTH,
        "C: AUTH", "S: 501 5.5.4 Syntax: AUTH mechanism",
        "C: AUTH CRAM-MD5", "S: 504 5.5.4 Unsupported authentication mechanism",
        "C: AUTH TLSONLY", "S: 504 5.5.4 Unsupported authentication mechanism",
        "C: AUTH AVERYVERYLONGMECHANISMNAME", "S: 504 5.5.4 Unsupported authentication mechanism",
        "C: AUTH TEMP", "S: 454 4.7.0 Temporary authentication failure: backend unavailable",
        "C: MAIL FROM:<a@b>", "S: 250 2.1.0 Ok",
        "C: AUTH PLAIN " JOE_OK, "S: 503 5.5.1 Error: MAIL transaction in progress",
        "C: RSET", "S: 250 2.0.0 Ok",
        "C: AUTH PLAIN " JOE_OK, "S: 235 2.7.0 Authentication successful",
        "C: QUIT", "S: 221 2.0.0 Bye");
    assert_int_equal(f->failures, 0);
}

static void test_not_offered(void **state)
{
    struct fixture *f = *state;

    /* HELO: no extensions, no AUTH */
    RUN(f, SMTPD_END_QUIT, GREETING, "C: HELO c", "S: 250 mx.example",
        "C: AUTH PLAIN " JOE_OK, "S: 503 5.5.1 Error: authentication not enabled",
        "C: QUIT", "S: 221 2.0.0 Bye");
    /* before EHLO */
    RUN(f, SMTPD_END_QUIT, GREETING,
        "C: AUTH PLAIN " JOE_OK, "S: 503 5.5.1 Error: authentication not enabled",
        "C: QUIT", "S: 221 2.0.0 Bye");
    /* smtpd_tls_auth_only without TLS */
    f->cfg.tls_auth_only = true;
    RUN(f, SMTPD_END_QUIT, GREETING, "C: EHLO c", EHLO_NOAUTH,
        "C: AUTH PLAIN " JOE_OK, "S: 503 5.5.1 Error: authentication not enabled",
        "C: MAIL FROM:<a@b> AUTH=<>", "S: 555 5.5.4 Unsupported option: AUTH=<>",
        "C: QUIT", "S: 221 2.0.0 Bye");
    /* smtpd_sasl_auth_enable = no */
    f->cfg.tls_auth_only = false;
    f->cfg.auth = NULL;
    RUN(f, SMTPD_END_QUIT, GREETING, "C: EHLO c", EHLO_NOAUTH,
        "C: AUTH PLAIN " JOE_OK, "S: 503 5.5.1 Error: authentication not enabled",
        "C: QUIT", "S: 221 2.0.0 Bye");
    assert_int_equal(f->checks, 0);
}

static void test_broken_clients(void **state)
{
    struct fixture *f = *state;

    f->cfg.broken_sasl_auth_clients = true;
    RUN(f, SMTPD_END_QUIT, GREETING, "C: EHLO c", "S: 250-mx.example", "S: 250-PIPELINING",
        "S: 250-VRFY", "S: 250-AUTH PLAIN LOGIN TEMP", "S: 250-AUTH=PLAIN LOGIN TEMP",
        "S: 250 ENHANCEDSTATUSCODES", "C: QUIT", "S: 221 2.0.0 Bye");
}

static void test_throttle_hook(void **state)
{
    struct fixture *f = *state;

    f->refuse_auth = true;
    RUN(f, SMTPD_END_QUIT, GREETING, "C: EHLO c", EHLO_AUTH,
        "C: AUTH PLAIN " JOE_OK, "S: 450 4.7.1 Error: too many AUTH commands",
        "C: QUIT", "S: 221 2.0.0 Bye");
    assert_string_equal(f->user.data, "");
    assert_int_equal(f->checks, 1);
}

static void test_long_response_and_lost_connection(void **state)
{
    struct fixture *f = *state;
    char *line = xmalloc(200);

    f->cfg.sasl_response_limit = 100;
    memset(line, 'A', 199);
    line[0] = 'C', line[1] = ':', line[2] = ' ';
    line[199] = '\0';
    RUN(f, SMTPD_END_QUIT, GREETING, "C: EHLO c", EHLO_AUTH,
        "C: AUTH LOGIN", "S: 334 VXNlcm5hbWU6", line,
        "S: 500 5.5.6 Authentication Error: line too long", "C: QUIT", "S: 221 2.0.0 Bye");
    xfree(line);
    /* the client goes away in the middle of the exchange */
    RUN(f, SMTPD_END_LOST, GREETING, "C: EHLO c", EHLO_AUTH,
        "C: AUTH LOGIN", "S: 334 VXNlcm5hbWU6");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_plain_initial_response, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plain_without_initial_response, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_password, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_and_bad_base64, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_offered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broken_clients, setup, teardown),
        cmocka_unit_test_setup_teardown(test_throttle_hook, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_response_and_lost_connection, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
