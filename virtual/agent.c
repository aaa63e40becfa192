/* agent.c - deliver one request's recipients to virtual mailboxes (see
 * agent.h). */
#include "virtual/agent.h"
#include "deliver/headers.h"
#include "deliver/qmessage.h"
#include "maildir/maildir.h"
#include "util/mem.h"
#include "util/msg.h"

#include <errno.h>
#include <grp.h>
#include <string.h>
#include <unistd.h>

typedef struct target {
    buf_t path;
    long uid, gid;
} target_t;

static bool has_dotdot(const char *path)
{
    for (const char *p = path; (p = strstr(p, "..")) != NULL; p += 2)
        if ((p == path || p[-1] == '/') && (p[2] == '\0' || p[2] == '/'))
            return true;
    return false;
}

/* The mailbox path, uid and gid; -1 with res set when the recipient
 * cannot be delivered now or at all. */
static int find_target(const virtual_agent_t *a, const char *addr,
                       target_t *t, dlv_result_t *res)
{
    buf_t value = BUF_INIT;
    char *err = NULL;
    int rc = virtual_lookup(&a->mailbox_maps, addr, a->recipient_delimiter,
                            &value, &err);

    if (rc < 0)
        dlv_result_set(res, "4.3.0", "%s: table lookup problem: %s",
                       a->mailbox_maps.param, err ? err : "unknown error");
    else if (rc == 0)
        dlv_result_set(res, "5.1.1", "unknown user: \"%s\"", addr);
    else if (value.len == 0 || has_dotdot(value.data)) {
        dlv_result_set(res, "4.3.0", "recipient %s: bad mailbox %s in %s",
                       addr, value.data, a->mailbox_maps.param);
        rc = 0;
    } else {
        buf_printf(&t->path, "%s%s%s", a->mailbox_base,
                   value.data[0] == '/' ? "" : "/", value.data);
    }
    xfree(err);
    buf_dispose(&value);
    if (rc <= 0)
        return -1;
    if (virtual_lookup_id(&a->uid_maps, "uid", addr, a->recipient_delimiter,
                          a->minimum_uid, &t->uid, res) < 0
        || virtual_lookup_id(&a->gid_maps, "gid", addr,
                             a->recipient_delimiter, 1, &t->gid, res) < 0)
        return -1;
    return 0;
}

static int become(const virtual_agent_t *a, const target_t *t,
                  dlv_result_t *res)
{
    gid_t gid = (gid_t) t->gid;

    if (!a->switch_privileges)
        return 0;
    if (setgroups(1, &gid) < 0 || setegid(gid) < 0
        || seteuid((uid_t) t->uid) < 0) {
        dlv_result_set(res, "4.3.0", "cannot set privileges to uid %ld: %s",
                       t->uid, strerror(errno));
        (void) seteuid(0);
        (void) setegid(0);
        return -1;
    }
    return 0;
}

static void restore(const virtual_agent_t *a)
{
    if (a->switch_privileges && (seteuid(0) < 0 || setegid(0) < 0))
        msg_fatal("cannot restore root privileges: %s", strerror(errno));
}

static void to_maildir(const virtual_agent_t *a, const target_t *t,
                       dlv_prefix_t *pre, dlv_result_t *res)
{
    maildir_opts_t opts = {a->mailbox_limit, NULL, NULL, NULL};
    char *err = NULL;

    if (maildir_deliver(t->path.data, &opts, dlv_prefixed_producer, pre, NULL,
                        &err) == 0) {
        dlv_result_set(res, "2.0.0", "delivered to maildir");
        return;
    }
    dlv_result_set(res, dlv_dsn_for_errno(errno, "4.2.0"),
                   "maildir delivery failed: %s", err);
    xfree(err);
}

static void to_mbox(const virtual_agent_t *a, const target_t *t,
                    const char *addr, const dlv_request_t *req,
                    dlv_prefix_t *pre, dlv_result_t *res)
{
    mbox_opts_t o = a->mbox;
    char *err = NULL;

    o.size_limit = a->mailbox_limit;
    if (mbox_append(t->path.data, req->sender, req->arrival.tv_sec, &o,
                    dlv_prefixed_producer, pre, &err) == 0) {
        dlv_result_set(res, "2.0.0", "delivered to mailbox");
        return;
    }
    dlv_result_set(res, dlv_dsn_for_errno(errno, "4.2.0"),
                   "cannot update mailbox %s for user %s. %s", t->path.data,
                   addr, err);
    xfree(err);
}

void virtual_deliver_rcpt(const virtual_agent_t *a, const dlv_request_t *req,
                          const dlv_rcpt_t *r, qfile_t *qf,
                          const buf_t *headers, dlv_result_t *res)
{
    target_t t = {BUF_INIT, 0, 0};
    dlv_prefix_t pre = {req->sender, r->orig[0] ? r->orig : r->addr, r->addr,
                        dlv_qfile_producer, qf};

    if (dlv_has_delivered_to(headers->data, headers->len, r->addr)) {
        dlv_result_set(res, "5.4.6", "mail forwarding loop for %s", r->addr);
        return;
    }
    if (find_target(a, r->addr, &t, res) == 0 && become(a, &t, res) == 0) {
        size_t n = t.path.len;

        if (n > 0 && t.path.data[n - 1] == '/')
            to_maildir(a, &t, &pre, res);
        else
            to_mbox(a, &t, r->addr, req, &pre, res);
        restore(a);
    }
    buf_dispose(&t.path);
}

int virtual_agent_deliver(void *ctx, const dlv_request_t *req,
                          dlv_result_t *results, char **err)
{
    const virtual_agent_t *a = ctx;
    buf_t headers = BUF_INIT;
    qfile_t *qf;

    if (dlv_qfile_open(a->queue, req->queue_name, req->queue_id, &qf, err) < 0)
        return -1;
    if (dlv_qfile_headers(qf, &headers, err) < 0) {
        qfile_close(qf);
        buf_dispose(&headers);
        return -1;
    }
    for (int i = 0; i < req->count; i++) {
        struct timeval start;

        gettimeofday(&start, NULL);
        virtual_deliver_rcpt(a, req, &req->rcpts[i], qf, &headers,
                             &results[i]);
        dlv_agent_log(req, &req->rcpts[i], "virtual", &start, &results[i]);
    }
    qfile_close(qf);
    buf_dispose(&headers);
    return 0;
}
