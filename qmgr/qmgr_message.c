/* qmgr_message.c - loading a message in active/: validate the queue file,
 * log "from=<...>, size=N, nrcpt=N (queue active)", resolve every
 * recipient that is not done yet, and hand the message to scheduling. */
#include "qmgr.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

#include <stdio.h>
#include <string.h>

void qmgr_msg_free(qmgr_msg_t *msg)
{
    for (size_t i = 0; i < msg->nrcpts; i++) {
        xfree(msg->rcpts[i].transport);
        xfree(msg->rcpts[i].nexthop);
        xfree(msg->rcpts[i].dsn);
        xfree(msg->rcpts[i].text);
        xfree(msg->rcpts[i].relay);
    }
    xfree(msg->rcpts);
    qfile_close(msg->qf);
    xfree(msg);
}

static void resolve_rcpt(qmgr_t *m, qmgr_msg_t *msg, qmgr_rcpt_t *r)
{
    resolve_result_t res;

    resolve_result_init(&res);
    resolve_address(resolve_setup_config(m->resolve), r->q->address, &res);
    if (res.flags & RESOLVE_FLAG_FAIL) {
        r->transport = xstrdup("retry");
        r->nexthop = xstrdup(res.error ? res.error : "address resolver failure");
    } else {
        r->transport = xstrdup(res.transport.data);
        r->nexthop = xstrdup(res.nexthop.data);
    }
    (void) msg;
    resolve_result_dispose(&res);
}

/* Moves a file that cannot be read as a queue file out of the way. */
static void quarantine(qmgr_t *m, const char *id, const char *why)
{
    char *err = NULL;

    msg_warn("%s: corrupt queue file, moved to corrupt/: %s", id, why);
    if (queue_move(m->queue, id, "active", "corrupt", &err) < 0) {
        msg_warn("%s: move to corrupt: %s", id, err);
        xfree(err);
    }
}

int qmgr_load(qmgr_t *m, const char *id)
{
    const qenvelope_t *env;
    qmgr_msg_t *msg;
    qfile_t *qf = NULL;
    char *err = NULL;
    int rc;

    rc = qfile_open(m->queue, "active", id, QFILE_WRITE, &qf, &err);
    if (rc == QFILE_ERR_CORRUPT) {
        quarantine(m, id, err);
        xfree(err);
        return -1;
    }
    if (rc != QFILE_OK) {
        msg_warn("%s: open queue file: %s", id, err);
        xfree(err);
        return -1;
    }
    if (queue_lock(qfile_fd(qf), QUEUE_LOCK_SHARED, false, &err) != 0) {
        msg_warn("%s: queue file is locked by another process; skipped", id);
        xfree(err);
        qfile_close(qf);
        return -1;
    }
    env = qfile_envelope(qf);
    msg = xcalloc(1, sizeof(*msg));
    snprintf(msg->id, sizeof(msg->id), "%s", id);
    msg->qf = qf;
    msg->arrival = env->arrival;
    gettimeofday(&msg->active, NULL);
    msg->rcpts = xcalloc(env->rcpt_count ? env->rcpt_count : 1, sizeof(*msg->rcpts));
    msg->nrcpts = env->rcpt_count;
    msg_info("%s: from=<%s>, size=%lld, nrcpt=%zu (queue active)", id,
             env->sender, env->size.message_size, env->rcpt_count);
    for (size_t i = 0; i < env->rcpt_count; i++) {
        qmgr_rcpt_t *r = &msg->rcpts[i];

        r->index = i;
        r->q = &env->rcpts[i];
        r->state = env->rcpts[i].done ? RCPT_DONE : RCPT_TODO;
        if (r->state == RCPT_TODO)
            resolve_rcpt(m, msg, r);
    }
    msg->next = m->msgs;
    m->msgs = msg;
    m->nmsgs++;
    qmgr_enqueue(m, msg);
    return 0;
}
