/* test_content.c - cleanup's content splitter and header completion:
 * chunk boundaries anywhere, CRLF/LF, NUL bytes, overlong lines, folded
 * headers, Return-Path removal, missing headers only when asked, size
 * limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup/cleanup_content.h"
#include "util/buf.h"

/* Output collected as "line\n" per line, "[partial]" pieces marked. */
static void col_line(void *ctx, const char *data, size_t len)
{
    buf_append(ctx, data, len);
    buf_putc(ctx, '\n');
}

static void col_partial(void *ctx, const char *data, size_t len)
{
    buf_append(ctx, data, len);
    buf_puts(ctx, "[p]");
}

static cleanup_content_opts_t opts_default(void)
{
    cleanup_content_opts_t o = {0};

    o.queue_id = "4Xa1B2c3D4e5F";
    o.myhostname = "host.example";
    o.sender = "alice@example.org";
    o.now = 1700000000;
    return o;
}

/* Runs input through the content processor in chunks of `step` bytes. */
static void run(const cleanup_content_opts_t *o, const char *in, size_t len,
                size_t step, buf_t *out, char *msgid, size_t msgid_size)
{
    cleanup_content_out_t cb = {col_line, col_partial, out};
    cleanup_content_t *c = cleanup_content_new(o, &cb);
    size_t i;

    buf_reset(out);
    for (i = 0; i < len; i += step)
        cleanup_content_feed(c, in + i, len - i < step ? len - i : step);
    cleanup_content_end(c);
    if (msgid)
        strncpy(msgid, cleanup_content_message_id(c), msgid_size - 1);
    cleanup_content_free(c);
}

static void test_chunk_boundaries_crlf(void **state)
{
    const char *in = "Subject: hi\r\nMessage-ID: <a@b>\r\n\r\nbody\r\nline2\r\n";
    const char *want = "Subject: hi\nMessage-ID: <a@b>\n\nbody\nline2\n";
    cleanup_content_opts_t o = opts_default();
    buf_t out = BUF_INIT;
    size_t step;

    (void) state;
    for (step = 1; step <= strlen(in); step++) {
        char id[64] = "";

        run(&o, in, strlen(in), step, &out, id, sizeof(id));
        assert_string_equal(buf_str(&out), want);
        assert_string_equal(id, "<a@b>");
    }
    buf_dispose(&out);
}

static void test_bare_cr_and_nul_kept(void **state)
{
    const char in[] = "X: a\rb\n\nx\0y\r\r\nlast";
    const char want[] = "X: a\rb\n\nx\0y\r\nlast\n";
    cleanup_content_opts_t o = opts_default();
    buf_t out = BUF_INIT;

    (void) state;
    run(&o, in, sizeof(in) - 1, 3, &out, NULL, 0);
    assert_int_equal(out.len, sizeof(want) - 1);
    assert_memory_equal(out.data, want, out.len);
    buf_dispose(&out);
}

static void test_return_path_removed_folded_kept(void **state)
{
    const char *in = "Return-Path: <x@y>\n\tcontinued\nSubject: a\n folded\n"
                     "RETURN-PATH: <z>\nTo: b\n\nReturn-Path: in body\n";
    const char *want = "Subject: a\n folded\nTo: b\n\nReturn-Path: in body\n";
    cleanup_content_opts_t o = opts_default();
    buf_t out = BUF_INIT;

    (void) state;
    run(&o, in, strlen(in), 5, &out, NULL, 0);
    assert_string_equal(buf_str(&out), want);
    buf_dispose(&out);
}

static void test_missing_headers_only_when_asked(void **state)
{
    const char *in = "Subject: s\n\nbody\n";
    cleanup_content_opts_t o = opts_default();
    buf_t out = BUF_INIT;
    char id[128] = "";
    char date[128], mid[128], want[512];

    (void) state;
    run(&o, in, strlen(in), 4, &out, id, sizeof(id));
    assert_string_equal(buf_str(&out), in);
    assert_string_equal(id, "");

    o.add_missing = true;
    o.full_name = "Alice Q. User";
    memset(id, 0, sizeof(id));
    run(&o, in, strlen(in), 4, &out, id, sizeof(id));
    cleanup_format_date(o.now, date, sizeof(date));
    cleanup_format_message_id(o.now, o.queue_id, o.myhostname, mid, sizeof(mid));
    snprintf(want, sizeof(want), "Subject: s\nMessage-Id: %s\nDate: %s\n"
             "From: \"Alice Q. User\" <alice@example.org>\n\nbody\n", mid, date);
    assert_string_equal(buf_str(&out), want);
    assert_string_equal(id, mid);
    assert_non_null(strstr(mid, ".4Xa1B2c3D4e5F@host.example>"));
    assert_int_equal(strlen(mid), strlen("<YYYYMMDDhhmmss.4Xa1B2c3D4e5F@host.example>"));

    /* present headers (any case) are not added again */
    in = "from: x\nDATE: y\nmessage-id: <m@x>\n\nb\n";
    run(&o, in, strlen(in), 1, &out, NULL, 0);
    assert_string_equal(buf_str(&out), in);
    buf_dispose(&out);
}

static void test_body_without_blank_line_and_empty(void **state)
{
    cleanup_content_opts_t o = opts_default();
    buf_t out = BUF_INIT;
    const char *in = "Subject: x\nthis is body\n";

    (void) state;
    run(&o, in, strlen(in), 2, &out, NULL, 0);
    assert_string_equal(buf_str(&out), "Subject: x\n\nthis is body\n");
    /* a continuation line as first line is not a header */
    in = " x\n";
    run(&o, in, strlen(in), 2, &out, NULL, 0);
    assert_string_equal(buf_str(&out), "\n x\n");
    o.add_missing = true;
    o.sender = "";
    run(&o, "", 0, 1, &out, NULL, 0);
    assert_non_null(strstr(buf_str(&out), "\nFrom: MAILER-DAEMON\n"));
    assert_int_equal(strncmp(buf_str(&out), "Message-Id: <", 13), 0);
    buf_dispose(&out);
}

static void test_overlong_line_split(void **state)
{
    cleanup_content_opts_t o = opts_default();
    size_t n = CLEANUP_LINE_CHUNK * 3 + 17;
    char *in = malloc(n + 20);
    buf_t out = BUF_INIT;
    size_t i, partial_bytes = 0;
    const char *p;

    (void) state;
    memcpy(in, "A: b\n\n", 6);
    memset(in + 6, 'x', n);
    memcpy(in + 6 + n, "\r\nz\n", 4);
    run(&o, in, n + 10, 4096, &out, NULL, 0);
    /* the long line went out in pieces followed by its end */
    assert_int_equal(strncmp(out.data, "A: b\n\n", 6), 0);
    for (p = out.data + 6, i = 0; *p == 'x' || *p == '['; p++) {
        if (*p == 'x')
            partial_bytes++;
        else
            p += 2;
        i++;
    }
    assert_int_equal(partial_bytes, n);
    assert_string_equal(p, "\nz\n");
    /* an overlong header ends header processing, nothing lost */
    memset(in, 'h', n);
    memcpy(in, "H: ", 3);
    memcpy(in + n, "\nT: x\n", 6);
    o.add_missing = true;
    run(&o, in, n + 6, 10000, &out, NULL, 0);
    assert_non_null(strstr(out.data, "\nT: x\n"));
    free(in);
    buf_dispose(&out);
}

static void test_header_limit_folded(void **state)
{
    cleanup_content_opts_t o = opts_default();
    buf_t in = BUF_INIT, out = BUF_INIT;
    int i;

    (void) state;
    o.header_limit = 100;
    buf_puts(&in, "Subject: start\n");
    for (i = 0; i < 20; i++)
        buf_puts(&in, " continued line\n");
    buf_puts(&in, "Return-Path: <kept as body>\n\nb\n");
    run(&o, in.data, in.len, 7, &out, NULL, 0);
    /* over the limit: headers written unchanged, later ones are body */
    assert_non_null(strstr(out.data, "Return-Path: <kept as body>"));
    assert_int_equal(strncmp(out.data, "Subject: start\n continued line\n", 31), 0);
    buf_dispose(&in);
    buf_dispose(&out);
}

static void test_size_limit(void **state)
{
    cleanup_content_opts_t o = opts_default();
    cleanup_content_out_t cb;
    buf_t out = BUF_INIT;
    cleanup_content_t *c;

    (void) state;
    o.size_limit = 10;
    cb = (cleanup_content_out_t) {col_line, col_partial, &out};
    c = cleanup_content_new(&o, &cb);
    cleanup_content_feed(c, "A: 1234\n", 8);      /* 8 bytes: fits */
    assert_false(cleanup_content_too_big(c));
    cleanup_content_feed(c, "\n", 1);             /* 9 */
    cleanup_content_feed(c, "x\n", 2);            /* 11 > 10 */
    cleanup_content_end(c);
    assert_true(cleanup_content_too_big(c));
    assert_int_equal(cleanup_content_size(c), 11);
    cleanup_content_free(c);
    /* exactly the limit is accepted */
    o.size_limit = 11;
    c = cleanup_content_new(&o, &cb);
    cleanup_content_feed(c, "A: 1234\n\nx\n", 11);
    cleanup_content_end(c);
    assert_false(cleanup_content_too_big(c));
    cleanup_content_free(c);
    buf_dispose(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chunk_boundaries_crlf),
        cmocka_unit_test(test_bare_cr_and_nul_kept),
        cmocka_unit_test(test_return_path_removed_folded_kept),
        cmocka_unit_test(test_missing_headers_only_when_asked),
        cmocka_unit_test(test_body_without_blank_line_and_empty),
        cmocka_unit_test(test_overlong_line_split),
        cmocka_unit_test(test_header_limit_folded),
        cmocka_unit_test(test_size_limit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
