/* server_event.c - event mode of the server skeleton (SERVER_EVENT): one
 * process keeps many clients at once. The listener and the status
 * channel are watched with lib/util/events; each accepted client (non-
 * blocking, close-on-exec) goes to cb->service(), which registers its own
 * callbacks (event_read/event_write) and calls server_disconnect() when
 * the client is done. The
 * process reports busy while it has clients, idle when it has none, and
 * retires (max_use clients accepted, max_idle without clients, master
 * gone or reloaded, watched file changed, server_retire()) only when its
 * last client is gone. */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/server_impl.h"
#include "server/server_status.h"
#include "util/events.h"
#include "util/msg.h"

static struct server_state *state;
static int client_count;
static long accepted;
static bool draining;   /* accept no more; exit when the last client goes */
static bool done;

static void on_idle_timeout(void *ctx)
{
    (void) ctx;
    if (client_count == 0) {
        if (msg_verbose)
            msg_info("idle timeout -- exiting");
        done = true;
    }
}

static void arm_idle_timer(void)
{
    if (state->max_idle > 0 && !state->cb->no_idle_exit)
        event_timer(state->max_idle * 1000, on_idle_timeout, NULL);
}

static void stop_accepting(void)
{
    draining = true;
    for (int i = 0; i < state->listen_count; i++)
        event_remove(state->listen_fds[i]);
    if (state->status_fd >= 0)
        event_remove(state->status_fd);
    if (client_count == 0)
        done = true;
}

static void on_status(int fd, void *ctx)
{
    (void) fd;
    (void) ctx;
    server_check_master(state, 0);
    if (server_master_is_gone())
        stop_accepting();
}

static void on_listener(int fd, void *ctx)
{
    int client = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

    (void) ctx;
    if (client < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR
            && errno != ECONNABORTED)
            msg_warn("accept: %m");
        return;
    }
    if (client_count++ == 0) {
        (void) event_cancel_timer(on_idle_timeout, NULL);
        server_report(state, SERVER_STATUS_BUSY);
    }
    accepted++;
    if (state->max_use > 0 && !state->cb->no_idle_exit && accepted >= state->max_use)
        stop_accepting();
    state->cb->service(client, &state->ctx);
}

void server_disconnect(int fd)
{
    if (state == NULL || client_count <= 0)
        msg_panic("server_disconnect: no client is connected");
    event_remove(fd);
    if (close(fd) < 0 && errno != EINTR)
        msg_warn("close client socket: %m");
    state->use_count++;
    if (--client_count > 0)
        return;
    server_report(state, SERVER_STATUS_IDLE);
    if (draining || server_time_to_retire(state))
        done = true;
    else
        arm_idle_timer();
}

void server_serve_events(struct server_state *s)
{
    state = s;
    for (int i = 0; i < s->listen_count; i++)
        event_read(s->listen_fds[i], on_listener, NULL);
    if (s->status_fd >= 0)
        event_read(s->status_fd, on_status, NULL);
    arm_idle_timer();
    while (!done) {
        long wait = s->cb->loop ? s->cb->loop(&s->ctx) : -1;

        if (server_retire_requested()) {
            if (client_count == 0)
                break;
            if (!draining)
                stop_accepting();
        }
        (void) event_loop_once(wait);
    }
}
