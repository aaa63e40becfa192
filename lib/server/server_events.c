/* server_events.c - the SERVER_EVENT kind of the skeleton: listeners and
 * the master status channel are registered with the event loop
 * (util/events.h), wake-up requests are read and passed to cb->trigger,
 * and the daemon's own descriptors and timers run in the same loop. The
 * process exits when master goes away or the daemon asks to retire. */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/server_impl.h"
#include "util/events.h"
#include "util/msg.h"

#define EVENT_TRIGGER_MAX 1024

static bool master_gone;

static void on_status(int fd, void *ctx)
{
    char byte;
    ssize_t n = recv(fd, &byte, 1, MSG_DONTWAIT);

    (void) ctx;
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        master_gone = true;
        event_remove(fd);
    }
}

static void on_listener(int fd, void *ctx)
{
    struct server_state *s = ctx;
    char buf[EVENT_TRIGGER_MAX];
    size_t len;
    int client = accept4(fd, NULL, NULL, SOCK_CLOEXEC);

    if (client < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR
            && errno != ECONNABORTED)
            msg_warn("accept: %m");
        return;
    }
    len = server_read_trigger(client, buf, sizeof(buf));
    close(client);
    if (len > 0)
        s->cb->trigger(buf, len, &s->ctx);
    s->use_count++;
}

void server_serve_events(struct server_state *s)
{
    for (int i = 0; i < s->listen_count; i++)
        event_read(s->listen_fds[i], on_listener, s);
    if (s->status_fd >= 0)
        event_read(s->status_fd, on_status, s);
    while (!master_gone && !server_retire_requested())
        event_loop_once(1000);
    if (msg_verbose)
        msg_info("master disconnect or retirement -- exiting");
}
