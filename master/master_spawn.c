/* master_spawn.c - children of master: fork and exec a service program
 * with its status channel and listeners on the fixed descriptors of
 * server.h, track busy/idle reports, reap exits, and throttle a service
 * whose children die before serving anyone ("bad command startup"), with
 * a back-off of 1, 2, 4 ... seconds up to service_throttle_time. A child
 * that ran MASTER_STARTUP_SECONDS or longer before dying (a qmgr killed
 * while scanning the queue) did start: its death is logged, not
 * throttled. Status reports still in the channel are read before a dead
 * child is judged, so a busy report sent just before it died counts. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/config.h"
#include "master.h"
#include "server/server_status.h"
#include "util/mem.h"
#include "util/msg.h"

struct master_child *master_children;

#define MASTER_STARTUP_SECONDS 5

static void reset_signals(void)
{
    static const int sigs[] = {SIGCHLD, SIGHUP, SIGTERM, SIGINT, SIGQUIT, SIGPIPE};
    sigset_t none;

    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        signal(sigs[i], SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/* Puts src[i] on descriptor 3+i without clobbering a source on the way. */
static void place_descriptors(const int *src, int count)
{
    int tmp[SERVER_MAX_LISTENERS + 1];

    for (int i = 0; i < count; i++)
        if ((tmp[i] = fcntl(src[i], F_DUPFD_CLOEXEC, SERVER_STATUS_FD + count)) < 0)
            msg_fatal("dup descriptor: %m");
    for (int i = 0; i < count; i++)
        if (dup2(tmp[i], SERVER_STATUS_FD + i) < 0)
            msg_fatal("dup2 descriptor: %m");
}

static char **argv_with_count(struct master_service *s)
{
    size_t n = 0;
    char **v;
    static char count[16];

    while (s->argv[n])
        n++;
    if (s->listen_count <= 1)
        return s->argv;
    v = xcalloc(n + 3, sizeof(*v));
    v[0] = s->argv[0];
    v[1] = "-s";
    snprintf(count, sizeof(count), "%d", s->listen_count);
    v[2] = count;
    memcpy(v + 3, s->argv + 1, n * sizeof(*v));
    return v;
}

static void child_exec(struct master_service *s) __attribute__((noreturn));
static void child_exec(struct master_service *s)
{
    int src[SERVER_MAX_LISTENERS + 1];
    int null_fd;

    msg_set_cleanup(NULL);
    reset_signals();
    null_fd = open("/dev/null", O_RDWR);
    if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(null_fd, 1) < 0)
        msg_fatal("open /dev/null: %m");
    if (null_fd > 2)
        close(null_fd);
    src[0] = s->status_fds[1];
    memcpy(src + 1, s->listen_fds, (size_t) s->listen_count * sizeof(int));
    place_descriptors(src, s->listen_count + 1);
    execve(s->path, argv_with_count(s), master_env);
    msg_fatal("exec %s: %m", s->path);
}

void master_spawn(struct master_service *s)
{
    struct master_child *c;
    pid_t pid = fork();

    if (pid < 0) {
        msg_warn("fork: %m");
        return;
    }
    if (pid == 0)
        child_exec(s);
    c = xcalloc(1, sizeof(*c));
    c->pid = pid;
    c->serv = s;
    c->path = xstrdup(s->path);
    c->avail = true;
    c->started = master_now();
    c->next = master_children;
    master_children = c;
    s->total++;
    s->avail++;
    if (!s->ever_spawned) {
        s->ever_spawned = true;
        master_wakeup_schedule(s, false);
    }
    if (msg_verbose)
        msg_info("spawned %s pid %ld for %s", s->path, (long) pid, s->key);
}

static void throttle(struct master_service *s)
{
    long limit = cfg_time("service_throttle_time");
    long delay = 1L << (s->bad_startups < 10 ? s->bad_startups : 10);

    s->bad_startups++;
    if (limit > 0 && delay > limit)
        delay = limit;
    s->throttle_until = master_now() + delay;
    msg_warn("%s: bad command startup -- throttling", s->path);
}

static void log_exit(const struct master_child *c, int status)
{
    if (WIFSIGNALED(status))
        msg_warn("process %s pid %ld killed by signal %d", c->path,
                 (long) c->pid, WTERMSIG(status));
    else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        msg_warn("process %s pid %ld exit status %d", c->path, (long) c->pid,
                 WEXITSTATUS(status));
}

/* A child that died abnormally without serving and within its first
 * seconds failed at startup. Reads its service's pending reports first. */
static bool bad_startup(pid_t pid)
{
    struct master_child *c;

    for (c = master_children; c && c->pid != pid; c = c->next)
        ;
    if (c == NULL || c->serv == NULL)
        return false;
    if (!c->used)
        master_status_event(c->serv);
    return !c->used && master_now() - c->started < MASTER_STARTUP_SECONDS;
}

static struct master_child *unlink_child(pid_t pid)
{
    for (struct master_child **p = &master_children; *p; p = &(*p)->next)
        if ((*p)->pid == pid) {
            struct master_child *c = *p;
            *p = c->next;
            return c;
        }
    return NULL;
}

void master_reap(bool quiet)
{
    pid_t pid;
    int status;

    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        bool abnormal = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
        bool bad = abnormal && !quiet && bad_startup(pid);
        struct master_child *c = unlink_child(pid);

        if (c == NULL)
            continue;
        if (abnormal && !quiet)
            log_exit(c, status);
        if (c->serv) {
            c->serv->total--;
            if (c->avail)
                c->serv->avail--;
            if (bad)
                throttle(c->serv);
        }
        xfree(c->path);
        xfree(c);
    }
    if (pid < 0 && errno != ECHILD)
        msg_warn("waitpid: %m");
}

static struct master_child *find_child(struct master_service *s, pid_t pid)
{
    for (struct master_child *c = master_children; c; c = c->next)
        if (c->pid == pid && c->serv == s)
            return c;
    return NULL;
}

/* Every child busy at maxproc: clients queue up. Logged at most every
 * LIMIT_WARN_SECONDS per service. */
#define LIMIT_WARN_SECONDS 300

static void warn_if_at_limit(struct master_service *s)
{
    long now = master_now();

    if (s->maxproc == 0 || s->total < s->maxproc || s->avail > 0)
        return;
    if (s->limit_warned && now - s->limit_warned < LIMIT_WARN_SECONDS)
        return;
    s->limit_warned = now;
    msg_warn("service \"%s\" (%s) has reached its process limit \"%ld\": "
             "new clients may be delayed", s->name,
             s->unix_path ? s->unix_path : s->name, s->maxproc);
}

static void apply_status(struct master_service *s, const struct server_status *st)
{
    struct master_child *c = find_child(s, (pid_t) st->pid);

    if (c == NULL)
        return;     /* already reaped, or not ours: ignore */
    if (st->state == SERVER_STATUS_BUSY) {
        c->used = true;
        s->bad_startups = 0;
        if (c->avail) {
            c->avail = false;
            s->avail--;
        }
        warn_if_at_limit(s);
    } else if (st->state == SERVER_STATUS_IDLE && !c->avail) {
        c->avail = true;
        s->avail++;
    }
}

void master_status_event(struct master_service *s)
{
    struct server_status st;
    int rc;

    for (int i = 0; i < 1000; i++) {
        rc = server_status_receive(s->status_fds[0], &st);
        if (rc == 0)
            return;
        if (rc < 0) {
            msg_warn("status channel of %s: %m", s->key);
            continue;
        }
        apply_status(s, &st);
    }
}

void master_retire_children(struct master_service *s)
{
    for (struct master_child *c = master_children; c; c = c->next)
        if (c->serv == s)
            c->serv = NULL;
}

int master_child_count(void)
{
    int n = 0;

    for (struct master_child *c = master_children; c; c = c->next)
        n++;
    return n;
}

void master_signal_children(int sig)
{
    for (struct master_child *c = master_children; c; c = c->next)
        if (kill(c->pid, sig) < 0 && errno != ESRCH)
            msg_warn("kill %ld: %m", (long) c->pid);
}
