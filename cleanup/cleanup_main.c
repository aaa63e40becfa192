/* cleanup_main.c - the cleanup daemon: one process serves many client
 * connections at once (SERVER_EVENT with max_clients) so that messages
 * finished in the same round of the event loop are committed together
 * (group commit: qwriter_commit_batch, one fsync per file, then the
 * renames, then one fsync per directory) before their finish answers go
 * out. A request is read whole once its first bytes arrive (clients are
 * local daemons that send whole requests); a client that stalls inside a
 * request for REQUEST_TIMEOUT_MS is dropped. master sees the process as
 * available until it holds MAX_CLIENTS connections. With -S (stand-alone)
 * the client on stdin is served alone and each message is committed by
 * itself. A bad main.cf value or an unopenable table is fatal at start; a
 * table changed on disk makes the process take no new client and exit
 * when its clients are gone (master starts a fresh one meanwhile). */
#include <stdlib.h>

#include "cleanup/cleanup_session.h"
#include "server/server.h"
#include "util/events.h"
#include "util/mem.h"
#include "util/msg.h"

#define STAND_ALONE_TIMEOUT_MS (3600 * 1000)
#define REQUEST_TIMEOUT_MS (60 * 1000)
#define MAX_CLIENTS 1000

static cleanup_params_t params;

struct client {
    int fd;
    stream_t *stream;
    cleanup_session_t *session;
    bool waiting;              /* in the pending list */
};

/* Finished messages of this round, committed by cleanup_loop(). */
static struct client **pending;
static size_t pending_count, pending_cap;

static void cleanup_post_init(const struct server_context *ctx)
{
    char *err = NULL;

    (void) ctx;
    if (cleanup_params_load(&params, &err) < 0)
        msg_fatal("%s", err);
}

static void drop_client(struct client *c)
{
    cleanup_session_free(c->session);
    stream_close(c->stream);
    server_disconnect(c->fd);
    xfree(c);
}

static void add_pending(struct client *c)
{
    if (pending_count == pending_cap) {
        pending_cap = pending_cap ? 2 * pending_cap : 64;
        pending = xreallocarray(pending, pending_cap, sizeof(*pending));
    }
    c->waiting = true;
    pending[pending_count++] = c;
}

static void serve_input(struct client *c)
{
    int rc = cleanup_session_input(c->session);

    if (rc == 0)
        drop_client(c);
    else if (rc == 2)
        add_pending(c);
}

static void on_readable(int fd, void *ctx)
{
    struct client *c = ctx;

    (void) fd;
    if (!c->waiting)
        serve_input(c);
}

/* Before each wait of the event loop: commit what finished meanwhile. */
static int cleanup_loop(const struct server_context *ctx)
{
    cleanup_session_t **sessions;
    struct client **batch;
    size_t n = pending_count;

    (void) ctx;
    if (n == 0)
        return -1;
    batch = xmemdup(pending, n * sizeof(*batch));
    pending_count = 0;
    sessions = xcalloc(n, sizeof(*sessions));
    for (size_t i = 0; i < n; i++)
        sessions[i] = batch[i]->session;
    cleanup_commit_batch(sessions, n);
    for (size_t i = 0; i < n; i++) {
        struct client *c = batch[i];

        c->waiting = false;
        if (cleanup_session_broken(c->session))
            drop_client(c);
        else if (stream_buffered(c->stream) > 0)
            serve_input(c);     /* requests that came with the last one */
    }
    xfree(sessions);
    xfree(batch);
    return pending_count > 0 ? 0 : -1;
}

static void serve_stand_alone(int fd)
{
    stream_t *s = stream_open_fd(fd, 0);

    stream_set_timeout(s, STAND_ALONE_TIMEOUT_MS, STAND_ALONE_TIMEOUT_MS);
    cleanup_serve(s, &params);
    stream_close(s);
}

static void cleanup_service(int fd, const struct server_context *ctx)
{
    struct client *c;

    if (ctx->stand_alone) {
        serve_stand_alone(fd);
        return;
    }
    c = xcalloc(1, sizeof(*c));
    c->fd = fd;
    c->stream = stream_open_fd(fd, 0);
    stream_set_timeout(c->stream, REQUEST_TIMEOUT_MS, REQUEST_TIMEOUT_MS);
    if ((c->session = cleanup_session_open(c->stream, &params, true)) == NULL) {
        stream_close(c->stream);
        server_disconnect(fd);
        xfree(c);
        return;
    }
    event_read(fd, on_readable, c);
}

/* A changed canonical or virtual alias table: take no new client, so
 * that a fresh process opens the new one. */
static bool cleanup_tables_changed(const struct server_context *ctx)
{
    (void) ctx;
    return cleanup_params_changed(&params);
}

static void cleanup_pre_exit(const struct server_context *ctx)
{
    (void) ctx;
    xfree(pending);
    cleanup_params_free(&params);
}

int main(int argc, char **argv)
{
    struct server_callbacks cb = {0};

    cb.kind = SERVER_EVENT;
    cb.post_init = cleanup_post_init;
    cb.service = cleanup_service;
    cb.loop = cleanup_loop;
    cb.pre_exit = cleanup_pre_exit;
    cb.stale = cleanup_tables_changed;
    cb.max_clients = MAX_CLIENTS;
    return server_main(argc, argv, &cb);
}
