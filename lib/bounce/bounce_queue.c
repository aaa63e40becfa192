/* bounce_queue.c - write a delivery status notification as a new queue
 * file (null sender, one recipient: the original sender or the given
 * postmaster address) into incoming/.
 * The file is committed durably before this returns success. */
#include "bounce/bounce.h"
#include "queue/qwriter.h"
#include "util/buf.h"
#include "util/mem.h"

#include <stdio.h>
#include <sys/time.h>

static void put_line(void *ctx, const char *line, size_t len)
{
    qwriter_put_line(ctx, line, len);
}

int bounce_queue(const queue_t *q, qfile_t *qf, bounce_action_t action,
                 const bounce_rcpt_t *rcpts, size_t n,
                 const bounce_params_t *p, char **new_id, char **err)
{
    const qenvelope_t *env = qfile_envelope(qf);
    bounce_params_t params = *p;
    struct timeval now;
    buf_t msgid = BUF_INIT;
    qwriter_t *w;
    int rc;

    if ((w = qwriter_create(q, "incoming", err)) == NULL)
        return -1;
    gettimeofday(&now, NULL);
    buf_printf(&msgid, "%s@%s", qwriter_id(w), p->myhostname);
    params.message_id = msgid.data;
    qwriter_put_time(w, QREC_TIME, &now);
    qwriter_put_sender(w, "");
    qwriter_put_attr(w, QATTR_LOG_IDENT, p->queue_id);
    if (p->recipient)
        qwriter_put_rcpt(w, p->recipient, p->recipient, NULL, 0);
    else
        qwriter_put_rcpt(w, env->sender, env->sender, NULL, 0);
    qwriter_begin_content(w);
    rc = bounce_compose(qf, action, rcpts, n, &params, put_line, w, err);
    buf_dispose(&msgid);
    if (rc < 0) {
        qwriter_free(w);
        return -1;
    }
    qwriter_end_content(w);
    if (qwriter_commit(w, err) < 0) {
        qwriter_free(w);
        return -1;
    }
    *new_id = xstrdup(qwriter_id(w));
    qwriter_free(w);
    return 0;
}
