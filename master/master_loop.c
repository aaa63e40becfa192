/* master_loop.c - master's event loop: one poll() over the signal pipe,
 * every service's status channel, and the listeners of services that
 * need another child (no idle child, below maxproc, not throttled);
 * timers for throttling and wake-ups. Signals are turned into bytes on a
 * pipe so that all work happens in the loop: SIGCHLD reaps, SIGHUP
 * reloads, SIGTERM/SIGINT stop every child and exit, SIGQUIT kills every
 * child at once and exits. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "master.h"
#include "util/mem.h"
#include "util/msg.h"

#define STOP_WAIT_MS 5000

static int signal_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
    unsigned char b = (unsigned char) sig;
    int saved = errno;

    (void) !write(signal_pipe[1], &b, 1);
    errno = saved;
}

void master_signals_init(void)
{
    static const int sigs[] = {SIGCHLD, SIGHUP, SIGTERM, SIGINT, SIGQUIT};
    struct sigaction sa;

    if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
        msg_fatal("pipe: %m");
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        if (sigaction(sigs[i], &sa, NULL) < 0)
            msg_fatal("sigaction: %m");
    if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
        msg_fatal("signal SIGPIPE: %m");
}

/* Waits (bounded) for every child to go, killing stragglers. */
static void stop_children(int first_signal)
{
    master_signal_children(first_signal);
    for (int waited = 0; master_child_count() > 0 && waited < STOP_WAIT_MS;
         waited += 50) {
        struct pollfd p = {signal_pipe[0], POLLIN, 0};
        unsigned char junk[64];

        if (poll(&p, 1, 50) > 0)
            (void) !read(signal_pipe[0], junk, sizeof(junk));
        master_reap(true);
    }
    if (master_child_count() > 0) {
        master_signal_children(SIGKILL);
        for (int i = 0; i < 100 && master_child_count() > 0; i++) {
            usleep(10000);
            master_reap(true);
        }
    }
}

static void terminate(int sig) __attribute__((noreturn));
static void terminate(int sig)
{
    msg_info("terminating on signal %d", sig);
    stop_children(sig == SIGQUIT ? SIGKILL : SIGTERM);
    master_cleanup();
    exit(0);
}

static void handle_signals(void)
{
    unsigned char sigs[64];
    bool reap = false, reload = false;
    ssize_t n;

    while ((n = read(signal_pipe[0], sigs, sizeof(sigs))) > 0)
        for (ssize_t i = 0; i < n; i++) {
            if (sigs[i] == SIGCHLD)
                reap = true;
            else if (sigs[i] == SIGHUP)
                reload = true;
            else
                terminate(sigs[i]);
        }
    if (reap)
        master_reap(false);
    if (reload)
        master_services_reload();
}

static bool wants_child(const struct master_service *s)
{
    return s->listen_count > 0 && s->throttle_until == 0 && s->avail == 0
        && (s->maxproc == 0 || s->total < s->maxproc);
}

/* Runs due timers; returns the poll timeout in ms until the next one. */
static int run_timers(void)
{
    static long next_sweep;
    long now = master_now(), next = -1;

    if (now >= next_sweep) {
        master_sweep_temp();
        next_sweep = now + MASTER_SWEEP_INTERVAL;
    }
    next = next_sweep;

    for (struct master_service *s = master_services; s; s = s->next) {
        if (s->throttle_until && now >= s->throttle_until)
            s->throttle_until = 0;
        if (s->next_wakeup && now >= s->next_wakeup)
            master_wakeup_run(s);
        if (s->throttle_until && (next < 0 || s->throttle_until < next))
            next = s->throttle_until;
        if (s->next_wakeup && (next < 0 || s->next_wakeup < next))
            next = s->next_wakeup;
    }
    if (next < 0)
        return -1;
    return next <= now ? 0 : (int) ((next - now) * 1000);
}

struct watch {
    struct master_service *serv;
    bool is_status;
};

static size_t build_pollset(struct pollfd **pfd, struct watch **w, size_t *cap)
{
    size_t n = 0;

    for (struct master_service *s = master_services; s; s = s->next) {
        size_t need = n + 1 + (size_t) s->listen_count + 1;
        if (need > *cap) {
            *cap = need * 2;
            *pfd = xreallocarray(*pfd, *cap, sizeof(**pfd));
            *w = xreallocarray(*w, *cap, sizeof(**w));
        }
        if (n == 0) {
            (*pfd)[n] = (struct pollfd) {signal_pipe[0], POLLIN, 0};
            (*w)[n++] = (struct watch) {NULL, false};
        }
        (*pfd)[n] = (struct pollfd) {s->status_fds[0], POLLIN, 0};
        (*w)[n++] = (struct watch) {s, true};
        for (int i = 0; wants_child(s) && i < s->listen_count; i++) {
            (*pfd)[n] = (struct pollfd) {s->listen_fds[i], POLLIN, 0};
            (*w)[n++] = (struct watch) {s, false};
        }
    }
    if (n == 0) {
        if (*cap == 0) {
            *cap = 4;
            *pfd = xreallocarray(*pfd, *cap, sizeof(**pfd));
            *w = xreallocarray(*w, *cap, sizeof(**w));
        }
        (*pfd)[n] = (struct pollfd) {signal_pipe[0], POLLIN, 0};
        (*w)[n++] = (struct watch) {NULL, false};
    }
    return n;
}

/* Static so that an exit from inside the loop leaves nothing unreachable. */
static struct pollfd *loop_pfd;
static struct watch *loop_watch;
static size_t loop_cap;

void master_loop(void)
{
    for (;;) {
        int timeout = run_timers();
        size_t n = build_pollset(&loop_pfd, &loop_watch, &loop_cap);
        int ready = poll(loop_pfd, (nfds_t) n, timeout);

        if (ready < 0 && errno != EINTR)
            msg_fatal("poll: %m");
        for (size_t i = 1; ready > 0 && i < n; i++) {
            if (loop_pfd[i].revents == 0)
                continue;
            if (loop_watch[i].is_status)
                master_status_event(loop_watch[i].serv);
            else if (wants_child(loop_watch[i].serv))
                master_spawn(loop_watch[i].serv);
        }
        handle_signals();
    }
}
