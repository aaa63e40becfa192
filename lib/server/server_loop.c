/* server_loop.c - the only accept loop in Postern: waits for a client on
 * the listening sockets from master, reports busy/idle on the status
 * channel, runs the daemon's callback, and decides when the process
 * retires (max_use, max_idle, master gone or reloaded, watched file or
 * table changed, daemon asked), also before accepting a waiting client.
 * Single-threaded, one client at a time. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server/server_impl.h"
#include "server/server_status.h"
#include "util/msg.h"

#define TRIGGER_MAX 1024
#define TRIGGER_READ_SECONDS 10

static bool master_gone;

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The status channel is readable only at end of file (master closed its
 * end: it exited or reloaded). */
void server_check_master(struct server_state *s, int revents)
{
    char byte;
    ssize_t n;

    if (revents & (POLLHUP | POLLERR)) {
        master_gone = true;
        return;
    }
    n = recv(s->status_fd, &byte, 1, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
        master_gone = true;
}

bool server_master_is_gone(void)
{
    return master_gone;
}

static void poll_master_now(struct server_state *s)
{
    struct pollfd p = {s->status_fd, POLLIN, 0};

    if (s->status_fd >= 0 && poll(&p, 1, 0) > 0)
        server_check_master(s, p.revents);
}

void server_report(struct server_state *s, int state)
{
    if (s->status_fd < 0 || master_gone)
        return;
    if (server_status_send(s->status_fd, state) < 0) {
        if (errno != EPIPE && errno != ECONNRESET)
            msg_warn("status report to master: %m");
        master_gone = true;
    }
}

/* Returns a listener index with a pending client, or -1: time to exit. */
static int wait_for_client(struct server_state *s)
{
    struct pollfd pfd[SERVER_MAX_LISTENERS + 1];
    bool idle_limit = s->max_idle > 0 && !s->cb->no_idle_exit;
    long deadline = now_ms() + s->max_idle * 1000;
    int n = s->listen_count;

    for (int i = 0; i < n; i++)
        pfd[i] = (struct pollfd) {s->listen_fds[i], POLLIN, 0};
    if (s->status_fd >= 0)
        pfd[n++] = (struct pollfd) {s->status_fd, POLLIN, 0};
    for (;;) {
        long left = idle_limit ? deadline - now_ms() : -1;
        int timeout, ready;

        if (idle_limit && left <= 0) {
            if (msg_verbose)
                msg_info("idle timeout -- exiting");
            return -1;
        }
        timeout = idle_limit ? (int) left : -1;
        if (s->cb->loop) {
            int want = s->cb->loop(&s->ctx);

            if (server_retire_requested())
                return -1;
            if (want >= 0 && (timeout < 0 || want < timeout))
                timeout = want;
        }
        ready = poll(pfd, (nfds_t) n, timeout);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0)
            msg_fatal("poll: %m");
        if (s->status_fd >= 0 && pfd[n - 1].revents)
            server_check_master(s, pfd[n - 1].revents);
        if (master_gone) {
            if (msg_verbose)
                msg_info("master disconnect -- exiting");
            return -1;
        }
        for (int i = 0; i < s->listen_count; i++)
            if (pfd[i].revents)
                return i;
    }
}

/* Reads one wake-up request until end of file, a full buffer or timeout. */
size_t server_read_trigger(int fd, char *buf, size_t size)
{
    long deadline = now_ms() + TRIGGER_READ_SECONDS * 1000L;
    size_t len = 0;

    while (len < size) {
        struct pollfd p = {fd, POLLIN, 0};
        long left = deadline - now_ms();
        ssize_t got;

        if (left <= 0 || poll(&p, 1, (int) left) <= 0)
            break;
        got = read(fd, buf + len, size - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        len += (size_t) got;
    }
    return len;
}

static void handle_client(struct server_state *s, int fd)
{
    if (s->cb->kind == SERVER_TRIGGER) {
        char buf[TRIGGER_MAX];
        size_t len = server_read_trigger(fd, buf, sizeof(buf));

        if (len > 0 && s->cb->trigger)
            s->cb->trigger(buf, len, &s->ctx);
        return;
    }
    s->cb->service(fd, &s->ctx);
}

static void serve_one(struct server_state *s, int fd)
{
    server_report(s, SERVER_STATUS_BUSY);
    if (s->daemon_timeout > 0)
        alarm((unsigned) s->daemon_timeout);
    handle_client(s, fd);
    alarm(0);
    if (close(fd) < 0 && errno != EINTR)
        msg_warn("close client socket: %m");
    s->use_count++;
    server_report(s, SERVER_STATUS_IDLE);
}

bool server_time_to_retire(struct server_state *s)
{
    if (s->max_use > 0 && !s->cb->no_idle_exit && s->use_count >= s->max_use) {
        if (msg_verbose)
            msg_info("served %ld clients -- exiting", s->use_count);
        return true;
    }
    if (server_retire_requested())
        return true;
    if (server_watched_paths_changed() || (s->cb->stale && s->cb->stale(&s->ctx))) {
        msg_info("configuration or table changed -- exiting");
        return true;
    }
    poll_master_now(s);
    return master_gone;
}

void server_serve(struct server_state *s)
{
    for (;;) {
        int which = wait_for_client(s);
        int fd;

        if (which < 0)
            return;   /* idle timeout, master gone, or retirement asked */
        if (server_time_to_retire(s))
            return;   /* the waiting client is left to a fresh process */
        fd = accept4(s->listen_fds[which], NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            /* Another child took it, or the client gave up. */
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR
                && errno != ECONNABORTED)
                msg_warn("accept: %m");
            continue;
        }
        serve_one(s, fd);
        if (server_time_to_retire(s))
            return;
    }
}

void server_serve_stdin(struct server_state *s)
{
    int fd = dup(0);

    if (fd < 0)
        msg_fatal("dup stdin: %m");
    handle_client(s, fd);
    if (close(fd) < 0 && errno != EINTR)
        msg_warn("close: %m");
}
