/* test_starttls.c - scripted sessions for the STARTTLS parts of the smtpd
 * engine that need no handshake: what EHLO announces per level, 502 at
 * level none, 501 for arguments, 503 inside a transaction, 454 without a
 * usable TLS context, the 530 5.7.0 gate at level encrypt (and the
 * commands it lets through), the protocol name before TLS, and wrapper
 * mode without a context (the connection is dropped before the greeting).
 * Handshakes are tested with real clients (tests/integration/tls). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "script.h"
#include "tls/tls_params.h"
#include "util/mem.h"
#include "util/msg.h"

static smtpd_config_t config(int level)
{
    smtpd_config_t cfg;

    smtpd_config_defaults(&cfg);
    cfg.myhostname = "mx.example";
    cfg.banner = "mx.example ESMTP Postern";
    cfg.client_name = "client.example";
    cfg.client_addr = "192.0.2.1";
    cfg.tls_level = level;
    return cfg;
}

#define RUN(cfg, want_end, counts, ...) run_script((cfg), (want_end), (counts), \
    (const char *const[]) {__VA_ARGS__}, sizeof((const char *const[]) {__VA_ARGS__}) / sizeof(char *))

static void run_script(const smtpd_config_t *cfg, enum smtpd_end want_end, const char *counts,
                       const char *const *steps, size_t n)
{
    smtpd_sink_t sink;
    smtpd_session_t *s;
    enum smtpd_end end;
    char *why = NULL;
    buf_t got = BUF_INIT;

    memset(&sink, 0, sizeof(sink));
    s = smtpd_session_new(cfg, &sink);
    if (smtp_script_run(s, steps, NULL, n, &end, &why) < 0)
        fail_msg("%s", why);
    if (end != want_end)
        fail_msg("session ended with %d, want %d", end, want_end);
    assert_false(smtpd_session_tls_active(s));
    assert_null(smtpd_session_tls_info(s));
    smtpd_session_counts(s, &got);
    if (counts && strcmp(got.data, counts) != 0)
        fail_msg("counts \"%s\", want \"%s\"", got.data, counts);
    buf_dispose(&got);
    smtpd_session_free(s);
}

#define GREETING "S: 220 mx.example ESMTP Postern"
#define EHLO_HEAD "S: 250-mx.example", "S: 250-PIPELINING", "S: 250-SIZE 10240000", "S: 250-VRFY"
#define EHLO_TAIL "S: 250-ENHANCEDSTATUSCODES", "S: 250-8BITMIME", "S: 250-DSN", \
    "S: 250-SMTPUTF8", "S: 250 CHUNKING"

static void test_level_none(void **state)
{
    smtpd_config_t cfg = config(TLS_LEV_NONE);

    (void) state;
    RUN(&cfg, SMTPD_END_QUIT, "ehlo=1 starttls=0/1 quit=1 commands=2/3",
        GREETING, "C: EHLO c", EHLO_HEAD, EHLO_TAIL,
        "C: STARTTLS", "S: 502 5.5.2 Error: command not recognized",
        "C: QUIT", "S: 221 2.0.0 Bye");
}

static void test_level_may_without_context(void **state)
{
    smtpd_config_t cfg = config(TLS_LEV_MAY);

    (void) state;
    RUN(&cfg, SMTPD_END_QUIT, "ehlo=1 starttls=0/3 mail=1 rset=1 quit=1 commands=4/7",
        GREETING, "C: EHLO c", EHLO_HEAD, "S: 250-STARTTLS", EHLO_TAIL,
        "C: STARTTLS now", "S: 501 5.5.4 Syntax: STARTTLS",
        "C: MAIL FROM:<a@b>", "S: 250 2.1.0 Ok",
        "C: starttls", "S: 503 5.5.1 Error: MAIL transaction in progress",
        "C: RSET", "S: 250 2.0.0 Ok",
        "C: StartTLS", "S: 454 4.7.0 TLS not available due to local problem",
        "C: QUIT", "S: 221 2.0.0 Bye");
    /* HELO: no extensions, but STARTTLS still answers */
    RUN(&cfg, SMTPD_END_QUIT, NULL,
        GREETING, "C: HELO c", "S: 250 mx.example",
        "C: STARTTLS", "S: 454 4.7.0 TLS not available due to local problem",
        "C: QUIT", "S: 221 2.0.0 Bye");
}

static void test_level_encrypt(void **state)
{
    smtpd_config_t cfg = config(TLS_LEV_ENCRYPT);

    (void) state;
    RUN(&cfg, SMTPD_END_QUIT, NULL,
        GREETING, "C: NOOP", "S: 250 2.0.0 Ok",
        "C: EHLO c", EHLO_HEAD, "S: 250-STARTTLS", EHLO_TAIL,
        "C: MAIL FROM:<a@b>", "S: 530 5.7.0 Must issue a STARTTLS command first",
        "C: RCPT TO:<a@b>", "S: 530 5.7.0 Must issue a STARTTLS command first",
        "C: DATA", "S: 530 5.7.0 Must issue a STARTTLS command first",
        "C: BDAT 3 LAST", "S: 530 5.7.0 Must issue a STARTTLS command first",
        "C: VRFY a@b", "S: 530 5.7.0 Must issue a STARTTLS command first",
        "C: XYZZY", "S: 502 5.5.2 Error: command not recognized",
        "C: RSET", "S: 250 2.0.0 Ok",
        "C: HELO c", "S: 250 mx.example",
        "C: STARTTLS", "S: 454 4.7.0 TLS not available due to local problem",
        "C: QUIT", "S: 221 2.0.0 Bye");
}

static void test_wrapper_without_context(void **state)
{
    smtpd_config_t cfg = config(TLS_LEV_MAY);
    smtpd_sink_t sink;
    smtpd_session_t *s;
    buf_t out = BUF_INIT;
    stream_t *st = stream_open_memory("EHLO c\r\n", 8, 0, &out);

    (void) state;
    cfg.tls_wrapper = true;
    memset(&sink, 0, sizeof(sink));
    s = smtpd_session_new(&cfg, &sink);
    /* no greeting at all: the client never sees plaintext */
    assert_int_equal(smtpd_session_run(s, st), SMTPD_END_PROTOCOL);
    assert_int_equal(out.len, 0);
    smtpd_session_free(s);
    stream_close(st);
    buf_dispose(&out);
}

static void test_protocol_name(void **state)
{
    smtpd_config_t cfg = config(TLS_LEV_NONE);
    smtpd_sink_t sink;
    smtpd_session_t *s;

    (void) state;
    memset(&sink, 0, sizeof(sink));
    s = smtpd_session_new(&cfg, &sink);
    assert_string_equal(smtpd_session_protocol(s), "SMTP");
    smtpd_session_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_level_none),
        cmocka_unit_test(test_level_may_without_context),
        cmocka_unit_test(test_level_encrypt),
        cmocka_unit_test(test_wrapper_without_context),
        cmocka_unit_test(test_protocol_name),
    };

    msg_init("smtpd_test_starttls", MSG_SINK_STDERR);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
