/* auth_client.c - one connection of the auth service (see
 * auth_client.h): input buffering, handshake, request table and output
 * queue. The SASL work is in auth_sasl.c, the line syntax in
 * auth_proto.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "auth/auth_client.h"
#include "auth/auth_proto.h"
#include "auth/auth_sasl.h"
#include "server/server.h"
#include "util/buf.h"
#include "util/events.h"
#include "util/mem.h"
#include "util/msg.h"

#define OUTPUT_MAX (256 * 1024)
#define READ_CHUNK 4096

struct auth_request {
    struct auth_client *client;
    unsigned long id;
    const char *mech;           /* static canonical name */
    char *service, *rip;
    auth_sasl_session_t *sasl;
    bool failing;               /* FAIL is waiting for the delay */
    char *fail_reason;
};

struct auth_client {
    int fd;
    buf_t in, out, line;
    bool got_version, got_cpid;
    bool closing;               /* read no more; end once output is sent */
    bool dead;                  /* end now */
    struct auth_request *requests[AUTH_CLIENT_REQUESTS_MAX];
};

static struct auth_client_settings settings = {2000};
static unsigned long connection_counter;
static int open_clients;

void auth_client_configure(const struct auth_client_settings *s)
{
    settings = *s;
}

int auth_client_count(void)
{
    return open_clients;
}

static void on_writable(int fd, void *ctx);
static void on_fail_delay(void *ctx);

/* ---- requests ---- */

static void request_free(struct auth_request *r)
{
    (void) event_cancel_timer(on_fail_delay, r);
    auth_sasl_free(r->sasl);
    xfree(r->service);
    xfree(r->rip);
    xfree(r->fail_reason);
    xfree(r);
}

static struct auth_request **request_slot(struct auth_client *c, unsigned long id)
{
    for (size_t i = 0; i < AUTH_CLIENT_REQUESTS_MAX; i++)
        if (c->requests[i] != NULL && c->requests[i]->id == id)
            return &c->requests[i];
    return NULL;
}

static struct auth_request **free_slot(struct auth_client *c)
{
    for (size_t i = 0; i < AUTH_CLIENT_REQUESTS_MAX; i++)
        if (c->requests[i] == NULL)
            return &c->requests[i];
    return NULL;
}

static void request_remove(struct auth_client *c, struct auth_request *r)
{
    struct auth_request **slot = request_slot(c, r->id);

    if (slot != NULL)
        *slot = NULL;
    request_free(r);
}

/* ---- output and the end of a client ----
 * Only the event callbacks (readable, writable, failure delay) end a
 * client, through client_settle() after their work, so that nothing
 * below them touches a freed client. */

static void client_end(struct auth_client *c)
{
    for (size_t i = 0; i < AUTH_CLIENT_REQUESTS_MAX; i++)
        if (c->requests[i] != NULL)
            request_free(c->requests[i]);
    server_disconnect(c->fd);
    explicit_bzero(c->in.data, c->in.len);
    explicit_bzero(c->line.data, c->line.len);
    buf_dispose(&c->in);
    buf_dispose(&c->out);
    buf_dispose(&c->line);
    xfree(c);
    open_clients--;
}

/* Sends what the socket takes now; a write error marks the client dead. */
static void write_output(struct auth_client *c)
{
    while (c->out.len > 0 && !c->dead) {
        ssize_t n = write(c->fd, c->out.data, c->out.len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) {
            if (msg_verbose)
                msg_info("auth client: write: %m");
            c->dead = true;
            return;
        }
        memmove(c->out.data, c->out.data + n, c->out.len - (size_t) n);
        buf_truncate(&c->out, c->out.len - (size_t) n);
    }
}

static void client_settle(struct auth_client *c)
{
    write_output(c);
    if (c->out.len > OUTPUT_MAX && !c->dead) {
        msg_warn("auth client: does not read its replies; disconnecting");
        c->dead = true;
    }
    if (c->dead || (c->closing && c->out.len == 0)) {
        client_end(c);
        return;
    }
    event_write(c->fd, c->out.len > 0 ? on_writable : NULL, c);
}

static void on_writable(int fd, void *ctx)
{
    (void) fd;
    client_settle(ctx);
}

static void send_reply(struct auth_client *c, const char *cmd, unsigned long id,
                       const char *rest)
{
    buf_printf(&c->out, "%s\t%lu%s%s\n", cmd, id, rest[0] ? "\t" : "", rest);
}

static void param(buf_t *b, const char *name, const char *value)
{
    if (value == NULL)
        return;
    buf_printf(b, "%s%s=", b->len ? "\t" : "", name);
    auth_tab_escape(b, value, strlen(value));
}

/* ---- results ---- */

static void log_result(struct auth_request *r, const char *result)
{
    const char *user = auth_sasl_user(r->sasl);

    msg_info("%s: method=%s, user=<%s>, service=%s, rip=%s", result, r->mech,
             user ? user : "", r->service, r->rip ? r->rip : "unknown");
}

static void send_fail(struct auth_request *r)
{
    struct auth_client *c = r->client;
    buf_t rest = BUF_INIT;

    buf_init(&rest);
    param(&rest, "user", auth_sasl_user(r->sasl));
    param(&rest, "reason", r->fail_reason);
    send_reply(c, "FAIL", r->id, rest.data);
    buf_dispose(&rest);
    request_remove(c, r);
}

static void on_fail_delay(void *ctx)
{
    struct auth_request *r = ctx;
    struct auth_client *c = r->client;

    send_fail(r);
    client_settle(c);
}

static void request_failed(struct auth_request *r, const char *reason)
{
    log_result(r, "authentication failed");
    r->failing = true;
    r->fail_reason = xstrdup(reason);
    if (settings.failure_delay_ms > 0)
        event_timer(settings.failure_delay_ms, on_fail_delay, r);
    else
        send_fail(r);
}

static void request_result(struct auth_request *r, auth_sasl_result_t result,
                           const buf_t *challenge, const char *reason)
{
    struct auth_client *c = r->client;
    buf_t rest = BUF_INIT;

    if (result == AUTH_SASL_FAIL) {
        request_failed(r, reason);
        return;
    }
    buf_init(&rest);
    if (result == AUTH_SASL_CONTINUE) {
        auth_base64_encode(challenge->data, challenge->len, &rest);
        send_reply(c, "CONT", r->id, rest.data);
    } else {
        if (msg_verbose)
            log_result(r, "authenticated");
        param(&rest, "user", auth_sasl_user(r->sasl));
        send_reply(c, "OK", r->id, rest.data);
        request_remove(c, r);
    }
    buf_dispose(&rest);
}

/* ---- commands ---- */

static int protocol_error(struct auth_client *c, const char *what)
{
    (void) c;
    msg_warn("auth client: %s; disconnecting", what);
    return -1;
}

static struct auth_request *request_new(struct auth_client *c,
                                        const struct auth_cmd *cmd,
                                        const char *mech)
{
    struct auth_request *r = xcalloc(1, sizeof(*r));
    char *err = NULL;

    r->client = c;
    r->id = cmd->id;
    r->mech = mech;
    r->service = xstrdup(cmd->service);
    r->rip = cmd->rip ? xstrdup(cmd->rip) : NULL;
    r->sasl = auth_sasl_new(cmd->service, &err);
    if (r->sasl == NULL) {
        msg_warn("%s", err);
        xfree(err);
        request_free(r);
        return NULL;
    }
    return r;
}

static int do_auth(struct auth_client *c, const struct auth_cmd *cmd)
{
    struct auth_request **slot, *r;
    const char *mech = NULL, *reason = "Authentication failed";
    buf_t initial = BUF_INIT, challenge = BUF_INIT;
    auth_sasl_result_t result;

    if (!c->got_cpid)
        return protocol_error(c, "AUTH before the handshake");
    if (request_slot(c, cmd->id) != NULL)
        return protocol_error(c, "AUTH with a request id in use");
    if ((slot = free_slot(c)) == NULL)
        return protocol_error(c, "too many requests at once");
    if (!auth_sasl_offered(cmd->mech, &mech)) {
        buf_printf(&c->out, "FAIL\t%lu\treason=Unsupported authentication mechanism\n", cmd->id);
        return 0;
    }
    if ((r = request_new(c, cmd, mech)) == NULL) {
        buf_printf(&c->out, "FAIL\t%lu\tcode=temp_fail\n", cmd->id);
        return 0;
    }
    *slot = r;
    buf_init(&initial);
    buf_init(&challenge);
    if (cmd->has_resp && auth_base64_decode(cmd->data, strlen(cmd->data), &initial) < 0) {
        request_result(r, AUTH_SASL_FAIL, &challenge, "Invalid base64 data in initial response");
    } else {
        result = auth_sasl_start(r->sasl, mech, cmd->has_resp ? initial.data : NULL,
                                 initial.len, &challenge, &reason);
        request_result(r, result, &challenge, reason);
    }
    explicit_bzero(initial.data, initial.len);
    buf_dispose(&initial);
    buf_dispose(&challenge);
    return 0;
}

static int do_cont(struct auth_client *c, const struct auth_cmd *cmd)
{
    struct auth_request **slot = request_slot(c, cmd->id), *r;
    const char *reason = "Authentication failed";
    buf_t in = BUF_INIT, challenge = BUF_INIT;
    auth_sasl_result_t result;

    if (slot == NULL)
        return protocol_error(c, "CONT for an unknown request id");
    r = *slot;
    if (r->failing)
        return protocol_error(c, "CONT for a failed request");
    buf_init(&in);
    buf_init(&challenge);
    if (auth_base64_decode(cmd->data, strlen(cmd->data), &in) < 0) {
        request_result(r, AUTH_SASL_FAIL, &challenge, "Invalid base64 data in continued response");
    } else {
        result = auth_sasl_step(r->sasl, in.data, in.len, &challenge, &reason);
        request_result(r, result, &challenge, reason);
    }
    explicit_bzero(in.data, in.len);
    buf_dispose(&in);
    buf_dispose(&challenge);
    return 0;
}

static int handle_command(struct auth_client *c, const struct auth_cmd *cmd)
{
    switch (cmd->type) {
    case AUTH_CMD_VERSION:
        if (cmd->major != AUTH_PROTO_MAJOR)
            return protocol_error(c, "unsupported protocol major version");
        c->got_version = true;
        return 0;
    case AUTH_CMD_CPID:
        if (!c->got_version)
            return protocol_error(c, "CPID before VERSION");
        c->got_cpid = true;
        return 0;
    case AUTH_CMD_AUTH:
        return do_auth(c, cmd);
    case AUTH_CMD_CONT:
        return do_cont(c, cmd);
    default:
        return protocol_error(c, "unknown command");
    }
}

static int handle_line(struct auth_client *c)
{
    struct auth_cmd cmd;
    char *err = NULL;
    int rc;

    if (auth_cmd_parse(c->line.data, c->line.len, &cmd, &err) < 0) {
        msg_warn("auth client: %s; disconnecting", err);
        xfree(err);
        return -1;
    }
    if (!c->got_version && cmd.type != AUTH_CMD_VERSION) {
        auth_cmd_free(&cmd);
        return protocol_error(c, "first line is not VERSION");
    }
    rc = handle_command(c, &cmd);
    auth_cmd_free(&cmd);
    return rc;
}

/* ---- input ---- */

static void stop_reading(struct auth_client *c)
{
    c->closing = true;
    event_read(c->fd, NULL, NULL);
    buf_reset(&c->in);
}

static void process_input(struct auth_client *c)
{
    int rc;

    while (!c->closing && !c->dead
           && (rc = auth_line_take(&c->in, &c->line, AUTH_LINE_MAX)) != 0) {
        if (rc < 0) {
            (void) protocol_error(c, "line too long");
            stop_reading(c);
        } else if (handle_line(c) < 0) {
            stop_reading(c);
        }
        if (c->out.len > OUTPUT_MAX)
            break;
    }
}

static void on_readable(int fd, void *ctx)
{
    struct auth_client *c = ctx;
    ssize_t n;

    buf_reserve(&c->in, READ_CHUNK);
    n = read(fd, c->in.data + c->in.len, READ_CHUNK);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
        return;
    if (n <= 0) {
        if (n < 0 && msg_verbose)
            msg_info("auth client: read: %m");
        c->dead = true;
    } else {
        c->in.len += (size_t) n;
        c->in.data[c->in.len] = '\0';
        process_input(c);
    }
    client_settle(c);
}

static void send_handshake(struct auth_client *c)
{
    unsigned char cookie[16];

    if (getrandom(cookie, sizeof(cookie), 0) != (ssize_t) sizeof(cookie))
        msg_fatal("getrandom: %m");
    buf_printf(&c->out, "VERSION\t%d\t%d\n", AUTH_PROTO_MAJOR, AUTH_PROTO_MINOR);
    auth_sasl_announce(&c->out);
    buf_printf(&c->out, "SPID\t%ld\nCUID\t%lu\nCOOKIE\t", (long) getpid(),
               ++connection_counter);
    for (size_t i = 0; i < sizeof(cookie); i++)
        buf_printf(&c->out, "%02x", cookie[i]);
    buf_puts(&c->out, "\nDONE\n");
}

void auth_client_start(int fd)
{
    struct auth_client *c = xcalloc(1, sizeof(*c));

    c->fd = fd;
    buf_init(&c->in);
    buf_init(&c->out);
    buf_init(&c->line);
    open_clients++;
    send_handshake(c);
    event_read(fd, on_readable, c);
    client_settle(c);
}
