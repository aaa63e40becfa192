/* fuzz_smtp_auth.c - fuzz target for SMTP AUTH in the smtpd session
 * engine: the input is everything a client sends (read in small chunks
 * through an in-memory stream) to a session with AUTH enabled over a
 * fake SASL backend (PLAIN, LOGIN, and ENDLESS, which challenges
 * forever); the first byte picks switches. Invariants: the session ends,
 * every reply line parses as a reply, a login is reported only after a
 * 235 reply went out, nothing leaks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtp/reply.h"
#include "smtpd/smtpd_session.h"
#include "util/buf.h"
#include "util/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fake {
    int round;
    bool done;
    bool fail_mechs;
};

static int fake_mechs(void *ctx, bool tls, buf_t *out, buf_t *err)
{
    struct fake *f = ctx;

    (void) tls;
    if (f->fail_mechs) {
        buf_puts(err, "backend down");
        return -1;
    }
    buf_puts(out, "PLAIN LOGIN ENDLESS");
    return 0;
}

static smtpd_auth_result_t verdict(struct fake *f, const void *data, size_t len, buf_t *reason)
{
    if (len == 11 && memcmp(data, "\0joe\0secret", 11) == 0) {
        f->done = true;
        return SMTPD_AUTH_DONE;
    }
    buf_puts(reason, len % 2 ? "authentication failure" : "odd\tbytes\x01");
    return len % 3 == 1 ? SMTPD_AUTH_TEMP : SMTPD_AUTH_FAIL;
}

static smtpd_auth_result_t fake_start(void *ctx, bool tls, const char *mech, bool has_initial,
                                      const void *initial, size_t len, buf_t *challenge,
                                      buf_t *reason)
{
    struct fake *f = ctx;

    (void) tls;
    f->round = 0;
    if (strcmp(mech, "PLAIN") == 0 && has_initial)
        return verdict(f, initial, len, reason);
    buf_append(challenge, "chal\0lenge", 10);
    return SMTPD_AUTH_CONTINUE;
}

static smtpd_auth_result_t fake_step(void *ctx, const void *resp, size_t len, buf_t *challenge,
                                     buf_t *reason)
{
    struct fake *f = ctx;

    if (++f->round < 2 || (len > 0 && ((const char *) resp)[0] == 'E')) {
        buf_puts(challenge, "more");
        return SMTPD_AUTH_CONTINUE;
    }
    return verdict(f, resp, len, reason);
}

static const char *fake_username(void *ctx)
{
    struct fake *f = ctx;

    return f->done ? "joe" : NULL;
}

static void no_sleep(int ms)
{
    (void) ms;
}

static void check_output(const buf_t *out, bool authenticated)
{
    size_t start = 0;
    smtp_reply_line_t line;
    bool saw_235 = false;

    for (size_t i = 0; i + 1 < out->len; i++) {
        if (out->data[i] == '\r' && out->data[i + 1] == '\n') {
            if (smtp_reply_parse_line(out->data + start, i - start, &line) < 0)
                abort();
            saw_235 |= line.code == 235;
            start = i + 2;
        }
    }
    if (start != out->len || (authenticated && !saw_235))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fake fake = {0, false, false};
    smtpd_auth_t auth = {&fake, fake_mechs, fake_start, fake_step, fake_username, NULL};
    smtpd_config_t cfg;
    smtpd_sink_t sink;
    buf_t out = BUF_INIT;
    smtpd_session_t *s;
    stream_t *st;

    if (size < 2)
        return 0;
    msg_init("fuzz_smtp_auth", 0);
    smtpd_config_defaults(&cfg);
    cfg.sleep = no_sleep;
    cfg.auth = &auth;
    cfg.forbid_unauth_pipelining = (data[0] & 1) != 0;
    cfg.broken_sasl_auth_clients = (data[0] & 2) != 0;
    cfg.tls_auth_only = (data[0] & 4) != 0;
    fake.fail_mechs = (data[0] & 8) != 0;
    if (data[0] & 16)
        cfg.sasl_response_limit = 16;
    memset(&sink, 0, sizeof(sink));
    buf_init(&out);
    s = smtpd_session_new(&cfg, &sink);
    st = stream_open_memory(data + 2, size - 2, 1 + data[1] % 17, &out);
    (void) smtpd_session_run(s, st);
    stream_close(st);
    check_output(&out, smtpd_session_sasl_username(s) != NULL);
    smtpd_session_free(s);
    buf_dispose(&out);
    return 0;
}
