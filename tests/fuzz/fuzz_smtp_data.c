/* fuzz_smtp_data.c - fuzz target for the DATA/BDAT decoder. The first
 * byte picks mode, bare-newline policy and line limit; the second seeds
 * the chunk sizes. Invariants: the result does not depend on chunking;
 * unless the policy is "no", DATA ends only right after <CR><LF>.<CR><LF>
 * (or ".<CR><LF>" at the very start). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtp/data.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int collect(void *ctx, const char *text, size_t len, unsigned flags)
{
    buf_t *out = ctx;

    buf_append(out, text, len);
    buf_putc(out, (flags & SMTP_DATA_PARTIAL) ? '|' : (flags & SMTP_DATA_HEADER) ? 'H' : '$');
    return 0;
}

struct result {
    buf_t out;
    size_t used;
    bool done;
    enum smtp_data_result res;
    uint64_t size;
};

static void run(const char *in, size_t len, unsigned cfg, unsigned seed, bool whole,
                struct result *r)
{
    static const enum smtp_bare_lf policies[] = {SMTP_BARE_LF_NO, SMTP_BARE_LF_NORMALIZE,
                                                 SMTP_BARE_LF_NOTE, SMTP_BARE_LF_REJECT};
    enum smtp_data_mode mode = (cfg & 1) ? SMTP_DATA_RAW : SMTP_DATA_DOT;
    size_t limit = (cfg & 8) ? 1 + (cfg >> 4) : 0;
    smtp_data_t d;
    size_t pos = 0;

    buf_init(&r->out);
    smtp_data_init(&d, mode, policies[(cfg >> 1) & 3], limit, (cfg & 0x80) ? 300 : 0,
                   collect, &r->out);
    while (pos < len && !d.done) {
        size_t n = whole ? len - pos : 1 + (seed = seed * 1103515245u + 12345u) % 13;

        if (n > len - pos)
            n = len - pos;
        pos += smtp_data_feed(&d, in + pos, n);
    }
    if (mode == SMTP_DATA_RAW)
        smtp_data_flush(&d);
    r->used = pos;
    r->done = d.done;
    r->res = smtp_data_result(&d);
    r->size = d.size;
    smtp_data_dispose(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct result a, b;
    const char *in = (const char *) data + 2;
    unsigned cfg;

    if (size < 2)
        return 0;
    cfg = data[0];
    size -= 2;
    run(in, size, cfg, data[1], true, &a);
    run(in, size, cfg, data[1], false, &b);
    if (a.used != b.used || a.done != b.done || a.res != b.res || a.size != b.size
        || a.out.len != b.out.len || memcmp(a.out.data, b.out.data, a.out.len) != 0)
        abort();
    if (a.done && ((cfg >> 1) & 3) != 0) {
        bool at_start = a.used == 3 && memcmp(in, ".\r\n", 3) == 0;

        if (!at_start && (a.used < 5 || memcmp(in + a.used - 5, "\r\n.\r\n", 5) != 0))
            abort();
    }
    buf_dispose(&a.out);
    buf_dispose(&b.out);
    return 0;
}
