/* smtpc_body.c - dot-stuffing sink to a stream and the 8-bit scan (see
 * smtpc_body.h). */
#include "smtp_client/smtpc_body.h"
#include "smtp/dotstuff.h"
#include "util/mem.h"

#include <errno.h>
#include <string.h>

#define OUT_FLUSH 65536

static int push_out(smtpc_body_sink_t *b, bool force)
{
    if (b->out.len == 0 || (!force && b->out.len < OUT_FLUSH))
        return 0;
    if (stream_write(b->s, b->out.data, b->out.len) < 0) {
        errno = EIO;
        return -1;
    }
    buf_reset(&b->out);
    return 0;
}

static int body_write(sink_t *base, const char *data, size_t len)
{
    smtpc_body_sink_t *b = (smtpc_body_sink_t *) base;

    while (len > 0) {
        const char *nl = memchr(data, '\n', len);
        size_t take = nl ? (size_t) (nl - data) : len;

        if (b->line.len + take >= SMTPC_BODY_PIECE && nl == NULL) {
            size_t room = SMTPC_BODY_PIECE - b->line.len;

            buf_append(&b->line, data, room);
            smtp_dot_stuff_line(&b->out, b->line.data, b->line.len, true,
                                &b->at_line_start);
            buf_reset(&b->line);
            data += room;
            len -= room;
        } else {
            buf_append(&b->line, data, take);
            data += take;
            len -= take;
            if (nl) {
                smtp_dot_stuff_line(&b->out, b->line.data ? b->line.data : "",
                                    b->line.len, false, &b->at_line_start);
                buf_reset(&b->line);
                data++;
                len--;
            }
        }
        if (push_out(b, false) < 0)
            return -1;
    }
    return 0;
}

void smtpc_body_sink_init(smtpc_body_sink_t *b, stream_t *s)
{
    memset(b, 0, sizeof(*b));
    b->base.write_fn = body_write;
    b->s = s;
    buf_init(&b->line);
    buf_init(&b->out);
    b->at_line_start = true;
}

int smtpc_body_sink_finish(smtpc_body_sink_t *b)
{
    if (b->base.error)
        return -1;
    if (b->line.len > 0)
        smtp_dot_stuff_line(&b->out, b->line.data, b->line.len, true,
                            &b->at_line_start);
    buf_reset(&b->line);
    smtp_dot_stuff_end(&b->out, b->at_line_start);
    if (push_out(b, true) < 0 || stream_flush(b->s) < 0)
        return -1;
    return 0;
}

void smtpc_body_sink_dispose(smtpc_body_sink_t *b)
{
    buf_dispose(&b->line);
    buf_dispose(&b->out);
}

typedef struct scan_sink {
    sink_t base;
    bool eight_bit;
} scan_sink_t;

static int scan_write(sink_t *base, const char *data, size_t len)
{
    scan_sink_t *s = (scan_sink_t *) base;

    for (size_t i = 0; i < len && !s->eight_bit; i++)
        if ((unsigned char) data[i] >= 0x80)
            s->eight_bit = true;
    return 0;
}

int smtpc_body_is_8bit(sink_producer_fn producer, void *ctx, bool *eight_bit,
                       char **err)
{
    scan_sink_t s = {{scan_write, 0}, false};
    int rc = producer(&s.base, ctx, err);

    *eight_bit = s.eight_bit;
    return rc;
}
