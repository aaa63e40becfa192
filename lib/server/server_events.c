/* server_events.c - the SERVER_EVENT kind of the skeleton: the listeners
 * and the master status channel are registered with the event loop of
 * util/events.h, so the daemon's own descriptors and timers run in the
 * same loop and it never blocks waiting for the next client.
 *
 * With cb->trigger (qmgr): each connection is a wake-up request, read
 * (bounded) and passed to cb->trigger. With cb->service: each connection
 * is a client kept open in this process (non-blocking, close-on-exec);
 * the daemon registers its own callbacks for it and calls
 * server_disconnect() when it is done, so one process serves many
 * clients at once. The process reports busy while it handles a request
 * or has a client, idle otherwise, and retires (master gone or reloaded,
 * server_retire(), max_use connections, max_idle without clients, a
 * watched file changed) only once no client is left. */
#include <errno.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/server_impl.h"
#include "server/server_status.h"
#include "util/events.h"
#include "util/msg.h"

#define EVENT_TRIGGER_MAX 1024
#define EVENT_WAIT_MAX_MS 1000

static struct server_state *state;
static int client_count;
static long accepted;
static bool draining;   /* accept no more; exit when the last client goes */
static bool done;

static bool idle_exit_allowed(void)
{
    return !state->cb->no_idle_exit;
}

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
    if (state->max_idle > 0 && idle_exit_allowed())
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

static void count_connection(void)
{
    accepted++;
    if (state->max_use > 0 && idle_exit_allowed() && accepted >= state->max_use)
        stop_accepting();
}

static void handle_trigger(int client)
{
    char buf[EVENT_TRIGGER_MAX];
    size_t len;

    server_report(state, SERVER_STATUS_BUSY);
    len = server_read_trigger(client, buf, sizeof(buf));
    if (close(client) < 0 && errno != EINTR)
        msg_warn("close client socket: %m");
    if (len > 0)
        state->cb->trigger(buf, len, &state->ctx);
    state->use_count++;
    server_report(state, SERVER_STATUS_IDLE);
    count_connection();
    if (client_count == 0 && !done && server_time_to_retire(state))
        done = true;
}

static void on_listener(int fd, void *ctx)
{
    int client = accept4(fd, NULL, NULL, SOCK_CLOEXEC
                         | (state->cb->service ? SOCK_NONBLOCK : 0));

    (void) ctx;
    if (client < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR
            && errno != ECONNABORTED)
            msg_warn("accept: %m");
        return;
    }
    if (state->cb->service == NULL) {
        handle_trigger(client);
        return;
    }
    if (client_count++ == 0) {
        (void) event_cancel_timer(on_idle_timeout, NULL);
        server_report(state, SERVER_STATUS_BUSY);
    }
    count_connection();
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
        long wait = s->cb->loop ? s->cb->loop(&s->ctx) : EVENT_WAIT_MAX_MS;

        if (server_retire_requested()) {
            if (client_count == 0)
                break;
            if (!draining)
                stop_accepting();
        }
        if (wait < 0 || wait > EVENT_WAIT_MAX_MS)
            wait = EVENT_WAIT_MAX_MS;
        (void) event_loop_once(wait);
    }
    if (msg_verbose)
        msg_info("master disconnect or retirement -- exiting");
}
