/* mbox_quote.c - the ">From " quoting filter for mbox content: a sink that
 * passes bytes on to another sink, inserting '>' before every line that
 * starts with "From ", also when "From " is split across writes. */
#include "mbox/mbox.h"

#include <string.h>

static const char from_[] = "From ";
#define FROM_LEN 5

/* Passes the held-back partial "From " match on unchanged. */
static int release_partial(mbox_quote_t *q)
{
    int n = q->matched;

    q->matched = -1;
    return n > 0 ? sink_write(q->next, from_, (size_t) n) : 0;
}

static int quote_write(sink_t *base, const char *data, size_t len)
{
    mbox_quote_t *q = (mbox_quote_t *) base;
    const char *end = data + len, *run = data;

    q->empty = false;
    q->last = data[len - 1];
    for (const char *p = data; p < end; p++) {
        if (q->matched >= 0) {
            if (*p == from_[q->matched]) {
                if (++q->matched == FROM_LEN) {
                    if (sink_write(q->next, ">From ", FROM_LEN + 1) < 0)
                        return -1;
                    q->matched = -1;
                }
                run = p + 1;
                continue;
            }
            if (release_partial(q) < 0)
                return -1;
            run = p;
        }
        if (*p == '\n') {
            if (sink_write(q->next, run, (size_t) (p + 1 - run)) < 0)
                return -1;
            run = p + 1;
            q->matched = 0;
        }
    }
    if (q->matched < 0 && run < end)
        return sink_write(q->next, run, (size_t) (end - run));
    return 0;
}

void mbox_quote_init(mbox_quote_t *q, sink_t *next)
{
    memset(q, 0, sizeof(*q));
    q->base.write_fn = quote_write;
    q->next = next;
    q->matched = 0;
    q->empty = true;
}

int mbox_quote_finish(mbox_quote_t *q)
{
    if (q->base.error)
        return -1;
    if (release_partial(q) < 0)
        return -1;
    if (!q->empty && q->last != '\n' && sink_write(q->next, "\n", 1) < 0)
        return -1;
    return sink_write(q->next, "\n", 1);
}
