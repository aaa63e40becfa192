/* dns_async.c - asynchronous single queries on the resolver's c-ares
 * channel, driven by lib/util/events (see dns_async.h): the channel's
 * sockets are registered as readable/writable events and its next
 * retransmission as a timer after every c-ares call; each query has its
 * own time limit (a timer) and is answered exactly once. A query that
 * timed out on our side stays known until c-ares lets go of it, so that
 * its late reply is ignored rather than used after free. */
#include <string.h>
#include <sys/time.h>

#include "dns/dns_async.h"
#include "dns/dns_impl.h"
#include "util/events.h"
#include "util/mem.h"
#include "util/msg.h"

typedef struct aquery {
    dns_resolver_t *r;
    struct aquery *next;       /* the resolver's list */
    char *name;                /* as asked */
    buf_t current;             /* being asked now (CNAME targets) */
    int type;
    int links_left;
    dns_async_fn fn;
    void *ctx;
    bool starting;             /* inside ares_query() */
    bool in_ares;              /* c-ares still holds a pointer to us */
    bool answered;             /* reply interpreted, callback not run yet */
    bool delivered;            /* callback has run */
    dns_answer_t ans;
    dns_status_t status;
    char *why;
} aquery_t;

static void sync_events(dns_resolver_t *r);

size_t dns_async_pending(const dns_resolver_t *r)
{
    return r->async_pending;
}

static void unlink_and_free(aquery_t *q)
{
    for (aquery_t **p = &q->r->async_queries; *p; p = &(*p)->next)
        if (*p == q) {
            *p = q->next;
            break;
        }
    dns_answer_dispose(&q->ans);
    buf_dispose(&q->current);
    xfree(q->why);
    xfree(q->name);
    xfree(q);
}

static void free_if_done(aquery_t *q)
{
    if (q->delivered && !q->in_ares)
        unlink_and_free(q);
}

static void fill_answer(aquery_t *q, dns_async_answer_t *a)
{
    char *why = NULL;

    switch (q->type) {
    case DNS_TYPE_A:
    case DNS_TYPE_AAAA:
        a->addrs.items = xcalloc(q->ans.count, sizeof(dns_addr_t));
        for (size_t i = 0; i < q->ans.count; i++) {
            dns_addr_t *d = &a->addrs.items[a->addrs.count++];
            d->family = q->type == DNS_TYPE_A ? AF_INET : AF_INET6;
            memcpy(d->bytes, q->ans.rrs[i]->data.data, q->ans.rrs[i]->data.len);
            inet_ntop(d->family, d->bytes, d->text, sizeof(d->text));
        }
        break;
    case DNS_TYPE_MX:
        a->status = dns_mx_from_answer(&q->ans, q->name, &a->mx, &why);
        q->why = why;
        break;
    case DNS_TYPE_TXT:
        a->txt.items = xcalloc(q->ans.count, sizeof(buf_t));
        for (size_t i = 0; i < q->ans.count; i++)
            buf_append(&a->txt.items[a->txt.count++], q->ans.rrs[i]->data.data,
                       q->ans.rrs[i]->data.len);
        break;
    default:
        a->names.items = xcalloc(q->ans.count, sizeof(char *));
        for (size_t i = 0; i < q->ans.count; i++)
            if (q->ans.rrs[i]->target)
                a->names.items[a->names.count++] = xstrdup(q->ans.rrs[i]->target);
        break;
    }
}

static void query_timeout(void *ctx);

static void deliver(aquery_t *q)
{
    dns_async_answer_t a;

    if (q->delivered)
        return;
    memset(&a, 0, sizeof(a));
    a.name = q->name;
    a.type = q->type;
    a.status = q->status;
    if (q->status == DNS_OK)
        fill_answer(q, &a);
    a.why = a.status == DNS_OK ? NULL : q->why;
    q->delivered = true;
    q->r->async_pending--;
    event_cancel_timer(query_timeout, q);
    q->fn(&a, q->ctx);
    dns_addr_list_dispose(&a.addrs);
    dns_mx_list_dispose(&a.mx);
    dns_txt_list_dispose(&a.txt);
    dns_name_list_dispose(&a.names);
    free_if_done(q);
}

static void deliver_later(void *ctx)
{
    deliver(ctx);
}

static void query_timeout(void *ctx)
{
    aquery_t *q = ctx;

    if (q->delivered)
        return;
    xfree(q->why);
    dns_answer_dispose(&q->ans);
    q->status = DNS_TEMPFAIL;
    q->why = dns_error_text(buf_str(&q->current), q->type, "Host not found, try again");
    event_cancel_timer(deliver_later, q);
    deliver(q);
}

static void start(aquery_t *q);

static void ares_done(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    aquery_t *q = arg;
    buf_t next = BUF_INIT;
    bool nx;
    int got;

    (void) timeouts;
    q->in_ares = false;
    if (q->delivered || q->answered) {
        free_if_done(q);
        return;
    }
    xfree(q->why);
    q->why = NULL;
    got = dns_interpret(status, abuf, alen > 0 ? (size_t) alen : 0, buf_str(&q->current),
                        q->type, &q->ans, &q->links_left, &next, &nx, &q->why, &q->status);
    if (got == 0 && status != ARES_EDESTRUCTION) {
        buf_set(&q->current, buf_str(&next));
        buf_dispose(&next);
        start(q);
        return;
    }
    buf_dispose(&next);
    if (got == 0) {
        q->status = DNS_TEMPFAIL;
        q->why = dns_error_text(buf_str(&q->current), q->type, "Host not found, try again");
    }
    q->answered = true;
    if (q->starting)
        event_timer(0, deliver_later, q);
    else
        deliver(q);
}

static void start(aquery_t *q)
{
    q->in_ares = true;
    q->starting = true;
    ares_query(q->r->channel, buf_str(&q->current), 1 /* IN */, q->type, ares_done, q);
    q->starting = false;
}

void dns_async_query(dns_resolver_t *r, const char *name, int type, dns_async_fn fn,
                     void *ctx)
{
    aquery_t *q = xcalloc(1, sizeof(*q));

    q->r = r;
    q->name = xstrdup(name);
    q->type = type;
    q->links_left = DNS_CNAME_LIMIT;
    q->fn = fn;
    q->ctx = ctx;
    q->next = r->async_queries;
    r->async_queries = q;
    r->async_pending++;
    event_timer(r->opts.timeout_ms, query_timeout, q);
    if (!dns_query_name(name, &q->current)) {
        buf_set(&q->current, name);
        q->status = DNS_MALFORMED;
        q->why = dns_error_text(name, type, "Malformed domain name");
        q->answered = true;
        event_timer(0, deliver_later, q);
        return;
    }
    start(q);
    sync_events(r);
}

/* --- the channel's sockets and timer in lib/util/events --------------------- */

static void on_readable(int fd, void *ctx)
{
    dns_resolver_t *r = ctx;

    ares_process_fd(r->channel, fd, ARES_SOCKET_BAD);
    sync_events(r);
}

static void on_writable(int fd, void *ctx)
{
    dns_resolver_t *r = ctx;

    ares_process_fd(r->channel, ARES_SOCKET_BAD, fd);
    sync_events(r);
}

static void on_ares_timer(void *ctx)
{
    dns_resolver_t *r = ctx;

    ares_process_fd(r->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
    sync_events(r);
}

static void unwatch_all(dns_resolver_t *r)
{
    for (size_t i = 0; i < r->nwatched; i++)
        event_remove(r->watched[i]);
    r->nwatched = 0;
}

static void sync_events(dns_resolver_t *r)
{
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    int bits = ares_getsock(r->channel, socks, ARES_GETSOCK_MAXNUM);
    struct timeval tv, *tvp;

    unwatch_all(r);
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
        bool rd = sock_readable(bits, i), wr = sock_writable(bits, i);
        if (!rd && !wr)
            continue;
        if (rd)
            event_read(socks[i], on_readable, r);
        if (wr)
            event_write(socks[i], on_writable, r);
        r->watched[r->nwatched++] = socks[i];
    }
    tvp = ares_timeout(r->channel, NULL, &tv);
    if (tvp == NULL)
        event_cancel_timer(on_ares_timer, r);
    else
        event_timer(tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000, on_ares_timer, r);
}

void dns_async_shutdown(dns_resolver_t *r)
{
    aquery_t *q;

    unwatch_all(r);
    event_cancel_timer(on_ares_timer, r);
    /* c-ares ends what it holds (ARES_EDESTRUCTION) in ares_destroy(); here
     * the rest: answered but not delivered yet. */
    for (q = r->async_queries; q; q = q->next)
        q->in_ares = false;
    while ((q = r->async_queries) != NULL) {
        if (!q->delivered) {
            event_cancel_timer(deliver_later, q);
            if (!q->answered) {
                xfree(q->why);
                dns_answer_dispose(&q->ans);
                q->status = DNS_TEMPFAIL;
                q->why = dns_error_text(buf_str(&q->current), q->type,
                                        "Host not found, try again");
            }
            deliver(q);          /* frees q */
        } else {
            unlink_and_free(q);
        }
    }
}
