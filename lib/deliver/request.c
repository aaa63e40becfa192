/* request.c - parse delivery requests, build answers, log, serve a
 * connection (see request.h). */
#include "deliver/request.h"
#include "ipc/attr_names.h"
#include "util/mem.h"
#include "util/msg.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define NAME_LEN 64



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

static int parse_recipients(const attr_list_t *l, dlv_request_t *req,
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
        dlv_rcpt_t *r = &req->rcpts[i];

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

int dlv_request_parse(const attr_list_t *l, dlv_request_t *req, char **err)
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
    if (req->count < 1 || req->count > DLV_RCPT_MAX)
        return bad_request(err, "bad recipient count");
    if (au < 0 || au > 999999 || cu < 0 || cu > 999999)
        return bad_request(err, "bad microseconds");
    req->arrival.tv_sec = at;
    req->arrival.tv_usec = au;
    req->active.tv_sec = ct;
    req->active.tv_usec = cu;
    if (parse_recipients(l, req, err) < 0) {
        dlv_request_free(req);
        return -1;
    }
    return 0;
}

void dlv_request_free(dlv_request_t *req)
{
    xfree(req->rcpts);
    req->rcpts = NULL;
}



void dlv_agent_format_delay(buf_t *out, double s)
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

void dlv_agent_log(const dlv_request_t *req, const dlv_rcpt_t *r,
                   const char *relay, const struct timeval *start,
                   const dlv_result_t *res)
{
    dlv_agent_log_setup(req, r, relay, start, start, res);
}

void dlv_agent_log_setup(const dlv_request_t *req, const dlv_rcpt_t *r,
                         const char *relay, const struct timeval *start,
                         const struct timeval *setup_done,
                         const dlv_result_t *res)
{
    struct timeval end;
    buf_t line = BUF_INIT;

    gettimeofday(&end, NULL);
    buf_printf(&line, "%s: to=<%s>", req->queue_id, r->addr);
    if (r->orig[0] && strcasecmp(r->orig, r->addr) != 0)
        buf_printf(&line, ", orig_to=<%s>", r->orig);
    buf_printf(&line, ", relay=%s, delay=", relay);
    dlv_agent_format_delay(&line, seconds_between(&req->arrival, &end));
    buf_puts(&line, ", delays=");
    dlv_agent_format_delay(&line, seconds_between(&req->arrival, &req->active));
    buf_putc(&line, '/');
    dlv_agent_format_delay(&line, seconds_between(&req->active, start));
    buf_putc(&line, '/');
    dlv_agent_format_delay(&line, seconds_between(start, setup_done));
    buf_putc(&line, '/');
    dlv_agent_format_delay(&line, seconds_between(setup_done, &end));
    buf_printf(&line, ", dsn=%s, status=%s (%s)", res->dsn,
               dlv_status_name(res->status), res->text.data);
    msg_info("%s", line.data);
    buf_dispose(&line);
}

static bool all_site_fail(const dlv_request_t *req, const dlv_result_t *results)
{
    for (int i = 0; i < req->count; i++)
        if (!results[i].site_fail || results[i].status != DLV_DEFERRED)
            return false;
    return req->count > 0;
}

void dlv_response_build(attr_list_t *resp, const char *relay,
                        const dlv_request_t *req, const dlv_result_t *results,
                        const char *reason)
{
    char name[NAME_LEN];

    attr_list_reset(resp);
    if (reason) {
        attr_put_int(resp, ATTR_STATUS, 1);
        attr_put_str(resp, ATTR_REASON, reason);
        return;
    }
    attr_put_int(resp, ATTR_STATUS, 0);
    attr_put_str(resp, ATTR_RELAY, relay);
    if (all_site_fail(req, results))
        attr_put_int(resp, ATTR_SITE_FAIL, 1);
    for (int i = 0; i < req->count; i++) {
        int status = results[i].status == DLV_SENT ? DLV_STATUS_SENT
                   : results[i].status == DLV_BOUNCED ? DLV_STATUS_BOUNCED
                   : DLV_STATUS_DEFERRED;

        attr_put_int(resp, rcpt_name(name, ATTR_RCPT_STATUS, i), status);
        attr_put_str(resp, rcpt_name(name, ATTR_RCPT_DSN, i), results[i].dsn);
        attr_put_str(resp, rcpt_name(name, ATTR_RCPT_TEXT, i),
                     results[i].text.data);
        if (results[i].status == DLV_SENT && (results[i].relayed || results[i].passed))
            attr_put_str(resp, rcpt_name(name, ATTR_RCPT_ACTION, i),
                         results[i].relayed ? "relayed" : "passed");
    }
}

/* Answers one request frame. */
static int answer(stream_t *s, const char *relay, dlv_deliver_fn deliver,
                  void *ctx, const attr_list_t *in, attr_list_t *resp,
                  char **err)
{
    dlv_request_t req;
    dlv_result_t *results = NULL;
    char *why = NULL;
    int rc;

    if (dlv_request_parse(in, &req, &why) == 0) {
        results = xcalloc((size_t) req.count, sizeof(*results));
        for (int i = 0; i < req.count; i++)
            dlv_result_init(&results[i]);
        if (deliver(ctx, &req, results, &why) < 0)
            msg_warn("%s: %s", req.queue_id, why);
    } else {
        msg_warn("%s", why ? why : "malformed delivery request");
    }
    dlv_response_build(resp, relay, &req, results,
                         why ? why : (results ? NULL : "malformed request"));
    rc = attr_send(s, resp, err);
    for (int i = 0; results && i < req.count; i++)
        dlv_result_dispose(&results[i]);
    xfree(results);
    dlv_request_free(&req);
    xfree(why);
    return rc;
}

int dlv_serve(stream_t *s, const char *relay, dlv_deliver_fn deliver,
              void *ctx, char **err)
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
        rc = answer(s, relay, deliver, ctx, in, resp, err);
    }
    attr_list_free(in);
    attr_list_free(resp);
    return rc;
}
