/* cleanup_client.c - the cleanup protocol from the client's side (see
 * cleanup_client.h). Communication failures return -1 with *err; refusals
 * by cleanup return 1 with its dsn and reason. */
#include "cleanup_client/cleanup_client.h"

#include <stdio.h>
#include <string.h>

#include "ipc/attr.h"
#include "util/mem.h"

#define MAX_CHUNK (1024 * 1024)

struct cleanup_client {
    stream_t *stream;
    attr_list_t *req;
    attr_list_t *resp;
    size_t outstanding;        /* content requests not yet answered */
    char queue_id[64];
    char dsn[16];              /* first failed content answer */
    char reason[512];
};

static char *err_text(const char *what, const char *why)
{
    buf_t b = BUF_INIT;

    buf_printf(&b, "%s: %s", what, why);
    return buf_detach(&b);
}

cleanup_client_t *cleanup_client_from_stream(stream_t *s)
{
    cleanup_client_t *c = xcalloc(1, sizeof(*c));

    c->stream = s;
    c->req = attr_list_new();
    c->resp = attr_list_new();
    return c;
}

cleanup_client_t *cleanup_client_connect(const char *path, int timeout_ms,
                                         char **err)
{
    stream_t *s = attr_connect(path, ATTR_CLEANUP_PROTOCOL, timeout_ms, err);

    return s ? cleanup_client_from_stream(s) : NULL;
}

void cleanup_client_close(cleanup_client_t *c)
{
    if (c == NULL)
        return;
    stream_close(c->stream);
    attr_list_free(c->req);
    attr_list_free(c->resp);
    xfree(c);
}

const char *cleanup_client_queue_id(const cleanup_client_t *c)
{
    return c->queue_id;
}

static void copy_str(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

/* Reads one answer; returns its status (0 ok, >0 refused) or -1. */
static int read_answer(cleanup_client_t *c, char **err)
{
    int status;
    int rc = attr_recv(c->stream, c->resp, NULL, err);

    if (rc == 0)
        *err = xstrdup("cleanup closed the connection");
    if (rc <= 0)
        return -1;
    if (attr_get_int(c->resp, ATTR_STATUS, &status) < 0) {
        *err = xstrdup("cleanup answer without status");
        return -1;
    }
    return status == 0 ? 0 : 1;
}

static void refusal(cleanup_client_t *c, char *dsn, size_t dsn_size,
                    char *reason, size_t reason_size)
{
    const char *d = "4.3.0";
    const char *r = "cleanup refused the request";

    (void) attr_get_str(c->resp, ATTR_DSN, &d);
    (void) attr_get_str(c->resp, ATTR_REASON, &r);
    copy_str(dsn, dsn_size, d);
    copy_str(reason, reason_size, r);
}

/* Reads the answers of all pipelined content requests. */
static int drain(cleanup_client_t *c, size_t keep, char **err)
{
    while (c->outstanding > keep) {
        int rc = read_answer(c, err);

        if (rc < 0)
            return -1;
        c->outstanding--;
        if (rc > 0 && c->dsn[0] == 0)
            refusal(c, c->dsn, sizeof(c->dsn), c->reason, sizeof(c->reason));
    }
    return 0;
}

/* Sends c->req and reads its answer (after pending content answers). */
static int request(cleanup_client_t *c, char **err)
{
    if (attr_write(c->stream, c->req) < 0 || stream_flush(c->stream) < 0) {
        *err = err_text("write to cleanup", stream_strerror(c->stream));
        return -1;
    }
    if (drain(c, 0, err) < 0)
        return -1;
    return read_answer(c, err);
}

static char *refusal_err(cleanup_client_t *c)
{
    char dsn[16], reason[512];
    buf_t b = BUF_INIT;

    refusal(c, dsn, sizeof(dsn), reason, sizeof(reason));
    buf_printf(&b, "%s %s", dsn, reason);
    return buf_detach(&b);
}

int cleanup_client_open(cleanup_client_t *c, int flags, char **err)
{
    const char *id;
    int rc;

    c->queue_id[0] = 0;
    c->dsn[0] = 0;
    c->reason[0] = 0;
    c->outstanding = 0;
    attr_list_reset(c->req);
    attr_put_str(c->req, ATTR_REQUEST, "open");
    attr_put_int(c->req, ATTR_FLAGS, flags);
    rc = request(c, err);
    if (rc > 0) {
        *err = refusal_err(c);
        return 1;
    }
    if (rc < 0)
        return -1;
    if (attr_get_str(c->resp, ATTR_QUEUE_ID, &id) < 0) {
        *err = xstrdup("cleanup open answer without queue_id");
        return -1;
    }
    copy_str(c->queue_id, sizeof(c->queue_id), id);
    return 0;
}

static void put_opt(attr_list_t *l, const char *name, const char *value)
{
    if (value != NULL)
        attr_put_str(l, name, value);
}

static void put_rcpt(attr_list_t *l, size_t i, const cleanup_rcpt_t *r)
{
    char name[ATTR_NAME_MAX + 1];

    snprintf(name, sizeof(name), "%s_%zu", ATTR_RCPT_ADDR, i);
    attr_put_str(l, name, r->address);
    snprintf(name, sizeof(name), "%s_%zu", ATTR_RCPT_ORIG, i);
    attr_put_str(l, name, r->orig ? r->orig : r->address);
    snprintf(name, sizeof(name), "%s_%zu", ATTR_RCPT_NOTIFY, i);
    attr_put_int(l, name, r->notify);
    if (r->orcpt) {
        snprintf(name, sizeof(name), "%s_%zu", ATTR_RCPT_ORCPT, i);
        attr_put_str(l, name, r->orcpt);
    }
}

int cleanup_client_envelope(cleanup_client_t *c, const cleanup_envelope_t *env,
                            char **err)
{
    size_t i;
    int rc;

    attr_list_reset(c->req);
    attr_put_str(c->req, ATTR_REQUEST, "envelope");
    attr_put_str(c->req, ATTR_SENDER, env->sender ? env->sender : "");
    put_opt(c->req, ATTR_ENVID, env->envid);
    if (env->ret)
        attr_put_int(c->req, ATTR_RET, env->ret);
    put_opt(c->req, ATTR_FULL_NAME, env->full_name);
    put_opt(c->req, ATTR_CLIENT_NAME, env->client_name);
    put_opt(c->req, ATTR_CLIENT_ADDR, env->client_address);
    put_opt(c->req, ATTR_CLIENT_PORT, env->client_port);
    put_opt(c->req, ATTR_HELO_NAME, env->helo_name);
    put_opt(c->req, ATTR_PROTOCOL_NAME, env->protocol_name);
    put_opt(c->req, ATTR_SASL_METHOD, env->sasl_method);
    put_opt(c->req, ATTR_SASL_USERNAME, env->sasl_username);
    attr_put_int(c->req, ATTR_RCPT_COUNT, (int) env->rcpt_count);
    for (i = 0; i < env->rcpt_count; i++)
        put_rcpt(c->req, i, &env->rcpts[i]);
    rc = request(c, err);
    if (rc > 0)
        *err = refusal_err(c);
    return rc;
}

int cleanup_client_content(cleanup_client_t *c, const void *data, size_t len,
                           char **err)
{
    const char *p = data;

    while (len > 0) {
        size_t n = len > MAX_CHUNK ? MAX_CHUNK : len;

        if (drain(c, CLEANUP_CLIENT_PIPELINE - 1, err) < 0)
            return -1;
        attr_list_reset(c->req);
        attr_put_str(c->req, ATTR_REQUEST, "content");
        attr_put_data(c->req, ATTR_DATA, p, n);
        if (attr_write(c->stream, c->req) < 0 || stream_flush(c->stream) < 0) {
            *err = err_text("write to cleanup", stream_strerror(c->stream));
            return -1;
        }
        c->outstanding++;
        p += n;
        len -= n;
    }
    return 0;
}

int cleanup_client_finish(cleanup_client_t *c, cleanup_result_t *result,
                          char **err)
{
    return cleanup_client_finish_flags(c, 0, result, err);
}

int cleanup_client_finish_flags(cleanup_client_t *c, int flags, cleanup_result_t *result,
                                char **err)
{
    const char *id = c->queue_id;
    int rc;

    memset(result, 0, sizeof(*result));
    attr_list_reset(c->req);
    attr_put_str(c->req, ATTR_REQUEST, "finish");
    if (flags)
        attr_put_int(c->req, ATTR_FLAGS, flags);
    rc = request(c, err);
    if (rc < 0)
        return -1;
    (void) attr_get_str(c->resp, ATTR_QUEUE_ID, &id);
    copy_str(result->queue_id, sizeof(result->queue_id), id);
    if (rc > 0) {
        refusal(c, result->dsn, sizeof(result->dsn), result->reason,
                sizeof(result->reason));
        *err = refusal_err(c);
        return 1;
    }
    return 0;
}

int cleanup_client_abort(cleanup_client_t *c, char **err)
{
    int rc;

    attr_list_reset(c->req);
    attr_put_str(c->req, ATTR_REQUEST, "abort");
    rc = request(c, err);
    if (rc > 0)
        *err = refusal_err(c);
    return rc;
}
