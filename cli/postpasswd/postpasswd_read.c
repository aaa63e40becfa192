/* postpasswd_read.c - password input for postpasswd (see
 * postpasswd_read.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "postpasswd_read.h"
#include "util/buf.h"
#include "util/errstr.h"
#include "util/mem.h"

/* One line from fd, without its LF (and CR). 0, or -1 at end of input,
 * with a NUL byte, or when too long. */
static int read_line(int fd, buf_t *line, char **err)
{
    char c;
    ssize_t n;

    buf_reset(line);
    for (;;) {
        n = read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errstr_errno(err, errno, "read password");
        if (n == 0) {
            if (line->len == 0) {
                errstr_set(err, "no password given");
                return -1;
            }
            break;
        }
        if (c == '\n')
            break;
        if (c == '\0' || line->len >= PASSWORD_MAX) {
            errstr_set(err, "password has a NUL byte or is too long");
            return -1;
        }
        buf_putc(line, c);
    }
    if (line->len > 0 && line->data[line->len - 1] == '\r')
        buf_truncate(line, line->len - 1);
    return 0;
}

static int prompt_read(const char *prompt, buf_t *line, char **err)
{
    struct termios saved, quiet;
    int rc;

    if (tcgetattr(STDIN_FILENO, &saved) < 0)
        return errstr_errno(err, errno, "tcgetattr");
    quiet = saved;
    quiet.c_lflag &= ~(tcflag_t) ECHO;
    quiet.c_lflag |= ECHONL;
    fputs(prompt, stderr);
    fflush(stderr);
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) < 0)
        return errstr_errno(err, errno, "tcsetattr");
    rc = read_line(STDIN_FILENO, line, err);
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) < 0 && rc == 0)
        rc = errstr_errno(err, errno, "tcsetattr");
    return rc;
}

int password_read(char **out, char **err)
{
    buf_t first = BUF_INIT, second = BUF_INIT;
    int rc = 0;

    buf_init(&first);
    buf_init(&second);
    if (!isatty(STDIN_FILENO)) {
        rc = read_line(STDIN_FILENO, &first, err);
    } else if ((rc = prompt_read("Enter new password: ", &first, err)) == 0
               && (rc = prompt_read("Retype new password: ", &second, err)) == 0
               && strcmp(first.data, second.data) != 0) {
        errstr_set(err, "passwords don't match");
        rc = -1;
    }
    explicit_bzero(second.data, second.len);
    buf_dispose(&second);
    if (rc < 0) {
        explicit_bzero(first.data, first.len);
        buf_dispose(&first);
        return -1;
    }
    *out = buf_detach(&first);
    return 0;
}
