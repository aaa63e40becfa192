/* anvil_client.c - anvil protocol requests over one kept connection
 * (see anvil_client.h). */
#include "anvil_client.h"

#include "ipc/attr.h"
#include "ipc/attr_names.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/stream.h"

struct anvil_client {
    char *path;
    int timeout_ms;
    stream_t *st;
    attr_list_t *req;
    attr_list_t *resp;
};

anvil_client_t *anvil_client_new(const char *path, int timeout_ms)
{
    anvil_client_t *c = xcalloc(1, sizeof(*c));

    c->path = xstrdup(path);
    c->timeout_ms = timeout_ms;
    c->req = attr_list_new();
    c->resp = attr_list_new();
    return c;
}

static void drop_connection(anvil_client_t *c)
{
    if (c->st != NULL)
        stream_close(c->st);
    c->st = NULL;
}

void anvil_client_free(anvil_client_t *c)
{
    if (c == NULL)
        return;
    drop_connection(c);
    attr_list_free(c->req);
    attr_list_free(c->resp);
    xfree(c->path);
    xfree(c);
}

static int request_once(anvil_client_t *c, char **err)
{
    if (c->st == NULL
        && (c->st = attr_connect(c->path, ATTR_ANVIL_PROTOCOL, c->timeout_ms, err)) == NULL)
        return -1;
    if (attr_request(c->st, c->req, c->resp, NULL, err) < 0) {
        drop_connection(c);
        return -1;
    }
    return 0;
}

/* Sends c->req (a kept connection that broke is opened again once) and
 * checks the status of the answer in c->resp. */
static int request(anvil_client_t *c, char **err)
{
    const char *reason = "no reason given";
    bool reused = c->st != NULL;
    int status;

    if (request_once(c, err) < 0) {
        if (!reused)
            return -1;
        xfree(*err);
        *err = NULL;
        if (request_once(c, err) < 0)
            return -1;
    }
    if (attr_get_int(c->resp, ATTR_STATUS, &status) < 0) {
        *err = xstrdup("anvil answer without status");
        drop_connection(c);
        return -1;
    }
    if (status != 0) {
        buf_t b = BUF_INIT;

        (void) attr_get_str(c->resp, ATTR_REASON, &reason);
        buf_printf(&b, "anvil refused the request: %s", reason);
        *err = buf_detach(&b);
        return -1;
    }
    return 0;
}

static void start(anvil_client_t *c, const char *op, const char *service, const char *addr)
{
    buf_t ident = BUF_INIT;

    buf_printf(&ident, "%s:%s", service, addr);
    attr_list_reset(c->req);
    attr_put_str(c->req, ATTR_REQUEST, op);
    attr_put_str(c->req, ATTR_IDENT, ident.data);
    buf_dispose(&ident);
}

static int get_int(anvil_client_t *c, const char *name, int *out, char **err)
{
    if (attr_get_int(c->resp, name, out) < 0) {
        buf_t b = BUF_INIT;

        buf_printf(&b, "anvil answer without a valid %s", name);
        *err = buf_detach(&b);
        return -1;
    }
    return 0;
}

int anvil_client_connect(anvil_client_t *c, const char *service, const char *addr,
                         int *count, int *rate, char **err)
{
    long n;

    start(c, "connect", service, addr);
    if (request(c, err) < 0 || get_int(c, ATTR_RATE, rate, err) < 0)
        return -1;
    if (attr_get_long(c->resp, ATTR_COUNT, &n) < 0 || n < 0 || n > 0x7fffffff) {
        *err = xstrdup("anvil answer without a valid count");
        return -1;
    }
    *count = (int) n;
    return 0;
}

int anvil_client_disconnect(anvil_client_t *c, const char *service, const char *addr,
                            char **err)
{
    start(c, "disconnect", service, addr);
    return request(c, err);
}

static int event(anvil_client_t *c, const char *op, const char *service, const char *addr,
                 int *rate, char **err)
{
    start(c, op, service, addr);
    if (request(c, err) < 0)
        return -1;
    return get_int(c, ATTR_RATE, rate, err);
}

int anvil_client_message(anvil_client_t *c, const char *service, const char *addr,
                         int *rate, char **err)
{
    return event(c, "message", service, addr, rate, err);
}

int anvil_client_recipient(anvil_client_t *c, const char *service, const char *addr,
                           int *rate, char **err)
{
    return event(c, "recipient", service, addr, rate, err);
}

int anvil_client_newtls(anvil_client_t *c, const char *service, const char *addr,
                        int *rate, char **err)
{
    return event(c, "newtls", service, addr, rate, err);
}

static int get_auth_state(anvil_client_t *c, anvil_auth_info_t *info, char **err)
{
    if (get_int(c, ATTR_FAILURES, &info->failures, err) < 0)
        return -1;
    if (attr_get_long(c->resp, ATTR_LOCKOUT, &info->lockout_left) < 0
        || info->lockout_left < 0) {
        *err = xstrdup("anvil answer without a valid lockout");
        return -1;
    }
    return 0;
}

int anvil_client_auth(anvil_client_t *c, const char *service, const char *addr,
                      anvil_auth_info_t *info, char **err)
{
    info->lockout_started = false;
    if (event(c, "auth", service, addr, &info->rate, err) < 0)
        return -1;
    return get_auth_state(c, info, err);
}

int anvil_client_auth_failure(anvil_client_t *c, const char *service, const char *addr,
                              long window, int lockout_limit, long lockout_time,
                              anvil_auth_info_t *info, char **err)
{
    int started;

    start(c, "auth_failure", service, addr);
    attr_put_long(c->req, ATTR_WINDOW, window);
    attr_put_int(c->req, ATTR_LOCKOUT_LIMIT, lockout_limit);
    attr_put_long(c->req, ATTR_LOCKOUT_TIME, lockout_time);
    info->rate = 0;
    if (request(c, err) < 0 || get_auth_state(c, info, err) < 0
        || get_int(c, ATTR_STARTED, &started, err) < 0)
        return -1;
    info->lockout_started = started != 0;
    return 0;
}
