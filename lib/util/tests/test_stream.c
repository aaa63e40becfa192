/* test_stream.c - unit tests for the buffered stream: line endings, line
 * limits, NUL bytes, chunked transports, exact reads, pipelining checks,
 * transport replacement, buffered writes and sticky errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/mem.h"
#include "util/stream.h"

/* A test transport: reads from a string in chunks of at most `chunk`
 * bytes, can fail or return EINTR once, writes at most `wchunk` bytes. */
struct src {
    const char *data;
    size_t len;
    size_t pos;
    size_t chunk;
    size_t wchunk;
    int eintr_once;
    int write_errno;
    buf_t *out;
};

static ssize_t src_read(void *ctx, void *data, size_t len)
{
    struct src *s = ctx;
    size_t n = s->len - s->pos;

    if (s->eintr_once) {
        s->eintr_once = 0;
        errno = EINTR;
        return -1;
    }
    if (n > len)
        n = len;
    if (s->chunk && n > s->chunk)
        n = s->chunk;
    memcpy(data, s->data + s->pos, n);
    s->pos += n;
    return (ssize_t) n;
}

static ssize_t src_write(void *ctx, const void *data, size_t len)
{
    struct src *s = ctx;

    if (s->write_errno) {
        errno = s->write_errno;
        return -1;
    }
    if (s->wchunk && len > s->wchunk)
        len = s->wchunk;
    buf_append(s->out, data, len);
    return (ssize_t) len;
}

static const stream_transport_t src_transport = {src_read, src_write, NULL, NULL};

static stream_t *open_src(struct src *src, const char *data, size_t len, size_t chunk)
{
    memset(src, 0, sizeof(*src));
    src->data = data;
    src->len = len;
    src->chunk = chunk;
    return stream_open(&src_transport, src, -1, 0);
}

struct want_line {
    const char *data;
    size_t len;
    stream_line_end_t end;
};

/* Reads lines from input under every chunk size of interest and checks
 * them against want[0..n), then expects end of input. */
static void check_lines(const char *input, size_t inlen, size_t limit, int flags,
                        const struct want_line *want, size_t n)
{
    static const size_t chunks[] = {0, 1, 2, 3, 7, 8192};
    buf_t line = BUF_INIT;
    stream_line_end_t end;

    for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
        stream_t *s = stream_open_memory(input, inlen, chunks[c], NULL);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(stream_read_line(s, &line, limit, flags, &end), 1);
            if (end != want[i].end || line.len != want[i].len
                || memcmp(line.data, want[i].data, line.len) != 0)
                fail_msg("chunk %zu line %zu: got %zu bytes end %s, want %zu bytes end %s",
                         chunks[c], i, line.len, stream_line_end_name(end),
                         want[i].len, stream_line_end_name(want[i].end));
            assert_int_equal(line.data[line.len], '\0');
        }
        assert_int_equal(stream_read_line(s, &line, limit, flags, &end), 0);
        assert_true(stream_eof(s));
        assert_int_equal(stream_error(s), STREAM_OK);
        stream_close(s);
    }
    buf_dispose(&line);
}

#define L(str, e) {str, sizeof(str) - 1, e}

static void test_line_endings(void **state)
{
    static const char in[] = "crlf\r\nlf\n\r\nlast";
    const struct want_line want[] = {
        L("crlf", STREAM_END_CRLF), L("lf", STREAM_END_LF),
        L("", STREAM_END_CRLF), L("last", STREAM_END_EOF),
    };

    (void) state;
    check_lines(in, sizeof(in) - 1, 100, 0, want, 4);
}

static void test_bare_cr_is_content_by_default(void **state)
{
    static const char in[] = "a\rb\r\nc\r\r\n\r";
    const struct want_line want[] = {
        L("a\rb", STREAM_END_CRLF), L("c\r", STREAM_END_CRLF), L("\r", STREAM_END_EOF),
    };

    (void) state;
    check_lines(in, sizeof(in) - 1, 100, 0, want, 3);
}

static void test_bare_cr_detected_when_asked(void **state)
{
    static const char in[] = "a\rb\r\nc\r\r\nd\r";
    const struct want_line want[] = {
        L("a", STREAM_END_CR), L("b", STREAM_END_CRLF), L("c", STREAM_END_CR),
        L("", STREAM_END_CRLF), L("d", STREAM_END_CR),
    };

    (void) state;
    check_lines(in, sizeof(in) - 1, 100, STREAM_LINE_BARE_CR, want, 5);
}

static void test_nul_bytes_kept(void **state)
{
    static const char in[] = "a\0b\r\n\0\n";
    const struct want_line want[] = {
        {"a\0b", 3, STREAM_END_CRLF}, {"\0", 1, STREAM_END_LF},
    };

    (void) state;
    check_lines(in, sizeof(in) - 1, 100, 0, want, 2);
}

static void test_limit_exact_and_plus_one(void **state)
{
    static const char in[] = "12345\r\n123456\r\nok\r\n1234\r\r\n12345\rX\n12345\r";
    const struct want_line want[] = {
        L("12345", STREAM_END_CRLF), L("12345", STREAM_END_TOOLONG),
        L("ok", STREAM_END_CRLF), L("1234\r", STREAM_END_CRLF),
        L("12345", STREAM_END_TOOLONG), L("12345", STREAM_END_TOOLONG),
    };

    (void) state;
    /* "1234\r" + CRLF: five content bytes, fits exactly. "12345\rX\n": the
     * CR is content (not followed by LF), so the line is too long. */
    check_lines(in, sizeof(in) - 1, 5, 0, want, 6);
}

static void test_limit_lf_and_eof_forms(void **state)
{
    static const char in[] = "abcdef\nxy\nabcdefgh";
    const struct want_line want[] = {
        L("abcd", STREAM_END_TOOLONG), L("xy", STREAM_END_LF), L("abcd", STREAM_END_TOOLONG),
    };

    (void) state;
    check_lines(in, sizeof(in) - 1, 4, 0, want, 3);
}

static void test_zero_limit(void **state)
{
    static const char in[] = "\r\nx\r\n";
    const struct want_line want[] = {
        L("", STREAM_END_CRLF), L("", STREAM_END_TOOLONG),
    };

    (void) state;
    check_lines(in, sizeof(in) - 1, 0, 0, want, 2);
}

static void test_megabyte_line_discarded_in_bounded_memory(void **state)
{
    size_t big = 3 * 1024 * 1024;
    char *in = xmalloc(big + 32);
    buf_t line = BUF_INIT;
    stream_line_end_t end;
    stream_t *s;

    (void) state;
    memset(in, 'A', big);
    memcpy(in + big, "\r\nNEXT\r\n", 8);
    s = stream_open_memory(in, big + 8, 0, NULL);
    assert_int_equal(stream_read_line(s, &line, 1000, 0, &end), 1);
    assert_int_equal(end, STREAM_END_TOOLONG);
    assert_int_equal(line.len, 1000);
    assert_true(line.cap <= 4096);
    assert_int_equal(stream_read_line(s, &line, 1000, 0, &end), 1);
    assert_int_equal(end, STREAM_END_CRLF);
    assert_string_equal(line.data, "NEXT");
    stream_close(s);
    buf_dispose(&line);
    xfree(in);
}

static void test_cr_at_buffer_boundary(void **state)
{
    /* 8191 bytes + CR fills the 8 KiB read buffer exactly; the LF comes
     * with the next transport read. */
    size_t n = 8191;
    char *in = xmalloc(n + 8);
    buf_t line = BUF_INIT;
    stream_line_end_t end;
    stream_t *s;

    (void) state;
    memset(in, 'x', n);
    memcpy(in + n, "\r\ny\n", 4);
    for (int flags = 0; flags <= STREAM_LINE_BARE_CR; flags++) {
        s = stream_open_memory(in, n + 4, 0, NULL);
        assert_int_equal(stream_read_line(s, &line, 10000, flags, &end), 1);
        assert_int_equal(end, STREAM_END_CRLF);
        assert_int_equal(line.len, n);
        assert_int_equal(stream_read_line(s, &line, 10000, flags, &end), 1);
        assert_int_equal(end, STREAM_END_LF);
        assert_string_equal(line.data, "y");
        stream_close(s);
    }
    buf_dispose(&line);
    xfree(in);
}

static void test_exact_reads_and_literals(void **state)
{
    static const char in[] = "BDAT 5\r\nhello\0worldtail";
    buf_t line = BUF_INIT, chunk = BUF_INIT;
    stream_line_end_t end;
    char five[5];
    stream_t *s;

    (void) state;
    s = stream_open_memory(in, sizeof(in) - 1, 1, NULL);
    assert_int_equal(stream_read_line(s, &line, 512, 0, &end), 1);
    assert_string_equal(line.data, "BDAT 5");
    assert_int_equal(stream_read_exact(s, five, 5), 5);
    assert_memory_equal(five, "hello", 5);
    assert_int_equal(stream_skip(s, 1), 1);
    assert_int_equal(stream_read_exact_buf(s, &chunk, 5), 5);
    assert_string_equal(chunk.data, "world");
    assert_int_equal(stream_getc(s), 't');
    assert_int_equal(stream_read_some(s, five, sizeof(five)), 1);
    assert_int_equal(stream_read_exact(s, five, 5), 2);
    assert_true(stream_eof(s));
    assert_int_equal(stream_error(s), STREAM_OK);
    assert_int_equal(stream_getc(s), -1);
    stream_close(s);
    buf_dispose(&line);
    buf_dispose(&chunk);
}

static void test_pipelining_detection_and_discard(void **state)
{
    static const char in[] = "EHLO x\r\nMAIL FROM:<>\r\n";
    buf_t line = BUF_INIT;
    stream_line_end_t end;
    stream_t *s;

    (void) state;
    s = stream_open_memory(in, sizeof(in) - 1, 0, NULL);
    assert_int_equal(stream_buffered(s), 0);
    assert_int_equal(stream_read_line(s, &line, 512, 0, &end), 1);
    assert_int_equal(stream_buffered(s), 14);
    assert_true(stream_input_waiting(s));
    assert_int_equal(stream_discard_input(s), 14);
    assert_int_equal(stream_buffered(s), 0);
    assert_false(stream_input_waiting(s));
    assert_int_equal(stream_read_line(s, &line, 512, 0, &end), 0);
    stream_close(s);
    buf_dispose(&line);
}

static void test_transport_switch_keeps_or_discards_input(void **state)
{
    static const char plain[] = "STARTTLS\r\nINJECTED\r\n";
    static const char secure[] = "EHLO tls\r\n";
    struct src a, b;
    buf_t line = BUF_INIT;
    stream_line_end_t end;

    (void) state;
    for (int discard = 0; discard <= 1; discard++) {
        stream_t *s = open_src(&a, plain, sizeof(plain) - 1, 0);
        memset(&b, 0, sizeof(b));
        b.data = secure;
        b.len = sizeof(secure) - 1;
        assert_int_equal(stream_read_line(s, &line, 512, 0, &end), 1);
        assert_string_equal(line.data, "STARTTLS");
        stream_set_transport(s, &src_transport, &b,
                             discard ? STREAM_DISCARD_INPUT : STREAM_KEEP_INPUT);
        assert_ptr_equal(stream_transport_ctx(s), &b);
        assert_int_equal(stream_read_line(s, &line, 512, 0, &end), 1);
        assert_string_equal(line.data, discard ? "EHLO tls" : "INJECTED");
        stream_close(s);
    }
    buf_dispose(&line);
}

static void test_eintr_is_retried(void **state)
{
    static const char in[] = "x\n";
    struct src a;
    buf_t line = BUF_INIT;
    stream_line_end_t end;
    stream_t *s = open_src(&a, in, 2, 0);

    (void) state;
    a.eintr_once = 1;
    assert_int_equal(stream_read_line(s, &line, 10, 0, &end), 1);
    assert_string_equal(line.data, "x");
    stream_close(s);
    buf_dispose(&line);
}

static void test_buffered_writes(void **state)
{
    buf_t out = BUF_INIT;
    stream_t *s = stream_open_memory("", 0, 3, &out);
    char big[40000];

    (void) state;
    assert_int_equal(stream_printf(s, "250-%s\r\n", "hello"), 0);
    assert_int_equal(stream_puts(s, "250 "), 0);
    assert_int_equal(stream_write(s, "o\0k", 3), 0);
    assert_int_equal(stream_putc(s, '\n'), 0);
    assert_int_equal(out.len, 0);
    assert_int_equal(stream_unflushed(s), 19);
    assert_int_equal(stream_flush(s), 0);
    assert_int_equal(out.len, 19);
    assert_memory_equal(out.data, "250-hello\r\n250 o\0k\n", 19);
    memset(big, 'b', sizeof(big));
    assert_int_equal(stream_write(s, big, sizeof(big)), 0);
    assert_int_equal(stream_unflushed(s), 0);   /* over the high-water mark */
    assert_int_equal(out.len, 19 + sizeof(big));
    stream_close(s);
    buf_dispose(&out);
}

static void test_write_error_is_sticky(void **state)
{
    struct src a;
    buf_t out = BUF_INIT, line = BUF_INIT;
    stream_line_end_t end;
    stream_t *s = open_src(&a, "x\n", 2, 0);

    (void) state;
    a.out = &out;
    a.wchunk = 1;
    assert_int_equal(stream_puts(s, "abc"), 0);
    assert_int_equal(stream_flush(s), 0);
    assert_string_equal(out.data, "abc");
    a.write_errno = EPIPE;
    assert_int_equal(stream_puts(s, "def"), 0);
    assert_int_equal(stream_flush(s), -1);
    assert_int_equal(stream_error(s), STREAM_ERR_IO);
    assert_int_equal(stream_errno(s), EPIPE);
    assert_string_equal(stream_strerror(s), strerror(EPIPE));
    a.write_errno = 0;
    assert_int_equal(stream_puts(s, "ghi"), -1);
    assert_int_equal(stream_flush(s), -1);
    assert_int_equal(stream_read_line(s, &line, 10, 0, &end), -1);
    assert_int_equal(stream_getc(s), -1);       /* input was there: still -1 */
    assert_string_equal(out.data, "abc");
    stream_close(s);
    buf_dispose(&out);
    buf_dispose(&line);
}

static void test_pipe_stream(void **state)
{
    int fds[2];
    buf_t line = BUF_INIT;
    stream_line_end_t end;
    stream_t *r, *w;

    (void) state;
    assert_int_equal(pipe(fds), 0);
    r = stream_open_fd(fds[0], STREAM_CLOSE_FD);
    w = stream_open_fd(fds[1], STREAM_CLOSE_FD);
    stream_set_timeout(r, 2000, 2000);
    stream_set_timeout(w, 2000, 2000);
    assert_int_equal(stream_fd(r), fds[0]);
    assert_int_equal(stream_printf(w, "one\r\ntwo\n"), 0);
    assert_int_equal(stream_flush(w), 0);
    stream_close(w);
    assert_int_equal(stream_read_line(r, &line, 100, 0, &end), 1);
    assert_string_equal(line.data, "one");
    assert_int_equal(stream_read_line(r, &line, 100, 0, &end), 1);
    assert_string_equal(line.data, "two");
    assert_int_equal(end, STREAM_END_LF);
    assert_int_equal(stream_read_line(r, &line, 100, 0, &end), 0);
    assert_true(stream_eof(r));
    stream_close(r);
    buf_dispose(&line);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_endings),
        cmocka_unit_test(test_bare_cr_is_content_by_default),
        cmocka_unit_test(test_bare_cr_detected_when_asked),
        cmocka_unit_test(test_nul_bytes_kept),
        cmocka_unit_test(test_limit_exact_and_plus_one),
        cmocka_unit_test(test_limit_lf_and_eof_forms),
        cmocka_unit_test(test_zero_limit),
        cmocka_unit_test(test_megabyte_line_discarded_in_bounded_memory),
        cmocka_unit_test(test_cr_at_buffer_boundary),
        cmocka_unit_test(test_exact_reads_and_literals),
        cmocka_unit_test(test_pipelining_detection_and_discard),
        cmocka_unit_test(test_transport_switch_keeps_or_discards_input),
        cmocka_unit_test(test_eintr_is_retried),
        cmocka_unit_test(test_buffered_writes),
        cmocka_unit_test(test_write_error_is_sticky),
        cmocka_unit_test(test_pipe_stream),
    };
    signal(SIGPIPE, SIG_IGN);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
