/* qmgr_deliver.c - scheduling and the client side of the delivery
 * protocol (docs/DELIVERY.md). Recipients of a message are grouped per
 * destination (transport + next hop) into jobs of at most the transport's
 * destination_recipient_limit; each destination runs deliveries within
 * the limits of qmgr_dest.c (concurrency window, transport process limit,
 * rate delay), and the jobs of a dead destination are deferred at once.
 * The error, discard and retry transports are answered here without an
 * agent. */
#include "qmgr.h"
#include "config/config.h"
#include "ipc/attr.h"
#include "ipc/attr_names.h"
#include "mail/dlv_log.h"
#include "util/buf.h"
#include "util/events.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/stream.h"

#include <stdio.h>
#include <string.h>

typedef struct qmgr_conn {
    qmgr_t *m;
    qmgr_dest_t *dest;
    qmgr_job_t *job;
    stream_t *s;
    bool site_fail;             /* the agent reported a site-level failure */
    char *site_dsn;
    char *site_reason;
} qmgr_conn_t;

static void special_result(qmgr_t *m, qmgr_msg_t *msg, qmgr_rcpt_t *r)
{
    dlv_times_t t;
    const char *text = *r->nexthop ? r->nexthop : NULL;

    t.arrival = msg->arrival;
    t.active = msg->active;
    gettimeofday(&t.agent, NULL);
    t.connected = t.done = t.agent;
    if (strcmp(r->transport, "error") == 0) {
        text = text ? text : "mail delivery error";
        dlv_log(msg->id, r->q->address, r->q->orig, "none", &t, "5.0.0", "bounced", text);
        qmgr_rcpt_result(m, msg, r, DLV_STATUS_BOUNCED, "5.0.0", text, "none");
    } else if (strcmp(r->transport, "discard") == 0) {
        text = text ? text : "discarded";
        dlv_log(msg->id, r->q->address, r->q->orig, "none", &t, "2.0.0", "sent", text);
        qmgr_rcpt_result(m, msg, r, DLV_STATUS_SENT, "2.0.0", text, "none");
    } else {
        text = text ? text : "delivery temporarily suspended";
        dlv_log(msg->id, r->q->address, r->q->orig, "none", &t, "4.3.0", "deferred", text);
        qmgr_rcpt_result(m, msg, r, DLV_STATUS_DEFERRED, "4.3.0", text, "none");
    }
}

static bool is_special(const char *transport)
{
    return strcmp(transport, "error") == 0 || strcmp(transport, "discard") == 0
        || strcmp(transport, "retry") == 0;
}

static void add_job(qmgr_dest_t *d, qmgr_job_t *job)
{
    job->next = NULL;
    if (d->tail)
        d->tail->next = job;
    else
        d->head = job;
    d->tail = job;
}

void qmgr_enqueue(qmgr_t *m, qmgr_msg_t *msg)
{
    /* The message must not finish while jobs are still being added. */
    msg->jobs_pending++;
    for (size_t i = 0; i < msg->nrcpts; i++) {
        qmgr_rcpt_t *r = &msg->rcpts[i];
        qmgr_dest_t *d;
        qmgr_job_t *job;
        long limit;

        if (r->state != RCPT_TODO)
            continue;
        if (is_special(r->transport)) {
            r->state = RCPT_BUSY;
            special_result(m, msg, r);
            continue;
        }
        d = qmgr_dest_find(m, r->transport, r->nexthop);
        limit = qmgr_recipient_limit(m, r->transport);
        job = xcalloc(1, sizeof(*job));
        job->msg = msg;
        job->rcpt = xcalloc((size_t) limit, sizeof(*job->rcpt));
        /* This recipient and later ones for the same destination. */
        for (size_t j = i; j < msg->nrcpts && job->n < (size_t) limit; j++) {
            qmgr_rcpt_t *o = &msg->rcpts[j];

            if (o->state == RCPT_TODO && !is_special(o->transport)
                && strcmp(o->transport, r->transport) == 0
                && strcmp(o->nexthop, r->nexthop) == 0) {
                o->state = RCPT_BUSY;
                job->rcpt[job->n++] = j;
            }
        }
        msg->jobs_pending++;
        add_job(d, job);
    }
    qmgr_msg_release(m, msg);
}

static void fail_job(qmgr_t *m, qmgr_job_t *job, const char *dsn, const char *text)
{
    dlv_times_t t;

    t.arrival = job->msg->arrival;
    t.active = job->msg->active;
    gettimeofday(&t.agent, NULL);
    t.connected = t.done = t.agent;
    for (size_t i = 0; i < job->n; i++) {
        qmgr_rcpt_t *r = &job->msg->rcpts[job->rcpt[i]];

        dlv_log(job->msg->id, r->q->address, r->q->orig, "none", &t, dsn, "deferred", text);
        qmgr_rcpt_result(m, job->msg, r, DLV_STATUS_DEFERRED, dsn, text, "none");
    }
}

static void build_request(const qmgr_dest_t *d, const qmgr_job_t *job, attr_list_t *req)
{
    const qmgr_msg_t *msg = job->msg;
    const qenvelope_t *env = qfile_envelope(msg->qf);
    char name[64];

    attr_put_str(req, ATTR_REQUEST, "deliver");
    attr_put_str(req, ATTR_QUEUE_NAME, "active");
    attr_put_str(req, ATTR_QUEUE_ID, msg->id);
    attr_put_str(req, ATTR_NEXTHOP, d->nexthop);
    attr_put_str(req, ATTR_SENDER, env->sender);
    attr_put_long(req, ATTR_ARRIVAL_TIME, (long) msg->arrival.tv_sec);
    attr_put_long(req, ATTR_ARRIVAL_USEC, (long) msg->arrival.tv_usec);
    attr_put_long(req, ATTR_ACTIVE_TIME, (long) msg->active.tv_sec);
    attr_put_long(req, ATTR_ACTIVE_USEC, (long) msg->active.tv_usec);
    attr_put_int(req, ATTR_RCPT_COUNT, (int) job->n);
    for (size_t i = 0; i < job->n; i++) {
        const qmgr_rcpt_t *r = &msg->rcpts[job->rcpt[i]];

        snprintf(name, sizeof(name), "%s_%zu", ATTR_RCPT_ADDR, i);
        attr_put_str(req, name, r->q->address);
        snprintf(name, sizeof(name), "%s_%zu", ATTR_RCPT_ORIG, i);
        attr_put_str(req, name, r->q->orig ? r->q->orig : r->q->address);
        snprintf(name, sizeof(name), "%s_%zu", ATTR_RCPT_INDEX, i);
        attr_put_int(req, name, (int) r->index);
        snprintf(name, sizeof(name), "%s_%zu", ATTR_RCPT_NOTIFY, i);
        attr_put_int(req, name, r->q->notify);
    }
}

static void conn_done(qmgr_conn_t *c)
{
    qmgr_t *m = c->m;

    event_remove(stream_fd(c->s));
    stream_close(c->s);
    c->dest->active--;
    c->dest->tp->active--;
    qmgr_dest_feedback(m, c->dest, c->site_fail, c->site_dsn, c->site_reason);
    qmgr_job_done(m, c->job);
    xfree(c->site_dsn);
    xfree(c->site_reason);
    xfree(c);
    qmgr_dispatch(m);
}

/* Applies the agent's answer; a malformed answer defers the job. */
static void apply_reply(qmgr_conn_t *c, const attr_list_t *resp)
{
    qmgr_job_t *job = c->job;
    const char *relay = "none", *reason = NULL;
    char name[64];
    int status, site_fail = 0;

    if (attr_get_int(resp, ATTR_STATUS, &status) < 0) {
        fail_job(c->m, job, "4.3.0", "unknown mail transport error");
        return;
    }
    if (status != 0) {
        attr_get_str(resp, ATTR_REASON, &reason);
        fail_job(c->m, job, "4.3.0", reason ? reason : "unknown mail transport error");
        return;
    }
    attr_get_str(resp, ATTR_RELAY, &relay);
    if (attr_get_int(resp, ATTR_SITE_FAIL, &site_fail) == 0 && site_fail != 0)
        c->site_fail = true;
    for (size_t i = 0; i < job->n; i++) {
        qmgr_rcpt_t *r = &job->msg->rcpts[job->rcpt[i]];
        const char *dsn = NULL, *text = NULL, *action = NULL;
        int st;

        snprintf(name, sizeof(name), "%s_%zu", ATTR_RCPT_STATUS, i);
        if (attr_get_int(resp, name, &st) < 0 || st < DLV_STATUS_SENT || st > DLV_STATUS_BOUNCED)
            st = DLV_STATUS_DEFERRED;
        snprintf(name, sizeof(name), "%s_%zu", ATTR_RCPT_DSN, i);
        attr_get_str(resp, name, &dsn);
        snprintf(name, sizeof(name), "%s_%zu", ATTR_RCPT_TEXT, i);
        attr_get_str(resp, name, &text);
        snprintf(name, sizeof(name), "%s_%zu", ATTR_RCPT_ACTION, i);
        if (attr_get_str(resp, name, &action) < 0)
            action = "";
        r->relayed = strcmp(action, "relayed") == 0;
        r->passed = strcmp(action, "passed") == 0;
        if (c->site_fail && c->site_reason == NULL && st == DLV_STATUS_DEFERRED) {
            c->site_dsn = xstrdup(dsn ? dsn : "4.4.1");
            c->site_reason = xstrdup(text ? text : "destination not reachable");
        }
        qmgr_rcpt_result(c->m, job->msg, r, st, dsn ? dsn : "4.3.0",
                         text ? text : "unknown mail transport error", relay);
    }
}

static void on_timeout(void *ctx);

static void on_reply(int fd, void *ctx)
{
    qmgr_conn_t *c = ctx;
    attr_list_t *resp = attr_list_new();
    char *err = NULL;
    int rc;

    (void) fd;
    event_cancel_timer(on_timeout, ctx);
    rc = attr_recv(c->s, resp, NULL, &err);
    if (rc <= 0) {
        msg_warn("%s: delivery agent %s: %s", c->job->msg->id, c->dest->transport,
                 err ? err : "connection closed");
        fail_job(c->m, c->job, "4.3.0", "unknown mail transport error");
    } else {
        apply_reply(c, resp);
    }
    xfree(err);
    attr_list_free(resp);
    conn_done(c);
}

static void on_timeout(void *ctx)
{
    qmgr_conn_t *c = ctx;

    msg_warn("%s: delivery agent %s: no answer in time", c->job->msg->id, c->dest->transport);
    fail_job(c->m, c->job, "4.3.0", "delivery agent timed out");
    conn_done(c);
}

static void start(qmgr_t *m, qmgr_dest_t *d, qmgr_job_t *job)
{
    attr_list_t *req = attr_list_new();
    buf_t path = BUF_INIT, why = BUF_INIT;
    qmgr_conn_t *c;
    stream_t *s;
    struct timeval now;
    char *err = NULL;

    buf_printf(&path, "%s/private/%s", queue_root(m->queue), d->transport);
    s = attr_connect(path.data, ATTR_DLV_PROTOCOL, m->agent_timeout_ms, &err);
    if (s != NULL) {
        build_request(d, job, req);
        if (attr_send(s, req, &err) < 0) {
            stream_close(s);
            s = NULL;
        }
    }
    attr_list_free(req);
    if (s == NULL) {
        buf_printf(&why, "delivery temporarily suspended: connect to transport private/%s: %s",
                   d->transport, err ? err : "failed");
        msg_warn("%s", why.data);
        fail_job(m, job, "4.3.0", why.data);
        qmgr_job_done(m, job);
        xfree(err);
        buf_dispose(&path);
        buf_dispose(&why);
        return;
    }
    buf_dispose(&path);
    c = xcalloc(1, sizeof(*c));
    c->m = m;
    c->dest = d;
    c->job = job;
    c->s = s;
    stream_set_timeout(s, m->agent_timeout_ms, m->agent_timeout_ms);
    gettimeofday(&now, NULL);
    qmgr_dest_started(d, &now);
    event_read(stream_fd(s), on_reply, c);
    event_timer(m->agent_timeout_ms, on_timeout, c);
}

static qmgr_job_t *pop_job(qmgr_dest_t *d)
{
    qmgr_job_t *job = d->head;

    d->head = job->next;
    if (d->head == NULL)
        d->tail = NULL;
    return job;
}

/* The jobs of a dead destination: deferred with its reason, no contact. */
static void defer_dead(qmgr_t *m, qmgr_dest_t *d)
{
    while (d->head) {
        qmgr_job_t *job = pop_job(d);

        fail_job(m, job, d->dead_dsn, d->dead_reason);
        qmgr_job_done(m, job);
    }
}

static void dispatch_timer(void *ctx)
{
    qmgr_dispatch(ctx);
}

void qmgr_dispatch(qmgr_t *m)
{
    struct timeval now;
    long wait_ms, next_ms = -1;

    gettimeofday(&now, NULL);
    for (qmgr_dest_t *d = m->dests; d; d = d->next) {
        if (d->head && qmgr_dest_is_dead(d, now.tv_sec)) {
            defer_dead(m, d);
            continue;
        }
        while (d->head && qmgr_dest_may_start(d, &now, &wait_ms))
            start(m, d, pop_job(d));
        if (d->head && wait_ms >= 0 && (next_ms < 0 || wait_ms < next_ms))
            next_ms = wait_ms;
    }
    qmgr_dest_forget_idle(m);
    if (next_ms >= 0) {
        event_cancel_timer(dispatch_timer, m);
        event_timer(next_ms + 1, dispatch_timer, m);
    }
}
