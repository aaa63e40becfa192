/* command.c - run a delivery command with the message on its stdin and
 * turn its exit into a delivery result (see command.h). */
#include "local/command.h"
#include "util/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_TIME_LIMIT 1000
#define OUTPUT_MAX 1024
#define DEFAULT_PATH "/usr/bin:/bin"

static void env_add(char ***env, size_t *n, const char *name, const char *value)
{
    buf_t b = BUF_INIT;

    if (value == NULL)
        return;
    buf_printf(&b, "%s=%s", name, value);
    *env = xreallocarray(*env, *n + 2, sizeof(**env));
    (*env)[(*n)++] = buf_detach(&b);
    (*env)[*n] = NULL;
    buf_dispose(&b);
}

/* Builds the child's environment (in the parent: no allocation after fork). */
static char **build_env(const local_command_env_t *e)
{
    static const char *const exported[] = {"TZ", "LANG", "MAIL_CONFIG"};
    char **env = xcalloc(1, sizeof(*env));
    size_t n = 0;

    env_add(&env, &n, "PATH", DEFAULT_PATH);
    for (size_t i = 0; i < sizeof(exported) / sizeof(exported[0]); i++)
        env_add(&env, &n, exported[i], getenv(exported[i]));
    if (e == NULL)
        return env;
    env_add(&env, &n, "HOME", e->home);
    env_add(&env, &n, "USER", e->user);
    env_add(&env, &n, "SHELL", e->shell);
    env_add(&env, &n, "LOGNAME", e->logname ? e->logname : e->user);
    env_add(&env, &n, "SENDER", e->sender);
    env_add(&env, &n, "RECIPIENT", e->recipient);
    env_add(&env, &n, "ORIGINAL_RECIPIENT", e->original_recipient);
    env_add(&env, &n, "EXTENSION", e->extension);
    env_add(&env, &n, "DOMAIN", e->domain);
    env_add(&env, &n, "LOCAL", e->local);
    return env;
}

static void free_env(char **env)
{
    for (size_t i = 0; env[i]; i++)
        xfree(env[i]);
    xfree(env);
}

/* In the child: become the user, wire descriptors, exec the shell. */
static void run_child(const local_command_t *req, int in_fd, int out_fd,
                      char **env)
{
    (void) setpgid(0, 0);
    signal(SIGPIPE, SIG_DFL);
    if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
        _exit(71);
    closefrom(3);
    /* Any root in the real or effective ids is dropped completely, so the
     * command cannot switch back (a caller may have changed only euid). */
    if (getuid() == 0 || geteuid() == 0) {
        if ((geteuid() != 0 && seteuid(0) < 0) || setgroups(1, &req->gid) < 0
            || setgid(req->gid) < 0 || setuid(req->uid) < 0
            || getuid() == 0 || geteuid() == 0)
            _exit(71);
    }
    if (req->cwd == NULL || chdir(req->cwd) < 0)
        if (chdir("/") < 0)
            _exit(71);
    execle("/bin/sh", "sh", "-c", req->command, (char *) NULL, env);
    _exit(71);
}

/* Waits for pid until deadline_ms; kills its group on timeout. Returns
 * the wait status, or -1 on timeout. */
static int wait_child(pid_t pid, long long deadline_ms)
{
    struct timespec nap = {0, 2000000};
    int status;

    for (;;) {
        pid_t rc = waitpid(pid, &status, WNOHANG);

        if (rc == pid)
            return status;
        if (rc < 0 && errno != EINTR)
            return 71 << 8;  /* lost the child: EX_OSERR, try again later */
        if (sink_now_ms() >= deadline_ms) {
            (void) kill(-pid, SIGKILL);
            (void) kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            return -1;
        }
        nanosleep(&nap, NULL);
        if (nap.tv_nsec < 50000000)
            nap.tv_nsec *= 2;
    }
}

/* Reads the start of the captured output, made printable on one line. */
static void read_output(int fd, buf_t *out)
{
    char raw[OUTPUT_MAX];
    ssize_t n = pread(fd, raw, sizeof(raw), 0);

    buf_reset(out);
    for (ssize_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) raw[i];

        if (c < 0x20 || c >= 0x7f)
            c = ' ';
        if (c == ' ' && (out->len == 0 || out->data[out->len - 1] == ' '))
            continue;
        buf_putc(out, (char) c);
    }
    while (out->len > 0 && out->data[out->len - 1] == ' ')
        buf_truncate(out, out->len - 1);
}

static void judge(const local_command_t *req, int status, const buf_t *output,
                  dlv_result_t *res)
{
    const char *dsn, *text;
    buf_t tail;

    buf_init(&tail);
    if (output->len > 0)
        buf_printf(&tail, ". Command output: %s", output->data);
    if (status < 0) {
        dlv_result_set(res, "5.3.0", "Command time limit exceeded: \"%s\"%s",
                         req->command, tail.data);
    } else if (WIFSIGNALED(status)) {
        dlv_result_set(res, "4.3.0", "Command died with signal %d: \"%s\"%s",
                         WTERMSIG(status), req->command, tail.data);
    } else if (WEXITSTATUS(status) == 0) {
        dlv_result_set(res, "2.0.0", "delivered to command: %s", req->command);
    } else if (dlv_sysexit(WEXITSTATUS(status), &dsn, &text)) {
        dlv_result_set(res, dsn, "%s%s", text, tail.data);
    } else {
        dlv_result_set(res, "5.3.0", "Command died with status %d: \"%s\"%s",
                         WEXITSTATUS(status), req->command, tail.data);
    }
    buf_dispose(&tail);
}

/* Streams the message into the child's stdin until the deadline. Returns
 * 0, 1 for a time-out, or -1 when the producer's source failed (*err). */
static int feed(const local_command_t *req, int fd, long long deadline_ms,
                char **err)
{
    sink_fd_t *out = xmalloc(sizeof(*out));
    int rc = 0;

    sink_fd_init(out, fd, 0);
    out->deadline_ms = deadline_ms;
    if (req->produce(&out->base, req->ctx, err) < 0 && !out->base.error)
        rc = -1;
    else if (!out->base.error)
        (void) sink_fd_flush(out);
    /* EPIPE: the command did not read everything; its exit decides. */
    if (rc == 0 && out->base.error == ETIMEDOUT)
        rc = 1;
    xfree(out);
    return rc;
}

static int start_child(const local_command_t *req, int *in_w, int *out_fd,
                       pid_t *pid, dlv_result_t *res)
{
    int in[2];
    char **env;

    if ((getuid() == 0 || geteuid() == 0) && req->uid == 0) {
        dlv_result_set(res, "4.3.0", "refusing to run command as root: %s",
                         req->command);
        return -1;
    }
    *out_fd = memfd_create("command-output", MFD_CLOEXEC);
    if (*out_fd < 0 || pipe2(in, O_CLOEXEC) < 0) {
        dlv_result_set(res, "4.3.0", "cannot start command: %s",
                         strerror(errno));
        if (*out_fd >= 0)
            close(*out_fd);
        return -1;
    }
    env = build_env(req->env);
    *pid = fork();
    if (*pid == 0)
        run_child(req, in[0], *out_fd, env);
    free_env(env);
    close(in[0]);
    if (*pid < 0) {
        dlv_result_set(res, "4.3.0", "cannot start command: %s",
                         strerror(errno));
        close(in[1]);
        close(*out_fd);
        return -1;
    }
    (void) setpgid(*pid, *pid);
    (void) fcntl(in[1], F_SETFL, O_NONBLOCK);
    *in_w = in[1];
    return 0;
}

void local_deliver_command(const local_command_t *req, dlv_result_t *res)
{
    long limit = req->time_limit > 0 ? req->time_limit : DEFAULT_TIME_LIMIT;
    long long deadline = sink_now_ms() + limit * 1000LL;
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;
    buf_t output = BUF_INIT;
    char *err = NULL;
    int in_w, out_fd, fed, status;
    pid_t pid;

    if (start_child(req, &in_w, &out_fd, &pid, res) < 0)
        return;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old);
    fed = feed(req, in_w, deadline, &err);
    close(in_w);
    sigaction(SIGPIPE, &old, NULL);
    if (fed != 0)
        deadline = 0;  /* give up now: kill the command */
    status = wait_child(pid, deadline);
    read_output(out_fd, &output);
    close(out_fd);
    if (fed < 0)
        dlv_result_set(res, "4.3.0", "%s", err ? err : "message unreadable");
    else
        judge(req, status, &output, res);
    xfree(err);
    buf_dispose(&output);
}
