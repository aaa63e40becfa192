/* server_fixture.c - test-only daemon for master's integration tests,
 * built on the server skeleton. Single mode: answers each line of a
 * client with "pid=P uid=U gid=G service=NAME line=TEXT" until the client
 * closes (or 30 s of silence), so a test can see which process and user
 * served it and hold a child busy. Started with the argument "trigger"
 * (after the flags) it is a trigger server that logs each request as
 * "trigger: TEXT", and runs a loop callback every 300 ms, logging
 * "loop: N" for its first three calls. With "event" it is an event
 * server: one process answers many clients at once. With "fail" it exits with status 1 in post_init, to
 * exercise master's throttling; with "slow" it logs "slow start" and
 * spends 60 s in post_init (killed meanwhile by the test). Never installed. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/server.h"
#include "util/events.h"
#include "util/msg.h"

#define IDLE_MS 30000

static bool has_arg(int argc, char **argv, const char *word)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], word) == 0)
            return true;
    return false;
}

static void answer(int fd, const char *line, const void *context)
{
    char out[1200];
    const struct server_context *ctx = context;
    const char *imported = getenv("POSTERN_TEST_IMPORTED");
    const char *secret = getenv("POSTERN_TEST_SECRET");
    int n = snprintf(out, sizeof(out), "pid=%ld uid=%ld gid=%ld service=%s "
                     "imported=%s secret=%s line=%s\n", (long) getpid(),
                     (long) getuid(), (long) getgid(), ctx->service_name,
                     imported ? imported : "-", secret ? secret : "-", line);

    if (n > 0 && write(fd, out, (size_t) n) != n)
        msg_warn("write: %m");
}

static void serve(int fd, const struct server_context *ctx)
{
    char line[1024];
    size_t len = 0;

    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        char c;

        if (poll(&p, 1, IDLE_MS) <= 0 || read(fd, &c, 1) != 1)
            return;
        if (c == '\r')
            continue;
        if (c != '\n' && len < sizeof(line) - 1) {
            line[len++] = c;
            continue;
        }
        line[len] = '\0';
        len = 0;
        answer(fd, line, ctx);
    }
}

/* Event mode: every read is answered as one line; end of file ends the
 * client. Many clients share one process. */
static void on_event_client(int fd, void *ctx)
{
    char buf[1024];
    ssize_t n = read(fd, buf, sizeof(buf) - 1);

    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        server_disconnect(fd);
        return;
    }
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        n--;
    buf[n] = '\0';
    answer(fd, buf, ctx);
}

static void serve_event(int fd, const struct server_context *ctx)
{
    event_read(fd, on_event_client, (void *) ctx);
}

static void trigger(const char *data, size_t len, const struct server_context *ctx)
{
    (void) ctx;
    msg_info("trigger: %.*s", (int) len, data);
}

/* Trigger mode: periodic work every 300 ms, logged three times. */
static int loop(const struct server_context *ctx)
{
    static int calls;

    (void) ctx;
    if (calls < 3)
        msg_info("loop: %d", ++calls);
    return 300;
}

static void fail_at_start(const struct server_context *ctx)
{
    (void) ctx;
    msg_fatal("fixture asked to fail at startup");
}

/* A long start (a qmgr scanning a big queue): a kill -9 during it is not
 * a failure to start. */
static void slow_start(const struct server_context *ctx)
{
    (void) ctx;
    msg_info("slow start");
    sleep(60);
}

int main(int argc, char **argv)
{
    struct server_callbacks cb = {0};

    if (has_arg(argc, argv, "trigger")) {
        cb.kind = SERVER_TRIGGER;
        cb.trigger = trigger;
        cb.loop = loop;
    } else if (has_arg(argc, argv, "event")) {
        cb.kind = SERVER_EVENT;
        cb.service = serve_event;
    } else {
        cb.kind = SERVER_SINGLE;
        cb.service = serve;
    }
    if (has_arg(argc, argv, "fail"))
        cb.post_init = fail_at_start;
    if (has_arg(argc, argv, "slow"))
        cb.post_init = slow_start;
    return server_main(argc, argv, &cb);
}
