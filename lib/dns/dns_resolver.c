/* dns_resolver.c - the c-ares channel behind a dns_resolver_t and the one
 * synchronous query every lookup is made of: send, run a poll loop until
 * the answer or the deadline (then cancel), parse the reply with
 * dns_reply, follow CNAME chains (asking again for the target when the
 * server answered with the CNAME alone). Failures come back as a status
 * and a reason text; nothing is logged. c-ares retries over TCP by itself
 * when a UDP answer is truncated. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "dns/dns_impl.h"
#include "util/errstr.h"
#include "util/mem.h"
#include "util/msg.h"

#define TRIES 3

typedef struct pending {
    bool done;
    int status;                   /* ARES_* */
    unsigned char *abuf;          /* copy of the reply, when there was one */
    size_t alen;
} pending_t;

long long dns_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long dns_deadline(const dns_resolver_t *r)
{
    return dns_now_ms() + r->opts.timeout_ms;
}

static int library_ready(char **err)
{
    static bool done;
    int status;

    if (done)
        return 0;
    if ((status = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
        errstr_set(err, "c-ares: %s", ares_strerror(status));
        return -1;
    }
    done = true;
    return 0;
}

static int set_servers(dns_resolver_t *r, char **err)
{
    dns_server_addr_t servers[DNS_MAX_NAMESERVERS];
    struct ares_addr_port_node nodes[DNS_MAX_NAMESERVERS];
    int n, status;

    n = dns_parse_nameservers(r->opts.nameservers, servers, DNS_MAX_NAMESERVERS, err);
    if (n <= 0)
        return n;
    memset(nodes, 0, sizeof(nodes));
    for (int i = 0; i < n; i++) {
        nodes[i].next = i + 1 < n ? &nodes[i + 1] : NULL;
        nodes[i].family = servers[i].family;
        if (servers[i].family == AF_INET)
            memcpy(&nodes[i].addr.addr4, servers[i].addr, 4);
        else
            memcpy(&nodes[i].addr.addr6, servers[i].addr, 16);
        nodes[i].udp_port = nodes[i].tcp_port = servers[i].port;
    }
    if ((status = ares_set_servers_ports(r->channel, nodes)) != ARES_SUCCESS) {
        errstr_set(err, "dns_nameservers: %s", ares_strerror(status));
        return -1;
    }
    return 0;
}

dns_resolver_t *dns_resolver_new(const dns_options_t *o, char **err)
{
    dns_resolver_t *r;
    struct ares_options ao;
    int status, per_try;

    if (library_ready(err) < 0)
        return NULL;
    r = xcalloc(1, sizeof(*r));
    r->opts = *o;
    r->opts.nameservers = xstrdup(o->nameservers ? o->nameservers : "");
    if (r->opts.timeout_ms <= 0)
        r->opts.timeout_ms = DNS_DEFAULT_TIMEOUT_MS;
    per_try = r->opts.timeout_ms / 4 > 100 ? r->opts.timeout_ms / 4 : 100;
    memset(&ao, 0, sizeof(ao));
    ao.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;
    ao.timeout = per_try;
    ao.tries = TRIES;
    status = ares_init_options(&r->channel, &ao,
                               ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
    if (status != ARES_SUCCESS) {
        errstr_set(err, "c-ares: cannot initialize: %s", ares_strerror(status));
        xfree(r->opts.nameservers);
        xfree(r);
        return NULL;
    }
    if (set_servers(r, err) < 0) {
        dns_resolver_free(r);
        return NULL;
    }
    return r;
}

void dns_resolver_free(dns_resolver_t *r)
{
    if (r == NULL)
        return;
    ares_destroy(r->channel);
    dns_async_shutdown(r);
    xfree(r->opts.nameservers);
    xfree(r);
}

const dns_options_t *dns_resolver_options(const dns_resolver_t *r)
{
    return &r->opts;
}

static void query_done(void *arg, int status, int timeouts, unsigned char *abuf,
                       int alen)
{
    pending_t *p = arg;

    (void) timeouts;
    p->done = true;
    p->status = status;
    if (abuf != NULL && alen > 0) {
        p->abuf = xmemdup(abuf, (size_t) alen);
        p->alen = (size_t) alen;
    }
}

static int poll_wait_ms(dns_resolver_t *r, long long remaining)
{
    struct timeval maxtv, tv, *tvp;

    maxtv.tv_sec = remaining / 1000;
    maxtv.tv_usec = (remaining % 1000) * 1000;
    tvp = ares_timeout(r->channel, &maxtv, &tv);
    return (int) (tvp->tv_sec * 1000 + (tvp->tv_usec + 999) / 1000);
}

/* One round: waits for the channel's sockets (or its next timeout) and
 * lets c-ares process what happened. */
static void run_once(dns_resolver_t *r, long long remaining)
{
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    struct pollfd pfd[ARES_GETSOCK_MAXNUM];
    int bits = ares_getsock(r->channel, socks, ARES_GETSOCK_MAXNUM);
    int nfds = 0, n;

    for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
        if (!sock_readable(bits, i) && !sock_writable(bits, i))
            continue;
        pfd[nfds].fd = socks[i];
        pfd[nfds].events = (short) ((sock_readable(bits, i) ? POLLIN : 0)
                                    | (sock_writable(bits, i) ? POLLOUT : 0));
        pfd[nfds++].revents = 0;
    }
    n = poll(pfd, (nfds_t) nfds, poll_wait_ms(r, remaining));
    if (n < 0 && errno != EINTR)
        msg_fatal("dns: poll: %s", strerror(errno));
    if (n <= 0) {
        ares_process_fd(r->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
        return;
    }
    for (int i = 0; i < nfds; i++) {
        short ev = pfd[i].revents;
        ares_process_fd(r->channel,
                        ev & (POLLIN | POLLERR | POLLHUP) ? pfd[i].fd : ARES_SOCKET_BAD,
                        ev & POLLOUT ? pfd[i].fd : ARES_SOCKET_BAD);
    }
}

/* Sends one query and waits for it; the c-ares status is returned and
 * p holds the reply bytes when the server sent any. */
static void ask(dns_resolver_t *r, const char *name, int type, long long deadline,
                pending_t *p)
{
    if (r->async_pending > 0)
        msg_panic("dns: synchronous lookup on a resolver with asynchronous queries");
    memset(p, 0, sizeof(*p));
    ares_query(r->channel, name, 1 /* IN */, type, query_done, p);
    while (!p->done) {
        long long remaining = deadline - dns_now_ms();
        if (remaining <= 0) {
            ares_cancel(r->channel);
            if (!p->done) {
                p->done = true;
                p->status = ARES_ETIMEOUT;
            }
            break;
        }
        run_once(r, remaining);
    }
    if (p->status == ARES_ECANCELLED)
        p->status = ARES_ETIMEOUT;
}

char *dns_error_text(const char *name, int type, const char *text)
{
    char tbuf[16];
    buf_t b = BUF_INIT;

    buf_printf(&b, "Name service error for name=%s type=%s: %s", name,
               dns_type_name(type, tbuf, sizeof(tbuf)), text);
    return buf_detach(&b);
}

/* Maps a c-ares status without a usable reply to ours. */
static dns_status_t failure(int status, const char *name, int type, bool *nxdomain,
                            char **why)
{
    switch (status) {
    case ARES_ENOTFOUND:
        *nxdomain = true;
        *why = dns_error_text(name, type, "Host not found");
        return DNS_NOTFOUND;
    case ARES_ENODATA:
        *why = dns_error_text(name, type, "Host found but no data record of requested type");
        return DNS_NOTFOUND;
    case ARES_EFORMERR:
    case ARES_EBADRESP:
        *why = dns_error_text(name, type, "Malformed or unexpected name server reply");
        return DNS_MALFORMED;
    case ARES_EBADNAME:
        *why = dns_error_text(name, type, "Malformed domain name");
        return DNS_MALFORMED;
    case ARES_ENOMEM:
        msg_fatal("dns: out of memory in c-ares");
    default:
        *why = dns_error_text(name, type, "Host not found, try again");
        return DNS_TEMPFAIL;
    }
}

int dns_interpret(int status, const unsigned char *abuf, size_t alen, const char *name,
                  int type, dns_answer_t *ans, int *links_left, buf_t *next,
                  bool *nxdomain, char **why, dns_status_t *st)
{
    char *perr = NULL;
    int links;

    dns_answer_dispose(ans);
    if (abuf == NULL || (status != ARES_SUCCESS && status != ARES_ENODATA
                         && status != ARES_ENOTFOUND)) {
        *st = failure(status, name, type, nxdomain, why);
        return -1;
    }
    if (dns_reply_parse(abuf, alen, &ans->reply, &perr) < 0) {
        xfree(perr);
        *st = failure(ARES_EBADRESP, name, type, nxdomain, why);
        return -1;
    }
    ans->rrs = dns_reply_select(&ans->reply, name, type, *links_left, &ans->canon,
                                &links, &ans->count);
    *links_left -= links;
    if (ans->count > 0) {
        *st = DNS_OK;
        return 1;
    }
    if (status != ARES_SUCCESS || links == 0 || *links_left <= 0) {
        *st = failure(links > 0 && *links_left <= 0 ? ARES_EBADRESP
                      : status == ARES_SUCCESS ? ARES_ENODATA : status,
                      buf_str(&ans->canon), type, nxdomain, why);
        return -1;
    }
    buf_set(next, buf_str(&ans->canon));
    return 0;
}

dns_status_t dns_query(dns_resolver_t *r, const char *name, int type,
                       long long deadline, dns_answer_t *ans, bool *nxdomain,
                       char **why)
{
    buf_t current = BUF_INIT, next = BUF_INIT;
    int links_left = DNS_CNAME_LIMIT;
    dns_status_t st = DNS_TEMPFAIL;
    pending_t p;

    memset(ans, 0, sizeof(*ans));
    *nxdomain = false;
    *why = NULL;
    if (!dns_query_name(name, &current)) {
        buf_dispose(&current);
        *why = dns_error_text(name, type, "Malformed domain name");
        return DNS_MALFORMED;
    }
    for (;;) {
        ask(r, buf_str(&current), type, deadline, &p);
        int got = dns_interpret(p.status, p.abuf, p.alen, buf_str(&current), type, ans,
                                &links_left, &next, nxdomain, why, &st);
        xfree(p.abuf);
        if (got != 0)
            break;
        buf_set(&current, buf_str(&next));
    }
    buf_dispose(&current);
    buf_dispose(&next);
    return st;
}

void dns_answer_dispose(dns_answer_t *ans)
{
    dns_reply_dispose(&ans->reply);
    xfree(ans->rrs);
    ans->rrs = NULL;
    ans->count = 0;
    buf_dispose(&ans->canon);
}
