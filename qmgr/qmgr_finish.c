/* qmgr_finish.c - what happens after delivery attempts: recording each
 * recipient's result (done marks, defer logs), and finishing a message
 * when its last job is back: notices (bounce, expiry, success), then
 * removal or a move to deferred/ with the next retry time as mtime. */
#include "qmgr.h"
#include "bounce/bounce.h"
#include "config/config.h"
#include "ipc/attr_names.h"
#include "queue/qlog.h"
#include "util/buf.h"
#include "util/events.h"
#include "util/mem.h"
#include "util/msg.h"

#include <string.h>
#include <strings.h>
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

/* The done mark is written at once but made durable only when the message
 * goes back to deferred/ (sync_marks): a removed file needs none, and a
 * mark lost in a crash only repeats a delivery (at least once), as with
 * Postfix, which does not sync them either. */
static void mark_done(qmgr_msg_t *msg, qmgr_rcpt_t *r)
{
    char *err = NULL;

    if (qfile_set_done(msg->qf, r->index, &err) < 0) {
        /* The delivery happened; a later retry repeats it (at least once). */
        msg_warn("%s: mark recipient %s done: %s", msg->id, r->q->address, err);
        xfree(err);
    }
}

static void sync_marks(qmgr_msg_t *msg)
{
    char *err = NULL;

    if (qfile_sync(msg->qf, &err) < 0) {
        msg_warn("%s: sync recipient marks: %s", msg->id, err);
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

/* RFC 3461: without NOTIFY the MTA chooses; as Postfix, failures and
 * delays are reported, successes are not. */
static bool wants_notice(const qmgr_rcpt_t *r, int bit)
{
    if (r->q->notify & QDSN_NOTIFY_NEVER)
        return false;
    if (r->q->notify == 0)
        return bit == QDSN_NOTIFY_FAILURE || bit == QDSN_NOTIFY_DELAY;
    return (r->q->notify & bit) != 0;
}

static const char *action_text(bounce_action_t action)
{
    switch (action) {
    case BOUNCE_DELIVERED:
    case BOUNCE_RELAYED:
        return "delivery status";
    case BOUNCE_DELAYED:
        return "delay";
    default:
        return "non-delivery";
    }
}

/* Queues one notice about the listed recipients; to the sender, or with
 * postmaster set to that address as a postmaster copy. 0 or -1. */
static int send_notice(qmgr_t *m, qmgr_msg_t *msg, bounce_action_t action,
                       const bounce_rcpt_t *list, size_t n, const char *postmaster)
{
    bounce_params_t p = {m->myhostname, msg->id, m->bounce_size_limit, time(NULL),
                         action == BOUNCE_DELAYED ? msg->arrival.tv_sec + m->max_lifetime : 0,
                         NULL, postmaster, postmaster != NULL};
    char *id = NULL, *err = NULL;

    if (bounce_queue(m->queue, msg->qf, action, list, n, &p, &id, &err) < 0) {
        msg_warn("%s: cannot queue delivery status notification: %s", msg->id, err);
        xfree(err);
        return -1;
    }
    msg_info("%s: %s %s notification: %s", msg->id, postmaster ? "postmaster" : "sender",
             action_text(action), id);
    xfree(id);
    return 0;
}

/* notify_classes word for a postmaster copy of this notice, or NULL. */
static const char *copy_class(bounce_action_t action, bool null_sender)
{
    if (action == BOUNCE_FAILED)
        return null_sender ? "2bounce" : "bounce";
    if (action == BOUNCE_DELAYED && !null_sender)
        return "delay";
    return NULL;
}

static const char *copy_recipient(const char *cls)
{
    if (strcmp(cls, "2bounce") == 0)
        return cfg_str("2bounce_notice_recipient");
    if (strcmp(cls, "delay") == 0)
        return cfg_str("delay_notice_recipient");
    return cfg_str("bounce_notice_recipient");
}

static bool class_enabled(const char *cls)
{
    char **list = cfg_list("notify_classes");
    bool on = false;

    for (size_t i = 0; list[i]; i++)
        if (strcasecmp(list[i], cls) == 0)
            on = true;
    cfg_list_free(list);
    return on;
}

/* Sends the notices for the recipients in state `state`: to the sender
 * (never to the null sender) for those whose NOTIFY asks for it, and a
 * postmaster copy about all of them when notify_classes says so.
 * Returns 0 when the sender's notice is queued (or none was due), -1 on
 * failure (postmaster copies are best effort). */
static int notify(qmgr_t *m, qmgr_msg_t *msg, rcpt_state_t state, int bit,
                  bounce_action_t action)
{
    const qenvelope_t *env = qfile_envelope(msg->qf);
    bounce_rcpt_t *list = xcalloc(msg->nrcpts ? msg->nrcpts : 1, sizeof(*list));
    bounce_rcpt_t *all = xcalloc(msg->nrcpts ? msg->nrcpts : 1, sizeof(*all));
    bool null_sender = *env->sender == 0;
    const char *cls = copy_class(action, null_sender);
    size_t n = 0, nall = 0;
    int rc = 0;

    for (size_t i = 0; i < msg->nrcpts; i++) {
        qmgr_rcpt_t *r = &msg->rcpts[i];
        bounce_rcpt_t b;

        if (r->state != state
            || (state == RCPT_SENT && (r->passed || r->relayed != (action == BOUNCE_RELAYED))))
            continue;
        b = (bounce_rcpt_t) {r->q->address, r->q->orig, r->q->dsn_orcpt, r->dsn, r->text,
            r->relay && strcmp(r->relay, "none") ? r->relay : NULL, 0};
        all[nall++] = b;
        if (wants_notice(r, bit))
            list[n++] = b;
    }
    if (n > 0 && !null_sender)
        rc = send_notice(m, msg, action, list, n, NULL);
    if (nall > 0 && cls != NULL && class_enabled(cls))
        (void) send_notice(m, msg, action, all, nall, copy_recipient(cls));
    xfree(list);
    xfree(all);
    return rc;
}

/* The delay warning is sent once; trace/ID keeps a "delayed" entry
 * when it was (cleanup writes no W record, so the queue file cannot). */
static bool delay_warned(qmgr_t *m, const qmgr_msg_t *msg)
{
    qlog_list_t log = {NULL, 0};
    char *err = NULL;
    bool warned = false;

    if (qlog_read(m->queue, QUEUE_TRACE, msg->id, &log, &err) < 0) {
        msg_warn("%s: trace log: %s", msg->id, err);
        xfree(err);
        return true;            /* rather no warning than one per retry */
    }
    for (size_t i = 0; i < log.count; i++)
        if (log.items[i].action && strcmp(log.items[i].action, "delayed") == 0)
            warned = true;
    qlog_list_free(&log);
    return warned;
}

static void delay_warning(qmgr_t *m, qmgr_msg_t *msg, time_t now)
{
    const qenvelope_t *env = qfile_envelope(msg->qf);
    qlog_entry_t e = {(char *) env->sender, NULL, NULL, -1, "4.0.0", "delayed",
                      "delay warning sent"};
    char *err = NULL;

    if (m->delay_warning <= 0 || *env->sender == 0
        || now < msg->arrival.tv_sec + m->delay_warning || delay_warned(m, msg))
        return;
    if (notify(m, msg, RCPT_DEFERRED, QDSN_NOTIFY_DELAY, BOUNCE_DELAYED) < 0)
        return;                 /* tried again at the next retry */
    if (qlog_append(m->queue, QUEUE_TRACE, msg->id, &e, true, &err) < 0) {
        msg_warn("%s: trace log: %s", msg->id, err);
        xfree(err);
    }
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
    queue_remove(m->queue, QUEUE_TRACE, msg->id, false, NULL);
    /* No directory fsync: a removal lost in a crash repeats deliveries. */
    if (queue_remove(m->queue, "active", msg->id, false, &err) < 0) {
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

    if (qmgr_move(m->queue, msg->id, "active", "deferred", &err) < 0
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
    (void) notify(m, msg, RCPT_SENT, QDSN_NOTIFY_SUCCESS, BOUNCE_RELAYED);
    for (size_t i = 0; i < msg->nrcpts; i++) {
        if (msg->rcpts[i].state == RCPT_BOUNCED)
            mark_done(msg, &msg->rcpts[i]);
        else if (msg->rcpts[i].state == RCPT_DEFERRED || msg->rcpts[i].state == RCPT_TODO)
            pending = true;
    }
    if (pending) {
        delay_warning(m, msg, now);
        sync_marks(msg);
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
