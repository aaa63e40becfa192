/* postern_main.c - postern(1), the control command of a Postern instance:
 *
 *   postern [-c config_dir] [-v] start|start-fg|stop|abort|reload|status|check
 *
 * start      check, then run master, which detaches; succeeds once master
 *            has bound every listener
 * start-fg   run master in the foreground (for containers and supervisors)
 * stop       SIGTERM to master, then wait (bounded) until it has exited
 * abort      SIGQUIT to master: children are killed at once
 * reload     SIGHUP to master: re-read main.cf and master.cf
 * status     exit 0 and say so when master runs, 1 otherwise
 * check      see postern_check.c
 * route ADDRESS...  where mail for each address would go: see postern_route.c
 *
 * master is found in daemon_directory; when that holds no master program
 * (a development instance run from the build tree), in the directory of
 * this executable. Messages look like Postfix's postfix-script ones:
 * "postern/postern-script: the Postern mail system is running: PID: 123". */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config/config.h"
#include "postern.h"
#include "server/instance_lock.h"
#include "util/mem.h"
#include "util/msg.h"

#define STOP_WAIT_SECONDS 30

static const char *config_arg;
static char *the_daemon_dir;
static char pid_path[PATH_MAX];

void say(const char *fmt, ...)
{
    char text[2048];
    int sinks = msg_sinks();
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s/postern-script: %s\n", cfg_str("syslog_name"), text);
    msg_set_sinks(sinks & ~MSG_SINK_STDERR);
    msg_info("%s", text);
    msg_set_sinks(sinks);
}

void say_fatal(const char *fmt, ...)
{
    char text[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s/postern-script: fatal: %s\n", cfg_str("syslog_name"), text);
    msg_set_sinks(msg_sinks() & ~MSG_SINK_STDERR);
    msg_fatal("%s", text);
}

static void usage(void) __attribute__((noreturn));
static void usage(void)
{
    fprintf(stderr, "usage: postern [-c config_dir] [-v] "
            "start|start-fg|stop|abort|reload|status|check\n"
            "       postern [-c config_dir] route address...\n");
    exit(2);
}

/* Warnings go to stderr and the mail log; say() writes its own stderr
 * line and logs to the mail log only. */
static void open_log(void)
{
    const char *file = cfg_str("maillog_file");

    msg_set_syslog_name(cfg_str("syslog_name"));
    if (*file && msg_open_file(file) == 0)
        msg_set_sinks(MSG_SINK_FILE | MSG_SINK_STDERR);
    else
        msg_set_sinks(MSG_SINK_SYSLOG | MSG_SINK_STDERR);
}

static char *find_daemon_dir(void)
{
    const char *configured = cfg_str("daemon_directory");
    char self[PATH_MAX], probe[PATH_MAX + 16];
    ssize_t n;

    snprintf(probe, sizeof(probe), "%s/master", configured);
    if (access(probe, X_OK) == 0)
        return xstrdup(configured);
    n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0)
        return xstrdup(configured);
    self[n] = '\0';
    if (strrchr(self, '/'))
        *strrchr(self, '/') = '\0';
    return xstrdup(self);
}

static pid_t running_pid(void)
{
    char *err = NULL;
    pid_t pid = instance_lock_holder(pid_path, &err);

    if (pid < 0)
        say_fatal("%s", err);
    return pid;
}

static void master_argv(const char *daemon_dir, bool foreground, char **argv,
                        char *path, size_t pathlen)
{
    int n = 0;

    snprintf(path, pathlen, "%s/master", daemon_dir);
    argv[n++] = path;
    argv[n++] = "-c";
    argv[n++] = (char *) config_dir();
    if (foreground)
        argv[n++] = "-d";
    for (int i = 0; i < msg_verbose && i < 3; i++)
        argv[n++] = "-v";
    argv[n] = NULL;
}

static int run_master(const char *daemon_dir, bool foreground)
{
    char path[PATH_MAX + 16];
    char *argv[8];
    int status;
    pid_t pid;

    master_argv(daemon_dir, foreground, argv, path, sizeof(path));
    if (foreground) {
        execv(path, argv);
        say_fatal("cannot execute %s: %s", path, strerror(errno));
    }
    if ((pid = fork()) < 0)
        say_fatal("fork: %s", strerror(errno));
    if (pid == 0) {
        execv(path, argv);
        fprintf(stderr, "postern: cannot execute %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            say_fatal("waitpid: %s", strerror(errno));
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

static int do_start(const char *daemon_dir, bool foreground)
{
    if (running_pid() > 0)
        say_fatal("the Postern mail system is already running");
    if (postern_check(daemon_dir) != 0)
        say_fatal("configuration problems; not starting the Postern mail system");
    if (!foreground)
        say("starting the Postern mail system");
    if (run_master(daemon_dir, foreground) != 0)
        say_fatal("mail system startup failed");
    return 0;
}

static int wait_gone(void)
{
    struct timespec pause = {0, 100 * 1000 * 1000};

    for (int i = 0; i < STOP_WAIT_SECONDS * 10; i++) {
        if (running_pid() == 0)
            return 0;
        nanosleep(&pause, NULL);
    }
    say_fatal("the Postern mail system did not stop within %d seconds",
              STOP_WAIT_SECONDS);
}

static int signal_master(int sig, const char *what)
{
    pid_t pid = running_pid();

    if (pid == 0)
        say_fatal("the Postern mail system is not running");
    say("%s the Postern mail system", what);
    if (kill(pid, sig) < 0)
        say_fatal("kill %ld: %s", (long) pid, strerror(errno));
    return sig == SIGHUP ? 0 : wait_gone();
}

static int do_status(void)
{
    pid_t pid = running_pid();

    if (pid == 0) {
        say("the Postern mail system is not running");
        return 1;
    }
    say("the Postern mail system is running: PID: %ld", (long) pid);
    return 0;
}

static int dispatch(const char *cmd, const char *daemon_dir)
{
    if (strcmp(cmd, "start") == 0)
        return do_start(daemon_dir, false);
    if (strcmp(cmd, "start-fg") == 0)
        return do_start(daemon_dir, true);
    if (strcmp(cmd, "stop") == 0)
        return signal_master(SIGTERM, "stopping");
    if (strcmp(cmd, "abort") == 0)
        return signal_master(SIGQUIT, "aborting");
    if (strcmp(cmd, "reload") == 0)
        return signal_master(SIGHUP, "refreshing");
    if (strcmp(cmd, "status") == 0)
        return do_status();
    if (strcmp(cmd, "check") == 0)
        return postern_check(daemon_dir);
    fprintf(stderr, "postern: unknown command: %s\n", cmd);
    usage();
}

int main(int argc, char **argv)
{
    char *err = NULL;
    int ch;

    msg_init("postern-script", MSG_SINK_STDERR);
    while ((ch = getopt(argc, argv, "c:v")) != -1) {
        if (ch == 'c')
            config_arg = optarg;
        else if (ch == 'v')
            msg_verbose++;
        else
            usage();
    }
    if (optind >= argc || (optind + 1 != argc && strcmp(argv[optind], "route") != 0))
        usage();
    if (config_load(config_arg, &err) < 0) {
        fprintf(stderr, "postern: fatal: %s\n", err);
        return 1;
    }
    if (strcmp(argv[optind], "route") == 0)
        return postern_route(argc - optind - 1, argv + optind + 1);
    snprintf(pid_path, sizeof(pid_path), "%s/pid/master.pid",
             cfg_str("queue_directory"));
    if (strcmp(argv[optind], "check") != 0)
        open_log();
    else
        msg_set_sinks(MSG_SINK_STDERR);
    the_daemon_dir = find_daemon_dir();
    return dispatch(argv[optind], the_daemon_dir);
}
