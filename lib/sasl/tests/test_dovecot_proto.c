/* test_dovecot_proto.c - unit tests for the Dovecot auth protocol line
 * format: splitting and tab escaping, handshake lines, answers, and the
 * nasty cases (overlong lines, control bytes, missing fields, unknown
 * answers, huge ids, upper/lower case, escapes at the end). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "sasl/dovecot_proto.h"
#include "util/mem.h"

static dovecot_fields_t fields;

static int split(const char *line)
{
    char *err = NULL;
    int rc = dovecot_fields_split(&fields, line, strlen(line), &err);

    assert_true((rc < 0) == (err != NULL));
    xfree(err);
    return rc;
}

static int setup(void **state)
{
    (void) state;
    dovecot_fields_init(&fields);
    return 0;
}

static int teardown(void **state)
{
    (void) state;
    dovecot_fields_dispose(&fields);
    return 0;
}

static void test_split_and_unescape(void **state)
{
    (void) state;
    assert_int_equal(split("OK\t1\tuser=joe"), 0);
    assert_int_equal(fields.count, 3);
    assert_string_equal(fields.field[2].data, "user=joe");
    assert_int_equal(split("FAIL\t7\treason=a\001tb\001nc\001rd\0011e\001xf"), 0);
    assert_string_equal(fields.field[2].data, "reason=a\tb\nc\rd\001exf");
    assert_int_equal(split("X\tnul\0010here"), 0);
    assert_int_equal(fields.field[1].len, 8);
    assert_memory_equal(fields.field[1].data, "nul\0here", 8);
    /* empty fields are kept */
    assert_int_equal(split("A\t\t"), 0);
    assert_int_equal(fields.count, 3);
    assert_int_equal(split(""), 0);
    assert_int_equal(fields.count, 1);
}

static void test_split_rejects(void **state)
{
    char big[DOVECOT_LINE_MAX + 2];
    buf_t many = BUF_INIT;

    (void) state;
    assert_int_equal(split("OK\t1\001"), -1);          /* escape at the end */
    assert_int_equal(split("OK\t1\r"), -1);            /* CR inside */
    assert_int_equal(split("OK\n1"), -1);              /* LF inside */
    assert_int_equal(dovecot_fields_split(&fields, "OK\0001", 4, NULL), -1);
    memset(big, 'a', sizeof(big));
    assert_int_equal(dovecot_fields_split(&fields, big, sizeof(big), NULL), -1);
    assert_int_equal(dovecot_fields_split(&fields, big, DOVECOT_LINE_MAX, NULL), 0);
    buf_init(&many);
    for (int i = 0; i < DOVECOT_FIELDS_MAX; i++)
        buf_puts(&many, "x\t");
    assert_int_equal(split(many.data), -1);            /* 65 fields */
    buf_truncate(&many, many.len - 1);
    assert_int_equal(split(many.data), 0);             /* 64 fields */
    buf_dispose(&many);
}

static void test_escape_round_trip(void **state)
{
    static const char raw[] = "a\tb\nc\rd\001e\0f";
    buf_t out = BUF_INIT;

    (void) state;
    buf_init(&out);
    buf_puts(&out, "X\t");
    dovecot_escape(&out, raw, sizeof(raw) - 1);
    assert_null(memchr(out.data + 2, '\t', out.len - 2));
    assert_null(memchr(out.data, '\n', out.len));
    assert_int_equal(dovecot_fields_split(&fields, out.data, out.len, NULL), 0);
    assert_int_equal(fields.count, 2);
    assert_int_equal(fields.field[1].len, sizeof(raw) - 1);
    assert_memory_equal(fields.field[1].data, raw, sizeof(raw) - 1);
    buf_dispose(&out);
}

static int feed(dovecot_handshake_t *h, const char *line)
{
    char *err = NULL;
    int rc;

    assert_int_equal(split(line), 0);
    rc = dovecot_handshake_line(h, &fields, &err);
    assert_true((rc < 0) == (err != NULL));
    xfree(err);
    return rc;
}

static void test_handshake(void **state)
{
    dovecot_handshake_t h;

    (void) state;
    dovecot_handshake_init(&h);
    assert_int_equal(feed(&h, "VERSION\t1\t2"), 0);
    assert_int_equal(feed(&h, "MECH\tPLAIN\tplaintext"), 0);
    assert_int_equal(feed(&h, "MECH\tLOGIN\tplaintext\tfuture-flag"), 0);
    assert_int_equal(feed(&h, "MECH\tANONYMOUS\tanonymous"), 0);
    assert_int_equal(feed(&h, "MECH\tSCRAM-SHA-256\tmutual-auth\tdictionary"), 0);
    assert_int_equal(feed(&h, "SPID\t1234"), 0);
    assert_int_equal(feed(&h, "CUID\t5"), 0);
    assert_int_equal(feed(&h, "COOKIE\t0123abcd"), 0);
    assert_int_equal(feed(&h, "SOMETHING-NEW\tx"), 0);
    assert_int_equal(feed(&h, "DONE"), 1);
    assert_int_equal(h.mech_count, 4);
    assert_string_equal(h.mech[0].name, "PLAIN");
    assert_int_equal(h.mech[0].flags, DOVECOT_MECH_PLAINTEXT);
    assert_int_equal(h.mech[2].flags, DOVECOT_MECH_ANONYMOUS);
    assert_int_equal(h.mech[3].flags, DOVECOT_MECH_MUTUAL_AUTH | DOVECOT_MECH_DICTIONARY);
    assert_string_equal(h.spid.data, "1234");
    assert_int_equal(feed(&h, "MECH\tX"), -1);          /* after DONE */
    dovecot_handshake_dispose(&h);
}

static void test_handshake_rejects(void **state)
{
    static const char *const first_bad[] = {
        "MECH\tPLAIN", "VERSION\t2\t0", "VERSION\t1", "VERSION\tx\t1", "VERSION\t-1\t0",
        "VERSION\t99999999999\t0", "version\t1\t2", "DONE",
    };
    static const char *const later_bad[] = {
        "MECH", "MECH\t", "MECH\tpl ain", "MECH\tplain", "MECH\tAVERYLONGMECHANISMNAME1",
        "SPID", "SPID\t", "VERSION\t1\t2",
    };
    dovecot_handshake_t h;

    (void) state;
    for (size_t i = 0; i < sizeof(first_bad) / sizeof(first_bad[0]); i++) {
        dovecot_handshake_init(&h);
        assert_int_equal(feed(&h, first_bad[i]), -1);
        dovecot_handshake_dispose(&h);
    }
    for (size_t i = 0; i < sizeof(later_bad) / sizeof(later_bad[0]); i++) {
        dovecot_handshake_init(&h);
        assert_int_equal(feed(&h, "VERSION\t1\t1"), 0);
        assert_int_equal(feed(&h, later_bad[i]), -1);
        dovecot_handshake_dispose(&h);
    }
    /* the same mechanism twice, too many mechanisms */
    dovecot_handshake_init(&h);
    assert_int_equal(feed(&h, "VERSION\t1\t1"), 0);
    assert_int_equal(feed(&h, "MECH\tPLAIN"), 0);
    assert_int_equal(feed(&h, "MECH\tPLAIN"), -1);
    dovecot_handshake_dispose(&h);
    dovecot_handshake_init(&h);
    assert_int_equal(feed(&h, "VERSION\t1\t1"), 0);
    for (int i = 0; i < DOVECOT_MECHS_MAX; i++) {
        char line[32];

        snprintf(line, sizeof(line), "MECH\tM%d", i);
        assert_int_equal(feed(&h, line), 0);
    }
    assert_int_equal(feed(&h, "MECH\tONEMORE"), -1);
    dovecot_handshake_dispose(&h);
}

static int answer(dovecot_answer_t *a, const char *line, unsigned id)
{
    char *err = NULL;
    int rc;

    assert_int_equal(split(line), 0);
    rc = dovecot_answer_parse(a, &fields, id, &err);
    assert_true((rc < 0) == (err != NULL));
    xfree(err);
    return rc;
}

static void test_answers(void **state)
{
    dovecot_answer_t a;

    (void) state;
    dovecot_answer_init(&a);
    assert_int_equal(answer(&a, "OK\t3\tuser=joe@example.com\tsomething", 3), 0);
    assert_int_equal(a.kind, DOVECOT_ANSWER_OK);
    assert_string_equal(a.user.data, "joe@example.com");
    assert_int_equal(answer(&a, "CONT\t3\tVXNlcm5hbWU6", 3), 0);
    assert_int_equal(a.kind, DOVECOT_ANSWER_CONT);
    assert_string_equal(a.data.data, "Username:");
    assert_int_equal(answer(&a, "CONT\t3\t", 3), 0);    /* empty challenge */
    assert_int_equal(a.data.len, 0);
    assert_int_equal(answer(&a, "FAIL\t3\treason=Password expired\ttemp\tuser=joe", 3), 0);
    assert_int_equal(a.kind, DOVECOT_ANSWER_FAIL);
    assert_true(a.temp);
    assert_string_equal(a.reason.data, "Password expired");
    assert_string_equal(a.user.data, "joe");
    assert_int_equal(answer(&a, "FAIL\t3", 3), 0);
    assert_false(a.temp);
    assert_int_equal(a.reason.len, 0);
    assert_int_equal(answer(&a, "FAIL\t4294967295", 4294967295u), 0);
    dovecot_answer_dispose(&a);
}

static void test_answers_rejected(void **state)
{
    static const char *const bad[] = {
        "OK", "OK\t", "OK\t4", "OK\tx", "OK\t-3", "OK\t+3", "OK\t 3", "OK\t4294967296",
        "OK\t99999999999999999999", "ok\t3", "CONT\t3", "CONT\t3\tnot base64!",
        "CONT\t3\tVXNlcm5hbWU", "DONE\t3", "NOTFOUND\t3", "", "\t3",
    };
    dovecot_answer_t a;
    unsigned id = 0;

    (void) state;
    dovecot_answer_init(&a);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(answer(&a, bad[i], 3), -1);
    assert_int_equal(split("FAIL\t12"), 0);
    assert_int_equal(dovecot_answer_id(&fields, &id), 0);
    assert_int_equal(id, 12);
    assert_int_equal(split("FAIL"), 0);
    assert_int_equal(dovecot_answer_id(&fields, &id), -1);
    dovecot_answer_dispose(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_split_and_unescape, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split_rejects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escape_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_handshake, setup, teardown),
        cmocka_unit_test_setup_teardown(test_handshake_rejects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_answers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_answers_rejected, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
