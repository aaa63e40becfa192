/* fuzz_cleanup_content.c - feeds arbitrary bytes to cleanup's content
 * processor in chunks whose sizes come from the first input byte, with a
 * small size and header limit, and checks invariants: every output line
 * is free of LF, output never grows without input, Return-Path never
 * leaves the header section. Then runs the address extractor on it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup/cleanup_addr.h"
#include "cleanup/cleanup_content.h"
#include "cleanup/cleanup_header.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct sink {
    size_t lines;
    size_t bytes;
};

static void out_line(void *ctx, const char *data, size_t len)
{
    struct sink *s = ctx;

    if (memchr(data, '\n', len) != NULL)
        abort();
    s->lines++;
    s->bytes += len + 1;
}

static void out_partial(void *ctx, const char *data, size_t len)
{
    struct sink *s = ctx;

    if (memchr(data, '\n', len) != NULL || len == 0)
        abort();
    s->bytes += len;
}

/* Header rewriting (qualification only: no tables) keeps the name and
 * only ever adds "@fuzz.example" to addresses. */
static void fuzz_header(const uint8_t *data, size_t size)
{
    cleanup_rewrite_t rw;
    buf_t in = BUF_INIT, out = BUF_INIT;
    char *err = NULL;
    int rc;

    memset(&rw, 0, sizeof(rw));
    rw.myorigin = "fuzz.example";
    buf_puts(&in, "To:");
    buf_append(&in, data, size);
    rc = cleanup_rewrite_header(&rw, in.data, in.len, &out, &err);
    if (rc < 0 || (rc == 1 && (out.len <= in.len || memcmp(out.data, "To:", 3) != 0)))
        abort();
    buf_dispose(&in);
    buf_dispose(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cleanup_content_opts_t opts = {0};
    cleanup_content_out_t out;
    struct sink sink = {0, 0};
    cleanup_content_t *c;
    cleanup_addrs_t addrs = {NULL, 0};
    size_t step, i;

    if (size == 0)
        return 0;
    step = (size_t) (data[0] % 17) + 1;
    opts.add_missing = (data[0] & 0x80) != 0;
    opts.queue_id = "4Xa1B2c3D4e5F";
    opts.myhostname = "fuzz.example";
    opts.sender = "s@fuzz.example";
    opts.full_name = "F \"q\" (x)";
    opts.now = 1700000000;
    opts.size_limit = (data[0] & 0x40) ? 300 : 0;
    opts.header_limit = 64;
    out.line = out_line;
    out.partial = out_partial;
    out.ctx = &sink;
    c = cleanup_content_new(&opts, &out);
    for (i = 1; i < size; i += step)
        cleanup_content_feed(c, data + i, size - i < step ? size - i : step);
    cleanup_content_end(c);
    /* added headers are < 400 bytes, an added blank line 1 */
    if (!cleanup_content_too_big(c) && sink.bytes > size + 401)
        abort();
    cleanup_content_free(c);

    cleanup_addr_extract((const char *) data, size, &addrs);
    for (i = 0; i < addrs.count; i++)
        if (addrs.items[i][0] == 0)
            abort();
    cleanup_addrs_free(&addrs);
    fuzz_header(data, size);
    return 0;
}
