/* test_data.c - unit tests for the DATA/BDAT content decoder: dot
 * unstuffing, end detection, SMTP smuggling patterns under every
 * bare-newline policy, long lines, NUL bytes, sizes, and the same results
 * for every chunking of the input (1 byte, small, random). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp/data.h"
#include "util/buf.h"
#include "util/mem.h"

/* The sink writes each complete line followed by "\n", pieces of a long
 * line separated by "|", and header lines prefixed with "H:". */
struct sink {
    buf_t out;
    bool mid_line;
    int fail_after;     /* fail on this call number (1-based); 0 never */
    int calls;
};

static int sink_line(void *ctx, const char *text, size_t len, unsigned flags)
{
    struct sink *s = ctx;

    s->calls++;
    if (s->fail_after && s->calls >= s->fail_after)
        return -1;
    if (!s->mid_line && (flags & SMTP_DATA_HEADER))
        buf_puts(&s->out, "H:");
    buf_append(&s->out, text, len);
    buf_puts(&s->out, (flags & SMTP_DATA_PARTIAL) ? "|" : "\n");
    s->mid_line = (flags & SMTP_DATA_PARTIAL) != 0;
    return 0;
}

struct run {
    buf_t out;
    size_t used;
    bool done;
    enum smtp_data_result result;
    uint64_t size, bare_lf, bare_cr, nul_bytes, lines;
};

static uint64_t rng_state = 42;

static size_t rnd(size_t n)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (size_t) ((rng_state >> 33) % n);
}

/* chunk: 0 = random chunk sizes, otherwise fixed. */
static void run_decoder(const char *in, size_t len, enum smtp_data_mode mode,
                        enum smtp_bare_lf policy, size_t line_limit, uint64_t size_limit,
                        size_t chunk, struct run *r)
{
    struct sink s = {BUF_INIT, false, 0, 0};
    smtp_data_t d;
    size_t pos = 0;

    buf_init(&s.out);
    smtp_data_init(&d, mode, policy, line_limit, size_limit, sink_line, &s);
    while (pos < len && !d.done) {
        size_t n = chunk ? chunk : 1 + rnd(9);

        if (n > len - pos)
            n = len - pos;
        pos += smtp_data_feed(&d, in + pos, n);
    }
    if (mode == SMTP_DATA_RAW)
        smtp_data_flush(&d);
    r->out = s.out;
    r->used = pos;
    r->done = d.done;
    r->result = smtp_data_result(&d);
    r->size = d.size;
    r->bare_lf = d.bare_lf;
    r->bare_cr = d.bare_cr;
    r->nul_bytes = d.nul_bytes;
    r->lines = d.lines;
    smtp_data_dispose(&d);
}

struct data_case {
    const char *name;
    const char *in;
    size_t in_len;                  /* 0: strlen */
    enum smtp_bare_lf policy;
    bool want_done;
    const char *want_out;
    size_t want_used;               /* when done; 0: whole input */
    enum smtp_data_result want_result;
};

#define NORM SMTP_BARE_LF_NORMALIZE
#define NO SMTP_BARE_LF_NO
#define REJ SMTP_BARE_LF_REJECT
#define NOTE SMTP_BARE_LF_NOTE
#define SMUGGLE "MAIL FROM:<evil@x>\r\nRCPT TO:<v@y>\r\nDATA\r\nFrom: ceo\r\n\r\nboo\r\n"

static const struct data_case cases[] = {
    {"simple", "Subject: hi\r\n\r\nbody\r\n.\r\n", 0, NORM, true,
     "H:Subject: hi\n\nbody\n", 0, SMTP_DATA_OK},
    {"empty message", ".\r\n", 0, NORM, true, "", 0, SMTP_DATA_OK},
    {"empty line then end", "\r\n.\r\n", 0, NORM, true, "\n", 0, SMTP_DATA_OK},
    {"dot stuffing", "a\r\n..\r\n..x\r\n.y\r\n. \r\n.\r\n", 0, NORM, true,
     "H:a\nH:.\nH:.x\nH:y\nH: \n", 0, SMTP_DATA_OK},
    {"end in the middle leaves the rest", "a\r\n.\r\nQUIT\r\n", 0, NORM, true,
     "H:a\n", 6, SMTP_DATA_OK},
    {"dot not at line start", "a.\r\nb .\r\n.\r\n", 0, NORM, true, "H:a.\nH:b .\n", 0,
     SMTP_DATA_OK},
    /* SMTP smuggling: none of these may end the message */
    {"LF.LF smuggling", "a\r\n\r\nb\n.\n" SMUGGLE ".\r\n", 0, NORM, true,
     "H:a\n\nb\n.\nMAIL FROM:<evil@x>\nRCPT TO:<v@y>\nDATA\nFrom: ceo\n\nboo\n", 0,
     SMTP_DATA_OK},
    {"LF.CRLF smuggling", "a\r\n\r\nb\n.\r\n" SMUGGLE ".\r\n", 0, NORM, true,
     "H:a\n\nb\n.\nMAIL FROM:<evil@x>\nRCPT TO:<v@y>\nDATA\nFrom: ceo\n\nboo\n", 0,
     SMTP_DATA_OK},
    {"CRLF.LF smuggling", "a\r\n\r\nb\r\n.\n" SMUGGLE ".\r\n", 0, NORM, true,
     "H:a\n\nb\n.\nMAIL FROM:<evil@x>\nRCPT TO:<v@y>\nDATA\nFrom: ceo\n\nboo\n", 0,
     SMTP_DATA_OK},
    {"CR.CR smuggling", "a\r\n\r\nb\r.\r" SMUGGLE ".\r\n", 0, NORM, true,
     "H:a\n\nb\r.\rMAIL FROM:<evil@x>\nRCPT TO:<v@y>\nDATA\nFrom: ceo\n\nboo\n", 0,
     SMTP_DATA_OK},
    {"CRLF.CR CRLF is not the end", "\r\nb\r\n.\r\r\nX\r\n.\r\n", 0, NORM, true,
     "\nb\n\r\nX\n", 0, SMTP_DATA_OK},
    {"note behaves like normalize", "\r\nb\n.\nc\r\n.\r\n", 0, NOTE, true, "\nb\n.\nc\n", 0,
     SMTP_DATA_OK},
    /* policy no: bare LF is a line end everywhere (Postfix < 3.9) */
    {"no: LF.LF ends", "\r\nb\n.\nrest", 0, NO, true, "\nb\n", 6, SMTP_DATA_OK},
    {"no: LF.CRLF ends", "\r\nb\n.\r\nrest", 0, NO, true, "\nb\n", 7, SMTP_DATA_OK},
    {"no: CR.CR does not end", "\r\nb\r.\r\n.\r\n", 0, NO, true, "\nb\r.\n", 0, SMTP_DATA_OK},
    /* policy reject: read to the real end, then refuse */
    {"reject bare LF", "a\nb\r\n.\n" SMUGGLE ".\r\n", 0, REJ, true, "", 0,
     SMTP_DATA_BARE_LF},
    {"reject: clean message passes", "a\r\n.\r\n", 0, REJ, true, "H:a\n", 0, SMTP_DATA_OK},
    /* unterminated input */
    {"EOF without end", "a\r\nb\r\n", 0, NORM, false, "H:a\nH:b\n", 0, SMTP_DATA_OK},
    {"EOF after dot", "a\r\n.", 0, NORM, false, "H:a\n", 0, SMTP_DATA_OK},
    {"EOF after dot CR", "a\r\n.\r", 0, NORM, false, "H:a\n", 0, SMTP_DATA_OK},
    {"NUL bytes", "a\0b\r\n\0\r\n.\r\n", 11, NORM, true, "H:a\0b\nH:\0\n", 0, SMTP_DATA_OK},
    {"upper case and 8bit", "SUBJECT: \xc3\xa9\r\n.\r\n", 0, NORM, true,
     "H:SUBJECT: \xc3\xa9\n", 0, SMTP_DATA_OK},
};

static void check_case(const struct data_case *c, size_t chunk)
{
    size_t len = c->in_len ? c->in_len : strlen(c->in);
    size_t want_used = c->want_used ? c->want_used : len;
    size_t want_len = c->in_len ? 0 : strlen(c->want_out);
    struct run r;

    if (c->in_len)      /* the NUL case: expected output has NULs */
        want_len = 10;
    run_decoder(c->in, len, SMTP_DATA_DOT, c->policy, 0, 0, chunk, &r);
    if (r.done != c->want_done)
        fail_msg("%s (chunk %zu): done %d", c->name, chunk, r.done);
    if (r.out.len != want_len || memcmp(r.out.data, c->want_out, want_len) != 0)
        fail_msg("%s (chunk %zu): got '%s' want '%s'", c->name, chunk, r.out.data, c->want_out);
    if (c->want_done && r.used != want_used)
        fail_msg("%s (chunk %zu): used %zu want %zu", c->name, chunk, r.used, want_used);
    if (c->want_done && r.result != c->want_result)
        fail_msg("%s (chunk %zu): result %d want %d", c->name, chunk, r.result,
                 c->want_result);
    buf_dispose(&r.out);
}

static void test_cases_all_chunkings(void **state)
{
    static const size_t chunks[] = {1, 2, 3, 5, 7, 64, 100000};

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        for (size_t k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++)
            check_case(&cases[i], chunks[k]);
        for (int rep = 0; rep < 50; rep++)
            check_case(&cases[i], 0);
    }
}

static void test_counts(void **state)
{
    static const char in[] = "a\nb\rc\r\n.\r\n";
    struct run r;

    (void) state;
    run_decoder(in, strlen(in), SMTP_DATA_DOT, NORM, 0, 0, 1, &r);
    assert_true(r.done);
    assert_int_equal(r.bare_lf, 1);
    assert_int_equal(r.bare_cr, 1);
    assert_int_equal(r.lines, 2);
    /* "a" + 2, "b\rc" + 2 */
    assert_int_equal(r.size, 1 + 2 + 3 + 2);
    buf_dispose(&r.out);
}

static void test_long_lines_split(void **state)
{
    buf_t in = BUF_INIT, want = BUF_INIT;
    struct run r;

    (void) state;
    /* 25 bytes with a limit of 10: pieces of 10, 10, 5 */
    buf_puts(&in, "0123456789abcdefghijKLMNO\r\n");
    buf_puts(&in, "..0123456789\r\n");          /* stuffed dot then 10 bytes */
    buf_puts(&in, "0123456789\r\n");            /* exactly the limit */
    buf_puts(&in, ".\r\n");
    buf_puts(&want, "H:0123456789|abcdefghij|KLMNO\n");
    buf_puts(&want, "H:.012345678|9\n");
    buf_puts(&want, "H:0123456789|\n");
    for (size_t chunk = 1; chunk < 30; chunk++) {
        run_decoder(in.data, in.len, SMTP_DATA_DOT, NORM, 10, 0, chunk, &r);
        assert_true(r.done);
        assert_string_equal(r.out.data, want.data);
        buf_dispose(&r.out);
    }
    buf_dispose(&in);
    buf_dispose(&want);
}

static void test_dot_after_split_is_content(void **state)
{
    static const char in[] = "0123456789.\r\n.\r\n";
    struct run r;

    (void) state;
    /* the '.' starts the second piece, not a line: no unstuffing, no end */
    run_decoder(in, strlen(in), SMTP_DATA_DOT, NORM, 10, 0, 1, &r);
    assert_true(r.done);
    assert_string_equal(r.out.data, "H:0123456789|.\n");
    buf_dispose(&r.out);
}

static void test_size_limit(void **state)
{
    buf_t in = BUF_INIT;
    struct run r;

    (void) state;
    for (int i = 0; i < 100; i++)
        buf_puts(&in, "0123456789\r\n");
    buf_puts(&in, ".\r\nQUIT\r\n");
    run_decoder(in.data, in.len, SMTP_DATA_DOT, NORM, 0, 500, 7, &r);
    assert_true(r.done);
    assert_int_equal(r.result, SMTP_DATA_TOO_BIG);
    assert_int_equal(r.used, in.len - 6);       /* still found the real end */
    assert_true(r.out.len <= 42 * 13);          /* the sink was no longer fed */
    buf_dispose(&r.out);
    run_decoder(in.data, in.len, SMTP_DATA_DOT, NORM, 0, 1200, 7, &r);
    assert_int_equal(r.result, SMTP_DATA_OK);
    assert_int_equal(r.size, 1200);
    buf_dispose(&r.out);
    buf_dispose(&in);
}

static void test_sink_failure(void **state)
{
    static const char in[] = "a\r\nb\r\nc\r\n.\r\n";
    struct sink s = {BUF_INIT, false, 2, 0};
    smtp_data_t d;

    (void) state;
    smtp_data_init(&d, SMTP_DATA_DOT, NORM, 0, 0, sink_line, &s);
    assert_int_equal(smtp_data_feed(&d, in, strlen(in)), strlen(in));
    assert_true(d.done);
    assert_int_equal(smtp_data_result(&d), SMTP_DATA_SINK_ERROR);
    assert_int_equal(s.calls, 2);                /* not called after failing */
    smtp_data_dispose(&d);
    buf_dispose(&s.out);
}

static void test_raw_bdat(void **state)
{
    static const char in[] = "Subject: x\r\n\r\n.\r\n..\r\nlast\rline";
    struct run r;

    (void) state;
    for (size_t chunk = 0; chunk < 8; chunk++) {
        run_decoder(in, strlen(in), SMTP_DATA_RAW, NORM, 0, 0, chunk, &r);
        assert_false(r.done);
        assert_int_equal(r.used, strlen(in));
        assert_string_equal(r.out.data, "H:Subject: x\n\n.\n..\nlast\rline\n");
        assert_int_equal(r.result, SMTP_DATA_OK);
        buf_dispose(&r.out);
    }
    /* a trailing CR at the very end is content */
    run_decoder("ab\r", 3, SMTP_DATA_RAW, NORM, 0, 0, 1, &r);
    assert_string_equal(r.out.data, "H:ab\r\n");
    assert_int_equal(r.bare_cr, 1);
    buf_dispose(&r.out);
    /* bare LF in BDAT under reject */
    run_decoder("a\nb\r\n", 5, SMTP_DATA_RAW, REJ, 0, 0, 1, &r);
    assert_int_equal(r.result, SMTP_DATA_BARE_LF);
    buf_dispose(&r.out);
}

static void test_huge_line_bounded_memory(void **state)
{
    size_t n = 1 << 20;
    char *big = xmalloc(n + 8);
    smtp_data_t d;
    struct sink s = {BUF_INIT, false, 0, 0};

    (void) state;
    memset(big, 'x', n);
    memcpy(big + n, "\r\n.\r\n", 5);
    smtp_data_init(&d, SMTP_DATA_DOT, NORM, 0, 0, sink_line, &s);
    assert_int_equal(smtp_data_feed(&d, big, n + 5), n + 5);
    assert_true(d.done);
    assert_true(d.line.cap <= 2 * SMTP_LINE_LIMIT_DEFAULT + 64);
    assert_int_equal(s.calls, n / SMTP_LINE_LIMIT_DEFAULT + 1);
    smtp_data_dispose(&d);
    buf_dispose(&s.out);
    xfree(big);
}

static void test_policy_names(void **state)
{
    enum smtp_bare_lf p;

    (void) state;
    assert_int_equal(smtp_bare_lf_parse("NORMALIZE", &p), 0);
    assert_int_equal(p, SMTP_BARE_LF_NORMALIZE);
    assert_int_equal(smtp_bare_lf_parse("yes", &p), 0);
    assert_int_equal(p, SMTP_BARE_LF_NORMALIZE);
    assert_int_equal(smtp_bare_lf_parse("no", &p), 0);
    assert_int_equal(p, SMTP_BARE_LF_NO);
    assert_int_equal(smtp_bare_lf_parse("note", &p), 0);
    assert_int_equal(p, SMTP_BARE_LF_NOTE);
    assert_int_equal(smtp_bare_lf_parse("Reject", &p), 0);
    assert_int_equal(p, SMTP_BARE_LF_REJECT);
    assert_int_equal(smtp_bare_lf_parse("maybe", &p), -1);
    assert_int_equal(smtp_bare_lf_parse("", &p), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases_all_chunkings),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_long_lines_split),
        cmocka_unit_test(test_dot_after_split_is_content),
        cmocka_unit_test(test_size_limit),
        cmocka_unit_test(test_sink_failure),
        cmocka_unit_test(test_raw_bdat),
        cmocka_unit_test(test_huge_line_bounded_memory),
        cmocka_unit_test(test_policy_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
