/* forward.c - resubmit a message to cleanup for forwarded addresses: open,
 * envelope, content in chunks, finish (docs/CLEANUP.md). Any failure
 * aborts the half-made message (or drops the connection, which makes
 * cleanup remove it). */
#include "local/forward.h"
#include "ipc/attr.h"
#include "ipc/attr_names.h"
#include "util/mem.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_TIMEOUT_MS 100000

/* A sink that sends what it gets as "content" requests. */
typedef struct content_sink {
    sink_t base;
    stream_t *s;
    attr_list_t *req, *resp;
    buf_t pending;
    char *err;          /* first failure */
    int fail_rc;        /* its request() code: -1 or -2 */
} content_sink_t;

static int request(stream_t *s, attr_list_t *req, attr_list_t *resp,
                   char **err)
{
    const char *reason = NULL, *dsn = NULL;
    int status = 1;

    if (attr_request(s, req, resp, NULL, err) < 0)
        return -1;
    if (attr_get_int(resp, ATTR_STATUS, &status) < 0) {
        *err = xstrdup("cleanup answer without status");
        return -1;
    }
    if (status == 0)
        return 0;
    (void) attr_get_str(resp, ATTR_DSN, &dsn);
    (void) attr_get_str(resp, ATTR_REASON, &reason);
    buf_t b = BUF_INIT;
    buf_printf(&b, "%s %s", dsn && dsn[0] ? dsn : "4.3.0",
               reason ? reason : "cleanup failed");
    *err = buf_detach(&b);
    return -2;  /* cleanup said no: *err starts with its code */
}

static int send_chunk(content_sink_t *c)
{
    int rc;

    attr_list_reset(c->req);
    attr_put_str(c->req, ATTR_REQUEST, "content");
    attr_put_data(c->req, ATTR_DATA, c->pending.data, c->pending.len);
    rc = request(c->s, c->req, c->resp, &c->err);
    buf_reset(&c->pending);
    if (rc < 0)
        c->fail_rc = rc;
    return rc;
}

static int content_write(sink_t *base, const char *data, size_t len)
{
    content_sink_t *c = (content_sink_t *) base;

    buf_append(&c->pending, data, len);
    while (c->pending.len >= LOCAL_FORWARD_CHUNK)
        if (send_chunk(c) < 0)
            return -1;
    return 0;
}

static void put_envelope(attr_list_t *req, const local_forward_t *f)
{
    char name[64];

    attr_list_reset(req);
    attr_put_str(req, ATTR_REQUEST, "envelope");
    attr_put_str(req, ATTR_SENDER, f->sender);
    attr_put_int(req, ATTR_RCPT_COUNT, (int) f->count);
    for (size_t i = 0; i < f->count; i++) {
        snprintf(name, sizeof(name), "%s_%zu", ATTR_RCPT_ADDR, i);
        attr_put_str(req, name, f->addrs[i]);
        snprintf(name, sizeof(name), "%s_%zu", ATTR_RCPT_ORIG, i);
        attr_put_str(req, name, f->orig_rcpt ? f->orig_rcpt : f->addrs[i]);
        snprintf(name, sizeof(name), "%s_%zu", ATTR_RCPT_NOTIFY, i);
        attr_put_int(req, name, 0);
    }
}

/* Runs the conversation; returns 0 with *queue_id, -1 (local problem:
 * defer) or -2 (cleanup's answer in *err, starting with its code). */
static int converse(stream_t *s, const local_forward_t *f, buf_t *queue_id,
                    char **err)
{
    content_sink_t c = {{content_write, 0}, s, attr_list_new(),
                        attr_list_new(), BUF_INIT, NULL, 0};
    const char *id = NULL;
    char *perr = NULL;
    int rc;

    attr_put_str(c.req, ATTR_REQUEST, "open");
    attr_put_int(c.req, ATTR_FLAGS, 0);
    rc = request(s, c.req, c.resp, err);
    if (rc == 0) {
        put_envelope(c.req, f);
        rc = request(s, c.req, c.resp, err);
    }
    if (rc == 0) {
        buf_t rcpt = BUF_INIT;

        buf_set(&rcpt, f->delivered_to);
        for (size_t i = 0; i < rcpt.len; i++)
            rcpt.data[i] = (char) tolower((unsigned char) rcpt.data[i]);
        if (sink_printf(&c.base, "Delivered-To: %s\n", rcpt.data) < 0
            || f->produce(&c.base, f->ctx, &perr) < 0
            || (c.pending.len > 0 && send_chunk(&c) < 0)) {
            if (c.fail_rc < 0) {
                rc = c.fail_rc;
                *err = c.err;
                c.err = NULL;
            } else {
                rc = -1;
                *err = perr ? perr : xstrdup("cannot read message");
                perr = NULL;
            }
        }
        buf_dispose(&rcpt);
    }
    if (rc == 0) {
        attr_list_reset(c.req);
        attr_put_str(c.req, ATTR_REQUEST, "finish");
        rc = request(s, c.req, c.resp, err);
        if (rc == 0 && attr_get_str(c.resp, ATTR_QUEUE_ID, &id) == 0)
            buf_set(queue_id, id);
        else if (rc == 0) {
            *err = xstrdup("cleanup finished without a queue id");
            rc = -1;
        }
    }
    xfree(perr);
    xfree(c.err);
    buf_dispose(&c.pending);
    attr_list_free(c.req);
    attr_list_free(c.resp);
    return rc;
}

/* "4.3.4"-shaped: class digit, then two dot-separated numbers. */
static bool dsn_valid(const char *d, size_t len)
{
    size_t i = 1;
    int parts = 0;

    if (len < 5 || len > 11 || (d[0] != '4' && d[0] != '5') || d[1] != '.')
        return false;
    while (i < len && parts < 2) {
        size_t digits = 0;

        if (d[i++] != '.')
            return false;
        while (i < len && isdigit((unsigned char) d[i]) && digits < 3)
            i++, digits++;
        if (digits == 0)
            return false;
        parts++;
    }
    return parts == 2 && i == len;
}

void local_forward_message(const local_forward_t *f, dlv_result_t *res)
{
    int timeout = f->timeout_ms > 0 ? f->timeout_ms : DEFAULT_TIMEOUT_MS;
    buf_t queue_id = BUF_INIT;
    char *err = NULL;
    stream_t *s;
    int rc;

    if (f->cleanup_socket == NULL || f->count == 0) {
        dlv_result_set(res, "4.3.0", "mail forwarding is not available");
        return;
    }
    s = attr_connect(f->cleanup_socket, ATTR_CLEANUP_PROTOCOL, timeout, &err);
    if (s == NULL) {
        dlv_result_set(res, "4.3.0", "cannot forward: %s", err);
        xfree(err);
        return;
    }
    rc = converse(s, f, &queue_id, &err);
    if (rc == 0) {
        dlv_result_set(res, "2.0.0", "forwarded as %s", queue_id.data);
    } else if (rc == -2 && strchr(err, ' ')
               && dsn_valid(err, (size_t) (strchr(err, ' ') - err))) {
        char dsn[12] = {0};
        const char *space = strchr(err, ' ');

        memcpy(dsn, err, (size_t) (space - err));
        dlv_result_set(res, dsn, "cannot forward: %s", space + 1);
    } else {
        dlv_result_set(res, "4.3.0", "cannot forward: %s",
                         err ? err : "cleanup failed");
    }
    /* On failure the connection just ends: cleanup removes the file. */
    stream_close(s);
    xfree(err);
    buf_dispose(&queue_id);
}
