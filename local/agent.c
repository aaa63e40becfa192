/* agent.c - handle one qmgr delivery request for the local transport (see
 * agent.h): parse, open the queue file, deliver each recipient, log,
 * answer. The daemon skeleton around it is not written yet. */
#include "local/agent.h"
#include "ipc/attr_names.h"
#include "local/address.h"
#include "local/agent_config.h"
#include "local/forward.h"
#include "deliver/headers.h"
#include "deliver/qmessage.h"
#include "queue/qfile.h"
#include "util/mem.h"
#include "util/msg.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

/* ---- privileges ---- */

static int become(const local_agent_t *a, uid_t uid, gid_t gid,
                  dlv_result_t *res)
{
    if (!a->switch_privileges)
        return 0;
    if (setgroups(1, &gid) < 0 || setegid(gid) < 0 || seteuid(uid) < 0) {
        dlv_result_set(res, "4.3.0", "cannot set privileges to uid %ld: %s",
                         (long) uid, strerror(errno));
        (void) seteuid(0);
        (void) setegid(0);
        return -1;
    }
    return 0;
}

static void restore(const local_agent_t *a)
{
    if (a->switch_privileges && (seteuid(0) < 0 || setegid(0) < 0))
        msg_fatal("cannot restore root privileges: %s", strerror(errno));
}

/* ---- one destination ---- */

typedef struct delivery {
    const local_agent_t *agent;
    const dlv_request_t *req;
    const dlv_rcpt_t *rcpt;
    const local_addr_t *addr;
    qfile_t *qf;
} delivery_t;

static void command_env(const delivery_t *dv, const local_dest_t *d,
                        const local_user_t *u, local_command_env_t *env)
{
    env->home = u->home;
    env->user = u->name;
    env->shell = u->shell;
    env->logname = u->name;
    env->sender = dv->req->sender;
    env->recipient = dv->rcpt->addr;
    env->original_recipient = dv->rcpt->orig[0] ? dv->rcpt->orig : dv->rcpt->addr;
    env->extension = d->extension;
    env->domain = dv->addr->domain.data;
    env->local = dv->addr->local.data;
}

/* mailbox_command with $name expanded for this recipient. */
static void deliver_mailbox_command(const delivery_t *dv, const local_user_t *u,
                                    const local_command_env_t *env,
                                    const local_message_t *msg,
                                    dlv_result_t *res)
{
    local_mailbox_cfg_t cfg = dv->agent->mailbox;
    buf_t command = BUF_INIT;
    char one[2] = {dv->addr->delim, 0};
    char *err = NULL;

    if (local_expand_command(cfg.mailbox_command, env,
                             dv->addr->delim ? one : "", &command, &err) < 0) {
        dlv_result_set(res, "4.3.5", "mailbox_command: %s", err);
        xfree(err);
    } else {
        cfg.mailbox_command = command.data;
        local_deliver_mailbox(&cfg, u, env, msg, res);
    }
    buf_dispose(&command);
}

static void deliver_dest(const delivery_t *dv, const local_dest_t *d,
                         dlv_result_t *res)
{
    const local_agent_t *a = dv->agent;
    const local_user_t *u = d->default_privs ? &a->default_privs : &d->user;
    dlv_prefix_t pre = {dv->req->sender,
                          dv->rcpt->orig[0] ? dv->rcpt->orig : dv->rcpt->addr,
                          dv->rcpt->addr, dlv_qfile_producer, dv->qf};
    local_message_t msg = {dv->req->sender, dv->req->arrival.tv_sec,
                           dlv_prefixed_producer, &pre};
    local_command_env_t env;

    command_env(dv, d, u, &env);
    switch (d->kind) {
    case LOCAL_DEST_MAILBOX:
        if (a->mailbox.mailbox_command && *a->mailbox.mailbox_command) {
            deliver_mailbox_command(dv, u, &env, &msg, res);
        } else if (!local_mailbox_as_user(&a->mailbox)) {
            local_deliver_mailbox(&a->mailbox, u, &env, &msg, res);
        } else if (become(a, u->uid, u->gid, res) == 0) {
            local_deliver_mailbox(&a->mailbox, u, &env, &msg, res);
            restore(a);
        }
        break;
    case LOCAL_DEST_COMMAND: {
        local_command_t cmd = {d->value, u->uid, u->gid, u->home, &env,
                               a->mailbox.command_time_limit,
                               dlv_prefixed_producer, &pre};

        local_deliver_command(&cmd, res);
        break;
    }
    case LOCAL_DEST_FILE:
        if (become(a, u->uid, u->gid, res) == 0) {
            local_deliver_file(&a->mailbox, d->value, &msg, res);
            restore(a);
        }
        break;
    case LOCAL_DEST_FORWARD:
        msg_panic("forward destination given to deliver_dest");
    case LOCAL_DEST_ERROR:
        dlv_result_copy(res, &d->error);
        break;
    }
}

/* Forwards dests[first] and every later forward with the same owner in
 * one message; marks them used (value NULL). */
static void forward_group(const delivery_t *dv, local_dests_t *dests,
                          size_t first, dlv_result_t *res)
{
    const char *owner = dests->items[first].owner;
    const char **addrs = xcalloc(dests->count, sizeof(*addrs));
    buf_t sender = BUF_INIT;
    size_t n = 0;

    for (size_t i = first; i < dests->count; i++) {
        local_dest_t *d = &dests->items[i];

        if (d->kind != LOCAL_DEST_FORWARD || d->value == NULL
            || (owner == NULL) != (d->owner == NULL)
            || (owner && strcmp(owner, d->owner) != 0))
            continue;
        addrs[n++] = d->value;
    }
    if (owner)
        buf_printf(&sender, "%s%s%s", owner, dv->addr->domain.len ? "@" : "",
                   dv->addr->domain.data);
    else
        buf_set(&sender, dv->req->sender);
    local_forward_t f = {dv->agent->cleanup_socket, 0, sender.data,
                         dv->rcpt->addr, addrs, n,
                         dv->rcpt->orig[0] ? dv->rcpt->orig : dv->rcpt->addr,
                         dlv_qfile_producer, dv->qf};
    local_forward_message(&f, res);
    for (size_t i = first; i < dests->count; i++)
        for (size_t k = 0; k < n; k++)
            if (dests->items[i].value == addrs[k]) {
                xfree(dests->items[i].value);
                dests->items[i].value = NULL;
            }
    xfree(addrs);
    buf_dispose(&sender);
}

/* Combines destination results: a deferral wins, then a delivery, then
 * the first bounce. */
static void combine(dlv_result_t *total, bool *have, const dlv_result_t *one)
{
    if (!*have || one->status == DLV_DEFERRED
        || (one->status == DLV_SENT && total->status == DLV_BOUNCED)) {
        if (!*have || total->status != DLV_DEFERRED)
            dlv_result_copy(total, one);
    }
    *have = true;
}

static void deliver_recipient(const delivery_t *dv, const buf_t *headers,
                              dlv_result_t *res)
{
    local_dests_t dests;
    dlv_result_t one;
    bool have = false;

    if (dlv_has_delivered_to(headers->data, headers->len, dv->rcpt->addr)) {
        dlv_result_set(res, "5.4.6", "mail forwarding loop for %s",
                         dv->rcpt->addr);
        return;
    }
    if (local_expand(&dv->agent->expand, dv->rcpt->addr, &dests, res) < 0)
        return;
    dlv_result_init(&one);
    for (size_t i = 0; i < dests.count; i++) {
        if (dests.items[i].kind == LOCAL_DEST_FORWARD)
            continue;
        deliver_dest(dv, &dests.items[i], &one);
        combine(res, &have, &one);
    }
    for (size_t i = 0; i < dests.count; i++) {
        if (dests.items[i].kind != LOCAL_DEST_FORWARD || dests.items[i].value == NULL)
            continue;
        forward_group(dv, &dests, i, &one);
        combine(res, &have, &one);
    }
    if (!have)
        dlv_result_set(res, "5.3.5", "alias expands to nothing");
    dlv_result_dispose(&one);
    local_dests_free(&dests);
}

/* ---- the request ---- */

int local_agent_deliver(const local_agent_t *a, const dlv_request_t *req,
                        dlv_result_t *results, char **err)
{
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
        local_addr_t addr;
        struct timeval start;
        delivery_t dv = {a, req, &req->rcpts[i], &addr, qf};

        gettimeofday(&start, NULL);
        local_addr_init(&addr);
        local_addr_split(&addr, req->rcpts[i].addr,
                         a->expand.recipient_delimiter);
        deliver_recipient(&dv, &headers, &results[i]);
        dlv_agent_log(req, &req->rcpts[i], "local", &start, &results[i]);
        local_addr_dispose(&addr);
    }
    qfile_close(qf);
    buf_dispose(&headers);
    return 0;
}

static int deliver_cb(void *ctx, const dlv_request_t *req,
                      dlv_result_t *results, char **err)
{
    return local_agent_deliver(ctx, req, results, err);
}

int local_serve(stream_t *s, const local_agent_t *a, char **err)
{
    return dlv_serve(s, "local", deliver_cb, (void *) a, err);
}
