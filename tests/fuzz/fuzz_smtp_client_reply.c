/* fuzz_smtp_client_reply.c - fuzz target for the SMTP client's reply
 * reader and EHLO keyword parser. Input: byte 0 picks the transport chunk
 * size (0 = unlimited), the rest is what a server sends. Replies are read
 * until the input ends or one is refused; the same input read in one
 * piece must give the same replies (chunking must never matter), codes
 * must be 200..599, kept text within its bound. The lines of each reply
 * also go through the EHLO parser. Any violation aborts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smtp_client/smtpc_ext.h"
#include "smtp_client/smtpc_reply.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_all(const uint8_t *data, size_t size, size_t chunk, buf_t *out)
{
    stream_t *s = stream_open_memory(data, size, chunk, NULL);
    smtpc_reply_t r;
    smtpc_ext_t e;
    smtpc_read_error_t kind;
    char *err = NULL;
    int rounds = 0;

    smtpc_reply_init(&r);
    smtpc_ext_init(&e);
    while (smtpc_reply_read(s, &r, &kind, &err) == 0) {
        if (r.code < 200 || r.code > 599 || r.text.len > SMTPC_REPLY_TEXT + 1)
            abort();
        smtpc_ext_parse(&e, r.lines.data ? r.lines.data : "");
        if (e.size_limit > 0 && !(e.flags & SMTP_EXT_SIZE))
            abort();
        buf_printf(out, "%d %s|", r.code, r.text.data ? r.text.data : "");
        if (++rounds > (int) size + 1)
            abort();
    }
    if (err == NULL)
        abort();
    buf_printf(out, "error %d", (int) kind);
    xfree(err);
    smtpc_ext_dispose(&e);
    smtpc_reply_dispose(&r);
    stream_close(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    buf_t a = BUF_INIT, b = BUF_INIT;

    if (size < 1)
        return 0;
    read_all(data + 1, size - 1, data[0] % 17, &a);
    read_all(data + 1, size - 1, 0, &b);
    if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
        abort();
    buf_dispose(&a);
    buf_dispose(&b);
    return 0;
}
