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
    return 0;
}
