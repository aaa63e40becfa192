/* scripted_server.h - a scripted SMTP server for the client's unit tests:
 * a child process on one end of a socketpair that, step by step, reads a
 * line (or a whole DATA content up to "."), checks it starts with what
 * the step expects, and writes the step's reply bytes as given (so tests
 * can send broken replies). Everything it read goes back to the parent
 * through a pipe as the transcript; the child exits 0 when every
 * expectation held. Each read waits at most 5 seconds. */
#ifndef SCRIPTED_SERVER_H
#define SCRIPTED_SERVER_H

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/buf.h"

#define SCRIPT_DATA "<DATA>"   /* expect: read content lines up to "." */
#define SCRIPT_CLOSE "<CLOSE>" /* reply: close the connection */

typedef struct script_step {
    const char *expect;   /* NULL: read nothing */
    const char *reply;    /* NULL: write nothing */
} script_step_t;

typedef struct script_server {
    pid_t pid;
    int client_fd;
    int transcript_fd;
} script_server_t;

/* Reads one line (up to LF) from fd into line; 0 at end, -1 on timeout. */
static int script_read_line(int fd, buf_t *line)
{
    char c;

    buf_reset(line);
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        ssize_t n;

        if (poll(&p, 1, 5000) <= 0)
            return -1;
        n = read(fd, &c, 1);
        if (n <= 0)
            return line->len ? 1 : 0;
        buf_putc(line, c);
        if (c == '\n')
            return 1;
    }
}

static void script_write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n <= 0)
            return;
        data += n;
        len -= (size_t) n;
    }
}

static int script_run(int fd, int out, const script_step_t *steps, size_t n)
{
    buf_t line = BUF_INIT;
    int bad = 0;

    for (size_t i = 0; i < n; i++) {
        if (steps[i].expect && strcmp(steps[i].expect, SCRIPT_DATA) == 0) {
            do {
                if (script_read_line(fd, &line) <= 0) {
                    bad = 1;
                    break;
                }
                script_write_all(out, line.data, line.len);
            } while (strcmp(line.data, ".\r\n") != 0);
        } else if (steps[i].expect) {
            if (script_read_line(fd, &line) <= 0) {
                bad = 1;
                break;
            }
            script_write_all(out, line.data, line.len);
            if (strncmp(line.data, steps[i].expect, strlen(steps[i].expect)) != 0)
                bad = 1;
        }
        if (steps[i].reply && strcmp(steps[i].reply, SCRIPT_CLOSE) == 0)
            break;
        if (steps[i].reply)
            script_write_all(fd, steps[i].reply, strlen(steps[i].reply));
    }
    buf_dispose(&line);
    return bad;
}

static void script_start(script_server_t *ss, const script_step_t *steps, size_t n)
{
    int sv[2], pv[2];

    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 || pipe(pv) < 0)
        abort();
    ss->pid = fork();
    if (ss->pid < 0)
        abort();
    if (ss->pid == 0) {
        int rc;

        close(sv[0]);
        close(pv[0]);
        signal(SIGPIPE, SIG_IGN);
        rc = script_run(sv[1], pv[1], steps, n);
        close(sv[1]);
        _exit(rc);
    }
    close(sv[1]);
    close(pv[1]);
    ss->client_fd = sv[0];
    ss->transcript_fd = pv[0];
}

/* Waits for the child; the transcript goes into out. Returns its exit
 * status (0: all expectations held). */
static int script_finish(script_server_t *ss, buf_t *out)
{
    char tmp[4096];
    ssize_t n;
    int status = 0;

    while ((n = read(ss->transcript_fd, tmp, sizeof(tmp))) > 0)
        buf_append(out, tmp, (size_t) n);
    close(ss->transcript_fd);
    if (waitpid(ss->pid, &status, 0) < 0 || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

#endif
