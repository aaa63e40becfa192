/* agent.c - handle one qmgr delivery request for the local transport (see
 * agent.h): parse, open the queue file, deliver each recipient, log,
 * answer. The daemon skeleton around it is not written yet. */
#include "local/agent.h"
#include "ipc/attr_names.h"
#include "local/address.h"
#include "local/agent_config.h"
#include "local/forward.h"
#include "local/headers.h"
#include "local/qmessage.h"
#include "queue/qfile.h"
#include "util/mem.h"
#include "util/msg.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define NAME_LEN 64

/* ---- request ---- */

static const char *rcpt_name(char *buf, const char *base, int i)
{
    snprintf(buf, NAME_LEN, "%s_%d", base, i);
    return buf;
}

static int bad_request(char **err, const char *what)
{
    if (err) {
        buf_t b = BUF_INIT;

        buf_printf(&b, "malformed delivery request: %s", what);
        *err = buf_detach(&b);
    }
    return -1;
}

static int parse_recipients(const attr_list_t *l, local_request_t *req,
                            char **err)
{
    static const char *const bases[] = {ATTR_RCPT_ADDR, ATTR_RCPT_ORIG,
                                        ATTR_RCPT_INDEX, ATTR_RCPT_NOTIFY};
    char name[NAME_LEN];
    const char **allowed;
    size_t n = 0;
    int rc = 0;

    req->rcpts = xcalloc((size_t) req->count, sizeof(*req->rcpts));
    allowed = xcalloc(11 + 4 * (size_t) req->count, sizeof(*allowed));
    for (int i = 0; i < req->count && rc == 0; i++) {
        local_rcpt_t *r = &req->rcpts[i];

        if (attr_get_str(l, rcpt_name(name, ATTR_RCPT_ADDR, i), &r->addr) < 0
            || attr_get_str(l, rcpt_name(name, ATTR_RCPT_ORIG, i), &r->orig) < 0
            || attr_get_int(l, rcpt_name(name, ATTR_RCPT_INDEX, i), &r->index) < 0
            || attr_get_int(l, rcpt_name(name, ATTR_RCPT_NOTIFY, i), &r->notify) < 0)
            rc = bad_request(err, name);
        else if (r->addr[0] == '\0')
            rc = bad_request(err, "empty recipient");
    }
    for (const char *const *b = (const char *const[]){ATTR_REQUEST,
             ATTR_QUEUE_NAME, ATTR_QUEUE_ID, ATTR_NEXTHOP, ATTR_SENDER,
             ATTR_ARRIVAL_TIME, ATTR_ARRIVAL_USEC, ATTR_ACTIVE_TIME,
             ATTR_ACTIVE_USEC, ATTR_RCPT_COUNT, NULL}; *b; b++)
        allowed[n++] = *b;
    for (int i = 0; i < req->count; i++)
        for (size_t k = 0; k < 4; k++)
            allowed[n++] = xstrdup(rcpt_name(name, bases[k], i));
    allowed[n] = NULL;
    if (rc == 0 && attr_check_only(l, allowed, err) < 0)
        rc = -1;
    for (size_t k = 10; k < n; k++)
        xfree((void *) allowed[k]);
    xfree(allowed);
    return rc;
}

int local_request_parse(const attr_list_t *l, local_request_t *req, char **err)
{
    const char *request = NULL;
    long at = 0, au = 0, ct = 0, cu = 0;
    attr_spec_t specs[] = {
        {ATTR_REQUEST, ATTR_TYPE_STR, &request, false},
        {ATTR_QUEUE_NAME, ATTR_TYPE_STR, &req->queue_name, false},
        {ATTR_QUEUE_ID, ATTR_TYPE_STR, &req->queue_id, false},
        {ATTR_NEXTHOP, ATTR_TYPE_STR, &req->nexthop, false},
        {ATTR_SENDER, ATTR_TYPE_STR, &req->sender, false},
        {ATTR_ARRIVAL_TIME, ATTR_TYPE_LONG, &at, false},
        {ATTR_ARRIVAL_USEC, ATTR_TYPE_LONG, &au, false},
        {ATTR_ACTIVE_TIME, ATTR_TYPE_LONG, &ct, false},
        {ATTR_ACTIVE_USEC, ATTR_TYPE_LONG, &cu, false},
        {ATTR_RCPT_COUNT, ATTR_TYPE_INT, &req->count, false},
    };

    memset(req, 0, sizeof(*req));
    if (attr_scan(l, specs, sizeof(specs) / sizeof(specs[0]), 0, err) < 0)
        return -1;
    if (strcmp(request, "deliver") != 0)
        return bad_request(err, "request is not \"deliver\"");
    if (req->count < 1 || req->count > LOCAL_RCPT_MAX)
        return bad_request(err, "bad recipient count");
    if (au < 0 || au > 999999 || cu < 0 || cu > 999999)
        return bad_request(err, "bad microseconds");
    req->arrival.tv_sec = at;
    req->arrival.tv_usec = au;
    req->active.tv_sec = ct;
    req->active.tv_usec = cu;
    if (parse_recipients(l, req, err) < 0) {
        local_request_free(req);
        return -1;
    }
    return 0;
}

void local_request_free(local_request_t *req)
{
    xfree(req->rcpts);
    req->rcpts = NULL;
}

/* ---- privileges ---- */

static int become(const local_agent_t *a, uid_t uid, gid_t gid,
                  local_result_t *res)
{
    if (!a->switch_privileges)
        return 0;
    if (setgroups(1, &gid) < 0 || setegid(gid) < 0 || seteuid(uid) < 0) {
        local_result_set(res, "4.3.0", "cannot set privileges to uid %ld: %s",
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
    const local_request_t *req;
    const local_rcpt_t *rcpt;
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
                                    local_result_t *res)
{
    local_mailbox_cfg_t cfg = dv->agent->mailbox;
    buf_t command = BUF_INIT;
    char one[2] = {dv->addr->delim, 0};
    char *err = NULL;

    if (local_expand_command(cfg.mailbox_command, env,
                             dv->addr->delim ? one : "", &command, &err) < 0) {
        local_result_set(res, "4.3.5", "mailbox_command: %s", err);
        xfree(err);
    } else {
        cfg.mailbox_command = command.data;
        local_deliver_mailbox(&cfg, u, env, msg, res);
    }
    buf_dispose(&command);
}

static void deliver_dest(const delivery_t *dv, const local_dest_t *d,
                         local_result_t *res)
{
    const local_agent_t *a = dv->agent;
    const local_user_t *u = d->default_privs ? &a->default_privs : &d->user;
    local_prefix_t pre = {dv->req->sender,
                          dv->rcpt->orig[0] ? dv->rcpt->orig : dv->rcpt->addr,
                          dv->rcpt->addr, local_qfile_producer, dv->qf};
    local_message_t msg = {dv->req->sender, dv->req->arrival.tv_sec,
                           local_prefixed_producer, &pre};
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
                               local_prefixed_producer, &pre};

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
        local_result_copy(res, &d->error);
        break;
    }
}

/* Forwards dests[first] and every later forward with the same owner in
 * one message; marks them used (value NULL). */
static void forward_group(const delivery_t *dv, local_dests_t *dests,
                          size_t first, local_result_t *res)
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
                         local_qfile_producer, dv->qf};
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
static void combine(local_result_t *total, bool *have, const local_result_t *one)
{
    if (!*have || one->status == LOCAL_DEFERRED
        || (one->status == LOCAL_SENT && total->status == LOCAL_BOUNCED)) {
        if (!*have || total->status != LOCAL_DEFERRED)
            local_result_copy(total, one);
    }
    *have = true;
}

static void deliver_recipient(const delivery_t *dv, const buf_t *headers,
                              local_result_t *res)
{
    local_dests_t dests;
    local_result_t one;
    bool have = false;

    if (local_has_delivered_to(headers->data, headers->len, dv->rcpt->addr)) {
        local_result_set(res, "5.4.6", "mail forwarding loop for %s",
                         dv->rcpt->addr);
        return;
    }
    if (local_expand(&dv->agent->expand, dv->rcpt->addr, &dests, res) < 0)
        return;
    local_result_init(&one);
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
        local_result_set(res, "5.3.5", "alias expands to nothing");
    local_result_dispose(&one);
    local_dests_free(&dests);
}

/* ---- logging ---- */

void local_format_delay(buf_t *out, double s)
{
    char tmp[32];
    char *end;

    if (s < 0.01) {
        buf_puts(out, "0");
        return;
    }
    snprintf(tmp, sizeof(tmp), s < 1 ? "%.2f" : s < 10 ? "%.1f" : "%.0f", s);
    if (strchr(tmp, '.')) {
        end = tmp + strlen(tmp) - 1;
        while (*end == '0')
            *end-- = '\0';
        if (*end == '.')
            *end = '\0';
    }
    buf_puts(out, tmp);
}

static double seconds_between(const struct timeval *a, const struct timeval *b)
{
    double d = (double) (b->tv_sec - a->tv_sec)
             + (double) (b->tv_usec - a->tv_usec) / 1e6;

    return d < 0 ? 0 : d;
}

static void log_result(const local_request_t *req, const local_rcpt_t *r,
                       const struct timeval *start, const local_result_t *res)
{
    struct timeval end;
    buf_t line = BUF_INIT;

    gettimeofday(&end, NULL);
    buf_printf(&line, "%s: to=<%s>", req->queue_id, r->addr);
    if (r->orig[0] && strcasecmp(r->orig, r->addr) != 0)
        buf_printf(&line, ", orig_to=<%s>", r->orig);
    buf_puts(&line, ", relay=local, delay=");
    local_format_delay(&line, seconds_between(&req->arrival, &end));
    buf_puts(&line, ", delays=");
    local_format_delay(&line, seconds_between(&req->arrival, &req->active));
    buf_putc(&line, '/');
    local_format_delay(&line, seconds_between(&req->active, start));
    buf_puts(&line, "/0/");
    local_format_delay(&line, seconds_between(start, &end));
    buf_printf(&line, ", dsn=%s, status=%s (%s)", res->dsn,
               local_status_name(res->status), res->text.data);
    msg_info("%s", line.data);
    buf_dispose(&line);
}

/* ---- the request ---- */

static int open_queue_file(const local_agent_t *a, const local_request_t *req,
                           qfile_t **qf, char **err)
{
    if (qfile_open(a->queue, req->queue_name, req->queue_id, QFILE_READ, qf,
                   err) != QFILE_OK)
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

int local_agent_deliver(const local_agent_t *a, const local_request_t *req,
                        local_result_t *results, char **err)
{
    buf_t headers = BUF_INIT;
    qfile_t *qf;

    if (open_queue_file(a, req, &qf, err) < 0)
        return -1;
    if (local_qfile_headers(qf, &headers, err) < 0) {
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
        log_result(req, &req->rcpts[i], &start, &results[i]);
        local_addr_dispose(&addr);
    }
    qfile_close(qf);
    buf_dispose(&headers);
    return 0;
}

void local_response_build(attr_list_t *resp, const local_request_t *req,
                          const local_result_t *results, const char *reason)
{
    char name[NAME_LEN];

    attr_list_reset(resp);
    if (reason) {
        attr_put_int(resp, ATTR_STATUS, 1);
        attr_put_str(resp, ATTR_REASON, reason);
        return;
    }
    attr_put_int(resp, ATTR_STATUS, 0);
    attr_put_str(resp, ATTR_RELAY, "local");
    for (int i = 0; i < req->count; i++) {
        int status = results[i].status == LOCAL_SENT ? DLV_STATUS_SENT
                   : results[i].status == LOCAL_BOUNCED ? DLV_STATUS_BOUNCED
                   : DLV_STATUS_DEFERRED;

        attr_put_int(resp, rcpt_name(name, ATTR_RCPT_STATUS, i), status);
        attr_put_str(resp, rcpt_name(name, ATTR_RCPT_DSN, i), results[i].dsn);
        attr_put_str(resp, rcpt_name(name, ATTR_RCPT_TEXT, i),
                     results[i].text.data);
    }
}

/* Answers one request frame. */
static int answer(stream_t *s, const local_agent_t *a, const attr_list_t *in,
                  attr_list_t *resp, char **err)
{
    local_request_t req;
    local_result_t *results = NULL;
    char *why = NULL;
    int rc;

    if (local_request_parse(in, &req, &why) == 0) {
        results = xcalloc((size_t) req.count, sizeof(*results));
        for (int i = 0; i < req.count; i++)
            local_result_init(&results[i]);
        if (local_agent_deliver(a, &req, results, &why) < 0)
            msg_warn("%s: %s", req.queue_id, why);
    } else {
        msg_warn("%s", why ? why : "malformed delivery request");
    }
    local_response_build(resp, &req, results,
                         why ? why : (results ? NULL : "malformed request"));
    rc = attr_send(s, resp, err);
    for (int i = 0; results && i < req.count; i++)
        local_result_dispose(&results[i]);
    xfree(results);
    local_request_free(&req);
    xfree(why);
    return rc;
}

int local_serve(stream_t *s, const local_agent_t *a, char **err)
{
    attr_list_t *in = attr_list_new(), *resp = attr_list_new();
    int rc;

    rc = attr_announce(s, ATTR_DLV_PROTOCOL, err);
    while (rc == 0) {
        int got = attr_recv(s, in, NULL, err);

        if (got <= 0) {
            rc = got;
            break;
        }
        rc = answer(s, a, in, resp, err);
    }
    attr_list_free(in);
    attr_list_free(resp);
    return rc;
}
