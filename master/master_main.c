/* master_main.c - master(8): the resident process of a Postern instance.
 *
 *   master [-c config_dir] [-d] [-t] [-v]
 *     -c  configuration directory (exported to children as MAIL_CONFIG)
 *     -d  stay in the foreground and also log to stderr (start-fg)
 *     -t  test: exit 0 when no master runs on this queue, 1 when one does
 *     -v  verbose logging
 * Without -d master detaches (fork, setsid, fork) and the starting
 * process exits 0 only once the pid file is locked and every listener is
 * bound, 1 if startup failed, so "postern start" can report the outcome.
 *
 * Startup: read main.cf, enter queue_directory (creating pid/, private/
 * and public/ when missing), lock pid/master.pid ("the Postern mail
 * system is already running" when another master holds it), bind every
 * listener, then run the event loop (master_loop.c). Environment problems
 * are fatal. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "master.h"
#include "server/instance_lock.h"
#include "server/privs.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/msg.h"

#define PID_FILE "pid/master.pid"

struct master_child;
const char *master_config_dir;
char *master_daemon_dir;
static int pid_fd = -1;
static bool pid_file_ours;
static char queue_dir[PATH_MAX];

long master_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long) ts.tv_sec;
}

void master_cleanup(void)
{
    if (pid_file_ours) {
        char path[PATH_MAX + 32];

        snprintf(path, sizeof(path), "%s/%s", queue_dir, PID_FILE);
        if (unlink(path) < 0 && errno != ENOENT)
            msg_warn("remove %s: %m", path);
        pid_file_ours = false;
    }
}

static void usage(void) __attribute__((noreturn));
static void usage(void)
{
    msg_fatal("usage: master [-c config_dir] [-d] [-t] [-v]");
}

static void open_log(bool foreground)
{
    const char *file = cfg_str("maillog_file");
    int sinks = foreground ? MSG_SINK_STDERR : 0;

    msg_set_syslog_name(cfg_str("syslog_name"));
    if (*file) {
        msg_set_sinks(sinks);
        if (msg_open_file(file) < 0)
            msg_fatal("open maillog_file %s: %m", file);
    } else {
        msg_set_sinks(sinks | MSG_SINK_SYSLOG);
    }
}

/* daemon_directory, or for a development instance whose configured
 * daemon_directory has no master program, the directory of this very
 * executable (the build's bin/). */
static char *find_daemon_dir(void)
{
    const char *configured = cfg_str("daemon_directory");
    char self[PATH_MAX], probe[PATH_MAX + 16];
    ssize_t n;
    char *slash;

    snprintf(probe, sizeof(probe), "%s/master", configured);
    if (access(probe, X_OK) == 0)
        return xstrdup(configured);
    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0)
        return xstrdup(configured);
    self[n] = '\0';
    slash = strrchr(self, '/');
    if (slash)
        *slash = '\0';
    msg_info("daemon_directory %s has no master program; using %s",
             configured, self);
    return xstrdup(self);
}

static void make_dir(const char *name, mode_t mode)
{
    if (mkdir(name, mode) < 0 && errno != EEXIST)
        msg_fatal("mkdir %s/%s: %m", queue_dir, name);
}

static void enter_queue_directory(void)
{
    snprintf(queue_dir, sizeof(queue_dir), "%s", cfg_str("queue_directory"));
    if (chdir(queue_dir) < 0)
        msg_fatal("chdir %s: %m", queue_dir);
    make_dir("pid", 0755);
    make_dir("private", 0700);
    make_dir("public", 0755);
    if (geteuid() == 0) {
        struct priv_user u;
        char *err = NULL;

        if (priv_lookup_user(cfg_str("mail_owner"), &u, &err) < 0)
            msg_fatal("mail_owner: %s", err);
        if (chown("private", u.uid, u.gid) < 0)
            msg_fatal("chown %s/private: %m", queue_dir);
        priv_user_free(&u);
    }
}

static void lock_instance(void)
{
    char *err = NULL;

    pid_fd = instance_lock_acquire(PID_FILE, &err);
    if (pid_fd == -2)
        msg_fatal("the Postern mail system is already running");
    if (pid_fd < 0)
        msg_fatal("%s", err);
    pid_file_ours = true;
}

/* Detaches; returns in the daemon with ready_fd to report success on. */
static int detach(void)
{
    int ready[2];
    char ok;
    pid_t pid;

    if (pipe2(ready, O_CLOEXEC) < 0)
        msg_fatal("pipe: %m");
    if ((pid = fork()) < 0)
        msg_fatal("fork: %m");
    if (pid > 0) {
        close(ready[1]);
        _exit(read(ready[0], &ok, 1) == 1 ? 0 : 1);
    }
    close(ready[0]);
    if (setsid() < 0)
        msg_fatal("setsid: %m");
    if ((pid = fork()) < 0)
        msg_fatal("fork: %m");
    if (pid > 0)
        _exit(0);
    return ready[1];
}

static void quiet_stdio(void)
{
    int fd = open("/dev/null", O_RDWR);

    if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
        msg_fatal("open /dev/null: %m");
    if (fd > 2)
        close(fd);
}

static int test_running(void)
{
    char path[PATH_MAX + 32];
    char *err = NULL;
    pid_t holder;

    snprintf(path, sizeof(path), "%s/%s", cfg_str("queue_directory"), PID_FILE);
    holder = instance_lock_holder(path, &err);
    if (holder < 0)
        msg_fatal("%s", err);
    return holder > 0 ? 1 : 0;
}

static void start(bool foreground)
{
    int ready_fd = -1;
    char *err = NULL;

    if (!foreground)
        ready_fd = detach();
    umask(022);
    enter_queue_directory();
    lock_instance();
    msg_set_cleanup(master_cleanup);
    master_signals_init();
    if (master_services_start(&err) < 0)
        msg_fatal("%s", err);
    msg_info("daemon started -- version %s, configuration %s",
             POSTERN_VERSION, config_dir());
    if (ready_fd >= 0) {
        if (write(ready_fd, "1", 1) != 1)
            msg_warn("report startup to parent: %m");
        close(ready_fd);
        quiet_stdio();
    }
}

int main(int argc, char **argv)
{
    bool foreground = false, test_only = false;
    char *err = NULL;
    int ch;

    msg_init(argv[0], MSG_SINK_STDERR);
    while ((ch = getopt(argc, argv, "c:dtvw")) != -1) {
        switch (ch) {
        case 'c':
            master_config_dir = optarg;
            break;
        case 'd':
            foreground = true;
            break;
        case 't':
            test_only = true;
            break;
        case 'v':
            msg_verbose++;
            break;
        case 'w':
            break;  /* always waits for startup; accepted for Postfix */
        default:
            usage();
        }
    }
    if (optind != argc)
        usage();
    /* Children run in queue_directory: they need an absolute path. */
    if (master_config_dir && (master_config_dir = realpath(master_config_dir, NULL)) == NULL)
        msg_fatal("configuration directory: %m");
    if (config_load(master_config_dir, &err) < 0)
        msg_fatal("%s", err);
    if (master_config_dir == NULL)
        master_config_dir = xstrdup(config_dir());
    if (setenv("MAIL_CONFIG", master_config_dir, 1) < 0)
        msg_fatal("setenv: %m");
    if (test_only)
        return test_running();
    open_log(foreground);
    config_report_unused();
    master_env_build();
    master_daemon_dir = find_daemon_dir();
    start(foreground);
    master_loop();
}
