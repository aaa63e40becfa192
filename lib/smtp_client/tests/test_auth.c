/* test_auth.c - SMTP AUTH on the client session against scripted servers
 * with a scripted SASL side: initial response, challenge rounds,
 * refusal, a malformed challenge (cancelled with "*"), a SASL side that
 * fails, and endless challenges. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "scripted_server.h"
#include "smtp_client/smtpc_auth.h"
#include "util/mem.h"

static const smtpc_params_t params = {
    .helo_name = "client.example",
    .t = {2, 2, 2, 2, 2, 2, 2, 2},
};

/* The scripted SASL side: "X" mechanism, initial response "hello", each
 * challenge answered with "re:" + challenge; fail_next makes it fail. */
typedef struct fake_sasl {
    bool initial;
    bool fail_next;
    int rounds;
} fake_sasl_t;

static int fake_first(void *ctx, const char *mechs, const char **mech, buf_t *initial,
                      bool *has_initial, char **err)
{
    fake_sasl_t *f = ctx;

    (void) err;
    assert_string_equal(mechs, "X");
    *mech = "X";
    buf_set(initial, "hello");
    *has_initial = f->initial;
    return 0;
}

static int fake_next(void *ctx, const char *challenge, size_t len, buf_t *response, char **err)
{
    fake_sasl_t *f = ctx;

    f->rounds++;
    if (f->fail_next) {
        *err = xstrdup("no way");
        return -1;
    }
    buf_set(response, "re:");
    buf_append(response, challenge, len);
    return 0;
}

static const smtpc_sasl_ops_t fake_ops = {fake_first, fake_next};

static int run(const script_step_t *steps, size_t n, fake_sasl_t *f, smtpc_outcome_t *out,
               buf_t *transcript)
{
    script_server_t srv;
    smtpc_session_t ss;
    int rc;

    script_start(&srv, steps, n);
    smtpc_session_init(&ss, stream_open_fd(srv.client_fd, STREAM_CLOSE_FD), &params,
                       "relay.test", "192.0.2.9", "587");
    rc = smtpc_session_auth(&ss, "X", &fake_ops, f, out);
    smtpc_session_dispose(&ss);
    assert_int_equal(script_finish(&srv, transcript), 0);
    return rc;
}

static void test_initial_and_rounds(void **state)
{
    /* "hello" = aGVsbG8=, "abc" = YWJj, "re:abc" = cmU6YWJj, "" challenge = "" */
    static const script_step_t steps[] = {
        {"AUTH X aGVsbG8=\r\n", "334 YWJj\r\n"},
        {"cmU6YWJj\r\n", "334 \r\n"},
        {"cmU6\r\n", "235 2.7.0 Authentication successful\r\n"},
    };
    fake_sasl_t f = {true, false, 0};
    smtpc_outcome_t out;
    buf_t t = BUF_INIT;

    (void) state;
    smtpc_outcome_init(&out);
    assert_int_equal(run(steps, 3, &f, &out, &t), 0);
    assert_int_equal(f.rounds, 2);
    smtpc_outcome_dispose(&out);
    buf_dispose(&t);
}

static void test_refused(void **state)
{
    static const script_step_t steps[] = {
        {"AUTH X\r\n", "334 YWJj\r\n"},
        {"cmU6YWJj\r\n", "535 5.7.8 Error: authentication failed\r\n"},
    };
    fake_sasl_t f = {false, false, 0};
    smtpc_outcome_t out;
    buf_t t = BUF_INIT;

    (void) state;
    smtpc_outcome_init(&out);
    assert_int_equal(run(steps, 2, &f, &out, &t), -1);
    assert_int_equal(out.cls, 4);
    assert_string_equal(out.dsn, "4.7.8");
    assert_string_equal(out.text.data, "SASL authentication failed; server relay.test[192.0.2.9] "
                                       "said: 535 5.7.8 Error: authentication failed");
    smtpc_outcome_dispose(&out);
    buf_dispose(&t);
}

static void test_malformed_and_failing(void **state)
{
    static const script_step_t bad_b64[] = {
        {"AUTH X aGVsbG8=\r\n", "334 !!notbase64\r\n"},
        {"*\r\n", "501 5.7.0 Authentication aborted\r\n"},
    };
    static const script_step_t failing[] = {
        {"AUTH X aGVsbG8=\r\n", "334 YWJj\r\n"},
        {"*\r\n", "501 5.7.0 Authentication aborted\r\n"},
    };
    fake_sasl_t f = {true, false, 0};
    smtpc_outcome_t out;
    buf_t t = BUF_INIT;

    (void) state;
    smtpc_outcome_init(&out);
    assert_int_equal(run(bad_b64, 2, &f, &out, &t), -1);
    assert_string_equal(out.dsn, "4.5.0");
    assert_int_equal(f.rounds, 0);
    f.fail_next = true;
    assert_int_equal(run(failing, 2, &f, &out, &t), -1);
    assert_string_equal(out.dsn, "4.7.0");
    assert_string_equal(out.text.data, "SASL authentication failed; cannot authenticate to "
                                       "server relay.test[192.0.2.9]: no way");
    smtpc_outcome_dispose(&out);
    buf_dispose(&t);
}

static void test_endless(void **state)
{
    script_step_t steps[SMTPC_AUTH_ROUNDS + 2];
    fake_sasl_t f = {true, false, 0};
    smtpc_outcome_t out;
    buf_t t = BUF_INIT;

    (void) state;
    steps[0] = (script_step_t) {"AUTH X", "334 \r\n"};
    for (int i = 1; i <= SMTPC_AUTH_ROUNDS; i++)
        steps[i] = (script_step_t) {"cmU6", "334 \r\n"};
    steps[SMTPC_AUTH_ROUNDS + 1] = (script_step_t) {NULL, NULL};
    smtpc_outcome_init(&out);
    assert_int_equal(run(steps, SMTPC_AUTH_ROUNDS + 1, &f, &out, &t), -1);
    assert_int_equal(f.rounds, SMTPC_AUTH_ROUNDS);
    assert_int_equal(out.cls, 4);
    smtpc_outcome_dispose(&out);
    buf_dispose(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_initial_and_rounds),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_malformed_and_failing),
        cmocka_unit_test(test_endless),
    };

    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
