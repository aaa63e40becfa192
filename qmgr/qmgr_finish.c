/* qmgr_finish.c - what happens after delivery attempts: recording each
 * recipient's result (done marks, defer logs), and finishing a message
 * when its last job is back: notices (bounce, expiry, success), then
 * removal or a move to deferred/ with the next retry time as mtime. */
#include "qmgr.h"
#include "bounce/bounce.h"
#include "ipc/attr_names.h"
#include "queue/qlog.h"
#include "util/buf.h"
#include "util/events.h"
#include "util/mem.h"
#include "util/msg.h"

#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>

/* Postfix's rule: wait as long as the message is old, within bounds. */
long qmgr_backoff(const qmgr_t *m, time_t arrival, time_t now)
{
    long age = (long) (now - arrival);

    if (age < m->min_backoff)
        age = m->min_backoff;
    if (age > m->max_backoff)
        age = m->max_backoff;
    return age;
}

static void mark_done(qmgr_msg_t *msg, qmgr_rcpt_t *r)
{
    char *err = NULL;

    if (qfile_mark_done(msg->qf, r->index, &err) < 0) {
        /* The delivery happened; a later retry repeats it (at least once). */
        msg_warn("%s: mark recipient %s done: %s", msg->id, r->q->address, err);
        xfree(err);
    }
}

void qmgr_rcpt_result(qmgr_t *m, qmgr_msg_t *msg, qmgr_rcpt_t *r, int status,
                      const char *dsn, const char *text, const char *relay)
{
    xfree(r->dsn);
    xfree(r->text);
    xfree(r->relay);
    r->dsn = xstrdup(dsn);
    r->text = xstrdup(text);
    r->relay = xstrdup(relay);
    if (status == DLV_STATUS_SENT) {
        r->state = RCPT_SENT;
        mark_done(msg, r);
    } else if (status == DLV_STATUS_BOUNCED) {
        r->state = RCPT_BOUNCED;
    } else {
        qlog_entry_t e = {(char *) r->q->address, (char *) r->q->orig,
                          (char *) r->q->dsn_orcpt, (long long) r->q->status_offset,
                          (char *) dsn, "delayed", (char *) text};
        char *err = NULL;

        r->state = RCPT_DEFERRED;
        if (qlog_append(m->queue, "defer", msg->id, &e, false, &err) < 0) {
            msg_warn("%s: defer log: %s", msg->id, err);
            xfree(err);
        }
    }
}

static bool wants_notice(const qmgr_rcpt_t *r, int bit)
{
    if (r->q->notify & QDSN_NOTIFY_NEVER)
        return false;
    if (r->q->notify == 0)
        return bit == QDSN_NOTIFY_FAILURE;
    return (r->q->notify & bit) != 0;
}

/* Sends one notice for the recipients in state `state` that asked for it.
 * Returns 0 when the notice is queued (or none was due), -1 on failure. */
static int notify(qmgr_t *m, qmgr_msg_t *msg, rcpt_state_t state, int bit,
                  bounce_action_t action)
{
    const qenvelope_t *env = qfile_envelope(msg->qf);
    bounce_rcpt_t *list = xcalloc(msg->nrcpts ? msg->nrcpts : 1, sizeof(*list));
    bounce_params_t p = {m->myhostname, msg->id, m->bounce_size_limit,
                         time(NULL), 0, NULL};
    size_t n = 0;
    char *id = NULL, *err = NULL;
    int rc = 0;

    for (size_t i = 0; i < msg->nrcpts; i++) {
        qmgr_rcpt_t *r = &msg->rcpts[i];

        if (r->state != state || !wants_notice(r, bit))
            continue;
        list[n++] = (bounce_rcpt_t) {r->q->address, r->q->orig, r->q->dsn_orcpt,
            r->dsn, r->text, strcmp(r->relay, "none") ? r->relay : NULL, 0};
    }
    if (n > 0 && *env->sender) {
        if (bounce_queue(m->queue, msg->qf, action, list, n, &p, &id, &err) < 0) {
            msg_warn("%s: cannot queue delivery status notification: %s", msg->id, err);
            xfree(err);
            rc = -1;
        } else {
            msg_info("%s: sender %s notification: %s",
                     msg->id, action == BOUNCE_DELIVERED ? "delivery status" : "non-delivery", id);
            xfree(id);
        }
    }
    xfree(list);
    return rc;
}

static void expire(qmgr_t *m, qmgr_msg_t *msg, time_t now)
{
    const qenvelope_t *env = qfile_envelope(msg->qf);
    long lifetime = *env->sender ? m->max_lifetime : m->bounce_lifetime;
    bool any = false;

    if (now - msg->arrival.tv_sec < lifetime)
        return;
    for (size_t i = 0; i < msg->nrcpts; i++) {
        if (msg->rcpts[i].state == RCPT_DEFERRED) {
            msg->rcpts[i].state = RCPT_BOUNCED;
            any = true;
        }
    }
    if (any)
        msg_info("%s: from=<%s>, status=expired, returned to sender", msg->id, env->sender);
}

static void remove_message(qmgr_t *m, qmgr_msg_t *msg)
{
    char *err = NULL;

    queue_remove(m->queue, "defer", msg->id, false, NULL);
    if (queue_remove(m->queue, "active", msg->id, true, &err) < 0) {
        msg_warn("%s: remove: %s", msg->id, err);
        xfree(err);
        return;
    }
    msg_info("%s: removed", msg->id);
}

static void defer_message(qmgr_t *m, qmgr_msg_t *msg, time_t now)
{
    buf_t path = BUF_INIT;
    char *err = NULL;
    struct timespec times[2];

    if (queue_move(m->queue, msg->id, "active", "deferred", &err) < 0
        || queue_find(m->queue, "deferred", msg->id, &path, &err) != 1) {
        msg_warn("%s: move to deferred: %s", msg->id, err ? err : "not found");
        xfree(err);
        buf_dispose(&path);
        return;
    }
    times[0].tv_sec = times[1].tv_sec = now + qmgr_backoff(m, msg->arrival.tv_sec, now);
    times[0].tv_nsec = times[1].tv_nsec = 0;
    if (utimensat(AT_FDCWD, path.data, times, 0) < 0)
        msg_warn("%s: set retry time: %m", path.data);
    buf_dispose(&path);
}

static void unlink_msg(qmgr_t *m, qmgr_msg_t *msg)
{
    for (qmgr_msg_t **pp = &m->msgs; *pp; pp = &(*pp)->next) {
        if (*pp == msg) {
            *pp = msg->next;
            m->nmsgs--;
            return;
        }
    }
}

static void scan_again(void *ctx)
{
    qmgr_scan_incoming(ctx);
}

static void finish(qmgr_t *m, qmgr_msg_t *msg)
{
    time_t now = time(NULL);
    bool pending = false;

    expire(m, msg, now);
    if (notify(m, msg, RCPT_BOUNCED, QDSN_NOTIFY_FAILURE, BOUNCE_FAILED) < 0) {
        for (size_t i = 0; i < msg->nrcpts; i++)
            if (msg->rcpts[i].state == RCPT_BOUNCED)
                msg->rcpts[i].state = RCPT_DEFERRED;
    }
    (void) notify(m, msg, RCPT_SENT, QDSN_NOTIFY_SUCCESS, BOUNCE_DELIVERED);
    for (size_t i = 0; i < msg->nrcpts; i++) {
        if (msg->rcpts[i].state == RCPT_BOUNCED)
            mark_done(msg, &msg->rcpts[i]);
        else if (msg->rcpts[i].state == RCPT_DEFERRED || msg->rcpts[i].state == RCPT_TODO)
            pending = true;
    }
    unlink_msg(m, msg);
    qfile_close(msg->qf);
    msg->qf = NULL;
    if (pending)
        defer_message(m, msg, now);
    else
        remove_message(m, msg);
    qmgr_msg_free(msg);
    /* Room in active/ again: look for more (after the current callback). */
    event_timer(0, scan_again, m);
}

void qmgr_msg_release(qmgr_t *m, qmgr_msg_t *msg)
{
    if (--msg->jobs_pending == 0)
        finish(m, msg);
}

void qmgr_job_done(qmgr_t *m, qmgr_job_t *job)
{
    qmgr_msg_t *msg = job->msg;

    xfree(job->rcpt);
    xfree(job);
    qmgr_msg_release(m, msg);
}
