/* qmessage.c - open a queue file for delivery, stream its content and
 * read its headers. */
#include "deliver/qmessage.h"
#include "util/mem.h"

/* Calls fn for each content record until X; stops early when fn says so. */
static int each_content_record(qfile_t *qf,
                               int (*fn)(void *arg, const qrecord_t *rec),
                               void *arg, char **err)
{
    const qenvelope_t *env = qfile_envelope(qf);
    qrecord_t rec;
    int rc;

    qfile_seek(qf, env->size.content_offset);
    while ((rc = qfile_next(qf, &rec, err)) == 1) {
        if (rec.type == QREC_CONTENT)
            continue;
        if (rec.type == QREC_XTRACT || rec.type == QREC_END)
            return 0;
        if (rec.type != QREC_LINE && rec.type != QREC_PARTIAL)
            continue;
        if ((rc = fn(arg, &rec)) != 0)
            return rc < 0 ? -1 : 0;
    }
    return rc == 0 ? 0 : -1;
}

static int write_record(void *arg, const qrecord_t *rec)
{
    sink_t *out = arg;

    if (sink_write(out, rec->data, rec->len) < 0)
        return -1;
    if (rec->type == QREC_LINE && sink_write(out, "\n", 1) < 0)
        return -1;
    return 0;
}

int dlv_qfile_producer(sink_t *out, void *ctx, char **err)
{
    char *qerr = NULL;
    int rc = each_content_record(ctx, write_record, out, &qerr);

    if (rc < 0 && !out->error && err)
        *err = qerr ? qerr : xstrdup("cannot read queue file");
    else
        xfree(qerr);
    return rc < 0 || out->error ? -1 : 0;
}

struct header_state {
    buf_t *out;
    bool in_partial;
};

static int add_header_record(void *arg, const qrecord_t *rec)
{
    struct header_state *hs = arg;

    if (rec->type == QREC_LINE && rec->len == 0 && !hs->in_partial)
        return 1;  /* the empty line: end of headers */
    if (hs->out->len + rec->len + 1 > DLV_HEADER_MAX)
        return 1;
    buf_append(hs->out, rec->data, rec->len);
    if (rec->type == QREC_LINE)
        buf_putc(hs->out, '\n');
    hs->in_partial = rec->type == QREC_PARTIAL;
    return 0;
}

int dlv_qfile_headers(qfile_t *qf, buf_t *out, char **err)
{
    struct header_state hs = {out, false};

    buf_reset(out);
    return each_content_record(qf, add_header_record, &hs, err);
}

int dlv_qfile_open(const queue_t *q, const char *name, const char *id,
                   qfile_t **qf, char **err)
{
    if (qfile_open(q, name, id, QFILE_READ, qf, err) != QFILE_OK)
        return -1;
    switch (queue_lock(qfile_fd(*qf), QUEUE_LOCK_SHARED, false, err)) {
    case 0:
        return 0;
    case 1:
        if (err)
            *err = xstrdup("queue file is locked");
        /* FALLTHROUGH */
    default:
        qfile_close(*qf);
        *qf = NULL;
        return -1;
    }
}
