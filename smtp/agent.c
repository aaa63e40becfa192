/* agent.c - one delivery request: queue file -> SMTP transaction ->
 * results and log lines (see agent.h). */
#include "smtp/agent.h"
#include "deliver/qmessage.h"
#include "smtp/hosts.h"
#include "smtp/nexthop.h"
#include "smtp_client/smtpc_body.h"
#include "smtp_client/smtpc_tls.h"
#include "smtp_client/smtpc_xact.h"
#include "util/mem.h"
#include "util/msg.h"
#include "util/sink.h"
#include "util/sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

void smtp_agent_init(smtp_agent_t *a, const smtp_config_t *cfg, const queue_t *q)
{
    memset(a, 0, sizeof(*a));
    a->cfg = cfg;
    a->queue = q;
    snprintf(a->relay, sizeof(a->relay), "none");
}

void smtp_agent_dispose(smtp_agent_t *a)
{
    smtp_cache_close(&a->cache);
}

/* The request's state while it is worked on. */
typedef struct job {
    smtp_agent_t *a;
    const dlv_request_t *req;
    qfile_t *qf;
    smtpc_message_t m;
    char **orcpts;               /* allocated ORCPT values */
    smtpc_outcome_t fail;        /* why no session could be had */
    smtpc_session_t *ss;
    long long connected_ms;
    struct timeval start, setup_done;
    bool site_fail;              /* no server could be reached or would talk */
} job_t;

static unsigned smtp_notify(int q)
{
    unsigned n = 0;

    if (q & QDSN_NOTIFY_NEVER)
        return SMTP_NOTIFY_NEVER;
    if (q & QDSN_NOTIFY_SUCCESS)
        n |= SMTP_NOTIFY_SUCCESS;
    if (q & QDSN_NOTIFY_FAILURE)
        n |= SMTP_NOTIFY_FAILURE;
    if (q & QDSN_NOTIFY_DELAY)
        n |= SMTP_NOTIFY_DELAY;
    return n;
}

static bool ascii_only(const char *s)
{
    for (; *s; s++)
        if ((unsigned char) *s < 33 || (unsigned char) *s > 126)
            return false;
    return true;
}

static void build_message(job_t *j)
{
    const qenvelope_t *env = qfile_envelope(j->qf);
    const dlv_request_t *req = j->req;

    j->m.sender = req->sender;
    j->m.envid = env->envid;
    j->m.ret = env->ret == QDSN_RET_FULL ? SMTP_RET_FULL
             : env->ret == QDSN_RET_HDRS ? SMTP_RET_HDRS : SMTP_RET_NONE;
    j->m.size = env->size.message_size > 0 ? (unsigned long long) env->size.message_size : 0;
    j->m.rcpt_count = (size_t) req->count;
    j->m.rcpts = xcalloc((size_t) req->count, sizeof(*j->m.rcpts));
    j->orcpts = xcalloc((size_t) req->count, sizeof(*j->orcpts));
    j->m.body = dlv_qfile_producer;
    j->m.body_ctx = j->qf;
    for (int i = 0; i < req->count; i++) {
        const dlv_rcpt_t *r = &req->rcpts[i];
        smtpc_rcpt_t *c = &j->m.rcpts[i];
        const char *orcpt = NULL;

        smtpc_outcome_init(&c->result);
        c->addr = r->addr;
        c->notify = smtp_notify(r->notify);
        if (r->index >= 0 && (size_t) r->index < env->rcpt_count)
            orcpt = env->rcpts[r->index].dsn_orcpt;
        if (orcpt == NULL && r->orig[0] && ascii_only(r->orig)) {
            buf_t b = BUF_INIT;

            buf_printf(&b, "rfc822;%s", r->orig);
            orcpt = j->orcpts[i] = buf_detach(&b);
        }
        c->orcpt = orcpt;
    }
}

static void free_job(job_t *j)
{
    for (size_t i = 0; i < j->m.rcpt_count; i++) {
        smtpc_outcome_dispose(&j->m.rcpts[i].result);
        xfree(j->orcpts[i]);
    }
    xfree(j->m.rcpts);
    xfree(j->orcpts);
    smtpc_outcome_dispose(&j->fail);
}

/* The next hop to use: qmgr's, or the first recipient's domain. */
static const char *nexthop_of(const dlv_request_t *req)
{
    const char *at;

    if (req->nexthop[0])
        return req->nexthop;
    at = strrchr(req->rcpts[0].addr, '@');
    return at ? at + 1 : req->rcpts[0].addr;
}

static unsigned port_number(const struct sockaddr_storage *sa)
{
    if (sa->ss_family == AF_INET)
        return ntohs(((const struct sockaddr_in *) sa)->sin_port);
    if (sa->ss_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *) sa)->sin6_port);
    return 0;
}

/* Connects to one server, starts the session and TLS (unless plain);
 * NULL with j->fail set. */
static smtpc_session_t *open_session(job_t *j, const smtp_host_t *h, const char *port,
                                     int *sessions, bool plain)
{
    const smtp_config_t *cfg = j->a->cfg;
    smtpc_session_t *ss;
    char *err = NULL;
    int fd = sock_connect_addr((const struct sockaddr *) &h->sa, h->sa_len,
                               cfg->connect_timeout * 1000, &err);
    int saved = errno;

    xfree(err);
    if (fd < 0) {
        smtpc_outcome_set(&j->fail, "4.4.1", "connect to %s[%s]:%s: %s", h->name,
                          h->addr, port, strerror(saved));
        j->fail.try_next = true;
        return NULL;
    }
    (*sessions)++;
    ss = xmalloc(sizeof(*ss));
    smtpc_session_init(ss, stream_open_fd(fd, STREAM_CLOSE_FD), &cfg->session,
                       h->name, h->addr, port);
    if (smtpc_session_start(ss, &j->fail) < 0
        || smtpc_session_starttls(ss, cfg->tls, plain ? TLS_LEV_NONE : cfg->tls_level,
                                  h->name, h->addr, port_number(&h->sa), &j->fail) < 0
        || smtp_sasl_authenticate(&cfg->sasl, ss, nexthop_of(j->req), h->name, &j->fail) < 0) {
        smtp_session_close(ss);
        return NULL;
    }
    return ss;
}

/* A session for the request's next hop: the cached one (after RSET) or
 * a new one. false with j->fail set when there is none; bounce decides
 * whether that failure is final for everyone. */
static bool get_session(job_t *j, const char *nexthop)
{
    const smtp_config_t *cfg = j->a->cfg;
    smtp_nexthop_t hop;
    smtp_hosts_t hosts;
    char dsn[16], *err = NULL;
    int sessions = 0;

    j->ss = smtp_cache_take(&j->a->cache, j->req->nexthop, &j->connected_ms);
    if (j->ss && smtpc_session_rset(j->ss) == 0)
        return true;
    smtp_session_close(j->ss);
    j->ss = NULL;
    if (smtp_nexthop_parse(nexthop, cfg->tcp_port, &hop, &err) < 0) {
        smtpc_outcome_set(&j->fail, "4.3.5", "%s", err);
        xfree(err);
        return false;
    }
    if (smtp_hosts_lookup(cfg->dns, &hop, cfg->mx_address_limit, &hosts, dsn, &err) < 0) {
        smtpc_outcome_set(&j->fail, dsn, "%s", err);
        xfree(err);
        smtp_nexthop_free(&hop);
        return false;
    }
    for (size_t i = 0; i < hosts.n && j->ss == NULL; i++) {
        if (cfg->mx_session_limit > 0 && sessions >= cfg->mx_session_limit)
            break;
        j->connected_ms = sink_now_ms();
        j->ss = open_session(j, &hosts.v[i], hosts.port, &sessions, false);
        if (j->ss == NULL && j->fail.try_plain
            && (cfg->mx_session_limit == 0 || sessions < cfg->mx_session_limit)) {
            j->connected_ms = sink_now_ms();
            j->ss = open_session(j, &hosts.v[i], hosts.port, &sessions, true);
        }
        if (j->ss == NULL && !j->fail.try_next && j->fail.cls == 5)
            break;
    }
    smtp_hosts_free(&hosts);
    smtp_nexthop_free(&hop);
    return j->ss != NULL;
}

static void transact(job_t *j)
{
    char *err = NULL;

    if ((j->ss->ext.flags & SMTP_EXT_8BITMIME)
        && smtpc_body_is_8bit(dlv_qfile_producer, j->qf, &j->m.eight_bit, &err) < 0) {
        msg_warn("%s: %s", j->req->queue_id, err ? err : "cannot read queue file");
        xfree(err);
        j->m.eight_bit = true;
    }
    if (smtpc_transaction(j->ss, &j->m) < 0) {
        smtp_session_close(j->ss);
    } else if (!j->a->cfg->cache
               || (j->a->cfg->reuse_count_limit > 0
                   && j->ss->transactions >= j->a->cfg->reuse_count_limit)
               || sink_now_ms() - j->connected_ms >= (long long) j->a->cfg->reuse_time_limit * 1000) {
        smtp_session_close(j->ss);
    } else {
        smtp_cache_put(&j->a->cache, j->req->nexthop, j->ss, j->connected_ms);
    }
    j->ss = NULL;
}

static void report(job_t *j, dlv_result_t *results)
{
    for (int i = 0; i < j->req->count; i++) {
        const smtpc_outcome_t *o = &j->m.rcpts[i].result;

        if (o->cls == 0)
            dlv_result_set(&results[i], "4.3.0", "unknown mail transport error");
        else
            dlv_result_set(&results[i], o->dsn, "%s", o->text.data);
        results[i].relayed = o->relayed;
        results[i].passed = o->passed;
        results[i].site_fail = j->site_fail;
        dlv_agent_log_setup(j->req, &j->req->rcpts[i], j->a->relay, &j->start,
                            &j->setup_done, &results[i]);
    }
}

int smtp_agent_deliver(void *ctx, const dlv_request_t *req, dlv_result_t *results,
                       char **err)
{
    job_t j;

    memset(&j, 0, sizeof(j));
    j.a = ctx;
    j.req = req;
    gettimeofday(&j.start, NULL);
    snprintf(j.a->relay, sizeof(j.a->relay), "none");
    if (dlv_qfile_open(j.a->queue, req->queue_name, req->queue_id, &j.qf, err) < 0)
        return -1;
    smtpc_outcome_init(&j.fail);
    build_message(&j);
    if (get_session(&j, nexthop_of(req))) {
        snprintf(j.a->relay, sizeof(j.a->relay), "%s", j.ss->relay);
        gettimeofday(&j.setup_done, NULL);
        transact(&j);
    } else {
        gettimeofday(&j.setup_done, NULL);
        for (size_t i = 0; i < j.m.rcpt_count; i++)
            smtpc_outcome_copy(&j.m.rcpts[i].result, &j.fail);
        j.site_fail = j.fail.cls == 4 && j.fail.try_next;
    }
    report(&j, results);
    free_job(&j);
    qfile_close(j.qf);
    return 0;
}
