/* fd_relay.c - a forked copier between a socket and a pair of one-way
 * descriptors (see fd_relay.h). The child keeps at most one buffer of
 * pending bytes per direction and polls only for what it can handle, so
 * neither side can block the other. The child closes every other
 * descriptor it inherited. */
#include "util/fd_relay.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/errstr.h"

#define RELAY_BUF 65536

struct relay_dir {
    int from, to;
    char data[RELAY_BUF];
    size_t len, pos;
    int eof;                   /* from ended; pending bytes may remain */
};

/* One read into an empty buffer: 1 data, 0 end, -1 error. */
static int relay_fill(struct relay_dir *d)
{
    ssize_t n;

    do
        n = read(d->from, d->data, sizeof(d->data));
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    if (n == 0) {
        d->eof = 1;
        return 0;
    }
    d->len = (size_t) n;
    d->pos = 0;
    return 1;
}

/* One write of pending bytes: 0 ok, -1 error. */
static int relay_drain(struct relay_dir *d)
{
    ssize_t n;

    do
        n = write(d->to, d->data + d->pos, d->len - d->pos);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return -1;
    d->pos += (size_t) n;
    if (d->pos == d->len)
        d->len = d->pos = 0;
    return 0;
}

/* Sets the poll entry of one direction: read when empty, write when full. */
static void relay_events(const struct relay_dir *d, struct pollfd *in, struct pollfd *out)
{
    in->fd = (d->len == 0 && !d->eof) ? d->from : -1;
    in->events = POLLIN;
    out->fd = d->len > 0 ? d->to : -1;
    out->events = POLLOUT;
}

/* Moves bytes for one direction after poll. 0 go on, -1 error. */
static int relay_step(struct relay_dir *d, const struct pollfd *in, const struct pollfd *out)
{
    if (in->fd >= 0 && in->revents && relay_fill(d) < 0)
        return -1;
    if (out->fd >= 0 && out->revents && relay_drain(d) < 0)
        return -1;
    return 0;
}

/* The child holds only its three descriptors, so that a copy of a pipe's
 * write end it inherited cannot keep the pipe from ending. */
static void keep_only(int a, int b, int c)
{
    int keep[3] = {a, b, c}, t;
    unsigned from = 0;

    for (int i = 0; i < 3; i++)
        for (int j = i + 1; j < 3; j++)
            if (keep[j] < keep[i]) {
                t = keep[i];
                keep[i] = keep[j];
                keep[j] = t;
            }
    for (int i = 0; i < 3; i++) {
        if ((unsigned) keep[i] > from)
            (void) close_range(from, (unsigned) keep[i] - 1, 0);
        from = (unsigned) keep[i] + 1;
    }
    (void) close_range(from, ~0U, 0);
}

static void relay_child(int in_fd, int out_fd, int sock)
{
    static struct relay_dir up, down;   /* up: in_fd -> sock; down: sock -> out_fd */
    int shut = 0;

    keep_only(in_fd, out_fd, sock);
    (void) signal(SIGPIPE, SIG_IGN);
    up.from = in_fd;
    up.to = sock;
    down.from = sock;
    down.to = out_fd;
    for (;;) {
        struct pollfd p[4];

        if (up.eof && up.len == 0 && !shut) {
            (void) shutdown(sock, SHUT_WR);
            shut = 1;
        }
        if (down.eof && down.len == 0)
            _exit(0);
        relay_events(&up, &p[0], &p[1]);
        relay_events(&down, &p[2], &p[3]);
        if (poll(p, 4, -1) < 0) {
            if (errno == EINTR)
                continue;
            _exit(1);
        }
        if (relay_step(&down, &p[2], &p[3]) < 0)
            _exit(1);
        if (relay_step(&up, &p[0], &p[1]) < 0) {
            /* the caller closed its end: nothing more goes up */
            up.eof = 1;
            up.len = 0;
        }
    }
}

int fd_relay_start(int in_fd, int out_fd, pid_t *pid, char **err)
{
    int sv[2];

    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return errstr_errno(err, errno, "socketpair");
    if ((*pid = fork()) < 0) {
        int saved = errno;

        (void) close(sv[0]);
        (void) close(sv[1]);
        return errstr_errno(err, saved, "fork");
    }
    if (*pid == 0) {
        (void) close(sv[0]);
        relay_child(in_fd, out_fd, sv[1]);
    }
    (void) close(sv[1]);
    return sv[0];
}

int fd_relay_wait(pid_t pid)
{
    int status;

    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
