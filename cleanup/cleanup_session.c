/* cleanup_session.c - serve the cleanup protocol on one connection (see
 * cleanup_session.h): per message a queue writer, the envelope rewritten
 * and expanded, the content split and completed, commit before the
 * answer. Message failures are answered (sticky); a broken connection
 * only ends the session. */
#include "cleanup/cleanup_session.h"

#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "cleanup/cleanup_content.h"
#include "cleanup/cleanup_header.h"
#include "ipc/attr.h"
#include "ipc/attr_names.h"
#include "queue/qwriter.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/strutil.h"
#include "util/trigger.h"

#define MAX_RCPTS 4000
#define TRIGGER_TIMEOUT_MS 1000

struct message {
    qwriter_t *writer;
    int flags;
    bool enveloped;
    bool content_begun;
    cleanup_content_t *content;
    cleanup_addrs_t rcpts;     /* recipients written (duplicate filter) */
    buf_t sender;              /* as written */
    char id[QUEUE_ID_SIZE];
    bool header_table_error;   /* a lookup failed while rewriting headers */
    char dsn[16];              /* "" while the message is fine */
    buf_t reason;
};

struct session {
    const cleanup_params_t *params;
    stream_t *stream;
    attr_list_t *req;
    attr_list_t *resp;
    struct message msg;
};

static void msg_reset(struct message *m)
{
    if (m->writer)
        qwriter_free(m->writer);
    cleanup_content_free(m->content);
    cleanup_addrs_free(&m->rcpts);
    buf_dispose(&m->reason);
    buf_dispose(&m->sender);
    memset(m, 0, sizeof(*m));
}

static void fail(struct message *m, const char *dsn, const char *reason)
{
    if (m->dsn[0])
        return;
    snprintf(m->dsn, sizeof(m->dsn), "%s", dsn);
    buf_set(&m->reason, reason);
    if (m->writer) {
        qwriter_abort(m->writer);      /* removes and frees */
        m->writer = NULL;
    }
}

static int answer(struct session *s)
{
    char *err = NULL;

    if (attr_send(s->stream, s->resp, &err) < 0) {
        msg_warn("cleanup: write to client: %s", err);
        xfree(err);
        return -1;
    }
    return 0;
}

/* status 0, or the message's sticky failure. */
static int answer_state(struct session *s, bool with_id)
{
    struct message *m = &s->msg;

    attr_list_reset(s->resp);
    attr_put_int(s->resp, ATTR_STATUS, m->dsn[0] ? 1 : 0);
    if (m->dsn[0]) {
        attr_put_str(s->resp, ATTR_DSN, m->dsn);
        attr_put_str(s->resp, ATTR_REASON, buf_str(&m->reason));
    }
    if (with_id && m->id[0])
        attr_put_str(s->resp, ATTR_QUEUE_ID, m->id);
    return answer(s);
}

static int answer_error(struct session *s, const char *dsn, const char *reason)
{
    attr_list_reset(s->resp);
    attr_put_int(s->resp, ATTR_STATUS, 1);
    attr_put_str(s->resp, ATTR_DSN, dsn);
    attr_put_str(s->resp, ATTR_REASON, reason);
    return answer(s);
}

static int do_open(struct session *s)
{
    struct message *m = &s->msg;
    const char *queue_name;
    char *err = NULL;
    int flags = 0;

    msg_reset(m);
    if (attr_has(s->req, ATTR_FLAGS) && attr_get_int(s->req, ATTR_FLAGS, &flags) < 0)
        return answer_error(s, "4.3.0", "bad open request");
    m->flags = flags;
    queue_name = (flags & CLEANUP_FLAG_HOLD) ? QUEUE_HOLD : QUEUE_INCOMING;
    m->writer = qwriter_create(s->params->queue, queue_name, &err);
    if (m->writer == NULL) {
        msg_warn("cleanup: create queue file: %s", err);
        xfree(err);
        return answer_error(s, "4.3.0", "queue file write error");
    }
    snprintf(m->id, sizeof(m->id), "%s", qwriter_id(m->writer));
    attr_list_reset(s->resp);
    attr_put_int(s->resp, ATTR_STATUS, 0);
    attr_put_str(s->resp, ATTR_QUEUE_ID, m->id);
    return answer(s);
}

static bool local_submission(const struct message *m)
{
    return (m->flags & CLEANUP_FLAG_LOCAL_SUBMISSION) != 0;
}

/* Table errors and limits turn into message failures. */
static void rewrite_failed(struct message *m, int rc, char *err)
{
    if (rc == -2) {
        msg_warn("%s: %s", qwriter_id(m->writer), err);
        fail(m, "4.6.0", "Alias expansion error");
    } else {
        msg_warn("%s: table lookup error: %s", qwriter_id(m->writer), err);
        fail(m, "4.3.0", "server configuration error");
    }
    xfree(err);
}

static int put_sender(struct session *s, const char *sender)
{
    struct message *m = &s->msg;
    buf_t q = BUF_INIT, out = BUF_INIT;
    char *err = NULL;
    int rc;

    if (local_submission(m))
        cleanup_qualify(&s->params->rewrite, sender, &q);
    else
        buf_set(&q, sender);
    rc = cleanup_canon_sender(&s->params->rewrite, buf_str(&q), &out, &err);
    if (rc < 0)
        rewrite_failed(m, rc, err);
    else
        qwriter_put_sender(m->writer, buf_str(&out));
    buf_set(&m->sender, buf_str(&out));
    buf_dispose(&q);
    buf_dispose(&out);
    return rc;
}

static const char *rcpt_attr(const attr_list_t *l, const char *base, long i)
{
    char name[ATTR_NAME_MAX + 1];
    const char *value = NULL;

    snprintf(name, sizeof(name), "%s_%ld", base, i);
    if (attr_get_str(l, name, &value) < 0)
        return NULL;
    return value;
}

static int put_recipient(struct session *s, long i)
{
    struct message *m = &s->msg;
    const char *addr = rcpt_attr(s->req, ATTR_RCPT_ADDR, i);
    const char *orig = rcpt_attr(s->req, ATTR_RCPT_ORIG, i);
    const char *orcpt = rcpt_attr(s->req, ATTR_RCPT_ORCPT, i);
    const char *notify_text = rcpt_attr(s->req, ATTR_RCPT_NOTIFY, i);
    long notify = 0;
    buf_t q = BUF_INIT, canon = BUF_INIT;
    cleanup_addrs_t expanded = {NULL, 0};
    char *err = NULL;
    size_t k;
    int rc;

    if (addr == NULL || (notify_text && !str_to_long(notify_text, 0, 15, &notify)))
        return -3;
    if (local_submission(m))
        cleanup_qualify(&s->params->rewrite, addr, &q);
    else
        buf_set(&q, addr);
    rc = cleanup_canon_recipient(&s->params->rewrite, buf_str(&q), &canon, &err);
    if (rc == 0)
        rc = cleanup_virtual_expand(&s->params->rewrite, buf_str(&canon), &expanded, &err);
    if (rc < 0) {
        rewrite_failed(m, rc, err);
    } else {
        for (k = 0; k < expanded.count; k++) {
            if (cleanup_addrs_has(&m->rcpts, expanded.items[k]))
                continue;
            cleanup_addrs_add(&m->rcpts, expanded.items[k]);
            qwriter_put_rcpt(m->writer, expanded.items[k], orig ? orig : addr,
                             orcpt, (int) notify);
        }
    }
    cleanup_addrs_free(&expanded);
    buf_dispose(&q);
    buf_dispose(&canon);
    return rc;
}

static void put_client_attrs(struct session *s)
{
    static const char *const names[] = {
        ATTR_CLIENT_NAME, ATTR_CLIENT_ADDR, ATTR_CLIENT_PORT, ATTR_HELO_NAME,
        ATTR_PROTOCOL_NAME, ATTR_SASL_METHOD, ATTR_SASL_USERNAME, NULL,
    };
    size_t i;

    for (i = 0; names[i]; i++) {
        const char *value;

        if (attr_get_str(s->req, names[i], &value) == 0 && *value)
            qwriter_put_attr(s->msg.writer, names[i], value);
    }
}

static void out_line(void *ctx, const char *data, size_t len)
{
    qwriter_put_line(ctx, data, len);
}

static void out_partial(void *ctx, const char *data, size_t len)
{
    qwriter_put_partial(ctx, data, len);
}

/* Local submissions: header addresses are qualified and canonicalized
 * (cleanup_header.h). A table error fails the message at finish. */
static void edit_header(void *ctx, buf_t *header)
{
    struct session *s = ctx;
    buf_t out = BUF_INIT;
    char *err = NULL;
    int rc = cleanup_rewrite_header(&s->params->rewrite, header->data, header->len, &out, &err);

    if (rc < 0) {
        msg_warn("%s: table lookup error: %s", s->msg.id, err);
        xfree(err);
        s->msg.header_table_error = true;
    } else if (rc == 1) {
        buf_reset(header);
        buf_append(header, out.data, out.len);
    }
    buf_dispose(&out);
}

static void start_content(struct session *s, const char *sender, const char *full_name)
{
    struct message *m = &s->msg;
    const cleanup_params_t *p = s->params;
    cleanup_content_opts_t opts = {0};
    cleanup_content_out_t out;

    opts.add_missing = local_submission(m) || p->always_add_missing_headers;
    opts.queue_id = qwriter_id(m->writer);
    opts.myhostname = p->myhostname;
    opts.sender = sender;
    opts.full_name = full_name;
    opts.now = time(NULL);
    opts.size_limit = p->message_size_limit;
    opts.header_limit = (size_t) p->header_size_limit;
    if (local_submission(m)) {
        opts.edit_header = edit_header;
        opts.edit_ctx = s;
    }
    out.line = out_line;
    out.partial = out_partial;
    out.ctx = m->writer;
    m->content = cleanup_content_new(&opts, &out);
}

static int do_envelope(struct session *s)
{
    struct message *m = &s->msg;
    const char *sender = NULL, *envid = NULL, *full_name = NULL;
    int ret = 0, count = 0;
    struct timeval now;
    int i;

    if (m->writer == NULL && m->dsn[0] == 0)
        return answer_error(s, "4.3.0", "envelope without open");
    if (m->dsn[0])
        return answer_state(s, false);
    if (m->enveloped)
        return answer_error(s, "4.3.0", "second envelope");
    if (attr_get_str(s->req, ATTR_SENDER, &sender) < 0
        || (attr_has(s->req, ATTR_ENVID) && attr_get_str(s->req, ATTR_ENVID, &envid) < 0)
        || (attr_has(s->req, ATTR_RET) && attr_get_int(s->req, ATTR_RET, &ret) < 0)
        || (attr_has(s->req, ATTR_FULL_NAME) && attr_get_str(s->req, ATTR_FULL_NAME, &full_name) < 0)
        || attr_get_int(s->req, ATTR_RCPT_COUNT, &count) < 0
        || count < 0 || count > MAX_RCPTS || ret < 0 || ret > QDSN_RET_HDRS) {
        fail(m, "4.3.0", "malformed envelope request");
        return answer_state(s, false);
    }
    m->enveloped = true;
    gettimeofday(&now, NULL);
    qwriter_put_time(m->writer, QREC_TIME, &now);
    if (put_sender(s, sender) < 0)
        return answer_state(s, false);
    if (envid && *envid)
        qwriter_put_envid(m->writer, envid);
    if (ret)
        qwriter_put_ret(m->writer, ret);
    put_client_attrs(s);
    for (i = 0; i < count; i++) {
        int rc = put_recipient(s, i);

        if (rc == -3)
            fail(m, "4.3.0", "malformed envelope request");
        if (rc < 0)
            return answer_state(s, false);
    }
    start_content(s, buf_str(&m->sender), full_name);
    return answer_state(s, false);
}

static int do_content(struct session *s)
{
    struct message *m = &s->msg;
    const void *data;
    size_t len;

    if (m->dsn[0])
        return answer_state(s, false);
    if (!m->enveloped)
        return answer_error(s, "4.3.0", "content without envelope");
    if (attr_get_data(s->req, ATTR_DATA, &data, &len) < 0) {
        fail(m, "4.3.0", "malformed content request");
        return answer_state(s, false);
    }
    if (!m->content_begun) {
        qwriter_begin_content(m->writer);
        m->content_begun = true;
    }
    cleanup_content_feed(m->content, data, len);
    return answer_state(s, false);
}

static void wake_qmgr(const cleanup_params_t *p)
{
    char *err = NULL;

    if (p->qmgr_trigger == NULL)
        return;
    if (trigger_unix(p->qmgr_trigger, "W", 1, TRIGGER_TIMEOUT_MS, &err) < 0) {
        if (msg_verbose)
            msg_info("cannot wake qmgr: %s", err);
        xfree(err);
    }
}

/* End of content and commit; the message's failure state says how. */
/* HOLD learned at finish (smtpd_end_of_data_restrictions): the file was
 * written for incoming/; it moves to hold/ before qmgr is woken. qmgr's
 * own scan could take it first in that instant: then it is delivered
 * and the HOLD is reported as not applied. */
static void hold_after_commit(struct session *s)
{
    struct message *m = &s->msg;
    char *err = NULL;

    if (queue_move(s->params->queue, m->id, QUEUE_INCOMING, QUEUE_HOLD, &err) < 0) {
        msg_warn("%s: HOLD at end of data not applied: %s", m->id, err);
        xfree(err);
        return;
    }
    m->flags |= CLEANUP_FLAG_HOLD;
}

static void complete(struct session *s, bool late_hold)
{
    struct message *m = &s->msg;
    char *err = NULL;

    if (!m->content_begun) {
        qwriter_begin_content(m->writer);
        m->content_begun = true;
    }
    cleanup_content_end(m->content);
    if (cleanup_content_too_big(m->content)) {
        msg_info("%s: reject: message file too big (%lld bytes > message_size_limit %lld)",
                 qwriter_id(m->writer), cleanup_content_size(m->content),
                 s->params->message_size_limit);
        fail(m, "5.3.4", "message file too big");
        return;
    }
    if (m->header_table_error) {
        fail(m, "4.3.0", "server configuration error");
        return;
    }
    if (m->rcpts.count == 0) {
        fail(m, "5.1.3", "no recipients specified");
        return;
    }
    qwriter_end_content(m->writer);
    if (m->flags & CLEANUP_FLAG_DISCARD) {
        msg_info("%s: discarded", m->id);
        qwriter_abort(m->writer);
        m->writer = NULL;
        return;
    }
    if (qwriter_commit(m->writer, &err) < 0) {
        msg_warn("%s: commit queue file: %s", qwriter_id(m->writer), err);
        xfree(err);
        fail(m, "4.3.0", "queue file write error");
        return;
    }
    msg_info("%s: message-id=%s", qwriter_id(m->writer),
             *cleanup_content_message_id(m->content)
                 ? cleanup_content_message_id(m->content) : "<>");
    if (late_hold)
        hold_after_commit(s);
}

static int do_finish(struct session *s)
{
    struct message *m = &s->msg;
    int flags = 0, rc;

    if (m->dsn[0] == 0 && !m->enveloped)
        return answer_error(s, "4.3.0", "finish without envelope");
    if (attr_has(s->req, ATTR_FLAGS) && attr_get_int(s->req, ATTR_FLAGS, &flags) < 0)
        return answer_error(s, "4.3.0", "bad finish request");
    if (flags & CLEANUP_FLAG_DISCARD)
        m->flags |= CLEANUP_FLAG_DISCARD;
    if (m->dsn[0] == 0)
        complete(s, (flags & CLEANUP_FLAG_HOLD) && !(m->flags & CLEANUP_FLAG_HOLD));
    rc = answer_state(s, true);
    if (m->dsn[0] == 0 && !(m->flags & (CLEANUP_FLAG_DISCARD | CLEANUP_FLAG_HOLD)))
        wake_qmgr(s->params);
    msg_reset(m);
    return rc;
}

static int do_abort(struct session *s)
{
    msg_reset(&s->msg);                /* frees = removes the file */
    attr_list_reset(s->resp);
    attr_put_int(s->resp, ATTR_STATUS, 0);
    return answer(s);
}

static int dispatch(struct session *s)
{
    const char *request;

    if (attr_get_str(s->req, ATTR_REQUEST, &request) < 0)
        return answer_error(s, "4.3.0", "request without name");
    if (strcmp(request, "open") == 0)
        return do_open(s);
    if (strcmp(request, "envelope") == 0)
        return do_envelope(s);
    if (strcmp(request, "content") == 0)
        return do_content(s);
    if (strcmp(request, "finish") == 0)
        return do_finish(s);
    if (strcmp(request, "abort") == 0)
        return do_abort(s);
    return answer_error(s, "4.3.0", "unknown request");
}

void cleanup_serve(stream_t *stream, const cleanup_params_t *p)
{
    struct session s = {p, stream, attr_list_new(), attr_list_new(), {0}};
    char *err = NULL;

    if (attr_announce(stream, ATTR_CLEANUP_PROTOCOL, &err) < 0) {
        msg_warn("cleanup: announce: %s", err);
        xfree(err);
    } else {
        for (;;) {
            int rc = attr_recv(stream, s.req, NULL, &err);

            if (rc == 0)
                break;
            if (rc < 0) {
                msg_warn("cleanup: read request: %s", err);
                xfree(err);
                break;
            }
            if (dispatch(&s) < 0)
                break;
        }
    }
    msg_reset(&s.msg);
    attr_list_free(s.req);
    attr_list_free(s.resp);
}
