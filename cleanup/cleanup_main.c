/* cleanup_main.c - the cleanup daemon: SERVER_SINGLE on the server
 * skeleton, one process per client connection (several messages per
 * connection); master.cf's maxproc bounds the writers. A bad main.cf
 * value or an unopenable table is fatal at start; a table changed on disk
 * makes the process exit before its next client. */
#include <stdlib.h>

#include "cleanup/cleanup_session.h"
#include "server/server.h"
#include "util/mem.h"
#include "util/msg.h"

#define CLIENT_TIMEOUT_MS (3600 * 1000)

static cleanup_params_t params;

static void cleanup_post_init(const struct server_context *ctx)
{
    char *err = NULL;

    (void) ctx;
    if (cleanup_params_load(&params, &err) < 0)
        msg_fatal("%s", err);
}

static void cleanup_service(int fd, const struct server_context *ctx)
{
    stream_t *s = stream_open_fd(fd, 0);

    (void) ctx;
    stream_set_timeout(s, CLIENT_TIMEOUT_MS, CLIENT_TIMEOUT_MS);
    cleanup_serve(s, &params);
    stream_close(s);
}

/* A changed canonical or virtual alias table: exit before the next
 * client, so that a fresh process opens the new one. */
static bool cleanup_tables_changed(const struct server_context *ctx)
{
    (void) ctx;
    return cleanup_params_changed(&params);
}

static void cleanup_pre_exit(const struct server_context *ctx)
{
    (void) ctx;
    cleanup_params_free(&params);
}

int main(int argc, char **argv)
{
    struct server_callbacks cb = {0};

    cb.kind = SERVER_SINGLE;
    cb.post_init = cleanup_post_init;
    cb.service = cleanup_service;
    cb.pre_exit = cleanup_pre_exit;
    cb.stale = cleanup_tables_changed;
    return server_main(argc, argv, &cb);
}
