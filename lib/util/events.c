/* events.c - poll(2)-based event loop with one-shot timers (see events.h). */
#include "util/events.h"
#include "util/mem.h"
#include "util/msg.h"

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <time.h>

struct fd_event {
    int fd;
    event_fd_fn on_read, on_write;
    void *read_ctx, *write_ctx;
};

struct timer_event {
    long long due_ms;
    event_timer_fn fn;
    void *ctx;
};

static struct fd_event *fds;
static size_t nfds, fds_cap;
static struct timer_event *timers;
static size_t ntimers, timers_cap;

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct fd_event *find_fd(int fd, bool create)
{
    for (size_t i = 0; i < nfds; i++)
        if (fds[i].fd == fd)
            return &fds[i];
    if (!create)
        return NULL;
    if (nfds == fds_cap) {
        fds_cap = fds_cap ? fds_cap * 2 : 16;
        fds = xreallocarray(fds, fds_cap, sizeof(*fds));
    }
    fds[nfds] = (struct fd_event) {fd, NULL, NULL, NULL, NULL};
    return &fds[nfds++];
}

static void drop_if_unused(int fd)
{
    for (size_t i = 0; i < nfds; i++) {
        if (fds[i].fd == fd && !fds[i].on_read && !fds[i].on_write) {
            fds[i] = fds[--nfds];
            return;
        }
    }
}

void event_read(int fd, event_fd_fn fn, void *ctx)
{
    struct fd_event *e = find_fd(fd, true);

    e->on_read = fn;
    e->read_ctx = ctx;
    drop_if_unused(fd);
}

void event_write(int fd, event_fd_fn fn, void *ctx)
{
    struct fd_event *e = find_fd(fd, true);

    e->on_write = fn;
    e->write_ctx = ctx;
    drop_if_unused(fd);
}

void event_remove(int fd)
{
    struct fd_event *e = find_fd(fd, false);

    if (e) {
        e->on_read = NULL;
        e->on_write = NULL;
        drop_if_unused(fd);
    }
}

bool event_cancel_timer(event_timer_fn fn, void *ctx)
{
    for (size_t i = 0; i < ntimers; i++) {
        if (timers[i].fn == fn && timers[i].ctx == ctx) {
            timers[i] = timers[--ntimers];
            return true;
        }
    }
    return false;
}

void event_timer(long delay_ms, event_timer_fn fn, void *ctx)
{
    event_cancel_timer(fn, ctx);
    if (ntimers == timers_cap) {
        timers_cap = timers_cap ? timers_cap * 2 : 16;
        timers = xreallocarray(timers, timers_cap, sizeof(*timers));
    }
    timers[ntimers++] = (struct timer_event) {now_ms() + (delay_ms < 0 ? 0 : delay_ms), fn, ctx};
}

/* Runs one due timer (the earliest); returns false when none is due. */
static bool run_due_timer(long long now)
{
    size_t best = ntimers;
    struct timer_event t;

    for (size_t i = 0; i < ntimers; i++)
        if (timers[i].due_ms <= now && (best == ntimers || timers[i].due_ms < timers[best].due_ms))
            best = i;
    if (best == ntimers)
        return false;
    t = timers[best];
    timers[best] = timers[--ntimers];
    t.fn(t.ctx);
    return true;
}

static long wait_for(long max_wait_ms, long long now)
{
    long wait = max_wait_ms;

    for (size_t i = 0; i < ntimers; i++) {
        long long left = timers[i].due_ms - now;

        if (left < 0)
            left = 0;
        if (wait < 0 || left < wait)
            wait = (long) left;
    }
    return wait;
}

int event_loop_once(long max_wait_ms)
{
    struct pollfd *p;
    size_t n = nfds;
    int ready, ran = 0;
    long long now = now_ms();

    while (run_due_timer(now))
        ran++;
    if (ran)
        max_wait_ms = 0;
    p = xcalloc(n ? n : 1, sizeof(*p));
    for (size_t i = 0; i < n; i++) {
        p[i].fd = fds[i].fd;
        p[i].events = (short) ((fds[i].on_read ? POLLIN : 0) | (fds[i].on_write ? POLLOUT : 0));
    }
    ready = poll(p, (nfds_t) n, (int) wait_for(max_wait_ms, now));
    if (ready < 0 && errno != EINTR)
        msg_fatal("event loop: poll: %m");
    for (size_t i = 0; ready > 0 && i < n; i++) {
        struct fd_event *e;

        if (p[i].revents == 0)
            continue;
        /* Look the fd up again: an earlier callback may have removed it. */
        if ((e = find_fd(p[i].fd, false)) != NULL && e->on_read
            && (p[i].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))) {
            e->on_read(p[i].fd, e->read_ctx);
            ran++;
        }
        if ((e = find_fd(p[i].fd, false)) != NULL && e->on_write
            && (p[i].revents & (POLLOUT | POLLHUP | POLLERR | POLLNVAL))) {
            e->on_write(p[i].fd, e->write_ctx);
            ran++;
        }
    }
    xfree(p);
    now = now_ms();
    while (run_due_timer(now))
        ran++;
    return ran;
}

int event_count(void)
{
    return (int) (nfds + ntimers);
}

void event_reset(void)
{
    xfree(fds);
    xfree(timers);
    fds = NULL;
    timers = NULL;
    nfds = fds_cap = ntimers = timers_cap = 0;
}
